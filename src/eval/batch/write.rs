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
pub(super) struct Sink<W: Write> {
    /// Where the results go.
    pub(super) out: W,
    format: Format,
    buf: String,
    not_met: Vec<usize>,
    unknown: Vec<usize>,
    missing: Vec<usize>,
    /// The CSV cells `amounts` and `groups`, reused from row to row.
    amounts_cell: String,
    groups_cell: String,
    /// The policy's names as JSON strings, made at the first result (JSON Lines only).
    names: Option<JsonNames>,
}

/// The names a JSON result line repeats, each written once as JSON (quoted, escaped):
/// a million-case batch otherwise escapes the same few dozen ids tens of millions of
/// times. Made from one engine; `engine` says which (its address: a sink is used with
/// one engine, and is rebuilt if it ever sees another).
struct JsonNames {
    engine: usize,
    /// Per version of `engine.versions`.
    versions: Vec<VersionNames>,
    /// Facts then parameters, by the slots of [`missing_name`].
    missing: Vec<String>,
}

struct VersionNames {
    /// `,"document":…,"version":…,"interventions":[`.
    head: String,
    /// Per intervention: `{"id":…,"outcome":"`.
    interventions: Vec<String>,
    /// Per criterion: its id.
    criteria: Vec<String>,
    /// Per intervention, per duty: its id.
    duties: Vec<Vec<String>>,
}

impl JsonNames {
    fn new(engine: &Engine<'_>) -> Self {
        let quoted = |s: &str| {
            let mut out = String::with_capacity(s.len() + 2);
            push_json_str(&mut out, Some(s));
            out
        };
        let versions = engine
            .versions
            .iter()
            .map(|v| VersionNames {
                head: format!(
                    ",\"document\":{},\"version\":{},\"interventions\":[",
                    quoted(&v.doc.id),
                    quoted(&v.version.version.value)
                ),
                interventions: v
                    .interventions
                    .iter()
                    .map(|ci| {
                        format!(
                            "{{\"id\":{},\"outcome\":\"",
                            quoted(&ci.intervention.id.value)
                        )
                    })
                    .collect(),
                criteria: v
                    .criteria
                    .iter()
                    .map(|c| quoted(&c.criterion.id.value))
                    .collect(),
                duties: v
                    .interventions
                    .iter()
                    .map(|ci| ci.duties.iter().map(|(d, _)| quoted(&d.id.value)).collect())
                    .collect(),
            })
            .collect();
        let slots = engine.policy.facts.len() + engine.policy.parameters.len();
        JsonNames {
            engine: std::ptr::from_ref(engine) as usize,
            versions,
            missing: (0..slots)
                .map(|k| quoted(missing_name(engine, k)))
                .collect(),
        }
    }
}

/// The CSV header: the same columns for every policy, so that a reader can rely on them.
/// `level`, `amounts` and `groups` come after `error` (added with extents, so the
/// columns before them keep their places) and are empty for an intervention without an
/// extent or groups.
pub const CSV_COLUMNS: [&str; 16] = [
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
    "level",
    "amounts",
    "groups",
];

/// Writes the CSV header row to `out` when `format` is CSV (what [`Sink::new`] writes
/// first), for results written in parts.
pub(super) fn header(out: &mut dyn Write, format: Format) -> Result<(), Stop> {
    if format == Format::Csv {
        Sink::body(out, format).csv_record(&CSV_COLUMNS)?;
    }
    Ok(())
}

impl<W: Write> Sink<W> {
    /// A sink writing `format` to `out`; a CSV sink writes its header row now.
    pub(super) fn new(out: W, format: Format) -> Result<Self, Stop> {
        let mut sink = Sink::body(out, format);
        if format == Format::Csv {
            sink.csv_record(&CSV_COLUMNS)?;
        }
        Ok(sink)
    }

    /// A sink writing `format` to `out` without a CSV header: part of the results.
    pub(super) fn body(out: W, format: Format) -> Self {
        Sink {
            out,
            format,
            buf: String::with_capacity(512),
            not_met: Vec::new(),
            unknown: Vec::new(),
            missing: Vec::new(),
            amounts_cell: String::new(),
            groups_cell: String::new(),
            names: None,
        }
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
                    "",
                    "",
                    "",
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
        // The version's names as JSON (for CSV: none), taken out of the sink for the
        // row and put back at its end.
        let names = match self.format {
            Format::Jsonl => {
                let engine_id = std::ptr::from_ref(engine) as usize;
                match self.names.take() {
                    Some(n) if n.engine == engine_id => Some(n),
                    _ => Some(JsonNames::new(engine)),
                }
            }
            Format::Csv => None,
        };
        let json = names.as_ref().map(|n| {
            let k = engine
                .versions
                .iter()
                .position(|x| std::ptr::eq(x, v))
                .expect("the version is the engine's");
            (n, &n.versions[k])
        });
        if let Some((_, vn)) = json {
            out.push_str("{\"line\":");
            out.push_str(itoa::Buffer::new().format(line));
            out.push_str(",\"case\":");
            push_json_str(&mut out, case.id.as_deref());
            out.push_str(&vn.head);
        }
        for (k, r) in results.iter().enumerate() {
            let ci = &v.interventions[r.index];
            // Counted in the order of `Outcome::ALL`, which is the declaration order.
            summary.outcomes[r.outcome as usize] += 1;
            if let Some(l) = r.extent.as_ref().and_then(|x| x.level.as_ref()) {
                let t = &v.version.levels[l.table];
                summary.count_level(
                    &t.id.value,
                    l.row.map(|row| (row, t.rows[row].level.value.as_str())),
                );
            }
            // Indices, into buffers kept between rows.
            self.not_met.clear();
            self.unknown.clear();
            self.missing.clear();
            // With groups: the criteria whose result can still matter (an alternative of
            // a met group is not asked for). Allocates only for interventions with groups.
            let open: Option<Vec<usize>> = (!r.groups.is_empty()).then(|| {
                let mut o = Vec::new();
                crate::eval::extent::open_criteria(&ci.members, &r.groups, &mut o);
                o
            });
            for (k, cr) in r.criteria.iter().enumerate() {
                let c = &v.criteria[cr.index];
                let asked = open.as_ref().is_none_or(|o| o.contains(&k));
                match cr.result {
                    Tri::False => {
                        self.not_met.push(cr.index);
                        bump(&mut summary.not_met, &c.criterion.id.value);
                    }
                    Tri::Unknown => {
                        self.unknown.push(cr.index);
                        if !asked {
                            continue;
                        }
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
            // Granted on its criteria but the level or fee not worked out: the facts those
            // need (allocates only on this rare path).
            if r.outcome == Outcome::Ofullstandig {
                if let Some(x) = &r.extent {
                    for slot in x.missing_facts(v, ci.intervention, case) {
                        if !self.missing.contains(&slot) {
                            self.missing.push(slot);
                        }
                    }
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
                    let (names, vn) = json.expect("JSON Lines");
                    if k > 0 {
                        out.push(',');
                    }
                    out.push_str(&vn.interventions[r.index]);
                    out.push_str(r.outcome.code());
                    out.push_str("\",\"not_met\":");
                    push_quoted_list(&mut out, self.not_met.iter().map(|&i| &vn.criteria[i]));
                    out.push_str(",\"not_established\":");
                    push_quoted_list(&mut out, self.unknown.iter().map(|&i| &vn.criteria[i]));
                    out.push_str(",\"missing\":");
                    push_quoted_list(&mut out, self.missing.iter().map(|&i| &names.missing[i]));
                    out.push_str(",\"period\":");
                    match r.period {
                        Some(p) => {
                            out.push_str("{\"from\":\"");
                            push_date(&mut out, p.from);
                            out.push_str("\",\"until\":\"");
                            push_date(&mut out, p.until);
                            out.push_str("\"}");
                        }
                        None => out.push_str("null"),
                    }
                    out.push_str(",\"duties\":");
                    let duties = &vn.duties[r.index];
                    push_quoted_list(&mut out, r.duties.iter().map(|(d, _)| &duties[*d]));
                    push_extent_json(&mut out, v, r);
                    out.push('}');
                }
                Format::Csv => {
                    let join =
                        |it: &mut dyn Iterator<Item = &str>| it.collect::<Vec<_>>().join(";");
                    let (from, until) = r.period.map_or((String::new(), String::new()), |p| {
                        (p.from.to_string(), p.until.to_string())
                    });
                    let line = line.to_string();
                    let level = level_name(v, r).unwrap_or("");
                    let mut amounts = std::mem::take(&mut self.amounts_cell);
                    let mut groups = std::mem::take(&mut self.groups_cell);
                    amounts_csv(&mut amounts, v, r);
                    groups_csv(&mut groups, v, r);
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
                        level,
                        &amounts,
                        &groups,
                    ];
                    let written = self.csv_record(&rec);
                    self.amounts_cell = amounts;
                    self.groups_cell = groups;
                    written?;
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
        self.names = names;
        written
    }
}

/// The name of the level a granted intervention falls in (`3`); `None` without a level
/// table, when not granted, or when a fact that places the case is missing.
fn level_name<'v>(
    v: &'v crate::eval::CompiledVersion<'_>,
    r: &crate::eval::InterventionResult,
) -> Option<&'v str> {
    let l = r.extent.as_ref()?.level.as_ref()?;
    let row = l.row?;
    Some(v.version.levels[l.table].rows[row].level.value.as_str())
}

/// The amounts an intervention decides (its `extent.amounts`), each as (amount, value):
/// the value `None` when it could not be established.
fn decided<'v>(
    v: &'v crate::eval::CompiledVersion<'_>,
    r: &'v crate::eval::InterventionResult,
) -> impl Iterator<Item = (&'v crate::model::Amount, Option<crate::model::Number>)> {
    let i = v.interventions[r.index].intervention;
    i.extent.amounts.iter().filter_map(move |id| {
        let k = v
            .version
            .amounts
            .iter()
            .position(|a| a.id.value == id.value)?;
        let value = r
            .extent
            .as_ref()
            .and_then(|x| x.amount(k))
            .and_then(|a| a.value);
        Some((&v.version.amounts[k], value))
    })
}

/// An exact decimal with a point (`2642.08`, `1127`), written without allocating when
/// it is whole.
fn push_decimal(out: &mut String, n: &crate::model::Number) {
    if n.is_integer() {
        let _ = write!(out, "{}", n.to_integer());
    } else {
        out.push_str(&crate::sv::decimal_point(n));
    }
}

/// `,"groups":[…]`, `,"level":…` and `,"amounts":[…]` of one intervention, each only
/// when the intervention has groups, a level table, amounts.
fn push_extent_json(
    out: &mut String,
    v: &crate::eval::CompiledVersion<'_>,
    r: &crate::eval::InterventionResult,
) {
    let ci = &v.interventions[r.index];
    if ci.groups > 0 {
        out.push_str(",\"groups\":[");
        let mut first = true;
        push_groups_json(out, v, r, &ci.members, &mut first);
        out.push(']');
    }
    let extent = &ci.intervention.extent;
    if extent.level.is_some() {
        out.push_str(",\"level\":");
        push_json_str(out, level_name(v, r));
    }
    if !extent.amounts.is_empty() {
        out.push_str(",\"amounts\":");
        if r.extent.is_none() {
            out.push_str("null");
            return;
        }
        out.push('[');
        for (k, (a, value)) in decided(v, r).enumerate() {
            if k > 0 {
                out.push(',');
            }
            out.push_str("{\"id\":");
            push_json_str(out, Some(&a.id.value));
            out.push_str(",\"value\":");
            match value {
                Some(n) => {
                    out.push('"');
                    push_decimal(out, &n);
                    out.push('"');
                }
                None => out.push_str("null"),
            }
            out.push_str(",\"unit\":");
            push_json_str(out, Some(a.unit.value.trim()));
            out.push('}');
        }
        out.push(']');
    }
}

/// Each group, depth first: `{"id", "result", "met"}`, `met` the ids of its members
/// (criteria and groups) that are met.
fn push_groups_json(
    out: &mut String,
    v: &crate::eval::CompiledVersion<'_>,
    r: &crate::eval::InterventionResult,
    members: &[crate::eval::extent::CMember],
    first: &mut bool,
) {
    use crate::eval::extent::CMember;
    for m in members {
        let CMember::Group(g, _, inner) = m else {
            continue;
        };
        if !*first {
            out.push(',');
        }
        *first = false;
        let ci = &v.interventions[r.index];
        out.push_str("{\"id\":");
        push_json_str(out, ci.group_defs.get(*g).map(|d| d.id.value.as_str()));
        let result = r.groups.get(*g).copied().unwrap_or(Tri::Unknown);
        let _ = write!(
            out,
            ",\"result\":\"{}\",\"met\":",
            crate::eval::report::tri_code(result)
        );
        push_json_list(out, met_members(v, r, inner));
        out.push('}');
        push_groups_json(out, v, r, inner, first);
    }
}

/// The ids of the members (criteria and groups) of a group that are met, in order.
fn met_members<'v>(
    v: &'v crate::eval::CompiledVersion<'_>,
    r: &'v crate::eval::InterventionResult,
    members: &'v [crate::eval::extent::CMember],
) -> impl Iterator<Item = &'v str> {
    use crate::eval::extent::CMember;
    let ci = &v.interventions[r.index];
    members.iter().filter_map(move |m| match m {
        CMember::Criterion(k) => r
            .criteria
            .get(*k)
            .filter(|c| c.result == Tri::True)
            .map(|c| v.criteria[c.index].criterion.id.value.as_str()),
        CMember::Group(g, ..) => (r.groups.get(*g) == Some(&Tri::True))
            .then(|| ci.group_defs.get(*g).map(|d| d.id.value.as_str()))
            .flatten(),
    })
}

/// The CSV cell of decided amounts: `hemtjanstavgift=1127 kr`, `;` between amounts;
/// nothing after `=` when an amount could not be established; empty when not granted.
fn amounts_csv(
    cell: &mut String,
    v: &crate::eval::CompiledVersion<'_>,
    r: &crate::eval::InterventionResult,
) {
    cell.clear();
    if r.extent.is_none() {
        return;
    }
    for (k, (a, value)) in decided(v, r).enumerate() {
        if k > 0 {
            cell.push(';');
        }
        cell.push_str(&a.id.value);
        cell.push('=');
        if let Some(n) = value {
            push_decimal(cell, &n);
            cell.push(' ');
            cell.push_str(a.unit.value.trim());
        }
    }
}

/// The CSV cell of groups: each group that is met, as `id=` and the ids of its members
/// that are met, separated by `|`; `;` between groups.
fn groups_csv(
    cell: &mut String,
    v: &crate::eval::CompiledVersion<'_>,
    r: &crate::eval::InterventionResult,
) {
    use crate::eval::extent::CMember;
    fn walk(
        cell: &mut String,
        v: &crate::eval::CompiledVersion<'_>,
        r: &crate::eval::InterventionResult,
        members: &[CMember],
    ) {
        for m in members {
            let CMember::Group(g, _, inner) = m else {
                continue;
            };
            if r.groups.get(*g) == Some(&Tri::True) {
                if !cell.is_empty() {
                    cell.push(';');
                }
                let ci = &v.interventions[r.index];
                if let Some(d) = ci.group_defs.get(*g) {
                    cell.push_str(&d.id.value);
                }
                cell.push('=');
                for (k, id) in met_members(v, r, inner).enumerate() {
                    if k > 0 {
                        cell.push('|');
                    }
                    cell.push_str(id);
                }
            }
            walk(cell, v, r, inner);
        }
    }
    cell.clear();
    walk(cell, v, r, &v.interventions[r.index].members);
}

/// A JSON string literal (or `null`), escaped as RFC 8259 requires, without allocating.
fn push_json_str(out: &mut String, s: Option<&str>) {
    let Some(s) = s else {
        out.push_str("null");
        return;
    };
    out.push('"');
    // Ids (slugs) never need escaping: one pass, eight bytes at a time, says so.
    if !super::scan::needs_json_escape(s) {
        out.push_str(s);
        out.push('"');
        return;
    }
    // Ids and labels rarely need escaping: copy the runs between escapes whole.
    let mut rest = s;
    while let Some(i) = rest
        .bytes()
        .position(|b| b == b'"' || b == b'\\' || b < 0x20)
    {
        out.push_str(&rest[..i]);
        match rest.as_bytes()[i] {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b => {
                let _ = write!(out, "\\u{b:04x}");
            }
        }
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
    out.push('"');
}

/// A date as `YYYY-MM-DD`, as `Date`'s `Display` writes it, without the formatting
/// machinery (a million-case batch writes two per granted intervention). jiff's years
/// end at 9999; a year before 0 (which `Display` writes with a sign) goes through
/// `Display`.
fn push_date(out: &mut String, d: jiff::civil::Date) {
    let Ok(y) = u16::try_from(d.year()) else {
        let _ = write!(out, "{d}");
        return;
    };
    let (m, day) = (d.month().unsigned_abs(), d.day().unsigned_abs());
    let digit = |n: u16| char::from(b'0' + (n % 10) as u8);
    for c in [
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        '-',
        digit(u16::from(m / 10)),
        digit(u16::from(m)),
        '-',
        digit(u16::from(day / 10)),
        digit(u16::from(day)),
    ] {
        out.push(c);
    }
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
fn bump(map: &mut HashMap<String, u64, crate::words::FastHash>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_string(), 1);
        }
    }
}

/// `[…]` of strings already written as JSON.
fn push_quoted_list<'a>(out: &mut String, items: impl Iterator<Item = &'a String>) {
    out.push('[');
    for (i, s) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(s);
    }
    out.push(']');
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

#[cfg(test)]
mod tests {
    /// Strings are written as serde_json writes them: the same escapes, the rest copied.
    #[test]
    fn json_strings_are_escaped_as_serde_json_escapes_them() {
        for s in [
            "",
            "lss-insteg",
            "Anna Andersson, handläggare",
            "\"quoted\" and \\ back",
            "tab\there\nline\r\u{1}\u{1f}end",
            "ä\u{7f}\u{2028}😀\"",
        ] {
            let mut out = String::new();
            super::push_json_str(&mut out, Some(s));
            assert_eq!(out, serde_json::to_string(s).unwrap(), "{s:?}");
        }
        let mut out = String::new();
        super::push_json_str(&mut out, None);
        assert_eq!(out, "null");
    }

    /// Dates are written as `Date`'s `Display` writes them, every day of the years a
    /// decision is about and the edges of the range.
    #[test]
    fn dates_are_written_as_display_writes_them() {
        use jiff::civil::{Date, date};
        let mut days = Vec::new();
        let mut d = date(1899, 12, 1);
        while d <= date(2201, 1, 31) {
            days.push(d);
            d = d.tomorrow().unwrap();
        }
        days.extend([
            Date::MIN,
            Date::MAX,
            date(0, 1, 1),
            date(-1, 12, 31),
            date(9, 9, 9),
            date(99, 10, 10),
            date(999, 1, 1),
        ]);
        for d in days {
            let mut out = String::new();
            super::push_date(&mut out, d);
            assert_eq!(out, d.to_string());
        }
    }
}
