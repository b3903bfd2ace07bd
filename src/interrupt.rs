//! Stopping cleanly on Ctrl-C, SIGTERM and SIGHUP.
//!
//! A command that writes files (`build`, `eval`) calls [`install`]: the first such signal
//! then only raises a flag, which the command reads at points where stopping leaves
//! nothing half-done ([`requested`]: between documents, before the staged build is moved
//! into place, between batch rows), and stops every Typst process under way at once
//! ([`Watched`]), so that none outlives styrdok or writes on into a folder being removed.
//! The command then returns an error, and its temporary files and folders are removed as
//! on any other error. A second signal ends the process at once.
//!
//! SIGKILL cannot be caught: a killed build leaves its staging folder (and a Typst
//! started by it may finish writing there); the next build into the same folder removes
//! it (publish).

use std::process::{Child, ChildStderr, ExitStatus};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// The error of work stopped by a signal.
pub const INTERRUPTED: &str = "interrupted";

static REQUESTED: AtomicBool = AtomicBool::new(false);
static RUNNING: Mutex<Vec<Arc<Mutex<Child>>>> = Mutex::new(Vec::new());

/// Turns Ctrl-C, SIGTERM and SIGHUP into a request to stop; a second signal exits at
/// once with `exit_code`. Once per process (the handler cannot be installed twice).
///
/// # Errors
/// `cannot handle Ctrl-C (…)` when the handler cannot be installed.
pub fn install(exit_code: i32) -> Result<(), String> {
    ctrlc::set_handler(move || {
        if REQUESTED.swap(true, Ordering::SeqCst) {
            std::process::exit(exit_code);
        }
        let running = RUNNING.lock().unwrap_or_else(PoisonError::into_inner);
        for child in running.iter() {
            // Held only while its waiter reaps a process that has already ended.
            if let Ok(mut c) = child.try_lock() {
                let _ = c.kill();
            }
        }
    })
    .map_err(|e| format!("cannot handle Ctrl-C ({e})"))
}

/// Whether a stop was requested (a signal came after [`install`]).
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// A child process that is killed when a stop is requested, and when dropped before it
/// was waited for.
pub struct Watched {
    child: Arc<Mutex<Child>>,
    waited: bool,
}

impl Watched {
    /// Watches `child`; kills it at once if a stop was already requested.
    pub fn new(child: Child) -> Watched {
        let child = Arc::new(Mutex::new(child));
        RUNNING
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Arc::clone(&child));
        // Registered first, then the flag read: a signal either sees this child or is
        // seen here.
        if requested() {
            let _ = lock(&child).kill();
        }
        Watched {
            child,
            waited: false,
        }
    }

    /// The child's standard error, once (when it was piped).
    pub fn take_stderr(&self) -> Option<ChildStderr> {
        lock(&self.child).stderr.take()
    }

    /// Waits for the child to end. Call it after its output has been read to the end,
    /// so that the process has ended (or is about to) and a signal handler is not kept
    /// waiting for the lock.
    pub fn wait(&mut self) -> std::io::Result<ExitStatus> {
        let status = lock(&self.child).wait();
        self.waited = true;
        status
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        if !self.waited {
            let mut c = lock(&self.child);
            let _ = c.kill();
            let _ = c.wait();
        }
        RUNNING
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|c| !Arc::ptr_eq(c, &self.child));
    }
}

fn lock(c: &Mutex<Child>) -> std::sync::MutexGuard<'_, Child> {
    c.lock().unwrap_or_else(PoisonError::into_inner)
}
