//! The rule language of guideline criteria: lexing → parsing → type checking → compiling →
//! evaluating, with this file as the entry point ([`compile()`]) and home of the shared types.
//!
//! A criterion's rule is a small typed expression such as
//! `age(fodelsedatum, ansokningsdatum) in yrkesverksam_alder`. [`compile()`] checks it against
//! the fact catalogue and parameters ([`Scope`]) and turns it into a [`Program`], whose
//! [`Program::eval`] gives a three-valued [`Tri`] (*uppfyllt*, *ej uppfyllt*, *ej utrett*)
//! for one case ([`Env`]). The language is described for policy officers and developers in
//! `docs/rules.md`.
//!
//! Stages: `lex` (tokens) → `parse` and `parse_in` (the `ast`, depth-limited) → `check`,
//! `check_cmp` and `names` (types, names, error wording) → `compile` (bytecode) → `vm`
//! (evaluation); `date` holds the calendar arithmetic.

pub mod amount;
mod ast;
mod check;
mod check_cmp;
mod compile;
mod date;
mod lex;
mod names;
mod parse;
mod parse_in;
mod vm;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_eval;
#[cfg(test)]
mod tests_prop;
#[cfg(test)]
mod tests_ref;

use std::fmt;
use std::ops::Range;

pub use date::{civil_from_days, days_from_civil};
pub use vm::{Env, ParamVal, Program, Tri};

use crate::model::EnumValue;

/// Why a fact or parameter cannot have this id: a rule would read the name as
/// something else (a keyword, the built-in application date, a function).
pub fn reserved(name: &str) -> Option<&'static str> {
    if lex::KEYWORDS.contains(&name) {
        Some("a keyword of the rule language")
    } else if name == crate::BUILTIN_APPLICATION_DATE {
        Some("the built-in application date (the case's `ansokningsdatum`)")
    } else if names::FUNCTIONS.contains(&name) {
        Some("a function of the rule language")
    } else {
        None
    }
}

/// The longest rule source accepted, in bytes.
pub const MAX_SOURCE_LEN: usize = 4096;
/// How deeply parentheses, calls, `not` and unary `-` may nest.
pub const MAX_NESTING: usize = 64;
/// The most values the evaluation stack may hold at once.
pub const MAX_STACK: usize = 64;

/// The type of a fact, as declared in `facts.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// Yes or no; in an [`Env`] 0 or 1.
    Bool,
    /// A whole number.
    Int,
    /// A calendar date; in an [`Env`] days since 1970-01-01.
    Date,
    /// One of a fixed list of values; in an [`Env`] the index into this list.
    Enum(Vec<EnumValue>),
    /// An amount of money; in an [`Env`] whole öre.
    Money,
}

/// The type of a parameter, as declared in `parameters.yaml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PTy {
    /// A whole number, usable anywhere an integer is.
    Int,
    /// An inclusive range of whole numbers, usable only as `x in name`.
    Range,
    /// An amount in kronor (unit `kr`); in an [`Env`] whole öre, compared only with money.
    Money,
    /// An exact decimal number (`0,5392`, `7 %`): read by amounts, not by rules.
    Number,
}

/// The names a rule may use. A name's slot is its index in its `Vec`; [`Env`] uses the same
/// slots. `ansokningsdatum` is built in and must not be declared here.
#[derive(Debug, Clone, Default)]
pub struct Scope<'a> {
    /// Facts by slot: name and type.
    pub facts: Vec<(&'a str, Ty)>,
    /// Parameters by slot: name and type.
    pub params: Vec<(&'a str, PTy)>,
}

/// A problem in a rule's source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// The offending token or sub-expression, as a byte range into the rule source.
    pub range: Range<usize>,
    /// What is wrong: lowercase, no trailing period, names in backticks.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for RuleError {}

/// Parses, type-checks and compiles one rule against `scope`.
///
/// Syntax errors stop at the first; type errors in independent parts of the rule are all
/// reported, at most one per sub-expression, in source order.
///
/// # Errors
///
/// Every problem found, each with the byte range in `src` it is about.
pub fn compile(src: &str, scope: &Scope<'_>) -> Result<Program, Vec<RuleError>> {
    if src.len() > MAX_SOURCE_LEN {
        return Err(vec![RuleError {
            range: 0..src.len(),
            message: format!(
                "the rule is too long ({} bytes; at most {MAX_SOURCE_LEN})",
                src.len()
            ),
            hint: Some("split it into several criteria".to_owned()),
        }]);
    }
    let tokens = lex::lex(src).map_err(|e| vec![e])?;
    let tree = parse::parse(src, &tokens).map_err(|e| vec![e])?;
    let checked = check::check(src, &tree, scope)?;
    compile::compile(checked, tree.span).map_err(|e| vec![e])
}
