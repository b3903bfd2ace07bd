//! The importer's YAML emitter: every string the source supplied is written as a
//! double-quoted scalar with escapes, or as a literal block (`|`) when that reads back
//! exactly, never as a plain scalar that YAML could read as a number, a date, a flag, a
//! mapping or a comment.

/// `s` as a double-quoted YAML scalar, on one line.
pub(crate) fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if needs_escape(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters that are not printable in YAML, or that a reader may take for a line
/// break or a byte-order mark.
fn needs_escape(c: char) -> bool {
    matches!(
        c,
        '\u{80}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
    ) || matches!(c, '\u{fffe}' | '\u{ffff}')
}

/// Whether `s` can be written as a literal block and read back byte for byte: several
/// lines, nothing that YAML would not keep (control characters other than the tab,
/// carriage returns, line separators), no leading blank or indented first line (the
/// block's indentation is taken from it) and no line of only blanks.
fn literal_ok(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\t', '\n'])
        && !s
            .chars()
            .any(|c| (c.is_control() && c != '\n' && c != '\t') || needs_escape(c) || c == '\u{85}')
        && s.split('\n')
            .all(|l| l.is_empty() || !l.chars().all(|c| c == ' ' || c == '\t'))
}

/// `key: value` for a string, at `indent` spaces, ending in a newline; a literal block
/// (content indented two more) where that reads back exactly, else double-quoted.
pub(crate) fn field(out: &mut String, indent: usize, key: &str, value: &str) {
    let pad = " ".repeat(indent);
    if literal_ok(value) {
        let body = value.trim_end_matches('\n');
        let trailing = value.len() - body.len();
        let chomp = match trailing {
            0 => "-",
            1 => "",
            _ => "+",
        };
        out.push_str(&format!("{pad}{key}: |{chomp}\n"));
        for line in value
            .split('\n')
            .take(body.split('\n').count() + trailing.saturating_sub(1))
        {
            if line.is_empty() {
                out.push('\n');
            } else {
                out.push_str(&format!("{pad}  {line}\n"));
            }
        }
    } else {
        out.push_str(&format!("{pad}{key}: {}\n", quoted(value)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_escape_what_yaml_would_read() {
        assert_eq!(quoted("yes"), "\"yes\"");
        assert_eq!(quoted("a \"b\" \\ c\td\n"), "\"a \\\"b\\\" \\\\ c\\td\\n\"");
        assert_eq!(quoted("\u{1}\u{2028}"), "\"\\x01\\u2028\"");
    }

    #[test]
    fn literal_blocks_keep_their_trailing_newlines() {
        let mut s = String::new();
        field(&mut s, 2, "text", "a\n\nb");
        assert_eq!(s, "  text: |-\n    a\n\n    b\n");
        let mut s = String::new();
        field(&mut s, 0, "text", "a\nb\n");
        assert_eq!(s, "text: |\n  a\n  b\n");
        let mut s = String::new();
        field(&mut s, 0, "text", "a\nb\n\n");
        assert_eq!(s, "text: |+\n  a\n  b\n\n");
        let mut s = String::new();
        field(&mut s, 0, "text", " a\nb");
        assert_eq!(s, "text: \" a\\nb\"\n");
    }
}
