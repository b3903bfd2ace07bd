//! Node tree → typed values, collecting every problem on the way.
//!
//! Each model type reads its mapping through a [`MapReader`], which knows the
//! keys the type asked for, so unknown keys are reported with "did you mean",
//! and a missing or mistyped field does not stop the rest of the file from
//! being checked.

use jiff::civil::Date;

use crate::date::parse as parse_date;
use crate::diag::{Diagnostic, Diagnostics, did_you_mean, list};
use crate::load::schema::{self, Field, SchemaGen, Shape};
use crate::load::yaml::{Node, NodeKind, Style};
use crate::source::{Span, Spanned};

/// A type that can be read from a YAML node.
pub trait Decode: Sized {
    /// What the user should have written, for messages ("text", "a date").
    const EXPECTED: &'static str;
    /// Whether the value is free text, which is empty when it shows nothing
    /// ([`blank`]): a required key holding only white space is `missing-field`, an
    /// optional one is left out (with a `blank-text` warning), a list entry is an error.
    const TEXT: bool = false;
    /// Reads the node; reports problems and returns `None` when it cannot.
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self>;
    /// The JSON Schema (draft-07) of what [`Decode::decode`] accepts, for editors.
    /// A mapping's schema comes from [`SchemaGen::object`], which runs the decoder
    /// itself and records the keys it asks for, so the two cannot disagree.
    fn schema(g: &mut SchemaGen) -> serde_json::Value;
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
    const TEXT: bool = true;
    fn schema(_: &mut SchemaGen) -> serde_json::Value {
        schema::text()
    }
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
    fn schema(_: &mut SchemaGen) -> serde_json::Value {
        serde_json::json!({"type": "boolean"})
    }
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
    fn schema(_: &mut SchemaGen) -> serde_json::Value {
        serde_json::json!({"type": "integer"})
    }
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
    fn schema(_: &mut SchemaGen) -> serde_json::Value {
        serde_json::json!({"type": "integer", "minimum": 0, "maximum": u32::MAX})
    }
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
    fn schema(_: &mut SchemaGen) -> serde_json::Value {
        schema::date()
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let Some(s) = node.as_scalar().filter(|_| !node.is_null()) else {
            wrong_type(node, Self::EXPECTED, d);
            return None;
        };
        match parse_date(s) {
            Ok(date) => Some(date),
            Err(why) => {
                d.push(
                    Diagnostic::error("wrong-type", node.span, crate::date::not_a_date(s, &why))
                        .with_hint("write dates as `YYYY-MM-DD`, e.g. `2022-05-24`"),
                );
                None
            }
        }
    }
}

impl<T: Decode> Decode for Spanned<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    const TEXT: bool = T::TEXT;
    fn schema(g: &mut SchemaGen) -> serde_json::Value {
        T::schema(g)
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        T::decode(node, d).map(|v| Spanned::new(v, node.span))
    }
}

impl<T: Decode> Decode for Vec<T> {
    const EXPECTED: &'static str = "a list";
    fn schema(g: &mut SchemaGen) -> serde_json::Value {
        serde_json::json!({"type": ["array", "null"], "items": T::schema(g)})
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        match &node.kind {
            NodeKind::Seq(items) => Some(
                items
                    .iter()
                    .filter_map(|n| {
                        if T::TEXT && blank(n) {
                            d.push(empty_entry(n));
                            return None;
                        }
                        T::decode(n, d)
                    })
                    .collect(),
            ),
            _ if node.is_null() => Some(Vec::new()),
            _ => {
                wrong_type(node, &format!("a list, each item {}", T::EXPECTED), d);

                None
            }
        }
    }
}

/// Whether `node` is text that shows nothing when printed: a scalar (not null) that is
/// empty, or only white space of any kind, invisible characters and references to them
/// such as `&nbsp;` ([`crate::words::is_blank`]).
pub fn blank(node: &Node) -> bool {
    !node.is_null() && node.as_scalar().is_some_and(crate::words::is_blank)
}

/// The `missing-field` error of a required `key` of a `what` that is null or [`blank`]:
/// `` `key` is empty ``, at the value, with what it should be (`expected`).
pub fn empty_field(node: &Node, key: &str, what: &str, expected: &str) -> Diagnostic {
    let hint = if node.is_null() || node.as_scalar() == Some("") {
        format!("`{key}` should be {expected}")
    } else {
        format!(
            "`{key}` holds only white space, which prints as nothing (no-break spaces, \
             invisible characters and `&nbsp;` count as white space): write the {expected}"
        )
    };
    Diagnostic::error("missing-field", node.span, format!("`{key}` is empty"))
        .with_label(format!("this {what} needs a `{key}`"))
        .with_hint(hint)
}

/// The error of a list entry that is [`blank`] text.
fn empty_entry(node: &Node) -> Diagnostic {
    Diagnostic::error("missing-field", node.span, "empty entry in a list of text")
        .with_label("this entry prints as nothing")
        .with_hint("write the text, or remove the entry (no-break spaces, invisible characters and `&nbsp;` count as white space)")
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
    missing: Vec<(&'static str, String)>,
    /// While [`SchemaGen::object`] probes this reader's decoder: the keys asked, each
    /// with its shape, in the order asked. `None` otherwise (decoding as usual).
    probe: Option<Vec<Field>>,
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
            probe: schema::claim_probe(),
        })
    }

    /// Records, while probing for the schema, that `key` holds `shape`; the first
    /// shape recorded for a key other than [`Shape::Any`] is the one kept.
    fn record(&mut self, key: &'static str, shape: Shape, required: bool) {
        if let Some(fields) = &mut self.probe {
            match fields.iter_mut().find(|f| f.key == key) {
                Some(f) => {
                    if matches!(f.shape, Shape::Any) {
                        f.shape = shape;
                    }
                    f.required |= required;
                }
                None => fields.push(Field {
                    key,
                    shape,
                    required,
                }),
            }
        }
    }

    /// The raw node under `key` (as [`MapReader::node`]), whose value the schema
    /// describes as `shape`: for keys read by hand rather than through a [`Decode`].
    pub fn node_as(
        &mut self,
        key: &'static str,
        shape: fn(&mut SchemaGen) -> serde_json::Value,
    ) -> Option<&'n Node> {
        self.record(key, Shape::Of(shape), false);
        self.node(key)
    }

    /// A key that holds one word of `options` (`kind: riktlinje`): the word's index and
    /// where it was written. Absent is `missing-field` when `required`; any other value
    /// is `unknown-value` with "did you mean".
    pub fn choice(
        &mut self,
        key: &'static str,
        what: &str,
        options: &[&'static str],
        required: bool,
        d: &mut Diagnostics,
    ) -> Option<Spanned<usize>> {
        if self.probe.is_some() {
            self.record(key, Shape::OneOf(options.to_vec()), required);
        }
        match self.node(key) {
            Some(n) if !required && n.is_null() => None,
            Some(n) => choice(n, what, options, d).map(|i| Spanned::new(i, n.span)),
            None => {
                if required {
                    self.missing
                        .push((key, format!("one of {}", list(options))));
                }
                None
            }
        }
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
        self.record(key, Shape::Any, false);
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
        self.record(key, Shape::Of(T::schema), true);
        match self.node(key) {
            Some(n) if n.is_null() || (T::TEXT && blank(n)) => {
                d.push(empty_field(n, key, self.what, T::EXPECTED));
                None
            }
            Some(n) => T::decode(n, d),
            None => {
                // Reported once for all missing fields, in `finish`.
                self.missing.push((key, T::EXPECTED.to_owned()));
                None
            }
        }
    }

    /// A field that may be absent or null. Text that shows nothing ([`blank`]) counts
    /// as absent, so that nothing blank is published; unless it is the empty text `""`,
    /// a `blank-text` warning says so.
    pub fn optional<T: Decode>(&mut self, key: &'static str, d: &mut Diagnostics) -> Option<T> {
        self.record(key, Shape::Of(T::schema), false);
        match self.node(key) {
            Some(n) if T::TEXT && blank(n) => {
                if n.as_scalar() != Some("") {
                    d.push(
                        Diagnostic::warning(
                            "blank-text",
                            n.span,
                            format!("`{key}` holds only white space"),
                        )
                        .with_label("left out: it would print as nothing")
                        .with_hint(format!(
                            "write the text, or remove `{key}` (no-break spaces, invisible characters and `&nbsp;` count as white space)"
                        )),
                    );
                }
                None
            }
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
        if let Some(fields) = self.probe {
            schema::end_probe(fields);
            return;
        }
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
    schema::probe_single_key(keys);
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
