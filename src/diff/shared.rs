//! What each version uses of its policy folder: parameters (the values within its
//! validity), facts, and, between two folders, glossary terms, laws and roles.

use jiff::civil::Date;

use super::{Builder, Change, Element, Field, Kind, Side, ids, prose, short};
use crate::check::rules::{compile_version, scope};
use crate::diag::Diagnostics;
use crate::identity::{read_by, uses, values_within};
use crate::model::{ParamData, Parameter};

impl<'p> Builder<'p> {
    /// Parameters, facts, terms, laws and roles: what each version uses of its policy.
    pub(super) fn shared(&mut self) {
        let (old, new) = (self.old, self.new);
        let rules = |s: Side<'_>| {
            let mut d = Diagnostics::default();
            compile_version(s.policy, &scope(s.policy), s.version, &mut d)
        };
        let (ra, rb) = (rules(old), rules(new));
        let ((fa, pa), (fb, pb)) = (
            read_by(old.policy, old.version, &ra),
            read_by(new.policy, new.version, &rb),
        );
        // Parameters: the values each version applies within its validity.
        let pid = |s: Side<'p>, k: usize| s.policy.parameters[k].id.value.as_str();
        let a_ids: Vec<&str> = pa.iter().map(|&k| pid(old, k)).collect();
        let b_ids: Vec<&str> = pb.iter().map(|&k| pid(new, k)).collect();
        for id in ids(a_ids.iter().copied(), b_ids.iter().copied()) {
            let po = old
                .policy
                .parameters
                .iter()
                .find(|p| p.id.value == id)
                .filter(|_| a_ids.contains(&id));
            let pn = new
                .policy
                .parameters
                .iter()
                .find(|p| p.id.value == id)
                .filter(|_| b_ids.contains(&id));
            let vals = |p: Option<&Parameter>, s: Side<'_>| {
                p.map(|p| {
                    values_within(p, s.version.valid_from.value, s.until())
                        .into_iter()
                        .map(|(v, end)| {
                            let from = v.from.value.max(s.version.valid_from.value);
                            let end = match (end, s.until()) {
                                (Some(e), Some(u)) => Some(e.min(u)),
                                (e, u) => e.or(u),
                            };
                            Held {
                                value: param_text(p, &v.value.value),
                                from,
                                until: end,
                                record: (
                                    v.from.value,
                                    v.until.as_ref().map(|u| u.value),
                                    v.reference.value.clone(),
                                    v.assumption,
                                ),
                            }
                        })
                        .collect::<Vec<_>>()
                })
            };
            let (vo, vn) = (vals(po, old), vals(pn, new));
            let show = |v: &Option<Vec<Held>>| {
                v.as_ref().map(|list| {
                    if list.is_empty() {
                        return "inget värde".to_string();
                    }
                    list.iter()
                        .map(|h| match h.until {
                            Some(e) => format!("{} ({} – {e})", h.value, h.from),
                            None => format!("{} (från {})", h.value, h.from),
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                })
            };
            // The values as written (value, dates, reference, whether assumed): one
            // value that holds across both versions is the same, clipped differently.
            let just = |v: &Option<Vec<Held>>| {
                v.as_ref().map(|l| {
                    l.iter()
                        .map(|x| (x.value.clone(), x.record.clone()))
                        .collect::<Vec<_>>()
                })
            };
            let name = pn
                .or(po)
                .map(|p| p.description.value.clone())
                .unwrap_or_default();
            let place = format!("Parameter {id}");
            let f = Field::value(
                "values",
                "Värde",
                show(&vo).as_deref(),
                show(&vn).as_deref(),
            );
            let desc = Field::of("description", "Beskrivning", po, pn, |p| {
                p.description.value.as_str()
            });
            match (&vo, &vn) {
                (None, Some(_)) => self.push(
                    Kind::New,
                    Element::Parameter,
                    id,
                    place,
                    format!("läses nu av regler: {}", short(&name, 60)),
                    vec![f],
                ),
                (Some(_), None) => self.push(
                    Kind::Repealed,
                    Element::Parameter,
                    id,
                    place,
                    "läses inte längre av någon regel".into(),
                    vec![f],
                ),
                (Some(o), Some(n)) => {
                    if just(&vo) == just(&vn) && !desc.changed() {
                        continue;
                    }
                    // The first value of the new version that the old did not have.
                    let from = n
                        .iter()
                        .find(|x| !o.iter().any(|y| y.value == x.value && y.record == x.record))
                        .map(|x| x.from);
                    let summary = format!(
                        "{} → {}",
                        show(&vo).unwrap_or_default(),
                        show(&vn).unwrap_or_default()
                    );
                    let fields: Vec<Field> = [f, desc].into_iter().filter(Field::changed).collect();
                    self.out.push(Change {
                        kind: Kind::Changed,
                        element: Element::Parameter,
                        id: id.to_string(),
                        place,
                        summary,
                        fields,
                        in_force_from: from.or(self.from),
                    });
                }
                (None, None) => {}
            }
        }
        // Facts the rules read.
        let fid = |s: Side<'p>, k: usize| s.policy.facts[k].id.value.as_str();
        let a_ids: Vec<&str> = fa.iter().map(|&k| fid(old, k)).collect();
        let b_ids: Vec<&str> = fb.iter().map(|&k| fid(new, k)).collect();
        for id in ids(a_ids.iter().copied(), b_ids.iter().copied()) {
            let fo = old
                .policy
                .facts
                .iter()
                .find(|f| f.id.value == id)
                .filter(|_| a_ids.contains(&id));
            let fnew = new
                .policy
                .facts
                .iter()
                .find(|f| f.id.value == id)
                .filter(|_| b_ids.contains(&id));
            let ty = |f: &crate::model::Fact| match &f.ty.value {
                crate::model::FactType::Enum(v) => format!(
                    "enum: {}",
                    v.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                crate::model::FactType::Integer { min, max } => format!(
                    "integer {}–{}",
                    min.map(|x| x.to_string()).unwrap_or_default(),
                    max.map(|x| x.to_string()).unwrap_or_default()
                ),
                t => t.name().to_string(),
            };
            let all = vec![
                Field::of("question", "Fråga", fo, fnew, |f| {
                    f.question.value.as_str()
                }),
                Field::value(
                    "type",
                    "Typ",
                    fo.map(ty).as_deref(),
                    fnew.map(ty).as_deref(),
                ),
                Field::of("source", "Källa", fo, fnew, |f| f.source.value.swedish()),
                Field::value(
                    "evidence",
                    "Underlag",
                    fo.and_then(|f| f.evidence.as_ref())
                        .map(|e| e.value.as_str()),
                    fnew.and_then(|f| f.evidence.as_ref())
                        .map(|e| e.value.as_str()),
                ),
            ];
            let place = format!("Faktauppgift {id}");
            self.item(
                Element::Fact,
                id,
                place,
                fo.is_some(),
                fnew.is_some(),
                all,
                ("läses nu av regler", "läses inte längre av någon regel"),
            );
        }
        // Terms, laws and roles: only where the two sides' glossaries differ (two folders
        // or revisions); within one folder both versions share one glossary.
        if std::ptr::eq(old.policy, new.policy) {
            return;
        }
        let (ua, ub) = (
            uses(old.policy, old.version, &ra),
            uses(new.policy, new.version, &rb),
        );
        let (ga, gb) = (&old.policy.glossary, &new.policy.glossary);
        for id in ids(
            ua.terms.iter().map(|&k| ga.terms[k].id.value.as_str()),
            ub.terms.iter().map(|&k| gb.terms[k].id.value.as_str()),
        ) {
            let o = ga.terms.iter().find(|t| t.id.value == id);
            let n = gb.terms.iter().find(|t| t.id.value == id);
            let syn = |t: &crate::model::Term| {
                t.synonyms
                    .iter()
                    .map(|s| s.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let legal = |t: &crate::model::Term| {
                t.legal
                    .iter()
                    .map(|s| s.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let all = vec![
                Field::of("term", "Term", o, n, |t| t.term.value.as_str()),
                Field::value(
                    "synonyms",
                    "Synonymer",
                    o.map(syn).as_deref(),
                    n.map(syn).as_deref(),
                ),
                Field::new(
                    "definition",
                    "Definition",
                    o.map(|t| prose::inline(&t.definition.value)),
                    n.map(|t| prose::inline(&t.definition.value)),
                    true,
                ),
                Field::value(
                    "legal",
                    "Lagrum",
                    o.map(legal).as_deref(),
                    n.map(legal).as_deref(),
                ),
            ];
            let place = format!(
                "Begrepp ”{}”",
                n.or(o).map_or(id, |t| t.term.value.as_str())
            );
            self.item(
                Element::Term,
                id,
                place,
                o.is_some(),
                n.is_some(),
                all,
                ("nytt begrepp", "begreppet tas bort"),
            );
        }
        for id in ids(
            ua.laws.iter().map(|&k| ga.laws[k].id.value.as_str()),
            ub.laws.iter().map(|&k| gb.laws[k].id.value.as_str()),
        ) {
            let o = ga.laws.iter().find(|t| t.id.value == id);
            let n = gb.laws.iter().find(|t| t.id.value == id);
            let all = vec![
                Field::of("name", "Namn", o, n, |l| l.name.value.as_str()),
                Field::of("abbreviation", "Förkortning", o, n, |l| {
                    l.abbreviation.value.as_str()
                }),
                Field::of("sfs", "SFS-nummer", o, n, |l| l.sfs.value.as_str()),
                Field::value(
                    "valid_from",
                    "Gäller från",
                    o.and_then(|l| date(l.valid_from.as_ref())).as_deref(),
                    n.and_then(|l| date(l.valid_from.as_ref())).as_deref(),
                ),
                Field::value(
                    "valid_until",
                    "Gäller till",
                    o.and_then(|l| date(l.valid_until.as_ref())).as_deref(),
                    n.and_then(|l| date(l.valid_until.as_ref())).as_deref(),
                ),
                Field::value(
                    "replaced_by",
                    "Ersatt av",
                    o.and_then(|l| l.replaced_by.as_ref().map(|r| r.value.as_str())),
                    n.and_then(|l| l.replaced_by.as_ref().map(|r| r.value.as_str())),
                ),
                Field::value(
                    "successors",
                    "Efterföljande bestämmelser",
                    o.and_then(successors).as_deref(),
                    n.and_then(successors).as_deref(),
                ),
                Field::value(
                    "appeals",
                    "Överklagande",
                    o.and_then(appeals).as_deref(),
                    n.and_then(appeals).as_deref(),
                ),
            ];
            let place = format!(
                "Lag {}",
                n.or(o).map_or(id, |l| l.abbreviation.value.as_str())
            );
            self.item(
                Element::Law,
                id,
                place,
                o.is_some(),
                n.is_some(),
                all,
                ("ny lag", "lagen tas bort"),
            );
        }
        for id in ids(
            ua.roles.iter().map(|&k| ga.roles[k].id.value.as_str()),
            ub.roles.iter().map(|&k| gb.roles[k].id.value.as_str()),
        ) {
            let o = ga.roles.iter().find(|t| t.id.value == id);
            let n = gb.roles.iter().find(|t| t.id.value == id);
            let all = vec![Field::of("title", "Titel", o, n, |r| {
                r.title.value.as_str()
            })];
            let place = format!("Roll {id}");
            self.item(
                Element::Role,
                id,
                place,
                o.is_some(),
                n.is_some(),
                all,
                ("ny roll", "rollen tas bort"),
            );
        }
    }
}

fn date(d: Option<&crate::source::Spanned<Date>>) -> Option<String> {
    d.map(|d| d.value.to_string())
}

/// `4 kap. 1 § → 11 kap. 1 §; …`, or `None` when none is recorded.
fn successors(l: &crate::model::Law) -> Option<String> {
    let s: Vec<String> = l
        .successors
        .iter()
        .map(|s| {
            let note = if s.assumption { " (antagande)" } else { "" };
            format!("{} → {}{note}", s.old.value, s.new.value)
        })
        .collect();
    (!s.is_empty()).then(|| s.join("; "))
}

/// `4 kap. 1 §: förvaltningsbesvär till förvaltningsrätten (16 kap. 3 § SoL); …`.
fn appeals(l: &crate::model::Law) -> Option<String> {
    let s: Vec<String> = l
        .provisions
        .iter()
        .map(|p| {
            format!(
                "{}: {} till {} ({})",
                p.provision.value,
                p.appeal.route.value.swedish(),
                p.appeal.to.value,
                p.appeal.basis.value
            )
        })
        .collect();
    (!s.is_empty()).then(|| s.join("; "))
}

fn param_text(p: &Parameter, v: &ParamData) -> String {
    crate::sv::param_value(v, p.unit.as_ref().map(|u| u.value.as_str()))
        .replace(crate::sv::NUMBER_SPACE, " ")
}

/// A parameter value as a version holds it.
struct Held {
    /// The value in words (`18–64 år`).
    value: String,
    /// Its first day within the version's validity.
    from: Date,
    /// Its last day within it (`None`: until further notice).
    until: Option<Date>,
    /// The value record as written: from, until, reference, assumption.
    record: (Date, Option<Date>, String, bool),
}
