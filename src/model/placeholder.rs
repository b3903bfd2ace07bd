//! Inline placeholders in prose, `{<kind>: <id>}`: what each kind names and the text
//! it stands for. The Markdown parse (`crate::markdown`) finds them in text runs; the
//! writers print what [`Policy::placeholder`] gives; `check` reports those that name
//! nothing; `diff` compares them by kind and id, as opaque references.
//!
//! A new kind is a variant here, its name in [`PlaceholderKind::name`], and one arm in
//! each of [`Policy::placeholder`] and [`Policy::placeholder_ids`].

use super::{Policy, Version};

/// What a placeholder names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlaceholderKind {
    /// `{section: <section-id>}`: a section of the same version, printed as its number
    /// and heading (`4.5 Matlåda`) in a numbered version, its heading otherwise.
    Section,
    /// `{param: <parameter-id>}`: a parameter's value in force when the version takes
    /// effect, with its unit, Swedish style (`58 800 kr`, `0,5392`, `18–64 år`, `7 %`).
    Param,
    /// `{number: <parameter-id>}`: the same value without its unit (`0–2`, `28`), for a
    /// table cell or where the text writes the unit in words (`28 procent`).
    Number,
}

impl PlaceholderKind {
    /// Every kind, in the order hints list them.
    pub const ALL: &'static [PlaceholderKind] = &[
        PlaceholderKind::Section,
        PlaceholderKind::Param,
        PlaceholderKind::Number,
    ];

    /// The kind as written before the colon: `section`.
    pub fn name(self) -> &'static str {
        match self {
            PlaceholderKind::Section => "section",
            PlaceholderKind::Param => "param",
            PlaceholderKind::Number => "number",
        }
    }

    /// The kind written as `name`, if there is one (exact, case-sensitive).
    pub fn from_name(name: &str) -> Option<PlaceholderKind> {
        Self::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// What the id of this kind names, in words for messages: `section`.
    pub fn what(self) -> &'static str {
        match self {
            PlaceholderKind::Section => "section",
            PlaceholderKind::Param | PlaceholderKind::Number => "parameter",
        }
    }
}

/// What a placeholder stands for in a version's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The text printed in its place (plain text, escaped by each writer).
    pub text: String,
    /// The id of the element it links to in the same document (a section's anchor and
    /// Typst label), if it is a link.
    pub anchor: Option<String>,
}

/// `text` with every line break and other control character (a unit written
/// `"kr\n\n# Rubrik"`, an escape sequence) as a space: a placeholder stands for a
/// few words inside a sentence, and a break in them would end the sentence's list
/// item or table row in the decision draft's Markdown, or reach the terminal.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

impl Policy {
    /// What `{kind: id}` stands for in the prose of `v`; `None` when `id` names nothing
    /// of that kind (`check` reports it as `unknown-reference`).
    pub fn placeholder(&self, v: &Version, kind: PlaceholderKind, id: &str) -> Option<Resolved> {
        match kind {
            PlaceholderKind::Section => v.section_title(id).map(|text| Resolved {
                text,
                anchor: Some(id.to_string()),
            }),
            PlaceholderKind::Param | PlaceholderKind::Number => {
                let p = self.parameter(id)?;
                let value = p.value_on(v.valid_from.value)?;
                let unit = match kind {
                    PlaceholderKind::Param => p.unit.as_ref().map(|u| u.value.as_str()),
                    _ => None,
                };
                Some(Resolved {
                    text: one_line(&crate::sv::param_value(&value.value.value, unit)),
                    anchor: None,
                })
            }
        }
    }

    /// Every id a placeholder of `kind` may name in `v` (for "did you mean").
    pub fn placeholder_ids<'a>(&'a self, v: &'a Version, kind: PlaceholderKind) -> Vec<&'a str> {
        match kind {
            PlaceholderKind::Section => v
                .sections_flat()
                .into_iter()
                .map(|(_, s)| s.id.value.as_str())
                .collect(),
            PlaceholderKind::Param | PlaceholderKind::Number => self
                .parameters
                .iter()
                .filter(|p| p.value_on(v.valid_from.value).is_some())
                .map(|p| p.id.value.as_str())
                .collect(),
        }
    }
}
