//! Rule language tests of evaluating (lexing → parsing → type checking → compiling →
//! **evaluating**): Kleene logic, dates, `in`, the guideline examples and the names read.

use super::tests::{day, eval, eval_with, scope};
use super::*;

#[test]
fn kleene_truth_tables() {
    use Tri::{False as F, True as T, Unknown as U};
    let set = |slot: usize, v: Tri| match v {
        T => Some((slot, 1)),
        F => Some((slot, 0)),
        U => None,
    };
    let all = [T, F, U];
    // Rows: a = T, F, U; columns: b = T, F, U.
    let and = [[T, F, U], [F, F, F], [U, F, U]];
    let or = [[T, T, T], [T, F, U], [T, U, U]];
    for (i, &a) in all.iter().enumerate() {
        for (j, &b) in all.iter().enumerate() {
            let facts: Vec<_> = [set(8, a), set(9, b)].into_iter().flatten().collect();
            for (rule, want) in [
                ("a and b", and[i][j]),
                ("a && b", and[i][j]),
                ("a or b", or[i][j]),
                ("a || b", or[i][j]),
            ] {
                assert_eq!(eval(rule, &facts), want, "{rule} with a={a:?} b={b:?}");
            }
            // Three operands: every position of the deciding value.
            let facts3: Vec<_> = [set(8, a), set(9, b), set(10, a)]
                .into_iter()
                .flatten()
                .collect();
            let ix = |t: Tri| all.iter().position(|&u| u == t).unwrap_or(0);
            assert_eq!(
                eval("a and b and c", &facts3),
                and[ix(and[i][j])][i],
                "a and b and c, a=c={a:?} b={b:?}"
            );
            assert_eq!(
                eval("a or b or c", &facts3),
                or[ix(or[i][j])][i],
                "a or b or c, a=c={a:?} b={b:?}"
            );
        }
        let facts: Vec<_> = set(8, a).into_iter().collect();
        let not = [F, T, U][i];
        assert_eq!(eval("not a", &facts), not);
        assert_eq!(eval("!a", &facts), not);
        assert_eq!(eval("not not a", &facts), a);
    }
    assert_eq!(eval("false and a", &[]), F);
    assert_eq!(eval("a and false", &[]), F);
    assert_eq!(eval("true or a", &[]), T);
    assert_eq!(eval("a or true", &[]), T);
    assert_eq!(eval("true and a", &[]), U);
    assert_eq!(eval("a and b or c", &[(8, 0), (10, 1)]), T);
    assert_eq!(eval("a or b and c", &[(8, 0), (9, 1)]), U);
}

#[test]
fn calendar_conversions() {
    assert_eq!(day(1970, 1, 1), 0);
    assert_eq!(day(1969, 12, 31), -1);
    assert_eq!(day(2000, 3, 1), 11_017);
    assert_eq!(day(2022, 5, 24), 19_136);
    assert_eq!(civil_from_days(19_136), (2022, 5, 24));
    assert_eq!(civil_from_days(date::DATE_MIN), (0, 1, 1));
    assert_eq!(civil_from_days(date::DATE_MAX), (9999, 12, 31));
    // Every day of the supported span, in order, each one after the last.
    let mut prev = civil_from_days(date::DATE_MIN - 1);
    for n in date::DATE_MIN..=date::DATE_MAX {
        let (y, m, d) = civil_from_days(n);
        let next_day = (y, m, d) == (prev.0, prev.1, prev.2 + 1);
        let next_month =
            d == 1 && ((y, m) == (prev.0, prev.1 + 1) || (y, m, prev.1) == (prev.0 + 1, 1, 12));
        assert!(next_day || next_month, "{n}: {prev:?} then {:?}", (y, m, d));
        assert_eq!(days_from_civil(y, m, d), n);
        assert_eq!(date::civil_in_domain(n), (y, m, d));
        prev = (y, m, d);
    }
}

#[test]
fn age_in_full_years() {
    let age = |born: i64, on: i64, years: i64| {
        let rule = format!("age(fodelsedatum, ansokningsdatum) == {years}");
        eval_with(&rule, &[(0, born)], &[], on)
    };
    let born = day(2000, 5, 24);
    assert_eq!(
        age(born, day(2018, 5, 24), 18),
        Tri::True,
        "on the birthday"
    );
    assert_eq!(age(born, day(2018, 5, 23), 17), Tri::True, "the day before");
    assert_eq!(age(born, day(2018, 5, 25), 18), Tri::True);
    let leapling = day(2004, 2, 29);
    assert_eq!(
        age(leapling, day(2022, 2, 28), 17),
        Tri::True,
        "29 February: not yet on 28 February"
    );
    assert_eq!(
        age(leapling, day(2022, 3, 1), 18),
        Tri::True,
        "29 February: 1 March in a common year"
    );
    assert_eq!(age(leapling, day(2024, 2, 28), 19), Tri::True);
    assert_eq!(
        age(leapling, day(2024, 2, 29), 20),
        Tri::True,
        "29 February in a leap year"
    );
    assert_eq!(age(born, born - 1, -1), Tri::True, "before birth");
    assert_eq!(
        eval_with("age(fodelsedatum, ansokningsdatum) >= 0", &[], &[], born),
        Tri::Unknown
    );
    // 18th birthday, written with date arithmetic instead.
    let adult = |on: i64| {
        eval_with(
            "ansokningsdatum >= fodelsedatum + years(18)",
            &[(0, leapling)],
            &[],
            on,
        )
    };
    assert_eq!(
        adult(day(2022, 2, 28)),
        Tri::True,
        "2004-02-29 + 18 years is clamped to 2022-02-28"
    );
    assert_eq!(adult(day(2022, 2, 27)), Tri::False);
}

#[test]
fn date_arithmetic_clamps_to_month_end() {
    let holds = |rule: &str| assert_eq!(eval(rule, &[]), Tri::True, "{rule}");
    holds("2024-01-31 + months(1) == 2024-02-29");
    holds("2023-01-31 + months(1) == 2023-02-28");
    holds("2024-03-31 - months(1) == 2024-02-29");
    holds("2024-02-29 + years(1) == 2025-02-28");
    holds("2020-02-29 - years(4) == 2016-02-29");
    holds("2024-12-15 + months(1) == 2025-01-15");
    holds("2025-01-15 - months(13) == 2023-12-15");
    holds("2024-12-31 + days(1) == 2025-01-01");
    holds("2024-03-01 - days(1) == 2024-02-29");
    holds("2024-01-31 + months(1) + months(1) == 2024-03-29");
    holds("2024-01-31 + months(2) == 2024-03-31");
    holds("2024-01-01 + days(-1) == 2023-12-31");
    holds("ansokningsdatum == 2024-06-01");
    // Outside 0000-01-01..=9999-12-31, or overflowing: unknown.
    for rule in [
        "9999-12-31 + days(1) > 2000-01-01",
        "0000-01-01 - months(1) < 2000-01-01",
        "2000-01-01 + years(x) > 2000-01-01",
    ] {
        assert_eq!(eval(rule, &[(11, i64::MAX)]), Tri::Unknown, "{rule}");
    }
    assert_eq!(
        eval("x + 1 > 0", &[(11, i64::MAX)]),
        Tri::Unknown,
        "overflow"
    );
    assert_eq!(
        eval("x - 1 < 0", &[(11, -i64::MAX)]),
        Tri::Unknown,
        "i64::MIN is the unknown value"
    );
    assert_eq!(eval("x > 0", &[(11, i64::MIN)]), Tri::Unknown);
}

#[test]
fn membership() {
    use Tri::{False as F, True as T, Unknown as U};
    let x = |v: i64, rule: &str| eval(rule, &[(11, v)]);
    for (v, want) in [(1, T), (2, T), (3, F), (-1, T)] {
        assert_eq!(x(v, "x in [1, 2, -1,]"), want, "{v}");
        assert_eq!(x(v, "x not in [1, 2, -1]"), if want == T { F } else { T });
    }
    for (v, want) in [(17, F), (18, T), (40, T), (64, T), (65, F)] {
        assert_eq!(x(v, "x in 18..64"), want, "{v} in 18..64");
        assert_eq!(x(v, "x in 18..60 + 4"), want);
    }
    // yrkesverksam_alder is 19..66 in `eval`.
    for (v, want) in [(18, F), (19, T), (66, T), (67, F)] {
        assert_eq!(x(v, "x in yrkesverksam_alder"), want, "{v} in 19..66");
    }
    let r = |p: ParamVal| eval_with("x in yrkesverksam_alder", &[(11, 20)], &[p], 0);
    assert_eq!(r(ParamVal::Missing), U);
    assert_eq!(
        r(ParamVal::Int(20)),
        U,
        "a value of the wrong kind reads as missing"
    );
    assert_eq!(
        eval_with("x in yrkesverksam_alder", &[(11, 20)], &[], 0),
        U,
        "no such slot"
    );
    assert_eq!(
        eval_with(
            "x < max_manader",
            &[(11, 1)],
            &[ParamVal::Missing, ParamVal::Int(2)],
            0
        ),
        T
    );
    assert_eq!(
        eval_with(
            "x < max_manader",
            &[(11, 1)],
            &[ParamVal::Missing, ParamVal::Missing],
            0
        ),
        U
    );
    assert_eq!(x(0, "x in [1, 2]"), F);
    assert_eq!(eval("x in [1, 2]", &[]), U);
    assert_eq!(eval("x in 1..x", &[(11, 5)]), T);

    // Enums: value index 0 = 1, 1 = 2, 2 = 3, 3 = ingen.
    let k = |idx: i64, rule: &str| eval(rule, &[(1, idx), (12, 1)]);
    assert_eq!(k(0, "personkrets in [1, 2]"), T);
    assert_eq!(k(2, "personkrets in [1, 2]"), F);
    assert_eq!(k(3, "personkrets in [1, \"ingen\"]"), T);
    assert_eq!(k(3, "personkrets == \"ingen\""), T);
    assert_eq!(k(3, "\"ingen\" != personkrets"), F);
    assert_eq!(k(1, "2 == personkrets"), T);
    assert_eq!(k(1, "personkrets == tidigare_personkrets"), T);
    assert_eq!(k(0, "personkrets == tidigare_personkrets"), F);
    assert_eq!(k(0, "personkrets not in [2, 3]"), T);
    assert_eq!(eval("personkrets in [1]", &[]), U);
    assert_eq!(eval("boendeform == \"egen\"", &[(13, 0)]), T);

    // Dates.
    let d = |v: i64, rule: &str| eval(rule, &[(0, v)]);
    assert_eq!(
        d(day(2001, 1, 1), "fodelsedatum in [2000-01-01, 2001-01-01]"),
        T
    );
    assert_eq!(
        d(day(2001, 1, 2), "fodelsedatum in [2000-01-01, 2001-01-01]"),
        F
    );
    assert_eq!(
        d(day(2000, 12, 31), "fodelsedatum in 2000-01-01..2000-12-31"),
        T
    );
    assert_eq!(
        d(day(2001, 1, 1), "fodelsedatum in 2000-01-01..2000-12-31"),
        F
    );
    assert_eq!(
        d(
            day(2000, 1, 1),
            "fodelsedatum in 2000-01-01..ansokningsdatum - years(18)"
        ),
        T
    );
    assert_eq!(
        x(
            25,
            "age(fodelsedatum, ansokningsdatum) in yrkesverksam_alder"
        ),
        U
    );
}

#[test]
fn guideline_examples() {
    let born = day(1990, 3, 15);
    let ok = |rule: &str, facts: &[(usize, i64)], want: Tri| {
        assert_eq!(eval(rule, facts), want, "{rule}");
    };
    ok(
        "age(fodelsedatum, ansokningsdatum) in yrkesverksam_alder",
        &[(0, born)],
        Tri::True,
    );
    ok("personkrets in [1, 2]", &[(1, 1)], Tri::True);
    ok("pagaende_kontakt_specialistpsykiatri", &[(2, 1)], Tri::True);
    ok("pagaende_kontakt_specialistpsykiatri", &[(2, 7)], Tri::True);
    ok("not beviljad_daglig_verksamhet", &[(3, 0)], Tri::True);
    ok(
        "onskar_arbete_eller_studier and stodbehov_egen_hand",
        &[(4, 1), (5, 0)],
        Tri::False,
    );
    ok(
        "ansokningsdatum >= fodelsedatum + years(18)",
        &[(0, born)],
        Tri::True,
    );
    ok("antal_manader < 4 or sarskilda_skal", &[(7, 1)], Tri::True);
    ok(
        "antal_manader < 4 or sarskilda_skal",
        &[(6, 5)],
        Tri::Unknown,
    );
    ok(
        "antal_manader < max_manader\n  and not\n  sarskilda_skal",
        &[(6, 5), (7, 0)],
        Tri::True,
    );
}

#[test]
fn names_read_in_order_without_repeats() {
    let p = compile(
        "b and a or b and (x > 1) and a and x in yrkesverksam_alder",
        &scope(),
    )
    .unwrap();
    assert_eq!(p.facts_read(), [9, 8, 11]);
    assert_eq!(p.params_read(), [0]);
    let p = compile(
        "x < max_manader and age(fodelsedatum, ansokningsdatum) in yrkesverksam_alder",
        &scope(),
    )
    .unwrap();
    assert_eq!(p.facts_read(), [11, 0]);
    assert_eq!(p.params_read(), [1, 0]);
    let p = compile("personkrets == 1 or 2 == tidigare_personkrets", &scope()).unwrap();
    assert_eq!(p.facts_read(), [1, 12]);
}
