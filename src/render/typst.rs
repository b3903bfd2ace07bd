//! The Typst back end: serialises the prose tree as Typst markup.
//!
//! Text stays text: every run of user text becomes a Typst *string literal*
//! shown as text (`#"…";`), written by [`string_literal`], the one escaping
//! function. Inside a string literal nothing is markup, code or math, so `#`,
//! `$`, `@`, `<label>`, `*`, `//` and `#read("/etc/passwd")` print as themselves.

use std::fmt::Write as _;

use crate::markdown::{Block, Footnotes, Inline, Target};
use crate::render::body::{Piece, Reference};

/// A Typst string literal, `"…"`, holding exactly `s`.
pub fn string_literal(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `s` shown as text in markup: `#"…";` (the `;` ends the expression, so what
/// follows can never continue it as a field access or call).
pub fn text(s: &str, out: &mut String) {
    if s.is_empty() {
        return;
    }
    out.push('#');
    string_literal(s, out);
    out.push(';');
}

/// [`text`] as a new string.
pub fn texted(s: &str) -> String {
    let mut out = String::new();
    text(s, &mut out);
    out
}

/// Writes prose blocks; footnote references take their content from `notes`.
/// Headings inside prose become strong paragraphs (sections carry the real headings).
pub fn blocks(bs: &[Block], notes: &Footnotes, out: &mut String) {
    write_blocks(bs, notes, false, out);
}

/// Writes a whole Markdown document (a decision draft): headings stay headings.
pub fn document(bs: &[Block], notes: &Footnotes, out: &mut String) {
    write_blocks(bs, notes, true, out);
}

fn write_blocks(bs: &[Block], notes: &Footnotes, headings: bool, out: &mut String) {
    for (k, b) in bs.iter().enumerate() {
        if k > 0 {
            out.push_str("\n\n");
        }
        match b {
            Block::Para(i) => inlines(i, notes, out),
            Block::Heading(level, i) if headings => {
                let _ = write!(out, "#heading(level: {level})[");
                inlines(i, notes, out);
                out.push(']');
            }
            Block::Heading(_, i) => {
                out.push_str("#strong[");
                inlines(i, notes, out);
                out.push(']');
            }
            Block::List(start, items) => {
                match start {
                    Some(n) => {
                        let _ = write!(out, "#enum(start: {n}");
                    }
                    None => out.push_str("#list("),
                }
                for (j, item) in items.iter().enumerate() {
                    if start.is_some() || j > 0 {
                        out.push_str(", ");
                    }
                    out.push('[');
                    write_blocks(item, notes, headings, out);
                    out.push(']');
                }
                out.push(')');
            }
            Block::Quote(b) => {
                out.push_str("#quote(block: true)[");
                write_blocks(b, notes, headings, out);
                out.push(']');
            }
            Block::Code(c) => {
                out.push_str("#raw(block: true, ");
                string_literal(c, out);
                out.push(')');
            }
            Block::Rule => out.push_str("#line(length: 100%)"),
        }
    }
}

/// Writes inline prose.
pub fn inlines(is: &[Inline], notes: &Footnotes, out: &mut String) {
    for i in is {
        match i {
            Inline::Text(t) => text(t, out),
            Inline::Emph(c) => wrap("emph", c, notes, out),
            Inline::Strong(c) => wrap("strong", c, notes, out),
            Inline::Strike(c) => wrap("strike", c, notes, out),
            Inline::Code(c) => {
                out.push_str("#raw(");
                string_literal(c, out);
                out.push_str(");");
            }
            Inline::Link(Target::Internal(id), c) => {
                // Ids are checked to be `[a-z0-9_-]`, valid in a label.
                let _ = write!(out, "#link(<{id}>)[");
                inlines(c, notes, out);
                out.push_str("];");
            }
            Inline::Link(Target::External(url), c) => {
                out.push_str("#link(");
                string_literal(url, out);
                out.push_str(")[");
                inlines(c, notes, out);
                out.push_str("];");
            }
            Inline::Footnote(n) => {
                out.push_str("#footnote[");
                if let Some(b) = notes.items.get(n - 1) {
                    blocks(b, notes, out);
                }
                out.push_str("];");
            }
            Inline::SoftBreak => out.push_str("#\" \";"),
            Inline::HardBreak => out.push_str("#linebreak();"),
        }
    }
}

fn wrap(f: &str, c: &[Inline], notes: &Footnotes, out: &mut String) {
    let _ = write!(out, "#{f}[");
    inlines(c, notes, out);
    out.push_str("];");
}

/// Writes a section body: prose, generated criteria lists and guidance.
pub fn pieces(ps: &[Piece], notes: &Footnotes, out: &mut String) {
    for (k, p) in ps.iter().enumerate() {
        if k > 0 {
            out.push_str("\n\n");
        }
        match p {
            Piece::Prose(b) => blocks(b, notes, out),
            Piece::Paragraph(parts) => {
                for (j, part) in parts.iter().enumerate() {
                    if j > 0 {
                        out.push_str("#\" \";");
                    }
                    inlines(&part.text, notes, out);
                    if let Some(a) = &part.anchor {
                        let _ = write!(out, "#metadata(none)<{a}>");
                    }
                }
            }
            Piece::Criteria { items, .. } => {
                out.push_str("#kriterier(");
                for (j, it) in items.iter().enumerate() {
                    if j > 0 {
                        out.push_str(", ");
                    }
                    out.push('[');
                    inlines(&it.text, notes, out);
                    if let Some(first) = &it.first_anchor {
                        let _ = write!(out, "#metadata(none)<{first}>");
                    }
                    out.push(']');
                }
                out.push(')');
            }
            Piece::Guidance(items) => {
                for (j, g) in items.iter().enumerate() {
                    if j > 0 {
                        out.push_str("\n\n");
                    }
                    reference(g, notes, out);
                }
            }
        }
    }
}

fn reference(g: &Reference, notes: &Footnotes, out: &mut String) {
    out.push_str("#underlag([");
    inlines(&g.quoted, notes, out);
    out.push_str("], ");
    string_literal(&g.who, out);
    out.push_str(", [");
    match &g.guidance {
        Some(b) => blocks(b, notes, out),
        None => text("Ingen anvisning.", out),
    }
    out.push_str("])");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_hold_anything() {
        let mut out = String::new();
        text(
            "#read(\"/etc/passwd\") $x$ @ref <l> \\ // a\n*b* _c_ `d` = - + ~ ...",
            &mut out,
        );
        assert_eq!(
            out,
            "#\"#read(\\\"/etc/passwd\\\") $x$ @ref <l> \\\\ // a\\n*b* _c_ `d` = - + ~ ...\";"
        );
    }

    #[test]
    fn prose_becomes_function_calls_around_literals() {
        let mut notes = Footnotes::default();
        let b = crate::markdown::blocks("Se *här*[^1] och [A](#a).\n\n[^1]: Not.", &mut notes);
        let mut out = String::new();
        blocks(&b, &notes, &mut out);
        assert_eq!(
            out,
            "#\"Se \";#emph[#\"här\";];#footnote[#\"Not.\";];#\" och \";#link(<a>)[#\"A\";];#\".\";"
        );
    }
}
