//! Save to reloaded HTML in `styrdok serve`, on the shipped policy: the time from a
//! file in the policy folder being written to the reload event arriving on
//! `/_styrdok/events` (the page reloads on it). Target: under 300 ms (docs/benchmarks.md).
//!
//! `cargo bench --bench serve` starts the release binary on a free port with a copy of
//! `policy/` and `templates/` in a temporary folder, saves a version file `SAVES` times
//! and prints the median, fastest and slowest.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SAVES: usize = 21;

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
    let mut child = Command::new(env!("CARGO_BIN_EXE_styrdok"))
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
    let original = std::fs::read_to_string(&file).unwrap();
    let mut times = Vec::new();
    for i in 0..SAVES {
        std::thread::sleep(Duration::from_millis(300));
        let saved = Instant::now();
        std::fs::write(&file, format!("{original}\n# save {i}\n")).unwrap();
        let n = next_build(&mut events);
        times.push(saved.elapsed());
        assert!(n > seen, "a new build");
        seen = n;
    }
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let _ = child.wait();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "serve: save to reload event, shipped policy, {SAVES} saves: median {:.0} ms (fastest {:.0} ms, slowest {:.0} ms; target < 300 ms)",
        ms(times[SAVES / 2]),
        ms(times[0]),
        ms(times[SAVES - 1])
    );
}
