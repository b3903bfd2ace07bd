//! Rule language, stage 1 of 5: **lexing** → parsing → type checking → compiling → evaluating.
//!
//! Cuts the rule text into tokens, each with the byte span it came from. Dates are
//! recognised and validated here; names are checked to be lowercase ASCII.

use std::ops::Range;

use super::RuleError;
use super::date::days_from_civil;

/// A byte span in the rule source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Span {
    pub(super) lo: usize,
    pub(super) hi: usize,
}

impl Span {
    pub(super) fn new(lo: usize, hi: usize) -> Span {
        Span { lo, hi }
    }

    /// From the start of `self` to the end of `other`.
    pub(super) fn to(self, other: Span) -> Span {
        Span {
            lo: self.lo,
            hi: other.hi,
        }
    }

    pub(super) fn range(self) -> Range<usize> {
        self.lo..self.hi
    }
}

/// What a token is; names keep their text in the source (slice it with the span).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Tok {
    Int(i64),
    /// Days since 1970-01-01.
    Date(i64),
    Str(String),
    Name,
    And,
    Or,
    Not,
    In,
    True,
    False,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    DotDot,
    Plus,
    Minus,
    EqEq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Eof,
}

/// A token and where it is.
#[derive(Clone, Debug)]
pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) span: Span,
}

pub(super) fn err(span: Span, message: impl Into<String>, hint: Option<String>) -> RuleError {
    RuleError {
        range: span.range(),
        message: message.into(),
        hint,
    }
}

/// Splits `src` into tokens, ending with [`Tok::Eof`]. Stops at the first error.
pub(super) fn lex(src: &str) -> Result<Vec<Token>, RuleError> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(ch) = src[i..].chars().next() {
        if ch.is_whitespace() {
            // Unicode spaces too: non-breaking spaces are common in pasted text.
            i += ch.len_utf8();
            continue;
        }
        let (tok, end) = if ch.is_ascii_digit() {
            number(src, i)?
        } else if ch == '"' {
            string(src, i)?
        } else if ch == '_' || ch.is_alphanumeric() {
            word(src, i)?
        } else {
            symbol(src, i, ch)?
        };
        out.push(Token {
            tok,
            span: Span::new(i, end),
        });
        i = end;
    }
    out.push(Token {
        tok: Tok::Eof,
        span: Span::new(src.len(), src.len()),
    });
    Ok(out)
}

/// An integer, or a date `dddd-dd-dd`.
fn number(src: &str, start: usize) -> Result<(Tok, usize), RuleError> {
    let b = src.as_bytes();
    if let Some(end) = date_end(b, start) {
        return Ok((Tok::Date(date(src, Span::new(start, end))?), end));
    }
    let end = start + b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
    let text = &src[start..end];
    if let Ok(n) = text.parse::<i64>() {
        return Ok((Tok::Int(n), end));
    }
    let hint = Some(format!("integers go up to {}", i64::MAX));
    Err(err(
        Span::new(start, end),
        format!("`{text}` is too large"),
        hint,
    ))
}

/// `"word"`, on one line.
fn string(src: &str, start: usize) -> Result<(Tok, usize), RuleError> {
    let rest = &src[start + 1..];
    match rest.find(['"', '\n']) {
        Some(n) if rest.as_bytes()[n] == b'"' => {
            Ok((Tok::Str(rest[..n].to_owned()), start + 1 + n + 1))
        }
        _ => {
            let hint = Some("end the text with `\"` on the same line".to_owned());
            Err(err(Span::new(start, start + 1), "unclosed `\"`", hint))
        }
    }
}

/// The words a rule reads as keywords, never as names.
pub(super) const KEYWORDS: [&str; 6] = ["and", "or", "not", "in", "true", "false"];

/// A keyword or a name.
fn word(src: &str, start: usize) -> Result<(Tok, usize), RuleError> {
    let rest = &src[start..];
    let len = rest
        .char_indices()
        .find(|&(_, ch)| !(ch == '_' || ch.is_alphanumeric()))
        .map_or(rest.len(), |(n, _)| n);
    let end = start + len;
    let tok = match &rest[..len] {
        "and" => Tok::And,
        "or" => Tok::Or,
        "not" => Tok::Not,
        "in" => Tok::In,
        "true" => Tok::True,
        "false" => Tok::False,
        w if w
            .bytes()
            .all(|b| b == b'_' || b.is_ascii_lowercase() || b.is_ascii_digit()) =>
        {
            Tok::Name
        }
        w => return Err(bad_name(w, Span::new(start, end))),
    };
    Ok((tok, end))
}

/// An operator or punctuation.
fn symbol(src: &str, start: usize, ch: char) -> Result<(Tok, usize), RuleError> {
    let next = src.as_bytes().get(start + 1).copied();
    let (tok, len) = match (ch, next) {
        ('=', Some(b'=')) => (Tok::EqEq, 2),
        ('!', Some(b'=')) => (Tok::Ne, 2),
        ('<', Some(b'=')) => (Tok::Le, 2),
        ('>', Some(b'=')) => (Tok::Ge, 2),
        ('&', Some(b'&')) => (Tok::And, 2),
        ('|', Some(b'|')) => (Tok::Or, 2),
        ('.', Some(b'.')) => (Tok::DotDot, 2),
        ('!', _) => (Tok::Not, 1),
        ('<', _) => (Tok::Lt, 1),
        ('>', _) => (Tok::Gt, 1),
        ('(', _) => (Tok::LParen, 1),
        (')', _) => (Tok::RParen, 1),
        ('[', _) => (Tok::LBracket, 1),
        (']', _) => (Tok::RBracket, 1),
        (',', _) => (Tok::Comma, 1),
        ('+', _) => (Tok::Plus, 1),
        ('-', _) => (Tok::Minus, 1),
        _ => return Err(unexpected_char(ch, Span::new(start, start + ch.len_utf8()))),
    };
    Ok((tok, start + len))
}

/// If a date `dddd-dd-dd` starts at `start` (and no digit follows), where it ends.
fn date_end(b: &[u8], start: usize) -> Option<usize> {
    let s = b.get(start..start + 10)?;
    let digit = |k: usize| s[k].is_ascii_digit();
    let shape = (0..4).all(digit)
        && s[4] == b'-'
        && digit(5)
        && digit(6)
        && s[7] == b'-'
        && digit(8)
        && digit(9);
    let followed = b.get(start + 10).is_some_and(u8::is_ascii_digit);
    (shape && !followed).then_some(start + 10)
}

/// Validates a `dddd-dd-dd` token (as every date in the YAML is validated) and
/// converts it to days since 1970-01-01.
fn date(src: &str, span: Span) -> Result<i64, RuleError> {
    let text = &src[span.range()];
    match crate::date::parse(text) {
        Ok(d) => Ok(days_from_civil(
            i32::from(d.year()),
            d.month().unsigned_abs().into(),
            d.day().unsigned_abs().into(),
        )),
        Err(why) => {
            let hint = if text.ends_with("-02-29") {
                format!("{} is not a leap year: February has 28 days", &text[..4])
            } else {
                "dates are written YYYY-MM-DD, e.g. `2022-05-24`".to_owned()
            };
            Err(err(
                span,
                format!("`{text}` is not a real date ({why})"),
                Some(hint),
            ))
        }
    }
}

fn unexpected_char(ch: char, span: Span) -> RuleError {
    let hint = match ch {
        '=' => Some("use `==` to compare"),
        '&' => Some("use `and` (or `&&`)"),
        '|' => Some("use `or` (or `||`)"),
        '.' => Some("a range is written `lo..hi`, e.g. `18..64`"),
        '\'' => Some("text is written in double quotes, e.g. `\"ingen\"`"),
        '≥' => Some("write `>=`"),
        '≤' => Some("write `<=`"),
        '≠' => Some("write `!=`"),
        '*' | '/' | '%' => Some("only `+` and `-` are available"),
        _ => None,
    };
    err(span, format!("unexpected `{ch}`"), hint.map(str::to_owned))
}

/// A word with capitals or non-ASCII letters: suggest its plain lowercase form.
fn bad_name(word: &str, span: Span) -> RuleError {
    let plain: String = word
        .chars()
        .flat_map(char::to_lowercase)
        .map(|ch| match ch {
            'å' | 'ä' | 'á' | 'à' => 'a',
            'ö' | 'ø' | 'ó' => 'o',
            'é' | 'è' => 'e',
            'ü' => 'u',
            other => other,
        })
        .collect();
    let ok = plain
        .bytes()
        .all(|b| b == b'_' || b.is_ascii_lowercase() || b.is_ascii_digit());
    let hint = if ok {
        format!("names use only a–z, 0–9 and `_`: write `{plain}`")
    } else {
        "names use only a–z, 0–9 and `_`".to_owned()
    };
    err(span, format!("`{word}` is not a valid name"), Some(hint))
}
