//! The redline: a diff as the Swedish reviewer reads it. First the
//! *ändringsförteckning* (one row per change: where, kind, in short, in force from),
//! then, for each changed item, the two-column table *Nuvarande lydelse | Föreslagen
//! lydelse* that Swedish bills use, with the changed words marked inside the cells
//! (`<del>`/`<ins>` in HTML, struck through or underlined and bold in the PDF). The cells
//! are written by the document's own writers ([`crate::render::html`],
//! [`crate::render::typst`]) from the prose tree, into `redline.html` and `redline.typ`.

use serde::Serialize;

use crate::diff::prose::{Mark, Paragraphs, rows, to_inlines};
use crate::diff::{Diff, Field, Kind, Side};
use crate::eval::impact::{COLUMNS, Impact};
use crate::markdown::Footnotes;
use crate::render::templates::Templates;
use crate::render::{html, typst};

/// Everything `redline.html` and `redline.typ` receive (documented in docs/templates.md).
#[derive(Debug, Serialize)]
pub struct RedlineContext {
    /// The document and both versions.
    pub document: RedlineDocument,
    /// `10 ändringar: 3 nya, …`.
    pub summary: String,
    /// The ändringsförteckning.
    pub list: Vec<ListRow>,
    /// Changed cover fields (Titel, Giltig från …), one row each, under the anchor
    /// `uppgifter`.
    pub metadata: Vec<MetaRow>,
    /// Each changed item with its two-column table.
    pub items: Vec<Item>,
    /// The impact on cases, when `diff --cases` asked for it.
    pub impact: Option<ImpactContext>,
    /// `styrdok <version>`.
    pub generator: String,
    /// The index of all documents, relative to the redline (when published with them).
    pub index_href: Option<String>,
}

/// The document compared.
#[derive(Debug, Serialize)]
pub struct RedlineDocument {
    /// Its id (folder name).
    pub id: String,
    /// The new version's title.
    pub title: String,
    /// `Riktlinje` or `Tillämpningsanvisning`.
    pub kind_label: &'static str,
    /// The old version.
    pub old: SideContext,
    /// The new version.
    pub new: SideContext,
}

/// One version.
#[derive(Debug, Serialize)]
pub struct SideContext {
    /// Its label.
    pub version: String,
    /// Giltig från, `YYYY-MM-DD`.
    pub valid_from: String,
    /// Its last day, or `tills vidare`.
    pub valid_until: String,
    /// Diarienummer.
    pub dnr: Option<String>,
    /// `sha256:…` of the version.
    pub content_hash: String,
    /// Its published page, relative to the redline (only when built with the document).
    pub href: Option<String>,
}

/// One row of the ändringsförteckning.
#[derive(Debug, Serialize)]
pub struct ListRow {
    /// Anchor of the item's table.
    pub anchor: String,
    /// Where.
    pub place: String,
    /// `ny`, `ändrad`, `upphävd`, `flyttad`.
    pub kind: &'static str,
    /// In short.
    pub summary: String,
    /// In force from, `YYYY-MM-DD`.
    pub in_force_from: Option<String>,
}

/// A changed cover field: its name and both values, pre-rendered (use `| safe`).
#[derive(Debug, Serialize)]
pub struct MetaRow {
    /// `Giltig från`, `Diarienummer` …
    pub label: &'static str,
    /// The old value (or a word saying there was none).
    pub old: String,
    /// The new value.
    pub new: String,
}

/// A changed item.
#[derive(Debug, Serialize)]
pub struct Item {
    /// Its anchor.
    pub anchor: String,
    /// Where (its heading).
    pub place: String,
    /// Kind of change.
    pub kind: &'static str,
    /// In short.
    pub summary: String,
    /// Its fields, each with rows of the two columns.
    pub fields: Vec<FieldContext>,
}

/// One field of an item (Lydelse, Regel, Rubrik …).
#[derive(Debug, Serialize)]
pub struct FieldContext {
    /// What it is, in Swedish.
    pub label: &'static str,
    /// Rows of the two columns.
    pub rows: Vec<CellRow>,
}

/// One row of the two columns: the old and the new wording, pre-rendered for the
/// template's language (use `| safe`), or a gap where unchanged paragraphs are left out.
#[derive(Debug, Serialize)]
pub struct CellRow {
    /// Nuvarande lydelse.
    pub old: String,
    /// Föreslagen lydelse.
    pub new: String,
    /// Unchanged paragraphs are left out here (the row is `…`).
    pub gap: bool,
}

/// The impact on cases.
#[derive(Debug, Serialize)]
pub struct ImpactContext {
    /// In one sentence.
    pub summary: String,
    /// The outcome names, in the matrix's order.
    pub columns: Vec<&'static str>,
    /// The transition matrix: per outcome before, the counts after.
    pub matrix: Vec<MatrixRow>,
    /// Criteria behind the changed outcomes.
    pub responsible: Vec<ResponsibleRow>,
    /// Example cases.
    pub examples: Vec<ExampleContext>,
}

/// One row of the transition matrix.
#[derive(Debug, Serialize)]
pub struct MatrixRow {
    /// The outcome before.
    pub before: &'static str,
    /// Counts per outcome after.
    pub counts: Vec<u64>,
}

/// A criterion behind changed outcomes.
#[derive(Debug, Serialize)]
pub struct ResponsibleRow {
    /// Its id.
    pub id: String,
    /// Now not met.
    pub newly_not_met: u64,
    /// No longer not met.
    pub no_longer_not_met: u64,
    /// Now not established.
    pub newly_not_established: u64,
}

/// An example case.
#[derive(Debug, Serialize)]
pub struct ExampleContext {
    /// `Ärende 2023-0611, lss: avslag → beviljas`.
    pub title: String,
    /// Its explanation lines.
    pub lines: Vec<String>,
}

/// Which writer the cells are for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `redline.html`.
    Html,
    /// `redline.typ`.
    Typst,
}

fn cell(backend: Backend, paras: &Paragraphs<'_>) -> String {
    let notes = Footnotes::default();
    let mut out = String::new();
    for (k, p) in paras.iter().enumerate() {
        let inlines = to_inlines(p);
        match backend {
            Backend::Html => {
                out.push_str("<p>");
                html::Writer::new().inlines(&inlines, &mut out);
                out.push_str("</p>");
            }
            Backend::Typst => {
                if k > 0 {
                    out.push_str("\n\n");
                }
                typst::Writer::new(&notes).inlines(&inlines, &mut out);
            }
        }
    }
    out
}

fn missing(backend: Backend, word: &str) -> String {
    match backend {
        Backend::Html => format!("<p class=\"saknas\">{word}</p>"),
        Backend::Typst => format!("#emph[{}]", typst::texted(word)),
    }
}

/// The same paragraphs without marks.
fn plain<'t>(p: &Paragraphs<'t>) -> Paragraphs<'t> {
    p.iter()
        .map(|para| para.iter().map(|(t, _)| (*t, Mark::Same)).collect())
        .collect()
}

fn field(backend: Backend, kind: Kind, f: &Field) -> FieldContext {
    let (a, b) = (
        f.old.as_deref().unwrap_or(&[]),
        f.new.as_deref().unwrap_or(&[]),
    );
    let all = rows(a, b, &f.segs);
    // A whole new or repealed item is not marked word by word: one column is empty.
    let whole = matches!(kind, Kind::New | Kind::Repealed) || f.old.is_none() || f.new.is_none();
    let mut out = Vec::new();
    let mut skipped = false;
    for (k, r) in all.iter().enumerate() {
        if !whole && !r.changed {
            skipped = true;
            continue;
        }
        if skipped || (k > 0 && out.is_empty() && !whole) {
            out.push(CellRow {
                old: String::new(),
                new: String::new(),
                gap: true,
            });
        }
        skipped = false;
        let (old, new) = if whole {
            (plain(&r.old), plain(&r.new))
        } else {
            (r.old.clone(), r.new.clone())
        };
        let render = |p: &Paragraphs<'_>, absent: &str| {
            if p.is_empty() {
                missing(backend, absent)
            } else {
                cell(backend, p)
            }
        };
        out.push(CellRow {
            old: render(&old, if f.old.is_none() { "Ny" } else { "–" }),
            new: render(&new, if f.new.is_none() { "Upphävs" } else { "–" }),
            gap: false,
        });
    }
    if skipped && !out.is_empty() {
        out.push(CellRow {
            old: String::new(),
            new: String::new(),
            gap: true,
        });
    }
    FieldContext {
        label: f.label,
        rows: out,
    }
}

fn side(s: &Side<'_>, href: Option<String>, content_hash: &str) -> SideContext {
    SideContext {
        version: s.version.version.value.clone(),
        valid_from: s.version.valid_from.value.to_string(),
        valid_until: s
            .until()
            .map_or_else(|| "tills vidare".to_string(), |d| d.to_string()),
        dnr: s.version.dnr.as_ref().map(|d| d.value.clone()),
        content_hash: content_hash.to_string(),
        href,
    }
}

fn impact_context(i: &Impact) -> ImpactContext {
    ImpactContext {
        summary: i.sentence(),
        columns: COLUMNS.to_vec(),
        matrix: COLUMNS
            .iter()
            .enumerate()
            .map(|(b, name)| MatrixRow {
                before: name,
                counts: i.matrix[b].to_vec(),
            })
            .collect(),
        responsible: i
            .responsible
            .iter()
            .map(|(id, r)| ResponsibleRow {
                id: id.clone(),
                newly_not_met: r.newly_not_met,
                no_longer_not_met: r.no_longer_not_met,
                newly_not_established: r.newly_not_established,
            })
            .collect(),
        examples: i
            .examples
            .iter()
            .map(|e| ExampleContext {
                title: e.title(),
                lines: e.lines.clone(),
            })
            .collect(),
    }
}

/// The context of a redline for one back end. `hrefs`: links to the two versions'
/// published pages, when the redline is published beside them. `hashes`: the content
/// hashes of the older and the newer version (`identity::content_hash`; a build passes
/// the ones it computed for the versions' own pages, since a hash reads all of a
/// version's prose and costs about 8 ms).
pub fn context(
    d: &Diff<'_>,
    impact: Option<&Impact>,
    backend: Backend,
    hrefs: Option<(String, String)>,
    hashes: (&str, &str),
) -> RedlineContext {
    let summary = d.summary();
    // Cover fields share one table; everything else has its own.
    let is_meta = |ch: &crate::diff::Change| {
        ch.element == crate::diff::Element::Metadata && ch.fields.iter().all(|f| !f.prose)
    };
    let anchor = |k: usize| {
        if is_meta(&d.changes[k]) {
            "uppgifter".to_string()
        } else {
            format!("andring-{}", k + 1)
        }
    };
    let index_href = hrefs.as_ref().map(|_| "../../index.html".to_string());
    let (old_href, new_href) = hrefs.map_or((None, None), |(a, b)| (Some(a), Some(b)));
    RedlineContext {
        document: RedlineDocument {
            id: d.new.doc.id.clone(),
            title: d.new.version.title.value.clone(),
            kind_label: d.new.version.kind.value.label(),
            old: side(&d.old, old_href, hashes.0),
            new: side(&d.new, new_href, hashes.1),
        },
        summary,
        list: d
            .changes
            .iter()
            .enumerate()
            .map(|(k, ch)| ListRow {
                anchor: anchor(k),
                place: crate::diff::short(&ch.place, 90),
                kind: ch.kind.as_str(),
                summary: ch.summary.clone(),
                in_force_from: ch.in_force_from.map(|f| f.to_string()),
            })
            .collect(),
        metadata: d
            .changes
            .iter()
            .filter(|ch| is_meta(ch))
            .flat_map(|ch| &ch.fields)
            .map(|f| {
                let one = field(backend, Kind::Changed, f);
                let row = one.rows.into_iter().find(|r| !r.gap);
                let (old, new) = row.map_or((String::new(), String::new()), |r| (r.old, r.new));
                MetaRow {
                    label: f.label,
                    old: if f.old.is_none() {
                        missing(backend, "Uppgift saknas")
                    } else {
                        old
                    },
                    new: if f.new.is_none() {
                        missing(backend, "Tas bort")
                    } else {
                        new
                    },
                }
            })
            .collect(),
        items: d
            .changes
            .iter()
            .enumerate()
            .filter(|(_, ch)| !is_meta(ch))
            .map(|(k, ch)| Item {
                anchor: anchor(k),
                place: ch.place.clone(),
                kind: ch.kind.as_str(),
                summary: ch.summary.clone(),
                fields: ch
                    .fields
                    .iter()
                    .map(|f| field(backend, ch.kind, f))
                    .filter(|f| !f.rows.is_empty())
                    .collect(),
            })
            .collect(),
        impact: impact.map(impact_context),
        generator: format!("styrdok {}", env!("CARGO_PKG_VERSION")),
        index_href,
    }
}

/// The redline on its own (`styrdok diff --format html|pdf`): the HTML page, or the PDF
/// compiled by Typst in a temporary folder.
pub fn standalone(
    templates: &Templates,
    d: &Diff<'_>,
    impact: Option<&Impact>,
    as_html: bool,
) -> Result<Vec<u8>, String> {
    // The two sides may be versions of two policies (two git revisions): each hashed on
    // its own.
    let hash =
        |s: &crate::diff::Side<'_>| crate::identity::content_hash(s.policy, s.doc, s.version);
    let (old_hash, new_hash) = (hash(&d.old), hash(&d.new));
    let hashes = (old_hash.as_str(), new_hash.as_str());
    if as_html {
        let ctx = context(d, impact, Backend::Html, None, hashes);
        return templates
            .render("redline.html", &ctx)
            .map(String::into_bytes);
    }
    // What the fonts cannot show would fail Typst: each place said plainly instead.
    let mut unshowable = Vec::new();
    for side in [&d.old, &d.new] {
        let mut found = crate::diag::Diagnostics::default();
        crate::check::glyphs::check_version(side.policy, side.version, &mut found);
        unshowable.extend(
            found
                .iter()
                .map(|x| format!("{}: {}", side.policy.sources.locate(x.span), x.message)),
        );
    }
    if !unshowable.is_empty() {
        unshowable.dedup();
        return Err(format!(
            "the redline cannot be made as PDF:\n  {}",
            unshowable.join("\n  ")
        ));
    }
    let ctx = context(d, impact, Backend::Typst, None, hashes);
    let typ = templates.render("redline.typ", &ctx)?;
    let typst = super::typst_cli::Typst::find()?;
    let work = tempfile::Builder::new()
        .prefix(".styrdok-redline-")
        .tempdir()
        .map_err(|e| format!("cannot create a work folder ({e})"))?;
    let mut fonts = vec![super::typst_cli::font_dir(&work.path().join(".fonts"))?];
    fonts.extend(templates.fonts());
    std::fs::write(work.path().join("redline.typ"), typ)
        .map_err(|e| format!("cannot write the redline ({e})"))?;
    typst.compile(
        work.path(),
        "redline.typ",
        "redline.pdf",
        super::timestamp(d.new.version),
        &fonts,
    )?;
    std::fs::read(work.path().join("redline.pdf"))
        .map_err(|e| format!("cannot read the compiled redline ({e})"))
}
