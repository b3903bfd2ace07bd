//! The HTML back end: serialises the prose tree. Every character of user text goes
//! through [`escape`], the one HTML escaping function.

use std::fmt::Write as _;

use crate::markdown::{Block, Inline, Target};
use crate::render::body::{Piece, Reference};

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
            }
        }
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
                    out.push_str("<a href=\"");
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
                    for it in items {
                        let _ = write!(out, "<li id=\"{}\">", escaped(&it.anchor));
                        if let Some(first) = &it.first_anchor {
                            let _ = write!(out, "<span id=\"{}\"></span>", escaped(first));
                        }
                        self.inlines(&it.text, out);
                        out.push_str("</li>\n");
                    }
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
}
