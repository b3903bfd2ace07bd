//! Writing a batch's results: one JSON object per line, or CSV rows, written as
//! they are made with buffers reused from row to row (hand-written JSON: the fast
//! path of a million-case run; see docs/benchmarks.md).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;

use super::{Format, Stop, Summary};
use crate::eval::case::Case;
use crate::eval::{Engine, Outcome};
use crate::rules::Tri;

/// Writes results as they are made, reusing its buffers from row to row.
pub(super) struct Sink<'w> {
    out: &'w mut dyn Write,
    format: Format,
    buf: String,
    not_met: Vec<usize>,
    unknown: Vec<usize>,
    missing: Vec<usize>,
}

impl<'w> Sink<'w> {
    /// A sink writing `format` to `out`; a CSV sink writes its header row now.
    pub(super) fn new(out: &'w mut dyn Write, format: Format) -> Result<Self, Stop> {
        let mut sink = Sink {
            out,
            format,
            buf: String::with_capacity(512),
            not_met: Vec::new(),
            unknown: Vec::new(),
            missing: Vec::new(),
        };
        if format == Format::Csv {
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
        Ok(sink)
    }

    /// Writes out what is buffered.
    pub(super) fn flush(&mut self) -> Result<(), Stop> {
        self.out.flush().map_err(Stop::write)
    }

    fn csv_record(&mut self, record: &[&str]) -> Result<(), Stop> {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::with_capacity(128));
        w.write_record(record).map_err(|e| e.to_string())?;
        let bytes = w.into_inner().map_err(|e| e.to_string())?;
        self.out.write_all(&bytes).map_err(Stop::write)
    }

    pub(super) fn error(&mut self, line: u64, id: Option<&str>, message: &str) -> Result<(), Stop> {
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
    pub(super) fn result(
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
