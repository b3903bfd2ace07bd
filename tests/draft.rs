//! Decision drafts (`styrdok eval --draft`) for an intervention with its own procedure
//! and legal basis: each intervention cites its own steps and provisions, never
//! another's; every step carries its överklagandehänvisning from the glossary (both
//! routes, and the plain note where the glossary records none); a criterion that
//! reads several assessments shows each; and no label is ever printed with an empty
//! value.

mod common;

use std::path::Path;

use common::{stderr, styrdok, write};

const GLOSSARY: &str = r#"
laws:
  - id: sol
    name: Socialtjänstlagen
    abbreviation: SoL
    sfs: "2001:453"
    valid_until: 2025-06-30
    replaced_by: sol-2025
    provisions:
      - provision: 4 kap. 1 §
        appeal: {route: forvaltningsbesvar, to: förvaltningsrätten, basis: 16 kap. 3 § SoL, source: 16 kap. 3 § SoL (2001:453)}
      - provision: 4 kap. 2 §
        appeal: {route: laglighetsprovning, to: förvaltningsrätten, basis: 13 kap. KL, source: RÅ 2001 not 169}
  - id: sol-2025
    name: Socialtjänstlagen
    abbreviation: SoL
    sfs: "2025:400"
    valid_from: 2025-07-01
  - id: kl
    name: Kommunallagen
    abbreviation: KL
    sfs: "2017:725"
roles:
  - id: handlaggare
    title: handläggare
"#;

const FACTS: &str = r"
facts:
  - id: bedomning_a
    type: bool
    question: Har den enskilde behov av stödet?
    source: assessment
  - id: bedomning_b
    type: bool
    question: Kan den enskilde ta emot stödet nu?
    source: assessment
  - id: folkbokford
    type: bool
    question: Är den enskilde folkbokförd i kommunen?
    source: record
";

// No section lists the criteria and no passage states the period: the draft must not
// print an empty section name or an empty quotation.
const VERSION: &str = r#"
kind: riktlinje
version: "1"
title: Riktlinje
issued: 2024-01-01
publisher: P
contact: C
decided_by: Nämnden
decision_date: 2024-01-01
valid_from: 2024-01-01
procedure:
  - id: avslag-1
    provision: 4 kap. 1 § SoL
    outcome: avslag
    text: Insatsen ingår inte i rätten till bistånd.
  - id: provning-2
    provision: 4 kap. 2 § SoL
    outcome: provning
    text: Ansökan prövas mot kriterierna.
  - id: provning-lss
    provision: 9 § LSS
    outcome: provning
    text: Ansökan prövas enligt LSS.
interventions:
  - id: stod
    name: Stöd
    target_group: vuxna
    legal_basis: 4 kap. 2 § SoL
    procedure: [avslag-1, provning-2]
    duration: {months: 6}
    criteria: [tva-bedomningar]
  - id: annat
    name: Annat stöd
    target_group: vuxna i kommunen
    legal_basis: [9 § LSS]
    procedure: [provning-lss]
    criteria: [folkbokford]
criteria:
  - id: tva-bedomningar
    text: Den enskilde bedöms ha behov av stödet och kunna ta emot det nu.
    kind: assessment
    assessed_by: handlaggare
    rule: bedomning_a and bedomning_b
  - id: folkbokford
    text: Den enskilde är folkbokförd i kommunen.
    kind: fact
    rule: folkbokford
"#;

fn policy(dir: &Path) -> String {
    let p = dir.join("policy");
    write(&p, "glossary.yaml", GLOSSARY);
    write(&p, "facts.yaml", FACTS);
    write(&p, "doc/1.yaml", VERSION);
    p.to_str().unwrap().to_string()
}

fn draft(dir: &Path, policy: &str, case: &str) -> String {
    let f = write(dir, "case.yaml", case);
    let md = dir.join("beslut.md");
    let o = styrdok(&[
        "eval",
        "--policy",
        policy,
        "--case",
        f.to_str().unwrap(),
        "--draft",
        md.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&md).unwrap();
    assert_no_empty_label(&text);
    text
}

/// The class of defect: a label, quotation or parenthesis printed around nothing.
fn assert_no_empty_label(text: &str) {
    for line in text.lines() {
        for bad in [
            "””",
            "()",
            "( )",
            ": .",
            ": *",
            " .*",
            "**.**",
            "enligt .",
            "Lagrum: *",
        ] {
            assert!(!line.contains(bad), "`{bad}` in the line `{line}`:\n{text}");
        }
        let end = line.trim_end();
        for label in [":**", "Lagrum:", "avsnittet", ":*"] {
            assert!(!end.ends_with(label), "an empty label: `{line}`:\n{text}");
        }
    }
}

/// The part of the draft about one intervention (from its `## ` heading to the next).
fn section<'a>(text: &'a str, name: &str) -> &'a str {
    let start = text
        .find(&format!("## {name}\n"))
        .unwrap_or_else(|| panic!("no `## {name}` in\n{text}"));
    let rest = &text[start + 3..];
    let end = [rest.find("\n## "), rest.find("\n---\n")]
        .into_iter()
        .flatten()
        .min()
        .map_or(rest.len(), |e| e + 1);
    &rest[..end]
}

#[test]
fn each_intervention_cites_its_own_steps_and_provisions_with_their_appeal_routes() {
    let dir = common::scratch();
    let policy = policy(dir.path());
    let text = draft(
        dir.path(),
        &policy,
        r#"
arende: "T-1"
ansokningsdatum: 2024-03-01
insatser: [stod, annat]
fakta:
  folkbokford: false
bedomningar:
  bedomning_a: {varde: true, av: "Anna A, handläggare", datum: 2024-02-01, motivering: "Behovet framgår av utredningen."}
  bedomning_b: {varde: false, av: "Bo B, handläggare", datum: 2024-02-02, motivering: "Den enskilde är inlagd på sjukhus."}
"#,
    );
    let stod = section(&text, "Stöd");
    let annat = section(&text, "Annat stöd");
    // Its own steps, in its own order, and its own legal basis.
    assert!(
        stod.contains("1. Ansökan avslås vid prövning enligt 4 kap. 1 § socialtjänstlagen (2001:453).\n2. Ansökan avslås även vid prövning enligt 4 kap. 2 § socialtjänstlagen (2001:453)."),
        "{stod}"
    );
    assert!(
        stod.contains("*Lagrum för insatsen: 4 kap. 2 § socialtjänstlagen (2001:453).*"),
        "{stod}"
    );
    assert!(!stod.contains("LSS"), "another intervention's step: {stod}");
    assert!(
        annat.contains("1. Ansökan avslås även vid prövning enligt 9 § LSS."),
        "{annat}"
    );
    assert!(
        !annat.contains("SoL") && !annat.contains("socialtjänstlagen"),
        "{annat}"
    );
    assert!(annat.contains("*Lagrum för insatsen: 9 § LSS.*"), "{annat}");

    // The överklagandehänvisning of each step, by the route the glossary records.
    assert!(stod.contains("### Hur man överklagar"), "{stod}");
    assert!(
        stod.contains("1. Beslutet enligt 4 kap. 1 § socialtjänstlagen (2001:453) kan överklagas till förvaltningsrätten genom förvaltningsbesvär (16 kap. 3 § socialtjänstlagen (2001:453)). Överklagandet ska vara skriftligt, ställas till förvaltningsrätten och ha kommit in till den nämnd som fattade beslutet inom tre veckor från den dag då du fick del av beslutet (44 § förvaltningslagen (2017:900))."),
        "{stod}"
    );
    assert!(
        stod.contains("2. Beslutet enligt 4 kap. 2 § socialtjänstlagen (2001:453) kan inte överklagas genom förvaltningsbesvär. Dess laglighet kan prövas av förvaltningsrätten genom laglighetsprövning (13 kap. kommunallagen (2017:725)). Överklagandet ska ha kommit in till förvaltningsrätten inom tre veckor från den dag då det tillkännagavs på kommunens anslagstavla att protokollet över beslutet har justerats (13 kap. 5 § kommunallagen (2017:725))."),
        "{stod}"
    );
    // No route recorded: said so, never invented.
    assert!(
        annat.contains("1. Ordlistan anger inte hur ett beslut enligt 9 § LSS överklagas: lägg till överklagandehänvisningen enligt förvaltningens rutin."),
        "{annat}"
    );
    assert!(
        !text.contains("läggs till enligt förvaltningens rutin"),
        "the old placeholder: {text}"
    );

    // A criterion whose rule reads two assessments shows both: value, who, date, why.
    assert!(
        stod.contains("  - *Bedömning av ”Har den enskilde behov av stödet”: ja (Anna A, handläggare, 2024-02-01): Behovet framgår av utredningen.*"),
        "{stod}"
    );
    assert!(
        stod.contains("  - *Bedömning av ”Kan den enskilde ta emot stödet nu”: nej (Bo B, handläggare, 2024-02-02): Den enskilde är inlagd på sjukhus.*"),
        "{stod}"
    );
    // The laws the draft cites, once, at the end.
    assert!(
        text.trim_end()
            .ends_with("*Lagrum: socialtjänstlagen (2001:453).*"),
        "{text}"
    );
}

#[test]
fn a_grant_shows_every_assessment_and_no_label_is_left_empty() {
    let dir = common::scratch();
    let policy = policy(dir.path());
    let text = draft(
        dir.path(),
        &policy,
        r#"
ansokningsdatum: 2024-03-01
insatser: [stod]
bedomningar:
  bedomning_a: {varde: true, av: "Anna A, handläggare"}
  bedomning_b: {varde: true, av: "Anna A, handläggare", datum: 2024-02-03}
"#,
    );
    assert!(
        text.contains("2. Ansökan beviljas enligt 4 kap. 2 § socialtjänstlagen (2001:453) för tiden 2024-03-01–2024-08-31."),
        "{text}"
    );
    // No section lists the criteria: the sentence does without the section's name.
    assert!(
        text.contains("Enligt riktlinjen ska samtliga kriterier vara uppfyllda. Utredningen visar att de är det:"),
        "{text}"
    );
    assert!(
        text.contains(
            "  - *Bedömning av ”Har den enskilde behov av stödet”: ja (Anna A, handläggare).*"
        ),
        "{text}"
    );
    assert!(
        text.contains("  - *Bedömning av ”Kan den enskilde ta emot stödet nu”: ja (Anna A, handläggare, 2024-02-03).*"),
        "{text}"
    );
    // No passage states the period: no empty quotation of it.
    assert!(
        text.contains("Insatsen beviljas för 6 månader.\n"),
        "{text}"
    );
}

#[test]
fn a_version_without_procedure_or_known_laws_prints_no_empty_lagrum() {
    let dir = common::scratch();
    let p = dir.path().join("policy");
    write(&p, "facts.yaml", FACTS);
    write(
        &p,
        "doc/1.yaml",
        r#"
kind: riktlinje
version: "1"
title: Riktlinje
issued: 2024-01-01
publisher: P
contact: C
decided_by: Nämnden
decision_date: 2024-01-01
valid_from: 2024-01-01
interventions:
  - id: annat
    name: Annat stöd
    target_group: vuxna
    legal_basis: 9 § LSS
    criteria: [folkbokford]
criteria:
  - id: folkbokford
    text: Den enskilde är folkbokförd i kommunen.
    kind: fact
    rule: folkbokford
"#,
    );
    let text = draft(
        dir.path(),
        p.to_str().unwrap(),
        "ansokningsdatum: 2024-03-01\ninsatser: [annat]\nfakta: {folkbokford: false}\n",
    );
    // No steps: one decision line and no footer of laws; the appeal section is there
    // (a decision always says how it is appealed) and says the glossary records no route
    // for the legal basis, instead of leaving the case officer nothing to fill.
    assert!(text.contains("### Beslut\n\nAnsökan avslås.\n"), "{text}");
    assert!(
        text.contains("### Hur man överklagar\n\n1. Ordlistan anger inte hur ett beslut enligt 9 § LSS överklagas"),
        "{text}"
    );
    assert!(!text.contains("*Lagrum:"), "{text}");
}
