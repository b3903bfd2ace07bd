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
    /// `spell_check: true`: `check` spells the prose against a Swedish dictionary (opt in,
    /// so that a policy that checked clean before keeps doing so); where it is written.
    pub spell_check: Option<crate::source::Span>,
    /// Words the spell check accepts though the Swedish dictionary does not know them:
    /// proper names (`Iwork`, `Slazak`), method names, the document's own compounds.
    pub words: Vec<Text>,
    /// Words of another language than Swedish that the prose uses (`Individual placement
    /// and support`): the published PDF and HTML mark them with their language, so that a
    /// screen reader speaks them in it; the spell check accepts them.
    pub foreign: Vec<Foreign>,
}

/// Words of one other language, found in the prose and marked with it.
#[derive(Debug)]
pub struct Foreign {
    /// The language: an ISO 639 code of two or three lowercase letters (`en`).
    pub lang: Text,
    /// The words or phrases, each found as whole words in any case, as terms are.
    pub words: Vec<Text>,
}

impl Foreign {
    /// Whether `lang` is a language code the writers can mark text with: two or three
    /// lowercase ASCII letters (ISO 639-1 or -2/3, as Typst's `text(lang:)` and HTML's
    /// `lang` take them).
    pub fn is_lang(lang: &str) -> bool {
        (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_lowercase())
    }
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

    /// The first law with this abbreviation or name (case-insensitive), whatever its
    /// validity. Two laws may share an abbreviation (SoL is both 2001:453 and
    /// 2025:400): where the date matters, use [`Glossary::law_on`].
    pub fn law_named(&self, name: &str) -> Option<&Law> {
        self.laws.iter().find(|l| l.is_named(name))
    }

    /// Every law with this abbreviation or name (case-insensitive), in glossary order.
    pub fn laws_named(&self, name: &str) -> Vec<&Law> {
        self.laws.iter().filter(|l| l.is_named(name)).collect()
    }

    /// The law a citation by `name` means on `date`: of the laws with this abbreviation
    /// or name, the one in force on that day; when none is, the one whose validity is
    /// nearest (the latest that ended before it, else the first). A version's citation
    /// "4 kap. 2 § SoL" means the law in force on the version's `valid_from`.
    pub fn law_on(&self, name: &str, date: Date) -> Option<&Law> {
        let named = self.laws_named(name);
        named
            .iter()
            .find(|l| l.in_force_on(date))
            .or_else(|| {
                named
                    .iter()
                    .filter(|l| l.valid_until.as_ref().is_some_and(|u| u.value < date))
                    .max_by_key(|l| l.valid_until.as_ref().map(|u| u.value))
            })
            .or_else(|| named.first())
            .copied()
    }

    /// The law with this id.
    pub fn law(&self, id: &str) -> Option<&Law> {
        self.laws.iter().find(|l| l.id.value == id)
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

/// A law, cited by abbreviation, with its validity, what replaced it, and what the
/// glossary records of its provisions (the appeal route of a decision under each, and
/// which provision of the replacing law succeeds which), each with its source.
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
    /// First day in force; `None` when the glossary does not record it.
    pub valid_from: Option<Spanned<Date>>,
    /// Last day in force; `None` while the law is in force (or when not recorded).
    pub valid_until: Option<Spanned<Date>>,
    /// The id of the law that replaced it (SoL 2001:453 → SoL 2025:400).
    pub replaced_by: Option<Id>,
    /// Where the validity and replacement are stated (an SFS, a proposition, a URL).
    pub source: Option<Text>,
    /// Provisions of the replacing law that succeed provisions of this one, each with
    /// the source that states it; a provision without an entry has no recorded successor.
    pub successors: Vec<Successor>,
    /// Provisions of this law a decision can rest on, with how such a decision is appealed.
    pub provisions: Vec<Provision>,
}

impl Law {
    /// Whether the law is in force on `date` (an unrecorded start or end is open).
    pub fn in_force_on(&self, date: Date) -> bool {
        self.valid_from.as_ref().is_none_or(|f| f.value <= date)
            && self.valid_until.as_ref().is_none_or(|u| date <= u.value)
    }

    /// Whether `name` is the law's abbreviation or full name (case-insensitive).
    pub fn is_named(&self, name: &str) -> bool {
        self.abbreviation.value.eq_ignore_ascii_case(name)
            || self.name.value.to_lowercase() == name.to_lowercase()
    }

    /// `socialtjänstlagen (2001:453)`: the name as a decision writes it, with the SFS number.
    pub fn long_name(&self) -> String {
        format!("{} ({})", self.name.value.to_lowercase(), self.sfs.value)
    }

    /// What the glossary records of `provision` (`4 kap. 1 §`, compared after
    /// [`normalize_provision`]).
    pub fn provision(&self, provision: &str) -> Option<&Provision> {
        let p = normalize_provision(provision);
        self.provisions
            .iter()
            .find(|x| normalize_provision(&x.provision.value) == p)
    }

    /// The recorded successor of `provision` in the replacing law, if a source states one.
    pub fn successor_of(&self, provision: &str) -> Option<&Successor> {
        let p = normalize_provision(provision);
        self.successors
            .iter()
            .find(|x| normalize_provision(&x.old.value) == p)
    }
}

/// A provision as written, in one spelling for comparison: whitespace collapsed,
/// `kap` with its dot, a space before `§` (`4 kap 2§` → `4 kap. 2 §`).
pub fn normalize_provision(s: &str) -> String {
    let spaced = s.replace('§', " § ");
    let words: Vec<&str> = spaced
        .split_whitespace()
        .map(|w| if w == "kap" { "kap." } else { w })
        .collect();
    words.join(" ")
}

/// A provision of a replacing law that succeeds one of the replaced law, as a source states it.
#[derive(Debug)]
pub struct Successor {
    /// The provision of the replaced law, e.g. `4 kap. 1 §`.
    pub old: Text,
    /// The provision of the replacing law, e.g. `11 kap. 1 §`.
    pub new: Text,
    /// Where the correspondence is stated.
    pub source: Text,
    /// The source does not state it of the law as enacted (e.g. only of a proposal).
    pub assumption: bool,
}

/// A provision a decision can rest on, as the glossary records it.
#[derive(Debug)]
pub struct Provision {
    /// The provision without the law, e.g. `4 kap. 1 §`.
    pub provision: Text,
    /// How a decision under it is appealed.
    pub appeal: Appeal,
}

/// How a decision under a provision is appealed, and where that is stated.
#[derive(Debug)]
pub struct Appeal {
    /// Förvaltningsbesvär or laglighetsprövning.
    pub route: Spanned<AppealRoute>,
    /// The court, e.g. `förvaltningsrätten`.
    pub to: Text,
    /// The provision giving the route, e.g. `16 kap. 3 § SoL`, `13 kap. KL`.
    pub basis: Text,
    /// Where this is stated (SFS, a court's or JO's decision, a URL).
    pub source: Text,
}

/// The way a decision is challenged in court.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppealRoute {
    /// *Förvaltningsbesvär*: the court tries the decision in full and may change it
    /// (a law's own appeal provision, e.g. 16 kap. 3 § SoL (2001:453)).
    Forvaltningsbesvar,
    /// *Laglighetsprövning* under 13 kap. kommunallagen (2017:725): only whether the
    /// decision is lawful; it can be quashed, not changed.
    Laglighetsprovning,
}

impl AppealRoute {
    /// As written in the glossary: `forvaltningsbesvar`, `laglighetsprovning`.
    pub const NAMES: [&'static str; 2] = ["forvaltningsbesvar", "laglighetsprovning"];

    /// As written in the glossary.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// In Swedish: `förvaltningsbesvär`, `laglighetsprövning`.
    pub fn swedish(self) -> &'static str {
        match self {
            AppealRoute::Forvaltningsbesvar => "förvaltningsbesvär",
            AppealRoute::Laglighetsprovning => "laglighetsprövning",
        }
    }
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
    /// A short name for explanations and drafts (`hemtjänsttimmar per månad`); the id
    /// is shown where there is none.
    pub label: Option<Text>,
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
