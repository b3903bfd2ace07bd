//! Line breaks in a batch, as people's files have them: LF (Unix), CRLF (Windows, and
//! what Excel writes) and a lone CR (old Macs) each end one line, so that a row's line
//! number is the one an editor shows. JSON Lines rows are split here ([`read_row`]);
//! a CSV file is handed to the csv crate through [`CsvInput`], which makes every
//! break a line feed (csv counts only those) and remembers where each one went, and
//! which chose the separator from the header line ([`Separator`]).

use std::collections::VecDeque;
use std::io::{self, BufRead, Read};

/// What [`read_row`] read.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Line {
    /// The input has ended.
    End,
    /// A line, in the buffer without its break.
    Row,
    /// A line longer than the limit: its first bytes are in the buffer, the rest was
    /// read past.
    TooLong,
}

/// Reads one line, appending it to `buf` (what `buf` held before stays: a chunk keeps
/// its rows back to back): up to a line feed, a CR LF or a lone CR, which is consumed
/// and not kept. At most `limit` bytes of the line are kept; the rest of a longer line
/// is read past, so memory stays bounded.
pub(super) fn read_row(
    input: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Line> {
    let base = buf.len();
    let mut read_any = false;
    let mut too_long = false;
    // A CR was the last byte of a buffer: a LF first in the next belongs to it.
    let mut after_cr = false;
    loop {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        if after_cr {
            if chunk[0] == b'\n' {
                input.consume(1);
            }
            break;
        }
        read_any = true;
        match memchr::memchr2(b'\n', b'\r', chunk) {
            Some(i) => {
                keep(buf, base, &chunk[..i], limit, &mut too_long);
                let cr = chunk[i] == b'\r';
                match chunk.get(i + 1) {
                    Some(b'\n') if cr => input.consume(i + 2),
                    Some(_) => input.consume(i + 1),
                    None => {
                        input.consume(i + 1);
                        if cr {
                            after_cr = true;
                            continue;
                        }
                    }
                }
                break;
            }
            None => {
                let n = chunk.len();
                keep(buf, base, chunk, limit, &mut too_long);
                input.consume(n);
            }
        }
    }
    Ok(match (read_any, too_long) {
        (false, _) => Line::End,
        (true, false) => Line::Row,
        (true, true) => Line::TooLong,
    })
}

fn keep(buf: &mut Vec<u8>, base: usize, bytes: &[u8], limit: usize, too_long: &mut bool) {
    let room = limit.saturating_sub(buf.len() - base);
    if bytes.len() > room {
        *too_long = true;
    }
    buf.extend_from_slice(&bytes[..bytes.len().min(room)]);
}

/// The separator of a CSV file, chosen from its header line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Separator {
    /// `,` or `;`.
    pub(super) byte: u8,
    /// The header line has both `,` and `;` outside quotes: the more frequent was taken
    /// (`,` on a tie), and a column name holding the other will be unknown; its message
    /// says which separator was assumed.
    pub(super) mixed: bool,
}

impl Separator {
    /// `;` when the header line has more `;` than `,` outside double quotes (Swedish
    /// Excel writes `arende;ansokningsdatum;…`), else `,`. Column names never hold
    /// either, so a header decides it unless it has both.
    fn of(header: &[u8]) -> Separator {
        let (mut commas, mut semicolons, mut quoted) = (0usize, 0usize, false);
        for &b in header {
            match b {
                b'"' => quoted = !quoted,
                b',' if !quoted => commas += 1,
                b';' if !quoted => semicolons += 1,
                _ => {}
            }
        }
        Separator {
            byte: if semicolons > commas { b';' } else { b',' },
            mixed: commas > 0 && semicolons > 0,
        }
    }
}

/// A CSV file as the csv crate reads it: a byte-order mark dropped, every line break
/// (CR LF, lone CR, LF) made one line feed, and the place of each line feed kept until
/// the record after it is read, so that [`CsvInput::line_of`] can tell a record's line.
pub(super) struct CsvInput<'i> {
    /// The header line (and any blank lines before it), read to choose the separator.
    head: Vec<u8>,
    /// How much of `head` has been handed on.
    head_at: usize,
    input: &'i mut dyn BufRead,
    breaks: Breaks,
}

/// The line feeds handed on to the csv reader.
#[derive(Default)]
struct Breaks {
    /// The last byte handed on was a CR made a line feed: a LF right after it is dropped.
    after_cr: bool,
    /// Bytes handed on so far.
    handed: u64,
    /// The offsets (in what was handed on) of the line feeds not yet behind a record;
    /// at most a buffer's worth, as the csv reader reads ahead by one buffer.
    at: VecDeque<u64>,
    /// How many line feeds came before the first of `at`.
    before: u64,
}

impl Breaks {
    /// Hands on bytes of `from` into `out`, line breaks made line feeds; returns how
    /// many bytes of `from` were used and how many written. Runs between breaks are
    /// copied whole (`memchr2` finds the breaks), so a large file is not read byte by byte.
    fn pass(&mut self, from: &[u8], out: &mut [u8]) -> (usize, usize) {
        let (mut used, mut written) = (0, 0);
        while used < from.len() && written < out.len() {
            if std::mem::take(&mut self.after_cr) && from[used] == b'\n' {
                used += 1;
                continue;
            }
            let rest = &from[used..];
            let run = &rest[..rest.len().min(out.len() - written)];
            let (n, ends) = match memchr::memchr2(b'\r', b'\n', run) {
                Some(i) => (i, Some(run[i])),
                None => (run.len(), None),
            };
            out[written..written + n].copy_from_slice(&run[..n]);
            used += n;
            written += n;
            self.handed += n as u64;
            if let Some(b) = ends {
                self.after_cr = b == b'\r';
                self.at.push_back(self.handed);
                out[written] = b'\n';
                used += 1;
                written += 1;
                self.handed += 1;
            }
        }
        (used, written)
    }
}

impl<'i> CsvInput<'i> {
    /// Reads the header line of `input` (and any blank lines before it; at most `limit`
    /// bytes) to choose the separator. Every byte read is handed on.
    pub(super) fn new(input: &'i mut dyn BufRead, limit: usize) -> io::Result<(Self, Separator)> {
        let mut head = Vec::new();
        let mut quoted = false;
        // Where the header's own text starts, after blank lines.
        let mut start = 0;
        loop {
            let chunk = input.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            let (mut used, mut done) = (0, false);
            for &b in chunk {
                used += 1;
                head.push(b);
                match b {
                    b'"' => quoted = !quoted,
                    b'\r' | b'\n' if !quoted && head.len() - 1 == start => start = head.len(),
                    b'\r' | b'\n' if !quoted => done = true,
                    _ => {}
                }
                if done || head.len() >= limit {
                    done = true;
                    break;
                }
            }
            input.consume(used);
            if done {
                break;
            }
        }
        // A byte-order mark, as Excel writes one, is not part of the first column's name.
        if head.starts_with(b"\xEF\xBB\xBF") {
            head.drain(..3);
            start = start.saturating_sub(3);
        }
        let separator = Separator::of(&head[start.min(head.len())..]);
        let csv = CsvInput {
            head,
            head_at: 0,
            input,
            breaks: Breaks::default(),
        };
        Ok((csv, separator))
    }

    /// The 1-based line of the record the csv reader started reading at byte `start`
    /// (its `Position::byte`), blank lines before it skipped as the reader skips them.
    /// The line feeds before it are forgotten: ask for each record in turn.
    pub(super) fn line_of(&mut self, start: u64) -> u64 {
        let b = &mut self.breaks;
        while b.at.front().is_some_and(|&at| at < start) {
            b.at.pop_front();
            b.before += 1;
        }
        // Blank lines: line feeds right at the start.
        let mut next = start;
        while b.at.front() == Some(&next) {
            b.at.pop_front();
            b.before += 1;
            next += 1;
        }
        b.before + 1
    }
}

impl Read for CsvInput<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        // Nothing written is the end of the file: a dropped LF alone must not look like it.
        loop {
            let (used, written) = if self.head_at < self.head.len() {
                let r = self.breaks.pass(&self.head[self.head_at..], out);
                self.head_at += r.0;
                r
            } else {
                let chunk = self.input.fill_buf()?;
                if chunk.is_empty() {
                    return Ok(0);
                }
                let r = self.breaks.pass(chunk, out);
                self.input.consume(r.0);
                r
            };
            if written > 0 || used == 0 {
                return Ok(written);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &[u8], limit: usize) -> Vec<(Line, String)> {
        // A small buffer, so that breaks fall across buffer ends.
        let mut input = io::BufReader::with_capacity(3, text);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        loop {
            buf.clear();
            let l = read_row(&mut input, &mut buf, limit).unwrap();
            if l == Line::End {
                return out;
            }
            out.push((l, String::from_utf8(buf.clone()).unwrap()));
        }
    }

    #[test]
    fn every_break_ends_one_row() {
        for text in [
            &b"a\nbb\n\nccc\n"[..],
            b"a\r\nbb\r\n\r\nccc\r\n",
            b"a\rbb\r\rccc\r",
            b"a\rbb\r\n\nccc",
        ] {
            let got = rows(text, 100);
            let want: Vec<(Line, String)> = ["a", "bb", "", "ccc"]
                .iter()
                .map(|s| (Line::Row, (*s).to_string()))
                .collect();
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(text));
        }
        assert_eq!(
            rows(b"abcdef\r\ng", 4),
            [(Line::TooLong, "abcd".into()), (Line::Row, "g".into())]
        );
    }

    fn csv_lines(text: &[u8]) -> (Separator, Vec<(u64, Vec<String>)>) {
        let mut input = io::BufReader::with_capacity(5, text);
        let (csv_input, sep) = CsvInput::new(&mut input, 1 << 20).unwrap();
        let mut r = csv::ReaderBuilder::new()
            .delimiter(sep.byte)
            .buffer_capacity(7)
            .from_reader(csv_input);
        let mut out = Vec::new();
        let h = r.headers().unwrap().clone();
        let line = r.get_mut().line_of(h.position().unwrap().byte());
        out.push((line, h.iter().map(str::to_string).collect()));
        let mut rec = csv::StringRecord::new();
        while r.read_record(&mut rec).unwrap() {
            let line = r.get_mut().line_of(rec.position().unwrap().byte());
            out.push((line, rec.iter().map(str::to_string).collect()));
        }
        (sep, out)
    }

    #[test]
    fn csv_records_are_on_their_lines_whatever_the_breaks() {
        let lf = "\n\narende,b\n1,\"x\ny\"\n\n2,z\n3,w";
        let want = vec![
            (3, vec!["arende".to_string(), "b".into()]),
            (4, vec!["1".into(), "x\ny".into()]),
            (7, vec!["2".into(), "z".into()]),
            (8, vec!["3".into(), "w".into()]),
        ];
        for text in [
            lf.to_string(),
            lf.replace('\n', "\r\n"),
            lf.replace('\n', "\r"),
            format!("\u{feff}{}", lf.replace('\n', "\r\n")),
        ] {
            let (sep, got) = csv_lines(text.as_bytes());
            assert_eq!(
                sep,
                Separator {
                    byte: b',',
                    mixed: false
                }
            );
            assert_eq!(got, want, "{text:?}");
        }
    }

    proptest::proptest! {
        /// Whatever the breaks (LF, CRLF, CR), blank lines and buffer sizes, each record is
        /// on the line it was written on, with its cells.
        #[test]
        fn records_keep_their_lines(
            rows in proptest::collection::vec(("[a-c]{1,3}", 0..3usize, 0..3usize), 1..12),
        ) {
            let breaks = ["\n", "\r\n", "\r"];
            // A LF right after a CR would be one CRLF, not two breaks: write CRLF there.
            let push_break = |text: &mut String, b: &str| {
                text.push_str(if text.ends_with('\r') && b == "\n" { "\r\n" } else { b });
            };
            let mut text = String::new();
            let mut want = Vec::new();
            let mut line = 1;
            for (cell, blank, brk) in &rows {
                for _ in 0..*blank {
                    push_break(&mut text, breaks[*brk]);
                    line += 1;
                }
                want.push((line, vec![cell.clone(), "x".to_string()]));
                text.push_str(cell);
                text.push_str(",x");
                push_break(&mut text, breaks[(*brk + 1) % 3]);
                line += 1;
            }
            let (_, got) = csv_lines(text.as_bytes());
            proptest::prop_assert_eq!(got, want, "{:?}", text);
        }
    }

    #[test]
    fn the_header_chooses_the_separator() {
        let (sep, got) =
            csv_lines("\u{feff}arende;summa\r\nc1;\"12 345,50\"\r\nc2;1,5\r\n".as_bytes());
        assert_eq!(
            sep,
            Separator {
                byte: b';',
                mixed: false
            }
        );
        assert_eq!(got[0].1, ["arende", "summa"], "the mark is not in the name");
        assert_eq!(got[1], (2, vec!["c1".to_string(), "12 345,50".into()]));
        assert_eq!(got[2], (3, vec!["c2".to_string(), "1,5".into()]));
        let of = |h: &str| Separator::of(h.as_bytes());
        assert_eq!(
            of("a,\"b;c\",d"),
            Separator {
                byte: b',',
                mixed: false
            }
        );
        assert_eq!(
            of("a;\"b,c\";d"),
            Separator {
                byte: b';',
                mixed: false
            }
        );
        assert_eq!(
            of("a;b;c,d"),
            Separator {
                byte: b';',
                mixed: true
            }
        );
        assert_eq!(
            of("a,b;c"),
            Separator {
                byte: b',',
                mixed: true
            }
        );
        assert_eq!(
            of("arende"),
            Separator {
                byte: b',',
                mixed: false
            }
        );
    }
}
