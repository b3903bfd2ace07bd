//! Evaluate: a case's facts against the version of a guideline in force on its
//! date. Rules are compiled once per version ([`Engine`]); each case is then a few
//! bytecode runs. Results are three-valued: a missing fact or assessment makes a
//! criterion *ej utrett*, never *ej uppfyllt*, and the tool never assesses.

pub mod batch;
pub mod case;
pub mod draft;
pub mod extent;
pub mod impact;
pub mod newcase;
pub mod policytest;
pub mod report;

use jiff::ToSpan;
use jiff::civil::Date;

use crate::check::rules::{compile_version, scope};
use crate::date::days;
use crate::diag::Diagnostics;
use crate::model::{
    Criterion, CriterionKind, Document, Duty, FactSource, Intervention, ParamData, Policy, Version,
};
use crate::rules::{Env, ParamVal, Program, Tri};
pub use case::{Assessment, Case};

/// The outcome for one intervention applied for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every criterion is met.
    Beviljas,
    /// At least one criterion is not met.
    Avslag,
    /// No criterion fails, but at least one is not yet established.
    Ofullstandig,
}

impl Outcome {
    /// Every outcome, in the order summaries count them.
    pub const ALL: [Outcome; 3] = [Outcome::Beviljas, Outcome::Avslag, Outcome::Ofullstandig];

    /// As written in JSON and CSV: `beviljas`, `avslag`, `utredning_ofullstandig`.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Beviljas => "beviljas",
            Outcome::Avslag => "avslag",
            Outcome::Ofullstandig => "utredning_ofullstandig",
        }
    }

    /// In Swedish prose.
    pub fn swedish(self) -> &'static str {
        match self {
            Outcome::Beviljas => "beviljas",
            Outcome::Avslag => "avslag",
            Outcome::Ofullstandig => "utredning ofullständig",
        }
    }
}

/// What an assessment criterion requires of the recorded assessment.
#[derive(Debug, Clone)]
pub struct Requirement {
    /// Roles that must have been consulted, as a bit mask over [`Engine::roles`].
    pub consult_mask: u64,
    /// The role whose report the assessment must rest on.
    pub report_from: Option<u8>,
    /// The assessment facts the rule reads.
    pub assessed: Vec<usize>,
}

/// A criterion with its compiled rule.
pub struct CompiledCriterion<'p> {
    /// The criterion.
    pub criterion: &'p Criterion,
    /// Its rule.
    pub program: Program,
    /// For an assessment with a required consultation or report.
    pub requirement: Option<Requirement>,
}

/// An intervention with its criteria and duties resolved to indices and programs.
pub struct CompiledIntervention<'p> {
    /// The intervention.
    pub intervention: &'p Intervention,
    /// Indices into [`CompiledVersion::criteria`], in the text's order.
    pub criteria: Vec<usize>,
    /// The criteria as written, groups included; a criterion is its position in
    /// `criteria`.
    pub members: Vec<extent::CMember>,
    /// How many groups the members hold.
    pub groups: usize,
    /// The groups themselves, depth first (a group's position in
    /// [`extent::CMember::Group`] indexes this list).
    pub group_defs: Vec<&'p crate::model::Group>,
    /// Duties on rejection, each with its condition.
    pub duties: Vec<(&'p Duty, Option<Program>)>,
}

/// One version, compiled.
pub struct CompiledVersion<'p> {
    /// The document the version belongs to.
    pub doc: &'p Document,
    /// The version.
    pub version: &'p Version,
    /// Its content hash (as in `criteria.json`).
    pub hash: String,
    /// Every criterion, in the version's order.
    pub criteria: Vec<CompiledCriterion<'p>>,
    /// Every intervention.
    pub interventions: Vec<CompiledIntervention<'p>>,
    /// The version's amounts, compiled (one per entry of its `amounts`).
    pub amounts: Vec<Option<crate::check::extent::CompiledAmount>>,
    /// The order to compute the amounts in.
    pub amount_order: Vec<usize>,
}

impl CompiledVersion<'_> {
    /// The day this version reads its parameters for a case dated `date`: the date,
    /// moved into the version's validity (its first day, or its last).
    pub fn params_date(&self, date: Date) -> Date {
        let date = date.max(self.version.valid_from.value);
        match self.doc.effective_until(self.version) {
            Some(until) => date.min(until),
            None => date,
        }
    }

    /// The index of an intervention by id.
    pub fn intervention(&self, id: &str) -> Option<usize> {
        self.interventions
            .iter()
            .position(|i| i.intervention.id.value == id)
    }
}

/// A policy compiled for evaluation. Build it once; evaluate many cases.
pub struct Engine<'p> {
    /// The policy.
    pub policy: &'p Policy,
    /// Role ids, in glossary order (bit `i` of a consultation mask is role `i`).
    pub roles: Vec<&'p str>,
    /// Every riktlinje version with interventions, by document.
    pub versions: Vec<CompiledVersion<'p>>,
    /// Every parameter's value, computed once for each period in which none changes:
    /// (first day, values by parameter slot), by first day. A batch reads the
    /// parameters of every case's date; this makes that a binary search and a copy.
    epochs: Vec<(Date, Vec<ParamVal>)>,
}

/// Why a case could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError(pub String);

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The result of one criterion.
#[derive(Debug, Clone)]
pub struct CriterionResult {
    /// Index into [`CompiledVersion::criteria`].
    pub index: usize,
    /// Uppfyllt, ej uppfyllt or ej utrett.
    pub result: Tri,
    /// Assessments that were recorded but lack a required consultation or report
    /// (fact slot, what is lacking); they count as missing.
    pub incomplete: Vec<(usize, String)>,
}

/// The result for one intervention applied for.
#[derive(Debug, Clone)]
pub struct InterventionResult {
    /// Index into [`CompiledVersion::interventions`].
    pub index: usize,
    /// Beviljas, avslag or utredning ofullständig.
    pub outcome: Outcome,
    /// Its criteria's results, in order.
    pub criteria: Vec<CriterionResult>,
    /// When granted: first and last day, and months added for särskilda skäl.
    pub period: Option<Period>,
    /// When rejected: the duties and whether each applies (unknown counts as applying).
    pub duties: Vec<(usize, Tri)>,
    /// Each group's result, depth first (see [`extent::groups_of`]); empty without groups.
    pub groups: Vec<Tri>,
    /// When granted and the intervention states an extent: its level and amounts.
    pub extent: Option<extent::ExtentResult>,
}

/// A granted period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First day.
    pub from: Date,
    /// Last day.
    pub until: Date,
    /// Months added on särskilda skäl.
    pub extended_months: u32,
}

/// Buffers reused from case to case by [`Engine::evaluate_into`].
#[derive(Debug, Default)]
pub struct Scratch {
    /// Parameter values on the evaluation date, by parameter slot.
    pub params: Vec<ParamVal>,
    values: Vec<Option<i64>>,
    /// One result per intervention applied for, in the case's order.
    pub results: Vec<InterventionResult>,
}

/// A case evaluated against one version.
pub struct Evaluation<'e, 'p> {
    /// The version it was evaluated against.
    pub version: &'e CompiledVersion<'p>,
    /// The date that chose the version and the parameters.
    pub date: Date,
    /// Parameter values on that date, by parameter slot.
    pub params: Vec<ParamVal>,
    /// One result per intervention applied for, in the case's order.
    pub interventions: Vec<InterventionResult>,
}

/// "`a`" or "all of `a`, `b`": the interventions applied for, in a message.
fn these(interventions: &[String]) -> String {
    let list: Vec<String> = interventions.iter().map(|i| format!("`{i}`")).collect();
    match list.as_slice() {
        [one] => one.clone(),
        _ => format!("all of {}", list.join(", ")),
    }
}

impl<'p> Engine<'p> {
    /// Compiles every riktlinje version of a checked policy. A rule that does not
    /// compile is an error here, never a criterion left out (which could grant).
    pub fn new(policy: &'p Policy) -> Result<Engine<'p>, EvalError> {
        let sc = scope(policy);
        let roles = policy.glossary.role_ids();
        let mut versions = Vec::new();
        let mut hashes = crate::identity::Hashes::new();
        for doc in &policy.documents {
            for v in &doc.versions {
                if v.interventions.is_empty() {
                    continue;
                }
                let mut d = Diagnostics::default();
                let compiled = compile_version(policy, &sc, v, &mut d);
                if d.has_errors() {
                    return Err(EvalError(format!(
                        "{} version {} has rules with errors: run `styrdok check`",
                        doc.id, v.version.value
                    )));
                }
                let criteria: Vec<CompiledCriterion<'_>> = v
                    .criteria
                    .iter()
                    .zip(compiled.criteria)
                    .filter_map(|(c, program)| {
                        let program = program?;
                        let requirement = requirement(policy, &roles, c, &program);
                        Some(CompiledCriterion {
                            criterion: c,
                            program,
                            requirement,
                        })
                    })
                    .collect();
                let interventions = v
                    .interventions
                    .iter()
                    .map(|i| {
                        let flat: Vec<usize> = i
                            .criteria
                            .iter()
                            .filter_map(|id| {
                                criteria
                                    .iter()
                                    .position(|c| c.criterion.id.value == id.value)
                            })
                            .collect();
                        let position = |id: &str| {
                            flat.iter()
                                .position(|&k| criteria[k].criterion.id.value == id)
                        };
                        let mut groups = 0;
                        let members = extent::members(&i.members, &position, &mut groups);
                        (i, flat, members, groups)
                    })
                    .map(|(i, flat, members, groups)| CompiledIntervention {
                        intervention: i,
                        criteria: flat,
                        members,
                        groups,
                        group_defs: extent::groups_of(&i.members),
                        duties: i
                            .duties
                            .iter()
                            .filter_map(|id| v.duties.iter().position(|x| x.id.value == id.value))
                            .map(|k| (&v.duties[k], compiled.duties[k].clone()))
                            .collect(),
                    })
                    .collect();
                versions.push(CompiledVersion {
                    doc,
                    version: v,
                    hash: hashes.of(policy, doc, v),
                    criteria,
                    interventions,
                    amounts: compiled.amounts,
                    amount_order: compiled.amount_order,
                });
            }
        }
        // The parameters change only on the first day of a value and the day after the
        // last: between two such days they are the same.
        let mut starts: Vec<Date> = policy
            .parameters
            .iter()
            .flat_map(|p| &p.values)
            .flat_map(|v| {
                std::iter::once(v.from.value)
                    .chain(v.until.as_ref().and_then(|u| u.value.tomorrow().ok()))
            })
            .chain(std::iter::once(Date::MIN))
            .collect();
        starts.sort();
        starts.dedup();
        let epochs = starts
            .into_iter()
            .map(|d| (d, params_computed(policy, d)))
            .collect();
        Ok(Engine {
            policy,
            roles,
            versions,
            epochs,
        })
    }

    /// The version in force on `date` of each guideline, in order.
    fn in_force_all(&self, date: Date) -> impl Iterator<Item = &CompiledVersion<'p>> {
        self.versions
            .iter()
            .enumerate()
            .filter(|(k, v)| *k == 0 || self.versions[k - 1].doc.id != v.doc.id)
            .filter_map(move |(_, v)| self.in_force(&v.doc.id, date))
    }

    /// The version of `doc` in force on `date`.
    fn in_force(&self, doc: &str, date: Date) -> Option<&CompiledVersion<'p>> {
        let v = self.policy.document(doc)?.version_on(date)?;
        self.versions.iter().find(|c| c.version.file == v.file)
    }

    /// The version an application for `interventions` is judged under on `date`: that
    /// of `document` when one is named, else of the one guideline whose version in
    /// force defines every intervention applied for.
    pub fn select(
        &self,
        interventions: &[String],
        document: Option<&str>,
        date: Date,
    ) -> Result<&CompiledVersion<'p>, EvalError> {
        if let Some(doc) = document {
            if !self.versions.iter().any(|v| v.doc.id == doc) {
                let known: Vec<&str> = self.versions.iter().map(|v| v.doc.id.as_str()).collect();
                return Err(EvalError(format!(
                    "no guideline `{doc}` with interventions (known: {})",
                    dedup_join(&known)
                )));
            }
            return self
                .in_force(doc, date)
                .ok_or_else(|| self.none_in_force(doc, date));
        }
        // Without allocating, since a batch does this for every row.
        let fits =
            |v: &&CompiledVersion<'p>| interventions.iter().all(|i| v.intervention(i).is_some());
        let mut fitting = self.in_force_all(date).filter(fits);
        match (fitting.next(), fitting.next()) {
            (Some(v), None) => Ok(v),
            (Some(a), Some(b)) => {
                let names: Vec<&str> = [a, b]
                    .into_iter()
                    .chain(fitting)
                    .map(|v| v.doc.id.as_str())
                    .collect();
                Err(EvalError(format!(
                    "several guidelines define {} ({}); name one with `--document` or `riktlinje:` in the case",
                    these(interventions),
                    names.join(", ")
                )))
            }
            (None, _) => {
                let all: Vec<&str> = self
                    .versions
                    .iter()
                    .flat_map(|v| {
                        v.interventions
                            .iter()
                            .map(|i| i.intervention.id.value.as_str())
                    })
                    .collect();
                if let Some(u) = interventions.iter().find(|i| !all.contains(&i.as_str())) {
                    let hint = crate::diag::did_you_mean(u, all.iter().copied())
                        .map(|b| format!("; did you mean `{b}`?"))
                        .unwrap_or_default();
                    Err(EvalError(format!(
                        "no guideline has an intervention `{u}`{hint}"
                    )))
                } else {
                    Err(EvalError(format!(
                        "no guideline in force on {date} defines {}",
                        these(interventions)
                    )))
                }
            }
        }
    }

    fn none_in_force(&self, doc: &str, date: Date) -> EvalError {
        let spans: Vec<String> = self
            .versions
            .iter()
            .filter(|v| v.doc.id == doc)
            .map(|v| {
                let until = v
                    .version
                    .valid_until
                    .as_ref()
                    .map(|u| u.value.to_string())
                    .unwrap_or_default();
                format!(
                    "{} from {} to {until}",
                    v.version.version.value, v.version.valid_from.value
                )
            })
            .collect();
        EvalError(format!(
            "no version of `{doc}` is in force on {date} (versions: {})",
            spans.join("; ")
        ))
    }

    /// [`Engine::params_on`] into `out`, reusing it.
    pub fn params_into(&self, date: Date, out: &mut Vec<ParamVal>) {
        out.clear();
        // The last period starting on or before `date` (the first starts at Date::MIN).
        let k = self.epochs.partition_point(|(from, _)| *from <= date);
        match k.checked_sub(1).and_then(|k| self.epochs.get(k)) {
            Some((_, values)) => out.extend_from_slice(values),
            None => out.extend(params_computed(self.policy, date)),
        }
    }

    /// Parameter values in force on `date`, by parameter slot.
    pub fn params_on(&self, date: Date) -> Vec<ParamVal> {
        let mut out = Vec::with_capacity(self.policy.parameters.len());
        self.params_into(date, &mut out);
        out
    }

    /// Evaluates a case: `date` (default: the application date) chooses the version.
    pub fn evaluate<'e>(
        &'e self,
        case: &Case,
        document: Option<&str>,
        date: Option<Date>,
    ) -> Result<Evaluation<'e, 'p>, EvalError> {
        let mut s = Scratch::default();
        let (version, date) = self.evaluate_into(case, document, date, &mut s)?;
        Ok(Evaluation {
            version,
            date,
            params: s.params,
            interventions: s.results,
        })
    }

    /// [`Engine::evaluate`] into reused buffers, for case after case (a batch): the
    /// results are `s.results`, one per intervention applied for. Returns the version
    /// and the date that chose it.
    pub fn evaluate_into<'e>(
        &'e self,
        case: &Case,
        document: Option<&str>,
        date: Option<Date>,
        s: &mut Scratch,
    ) -> Result<(&'e CompiledVersion<'p>, Date), EvalError> {
        let date = date.unwrap_or(case.application_date);
        let v = self.select(
            &case.interventions,
            document.or(case.document.as_deref()),
            date,
        )?;
        self.evaluate_in(v, case, date, s)?;
        Ok((v, date))
    }

    /// Evaluates a case under version `v` whatever its date: the version a policy test
    /// pins. Parameters are read on `date` (default: the application date) moved into
    /// the version's validity, so the test sees the version as it applies.
    pub fn evaluate_pinned<'e>(
        &'e self,
        v: &'e CompiledVersion<'p>,
        case: &Case,
        date: Option<Date>,
    ) -> Result<Evaluation<'e, 'p>, EvalError> {
        let date = v.params_date(date.unwrap_or(case.application_date));
        let mut s = Scratch::default();
        self.evaluate_in(v, case, date, &mut s)?;
        Ok(Evaluation {
            version: v,
            date,
            params: s.params,
            interventions: s.results,
        })
    }

    /// The compiled version `label` of guideline `doc`, if it has interventions.
    pub fn version(&self, doc: &str, label: &str) -> Option<&CompiledVersion<'p>> {
        self.versions
            .iter()
            .find(|v| v.doc.id == doc && v.version.version.value == label)
    }

    /// Evaluates a case under version `v`, whatever its date: parameters are read on
    /// `params_date`. A policy test pinned to a version, and `diff --cases` (both
    /// versions of a pair, each with its own parameters), use it; results are
    /// `s.results`, one per intervention applied for.
    pub fn evaluate_in(
        &self,
        v: &CompiledVersion<'p>,
        case: &Case,
        params_date: Date,
        s: &mut Scratch,
    ) -> Result<(), EvalError> {
        self.params_into(params_date, &mut s.params);
        s.results.truncate(case.interventions.len());
        for (k, id) in case.interventions.iter().enumerate() {
            let Some(index) = v.intervention(id) else {
                let known: Vec<&str> = v
                    .interventions
                    .iter()
                    .map(|i| i.intervention.id.value.as_str())
                    .collect();
                return Err(EvalError(format!(
                    "`{}` version {} has no intervention `{id}` (it has {})",
                    v.doc.id,
                    v.version.version.value,
                    known.join(", ")
                )));
            };
            if let Some(out) = s.results.get_mut(k) {
                self.intervention_into(v, index, case, &s.params, &mut s.values, out);
            } else {
                let r = self.intervention(v, index, case, &s.params, &mut s.values);
                s.results.push(r);
            }
            let i = v.interventions[index].intervention;
            let out = &mut s.results[k];
            out.extent = (out.outcome == Outcome::Beviljas
                && (i.extent.level.is_some() || !i.extent.amounts.is_empty()))
            .then(|| {
                let env = Env {
                    facts: &case.facts,
                    params: &s.params,
                    application_date: days(case.application_date),
                };
                extent::evaluate(v, self.policy, index, case, params_date, &env)
            });
            // Granted, but the level or a fee is not worked out: not yet a decision.
            if out
                .extent
                .as_ref()
                .is_some_and(|x| !x.established(v.version, i))
            {
                out.outcome = Outcome::Ofullstandig;
            }
        }
        Ok(())
    }

    /// Evaluates one intervention for a case. `scratch` is reused between calls.
    pub fn intervention(
        &self,
        v: &CompiledVersion<'p>,
        index: usize,
        case: &Case,
        params: &[ParamVal],
        scratch: &mut Vec<Option<i64>>,
    ) -> InterventionResult {
        let mut out = InterventionResult {
            index,
            outcome: Outcome::Ofullstandig,
            criteria: Vec::new(),
            period: None,
            duties: Vec::new(),
            groups: Vec::new(),
            extent: None,
        };
        self.intervention_into(v, index, case, params, scratch, &mut out);
        out
    }

    /// As [`Engine::intervention`], into `out`, reusing its lists (a batch evaluates
    /// millions of cases without allocating a result for each).
    pub fn intervention_into(
        &self,
        v: &CompiledVersion<'p>,
        index: usize,
        case: &Case,
        params: &[ParamVal],
        scratch: &mut Vec<Option<i64>>,
        out: &mut InterventionResult,
    ) {
        let ci = &v.interventions[index];
        let env = Env {
            facts: &case.facts,
            params,
            application_date: days(case.application_date),
        };
        out.index = index;
        out.criteria.clear();
        out.duties.clear();
        for &k in &ci.criteria {
            let c = &v.criteria[k];
            let incomplete = c
                .requirement
                .as_ref()
                .map(|r| self.lacking(r, case))
                .unwrap_or_default();
            let result = if incomplete.is_empty() {
                c.program.eval(&env)
            } else {
                // An assessment made without the required consultation or report is not
                // yet an assessment under the guideline: read it as missing.
                scratch.clear();
                scratch.extend_from_slice(&case.facts);
                for (slot, _) in &incomplete {
                    scratch[*slot] = None;
                }
                c.program.eval(&Env {
                    facts: scratch,
                    ..env
                })
            };
            out.criteria.push(CriterionResult {
                index: k,
                result,
                incomplete,
            });
        }
        scratch_tri(&mut out.groups, ci.groups);
        let criteria = &out.criteria;
        let leaf = |k: usize| criteria.get(k).map_or(Tri::Unknown, |c| c.result);
        out.outcome = match extent::combine(
            crate::model::Quantifier::All,
            &ci.members,
            &leaf,
            &mut out.groups,
        ) {
            Tri::False => Outcome::Avslag,
            Tri::Unknown => Outcome::Ofullstandig,
            Tri::True => Outcome::Beviljas,
        };
        out.extent = None;
        out.period = (out.outcome == Outcome::Beviljas)
            .then(|| period(ci.intervention, case))
            .flatten();
        if out.outcome == Outcome::Avslag {
            out.duties.extend(
                ci.duties
                    .iter()
                    .enumerate()
                    .map(|(k, (_, when))| (k, when.as_ref().map_or(Tri::True, |p| p.eval(&env))))
                    .filter(|(_, t)| *t != Tri::False),
            );
        }
    }

    /// What a recorded assessment lacks against a requirement: (fact slot, Swedish reason).
    fn lacking(&self, r: &Requirement, case: &Case) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for &slot in &r.assessed {
            let Some(a) = case.assessments.get(slot).and_then(Option::as_ref) else {
                continue;
            };
            let mut missing = Vec::new();
            let lacking_roles = r.consult_mask & !a.consulted;
            for (i, role) in self.roles.iter().enumerate() {
                if lacking_roles & (1 << i) != 0 {
                    missing.push(format!("samråd med {}", self.role_title(role)));
                }
            }
            if let Some(rep) = r.report_from {
                if a.report_from != Some(rep) {
                    missing.push(format!(
                        "rapport från {}",
                        self.role_title(self.roles[rep as usize])
                    ));
                }
            }
            if !missing.is_empty() {
                out.push((
                    slot,
                    format!("bedömningen saknar {}", crate::sv::join(&missing)),
                ));
            }
        }
        out
    }

    /// A role's title from the glossary.
    pub fn role_title(&self, id: &str) -> String {
        crate::sv::role_title(self.policy, id)
    }
}

fn requirement(
    policy: &Policy,
    roles: &[&str],
    c: &Criterion,
    program: &Program,
) -> Option<Requirement> {
    let CriterionKind::Assessment {
        consulting,
        report_from,
        ..
    } = &c.kind
    else {
        return None;
    };
    if consulting.is_empty() && report_from.is_none() {
        return None;
    }
    let bit = |id: &str| roles.iter().position(|r| *r == id);
    let consult_mask = consulting
        .iter()
        .filter_map(|x| bit(&x.value))
        .fold(0u64, |m, i| m | (1 << i));
    Some(Requirement {
        consult_mask,
        report_from: report_from
            .as_ref()
            .and_then(|x| bit(&x.value))
            .map(|i| i as u8),
        assessed: program
            .facts_read()
            .iter()
            .copied()
            .filter(|&s| policy.facts[s].source.value == FactSource::Assessment)
            .collect(),
    })
}

/// Every parameter's value on `date`, by parameter slot, read from the policy.
fn params_computed(policy: &Policy, date: Date) -> Vec<ParamVal> {
    policy
        .parameters
        .iter()
        .map(|p| {
            match p.value_on(date).map(|v| &v.value.value) {
                Some(ParamData::Range { min, max }) => {
                    ParamVal::Range(*min, max.unwrap_or(i64::MAX))
                }
                Some(ParamData::Integer(kr)) if p.is_money() => {
                    kr.checked_mul(100).map_or(ParamVal::Missing, ParamVal::Int)
                }
                Some(ParamData::Number(n)) if p.is_money() => {
                    let ore = n * crate::model::Number::from_integer(100);
                    if ore.is_integer() {
                        i64::try_from(ore.to_integer()).map_or(ParamVal::Missing, ParamVal::Int)
                    } else {
                        ParamVal::Missing
                    }
                }
                Some(ParamData::Integer(i)) => ParamVal::Int(*i),
                // A decimal is read by amounts only; rules never see it (check refuses).
                Some(ParamData::Number(_)) | None => ParamVal::Missing,
            }
        })
        .collect()
}

/// The granted period: from the start date (or the application date) for the
/// intervention's duration, plus months on särskilda skäl where it may be extended.
fn period(i: &Intervention, case: &Case) -> Option<Period> {
    let d = i.duration.as_ref().filter(|d| !d.individual)?;
    let from = case.start_date.unwrap_or(case.application_date);
    let extended_months = if i.extension.is_some() {
        case.extension.as_ref().map_or(0, |e| e.months)
    } else {
        0
    };
    let span = (i64::from(d.years))
        .years()
        .months(i64::from(d.months) + i64::from(extended_months));
    let until = from.checked_add(span).ok()?.yesterday().ok()?;
    Some(Period {
        from,
        until,
        extended_months,
    })
}

/// Resets `groups` to `n` unknown results, reusing its allocation.
fn scratch_tri(groups: &mut Vec<Tri>, n: usize) {
    groups.clear();
    groups.resize(n, Tri::Unknown);
}

fn dedup_join(items: &[&str]) -> String {
    let mut v: Vec<&str> = items.to_vec();
    v.dedup();
    v.join(", ")
}

#[cfg(test)]
mod tests {
    use super::{Engine, Outcome, params_computed};

    /// The parameters of a date, looked up in the periods computed once, are those
    /// read from the policy on that date: every day of 2020–2027 and around every day
    /// a value starts or ends.
    #[test]
    fn parameters_by_period_are_the_parameters_of_the_day() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policy");
        let tree = crate::load::DiskTree::new(&root).unwrap();
        let (policy, _) = crate::load::load(&tree);
        let engine = Engine::new(&policy).unwrap();
        assert!(engine.epochs.len() > 3, "{} periods", engine.epochs.len());
        let mut days: Vec<jiff::civil::Date> = (0..8 * 366)
            .map(|n| jiff::civil::date(2020, 1, 1) + jiff::Span::new().days(n))
            .collect();
        for (from, _) in &engine.epochs {
            days.extend(
                [from.yesterday().ok(), Some(*from), from.tomorrow().ok()]
                    .into_iter()
                    .flatten(),
            );
        }
        days.extend([jiff::civil::Date::MIN, jiff::civil::Date::MAX]);
        let mut out = Vec::new();
        for d in days {
            engine.params_into(d, &mut out);
            assert_eq!(out, params_computed(&policy, d), "{d}");
        }
    }

    /// Summaries index their counts by `outcome as usize` and label them by `ALL`.
    #[test]
    fn outcomes_are_counted_in_the_order_they_are_listed() {
        for (i, o) in Outcome::ALL.into_iter().enumerate() {
            assert_eq!(o as usize, i, "{o:?}");
        }
    }
}
