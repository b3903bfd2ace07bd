//! `styrdok new-case INSATS`: a ready-to-fill case file listing every fact and
//! assessment the intervention's criteria (and duties) read, with the question,
//! its type and who answers it. Every value starts as `null` (not known), so the
//! file evaluates as it is: *utredning ofullständig*, listing what is missing.

use std::fmt::Write as _;

use jiff::civil::Date;

use crate::eval::{CompiledVersion, Engine, EvalError};
use crate::model::{FactSource, FactType};
use crate::sv::who_establishes;

/// The version and intervention an id names (in the guideline in force on `date`).
pub fn find<'e, 'p>(
    engine: &'e Engine<'p>,
    insats: &str,
    document: Option<&str>,
    date: Date,
) -> Result<(&'e CompiledVersion<'p>, usize), EvalError> {
    let v = engine.select(&[insats.to_string()], document, date)?;
    let i = v
        .intervention(insats)
        .ok_or_else(|| EvalError(format!("`{}` has no intervention `{insats}`", v.doc.id)))?;
    Ok((v, i))
}

/// A fact's type as the case file's comments describe it.
fn type_sv(t: &FactType) -> String {
    match t {
        FactType::Bool => "true eller false".to_string(),
        FactType::Integer { .. } => "ett heltal".to_string(),
        FactType::Money => "ett belopp i kronor, t.ex. 12 345 eller \"12 345,50\"".to_string(),
        FactType::Date => "ett datum, ÅÅÅÅ-MM-DD".to_string(),
        FactType::Enum(values) => format!(
            "ett av: {}",
            values
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Text for a `#` comment line: line breaks would end the comment.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn yaml_str(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// The case file, as YAML with Swedish comments.
pub fn template(engine: &Engine<'_>, v: &CompiledVersion<'_>, index: usize, date: Date) -> String {
    let ci = &v.interventions[index];
    let i = ci.intervention;
    let policy = engine.policy;
    let mut slots: Vec<(usize, usize)> = Vec::new(); // (fact slot, criterion index that reads it first)
    for &k in &ci.criteria {
        for &s in v.criteria[k].program.facts_read() {
            if !slots.iter().any(|(x, _)| *x == s) {
                slots.push((s, k));
            }
        }
    }
    let duty_slots: Vec<usize> = ci
        .duties
        .iter()
        .filter_map(|(_, p)| p.as_ref())
        .flat_map(|p| p.facts_read().iter().copied())
        .filter(|s| !slots.iter().any(|(x, _)| x == s))
        .collect();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Ärende enligt {} (version {})",
        v.version.title.value, v.version.version.value
    );
    let _ = writeln!(out, "# Insats: {} ({})", i.name.value, i.target_group.value);
    let _ = writeln!(
        out,
        "# Fyll i det som är känt. Det som lämnas som null redovisas som ej utrett, aldrig som avslag."
    );
    let _ = writeln!(
        out,
        "# Ärendet innehåller personuppgifter: spara filen där sådana får sparas."
    );
    let _ = writeln!(out, "arende: null");
    let _ = writeln!(out, "riktlinje: {}", v.doc.id);
    let _ = writeln!(out, "ansokningsdatum: {date}");
    let _ = writeln!(
        out,
        "startdatum: null  # första dagen om insatsen beviljas (annars ansökningsdatum)"
    );
    let _ = writeln!(out, "insatser: [{}]", i.id.value);
    let fact_line = |out: &mut String, slot: usize| {
        let f = &policy.facts[slot];
        let ty = type_sv(&f.ty.value);
        let _ = writeln!(out, "  # {} ({ty})", one_line(&f.question.value));
        let source = match &f.evidence {
            Some(e) => format!("{}: {}", f.source.value.swedish(), one_line(&e.value)),
            None => f.source.value.swedish().to_string(),
        };
        let _ = writeln!(out, "  # Lämnas av {source}");
        let _ = writeln!(out, "  {}: null", f.id.value);
    };
    let facts: Vec<usize> = slots
        .iter()
        .map(|(s, _)| *s)
        .chain(duty_slots.iter().copied())
        .filter(|&s| policy.facts[s].source.value != FactSource::Assessment)
        .collect();
    let _ = writeln!(out, "fakta:");
    if facts.is_empty() {
        let _ = writeln!(out, "  {{}}");
    }
    for s in facts {
        fact_line(&mut out, s);
    }
    let assessed: Vec<(usize, usize)> = slots
        .iter()
        .copied()
        .filter(|(s, _)| policy.facts[*s].source.value == FactSource::Assessment)
        .collect();
    let _ = writeln!(out, "bedomningar:");
    if assessed.is_empty() {
        let _ = writeln!(out, "  {{}}");
    }
    for (s, k) in assessed {
        let f = &policy.facts[s];
        let c = v.criteria[k].criterion;
        let _ = writeln!(
            out,
            "  # {} ({})",
            one_line(&f.question.value),
            type_sv(&f.ty.value)
        );
        let _ = writeln!(out, "  # {}.", one_line(&who_establishes(policy, &c.kind)));
        let _ = writeln!(out, "  {}:", f.id.value);
        let _ = writeln!(out, "    varde: null");
        let _ = writeln!(out, "    av: null  # namn och befattning");
        let _ = writeln!(out, "    datum: null");
        if let crate::model::CriterionKind::Assessment {
            consulting,
            report_from,
            ..
        } = &c.kind
        {
            if !consulting.is_empty() {
                let roles: Vec<&str> = consulting.iter().map(|r| r.value.as_str()).collect();
                let _ = writeln!(
                    out,
                    "    samrad: []  # kräver samråd med: [{}]",
                    roles.join(", ")
                );
            }
            if let Some(r) = report_from {
                let _ = writeln!(
                    out,
                    "    rapport_fran: null  # kräver rapport från: {}",
                    r.value
                );
            }
        }
        let _ = writeln!(out, "    motivering: null");
    }
    if i.extension.is_some() {
        let _ = writeln!(
            out,
            "# Särskilda skäl för längre tid än {}: ange antal månader och motivering.",
            i.duration
                .as_ref()
                .map_or_else(String::new, |d| { crate::sv::duration(d.years, d.months) })
        );
        let _ = writeln!(
            out,
            "sarskilda_skal: null  # t.ex. {{manader: 6, motivering: {}}}",
            yaml_str("…")
        );
    }
    out
}
