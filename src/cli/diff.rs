//! `styrdok diff`: resolves each side (a file, `DOC@VERSION`, `DOC@DATE`, `DOC`, a
//! document folder or `REV:path`), loads each policy folder once, and writes the diff
//! (and, with `--cases`, the impact on cases) in the format asked for.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use styrdok::diag::{Diagnostics, Severity, render_human};
use styrdok::load::git::{Entry, GitTree, Repo};
use styrdok::load::{DiskTree, SourceTree};
use styrdok::model::{Document, Policy, Version};

use super::args::{BatchFormat, ColorChoice, DiffArgs, DiffFormat};

/// Exit status: the versions differ.
const CHANGES: u8 = 1;
/// Exit status: trouble (as `diff`'s).
const TROUBLE: u8 = 2;

/// Where a side's policy folder is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    Disk(PathBuf),
    Git {
        rev: String,
        commit: String,
        root: PathBuf,
    },
}

/// Which version of the document, once the policy is loaded.
#[derive(Debug, Clone)]
enum Pick {
    /// The version read from this file (name inside the document folder).
    File(String),
    /// By label, or else as a date (the version in force then).
    At(String),
    /// The latest version (`n` = 0), or the one before it (`n` = 1).
    Latest(usize),
}

/// One side, resolved to a policy folder, a document and a way to pick the version.
#[derive(Debug, Clone)]
struct Spec {
    source: Source,
    doc: String,
    pick: Pick,
    /// As the user wrote it.
    written: String,
}

/// The files that mark a policy folder.
const SHARED: [&str; 3] = styrdok::load::SHARED_FILES;

fn is_doc_id(s: &str) -> bool {
    styrdok::model::is_slug(s, true)
}

/// Reads one argument (see `styrdok diff --help`).
fn spec(arg: &str, policy: &Path) -> Result<Spec, String> {
    let written = arg.to_string();
    let path = Path::new(arg);
    if path.exists() {
        return disk_spec(path, written);
    }
    // A git revision may hold `@` (`HEAD@{1}`, `main@{upstream}`); a label or a date
    // never holds `:`.
    if let Some((rev, rel)) = arg.split_once(':') {
        return git_spec(rev, rel, written);
    }
    if let Some((doc, at)) = arg.split_once('@') {
        if !is_doc_id(doc) {
            return Err(format!(
                "`{arg}` is not `DOC@VERSION` or `DOC@DATE`: `{doc}` is not a document id"
            ));
        }
        if at.is_empty() {
            return Err(format!(
                "`{arg}` names no version: write `{doc}@<version>` or `{doc}@<YYYY-MM-DD>`, or `{doc}` for its latest version"
            ));
        }
        return Ok(Spec {
            source: Source::Disk(policy.to_path_buf()),
            doc: doc.to_string(),
            pick: Pick::At(at.to_string()),
            written,
        });
    }
    if is_doc_id(arg) {
        return Ok(Spec {
            source: Source::Disk(policy.to_path_buf()),
            doc: arg.to_string(),
            pick: Pick::Latest(0),
            written,
        });
    }
    Err(format!(
        "`{arg}` is not a version file, a document folder, `DOC@VERSION`, `DOC@DATE`, `DOC` or `REV:path`"
    ))
}

fn disk_spec(path: &Path, written: String) -> Result<Spec, String> {
    let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
    if path.is_dir() {
        // A document folder: its latest version; its parent is the policy folder.
        let doc = name(&std::fs::canonicalize(path).unwrap_or(path.to_path_buf()))
            .ok_or_else(|| format!("`{}` is not a document folder", path.display()))?;
        if SHARED.iter().any(|f| path.join(f).exists()) {
            return Err(format!(
                "`{}` is a policy folder: name a document in it (`DOC`, `DOC@VERSION`) or a version file",
                path.display()
            ));
        }
        if doc == "tests" {
            return Err(format!(
                "`{}` holds policy tests, not versions: to try its cases under both versions, give it to `--cases`",
                path.display()
            ));
        }
        let has_versions = std::fs::read_dir(path).is_ok_and(|entries| {
            entries.flatten().any(|e| {
                e.file_type().is_ok_and(|t| t.is_file())
                    && styrdok::load::is_yaml(&e.file_name().to_string_lossy())
            })
        });
        if !has_versions {
            return Err(format!(
                "`{}` holds no version file: a document folder holds one `.yaml` file per version",
                path.display()
            ));
        }
        let root = path.join("..");
        return Ok(Spec {
            source: Source::Disk(root),
            doc,
            pick: Pick::Latest(0),
            written,
        });
    }
    if !styrdok::load::is_yaml(&name(path).unwrap_or_default()) {
        return Err(format!(
            "`{}` is not a version file (a `.yaml` file in a document folder of a policy folder)",
            path.display()
        ));
    }
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let doc = name(&std::fs::canonicalize(folder).unwrap_or(folder.to_path_buf()))
        .ok_or_else(|| format!("`{}` is not in a document folder", path.display()))?;
    not_a_version(
        &path.display().to_string(),
        &name(path).unwrap_or_default(),
        &doc,
        SHARED.iter().any(|f| folder.join(f).exists()),
    )?;
    Ok(Spec {
        source: Source::Disk(folder.join("..")),
        doc,
        pick: Pick::File(name(path).unwrap_or_default()),
        written,
    })
}

/// Refuses a file that is in a policy folder but is not a version: a shared file
/// (`facts.yaml` …), any file beside them, or a policy test.
fn not_a_version(
    shown: &str,
    file: &str,
    folder: &str,
    in_policy_folder: bool,
) -> Result<(), String> {
    if SHARED.contains(&file) {
        return Err(format!(
            "`{shown}` is one of the policy folder's shared files ({}), not a version: name a version file in a document folder",
            SHARED.join(", ")
        ));
    }
    if in_policy_folder {
        return Err(format!(
            "`{shown}` is in the policy folder itself, not in a document folder: a version file is `<policy>/<document>/<version>.yaml`"
        ));
    }
    if folder == "tests" {
        return Err(format!(
            "`{shown}` is a policy test file, not a version: to try its cases under both versions, give it to `--cases`"
        ));
    }
    Ok(())
}

fn git_spec(rev: &str, rel: &str, written: String) -> Result<Spec, String> {
    let repo = Repo::open(Path::new("."))?;
    let commit = repo.commit(rev)?;
    let path = repo.path(rel)?;
    let shown = |p: &Path| p.to_string_lossy().replace('\\', "/");
    match repo.entry(&commit, &path)? {
        None => Err(format!(
            "`{}` does not exist at git revision `{rev}`",
            shown(&path)
        )),
        Some(Entry::File) => {
            let folder = path.parent().unwrap_or(Path::new(""));
            let doc = folder
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .ok_or_else(|| format!("`{rel}` is not in a document folder"))?;
            let mut in_policy_folder = false;
            for f in SHARED {
                in_policy_folder |= repo.entry(&commit, &folder.join(f))?.is_some();
            }
            let file = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !styrdok::load::is_yaml(&file) {
                return Err(format!(
                    "`{written}` is not a version file (a `.yaml` file in a document folder of a policy folder)"
                ));
            }
            not_a_version(&written, &file, &doc, in_policy_folder)?;
            Ok(Spec {
                source: Source::Git {
                    rev: rev.to_string(),
                    commit,
                    root: folder.parent().unwrap_or(Path::new("")).to_path_buf(),
                },
                doc,
                pick: Pick::File(
                    path.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                ),
                written,
            })
        }
        Some(Entry::Folder) => {
            let doc = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .ok_or_else(|| format!("`{written}` names the whole repository: name a document folder or a version file"))?;
            if doc == "tests" {
                return Err(format!(
                    "`{written}` holds policy tests, not versions: to try its cases under both versions, give them to `--cases` (from the work tree)"
                ));
            }
            for f in SHARED {
                if repo.entry(&commit, &path.join(f))?.is_some() {
                    return Err(format!(
                        "`{written}` is a policy folder: name a document folder in it, or a version file"
                    ));
                }
            }
            Ok(Spec {
                source: Source::Git {
                    rev: rev.to_string(),
                    commit,
                    root: path.parent().unwrap_or(Path::new("")).to_path_buf(),
                },
                doc,
                pick: Pick::Latest(0),
                written,
            })
        }
    }
}

/// Loads the policy folder of a side, with the loader's diagnostics (the check runs
/// later, beside the diff).
fn load(source: &Source) -> Result<(Policy, Diagnostics, PathBuf), String> {
    let tree: Box<dyn SourceTree> = match source {
        Source::Disk(root) => Box::new(DiskTree::new(root)?),
        Source::Git { rev, commit, root } => Box::new(GitTree::new(
            &Repo::open(Path::new("."))?,
            rev,
            commit,
            root,
        )?),
    };
    let (policy, diags) = styrdok::load::load(tree.as_ref());
    Ok((policy, diags, tree.root().to_path_buf()))
}

/// Prints a side's errors, located; `true` when it has any (the diff does not go on).
fn refused(policy: &Policy, mut diags: Diagnostics, root: &Path) -> bool {
    diags.sort();
    let errors = diags.count(Severity::Error);
    if errors == 0 {
        return false;
    }
    let color = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none();
    for d in diags.iter().filter(|d| d.severity == Severity::Error) {
        note!("{}", render_human(&policy.sources, d, color));
    }
    note!(
        "{}: {errors} error{}: fix them before comparing (`styrdok check`)",
        root.display(),
        if errors == 1 { "" } else { "s" }
    );
    true
}

/// The version a side picks, or why there is none.
fn pick<'p>(policy: &'p Policy, s: &Spec) -> Result<(&'p Document, &'p Version), String> {
    let Some(doc) = policy.document(&s.doc) else {
        let known: Vec<&str> = policy.documents.iter().map(|d| d.id.as_str()).collect();
        let hint = styrdok::diag::did_you_mean(&s.doc, known.iter().copied()).map_or_else(
            || format!("; the documents are {}", styrdok::diag::list(&known)),
            |b| format!("; did you mean `{b}`?"),
        );
        return Err(format!(
            "`{}`: there is no document `{}`{hint}",
            s.written, s.doc
        ));
    };
    let labels = || {
        doc.versions
            .iter()
            .map(|v| v.version.value.as_str())
            .collect::<Vec<_>>()
    };
    let v = match &s.pick {
        Pick::File(name) => doc.versions.iter().find(|v| {
            policy
                .sources
                .get(v.file)
                .path
                .file_name()
                .is_some_and(|n| n.to_string_lossy() == *name)
        }),
        Pick::At(at) => match doc.version(at) {
            Some(v) => Some(v),
            None => match styrdok::date::parse(at) {
                Ok(date) => Some(doc.version_on(date).ok_or_else(|| {
                    format!(
                        "`{}`: no version of `{}` is in force on {date} (versions: {})",
                        s.written,
                        doc.id,
                        styrdok::diag::list(&labels())
                    )
                })?),
                Err(_) => {
                    let hint = styrdok::diag::did_you_mean(at, labels())
                        .map(|b| format!("did you mean `{b}`? "))
                        .unwrap_or_default();
                    return Err(format!(
                        "`{}`: `{}` has no version `{at}` ({hint}its versions are {}; a date is written YYYY-MM-DD)",
                        s.written,
                        doc.id,
                        styrdok::diag::list(&labels())
                    ));
                }
            },
        },
        Pick::Latest(n) => doc.versions.iter().rev().nth(*n),
    };
    match v {
        Some(v) => Ok((doc, v)),
        None => Err(match &s.pick {
            Pick::Latest(1) => format!(
                "`{}` has only one version: there is nothing to compare it with",
                doc.id
            ),
            _ => format!("`{}` is not a version of `{}`", s.written, doc.id),
        }),
    }
}

pub(super) fn run(a: &DiffArgs) -> Result<ExitCode, String> {
    let (old, new) = match &a.new {
        Some(new) => (spec(&a.old, &a.policy)?, spec(new, &a.policy)?),
        None => {
            let one = spec(&a.old, &a.policy)?;
            if !matches!(one.pick, Pick::Latest(0)) {
                return Err(format!(
                    "`{}` names one version: give two (`styrdok diff OLD NEW`), or a document alone to compare its two latest versions",
                    a.old
                ));
            }
            let mut older = one.clone();
            older.pick = Pick::Latest(1);
            (older, one)
        }
    };
    if a.format == DiffFormat::Pdf && a.out.is_none() {
        return Err("`--format pdf` writes a file: name it with `--out redline.pdf`".into());
    }
    // Each policy folder is loaded once, even when both sides are in it.
    let same = same_source(&old.source, &new.source);
    let (policy_old, loaded_old, root_old) = load(&old.source)?;
    if refused(&policy_old, loaded_old, &root_old) {
        return Ok(ExitCode::from(TROUBLE));
    }
    let loaded_new;
    let (policy_new, root_new) = if same {
        (&policy_old, root_old.clone())
    } else {
        let (p, diags, root) = load(&new.source)?;
        if refused(&p, diags, &root) {
            return Ok(ExitCode::from(TROUBLE));
        }
        loaded_new = p;
        (&loaded_new, root)
    };
    let (doc_a, va) = pick(&policy_old, &old)?;
    let (doc_b, vb) = pick(policy_new, &new)?;
    if doc_a.id != doc_b.id {
        return Err(format!(
            "`{}` and `{}` are versions of two different documents (`{}` and `{}`): diff compares versions of one document",
            old.written, new.written, old.doc, new.doc
        ));
    }

    let sides = (
        styrdok::diff::Side {
            policy: &policy_old,
            doc: doc_a,
            version: va,
        },
        styrdok::diff::Side {
            policy: policy_new,
            doc: doc_b,
            version: vb,
        },
    );
    // The check runs on another core while the diff is made; a side with errors stops
    // the run before anything is written.
    let (d, checks) = std::thread::scope(|scope| {
        let check = scope.spawn(|| {
            let a = styrdok::check::check(&policy_old);
            let b = (!same).then(|| styrdok::check::check(policy_new));
            (a, b)
        });
        let d = styrdok::diff::diff(sides.0, sides.1);
        (d, check.join().expect("the check does not panic"))
    });
    if refused(&policy_old, checks.0, &root_old) {
        return Ok(ExitCode::from(TROUBLE));
    }
    if let Some(b) = checks.1 {
        if refused(policy_new, b, &root_new) {
            return Ok(ExitCode::from(TROUBLE));
        }
    }
    let color = match a.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            a.out.is_none()
                && std::io::IsTerminal::is_terminal(&std::io::stdout())
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    // Everything the impact needs is made and checked before a byte is written.
    let engines = match &a.cases {
        Some(_) => Some(Engines::new(&d)?),
        None => None,
    };
    let cases = match (&a.cases, &engines) {
        (Some(path), Some(e)) => Some(Cases::new(path, a.input_format, &d, e)?),
        _ => None,
    };
    let cases_path = a.cases.clone().unwrap_or_default();
    let templates = match a.format {
        DiffFormat::Html | DiffFormat::Pdf => Some(super::templates(&a.policy, None)?),
        _ => None,
    };
    if let Some(path) = &a.out {
        // Renamed over an input, the output would destroy what was compared.
        let mut read: Vec<PathBuf> = a.cases.iter().cloned().collect();
        if let Some(c) = &cases {
            read.extend(c.files());
        }
        if matches!(old.source, Source::Disk(_)) {
            read.extend(policy_old.sources.paths().map(Path::to_path_buf));
        }
        if matches!(new.source, Source::Disk(_)) {
            read.extend(policy_new.sources.paths().map(Path::to_path_buf));
        }
        if let Some(t) = &templates {
            read.extend(t.files());
        }
        styrdok::write::not_an_input("--out", path, read.iter().map(PathBuf::as_path))?;
    }
    let mut out = Out::open(a.out.as_deref())?;
    let written = match a.format {
        DiffFormat::Json => {
            // The changed cases are written as they are found: the impact of a million
            // cases never sits in memory.
            let diff_json = format!("{:#}", styrdok::diff::format::json(&d));
            match (cases, &engines) {
                (Some(c), Some(e)) => {
                    let open = diff_json.trim_end().strip_suffix('}').unwrap_or(&diff_json);
                    out.write(
                        format!("{}, \"impact\": {{\"cases\": [", open.trim_end()).as_bytes(),
                    )?;
                    let mut first = true;
                    let mut sink = |changed: &styrdok::eval::impact::ChangedCase| {
                        let v = styrdok::eval::impact::case_json(changed);
                        let sep = if first { "\n" } else { ",\n" };
                        first = false;
                        out.write(format!("{sep}{v}").as_bytes())
                            .map_err(styrdok::eval::batch::Stop::Failed)?;
                        if out.closed() {
                            return Err(styrdok::eval::batch::Stop::Closed);
                        }
                        Ok(())
                    };
                    let ran = c.run(e, a.examples, &mut sink).and_then(|i| match i {
                        Some(i) => unreadable(&i, &cases_path).map(|()| Some(i)),
                        None => Ok(None),
                    });
                    match ran {
                        Ok(Some(impact)) => {
                            let summary = styrdok::eval::impact::summary_json(&impact);
                            out.write(format!("\n], \"summary\": {summary}}}}}\n").as_bytes())?;
                            true
                        }
                        Ok(None) => false,
                        Err(e) => {
                            // Standard output (or a pipe) has the start of the document
                            // already: it is closed with the error, so that it is JSON all
                            // the same (a file is left as it was).
                            if out.is_direct() {
                                let error = serde_json::Value::from(e.as_str());
                                let _ =
                                    out.write(format!("\n], \"error\": {error}}}}}\n").as_bytes());
                                let _ = out.finish();
                            }
                            return Err(e);
                        }
                    }
                }
                _ => {
                    out.write(format!("{diff_json}\n").as_bytes())?;
                    true
                }
            }
        }
        format => {
            let impact = match (cases, &engines) {
                (Some(c), Some(e)) => {
                    let i = c
                        .run(e, a.examples, &mut |_| Ok(()))?
                        .expect("a sink that takes everything");
                    unreadable(&i, &cases_path)?;
                    Some(i)
                }
                _ => None,
            };
            let bytes = match format {
                DiffFormat::Terminal => {
                    let mut s = styrdok::diff::format::terminal(&d, color);
                    if let Some(i) = &impact {
                        s.push_str(&styrdok::eval::impact::text(i));
                    }
                    s.into_bytes()
                }
                DiffFormat::Markdown => {
                    // One comment: the impact takes at most half, the diff the rest.
                    use styrdok::diff::format::MARKDOWN_LIMIT;
                    let impact = impact
                        .as_ref()
                        .map(|i| styrdok::eval::impact::markdown(i, MARKDOWN_LIMIT / 2))
                        .unwrap_or_default();
                    let mut s = styrdok::diff::format::markdown(&d, MARKDOWN_LIMIT - impact.len());
                    s.push_str(&impact);
                    s.into_bytes()
                }
                _ => {
                    let templates = templates.as_ref().expect("loaded for html and pdf");
                    let html = format == DiffFormat::Html;
                    styrdok::publish::redline::standalone(templates, &d, impact.as_ref(), html)?
                }
            };
            out.write(&bytes)?;
            true
        }
    };
    out.finish()?;
    if let (true, Some(path)) = (written, &a.out) {
        note!("wrote {}", path.display());
    }
    let code = if d.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(CHANGES)
    };
    // The process ends here: freeing the diff's many small strings would cost a tenth
    // of a large diff's time for nothing.
    std::mem::forget(d);
    Ok(code)
}

/// Where the output goes: a file that appears complete or not at all, or standard
/// output (a reader that stops early, `| head`, ends the run quietly).
enum Out {
    File(std::io::BufWriter<styrdok::write::OutFile>),
    Stdout(std::io::Stdout, bool),
}

impl Out {
    fn open(path: Option<&Path>) -> Result<Out, String> {
        Ok(match path {
            Some(p) => Out::File(std::io::BufWriter::new(styrdok::write::OutFile::create(p)?)),
            None => Out::Stdout(std::io::stdout(), false),
        })
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), String> {
        match self {
            Out::File(f) => f
                .write_all(bytes)
                .map_err(|e| format!("cannot write the diff ({e})")),
            Out::Stdout(_, true) => Ok(()),
            Out::Stdout(o, closed) => match o.lock().write_all(bytes) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                    *closed = true;
                    Ok(())
                }
                r => r.map_err(|e| format!("cannot write the diff ({e})")),
            },
        }
    }

    /// Whether what is written is seen as it is written (standard output, a pipe or a
    /// device), not only when complete (a file).
    fn is_direct(&self) -> bool {
        match self {
            Out::File(f) => f.get_ref().is_direct(),
            Out::Stdout(..) => true,
        }
    }

    /// Whether whoever reads standard output stopped reading.
    fn closed(&self) -> bool {
        matches!(self, Out::Stdout(_, true))
    }

    fn finish(self) -> Result<(), String> {
        match self {
            Out::File(f) => f
                .into_inner()
                .map_err(|e| format!("cannot write the diff ({})", e.error()))?
                .finish(),
            Out::Stdout(mut o, closed) => {
                if !closed {
                    let _ = o.flush();
                }
                Ok(())
            }
        }
    }
}

/// The engines that try cases under the two versions (one when both sides share a
/// policy folder), and where each version is among them.
struct Engines<'p> {
    old: styrdok::eval::Engine<'p>,
    new: Option<styrdok::eval::Engine<'p>>,
    k_old: usize,
    k_new: usize,
}

impl<'p> Engines<'p> {
    fn new(d: &styrdok::diff::Diff<'p>) -> Result<Self, String> {
        use styrdok::eval::Engine;
        let old = Engine::new(d.old.policy).map_err(|e| e.0)?;
        let new = if std::ptr::eq(d.old.policy, d.new.policy) {
            None
        } else {
            Some(Engine::new(d.new.policy).map_err(|e| e.0)?)
        };
        let find = |e: &Engine<'_>, s: &styrdok::diff::Side<'_>| {
            e.versions
                .iter()
                .position(|v| v.doc.id == s.doc.id && v.version.version.value == s.version.version.value)
                .ok_or_else(|| {
                    format!(
                        "`{}` version {} has no interventions: there is nothing to try cases against",
                        s.doc.id, s.version.version.value
                    )
                })
        };
        let k_old = find(&old, &d.old)?;
        let k_new = find(new.as_ref().unwrap_or(&old), &d.new)?;
        Ok(Engines {
            old,
            new,
            k_old,
            k_new,
        })
    }

    fn pairs(
        &self,
    ) -> (
        styrdok::eval::impact::Pair<'_, 'p>,
        styrdok::eval::impact::Pair<'_, 'p>,
    ) {
        let new = self.new.as_ref().unwrap_or(&self.old);
        (
            styrdok::eval::impact::Pair {
                engine: &self.old,
                version: &self.old.versions[self.k_old],
            },
            styrdok::eval::impact::Pair {
                engine: new,
                version: &new.versions[self.k_new],
            },
        )
    }
}

/// The cases of `--cases`, read and checked before anything is written: a batch file
/// (opened), or policy tests (decoded for each side's policy).
enum Cases {
    Batch(std::fs::File, styrdok::eval::batch::Format),
    Tests(
        Vec<styrdok::eval::policytest::Test>,
        Option<Vec<styrdok::eval::policytest::Test>>,
        styrdok::source::Sources,
    ),
}

impl Cases {
    fn new(
        path: &Path,
        format: Option<BatchFormat>,
        d: &styrdok::diff::Diff<'_>,
        engines: &Engines<'_>,
    ) -> Result<Cases, String> {
        if !path.exists() {
            return Err(format!("`{}` does not exist", path.display()));
        }
        let open = |f| {
            std::fs::File::open(path)
                .map(|file| Cases::Batch(file, f))
                .map_err(|e| format!("cannot open `{}` ({e})", path.display()))
        };
        if let Some(f) = input_format(format) {
            return open(f);
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            _ if path.is_dir() => Cases::tests(path, d, engines),
            Some("jsonl" | "ndjson") => open(styrdok::eval::batch::Format::Jsonl),
            Some("csv") => open(styrdok::eval::batch::Format::Csv),
            Some("yaml" | "yml") => Cases::tests(path, d, engines),
            _ => Err(format!(
                "cannot tell what `{}` holds from its name: `--cases` reads JSON Lines (.jsonl), CSV (.csv) or policy tests (.yaml, or a tests folder); or give `--input-format`",
                path.display()
            )),
        }
    }

    /// Policy tests, decoded once per policy folder. Their problems are listed by place
    /// and kind only, without their messages, which may quote a value: a test file's
    /// lines hold case data, which stays out of a CI log.
    fn tests(
        path: &Path,
        d: &styrdok::diff::Diff<'_>,
        engines: &Engines<'_>,
    ) -> Result<Cases, String> {
        use styrdok::eval::policytest::load_path;
        let mut sources = styrdok::source::Sources::default();
        let mut diags = styrdok::diag::Diagnostics::default();
        let old = load_path(path, &d.old.doc.id, &engines.old, &mut sources, &mut diags)?;
        let new = match &engines.new {
            Some(e) => Some(load_path(path, &d.new.doc.id, e, &mut sources, &mut diags)?),
            None => None,
        };
        if diags.has_errors() || new.as_ref().is_some_and(|n| n.len() != old.len()) {
            for x in diags.iter().filter(|x| x.severity == Severity::Error) {
                note!("{}: error[{}]", sources.locate(x.span), x.code);
            }
            return Err(format!(
                "the policy tests in `{}` have problems: no case was tried (`styrdok test` shows them in full)",
                path.display()
            ));
        }
        if old.is_empty() {
            return Err(format!(
                "`{}` holds no policy test of `{}`: no case was tried",
                path.display(),
                d.old.doc.id
            ));
        }
        Ok(Cases::Tests(old, new, sources))
    }

    /// The files read for the cases, besides the path given: each policy test file.
    fn files(&self) -> Vec<PathBuf> {
        match self {
            Cases::Batch(..) => Vec::new(),
            Cases::Tests(_, _, sources) => sources.paths().map(Path::to_path_buf).collect(),
        }
    }

    /// Tries every case under both versions. `None` when whoever reads the output stopped
    /// reading (`… | head`): the run ends quietly.
    fn run(
        self,
        engines: &Engines<'_>,
        examples: usize,
        sink: &mut dyn FnMut(
            &styrdok::eval::impact::ChangedCase,
        ) -> Result<(), styrdok::eval::batch::Stop>,
    ) -> Result<Option<styrdok::eval::impact::Impact>, String> {
        let (old, new) = engines.pairs();
        let result = match self {
            Cases::Batch(file, format) => {
                let mut input = std::io::BufReader::with_capacity(1 << 16, file);
                styrdok::eval::impact::run_batch(old, new, &mut input, format, examples, sink)
            }
            Cases::Tests(t_old, t_new, sources) => {
                let t_new = t_new.as_ref().unwrap_or(&t_old);
                let cases: Vec<(String, u64, &styrdok::eval::Case, &styrdok::eval::Case)> = t_old
                    .iter()
                    .zip(t_new)
                    .map(|(a, b)| {
                        let (line, _) = sources.get(a.span.file).line_col(a.span.start as usize);
                        // A test is known by its case's `arende`, else by its name.
                        let name = a.case.id.clone().unwrap_or_else(|| a.name.clone());
                        (name, line as u64, &a.case, &b.case)
                    })
                    .collect();
                styrdok::eval::impact::run_cases(old, new, &cases, examples, sink)
            }
        };
        match result {
            Ok(i) => Ok(Some(i)),
            Err(styrdok::eval::batch::Stop::Failed(e)) => Err(e),
            Err(styrdok::eval::batch::Stop::Closed) => Ok(None),
        }
    }
}

/// Says which rows could not be read (line numbers only: the reasons may quote case
/// data); an error when none could.
fn unreadable(i: &styrdok::eval::impact::Impact, path: &Path) -> Result<(), String> {
    if i.unreadable == 0 {
        return Ok(());
    }
    let lines: Vec<String> = i.unreadable_lines.iter().map(ToString::to_string).collect();
    let more = if i.unreadable > i.unreadable_lines.len() as u64 {
        ", …"
    } else {
        ""
    };
    let what = format!(
        "{} {} in `{}` could not be read as a case (line {}{more}); `styrdok eval --cases` says why",
        i.unreadable,
        if i.unreadable == 1 { "row" } else { "rows" },
        path.display(),
        lines.join(", ")
    );
    if i.cases == 0 {
        return Err(format!("{what}: no case was tried"));
    }
    note!("warning: {what}");
    Ok(())
}

fn same_source(a: &Source, b: &Source) -> bool {
    match (a, b) {
        (Source::Disk(x), Source::Disk(y)) => {
            let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
            canon(x) == canon(y)
        }
        (x, y) => x == y,
    }
}

fn input_format(f: Option<BatchFormat>) -> Option<styrdok::eval::batch::Format> {
    f.map(|f| match f {
        BatchFormat::Jsonl => styrdok::eval::batch::Format::Jsonl,
        BatchFormat::Csv => styrdok::eval::batch::Format::Csv,
    })
}
