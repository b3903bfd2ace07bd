//! YAML front matter: `---` on the first line, `key: value` lines, and `---` (or `...`)
//! to close, as Markdown writers put a document's title there and as pandoc writes a
//! Word file's Title, Subtitle, Author and Date paragraphs (`pandoc -s`). The keys the
//! importer knows become the title, the subtitle and cover fields; every other key is
//! returned as not placed, with its lines' text, so nothing is dropped unsaid.

use crate::diag::Diagnostics;
use crate::load::yaml::{self as y, NodeKind};
use crate::source::Sources;

/// Most lines a front matter block may have before its closing line.
const MAX_LINES: usize = 200;

/// The format's own cover keys, accepted as front-matter keys as they are.
const KEYS: &[&str] = &[
    "dnr",
    "issued",
    "publisher",
    "contact",
    "decided_by",
    "decision_date",
    "valid_from",
    "valid_until",
    "replaces",
    "document_owner",
    "scope",
    "revision_by",
    "follow_up_by",
    "related_documents",
];

/// What one key of the front matter became.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Entry {
    Title(String),
    Subtitle(String),
    /// A cover field: the format's key and the value as text (a list joined by `; `).
    Field(&'static str, String),
    /// Not placed: the key as written, and the text of its lines.
    Unplaced(String, String),
}

/// A front matter block that reads as a YAML mapping.
#[derive(Debug)]
pub(super) struct Front {
    /// Index of the first line after the closing line.
    pub(super) end: usize,
    /// The entries in order, each with its 1-based line in the source.
    pub(super) entries: Vec<(usize, Entry)>,
}

/// The front matter at the top of `lines`, if there is one and it is a YAML mapping;
/// `None` otherwise (the lines are then read as the document's own).
pub(super) fn read(lines: &[String]) -> Option<Front> {
    if lines.first().map(|l| l.trim_end()) != Some("---") {
        return None;
    }
    let close = lines
        .iter()
        .enumerate()
        .skip(1)
        .take(MAX_LINES)
        .find(|(_, l)| matches!(l.trim_end(), "---" | "..."))?
        .0;
    if lines[1..close].iter().all(|l| l.trim().is_empty()) {
        return Some(Front {
            end: close + 1,
            entries: Vec::new(),
        });
    }
    let mut sources = Sources::default();
    let id = sources.add("front matter", lines[1..close].join("\n"));
    let file = sources.get(id);
    let mut diags = Diagnostics::default();
    let root = y::parse(id, file, &mut diags)?;
    let NodeKind::Map(pairs) = root.kind else {
        return None;
    };
    // Each key's lines run to the next key's (comments and continuation lines included).
    let starts: Vec<usize> = pairs
        .iter()
        .map(|(k, _)| file.line_col(k.span.start as usize).0)
        .collect();
    let text_of = |k: usize| {
        let from = starts[k];
        let to = starts.get(k + 1).copied().unwrap_or(close);
        let raw: Vec<&str> = lines[from..to.max(from + 1).min(close)]
            .iter()
            .map(String::as_str)
            .collect();
        super::normalise(&raw.join(" "))
    };
    let mut entries = Vec::new();
    for (k, (key, value)) in pairs.iter().enumerate() {
        // Line `starts[k]` of the block is line `starts[k] + 1` of the source.
        let line = starts[k] + 1;
        let name = key.as_scalar().unwrap_or_default().trim().to_string();
        if value.is_null() {
            continue;
        }
        let scalar = value.as_scalar().map(super::normalise);
        let list = match &value.kind {
            NodeKind::Seq(items) => items
                .iter()
                .map(|i| i.as_scalar().map(super::normalise))
                .collect::<Option<Vec<_>>>(),
            _ => None,
        };
        let entry = match (target(&name), scalar, list) {
            (Some(Target::Title), Some(s), _) if !s.is_empty() => Entry::Title(s),
            (Some(Target::Subtitle), Some(s), _) if !s.is_empty() => Entry::Subtitle(s),
            (Some(Target::Field(f)), Some(s), _) => Entry::Field(f, s),
            (Some(Target::Field("related_documents")), None, Some(items)) => {
                Entry::Field("related_documents", items.join("; "))
            }
            _ => Entry::Unplaced(name, text_of(k)),
        };
        entries.push((line, entry));
    }
    Some(Front {
        end: close + 1,
        entries,
    })
}

enum Target {
    Title,
    Subtitle,
    Field(&'static str),
}

/// The cover key a front-matter key names: `title`, `subtitle` (or `titel`,
/// `undertitel`), the format's own keys, or a Swedish label the cover uses
/// (`diarienummer`, `utgivare` …).
fn target(key: &str) -> Option<Target> {
    let k = key.to_lowercase();
    match k.as_str() {
        "title" | "titel" => return Some(Target::Title),
        "subtitle" | "undertitel" => return Some(Target::Subtitle),
        _ => {}
    }
    if let Some(f) = KEYS.iter().find(|f| **f == k) {
        return Some(Target::Field(f));
    }
    super::field(&format!("{key}: x")).map(|(f, _)| Target::Field(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<String> {
        s.lines().map(str::to_string).collect()
    }

    #[test]
    fn known_keys_map_and_the_rest_is_kept() {
        let f = read(&lines(
            "---\ntitle: \"Riktlinje: ett\"\nsubtitle: Maj 2025\nauthor:\n  - Anna\n  - Bo\nDiarienummer: SN 1\nrelated_documents: [A, B]\nempty:\n---\n# X",
        ))
        .unwrap();
        assert_eq!(f.end, 10);
        assert_eq!(
            f.entries,
            vec![
                (2, Entry::Title("Riktlinje: ett".into())),
                (3, Entry::Subtitle("Maj 2025".into())),
                (
                    4,
                    Entry::Unplaced("author".into(), "author: - Anna - Bo".into())
                ),
                (7, Entry::Field("dnr", "SN 1".into())),
                (8, Entry::Field("related_documents", "A; B".into())),
            ]
        );
    }

    #[test]
    fn not_front_matter() {
        assert!(read(&lines("---\nTitel\n\nText.\n")).is_none());
        assert!(read(&lines("---\n- a\n---\n")).is_none());
        assert!(read(&lines("---\na: [\n---\n")).is_none());
        assert!(read(&lines("Titel\n---\na: b\n---\n")).is_none());
        assert_eq!(read(&lines("---\n---\nText")).unwrap().end, 2);
    }
}
