//! Characters the PDF's fonts cannot show (`unshowable-character`): found in the text
//! as it is published (an entity such as `&#xcab;` is the character it names), and
//! reported at its place in the YAML before Typst runs, which would otherwise fail the
//! PDF with an error of its own. What the fonts show is [`crate::fonts`]'s to say.

use std::ops::Range;

use crate::check::text::{Prose, prose};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{Policy, Version};
use crate::source::Span;

/// The hint: what the fonts show, and what to do.
const SHOWN: &str = "the PDF's fonts show Latin script (Swedish, and Finnish, Meänkieli, Sámi, Romani), Greek, Cyrillic, Hebrew (Yiddish), Arabic, Syriac, Ethiopic, Devanagari, Thai, Georgian and Armenian; not Chinese, Japanese, Korean or emoji. Write a name as the population register does, in Latin letters, or the character in words";

/// Every text of a version that its PDF prints: its prose ([`prose`]), its cover
/// fields, what it replaces, and the names of its level tables and amounts.
pub fn printed(v: &Version) -> Vec<Prose<'_>> {
    let plain = |text| Prose {
        text,
        markdown: false,
    };
    let mut out = prose(v);
    out.extend(
        v.dnr
            .iter()
            .chain([&v.publisher])
            .chain(&v.contact)
            .chain(&v.decided_by)
            .chain(&v.document_owner)
            .chain(&v.scope)
            .chain(&v.revision_by)
            .chain(&v.follow_up_by)
            .chain(&v.related_documents)
            .map(plain),
    );
    if let Some(r) = &v.replaces {
        out.extend(r.title.iter().chain(&r.dnr).map(plain));
    }
    for t in &v.levels {
        out.push(plain(&t.name));
        out.extend(t.rows.iter().map(|r| plain(&r.level)));
    }
    for a in &v.amounts {
        out.extend([plain(&a.name), plain(&a.unit)]);
        out.extend(a.rounding.iter().map(|r| plain(&r.reference)));
        out.extend(a.assumption.iter().map(plain));
    }
    out
}

/// Errors at every character of `v`'s printed text that the fonts cannot show.
pub fn check_version(policy: &Policy, v: &Version, d: &mut Diagnostics) {
    for p in printed(v) {
        text(policy, p, d);
    }
}

/// The same for the glossary, whose terms, laws and roles the documents print.
pub(super) fn check_glossary(policy: &Policy, d: &mut Diagnostics) {
    let plain = |text| Prose {
        text,
        markdown: false,
    };
    let g = &policy.glossary;
    let mut texts: Vec<Prose<'_>> = Vec::new();
    for t in &g.terms {
        texts.push(plain(&t.term));
        texts.extend(
            t.synonyms
                .iter()
                .chain(&t.legal)
                .chain(&t.source)
                .map(plain),
        );
        texts.push(Prose {
            text: &t.definition,
            markdown: true,
        });
    }
    for l in &g.laws {
        texts.extend([plain(&l.name), plain(&l.abbreviation)]);
    }
    texts.extend(g.roles.iter().map(|r| plain(&r.title)));
    for p in texts {
        text(policy, p, d);
    }
}

fn text(policy: &Policy, p: Prose<'_>, d: &mut Diagnostics) {
    let r = p.read(policy);
    report(r.as_str(), &|range| r.span(range), d);
}

/// Errors (`unshowable-character`) at each run of grapheme clusters of `s` that the
/// fonts cannot show, located by `span` (byte ranges of `s` to the source). Clusters
/// side by side (a name in Chinese) are one finding.
pub fn report(s: &str, span: &dyn Fn(Range<usize>) -> Span, d: &mut Diagnostics) {
    let mut runs: Vec<Range<usize>> = Vec::new();
    for x in crate::fonts::unshowable(s) {
        match runs.last_mut() {
            Some(last) if last.end == x.start => last.end = x.end,
            _ => runs.push(x),
        }
    }
    for range in runs {
        let what = crate::fonts::describe(&s[range.clone()]);
        d.push(
            Diagnostic::error(
                "unshowable-character",
                span(range),
                format!("{what} cannot be shown in the PDF: none of its fonts has it"),
            )
            .with_hint(SHOWN),
        );
    }
}
