//! Rule language tests over every stage (lexing → parsing → type checking → compiling →
//! evaluating): error messages and ranges, Kleene logic, dates, `in`, names read, limits.

use super::*;
use crate::model::EnumValue;

pub(super) fn krets() -> Ty {
    let w = |s: &str| EnumValue::Word(s.to_owned());
    Ty::Enum(vec![
        EnumValue::Int(1),
        EnumValue::Int(2),
        EnumValue::Int(3),
        w("ingen"),
    ])
}

/// Fact slots: 0 fodelsedatum, 1 personkrets, 2–5 and 7 bools from the guidelines, 6
/// `antal_manader`, 8–10 a, b, c (bool), 11 x (int), 12 `tidigare_personkrets`, 13 `boendeform`.
pub(super) fn scope() -> Scope<'static> {
    let words = |ws: &[&str]| {
        Ty::Enum(
            ws.iter()
                .map(|w| EnumValue::Word((*w).to_owned()))
                .collect(),
        )
    };
    Scope {
        facts: vec![
            ("fodelsedatum", Ty::Date),
            ("personkrets", krets()),
            ("pagaende_kontakt_specialistpsykiatri", Ty::Bool),
            ("beviljad_daglig_verksamhet", Ty::Bool),
            ("onskar_arbete_eller_studier", Ty::Bool),
            ("stodbehov_egen_hand", Ty::Bool),
            ("antal_manader", Ty::Int),
            ("sarskilda_skal", Ty::Bool),
            ("a", Ty::Bool),
            ("b", Ty::Bool),
            ("c", Ty::Bool),
            ("x", Ty::Int),
            ("tidigare_personkrets", krets()),
            ("boendeform", words(&["egen", "gruppbostad"])),
        ],
        params: vec![
            ("yrkesverksam_alder", PTy::Range),
            ("max_manader", PTy::Int),
        ],
    }
}

pub(super) const FACTS: usize = 14;

pub(super) fn day(y: i32, m: u32, d: u32) -> i64 {
    days_from_civil(y, m, d)
}

/// Evaluates `rule` with the given facts set (others missing) and parameters.
pub(super) fn eval_with(rule: &str, facts: &[(usize, i64)], params: &[ParamVal], app: i64) -> Tri {
    let p = compile(rule, &scope()).unwrap_or_else(|e| panic!("{rule}: {e:?}"));
    let mut values = [None; FACTS];
    for &(slot, v) in facts {
        values[slot] = Some(v);
    }
    p.eval(&Env {
        facts: &values,
        params,
        application_date: app,
    })
}

pub(super) fn eval(rule: &str, facts: &[(usize, i64)]) -> Tri {
    eval_with(
        rule,
        facts,
        &[ParamVal::Range(19, 66), ParamVal::Int(6)],
        day(2024, 6, 1),
    )
}

fn errors(rule: &str) -> Vec<RuleError> {
    match compile(rule, &scope()) {
        Ok(_) => panic!("`{rule}` compiled but should not"),
        Err(e) => e,
    }
}

/// `⟦…⟧` marks the expected range; the markers are removed before compiling.
fn marked(rule: &str) -> (String, std::ops::Range<usize>) {
    let lo = rule.find('⟦').expect("a ⟦ marker");
    let hi = rule.find('⟧').expect("a ⟧ marker") - '⟦'.len_utf8();
    (rule.replace(['⟦', '⟧'], ""), lo..hi)
}

#[test]
#[allow(clippy::too_many_lines, reason = "one table row per message")]
fn error_messages_and_ranges() {
    let table: &[(&str, &str)] = &[
        // names
        (
            "age(⟦fodelsdatum⟧, ansokningsdatum) >= 18",
            "unknown name `fodelsdatum`",
        ),
        ("⟦qqqqqqqq⟧", "unknown name `qqqqqqqq`"),
        ("⟦age⟧ > 3", "`age` is a function"),
        (
            "⟦yrkesverksam_alder⟧ > 3",
            "`yrkesverksam_alder` is a range: use it as `x in yrkesverksam_alder`",
        ),
        (
            "x in ⟦max_manader⟧",
            "`max_manader` is not a range parameter",
        ),
        (
            "⟦Fodelsedatum⟧ < ansokningsdatum",
            "`Fodelsedatum` is not a valid name",
        ),
        (
            "⟦födelsedatum⟧ < ansokningsdatum",
            "`födelsedatum` is not a valid name",
        ),
        // functions
        (
            "⟦alder⟧(fodelsedatum, ansokningsdatum) >= 18",
            "unknown function `alder`",
        ),
        ("⟦fodelsedatum⟧(1)", "unknown function `fodelsedatum`"),
        (
            "⟦age(fodelsedatum)⟧ >= 18",
            "`age` takes 2 arguments, found 1",
        ),
        (
            "fodelsedatum + ⟦years(1, 2)⟧ > ansokningsdatum",
            "`years` takes 1 argument, found 2",
        ),
        (
            "age(fodelsedatum, ⟦18⟧) > 3",
            "`age` needs dates, but `18` is an integer",
        ),
        (
            "fodelsedatum + years(⟦ansokningsdatum⟧) > ansokningsdatum",
            "`years` needs an integer, but `ansokningsdatum` is a date",
        ),
        // comparisons
        (
            "⟦fodelsedatum >= 18⟧",
            "cannot compare `fodelsedatum` (date) with `18` (integer)",
        ),
        (
            "⟦fodelsedatum + years(18) + months(6) + days(1) > 5⟧",
            "cannot compare a date with `5` (integer)",
        ),
        (
            "⟦x == \"ingen\"⟧",
            "cannot compare `x` (integer) with `\"ingen\"` (text)",
        ),
        (
            "⟦personkrets == boendeform⟧",
            "cannot compare `personkrets` (enum) with `boendeform` (enum)",
        ),
        (
            "⟦personkrets < 2⟧",
            "`personkrets` is an enum: its values have no order",
        ),
        ("⟦a < b⟧", "true/false values have no order"),
        (
            "personkrets in [1, ⟦4⟧]",
            "`4` is not a value of `personkrets` (1, 2, 3 or \"ingen\")",
        ),
        (
            "personkrets == ⟦\"ingn\"⟧",
            "`\"ingn\"` is not a value of `personkrets` (1, 2, 3 or \"ingen\")",
        ),
        (
            "⟦fodelsedatum in yrkesverksam_alder⟧",
            "cannot compare `fodelsedatum` (date) with `yrkesverksam_alder` (integer range)",
        ),
        (
            "⟦personkrets⟧ in 1..3",
            "`personkrets` is an enum: its values have no order",
        ),
        (
            "x in 1..⟦fodelsedatum⟧",
            "cannot compare `x` (integer) with `fodelsedatum` (date)",
        ),
        (
            "⟦a⟧ in [1, 2]",
            "`in` needs an integer, a date or an enum on the left, but `a` is true/false",
        ),
        (
            "x in [1, ⟦2020-01-01⟧]",
            "cannot compare `x` (integer) with `2020-01-01` (date)",
        ),
        // arithmetic and logic
        (
            "⟦ansokningsdatum - fodelsedatum⟧ >= 18",
            "cannot subtract `fodelsedatum` (date) from `ansokningsdatum` (date)",
        ),
        (
            "⟦fodelsedatum + 1⟧ > ansokningsdatum",
            "cannot add `1` (integer) to `fodelsedatum` (date)",
        ),
        (
            "⟦years(1) + fodelsedatum⟧ > ansokningsdatum",
            "cannot add `fodelsedatum` (date) to `years(1)` (duration)",
        ),
        (
            "not ⟦antal_manader⟧",
            "`not` needs true or false, but `antal_manader` is an integer",
        ),
        (
            "a and ⟦antal_manader⟧",
            "`and` needs true or false on both sides, but `antal_manader` is an integer",
        ),
        (
            "⟦x⟧ || a",
            "`or` needs true or false on both sides, but `x` is an integer",
        ),
        ("-⟦a⟧ < 1", "`-` needs an integer, but `a` is true/false"),
        (
            "⟦antal_manader + 1⟧",
            "a rule must be true or false, but this is an integer",
        ),
        (
            "⟦years(1)⟧",
            "a rule must be true or false, but this is a duration",
        ),
        (
            "⟦personkrets⟧",
            "a rule must be true or false, but this is a value of `personkrets`",
        ),
        // syntax
        ("⟦)⟧", "unexpected `)`"),
        ("a ⟦)⟧", "unexpected `)`"),
        ("a ⟦b⟧", "unexpected `b`"),
        ("x ⟦not⟧ [1]", "unexpected `not`"),
        ("a ⟦and⟧", "expected an expression after `and`"),
        ("a ⟦&&⟧ )", "expected an expression after `&&`"),
        ("⟦not⟧", "expected an expression after `not`"),
        ("x ⟦<⟧", "expected an expression after `<`"),
        ("⟦(⟧a and b", "unclosed `(`"),
        ("age⟦(⟧fodelsedatum, ansokningsdatum", "unclosed `(`"),
        ("x in ⟦[⟧1, 2", "unclosed `[`"),
        (
            "x ⟦in⟧ )",
            "expected a list, a range or a range parameter after `in`",
        ),
        ("x in [⟦a⟧]", "`a` cannot be in a list"),
        ("⟦a < b < c⟧", "`a < b < c` needs parentheses or `and`"),
        (
            "⟦x in [1] == a⟧",
            "`x in [1] == a` needs parentheses or `and`",
        ),
        // tokens
        (
            "⟦2023-02-29⟧ < fodelsedatum",
            "`2023-02-29` is not a real date (month 2 of 2023 has no day 29)",
        ),
        (
            "⟦2023-13-01⟧ < fodelsedatum",
            "`2023-13-01` is not a real date (there is no month 13)",
        ),
        (
            "⟦99999999999999999999⟧ > x",
            "`99999999999999999999` is too large",
        ),
        ("a ⟦=⟧ b", "unexpected `=`"),
        ("a ⟦@⟧ b", "unexpected `@`"),
        ("personkrets == ⟦\"⟧ingen", "unclosed `\"`"),
        ("⟦⟧", "the rule is empty"),
    ];
    let mut failures = Vec::new();
    for (rule, message) in table {
        let (src, range) = marked(rule);
        let errs = errors(&src);
        let first = &errs[0];
        if errs.len() != 1 || first.message != *message || first.range != range {
            failures.push(format!(
                "{src:?}\n  want {range:?} {message}\n  got  {errs:?}"
            ));
        }
        assert!(
            first
                .message
                .chars()
                .next()
                .is_some_and(|c| !c.is_uppercase())
                && !first.message.ends_with('.')
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn hints() {
    let hint = |rule: &str| errors(rule).remove(0).hint.unwrap_or_default();
    assert_eq!(
        hint("age(fodelsdatum, ansokningsdatum) >= 18"),
        "did you mean `fodelsedatum`?"
    );
    assert_eq!(
        hint("qqqqqqqq"),
        "names are facts from facts.yaml, parameters from parameters.yaml, or `ansokningsdatum`"
    );
    assert_eq!(
        hint("ansokningsdatumm > fodelsedatum"),
        "did you mean `ansokningsdatum`?"
    );
    assert_eq!(
        hint("x in yrkesverksam_aldr"),
        "did you mean `yrkesverksam_alder`?"
    );
    assert_eq!(
        hint("alder(fodelsedatum, ansokningsdatum) >= 18"),
        "did you mean `age`?"
    );
    assert_eq!(
        hint("aeg(fodelsedatum, ansokningsdatum) >= 18"),
        "did you mean `age`?"
    );
    assert_eq!(
        hint("Fodelsedatum < ansokningsdatum"),
        "names use only a–z, 0–9 and `_`: write `fodelsedatum`"
    );
    assert_eq!(
        hint("födelsedatum < ansokningsdatum"),
        "names use only a–z, 0–9 and `_`: write `fodelsedatum`"
    );
    assert_eq!(hint("personkrets == \"ingn\""), "did you mean `\"ingen\"`?");
    assert_eq!(
        hint("personkrets == \"2\""),
        "write numbers without quotes: `2`"
    );
    assert_eq!(
        hint("fodelsedatum >= 18"),
        "for an age in whole years use `age(fodelsedatum, ansokningsdatum)`"
    );
    assert!(hint("fodelsedatum < 2022-5-24").contains("two-digit month"));
    assert!(
        hint("ansokningsdatum - fodelsedatum >= 18")
            .contains("`age(fodelsedatum, ansokningsdatum)`")
    );
    assert!(hint("a och b").contains("`and`"));
    assert!(hint("a = b").contains("`==`"));
    assert!(hint("2023-02-29 < fodelsedatum").contains("not a leap year"));
}

#[test]
fn independent_type_errors_are_all_reported() {
    let errs = errors("x + a > 1 and fodelsedatum > 3 and qq");
    let messages: Vec<&str> = errs.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "cannot add `a` (true/false) to `x` (integer)",
            "cannot compare `fodelsedatum` (date) with `3` (integer)",
            "unknown name `qq`",
        ]
    );
    // One error per sub-expression: a wrong operand does not also make the comparison wrong.
    assert_eq!(errors("(x + a) > fodelsedatum").len(), 1);
}

#[test]
fn limits_are_errors_not_crashes() {
    let too_long = |src: String| {
        let errs = errors(&src);
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].message.starts_with("the rule is too long"),
            "{}",
            errs[0].message
        );
    };
    // The length is checked before anything else, so one long input stands for all.
    too_long("(".repeat(100_000));
    too_long("a".repeat(MAX_SOURCE_LEN + 1));
    let longest = errors(&"a".repeat(MAX_SOURCE_LEN));
    assert!(
        longest[0].message.starts_with("unknown name"),
        "{}",
        longest[0].message
    );

    let nested =
        |open: &str, n: usize, close: &str| format!("{}a{}", open.repeat(n), close.repeat(n));
    assert!(compile(&nested("(", MAX_NESTING, ")"), &scope()).is_ok());
    assert!(compile(&nested("not ", MAX_NESTING, ""), &scope()).is_ok());
    for (open, close) in [("(", ")"), ("not ", ""), ("!", ""), ("(not ", ")")] {
        let src = nested(open, 2000 / open.len(), close);
        let errs = errors(&src);
        assert!(
            errs[0].message.starts_with("the rule nests too deeply"),
            "{}",
            errs[0].message
        );
    }
    let minus = format!("{}x > 0", "-".repeat(MAX_NESTING + 1));
    let err = &errors(&minus)[0];
    assert_eq!(
        (err.range.clone(), err.message.as_str()),
        (
            MAX_NESTING..MAX_NESTING + 1,
            "the rule nests too deeply (more than 64 levels)"
        )
    );

    // Long flat chains are fine: they are not nesting.
    let flat = "a or ".repeat(800) + "a";
    assert_eq!(eval(&flat, &[(8, 1)]), Tri::True);
    let sum = "x + ".repeat(900) + "x > 0";
    assert_eq!(eval(&sum, &[(11, 1)]), Tri::True);

    // Deep right-nested sums need more stack than there is.
    let deep = |n: usize| format!("{}x{} > 0", "x + (".repeat(n), ")".repeat(n));
    assert_eq!(eval(&deep(60), &[(11, 2)]), Tri::True);
    let err = &errors(&deep(MAX_NESTING))[0];
    assert!(
        err.message.starts_with("the rule is too complex"),
        "{}",
        err.message
    );
}

/// Every "e.g. `…`" a hint suggests is itself a rule that compiles.
#[test]
fn suggested_rules_compile() {
    for rule in [
        "boendeform",
        "personkrets",
        "x",
        "fodelsedatum",
        "boendeform < \"egen\"",
        "personkrets > 1",
    ] {
        let errors = compile(rule, &scope()).expect_err(rule);
        let hint = errors[0]
            .hint
            .as_deref()
            .unwrap_or_else(|| panic!("{rule}: no hint"));
        let (example, _) = hint
            .split_once("e.g. `")
            .and_then(|(_, rest)| rest.split_once('`'))
            .unwrap_or_else(|| panic!("{rule}: no example in {hint}"));
        if let Err(e) = compile(example, &scope()) {
            panic!("{rule}: the suggested `{example}` does not compile: {e:?}");
        }
    }
}

/// `reserved` names exactly the words the lexer does not read as names, and the
/// built-ins; a policy cannot give a fact or parameter any of them.
#[test]
fn reserved_words_are_the_lexers_keywords_and_the_built_ins() {
    for k in lex::KEYWORDS {
        let toks = lex::lex(k).unwrap();
        assert_ne!(toks[0].tok, lex::Tok::Name, "{k}");
        assert!(reserved(k).is_some(), "{k}");
    }
    for name in ["ansokningsdatum", "age", "years", "months", "days"] {
        assert!(reserved(name).is_some(), "{name}");
    }
    for name in ["andel", "inkomst", "fodelsedatum"] {
        assert_eq!(lex::lex(name).unwrap()[0].tok, lex::Tok::Name);
        assert!(reserved(name).is_none(), "{name}");
    }
}
