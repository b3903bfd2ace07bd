//! Reading a batch: JSON Lines or CSV, one case per row, streamed. [`Reader`] splits
//! the input into rows (holding at most one row); [`Parser`] reads a row into a
//! reusable [`Case`] for one policy, so the same rows can be read for two policies
//! (an impact run across git revisions). Rows are parsed straight into the case's
//! buffers, no tree per row: a JSON Lines row of the usual shape by the fast path
//! ([`super::fast`]), any other row and every error by a serde `DeserializeSeed`.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;
use std::io::BufRead;

use jiff::civil::Date;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::lines::{CsvInput, Line, read_row};
use super::{Format, Stop};
use crate::date::parse as parse_date;
use crate::eval::Engine;
use crate::eval::case::{Assessment, Case, Extension, Raw, encode};
use crate::model::FactSource;
use crate::words::FastHash;

/// Looks facts and roles up by name without allocating (foldhash: a row's keys are
/// short, and the table is fixed), and remembers which facts the row being read has given, so
/// that a fact given twice is refused. The row stamps are `Cell`s: a `Lookup` belongs
/// to one thread (each worker of a parallel batch reads with its own clone of the
/// [`Parser`]).
#[derive(Clone)]
pub struct Lookup<'p> {
    facts: HashMap<&'p str, usize, FastHash>,
    roles: HashMap<&'p str, u8, FastHash>,
    /// Per fact slot, the number of the last row that gave it: row numbers rather than
    /// flags, so that nothing is cleared between rows.
    seen: Vec<Cell<u32>>,
    /// The number of the row being read (1 and up; 0 is no row).
    row: Cell<u32>,
    /// The facts' names, by slot.
    names: Vec<&'p str>,
    /// Per fact slot, and then for the start of `fakta` and of `bedomningar`: the slot
    /// of the key that came next in the row before ([`NONE`] at first), the key the
    /// fast path compares in place before looking one up.
    after: Vec<Cell<u32>>,
}

/// No slot.
const NONE: u32 = u32::MAX;

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
            seen: vec![Cell::new(0); engine.policy.facts.len()],
            row: Cell::new(0),
            names: engine
                .policy
                .facts
                .iter()
                .map(|f| f.id.value.as_str())
                .collect(),
            after: vec![Cell::new(NONE); engine.policy.facts.len() + 2],
        }
    }

    /// The place before the first key of `fakta` (or, `assessments`, of
    /// `bedomningar`), for [`Lookup::predicted`].
    pub(super) fn object_start(&self, assessments: bool) -> usize {
        self.names.len() + usize::from(assessments)
    }

    /// The fact (slot and name) whose key followed `before` (a slot, or an
    /// [`Lookup::object_start`]) in the row before, if any.
    pub(super) fn predicted(&self, before: usize) -> Option<(usize, &'p str)> {
        let slot = self.after[before].get();
        (slot != NONE).then(|| (slot as usize, self.names[slot as usize]))
    }

    /// Remembers that `slot`'s key followed `before`.
    pub(super) fn learn(&self, before: usize, slot: usize) {
        self.after[before].set(u32::try_from(slot).unwrap_or(NONE));
    }

    /// Starts a row: no fact given yet.
    pub(super) fn next_row(&self) {
        let row = self.row.get().wrapping_add(1);
        if row == 0 {
            // After 4 billion rows the numbers start again: forget the old ones.
            self.seen.iter().for_each(|s| s.set(0));
            self.row.set(1);
        } else {
            self.row.set(row);
        }
    }

    /// Records that the row gives fact `slot`; `false` if it gave it before.
    pub(super) fn first_time(&self, slot: usize) -> bool {
        let row = self.row.get();
        self.seen[slot].replace(row) != row
    }

    /// Whether the row being read has given fact `slot`.
    pub(super) fn given(&self, slot: usize) -> bool {
        self.seen[slot].get() == self.row.get()
    }

    /// The slot of the fact named `name`.
    pub(super) fn fact(&self, name: &str) -> Option<usize> {
        self.facts.get(name).copied()
    }

    /// The index of the role named `name`.
    pub(super) fn role(&self, name: &str) -> Option<u8> {
        self.roles.get(name).copied()
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

/// One row of a batch, as read: not yet a case.
pub enum Row<'a> {
    /// A JSON Lines row (without its line ending).
    Json {
        /// Its line number (1-based).
        line: u64,
        /// Its bytes.
        bytes: &'a [u8],
    },
    /// A CSV record.
    Csv {
        /// The line it starts on (1-based; the header is line 1).
        line: u64,
        /// Its fields.
        record: &'a csv::StringRecord,
    },
    /// A row that cannot be read at all (too long, malformed CSV); why, in plain words.
    Bad {
        /// Its line number.
        line: u64,
        /// What is wrong.
        why: String,
    },
}

impl Row<'_> {
    /// The row's line number.
    pub fn line(&self) -> u64 {
        match self {
            Row::Json { line, .. } | Row::Csv { line, .. } | Row::Bad { line, .. } => *line,
        }
    }
}

/// Splits a batch into rows, holding one row at a time.
pub struct Reader<'i> {
    inner: Inner<'i>,
}

enum Inner<'i> {
    Jsonl {
        input: &'i mut dyn BufRead,
        buf: Vec<u8>,
        line: u64,
    },
    Csv {
        // Boxed: a csv reader with its buffers is large beside the JSON Lines reader.
        reader: Box<csv::Reader<CsvInput<'i>>>,
        header: Header,
        record: csv::StringRecord,
    },
}

/// A CSV file's header row: its column names, its line, and the separator chosen.
pub struct Header {
    /// The column names, as written.
    pub names: csv::StringRecord,
    /// Its line (1, unless blank lines come first).
    pub line: u64,
    /// `,` or `;`.
    pub separator: char,
    /// Whether the header line held both `,` and `;`, so that the separator was a guess
    /// (the more frequent of the two).
    pub mixed: bool,
}

impl<'i> Reader<'i> {
    /// Starts reading `input`; for CSV the header row is read here, and the separator
    /// chosen from it: `;` when it has more `;` than `,` outside quotes, else `,`.
    pub fn new(input: &'i mut dyn BufRead, format: Format) -> Result<Self, Stop> {
        let inner = match format {
            Format::Jsonl => Inner::Jsonl {
                input,
                buf: Vec::with_capacity(1024),
                line: 0,
            },
            Format::Csv => {
                let (input, separator) = CsvInput::new(input, MAX_ROW_BYTES)
                    .map_err(|e| format!("cannot read the cases ({e})"))?;
                let mut reader = csv::ReaderBuilder::new()
                    .flexible(false)
                    .delimiter(separator.byte)
                    .from_reader(input);
                let names = reader
                    .headers()
                    .map_err(|e| format!("cannot read the CSV header ({e})"))?
                    .clone();
                let line = names
                    .position()
                    .map_or(1, |p| reader.get_mut().line_of(p.byte()));
                Inner::Csv {
                    reader: Box::new(reader),
                    header: Header {
                        names,
                        line,
                        separator: char::from(separator.byte),
                        mixed: separator.mixed,
                    },
                    record: csv::StringRecord::new(),
                }
            }
        };
        Ok(Reader { inner })
    }

    /// The CSV header, when the input is CSV.
    pub fn header(&self) -> Option<&Header> {
        match &self.inner {
            Inner::Csv { header, .. } => Some(header),
            Inner::Jsonl { .. } => None,
        }
    }

    /// The next row; `None` at the end. Blank JSON Lines rows are skipped. An `Err` only
    /// when the input cannot be read.
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>, Stop> {
        match &mut self.inner {
            Inner::Jsonl { input, buf, line } => {
                buf.clear();
                Ok(match json_line(&mut **input, buf, line)? {
                    Got::End => None,
                    Got::Row(range) => Some(Row::Json {
                        line: *line,
                        bytes: &buf[range],
                    }),
                    Got::Bad(why) => Some(Row::Bad { line: *line, why }),
                })
            }
            Inner::Csv { reader, record, .. } => Ok(match csv_record(reader, record)? {
                (_, Got::End) => None,
                (line, Got::Row(())) => Some(Row::Csv { line, record }),
                (line, Got::Bad(why)) => Some(Row::Bad { line, why }),
            }),
        }
    }

    /// Reads the next rows into `chunk` (emptied first), until it holds `rows` rows or
    /// about `bytes` bytes of them (a JSON Lines row is kept whole, up to
    /// [`MAX_ROW_BYTES`]) or the input ends; the rows are read exactly as
    /// [`Reader::next_row`] reads them. Returns whether the input may hold more rows.
    /// An `Err` when the input cannot be read; the rows read before it stay in `chunk`.
    pub(super) fn fill(
        &mut self,
        chunk: &mut Chunk,
        rows: usize,
        bytes: usize,
    ) -> Result<bool, Stop> {
        chunk.clear();
        match &mut self.inner {
            Inner::Jsonl { input, line, .. } => {
                while chunk.rows.len() < rows && chunk.bytes.len() < bytes {
                    match json_line(&mut **input, &mut chunk.bytes, line)? {
                        Got::End => return Ok(false),
                        Got::Row(range) => chunk.rows.push(Slot::Json(*line, range)),
                        Got::Bad(why) => {
                            chunk.rows.push(Slot::Bad(*line, chunk.bad.len()));
                            chunk.bad.push(why);
                        }
                    }
                }
            }
            Inner::Csv { reader, .. } => {
                let mut bytes_read = 0;
                while chunk.rows.len() < rows && bytes_read < bytes {
                    let k = chunk.rows.len();
                    if chunk.records.len() <= k {
                        chunk.records.push(csv::StringRecord::new());
                    }
                    let record = &mut chunk.records[k];
                    match csv_record(reader, record)? {
                        (_, Got::End) => return Ok(false),
                        (line, Got::Row(())) => {
                            bytes_read += record.as_slice().len();
                            chunk.rows.push(Slot::Csv(line, k));
                        }
                        (line, Got::Bad(why)) => {
                            chunk.rows.push(Slot::Bad(line, chunk.bad.len()));
                            chunk.bad.push(why);
                        }
                    }
                }
            }
        }
        Ok(true)
    }
}

/// Rows as the reader hands them to the cores that parse them: a few hundred at a
/// time, with their line numbers, in buffers that go round and are reused.
#[derive(Default)]
pub(super) struct Chunk {
    /// JSON Lines: the rows' bytes, back to back (each row's range is in its slot).
    bytes: Vec<u8>,
    /// CSV: one record per row (reused; more than `rows` may be allocated).
    records: Vec<csv::StringRecord>,
    /// The rows, in input order.
    rows: Vec<Slot>,
    /// Why each bad row cannot be read.
    bad: Vec<String>,
}

/// Where a row of a [`Chunk`] is: its line number, and its bytes, its record or why it
/// cannot be read.
enum Slot {
    Json(u64, std::ops::Range<usize>),
    Csv(u64, usize),
    Bad(u64, usize),
}

impl Chunk {
    fn clear(&mut self) {
        self.bytes.clear();
        self.rows.clear();
        self.bad.clear();
    }

    /// How many rows it holds.
    pub(super) fn len(&self) -> usize {
        self.rows.len()
    }

    /// Its rows, in input order, as [`Reader::next_row`] would have returned them.
    pub(super) fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|slot| match slot {
            Slot::Json(line, range) => Row::Json {
                line: *line,
                bytes: &self.bytes[range.clone()],
            },
            Slot::Csv(line, k) => Row::Csv {
                line: *line,
                record: &self.records[*k],
            },
            Slot::Bad(line, k) => Row::Bad {
                line: *line,
                why: self.bad[*k].clone(),
            },
        })
    }
}

/// What reading one row gave: the end of the input, a row, or why the row cannot be read.
enum Got<T> {
    End,
    Row(T),
    Bad(String),
}

/// Reads the next JSON Lines row, appending it to `buf` (blank lines are skipped and
/// counted in `line`): the end, the row's range in `buf` (trimmed, without a byte-order
/// mark), or why the row cannot be read (it is then not kept in `buf`).
fn json_line(
    input: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    line: &mut u64,
) -> Result<Got<std::ops::Range<usize>>, Stop> {
    let base = buf.len();
    loop {
        buf.truncate(base);
        // A line ends at LF, CRLF or a lone CR; at most MAX_ROW_BYTES of it is held, the
        // rest of a longer one is read past.
        let read = read_row(input, buf, MAX_ROW_BYTES)
            .map_err(|e| format!("cannot read the cases ({e})"))?;
        match read {
            Line::End => return Ok(Got::End),
            Line::TooLong => {
                *line += 1;
                buf.truncate(base);
                let why = format!("the row is longer than {} MiB", MAX_ROW_BYTES >> 20);
                return Ok(Got::Bad(why));
            }
            Line::Row => *line += 1,
        }
        let row = &buf[base..];
        let end = row.len()
            - row
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
        let mut start = row
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count()
            .min(end);
        // A byte-order mark, as some editors write, is not part of the row.
        if *line == 1 && row[start..end].starts_with(b"\xEF\xBB\xBF") {
            start += 3;
        }
        if start < end {
            return Ok(Got::Row(base + start..base + end));
        }
    }
}

/// Reads the next CSV record into `record`: the line it starts on, and the end, the row,
/// or why it is bad (a record with the wrong number of fields, or not UTF-8, is a bad
/// row, not a reason to stop).
fn csv_record(
    reader: &mut csv::Reader<CsvInput<'_>>,
    record: &mut csv::StringRecord,
) -> Result<(u64, Got<()>), Stop> {
    // The line a record starts on, from where the reader started reading it (CsvInput
    // maps it back through every kind of line break).
    let line_of = |reader: &mut csv::Reader<CsvInput<'_>>, pos: Option<&csv::Position>| {
        pos.map_or(0, |p| reader.get_mut().line_of(p.byte()))
    };
    match reader.read_record(record) {
        Ok(false) => Ok((0, Got::End)),
        Ok(true) => {
            let line = line_of(reader, record.position());
            Ok((line, Got::Row(())))
        }
        Err(e) => {
            let line = line_of(reader, e.position());
            match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => Ok((
                    line,
                    Got::Bad(format!(
                        "malformed CSV row: {len} fields where the header has {expected_len}"
                    )),
                )),
                csv::ErrorKind::Utf8 { .. } => Ok((
                    line,
                    Got::Bad("malformed CSV row: not valid UTF-8".to_string()),
                )),
                _ => Err(format!("cannot read the cases ({e})").into()),
            }
        }
    }
}

/// Reads rows into cases for one policy. It keeps per-row state (which facts the row
/// being read has given), so it is not shared between threads: each thread reads with
/// its own clone.
#[derive(Clone)]
pub struct Parser<'e, 'p> {
    engine: &'e Engine<'p>,
    lookup: Lookup<'p>,
    /// The CSV header mapped to this policy's facts (empty for JSON Lines).
    columns: Vec<Column>,
}

impl<'e, 'p> Parser<'e, 'p> {
    /// A parser for `engine`'s policy; for CSV, the reader's header must name only
    /// columns this policy knows (else the batch cannot go on).
    pub fn new(engine: &'e Engine<'p>, reader: &Reader<'_>) -> Result<Self, Stop> {
        let lookup = Lookup::new(engine);
        let columns = match reader.header() {
            Some(h) => csv_columns(engine, &lookup, h)?,
            None => Vec::new(),
        };
        Ok(Parser {
            engine,
            lookup,
            columns,
        })
    }

    /// Reads `row` into `case` (cleared first); `Err` says, in plain words, why the row
    /// is not a case.
    pub fn parse(&self, row: &Row<'_>, case: &mut Case) -> Result<(), String> {
        match row {
            Row::Json { bytes, .. } => parse_json_row(self.engine, &self.lookup, bytes, case),
            Row::Csv { record, .. } => {
                parse_csv_row(self.engine, &self.lookup, &self.columns, record, case)
            }
            Row::Bad { why, .. } => {
                reset(case);
                Err(why.clone())
            }
        }
    }
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
struct JsonRow<'a, 'p> {
    engine: &'a Engine<'p>,
    lookup: &'a Lookup<'p>,
    case: &'a mut Case,
}

/// A date in a JSON row; the error names the text (its column is added by `json_error`).
fn date<E: de::Error>(s: &str) -> Result<Date, E> {
    parse_date(s).map_err(|why| E::custom(crate::date::not_a_date(s, &why)))
}

/// A date in a CSV cell; the error names the text and the column.
fn csv_date(cell: &str, column: &str) -> Result<Date, String> {
    parse_date(cell).map_err(|why| {
        format!(
            "{} (column `{column}`)",
            crate::date::not_a_date(cell, &why)
        )
    })
}

impl<'de> DeserializeSeed<'de> for JsonRow<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for JsonRow<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a case: a JSON object with `ansokningsdatum` and `insatser`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        let mut seen_date = false;
        // The keys given so far, one bit each (in the order of `CASE_KEYS`).
        let mut given = 0u16;
        while let Some(key) = m.next_key::<Cow<'de, str>>()? {
            if let Some(bit) = CASE_KEYS.iter().position(|k| *k == key.as_ref()) {
                if given & (1 << bit) != 0 {
                    return Err(twice(&key, "this case"));
                }
                given |= 1 << bit;
            }
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
                    self.case.application_date = date(&s)?;
                    seen_date = true;
                }
                "startdatum" => {
                    let s: Option<Cow<'de, str>> = m.next_value()?;
                    self.case.start_date = s.map(|s| date(&s)).transpose()?;
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

/// The keys of a case row.
const CASE_KEYS: [&str; 8] = [
    "arende",
    "riktlinje",
    "ansokningsdatum",
    "startdatum",
    "insatser",
    "fakta",
    "bedomningar",
    "sarskilda_skal",
];

/// A key given twice in one object: refused, as a YAML case file refuses it (the last
/// value would otherwise win without a word).
fn twice<E: de::Error>(key: &str, place: &str) -> E {
    E::custom(format!("key `{key}` appears twice in {place}"))
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
            if !self.lookup.first_time(slot) {
                let what = if self.assessments {
                    "`bedomningar`"
                } else {
                    "`fakta`"
                };
                return Err(twice(&key, what));
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
                    let by = a
                        .av
                        .filter(|s| !crate::words::is_blank(s))
                        .ok_or_else(|| de::Error::custom(crate::eval::case::no_assessor(&key)))?;
                    self.case.assessments[slot] = Some(Assessment {
                        by,
                        date: a.datum.map(|d| date(&d)).transpose()?,
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

/// Reads one JSON Lines row into `case` (cleared first): through the fast path
/// ([`super::fast`]) when the row has the usual shape, else (and for every error)
/// through serde_json. `Err` says, in plain words, why the row is not a case.
pub fn parse_json_row(
    engine: &Engine<'_>,
    lookup: &Lookup<'_>,
    line: &[u8],
    case: &mut Case,
) -> Result<(), String> {
    if super::fast::parse(engine, lookup, line, case).is_some() {
        return crate::eval::case::check_bounds(case);
    }
    parse_json_row_serde(engine, lookup, line, case)
}

/// Reads a JSON Lines row as the fast path would, answering `None` where it gives the
/// row up: for tests and fuzzing, which hold it to [`parse_json_row_serde`].
#[doc(hidden)]
pub fn parse_json_row_fast(
    engine: &Engine<'_>,
    lookup: &Lookup<'_>,
    line: &[u8],
    case: &mut Case,
) -> Option<Result<(), String>> {
    super::fast::parse(engine, lookup, line, case).map(|()| crate::eval::case::check_bounds(case))
}

/// Reads one JSON Lines row into `case` (cleared first) with serde_json: every row,
/// whatever its shape, with an error message for every fault.
pub fn parse_json_row_serde(
    engine: &Engine<'_>,
    lookup: &Lookup<'_>,
    line: &[u8],
    case: &mut Case,
) -> Result<(), String> {
    reset(case);
    lookup.next_row();
    let mut de = serde_json::Deserializer::from_slice(line);
    JsonRow {
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
#[derive(Clone)]
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
/// A column named twice is refused (which of the two would count?).
fn csv_columns(
    engine: &Engine<'_>,
    lookup: &Lookup<'_>,
    header: &Header,
) -> Result<Vec<Column>, String> {
    let names = &header.names;
    // A header with both separators: say which one was taken, with the unknown column.
    let assumed = if header.mixed {
        format!(
            "; the header line has both `,` and `;`, and `{}` (the more frequent) was taken as the separator: write the header with `{}` only",
            header.separator, header.separator
        )
    } else {
        String::new()
    };
    // Every cell names a column (a file without its header row stops here, at its
    // first case's cell, unquoted); then none is named twice.
    let columns = names
        .iter()
        .enumerate()
        .map(|(k, h)| {
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
                        let hint = crate::diag::did_you_mean(
                            name,
                            engine.policy.facts.iter().map(|f| f.id.value.as_str()),
                        )
                        .map(|b| format!("; did you mean `{b}`?"))
                        .unwrap_or_default();
                        unknown_column(k, h, header.line, &format!("{hint}{assumed}"))
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
                        _ => return Err(unknown_column(k, h, header.line, "")),
                    }
                }
            })
        })
        .collect::<Result<Vec<Column>, String>>()?;
    for (i, h) in names.iter().enumerate() {
        if let Some(first) = names.iter().take(i).position(|x| x.trim() == h.trim()) {
            return Err(format!(
                "column `{}` appears twice in the CSV header (line {}: columns {} and {})",
                h.trim(),
                header.line,
                first + 1,
                i + 1
            ));
        }
    }
    Ok(columns)
}

/// The error of a header cell that names no column (the `k`th, from 0). The cell is
/// quoted only when it is shaped like a column name (lowercase letters first, digits,
/// `_`, `-`, `.`) or close to one (`hint`): a file whose header row is missing has a
/// case in its first row, whose values stay out of standard error and CI logs.
fn unknown_column(k: usize, h: &str, line: u64, hint: &str) -> String {
    // Also a header read with the other separator (`insatser,fodelsedatum`).
    let named = h.split([',', ';']).all(|c| {
        c.starts_with(|c: char| c.is_ascii_lowercase())
            && c.split('.').all(|p| crate::model::is_slug(p, true))
    });
    if named || hint.contains("did you mean") {
        format!("unknown column `{h}` in the CSV header (line {line}){hint}")
    } else {
        format!(
            "column {} of the CSV header (line {line}) is not a column name (its text is not shown: it may be a case's data); is the header row missing?{hint}",
            k + 1
        )
    }
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
                case.application_date = csv_date(cell, "ansokningsdatum")?;
                seen_date = true;
            }
            Column::StartDate if cell.is_empty() => {}
            Column::StartDate => case.start_date = Some(csv_date(cell, "startdatum")?),
            Column::Interventions => case.interventions.extend(
                cell.split([';', '|'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            ),
            Column::Fact(slot) => {
                case.facts[*slot] = encode(&engine.policy.facts[*slot], Raw::Str(cell))?
            }
            Column::AssessedBy(slot) if !crate::words::is_blank(cell) => {
                by.push((*slot, cell.to_string()))
            }
            Column::ExtensionMonths if !cell.is_empty() => {
                ext_months =
                    Some(cell.parse::<u32>().map_err(|_| {
                        "`sarskilda_skal.manader` is not a whole number".to_string()
                    })?)
            }
            Column::ExtensionReason if !crate::words::is_blank(cell) => {
                ext_reason = Some(cell.to_string())
            }
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
                "{} (column `{}.av`)",
                crate::eval::case::no_assessor(&fact.id.value),
                fact.id.value
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
                    a.date = Some(csv_date(cell, &format!("{}.datum", fact.id.value))?)
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
