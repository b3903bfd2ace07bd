//! Node tree → typed values, collecting every problem on the way.
//!
//! Each model type reads its mapping through a [`MapReader`], which knows the
//! keys the type asked for, so unknown keys are reported with "did you mean",
//! and a missing or mistyped field does not stop the rest of the file from
//! being checked.

use jiff::civil::Date;

use crate::date::parse as parse_date;
use crate::diag::{Diagnostic, Diagnostics, did_you_mean, list};
use crate::load::yaml::{Node, NodeKind, Style};
use crate::source::{Span, Spanned};

/// A type that can be read from a YAML node.
pub trait Decode: Sized {
    /// What the user should have written, for messages ("text", "a date").
    const EXPECTED: &'static str;
    /// Reads the node; reports problems and returns `None` when it cannot.
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self>;
}

/// Reports that `node` is not what was expected.
pub fn wrong_type(node: &Node, expected: &str, d: &mut Diagnostics) {
    d.push(
        Diagnostic::error(
            "wrong-type",
            node.span,
            format!("expected {expected}, found {}", node.describe()),
        )
        .with_label(format!("should be {expected}")),
    );
}

impl Decode for String {
    const EXPECTED: &'static str = "text";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        match &node.kind {
            NodeKind::Scalar(s, _) if !node.is_null() => Some(s.clone()),
            _ => {
                wrong_type(node, Self::EXPECTED, d);
                None
            }
        }
    }
}

impl Decode for bool {
    const EXPECTED: &'static str = "`true` or `false`";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        match &node.kind {
            NodeKind::Scalar(s, Style::Plain) if s == "true" => Some(true),
            NodeKind::Scalar(s, Style::Plain) if s == "false" => Some(false),
            _ => {
                wrong_type(node, Self::EXPECTED, d);
                None
            }
        }
    }
}

impl Decode for i64 {
    const EXPECTED: &'static str = "a whole number";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        if let NodeKind::Scalar(s, Style::Plain) = &node.kind {
            if let Ok(n) = s.parse::<i64>() {
                return Some(n);
            }
        }
        wrong_type(node, Self::EXPECTED, d);
        None
    }
}

impl Decode for u32 {
    const EXPECTED: &'static str = "a whole number, 0 or more";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        if let NodeKind::Scalar(s, Style::Plain) = &node.kind {
            if let Ok(n) = s.parse::<u32>() {
                return Some(n);
            }
        }
        wrong_type(node, Self::EXPECTED, d);
        None
    }
}

impl Decode for Date {
    const EXPECTED: &'static str = "a date written `YYYY-MM-DD`";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let Some(s) = node.as_scalar().filter(|_| !node.is_null()) else {
            wrong_type(node, Self::EXPECTED, d);
            return None;
        };
        match parse_date(s) {
            Ok(date) => Some(date),
            Err(why) => {
                d.push(
                    Diagnostic::error(
                        "wrong-type",
                        node.span,
                        format!("`{s}` is not a date ({why})"),
                    )
                    .with_hint("write dates as `YYYY-MM-DD`, e.g. `2022-05-24`"),
                );
                None
            }
        }
    }
}

impl<T: Decode> Decode for Spanned<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        T::decode(node, d).map(|v| Spanned::new(v, node.span))
    }
}

impl<T: Decode> Decode for Vec<T> {
    const EXPECTED: &'static str = "a list";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        match &node.kind {
            NodeKind::Seq(items) => Some(items.iter().filter_map(|n| T::decode(n, d)).collect()),
            _ if node.is_null() => Some(Vec::new()),
            _ => {
                wrong_type(node, &format!("a list, each item {}", T::EXPECTED), d);

                None
            }
        }
    }
}

/// Reads one word from a fixed set; reports the others with "did you mean".
pub fn choice(
    node: &Node,
    what: &str,
    options: &[&'static str],
    d: &mut Diagnostics,
) -> Option<usize> {
    let Some(s) = node.as_scalar().filter(|_| !node.is_null()) else {
        wrong_type(node, &format!("one of {}", list(options)), d);
        return None;
    };
    if let Some(i) = options.iter().position(|o| *o == s) {
        return Some(i);
    }
    let mut diag = Diagnostic::error(
        "unknown-value",
        node.span,
        format!("`{s}` is not a known {what}"),
    )
    .with_label(format!("expected one of {}", list(options)));
    if let Some(best) = did_you_mean(s, options.iter().copied()) {
        diag = diag.with_hint(format!("did you mean `{best}`?"));
    }
    d.push(diag);
    None
}

/// Reads the fields of one YAML mapping.
pub struct MapReader<'n> {
    what: &'static str,
    span: Span,
    entries: &'n [(Node, Node)],
    used: Vec<bool>,
    asked: Vec<&'static str>,
    missing: Vec<(&'static str, &'static str)>,
}

impl<'n> MapReader<'n> {
    /// Starts reading `node` as the mapping of a `what` (e.g. "criterion");
    /// reports duplicate keys at once.
    pub fn new(node: &'n Node, what: &'static str, d: &mut Diagnostics) -> Option<Self> {
        let NodeKind::Map(entries) = &node.kind else {
            wrong_type(node, &format!("a mapping of `key: value` (a {what})"), d);
            return None;
        };
        for (i, (k, _)) in entries.iter().enumerate() {
            let key = k.as_scalar().unwrap_or_default();
            if let Some((first, _)) = entries[..i]
                .iter()
                .find(|(f, _)| f.as_scalar() == Some(key))
            {
                d.push(
                    Diagnostic::error(
                        "duplicate-key",
                        k.span,
                        format!("key `{key}` appears twice in this {what}"),
                    )
                    .with_label("second time")
                    .with_related(first.span, "first time")
                    .with_hint("a key may appear once in a mapping: delete or rename one of them"),
                );
            }
        }
        Some(MapReader {
            what,
            span: node.span,
            entries,
            used: vec![false; entries.len()],
            asked: Vec::new(),
            missing: Vec::new(),
        })
    }

    /// Accepts every key (for mappings whose keys are data, like a case's `fakta`).
    pub fn allow_all(&mut self) {
        self.used.iter_mut().for_each(|u| *u = true);
    }

    /// The span of the whole mapping.
    pub fn span(&self) -> Span {
        self.span
    }

    /// The raw node under `key`, marking the key as known.
    pub fn node(&mut self, key: &'static str) -> Option<&'n Node> {
        self.asked.push(key);
        let i = self
            .entries
            .iter()
            .position(|(k, _)| k.as_scalar() == Some(key))?;
        self.used[i] = true;
        Some(&self.entries[i].1)
    }

    /// The span of `key` itself, if present.
    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.entries
            .iter()
            .find(|(k, _)| k.as_scalar() == Some(key))
            .map(|(k, _)| k.span)
    }

    /// A field that must be present.
    pub fn required<T: Decode>(&mut self, key: &'static str, d: &mut Diagnostics) -> Option<T> {
        match self.node(key) {
            Some(n) if !n.is_null() => T::decode(n, d),
            Some(n) => {
                d.push(
                    Diagnostic::error("missing-field", n.span, format!("`{key}` is empty"))
                        .with_label(format!("this {} needs a `{key}`", self.what))
                        .with_hint(format!("`{key}` should be {}", T::EXPECTED)),
                );
                None
            }
            None => {
                // Reported once for all missing fields, in `finish`.
                self.missing.push((key, T::EXPECTED));
                None
            }
        }
    }

    /// A field that may be absent or null.
    pub fn optional<T: Decode>(&mut self, key: &'static str, d: &mut Diagnostics) -> Option<T> {
        match self.node(key) {
            Some(n) if !n.is_null() => T::decode(n, d),
            _ => None,
        }
    }

    /// A list that may be absent (then empty).
    pub fn list<T: Decode>(&mut self, key: &'static str, d: &mut Diagnostics) -> Vec<T> {
        self.optional::<Vec<T>>(key, d).unwrap_or_default()
    }

    /// A `true`/`false` flag that defaults to `false`.
    pub fn flag(&mut self, key: &'static str, d: &mut Diagnostics) -> bool {
        self.optional::<bool>(key, d).unwrap_or(false)
    }

    fn first_key_span(&self) -> Span {
        self.entries.first().map_or(self.span, |(k, _)| k.span)
    }

    /// Reports missing fields (together) and every key nobody asked for, with a
    /// suggestion where one is close.
    pub fn finish(self, d: &mut Diagnostics) {
        match self.missing.as_slice() {
            [] => {}
            [(key, expected)] => d.push(
                Diagnostic::error(
                    "missing-field",
                    self.first_key_span(),
                    format!("missing field `{key}` in {}", self.what),
                )
                .with_label(format!("this {} has no `{key}`", self.what))
                .with_hint(format!("add `{key}:` with {expected}")),
            ),
            many => {
                let keys: Vec<&str> = many.iter().map(|(k, _)| *k).collect();
                d.push(
                    Diagnostic::error(
                        "missing-field",
                        self.first_key_span(),
                        format!(
                            "missing fields {} in {}",
                            list(&keys).replace(" or ", " and "),
                            self.what
                        ),
                    )
                    .with_label(format!("this {} starts here", self.what))
                    .with_hint("see docs/format.md for what each field holds"),
                );
            }
        }
        for (i, (k, _)) in self.entries.iter().enumerate() {
            if self.used[i] {
                continue;
            }
            let key = k.as_scalar().unwrap_or_default();
            if self.asked.contains(&key) {
                continue; // a duplicate key, already reported
            }
            let mut diag = Diagnostic::error(
                "unknown-key",
                k.span,
                format!("unknown key `{key}` in {}", self.what),
            );
            diag = match did_you_mean(key, self.asked.iter().copied()) {
                Some(best) => diag.with_hint(format!("did you mean `{best}`?")),
                None => diag.with_hint(format!("known keys here: {}", list(&self.asked))),
            };
            d.push(diag);
        }
    }
}

/// The first and only key of a single-key mapping (`- text: …`), used for tagged choices.
pub fn single_key<'n>(
    node: &'n Node,
    what: &'static str,
    keys: &[&'static str],
    d: &mut Diagnostics,
) -> Option<(usize, &'n Node)> {
    let NodeKind::Map(entries) = &node.kind else {
        wrong_type(node, &format!("a {what}: one of {}", list(keys)), d);
        return None;
    };
    let [(k, v)] = entries.as_slice() else {
        d.push(
            Diagnostic::error(
                "wrong-type",
                node.span,
                format!("a {what} has exactly one key, found {}", entries.len()),
            )
            .with_hint(format!("start the {what} with one of {}", list(keys))),
        );
        return None;
    };
    let key = k.as_scalar().unwrap_or_default();
    if let Some(i) = keys.iter().position(|x| *x == key) {
        return Some((i, v));
    }
    let mut diag = Diagnostic::error("unknown-key", k.span, format!("unknown {what} `{key}`"));
    diag = match did_you_mean(key, keys.iter().copied()) {
        Some(best) => diag.with_hint(format!("did you mean `{best}`?")),
        None => diag.with_hint(format!("a {what} is one of {}", list(keys))),
    };
    d.push(diag);
    None
}
