//! Publish: write `output/` atomically. Every file of a build is first written to
//! a staging folder inside `output/` (same filesystem), the PDFs are compiled
//! there, and only when everything succeeded is each file renamed into place.
//! A failed or interrupted build never leaves a half-written file where a good one stood.

mod commit;
pub mod draft;
pub mod redline;
pub mod typst_cli;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use std::sync::atomic::{AtomicBool, Ordering};

use crate::diag::{Diagnostics, Severity};
use crate::export;
use crate::model::{Document, Policy, Version};
use crate::render::{self, templates::Templates};
use crate::write::write_new;
use commit::{commit, remove_stale_staging};
use typst_cli::Typst;

/// How to build.
pub struct Options<'a> {
    /// Where to write (`output`).
    pub out: &'a Path,
    /// `None` for `--html-only`: no PDFs.
    pub typst: Option<&'a Typst>,
    /// Show progress on stderr.
    pub progress: bool,
    /// The day the pages say which version is in force on (`build --date`, else
    /// `SOURCE_DATE_EPOCH`'s day, else today): fixed, two builds are byte-identical.
    pub date: jiff::civil::Date,
}

/// What a build wrote.
#[derive(Debug, Default)]
pub struct Report {
    /// Files written, relative to the output folder, sorted.
    pub files: Vec<PathBuf>,
    /// Typst's warnings, per document version.
    pub warnings: Vec<String>,
    /// The sections of each version's HTML page as written, by document id and version
    /// label (`serve` finds a section's blocks in the page with them).
    pub sections: HashMap<(String, String), Vec<render::SectionBody>>,
}

/// A build staged but not yet moved into place.
struct StagedBuild {
    dir: tempfile::TempDir,
    files: Vec<PathBuf>,
    warnings: Vec<String>,
    sections: HashMap<(String, String), Vec<render::SectionBody>>,
}

impl StagedBuild {
    /// Moves the files into `out` and says what was written.
    fn commit(self, out: &Path) -> Result<Report, String> {
        let StagedBuild {
            dir,
            mut files,
            warnings,
            sections,
        } = self;
        commit(dir.path(), out, &files)?;
        files.sort();
        Ok(Report {
            files,
            warnings,
            sections,
        })
    }
}

/// A fixed creation time for the PDF: `SOURCE_DATE_EPOCH` if set, else noon UTC of the issue date.
pub(crate) fn timestamp(v: &Version) -> i64 {
    if let Some(t) = crate::date::source_date_epoch() {
        return t;
    }
    crate::date::days(v.issued.value) * 86_400 + 12 * 3600
}

#[derive(Serialize)]
struct IndexContext {
    documents: Vec<IndexDocument>,
    generator: String,
    /// The day the statuses are stated for.
    date: String,
}

#[derive(Serialize)]
struct IndexDocument {
    id: String,
    versions: Vec<IndexVersion>,
}

#[derive(Serialize)]
struct IndexVersion {
    version: String,
    kind_label: &'static str,
    title: String,
    valid_from: String,
    valid_until: Option<String>,
    /// The last day in force, or `tills vidare` (a later version ends it).
    valid_until_text: String,
    path: String,
    html_file: String,
    pdf_file: String,
    pdf: bool,
    /// Whether a case schema is published (the version has interventions).
    cases: bool,
    /// `gäller`, `ersatt`, `kommande`, `upphört` on the build's date.
    status: &'static str,
    /// The status in words.
    status_text: String,
    /// The version that replaces it, if any.
    replaced_by: Option<String>,
    /// The redline against the version before it (HTML, PDF), relative to the index.
    redline_html: Option<String>,
    redline_pdf: Option<String>,
    /// The version before it, which the redline compares against.
    previous: Option<String>,
}

/// Why a checked build did not happen.
#[derive(Debug)]
pub enum BuildError {
    /// The policy has errors (or warnings, when they are denied): nothing was written.
    Problems(Diagnostics),
    /// The build itself failed (Typst, a template, the disk): nothing was written, or
    /// what was moved into place was put back.
    Failed(String),
}

/// Checks `policy` and builds it. The check runs on another thread while the first
/// document is rendered and compiled; nothing is moved into place unless it passes.
/// Returns the report and the check's diagnostics (warnings).
pub fn check_and_build(
    policy: &Policy,
    templates: &Templates,
    opts: &Options<'_>,
    deny_warnings: bool,
) -> Result<(Report, Diagnostics), BuildError> {
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        let checker = s.spawn(|| {
            let d = crate::check::check(policy);
            let refused = d.has_errors() || (deny_warnings && d.count(Severity::Warning) > 0);
            if refused {
                stop.store(true, Ordering::Relaxed);
            }
            (d, refused)
        });
        let staged = stage(policy, templates, opts, &stop);
        let (mut diags, refused) = checker.join().expect("the check does not panic");
        diags.sort();
        if refused {
            return Err(BuildError::Problems(diags));
        }
        let report = staged
            .and_then(|s| s.commit(opts.out))
            .map_err(BuildError::Failed)?;
        Ok((report, diags))
    })
}

/// Builds every document version of an already checked `policy` into `opts.out`.
pub fn build(policy: &Policy, templates: &Templates, opts: &Options<'_>) -> Result<Report, String> {
    stage(policy, templates, opts, &AtomicBool::new(false))?.commit(opts.out)
}

/// Typst compiles, one at a time, each started while the next files are written.
struct Compiles<'a> {
    typst: Option<&'a Typst>,
    fonts: Vec<PathBuf>,
    running: Option<(typst_cli::Running, String)>,
    warnings: Vec<String>,
}

impl Compiles<'_> {
    /// Waits for the compile that runs, if any, and keeps its warnings.
    fn wait(&mut self) -> Result<(), String> {
        if let Some((previous, at)) = self.running.take() {
            let w = previous.finish().map_err(|e| format!("{at}: {e}"))?;
            self.warnings
                .extend(w.into_iter().map(|w| format!("{at}: {w}")));
        }
        Ok(())
    }

    /// Starts compiling `typ` to `pdf` in `dir`, after the one that runs.
    fn start(
        &mut self,
        dir: &Path,
        typ: &str,
        pdf: &str,
        stamp: i64,
        at: String,
    ) -> Result<(), String> {
        let Some(typst) = self.typst else {
            return Ok(());
        };
        self.wait()?;
        let r = typst
            .start(dir, typ, pdf, stamp, &self.fonts)
            .map_err(|e| format!("{at}: {e}"))?;
        self.running = Some((r, at));
        Ok(())
    }
}

/// The redline of a version against the one before it, as the build publishes it:
/// its file names, the appendix rows, and the diff's summary.
struct Redline {
    base: String,
    changes: render::context::ChangesContext,
}

fn redline_base(doc: &Document, v: &Version) -> String {
    format!("{}-{}-andringar", doc.id, v.version.value)
}

/// Writes every file into a fresh staging folder inside `opts.out` and compiles the
/// PDFs there; stops early when `stop` is raised. Nothing is in place yet.
fn stage(
    policy: &Policy,
    templates: &Templates,
    opts: &Options<'_>,
    stop: &AtomicBool,
) -> Result<StagedBuild, String> {
    std::fs::create_dir_all(opts.out)
        .map_err(|e| format!("cannot create `{}` ({e})", opts.out.display()))?;
    remove_stale_staging(opts.out);
    let staging = tempfile::Builder::new()
        .prefix(".styrdok-build-")
        .tempdir_in(opts.out)
        .map_err(|e| {
            format!(
                "cannot create a staging folder in `{}` ({e})",
                opts.out.display()
            )
        })?;
    // Fonts for Typst: kept in the per-user cache, else in the staging folder.
    let fonts = if opts.typst.is_some() {
        let mut f = vec![typst_cli::font_dir(&staging.path().join(".fonts"))?];
        f.extend(templates.fonts());
        f
    } else {
        Vec::new()
    };
    let mut jobs = Compiles {
        typst: opts.typst,
        fonts,
        running: None,
        warnings: Vec::new(),
    };
    let total: usize = policy.documents.iter().map(|d| d.versions.len()).sum();
    let progress = crate::progress::bar(
        Some(total as u64),
        opts.progress && crate::progress::wanted() && total > 1,
        "{spinner} [{pos}/{len}] {wide_msg} {elapsed}",
    );
    let mut files = Vec::new();
    let mut sections = HashMap::new();
    let mut index = Vec::new();
    let mut n = 0;
    let scope = crate::check::rules::scope(policy);
    let mut hashes = crate::identity::Hashes::new();
    for doc in &policy.documents {
        let mut versions = Vec::new();
        // Each version's redline against the one before it, made first: the pages of
        // every version link the redlines in their history.
        let diffs: Vec<Option<crate::diff::Diff<'_>>> = doc
            .versions
            .iter()
            .map(|v| {
                doc.predecessor(v).map(|prev| {
                    crate::diff::diff(
                        crate::diff::Side {
                            policy,
                            doc,
                            version: prev,
                        },
                        crate::diff::Side {
                            policy,
                            doc,
                            version: v,
                        },
                    )
                })
            })
            .collect();
        let redlines: Vec<Option<Redline>> = diffs
            .iter()
            .map(|d| d.as_ref().map(|d| redline_for(d, opts)))
            .collect();
        let listed: Vec<(String, String)> = doc
            .versions
            .iter()
            .zip(&redlines)
            .filter_map(|(v, r)| {
                r.as_ref()
                    .map(|r| (v.version.value.clone(), format!("{}.html", r.base)))
            })
            .collect();
        for ((v, red), d) in doc.versions.iter().zip(&redlines).zip(&diffs) {
            n += 1;
            if stop.load(Ordering::Relaxed) {
                return Err("stopped: the policy has problems".into());
            }
            progress.set_position(n as u64 - 1);
            progress.set_message(format!("{} {}", doc.id, v.version.value));
            let hash = hashes.of(policy, doc, v);
            let staged = Staged::new(doc, v, staging.path(), opts, hash)?;
            let publication = render::context::Publication {
                date: Some(opts.date),
                pdf: staged.pdf,
                changes: red.as_ref().map(|r| r.changes.clone()),
                redlines: listed.clone(),
            };
            staged.typst(templates, policy, doc, v, &publication, &mut files)?;
            let (typ, pdf) = (
                format!("{}.typ", staged.base),
                format!("{}.pdf", staged.base),
            );
            if opts.typst.is_some() {
                if let Some(assets) = templates.assets() {
                    copy_assets(&assets, &staged.dir.join("assets"))
                        .map_err(|e| place(doc, v, &e))?;
                }
                jobs.start(
                    &staged.dir,
                    &typ,
                    &pdf,
                    timestamp(v),
                    format!("{} version {}", doc.id, v.version.value),
                )?;
                files.push(staged.rel.join(&pdf));
            }
            // Typst works on this version's PDF while the rest of it is written.
            let page = staged.rest(templates, policy, &scope, doc, v, &publication, &mut files)?;
            sections.insert((doc.id.clone(), v.version.value.clone()), page);
            let mut redline_html = None;
            let mut redline_pdf = None;
            if let (Some(red), Some(d)) = (red, d) {
                let (html, typ_src) = redline_files(templates, d)?;
                staged.put(&format!("{}.html", red.base), html.as_bytes(), &mut files)?;
                redline_html = Some(format!("{}/{}.html", staged.rel_str(), red.base));
                staged.put(&format!("{}.typ", red.base), typ_src.as_bytes(), &mut files)?;
                let red_pdf = format!("{}.pdf", red.base);
                if opts.typst.is_some() {
                    jobs.start(
                        &staged.dir,
                        &format!("{}.typ", red.base),
                        &red_pdf,
                        timestamp(v),
                        format!("{} version {} (ändringar)", doc.id, v.version.value),
                    )?;
                    files.push(staged.rel.join(&red_pdf));
                }
                if opts.typst.is_some() || opts.out.join(&staged.rel).join(&red_pdf).is_file() {
                    redline_pdf = Some(format!("{}/{red_pdf}", staged.rel_str()));
                }
            }
            let status = render::context::status(doc, v, opts.date);
            versions.push(IndexVersion {
                version: v.version.value.clone(),
                kind_label: v.kind.value.label(),
                title: v.title.value.clone(),
                valid_from: v.valid_from.value.to_string(),
                valid_until: v.valid_until.as_ref().map(|d| d.value.to_string()),
                valid_until_text: doc
                    .effective_until(v)
                    .map_or_else(|| "tills vidare".to_string(), |d| d.to_string()),
                path: format!("{}/{}", doc.id, v.version.value),
                html_file: format!("{}.html", staged.base),
                pdf_file: format!("{}.pdf", staged.base),
                pdf: staged.pdf,
                cases: !v.interventions.is_empty(),
                status: status.code,
                status_text: status.text,
                replaced_by: doc.successor(v).map(|s| s.version.value.clone()),
                redline_html,
                redline_pdf,
                previous: doc.predecessor(v).map(|p| p.version.value.clone()),
            });
        }
        index.push(IndexDocument {
            id: doc.id.clone(),
            versions,
        });
    }
    // The index, while the last PDF compiles.
    let html = templates.render(
        "index.html",
        &IndexContext {
            documents: index,
            generator: format!("styrdok {}", env!("CARGO_PKG_VERSION")),
            date: opts.date.to_string(),
        },
    )?;
    write_new(&staging.path().join("index.html"), html.as_bytes())?;
    files.push(PathBuf::from("index.html"));
    progress.set_position(total as u64);
    progress.set_message("index, and the last PDFs");
    jobs.wait()?;
    progress.finish_and_clear();
    Ok(StagedBuild {
        dir: staging,
        files,
        warnings: jobs.warnings,
        sections,
    })
}

/// The appendix of changes of a version against the one before it (its rows and
/// links), from their diff.
fn redline_for(d: &crate::diff::Diff<'_>, opts: &Options<'_>) -> Redline {
    let (doc, prev, v) = (d.new.doc, d.old.version, d.new.version);
    let ctx = redline::context(d, None, redline::Backend::Html, None);
    let base = redline_base(doc, v);
    let pdf = opts.typst.is_some()
        || opts
            .out
            .join(&doc.id)
            .join(&v.version.value)
            .join(format!("{base}.pdf"))
            .is_file();
    Redline {
        changes: render::context::ChangesContext {
            previous: prev.version.value.clone(),
            summary: ctx.summary,
            rows: ctx
                .list
                .into_iter()
                .map(|r| render::context::ChangeRow {
                    place: r.place,
                    kind: r.kind.to_string(),
                    summary: r.summary,
                    in_force_from: r.in_force_from,
                })
                .collect(),
            redline_html: format!("{base}.html"),
            redline_pdf: pdf.then(|| format!("{base}.pdf")),
        },
        base,
    }
}

/// The redline's HTML page and Typst source, beside the newer version's files.
fn redline_files(
    templates: &Templates,
    d: &crate::diff::Diff<'_>,
) -> Result<(String, String), String> {
    let (doc, prev, v) = (d.new.doc, d.old.version, d.new.version);
    let hrefs = || {
        Some((
            render::context::version_href(&doc.id, &prev.version.value),
            format!("{}-{}.html", doc.id, v.version.value),
        ))
    };
    let html = templates
        .render(
            "redline.html",
            &redline::context(d, None, redline::Backend::Html, hrefs()),
        )
        .map_err(|e| place(doc, v, &e))?;
    let typ = templates
        .render(
            "redline.typ",
            &redline::context(d, None, redline::Backend::Typst, None),
        )
        .map_err(|e| place(doc, v, &e))?;
    Ok((html, typ))
}

/// A version being written into the staging folder: its folder, file base name and hash.
struct Staged {
    dir: PathBuf,
    rel: PathBuf,
    base: String,
    hash: String,
    /// Whether the PDF is published: made now, or kept from an earlier build.
    pdf: bool,
}

impl Staged {
    fn new(
        doc: &Document,
        v: &Version,
        staging: &Path,
        opts: &Options<'_>,
        hash: String,
    ) -> Result<Staged, String> {
        let rel = PathBuf::from(&doc.id).join(&v.version.value);
        let dir = staging.join(&rel);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create `{}` ({e})", dir.display()))?;
        let base = format!("{}-{}", doc.id, v.version.value);
        let pdf = opts.typst.is_some() || opts.out.join(&rel).join(format!("{base}.pdf")).is_file();
        Ok(Staged {
            dir,
            rel,
            base,
            hash,
            pdf,
        })
    }

    /// The version's folder as a URL path relative to the index.
    fn rel_str(&self) -> String {
        crate::source::display_path(&self.rel)
    }

    fn put(&self, name: &str, bytes: &[u8], files: &mut Vec<PathBuf>) -> Result<(), String> {
        write_new(&self.dir.join(name), bytes)?;
        files.push(self.rel.join(name));
        Ok(())
    }

    /// The Typst source: written first, so that Typst can start on it.
    fn typst(
        &self,
        templates: &Templates,
        policy: &Policy,
        doc: &Document,
        v: &Version,
        publication: &render::context::Publication,
        files: &mut Vec<PathBuf>,
    ) -> Result<(), String> {
        let typ = render::typst_source(templates, policy, doc, v, &self.hash, publication)
            .map_err(|e| place(doc, v, &e))?;
        self.put(&format!("{}.typ", self.base), typ.as_bytes(), files)
    }

    /// Everything else: HTML page, criteria.json, case schema. Returns the page's sections.
    #[allow(clippy::too_many_arguments)] // the version, what it is built with, where it goes
    fn rest(
        &self,
        templates: &Templates,
        policy: &Policy,
        scope: &crate::rules::Scope<'_>,
        doc: &Document,
        v: &Version,
        publication: &render::context::Publication,
        files: &mut Vec<PathBuf>,
    ) -> Result<Vec<render::SectionBody>, String> {
        let (html, sections) =
            render::html_page_and_sections(templates, policy, doc, v, &self.hash, publication)
                .map_err(|e| place(doc, v, &e))?;
        self.put(&format!("{}.html", self.base), html.as_bytes(), files)?;
        // The check reports rule errors; a rule with errors is left out here.
        let compiled =
            crate::check::rules::compile_version(policy, scope, v, &mut Diagnostics::default());
        let criteria = export::criteria_json(policy, &doc.id, v, &compiled, &self.hash);
        self.put("criteria.json", pretty(&criteria).as_bytes(), files)?;
        if v.interventions.is_empty() {
            // Nothing can be applied for under it (an anvisning): no case schema.
            return Ok(sections);
        }
        let schema = export::case_schema(policy, &doc.id, v, &compiled);
        self.put("case.schema.json", pretty(&schema).as_bytes(), files)?;
        Ok(sections)
    }
}

fn place(doc: &Document, v: &Version, e: &str) -> String {
    format!("{} version {}: {e}", doc.id, v.version.value)
}

fn pretty(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// Copies the templates' `assets/` (files only, not folders) into a document's build
/// folder, where Typst, confined to that folder, can read them. They are not published.
fn copy_assets(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create `{}` ({e})", to.display()))?;
    let entries =
        std::fs::read_dir(from).map_err(|e| format!("cannot read `{}` ({e})", from.display()))?;
    for e in entries.flatten() {
        let p = e.path();
        let target = to.join(e.file_name());
        let same = || {
            std::fs::metadata(&target).is_ok_and(|m| m.is_file())
                && std::fs::read(&p).ok() == std::fs::read(&target).ok()
        };
        if p.is_file() && !same() {
            std::fs::copy(&p, &target)
                .map_err(|err| format!("cannot copy `{}` ({err})", p.display()))?;
        }
    }
    Ok(())
}

/// What it takes to make the PDF of one version whose Typst source a build
/// (`--html-only` too) left in `out/<doc>/<version>/`, as [`build`] makes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfJob {
    /// The version's folder: Typst's root.
    pub dir: PathBuf,
    /// The Typst source's file name in `dir`, `<doc>-<version>.typ`.
    pub typ: String,
    /// The PDF's file name in `dir`, `<doc>-<version>.pdf` (where `build` puts it).
    pub pdf: String,
    /// The font folders for `--font-path`: the fonts shipped in the binary, then the
    /// templates' `fonts/`.
    pub fonts: Vec<PathBuf>,
}

/// Prepares the PDF of one version for [`Typst::compile`] or [`Typst::watch`] (`serve`
/// uses the latter): the fonts written to the per-user cache (or `out/.fonts`), the
/// templates' assets copied beside the Typst source (a file already there with the same
/// contents is left alone, so a watching Typst sees no change). Fails when the build
/// left no Typst source for the version.
pub fn pdf_job(
    out: &Path,
    templates: &Templates,
    doc: &str,
    version: &str,
) -> Result<PdfJob, String> {
    let dir = out.join(doc).join(version);
    let base = format!("{doc}-{version}");
    let typ = format!("{base}.typ");
    if !dir.join(&typ).is_file() {
        return Err(format!("no Typst source for {doc} version {version}"));
    }
    let mut fonts = vec![typst_cli::font_dir(&out.join(".fonts"))?];
    fonts.extend(templates.fonts());
    if let Some(assets) = templates.assets() {
        copy_assets(&assets, &dir.join("assets"))?;
    }
    Ok(PdfJob {
        dir,
        typ,
        pdf: format!("{base}.pdf"),
        fonts,
    })
}
