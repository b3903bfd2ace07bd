//! The diagnostics in the preview: a panel that quotes each one's source lines as the
//! terminal report does ([`crate::diag::render_snippet`]), and, in a version's page, a
//! marker beside the element that the diagnostic's YAML line belongs to, linking to the
//! panel entry and back.
//!
//! The element is worked out from the model, not from the HTML: every item keeps the
//! spans of its values, so an item's lines (from its first value to its last) are known,
//! and the innermost item whose lines hold the diagnostic's first line wins (a criterion
//! inside the `criteria:` list, a block inside a section's `body:`, the section itself).
//! Each item has an anchor in the published page (a section's heading `id`, a
//! criterion's `id`, a criteria list's `data-insats`, `begrepp.<id>` …); a block of a
//! section body, which has none, is found by where it begins in the section's rendered
//! body ([`crate::render::context::SectionContext::blocks`]). The published files are
//! never changed: the markers are added to the page as it is served. A diagnostic whose
//! line belongs to no rendered element (a cover field, facts.yaml) is in the panel only.
//!
//! Everything from the policy (messages, quoted lines, ids) goes through
//! [`escape`]; the ids the panel and markers add are numbers.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::model::{self, Policy, Version};
use crate::render::SectionBody;
use crate::render::html::{escape, escaped};
use crate::source::{FileId, Span};

/// A version's page, by document id and version label.
pub(super) type PageKey = (String, String);

/// The sections of each version's page as the last good build wrote them
/// ([`crate::publish::Report::sections`]).
pub(super) type Pages = HashMap<PageKey, Vec<SectionBody>>;

/// Where in a published page an element is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    /// The element with this attribute, written as in the page: `id="x"`, `data-insats="x"`.
    Attribute(String),
    /// A block of a section's body: the body as rendered and where the block begins in
    /// it; found after the heading `id="section"`.
    Block {
        /// The section's id.
        section: String,
        /// Its rendered body.
        body: Arc<str>,
        /// Where the block begins in `body`, in bytes.
        offset: usize,
    },
}

/// One diagnostic in the panel.
#[derive(Debug)]
struct Entry {
    severity: Severity,
    /// `Fel 1`, `Varning 2`: its name on the panel and on its markers.
    name: String,
    /// The place, code and message, escaped.
    summary: String,
    /// The message alone (a marker's accessible name), escaped.
    message: String,
    /// The quoted source lines with the span marked, escaped ([`crate::diag::render_snippet`]).
    snippet: String,
    /// The span's column (1-based, in characters): a long line is scrolled to it.
    column: usize,
}

/// What the pages show about the latest build: the panel's entries and, per version
/// page, where each diagnostic that belongs to an element of it is marked.
#[derive(Debug, Default)]
pub(super) struct Report {
    /// The panel's first paragraph: the counts, or why nothing could be built. Empty
    /// when there is nothing to show.
    head: String,
    entries: Vec<Entry>,
    /// For a version's page: each diagnostic (index into `entries`) that belongs to one
    /// of its elements, with the places to look for it, innermost first.
    places: HashMap<PageKey, Vec<(usize, Vec<Place>)>>,
}

impl Report {
    /// A build that failed outside the policy (a template, the disk): the message alone.
    pub(super) fn failed(message: &str) -> Report {
        let mut head = String::from(
            "<p><strong>Förhandsvisningen kunde inte byggas.</strong> Det senaste fungerande bygget visas nedan.</p><pre>",
        );
        escape(message, &mut head);
        head.push_str("</pre>");
        Report {
            head,
            ..Report::default()
        }
    }

    /// The diagnostics of a check of `policy`, each placed in the pages of its version.
    /// `kept`: nothing was rebuilt (errors), the pages are the last good build. `pages`:
    /// the sections of the pages served, where a block of a section is looked for (a
    /// block not found there is marked at its section's heading).
    pub(super) fn new(policy: &Policy, diags: &Diagnostics, kept: bool, pages: &Pages) -> Report {
        if diags.is_empty() {
            return Report::default();
        }
        let (e, w) = (diags.count(Severity::Error), diags.count(Severity::Warning));
        let mut head = format!("<p><strong>{e} fel, {w} varningar.</strong>");
        if kept {
            head.push_str(" Det senaste fungerande bygget visas nedan.");
        }
        head.push_str("</p>");
        let entries = diags
            .iter()
            .enumerate()
            .map(|(k, d)| entry(policy, k, d))
            .collect();
        Report {
            head,
            entries,
            places: places(policy, diags, pages),
        }
    }

    /// Whether there is nothing to show (a clean policy).
    pub(super) fn is_empty(&self) -> bool {
        self.head.is_empty()
    }

    /// `page` with a marker beside each element of it that a diagnostic belongs to (when
    /// it is the page of version `key`), and the panel, whose entries link to their
    /// markers; the panel is empty when there is nothing to show.
    pub(super) fn mark(&self, page: &str, key: Option<&PageKey>) -> (String, String) {
        if self.is_empty() {
            return (page.to_string(), String::new());
        }
        // (where, before an element rather than inside it, diagnostic)
        let mut marks: Vec<(usize, bool, usize)> = key
            .and_then(|k| self.places.get(k))
            .into_iter()
            .flatten()
            .filter_map(|(k, places)| {
                places
                    .iter()
                    .find_map(|p| find(page, p))
                    .map(|(at, before)| (at, before, *k))
            })
            .collect();
        marks.sort_unstable();
        let mut marked = String::with_capacity(page.len() + marks.len() * 300);
        let mut from = 0;
        for group in marks.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
            let (at, before, _) = group[0];
            marked.push_str(&page[from..at]);
            from = at;
            if before {
                marked.push_str("<div class=\"styrdok-markeringar\">");
            }
            for &(_, _, k) in group {
                self.marker(k, &mut marked);
            }
            marked.push_str(if before { "</div>" } else { " " });
        }
        marked.push_str(&page[from..]);
        let shown: Vec<usize> = marks.iter().map(|m| m.2).collect();
        (marked, self.panel(&shown))
    }

    fn marker(&self, k: usize, out: &mut String) {
        let e = &self.entries[k];
        let (class, icon) = icon(e.severity);
        let _ = write!(
            out,
            "<a class=\"styrdok-markering {class}\" id=\"styrdok-markering-{n}\" href=\"#styrdok-diag-{n}\"><span aria-hidden=\"true\">{icon} </span>{name}<span class=\"styrdok-dold\" lang=\"en\">: {message}</span></a>",
            n = k + 1,
            name = e.name,
            message = e.message,
        );
    }

    /// The panel: a region with a heading, the counts, and each diagnostic with its
    /// quoted lines; `shown` are those marked in the page.
    fn panel(&self, shown: &[usize]) -> String {
        let mut html = String::from(concat!(
            "<section id=\"styrdok-diagnostics\" aria-labelledby=\"styrdok-diagnostics-rubrik\">",
            "<style>",
            "#styrdok-diagnostics{font:14px/1.4 system-ui,sans-serif;background:#fff4e5;color:#222;border-bottom:3px solid #a04800;padding:.5em 1em;margin:0}",
            "#styrdok-diagnostics h2{font-size:1.1em;margin:.2em 0}",
            "#styrdok-diagnostics ol{list-style:none;padding:0;margin:.5em 0;max-height:45vh;overflow:auto}",
            "#styrdok-diagnostics li{border-left:4px solid #a04800;padding:.2em .6em;margin:.4em 0;background:#fff}",
            "#styrdok-diagnostics li.error{border-left-color:#b00020}",
            "#styrdok-diagnostics li:target{outline:3px solid #1a4fa0}",
            "#styrdok-diagnostics p{margin:.2em 0}",
            "#styrdok-diagnostics pre{font:12px/1.3 ui-monospace,monospace;overflow-x:auto;margin:.3em 0;padding:.3em;background:#f6f6f6;color:#222}",
            ".styrdok-markering{display:inline-block;font:bold 13px/1.3 system-ui,sans-serif;color:#222;background:#fff4e5;border:2px solid #a04800;border-radius:3px;padding:0 .35em;margin:0 .3em .2em 0;text-decoration:underline}",
            ".styrdok-markering.error{border-color:#b00020;background:#fde8eb}",
            ".styrdok-markering:target,.styrdok-markering:focus{outline:3px solid #1a4fa0}",
            ".styrdok-dold{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
            "</style>",
            "<h2 id=\"styrdok-diagnostics-rubrik\">Granskning (styrdok serve)</h2>",
        ));
        html.push_str(&self.head);
        if !self.entries.is_empty() {
            // Focusable, so that a keyboard can scroll a long list.
            html.push_str("<ol tabindex=\"0\" aria-label=\"Fel och varningar\">");
        }
        for (k, e) in self.entries.iter().enumerate() {
            let (class, icon) = icon(e.severity);
            let _ = write!(
                html,
                "<li id=\"styrdok-diag-{n}\" class=\"{class}\"><p><strong><span aria-hidden=\"true\">{icon} </span>{name}</strong> {summary}",
                n = k + 1,
                name = e.name,
                summary = e.summary,
            );
            if shown.contains(&k) {
                let _ = write!(
                    html,
                    " <a href=\"#styrdok-markering-{}\">Visa i texten</a>",
                    k + 1
                );
            }
            html.push_str("</p>");
            if !e.snippet.is_empty() {
                let _ = write!(
                    html,
                    "<pre data-kolumn=\"{}\">{}</pre>",
                    e.column, e.snippet
                );
            }
            html.push_str("</li>");
        }
        if !self.entries.is_empty() {
            // A paragraph is one long YAML line: each quote is scrolled sideways so that
            // its underlined span is in view (the gutter is about 8 characters).
            html.push_str(concat!(
                "</ol><script>document.querySelectorAll(\"#styrdok-diagnostics pre[data-kolumn]\").forEach(function(p){",
                "var s=document.createElement(\"span\");s.textContent=\"0000000000\";p.appendChild(s);",
                "var w=s.getBoundingClientRect().width/10;p.removeChild(s);",
                "p.scrollLeft=Math.max(0,(Number(p.dataset.kolumn)+8)*w-p.clientWidth/2);});</script>",
            ));
        }
        html.push_str("</section>");
        html
    }
}

/// The class and the symbol that tell an error from a warning besides its colour (the
/// word `Fel` or `Varning` says it too).
fn icon(s: Severity) -> (&'static str, &'static str) {
    match s {
        Severity::Error => ("error", "✖"),
        Severity::Warning => ("warning", "⚠"),
    }
}

fn entry(policy: &Policy, k: usize, d: &Diagnostic) -> Entry {
    let word = match d.severity {
        Severity::Error => "Fel",
        Severity::Warning => "Varning",
    };
    let message = escaped(&d.message);
    let mut summary = String::from("<code>");
    escape(&policy.sources.locate(d.span), &mut summary);
    let _ = write!(summary, "</code> <span lang=\"en\">[{}] {message}", d.code);
    summary.push_str("</span>");
    Entry {
        severity: d.severity,
        name: format!("{word} {}", k + 1),
        summary,
        message,
        snippet: escaped(&crate::diag::render_snippet(&policy.sources, d)),
        column: policy
            .sources
            .get(d.span.file)
            .line_col(d.span.start as usize)
            .1,
    }
}

/// Where `place` is in `page`: the byte to insert a marker at, and whether that is
/// before the element (a block: heading, paragraph, list) rather than just inside it
/// (a list item, a term, a span in running text).
fn find(page: &str, place: &Place) -> Option<(usize, bool)> {
    match place {
        Place::Attribute(attr) => {
            let at = page.find(&format!(" {attr}"))?;
            let open = page[..at].rfind('<')?;
            let end = at + page[at..].find('>')? + 1;
            let tag = page[open + 1..at]
                .split(|c: char| c.is_ascii_whitespace())
                .next()
                .unwrap_or("");
            let inside = matches!(tag, "li" | "dt" | "dd" | "span" | "td" | "th");
            Some(if inside { (end, false) } else { (open, true) })
        }
        Place::Block {
            section,
            body,
            offset,
        } => {
            let heading = page.find(&format!(" id=\"{}\"", escaped(section)))?;
            let start = heading + page[heading..].find(&**body)?;
            Some((start + offset, true))
        }
    }
}

/// An item of the YAML with a rendered element: its lines (first and last, 1-based),
/// its size in bytes (the smaller of two items that hold a line is the inner one) and
/// where its element is.
struct Target {
    file: FileId,
    lines: (usize, usize),
    bytes: u32,
    places: Vec<Place>,
}

/// Collects targets from the spans of one item's values.
struct Targets<'a> {
    policy: &'a Policy,
    out: Vec<Target>,
}

impl Targets<'_> {
    /// An item made of `spans` (in one file; spans elsewhere are left out), shown at
    /// `places`, innermost first.
    fn add<'s>(&mut self, spans: impl IntoIterator<Item = &'s Span>, places: Vec<Place>) {
        let mut spans = spans.into_iter();
        let Some(first) = spans.next() else {
            return;
        };
        let (file, mut start, mut end) = (first.file, first.start, first.end);
        for s in spans.filter(|s| s.file == file) {
            start = start.min(s.start);
            end = end.max(s.end);
        }
        let f = self.policy.sources.get(file);
        let first_line = f.line_col(start as usize).0;
        // A block scalar's span ends at the start of the line after it.
        let last_line = f.line_col(end.saturating_sub(1).max(start) as usize).0;
        self.out.push(Target {
            file,
            lines: (first_line, last_line.max(first_line)),
            bytes: end - start,
            places,
        });
    }
}

fn attribute(name: &str, value: &str) -> Place {
    Place::Attribute(format!("{name}=\"{}\"", escaped(value)))
}

fn id(value: &str) -> Place {
    attribute("id", value)
}

/// Every diagnostic of a version's file (or of the glossary, for the terms its page
/// lists), with where its element may be, innermost first.
fn places(
    policy: &Policy,
    diags: &Diagnostics,
    pages: &Pages,
) -> HashMap<PageKey, Vec<(usize, Vec<Place>)>> {
    let mut glossary = Targets {
        policy,
        out: Vec::new(),
    };
    for t in &policy.glossary.terms {
        let spans = [&t.id.span, &t.term.span, &t.definition.span]
            .into_iter()
            .chain(t.synonyms.iter().map(|s| &s.span))
            .chain(t.legal.iter().map(|s| &s.span))
            .chain(t.source.iter().map(|s| &s.span));
        glossary.add(
            spans,
            vec![id(&crate::render::body::term_anchor(&t.id.value))],
        );
    }
    let mut out = HashMap::new();
    for doc in &policy.documents {
        for v in &doc.versions {
            let mine = |d: &Diagnostic| {
                d.span.file == v.file || glossary.out.iter().any(|t| t.file == d.span.file)
            };
            if !diags.iter().any(mine) {
                continue;
            }
            let key = (doc.id.clone(), v.version.value.clone());
            let targets = version_targets(policy, v, pages.get(&key).map(Vec::as_slice));
            let mut marked = Vec::new();
            for (k, d) in diags.iter().enumerate() {
                let line = policy
                    .sources
                    .get(d.span.file)
                    .line_col(d.span.start as usize)
                    .0;
                let mut holding: Vec<&Target> = targets
                    .iter()
                    .chain(&glossary.out)
                    .filter(|t| t.file == d.span.file && t.lines.0 <= line && line <= t.lines.1)
                    .collect();
                holding.sort_by_key(|t| (t.lines.1 - t.lines.0, t.bytes));
                let mut places: Vec<Place> = Vec::new();
                for p in holding.into_iter().flat_map(|t| t.places.iter()) {
                    if !places.contains(p) {
                        places.push(p.clone());
                    }
                }
                if !places.is_empty() {
                    marked.push((k, places));
                }
            }
            if !marked.is_empty() {
                out.insert(key, marked);
            }
        }
    }
    out
}

/// The items of one version that its page shows, each with its element; `sections`:
/// the page's sections, as written.
fn version_targets(policy: &Policy, v: &Version, sections: Option<&[SectionBody]>) -> Vec<Target> {
    let mut t = Targets {
        policy,
        out: Vec::new(),
    };
    // Each section's rendered body and where its blocks begin, as the page has them.
    let bodies: HashMap<&str, (Arc<str>, &[usize])> = sections
        .unwrap_or_default()
        .iter()
        .map(|s| {
            (
                s.id.as_str(),
                (Arc::from(s.body.as_str()), s.blocks.as_slice()),
            )
        })
        .collect();
    if let Some(n) = &v.notice {
        t.add([&n.span], vec![attribute("class", "notis")]);
    }
    for (_, s) in v.sections_flat() {
        let section = id(&s.id.value);
        let mut all = vec![s.id.span, s.heading.span];
        for (k, b) in s.body.iter().enumerate() {
            let spans: Vec<Span> = match b {
                model::Block::Text(x) | model::Block::Criteria(x) | model::Block::Guidance(x) => {
                    vec![x.span]
                }
                model::Block::Paragraph(parts) => parts
                    .iter()
                    .flat_map(|p| match p {
                        model::Part::Text(x) | model::Part::Ref(x) => vec![x.span],
                        model::Part::Passage { id: pid, text } => {
                            t.add([&pid.span, &text.span], vec![id(&pid.value)]);
                            vec![pid.span, text.span]
                        }
                    })
                    .collect(),
            };
            let mut places = Vec::new();
            let block = bodies
                .get(s.id.value.as_str())
                .and_then(|(body, starts)| Some((body, *starts.get(k)?)));
            if let Some((body, offset)) = block {
                places.push(Place::Block {
                    section: s.id.value.clone(),
                    body: Arc::clone(body),
                    offset,
                });
            }
            places.push(section.clone());
            t.add(&spans, places);
            all.extend(spans);
        }
        t.add(&all, vec![section]);
    }
    for c in &v.criteria {
        let roles = c.kind.roles().map(|r| &r.span);
        t.add(
            [&c.id.span, &c.text.span, &c.rule.span]
                .into_iter()
                .chain(roles),
            vec![id(&c.id.value)],
        );
    }
    for i in &v.interventions {
        let mut spans = vec![i.id.span, i.name.span, i.target_group.span];
        spans.extend(i.legal_basis.iter().map(|x| x.span));
        spans.extend(i.procedure.iter().map(|x| x.span));
        spans.extend(i.criteria.iter().map(|x| x.span));
        spans.extend(i.duties.iter().map(|x| x.span));
        spans.extend(
            [&i.continues, &i.extension]
                .into_iter()
                .flatten()
                .map(|x| x.span),
        );
        spans.extend(i.appeal_under.iter().map(|x| x.span));
        spans.extend(
            i.duration
                .as_ref()
                .and_then(|d| d.basis.as_ref())
                .map(|b| b.span),
        );
        spans.extend(i.extent.level.iter().map(|x| x.span));
        spans.extend(i.extent.amounts.iter().map(|x| x.span));
        groups(&mut t, &i.id.value, &i.members);
        let mut places = vec![attribute("data-insats", &i.id.value)];
        places.extend(v.section_listing(&i.id.value).map(|s| id(&s.id.value)));
        t.add(&spans, places);
    }
    for d in &v.duties {
        let when = d.when.as_ref().map(|w| &w.span);
        t.add(
            [&d.id.span, &d.text.span].into_iter().chain(when),
            vec![id(&d.id.value)],
        );
    }
    for s in &v.procedure {
        t.add(
            [&s.id.span, &s.provision.span, &s.outcome.span, &s.text.span],
            vec![id(&s.id.value)],
        );
    }
    if let Some((_, riktlinje)) = policy.applied(v) {
        for g in &v.guidance {
            let places = riktlinje
                .interventions
                .iter()
                .filter(|i| i.criteria.iter().any(|c| c.value == g.criterion.value))
                .map(|i| id(&format!("underlag.{}.{}", i.id.value, g.criterion.value)))
                .collect();
            t.add([&g.criterion.span, &g.text.span], places);
        }
    }
    for l in &v.levels {
        let mut spans = vec![l.id.span, l.name.span];
        spans.extend(l.by.iter().map(|x| x.span));
        spans.extend(l.rows.iter().map(|r| r.span));
        t.add(&spans, l.basis.iter().map(|b| id(&b.value)).collect());
    }
    for a in &v.amounts {
        let mut spans = vec![a.id.span, a.name.span, a.unit.span];
        spans.extend(a.assumption.iter().map(|x| x.span));
        for c in &a.cases {
            spans.extend(c.when.iter().map(|x| x.span));
            spans.push(c.formula.span);
        }
        t.add(&spans, a.basis.iter().map(|b| id(&b.value)).collect());
    }
    t.out.retain(|x| !x.places.is_empty());
    t.out
}

/// The groups of an intervention's criteria, each shown where its sentence is listed.
fn groups(t: &mut Targets<'_>, intervention: &str, members: &[model::Member]) {
    for m in members {
        if let model::Member::Group(g) = m {
            let mut ids = Vec::new();
            g.members.iter().for_each(|m| m.criteria(&mut ids));
            let spans = [&g.id.span, &g.quantifier.span]
                .into_iter()
                .chain(g.text.as_ref().map(|x| &x.span))
                .chain(ids.into_iter().map(|x| &x.span));
            t.add(
                spans,
                vec![
                    id(&g.id.value),
                    id(&format!("{intervention}.{}", g.id.value)),
                ],
            );
            groups(t, intervention, &g.members);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(places: Vec<(usize, Vec<Place>)>) -> Report {
        let entry = |k: usize, severity| Entry {
            severity,
            name: format!("Varning {}", k + 1),
            summary: "<code>p/x.yaml:3:1</code> <span lang=\"en\">[x] a &lt;b&gt;</span>".into(),
            message: "a &lt;b&gt;".into(),
            snippet: "3 │ x".into(),
            column: 1,
        };
        let mut r = Report {
            head: "<p>2</p>".into(),
            entries: vec![entry(0, Severity::Warning), entry(1, Severity::Error)],
            places: HashMap::new(),
        };
        r.places.insert(("d".into(), "v".into()), places);
        r
    }

    /// A marker goes before a block element and inside a list item; the panel entry of a
    /// marked diagnostic links to its marker, the others do not.
    #[test]
    fn markers_go_beside_their_element_and_link_both_ways() {
        let page = "<body><h2 id=\"a\">A</h2>\n<p>x</p>\n<ul><li id=\"k.c\"><span id=\"c\"></span>C</li></ul></body>";
        let r = report(vec![(0, vec![id("nowhere"), id("a")]), (1, vec![id("c")])]);
        let key = ("d".to_string(), "v".to_string());
        let (marked, panel) = r.mark(page, Some(&key));
        assert!(
            marked.contains("<div class=\"styrdok-markeringar\"><a class=\"styrdok-markering warning\" id=\"styrdok-markering-1\" href=\"#styrdok-diag-1\">"),
            "{marked}"
        );
        assert!(marked.contains("</div><h2 id=\"a\">"), "{marked}");
        assert!(
            marked.contains(
                "<span id=\"c\"><a class=\"styrdok-markering error\" id=\"styrdok-markering-2\""
            ),
            "{marked}"
        );
        assert!(panel.contains("href=\"#styrdok-markering-1\">Visa i texten"));
        assert!(panel.contains("id=\"styrdok-diag-2\" class=\"error\""));
        // Another page: the panel without links to markers, the page as it was.
        let (other, panel) = r.mark(page, None);
        assert_eq!(other, page);
        assert!(!panel.contains("Visa i texten"));
        assert!(panel.contains("<pre data-kolumn=\"1\">3 │ x</pre>"));
    }

    #[test]
    fn a_block_is_found_in_its_sections_body() {
        let page = "<h2 id=\"s\">S</h2>\n<p>one</p>\n<p>two</p>\n</section>";
        let body: Arc<str> = Arc::from("<p>one</p>\n<p>two</p>\n");
        let block = Place::Block {
            section: "s".into(),
            body,
            offset: 11,
        };
        let (at, before) = find(page, &block).unwrap();
        assert!(before);
        assert!(page[at..].starts_with("<p>two</p>"));
        let missing = Place::Block {
            section: "s".into(),
            body: Arc::from("<p>three</p>"),
            offset: 0,
        };
        assert_eq!(find(page, &missing), None);
    }
}
