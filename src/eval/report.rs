//! An evaluation explained: every criterion's result, the facts it read, what is
//! missing and who provides it, in the guideline's own words. Two shapes: Swedish
//! text for people, and JSON (`styrdok/evaluation/v1`, docs/schemas/evaluation.schema.json).

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::eval::case::{display, json_value};
use crate::eval::{Case, CompiledCriterion, Engine, Evaluation, InterventionResult, Outcome};
use crate::model::{CriterionKind, FactSource};
use crate::rules::Tri;
use crate::sv::who_establishes;

/// A fact a criterion needs and does not have, with who provides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// The fact's id.
    pub fact: String,
    /// The question a case officer asks.
    pub question: String,
    /// Who provides it, in Swedish.
    pub provided_by: String,
    /// Why a recorded assessment does not count yet, if that is the reason.
    pub note: Option<String>,
}

/// `uppfyllt`, `ej_uppfyllt`, `ej_utrett`.
pub fn tri_code(t: Tri) -> &'static str {
    match t {
        Tri::True => "uppfyllt",
        Tri::False => "ej_uppfyllt",
        Tri::Unknown => "ej_utrett",
    }
}

/// Who provides a fact, in Swedish; for an assessment, who assesses and whom they consult.
pub fn provided_by(engine: &Engine<'_>, c: &CompiledCriterion<'_>, slot: usize) -> String {
    let f = &engine.policy.facts[slot];
    match f.source.value {
        FactSource::Assessment => match &c.criterion.kind {
            CriterionKind::Assessment { .. } => {
                let who = who_establishes(engine.policy, &c.criterion.kind);
                who.strip_prefix("Bedöms av ")
                    .map_or(who.clone(), |s| format!("bedöms av {s}"))
            }
            CriterionKind::Fact => "handläggarens bedömning".into(),
        },
        _ => source_text(f),
    }
}

/// Who or what provides a fact that is not an assessment, with its evidence:
/// `intyg eller journal (läkarintyg)`.
fn source_text(f: &crate::model::Fact) -> String {
    match &f.evidence {
        Some(e) => format!(
            "{} ({})",
            f.source.value.swedish(),
            e.value.trim_end_matches('.')
        ),
        None => f.source.value.swedish().into(),
    }
}

/// What a criterion needs and the case lacks (only when its result is *ej utrett*):
/// facts and assessments, and parameters that have no value on `date`.
pub fn missing(
    engine: &Engine<'_>,
    case: &Case,
    c: &CompiledCriterion<'_>,
    incomplete: &[(usize, String)],
    date: jiff::civil::Date,
) -> Vec<Missing> {
    let mut out: Vec<Missing> = c
        .program
        .facts_read()
        .iter()
        .filter_map(|&slot| {
            let note = incomplete
                .iter()
                .find(|(s, _)| *s == slot)
                .map(|(_, n)| n.clone());
            (case.facts[slot].is_none() || note.is_some()).then(|| Missing {
                fact: engine.policy.facts[slot].id.value.clone(),
                question: engine.policy.facts[slot].question.value.clone(),
                provided_by: provided_by(engine, c, slot),
                note,
            })
        })
        .collect();
    for &slot in c.program.params_read() {
        let p = &engine.policy.parameters[slot];
        if p.value_on(date).is_none() {
            out.push(Missing {
                fact: p.id.value.clone(),
                question: p.description.value.clone(),
                provided_by: "riktlinjen eller tillämpningsanvisningen (parameters.yaml)".into(),
                note: Some(format!("parametern har inget värde som gäller {date}")),
            });
        }
    }
    out
}

/// What an intervention's *ej utrett* criteria lack, each fact or parameter once, in
/// the order of the criteria.
pub fn intervention_missing(
    engine: &Engine<'_>,
    case: &Case,
    e: &Evaluation<'_, '_>,
    r: &InterventionResult,
) -> Vec<Missing> {
    let mut all: Vec<Missing> = Vec::new();
    let mut open = Vec::new();
    crate::eval::extent::open_criteria(
        &e.version.interventions[r.index].members,
        &r.groups,
        &mut open,
    );
    for cr in open
        .iter()
        .filter_map(|k| r.criteria.get(*k))
        .filter(|c| c.result == Tri::Unknown)
    {
        let c = &e.version.criteria[cr.index];
        for m in missing(engine, case, c, &cr.incomplete, e.date) {
            if !all.iter().any(|x| x.fact == m.fact) {
                all.push(m);
            }
        }
    }
    let i = e.version.interventions[r.index].intervention;
    if let Some(x) = &r.extent {
        for slot in x.missing_facts(e.version, i, case) {
            let f = &engine.policy.facts[slot];
            if !all.iter().any(|m| m.fact == f.id.value) {
                all.push(Missing {
                    fact: f.id.value.clone(),
                    question: f.question.value.clone(),
                    provided_by: source_text(f),
                    note: Some("behövs för att bestämma nivån eller beloppet".into()),
                });
            }
        }
    }
    all
}

/// The id and heading of the section that lists an intervention's criteria.
pub fn section(e: &Evaluation<'_, '_>, r: &InterventionResult) -> Option<(String, String)> {
    let v = e.version.version;
    let ci = &e.version.interventions[r.index];
    v.section_listing(&ci.intervention.id.value)
        .or_else(|| {
            ci.intervention
                .criteria
                .first()
                .and_then(|c| v.section_placing(&c.value))
        })
        .map(|s| {
            // As the document prints it: `4.1 Avgiftsnivåer` in a numbered version.
            let title = v
                .section_title(&s.id.value)
                .unwrap_or_else(|| s.heading.value.clone());
            (s.id.value.clone(), title)
        })
}

/// The evaluation as JSON (`styrdok/evaluation/v1`).
pub fn json(engine: &Engine<'_>, case: &Case, e: &Evaluation<'_, '_>) -> Value {
    let v = e.version;
    let policy = engine.policy;
    let params = &e.params;
    let interventions: Vec<Value> = e
        .interventions
        .iter()
        .map(|r| {
            let ci = &v.interventions[r.index];
            let i = ci.intervention;
            let criteria: Vec<Value> = r
                .criteria
                .iter()
                .map(|cr| {
                    let c = &v.criteria[cr.index];
                    let read: Vec<Value> = c
                        .program
                        .facts_read()
                        .iter()
                        .map(|&slot| {
                            let f = &policy.facts[slot];
                            let a = case.assessments[slot].as_ref().map(|a| {
                                json!({
                                    "by": a.by,
                                    "date": a.date.map(|d| d.to_string()),
                                    "consulted": engine.roles.iter().enumerate().filter(|(k, _)| a.consulted & (1 << k) != 0).map(|(_, r)| *r).collect::<Vec<_>>(),
                                    "report_from": a.report_from.map(|k| engine.roles[k as usize]),
                                    "motivation": a.motivation,
                                })
                            });
                            json!({
                                "fact": f.id.value,
                                "question": f.question.value,
                                "value": case.facts[slot].map(|x| json_value(f, x)),
                                "source": f.source.value.as_str(),
                                "assessment": a,
                            })
                        })
                        .collect();
                    let parameters: Vec<Value> = c
                        .program
                        .params_read()
                        .iter()
                        .map(|&slot| {
                            let p = &policy.parameters[slot];
                            json!({"id": p.id.value, "value": match params[slot] {
                                crate::rules::ParamVal::Int(i) => json!(i),
                                crate::rules::ParamVal::Range(a, b) => json!({"min": a, "max": b}),
                                crate::rules::ParamVal::Missing => Value::Null,
                            }})
                        })
                        .collect();
                    let missing = if cr.result == Tri::Unknown { missing(engine, case, c, &cr.incomplete, e.date) } else { Vec::new() };
                    let (kind, by, consulting, report) = match &c.criterion.kind {
                        CriterionKind::Fact => ("fact", None, Vec::new(), None),
                        CriterionKind::Assessment { by, consulting, report_from } => (
                            "assessment",
                            Some(engine.role_title(&by.value)),
                            consulting.iter().map(|x| engine.role_title(&x.value)).collect(),
                            report_from.as_ref().map(|x| engine.role_title(&x.value)),
                        ),
                    };
                    json!({
                        "id": c.criterion.id.value,
                        "text": c.criterion.text.value,
                        "kind": kind,
                        "assessed_by": by,
                        "consulting": consulting,
                        "report_from": report,
                        "result": tri_code(cr.result),
                        "read": read,
                        "parameters": parameters,
                        "missing": missing.iter().map(missing_json).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let period = r.period.map(|p| {
                let d = i.duration.as_ref();
                json!({
                    "from": p.from.to_string(),
                    "until": p.until.to_string(),
                    "years": d.map_or(0, |d| d.years),
                    "months": d.map_or(0, |d| d.months),
                    "at_most": d.is_some_and(|d| d.at_most),
                    "extended_months": p.extended_months,
                    "basis": d.and_then(|d| d.basis.as_ref()).and_then(|b| v.version.passage(&b.value)).map(|t| &t.value),
                    "extension_basis": if p.extended_months > 0 { i.extension.as_ref().and_then(|b| v.version.passage(&b.value)).map(|t| t.value.clone()) } else { None },
                    "extension_reason": if p.extended_months > 0 { case.extension.as_ref().map(|x| x.reason.clone()) } else { None },
                })
            });
            let duties: Vec<Value> = r
                .duties
                .iter()
                .map(|(k, t)| {
                    let (d, _) = ci.duties[*k];
                    json!({"id": d.id.value, "text": d.text.value, "applies": if *t == Tri::True { "ja" } else { "ej_utrett" }})
                })
                .collect();
            json!({
                "id": i.id.value,
                "name": i.name.value,
                "target_group": i.target_group.value,
                "legal_basis": i.legal_basis_text(),
                "outcome": r.outcome.code(),
                "section": section(e, r).map(|(id, heading)| json!({"id": id, "heading": heading})),
                "criteria": criteria,
                "period": period,
                "period_individual": i.duration.as_ref().is_some_and(|d| d.individual),
                "groups": groups_json(policy, v, r),
                "extent": r.extent.as_ref().map(|x| extent_json(engine, case, e, x)),
                "duties": duties,
                "missing": intervention_missing(engine, case, e, r).iter().map(missing_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "format": "styrdok/evaluation/v1",
        "case": case.id,
        "application_date": case.application_date.to_string(),
        "evaluated_on": e.date.to_string(),
        "document": {
            "id": v.doc.id,
            "version": v.version.version.value,
            "title": v.version.title.value,
            "content_hash": v.hash,
        },
        "interventions": interventions,
        "procedure": v.version.procedure.iter().map(|s| json!({
            "id": s.id.value,
            "provision": s.provision.value,
            "outcome": s.outcome.value.as_str(),
            "text": s.text.value,
        })).collect::<Vec<_>>(),
    })
}

/// Each group of the intervention: its id, quantifier, sentence, result, members (ids
/// of criteria and groups) and the guideline's words of the members that met it.
#[allow(clippy::items_after_statements)] // the helper reads best beside its one caller
fn groups_json(
    policy: &crate::model::Policy,
    v: &crate::eval::CompiledVersion<'_>,
    r: &InterventionResult,
) -> Vec<Value> {
    use crate::eval::extent::CMember;
    let ci = &v.interventions[r.index];
    let groups = crate::eval::extent::groups_of(&ci.intervention.members);
    let mut out = Vec::new();
    fn walk(
        policy: &crate::model::Policy,
        v: &crate::eval::CompiledVersion<'_>,
        r: &InterventionResult,
        groups: &[&crate::model::Group],
        members: &[CMember],
        out: &mut Vec<Value>,
    ) {
        for m in members {
            if let CMember::Group(g, q, inner) = m {
                let Some(group) = groups.get(*g) else {
                    continue;
                };
                let ids: Vec<String> = inner
                    .iter()
                    .filter_map(|x| match x {
                        CMember::Criterion(k) => r
                            .criteria
                            .get(*k)
                            .map(|c| v.criteria[c.index].criterion.id.value.clone()),
                        CMember::Group(h, ..) => groups.get(*h).map(|x| x.id.value.clone()),
                    })
                    .collect();
                let result = r.groups.get(*g).copied().unwrap_or(Tri::Unknown);
                out.push(json!({
                    "id": group.id.value,
                    "quantifier": q.code(),
                    "at_least": match q { crate::model::Quantifier::AtLeast(n) => Some(*n), _ => None },
                    "text": group.text.as_ref().map(|t| &t.value),
                    "result": tri_code(result),
                    "members": ids,
                    "met_by": if result == Tri::True { met_alternatives(policy, v, r, inner) } else { Vec::new() },
                }));
                walk(policy, v, r, groups, inner, out);
            }
        }
    }
    walk(policy, v, r, &groups, &ci.members, &mut out);
    out
}

/// The extent as JSON: the level and how each fact placed the case, each amount with
/// its exact and decided value (decimal strings, kronor), rounding and arithmetic.
fn extent_json(
    engine: &Engine<'_>,
    case: &Case,
    e: &Evaluation<'_, '_>,
    x: &crate::eval::extent::ExtentResult,
) -> Value {
    let v = e.version;
    let policy = engine.policy;
    let level = x.level.as_ref().map(|l| {
        let t = &v.version.levels[l.table];
        json!({
            "table": t.id.value,
            "name": t.name.value,
            "level": l.row.map(|r| &t.rows[r].level.value),
            "by": l.by.iter().map(|(slot, value, row)| json!({
                "fact": policy.facts[*slot].id.value,
                "value": value,
                "level": row.map(|r| &t.rows[r].level.value),
            })).collect::<Vec<_>>(),
            "text": level_sentence(policy, v, l),
        })
    });
    let amounts: Vec<Value> = x
        .amounts
        .iter()
        .map(|r| {
            let a = &v.version.amounts[r.amount];
            json!({
                "id": a.id.value,
                "name": a.name.value,
                "unit": a.unit.value,
                "exact": r.exact.map(|n| crate::sv::decimal_point(&n)),
                "value": r.value.map(|n| crate::sv::decimal_point(&n)),
                "text": r.value.map(|n| crate::eval::extent::amount_text(a, &n)),
                "rounding": a.rounding.as_ref().map(|rd| json!({"text": rd.swedish(), "assumption": rd.assumption, "reference": rd.reference.value})),
                "arithmetic": crate::eval::extent::arithmetic(v, policy, case, e.date, x, r.amount),
                "error": r.error,
            })
        })
        .collect();
    json!({"level": level, "amounts": amounts})
}

fn missing_json(m: &Missing) -> Value {
    json!({"fact": m.fact, "question": m.question, "provided_by": m.provided_by, "note": m.note})
}

fn mark(t: Tri) -> &'static str {
    match t {
        Tri::True => "[uppfyllt]   ",
        Tri::False => "[ej uppfyllt]",
        Tri::Unknown => "[ej utrett]  ",
    }
}

/// The evaluation as Swedish text for a case officer.
pub fn human(engine: &Engine<'_>, case: &Case, e: &Evaluation<'_, '_>) -> String {
    let v = e.version;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Ärende {}: ansökan {}",
        case.id.as_deref().unwrap_or("(utan beteckning)"),
        case.application_date
    );
    let _ = writeln!(s, "Prövat mot: {}", v.version.title.value);
    let _ = writeln!(
        s,
        "  {} version {} (gäller från {}), {}",
        v.doc.id, v.version.version.value, v.version.valid_from.value, v.hash
    );
    if e.date != case.application_date {
        let _ = writeln!(s, "  version och parametrar enligt {}", e.date);
    }
    for w in ended_laws(engine.policy, e) {
        let _ = writeln!(s, "  Observera: {w}");
    }
    for r in &e.interventions {
        let ci = &v.interventions[r.index];
        let i = ci.intervention;
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "{} ({}): {}",
            i.name.value,
            i.target_group.value,
            r.outcome.swedish().to_uppercase()
        );
        if let Some((_, heading)) = section(e, r) {
            let _ = writeln!(s, "  Kriterier enligt avsnittet ”{heading}”:");
        }
        write_members(&mut s, engine, case, e, r, &ci.members, 1);
        match r.outcome {
            Outcome::Beviljas if case.extension.is_some() && i.extension.is_none() => {
                let _ = writeln!(
                    s,
                    "  Särskilda skäl anges i ärendet, men riktlinjen medger ingen förlängning av denna insats."
                );
                write_period(&mut s, engine.policy, r, i, v, case);
                write_extent(&mut s, engine, case, e, r);
            }
            Outcome::Beviljas => {
                write_period(&mut s, engine.policy, r, i, v, case);
                write_extent(&mut s, engine, case, e, r);
            }
            Outcome::Avslag => {
                if !r.duties.is_empty() {
                    let _ = writeln!(s, "  Informera den enskilde (riktlinjen):");
                    for (k, t) in &r.duties {
                        let (d, _) = ci.duties[*k];
                        let note = if *t == Tri::Unknown {
                            " [uppgift saknas om villkoret; informera]"
                        } else {
                            ""
                        };
                        let _ = writeln!(
                            s,
                            "    – {}{note}",
                            crate::markdown::plain_in(engine.policy, v.version, &d.text.value)
                        );
                    }
                }
            }
            Outcome::Ofullstandig => {
                if r.extent.is_some() {
                    // The criteria are met; the level or an amount is not worked out.
                    write_extent(&mut s, engine, case, e, r);
                    for m in intervention_missing(engine, case, e, r) {
                        let _ = writeln!(s, "  saknas: {} – {}", m.question, m.provided_by);
                    }
                }
                let _ = writeln!(
                    s,
                    "  Inget beslut kan föreslås förrän det som saknas är utrett."
                );
            }
        }
    }
    s
}

/// The criteria as written, groups with their sentence and result, members indented
/// under them; a met group names the alternatives that met it.
fn write_members(
    s: &mut String,
    engine: &Engine<'_>,
    case: &Case,
    e: &Evaluation<'_, '_>,
    r: &InterventionResult,
    members: &[crate::eval::extent::CMember],
    depth: usize,
) {
    use crate::eval::extent::CMember;
    let v = e.version;
    let policy = engine.policy;
    let groups = crate::eval::extent::groups_of(&v.interventions[r.index].intervention.members);
    let pad = "  ".repeat(depth);
    for m in members {
        match m {
            CMember::Criterion(k) => {
                if let Some(cr) = r.criteria.get(*k) {
                    write_criterion(s, engine, case, e, cr, &pad);
                }
            }
            CMember::Group(g, q, inner) => {
                let result = r.groups.get(*g).copied().unwrap_or(Tri::Unknown);
                let sentence = groups.get(*g).and_then(|x| x.text.as_ref()).map_or_else(
                    || crate::sv::group_heading(*q),
                    |t| crate::markdown::plain_in(engine.policy, v.version, &t.value),
                );
                let _ = writeln!(s, "{pad}{} {sentence}", mark(result));
                write_members(s, engine, case, e, r, inner, depth + 1);
                if result == Tri::True && !matches!(q, crate::model::Quantifier::All) {
                    let met: Vec<String> = met_alternatives(policy, v, r, inner)
                        .into_iter()
                        .map(|t| format!("”{t}”"))
                        .collect();
                    let _ = writeln!(
                        s,
                        "{pad}                uppfyllt genom: {}",
                        crate::sv::join(&met)
                    );
                }
            }
        }
    }
}

/// The guideline's words of the members that are met, in order (a met group by its
/// sentence, or its met members).
pub fn met_alternatives(
    policy: &crate::model::Policy,
    v: &crate::eval::CompiledVersion<'_>,
    r: &InterventionResult,
    members: &[crate::eval::extent::CMember],
) -> Vec<String> {
    use crate::eval::extent::CMember;
    let groups = crate::eval::extent::groups_of(&v.interventions[r.index].intervention.members);
    let mut out = Vec::new();
    for m in members {
        match m {
            CMember::Criterion(k) => {
                if let Some(cr) = r.criteria.get(*k).filter(|c| c.result == Tri::True) {
                    out.push(crate::markdown::plain_in(
                        policy,
                        v.version,
                        &v.criteria[cr.index].criterion.text.value,
                    ));
                }
            }
            CMember::Group(g, _, inner) if r.groups.get(*g) == Some(&Tri::True) => {
                match groups.get(*g).and_then(|x| x.text.as_ref()) {
                    Some(t) => out.push(crate::markdown::plain_in(policy, v.version, &t.value)),
                    None => out.extend(met_alternatives(policy, v, r, inner)),
                }
            }
            CMember::Group(..) => {}
        }
    }
    out
}

fn write_criterion(
    s: &mut String,
    engine: &Engine<'_>,
    case: &Case,
    e: &Evaluation<'_, '_>,
    cr: &crate::eval::CriterionResult,
    pad: &str,
) {
    let v = e.version;
    let policy = engine.policy;
    let params = &e.params;
    let c = &v.criteria[cr.index];
    let _ = writeln!(
        s,
        "{pad}{} {}",
        mark(cr.result),
        crate::markdown::plain_in(engine.policy, v.version, &c.criterion.text.value)
    );
    let mut read = Vec::new();
    for &slot in c.program.facts_read() {
        let f = &policy.facts[slot];
        let val = case.facts[slot].map_or_else(|| "saknas".to_string(), |x| display(f, x));
        let by = case.assessments[slot]
            .as_ref()
            .map(|a| format!(" (bedömt av {})", a.by))
            .unwrap_or_default();
        read.push(format!("{} = {val}{by}", f.id.value));
    }
    for &slot in c.program.params_read() {
        let p = &policy.parameters[slot];
        read.push(match (params[slot], p.value_on(e.date)) {
            (crate::rules::ParamVal::Missing, _) | (_, None) => {
                format!("{} = inget värde gäller {}", p.id.value, e.date)
            }
            (_, Some(x)) => format!(
                "{} = {}",
                p.id.value,
                crate::sv::param_value(&x.value.value, p.unit.as_ref().map(|u| u.value.as_str()))
            ),
        });
    }
    if !read.is_empty() {
        let _ = writeln!(s, "{pad}                läste: {}", read.join(", "));
    }
    if cr.result == Tri::Unknown {
        for m in missing(engine, case, c, &cr.incomplete, e.date) {
            let _ = writeln!(
                s,
                "{pad}                saknas: {} – {}",
                m.question, m.provided_by
            );
            if let Some(n) = m.note {
                let _ = writeln!(s, "{pad}                        ({n})");
            }
        }
    }
}

/// The extent of a granted intervention: the level and how it was chosen, each amount
/// with its arithmetic, and the sources of the parameters read.
fn write_extent(
    s: &mut String,
    engine: &Engine<'_>,
    case: &Case,
    e: &Evaluation<'_, '_>,
    r: &InterventionResult,
) {
    let Some(x) = &r.extent else { return };
    let v = e.version;
    let policy = engine.policy;
    let i = v.interventions[r.index].intervention;
    if let Some(l) = &x.level {
        let _ = writeln!(s, "  {}", level_sentence(policy, v, l));
    }
    let mut shown: Vec<usize> = Vec::new();
    for a in &i.extent.amounts {
        let Some(k) = v.version.amounts.iter().position(|x| x.id.value == a.value) else {
            continue;
        };
        for step in crate::eval::extent::chain(v, k) {
            if shown.contains(&step) {
                continue;
            }
            shown.push(step);
            if let Some(line) = crate::eval::extent::arithmetic(v, policy, case, e.date, x, step) {
                let _ = writeln!(s, "  {line}");
            }
        }
    }
    let sources = crate::eval::extent::params_read(v, policy, &shown, x);
    if !sources.is_empty() {
        let _ = writeln!(s, "  Värden som använts:");
        for slot in sources {
            let p = &policy.parameters[slot];
            if let Some(val) = p.value_on(e.date) {
                let assumed = if val.assumption {
                    " [antagande: ingen källa anger värdet]"
                } else {
                    ""
                };
                let _ = writeln!(
                    s,
                    "    {} = {} ({}; gäller från {}){assumed}",
                    p.id.value,
                    crate::sv::param_value(
                        &val.value.value,
                        p.unit.as_ref().map(|u| u.value.as_str())
                    ),
                    val.reference.value.trim().trim_end_matches('.'),
                    val.from.value
                );
            }
        }
    }
    for k in &shown {
        let a = &v.version.amounts[*k];
        if let Some(t) = &a.assumption {
            let _ = writeln!(s, "    {}: [antagande: {}]", a.name.value, t.value.trim());
        }
        if let Some(rd) = &v.version.amounts[*k].rounding {
            if rd.assumption {
                let _ = writeln!(
                    s,
                    "    {}: {} [antagande: {}]",
                    v.version.amounts[*k].name.value,
                    rd.swedish(),
                    rd.reference.value.trim()
                );
            }
        }
    }
}

/// `Avgiftsnivå 3: hemtjanst_timmar_per_manad = 4 ger nivå 2, dagverksamhet_dagar_per_vecka
/// = 2 ger nivå 3; den högsta gäller.`
pub fn level_sentence(
    policy: &crate::model::Policy,
    v: &crate::eval::CompiledVersion<'_>,
    l: &crate::eval::extent::LevelResult,
) -> String {
    let t = &v.version.levels[l.table];
    // `hemtjänsttimmar per månad 4` with a label, `hemtjanst_timmar_per_manad = 4` without.
    let label = |slot: usize| {
        let f = &policy.facts[slot];
        match &f.label {
            Some(l) => l.value.clone(),
            None => format!("{} =", f.id.value),
        }
    };
    let parts: Vec<String> =
        l.by.iter()
            .map(|(slot, value, row)| match (value, row) {
                (None, _) if l.row.is_some() => format!(
                    "{} saknas men kan inte ge en högre nivå",
                    fact_label(&policy.facts[*slot])
                ),
                (None, _) => format!("{} saknas", fact_label(&policy.facts[*slot])),
                (Some(x), Some(r)) => {
                    format!("{} {x} ger nivå {}", label(*slot), t.rows[*r].level.value)
                }
                (Some(x), None) if l.gaps.contains(slot) => format!(
                    "{} {x} ligger i ett glapp i tabellen, som inte anger någon nivå för värdet",
                    label(*slot)
                ),
                (Some(x), None) => format!("{} {x} ger ingen nivå", label(*slot)),
            })
            .collect();
    let head = match l.row {
        Some(r) => format!("{} {}", t.name.value, t.rows[r].level.value),
        None if !l.gaps.is_empty() => format!(
            "{}: kan inte bestämmas enligt riktlinjen; beslutas i det enskilda fallet",
            t.name.value
        ),
        None if l.by.iter().any(|(_, v, _)| v.is_none()) => format!("{}: ej utredd", t.name.value),
        None => format!("{}: ingen nivå", t.name.value),
    };
    let rule = if t.choose_highest && l.by.len() > 1 {
        "; den högsta gäller"
    } else {
        ""
    };
    format!("{head} ({}{rule})", parts.join(", "))
}

/// The laws that the interventions tried cite (legal basis, own procedure steps) and
/// that had ended by the day the case was tried on, each once: `socialtjänstlagen
/// (2001:453) upphörde att gälla 2025-06-30 och ersattes av socialtjänstlagen (2025:400)`.
pub fn ended_laws(policy: &crate::model::Policy, e: &Evaluation<'_, '_>) -> Vec<String> {
    let v = e.version.version;
    let mut seen: Vec<&crate::model::Law> = Vec::new();
    for r in &e.interventions {
        let i = e.version.interventions[r.index].intervention;
        let texts = i
            .legal_basis
            .iter()
            .chain(v.steps_of(i).into_iter().map(|s| &s.provision));
        for t in texts {
            for c in crate::check::text::law_citations(policy, &t.value) {
                let Some(law) = policy.glossary.law_on(&c.word, v.valid_from.value) else {
                    continue;
                };
                let ended = law.valid_until.as_ref().is_some_and(|u| e.date > u.value);
                if ended && !seen.iter().any(|l| std::ptr::eq(*l, law)) {
                    seen.push(law);
                }
            }
        }
    }
    seen.iter()
        .map(|l| {
            let by = l
                .replaced_by
                .as_ref()
                .and_then(|id| policy.glossary.law(&id.value))
                .map(|n| format!(" och ersattes av {}", n.long_name()))
                .unwrap_or_default();
            format!(
                "riktlinjen hänvisar till {}, som upphörde att gälla {}{by}; kontrollera lagrummet innan beslut fattas",
                l.long_name(),
                l.valid_until.as_ref().map(|u| u.value.to_string()).unwrap_or_default()
            )
        })
        .collect()
}

/// A fact as an explanation names it: its `label` (`hemtjänsttimmar per månad`), or its
/// id where it has none.
pub fn fact_label(f: &crate::model::Fact) -> String {
    f.label
        .as_ref()
        .map_or_else(|| f.id.value.clone(), |l| l.value.clone())
}

/// The granted period, in Swedish, with the guideline's sentence on it.
fn write_period(
    s: &mut String,
    policy: &crate::model::Policy,
    r: &InterventionResult,
    i: &crate::model::Intervention,
    v: &crate::eval::CompiledVersion<'_>,
    case: &Case,
) {
    let basis = |d: &crate::model::Duration| -> Option<String> {
        let b = d.basis.as_ref()?;
        match v.version.passage(&b.value) {
            Some(t) => Some(format!(
                "”{}”",
                crate::markdown::plain_in(policy, v.version, &t.value)
            )),
            None => v
                .version
                .sections_flat()
                .into_iter()
                .find(|(_, x)| x.id.value == b.value)
                .map(|(_, x)| format!("(avsnittet ”{}”)", x.heading.value)),
        }
    };
    match (r.period, &i.duration) {
        (_, Some(d)) if d.individual => {
            let _ = writeln!(
                s,
                "  Period: beslutets längd prövas i det enskilda fallet; riktlinjen anger ingen fast period"
            );
            if let Some(b) = basis(d) {
                let _ = writeln!(s, "    {b}");
            }
        }
        (Some(p), Some(d)) => {
            let len = crate::sv::duration(d.years, d.months);
            let most = if d.at_most { "högst " } else { "" };
            let _ = write!(
                s,
                "  Period: {} – {}{} ({most}{len}",
                p.from,
                if d.at_most { "senast " } else { "" },
                p.until
            );
            if p.extended_months > 0 {
                let _ = write!(
                    s,
                    " och {} på grund av särskilda skäl",
                    crate::sv::duration(0, p.extended_months)
                );
            }
            let _ = writeln!(s, ")");
            if let Some(b) = basis(d) {
                let _ = writeln!(s, "    {b}");
            }
        }
        (None, Some(_)) => {
            let _ = writeln!(
                s,
                "  Period: kan inte beräknas från startdatum {}",
                case.start_date.unwrap_or(case.application_date)
            );
        }
        (_, None) => {
            let _ = writeln!(s, "  Period: riktlinjen anger ingen tidsgräns för insatsen");
        }
    }
}
