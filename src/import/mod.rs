//! `styrdok import`: an existing guideline in Markdown, or in plain text converted from
//! Word or PDF, turned into the YAML skeleton of one version file.
//!
//! One pass over the lines, in three regions: the cover (everything before the first
//! heading: the title and the labelled fields `Diarienummer:` …), a table of contents
//! (lines that end in page numbers; skipped), and the body (headings, numbered
//! `2.6.1 Minimibelopp` or Markdown `## …`, and under each its paragraphs, lists, tables
//! and footnotes). Page furniture (page numbers, running headers, image placeholders) is
//! skipped. Everything skipped or not placed is reported with its line in the source.
//!
//! The YAML is written by [`yaml`], which quotes every string the source supplied.

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
    Para { line: usize, text: String },
    List { items: Vec<(usize, String)> },
    Table { rows: Vec<String> },
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
    subtitle: Option<String>,
    fields: BTreeMap<&'static str, (usize, String)>,
}

/// Imports `source` (Markdown or plain text); `name` is the file's name for the header
/// comment.
pub fn import(source: &str, name: &str) -> Result<Imported, ImportError> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    if let Some(at) = source.find('\0') {
        return Err(ImportError {
            line: source[..at].matches('\n').count() + 1,
            message: "a NUL byte: this is not a text file".into(),
        });
    }
    let lines: Vec<&str> = source.lines().collect();
    let mut p = Parser {
        lines: &lines,
        notes: Vec::new(),
        cover: Cover::default(),
        cover_paras: Vec::new(),
        sections: Vec::new(),
        footnotes: BTreeMap::new(),
        numbered: false,
        md_headings: lines.iter().any(|l| atx(l.trim_start()).is_some()),
    };
    p.run();
    Ok(p.finish(name))
}

struct Parser<'a> {
    lines: &'a [&'a str],
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

    fn run(&mut self) {
        let mut in_toc = false;
        let mut toc_start = 0;
        let mut cover_para: Option<(usize, Vec<String>)> = None;
        let mut tab: Option<TabTable> = None;
        let mut last_footnote: Option<String> = None;
        let mut open = false; // whether the last item of the current section is open
        let mut expected: Vec<u32> = Vec::new();
        for (i, raw) in self.lines.iter().enumerate() {
            let n = i + 1;
            let orig = raw.replace('\u{c}', "");
            let raw = orig.trim_end();
            let t = raw.trim_start();
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
                last_footnote = None;
                continue;
            }
            if in_toc {
                if is_toc_line(t) {
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
            let heading = heading(raw, t, self.md_headings);
            if let Some(h) = &heading {
                if is_toc_title(&h.text) {
                    in_toc = true;
                    toc_start = n;
                    continue;
                }
            } else if is_toc_title(&strip_emphasis(t))
                || (self.sections.is_empty() && is_toc_line(t) && !is_field(t))
            {
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
                    if let Some(para) = cover_para.take() {
                        self.cover_paras.push(para);
                    }
                    if self.cover.fields.contains_key(key) {
                        self.note(n, format!("`{key}` given a second time; the first is kept"));
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
            if let Some(item) = bullet(t) {
                match sec.items.last_mut() {
                    Some(Item::List { items }) => items.push((n, item)),
                    _ => sec.items.push(Item::List {
                        items: vec![(n, item)],
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
                    if let Some((_, last)) = items.last_mut() {
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

    /// A table of Word cells becomes a Markdown table when its rows have the same
    /// number of cells; otherwise its cells become paragraphs, one per row.
    fn end_tab_table(&mut self, mut tt: TabTable) {
        if !tt.row.is_empty() {
            let row = std::mem::take(&mut tt.row);
            tt.rows.push(row);
        }
        let width = tt.rows.first().map_or(0, Vec::len);
        let Some(sec) = self.sections.last_mut() else {
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

    fn finish(mut self, name: &str) -> Imported {
        // The title: the cover's first paragraph; a short last line with a year is the
        // subtitle (`Maj 2022`), else a short one-line paragraph right after it.
        let mut paras = std::mem::take(&mut self.cover_paras).into_iter().peekable();
        if let Some((_, lines)) = paras.next() {
            let mut lines: Vec<String> = lines.iter().map(|l| strip_emphasis(l)).collect();
            if lines.len() >= 2 {
                let last = lines.last().map(|l| normalise(l)).unwrap_or_default();
                if last.chars().count() <= 40 && has_year(&last) {
                    lines.pop();
                    self.cover.subtitle = Some(last);
                }
            }
            self.cover.title = Some(normalise(&lines.join(" ")));
            if self.cover.subtitle.is_none() {
                if let Some((_, next)) = paras.peek() {
                    if next.len() == 1 && next[0].chars().count() <= 60 {
                        self.cover.subtitle = Some(normalise(&strip_emphasis(&next[0])));
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
                            out.extend(items.iter().map(|(l, t)| (*l, normalise(t))));
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
            return;
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
                        .map(|(_, t)| format!("- {t}"))
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
        for (label, (line, _)) in &self.footnotes {
            if !used.contains(label) {
                self.notes.push(Note {
                    line: *line,
                    message: format!("footnote {label} is referred to nowhere: not placed"),
                });
            }
        }
        // Nest by level: each section goes under the nearest one before it with a
        // lower level.
        let mut ids = HashSet::new();
        let levels: Vec<usize> = self.sections.iter().map(|s| s.level).collect();
        out.push_str("sections:\n");
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
/// or is a table row (a Markdown table of contents).
fn is_toc_line(t: &str) -> bool {
    if t.starts_with('|') {
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

fn heading(raw: &str, t: &str, md_headings: bool) -> Option<Heading> {
    if t.starts_with('#') {
        if let Some((hashes, text)) = atx(t) {
            let text = strip_emphasis(text);
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
    }

    #[test]
    fn furniture_and_toc() {
        assert_eq!(furniture("6 (10)"), Some("page number"));
        assert_eq!(furniture("image1.emf"), Some("image placeholder"));
        assert!(furniture("Text 6").is_none());
        assert!(is_toc_line("2.6.1 Minimibelopp\t6"));
        assert!(!is_toc_line("Minimibelopp 2025"));
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Förbehållsbelopp"), "forbehallsbelopp");
        assert_eq!(slug("key: value #x"), "key-value-x");
        assert_eq!(slug("???"), "avsnitt");
    }

    proptest::proptest! {
        /// Whatever the text, the import ends without a panic.
        #[test]
        fn never_panics(lines in proptest::collection::vec(
            "[ \t#·•|*0-9.a-zåäöA-Z:<>^\\[\\]()-]{0,24}", 0..40)) {
            let src = lines.join("\n");
            let _ = import(&src, "x.md");
        }
    }
}
