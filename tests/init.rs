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
