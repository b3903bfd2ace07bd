//! `styrdok eval`, `new-case` and `test` as a case officer and CI run them.

mod common;

use std::process::Output;

use common::{copy_dir, pdf_text, root, stderr, stdout, styrdok, write};

/// `styrdok eval --format json --case CASE` with more arguments; it must succeed.
fn eval_json(case: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["eval", "--format", "json", "--case", case];
    args.extend(extra);
    let o = styrdok(&args);
    assert_eq!(o.status.code(), Some(0), "{case}: {}", stderr(&o));
    json(&o)
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

#[test]
fn a_granted_case_explains_every_criterion_and_the_period() {
    let o = styrdok(&[
        "eval",
        "--case",
        "tests/fixtures/cases/socialpsykiatri-beviljas.yaml",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("Ärende 2023-0611: ansökan 2023-09-01"),
        "{out}"
    );
    assert!(out.contains("stod-arbete-studier version 2023-07"), "{out}");
    assert!(
        out.contains("(socialpsykiatrins målgrupp): BEVILJAS"),
        "{out}"
    );
    assert_eq!(out.matches("[uppfyllt]").count(), 7, "{out}");
    assert!(
        out.contains("läste: fodelsedatum = 1990-04-12, yrkesverksam_alder = 18–64\u{a0}år"),
        "{out}"
    );
    assert!(
        out.contains("Period: 2023-10-01 – 2025-09-30 (2 år)"),
        "{out}"
    );
    assert!(
        out.contains("”Utgångspunkten är att insatsen kan ges under två år"),
        "{out}"
    );

    // The guideline's Markdown is shown as text in a terminal.
    let o = styrdok(&["eval", "--case", "tests/fixtures/cases/lss-avslag.yaml"]);
    let out = stdout(&o);
    assert!(
        out.contains("ansöka om Särskilt individanpassat stöd till arbete eller studier Insteg."),
        "{out}"
    );
    assert!(!out.contains('*'), "{out}");
}

#[test]
fn json_output_matches_its_schema_and_says_what_is_missing() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/schemas/evaluation.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft7::new(&schema).unwrap();
    for file in [
        "socialpsykiatri-beviljas.yaml",
        "socialpsykiatri-ofullstandig.yaml",
        "lss-avslag.yaml",
        "case.json",
    ] {
        let v = eval_json(&format!("tests/fixtures/cases/{file}"), &[]);
        let errors: Vec<String> = validator
            .iter_errors(&v)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:#?}");
    }
    let v = eval_json(
        "tests/fixtures/cases/socialpsykiatri-ofullstandig.yaml",
        &[],
    );
    let i = &v["interventions"][0];
    assert_eq!(i["outcome"], "utredning_ofullstandig");
    let missing = &i["missing"][0];
    assert_eq!(missing["fact"], "kan_borja_arbeta_eller_studera");
    assert_eq!(
        missing["note"],
        "bedömningen saknar rapport från arbetsspecialist på Jobbtorg"
    );
    assert_eq!(
        missing["provided_by"],
        "bedöms av handläggare på stadsdelsnämnd efter rapport från och samråd med arbetsspecialist på Jobbtorg"
    );
    assert!(
        v["document"]["content_hash"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    // The schema is strict enough to notice a wrong outcome or an unknown key.
    let mut wrong = v.clone();
    wrong["interventions"][0]["outcome"] = "kanske".into();
    assert!(!validator.is_valid(&wrong));
    let mut extra = v;
    extra["surprise"] = true.into();
    assert!(!validator.is_valid(&extra));
}

#[test]
fn a_rejection_lists_the_information_duties() {
    let v = eval_json("tests/fixtures/cases/lss-avslag.yaml", &[]);
    let i = &v["interventions"][0];
    assert_eq!(i["outcome"], "avslag");
    let duties: Vec<&str> = i["duties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        duties,
        ["informera-ansoka-igen", "informera-daglig-verksamhet"]
    );
    let failing: Vec<&str> = i["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["result"] == "ej_uppfyllt")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(failing, ["inforstadd-och-beredd"]);
}

#[test]
fn the_date_option_chooses_the_version_in_force() {
    let o = styrdok(&[
        "eval",
        "--case",
        "tests/fixtures/cases/lss-avslag.yaml",
        "--date",
        "2021-01-01",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a case that cannot be tried is a problem with the input"
    );
    assert!(
        stderr(&o).contains("no guideline in force on 2021-01-01"),
        "{}",
        stderr(&o)
    );
    let v = eval_json(
        "tests/fixtures/cases/lss-avslag.yaml",
        &["--date", "2024-01-01"],
    );
    assert_eq!(v["evaluated_on"], "2024-01-01");
    assert_eq!(v["application_date"], "2023-09-01");

    // The shipped guideline has two versions: the date chooses between them.
    for (date, version) in [("2023-06-30", "2022-05"), ("2023-07-01", "2023-07")] {
        let v = eval_json("tests/fixtures/cases/lss-avslag.yaml", &["--date", date]);
        assert_eq!(v["document"]["version"], version, "{date}");
    }
}

#[test]
fn a_bad_case_file_gets_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.yaml");
    std::fs::write(
        &f,
        "ansokningsdatum: 2023-09-01\ninsatser: [lss]\nfakta:\n  personkrets: 4\n  fodelsdatum: 1990-01-01\n  stodbehov_arbete: true\nbedomningar:\n  inforstadd_och_beredd: {varde: true}\n  fodelsedatum: {varde: 1990-01-01, av: A}\n  stodbehov_arbete: {varde: true, av: A, samrad: [arbetsspecialst]}\n",
    )
    .unwrap();
    let o = styrdok(&["eval", "--case", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("error[wrong-type]: `personkrets` is one of 1, 2, 3, ingen, not `4`"),
        "{err}"
    );
    assert!(err.contains("bad.yaml:4:16]"), "{err}");
    assert!(
        err.contains("error[unknown-fact]: unknown fact `fodelsdatum`"),
        "{err}"
    );
    assert!(err.contains("did you mean `fodelsedatum`?"), "{err}");
    assert!(
        err.contains("error[assessment-as-fact]: `stodbehov_arbete` is an assessment, not a fact"),
        "{err}"
    );
    assert!(
        err.contains("the assessment `inforstadd_och_beredd` does not say who made it"),
        "{err}"
    );
    assert!(
        err.contains("error[fact-as-assessment]: `fodelsedatum` is a fact, not an assessment"),
        "{err}"
    );
    assert!(err.contains("bad.yaml:9:3]"), "{err}");
    assert!(err.contains("bad.yaml:10:51]"), "{err}");
    assert!(
        err.contains("error[unknown-role]: unknown role `arbetsspecialst`"),
        "{err}"
    );
    assert!(err.contains("did you mean `arbetsspecialist`?"), "{err}");
    assert!(stdout(&o).is_empty());
}

#[test]
fn the_decision_draft_follows_the_two_step_procedure() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("beslut.md");
    let o = styrdok(&[
        "eval",
        "--case",
        "tests/fixtures/cases/lss-avslag.yaml",
        "--draft",
        md.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(
        text.starts_with("# Beslutsförslag – utkast för handläggaren"),
        "{text}"
    );
    assert!(
        text.contains(
            "1. Ansökan avslås vid prövning enligt 4 kap. 1 § socialtjänstlagen (2001:453)."
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "2. Ansökan avslås även vid prövning enligt 4 kap. 2 § socialtjänstlagen (2001:453)."
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "Motivering för avslag vid prövning av rätt till insatsen enligt 4 kap. 1 § SoL är att"
        ),
        "{text}"
    );
    // Only the decisive circumstance, quoted as the officer's assessment.
    assert!(
        text.contains("Den enskilde bedöms vara införstådd i vad som krävs och beredd"),
        "{text}"
    );
    assert!(text.contains("*Handläggarens bedömning (Bo Berg, handläggare) är att kriteriet inte är uppfyllt: Den enskilde vill i nuläget"), "{text}");
    assert!(
        !text.contains("Den enskilde tillhör personkrets 1 eller 2 enligt LSS."),
        "a criterion that was met is not decisive"
    );
    assert!(text.contains("Handläggaren ska även informera om möjligheten att ansöka om insatsen daglig verksamhet"), "{text}");

    let granted = dir.path().join("bifall.md");
    let o = styrdok(&[
        "eval",
        "--case",
        "tests/fixtures/cases/socialpsykiatri-beviljas.yaml",
        "--draft",
        granted.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = std::fs::read_to_string(&granted).unwrap();
    assert!(text.contains("2. Ansökan beviljas enligt 4 kap. 2 § socialtjänstlagen (2001:453) för tiden 2023-10-01–2025-09-30."), "{text}");
    assert!(text.contains("Insatsen beviljas för 2 år."), "{text}");
}

#[test]
fn the_decision_draft_compiles_to_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("beslut.pdf");
    let o = styrdok(&[
        "eval",
        "--case",
        "tests/fixtures/cases/lss-avslag.yaml",
        "--draft",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = pdf_text(&pdf);
    assert!(text.contains("UTKAST – inte ett beslut"), "{text}");
    let fonts = common::pdffonts(&pdf);
    assert!(
        fonts.contains("Inter-Regular"),
        "the shipped fonts are not used:\n{fonts}"
    );

    assert!(
        text.contains(
            "Ansökan avslås även vid prövning enligt 4 kap. 2 § socialtjänstlagen (2001:453)."
        ),
        "{text}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "only the draft is written: {leftovers:?}"
    );
}

#[test]
fn new_case_prints_a_file_that_evaluates_as_incomplete() {
    let o = styrdok(&["new-case", "lss", "--date", "2023-09-01"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains(
            "  # Vilken personkrets enligt 1 § LSS tillhör den enskilde? (ett av: 1, 2, 3, ingen)"
        ),
        "{text}"
    );
    assert!(
        text.contains("  beviljad_daglig_verksamhet: null"),
        "the duty's condition is listed too"
    );
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("ny.yaml");
    std::fs::write(&f, &text).unwrap();
    let v = eval_json(f.to_str().unwrap(), &[]);
    assert_eq!(v["interventions"][0]["outcome"], "utredning_ofullstandig");
    assert_eq!(
        v["interventions"][0]["missing"].as_array().unwrap().len(),
        8
    );
    let o = styrdok(&["new-case", "lsss"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "an unknown intervention is a problem with the input"
    );
    assert!(stderr(&o).contains("did you mean `lss`?"), "{}", stderr(&o));
}

#[test]
fn the_shipped_policy_tests_pass_with_full_coverage() {
    let o = styrdok(&["test", "policy", "--min-coverage", "100"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    let line = out.lines().last().unwrap();
    let n: usize = line.split_whitespace().next().unwrap().parse().unwrap();
    assert!(n >= 30, "{line}");
    assert!(line.ends_with("0 failed; coverage 100.0 %"), "{line}");
}

#[test]
fn a_failing_policy_test_is_shown_with_its_explanation() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy");
    copy_dir(&root().join("policy"), &policy);
    let t = policy.join("stod-arbete-studier/tests/extra.yaml");
    std::fs::write(
        &t,
        "tests:\n  - name: fel förväntan\n    case:\n      ansokningsdatum: 2023-09-01\n      insatser: [lss-insteg]\n      fakta: {fodelsedatum: 1999-05-01, personkrets: 3}\n    expect:\n      lss-insteg: {outcome: beviljas}\n",
    )
    .unwrap();
    let o = styrdok(&["test", policy.to_str().unwrap(), "--min-coverage", "100"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("FAIL fel förväntan"), "{out}");
    assert!(
        out.contains("`lss-insteg`: expected beviljas, got avslag"),
        "{out}"
    );
    assert!(
        out.contains("    | Särskilt individanpassat stöd till arbete eller studier Insteg"),
        "{out}"
    );
}

#[test]
fn case_files_validate_against_the_published_case_schema() {
    let dir = tempfile::tempdir().unwrap();
    let o = styrdok(&[
        "build",
        "--html-only",
        "--out",
        dir.path().to_str().unwrap(),
        "policy",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            dir.path()
                .join("stod-arbete-studier/2022-05/case.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft7::new(&schema).unwrap();
    let case: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/cases/case.json")).unwrap(),
    )
    .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&case)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut bad = case.clone();
    bad["fakta"]["fodelsdatum"] = "1990-01-01".into();
    assert!(!validator.is_valid(&bad), "an unknown fact is refused");
    let mut bad = case;
    bad["fakta"]["personkrets"] = 4.into();
    assert!(
        !validator.is_valid(&bad),
        "a value outside the enum is refused"
    );
}

#[test]
fn implausible_numbers_are_located_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let base =
        std::fs::read_to_string(root().join("tests/fixtures/cases/socialpsykiatri-beviljas.yaml"))
            .unwrap();
    for (extra, message) in [
        (
            "sarskilda_skal: {manader: 300000, motivering: x}\n",
            "`sarskilda_skal.manader` is 300000; it must be between 1 and 1200",
        ),
        (
            "sarskilda_skal: {manader: 6, motivering: \" \"}\n",
            "error[missing-field]: `motivering` is empty",
        ),
    ] {
        let f = write(dir.path(), "c.yaml", format!("{base}{extra}"));
        let o = styrdok(&["eval", "--case", f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains(message), "{}", stderr(&o));
    }
    let far = base.replace("ansokningsdatum: 2023-09-01", "ansokningsdatum: 9999-06-01");
    let f = write(dir.path(), "far.yaml", &far);
    let o = styrdok(&["eval", "--case", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("`ansokningsdatum` 9999-06-01 is not between 1900 and 2200"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_draft_pdf_for_an_application_before_1970_and_with_internal_links() {
    // The creation timestamp would be negative; Typst must still get a valid one.
    let dir = tempfile::tempdir().unwrap();
    let base =
        std::fs::read_to_string(root().join("tests/fixtures/cases/lss-avslag.yaml")).unwrap();
    let f = write(
        dir.path(),
        "old.yaml",
        base.replace("ansokningsdatum: 2023-09-01", "ansokningsdatum: 1965-06-01"),
    );
    let pdf = dir.path().join("old.pdf");
    let o = styrdok(&[
        "eval",
        "--case",
        f.to_str().unwrap(),
        "--date",
        "2023-09-01",
        "--draft",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = pdf_text(&pdf);
    assert!(text.contains("UTKAST"), "{text}");
    assert!(text.contains("1965-06-01"), "{text}");
    // Dated on the application date, which is before what a PDF can hold: 1970-01-01.
    let info = common::pdfinfo(&pdf);
    assert!(
        info.contains("CreationDate:    1970-01-01T00:00:00Z"),
        "{info}"
    );
}

#[test]
fn a_draft_follows_a_link_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("real.md");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("link.md");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = styrdok(&[
        "eval",
        "--case",
        "tests/fixtures/cases/lss-avslag.yaml",
        "--draft",
        link.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link was replaced"
    );
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .starts_with("# Beslutsförslag")
    );
}

/// A policy whose rules do not compile is refused, not evaluated without them (a
/// criterion left out could turn a rejection into a grant).
#[test]
fn the_engine_refuses_a_policy_with_rule_errors() {
    let dir = root().join("tests/fixtures/check/rule-errors/policy");
    let (policy, _) = common::checked(&dir);
    let Err(e) = styrdok::eval::Engine::new(&policy) else {
        panic!("a policy with rule errors was compiled for evaluation");
    };
    assert_eq!(
        e.0,
        "doc version 1 has rules with errors: run `styrdok check`"
    );
    let (shipped, _) = common::checked(&common::shipped());
    assert!(styrdok::eval::Engine::new(&shipped).is_ok());
}

/// Each problem of a policy test file is reported once, located, and nothing runs.
#[test]
fn policy_test_problems_are_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy");
    copy_dir(&root().join("policy"), &policy);
    let case = "    case: {ansokningsdatum: 2023-09-01, insatser: [lss-insteg]}\n";
    std::fs::write(
        policy.join("stod-arbete-studier/tests/extra.yaml"),
        format!(
            "tests:\n  - name: tom\n{case}    expect: {{}}\n  - name: lista\n{case}    expect: [lss-insteg]\n  - name: fel utfall\n{case}    expect:\n      lss-insteg: {{outcome: kanske}}\n"
        ),
    )
    .unwrap();
    let o = styrdok(&["test", policy.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.matches("this test expects nothing").count(), 1, "{err}");
    assert!(err.contains("extra.yaml:4:13"), "{err}");
    assert_eq!(err.matches("error[").count(), 3, "{err}");
    assert!(
        err.contains("the policy tests have problems: none was run"),
        "{err}"
    );
    assert!(stdout(&o).is_empty());
}

/// `test` never passes having tested nothing, nor with a coverage that cannot mean
/// anything.
#[test]
fn test_refuses_no_tests_and_impossible_coverage() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy");
    copy_dir(&root().join("policy"), &policy);
    for doc in std::fs::read_dir(&policy).unwrap().flatten() {
        let _ = std::fs::remove_dir_all(doc.path().join("tests"));
    }
    let o = styrdok(&["test", policy.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stderr(&o).contains("has no policy tests"), "{}", stderr(&o));

    for bad in ["150", "-5", "nan"] {
        let o = styrdok(&["test", "policy", "--min-coverage", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(
            stderr(&o).contains("a per cent from 0 to 100"),
            "{bad}: {}",
            stderr(&o)
        );
    }
}

/// `check` on a folder that holds no policy is an error, not "0 errors".
#[test]
fn check_refuses_a_folder_without_documents() {
    let dir = tempfile::tempdir().unwrap();
    let o = styrdok(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("error[no-documents]"), "{out}");
    assert!(out.contains("1 error, 0 warnings in 0 files"), "{out}");
}

/// Mistakes caught before anything is evaluated: a draft whose name does not say its
/// format, and one case file given to `--cases`.
#[test]
fn wrong_file_kinds_are_refused_up_front() {
    let o = styrdok(&[
        "eval",
        "--case",
        "tests/fixtures/cases/lss-avslag.yaml",
        "--draft",
        "beslut.docx",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("must end in `.md` (Markdown) or `.pdf`"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty(), "nothing is evaluated");

    let o = styrdok(&["eval", "--cases", "tests/fixtures/cases/case.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("evaluate it with `--case`"),
        "{}",
        stderr(&o)
    );
    let o = styrdok(&[
        "eval",
        "--cases",
        "tests/fixtures/cases/case.json",
        "--input-format",
        "jsonl",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "read as JSON Lines when asked: row errors"
    );
}
