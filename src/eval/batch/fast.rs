//! The fast path of a JSON Lines row. A case management export writes every row in the
//! same shape: the keys of a case, facts as scalars, assessments as small objects. This
//! parser reads exactly that shape straight from the row's bytes into the case: the row
//! is checked as UTF-8 once; the key of the next fact is compared in place against the
//! one that followed the same fact in the row before (the parser's [`Lookup`] remembers
//! it), and only another key is hashed; strings without escapes are borrowed; numbers
//! are read without floats; and the case's strings (`arende`, `insatser`, each `av` and
//! `motivering`) keep their buffers from row to row. docs/benchmarks.md has what each
//! of these saved.
//!
//! It accepts a subset of what the serde parser ([`super::read`]) accepts and fills
//! the case exactly as that parser would. Anything outside the subset (any error at
//! all, a number with a fraction or exponent, a value of an unexpected kind, a key
//! given twice or written with an escape, a control character anywhere) makes it give
//! up (`None`), and the row is read again by the serde parser, whose error messages are
//! therefore the batch's only ones. The two are held to giving the same case by
//! tests/fast_row.rs (generated rows, valid and broken, read into reused cases) and by
//! the `batch_jsonl` fuzz target.

use std::borrow::Cow;

use jiff::civil::Date;

use super::read::Lookup;
use super::scan::quote_or_backslash;
use crate::eval::Engine;
use crate::eval::case::{Assessment, Case, Extension, Raw, encode};
use crate::model::FactSource;

/// Reads `line` (one row, trimmed) into `case` if it has the usual shape and no error;
/// `None` gives the row up to the serde parser (the case is then in no particular
/// state, and that parser clears it). `Some` leaves the case as the serde parser
/// would, before `check_bounds`.
pub(super) fn parse(
    engine: &Engine<'_>,
    lookup: &Lookup<'_>,
    line: &[u8],
    case: &mut Case,
) -> Option<()> {
    // Control characters are allowed only as whitespace between tokens and forbidden
    // inside strings. Past the whitespace around the row (a line break a caller left
    // on), a row with any (a tab between tokens is rare) leaves the fast path whole,
    // so that strings are scanned for their quote and backslash only.
    let json_ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let start = line.iter().position(|b| !json_ws(b)).unwrap_or(line.len());
    let end = line
        .iter()
        .rposition(|b| !json_ws(b))
        .map_or(start, |e| e + 1);
    let line = &line[start..end];
    // (Or-ed over the whole row rather than stopped at the first: a loop without an
    // early exit is vectorised.)
    if line.iter().fold(0u8, |any, &b| any | u8::from(b < 0x20)) != 0 {
        return None;
    }
    let text = std::str::from_utf8(line).ok()?;
    lookup.next_row();
    // Cleared as the serde parser's reset clears it, except the strings whose buffers
    // this row reuses: `arende` and `insatser` are set when given (and cleared below
    // when not), an assessment when its fact is read (and cleared below when not).
    case.document = None;
    case.start_date = None;
    case.facts.iter_mut().for_each(|f| *f = None);
    case.extension = None;
    let mut r = Cursor { s: text, i: 0 };
    let mut given = 0u16;
    r.byte(b'{')?;
    if !r.eat(b'}') {
        loop {
            let key = r.key()?;
            r.byte(b':')?;
            let bit = match key {
                "arende" => {
                    match r.peek()? {
                        b'"' => reuse(&mut case.id, &r.string()?),
                        b'n' => {
                            r.null()?;
                            case.id = None;
                        }
                        _ => case.id = Some(r.int()?.to_string()),
                    }
                    0
                }
                "riktlinje" => {
                    case.document = r.opt_string()?.map(Cow::into_owned);
                    1
                }
                "ansokningsdatum" => {
                    case.application_date = date(&r.string()?)?;
                    2
                }
                "startdatum" => {
                    case.start_date = match r.opt_string()? {
                        Some(s) => Some(date(&s)?),
                        None => None,
                    };
                    3
                }
                "insatser" => {
                    r.byte(b'[')?;
                    let mut n = 0;
                    if !r.eat(b']') {
                        loop {
                            let s = r.string()?;
                            match case.interventions.get_mut(n) {
                                Some(b) => {
                                    b.clear();
                                    b.push_str(&s);
                                }
                                None => case.interventions.push(s.into_owned()),
                            }
                            n += 1;
                            if !r.comma_or(b']')? {
                                break;
                            }
                        }
                    }
                    case.interventions.truncate(n);
                    4
                }
                "fakta" => {
                    facts(engine, lookup, &mut r, case, false)?;
                    5
                }
                "bedomningar" => {
                    facts(engine, lookup, &mut r, case, true)?;
                    6
                }
                "sarskilda_skal" => {
                    case.extension = extension(&mut r)?;
                    7
                }
                _ => return None,
            };
            if !r.member_done(&mut given, bit)? {
                break;
            }
        }
    }
    r.end()?;
    // `ansokningsdatum` and `insatser` are required (the serde parser says so, and an
    // empty `insatser` is its error too).
    if given & (1 << 2) == 0 || given & (1 << 4) == 0 || case.interventions.is_empty() {
        return None;
    }
    if given & 1 == 0 {
        case.id = None;
    }
    // A fact the row did not assess has no assessment.
    for (slot, a) in case.assessments.iter_mut().enumerate() {
        if a.is_some() && !lookup.given(slot) {
            *a = None;
        }
    }
    Some(())
}

/// `fakta` or (`assessments`) `bedomningar`: `null`, or an object of facts.
fn facts(
    engine: &Engine<'_>,
    lookup: &Lookup<'_>,
    r: &mut Cursor<'_>,
    case: &mut Case,
    assessments: bool,
) -> Option<()> {
    if r.peek()? == b'n' {
        return r.null();
    }
    r.byte(b'{')?;
    if r.eat(b'}') {
        return Some(());
    }
    let mut before = lookup.object_start(assessments);
    loop {
        // Rows of one export list their facts in one order: the key that followed
        // this one in the row before is compared in place; any other is looked up.
        let slot = match lookup.predicted(before) {
            Some((slot, name)) if r.key_is(name) => slot,
            _ => {
                let slot = lookup.fact(r.key()?)?;
                lookup.learn(before, slot);
                slot
            }
        };
        before = slot;
        r.byte(b':')?;
        let fact = &engine.policy.facts[slot];
        if (fact.source.value == FactSource::Assessment) != assessments || !lookup.first_time(slot)
        {
            return None;
        }
        if assessments {
            // The row before's assessment of this fact, whose strings are reused.
            let old = case.assessments[slot].take();
            if r.peek()? == b'n' {
                r.null()?;
            } else {
                let a = assessment(lookup, r)?;
                let value = encode(fact, a.value).ok()?;
                case.facts[slot] = value;
                if value.is_some() {
                    let by = a.by.filter(|s| !crate::words::is_blank(s))?;
                    let (mut by_buf, mut why_buf) = match old {
                        Some(o) => (Some(o.by), o.motivation),
                        None => (None, None),
                    };
                    reuse(&mut by_buf, &by);
                    match a.motivation {
                        Some(m) => reuse(&mut why_buf, &m),
                        None => why_buf = None,
                    }
                    case.assessments[slot] = Some(Assessment {
                        by: by_buf.unwrap_or_default(),
                        date: a.date,
                        consulted: a.consulted,
                        report_from: a.report_from,
                        motivation: why_buf,
                    });
                }
            }
        } else {
            case.facts[slot] = encode(fact, r.scalar()?).ok()?;
        }
        if !r.comma_or(b'}')? {
            return Some(());
        }
    }
}

/// Sets `slot` to `s`, in the buffer it already holds when it holds one.
fn reuse(slot: &mut Option<String>, s: &str) {
    match slot {
        Some(b) => {
            b.clear();
            b.push_str(s);
        }
        None => *slot = Some(s.to_owned()),
    }
}

/// An assessment's object, as read (its value not yet checked against the fact).
struct Read<'a> {
    value: Raw<'a>,
    by: Option<Cow<'a, str>>,
    date: Option<Date>,
    consulted: u64,
    report_from: Option<u8>,
    motivation: Option<Cow<'a, str>>,
}

/// `{"varde": …, "av": …, "datum": …, "samrad": […], "rapport_fran": …,
/// "motivering": …}`: `varde` required, each key at most once, no other key.
fn assessment<'a>(lookup: &Lookup<'_>, r: &mut Cursor<'a>) -> Option<Read<'a>> {
    let mut a = Read {
        value: Raw::Null,
        by: None,
        date: None,
        consulted: 0,
        report_from: None,
        motivation: None,
    };
    let mut given = 0u16;
    r.byte(b'{')?;
    if r.eat(b'}') {
        return None; // no `varde`
    }
    loop {
        // The key after the last one given is compared in place (an export writes
        // them in one order); any other is read whole.
        let next = ASSESSMENT_KEYS
            .get(16 - given.leading_zeros() as usize)
            .filter(|name| r.key_is(name));
        let key = match next {
            Some(name) => name,
            None => r.key()?,
        };
        r.byte(b':')?;
        let bit = match key {
            "varde" => {
                a.value = r.scalar()?;
                0
            }
            "av" => {
                a.by = r.opt_string()?;
                1
            }
            "datum" => {
                a.date = match r.opt_string()? {
                    Some(s) => Some(date(&s)?),
                    None => None,
                };
                2
            }
            "samrad" => {
                if r.peek()? == b'n' {
                    r.null()?;
                } else {
                    r.byte(b'[')?;
                    if !r.eat(b']') {
                        loop {
                            a.consulted |= 1 << lookup.role(&r.string()?)?;
                            if !r.comma_or(b']')? {
                                break;
                            }
                        }
                    }
                }
                3
            }
            "rapport_fran" => {
                a.report_from = match r.opt_string()? {
                    Some(s) => Some(lookup.role(&s)?),
                    None => None,
                };
                4
            }
            "motivering" => {
                a.motivation = r.opt_string()?;
                5
            }
            _ => return None,
        };
        if !r.member_done(&mut given, bit)? {
            break;
        }
    }
    (given & 1 != 0).then_some(a)
}

/// The keys of an assessment, in the order of their bits in `given`.
const ASSESSMENT_KEYS: [&str; 6] = [
    "varde",
    "av",
    "datum",
    "samrad",
    "rapport_fran",
    "motivering",
];

/// `sarskilda_skal`: `null`, or `{"manader": <whole number>, "motivering": "…"}`, both.
#[allow(clippy::option_option)] // the outer `None` leaves the fast path, the inner is `null`
fn extension(r: &mut Cursor<'_>) -> Option<Option<Extension>> {
    if r.peek()? == b'n' {
        return r.null().map(|()| None);
    }
    let (mut months, mut reason) = (None, None);
    r.byte(b'{')?;
    loop {
        let key = r.key()?;
        r.byte(b':')?;
        match key {
            "manader" if months.is_none() => months = Some(u32::try_from(r.int()?).ok()?),
            "motivering" if reason.is_none() => reason = Some(r.string()?.into_owned()),
            _ => return None,
        }
        if !r.comma_or(b'}')? {
            break;
        }
    }
    Some(Some(Extension {
        months: months?,
        reason: reason?,
    }))
}

fn date(s: &str) -> Option<Date> {
    crate::date::parse(s).ok()
}

/// A position in a row, which is valid UTF-8; every method skips the JSON whitespace
/// before its token and returns `None` where the row leaves the fast path.
struct Cursor<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Cursor<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.s.as_bytes()
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes().get(self.i) {
            self.i += 1;
        }
    }

    /// The next token's first byte, not consumed.
    #[inline]
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.bytes().get(self.i).copied()
    }

    #[inline]
    fn byte(&mut self, b: u8) -> Option<()> {
        (self.peek()? == b).then(|| self.i += 1)
    }

    /// Consumes `b` if it comes next.
    fn eat(&mut self, b: u8) -> bool {
        self.byte(b).is_some()
    }

    /// After a member: `,` (more follow: `true`) or `close` (`false`).
    #[inline]
    fn comma_or(&mut self, close: u8) -> Option<bool> {
        match self.peek()? {
            b',' => {
                self.i += 1;
                Some(true)
            }
            b if b == close => {
                self.i += 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// After the member of an object whose key is `bit` of `given` (the keys read so
    /// far): a key given twice leaves the fast path; then `,` (more follow: `true`) or
    /// `}` (`false`).
    #[inline]
    fn member_done(&mut self, given: &mut u16, bit: u16) -> Option<bool> {
        if *given & (1 << bit) != 0 {
            return None;
        }
        *given |= 1 << bit;
        self.comma_or(b'}')
    }

    /// Only whitespace is left.
    fn end(&mut self) -> Option<()> {
        self.ws();
        (self.i == self.s.len()).then_some(())
    }

    fn literal(&mut self, word: &str) -> Option<()> {
        self.ws();
        let rest = &self.bytes()[self.i..];
        if !rest.starts_with(word.as_bytes()) {
            return None;
        }
        self.i += word.len();
        // `nullx` or `true1` is not a literal.
        match self.bytes().get(self.i) {
            Some(b) if b.is_ascii_alphanumeric() => None,
            _ => Some(()),
        }
    }

    fn null(&mut self) -> Option<()> {
        self.literal("null")
    }

    /// A key: a string without escapes (a key with one is left to the serde parser),
    /// borrowed from the row. The `:` after it is not consumed.
    #[inline]
    fn key(&mut self) -> Option<&'a str> {
        self.byte(b'"')?;
        let start = self.i;
        let j = start + quote_or_backslash(&self.bytes()[start..])?;
        if self.bytes()[j] != b'"' {
            return None;
        }
        self.i = j + 1;
        Some(&self.s[start..j])
    }

    /// Consumes the key `"name"` if it comes next (exactly: without escapes).
    #[inline]
    fn key_is(&mut self, name: &str) -> bool {
        self.ws();
        let rest = &self.bytes()[self.i..];
        let n = name.len();
        let hit = rest.len() > n + 1
            && rest[0] == b'"'
            && rest[n + 1] == b'"'
            && &rest[1..=n] == name.as_bytes();
        if hit {
            self.i += n + 2;
        }
        hit
    }

    /// `null` or a string.
    #[allow(clippy::option_option)] // the outer `None` leaves the fast path, the inner is `null`
    #[inline]
    fn opt_string(&mut self) -> Option<Option<Cow<'a, str>>> {
        if self.peek()? == b'n' {
            self.null().map(|()| None)
        } else {
            self.string().map(Some)
        }
    }

    /// A string: borrowed from the row when it has no escape, decoded when it has; a
    /// bad escape leaves the fast path (the row has no control characters).
    #[inline]
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.byte(b'"')?;
        let start = self.i;
        let j = start + quote_or_backslash(&self.bytes()[start..])?;
        if self.bytes()[j] == b'"' {
            self.i = j + 1;
            return Some(Cow::Borrowed(&self.s[start..j]));
        }
        let mut out = String::with_capacity(j - start + 16);
        out.push_str(&self.s[start..j]);
        self.i = j;
        self.escaped(out).map(Cow::Owned)
    }

    /// The rest of a string with escapes, from a backslash, appended to `out`.
    #[cold]
    #[inline(never)]
    fn escaped(&mut self, mut out: String) -> Option<String> {
        loop {
            let bytes = self.bytes();
            match *bytes.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    let c = match *bytes.get(self.i + 1)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            self.i += 2;
                            let c = self.unicode_escape()?;
                            out.push(c);
                            continue;
                        }
                        _ => return None,
                    };
                    out.push(c);
                    self.i += 2;
                }
                _ => {
                    // Copy the run up to the next quote or backslash (char boundaries:
                    // both are ASCII).
                    let run = quote_or_backslash(&bytes[self.i..])?;
                    out.push_str(&self.s[self.i..self.i + run]);
                    self.i += run;
                }
            }
        }
    }

    /// After `\u`: four hex digits, and for a high surrogate the `\uXXXX` of its low
    /// one (a lone surrogate is an error for serde_json: left to it).
    fn unicode_escape(&mut self) -> Option<char> {
        let hi = self.hex4()?;
        if (0xD800..0xDC00).contains(&hi) {
            if self.bytes().get(self.i..self.i + 2)? != b"\\u" {
                return None;
            }
            self.i += 2;
            let lo = self.hex4()?;
            if !(0xDC00..0xE000).contains(&lo) {
                return None;
            }
            char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
        } else {
            char::from_u32(hi)
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.s.get(self.i..self.i + 4)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.i += 4;
        u32::from_str_radix(digits, 16).ok()
    }

    /// A whole number as JSON writes it (`-`, then `0` or digits not starting with
    /// `0`), within i64; `-0` (a float for serde_json), fractions, exponents and larger
    /// numbers leave the fast path.
    fn int(&mut self) -> Option<i64> {
        self.ws();
        let bytes = self.bytes();
        let negative = bytes.get(self.i) == Some(&b'-');
        let mut j = self.i + usize::from(negative);
        let first = j;
        let mut n: i64 = 0;
        while let Some(&b) = bytes.get(j) {
            if !b.is_ascii_digit() {
                break;
            }
            let d = i64::from(b - b'0');
            n = n.checked_mul(10)?;
            n = if negative {
                n.checked_sub(d)?
            } else {
                n.checked_add(d)?
            };
            j += 1;
        }
        let digits = j - first;
        if digits == 0 || (digits > 1 && bytes[first] == b'0') || (negative && n == 0) {
            return None;
        }
        if let Some(b'.' | b'e' | b'E') = bytes.get(j) {
            return None;
        }
        self.i = j;
        Some(n)
    }

    /// A fact's value: `true`, `false`, a whole number, a string or `null`.
    #[inline]
    fn scalar(&mut self) -> Option<Raw<'a>> {
        Some(match self.peek()? {
            b't' => self.literal("true").map(|()| Raw::Bool(true))?,
            b'f' => self.literal("false").map(|()| Raw::Bool(false))?,
            b'n' => self.null().map(|()| Raw::Null)?,
            b'"' => match self.string()? {
                Cow::Borrowed(s) => Raw::Str(s),
                // An escaped string is rare in a fact's value: the serde parser reads it.
                Cow::Owned(_) => return None,
            },
            _ => Raw::Int(self.int()?),
        })
    }
}
