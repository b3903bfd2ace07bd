//! `styrdok diff`: items matched by id (tests/fixtures/diff has a revision with every
//! kind of change), the formats, sides named every way (git revisions in a temporary
//! repository), bad input, and the impact on cases.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{copy_dir, root, stderr, stdout, styrdok};
use styrdok::diff::{Change, Diff, Element, Kind, Side};
use styrdok::model::Policy;

fn fixture() -> PathBuf {
    root().join("tests/fixtures/diff/policy")
}

fn loaded(dir: &Path) -> Policy {
    let (policy, diags) = common::checked(dir);
    assert!(!diags.has_errors(), "{} has errors", dir.display());
    policy
}

fn pair<'p>(policy: &'p Policy, doc: &str, old: &str, new: &str) -> Diff<'p> {
    let d = policy.document(doc).unwrap();
    styrdok::diff::diff(
        Side {
            policy,
            doc: d,
            version: d.version(old).unwrap(),
        },
        Side {
            policy,
            doc: d,
            version: d.version(new).unwrap(),
        },
    )
}

fn find<'d>(d: &'d Diff<'_>, element: Element, id: &str, kind: Kind) -> &'d Change {
    d.changes
        .iter()
        .find(|c| c.element == element && c.id == id && c.kind == kind)
        .unwrap_or_else(|| {
            let all: Vec<String> = d
                .changes
                .iter()
                .map(|c| format!("{:?} {} {:?}", c.element, c.id, c.kind))
                .collect();
            panic!("no {kind:?} of {element:?} `{id}` among {all:#?}")
        })
}

fn field_words(c: &Change, name: &str) -> (Option<String>, Option<String>) {
    let f = c.fields.iter().find(|f| f.name == name).unwrap();
    (f.old_text(), f.new_text())
}

/// Removed and added words of a field, as the word diff pairs them.
fn word_changes(c: &Change, name: &str) -> Vec<(String, String)> {
    let f = c.fields.iter().find(|f| f.name == name).unwrap();
    let (a, b) = (
        f.old.as_deref().unwrap_or(&[]),
        f.new.as_deref().unwrap_or(&[]),
    );
    let mut out = Vec::new();
    let mut cur = (String::new(), String::new());
    for s in &f.segs {
        match *s {
            styrdok::words::Seg::Equal(..) => {
                if cur != (String::new(), String::new()) {
                    out.push(std::mem::take(&mut cur));
                }
            }
            styrdok::words::Seg::Delete(x, y) => cur.0 = styrdok::words::join(&a[x..y]),
            styrdok::words::Seg::Insert(x, y) => cur.1 = styrdok::words::join(&b[x..y]),
        }
    }
    if cur != (String::new(), String::new()) {
        out.push(cur);
    }
    out
}

#[test]
fn sections_are_matched_by_id_renamed_moved_added_and_repealed() {
    let policy = loaded(&fixture());
    let d = pair(&policy, "stod", "2024-01", "2025-01");
    // A renamed heading is the same section, changed.
    let inledning = find(&d, Element::Section, "inledning", Kind::Changed);
    assert_eq!(
        field_words(inledning, "heading"),
        (Some("Inledning".into()), Some("Om riktlinjen".into()))
    );
    // An amount is one word; the re-wrapped paragraph next to it is no change.
    assert_eq!(
        word_changes(inledning, "text"),
        [("3 200 kr".to_string(), "3 400 kr".to_string())]
    );
    // A new parent, and a new place among the same siblings.
    let undantag = find(&d, Element::Section, "undantag", Kind::Moved);
    assert!(
        undantag.summary.contains("under ”Bakgrund”"),
        "{}",
        undantag.summary
    );
    find(&d, Element::Section, "malgrupp", Kind::Moved);
    // Its text changed too: a second change.
    let malgrupp = find(&d, Element::Section, "malgrupp", Kind::Changed);
    assert_eq!(
        word_changes(malgrupp, "text"),
        [("18–64 år".to_string(), "18–66 år".to_string())]
    );
    find(&d, Element::Section, "studier", Kind::New);
    find(&d, Element::Section, "historik", Kind::Repealed);
    // Sections that did not change, and did not move, are not in the diff.
    for id in ["bakgrund", "handlaggning"] {
        assert!(
            !d.changes
                .iter()
                .any(|c| c.element == Element::Section && c.id == id),
            "{id}"
        );
    }
}

#[test]
fn criteria_interventions_duties_steps_parameters_and_facts() {
    let policy = loaded(&fixture());
    let d = pair(&policy, "stod", "2024-01", "2025-01");
    // A reworded criterion, with its rule changed, reordered in its intervention.
    let onskan = find(&d, Element::Criterion, "onskan", Kind::Changed);
    assert_eq!(
        word_changes(onskan, "text"),
        [(String::new(), "eller studera".to_string())]
    );
    assert_eq!(
        field_words(onskan, "rule"),
        (
            Some("onskar_arbeta".into()),
            Some("onskar_arbeta == true".into())
        )
    );
    find(&d, Element::Criterion, "onskan", Kind::Moved);
    find(&d, Element::Criterion, "behov", Kind::New);
    find(&d, Element::Criterion, "bosatt", Kind::Repealed);
    // The intervention: name, duration, criteria added and dropped, a duty added.
    let stod = find(&d, Element::Intervention, "stod", Kind::Changed);
    let names: Vec<&str> = stod.fields.iter().map(|f| f.name).collect();
    assert_eq!(names, ["name", "duration", "criteria", "duties"]);
    assert_eq!(
        field_words(stod, "duration"),
        (Some("2 år".into()), Some("18 månader".into()))
    );
    assert!(
        stod.summary
            .contains("kriterier tillagda: `behov` och `ej-forsorjningsstod`"),
        "{}",
        stod.summary
    );
    assert!(
        stod.summary.contains("kriterium borttaget: `bosatt`"),
        "{}",
        stod.summary
    );
    find(&d, Element::Duty, "informera", Kind::Changed);
    find(&d, Element::Duty, "informera-om-studier", Kind::New);
    // Procedure steps: reordered and reworded.
    find(&d, Element::Step, "steg-2", Kind::Moved);
    find(&d, Element::Step, "steg-2", Kind::Changed);
    assert!(!d.changes.iter().any(|c| c.id == "steg-1"));
    // The parameter value each version applies within its validity, from the day it changes.
    let p = find(&d, Element::Parameter, "alder", Kind::Changed);
    assert_eq!(p.in_force_from, Some(jiff::civil::date(2025, 1, 1)));
    assert_eq!(
        p.summary,
        "18–64 år (2024-01-01 – 2024-12-31) → 18–66 år (från 2025-01-01)"
    );
    // Facts newly read and no longer read.
    find(&d, Element::Fact, "stodbehov", Kind::New);
    find(&d, Element::Fact, "har_forsorjningsstod", Kind::New);
    find(&d, Element::Fact, "bosatt_i_kommunen", Kind::Repealed);
    assert!(
        !d.changes
            .iter()
            .any(|c| c.element == Element::Fact && c.id == "fodelsedatum")
    );
    // Cover fields.
    find(&d, Element::Metadata, "title", Kind::Changed);
    find(&d, Element::Metadata, "subtitle", Kind::Repealed);
    find(&d, Element::Metadata, "document_owner", Kind::New);
    find(&d, Element::Metadata, "replaces", Kind::New);
    // Every change of the new version applies from its first day, the parameter included.
    assert!(
        d.changes
            .iter()
            .all(|c| c.in_force_from == Some(jiff::civil::date(2025, 1, 1)))
    );
    assert_eq!(d.counts(), [8, 15, 4, 4]);
}

#[test]
fn every_id_on_one_side_only_is_in_the_diff() {
    let policy = loaded(&fixture());
    let d = pair(&policy, "stod", "2024-01", "2025-01");
    let doc = policy.document("stod").unwrap();
    let (a, b) = (
        doc.version("2024-01").unwrap(),
        doc.version("2025-01").unwrap(),
    );
    let ids = |v: &styrdok::model::Version| -> Vec<(Element, String)> {
        let mut out: Vec<(Element, String)> = v
            .sections_flat()
            .into_iter()
            .map(|(_, s)| (Element::Section, s.id.value.clone()))
            .collect();
        out.extend(
            v.criteria
                .iter()
                .map(|c| (Element::Criterion, c.id.value.clone())),
        );
        out.extend(
            v.interventions
                .iter()
                .map(|c| (Element::Intervention, c.id.value.clone())),
        );
        out.extend(v.duties.iter().map(|c| (Element::Duty, c.id.value.clone())));
        out.extend(
            v.procedure
                .iter()
                .map(|c| (Element::Step, c.id.value.clone())),
        );
        out
    };
    let (ia, ib) = (ids(a), ids(b));
    for x in &ia {
        if !ib.contains(x) {
            find(&d, x.0, &x.1, Kind::Repealed);
        }
    }
    for x in &ib {
        if !ia.contains(x) {
            find(&d, x.0, &x.1, Kind::New);
        }
    }
}

#[test]
fn a_version_compared_with_itself_has_no_changes() {
    for (dir, doc, label) in [
        (fixture(), "stod", "2024-01"),
        (fixture(), "stod", "2025-01"),
        (common::shipped(), "stod-arbete-studier", "2022-05"),
        (common::shipped(), "stod-arbete-studier", "2023-07"),
        (
            common::shipped(),
            "stod-arbete-studier-anvisning",
            "exempel-2023",
        ),
    ] {
        let policy = loaded(&dir);
        let d = pair(&policy, doc, label, label);
        assert!(
            d.is_empty(),
            "{doc} {label}: {:#?}",
            d.changes.iter().map(|c| &c.place).collect::<Vec<_>>()
        );
    }
    let o = styrdok(&[
        "diff",
        "stod-arbete-studier@2022-05",
        "policy/stod-arbete-studier/2022-05.yaml",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("Inga ändringar."), "{}", stdout(&o));
}

// ---- Formats, on the shipped 2022 → 2023 pair ---------------------------------------

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.add_filter(r"sha256:[0-9a-f]{64}", "sha256:[hash]");
    s.add_filter(r"styrdok \d+\.\d+\.\d+", "styrdok [version]");
    s
}

#[test]
fn formats_of_the_shipped_revision() {
    let o = styrdok(&["diff", "stod-arbete-studier"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let terminal = stdout(&o);
    // Colour never alone: the marks are there without it, and no escape codes.
    assert!(terminal.contains("{+Biståndsbeslutet ska fattas av berörd stadsdelsförvaltning.+}"));
    assert!(!terminal.contains('\x1b'));
    let colored = stdout(&styrdok(&[
        "diff",
        "stod-arbete-studier",
        "--color",
        "always",
    ]));
    assert!(colored.contains("\x1b[32m{+Biståndsbeslutet"), "{colored}");
    let markdown = stdout(&styrdok(&[
        "diff",
        "stod-arbete-studier",
        "--format",
        "markdown",
    ]));
    assert!(markdown.len() < styrdok::diff::format::MARKDOWN_LIMIT);
    let json = stdout(&styrdok(&[
        "diff",
        "stod-arbete-studier",
        "--format",
        "json",
    ]));
    let html = stdout(&styrdok(&[
        "diff",
        "stod-arbete-studier",
        "--format",
        "html",
    ]));
    settings().bind(|| {
        insta::assert_snapshot!("diff-stod-arbete-studier.terminal", terminal);
        insta::assert_snapshot!("diff-stod-arbete-studier.md", markdown);
        insta::assert_snapshot!("diff-stod-arbete-studier.json", json);
        insta::assert_snapshot!("diff-stod-arbete-studier.redline.html", html);
    });
    // The redline's Typst source, as the build writes it beside the PDF.
    let policy = loaded(&common::shipped());
    let d = pair(&policy, "stod-arbete-studier", "2022-05", "2023-07");
    let templates = styrdok::render::templates::Templates::load(None).unwrap();
    let hash =
        |s: &styrdok::diff::Side<'_>| styrdok::identity::content_hash(s.policy, s.doc, s.version);
    let ctx = styrdok::publish::redline::context(
        &d,
        None,
        styrdok::publish::redline::Backend::Typst,
        None,
        (&hash(&d.old), &hash(&d.new)),
    );
    let typ = templates.render("redline.typ", &ctx).unwrap();
    settings().bind(|| insta::assert_snapshot!("diff-stod-arbete-studier.redline.typ", typ));
}

/// A revision too large for one pull-request comment keeps every row of its table;
/// the changed words are what is cut, and the cut is said.
#[test]
fn a_long_markdown_keeps_every_row_and_says_what_it_cut() {
    let dir = common::scratch();
    copy_dir(&fixture(), dir.path());
    let path = dir.path().join("stod/2025-01.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    let words = "Handläggaren ska pröva ansökan utifrån den enskildes behov och förutsättningar. ";
    let mut added = String::new();
    for n in 1..=400 {
        added.push_str(&format!(
            "  - id: avsnitt-{n}\n    heading: Avsnitt {n}\n    body:\n      - text: |\n          {}\n",
            words.repeat(4).trim_end()
        ));
    }
    let yaml = yaml.replacen("procedure:\n", &format!("{added}procedure:\n"), 1);
    std::fs::write(&path, yaml).unwrap();
    let o = styrdok(&[
        "diff",
        "stod",
        "--policy",
        dir.path().to_str().unwrap(),
        "--format",
        "markdown",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(
        md.len() < styrdok::diff::format::MARKDOWN_LIMIT,
        "{}",
        md.len()
    );
    let (table, details) = md.split_once("<details>").expect("changed words folded");
    for n in 1..=400 {
        assert!(
            table.contains(&format!("| Avsnitt ”Avsnitt {n}” |")),
            "row {n} missing"
        );
    }
    assert!(!table.contains("får inte plats"), "the table was cut");
    // With the impact on cases, the comment as a whole stays under the limit.
    let o = styrdok(&[
        "diff",
        "stod",
        "--policy",
        dir.path().to_str().unwrap(),
        "--format",
        "markdown",
        "--cases",
        dir.path().join("stod/tests").to_str().unwrap(),
        "--examples",
        "100",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let with_cases = stdout(&o);
    assert!(with_cases.contains("Påverkan på ärenden"));
    assert!(
        with_cases.len() < styrdok::diff::format::MARKDOWN_LIMIT,
        "{}",
        with_cases.len()
    );
    assert!(
        details.contains("ändringar får inte plats här"),
        "the cut is not said: {}",
        &details[details.len().saturating_sub(400)..]
    );
}

#[test]
fn the_json_follows_its_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/schemas/diff.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let f = fixture();
    let (a, b) = (f.join("stod/2024-01.yaml"), f.join("stod/2025-01.yaml"));
    let tests = f.join("stod/tests");
    for args in [
        vec!["diff", "stod-arbete-studier", "--format", "json"],
        vec![
            "diff",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--format",
            "json",
        ],
        vec![
            "diff",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--format",
            "json",
            "--cases",
            tests.to_str().unwrap(),
        ],
    ] {
        let o = styrdok(&args);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{args:?}: {errors:#?}");
    }
}

#[test]
fn the_redline_pdf_is_tagged_with_its_tables() {
    let dir = common::scratch();
    let pdf = dir.path().join("r.pdf");
    let o = styrdok(&[
        "diff",
        "stod-arbete-studier",
        "--format",
        "pdf",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let info = common::pdfinfo(&pdf);
    assert!(info.contains("Tagged:          yes"), "{info}");
    let structure = common::pdf_struct(&pdf);
    // Tables with header cells, headings, and the marks in the tags themselves: a
    // removed word is a span with a line through it, an added one underlined.
    for tag in [
        "Table",
        "TH",
        "TD",
        "H1",
        "H2",
        "/TextDecorationType /LineThrough",
        "/TextDecorationType /Underline",
    ] {
        assert!(structure.contains(tag), "no {tag} in {structure}");
    }
    let text = common::pdf_text(&pdf);
    assert!(text.contains("Nuvarande lydelse"), "{text}");
    assert!(
        text.contains("Biståndsbeslutet ska fattas av berörd stadsdelsförvaltning."),
        "{text}"
    );
    // Without --out a PDF is refused before anything is done.
    let o = styrdok(&["diff", "stod-arbete-studier", "--format", "pdf"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--out"), "{}", stderr(&o));
}

// ---- Sides and bad input ---------------------------------------------------------------

#[test]
fn sides_are_named_every_way() {
    let f = fixture();
    let policy = f.to_str().unwrap();
    let file = |v: &str| {
        f.join(format!("stod/{v}.yaml"))
            .to_str()
            .unwrap()
            .to_string()
    };
    let runs: Vec<Vec<String>> = vec![
        vec![file("2024-01"), file("2025-01")],
        vec![
            "stod@2024-01".into(),
            "stod@2025-01".into(),
            "--policy".into(),
            policy.into(),
        ],
        // The version in force on a day.
        vec![
            "stod@2024-07-01".into(),
            "stod@2025-02-01".into(),
            "--policy".into(),
            policy.into(),
        ],
        // A document folder is its latest version; a document alone, its two latest.
        vec![file("2024-01"), f.join("stod").to_str().unwrap().into()],
        vec!["stod".into(), "--policy".into(), policy.into()],
    ];
    let mut outputs = Vec::new();
    for r in &runs {
        let mut args = vec!["diff"];
        args.extend(r.iter().map(String::as_str));
        let o = styrdok(&args);
        assert_eq!(o.status.code(), Some(1), "{r:?}: {}", stderr(&o));
        // The header names paths as given; the changes must be the same.
        outputs.push(stdout(&o).lines().skip(1).collect::<Vec<_>>().join("\n"));
    }
    for o in &outputs[1..] {
        assert_eq!(o, &outputs[0]);
    }
}

#[test]
fn bad_input_gets_a_plain_message_and_exit_2() {
    let scratch = common::scratch();
    let empty = scratch.path().to_str().unwrap();
    // A YAML file in a policy folder beside its shared files, not in a document folder.
    let other = common::scratch();
    copy_dir(&fixture(), other.path());
    let stray = common::write(other.path(), "extra.yaml", "version: x\n");
    let stray = stray.to_str().unwrap();
    let f = fixture();
    let v1 = f.join("stod/2024-01.yaml");
    let v1 = v1.to_str().unwrap();
    let policy = f.to_str().unwrap();
    for (args, expect) in [
        (
            vec![
                "diff",
                "stod@2020-01-01",
                "stod@2025-01",
                "--policy",
                policy,
            ],
            "no version of `stod` is in force on 2020-01-01",
        ),
        (
            vec!["diff", "stod@2024", "stod@2025-01", "--policy", policy],
            "has no version `2024`",
        ),
        (
            vec!["diff", "stdo@2024-01", "stod@2025-01", "--policy", policy],
            "did you mean `stod`?",
        ),
        (
            vec!["diff", v1, "stod-arbete-studier@2022-05"],
            "two different documents",
        ),
        (
            vec![
                "diff",
                "nosuchrev:policy/stod-arbete-studier/2022-05.yaml",
                "stod-arbete-studier@2023-07",
            ],
            "git revision `nosuchrev` does not exist",
        ),
        (
            vec![
                "diff",
                "HEAD:../outside/2022-05.yaml",
                "stod-arbete-studier@2023-07",
            ],
            "leaves the repository",
        ),
        (
            vec!["diff", "HEAD:/etc/passwd", "stod-arbete-studier@2023-07"],
            "absolute path",
        ),
        (
            vec!["diff", "Cargo.toml", "stod-arbete-studier@2023-07"],
            "is not a version file",
        ),
        (
            vec!["diff", "stod-arbete-studier@2022-05"],
            "names one version",
        ),
        (
            vec!["diff", "policy", "stod-arbete-studier@2023-07"],
            "is a policy folder",
        ),
        (
            vec!["diff", "policy/facts.yaml", "stod-arbete-studier@2023-07"],
            "is one of the policy folder's shared files",
        ),
        (
            vec!["diff", stray, "stod-arbete-studier@2023-07"],
            "is in the policy folder itself",
        ),
        (
            vec!["diff", "stod-arbete-studier", "--cases", empty],
            "holds no policy test of `stod-arbete-studier`",
        ),
        (
            vec!["diff", "stod-arbete-studier", "--cases", "nope.jsonl"],
            "`nope.jsonl` does not exist",
        ),
        (
            vec!["diff", "stod-arbete-studier", "--cases", "Cargo.toml"],
            "cannot tell what",
        ),
        (
            vec![
                "diff",
                "stod-arbete-studier-anvisning@exempel-2023",
                "stod-arbete-studier-anvisning",
                "--cases",
                "policy/stod-arbete-studier/tests",
            ],
            "has no interventions",
        ),
    ] {
        let o = styrdok(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(expect), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"));
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}

/// `--out` naming a file the diff reads (a version file, the cases, by another path
/// or a hard link) is refused before anything is written, and the file is intact.
#[test]
fn an_output_over_an_input_is_refused() {
    let dir = common::scratch();
    let p = dir.path().join("policy");
    copy_dir(&fixture(), &p);
    let version = p.join("stod/2025-01.yaml");
    let before = std::fs::read(&version).unwrap();
    let cases = p.join("stod/tests/fall.yaml");
    let cases_before = std::fs::read(&cases).unwrap();
    let link = dir.path().join("link.yaml");
    std::fs::hard_link(&version, &link).unwrap();
    let dotted = p.join("stod/../stod/2025-01.yaml");
    let policy = p.to_str().unwrap();
    let tests = p.join("stod/tests");
    // A template beside the policy folder, which the redline reads.
    let template = common::write(
        dir.path(),
        "templates/redline.html",
        std::fs::read(root().join("templates/redline.html")).unwrap(),
    );
    let template_before = std::fs::read(&template).unwrap();
    for (out, extra) in [
        (&version, vec![]),
        (&link, vec![]),
        (&dotted, vec![]),
        (&cases, vec!["--cases", cases.to_str().unwrap()]),
        // A test file read from the folder given.
        (&cases, vec!["--cases", tests.to_str().unwrap()]),
        (&template, vec!["--format", "html"]),
    ] {
        let mut args = vec![
            "diff",
            "stod",
            "--policy",
            policy,
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend(extra);
        let o = styrdok(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("is a file this command reads"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    assert_eq!(std::fs::read(&version).unwrap(), before);
    assert_eq!(std::fs::read(&cases).unwrap(), cases_before);
    assert_eq!(std::fs::read(&template).unwrap(), template_before);
    // A new file beside them is fine.
    let fresh = dir.path().join("redline.md");
    let o = styrdok(&[
        "diff",
        "stod",
        "--policy",
        policy,
        "--out",
        fresh.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(fresh.is_file());
}

#[test]
fn a_version_file_with_errors_is_reported_where_it_is() {
    let dir = common::scratch();
    let p = dir.path().join("policy");
    copy_dir(&fixture(), &p);
    let v2 = p.join("stod/2025-01.yaml");
    let text = std::fs::read_to_string(&v2).unwrap();
    std::fs::write(
        &v2,
        text.replace("rule: onskar_arbeta == true", "rule: onskar_arbte"),
    )
    .unwrap();
    let o = styrdok(&[
        "diff",
        "stod@2024-01",
        "stod@2025-01",
        "--policy",
        p.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("2025-01.yaml:"), "{err}");
    assert!(err.contains("unknown name `onskar_arbte`"), "{err}");
    assert!(err.contains("fix them before comparing"), "{err}");
}

// ---- Git revisions ------------------------------------------------------------------------

fn git(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Runs the binary in `dir` (where the repository is).
fn styrdok_in(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_styrdok"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn git_revisions_are_read_through_git_and_the_work_tree_is_not_touched() {
    let dir = common::scratch();
    let repo = dir.path();
    git(repo, &["init", "-q", "-b", "main"]);
    let p = repo.join("policy");
    copy_dir(&fixture(), &p);
    std::fs::remove_file(p.join("stod/2025-01.yaml")).unwrap();
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "2024"]);
    // The revision: the new version, and a glossary term reworded (a change only two
    // folders can show).
    std::fs::copy(
        fixture().join("stod/2025-01.yaml"),
        p.join("stod/2025-01.yaml"),
    )
    .unwrap();
    let g = std::fs::read_to_string(p.join("glossary.yaml")).unwrap();
    std::fs::write(
        p.join("glossary.yaml"),
        g.replace(
            "Stöd som kan beviljas.",
            "Stöd som kan beviljas efter ansökan.",
        ),
    )
    .unwrap();
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "2025"]);
    // An uncommitted edit, which REV: sides must not see and the run must not touch.
    std::fs::write(p.join("stod/2025-01.yaml"), "not: [valid").unwrap();
    let status_before = git(repo, &["status", "--porcelain"]);

    // A revision written with `@` (a reflog entry) is a revision, not `DOC@VERSION`.
    let mut seen = Vec::new();
    for sides in [
        ["HEAD~1:policy/stod", "HEAD:policy/stod/2025-01.yaml"],
        ["HEAD@{1}:policy/stod", "HEAD@{0}:policy/stod/2025-01.yaml"],
    ] {
        let o = styrdok_in(repo, &["diff", sides[0], sides[1]]);
        assert_eq!(o.status.code(), Some(1), "{sides:?}: {}", stderr(&o));
        seen.push(stdout(&o));
    }
    let out = &seen[0];
    assert!(out.starts_with("stod: 2024-01 "), "{out}");
    assert!(out.contains("Begrepp ”insats”"), "{out}");
    assert!(out.contains("{+efter ansökan+}"), "{out}");
    assert_eq!(seen[1], seen[0]);
    // The same through `./`, from a subfolder: the path is the current folder's.
    let o = styrdok_in(
        &p,
        &[
            "diff",
            "HEAD~1:./stod/2024-01.yaml",
            "HEAD:./stod/2025-01.yaml",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // A revision against the work tree: the work tree's broken file is reported, located.
    let o = styrdok_in(
        repo,
        &[
            "diff",
            "HEAD:policy/stod/2025-01.yaml",
            "policy/stod/2025-01.yaml",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("2025-01.yaml:1:"), "{}", stderr(&o));
    // Unchanged: the work tree, the index, HEAD.
    assert_eq!(git(repo, &["status", "--porcelain"]), status_before);
    // Bad revisions and paths.
    for (args, expect) in [
        (
            vec!["diff", "HEAD~5:policy/stod", "HEAD:policy/stod"],
            "does not exist",
        ),
        (
            vec!["diff", "HEAD:policy/nope", "HEAD:policy/stod"],
            "`policy/nope` does not exist at git revision `HEAD`",
        ),
        (
            vec!["diff", "HEAD:../../x", "HEAD:policy/stod"],
            "leaves the repository",
        ),
        (
            vec!["diff", "HEAD:policy/facts.yaml", "HEAD:policy/stod"],
            "is one of the policy folder's shared files",
        ),
        (
            vec!["diff", "HEAD:policy/stod/tests", "HEAD:policy/stod"],
            "holds policy tests, not versions",
        ),
        (
            vec![
                "diff",
                "HEAD:policy/stod/tests/fall.yaml",
                "HEAD:policy/stod",
            ],
            "is a policy test file",
        ),
        (
            vec!["diff", "--cases", "x", "HEAD:", "HEAD:policy/stod"],
            "names the whole repository",
        ),
    ] {
        let o = styrdok_in(repo, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(expect), "{args:?}: {}", stderr(&o));
    }
}

// ---- Impact on cases ----------------------------------------------------------------------

#[test]
fn the_impact_report_counts_real_transitions() {
    let f = fixture();
    let (a, b) = (f.join("stod/2024-01.yaml"), f.join("stod/2025-01.yaml"));
    let tests = f.join("stod/tests");
    let o = styrdok(&[
        "diff",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--cases",
        tests.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let impact = &v["impact"];
    let row = |before: &str| {
        impact["summary"]["matrix"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["before"] == before)
            .unwrap()["after"]
            .clone()
    };
    // A-65: avslag → beviljas (the upper age is 66); B-40: beviljas in both (shorter
    // period); C-fs: beviljas → avslag (försörjningsstöd is a new criterion); D: beviljas
    // → utredning ofullständig (a new assessment); E: avslag in both (one more duty).
    assert_eq!(row("beviljas")["beviljas"], 1);
    assert_eq!(row("beviljas")["avslag"], 1);
    assert_eq!(row("beviljas")["utredning_ofullstandig"], 1);
    assert_eq!(row("avslag")["beviljas"], 1);
    assert_eq!(row("avslag")["avslag"], 1);
    assert_eq!(impact["summary"]["outcome_changed"], 3);
    assert_eq!(impact["summary"]["period_changed"], 4);
    let cases: Vec<&str> = impact["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["arende"].as_str().unwrap())
        .collect();
    assert_eq!(cases, ["A-65", "B-40", "C-fs", "D-ej-bedomt", "E-nej"]);
    let a65 = &impact["cases"][0];
    assert_eq!(a65["before"]["not_met"], serde_json::json!(["alder"]));
    assert_eq!(a65["after"]["period_months"], 18);
    let responsible = impact["summary"]["responsible"].as_array().unwrap();
    assert!(
        responsible
            .iter()
            .any(|r| r["criterion"] == "ej-forsorjningsstod" && r["newly_not_met"] == 1)
    );
    // No fact's value reaches the report: not a birth date, not a yes or no.
    let text = stdout(&o);
    assert!(
        !text.contains("1959-03-01") && !text.contains("1984-03-01"),
        "a birth date leaked"
    );

    // The same cases as JSON Lines and as CSV give the same report.
    let dir = common::scratch();
    let jsonl = dir.path().join("cases.jsonl");
    let csv = dir.path().join("cases.csv");
    let rows = [
        ("A-65", "1959-03-01", "ja", "nej", "ja"),
        ("B-40", "1984-03-01", "ja", "nej", "ja"),
        ("C-fs", "1984-03-01", "ja", "ja", "ja"),
        ("D-ej-bedomt", "1984-03-01", "ja", "nej", ""),
        ("E-nej", "1984-03-01", "nej", "nej", "ja"),
    ];
    let mut j = String::new();
    let mut c = String::from(
        "arende,ansokningsdatum,insatser,fodelsedatum,onskar_arbeta,bosatt_i_kommunen,har_forsorjningsstod,stodbehov,stodbehov.av\n",
    );
    for (id, born, wants, fs, need) in rows {
        let b = |s: &str| if s == "ja" { "true" } else { "false" };
        let assessment = if need.is_empty() {
            String::new()
        } else {
            format!(
                ", \"bedomningar\": {{\"stodbehov\": {{\"varde\": {}, \"av\": \"A\"}}}}",
                b(need)
            )
        };
        j.push_str(&format!("{{\"arende\": \"{id}\", \"ansokningsdatum\": \"2024-06-01\", \"insatser\": [\"stod\"], \"fakta\": {{\"fodelsedatum\": \"{born}\", \"onskar_arbeta\": {}, \"bosatt_i_kommunen\": true, \"har_forsorjningsstod\": {}}}{assessment}}}\n", b(wants), b(fs)));
        c.push_str(&format!(
            "{id},2024-06-01,stod,{born},{wants},ja,{fs},{need},{}\n",
            if need.is_empty() { "" } else { "A" }
        ));
    }
    std::fs::write(&jsonl, j).unwrap();
    std::fs::write(&csv, c).unwrap();
    let summary = |cases: &Path| {
        let o = styrdok(&[
            "diff",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--cases",
            cases.to_str().unwrap(),
            "--format",
            "json",
        ]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        (
            v["impact"]["summary"]["matrix"].clone(),
            v["impact"]["cases"].as_array().unwrap().len(),
        )
    };
    let expected = (impact["summary"]["matrix"].clone(), 5);
    assert_eq!(summary(&jsonl), expected);
    assert_eq!(summary(&csv), expected);

    // The terminal report: the matrix, the criteria behind it, examples in the guideline's words.
    let o = styrdok(&[
        "diff",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--cases",
        jsonl.to_str().unwrap(),
        "--examples",
        "1",
    ]);
    let out = stdout(&o);
    assert!(out.contains("Påverkan på ärenden"), "{out}");
    assert!(
        out.contains("Ärende A-65 (rad 1), stod: avslag → beviljas"),
        "{out}"
    );
    assert!(
        out.contains("ej uppfyllt → uppfyllt: Den enskilde ska vara i åldern 18–66 år."),
        "{out}"
    );
    assert!(!out.contains("Ärende B-40"), "one example only: {out}");
    assert!(!out.contains("1959"), "{out}");
}

#[test]
fn a_policy_test_may_pin_its_version() {
    let dir = common::scratch();
    let p = dir.path().join("policy");
    copy_dir(&fixture(), &p);
    // Dated in 2024, so it would run against 2024-01; pinned, it runs against 2025-01.
    std::fs::write(
        p.join("stod/tests/fastlast.yaml"),
        "tests:\n  - name: \"65 år, fastlåst till 2025-01\"\n    version: \"2025-01\"\n    case:\n      ansokningsdatum: 2024-06-01\n      insatser: [stod]\n      fakta: {fodelsedatum: 1959-03-01, onskar_arbeta: true, har_forsorjningsstod: false}\n      bedomningar: {stodbehov: {varde: true, av: A}}\n    expect:\n      stod: {outcome: beviljas}\n",
    )
    .unwrap();
    let o = styrdok(&["test", p.to_str().unwrap()]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    // Coverage per version: the new version is only partly tested.
    assert!(out.contains("Täckning per version:"), "{out}");
    assert!(out.contains("stod 2025-01"), "{out}");
    // A pin to a version that does not exist is a located error.
    std::fs::write(
        p.join("stod/tests/fastlast.yaml"),
        "tests:\n  - name: x\n    version: \"2026-01\"\n    case: {ansokningsdatum: 2024-06-01, insatser: [stod]}\n    expect: {stod: {outcome: avslag}}\n",
    )
    .unwrap();
    let o = styrdok(&["test", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("`stod` has no version `2026-01`"),
        "{}",
        stderr(&o)
    );
}

/// A document `d` in two versions (1 from 2024, 2 from 2025) with criteria k1, k2, k3
/// and interventions i1 and i2, which list `old` in version 1 and `new` in version 2.
fn two_interventions(old: (&str, &str), new: (&str, &str)) -> Policy {
    let version = |label: &str, from: &str, (a, b): (&str, &str)| {
        format!(
            "kind: riktlinje\nversion: \"{label}\"\ntitle: T\nissued: {from}\npublisher: P\ncontact: C\ndecided_by: N\ndecision_date: {from}\nvalid_from: {from}\nsections:\n  - id: s\n    heading: S\n    body:\n      - criteria: i1\n      - criteria: i2\ncriteria:\n  - {{id: k1, text: Ett., kind: fact, rule: ok}}\n  - {{id: k2, text: Två., kind: fact, rule: ok}}\n  - {{id: k3, text: Tre., kind: fact, rule: ok}}\ninterventions:\n  - {{id: i1, name: I1, target_group: G, legal_basis: 4 kap. 2 § SoL, criteria: [{a}]}}\n  - {{id: i2, name: I2, target_group: G, legal_basis: 4 kap. 2 § SoL, criteria: [{b}]}}\n"
        )
    };
    let tree = styrdok::load::MemoryTree::new("policy")
        .with(
            "facts.yaml",
            "facts:\n  - id: ok\n    type: bool\n    question: Ok?\n    source: person\n",
        )
        .with("d/1.yaml", version("1", "2024-01-01", old))
        .with("d/2.yaml", version("2", "2025-01-01", new));
    let (policy, diags) = styrdok::load::load(&tree);
    assert!(!diags.has_errors());
    policy
}

#[test]
fn a_criterion_moved_to_another_intervention_is_moved_and_both_lists_change() {
    let policy = two_interventions(("k1, k2", "k3"), ("k1", "k3, k2"));
    let d = pair(&policy, "d", "1", "2");
    let moved = find(&d, Element::Criterion, "k2", Kind::Moved);
    assert_eq!(
        field_words(moved, "position"),
        (Some("i1".into()), Some("i2".into()))
    );
    assert!(
        moved.summary.contains("flyttat från i1 till i2"),
        "{}",
        moved.summary
    );
    let i1 = find(&d, Element::Intervention, "i1", Kind::Changed);
    assert!(
        i1.summary.contains("kriterium borttaget: `k2`"),
        "{}",
        i1.summary
    );
    let i2 = find(&d, Element::Intervention, "i2", Kind::Changed);
    assert!(
        i2.summary.contains("kriterium tillagt: `k2`"),
        "{}",
        i2.summary
    );
    // Unchanged criteria, and the section that lists them, are not in the diff.
    assert!(
        !d.changes
            .iter()
            .any(|c| c.id == "k1" || c.id == "k3" || c.id == "s")
    );
}

/// A criterion listed under two interventions and reordered under one: its summary
/// names that one only. An intervention that drops a criterion and reorders the rest
/// says both.
#[test]
fn a_reorder_is_said_where_it_happened() {
    let policy = two_interventions(("k1, k2, k3", "k1, k2"), ("k3, k1", "k1, k2"));
    let d = pair(&policy, "d", "1", "2");
    let i1 = find(&d, Element::Intervention, "i1", Kind::Changed);
    assert_eq!(
        i1.summary, "kriterium borttaget: `k2` och övriga i ny ordning",
        "{}",
        i1.summary
    );
    // k1 and k3 swapped places under i1; i2 lists k1 as before.
    let moved: Vec<&Change> = d
        .changes
        .iter()
        .filter(|c| c.element == Element::Criterion && c.kind == Kind::Moved)
        .collect();
    assert!(!moved.is_empty());
    for c in moved {
        assert_eq!(c.summary, "ny plats bland kriterierna för i1", "{}", c.id);
    }
    assert!(d.changes.iter().all(|c| c.id != "i2"));
}

fn stod_2025(p: &Policy) -> (&styrdok::model::Document, &styrdok::model::Version) {
    let doc = p.document("stod").unwrap();
    (doc, doc.version("2025-01").unwrap())
}

/// The same version in two policy folders whose parameter changes value on another
/// day: the parameter is changed, from the day it now changes.
#[test]
fn a_parameter_that_changes_on_another_day_is_a_change() {
    let dir = common::scratch();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    copy_dir(&fixture(), &a);
    copy_dir(&fixture(), &b);
    let params = b.join("parameters.yaml");
    let text = std::fs::read_to_string(&params).unwrap();
    std::fs::write(
        &params,
        text.replace("      - from: 2025-01-01", "      - from: 2025-03-01"),
    )
    .unwrap();
    let (pa, pb) = (loaded(&a), loaded(&b));
    let ((da, va), (db, vb)) = (stod_2025(&pa), stod_2025(&pb));
    let d = styrdok::diff::diff(
        Side {
            policy: &pa,
            doc: da,
            version: va,
        },
        Side {
            policy: &pb,
            doc: db,
            version: vb,
        },
    );
    assert_eq!(d.changes.len(), 1, "{:?}", d.summary());
    let p = find(&d, Element::Parameter, "alder", Kind::Changed);
    assert_eq!(
        p.summary,
        "18–66 år (från 2025-01-01) → 18–64 år (2025-01-01 – 2025-02-28); 18–66 år (från 2025-03-01)"
    );
}

/// Case rows that cannot be read are counted by line (no case data in the message):
/// some unreadable, a warning and the impact of the rest; none readable, exit 2 and
/// the JSON begun on standard output ended with the error. A broken test file stops
/// the JSON before it starts.
#[test]
fn unreadable_cases_are_reported_by_line() {
    let dir = common::scratch();
    let p = dir.path().join("policy");
    copy_dir(&fixture(), &p);
    let policy = p.to_str().unwrap();
    // `styrdok diff stod` on the scratch policy, with these cases and options.
    let with_cases = |cases: &Path, extra: &[&str]| {
        let mut args = vec!["diff", "stod", "--policy", policy, "--cases"];
        args.push(cases.to_str().unwrap());
        args.extend(extra);
        styrdok(&args)
    };
    let some = common::write(
        dir.path(),
        "some.jsonl",
        "{\"arende\":\"A-1\",\"ansokningsdatum\":\"2025-02-01\",\"insatser\":[\"stod\"]}\nnot json, personnummer 19121212-1212\n",
    );
    let o = with_cases(&some, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("1 row in"), "{}", stderr(&o));
    assert!(stderr(&o).contains("(line 2)"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("19121212"), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("1 ärende, 1 prövad insats"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("1 rad kunde inte läsas"),
        "{}",
        stdout(&o)
    );

    let none = common::write(dir.path(), "none.jsonl", "{\"x\": 1}\nnot json\n");
    let o = with_cases(&none, &["--format", "json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("(line 1, 2)"), "{}", stderr(&o));
    // The document on standard output had begun: it ends with the error, as JSON that
    // follows the schema.
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["impact"]["error"]
            .as_str()
            .unwrap()
            .contains("no case was tried"),
        "{v}"
    );
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/schemas/diff.schema.json")).unwrap(),
    )
    .unwrap();
    assert!(jsonschema::validator_for(&schema).unwrap().is_valid(&v));
    // Written to a file, nothing is written.
    let file = dir.path().join("impact.json");
    let o = with_cases(
        &none,
        &["--format", "json", "--out", file.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!file.exists());

    common::write(&p, "stod/tests/broken.yaml", "not: [valid\n");
    let o = with_cases(&p.join("stod/tests"), &["--format", "json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("broken.yaml:2:1"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

/// A JSON run that stops part-way into a named pipe ends its document there too (a
/// pipe cannot be taken back like a file); `--out /dev/stdout` writes through the link.
#[test]
fn a_json_run_that_stops_ends_its_document_in_a_pipe() {
    let dir = common::scratch();
    let fifo = dir.path().join("impact.json");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let none = common::write(dir.path(), "none.jsonl", "not json\n");
    let policy = fixture();
    let args = |out: &Path| {
        vec![
            "diff".to_string(),
            "stod".into(),
            "--policy".into(),
            policy.to_str().unwrap().into(),
            "--cases".into(),
            none.to_str().unwrap().into(),
            "--format".into(),
            "json".into(),
            "--out".into(),
            out.to_str().unwrap().into(),
        ]
    };
    let o = Command::new(env!("CARGO_BIN_EXE_styrdok"))
        .args(args(&fifo))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&reader.join().unwrap()).unwrap();
    assert!(v["impact"]["error"].is_string(), "{v}");

    let o = Command::new(env!("CARGO_BIN_EXE_styrdok"))
        .args(args(Path::new("/dev/stdout")))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["impact"]["error"].is_string(), "{v}");
}

/// With standard error a pipe nobody reads any more, a run that has something to say
/// there (an error; a warning about unreadable rows) ends with its exit code, not a
/// panic. (A closed descriptor would not do: Rust's runtime reopens it as /dev/null.)
#[test]
fn a_closed_stderr_is_no_panic() {
    let dir = common::scratch();
    let policy = fixture();
    let policy = policy.to_str().unwrap();
    let cases = common::write(
        dir.path(),
        "some.jsonl",
        "{\"arende\":\"A-1\",\"ansokningsdatum\":\"2025-02-01\",\"insatser\":[\"stod\"]}\nnot json\n",
    );
    for (args, code) in [
        (
            vec!["diff", "stdo@2024-01", "stod@2025-01", "--policy", policy],
            2,
        ),
        (
            vec![
                "diff",
                "stod",
                "--policy",
                policy,
                "--cases",
                cases.to_str().unwrap(),
            ],
            1,
        ),
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let status = Command::new(env!("CARGO_BIN_EXE_styrdok"))
            .args(&args)
            .stdout(std::process::Stdio::null())
            .stderr(writer)
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(code), "{args:?}");
    }
}

#[test]
fn a_version_ends_when_a_later_one_starts_even_if_that_one_ends_too() {
    // 2023-07 holds until further notice; 2024-01 replaces it and ends on 2024-06-30.
    // On 2024-08-01 nothing is in force: 2023-07 was replaced, not revived.
    let dir = common::scratch();
    let p = dir.path().join("policy");
    copy_dir(&common::shipped(), &p);
    let doc = p.join("stod-arbete-studier");
    let text = std::fs::read_to_string(doc.join("2023-07.yaml")).unwrap();
    let later = text
        .replace("version: \"2023-07\"", "version: \"2024-01\"")
        .replace(
            "valid_from: 2023-07-01\nvalid_until: tills vidare",
            "valid_from: 2024-01-01\nvalid_until: 2024-06-30",
        )
        .replace(
            "version: \"2022-05\"\nnotice",
            "version: \"2023-07\"\nnotice",
        );
    std::fs::write(doc.join("2024-01.yaml"), later).unwrap();
    let policy = p.to_str().unwrap();
    let o = styrdok(&[
        "diff",
        "stod-arbete-studier@2023-09-01",
        "stod-arbete-studier@2024-08-01",
        "--policy",
        policy,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains("no version of `stod-arbete-studier` is in force on 2024-08-01"),
        "{}",
        stderr(&o)
    );
    // And a case dated then is tried under none of them.
    let o = styrdok(&[
        "eval",
        "--case",
        "tests/fixtures/cases/lss-avslag.yaml",
        "--policy",
        policy,
        "--date",
        "2024-08-01",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no guideline in force on 2024-08-01"),
        "{}",
        stderr(&o)
    );
}
