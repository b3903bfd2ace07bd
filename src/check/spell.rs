//! Swedish spell check of the prose, with a real dictionary: Debian's `hunspell-sv`
//! (`/usr/share/hunspell/sv_SE.aff` and `.dic`, or the files `STYRDOK_DICTIONARY`
//! names without their extension), read by `spellbook`, a Hunspell-compatible checker
//! in Rust. Words the dictionary does not know are located warnings (`spelling`);
//! proper names and the document's own words go in the glossary's `words:` list, words
//! of another language in its `foreign:` list.
//!
//! Not checked: words in capitals only (acronyms: `IPS`, `LSS`), words with digits,
//! single letters, the first part of a hyphenated compound (`hälso-` in `hälso- och
//! sjukvård`), placeholders, link targets and code; a word the glossary already lists
//! as a misspelling (that warning says it) or as a term, synonym, law or role.

use std::path::PathBuf;

use crate::check::text::Read;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Policy;

/// A loaded dictionary and the policy's own words.
pub struct Speller {
    dict: spellbook::Dictionary,
    /// Lowercased words the policy accepts (glossary `words`, terms, laws, roles).
    known: std::collections::HashSet<String>,
    /// Lowercased words the glossary lists as misspellings (reported there).
    misspelt: std::collections::HashSet<String>,
    /// The dictionary's answer for each word asked about, as written: the versions of a
    /// document share most of their words, and a dictionary lookup (affixes,
    /// compounds) costs a thousand times a table's.
    answers: std::sync::Mutex<std::collections::HashMap<String, bool, crate::words::FastHash>>,
}

/// Where the dictionary is looked for, without extension: `STYRDOK_DICTIONARY`, else
/// the paths Debian's `hunspell-sv` and `myspell-sv` install.
pub fn dictionary_paths() -> Vec<PathBuf> {
    match std::env::var_os("STYRDOK_DICTIONARY") {
        Some(p) => vec![PathBuf::from(p)],
        None => vec![
            PathBuf::from("/usr/share/hunspell/sv_SE"),
            PathBuf::from("/usr/share/myspell/sv_SE"),
            PathBuf::from("/usr/share/myspell/dicts/sv_SE"),
        ],
    }
}

impl Speller {
    /// Loads the dictionary and collects the policy's own words.
    ///
    /// # Errors
    /// Why no dictionary could be used: none of [`dictionary_paths`] has both files, or
    /// the files could not be read or parsed (the message names the path).
    pub fn load(policy: &Policy) -> Result<Speller, String> {
        let mut tried = Vec::new();
        let mut found = None;
        for base in dictionary_paths() {
            let (aff, dic) = (base.with_extension("aff"), base.with_extension("dic"));
            if aff.is_file() && dic.is_file() {
                found = Some((aff, dic));
                break;
            }
            tried.push(base.display().to_string());
        }
        let Some((aff, dic)) = found else {
            return Err(format!(
                "no Swedish dictionary found (looked for {}.aff and .dic)",
                tried.join(".aff/.dic, ")
            ));
        };
        let read =
            |p: &PathBuf| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
        let dict = spellbook::Dictionary::new(&read(&aff)?, &read(&dic)?)
            .map_err(|e| format!("{}: {e}", aff.display()))?;
        let g = &policy.glossary;
        let mut known = std::collections::HashSet::new();
        let mut add = |s: &str| {
            for w in s
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| !w.is_empty())
            {
                known.insert(w.to_lowercase());
            }
        };
        g.words.iter().for_each(|w| add(&w.value));
        // Words of another language are not Swedish; the glossary says which they are.
        g.foreign
            .iter()
            .flat_map(|f| &f.words)
            .for_each(|w| add(&w.value));
        for t in &g.terms {
            add(&t.term.value);
            t.synonyms.iter().for_each(|s| add(&s.value));
        }
        for l in &g.laws {
            add(&l.name.value);
            add(&l.abbreviation.value);
        }
        g.roles.iter().for_each(|r| add(&r.title.value));
        let misspelt = g
            .misspellings
            .iter()
            .map(|m| m.wrong.value.to_lowercase())
            .collect();
        Ok(Speller {
            dict,
            known,
            misspelt,
            answers: std::sync::Mutex::default(),
        })
    }

    /// Whether `word` (one alphabetic word) passes.
    pub fn accepts(&self, word: &str) -> bool {
        let lower = word.to_lowercase();
        word.chars().count() < 2
            || word.chars().all(|c| !c.is_lowercase())
            || self.known.contains(&lower)
            || self.misspelt.contains(&lower)
            || self.dictionary_accepts(word)
    }

    /// `dict.check(word)`, asked once per word.
    fn dictionary_accepts(&self, word: &str) -> bool {
        // A poisoned lock (a panic elsewhere while holding it) only loses the memo.
        let mut answers = match self.answers.lock() {
            Ok(a) => a,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(&known) = answers.get(word) {
            return known;
        }
        let ok = self.dict.check(word);
        answers.insert(word.to_owned(), ok);
        ok
    }

    /// Warns at every word of a text as published ([`Read`]: entities, escapes and
    /// invisible characters cannot hide a word) that the dictionary does not know, with
    /// the dictionary's first suggestion when it has one. Code and placeholders are not
    /// read.
    pub fn check_text(&self, r: &Read<'_>, d: &mut Diagnostics) {
        let text = r.as_str();
        let skip: Vec<std::ops::Range<usize>> = crate::markdown::scan_placeholders(text)
            .into_iter()
            .map(|s| s.range)
            .collect();
        let mut start = None;
        let mut words = Vec::new();
        for (i, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            match (c.is_alphabetic(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    words.push((s, i, c));
                    start = None;
                }
                _ => {}
            }
        }
        for (a, b, after) in words {
            let w = &text[a..b];
            let before = text[..a].chars().next_back();
            let next = text[b..].chars().nth(1);
            if skip.iter().any(|r| r.contains(&a))
                || r.published.in_code(a)
                // A compound's first part left open (`hälso- och sjukvård`), an id, a
                // path, a word with digits.
                || after == '-' && next.is_none_or(char::is_whitespace)
                || matches!(after, '_' | '\'' | '/' | '’' | '@' | '0'..='9')
                || after == '.' && next.is_some_and(char::is_alphanumeric)
                || before.is_some_and(|c| c.is_ascii_digit() || matches!(c, '_' | '/' | '@'))
                || self.accepts(w)
                // An abbreviation the dictionary lists with its period (`dvs.`, `osv.`).
                || after == '.' && self.dict.check(&format!("{w}."))
            {
                continue;
            }
            // Each part of a hyphenated word is checked on its own (`IPS-metoden`
            // passes, `kommun-felstavadd` does not).
            let mut suggestions = Vec::new();
            self.dict.suggest(w, &mut suggestions);
            let hint = match suggestions.first() {
                Some(s) => format!(
                    "did you mean `{s}`? A name or a word of the document's own goes in `words:` in glossary.yaml"
                ),
                None => "a name or a word of the document's own goes in `words:` in glossary.yaml"
                    .to_owned(),
            };
            d.push(
                Diagnostic::warning(
                    "spelling",
                    r.span(a..b),
                    format!("`{w}` is not in the Swedish dictionary"),
                )
                .with_hint(hint),
            );
        }
    }
}
