//! Rules are parsed and type-checked when the policy is loaded: an unknown fact, a
//! type mismatch or a rule that is not true-or-false is a located diagnostic here.

use crate::check::text::text_span;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{CriterionKind, FactSource, ParamData, Policy, Text, Version};
use crate::rules::{self, PTy, Scope, Ty};
use num_traits::CheckedMul;

/// The names every rule of `policy` may use; slots are indices into
/// `policy.facts` and `policy.parameters`.
pub fn scope(policy: &Policy) -> Scope<'_> {
    Scope {
        facts: policy
            .facts
            .iter()
            .map(|f| (f.id.value.as_str(), fact_ty(&f.ty.value)))
            .collect(),
        params: policy
            .parameters
            .iter()
            .map(|p| {
                let ty = if p.is_range() {
                    PTy::Range
                } else if p.is_money() {
                    PTy::Money
                } else if p.is_decimal() {
                    PTy::Number
                } else {
                    PTy::Int
                };
                (p.id.value.as_str(), ty)
            })
            .collect(),
    }
}

/// The rule language's type of a fact.
fn fact_ty(t: &crate::model::FactType) -> Ty {
    use crate::model::FactType;
    match t {
        FactType::Bool => Ty::Bool,
        FactType::Integer { .. } => Ty::Int,
        FactType::Date => Ty::Date,
        FactType::Money => Ty::Money,
        FactType::Enum(v) => Ty::Enum(v.clone()),
    }
}

/// Compiles one rule, reporting its errors at their place in the YAML.
pub fn compile(
    policy: &Policy,
    scope: &Scope<'_>,
    rule: &Text,
    d: &mut Diagnostics,
) -> Option<rules::Program> {
    match rules::compile(&rule.value, scope) {
        Ok(p) => Some(p),
        Err(errors) => {
            for e in errors {
                // An empty range is shown as the character at its start.
                let len = if e.range.is_empty() {
                    rule.value
                        .get(e.range.start..)
                        .and_then(|r| r.chars().next())
                        .map_or(0, char::len_utf8)
                } else {
                    e.range.len()
                };
                let span = text_span(policy, rule, e.range.start, len);
                let mut diag = Diagnostic::error("rule", span, e.message);
                if let Some(h) = e.hint {
                    diag = diag.with_hint(h);
                }
                d.push(diag);
            }
            None
        }
    }
}

pub(super) fn check_parameters(policy: &Policy, d: &mut Diagnostics) {
    for p in &policy.parameters {
        let Some(first) = p.values.first() else {
            continue;
        };
        let range = p.is_range();
        for v in &p.values {
            if let Some(why) = beyond(p.is_money(), &v.value.value) {
                d.push(
                    Diagnostic::error(
                        "wrong-type",
                        v.value.span,
                        format!("parameter `{}`: {why}", p.id.value),
                    )
                    .with_hint(if p.is_money() {
                        "money is kronor with at most two decimals, below 1 000 000 000 000 kr; a share of an amount is a parameter without `kr` (or with `%`)"
                    } else {
                        "whole numbers go from -9223372036854775807 to 9223372036854775807"
                    }),
                );
            }
        }
        for v in &p.values[1..] {
            if matches!(v.value.value, ParamData::Range { .. }) != range {
                d.push(
                    Diagnostic::error(
                        "wrong-type",
                        v.value.span,
                        format!("parameter `{}` mixes ranges and whole numbers", p.id.value),
                    )
                    .with_related(first.value.span, "the first value")
                    .with_hint("every value of a parameter has the same shape"),
                );
            }
        }
    }
}

/// Why a parameter's value cannot be read as given, if it cannot: rules read money in
/// whole öre (a value with more decimals, or beyond [`MAX_ORE`], was silently *ej
/// utrett* in every rule while formulas read it), and `i64::MIN` is how the rules mark
/// an unknown value, so a parameter holding it read as missing.
///
/// [`MAX_ORE`]: crate::eval::case::MAX_ORE
fn beyond(money: bool, data: &ParamData) -> Option<String> {
    use crate::eval::case::MAX_ORE;
    let ore = |n: crate::model::Number| {
        let ore = n.checked_mul(&crate::model::Number::from_integer(100))?;
        (ore.is_integer() && ore.to_integer().unsigned_abs() < u128::from(MAX_ORE.unsigned_abs()))
            .then_some(())
    };
    match data {
        ParamData::Integer(kr) if money => ore(crate::model::Number::from_integer((*kr).into()))
            .is_none()
            .then(|| format!("{kr} kr is beyond the sums of money this tool counts (below 1 000 000 000 000 kr, either sign)")),
        ParamData::Number(n) if money => ore(*n).is_none().then(|| {
            format!(
                "{} kr is not a sum of money this tool counts (whole öre, below 1 000 000 000 000 kr)",
                crate::sv::number(n).replace(crate::sv::NUMBER_SPACE, " ")
            )
        }),
        ParamData::Integer(i64::MIN) => Some(format!("{} is beyond the whole numbers rules read", i64::MIN)),
        ParamData::Range { min: i64::MIN, .. } | ParamData::Range { max: Some(i64::MIN), .. } => {
            Some(format!("a range starting at {} is beyond the whole numbers rules read", i64::MIN))
        }
        _ => None,
    }
}

/// A version's rules, compiled: one entry per criterion and per duty, in the version's
/// order. `None` for a rule with errors (reported into the diagnostics given to
/// [`compile_version`]) and for a duty without `when`.
pub struct VersionRules {
    /// The criteria's rules.
    pub criteria: Vec<Option<rules::Program>>,
    /// The duties' conditions.
    pub duties: Vec<Option<rules::Program>>,
    /// The amounts, one per entry of the version's `amounts`; `None` for one with errors.
    pub amounts: Vec<Option<super::extent::CompiledAmount>>,
    /// The order to compute the amounts in: each after those it reads. Amounts with
    /// errors, or in a circle, are left out.
    pub amount_order: Vec<usize>,
}

impl VersionRules {
    /// Every compiled program: criteria first, then duty conditions.
    pub fn programs(&self) -> impl Iterator<Item = &rules::Program> {
        self.criteria.iter().chain(&self.duties).flatten()
    }
}

/// Compiles every rule of a version: the one place where a version's rules are compiled
/// (for the check, for `criteria.json` and the case schema, and for evaluation).
pub fn compile_version(
    policy: &Policy,
    scope: &Scope<'_>,
    v: &Version,
    d: &mut Diagnostics,
) -> VersionRules {
    let (amounts, amount_order) = super::extent::compile_amounts(policy, scope, v, d);
    VersionRules {
        criteria: v
            .criteria
            .iter()
            .map(|c| compile(policy, scope, &c.rule, d))
            .collect(),
        duties: v
            .duties
            .iter()
            .map(|x| x.when.as_ref().and_then(|w| compile(policy, scope, w, d)))
            .collect(),
        amounts,
        amount_order,
    }
}

pub(super) fn check_version(policy: &Policy, scope: &Scope<'_>, v: &Version, d: &mut Diagnostics) {
    let compiled = compile_version(policy, scope, v, d);
    super::extent::numbers_in_sentences(policy, v, &compiled.criteria, d);
    // A parameter without a value is reported once per version, at the first rule reading it.
    let mut gaps: Vec<usize> = Vec::new();
    for (c, program) in v.criteria.iter().zip(&compiled.criteria) {
        let Some(program) = program else {
            continue;
        };
        for &slot in program.params_read() {
            let p = &policy.parameters[slot];
            if !v.incomplete && p.value_on(v.valid_from.value).is_none() && !gaps.contains(&slot) {
                gaps.push(slot);
                d.push(
                    Diagnostic::warning(
                        "parameter-gap",
                        c.rule.span,
                        format!("parameter `{}` has no value on {}, when version `{}` becomes valid", p.id.value, v.valid_from.value, v.version.value),
                    )
                    .with_related(p.id.span, "the parameter")
                    .with_hint("cases from then on will be `ej utrett`: give the parameter a value from that date"),
                );
            }
        }
        let assessments: Vec<&str> = program
            .facts_read()
            .iter()
            .map(|&slot| &policy.facts[slot])
            .filter(|f| f.source.value == FactSource::Assessment)
            .map(|f| f.id.value.as_str())
            .collect();
        match &c.kind {
            CriterionKind::Fact if !assessments.is_empty() => d.push(
                Diagnostic::warning(
                    "criterion-kind",
                    c.rule.span,
                    format!("criterion `{}` is a fact but its rule reads an assessment (`{}`)", c.id.value, assessments.join("`, `")),
                )
                .with_hint("set `kind: assessment` and `assessed_by`, so that the tool can say who assesses it"),
            ),
            CriterionKind::Assessment { .. } if assessments.is_empty() => d.push(
                Diagnostic::warning(
                    "criterion-kind",
                    c.rule.span,
                    format!("criterion `{}` is an assessment but its rule reads no assessed fact", c.id.value),
                )
                .with_hint("give the facts it reads `source: assessment`, or set `kind: fact`"),
            ),
            _ => {}
        }
    }
}
