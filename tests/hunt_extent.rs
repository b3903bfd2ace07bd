//! Hostile and careless inputs to groups, levels, amounts, money and placeholders,
//! each through the real binary on a copy of tests/fixtures/extent edited for the
//! case: never a panic, a hang or a wrong number; bad input is a located error.

mod common;

use std::path::Path;

use common::{copy_dir, root, stderr, stdout, styrdok};

/// A copy of the extent fixture, with each `(file, old, new)` edit applied once.
fn fixture(edits: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("tests/fixtures/extent"), dir.path());
    for (file, old, new) in edits {
        let p = dir.path().join(file);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(old), "{file} has no `{old}`");
        std::fs::write(&p, text.replacen(old, new, 1)).unwrap();
    }
    dir
}

const VERSION: &str = "policy/avgifter/2025-01.yaml";
const CASE: &str = "cases/niva-3.yaml";
const FEE: &str = "formula: max(0, min(avgiftsutrymme, nivatak, maxavgift))";

fn path(dir: &Path, rel: &str) -> String {
    dir.join(rel).to_str().unwrap().to_owned()
}

fn policy(dir: &Path) -> String {
    path(dir, "policy")
}

/// `styrdok eval --case` of the fixture's level-3 case, in `format`.
fn eval(dir: &Path, format: &str) -> std::process::Output {
    styrdok(&[
        "eval",
        "--policy",
        &policy(dir),
        "--case",
        &path(dir, CASE),
        "--format",
        format,
    ])
}

/// The explanation's line for the amount `name`.
fn line<'a>(out: &'a str, name: &str) -> &'a str {
    out.lines()
        .find(|l| l.trim_start().starts_with(&format!("{name}:")))
        .unwrap_or_else(|| panic!("no line for {name} in\n{out}"))
}

/// Amounts far beyond any fee (8 factors of 58 800 kr) are exact and print in full,
/// and a value the 128-bit arithmetic reaches but cannot negate (-2^127) is an
/// overflow of the case: printing and rounding them once panicked (`attempt to
/// multiply with overflow` in the money format, `negate with overflow`).
#[test]
fn huge_amounts_print_exactly_or_are_an_overflow_never_a_panic() {
    let pbb8 = ["prisbasbelopp"; 8].join(" * ");
    let dir = fixture(&[(VERSION, FEE, &format!("formula: {pbb8}"))]);
    let o = eval(dir.path(), "human");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // 58 800^8 = 142 895 518 493 672 840 232 960 000 000 000 000 000, whole kronor.
    let out = stdout(&o).replace('\u{a0}', " ");
    assert!(
        line(&out, "Hemtjänstavgift")
            .ends_with("= 142 895 518 493 672 840 232 960 000 000 000 000 000 kr"),
        "{out}"
    );

    let half = "576460752303423488 * 576460752303423488 * 256"; // 2^126
    for formula in [
        format!("-({half}) - {half}"),
        format!("-(-({half}) - {half})"),
        format!("0 / (-({half}) - {half})"),
    ] {
        let dir = fixture(&[(VERSION, FEE, &format!("formula: {formula}"))]);
        let o = eval(dir.path(), "json");
        assert_eq!(o.status.code(), Some(0), "{formula}: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let fee = &v["interventions"][0]["extent"]["amounts"][4];
        assert_eq!(fee["id"], "hemtjanstavgift");
        assert_eq!(fee["value"], serde_json::Value::Null, "{formula}");
        assert_eq!(
            fee["error"], "talet blir för stort för exakt räkning",
            "{formula}"
        );
    }
}

/// Rounding to öre multiplies by 100: of a value near 2^127 that overflowed unchecked.
#[test]
fn rounding_an_amount_beyond_exact_arithmetic_is_an_overflow() {
    // 2 × 10^36 kr and a half: exact, but 2 × 10^38 öre is beyond i128.
    let near = "2 * 100000000000000000 * 100000000000000000 * 100 + 0.5";
    let dir = fixture(&[
        (VERSION, FEE, &format!("formula: {near}")),
        (VERSION, "to: krona", "to: ore"),
    ]);
    let o = eval(dir.path(), "json");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let fee = &v["interventions"][0]["extent"]["amounts"][4];
    assert_eq!(fee["exact"], "2000000000000000000000000000000000000.5");
    assert_eq!(fee["value"], serde_json::Value::Null);
    assert_eq!(fee["error"], "talet blir för stort för exakt räkning");
}

/// Runs the binary with a 1 MiB stack (`ulimit -s`), so a walk whose depth grows with
/// the input overflows at a size a test can afford.
fn styrdok_small_stack(args: &[&str]) -> std::process::Output {
    let mut script = String::from("ulimit -s 1024 && exec \"$0\"");
    for k in 1..=args.len() {
        script.push_str(&format!(" \"${{{k}}}\""));
    }
    std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_styrdok"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// Thousands of amounts, each reading the one before: the order of computation (in
/// `check`) and an amount's chain (in the explanation) were recursive walks, one frame
/// per amount, and overflowed the stack (abort, no message).
#[test]
fn a_long_chain_of_amounts_overflows_no_stack() {
    const N: usize = 3000;
    let mut amounts = String::new();
    for k in 0..N {
        let prev = if k == 0 {
            "maxavgift".to_owned()
        } else {
            format!("x{}", k - 1)
        };
        amounts.push_str(&format!(
            "  - id: x{k}\n    name: X{k}\n    unit: kr\n    formula: {prev} + 1\n"
        ));
    }
    let fee = format!("formula: max(0, min(avgiftsutrymme, nivatak, x{}))", N - 1);
    let dir = fixture(&[(VERSION, FEE, &fee)]);
    let file = dir.path().join(VERSION);
    let text = std::fs::read_to_string(&file).unwrap() + &amounts;
    std::fs::write(&file, text).unwrap();

    let o = styrdok_small_stack(&["check", &policy(dir.path())]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let o = styrdok_small_stack(&[
        "eval",
        "--policy",
        &policy(dir.path()),
        "--case",
        &path(dir.path(), CASE),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // x2999 = maxavgift + 3 000 = 5 642,08 kr; nivåtak 1 127 kr is still the least.
    let out = stdout(&o).replace('\u{a0}', " ");
    assert!(
        line(&out, "Hemtjänstavgift").contains("x2999 5 642,08 kr")
            && line(&out, "Hemtjänstavgift").ends_with("= 1 127 kr"),
        "{out}"
    );
}

/// `check` mapped every placeholder's position to the YAML source before knowing
/// whether it had anything to report, a walk over the text each time: 5 000
/// placeholders in one text took half a minute, 20 000 hours. Now linear: 20 000 take
/// a fraction of a second (the bound is generous for slow machines).
#[test]
fn many_placeholders_in_one_text_are_checked_in_linear_time() {
    let text = "{param: prisbasbelopp} ".repeat(20_000);
    let dir = fixture(&[(
        VERSION,
        "Avgiften beror på nivån av insatser. Det är alltid den högsta nivån som gäller.",
        &text,
    )]);
    let t = std::time::Instant::now();
    let o = styrdok(&["check", &policy(dir.path())]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        t.elapsed() < std::time::Duration::from_secs(15),
        "{:?}",
        t.elapsed()
    );
}

/// `{param: x}` for a parameter whose first value starts after the version: it was
/// reported as an "unknown parameter", beside a warning that the text "prints the
/// value of `x` on" that very day. It is a gap of the parameter, said as such.
#[test]
fn a_placeholder_of_a_parameter_without_a_value_yet_says_so() {
    let dir = fixture(&[
        (
            VERSION,
            "Det är alltid den högsta nivån som gäller.",
            "Det är alltid den högsta nivån som gäller. Från 2026 gäller {param: nytt_tak}.",
        ),
        (
            "policy/parameters.yaml",
            "parameters:\n",
            "parameters:\n  - id: nytt_tak\n    description: Nytt tak.\n    unit: kr\n    values:\n      - {from: 2026-01-01, value: 2000, reference: Beslut.}\n",
        ),
    ]);
    let o = styrdok(&["check", "--format", "json", &policy(dir.path())]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let found: Vec<(String, String, String, u64)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] != "group-without-text")
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["severity"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [(
            "parameter-gap".to_owned(),
            "error".to_owned(),
            "parameter `nytt_tak` has no value on 2025-01-01, when version `2025-01` becomes valid, so `{param: nytt_tak}` prints nothing".to_owned(),
            108
        )]
    );
}

/// A money parameter (`unit: kr`) is read by rules in whole öre. One with more
/// decimals (`"0,5392"` given `kr` by mistake) or beyond what a money fact may hold
/// (10^17 kr: 10^19 öre overflows i64) passed `check` and was then silently *ej
/// utrett* in every rule that read it, while formulas computed with it; an integer
/// parameter of i64::MIN read as missing, that being the rules' mark of unknown.
/// Each is now an error at the value.
#[test]
fn parameter_values_rules_cannot_read_are_errors() {
    for (value, unit, message) in [
        (
            "\"0,5392\"",
            "kr",
            "parameter `x`: 0,5392 kr is not a sum of money this tool counts (whole öre, below 1 000 000 000 000 kr)",
        ),
        (
            "100000000000000000",
            "kr",
            "parameter `x`: 100000000000000000 kr is beyond the sums of money this tool counts (below 1 000 000 000 000 kr, either sign)",
        ),
        (
            "-1000000000000",
            "kr",
            "parameter `x`: -1000000000000 kr is beyond the sums of money this tool counts (below 1 000 000 000 000 kr, either sign)",
        ),
        (
            "-9223372036854775808",
            "timmar",
            "parameter `x`: -9223372036854775808 is beyond the whole numbers rules read",
        ),
        (
            "{min: -9223372036854775808, max: 5}",
            "timmar",
            "parameter `x`: a range starting at -9223372036854775808 is beyond the whole numbers rules read",
        ),
    ] {
        let param = format!(
            "parameters:\n  - id: x\n    description: X.\n    unit: {unit}\n    values:\n      - {{from: 2025-01-01, value: {value}, reference: R.}}\n"
        );
        let dir = fixture(&[("policy/parameters.yaml", "parameters:\n", &param)]);
        let o = styrdok(&["check", "--format", "json", &policy(dir.path())]);
        assert_eq!(o.status.code(), Some(1), "{value}");
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let errors: Vec<(&str, u64)> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] == "error")
            .map(|d| (d["message"].as_str().unwrap(), d["line"].as_u64().unwrap()))
            .collect();
        assert_eq!(errors, [(message, 6)], "{value}");
    }
    // Two decimals in kronor, and the largest sum a money fact holds, are fine.
    for value in ["\"58800,50\"", "999999999999"] {
        let param = format!(
            "parameters:\n  - id: x\n    description: X.\n    unit: kr\n    values:\n      - {{from: 2025-01-01, value: {value}, reference: R.}}\n"
        );
        let dir = fixture(&[("policy/parameters.yaml", "parameters:\n", &param)]);
        let o = styrdok(&["check", &policy(dir.path())]);
        assert_eq!(o.status.code(), Some(0), "{value}: {}", stdout(&o));
    }
}

/// Money in a case: spaces were dropped wherever they stood, so `"12 34"` was read as
/// 1 234 kr and `"1 2345"` as 12 345 kr, while a policy test's expected amount refused
/// the same text. Spaces now only group thousands; anything else is a located error
/// of the case file (exit 1), and well-grouped text is read as before.
#[test]
fn money_spaces_only_group_thousands() {
    for bad in ["12 34", "1 2345", "3 0 0"] {
        let dir = fixture(&[(
            CASE,
            "boendekostnad: \"5 000,50\"",
            &format!("boendekostnad: \"{bad}\""),
        )]);
        let o = eval(dir.path(), "human");
        assert_eq!(o.status.code(), Some(1), "{bad}: {}", stdout(&o));
        let err = stderr(&o);
        assert!(
            err.contains("`boendekostnad` is an amount in kronor") && err.contains(":19:"),
            "{bad}: {err}"
        );
    }
    let dir = fixture(&[(
        CASE,
        "boendekostnad: \"5 000,50\"",
        "boendekostnad: \"- 1\u{202f}000 kr\"",
    )]);
    let o = eval(dir.path(), "human");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // 15 000 − 6 000 − (−1 000) = 10 000 kr.
    let out = stdout(&o).replace('\u{a0}', " ");
    assert!(
        line(&out, "Avgiftsutrymme").ends_with("boendekostnad −1 000 kr = 10 000 kr"),
        "{out}"
    );
}

/// An amount reading a level table that the intervention's `extent` does not name was
/// computed with the case's level, but its arithmetic printed the value as missing
/// ("1/12 × avgiftsniva.andel (saknas) × 58 800 kr = 1 127 kr") and the parameter
/// behind it was left out of the values used, in the explanation and the draft alike.
#[test]
fn a_level_value_read_without_the_extent_naming_its_table_is_shown() {
    let dir = fixture(&[(
        VERSION,
        "extent: {level: avgiftsniva, amounts: [hemtjanstavgift]}",
        "extent: {amounts: [hemtjanstavgift]}",
    )]);
    let draft = dir.path().join("beslut.md");
    let o = styrdok(&[
        "eval",
        "--policy",
        &policy(dir.path()),
        "--case",
        &path(dir.path(), CASE),
        "--draft",
        draft.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o).replace('\u{a0}', " ");
    assert_eq!(
        line(&out, "Nivåtak").trim(),
        "Nivåtak: 1/12 × 23 % × 58 800 kr = 1 127 kr"
    );
    assert!(out.contains("niva_3_andel = 23 % (Nivåtabellen"), "{out}");
    let md = std::fs::read_to_string(&draft)
        .unwrap()
        .replace('\u{a0}', " ");
    assert!(!md.contains("saknas"), "{md}");
    assert!(md.contains("1/12 × 23 % × 58 800 kr"), "{md}");
}

/// A parameter's `unit` is placed, resolved, into sentences. One holding line breaks
/// (`"kr\n\n# Rubrik"`) ended the criterion's list item in the decision draft and
/// started new Markdown blocks after it; one holding an escape sequence reached the
/// terminal. What a placeholder stands for is now one line: controls become spaces.
#[test]
fn a_resolved_placeholder_is_one_line_in_the_draft_and_the_terminal() {
    let dir = fixture(&[
        (
            "policy/parameters.yaml",
            "parameters:\n",
            "parameters:\n  - id: u\n    description: U.\n    unit: \"kr\\n\\n# Rubrik\\n\\n| a |\\e[31m\"\n    values:\n      - {from: 2025-01-01, value: 5, reference: R.}\n",
        ),
        (
            VERSION,
            "text: Den enskilde är folkbokförd i kommunen.",
            "text: 'Den enskilde är folkbokförd i kommunen {param: u}.'",
        ),
    ]);
    let draft = dir.path().join("beslut.md");
    let o = styrdok(&[
        "eval",
        "--policy",
        &policy(dir.path()),
        "--case",
        &path(dir.path(), CASE),
        "--draft",
        draft.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(
        out.contains("folkbokförd i kommunen 5\u{a0}kr  # Rubrik  | a | [31m."),
        "{out}"
    );
    let md = std::fs::read_to_string(&draft).unwrap();
    let item = md
        .lines()
        .find(|l| l.contains("folkbokförd i kommunen 5"))
        .unwrap();
    assert!(
        item.starts_with("- ") && item.contains(r"\# Rubrik  \| a \| \[31m. Uppgifter i ärendet"),
        "{md}"
    );
    assert!(!md.lines().any(|l| l.starts_with("\\# Rubrik")), "{md}");
}
