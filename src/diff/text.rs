//! The cover fields and the sections of two versions, matched by key and id.

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;

use super::{Builder, Element, Field, Kind, Side, ids, prose, reordered, short};
use crate::model::{Block, Part, Section, Version};

impl<'p> Builder<'p> {
    pub(super) fn metadata(&mut self) {
        let (a, b) = (self.old.version, self.new.version);
        let date = |d: &crate::source::Spanned<Date>| d.value.to_string();
        let until = |s: &Side<'_>| {
            Some(
                s.version
                    .valid_until
                    .as_ref()
                    .map_or_else(|| "tills vidare".to_string(), |d| d.value.to_string()),
            )
        };
        let replaces = |v: &Version| {
            v.replaces.as_ref().map(|r| {
                let mut parts = Vec::new();
                if let Some(l) = &r.version {
                    parts.push(format!("version {}", l.value));
                }
                if let Some(d) = &r.dnr {
                    parts.push(format!("Dnr {}", d.value));
                }
                if let Some(t) = &r.title {
                    parts.push(t.value.clone());
                }
                parts.join(", ")
            })
        };
        let applies = |v: &Version| {
            v.applies_to.as_ref().map(|x| match &x.version {
                Some(l) => format!("{} version {}", x.document.value, l.value),
                None => x.document.value.clone(),
            })
        };
        let text = |t: &Option<crate::model::Text>| t.as_ref().map(|x| x.value.clone());
        let rows: Vec<(&'static str, &'static str, Option<String>, Option<String>)> = vec![
            (
                "kind",
                "Dokumenttyp",
                Some(a.kind.value.as_str().into()),
                Some(b.kind.value.as_str().into()),
            ),
            (
                "title",
                "Titel",
                Some(a.title.value.clone()),
                Some(b.title.value.clone()),
            ),
            (
                "subtitle",
                "Undertitel",
                text(&a.subtitle),
                text(&b.subtitle),
            ),
            (
                "title_page_title",
                "Titel på titelsidan",
                text(&a.title_page_title),
                text(&b.title_page_title),
            ),
            ("dnr", "Diarienummer", text(&a.dnr), text(&b.dnr)),
            (
                "issued",
                "Utgivningsdatum",
                Some(date(&a.issued)),
                Some(date(&b.issued)),
            ),
            (
                "publisher",
                "Utgivare",
                Some(a.publisher.value.clone()),
                Some(b.publisher.value.clone()),
            ),
            (
                "contact",
                "Kontaktperson",
                text(&a.contact),
                text(&b.contact),
            ),
            (
                "scope",
                "Dokumentet gäller för",
                text(&a.scope),
                text(&b.scope),
            ),
            (
                "revision_by",
                "För revidering ansvarar",
                text(&a.revision_by),
                text(&b.revision_by),
            ),
            (
                "follow_up_by",
                "För uppföljning ansvarar",
                text(&a.follow_up_by),
                text(&b.follow_up_by),
            ),
            (
                "related_documents",
                "Relaterade dokument",
                (!a.related_documents.is_empty()).then(|| {
                    a.related_documents
                        .iter()
                        .map(|t| t.value.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                }),
                (!b.related_documents.is_empty()).then(|| {
                    b.related_documents
                        .iter()
                        .map(|t| t.value.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                }),
            ),
            (
                "document_owner",
                "Dokumentansvarig",
                text(&a.document_owner),
                text(&b.document_owner),
            ),
            (
                "decided_by",
                "Beslutad av",
                text(&a.decided_by),
                text(&b.decided_by),
            ),
            (
                "decision_date",
                "Beslutsdatum",
                a.decision_date.as_ref().map(date),
                b.decision_date.as_ref().map(date),
            ),
            (
                "valid_from",
                "Giltig från",
                Some(date(&a.valid_from)),
                Some(date(&b.valid_from)),
            ),
            (
                "valid_until",
                "Giltig till",
                until(&self.old),
                until(&self.new),
            ),
            ("replaces", "Ersätter", replaces(a), replaces(b)),
            ("applies_to", "Tillämpar", applies(a), applies(b)),
            // Section numbers are derived: turning them on or off is one change here,
            // never a changed heading in every section.
            (
                "numbered",
                "Numrerade avsnitt",
                Some(if a.numbered { "ja" } else { "nej" }.into()),
                Some(if b.numbered { "ja" } else { "nej" }.into()),
            ),
        ];
        for (key, label, o, n) in rows {
            let f = Field::value(key, label, o.as_deref(), n.as_deref());
            if !f.changed() {
                continue;
            }
            let kind = match (&o, &n) {
                (None, Some(_)) => Kind::New,
                (Some(_), None) => Kind::Repealed,
                _ => Kind::Changed,
            };
            let summary = match (&o, &n) {
                (Some(x), Some(y)) => format!("{} → {}", short(x, 40), short(y, 40)),
                (None, Some(x)) | (Some(x), None) => short(x, 60),
                (None, None) => String::new(),
            };
            self.push(
                kind,
                Element::Metadata,
                key,
                label.to_string(),
                summary,
                vec![f],
            );
        }
        let notice = |v: &Version| v.notice.as_ref().map(|n| prose::blocks(&n.value));
        let f = Field::new(
            "notice",
            "Notis på första sidan",
            notice(a),
            notice(b),
            true,
        );
        if f.changed() {
            let kind = match (&f.old, &f.new) {
                (None, Some(_)) => Kind::New,
                (Some(_), None) => Kind::Repealed,
                _ => Kind::Changed,
            };
            let summary = match kind {
                Kind::New => "ny notis".to_string(),
                Kind::Repealed => "notisen tas bort".to_string(),
                _ => {
                    let (del, ins) = f.counts();
                    words_changed(del, ins)
                }
            };
            self.push(
                kind,
                Element::Metadata,
                "notice",
                "Notis på första sidan".into(),
                summary,
                vec![f],
            );
        }
    }

    pub(super) fn sections(&mut self) {
        struct Info<'s> {
            section: &'s Section,
            parent: Option<&'s str>,
            siblings: Vec<&'s str>,
        }
        fn index<'s>(
            out: &mut HashMap<&'s str, Info<'s>>,
            order: &mut Vec<&'s str>,
            list: &'s [Section],
            parent: Option<&'s str>,
        ) {
            let siblings: Vec<&str> = list.iter().map(|s| s.id.value.as_str()).collect();
            for s in list {
                order.push(&s.id.value);
                out.insert(
                    &s.id.value,
                    Info {
                        section: s,
                        parent,
                        siblings: siblings.clone(),
                    },
                );
                index(out, order, &s.sections, Some(&s.id.value));
            }
        }
        let (mut a, mut b) = (HashMap::new(), HashMap::new());
        let (mut a_order, mut b_order) = (Vec::new(), Vec::new());
        index(&mut a, &mut a_order, &self.old.version.sections, None);
        index(&mut b, &mut b_order, &self.new.version.sections, None);
        let heading_of = |s: &Section| crate::markdown::plain(&s.heading.value);
        let old_v = (self.old.policy, self.old.version);
        let new_v = (self.new.policy, self.new.version);
        // Siblings moved within the same parent: outside the longest common order.
        let children = |m: &HashMap<&'p str, Info<'p>>, top: &'p [Section]| {
            let mut c: HashMap<Option<&str>, Vec<&str>> = HashMap::new();
            c.insert(None, top.iter().map(|s| s.id.value.as_str()).collect());
            for (id, i) in m {
                c.insert(
                    Some(*id),
                    i.section
                        .sections
                        .iter()
                        .map(|s| s.id.value.as_str())
                        .collect(),
                );
            }
            c
        };
        let ca = children(&a, &self.old.version.sections);
        let cb = children(&b, &self.new.version.sections);
        let mut moved_here: HashSet<&str> = HashSet::new();
        for (parent, new_sib) in &cb {
            let old_sib = ca.get(parent).cloned().unwrap_or_default();
            moved_here.extend(reordered(&old_sib, new_sib));
        }
        for id in ids(a_order.iter().copied(), b_order.iter().copied()) {
            match (a.get(id), b.get(id)) {
                (None, Some(n)) => {
                    let h = heading_of(n.section);
                    let body = prose::section(new_v.0, new_v.1, &n.section.body);
                    let fields = vec![
                        Field::new(
                            "heading",
                            "Rubrik",
                            None,
                            Some(prose::inline(&n.section.heading.value)),
                            false,
                        ),
                        Field::new("text", "Lydelse", None, Some(body), true),
                    ];
                    let place = format!("Avsnitt ”{h}”");
                    self.push(
                        Kind::New,
                        Element::Section,
                        id,
                        place,
                        "nytt avsnitt".into(),
                        fields,
                    );
                }
                (Some(o), None) => {
                    let h = heading_of(o.section);
                    let body = prose::section(old_v.0, old_v.1, &o.section.body);
                    let fields = vec![
                        Field::new(
                            "heading",
                            "Rubrik",
                            Some(prose::inline(&o.section.heading.value)),
                            None,
                            false,
                        ),
                        Field::new("text", "Lydelse", Some(body), None, true),
                    ];
                    let place = format!("Avsnitt ”{h}”");
                    self.push(
                        Kind::Repealed,
                        Element::Section,
                        id,
                        place,
                        "avsnittet upphävs".into(),
                        fields,
                    );
                }
                (Some(o), Some(n)) => {
                    let place = format!("Avsnitt ”{}”", heading_of(n.section));
                    if o.parent != n.parent || moved_here.contains(id) {
                        let where_ = |i: &Info<'_>, s: &Side<'_>| {
                            let parent = match i.parent {
                                None => "överst i dokumentet".to_string(),
                                Some(p) => s
                                    .version
                                    .sections_flat()
                                    .into_iter()
                                    .find(|(_, x)| x.id.value == p)
                                    .map_or_else(
                                        || p.to_string(),
                                        |(_, x)| format!("under ”{}”", short(&heading_of(x), 50)),
                                    ),
                            };
                            let k = i.siblings.iter().position(|x| *x == id).unwrap_or(0);
                            let after = match k.checked_sub(1).map(|j| i.siblings[j]) {
                                None => "först".to_string(),
                                Some(prev) => s
                                    .version
                                    .sections_flat()
                                    .into_iter()
                                    .find(|(_, x)| x.id.value == prev)
                                    .map_or_else(
                                        || format!("efter {prev}"),
                                        |(_, x)| format!("efter ”{}”", short(&heading_of(x), 50)),
                                    ),
                            };
                            format!("{parent}, {after}")
                        };
                        let (w_old, w_new) = (where_(o, &self.old), where_(n, &self.new));
                        let summary = if o.parent == n.parent {
                            format!("ny plats: {w_new}")
                        } else {
                            format!("flyttat {w_new}")
                        };
                        let f = Field::value("position", "Placering", Some(&w_old), Some(&w_new));
                        self.push(
                            Kind::Moved,
                            Element::Section,
                            id,
                            place.clone(),
                            summary,
                            vec![f],
                        );
                    }
                    // Text written identically needs no word diff (most of a revision).
                    let mut fields = Vec::new();
                    if o.section.heading.value != n.section.heading.value {
                        fields.push(Field::new(
                            "heading",
                            "Rubrik",
                            Some(prose::inline(&o.section.heading.value)),
                            Some(prose::inline(&n.section.heading.value)),
                            false,
                        ));
                    }
                    if !same_body(&o.section.body, &n.section.body) {
                        fields.push(Field::new(
                            "text",
                            "Lydelse",
                            Some(prose::section(old_v.0, old_v.1, &o.section.body)),
                            Some(prose::section(new_v.0, new_v.1, &n.section.body)),
                            true,
                        ));
                    }
                    fields.extend([Field::value(
                        "front",
                        "Före innehållsförteckningen",
                        Some(if o.section.front { "ja" } else { "nej" }),
                        Some(if n.section.front { "ja" } else { "nej" }),
                    )]);
                    let fields: Vec<Field> = fields.into_iter().filter(Field::changed).collect();
                    if fields.is_empty() {
                        continue;
                    }
                    let mut parts = Vec::new();
                    for f in &fields {
                        match f.name {
                            "heading" => parts.push("ny rubrik".to_string()),
                            "text" => {
                                let (del, ins) = f.counts();
                                parts.push(words_changed(del, ins));
                            }
                            _ => parts.push(format!("ändring av {}", f.label.to_lowercase())),
                        }
                    }
                    self.push(
                        Kind::Changed,
                        Element::Section,
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
}

/// Whether two bodies are written identically (same text, same references, in order).
fn same_body(a: &[Block], b: &[Block]) -> bool {
    let part = |x: &Part, y: &Part| match (x, y) {
        (Part::Text(s), Part::Text(t)) | (Part::Ref(s), Part::Ref(t)) => s.value == t.value,
        (Part::Passage { id: i, text: s }, Part::Passage { id: j, text: t }) => {
            i.value == j.value && s.value == t.value
        }
        _ => false,
    };
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (Block::Text(s), Block::Text(t)) => s.value == t.value,
            (Block::Criteria(s), Block::Criteria(t)) | (Block::Guidance(s), Block::Guidance(t)) => {
                s.value == t.value
            }
            (Block::Paragraph(p), Block::Paragraph(q)) => {
                p.len() == q.len() && p.iter().zip(q).all(|(x, y)| part(x, y))
            }
            _ => false,
        })
}

/// `ändrad lydelse (1 ord borttaget, 3 tillagda)`.
fn words_changed(del: usize, ins: usize) -> String {
    let del = crate::sv::count(del as u64, "ord borttaget", "ord borttagna");
    let ins = crate::sv::count(ins as u64, "tillagt", "tillagda");
    format!("ändrad lydelse ({del}, {ins})")
}
