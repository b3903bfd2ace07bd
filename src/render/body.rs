//! A section's body, resolved: prose parsed, criteria lists generated from the
//! structured criteria, references replaced by the verbatim text they name. Both
//! back ends write from this, so the document and the checks share one text.

use std::collections::HashSet;

use crate::markdown::{self, Block, Footnotes, Inline, Placeholder, Target};
use crate::model::{self, Policy, Version};

/// One piece of a section body.
#[derive(Debug)]
pub enum Piece {
    /// Prose blocks.
    Prose(Vec<Block>),
    /// A paragraph assembled from parts; each part may carry an anchor.
    Paragraph(Vec<PartOut>),
    /// An intervention's criteria as a list.
    Criteria {
        /// The intervention's id.
        intervention: String,
        /// The criteria, in order.
        items: Vec<Item>,
    },
    /// An anvisning's guidance for each criterion of a riktlinje intervention.
    Guidance(Vec<Reference>),
}

/// A part of an assembled paragraph.
#[derive(Debug)]
pub struct PartOut {
    /// Its text.
    pub text: Vec<Inline>,
    /// An anchor (the id of the criterion, duty, step or passage) the first time it appears.
    pub anchor: Option<String>,
    /// `kriterium`, `skyldighet`, `steg`, `stycke` or `text`.
    pub class: &'static str,
}

/// A criterion in a generated list.
#[derive(Debug)]
pub struct Item {
    /// The verbatim sentence.
    pub text: Vec<Inline>,
    /// Unique anchor of this list item: `<intervention>.<criterion>` (a `.` is in no id, so it meets no user id).
    pub anchor: String,
    /// The criterion's own id, on the first list item that shows it.
    pub first_anchor: Option<String>,
    /// For a group of criteria (*något av följande*): its members, printed as a list
    /// under the group's sentence; empty for a criterion.
    pub children: Vec<Item>,
}

/// A quoted criterion with how it is investigated.
#[derive(Debug)]
pub struct Reference {
    /// Unique anchor: `underlag.<intervention>.<criterion>`.
    pub anchor: String,
    /// The criterion, quoted from the riktlinje.
    pub quoted: Vec<Inline>,
    /// Who establishes it, in Swedish (generated from the criterion's kind).
    pub who: String,
    /// The anvisning's guidance, if it gives one.
    pub guidance: Option<Vec<Block>>,
}

/// What a placeholder prints in the document: its text (`4.5 Matlåda`), as a link to
/// what it names where it names an element of the document and is not inside a link
/// already; `None` (printed as written) when it names nothing, which `check` reports.
fn placeholder(
    policy: &Policy,
    v: &Version,
    p: &Placeholder,
    in_link: bool,
) -> Option<Vec<Inline>> {
    let r = policy.placeholder(v, p.kind, &p.id)?;
    let text = vec![Inline::Text(r.text)];
    Some(match r.anchor {
        // Only a well-formed id becomes a link target (the writers print it as a label).
        Some(a) if !in_link && model::is_slug(&a, true) => {
            vec![Inline::Link(Target::Internal(a), text)]
        }
        _ => text,
    })
}

/// Resolves bodies across one document, keeping anchors unique and footnotes numbered.
pub struct Resolver<'a> {
    policy: &'a Policy,
    version: &'a Version,
    /// Footnotes of the whole document.
    pub notes: Footnotes,
    used: HashSet<String>,
}

impl<'a> Resolver<'a> {
    /// A resolver for one version.
    pub fn new(policy: &'a Policy, version: &'a Version) -> Self {
        let mut used = HashSet::new();
        for (_, s) in version.sections_flat() {
            used.insert(s.id.value.clone());
        }
        Resolver {
            policy,
            version,
            notes: Footnotes::default(),
            used,
        }
    }

    fn first(&mut self, id: &str) -> Option<String> {
        self.used.insert(id.to_string()).then(|| id.to_string())
    }

    /// Inline Markdown, with footnotes joining the document's and placeholders resolved.
    pub fn inline(&mut self, text: &str) -> Vec<Inline> {
        let first = self.notes.items.len();
        let mut i = vec![Block::Para(markdown::inline(text, &mut self.notes))];
        self.resolve(&mut i, first);
        match i.pop() {
            Some(Block::Para(i)) => i,
            _ => Vec::new(),
        }
    }

    /// Block Markdown, with footnotes joining the document's and placeholders resolved.
    pub fn blocks(&mut self, text: &str) -> Vec<Block> {
        let first = self.notes.items.len();
        let mut b = markdown::blocks(text, &mut self.notes);
        self.resolve(&mut b, first);
        b
    }

    /// Resolves the placeholders of `blocks` and of the footnotes from `first` on.
    fn resolve(&mut self, blocks: &mut [Block], first: usize) {
        let (policy, version) = (self.policy, self.version);
        let mut f = |p: &Placeholder, in_link: bool| placeholder(policy, version, p, in_link);
        markdown::replace_placeholders(blocks, &mut f);
        for n in &mut self.notes.items[first..] {
            markdown::replace_placeholders(n, &mut f);
        }
    }

    /// Resolves one section's body.
    pub fn body(&mut self, body: &[model::Block]) -> Vec<Piece> {
        body.iter().map(|b| self.piece(b)).collect()
    }

    fn piece(&mut self, b: &model::Block) -> Piece {
        match b {
            model::Block::Text(t) => Piece::Prose(self.blocks(&t.value)),
            model::Block::Criteria(i) => {
                let v = self.version;
                let items = match v.intervention(&i.value) {
                    Some(x) => self.items(&i.value, &x.members),
                    None => Vec::new(),
                };
                Piece::Criteria {
                    intervention: i.value.clone(),
                    items,
                }
            }
            model::Block::Paragraph(parts) => {
                let out = parts.iter().map(|p| self.part(p)).collect();
                Piece::Paragraph(out)
            }
            model::Block::Guidance(i) => Piece::Guidance(self.guidance(&i.value)),
        }
    }

    /// The list items of an intervention's members: a criterion is its sentence; a
    /// group with a sentence is that sentence with its members under it; a group without
    /// one (its members are placed in the text elsewhere) lists its members in line.
    fn items(&mut self, intervention: &str, members: &[model::Member]) -> Vec<Item> {
        let v = self.version;
        let mut out = Vec::new();
        for m in members {
            match m {
                model::Member::Criterion(id) => {
                    if let Some(c) = v.criterion(&id.value) {
                        out.push(Item {
                            text: self.inline(&c.text.value),
                            anchor: format!("{intervention}.{}", c.id.value),
                            first_anchor: self.first(&c.id.value),
                            children: Vec::new(),
                        });
                    }
                }
                model::Member::Group(g) => {
                    let children = self.items(intervention, &g.members);
                    match &g.text {
                        Some(t) => out.push(Item {
                            text: self.inline(&t.value),
                            anchor: format!("{intervention}.{}", g.id.value),
                            first_anchor: self.first(&g.id.value),
                            children,
                        }),
                        None => out.extend(children),
                    }
                }
            }
        }
        out
    }

    fn part(&mut self, p: &model::Part) -> PartOut {
        match p {
            model::Part::Text(t) => PartOut {
                text: self.inline(&t.value),
                anchor: None,
                class: "text",
            },
            model::Part::Passage { id, text } => PartOut {
                text: self.inline(&text.value),
                anchor: self.first(&id.value),
                class: "stycke",
            },
            model::Part::Ref(r) => {
                let (text, class) = self.referenced(&r.value);
                PartOut {
                    text: self.inline(&text),
                    anchor: self.first(&r.value),
                    class,
                }
            }
        }
    }

    /// The verbatim text a `{ref}` names (see [`Policy::referenced`]).
    fn referenced(&self, id: &str) -> (String, &'static str) {
        self.policy
            .referenced(self.version, id)
            .map_or((String::new(), "text"), |(t, class)| {
                (t.value.clone(), class)
            })
    }

    fn guidance(&mut self, intervention: &str) -> Vec<Reference> {
        let Some((_, target)) = self.policy.applied(self.version) else {
            return Vec::new();
        };
        let Some(i) = target.intervention(intervention) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for c in i.criteria.iter().filter_map(|c| target.criterion(&c.value)) {
            let guidance = self
                .version
                .guidance
                .iter()
                .find(|g| g.criterion.value == c.id.value)
                .map(|g| g.text.value.clone());
            out.push(Reference {
                anchor: format!("underlag.{}.{}", intervention, c.id.value),
                quoted: self.inline(&c.text.value),
                who: crate::sv::who_establishes(self.policy, &c.kind),
                guidance: guidance.map(|g| self.blocks(&g)),
            });
        }
        out
    }
}
