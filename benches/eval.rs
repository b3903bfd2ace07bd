//! `cargo bench --bench eval`: 1,000,000 synthetic cases as JSON Lines, evaluated
//! against every intervention of the shipped guideline. Reports (issue C):
//! - evaluation alone, cases/s on one core (target ≥ 1,000,000);
//! - the whole JSONL-in → results-out run, against parsing the same lines with
//!   serde_json alone (the bound the run should approach);
//! - peak memory of `styrdok eval --cases` on 100,000 and 1,000,000 cases (flat).

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use cases::{INSATSER, peak_rss, write_cases};
use styrdok::eval::Engine;
use styrdok::eval::batch::{self, Format, Lookup};
#[path = "support/cases.rs"]
mod cases;
#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let n: u64 = std::env::var("BENCH_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let work = common::scratch();
    let (policy, d) = common::checked(&root.join("policy"));
    assert!(!d.has_errors());
    let engine = Engine::new(&policy).unwrap();
    let lookup = Lookup::new(&engine);

    let big = work.path().join("cases.jsonl");
    let t = Instant::now();
    write_cases(&big, n);
    let bytes = std::fs::metadata(&big).unwrap().len();
    println!(
        "generated {n} cases, {:.0} MB of JSON Lines, in {:.1} s",
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    // 1. Evaluation alone, over a pool of parsed cases evaluated round-robin n times. With
    //    1,000 cases the pool stays in cache, as the batch's one reused row buffer does; with
    //    10,000 (about 20 MB) it does not, and the figure measures memory bandwidth too.
    for pool_size in [1_000, 10_000] {
        evaluate_pool(&engine, &lookup, &big, pool_size, n);
    }

    // 2. Parsing alone (the bound), then the whole batch run, over the same file.
    let parse = |f: &dyn Fn(&[u8])| {
        let t = Instant::now();
        let mut r = BufReader::with_capacity(1 << 16, std::fs::File::open(&big).unwrap());
        let mut buf = Vec::new();
        loop {
            buf.clear();
            if r.read_until(b'\n', &mut buf).unwrap() == 0 {
                break;
            }
            f(&buf);
        }
        t.elapsed().as_secs_f64()
    };
    let value_s = parse(&|b| {
        let v: serde_json::Value = serde_json::from_slice(b).unwrap();
        std::hint::black_box(v);
    });
    let ignored_s = parse(&|b| {
        let v: serde::de::IgnoredAny = serde_json::from_slice(b).unwrap();
        std::hint::black_box(v);
    });
    let row = std::cell::RefCell::new(batch::blank(&engine));
    let rows_s = parse(&|b| {
        let mut c = row.borrow_mut();
        batch::parse_json_row(&engine, &lookup, b, &mut c).unwrap();
        std::hint::black_box(&*c);
    });

    let t = Instant::now();
    let mut input = BufReader::with_capacity(1 << 16, std::fs::File::open(&big).unwrap());
    let mut out = BufWriter::with_capacity(1 << 16, std::io::sink());
    let options = batch::Options {
        document: None,
        date: None,
        input_format: Format::Jsonl,
        output_format: Format::Jsonl,
        jobs: 1,
    };
    let summary = batch::run(&engine, &options, &mut input, &mut out).unwrap();
    let run_s = t.elapsed().as_secs_f64();
    assert_eq!(summary.rows, n);
    assert_eq!(summary.errors, 0);
    println!(
        "serde_json parse only, IgnoredAny:    {:>12.0} cases/s",
        n as f64 / ignored_s
    );
    println!(
        "serde_json parse only, into a Value:  {:>12.0} cases/s",
        n as f64 / value_s
    );
    println!(
        "our row parser alone (parse_json_row): {:>11.0} cases/s",
        n as f64 / rows_s
    );
    println!(
        "batch run, JSONL in → JSONL out:      {:>12.0} cases/s = {:.2}× the time of parsing into a Value, {:.2}× IgnoredAny",
        n as f64 / run_s,
        run_s / value_s,
        run_s / ignored_s
    );
    println!(
        "  parsing is {:.0} % of the batch run; evaluation and writing the rest",
        100.0 * rows_s / run_s
    );

    // 3. Peak memory of the command on a tenth of the cases and on all of them.
    let bin = env!("CARGO_BIN_EXE_styrdok");
    let small = work.path().join("small.jsonl");
    {
        let mut w = BufWriter::new(std::fs::File::create(&small).unwrap());
        for l in BufReader::new(std::fs::File::open(&big).unwrap())
            .lines()
            .take((n / 10) as usize)
        {
            writeln!(w, "{}", l.unwrap()).unwrap();
        }
    }
    let eval = |cases: &Path, out: &str| -> Vec<std::ffi::OsString> {
        vec![
            "eval".into(),
            "--policy".into(),
            root.join("policy").into(),
            "--cases".into(),
            cases.into(),
            "--out".into(),
            work.path().join(out).into(),
        ]
    };
    let (s1, m1) = peak_rss(bin, &eval(&small, "small-results.jsonl"));
    let (s2, m2) = peak_rss(bin, &eval(&big, "results.jsonl"));

    println!(
        "styrdok eval --cases, {:>8} cases: {s1:6.2} s, peak memory {m1:6.1} MiB",
        n / 10
    );
    println!("styrdok eval --cases, {n:>8} cases: {s2:6.2} s, peak memory {m2:6.1} MiB");
}

/// Evaluates `n` cases round-robin from the first `pool_size` cases of `file`, as the batch
/// does (version, parameters on the case's date, results into reused buffers).
fn evaluate_pool(engine: &Engine<'_>, lookup: &Lookup<'_>, file: &Path, pool_size: usize, n: u64) {
    let pool: Vec<styrdok::eval::Case> = BufReader::new(std::fs::File::open(file).unwrap())
        .lines()
        .take(pool_size)
        .map(|l| {
            let mut c = batch::blank(engine);
            batch::parse_json_row(engine, lookup, l.unwrap().as_bytes(), &mut c).unwrap();
            c
        })
        .collect();
    // As the batch does it: version, parameters on the case's date, results into reused buffers.
    let mut scratch = styrdok::eval::Scratch::default();
    let mut granted = 0u64;
    let t = Instant::now();
    for k in 0..n as usize {
        let c = &pool[k % pool.len()];
        engine.evaluate_into(c, None, None, &mut scratch).unwrap();
        granted += scratch
            .results
            .iter()
            .filter(|r| r.outcome == styrdok::eval::Outcome::Beviljas)
            .count() as u64;
    }

    let eval_s = t.elapsed().as_secs_f64();
    println!(
        "evaluation alone, pool of {pool_size:>6} cases: {:>10.0} cases/s ({} interventions each; {:.0} ns per case; {granted} granted)",
        n as f64 / eval_s,
        INSATSER.len(),
        eval_s * 1e9 / n as f64
    );
}
