//! Personal data (issue G, item 6): a case with a personnummer, a motivering, an
//! assessor's name and a date of birth is fed to every command that takes case data,
//! and each value is shown to appear only in the outputs the user asked for — never on
//! standard error (the batch summary, status lines, diagnostics of other files),
//! never in a file nobody asked for (a build's output, a temporary file left behind),
//! never in a panic — and, in a diagnostic of the case file itself, only as the value
//! at fault, never a neighbouring line. The rules are in docs/cases.md, "Personal data".

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{copy_dir, shipped};

/// The case's label, printed by design wherever results are: stdout, `--out`, the
/// draft, and `diff --cases` (which names changed cases by it).
const ARENDE: &str = "PRIV-5521-ARENDE";
/// The person's identity number, inside a motivering.
const PNR: &str = "19121212-1212";
/// A sentence of an assessment's motivering.
const MOTIVERING: &str = "Xylofonsjukdomen gör resor svåra";
/// The officer who made the assessments.
const AV: &str = "Qwertina Testsson";
/// The motivering of särskilda skäl.
const SKAL: &str = "Zebrafinkprojektet kräver mer tid";
/// The date of birth.
const BORN: &str = "1985-12-12";

/// Every value of the case but its label: none of them may leave the requested outputs.
const VALUES: [&str; 5] = [PNR, MOTIVERING, AV, SKAL, BORN];
/// Every value of the case.
const ALL: [&str; 6] = [ARENDE, PNR, MOTIVERING, AV, SKAL, BORN];

fn case_yaml() -> String {
    format!(
        r#"arende: "{ARENDE}"
ansokningsdatum: 2023-09-01
startdatum: 2023-10-01
insatser: [socialpsykiatri]
fakta:
  fodelsedatum: {BORN}
  pagaende_kontakt_specialistpsykiatri: true
  primart_mal_arbete_eller_studier: true
bedomningar:
  stodbehov_arbete: {{varde: true, av: "{AV}, handläggare", datum: 2023-09-15}}
  inforstadd_och_beredd: {{varde: true, av: "{AV}, handläggare"}}
  kan_borja_arbeta_eller_studera:
    varde: true
    av: "{AV}, handläggare"
    samrad: [arbetsspecialist]
    rapport_fran: arbetsspecialist
    motivering: "Personnummer {PNR}: {MOTIVERING}."
  arbetsformedlingen_kan_erbjuda_atgard: {{varde: false, av: "{AV}, handläggare"}}
sarskilda_skal:
  manader: 6
  motivering: "{SKAL}."
"#
    )
}

/// The case as one JSON Lines row, with `fodelsedatum` replaced by `born`.
fn case_json(born: &str) -> String {
    let assessed = |extra: serde_json::Value| {
        let mut a = serde_json::json!({"varde": true, "av": format!("{AV}, handläggare")});
        a.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        a
    };
    serde_json::json!({
        "arende": ARENDE,
        "ansokningsdatum": "2023-09-01",
        "startdatum": "2023-10-01",
        "insatser": ["socialpsykiatri"],
        "fakta": {
            "fodelsedatum": born,
            "pagaende_kontakt_specialistpsykiatri": true,
            "primart_mal_arbete_eller_studier": true
        },
        "bedomningar": {
            "stodbehov_arbete": assessed(serde_json::json!({})),
            "inforstadd_och_beredd": assessed(serde_json::json!({})),
            "kan_borja_arbeta_eller_studera": assessed(serde_json::json!({
                "samrad": ["arbetsspecialist"],
                "rapport_fran": "arbetsspecialist",
                "motivering": format!("Personnummer {PNR}: {MOTIVERING}.")
            })),
            "arbetsformedlingen_kan_erbjuda_atgard": {"varde": false, "av": format!("{AV}, handläggare")}
        },
        "sarskilda_skal": {"manader": 6, "motivering": format!("{SKAL}.")}
    })
    .to_string()
}

/// The case as CSV: a header, a good row and a row whose date of birth is the
/// personnummer (a row error that quotes it in the results).
fn case_csv() -> String {
    let header = "arende,ansokningsdatum,startdatum,insatser,fodelsedatum,pagaende_kontakt_specialistpsykiatri,primart_mal_arbete_eller_studier,stodbehov_arbete,stodbehov_arbete.av,inforstadd_och_beredd,inforstadd_och_beredd.av,kan_borja_arbeta_eller_studera,kan_borja_arbeta_eller_studera.av,kan_borja_arbeta_eller_studera.samrad,kan_borja_arbeta_eller_studera.rapport_fran,kan_borja_arbeta_eller_studera.motivering,arbetsformedlingen_kan_erbjuda_atgard,arbetsformedlingen_kan_erbjuda_atgard.av,sarskilda_skal.manader,sarskilda_skal.motivering";
    let row = |born: &str| {
        format!(
            "{ARENDE},2023-09-01,2023-10-01,socialpsykiatri,{born},ja,ja,ja,\"{AV}, handläggare\",ja,\"{AV}, handläggare\",ja,\"{AV}, handläggare\",arbetsspecialist,arbetsspecialist,\"Personnummer {PNR}: {MOTIVERING}.\",nej,\"{AV}, handläggare\",6,\"{SKAL}.\""
        )
    };
    format!("{header}\n{}\n{}\n", row(BORN), row(PNR))
}

/// A policy test file holding the case twice: expected as it comes out, and expected
/// wrongly (so that `test` reports a failure, with its explanation).
fn tests_yaml() -> String {
    let mut case = String::new();
    for l in case_yaml().lines() {
        case.push_str("      ");
        case.push_str(l);
        case.push('\n');
    }
    format!(
        "tests:\n  - name: \"Beviljas\"\n    case:\n{case}    expect:\n      socialpsykiatri:\n        outcome: beviljas\n  - name: \"Fel förväntan\"\n    case:\n{case}    expect:\n      socialpsykiatri:\n        outcome: avslag\n"
    )
}

/// A policy folder: the shipped one with the case among the policy tests of
/// `stod-arbete-studier`.
fn policy_with_tests(at: &Path) -> PathBuf {
    copy_dir(&shipped(), at);
    std::fs::write(
        at.join("stod-arbete-studier/tests/privat.yaml"),
        tests_yaml(),
    )
    .unwrap();
    at.to_path_buf()
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_styrdok"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `values` that occur in `s`.
fn found<'a>(s: &str, values: &[&'a str]) -> Vec<&'a str> {
    values.iter().copied().filter(|v| s.contains(v)).collect()
}

/// Standard error holds none of the case's values, and no panic.
fn quiet_stderr(o: &Output, what: &str) {
    let err = text(&o.stderr);
    assert!(!err.contains("panicked"), "{what}: a panic\n{err}");
    assert_eq!(
        found(&err, &ALL),
        Vec::<&str>::new(),
        "{what}: on standard error\n{err}"
    );
}

/// The files in `dir`, by name.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// `eval --case`: the explanation (human or JSON) and the draft (Markdown or PDF) are
/// the requested outputs and hold the case; standard error holds only the status
/// line; nothing else is left beside the draft.
#[test]
fn eval_of_one_case_writes_it_only_where_asked() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    std::fs::write(dir.join("arende.yaml"), case_yaml()).unwrap();
    let policy = shipped();
    let policy = policy.to_str().unwrap();

    let o = run(dir, &["eval", "--policy", policy, "--case", "arende.yaml"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    quiet_stderr(&o, "eval --case");
    assert_eq!(
        found(&text(&o.stdout), &[ARENDE, AV, BORN]),
        [ARENDE, AV, BORN]
    );

    let o = run(
        dir,
        &[
            "eval",
            "--policy",
            policy,
            "--case",
            "arende.yaml",
            "--format",
            "json",
        ],
    );
    assert!(o.status.success());
    quiet_stderr(&o, "eval --case --format json");
    assert!(
        text(&o.stdout).contains(MOTIVERING),
        "the JSON keeps the motivering"
    );

    for draft in ["utkast.md", "utkast.pdf"] {
        let o = run(
            dir,
            &[
                "eval",
                "--policy",
                policy,
                "--case",
                "arende.yaml",
                "--draft",
                draft,
            ],
        );
        assert!(o.status.success(), "{draft}: {}", text(&o.stderr));
        quiet_stderr(&o, draft);
        assert_eq!(
            text(&o.stderr).trim(),
            format!("wrote the decision draft to {draft}")
        );
        let written = if Path::new(draft).extension().is_some_and(|e| e == "pdf") {
            common::pdf_text(&dir.join(draft))
        } else {
            std::fs::read_to_string(dir.join(draft)).unwrap()
        };
        for v in [ARENDE, PNR, MOTIVERING, SKAL] {
            assert!(written.contains(v), "{draft} lacks `{v}`");
        }
    }
    // No work folder or temporary file left beside the drafts.
    assert_eq!(names(dir), ["arende.yaml", "utkast.md", "utkast.pdf"]);
}

/// `eval --cases`, JSON Lines and CSV, with a good row and a row whose date of birth is
/// the personnummer: with `--out`, the results file is the requested output (its row
/// error may quote the bad value) and standard output stays empty; the summary on
/// standard error has counts and line numbers only. Without `--out`, standard output
/// is the requested output.
#[test]
fn a_batch_writes_its_cases_only_to_the_results() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    std::fs::write(
        dir.join("arenden.jsonl"),
        format!("{}\n{}\n", case_json(BORN), case_json(PNR)),
    )
    .unwrap();
    std::fs::write(dir.join("arenden.csv"), case_csv()).unwrap();
    let policy = shipped();
    let policy = policy.to_str().unwrap();
    // The bad row is line 2 of the JSON Lines, line 3 of the CSV (after its header).
    for (input, out, bad) in [
        ("arenden.jsonl", "resultat.jsonl", 2),
        ("arenden.csv", "resultat.csv", 3),
    ] {
        let o = run(
            dir,
            &["eval", "--policy", policy, "--cases", input, "--out", out],
        );
        // One row has an error: exit status 1.
        assert_eq!(o.status.code(), Some(1), "{input}: {}", text(&o.stderr));
        quiet_stderr(&o, input);
        assert!(o.stdout.is_empty(), "{input}: standard output was written");
        let err = text(&o.stderr);
        assert!(
            err.contains(&format!("1 rad kunde inte prövas (rad {bad})")),
            "{input}: {err}"
        );
        let results = std::fs::read_to_string(dir.join(out)).unwrap();
        assert!(
            results.contains(ARENDE),
            "{input}: the results lack the case"
        );

        let o = run(dir, &["eval", "--policy", policy, "--cases", input]);
        assert_eq!(o.status.code(), Some(1));
        quiet_stderr(&o, input);
        assert!(text(&o.stdout).contains(ARENDE));
    }
    let mut left = names(dir);
    left.retain(|n| n.starts_with('.'));
    assert!(left.is_empty(), "temporary files left: {left:?}");

    // A CSV without its header row: the first case would be read as the header. The
    // error says which column, not what it holds.
    let headless = case_csv().split_once('\n').unwrap().1.to_string();
    std::fs::write(dir.join("utan-rubrik.csv"), headless).unwrap();
    let o = run(
        dir,
        &[
            "eval",
            "--policy",
            policy,
            "--cases",
            "utan-rubrik.csv",
            "--out",
            "r.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    quiet_stderr(&o, "a CSV without its header");
    assert!(
        text(&o.stderr).contains("column 1 of the CSV header (line 1) is not a column name"),
        "{}",
        text(&o.stderr)
    );
    let o = run(
        dir,
        &[
            "diff",
            "stod-arbete-studier",
            "--policy",
            policy,
            "--cases",
            "utan-rubrik.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    quiet_stderr(&o, "diff --cases with a CSV without its header");
}

/// A case file with problems: its diagnostics are the one place besides the requested
/// outputs where its values may appear, and each shows only the value at fault — not
/// the line around it, not the lines next to it (a motivering, a name), not the label.
#[test]
fn a_case_files_diagnostics_show_only_the_value_at_fault() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let broken = case_yaml()
        .replace(
            &format!("fodelsedatum: {BORN}"),
            &format!("fodelsedatum: {PNR}"),
        )
        .replace(
            &format!("inforstadd_och_beredd: {{varde: true, av: \"{AV}"),
            &format!("inforstadd_och_beredd: {{varde: ja tack, av: \"{AV}"),
        );
    assert_ne!(broken, case_yaml());
    std::fs::write(dir.join("fel.yaml"), broken).unwrap();
    let policy = shipped();
    let o = run(
        dir,
        &[
            "eval",
            "--policy",
            policy.to_str().unwrap(),
            "--case",
            "fel.yaml",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(!err.contains("panicked"));
    assert!(
        err.contains("fel.yaml:6:17") && err.contains("fel.yaml:11:"),
        "{err}"
    );
    // The value at fault is the message's subject.
    assert!(err.contains(&format!("not `{PNR}`")), "{err}");
    // `av` is on the faulty line; the rest of the file is not shown.
    assert_eq!(
        found(&err, &[ARENDE, MOTIVERING, AV, SKAL, BORN]),
        Vec::<&str>::new(),
        "{err}"
    );
    assert!(o.stdout.is_empty());
}

/// The policy tests hold cases too. `test`'s report on standard output is what was
/// asked for; standard error stays clean; `check`, `build` and `new-case` of a policy
/// holding them put no case value anywhere, and a build's output holds none; `diff
/// --cases` (a report made for a pull request) names a changed case by its label and
/// line, never a value, and a broken test file is named by place and kind only.
#[test]
fn commands_over_a_policy_keep_its_test_cases_to_themselves() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let policy = policy_with_tests(&dir.join("policy"));
    let p = policy.to_str().unwrap();

    let o = run(dir, &["test", p]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    quiet_stderr(&o, "test");
    assert!(
        text(&o.stdout).contains("FAIL Fel förväntan"),
        "{}",
        text(&o.stdout)
    );

    let o = run(dir, &["check", p]);
    quiet_stderr(&o, "check");
    assert_eq!(found(&text(&o.stdout), &ALL), Vec::<&str>::new(), "check");

    let out = dir.join("output");
    let o = run(
        dir,
        &["build", p, "--html-only", "--out", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    quiet_stderr(&o, "build");
    assert_eq!(found(&text(&o.stdout), &ALL), Vec::<&str>::new(), "build");
    for f in common::files(&out) {
        let bytes = std::fs::read(out.join(&f)).unwrap();
        assert_eq!(
            found(&text(&bytes), &ALL),
            Vec::<&str>::new(),
            "{}",
            f.display()
        );
    }

    let o = run(dir, &["new-case", "socialpsykiatri", "--policy", p]);
    assert!(o.status.success());
    quiet_stderr(&o, "new-case");
    assert_eq!(
        found(&text(&o.stdout), &ALL),
        Vec::<&str>::new(),
        "new-case"
    );

    // diff --cases, from a batch and from the policy tests, in every format.
    std::fs::write(
        dir.join("arenden.jsonl"),
        format!("{}\n{}\n", case_json(BORN), case_json(PNR)),
    )
    .unwrap();
    let tests = policy.join("stod-arbete-studier/tests/privat.yaml");
    for cases in ["arenden.jsonl", tests.to_str().unwrap()] {
        for format in ["terminal", "markdown", "json", "html"] {
            let doc = policy.join("stod-arbete-studier");
            let o = run(
                dir,
                &[
                    "diff",
                    doc.to_str().unwrap(),
                    "--cases",
                    cases,
                    "--format",
                    format,
                ],
            );
            assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
            quiet_stderr(&o, &format!("diff --cases {cases} --format {format}"));
            let report = text(&o.stdout);
            assert_eq!(
                found(&report, &VALUES),
                Vec::<&str>::new(),
                "diff --cases {cases} --format {format}:\n{report}"
            );
        }
    }
    // A broken test file: listed by place and kind, not by a message quoting its value.
    let broken = tests_yaml().replacen(
        &format!("fodelsedatum: {BORN}"),
        &format!("fodelsedatum: {PNR}"),
        1,
    );
    std::fs::write(&tests, broken).unwrap();
    let o = run(
        dir,
        &[
            "diff",
            policy.join("stod-arbete-studier").to_str().unwrap(),
            "--cases",
            tests.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    quiet_stderr(&o, "diff --cases with a broken test file");
    assert!(
        text(&o.stderr).contains("privat.yaml:9:"),
        "{}",
        text(&o.stderr)
    );
    // `test` shows the problem in full: the value at fault, and nothing around it.
    let o = run(dir, &["test", p]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains(&format!("not `{PNR}`")), "{err}");
    assert_eq!(
        found(&err, &[ARENDE, MOTIVERING, AV, SKAL, BORN]),
        Vec::<&str>::new(),
        "{err}"
    );
}

/// SIGTERM (Ctrl-C alike) during a batch with `--out`: the results written so far sit
/// in a temporary file beside the target; the batch stops between rows and removes it,
/// so no file with case data is left behind, and standard error says only that it was
/// interrupted.
#[cfg(unix)]
#[test]
fn an_interrupted_batch_leaves_no_case_data_behind() {
    use std::time::{Duration, Instant};
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let row = case_json(BORN);
    let mut rows = String::with_capacity(60_000 * (row.len() + 1));
    for _ in 0..60_000 {
        rows.push_str(&row);
        rows.push('\n');
    }
    std::fs::write(dir.join("arenden.jsonl"), rows).unwrap();
    let policy = shipped();
    let child = Command::new(env!("CARGO_BIN_EXE_styrdok"))
        .current_dir(dir)
        .args(["eval", "--policy", policy.to_str().unwrap()])
        .args(["--cases", "arenden.jsonl", "--out", "resultat.jsonl"])
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until results are being written into the temporary file.
    let start = Instant::now();
    loop {
        let writing = std::fs::read_dir(dir).unwrap().flatten().any(|e| {
            e.file_name().to_string_lossy().starts_with(".styrdok-")
                && e.metadata().is_ok_and(|m| m.len() > 0)
        });
        if writing {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no results were written"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    quiet_stderr(&o, "an interrupted batch");
    assert_eq!(text(&o.stderr).trim(), "error: interrupted");
    assert!(o.stdout.is_empty());
    assert_eq!(names(dir), ["arenden.jsonl"], "files left behind");
}
