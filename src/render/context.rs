//! The data every template receives: one serialisable type, documented in
//! docs/templates.md, so a municipality can restyle without reading Rust.
//!
//! Fields named `body`, `notice` and footnote `body` are pre-rendered for the
//! back end the template belongs to (HTML for `.html`, Typst for `.typ`) and are
//! inserted with `| safe`; every other string is plain text and is escaped.

use serde::Serialize;

use jiff::civil::Date;

use crate::model::{Document, Policy, Status, Term, Version};
use crate::render::body::{Piece, Resolver};
use crate::render::{html, typst};

/// Which back end a context is prepared for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `.html` templates.
    Html,
    /// `.typ` templates.
    Typst,
}

/// A version's page relative to another version's page of the same document.
pub fn version_href(doc: &str, label: &str) -> String {
    format!("../{label}/{doc}-{label}.html")
}

/// `version 2022-05, Dnr 3.1.1-70/2022` or `VON 2021:00134`: what a version replaces.
fn replaces_text(doc: &Document, v: &Version) -> Option<String> {
    let r = v.replaces.as_ref()?;
    let mut parts = Vec::new();
    if let Some(t) = &r.title {
        parts.push(t.value.clone());
    }
    if let Some(label) = &r.version {
        parts.push(format!("version {}", label.value));
    }
    let dnr = r.dnr.as_ref().map(|d| d.value.clone()).or_else(|| {
        let label = r.version.as_ref()?;
        doc.version(&label.value)?
            .dnr
            .as_ref()
            .map(|d| d.value.clone())
    });
    if let Some(d) = dnr {
        parts.push(format!("Dnr {d}"));
    }
    Some(parts.join(", "))
}

fn link(doc: &Document, v: &Version) -> VersionLink {
    VersionLink {
        version: v.version.value.clone(),
        valid_from: v.valid_from.value.to_string(),
        href: version_href(&doc.id, &v.version.value),
    }
}

/// Where `v` stands on `date`, in words for its pages and the index.
pub fn status(doc: &Document, v: &Version, date: Date) -> StatusContext {
    let in_force = doc
        .version_on(date)
        .filter(|x| x.file != v.file)
        .map(|x| link(doc, x));
    let (code, text) = match doc.status_on(v, date) {
        Status::InForce => (
            "gäller",
            format!("Denna version gäller (uppgift per {date})."),
        ),
        Status::Upcoming => (
            "kommande",
            format!(
                "Denna version börjar gälla {} (uppgift per {date}).",
                v.valid_from.value
            ),
        ),
        Status::Replaced(by) => (
            "ersatt",
            format!(
                "Denna version är ersatt av version {} från {} (uppgift per {date}).",
                by.version.value, by.valid_from.value
            ),
        ),
        Status::Ended(until) => (
            "upphört",
            format!("Denna version upphörde att gälla {until} (uppgift per {date})."),
        ),
    };
    StatusContext {
        code,
        text,
        date: date.to_string(),
        in_force,
    }
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
    /// *Dokumenthistorik*: this version and those before it, oldest first.
    pub history: Vec<HistoryRow>,
    /// The appendix *Ändringar jämfört med föregående version*, when the build made one.
    pub changes: Option<ChangesContext>,
    /// The appendix *Begrepp*: the glossary terms the version's text names (as its
    /// content hash counts them, `identity::terms_used`), in Swedish alphabetical order.
    /// The first use of each in a section's prose links to `#begrepp.<id>`, so a
    /// template that prints the list gives each entry that anchor (HTML `id`, Typst label).
    pub glossary: Vec<TermContext>,
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
    /// Kontaktperson, when the source names one.
    pub contact: Option<String>,
    /// Beslutad av.
    pub decided_by: Option<String>,
    /// Beslutsdatum.
    pub decision_date: Option<String>,
    /// Giltig från.
    pub valid_from: String,
    /// Giltig till, as the version states it (`None`: tills vidare).
    pub valid_until: Option<String>,
    /// Giltig till as a reader needs it: the version's own end, or the day before a
    /// later version replaced it, or `tills vidare`.
    pub valid_until_text: String,
    /// Ersätter: what this version replaces, in words (`version 2022-05, Dnr …`).
    pub replaces: Option<String>,
    /// The published page of the version it replaces, when it is one of this document's.
    pub replaces_href: Option<String>,
    /// Ersatt av: the version that replaces this one, if the policy has it.
    pub replaced_by: Option<VersionLink>,
    /// Dokumentansvarig.
    pub document_owner: Option<String>,
    /// Dokumentet gäller för.
    pub scope: Option<String>,
    /// För revidering av dokumentet ansvarar.
    pub revision_by: Option<String>,
    /// För uppföljning av dokumentet ansvarar.
    pub follow_up_by: Option<String>,
    /// Relaterade dokument (empty: none listed).
    pub related_documents: Vec<String>,
    /// Where the version stands on the build's date (pages only; `None` without a date).
    pub status: Option<StatusContext>,
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
    /// Whether the version numbers its sections (`numbered: true`; see
    /// [`SectionContext::number`]).
    pub numbered: bool,
}

/// Another version of the document, with its page.
#[derive(Debug, Serialize)]
pub struct VersionLink {
    /// Its label.
    pub version: String,
    /// Its first day in force.
    pub valid_from: String,
    /// Its HTML page, relative to this one.
    pub href: String,
}

/// Where a version stands on the build's date.
#[derive(Debug, Serialize)]
pub struct StatusContext {
    /// `gäller`, `ersatt`, `kommande` or `upphört`.
    pub code: &'static str,
    /// In a sentence, e.g. `Ersatt av version 2023-07 från 2023-07-01.`
    pub text: String,
    /// The date it is stated for.
    pub date: String,
    /// The version in force instead, if another is.
    pub in_force: Option<VersionLink>,
}

/// One row of the *dokumenthistorik*.
#[derive(Debug, Serialize)]
pub struct HistoryRow {
    /// Version label.
    pub version: String,
    /// Giltig från.
    pub valid_from: String,
    /// Giltig till (or `tills vidare`).
    pub valid_until: String,
    /// Beslutad av, with the date when known.
    pub decided: Option<String>,
    /// Diarienummer.
    pub dnr: Option<String>,
    /// Whether the row is this version.
    pub current: bool,
    /// Its HTML page, relative to this one.
    pub href: String,
    /// Its redline against the version before it, relative to this page, if published.
    pub changes_href: Option<String>,
}

/// The appendix of changes against the previous version, made from the same diff as
/// the redline (publish fills it; render only prints it).
#[derive(Debug, Serialize, Default, Clone)]
pub struct ChangesContext {
    /// The previous version's label.
    pub previous: String,
    /// `10 ändringar: 3 nya, …`.
    pub summary: String,
    /// One row per change.
    pub rows: Vec<ChangeRow>,
    /// The redline page (HTML), relative to the document.
    pub redline_html: String,
    /// The redline PDF, when published.
    pub redline_pdf: Option<String>,
}

/// One change, as the appendix lists it.
#[derive(Debug, Serialize, Clone)]
pub struct ChangeRow {
    /// Where.
    pub place: String,
    /// `ny`, `ändrad`, `upphävd`, `flyttad`.
    pub kind: String,
    /// In short.
    pub summary: String,
    /// In force from.
    pub in_force_from: Option<String>,
}

/// What a build adds to a version's pages beyond its own text: the date whose standing
/// the page states, whether its PDF is beside it, and the appendix of changes.
#[derive(Debug, Default, Clone)]
pub struct Publication {
    /// The day the page says which version is in force on (`None`: it says nothing).
    pub date: Option<Date>,
    /// The PDF is (or stays) next to the HTML page.
    pub pdf: bool,
    /// The appendix of changes against the previous version.
    pub changes: Option<ChangesContext>,
    /// The file names of each version's redline against the one before it, by label.
    pub redlines: Vec<(String, String)>,
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
    /// The heading, plain text, without its number.
    pub heading: String,
    /// Its number in a version with `numbered: true`, `4.5` or `4` (no trailing dot);
    /// `None` for a front section and in a version that is not numbered.
    pub number: Option<String>,
    /// The number as the heading prints it: `4.` for a top-level section, `4.5` below
    /// (Swedish municipal style); `None` when `number` is.
    pub number_label: Option<String>,
    /// Printed before the table of contents.
    pub front: bool,
    /// Where the section is written, `file:line:column` (for messages and comments).
    pub source: String,
    /// The content, pre-rendered (use `| safe`).
    pub body: String,
    /// Where each of the section's blocks (`body:` in the YAML, in order) begins in
    /// `body`, in bytes; for the HTML back end only (empty for Typst). Not given to
    /// templates: `serve` uses it to find the element a diagnostic's line belongs to.
    #[serde(skip)]
    pub blocks: Vec<usize>,
}

/// One glossary term in *Begrepp*.
#[derive(Debug, Serialize)]
pub struct TermContext {
    /// The term's id in glossary.yaml.
    pub id: String,
    /// `begrepp.<id>`: the HTML `id` and Typst label its links go to.
    pub anchor: String,
    /// The preferred wording, plain text.
    pub term: String,
    /// Other words for it, which the glossary prefers the term to.
    pub synonyms: Vec<String>,
    /// The definition, pre-rendered (use `| safe`).
    pub definition: String,
    /// Legal references, e.g. `4 kap. 1 § SoL`.
    pub legal: Vec<String>,
    /// Where the definition comes from.
    pub source: Option<String>,
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

/// Builds the context of one version of `doc` for one back end.
pub fn document(
    policy: &Policy,
    doc: &Document,
    v: &Version,
    content_hash: &str,
    backend: Backend,
    publication: &Publication,
) -> DocumentContext {
    let doc_id = doc.id.as_str();
    let mut r = Resolver::new(policy, v);
    // The terms the version names, as its hash counts them; each is listed under
    // *Begrepp* and linked from its first use in each section.
    let mut terms: Vec<&Term> = crate::identity::terms_used(policy, v)
        .into_iter()
        .filter_map(|k| policy.glossary.terms.get(k))
        .filter(|t| crate::model::is_slug(&t.id.value, true))
        .collect();
    terms.sort_by_cached_key(|t| crate::sv::sort_key(&t.term.value));
    let indices: Vec<usize> = terms
        .iter()
        .filter_map(|t| {
            policy
                .glossary
                .terms
                .iter()
                .position(|x| std::ptr::eq(x, *t))
        })
        .collect();
    r.link_terms(&indices);
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
    // The definitions after the text: *Begrepp* is printed last, so footnotes in a
    // definition are numbered after the text's.
    let definitions: Vec<Vec<Piece>> = terms
        .iter()
        .map(|t| vec![Piece::Prose(r.definition(&t.definition.value))])
        .collect();
    let mut w = BodyWriter::new(backend, &r.notes);
    let notice = notice.map(|p| w.pieces(&p));
    let mut bodies = vec![(String::new(), Vec::new()); flat.len()];
    for &k in &order {
        bodies[k] = w.blocks(&pieces[k]);
    }
    let glossary = terms
        .iter()
        .zip(&definitions)
        .map(|(t, d)| TermContext {
            id: t.id.value.clone(),
            anchor: crate::render::body::term_anchor(&t.id.value),
            term: t.term.value.clone(),
            synonyms: t.synonyms.iter().map(|x| x.value.clone()).collect(),
            definition: w.pieces(d),
            legal: t.legal.iter().map(|x| x.value.clone()).collect(),
            source: t.source.as_ref().map(|x| x.value.clone()),
        })
        .collect();
    let numbers = v.section_numbers();
    let sections = flat
        .into_iter()
        .zip(bodies)
        .zip(numbers)
        .map(
            |(((level, s, front), (body, blocks)), number)| SectionContext {
                id: s.id.value.clone(),
                level,
                heading: s.heading.value.clone(),
                number_label: number.as_ref().map(|n| {
                    if level == 1 {
                        format!("{n}.")
                    } else {
                        n.clone()
                    }
                }),
                number,
                front,
                source: policy.sources.locate(s.id.span),
                body,
                blocks,
            },
        )
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
            contact: v.contact.as_ref().map(|c| c.value.clone()),
            scope: v.scope.as_ref().map(|c| c.value.clone()),
            revision_by: v.revision_by.as_ref().map(|c| c.value.clone()),
            follow_up_by: v.follow_up_by.as_ref().map(|c| c.value.clone()),
            related_documents: v
                .related_documents
                .iter()
                .map(|c| c.value.clone())
                .collect(),
            decided_by: v.decided_by.as_ref().map(|s| s.value.clone()),
            decision_date: v.decision_date.as_ref().map(|d| d.value.to_string()),
            valid_from: v.valid_from.value.to_string(),
            valid_until: v.valid_until.as_ref().map(|d| d.value.to_string()),
            valid_until_text: doc
                .effective_until(v)
                .map_or_else(|| "tills vidare".to_string(), |d| d.to_string()),
            replaces: replaces_text(doc, v),
            replaces_href: v
                .replaces
                .as_ref()
                .and_then(|r| r.version.as_ref())
                .filter(|l| doc.version(&l.value).is_some())
                .map(|l| version_href(doc_id, &l.value)),
            replaced_by: doc.successor(v).map(|s| link(doc, s)),
            document_owner: v.document_owner.as_ref().map(|o| o.value.clone()),
            status: publication.date.map(|d| status(doc, v, d)),
            notice,
            applies_to,
            content_hash: content_hash.to_string(),
            pdf_file: format!("{base}.pdf"),
            pdf: match backend {
                Backend::Html => publication.pdf,
                Backend::Typst => true,
            },
            html_file: format!("{base}.html"),
            numbered: v.numbered,
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
                legal_basis: i.legal_basis_text(),
                duration: i
                    .duration
                    .as_ref()
                    .map(|d| crate::sv::duration(d.years, d.months)),
                criteria: i.criteria.iter().map(|c| c.value.clone()).collect(),
            })
            .collect(),
        history: doc
            .versions
            .iter()
            .take_while(|x| x.valid_from.value <= v.valid_from.value)
            .map(|x| HistoryRow {
                version: x.version.value.clone(),
                valid_from: x.valid_from.value.to_string(),
                valid_until: if x.file == v.file {
                    // This version's own end, as adopted; later versions are not its history.
                    x.valid_until
                        .as_ref()
                        .map_or_else(|| "tills vidare".to_string(), |d| d.value.to_string())
                } else {
                    doc.effective_until(x)
                        .map_or_else(|| "tills vidare".to_string(), |d| d.to_string())
                },
                decided: x.decided_by.as_ref().map(|b| match &x.decision_date {
                    Some(d) => format!("{}, {}", b.value, d.value),
                    None => b.value.clone(),
                }),
                dnr: x.dnr.as_ref().map(|d| d.value.clone()),
                current: x.file == v.file,
                href: version_href(doc_id, &x.version.value),
                changes_href: publication
                    .redlines
                    .iter()
                    .find(|(label, _)| *label == x.version.value)
                    .map(|(label, file)| format!("../{label}/{file}")),
            })
            .collect(),
        changes: publication.changes.clone(),
        glossary,
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
            Backend::Html => BodyWriter::Html(html::Writer::new()),
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

    /// A section's body, and (HTML) where each of its pieces begins in it: the HTML
    /// writer writes pieces one after the other, so writing them one at a time gives
    /// the same text.
    fn blocks(&mut self, pieces: &[Piece]) -> (String, Vec<usize>) {
        match self {
            BodyWriter::Html(w) => {
                let mut s = String::new();
                let mut starts = Vec::with_capacity(pieces.len());
                for p in pieces.chunks(1) {
                    starts.push(s.len());
                    w.pieces(p, &mut s);
                }
                (s, starts)
            }
            BodyWriter::Typst(_) => (self.pieces(pieces), Vec::new()),
        }
    }
}
