//! Synthetic inputs for the benchmarks (shared by benches/eval.rs and benches/diff.rs
//! through `#[path]`): cases as a case management export would write them, and a way
//! to time a command with its peak memory.
#![allow(dead_code, unreachable_pub)]

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

pub const INSATSER: [&str; 4] = [
    "socialpsykiatri",
    "lss-insteg",
    "lss-insteg-fortsatt",
    "lss",
];

/// xorshift64*: deterministic, so every run evaluates the same cases.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn pick(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.pick(100) < percent
    }
}

fn bool_fact(r: &mut Rng, name: &str, out: &mut Vec<String>) {
    if r.chance(90) {
        out.push(format!("\"{name}\":{}", r.chance(85)));
    }
}

fn assessment(r: &mut Rng, name: &str, extra: &str, out: &mut Vec<String>) {
    if r.chance(85) {
        out.push(format!(
            "\"{name}\":{{\"varde\":{},\"av\":\"Handläggare {}\"{extra}}}",
            r.chance(85),
            r.pick(40)
        ));
    }
}

/// One synthetic case, as a case management export would produce it.
pub fn case(r: &mut Rng, i: u64) -> String {
    let mut facts = Vec::new();
    if r.chance(95) {
        facts.push(format!(
            "\"fodelsedatum\":\"{}-{:02}-{:02}\"",
            1950 + r.pick(60),
            1 + r.pick(12),
            1 + r.pick(28)
        ));
    }
    bool_fact(r, "pagaende_kontakt_specialistpsykiatri", &mut facts);
    bool_fact(r, "primart_mal_arbete_eller_studier", &mut facts);
    bool_fact(r, "onskar_arbeta_eller_studera", &mut facts);
    bool_fact(r, "beviljad_daglig_verksamhet", &mut facts);
    if r.chance(90) {
        let k = ["1", "2", "3", "\"ingen\""][r.pick(4) as usize];
        facts.push(format!("\"personkrets\":{k}"));
    }
    let mut bed = Vec::new();
    for name in [
        "stodbehov_arbete",
        "stodbehov_arbete_eller_studier",
        "inforstadd_och_beredd",
        "arbetsformedlingen_kan_erbjuda_atgard",
        "forutsattningar_med_jobbcoach",
        "kan_klara_anpassat_arbete",
        "behov_av_stod_i_overgangsperiod",
    ] {
        assessment(r, name, "", &mut bed);
    }
    assessment(
        r,
        "kan_borja_arbeta_eller_studera",
        ",\"samrad\":[\"arbetsspecialist\"],\"rapport_fran\":\"arbetsspecialist\"",
        &mut bed,
    );
    assessment(
        r,
        "kan_paborja_aktivt_arbetssokande",
        ",\"samrad\":[\"jobbcoach\"],\"rapport_fran\":\"jobbcoach\"",
        &mut bed,
    );
    format!(
        "{{\"arende\":\"B-{i}\",\"ansokningsdatum\":\"2023-{:02}-{:02}\",\"insatser\":[\"{}\"],\"fakta\":{{{}}},\"bedomningar\":{{{}}}}}",
        1 + r.pick(12),
        1 + r.pick(28),
        INSATSER.join("\",\""),
        facts.join(","),
        bed.join(",")
    )
}

pub fn write_cases(path: &Path, n: u64) {
    let mut w = BufWriter::new(std::fs::File::create(path).unwrap());
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    for i in 0..n {
        writeln!(w, "{}", case(&mut r, i)).unwrap();
    }
}

/// Runs the binary with `args` and returns (seconds, peak resident memory in MiB); it
/// must exit with status 0.
pub fn peak_rss(bin: &str, args: &[std::ffi::OsString]) -> (f64, f64) {
    peak_rss_ok(bin, args, &[0])
}

/// As [`peak_rss`], accepting the exit statuses `ok`.
///
/// The peak is the child's own `VmHWM` (high-water resident set, Linux), read from
/// `/proc/<pid>/status` every 2 ms while it runs; it never decreases, so the last read
/// is the peak up to 2 ms before the end. (`wait4`'s `ru_maxrss` is not used: it counts
/// the resident set of the parent the child was spawned from, which is the benchmark
/// itself, with a loaded policy in memory.)
pub fn peak_rss_ok(bin: &str, args: &[std::ffi::OsString], ok: &[i32]) -> (f64, f64) {
    let mut command = Command::new(bin);
    command.args(args);
    peak_rss_of(command, ok)
}

/// As [`peak_rss_ok`], for a command with its arguments and environment already set.
pub fn peak_rss_of(command: Command, ok: &[i32]) -> (f64, f64) {
    let r = measure(command, ok);
    (r.wall, r.mib)
}

/// What one run of a command took.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    /// Seconds, start to exit.
    pub wall: f64,
    /// Peak resident memory, MiB (`VmHWM`).
    pub mib: f64,
    /// Processor seconds, user and system, over all its threads (`/proc/<pid>/stat`,
    /// in ticks of 10 ms, read with the peak; the last 2 ms before the exit are not
    /// seen). On a machine shared with other work the wall time stretches with the
    /// load; this stays closer to the work done.
    pub cpu: f64,
}

/// Runs `command` (its output discarded), polling its peak memory and processor time
/// every 2 ms; it must exit with one of the statuses `ok`.
pub fn measure(mut command: Command, ok: &[i32]) -> Run {
    let args: Vec<_> = command.get_args().map(ToOwned::to_owned).collect();
    let t = Instant::now();
    let mut child = command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let stat_file = format!("/proc/{}/stat", child.id());
    let mut peak_kib = 0u64;
    let mut cpu = 0.0f64;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            if let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak_kib = peak_kib.max(kib);
            }
        }
        if let Some(s) = std::fs::read_to_string(&stat_file)
            .ok()
            .as_deref()
            .and_then(cpu_of)
        {
            cpu = cpu.max(s);
        }
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    // A command that failed at once would report a tiny, meaningless peak.
    assert!(
        status.code().is_some_and(|c| ok.contains(&c)),
        "styrdok {args:?} failed: {status}"
    );
    Run {
        wall: t.elapsed().as_secs_f64(),
        mib: peak_kib as f64 / 1024.0,
        cpu,
    }
}

/// User and system seconds from the text of a `/proc/<pid>/stat` (fields 14 and 15,
/// in clock ticks: 100 a second on Linux).
fn cpu_of(stat: &str) -> Option<f64> {
    // The command name, field 2, is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

/// Processor seconds this process has used so far, over all its threads.
pub fn cpu_now() -> f64 {
    cpu_of(&std::fs::read_to_string("/proc/self/stat").unwrap()).unwrap()
}
