//! `styrdok serve` as a user runs it: the binary on a free port with a copy of the
//! shipped policy, fetched over HTTP. Timing is measured in benches/serve.rs, not here.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{copy_dir, root};

const TITLE: &str = "Riktlinjer för särskilt individanpassad stödinsats";

/// A running `styrdok serve` on a copy of `policy/` and `templates/`; killed when dropped.
struct Server {
    child: Child,
    addr: String,
    policy: PathBuf,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start() -> Server {
        Server::start_with(|_| {})
    }

    /// Starts on a copy of the shipped policy that `edit` has changed first.
    fn start_with(edit: impl FnOnce(&Path)) -> Server {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&root().join("policy"), &dir.path().join("policy"));
        copy_dir(&root().join("templates"), &dir.path().join("templates"));
        let policy = dir.path().join("policy");
        edit(&policy);
        let mut child = Command::new(env!("CARGO_BIN_EXE_styrdok"))
            .args(["serve", policy.to_str().unwrap(), "--port", "0"])
            .env("NO_COLOR", "1")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut log = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        let addr = loop {
            line.clear();
            assert!(log.read_line(&mut line).unwrap() > 0, "serve exited early");
            if let Some(rest) = line.split("serving http://").nth(1) {
                break rest.split('/').next().unwrap().to_string();
            }
        };
        assert!(addr.starts_with("127.0.0.1:"), "{addr}");
        std::thread::spawn(move || for _ in log.lines() {});
        Server {
            child,
            addr,
            policy,
            _dir: dir,
        }
    }

    /// GET `path` (sent as is, not normalised): the status code and the body.
    fn get(&self, path: &str) -> (u16, String) {
        let (code, body) = self.get_bytes(path);
        (code, String::from_utf8_lossy(&body).into_owned())
    }

    /// GET `path`: the status code and the body's bytes.
    fn get_bytes(&self, path: &str) -> (u16, Vec<u8>) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(90))).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut response = Vec::new();
        s.read_to_end(&mut response).unwrap();
        let head_end = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(response.len(), |p| p + 4);
        let head = String::from_utf8_lossy(&response[..head_end]).into_owned();
        let code = head
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        (code, response[head_end..].to_vec())
    }

    /// The event stream, read up to its first build number.
    fn events(&self) -> (BufReader<TcpStream>, u64) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        write!(
            s,
            "GET /_styrdok/events HTTP/1.1\r\nHost: {}\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut r = BufReader::new(s);
        let n = next_build(&mut r);
        (r, n)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM, as Ctrl-C: the server removes its temporary folder before it exits
        // (SIGKILL would leave it behind in /tmp).
        if let Ok(None) = self.child.try_wait() {
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
        }
        let _ = self.child.wait();
    }
}

fn next_build(events: &mut impl BufRead) -> u64 {
    let mut line = String::new();
    loop {
        line.clear();
        assert!(events.read_line(&mut line).unwrap() > 0, "the stream ended");
        if let Some(n) = line.strip_prefix("data: ") {
            return n.trim().parse().unwrap();
        }
    }
}

fn first_document_link(index: &str) -> String {
    let at = index
        .find("href=\"stod-arbete-studier/2023-07/")
        .expect("the index links the guideline");
    let rest = &index[at + 6..];
    format!("/{}", &rest[..rest.find('"').unwrap()])
}

#[test]
fn serves_the_index_and_pages_with_the_reload_script_and_nothing_outside() {
    let server = Server::start();
    let (code, index) = server.get("/");
    assert_eq!(code, 200);
    assert!(index.contains("/_styrdok/events"), "the reload script");
    let page = first_document_link(&index);
    let (code, html) = server.get(&page);
    assert_eq!(code, 200, "{page}");
    assert!(html.contains(TITLE));
    assert!(html.contains("new EventSource(\"/_styrdok/events\")"));
    assert!(html.contains("id=\"styrdok-diagnostics\""), "the warnings");
    // The PDF on request, through build's Typst compile (when Typst is configured).
    if std::env::var_os("STYRDOK_TYPST").is_some() {
        let (code, pdf) = server.get("/_styrdok/pdf/stod-arbete-studier/2023-07.pdf");
        assert_eq!(code, 200, "{pdf}");
        assert!(pdf.starts_with("%PDF-"));
    }
    for bad in [
        "/../Cargo.toml",
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2f%2E%2E%2fetc%2fpasswd",
        "//etc/passwd",
        "/.fonts/",
        "/nothing-here.html",
        "/_styrdok/pdf/nothing/2020-01.pdf",
    ] {
        let (code, body) = server.get(bad);
        assert_eq!(code, 404, "{bad}: {body}");
        assert!(!body.contains("root:"), "{bad}");
    }
}

#[test]
fn a_yaml_error_shows_in_the_page_above_the_last_good_build_and_goes_when_fixed() {
    let server = Server::start();
    let page = first_document_link(&server.get("/").1);
    let (mut events, first) = server.events();
    let facts = server.policy.join("facts.yaml");
    let good = std::fs::read_to_string(&facts).unwrap();
    // An unclosed flow sequence: a syntax error, not a decoding one.
    std::fs::write(&facts, format!("{good}\nbroken: [1, 2\n")).unwrap();
    let broken = next_build(&mut events);
    assert!(broken > first);
    let (code, html) = server.get(&page);
    assert_eq!(code, 200, "the server still serves");
    let panel_at = html.find("id=\"styrdok-diagnostics\"").expect("a panel");
    let panel = &html[panel_at..html[panel_at..].find("</section>").unwrap() + panel_at];
    assert!(panel.contains("facts.yaml:"), "{panel}");
    assert!(panel.contains("1 fel"), "{panel}");
    assert!(
        html[panel_at..].contains(TITLE),
        "the last good build below"
    );
    assert!(html.contains(&format!("var seen={broken},")));
    // Fixed: the next build clears the error.
    std::fs::write(&facts, &good).unwrap();
    assert!(next_build(&mut events) > broken);
    let (code, html) = server.get(&page);
    assert_eq!(code, 200);
    assert!(!html.contains("facts.yaml:"), "the error is gone");
    assert!(html.contains("0 fel"), "warnings remain listed");
}

#[test]
fn ctrl_c_stops_cleanly() {
    let mut server = Server::start();
    assert_eq!(server.get("/").0, 200);
    let status = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let start = Instant::now();
    loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            assert_eq!(s.code(), Some(0));
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "still running");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The DOM of `url` after it loaded in Debian's headless Chromium, as `--dump-dom`
/// prints it; `None` when Chromium is not installed.
fn chromium_dom(url: &str) -> Option<String> {
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        eprintln!("chromium is not installed: skipped");
        return None;
    }
    let profile = tempfile::tempdir().unwrap();
    let dump = std::fs::File::create(profile.path().join("dom.html")).unwrap();
    // The open event stream keeps the page busy for good: no virtual time budget,
    // and a deadline of our own.
    let mut c = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--dump-dom",
        ])
        .arg(format!(
            "--user-data-dir={}",
            profile.path().join("p").display()
        ))
        .arg(url)
        .env("HOME", profile.path())
        .stdout(dump)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while c.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(120) {
            let _ = c.kill();
            let _ = c.wait();
            panic!("chromium did not finish within two minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(std::fs::read_to_string(profile.path().join("dom.html")).unwrap())
}

#[test]
fn the_page_loads_in_headless_chromium_when_it_is_installed() {
    let server = Server::start();
    let Some(dom) = chromium_dom(&format!("http://{}/", server.addr)) else {
        return;
    };
    assert!(
        dom.contains("Styrdokument") && dom.contains("/_styrdok/events"),
        "{dom}"
    );
}

/// The 1-based number of the line of `file` that contains `text`.
fn line_of(file: &Path, text: &str) -> usize {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .position(|l| l.contains(text))
        .unwrap_or_else(|| panic!("`{text}` is not in {}", file.display()))
        + 1
}

/// The panel entry a marker links to: its number, found after `after` in the DOM.
fn marker_after(dom: &str, after: &str) -> (usize, String) {
    let at = dom
        .find(after)
        .unwrap_or_else(|| panic!("no `{after}` in {dom}"));
    let rest = &dom[at..];
    let m = rest
        .find("class=\"styrdok-markering ")
        .unwrap_or_else(|| panic!("no marker after `{after}`"));
    let href = &rest[m..];
    let n: usize = href
        .split("href=\"#styrdok-diag-")
        .nth(1)
        .and_then(|x| x.split('"').next())
        .and_then(|x| x.parse().ok())
        .expect("a marker links to its entry");
    let entry_at = dom
        .find(&format!("<li id=\"styrdok-diag-{n}\""))
        .expect("the entry");
    let entry = &dom[entry_at..entry_at + dom[entry_at..].find("</li>").unwrap()];
    (n, entry.to_string())
}

/// A warning at a known line, in headless Chromium: the panel (a region with a heading)
/// quotes the line with the span underlined, and a marker stands at the element the
/// line belongs to (a criterion; a block of a section, not its first), linking to the
/// entry, which links back. What the YAML says is text, never markup.
#[test]
fn a_warning_is_quoted_in_the_panel_and_marked_at_its_element_in_chromium() {
    let file = "stod-arbete-studier/2023-07.yaml";
    let server = Server::start_with(|policy| {
        let path = policy.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        // A criterion's sentence with a misspelling the glossary lists.
        let criterion = "text: Den enskilde ska vara i yrkesverksam ålder.";
        assert!(text.contains(criterion));
        let text = text.replace(
            criterion,
            "text: Den enskilde ska vara i yrkesverksam ålder <b>och</b> skraddarsy.",
        );
        // A second block in a section, with the same misspelling.
        let section = "  - id: arbetsinriktat-stod\n";
        let text = text.replace(
            section,
            &format!("      - text: |\n          Ett andra stycke att skraddarsy.\n\n{section}"),
        );
        std::fs::write(&path, text).unwrap();
    });
    let path = server.policy.join(file);
    let criterion_line = line_of(&path, "<b>och</b> skraddarsy");
    let block_line = line_of(&path, "Ett andra stycke att skraddarsy");
    let page = "/stod-arbete-studier/2023-07/stod-arbete-studier-2023-07.html";
    let Some(dom) = chromium_dom(&format!("http://{}{page}", server.addr)) else {
        return;
    };
    // The panel: a named region with a heading.
    assert!(
        dom.contains(
            "<section id=\"styrdok-diagnostics\" aria-labelledby=\"styrdok-diagnostics-rubrik\">"
        ) && dom.contains("<h2 id=\"styrdok-diagnostics-rubrik\">"),
        "{dom}"
    );
    // The criterion: the marker is inside its anchor in the list.
    let (n, entry) = marker_after(&dom, "<span id=\"yrkesverksam-alder\">");
    assert!(
        entry.contains(&format!("{file}:{criterion_line}:")),
        "the marker links to the warning at line {criterion_line}: {entry}"
    );
    assert!(entry.contains("[misspelling]"), "{entry}");
    assert!(
        entry.contains(&format!(
            "{criterion_line} │     text: Den enskilde ska vara i yrkesverksam ålder &lt;b&gt;och&lt;/b&gt; skraddarsy."
        )),
        "the quoted line, escaped: {entry}"
    );
    // `skraddarsy`, ten characters, underlined below the quoted line.
    assert!(
        entry.contains(&format!("·{}──────────\n", " ".repeat(65))),
        "the span underlined: {entry}"
    );
    assert!(
        entry.contains(&format!("href=\"#styrdok-markering-{n}\">Visa i texten")),
        "and back: {entry}"
    );
    assert!(
        !dom.contains("ålder <b>och</b>") && dom.contains("ålder &lt;b&gt;och&lt;/b&gt;"),
        "the YAML's markup is text"
    );
    // The block: before the second paragraph of the section, not its first.
    let block = dom.find("<p>Ett andra stycke att").expect("the new block");
    let before = &dom[..block];
    assert!(
        before.ends_with("</a></div>"),
        "a marker right before the block: {}",
        &before[before.len() - 400..]
    );
    let group = &before[before.rfind("<div class=\"styrdok-markeringar\">").unwrap()..];
    let n: usize = group
        .split("href=\"#styrdok-diag-")
        .nth(1)
        .and_then(|x| x.split('"').next())
        .and_then(|x| x.parse().ok())
        .unwrap();
    let entry_at = dom.find(&format!("<li id=\"styrdok-diag-{n}\"")).unwrap();
    assert!(
        dom[entry_at..].contains(&format!("{file}:{block_line}:")),
        "the block's marker is the block's warning"
    );
    // The markers have names (their text), and say more than their colour.
    assert!(group.contains("Varning"), "{group}");
}

/// A request whose Host is not this machine (a page elsewhere whose name resolves to
/// 127.0.0.1: DNS rebinding) is refused, so no other site can read the preview.
#[test]
fn a_request_for_another_host_is_refused() {
    use std::io::{Read, Write};
    let server = Server::start();
    let mut s = std::net::TcpStream::connect(&server.addr).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 403"), "{reply}");
    let (code, _) = server.get("/");
    assert_eq!(code, 200);
}

/// A policy folder deleted and made again (a checkout, `cp -r`) is watched anew: the
/// server rebuilds when it reappears, and a change inside the new folder is seen.
#[test]
fn a_policy_folder_made_again_is_watched_again() {
    let server = Server::start();
    let page = first_document_link(&server.get("/").1);
    let (mut events, first) = server.events();
    let backup = server.policy.with_extension("bak");
    std::fs::rename(&server.policy, &backup).unwrap();
    let gone = next_build(&mut events);
    assert!(gone > first);
    common::copy_dir(&backup, &server.policy);
    let back = next_build(&mut events);
    assert!(back > gone);
    let facts = server.policy.join("facts.yaml");
    let good = std::fs::read_to_string(&facts).unwrap();
    std::fs::write(&facts, format!("{good}\nbroken: [1, 2\n")).unwrap();
    assert!(next_build(&mut events) > back);
    let (_, html) = server.get(&page);
    assert!(
        html.contains("facts.yaml:"),
        "the change in the new folder is seen"
    );
}

/// The `typst watch` processes that the server started (Linux: read from /proc).
fn typst_watchers(server: &Server) -> Vec<u32> {
    let server_pid = server.child.id();
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid …`: the name may hold spaces, so after its `)`.
        let parent = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
        let watch = cmdline.split(|b| *b == 0).nth(1) == Some(b"watch".as_slice());
        if parent == Some(server_pid) && watch {
            out.push(pid);
        }
    }
    out
}

/// Whether a process still runs (a zombie does not count).
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        s.rsplit_once(')')
            .is_some_and(|(_, r)| !r.trim_start().starts_with('Z'))
    })
}

/// The PDF comes from `typst watch`, started on the first request: after a one-word
/// save the next request waits for Typst's recompile and has the new word; the PDF
/// beside the page is the same; a watcher stops when its version leaves the policy,
/// and the rest when the server stops. Needs Typst (`STYRDOK_TYPST`).
#[test]
fn the_pdf_follows_a_save_through_typst_watch() {
    if std::env::var_os("STYRDOK_TYPST").is_none() {
        eprintln!("STYRDOK_TYPST is not set: skipped");
        return;
    }
    let mut server = Server::start();
    let pdf_text = |path: &str| {
        let (code, bytes) = server.get_bytes(path);
        assert_eq!(code, 200, "{path}: {}", String::from_utf8_lossy(&bytes));
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), &bytes).unwrap();
        common::pdf_text(f.path())
    };
    let url = "/_styrdok/pdf/stod-arbete-studier/2023-07.pdf";
    assert!(pdf_text(url).contains("Rekonstruerad version."));
    assert_eq!(typst_watchers(&server).len(), 1, "one typst watch");
    let (mut events, first) = server.events();
    let file = server.policy.join("stod-arbete-studier/2023-07.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace(
            "**Rekonstruerad version.**",
            "**Rekonstruerad sebraversion.**",
        ),
    )
    .unwrap();
    let saved = next_build(&mut events);
    assert!(saved > first);
    let after = pdf_text(url);
    assert!(after.contains("Rekonstruerad sebraversion."), "{after}");
    assert!(
        pdf_text("/stod-arbete-studier/2023-07/stod-arbete-studier-2023-07.pdf")
            .contains("Rekonstruerad sebraversion."),
        "the PDF beside the page"
    );
    assert_eq!(typst_watchers(&server).len(), 1, "the same typst watch");
    // A second version's watcher; its document leaves the policy, its watcher stops.
    pdf_text("/_styrdok/pdf/uppsokande-arbetsmarknadsinsats/remiss-2022.pdf");
    let both = typst_watchers(&server);
    assert_eq!(both.len(), 2);
    std::fs::remove_dir_all(server.policy.join("uppsokande-arbetsmarknadsinsats")).unwrap();
    assert!(next_build(&mut events) > saved);
    let start = Instant::now();
    while typst_watchers(&server).len() != 1 {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "still two watchers"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let (code, _) = server.get("/_styrdok/pdf/uppsokande-arbetsmarknadsinsats/remiss-2022.pdf");
    assert_eq!(code, 404, "no longer in the policy");
    // Stopped (SIGINT, as Ctrl-C): no Typst is left running.
    let status = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(server.child.wait().unwrap().success());
    for pid in both {
        assert!(!running(pid), "typst watch {pid} outlived the server");
    }
}

/// At most 32 pages listen for rebuilds at once; one more is answered 503, and a page
/// closed frees its place within a few seconds.
#[test]
fn event_streams_are_capped_and_a_closed_one_frees_its_place() {
    let server = Server::start();
    let streams: Vec<_> = (0..32).map(|_| server.events()).collect();
    let (code, body) = server.get("/_styrdok/events");
    assert_eq!(code, 503, "{body}");
    // The pages are still served.
    assert_eq!(server.get("/").0, 200);
    // Idle by now (the probes after the first build are over): the regular keep-alive
    // finds the closed connection.
    std::thread::sleep(Duration::from_secs(1));
    drop(streams.into_iter().next());
    let start = Instant::now();
    loop {
        let mut s = TcpStream::connect(&server.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(
            s,
            "GET /_styrdok/events HTTP/1.1\r\nHost: {}\r\n\r\n",
            server.addr
        )
        .unwrap();
        let mut r = BufReader::new(s);
        let mut status = String::new();
        r.read_line(&mut status).unwrap();
        if status.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(status.starts_with("HTTP/1.1 503"), "{status}");
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the closed stream's place was not freed"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}
