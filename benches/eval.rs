//! `cargo bench --bench eval`: 1,000,000 synthetic cases as JSON Lines, evaluated
//! against every intervention of the shipped guideline. Reports, in one run:
//! - evaluation alone, cases/s on one core (issue C: ≥ 1,000,000) and on every core;
//! - parsing the lines with serde_json alone and with styrdok's row parser (in process);
//! - issue G: parsing the file alone (one thread, a process), `styrdok eval --cases
//!   --jobs 1` (one row at a time) and `--jobs N` (every core), each with its wall time,
//!   processor time (all threads) and peak memory, as ratios to each other; and the
//!   peak memory on a tenth of the cases (flat);
//! - with `BENCH_OPENFISCA=<python>` (scripts/bench-openfisca): the same cases through
//!   an OpenFisca model of the same guideline (benches/openfisca/): first that both give
//!   the same outcome, period and duties on 10,000 of them and on 10,000 edge cases, then
//!   OpenFisca's time end to end and for the computation alone, as ratios to styrdok's.
//!
//! `BENCH_CASES` sets the number of cases, `BENCH_RUNS` the rounds of the timed
//! commands (3; each round runs each command once, interleaved, and medians are shown).

use std::ffi::OsString;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use cases::{INSATSER, write_cases};
use styrdok::eval::batch::{self, Lookup};
use styrdok::eval::{Case, Engine};
#[path = "support/cases.rs"]
mod cases;
#[path = "../tests/common/mod.rs"]
mod common;

/// Set to a case file, this benchmark's binary only parses it, row by row on one thread
/// (the "parsing alone" process whose time and peak memory the run reports).
const PARSE_ONLY: &str = "STYRDOK_BENCH_PARSE_ONLY";

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // Loaded and checked as `styrdok eval` does it (without the spell check).
    let tree = styrdok::load::DiskTree::new(root.join("policy")).unwrap();
    let (policy, mut d) = styrdok::load::load(&tree);
    d.extend(styrdok::check::check_for_use(&policy));
    assert!(!d.has_errors());
    let engine = Engine::new(&policy).unwrap();
    let lookup = Lookup::new(&engine);
    if let Some(file) = std::env::var_os(PARSE_ONLY) {
        let rows = parse_file(&engine, &lookup, Path::new(&file));
        std::hint::black_box(rows);
        return;
    }
    let n: u64 = std::env::var("BENCH_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3)
        .max(1);
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let work = common::scratch();

    let big = work.path().join("cases.jsonl");
    let t = Instant::now();
    write_cases(&big, n);
    let bytes = std::fs::metadata(&big).unwrap().len();
    println!(
        "generated {n} cases, {:.0} MB of JSON Lines, in {:.1} s; {cores} cores",
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    // 1. Evaluation alone, over a pool of parsed cases evaluated round-robin n times. With
    //    1,000 cases the pool stays in cache, as the batch's one reused row buffer does; with
    //    10,000 (about 20 MB) it does not, and the figure measures memory bandwidth too.
    //    On every core: the pool shared, each thread evaluating its share of the n cases.
    let mut eval_alone = Timed::default();
    for (pool_size, threads) in [(1_000, 1), (10_000, 1), (10_000, cores)] {
        let s = evaluate_pool(&engine, &lookup, &big, pool_size, n, threads);
        if threads == cores {
            eval_alone = s;
        }
    }

    // 2. Parsing alone, in process (bounds), over the same file.
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
    let rows_s = {
        let t = Instant::now();
        parse_file(&engine, &lookup, &big);
        t.elapsed().as_secs_f64()
    };
    println!(
        "serde_json parse only, IgnoredAny:     {:>11.0} cases/s",
        n as f64 / ignored_s
    );
    println!(
        "serde_json parse only, into a Value:   {:>11.0} cases/s",
        n as f64 / value_s
    );
    println!(
        "styrdok's row parser alone (in process): {:>9.0} cases/s",
        n as f64 / rows_s
    );

    // 3. The batch as commands, in rounds: parsing the file alone (a process that reads
    //    and parses every row on one thread), one row at a time (--jobs 1) and on every
    //    core (--jobs N), each with its peak memory and processor time. Results go to
    //    /dev/null (written directly: a device gets no temporary file).
    let bin = env!("CARGO_BIN_EXE_styrdok");
    let me = std::env::current_exe().unwrap();
    let eval = |cases: &Path, jobs: usize| -> Vec<OsString> {
        vec![
            "eval".into(),
            "--policy".into(),
            root.join("policy").into(),
            "--cases".into(),
            cases.into(),
            "--out".into(),
            "/dev/null".into(),
            "--jobs".into(),
            jobs.to_string().into(),
        ]
    };
    let command = |program: &Path, args: &[OsString], env: Option<&Path>| {
        let mut c = Command::new(program);
        c.args(args);
        if let Some(file) = env {
            c.env(PARSE_ONLY, file);
        }
        c
    };
    let (mut parse_runs, mut one_runs, mut all_runs) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        parse_runs.push(cases::measure(command(&me, &[], Some(&big)), &[0]));
        one_runs.push(cases::measure(
            command(bin.as_ref(), &eval(&big, 1), None),
            &[0],
        ));
        all_runs.push(cases::measure(
            command(bin.as_ref(), &eval(&big, cores), None),
            &[0],
        ));
    }
    let (parse, one, all) = (median(&parse_runs), median(&one_runs), median(&all_runs));
    println!("medians of {runs} rounds, {n} cases (wall time; processor time, all threads):");
    for (what, r) in [
        ("parsing the file alone, one thread:", parse),
        ("styrdok eval --cases --jobs 1:     ", one),
        (
            &format!("styrdok eval --cases --jobs {cores}:     ") as &str,
            all,
        ),
    ] {
        println!(
            "  {what} {:6.2} s; {:6.2} s of processor; peak memory {:6.1} MiB",
            r.wall, r.cpu, r.mib
        );
    }
    println!(
        "  wall: --jobs 1 takes {:.2}× parsing alone; --jobs {cores} takes {:.2}× parsing alone and {:.2}× --jobs 1 ({:.2}× as fast)",
        one.wall / parse.wall,
        all.wall / parse.wall,
        all.wall / one.wall,
        one.wall / all.wall
    );
    println!(
        "  processor: --jobs 1 uses {:.2}× parsing alone; --jobs {cores} uses {:.2}× --jobs 1 (the cost of sharing the work)",
        one.cpu / parse.cpu,
        all.cpu / one.cpu
    );
    println!(
        "  all rounds, wall (s): parse {}; --jobs 1 {}; --jobs {cores} {}",
        list(&parse_runs),
        list(&one_runs),
        list(&all_runs)
    );

    // Flat memory: a tenth of the cases.
    let small = work.path().join("small.jsonl");
    head(&big, &small, n / 10);
    let r = cases::measure(command(bin.as_ref(), &eval(&small, cores), None), &[0]);
    println!(
        "styrdok eval --cases --jobs {cores}, {:>8} cases: {:6.2} s, peak memory {:6.1} MiB (against {:.1} MiB for {n})",
        n / 10,
        r.wall,
        r.mib,
        all.mib
    );

    if let Some(python) = std::env::var_os("BENCH_OPENFISCA") {
        openfisca(
            &root,
            work.path(),
            Path::new(&python),
            &big,
            (n, runs, cores),
            (all, one, eval_alone),
            &eval,
        );
    }
}

/// The OpenFisca comparison: the same outcomes first, then the times.
fn openfisca(
    root: &Path,
    work: &Path,
    python: &Path,
    big: &Path,
    (n, runs, cores): (u64, usize, usize),
    (all, one, eval_alone): (cases::Run, cases::Run, Timed),
    eval: &dyn Fn(&Path, usize) -> Vec<OsString>,
) {
    let script = root.join("benches/openfisca/run.py");
    let bin = env!("CARGO_BIN_EXE_styrdok");
    let py = |args: &[&OsString]| {
        let o = Command::new(python)
            .arg(&script)
            .args(args)
            .output()
            .unwrap();
        let text =
            String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "run.py {args:?} failed:\n{text}");
        text
    };
    // Equivalence: 10,000 of the benchmark's cases, and 10,000 edge cases.
    let sample = work.join("sample.jsonl");
    head(big, &sample, 10_000.min(n));
    let edge = work.join("edge.jsonl");
    py(&[
        &"edge-cases".into(),
        &edge.clone().into(),
        &"10000".into(),
        &"2026".into(),
    ]);
    for cases in [&sample, &edge] {
        let results = cases.with_extension("results.jsonl");
        let mut args = eval(cases, cores);
        args[6] = results.clone().into();
        let o = Command::new(bin).args(&args).output().unwrap();
        assert!(
            o.status.success(),
            "styrdok {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let said = py(&[&"check".into(), &cases.into(), &results.into()]);
        println!(
            "same outcomes as OpenFisca, {}: {}",
            cases.file_name().unwrap().to_string_lossy(),
            said.trim()
        );
    }
    // Times: the whole process (start, import, reading and converting the JSON Lines,
    // building the simulation, computing), and the steps it reports.
    let timings = work.join("openfisca.json");
    let mut whole = Vec::new();
    let mut steps: Vec<serde_json::Value> = Vec::new();
    for _ in 0..runs {
        let mut c = Command::new(python);
        c.arg(&script).arg("time").arg(big).arg(&timings);
        whole.push(cases::measure(c, &[0]));
        let t: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&timings).unwrap()).unwrap();
        assert_eq!(t["cases"], n);
        steps.push(t);
    }
    let of = median(&whole);
    let step = |k: &str| {
        let mut v: Vec<f64> = steps.iter().map(|s| s[k].as_f64().unwrap()).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "OpenFisca (openfisca-core 46.0.1, numpy), {n} cases, medians of {runs} (wall; processor):"
    );
    println!(
        "  end to end (python run.py time):      {:6.2} s; {:6.2} s; peak memory {:6.1} MiB",
        of.wall, of.cpu, of.mib
    );
    for (what, k) in [
        ("reading the JSON Lines into arrays:", "read"),
        ("building the simulation (inputs):  ", "build"),
        ("computing (every formula):         ", "compute"),
    ] {
        println!(
            "    {what} {:6.2} s; {:6.2} s",
            step(&format!("{k}_s")),
            step(&format!("{k}_cpu"))
        );
    }
    println!("  all rounds, wall (s): {}", list(&whole));
    println!(
        "styrdok / OpenFisca, end to end: --jobs {cores} {:.3} of its wall time, --jobs 1 {:.3}; processor time: --jobs {cores} {:.3}, --jobs 1 {:.3}",
        all.wall / of.wall,
        one.wall / of.wall,
        all.cpu / of.cpu,
        one.cpu / of.cpu
    );
    println!(
        "styrdok --jobs {cores} / OpenFisca reading and computing (its start and set-up left out): {:.3} of the wall time",
        all.wall / (step("read_s") + step("compute_s"))
    );
    println!(
        "styrdok evaluation alone ({cores} threads) / OpenFisca computing: {:.3} of the wall time, {:.3} of the processor time",
        eval_alone.wall / step("compute_s"),
        eval_alone.cpu / step("compute_cpu")
    );
}

/// Seconds of an in-process measurement: wall, and processor over all threads.
#[derive(Debug, Clone, Copy, Default)]
struct Timed {
    wall: f64,
    cpu: f64,
}

/// Reads and parses every row of `file` into one reused case, on this thread; returns
/// the number of rows.
fn parse_file(engine: &Engine<'_>, lookup: &Lookup<'_>, file: &Path) -> u64 {
    let mut r = BufReader::with_capacity(1 << 16, std::fs::File::open(file).unwrap());
    let mut buf = Vec::new();
    let mut case = batch::blank(engine);
    let mut rows = 0;
    loop {
        buf.clear();
        if r.read_until(b'\n', &mut buf).unwrap() == 0 {
            return rows;
        }
        batch::parse_json_row(engine, lookup, &buf, &mut case).unwrap();
        std::hint::black_box(&case);
        rows += 1;
    }
}

/// Evaluates `n` cases round-robin from the first `pool_size` cases of `file`, as the batch
/// does (version, parameters on the case's date, results into reused buffers), on
/// `threads` threads sharing the pool. Returns the seconds.
fn evaluate_pool(
    engine: &Engine<'_>,
    lookup: &Lookup<'_>,
    file: &Path,
    pool_size: usize,
    n: u64,
    threads: usize,
) -> Timed {
    let pool: Vec<Case> = BufReader::new(std::fs::File::open(file).unwrap())
        .lines()
        .take(pool_size)
        .map(|l| {
            let mut c = batch::blank(engine);
            batch::parse_json_row(engine, lookup, l.unwrap().as_bytes(), &mut c).unwrap();
            c
        })
        .collect();
    let share = |t: usize| {
        let mut scratch = styrdok::eval::Scratch::default();
        let mut granted = 0u64;
        for k in (t..n as usize).step_by(threads) {
            let c = &pool[k % pool.len()];
            engine.evaluate_into(c, None, None, &mut scratch).unwrap();
            granted += scratch
                .results
                .iter()
                .filter(|r| r.outcome == styrdok::eval::Outcome::Beviljas)
                .count() as u64;
        }
        granted
    };
    let (t, cpu) = (Instant::now(), cases::cpu_now());
    let granted: u64 = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads).map(|t| s.spawn(move || share(t))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    let eval_s = t.elapsed().as_secs_f64();
    let cpu = cases::cpu_now() - cpu;
    println!(
        "evaluation alone, pool of {pool_size:>6} cases, {threads} thread{}: {:>10.0} cases/s ({} interventions each; {:.0} ns per case; {:.0} ns of processor; {granted} granted)",
        if threads == 1 { " " } else { "s" },
        n as f64 / eval_s,
        INSATSER.len(),
        eval_s * 1e9 / n as f64,
        cpu * 1e9 / n as f64
    );
    Timed { wall: eval_s, cpu }
}

/// The median of each of wall time, processor time and peak memory over the runs.
fn median(runs: &[cases::Run]) -> cases::Run {
    let mid = |f: fn(&cases::Run) -> f64| {
        let mut v: Vec<f64> = runs.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    cases::Run {
        wall: mid(|r| r.wall),
        cpu: mid(|r| r.cpu),
        mib: mid(|r| r.mib),
    }
}

fn list(runs: &[cases::Run]) -> String {
    runs.iter()
        .map(|r| format!("{:.2}", r.wall))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The first `n` lines of `from`, into `to`.
fn head(from: &Path, to: &Path, n: u64) {
    let mut w = BufWriter::new(std::fs::File::create(to).unwrap());
    for l in BufReader::new(std::fs::File::open(from).unwrap())
        .lines()
        .take(n as usize)
    {
        writeln!(w, "{}", l.unwrap()).unwrap();
    }
}
