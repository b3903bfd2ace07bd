//! The JSON Schemas that editors read (`styrdok schema`, policy/.schema/):
//! generated from the decoders, committed, described in Swedish, named by every
//! shipped file, true to what `check` accepts, and read by yaml-language-server (the
//! server behind VS Code's YAML extension) as an editor would.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use styrdok::diag::Severity;
use styrdok::load::yaml::{Node, NodeKind, Style};
use styrdok::schema::Kind;

/// A YAML file as an editor's language server sees it: YAML 1.2's core schema
/// (plain `true` a boolean, plain `12` an integer, plain `1.5` a number, `~` null).
fn to_json(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Scalar(s, Style::Plain) => plain(s),
        NodeKind::Scalar(s, _) => json!(s),
        NodeKind::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        NodeKind::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.as_scalar().unwrap_or_default().to_owned(), to_json(v)))
                .collect(),
        ),
    }
}

fn plain(s: &str) -> Value {
    if matches!(s, "" | "~" | "null" | "Null" | "NULL") {
        return Value::Null;
    }
    if matches!(s, "true" | "True" | "TRUE") {
        return json!(true);
    }
    if matches!(s, "false" | "False" | "FALSE") {
        return json!(false);
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = s.parse::<i64>() {
            return json!(i);
        }
    }
    let float = digits.strip_prefix('.').unwrap_or(digits);
    if float.starts_with(|c: char| c.is_ascii_digit())
        && float
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
    {
        if let Ok(f) = s.parse::<f64>() {
            return json!(f);
        }
    }
    json!(s)
}

fn parse(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    let mut sources = styrdok::source::Sources::default();
    let id = sources.add(path, text);
    let mut d = styrdok::diag::Diagnostics::default();
    let node = styrdok::load::yaml::parse(id, sources.get(id), &mut d)
        .unwrap_or_else(|| panic!("{} is not YAML: {d:?}", path.display()));
    to_json(&node)
}

fn validators() -> BTreeMap<&'static str, jsonschema::Validator> {
    Kind::ALL
        .iter()
        .map(|k| {
            let v = jsonschema::draft7::new(&k.schema())
                .unwrap_or_else(|e| panic!("{} is not a valid schema: {e}", k.file_name()));
            (k.file_name(), v)
        })
        .collect()
}

/// Every YAML file with a kind under a policy folder, by path relative to it.
fn policy_files(root: &Path) -> Vec<(PathBuf, Kind)> {
    fn walk(root: &Path, rel: &Path, out: &mut Vec<(PathBuf, Kind)>) {
        for e in std::fs::read_dir(root.join(rel)).unwrap() {
            let e = e.unwrap();
            let rel = rel.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                walk(root, &rel, out);
            } else if let Some(k) = Kind::of_path(&rel) {
                out.push((rel, k));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, Path::new(""), &mut out);
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn errors(v: &jsonschema::Validator, value: &Value) -> Vec<String> {
    v.iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn the_committed_schemas_are_the_decoders() {
    let dir = common::shipped().join(".schema");
    for (kind, text) in styrdok::schema::files() {
        let path = dir.join(kind.file_name());
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == text,
            "{} differs from what the decoders read: run `cargo run -- schema` and commit policy/.schema",
            path.display()
        );
    }
    // The binary agrees (and says so in its exit status).
    let out = common::styrdok(&["schema", "policy", "--headers", "--check"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
}

#[test]
fn a_changed_schema_or_a_missing_header_is_reported_by_check() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("policy");
    let out = common::styrdok(&["init", p.to_str().unwrap()]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    // init names the schemas and writes them: up to date.
    let out = common::styrdok(&["schema", p.to_str().unwrap(), "--headers", "--check"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    // A stale schema and a file without a header are each listed, exit 1, nothing written.
    let stale = p.join(".schema/facts.schema.json");
    std::fs::write(&stale, "{}\n").unwrap();
    let facts = p.join("facts.yaml");
    let text = std::fs::read_to_string(&facts).unwrap();
    let without = text.split_once('\n').unwrap().1;
    std::fs::write(&facts, without).unwrap();
    let out = common::styrdok(&["schema", p.to_str().unwrap(), "--headers", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(
        err.contains("facts.schema.json: missing or out of date"),
        "{err}"
    );
    assert!(err.contains("facts.yaml: names no schema"), "{err}");
    assert_eq!(std::fs::read_to_string(&stale).unwrap(), "{}\n");
    // Writing brings both back; the rest of the file is kept byte for byte.
    let out = common::styrdok(&["schema", p.to_str().unwrap(), "--headers"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert_eq!(std::fs::read_to_string(&facts).unwrap(), text);
    assert_ne!(std::fs::read_to_string(&stale).unwrap(), "{}\n");
}

/// Every `description` in a schema, depth first.
fn texts(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(d)) = m.get("description") {
                out.push(d.clone());
            }
            m.values().for_each(|v| texts(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| texts(v, out)),
        _ => {}
    }
}

#[test]
fn every_key_has_a_swedish_description_and_every_description_a_key() {
    let (objects, g) = styrdok::schema::objects();
    let described = g.described();
    let mut problems = Vec::new();
    for (object, keys) in &objects {
        let have = described.get(object).cloned().unwrap_or_default();
        for key in keys.iter().copied().chain(["_"]) {
            if !have.contains(&key) {
                problems.push(format!("`{object}.{key}` has no description"));
            }
        }
        for key in have {
            if key != "_" && !keys.contains(&key) {
                problems.push(format!(
                    "`{object}.{key}` describes a key the decoder does not read"
                ));
            }
        }
    }
    for object in described.keys() {
        if !objects.contains_key(object) {
            problems.push(format!("`{object}` describes an object no decoder reads"));
        }
    }
    assert!(
        problems.is_empty(),
        "src/load/schema.sv.yaml:\n{}",
        problems.join("\n")
    );
    // Swedish sentences, not placeholders: every description in the schemas has a few
    // words, and Swedish letters occur in them.
    let mut all = Vec::new();
    for k in Kind::ALL {
        texts(&k.schema(), &mut all);
    }
    assert!(all.len() >= 242, "{} descriptions", all.len());
    let short: Vec<&String> = all
        .iter()
        .filter(|d| d.split_whitespace().count() < 3)
        .collect();
    assert!(
        short.is_empty(),
        "descriptions too short to help: {short:?}"
    );
    assert!(
        all.iter().filter(|d| d.contains(['å', 'ä', 'ö'])).count() * 2 > all.len(),
        "the descriptions are not Swedish"
    );
}

#[test]
fn every_shipped_file_names_its_schema_and_is_valid_against_it() {
    let root = common::shipped();
    let validators = validators();
    let files = policy_files(&root);
    assert!(files.len() >= 10, "{files:?}");
    let mut problems = Vec::new();
    for (rel, kind) in &files {
        let path = root.join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        let first = text.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            styrdok::schema::modeline(rel, *kind),
            "{}",
            rel.display()
        );
        let errs = errors(&validators[kind.file_name()], &parse(&path));
        if !errs.is_empty() {
            problems.push(format!("{}: {}", rel.display(), errs.join("; ")));
        }
    }
    // The case files the docs and tests use are valid case files.
    for e in std::fs::read_dir(common::root().join("tests/fixtures/cases")).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "yaml") {
            let errs = errors(&validators["case.schema.json"], &parse(&path));
            if !errs.is_empty() {
                problems.push(format!("{}: {}", path.display(), errs.join("; ")));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The schemas never flag what `check` accepts, and flag what the loader itself
/// refuses as an unknown key or value: over every file of every check fixture.
#[test]
fn the_schemas_agree_with_check_on_every_fixture() {
    let validators = validators();
    let dir = common::root().join("tests/fixtures/check");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path().join("policy"))
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    let (mut clean, mut refused) = (0, 0);
    let mut problems = Vec::new();
    for root in cases {
        let (policy, diags) = common::checked(&root);
        for (rel, kind) in policy_files(&root) {
            let path = root.join(&rel);
            let shown = path.display().to_string();
            let codes: Vec<&str> = diags
                .iter()
                .filter(|d| {
                    d.severity == Severity::Error
                        && policy.sources.get(d.span.file).path.display().to_string() == shown
                })
                .map(|d| d.code)
                .collect();
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if text.trim().is_empty()
                || codes.iter().any(|c| {
                    matches!(
                        *c,
                        "yaml-syntax"
                            | "too-large"
                            | "too-deep"
                            | "not-utf8"
                            | "nul-byte"
                            | "yaml-limit"
                    )
                })
            {
                continue;
            }
            let mut sources = styrdok::source::Sources::default();
            let id = sources.add(&path, text);
            let mut d = styrdok::diag::Diagnostics::default();
            let Some(node) = styrdok::load::yaml::parse(id, sources.get(id), &mut d) else {
                continue;
            };
            let errs = errors(&validators[kind.file_name()], &to_json(&node));
            if codes.is_empty() {
                clean += 1;
                if !errs.is_empty() {
                    problems.push(format!(
                        "{}: check accepts it, the schema does not: {}",
                        rel.display(),
                        errs.join("; ")
                    ));
                }
            } else if codes
                .iter()
                .any(|c| matches!(*c, "unknown-key" | "unknown-value"))
            {
                refused += 1;
                if errs.is_empty() {
                    problems.push(format!(
                        "{}: check reports {codes:?}, the schema accepts it",
                        root.display()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        clean >= 25 && refused >= 3,
        "too few fixtures compared: {clean} clean, {refused} refused"
    );
}

/// Where the project installs yaml-language-server (scripts/install-test-tools).
fn yaml_ls() -> PathBuf {
    let dir = common::root().join("scripts/yaml-ls");
    assert!(
        dir.join("node_modules/yaml-language-server").is_dir(),
        "yaml-language-server is not installed: run scripts/install-test-tools (npm ci in scripts/yaml-ls)"
    );
    dir.join("check.mjs")
}

fn ask_editor(request: &Value) -> Value {
    let tmp = tempfile::tempdir().unwrap();
    let req = tmp.path().join("request.json");
    std::fs::write(&req, request.to_string()).unwrap();
    let out = Command::new("node")
        .arg(yaml_ls())
        .arg(&req)
        .output()
        .expect("node runs yaml-language-server (scripts/install-test-tools)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// What VS Code with the YAML extension shows, asked of the same language server: no
/// problem in any shipped file; a misspelt key and a wrong word flagged at their lines;
/// keys completed with their Swedish descriptions; the fixed words of `kind` offered.
#[test]
fn yaml_language_server_reads_the_schemas_as_an_editor_does() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("policy");
    common::copy_dir(&common::shipped(), &p);
    let version = p.join("stod-arbete-studier/2022-05.yaml");
    let text = std::fs::read_to_string(&version).unwrap();
    let line_of = |t: &str, prefix: &str| t.lines().position(|l| l.starts_with(prefix)).unwrap();
    // A copy with mistakes an officer makes: `titel` for `title`, `riktlinjer` for `riktlinje`.
    let bad = p.join("stod-arbete-studier/2099-01.yaml");
    let bad_text = text.replacen("\ntitle:", "\ntitel:", 1).replacen(
        "\nkind: riktlinje\n",
        "\nkind: riktlinjer\n",
        1,
    );
    std::fs::write(&bad, &bad_text).unwrap();
    // A place to complete at: an empty line after the modeline, and after `kind: `.
    let blank = p.join("stod-arbete-studier/2099-02.yaml");
    let mut blank_text = String::new();
    blank_text.push_str(text.lines().next().unwrap());
    blank_text.push_str("\n\nkind: \n");
    std::fs::write(&blank, &blank_text).unwrap();

    let files: Vec<String> = policy_files(&p)
        .iter()
        .map(|(rel, _)| p.join(rel).display().to_string())
        .collect();
    let answer = ask_editor(&json!({
        "files": files,
        "complete": [
            {"file": blank.display().to_string(), "line": 1, "character": 0},
            {"file": blank.display().to_string(), "line": 2, "character": 6},
        ],
        "hover": [{"file": version.display().to_string(), "line": line_of(&text, "valid_from:"), "character": 2}],
    }));
    let diags = answer["diagnostics"].as_object().unwrap();
    assert!(diags.len() >= 15, "{diags:?}");
    for (file, list) in diags {
        let list = list.as_array().unwrap();
        if file.ends_with("2099-01.yaml") {
            let at = |line: usize, word: &str| {
                list.iter()
                    .any(|d| d["line"] == line && d["message"].as_str().unwrap().contains(word))
            };
            assert!(at(line_of(&bad_text, "titel:"), "titel"), "{list:?}");
            assert!(at(line_of(&bad_text, "kind:"), "riktlinje"), "{list:?}");
        } else if file.ends_with("2099-02.yaml") {
            assert!(!list.is_empty(), "an almost empty version file is flagged");
        } else {
            assert!(list.is_empty(), "{file}: {list:?}");
        }
    }
    let keys = answer["complete"][0].as_array().unwrap();
    let doc = |label: &str| {
        let item = keys.iter().find(|i| i["label"] == label);
        let item = item.unwrap_or_else(|| panic!("`{label}` is not completed: {keys:?}"));
        item["documentation"].as_str().unwrap().to_owned()
    };
    for key in [
        "title",
        "valid_from",
        "publisher",
        "sections",
        "interventions",
    ] {
        assert!(
            !doc(key).is_empty(),
            "`{key}` is completed without its description"
        );
    }
    assert!(
        doc("valid_from").chars().any(|c| "åäö".contains(c)),
        "{}",
        doc("valid_from")
    );
    let words: Vec<&str> = answer["complete"][1]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(
        words.contains(&"riktlinje") && words.contains(&"tillampningsanvisning"),
        "{words:?}"
    );
    let hover = answer["hover"][0].as_str().unwrap();
    assert!(
        hover.chars().any(|c| "åäö".contains(c)),
        "hover shows no Swedish description: {hover:?}"
    );
}
