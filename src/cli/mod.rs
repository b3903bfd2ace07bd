//! One function per subcommand; the only place that prints and picks exit codes.

/// `eprintln!` that never panics: a standard error that was closed (`2>&1 | head`) is not
/// an error of ours, and a message that cannot be shown is dropped.
macro_rules! note {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

mod args;
mod diff;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use args::{
    BuildArgs, CheckArgs, Cli, Command, CompletionsArgs, EvalArgs, Format, ImportArgs, InitArgs,
    ManArgs, NewCaseArgs, SchemaArgs, ServeArgs, TestArgs,
};
use styrdok::diag::{JsonDiagnostic, Severity, render_human, render_human_exact};
use styrdok::load::DiskTree;

/// Exit status: problems found in the user's input.
const PROBLEMS: u8 = 1;
/// Exit status: the command could not run.
const FAILED: u8 = 2;

pub(crate) fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(a) => check(&a),
        Command::Build(a) => build(&a),
        Command::Serve(a) => serve(&a),
        Command::Eval(a) => eval(&a),
        Command::Test(a) => test(&a),
        Command::Diff(a) => diff::run(&a),
        Command::NewCase(a) => new_case(&a),
        Command::Init(a) => init(&a),
        Command::Import(a) => import(&a),
        Command::Schema(a) => schema(&a),
        Command::Completions(a) => completions(&a),
        Command::Man(a) => man(&a),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            note!("error: {message}");
            ExitCode::from(FAILED)
        }
    }
}

fn color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn check(a: &CheckArgs) -> Result<ExitCode, String> {
    let tree = DiskTree::new(&a.path)?;
    let (policy, mut diags) = styrdok::load::load(&tree);
    diags.extend(styrdok::check::check(&policy));
    diags.sort();
    let errors = diags.count(Severity::Error);
    let warnings = diags.count(Severity::Warning);
    // Files read; a folder named in a diagnostic (one that could not be listed, or
    // holds no document) is not one.
    let files = policy
        .sources
        .iter()
        .filter(|(_, f)| !f.path.is_dir())
        .count();
    let mut out = std::io::stdout().lock();
    let written = match a.format {
        Format::Json => {
            let report = serde_json::json!({
                "diagnostics": diags.iter().map(|d| JsonDiagnostic::new(&policy.sources, d)).collect::<Vec<_>>(),
                "summary": { "errors": errors, "warnings": warnings, "files": files },
            });
            writeln!(out, "{report:#}")
        }
        Format::Human => {
            let color = color();
            let mut r = Ok(());
            for d in diags.iter() {
                r = r.and_then(|()| writeln!(out, "{}", render_human(&policy.sources, d, color)));
            }
            r.and_then(|()| {
                writeln!(
                    out,
                    "{}: {errors} error{}, {warnings} warning{} in {files} file{}",
                    a.path.display(),
                    plural(errors),
                    plural(warnings),
                    plural(files)
                )
            })
        }
    };
    match written {
        // A reader that stops early (`| head`) is not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        r => r.map_err(|e| format!("cannot write the report ({e})"))?,
    }
    let failed = errors > 0 || (a.deny_warnings && warnings > 0);
    Ok(if failed {
        ExitCode::from(PROBLEMS)
    } else {
        ExitCode::SUCCESS
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Loads and checks a policy for a command that uses it (eval, test, new-case); prints
/// the problems and returns `None` when it has errors. Warnings are `check`'s business.
fn load_checked(path: &std::path::Path) -> Result<Option<styrdok::model::Policy>, String> {
    let tree = DiskTree::new(path)?;
    let (policy, mut diags) = styrdok::load::load(&tree);
    // Only errors stop the command, and the spell check finds none.
    diags.extend(styrdok::check::check_for_use(&policy));
    diags.sort();
    let errors = diags.count(Severity::Error);
    if errors == 0 {
        return Ok(Some(policy));
    }
    let color = stderr_color();
    for d in diags.iter().filter(|d| d.severity == Severity::Error) {
        note!("{}", render_human(&policy.sources, d, color));
    }
    note!(
        "{}: {errors} error{}: fix the policy first (`styrdok check {}`)",
        path.display(),
        plural(errors),
        path.display()
    );
    Ok(None)
}

/// Whether to colour what goes to stderr.
fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// The templates: built in, overridden by `dir` or by `templates/` next to the policy folder.
pub(crate) fn templates(
    policy: &std::path::Path,
    dir: Option<&std::path::Path>,
) -> Result<styrdok::render::templates::Templates, String> {
    if let Some(t) = dir {
        if !t.is_dir() {
            return Err(format!("template folder `{}` does not exist", t.display()));
        }
    }
    // Beside the policy folder however it was named (`policy`, `.`, `../x/policy/`).
    let default = std::fs::canonicalize(policy)
        .unwrap_or_else(|_| policy.to_path_buf())
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default()
        .join("templates");
    styrdok::render::templates::Templates::load(Some(dir.unwrap_or(&default)))
}

fn build(a: &BuildArgs) -> Result<ExitCode, String> {
    let tree = DiskTree::new(&a.path)?;
    let (policy, loaded) = styrdok::load::load(&tree);
    let color = stderr_color();
    let refuse = |diags: &styrdok::diag::Diagnostics| {
        for d in diags.iter() {
            note!("{}", render_human(&policy.sources, d, color));
        }
        let (e, w) = (diags.count(Severity::Error), diags.count(Severity::Warning));
        note!(
            "{}: {e} error{}, {w} warning{}: nothing was built",
            a.path.display(),
            plural(e),
            plural(w)
        );
        Ok(ExitCode::from(PROBLEMS))
    };
    if loaded.has_errors() || (a.deny_warnings && !loaded.is_empty()) {
        return refuse(&loaded);
    }
    let templates = templates(&a.path, a.templates.as_deref())?;
    // Ctrl-C and SIGTERM stop Typst and leave the output folder as it was.
    styrdok::interrupt::install(i32::from(FAILED))?;
    let typst = if a.html_only {
        None
    } else {
        Some(styrdok::publish::typst_cli::Typst::find()?)
    };
    let opts = styrdok::publish::Options {
        out: &a.out,
        typst: typst.as_ref(),
        progress: true,
        date: a.date.unwrap_or_else(styrdok::date::build_date),
    };
    let (report, checked) =
        match styrdok::publish::check_and_build(&policy, &templates, &opts, a.deny_warnings) {
            Ok(r) => r,
            Err(styrdok::publish::BuildError::Problems(mut d)) => {
                d.extend(loaded);
                d.sort();
                return refuse(&d);
            }
            Err(styrdok::publish::BuildError::Failed(e)) => return Err(e),
            Err(styrdok::publish::BuildError::Interrupted) => {
                return Err(format!(
                    "interrupted: nothing was moved into `{}`, which is as it was",
                    a.out.display()
                ));
            }
        };
    for w in &report.warnings {
        note!("typst warning: {w}");
    }
    let warnings = checked.count(Severity::Warning) + loaded.count(Severity::Warning);
    if warnings > 0 {
        note!(
            "{}: {warnings} warning{} (see `styrdok check {}`)",
            a.path.display(),
            plural(warnings),
            a.path.display()
        );
    }
    let versions: usize = policy.documents.iter().map(|d| d.versions.len()).sum();
    note!(
        "wrote {} file{} for {} document{} ({versions} version{}) to {}{}",
        report.files.len(),
        plural(report.files.len()),
        policy.documents.len(),
        plural(policy.documents.len()),
        plural(versions),
        a.out.display(),
        if a.html_only {
            " (HTML only, no PDFs)"
        } else {
            ""
        }
    );
    Ok(ExitCode::SUCCESS)
}

fn serve(a: &ServeArgs) -> Result<ExitCode, String> {
    // Checked before the first build, as `build` would report it.
    templates(&a.path, a.templates.as_deref())?;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    {
        let stop = std::sync::Arc::clone(&stop);
        ctrlc::set_handler(move || stop.store(true, std::sync::atomic::Ordering::Relaxed))
            .map_err(|e| format!("cannot handle Ctrl-C ({e})"))?;
    }
    let default_templates = std::fs::canonicalize(&a.path)
        .ok()
        .and_then(|p| p.parent().map(|p| p.join("templates")));
    let watch: Vec<std::path::PathBuf> = a
        .templates
        .clone()
        .or(default_templates)
        .into_iter()
        .collect();
    let (path, dir) = (a.path.clone(), a.templates.clone());
    let opts = styrdok::serve::Options {
        policy: a.path.clone(),
        watch,
        port: a.port,
        templates: Box::new(move || templates(&path, dir.as_deref())),
        log: Box::new(|line| note!("{line}")),
        stop,
    };
    styrdok::serve::run(opts, |addr| {
        note!("serving http://{addr}/ (Ctrl-C stops)");
    })?;
    note!("stopped");
    Ok(ExitCode::SUCCESS)
}

fn eval(a: &EvalArgs) -> Result<ExitCode, String> {
    // Ctrl-C and SIGTERM stop a batch between rows and Typst making a draft, so that
    // the temporary files holding case data are removed, not left behind.
    styrdok::interrupt::install(i32::from(FAILED))?;
    let Some(policy) = load_checked(&a.policy)? else {
        return Ok(ExitCode::from(PROBLEMS));
    };
    let engine = styrdok::eval::Engine::new(&policy).map_err(|e| e.0)?;
    // An output renamed over an input would destroy it: the cases, the policy.
    let read: Vec<&std::path::Path> = a
        .cases
        .iter()
        .chain(&a.case)
        .map(std::path::PathBuf::as_path)
        .chain(policy.sources.paths())
        .collect();
    if let Some(out) = &a.out {
        styrdok::write::not_an_input("--out", out, read)?;
    }
    if let Some(path) = &a.cases {
        return batch(a, &engine, path);
    }
    let path = a.case.as_ref().expect("clap requires --case or --cases");
    let (sources, case, diags) = styrdok::eval::case::load(path, &policy, &engine.roles)?;
    if diags.has_errors() || case.is_none() {
        let color = stderr_color();
        // Only the lines at fault: the lines around them hold other personal data.
        for d in diags.iter() {
            note!("{}", render_human_exact(&sources, d, color));
        }
        note!(
            "{}: the case file has problems: nothing was evaluated",
            path.display()
        );
        return Ok(ExitCode::from(PROBLEMS));
    }
    // A PDF draft prints the case's own words in the shipped fonts: a character they
    // cannot show is reported where the case file writes it, before anything runs.
    let pdf_draft = a
        .draft
        .as_ref()
        .is_some_and(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("pdf")));
    if pdf_draft {
        let glyphs = styrdok::eval::case::unshowable(&sources);
        if glyphs.has_errors() {
            let color = stderr_color();
            for d in glyphs.iter() {
                note!("{}", render_human(&sources, d, color));
            }
            note!(
                "{}: the case has text the PDF draft cannot show: no draft was made",
                path.display()
            );
            return Ok(ExitCode::from(PROBLEMS));
        }
    }
    let case = case.expect("checked above");
    let evaluation = match engine.evaluate(&case, a.document.as_deref(), a.date) {
        Ok(e) => e,
        // The case cannot be tried as written (no such intervention, no version in force):
        // a problem with the input, like a located error.
        Err(e) => {
            note!("error: {}: {e}", path.display());
            return Ok(ExitCode::from(PROBLEMS));
        }
    };
    let text = match a.format {
        Format::Json => format!(
            "{:#}\n",
            styrdok::eval::report::json(&engine, &case, &evaluation)
        ),
        Format::Human => styrdok::eval::report::human(&engine, &case, &evaluation),
    };
    if let Some(draft) = &a.draft {
        let templates = templates(&a.policy, None)?;
        styrdok::publish::draft::write(&templates, &engine, &case, &evaluation, draft)?;
        note!("wrote the decision draft to {}", draft.display());
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(format!("cannot write the result ({e})"));
        }
        _ => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// A batch's summary; `None` when the reader of the results stopped reading
/// (`styrdok eval --cases … | head`), which ends the run quietly.
fn finished(
    r: Result<styrdok::eval::batch::Summary, styrdok::eval::batch::Stop>,
) -> Result<Option<styrdok::eval::batch::Summary>, String> {
    match r {
        Ok(s) => Ok(Some(s)),
        Err(styrdok::eval::batch::Stop::Closed) => Ok(None),
        Err(styrdok::eval::batch::Stop::Failed(e)) => Err(e),
    }
}

fn batch(
    a: &EvalArgs,
    engine: &styrdok::eval::Engine<'_>,
    path: &std::path::Path,
) -> Result<ExitCode, String> {
    use styrdok::eval::batch::{self, Format as F};
    let by_ext = |p: &std::path::Path| match p
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("csv") => Some(F::Csv),
        Some("jsonl" | "ndjson") => Some(F::Jsonl),
        _ => None,
    };
    let convert = |f: args::BatchFormat| match f {
        args::BatchFormat::Jsonl => F::Jsonl,
        args::BatchFormat::Csv => F::Csv,
    };
    let input_format = a
        .input_format
        .map(convert)
        .or_else(|| by_ext(path))
        .ok_or_else(|| {
            if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
                // Most likely one case file, written over several lines.
                format!(
                    "`{}` looks like one case file: evaluate it with `--case`; `--cases` reads JSON Lines (one case per line, `.jsonl`) or CSV, or give `--input-format jsonl`",
                    path.display()
                )
            } else {
                format!(
                    "cannot tell the format of `{}` from its name; use `--input-format jsonl` or `csv`",
                    path.display()
                )
            }
        })?;
    let output_format = a
        .output_format
        .map(convert)
        .or_else(|| a.out.as_deref().and_then(by_ext))
        .unwrap_or(F::Jsonl);
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot open `{}` ({e})", path.display()))?;
    // Progress on a terminal only, and not while the results themselves are printed
    // on it: by bytes read, one update per 64 KiB buffer (hundreds of cases), never
    // per case. A pipe or device has no length: a spinner with the bytes read.
    let show = styrdok::progress::wanted() && (a.out.is_some() || !std::io::stdout().is_terminal());
    let len = file
        .metadata()
        .ok()
        .filter(std::fs::Metadata::is_file)
        .map(|m| m.len());
    let progress = styrdok::progress::bar(
        len,
        show,
        if len.is_some() {
            "{spinner} {wide_bar} {bytes}/{total_bytes} {elapsed}, {eta} kvar"
        } else {
            "{spinner} {bytes} {elapsed}"
        },
    );
    let mut input = std::io::BufReader::with_capacity(1 << 16, progress.wrap_read(file));
    let options = batch::Options {
        document: a.document.as_deref(),
        date: a.date,
        input_format,
        output_format,
        jobs: a.jobs.map_or_else(
            || std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
            usize::from,
        ),
    };
    let mut run = |w: &mut dyn Write| finished(batch::run(engine, &options, &mut input, w));
    let summary = match &a.out {
        Some(out) => {
            // Results appear complete or not at all (a device or pipe is written directly).
            let mut file = styrdok::write::OutFile::create(out)?;
            let mut w = std::io::BufWriter::with_capacity(1 << 16, file.writer());
            let Some(summary) = run(&mut w)? else {
                return Ok(ExitCode::SUCCESS);
            };
            w.flush()
                .map_err(|e| format!("cannot write `{}` ({e})", out.display()))?;
            drop(w);
            file.finish()?;
            summary
        }
        None => {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            let Some(summary) = run(&mut w)? else {
                return Ok(ExitCode::SUCCESS);
            };
            summary
        }
    };
    progress.finish_and_clear();
    {
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), "{}", batch::summary_text(&summary));
    }
    Ok(if summary.errors > 0 {
        ExitCode::from(PROBLEMS)
    } else {
        ExitCode::SUCCESS
    })
}

fn test(a: &TestArgs) -> Result<ExitCode, String> {
    let Some(policy) = load_checked(&a.path)? else {
        return Ok(ExitCode::from(PROBLEMS));
    };
    let engine = styrdok::eval::Engine::new(&policy).map_err(|e| e.0)?;
    let tree = DiskTree::new(&a.path)?;
    let mut sources = styrdok::source::Sources::default();
    let mut diags = styrdok::diag::Diagnostics::default();
    let tests = styrdok::eval::policytest::load(&tree, &engine, &mut sources, &mut diags);
    if diags.has_errors() {
        let color = stderr_color();
        // A test's case is case data: only the lines at fault.
        for d in diags.iter() {
            note!("{}", render_human_exact(&sources, d, color));
        }
        note!("the policy tests have problems: none was run");
        return Ok(ExitCode::from(PROBLEMS));
    }
    if tests.is_empty() {
        // Passing with nothing tested would let a CI job pointed at the wrong folder pass.
        note!(
            "error: `{}` has no policy tests: write them in `<document>/tests/*.yaml` (see docs/cases.md)",
            a.path.display()
        );
        return Ok(ExitCode::from(PROBLEMS));
    }
    let run = styrdok::eval::policytest::run(&engine, &sources, &tests);
    let mut out = String::new();
    for r in &run.results {
        if r.failures.is_empty() {
            continue;
        }
        out.push_str(&format!("FAIL {} ({})\n", r.name, r.at));
        for f in &r.failures {
            out.push_str(&format!("  {f}\n"));
        }
        if let Some(e) = &r.explanation {
            for line in e.lines() {
                out.push_str(&format!("    | {line}\n"));
            }
        }
    }
    if a.coverage || run.coverage_percent() < a.min_coverage {
        out.push_str(&styrdok::eval::policytest::coverage_text(&run));
    }
    out.push_str(&styrdok::eval::policytest::coverage_by_version_text(&run));
    let failed = run.failed();
    out.push_str(&format!(
        "{} tests: {} passed, {failed} failed; coverage {:.1} %\n",
        run.results.len(),
        run.results.len() - failed,
        run.coverage_percent()
    ));
    let low = run.coverage_percent() < a.min_coverage;
    if low {
        out.push_str(&format!(
            "coverage is below the required {:.1} %\n",
            a.min_coverage
        ));
    }
    print!("{out}");
    Ok(if failed > 0 || low {
        ExitCode::from(PROBLEMS)
    } else {
        ExitCode::SUCCESS
    })
}

fn new_case(a: &NewCaseArgs) -> Result<ExitCode, String> {
    let Some(policy) = load_checked(&a.policy)? else {
        return Ok(ExitCode::from(PROBLEMS));
    };
    let engine = styrdok::eval::Engine::new(&policy).map_err(|e| e.0)?;
    let date = a.date.unwrap_or_else(styrdok::date::today);
    let (v, i) = match styrdok::eval::newcase::find(&engine, &a.insats, a.document.as_deref(), date)
    {
        Ok(found) => found,
        // No such intervention, none in force, several: a problem with the input.
        Err(e) => {
            note!("error: {e}");
            return Ok(ExitCode::from(PROBLEMS));
        }
    };
    print!("{}", styrdok::eval::newcase::template(&engine, v, i, date));
    Ok(ExitCode::SUCCESS)
}

fn init(a: &InitArgs) -> Result<ExitCode, String> {
    match styrdok::init::init(&a.path) {
        Ok(()) => {
            let p = a.path.display();
            note!(
                "wrote an example policy folder to {p}; next: `styrdok check {p}`, `styrdok test {p}`, `styrdok build {p} --html-only`"
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(styrdok::init::InitError::Refused(m)) => {
            note!("error: {m}; nothing was written");
            Ok(ExitCode::from(PROBLEMS))
        }
        Err(styrdok::init::InitError::Failed(m)) => Err(m),
    }
}
fn import(a: &ImportArgs) -> Result<ExitCode, String> {
    let path = &a.file;
    let shown = path.display();
    if let Some(out) = &a.out {
        styrdok::write::not_an_input("--out", out, [path.as_path()])?;
        // A skeleton never replaces a file: the target may be an adopted version.
        if out.exists() {
            note!(
                "error: `{}` already exists; `styrdok import` writes only a new file (choose another name, or remove it first)",
                out.display()
            );
            return Ok(ExitCode::from(PROBLEMS));
        }
    }
    let is_docx = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("docx"));
    let mut report = String::new();
    let text = if is_docx {
        // `-s` keeps the Word file's Title, Subtitle, Author and Date paragraphs, as
        // YAML front matter; without it pandoc drops them.
        let out = match std::process::Command::new("pandoc")
            .args(["-f", "docx", "-s", "-t", "gfm", "--wrap=none"])
            .arg(path)
            .output()
        {
            Ok(o) => o,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(format!(
                    "`{shown}` is a Word file: importing it needs pandoc (https://pandoc.org) on PATH, which was not found; install it, or save the file as plain text and import that"
                ));
            }
            Err(e) => return Err(format!("cannot run pandoc ({e})")),
        };
        if !out.status.success() {
            // pandoc refused the file: the input's problem (exit 1), not ours.
            let why = String::from_utf8_lossy(&out.stderr);
            let why = why.split_whitespace().collect::<Vec<_>>().join(" ");
            note!(
                "error: {shown}: not a Word file that pandoc can read (pandoc says: {}); nothing was written",
                if why.is_empty() {
                    "nothing"
                } else {
                    why.as_str()
                }
            );
            return Ok(ExitCode::from(PROBLEMS));
        }
        report.push_str(&format!(
            "{shown}: read through `pandoc -f docx -s -t gfm --wrap=none`; the line numbers below are those of its Markdown\n"
        ));
        String::from_utf8(out.stdout)
            .map_err(|_| format!("pandoc's conversion of `{shown}` is not UTF-8"))?
    } else {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read `{shown}` ({e})"))?;
        match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let line = styrdok::source::line_of(&String::from_utf8_lossy(good), good.len());
                note!(
                    "error: {shown}:{line}: not valid UTF-8 (save the file as UTF-8 text, or convert a Word file with pandoc); nothing was written"
                );
                return Ok(ExitCode::from(PROBLEMS));
            }
        }
    };
    let name = path
        .file_name()
        .map_or_else(|| shown.to_string(), |n| n.to_string_lossy().into_owned());
    let imported = match styrdok::import::import(&text, &name) {
        Ok(i) => i,
        Err(e) => {
            note!(
                "error: {shown}:{}: {}; nothing was written",
                e.line,
                e.message
            );
            return Ok(ExitCode::from(PROBLEMS));
        }
    };
    for n in &imported.notes {
        report.push_str(&format!("{shown}:{}: {}\n", n.line, n.message));
    }
    for (line, text) in &imported.criteria {
        report.push_str(&format!(
            "{shown}:{line}: criterion (commented out, needs a rule): {text}\n"
        ));
    }
    if !imported.todo.is_empty() {
        report.push_str(&format!(
            "not in the source, marked `# TODO` to fill in: {}\n",
            imported
                .todo
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    match &a.out {
        Some(out) => {
            if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot create `{}` ({e})", parent.display()))?;
            }
            let mut file = styrdok::write::OutFile::create(out)?;
            file.write_all(imported.yaml.as_bytes())
                .map_err(|e| format!("cannot write `{}` ({e})", out.display()))?;
            file.finish()?;
            report.push_str(&format!(
                "wrote {}; next: `styrdok check` on its policy folder\n",
                out.display()
            ));
        }
        None => print_all(imported.yaml.as_bytes(), "YAML")?,
    }
    let _ = std::io::stderr().write_all(report.as_bytes());
    Ok(ExitCode::SUCCESS)
}

/// Writes what a command prints to standard output; a reader that stops early
/// (`| head`) is not an error of ours.
fn print_all(bytes: &[u8], what: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write the {what} ({e})"))
        }
        _ => Ok(()),
    }
}

fn completions(a: &CompletionsArgs) -> Result<ExitCode, String> {
    use clap::CommandFactory as _;
    let mut script = Vec::new();
    clap_complete::generate(a.shell, &mut Cli::command(), "styrdok", &mut script);
    print_all(&script, "completion script")?;
    Ok(ExitCode::SUCCESS)
}

/// The manual pages: `styrdok.1` first, then one per command (`styrdok-check.1`, …),
/// each with its file name.
pub(crate) fn man_pages() -> Result<Vec<(String, Vec<u8>)>, String> {
    use clap::CommandFactory as _;
    fn walk(cmd: &clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> Result<(), String> {
        let title = cmd
            .get_display_name()
            .unwrap_or_else(|| cmd.get_name())
            .to_uppercase();
        let page = clap_mangen::Man::new(cmd.clone())
            .title(title)
            .source(format!("styrdok {}", env!("CARGO_PKG_VERSION")))
            .manual("styrdok");
        let mut roff = Vec::new();
        page.render(&mut roff)
            .map_err(|e| format!("cannot render the manual page ({e})"))?;
        pages.push((page.get_filename(), roff));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, pages)?;
        }
        Ok(())
    }
    // Built once, so each command's display name is `styrdok-<command>`; `help` is
    // not a page of its own.
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    walk(&cmd, &mut pages)?;
    Ok(pages)
}

fn schema(a: &SchemaArgs) -> Result<ExitCode, String> {
    if !a.path.is_dir() {
        return Err(format!(
            "policy folder `{}` does not exist",
            a.path.display()
        ));
    }
    let dir = a
        .out
        .clone()
        .unwrap_or_else(|| a.path.join(styrdok::schema::SCHEMA_DIR));
    if dir.exists() && !dir.is_dir() {
        return Err(format!("`{}` is not a folder", dir.display()));
    }
    let report = styrdok::schema::write(&a.path, &dir, a.headers, a.check)?;
    let n = styrdok::schema::Kind::ALL.len();
    if a.check {
        for p in &report.schemas {
            note!("{}: missing or out of date", p.display());
        }
        for p in &report.headers {
            note!("{}: names no schema on its first lines", p.display());
        }
        if report.schemas.is_empty() && report.headers.is_empty() {
            note!("the {n} schemas in {} are up to date", dir.display());
            return Ok(ExitCode::SUCCESS);
        }
        note!(
            "run `styrdok schema{}` to bring them up to date",
            if a.headers { " --headers" } else { "" }
        );
        return Ok(ExitCode::from(PROBLEMS));
    }
    note!(
        "{} of {n} schemas written to {} (the others were up to date)",
        report.schemas.len(),
        dir.display()
    );
    if a.headers {
        note!(
            "{} YAML files given a `# yaml-language-server: $schema=…` line",
            report.headers.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn man(a: &ManArgs) -> Result<ExitCode, String> {
    let pages = man_pages()?;
    let Some(dir) = &a.out else {
        print_all(&pages[0].1, "manual page")?;
        return Ok(ExitCode::SUCCESS);
    };
    if dir.exists() && !dir.is_dir() {
        return Err(format!("`{}` is not a folder", dir.display()));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}` ({e})", dir.display()))?;
    for (name, roff) in &pages {
        let path = dir.join(name);
        styrdok::write::replace(&path, roff)
            .map_err(|e| format!("cannot write `{}` ({e})", path.display()))?;
    }
    note!("wrote {} manual pages to {}", pages.len(), dir.display());
    Ok(ExitCode::SUCCESS)
}
