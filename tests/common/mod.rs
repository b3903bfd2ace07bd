//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The embedded default policy folder.
pub fn shipped() -> PathBuf {
    root().join("policy")
}

/// A policy folder loaded and checked, as `styrdok check` does it: the policy and
/// every diagnostic, sorted.
pub fn checked(dir: &Path) -> (styrdok::model::Policy, styrdok::diag::Diagnostics) {
    let tree = styrdok::load::DiskTree::new(dir).expect("the policy folder exists");
    let (policy, mut diags) = styrdok::load::load(&tree);
    diags.extend(styrdok::check::check(&policy));
    diags.sort();
    (policy, diags)
}

/// Runs the styrdok binary in the crate root, without colours.
pub fn styrdok(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_styrdok"))
        .current_dir(root())
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `styrdok build` on a policy folder into a fresh temporary output folder.
pub fn build(policy: &Path, extra: &[&str]) -> (tempfile::TempDir, Output) {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("output");
    let mut args = vec![
        "build",
        policy.to_str().unwrap(),
        "--out",
        dest.to_str().unwrap(),
    ];
    args.extend(extra);
    let output = styrdok(&args);
    (out, output)
}

/// Runs a poppler tool on a PDF (with `-` for standard output where the tool takes an
/// output argument) and returns what it printed; the test fails when the tool is
/// missing or fails. The tests need poppler-utils (the test command installs them).
fn poppler_run(tool: &str, args: &[&str], pdf: &Path, to_stdout: bool) -> String {
    let mut cmd = Command::new(tool);
    cmd.args(args).arg(pdf);
    if to_stdout {
        cmd.arg("-");
    }
    let out = cmd.output().unwrap_or_else(|e| {
        panic!("`{tool}` from poppler-utils is needed by this test ({e}); run `scripts/test`")
    });
    assert!(
        out.status.success(),
        "`{tool}` failed on {}: {}",
        pdf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs a poppler tool that writes to `-` (standard output) on a PDF.
pub fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    poppler_run(tool, args, pdf, true)
}

/// The PDF's structure tree as `pdfinfo -struct` prints it (tags, with attributes).
pub fn pdf_struct(pdf: &Path) -> String {
    poppler_run("pdfinfo", &["-struct"], pdf, false)
}

/// The PDF's structure tree with its text, as `pdfinfo -struct-text` prints it.
pub fn poppler_struct_text(pdf: &Path) -> String {
    poppler_run("pdfinfo", &["-struct-text"], pdf, false)
}

/// `pdfinfo` of a PDF, dates in ISO 8601 (`2022-05-24T12:00:00Z`).
pub fn pdfinfo(pdf: &Path) -> String {
    poppler_run("pdfinfo", &["-isodates"], pdf, false)
}

/// Text of a PDF with whitespace collapsed, so sentences broken over lines still match.
pub fn pdf_text(pdf: &Path) -> String {
    poppler("pdftotext", &[], pdf)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every file under `dir`, relative, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// The fonts a PDF embeds (`pdffonts`), so a test can notice a silent fallback.
pub fn pdffonts(pdf: &Path) -> String {
    poppler_run("pdffonts", &[], pdf, false)
}

/// Copies a folder recursively (a policy to change in a test).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// Writes a file at `rel` under `dir`, making its folders; returns its path.
pub fn write(dir: &Path, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, content).unwrap();
    p
}

/// A scratch folder in memory (tmpfs, `/dev/shm`) where there is one, else the system's
/// temporary folder: benchmarks then measure CPU work, not the disk's writeback.
pub fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    }
}
