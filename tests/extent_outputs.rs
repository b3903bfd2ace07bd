//! Groups, levels and amounts in every output beyond the explanation: batch results
//! (JSON Lines and CSV, the summary), `criteria.json` and the case schema, policy
//! tests with expected levels and amounts, and the decision draft. The fixture
//! (tests/fixtures/extent) is a small fee guideline; every amount asserted here is
//! worked out by hand in the comment beside it or in the case file it comes from.

mod common;

use std::path::{Path, PathBuf};

use common::{copy_dir, root, stderr, stdout, styrdok, write};
use serde_json::{Value, json};

fn fixture() -> PathBuf {
    root().join("tests/fixtures/extent")
}

fn policy() -> String {
    fixture().join("policy").to_str().unwrap().to_owned()
}

/// The three case files of the fixture as JSON Lines rows, then a rejection (one
/// reason for korttid only; no need at all for hemtjänst) and a grant whose level is
/// not established (the day-activity fact missing).
const ROWS: &str = r#"{"arende":"A-1","ansokningsdatum":"2025-02-01","insatser":["hemtjanst"],"fakta":{"behov_personlig_omvardnad":false,"behov_service":true,"bor_i_kommunen":true,"bor_ensam":true,"hemtjanst_timmar_per_manad":10,"dagverksamhet_dagar_per_vecka":1,"nettoinkomst":15000,"boendekostnad":"5 000,50"}}
{"arende":"B-2","ansokningsdatum":"2025-03-01","insatser":["hemtjanst"],"fakta":{"behov_personlig_omvardnad":true,"behov_service":true,"bor_i_kommunen":true,"bor_ensam":false,"hemtjanst_timmar_per_manad":5,"dagverksamhet_dagar_per_vecka":4,"nettoinkomst":30000,"boendekostnad":8000}}
{"arende":"C-3","ansokningsdatum":"2025-03-01","startdatum":"2025-03-10","insatser":["hemtjanst","korttidsvistelse"],"fakta":{"behov_personlig_omvardnad":true,"behov_service":false,"bor_i_kommunen":true,"bor_ensam":false,"hemtjanst_timmar_per_manad":20,"dagverksamhet_dagar_per_vecka":0,"nettoinkomst":"7 000,75 kr","anhorig_behover_avlosning":true,"hemtjanst_racker_inte":false,"efter_sjukhusvistelse":true}}
{"arende":"D-4","ansokningsdatum":"2025-03-01","insatser":["korttidsvistelse","hemtjanst"],"fakta":{"bor_i_kommunen":true,"behov_personlig_omvardnad":false,"behov_service":false,"anhorig_behover_avlosning":true,"hemtjanst_racker_inte":false,"efter_sjukhusvistelse":false}}
{"arende":"E-5","ansokningsdatum":"2025-03-01","insatser":["hemtjanst"],"fakta":{"behov_service":true,"bor_i_kommunen":true,"bor_ensam":true,"hemtjanst_timmar_per_manad":10,"nettoinkomst":15000}}
"#;

fn batch(format: &str) -> (std::process::Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "cases.jsonl", ROWS);
    let o = styrdok(&[
        "eval",
        "--policy",
        &policy(),
        "--cases",
        f.to_str().unwrap(),
        "--output-format",
        format,
    ]);
    (o, dir)
}

#[test]
fn jsonl_results_carry_groups_the_level_and_the_decided_amounts() {
    let (o, _dir) = batch("jsonl");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    let hem = |k: usize, i: usize| lines[k]["interventions"][i].clone();

    // A-1: 10 hours → level 3, 1 day → level 2; the highest, 3. Nivåtak
    // 1/12 × 23 % × 58 800 = 1 127 kr is below 3 999,50 and 2 642,08.
    assert_eq!(hem(0, 0)["level"], "3");
    assert_eq!(
        hem(0, 0)["amounts"],
        json!([{"id": "hemtjanstavgift", "value": "1127", "unit": "kr"}])
    );
    assert_eq!(
        hem(0, 0)["groups"],
        json!([{"id": "behov", "result": "uppfyllt", "met": ["service"]}])
    );
    // B-2: level 4 by the days; 1/12 × 0,5392 × 58 800 = 2 642,08, rounded down 2 642.
    assert_eq!(hem(1, 0)["level"], "4");
    assert_eq!(hem(1, 0)["amounts"][0]["value"], "2642");
    assert_eq!(
        hem(1, 0)["groups"][0]["met"],
        json!(["personlig-omvardnad", "service"])
    );
    // C-3: 7 000,75 − 5 000 − default(boendekostnad, 0) = 2 000,75, rounded down 2 000.
    assert_eq!(hem(2, 0)["amounts"][0]["value"], "2000");
    // Korttid: no extent, so no `level` or `amounts`; its `minst 2 av` group is met
    // by two of three, and the period is at most three months.
    let kort = hem(2, 1);
    assert_eq!(kort["id"], "korttidsvistelse");
    assert!(kort.get("level").is_none() && kort.get("amounts").is_none());
    assert_eq!(
        kort["groups"],
        json!([{"id": "skal-for-korttid", "result": "uppfyllt", "met": ["avlosning", "efter-sjukhus"]}])
    );
    assert_eq!(
        kort["period"],
        json!({"from": "2025-03-10", "until": "2025-06-09"})
    );
    // D-4: rejected: no level, no amounts decided; the groups say what was met.
    assert_eq!(hem(3, 0)["outcome"], "avslag");
    assert_eq!(hem(3, 0)["groups"][0]["result"], "ej_uppfyllt");
    assert_eq!(hem(3, 0)["groups"][0]["met"], json!(["avlosning"]));
    assert_eq!(hem(3, 1)["level"], Value::Null);
    assert_eq!(hem(3, 1)["amounts"], Value::Null);
    // E-5: the criteria are met, but the level needs the day-activity fact (it could
    // place the case higher): the level and the fee are not established, so there is no
    // decision yet.
    assert_eq!(hem(4, 0)["outcome"], "utredning_ofullstandig");
    // What to investigate: the fact the level needs; not the other alternative of the
    // group already met by `service`.
    assert_eq!(
        hem(4, 0)["missing"],
        json!(["dagverksamhet_dagar_per_vecka"])
    );
    assert_eq!(hem(4, 0)["level"], Value::Null);
    assert_eq!(
        hem(4, 0)["amounts"],
        json!([{"id": "hemtjanstavgift", "value": null, "unit": "kr"}])
    );

    // The summary counts the levels of granted interventions; ids only.
    let summary = stderr(&o);
    assert!(
        summary.contains("Nivåer i beviljade insatser:\n         1  avgiftsniva nivå 3\n         2  avgiftsniva nivå 4\n"),
        "{summary}"
    );
    assert!(
        !summary.contains("15000") && !summary.contains("1127"),
        "{summary}"
    );
}

#[test]
fn csv_results_have_the_same_columns_for_every_policy() {
    let (o, _dir) = batch("csv");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header, styrdok::eval::batch::CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let cell = |row: usize, col: &str| {
        let k = header.iter().position(|h| h == col).unwrap();
        rows[row][k].to_owned()
    };
    // One row per intervention applied for: A-1, B-2, C-3 ×2, D-4 ×2, E-5.
    assert_eq!(rows.len(), 7);
    assert_eq!(cell(0, "level"), "3");
    assert_eq!(cell(0, "amounts"), "hemtjanstavgift=1127 kr");
    assert_eq!(cell(0, "groups"), "behov=service");
    assert_eq!(cell(1, "amounts"), "hemtjanstavgift=2642 kr");
    assert_eq!(cell(1, "groups"), "behov=personlig-omvardnad|service");
    assert_eq!(cell(2, "amounts"), "hemtjanstavgift=2000 kr");
    assert_eq!(cell(3, "intervention"), "korttidsvistelse");
    assert_eq!(cell(3, "level"), "");
    assert_eq!(cell(3, "amounts"), "");
    assert_eq!(
        cell(3, "groups"),
        "skal-for-korttid=avlosning|efter-sjukhus"
    );
    // A group not met is not listed; a rejection decides no amount.
    assert_eq!(cell(4, "groups"), "");
    assert_eq!(cell(5, "amounts"), "");
    // An amount not established: its id with nothing after `=`.
    assert_eq!(cell(6, "level"), "");
    assert_eq!(cell(6, "amounts"), "hemtjanstavgift=");
}

#[test]
fn criteria_json_states_groups_extent_levels_amounts_and_the_period_flags() {
    let (dir, o) = common::build(&fixture().join("policy"), &["--html-only"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = dir.path().join("output/avgifter/2025-01");
    let j: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("criteria.json")).unwrap()).unwrap();
    let hem = &j["interventions"][0];
    assert_eq!(hem["members"], json!(["behov", "folkbokford"]));
    assert_eq!(
        hem["groups"],
        json!([{"id": "behov", "quantifier": "any", "at_least": null,
                "text": "Den enskilde har något av följande behov:",
                "members": ["personlig-omvardnad", "service"]}])
    );
    assert_eq!(
        hem["extent"],
        json!({"level": "avgiftsniva", "amounts": ["hemtjanstavgift"]})
    );
    assert_eq!(hem["duration"]["individual"], true);
    assert_eq!(hem["duration"]["at_most"], false);
    let kort = &j["interventions"][1];
    assert_eq!(kort["groups"][0]["quantifier"], "at_least");
    assert_eq!(kort["groups"][0]["at_least"], 2);
    assert_eq!(kort["extent"], Value::Null);
    assert_eq!(kort["duration"]["at_most"], true);
    assert_eq!(kort["duration"]["months"], 3);

    let t = &j["levels"][0];
    assert_eq!(t["id"], "avgiftsniva");
    assert_eq!(
        t["by"],
        json!([
            "hemtjanst_timmar_per_manad",
            "dagverksamhet_dagar_per_vecka"
        ])
    );
    assert_eq!(t["choose"], "highest");
    assert_eq!(t["rows"][0]["thresholds"].as_array().unwrap().len(), 1);
    assert_eq!(
        t["rows"][2]["thresholds"][1],
        json!({"fact": "dagverksamhet_dagar_per_vecka", "parameter": "niva_3_dagar", "min": 2, "max": 3})
    );
    // Open upwards: no `max`.
    assert_eq!(t["rows"][3]["thresholds"][0]["max"], Value::Null);
    assert_eq!(
        t["rows"][2]["values"]["andel"],
        json!({"parameter": "niva_3_andel", "value": 23, "unit": "%"})
    );

    let amounts = j["amounts"].as_array().unwrap();
    let ids: Vec<&str> = amounts.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "maxavgift",
            "nivatak",
            "minimibelopp",
            "avgiftsutrymme",
            "hemtjanstavgift"
        ]
    );
    assert_eq!(
        amounts[2]["cases"],
        json!([{"when": "bor_ensam", "formula": "minimibelopp_ensam"},
               {"when": null, "formula": "minimibelopp_sambo"}])
    );
    let r = &amounts[4]["rounding"];
    assert_eq!(r["to"], "krona");
    assert_eq!(r["direction"], "down");
    assert_eq!(r["assumption"], true);
    assert!(r["reference"].as_str().unwrap().starts_with("Ingen källa"));
    assert_eq!(
        amounts[4]["rounding"]["text"],
        "avrundat nedåt till hela kronor"
    );

    // What only amounts and level tables read is listed too: the money facts, the
    // level facts, the thresholds and values, the decimal 0,5392 as a string.
    let fact_ids: Vec<&str> = j["facts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    for f in [
        "nettoinkomst",
        "boendekostnad",
        "bor_ensam",
        "dagverksamhet_dagar_per_vecka",
    ] {
        assert!(fact_ids.contains(&f), "{f}: {fact_ids:?}");
    }
    let andel = j["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "maxavgift_andel")
        .unwrap();
    assert_eq!(andel["values"][0]["value"], "0.5392");
    assert!(
        j["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == "niva_4_timmar")
    );

    // The case schema takes money facts as the case files write them.
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("case.schema.json")).unwrap())
            .unwrap();
    let validator = jsonschema::draft7::new(&schema).unwrap();
    for case in ["niva-3", "maxavgift", "avgiftsutrymme"] {
        let text = std::fs::read_to_string(fixture().join(format!("cases/{case}.yaml"))).unwrap();
        let v = yaml_as_json(&text);
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{case}: {errors:?}");
    }
    let bad = json!({"ansokningsdatum": "2025-03-01", "insatser": ["hemtjanst"],
                     "fakta": {"nettoinkomst": "femtusen"}});
    assert!(
        !validator.is_valid(&bad),
        "a money fact in words is refused"
    );
}

/// The case files are small YAML mappings of scalars and one list: read them with the
/// crate's own loader's view of scalars, as JSON (dates as strings).
fn yaml_as_json(text: &str) -> Value {
    let mut out = serde_json::Map::new();
    let mut facts = serde_json::Map::new();
    let mut in_facts = false;
    for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
        if line.trim().is_empty() {
            continue;
        }
        let indented = line.starts_with(' ');
        let (k, v) = line.trim().split_once(':').unwrap();
        let v = v.trim();
        let value = if v.is_empty() {
            in_facts = k == "fakta";
            continue;
        } else if let Some(list) = v.strip_prefix('[').and_then(|x| x.strip_suffix(']')) {
            json!(list.split(',').map(str::trim).collect::<Vec<_>>())
        } else if v == "true" || v == "false" {
            json!(v == "true")
        } else if let Ok(n) = v.parse::<i64>() {
            json!(n)
        } else {
            json!(v.trim_matches('"'))
        };
        if indented && in_facts {
            facts.insert(k.to_owned(), value);
        } else {
            in_facts = false;
            out.insert(k.to_owned(), value);
        }
    }
    out.insert("fakta".into(), Value::Object(facts));
    Value::Object(out)
}

#[test]
fn policy_tests_expect_levels_and_amounts_exactly() {
    let o = styrdok(&["test", &policy(), "--coverage"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("5 tests: 5 passed, 0 failed"),
        "{}",
        stdout(&o)
    );

    // Wrong expectations fail, each at its own line, with expected, got and the arithmetic.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("policy");
    copy_dir(&fixture().join("policy"), &p);
    let tests = p.join("avgifter/tests/avgifter.yaml");
    let text = std::fs::read_to_string(&tests).unwrap();
    let text = text
        .replace("level: \"3\"", "level: \"2\"")
        .replace("{hemtjanstavgift: 2642}", "{hemtjanstavgift: \"2 643 kr\"}")
        .replace("{hemtjanstavgift: \"0,00\"}", "{maxavgift: 2642.08}");
    std::fs::write(&tests, &text).unwrap();
    let o = styrdok(&["test", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    assert!(
        out.contains(&format!(
            "`hemtjanst`: expected level 2 ({}:{}:16), got 3\n    Avgiftsnivå 3 (hemtjanst_timmar_per_manad = 10 ger nivå 3, dagverksamhet_dagar_per_vecka = 1 ger nivå 2; den högsta gäller)",
            tests.display(),
            line_of("level: \"2\"")
        )),
        "{out}"
    );
    assert!(
        out.contains("`hemtjanst`: expected `hemtjanstavgift` 2\u{a0}643\u{a0}kr ("),
        "{out}"
    );
    assert!(out.contains("), got 2\u{a0}642\u{a0}kr\n    Maxavgift: 1/12 × 0,5392 × 58\u{a0}800\u{a0}kr = 2\u{a0}642,08\u{a0}kr\n"), "{out}");
    assert!(
        out.contains(
            "= 2\u{a0}642,08\u{a0}kr ≈ 2\u{a0}642\u{a0}kr (avrundat nedåt till hela kronor)"
        ),
        "{out}"
    );
    assert!(
        out.contains("expected amount `maxavgift` (")
            && out.contains("but the intervention decides `hemtjanstavgift`"),
        "{out}"
    );
    assert!(out.contains("5 tests: 2 passed, 3 failed"), "{out}");

    // An amount that is not a number is a located error, and no test runs.
    std::fs::write(
        &tests,
        text.replace("{maxavgift: 2642.08}", "{hemtjanstavgift: tusen}"),
    )
    .unwrap();
    let o = styrdok(&["test", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("the expected `hemtjanstavgift` is not an amount"),
        "{err}"
    );
    assert!(err.contains("avgifter.yaml:"), "{err}");
}

#[test]
fn expected_amounts_are_read_as_a_swedish_text_writes_them() {
    use styrdok::eval::policytest::parse_expected_amount as parse;
    use styrdok::model::Number;
    let n = |a: i128, b: i128| Number::new(a, b);
    for text in [
        "1372",
        "1 372",
        "1372,00",
        "1372.0",
        "1 372 kr",
        "1\u{a0}372,00 kr",
    ] {
        assert_eq!(parse(text).map(|x| x.0), Some(n(1372, 1)), "{text}");
    }
    assert_eq!(parse("2 642,08"), Some((n(264_208, 100), None)));
    assert_eq!(parse("15 timmar"), Some((n(15, 1), Some("timmar".into()))));
    assert_eq!(parse("-5"), Some((n(-5, 1), None)));
    for bad in ["", "kr", "13 72", "1 3720", "1,2,3", "tusen"] {
        assert_eq!(parse(bad), None, "{bad}");
    }
}

fn draft(case: &Path, ext: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join(format!("beslut.{ext}"));
    let o = styrdok(&[
        "eval",
        "--policy",
        &policy(),
        "--case",
        case.to_str().unwrap(),
        "--draft",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    (dir, out)
}

#[test]
fn a_draft_states_the_extent_with_its_arithmetic_and_the_period_as_the_text_gives_it() {
    let (_dir, md) = draft(&fixture().join("cases/avgiftsutrymme.yaml"), "md");
    let text = std::fs::read_to_string(md).unwrap();
    for label in [":**\n", "””", "()", ": .", "Omfattning.** \n"] {
        assert!(!text.contains(label), "`{label}`:\n{text}");
    }
    // The decided amount in the decision, and how it was reached in the motivation:
    // 7 000,75 − 5 000 − 0 = 2 000,75, rounded down to 2 000 kr.
    assert!(
        text.contains("**Hemtjänstavgift:** 2\u{a0}000\u{a0}kr\n"),
        "{text}"
    );
    assert!(
        text.contains("**Omfattning.** Avgiftsnivå 4 (hemtjanst\\_timmar\\_per\\_manad = 20 ger nivå 4, dagverksamhet\\_dagar\\_per\\_vecka = 0 ger ingen nivå; den högsta gäller)."),
        "{text}"
    );
    assert!(text.contains("- Hemtjänstavgift: 2\u{a0}000\u{a0}kr. Avrundat nedåt till hela kronor. Antagande: Ingen källa anger avrundningen"), "{text}");
    assert!(
        text.contains("  - Avgiftsutrymme: nettoinkomst 7\u{a0}000,75\u{a0}kr − minimibelopp 5\u{a0}000\u{a0}kr − boendekostnad ej angivet, 0 = 2\u{a0}000,75\u{a0}kr\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "  - Maxavgift: 1/12 × 0,5392 × 58\u{a0}800\u{a0}kr = 2\u{a0}642,08\u{a0}kr\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("- prisbasbelopp = 58\u{a0}800\u{a0}kr (Förordning (2024:xxx) om prisbasbelopp för 2025 (exempel); gäller från 2025-01-01)"),
        "{text}"
    );
    // The something-of group names the alternative that met it, in the guideline's words.
    assert!(
        text.contains("- Den enskilde har något av följande behov: Uppfyllt genom ”Den enskilde har behov av personlig omvårdnad.”\n"),
        "{text}"
    );
    // The alternative not met is not listed as met.
    assert!(
        !text.contains("- Den enskilde har behov av service i hemmet."),
        "{text}"
    );
    assert!(text.contains("- Minst 2 av följande: Uppfyllt genom ”En anhörig behöver avlösning.” och ”Den enskilde kommer direkt från sjukhus.”"), "{text}");
    // The individual period and the at-most period.
    assert!(text.contains("Riktlinjen anger ingen fast period för insatsen: hur länge beslutet gäller prövas i det enskilda fallet. Riktlinjen säger: ”Hur länge beslutet gäller prövas i varje enskilt fall.”"), "{text}");
    assert!(
        text.contains("Ansökan beviljas för tiden 2025-03-10–2025-06-09 (högst 3 månader)."),
        "{text}"
    );
    assert!(
        text.contains("Insatsen beviljas för högst 3 månader."),
        "{text}"
    );
}

#[test]
fn a_rejection_names_the_group_not_met_and_no_alternative_of_a_met_group() {
    let dir = tempfile::tempdir().unwrap();
    let case = write(
        dir.path(),
        "case.yaml",
        "ansokningsdatum: 2025-03-01\ninsatser: [korttidsvistelse]\nfakta:\n  bor_i_kommunen: true\n  anhorig_behover_avlosning: true\n  hemtjanst_racker_inte: false\n  efter_sjukhusvistelse: false\n",
    );
    let (_d, md) = draft(&case, "md");
    let text = std::fs::read_to_string(md).unwrap();
    assert!(
        text.contains("- Minst 2 av följande: Inget av alternativen räcker för att kravet ska vara uppfyllt.\n  - Hemtjänsten räcker inte till. Uppgifter i ärendet: Räcker hemtjänsten inte till: nej.\n  - Den enskilde kommer direkt från sjukhus."),
        "{text}"
    );
    assert!(!text.contains("Omfattning"), "{text}");
}

#[test]
fn the_pdf_draft_prints_the_case_label_and_the_arithmetic_exactly() {
    let (_dir, pdf) = draft(&fixture().join("cases/niva-3.yaml"), "pdf");
    let text = common::pdf_text(&pdf);
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("A-1 <script>*x*</script>"), "{flat}");
    assert!(
        flat.contains("hemtjanst_timmar_per_manad = 10 ger nivå 3"),
        "{flat}"
    );
    assert!(
        flat.contains(
            "Avgiftsutrymme: nettoinkomst 15 000 kr − minimibelopp 6 000 kr − boendekostnad 5 000,50 kr = 3 999,50 kr"
        ),
        "{flat}"
    );
}

/// The whole draft of a case with two grants, for review (`cargo insta review`).
#[test]
fn draft_snapshot() {
    let (_dir, md) = draft(&fixture().join("cases/avgiftsutrymme.yaml"), "md");
    let text = std::fs::read_to_string(md).unwrap();
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.add_filter(r"sha256:[0-9a-f]{64}", "sha256:[hash]");
    s.add_filter(r"styrdok \d+\.\d+\.\d+", "styrdok [version]");
    s.bind(|| insta::assert_snapshot!("draft-extent.md", text));
}

/// A group with its own sentence prints, in both back ends, as that sentence with its
/// members as a list under it: a nested `<ul>` in the HTML, a nested list in the PDF
/// (tagged as a list inside the list item), in the order the YAML gives them.
#[test]
fn groups_print_as_their_sentence_with_the_members_under_it_in_both_back_ends() {
    let (dir, o) = common::build(&fixture().join("policy"), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("output/avgifter");
    let version = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    let find = |ext: &str| {
        std::fs::read_dir(&version)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == ext))
            .unwrap()
    };
    let html = std::fs::read_to_string(find("html")).unwrap();
    let sentence = html
        .find("Den enskilde har något av följande behov:")
        .expect("the group's sentence");
    let nested = html[sentence..]
        .find("<ul class=\"kriterier-grupp\">")
        .expect("its members as a nested list");
    let first = html[sentence..]
        .find("<em>personlig omvårdnad</em>")
        .unwrap();
    let second = html[sentence..]
        .find("Den enskilde har behov av service i hemmet.")
        .unwrap();
    assert!(
        nested < first && first < second,
        "{}",
        &html[sentence..sentence + 600]
    );
    // The group closes before the next criterion of the same list.
    let close = html[sentence..].find("</ul></li>").unwrap();
    let next = html[sentence..]
        .find("Den enskilde är folkbokförd i kommunen.")
        .unwrap();
    assert!(second < close && close < next);

    let pdf = find("pdf");
    let text: String = common::pdf_text(&pdf)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains("Den enskilde har något av följande behov: – Den enskilde har behov av personlig omvårdnad. – Den enskilde har behov av service i hemmet."),
        "{text}"
    );
    // The members are a list tagged inside the criteria list (Typst places a nested
    // list as a child of the outer `L`, after the item it belongs to).
    let tags = common::pdf_struct(&pdf);
    let lines: Vec<&str> = tags.lines().collect();
    let depth = |l: &str| l.len() - l.trim_start().len();
    let is_list = |l: &str| l.trim_start().starts_with("L (block)");
    let nested_list = lines.iter().enumerate().any(|(i, outer)| {
        is_list(outer)
            && lines[i + 1..]
                .iter()
                .take_while(|l| depth(l) > depth(outer))
                .any(|l| is_list(l))
    });
    assert!(nested_list, "{tags}");
}

/// A revision that raises a level's percentage: the diff names the level table, and
/// `--cases` reports whose fee changes and by how much, in the fees guideline's words.
/// 2026: 1/12 × 30 % × 59 200 kr = 1 480 kr, where 2025 had 1/12 × 28 % × 58 800 = 1 372.
#[test]
fn diff_with_cases_reports_changed_fees() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy");
    copy_dir(&root().join("policy"), &policy);
    let doc = policy.join("avgifter-vard-och-omsorg");
    let old = std::fs::read_to_string(doc.join("2025-07.yaml")).unwrap();
    let new = old
        .replace("version: \"2025-07\"", "version: \"2026-01\"")
        .replace("valid_from: 2025-07-01", "valid_from: 2026-01-01")
        .replace("decision_date: 2025-06-16", "decision_date: 2025-11-20")
        .replace(
            "replaces:\n  dnr: \"VON 2021:00134\"",
            "replaces:\n  version: \"2025-07\"",
        )
        .replace("avgiftsniva_3_andel", "avgiftsniva_3_andel_2026");
    assert_ne!(old, new);
    std::fs::write(doc.join("2026-01.yaml"), new).unwrap();
    let params = std::fs::read_to_string(policy.join("parameters.yaml")).unwrap()
        + "  - id: avgiftsniva_3_andel_2026\n    description: Nivå 3 från 2026.\n    unit: \"%\"\n    values:\n      - {from: 2026-01-01, value: 30, reference: Exempel.}\n";
    std::fs::write(policy.join("parameters.yaml"), params).unwrap();
    let tests = doc.join("tests");
    let o = styrdok(&[
        "diff",
        doc.to_str().unwrap(),
        "--cases",
        tests.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("Nivåtabell ”avgiftsniva”: ändrad beräkning"),
        "{out}"
    );
    assert!(
        out.contains("hemtjanstavgift: 1\u{a0}372\u{a0}kr/mån → 1\u{a0}480\u{a0}kr/mån"),
        "{out}"
    );
    let o = styrdok(&[
        "diff",
        doc.to_str().unwrap(),
        "--cases",
        tests.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    // The six granted fees among the policy tests (policy/avgifter-vard-och-omsorg/tests:
    // five of avgift-hemtjanst, one omsorgsavgift) all change with 2026's prisbasbelopp;
    // none changes outcome.
    assert_eq!(
        v["impact"]["summary"]["extent_changed"], 6,
        "{}",
        v["impact"]["summary"]
    );
    assert_eq!(v["impact"]["summary"]["outcome_changed"], 0);
}

fn shipped_draft(case: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "case.yaml", case);
    let out = dir.path().join("beslut.md");
    let o = styrdok(&[
        "eval",
        "--case",
        f.to_str().unwrap(),
        "--draft",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::read_to_string(out).unwrap()
}

/// A fee decision says how it is appealed: the fees guideline names 32 kap. 1 § SoL
/// (`appeal_under`), whose route the glossary records with the guideline as its source.
#[test]
fn a_fee_draft_says_how_the_fee_is_appealed() {
    let text = shipped_draft(
        &std::fs::read_to_string(root().join("tests/fixtures/cases/avgift-hemtjanst.yaml"))
            .unwrap(),
    );
    assert!(text.contains("### Hur man överklagar\n\n1. Beslutet enligt 32 kap. 1 § socialtjänstlagen (2025:400) kan överklagas till förvaltningsrätten genom förvaltningsbesvär"), "{text}");
}

/// The assessments that decided a nested group are in the draft, with who made them and
/// why, when the group is met and when it is not.
#[test]
fn a_draft_shows_the_assessments_inside_nested_groups() {
    let case = |v: bool| {
        format!(
            "arende: T-1\nansokningsdatum: 2025-09-01\ninsatser: [individuellt-tillagg]\nfakta: {{beviljad_matlada: false}}\nbedomningar:\n  behov_hogre_minimibelopp: {{varde: {v}, av: Eva Ek, datum: 2025-08-20, motivering: Specialkost.}}\n  sarskilda_omstandigheter_behov_av_medel: {{varde: {v}, av: Eva Ek}}\n  kostnad_inte_ovasentlig_och_varaktig: {{varde: {v}, av: Eva Ek}}\n"
        )
    };
    let granted = shipped_draft(&case(true));
    assert!(granted.contains("Ansökan beviljas."), "{granted}");
    assert!(granted.contains("Specialkost."), "{granted}");
    assert!(
        granted.contains(
            "Kostnaden ska avse ett inte oväsentligt belopp och vara av varaktig karaktär."
        ),
        "{granted}"
    );
    let rejected = shipped_draft(&case(false));
    assert!(rejected.contains("Ansökan avslås."), "{rejected}");
    assert!(rejected.contains("Specialkost."), "{rejected}");
    assert!(rejected.contains("Detta gäller om den enskilde på grund av särskilda omständigheter har behov av ytterligare medel."), "{rejected}");
}

/// A case tried after a law the guideline cites ended: the explanation and the draft
/// say so, naming the law that replaced it.
#[test]
fn a_case_after_a_cited_law_ended_is_warned_about() {
    let case = std::fs::read_to_string(root().join("tests/fixtures/cases/lss-avslag.yaml"))
        .unwrap()
        .replace("ansokningsdatum: 2023-09-01", "ansokningsdatum: 2025-09-15");
    let text = shipped_draft(&case);
    assert!(text.contains("> **Observera:** Riktlinjen hänvisar till socialtjänstlagen (2001:453), som upphörde att gälla 2025-06-30 och ersattes av socialtjänstlagen (2025:400)"), "{text}");
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "case.yaml", &case);
    let o = styrdok(&["eval", "--case", f.to_str().unwrap()]);
    assert!(
        stdout(&o).contains("Observera: riktlinjen hänvisar till socialtjänstlagen (2001:453)"),
        "{}",
        stdout(&o)
    );
    // Before the law ended, no warning.
    let text = shipped_draft(
        &std::fs::read_to_string(root().join("tests/fixtures/cases/lss-avslag.yaml")).unwrap(),
    );
    assert!(!text.contains("Observera"), "{text}");
}
