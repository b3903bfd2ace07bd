//! `styrdok serve`: a live preview. The policy is built as `build --html-only` builds
//! it (the same [`publish::check_and_build`]), into a temporary folder that only this
//! server reads; the folder is rebuilt on every save in the policy (and templates)
//! folder, and the pages it serves carry a small script that listens to
//! `/_styrdok/events` (Server-Sent Events, at most [`MAX_STREAMS`] at once) and reloads
//! on a new build, and a panel with the check's diagnostics, each quoting its lines,
//! above the last good build; in a version's page a marker stands beside the element
//! each diagnostic belongs to (the private module `marks`). Nothing is injected into
//! the files themselves: the script, the panel and the markers are added as a page is
//! served. A version's PDF is made by Typst's own `typst watch`, started on the first
//! request (the private module `pdf`).
//!
//! Only 127.0.0.1 is bound; only files inside the build folder are served (no `..`, no
//! hidden files, no absolute paths, after percent-decoding).

mod marks;
mod pdf;

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use notify::Watcher as _;

use crate::diag::{Diagnostics, Severity};
use crate::publish::{self, BuildError};
use crate::render::html::escape;
use crate::render::templates::Templates;
use marks::{PageKey, Report};

/// Loads the templates anew for each build (they may have been edited).
pub type LoadTemplates = dyn Fn() -> Result<Templates, String> + Send + Sync;

/// How to serve.
pub struct Options {
    /// The policy folder, watched and rebuilt.
    pub policy: PathBuf,
    /// Other folders whose changes rebuild (the templates folder); missing ones are skipped.
    pub watch: Vec<PathBuf>,
    /// The port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The templates.
    pub templates: Box<LoadTemplates>,
    /// Where progress lines go (the CLI prints them on standard error).
    pub log: Box<dyn Fn(&str) + Send + Sync>,
    /// Raised to stop (Ctrl-C).
    pub stop: Arc<AtomicBool>,
}

/// How quiet the folder must stay before a rebuild: an editor's save is several events.
const DEBOUNCE: Duration = Duration::from_millis(50);

/// The most event streams (`/_styrdok/events`, one per open page) served at once; one
/// more is answered `503` and its page tries again later, waiting longer each time.
pub const MAX_STREAMS: usize = 32;

/// How often an idle event stream is written to (an SSE comment), so that the stream
/// of a closed page fails and frees its place: a write to a closed connection fails
/// from the second one on, so within two of these.
const KEEPALIVE: Duration = Duration::from_secs(2);

/// What the pages show about the latest build.
#[derive(Default)]
struct Status {
    /// Counts builds; the page reloads when it sees a new one.
    generation: u64,
    /// The diagnostics: the panel and the markers (nothing when the policy is clean).
    report: Report,
    /// Whether a good build is in the folder.
    built: bool,
    /// The PDF creation time of each version (`doc`, `version`), as `build` sets it.
    stamps: HashMap<PageKey, i64>,
    /// The sections of the pages in the folder (the last good build).
    pages: Arc<marks::Pages>,
}

struct Shared {
    out: PathBuf,
    /// The port bound, for the Host check (a page of another site that resolves its name
    /// to 127.0.0.1, DNS rebinding, must not read the preview).
    port: u16,
    status: Mutex<Status>,
    changed: Condvar,
    /// Held while building: one build at a time in the folder.
    busy: Mutex<()>,
    /// The event streams open now.
    streams: AtomicUsize,
    /// The `typst watch` of each version whose PDF was asked for.
    watchers: pdf::Watchers,
    opts: Options,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Serves until `opts.stop` is raised. `on_listening` is told the address once the
/// first build is done and the port is bound.
pub fn run(opts: Options, on_listening: impl FnOnce(std::net::SocketAddr)) -> Result<(), String> {
    if !opts.policy.is_dir() {
        return Err(format!(
            "policy folder `{}` does not exist",
            opts.policy.display()
        ));
    }
    let server = tiny_http::Server::http(std::net::SocketAddr::from(([127, 0, 0, 1], opts.port)))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{} ({e})", opts.port))?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or("the server has no IP address")?;
    // Private to the user: the preview holds the drafts of a guideline.
    #[cfg(unix)]
    let perms = {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::Permissions::from_mode(0o700)
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix("styrdok-serve-");
    #[cfg(unix)]
    builder.permissions(perms);
    let dir = builder
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder ({e})"))?;
    let shared = Arc::new(Shared {
        port: addr.port(),
        out: dir.path().to_path_buf(),
        status: Mutex::new(Status::default()),
        changed: Condvar::new(),
        busy: Mutex::new(()),
        streams: AtomicUsize::new(0),
        watchers: pdf::Watchers::default(),
        opts,
    });
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let mut watcher = notify::recommended_watcher(move |r: notify::Result<notify::Event>| {
        // Reads (ours included) are not changes.
        if r.is_ok_and(|e| !matches!(e.kind, notify::EventKind::Access(_))) {
            let _ = tx.send(());
        }
    })
    .map_err(|e| format!("cannot watch for changes ({e})"))?;
    watcher
        .watch(&shared.opts.policy, notify::RecursiveMode::Recursive)
        .map_err(|e| format!("cannot watch `{}` ({e})", shared.opts.policy.display()))?;
    for w in shared.opts.watch.iter().filter(|w| w.is_dir()) {
        watcher
            .watch(w, notify::RecursiveMode::Recursive)
            .map_err(|e| format!("cannot watch `{}` ({e})", w.display()))?;
    }
    rebuild(&shared, Instant::now());
    on_listening(addr);
    let builder = {
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || {
            // A watch follows the folder it was set on: a policy folder deleted and made
            // again (a checkout, `cp -r`) is a new folder, watched anew when it appears.
            let mut watcher = watcher;
            let policy = shared.opts.policy.clone();
            let mut seen = folder_identity(&policy);
            while !shared.opts.stop.load(Ordering::Relaxed) {
                match rx.recv_timeout(Duration::from_millis(200)) {
                    Ok(()) => {}
                    Err(RecvTimeoutError::Timeout) => {
                        let now = folder_identity(&policy);
                        if now != seen {
                            seen = now;
                            if now.is_some() {
                                let _ = watcher.watch(&policy, notify::RecursiveMode::Recursive);
                            }
                            rebuild(&shared, Instant::now());
                        }
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => return,
                }
                let saved = Instant::now();
                // Until the folder is quiet, but never more than half a second.
                while saved.elapsed() < Duration::from_millis(500)
                    && rx.recv_timeout(DEBOUNCE).is_ok()
                {}
                rebuild(&shared, saved);
            }
        })
    };
    while !shared.opts.stop.load(Ordering::Relaxed) {
        match server.recv_timeout(Duration::from_millis(200)) {
            Ok(Some(req)) => {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || handle(&shared, req));
            }
            Ok(None) => {}
            Err(e) => return Err(format!("cannot accept a connection ({e})")),
        }
    }
    // Wake the event streams so they end, let a build under way finish, stop Typst,
    // then remove the folder (when `dir` is dropped).
    shared.changed.notify_all();
    let _ = builder.join();
    let _busy = lock(&shared.busy);
    shared.watchers.stop();
    Ok(())
}

/// Which folder `path` is (device and inode on Unix, so a folder deleted and made again
/// under the same name is another one); `None` while there is none.
fn folder_identity(path: &std::path::Path) -> Option<(u64, u64)> {
    let m = std::fs::metadata(path)
        .ok()
        .filter(std::fs::Metadata::is_dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        Some((m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = m;
        Some((0, 0))
    }
}

/// Loads, checks and builds the policy into the folder; on errors keeps the last good
/// build and shows the diagnostics. Never fails: every problem becomes the panel.
fn rebuild(shared: &Shared, saved: Instant) {
    let _busy = lock(&shared.busy);
    let opts = &shared.opts;
    let served = Arc::clone(&lock(&shared.status).pages);
    let (report, stamps, summary) = match build_once(shared, &served) {
        Ok(Built {
            report,
            stamps,
            pages,
            summary,
        }) => (report, Some((stamps, pages)), summary),
        Err(message) => (
            Report::failed(&message),
            None,
            format!("could not build: {message}"),
        ),
    };
    let mut status = lock(&shared.status);
    status.generation += 1;
    status.report = report;
    let built = stamps.filter(|(s, _)| !s.is_empty()).map(|(s, pages)| {
        status.built = true;
        status.stamps.clone_from(&s);
        status.pages = pages;
        s
    });
    drop(status);
    // A version no longer in the policy needs no Typst watching it.
    if let Some(stamps) = built {
        shared.watchers.retain(|k| stamps.contains_key(k));
    }
    shared.changed.notify_all();
    (opts.log)(&format!("{summary} ({} ms)", saved.elapsed().as_millis()));
}

/// What one build did.
struct Built {
    /// The diagnostics, placed.
    report: Report,
    /// The PDF timestamps of the versions built (empty when nothing was built).
    stamps: HashMap<PageKey, i64>,
    /// The sections of the pages now served.
    pages: Arc<marks::Pages>,
    /// A line for the log.
    summary: String,
}

/// One build. `served`: the sections of the pages of the last good build, still served
/// when nothing is rebuilt.
fn build_once(shared: &Shared, served: &Arc<marks::Pages>) -> Result<Built, String> {
    let opts = &shared.opts;
    let tree = crate::load::DiskTree::new(&opts.policy)?;
    let (policy, loaded) = crate::load::load(&tree);
    let kept = |d: &Diagnostics| Built {
        report: Report::new(&policy, d, true, served),
        stamps: HashMap::new(),
        pages: Arc::clone(served),
        summary: problems(d, "nothing rebuilt"),
    };
    if loaded.has_errors() {
        return Ok(kept(&loaded));
    }
    let templates = (opts.templates)()?;
    let build = publish::Options {
        out: &shared.out,
        typst: None,
        progress: false,
        date: crate::date::build_date(),
    };
    match publish::check_and_build(&policy, &templates, &build, false) {
        Ok((written, mut checked)) => {
            checked.extend(loaded);
            checked.sort();
            let stamps = policy
                .documents
                .iter()
                .flat_map(|d| {
                    d.versions.iter().map(|v| {
                        (
                            (d.id.clone(), v.version.value.clone()),
                            publish::timestamp(v),
                        )
                    })
                })
                .collect();
            let pages = Arc::new(written.sections);
            Ok(Built {
                report: Report::new(&policy, &checked, false, &pages),
                stamps,
                pages,
                summary: problems(&checked, "rebuilt"),
            })
        }
        Err(BuildError::Problems(mut d)) => {
            d.extend(loaded);
            d.sort();
            Ok(kept(&d))
        }
        Err(BuildError::Failed(e)) => Err(e),
        Err(BuildError::Interrupted) => Err("interrupted".into()),
    }
}

fn problems(d: &Diagnostics, what: &str) -> String {
    let (e, w) = (d.count(Severity::Error), d.count(Severity::Warning));
    format!("{what}: {e} error(s), {w} warning(s)")
}

/// The script added to a served page: the page reloads when the build it was served
/// from is no longer the latest. When the stream fails (the server stopped, or has
/// [`MAX_STREAMS`] open and answered 503), the page listens again after a while, twice
/// as long each time (1 s up to a minute, with jitter), rather than at once.
fn script(generation: u64) -> String {
    format!(
        concat!(
            "<script>(function(){{var seen={},wait=1000;function listen(){{",
            "var s=new EventSource(\"/_styrdok/events\");",
            "s.onopen=function(){{wait=1000;}};",
            "s.onmessage=function(e){{if(Number(e.data)!==seen){{s.close();location.reload();}}}};",
            "s.onerror=function(){{s.close();setTimeout(listen,wait+Math.random()*wait);wait=Math.min(wait*2,60000);}};",
            "}}listen();}})();</script>"
        ),
        generation
    )
}

/// Adds the diagnostics (the panel after `<body…>`, and in the page of version `key`
/// the markers) and the script before `</body>`.
fn inject(page: &str, status: &Status, key: Option<&PageKey>) -> String {
    let script = script(status.generation);
    let (page, panel) = status.report.mark(page, key);
    let page = page.as_str();
    let mut out = String::with_capacity(page.len() + script.len() + panel.len());
    let body = page
        .find("<body")
        .and_then(|at| page[at..].find('>').map(|end| at + end + 1));
    let (head, rest) = body.map_or(("", page), |at| page.split_at(at));
    out.push_str(head);
    out.push_str(&panel);
    match rest.rfind("</body>") {
        Some(at) => {
            out.push_str(&rest[..at]);
            out.push_str(&script);
            out.push_str(&rest[at..]);
        }
        None => {
            out.push_str(rest);
            out.push_str(&script);
        }
    }
    out
}

fn respond(req: tiny_http::Request, code: u16, kind: &str, body: Vec<u8>) {
    // Whole bodies in memory: a Content-Length, never chunks.
    let mut r = tiny_http::Response::from_data(body)
        .with_status_code(code)
        .with_chunked_threshold(usize::MAX);
    for (name, value) in [("Content-Type", kind), ("Cache-Control", "no-store")] {
        if let Ok(h) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            r.add_header(h);
        }
    }
    let _ = req.respond(r);
}

fn not_found(req: tiny_http::Request) {
    respond(
        req,
        404,
        "text/plain; charset=utf-8",
        b"404: hittades inte\n".to_vec(),
    );
}

fn handle(shared: &Shared, req: tiny_http::Request) {
    // Only this machine's own names: a page elsewhere whose name resolves to 127.0.0.1
    // (DNS rebinding) sends its own Host and is refused.
    let host_ok = req
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .is_none_or(|h| {
            let v = h.value.as_str();
            v == format!("127.0.0.1:{}", shared.port) || v == format!("localhost:{}", shared.port)
        });
    if !host_ok {
        respond(
            req,
            403,
            "text/plain; charset=utf-8",
            b"403: only http://127.0.0.1 or http://localhost\n".to_vec(),
        );
        return;
    }
    if !matches!(
        req.method(),
        tiny_http::Method::Get | tiny_http::Method::Head
    ) {
        respond(
            req,
            405,
            "text/plain; charset=utf-8",
            b"405: only GET\n".to_vec(),
        );
        return;
    }
    let Some(segments) = url_path(req.url()) else {
        not_found(req);
        return;
    };
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    match segs.as_slice() {
        ["_styrdok", "events"] => events(shared, req),
        ["_styrdok", "pdf", doc, file] => match file.strip_suffix(".pdf") {
            Some(version) => pdf(shared, req, doc, version),
            None => not_found(req),
        },
        // The PDF beside a version's page is Typst's too, never a stale file.
        [doc, version, file] if *file == format!("{doc}-{version}.pdf") => {
            pdf(shared, req, doc, version);
        }
        _ => file(shared, req, &segments),
    }
}

/// The path of a request's URL as safe segments below the build folder: percent-decoded,
/// without `.`/`..`, hidden names, backslashes or empty segments; `None` is a 404. A
/// trailing `/` names the folder's `index.html`.
fn url_path(url: &str) -> Option<Vec<String>> {
    let path = url.split(['?', '#']).next()?;
    let path = path.strip_prefix('/')?;
    let decoded = percent_decode(path)?;
    let mut segments: Vec<String> = decoded.split('/').map(str::to_string).collect();
    if segments.last().is_some_and(String::is_empty) {
        segments.pop();
        segments.push("index.html".into());
    }
    let safe = |s: &String| {
        !s.is_empty() && !s.starts_with('.') && !s.contains(['\\', '\0', ':']) && s != "~"
    };
    segments.iter().all(safe).then_some(segments)
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("pdf") => "application/pdf",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("woff2") => "font/woff2",
        Some("js") => "text/javascript; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    }
}

fn file(shared: &Shared, req: tiny_http::Request, segments: &[String]) {
    let path = segments.iter().fold(shared.out.clone(), |p, s| p.join(s));
    // The folder is ours and holds no links; checked anyway.
    let inside = std::fs::canonicalize(&path)
        .ok()
        .zip(std::fs::canonicalize(&shared.out).ok())
        .is_some_and(|(p, out)| p.starts_with(out) && p.is_file());
    let status = lock(&shared.status);
    if !inside {
        if segments == ["index.html"] && !status.built {
            // Nothing built yet (the policy had errors from the start): the panel alone.
            let page = inject(
                "<!doctype html><html lang=\"sv\"><head><meta charset=\"utf-8\"><title>styrdok serve</title></head><body><p>Inget har byggts ännu.</p></body></html>",
                &status,
                None,
            );
            drop(status);
            respond(req, 200, "text/html; charset=utf-8", page.into_bytes());
            return;
        }
        drop(status);
        not_found(req);
        return;
    }
    let Ok(bytes) = std::fs::read(&path) else {
        drop(status);
        not_found(req);
        return;
    };
    let kind = content_type(&path);
    let body = if kind.starts_with("text/html") {
        // A version's own page (`<doc>/<version>/<doc>-<version>.html`) gets markers.
        let key = match segments {
            [doc, version, file] if *file == format!("{doc}-{version}.html") => {
                Some((doc.clone(), version.clone()))
            }
            _ => None,
        };
        inject(&String::from_utf8_lossy(&bytes), &status, key.as_ref()).into_bytes()
    } else {
        bytes
    };
    drop(status);
    respond(req, 200, kind, body);
}

/// Counts an open event stream; dropped, it frees the place.
struct Stream<'a>(&'a AtomicUsize);

impl Drop for Stream<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// `text/event-stream`: the latest build's number at once, then each new one; at most
/// [`MAX_STREAMS`] at once (one more is answered `503`). An SSE comment every
/// [`KEEPALIVE`], and twice shortly after each build (when the pages that saw it reload
/// and close their streams), finds closed connections, whose place is then freed.
fn events(shared: &Shared, req: tiny_http::Request) {
    let taken = shared
        .streams
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
            (n < MAX_STREAMS).then_some(n + 1)
        });
    if taken.is_err() {
        let mut r = tiny_http::Response::from_data(
            format!("503: already {MAX_STREAMS} pages listen for rebuilds; close some\n")
                .into_bytes(),
        )
        .with_status_code(503)
        .with_chunked_threshold(usize::MAX);
        for (name, value) in [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Cache-Control", "no-store"),
            ("Retry-After", "10"),
        ] {
            if let Ok(h) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
                r.add_header(h);
            }
        }
        let _ = req.respond(r);
        return;
    }
    let _place = Stream(&shared.streams);
    let mut w = req.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    if w.write_all(head.as_bytes())
        .and_then(|()| w.flush())
        .is_err()
    {
        return;
    }
    let mut seen = None;
    // Probes due soon after a build, before the next regular one.
    let mut probes: u8 = 0;
    loop {
        let wait = if probes > 0 {
            Duration::from_millis(200)
        } else {
            KEEPALIVE
        };
        let status = lock(&shared.status);
        let (status, _) = shared
            .changed
            .wait_timeout_while(status, wait, |s| {
                Some(s.generation) == seen && !shared.opts.stop.load(Ordering::Relaxed)
            })
            .unwrap_or_else(PoisonError::into_inner);
        let generation = status.generation;
        drop(status);
        if shared.opts.stop.load(Ordering::Relaxed) {
            return;
        }
        let message = if Some(generation) == seen {
            probes = probes.saturating_sub(1);
            ": still here\n\n".to_string()
        } else {
            probes = 2;
            format!("data: {generation}\n\n")
        };
        if w.write_all(message.as_bytes())
            .and_then(|()| w.flush())
            .is_err()
        {
            return;
        }
        seen = Some(generation);
    }
}

/// A version's PDF, made by its `typst watch` from the Typst source the last good
/// build wrote ([`pdf::Watchers::pdf`]); an error page (with the panel, and the script
/// that reloads it after the next build) when Typst is missing or failed.
fn pdf(shared: &Shared, req: tiny_http::Request, doc: &str, version: &str) {
    let stamp = lock(&shared.status)
        .stamps
        .get(&(doc.to_string(), version.to_string()))
        .copied();
    let Some(stamp) = stamp else {
        not_found(req);
        return;
    };
    let result = (shared.opts.templates)()
        .map_err(pdf::Failure::Failed)
        .and_then(|templates| {
            shared
                .watchers
                .pdf(&shared.out, &templates, doc, version, stamp)
        });
    match result {
        Ok(bytes) => respond(req, 200, "application/pdf", bytes),
        Err(pdf::Failure::NotBuilt) => not_found(req),
        Err(pdf::Failure::Failed(e)) => {
            let mut page = String::from(
                "<!doctype html><html lang=\"sv\"><head><meta charset=\"utf-8\"><title>PDF:en kunde inte göras</title></head><body><main><h1>PDF:en kunde inte göras</h1><p>",
            );
            escape(&format!("{doc} version {version}"), &mut page);
            page.push_str(
                ": Typst svarade så här. Sidan laddas om efter nästa bygge.</p><pre lang=\"en\">",
            );
            escape(&e, &mut page);
            page.push_str("</pre></main></body></html>");
            let page = inject(&page, &lock(&shared.status), None);
            respond(req, 500, "text/html; charset=utf-8", page.into_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_folder_are_refused() {
        for bad in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "//etc/passwd",
            "/.styrdok-build-x/a.html",
            "/a\\..\\b",
            "/%zz",
            "/%c3",
            "http://example.com/",
            "/C:/x",
        ] {
            assert_eq!(url_path(bad), None, "{bad}");
        }
        assert_eq!(url_path("/").unwrap(), ["index.html"]);
        assert_eq!(url_path("/a/b.html?x=1").unwrap(), ["a", "b.html"]);
        assert_eq!(url_path("/a%20b/").unwrap(), ["a b", "index.html"]);
    }

    #[test]
    fn the_script_and_panel_go_inside_the_body() {
        let status = Status {
            generation: 7,
            report: Report::failed("x <y>"),
            ..Status::default()
        };
        let page = inject(
            "<html><body class=\"a\"><h1>T</h1></body></html>",
            &status,
            None,
        );
        assert!(page.contains("x &lt;y&gt;"));
        let panel = page.find("styrdok-diagnostics").unwrap();
        assert!(page.find("<body").unwrap() < panel && panel < page.find("<h1>").unwrap());
        assert!(page.contains("var seen=7,"));
        // A failed stream (503 at the cap, a stopped server) is retried later and later.
        assert!(
            page.contains("setTimeout(listen,wait+Math.random()*wait);wait=Math.min(wait*2,60000)")
        );
        assert!(page.find("EventSource").unwrap() < page.find("</body>").unwrap());
    }
}
