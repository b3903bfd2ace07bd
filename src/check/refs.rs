//! References that must resolve: interventions, criteria, duties, passages, roles,
//! the riktlinje an anvisning applies, and `#section` links in the prose.

use crate::check::text::text_span;
use crate::diag::{Diagnostic, Diagnostics, did_you_mean};
use crate::markdown;
use crate::model::{Block, DocKind, Document, Id, Part, Policy, Text, Version};
use crate::source::Span;

/// "unknown {what} `{name}`{tail}", with a suggestion from `known`.
fn unknown(
    d: &mut Diagnostics,
    span: Span,
    (what, tail): (&str, &str),
    name: &str,
    known: &[&str],
) {
    let mut diag = Diagnostic::error(
        "unknown-reference",
        span,
        format!("unknown {what} `{name}`{tail}"),
    );
    diag = match did_you_mean(name, known.iter().copied()) {
        Some(best) => diag.with_hint(format!("did you mean `{best}`?")),
        None if known.is_empty() => diag.with_hint(format!("no {what} is defined")),
        None if known.len() <= 8 => diag.with_hint(format!("known: {}", crate::diag::list(known))),
        None => diag.with_hint(format!(
            "{} {what}s are defined; check the spelling",
            known.len()
        )),
    };
    d.push(diag);
}

/// Whether `id` is one of `known`; when not, an `unknown-reference` error at it with
/// "did you mean" (or the list, when short). Shared by every check of a reference.
pub(super) fn resolve(d: &mut Diagnostics, id: &Id, what: &str, known: &[&str]) -> bool {
    resolve_in(d, id, (what, ""), known)
}

/// [`resolve`] with a tail on the message: ("criterion", " in the applied riktlinje").
fn resolve_in(d: &mut Diagnostics, id: &Id, what: (&str, &str), known: &[&str]) -> bool {
    let ok = known.contains(&id.value.as_str());
    if !ok {
        unknown(d, id.span, what, &id.value, known);
    }
    ok
}

/// `replaces: {version: …}` names an earlier version of the same document; a warning
/// when it skips the version right before (the history would then have two branches).
pub(super) fn replaces(doc: &Document, v: &Version, d: &mut Diagnostics) {
    let Some(label) = v.replaces.as_ref().and_then(|r| r.version.as_ref()) else {
        return;
    };
    let known: Vec<&str> = doc
        .versions
        .iter()
        .filter(|x| x.file != v.file)
        .map(|x| x.version.value.as_str())
        .collect();
    if !resolve_in(d, label, ("version", " of this document"), &known) {
        return;
    }
    let Some(target) = doc.version(&label.value) else {
        return;
    };
    if target.valid_from.value >= v.valid_from.value {
        d.push(
            Diagnostic::error(
                "date-order",
                label.span,
                format!(
                    "version `{}` replaces `{}`, which becomes valid on {}, not before it",
                    v.version.value, target.version.value, target.valid_from.value
                ),
            )
            .with_related(target.valid_from.span, "valid from here")
            .with_hint("a version replaces an earlier one; check `replaces` and both `valid_from`"),
        );
    } else if let Some(before) = doc.predecessor(v).filter(|p| p.file != target.file) {
        d.push(
            Diagnostic::warning(
                "replaces-skips",
                label.span,
                format!(
                    "version `{}` replaces `{}`, but `{}` comes between them",
                    v.version.value, target.version.value, before.version.value
                ),
            )
            .with_related(before.version.span, "the version in between")
            .with_hint(format!(
                "a version replaces the one in force before it: write `version: \"{}\"`",
                before.version.value
            )),
        );
    }
}

/// Checks every reference in one version.
pub(super) fn check_version(policy: &Policy, v: &Version, d: &mut Diagnostics) {
    let applied = applies_to(policy, v, d);
    let criteria: Vec<&str> = v.criteria.iter().map(|c| c.id.value.as_str()).collect();
    let interventions: Vec<&str> = v
        .interventions
        .iter()
        .map(|c| c.id.value.as_str())
        .collect();
    let duties: Vec<&str> = v.duties.iter().map(|c| c.id.value.as_str()).collect();
    let roles = policy.glossary.role_ids();
    let sections: Vec<&str> = v
        .sections_flat()
        .iter()
        .map(|(_, s)| s.id.value.as_str())
        .collect();
    let mut passages: Vec<&str> = Vec::new();
    for (_, s) in v.sections_flat() {
        for b in &s.body {
            if let Block::Paragraph(parts) = b {
                passages.extend(parts.iter().filter_map(|p| match p {
                    Part::Passage { id, .. } => Some(id.value.as_str()),
                    _ => None,
                }));
            }
        }
    }
    // What `{ref: …}` may name: this version's criteria, duties and steps, and the applied riktlinje's criteria.
    let mut citable: Vec<&str> = criteria.clone();
    citable.extend(&duties);
    citable.extend(v.procedure.iter().map(|s| s.id.value.as_str()));
    let applied_criteria: Vec<&str> = applied
        .map(|a| a.criteria.iter().map(|c| c.id.value.as_str()).collect())
        .unwrap_or_default();
    let applied_interventions: Vec<&str> = applied
        .map(|a| {
            a.interventions
                .iter()
                .map(|c| c.id.value.as_str())
                .collect()
        })
        .unwrap_or_default();
    citable.extend(&applied_criteria);

    let mut placed_interventions = Vec::new();
    let mut placed_refs = Vec::new();
    for (_, s) in v.sections_flat() {
        for b in &s.body {
            match b {
                Block::Text(_) => {}
                Block::Criteria(i) => {
                    if resolve(d, i, "intervention", &interventions) {
                        placed_interventions.push(i.value.as_str());
                    }
                }
                Block::Guidance(i) => {
                    if applied.is_none() {
                        d.push(
                            Diagnostic::error(
                                "unknown-reference",
                                i.span,
                                "`guidance` needs `applies_to`: it quotes the applied riktlinje",
                            )
                            .with_hint("only a tillämpningsanvisning has guidance blocks"),
                        );
                    } else {
                        resolve_in(
                            d,
                            i,
                            ("intervention", " in the applied riktlinje"),
                            &applied_interventions,
                        );
                    }
                }
                Block::Paragraph(parts) => {
                    for p in parts {
                        match p {
                            Part::Ref(r) => {
                                if resolve(d, r, "criterion, duty or procedure step", &citable) {
                                    placed_refs.push(r.value.as_str());
                                }
                            }
                            Part::Text(_) | Part::Passage { .. } => {}
                        }
                    }
                }
            }
        }
    }

    for r in v.criteria.iter().flat_map(|c| c.kind.roles()) {
        resolve(d, r, "role", &roles);
    }
    // Link targets: sections, and the criteria the text prints (in a placed list or
    // with `{ref}`); a criterion printed nowhere has no anchor to land on.
    let mut anchors = sections.clone();
    anchors.extend(criteria.iter().filter(|c| {
        placed_refs.contains(c)
            || v.interventions.iter().any(|i| {
                placed_interventions.contains(&i.id.value.as_str())
                    && i.criteria.iter().any(|x| x.value == **c)
            })
    }));
    // Every piece of prose, the notice, duties and procedure steps included.
    for t in crate::check::text::texts(v) {
        links(policy, t, &anchors, &criteria, d);
    }
    let mut placed_criteria: Vec<&str> = placed_refs.clone();
    for i in &v.interventions {
        let mut listed = crate::check::Ids::new("criterion listed under this intervention");
        i.criteria.iter().for_each(|c| listed.add(c, d));
        for c in &i.criteria {
            if resolve(d, c, "criterion", &criteria) {
                placed_criteria.push(c.value.as_str());
            }
        }
        for x in &i.duties {
            resolve(d, x, "duty", &duties);
        }
        let steps: Vec<&str> = v.procedure.iter().map(|s| s.id.value.as_str()).collect();
        let mut own = crate::check::Ids::new("procedure step listed under this intervention");
        for x in &i.procedure {
            own.add(x, d);
            resolve(d, x, "procedure step", &steps);
        }
        if let Some(c) = &i.continues {
            resolve(d, c, "intervention", &interventions);
        }
        if let Some(basis) = i.duration.as_ref().and_then(|x| x.basis.as_ref()) {
            // A period is stated in a passage, or (a fees guideline) by a whole section.
            let mut known = passages.clone();
            known.extend(
                v.sections_flat()
                    .into_iter()
                    .map(|(_, s)| s.id.value.as_str()),
            );
            resolve(d, basis, "passage or section", &known);
        }
        if let Some(basis) = &i.extension {
            resolve(d, basis, "passage", &passages);
        }

        let all_referenced = i
            .criteria
            .iter()
            .all(|c| placed_refs.contains(&c.value.as_str()));
        if v.kind.value == DocKind::Riktlinje
            && !placed_interventions.contains(&i.id.value.as_str())
            && (!all_referenced || i.criteria.is_empty())
        {
            d.push(
                Diagnostic::warning(
                    "not-placed",
                    i.id.span,
                    format!(
                        "the criteria of `{}` are not listed anywhere in the text",
                        i.id.value
                    ),
                )
                .with_hint(format!(
                    "add `- criteria: {}` to the body of the section that lists them",
                    i.id.value
                )),
            );
        }
    }
    for c in &v.criteria {
        if !placed_criteria.contains(&c.id.value.as_str()) {
            d.push(
                Diagnostic::warning(
                    "not-placed",
                    c.id.span,
                    format!(
                        "criterion `{}` belongs to no intervention and is not in the text",
                        c.id.value
                    ),
                )
                .with_hint(
                    "list it under an intervention's `criteria`, or place it with `{ref: …}`",
                ),
            );
        }
    }
    for (id, what) in v
        .duties
        .iter()
        .map(|x| (&x.id, "duty"))
        .chain(v.procedure.iter().map(|x| (&x.id, "procedure step")))
    {
        if !placed_refs.contains(&id.value.as_str()) {
            d.push(
                Diagnostic::warning(
                    "not-placed",
                    id.span,
                    format!("{what} `{}` is not placed in the text", id.value),
                )
                .with_hint(format!(
                    "its text is part of the document: place it with `- paragraph: [{{ref: {}}}]`",
                    id.value
                )),
            );
        }
    }
    let mut guided = crate::check::Ids::new("guidance for criterion");
    for g in &v.guidance {
        guided.add(&g.criterion, d);
        resolve_in(
            d,
            &g.criterion,
            ("criterion", " in the applied riktlinje"),
            &applied_criteria,
        );
    }
    // Every criterion a guidance block quotes should have guidance.
    if let Some(target) = applied {
        for (_, s) in v.sections_flat() {
            for b in &s.body {
                let Block::Guidance(i) = b else { continue };
                let Some(intervention) = target.intervention(&i.value) else {
                    continue;
                };
                for c in &intervention.criteria {
                    if !v.guidance.iter().any(|g| g.criterion.value == c.value) {
                        d.push(
                            Diagnostic::warning(
                                "no-guidance",
                                i.span,
                                format!("criterion `{}` of `{}` has no guidance", c.value, i.value),
                            )
                            .with_hint(format!(
                                "add `- criterion: {}` with a `text` under `guidance`",
                                c.value
                            )),
                        );
                    }
                }
            }
        }
    }
}

/// Resolves `applies_to`; returns the applied riktlinje version when it resolves.
fn applies_to<'a>(policy: &'a Policy, v: &'a Version, d: &mut Diagnostics) -> Option<&'a Version> {
    let a = v.applies_to.as_ref()?;
    let docs: Vec<&str> = policy.documents.iter().map(|x| x.id.as_str()).collect();
    if !resolve(d, &a.document, "document", &docs) {
        return None;
    }
    let doc = policy.document(&a.document)?;
    if let Some(label) = &a.version {
        let labels: Vec<&str> = doc
            .versions
            .iter()
            .map(|x| x.version.value.as_str())
            .collect();
        if !labels.contains(&label.value.as_str()) {
            unknown(
                d,
                label.span,
                ("version", &format!(" of `{}`", doc.id)),
                &label.value,
                &labels,
            );
            return None;
        }
    }
    let (_, target) = policy.applied(v)?;
    if target.kind.value != DocKind::Riktlinje {
        d.push(
            Diagnostic::error(
                "unknown-reference",
                a.document.span,
                format!(
                    "`{}` is a {}, not a riktlinje",
                    doc.id,
                    target.kind.value.as_str()
                ),
            )
            .with_hint("an anvisning applies a riktlinje"),
        );
        return None;
    }
    Some(target)
}

/// Footnotes: every reference defined, every definition used, none defined twice.
pub(super) fn footnotes(policy: &Policy, v: &Version, d: &mut Diagnostics) {
    use crate::markdown::FootnoteProblem as P;
    for t in crate::check::text::texts(v) {
        for (problem, range) in markdown::footnote_problems(&t.value) {
            let span = text_span(policy, t, range.start, range.len());
            d.push(match problem {
                P::Undefined(l) => Diagnostic::warning(
                    "footnote",
                    span,
                    format!("footnote `[^{l}]` is not defined in this text"),
                )
                .with_hint(format!(
                    "add `[^{l}]: …` to the same text block; as it is, `[^{l}]` prints as written"
                )),
                P::Duplicate(l) => Diagnostic::error(
                    "footnote",
                    span,
                    format!("footnote `{l}` is defined twice in this text"),
                )
                .with_hint("only the first definition would be printed: remove or rename one"),
                P::Unused(l) => Diagnostic::warning(
                    "footnote",
                    span,
                    format!("footnote `{l}` is defined but never referred to"),
                )
                .with_hint(format!(
                    "refer to it with `[^{l}]`, or remove it: it is not printed"
                )),
                P::TooDeep(l, depth) => Diagnostic::error(
                    "footnote",
                    span,
                    format!(
                        "footnote `{l}` is nested {depth} levels deep (a footnote in a footnote in …); at most {} levels are published",
                        markdown::MAX_FOOTNOTE_DEPTH
                    ),
                )
                .with_hint("refer to it from the prose, or from a footnote nearer the prose"),
            });
        }
    }
}

/// Placeholders `{kind: id}` in the Markdown prose: the kind must be known and the id
/// must name something of that kind in the same version.
pub(super) fn placeholders(policy: &Policy, v: &Version, d: &mut Diagnostics) {
    use crate::model::PlaceholderKind;
    for t in crate::check::text::markdown_texts(v) {
        for f in markdown::placeholders(&t.value) {
            // Mapped only for a diagnostic: the mapping walks the text, so doing it for
            // every placeholder made a text of many placeholders quadratic.
            let span = || text_span(policy, t, f.range.start, f.range.len());
            let written = format!("{{{}: {}}}", f.kind, f.id);
            let Some(kind) = PlaceholderKind::from_name(&f.kind) else {
                let kinds: Vec<&str> = PlaceholderKind::ALL.iter().map(|k| k.name()).collect();
                let known = format!("the kinds of placeholder are {}", crate::diag::list(&kinds));
                let hint = match did_you_mean(&f.kind, kinds.iter().copied()) {
                    Some(best) => format!("did you mean `{best}`? {known}"),
                    None => known,
                };
                d.push(
                    Diagnostic::error(
                        "unknown-reference",
                        span(),
                        format!("unknown kind of placeholder `{}` in `{written}`", f.kind),
                    )
                    .with_hint(hint),
                );
                continue;
            };
            if policy.placeholder(v, kind, &f.id).is_none() {
                // A parameter that exists but has no value yet is not an unknown name.
                let valueless =
                    kind != PlaceholderKind::Section && policy.parameter(&f.id).is_some();
                if valueless {
                    d.push(
                        Diagnostic::error(
                            "parameter-gap",
                            span(),
                            format!(
                                "parameter `{}` has no value on {}, when version `{}` becomes valid, so `{written}` prints nothing",
                                f.id, v.valid_from.value, v.version.value
                            ),
                        )
                        .with_hint("the published text prints the value in force on `valid_from`: give the parameter a value from that date"),
                    );
                    continue;
                }
                let known = policy.placeholder_ids(v, kind);
                unknown(
                    d,
                    span(),
                    (kind.what(), &format!(" in `{written}`")),
                    &f.id,
                    &known,
                );
            }
        }
    }
}

/// Internal links `[text](#id)` must name a section or a printed criterion of the
/// same version.
fn links(policy: &Policy, t: &Text, anchors: &[&str], criteria: &[&str], d: &mut Diagnostics) {
    for (dest, range) in markdown::internal_links(&t.value) {
        if anchors.contains(&dest.as_str()) {
            continue;
        }
        let span = text_span(policy, t, range.start, range.len());
        if criteria.contains(&dest.as_str()) {
            d.push(
                Diagnostic::error(
                    "unknown-reference",
                    span,
                    format!("criterion `{dest}` is not printed in the text, so a link cannot land on it"),
                )
                .with_hint("list its intervention's criteria with `- criteria: …`, or place it with `{ref: …}`"),
            );
        } else {
            // Compared as written, `#id`, so that the `#` costs no edit.
            let known: Vec<String> = anchors.iter().map(|a| format!("#{a}")).collect();
            let known: Vec<&str> = known.iter().map(String::as_str).collect();
            unknown(
                d,
                span,
                ("link target", " (no section or criterion has this id)"),
                &format!("#{dest}"),
                &known,
            );
        }
    }
}
