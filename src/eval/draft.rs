//! The decision draft (beslutsförslag): each intervention's procedure (its own steps,
//! or the version's), the period, a motivation naming the provisions and only the
//! decisive circumstances (förvaltningslagen 32 §), and for each step the
//! överklagandehänvisning the glossary records for its provision (route, court, basis). Headed as a draft for the case officer;
//! assessments are quoted as the officer's. The data here; `publish::draft` writes it
//! as Markdown (`templates/decision.md`) or PDF (`templates/decision.typ` through Typst).

use serde::Serialize;

use crate::eval::case::display;
use crate::eval::report::intervention_missing;
use crate::eval::{Case, Engine, Evaluation, Outcome};
use crate::rules::Tri;

/// Everything `decision.md` receives.
#[derive(Debug, Serialize)]
pub struct DraftContext {
    /// `styrdok <version>`.
    pub generator: String,
    /// The case's label.
    pub case: Option<String>,
    /// Ansökningsdatum.
    pub application_date: String,
    /// The guideline the case was tried under.
    pub document: DraftDocument,
    /// The version-wide decision procedure, in order (each intervention's own is `steps`
    /// of the intervention).
    pub steps: Vec<DraftStep>,
    /// One entry per intervention applied for.
    pub interventions: Vec<DraftIntervention>,
    /// The laws the draft cites (the interventions' steps and legal bases), with SFS
    /// numbers, e.g. `socialtjänstlagen (2001:453)`; empty when it cites none.
    pub laws: String,
    /// For each cited law that had ended by the day the case was tried on (the guideline
    /// still cites it): a warning to the case officer, naming the law that replaced it.
    pub ended_laws: Vec<String>,
}

/// The guideline version.
#[derive(Debug, Serialize)]
pub struct DraftDocument {
    /// Title.
    pub title: String,
    /// Version label.
    pub version: String,
    /// Content hash.
    pub content_hash: String,
}

/// One step of the procedure.
#[derive(Debug, Serialize)]
pub struct DraftStep {
    /// `4 kap. 1 § SoL`.
    pub provision: String,
    /// `4 kap. 1 § socialtjänstlagen (2001:453)`: the law in force on the version's
    /// `valid_from`, from the glossary; as written when no law matches.
    pub provision_long: String,
    /// `avslag` or `provning`.
    pub outcome: &'static str,
    /// The guideline's text for the step (Markdown).
    pub text: String,
    /// How a decision under the step's provision is appealed, when the glossary records it.
    pub appeal: Option<DraftAppeal>,
}

/// The överklagandehänvisning of a step: the glossary's appeal route of its provision.
#[derive(Debug, Serialize)]
pub struct DraftAppeal {
    /// `forvaltningsbesvar` or `laglighetsprovning`.
    pub route: &'static str,
    /// `förvaltningsbesvär` or `laglighetsprövning`.
    pub route_sv: &'static str,
    /// The court, e.g. `förvaltningsrätten`.
    pub to: String,
    /// The provision giving the route, as the glossary writes it (`16 kap. 3 § SoL`).
    pub basis: String,
    /// The same, written out (`16 kap. 3 § socialtjänstlagen (2001:453)`).
    pub basis_long: String,
    /// Where the glossary says this is stated.
    pub source: String,
}

/// One intervention's draft.
#[derive(Debug, Serialize)]
pub struct DraftIntervention {
    /// Name.
    pub name: String,
    /// Target group.
    pub target_group: String,
    /// `beviljas`, `avslag` or `utredning_ofullstandig`.
    pub outcome: &'static str,
    /// Heading of the section that lists the criteria; empty when no section does.
    pub section: String,
    /// Its decision procedure: its own steps, or the version's.
    pub steps: Vec<DraftStep>,
    /// How the decision is appealed, one entry per provision: those of its steps; without
    /// steps, its `appeal_under` or else each provision of its legal basis. An entry
    /// without `appeal` says the glossary records no route (the draft says so).
    pub appeals: Vec<DraftStep>,
    /// Its legal basis (*lagrum*), each provision written out.
    pub legal_basis: Vec<String>,
    /// Every criterion outside groups of alternatives (for a grant).
    pub criteria: Vec<DraftCriterion>,
    /// For a grant: each group of alternatives (*något av*, *minst N av*) and the
    /// alternatives that met it.
    pub groups: Vec<DraftGroup>,
    /// The criteria not met that decide a rejection (an alternative of a group that is
    /// met anyway is not one of them).
    pub not_met: Vec<DraftCriterion>,
    /// For a rejection: each group of alternatives that is not met.
    pub not_met_groups: Vec<DraftGroup>,
    /// What is still missing (for an incomplete investigation).
    pub missing: Vec<DraftMissing>,
    /// The granted period.
    pub period: Option<DraftPeriod>,
    /// The guideline leaves the period to the individual case (`duration: {individual:
    /// true}`): no period is decided by the guideline.
    pub period_individual: bool,
    /// The guideline's sentence on the period when it is left to the individual case
    /// (Markdown); empty when it names none.
    pub period_individual_basis: String,
    /// For a grant with an extent: the level and the decided amounts.
    pub extent: Option<DraftExtent>,
    /// Duties to inform, on rejection.
    pub duties: Vec<DraftDuty>,
}

/// A group of alternatives in the motivation.
#[derive(Debug, Serialize)]
pub struct DraftGroup {
    /// The group's sentence (Markdown), or `Något av följande:` made from its quantifier.
    pub text: String,
    /// For a grant: the alternatives that met it, in the guideline's words (plain text),
    /// quoted and joined: `”a” och ”b”`; empty for a rejection.
    pub met: String,
    /// The criteria that met it (grant) or that are not met (rejection), with the facts
    /// and assessments they rest on.
    pub criteria: Vec<DraftCriterion>,
}

/// The extent of a grant: the level and each decided amount with its arithmetic.
#[derive(Debug, Serialize)]
pub struct DraftExtent {
    /// How the level was chosen (`Avgiftsnivå 3 (…; den högsta gäller)`); empty
    /// without a level table.
    pub level: String,
    /// The amounts the intervention decides, in order.
    pub amounts: Vec<DraftAmount>,
    /// The parameter values the arithmetic used, each with its source:
    /// `prisbasbelopp = 58 800 kr (…; gäller från 2025-01-01)`.
    pub sources: Vec<String>,
}

/// A decided amount.
#[derive(Debug, Serialize)]
pub struct DraftAmount {
    /// Its name (`Hemtjänstavgift`).
    pub name: String,
    /// The decided value with its unit (`1 127 kr`); empty when it cannot be computed
    /// (a fact it needs is missing).
    pub value: String,
    /// The arithmetic, one line per amount in its chain, itself last.
    pub arithmetic: Vec<String>,
    /// How it is rounded and on what reference (`Avrundat nedåt till hela kronor.
    /// Antagande: …`); empty without a rounding.
    pub rounding: String,
}

/// A criterion in the motivation.
#[derive(Debug, Serialize)]
pub struct DraftCriterion {
    /// The guideline's sentence (Markdown).
    pub text: String,
    /// The facts it rests on, in plain words (for fact criteria); empty when none.
    pub facts: String,
    /// Every assessment its rule reads that the case records, in the order the rule
    /// reads them (several when a criterion rests on several assessments).
    pub assessments: Vec<DraftAssessment>,
}

/// An assessment, quoted as the officer's.
#[derive(Debug, Serialize)]
pub struct DraftAssessment {
    /// The question assessed (the fact's question, without `?`).
    pub question: String,
    /// The value assessed, in words (`ja`, `nej`, `2`).
    pub value: String,
    /// Who assessed.
    pub by: String,
    /// When, `YYYY-MM-DD`, if recorded.
    pub date: Option<String>,
    /// Their motivation.
    pub motivation: Option<String>,
}

/// Something still to be investigated.
#[derive(Debug, Serialize)]
pub struct DraftMissing {
    /// The question.
    pub question: String,
    /// Who provides it.
    pub provided_by: String,
    /// Why a recorded assessment does not count yet.
    pub note: Option<String>,
}

/// A granted period.
#[derive(Debug, Serialize)]
pub struct DraftPeriod {
    /// The period is the longest allowed (*högst*), not a fixed one.
    pub at_most: bool,
    /// First day.
    pub from: String,
    /// Last day.
    pub until: String,
    /// `2 år`, `4 månader`.
    pub length: String,
    /// The guideline's sentence on the period (Markdown); empty when it names none.
    pub basis: String,
    /// Months added on särskilda skäl.
    pub extended_months: u32,
    /// The officer's reasons for them.
    pub extension_reason: Option<String>,
}

/// A duty to inform.
#[derive(Debug, Serialize)]
pub struct DraftDuty {
    /// The guideline's sentence (Markdown).
    pub text: String,
    /// Whether its condition could not be established.
    pub uncertain: bool,
}

/// A provision as cited (`4 kap. 2 § SoL`): written out with the law in force on
/// `date` (`4 kap. 2 § socialtjänstlagen (2001:453)`), and that law with the provision
/// alone (`4 kap. 2 §`) when the last word names a glossary law.
fn cite<'p>(
    policy: &'p crate::model::Policy,
    provision: &str,
    date: jiff::civil::Date,
) -> (String, Option<(&'p crate::model::Law, String)>) {
    let written = provision.trim();
    let Some((head, word)) = written.rsplit_once(char::is_whitespace) else {
        return (written.to_string(), None);
    };
    match policy.glossary.law_on(word, date) {
        Some(law) => (
            format!("{} {}", head.trim_end(), law.long_name()),
            Some((law, head.trim_end().to_string())),
        ),
        None => (written.to_string(), None),
    }
}

/// A step as the draft prints it, with its överklagandehänvisning from the glossary.
fn step(
    policy: &crate::model::Policy,
    s: &crate::model::ProcedureStep,
    date: jiff::civil::Date,
) -> DraftStep {
    DraftStep {
        outcome: s.outcome.value.as_str(),
        text: s.text.value.clone(),
        ..appeal_of(policy, &s.provision.value, date)
    }
}

/// A provision with its överklagandehänvisning from the glossary (no step text).
fn appeal_of(policy: &crate::model::Policy, provision: &str, date: jiff::civil::Date) -> DraftStep {
    let (long, law) = cite(policy, provision, date);
    let appeal = law
        .and_then(|(law, p)| law.provision(&p))
        .map(|p| DraftAppeal {
            route: p.appeal.route.value.as_str(),
            route_sv: p.appeal.route.value.swedish(),
            to: p.appeal.to.value.clone(),
            basis: p.appeal.basis.value.clone(),
            basis_long: cite(policy, &p.appeal.basis.value, date).0,
            source: p.appeal.source.value.clone(),
        });
    DraftStep {
        provision: provision.to_string(),
        provision_long: long,
        outcome: "",
        text: String::new(),
        appeal,
    }
}

type Parts = (
    Vec<DraftCriterion>,
    Vec<DraftGroup>,
    Vec<DraftCriterion>,
    Vec<DraftGroup>,
);

/// The motivation's criteria as written: for a grant, the criteria outside groups of
/// alternatives and each group with the alternatives that met it; for a rejection, the
/// criteria not met that decide it and each group of alternatives not met.
fn members(
    policy: &crate::model::Policy,
    v: &crate::eval::CompiledVersion<'_>,
    r: &crate::eval::InterventionResult,
    criterion: &dyn Fn(usize) -> DraftCriterion,
) -> Parts {
    use crate::eval::extent::CMember;
    use crate::model::Quantifier;
    #[allow(clippy::items_after_statements)]
    fn walk(
        policy: &crate::model::Policy,
        v: &crate::eval::CompiledVersion<'_>,
        r: &crate::eval::InterventionResult,
        criterion: &dyn Fn(usize) -> DraftCriterion,
        members: &[CMember],
        out: &mut Parts,
    ) {
        let ci = &v.interventions[r.index];
        let granted = r.outcome == Outcome::Beviljas;
        for m in members {
            match m {
                CMember::Criterion(k) => {
                    let Some(cr) = r.criteria.get(*k) else {
                        continue;
                    };
                    if granted {
                        out.0.push(criterion(cr.index));
                    } else if cr.result == Tri::False {
                        out.2.push(criterion(cr.index));
                    }
                }
                CMember::Group(_, Quantifier::All, inner) => {
                    walk(policy, v, r, criterion, inner, out);
                }
                CMember::Group(g, q, inner) => {
                    let result = r.groups.get(*g).copied().unwrap_or(Tri::Unknown);
                    let text = ci
                        .group_defs
                        .get(*g)
                        .and_then(|d| d.text.as_ref())
                        .map_or_else(
                            || crate::sv::group_heading(*q),
                            |t| crate::markdown::resolve_source(policy, v.version, &t.value),
                        );
                    // Every criterion under the group, nested groups included: the
                    // assessments that decided it are shown, however deep.
                    let leaves = |want: Tri| -> Vec<DraftCriterion> {
                        fn collect<'a>(
                            members: &[CMember],
                            r: &'a crate::eval::InterventionResult,
                            out: &mut Vec<&'a crate::eval::CriterionResult>,
                        ) {
                            for m in members {
                                match m {
                                    CMember::Criterion(k) => out.extend(r.criteria.get(*k)),
                                    CMember::Group(_, _, inner) => collect(inner, r, out),
                                }
                            }
                        }
                        let mut all = Vec::new();
                        collect(inner, r, &mut all);
                        all.into_iter()
                            .filter(|c| c.result == want)
                            .map(|c| criterion(c.index))
                            .collect()
                    };
                    if granted && result == Tri::True {
                        let met: Vec<String> =
                            crate::eval::report::met_alternatives(policy, v, r, inner)
                                .into_iter()
                                .map(|t| format!("”{t}”"))
                                .collect();
                        out.1.push(DraftGroup {
                            text,
                            met: crate::sv::join(&met),
                            criteria: leaves(Tri::True),
                        });
                    } else if !granted && result == Tri::False {
                        out.3.push(DraftGroup {
                            text,
                            met: String::new(),
                            criteria: leaves(Tri::False),
                        });
                    }
                }
            }
        }
    }
    let mut out = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    walk(
        policy,
        v,
        r,
        criterion,
        &v.interventions[r.index].members,
        &mut out,
    );
    out
}

/// The level and decided amounts of a granted intervention, with the arithmetic of
/// each and the sources of the values it used.
fn extent(
    engine: &Engine<'_>,
    case: &Case,
    e: &Evaluation<'_, '_>,
    r: &crate::eval::InterventionResult,
) -> Option<DraftExtent> {
    use crate::eval::extent::{amount_text, arithmetic, chain, params_read};
    let x = r.extent.as_ref()?;
    let v = e.version;
    let policy = engine.policy;
    let i = v.interventions[r.index].intervention;
    let mut shown: Vec<usize> = Vec::new();
    let amounts = i
        .extent
        .amounts
        .iter()
        .filter_map(|id| {
            v.version
                .amounts
                .iter()
                .position(|a| a.id.value == id.value)
        })
        .map(|k| {
            let a = &v.version.amounts[k];
            let steps = chain(v, k);
            let lines = steps
                .iter()
                .filter_map(|&s| arithmetic(v, policy, case, e.date, x, s))
                .collect();
            for s in steps {
                if !shown.contains(&s) {
                    shown.push(s);
                }
            }
            DraftAmount {
                name: a.name.value.clone(),
                value: x
                    .amount(k)
                    .and_then(|r| r.value)
                    .map_or_else(String::new, |n| amount_text(a, &n)),
                arithmetic: lines,
                rounding: a.rounding.as_ref().map_or_else(String::new, |rd| {
                    let how = crate::sv::capitalize(&rd.swedish());
                    let reference = rd.reference.value.trim();
                    if rd.assumption {
                        format!("{how}. Antagande: {reference}")
                    } else {
                        format!("{how} ({reference}).")
                    }
                }),
            }
        })
        .collect();
    let sources = params_read(v, policy, &shown, x)
        .into_iter()
        .filter_map(|slot| {
            let p = &policy.parameters[slot];
            let val = p.value_on(e.date)?;
            Some(format!(
                "{} = {} ({}; gäller från {}){}",
                p.id.value,
                crate::sv::param_value(&val.value.value, p.unit.as_ref().map(|u| u.value.as_str())),
                val.reference.value.trim().trim_end_matches('.'),
                val.from.value,
                if val.assumption {
                    " [antagande: ingen källa anger värdet]"
                } else {
                    ""
                }
            ))
        })
        .collect();
    Some(DraftExtent {
        level: x.level.as_ref().map_or_else(String::new, |l| {
            crate::eval::report::level_sentence(policy, v, l)
        }),
        amounts,
        sources,
    })
}

/// Builds the draft's context.
pub fn context(engine: &Engine<'_>, case: &Case, e: &Evaluation<'_, '_>) -> DraftContext {
    let v = e.version;
    let policy = engine.policy;
    // A citation means the law in force when the version became valid.
    let date = v.version.valid_from.value;
    let steps: Vec<DraftStep> = v
        .version
        .procedure
        .iter()
        .map(|s| step(policy, s, date))
        .collect();
    let criterion = |k: usize| {
        let c = &v.criteria[k];
        let facts: Vec<String> = c
            .program
            .facts_read()
            .iter()
            .filter(|&&slot| case.assessments[slot].is_none())
            .filter_map(|&slot| {
                let f = &policy.facts[slot];
                case.facts[slot].map(|x| {
                    format!(
                        "{}: {}",
                        f.question.value.trim_end_matches('?'),
                        display(f, x)
                    )
                })
            })
            .collect();
        let assessments = c
            .program
            .facts_read()
            .iter()
            .filter_map(|&slot| {
                let a = case.assessments[slot].as_ref()?;
                let f = &policy.facts[slot];
                Some(DraftAssessment {
                    question: f.question.value.trim_end_matches('?').to_string(),
                    value: case.facts[slot].map_or_else(|| "ej bedömt".into(), |x| display(f, x)),
                    by: a.by.clone(),
                    date: a.date.map(|d| d.to_string()),
                    motivation: a.motivation.clone(),
                })
            })
            .collect();
        DraftCriterion {
            text: crate::markdown::resolve_source(policy, v.version, &c.criterion.text.value),
            facts: if facts.is_empty() {
                String::new()
            } else {
                format!("Uppgifter i ärendet: {}.", facts.join("; "))
            },
            assessments,
        }
    };
    let mut cited: Vec<&crate::model::Law> = Vec::new();
    let interventions = e
        .interventions
        .iter()
        .map(|r| {
            let ci = &v.interventions[r.index];
            let i = ci.intervention;
            let section =
                crate::eval::report::section(e, r).map_or_else(String::new, |(_, heading)| heading);
            let own: Vec<&crate::model::ProcedureStep> = v.version.steps_of(i);
            for p in own.iter().map(|s| &s.provision).chain(i.legal_basis.iter()) {
                if let (_, Some((law, _))) = cite(policy, &p.value, date) {
                    if !cited.iter().any(|l| std::ptr::eq(*l, law)) {
                        cited.push(law);
                    }
                }
            }
            let all_missing = intervention_missing(engine, case, e, r);
            let (criteria, groups, not_met, not_met_groups) = members(policy, v, r, &criterion);
            DraftIntervention {
                name: i.name.value.clone(),
                target_group: i.target_group.value.clone(),
                outcome: r.outcome.code(),
                section,
                steps: own.iter().map(|s| step(policy, s, date)).collect(),
                appeals: if own.is_empty() {
                    match &i.appeal_under {
                        Some(p) => vec![appeal_of(policy, &p.value, date)],
                        None => i
                            .legal_basis
                            .iter()
                            .filter(|b| !b.value.trim().is_empty())
                            .map(|b| appeal_of(policy, &b.value, date))
                            .collect(),
                    }
                } else {
                    own.iter().map(|s| step(policy, s, date)).collect()
                },
                legal_basis: i
                    .legal_basis
                    .iter()
                    .map(|b| cite(policy, &b.value, date).0)
                    .filter(|b| !b.trim().is_empty())
                    .collect(),
                criteria,
                groups,
                not_met,
                not_met_groups,
                missing: all_missing
                    .into_iter()
                    .map(|m| DraftMissing {
                        question: m.question,
                        provided_by: m.provided_by,
                        note: m.note,
                    })
                    .collect(),
                period_individual: r.outcome == Outcome::Beviljas
                    && i.duration.as_ref().is_some_and(|d| d.individual),
                period_individual_basis: i
                    .duration
                    .as_ref()
                    .filter(|d| d.individual)
                    .and_then(|d| d.basis.as_ref())
                    .and_then(|b| v.version.passage(&b.value))
                    .map_or_else(String::new, |t| {
                        crate::markdown::resolve_source(policy, v.version, &t.value)
                    }),
                extent: extent(engine, case, e, r),
                period: r.period.zip(i.duration.as_ref()).map(|(p, d)| DraftPeriod {
                    at_most: d.at_most,
                    from: p.from.to_string(),
                    until: p.until.to_string(),
                    length: crate::sv::duration(d.years, d.months),
                    basis: d
                        .basis
                        .as_ref()
                        .and_then(|b| v.version.passage(&b.value))
                        .map_or_else(String::new, |t| {
                            crate::markdown::resolve_source(policy, v.version, &t.value)
                        }),
                    extended_months: p.extended_months,
                    extension_reason: case.extension.as_ref().map(|x| x.reason.clone()),
                }),
                duties: r
                    .duties
                    .iter()
                    .map(|(k, t)| DraftDuty {
                        text: crate::markdown::resolve_source(
                            policy,
                            v.version,
                            &ci.duties[*k].0.text.value,
                        ),
                        uncertain: *t == Tri::Unknown,
                    })
                    .collect(),
            }
        })
        .collect();
    // In glossary order, as before.
    let laws: Vec<String> = policy
        .glossary
        .laws
        .iter()
        .filter(|l| cited.iter().any(|c| std::ptr::eq(*c, *l)))
        .map(crate::model::Law::long_name)
        .collect();
    // A guideline in force after a law it cites ended (check's `law-ended`): the case
    // officer must not cite the repealed act in a decision without seeing that.
    let ended_laws: Vec<String> = crate::eval::report::ended_laws(policy, e)
        .into_iter()
        .map(|w| crate::sv::capitalize(&w) + ".")
        .collect();
    DraftContext {
        generator: format!("styrdok {}", env!("CARGO_PKG_VERSION")),
        case: case.id.clone(),
        application_date: case.application_date.to_string(),
        document: DraftDocument {
            title: v.version.title.value.clone(),
            version: v.version.version.value.clone(),
            content_hash: v.hash.clone(),
        },
        steps,
        interventions,
        laws: laws.join(", "),
        ended_laws,
    }
}
