//! Laws change too: a version that stays in force after a law it cites has ended
//! cites a repealed act. Reported once per cited provision (or the law named alone)
//! and version, at the first place, with the others as related places; naming the
//! law that replaced it and the successor provision only where the glossary records
//! one with its source (it never guesses a mapping).
//!
//! Also the glossary's own law data: `replaced_by` names a law, provisions are listed
//! once.

use crate::check::text::{law_citations, prose};
use crate::diag::{Diagnostic, Diagnostics, did_you_mean};
use crate::model::{Document, Law, Policy, Version, normalize_provision};
use crate::source::Span;

/// Warns (`law-ended`) where `v`, whose effective validity runs past the day a law it
/// cites ended, cites that law (criteria, interventions' legal basis, procedure steps,
/// prose). A citation means the law of that name in force on the version's `valid_from`.
pub(super) fn ended(policy: &Policy, doc: &Document, v: &Version, d: &mut Diagnostics) {
    if v.incomplete {
        return;
    }
    let until = doc.effective_until(v);
    // (law, provision) → every place it is cited, in reading order.
    let mut groups: Vec<(&Law, Option<String>, String, Vec<Span>)> = Vec::new();
    for p in prose(v) {
        let r = p.read(policy);
        for c in law_citations(policy, r.as_str()) {
            let Some(law) = c.law(policy, v.valid_from.value) else {
                continue;
            };
            let Some(end) = &law.valid_until else {
                continue;
            };
            if until.is_some_and(|u| u <= end.value) {
                continue;
            }
            let span = r.span(c.start..c.end);
            match groups
                .iter_mut()
                .find(|(l, p, _, _)| std::ptr::eq(*l, law) && *p == c.provision)
            {
                Some((_, _, _, spans)) => spans.push(span),
                None => groups.push((
                    law,
                    c.provision.clone(),
                    r.as_str()[c.start..c.end].to_string(),
                    vec![span],
                )),
            }
        }
    }
    for (law, provision, written, spans) in groups {
        let Some(end) = &law.valid_until else {
            continue;
        };
        let standing = match until {
            Some(u) => format!("is in force until {u}"),
            None => "is in force tills vidare".to_string(),
        };
        let mut diag = Diagnostic::warning(
            "law-ended",
            spans[0],
            format!(
                "`{written}` cites {}, which ended {}, but version `{}` {standing}",
                law.long_name(),
                end.value,
                v.version.value
            ),
        )
        .with_label(format!("{} ended {}", law.abbreviation.value, end.value))
        .with_related(end.span, "the glossary's end of the law");
        for s in &spans[1..] {
            diag = diag.with_related(*s, "cited again here");
        }
        let (hint, source) = successor_hint(policy, law, provision.as_deref());
        if let Some(span) = source {
            diag = diag.with_related(span, "the source of the successor provision");
        }
        diag = diag.with_hint(hint);
        d.push(diag);
    }
}

/// What replaced `law` and, where recorded, `provision`: only what the glossary states
/// with a source (whose place is returned too).
fn successor_hint(policy: &Policy, law: &Law, provision: Option<&str>) -> (String, Option<Span>) {
    let Some(next) = law
        .replaced_by
        .as_ref()
        .and_then(|id| policy.glossary.law(&id.value))
    else {
        let hint = format!(
            "the glossary records no law that replaced {}: cite the law in force in a new version",
            law.long_name()
        );
        return (hint, None);
    };
    let from = next
        .valid_from
        .as_ref()
        .map(|f| format!(", in force from {}", f.value))
        .unwrap_or_default();
    let replaced = format!("it was replaced by {}{from}", next.long_name());
    let Some(p) = provision else {
        return (
            format!("{replaced}; cite the law in force in a new version"),
            None,
        );
    };
    match law.successor_of(p) {
        Some(s) => (
            format!(
                "{replaced}; the glossary records `{} {}` as the successor of `{p}`{}; cite it in a new version",
                normalize_provision(&s.new.value),
                next.abbreviation.value,
                if s.assumption {
                    " (an assumption: its source states a proposal, not the enacted law)"
                } else {
                    ", with its source"
                },
            ),
            Some(s.source.span),
        ),
        None => (
            format!(
                "{replaced}; the glossary records no successor of `{p}` (no source stating one): find the provision of the new law before a new version cites it"
            ),
            None,
        ),
    }
}

/// The glossary's laws: `replaced_by` names another law of the glossary; each
/// provision is recorded once per law.
pub(super) fn glossary(policy: &Policy, d: &mut Diagnostics) {
    let laws = &policy.glossary.laws;
    let ids: Vec<&str> = laws.iter().map(|l| l.id.value.as_str()).collect();
    for l in laws {
        if let Some(r) = &l.replaced_by {
            if r.value == l.id.value {
                d.push(
                    Diagnostic::error(
                        "unknown-reference",
                        r.span,
                        format!("law `{}` cannot replace itself", r.value),
                    )
                    .with_hint("`replaced_by` names the law that came after this one"),
                );
            } else if !ids.contains(&r.value.as_str()) {
                let mut diag = Diagnostic::error(
                    "unknown-reference",
                    r.span,
                    format!("unknown law `{}`", r.value),
                );
                diag = match did_you_mean(&r.value, ids.iter().copied()) {
                    Some(best) => diag.with_hint(format!("did you mean `{best}`?")),
                    None => diag.with_hint("add the replacing law to `laws:` with its own id"),
                };
                d.push(diag);
            }
        }
        let mut seen: Vec<(String, Span)> = Vec::new();
        for p in &l.provisions {
            let key = normalize_provision(&p.provision.value);
            if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
                d.push(
                    Diagnostic::error(
                        "duplicate-id",
                        p.provision.span,
                        format!("provision `{key}` of `{}` is recorded twice", l.id.value),
                    )
                    .with_related(*first, "first recorded here")
                    .with_hint("a provision has one appeal route: keep one entry"),
                );
            } else {
                seen.push((key, p.provision.span));
            }
        }
    }
}
