//! Batch evaluation: JSON Lines or CSV in, one result per case out, streaming in
//! constant memory. A bad row gets an error in its result and the batch goes on.
//! Rows are parsed straight into reusable buffers (no tree per row), so a run is
//! bounded by JSON parsing; see benches/eval.rs.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::io::{BufRead, Read as _, Write};

use jiff::civil::Date;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::eval::case::{Assessment, Case, Extension, Raw, encode};
use crate::eval::{Engine, Outcome};
use crate::load::decode::parse_date;
use crate::model::FactSource;
use crate::rules::Tri;

/// Input and output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
}

/// Counts over a batch, for the summary. Bounded by the policy's size, not the batch's.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    /// Rows read.
    pub rows: u64,
    /// Rows that could not be evaluated.
    pub errors: u64,
    /// The first few line numbers of bad rows.
    pub error_lines: Vec<u64>,
    /// Outcomes: beviljas, avslag, utredning ofullständig.
    pub outcomes: [u64; 3],
    /// How often each criterion was not met, by criterion id.
    pub not_met: HashMap<String, u64>,
    /// How often each fact was missing where it decided the outcome, by fact id.
    pub missing: HashMap<String, u64>,
}

/// Looks facts and roles up by name without allocating.
pub struct Lookup<'p> {
    facts: HashMap<&'p str, usize>,
    roles: HashMap<&'p str, u8>,
}

impl<'p> Lookup<'p> {
    /// Indexes the engine's facts and roles.
    pub fn new(engine: &Engine<'p>) -> Self {
        Lookup {
            facts: engine
                .policy
                .facts
                .iter()
                .enumerate()
                .map(|(i, f)| (f.id.value.as_str(), i))
                .collect(),
            roles: engine
                .roles
                .iter()
                .enumerate()
                .map(|(i, r)| (*r, i as u8))
                .collect(),
        }
    }
}

/// An empty case with buffers sized for the policy; rows are read into it in turn.
pub fn blank(engine: &Engine<'_>) -> Case {
    let n = engine.policy.facts.len();
    Case {
        id: None,
        document: None,
        application_date: jiff::civil::date(1970, 1, 1),
        start_date: None,
        interventions: Vec::new(),
        facts: vec![None; n],
        assessments: vec![None; n],
        extension: None,
    }
}

fn reset(case: &mut Case) {
    case.id = None;
    case.document = None;
    case.start_date = None;
    case.interventions.clear();
    case.facts.iter_mut().for_each(|f| *f = None);
    case.assessments.iter_mut().for_each(|a| *a = None);
    case.extension = None;
}

/// A JSON scalar as it arrives.
enum Scalar<'a> {
    Bool(bool),
    Int(i64),
    Str(Cow<'a, str>),
    Null,
    Other,
}

impl<'de: 'a, 'a> serde::Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Scalar<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value")
            }
            fn visit_bool<E>(self, b: bool) -> Result<Self::Value, E> {
                Ok(Scalar::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Self::Value, E> {
                Ok(Scalar::Int(n))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Self::Value, E> {
                Ok(i64::try_from(n).map_or(Scalar::Other, Scalar::Int))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Scalar::Other)
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Owned(s.to_string())))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(Scalar::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

impl Scalar<'_> {
    fn raw(&self) -> Result<Raw<'_>, String> {
        Ok(match self {
            Scalar::Bool(b) => Raw::Bool(*b),
            Scalar::Int(n) => Raw::Int(*n),
            Scalar::Str(s) => Raw::Str(s),
            Scalar::Null => Raw::Null,
            Scalar::Other => {
                return Err("a value must be true/false, a whole number, text or null".into());
            }
        })
    }
}

/// Reads one JSON object into `case`, as a [`DeserializeSeed`].
struct Row<'a, 'p> {
    engine: &'a Engine<'p>,
    lookup: &'a Lookup<'p>,
    case: &'a mut Case,
}

fn date<E: de::Error>(s: &str, what: &str) -> Result<Date, E> {
    parse_date(s).map_err(|why| E::custom(format!("`{what}` is not a date ({why})")))
}

impl<'de> DeserializeSeed<'de> for Row<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Row<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a case: a JSON object with `ansokningsdatum` and `insatser`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        let mut seen_date = false;
        while let Some(key) = m.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "arende" => {
                    // A case management export may write the case number as a number.
                    self.case.id = match m.next_value::<Scalar<'de>>()? {
                        Scalar::Str(s) => Some(s.into_owned()),
                        Scalar::Int(n) => Some(n.to_string()),
                        Scalar::Null => None,
                        _ => return Err(de::Error::custom("`arende` is text or a number")),
                    }
                }

                "riktlinje" => self.case.document = m.next_value::<Option<String>>()?,
                "ansokningsdatum" => {
                    let s: Cow<'de, str> = m.next_value()?;
                    self.case.application_date = date(&s, "ansokningsdatum")?;
                    seen_date = true;
                }
                "startdatum" => {
                    let s: Option<Cow<'de, str>> = m.next_value()?;
                    self.case.start_date = s.map(|s| date(&s, "startdatum")).transpose()?;
                }
                "insatser" => {
                    let v: Vec<Cow<'de, str>> = m.next_value()?;
                    self.case
                        .interventions
                        .extend(v.into_iter().map(Cow::into_owned));
                }
                "fakta" => m.next_value_seed(Facts {
                    lookup: self.lookup,
                    engine: self.engine,
                    case: &mut *self.case,
                    assessments: false,
                })?,
                "bedomningar" => m.next_value_seed(Facts {
                    lookup: self.lookup,
                    engine: self.engine,
                    case: &mut *self.case,
                    assessments: true,
                })?,
                "sarskilda_skal" => {
                    #[derive(serde::Deserialize)]
                    #[serde(deny_unknown_fields)]
                    struct Ext {
                        manader: u32,
                        motivering: String,
                    }
                    let e: Option<Ext> = m.next_value()?;
                    self.case.extension = e.map(|e| Extension {
                        months: e.manader,
                        reason: e.motivering,
                    });
                }
                other => {
                    return Err(de::Error::custom(format!(
                        "unknown key `{other}` in a case"
                    )));
                }
            }
        }
        if !seen_date {
            return Err(de::Error::custom("missing `ansokningsdatum`"));
        }
        if self.case.interventions.is_empty() {
            return Err(de::Error::custom("missing `insatser`"));
        }
        Ok(())
    }
}

struct Facts<'a, 'p> {
    engine: &'a Engine<'p>,
    lookup: &'a Lookup<'p>,
    case: &'a mut Case,
    assessments: bool,
}

impl<'de> DeserializeSeed<'de> for Facts<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        // `null` is no facts, as in a case file.
        d.deserialize_option(self)
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonAssessment<'a> {
    #[serde(borrow)]
    varde: Scalar<'a>,
    av: Option<String>,
    #[serde(borrow)]
    datum: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    samrad: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow)]
    rapport_fran: Option<Cow<'a, str>>,
    motivering: Option<String>,
}

impl<'de> Visitor<'de> for Facts<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of facts")
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        while let Some(key) = m.next_key::<Cow<'de, str>>()? {
            let Some(&slot) = self.lookup.facts.get(key.as_ref()) else {
                return Err(de::Error::custom(format!("unknown fact `{key}`")));
            };
            let fact = &self.engine.policy.facts[slot];
            let is_assessment = fact.source.value == FactSource::Assessment;
            if is_assessment != self.assessments {
                let (what, place) = if is_assessment {
                    ("an assessment", "bedomningar")
                } else {
                    ("a fact", "fakta")
                };
                return Err(de::Error::custom(format!(
                    "`{key}` is {what}: give it under `{place}`"
                )));
            }
            if self.assessments {
                let a: Option<JsonAssessment<'de>> = m.next_value()?;
                let Some(a) = a else { continue };
                let value = encode(fact, a.varde.raw().map_err(de::Error::custom)?)
                    .map_err(de::Error::custom)?;
                let mut consulted = 0u64;
                for r in a.samrad.iter().flatten() {
                    let i = self
                        .lookup
                        .roles
                        .get(r.as_ref())
                        .ok_or_else(|| de::Error::custom(format!("unknown role `{r}`")))?;
                    consulted |= 1 << i;
                }
                let report_from = match &a.rapport_fran {
                    Some(r) => Some(
                        *self
                            .lookup
                            .roles
                            .get(r.as_ref())
                            .ok_or_else(|| de::Error::custom(format!("unknown role `{r}`")))?,
                    ),
                    None => None,
                };
                self.case.facts[slot] = value;
                if value.is_some() {
                    let by = a.av.filter(|s| !s.trim().is_empty()).ok_or_else(|| {
                        de::Error::custom(format!("assessment `{key}` has no `av` (who made it)"))
                    })?;
                    self.case.assessments[slot] = Some(Assessment {
                        by,
                        date: a.datum.map(|d| date(&d, "datum")).transpose()?,
                        consulted,
                        report_from,
                        motivation: a.motivering,
                    });
                }
            } else {
                let v: Scalar<'de> = m.next_value()?;
                self.case.facts[slot] =
                    encode(fact, v.raw().map_err(de::Error::custom)?).map_err(de::Error::custom)?;
            }
        }
        Ok(())
    }
}

/// Longest JSON Lines row read; a case is a few kilobytes.
pub const MAX_ROW_BYTES: usize = 1 << 20;

/// Reads past the rest of the current line without keeping it.
fn skip_line(input: &mut dyn BufRead) -> std::io::Result<()> {
    loop {
        let (done, used) = {
            let chunk = input.fill_buf()?;
            if chunk.is_empty() {
                return Ok(());
            }
            match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (true, i + 1),
                None => (false, chunk.len()),
            }
        };
        input.consume(used);
        if done {
            return Ok(());
        }
    }
}

/// Reads one JSON Lines row into `case` (cleared first).
pub fn parse_json_row(
    engine: &Engine<'_>,
    lookup: &Lookup<'_>,
    line: &[u8],
    case: &mut Case,
) -> Result<(), String> {
    reset(case);
    let mut de = serde_json::Deserializer::from_slice(line);
    Row {
        engine,
        lookup,
        case,
    }
    .deserialize(&mut de)
    .map_err(|e| json_error(&e))?;
    de.end().map_err(|e| json_error(&e))?;
    crate::eval::case::check_bounds(case)
}

/// serde_json's message without its "at line 1 column N" (each row is one line).
fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let msg = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(m, _)| m)
        .to_string();
    if e.is_syntax() || e.is_eof() {
        format!("not valid JSON ({msg}, column {})", e.column())
    } else {
        format!("{msg} (column {})", e.column())
    }
}

/// What each CSV column holds.
enum Column {
    Id,
    Document,
    ApplicationDate,
    StartDate,
    Interventions,
    Fact(usize),
    AssessedBy(usize),
    AssessedOn(usize),
    Consulted(usize),
    ReportFrom(usize),
    Motivation(usize),
    ExtensionMonths,
    ExtensionReason,
}

/// Maps a CSV header to columns: `arende`, `ansokningsdatum`, `insatser` (`;`-separated),
/// a column per fact, and `<fact>.av`, `.datum`, `.samrad`, `.rapport_fran`, `.motivering` for assessments.
fn csv_columns(
    engine: &Engine<'_>,
    lookup: &Lookup<'_>,
    header: &csv::StringRecord,
) -> Result<Vec<Column>, String> {
    header
        .iter()
        .map(|h| {
            let h = h.trim();
            Ok(match h {
                "arende" => Column::Id,
                "riktlinje" => Column::Document,
                "ansokningsdatum" => Column::ApplicationDate,
                "startdatum" => Column::StartDate,
                "insatser" => Column::Interventions,
                "sarskilda_skal.manader" => Column::ExtensionMonths,
                "sarskilda_skal.motivering" => Column::ExtensionReason,
                _ => {
                    let (name, part) = h.split_once('.').unwrap_or((h, ""));
                    let slot = *lookup.facts.get(name).ok_or_else(|| {
                        let hint = crate::load::decode::did_you_mean(
                            name,
                            engine.policy.facts.iter().map(|f| f.id.value.as_str()),
                        )
                        .map(|b| format!("; did you mean `{b}`?"))
                        .unwrap_or_default();
                        format!("unknown column `{h}` in the CSV header{hint}")
                    })?;
                    let assessment =
                        engine.policy.facts[slot].source.value == FactSource::Assessment;
                    match (part, assessment) {
                        ("", _) => Column::Fact(slot),
                        ("av", true) => Column::AssessedBy(slot),
                        ("datum", true) => Column::AssessedOn(slot),
                        ("samrad", true) => Column::Consulted(slot),
                        ("rapport_fran", true) => Column::ReportFrom(slot),
                        ("motivering", true) => Column::Motivation(slot),
                        _ => return Err(format!("unknown column `{h}` in the CSV header")),
                    }
                }
            })
        })
        .collect()
}

fn parse_csv_row(
    engine: &Engine<'_>,
    lookup: &Lookup<'_>,
    columns: &[Column],
    row: &csv::StringRecord,
    case: &mut Case,
) -> Result<(), String> {
    reset(case);
    let mut seen_date = false;
    let mut by: Vec<(usize, String)> = Vec::new();
    let mut meta: Vec<(usize, &Column, &str)> = Vec::new();
    let mut ext_months = None;
    let mut ext_reason = None;
    for (col, cell) in columns.iter().zip(row.iter()) {
        let cell = cell.trim();
        match col {
            Column::Id => case.id = (!cell.is_empty()).then(|| cell.to_string()),
            Column::Document => case.document = (!cell.is_empty()).then(|| cell.to_string()),
            Column::ApplicationDate => {
                case.application_date = parse_date(cell)
                    .map_err(|w| format!("`ansokningsdatum` is not a date ({w})"))?;
                seen_date = true;
            }
            Column::StartDate if cell.is_empty() => {}
            Column::StartDate => {
                case.start_date = Some(
                    parse_date(cell).map_err(|w| format!("`startdatum` is not a date ({w})"))?,
                )
            }
            Column::Interventions => case.interventions.extend(
                cell.split([';', '|'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            ),
            Column::Fact(slot) => {
                case.facts[*slot] = encode(&engine.policy.facts[*slot], Raw::Str(cell))?
            }
            Column::AssessedBy(slot) if !cell.is_empty() => by.push((*slot, cell.to_string())),
            Column::ExtensionMonths if !cell.is_empty() => {
                ext_months =
                    Some(cell.parse::<u32>().map_err(|_| {
                        "`sarskilda_skal.manader` is not a whole number".to_string()
                    })?)
            }
            Column::ExtensionReason if !cell.is_empty() => ext_reason = Some(cell.to_string()),
            other if !cell.is_empty() => {
                if let Column::AssessedOn(s)
                | Column::Consulted(s)
                | Column::ReportFrom(s)
                | Column::Motivation(s) = other
                {
                    meta.push((*s, other, cell));
                }
            }
            _ => {}
        }
    }
    if !seen_date {
        return Err("missing `ansokningsdatum`".into());
    }
    if case.interventions.is_empty() {
        return Err("missing `insatser`".into());
    }
    for (slot, fact) in engine.policy.facts.iter().enumerate() {
        if fact.source.value != FactSource::Assessment || case.facts[slot].is_none() {
            continue;
        }
        let Some((_, who)) = by.iter().find(|(s, _)| *s == slot) else {
            return Err(format!(
                "assessment `{}` has no `{}.av` (who made it)",
                fact.id.value, fact.id.value
            ));
        };
        let mut a = Assessment {
            by: who.clone(),
            date: None,
            consulted: 0,
            report_from: None,
            motivation: None,
        };
        for (_, col, cell) in meta.iter().filter(|(s, _, _)| *s == slot) {
            match col {
                Column::AssessedOn(_) => {
                    a.date =
                        Some(parse_date(cell).map_err(|w| {
                            format!("`{}.datum` is not a date ({w})", fact.id.value)
                        })?)
                }
                Column::Consulted(_) => {
                    for r in cell
                        .split([';', '|'])
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                    {
                        let i = lookup
                            .roles
                            .get(r)
                            .ok_or_else(|| format!("unknown role `{r}`"))?;
                        a.consulted |= 1 << i;
                    }
                }
                Column::ReportFrom(_) => {
                    a.report_from = Some(
                        *lookup
                            .roles
                            .get(*cell)
                            .ok_or_else(|| format!("unknown role `{cell}`"))?,
                    )
                }
                Column::Motivation(_) => a.motivation = Some((*cell).to_string()),
                _ => {}
            }
        }
        case.assessments[slot] = Some(a);
    }
    match (ext_months, ext_reason) {
        (Some(months), Some(reason)) => case.extension = Some(Extension { months, reason }),
        (None, None) => {}
        _ => return Err("`sarskilda_skal.manader` and `sarskilda_skal.motivering` go together: give both or neither".into()),
    }
    crate::eval::case::check_bounds(case)
}

/// Why a batch stopped before its input ended.
#[derive(Debug)]
pub enum Stop {
    /// It cannot go on: unreadable input, a bad CSV header, a write error.
    Failed(String),
    /// Whoever reads the results stopped reading (`… | head`): not an error.
    Closed,
}

impl Stop {
    #[allow(clippy::needless_pass_by_value)] // used as `map_err(Stop::write)`
    fn write(e: std::io::Error) -> Stop {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Stop::Closed
        } else {
            Stop::Failed(format!("cannot write the results ({e})"))
        }
    }
}

impl From<String> for Stop {
    fn from(s: String) -> Stop {
        Stop::Failed(s)
    }
}

/// Writes results as they are made, reusing its buffers from row to row.
struct Sink<'w> {
    out: &'w mut dyn Write,
    format: Format,
    buf: String,
    not_met: Vec<usize>,
    unknown: Vec<usize>,
    missing: Vec<usize>,
}

/// Evaluates every case of `input` and writes one result per case to `out`.
/// Returns the summary; an `Err` only when the batch cannot go on (see [`Stop`]).
pub fn run(
    engine: &Engine<'_>,
    document: Option<&str>,
    date: Option<Date>,
    input: &mut dyn BufRead,
    input_format: Format,
    out: &mut dyn Write,
    output_format: Format,
) -> Result<Summary, Stop> {
    let lookup = Lookup::new(engine);
    let mut case = blank(engine);
    let mut summary = Summary::default();
    let mut sink = Sink {
        out,
        format: output_format,
        buf: String::with_capacity(512),
        not_met: Vec::new(),
        unknown: Vec::new(),
        missing: Vec::new(),
    };

    if output_format == Format::Csv {
        sink.csv_record(&[
            "line",
            "case",
            "document",
            "version",
            "intervention",
            "outcome",
            "not_met",
            "not_established",
            "missing",
            "period_from",
            "period_until",
            "duties",
            "error",
        ])?;
    }
    // Results are written into the same buffers row after row.
    let mut scratch = crate::eval::Scratch::default();
    let mut one = |line_no: u64,
                   parsed: Result<(), String>,
                   case: &Case,
                   summary: &mut Summary,
                   sink: &mut Sink<'_>|
     -> Result<(), Stop> {
        summary.rows += 1;
        let result = parsed.and_then(|()| {
            engine
                .evaluate_into(case, document, date, &mut scratch)
                .map_err(|e| e.0)
        });
        match result {
            Ok((v, _)) => sink.result(
                engine,
                line_no,
                case,
                v,
                &scratch.results,
                &scratch.params,
                summary,
            ),

            Err(e) => {
                summary.errors += 1;
                if summary.error_lines.len() < 10 {
                    summary.error_lines.push(line_no);
                }
                sink.error(line_no, case.id.as_deref(), &e)
            }
        }
    };
    match input_format {
        Format::Jsonl => {
            let mut buf = Vec::with_capacity(1024);
            let mut line_no = 0u64;
            loop {
                buf.clear();
                // At most MAX_ROW_BYTES of a line is held; the rest of a longer one is skipped.
                let n = (&mut *input)
                    .take(MAX_ROW_BYTES as u64 + 1)
                    .read_until(b'\n', &mut buf)
                    .map_err(|e| format!("cannot read the cases ({e})"))?;
                if n == 0 {
                    break;
                }
                line_no += 1;
                if buf.len() > MAX_ROW_BYTES && buf.last() != Some(&b'\n') {
                    skip_line(input).map_err(|e| format!("cannot read the cases ({e})"))?;
                    reset(&mut case);
                    let why = format!("the row is longer than {} MiB", MAX_ROW_BYTES >> 20);
                    one(line_no, Err(why), &case, &mut summary, &mut sink)?;
                    continue;
                }
                let mut trimmed = buf.trim_ascii();
                if line_no == 1 {
                    // A byte-order mark, as some editors write, is not part of the row.
                    trimmed = trimmed.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(trimmed);
                }
                if trimmed.is_empty() {
                    continue;
                }
                let parsed = parse_json_row(engine, &lookup, trimmed, &mut case);
                one(line_no, parsed, &case, &mut summary, &mut sink)?;
            }
        }
        Format::Csv => {
            let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
            let header = reader
                .headers()
                .map_err(|e| format!("cannot read the CSV header ({e})"))?
                .clone();
            let columns = csv_columns(engine, &lookup, &header)?;
            let mut row = csv::StringRecord::new();
            loop {
                let line_no = reader.position().line();
                match reader.read_record(&mut row) {
                    Ok(false) => break,
                    Ok(true) => {
                        let parsed = parse_csv_row(engine, &lookup, &columns, &row, &mut case);
                        one(line_no, parsed, &case, &mut summary, &mut sink)?;
                    }
                    Err(e)
                        if matches!(
                            e.kind(),
                            csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
                        ) =>
                    {
                        reset(&mut case);
                        let why = match e.kind() {
                            csv::ErrorKind::UnequalLengths {
                                expected_len, len, ..
                            } => {
                                format!(
                                    "malformed CSV row: {len} fields where the header has {expected_len}"
                                )
                            }
                            _ => "malformed CSV row: not valid UTF-8".to_string(),
                        };
                        one(line_no, Err(why), &case, &mut summary, &mut sink)?;
                    }
                    Err(e) => return Err(format!("cannot read the cases ({e})").into()),
                }
            }
        }
    }
    sink.out.flush().map_err(Stop::write)?;
    Ok(summary)
}

impl Sink<'_> {
    fn csv_record(&mut self, record: &[&str]) -> Result<(), Stop> {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::with_capacity(128));
        w.write_record(record).map_err(|e| e.to_string())?;
        let bytes = w.into_inner().map_err(|e| e.to_string())?;
        self.out.write_all(&bytes).map_err(Stop::write)
    }

    fn error(&mut self, line: u64, id: Option<&str>, message: &str) -> Result<(), Stop> {
        match self.format {
            Format::Jsonl => {
                let mut out = format!("{{\"line\":{line},\"case\":");
                push_json_str(&mut out, id);
                out.push_str(",\"error\":");
                push_json_str(&mut out, Some(message));
                out.push_str("}\n");
                self.out.write_all(out.as_bytes()).map_err(Stop::write)
            }
            Format::Csv => {
                let line = line.to_string();
                self.csv_record(&[
                    line.as_str(),
                    id.unwrap_or(""),
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    message,
                ])
            }
        }
    }

    #[allow(clippy::too_many_arguments)] // one call site; the row's parts, as they are
    fn result(
        &mut self,
        engine: &Engine<'_>,
        line: u64,
        case: &Case,
        v: &crate::eval::CompiledVersion<'_>,
        results: &[crate::eval::InterventionResult],
        params: &[crate::rules::ParamVal],
        summary: &mut Summary,
    ) -> Result<(), Stop> {
        let mut out = std::mem::take(&mut self.buf);
        out.clear();
        if self.format == Format::Jsonl {
            let _ = write!(out, "{{\"line\":{line},\"case\":");
            push_json_str(&mut out, case.id.as_deref());
            out.push_str(",\"document\":");
            push_json_str(&mut out, Some(&v.doc.id));
            out.push_str(",\"version\":");
            push_json_str(&mut out, Some(&v.version.version.value));
            out.push_str(",\"interventions\":[");
        }
        for (k, r) in results.iter().enumerate() {
            let ci = &v.interventions[r.index];
            // Counted in the order of `Outcome::ALL`, which is the declaration order.
            summary.outcomes[r.outcome as usize] += 1;
            // Indices, into buffers kept between rows.
            self.not_met.clear();
            self.unknown.clear();
            self.missing.clear();
            for cr in &r.criteria {
                let c = &v.criteria[cr.index];
                match cr.result {
                    Tri::False => {
                        self.not_met.push(cr.index);
                        bump(&mut summary.not_met, &c.criterion.id.value);
                    }
                    Tri::Unknown => {
                        self.unknown.push(cr.index);
                        for &slot in c.program.facts_read() {
                            let incomplete = cr.incomplete.iter().any(|(s, _)| *s == slot);
                            if (case.facts[slot].is_none() || incomplete)
                                && !self.missing.contains(&slot)
                            {
                                self.missing.push(slot);
                            }
                        }
                        // A parameter with no value on the date is missing too (after the facts).
                        let n = engine.policy.facts.len();
                        for &p in c.program.params_read() {
                            if params[p] == crate::rules::ParamVal::Missing
                                && !self.missing.contains(&(n + p))
                            {
                                self.missing.push(n + p);
                            }
                        }
                    }
                    Tri::True => {}
                }
            }
            if r.outcome == Outcome::Ofullstandig {
                for &slot in &self.missing {
                    bump(&mut summary.missing, missing_name(engine, slot));
                }
            }
            let criterion = |i: &usize| v.criteria[*i].criterion.id.value.as_str();
            let fact = |i: &usize| missing_name(engine, *i);
            let duty = |(d, _): &(usize, Tri)| ci.duties[*d].0.id.value.as_str();
            match self.format {
                Format::Jsonl => {
                    if k > 0 {
                        out.push(',');
                    }
                    out.push_str("{\"id\":");
                    push_json_str(&mut out, Some(&ci.intervention.id.value));
                    let _ = write!(out, ",\"outcome\":\"{}\",\"not_met\":", r.outcome.code());
                    push_json_list(&mut out, self.not_met.iter().map(criterion));
                    out.push_str(",\"not_established\":");
                    push_json_list(&mut out, self.unknown.iter().map(criterion));
                    out.push_str(",\"missing\":");
                    push_json_list(&mut out, self.missing.iter().map(fact));
                    out.push_str(",\"period\":");
                    match r.period {
                        Some(p) => {
                            let _ = write!(
                                out,
                                "{{\"from\":\"{}\",\"until\":\"{}\"}}",
                                p.from, p.until
                            );
                        }
                        None => out.push_str("null"),
                    }
                    out.push_str(",\"duties\":");
                    push_json_list(&mut out, r.duties.iter().map(duty));
                    out.push('}');
                }
                Format::Csv => {
                    let join =
                        |it: &mut dyn Iterator<Item = &str>| it.collect::<Vec<_>>().join(";");
                    let (from, until) = r.period.map_or((String::new(), String::new()), |p| {
                        (p.from.to_string(), p.until.to_string())
                    });
                    let line = line.to_string();
                    let rec = [
                        line.as_str(),
                        case.id.as_deref().unwrap_or(""),
                        v.doc.id.as_str(),
                        v.version.version.value.as_str(),
                        ci.intervention.id.value.as_str(),
                        r.outcome.code(),
                        &join(&mut self.not_met.iter().map(criterion)),
                        &join(&mut self.unknown.iter().map(criterion)),
                        &join(&mut self.missing.iter().map(fact)),
                        &from,
                        &until,
                        &join(&mut r.duties.iter().map(duty)),
                        "",
                    ];
                    self.csv_record(&rec)?;
                }
            }
        }
        let written = match self.format {
            Format::Jsonl => {
                out.push_str("]}\n");
                self.out.write_all(out.as_bytes()).map_err(Stop::write)
            }
            Format::Csv => Ok(()),
        };
        self.buf = out;
        written
    }
}

/// A JSON string literal (or `null`), escaped as RFC 8259 requires, without allocating.
fn push_json_str(out: &mut String, s: Option<&str>) {
    let Some(s) = s else {
        out.push_str("null");
        return;
    };
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The id of a missing fact (slots below the number of facts) or parameter (above).
fn missing_name<'p>(engine: &Engine<'p>, slot: usize) -> &'p str {
    let n = engine.policy.facts.len();
    if slot < n {
        &engine.policy.facts[slot].id.value
    } else {
        &engine.policy.parameters[slot - n].id.value
    }
}

/// Adds one to a counter without allocating a key that is already there.
fn bump(map: &mut HashMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_string(), 1);
        }
    }
}

fn push_json_list<'a>(out: &mut String, items: impl Iterator<Item = &'a str>) {
    out.push('[');
    for (i, s) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_str(out, Some(s));
    }
    out.push(']');
}

/// The summary as Swedish text (no personal data: counts and ids only).
pub fn summary_text(s: &Summary) -> String {
    let mut t = format!(
        "{} ärenden: {} beviljas, {} avslag, {} utredning ofullständig",
        s.rows - s.errors,
        s.outcomes[0],
        s.outcomes[1],
        s.outcomes[2]
    );
    t.push_str(" (räknat per sökt insats)\n");
    if s.errors > 0 {
        let lines: Vec<String> = s.error_lines.iter().map(ToString::to_string).collect();
        let more = if s.errors > s.error_lines.len() as u64 {
            ", …"
        } else {
            ""
        };
        t.push_str(&format!(
            "{} {} inte prövas (rad {}{more}); se fältet `error` i resultatet\n",
            s.errors,
            if s.errors == 1 {
                "rad kunde"
            } else {
                "rader kunde"
            },
            lines.join(", ")
        ));
    }
    let mut top = |title: &str, m: &HashMap<String, u64>| {
        if m.is_empty() {
            return;
        }
        let mut v: Vec<(&String, &u64)> = m.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        t.push_str(title);
        t.push('\n');
        for (k, n) in v {
            t.push_str(&format!("  {n:>8}  {k}\n"));
        }
    };
    top("Ej uppfyllda kriterier:", &s.not_met);
    top("Saknade uppgifter i ofullständiga utredningar:", &s.missing);
    t
}
