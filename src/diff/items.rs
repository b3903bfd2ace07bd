//! Interventions, criteria, duties, procedure steps and guidance, matched by id.

use std::collections::HashMap;

use super::{Builder, Element, Field, Kind, ids, prose, reordered, short};
use crate::model::{CriterionKind, Policy, Version};

impl Builder<'_> {
    pub(super) fn interventions(&mut self) {
        let (a, b) = (self.old.version, self.new.version);
        for id in ids(
            a.interventions.iter().map(|i| i.id.value.as_str()),
            b.interventions.iter().map(|i| i.id.value.as_str()),
        ) {
            let (o, n) = (a.intervention(id), b.intervention(id));
            let name = n
                .or(o)
                .map(|i| crate::markdown::plain(&i.name.value))
                .unwrap_or_default();
            let place = format!("Insats ”{name}”");
            let fields = |i: Option<&crate::model::Intervention>| {
                let list = |ids: &[crate::model::Id]| {
                    ids.iter()
                        .map(|x| x.value.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                [
                    i.map(|i| i.name.value.clone()),
                    i.map(|i| i.target_group.value.clone()),
                    i.map(crate::model::Intervention::legal_basis_text),
                    i.and_then(|i| (!i.procedure.is_empty()).then(|| list(&i.procedure))),
                    i.and_then(|i| i.continues.as_ref().map(|c| c.value.clone())),
                    i.and_then(|i| duration_text(i.duration.as_ref())),
                    i.and_then(|i| i.extension.as_ref().map(|e| e.value.clone())),
                    i.map(|i| list(&i.criteria)),
                    i.and_then(|i| groups_text(&i.members)),
                    i.and_then(|i| extent_text(&i.extent)),
                    i.map(|i| list(&i.duties)),
                ]
            };
            let (fo, fn_) = (fields(o), fields(n));
            let names: [(&str, &str); 11] = [
                ("name", "Namn"),
                ("target_group", "Målgrupp"),
                ("legal_basis", "Lagrum"),
                ("procedure", "Handläggning"),
                ("continues", "Fortsättning på"),
                ("duration", "Tid"),
                ("extension", "Förlängning"),
                ("criteria", "Kriterier"),
                ("groups", "Grupper av kriterier"),
                ("extent", "Omfattning"),
                ("duties", "Informationsplikt"),
            ];
            let all: Vec<Field> = names
                .iter()
                .zip(fo.iter().zip(fn_.iter()))
                .map(|((k, l), (x, y))| Field::value(k, l, x.as_deref(), y.as_deref()))
                .collect();
            match (o, n) {
                (None, Some(_)) => {
                    let fields = all.into_iter().filter(|f| f.new.is_some()).collect();
                    self.push(
                        Kind::New,
                        Element::Intervention,
                        id,
                        place,
                        "ny insats".into(),
                        fields,
                    );
                }
                (Some(_), None) => {
                    let fields = all.into_iter().filter(|f| f.old.is_some()).collect();
                    self.push(
                        Kind::Repealed,
                        Element::Intervention,
                        id,
                        place,
                        "insatsen upphävs".into(),
                        fields,
                    );
                }
                (Some(o), Some(n)) => {
                    let fields: Vec<Field> = all.into_iter().filter(Field::changed).collect();
                    if fields.is_empty() {
                        continue;
                    }
                    let mut parts = Vec::new();
                    for f in &fields {
                        if f.name == "criteria" || f.name == "duties" {
                            let (ol, nl) = match f.name {
                                "criteria" => (&o.criteria, &n.criteria),
                                _ => (&o.duties, &n.duties),
                            };
                            let ov: Vec<&str> = ol.iter().map(|x| x.value.as_str()).collect();
                            let nv: Vec<&str> = nl.iter().map(|x| x.value.as_str()).collect();
                            let added: Vec<String> = nv
                                .iter()
                                .filter(|x| !ov.contains(x))
                                .map(|x| format!("`{x}`"))
                                .collect();
                            let dropped: Vec<String> = ov
                                .iter()
                                .filter(|x| !nv.contains(x))
                                .map(|x| format!("`{x}`"))
                                .collect();
                            // "kriterium tillagt", "kriterier tillagda", "informationsplikter borttagna".
                            let what = |n: usize, one: &str| {
                                let (noun, added, dropped) = match (f.name, n) {
                                    ("criteria", 1) => ("kriterium", "tillagt", "borttaget"),
                                    ("criteria", _) => ("kriterier", "tillagda", "borttagna"),
                                    (_, 1) => ("informationsplikt", "tillagd", "borttagen"),
                                    _ => ("informationsplikter", "tillagda", "borttagna"),
                                };
                                format!("{noun} {}", if one == "+" { added } else { dropped })
                            };
                            if !added.is_empty() {
                                parts.push(format!(
                                    "{}: {}",
                                    what(added.len(), "+"),
                                    crate::sv::join(&added)
                                ));
                            }
                            if !dropped.is_empty() {
                                parts.push(format!(
                                    "{}: {}",
                                    what(dropped.len(), "-"),
                                    crate::sv::join(&dropped)
                                ));
                            }
                            // Those kept may be in a new order too, with or without others
                            // added or dropped.
                            if !super::reordered(&ov, &nv).is_empty() {
                                let rest = if added.is_empty() && dropped.is_empty() {
                                    f.label.to_lowercase()
                                } else {
                                    "övriga".to_string()
                                };
                                parts.push(format!("{rest} i ny ordning"));
                            }
                        } else {
                            parts.push(format!("ändring av {}", f.label.to_lowercase()));
                        }
                    }
                    self.push(
                        Kind::Changed,
                        Element::Intervention,
                        id,
                        place,
                        crate::sv::join(&parts),
                        fields,
                    );
                }
                (None, None) => {}
            }
        }
    }

    pub(super) fn criteria(&mut self) {
        let (a, b) = (self.old.version, self.new.version);
        // Where each criterion is listed: (intervention, position) per side.
        let (pa, pb) = (placement(a), placement(b));
        // For each criterion listed in another place among the same intervention's
        // criteria: those interventions.
        let mut reordered_in: HashMap<&str, Vec<&str>> = HashMap::new();
        for i in &b.interventions {
            if let Some(oi) = a.intervention(&i.id.value) {
                let o: Vec<&str> = oi.criteria.iter().map(|c| c.value.as_str()).collect();
                let n: Vec<&str> = i.criteria.iter().map(|c| c.value.as_str()).collect();
                for c in reordered(&o, &n) {
                    reordered_in.entry(c).or_default().push(i.id.value.as_str());
                }
            }
        }
        let who = |p: &Policy, k: &CriterionKind| crate::sv::who_establishes(p, k);
        for id in ids(
            a.criteria.iter().map(|c| c.id.value.as_str()),
            b.criteria.iter().map(|c| c.id.value.as_str()),
        ) {
            let (o, n) = (a.criterion(id), b.criterion(id));
            let sentence = n
                .or(o)
                .map(|c| crate::markdown::plain(&c.text.value))
                .unwrap_or_default();
            let place = format!("Kriterium ”{}”", short(&sentence, 70));
            let fields = |c: Option<&crate::model::Criterion>, p: &Policy, prose_of: bool| {
                [
                    c.map(|c| {
                        if prose_of {
                            prose::inline(&c.text.value)
                        } else {
                            prose::plain(&c.text.value)
                        }
                    }),
                    c.map(|c| prose::plain(&c.rule.value)),
                    c.map(|c| {
                        prose::plain(match c.kind {
                            CriterionKind::Fact => "faktauppgift",
                            CriterionKind::Assessment { .. } => "bedömning",
                        })
                    }),
                    c.map(|c| prose::plain(&who(p, &c.kind))),
                ]
            };
            let fo = fields(o, self.old.policy, true);
            let fn_ = fields(n, self.new.policy, true);
            let names: [(&'static str, &'static str, bool); 4] = [
                ("text", "Lydelse", true),
                ("rule", "Regel", false),
                ("kind", "Slag", false),
                ("assessed_by", "Vem bedömer", false),
            ];
            let all: Vec<Field> = names
                .into_iter()
                .zip(fo.into_iter().zip(fn_))
                .map(|((k, l, p), (x, y))| Field::new(k, l, x, y, p))
                .collect();
            match (o, n) {
                (None, Some(_)) => self.push(
                    Kind::New,
                    Element::Criterion,
                    id,
                    place,
                    "nytt kriterium".into(),
                    all,
                ),
                (Some(_), None) => self.push(
                    Kind::Repealed,
                    Element::Criterion,
                    id,
                    place,
                    "kriteriet upphävs".into(),
                    all,
                ),
                (Some(_), Some(_)) => {
                    let (ia, ib) = (
                        pa.get(id).cloned().unwrap_or_default(),
                        pb.get(id).cloned().unwrap_or_default(),
                    );
                    let common: Vec<&str> = ib.iter().copied().filter(|x| ia.contains(x)).collect();
                    // Moved: listed under another intervention only, or in another order
                    // within one it stays in (named alone, not every one it is in).
                    let within = reordered_in.get(id).map(|v| v.join(", "));
                    if within.is_some() || (common.is_empty() && !ia.is_empty() && !ib.is_empty()) {
                        let (wo, wn) = (ia.join(", "), ib.join(", "));
                        let summary = match within {
                            Some(w) if wo == wn => format!("ny plats bland kriterierna för {w}"),
                            Some(w) => format!(
                                "flyttat från {wo} till {wn}, ny plats bland kriterierna för {w}"
                            ),
                            None => format!("flyttat från {wo} till {wn}"),
                        };
                        let f = Field::value("position", "Placering", Some(&wo), Some(&wn));
                        self.push(
                            Kind::Moved,
                            Element::Criterion,
                            id,
                            place.clone(),
                            summary,
                            vec![f],
                        );
                    }
                    self.changed(Element::Criterion, id, place, all);
                }
                (None, None) => {}
            }
        }
    }

    pub(super) fn duties(&mut self) {
        let (a, b) = (self.old.version, self.new.version);
        for id in ids(
            a.duties.iter().map(|x| x.id.value.as_str()),
            b.duties.iter().map(|x| x.id.value.as_str()),
        ) {
            let o = a.duties.iter().find(|x| x.id.value == id);
            let n = b.duties.iter().find(|x| x.id.value == id);
            let place = format!(
                "Informationsplikt ”{}”",
                short(
                    &crate::markdown::plain(
                        n.or(o).map(|x| x.text.value.as_str()).unwrap_or_default()
                    ),
                    70
                )
            );
            let all = vec![
                Field::new(
                    "text",
                    "Lydelse",
                    o.map(|x| prose::inline(&x.text.value)),
                    n.map(|x| prose::inline(&x.text.value)),
                    true,
                ),
                Field::value(
                    "when",
                    "Gäller när",
                    o.and_then(|x| x.when.as_ref()).map(|w| w.value.as_str()),
                    n.and_then(|x| x.when.as_ref()).map(|w| w.value.as_str()),
                ),
            ];
            self.item(
                Element::Duty,
                id,
                place,
                o.is_some(),
                n.is_some(),
                all,
                ("ny informationsplikt", "informationsplikten upphävs"),
            );
        }
    }

    pub(super) fn steps(&mut self) {
        let (a, b) = (self.old.version, self.new.version);
        let a_ids: Vec<&str> = a.procedure.iter().map(|x| x.id.value.as_str()).collect();
        let b_ids: Vec<&str> = b.procedure.iter().map(|x| x.id.value.as_str()).collect();
        let moved = reordered(&a_ids, &b_ids);
        for id in ids(a_ids.iter().copied(), b_ids.iter().copied()) {
            let o = a.procedure.iter().find(|x| x.id.value == id);
            let n = b.procedure.iter().find(|x| x.id.value == id);
            let prov = n
                .or(o)
                .map(|x| x.provision.value.clone())
                .unwrap_or_default();
            let place = format!("Handläggningssteg {prov}");
            if o.is_some() && n.is_some() && moved.contains(id) {
                let pos =
                    |v: &[&str]| (v.iter().position(|x| *x == id).unwrap_or(0) + 1).to_string();
                let (po, pn) = (pos(&a_ids), pos(&b_ids));
                let f = Field::value(
                    "position",
                    "Placering",
                    Some(&format!("steg {po}")),
                    Some(&format!("steg {pn}")),
                );
                self.push(
                    Kind::Moved,
                    Element::Step,
                    id,
                    place.clone(),
                    format!("steg {po} blir steg {pn}"),
                    vec![f],
                );
            }
            let all = vec![
                Field::of("provision", "Lagrum", o, n, |x| x.provision.value.as_str()),
                Field::of("outcome", "Utfall", o, n, |x| x.outcome.value.as_str()),
                Field::new(
                    "text",
                    "Lydelse",
                    o.map(|x| prose::inline(&x.text.value)),
                    n.map(|x| prose::inline(&x.text.value)),
                    true,
                ),
            ];
            self.item(
                Element::Step,
                id,
                place,
                o.is_some(),
                n.is_some(),
                all,
                ("nytt handläggningssteg", "handläggningssteget upphävs"),
            );
        }
    }

    pub(super) fn guidance(&mut self) {
        let (a, b) = (self.old.version, self.new.version);
        for id in ids(
            a.guidance.iter().map(|x| x.criterion.value.as_str()),
            b.guidance.iter().map(|x| x.criterion.value.as_str()),
        ) {
            let o = a.guidance.iter().find(|x| x.criterion.value == id);
            let n = b.guidance.iter().find(|x| x.criterion.value == id);
            let place = format!("Anvisning för kriteriet {id}");
            let all = vec![Field::new(
                "text",
                "Lydelse",
                o.map(|x| prose::blocks(&x.text.value)),
                n.map(|x| prose::blocks(&x.text.value)),
                true,
            )];
            self.item(
                Element::Guidance,
                id,
                place,
                o.is_some(),
                n.is_some(),
                all,
                ("ny anvisning", "anvisningen upphävs"),
            );
        }
    }

    /// A simple item: new, repealed, or changed field by field.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn item(
        &mut self,
        element: Element,
        id: &str,
        place: String,
        in_old: bool,
        in_new: bool,
        fields: Vec<Field>,
        (new_word, gone_word): (&str, &str),
    ) {
        match (in_old, in_new) {
            (false, true) => {
                let f = fields.into_iter().filter(|f| f.new.is_some()).collect();
                self.push(Kind::New, element, id, place, new_word.into(), f);
            }
            (true, false) => {
                let f = fields.into_iter().filter(|f| f.old.is_some()).collect();
                self.push(Kind::Repealed, element, id, place, gone_word.into(), f);
            }
            (true, true) => self.changed(element, id, place, fields),
            (false, false) => {}
        }
    }
}

/// The groups of an intervention's criteria, as a reviewer reads them:
/// `något av (a, b, samtliga (c, d))`; `None` without groups.
fn groups_text(members: &[crate::model::Member]) -> Option<String> {
    use crate::model::Member;
    fn member(m: &Member) -> String {
        match m {
            Member::Criterion(id) => id.value.clone(),
            Member::Group(g) => {
                let inner: Vec<String> = g.members.iter().map(member).collect();
                let text = g
                    .text
                    .as_ref()
                    .map(|t| format!(" ”{}”", crate::markdown::plain(&t.value)))
                    .unwrap_or_default();
                format!(
                    "{} {}{text} ({})",
                    g.id.value,
                    g.quantifier.value.swedish(),
                    inner.join(", ")
                )
            }
        }
    }
    members
        .iter()
        .any(|m| matches!(m, Member::Group(_)))
        .then(|| members.iter().map(member).collect::<Vec<_>>().join(", "))
}

/// An intervention's extent: `nivå: avgiftsniva; belopp: hemtjanstavgift`.
fn extent_text(e: &crate::model::Extent) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(l) = &e.level {
        parts.push(format!("nivå: {}", l.value));
    }
    if !e.amounts.is_empty() {
        let a: Vec<&str> = e.amounts.iter().map(|x| x.value.as_str()).collect();
        parts.push(format!("belopp: {}", a.join(", ")));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

impl Builder<'_> {
    /// Level tables and amounts, matched by id: thresholds, values and formulas are
    /// rules too, and a changed one changes what is charged.
    pub(super) fn extents(&mut self) {
        let (a, b) = (self.old.version, self.new.version);
        for id in ids(
            a.levels.iter().map(|t| t.id.value.as_str()),
            b.levels.iter().map(|t| t.id.value.as_str()),
        ) {
            let text = |t: Option<&crate::model::LevelTable>| {
                t.map(|t| {
                    let rows: Vec<String> = t
                        .rows
                        .iter()
                        .map(|r| {
                            let when: Vec<String> = r
                                .when
                                .iter()
                                .map(|(f, p)| format!("{} i {}", f.value, p.value))
                                .collect();
                            let values: Vec<String> = r
                                .values
                                .iter()
                                .map(|(k, p)| format!("{} = {}", k.value, p.value))
                                .collect();
                            format!(
                                "nivå {}: {}; {}",
                                r.level.value,
                                when.join(", "),
                                values.join(", ")
                            )
                        })
                        .collect();
                    format!(
                        "{} efter {}: {}",
                        t.name.value,
                        t.by.iter()
                            .map(|b| b.value.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                        rows.join(" | ")
                    )
                })
            };
            let (o, n) = (text(a.level_table(id)), text(b.level_table(id)));
            self.definition(
                Element::LevelTable,
                id,
                format!("Nivåtabell ”{id}”"),
                "Nivåer",
                o.as_deref(),
                n.as_deref(),
            );
        }
        for id in ids(
            a.amounts.iter().map(|x| x.id.value.as_str()),
            b.amounts.iter().map(|x| x.id.value.as_str()),
        ) {
            let text = |x: Option<&crate::model::Amount>| {
                x.map(|x| {
                    let cases: Vec<String> = x
                        .cases
                        .iter()
                        .map(|c| match &c.when {
                            Some(w) => {
                                format!("när {}: {}", w.value.trim(), c.formula.value.trim())
                            }
                            None => c.formula.value.trim().to_string(),
                        })
                        .collect();
                    let rounding = x
                        .rounding
                        .as_ref()
                        .map(|r| format!("; {}", r.swedish()))
                        .unwrap_or_default();
                    format!(
                        "{} ({}) = {}{rounding}",
                        x.name.value,
                        x.unit.value,
                        cases.join(" | ")
                    )
                })
            };
            let (o, n) = (text(a.amount(id)), text(b.amount(id)));
            self.definition(
                Element::Amount,
                id,
                format!("Belopp ”{id}”"),
                "Beräkning",
                o.as_deref(),
                n.as_deref(),
            );
        }
    }

    /// One item given as a single text on each side: new, repealed or changed.
    fn definition(
        &mut self,
        element: Element,
        id: &str,
        place: String,
        label: &'static str,
        old: Option<&str>,
        new: Option<&str>,
    ) {
        let field = Field::value("definition", label, old, new);
        let (kind, summary) = match (old, new) {
            (None, Some(_)) => (Kind::New, "ny"),
            (Some(_), None) => (Kind::Repealed, "upphävs"),
            (Some(x), Some(y)) if x != y => (Kind::Changed, "ändrad beräkning"),
            _ => return,
        };
        self.push(kind, element, id, place, summary.into(), vec![field]);
    }
}

fn duration_text(d: Option<&crate::model::Duration>) -> Option<String> {
    d.map(|d| {
        if d.individual {
            let mut s = "prövas i det enskilda fallet".to_string();
            if let Some(b) = &d.basis {
                s.push_str(&format!(" (stöd: {})", b.value));
            }
            return s;
        }
        let mut s = crate::sv::duration(d.years, d.months);
        if d.at_most {
            s = format!("högst {s}");
        }
        if let Some(b) = &d.basis {
            s.push_str(&format!(" (stöd: {})", b.value));
        }
        s
    })
}

/// Where each criterion of `v` is listed: the interventions that list it.
fn placement(v: &Version) -> HashMap<&str, Vec<&str>> {
    let mut m: HashMap<&str, Vec<&str>> = HashMap::new();
    for i in &v.interventions {
        for c in &i.criteria {
            m.entry(c.value.as_str())
                .or_default()
                .push(i.id.value.as_str());
        }
    }
    m
}
