//! Policy tests, as `opa test` and `openfisca test` do them: cases with expected
//! outcomes in `policy/<doc>/tests/*.yaml`, run against the policy, with coverage
//! per criterion (each seen *uppfyllt*, *ej uppfyllt* and *ej utrett*).

use std::collections::BTreeMap;
use std::path::PathBuf;

use jiff::civil::Date;

use crate::diag::{Diagnostic, Diagnostics};
use crate::eval::{Engine, Outcome, case};
use crate::load::decode::MapReader;
use crate::load::schema::SchemaGen;
use crate::load::yaml::{Node, NodeKind};
use crate::load::{SourceTree, is_yaml, read_yaml};
use crate::rules::Tri;
use crate::source::{Sources, Span};

/// What one test expects for one intervention.
#[derive(Debug)]
pub struct Expectation {
    /// The intervention's id.
    pub intervention: String,
    /// The outcome.
    pub outcome: Outcome,
    /// Exactly these criteria not met, if given.
    pub not_met: Option<Vec<String>>,
    /// Exactly these facts missing, if given.
    pub missing: Option<Vec<String>>,
    /// Exactly these duties, if given.
    pub duties: Option<Vec<String>>,
    /// The period, if given.
    pub period: Option<(Date, Date)>,
    /// The level's name (`3`), if given, and where it is written.
    pub level: Option<crate::source::Spanned<String>>,
    /// Amounts the intervention decides, each with its expected exact value.
    pub amounts: Vec<ExpectedAmount>,
}

/// An amount a test expects: `hemtjanstavgift: "1 372 kr"`.
#[derive(Debug)]
pub struct ExpectedAmount {
    /// The amount's id.
    pub id: String,
    /// The value, exactly.
    pub value: crate::model::Number,
    /// The unit written after the number (`kr`), if any; compared with the amount's.
    pub unit: Option<String>,
    /// Where the value is written.
    pub span: Span,
}

/// An expected amount as a test writes it: `1372`, `1 372`, `1372,00`, `1372.5`,
/// `1 372 kr`, `-5`; digits may be grouped with spaces (also no-break and thin spaces),
/// the decimal sign is a comma or a point, and a unit may follow. Returns the exact value
/// and the unit; `None` when the text is no such number.
pub fn parse_expected_amount(text: &str) -> Option<(crate::model::Number, Option<String>)> {
    let t = text.trim();
    let end = t
        .char_indices()
        .find(|(_, c)| {
            !(c.is_ascii_digit()
                || matches!(
                    c,
                    ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | ',' | '.' | '-'
                ))
        })
        .map_or(t.len(), |(i, _)| i);
    let (number, unit) = t.split_at(end);
    let digits: String = number
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}'))
        .collect();
    // Spaces group digits; they may not split a number from its decimals or sign.
    let grouped_ok = number
        .trim_end()
        .split([' ', '\u{a0}', '\u{202f}', '\u{2009}'])
        .skip(1)
        .all(|g| {
            g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit())
                || g.len() > 3
                    && g.as_bytes()[..3].iter().all(u8::is_ascii_digit)
                    && matches!(g.as_bytes()[3], b',' | b'.')
        });
    if !grouped_ok {
        return None;
    }
    let value = crate::model::parse_decimal(&digits)?;
    let unit = unit.trim();
    Some((value, (!unit.is_empty()).then(|| unit.to_owned())))
}

/// One test: a case and what it should give.
#[derive(Debug)]
pub struct Test {
    /// Its name.
    pub name: String,
    /// The document folder the test file is in.
    pub document: String,
    /// The case.
    pub case: case::Case,
    /// The date that chooses the version (and the parameters), if not the application date.
    pub date: Option<Date>,
    /// The version the test is pinned to (`version:`), whatever its date chooses.
    pub version: Option<String>,
    /// Expectations per intervention.
    pub expect: Vec<Expectation>,
    /// Where the test is written.
    pub span: Span,
}

/// The outcome of one test.
#[derive(Debug)]
pub struct TestResult {
    /// The test's name.
    pub name: String,
    /// `file:line:column` of the test.
    pub at: String,
    /// Empty when it passed; otherwise what differed, in plain words.
    pub failures: Vec<String>,
    /// The evaluation explained, when it failed.
    pub explanation: Option<String>,
}

/// Coverage of one criterion.
#[derive(Debug, Default, Clone, Copy)]
pub struct Seen {
    /// Seen uppfyllt.
    pub met: bool,
    /// Seen ej uppfyllt.
    pub not_met: bool,
    /// Seen ej utrett.
    pub missing: bool,
}

/// A whole run.
#[derive(Debug, Default)]
pub struct Run {
    /// Every test's result, in file order.
    pub results: Vec<TestResult>,
    /// Coverage per (document, version, criterion id), for every riktlinje criterion.
    pub coverage: BTreeMap<(String, String, String), Seen>,
}

impl Run {
    /// Tests that failed.
    pub fn failed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| !r.failures.is_empty())
            .count()
    }

    /// Per version (document, label, in order): criterion states seen and in all.
    pub fn coverage_by_version(&self) -> Vec<((&str, &str), usize, usize)> {
        let mut out: Vec<((&str, &str), usize, usize)> = Vec::new();
        for ((doc, version, _), s) in &self.coverage {
            let seen = usize::from(s.met) + usize::from(s.not_met) + usize::from(s.missing);
            match out.last_mut() {
                Some((key, n, all)) if *key == (doc.as_str(), version.as_str()) => {
                    *n += seen;
                    *all += 3;
                }
                _ => out.push(((doc, version), seen, 3)),
            }
        }
        out
    }

    /// Per cent of criterion states (three per criterion) seen by some test.
    pub fn coverage_percent(&self) -> f64 {
        if self.coverage.is_empty() {
            return 100.0;
        }
        let seen: usize = self
            .coverage
            .values()
            .map(|s| usize::from(s.met) + usize::from(s.not_met) + usize::from(s.missing))
            .sum();
        100.0 * seen as f64 / (3 * self.coverage.len()) as f64
    }
}

/// Reads every `tests/*.yaml` under the policy's document folders.
pub fn load(
    tree: &dyn SourceTree,
    engine: &Engine<'_>,
    sources: &mut Sources,
    d: &mut Diagnostics,
) -> Vec<Test> {
    let mut tests = Vec::new();
    for doc in &engine.policy.documents {
        let dir = PathBuf::from(&doc.id).join("tests");
        let Ok(files) = tree.list(&dir) else { continue };
        for (file, is_dir) in files {
            if is_dir || !is_yaml(&file) || file.starts_with('.') {
                continue;
            }
            let Some((_, node)) = read_yaml(tree, &dir.join(&file), sources, d) else {
                continue;
            };
            tests.extend(decode_file(&node, &doc.id, engine, d));
        }
    }
    let mut names = crate::check::Ids::new("test");
    let spanned: Vec<crate::source::Spanned<String>> = tests
        .iter()
        .map(|t| crate::source::Spanned::new(format!("{}/{}", t.document, t.name), t.span))
        .collect();
    for n in &spanned {
        names.add(n, d);
    }
    tests
}

/// Reads the tests of one file, or of every YAML file in one folder, as tests of
/// document `doc` (for `diff --cases`, which tries them under two versions).
pub fn load_path(
    path: &std::path::Path,
    doc: &str,
    engine: &Engine<'_>,
    sources: &mut Sources,
    d: &mut Diagnostics,
) -> Result<Vec<Test>, String> {
    let (tree, files) = if path.is_dir() {
        let tree = crate::load::DiskTree::new(path)?;
        let files = tree
            .list(std::path::Path::new(""))
            .map_err(|e| format!("cannot list `{}` ({e})", path.display()))?
            .into_iter()
            .filter(|(f, dir)| !dir && is_yaml(f) && !f.starts_with('.'))
            .map(|(f, _)| PathBuf::from(f))
            .collect::<Vec<_>>();
        (tree, files)
    } else {
        // A test file named through a link is read where the link leads.
        let real = crate::load::followed(path);
        let dir = real
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        let name = real.file_name().map(PathBuf::from).unwrap_or_default();
        (crate::load::DiskTree::new(dir)?, vec![name])
    };
    let mut tests = Vec::new();
    for f in files {
        if let Some((_, node)) = read_yaml(&tree, &f, sources, d) {
            tests.extend(decode_file(&node, doc, engine, d));
        }
    }
    Ok(tests)
}

/// The JSON Schema of a policy test file (`<document>/tests/*.yaml`), generated from
/// its decoder.
pub fn schema(g: &mut SchemaGen) -> serde_json::Value {
    g.object("test-file", |n, d| {
        let policy = crate::model::Policy::default();
        if let Ok(engine) = Engine::new(&policy) {
            decode_file(n, "", &engine, d);
        }
    })
}

fn decode_file(node: &Node, doc: &str, engine: &Engine<'_>, d: &mut Diagnostics) -> Vec<Test> {
    let Some(mut m) = MapReader::new(node, "test file", d) else {
        return Vec::new();
    };
    let tests = m.node_as("tests", |g| {
        let one = g.object("test", |n, d| {
            let policy = crate::model::Policy::default();
            if let Ok(engine) = Engine::new(&policy) {
                decode_test(n, "", &engine, d);
            }
        });
        serde_json::json!({"type": "array", "items": one})
    });
    m.finish(d);
    let Some(tests) = tests else {
        d.push(Diagnostic::error(
            "missing-field",
            node.span,
            "a test file has a list under `tests:`",
        ));
        return Vec::new();
    };
    let NodeKind::Seq(items) = &tests.kind else {
        crate::load::decode::wrong_type(tests, "a list of tests", d);
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|t| decode_test(t, doc, engine, d))
        .collect()
}

fn decode_test(node: &Node, doc: &str, engine: &Engine<'_>, d: &mut Diagnostics) -> Option<Test> {
    let mut m = MapReader::new(node, "test", d)?;
    let name = m.required::<String>("name", d);
    let date = m.optional::<Date>("date", d);
    let version = m.optional::<crate::model::Text>("version", d);
    if let Some(label) = &version {
        if engine.version(doc, &label.value).is_none() {
            let known: Vec<&str> = engine
                .versions
                .iter()
                .filter(|v| v.doc.id == doc)
                .map(|v| v.version.version.value.as_str())
                .collect();
            let mut diag = Diagnostic::error(
                "unknown-reference",
                label.span,
                format!(
                    "`{doc}` has no version `{}` with interventions",
                    label.value
                ),
            );
            diag = match crate::diag::did_you_mean(&label.value, known.iter().copied()) {
                Some(b) => diag.with_hint(format!("did you mean `{b}`?")),
                None => diag.with_hint(format!("its versions are {}", crate::diag::list(&known))),
            };
            d.push(diag);
        }
    }
    let case_node = m.node_as("case", case::schema);
    let case = case_node.and_then(|n| case::decode(n, engine.policy, &engine.roles, d));
    if case_node.is_none() {
        m.required::<String>("case", d);
    }
    let expect_node = m.node_as("expect", |g| {
        let one = g.object("expectation", |n, d| {
            decode_expectation(n, String::new(), d);
        });
        serde_json::json!({"type": "object", "minProperties": 1, "additionalProperties": one})
    });
    if expect_node.is_none() {
        m.required::<String>("expect", d);
    }
    m.finish(d);
    let mut expect = Vec::new();
    match expect_node.map(|n| (n, &n.kind)) {
        Some((n, NodeKind::Map(entries))) if entries.is_empty() => {
            // A test that expects nothing passes whatever happens.
            d.push(
                Diagnostic::error("missing-field", n.span, "this test expects nothing")
                    .with_hint("give the expected outcome of at least one intervention, e.g. `socialpsykiatri: {outcome: beviljas}`"),
            );
        }
        Some((_, NodeKind::Map(entries))) => {
            for (k, v) in entries {
                let intervention = k.as_scalar().unwrap_or_default().to_string();
                if let Some(e) = decode_expectation(v, intervention, d) {
                    expect.push(e);
                }
            }
        }
        Some((n, _)) => {
            crate::load::decode::wrong_type(n, "a mapping from intervention to expected outcome", d)
        }
        None => {}
    }
    if expect.is_empty() {
        // Every reason has been reported above.
        return None;
    }
    Some(Test {
        name: name?,
        document: doc.to_string(),
        case: case?,
        date,
        version: version.map(|v| v.value),
        expect,
        span: node.span,
    })
}

fn decode_expectation(
    node: &Node,
    intervention: String,
    d: &mut Diagnostics,
) -> Option<Expectation> {
    let mut m = MapReader::new(node, "expectation", d)?;
    let outcome = m
        .choice(
            "outcome",
            "outcome",
            &Outcome::ALL.map(Outcome::code),
            true,
            d,
        )
        .map(|i| Outcome::ALL[i.value]);
    let not_met = m.optional::<Vec<String>>("not_met", d);
    let missing = m.optional::<Vec<String>>("missing", d);
    let duties = m.optional::<Vec<String>>("duties", d);
    let period = m
        .node_as("period", |g| {
            g.object("period", |n, d| {
                period(n, d);
            })
        })
        .and_then(|n| period(n, d));
    let level = m.optional::<crate::model::Text>("level", d);
    let amounts = m
        .node_as("amounts", |_| {
            serde_json::json!({"type": ["object", "null"], "additionalProperties": {"type": ["string", "number"]}})
        })
        .map(|n| decode_amounts(n, d))
        .unwrap_or_default();
    m.finish(d);
    Some(Expectation {
        intervention,
        outcome: outcome?,
        not_met,
        missing,
        duties,
        period,
        level,
        amounts,
    })
}

/// `period: {from: …, until: …}`: the period a grant is expected to run.
fn period(node: &Node, d: &mut Diagnostics) -> Option<(Date, Date)> {
    let mut p = MapReader::new(node, "period", d)?;
    let from = p.required::<Date>("from", d);
    let until = p.required::<Date>("until", d);
    p.finish(d);
    Some((from?, until?))
}

/// `amounts: {hemtjanstavgift: "1 372 kr", maxavgift: 2642.08}`.
fn decode_amounts(node: &Node, d: &mut Diagnostics) -> Vec<ExpectedAmount> {
    let NodeKind::Map(entries) = &node.kind else {
        if !node.is_null() {
            crate::load::decode::wrong_type(
                node,
                "a mapping from amount id to its value, e.g. `{hemtjanstavgift: \"1 372 kr\"}`",
                d,
            );
        }
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in entries {
        let Some(id) = k.as_scalar().filter(|s| !s.trim().is_empty()) else {
            crate::load::decode::wrong_type(k, "an amount id", d);
            continue;
        };
        match v.as_scalar().and_then(parse_expected_amount) {
            Some((value, unit)) => out.push(ExpectedAmount {
                id: id.to_owned(),
                value,
                unit,
                span: v.span,
            }),
            None => d.push(
                Diagnostic::error(
                    "wrong-type",
                    v.span,
                    format!("the expected `{id}` is not an amount"),
                )
                .with_hint(
                    "write a number, e.g. `1372`, `\"1 372\"`, `\"1372,00\"` or `\"1 372 kr\"`",
                ),
            ),
        }
    }
    out
}

fn set(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

/// Runs the tests; coverage counts every criterion of every riktlinje version.
pub fn run(engine: &Engine<'_>, sources: &Sources, tests: &[Test]) -> Run {
    let mut run = Run::default();
    for v in &engine.versions {
        for c in &v.criteria {
            run.coverage.insert(
                (
                    v.doc.id.clone(),
                    v.version.version.value.clone(),
                    c.criterion.id.value.clone(),
                ),
                Seen::default(),
            );
        }
    }
    for t in tests {
        let at = sources.locate(t.span);
        let mut failures = Vec::new();
        let evaluation = match &t.version {
            Some(label) => match engine.version(&t.document, label) {
                Some(v) => engine.evaluate_pinned(v, &t.case, t.date),
                None => Err(crate::eval::EvalError(format!("no version `{label}`"))),
            },
            None => engine.evaluate(&t.case, Some(&t.document), t.date),
        };
        let e = match evaluation {
            Ok(e) => e,
            Err(err) => {
                run.results.push(TestResult {
                    name: t.name.clone(),
                    at,
                    failures: vec![format!("could not be evaluated: {err}")],
                    explanation: None,
                });
                continue;
            }
        };
        let v = e.version;
        for r in &e.interventions {
            for cr in &r.criteria {
                let key = (
                    v.doc.id.clone(),
                    v.version.version.value.clone(),
                    v.criteria[cr.index].criterion.id.value.clone(),
                );
                let seen = run.coverage.entry(key).or_default();
                match cr.result {
                    Tri::True => seen.met = true,
                    Tri::False => seen.not_met = true,
                    Tri::Unknown => seen.missing = true,
                }
            }
        }
        for x in &t.expect {
            let Some(r) = e
                .interventions
                .iter()
                .find(|r| v.interventions[r.index].intervention.id.value == x.intervention)
            else {
                failures.push(format!(
                    "`{}` was not applied for in the case",
                    x.intervention
                ));
                continue;
            };
            let ci = &v.interventions[r.index];
            if r.outcome != x.outcome {
                failures.push(format!(
                    "`{}`: expected {}, got {}",
                    x.intervention,
                    x.outcome.swedish(),
                    r.outcome.swedish()
                ));
            }
            let ids = |want: Tri| -> Vec<String> {
                r.criteria
                    .iter()
                    .filter(|c| c.result == want)
                    .map(|c| v.criteria[c.index].criterion.id.value.clone())
                    .collect()
            };
            if let Some(want) = &x.not_met {
                let got = set(ids(Tri::False));
                if set(want.clone()) != got {
                    failures.push(format!(
                        "`{}`: expected not met {:?}, got {:?}",
                        x.intervention,
                        set(want.clone()),
                        got
                    ));
                }
            }
            if let Some(want) = &x.missing {
                let got = set(
                    crate::eval::report::intervention_missing(engine, &t.case, &e, r)
                        .into_iter()
                        .map(|m| m.fact)
                        .collect(),
                );
                if set(want.clone()) != got {
                    failures.push(format!(
                        "`{}`: expected missing {:?}, got {:?}",
                        x.intervention,
                        set(want.clone()),
                        got
                    ));
                }
            }
            if let Some(want) = &x.duties {
                let got = set(r
                    .duties
                    .iter()
                    .map(|(k, _)| ci.duties[*k].0.id.value.clone())
                    .collect());
                if set(want.clone()) != got {
                    failures.push(format!(
                        "`{}`: expected duties {:?}, got {:?}",
                        x.intervention,
                        set(want.clone()),
                        got
                    ));
                }
            }
            check_extent(&mut failures, sources, engine, &t.case, &e, r, x);
            if let Some((from, until)) = x.period {
                let got = r.period.map(|p| (p.from, p.until));
                if got != Some((from, until)) {
                    let shown =
                        got.map_or_else(|| "none".to_string(), |(a, b)| format!("{a} – {b}"));
                    failures.push(format!(
                        "`{}`: expected the period {from} – {until}, got {shown}",
                        x.intervention
                    ));
                }
            }
        }
        let explanation =
            (!failures.is_empty()).then(|| crate::eval::report::human(engine, &t.case, &e));
        run.results.push(TestResult {
            name: t.name.clone(),
            at,
            failures,
            explanation,
        });
    }
    run
}

/// Compares the expected level and amounts with those of `r`, each failure with the
/// place of the expectation and, for an amount, its arithmetic.
fn check_extent(
    failures: &mut Vec<String>,
    sources: &Sources,
    engine: &Engine<'_>,
    case: &case::Case,
    e: &crate::eval::Evaluation<'_, '_>,
    r: &crate::eval::InterventionResult,
    x: &Expectation,
) {
    let v = e.version;
    let i = v.interventions[r.index].intervention;
    if let Some(want) = &x.level {
        let at = sources.locate(want.span);
        match (&i.extent.level, &r.extent) {
            (None, _) => failures.push(format!(
                "`{}`: expected level {} ({at}), but the intervention has no level table",
                x.intervention, want.value
            )),
            (Some(_), None) => failures.push(format!(
                "`{}`: expected level {} ({at}), got none: the intervention is not granted",
                x.intervention, want.value
            )),
            (Some(_), Some(ext)) => {
                let got = ext.level.as_ref();
                let name = got.and_then(|l| {
                    l.row
                        .map(|row| v.version.levels[l.table].rows[row].level.value.as_str())
                });
                if name != Some(want.value.as_str()) {
                    let how = got
                        .map(|l| crate::eval::report::level_sentence(engine.policy, v, l))
                        .unwrap_or_default();
                    failures.push(format!(
                        "`{}`: expected level {} ({at}), got {}\n    {how}",
                        x.intervention,
                        want.value,
                        name.unwrap_or("none")
                    ));
                }
            }
        }
    }
    for want in &x.amounts {
        let at = sources.locate(want.span);
        let Some(k) = i
            .extent
            .amounts
            .iter()
            .any(|a| a.value == want.id)
            .then(|| v.version.amounts.iter().position(|a| a.id.value == want.id))
            .flatten()
        else {
            let decided: Vec<&str> = i.extent.amounts.iter().map(|a| a.value.as_str()).collect();
            failures.push(format!(
                "`{}`: expected amount `{}` ({at}), but the intervention decides {}",
                x.intervention,
                want.id,
                if decided.is_empty() {
                    "no amount".to_owned()
                } else {
                    crate::diag::list(&decided)
                }
            ));
            continue;
        };
        let a = &v.version.amounts[k];
        let shown = crate::eval::extent::amount_text(a, &want.value);
        if let Some(unit) = &want.unit {
            let same = unit == a.unit.value.trim()
                || (a.is_money() && matches!(unit.as_str(), "kr" | "kronor"));
            if !same {
                failures.push(format!(
                    "`{}`: expected `{}` in {unit} ({at}), but it is in {}",
                    x.intervention, want.id, a.unit.value
                ));
                continue;
            }
        }
        let Some(ext) = &r.extent else {
            failures.push(format!(
                "`{}`: expected `{}` {shown} ({at}), got none: the intervention is not granted",
                x.intervention, want.id
            ));
            continue;
        };
        let got = ext.amount(k).and_then(|g| g.value);
        if got != Some(want.value) {
            let mut msg = format!(
                "`{}`: expected `{}` {shown} ({at}), got {}",
                x.intervention,
                want.id,
                got.map_or_else(
                    || "none (ej utrett)".to_owned(),
                    |g| crate::eval::extent::amount_text(a, &g)
                )
            );
            for step in crate::eval::extent::chain(v, k) {
                if let Some(line) =
                    crate::eval::extent::arithmetic(v, engine.policy, case, e.date, ext, step)
                {
                    msg.push_str("\n    ");
                    msg.push_str(&line);
                }
            }
            failures.push(msg);
        }
    }
}

/// The coverage table and totals, as text.
pub fn coverage_text(run: &Run) -> String {
    let mut s = String::from("Täckning per kriterium (uppfyllt / ej uppfyllt / ej utrett):\n");
    for ((doc, version, id), seen) in &run.coverage {
        let mark = |b: bool| if b { "✓" } else { "·" };
        s.push_str(&format!(
            "  {}  {}  {}   {doc} {version} {id}\n",
            mark(seen.met),
            mark(seen.not_met),
            mark(seen.missing)
        ));
    }
    s.push_str(&format!(
        "Täckning: {:.1} % av {} kriterietillstånd\n",
        run.coverage_percent(),
        3 * run.coverage.len()
    ));
    s
}

/// One line per version: how many of its criterion states the tests saw. A new
/// version starts untested: its criteria count only once a test runs against it.
pub fn coverage_by_version_text(run: &Run) -> String {
    let mut s = String::from("Täckning per version:\n");
    for ((doc, version), seen, all) in run.coverage_by_version() {
        s.push_str(&format!(
            "  {:>5.1} %  {doc} {version} ({seen} av {all} kriterietillstånd)\n",
            100.0 * seen as f64 / all as f64
        ));
    }
    s
}
