//! Byte scans over the short strings of a batch (keys, dates, names, ids), eight bytes
//! at a time in a `u64` ("SWAR"): too short for `memchr`'s vectors to pay for setting
//! up, and a byte at a time is the largest cost of reading a row and of writing a
//! result.

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);

/// A high bit in each byte of `w` that is zero (and perhaps in bytes after the first
/// zero byte, never before it: the lowest set bit marks the first).
fn zero(w: u64) -> u64 {
    w.wrapping_sub(ONES) & !w & HIGH
}

/// A high bit in each byte of `w` equal to `b` (the same caveat as [`zero`]).
fn equal(w: u64, b: u8) -> u64 {
    zero(w ^ (ONES * u64::from(b)))
}

/// A high bit in each byte of `w` below 0x20, a control character (the same caveat):
/// a byte of 0x80 or more has its own high bit set and is never marked.
fn control(w: u64) -> u64 {
    w.wrapping_sub(ONES * 0x20) & !w & HIGH
}

/// The first position in `bytes` where `mark` marks a byte, and whether one does.
fn first(bytes: &[u8], mark: impl Fn(u64) -> u64, byte: impl Fn(u8) -> bool) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let found = mark(w);
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| byte(b))
        .map(|k| at + k)
}

/// The position of the first `"` or `\\` in `bytes`: where a JSON string without
/// escapes ends.
pub(super) fn quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    first(
        bytes,
        |w| equal(w, b'"') | equal(w, b'\\'),
        |b| b == b'"' || b == b'\\',
    )
}

/// Whether `s` needs an escape in a JSON string: a `"`, a `\\` or a control character.
pub(super) fn needs_json_escape(s: &str) -> bool {
    first(
        s.as_bytes(),
        |w| equal(w, b'"') | equal(w, b'\\') | control(w),
        |b| b == b'"' || b == b'\\' || b < 0x20,
    )
    .is_some()
}

#[cfg(test)]
mod tests {
    /// Against a byte at a time, for every byte value at every position of strings
    /// long and short, and next to bytes that the bit tricks could confuse (0x00,
    /// 0x01, 0x1F, 0x20, 0x21, 0x5B–0x5D, 0x7F, 0x80, 0xFF).
    #[test]
    fn scans_find_what_a_byte_at_a_time_finds() {
        let fill = [
            0x00u8, 0x01, 0x1F, 0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7F, 0x80, 0xA2, 0xDC, 0xFF,
        ];
        for len in 0..20 {
            for &background in &fill {
                for pos in 0..len {
                    for b in 0..=255u8 {
                        let mut bytes = vec![background; len];
                        bytes[pos] = b;
                        let want = bytes.iter().position(|&b| b == b'"' || b == b'\\');
                        assert_eq!(super::quote_or_backslash(&bytes), want, "{bytes:?}");
                        let want = bytes.iter().any(|&b| b == b'"' || b == b'\\' || b < 0x20);
                        let got = super::first(
                            &bytes,
                            |w| super::equal(w, b'"') | super::equal(w, b'\\') | super::control(w),
                            |b| b == b'"' || b == b'\\' || b < 0x20,
                        );
                        assert_eq!(got.is_some(), want, "{bytes:?}");
                        if let Ok(s) = std::str::from_utf8(&bytes) {
                            assert_eq!(super::needs_json_escape(s), want, "{bytes:?}");
                        }
                    }
                }
            }
        }
    }
}
