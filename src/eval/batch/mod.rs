//! Batch evaluation: JSON Lines or CSV in, one result per case out, streaming in
//! constant memory. A bad row gets an error in its result and the batch goes on.
//! [`read`] turns rows into cases, [`write`] results into lines; [`run`] joins them,
//! one row at a time or, with `jobs` > 1, through `parallel`: chunks of rows parsed and
//! evaluated on several threads, results written in input order (`diff --cases` reuses
//! the readers). A run is bounded by JSON parsing; see benches/eval.rs.

mod fast;
mod lines;
mod parallel;
mod read;
mod scan;
mod write;

use std::collections::HashMap;
use std::io::{BufRead, Write};

use jiff::civil::Date;

use crate::eval::{Case, Engine};
use crate::words::FastHash;
pub use read::{
    Header, Lookup, MAX_ROW_BYTES, Parser, Reader, Row, blank, parse_json_row, parse_json_row_fast,
    parse_json_row_serde,
};
pub use write::CSV_COLUMNS;
use write::Sink;

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
    /// How often each criterion was not met, by criterion id (counted for every row:
    /// hashed with foldhash, not SipHash).
    pub not_met: HashMap<String, u64, FastHash>,
    /// How often each fact was missing where it decided the outcome, by fact id.
    pub missing: HashMap<String, u64, FastHash>,
    /// Granted interventions with a level table, by the level they fall in.
    pub levels: Vec<LevelCount>,
}

/// How many granted interventions fell in one level of one level table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelCount {
    /// The level table's id.
    pub table: String,
    /// The level's name (`3`); `None` when no level could be chosen (a fact that
    /// places the case missing, or no threshold holding its value).
    pub level: Option<String>,
    /// The level's position in its table (lowest first), for ordering.
    pub row: Option<usize>,
    /// How many.
    pub count: u64,
}

impl Summary {
    /// Adds the counts of `other`, a summary of rows that come after this one's: its
    /// error lines follow (up to ten in all).
    pub fn merge(&mut self, other: Summary) {
        self.rows += other.rows;
        self.errors += other.errors;
        let room = 10usize.saturating_sub(self.error_lines.len());
        self.error_lines
            .extend(other.error_lines.into_iter().take(room));
        for (o, n) in self.outcomes.iter_mut().zip(other.outcomes) {
            *o += n;
        }
        for (from, into) in [
            (other.not_met, &mut self.not_met),
            (other.missing, &mut self.missing),
        ] {
            for (k, n) in from {
                *into.entry(k).or_insert(0) += n;
            }
        }
        for l in other.levels {
            match self
                .levels
                .iter_mut()
                .find(|c| c.table == l.table && c.row == l.row && c.level == l.level)
            {
                Some(c) => c.count += l.count,
                None => self.levels.push(l),
            }
        }
    }

    /// Counts one granted intervention at `level` of `table` (allocates only the first
    /// time a level is seen).
    pub fn count_level(&mut self, table: &str, level: Option<(usize, &str)>) {
        let found = self.levels.iter_mut().find(|c| {
            c.table == table
                && c.row == level.map(|(r, _)| r)
                && c.level.as_deref() == level.map(|(_, l)| l)
        });
        match found {
            Some(c) => c.count += 1,
            None => self.levels.push(LevelCount {
                table: table.to_owned(),
                level: level.map(|(_, l)| l.to_owned()),
                row: level.map(|(r, _)| r),
                count: 1,
            }),
        }
    }
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

/// How a batch is run: what to try the cases under, the formats, and on how many cores.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// Try every row under this guideline (`--document`); `None`: the one that defines
    /// the interventions applied for.
    pub document: Option<&'a str>,
    /// Choose versions and parameters on this date (`--date`); `None`: each case's
    /// application date.
    pub date: Option<Date>,
    /// The format of the input.
    pub input_format: Format,
    /// The format of the results.
    pub output_format: Format,
    /// How many threads parse and evaluate rows (`--jobs`): 1 reads, evaluates and
    /// writes each row in turn on the calling thread; N > 1 has N worker threads parse
    /// and evaluate chunks of rows while the calling thread reads the input and writes
    /// the results in input order (src/eval/batch/parallel.rs). The results, the summary and the
    /// errors are the same either way. 0 counts as 1.
    pub jobs: usize,
}

/// Evaluates every case of `input` and writes one result per case to `out`, in input
/// order, on `options.jobs` threads. Returns the summary; an `Err` only when the batch
/// cannot go on (see [`Stop`]): the rows before the one where it stopped have their
/// results written, as they would one row at a time.
pub fn run(
    engine: &Engine<'_>,
    options: &Options<'_>,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<Summary, Stop> {
    if options.jobs > 1 {
        return parallel::run(engine, options, input, out);
    }
    let mut reader = Reader::new(input, options.input_format)?;
    let parser = Parser::new(engine, &reader)?;
    let mut sink = Sink::new(out, options.output_format)?;
    let mut row_buffers = RowBuffers::new(engine);
    let mut summary = Summary::default();
    while let Some(row) = reader.next_row()? {
        // Ctrl-C or SIGTERM: stop between rows, so that the results file being written
        // (case data) is removed rather than left behind half-written.
        if crate::interrupt::requested() {
            return Err(Stop::Failed(crate::interrupt::INTERRUPTED.to_string()));
        }
        row_buffers.one(engine, &parser, options, &row, &mut sink, &mut summary)?;
    }
    sink.flush()?;
    Ok(summary)
}

/// What one thread reuses from row to row: the case a row is read into and the
/// buffers its results are made in.
struct RowBuffers {
    case: Case,
    scratch: crate::eval::Scratch,
}

impl RowBuffers {
    fn new(engine: &Engine<'_>) -> Self {
        RowBuffers {
            case: blank(engine),
            scratch: crate::eval::Scratch::default(),
        }
    }

    /// Parses and evaluates one row and writes its result (or its error) to `sink`,
    /// counting it in `summary` (at most the first ten error lines are kept).
    fn one<W: Write>(
        &mut self,
        engine: &Engine<'_>,
        parser: &Parser<'_, '_>,
        options: &Options<'_>,
        row: &Row<'_>,
        sink: &mut Sink<W>,
        summary: &mut Summary,
    ) -> Result<(), Stop> {
        let line = row.line();
        let case = &mut self.case;
        let parsed = parser.parse(row, case);
        summary.rows += 1;
        let result = parsed.and_then(|()| {
            engine
                .evaluate_into(case, options.document, options.date, &mut self.scratch)
                .map_err(|e| e.0)
        });
        match result {
            Ok((v, _)) => sink.result(
                engine,
                line,
                case,
                v,
                &self.scratch.results,
                &self.scratch.params,
                summary,
            ),
            Err(e) => {
                summary.errors += 1;
                if summary.error_lines.len() < 10 {
                    summary.error_lines.push(line);
                }
                sink.error(line, case.id.as_deref(), &e)
            }
        }
    }
}

/// The summary as Swedish text (no personal data: counts and ids only).
pub fn summary_text(s: &Summary) -> String {
    let mut t = format!(
        "{}: {} beviljas, {} avslag, {} utredning ofullständig",
        crate::sv::count(s.rows - s.errors, "ärende", "ärenden"),
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
    let mut top = |title: &str, m: &HashMap<String, u64, FastHash>| {
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
    if !s.levels.is_empty() {
        let mut levels: Vec<&LevelCount> = s.levels.iter().collect();
        levels.sort_by(|a, b| {
            (a.table.as_str(), a.row.is_none(), a.row).cmp(&(
                b.table.as_str(),
                b.row.is_none(),
                b.row,
            ))
        });
        t.push_str("Nivåer i beviljade insatser:\n");
        for c in levels {
            let level = c.level.as_deref().map_or_else(
                || "ingen nivå kunde väljas".to_owned(),
                |l| format!("nivå {l}"),
            );
            t.push_str(&format!("  {:>8}  {} {level}\n", c.count, c.table));
        }
    }
    t
}
