//! Publish: write `output/` atomically. Every file of a build is first written to
//! a staging folder inside `output/` (same filesystem), the PDFs are compiled
//! there, and only when everything succeeded is each file renamed into place.
//! A failed or interrupted build never leaves a half-written file where a good one stood.

mod commit;
pub mod draft;
mod manifest;
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
use commit::{OutputLock, Step, commit, remove_leftovers};
use manifest::Manifest;
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
    /// Ctrl-C, SIGTERM or SIGHUP came before the build was moved into place
    /// ([`crate::interrupt`]): Typst was stopped, nothing was moved, the staging folder
    /// was removed.
    Interrupted,
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
        Ok((finish(staged, opts)?, diags))
    })
}

/// Builds every document version of an already checked `policy` into `opts.out`.
pub fn build(policy: &Policy, templates: &Templates, opts: &Options<'_>) -> Result<Report, String> {
    let staged = stage(policy, templates, opts, &AtomicBool::new(false));
    finish(staged, opts).map_err(|e| match e {
        BuildError::Failed(e) => e,
        BuildError::Interrupted => crate::interrupt::INTERRUPTED.to_string(),
        BuildError::Problems(_) => unreachable!("`build` does not check"),
    })
}

/// Moves a staged build into place, unless it failed or a stop was requested: the
/// last point at which stopping leaves the output folder as it was.
fn finish(staged: Result<Stage, String>, opts: &Options<'_>) -> Result<Report, BuildError> {
    if crate::interrupt::requested() {
        return Err(BuildError::Interrupted);
    }
    let mut st = staged.map_err(BuildError::Failed)?;
    commit(st.staging.path(), opts.out, &st.steps).map_err(BuildError::Failed)?;
    st.files.sort();
    Ok(Report {
        files: st.files,
        warnings: st.warnings,
        sections: st.sections,
    })
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
    /// Its HTML page and Typst source, when they had to be made early (`--html-only`:
    /// whether an earlier build's PDF is kept depends on the Typst source).
    files: Option<(String, String)>,
}

fn redline_base(doc: &Document, v: &Version) -> String {
    format!("{}-{}-andringar", doc.id, v.version.value)
}

/// What the build publishes besides the files it writes: the record of an earlier
/// build, and what it knows of the PDFs that build left.
struct Earlier {
    manifest: Manifest,
    /// [`manifest::inputs_digest`] of the templates' fonts and assets.
    inputs: String,
}

impl Earlier {
    /// Whether the PDF at `rel` that an earlier build left is kept by an `--html-only`
    /// build: it is there, and it was compiled from exactly the Typst source (and
    /// fonts and assets) that this build writes for it.
    fn keeps(&self, out: &Path, rel: &Path, typ: &str) -> Option<manifest::Entry> {
        let entry = self.manifest.files.get(&manifest::key(rel))?;
        let same = entry.built_from.as_deref()
            == Some(manifest::pdf_key(&self.inputs, typ.as_bytes()).as_str());
        (same && std::fs::symlink_metadata(out.join(rel)).is_ok_and(|m| m.is_file()))
            .then(|| entry.clone())
    }
}

/// A build written into its staging folder, not yet in place.
struct Stage {
    staging: tempfile::TempDir,
    /// Held until the build is in place (or dropped).
    _lock: OutputLock,
    /// The files written, relative to the output folder.
    files: Vec<PathBuf>,
    /// How to put them in place, and take away what is no longer published.
    steps: Vec<Step>,
    warnings: Vec<String>,
    /// Each version's HTML sections as written (see [`Report::sections`]).
    sections: HashMap<(String, String), Vec<render::SectionBody>>,
}

/// Writes every file into a fresh staging folder inside `opts.out` and compiles the
/// PDFs there; stops early when `stop` is raised. Nothing is in place yet.
fn stage(
    policy: &Policy,
    templates: &Templates,
    opts: &Options<'_>,
    stop: &AtomicBool,
) -> Result<Stage, String> {
    std::fs::create_dir_all(opts.out)
        .map_err(|e| format!("cannot create `{}` ({e})", opts.out.display()))?;
    let lock = OutputLock::take(opts.out)?;
    remove_leftovers(opts.out, &lock);
    let staging = tempfile::Builder::new()
        .prefix(commit::STAGING_PREFIX)
        .tempdir_in(opts.out)
        .map_err(|e| {
            format!(
                "cannot create a staging folder in `{}` ({e})",
                opts.out.display()
            )
        })?;
    let earlier = Earlier {
        manifest: Manifest::read(opts.out),
        inputs: manifest::inputs_digest(&templates.typst_files(), templates.dir())?,
    };
    // Fonts for Typst: in the staging folder, removed with it.
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
    let mut out = Published {
        files: Vec::new(),
        manifest: Manifest::new(),
    };
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
        let mut redlines: Vec<Option<Redline>> = Vec::new();
        for d in &diffs {
            redlines.push(match d {
                Some(d) => Some(redline_for(
                    d,
                    opts,
                    templates,
                    &earlier,
                    &mut hashes,
                    &mut out,
                )?),
                None => None,
            });
        }
        let listed: Vec<(String, String)> = doc
            .versions
            .iter()
            .zip(&redlines)
            .filter_map(|(v, r)| {
                r.as_ref()
                    .map(|r| (v.version.value.clone(), format!("{}.html", r.base)))
            })
            .collect();
        for ((v, red), d) in doc.versions.iter().zip(&mut redlines).zip(&diffs) {
            n += 1;
            if stop.load(Ordering::Relaxed) {
                return Err("stopped: the policy has problems".into());
            }
            if crate::interrupt::requested() {
                return Err(crate::interrupt::INTERRUPTED.into());
            }
            progress.set_position(n as u64 - 1);
            progress.set_message(format!("{} {}", doc.id, v.version.value));
            let hash = hashes.of(policy, doc, v);
            let staged = Staged::new(doc, v, staging.path(), hash)?;
            let mut publication = render::context::Publication {
                date: Some(opts.date),
                pdf: true,
                changes: red.as_ref().map(|r| r.changes.clone()),
                redlines: listed.clone(),
            };
            let typ_src = staged.typst(templates, policy, doc, v, &publication, &mut out)?;
            let (typ, pdf) = (
                format!("{}.typ", staged.base),
                format!("{}.pdf", staged.base),
            );
            let pdf_rel = staged.rel.join(&pdf);
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
                out.add(&pdf_rel, staged.pdf_entry(&earlier, &typ_src));
            } else if let Some(kept) = earlier.keeps(opts.out, &pdf_rel, &typ_src) {
                out.keep(&pdf_rel, kept);
            } else {
                publication.pdf = false;
            }
            // Typst works on this version's PDF while the rest of it is written.
            let page = staged.rest(templates, policy, &scope, doc, v, &publication, &mut out)?;
            sections.insert((doc.id.clone(), v.version.value.clone()), page);
            let mut redline_html = None;
            let mut redline_pdf = None;
            if let (Some(red), Some(d)) = (red, d) {
                let (html, typ_src) = match red.files.take() {
                    Some(f) => f,
                    None => redline_files(templates, d, &mut hashes)?,
                };
                staged.put(&format!("{}.html", red.base), html.as_bytes(), &mut out)?;
                redline_html = Some(format!("{}/{}.html", staged.rel_str(), red.base));
                staged.put(&format!("{}.typ", red.base), typ_src.as_bytes(), &mut out)?;
                let red_pdf = format!("{}.pdf", red.base);
                if opts.typst.is_some() {
                    jobs.start(
                        &staged.dir,
                        &format!("{}.typ", red.base),
                        &red_pdf,
                        timestamp(v),
                        format!("{} version {} (ändringar)", doc.id, v.version.value),
                    )?;
                    out.add(
                        &staged.rel.join(&red_pdf),
                        staged.pdf_entry(&earlier, &typ_src),
                    );
                }
                if red.changes.redline_pdf.is_some() {
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
                pdf_file: pdf,
                pdf: publication.pdf,
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
    out.add(Path::new("index.html"), manifest::Entry::default());
    progress.set_position(total as u64);
    progress.set_message("index, and the last PDFs");
    jobs.wait()?;
    progress.finish_and_clear();
    let steps = out.steps(&earlier.manifest, opts.out, policy);
    write_new(
        &staging.path().join(manifest::NAME),
        &out.manifest.to_bytes(),
    )?;
    Ok(Stage {
        staging,
        _lock: lock,
        files: out.files,
        steps,
        warnings: jobs.warnings,
        sections,
    })
}

/// What a build publishes: the files it wrote into the staging folder, and the record
/// of everything it leaves in the output folder (those files, and PDFs it keeps).
struct Published {
    files: Vec<PathBuf>,
    manifest: Manifest,
}

impl Published {
    /// A file written into the staging folder.
    fn add(&mut self, rel: &Path, entry: manifest::Entry) {
        self.files.push(rel.to_path_buf());
        self.manifest.files.insert(manifest::key(rel), entry);
    }

    /// A PDF an earlier build left, kept as it is.
    fn keep(&mut self, rel: &Path, entry: manifest::Entry) {
        self.manifest.files.insert(manifest::key(rel), entry);
    }

    /// The commit: every file written, the index after the files it links, then the
    /// files an earlier build published that this one does not (a document or version
    /// removed from the policy; a PDF made from other sources, which `--html-only` does
    /// not keep), and last the record, so that a commit cut short is finished by the next
    /// build.
    fn steps(&self, earlier: &Manifest, out: &Path, policy: &Policy) -> Vec<Step> {
        let index = Path::new("index.html");
        let mut steps: Vec<Step> = self
            .files
            .iter()
            .filter(|f| f.as_path() != index)
            .cloned()
            .map(Step::Put)
            .collect();
        steps.push(Step::Put(index.to_path_buf()));
        // The earlier record's files, and a PDF at any path this build writes one to,
        // whatever made it.
        let mut gone: Vec<PathBuf> = earlier
            .files
            .keys()
            .filter(|k| !self.manifest.files.contains_key(*k))
            .filter_map(|k| manifest::plain(k))
            .collect();
        for doc in &policy.documents {
            for v in &doc.versions {
                let rel = PathBuf::from(&doc.id).join(&v.version.value);
                for base in [
                    format!("{}-{}", doc.id, v.version.value),
                    redline_base(doc, v),
                ] {
                    let pdf = rel.join(format!("{base}.pdf"));
                    if !self.manifest.files.contains_key(&manifest::key(&pdf))
                        && !gone.contains(&pdf)
                        && std::fs::symlink_metadata(out.join(&pdf)).is_ok_and(|m| m.is_file())
                    {
                        gone.push(pdf);
                    }
                }
            }
        }
        gone.sort();
        steps.extend(gone.into_iter().map(Step::Remove));
        steps.push(Step::Put(PathBuf::from(manifest::NAME)));
        steps
    }
}

/// The appendix of changes of a version against the one before it (its rows and
/// links), from their diff; with `--html-only`, also its files, made now to learn
/// whether the PDF an earlier build left is kept.
fn redline_for(
    d: &crate::diff::Diff<'_>,
    opts: &Options<'_>,
    templates: &Templates,
    earlier: &Earlier,
    hashes: &mut crate::identity::Hashes,
    out: &mut Published,
) -> Result<Redline, String> {
    let (doc, prev, v) = (d.new.doc, d.old.version, d.new.version);
    let sides = side_hashes(d, hashes);
    let ctx = redline::context(d, None, redline::Backend::Html, None, sides.as_refs());
    let base = redline_base(doc, v);
    let (files, pdf) = if opts.typst.is_some() {
        (None, true)
    } else {
        let files = redline_files(templates, d, hashes)?;
        let rel = PathBuf::from(&doc.id)
            .join(&v.version.value)
            .join(format!("{base}.pdf"));
        let kept = earlier.keeps(opts.out, &rel, &files.1);
        let pdf = kept.is_some();
        if let Some(entry) = kept {
            out.keep(&rel, entry);
        }
        (Some(files), pdf)
    };
    Ok(Redline {
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
        files,
    })
}

/// The content hashes of a redline's two versions, from the build's cache (in a build
/// both sides are versions of the policy being built).
struct SideHashes(String, String);

impl SideHashes {
    fn as_refs(&self) -> (&str, &str) {
        (&self.0, &self.1)
    }
}

fn side_hashes(d: &crate::diff::Diff<'_>, hashes: &mut crate::identity::Hashes) -> SideHashes {
    SideHashes(
        hashes.of(d.old.policy, d.old.doc, d.old.version),
        hashes.of(d.new.policy, d.new.doc, d.new.version),
    )
}

/// The redline's HTML page and Typst source, beside the newer version's files.
fn redline_files(
    templates: &Templates,
    d: &crate::diff::Diff<'_>,
    hashes: &mut crate::identity::Hashes,
) -> Result<(String, String), String> {
    let (doc, prev, v) = (d.new.doc, d.old.version, d.new.version);
    let sides = side_hashes(d, hashes);
    let hrefs = || {
        Some((
            render::context::version_href(&doc.id, &prev.version.value),
            format!("{}-{}.html", doc.id, v.version.value),
        ))
    };
    let html = templates
        .render(
            "redline.html",
            &redline::context(d, None, redline::Backend::Html, hrefs(), sides.as_refs()),
        )
        .map_err(|e| place(doc, v, &e))?;
    let typ = templates
        .render(
            "redline.typ",
            &redline::context(d, None, redline::Backend::Typst, None, sides.as_refs()),
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
}

impl Staged {
    fn new(doc: &Document, v: &Version, staging: &Path, hash: String) -> Result<Staged, String> {
        let rel = PathBuf::from(&doc.id).join(&v.version.value);
        let dir = staging.join(&rel);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create `{}` ({e})", dir.display()))?;
        let base = format!("{}-{}", doc.id, v.version.value);
        Ok(Staged {
            dir,
            rel,
            base,
            hash,
        })
    }

    /// The version's folder as a URL path relative to the index.
    fn rel_str(&self) -> String {
        crate::source::display_path(&self.rel)
    }

    fn entry(&self) -> manifest::Entry {
        manifest::Entry {
            content_hash: Some(self.hash.clone()),
            built_from: None,
        }
    }

    /// The record of a PDF compiled from `typ`.
    fn pdf_entry(&self, earlier: &Earlier, typ: &str) -> manifest::Entry {
        manifest::Entry {
            content_hash: Some(self.hash.clone()),
            built_from: Some(manifest::pdf_key(&earlier.inputs, typ.as_bytes())),
        }
    }

    fn put(&self, name: &str, bytes: &[u8], out: &mut Published) -> Result<(), String> {
        write_new(&self.dir.join(name), bytes)?;
        out.add(&self.rel.join(name), self.entry());
        Ok(())
    }

    /// The Typst source: written first, so that Typst can start on it. Returns it.
    fn typst(
        &self,
        templates: &Templates,
        policy: &Policy,
        doc: &Document,
        v: &Version,
        publication: &render::context::Publication,
        out: &mut Published,
    ) -> Result<String, String> {
        let typ = render::typst_source(templates, policy, doc, v, &self.hash, publication)
            .map_err(|e| place(doc, v, &e))?;
        self.put(&format!("{}.typ", self.base), typ.as_bytes(), out)?;
        Ok(typ)
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
        out: &mut Published,
    ) -> Result<Vec<render::SectionBody>, String> {
        let (html, sections) =
            render::html_page_and_sections(templates, policy, doc, v, &self.hash, publication)
                .map_err(|e| place(doc, v, &e))?;
        self.put(&format!("{}.html", self.base), html.as_bytes(), out)?;
        // The check reports rule errors; a rule with errors is left out here.
        let compiled =
            crate::check::rules::compile_version(policy, scope, v, &mut Diagnostics::default());
        let criteria = export::criteria_json(policy, &doc.id, v, &compiled, &self.hash);
        self.put("criteria.json", pretty(&criteria).as_bytes(), out)?;
        if v.interventions.is_empty() {
            // Nothing can be applied for under it (an anvisning): no case schema.
            return Ok(sections);
        }
        let schema = export::case_schema(policy, &doc.id, v, &compiled);
        self.put("case.schema.json", pretty(&schema).as_bytes(), out)?;
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
