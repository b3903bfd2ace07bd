//! `styrdok init` makes a policy folder that checks clean, passes its tests at full
//! coverage and builds; it refuses a folder that is in the way and then writes nothing.

mod common;

use common::{stderr, stdout, styrdok};

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn init_makes_a_folder_that_checks_tests_and_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("policy");
    let o = styrdok(&["init", s(&dir)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for (rel, text) in styrdok::init::FILES {
        assert_eq!(std::fs::read_to_string(dir.join(rel)).unwrap(), *text);
        assert!(text.starts_with("# "), "{rel} starts with a comment");
        assert!(text.contains("docs/"), "{rel} points at the docs");
    }
    // No staging folder is left beside it.
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("policy")]);

    let o = styrdok(&["check", s(&dir), "--deny-warnings"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).ends_with(": 0 errors, 0 warnings in 4 files\n"),
        "{}",
        stdout(&o)
    );

    let o = styrdok(&["test", s(&dir), "--min-coverage", "100"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("4 tests: 4 passed, 0 failed; coverage 100.0 %"),
        "{}",
        stdout(&o)
    );

    let out = tmp.path().join("output");
    let o = styrdok(&["build", s(&dir), "--html-only", "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = std::fs::read_to_string(
        out.join("exempel-riktlinje/2026-01/exempel-riktlinje-2026-01.html"),
    )
    .unwrap();
    assert!(html.contains("Exempelkommun"));
    assert!(
        html.contains("i åldern 18–64"),
        "the parameter is placed in the text"
    );
}

#[test]
fn init_into_an_empty_folder_writes_there() {
    let tmp = tempfile::tempdir().unwrap();
    let o = styrdok(&["init", s(tmp.path())]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut names: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "exempel-riktlinje",
            "facts.yaml",
            "glossary.yaml",
            "parameters.yaml"
        ]
    );
    let o = styrdok(&["check", s(tmp.path()), "--deny-warnings"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn init_refuses_a_folder_that_is_in_the_way_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("policy");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("anteckningar.txt"), "mina").unwrap();
    let o = styrdok(&["init", s(&dir)]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("is not empty"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("anteckningar.txt")]);
    assert_eq!(
        std::fs::read_to_string(dir.join("anteckningar.txt")).unwrap(),
        "mina"
    );
    let beside: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(beside.len(), 1, "no staging folder is left");

    // A file where the folder should go is refused too.
    let file = tmp.path().join("fil");
    std::fs::write(&file, "x").unwrap();
    let o = styrdok(&["init", s(&file)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is not a folder"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");

    // A missing parent is not created: exit 2, located, nothing written.
    let o = styrdok(&["init", s(&tmp.path().join("saknas/policy"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
    assert!(!tmp.path().join("saknas").exists());
}

/// The example is spelled so that the Swedish spell check (Debian's hunspell-sv, which
/// scripts/install-test-tools installs) has nothing to say once it is turned on: a new
/// user who turns it on starts from zero warnings, and the glossary's `words:` shows
/// where a name goes. A misspelling put in is found, so the check did run.
#[test]
fn init_checks_clean_with_the_spell_check_on() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("policy");
    let o = styrdok(&["init", s(&dir)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let glossary = dir.join("glossary.yaml");
    let g = std::fs::read_to_string(&glossary).unwrap();
    assert_eq!(g.matches("\nspell_check: false\n").count(), 1, "{g}");
    std::fs::write(
        &glossary,
        g.replace("\nspell_check: false\n", "\nspell_check: true\n"),
    )
    .unwrap();
    let o = styrdok(&["check", s(&dir), "--deny-warnings"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).ends_with(": 0 errors, 0 warnings in 4 files\n"),
        "{}",
        stdout(&o)
    );
    let o = styrdok(&["test", s(&dir), "--min-coverage", "100"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));

    // Without `words:` its one name is reported; a misspelling is found too.
    std::fs::write(
        &glossary,
        g.replace("\nspell_check: false\n", "\nspell_check: true\n")
            .replace("words:\n  - styrdok\n", ""),
    )
    .unwrap();
    let version = dir.join("exempel-riktlinje/2026-01.yaml");
    let v = std::fs::read_to_string(&version).unwrap();
    std::fs::write(
        &version,
        v.replace("Ersätt den här texten", "Ersätt den här texen"),
    )
    .unwrap();
    let o = styrdok(&["check", s(&dir), "--format", "json"]);
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let mut spelling: Vec<String> = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}: {}",
                d["code"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    spelling.sort();
    assert_eq!(
        spelling,
        [
            "spelling: `styrdok` is not in the Swedish dictionary",
            "spelling: `texen` is not in the Swedish dictionary",
        ]
    );
}
