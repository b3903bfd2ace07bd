//! Publish: write `output/` atomically. Every file of a build is first written to
//! a staging folder inside `output/` (same filesystem), the PDFs are compiled
//! there, and only when everything succeeded is each file renamed into place.
//! A failed or interrupted build never leaves a half-written file where a good one stood.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use std::sync::atomic::{AtomicBool, Ordering};

use crate::diag::{Diagnostics, Severity};
use crate::export;
use crate::model::{Document, Policy, Version};
use crate::render::{self, templates::Templates};
use crate::typst_cli::Typst;

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

/// `sha256:` over the sources a version's output depends on: its own file, for an
/// anvisning the riktlinje version it quotes, and the shared glossary, facts and
/// parameters (in that order, each prefixed by its file name).
pub fn content_hash(policy: &Policy, v: &Version) -> String {
    let mut h = Sha256::new();
    let own = policy.sources.get(v.file);
    let root = own.path.parent().and_then(Path::parent);
    let mut parts = vec![own];
    if let Some((_, applied)) = policy.applied(v) {
        parts.push(policy.sources.get(applied.file));
    }

    parts.extend(policy.sources.iter().map(|(_, f)| f).filter(|f| {
        let name = f
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        crate::load::SHARED_FILES.contains(&name) && f.path.parent() == root
    }));
    for f in parts {
        let name = f
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        h.update(name.as_bytes());
        h.update([0]);
        h.update(f.text.as_bytes());
        h.update([0]);
    }
    let digest = h.finalize();
    let mut s = String::from("sha256:");
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// A fixed creation time for the PDF: `SOURCE_DATE_EPOCH` if set, else noon UTC of the issue date.
fn timestamp(v: &Version) -> i64 {
    if let Some(t) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse().ok())
    {
        return t;
    }
    crate::eval::days(v.issued.value) * 86_400 + 12 * 3600
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
        let mut f = vec![crate::typst_cli::font_dir(&staging.path().join(".fonts"))?];
        f.extend(templates.fonts());
        f
    } else {
        Vec::new()
    };
    // One Typst compile runs at a time, while the next document is prepared.
    let mut running: Option<(crate::typst_cli::Running, String)> = None;
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
            hash: content_hash(policy, v),
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

/// Writes a staged file. No fsync per file: an interrupted build leaves the staging
/// folder, never a half-written file in place (the rename is atomic); as with cargo and
/// Zola, durability across a power cut is left to the file system.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write `{}` ({e})", path.display()))
}

/// Moves every staged file into place, each by an atomic rename.
fn commit(staging: &Path, out: &Path, files: &[PathBuf]) -> Result<(), String> {
    // First make sure every file can go in place, so that a failure is found before
    // anything moved (a rename onto a folder, say); then move them.
    for rel in files {
        let target = out.join(rel);
        if target.is_dir() {
            return Err(format!(
                "cannot put `{}` in place: a folder is there",
                target.display()
            ));
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create `{}` ({e})", parent.display()))?;
        }
    }
    // Each file the build replaces is first moved aside into the staging folder, so
    // that a move that fails half-way can put the previous output back.
    let previous = staging.join(".previous");
    let mut moved: Vec<(&PathBuf, bool)> = Vec::new();
    for rel in files {
        let target = out.join(rel);
        let kept = previous.join(rel);
        let replaced = target.is_file();
        let step = (|| {
            if replaced {
                if let Some(parent) = kept.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::rename(&target, &kept)?;
            }
            std::fs::rename(staging.join(rel), &target)
        })();
        if let Err(e) = step {
            if replaced {
                let _ = std::fs::rename(&kept, &target);
            }
            for (rel, replaced) in moved.into_iter().rev() {
                let target = out.join(rel);
                if replaced {
                    let _ = std::fs::rename(previous.join(rel), &target);
                } else {
                    let _ = std::fs::remove_file(&target);
                }
            }
            return Err(format!(
                "cannot move `{}` into place ({e}); the previous output was put back",
                target.display()
            ));
        }
        moved.push((rel, replaced));
    }
    Ok(())
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

/// A file a command writes at a path the user named (`--out`, `--draft`).
///
/// A regular file (or a path that does not exist yet) is replaced atomically: the
/// data goes to a temporary file beside it, renamed over it only when complete. A
/// symbolic link is followed and its target replaced the same way. A device, pipe or
/// socket (`/dev/stdout`, a named pipe) is written directly: renaming over it would
/// destroy it. A folder is refused.
pub struct OutFile {
    inner: OutInner,
}

enum OutInner {
    Atomic {
        tmp: tempfile::NamedTempFile,
        target: PathBuf,
    },
    Direct(std::fs::File),
}

impl OutFile {
    /// Prepares writing `path`.
    pub fn create(path: &Path) -> Result<OutFile, String> {
        let target = match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path)
                .map_err(|e| format!("cannot follow the link `{}` ({e})", path.display()))?,
            _ => path.to_path_buf(),
        };
        match std::fs::metadata(&target) {
            Ok(m) if m.is_dir() => {
                return Err(format!("`{}` is a folder, not a file", path.display()));
            }
            Ok(m) if !m.is_file() => {
                let f = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&target)
                    .map_err(|e| format!("cannot write `{}` ({e})", path.display()))?;
                return Ok(OutFile {
                    inner: OutInner::Direct(f),
                });
            }
            _ => {}
        }
        let dir = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let tmp = tempfile::Builder::new()
            .prefix(".styrdok-")
            .tempfile_in(dir)
            .map_err(|e| format!("cannot write in `{}` ({e})", dir.display()))?;
        Ok(OutFile {
            inner: OutInner::Atomic { tmp, target },
        })
    }

    /// Where to write.
    pub fn writer(&mut self) -> &mut dyn Write {
        match &mut self.inner {
            OutInner::Atomic { tmp, .. } => tmp.as_file_mut(),
            OutInner::Direct(f) => f,
        }
    }

    /// Puts the complete file in place.
    pub fn finish(self) -> Result<(), String> {
        match self.inner {
            OutInner::Atomic { tmp, target } => tmp
                .persist(&target)
                .map(|_| ())
                .map_err(|e| format!("cannot write `{}` ({})", target.display(), e.error)),
            OutInner::Direct(mut f) => f.flush().map_err(|e| format!("cannot write ({e})")),
        }
    }
}

/// Staging folders of builds that were killed before they could clean up.
fn remove_stale_staging(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let is_staging = name.to_string_lossy().starts_with(".styrdok-build-");
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 3600);
        if is_staging && old {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::commit;
    use std::path::PathBuf;

    /// A move that fails half-way puts back every file already replaced and removes
    /// every file already added.
    #[test]
    fn a_failed_commit_restores_the_previous_output() {
        let out = tempfile::tempdir().unwrap();
        let staging = tempfile::tempdir_in(out.path()).unwrap();
        std::fs::write(out.path().join("a.html"), "old a").unwrap();
        std::fs::write(out.path().join("c.html"), "old c").unwrap();
        std::fs::write(staging.path().join("a.html"), "new a").unwrap();
        std::fs::create_dir_all(staging.path().join("ny")).unwrap();
        std::fs::write(staging.path().join("ny/b.html"), "new b").unwrap();
        // c.html is listed but missing from the staging folder: its move fails.
        let files: Vec<PathBuf> = ["a.html", "ny/b.html", "c.html"].map(PathBuf::from).into();
        let err = commit(staging.path(), out.path(), &files).unwrap_err();
        assert!(err.contains("the previous output was put back"), "{err}");
        let read = |p: &str| std::fs::read_to_string(out.path().join(p)).unwrap();
        assert_eq!(read("a.html"), "old a");
        assert_eq!(read("c.html"), "old c");
        assert!(!out.path().join("ny/b.html").exists());

        // With every file present, all of them move.
        std::fs::write(staging.path().join("a.html"), "new a").unwrap();
        std::fs::write(staging.path().join("ny/b.html"), "new b").unwrap();
        std::fs::write(staging.path().join("c.html"), "new c").unwrap();
        commit(staging.path(), out.path(), &files).unwrap();
        assert_eq!(read("a.html"), "new a");
        assert_eq!(read("ny/b.html"), "new b");
        assert_eq!(read("c.html"), "new c");
    }
}
