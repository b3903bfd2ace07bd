//! One function per subcommand; the only place that prints and picks exit codes.

mod args;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use args::{BuildArgs, CheckArgs, Cli, Command, Format};
use styrdok::diag::{JsonDiagnostic, Severity, render_human};
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
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
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
    let files = policy.sources.iter().count();
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

/// Loads and checks a policy; prints the problems and returns `None` when it has errors.
fn load_checked(
    path: &std::path::Path,
    deny_warnings: bool,
) -> Result<Option<styrdok::model::Policy>, String> {
    let tree = DiskTree::new(path)?;
    let (policy, mut diags) = styrdok::load::load(&tree);
    diags.extend(styrdok::check::check(&policy));
    diags.sort();
    let errors = diags.count(Severity::Error);
    let warnings = diags.count(Severity::Warning);
    if errors > 0 || (deny_warnings && warnings > 0) {
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        for d in diags.iter() {
            eprintln!("{}", render_human(&policy.sources, d, color));
        }
        eprintln!(
            "{}: {errors} error{}, {warnings} warning{}: nothing was built",
            path.display(),
            plural(errors),
            plural(warnings)
        );
        return Ok(None);
    }
    if warnings > 0 {
        eprintln!(
            "{}: {warnings} warning{} (see `styrdok check {}`)",
            path.display(),
            plural(warnings),
            path.display()
        );
    }
    Ok(Some(policy))
}

fn build(a: &BuildArgs) -> Result<ExitCode, String> {
    let Some(policy) = load_checked(&a.path, a.deny_warnings)? else {
        return Ok(ExitCode::from(PROBLEMS));
    };
    let template_dir = a.templates.clone().unwrap_or_else(|| {
        let parent = a
            .path
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default();
        parent.join("templates")
    });
    if let Some(t) = &a.templates {
        if !t.is_dir() {
            return Err(format!("template folder `{}` does not exist", t.display()));
        }
    }
    let templates = styrdok::render::templates::Templates::load(Some(&template_dir))?;
    let typst = if a.html_only {
        None
    } else {
        Some(styrdok::typst_cli::Typst::find()?)
    };
    let opts = styrdok::publish::Options {
        out: &a.out,
        typst: typst.as_ref(),
        progress: true,
    };
    let report = styrdok::publish::build(&policy, &templates, &opts)?;
    let versions: usize = policy.documents.iter().map(|d| d.versions.len()).sum();
    eprintln!(
        "wrote {} files for {} document{} ({versions} version{}) to {}{}",
        report.files.len(),
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
