//! The typed document model: what the loader builds once and every later stage
//! (render, evaluate, diff) borrows. Each value keeps the span it was written at.

mod catalog;
mod document;
mod extent;
mod id;
mod placeholder;

pub use catalog::{
    Appeal, AppealRoute, EnumValue, Fact, FactSource, FactType, Foreign, Glossary, Law, MAX_ROLES,
    Misspelling, ParamData, ParamValue, Parameter, Provision, Role, Successor, Term,
    normalize_provision,
};
pub use document::{
    AppliesTo, Block, Criterion, CriterionKind, DocKind, Document, Duration, Duty, Guidance,
    Intervention, Part, ProcedureStep, Replaces, Section, Status, StepOutcome, Version,
};
pub use extent::{
    Amount, AmountCase, Extent, Group, LevelRow, LevelTable, Member, Number, Quantifier, Rounding,
    RoundingDirection, is_money_unit, parse_decimal,
};
pub use id::{is_path_safe, is_slug};
pub use placeholder::{PlaceholderKind, Resolved};

use crate::source::{Sources, Spanned};

/// An identifier as written: `kontakt-specialistpsykiatri`, `fodelsedatum`.
pub type Id = Spanned<String>;
/// Text as written: Markdown where the format reference says so, plain otherwise.
pub type Text = Spanned<String>;

/// Everything under one `policy/` folder (`Default`: an empty one).
#[derive(Debug, Default)]
pub struct Policy {
    /// Every file that was read, for diagnostics and hashes.
    pub sources: Sources,
    /// Defined terms, laws, roles and known misspellings (`glossary.yaml`).
    pub glossary: Glossary,
    /// The facts a rule may read (`facts.yaml`).
    pub facts: Vec<Fact>,
    /// Dated parameters (`parameters.yaml`).
    pub parameters: Vec<Parameter>,
    /// Every document, each with its versions, sorted by id.
    pub documents: Vec<Document>,
}

impl Policy {
    /// The document with this id.
    pub fn document(&self, id: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.id == id)
    }

    /// The fact with this id.
    pub fn fact(&self, id: &str) -> Option<&Fact> {
        self.facts.iter().find(|f| f.id.value == id)
    }

    /// The parameter with this id.
    pub fn parameter(&self, id: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.id.value == id)
    }

    /// The verbatim text a `{ref: id}` in `v` places, with what it is (`kriterium`,
    /// `skyldighet`, `steg`): a criterion, duty or procedure step of `v`, or a criterion
    /// of the riktlinje an anvisning applies.
    pub fn referenced<'a>(&'a self, v: &'a Version, id: &str) -> Option<(&'a Text, &'static str)> {
        if let Some(c) = v.criterion(id) {
            return Some((&c.text, "kriterium"));
        }
        if let Some(d) = v.duties.iter().find(|d| d.id.value == id) {
            return Some((&d.text, "skyldighet"));
        }
        if let Some(s) = v.procedure.iter().find(|s| s.id.value == id) {
            return Some((&s.text, "steg"));
        }
        let (_, applied) = self.applied(v)?;
        applied.criterion(id).map(|c| (&c.text, "kriterium"))
    }

    /// The riktlinje version an anvisning applies, if it names one that exists.
    pub fn applied<'a>(&'a self, v: &'a Version) -> Option<(&'a Document, &'a Version)> {
        let a = v.applies_to.as_ref()?;
        let doc = self.document(&a.document)?;
        let version = match &a.version {
            Some(label) => doc
                .versions
                .iter()
                .find(|x| x.version.value == label.value)?,
            None => doc.versions.last()?,
        };
        Some((doc, version))
    }
}
