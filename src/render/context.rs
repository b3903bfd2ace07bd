//! The data every template receives: one serialisable type, documented in
//! docs/templates.md, so a municipality can restyle without reading Rust.
//!
//! Fields named `body`, `notice` and footnote `body` are pre-rendered for the
//! back end the template belongs to (HTML for `.html`, Typst for `.typ`) and are
//! inserted with `| safe`; every other string is plain text and is escaped.

use serde::Serialize;

use crate::model::{Policy, Version};
use crate::render::body::{Piece, Resolver};
use crate::render::{html, typst};

/// Which back end a context is prepared for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `.html` templates; `pdf`: whether the PDF is published next to the page.
    Html {
        /// The PDF is (or stays) next to the page, so the page may link to it.
        pdf: bool,
    },
    /// `.typ` templates.
    Typst,
}

/// Everything a document template can use.
#[derive(Debug, Serialize)]
pub struct DocumentContext {
    /// Metadata of the document version.
    pub document: DocumentMeta,
    /// Every section, depth first, with its level (1 = top).
    pub sections: Vec<SectionContext>,
    /// Footnotes, numbered across the document (HTML lists them; Typst places them itself).
    pub footnotes: Vec<FootnoteContext>,
    /// The interventions and their criteria, for summaries.
    pub interventions: Vec<InterventionContext>,
    /// `styrdok <version>`.
    pub generator: String,
}

/// Metadata of one document version; dates are `YYYY-MM-DD`.
#[derive(Debug, Serialize)]
pub struct DocumentMeta {
    /// Folder name under `policy/`.
    pub id: String,
    /// Version label.
    pub version: String,
    /// `riktlinje` or `tillämpningsanvisning`.
    pub kind: &'static str,
    /// `Riktlinje` or `Tillämpningsanvisning`, for headings.
    pub kind_label: &'static str,
    /// Title (cover, running header, `<title>`).
    pub title: String,
    /// Line under the title, if any.
    pub subtitle: Option<String>,
    /// The title as the title page prints it (the title itself when not given).
    pub title_page_title: String,
    /// Diarienummer.
    pub dnr: Option<String>,
    /// Utgivningsdatum.
    pub issued: String,
    /// Utgivare.
    pub publisher: String,
    /// Kontaktperson.
    pub contact: String,
    /// Beslutad av.
    pub decided_by: Option<String>,
    /// Beslutsdatum.
    pub decision_date: Option<String>,
    /// Giltig från.
    pub valid_from: String,
    /// Giltig till.
    pub valid_until: Option<String>,
    /// The first-page notice, pre-rendered (use `| safe`).
    pub notice: Option<String>,
    /// For an anvisning: the riktlinje it applies.
    pub applies_to: Option<AppliedContext>,
    /// `sha256:…` of the sources this version was built from.
    pub content_hash: String,
    /// File name of the PDF next to the HTML page.
    pub pdf_file: String,
    /// Whether that PDF is published (not after `build --html-only` on a fresh folder).
    pub pdf: bool,
    /// File name of the HTML page.
    pub html_file: String,
}

/// The riktlinje an anvisning applies.
#[derive(Debug, Serialize)]
pub struct AppliedContext {
    /// Its document id.
    pub id: String,
    /// Its version label.
    pub version: String,
    /// Its title.
    pub title: String,
}

/// One section.
#[derive(Debug, Serialize)]
pub struct SectionContext {
    /// Stable id: the HTML anchor and Typst label.
    pub id: String,
    /// 1 for a top-level section.
    pub level: usize,
    /// The heading, plain text.
    pub heading: String,
    /// Printed before the table of contents.
    pub front: bool,
    /// Where the section is written, `file:line:column` (for messages and comments).
    pub source: String,
    /// The content, pre-rendered (use `| safe`).
    pub body: String,
}

/// One footnote.
#[derive(Debug, Serialize)]
pub struct FootnoteContext {
    /// Its number.
    pub number: usize,
    /// Its content, pre-rendered (use `| safe`).
    pub body: String,
}

/// One intervention.
#[derive(Debug, Serialize)]
pub struct InterventionContext {
    /// Stable id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Target group.
    pub target_group: String,
    /// Legal basis.
    pub legal_basis: String,
    /// Normal period in Swedish (`2 år`, `4 månader`), if stated.
    pub duration: Option<String>,
    /// Criterion ids, in order.
    pub criteria: Vec<String>,
}

/// Builds the context of one version for one back end.
pub fn document(
    policy: &Policy,
    doc_id: &str,
    v: &Version,
    content_hash: &str,
    backend: Backend,
) -> DocumentContext {
    let mut r = Resolver::new(policy, v);
    // Everything is resolved first, so that the footnotes are complete, then written
    // in the order the templates print it: notice, front matter, the rest.
    let notice = v
        .notice
        .as_ref()
        .map(|n| vec![Piece::Prose(r.blocks(&n.value))]);
    let flat = v.sections_flat();
    // A subsection of a front section is front matter too.
    let mut front_at: Option<usize> = None;
    let flat: Vec<_> = flat
        .into_iter()
        .map(|(level, s)| {
            if front_at.is_some_and(|l| level <= l) {
                front_at = None;
            }
            if s.front && front_at.is_none() {
                front_at = Some(level);
            }
            (level, s, front_at.is_some())
        })
        .collect();
    // Printing order: front matter first. Footnotes are numbered in the order they
    // are resolved, so resolving and writing both follow it.
    let (mut order, rest): (Vec<usize>, Vec<usize>) = (0..flat.len()).partition(|&k| flat[k].2);
    order.extend(rest);
    let mut pieces: Vec<Vec<Piece>> = std::iter::repeat_with(Vec::new).take(flat.len()).collect();
    for &k in &order {
        pieces[k] = r.body(&flat[k].1.body);
    }
    let mut w = BodyWriter::new(backend, &r.notes);
    let notice = notice.map(|p| w.pieces(&p));
    let mut bodies = vec![String::new(); flat.len()];
    for &k in &order {
        bodies[k] = w.pieces(&pieces[k]);
    }
    let sections = flat
        .into_iter()
        .zip(bodies)
        .map(|((level, s, front), body)| SectionContext {
            id: s.id.value.clone(),
            level,
            heading: s.heading.value.clone(),
            front,
            source: policy.sources.locate(s.id.span),
            body,
        })
        .collect();
    // The HTML lists the footnotes at the end, written by the same writer as the
    // bodies (so that the ids of references inside footnotes stay unique); in Typst
    // each footnote is already inside the body that refers to it.
    let footnotes = match &mut w {
        BodyWriter::Html(w) => r
            .notes
            .items
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let mut body = String::new();
                w.blocks(b, &mut body);
                FootnoteContext {
                    number: i + 1,
                    body,
                }
            })
            .collect(),
        BodyWriter::Typst(_) => Vec::new(),
    };
    let applies_to = policy.applied(v).map(|(d, a)| AppliedContext {
        id: d.id.clone(),
        version: a.version.value.clone(),
        title: a.title.value.clone(),
    });
    let base = format!("{doc_id}-{}", v.version.value);
    DocumentContext {
        document: DocumentMeta {
            id: doc_id.to_string(),
            version: v.version.value.clone(),
            kind: v.kind.value.as_str(),
            kind_label: v.kind.value.label(),
            title: v.title.value.clone(),
            subtitle: v.subtitle.as_ref().map(|s| s.value.clone()),
            title_page_title: v
                .title_page_title
                .as_ref()
                .unwrap_or(&v.title)
                .value
                .clone(),
            dnr: v.dnr.as_ref().map(|s| s.value.clone()),
            issued: v.issued.value.to_string(),
            publisher: v.publisher.value.clone(),
            contact: v.contact.value.clone(),
            decided_by: v.decided_by.as_ref().map(|s| s.value.clone()),
            decision_date: v.decision_date.as_ref().map(|d| d.value.to_string()),
            valid_from: v.valid_from.value.to_string(),
            valid_until: v.valid_until.as_ref().map(|d| d.value.to_string()),
            notice,
            applies_to,
            content_hash: content_hash.to_string(),
            pdf_file: format!("{base}.pdf"),
            pdf: match backend {
                Backend::Html { pdf } => pdf,
                Backend::Typst => true,
            },
            html_file: format!("{base}.html"),
        },
        sections,
        footnotes,
        interventions: v
            .interventions
            .iter()
            .map(|i| InterventionContext {
                id: i.id.value.clone(),
                name: i.name.value.clone(),
                target_group: i.target_group.value.clone(),
                legal_basis: i.legal_basis.value.clone(),
                duration: i
                    .duration
                    .as_ref()
                    .map(|d| crate::sv::duration(d.years, d.months)),
                criteria: i.criteria.iter().map(|c| c.value.clone()).collect(),
            })
            .collect(),
        generator: format!("styrdok {}", env!("CARGO_PKG_VERSION")),
    }
}

/// One document's writer for its back end.
enum BodyWriter<'a> {
    Html(html::Writer),
    Typst(typst::Writer<'a>),
}

impl<'a> BodyWriter<'a> {
    fn new(backend: Backend, notes: &'a crate::markdown::Footnotes) -> Self {
        match backend {
            Backend::Html { .. } => BodyWriter::Html(html::Writer::new()),
            Backend::Typst => BodyWriter::Typst(typst::Writer::new(notes)),
        }
    }

    fn pieces(&mut self, pieces: &[Piece]) -> String {
        let mut s = String::new();
        match self {
            BodyWriter::Html(w) => w.pieces(pieces, &mut s),
            BodyWriter::Typst(w) => w.pieces(pieces, &mut s),
        }
        s
    }
}
