//! Text that shows nothing is empty: a required text holding only white space (no-break
//! spaces, invisible characters, `&nbsp;`) is `missing-field` at the value, an optional one
//! is left out with a `blank-text` warning, and nothing blank is published.
//!
//! Tested as a class: every value of every key of the shipped policy, and of its policy
//! tests (whose cases are case files), is made blank, one key at a time; each must be
//! reported on its own line, with the code its key's kind calls for.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use styrdok::diag::Diagnostics;
use styrdok::load::MemoryTree;
use styrdok::load::yaml::{Node, NodeKind};
use styrdok::source::Sources;

/// What every blanked value becomes: no-break spaces (U+00A0, U+202F, U+2007), a word
/// joiner, a zero-width space and an HTML entity of a no-break space.
const BLANK: &str = "\" \u{a0}\u{202f}\u{2007}\u{2060}\u{200b}&nbsp; \"";

/// Where a diagnostic is: file as shown, line, code.
type Found = BTreeSet<(String, usize, &'static str)>;
/// The byte ranges of one key's values, by the index of their file.
type Spans = BTreeMap<usize, Vec<(usize, usize)>>;

/// The YAML files under `root` whose relative path `keep` accepts, with their text.
fn yaml_files(root: &Path, keep: impl Fn(&str) -> bool) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for rel in common::files(root) {
        let rel = rel.to_string_lossy().replace('\\', "/");
        if rel.starts_with('.') || !styrdok::load::is_yaml(&rel) || !keep(&rel) {
            continue;
        }
        let text = std::fs::read_to_string(root.join(&rel)).unwrap();
        out.push((rel, text));
    }
    out
}

/// Every scalar value in a file (a mapping's value, or an item of a list that is a
/// mapping's value), with the key that holds it and its byte range.
fn values(node: &Node, key: Option<&str>, out: &mut Vec<(String, usize, usize)>) {
    match &node.kind {
        NodeKind::Scalar(..) if !node.is_null() => {
            if let Some(k) = key {
                out.push((
                    k.to_string(),
                    node.span.start as usize,
                    node.span.end as usize,
                ));
            }
        }
        NodeKind::Scalar(..) => {}
        NodeKind::Seq(items) => {
            for i in items {
                values(i, key, out);
            }
        }
        NodeKind::Map(entries) => {
            for (k, v) in entries {
                values(v, k.as_scalar(), out);
            }
        }
    }
}

/// `text` with the values at `spans` (in order) replaced by [`BLANK`]; the new start of each.
fn blanked(text: &str, spans: &[(usize, usize)]) -> (String, Vec<usize>) {
    let mut out = String::new();
    let mut starts = Vec::new();
    let mut at = 0;
    for &(start, end) in spans {
        // A block scalar's span starts at its text: blank it from its header (`|`, `>-`).
        let before = text[..start].trim_end();
        let header = before.rfind(['|', '>']).filter(|&h| {
            before[h + 1..]
                .bytes()
                .all(|b| b == b'-' || b == b'+' || b.is_ascii_digit())
                && before[..h].ends_with([' ', ':'])
        });
        let start = header.unwrap_or(start);
        out.push_str(&text[at..start]);
        starts.push(out.len());
        out.push_str(BLANK);
        // Its span also takes in the line breaks after it: keep them.
        let value = &text[start..end];
        out.push_str(&value[value.trim_end().len()..]);
        at = end;
    }
    out.push_str(&text[at..]);
    (out, starts)
}

/// The diagnostics as (file, line, code).
fn found(sources: &Sources, diags: &Diagnostics) -> Found {
    diags
        .iter()
        .map(|d| {
            let file = sources.get(d.span.file);
            let shown = file.path.to_string_lossy().replace('\\', "/");
            (shown, file.line_col(d.span.start as usize).0, d.code)
        })
        .collect()
}

/// Blanks the values of each key of `files` in turn (all of that key's values at once)
/// and asks `report` (files → diagnostics; `full` for the slower, complete report) what
/// it finds. Returns, per key, the codes reported on the lines of its blanked values that
/// were not there before, and every blanked value reported by nothing.
fn blank_each_key(
    files: &[(String, String)],
    shown: impl Fn(&str) -> String + Sync,
    report: impl Fn(&[(String, String)], bool) -> Found + Sync,
    exempt: impl Fn(&str) -> bool + Sync,
) -> (BTreeMap<String, BTreeSet<&'static str>>, Vec<String>) {
    let mut by_key: BTreeMap<String, Spans> = BTreeMap::new();
    for (i, (rel, text)) in files.iter().enumerate() {
        let mut sources = Sources::default();
        let id = sources.add(rel, text.clone());
        let mut d = Diagnostics::default();
        let node = styrdok::load::yaml::parse(id, sources.get(id), &mut d).unwrap();
        let mut vals = Vec::new();
        values(&node, None, &mut vals);
        for (key, start, end) in vals {
            by_key
                .entry(key)
                .or_default()
                .entry(i)
                .or_default()
                .push((start, end));
        }
    }
    let before = [report(files, false), report(files, true)];
    // One key at a time, on two threads (each load is independent).
    let one_key = |key: &String, per_file: &Spans| {
        let mut got = BTreeSet::new();
        let mut silent = Vec::new();
        let mut mutated = files.to_vec();
        let mut places = Vec::new();
        for (&i, spans) in per_file {
            let (text, starts) = blanked(&files[i].1, spans);
            let lines: Vec<usize> = starts
                .iter()
                .map(|&at| styrdok::source::line_of(&text, at))
                .collect();
            mutated[i].1 = text;
            places.extend(lines.into_iter().map(|line| (shown(&files[i].0), line)));
        }
        // The quick report finds most; the full one the rest (rules, formulas).
        let codes_at = |full: bool| {
            let now = report(&mutated, full);
            let before = &before[usize::from(full)];
            places
                .iter()
                .map(|(file, line)| {
                    let codes: BTreeSet<&'static str> = now
                        .iter()
                        .filter(|(f, l, c)| {
                            f == file && l == line && !before.contains(&(f.clone(), *l, *c))
                        })
                        .map(|(_, _, c)| *c)
                        .collect();
                    (format!("{file}:{line}"), codes)
                })
                .collect::<Vec<_>>()
        };
        let mut at = codes_at(false);
        if !exempt(key) && at.iter().any(|(_, codes)| codes.is_empty()) {
            at = codes_at(true);
        }
        for (place, codes) in at {
            if codes.is_empty() && !exempt(key) {
                silent.push(format!("{key}: {place}"));
            }
            got.extend(codes);
        }
        (got, silent)
    };
    let keys: Vec<_> = by_key.iter().collect();
    let (first, second) = keys.split_at(keys.len() / 2);
    let run = |part: &[(&String, &Spans)]| {
        part.iter()
            .map(|(k, per_file)| ((*k).clone(), one_key(k, per_file)))
            .collect::<Vec<_>>()
    };
    let results = std::thread::scope(|s| {
        let other = s.spawn(|| run(second));
        let mut r = run(first);
        r.extend(other.join().unwrap());
        r
    });
    let mut got: BTreeMap<String, BTreeSet<&'static str>> = BTreeMap::new();
    let mut silent = Vec::new();
    for (key, (codes, quiet)) in results {
        got.insert(key, codes);
        silent.extend(quiet);
    }
    (got, silent)
}

/// `key: codes` lines, for comparing with what is expected.
fn table(got: &BTreeMap<String, BTreeSet<&'static str>>) -> String {
    let mut out = String::new();
    for (k, codes) in got {
        let codes: Vec<&str> = codes.iter().copied().collect();
        out.push_str(&format!("{k}: {}\n", codes.join(" ")));
    }
    out
}

/// A policy held in memory, loaded (and checked when `full`) as `check` does; the
/// spell check is left off (it finds no blank text, and would be most of the time).
fn policy_report(files: &[(String, String)], full: bool) -> Found {
    let mut tree = MemoryTree::new("policy");
    for (rel, text) in files {
        let text = text.replace("\nspell_check: true", "\nspell_check: false");
        tree = tree.with(rel, text.into_bytes());
    }
    let (policy, mut diags) = styrdok::load::load(&tree);
    if full {
        diags.extend(styrdok::check::check(&policy));
    }
    found(&policy.sources, &diags)
}

#[test]
fn every_blank_value_in_a_policy_is_reported_at_its_line_with_its_keys_code() {
    let files = yaml_files(&common::shipped(), |rel| !rel.contains("/tests/"));
    // A paragraph's text parts may be white space between two references
    // (`[{ref: a}, " ", {ref: b}]`); a paragraph of nothing else is an error
    // (tests/fixtures/check/blank-text).
    let (got, silent) = blank_each_key(
        &files,
        |rel| format!("policy/{rel}"),
        policy_report,
        |key| key == "paragraph",
    );
    assert!(
        silent.is_empty(),
        "blank values nobody reported:\n{}",
        silent.join("\n")
    );
    // Required text: `missing-field`; optional text: `blank-text`; ids, dates, numbers,
    // words from a list and rules: their own errors. Where a key has two codes, it is
    // used in two places (`source` of a term is optional, of a successor required).
    let expected = "\
abbreviation: missing-field
all: bad-id missing-field
amounts: bad-id missing-field
andel: bad-id
any: bad-id missing-field
appeal_under: blank-text
assessed_by: bad-id
assumption: blank-text wrong-type
at_most: wrong-type
basis: bad-id missing-field
by: bad-id
choose: unknown-value
consulting: bad-id
contact: blank-text
continues: bad-id
criteria: bad-id
criterion: bad-id
dagverksamhet_dagar_per_vecka: bad-id
decided_by: blank-text
decision_date: wrong-type
definition: missing-field
description: missing-field
direction: unknown-value
dnr: blank-text missing-field
document: bad-id
document_owner: blank-text
duties: bad-id
evidence: blank-text
extension: bad-id
follow_up_by: blank-text
formula: formula
from: wrong-type
front: wrong-type
group: bad-id
guidance: bad-id
heading: missing-field
hemtjanst_timmar_per_manad: bad-id
id: bad-id
individual: missing-field wrong-type
issued: wrong-type
kind: unknown-value
label: blank-text
lang: missing-field
legal: missing-field
legal_basis: missing-field
level: bad-id missing-field
max: wrong-type
min: wrong-type
months: missing-field wrong-type
name: missing-field
new: missing-field
notes: blank-text
notice: blank-text
numbered: wrong-type
old: missing-field
outcome: unknown-value
paragraph: 
provision: missing-field
publisher: missing-field
question: missing-field
ref: bad-id
reference: missing-field
replaced_by: bad-id
report_from: bad-id
revision_by: blank-text
right: missing-field
route: unknown-value
rule: rule
scope: blank-text
sfs: missing-field
source: blank-text missing-field unknown-value
spell_check: wrong-type
subtitle: blank-text
synonyms: missing-field
target_group: missing-field
term: missing-field
text: missing-field
title: missing-field
title_page_title: blank-text
to: missing-field unknown-value
type: unknown-value
unit: blank-text missing-field
valid_from: wrong-type
valid_until: wrong-type
value: wrong-type
values: missing-field wrong-type
version: bad-id blank-text missing-field
when: rule
words: missing-field
wrong: missing-field
years: missing-field wrong-type
";
    assert_eq!(table(&got), expected);
}

#[test]
fn every_blank_value_in_a_policy_test_or_case_is_reported_at_its_line() {
    let (policy, diags) = common::checked(&common::shipped());
    assert!(!diags.has_errors());
    let engine = styrdok::eval::Engine::new(&policy).unwrap();
    let files = yaml_files(&common::shipped(), |rel| rel.contains("/tests/"));
    let report = |files: &[(String, String)], _full: bool| {
        let mut tree = MemoryTree::new("policy");
        for (rel, text) in files {
            tree = tree.with(rel, text.as_bytes().to_vec());
        }
        let mut sources = Sources::default();
        let mut d = Diagnostics::default();
        styrdok::eval::policytest::load(&tree, &engine, &mut sources, &mut d);
        found(&sources, &d)
    };
    // A fact's value (or an assessment's `varde`) that shows nothing is not known, as an
    // empty CSV cell is: data, not text.
    let is_fact = |key: &str| key == "varde" || policy.facts.iter().any(|f| f.id.value == key);
    let (got, silent) = blank_each_key(&files, |rel| format!("policy/{rel}"), report, is_fact);
    assert!(
        silent.is_empty(),
        "blank values nobody reported:\n{}",
        silent.join("\n")
    );
    // A test's `name`, the assessor `av` and the reasons for särskilda skäl are
    // required text; a pinned `version` is optional.
    let table = table(&got);
    for line in [
        "name: missing-field\n",
        "av: missing-field\n",
        "motivering: missing-field\n",
        "insatser: missing-field\n",
        "version: blank-text\n",
    ] {
        assert!(table.contains(line), "no `{line}` in\n{table}");
    }
}

/// A case file's optional texts (`arende`, `riktlinje`, an assessment's `motivering`)
/// left blank are left out with a warning; its required ones are `missing-field`.
#[test]
fn a_case_files_blank_texts() {
    let (policy, _) = common::checked(&common::shipped());
    let engine = styrdok::eval::Engine::new(&policy).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let case = "\
arende: \"\u{a0}\"
riktlinje: \"&nbsp;\"
ansokningsdatum: 2023-09-01
insatser: [socialpsykiatri, \"\u{200b}\"]
bedomningar:
  stodbehov_arbete: {varde: true, av: \"\u{202f}\", motivering: \"\u{2060}\"}
sarskilda_skal: {manader: 6, motivering: \" \"}
";
    let path: PathBuf = common::write(dir.path(), "c.yaml", case);
    let (sources, _, d) = styrdok::eval::case::load(&path, &policy, &engine.roles).unwrap();
    let got: Vec<(usize, usize, &str, String)> = d
        .iter()
        .map(|x| {
            let (l, c) = sources.get(x.span.file).line_col(x.span.start as usize);
            (l, c, x.code, x.message.clone())
        })
        .collect();
    let want = [
        (1, 9, "blank-text", "`arende` holds only white space"),
        (2, 12, "blank-text", "`riktlinje` holds only white space"),
        (4, 29, "missing-field", "empty entry in a list of text"),
        (6, 56, "blank-text", "`motivering` holds only white space"),
        (
            6,
            39,
            "missing-field",
            "the assessment `stodbehov_arbete` does not say who made it",
        ),
        (7, 42, "missing-field", "`motivering` is empty"),
    ];
    let want: Vec<(usize, usize, &str, String)> = want
        .iter()
        .map(|&(l, c, code, m)| (l, c, code, m.to_string()))
        .collect();
    assert_eq!(got, want);
}
