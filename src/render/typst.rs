//! The Typst back end: serialises the prose tree as Typst markup.
//!
//! Text stays text: every run of user text becomes a Typst *string literal*
//! shown as text (`#"…";`), written by [`string_literal`], the one escaping
//! function. Inside a string literal nothing is markup, code or math, so `#`,
//! `$`, `@`, `<label>`, `*`, `//` and `#read("/etc/passwd")` print as themselves.

use std::fmt::Write as _;

use crate::markdown::{Align, Block, Footnotes, Inline, Table, Target};
use crate::render::body::{Piece, Reference, is_term_anchor};

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
            // Typst counts the line and paragraph separators as line breaks (as it does
            // U+0085 and the other controls): escaped, the generated file's lines are
            // only its own, so Typst's line numbers map back to the YAML.
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => {
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

/// Writes prose as Typst for one document. It remembers which footnotes it has
/// written, so a second reference to a footnote points at the first
/// (`#footnote(<fotnot.N>)`) instead of repeating it. A footnote first referred to
/// inside a footnote is written inside it, as Typst numbers it (and as
/// [`crate::markdown`] numbers it).
pub struct Writer<'a> {
    notes: &'a Footnotes,
    written: Vec<bool>,
    /// How many footnotes are being written around the current position.
    footnote_depth: usize,
    /// A stand-alone document (a decision draft): headings stay headings.
    standalone: bool,
}

impl<'a> Writer<'a> {
    /// A writer for the body of a published document.
    pub fn new(notes: &'a Footnotes) -> Self {
        Writer {
            notes,
            written: vec![false; notes.items.len()],
            footnote_depth: 0,
            standalone: false,
        }
    }

    /// A writer for a stand-alone document: headings stay headings.
    pub fn standalone(notes: &'a Footnotes) -> Self {
        Writer {
            standalone: true,
            ..Writer::new(notes)
        }
    }

    /// Writes prose blocks.
    pub fn blocks(&mut self, bs: &[Block], out: &mut String) {
        for (k, b) in bs.iter().enumerate() {
            if k > 0 {
                out.push_str("\n\n");
            }
            match b {
                Block::Para(i) => self.inlines(i, out),
                Block::Heading(level, i) if self.standalone => {
                    let _ = write!(out, "#heading(level: {level})[");
                    self.inlines(i, out);
                    out.push(']');
                }
                Block::Heading(_, i) => {
                    out.push_str("#strong[");
                    self.inlines(i, out);
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
                        self.blocks(item, out);
                        out.push(']');
                    }
                    out.push(')');
                }
                // The closing paragraph break makes a quote of one paragraph a paragraph
                // (P inside the BlockQuote in the PDF's structure tree), as it is in HTML.
                Block::Quote(b) => {
                    out.push_str("#quote(block: true)[");
                    self.blocks(b, out);
                    out.push_str("#parbreak()]");
                }
                Block::Code(c) => {
                    out.push_str("#raw(block: true, ");
                    string_literal(c, out);
                    out.push(')');
                }
                Block::Rule => out.push_str("#line(length: 100%)"),
                Block::Table(t) => self.table(t, out),
            }
        }
    }

    /// A table: `#table(columns: n, align: (…), table.header(…), …)`. The header row is
    /// `table.header`, which Typst tags as TH cells (scope column) in the PDF/UA-1
    /// output; the body cells are TD. The look comes from the template's `set table`.
    fn table(&mut self, t: &Table, out: &mut String) {
        if t.align.is_empty() {
            return;
        }
        let _ = write!(out, "#table(columns: {}, align: (", t.align.len());
        for (k, a) in t.align.iter().enumerate() {
            if k > 0 {
                out.push_str(", ");
            }
            out.push_str(match a {
                Align::None | Align::Left => "left",
                Align::Center => "center",
                Align::Right => "right",
            });
        }
        // A one-element array needs its trailing comma.
        if t.align.len() == 1 {
            out.push(',');
        }
        out.push_str("), table.header(");
        for (k, c) in t.head.iter().enumerate() {
            if k > 0 {
                out.push_str(", ");
            }
            out.push('[');
            self.inlines(c, out);
            out.push(']');
        }
        out.push(')');
        for row in &t.rows {
            for c in row {
                out.push_str(", [");
                self.inlines(c, out);
                out.push(']');
            }
        }
        out.push(')');
    }

    /// Writes inline prose.
    /// The items of a criteria list as content arguments, `[a], [b]`; a group is its
    /// sentence with its members as a nested `kriteriegrupp(..)` list.
    fn criteria_items(&mut self, items: &[crate::render::body::Item], out: &mut String) {
        for (j, it) in items.iter().enumerate() {
            if j > 0 {
                out.push_str(", ");
            }
            out.push('[');
            self.inlines(&it.text, out);
            if let Some(first) = &it.first_anchor {
                let _ = write!(out, "#metadata(none)<{first}>");
            }
            if !it.children.is_empty() {
                out.push_str("#kriteriegrupp(");
                self.criteria_items(&it.children, out);
                out.push(')');
            }
            out.push(']');
        }
    }

    pub fn inlines(&mut self, is: &[Inline], out: &mut String) {
        for i in is {
            match i {
                Inline::Text(t) => text(t, out),
                Inline::Emph(c) => self.wrap("emph", c, out),
                Inline::Strong(c) => self.wrap("strong", c, out),
                Inline::Strike(c) => self.wrap("strike", c, out),
                // Defined by the template that prints a diff (`redline.typ`).
                Inline::Ins(c) => self.wrap("ins", c, out),
                Inline::Del(c) => self.wrap("del", c, out),
                // Words of another language: Typst tags them with it (`Lang` in the PDF's
                // structure tree); no region, so that the tag is `en`, not `en-SE`.
                Inline::Lang(lang, c) => {
                    out.push_str("#text(lang: ");
                    string_literal(lang, out);
                    out.push_str(", region: none)[");
                    self.inlines(c, out);
                    out.push_str("];");
                }
                Inline::Code(c) => {
                    out.push_str("#raw(");
                    string_literal(c, out);
                    out.push_str(");");
                }
                // A term links to its entry in *Begrepp* (`body::is_term_anchor` allows only
                // `begrepp.` and an id, valid in a label) where the template prints one with
                // that label; under a template that does not, the words stay unlinked.
                Inline::Link(Target::Internal(id), c) if is_term_anchor(id) => {
                    let _ = write!(
                        out,
                        "#context {{ let l = <{id}>; if query(l).len() > 0 {{ link(l)["
                    );
                    self.inlines(c, out);
                    out.push_str("] } else [");
                    self.inlines(c, out);
                    out.push_str("] };");
                }
                Inline::Link(Target::Internal(id), c) => {
                    // `markdown` makes internal targets only of `[a-z0-9_-]` ids, valid in a label.
                    let _ = write!(out, "#link(<{id}>)[");
                    self.inlines(c, out);
                    out.push_str("];");
                }
                Inline::Link(Target::External(url), c) => {
                    out.push_str("#link(");
                    string_literal(url, out);
                    out.push_str(")[");
                    self.inlines(c, out);
                    out.push_str("];");
                }
                Inline::Footnote(n) => self.footnote(*n, out),
                Inline::SoftBreak => out.push_str("#\" \";"),
                Inline::HardBreak => out.push_str("#linebreak();"),
                // Resolved by `render::body`; one that is not prints as written.
                Inline::Placeholder(p) => text(&p.source(), out),
            }
        }
    }

    fn footnote(&mut self, n: usize, out: &mut String) {
        let seen = self.written.get(n - 1).copied().unwrap_or(true);
        if seen {
            let _ = write!(out, "#footnote(<fotnot.{n}>);");
        } else if self.footnote_depth >= crate::markdown::MAX_FOOTNOTE_DEPTH {
            // `check` refuses this nesting; written as a number, so the writer is bounded.
            let _ = write!(out, "#super[{n}];");
        } else {
            self.written[n - 1] = true;
            self.footnote_depth += 1;
            out.push_str("#footnote[");
            if let Some(b) = self.notes.items.get(n - 1) {
                self.blocks(b, out);
            }
            let _ = write!(out, "]<fotnot.{n}>");
            self.footnote_depth -= 1;
        }
    }

    fn wrap(&mut self, f: &str, c: &[Inline], out: &mut String) {
        let _ = write!(out, "#{f}[");
        self.inlines(c, out);
        out.push_str("];");
    }

    /// Writes a section body: prose, generated criteria lists and guidance.
    pub fn pieces(&mut self, ps: &[Piece], out: &mut String) {
        for (k, p) in ps.iter().enumerate() {
            if k > 0 {
                out.push_str("\n\n");
            }
            match p {
                Piece::Prose(b) => self.blocks(b, out),
                Piece::Paragraph(parts) => {
                    for (j, part) in parts.iter().enumerate() {
                        if j > 0 {
                            out.push_str("#\" \";");
                        }
                        self.inlines(&part.text, out);
                        if let Some(a) = &part.anchor {
                            let _ = write!(out, "#metadata(none)<{a}>");
                        }
                    }
                }
                Piece::Criteria { items, .. } => {
                    out.push_str("#kriterier(");
                    self.criteria_items(items, out);
                    out.push(')');
                }
                // One call per reference; the built-in template's `underlag` makes each
                // an item of a term list, and Typst joins neighbouring items into one
                // list, as the HTML page has one dl.
                Piece::Guidance(items) => {
                    for (j, g) in items.iter().enumerate() {
                        if j > 0 {
                            out.push_str("\n\n");
                        }
                        self.reference(g, out);
                    }
                }
            }
        }
    }

    fn reference(&mut self, g: &Reference, out: &mut String) {
        out.push_str("#underlag([");
        self.inlines(&g.quoted, out);
        out.push_str("], ");
        string_literal(&g.who, out);
        out.push_str(", [");
        match &g.guidance {
            Some(b) => self.blocks(b, out),
            None => text("Ingen anvisning.", out),
        }
        out.push_str("])");
    }
}

/// Writes prose blocks with a fresh [`Writer`] (footnotes written in full).
pub fn blocks(bs: &[Block], notes: &Footnotes, out: &mut String) {
    Writer::new(notes).blocks(bs, out);
}

/// Writes a whole stand-alone Markdown document (a decision draft): headings stay headings.
pub fn document(bs: &[Block], notes: &Footnotes, out: &mut String) {
    Writer::standalone(notes).blocks(bs, out);
}

/// A cheap check of Typst source this writer produced: every string literal is closed
/// (escapes included), and outside them `[ ]`, `( )` and `{ }` pair up. User text only
/// ever appears inside string literals, so a quote or bracket in it cannot break out.
/// Used by the fuzz target and the property tests; the corpus is also compiled by Typst.
///
/// # Errors
///
/// What is wrong, with the byte offset.
pub fn structure(src: &str) -> Result<(), String> {
    let mut open: Vec<(char, usize)> = Vec::new();
    let mut chars = src.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => loop {
                match chars.next() {
                    None => return Err(format!("string literal at byte {i} is not closed")),
                    Some((_, '\\')) => {
                        chars.next();
                    }
                    Some((_, '"')) => break,
                    Some((_, '\n')) => {
                        return Err(format!("string literal at byte {i} runs over a line"));
                    }
                    Some(_) => {}
                }
            },
            '[' | '(' | '{' => open.push((c, i)),
            ']' | ')' | '}' => {
                let want = match c {
                    ']' => '[',
                    ')' => '(',
                    _ => '{',
                };
                match open.pop() {
                    Some((o, _)) if o == want => {}
                    Some((o, at)) => {
                        return Err(format!("`{c}` at byte {i} closes `{o}` of byte {at}"));
                    }
                    None => return Err(format!("`{c}` at byte {i} closes nothing")),
                }
            }
            _ => {}
        }
    }
    match open.pop() {
        Some((o, at)) => Err(format!("`{o}` at byte {at} is not closed")),
        None => Ok(()),
    }
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

    /// Nothing Typst counts as a line break is left raw in a literal, so the generated
    /// file's line numbers are its own lines.
    #[test]
    fn string_literals_hold_no_line_break() {
        let mut out = String::new();
        string_literal("a\rb\u{0B}c\u{0C}d\u{85}e\u{2028}f\u{2029}g\nh", &mut out);
        assert_eq!(
            out,
            "\"a\\rb\\u{b}c\\u{c}d\\u{85}e\\u{2028}f\\u{2029}g\\nh\""
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
            "#\"Se \";#emph[#\"här\";];#footnote[#\"Not.\";]<fotnot.1>#\" och \";#link(<a>)[#\"A\";];#\".\";"
        );
    }

    /// Words of another language: `text(lang:)` with no region (the PDF says `en`), the
    /// code a string literal like any text.
    #[test]
    fn foreign_words_are_text_in_their_language() {
        let mut out = String::new();
        Writer::new(&Footnotes::default()).inlines(
            &[Inline::Lang(
                "en".into(),
                vec![Inline::Text("supported employment".into())],
            )],
            &mut out,
        );
        assert_eq!(
            out,
            "#text(lang: \"en\", region: none)[#\"supported employment\";];"
        );
    }

    /// A footnote first referred to inside a footnote is written inside it; a later
    /// reference points at it.
    #[test]
    fn footnotes_nest() {
        let mut notes = Footnotes::default();
        let b = crate::markdown::blocks("A[^a] B[^b].\n\n[^a]: X[^b].\n\n[^b]: Y.", &mut notes);
        let mut out = String::new();
        blocks(&b, &notes, &mut out);
        assert_eq!(
            out,
            "#\"A\";#footnote[#\"X\";#footnote[#\"Y.\";]<fotnot.2>#\".\";]<fotnot.1>#\" B\";#footnote(<fotnot.2>);#\".\";"
        );
    }

    /// A table: the header row in `table.header`, one alignment per column (a lone one
    /// with the comma that makes it an array), empty cells as empty content, cell text
    /// as string literals.
    #[test]
    fn tables_are_tables_with_a_header() {
        let mut notes = Footnotes::default();
        let b = crate::markdown::blocks(
            "| Nivå | #x |\n|:--|--:|\n| $a$ | |\n\n| En |\n|:-:|\n| b |",
            &mut notes,
        );
        let mut out = String::new();
        blocks(&b, &notes, &mut out);
        assert_eq!(
            out,
            "#table(columns: 2, align: (left, right), table.header([#\"Nivå\";], [#\"#x\";]), [#\"$a$\";], [])\n\n\
             #table(columns: 1, align: (center,), table.header([#\"En\";]), [#\"b\";])"
        );
    }
}
