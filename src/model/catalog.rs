//! What all documents share: the glossary, the facts dictionary and the dated parameters.

use jiff::civil::Date;

use super::{Id, Text};
use crate::source::Spanned;

/// The most roles a glossary may define: consultations are kept as a 64-bit set of
/// roles (bit `i` is role `i`).
pub const MAX_ROLES: usize = u64::BITS as usize;

/// Defined terms, laws, roles and known misspellings.
#[derive(Debug, Default)]
pub struct Glossary {
    /// Defined terms with preferred wording and synonyms.
    pub terms: Vec<Term>,
    /// Laws, with their SFS numbers.
    pub laws: Vec<Law>,
    /// Roles that assess, consult or report (handläggare, jobbcoach …).
    pub roles: Vec<Role>,
    /// Spellings a reviewer would flag, with the right one.
    pub misspellings: Vec<Misspelling>,
}

impl Glossary {
    /// Every role's id, in glossary order (the order of consultation bit masks).
    pub fn role_ids(&self) -> Vec<&str> {
        self.roles.iter().map(|r| r.id.value.as_str()).collect()
    }

    /// The role with this id.
    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.id.value == id)
    }

    /// The law with this abbreviation or name (case-insensitive).
    pub fn law_named(&self, name: &str) -> Option<&Law> {
        self.laws.iter().find(|l| {
            l.abbreviation.value.eq_ignore_ascii_case(name)
                || l.name.value.to_lowercase() == name.to_lowercase()
        })
    }
}

/// A defined term.
#[derive(Debug)]
pub struct Term {
    /// Stable id.
    pub id: Id,
    /// The preferred wording.
    pub term: Text,
    /// Other words for the same thing; using them is flagged.
    pub synonyms: Vec<Text>,
    /// What it means (Markdown).
    pub definition: Text,
    /// Legal references, e.g. `4 kap. 2 § SoL`.
    pub legal: Vec<Text>,
    /// Where the definition comes from.
    pub source: Option<Text>,
}

/// A law, cited by abbreviation.
#[derive(Debug)]
pub struct Law {
    /// Stable id.
    pub id: Id,
    /// Full name, e.g. `Socialtjänstlagen`.
    pub name: Text,
    /// Abbreviation, e.g. `SoL`.
    pub abbreviation: Text,
    /// SFS number, e.g. `2001:453`.
    pub sfs: Text,
}

/// Someone who assesses, consults or reports.
#[derive(Debug)]
pub struct Role {
    /// Stable id, e.g. `handlaggare`.
    pub id: Id,
    /// The title as written in decisions, e.g. `handläggare på stadsdelsnämnd`.
    pub title: Text,
}

/// A spelling a reviewer would flag.
#[derive(Debug)]
pub struct Misspelling {
    /// The word as wrongly written.
    pub wrong: Text,
    /// The right spelling.
    pub right: Text,
}

/// A fact that a rule may read.
#[derive(Debug)]
pub struct Fact {
    /// Stable id, usable in rules (`fodelsedatum`).
    pub id: Id,
    /// Its type.
    pub ty: Spanned<FactType>,
    /// The question a case officer asks, in Swedish.
    pub question: Text,
    /// Who or what provides the answer.
    pub source: Spanned<FactSource>,
    /// Evidence that establishes it (e.g. `läkarintyg`), in Swedish.
    pub evidence: Option<Text>,
}

/// The type of a fact.
#[derive(Debug, Clone, PartialEq)]
pub enum FactType {
    /// Ja or nej.
    Bool,
    /// A whole number, optionally bounded.
    Integer {
        /// Smallest allowed value.
        min: Option<i64>,
        /// Largest allowed value.
        max: Option<i64>,
    },
    /// A calendar date.
    Date,
    /// An amount of money in Swedish kronor, kept exactly in öre.
    Money,
    /// One of a fixed set of values.
    Enum(Vec<EnumValue>),
}

impl FactType {
    /// Name as written in `facts.yaml`.
    pub fn name(&self) -> &'static str {
        match self {
            FactType::Bool => "bool",
            FactType::Integer { .. } => "integer",
            FactType::Date => "date",
            FactType::Money => "money",
            FactType::Enum(_) => "enum",
        }
    }
}

/// A value of an enum fact: written as a number (`1`) or a word (`ingen`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EnumValue {
    /// A number, e.g. LSS personkrets `1`.
    Int(i64),
    /// A word.
    Word(String),
}

impl EnumValue {
    /// The value as a rule writes it: a number bare, a word in quotes (`"kvinna"`).
    #[must_use]
    pub fn rule_literal(&self) -> String {
        match self {
            EnumValue::Int(i) => i.to_string(),
            EnumValue::Word(w) => format!("\"{w}\""),
        }
    }
}

impl std::fmt::Display for EnumValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EnumValue::Int(i) => write!(f, "{i}"),
            EnumValue::Word(w) => f.write_str(w),
        }
    }
}

/// Who or what answers a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactSource {
    /// The applicant (den enskilde), in the application or in conversation.
    Person,
    /// A certificate or record from another body (intyg, journal).
    Certificate,
    /// The municipality's own records and earlier decisions.
    Record,
    /// An assessment by a role named in the criterion.
    Assessment,
}

impl FactSource {
    /// All sources, as written in `facts.yaml`.
    pub const NAMES: [&'static str; 4] = ["person", "certificate", "record", "assessment"];

    /// As written in `facts.yaml`.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// In Swedish, for case files and explanations.
    pub fn swedish(self) -> &'static str {
        match self {
            FactSource::Person => "den enskilde",
            FactSource::Certificate => "intyg eller journal",
            FactSource::Record => "förvaltningens register och tidigare beslut",
            FactSource::Assessment => "handläggarens bedömning",
        }
    }
}

/// A parameter whose value changes over time (OpenFisca style).
#[derive(Debug)]
pub struct Parameter {
    /// Stable id, usable in rules.
    pub id: Id,
    /// What it is (Swedish).
    pub description: Text,
    /// Unit, e.g. `år`.
    pub unit: Option<Text>,
    /// Values, each from a start date; sorted by `from`.
    pub values: Vec<ParamValue>,
}

impl Parameter {
    /// Whether the parameter is a range (`{min, max}`): the shape of its first value,
    /// which every other value must share (`check` reports any that does not).
    pub fn is_range(&self) -> bool {
        self.values
            .first()
            .is_some_and(|v| matches!(v.value.value, ParamData::Range { .. }))
    }

    /// Whether the parameter is an amount in kronor (its unit is `kr`): rules read it
    /// in öre and compare it only with money.
    pub fn is_money(&self) -> bool {
        self.unit
            .as_ref()
            .is_some_and(|u| super::is_money_unit(&u.value))
    }

    /// Whether the parameter holds an exact decimal (`0,5392`) in any of its values.
    pub fn is_decimal(&self) -> bool {
        self.values
            .iter()
            .any(|v| matches!(v.value.value, ParamData::Number(_)))
    }

    /// The value in force on `date`.
    pub fn value_on(&self, date: Date) -> Option<&ParamValue> {
        self.values
            .iter()
            .rev()
            .find(|v| v.from.value <= date && v.until.as_ref().is_none_or(|u| date <= u.value))
    }
}

/// One value of a parameter and the period it holds.
#[derive(Debug)]
pub struct ParamValue {
    /// First day it holds.
    pub from: Spanned<Date>,
    /// Last day it holds, if it ends before the next value starts.
    pub until: Option<Spanned<Date>>,
    /// The value.
    pub value: Spanned<ParamData>,
    /// Where the value comes from.
    pub reference: Text,
    /// True when no source states the value and it is an assumption (e.g. of the example anvisning).
    pub assumption: bool,
}

/// The data of a parameter value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamData {
    /// A whole number.
    Integer(i64),
    /// An inclusive range of whole numbers.
    Range {
        /// Smallest value in range.
        min: i64,
        /// Largest value in range; `None` when the range is open upwards (`50–`).
        max: Option<i64>,
    },
    /// An exact number as the source writes it (`0,5392`, `53,92` with unit `%`).
    Number(super::Number),
}

impl ParamData {
    /// The value as a whole number, or as an exact number.
    pub fn number(&self) -> Option<super::Number> {
        match self {
            ParamData::Integer(i) => Some(super::Number::from_integer(i128::from(*i))),
            ParamData::Number(n) => Some(*n),
            ParamData::Range { .. } => None,
        }
    }
}
