//! Rule language property tests of the whole pipeline (lexing → parsing → type checking →
//! compiling → evaluating): random well-typed rules and random cases, where the compiled
//! program must agree with the reference interpreter in `tests_ref`; and random text, which
//! must never panic.

use proptest::prelude::*;

use super::date::{DATE_MAX, DATE_MIN};
use super::tests_ref::{reference, scope};
use super::*;

fn pick(options: &'static [&'static str]) -> BoxedStrategy<String> {
    proptest::sample::select(options)
        .prop_map(str::to_owned)
        .boxed()
}

fn int_lit() -> BoxedStrategy<String> {
    (-20_i64..100).prop_map(|n| n.to_string()).boxed()
}

fn date_lit() -> BoxedStrategy<String> {
    (days_from_civil(1940, 1, 1)..days_from_civil(2036, 1, 1))
        .prop_map(|d| {
            let (y, m, d) = civil_from_days(d);
            format!("{y:04}-{m:02}-{d:02}")
        })
        .boxed()
}

fn list(item: BoxedStrategy<String>) -> BoxedStrategy<String> {
    prop::collection::vec(item, 1..4)
        .prop_map(|v| format!("[{}]", v.join(", ")))
        .boxed()
}

fn int_expr(depth: u32) -> BoxedStrategy<String> {
    let leaf = prop_oneof![pick(&["i0", "i1", "p0"]), int_lit()];
    if depth == 0 {
        return leaf.boxed();
    }
    let (int, date) = (int_expr(depth - 1), date_expr(depth - 1));
    prop_oneof![
        3 => leaf,
        2 => (int.clone(), pick(&["+", "-"]), int.clone()).prop_map(|(a, op, b)| format!("{a} {op} {b}")),
        1 => int.clone().prop_map(|a| format!("-({a})")),
        1 => int.prop_map(|a| format!("({a})")),
        2 => (date.clone(), date).prop_map(|(a, b)| format!("age({a}, {b})")),
    ]
    .boxed()
}

fn date_expr(depth: u32) -> BoxedStrategy<String> {
    let leaf = prop_oneof![pick(&["d0", "d1", "ansokningsdatum"]), date_lit()];
    if depth == 0 {
        return leaf.boxed();
    }
    let (int, date) = (int_expr(depth - 1), date_expr(depth - 1));
    let unit = pick(&["years", "months", "days"]);
    prop_oneof![
        2 => leaf,
        3 => (date.clone(), pick(&["+", "-"]), unit, int).prop_map(|(d, op, u, n)| format!("{d} {op} {u}({n})")),
        1 => date.prop_map(|d| format!("({d})")),
    ]
    .boxed()
}

fn bool_expr(depth: u32) -> BoxedStrategy<String> {
    let (int, date) = (int_expr(depth.min(2)), date_expr(depth.min(2)));
    let cmp = pick(&["==", "!=", "<", "<=", ">", ">="]);
    let enum_lit = pick(&["1", "2", "3", "\"ingen\""]);
    let leaf = prop_oneof![
        2 => pick(&["b0", "b1", "b2", "true", "false"]),
        2 => (int.clone(), cmp.clone(), int.clone()).prop_map(|(a, op, b)| format!("{a} {op} {b}")),
        2 => (date.clone(), cmp, date.clone()).prop_map(|(a, op, b)| format!("{a} {op} {b}")),
        1 => (pick(&["e0", "e1"]), pick(&["==", "!="]), enum_lit.clone()).prop_map(|(e, op, v)| format!("{e} {op} {v}")),
        1 => (enum_lit.clone(), pick(&["e0", "e1"])).prop_map(|(v, e)| format!("{v} == {e}")),
        1 => pick(&["e0 == e1", "e1 != e0", "(b0) == (b1 or b2)", "b0 != b1"]),
        1 => (pick(&["e0", "e1"]), pick(&["in", "not in"]), list(enum_lit)).prop_map(|(e, op, l)| format!("{e} {op} {l}")),
        2 => (int.clone(), pick(&["in", "not in"]), list(int_lit())).prop_map(|(x, op, l)| format!("{x} {op} {l}")),
        2 => (int.clone(), int.clone(), int.clone()).prop_map(|(x, lo, hi)| format!("{x} in {lo}..{hi}")),
        2 => (int, pick(&["in", "not in"])).prop_map(|(x, op)| format!("{x} {op} r0")),
        1 => (date.clone(), list(date_lit())).prop_map(|(x, l)| format!("{x} in {l}")),
        1 => (date.clone(), date.clone(), date).prop_map(|(x, lo, hi)| format!("{x} in {lo}..{hi}")),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    let b = bool_expr(depth - 1);
    prop_oneof![
        3 => leaf,
        3 => (b.clone(), pick(&["and", "or", "&&", "||"]), b.clone()).prop_map(|(x, op, y)| format!("{x} {op} {y}")),
        1 => (b.clone(), b.clone(), b.clone()).prop_map(|(x, y, z)| format!("{x} and {y} or not {z}")),
        1 => (pick(&["not ", "!"]), b.clone()).prop_map(|(op, x)| format!("{op}{x}")),
        1 => b.prop_map(|x| format!("({x})")),
    ]
    .boxed()
}

type Case = (Vec<Option<i64>>, Vec<ParamVal>, i64);

fn case() -> impl Strategy<Value = Case> {
    let day = days_from_civil;
    let b = prop_oneof![1 => Just(None), 3 => (0_i64..=1).prop_map(Some)];
    let extreme = proptest::sample::select(vec![i64::MAX, -i64::MAX, i64::MIN]);
    let i = prop_oneof![1 => Just(None), 6 => (-30_i64..120).prop_map(Some), 1 => extreme.prop_map(Some)];
    let far = proptest::sample::select(vec![DATE_MIN, DATE_MAX, DATE_MAX + 1, i64::MAX, -i64::MAX]);
    let d = prop_oneof![1 => Just(None), 6 => (day(1930, 1, 1)..day(2040, 1, 1)).prop_map(Some), 1 => far.prop_map(Some)];
    let e = prop_oneof![1 => Just(None), 4 => (0_i64..4).prop_map(Some)];
    let facts = (
        b.clone(),
        b.clone(),
        b,
        i.clone(),
        i,
        d.clone(),
        d,
        e.clone(),
        e,
    )
        .prop_map(|(b0, b1, b2, i0, i1, d0, d1, e0, e1)| vec![b0, b1, b2, i0, i1, d0, d1, e0, e1]);
    let p0 = prop_oneof![
        Just(ParamVal::Missing),
        (-30_i64..120).prop_map(ParamVal::Int),
        Just(ParamVal::Range(1, 2))
    ];
    let r0 = prop_oneof![
        Just(ParamVal::Missing),
        (-10_i64..100, 0_i64..60).prop_map(|(lo, w)| ParamVal::Range(lo, lo + w)),
        Just(ParamVal::Int(3)),
    ];
    (facts, p0, r0, day(2015, 1, 1)..day(2030, 1, 1))
        .prop_map(|(f, p0, r0, app)| (f, vec![p0, r0], app))
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(3000))]

    #[test]
    fn vm_agrees_with_reference(rule in bool_expr(3), cases in prop::collection::vec(case(), 4)) {
        let scope = scope();
        let program = compile(&rule, &scope);
        prop_assert!(program.is_ok(), "{rule}: {:?}", program.err());
        let program = program.unwrap();
        for (facts, params, app) in &cases {
            let env = Env { facts, params, application_date: *app };
            prop_assert_eq!(program.eval(&env), reference(&rule, &scope, &env), "{} with {:?}", rule, (facts, params, app));
        }
    }
}

const PIECES: &[&str] = &[
    "b0",
    "i0",
    "d1",
    "e0",
    "p0",
    "r0",
    "ansokningsdatum",
    "qq",
    "and",
    "or",
    "not",
    "in",
    "true",
    "(",
    ")",
    "[",
    "]",
    ",",
    "..",
    "+",
    "-",
    "==",
    "<",
    ">=",
    "!",
    "&&",
    "1",
    "2020-01-01",
    "2023-02-29",
    "\"ingen\"",
    "age(",
    "years(",
    "days(",
    " ",
    "ö",
    "=",
    "@",
    "\"",
    "\n",
];

proptest! {
    #![proptest_config(config(3000))]

    /// Any text: no panic, ranges inside the source on character boundaries, and whatever
    /// compiles evaluates like the reference.
    #[test]
    fn arbitrary_text_is_handled(pieces in prop::collection::vec(proptest::sample::select(PIECES), 0..30), case in case()) {
        let src: String = pieces.concat();
        let scope = scope();
        match compile(&src, &scope) {
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for e in &errors {
                    prop_assert!(src.get(e.range.clone()).is_some(), "{src:?}: {e:?}");
                    prop_assert!(!e.message.is_empty() && !e.message.ends_with('.'));
                }
            }
            Ok(program) => {
                let env = Env { facts: &case.0, params: &case.1, application_date: case.2 };
                prop_assert_eq!(program.eval(&env), reference(&src, &scope, &env), "{:?}", src);
            }
        }
    }
}
