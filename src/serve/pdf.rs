//! A version's PDF in the preview, through Typst's own `typst watch`: started on the
//! first request for the version, on the Typst source in the build folder, with the
//! arguments `build` compiles with ([`Typst::watch`], [`publish::pdf_job`]). Each
//! rebuild replaces that source, and Typst recompiles it incrementally (it keeps its
//! caches between compiles), so a PDF after a one-word save takes a fraction of a first
//! compile (docs/benchmarks.md). A request waits until Typst has finished a compile
//! that began after the source was last written, then serves the PDF, or Typst's errors.
//!
//! Typst's status lines on standard error (`[12:00:00] compiling ...`, `… compiled
//! successfully in 80 ms`, `… compiled with errors` followed by the diagnostics) are
//! read as they come; a compile "began after the source was written" when its
//! `compiling` line arrived after the source's modification time.
//!
//! Each watcher is stopped (killed, and waited for) when its version leaves the policy,
//! when its creation timestamp or fonts change (it is started anew), and when the
//! server stops. A server killed with SIGKILL cannot stop them; a `typst watch` left
//! so dies on its next write to the closed pipe.

use std::collections::HashMap;
use std::io::BufRead as _;
use std::process::Child;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime};

use super::lock;
use crate::publish::{self, PdfJob, typst_cli::Typst};
use crate::render::templates::Templates;

/// How long a request waits for Typst.
pub(super) const TIMEOUT: Duration = Duration::from_secs(60);

/// Why no PDF was served.
#[derive(Debug)]
pub(super) enum Failure {
    /// The version has no Typst source in the build folder.
    NotBuilt,
    /// Typst is missing, failed, or took too long; the message says which.
    Failed(String),
}

/// What Typst has said so far.
#[derive(Debug, Default)]
struct Progress {
    /// A compile is under way.
    compiling: bool,
    /// When the `compiling` line of the compile under way (or the last) arrived.
    began: Option<SystemTime>,
    /// The last compile that finished: when it began, when it ended, whether it
    /// succeeded.
    finished: Option<(SystemTime, Instant, bool)>,
    /// What Typst printed after its last status line (its diagnostics).
    diagnostics: Vec<String>,
    /// Typst's standard error closed: it exited.
    exited: bool,
}

#[derive(Default)]
struct State {
    progress: Mutex<Progress>,
    changed: Condvar,
}

/// One `typst watch`.
struct Watch {
    child: Child,
    /// What it was started with; a change starts it anew.
    job: PdfJob,
    stamp: i64,
    state: Arc<State>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
    }
}

/// The running watchers, by version.
#[derive(Default)]
pub(super) struct Watchers {
    running: Mutex<HashMap<super::marks::PageKey, Watch>>,
}

impl Watchers {
    /// Stops the watchers of versions that `keep` does not keep.
    pub(super) fn retain(&self, keep: impl Fn(&super::marks::PageKey) -> bool) {
        let gone: Vec<Watch> = {
            let mut running = lock(&self.running);
            let keys: Vec<_> = running.keys().filter(|k| !keep(k)).cloned().collect();
            keys.iter().filter_map(|k| running.remove(k)).collect()
        };
        drop(gone);
    }

    /// Stops them all.
    pub(super) fn stop(&self) {
        self.retain(|_| false);
    }

    /// The PDF of `doc` `version` as Typst makes it from the Typst source now in
    /// `out/<doc>/<version>/`: its watcher started if none runs, then waited for (at most
    /// [`TIMEOUT`]) until it has finished a compile begun after the source was written.
    /// The bytes of the PDF, or why there are none (Typst's errors mapped to the YAML).
    pub(super) fn pdf(
        &self,
        out: &std::path::Path,
        templates: &Templates,
        doc: &str,
        version: &str,
        stamp: i64,
    ) -> Result<Vec<u8>, Failure> {
        if !out
            .join(doc)
            .join(version)
            .join(format!("{doc}-{version}.typ"))
            .is_file()
        {
            return Err(Failure::NotBuilt);
        }
        let job = publish::pdf_job(out, templates, doc, version).map_err(Failure::Failed)?;
        let state = self.watch(&job, doc, version, stamp)?;
        let typ = job.dir.join(&job.typ);
        let written = std::fs::metadata(&typ)
            .and_then(|m| m.modified())
            .map_err(|e| Failure::Failed(format!("cannot read `{}` ({e})", typ.display())))?;
        let deadline = Instant::now() + TIMEOUT;
        let mut progress = lock(&state.progress);
        loop {
            if progress.exited {
                let said = progress.diagnostics.join("\n");
                drop(progress);
                // Started anew on the next request.
                self.retain(|k| k.0 != doc || k.1 != version);
                return Err(Failure::Failed(format!("typst watch stopped\n{said}")));
            }
            match progress.finished {
                Some((began, _, true)) if !progress.compiling && began >= written => {
                    drop(progress);
                    let pdf = job.dir.join(&job.pdf);
                    let bytes = std::fs::read(&pdf).map_err(|e| {
                        Failure::Failed(format!("cannot read `{}` ({e})", pdf.display()))
                    })?;
                    // Typst writes in place: a compile that began meanwhile (another
                    // save) may be writing it. A whole PDF ends with `%%EOF`.
                    if bytes.trim_ascii_end().ends_with(b"%%EOF") {
                        return Ok(bytes);
                    }
                    progress = lock(&state.progress);
                }
                // The diagnostics follow the status line: a moment for them to arrive.
                Some((began, ended, false))
                    if !progress.compiling
                        && began >= written
                        && (!progress.diagnostics.is_empty()
                            || ended.elapsed() > Duration::from_millis(500)) =>
                {
                    let said = progress.diagnostics.join("\n");
                    drop(progress);
                    let source = std::fs::read_to_string(&typ).unwrap_or_default();
                    return Err(Failure::Failed(crate::publish::typst_cli::explain(
                        &said, &source,
                    )));
                }
                _ => {}
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Failure::Failed(format!(
                    "typst watch made no PDF of {doc} version {version} within {} s",
                    TIMEOUT.as_secs()
                )));
            }
            progress = state
                .changed
                .wait_timeout(progress, left.min(Duration::from_millis(100)))
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
    }

    /// The watcher of a version, started (or started anew, when it was started with
    /// other fonts or another creation time, or has exited).
    fn watch(
        &self,
        job: &PdfJob,
        doc: &str,
        version: &str,
        stamp: i64,
    ) -> Result<Arc<State>, Failure> {
        let key = (doc.to_string(), version.to_string());
        let mut running = lock(&self.running);
        if let Some(w) = running.get(&key) {
            let alive = !lock(&w.state.progress).exited;
            if alive && w.job == *job && w.stamp == stamp {
                return Ok(Arc::clone(&w.state));
            }
        }
        drop(running.remove(&key));
        let typst = Typst::find().map_err(Failure::Failed)?;
        let mut child = typst
            .watch(&job.dir, &job.typ, &job.pdf, stamp, &job.fonts)
            .map_err(Failure::Failed)?;
        let state = Arc::new(State::default());
        let stderr = child.stderr.take();
        let reader = {
            let state = Arc::clone(&state);
            std::thread::spawn(move || {
                if let Some(e) = stderr {
                    for line in std::io::BufReader::new(e).lines() {
                        let Ok(line) = line else { break };
                        heard(&state, &line);
                    }
                }
                lock(&state.progress).exited = true;
                state.changed.notify_all();
            })
        };
        running.insert(
            key,
            Watch {
                child,
                job: job.clone(),
                stamp,
                state: Arc::clone(&state),
                reader: Some(reader),
            },
        );
        Ok(state)
    }
}

/// One line of `typst watch`'s standard error.
fn heard(state: &State, line: &str) {
    let mut p = lock(&state.progress);
    // `[12:00:00] compiling ...`: the status lines start with the time.
    let status = line
        .strip_prefix('[')
        .and_then(|l| l.split_once("] "))
        .map(|(_, s)| s.trim());
    match status {
        Some(s) if s.starts_with("compiling") => {
            p.compiling = true;
            p.began = Some(SystemTime::now());
            p.diagnostics.clear();
        }
        Some(s) if s.starts_with("compiled") => {
            p.compiling = false;
            let ok = !s.starts_with("compiled with errors");
            let began = p.began.unwrap_or(SystemTime::UNIX_EPOCH);
            p.finished = Some((began, Instant::now(), ok));
        }
        _ => {
            let header = line.starts_with("watching ") || line.starts_with("writing to ");
            if !header && !line.trim().is_empty() {
                p.diagnostics.push(line.to_string());
            }
        }
    }
    drop(p);
    state.changed.notify_all();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typst_watch_status_lines_are_read() {
        let state = State::default();
        for l in [
            "watching /tmp/a.typ",
            "writing to /tmp/a.pdf",
            "",
            "[07:34:22] compiling ...",
        ] {
            heard(&state, l);
        }
        assert!(lock(&state.progress).compiling);
        heard(&state, "[07:34:22] compiled with errors");
        heard(&state, "/tmp/a.typ:1:7: error: unknown variable: x");
        let p = lock(&state.progress);
        assert!(!p.compiling);
        assert!(matches!(p.finished, Some((_, _, false))));
        assert_eq!(
            p.diagnostics,
            ["/tmp/a.typ:1:7: error: unknown variable: x"]
        );
        drop(p);
        heard(&state, "[07:34:24] compiling ...");
        heard(&state, "[07:34:24] compiled successfully in 3.41 ms");
        let p = lock(&state.progress);
        assert!(matches!(p.finished, Some((_, _, true))));
        assert!(p.diagnostics.is_empty());
    }
}
