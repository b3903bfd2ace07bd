//! Publish: write `output/` atomically. Every file of a build is first written to
//! a staging folder inside `output/` (same filesystem), the PDFs are compiled
//! there, and only when everything succeeded is each file renamed into place.
//! A failed or interrupted build never leaves a half-written file where a good one stood.

mod commit;
pub mod draft;
pub mod typst_cli;

use std::io::{IsTerminal, Write};
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
}

/// What a build wrote.
#[derive(Debug, Default)]
pub struct Report {
    /// Files written, relative to the output folder, sorted.
    pub files: Vec<PathBuf>,
    /// Typst's warnings, per document version.
    pub warnings: Vec<String>,
}

/// A fixed creation time for the PDF: `SOURCE_DATE_EPOCH` if set, else noon UTC of the issue date.
fn timestamp(v: &Version) -> i64 {
    if let Some(t) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse().ok())
    {
        return t;
    }
    crate::date::days(v.issued.value) * 86_400 + 12 * 3600
}

#[derive(Serialize)]
struct IndexContext {
    documents: Vec<IndexDocument>,
    generator: String,
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
    path: String,
    html_file: String,
    pdf_file: String,
    pdf: bool,
    /// Whether a case schema is published (the version has interventions).
    cases: bool,
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
        let (staging, mut files, warnings) = staged.map_err(BuildError::Failed)?;
        commit(staging.path(), opts.out, &files).map_err(BuildError::Failed)?;
        files.sort();
        Ok((Report { files, warnings }, diags))
    })
}

/// Builds every document version of an already checked `policy` into `opts.out`.
pub fn build(policy: &Policy, templates: &Templates, opts: &Options<'_>) -> Result<Report, String> {
    let (staging, mut files, warnings) = stage(policy, templates, opts, &AtomicBool::new(false))?;
    commit(staging.path(), opts.out, &files)?;
    files.sort();
    Ok(Report { files, warnings })
}

/// Writes every file into a fresh staging folder inside `opts.out` and compiles the
/// PDFs there; stops early when `stop` is raised. Nothing is in place yet.
fn stage(
    policy: &Policy,
    templates: &Templates,
    opts: &Options<'_>,
    stop: &AtomicBool,
) -> Result<(tempfile::TempDir, Vec<PathBuf>, Vec<String>), String> {
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
    // One Typst compile runs at a time, while the next document is prepared.
    let mut running: Option<(typst_cli::Running, String)> = None;
    let mut warnings = Vec::new();
    let total: usize = policy.documents.iter().map(|d| d.versions.len()).sum();
    let show = opts.progress && std::io::stderr().is_terminal() && total > 1;
    let mut files = Vec::new();
    let mut index = Vec::new();
    let mut n = 0;
    let scope = crate::check::rules::scope(policy);
    for doc in &policy.documents {
        let mut versions = Vec::new();
        for v in &doc.versions {
            n += 1;
            if stop.load(Ordering::Relaxed) {
                return Err("stopped: the policy has problems".into());
            }
            if show {
                eprint!("\r\x1b[2K[{n}/{total}] {} {}", doc.id, v.version.value);
                let _ = std::io::stderr().flush();
            }
            let staged = Staged::new(policy, doc, v, staging.path(), opts)?;
            staged.typst(templates, policy, doc, v, &mut files)?;
            if let Some((previous, at)) = running.take() {
                warnings.extend(
                    previous
                        .finish()
                        .map_err(|e| format!("{at}: {e}"))?
                        .into_iter()
                        .map(|w| format!("{at}: {w}")),
                );
            }
            if let Some(typst) = opts.typst {
                let (typ, pdf) = (
                    format!("{}.typ", staged.base),
                    format!("{}.pdf", staged.base),
                );
                if let Some(assets) = templates.assets() {
                    copy_assets(&assets, &staged.dir.join("assets"))
                        .map_err(|e| place(doc, v, &e))?;
                }
                let r = typst
                    .start(&staged.dir, &typ, &pdf, timestamp(v), &fonts)
                    .map_err(|e| place(doc, v, &e))?;
                files.push(staged.rel.join(pdf));
                running = Some((r, format!("{} version {}", doc.id, v.version.value)));
            }
            // Typst works on this version's PDF while the rest of it is written.
            staged.rest(templates, policy, &scope, doc, v, &mut files)?;
            versions.push(IndexVersion {
                version: v.version.value.clone(),
                kind_label: v.kind.value.label(),
                title: v.title.value.clone(),
                valid_from: v.valid_from.value.to_string(),
                valid_until: v.valid_until.as_ref().map(|d| d.value.to_string()),
                path: format!("{}/{}", doc.id, v.version.value),
                html_file: format!("{}.html", staged.base),
                pdf_file: format!("{}.pdf", staged.base),
                pdf: staged.pdf,
                cases: !v.interventions.is_empty(),
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
        },
    )?;
    write_new(&staging.path().join("index.html"), html.as_bytes())?;
    files.push(PathBuf::from("index.html"));
    if let Some((last, place)) = running.take() {
        warnings.extend(
            last.finish()
                .map_err(|e| format!("{place}: {e}"))?
                .into_iter()
                .map(|w| format!("{place}: {w}")),
        );
    }
    if show {
        eprint!("\r\x1b[2K");
    }
    Ok((staging, files, warnings))
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
        policy: &Policy,
        doc: &Document,
        v: &Version,
        staging: &Path,
        opts: &Options<'_>,
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
            hash: crate::identity::content_hash(policy, doc, v),
            pdf,
        })
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
        files: &mut Vec<PathBuf>,
    ) -> Result<(), String> {
        let typ = render::typst_source(templates, policy, &doc.id, v, &self.hash)
            .map_err(|e| place(doc, v, &e))?;
        self.put(&format!("{}.typ", self.base), typ.as_bytes(), files)
    }

    /// Everything else: HTML page, criteria.json, case schema.
    fn rest(
        &self,
        templates: &Templates,
        policy: &Policy,
        scope: &crate::rules::Scope<'_>,
        doc: &Document,
        v: &Version,
        files: &mut Vec<PathBuf>,
    ) -> Result<(), String> {
        let html = render::html_page(templates, policy, &doc.id, v, &self.hash, self.pdf)
            .map_err(|e| place(doc, v, &e))?;
        self.put(&format!("{}.html", self.base), html.as_bytes(), files)?;
        // The check reports rule errors; a rule with errors is left out here.
        let compiled =
            crate::check::rules::compile_version(policy, scope, v, &mut Diagnostics::default());
        let criteria = export::criteria_json(policy, &doc.id, v, &compiled, &self.hash);
        self.put("criteria.json", pretty(&criteria).as_bytes(), files)?;
        if v.interventions.is_empty() {
            // Nothing can be applied for under it (an anvisning): no case schema.
            return Ok(());
        }
        let schema = export::case_schema(policy, &doc.id, v, &compiled);
        self.put("case.schema.json", pretty(&schema).as_bytes(), files)
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
        if p.is_file() {
            std::fs::copy(&p, to.join(e.file_name()))
                .map_err(|err| format!("cannot copy `{}` ({err})", p.display()))?;
        }
    }
    Ok(())
}
