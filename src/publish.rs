//! Publish: write `output/` atomically. Every file of a build is first written to
//! a staging folder inside `output/` (same filesystem), the PDFs are compiled
//! there, and only when everything succeeded is each file renamed into place.
//! A failed or interrupted build never leaves a half-written file where a good one stood.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

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
}

/// `sha256:` over the sources a version's output depends on: its own file and the
/// shared glossary, facts and parameters (in that order, each prefixed by its path).
pub fn content_hash(policy: &Policy, v: &Version) -> String {
    let mut h = Sha256::new();
    let own = policy.sources.get(v.file);
    let root = own.path.parent().and_then(Path::parent);
    let mut parts = vec![own];
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
    let d = v.issued.value;
    let days = d
        .since(jiff::civil::date(1970, 1, 1))
        .map_or(0, |s| i64::from(s.get_days()));
    days * 86_400 + 12 * 3600
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
}

/// Builds every document version of `policy` into `opts.out`.
pub fn build(policy: &Policy, templates: &Templates, opts: &Options<'_>) -> Result<Report, String> {
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
    if opts.typst.is_some() {
        crate::typst_cli::write_fonts(&staging.path().join(".fonts"))?;
    }
    let total: usize = policy.documents.iter().map(|d| d.versions.len()).sum();
    let show = opts.progress && std::io::stderr().is_terminal() && total > 1;
    let mut files = Vec::new();
    let mut index = Vec::new();
    let mut n = 0;
    for doc in &policy.documents {
        let mut versions = Vec::new();
        for v in &doc.versions {
            n += 1;
            if show {
                eprint!("\r\x1b[2K[{n}/{total}] {} {}", doc.id, v.version.value);
                let _ = std::io::stderr().flush();
            }
            let rel = PathBuf::from(&doc.id).join(&v.version.value);
            files.extend(version(
                policy,
                templates,
                opts,
                doc,
                v,
                staging.path(),
                &rel,
            )?);
            let base = format!("{}-{}", doc.id, v.version.value);
            versions.push(IndexVersion {
                version: v.version.value.clone(),
                kind_label: if v.kind.value == crate::model::DocKind::Riktlinje {
                    "Riktlinje"
                } else {
                    "Tillämpningsanvisning"
                },
                title: v.title.value.clone(),
                valid_from: v.valid_from.value.to_string(),
                valid_until: v.valid_until.as_ref().map(|d| d.value.to_string()),
                path: format!("{}/{}", doc.id, v.version.value),
                html_file: format!("{base}.html"),
                pdf_file: format!("{base}.pdf"),
                pdf: opts.typst.is_some()
                    || opts.out.join(&rel).join(format!("{base}.pdf")).is_file(),
            });
        }
        index.push(IndexDocument {
            id: doc.id.clone(),
            versions,
        });
    }
    if show {
        eprint!("\r\x1b[2K");
    }
    let html = templates.render(
        "index.html",
        &IndexContext {
            documents: index,
            generator: format!("styrdok {}", env!("CARGO_PKG_VERSION")),
        },
    )?;
    write_new(&staging.path().join("index.html"), html.as_bytes())?;
    files.push(PathBuf::from("index.html"));
    commit(staging.path(), opts.out, &files)?;
    files.sort();
    Ok(Report { files })
}

/// Writes one version's files into the staging folder.
fn version(
    policy: &Policy,
    templates: &Templates,
    opts: &Options<'_>,
    doc: &Document,
    v: &Version,
    staging: &Path,
    rel: &Path,
) -> Result<Vec<PathBuf>, String> {
    let dir = staging.join(rel);
    std::fs::create_dir_all(&dir)
        .map_err(|e| format!("cannot create `{}` ({e})", dir.display()))?;
    let hash = content_hash(policy, v);
    let base = format!("{}-{}", doc.id, v.version.value);
    let mut out = Vec::new();
    let mut put = |name: String, bytes: &[u8]| -> Result<(), String> {
        write_new(&dir.join(&name), bytes)?;
        out.push(rel.join(name));
        Ok(())
    };
    let criteria = export::criteria_json(policy, &doc.id, v, &hash);
    put("criteria.json".into(), pretty(&criteria).as_bytes())?;
    let schema = export::case_schema(policy, &doc.id, v);
    put("case.schema.json".into(), pretty(&schema).as_bytes())?;
    let place = |e: String| format!("{} version {}: {e}", doc.id, v.version.value);
    let r = render::document(templates, policy, &doc.id, v, &hash).map_err(place)?;
    put(format!("{base}.html"), r.html.as_bytes())?;
    put(format!("{base}.typ"), r.typst.as_bytes())?;
    if let Some(typst) = opts.typst {
        typst
            .compile(
                &dir,
                &format!("{base}.typ"),
                &format!("{base}.pdf"),
                timestamp(v),
                &staging.join(".fonts"),
            )
            .map_err(place)?;
        out.push(rel.join(format!("{base}.pdf")));
    }
    Ok(out)
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
    for rel in files {
        let target = out.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create `{}` ({e})", parent.display()))?;
        }
        std::fs::rename(staging.join(rel), &target)
            .map_err(|e| format!("cannot move `{}` into place ({e})", target.display()))?;
    }
    Ok(())
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
