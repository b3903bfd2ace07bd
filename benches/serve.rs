//! Save to reloaded HTML in `styrdok serve`, on the shipped policy: the time from a
//! file in the policy folder being written to the reload event arriving on
//! `/_styrdok/events` (the page reloads on it), and to the reloaded page (with its
//! diagnostics panel and markers) having been served. Target: under 300 ms
//! (docs/benchmarks.md).
//!
//! `cargo bench --bench serve` starts the release binary on a free port with a copy of
//! `policy/` and `templates/` in a temporary folder, saves a version file `SAVES` times
//! and prints the median, fastest and slowest. With `STYRDOK_TYPST` set it then times
//! the version's PDF through `typst watch`: the first request (Typst started, a full
//! compile), and `PDF_SAVES` requests each after a one-word save, from the save and
//! from the reload event (what is left after the rebuild: Typst's incremental recompile).
//! `STYRDOK_BENCH_BIN=<path>` measures another styrdok binary instead (to compare with
//! an older commit on the same machine at the same time).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SAVES: usize = 21;
const PDF_SAVES: usize = 7;

/// The CPU time a process has used (user and system), from /proc on Linux: unlike the
/// wall-clock times, it hardly depends on what else the machine runs.
fn cpu(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ: 100 ticks a second on Linux.
    Some(Duration::from_millis(ticks * 10))
}

/// GET `path`: the status and the body's length.
fn get(addr: &str, path: &str) -> (u16, usize) {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut r = Vec::new();
    s.read_to_end(&mut r).unwrap();
    let code = String::from_utf8_lossy(&r[..r.len().min(12)])
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, r.len())
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// Reads the event stream up to the next `data:` line.
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

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    copy(&root.join("policy"), &tmp.path().join("policy"));
    copy(&root.join("templates"), &tmp.path().join("templates"));
    let policy = tmp.path().join("policy");
    // Another build of styrdok may be measured the same way (an older commit, to compare).
    let bin = std::env::var_os("STYRDOK_BENCH_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_styrdok").into());
    let mut child = Command::new(bin)
        .args(["serve", policy.to_str().unwrap(), "--port", "0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let addr = loop {
        line.clear();
        assert!(log.read_line(&mut line).unwrap() > 0, "serve exited");
        if let Some(rest) = line.split("serving http://").nth(1) {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    // The server's own log ("rebuilt … (N ms)") is drained so it never blocks.
    std::thread::spawn(move || for _ in log.lines() {});
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "GET /_styrdok/events HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    )
    .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut events = BufReader::new(stream);
    let mut seen = next_build(&mut events);
    let file = policy.join("stod-arbete-studier/2023-07.yaml");
    let page = "/stod-arbete-studier/2023-07/stod-arbete-studier-2023-07.html";
    let original = std::fs::read_to_string(&file).unwrap();
    let mut times = Vec::new();
    let mut pages = Vec::new();
    let cpu_before = cpu(child.id());
    for i in 0..SAVES {
        std::thread::sleep(Duration::from_millis(300));
        let saved = Instant::now();
        std::fs::write(&file, format!("{original}\n# save {i}\n")).unwrap();
        let n = next_build(&mut events);
        times.push(saved.elapsed());
        // What the reloading page asks for next.
        assert_eq!(get(&addr, page).0, 200);
        pages.push(saved.elapsed());
        assert!(n > seen, "a new build");
        seen = n;
    }
    let summary = |times: &mut Vec<Duration>| {
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let n = times.len();
        format!(
            "median {:.0} ms (fastest {:.0} ms, slowest {:.0} ms)",
            ms(times[n / 2]),
            ms(times[0]),
            ms(times[n - 1])
        )
    };
    println!(
        "serve: save to reload event, shipped policy, {SAVES} saves: {}; target < 300 ms",
        summary(&mut times)
    );
    println!(
        "serve: save to the reloaded page served (panel and markers), {SAVES} saves: {}",
        summary(&mut pages)
    );
    if let (Some(a), Some(b)) = (cpu_before, cpu(child.id())) {
        println!(
            "serve: CPU time of the server per save (rebuild and page; user + system, all threads): {:.0} ms",
            b.saturating_sub(a).as_secs_f64() * 1000.0 / SAVES as f64
        );
    }
    if std::env::var_os("STYRDOK_TYPST").is_some() {
        let pdf = "/_styrdok/pdf/stod-arbete-studier/2023-07.pdf";
        let start = Instant::now();
        assert_eq!(get(&addr, pdf).0, 200, "the first PDF");
        let first = start.elapsed();
        let mut after = Vec::new();
        let mut typst = Vec::new();
        for i in 0..PDF_SAVES {
            std::thread::sleep(Duration::from_millis(300));
            // One word of the notice, which the PDF prints on its first page.
            let word = format!("Rekonstruerad version{i}.");
            let saved = Instant::now();
            std::fs::write(&file, original.replace("Rekonstruerad version.", &word)).unwrap();
            next_build(&mut events);
            let built = Instant::now();
            assert_eq!(get(&addr, pdf).0, 200);
            after.push(saved.elapsed());
            typst.push(built.elapsed());
        }
        println!(
            "serve: first PDF (typst watch started, full compile) {:.0} ms; PDF after a one-word save, {PDF_SAVES} saves: from the save (rebuild, then Typst's incremental recompile) {}; from the reload event (Typst's part) {}",
            first.as_secs_f64() * 1000.0,
            summary(&mut after),
            summary(&mut typst)
        );
    }
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let _ = child.wait();
}
