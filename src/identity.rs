//! What a version is made of: the shared facts, parameters, glossary entries and
//! roles it uses, and the content hash over exactly those.
//!
//! A version's hash identifies what it publishes and applies, so that a decision
//! draft, `criteria.json` and the published pages can cite it and a reader can tell
//! whether two of them rest on the same text. It covers, in this order:
//!
//! 1. the version's own file, byte for byte;
//! 2. the hash of the version before it (its appendix of changes compares the two),
//!    and, for an anvisning, the hash of the riktlinje version it applies;
//! 3. each fact its rules, amounts and level tables read, each glossary term and law its text names (a citation
//!    means the law of that name in force on the version's `valid_from`, with its
//!    validity, replacement, successor provisions and appeal routes), each word of
//!    another language its text uses (with the language it is marked with), each role
//!    its criteria name, in a canonical form (not the bytes of the shared file, so an
//!    unrelated entry leaves the hash alone);
//! 4. each parameter its rules, amounts and level tables read, with only the values that hold on some day of the
//!    version's validity (from `valid_from` to the day before its successor starts, or
//!    its own `valid_until`; open-ended while it holds *tills vidare*).
//!
//! What the build adds about the version's standing on the day of the build (in force,
//! replaced by a later version) is not part of it.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::check::rules::{VersionRules, compile_version, scope};
use crate::check::text::{find_words, prose};
use crate::diag::Diagnostics;
use crate::model::{
    Document, Fact, FactType, Law, ParamData, ParamValue, Parameter, Policy, Term, Version,
};
use crate::source::FileId;

/// The shared entries one version uses, as indices into the policy's lists.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Uses {
    /// Facts it reads (rules of criteria and duty conditions, amounts, level tables), in
    /// dictionary order.
    pub facts: Vec<usize>,
    /// Parameters it reads (rules, amounts, level tables), in order.
    pub parameters: Vec<usize>,
    /// Glossary terms whose wording or a synonym its text uses.
    pub terms: Vec<usize>,
    /// Laws its text cites: by abbreviation or name, the one in force on its `valid_from`.
    pub laws: Vec<usize>,
    /// Roles its criteria name (who assesses, is consulted, reports).
    pub roles: Vec<usize>,
    /// Words of another language its text uses: (entry of the glossary's `foreign`,
    /// word of that entry).
    pub foreign: Vec<(usize, usize)>,
}

/// The facts and the parameters that a version reads, as sorted indices into the
/// policy's lists: its compiled rules (criteria and duty conditions), its amounts (each
/// case's condition and formula) and its level tables (the facts that choose a level,
/// the parameters holding thresholds and values).
pub fn read_by(policy: &Policy, v: &Version, compiled: &VersionRules) -> (Vec<usize>, Vec<usize>) {
    use crate::rules::amount::Operand;
    let mut facts = vec![false; policy.facts.len()];
    let mut params = vec![false; policy.parameters.len()];
    let amount_conditions = compiled
        .amounts
        .iter()
        .flatten()
        .flat_map(|a| a.cases.iter().filter_map(|(when, _)| when.as_ref()));
    for p in compiled.programs().chain(amount_conditions) {
        p.facts_read().iter().for_each(|&s| facts[s] = true);
        p.params_read().iter().for_each(|&s| params[s] = true);
    }
    let mut ops = Vec::new();
    for a in compiled.amounts.iter().flatten() {
        for (_, f) in &a.cases {
            f.operands(&mut ops);
        }
    }
    for op in ops {
        match op {
            Operand::IntFact(s) | Operand::MoneyFact(s) => facts[s] = true,
            Operand::Param(s) => params[s] = true,
            // A level's values are marked with its table below.
            Operand::Amount(_) | Operand::LevelValue(..) => {}
        }
    }
    let fact_slot = |id: &str| policy.facts.iter().position(|f| f.id.value == id);
    let param_slot = |id: &str| policy.parameters.iter().position(|p| p.id.value == id);
    for t in &v.levels {
        t.by.iter()
            .filter_map(|f| fact_slot(&f.value))
            .for_each(|s| facts[s] = true);
        for r in &t.rows {
            r.when
                .iter()
                .chain(&r.values)
                .filter_map(|(_, p)| param_slot(&p.value))
                .for_each(|s| params[s] = true);
        }
    }
    let set = |b: Vec<bool>| {
        b.iter()
            .enumerate()
            .filter(|(_, u)| **u)
            .map(|(k, _)| k)
            .collect()
    };
    (set(facts), set(params))
}

/// Whether any of `texts` names `word` as [`term_at`] finds it.
fn says(texts: &[String], word: &str) -> bool {
    texts.iter().any(|t| !term_at(t, word).is_empty())
}

/// Every piece of prose in `v` as it is published (`check::text::Read`): what names a
/// term or a law is what a reader reads, whatever entity or escape wrote it.
fn published(policy: &Policy, v: &Version) -> Vec<String> {
    prose(v)
        .into_iter()
        .map(|p| p.read(policy).published.text)
        .collect()
}

/// Where `s` names the wording `word` of a glossary entry: whole words, in any case
/// (`find_words`). The one matcher of terms in prose: the content hash counts a term
/// as used where it finds it, and the published document links the term there.
pub fn term_at(s: &str, word: &str) -> Vec<(usize, usize)> {
    if word.trim().is_empty() {
        return Vec::new();
    }
    find_words(s, word)
}

/// The wordings of a glossary term that count as naming it: the term, then its synonyms.
pub fn wordings(t: &Term) -> impl Iterator<Item = &str> {
    std::iter::once(t.term.value.as_str()).chain(t.synonyms.iter().map(|s| s.value.as_str()))
}

/// The glossary terms `v`'s text names (by its wording or a synonym, [`term_at`]), as
/// indices into the glossary's list, in its order: those its hash covers and its
/// published documents list under *Begrepp*.
pub fn terms_used(policy: &Policy, v: &Version) -> Vec<usize> {
    terms_in(policy, &published(policy, v))
}

/// The glossary terms `all` names, as indices in the glossary's order.
fn terms_in(policy: &Policy, all: &[String]) -> Vec<usize> {
    let g = &policy.glossary;
    (0..g.terms.len())
        .filter(|&k| wordings(&g.terms[k]).any(|w| says(all, w)))
        .collect()
}

/// The words of another language (glossary `foreign:`) `v`'s text uses, found as
/// [`term_at`] finds terms: (entry, word) in glossary order. The published document marks
/// each place with the entry's language.
pub fn foreign_used(policy: &Policy, v: &Version) -> Vec<(usize, usize)> {
    let all = published(policy, v);
    let mut out = Vec::new();
    for (k, f) in policy.glossary.foreign.iter().enumerate() {
        for (j, w) in f.words.iter().enumerate() {
            if says(&all, &w.value) {
                out.push((k, j));
            }
        }
    }
    out
}

/// The shared entries `v` uses; `compiled` is its rules as [`compile_version`] gives them.
pub fn uses(policy: &Policy, v: &Version, compiled: &VersionRules) -> Uses {
    let (facts, parameters) = read_by(policy, v, compiled);
    let all = published(policy, v);
    let g = &policy.glossary;
    let terms = terms_in(policy, &all);
    // A citation means the law of that name in force on the version's `valid_from`
    // (or the one whose SFS number it gives); a name of several words is matched whole.
    let mut cited = vec![false; g.laws.len()];
    for t in &all {
        for c in crate::check::text::law_citations(policy, t) {
            if let Some(l) = c.law(policy, v.valid_from.value) {
                if let Some(k) = g.laws.iter().position(|x| std::ptr::eq(x, l)) {
                    cited[k] = true;
                }
            }
        }
    }
    let laws = (0..g.laws.len())
        .filter(|&k| {
            cited[k]
                || (g.laws[k].name.value.contains(char::is_whitespace)
                    && says(&all, &g.laws[k].name.value))
        })
        .collect();
    let named: Vec<&str> = v
        .criteria
        .iter()
        .flat_map(|c| c.kind.roles())
        .map(|r| r.value.as_str())
        .collect();
    let roles = (0..g.roles.len())
        .filter(|&k| named.contains(&g.roles[k].id.value.as_str()))
        .collect();
    Uses {
        facts,
        parameters,
        terms,
        laws,
        roles,
        foreign: foreign_used(policy, v),
    }
}

/// The values of `p` that hold on some day from `from` to `until` (open-ended when
/// `None`), each with the last day it holds (`None`: until further notice).
pub fn values_within(
    p: &Parameter,
    from: jiff::civil::Date,
    until: Option<jiff::civil::Date>,
) -> Vec<(&ParamValue, Option<jiff::civil::Date>)> {
    let mut out = Vec::new();
    for (k, val) in p.values.iter().enumerate() {
        let next = p
            .values
            .get(k + 1)
            .and_then(|n| n.from.value.yesterday().ok());
        let end = match (val.until.as_ref().map(|u| u.value), next) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let starts_in_time = until.is_none_or(|u| val.from.value <= u);
        let ends_in_time = end.is_none_or(|e| e >= from);
        if starts_in_time && ends_in_time {
            out.push((val, end));
        }
    }
    out
}

/// Content hashes of a policy's versions, computed once each (a version's hash
/// includes its predecessor's and, for an anvisning, its riktlinje's).
#[derive(Default)]
pub struct Hashes {
    done: HashMap<FileId, String>,
}

impl Hashes {
    /// No hash computed yet.
    pub fn new() -> Self {
        Hashes::default()
    }

    /// `sha256:` and 64 hex digits: the content hash of `v` of `doc` (see the module
    /// documentation for what it covers).
    pub fn of(&mut self, policy: &Policy, doc: &Document, v: &Version) -> String {
        if let Some(h) = self.done.get(&v.file) {
            return h.clone();
        }
        let mut h = Canon::new();
        h.field("styrdok content hash", "2");
        let own = policy.sources.get(v.file);
        let name = own
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        h.field("file", &name);
        h.field("text", &own.text);
        // Guard against a cycle of documents applying each other (check reports it).
        self.done.insert(v.file, String::new());
        if let Some(prev) = doc.predecessor(v) {
            let p = self.of(policy, doc, prev);
            h.field("predecessor", &p);
        }
        if let Some((adoc, applied)) = policy.applied(v) {
            let a = self.of(policy, adoc, applied);
            h.field("applies", &a);
        }
        let mut d = Diagnostics::default();
        let compiled = compile_version(policy, &scope(policy), v, &mut d);
        let used = uses(policy, v, &compiled);
        for &k in &used.facts {
            fact(&mut h, &policy.facts[k]);
        }
        for &k in &used.terms {
            term(&mut h, &policy.glossary.terms[k]);
        }
        for &k in &used.laws {
            law(&mut h, &policy.glossary.laws[k]);
        }
        for &k in &used.roles {
            let r = &policy.glossary.roles[k];
            h.field("role", &r.id.value);
            h.field("title", &r.title.value);
        }
        for &(k, j) in &used.foreign {
            let f = &policy.glossary.foreign[k];
            h.field("foreign", &f.lang.value);
            h.field("words", &f.words[j].value);
        }
        let until = doc.effective_until(v);
        for &k in &used.parameters {
            let p = &policy.parameters[k];
            h.field("parameter", &p.id.value);
            h.field("description", &p.description.value);
            h.opt("unit", p.unit.as_ref().map(|u| u.value.as_str()));
            for (val, end) in values_within(p, v.valid_from.value, until) {
                // The period as far as this version sees it: a value that begins after the
                // version ended, or ends before it began, does not move it.
                let end = match (end, until) {
                    (Some(e), Some(u)) => Some(e.min(u)),
                    (e, u) => e.or(u),
                };
                let from = val.from.value.max(v.valid_from.value);
                h.field("from", &from.to_string());
                h.opt("until", end.map(|e| e.to_string()).as_deref());
                h.field(
                    "value",
                    &match &val.value.value {
                        ParamData::Integer(i) => i.to_string(),
                        ParamData::Range {
                            min,
                            max: Some(max),
                        } => format!("{min}..={max}"),
                        ParamData::Range { min, max: None } => format!("{min}.."),
                        ParamData::Number(n) => format!("{}/{}", n.numer(), n.denom()),
                    },
                );
                h.field("reference", &val.reference.value);
                h.field("assumption", if val.assumption { "ja" } else { "nej" });
            }
        }
        let hash = h.finish();
        self.done.insert(v.file, hash.clone());
        hash
    }
}

/// The content hash of one version (see the module documentation).
pub fn content_hash(policy: &Policy, doc: &Document, v: &Version) -> String {
    Hashes::new().of(policy, doc, v)
}

fn fact(h: &mut Canon, f: &Fact) {
    h.field("fact", &f.id.value);
    let ty = match &f.ty.value {
        FactType::Integer { min, max } => format!("integer {min:?} {max:?}"),
        FactType::Enum(values) => {
            let v: Vec<String> = values.iter().map(ToString::to_string).collect();
            format!("enum {}", v.join("|"))
        }
        other => other.name().to_string(),
    };
    h.field("type", &ty);
    h.field("question", &f.question.value);
    h.field("source", f.source.value.as_str());
    h.opt("evidence", f.evidence.as_ref().map(|e| e.value.as_str()));
}

fn term(h: &mut Canon, t: &Term) {
    h.field("term", &t.id.value);
    h.field("wording", &t.term.value);
    for s in &t.synonyms {
        h.field("synonym", &s.value);
    }
    h.field("definition", &t.definition.value);
    for l in &t.legal {
        h.field("legal", &l.value);
    }
    h.opt("source", t.source.as_ref().map(|s| s.value.as_str()));
}

fn law(h: &mut Canon, l: &Law) {
    h.field("law", &l.id.value);
    h.field("name", &l.name.value);
    h.field("abbreviation", &l.abbreviation.value);
    h.field("sfs", &l.sfs.value);
    let date = |d: &Option<crate::source::Spanned<jiff::civil::Date>>| {
        d.as_ref().map(|d| d.value.to_string())
    };
    h.opt("valid_from", date(&l.valid_from).as_deref());
    h.opt("valid_until", date(&l.valid_until).as_deref());
    h.opt(
        "replaced_by",
        l.replaced_by.as_ref().map(|r| r.value.as_str()),
    );
    h.opt("source", l.source.as_ref().map(|s| s.value.as_str()));
    for s in &l.successors {
        h.field("successor", &s.old.value);
        h.field("new", &s.new.value);
        h.field("source", &s.source.value);
        h.field("assumption", if s.assumption { "ja" } else { "nej" });
    }
    for p in &l.provisions {
        h.field("provision", &p.provision.value);
        h.field("route", p.appeal.route.value.as_str());
        h.field("to", &p.appeal.to.value);
        h.field("basis", &p.appeal.basis.value);
        h.field("source", &p.appeal.source.value);
    }
}

/// A SHA-256 over named fields, each length-prefixed, so that no two different
/// sequences of fields hash alike.
struct Canon(Sha256);

impl Canon {
    fn new() -> Self {
        Canon(Sha256::new())
    }

    fn field(&mut self, name: &str, value: &str) {
        for part in [name.as_bytes(), value.as_bytes()] {
            self.0.update((part.len() as u64).to_le_bytes());
            self.0.update(part);
        }
    }

    fn opt(&mut self, name: &str, value: Option<&str>) {
        match value {
            Some(v) => self.field(name, v),
            None => self.field(name, "\u{0}none"),
        }
    }

    fn finish(self) -> String {
        use std::fmt::Write as _;
        let mut s = String::from("sha256:");
        for b in self.0.finalize() {
            let _ = write!(s, "{b:02x}");
        }
        s
    }
}
