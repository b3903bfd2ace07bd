//! A case file: what is known about one application, in YAML or JSON (see
//! docs/cases.md). Facts go under `fakta`; assessments, with who made them and
//! after consulting whom, under `bedomningar`. A value that is absent is not known.

use jiff::civil::Date;

use crate::date::parse as parse_date;
use crate::diag::did_you_mean;
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::decode::{Decode, MapReader, wrong_type};
use crate::load::schema::{self, SchemaGen};
use crate::load::yaml::{Node, NodeKind, Style};
use crate::model::{EnumValue, Fact, FactSource, FactType, Policy};

/// One application, ready to evaluate.
#[derive(Debug, Clone)]
pub struct Case {
    /// The case's own label (`arende`), shown in results.
    pub id: Option<String>,
    /// The guideline it is tried under (`riktlinje`), when the case names one.
    pub document: Option<String>,
    /// `ansokningsdatum`: the day the application came in.
    pub application_date: Date,
    /// `startdatum`: first day of a granted period (default: the application date).
    pub start_date: Option<Date>,
    /// `insatser`: the interventions applied for.
    pub interventions: Vec<String>,
    /// Known facts and assessed values, by fact slot (index in the facts dictionary).
    pub facts: Vec<Option<i64>>,
    /// Who assessed what, by fact slot.
    pub assessments: Vec<Option<Assessment>>,
    /// `sarskilda_skal`: särskilda skäl for a longer period.
    pub extension: Option<Extension>,
}

/// A recorded assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// `av`: who assessed (name and title).
    pub by: String,
    /// `datum`: when.
    pub date: Option<Date>,
    /// `samrad`: roles consulted, as a bit mask over the glossary's roles.
    pub consulted: u64,
    /// `rapport_fran`: whose report it rests on (index of the role).
    pub report_from: Option<u8>,
    /// `motivering`: the officer's reasons.
    pub motivation: Option<String>,
}

/// Särskilda skäl for a longer period than the normal one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    /// `manader`: months beyond the normal period.
    pub months: u32,
    /// `motivering`: the officer's reasons.
    pub reason: String,
}

/// A value as it arrives, before it is checked against the fact's type.
#[derive(Debug, Clone, Copy)]
pub enum Raw<'a> {
    /// `true` / `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// Text (dates, enum words; in CSV, everything).
    Str(&'a str),
    /// Not known.
    Null,
}

/// Checks what every decoder of cases (YAML/JSON file, JSON Lines, CSV) must agree on:
/// dates a decision can be about, and a plausible extension.
pub fn check_bounds(case: &Case) -> Result<(), String> {
    let plausible = |d: Date| (1900..=2200).contains(&d.year());
    if !plausible(case.application_date) {
        return Err(format!(
            "`ansokningsdatum` {} is not between 1900 and 2200",
            case.application_date
        ));
    }
    if let Some(s) = case.start_date.filter(|d| !plausible(*d)) {
        return Err(format!("`startdatum` {s} is not between 1900 and 2200"));
    }
    if let Some(e) = &case.extension {
        if e.months == 0 || e.months > 1200 {
            return Err(format!(
                "`sarskilda_skal.manader` is {}; it must be between 1 and 1200",
                e.months
            ));
        }
        if crate::words::is_blank(&e.reason) {
            return Err("`sarskilda_skal` needs a `motivering`".into());
        }
    }
    Ok(())
}

/// Checks a value against a fact's type and encodes it for the rules
/// (bool 0/1, dates as days since 1970-01-01, enums as the index of the value).
pub fn encode(fact: &Fact, raw: Raw<'_>) -> Result<Option<i64>, String> {
    let name = &fact.id.value;
    // A number or `true`/`false` where the type reads text (a date; `1` for ja) is read
    // as its text, as a CSV cell is: the same value means the same in every form of a
    // case, and a wrong one is reported in the same words (tests/eval_entry_prop.rs).
    let native = matches!(
        (&fact.ty.value, raw),
        (_, Raw::Null | Raw::Str(_))
            | (FactType::Bool, Raw::Bool(_))
            | (
                FactType::Integer { .. } | FactType::Money | FactType::Enum(_),
                Raw::Int(_)
            )
    );
    if !native {
        let text = match raw {
            Raw::Bool(b) => b.to_string(),
            Raw::Int(n) => n.to_string(),
            Raw::Str(_) | Raw::Null => unreachable!("native"),
        };
        return encode(fact, Raw::Str(&text));
    }
    match (&fact.ty.value, raw) {
        (_, Raw::Null) => Ok(None),
        (FactType::Bool, Raw::Bool(b)) => Ok(Some(i64::from(b))),
        (FactType::Bool, Raw::Str(s)) => match s.trim().to_lowercase().as_str() {
            "true" | "ja" | "1" => Ok(Some(1)),
            "false" | "nej" | "0" => Ok(Some(0)),
            _ if crate::words::is_blank(s) => Ok(None),
            _ => Err(format!(
                "`{name}` is {}, not `{s}`",
                type_sv(&fact.ty.value)
            )),
        },
        (FactType::Integer { min, max }, Raw::Int(n)) => {
            // i64::MIN is how the rules mark an unknown value: the lowest number is one above.
            let (lo, hi) = (
                min.unwrap_or(-i64::MAX).max(-i64::MAX),
                max.unwrap_or(i64::MAX),
            );
            if n < lo || n > hi {
                return Err(format!("`{name}` must be between {lo} and {hi}, not {n}"));
            }
            Ok(Some(n))
        }
        (FactType::Integer { .. }, Raw::Str(s)) if crate::words::is_blank(s) => Ok(None),
        (FactType::Integer { .. }, Raw::Str(s)) => match s.trim().parse::<i64>() {
            Ok(n) => encode(fact, Raw::Int(n)),
            Err(_) => Err(format!("`{name}` is a whole number, not `{s}`")),
        },
        (FactType::Money, Raw::Int(kr)) => kr
            .checked_mul(100)
            .filter(|ore| ore.abs() < MAX_ORE)
            .map(Some)
            .ok_or_else(|| format!("`{name}`: {kr} kr is more than this tool counts")),
        (FactType::Money, Raw::Str(s)) if crate::words::is_blank(s) => Ok(None),
        (FactType::Money, Raw::Str(s)) => parse_money(s)
            .map(Some)
            .ok_or_else(|| format!("`{name}` is {}, not `{s}`", type_sv(&fact.ty.value))),
        (FactType::Date, Raw::Str(s)) if crate::words::is_blank(s) => Ok(None),
        (FactType::Date, Raw::Str(s)) => match parse_date(s.trim()) {
            Ok(d) => Ok(Some(crate::date::days(d))),
            Err(why) => Err(format!(
                "`{name}` is {}, not `{s}` ({why})",
                type_sv(&fact.ty.value)
            )),
        },
        (FactType::Enum(values), raw) => {
            let found = values.iter().position(|v| match (v, raw) {
                (EnumValue::Int(i), Raw::Int(n)) => *i == n,
                (EnumValue::Int(i), Raw::Str(s)) => s.trim().parse::<i64>().ok() == Some(*i),
                (EnumValue::Word(w), Raw::Str(s)) => w == s.trim(),
                _ => false,
            });
            if let (None, Raw::Str(s)) = (found, raw) {
                if crate::words::is_blank(s) {
                    return Ok(None);
                }
            }
            found.map(|i| Some(i as i64)).ok_or_else(|| {
                let list: Vec<String> = values.iter().map(ToString::to_string).collect();
                format!("`{name}` is one of {}, not {}", list.join(", "), show(raw))
            })
        }
        (t, raw) => Err(format!("`{name}` is {}, not {}", type_sv(t), show(raw))),
    }
}

/// The largest amount a money fact holds, in öre (a thousand billion kronor): far above
/// any income, and far below where exact arithmetic on it could overflow.
pub const MAX_ORE: i64 = 100_000_000_000_000;

/// An amount as people write it, in öre: `12 345`, `12 345,50`, `12345.5 kr`, `-300`
/// (spaces, no-break and thin spaces between groups of three digits; comma or point;
/// at most two decimals; an optional `kr` or `kronor`). `None` for anything else,
/// including spaces that do not group thousands (`12 34`, `1 2345`): such a text may
/// be two numbers or a slip for `12,34`, and is not read as 1 234 kr.
pub fn parse_money(s: &str) -> Option<i64> {
    let t = s.trim();
    let t = t
        .strip_suffix("kronor")
        .or_else(|| t.strip_suffix("kr"))
        .unwrap_or(t)
        .trim_end();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, t),
    };
    let (int, frac) = match t.split_once([',', '.']) {
        Some((_, "")) => return None,
        Some((a, b)) => (a, b),
        None => (t, ""),
    };
    if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let groups: Vec<&str> = int.split([' ', '\u{a0}', '\u{202f}', '\u{2009}']).collect();
    let grouped = match groups.as_slice() {
        [_] => true,
        [first, rest @ ..] => (1..=3).contains(&first.len()) && rest.iter().all(|g| g.len() == 3),
        [] => false,
    };
    let int = groups.concat();
    if !grouped || int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || int.len() > 15 {
        return None;
    }
    let kr: i64 = int.parse().ok()?;
    let ore: i64 = format!("{frac:0<2}").parse().ok()?;
    let total = kr.checked_mul(100)?.checked_add(ore)?;
    (total < MAX_ORE).then_some(if neg { -total } else { total })
}

fn type_sv(t: &FactType) -> &'static str {
    match t {
        FactType::Money => "an amount in kronor (`12 345`, `12 345,50`, `12345.50 kr`)",
        FactType::Bool => "true or false (ja/nej)",
        FactType::Integer { .. } => "a whole number",
        FactType::Date => "a date (`YYYY-MM-DD`)",
        FactType::Enum(_) => "one of its listed values",
    }
}

fn show(raw: Raw<'_>) -> String {
    match raw {
        Raw::Bool(b) => format!("`{b}`"),
        Raw::Int(n) => format!("`{n}`"),
        Raw::Str(s) => format!("`{s}`"),
        Raw::Null => "nothing".into(),
    }
}

/// Shows an encoded value as the case file would write it (Swedish for booleans).
pub fn display(fact: &Fact, value: i64) -> String {
    match &fact.ty.value {
        FactType::Bool => if value != 0 { "ja" } else { "nej" }.to_string(),
        FactType::Integer { .. } => value.to_string(),
        FactType::Money => crate::sv::money(&crate::model::Number::new(i128::from(value), 100)),
        FactType::Date => {
            let (y, m, d) = crate::date::civil_from_days(value);
            format!("{y:04}-{m:02}-{d:02}")
        }
        FactType::Enum(values) => values
            .get(value as usize)
            .map_or_else(|| value.to_string(), ToString::to_string),
    }
}

/// An encoded value as JSON (booleans, numbers, `YYYY-MM-DD`, enum values as written).
pub fn json_value(fact: &Fact, value: i64) -> serde_json::Value {
    match &fact.ty.value {
        FactType::Bool => serde_json::Value::Bool(value != 0),
        FactType::Integer { .. } => value.into(),
        FactType::Money => {
            crate::sv::decimal_point(&crate::model::Number::new(i128::from(value), 100)).into()
        }
        FactType::Date => display(fact, value).into(),
        FactType::Enum(values) => match values.get(value as usize) {
            Some(EnumValue::Int(i)) => (*i).into(),
            Some(EnumValue::Word(w)) => w.clone().into(),
            None => serde_json::Value::Null,
        },
    }
}

fn raw(node: &Node) -> Raw<'_> {
    match &node.kind {
        NodeKind::Scalar(s, Style::Plain) => match s.as_str() {
            "" | "~" | "null" | "Null" | "NULL" => Raw::Null,
            "true" => Raw::Bool(true),
            "false" => Raw::Bool(false),
            _ => s.parse::<i64>().map_or(Raw::Str(s), Raw::Int),
        },
        NodeKind::Scalar(s, Style::Quoted) => Raw::Str(s),
        _ => Raw::Null,
    }
}

/// The fact with this id, or a located error with a suggestion.
fn fact<'p>(policy: &'p Policy, key: &Node, d: &mut Diagnostics) -> Option<(usize, &'p Fact)> {
    let name = key.as_scalar().unwrap_or_default();
    if let Some(i) = policy.facts.iter().position(|f| f.id.value == name) {
        return Some((i, &policy.facts[i]));
    }
    let mut diag = Diagnostic::error("unknown-fact", key.span, format!("unknown fact `{name}`"));
    diag = match did_you_mean(name, policy.facts.iter().map(|f| f.id.value.as_str())) {
        Some(b) => diag.with_hint(format!("did you mean `{b}`? (facts are listed in facts.yaml)")),
        None => diag.with_hint("facts are listed in facts.yaml; `styrdok new-case INSATS` prints the ones an intervention needs"),
    };
    d.push(diag);
    None
}

/// The JSON Schema of a case file (or a policy test's `case`), generated from
/// [`decode`]: the fact and assessment ids are the policy's, so any key is allowed
/// under `fakta` and `bedomningar` (the schema `build` writes per version names them).
pub fn schema(g: &mut SchemaGen) -> serde_json::Value {
    g.object("case", |n, d| {
        decode(n, &Policy::default(), &[], d);
    })
}

/// A value in `fakta` or `varde`: any scalar, or null for "not known yet".
fn scalar_schema(_: &mut SchemaGen) -> serde_json::Value {
    serde_json::json!({"type": ["string", "number", "boolean", "null"]})
}

/// Decodes a case file. `roles` are the glossary's role ids (for `samrad`, `rapport_fran`).
pub fn decode(node: &Node, policy: &Policy, roles: &[&str], d: &mut Diagnostics) -> Option<Case> {
    let mut m = MapReader::new(node, "case", d)?;
    let id = m.optional::<String>("arende", d);
    let document = m.optional::<String>("riktlinje", d);
    let application_date = m.required::<Date>("ansokningsdatum", d);
    let start_date = m.optional::<Date>("startdatum", d);
    let interventions = m.required::<Vec<String>>("insatser", d);
    let mut facts = vec![None; policy.facts.len()];
    let mut assessments = vec![None; policy.facts.len()];
    let facts_node = m.node_as("fakta", |g| {
        serde_json::json!({"type": ["object", "null"], "additionalProperties": scalar_schema(g)})
    });
    if let Some(n) = facts_node.filter(|n| !n.is_null()) {
        if let Some(mut f) = MapReader::new(n, "`fakta`", d) {
            if let NodeKind::Map(entries) = &n.kind {
                for (k, v) in entries {
                    let Some((slot, fact)) = fact(policy, k, d) else {
                        continue;
                    };
                    if fact.source.value == FactSource::Assessment {
                        d.push(
                            Diagnostic::error(
                                "assessment-as-fact",
                                k.span,
                                format!("`{}` is an assessment, not a fact", fact.id.value),
                            )
                            .with_hint(
                                "give it under `bedomningar`, with `varde` and who made it (`av`)",
                            ),
                        );
                        continue;
                    }
                    value(fact, v, &mut facts[slot], d);
                }
            }
            f.allow_all();
            f.finish(d);
        }
    }
    let assessments_node = m.node_as("bedomningar", |g| {
        let one = g.object("assessment", |n, d| {
            let fact = Fact {
                id: crate::source::Spanned::new(String::new(), n.span),
                ty: crate::source::Spanned::new(FactType::Bool, n.span),
                question: crate::source::Spanned::new(String::new(), n.span),
                label: None,
                source: crate::source::Spanned::new(FactSource::Assessment, n.span),
                evidence: None,
            };
            assessment(&fact, n, &[], &mut None, d);
        });
        serde_json::json!({"type": ["object", "null"], "additionalProperties": one})
    });
    if let Some(n) = assessments_node.filter(|n| !n.is_null()) {
        if let Some(mut f) = MapReader::new(n, "`bedomningar`", d) {
            if let NodeKind::Map(entries) = &n.kind {
                for (k, v) in entries {
                    let Some((slot, fact)) = fact(policy, k, d) else {
                        continue;
                    };
                    if fact.source.value != FactSource::Assessment {
                        d.push(
                            Diagnostic::error(
                                "fact-as-assessment",
                                k.span,
                                format!("`{}` is a fact, not an assessment", fact.id.value),
                            )
                            .with_hint("give it under `fakta`"),
                        );
                        continue;
                    }
                    assessments[slot] = assessment(fact, v, roles, &mut facts[slot], d);
                }
            }
            f.allow_all();
            f.finish(d);
        }
    }
    let extension = m
        .node_as("sarskilda_skal", |g| {
            g.object("extension", |n, d| {
                extension(n, d);
            })
        })
        .filter(|n| !n.is_null())
        .and_then(|n| extension(n, d));
    m.finish(d);
    let interventions = interventions?;
    if interventions.is_empty() {
        d.push(
            Diagnostic::error("missing-field", node.span, "`insatser` is empty")
                .with_hint("name at least one intervention applied for"),
        );
        return None;
    }
    let case = Case {
        id,
        document,
        application_date: application_date?,
        start_date,
        interventions,
        facts,
        assessments,
        extension,
    };
    if let Err(why) = check_bounds(&case) {
        d.push(Diagnostic::error("wrong-type", node.span, why));
        return None;
    }
    Some(case)
}

/// `sarskilda_skal: {manader: 6, motivering: …}`.
fn extension(node: &Node, d: &mut Diagnostics) -> Option<Extension> {
    let mut e = MapReader::new(node, "`sarskilda_skal`", d)?;
    let months = e.required::<u32>("manader", d);
    let reason = e.required::<String>("motivering", d);
    e.finish(d);
    Some(Extension {
        months: months?,
        reason: reason?,
    })
}

fn value(fact: &Fact, node: &Node, slot: &mut Option<i64>, d: &mut Diagnostics) {
    if let NodeKind::Seq(_) | NodeKind::Map(_) = node.kind {
        wrong_type(node, "a single value", d);
        return;
    }
    match encode(fact, raw(node)) {
        Ok(v) => *slot = v,
        Err(msg) => d.push(
            Diagnostic::error("wrong-type", node.span, msg).with_hint(fact.question.value.clone()),
        ),
    }
}

fn role_index(node: &Node, roles: &[&str], d: &mut Diagnostics) -> Option<u8> {
    let s = String::decode(node, d)?;
    if let Some(i) = roles.iter().position(|r| *r == s) {
        return Some(i as u8);
    }
    let mut diag = Diagnostic::error("unknown-role", node.span, format!("unknown role `{s}`"));
    diag = match did_you_mean(&s, roles.iter().copied()) {
        Some(b) => diag.with_hint(format!("did you mean `{b}`?")),
        None => diag.with_hint(format!("roles are {}", crate::diag::list(roles))),
    };
    d.push(diag);
    None
}

fn assessment(
    fact: &Fact,
    node: &Node,
    roles: &[&str],
    slot: &mut Option<i64>,
    d: &mut Diagnostics,
) -> Option<Assessment> {
    let mut m = MapReader::new(node, "assessment", d)?;
    if let Some(v) = m.node_as("varde", scalar_schema) {
        value(fact, v, slot, d);
    } else {
        m.required::<String>("varde", d);
    }
    let by_node = m.node_as("av", |_| schema::nullable(schema::text()));
    let by = by_node
        .filter(|n| !n.is_null())
        .and_then(|n| String::decode(n, d))
        .filter(|s| !crate::words::is_blank(s));
    let date = m.optional::<Date>("datum", d);
    let mut consulted = 0u64;
    let consulted_node = m.node_as(
        "samrad",
        |g| serde_json::json!({"type": ["array", "null"], "items": g.of::<String>()}),
    );
    if let Some(n) = consulted_node.filter(|n| !n.is_null()) {
        match &n.kind {
            NodeKind::Seq(items) => {
                for it in items {
                    if let Some(i) = role_index(it, roles, d) {
                        consulted |= 1 << i;
                    }
                }
            }
            _ => wrong_type(n, "a list of roles, e.g. `[arbetsspecialist]`", d),
        }
    }
    let report_from = m
        .node_as("rapport_fran", |_| schema::nullable(schema::text()))
        .filter(|n| !n.is_null())
        .and_then(|n| role_index(n, roles, d));
    let motivation = m.optional::<String>("motivering", d);
    m.finish(d);
    if slot.is_none() {
        // `varde: null` records that the assessment is still to be made.
        return None;
    }
    let Some(by) = by else {
        d.push(
            Diagnostic::error(
                "missing-field",
                by_node.map_or(node.span, |n| n.span),
                no_assessor(&fact.id.value),
            )
            .with_hint("add `av:` with the name and title of whoever assessed it"),
        );
        return None;
    };
    Some(Assessment {
        by,
        date,
        consulted,
        report_from,
        motivation,
    })
}

/// What every reader of cases (case file, JSON Lines, CSV) says of an assessment with a
/// value but nobody who made it; each adds where, in its own terms.
pub fn no_assessor(fact: &str) -> String {
    format!("the assessment `{fact}` does not say who made it")
}

/// Largest case file read (a case is a few hundred bytes; this stops accidents).
pub const MAX_CASE_BYTES: u64 = 1024 * 1024;

/// Reads and decodes a case file (YAML or JSON), every problem located in it.
pub fn load(
    path: &std::path::Path,
    policy: &Policy,
    roles: &[&str],
) -> Result<(crate::source::Sources, Option<Case>, Diagnostics), String> {
    if !path.is_file() {
        return Err(format!("case file `{}` does not exist", path.display()));
    }
    // A case file named through a link is read where the link leads.
    let real = crate::load::followed(path);
    let dir = real
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = real
        .file_name()
        .ok_or_else(|| format!("`{}` is not a file", path.display()))?;
    let tree = crate::load::DiskTree::new(dir)?;
    let mut sources = crate::source::Sources::default();
    let mut d = Diagnostics::default();
    let (id, ok) = crate::load::read_text(
        &tree,
        std::path::Path::new(name),
        path,
        MAX_CASE_BYTES,
        &mut sources,
        &mut d,
    );
    if !ok {
        return Ok((sources, None, d));
    }
    let case = crate::load::yaml::parse(id, sources.get(id), &mut d)
        .and_then(|n| decode(&n, policy, roles, &mut d));
    Ok((sources, case, d))
}

/// The characters of a case file that a PDF draft's fonts cannot show
/// (`unshowable-character`, [`crate::fonts`]), each at its place in the file: every
/// string the file holds (`arende`, `av`, `motivering` …) may reach the draft, where it
/// is printed as written. Checked before Typst runs, so a draft with a name in a script
/// the fonts lack fails with the name's line and column, not with Typst's error.
pub fn unshowable(sources: &crate::source::Sources) -> Diagnostics {
    let mut d = Diagnostics::default();
    for (id, file) in sources.iter() {
        let Some(root) = crate::load::yaml::parse(id, file, &mut Diagnostics::default()) else {
            continue;
        };
        let mut todo = vec![&root];
        while let Some(n) = todo.pop() {
            match &n.kind {
                NodeKind::Scalar(s, _) => {
                    let span = |r: std::ops::Range<usize>| {
                        let start =
                            crate::load::yaml::value_offset_to_source(s, n.span, file, r.start);
                        let end = crate::load::yaml::value_offset_to_source(s, n.span, file, r.end)
                            .max(start);
                        crate::source::Span::new(id, start, end)
                    };
                    crate::check::glyphs::report(s, &span, &mut d);
                }
                NodeKind::Seq(items) => todo.extend(items),
                NodeKind::Map(entries) => todo.extend(entries.iter().map(|(_, v)| v)),
            }
        }
    }
    d.sort();
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span, Spanned};

    fn integer(min: Option<i64>, max: Option<i64>) -> Fact {
        let at = Span::new(FileId(0), 0, 0);
        Fact {
            id: Spanned::new("antal".into(), at),
            ty: Spanned::new(FactType::Integer { min, max }, at),
            question: Spanned::new("Hur många?".into(), at),
            source: Spanned::new(FactSource::Person, at),
            evidence: None,
            label: None,
        }
    }

    /// The rules mark an unknown value with i64::MIN, so a case cannot give it: it
    /// would read as unknown while counting as given.
    #[test]
    fn an_integer_cannot_be_the_unknown_marker() {
        let f = integer(None, None);
        assert_eq!(encode(&f, Raw::Int(-i64::MAX)), Ok(Some(-i64::MAX)));
        assert_eq!(encode(&f, Raw::Int(i64::MAX)), Ok(Some(i64::MAX)));
        let err = encode(&f, Raw::Int(i64::MIN)).unwrap_err();
        assert!(
            err.starts_with("`antal` must be between -9223372036854775807 and"),
            "{err}"
        );
        assert!(encode(&f, Raw::Str("-9223372036854775808")).is_err());
        let bounded = integer(Some(0), Some(10));
        assert_eq!(
            encode(&bounded, Raw::Int(11)),
            Err("`antal` must be between 0 and 10, not 11".into())
        );
    }
}

#[cfg(test)]
mod money_tests {
    use super::parse_money;

    #[test]
    fn amounts_are_read_as_people_write_them_in_ore() {
        assert_eq!(parse_money("12 345"), Some(1_234_500));
        assert_eq!(parse_money("12 345,50"), Some(1_234_550));
        assert_eq!(parse_money("12\u{a0}345.5 kr"), Some(1_234_550));
        assert_eq!(parse_money("-300 kronor"), Some(-30_000));
        assert_eq!(parse_money("0,05"), Some(5));
        assert_eq!(parse_money("1 234 567,89 kr"), Some(123_456_789));
        assert_eq!(parse_money("1\u{202f}234\u{2009}567"), Some(123_456_700));
        assert_eq!(parse_money("- 300"), Some(-30_000));
        assert_eq!(parse_money("-0"), Some(0));
        assert_eq!(parse_money("999 999 999 999,99"), Some(99_999_999_999_999));
        for bad in [
            "12 34",
            "1 2345",
            "12 345 50",
            "3 0 0",
            "1234 567",
            "12  345",
            "12 345,5 0",
            "1 000 000 000 000",
            "12,3,4",
            "1.234,50",
            "",
            "kr",
            "12,345,6",
            "1,234",
            "12 345,555",
            "tolv",
            "1e5",
            "--3",
        ] {
            assert_eq!(parse_money(bad), None, "{bad}");
        }
    }
}
