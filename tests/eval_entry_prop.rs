//! One case, three entry points: a case file (YAML), a JSON Lines row and a CSV row of
//! `eval --cases` must agree. Cases are generated over the shipped policy's facts,
//! interventions and assessments, with some values out of range or of the wrong kind;
//! each is written in the three forms, and must decode to the same case (or fail with
//! the same wording), and be evaluated with the same outcome, criteria and missing facts.

mod common;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;
use styrdok::eval::Engine;
use styrdok::eval::batch::{self, Format};
use styrdok::model::{EnumValue, FactSource, FactType, Policy};
use styrdok::rules::Tri;
use styrdok::source::Sources;

/// A value as generated: written the same in the three forms (a text in CSV).
#[derive(Debug, Clone)]
enum Val {
    Bool(bool),
    Int(i64),
    /// Dates, enum words, wrong kinds.
    Str(String),
}

#[derive(Debug, Clone)]
struct Gen {
    date: String,
    interventions: Vec<String>,
    facts: Vec<(String, Val)>,
    /// Assessments: fact, value, who (an empty `av` is an error in every form).
    assessments: Vec<(String, Val, String)>,
}

fn value(ty: &FactType) -> BoxedStrategy<Val> {
    let wrong = prop_oneof![
        Just(Val::Str("kanske".into())),
        Just(Val::Str("2023-02-30".into())),
        Just(Val::Int(-5)),
        Just(Val::Bool(true)),
    ];
    let right = match ty {
        FactType::Bool => any::<bool>().prop_map(Val::Bool).boxed(),
        FactType::Integer { min, max } => {
            let lo = min.unwrap_or(-10).max(-1000);
            let hi = max.unwrap_or(lo + 100).min(lo + 1000);
            (lo..=hi).prop_map(Val::Int).boxed()
        }
        FactType::Date => (1930i16..2030, 1i8..=12, 1i8..=28)
            .prop_map(|(y, m, d)| Val::Str(format!("{y:04}-{m:02}-{d:02}")))
            .boxed(),
        FactType::Money => (0i64..60_000).prop_map(Val::Int).boxed(),
        FactType::Enum(values) => prop::sample::select(values.clone())
            .prop_map(|v| match v {
                EnumValue::Int(i) => Val::Int(i),
                EnumValue::Word(w) => Val::Str(w),
            })
            .boxed(),
    };
    prop_oneof![9 => right, 1 => wrong].boxed()
}

fn cases(policy: &Policy, engine: &Engine<'_>) -> BoxedStrategy<Gen> {
    let mut interventions: Vec<String> = policy
        .documents
        .iter()
        .flat_map(|d| &d.versions)
        .flat_map(|v| v.interventions.iter().map(|i| i.id.value.clone()))
        .collect();
    interventions.sort();
    interventions.dedup();
    let plain: Vec<_> = policy
        .facts
        .iter()
        .filter(|f| f.source.value != FactSource::Assessment)
        .map(|f| (f.id.value.clone(), value(&f.ty.value)))
        .collect();
    let assessed: Vec<_> = policy
        .facts
        .iter()
        .filter(|f| f.source.value == FactSource::Assessment)
        .map(|f| (f.id.value.clone(), value(&f.ty.value)))
        .collect();
    let _ = engine;
    let pick = |all: Vec<(String, BoxedStrategy<Val>)>| {
        let n = all.len();
        prop::sample::subsequence(all, 0..=n.min(12)).prop_flat_map(|chosen| {
            chosen
                .into_iter()
                .map(|(id, v)| v.prop_map(move |v| (id.clone(), v)))
                .collect::<Vec<_>>()
        })
    };
    let who = prop_oneof![9 => Just("Anna A".to_string()), 1 => Just(String::new())];
    (
        prop_oneof![
            20 => (2021i16..2027, 1i8..=12, 1i8..=28)
                .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
            1 => Just("2023-02-30".to_string()),
            1 => Just("1800-01-01".to_string()),
        ],
        prop_oneof![
            20 => prop::sample::subsequence(interventions, 1..=2),
            1 => Just(vec!["okand-insats".to_string()]),
        ],
        pick(plain),
        pick(assessed),
        prop::collection::vec(who, 12),
    )
        .prop_map(|(date, interventions, facts, assessed, who)| Gen {
            date,
            interventions,
            facts,
            assessments: assessed
                .into_iter()
                .zip(who)
                .map(|((f, v), w)| (f, v, w))
                .collect(),
        })
        .boxed()
}

fn yaml_scalar(v: &Val) -> String {
    match v {
        Val::Bool(b) => b.to_string(),
        Val::Int(i) => i.to_string(),
        Val::Str(s) => format!("\"{s}\""),
    }
}

fn json_value(v: &Val) -> Value {
    match v {
        Val::Bool(b) => Value::Bool(*b),
        Val::Int(i) => Value::from(*i),
        Val::Str(s) => Value::from(s.as_str()),
    }
}

fn csv_cell(v: &Val) -> String {
    match v {
        // The same text as JSON's `true`: CSV reads it as a boolean too (ja/nej are
        // tested in tests/batch.rs).
        Val::Bool(b) => b.to_string(),
        Val::Int(i) => i.to_string(),
        Val::Str(s) => s.clone(),
    }
}

fn yaml(g: &Gen) -> String {
    let mut s = format!(
        "arende: p1\nansokningsdatum: {}\ninsatser: [{}]\n",
        g.date,
        g.interventions.join(", ")
    );
    if !g.facts.is_empty() {
        s.push_str("fakta:\n");
        for (f, v) in &g.facts {
            s.push_str(&format!("  {f}: {}\n", yaml_scalar(v)));
        }
    }
    if !g.assessments.is_empty() {
        s.push_str("bedomningar:\n");
        for (f, v, who) in &g.assessments {
            s.push_str(&format!(
                "  {f}: {{varde: {}, av: \"{who}\"}}\n",
                yaml_scalar(v)
            ));
        }
    }
    s
}

fn jsonl(g: &Gen) -> String {
    let facts: serde_json::Map<String, Value> = g
        .facts
        .iter()
        .map(|(f, v)| (f.clone(), json_value(v)))
        .collect();
    let assessments: serde_json::Map<String, Value> = g
        .assessments
        .iter()
        .map(|(f, v, who)| {
            (
                f.clone(),
                serde_json::json!({"varde": json_value(v), "av": who}),
            )
        })
        .collect();
    // Keys in the order of the case file and the CSV columns (serde_json's map sorts
    // them): a row reports its first problem, so the order must be the same.
    let mut row = format!(
        "{{\"arende\":\"p1\",\"ansokningsdatum\":\"{}\",\"insatser\":{}",
        g.date,
        serde_json::json!(g.interventions)
    );
    if !facts.is_empty() {
        row.push_str(&format!(
            ",\"fakta\":{}",
            object(
                &g.facts
                    .iter()
                    .map(|(f, v)| (f.clone(), json_value(v)))
                    .collect::<Vec<_>>()
            )
        ));
    }
    if !assessments.is_empty() {
        row.push_str(&format!(
            ",\"bedomningar\":{}",
            object(
                &g.assessments
                    .iter()
                    .map(|(f, v, who)| (
                        f.clone(),
                        serde_json::json!({"varde": json_value(v), "av": who})
                    ))
                    .collect::<Vec<_>>()
            )
        ));
    }
    row.push_str("}\n");
    row
}

/// A JSON object with its keys in the given order.
fn object(entries: &[(String, Value)]) -> String {
    let inner: Vec<String> = entries
        .iter()
        .map(|(k, v)| format!("{}:{v}", Value::from(k.as_str())))
        .collect();
    format!("{{{}}}", inner.join(","))
}

fn csv(g: &Gen) -> String {
    let mut head = vec![
        "arende".to_string(),
        "ansokningsdatum".into(),
        "insatser".into(),
    ];
    let mut row = vec!["p1".to_string(), g.date.clone(), g.interventions.join(";")];
    for (f, v) in &g.facts {
        head.push(f.clone());
        row.push(csv_cell(v));
    }
    for (f, v, who) in &g.assessments {
        head.push(f.clone());
        row.push(csv_cell(v));
        head.push(format!("{f}.av"));
        row.push(who.clone());
    }
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(&head).unwrap();
    w.write_record(&row).unwrap();
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// What an evaluation says, as the batch writes it (without the line, which differs).
fn batch_result(engine: &Engine<'_>, input: &str, format: Format) -> Value {
    let mut out = Vec::new();
    let options = batch::Options {
        document: None,
        date: None,
        input_format: format,
        output_format: Format::Jsonl,
        jobs: 1,
    };
    let r = batch::run(engine, &options, &mut input.as_bytes(), &mut out);
    if let Err(e) = r {
        return serde_json::json!({"stopped": format!("{e:?}")});
    }
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    let mut v: Value = serde_json::from_str(lines.next().expect("one result")).unwrap();
    assert!(lines.next().is_none(), "one row, one result: {text}");
    v.as_object_mut().unwrap().remove("line");
    if let Some(Value::String(e)) = v.get_mut("error") {
        *e = without_place(e);
    }
    v
}

/// A row's error without where in the row it is (`(column 118)`, ``(column `x.av`)``):
/// each form says where in its own terms; what is wrong must be worded alike.
fn without_place(e: &str) -> String {
    match e.rfind(" (column ") {
        Some(at) if e.ends_with(')') => e[..at].to_string(),
        _ => e.to_string(),
    }
}

/// The case file's result in the batch's shape: its errors, or its evaluation.
fn file_result(engine: &Engine<'_>, text: &str) -> Value {
    let mut sources = Sources::default();
    let id = sources.add("case.yaml", text.to_owned());
    let mut d = styrdok::diag::Diagnostics::default();
    let case = styrdok::load::yaml::parse(id, sources.get(id), &mut d)
        .and_then(|n| styrdok::eval::case::decode(&n, engine.policy, &engine.roles, &mut d));
    let errors: Vec<String> = d
        .iter()
        .filter(|x| x.severity == styrdok::diag::Severity::Error)
        .map(|x| x.message.clone())
        .collect();
    let case = match case {
        Some(c) if errors.is_empty() => c,
        // A row stops at one problem; the file reports them all.
        _ => return serde_json::json!({"case": "p1", "errors": errors}),
    };
    match engine.evaluate(&case, None, None) {
        Err(e) => serde_json::json!({"case": "p1", "errors": [e.0]}),
        Ok(e) => {
            let interventions: Vec<Value> = e
                .interventions
                .iter()
                .map(|r| {
                    let ci = &e.version.interventions[r.index];
                    let ids = |t: Tri| {
                        r.criteria
                            .iter()
                            .filter(|c| c.result == t)
                            .map(|c| e.version.criteria[c.index].criterion.id.value.clone())
                            .collect::<Vec<_>>()
                    };
                    serde_json::json!({
                        "id": ci.intervention.id.value,
                        "outcome": r.outcome.code(),
                        "not_met": ids(Tri::False),
                        "not_established": ids(Tri::Unknown),
                    })
                })
                .collect();
            serde_json::json!({
                "case": "p1",
                "document": e.version.doc.id,
                "version": e.version.version.version.value,
                "interventions": interventions,
            })
        }
    }
}

/// The parts of a batch result a case file's evaluation gives too.
fn comparable(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(is) = v.get_mut("interventions").and_then(Value::as_array_mut) {
        for i in is {
            let o = i.as_object_mut().unwrap();
            o.retain(|k, _| matches!(k.as_str(), "id" | "outcome" | "not_met" | "not_established"));
        }
    }
    v
}

#[test]
fn a_case_file_a_json_row_and_a_csv_row_are_evaluated_alike() {
    let (policy, d) = common::checked(&common::shipped());
    assert!(!d.has_errors());
    let engine = Engine::new(&policy).unwrap();
    let n = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256);
    let mut runner = TestRunner::new(Config {
        cases: n,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&cases(&policy, &engine), |g| {
        let (y, j, c) = (yaml(&g), jsonl(&g), csv(&g));
        let from_json = batch_result(&engine, &j, Format::Jsonl);
        let from_csv = batch_result(&engine, &c, Format::Csv);
        let from_file = file_result(&engine, &y);
        for (form, row, text) in [("JSON Lines", &from_json, &j), ("CSV", &from_csv, &c)] {
            match (row.get("error"), from_file.get("errors")) {
                // A row stops at one problem, the file reports them all: the row's must
                // be one of them, worded alike.
                (Some(e), Some(all)) => prop_assert!(
                    all.as_array().unwrap().contains(e),
                    "{form}'s error is not among the case file's\n{e}\n{all}\n{y}\n{text}"
                ),
                (None, None) => prop_assert_eq!(
                    comparable(row),
                    from_file.clone(),
                    "the case file and the {} row are evaluated differently\n{}\n{}",
                    form,
                    y,
                    text
                ),
                _ => prop_assert!(
                    false,
                    "one form is read, the other not\n{form}: {row}\nfile: {from_file}\n{y}\n{text}"
                ),
            }
        }
        if from_json.get("error").is_none() {
            // missing facts, periods, duties, levels and amounts too
            prop_assert_eq!(
                &from_json,
                &from_csv,
                "JSON Lines and CSV differ\n{}\n{}",
                j,
                c
            );
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
