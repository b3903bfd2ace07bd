//! One function per subcommand; the only place that prints and picks exit codes.

mod args;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use args::{CheckArgs, Cli, Command, Format};
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
