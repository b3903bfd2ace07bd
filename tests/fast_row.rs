//! The fast path of a JSON Lines row (src/eval/batch/fast.rs) against the serde
//! parser it stands in for: whenever the fast path reads a row, the serde parser must
//! read it too, into the same case, with the same bounds error if any; and the rows a
//! case management export writes must take the fast path (else a million-case batch is
//! three times slower without a word). Rows are read one after another into one case,
//! as a batch reads them, so that buffers reused from the row before are tested too.

mod common;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use styrdok::eval::batch::{self, Lookup};
use styrdok::eval::{Case, Engine};
use styrdok::model::{EnumValue, FactSource, FactType, Policy};

#[path = "../benches/support/cases.rs"]
mod bench_cases;

fn shipped() -> Policy {
    let (policy, d) = common::checked(&common::shipped());
    assert!(!d.has_errors());
    policy
}

/// Reads `rows` in turn into one reused case by the fast path and into another by the
/// serde parser, comparing each row's result; returns how many the fast path read.
fn agree(engine: &Engine<'_>, rows: &[String]) -> Result<usize, String> {
    let lookup = Lookup::new(engine);
    let mut fast = batch::blank(engine);
    let mut serde = batch::blank(engine);
    let mut taken = 0;
    for row in rows {
        let slow = batch::parse_json_row_serde(engine, &lookup, row.as_bytes(), &mut serde);
        match batch::parse_json_row_fast(engine, &lookup, row.as_bytes(), &mut fast) {
            None => {
                // Given up: the batch reads the row with serde, into the same case.
                let _ = batch::parse_json_row(engine, &lookup, row.as_bytes(), &mut fast);
            }
            Some(got) => {
                taken += 1;
                if got != slow {
                    return Err(format!(
                        "row {row}\n  fast path: {got:?}\n  serde:     {slow:?}"
                    ));
                }
            }
        }
        if slow.is_ok() && show(&fast) != show(&serde) {
            return Err(format!(
                "row {row}\n  fast path: {}\n  serde:     {}",
                show(&fast),
                show(&serde)
            ));
        }
    }
    Ok(taken)
}

fn show(case: &Case) -> String {
    format!("{case:?}")
}

#[test]
fn the_rows_an_export_writes_take_the_fast_path() {
    let policy = shipped();
    let engine = Engine::new(&policy).map_err(|e| e.0).unwrap();
    let mut r = bench_cases::Rng(7);
    let rows: Vec<String> = (0..2000).map(|i| bench_cases::case(&mut r, i)).collect();
    assert_eq!(agree(&engine, &rows), Ok(rows.len()));
    // Escapes (Python's json.dumps writes `ä` as `\u00e4`), whitespace, a numeric case
    // number, `null`s, `datum`, `motivering`, `startdatum`, `riktlinje` and
    // `sarskilda_skal` are the usual shape too.
    let usual = [
        r#"{"arende":"Handl\u00e4ggning \"A\"\/1","ansokningsdatum":"2023-05-02","insatser":["lss"],"fakta":{"fodelsedatum":"1990-01-31"}}"#,
        r#" { "arende" : 17 , "riktlinje" : "stod-arbete-studier" , "ansokningsdatum" : "2023-05-02" , "startdatum" : null , "insatser" : [ "lss" , "socialpsykiatri" ] , "fakta" : null , "bedomningar" : null , "sarskilda_skal" : null } "#,
        r#"{"arende":null,"ansokningsdatum":"2023-05-02","startdatum":"2023-06-01","insatser":["lss-insteg"],"bedomningar":{"stodbehov_arbete":{"varde":true,"av":"Handl\u00e4ggare \ud83d\ude00","datum":"2023-04-01","motivering":"Se \"utredning\" \\ bilaga"},"inforstadd_och_beredd":null,"kan_borja_arbeta_eller_studera":{"varde":null,"av":null,"samrad":null,"rapport_fran":null}}}"#,
        r#"{"ansokningsdatum":"2023-05-02","insatser":["lss"],"sarskilda_skal":{"motivering":"Behov","manader":6},"fakta":{"personkrets":1,"beviljad_daglig_verksamhet":false}}"#,
        r#"{"ansokningsdatum":"2023-05-02","insatser":["lss"],"fakta":{"personkrets":"ingen","onskar_arbeta_eller_studera":"ja"}}"#,
        // Escapes in every other string a row holds.
        r#"{"ansokningsdatum":"2023\u002d05-02","startdatum":"2023-06-0\u0031","riktlinje":"stod-arbete-studier\u0000","insatser":["l\u0073s","socialpsykiatri"],"sarskilda_skal":{"manader":3,"motivering":"L\u00e5ngvarig \"sjukdom\"\n"}}"#,
        r#"{"ansokningsdatum":"2023-05-02","insatser":["lss-insteg"],"bedomningar":{"kan_borja_arbeta_eller_studera":{"varde":true,"av":"A","samrad":["arbets\u0073pecialist"],"rapport_fran":"arbetsspecialis\u0074"}}}"#,
    ];
    let rows: Vec<String> = usual.iter().map(|s| (*s).to_string()).collect();
    assert_eq!(agree(&engine, &rows), Ok(rows.len()));
}

#[test]
fn every_fault_is_left_to_the_serde_parser_or_read_alike() {
    let policy = shipped();
    let engine = Engine::new(&policy).map_err(|e| e.0).unwrap();
    let base = r#""ansokningsdatum":"2023-05-02","insatser":["lss"]"#;
    let hostile = [
        String::new(),
        "{}".into(),
        "[]".into(),
        "null".into(),
        format!("{{{base}}} x"),
        format!("{{{base},}}"),
        format!("{{{base},\"arende\":-0}}"),
        format!("{{{base},\"arende\":01}}"),
        format!("{{{base},\"arende\":1.0}}"),
        format!("{{{base},\"arende\":1e3}}"),
        format!("{{{base},\"arende\":-9223372036854775808}}"),
        format!("{{{base},\"arende\":9223372036854775808}}"),
        format!("{{{base},\"arende\":true}}"),
        format!("{{{base},\"arende\":\"a\\tb\"}}"),
        format!("{{{base},\"arende\":\"a\tb\"}}"),
        format!("{{{base},\"arende\":\"\\ud800\"}}"),
        format!("{{{base},\"arende\":\"\\ud800\\u0041\"}}"),
        format!("{{{base},\"arende\":\"\\udc00\"}}"),
        format!("{{{base},\"arende\":\"\\x\"}}"),
        format!("{{{base},\"arende\":\"\\u00\"}}"),
        format!("{{{base},\"arende\":\"\\u0000\"}}"),
        format!("{{{base},\"arende\":\"a\",\"arende\":\"b\"}}"),
        format!("{{{base},\"\\u0061rende\":\"a\"}}"),
        format!("{{{base},\"okand\":1}}"),
        format!("{{{base},\"riktlinje\":1}}"),
        format!("{{{base},\"startdatum\":\"2023-02-30\"}}"),
        format!("{{{base},\"startdatum\":\"1800-01-01\"}}"),
        r#"{"ansokningsdatum":"2023-05-02","insatser":[]}"#.into(),
        r#"{"ansokningsdatum":"2023-05-02","insatser":null}"#.into(),
        r#"{"ansokningsdatum":"2023-05-02","insatser":["lss",1]}"#.into(),
        r#"{"ansokningsdatum":null,"insatser":["lss"]}"#.into(),
        r#"{"insatser":["lss"]}"#.into(),
        format!("{{{base},\"fakta\":{{\"okand\":true}}}}"),
        format!("{{{base},\"fakta\":{{\"stodbehov_arbete\":true}}}}"),
        format!("{{{base},\"fakta\":{{\"personkrets\":1,\"personkrets\":2}}}}"),
        format!("{{{base},\"fakta\":{{\"personkrets\":1.5}}}}"),
        format!("{{{base},\"fakta\":{{\"personkrets\":7}}}}"),
        format!("{{{base},\"fakta\":{{\"personkrets\":[1]}}}}"),
        format!("{{{base},\"fakta\":{{\"fodelsedatum\":\"1990-13-01\"}}}}"),
        format!("{{{base},\"fakta\":{{\"fodelsedatum\":19900101}}}}"),
        format!("{{{base},\"fakta\":{{\"beviljad_daglig_verksamhet\":\"JA\"}}}}"),
        format!("{{{base},\"fakta\":{{\"beviljad_daglig_verksamhet\":1}}}}"),
        format!("{{{base},\"fakta\":{{\"beviljad_daglig_verksamhet\":\"kanske\"}}}}"),
        format!("{{{base},\"fakta\":{{\"beviljad_daglig_verksamhet\":\"\\u006aa\"}}}}"),
        format!("{{{base},\"bedomningar\":{{\"personkrets\":{{\"varde\":1,\"av\":\"x\"}}}}}}"),
        format!("{{{base},\"bedomningar\":{{\"stodbehov_arbete\":true}}}}"),
        format!("{{{base},\"bedomningar\":{{\"stodbehov_arbete\":{{}}}}}}"),
        format!("{{{base},\"bedomningar\":{{\"stodbehov_arbete\":{{\"varde\":true}}}}}}"),
        format!(
            "{{{base},\"bedomningar\":{{\"stodbehov_arbete\":{{\"varde\":true,\"av\":\" \\u00a0\"}}}}}}"
        ),
        format!(
            "{{{base},\"bedomningar\":{{\"stodbehov_arbete\":{{\"varde\":null,\"av\":\"x\",\"datum\":\"nej\"}}}}}}"
        ),
        format!(
            "{{{base},\"bedomningar\":{{\"stodbehov_arbete\":{{\"varde\":true,\"av\":\"x\",\"av\":\"y\"}}}}}}"
        ),
        format!(
            "{{{base},\"bedomningar\":{{\"stodbehov_arbete\":{{\"varde\":true,\"av\":\"x\",\"ok\":1}}}}}}"
        ),
        format!(
            "{{{base},\"bedomningar\":{{\"stodbehov_arbete\":{{\"varde\":true,\"av\":\"x\",\"samrad\":[\"okand\"]}}}}}}"
        ),
        format!(
            "{{{base},\"bedomningar\":{{\"stodbehov_arbete\":{{\"varde\":true,\"av\":\"x\",\"rapport_fran\":\"okand\"}}}}}}"
        ),
        format!(
            "{{{base},\"bedomningar\":{{\"stodbehov_arbete\":null,\"stodbehov_arbete\":null}}}}"
        ),
        format!("{{{base},\"sarskilda_skal\":{{\"manader\":6}}}}"),
        format!("{{{base},\"sarskilda_skal\":{{\"manader\":-6,\"motivering\":\"x\"}}}}"),
        format!("{{{base},\"sarskilda_skal\":{{\"manader\":0,\"motivering\":\"x\"}}}}"),
        format!("{{{base},\"sarskilda_skal\":{{\"manader\":6,\"motivering\":\" \"}}}}"),
        format!("{{{base},\"sarskilda_skal\":{{\"manader\":4294967296,\"motivering\":\"x\"}}}}"),
        format!(
            "{{{base},\"sarskilda_skal\":{{\"manader\":6,\"motivering\":\"x\",\"manader\":7}}}}"
        ),
        format!("{{{base},\"sarskilda_skal\":{{}}}}"),
        format!("{{{base},\"fakta\":{{\"beviljad_daglig_verksamhet\":truex}}}}"),
        format!("{{{base},\"fakta\":{{\"beviljad_daglig_verksamhet\":nul}}}}"),
    ];
    let rows: Vec<String> = hostile.to_vec();
    agree(&engine, &rows).unwrap();
    // Each also after a full row, whose strings the next row's reuse.
    let full = r#"{"arende":"B-1","ansokningsdatum":"2023-05-02","insatser":["lss","lss-insteg","socialpsykiatri","lss-insteg-fortsatt"],"bedomningar":{"stodbehov_arbete":{"varde":true,"av":"Handläggare 1","motivering":"m"}}}"#;
    for h in &hostile {
        agree(&engine, &[full.to_string(), h.clone(), full.to_string()]).unwrap();
    }
}

/// A JSON value for a key, valid or not.
fn json_value(policy: &Policy) -> BoxedStrategy<String> {
    let facts: Vec<String> = policy.facts.iter().map(|f| f.id.value.clone()).collect();
    let assessed: Vec<String> = policy
        .facts
        .iter()
        .filter(|f| f.source.value == FactSource::Assessment)
        .map(|f| f.id.value.clone())
        .collect();
    let scalar = prop_oneof![
        Just("true".to_string()),
        Just("false".to_string()),
        Just("null".to_string()),
        Just("\"ja\"".to_string()),
        Just("\"nej\"".to_string()),
        Just("\"ingen\"".to_string()),
        Just("\"1990-02-28\"".to_string()),
        Just("\"2023-02-29\"".to_string()),
        Just("1.5".to_string()),
        Just("-0".to_string()),
        Just("[]".to_string()),
        (-3i64..70).prop_map(|n| n.to_string()),
        "[a-zäö \\\\\"]{0,6}".prop_map(|s| serde_json::to_string(&s).unwrap()),
    ];
    let assessment = (
        scalar.clone(),
        prop::option::of(prop_oneof![
            Just("\"Handläggare 3\"".to_string()),
            Just("\" \"".to_string()),
            Just("null".to_string()),
            Just("\"Handl\\u00e4ggare\"".to_string())
        ]),
        prop::option::of(prop_oneof![
            Just("\"2023-01-01\"".to_string()),
            Just("\"x\"".to_string()),
            Just("null".to_string())
        ]),
        prop::option::of(prop_oneof![
            Just("[\"arbetsspecialist\"]".to_string()),
            Just("[\"jobbcoach\",\"arbetsspecialist\"]".to_string()),
            Just("[\"okand\"]".to_string()),
            Just("null".to_string())
        ]),
        prop::option::of(prop_oneof![
            Just("\"jobbcoach\"".to_string()),
            Just("\"okand\"".to_string()),
            Just("null".to_string())
        ]),
        prop::option::of(prop_oneof![
            Just("\"m\"".to_string()),
            Just("null".to_string())
        ]),
        any::<bool>(),
    )
        .prop_map(|(v, av, datum, samrad, rapport, motivering, drop_varde)| {
            let mut parts = Vec::new();
            if !drop_varde {
                parts.push(format!("\"varde\":{v}"));
            }
            for (k, x) in [
                ("av", av),
                ("datum", datum),
                ("samrad", samrad),
                ("rapport_fran", rapport),
                ("motivering", motivering),
            ] {
                if let Some(x) = x {
                    parts.push(format!("\"{k}\":{x}"));
                }
            }
            format!("{{{}}}", parts.join(","))
        });
    let object = |names: Vec<String>, values: BoxedStrategy<String>| {
        prop::collection::vec((prop::sample::select(names), values), 0..6).prop_map(|kv| {
            let inner: Vec<String> = kv.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
            format!("{{{}}}", inner.join(","))
        })
    };
    prop_oneof![
        3 => object(facts.clone(), scalar.clone().boxed()),
        3 => object(assessed, prop_oneof![4 => assessment, 1 => Just("null".to_string())].boxed()),
        1 => object(facts, scalar.boxed()).prop_map(|s| s.replace(':', " : ")),
        1 => Just("null".to_string()),
    ]
    .boxed()
}

/// A value of the fact's own type, written as JSON.
fn right_value(ty: &FactType) -> BoxedStrategy<String> {
    match ty {
        FactType::Bool => any::<bool>().prop_map(|b| b.to_string()).boxed(),
        FactType::Integer { min, max } => {
            let lo = min.unwrap_or(-10).max(-1000);
            let hi = max.unwrap_or(lo + 100).min(lo + 1000);
            (lo..=hi).prop_map(|n| n.to_string()).boxed()
        }
        FactType::Date => (1930i16..2030, 1i8..=12, 1i8..=28)
            .prop_map(|(y, m, d)| format!("\"{y:04}-{m:02}-{d:02}\""))
            .boxed(),
        FactType::Money => (0i64..60_000).prop_map(|n| n.to_string()).boxed(),
        FactType::Enum(values) => prop::sample::select(values.clone())
            .prop_map(|v| match v {
                EnumValue::Int(i) => i.to_string(),
                EnumValue::Word(w) => format!("\"{w}\""),
            })
            .boxed(),
    }
}

/// Rows of mostly the usual shape: each key at most once (mostly), facts of their
/// own type (mostly), every key in any order.
fn rows(policy: &Policy) -> BoxedStrategy<Vec<String>> {
    let hostile = json_value(policy);
    let plain: Vec<_> = policy
        .facts
        .iter()
        .filter(|f| f.source.value != FactSource::Assessment)
        .map(|f| (f.id.value.clone(), right_value(&f.ty.value)))
        .collect();
    let assessed: Vec<_> = policy
        .facts
        .iter()
        .filter(|f| f.source.value == FactSource::Assessment)
        .map(|f| (f.id.value.clone(), right_value(&f.ty.value)))
        .collect();
    let fakta = plain
        .into_iter()
        .map(|(name, v)| {
            prop::option::weighted(0.6, v.prop_map(move |v| format!("\"{name}\":{v}")))
        })
        .collect::<Vec<_>>()
        .prop_map(|kv| {
            format!(
                "{{{}}}",
                kv.into_iter().flatten().collect::<Vec<_>>().join(",")
            )
        });
    let bedomningar = assessed
        .into_iter()
        .map(|(name, v)| {
            prop::option::weighted(
                0.6,
                (v, 0u8..4).prop_map(move |(v, extra)| {
                    let extra = match extra {
                        0 => "",
                        1 => ",\"samrad\":[\"jobbcoach\"],\"rapport_fran\":\"jobbcoach\"",
                        2 => {
                            ",\"datum\":\"2023-01-09\",\"motivering\":\"Enligt \\\"utredning\\\"\""
                        }
                        _ => ",\"av\":null",
                    };
                    let av = if extra.contains("\"av\"") {
                        ""
                    } else {
                        ",\"av\":\"Handläggare 2\""
                    };
                    format!("\"{name}\":{{\"varde\":{v}{av}{extra}}}")
                }),
            )
        })
        .collect::<Vec<_>>()
        .prop_map(|kv| {
            format!(
                "{{{}}}",
                kv.into_iter().flatten().collect::<Vec<_>>().join(",")
            )
        });
    let top = prop_oneof![
        6 => Just(("ansokningsdatum", "\"2023-05-02\"".to_string())),
        1 => Just(("ansokningsdatum", "\"1899-12-31\"".to_string())),
        6 => Just(("insatser", "[\"lss\",\"socialpsykiatri\"]".to_string())),
        1 => Just(("insatser", "[]".to_string())),
        2 => Just(("arende", "\"B-1\"".to_string())),
        1 => Just(("arende", "12".to_string())),
        1 => Just(("startdatum", "\"2023-06-01\"".to_string())),
        1 => Just(("riktlinje", "\"stod-arbete-studier\"".to_string())),
        1 => Just(("sarskilda_skal", "{\"manader\":6,\"motivering\":\"skäl\"}".to_string())),
        1 => Just(("sarskilda_skal", "{\"manader\":0,\"motivering\":\"skäl\"}".to_string())),
        4 => fakta.prop_map(|v| ("fakta", v)),
        4 => bedomningar.prop_map(|v| ("bedomningar", v)),
        2 => hostile.clone().prop_map(|v| ("fakta", v)),
        2 => hostile.prop_map(|v| ("bedomningar", v)),
    ];
    let row = (prop::collection::vec(top, 0..7), any::<bool>()).prop_map(|(kv, usual)| {
        let mut inner: Vec<String> = kv.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
        if usual {
            // The two required keys first, each once.
            inner.retain(|p| {
                !p.starts_with("\"ansokningsdatum\"") && !p.starts_with("\"insatser\"")
            });
            inner.dedup_by(|a, b| a.split(':').next() == b.split(':').next());
            inner.insert(0, "\"insatser\":[\"lss\"]".to_string());
            inner.insert(0, "\"ansokningsdatum\":\"2023-05-02\"".to_string());
        }
        format!("{{{}}}", inner.join(","))
    });
    prop::collection::vec(row, 1..6).boxed()
}

#[test]
fn generated_rows_are_read_alike() {
    let policy = shipped();
    let engine = Engine::new(&policy).map_err(|e| e.0).unwrap();
    let mut runner = TestRunner::new(Config {
        cases: 2048,
        failure_persistence: None,
        ..Config::default()
    });
    let taken = std::cell::Cell::new(0);
    runner
        .run(&rows(&policy), |rows| {
            let n = agree(&engine, &rows).map_err(TestCaseError::fail)?;
            taken.set(taken.get() + n);
            Ok(())
        })
        .unwrap();
    // The generator reaches the fast path, not only the serde parser.
    assert!(
        taken.get() > 500,
        "only {} rows took the fast path",
        taken.get()
    );
}
