//! `cargo bench --bench diff`: the diff of a generated 200-page guideline (about 600 KB
//! of YAML) against a revision with a quarter of its paragraphs edited and a few sections
//! moved, and the impact of a revision on 1,000,000 cases. Reports (issue D):
//! - `styrdok diff` end to end (start, load both versions, diff, terminal output), as a
//!   ratio to `git diff --no-index --word-diff` on the same text rendered as plain text,
//!   in the same run; target under 100 ms;
//! - the diff step alone (both versions already loaded), and loading alone;
//! - `styrdok diff --cases` on 1,000,000 cases, as a ratio to one `styrdok eval --cases`
//!   of the same file, and the peak memory of both on a tenth of the cases and on all.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cases::{Rng, peak_rss, peak_rss_ok, write_cases};
#[path = "support/cases.rs"]
mod cases;
#[path = "../tests/common/mod.rs"]
mod common;

const VOCABULARY: &[&str] = &[
    "den",
    "enskilde",
    "ska",
    "beviljas",
    "insatsen",
    "enligt",
    "4 kap. 2 § SoL",
    "handläggaren",
    "bedömer",
    "om",
    "behovet",
    "av",
    "stöd",
    "för",
    "att",
    "underlätta",
    "arbete",
    "eller",
    "studier",
    "under",
    "en",
    "begränsad",
    "tid",
    "avgiften",
    "är",
    "3 200 kr",
    "per",
    "månad",
    "och",
    "högst",
    "25 %",
    "av",
    "avgiftsutrymmet",
    "från",
    "2025-07-01",
    "i",
    "samråd",
    "med",
    "arbetsspecialisten",
    "på",
    "Jobbtorg",
    "särskilda",
    "skäl",
    "kan",
    "medge",
    "förlängning",
    "beslutet",
    "fattas",
    "av",
    "stadsdelsförvaltningen",
    "efter",
    "utredning",
];

fn words(r: &mut Rng, n: usize) -> Vec<&'static str> {
    (0..n)
        .map(|_| VOCABULARY[r.pick(VOCABULARY.len() as u64) as usize])
        .collect()
}

/// A paragraph: sentences of 8–20 words.
fn paragraph(r: &mut Rng) -> Vec<String> {
    let mut out = Vec::new();
    for _ in 0..(3 + r.pick(3)) {
        let n = 8 + r.pick(13) as usize;
        let mut s = words(r, n).join(" ");
        if let Some(f) = s.get_mut(0..1) {
            f.make_ascii_uppercase();
        }
        s.push('.');
        out.push(s);
    }
    out
}

/// A section: id, heading, paragraphs, and subsections (one level).
struct Sec {
    id: String,
    heading: String,
    paras: Vec<Vec<String>>,
    subs: Vec<Sec>,
}

fn guideline(r: &mut Rng) -> Vec<Sec> {
    (0..100)
        .map(|i| Sec {
            id: format!("s{i}"),
            heading: format!("Avsnitt {i} om {}", words(r, 3).join(" ")),
            paras: (0..4).map(|_| paragraph(r)).collect(),
            subs: (0..2)
                .map(|j| Sec {
                    id: format!("s{i}-{j}"),
                    heading: format!("Underavsnitt {i}.{j}"),
                    paras: (0..4).map(|_| paragraph(r)).collect(),
                    subs: Vec::new(),
                })
                .collect(),
        })
        .collect()
}

/// The revision: a quarter of the paragraphs edited (a word replaced, two inserted, one
/// removed), and five sections moved.
fn revise(r: &mut Rng, secs: &mut Vec<Sec>) {
    fn edit(r: &mut Rng, s: &mut Sec) {
        for p in &mut s.paras {
            if r.pick(4) != 0 {
                continue;
            }
            let k = r.pick(p.len() as u64) as usize;
            let mut w: Vec<String> = p[k].split(' ').map(str::to_string).collect();
            let n = w.len() as u64;
            w[r.pick(n) as usize] = "ändrat".into();
            w.insert(r.pick(n) as usize, "nya ord".into());
            w.remove(r.pick(n) as usize);
            p[k] = w.join(" ");
        }
        for c in &mut s.subs {
            edit(r, c);
        }
    }
    for s in secs.iter_mut() {
        edit(r, s);
    }
    for k in 0..5 {
        let from = 10 + 17 * k;
        let s = secs.remove(from);
        secs.insert(3 + 11 * k, s);
    }
}

fn yaml(label: &str, from: &str, secs: &[Sec]) -> String {
    fn sec(out: &mut String, s: &Sec, indent: &str) {
        let _ = writeln!(
            out,
            "{indent}- id: {}\n{indent}  heading: {}\n{indent}  body:\n{indent}    - text: |",
            s.id, s.heading
        );
        for (k, p) in s.paras.iter().enumerate() {
            if k > 0 {
                out.push('\n');
            }
            // Wrapped at about 90 characters, as an editor would.
            let mut line = String::new();
            for w in p.join(" ").split(' ') {
                if line.len() + w.len() > 90 {
                    let _ = writeln!(out, "{indent}        {line}");
                    line.clear();
                }
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(w);
            }
            let _ = writeln!(out, "{indent}        {line}");
        }
        if !s.subs.is_empty() {
            let _ = writeln!(out, "{indent}  sections:");
            for c in &s.subs {
                sec(out, c, &format!("{indent}    "));
            }
        }
    }
    let mut out = format!(
        "kind: riktlinje\nversion: \"{label}\"\ntitle: En genererad riktlinje\nissued: {from}\npublisher: P\ncontact: C\ndecided_by: N\ndecision_date: {from}\nvalid_from: {from}\nsections:\n"
    );
    for s in secs {
        sec(&mut out, s, "  ");
    }
    out
}

/// The same text as plain text, as a reader of the PDF would copy it.
fn plain(secs: &[Sec]) -> String {
    let mut out = String::new();
    for s in secs {
        let _ = writeln!(out, "{}\n", s.heading);
        for p in &s.paras {
            let _ = writeln!(out, "{}\n", p.join(" "));
        }
        out.push_str(&plain(&s.subs));
    }
    out
}

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1000.0
}

fn run(cmd: &mut Command, ok: &[i32]) {
    let s = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(ok.contains(&s.code().unwrap_or(-1)), "{cmd:?}: {s}");
}

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(21);
    let n_cases: u64 = std::env::var("BENCH_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let bin = env!("CARGO_BIN_EXE_styrdok");
    let work = common::scratch();
    let dir = work.path();

    // The 200-page guideline and its revision, in one policy folder.
    let mut r = Rng(0x5EED_0000_D1FF_0001);
    let mut secs = guideline(&mut r);
    let v1 = yaml("1", "2024-01-01", &secs);
    let p1 = plain(&secs);
    revise(&mut r, &mut secs);
    let v2 = yaml("2", "2025-01-01", &secs);
    let p2 = plain(&secs);
    let policy = dir.join("policy");
    std::fs::create_dir_all(policy.join("gen")).unwrap();
    std::fs::write(
        policy.join("facts.yaml"),
        "facts:\n  - id: ok\n    type: bool\n    question: Ok?\n    source: person\n",
    )
    .unwrap();
    std::fs::write(policy.join("gen/1.yaml"), &v1).unwrap();
    std::fs::write(policy.join("gen/2.yaml"), &v2).unwrap();
    std::fs::write(dir.join("1.txt"), &p1).unwrap();
    std::fs::write(dir.join("2.txt"), &p2).unwrap();
    // BENCH_KEEP=DIR keeps a copy of the generated policy folder there (for profiling).
    if let Some(keep) = std::env::var_os("BENCH_KEEP") {
        common::copy_dir(&policy, Path::new(&keep));
    }
    println!(
        "generated guideline: {:.0} KB of YAML per version ({:.0} KB of text, about {} pages), 300 sections",
        v1.len() as f64 / 1024.0,
        p1.len() as f64 / 1024.0,
        p1.len() / 3000
    );

    // 1. End to end, alternating with git so that both see the same machine state.
    let (mut ours, mut git) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        run(
            Command::new(bin)
                .args(["diff", "gen@1", "gen@2", "--color", "never", "--policy"])
                .arg(&policy),
            &[1],
        );
        ours.push(t.elapsed());
        let t = Instant::now();
        run(
            Command::new("git")
                .args(["diff", "--no-index", "--word-diff=plain", "--no-color"])
                .arg(dir.join("1.txt"))
                .arg(dir.join("2.txt")),
            &[1],
        );
        git.push(t.elapsed());
    }
    let (ours, git) = (median(ours), median(git));
    println!(
        "styrdok diff, end to end (load both, diff, terminal output): {ours:7.1} ms (median of {runs})"
    );
    println!("git diff --no-index --word-diff on the rendered text:      {git:7.1} ms");
    println!("  ratio styrdok / git: {:.2}×", ours / git);

    // 2. The steps, in process.
    let mut load = Vec::new();
    let mut step = Vec::new();
    let mut changes = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let (p, d) = styrdok::load::load(&styrdok::load::DiskTree::new(&policy).unwrap());
        load.push(t.elapsed());
        assert!(!d.has_errors());
        let doc = p.document("gen").unwrap();
        let side = |l| styrdok::diff::Side {
            policy: &p,
            doc,
            version: doc.version(l).unwrap(),
        };
        let t = Instant::now();
        let diff = styrdok::diff::diff(side("1"), side("2"));
        step.push(t.elapsed());
        changes = diff.changes.len();
    }
    println!(
        "  loading both versions: {:6.1} ms; the diff step alone: {:6.1} ms ({changes} changes)",
        median(load),
        median(step)
    );

    // 3. Impact on cases: the shipped guideline's two versions, against one eval run.
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let big = dir.join("cases.jsonl");
    write_cases(&big, n_cases);
    let small = dir.join("small.jsonl");
    write_cases(&small, n_cases / 10);
    let shipped: OsString = root.join("policy").into();
    let eval = |cases: &Path| -> Vec<OsString> {
        vec![
            "eval".into(),
            "--policy".into(),
            shipped.clone(),
            "--cases".into(),
            cases.into(),
            "--out".into(),
            "/dev/null".into(),
        ]
    };
    let impact = |cases: &Path| -> Vec<OsString> {
        vec![
            "diff".into(),
            "stod-arbete-studier@2022-05".into(),
            "stod-arbete-studier@2023-07".into(),
            "--policy".into(),
            shipped.clone(),
            "--cases".into(),
            cases.into(),
        ]
    };
    let (e_small, e_small_mem) = peak_rss(bin, &eval(&small));
    let (i_small, i_small_mem) = peak_rss_ok(bin, &impact(&small), &[1]);
    let (e_big, e_big_mem) = peak_rss(bin, &eval(&big));
    let (i_big, i_big_mem) = peak_rss_ok(bin, &impact(&big), &[1]);
    println!(
        "styrdok eval --cases, {:>8} cases: {e_small:6.2} s, peak {e_small_mem:6.1} MiB",
        n_cases / 10
    );
    println!(
        "styrdok diff --cases, {:>8} cases: {i_small:6.2} s, peak {i_small_mem:6.1} MiB",
        n_cases / 10
    );
    println!("styrdok eval --cases, {n_cases:>8} cases: {e_big:6.2} s, peak {e_big_mem:6.1} MiB");
    println!("styrdok diff --cases, {n_cases:>8} cases: {i_big:6.2} s, peak {i_big_mem:6.1} MiB");
    println!(
        "  ratio diff --cases / eval --cases: {:.2}× (each case is evaluated under both versions)",
        i_big / e_big
    );
}
