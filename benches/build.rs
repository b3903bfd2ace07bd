//! `cargo bench --bench build`: styrdok build's wall time against bare
//! `typst compile` of the same generated .typ files (every PDF the shipped policy
//! publishes: its versions and redlines), in one run, as a ratio; and
//! the HTML + criteria.json path alone (no Typst). Targets (issue B): our
//! overhead under 5 % of Typst's time; HTML + criteria.json under 20 ms.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "../tests/common/mod.rs"]
mod common;

use styrdok::load::{DiskTree, load};

use styrdok::fonts::FONTS;
use styrdok::publish::typst_cli::Typst;
use styrdok::publish::{Options, build, check_and_build};
use styrdok::render::templates::Templates;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// What `styrdok build` does: load, then check while the first PDF compiles (with
/// `typst`) and write everything into `out`.
fn styrdok_build(policy_dir: &Path, out: &Path, typst: Option<&Typst>) {
    let (policy, d) = load(&DiskTree::new(policy_dir).unwrap());
    assert!(!d.has_errors());
    let templates = Templates::load(None).unwrap();
    let opts = Options {
        out,
        typst,
        progress: false,
        date: jiff::civil::date(2026, 11, 30),
    };
    check_and_build(&policy, &templates, &opts, false).unwrap();
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let policy_dir = root.join("policy");
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(41);
    let typst = Typst::find().expect("Typst is needed: run scripts/install-typst");
    // In memory where it can be: disk writeback made the figures swing by ±20 % between runs.
    let work = common::scratch();
    println!("work folder: {}", work.path().parent().unwrap().display());

    // 1. HTML + criteria.json + case schema alone: load, check, render, write (no Typst).
    let mut html_only = Vec::new();
    for i in 0..runs * 4 {
        let t = Instant::now();
        styrdok_build(&policy_dir, &work.path().join(format!("html-{i}")), None);
        html_only.push(t.elapsed());
    }

    // 2. The full build (every version's PDF and every redline's) against bare `typst compile` of the same .typ files,
    //    alternating so that both see the same machine state.
    let (policy, _) = load(&DiskTree::new(&policy_dir).unwrap());
    let templates = Templates::load(None).unwrap();
    let first = work.path().join("first");
    build(
        &policy,
        &templates,
        &Options {
            out: &first,
            typst: Some(&typst),
            progress: false,
            date: jiff::civil::date(2026, 11, 30),
        },
    )
    .unwrap();
    let typs: Vec<PathBuf> = common::files(&first)
        .into_iter()
        .map(|f| first.join(f))
        .filter(|p| p.extension().is_some_and(|e| e == "typ"))
        .collect();
    // Every PDF the build makes has its .typ beside it (versions and redlines).
    let pdfs = common::files(&first)
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .count();
    assert!(!typs.is_empty());
    assert_eq!(typs.len(), pdfs, "a .typ for every PDF");
    let documents = policy.documents.len();
    let packages = work.path().join("packages");
    std::fs::create_dir_all(&packages).unwrap();
    let fonts = work.path().join("fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    for f in FONTS {
        std::fs::write(fonts.join(f.file), f.bytes).unwrap();
    }
    let mut full = Vec::new();
    let mut bare = Vec::new();
    for i in 0..runs {
        let t = Instant::now();
        styrdok_build(
            &policy_dir,
            &work.path().join(format!("full-{i}")),
            Some(&typst),
        );
        full.push(t.elapsed());

        let t = Instant::now();
        for typ in &typs {
            let ok = Command::new(&typst.path)
                .arg("compile")
                .arg("--root")
                .arg(typ.parent().unwrap())
                .arg("--font-path")
                .arg(&fonts)
                .arg("--ignore-system-fonts")
                .arg("--ignore-embedded-fonts")
                // As the build calls it (src/publish/typst_cli.rs), packages in a folder
                // of its own.
                .arg("--package-path")
                .arg(&packages)
                .arg("--package-cache-path")
                .arg(&packages)
                .args(["--pdf-standard", "ua-1", "--creation-timestamp=0"])
                .args(["--diagnostic-format", "short"])
                .arg(typ)
                .arg(work.path().join("bare.pdf"))
                .status()
                .unwrap();
            assert!(ok.success());
        }
        bare.push(t.elapsed());
    }
    // Each build was followed by its bare compile: the median of the pairwise differences
    // is steadier than a difference of medians on a machine whose speed drifts.
    let mut diffs: Vec<f64> = full
        .iter()
        .zip(&bare)
        .map(|(f, b)| ms(*f) - ms(*b))
        .collect();
    diffs.sort_by(f64::total_cmp);
    let diff = diffs[diffs.len() / 2];
    let (h, f, b) = (
        median(html_only),
        median(full.clone()),
        median(bare.clone()),
    );
    let overhead = diff / ms(b) * 100.0;
    println!(
        "styrdok build benchmark ({runs} runs each, medians; {})",
        typst.version
    );
    println!(
        "  HTML + criteria.json + case schema, {documents} documents (no Typst): {:8.2} ms   (target < 20 ms)",
        ms(h)
    );
    println!(
        "  styrdok build, {documents} documents with {} PDFs:                  {:8.2} ms",
        typs.len(),
        ms(f)
    );
    println!(
        "  bare typst compile of the same {} .typ files:               {:8.2} ms",
        typs.len(),
        ms(b)
    );
    println!(
        "  ratio build / bare typst: {:.3}; styrdok's overhead {overhead:+.1} % of Typst's time, median of pairwise differences {diff:+.2} ms (target < 5 %)",
        ms(f) / ms(b)
    );
}
