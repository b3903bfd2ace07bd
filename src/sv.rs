//! Swedish wording shared by every stage that speaks to people: the document, the
//! explanation of a case, the decision draft and the diff. One place, so the same
//! thing is always said the same way.

use num_traits::Signed;

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

/// The space Swedish typography puts between groups of three digits and before a
/// unit (`58 800 kr`): a no-break space, so a line never breaks inside a number.
pub const NUMBER_SPACE: char = '\u{a0}';

/// An exact number Swedish style: `58 800`, `0,5392`, `2 642,08`, `-3`. A number
/// with no finite decimal expansion (`1/3`) is shown to four decimals after `≈`.
/// Groups of three digits are set off by [`NUMBER_SPACE`] from 1 000 upwards.
pub fn number(n: &Number) -> String {
    let (neg, n) = (n < &Number::from_integer(0), n.abs());
    // Terminating decimals have a denominator of only 2s and 5s.
    let mut den = *n.denom();
    while den % 2 == 0 {
        den /= 2;
    }
    while den % 5 == 0 {
        den /= 5;
    }
    let (text, approx) = if den == 1 {
        (decimal(&n, 18), false)
    } else {
        (decimal(&n, 4), true)
    };
    // Swedish typography writes a minus sign (U+2212), as the arithmetic's operators do.
    format!(
        "{}{}{text}",
        if approx { "≈ " } else { "" },
        if neg { "−" } else { "" }
    )
}

/// `n` (not negative) with at most `places` decimals, rounded half away from zero,
/// trailing zeros dropped, comma as the decimal sign and grouped thousands.
fn decimal(n: &Number, places: u32) -> String {
    let scale = 10i128.pow(places);
    let scaled = (n * Number::from_integer(scale)).round().to_integer();
    let (int, mut frac) = (
        scaled / scale,
        format!("{:0w$}", scaled % scale, w = places as usize),
    );
    while frac.ends_with('0') {
        frac.pop();
    }
    let digits = int.to_string();
    let mut grouped = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            grouped.push(NUMBER_SPACE);
        }
        grouped.push(c);
    }
    if frac.is_empty() {
        grouped
    } else {
        format!("{grouped},{frac}")
    }
}

/// An amount of money: `2 642 kr`, `2 642,08 kr`, `5 000,50 kr` (whole kronor without
/// decimals, otherwise always two: to the öre, never more).
pub fn money(n: &Number) -> String {
    let ore = (n * Number::from_integer(100)).round() / Number::from_integer(100);
    let mut text = number(&ore);
    if !ore.is_integer() && text.rsplit_once(',').is_some_and(|(_, f)| f.len() == 1) {
        text.push('0');
    }
    format!("{text}{NUMBER_SPACE}kr")
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
    let mut den = *n.denom();
    let mut places = 0u32;
    while den % 10 == 0 || den % 2 == 0 || den % 5 == 0 {
        if den % 10 == 0 {
            den /= 10;
        } else if den % 2 == 0 {
            den /= 2;
        } else {
            den /= 5;
        }
        places += 1;
        if places > 36 {
            break;
        }
    }
    if den != 1 {
        return format!("{}/{}", n.numer(), n.denom());
    }
    let scale = 10i128.pow(places);
    let scaled = (n * Number::from_integer(scale)).to_integer();
    let sign = if scaled < 0 { "-" } else { "" };
    let a = scaled.abs();
    let frac = format!("{:0w$}", a % scale, w = places as usize);
    format!("{sign}{}.{}", a / scale, frac.trim_end_matches('0'))
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
    }
}
