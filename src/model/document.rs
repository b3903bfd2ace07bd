//! Documents, their versions, sections, and the structured parts of a guideline:
//! criteria, interventions (insatser), information duties and the decision procedure.

use jiff::civil::Date;

use super::extent::{Amount, Extent, LevelTable, Member};
use super::{Id, Text};
use crate::source::{FileId, Spanned};

/// A riktlinje or tillämpningsanvisning, in all its versions.
#[derive(Debug)]
pub struct Document {
    /// The folder name under `policy/`, stable across versions.
    pub id: String,
    /// Versions, oldest first (by `valid_from`).
    pub versions: Vec<Version>,
}

impl Document {
    /// The version in force on `date`: the latest one whose validity started on or
    /// before it and has not ended (a version ends at its `valid_until`, or when the
    /// next one starts).
    pub fn version_on(&self, date: Date) -> Option<&Version> {
        self.versions.iter().rev().find(|v| {
            v.valid_from.value <= date && self.effective_until(v).is_none_or(|u| date <= u)
        })
    }

    /// The version with this label.
    pub fn version(&self, label: &str) -> Option<&Version> {
        self.versions.iter().find(|v| v.version.value == label)
    }

    /// The position of `v` among the versions (oldest first), by its file.
    fn position(&self, v: &Version) -> Option<usize> {
        self.versions.iter().position(|x| x.file == v.file)
    }

    /// The version before `v`: the one it follows in time, which its appendix of
    /// changes and its redline compare against.
    pub fn predecessor(&self, v: &Version) -> Option<&Version> {
        let k = self.position(v)?;
        k.checked_sub(1).map(|p| &self.versions[p])
    }

    /// The version after `v`: the one that replaces it.
    pub fn successor(&self, v: &Version) -> Option<&Version> {
        self.versions.get(self.position(v)? + 1)
    }

    /// The last day `v` is in force: its own `valid_until`, or the day before its
    /// successor starts, whichever is earlier; `None` while it holds *tills vidare*.
    pub fn effective_until(&self, v: &Version) -> Option<Date> {
        let by_successor = self
            .successor(v)
            .and_then(|s| s.valid_from.value.yesterday().ok());
        match (v.valid_until.as_ref().map(|u| u.value), by_successor) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Where `v` stands on `date`: not yet in force, in force, replaced (and by
    /// which version), or ended without a successor.
    pub fn status_on<'a>(&'a self, v: &Version, date: Date) -> Status<'a> {
        if date < v.valid_from.value {
            return Status::Upcoming;
        }
        match self.effective_until(v) {
            Some(until) if date > until => match self.successor(v) {
                Some(s) if s.valid_from.value <= date => Status::Replaced(s),
                _ => Status::Ended(until),
            },
            _ => Status::InForce,
        }
    }
}

/// Where a version stands on a given date (see [`Document::status_on`]).
#[derive(Debug, Clone, Copy)]
pub enum Status<'a> {
    /// Its validity has not begun.
    Upcoming,
    /// It is the version in force.
    InForce,
    /// A later version has replaced it.
    Replaced(&'a Version),
    /// Its validity ended on this day and no later version has begun.
    Ended(Date),
}

/// What kind of styrdokument a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// A guideline adopted by a political board.
    Riktlinje,
    /// Application instructions written by the administration under a guideline.
    Tillampningsanvisning,
}

impl DocKind {
    /// The Swedish name, as used in the YAML and the published document.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Riktlinje => "riktlinje",
            DocKind::Tillampningsanvisning => "tillämpningsanvisning",
        }
    }

    /// The name as a heading or label writes it: `Riktlinje`, `Tillämpningsanvisning`.
    pub fn label(self) -> &'static str {
        match self {
            DocKind::Riktlinje => "Riktlinje",
            DocKind::Tillampningsanvisning => "Tillämpningsanvisning",
        }
    }
}

/// Which version of which document an anvisning applies.
#[derive(Debug)]
pub struct AppliesTo {
    /// The riktlinje's document id.
    pub document: Id,
    /// Its version label; the latest version when absent.
    pub version: Option<Id>,
}

/// What a version replaces (*ersätter*), as its cover states it: an earlier version of
/// the same document, and/or an earlier document known by its Dnr and title (one that
/// is not kept in the policy folder). At least one of the three is given.
#[derive(Debug)]
pub struct Replaces {
    /// The label of an earlier version of this document.
    pub version: Option<Id>,
    /// The replaced document's diarienummer, e.g. `VON 2021:00134`.
    pub dnr: Option<Text>,
    /// The replaced document's title, where it differs.
    pub title: Option<Text>,
    /// Where `replaces` is written.
    pub span: crate::source::Span,
}

/// One adopted version of a document: a complete text with its own decision and validity.
#[derive(Debug)]
pub struct Version {
    /// The file this version was read from.
    pub file: FileId,
    /// Some required metadata could not be read (already reported); stand-ins fill it.
    pub incomplete: bool,
    /// Riktlinje or tillämpningsanvisning.
    pub kind: Spanned<DocKind>,
    /// The version label, e.g. `2022-05`.
    pub version: Id,
    /// The title as on the cover and in the running header.
    pub title: Text,
    /// A line under the title on the cover, e.g. `Maj 2022`.
    pub subtitle: Option<Text>,
    /// The title as printed on the inner title page, where the source prints it differently.
    pub title_page_title: Option<Text>,
    /// Diarienummer.
    pub dnr: Option<Text>,
    /// Utgivningsdatum.
    pub issued: Spanned<Date>,
    /// Utgivare.
    pub publisher: Text,
    /// Kontaktperson; `None` when the source names none (the cover then prints none).
    pub contact: Option<Text>,
    /// Beslutad av.
    pub decided_by: Option<Text>,
    /// Beslutsdatum.
    pub decision_date: Option<Spanned<Date>>,
    /// Giltig från.
    pub valid_from: Spanned<Date>,
    /// Giltig till; `None` when the version holds *tills vidare* (until further
    /// notice), whether the file says so or leaves the key out.
    pub valid_until: Option<Spanned<Date>>,
    /// Ersätter: the document or version this one replaces.
    pub replaces: Option<Replaces>,
    /// Dokumentansvarig: who answers for the document, a role or unit.
    pub document_owner: Option<Text>,
    /// *Dokumentet gäller för*: whom the document binds, e.g. a board.
    pub scope: Option<Text>,
    /// *För revidering av dokumentet ansvarar*.
    pub revision_by: Option<Text>,
    /// *För uppföljning av dokumentet ansvarar*.
    pub follow_up_by: Option<Text>,
    /// *Relaterade dokument*, as the cover lists them (empty when it lists none).
    pub related_documents: Vec<Text>,
    /// For an anvisning: the riktlinje it applies.
    pub applies_to: Option<AppliesTo>,
    /// A notice printed on the first page (e.g. that the document is an example).
    pub notice: Option<Text>,
    /// Whether headings carry numbers (`1.`, `2.1`, `2.6.1`; `numbered: true`), as
    /// Swedish municipal guidelines number them; front sections are never numbered.
    pub numbered: bool,
    /// Editorial notes for maintainers; never published.
    pub notes: Option<Text>,
    /// The text, as nested sections.
    pub sections: Vec<Section>,
    /// Criteria, each written once, placed into the text by interventions and references.
    pub criteria: Vec<Criterion>,
    /// Interventions (insatser) that can be granted under this document.
    pub interventions: Vec<Intervention>,
    /// Duties to inform the person when an application is rejected.
    pub duties: Vec<Duty>,
    /// The steps of a decision, in order.
    pub procedure: Vec<ProcedureStep>,
    /// For an anvisning: how each criterion of the riktlinje is assessed.
    pub guidance: Vec<Guidance>,
    /// Level tables chosen by thresholds (*avgiftsnivåer*).
    pub levels: Vec<LevelTable>,
    /// Amounts computed from parameters and facts (*maxavgift*, *avgiftsutrymme*).
    pub amounts: Vec<Amount>,
}

impl Version {
    /// The criterion with this id.
    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.id.value == id)
    }

    /// The level table with this id.
    pub fn level_table(&self, id: &str) -> Option<&LevelTable> {
        self.levels.iter().find(|t| t.id.value == id)
    }

    /// The amount with this id.
    pub fn amount(&self, id: &str) -> Option<&Amount> {
        self.amounts.iter().find(|a| a.id.value == id)
    }

    /// The intervention with this id.
    pub fn intervention(&self, id: &str) -> Option<&Intervention> {
        self.interventions.iter().find(|c| c.id.value == id)
    }

    /// The procedure a decision on `i` follows: the steps its own `procedure` names
    /// (in that order; an id that names no step is left out, and reported by `check`),
    /// or else the version's whole `procedure`.
    pub fn steps_of<'a>(&'a self, i: &Intervention) -> Vec<&'a ProcedureStep> {
        if i.procedure.is_empty() {
            return self.procedure.iter().collect();
        }
        i.procedure
            .iter()
            .filter_map(|id| self.procedure.iter().find(|s| s.id.value == id.value))
            .collect()
    }

    /// Every section, depth first, with its depth (1 = top level).
    pub fn sections_flat(&self) -> Vec<(usize, &Section)> {
        fn walk<'a>(out: &mut Vec<(usize, &'a Section)>, s: &'a [Section], depth: usize) {
            for x in s {
                out.push((depth, x));
                walk(out, &x.sections, depth + 1);
            }
        }
        let mut out = Vec::new();
        walk(&mut out, &self.sections, 1);
        out
    }

    /// The number of every section, in the order of [`Version::sections_flat`]: `Some("2.6.1")`
    /// for a numbered section, `None` for a front section (and its subsections) and for
    /// every section of a version that is not `numbered`. Top-level sections count `1`,
    /// `2` …, each level below restarts at 1 under its parent.
    pub fn section_numbers(&self) -> Vec<Option<String>> {
        let flat = self.sections_flat();
        let mut out = Vec::with_capacity(flat.len());
        // Counters per level (index 0 = level 1); the front section being walked, by level.
        let mut counters: Vec<u32> = Vec::new();
        let mut front_at: Option<usize> = None;
        for (level, s) in flat {
            if front_at.is_some_and(|l| level <= l) {
                front_at = None;
            }
            if s.front && front_at.is_none() {
                front_at = Some(level);
            }
            if !self.numbered || front_at.is_some() {
                out.push(None);
                continue;
            }
            counters.resize(level, 0);
            counters[level - 1] += 1;
            let n: Vec<String> = counters.iter().map(u32::to_string).collect();
            out.push(Some(n.join(".")));
        }
        out
    }

    /// The number of one section (see [`Version::section_numbers`]): `Some("4.5")`, or
    /// `None` when the version is not numbered, the section is front matter, or no
    /// section has this id.
    pub fn section_number(&self, id: &str) -> Option<String> {
        if !self.numbered {
            return None;
        }
        self.sections_flat()
            .into_iter()
            .zip(self.section_numbers())
            .find(|((_, s), _)| s.id.value == id)
            .and_then(|(_, n)| n)
    }

    /// A section's heading as a cross-reference prints it: `4.5 Matlåda` in a numbered
    /// version, `Matlåda` otherwise; `None` when no section has this id.
    pub fn section_title(&self, id: &str) -> Option<String> {
        let (_, s) = self
            .sections_flat()
            .into_iter()
            .find(|(_, s)| s.id.value == id)?;
        Some(match self.section_number(id) {
            Some(n) => format!("{n} {}", s.heading.value),
            None => s.heading.value.clone(),
        })
    }

    /// The section whose body lists the criteria of `intervention`.
    pub fn section_listing(&self, intervention: &str) -> Option<&Section> {
        self.sections_flat().into_iter().map(|(_, s)| s).find(|s| {
            s.body
                .iter()
                .any(|b| matches!(b, Block::Criteria(i) if i.value == intervention))
        })
    }

    /// The section in which a passage, criterion, duty or procedure step is placed.
    pub fn section_placing(&self, id: &str) -> Option<&Section> {
        self.sections_flat().into_iter().map(|(_, s)| s).find(|s| {
            s.body.iter().any(|b| match b {
                Block::Paragraph(parts) => parts.iter().any(|p| match p {
                    Part::Ref(r) => r.value == id,
                    Part::Passage { id: pid, .. } => pid.value == id,
                    Part::Text(_) => false,
                }),
                _ => false,
            })
        })
    }

    /// The text of a passage defined inline in a paragraph (`{id, text}`).
    pub fn passage(&self, id: &str) -> Option<&Text> {
        self.sections_flat().into_iter().find_map(|(_, s)| {
            s.body.iter().find_map(|b| match b {
                Block::Paragraph(parts) => parts.iter().find_map(|p| match p {
                    Part::Passage { id: pid, text } if pid.value == id => Some(text),
                    _ => None,
                }),
                _ => None,
            })
        })
    }
}

/// A section of the text, with a stable id used for anchors and cross-references.
#[derive(Debug)]
pub struct Section {
    /// Stable id (`kriterier-socialpsykiatri`).
    pub id: Id,
    /// The heading, plain text.
    pub heading: Text,
    /// Printed before the table of contents (e.g. a summary).
    pub front: bool,
    /// Content, in order.
    pub body: Vec<Block>,
    /// Subsections.
    pub sections: Vec<Section>,
}

/// One piece of a section's content.
#[derive(Debug)]
pub enum Block {
    /// Markdown: paragraphs, lists, emphasis, footnotes, links to `#section-id`.
    Text(Text),
    /// The list of an intervention's criteria, generated from the structured criteria.
    Criteria(Id),
    /// One paragraph assembled from text and passages written elsewhere (criteria, duties, steps).
    Paragraph(Vec<Part>),
    /// For an anvisning: each criterion of a riktlinje intervention, quoted, with its guidance.
    Guidance(Id),
}

/// A piece of an assembled paragraph; pieces are joined with a space.
#[derive(Debug)]
pub enum Part {
    /// Inline Markdown.
    Text(Text),
    /// The verbatim text of a criterion, duty or procedure step, by id.
    Ref(Id),
    /// Inline Markdown with an id, so that structured data can cite it (`basis:`).
    Passage {
        /// The passage's id.
        id: Id,
        /// Its text.
        text: Text,
    },
}

/// A criterion: a verbatim sentence of the guideline, with a machine-checkable rule.
#[derive(Debug)]
pub struct Criterion {
    /// Stable id.
    pub id: Id,
    /// The sentence, exactly as adopted (inline Markdown).
    pub text: Text,
    /// A fact, or an assessment by a named role.
    pub kind: CriterionKind,
    /// The rule over facts and parameters (see docs/rules.md).
    pub rule: Spanned<String>,
}

/// Whether a criterion is read off facts, or is someone's assessment.
#[derive(Debug)]
pub enum CriterionKind {
    /// Decided by facts (age, personkrets, an ongoing contact).
    Fact,
    /// An assessment (`bedöms`): by a role, perhaps after consulting others and on a report.
    Assessment {
        /// Who assesses (a glossary role).
        by: Id,
        /// Whom they consult first.
        consulting: Vec<Id>,
        /// Whose report they obtain first.
        report_from: Option<Id>,
    },
}

impl CriterionKind {
    /// Every role it names: who assesses, whom they consult, whose report they obtain
    /// (none for a fact).
    pub fn roles(&self) -> impl Iterator<Item = &Id> {
        let (by, consulting, report_from) = match self {
            CriterionKind::Fact => (None, &[][..], None),
            CriterionKind::Assessment {
                by,
                consulting,
                report_from,
            } => (Some(by), consulting.as_slice(), report_from.as_ref()),
        };
        by.into_iter().chain(consulting).chain(report_from)
    }
}

/// An intervention (insats) that can be granted.
#[derive(Debug)]
pub struct Intervention {
    /// Stable id.
    pub id: Id,
    /// Its name, e.g. `Särskilt individanpassat stöd till arbete eller studier, Insteg`.
    pub name: Text,
    /// The target group, e.g. `personer som tillhör personkrets 1 eller 2 enligt LSS`.
    pub target_group: Text,
    /// The provisions it is granted under (*lagrum*), one or several, each as
    /// written, e.g. `4 kap. 2 § SoL`; never empty (the decoder requires one).
    pub legal_basis: Vec<Text>,
    /// Its own decision procedure: ids of steps of the version's `procedure`, in
    /// order; empty when the version-wide procedure applies.
    pub procedure: Vec<Id>,
    /// For a continuation: the intervention it continues.
    pub continues: Option<Id>,
    /// The provision a decision on it is appealed under, where that is not a provision
    /// of its legal basis or procedure (a fee decision: `32 kap. 1 § SoL`); its appeal
    /// route comes from the glossary.
    pub appeal_under: Option<Text>,
    /// The normal period; `None` when the document states none.
    pub duration: Option<Duration>,
    /// When the period may be extended, as a passage id (`särskilda skäl`).
    pub extension: Option<Id>,
    /// Every criterion under the intervention, groups flattened, in the order the
    /// text lists them.
    pub criteria: Vec<Id>,
    /// The criteria as written: all of these must be met, and a group combines its
    /// members by its own quantifier (*något av*, *minst N av*). Without groups, one
    /// member per id of `criteria`.
    pub members: Vec<Member>,
    /// What is granted or charged: a level, amounts.
    pub extent: Extent,
    /// Duties that apply when the application is rejected.
    pub duties: Vec<Id>,
}

impl Intervention {
    /// The legal basis as one line: `4 kap. 2 § SoL`, or `a och b` for several.
    pub fn legal_basis_text(&self) -> String {
        let parts: Vec<&str> = self.legal_basis.iter().map(|t| t.value.as_str()).collect();
        match parts.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} och {last}", rest.join(", ")),
            _ => parts.concat(),
        }
    }
}

/// A period of a decision.
#[derive(Debug)]
pub struct Duration {
    /// Whole years (0 when the period is left to the individual case).
    pub years: u32,
    /// Whole months (0 when the period is left to the individual case).
    pub months: u32,
    /// The period is the longest allowed (*i högst tre månader*), not the normal one.
    pub at_most: bool,
    /// The text leaves the period to the individual case (*prövas i varje enskilt
    /// fall*): no period is computed, and explanations say so.
    pub individual: bool,
    /// Where the text states it: a passage or section id.
    pub basis: Option<Id>,
}

/// A duty to inform the person on rejection.
#[derive(Debug)]
pub struct Duty {
    /// Stable id.
    pub id: Id,
    /// The sentence, verbatim.
    pub text: Text,
    /// A rule: the duty applies only when it holds (e.g. not already granted daglig verksamhet).
    pub when: Option<Spanned<String>>,
}

/// Outcome of one step of the decision procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOutcome {
    /// The application is always rejected under this provision (4 kap. 1 § SoL).
    Avslag,
    /// The application is then tried against the criteria (4 kap. 2 § SoL).
    Provning,
}

impl StepOutcome {
    /// As written in the YAML, JSON and templates: `avslag` or `provning`.
    pub fn as_str(self) -> &'static str {
        match self {
            StepOutcome::Avslag => "avslag",
            StepOutcome::Provning => "provning",
        }
    }
}

/// One step of the decision procedure, with its verbatim text.
#[derive(Debug)]
pub struct ProcedureStep {
    /// Stable id.
    pub id: Id,
    /// The provision, e.g. `4 kap. 1 § SoL`.
    pub provision: Text,
    /// Avslag or prövning.
    pub outcome: Spanned<StepOutcome>,
    /// The guideline's text for this step (e.g. the motivation for the avslag), verbatim.
    pub text: Text,
}

/// How one criterion of the applied riktlinje is investigated (in an anvisning).
#[derive(Debug)]
pub struct Guidance {
    /// The riktlinje's criterion id.
    pub criterion: Id,
    /// What the case officer does and on what evidence (Markdown).
    pub text: Text,
}
