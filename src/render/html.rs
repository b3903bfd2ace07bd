//! The HTML back end: serialises the prose tree. Every character of user text goes
//! through [`escape`], the one HTML escaping function.

use std::fmt::Write as _;

use crate::markdown::{Align, Block, Inline, Table, Target};
use crate::render::body::{Piece, Reference, is_term_anchor};

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Escaped text as a new string.
pub fn escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape(s, &mut out);
    out
}

/// A word of at least this many letters gets soft hyphens in a heading
/// ([`soft_hyphens`]): at 320 px a line of the largest heading holds some 20 letters, so
/// a shorter word always fits and is better moved whole to the next line (the patterns
/// miss some compound boundaries: *so-ci-alpsy-ki-a-trins*).
const HYPHENATE_FROM: usize = 18;

/// `s` with soft hyphens (U+00AD) at the Swedish hyphenation points of each word of at
/// least [`HYPHENATE_FROM`] letters, for a heading: where a long compound
/// (*arbetsmarknadsnämndens*) does not fit the line, the browser breaks it at one of
/// them and shows a hyphen, instead of breaking it anywhere (`overflow-wrap`) with none.
/// A soft hyphen is invisible elsewhere, and the words are unchanged. The points are
/// those of Typst's own hyphenation (the `hypher` patterns), at least four letters from
/// either end of the word. Browsers that hyphenate Swedish themselves (`hyphens: auto`
/// in style.css) use these points for such a word; Debian's headless Chromium, which has
/// no hyphenation dictionaries, uses them alone.
pub fn soft_hyphens(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.chars().count() >= HYPHENATE_FROM {
            let parts: Vec<&str> =
                hypher::hyphenate_bounded(word, hypher::Lang::Swedish, 4, 4).collect();
            out.push_str(&parts.join("\u{ad}"));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in s.chars() {
        if c.is_alphabetic() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Writes prose as HTML for one document, remembering footnote references so that
/// every element id stays unique.
#[derive(Debug, Default)]
pub struct Writer {
    refs: std::collections::HashMap<usize, usize>,
}

impl Writer {
    /// A writer for one document.
    pub fn new() -> Self {
        Writer::default()
    }

    /// Writes prose blocks.
    pub fn blocks(&mut self, bs: &[Block], out: &mut String) {
        for b in bs {
            match b {
                Block::Para(i) => {
                    out.push_str("<p>");
                    self.inlines(i, out);
                    out.push_str("</p>\n");
                }
                Block::Heading(_, i) => {
                    out.push_str("<p><strong>");
                    self.inlines(i, out);
                    out.push_str("</strong></p>\n");
                }
                Block::List(start, items) => {
                    match start {
                        Some(1) => out.push_str("<ol>\n"),
                        Some(n) => {
                            let _ = writeln!(out, "<ol start=\"{n}\">");
                        }
                        None => out.push_str("<ul>\n"),
                    }
                    for item in items {
                        out.push_str("<li>");
                        self.item_blocks(item, out);
                        out.push_str("</li>\n");
                    }
                    out.push_str(if start.is_some() {
                        "</ol>\n"
                    } else {
                        "</ul>\n"
                    });
                }
                Block::Quote(b) => {
                    out.push_str("<blockquote>\n");
                    self.blocks(b, out);
                    out.push_str("</blockquote>\n");
                }
                Block::Code(c) => {
                    out.push_str("<pre><code>");
                    escape(c, out);
                    out.push_str("</code></pre>\n");
                }
                Block::Rule => out.push_str("<hr>\n"),
                Block::Table(t) => self.table(t, out),
            }
        }
    }

    /// A table inside a container that scrolls sideways on a narrow screen (focusable,
    /// so a keyboard can scroll it, and named, as a region, after its columns).
    fn table(&mut self, t: &Table, out: &mut String) {
        if t.align.is_empty() {
            return;
        }
        let mut columns: Vec<String> = t
            .head
            .iter()
            .map(|c| {
                let mut s = String::new();
                crate::markdown::collect_inline_plain(c, &mut s);
                s.trim().to_string()
            })
            .filter(|s| !s.is_empty())
            .collect();
        if columns.len() > 8 {
            columns.truncate(8);
            columns.push("…".into());
        }
        let name = if columns.is_empty() {
            "Tabell".to_string()
        } else {
            format!("Tabell: {}", columns.join(", "))
        };
        out.push_str("<div class=\"tabell\" role=\"region\" tabindex=\"0\" aria-label=\"");
        escape(&name, out);
        out.push_str("\">\n<table>\n<thead>\n<tr>");
        for (k, c) in t.head.iter().enumerate() {
            out.push_str("<th scope=\"col\"");
            cell_class(t.align.get(k), c, out);
            out.push('>');
            self.inlines(c, out);
            out.push_str("</th>");
        }
        out.push_str("</tr>\n</thead>\n<tbody>\n");
        for row in &t.rows {
            out.push_str("<tr>");
            for (k, c) in row.iter().enumerate() {
                out.push_str("<td");
                cell_class(t.align.get(k), c, out);
                out.push('>');
                self.inlines(c, out);
                out.push_str("</td>");
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n</div>\n");
    }

    /// A list item of one paragraph is written without `<p>`, as a tight list.
    fn item_blocks(&mut self, bs: &[Block], out: &mut String) {
        if let [Block::Para(i)] = bs {
            self.inlines(i, out);
        } else {
            self.blocks(bs, out);
        }
    }

    /// Writes inline prose.
    /// The items of a criteria list, a group's members as a nested list under its
    /// sentence.
    fn criteria_items(&mut self, items: &[crate::render::body::Item], out: &mut String) {
        for it in items {
            let _ = write!(out, "<li id=\"{}\">", escaped(&it.anchor));
            if let Some(first) = &it.first_anchor {
                let _ = write!(out, "<span id=\"{}\"></span>", escaped(first));
            }
            self.inlines(&it.text, out);
            if !it.children.is_empty() {
                out.push_str("\n<ul class=\"kriterier-grupp\">\n");
                self.criteria_items(&it.children, out);
                out.push_str("</ul>");
            }
            out.push_str("</li>\n");
        }
    }

    pub fn inlines(&mut self, is: &[Inline], out: &mut String) {
        for i in is {
            match i {
                Inline::Text(t) => escape(t, out),
                Inline::Emph(c) => self.wrap("em", c, out),
                Inline::Strong(c) => self.wrap("strong", c, out),
                Inline::Strike(c) => self.wrap("s", c, out),
                // A change is marked by the element, by strike or underline and weight
                // (style.css), and, for a screen reader, by a visually hidden word.
                Inline::Ins(c) => {
                    out.push_str("<ins><span class=\"visually-hidden\">Tillagt: </span>");
                    self.inlines(c, out);
                    out.push_str("</ins>");
                }
                Inline::Del(c) => {
                    out.push_str("<del><span class=\"visually-hidden\">Borttaget: </span>");
                    self.inlines(c, out);
                    out.push_str("</del>");
                }
                // Words of another language (`model::Foreign::is_lang`: letters only).
                Inline::Lang(lang, c) => {
                    out.push_str("<span lang=\"");
                    escape(lang, out);
                    out.push_str("\">");
                    self.inlines(c, out);
                    out.push_str("</span>");
                }
                Inline::Code(c) => {
                    out.push_str("<code>");
                    escape(c, out);
                    out.push_str("</code>");
                }
                Inline::Link(target, c) => {
                    let href = match target {
                        Target::Internal(id) => format!("#{id}"),
                        Target::External(url) => url.clone(),
                    };
                    // A term's link to its entry in *Begrepp* can be styled apart.
                    let term = matches!(target, Target::Internal(id) if is_term_anchor(id));
                    out.push_str(if term {
                        "<a class=\"begrepp\" href=\""
                    } else {
                        "<a href=\""
                    });
                    escape(&href, out);
                    out.push_str("\">");
                    self.inlines(c, out);
                    out.push_str("</a>");
                }
                Inline::Footnote(n) => {
                    // The first reference to a footnote is the one its back-link returns to;
                    // later ones get ids of their own, so that no id appears twice.
                    let seen = self.refs.entry(*n).or_insert(0);
                    *seen += 1;
                    let id = if *seen == 1 {
                        format!("fotnotsref.{n}")
                    } else {
                        format!("fotnotsref.{n}.{seen}")
                    };
                    let _ = write!(
                        out,
                        "<sup class=\"fotnotsref\"><a href=\"#fotnot.{n}\" id=\"{id}\" aria-label=\"Fotnot {n}\">{n}</a></sup>"
                    );
                }
                Inline::SoftBreak => out.push(' '),
                Inline::HardBreak => out.push_str("<br>"),
                // Resolved by `render::body`; one that is not prints as written.
                Inline::Placeholder(p) => escape(&p.source(), out),
            }
        }
    }

    fn wrap(&mut self, tag: &str, c: &[Inline], out: &mut String) {
        let _ = write!(out, "<{tag}>");
        self.inlines(c, out);
        let _ = write!(out, "</{tag}>");
    }

    /// Writes a section body: prose, generated criteria lists and guidance.
    pub fn pieces(&mut self, ps: &[Piece], out: &mut String) {
        for p in ps {
            match p {
                Piece::Prose(b) => self.blocks(b, out),
                Piece::Paragraph(parts) => {
                    out.push_str("<p>");
                    for (k, part) in parts.iter().enumerate() {
                        if k > 0 {
                            out.push(' ');
                        }
                        match &part.anchor {
                            Some(a) => {
                                let _ = write!(
                                    out,
                                    "<span id=\"{}\" class=\"{}\">",
                                    escaped(a),
                                    part.class
                                );
                                self.inlines(&part.text, out);
                                out.push_str("</span>");
                            }
                            None => self.inlines(&part.text, out),
                        }
                    }
                    out.push_str("</p>\n");
                }
                Piece::Criteria {
                    intervention,
                    items,
                } => {
                    let _ = writeln!(
                        out,
                        "<ul class=\"kriterier\" data-insats=\"{}\">",
                        escaped(intervention)
                    );
                    self.criteria_items(items, out);
                    out.push_str("</ul>\n");
                }
                Piece::Guidance(items) => {
                    out.push_str("<dl class=\"underlag\">\n");
                    for g in items {
                        self.reference(g, out);
                    }
                    out.push_str("</dl>\n");
                }
            }
        }
    }

    fn reference(&mut self, g: &Reference, out: &mut String) {
        let _ = write!(out, "<dt id=\"{}\"><q>", escaped(&g.anchor));
        self.inlines(&g.quoted, out);
        out.push_str("</q>");
        if !g.who.is_empty() {
            out.push_str(" <span class=\"vem\">");
            escape(&g.who, out);
            out.push_str("</span>");
        }
        out.push_str("</dt>\n<dd>");
        match &g.guidance {
            Some(b) => self.blocks(b, out),
            None => out.push_str("<p class=\"saknas\">Ingen anvisning.</p>"),
        }
        out.push_str("</dd>\n");
    }
}

/// Cells of at most this many characters never wrap (`kort`): `0–2`, `7 %`, `53,92 %`
/// stay whole on a phone, where a table is scrolled sideways rather than squeezed.
const SHORT_CELL: usize = 12;

/// ` class="…"` of a cell: its column's alignment (none for the default, left) and
/// `kort` for a short cell.
fn cell_class(a: Option<&Align>, cell: &[Inline], out: &mut String) {
    let mut text = String::new();
    crate::markdown::collect_inline_plain(cell, &mut text);
    let short = !text.trim().is_empty() && text.trim().chars().count() <= SHORT_CELL;
    let align = match a {
        Some(Align::Center) => Some("centrerad"),
        Some(Align::Right) => Some("hogerstalld"),
        Some(Align::Left | Align::None) | None => None,
    };
    let classes: Vec<&str> = align.into_iter().chain(short.then_some("kort")).collect();
    if !classes.is_empty() {
        let _ = write!(out, " class=\"{}\"", classes.join(" "));
    }
}

/// Writes prose blocks with a fresh [`Writer`].
pub fn blocks(bs: &[Block], out: &mut String) {
    Writer::new().blocks(bs, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_user_written_is_escaped() {
        let mut notes = crate::markdown::Footnotes::default();
        let b = crate::markdown::blocks(
            "a <b onclick=\"x()\">b</b> {{ x }} {% if %} & [l](https://a.se/?a=1&b=2)\n\n<script>alert(1)</script>",
            &mut notes,
        );
        let mut out = String::new();
        blocks(&b, &mut out);
        assert_eq!(
            out,
            "<p>a &lt;b onclick=&quot;x()&quot;&gt;b&lt;/b&gt; {{ x }} {% if %} &amp; <a href=\"https://a.se/?a=1&amp;b=2\">l</a></p>\n\
             <p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
        );
    }

    /// Long words get soft hyphens at Swedish hyphenation points, short ones none;
    /// nothing else changes.
    #[test]
    fn long_words_in_headings_get_soft_hyphens() {
        let h =
            soft_hyphens("Riktlinje om arbetsmarknadsinsats (4 kap.) för Tillämpningsanvisningar");
        assert_eq!(
            h,
            "Riktlinje om arbets\u{ad}mark\u{ad}nads\u{ad}in\u{ad}sats (4 kap.) för Tillämp\u{ad}nings\u{ad}an\u{ad}vis\u{ad}ningar"
        );
        assert_eq!(
            h.replace('\u{ad}', ""),
            "Riktlinje om arbetsmarknadsinsats (4 kap.) för Tillämpningsanvisningar"
        );
        assert_eq!(
            soft_hyphens("individanpassad socialpsykiatrins Socialtjänstlagen"),
            "individanpassad socialpsykiatrins Socialtjänstlagen"
        );
    }

    #[test]
    fn foreign_words_are_a_span_with_their_language() {
        let mut out = String::new();
        Writer::new().inlines(
            &[Inline::Lang(
                "en".into(),
                vec![Inline::Text("supported employment".into())],
            )],
            &mut out,
        );
        assert_eq!(out, "<span lang=\"en\">supported employment</span>");
    }

    #[test]
    fn tables_have_column_headers_and_scroll_in_a_named_region() {
        let mut notes = crate::markdown::Footnotes::default();
        let b = crate::markdown::blocks(
            "| Nivå \"x\" | 1 |\n|---|:-:|\n| <b>Antal beviljade timmar per månad</b> | |",
            &mut notes,
        );
        let mut out = String::new();
        blocks(&b, &mut out);
        assert_eq!(
            out,
            "<div class=\"tabell\" role=\"region\" tabindex=\"0\" aria-label=\"Tabell: Nivå &quot;x&quot;, 1\">\n\
             <table>\n<thead>\n<tr><th scope=\"col\" class=\"kort\">Nivå &quot;x&quot;</th><th scope=\"col\" class=\"centrerad kort\">1</th></tr>\n</thead>\n\
             <tbody>\n<tr><td>&lt;b&gt;Antal beviljade timmar per månad&lt;/b&gt;</td><td class=\"centrerad\"></td></tr>\n</tbody>\n</table>\n</div>\n"
        );
    }
}
