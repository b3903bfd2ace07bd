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
    if let Some((doc, at)) = arg.split_once('@') {
        if !is_doc_id(doc) || at.is_empty() {
            return Err(format!(
                "`{arg}` is not `DOC@VERSION` or `DOC@DATE`: `{doc}` is not a document id"
            ));
        }
        return Ok(Spec {
            source: Source::Disk(policy.to_path_buf()),
            doc: doc.to_string(),
            pick: Pick::At(at.to_string()),
            written,
        });
    }
    if let Some((rev, rel)) = arg.split_once(':') {
        return git_spec(rev, rel, written);
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
        if path.join("glossary.yaml").exists() || path.join("facts.yaml").exists() {
            return Err(format!(
                "`{}` is a policy folder: name a document in it (`DOC`, `DOC@VERSION`) or a version file",
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
    Ok(Spec {
        source: Source::Disk(folder.join("..")),
        doc,
        pick: Pick::File(name(path).unwrap_or_default()),
        written,
    })
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
        eprintln!("{}", render_human(&policy.sources, d, color));
    }
    eprintln!(
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
    let mut out = Out::open(a.out.as_deref())?;
    let cases = match &a.cases {
        Some(path) => Some(Cases::new(path, a.input_format)?),
        None => None,
    };
    let written = match a.format {
        DiffFormat::Json => {
            // The changed cases are written as they are found: the impact of a million
            // cases never sits in memory.
            let diff_json = format!("{:#}", styrdok::diff::format::json(&d));
            match &cases {
                None => out.write(format!("{diff_json}\n").as_bytes())?,
                Some(c) => {
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
                            .map_err(styrdok::eval::batch::Stop::Failed)
                    };
                    let impact = c.run(&d, a.examples, &mut sink)?;
                    let summary = styrdok::eval::impact::summary_json(&impact);
                    out.write(format!("\n], \"summary\": {summary}}}}}\n").as_bytes())?;
                }
            }
            true
        }
        format => {
            let impact = match &cases {
                Some(c) => Some(c.run(&d, a.examples, &mut |_| Ok(()))?),
                None => None,
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
                    let mut s = styrdok::diff::format::markdown(&d);
                    if let Some(i) = &impact {
                        s.push_str(&styrdok::eval::impact::markdown(i));
                    }
                    s.into_bytes()
                }
                _ => {
                    let templates = super::templates(&a.policy, None)?;
                    let html = format == DiffFormat::Html;
                    styrdok::publish::redline::standalone(&templates, &d, impact.as_ref(), html)?
                }
            };
            out.write(&bytes)?;
            true
        }
    };
    out.finish()?;
    if let (true, Some(path)) = (written, &a.out) {
        eprintln!("wrote {}", path.display());
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

/// The cases of `--cases`: a batch file, or policy tests.
enum Cases {
    Batch(PathBuf, styrdok::eval::batch::Format),
    Tests(PathBuf),
}

impl Cases {
    fn new(path: &Path, format: Option<BatchFormat>) -> Result<Cases, String> {
        if !path.exists() {
            return Err(format!("`{}` does not exist", path.display()));
        }
        if let Some(f) = input_format(format) {
            return Ok(Cases::Batch(path.to_path_buf(), f));
        }
        if path.is_dir() {
            return Ok(Cases::Tests(path.to_path_buf()));
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("jsonl" | "ndjson") => Ok(Cases::Batch(
                path.to_path_buf(),
                styrdok::eval::batch::Format::Jsonl,
            )),
            Some("csv") => Ok(Cases::Batch(
                path.to_path_buf(),
                styrdok::eval::batch::Format::Csv,
            )),
            Some("yaml" | "yml") => Ok(Cases::Tests(path.to_path_buf())),
            _ => Err(format!(
                "cannot tell what `{}` holds from its name: `--cases` reads JSON Lines (.jsonl), CSV (.csv) or policy tests (.yaml, or a tests folder); or give `--input-format`",
                path.display()
            )),
        }
    }

    /// Evaluates every case under both versions of `d`.
    fn run(
        &self,
        d: &styrdok::diff::Diff<'_>,
        examples: usize,
        sink: &mut dyn FnMut(
            &styrdok::eval::impact::ChangedCase,
        ) -> Result<(), styrdok::eval::batch::Stop>,
    ) -> Result<styrdok::eval::impact::Impact, String> {
        use styrdok::eval::Engine;
        use styrdok::eval::impact::Pair;
        let e_old = Engine::new(d.old.policy).map_err(|e| e.0)?;
        let e_new_owned;
        let e_new = if std::ptr::eq(d.old.policy, d.new.policy) {
            &e_old
        } else {
            e_new_owned = Engine::new(d.new.policy).map_err(|e| e.0)?;
            &e_new_owned
        };
        let compiled = |e: &'_ Engine<'_>, s: &styrdok::diff::Side<'_>| {
            let found = e.versions.iter().position(|v| {
                v.doc.id == s.doc.id && v.version.version.value == s.version.version.value
            });
            found.ok_or_else(|| {
                format!(
                    "`{}` version {} has no interventions: there is nothing to try cases against",
                    s.doc.id, s.version.version.value
                )
            })
        };
        let (k_old, k_new) = (compiled(&e_old, &d.old)?, compiled(e_new, &d.new)?);
        let old = Pair {
            engine: &e_old,
            version: &e_old.versions[k_old],
        };
        let new = Pair {
            engine: e_new,
            version: &e_new.versions[k_new],
        };
        let stopped = |r: Result<styrdok::eval::impact::Impact, styrdok::eval::batch::Stop>| match r
        {
            Ok(i) => Ok(i),
            Err(styrdok::eval::batch::Stop::Failed(e)) => Err(e),
            Err(styrdok::eval::batch::Stop::Closed) => Err("the output was closed".into()),
        };
        match self {
            Cases::Batch(path, format) => {
                let file = std::fs::File::open(path)
                    .map_err(|e| format!("cannot open `{}` ({e})", path.display()))?;
                let mut input = std::io::BufReader::with_capacity(1 << 16, file);
                stopped(styrdok::eval::impact::run_batch(
                    old, new, &mut input, *format, examples, sink,
                ))
            }
            Cases::Tests(path) => {
                let mut sources = styrdok::source::Sources::default();
                let mut diags = styrdok::diag::Diagnostics::default();
                let t_old = styrdok::eval::policytest::load_path(
                    path,
                    &d.old.doc.id,
                    &e_old,
                    &mut sources,
                    &mut diags,
                )?;
                let t_new = styrdok::eval::policytest::load_path(
                    path,
                    &d.new.doc.id,
                    e_new,
                    &mut sources,
                    &mut diags,
                )?;
                if diags.has_errors() || t_old.len() != t_new.len() {
                    let color = std::io::IsTerminal::is_terminal(&std::io::stderr())
                        && std::env::var_os("NO_COLOR").is_none();
                    for x in diags.iter().filter(|x| x.severity == Severity::Error) {
                        eprintln!("{}", render_human(&sources, x, color));
                    }
                    return Err(format!(
                        "the policy tests in `{}` have problems: no case was tried",
                        path.display()
                    ));
                }
                let cases: Vec<(String, u64, &styrdok::eval::Case, &styrdok::eval::Case)> = t_old
                    .iter()
                    .zip(&t_new)
                    .map(|(a, b)| {
                        let (line, _) = sources.get(a.span.file).line_col(a.span.start as usize);
                        // A test is known by its case's `arende`, else by its name.
                        let name = a.case.id.clone().unwrap_or_else(|| a.name.clone());
                        (name, line as u64, &a.case, &b.case)
                    })
                    .collect();
                stopped(styrdok::eval::impact::run_cases(
                    old, new, &cases, examples, sink,
                ))
            }
        }
    }
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
