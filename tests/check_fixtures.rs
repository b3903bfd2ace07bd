//! Small policies under `tests/fixtures/check/<case>/policy`; the diagnostics
//! `check` reports for each must equal `<case>/expected` line for line (severity,
//! code, file:line:column, message, hint).
//!
//! To review a changed expectation: `STYRDOK_BLESS=1 cargo test --test check_fixtures`,
//! then read `git diff tests/fixtures` before committing.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use styrdok::diag::Severity;

fn report(case: &Path) -> String {
    let root = case.join("policy");
    let (policy, diags) = common::checked(&root);
    let prefix = format!("{}/", root.display());
    let mut out = String::new();
    for d in diags.iter() {
        let sev = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // Paths relative to the policy folder; the folder itself is `.`.
        let at = policy.sources.locate(d.span).replacen(&prefix, "", 1);
        let at = at.replacen(&root.display().to_string(), ".", 1);
        writeln!(out, "{sev}[{}] {at}: {}", d.code, d.message).unwrap();
        if let Some(h) = &d.hint {
            writeln!(out, "    hint: {}", h.replace(&prefix, "")).unwrap();
        }
    }
    out
}

#[test]
fn every_fixture_reports_exactly_its_expected_diagnostics() {
    let dir = common::root().join("tests/fixtures/check");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 25, "fixtures went missing: {}", cases.len());
    let bless = std::env::var("STYRDOK_BLESS").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    for case in &cases {
        let got = report(case);
        let expected_path = case.join("expected");
        if bless {
            std::fs::write(&expected_path, &got).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{} has no `expected` file", case.display()));
        if got != expected {
            failures.push(format!(
                "--- {}\nexpected:\n{expected}\ngot:\n{got}",
                case.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Blessing rewrites the expectations; it never passes, so it cannot slip into CI.
    assert!(
        !bless,
        "expectations rewritten: review `git diff tests/fixtures`"
    );
}

#[test]
fn the_clean_fixture_is_clean() {
    let case = common::root().join("tests/fixtures/check/clean");
    assert_eq!(report(&case), "");
}
