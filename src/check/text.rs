//! Checks of the prose itself, as a careful reviewer reads it: legal references
//! that contradict the glossary or lack their `§`, synonyms used where the
//! glossary prefers a term, known misspellings, and titles that differ between places.
//! These are warnings: the shipped text stays as adopted; the tool only reports.

use crate::diag::{Diagnostic, Diagnostics};
use crate::load::yaml::value_offset_to_source;
use crate::markdown::Published;
use crate::model::{Block, Law, Part, Policy, Text, Version};
use crate::source::Span;

/// The source span of `len` bytes at `offset` inside a text's value.
pub fn text_span(policy: &Policy, t: &Text, offset: usize, len: usize) -> Span {
    let file = policy.sources.get(t.span.file);
    let start = value_offset_to_source(&t.value, t.span, file, offset);
    let end = value_offset_to_source(&t.value, t.span, file, offset + len).max(start);
    Span::new(t.span.file, start, end)
}

/// A piece of prose in a version, and whether it is Markdown (published through the
/// Markdown parser) or plain text (a title, a heading, a name: published as written).
#[derive(Debug, Clone, Copy)]
pub struct Prose<'a> {
    /// The text as the YAML holds it.
    pub text: &'a Text,
    /// Whether it is Markdown.
    pub markdown: bool,
}

impl<'a> Prose<'a> {
    /// The text as it is published, mapped back to the YAML ([`Read`]).
    pub fn read(self, policy: &'a Policy) -> Read<'a> {
        let published = if self.markdown {
            Published::markdown(&self.text.value)
        } else {
            Published::plain(&self.text.value)
        };
        Read {
            policy,
            text: self.text,
            published,
        }
    }
}

/// A text as a reader reads it in the published document (entities and escapes
/// resolved, markup and invisible characters gone: [`Published`]), for the checks that
/// read words, with each range of it mapped back to the exact bytes of the YAML.
pub struct Read<'a> {
    policy: &'a Policy,
    /// The text as the YAML holds it.
    pub text: &'a Text,
    /// The text as published.
    pub published: Published,
}

impl Read<'_> {
    /// The published text.
    pub fn as_str(&self) -> &str {
        &self.published.text
    }

    /// The YAML source of `range` (byte offsets into [`Read::as_str`]).
    pub fn span(&self, range: std::ops::Range<usize>) -> Span {
        let r = self.published.source_range(range);
        text_span(self.policy, self.text, r.start, r.len())
    }
}

/// Every piece of prose in a version, in reading order, each with whether it is Markdown.
pub fn prose(v: &Version) -> Vec<Prose<'_>> {
    let plain = |text| Prose {
        text,
        markdown: false,
    };
    let md = |text| Prose {
        text,
        markdown: true,
    };
    let mut out: Vec<Prose<'_>> = vec![plain(&v.title)];
    out.extend(v.subtitle.iter().chain(&v.title_page_title).map(plain));
    out.extend(v.notice.iter().map(md));
    for (_, s) in v.sections_flat() {
        out.push(plain(&s.heading));
        let mut body = Vec::new();
        body_texts(&s.body, &mut body);
        out.extend(body.into_iter().map(md));
    }
    out.extend(v.criteria.iter().map(|c| md(&c.text)));
    out.extend(group_texts(v).into_iter().map(md));
    out.extend(v.duties.iter().map(|c| md(&c.text)));
    out.extend(v.procedure.iter().map(|c| md(&c.text)));
    out.extend(v.procedure.iter().map(|c| plain(&c.provision)));
    out.extend(v.guidance.iter().map(|c| md(&c.text)));
    for i in &v.interventions {
        out.extend([plain(&i.name), plain(&i.target_group)]);
        out.extend(i.legal_basis.iter().map(plain));
    }
    out
}

/// Every piece of prose in a version, in reading order ([`prose`] without the kind).
pub fn texts(v: &Version) -> Vec<&Text> {
    prose(v).into_iter().map(|p| p.text).collect()
}

/// Every piece of Markdown prose in a version (where placeholders are resolved): the
/// notice, text blocks, paragraph parts and passages, criteria, duties, procedure steps
/// and guidance. Titles, headings and names are plain text.
pub fn markdown_texts(v: &Version) -> Vec<&Text> {
    let mut out: Vec<&Text> = v.notice.iter().collect();
    for (_, s) in v.sections_flat() {
        body_texts(&s.body, &mut out);
    }
    out.extend(v.criteria.iter().map(|c| &c.text));
    out.extend(group_texts(v));
    out.extend(v.duties.iter().map(|c| &c.text));
    out.extend(v.procedure.iter().map(|c| &c.text));
    out.extend(v.guidance.iter().map(|c| &c.text));
    out
}

/// The prose of a section's own body (not its subsections'), in order.
fn body_texts<'a>(body: &'a [Block], out: &mut Vec<&'a Text>) {
    for b in body {
        match b {
            Block::Text(t) => out.push(t),
            Block::Paragraph(parts) => out.extend(parts.iter().filter_map(|p| match p {
                Part::Text(t) | Part::Passage { text: t, .. } => Some(t),
                Part::Ref(_) => None,
            })),
            Block::Criteria(_) | Block::Guidance(_) => {}
        }
    }
}

/// The own sentences of every group of criteria in `v`, interventions in order.
fn group_texts(v: &Version) -> Vec<&Text> {
    let mut groups = Vec::new();
    for i in &v.interventions {
        for m in &i.members {
            m.groups(&mut groups);
        }
    }
    groups.into_iter().filter_map(|g| g.text.as_ref()).collect()
}

pub(super) fn check_version(policy: &Policy, v: &Version, d: &mut Diagnostics) {
    let numbered: Vec<(String, &str)> = if v.numbered {
        v.sections_flat()
            .into_iter()
            .zip(v.section_numbers())
            .filter_map(|((_, s), n)| Some((n?, s.heading.value.as_str())))
            .collect()
    } else {
        Vec::new()
    };
    // Every check reads the text as published, so that an entity, an escape or a soft
    // hyphen hides nothing from it, and reports at the bytes of the YAML.
    for p in prose(v) {
        let r = p.read(policy);
        legal_references(policy, &r, v.valid_from.value, d);
        missing_paragraph_sign(policy, &r, d);
        words(policy, &r, d);
        if v.numbered && p.markdown {
            section_mentions(&numbered, &r, d);
        }
    }
    titles(v, d);
}

/// The byte length of the start of `rest` that reads as `heading`: the same letters in
/// any case, any run of white space for a space, and no letter or digit right after.
fn reads_as(rest: &str, heading: &str) -> Option<usize> {
    let mut r = rest.char_indices().peekable();
    let mut h = heading.split_whitespace().peekable();
    let mut end = 0;
    while let Some(word) = h.next() {
        for hc in word.chars().flat_map(char::to_lowercase) {
            let (i, c) = r.next()?;
            let mut lc = c.to_lowercase();
            if lc.next() != Some(hc) || lc.next().is_some() {
                return None;
            }
            end = i + c.len_utf8();
        }
        if h.peek().is_some() {
            if !r.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                return None;
            }
            while r.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        }
    }
    match r.peek() {
        Some((_, c)) if c.is_alphanumeric() => None,
        _ => Some(end),
    }
}

/// `avsnitt 4.6 Matlåda` in a numbered version: the number and the heading written after
/// it must be the same section's. A source defect is reported, never corrected: the
/// number names another heading (or no section), and a section with the heading has
/// another number.
fn section_mentions(numbered: &[(String, &str)], r: &Read<'_>, d: &mut Diagnostics) {
    let s = r.as_str();
    for (start, end) in find_words(s, "avsnitt") {
        let after = &s[end..];
        let gap = after.len() - after.trim_start().len();
        if gap == 0 {
            continue;
        }
        let at = end + gap;
        // The number: digits, with `.` between groups; a `.` after it ends a top-level one.
        let bytes = s.as_bytes();
        let mut j = at;
        while j < s.len()
            && (bytes[j].is_ascii_digit()
                || (bytes[j] == b'.' && j + 1 < s.len() && bytes[j + 1].is_ascii_digit() && j > at))
        {
            j += 1;
        }
        if j == at || !bytes[at].is_ascii_digit() {
            continue;
        }
        let number = &s[at..j];
        if j < s.len() && bytes[j] == b'.' {
            j += 1;
        }
        if s[j..].chars().next().is_some_and(char::is_alphanumeric) {
            continue;
        }
        let rest_at = j + (s[j..].len() - s[j..].trim_start().len());
        let rest = &s[rest_at..];
        let named = numbered.iter().find(|(n, _)| n == number);
        // The longest heading written after the number.
        let follows = numbered
            .iter()
            .filter_map(|(n, h)| reads_as(rest, h).map(|len| (len, n, *h)))
            .max_by_key(|(len, _, _)| *len);
        if let (Some((_, h)), Some(_)) = (named, follows) {
            if reads_as(rest, h).is_some() {
                continue;
            }
        }
        let (message, stop) = match (named, follows) {
            (Some(_), None) => continue,
            (Some((_, h)), Some((len, m, other))) => (
                format!("avsnitt {number} heter \"{h}\"; \"{other}\" är avsnitt {m}"),
                rest_at + len,
            ),
            (None, Some((len, m, other))) => (
                format!("det finns inget avsnitt {number}; \"{other}\" är avsnitt {m}"),
                rest_at + len,
            ),
            (None, None) => (
                format!("det finns inget avsnitt {number}"),
                at + number.len(),
            ),
        };
        d.push(
            Diagnostic::warning(
                "section-reference",
                r.span(start..stop),
                message,
            )
            .with_hint("the adopted text is kept as it is; in the next version write `{section: <id>}`, which prints the section's number and heading"),
        );
    }
}

/// Checks the glossary against itself: a synonym must not also be a preferred term.
pub(super) fn check_glossary(policy: &Policy, d: &mut Diagnostics) {
    let terms = &policy.glossary.terms;
    for t in terms {
        for s in &t.synonyms {
            if let Some(other) = terms
                .iter()
                .find(|o| o.term.value.to_lowercase() == s.value.to_lowercase())
            {
                d.push(
                    Diagnostic::error(
                        "glossary-conflict",
                        s.span,
                        format!(
                            "`{}` is a synonym of `{}` but also a defined term of its own",
                            s.value, t.term.value
                        ),
                    )
                    .with_related(other.term.span, "defined here")
                    .with_hint("a word can be preferred or a synonym, not both"),
                );
            }
        }
    }
}

/// Finds whole-word, case-insensitive occurrences of `needle` in `hay`; byte ranges.
pub fn find_words(hay: &str, needle: &str) -> Vec<(usize, usize)> {
    let needle: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    let mut out = Vec::new();
    if needle.is_empty() {
        return out;
    }
    let mut prev: Option<char> = None;
    for (i, c) in hay.char_indices() {
        let at_word_start = prev.is_none_or(|p| !p.is_alphanumeric());
        prev = Some(c);
        if !at_word_start {
            continue;
        }
        let mut chars = hay[i..]
            .char_indices()
            .flat_map(|(j, c)| c.to_lowercase().map(move |l| (j, l)));
        let mut end = i;
        let matched = needle.iter().all(|n| match chars.next() {
            Some((j, l)) if l == *n => {
                end = i + j;
                true
            }
            _ => false,
        });
        if !matched {
            continue;
        }
        let end = end + hay[end..].chars().next().map_or(0, char::len_utf8);
        if hay[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric())
        {
            out.push((i, end));
        }
    }
    out
}

/// A citation of a law in prose: the law's abbreviation or one-word name, the
/// provision written just before it (`4 kap. 2 §`, `4 kap 1 SoL`, `9 §`), and an SFS
/// number in parentheses just after it. Byte offsets into the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LawCitation {
    /// Where the citation starts: the provision's first digit, or the law's name.
    pub start: usize,
    /// Where the law's name ends.
    pub end: usize,
    /// The law's abbreviation or name as written (`SoL`, `Socialtjänstlagen`).
    pub word: String,
    /// The provision, normalized (`4 kap. 2 §`); `None` when the law is named alone.
    pub provision: Option<String>,
    /// `2001:453` when the citation gives the SFS number: `SoL (2001:453)`.
    pub sfs: Option<String>,
}

impl LawCitation {
    /// The law the citation means in a text valid from `date`: the one whose SFS number
    /// it gives, else the one of that name in force on `date` ([`Glossary::law_on`]).
    ///
    /// [`Glossary::law_on`]: crate::model::Glossary::law_on
    pub fn law<'p>(&self, policy: &'p Policy, date: jiff::civil::Date) -> Option<&'p Law> {
        let g = &policy.glossary;
        self.sfs
            .as_ref()
            .and_then(|n| {
                g.laws_named(&self.word)
                    .into_iter()
                    .find(|l| l.sfs.value == *n)
            })
            .or_else(|| g.law_on(&self.word, date))
    }
}

/// Every citation of a glossary law in `s`, in order (see [`LawCitation`]). The
/// abbreviation in `Socialtjänstlagen (SoL)` is part of the name's citation, not one of
/// its own.
pub fn law_citations(policy: &Policy, s: &str) -> Vec<LawCitation> {
    let mut names: Vec<&str> = Vec::new();
    for l in &policy.glossary.laws {
        for n in [&l.abbreviation.value, &l.name.value] {
            if !n.contains(char::is_whitespace)
                && !n.is_empty()
                && !names.iter().any(|x| x.eq_ignore_ascii_case(n))
            {
                names.push(n);
            }
        }
    }
    let mut out = Vec::new();
    for name in names {
        for (start, end) in find_words(s, name) {
            let before = s[..start].trim_end();
            if let Some(inner) = before.strip_suffix('(') {
                let w = last_word(inner.trim_end());
                if policy.glossary.law_named(w).is_some() {
                    continue; // `Socialtjänstlagen (SoL)`
                }
            }
            let (from, provision) = provision_before(s, start);
            let after = s[end..].trim_start();
            let sfs = after
                .strip_prefix('(')
                .and_then(|a| a.split_once(')'))
                .map(|(inner, _)| inner)
                .filter(|inner| is_sfs(inner))
                .map(str::to_string);
            out.push(LawCitation {
                start: from,
                end,
                word: s[start..end].to_string(),
                provision,
                sfs,
            });
        }
    }
    out.sort_by_key(|c| c.start);
    out
}

fn last_word(s: &str) -> &str {
    let start = s
        .rfind(|c: char| !c.is_alphanumeric())
        .map_or(0, |i| i + s[i..].chars().next().map_or(1, char::len_utf8));
    &s[start..]
}

fn is_sfs(s: &str) -> bool {
    s.split_once(':').is_some_and(|(y, n)| {
        y.len() == 4
            && y.chars().all(|c| c.is_ascii_digit())
            && !n.is_empty()
            && n.chars().all(|c| c.is_ascii_digit())
    })
}

/// The provision written just before byte `at`: `4 kap. 2 §`, `4 kap 2§`, `4 kap. 1`
/// (no `§`), `9 §`; with the byte where it starts. A bare number is not a provision.
fn provision_before(s: &str, at: usize) -> (usize, Option<String>) {
    let digits = |x: &str| x.len() - x.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let mut rest = s[..at].trim_end();
    let sign = rest.ends_with('§');
    if sign {
        rest = rest.trim_end_matches('§').trim_end();
    }
    let n = digits(rest);
    if n == 0 {
        return (at, None);
    }
    let section = &rest[rest.len() - n..];
    let mut from = rest.len() - n;
    let before = rest[..from].trim_end();
    let chapter = before
        .strip_suffix("kap.")
        .or_else(|| before.strip_suffix("kap"))
        .map(str::trim_end)
        .and_then(|b| {
            let c = digits(b);
            (c > 0).then(|| (b.len() - c, &b[b.len() - c..]))
        });
    match chapter {
        Some((start, ch)) => {
            from = start;
            (from, Some(format!("{ch} kap. {section} §")))
        }
        None if sign => (from, Some(format!("{section} §"))),
        None => (at, None),
    }
}

/// `4 kap. 2 § SoL (2001:435)`: the SFS number must be the one the glossary gives the
/// law; of two laws with the same abbreviation, either one's number is right, and a
/// wrong one is compared with the law in force on `date` (the version's `valid_from`).
fn legal_references(policy: &Policy, r: &Read<'_>, date: jiff::civil::Date, d: &mut Diagnostics) {
    let s = r.as_str();
    for (open, _) in s.match_indices('(') {
        let Some(close) = s[open..].find(')').map(|c| open + c) else {
            continue;
        };
        let inner = &s[open + 1..close];
        let Some((year, number)) = inner.split_once(':') else {
            continue;
        };
        if year.len() != 4
            || !year.chars().all(|c| c.is_ascii_digit())
            || number.is_empty()
            || !number.chars().all(|c| c.is_ascii_digit())
        {
            continue;
        }
        let before = s[..open].trim_end();
        let word_start = before.rfind(|c: char| !c.is_alphanumeric()).map_or(0, |i| {
            i + before[i..].chars().next().map_or(1, char::len_utf8)
        });
        let word = &before[word_start..];
        let named = policy.glossary.laws_named(word);
        if named.iter().any(|l| l.sfs.value == inner) {
            continue;
        }
        let Some(law) = policy.glossary.law_on(word, date) else {
            continue;
        };
        {
            d.push(
                Diagnostic::warning(
                    "legal-reference",
                    r.span(open + 1..close),
                    format!("`{word} ({inner})` contradicts the glossary: {} is SFS {}", law.abbreviation.value, law.sfs.value),
                )
                .with_label(format!("the glossary says {}", law.sfs.value))
                .with_related(law.sfs.span, "the glossary's SFS number")
                .with_hint("the adopted text is kept as it is; correct it in the next version if it is a typo"),
            );
        }
    }
}

/// `4 kap. 1 SoL`: a chapter-and-section reference to a law with no `§`.
fn missing_paragraph_sign(policy: &Policy, r: &Read<'_>, d: &mut Diagnostics) {
    let s = r.as_str();
    let digits = |x: &str| x.len() - x.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let mut abbreviations: Vec<&str> = Vec::new();
    for law in &policy.glossary.laws {
        let abbr = law.abbreviation.value.as_str();
        if abbreviations.contains(&abbr) {
            continue; // two laws called SoL: one warning per place
        }
        abbreviations.push(abbr);
        for (start, end) in find_words(s, abbr) {
            // Walk back over "<chapter> kap. <section> " before the abbreviation.
            let before = s[..start].trim_end();
            let n = digits(before);
            if n == 0 {
                continue; // `§ SoL`, `enligt SoL`: fine
            }
            let rest = before[..before.len() - n].trim_end();
            let Some(rest) = rest
                .strip_suffix("kap.")
                .or_else(|| rest.strip_suffix("kap"))
            else {
                continue;
            };
            let rest = rest.trim_end();
            let c = digits(rest);
            if c == 0 {
                continue;
            }
            let from = rest.len() - c;
            d.push(
                Diagnostic::warning(
                    "legal-reference",
                    r.span(from..end),
                    format!("legal reference `{}` has no `§`", &s[from..end]),
                )
                .with_hint(format!(
                    "a section of a chapter is written `{} § {abbr}`",
                    s[from..start].trim_end()
                )),
            );
        }
    }
}

fn words(policy: &Policy, r: &Read<'_>, d: &mut Diagnostics) {
    let g = &policy.glossary;
    let s = r.as_str();
    for term in &g.terms {
        for syn in &term.synonyms {
            for (a, b) in find_words(s, &syn.value) {
                d.push(
                    Diagnostic::warning(
                        "synonym",
                        r.span(a..b),
                        format!(
                            "`{}` is a synonym of the defined term `{}`",
                            &s[a..b],
                            term.term.value
                        ),
                    )
                    .with_related(term.term.span, "the glossary's preferred term")
                    .with_hint(format!(
                        "prefer `{}` in new text, so that one thing has one name",
                        term.term.value
                    )),
                );
            }
        }
    }
    for m in &g.misspellings {
        for (a, b) in find_words(s, &m.wrong.value) {
            d.push(
                Diagnostic::warning(
                    "misspelling",
                    r.span(a..b),
                    format!(
                        "`{}` looks misspelt: the glossary gives `{}`",
                        &s[a..b],
                        m.right.value
                    ),
                )
                .with_hint("the adopted text is kept as it is; correct it in the next version"),
            );
        }
    }
}

/// The title must read the same wherever the document prints it.
fn titles(v: &Version, d: &mut Diagnostics) {
    let Some(other) = &v.title_page_title else {
        return;
    };
    // As printed: a soft hyphen or other invisible character makes no difference.
    let norm = |s: &str| {
        Published::plain(s)
            .text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (a, b) = (norm(&v.title.value), norm(&other.value));
    if a == b {
        return;
    }
    let changes: Vec<String> = crate::words::changes(&a, &b)
        .into_iter()
        .map(|(r, a)| match (r.is_empty(), a.is_empty()) {
            (false, false) => format!("`{r}` → `{a}`"),
            (false, true) => format!("`{r}` missing"),
            _ => format!("`{a}` added"),
        })
        .collect();
    d.push(
        Diagnostic::warning(
            "title-mismatch",
            other.span,
            format!("the title page's title differs from the title: {}", changes.join(", ")),
        )
        .with_related(v.title.span, "the title")
        .with_hint("a document should carry one title; the adopted text is kept, correct it in the next version"),
    );
}

#[cfg(test)]
mod tests {
    use super::find_words;

    #[test]
    fn whole_words_only_and_case_insensitive() {
        let hay = "Arbetsrehabilitering och arbetsrehabiliteringen; ARBETSREHABILITERING.";
        let found = find_words(hay, "arbetsrehabilitering");
        assert_eq!(found.len(), 2);
        assert_eq!(&hay[found[1].0..found[1].1], "ARBETSREHABILITERING");
        assert_eq!(
            find_words("skräddarsy skraddarsy", "skraddarsy"),
            vec![(12, 22)]
        );
    }
}
