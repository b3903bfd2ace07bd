//! `styrdok import`: an existing guideline in Markdown, or in plain text converted from
//! Word or PDF, turned into the YAML skeleton of one version file.
//!
//! YAML front matter (`---` … `---`, as pandoc writes a Word file's title) is read first
//! ([`front`]), and Setext headings (`Titel` over `=====`) are rewritten as `#` headings.
//! Then one pass over the lines, in three regions: the cover (everything before the
//! first section heading: the title, as the first paragraph or as a lone `# Titel`, and
//! the labelled fields `Diarienummer:` …), a table of contents (lines that end in page
//! numbers; skipped), and the body (headings, numbered `2.6.1 Minimibelopp` or Markdown
//! `## …`, and under each its paragraphs, lists, tables and footnotes). Page furniture
//! (page numbers, running headers, image placeholders) is skipped. Everything skipped
//! or not placed is reported with its line in the source, with its text.
//!
//! The YAML is written by [`yaml`], which quotes every string the source supplied.

mod front;
mod html;
mod yaml;

use std::collections::{BTreeMap, HashSet};

/// What the importer tells the user about one place in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// 1-based line in the source.
    pub line: usize,
    /// What happened there.
    pub message: String,
}

/// The result of an import: the YAML and what the user should know.
#[derive(Debug)]
pub struct Imported {
    /// The version file.
    pub yaml: String,
    /// Lines skipped or not placed, joins, numbering surprises, in source order.
    pub notes: Vec<Note>,
    /// Required keys left empty with a `# TODO`.
    pub todo: Vec<&'static str>,
    /// Criteria found under criteria-like headings: (line, sentence).
    pub criteria: Vec<(usize, String)>,
}

/// A problem that stops the import, at a line of the source.
#[derive(Debug)]
pub struct ImportError {
    pub line: usize,
    pub message: String,
}

/// A section as it is gathered: its level (number depth or `#` count), heading, line.
struct Sec {
    level: usize,
    heading: String,
    line: usize,
    items: Vec<Item>,
}

enum Item {
    Para {
        line: usize,
        text: String,
    },
    /// A list; each item's line, marker (`-`, or `3.` in a numbered list) and text.
    List {
        items: Vec<(usize, String, String)>,
    },
    Table {
        rows: Vec<String>,
    },
}

/// A table of Word cells, one per line after a tab, rows separated by empty lines.
struct TabTable {
    line: usize,
    rows: Vec<Vec<String>>,
    row: Vec<String>,
}

#[derive(Default)]
struct Cover {
    title: Option<String>,
    /// Whether the title was given as such (front matter, a lone `# Titel`), not taken
    /// from the cover's first paragraph.
    explicit_title: bool,
    subtitle: Option<String>,
    fields: BTreeMap<&'static str, (usize, String)>,
}

/// Imports `source` (Markdown or plain text); `name` is the file's name for the header
/// comment.
pub fn import(source: &str, name: &str) -> Result<Imported, ImportError> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    if let Some(at) = source.find('\0') {
        return Err(ImportError {
            line: crate::source::line_of(source, at),
            message: "a NUL byte: this is not a text file".into(),
        });
    }
    // Lines end at LF, CRLF or a lone CR (text saved on an old Mac), as in every reader.
    let mut lines: Vec<String> = crate::source::lines(source).map(str::to_string).collect();
    let front = front::read(&lines);
    let start = front.as_ref().map_or(0, |f| f.end);
    let setext = setext(&mut lines, start);
    let md_headings = lines[start..]
        .iter()
        .any(|l| atx(l.trim_start()).is_some() || list_heading(l.trim_start()).is_some());
    let mut p = Parser {
        lines: &lines,
        start,
        notes: Vec::new(),
        cover: Cover::default(),
        cover_paras: Vec::new(),
        sections: Vec::new(),
        footnotes: BTreeMap::new(),
        numbered: false,
        md_headings,
        markdown: md_headings || setext || front.is_some(),
        title_heading: None,
        toc: Vec::new(),
    };
    if let Some(f) = front {
        p.front_matter(f);
    }
    p.title_heading = title_heading(&lines, start, p.cover.title.as_deref());
    p.run();
    Ok(p.finish(name))
}

/// Setext headings (a paragraph over a line of `=`, level 1, or of `-`, level 2)
/// rewritten as `#` headings on the paragraph's first line, the other lines emptied,
/// so that line numbers stay. Whether there was one.
fn setext(lines: &mut [String], start: usize) -> bool {
    let mut any = false;
    let mut para: Option<usize> = None;
    for i in start..lines.len() {
        let raw = lines[i].trim_end();
        let t = raw.trim_start();
        if t.is_empty() {
            para = None;
            continue;
        }
        let indented = raw.starts_with('\t') || raw.starts_with("    ");
        let under = |c: char| t.len() >= 2 && t.chars().all(|x| x == c);
        if let (Some(from), false, true) = (para, indented, under('=') || under('-')) {
            let level = if t.starts_with('=') { 1 } else { 2 };
            let text = normalise(&lines[from..i].join(" "));
            lines[from] = format!("{} {text}", "#".repeat(level));
            for l in &mut lines[from + 1..=i] {
                l.clear();
            }
            any = true;
            para = None;
            continue;
        }
        let plain = !indented
            && atx(t).is_none()
            && bullet(t).is_none()
            && ordered_item(t).is_none()
            && !t.starts_with('|')
            && !t.starts_with('<')
            && footnote_def(t).is_none()
            && furniture(t).is_none()
            && !is_field(t);
        para = if plain { para.or(Some(i)) } else { None };
    }
    any
}

/// The line of a `# Titel` that is the document's title rather than its first section:
/// the first heading, at level 1, with nothing before it but cover fields and page
/// furniture, and either the only level-1 heading or the only one without a number
/// (`# Riktlinje …` over `# 1. Allmänt`, `# 2. …`). With a title from the front matter,
/// only a heading that repeats it.
fn title_heading(lines: &[String], start: usize, known: Option<&str>) -> Option<usize> {
    let mut first = None;
    for (i, l) in lines.iter().enumerate().skip(start) {
        let t = l.trim();
        if t.is_empty() || furniture(t).is_some() || is_field(t) {
            continue;
        }
        if let Some((level, text)) = atx(t) {
            first = Some((i, level, heading_text(text)));
        }
        break;
    }
    let (i, level, text) = first?;
    if level != 1 || text.is_empty() || is_toc_title(&text) {
        return None;
    }
    if let Some(known) = known {
        return (normalise(&text) == known).then_some(i);
    }
    let others: Vec<String> = lines[i + 1..]
        .iter()
        .filter_map(|l| atx(l.trim_start()))
        .filter(|(level, _)| *level == 1)
        .map(|(_, t)| heading_text(t))
        .collect();
    let alone = others.is_empty()
        || (numbered(&text).is_none() && others.iter().all(|h| numbered(h).is_some()));
    alone.then_some(i)
}

struct Parser<'a> {
    lines: &'a [String],
    /// The first line after the front matter.
    start: usize,
    notes: Vec<Note>,
    cover: Cover,
    /// The cover's paragraphs that are not fields: (first line, lines).
    cover_paras: Vec<(usize, Vec<String>)>,
    sections: Vec<Sec>,
    /// Footnote definitions: label → (line, text).
    footnotes: BTreeMap<String, (usize, String)>,
    numbered: bool,
    /// Whether the source has Markdown headings; then a numbered line is a list item,
    /// not a heading.
    md_headings: bool,
    /// Whether the source is Markdown (headings, Setext headings or front matter): then
    /// `1. text` is a numbered list item, `\*` an escape, `<u>` a tag.
    markdown: bool,
    /// The index of the line whose `# Titel` is the title.
    title_heading: Option<usize>,
    /// The lines of a table of contents, skipped: (line, text).
    toc: Vec<(usize, String)>,
}

/// A heading found on a line: its level, its text without number, and the number.
struct Heading {
    level: usize,
    text: String,
    number: Option<Vec<u32>>,
}

impl Parser<'_> {
    fn note(&mut self, line: usize, message: impl Into<String>) {
        self.notes.push(Note {
            line,
            message: message.into(),
        });
    }

    /// The front matter's entries: title, subtitle and fields kept, the rest reported.
    fn front_matter(&mut self, f: front::Front) {
        for (line, entry) in f.entries {
            let (key, value) = match entry {
                front::Entry::Title(t) => ("title", t),
                front::Entry::Subtitle(t) => ("subtitle", t),
                front::Entry::Field(key, value) => (key, value),
                front::Entry::Unplaced(key, text) => {
                    self.note(
                        line,
                        format!(
                            "not placed (front matter `{key}`, no field the importer knows): {}",
                            yaml::quoted(&text)
                        ),
                    );
                    continue;
                }
            };
            let first = match key {
                "title" => self.cover.title.clone(),
                "subtitle" => self.cover.subtitle.clone(),
                _ => self.cover.fields.get(key).map(|(_, v)| v.clone()),
            };
            if let Some(first) = first {
                self.note(
                    line,
                    format!(
                        "`{key}` given a second time; the first ({}) is kept, this one not placed: {}",
                        yaml::quoted(&first),
                        yaml::quoted(&value)
                    ),
                );
                continue;
            }
            match key {
                "title" => {
                    self.cover.title = Some(value);
                    self.cover.explicit_title = true;
                }
                "subtitle" => self.cover.subtitle = Some(value),
                _ => {
                    self.cover.fields.insert(key, (line, value));
                }
            }
        }
    }

    fn run(&mut self) {
        let mut in_toc = false;
        let mut toc_start = 0;
        let mut cover_para: Option<(usize, Vec<String>)> = None;
        let mut tab: Option<TabTable> = None;
        let mut html_table: Option<(usize, String)> = None;
        let mut last_footnote: Option<String> = None;
        // A footnote whose definition a blank line ended: an indented paragraph next
        // continues it (pandoc writes a footnote's second paragraph so).
        let mut footnote_gap: Option<String> = None;
        let mut open = false; // whether the last item of the current section is open
        let mut expected: Vec<u32> = Vec::new();
        for (i, raw) in self.lines.iter().enumerate().skip(self.start) {
            let n = i + 1;
            let orig = raw.replace('\u{c}', "");
            let mut raw = orig.trim_end();
            // A hard line break in Markdown, `text\` at the end of a line.
            if self.markdown && raw.ends_with('\\') && !raw.ends_with("\\\\") {
                raw = raw[..raw.len() - 1].trim_end();
            }
            let t = raw.trim_start();
            // An HTML table (pandoc writes one for a Word table that a pipe table cannot
            // hold) goes on to its closing tag.
            if let Some((_, html)) = &mut html_table {
                html.push('\n');
                html.push_str(raw);
                if t.to_ascii_lowercase().contains("</table>") {
                    let (line, html) = html_table.take().expect("checked");
                    self.end_html_table(line, &html);
                    open = false;
                }
                continue;
            }
            // A table of Word cells goes on while lines start with a tab (a line of only
            // a tab is an empty cell), or are empty (between rows).
            if let Some(tt) = &mut tab {
                if orig.starts_with('\t') {
                    tt.row.push(t.to_string());
                    continue;
                }
                if raw.is_empty() {
                    if !tt.row.is_empty() {
                        let row = std::mem::take(&mut tt.row);
                        tt.rows.push(row);
                    }
                    continue;
                }
                let tt = tab.take().expect("checked");
                self.end_tab_table(tt);
                open = false;
            }
            // An empty cell line (only tabs) outside a table is a blank line.
            if t.is_empty() {
                open = false;
                if let Some(para) = cover_para.take() {
                    self.cover_paras.push(para);
                }
                if let Some(label) = last_footnote.take() {
                    footnote_gap = Some(label);
                }
                continue;
            }
            if let Some(label) = footnote_gap.take() {
                let indented = raw.starts_with('\t') || raw.starts_with("    ");
                if let (true, Some(def)) = (indented, self.footnotes.get_mut(&label)) {
                    def.1.push(' ');
                    def.1.push_str(t);
                    last_footnote = Some(label);
                    continue;
                }
            }
            if in_toc {
                if is_toc_line(t) {
                    self.toc.push((n, t.to_string()));
                    continue;
                }
                in_toc = false;
                self.note(
                    toc_start,
                    format!("lines {toc_start}–{}: table of contents, skipped", n - 1),
                );
            }
            if let Some(what) = furniture(t) {
                self.note(n, format!("skipped ({what}): {}", yaml::quoted(t)));
                continue;
            }
            if t.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("<table")) {
                if let Some(para) = cover_para.take() {
                    self.cover_paras.push(para);
                }
                if t.to_ascii_lowercase().contains("</table>") {
                    self.end_html_table(n, t);
                    open = false;
                } else {
                    html_table = Some((n, t.to_string()));
                }
                continue;
            }
            if self.title_heading == Some(i) {
                let text = atx(t).map(|(_, h)| heading_text(h)).unwrap_or_default();
                if let Some(para) = cover_para.take() {
                    self.cover_paras.push(para);
                }
                if self.cover.title.is_some() {
                    self.note(
                        n,
                        "skipped (the title again): the front matter gives the title",
                    );
                } else {
                    self.cover.title = Some(normalise(&text));
                    self.cover.explicit_title = true;
                }
                continue;
            }
            // pandoc writes a Word heading that has list numbering as a heading in a
            // list item, `1.  # Allmänt`.
            let listed = list_heading(t);
            let heading = match listed {
                Some((_, inner)) => heading(inner, inner, true),
                None => heading(raw, t, self.md_headings),
            };
            if let (Some(_), Some((true, _))) = (&heading, listed) {
                if !self.numbered {
                    self.note(
                        n,
                        "headings in a numbered list (Word's automatic heading numbers): read as headings, and `numbered: true` numbers them",
                    );
                }
                self.numbered = true;
            }
            if let Some(h) = &heading {
                if is_toc_title(&h.text) {
                    in_toc = true;
                    toc_start = n;
                    continue;
                }
            } else if is_toc_title(&strip_emphasis(t)) {
                in_toc = true;
                toc_start = n;
                continue;
            } else if self.sections.is_empty() && is_toc_line(t) && !is_field(t) {
                self.toc.push((n, t.to_string()));
                in_toc = true;
                toc_start = n;
                continue;
            }
            if let Some(h) = heading {
                if let Some(para) = cover_para.take() {
                    self.cover_paras.push(para);
                }
                if let Some(num) = &h.number {
                    self.numbered = true;
                    let want = next_number(&expected, num.len());
                    if *num != want {
                        self.note(
                            n,
                            format!(
                                "heading numbered {} where {} comes next; the number is dropped (the numbering is derived: check the nesting)",
                                show_number(num),
                                show_number(&want)
                            ),
                        );
                    }
                    expected = want;
                }
                self.sections.push(Sec {
                    level: h.level,
                    heading: h.text,
                    line: n,
                    items: Vec::new(),
                });
                open = false;
                last_footnote = None;
                continue;
            }
            // A footnote definition, wherever it stands (PDF text puts it at the foot of
            // a page, in the middle of a section).
            if let Some((label, text)) = footnote_def(t) {
                if let Some((first, _)) = self.footnotes.get(&label) {
                    let first = *first;
                    self.note(
                        n,
                        format!(
                            "footnote {label} defined a second time (first at line {first}); this one not placed: {}",
                            yaml::quoted(&text)
                        ),
                    );
                    continue;
                }
                self.footnotes.insert(label.clone(), (n, text));
                last_footnote = Some(label);
                continue;
            }
            if let Some(label) = &last_footnote {
                if let Some(def) = self.footnotes.get_mut(label) {
                    def.1.push(' ');
                    def.1.push_str(t);
                    continue;
                }
            }
            let Some(sec) = self.sections.last_mut() else {
                // The cover.
                if let Some((key, value)) = field(t) {
                    let value = if self.markdown {
                        unescape(&value)
                    } else {
                        value
                    };
                    if let Some(para) = cover_para.take() {
                        self.cover_paras.push(para);
                    }
                    if let Some((_, first)) = self.cover.fields.get(key) {
                        let first = first.clone();
                        self.note(
                            n,
                            format!(
                                "`{key}` given a second time; the first ({}) is kept, this one not placed: {}",
                                yaml::quoted(&first),
                                yaml::quoted(&value)
                            ),
                        );
                    } else {
                        self.cover.fields.insert(key, (n, value));
                    }
                    continue;
                }
                cover_para
                    .get_or_insert_with(|| (n, Vec::new()))
                    .1
                    .push(t.to_string());
                continue;
            };
            if raw.starts_with('\t') {
                tab = Some(TabTable {
                    line: n,
                    rows: Vec::new(),
                    row: vec![t.to_string()],
                });
                continue;
            }
            if t.starts_with('|') {
                match sec.items.last_mut() {
                    Some(Item::Table { rows }) if open => rows.push(t.to_string()),
                    _ => sec.items.push(Item::Table {
                        rows: vec![t.to_string()],
                    }),
                }
                open = true;
                continue;
            }
            let item = bullet(t).map(|text| ("-".to_string(), text)).or_else(|| {
                self.markdown
                    .then(|| ordered_item(t))
                    .flatten()
                    .map(|(number, text)| (format!("{number}."), text))
            });
            if let Some((marker, text)) = item {
                let numbered = marker != "-";
                match sec.items.last_mut() {
                    // A bullet after a numbered item starts a new list, and so the
                    // other way round (as Markdown reads them).
                    Some(Item::List { items })
                        if items.last().is_some_and(|(_, m, _)| (m != "-") == numbered) =>
                    {
                        items.push((n, marker, text));
                    }
                    _ => sec.items.push(Item::List {
                        items: vec![(n, marker, text)],
                    }),
                }
                open = true;
                continue;
            }
            let text = t.to_string();
            match sec.items.last_mut() {
                Some(Item::Para { text: p, .. }) if open => {
                    p.push(' ');
                    p.push_str(&text);
                }
                Some(Item::List { items }) if open => {
                    if let Some((_, _, last)) = items.last_mut() {
                        last.push(' ');
                        last.push_str(&text);
                    }
                }
                _ => sec.items.push(Item::Para { line: n, text }),
            }
            open = true;
        }
        if let Some(tt) = tab.take() {
            self.end_tab_table(tt);
        }
        if let Some((line, html)) = html_table.take() {
            self.note(
                line,
                "an HTML table without its closing `</table>`: read to the end of the file",
            );
            self.end_html_table(line, &html);
        }
        if in_toc {
            self.note(
                toc_start,
                format!(
                    "lines {toc_start}–{}: table of contents, skipped",
                    self.lines.len()
                ),
            );
        }
        if let Some(para) = cover_para.take() {
            self.cover_paras.push(para);
        }
    }

    /// An HTML table becomes a Markdown table (its caption a paragraph before it); in
    /// the cover, where no section can hold it, its text is reported as not placed.
    fn end_html_table(&mut self, line: usize, html: &str) {
        let Some(t) = html::table(html) else {
            self.note(
                line,
                format!(
                    "not placed (an HTML table with no cells): {}",
                    yaml::quoted(&normalise(html))
                ),
            );
            return;
        };
        let width = t.rows[0].len();
        let Some(sec) = self.sections.last_mut() else {
            let text: Vec<String> = t
                .caption
                .iter()
                .cloned()
                .chain(t.rows.iter().map(|r| r.join(" | ")))
                .collect();
            self.note(
                line,
                format!(
                    "not placed (a table before the first heading): {}",
                    yaml::quoted(&text.join(" / "))
                ),
            );
            return;
        };
        if let Some(c) = &t.caption {
            sec.items.push(Item::Para {
                line,
                text: c.clone(),
            });
        }
        let mut rows = Vec::new();
        for (k, r) in t.rows.iter().enumerate() {
            rows.push(format!("| {} |", r.join(" | ")));
            if k == 0 {
                rows.push(format!("|{}", "---|".repeat(width)));
            }
        }
        sec.items.push(Item::Table { rows });
        let merged = if t.merged {
            "; it has merged cells, each written once with empty cells beside it: check the layout"
        } else {
            ""
        };
        self.note(
            line,
            format!(
                "an HTML table read as a table of {} rows and {width} columns{merged}",
                t.rows.len()
            ),
        );
    }

    /// A table of Word cells becomes a Markdown table when its rows have the same
    /// number of cells; otherwise its cells become paragraphs, one per row.
    fn end_tab_table(&mut self, mut tt: TabTable) {
        if !tt.row.is_empty() {
            let row = std::mem::take(&mut tt.row);
            tt.rows.push(row);
        }
        let width = tt.rows.first().map_or(0, Vec::len);
        let Some(sec) = self.sections.last_mut() else {
            let text: Vec<String> = tt.rows.iter().map(|r| r.join(" | ")).collect();
            self.note(
                tt.line,
                format!(
                    "not placed (tab-indented cells before the first heading): {}",
                    yaml::quoted(&normalise(&text.join(" / ")))
                ),
            );
            return;
        };
        if tt.rows.len() >= 2 && width >= 2 && tt.rows.iter().all(|r| r.len() == width) {
            let mut rows = Vec::new();
            let cell = |c: &String| c.replace('|', "\\|");
            for (k, r) in tt.rows.iter().enumerate() {
                rows.push(format!(
                    "| {} |",
                    r.iter().map(cell).collect::<Vec<_>>().join(" | ")
                ));
                if k == 0 {
                    rows.push(format!("|{}", "---|".repeat(width)));
                }
            }
            sec.items.push(Item::Table { rows });
            self.notes.push(Note {
                line: tt.line,
                message: format!(
                    "cells on tab-indented lines read as a table of {} rows and {width} columns",
                    tt.rows.len()
                ),
            });
        } else {
            for r in &tt.rows {
                let text = r
                    .iter()
                    .filter(|c| !c.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" ");
                if !text.is_empty() {
                    sec.items.push(Item::Para {
                        line: tt.line,
                        text,
                    });
                }
            }
            self.notes.push(Note {
                line: tt.line,
                message: "tab-indented lines whose rows differ in length: kept as paragraphs, not a table".into(),
            });
        }
    }

    /// A line of the cover as plain text: emphasis marks off, whitespace collapsed; in
    /// Markdown also escapes and inline tags resolved.
    fn cover_text(&self, s: &str) -> String {
        let s = normalise(&strip_emphasis(s));
        if self.markdown {
            normalise(&unescape(&html::clean_prose(&s).0))
        } else {
            s
        }
    }

    fn finish(mut self, name: &str) -> Imported {
        // The title: the cover's first paragraph; a short last line with a year is the
        // subtitle (`Maj 2022`), else a short one-line paragraph right after it.
        let mut paras = std::mem::take(&mut self.cover_paras).into_iter().peekable();
        if self.cover.explicit_title {
            // The title was given as such: a short line right after it, not a sentence,
            // is the subtitle (`Maj 2022`, `Antagen av socialnämnden 2025-05-12`).
            if self.cover.subtitle.is_none() {
                if let Some((_, next)) = paras.peek() {
                    let line = next[0].trim_end();
                    if next.len() == 1
                        && line.chars().count() <= 60
                        && !line.ends_with(['.', ':', ';', ','])
                    {
                        self.cover.subtitle = Some(self.cover_text(line));
                        paras.next();
                    }
                }
            }
        } else if let Some((_, lines)) = paras.next() {
            let mut lines: Vec<String> = lines.iter().map(|l| self.cover_text(l)).collect();
            if lines.len() >= 2 {
                let last = lines.last().map(|l| normalise(l)).unwrap_or_default();
                if last.chars().count() <= 40 && has_year(&last) && self.cover.subtitle.is_none() {
                    lines.pop();
                    self.cover.subtitle = Some(last);
                }
            }
            self.cover.title = Some(normalise(&lines.join(" ")));
            if self.cover.subtitle.is_none() {
                if let Some((_, next)) = paras.peek() {
                    if next.len() == 1 && next[0].chars().count() <= 60 {
                        self.cover.subtitle = Some(self.cover_text(&next[0]));
                        paras.next();
                    }
                }
            }
        }
        for (line, lines) in paras {
            let text = normalise(&lines.join(" "));
            self.note(
                line,
                format!(
                    "not placed (cover text that is no known field): {}",
                    yaml::quoted(&text)
                ),
            );
        }
        self.check_toc();
        // Running headers before the title was known are caught here: drop paragraphs
        // that are the title again.
        if let Some(title) = self.cover.title.clone() {
            let mut dropped = Vec::new();
            for sec in &mut self.sections {
                sec.items.retain(|it| match it {
                    Item::Para { line, text } if normalise(&strip_emphasis(text)) == title => {
                        dropped.push(*line);
                        false
                    }
                    _ => true,
                });
            }
            for line in dropped {
                self.note(line, "skipped (running header): the title again");
            }
        }
        self.join_broken_paragraphs();
        let criteria = self.criteria();
        let mut out = String::new();
        let todo = self.write(&mut out, name, &criteria);
        self.notes.sort_by_key(|n| n.line);
        Imported {
            yaml: out,
            notes: self.notes,
            todo,
            criteria,
        }
    }

    /// The table of contents was skipped: an entry that names no heading found is
    /// reported with its text (a heading the importer missed, or text that only looked
    /// like a table of contents).
    fn check_toc(&mut self) {
        let headings: HashSet<String> = self.sections.iter().map(|s| toc_key(&s.heading)).collect();
        for (line, text) in std::mem::take(&mut self.toc) {
            let key = toc_entry(&text);
            if !key.is_empty() && !headings.contains(&key) {
                self.note(
                    line,
                    format!(
                        "table of contents entry that names no heading found: {}",
                        yaml::quoted(&normalise(&text))
                    ),
                );
            }
        }
    }

    /// A paragraph that ends mid-sentence, followed by one that starts in lower case,
    /// is one paragraph broken by a page (its furniture skipped).
    fn join_broken_paragraphs(&mut self) {
        let mut joined = Vec::new();
        for sec in &mut self.sections {
            let mut items: Vec<Item> = Vec::new();
            for it in sec.items.drain(..) {
                if let (Some(Item::Para { text: prev, .. }), Item::Para { line, text }) =
                    (items.last_mut(), &it)
                {
                    let ends = prev
                        .trim_end()
                        .ends_with(['.', '!', '?', ':', ';', '”', '"', '»', ')']);
                    if !ends && text.chars().next().is_some_and(char::is_lowercase) {
                        prev.push(' ');
                        prev.push_str(text);
                        joined.push(*line);
                        continue;
                    }
                }
                items.push(it);
            }
            sec.items = items;
        }
        for line in joined {
            self.note(
                line,
                "joined to the paragraph before it, which ended mid-sentence (a page break?)",
            );
        }
    }

    /// Lists under a criteria-like heading, or after a criteria-like lead-in.
    fn criteria(&self) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for sec in &self.sections {
            let by_heading = criteria_like(&sec.heading);
            let mut lead = false;
            for it in &sec.items {
                match it {
                    Item::Para { text, .. } => lead = criteria_like(text),
                    Item::List { items } => {
                        if by_heading || lead {
                            out.extend(items.iter().map(|(l, _, t)| (*l, normalise(t))));
                        }
                        lead = false;
                    }
                    Item::Table { .. } => lead = false,
                }
            }
        }
        out
    }

    /// Writes the version file; returns the required keys left to fill in.
    fn write(
        &mut self,
        out: &mut String,
        name: &str,
        criteria: &[(usize, String)],
    ) -> Vec<&'static str> {
        let mut todo = Vec::new();
        let f = &self.cover.fields;
        let file: String = name
            .chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .collect();
        out.push_str(&format!(
            "# Imported by `styrdok import` from {}: a skeleton to read against the source.\n",
            yaml::quoted(&file)
        ));
        out.push_str(
            "# Each `# TODO` marks what the source did not say; `styrdok check` lists them.\n",
        );
        let title = self.cover.title.clone().unwrap_or_default();
        let anvisning = title.to_lowercase().contains("tillämpningsanvisning");
        out.push_str(if anvisning {
            "kind: tillampningsanvisning\n"
        } else {
            "kind: riktlinje\n"
        });
        let date = |key: &str| f.get(key).and_then(|(_, v)| styrdok_date(v));
        let from = date("valid_from")
            .map(|d| (d, "the first day in force"))
            .or_else(|| date("decision_date").map(|d| (d, "the decision date")))
            .or_else(|| date("issued").map(|d| (d, "the date of issue")));
        match from {
            Some((d, what)) => out.push_str(&format!(
                "version: {}   # from {what}; the label is free\n",
                yaml::quoted(d.get(..7).unwrap_or(&d))
            )),
            None => {
                todo.push("version");
                out.push_str("version:   # TODO: the version's label, e.g. \"2025-07\"\n");
            }
        }
        if title.is_empty() {
            todo.push("title");
            out.push_str("title:   # TODO: the title, not found in the source\n");
        } else {
            yaml::field(out, 0, "title", &title);
        }
        if let Some(s) = &self.cover.subtitle {
            yaml::field(out, 0, "subtitle", s);
        }
        let text_key = |out: &mut String, key: &str| {
            if let Some((_, v)) = f.get(key) {
                if !v.is_empty() {
                    yaml::field(out, 0, key, v);
                }
            }
        };
        let mut notes = Vec::new();
        let mut date_key = |out: &mut String,
                            todo: &mut Vec<&'static str>,
                            key: &'static str,
                            required: bool,
                            what: &str| {
            match f.get(key) {
                Some((line, v)) => match styrdok_date(v) {
                    Some(d) => out.push_str(&format!("{key}: {d}\n")),
                    None if key == "valid_until"
                        && v.trim().eq_ignore_ascii_case("tills vidare") =>
                    {
                        out.push_str("valid_until: \"tills vidare\"\n");
                    }
                    None => {
                        if required {
                            todo.push(key);
                        }
                        notes.push(Note {
                            line: *line,
                            message: format!(
                                "`{key}`: {} is not a date (YYYY-MM-DD); left to fill in",
                                yaml::quoted(v)
                            ),
                        });
                        out.push_str(&format!(
                            "{key}:   # TODO: {what} (YYYY-MM-DD); the source says {}\n",
                            yaml::quoted(v)
                        ));
                    }
                },
                None if required => {
                    todo.push(key);
                    out.push_str(&format!(
                        "{key}:   # TODO: {what} (YYYY-MM-DD), not found in the source\n"
                    ));
                }
                None => {}
            }
        };
        text_key(out, "dnr");
        date_key(
            out,
            &mut todo,
            "issued",
            true,
            "utgivningsdatum, the date of issue",
        );
        match f.get("publisher") {
            Some((_, v)) if !v.is_empty() => yaml::field(out, 0, "publisher", v),
            _ => {
                todo.push("publisher");
                out.push_str(
                    "publisher:   # TODO: utgivare, who issues it; not found in the source\n",
                );
            }
        }
        text_key(out, "contact");
        text_key(out, "decided_by");
        date_key(out, &mut todo, "decision_date", false, "beslutsdatum");
        date_key(
            out,
            &mut todo,
            "valid_from",
            true,
            "giltig från, the first day in force",
        );
        date_key(out, &mut todo, "valid_until", false, "giltig till");
        if let Some((_, v)) = f.get("replaces") {
            if !v.is_empty() && v != "-" {
                out.push_str("replaces:\n");
                yaml::field(out, 2, "dnr", v);
            }
        }
        for key in ["document_owner", "scope", "revision_by", "follow_up_by"] {
            text_key(out, key);
        }
        if let Some((_, v)) = f.get("related_documents") {
            let docs: Vec<&str> = v
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            if docs.is_empty() {
                out.push_str("related_documents: []\n");
            } else {
                out.push_str("related_documents:\n");
                for d in docs {
                    out.push_str(&format!("  - {}\n", yaml::quoted(d)));
                }
            }
        }
        if anvisning {
            todo.push("applies_to");
            out.push_str(
                "applies_to:   # TODO: {document: <the riktlinje's folder>, version: <label>}\n",
            );
        }
        self.notes.extend(notes);
        if self.numbered {
            out.push_str("numbered: true\n");
        }
        self.write_sections(out);
        if !criteria.is_empty() {
            out.push_str(
                "\n# TODO: the sentences listed under criteria-like headings, as criteria. Each\n",
            );
            out.push_str(
                "# needs a rule (docs/rules.md) and a kind before it can be uncommented; then\n",
            );
            out.push_str("# list them in an intervention and place them with `- criteria: <intervention>`.\n");
            out.push_str("# criteria:\n");
            let mut ids = HashSet::new();
            for (line, text) in criteria {
                let id = unique(&mut ids, &slug(text));
                out.push_str(&format!(
                    "#   - id: {}   # line {line}\n",
                    yaml::quoted(&id)
                ));
                out.push_str(&format!("#     text: {}\n", yaml::quoted(text)));
                out.push_str("#     kind: fact   # or assessment, with assessed_by\n");
                out.push_str("#     rule:   # TODO: the condition (docs/rules.md)\n");
            }
        }
        todo
    }

    fn write_sections(&mut self, out: &mut String) {
        if self.sections.is_empty() {
            self.notes.push(Note {
                line: 1,
                message: "no headings found: the file has no sections".into(),
            });
        }
        // Footnotes go into the text that refers to them (the dialect wants them there).
        let mut used = HashSet::new();
        let mut texts = Vec::new();
        for sec in &self.sections {
            let mut md = Vec::new();
            for it in &sec.items {
                md.push(match it {
                    Item::Para { text, .. } => text.clone(),
                    Item::List { items } => items
                        .iter()
                        .map(|(_, m, t)| format!("{m} {t}"))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    Item::Table { rows } => rows.join("\n"),
                });
            }
            let mut text = md.join("\n\n");
            let mut defs = Vec::new();
            for (label, (_, def)) in &self.footnotes {
                let sup = format!("<sup>{label}</sup>");
                let reference = format!("[^{label}]");
                if text.contains(&sup) || text.contains(&reference) {
                    text = text.replace(&sup, &reference);
                    defs.push(format!("[^{label}]: {def}"));
                    used.insert(label.clone());
                }
            }
            if !defs.is_empty() {
                text.push_str("\n\n");
                text.push_str(&defs.join("\n\n"));
            }
            let (cleaned, lost) = html::clean_prose(&text);
            text = cleaned;
            if !lost.is_empty() {
                self.notes.push(Note {
                    line: sec.line,
                    message: format!(
                        "formatting the prose cannot show, removed with its text kept: {}",
                        lost.join(", ")
                    ),
                });
            }
            for found in crate::markdown::placeholders(&text) {
                let what = format!("{{{}: {}}}", found.kind, found.id);
                self.notes.push(Note {
                    line: sec.line,
                    message: format!(
                        "the prose under this heading holds {}, which reads as a placeholder; if it is text, put it in backticks",
                        yaml::quoted(&what)
                    ),
                });
            }
            texts.push(text);
        }
        for (label, (line, text)) in &self.footnotes {
            if !used.contains(label) {
                self.notes.push(Note {
                    line: *line,
                    message: format!(
                        "footnote {label} is referred to nowhere: not placed: {}",
                        yaml::quoted(text)
                    ),
                });
            }
        }
        // Nest by level: each section goes under the nearest one before it with a
        // lower level.
        let mut ids = HashSet::new();
        let levels: Vec<usize> = self.sections.iter().map(|s| s.level).collect();
        if !self.sections.is_empty() {
            out.push_str("sections:\n");
        }
        let mut stack: Vec<usize> = Vec::new();
        for (k, sec) in self.sections.iter().enumerate() {
            while stack.last().is_some_and(|&top| levels[top] >= sec.level) {
                stack.pop();
            }
            let depth = stack.len();
            if depth > 0 && stack.last().is_some_and(|&top| sec.level > levels[top] + 1) {
                self.notes.push(Note {
                    line: sec.line,
                    message: "heading skips a level: placed one level below the heading before it"
                        .into(),
                });
            }
            if depth > 0 && stack.last() == Some(&(k - 1)) {
                out.push_str(&format!("{}sections:\n", " ".repeat(depth * 4)));
            }
            let id = unique(&mut ids, &slug(&sec.heading));
            out.push_str(&format!(
                "{}- id: {}\n",
                " ".repeat(depth * 4 + 2),
                yaml::quoted(&id)
            ));
            yaml::field(out, depth * 4 + 4, "heading", &sec.heading);
            if !texts[k].is_empty() {
                out.push_str(&format!("{}body:\n", " ".repeat(depth * 4 + 4)));
                let mut block = String::new();
                yaml::field(&mut block, depth * 4 + 8, "text", &texts[k]);
                // `- text:` in place of the first indentation.
                let at = depth * 4 + 6;
                let mut b = block.into_bytes();
                if b.len() > at {
                    b[at] = b'-';
                }
                out.push_str(&String::from_utf8(b).unwrap_or_default());
            }
            stack.push(k);
        }
    }
}

/// The format's date, `YYYY-MM-DD`, as written, when the text is one.
fn styrdok_date(s: &str) -> Option<String> {
    let s = s.trim();
    crate::date::parse(s).ok().map(|d| d.to_string())
}

fn has_year(s: &str) -> bool {
    s.split(|c: char| !c.is_ascii_digit())
        .any(|w| w.len() == 4 && (w.starts_with("19") || w.starts_with("20")))
}

/// Whitespace collapsed to single spaces, trimmed.
fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `**bold**` and `__bold__` markers removed (covers and headings are plain text).
fn strip_emphasis(s: &str) -> String {
    s.replace("**", "").replace("__", "").trim().to_string()
}

/// A slug for an id: lower case ASCII, `-` between words, at most about 60 characters.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in crate::markdown::plain(s).to_lowercase().chars() {
        let c = match c {
            'å' | 'ä' | 'à' | 'á' => 'a',
            'ö' | 'ø' | 'ó' => 'o',
            'é' | 'è' | 'ë' => 'e',
            'ü' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out = out.trim_end_matches('-').to_string();
    if out.len() > 60 {
        let cut = out[..60].rfind('-').unwrap_or(60);
        out.truncate(cut);
    }
    if out.is_empty() {
        "avsnitt".into()
    } else {
        out
    }
}

fn unique(ids: &mut HashSet<String>, id: &str) -> String {
    let mut candidate = id.to_string();
    let mut k = 2;
    while !ids.insert(candidate.clone()) {
        candidate = format!("{id}-{k}");
        k += 1;
    }
    candidate
}

/// Page furniture that a converted PDF or Word file carries: page numbers, image
/// placeholders, separators, HTML comments.
fn furniture(t: &str) -> Option<&'static str> {
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit());
    if digits(t) {
        return Some("page number");
    }
    if let Some((a, b)) = t.split_once(" (") {
        if digits(a) && b.strip_suffix(')').is_some_and(digits) {
            return Some("page number");
        }
    }
    let lower = t.to_lowercase();
    if let Some(rest) = lower.strip_prefix("sida ") {
        if rest
            .split([' ', '(', ')'])
            .filter(|w| !w.is_empty())
            .all(|w| digits(w) || w == "av")
        {
            return Some("page number");
        }
    }
    if t.chars().all(|c| c == '-') && t.len() >= 3
        || t.chars().all(|c| c == '*') && t.len() >= 3
        || t.chars().all(|c| c == '_') && t.len() >= 3
    {
        return Some("separator line");
    }
    let image_ext = [
        ".emf", ".wmf", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".tif", ".tiff",
    ];
    if !t.contains(' ') && image_ext.iter().any(|e| lower.ends_with(e)) {
        return Some("image placeholder");
    }
    if t.starts_with("![") && t.ends_with(')') {
        return Some("image");
    }
    if t.starts_with("<!--") && t.ends_with("-->") {
        return Some("comment");
    }
    None
}

/// A heading as a table of contents would name it: plain, without its number, in lower
/// case, whitespace collapsed.
fn toc_key(s: &str) -> String {
    let plain = toc_plain(s);
    let plain = numbered(&plain).map_or(plain, |(_, text)| text);
    plain.to_lowercase()
}

/// Text without tags and emphasis marks.
fn toc_plain(s: &str) -> String {
    normalise(&html::inline(s).0.replace(['*'], "").replace("__", ""))
}

/// The heading a table of contents line names: a row's cells less the page number
/// (`| Sammanfattning ..... | 3 |`), or the line less its page number and leaders
/// (`2.6.1 Minimibelopp\t6`); empty for a row of no text or a table's rule row.
fn toc_entry(t: &str) -> String {
    let text = if t.starts_with('|') {
        let cells: Vec<&str> = t
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        if cells
            .iter()
            .all(|c| c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
        {
            return String::new();
        }
        let n = cells.len();
        let last_is_page = n > 1 && toc_plain(cells[n - 1]).chars().all(|c| c.is_ascii_digit());
        toc_plain(&cells[..if last_is_page { n - 1 } else { n }].join(" "))
    } else {
        // Link marks off: `[1. Allmänt [4](#_Toc1)](#_Toc1)` → `1. Allmänt 4`.
        let mut plain = t.to_string();
        while let Some(at) = plain.find("](#") {
            let end = plain[at..].find(')').map_or(plain.len(), |e| at + e + 1);
            plain.replace_range(at..end, "");
        }
        let plain = plain.replace('[', "");
        toc_plain(plain.trim_end_matches(|c: char| c.is_ascii_digit()))
    };
    let text = text.trim_end_matches(|c: char| c.is_whitespace() || c == '.' || c == '…');
    toc_key(text)
}

fn is_toc_title(t: &str) -> bool {
    matches!(
        normalise(t).to_lowercase().trim_end_matches(':'),
        "innehåll"
            | "innehållsförteckning"
            | "innehållsförteckning:"
            | "contents"
            | "table of contents"
    )
}

/// A line of a table of contents: it ends in a page number after a tab or dot leaders,
/// or is a table row (a Markdown table of contents), or links to a Word `_Toc` bookmark.
fn is_toc_line(t: &str) -> bool {
    // A Word table of contents through pandoc: links to Word's `_Toc` bookmarks.
    if t.starts_with('|') || (t.starts_with('[') && t.contains("](#_Toc")) {
        return true;
    }
    let body = t.trim_end_matches(|c: char| c.is_ascii_digit());
    if body.len() == t.len() || t.len() - body.len() > 4 {
        return false;
    }
    body.ends_with('\t')
        || body.trim_end().ends_with("..")
        || body.ends_with("…")
        || body.ends_with("… ")
}

/// A heading: Markdown `## Text`, or a numbered line `2.6.1 Minimibelopp`, `1. Allmänt`.
/// A Markdown ATX heading, `## Text`: its level and its text.
fn atx(t: &str) -> Option<(usize, &str)> {
    let hashes = t.chars().take_while(|&c| c == '#').count();
    let rest = &t[hashes..];
    ((1..=6).contains(&hashes) && rest.starts_with([' ', '\t']))
        .then(|| (hashes, rest.trim().trim_end_matches('#').trim()))
}

/// A Markdown heading's text as plain text: emphasis marks, inline tags (a Word
/// bookmark, `<span id="_Toc…">`) and backslash escapes off, entities decoded.
fn heading_text(s: &str) -> String {
    unescape(&html::clean_prose(&strip_emphasis(s)).0)
        .trim()
        .to_string()
}

/// Markdown's backslash escapes (`\*` → `*`) and the entities pandoc writes (`&lt;`,
/// `&amp;` …) resolved, for text that is shown as written (headings, cover fields).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&next) = chars.peek() {
                if next.is_ascii_punctuation() {
                    out.push(next);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    html::decode(&out)
}

/// A Markdown heading in a list item, `1.  # Allmänt` or `-   ## Avgifter`: whether the
/// list is numbered, and the heading.
fn list_heading(t: &str) -> Option<(bool, &str)> {
    let (numbered, rest) = if t.starts_with(|c: char| c.is_ascii_digit()) {
        let digits = t.chars().take_while(char::is_ascii_digit).count();
        (true, t[digits..].strip_prefix(['.', ')'])?)
    } else {
        (false, t.strip_prefix(['-', '*', '+'])?)
    };
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let inner = rest.trim_start();
    atx(inner).map(|_| (numbered, inner))
}

/// A numbered list item in Markdown, `1. text` or `1) text`: its number and text.
fn ordered_item(t: &str) -> Option<(u64, String)> {
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 9 {
        return None;
    }
    let rest = t[digits..].strip_prefix(['.', ')'])?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let text = rest.trim();
    let number = t[..digits].parse().ok()?;
    (!text.is_empty()).then(|| (number, text.to_string()))
}

fn heading(raw: &str, t: &str, md_headings: bool) -> Option<Heading> {
    if t.starts_with('#') {
        if let Some((hashes, text)) = atx(t) {
            let text = heading_text(text);
            if text.is_empty() {
                return None;
            }
            return Some(match numbered(&text) {
                Some((number, text)) => Heading {
                    level: hashes,
                    text,
                    number: Some(number),
                },
                None => Heading {
                    level: hashes,
                    text,
                    number: None,
                },
            });
        }
        return None;
    }
    if md_headings || raw.starts_with('\t') {
        return None;
    }
    let plain = strip_emphasis(t);
    let (number, text) = numbered(&plain)?;
    let last = text.chars().last()?;
    let first = text.chars().next()?;
    if !first.is_uppercase()
        || matches!(last, '.' | ',' | ';' | ':')
        || text.chars().count() > 150
        || is_toc_line(t)
    {
        return None;
    }
    Some(Heading {
        level: number.len(),
        text,
        number: Some(number),
    })
}

/// `2.6.1 Text` or `1. Text`: the number's parts and the text.
fn numbered(s: &str) -> Option<(Vec<u32>, String)> {
    let end = s.find(|c: char| c.is_whitespace())?;
    let (num, text) = s.split_at(end);
    let num = num.strip_suffix('.').unwrap_or(num);
    let parts: Vec<u32> = num
        .split('.')
        .map(|p| {
            if !p.is_empty() && p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit()) {
                p.parse().ok()
            } else {
                None
            }
        })
        .collect::<Option<_>>()?;
    if parts.is_empty() || parts.len() > 6 {
        return None;
    }
    let text = text.trim().to_string();
    (!text.is_empty()).then_some((parts, text))
}

fn next_number(prev: &[u32], depth: usize) -> Vec<u32> {
    let mut n: Vec<u32> = prev.iter().copied().take(depth).collect();
    while n.len() < depth {
        n.push(0);
    }
    if let Some(last) = n.last_mut() {
        *last += 1;
    }
    n
}

fn show_number(n: &[u32]) -> String {
    let s = n.iter().map(u32::to_string).collect::<Vec<_>>().join(".");
    if n.len() == 1 { format!("{s}.") } else { s }
}

/// A bullet item: `·`, `•`, `-`, `*`, `–`, `▪` followed by a space.
fn bullet(t: &str) -> Option<String> {
    let mut chars = t.chars();
    let c = chars.next()?;
    if !matches!(
        c,
        '·' | '•' | '-' | '*' | '–' | '▪' | '●' | '○' | '◦' | '\u{f0b7}'
    ) {
        return None;
    }
    let rest = chars.as_str();
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim();
    (!rest.is_empty()).then(|| rest.to_string())
}

/// A footnote definition: `<sup>1</sup> text` (from a PDF) or `[^1]: text`.
fn footnote_def(t: &str) -> Option<(String, String)> {
    let (label, rest) = if let Some(rest) = t.strip_prefix("<sup>") {
        rest.split_once("</sup>")?
    } else if let Some(rest) = t.strip_prefix("[^") {
        let (label, rest) = rest.split_once("]:")?;
        (label, rest)
    } else {
        return None;
    };
    if label.is_empty()
        || !label
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        return None;
    }
    let text = rest.trim();
    (!text.is_empty()).then(|| (label.to_string(), text.to_string()))
}

/// Whether a cover line is a labelled field we know.
fn is_field(t: &str) -> bool {
    field(t).is_some()
}

/// A cover field, `Diarienummer: VON 2025:00149`: the format's key and the value.
fn field(t: &str) -> Option<(&'static str, String)> {
    let t = strip_emphasis(t);
    let (label, value) = t.split_once(':')?;
    let label = normalise(label).to_lowercase();
    let key = match label.as_str() {
        "diarienummer" | "dnr" | "diarienr" | "dnr." => "dnr",
        "dokumentet är beslutat av" | "beslutad av" | "beslutat av" | "beslutande instans" => {
            "decided_by"
        }
        "dokumentet beslutades den"
        | "beslutsdatum"
        | "beslutad den"
        | "beslutat den"
        | "datum för beslut" => "decision_date",
        "dokumentet gäller till den"
        | "dokumentet gäller till"
        | "gäller till"
        | "giltig till"
        | "giltigt till" => "valid_until",
        "dokumentet gäller från den"
        | "dokumentet gäller från"
        | "gäller från"
        | "giltig från"
        | "giltigt från"
        | "gäller fr.o.m." => "valid_from",
        "dokumentet ersätter" | "ersätter" => "replaces",
        "dokumentansvarig är" | "dokumentansvarig" => "document_owner",
        "dokumentet gäller för" | "gäller för" => "scope",
        "för revidering av dokumentet ansvarar" | "för revidering ansvarar" => "revision_by",
        "för uppföljning av dokumentet ansvarar" | "för uppföljning ansvarar" => "follow_up_by",
        "relaterade dokument" => "related_documents",
        "utgivningsdatum" | "utgiven" => "issued",
        "utgivare" => "publisher",
        "kontaktperson" | "kontakt" => "contact",
        _ => return None,
    };
    Some((key, normalise(value)))
}

/// A heading or lead-in after which a list states criteria.
fn criteria_like(s: &str) -> bool {
    let s = s.to_lowercase();
    s.starts_with("kriterier")
        || s.contains("behöver uppfyllas")
        || s.contains("ska uppfyllas")
        || s.contains("följande krav")
        || s.contains("följande kriterier")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings() {
        assert_eq!(numbered("2.6.1 Minimibelopp").unwrap().0, vec![2, 6, 1]);
        assert_eq!(numbered("1. Allmänt").unwrap(), (vec![1], "Allmänt".into()));
        let h = |s: &str| heading(s, s, false);
        assert!(h("2 timmar per dag").is_none());
        assert!(h("1. Den enskilde ska vara myndig.").is_none());
        assert!(h("1. Allmänt\t4").is_none());
        assert_eq!(h("### **Alfa**").unwrap().text, "Alfa");
        assert!(heading("1. Ansökan", "1. Ansökan", true).is_none());
        assert_eq!(list_heading("1.  ## Avgifter"), Some((true, "## Avgifter")));
        assert_eq!(list_heading("-   # Allmänt"), Some((false, "# Allmänt")));
        assert!(list_heading("1. Allmänt").is_none());
    }

    #[test]
    fn furniture_and_toc() {
        assert_eq!(furniture("6 (10)"), Some("page number"));
        assert_eq!(furniture("image1.emf"), Some("image placeholder"));
        assert!(furniture("Text 6").is_none());
        assert!(is_toc_line("2.6.1 Minimibelopp\t6"));
        assert!(!is_toc_line("Minimibelopp 2025"));
        assert!(is_toc_line("[1. Allmänt 4](#_Toc195)"));
        assert_eq!(toc_entry("[2.1 Nivåer\t5](#_Toc196)"), "nivåer");
        assert_eq!(
            toc_entry("| <b>Sammanfattning</b> ..... | <b>3</b> |"),
            "sammanfattning"
        );
        assert_eq!(toc_entry("|---|:---:|"), "");
        assert_eq!(toc_entry("Budget 2023\t7"), "budget 2023");
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Förbehållsbelopp"), "forbehallsbelopp");
        assert_eq!(slug("key: value #x"), "key-value-x");
        assert_eq!(slug("???"), "avsnitt");
    }

    /// The YAML and the report, as one text to look for the source's words in.
    fn everything(src: &str) -> String {
        let i = import(src, "x.md").unwrap();
        let mut all = i.yaml;
        for n in &i.notes {
            all.push('\n');
            all.push_str(&n.message);
        }
        all
    }

    fn yaml_of(src: &str) -> String {
        import(src, "x.md").unwrap().yaml
    }

    #[test]
    fn a_title_heading_is_the_title() {
        let y = yaml_of(
            "# Riktlinje för hemtjänst\n\nMaj 2025\n\nDiarienummer: SN 2025/7\n\n## Allmänt\n\nText.\n",
        );
        assert!(y.contains("title: \"Riktlinje för hemtjänst\"\n"), "{y}");
        assert!(y.contains("subtitle: \"Maj 2025\"\n"), "{y}");
        assert!(y.contains("dnr: \"SN 2025/7\"\n"), "{y}");
        assert!(!y.contains("heading: \"Riktlinje"), "{y}");
        // Under numbered level-1 headings, the one without a number is the title.
        let y = yaml_of("# Riktlinje\n\n# 1. Allmänt\n\nText.\n\n# 2. Ansökan\n\nText.\n");
        assert!(y.contains("title: \"Riktlinje\""), "{y}");
        assert_eq!(y.matches("heading:").count(), 2, "{y}");
        // Several level-1 headings alike: sections, and the title is to fill in.
        let y = yaml_of("# Allmänt\n\nText.\n\n# Ansökan\n\nText.\n");
        assert!(y.contains("title:   # TODO"), "{y}");
        assert_eq!(y.matches("heading:").count(), 2, "{y}");
        // Text before it: the cover's first paragraph is the title, as before.
        let y = yaml_of("Riktlinje\n\n# Allmänt\n\nText.\n");
        assert!(y.contains("title: \"Riktlinje\""), "{y}");
        assert!(y.contains("heading: \"Allmänt\""), "{y}");
    }

    #[test]
    fn setext_headings_and_front_matter() {
        let y = yaml_of(
            "Riktlinje för\nhemtjänst\n=========\n\nUtgivare: Nämnden\n\nAllmänt\n-------\n\nText.\n",
        );
        assert!(y.contains("title: \"Riktlinje för hemtjänst\""), "{y}");
        assert!(y.contains("publisher: \"Nämnden\""), "{y}");
        assert!(y.contains("heading: \"Allmänt\""), "{y}");
        let i = import(
            "---\ntitle: Riktlinje\ndiarienummer: SN 1\nutgivare: Nämnden\nauthor: Anna Andersson\n---\n\n# Riktlinje\n\n# Allmänt\n\nText.\n",
            "x.md",
        )
        .unwrap();
        assert!(i.yaml.contains("title: \"Riktlinje\""), "{}", i.yaml);
        assert!(i.yaml.contains("dnr: \"SN 1\""), "{}", i.yaml);
        assert!(i.yaml.contains("publisher: \"Nämnden\""), "{}", i.yaml);
        assert_eq!(i.yaml.matches("heading:").count(), 1, "{}", i.yaml);
        let notes: Vec<String> = i
            .notes
            .iter()
            .map(|n| format!("{}: {}", n.line, n.message))
            .collect();
        assert_eq!(
            notes,
            [
                "5: not placed (front matter `author`, no field the importer knows): \"author: Anna Andersson\"",
                "8: skipped (the title again): the front matter gives the title",
            ]
        );
    }

    #[test]
    fn numbered_lists_escapes_and_word_formatting() {
        let y = yaml_of(
            "# T\n\n## Rubrik med \\*stjärna\\* &amp; <span id=\"_Toc1\" class=\"anchor\"></span>mer\n\n1. Ett.\n2. Två.\n\n- A\n\nm<sup>2</sup> och <u>under</u>.\n",
        );
        assert!(y.contains("heading: \"Rubrik med *stjärna* & mer\""), "{y}");
        assert!(
            y.contains("1. Ett.\n          2. Två.\n\n          - A\n\n          m² och under."),
            "{y}"
        );
    }

    /// Pieces of a Markdown guideline in every shape the importer reads, in any order.
    #[derive(Debug, Clone)]
    enum Piece {
        Blank,
        Atx(usize, usize),
        Setext(bool, usize),
        Para(Vec<usize>),
        Field(usize, usize),
        Bullet(usize),
        Ordered(u8, usize),
        Pipe(usize, usize),
        Html(usize, usize),
        Tabbed(usize),
        FootRef(u8, usize),
        FootDef(u8, usize, bool),
        Running,
    }

    const LABELS: &[&str] = &[
        "Diarienummer",
        "Utgivare",
        "Utgivningsdatum",
        "Dokumentet gäller till den",
        "Relaterade dokument",
        "Dokumentet ersätter",
        "Kontaktperson",
    ];
    const KEYS: &[&str] = &[
        "title",
        "subtitle",
        "author",
        "date",
        "diarienummer",
        "utgivare",
        "abstract",
    ];

    fn piece() -> impl proptest::strategy::Strategy<Value = Piece> {
        use proptest::prelude::*;
        prop_oneof![
            Just(Piece::Blank),
            Just(Piece::Blank),
            (1..5usize, 1..4usize).prop_map(|(l, n)| Piece::Atx(l, n)),
            (any::<bool>(), 1..4usize).prop_map(|(a, n)| Piece::Setext(a, n)),
            proptest::collection::vec(1..5usize, 1..3).prop_map(Piece::Para),
            (0..LABELS.len(), 0..3usize).prop_map(|(l, n)| Piece::Field(l, n)),
            (1..4usize).prop_map(Piece::Bullet),
            (1..12u8, 1..4usize).prop_map(|(k, n)| Piece::Ordered(k, n)),
            (1..4usize, 1..4usize).prop_map(|(r, c)| Piece::Pipe(r, c)),
            (1..4usize, 1..4usize).prop_map(|(r, c)| Piece::Html(r, c)),
            (1..3usize).prop_map(Piece::Tabbed),
            (0..3u8, 1..3usize).prop_map(|(l, n)| Piece::FootRef(l, n)),
            (0..3u8, 1..3usize, any::<bool>()).prop_map(|(l, n, b)| Piece::FootDef(l, n, b)),
            Just(Piece::Running),
        ]
    }

    /// Numbered words, `zq1x zq2x …`: each occurs once in the source, and none is a
    /// part of another.
    #[derive(Default)]
    struct Words(Vec<String>);

    impl Words {
        fn take(&mut self, n: usize) -> String {
            (0..n)
                .map(|_| {
                    let w = format!("zq{}x", self.0.len() + 1);
                    self.0.push(w.clone());
                    w
                })
                .collect::<Vec<_>>()
                .join(" ")
        }
    }

    fn render(front: Option<&[(usize, usize, bool)]>, pieces: &[Piece]) -> (String, Vec<String>) {
        let mut w = Words::default();
        let mut out = String::new();
        if let Some(keys) = front {
            out.push_str("---\n");
            for &(k, n, list) in keys {
                if list {
                    out.push_str(&format!(
                        "{}:\n  - {}\n  - {}\n",
                        KEYS[k],
                        w.take(n),
                        w.take(1)
                    ));
                } else {
                    out.push_str(&format!("{}: {}\n", KEYS[k], w.take(n)));
                }
            }
            out.push_str("---\n");
        }
        for p in pieces {
            let text = match p {
                Piece::Blank => String::new(),
                Piece::Atx(l, n) => format!("{} {}", "#".repeat(*l), w.take(*n)),
                Piece::Setext(one, n) => {
                    format!("{}\n{}", w.take(*n), if *one { "=====" } else { "-----" })
                }
                Piece::Para(lines) => lines
                    .iter()
                    .map(|n| w.take(*n))
                    .collect::<Vec<_>>()
                    .join("\n"),
                Piece::Field(l, n) => format!("{}: {}", LABELS[*l], w.take(*n)),
                Piece::Bullet(n) => format!("- {}", w.take(*n)),
                Piece::Ordered(k, n) => format!("{k}. {}", w.take(*n)),
                Piece::Pipe(r, c) => {
                    let mut rows = vec![format!(
                        "| {} |",
                        (0..*c).map(|_| w.take(1)).collect::<Vec<_>>().join(" | ")
                    )];
                    rows.push(format!("|{}", "---|".repeat(*c)));
                    for _ in 1..*r {
                        rows.push(format!(
                            "| {} |",
                            (0..*c).map(|_| w.take(1)).collect::<Vec<_>>().join(" | ")
                        ));
                    }
                    rows.join("\n")
                }
                Piece::Html(r, c) => {
                    let mut s = String::from("<table>\n<caption>");
                    s.push_str(&w.take(1));
                    s.push_str("</caption>\n");
                    for _ in 0..*r {
                        s.push_str("<tr>\n");
                        for _ in 0..*c {
                            s.push_str(&format!(
                                "<td><p>{}</p>\n<p>{}</p></td>\n",
                                w.take(1),
                                w.take(1)
                            ));
                        }
                        s.push_str("</tr>\n");
                    }
                    s.push_str("</table>");
                    s
                }
                Piece::Tabbed(n) => format!("\t{}", w.take(*n)),
                Piece::FootRef(l, n) => format!("{}[^f{l}] {}", w.take(*n), w.take(1)),
                Piece::FootDef(l, n, second) => {
                    let mut s = format!("[^f{l}]: {}", w.take(*n));
                    if *second {
                        s.push_str(&format!("\n\n    {}", w.take(1)));
                    }
                    s
                }
                Piece::Running => "6 (10)".to_string(),
            };
            out.push_str(&text);
            out.push('\n');
        }
        (out, w.0)
    }

    proptest::proptest! {
        /// Whatever the shape (a `# Titel`, a Setext title, front matter, a first
        /// paragraph; fields, sections, lists, tables, footnotes, in any order), every
        /// word of the source is in the YAML or in the report.
        #[test]
        fn every_word_lands_in_the_yaml_or_the_report(
            front in proptest::option::of(proptest::collection::vec(
                (0..KEYS.len(), 1..3usize, proptest::bool::weighted(0.2)), 0..4)),
            pieces in proptest::collection::vec(piece(), 0..30),
        ) {
            let (src, words) = render(front.as_deref(), &pieces);
            let all = everything(&src);
            for w in &words {
                proptest::prop_assert!(all.contains(w.as_str()), "{w} lost from:\n{src}\n---\n{all}");
            }
        }
    }

    /// A text saved with CRLF (Windows) or lone CR (old Mac) line ends imports as the
    /// same YAML with the same line numbers in its report as one with LF.
    #[test]
    fn every_line_ending_imports_the_same() {
        let lf = "# Riktlinje för stöd\n\nDnr: SN 2025/1\n\n## 1. Inledning\n\nText.\n\n| a | b\n\n## 3. Sist\n\nSlut.\n";
        let want = import(lf, "x.md").unwrap();
        assert!(!want.notes.is_empty(), "the fixture should give notes");
        for text in [lf.replace('\n', "\r\n"), lf.replace('\n', "\r")] {
            let got = import(&text, "x.md").unwrap();
            assert_eq!(got.yaml, want.yaml, "{text:?}");
            let lines = |i: &Imported| -> Vec<(usize, String)> {
                i.notes
                    .iter()
                    .map(|n| (n.line, n.message.clone()))
                    .collect()
            };
            assert_eq!(lines(&got), lines(&want), "{text:?}");
        }
        let e = import("a\rb\r\0", "x.md").unwrap_err();
        assert_eq!(e.line, 3);
    }

    proptest::proptest! {
        /// Whatever the text, the import ends without a panic.
        #[test]
        fn never_panics(lines in proptest::collection::vec(
            "[ \t#·•|*0-9.a-zåäöA-Z:<>^\\[\\]()=/&;_\\\\-]{0,24}", 0..40)) {
            let src = lines.join("\n");
            let _ = import(&src, "x.md");
        }
    }
}
