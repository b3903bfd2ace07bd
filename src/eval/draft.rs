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
    /// Its legal basis (*lagrum*), each provision written out.
    pub legal_basis: Vec<String>,
    /// Every criterion (for a grant).
    pub criteria: Vec<DraftCriterion>,
    /// The criteria not met: the decisive circumstances of a rejection.
    pub not_met: Vec<DraftCriterion>,
    /// What is still missing (for an incomplete investigation).
    pub missing: Vec<DraftMissing>,
    /// The granted period.
    pub period: Option<DraftPeriod>,
    /// Duties to inform, on rejection.
    pub duties: Vec<DraftDuty>,
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
    let (long, law) = cite(policy, &s.provision.value, date);
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
        provision: s.provision.value.clone(),
        provision_long: long,
        outcome: s.outcome.value.as_str(),
        text: s.text.value.clone(),
        appeal,
    }
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
            text: c.criterion.text.value.clone(),
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
            DraftIntervention {
                name: i.name.value.clone(),
                target_group: i.target_group.value.clone(),
                outcome: r.outcome.code(),
                section,
                steps: own.iter().map(|s| step(policy, s, date)).collect(),
                legal_basis: i
                    .legal_basis
                    .iter()
                    .map(|b| cite(policy, &b.value, date).0)
                    .filter(|b| !b.trim().is_empty())
                    .collect(),
                criteria: if r.outcome == Outcome::Beviljas {
                    r.criteria.iter().map(|c| criterion(c.index)).collect()
                } else {
                    Vec::new()
                },
                not_met: r
                    .criteria
                    .iter()
                    .filter(|c| c.result == Tri::False)
                    .map(|c| criterion(c.index))
                    .collect(),
                missing: all_missing
                    .into_iter()
                    .map(|m| DraftMissing {
                        question: m.question,
                        provided_by: m.provided_by,
                        note: m.note,
                    })
                    .collect(),
                period: r.period.zip(i.duration.as_ref()).map(|(p, d)| DraftPeriod {
                    from: p.from.to_string(),
                    until: p.until.to_string(),
                    length: crate::sv::duration(d.years, d.months),
                    basis: d
                        .basis
                        .as_ref()
                        .and_then(|b| v.version.passage(&b.value))
                        .map_or_else(String::new, |t| t.value.clone()),
                    extended_months: p.extended_months,
                    extension_reason: case.extension.as_ref().map(|x| x.reason.clone()),
                }),
                duties: r
                    .duties
                    .iter()
                    .map(|(k, t)| DraftDuty {
                        text: ci.duties[*k].0.text.value.clone(),
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
    }
}
