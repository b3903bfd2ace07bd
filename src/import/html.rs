//! The HTML that pandoc's Markdown output (`-t gfm`) carries from a Word file: a table
//! it cannot write as a pipe table (a cell with two paragraphs or a list, merged cells)
//! comes as a `<table>` element, and formatting Markdown has no mark for as inline
//! tags (`<u>`, `<sup>`, `<sub>`, `<span class="smallcaps">`, bookmarks as empty
//! `<span id="_Toc…">`). The prose format shows raw HTML as text, so the importer turns
//! the table into a Markdown table and the inline tags into their text.

/// A `<table>` read into rows of cells.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Table {
    /// The rows, the first one the header, each padded to the widest row; cells are
    /// inline Markdown with `|` escaped.
    pub(super) rows: Vec<Vec<String>>,
    /// The caption's text, if the table has one.
    pub(super) caption: Option<String>,
    /// Whether a cell spans rows or columns (the layout is then only approximate).
    pub(super) merged: bool,
}

/// One tag: its lower-case name (`/td` for a closing tag) and its attributes' text.
fn tags(html: &str) -> Vec<(usize, usize, String, String)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(k) = html[at..].find('<') {
        let start = at + k;
        let Some(len) = html[start..].find('>') else {
            break;
        };
        let inner = &html[start + 1..start + len];
        let (name, attrs) = inner
            .split_once(|c: char| c.is_whitespace())
            .unwrap_or((inner, ""));
        let name = name.trim_end_matches('/').to_ascii_lowercase();
        let valid = !name.is_empty()
            && name
                .trim_start_matches('/')
                .chars()
                .all(|c| c.is_ascii_alphanumeric());
        if valid {
            out.push((start, start + len + 1, name, attrs.to_string()));
        }
        at = start + len + 1;
    }
    out
}

/// An attribute's value, `colspan="2"` → `2`.
fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let at = attrs.find(&format!("{name}="))?;
    let rest = &attrs[at + name.len() + 1..];
    let quote = rest.chars().next()?;
    if quote == '"' || quote == '\'' {
        rest[1..].split(quote).next()
    } else {
        rest.split(|c: char| c.is_whitespace() || c == '>').next()
    }
}

/// Reads a `<table>` … `</table>` element; `None` when it has no cell.
pub(super) fn table(html: &str) -> Option<Table> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row: Option<Vec<String>> = None;
    let mut cell: Option<(usize, usize)> = None; // (start of content, colspan)
    let mut caption: Option<usize> = None;
    let mut caption_text = None;
    let mut merged = false;
    for (start, end, name, attrs) in tags(html) {
        match name.as_str() {
            "tr" => row = Some(Vec::new()),
            "/tr" => {
                if let Some(r) = row.take() {
                    rows.push(r);
                }
            }
            "td" | "th" => {
                let span = |a: &str| attr(&attrs, a).and_then(|v| v.parse::<usize>().ok());
                let cols = span("colspan").unwrap_or(1).clamp(1, 64);
                merged |= cols > 1 || span("rowspan").is_some_and(|r| r > 1);
                cell = Some((end, cols));
            }
            "/td" | "/th" => {
                if let Some((from, cols)) = cell.take() {
                    let text = inline(&html[from..start]).0.replace('|', "\\|");
                    let r = row.get_or_insert_with(Vec::new);
                    r.push(text);
                    r.extend(std::iter::repeat_n(String::new(), cols - 1));
                }
            }
            "caption" => caption = Some(end),
            "/caption" => {
                if let Some(from) = caption.take() {
                    caption_text = Some(inline(&html[from..start]).0);
                }
            }
            _ => {}
        }
    }
    if let Some(r) = row.take().filter(|r| !r.is_empty()) {
        rows.push(r);
    }
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    if width == 0 {
        return None;
    }
    for r in &mut rows {
        r.resize(width, String::new());
    }
    Some(Table {
        rows,
        caption: caption_text.filter(|c| !c.is_empty()),
        merged,
    })
}

const SUPERSCRIPT: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
const SUBSCRIPT: [char; 10] = ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];

/// Digits as superscript or subscript characters (`m<sup>2</sup>` → `m²`); other text
/// as it is.
fn script(s: &str, digits: &[char; 10]) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
        s.chars()
            .map(|c| digits[c.to_digit(10).unwrap_or(0) as usize])
            .collect()
    } else {
        s.to_string()
    }
}

/// HTML text → inline Markdown: block tags become spaces, `<em>`/`<strong>` and links
/// their Markdown, `<sup>`/`<sub>` digits the Unicode characters, every other tag is
/// dropped with its text kept, entities are decoded; whitespace is collapsed. Also the
/// names of the formatting it could not keep (`underline`, …), for the report.
pub(super) fn inline(html: &str) -> (String, Vec<&'static str>) {
    let mut out = String::new();
    let mut lost = Vec::new();
    let mut at = 0;
    let mut href: Vec<Option<String>> = Vec::new();
    let mut script_from: Option<(usize, bool)> = None;
    for (start, end, name, attrs) in tags(html) {
        out.push_str(&decode(&html[at..start]));
        at = end;
        match name.as_str() {
            "p" | "/p" | "br" | "li" | "/li" | "div" | "/div" | "ul" | "/ul" | "ol" | "/ol"
            | "tr" | "/tr" | "td" | "/td" | "th" | "/th" => out.push(' '),
            "em" | "/em" | "i" | "/i" => out.push('*'),
            "strong" | "/strong" | "b" | "/b" => out.push_str("**"),
            "a" => {
                let h = attr(&attrs, "href").map(str::to_string);
                if h.is_some() {
                    out.push('[');
                }
                href.push(h);
            }
            "/a" => {
                if let Some(Some(h)) = href.pop() {
                    out.push_str(&format!("]({h})"));
                }
            }
            "sup" | "sub" => script_from = Some((out.len(), name == "sup")),
            "/sup" | "/sub" => {
                if let Some((from, sup)) = script_from.take() {
                    let inner = out.split_off(from);
                    let digits = if sup { &SUPERSCRIPT } else { &SUBSCRIPT };
                    let s = script(inner.trim(), digits);
                    if s == inner.trim() {
                        lost.push(if sup { "superscript" } else { "subscript" });
                    }
                    out.push_str(&s);
                }
            }
            "u" | "ins" => lost.push("underline"),
            "mark" => lost.push("highlight"),
            "span" if attr(&attrs, "class") == Some("smallcaps") => lost.push("small capitals"),
            _ => {}
        }
    }
    out.push_str(&decode(&html[at..]));
    lost.dedup();
    (super::normalise(&out), lost)
}

/// The entities pandoc and Word write, decoded; others left as written.
pub(super) fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(k) = rest.find('&') {
        out.push_str(&rest[..k]);
        rest = &rest[k..];
        let end = rest
            .char_indices()
            .take_while(|(i, _)| *i < 12)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The inline tags pandoc writes into Markdown prose for formatting Markdown lacks,
/// removed from `text` with their content kept (`<sup>`/`<sub>` digits as Unicode
/// characters, `<br>` as a space). Other HTML is left as written (the prose shows it
/// as text, and `check` sees it). Also what could not be kept, for the report.
pub(super) fn clean_prose(text: &str) -> (String, Vec<&'static str>) {
    const KNOWN: &[&str] = &[
        "u", "/u", "ins", "/ins", "mark", "/mark", "span", "/span", "sup", "/sup", "sub", "/sub",
        "br", "small", "/small",
    ];
    if !text.contains('<') {
        return (text.to_string(), Vec::new());
    }
    let mut out = String::new();
    let mut lost = Vec::new();
    let mut at = 0;
    let mut script_from: Option<(usize, bool)> = None;
    for (start, end, name, attrs) in tags(text) {
        if !KNOWN.contains(&name.as_str()) {
            continue;
        }
        out.push_str(&text[at..start]);
        at = end;
        match name.as_str() {
            "br" => out.push(' '),
            "sup" | "sub" => script_from = Some((out.len(), name == "sup")),
            "/sup" | "/sub" => {
                if let Some((from, sup)) = script_from.take() {
                    let inner = out.split_off(from);
                    let digits = if sup { &SUPERSCRIPT } else { &SUBSCRIPT };
                    let s = script(&inner, digits);
                    if s == inner {
                        lost.push(if sup { "superscript" } else { "subscript" });
                    }
                    out.push_str(&s);
                }
            }
            "u" | "ins" => lost.push("underline"),
            "mark" => lost.push("highlight"),
            "span" if attr(&attrs, "class") == Some("smallcaps") => lost.push("small capitals"),
            _ => {}
        }
    }
    out.push_str(&text[at..]);
    lost.dedup();
    (out, lost)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pandoc_table_with_paragraphs_and_merged_cells() {
        let t = table(
            "<table>\n<caption><p>Nivåer</p></caption>\n<thead>\n<tr class=\"header\">\n<th>Nivå</th>\n<th>Beskrivning</th>\n</tr>\n</thead>\n<tbody>\n<tr class=\"odd\">\n<td>1</td>\n<td><p>Första raden</p>\n<p>Andra &amp; <em>sista</em> | x</p></td>\n</tr>\n<tr><td colspan=\"2\">Summa</td></tr>\n</tbody>\n</table>",
        )
        .unwrap();
        assert_eq!(
            t.rows,
            vec![
                vec!["Nivå".to_string(), "Beskrivning".into()],
                vec!["1".into(), "Första raden Andra & *sista* \\| x".into()],
                vec!["Summa".into(), String::new()],
            ]
        );
        assert_eq!(t.caption.as_deref(), Some("Nivåer"));
        assert!(t.merged);
        assert!(table("<table></table>").is_none());
    }

    #[test]
    fn inline_formatting_keeps_its_text() {
        let (s, lost) = clean_prose(
            "<span id=\"_Toc1\" class=\"anchor\"></span>m<sup>2</sup> H<sub>2</sub>O <u>under</u> <span class=\"smallcaps\">kap</span><br />x <b>kvar</b> a<sup>b</sup>",
        );
        assert_eq!(s, "m² H₂O under kap x <b>kvar</b> ab");
        assert_eq!(lost, vec!["underline", "small capitals", "superscript"]);
        assert_eq!(
            decode("a &lt;b&gt; &#228;&#xE4; &x; & c"),
            "a <b> ää &x; & c"
        );
    }
}
