//! Progress on long runs (a batch of cases, a build of many documents), drawn on
//! standard error only when it is a terminal: redirected output, a pipe, a CI log or a
//! test never gets a progress line. Drawing is indicatif's, which limits itself to
//! about 20 redraws a second; callers update it at most once per chunk of input or
//! per document, so a run costs the same with or without it.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};

/// Whether progress may be drawn: standard error is a terminal (not redirected) and
/// `TERM` is not `dumb`.
pub fn wanted() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}

/// A progress line on standard error, hidden unless `show`; cleared when it is
/// finished or dropped (also on an error), so it never stays between the messages
/// that follow. `template` is indicatif's (`{pos}/{len} {msg}`, `{bytes}`, …);
/// with `len` unknown, a spinner.
pub fn bar(len: Option<u64>, show: bool, template: &str) -> ProgressBar {
    let target = if show {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let style = ProgressStyle::with_template(template).unwrap_or_else(|_| match len {
        Some(_) => ProgressStyle::default_bar(),
        None => ProgressStyle::default_spinner(),
    });
    let bar = ProgressBar::with_draw_target(len, target)
        .with_style(style)
        .with_finish(ProgressFinish::AndClear);
    if show {
        // Keeps the spinner and the elapsed time moving while one long step runs
        // (a Typst compile); a thread only when there is a terminal to draw on.
        bar.enable_steady_tick(Duration::from_millis(200));
    }
    bar
}
