//! JSON Schemas (draft-07) of the policy files, generated from the decoders.
//!
//! An editor with a YAML language server (VS Code's Red Hat YAML extension, among
//! others) completes keys and flags mistakes while typing when a file names its schema.
//! The schemas here are not written by hand: [`SchemaGen::object`] runs a type's own
//! decoder on an empty mapping while a probe is active, and the [`MapReader`] that the
//! decoder opens records every key it asks for, whether it is required, and the
//! [`Decode`] type that reads it. A key the loader learns is therefore a key the schema
//! has, and a key it forgets is gone from both.
//!
//! The descriptions editors show are Swedish, for the policy officers who edit the
//! files, and live in one place: `src/load/schema.sv.yaml`, one entry per object and
//! key (tests/schema.rs fails on a key without one, or a description of no key).
//!
//! What a schema cannot say, `styrdok check` still does: references between files,
//! rules, dates in order, and the conditions between keys (`assessed_by` when
//! `kind: assessment`). The schema accepts what the loader accepts, never less, so an
//! editor never flags a file that checks clean.
//!
//! [`MapReader`]: crate::load::decode::MapReader

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::diag::Diagnostics;
use crate::load::decode::Decode;
use crate::load::yaml::{Node, NodeKind};
use crate::source::{FileId, Span};

/// A function giving a schema: usually `<T as Decode>::schema`.
pub type ShapeFn = fn(&mut SchemaGen) -> Value;

/// How the schema describes one key's value.
#[derive(Clone)]
pub enum Shape {
    /// Anything (a key read by hand, no shape given).
    Any,
    /// The schema a function gives, usually `<T as Decode>::schema`.
    Of(ShapeFn),
    /// One of these words.
    OneOf(Vec<&'static str>),
}

/// One key a decoder asked for while probed.
#[derive(Clone)]
pub struct Field {
    /// The key.
    pub key: &'static str,
    /// Its value's shape.
    pub shape: Shape,
    /// Whether the decoder reports it missing when absent.
    pub required: bool,
}

/// The state of a probe on this thread: waiting for the first reader, or done.
enum Probe {
    Waiting,
    Claimed,
    Done(Vec<Field>),
}

thread_local! {
    static PROBE: RefCell<Option<Probe>> = const { RefCell::new(None) };
}

/// Called by every new `MapReader`: the first one opened during a probe records its
/// keys (`Some`); every other reader, and every reader outside a probe, does not.
pub(crate) fn claim_probe() -> Option<Vec<Field>> {
    PROBE.with(|p| {
        let mut p = p.borrow_mut();
        if matches!(*p, Some(Probe::Waiting)) {
            *p = Some(Probe::Claimed);
            Some(Vec::new())
        } else {
            None
        }
    })
}

/// Called by the recording reader's `finish` with what it recorded.
pub(crate) fn end_probe(fields: Vec<Field>) {
    PROBE.with(|p| *p.borrow_mut() = Some(Probe::Done(fields)));
}

/// Called by `single_key` (a mapping with exactly one of `keys`): during a probe,
/// records the keys it accepts.
pub(crate) fn probe_single_key(keys: &[&'static str]) {
    if claim_probe().is_some() {
        end_probe(
            keys.iter()
                .map(|&key| Field {
                    key,
                    shape: Shape::Any,
                    required: false,
                })
                .collect(),
        );
    }
}

/// Runs `decode` on a mapping holding `present` (each null) and returns the keys its
/// reader asked for, in order. `None` when the decoder opened no mapping or did not
/// finish its reader.
fn probe(present: &[&str], decode: fn(&Node, &mut Diagnostics)) -> Option<Vec<Field>> {
    let saved = PROBE.with(|p| p.borrow_mut().replace(Probe::Waiting));
    let span = Span::new(FileId(0), 0, 0);
    let scalar = |s: &str| Node {
        kind: NodeKind::Scalar(s.to_owned(), crate::load::yaml::Style::Plain),
        span,
    };
    let entries = present.iter().map(|k| (scalar(k), scalar("~"))).collect();
    let map = Node {
        kind: NodeKind::Map(entries),
        span,
    };
    decode(&map, &mut Diagnostics::default());
    let got = PROBE.with(|p| std::mem::replace(&mut *p.borrow_mut(), saved));
    match got {
        Some(Probe::Done(fields)) => Some(fields),
        _ => None,
    }
}

/// Swedish descriptions, by object name and key (`_` for the object itself).
type Descriptions = BTreeMap<String, BTreeMap<String, String>>;

/// The Swedish descriptions, compiled in (see the module docs).
const DESCRIPTIONS: &str = include_str!("schema.sv.yaml");

fn descriptions() -> Descriptions {
    let mut d = Diagnostics::default();
    let mut out = Descriptions::new();
    let mut sources = crate::source::Sources::default();
    let id = sources.add("src/load/schema.sv.yaml", DESCRIPTIONS.to_owned());
    let Some(node) = crate::load::yaml::parse(id, sources.get(id), &mut d) else {
        return out;
    };
    if let NodeKind::Map(objects) = &node.kind {
        for (k, v) in objects {
            let mut keys = BTreeMap::new();
            if let NodeKind::Map(entries) = &v.kind {
                for (key, text) in entries {
                    if let (Some(key), Some(text)) = (key.as_scalar(), text.as_scalar()) {
                        keys.insert(key.to_owned(), text.trim().to_owned());
                    }
                }
            }
            out.insert(k.as_scalar().unwrap_or_default().to_owned(), keys);
        }
    }
    out
}

/// Builds schemas: the definitions of the objects reached so far, and what each
/// object's decoder asked for.
pub struct SchemaGen {
    definitions: BTreeMap<&'static str, Value>,
    /// Every object probed, with its keys: for the tests and the descriptions check.
    keys: BTreeMap<&'static str, Vec<&'static str>>,
    descriptions: Descriptions,
}

impl Default for SchemaGen {
    fn default() -> Self {
        SchemaGen {
            definitions: BTreeMap::new(),
            keys: BTreeMap::new(),
            descriptions: descriptions(),
        }
    }
}

impl SchemaGen {
    /// The schema of `T` (a reference, for a mapping type).
    pub fn of<T: Decode>(&mut self) -> Value {
        T::schema(self)
    }

    /// The object `name`, read by `decode` through one `MapReader`: probes the
    /// decoder on an empty mapping, records it under `#/definitions/<name>` (once;
    /// recursion is fine) and returns a `$ref` to it.
    ///
    /// # Panics
    /// When `decode` opens no `MapReader` on the mapping it is given: a programming
    /// error that tests/schema.rs catches for every object.
    pub fn object(&mut self, name: &'static str, decode: fn(&Node, &mut Diagnostics)) -> Value {
        self.object_with(name, &[], decode)
    }

    /// As [`SchemaGen::object`], for a form the decoder reads only when `present` keys
    /// are written (`{ref: id}` beside `{id, text}`): probes with those keys set.
    pub fn object_with(
        &mut self,
        name: &'static str,
        present: &[&str],
        decode: fn(&Node, &mut Diagnostics),
    ) -> Value {
        if !self.definitions.contains_key(name) {
            self.definitions.insert(name, Value::Null);
            let fields = probe(present, decode)
                .unwrap_or_else(|| panic!("the decoder of `{name}` read no mapping"));
            let object = self.build(name, &fields);
            self.definitions.insert(name, object);
        }
        json!({ "$ref": format!("#/definitions/{name}") })
    }

    /// A mapping with exactly one key, which says what the value is (`- text: …`),
    /// read by `decode` through `single_key`; `forms` gives each key's value.
    ///
    /// # Panics
    /// When `forms` names other keys than the decoder accepts (a programming error
    /// that tests/schema.rs catches).
    pub fn one_key(
        &mut self,
        name: &'static str,
        decode: fn(&Node, &mut Diagnostics),
        forms: &[(&'static str, ShapeFn)],
    ) -> Value {
        if !self.definitions.contains_key(name) {
            self.definitions.insert(name, Value::Null);
            let accepted: Vec<&str> = probe(&[], decode)
                .unwrap_or_default()
                .iter()
                .map(|f| f.key)
                .collect();
            let given: Vec<&str> = forms.iter().map(|(k, _)| *k).collect();
            assert_eq!(
                accepted, given,
                "the forms of `{name}` differ from its decoder's"
            );
            self.keys.insert(name, given);
            let mut alternatives = Vec::new();
            for (key, shape) in forms {
                let mut value = shape(self);
                if let Some(text) = self.description(name, key) {
                    value = describe(value, &text);
                }
                alternatives.push(json!({
                    "type": "object",
                    "additionalProperties": false,
                    "required": [key],
                    "properties": { (*key): value },
                }));
            }
            let mut one = json!({ "oneOf": alternatives });
            if let Some(text) = self.description(name, "_") {
                one["description"] = json!(text);
            }
            self.definitions.insert(name, one);
        }
        json!({ "$ref": format!("#/definitions/{name}") })
    }

    fn build(&mut self, name: &'static str, fields: &[Field]) -> Value {
        self.keys
            .insert(name, fields.iter().map(|f| f.key).collect());
        let mut properties = Map::new();
        let mut required = Vec::new();
        for f in fields {
            let mut value = match &f.shape {
                Shape::Any => json!({}),
                Shape::Of(shape) => shape(self),
                Shape::OneOf(words) => json!({ "enum": words }),
            };
            if f.required {
                required.push(f.key);
            } else {
                // An optional key may be left empty (`key:`): the loader reads null as absent.
                value = nullable(value);
            }
            if let Some(text) = self.description(name, f.key) {
                value = describe(value, &text);
            }
            properties.insert(f.key.to_owned(), value);
        }
        let mut object = json!({
            "type": "object",
            "additionalProperties": false,
            "properties": properties,
        });
        if !required.is_empty() {
            object["required"] = json!(required);
        }
        if let Some(text) = self.description(name, "_") {
            object["description"] = json!(text);
        }
        object
    }

    fn description(&self, object: &str, key: &str) -> Option<String> {
        self.descriptions.get(object)?.get(key).cloned()
    }

    /// A whole file's schema: `root` with the definitions it reaches.
    pub fn file(&mut self, title: &str, root: Value) -> Value {
        let mut schema = json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": title,
        });
        if let (Value::Object(s), Value::Object(r)) = (&mut schema, root) {
            s.extend(r);
        }
        let defs: Map<String, Value> = self
            .definitions
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        schema["definitions"] = Value::Object(defs);
        schema
    }

    /// Every object probed so far with the keys its decoder asked for, by name.
    pub fn objects(&self) -> &BTreeMap<&'static str, Vec<&'static str>> {
        &self.keys
    }

    /// The descriptions file's entries: object name → keys described (`_` the object).
    pub fn described(&self) -> BTreeMap<&str, Vec<&str>> {
        self.descriptions
            .iter()
            .map(|(k, v)| (k.as_str(), v.keys().map(String::as_str).collect()))
            .collect()
    }
}

/// `value` that may also be null.
pub fn nullable(value: Value) -> Value {
    match value.get("type") {
        Some(Value::String(t)) if value.get("$ref").is_none() => {
            let mut v = value.clone();
            v["type"] = json!([t, "null"]);
            v
        }
        Some(Value::Array(ts)) if ts.iter().any(|t| t == "null") => value,
        None if value.get("$ref").is_none() && value.get("enum").is_some() => {
            let mut v = value.clone();
            if let Some(Value::Array(words)) = v.get_mut("enum") {
                words.push(Value::Null);
            }
            v
        }
        Some(Value::Array(ts)) if value.get("enum").is_none() => {
            let mut ts = ts.clone();
            ts.push(json!("null"));
            let mut v = value.clone();
            v["type"] = Value::Array(ts);
            v
        }
        _ => json!({ "anyOf": [value, { "type": "null" }] }),
    }
}

/// `value` with a description; a `$ref` is wrapped, since draft-07 ignores its siblings.
fn describe(value: Value, text: &str) -> Value {
    if value.get("$ref").is_some() {
        return json!({ "allOf": [value], "description": text });
    }
    let mut v = value;
    v["description"] = json!(text);
    v
}

/// Text: any scalar, since the loader reads a plain `2023` or `true` as its text.
pub fn text() -> Value {
    json!({ "type": ["string", "number", "boolean"] })
}

/// A date `YYYY-MM-DD` (the loader's strict reader; the calendar is checked by `check`).
pub fn date() -> Value {
    json!({ "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" })
}
