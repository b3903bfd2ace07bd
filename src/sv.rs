//! Swedish wording shared by every stage that speaks to people: the document, the
//! explanation of a case, the decision draft and the diff. One place, so the same
//! thing is always said the same way.

use crate::model::{CriterionKind, Number, ParamData, Policy};

/// A role's title from the glossary (`handläggare på stadsdelsnämnd`), or its id when
/// the glossary has no such role.
pub fn role_title(policy: &Policy, id: &str) -> String {
    policy
        .glossary
        .role(id)
        .map_or_else(|| id.to_string(), |r| r.title.value.clone())
}

/// In Swedish: who establishes a criterion, from its kind and the glossary's roles.
pub fn who_establishes(policy: &Policy, kind: &CriterionKind) -> String {
    let title = |id: &str| role_title(policy, id);
    match kind {
        CriterionKind::Fact => "Faktauppgift".to_string(),
        CriterionKind::Assessment {
            by,
            consulting,
            report_from,
        } => {
            let mut s = format!("Bedöms av {}", title(&by.value));
            match (report_from, consulting.is_empty()) {
                (Some(r), false)
                    if consulting.iter().any(|c| c.value == r.value) && consulting.len() == 1 =>
                {
                    s.push_str(&format!(
                        " efter rapport från och samråd med {}",
                        title(&r.value)
                    ));
                }
                (r, _) => {
                    if let Some(r) = r {
                        s.push_str(&format!(" efter rapport från {}", title(&r.value)));
                    }
                    if !consulting.is_empty() {
                        let names: Vec<String> =
                            consulting.iter().map(|c| title(&c.value)).collect();
                        s.push_str(&format!(" efter samråd med {}", join(&names)));
                    }
                }
            }
            s
        }
    }
}

/// `n` and the word in the form Swedish gives it after `n`: `count(1, "ärende",
/// "ärenden")` is `1 ärende`, `count(0, …)` and `count(2, …)` take the plural.
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `a`, `a och b`, `a, b och c`.
pub fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} och {last}", rest.join(", ")),
    }
}

/// `2 år`, `4 månader`, `1 år och 6 månader`.
pub fn duration(years: u32, months: u32) -> String {
    let y = match years {
        0 => None,
        n => Some(format!("{n} år")),
    };
    let m = match months {
        0 => None,
        1 => Some("1 månad".to_string()),
        n => Some(format!("{n} månader")),
    };
    match (y, m) {
        (Some(y), Some(m)) => format!("{y} och {m}"),
        (Some(x), None) | (None, Some(x)) => x,
        (None, None) => String::new(),
    }
}

/// `s` with its first letter in capitals: `något av` → `Något av`.
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The heading a group of criteria without a sentence of its own is shown under:
/// `Något av följande:`, `Minst 2 av följande:`, `Samtliga av följande:`.
pub fn group_heading(q: crate::model::Quantifier) -> String {
    let q = q.swedish();
    // `något av`, `minst 2 av` already end in `av`; `samtliga` does not.
    let av = if q.ends_with(" av") { "" } else { " av" };
    format!("{}{av} följande:", capitalize(&q))
}

/// The space Swedish typography puts between groups of three digits and before a
/// unit (`58 800 kr`): a no-break space, so a line never breaks inside a number.
pub const NUMBER_SPACE: char = '\u{a0}';

/// An exact number Swedish style: `58 800`, `0,5392`, `2 642,08`, `-3`. A number
/// with no finite decimal expansion (`1/3`), or one longer than 18 decimals, is shown
/// to four decimals after `≈`. Groups of three digits are set off by [`NUMBER_SPACE`]
/// from 1 000 upwards. Total: any ratio of two `i128` prints, none overflows.
pub fn number(n: &Number) -> String {
    let (text, approx) = match decimal_places(n) {
        Some(p) if p <= 18 => (decimal(n, p), false),
        _ => (decimal(n, 4), true),
    };
    format!("{}{text}", if approx { "≈ " } else { "" })
}

/// How many decimals `n` has written out in full; `None` when it has no finite
/// decimal expansion (its denominator has a prime factor other than 2 and 5).
fn decimal_places(n: &Number) -> Option<usize> {
    let mut den = n.denom().unsigned_abs();
    let (mut twos, mut fives) = (0usize, 0usize);
    while den % 2 == 0 {
        den /= 2;
        twos += 1;
    }
    while den % 5 == 0 {
        den /= 5;
        fives += 1;
    }
    (den == 1).then_some(twos.max(fives))
}

/// `|n|` to `places` decimals, rounded half away from zero: the whole part and the
/// decimal digits. Long division on the remainder, which stays below the denominator,
/// so nothing overflows whatever `n` is.
fn fixed(n: &Number, places: usize) -> (u128, Vec<u8>) {
    let den = n.denom().unsigned_abs();
    let num = n.numer().unsigned_abs();
    let (mut int, mut rem) = (num / den, num % den);
    let mut digits = Vec::with_capacity(places);
    for _ in 0..places {
        // rem × 10 = digit × den + rem', as ten additions modulo den: each sum is
        // below 2 × den ≤ 2^128, so it fits where rem × 10 might not.
        let (mut digit, mut acc) = (0u8, 0u128);
        for _ in 0..10 {
            if rem >= den - acc {
                acc = rem - (den - acc);
                digit += 1;
            } else {
                acc += rem;
            }
        }
        digits.push(digit);
        rem = acc;
    }
    // Half or more of the last place left over (rem × 2 ≥ den): round away from zero.
    if rem > 0 && rem >= den - rem {
        let mut k = digits.len();
        loop {
            if k == 0 {
                int += 1;
                break;
            }
            k -= 1;
            if digits[k] == 9 {
                digits[k] = 0;
            } else {
                digits[k] += 1;
                break;
            }
        }
    }
    (int, digits)
}

/// `n` with at most `places` decimals, rounded half away from zero, trailing zeros
/// dropped, comma as the decimal sign and grouped thousands; no sign when it rounds
/// to zero.
fn decimal(n: &Number, places: usize) -> String {
    let (int, mut frac) = fixed(n, places);
    while frac.last() == Some(&0) {
        frac.pop();
    }
    signed(n, int, &frac, ',', true)
}

/// The sign (when `n` is negative and the digits are not all zero), the whole part,
/// grouped by threes when `group`, and the decimals after `point`, if any.
fn signed(n: &Number, int: u128, frac: &[u8], point: char, group: bool) -> String {
    let digits = int.to_string();
    let mut out = String::with_capacity(digits.len() * 2 + frac.len() + 2);
    if *n.numer() < 0 && (int != 0 || frac.iter().any(|d| *d != 0)) {
        // Text for people takes the minus sign (U+2212), as the arithmetic's operators
        // do; machine formats the ASCII hyphen-minus.
        out.push(if group { '−' } else { '-' });
    }
    for (k, c) in digits.chars().enumerate() {
        if group && k > 0 && (digits.len() - k) % 3 == 0 {
            out.push(NUMBER_SPACE);
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(point);
        out.extend(frac.iter().map(|d| char::from(b'0' + d)));
    }
    out
}

/// An amount of money: `2 642 kr`, `2 642,08 kr`, `5 000,50 kr` (whole kronor without
/// decimals, otherwise always two: to the öre, never more).
pub fn money(n: &Number) -> String {
    let (int, frac) = fixed(n, 2);
    let frac: &[u8] = if frac.iter().all(|d| *d == 0) {
        &[]
    } else {
        &frac
    };
    format!("{}{NUMBER_SPACE}kr", signed(n, int, frac, ',', true))
}

/// A number with its unit as a Swedish text prints it: `58 800 kr`, `53,92 %`,
/// `0,5392` (no unit), `64 år`.
pub fn with_unit(n: &Number, unit: Option<&str>) -> String {
    match unit.map(str::trim).filter(|u| !u.is_empty()) {
        None => number(n),
        Some(u) if crate::model::is_money_unit(u) && u == "kr" => money(n),
        Some(u) => format!("{}{NUMBER_SPACE}{u}", number(n)),
    }
}

/// A parameter value as a Swedish text prints it: `58 800 kr`, `0,5392`, `18–64 år`,
/// `50–` (open upwards), `25 %`.
pub fn param_value(data: &ParamData, unit: Option<&str>) -> String {
    match data {
        ParamData::Integer(i) => with_unit(&Number::from_integer(i128::from(*i)), unit),
        ParamData::Number(n) => with_unit(n, unit),
        ParamData::Range { min, max } => {
            let range = match max {
                Some(max) if max == min => format!("{min}"),
                Some(max) => format!("{min}–{max}"),
                None => format!("{min}–"),
            };
            match unit.map(str::trim).filter(|u| !u.is_empty()) {
                Some(u) => format!("{range}{NUMBER_SPACE}{u}"),
                None => range,
            }
        }
    }
}

/// An exact number as JSON and machine formats write it: decimal point, no grouping,
/// all decimals (`0.5392`, `2642.08`); a number with no finite decimal expansion as a
/// fraction (`1/3`).
pub fn decimal_point(n: &Number) -> String {
    if n.is_integer() {
        return n.to_integer().to_string();
    }
    let Some(places) = decimal_places(n) else {
        return format!("{}/{}", n.numer(), n.denom());
    };
    // Exactly `places` decimals: nothing is left over to round.
    let (int, frac) = fixed(n, places);
    signed(n, int, &frac, '.', false)
}

/// A key that sorts words in Swedish alphabetical order: case aside, `å`, `ä` and `ö`
/// after `z` (in that order), `é` with `e`, `ü` with `y`, `æ` with `ä` and `ø` with `ö`.
pub fn sort_key(s: &str) -> Vec<u32> {
    let z = u32::from('z');
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'å' => z + 1,
            'ä' | 'æ' => z + 2,
            'ö' | 'ø' => z + 3,
            'é' | 'è' | 'ê' | 'ë' => u32::from('e'),
            'ü' => u32::from('y'),
            'á' | 'à' => u32::from('a'),
            c => u32::from(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_swedish_style() {
        let nb = NUMBER_SPACE;
        assert_eq!(number(&Number::from_integer(58_800)), format!("58{nb}800"));
        assert_eq!(number(&Number::new(5392, 10_000)), "0,5392");
        assert_eq!(number(&Number::new(264_208, 100)), format!("2{nb}642,08"));
        assert_eq!(number(&Number::from_integer(-3)), "−3");
        assert_eq!(number(&Number::new(1, 3)), "≈ 0,3333");
        assert_eq!(
            money(&Number::new(264_208, 100)),
            format!("2{nb}642,08{nb}kr")
        );
        assert_eq!(money(&Number::from_integer(662)), format!("662{nb}kr"));
        assert_eq!(
            param_value(
                &ParamData::Range {
                    min: 18,
                    max: Some(64)
                },
                Some("år")
            ),
            format!("18–64{nb}år")
        );
        assert_eq!(
            param_value(&ParamData::Range { min: 50, max: None }, None),
            "50–"
        );
        assert_eq!(
            param_value(
                &ParamData::Range {
                    min: 1,
                    max: Some(1)
                },
                None
            ),
            "1"
        );
        assert_eq!(
            param_value(&ParamData::Integer(7), Some("%")),
            format!("7{nb}%")
        );
    }

    #[test]
    fn machine_formats_keep_every_decimal() {
        assert_eq!(decimal_point(&Number::new(264_208, 100)), "2642.08");
        assert_eq!(decimal_point(&Number::new(-1, 8)), "-0.125");
        assert_eq!(decimal_point(&Number::new(1, 3)), "1/3");
        assert_eq!(decimal_point(&Number::from_integer(1372)), "1372");
        assert_eq!(decimal_point(&Number::new(1, 1 << 40)).len(), 42);
    }

    /// Whatever ratio an amount reaches, it prints: no multiplication by a power of ten
    /// overflows, no sign is lost, and a number is never rounded without `≈`.
    #[test]
    fn extreme_numbers_print_without_overflow() {
        let nb = NUMBER_SPACE;
        let max = i128::MAX;
        let huge = Number::from_integer(max);
        let text = number(&huge);
        assert_eq!(text.replace(nb, ""), max.to_string());
        assert_eq!(
            money(&huge).replace(nb, ""),
            format!("{max}kr"),
            "whole kronor"
        );
        assert_eq!(decimal_point(&huge), max.to_string());
        let neg = Number::from_integer(-max);
        assert_eq!(number(&neg).replace(nb, ""), format!("−{max}"));
        // A numerator and a denominator both near 2^127: 1,0000…
        let near_one = Number::new(max - 1, max);
        assert_eq!(number(&near_one), "≈ 1");
        assert_eq!(money(&near_one), format!("1{nb}kr"));
        // A huge numerator over a decimal denominator, 170 141 183 460 469 231 731,687…
        let big_frac = Number::new(max, 1_000_000_000_000_000_000);
        assert_eq!(
            number(&big_frac),
            format!("170{nb}141{nb}183{nb}460{nb}469{nb}231{nb}731,687303715884105727")
        );
        assert_eq!(
            money(&big_frac),
            format!("170{nb}141{nb}183{nb}460{nb}469{nb}231{nb}731,69{nb}kr")
        );
        assert_eq!(
            decimal_point(&-big_frac),
            "-170141183460469231731.687303715884105727"
        );
        // More than 18 decimals is shown rounded, and says so.
        assert_eq!(number(&Number::new(1, 1 << 70)), "≈ 0");
        assert_eq!(number(&Number::new(-1, 3)), "≈ −0,3333");
        assert_eq!(number(&Number::new(-1, 100_000)), "−0,00001");
        assert_eq!(money(&Number::new(-1, 1000)), format!("0{nb}kr"));
        assert_eq!(money(&Number::new(-5, 1000)), format!("−0,01{nb}kr"));
        assert_eq!(money(&Number::new(1, 2)), format!("0,50{nb}kr"));
    }
}
