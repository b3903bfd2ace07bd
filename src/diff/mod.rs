//! Diff: what changed between two loaded versions of a document, item by item.
//!
//! Items are matched by their **stable id**, never by position: a section that gets a
//! new heading is the same section, changed; one that gets a new parent or a new place
//! among its siblings is *flyttad* (moved); an id on one side only is *ny* or
//! *upphävd*. Prose is compared word by word ([`crate::words`]); criteria, interventions,
//! duties, procedure steps and guidance field by field; parameters by the values that
//! hold within each version's validity; facts, glossary terms, laws and roles by their
//! definitions where the two sides come from different policy folders (two git
//! revisions). The result is a list of [`Change`]s in reading order, from which the
//! terminal, Markdown, JSON and redline outputs are written.
//!
//! This stage never reads a file: it takes two [`Side`]s already loaded.

pub mod format;
mod items;
pub mod prose;
mod shared;
mod text;

use std::collections::HashSet;

use jiff::civil::Date;

use crate::model::{Document, Policy, Version};
use crate::words::{self, Seg, Token};

/// One side of a comparison: a version of a document, in the policy it was loaded from.
#[derive(Clone, Copy)]
pub struct Side<'p> {
    /// The policy folder (on disk, or at a git revision).
    pub policy: &'p Policy,
    /// The document.
    pub doc: &'p Document,
    /// The version.
    pub version: &'p Version,
}

impl Side<'_> {
    /// The version's last day in force (`None`: *tills vidare*).
    pub fn until(&self) -> Option<Date> {
        self.doc.effective_until(self.version)
    }
}

/// What kind of change (Akoma Ntoso's `textualMod` types, in Swedish as a Swedish
/// amendment writes them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// *ny*: only in the new version (insertion).
    New,
    /// *ändrad*: in both, different (substitution).
    Changed,
    /// *upphävd*: only in the old version (repeal).
    Repealed,
    /// *flyttad*: in both, at another place (relocation).
    Moved,
}

impl Kind {
    /// As JSON and the tables write it: `ny`, `ändrad`, `upphävd`, `flyttad`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::New => "ny",
            Kind::Changed => "ändrad",
            Kind::Repealed => "upphävd",
            Kind::Moved => "flyttad",
        }
    }
}

/// What a change touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Element {
    /// A field of the cover or title page (`id` is the YAML key).
    Metadata,
    /// A section of the text.
    Section,
    /// An intervention (insats).
    Intervention,
    /// A criterion.
    Criterion,
    /// An information duty.
    Duty,
    /// A step of the decision procedure.
    Step,
    /// An anvisning's guidance for one criterion (`id` is the criterion's).
    Guidance,
    /// A parameter the rules read.
    Parameter,
    /// A fact the rules read.
    Fact,
    /// A glossary term the text uses.
    Term,
    /// A law the text cites.
    Law,
    /// A role the criteria name.
    Role,
    /// A table of levels chosen by thresholds (*avgiftsnivåer*).
    LevelTable,
    /// An amount computed by a formula (*maxavgift*, *avgiftsutrymme*).
    Amount,
}

impl Element {
    /// As JSON writes it.
    pub fn code(self) -> &'static str {
        match self {
            Element::Metadata => "metadata",
            Element::Section => "section",
            Element::Intervention => "intervention",
            Element::Criterion => "criterion",
            Element::Duty => "duty",
            Element::Step => "procedure_step",
            Element::Guidance => "guidance",
            Element::Parameter => "parameter",
            Element::Fact => "fact",
            Element::Term => "term",
            Element::Law => "law",
            Element::Role => "role",
            Element::LevelTable => "level_table",
            Element::Amount => "amount",
        }
    }

    /// In Swedish, capitalised, for a table's "where" column.
    pub fn swedish(self) -> &'static str {
        match self {
            Element::Metadata => "Uppgift",
            Element::Section => "Avsnitt",
            Element::Intervention => "Insats",
            Element::Criterion => "Kriterium",
            Element::Duty => "Informationsplikt",
            Element::Step => "Handläggningssteg",
            Element::Guidance => "Anvisning",
            Element::Parameter => "Parameter",
            Element::Fact => "Faktauppgift",
            Element::Term => "Begrepp",
            Element::Law => "Lag",
            Element::Role => "Roll",
            Element::LevelTable => "Nivåtabell",
            Element::Amount => "Belopp",
        }
    }
}

/// One field of an item on both sides, as tokens, with their word diff.
#[derive(Debug, Clone)]
pub struct Field {
    /// Machine name (`text`, `rule`, `heading`, `valid_from`, `position` …).
    pub name: &'static str,
    /// What a reader calls it, in Swedish (`Lydelse`, `Regel`, `Rubrik` …).
    pub label: &'static str,
    /// The old value; `None` when the item or field is new.
    pub old: Option<Vec<Token>>,
    /// The new value; `None` when the item or field is repealed.
    pub new: Option<Vec<Token>>,
    /// The word diff of `old` and `new` (an absent side is empty).
    pub segs: Vec<Seg>,
    /// Whether the field is prose (shown paragraph by paragraph, in the redline's
    /// two columns) rather than a short value.
    pub prose: bool,
}

impl Field {
    fn new(
        name: &'static str,
        label: &'static str,
        old: Option<Vec<Token>>,
        new: Option<Vec<Token>>,
        prose: bool,
    ) -> Field {
        let (a, b) = (old.as_deref().unwrap_or(&[]), new.as_deref().unwrap_or(&[]));
        let segs = words::diff(a, b);
        Field {
            name,
            label,
            old,
            new,
            segs,
            prose,
        }
    }

    /// A short value (a date, a name, a list), compared as plain words.
    /// A value field of two optional items, read from each by `get`.
    fn of<T>(
        name: &'static str,
        label: &'static str,
        old: Option<&T>,
        new: Option<&T>,
        get: impl Fn(&T) -> &str,
    ) -> Field {
        Field::value(name, label, old.map(&get), new.map(&get))
    }

    fn value(
        name: &'static str,
        label: &'static str,
        old: Option<&str>,
        new: Option<&str>,
    ) -> Field {
        Field::new(
            name,
            label,
            old.map(prose::plain),
            new.map(prose::plain),
            false,
        )
    }

    /// Whether the two sides differ.
    pub fn changed(&self) -> bool {
        self.old.is_some() != self.new.is_some() || words::changed(&self.segs)
    }

    /// The old value as text.
    pub fn old_text(&self) -> Option<String> {
        self.old.as_deref().map(words::join)
    }

    /// The new value as text.
    pub fn new_text(&self) -> Option<String> {
        self.new.as_deref().map(words::join)
    }

    /// Words removed and added (paragraph ends not counted).
    pub fn counts(&self) -> (usize, usize) {
        let (mut del, mut ins) = (0, 0);
        for s in &self.segs {
            match *s {
                Seg::Delete(a, b) => del += b - a,
                Seg::Insert(c, d) => ins += d - c,
                Seg::Equal(..) => {}
            }
        }
        (del, ins)
    }
}

/// One change, to one item.
#[derive(Debug, Clone)]
pub struct Change {
    /// Ny, ändrad, upphävd or flyttad.
    pub kind: Kind,
    /// What it touches.
    pub element: Element,
    /// The item's stable id (for metadata, the YAML key).
    pub id: String,
    /// Where, for a reader: the element and its heading or sentence.
    pub place: String,
    /// In short, in Swedish.
    pub summary: String,
    /// The fields that differ (for a new or repealed item, the fields it has).
    pub fields: Vec<Field>,
    /// The first day the change applies: the new version's `valid_from`, or for a
    /// parameter the day its new value starts.
    pub in_force_from: Option<Date>,
}

/// The difference between two versions.
pub struct Diff<'p> {
    /// The old side.
    pub old: Side<'p>,
    /// The new side.
    pub new: Side<'p>,
    /// Every change, in reading order: metadata, sections (in the new text's order),
    /// interventions, criteria, duties, procedure, guidance, parameters, facts, terms,
    /// laws, roles.
    pub changes: Vec<Change>,
}

impl Diff<'_> {
    /// Whether the versions differ at all.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// `10 ändringar: 3 nya, 5 ändrade, 2 upphävda, 0 flyttade`.
    pub fn summary(&self) -> String {
        let [n, c, r, m] = self.counts();
        let total = self.changes.len();
        let word =
            |k: usize, one: &'static str, many: &'static str| if k == 1 { one } else { many };
        format!(
            "{total} {}: {n} {}, {c} {}, {r} {}, {m} {}",
            word(total, "ändring", "ändringar"),
            word(n, "ny", "nya"),
            word(c, "ändrad", "ändrade"),
            word(r, "upphävd", "upphävda"),
            word(m, "flyttad", "flyttade"),
        )
    }

    /// How many changes of each kind: ny, ändrad, upphävd, flyttad.
    pub fn counts(&self) -> [usize; 4] {
        let mut n = [0; 4];
        for c in &self.changes {
            n[match c.kind {
                Kind::New => 0,
                Kind::Changed => 1,
                Kind::Repealed => 2,
                Kind::Moved => 3,
            }] += 1;
        }
        n
    }
}

/// Compares two versions. They may come from different policy folders (two git
/// revisions); the caller makes sure they are versions of the same document.
pub fn diff<'p>(old: Side<'p>, new: Side<'p>) -> Diff<'p> {
    let mut d = Builder {
        old,
        new,
        from: Some(new.version.valid_from.value),
        out: Vec::new(),
    };
    d.metadata();
    d.sections();
    d.interventions();
    d.criteria();
    d.duties();
    d.steps();
    d.guidance();
    d.extents();
    d.shared();
    Diff {
        old,
        new,
        changes: d.out,
    }
}

struct Builder<'p> {
    old: Side<'p>,
    new: Side<'p>,
    from: Option<Date>,
    out: Vec<Change>,
}

/// A text cut to about `n` characters at a word boundary, for "where" columns.
pub fn short(s: &str, n: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= n {
        return s;
    }
    let mut out: String = s.chars().take(n).collect();
    if let Some(cut) = out.rfind(' ') {
        out.truncate(cut);
    }
    out.push('…');
    out
}

/// Items on both sides by id, in order: those of `new` in its order, then those only in
/// `old` in its order.
fn ids<'a>(
    old: impl IntoIterator<Item = &'a str>,
    new: impl IntoIterator<Item = &'a str>,
) -> Vec<&'a str> {
    let mut out: Vec<&str> = new.into_iter().collect();
    let mut seen: HashSet<&str> = out.iter().copied().collect();
    for id in old {
        if seen.insert(id) {
            out.push(id);
        }
    }
    out
}

/// Ids of `old` and `new` (each without repeats) whose order differs: those outside a
/// longest common subsequence of the ids both have.
fn reordered<'a>(old: &[&'a str], new: &[&'a str]) -> HashSet<&'a str> {
    let both: HashSet<&str> = old.iter().copied().filter(|x| new.contains(x)).collect();
    let a: Vec<&str> = old.iter().copied().filter(|x| both.contains(x)).collect();
    let b: Vec<&str> = new.iter().copied().filter(|x| both.contains(x)).collect();
    let mut keep: HashSet<&str> = HashSet::new();
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &a, &b) {
        if let similar::DiffOp::Equal { old_index, len, .. } = op {
            keep.extend(&a[old_index..old_index + len]);
        }
    }
    both.into_iter().filter(|x| !keep.contains(x)).collect()
}

impl Builder<'_> {
    fn push(
        &mut self,
        kind: Kind,
        element: Element,
        id: &str,
        place: String,
        summary: String,
        fields: Vec<Field>,
    ) {
        self.out.push(Change {
            kind,
            element,
            id: id.to_string(),
            place,
            summary,
            fields,
            in_force_from: self.from,
        });
    }

    /// A changed item: its changed fields, summarised by their labels.
    fn changed(&mut self, element: Element, id: &str, place: String, fields: Vec<Field>) {
        let fields: Vec<Field> = fields.into_iter().filter(Field::changed).collect();
        if fields.is_empty() {
            return;
        }
        let labels: Vec<String> = fields.iter().map(|f| f.label.to_lowercase()).collect();
        let summary = format!("ändring av {}", crate::sv::join(&labels));
        self.push(Kind::Changed, element, id, place, summary, fields);
    }

    // metadata and sections: text.rs; interventions, criteria, duties, steps and guidance: items.rs;
    // parameters, facts, terms, laws and roles: shared.rs.
}
