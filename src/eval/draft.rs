//! The decision draft (beslutsförslag): the guideline's two-step procedure, the
//! period, and a motivation naming the provisions and only the decisive
//! circumstances (förvaltningslagen 32 §). Headed as a draft for the case officer;
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
    /// The decision procedure, in order.
    pub steps: Vec<DraftStep>,
    /// One entry per intervention applied for.
    pub interventions: Vec<DraftIntervention>,
    /// The laws cited, with SFS numbers, e.g. `socialtjänstlagen (2001:453)`.
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
    /// `4 kap. 1 § socialtjänstlagen (2001:453)`.
    pub provision_long: String,
    /// `avslag` or `provning`.
    pub outcome: &'static str,
    /// The guideline's text for the step (Markdown).
    pub text: String,
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
    /// Heading of the section that lists the criteria.
    pub section: String,
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
    /// The facts it rests on, in plain words (for fact criteria).
    pub facts: String,
    /// The officer's assessment, when it is one.
    pub assessment: Option<DraftAssessment>,
}

/// An assessment, quoted as the officer's.
#[derive(Debug, Serialize)]
pub struct DraftAssessment {
    /// Who assessed.
    pub by: String,
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
    /// The guideline's sentence on the period (Markdown).
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

/// `4 kap. 2 § SoL` → `4 kap. 2 § socialtjänstlagen (2001:453)`, from the glossary.
fn long_provision(engine: &Engine<'_>, provision: &str) -> String {
    for law in &engine.policy.glossary.laws {
        if let Some(head) = provision.strip_suffix(law.abbreviation.value.as_str()) {
            return format!(
                "{head}{} ({})",
                law.name.value.to_lowercase(),
                law.sfs.value
            );
        }
    }
    provision.to_string()
}

/// Builds the draft's context.
pub fn context(engine: &Engine<'_>, case: &Case, e: &Evaluation<'_, '_>) -> DraftContext {
    let v = e.version;
    let steps: Vec<DraftStep> = v
        .version
        .procedure
        .iter()
        .map(|s| DraftStep {
            provision: s.provision.value.clone(),
            provision_long: long_provision(engine, &s.provision.value),
            outcome: s.outcome.value.as_str(),
            text: s.text.value.clone(),
        })
        .collect();
    let criterion = |k: usize| {
        let c = &v.criteria[k];
        let facts: Vec<String> = c
            .program
            .facts_read()
            .iter()
            .filter_map(|&slot| {
                let f = &engine.policy.facts[slot];
                case.facts[slot].map(|x| {
                    format!(
                        "{}: {}",
                        f.question.value.trim_end_matches('?'),
                        display(f, x)
                    )
                })
            })
            .collect();
        let assessment = c
            .program
            .facts_read()
            .iter()
            .find_map(|&slot| case.assessments[slot].as_ref())
            .map(|a| DraftAssessment {
                by: a.by.clone(),
                motivation: a.motivation.clone(),
            });
        DraftCriterion {
            text: c.criterion.text.value.clone(),
            facts: if facts.is_empty() {
                String::new()
            } else {
                format!("Uppgifter i ärendet: {}.", facts.join("; "))
            },
            assessment,
        }
    };
    let interventions = e
        .interventions
        .iter()
        .map(|r| {
            let ci = &v.interventions[r.index];
            let i = ci.intervention;
            let section =
                crate::eval::report::section(e, r).map_or_else(String::new, |(_, heading)| heading);

            let all_missing = intervention_missing(engine, case, e, r);
            DraftIntervention {
                name: i.name.value.clone(),
                target_group: i.target_group.value.clone(),
                outcome: r.outcome.code(),
                section,
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
    let laws: Vec<String> = engine
        .policy
        .glossary
        .laws
        .iter()
        .filter(|l| {
            steps
                .iter()
                .any(|s| s.provision.ends_with(l.abbreviation.value.as_str()))
        })
        .map(|l| format!("{} ({})", l.name.value.to_lowercase(), l.sfs.value))
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
