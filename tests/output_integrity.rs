//! Nothing lost, nothing stale (issue G, item 5): a build killed while Typst runs
//! leaves every file of `output/` as it was; `build` writes nowhere outside its output
//! folder; a link out of the policy or templates folder is refused; what a document or
//! version no longer in the policy published leaves `output/` in the same commit; and
//! `--html-only` links a PDF only when it was made from the sources it would be made
//! from now. With the real Typst CLI (and strace, for where a build writes).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{copy_dir, shipped, stderr};

const MANIFEST: &str = ".styrdok-manifest.json";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_styrdok"));
    c.env("NO_COLOR", "1");
    c
}

/// Runs `styrdok build POLICY --out OUT` with `extra` options; fails the test unless
/// it succeeds.
fn build_ok(policy: &Path, out: &Path, extra: &[&str]) {
    let o = bin()
        .arg("build")
        .arg(policy)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Every file under `dir` but a staging folder's, with a digest of its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    use sha2::Digest as _;
    common::files(dir)
        .into_iter()
        .filter(|f| !is_staging(f))
        .map(|f| {
            let digest = sha2::Sha256::digest(std::fs::read(dir.join(&f)).unwrap());
            (f, format!("{digest:x}"))
        })
        .collect()
}

fn is_staging(rel: &Path) -> bool {
    rel.components().next().is_some_and(|c| {
        c.as_os_str()
            .to_string_lossy()
            .starts_with(".styrdok-build-")
    })
}

/// The staging folders in `out`.
fn staging_folders(out: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(out)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| is_staging(Path::new(p.file_name().unwrap())))
        .collect()
}

/// The shipped policy with one more version (`avgifter-vard-och-omsorg` 2026-01,
/// replacing 2025-07) and a changed subtitle: an "old" policy whose output differs
/// from the shipped one's and has a version the shipped one has not.
fn old_policy(at: &Path) {
    copy_dir(&shipped(), at);
    let dir = at.join("avgifter-vard-och-omsorg");
    let src = std::fs::read_to_string(dir.join("2025-07.yaml")).unwrap();
    let next = src
        .replace("version: \"2025-07\"", "version: \"2026-01\"")
        .replace("issued: 2025-07-01", "issued: 2025-12-01")
        .replace("decision_date: 2025-06-16", "decision_date: 2025-11-20")
        .replace("valid_from: 2025-07-01", "valid_from: 2026-01-01")
        .replace(
            "replaces:\n  dnr: \"VON 2021:00134\"",
            "replaces:\n  version: \"2025-07\"",
        );
    assert_ne!(next, src);
    std::fs::write(dir.join("2026-01.yaml"), next).unwrap();
    let changed = src.replace(
        "subtitle: Vård- och omsorgsnämnden 2025-07-01",
        "subtitle: Vård- och omsorgsnämnden 2025-07-01, tidigare utgåva",
    );
    assert_ne!(changed, src);
    std::fs::write(dir.join("2025-07.yaml"), changed).unwrap();
}

/// The shipped policy without one of its documents (`uppsokande-arbetsmarknadsinsats`).
fn new_policy(at: &Path) {
    copy_dir(&shipped(), at);
    std::fs::remove_dir_all(at.join("uppsokande-arbetsmarknadsinsats")).unwrap();
}

// ---------------------------------------------------------------------------
// Killed while Typst runs

/// The processes whose parent is `pid`, with their command names (Linux: /proc).
#[cfg(target_os = "linux")]
fn children(parent: u32) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(child) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else {
            continue;
        };
        // "pid (comm) state ppid …"; the name may hold spaces and parentheses.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let comm = stat[open + 1..close].to_string();
        let mut rest = stat[close + 1..].split_whitespace();
        let (_state, of) = (rest.next(), rest.next().and_then(|p| p.parse::<u32>().ok()));
        if of == Some(parent) {
            out.push((child, comm));
        }
    }
    out
}

/// Whether process `pid` still runs (a zombie does not).
#[cfg(target_os = "linux")]
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        let state = s[s.rfind(')').unwrap() + 1..].split_whitespace().next();
        !matches!(state, Some("Z" | "X"))
    })
}

fn pdfs_under(dir: &Path) -> usize {
    if !dir.is_dir() {
        return 0;
    }
    common::files(dir)
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "pdf"))
        .count()
}

/// Starts `styrdok build` of `policy` into `out` and waits until it is well into its
/// PDFs: a Typst it started is running and an earlier PDF lies finished in the staging
/// folder. Returns the build and that Typst's process id.
#[cfg(target_os = "linux")]
fn build_until_typst_runs(policy: &Path, out: &Path) -> (std::process::Child, u32) {
    let mut child = bin()
        .arg("build")
        .arg(policy)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the build ended ({status}) before it could be interrupted");
        }
        let typst = children(child.id())
            .into_iter()
            .find(|(_, comm)| comm == "typst");
        let staged_pdfs: usize = staging_folders(out).iter().map(|s| pdfs_under(s)).sum();
        if let Some((pid, _)) = typst {
            if staged_pdfs > 0 {
                return (child, pid);
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "Typst never ran with a finished PDF beside it"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The earlier complete build, the policy the interrupted build is of, and the output
/// folder holding that earlier build.
fn earlier_build(work: &Path) -> (PathBuf, PathBuf, BTreeMap<PathBuf, String>) {
    let (old, new, out) = (work.join("old"), work.join("new"), work.join("output"));
    old_policy(&old);
    new_policy(&new);
    build_ok(&old, &out, &[]);
    let before = snapshot(&out);
    assert!(
        before
            .keys()
            .any(|f| f.starts_with("uppsokande-arbetsmarknadsinsats")),
        "the earlier build has the document the new policy drops"
    );
    assert!(before.contains_key(Path::new(MANIFEST)));
    (new, out, before)
}

/// SIGKILL: nothing can be cleaned up. Every file of `output/` is still the earlier
/// build's, byte for byte, also after the Typst the killed build started (orphaned, it
/// runs on) has finished: it writes only into the staging folder. The next build
/// removes that folder and publishes a complete new build, byte-identical to one made
/// in a fresh folder, without the document the policy no longer has.
#[cfg(target_os = "linux")]
#[test]
fn a_killed_build_leaves_every_file_as_it_was() {
    let work = tempfile::tempdir().unwrap();
    let (new, out, before) = earlier_build(work.path());

    let (mut child, typst) = build_until_typst_runs(&new, &out);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(snapshot(&out), before, "a killed build changed the output");
    // The orphaned Typst finishes on its own; it must not have written into place.
    let start = Instant::now();
    while alive(typst) {
        assert!(start.elapsed() < Duration::from_secs(120), "Typst runs on");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        snapshot(&out),
        before,
        "the orphaned Typst wrote into place"
    );
    for f in before
        .keys()
        .filter(|f| f.extension().is_some_and(|e| e == "pdf"))
    {
        common::pdfinfo(&out.join(f));
    }
    assert_eq!(
        staging_folders(&out).len(),
        1,
        "the killed build's staging folder is what it leaves"
    );

    // The next build: the leftover goes, the new build is complete.
    build_ok(&new, &out, &[]);
    assert!(staging_folders(&out).is_empty(), "a leftover was kept");
    let reference = work.path().join("reference");
    build_ok(&new, &reference, &[]);
    let (now, fresh) = (snapshot(&out), snapshot(&reference));
    assert_eq!(
        now.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>(),
        "the output is not exactly the new build's files"
    );
    assert_eq!(now, fresh, "a file differs from a fresh build's");
    assert!(
        !now.keys()
            .any(|f| f.starts_with("uppsokande-arbetsmarknadsinsats")
                || f.starts_with("avgifter-vard-och-omsorg/2026-01")),
        "a removed document or version is still published"
    );
}

/// SIGTERM (as CI cancelling a job, or Ctrl-C): the build stops its Typst at once,
/// removes its staging folder and exits with status 2, saying so; `output/` is as it was.
#[cfg(target_os = "linux")]
#[test]
fn a_terminated_build_stops_typst_and_leaves_the_output_as_it_was() {
    let work = tempfile::tempdir().unwrap();
    let (new, out, before) = earlier_build(work.path());

    let (child, typst) = build_until_typst_runs(&new, &out);
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let o = child.wait_with_output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("interrupted: nothing was moved into"), "{err}");
    assert!(!alive(typst), "Typst outlived the build it belonged to");
    assert!(
        staging_folders(&out).is_empty(),
        "the staging folder was left"
    );
    assert_eq!(
        snapshot(&out),
        before,
        "a terminated build changed the output"
    );
}

// ---------------------------------------------------------------------------
// Stale outputs

/// A document and a version removed from the policy leave `output/` with the build
/// that no longer has them: their files and folders go, the index no longer names
/// them, and the record lists exactly what is published. A file of the user's own in
/// the output folder, which no build wrote, stays.
#[test]
fn removed_documents_and_versions_leave_the_output() {
    let work = tempfile::tempdir().unwrap();
    let (old, new, out) = (
        work.path().join("old"),
        work.path().join("new"),
        work.path().join("output"),
    );
    old_policy(&old);
    new_policy(&new);
    build_ok(&old, &out, &["--html-only"]);
    for gone in [
        "uppsokande-arbetsmarknadsinsats/remiss-2022",
        "avgifter-vard-och-omsorg/2026-01",
    ] {
        assert!(out.join(gone).is_dir(), "{gone} was not built");
    }
    std::fs::write(out.join("egen-anteckning.txt"), "min egen fil").unwrap();

    build_ok(&new, &out, &["--html-only"]);
    assert!(!out.join("uppsokande-arbetsmarknadsinsats").exists());
    assert!(!out.join("avgifter-vard-och-omsorg/2026-01").exists());
    assert!(out.join("avgifter-vard-och-omsorg/2025-07").is_dir());
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!index.contains("uppsokande-arbetsmarknadsinsats"));
    assert!(!index.contains("2026-01"));
    let page = std::fs::read_to_string(
        out.join("avgifter-vard-och-omsorg/2025-07/avgifter-vard-och-omsorg-2025-07.html"),
    )
    .unwrap();
    assert!(
        !page.contains("2026-01"),
        "the page still names the removed version"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("egen-anteckning.txt")).unwrap(),
        "min egen fil"
    );
    // The record names every published file, and nothing else.
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join(MANIFEST)).unwrap()).unwrap();
    let recorded: Vec<String> = record["files"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let mut published: Vec<String> = common::files(&out)
        .into_iter()
        .filter(|f| {
            f.as_path() != Path::new(MANIFEST) && f.as_path() != Path::new("egen-anteckning.txt")
        })
        .map(|f| f.to_string_lossy().into_owned())
        .collect();
    published.sort();
    assert_eq!(recorded, published);
}

// ---------------------------------------------------------------------------
// --html-only and the PDFs an earlier build left

/// The PDFs a page or the index links, as paths relative to the output folder.
fn linked_pdfs(out: &Path) -> Vec<PathBuf> {
    let mut linked = Vec::new();
    for f in common::files(out)
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "html"))
    {
        let html = std::fs::read_to_string(out.join(&f)).unwrap();
        for part in html.split("href=\"").skip(1) {
            let href = &part[..part.find('"').unwrap()];
            if Path::new(href).extension().is_some_and(|e| e == "pdf") && !href.contains(':') {
                let base = f.parent().unwrap_or(Path::new(""));
                linked.push(base.join(href));
            }
        }
    }
    linked.sort();
    linked.dedup();
    linked
}

/// After a complete build, `--html-only` keeps and links each PDF whose Typst source
/// is the one it writes now; after a version's text changed, that version's PDF (and
/// that of the anvisning quoting it, none here) is neither linked nor left in
/// `output/`, while the others stay, byte for byte.
#[test]
fn html_only_links_only_pdfs_made_from_the_same_sources() {
    let work = tempfile::tempdir().unwrap();
    let (policy, out) = (work.path().join("policy"), work.path().join("output"));
    copy_dir(&shipped(), &policy);
    build_ok(&policy, &out, &[]);
    let full = snapshot(&out);
    let pdfs: Vec<PathBuf> = full
        .keys()
        .filter(|f| f.extension().is_some_and(|e| e == "pdf"))
        .cloned()
        .collect();
    assert_eq!(pdfs.len(), 6, "{pdfs:?}");
    assert_eq!(linked_pdfs(&out), pdfs);

    // The same sources: every PDF kept and linked, every file as the full build made it.
    build_ok(&policy, &out, &["--html-only"]);
    assert_eq!(snapshot(&out), full, "--html-only changed a complete build");

    // The fees guideline's text changes: its PDF goes; the others stay, and stay linked.
    let file = policy.join("avgifter-vard-och-omsorg/2025-07.yaml");
    let src = std::fs::read_to_string(&file).unwrap();
    let changed = src.replace(
        "subtitle: Vård- och omsorgsnämnden 2025-07-01",
        "subtitle: Vård- och omsorgsnämnden 2025-07-01, ändrad",
    );
    assert_ne!(changed, src);
    std::fs::write(&file, changed).unwrap();
    build_ok(&policy, &out, &["--html-only"]);
    let gone =
        PathBuf::from("avgifter-vard-och-omsorg/2025-07/avgifter-vard-och-omsorg-2025-07.pdf");
    assert!(!out.join(&gone).exists(), "a PDF of other sources was left");
    let kept: Vec<PathBuf> = pdfs.iter().filter(|p| **p != gone).cloned().collect();
    assert_eq!(linked_pdfs(&out), kept);
    let now = snapshot(&out);
    for p in &kept {
        assert_eq!(now.get(p), full.get(p), "{} changed", p.display());
    }
    let page = std::fs::read_to_string(
        out.join("avgifter-vard-och-omsorg/2025-07/avgifter-vard-och-omsorg-2025-07.html"),
    )
    .unwrap();
    assert!(page.contains("ändrad"));
    assert!(
        !page.contains("Ladda ner som PDF"),
        "the page links a PDF of other sources"
    );
}

// ---------------------------------------------------------------------------
// Where a build writes

/// The paths a traced process tree wrote: files opened for writing, created, renamed,
/// linked or removed, folders made or removed, modes and times set. `strace -y`
/// prints each descriptor with its path, so a path relative to a folder descriptor is
/// resolved; one relative to the working folder is resolved against `cwd`.
fn written_paths(trace: &str, cwd: &Path) -> Vec<PathBuf> {
    // A call cut by another process's is printed in two parts.
    let mut pending: BTreeMap<String, String> = BTreeMap::new();
    let mut calls = Vec::new();
    for line in trace.lines() {
        let Some((pid, rest)) = line.split_once(char::is_whitespace) else {
            continue;
        };
        let rest = rest.trim_start();
        if let Some(head) = rest.strip_suffix(" <unfinished ...>") {
            pending.insert(pid.to_string(), head.to_string());
        } else if rest.starts_with("<... ") {
            let tail = &rest[rest.find("resumed>").map_or(0, |i| i + 8)..];
            let head = pending.remove(pid).unwrap_or_default();
            calls.push(format!("{head}{tail}"));
        } else if !rest.starts_with("---") && !rest.starts_with("+++") {
            calls.push(rest.to_string());
        }
    }
    let mut out = Vec::new();
    for call in calls {
        let Some(open) = call.find('(') else { continue };
        let name = &call[..open];
        let Some(eq) = call.rfind(") = ") else {
            continue;
        };
        let (args, ret) = (&call[open + 1..eq], call[eq + 4..].trim());
        if ret.starts_with('-') || ret.starts_with('?') {
            continue; // failed: nothing written
        }
        if matches!(name, "open" | "openat" | "creat") {
            let writes = name == "creat"
                || ["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC"]
                    .iter()
                    .any(|f| args.contains(f));
            if writes {
                // The descriptor returned, with its path: `3</abs/path>`.
                if let (Some(a), Some(b)) = (ret.find('<'), ret.rfind('>')) {
                    out.push(PathBuf::from(&ret[a + 1..b]));
                }
            }
            continue;
        }
        // Every path argument, each after the folder descriptor it is relative to.
        let mut dir: Option<PathBuf> = None;
        for arg in split_args(args) {
            if let Some(s) = arg.strip_prefix('"') {
                let p = PathBuf::from(s.trim_end_matches('"'));
                let base = dir.take().unwrap_or_else(|| cwd.to_path_buf());
                out.push(if p.is_absolute() { p } else { base.join(p) });
            } else if let (Some(a), true) = (arg.find('<'), arg.ends_with('>')) {
                dir = Some(PathBuf::from(&arg[a + 1..arg.len() - 1]));
            }
        }
    }
    out.into_iter().map(|p| normal(&p)).collect()
}

/// The arguments of a traced call, split at the commas between them.
fn split_args(args: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted, mut escaped, mut depth) =
        (Vec::new(), String::new(), false, false, 0i32);
    for c in args.chars() {
        if quoted {
            cur.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                quoted = false;
            }
            continue;
        }
        match c {
            '"' => {
                quoted = true;
                cur.push(c);
            }
            '{' | '[' | '<' => {
                depth += 1;
                cur.push(c);
            }
            '}' | ']' | '>' => {
                depth -= 1;
                cur.push(c);
            }
            ',' if depth == 0 => out.push(std::mem::take(&mut cur).trim().to_string()),
            _ => cur.push(c),
        }
    }
    out.push(cur.trim().to_string());
    out
}

/// `p` with `.` and `..` taken out, as the kernel resolves them (no links involved).
fn normal(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// A complete build, Typst included, traced with strace from a fresh home, temporary
/// and working folder: every path it (and every Typst it starts) writes, creates,
/// renames or removes lies inside `--out`. Typst keeps no package cache in the home
/// folder and styrdok no font cache: nothing appears in the home, temporary or working
/// folder, and the policy folder is untouched.
#[test]
fn build_writes_only_inside_its_output_folder() {
    let work = tempfile::tempdir().unwrap();
    let work = std::fs::canonicalize(work.path()).unwrap();
    let (policy, out, home, tmp, cwd) = (
        work.join("policy"),
        work.join("output"),
        work.join("home"),
        work.join("tmp"),
        work.join("cwd"),
    );
    copy_dir(&shipped(), &policy);
    for d in [&home, &tmp, &cwd] {
        std::fs::create_dir_all(d).unwrap();
    }
    let policy_before = snapshot(&policy);
    let traces = tempfile::tempdir().unwrap();
    let trace = traces.path().join("trace");
    let typst = styrdok::publish::typst_cli::Typst::find()
        .expect("Typst is needed (scripts/install-typst)");
    let o = Command::new("strace")
        .args(["-f", "-qq", "-y", "-s", "4096", "-o"])
        .arg(&trace)
        .arg(
            "-e",
        )
        .arg("trace=open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2,link,linkat,symlink,symlinkat,unlink,unlinkat,rmdir,truncate,chmod,fchmodat,utimensat,chown,lchown,fchownat,mknod,mknodat")
        .arg(env!("CARGO_BIN_EXE_styrdok"))
        .args(["build", "../policy", "--out", "../output"])
        .current_dir(&cwd)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("TMPDIR", &tmp)
        .env("STYRDOK_TYPST", &typst.path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("strace is needed by this test ({e}); run `scripts/test`"));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("index.html").is_file());
    let log = std::fs::read_to_string(&trace).unwrap();
    let written = written_paths(&log, &cwd);
    assert!(
        written.iter().filter(|p| p.starts_with(&out)).count() > 50,
        "the trace does not show the build's own writes:\n{log}"
    );
    let outside: Vec<&PathBuf> = written
        .iter()
        .filter(|p| !p.starts_with(&out) && p.as_path() != Path::new("/dev/null"))
        .collect();
    assert!(
        outside.is_empty(),
        "the build wrote outside its output folder: {outside:?}"
    );
    for d in [&home, &tmp, &cwd] {
        assert_eq!(
            std::fs::read_dir(d).unwrap().count(),
            0,
            "{} is no longer empty",
            d.display()
        );
    }
    assert_eq!(
        snapshot(&policy),
        policy_before,
        "the policy folder changed"
    );
}

/// The trace reader sees writes through a folder descriptor, a resumed call and an
/// opened file, and passes over reads and failed calls.
#[test]
fn the_trace_reader_finds_every_kind_of_write() {
    let trace = r#"10 openat(AT_FDCWD</w/cwd>, "/w/policy/a.yaml", O_RDONLY|O_CLOEXEC) = 3</w/policy/a.yaml>
10 openat(AT_FDCWD</w/cwd>, "x.tmp", O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC, 0600) = 4</w/cwd/x.tmp>
11 mkdir("../output" <unfinished ...>
10 unlinkat(5</w/output/.styrdok-build-1/a>, "b.pdf", 0) = 0
11 <... mkdir resumed>, 0777) = 0
10 rename("/w/output/.s/a", "/w/output/a") = 0
10 mkdir("/w/exists", 0777) = -1 EEXIST (File exists)
10 --- SIGCHLD {si_signo=SIGCHLD} ---
"#;
    let got = written_paths(trace, Path::new("/w/cwd"));
    let want: Vec<PathBuf> = [
        "/w/cwd/x.tmp",
        "/w/output/.styrdok-build-1/a/b.pdf",
        "/w/output",
        "/w/output/.s/a",
        "/w/output/a",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    assert_eq!(got, want);
}

// ---------------------------------------------------------------------------
// Paths that leave the policy or templates folder

/// A file outside every folder the commands are given, holding `marker`.
fn secret(dir: &Path, name: &str, marker: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, format!("kind: riktlinje\ntitle: {marker}\n")).unwrap();
    p
}

/// No key of a policy file names a file (prose links keep only `#id`, `http(s):` and
/// `mailto:`; images become their description), so the one way a policy folder can
/// lead out of itself is a symbolic link: a linked version file or document folder
/// that leads out is refused, located, and its contents never read or shown; a link
/// that stays inside the folder is followed.
#[cfg(unix)]
#[test]
fn a_link_out_of_the_policy_folder_is_refused() {
    use std::os::unix::fs::symlink;
    let work = tempfile::tempdir().unwrap();
    let marker = "HEMLIGT-3f9c1a";
    let outside = work.path().join("utanfor");
    let file = secret(&outside, "2030-01.yaml", marker);
    secret(&outside.join("dokument"), "2030-01.yaml", marker);

    let policy = work.path().join("policy");
    copy_dir(&shipped(), &policy);
    symlink(&file, policy.join("stod-arbete-studier/2030-01.yaml")).unwrap();
    symlink(outside.join("dokument"), policy.join("utanfor-dokument")).unwrap();
    let o = bin()
        .arg("check")
        .arg(&policy)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report = common::stdout(&o);
    assert!(
        !report.contains(marker),
        "a file outside the policy folder was read:\n{report}"
    );
    assert!(!stderr(&o).contains(marker));
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let refused: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    for (place, (file, message)) in ["stod-arbete-studier/2030-01.yaml", "utanfor-dokument"]
        .iter()
        .zip(&refused)
    {
        assert!(file.ends_with(place), "{file}");
        assert!(
            message.contains("is a symbolic link that leads out of the policy folder"),
            "{message}"
        );
    }
    // Nothing is built from it.
    let out = work.path().join("output");
    let o = bin()
        .arg("build")
        .arg(&policy)
        .args(["--html-only", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!out.join("index.html").exists());

    // A link inside the folder is read as the file it leads to.
    let inner = work.path().join("inner");
    copy_dir(&shipped(), &inner);
    std::fs::create_dir_all(inner.join(".delat")).unwrap();
    std::fs::rename(inner.join("facts.yaml"), inner.join(".delat/facts.yaml")).unwrap();
    symlink(".delat/facts.yaml", inner.join("facts.yaml")).unwrap();
    let o = bin().arg("check").arg(&inner).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    // A case file is a path the user names, not part of the policy folder: named
    // through a link, it is read where the link leads.
    let cases = work.path().join("arenden");
    std::fs::create_dir_all(&cases).unwrap();
    let case = cases.join("lss-avslag.yaml");
    std::fs::copy(
        common::root().join("tests/fixtures/cases/lss-avslag.yaml"),
        &case,
    )
    .unwrap();
    std::fs::create_dir_all(work.path().join("lankar")).unwrap();
    let link = work.path().join("lankar/lank.yaml");
    symlink(&case, &link).unwrap();
    let o = bin()
        .arg("eval")
        .arg("--policy")
        .arg(shipped())
        .arg("--case")
        .arg(&link)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// The templates folder likewise: a template, an asset or a font that is a link out of
/// it is refused before anything is built, so a repository's templates cannot make a
/// build publish a file from elsewhere on the machine.
#[cfg(unix)]
#[test]
fn a_link_out_of_the_templates_folder_is_refused() {
    use std::os::unix::fs::symlink;
    let work = tempfile::tempdir().unwrap();
    let marker = "HEMLIGT-77d2e0";
    let file = secret(&work.path().join("utanfor"), "hemlig.txt", marker);
    for (link, name) in [
        ("document.html", "document.html"),
        ("assets/logo.svg", "logo.svg"),
        ("fonts/extra.otf", "extra.otf"),
    ] {
        let templates = work
            .path()
            .join(format!("templates-{}", name.replace('.', "-")));
        let at = templates.join(link);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        symlink(&file, &at).unwrap();
        let out = work.path().join(format!("output-{name}"));
        let o = bin()
            .arg("build")
            .arg(shipped())
            .args(["--html-only", "--templates"])
            .arg(&templates)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{link}: {err}");
        assert!(
            err.contains("is a symbolic link that leads out of the templates folder")
                && err.contains(link),
            "{link}: {err}"
        );
        assert!(!err.contains(marker));
        assert!(!out.exists(), "{link}: something was built");
    }
}
