//! `styrdok check` as a user runs it: exit codes, human and JSON output, and
//! hostile input that must end in a located error, never a panic or a hang.

use std::fmt::Write as _;

mod common;

use common::{stderr, styrdok, write};

#[test]
fn shipped_policy_passes_with_warnings_and_fails_when_warnings_are_denied() {
    let out = styrdok(&["check", "policy"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("warning[legal-reference]: `SoL (2001:435)` contradicts the glossary"));
    assert!(
        stdout
            .trim_end()
            .ends_with("0 errors, 22 warnings in 8 files"),
        "{stdout}"
    );
    let out = styrdok(&["check", "policy", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn json_output_has_a_stable_shape() {
    let out = styrdok(&["check", "--format", "json", "policy"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["errors"], 0);
    assert_eq!(v["summary"]["warnings"], 22);
    // The fees guideline's own defects, reported and not fixed: a cross-reference to the
    // wrong section (twice) and a levels table that places no one at 6 or 7 days a week.
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes.iter().filter(|c| **c == "section-reference").count(),
        2
    );
    assert_eq!(codes.iter().filter(|c| **c == "level-gap").count(), 1);
    let first = &v["diagnostics"][0];
    for key in [
        "severity",
        "code",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "snippet",
        "related",
    ] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
    let legal = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("2001:435"))
        .unwrap();
    assert_eq!(legal["severity"], "warning");
    assert!(
        legal["file"]
            .as_str()
            .unwrap()
            .ends_with("policy/stod-arbete-studier/2022-05.yaml")
    );
    assert_eq!(legal["line"], 117);
    assert_eq!(legal["column"], 186);
}

#[test]
fn a_missing_folder_cannot_run() {
    let out = styrdok(&["check", "no/such/folder"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: policy folder `no/such/folder` does not exist\n"
    );
}

#[test]
fn errors_are_located_in_the_human_report() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "doc/1.yaml", "kind: riktlinje\ntitel: X\n");
    let out = styrdok(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("error[unknown-key]: unknown key `titel` in document"),
        "{stdout}"
    );
    assert!(stdout.contains("doc/1.yaml:2:1]"), "{stdout}");
    assert!(stdout.contains("help: did you mean `title`?"), "{stdout}");
}

/// Each hostile file on its own: a located error with the expected code.
#[test]
fn hostile_input_gets_a_located_error() {
    let deep = format!("a: {}{}\n", "[".repeat(20_000), "]".repeat(20_000));
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        writeln!(bomb, "a{i}: &a{i} [{refs}]").unwrap();
    }
    let mut big = String::from("kind: riktlinje\nnotes: |\n");
    let line = format!("  {}\n", "x".repeat(98));
    while big.len() < 50 * 1024 * 1024 {
        big.push_str(&line);
    }
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        ("empty", Vec::new(), "empty-file", "1:1"),
        ("junk", junk, "not-text", "1:2"),
        (
            "latin1",
            b"kind: riktlinje\ntitle: \xe5r\n".to_vec(),
            "not-text",
            "2:8",
        ),
        ("list", b"- a\n- b\n".to_vec(), "wrong-type", "1:1"),
        (
            "tabs",
            b"kind: riktlinje\nsections:\n\t- id: a\n".to_vec(),
            "yaml-syntax",
            "3:1",
        ),
        (
            "dupkey",
            b"kind: riktlinje\nkind: riktlinje\n".to_vec(),
            "duplicate-key",
            "2:1",
        ),
        ("deep", deep.into_bytes(), "too-deep", "1:"),
        ("bomb", bomb.into_bytes(), "too-many-nodes", "6:15"),
        ("big", big.into_bytes(), "unreadable", "1:1"),
    ];
    for (name, content, code, at) in cases {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "doc/1.yaml", &content);
        let out = styrdok(&["check", "--format", "json", dir.path().to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let d = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == code);
        let d = d.unwrap_or_else(|| panic!("{name}: no {code} in {v}"));
        let pos = format!("{}:{}", d["line"], d["column"]);
        // `1:` is a line whatever the column; otherwise line and column exactly.
        let located = if at.ends_with(':') {
            pos.starts_with(at)
        } else {
            pos == at
        };
        assert!(located, "{name}: at {pos}, expected {at}");
        assert!(
            d["file"].as_str().unwrap().ends_with("doc/1.yaml"),
            "{name}"
        );
    }
}

/// The same problems in a file whose lines end in LF, CRLF, CR (old Mac) or a mix of
/// the three: each at the same line and column, and the human report (miette) and the
/// JSON agree on the place and on the line they show.
#[test]
fn every_line_ending_gives_the_same_places_in_human_and_json() {
    let lines = [
        "kind: riktlinje",
        "version: \"1\"",
        "title: T",
        "issued: 2022-01-01",
        "publisher: P",
        "contact: C",
        "decided_by: Nämnden",
        "decision_date: 2022-01-01",
        "valid_from: 2022-01-01",
        "sections:",
        "  - id: a",
        "    heading: A",
        "    body:",
        "      - text: |",
        "          Första raden.",
        "          Se [B](#b) och {section: finns-inte} här.",
        "      - criteria: insats",
        "  - id: b",
        "    heading: B",
        "    titel: x",
        "interventions:",
        "  - id: insats",
        "    name: Insats",
        "    target_group: alla",
        "    legal_basis: 4 kap. 2 § SoL",
        "    duration: {years: 2}",
        "    criteria: [onskan]",
        "criteria:",
        "  - id: onskan",
        "    text: Den enskilde vill arbeta.",
        "    kind: fact",
        "    rule: |",
        "      onskar_arbeta and",
        "      onskar_arbet",
    ];
    // (code, line, column, end line, end column, the line's text)
    let expected = [
        ("unknown-reference", 16, 26, 16, 47, lines[15]),
        ("unknown-key", 20, 5, 20, 10, lines[19]),
        ("rule", 34, 7, 34, 19, lines[33]),
    ];
    let clean = common::root().join("tests/fixtures/check/clean/policy");
    for (name, ends) in [
        ("lf", vec!["\n"]),
        ("crlf", vec!["\r\n"]),
        ("cr", vec!["\r"]),
        ("mixed", vec!["\n", "\r\n", "\r"]),
    ] {
        let text: String = lines
            .iter()
            .enumerate()
            .flat_map(|(i, l)| [*l, ends[i % ends.len()]])
            .collect();
        let dir = tempfile::tempdir().unwrap();
        for shared in ["facts.yaml", "glossary.yaml"] {
            std::fs::copy(clean.join(shared), dir.path().join(shared)).unwrap();
        }
        write(dir.path(), "doc/1.yaml", &text);
        let path = dir.path().to_str().unwrap();
        let out = styrdok(&["check", "--format", "json", path]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let got: Vec<(String, u64, u64, u64, u64, String)> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["line"].as_u64().unwrap(),
                    d["column"].as_u64().unwrap(),
                    d["end_line"].as_u64().unwrap(),
                    d["end_column"].as_u64().unwrap(),
                    d["snippet"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let want: Vec<(String, u64, u64, u64, u64, String)> = expected
            .iter()
            .map(|&(c, l, col, el, ec, s)| (c.to_string(), l, col, el, ec, s.to_string()))
            .collect();
        assert_eq!(got, want, "{name}");
        let human = String::from_utf8(styrdok(&["check", path]).stdout).unwrap();
        for (code, line, column, _, _, snippet) in &want {
            let header = format!("error[{code}]");
            let at = human
                .find(&header)
                .unwrap_or_else(|| panic!("{name}: no {header} in {human}"));
            let report = &human[at..];
            assert!(
                report.contains(&format!("doc/1.yaml:{line}:{column}]")),
                "{name}: {code} not at {line}:{column} in\n{report}"
            );
            // miette shows the line itself, numbered, under the place.
            assert!(
                report.contains(&format!(" {line} │ {snippet}\n")),
                "{name}: line {line} not shown as `{snippet}` in\n{report}"
            );
        }
    }
}
