//! The Swedish spell check (`spell_check: true` in glossary.yaml) against Debian's
//! hunspell-sv, which `scripts/install-test-tools` installs: it finds seed 003's two
//! misspellings by itself, is quiet on the rest of the shipped text once its own words
//! are listed, and stays off for a policy that does not ask for it.

mod common;

use common::{copy_dir, root, styrdok};
use serde_json::Value;

fn spelling(dir: &std::path::Path) -> Vec<(String, String, u64)> {
    let o = styrdok(&["check", "--format", "json", dir.to_str().unwrap()]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"].as_str().unwrap().starts_with("spelling"))
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_dictionary_finds_seed_003s_misspellings_without_the_glossary() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("policy");
    copy_dir(&root().join("policy"), &p);
    // The shipped policy, spell-checked as it is: quiet (its misspellings are reported
    // by the glossary's own list, and its proper names are in `words:`).
    assert_eq!(spelling(&p), vec![]);
    // Without the glossary's misspellings, the dictionary finds both, in both versions.
    let g = std::fs::read_to_string(p.join("glossary.yaml")).unwrap();
    let start = g.find("misspellings:").unwrap();
    let end = start + g[start..].find("\n\n").unwrap();
    std::fs::write(
        p.join("glossary.yaml"),
        format!("{}misspellings: []{}", &g[..start], &g[end..]),
    )
    .unwrap();
    let got: Vec<String> = spelling(&p).into_iter().map(|(_, m, _)| m).collect();
    assert_eq!(
        got,
        vec![
            "`skraddarsy` is not in the Swedish dictionary",
            "`specialistpsykiatrik` is not in the Swedish dictionary",
            "`skraddarsy` is not in the Swedish dictionary",
            "`specialistpsykiatrik` is not in the Swedish dictionary",
        ]
    );
    // Without the list of the documents' own words, those are reported too.
    let g = std::fs::read_to_string(p.join("glossary.yaml")).unwrap();
    std::fs::write(
        p.join("glossary.yaml"),
        g.replace("  - kollovistelser\n", ""),
    )
    .unwrap();
    assert!(
        spelling(&p)
            .iter()
            .any(|(_, m, _)| m.contains("`kollovistelser`"))
    );
}

#[test]
fn the_check_is_off_unless_asked_for_and_says_when_it_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("policy");
    copy_dir(&root().join("tests/fixtures/check/clean/policy"), &p);
    // A policy that does not ask for it: no spelling diagnostics, whatever its words.
    assert_eq!(spelling(&p), vec![]);
    let g = p.join("glossary.yaml");
    let text = std::fs::read_to_string(&g).unwrap_or_default();
    std::fs::write(&g, format!("{text}\nspell_check: true\n")).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_styrdok"))
        .args(["check", "--format", "json", p.to_str().unwrap()])
        .env("STYRDOK_DICTIONARY", dir.path().join("nowhere/sv_SE"))
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let off: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "spelling-off")
        .collect();
    assert_eq!(off.len(), 1, "{v}");
    assert!(off[0]["file"].as_str().unwrap().ends_with("glossary.yaml"));
    assert!(
        off[0]["message"]
            .as_str()
            .unwrap()
            .contains("no Swedish dictionary found")
    );
}

#[test]
fn names_compounds_acronyms_and_placeholders_are_not_misspellings() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("policy");
    copy_dir(&root().join("tests/fixtures/check/clean/policy"), &p);
    let g = p.join("glossary.yaml");
    let text = std::fs::read_to_string(&g).unwrap_or_default();
    std::fs::write(
        &g,
        format!("{text}\nspell_check: true\nwords: [Exempelnamn]\n"),
    )
    .unwrap();
    let doc = std::fs::read_dir(&p)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|x| x.is_dir())
        .unwrap();
    let file = std::fs::read_dir(&doc)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|x| x.extension().is_some_and(|e| e == "yaml"))
        .unwrap();
    let y = std::fs::read_to_string(&file).unwrap();
    let y = y
        + "notice: |\n  Exempelnamn ger hälso- och sjukvård enligt IPS och LSS; se {section: x}, dvs. osv. t.ex. IPS-metoden. Men felstavningg och kommun-felstavadd.\n";
    std::fs::write(&file, y).unwrap();
    let got = spelling(&p);
    let words: Vec<&str> = got.iter().map(|(_, m, _)| m.as_str()).collect();
    // Abbreviations with their period (`dvs.`, `osv.`) pass; each part of a hyphenated
    // word is checked (`IPS-metoden` passes, `kommun-felstavadd` does not).
    assert_eq!(
        words,
        vec![
            "`felstavningg` is not in the Swedish dictionary",
            "`felstavadd` is not in the Swedish dictionary"
        ],
        "{got:?}"
    );
}
