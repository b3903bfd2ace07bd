//! Check: everything a careful reviewer would verify once the policy is loaded —
//! unique ids, references that resolve, dates in order, parameter periods without
//! overlaps or gaps — plus the prose checks in [`text`]. Findings are diagnostics.

pub mod extent;
pub mod glyphs;
mod laws;
mod refs;
pub mod rules;
pub mod spell;
pub mod text;

use std::collections::HashMap;

use jiff::civil::Date;

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{DocKind, Policy, Version};
use crate::source::{Span, Spanned};

/// Runs every check over a loaded policy. The spell check's dictionary (about 50 ms to
/// parse) is loaded on a thread of its own while the other checks run.
pub fn check(policy: &Policy) -> Diagnostics {
    std::thread::scope(|scope| {
        let speller = policy
            .glossary
            .spell_check
            .map(|_| scope.spawn(|| spell::Speller::load(policy)));
        let mut d = check_for_use(policy);
        if let Some(loading) = speller {
            let loaded = loading
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            spelling(policy, loaded, &mut d);
        }
        d
    })
}

/// Every check but the spell check: what a command that uses the policy rather than
/// publishes it (`eval`, `test`, `new-case`) needs, since the spell check reports
/// warnings only and loading its dictionary takes about 55 ms (docs/benchmarks.md).
pub fn check_for_use(policy: &Policy) -> Diagnostics {
    let mut d = Diagnostics::default();
    shared_ids(policy, &mut d);
    parameter_periods(policy, &mut d);
    rules::check_parameters(policy, &mut d);
    let scope = rules::scope(policy);
    for doc in &policy.documents {
        let mut labels = Ids::new("version");
        for v in &doc.versions {
            version_ids(v, &mut d);
            refs::check_version(policy, v, &mut d);
            refs::footnotes(policy, v, &mut d);
            refs::placeholders(policy, v, &mut d);
            text::check_version(policy, v, &mut d);
            glyphs::check_version(policy, v, &mut d);
            rules::check_version(policy, &scope, v, &mut d);
            extent::check_version(policy, v, &mut d);
            if v.incomplete {
                continue;
            }
            labels.add(&v.version, &mut d);
            dates(v, &mut d);
            refs::replaces(doc, v, &mut d);
            laws::ended(policy, doc, v, &mut d);
        }
        if doc.versions.iter().all(|v| !v.incomplete) {
            version_periods(&doc.versions, &mut d);
            kinds_agree(&doc.versions, &mut d);
        }
    }
    text::check_glossary(policy, &mut d);
    glyphs::check_glossary(policy, &mut d);
    laws::glossary(policy, &mut d);
    d
}

/// The Swedish spell check, when the glossary asks for it (`spell_check: true`): every
/// prose text of every version, against the dictionary (`speller`, loaded) and the
/// glossary's own words.
fn spelling(policy: &Policy, speller: Result<spell::Speller, String>, d: &mut Diagnostics) {
    let Some(at) = policy.glossary.spell_check else {
        return;
    };
    match speller {
        Ok(s) => {
            for doc in &policy.documents {
                for v in &doc.versions {
                    for p in text::prose(v) {
                        s.check_text(&p.read(policy), d);
                    }
                }
            }
        }
        Err(why) => d.push(
            Diagnostic::warning("spelling-off", at, format!("the spell check cannot run: {why}"))
                .with_hint("install Debian's hunspell-sv (scripts/install-test-tools does), or set STYRDOK_DICTIONARY to the path of sv_SE.aff without its extension"),
        ),
    }
}

/// Tracks ids in one namespace and reports the second use of each.
pub struct Ids<'a> {
    what: &'static str,
    seen: HashMap<&'a str, Span>,
}

impl<'a> Ids<'a> {
    /// A namespace for ids of `what` (e.g. "section").
    pub fn new(what: &'static str) -> Self {
        Ids {
            what,
            seen: HashMap::new(),
        }
    }

    /// Records `id`, reporting it if it was seen before.
    pub fn add(&mut self, id: &'a Spanned<String>, d: &mut Diagnostics) {
        if let Some(first) = self.seen.get(id.value.as_str()) {
            d.push(
                Diagnostic::error(
                    "duplicate-id",
                    id.span,
                    format!("{} `{}` is defined twice", self.what, id.value),
                )
                .with_label("used again here")
                .with_related(*first, "first used here")
                .with_hint("ids must be unique: rename one of them"),
            );
        } else {
            self.seen.insert(&id.value, id.span);
        }
    }
}

fn shared_ids(policy: &Policy, d: &mut Diagnostics) {
    let g = &policy.glossary;
    let mut terms = Ids::new("term");
    g.terms.iter().for_each(|t| terms.add(&t.id, d));
    let mut laws = Ids::new("law");
    g.laws.iter().for_each(|l| laws.add(&l.id, d));
    let mut roles = Ids::new("role");
    g.roles.iter().for_each(|r| roles.add(&r.id, d));
    if let Some(r) = g.roles.get(crate::model::MAX_ROLES) {
        d.push(
            Diagnostic::error(
                "too-many-roles",
                r.id.span,
                format!(
                    "the glossary has {} roles; styrdok supports at most {}",
                    g.roles.len(),
                    crate::model::MAX_ROLES
                ),
            )
            .with_hint("roles are the people who assess, consult or report; merge or remove some"),
        );
    }
    // Facts and parameters share one namespace: rules name both.
    let mut names = Ids::new("fact or parameter");
    policy.facts.iter().for_each(|f| names.add(&f.id, d));
    policy.parameters.iter().for_each(|p| names.add(&p.id, d));
    // A name a rule reads as something else can never be referred to.
    let ids = policy
        .facts
        .iter()
        .map(|f| (&f.id, "fact"))
        .chain(policy.parameters.iter().map(|p| (&p.id, "parameter")));
    for (id, what) in ids {
        if let Some(why) = crate::rules::reserved(&id.value) {
            d.push(
                Diagnostic::error("bad-id", id.span, format!("`{}` cannot name a {what}: in rules it is {why}", id.value))
                    .with_hint(if id.value == crate::BUILTIN_APPLICATION_DATE {
                        "rules read the application date from the case's `ansokningsdatum`; remove this one".to_owned()
                    } else {
                        format!("rename the {what}, e.g. `{}_uppgift`", id.value)
                    }),
            );
        }
    }
}

/// Every id in a version shares one namespace: they become anchors in one HTML page.
fn version_ids(v: &Version, d: &mut Diagnostics) {
    let mut ids = Ids::new("");
    let mut add = |what: &'static str, id| {
        ids.what = what;
        ids.add(id, d);
    };
    for (_, s) in v.sections_flat() {
        add("section", &s.id);
        for b in &s.body {
            if let crate::model::Block::Paragraph(parts) = b {
                for p in parts {
                    if let crate::model::Part::Passage { id, .. } = p {
                        add("passage", id);
                    }
                }
            }
        }
    }
    v.criteria.iter().for_each(|c| add("criterion", &c.id));
    v.interventions
        .iter()
        .for_each(|i| add("intervention", &i.id));
    v.duties.iter().for_each(|x| add("duty", &x.id));
    v.procedure
        .iter()
        .for_each(|x| add("procedure step", &x.id));
}

fn date_order(d: &mut Diagnostics, earlier: &Spanned<Date>, later: &Spanned<Date>, what: String) {
    if later.value < earlier.value {
        d.push(
            Diagnostic::error("date-order", later.span, what)
                .with_label(format!("{}", later.value))
                .with_related(earlier.span, format!("{}", earlier.value)),
        );
    }
}

fn dates(v: &Version, d: &mut Diagnostics) {
    if let Some(until) = &v.valid_until {
        date_order(
            d,
            &v.valid_from,
            until,
            "`valid_until` is before `valid_from`".into(),
        );
    }
    if let Some(decided) = &v.decision_date {
        if decided.value > v.valid_from.value {
            d.push(
                Diagnostic::warning(
                    "date-order",
                    decided.span,
                    "the decision date is after the version became valid",
                )
                .with_related(v.valid_from.span, "valid from here")
                .with_hint("a version cannot be in force before it was decided; check both dates"),
            );
        }
    }
    if v.kind.value == DocKind::Riktlinje && (v.decided_by.is_none() || v.decision_date.is_none()) {
        let missing = match (v.decided_by.is_none(), v.decision_date.is_none()) {
            (true, true) => "who decided it and when",
            (true, false) => "who decided it",
            _ => "when it was decided",
        };
        d.push(
            Diagnostic::warning("missing-decision", v.version.span, format!("version `{}` does not say {missing}", v.version.value))
                .with_hint("a riktlinje is adopted by a board: add `decided_by` and `decision_date` once a source states them"),
        );
    }
    if v.kind.value == DocKind::Tillampningsanvisning && v.applies_to.is_none() {
        d.push(
            Diagnostic::error(
                "missing-field",
                v.kind.span,
                "a tillämpningsanvisning must name the riktlinje it applies",
            )
            .with_hint("add `applies_to: {document: <riktlinje folder>, version: <label>}`"),
        );
    }
    if v.kind.value == DocKind::Riktlinje {
        if let Some(a) = &v.applies_to {
            d.push(
                Diagnostic::error(
                    "wrong-type",
                    a.document.span,
                    "only a tillämpningsanvisning applies another document",
                )
                .with_hint("remove `applies_to`, or set `kind: tillampningsanvisning`"),
            );
        }
    }
}

/// Periods `from..=until` of consecutive items; reports overlaps and (optionally) gaps.
fn periods<T>(
    items: &[T],
    from: impl Fn(&T) -> &Spanned<Date>,
    until: impl Fn(&T) -> Option<&Spanned<Date>>,
    what: &str,
    gaps_are_errors: bool,
    d: &mut Diagnostics,
) {
    for pair in items.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let (a_from, b_from) = (from(a), from(b));
        if a_from.value == b_from.value {
            d.push(
                Diagnostic::error(
                    "period-overlap",
                    b_from.span,
                    format!("two {what}s start on {}", b_from.value),
                )
                .with_related(a_from.span, "the other starts here")
                .with_hint("each start date may be used once; change one of them"),
            );
            continue;
        }
        let Some(a_until) = until(a) else { continue };
        if a_until.value >= b_from.value {
            d.push(
                Diagnostic::error(
                    "period-overlap",
                    b_from.span,
                    format!(
                        "{what} starting {} overlaps the one before, which runs until {}",
                        b_from.value, a_until.value
                    ),
                )
                .with_related(a_until.span, "the earlier period ends here")
                .with_hint("end the earlier period the day before, or remove its end date"),
            );
        } else if a_until.value.tomorrow().ok() != Some(b_from.value) {
            let msg = format!(
                "nothing is in force from {} to {}: the {what} before ends {} and the next starts {}",
                a_until.value.tomorrow().unwrap_or(a_until.value),
                b_from.value.yesterday().unwrap_or(b_from.value),
                a_until.value,
                b_from.value
            );
            let diag = if gaps_are_errors {
                Diagnostic::error("period-gap", a_until.span, msg)
            } else {
                Diagnostic::warning("period-gap", a_until.span, msg)
            };
            d.push(
                diag.with_related(b_from.span, "the next period starts here")
                    .with_hint("make the next period start the day after, or remove the end date"),
            );
        }
    }
}

fn parameter_periods(policy: &Policy, d: &mut Diagnostics) {
    for p in &policy.parameters {
        for v in &p.values {
            if let Some(until) = &v.until {
                date_order(d, &v.from, until, "`until` is before `from`".into());
            }
        }
        periods(
            &p.values,
            |v| &v.from,
            |v| v.until.as_ref(),
            "value",
            true,
            d,
        );
    }
}

fn version_periods(versions: &[Version], d: &mut Diagnostics) {
    periods(
        versions,
        |v| &v.valid_from,
        |v| v.valid_until.as_ref(),
        "version",
        false,
        d,
    );
}

fn kinds_agree(versions: &[Version], d: &mut Diagnostics) {
    let Some(first) = versions.first() else {
        return;
    };
    for v in &versions[1..] {
        if v.kind.value != first.kind.value {
            d.push(
                Diagnostic::error(
                    "wrong-type",
                    v.kind.span,
                    format!("this version is a {} but the first is a {}", v.kind.value.as_str(), first.kind.value.as_str()),
                )
                .with_related(first.kind.span, "first version's kind")
                .with_hint("every version of a document is the same kind; a new kind is a new document folder"),
            );
        }
    }
}
