//! scripts/install-typst's download path, without network: the installed Typst (the one
//! the other PDF tests use) is packed the way the official release packs it
//! (`typst-<target>/typst` in a `.tar.xz`), served from a small HTTP server on 127.0.0.1
//! and installed through `STYRDOK_TYPST_MIRROR` into an empty cache, with the source
//! build forbidden (`STYRDOK_TYPST_NO_SOURCE=1`) and no `typst` on `PATH`. Like the other
//! PDF tests these never skip: without an installed Typst 0.15.1 they fail and say how to
//! install it.

mod common;

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex, OnceLock};

use common::{root, stderr, stdout};
use sha2::{Digest, Sha256};
use styrdok::publish::typst_cli::{PINNED, Typst};

/// The digest of the official Linux x86_64 archive of Typst 0.15.1, as pinned.
const LINUX_X86_64: &str = "a6d077d0a95eed5a2eba715b2dae06be954f624ccbf85758a03f389ded33118c";

/// The release's name for this platform, as the script computes it.
fn target() -> &'static str {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => "x86_64-unknown-linux-musl",
        ("linux", "aarch64") => "aarch64-unknown-linux-musl",
        ("macos", "x86_64") => "x86_64-apple-darwin",
        ("macos", "aarch64") => "aarch64-apple-darwin",
        (os, arch) => panic!(
            "scripts/install-typst downloads Typst on Linux and macOS (x86_64, aarch64) only; \
             this test cannot run on {os} {arch}"
        ),
    }
}

fn asset() -> String {
    format!("typst-{}.tar.xz", target())
}

fn hex(bytes: &[u8]) -> String {
    let mut digest = String::new();
    for b in Sha256::digest(bytes) {
        write!(digest, "{b:02x}").unwrap();
    }
    digest
}

/// The release archive made from the installed Typst, and its SHA-256.
struct Archive {
    bytes: Vec<u8>,
    sha256: String,
}

fn archive() -> &'static Archive {
    static ARCHIVE: OnceLock<Archive> = OnceLock::new();
    ARCHIVE.get_or_init(|| {
        let typst = Typst::find().unwrap_or_else(|e| {
            panic!(
                "this test packs the installed Typst {PINNED} as a release archive: {e}\n\
                 (scripts/test sets STYRDOK_TYPST)"
            )
        });
        assert!(
            typst.version.split_whitespace().nth(1) == Some(PINNED),
            "`{}` is `{}`; the install script checks for exactly {PINNED}",
            typst.path.display(),
            typst.version
        );
        let tmp = tempfile::tempdir().unwrap();
        let folder = format!("typst-{}", target());
        std::fs::create_dir(tmp.path().join(&folder)).unwrap();
        std::fs::copy(&typst.path, tmp.path().join(&folder).join("typst")).unwrap();
        let out = Command::new("tar")
            .current_dir(tmp.path())
            .env("XZ_OPT", "-0") // the fastest level: this test is not about size
            .args(["-cJf", "archive.tar.xz", &folder])
            .output()
            .expect("tar is needed to pack the archive");
        assert!(out.status.success(), "tar: {}", stderr(&out));
        let bytes = std::fs::read(tmp.path().join("archive.tar.xz")).unwrap();
        let sha256 = hex(&bytes);
        Archive { bytes, sha256 }
    })
}

/// An HTTP server on 127.0.0.1 that serves the archive at any path ending in its asset
/// name and records every request's path.
struct Mirror {
    base: String,
    requests: Arc<Mutex<Vec<String>>>,
}

fn mirror() -> &'static Mirror {
    static MIRROR: OnceLock<Mirror> = OnceLock::new();
    MIRROR.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = Arc::clone(&log);
                std::thread::spawn(move || answer(stream, &log));
            }
        });
        Mirror { base, requests }
    })
}

fn answer(mut stream: TcpStream, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(n) if n > 2 => {}
            _ => break,
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("").to_owned();
    log.lock().unwrap().push(path.clone());
    let (status, body): (&str, &[u8]) = if path.ends_with(&format!("/{}", asset())) {
        ("200 OK", &archive().bytes)
    } else {
        ("404 Not Found", b"not here\n")
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/octet-stream\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body));
}

impl Mirror {
    /// A base URL of its own for one test, so that its requests can be counted.
    fn url(&self, test: &str) -> String {
        format!("{}/{test}/", self.base)
    }

    fn requests(&self, test: &str) -> usize {
        let prefix = format!("/{test}/");
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|p| p.starts_with(&prefix))
            .count()
    }
}

/// `PATH` without any folder that holds a `typst`, so that the script cannot find one.
fn path_without_typst() -> String {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let kept: Vec<PathBuf> = std::env::split_paths(&path)
        .filter(|d| !d.join("typst").exists())
        .collect();
    std::env::join_paths(kept).unwrap().into_string().unwrap()
}

/// Runs scripts/install-typst with the cache in `cache`, no Typst to be found, the
/// source build forbidden and `vars` set.
fn install(cache: &Path, vars: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(root().join("scripts/install-typst"));
    cmd.current_dir(root())
        .env_remove("STYRDOK_TYPST")
        .env_remove("STYRDOK_TYPST_MIRROR")
        .env_remove("STYRDOK_TYPST_SHA256")
        .env_remove("STYRDOK_TYPST_FROM_SOURCE")
        .env("STYRDOK_TYPST_NO_SOURCE", "1")
        .env("XDG_CACHE_HOME", cache)
        .env("PATH", path_without_typst())
        .env("no_proxy", "127.0.0.1")
        .env("NO_PROXY", "127.0.0.1");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn installed(cache: &Path) -> PathBuf {
    cache.join(format!("styrdok/typst-{PINNED}/bin/typst"))
}

/// What a run leaves in the cache's Typst folder besides `bin/`.
fn leftovers(cache: &Path) -> Vec<String> {
    let dir = cache.join(format!("styrdok/typst-{PINNED}"));
    std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n != "bin")
                .collect()
        })
        .unwrap_or_default()
}

/// The digest and size the script pins for a target, from its `pin` table.
fn pinned(target: &str) -> (String, String) {
    let script = std::fs::read_to_string(root().join("scripts/install-typst")).unwrap();
    let line = script
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with(&format!("{target})")))
        .unwrap_or_else(|| panic!("scripts/install-typst pins nothing for {target}"));
    let quoted = line.split('"').nth(1).expect("a quoted \"DIGEST BYTES\"");
    let (digest, size) = quoted.split_once(' ').expect("DIGEST BYTES");
    (digest.to_owned(), size.to_owned())
}

#[test]
fn installs_the_release_from_a_mirror_then_finds_it_without_downloading() {
    let cache = tempfile::tempdir().unwrap();
    let m = mirror();
    let url = m.url("fresh");
    let vars = [
        ("STYRDOK_TYPST_MIRROR", url.as_str()),
        ("STYRDOK_TYPST_SHA256", archive().sha256.as_str()),
    ];
    let out = install(cache.path(), &vars);
    assert!(out.status.success(), "{}", stderr(&out));
    let bin = installed(cache.path());
    assert_eq!(
        stdout(&out),
        format!("{}\n", bin.display()),
        "only the path"
    );
    assert!(stderr(&out).contains("downloading"), "{}", stderr(&out));
    assert_eq!(m.requests("fresh"), 1);
    let version = Command::new(&bin).arg("--version").output().unwrap();
    assert!(
        stdout(&version).starts_with(&format!("typst {PINNED}")),
        "{}",
        stdout(&version)
    );
    assert!(
        leftovers(cache.path()).is_empty(),
        "{:?}",
        leftovers(cache.path())
    );

    // The second run finds it in the cache and downloads nothing.
    let again = install(cache.path(), &vars);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(stdout(&again), stdout(&out));
    assert_eq!(stderr(&again), "", "nothing to say");
    assert_eq!(m.requests("fresh"), 1, "no second download");
}

#[test]
fn a_wrong_digest_is_refused_loudly_and_nothing_is_installed() {
    let cache = tempfile::tempdir().unwrap();
    let wrong = hex(b"not the archive");
    let out = install(
        cache.path(),
        &[
            ("STYRDOK_TYPST_MIRROR", &mirror().url("wrong")),
            ("STYRDOK_TYPST_SHA256", &wrong),
        ],
    );
    let said = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert_eq!(stdout(&out), "");
    assert!(said.contains("checksum mismatch"), "{said}");
    assert!(said.contains(&wrong), "the expected digest: {said}");
    assert!(
        said.contains(&archive().sha256),
        "the actual digest: {said}"
    );
    assert!(said.contains("nothing was installed"), "{said}");
    assert!(!installed(cache.path()).exists());
    assert!(
        leftovers(cache.path()).is_empty(),
        "{:?}",
        leftovers(cache.path())
    );
    assert_eq!(mirror().requests("wrong"), 1);
}

#[test]
fn without_an_override_the_pinned_digest_is_expected() {
    // The archive made here is not the official one, so the pin refuses it; the message
    // names the digest pinned for this platform.
    let cache = tempfile::tempdir().unwrap();
    let out = install(
        cache.path(),
        &[("STYRDOK_TYPST_MIRROR", &mirror().url("pinned"))],
    );
    let said = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{said}");
    let (digest, size) = pinned(target());
    assert!(said.contains("checksum mismatch"), "{said}");
    assert!(
        said.contains(&format!("expected {digest} ({size} bytes")),
        "{said}"
    );
    if target() == "x86_64-unknown-linux-musl" {
        assert_eq!(digest, LINUX_X86_64);
    }
    assert!(!installed(cache.path()).exists());
}

#[test]
fn the_pinned_digests_are_the_official_releases() {
    // An accidental edit of the pin table fails here.
    assert_eq!(
        pinned("x86_64-unknown-linux-musl"),
        (LINUX_X86_64.to_owned(), "17462992".to_owned())
    );
    for target in [
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
    ] {
        let (digest, size) = pinned(target);
        assert_eq!(digest.len(), 64, "{target}");
        assert!(digest.bytes().all(|b| b.is_ascii_hexdigit()), "{target}");
        assert!(size.parse::<u64>().unwrap() > 10_000_000, "{target}");
    }
}

#[test]
fn an_unreachable_mirror_fails_and_says_the_download_failed() {
    // A port nobody listens on: connection refused.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    let cache = tempfile::tempdir().unwrap();
    let out = install(cache.path(), &[("STYRDOK_TYPST_MIRROR", &url)]);
    let said = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert_eq!(stdout(&out), "");
    assert!(
        said.contains(&format!("could not download {url}{}", asset())),
        "{said}"
    );
    assert!(said.contains("STYRDOK_TYPST_NO_SOURCE=1"), "{said}");
    assert!(!installed(cache.path()).exists());
}

#[test]
fn a_digest_override_needs_a_mirror() {
    let cache = tempfile::tempdir().unwrap();
    let out = install(cache.path(), &[("STYRDOK_TYPST_SHA256", LINUX_X86_64)]);
    let said = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.contains("STYRDOK_TYPST_SHA256 is only used with STYRDOK_TYPST_MIRROR"),
        "{said}"
    );
}
