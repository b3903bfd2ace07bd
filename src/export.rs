//! Machine-readable products of a version: `criteria.json` (everything the checks
//! need, with the verbatim text) and the JSON Schema of a case file for it.
//! Shapes are documented in docs/format.md and docs/cases.md and stable within `styrdok/…/v1`.

use serde_json::{Map, Value, json};

use crate::check::rules::VersionRules;
use crate::model::{
    Amount, CriterionKind, EnumValue, Fact, FactSource, FactType, Group, LevelTable, Member,
    ParamData, Parameter, Policy, Quantifier, RoundingDirection, Version,
};

fn enum_json(v: &EnumValue) -> Value {
    match v {
        EnumValue::Int(i) => json!(i),
        EnumValue::Word(w) => json!(w),
    }
}

/// The facts a version reads (rules of criteria and duty conditions, amounts, level
/// tables), in dictionary order.
fn facts_used<'a>(policy: &'a Policy, v: &Version, compiled: &VersionRules) -> Vec<&'a Fact> {
    let (facts, _) = crate::identity::read_by(policy, v, compiled);
    facts.into_iter().map(|k| &policy.facts[k]).collect()
}

/// The parameters a version reads (rules, amounts, level tables), in order.
fn parameters_used<'a>(
    policy: &'a Policy,
    v: &Version,
    compiled: &VersionRules,
) -> Vec<&'a Parameter> {
    let (_, params) = crate::identity::read_by(policy, v, compiled);
    params.into_iter().map(|k| &policy.parameters[k]).collect()
}

fn fact_json(f: &Fact) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(f.id.value));
    m.insert("type".into(), json!(f.ty.value.name()));
    match &f.ty.value {
        FactType::Enum(values) => {
            m.insert(
                "values".into(),
                Value::Array(values.iter().map(enum_json).collect()),
            );
        }
        FactType::Integer { min, max } => {
            m.insert("min".into(), json!(min));
            m.insert("max".into(), json!(max));
        }
        FactType::Bool | FactType::Date | FactType::Money => {}
    }
    m.insert("question".into(), json!(f.question.value));
    m.insert("source".into(), json!(f.source.value.as_str()));
    m.insert(
        "evidence".into(),
        json!(f.evidence.as_ref().map(|e| &e.value)),
    );
    Value::Object(m)
}

/// A parameter's value: a whole number as a number, an exact decimal as a string with
/// a point (`"0.5392"`), a range as `{min, max}` (`max` null when open upwards).
fn param_data_json(d: &ParamData) -> Value {
    match d {
        ParamData::Integer(i) => json!(i),
        ParamData::Range { min, max } => json!({"min": min, "max": max}),
        ParamData::Number(n) => json!(crate::sv::decimal_point(n)),
    }
}

fn member_id(m: &Member) -> &str {
    match m {
        Member::Criterion(id) => &id.value,
        Member::Group(g) => &g.id.value,
    }
}

/// A group: `{id, quantifier, at_least, text, members}`.
fn group_json(g: &Group) -> Value {
    json!({
        "id": g.id.value,
        "quantifier": g.quantifier.value.code(),
        "at_least": match g.quantifier.value {
            Quantifier::AtLeast(n) => Some(n),
            _ => None,
        },
        "text": g.text.as_ref().map(|t| &t.value),
        "members": g.members.iter().map(member_id).collect::<Vec<_>>(),
    })
}

/// A level table, each threshold and value with its parameter and the value in force
/// on the version's `valid_from` (every dated value is under `parameters`).
fn level_json(policy: &Policy, v: &Version, t: &LevelTable) -> Value {
    let on = v.valid_from.value;
    let value_of = |param: &str| {
        policy
            .parameter(param)
            .and_then(|p| p.value_on(on))
            .map(|x| &x.value.value)
    };
    let rows: Vec<Value> = t
        .rows
        .iter()
        .map(|r| {
            let thresholds: Vec<Value> = r
                .when
                .iter()
                .map(|(fact, param)| {
                    let (min, max) = match value_of(&param.value) {
                        Some(ParamData::Range { min, max }) => (Some(*min), *max),
                        _ => (None, None),
                    };
                    json!({"fact": fact.value, "parameter": param.value, "min": min, "max": max})
                })
                .collect();
            let values: Map<String, Value> = r
                .values
                .iter()
                .map(|(name, param)| {
                    let p = policy.parameter(&param.value);
                    (
                        name.value.clone(),
                        json!({
                            "parameter": param.value,
                            "value": value_of(&param.value).map_or(Value::Null, param_data_json),
                            "unit": p.and_then(|p| p.unit.as_ref()).map(|u| &u.value),
                        }),
                    )
                })
                .collect();
            json!({"level": r.level.value, "thresholds": thresholds, "values": values})
        })
        .collect();
    json!({
        "id": t.id.value,
        "name": t.name.value,
        "basis": t.basis.as_ref().map(|b| &b.value),
        "by": t.by.iter().map(|f| &f.value).collect::<Vec<_>>(),
        "choose": if t.choose_highest { "highest" } else { "" },
        "values_on": on.to_string(),
        "rows": rows,
    })
}

/// An amount: `{id, name, unit, basis, cases: [{when, formula}], rounding}`.
fn amount_json(a: &Amount) -> Value {
    json!({
        "id": a.id.value,
        "name": a.name.value,
        "unit": a.unit.value,
        "basis": a.basis.as_ref().map(|b| &b.value),
        "cases": a.cases.iter().map(|c| json!({
            "when": c.when.as_ref().map(|w| w.value.trim()),
            "formula": c.formula.value.trim(),
        })).collect::<Vec<_>>(),
        "rounding": a.rounding.as_ref().map(|r| json!({
            "to": if r.to_krona { "krona" } else { "ore" },
            "direction": match r.direction {
                RoundingDirection::Down => "down",
                RoundingDirection::Nearest => "nearest",
                RoundingDirection::Up => "up",
            },
            "text": r.swedish(),
            "assumption": r.assumption,
            "reference": r.reference.value,
        })),
    })
}

/// `criteria.json` of one version, whose rules are `compiled`.
pub fn criteria_json(
    policy: &Policy,
    doc_id: &str,
    v: &Version,
    compiled: &VersionRules,
    content_hash: &str,
) -> Value {
    let criteria: Vec<Value> = v
        .criteria
        .iter()
        .zip(&compiled.criteria)
        .map(|(c, program)| {
            let reads: Vec<&str> = program
                .as_ref()
                .map(|p| {
                    p.facts_read()
                        .iter()
                        .map(|&s| policy.facts[s].id.value.as_str())
                        .collect()
                })
                .unwrap_or_default();
            let params: Vec<&str> = program
                .as_ref()
                .map(|p| {
                    p.params_read()
                        .iter()
                        .map(|&s| policy.parameters[s].id.value.as_str())
                        .collect()
                })
                .unwrap_or_default();
            let (kind, by, consulting, report) = match &c.kind {
                CriterionKind::Fact => ("fact", None, Vec::new(), None),
                CriterionKind::Assessment {
                    by,
                    consulting,
                    report_from,
                } => (
                    "assessment",
                    Some(by.value.as_str()),
                    consulting.iter().map(|x| x.value.as_str()).collect(),
                    report_from.as_ref().map(|x| x.value.as_str()),
                ),
            };
            json!({
                "id": c.id.value,
                "text": c.text.value,
                "kind": kind,
                "assessed_by": by,
                "consulting": consulting,
                "report_from": report,
                "rule": c.rule.value.trim(),
                "facts": reads,
                "parameters": params,
            })
        })
        .collect();
    let interventions: Vec<Value> = v
        .interventions
        .iter()
        .map(|i| {
            let section = v.section_listing(&i.id.value).or_else(|| {
                i.criteria.first().and_then(|c| v.section_placing(&c.value))
            });
            json!({
                "id": i.id.value,
                "name": i.name.value,
                "target_group": i.target_group.value,
                "legal_basis": i.legal_basis_text(),
                "continues": i.continues.as_ref().map(|c| &c.value),
                "duration": i.duration.as_ref().map(|x| json!({
                    "years": x.years,
                    "months": x.months,
                    "at_most": x.at_most,
                    "individual": x.individual,
                    "basis": x.basis.as_ref().map(|b| &b.value),
                    "basis_text": x.basis.as_ref().and_then(|b| v.passage(&b.value)).map(|t| &t.value),
                })),
                "extension": i.extension.as_ref().map(|e| json!({
                    "basis": e.value,
                    "basis_text": v.passage(&e.value).map(|t| &t.value),
                })),
                "criteria": i.criteria.iter().map(|c| &c.value).collect::<Vec<_>>(),
                // The criteria as written: ids of criteria and of groups, at the top.
                "members": i.members.iter().map(member_id).collect::<Vec<_>>(),
                "groups": crate::eval::extent::groups_of(&i.members).into_iter().map(group_json).collect::<Vec<_>>(),
                "extent": (i.extent.level.is_some() || !i.extent.amounts.is_empty()).then(|| json!({
                    "level": i.extent.level.as_ref().map(|l| &l.value),
                    "amounts": i.extent.amounts.iter().map(|a| &a.value).collect::<Vec<_>>(),
                })),
                "duties": i.duties.iter().map(|c| &c.value).collect::<Vec<_>>(),
                // `number` only in a numbered version, so the output of others is unchanged.
                "section": section.map(|s| {
                    let mut o = json!({"id": s.id.value, "heading": s.heading.value});
                    if let Some(n) = v.section_number(&s.id.value) {
                        o["number"] = Value::String(n);
                    }
                    o
                }),
            })
        })
        .collect();
    let duties: Vec<Value> = v
        .duties
        .iter()
        .map(|x| json!({"id": x.id.value, "text": x.text.value, "when": x.when.as_ref().map(|w| w.value.trim())}))
        .collect();
    let procedure: Vec<Value> = v
        .procedure
        .iter()
        .map(|s| {
            json!({
                "id": s.id.value,
                "provision": s.provision.value,
                "outcome": s.outcome.value.as_str(),
                "text": s.text.value,
            })
        })
        .collect();
    let facts: Vec<Value> = facts_used(policy, v, compiled)
        .into_iter()
        .map(fact_json)
        .collect();
    let parameters: Vec<Value> = parameters_used(policy, v, compiled)
        .into_iter()
        .map(|p| {
            json!({
                "id": p.id.value,
                "description": p.description.value,
                "unit": p.unit.as_ref().map(|u| &u.value),
                "values": p.values.iter().map(|x| json!({
                    "from": x.from.value.to_string(),
                    "until": x.until.as_ref().map(|u| u.value.to_string()),
                    "value": param_data_json(&x.value.value),
                    "reference": x.reference.value,
                    "assumption": x.assumption,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let levels: Vec<Value> = v.levels.iter().map(|t| level_json(policy, v, t)).collect();
    let amounts: Vec<Value> = v.amounts.iter().map(amount_json).collect();
    json!({
        "format": "styrdok/criteria/v1",
        "document": {
            "id": doc_id,
            "version": v.version.value,
            "kind": v.kind.value.as_str(),
            "title": v.title.value,
            "valid_from": v.valid_from.value.to_string(),
            "valid_until": v.valid_until.as_ref().map(|d| d.value.to_string()),
            "content_hash": content_hash,
        },
        "interventions": interventions,
        "criteria": criteria,
        "duties": duties,
        "procedure": procedure,
        "levels": levels,
        "amounts": amounts,
        "facts": facts,
        "parameters": parameters,
    })
}

/// The JSON Schema (draft-07, which editors' YAML support validates) of a case
/// file for one version: `ansokningsdatum`, `insatser`, `fakta`, `bedomningar`.
pub fn case_schema(policy: &Policy, doc_id: &str, v: &Version, compiled: &VersionRules) -> Value {
    let mut facts = Map::new();
    let mut assessments = Map::new();
    let roles = policy.glossary.role_ids();
    let mut roles_or_null: Vec<Value> = roles.iter().map(|r| json!(r)).collect();
    roles_or_null.push(Value::Null);
    for f in facts_used(policy, v, compiled) {
        let value = match &f.ty.value {
            FactType::Bool => json!({"type": "boolean"}),
            FactType::Integer { min, max } => {
                let mut m = json!({"type": "integer"});
                if let Some(min) = min {
                    m["minimum"] = json!(min);
                }
                if let Some(max) = max {
                    m["maximum"] = json!(max);
                }
                m
            }
            FactType::Money => json!({
                "type": ["integer", "string"],
                "description": "kronor: a whole number, or text such as \"12 345,50\"",
                "pattern": "^-?[0-9 \u{a0}\u{202f}\u{2009}]+([,.][0-9]{1,2})?( ?(kr|kronor))?$"
            }),
            FactType::Date => {
                json!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
            }
            FactType::Enum(values) => {
                json!({"enum": values.iter().map(enum_json).collect::<Vec<_>>()})
            }
        };
        let description = match &f.evidence {
            Some(e) => format!("{} Underlag: {}", f.question.value, e.value),
            None => f.question.value.clone(),
        };
        if f.source.value == FactSource::Assessment {
            assessments.insert(
                f.id.value.clone(),
                json!({
                    "description": description,
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["varde"],
                    "properties": {
                        "varde": {"anyOf": [value, {"type": "null"}]},
                        "av": {"type": ["string", "null"], "description": "Vem som har gjort bedömningen (namn och befattning); krävs när `varde` är ifyllt."},
                        "datum": {"type": ["string", "null"], "format": "date", "description": "När bedömningen gjordes."},
                        "samrad": {"type": ["array", "null"], "items": {"enum": roles}, "description": "Roller som handläggaren har samrått med."},
                        "rapport_fran": {"enum": roles_or_null, "description": "Roll vars rapport bedömningen vilar på."},
                        "motivering": {"type": ["string", "null"], "description": "Handläggarens motivering."},
                    },
                }),
            );
        } else {
            // Not known yet: null.
            let value = json!({"description": description, "anyOf": [value, {"type": "null"}]});
            facts.insert(f.id.value.clone(), value);
        }
    }
    let insatser: Vec<&str> = v
        .interventions
        .iter()
        .map(|i| i.id.value.as_str())
        .collect();
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": format!("https://styrdok.invalid/{doc_id}/{}/case.schema.json", v.version.value),
        "title": format!("Ärende enligt {} (version {})", v.title.value, v.version.value),
        "description": "Ett ärende att pröva med `styrdok eval`. Saknade uppgifter är tillåtna: de redovisas som ej utredda.",
        "type": "object",
        "additionalProperties": false,
        "required": ["ansokningsdatum", "insatser"],
        "properties": {
            "arende": {"type": ["string", "null"], "description": "Ärendets beteckning (valfri; skrivs ut i resultatet)."},
            "riktlinje": {"type": ["string", "null"], "description": "Riktlinjen ärendet prövas mot (valfri när insatserna bara finns i en)."},
            "ansokningsdatum": {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description": "Dagen ansökan kom in; avgör vilken version som gäller."},
            "startdatum": {"anyOf": [{"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}, {"type": "null"}], "description": "Första dagen för insatsen om den beviljas (annars ansökningsdatum)."},
            "insatser": {"type": "array", "minItems": 1, "uniqueItems": true, "items": {"enum": insatser}, "description": "Insatser som ansökan gäller."},
            "fakta": {"type": "object", "additionalProperties": false, "properties": facts},
            "bedomningar": {"type": "object", "additionalProperties": false, "properties": assessments},
            "sarskilda_skal": {
                "description": "Särskilda skäl för längre tid än normalt: antal månader utöver den normala tiden och handläggarens motivering.",
                "anyOf": [{"type": "null"}, {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["manader", "motivering"],
                    "properties": {"manader": {"type": "integer", "minimum": 1}, "motivering": {"type": "string"}},
                }],
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;
    use crate::load::{MemoryTree, load};

    /// The shipped policy in memory, with `edit` applied to the 2022 guideline.
    fn shipped_with(edit: impl Fn(String) -> String) -> Policy {
        fn add(tree: MemoryTree, root: &std::path::Path, dir: &std::path::Path) -> MemoryTree {
            let mut tree = tree;
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    tree = add(tree, root, &p);
                } else {
                    let rel = p.strip_prefix(root).unwrap().to_str().unwrap().to_owned();
                    tree = tree.with(&rel, std::fs::read(&p).unwrap());
                }
            }
            tree
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policy");
        let mut tree = add(MemoryTree::new("policy"), &root, &root);
        let rel = "stod-arbete-studier/2022-05.yaml";
        let text = std::fs::read_to_string(root.join(rel)).unwrap();
        tree = tree.with(rel, edit(text));
        let (policy, d) = load(&tree);
        assert!(!d.has_errors(), "{d:?}");
        policy
    }

    /// A parameter read only by a duty's condition is listed, as the facts are.
    #[test]
    fn criteria_json_lists_what_duty_conditions_read() {
        let policy = shipped_with(|t| {
            t.replace(
                "when: not beviljad_daglig_verksamhet",
                "when: not beviljad_daglig_verksamhet and age(fodelsedatum, ansokningsdatum) in ung_alder",
            )
        });
        let doc = policy.document("stod-arbete-studier").unwrap();
        let v = &doc.versions[0];
        let sc = crate::check::rules::scope(&policy);
        let mut d = Diagnostics::default();
        let compiled = crate::check::rules::compile_version(&policy, &sc, v, &mut d);
        assert!(!d.has_errors());
        let j = criteria_json(&policy, &doc.id, v, &compiled, "sha256:x");
        let params: Vec<&str> = j["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap())
            .collect();
        assert_eq!(params, ["yrkesverksam_alder", "ung_alder"]);
        let facts: Vec<&str> = j["facts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap())
            .collect();
        assert!(facts.contains(&"beviljad_daglig_verksamhet"), "{facts:?}");
    }
}
