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

/// The anchor of a glossary term's entry in the appendix *Begrepp*: `begrepp.<id>`
/// (a `.` is in no id, so it meets no section's or criterion's anchor).
pub fn term_anchor(id: &str) -> String {
    format!("{TERM_PREFIX}{id}")
}

/// Whether an internal link target is a term's entry in *Begrepp* (see [`term_anchor`]).
pub fn is_term_anchor(target: &str) -> bool {
    target
        .strip_prefix(TERM_PREFIX)
        .is_some_and(|id| model::is_slug(id, true))
}

const TERM_PREFIX: &str = "begrepp.";

/// A glossary term the document links to its entry in *Begrepp*.
#[derive(Debug)]
struct TermLink {
    /// `begrepp.<id>`.
    anchor: String,
    /// The wordings that name it ([`crate::identity::wordings`]).
    wordings: Vec<String>,
}

/// Resolves bodies across one document, keeping anchors unique and footnotes numbered.
pub struct Resolver<'a> {
    /// The glossary's words of another language: (language, words), marked wherever
    /// the prose uses them.
    foreign: Vec<(String, String)>,
    policy: &'a Policy,
    version: &'a Version,
    /// Footnotes of the whole document.
    pub notes: Footnotes,
    used: HashSet<String>,
    /// The terms that link to their definitions (none unless [`Resolver::link_terms`]).
    terms: Vec<TermLink>,
    /// Which of `terms` the current section has linked already.
    linked: Vec<bool>,
}

impl<'a> Resolver<'a> {
    /// A resolver for one version.
    pub fn new(policy: &'a Policy, version: &'a Version) -> Self {
        let mut used = HashSet::new();
        for (_, s) in version.sections_flat() {
            used.insert(s.id.value.clone());
        }
        let foreign = policy
            .glossary
            .foreign
            .iter()
            .filter(|f| model::Foreign::is_lang(&f.lang.value))
            .flat_map(|f| {
                f.words
                    .iter()
                    .filter(|w| !w.value.trim().is_empty())
                    .map(|w| (f.lang.value.clone(), w.value.clone()))
            })
            .collect();
        Resolver {
            foreign,
            policy,
            version,
            notes: Footnotes::default(),
            used,
            terms: Vec::new(),
            linked: Vec::new(),
        }
    }

    /// Links the first use of each of the glossary terms `terms` (indices into the
    /// glossary) in each section's prose to its entry in *Begrepp*, which the document
    /// must then print (`begrepp.<id>`). A term is found as [`crate::identity::term_at`]
    /// finds it, by its wording or a synonym, in text runs only: never inside a link, a
    /// heading, code, a placeholder or a footnote. A term whose id is not a valid id
    /// (which `check` reports) is not linked.
    pub fn link_terms(&mut self, terms: &[usize]) {
        let g = &self.policy.glossary;
        self.terms = terms
            .iter()
            .filter_map(|&k| g.terms.get(k))
            .filter(|t| model::is_slug(&t.id.value, true))
            .map(|t| TermLink {
                anchor: term_anchor(&t.id.value),
                wordings: crate::identity::wordings(t).map(str::to_string).collect(),
            })
            .collect();
        self.linked = vec![false; self.terms.len()];
    }

    /// Block Markdown with footnotes and placeholders resolved, and no term linked:
    /// a definition in *Begrepp*.
    pub fn definition(&mut self, text: &str) -> Vec<Block> {
        let terms = std::mem::take(&mut self.terms);
        let b = self.blocks(text);
        self.terms = terms;
        b
    }

    fn first(&mut self, id: &str) -> Option<String> {
        self.used.insert(id.to_string()).then(|| id.to_string())
    }

    /// Inline Markdown, with footnotes joining the document's and placeholders resolved.
    pub fn inline(&mut self, text: &str) -> Vec<Inline> {
        let first = self.notes.items.len();
        let mut i = vec![Block::Para(markdown::inline(text, &mut self.notes))];
        link_blocks(&self.terms, &mut self.linked, &mut i);
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
        link_blocks(&self.terms, &mut self.linked, &mut b);
        self.resolve(&mut b, first);
        b
    }

    /// Resolves the placeholders of `blocks` and of the footnotes from `first` on, and
    /// marks their words of another language.
    fn resolve(&mut self, blocks: &mut [Block], first: usize) {
        let (policy, version) = (self.policy, self.version);
        let mut f = |p: &Placeholder, in_link: bool| placeholder(policy, version, p, in_link);
        markdown::replace_placeholders(blocks, &mut f);
        mark_languages(&self.foreign, blocks);
        for n in &mut self.notes.items[first..] {
            markdown::replace_placeholders(n, &mut f);
            mark_languages(&self.foreign, n);
        }
    }

    /// Resolves one section's body (a section links each term anew).
    pub fn body(&mut self, body: &[model::Block]) -> Vec<Piece> {
        self.linked.iter_mut().for_each(|l| *l = false);
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

/// Marks every use of the glossary's words of another language (`foreign`: language,
/// words) in prose as [`Inline::Lang`], found as terms are ([`crate::identity::term_at`]:
/// whole words, any case), inside emphasis and links too; never in code. The words are
/// kept as written: the mark is the language, not a change of text.
fn mark_languages(foreign: &[(String, String)], bs: &mut [Block]) {
    if foreign.is_empty() {
        return;
    }
    markdown::visit_inlines(bs, &mut |is: &mut Vec<Inline>| {
        let mut out = Vec::with_capacity(is.len());
        for i in is.drain(..) {
            match i {
                Inline::Text(t) => mark_text(foreign, t, &mut out),
                other => out.push(other),
            }
        }
        *is = out;
    });
}

/// Splits one text run at each use of a foreign word: the earliest first, of two at
/// the same place the longer.
fn mark_text(foreign: &[(String, String)], mut t: String, out: &mut Vec<Inline>) {
    loop {
        let next = foreign
            .iter()
            .enumerate()
            .filter_map(|(k, (_, w))| {
                crate::identity::term_at(&t, w)
                    .first()
                    .map(|&(a, b)| (a, std::cmp::Reverse(b), k))
            })
            .min();
        let Some((a, std::cmp::Reverse(b), k)) = next else {
            break;
        };
        let rest = t.split_off(b);
        let word = t.split_off(a);
        if !t.is_empty() {
            out.push(Inline::Text(t));
        }
        out.push(Inline::Lang(foreign[k].0.clone(), vec![Inline::Text(word)]));
        t = rest;
    }
    if !t.is_empty() {
        out.push(Inline::Text(t));
    }
}

/// Links the first use of each term not yet `linked` in prose blocks (see
/// [`Resolver::link_terms`]); headings and code are left alone.
fn link_blocks(terms: &[TermLink], linked: &mut [bool], bs: &mut [Block]) {
    if terms.is_empty() {
        return;
    }
    for b in bs {
        match b {
            Block::Para(i) => link_inlines(terms, linked, i),
            Block::List(_, items) => {
                for item in items {
                    link_blocks(terms, linked, item);
                }
            }
            Block::Quote(b) => link_blocks(terms, linked, b),
            Block::Table(t) => {
                for cell in t.rows.iter_mut().flatten() {
                    link_inlines(terms, linked, cell);
                }
            }
            Block::Heading(..) | Block::Code(_) | Block::Rule => {}
        }
    }
}

/// [`link_blocks`] for inline prose: text runs, also inside emphasis; never inside a
/// link, code, a placeholder (resolved later) or a footnote (kept apart).
fn link_inlines(terms: &[TermLink], linked: &mut [bool], is: &mut Vec<Inline>) {
    let mut out = Vec::with_capacity(is.len());
    for i in is.drain(..) {
        match i {
            Inline::Text(t) => link_text(terms, linked, t, &mut out),
            Inline::Emph(mut c) => {
                link_inlines(terms, linked, &mut c);
                out.push(Inline::Emph(c));
            }
            Inline::Strong(mut c) => {
                link_inlines(terms, linked, &mut c);
                out.push(Inline::Strong(c));
            }
            Inline::Strike(mut c) => {
                link_inlines(terms, linked, &mut c);
                out.push(Inline::Strike(c));
            }
            other => out.push(other),
        }
    }
    *is = out;
}

/// Splits one text run at the first use of each term not yet linked: the words as
/// written become the text of a link to the term's entry.
fn link_text(terms: &[TermLink], linked: &mut [bool], mut t: String, out: &mut Vec<Inline>) {
    loop {
        // The earliest use of any term; of two at the same place, the longer.
        let next = terms
            .iter()
            .enumerate()
            .filter(|(k, _)| !linked[*k])
            .flat_map(|(k, term)| {
                let t = &t;
                term.wordings.iter().filter_map(move |w| {
                    crate::identity::term_at(t, w)
                        .first()
                        .map(|&(a, b)| (a, std::cmp::Reverse(b), k))
                })
            })
            .min();
        let Some((a, std::cmp::Reverse(b), k)) = next else {
            break;
        };
        linked[k] = true;
        let rest = t.split_off(b);
        let word = t.split_off(a);
        if !t.is_empty() {
            out.push(Inline::Text(t));
        }
        out.push(Inline::Link(
            Target::Internal(terms[k].anchor.clone()),
            vec![Inline::Text(word)],
        ));
        t = rest;
    }
    if !t.is_empty() {
        out.push(Inline::Text(t));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> Vec<TermLink> {
        [
            ("insats", vec!["insats"]),
            ("skal", vec!["särskilda skäl", "skäl"]),
        ]
        .into_iter()
        .map(|(id, w)| TermLink {
            anchor: term_anchor(id),
            wordings: w.into_iter().map(str::to_string).collect(),
        })
        .collect()
    }

    fn linked(md: &str, linked: &mut [bool]) -> Vec<Block> {
        let mut notes = Footnotes::default();
        let mut b = markdown::blocks(md, &mut notes);
        link_blocks(&terms(), linked, &mut b);
        b
    }

    fn link(id: &str, text: &str) -> Inline {
        Inline::Link(
            Target::Internal(term_anchor(id)),
            vec![Inline::Text(text.into())],
        )
    }

    /// The first use of each term links, the words as written; the longer of two
    /// wordings at one place wins; an inflected form or a word inside another is no use.
    #[test]
    fn the_first_use_links_as_written() {
        let mut l = vec![false; 2];
        let b = linked(
            "Insatsen ges av *Insats* vid Särskilda skäl; en insats, skäl.",
            &mut l,
        );
        assert_eq!(
            b,
            vec![Block::Para(vec![
                Inline::Text("Insatsen ges av ".into()),
                Inline::Emph(vec![link("insats", "Insats")]),
                Inline::Text(" vid ".into()),
                link("skal", "Särskilda skäl"),
                Inline::Text("; en insats, skäl.".into()),
            ])]
        );
        assert_eq!(l, vec![true, true]);
        // Already linked in this section: the next block links nothing.
        let b = linked("En insats.", &mut l);
        assert_eq!(
            b,
            vec![Block::Para(vec![Inline::Text("En insats.".into())])]
        );
    }

    /// Every use of a foreign word is marked with its language, in any case, inside
    /// emphasis and links too, never in code; the words stay as written.
    #[test]
    fn foreign_words_are_marked_everywhere_they_are_used() {
        let foreign = vec![
            (
                "en".to_string(),
                "Individual placement and support".to_string(),
            ),
            ("en".to_string(), "supported employment".to_string()),
        ];
        let mut notes = Footnotes::default();
        let mut b = markdown::blocks(
            "Metoden *Individual placement and support* (IPS); [Supported employment](#se) och supported employment, `supported employment`.",
            &mut notes,
        );
        mark_languages(&foreign, &mut b);
        let en = |t: &str| Inline::Lang("en".into(), vec![Inline::Text(t.into())]);
        assert_eq!(
            b,
            vec![Block::Para(vec![
                Inline::Text("Metoden ".into()),
                Inline::Emph(vec![en("Individual placement and support")]),
                Inline::Text(" (IPS); ".into()),
                Inline::Link(
                    Target::Internal("se".into()),
                    vec![en("Supported employment")]
                ),
                Inline::Text(" och ".into()),
                en("supported employment"),
                Inline::Text(", ".into()),
                Inline::Code("supported employment".into()),
                Inline::Text(".".into()),
            ])]
        );
    }

    /// Never inside a link, code, a heading or a placeholder.
    #[test]
    fn links_code_headings_and_placeholders_are_left_alone() {
        let mut l = vec![false; 2];
        let b = linked(
            "## En insats\n\n[insats](#a) `insats` {section: insats}\n\n```\ninsats\n```",
            &mut l,
        );
        assert_eq!(l, vec![false, false], "{b:?}");
        let b = linked("| insats |\n|---|\n| insats |", &mut l);
        assert_eq!(l, vec![true, false], "{b:?}");
    }

    #[test]
    fn term_anchors_are_told_apart() {
        assert!(is_term_anchor("begrepp.insats"));
        assert!(!is_term_anchor("begrepp."));
        assert!(!is_term_anchor("begrepp.a b"));
        assert!(!is_term_anchor("insats"));
    }
}
