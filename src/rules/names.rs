//! Rule language, part of stage 3 (lexing → parsing → **type checking** → compiling →
//! evaluating): what a name refers to, did-you-mean suggestions, and the wording of type
//! errors (operands named by their source text when short, by their type otherwise).

use super::ast::{AddOp, Expr, Kind};
use super::check::{Checker, T};
use super::lex::Span;
use super::{PTy, Scope, Ty};
use crate::model::EnumValue;

/// The built-in date of application.
pub(super) const APP_DATE: &str = crate::BUILTIN_APPLICATION_DATE;
/// The built-in functions.
pub(super) const FUNCTIONS: [&str; 4] = ["age", "years", "months", "days"];
/// Operands longer than this are described by their type, not their text.
const SHORT: usize = 30;

/// What a name refers to.
pub(super) enum Resolved<'s> {
    AppDate,
    Fact(usize, &'s Ty),
    IntParam(usize),
    RangeParam(usize),
    MoneyParam(usize),
    NumberParam,
    Function,
    Unknown,
}

pub(super) fn resolve<'s>(scope: &'s Scope<'_>, name: &str) -> Resolved<'s> {
    if name == APP_DATE {
        return Resolved::AppDate;
    }
    if let Some(slot) = scope.facts.iter().position(|(n, _)| *n == name) {
        return Resolved::Fact(slot, &scope.facts[slot].1);
    }
    if let Some(slot) = scope.params.iter().position(|(n, _)| *n == name) {
        return match scope.params[slot].1 {
            PTy::Int => Resolved::IntParam(slot),
            PTy::Range => Resolved::RangeParam(slot),
            PTy::Money => Resolved::MoneyParam(slot),
            PTy::Number => Resolved::NumberParam,
        };
    }
    if FUNCTIONS.contains(&name) {
        Resolved::Function
    } else {
        Resolved::Unknown
    }
}

/// Source text with runs of whitespace (newlines too) shown as one space.
pub(super) fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(super) fn unknown_name_hint(scope: &Scope<'_>, name: &str) -> String {
    let all = scope
        .facts
        .iter()
        .map(|(n, _)| *n)
        .chain(scope.params.iter().map(|(n, _)| *n));
    match crate::diag::did_you_mean(name, all.chain([APP_DATE]).chain(FUNCTIONS)) {
        Some(s) => format!("did you mean `{s}`?"),
        None => {
            "names are facts from facts.yaml, parameters from parameters.yaml, or `ansokningsdatum`"
                .to_owned()
        }
    }
}

pub(super) fn unknown_function_hint(scope: &Scope<'_>, name: &str) -> String {
    let list = "the functions are `age`, `years`, `months` and `days`";
    if scope.facts.iter().any(|(n, _)| *n == name) {
        return format!("`{name}` is a fact, not a function; {list}");
    }
    if scope.params.iter().any(|(n, _)| *n == name) || name == APP_DATE {
        return format!("`{name}` is not a function; {list}");
    }
    let swedish = match name {
        "alder" | "aldern" => Some("age"),
        "ar" | "aar" => Some("years"),
        "manad" | "manader" => Some("months"),
        "dag" | "dagar" => Some("days"),
        _ => None,
    };
    match crate::diag::did_you_mean(name, FUNCTIONS).or(swedish) {
        Some(s) => format!("did you mean `{s}`?"),
        None => list.to_owned(),
    }
}

/// `1, 2, 3 or "ingen"`: the values as a rule writes them.
fn or_list(values: &[EnumValue]) -> String {
    let words: Vec<String> = values.iter().map(EnumValue::rule_literal).collect();
    match words.split_last() {
        None => "no values".to_owned(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

fn looks_like_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').map(str::trim).collect();
    parts.len() == 3
        && parts[0].len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
}

impl<'c> Checker<'c> {
    /// The values of the enum fact in `slot`.
    pub(super) fn values(&self, slot: usize) -> &'c [EnumValue] {
        match self.scope.facts.get(slot) {
            Some((_, Ty::Enum(values))) => values,
            _ => &[],
        }
    }

    fn text(&self, span: Span) -> Option<String> {
        let text = squash(&self.src[span.range()]);
        (text.chars().count() <= SHORT).then_some(text)
    }

    fn type_name(t: T) -> &'static str {
        match t {
            T::Bool => "true/false",
            T::Int => "integer",
            T::Money => "amount in kronor",
            T::Date => "date",
            T::Enum(_) => "enum",
            T::Dur(_) => "duration",
            T::Text => "text",
            T::Err => "unknown type",
        }
    }

    /// "an integer", "a date", …
    pub(super) fn phrase(&self, t: T) -> String {
        match t {
            T::Bool => "true/false".to_owned(),
            T::Int => "an integer".to_owned(),
            T::Money => "an amount in kronor".to_owned(),
            T::Date => "a date".to_owned(),
            T::Enum(slot) => format!(
                "a value of `{}`",
                self.scope.facts.get(slot).map_or("?", |f| f.0)
            ),
            T::Dur(_) => "a duration".to_owned(),
            T::Text => "text".to_owned(),
            T::Err => "of unknown type".to_owned(),
        }
    }

    /// "`fodelsedatum` (date)", or "a date" when the source text is long.
    fn describe(&self, span: Span, t: T) -> String {
        match self.text(span) {
            Some(text) => format!("`{text}` ({})", Self::type_name(t)),
            None => self.phrase(t),
        }
    }

    /// "`x` is an integer", or "this is an integer".
    pub(super) fn but(&self, span: Span, t: T) -> String {
        format!("{} is {}", self.subject(span), self.phrase(t))
    }

    /// "`x`", or "this".
    pub(super) fn subject(&self, span: Span) -> String {
        self.text(span)
            .map_or_else(|| "this".to_owned(), |t| format!("`{t}`"))
    }
}

pub(super) type Message = (String, Option<String>);

/// Why `l (+|-) r` does not type-check.
pub(super) fn arith_error(
    c: &Checker<'_>,
    op: AddOp,
    (ls, lt): (Span, T),
    (rs, rt): (Span, T),
) -> Message {
    let (left, right) = (c.describe(ls, lt), c.describe(rs, rt));
    let message = match op {
        AddOp::Add => format!("cannot add {right} to {left}"),
        AddOp::Sub => format!("cannot subtract {right} from {left}"),
    };
    let hint = match (lt, rt) {
        (T::Date, T::Date) => {
            let (from, to) = (c.text(rs), c.text(ls));
            let age = match (from, to) {
                (Some(from), Some(to)) => format!("age({from}, {to})"),
                _ => "age(from, to)".to_owned(),
            };
            format!(
                "dates cannot be subtracted: count whole years with `{age}`, or compare dates, e.g. `ansokningsdatum >= fodelsedatum + years(18)`"
            )
        }
        (T::Date, T::Int) => {
            "move a date by a duration: `days(n)`, `months(n)` or `years(n)`".to_owned()
        }
        (T::Dur(_), _) => {
            "write the date first, e.g. `fodelsedatum + years(18) + months(6)`".to_owned()
        }
        (_, T::Dur(_)) => {
            "a duration can only be added to a date, e.g. `fodelsedatum + years(18)`".to_owned()
        }
        _ => return (message, None),
    };
    (message, Some(hint))
}

/// Why `l` and `r` cannot be compared (`ordered`: with `<`, `<=`, `>` or `>=`).
pub(super) fn cmp_error(
    c: &Checker<'_>,
    ordered: bool,
    (ls, lt): (Span, T),
    (rs, rt): (Span, T),
) -> Message {
    if ordered {
        if let (T::Enum(slot), _) | (_, T::Enum(slot)) = (lt, rt) {
            let s = if matches!(lt, T::Enum(_)) { ls } else { rs };
            let example = c.text(s).map_or(String::new(), |t| {
                let first = c
                    .values(slot)
                    .iter()
                    .take(2)
                    .map(EnumValue::rule_literal)
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(", e.g. `{t} in [{first}]`")
            });
            let message = format!("{} is an enum: its values have no order", c.subject(s));
            return (message, Some(format!("use `==`, `!=` or `in`{example}")));
        }
        if (lt, rt) == (T::Bool, T::Bool) {
            return (
                "true/false values have no order".to_owned(),
                Some("use `==` or `!=`".to_owned()),
            );
        }
    }
    let message = format!(
        "cannot compare {} with {}",
        c.describe(ls, lt),
        c.describe(rs, rt)
    );
    let hint = match (lt, rt) {
        (T::Text, _) | (_, T::Text) => {
            Some("text in double quotes is only for values of enum facts, e.g. `personkrets == \"ingen\"`".to_owned())
        }
        (T::Dur(_), _) | (_, T::Dur(_)) => {
            Some("a duration is added to a date, e.g. `ansokningsdatum >= fodelsedatum + years(18)`".to_owned())
        }
        (T::Date, T::Int) | (T::Int, T::Date) => {
            let (ds, is) = if lt == T::Date { (ls, rs) } else { (rs, ls) };
            if c.text(is).is_some_and(|t| looks_like_date(&t)) {
                Some("write a date with four-digit year and two-digit month and day, e.g. `2022-05-24`".to_owned())
            } else {
                let date = c.text(ds).filter(|t| t != APP_DATE).unwrap_or_else(|| "fodelsedatum".to_owned());
                Some(format!("for an age in whole years use `age({date}, ansokningsdatum)`"))
            }
        }
        (T::Enum(a), T::Enum(_)) => Some(format!("`{}` has the values {}", c.scope.facts[a].0, or_list(c.values(a)))),
        (T::Enum(slot), _) | (_, T::Enum(slot)) => {
            Some(format!("compare `{}` with one of its values: {}", c.scope.facts[slot].0, or_list(c.values(slot))))
        }
        _ => None,
    };
    (message, hint)
}

/// "`4` is not a value of `personkrets` (1, 2, 3 or "ingen")".
pub(super) fn not_a_value(c: &Checker<'_>, e: &Expr, slot: usize) -> Message {
    let values = c.values(slot);
    let text = &c.src[e.span.range()];
    let message = format!(
        "`{text}` is not a value of `{}` ({})",
        c.scope.facts[slot].0,
        or_list(values)
    );
    let hint = match &e.kind {
        Kind::Str(s)
            if s.parse::<i64>()
                .is_ok_and(|n| values.contains(&EnumValue::Int(n))) =>
        {
            Some(format!("write numbers without quotes: `{s}`"))
        }
        Kind::Str(s) => {
            let words = values.iter().filter_map(|v| match v {
                EnumValue::Word(w) => Some(w.as_str()),
                EnumValue::Int(_) => None,
            });
            crate::diag::did_you_mean(s, words).map(|w| format!("did you mean `\"{w}\"`?"))
        }
        Kind::Int(n) if values.contains(&EnumValue::Word(n.to_string())) => {
            Some(format!("write it in quotes: `\"{n}\"`"))
        }
        _ => None,
    };
    (message, hint)
}

/// `x in range_param` with `x` not an integer.
pub(super) fn range_param_error(c: &Checker<'_>, (xs, xt): (Span, T), name: Span) -> Message {
    let name = &c.src[name.range()];
    let message = format!(
        "cannot compare {} with `{name}` (integer range)",
        c.describe(xs, xt)
    );
    let hint = match (xt, c.text(xs)) {
        (T::Date, Some(x)) if x != APP_DATE => Some(format!(
            "for an age use `age({x}, ansokningsdatum) in {name}`"
        )),
        _ => None,
    };
    (message, hint)
}
