//! What is granted or charged, not only whether: groups of criteria (*samtliga*,
//! *något av*, *minst N av*), level tables chosen by thresholds (*avgiftsnivåer*) and
//! amounts computed exactly from parameters and facts (*maxavgift*, *förbehållsbelopp*).

use num_rational::Ratio;

use super::{Id, Text};
use crate::source::{Span, Spanned};

/// An exact number: a ratio of two 128-bit integers. Money, fractions such as `0,5392`
/// and `1/12`, and percentages are kept exactly; nothing is a floating-point number.
pub type Number = Ratio<i128>;

/// How the members of a group combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    /// *Samtliga*: every member must be met.
    All,
    /// *Något av*: at least one member must be met.
    Any,
    /// *Minst N av*: at least this many members must be met.
    AtLeast(u32),
}

impl Quantifier {
    /// In Swedish, as a heading of the group: `samtliga`, `något av`, `minst 2 av`.
    pub fn swedish(self) -> String {
        match self {
            Quantifier::All => "samtliga".to_owned(),
            Quantifier::Any => "något av".to_owned(),
            Quantifier::AtLeast(n) => format!("minst {n} av"),
        }
    }

    /// As written in the YAML, JSON and templates: `all`, `any`, `at_least`.
    pub fn code(self) -> &'static str {
        match self {
            Quantifier::All => "all",
            Quantifier::Any => "any",
            Quantifier::AtLeast(_) => "at_least",
        }
    }
}

/// One member of an intervention's criteria: a criterion, or a group of members.
#[derive(Debug)]
pub enum Member {
    /// A criterion, by id.
    Criterion(Id),
    /// A group with its own sentence and quantifier.
    Group(Group),
}

/// A group of criteria (*något av nedanstående*), nestable.
#[derive(Debug)]
pub struct Group {
    /// Stable id, so explanations, diffs and policy tests can name it.
    pub id: Id,
    /// The group's own sentence as the guideline prints it, e.g. `Den enskilde ska
    /// uppfylla något av följande:` (inline Markdown); `None` when the text places the
    /// members by reference and prints no sentence of its own.
    pub text: Option<Text>,
    /// How the members combine.
    pub quantifier: Spanned<Quantifier>,
    /// Its members, in the order the text lists them.
    pub members: Vec<Member>,
}

impl Member {
    /// Every criterion id under this member, depth first.
    pub fn criteria<'a>(&'a self, out: &mut Vec<&'a Id>) {
        match self {
            Member::Criterion(id) => out.push(id),
            Member::Group(g) => g.members.iter().for_each(|m| m.criteria(out)),
        }
    }

    /// Every group under this member (itself first), depth first.
    pub fn groups<'a>(&'a self, out: &mut Vec<&'a Group>) {
        if let Member::Group(g) = self {
            out.push(g);
            g.members.iter().for_each(|m| m.groups(out));
        }
    }
}

/// What an intervention states of its extent: a level, amounts, or both.
#[derive(Debug, Default)]
pub struct Extent {
    /// The level table that places the person (its id among the version's `levels`).
    pub level: Option<Id>,
    /// The amounts decided, by id among the version's `amounts`; the last is the one
    /// the decision states (the others show how it was reached).
    pub amounts: Vec<Id>,
}

/// A table of levels chosen by thresholds on facts, e.g. *avgiftsnivåer* by granted
/// hours of home help per month and days of day activity per week.
#[derive(Debug)]
pub struct LevelTable {
    /// Stable id; a formula reads a chosen level's values as `<id>.<value>`.
    pub id: Id,
    /// Its name, e.g. `Avgiftsnivå`.
    pub name: Text,
    /// The section or passage that states the table.
    pub basis: Option<Id>,
    /// The facts whose values choose the level (integer facts).
    pub by: Vec<Id>,
    /// When the facts point at different levels, the highest applies (*det är alltid
    /// den högsta nivån av insatser som gäller*). The only rule supported today.
    pub choose_highest: bool,
    /// The levels, lowest first.
    pub rows: Vec<LevelRow>,
}

/// One level: the range of each fact that places a person in it, and its values.
#[derive(Debug)]
pub struct LevelRow {
    /// The level's name as printed, e.g. `3`.
    pub level: Text,
    /// For each fact of [`LevelTable::by`] that can place a person here: the fact and
    /// the range parameter holding its thresholds. A fact left out does not place
    /// anyone at this level (an empty cell in the guideline's table).
    pub when: Vec<(Id, Id)>,
    /// Named values of the level, each a parameter: `andel: avgiftsniva_3_andel`.
    pub values: Vec<(Id, Id)>,
    /// Where the row is written.
    pub span: Span,
}

/// How an amount is rounded, once, after it has been computed exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundingDirection {
    /// Towards zero (*nedåt*; for the amounts of a fee, never negative, the same as
    /// down).
    Down,
    /// To the nearest; a half goes away from zero (*till närmaste*: 0,50 kr → 1 kr).
    Nearest,
    /// Away from zero (*uppåt*).
    Up,
}

/// The rounding of an amount: to whole kronor or öre, in a direction.
#[derive(Debug)]
pub struct Rounding {
    /// `true`: to whole kronor; `false`: to whole öre.
    pub to_krona: bool,
    /// Which way.
    pub direction: RoundingDirection,
    /// No source states the rounding; it is an assumption (the reference says whose).
    pub assumption: bool,
    /// Where the rounding rule comes from.
    pub reference: Text,
    /// Where `rounding` is written.
    pub span: Span,
}

impl Rounding {
    /// In Swedish: `avrundat nedåt till hela kronor`.
    pub fn swedish(&self) -> String {
        match (self.direction, self.to_krona) {
            (RoundingDirection::Nearest, true) => "avrundat till närmaste hela krona".to_owned(),
            (RoundingDirection::Nearest, false) => "avrundat till närmaste öre".to_owned(),
            (RoundingDirection::Down, true) => "avrundat nedåt till hela kronor".to_owned(),
            (RoundingDirection::Down, false) => "avrundat nedåt till hela ören".to_owned(),
            (RoundingDirection::Up, true) => "avrundat uppåt till hela kronor".to_owned(),
            (RoundingDirection::Up, false) => "avrundat uppåt till hela ören".to_owned(),
        }
    }
}

/// An amount computed from parameters, facts, a chosen level and other amounts.
#[derive(Debug)]
pub struct Amount {
    /// Stable id; other formulas read it by this name.
    pub id: Id,
    /// Its name as the guideline calls it, e.g. `Avgiftsutrymme`.
    pub name: Text,
    /// The unit of the result: `kr` (money, shown with öre or rounded) or another word
    /// such as `timmar`.
    pub unit: Text,
    /// The section or passage that states how it is computed.
    pub basis: Option<Id>,
    /// The formula, or formulas chosen by conditions: the first whose `when` holds.
    pub cases: Vec<AmountCase>,
    /// Rounding applied once, to this amount's result; intermediate amounts read by
    /// other formulas stay exact.
    pub rounding: Option<Rounding>,
    /// What the formula assumes that no source states (e.g. that a table's percentage
    /// is per month); explanations print it with the arithmetic.
    pub assumption: Option<Text>,
}

impl Amount {
    /// Whether the unit is Swedish kronor.
    pub fn is_money(&self) -> bool {
        is_money_unit(&self.unit.value)
    }
}

/// Whether a unit names Swedish kronor (`kr`, `kr/mån`, `kronor per månad`).
pub fn is_money_unit(unit: &str) -> bool {
    let u = unit.trim();
    u == "kr" || u.starts_with("kr ") || u.starts_with("kr/") || u.starts_with("kronor")
}

/// One way of computing an amount, used when its condition holds.
#[derive(Debug)]
pub struct AmountCase {
    /// A rule (docs/rules.md); `None` for the case that applies otherwise.
    pub when: Option<Spanned<String>>,
    /// The formula (docs/rules.md, *Amounts*).
    pub formula: Spanned<String>,
}

/// An exact decimal number as a Swedish source writes it: `0,5392`, `53,92`, `-1.5`
/// (comma or point, no exponent, at most 18 digits after it); `None` for anything else.
pub fn parse_decimal(s: &str) -> Option<Number> {
    let t = s.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (int, frac) = match t.split_once([',', '.']) {
        Some((_, "")) => return None,
        Some((a, b)) => (a, b),
        None => (t, ""),
    };
    let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || frac.len() > 18 || int.len() > 18 {
        return None;
    }
    let scale = 10i128.pow(u32::try_from(frac.len()).ok()?);
    let whole: i128 = int.parse().ok()?;
    let part: i128 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    let n = Number::new(whole * scale + part, scale);
    Some(if neg { -n } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_read_exactly_as_written() {
        assert_eq!(parse_decimal("0,5392"), Some(Number::new(5392, 10_000)));
        assert_eq!(parse_decimal("53.92"), Some(Number::new(5392, 100)));
        assert_eq!(parse_decimal("-1,5"), Some(Number::new(-3, 2)));
        assert_eq!(parse_decimal("7"), Some(Number::from_integer(7)));
        for bad in [
            "",
            ",5",
            "1,2,3",
            "1e3",
            "5 %",
            "0x10",
            "1.",
            "12345678901234567890",
        ] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
    }
}
