//! Impact of a revision on cases: every case evaluated under two versions, and what
//! changes for it: the outcome, the criteria that are not met, the period, the duties.
//!
//! Cases are read with the batch readers ([`super::batch::Reader`], streamed, one row
//! held at a time) or taken from policy tests. Each side reads its parameters on the
//! case's application date moved into that version's validity (a case dated before a
//! revision starts is read with the revision's first day's values under the revision),
//! so a parameter the revision changes shows in the result. Counts are kept per
//! intervention applied for; memory stays flat in the number of cases (the examples
//! kept are bounded). Nothing here names a fact's value: a changed case is known by its
//! `arende` and line, and explained in the guideline's words.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::BufRead;

use serde_json::{Value, json};

use super::batch::{Format, Parser, Reader, Stop, blank};
use super::case::Case;
use super::{CompiledVersion, Engine, InterventionResult, Outcome, Scratch};
use crate::rules::Tri;

/// One side: an engine (its policy) and the compiled version cases are tried under.
#[derive(Clone, Copy)]
pub struct Pair<'e, 'p> {
    /// The engine of the version's policy.
    pub engine: &'e Engine<'p>,
    /// The version.
    pub version: &'e CompiledVersion<'p>,
}

/// What an intervention's result was on one side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Result1 {
    /// Beviljas, avslag, utredning ofullständig; `None`: could not be tried (why).
    pub outcome: Result<Outcome, String>,
    /// Ids of the criteria not met.
    pub not_met: Vec<String>,
    /// Ids of the criteria not established.
    pub not_established: Vec<String>,
    /// Length of the granted period in months (särskilda skäl included).
    pub period_months: Option<u32>,
    /// Ids of the information duties that apply.
    pub duties: Vec<String>,
    /// Ids of every criterion tried (an intervention's list under this version).
    pub criteria: Vec<String>,
    /// The level granted (its name, e.g. `3`), when the intervention states one.
    pub level: Option<String>,
    /// The amounts decided, by id, as text (`1 372 kr/mån`; `ej utrett` when not
    /// established); empty when the intervention states none or is not granted.
    pub amounts: Vec<(String, String)>,
}

/// A case whose result changes for one intervention.
#[derive(Debug, Clone)]
pub struct ChangedCase {
    /// The row's line (or the test's place).
    pub line: u64,
    /// The case's `arende`, if it has one (for a policy test: its name).
    pub arende: Option<String>,
    /// The intervention.
    pub intervention: String,
    /// Under the old version.
    pub before: Result1,
    /// Under the new version.
    pub after: Result1,
    /// In the guideline's words: what changed (criteria whose result differs, the
    /// period, the duties). No fact values.
    pub lines: Vec<String>,
}

impl ChangedCase {
    /// `Ärende A-65 (rad 1), stod: avslag → beviljas`.
    pub fn title(&self) -> String {
        // The label is the case's own text: control characters stay out of a terminal.
        let label: String = self
            .arende
            .as_deref()
            .unwrap_or("utan nummer")
            .chars()
            .map(|c| if c.is_control() { '\u{fffd}' } else { c })
            .collect();
        format!(
            "Ärende {label} (rad {}), {}: {} → {}",
            self.line,
            self.intervention,
            outcome_word(&self.before),
            outcome_word(&self.after)
        )
    }
}

/// Per criterion (by id): how often its result changed where an outcome changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Responsible {
    /// Not met after, but not before.
    pub newly_not_met: u64,
    /// Not met before, but not after.
    pub no_longer_not_met: u64,
    /// Not established after, but established before.
    pub newly_not_established: u64,
}

/// The impact of a revision on a set of cases.
#[derive(Debug, Default, Clone)]
pub struct Impact {
    /// Cases tried: rows read as a case on both sides (unreadable rows not counted).
    pub cases: u64,
    /// Rows that are not cases for one side or both (bad JSON, unknown column …).
    pub unreadable: u64,
    /// The lines of the first ten of them.
    pub unreadable_lines: Vec<u64>,
    /// Intervention results compared (one per intervention a case applies for).
    pub results: u64,
    /// Before × after, each indexed beviljas, avslag, utredning ofullständig, kan inte prövas.
    pub matrix: [[u64; 4]; 4],
    /// Results that changed in any way.
    pub changed: u64,
    /// Results whose outcome changed.
    pub outcome_changed: u64,
    /// Results whose failing criteria changed.
    pub not_met_changed: u64,
    /// Results whose period changed.
    pub period_changed: u64,
    /// Results whose duties changed.
    pub duties_changed: u64,
    /// Results whose level or decided amounts changed (a fee, hours).
    pub extent_changed: u64,
    /// Criteria responsible, for results whose outcome changed.
    pub responsible: BTreeMap<String, Responsible>,
    /// The first few changed cases, with their explanation.
    pub examples: Vec<ChangedCase>,
}

impl Impact {
    /// In one sentence: how many cases, and how many results change in which way.
    pub fn sentence(&self) -> String {
        use crate::sv::count;
        format!(
            "{}, {}: {} får ett annat resultat ({} annat utfall, {} andra ej uppfyllda kriterier, {} annan period, {} annan informationsplikt, {} annan nivå eller annat belopp){}.",
            count(self.cases, "ärende", "ärenden"),
            count(self.results, "prövad insats", "prövade insatser"),
            self.changed,
            self.outcome_changed,
            self.not_met_changed,
            self.period_changed,
            self.duties_changed,
            self.extent_changed,
            if self.unreadable > 0 {
                format!(
                    "; {} inte läsas",
                    count(self.unreadable, "rad kunde", "rader kunde")
                )
            } else {
                String::new()
            }
        )
    }
}

/// The outcome labels of the matrix, in its order.
pub const COLUMNS: [&str; 4] = [
    "beviljas",
    "avslag",
    "utredning ofullständig",
    "kan inte prövas",
];

/// The same outcomes as JSON writes them (`Outcome::code`, and `kan_inte_provas`).
pub const CODES: [&str; 4] = [
    "beviljas",
    "avslag",
    "utredning_ofullstandig",
    "kan_inte_provas",
];

fn column(o: &Result<Outcome, String>) -> usize {
    match o {
        Ok(o) => *o as usize,
        Err(_) => 3,
    }
}

fn summarize(v: &CompiledVersion<'_>, r: &InterventionResult) -> Result1 {
    let ci = &v.interventions[r.index];
    let ids = |want: Tri| {
        let mut out: Vec<String> = r
            .criteria
            .iter()
            .filter(|c| c.result == want)
            .map(|c| v.criteria[c.index].criterion.id.value.clone())
            .collect();
        out.sort();
        out
    };
    let period_months = r.period.map(|p| {
        let d = ci.intervention.duration.as_ref();
        d.map_or(0, |d| d.years * 12 + d.months) + p.extended_months
    });
    let mut duties: Vec<String> = r
        .duties
        .iter()
        .map(|(k, _)| ci.duties[*k].0.id.value.clone())
        .collect();
    duties.sort();
    let (level, amounts) = match &r.extent {
        Some(x) => {
            let level = x.level.as_ref().map(|l| {
                let t = &v.version.levels[l.table];
                l.row.map_or_else(
                    || "ej utredd".to_string(),
                    |k| t.rows[k].level.value.clone(),
                )
            });
            let amounts = ci
                .intervention
                .extent
                .amounts
                .iter()
                .filter_map(|id| {
                    let k = v
                        .version
                        .amounts
                        .iter()
                        .position(|a| a.id.value == id.value)?;
                    let a = &v.version.amounts[k];
                    let text = x.amount(k).and_then(|r| r.value).map_or_else(
                        || "ej utrett".to_string(),
                        |n| crate::eval::extent::amount_text(a, &n),
                    );
                    Some((id.value.clone(), text))
                })
                .collect();
            (level, amounts)
        }
        None => (None, Vec::new()),
    };
    Result1 {
        outcome: Ok(r.outcome),
        level,
        amounts,
        not_met: ids(Tri::False),
        not_established: ids(Tri::Unknown),
        period_months,
        duties,
        criteria: r
            .criteria
            .iter()
            .map(|c| v.criteria[c.index].criterion.id.value.clone())
            .collect(),
    }
}

impl Result1 {
    fn with_id(self, id: &str) -> (String, Result1) {
        (id.to_string(), self)
    }
}

fn failed(why: &str) -> Result1 {
    Result1 {
        outcome: Err(why.to_string()),
        not_met: Vec::new(),
        not_established: Vec::new(),
        period_months: None,
        duties: Vec::new(),
        criteria: Vec::new(),
        level: None,
        amounts: Vec::new(),
    }
}

/// Evaluates one case under a side: one result per intervention applied for. An
/// intervention the version does not have is *kan inte prövas* on its own; the others
/// are tried as usual.
fn side(p: Pair<'_, '_>, case: &Case, s: &mut Scratch) -> Vec<(String, Result1)> {
    let date = p.version.params_date(case.application_date);
    let known = |i: &String| p.version.intervention(i).is_some();
    let missing = |i: &String| {
        // The id is not echoed: a row's `insatser` is the case's data.
        failed(&format!(
            "version {} har inte den sökta insatsen",
            p.version.version.version.value
        ))
        .with_id(i)
    };
    let tried = |case: &Case, s: &mut Scratch| -> Vec<(String, Result1)> {
        match p.engine.evaluate_in(p.version, case, date, s) {
            Ok(()) => s
                .results
                .iter()
                .map(|r| {
                    let id = &p.version.interventions[r.index].intervention.id.value;
                    (id.clone(), summarize(p.version, r))
                })
                .collect(),
            Err(e) => case
                .interventions
                .iter()
                .map(|i| (i.clone(), failed(&e.0)))
                .collect(),
        }
    };
    if case.interventions.iter().all(known) {
        return tried(case, s);
    }
    // Rare: a version without an intervention the case applies for.
    let mut sub = case.clone();
    sub.interventions.retain(known);
    let mut done = tried(&sub, s).into_iter();
    case.interventions
        .iter()
        .map(|i| {
            if known(i) {
                done.next().unwrap_or_else(|| missing(i))
            } else {
                missing(i)
            }
        })
        .collect()
}

/// The sentence of a criterion on whichever side has it.
fn sentence(old: &CompiledVersion<'_>, new: &CompiledVersion<'_>, id: &str) -> String {
    new.version
        .criterion(id)
        .or_else(|| old.version.criterion(id))
        .map_or_else(|| id.to_string(), |c| crate::markdown::plain(&c.text.value))
}

/// A criterion's result on one side; `None` when the side did not try it (the version's
/// intervention does not list it, or the case could not be tried).
fn tri_of(r: &Result1, id: &str) -> Option<&'static str> {
    if r.not_met.iter().any(|x| x == id) {
        Some("ej uppfyllt")
    } else if r.not_established.iter().any(|x| x == id) {
        Some("ej utrett")
    } else if r.criteria.iter().any(|x| x == id) {
        Some("uppfyllt")
    } else {
        None
    }
}

/// Accumulates the comparison of cases.
struct Acc<'a> {
    old: &'a CompiledVersion<'a>,
    new: &'a CompiledVersion<'a>,
    impact: Impact,
    keep: usize,
}

impl Acc<'_> {
    fn compare(
        &mut self,
        line: u64,
        arende: Option<&str>,
        before: &[(String, Result1)],
        after: &[(String, Result1)],
        sink: &mut dyn FnMut(&ChangedCase) -> Result<(), Stop>,
    ) -> Result<(), Stop> {
        for (i, b) in before {
            let Some((_, a)) = after.iter().find(|(x, _)| x == i) else {
                continue;
            };
            let imp = &mut self.impact;
            imp.results += 1;
            imp.matrix[column(&b.outcome)][column(&a.outcome)] += 1;
            // Two failures are the same outcome, whatever their messages say.
            let outcome = column(&b.outcome) != column(&a.outcome);
            let not_met = b.not_met != a.not_met;
            let period = b.period_months != a.period_months;
            let duties = b.duties != a.duties;
            let extent = b.level != a.level || b.amounts != a.amounts;
            if !(outcome || not_met || period || duties || extent) {
                continue;
            }
            imp.changed += 1;
            imp.outcome_changed += u64::from(outcome);
            imp.not_met_changed += u64::from(not_met);
            imp.period_changed += u64::from(period);
            imp.duties_changed += u64::from(duties);
            imp.extent_changed += u64::from(extent);
            // Which criteria's results differ, by id, across both versions' lists.
            let mut ids: Vec<&str> = Vec::new();
            for id in b.criteria.iter().chain(&a.criteria) {
                if !ids.contains(&id.as_str()) && tri_of(b, id) != tri_of(a, id) {
                    ids.push(id);
                }
            }
            ids.sort_unstable();
            let (tried_b, tried_a) = (b.outcome.is_ok(), a.outcome.is_ok());
            if outcome && tried_b && tried_a {
                for id in &ids {
                    let (tb, ta) = (tri_of(b, id), tri_of(a, id));
                    let count = if ta == Some("ej uppfyllt") {
                        |r: &mut Responsible| r.newly_not_met += 1
                    } else if tb == Some("ej uppfyllt") {
                        |r: &mut Responsible| r.no_longer_not_met += 1
                    } else if ta == Some("ej utrett") {
                        |r: &mut Responsible| r.newly_not_established += 1
                    } else {
                        continue;
                    };
                    count(imp.responsible.entry((*id).to_string()).or_default());
                }
            }
            let mut lines = Vec::new();
            if let (Err(e), _) | (_, Err(e)) = (&b.outcome, &a.outcome) {
                lines.push(format!("kan inte prövas: {e}"));
            }
            for id in &ids {
                let sentence = sentence(self.old, self.new, id);
                match (tri_of(b, id), tri_of(a, id)) {
                    (Some(x), Some(y)) => lines.push(format!("{x} → {y}: {sentence}")),
                    (None, Some(y)) if tried_b && y != "uppfyllt" => {
                        lines.push(format!("nytt kriterium, {y}: {sentence}"));
                    }
                    (Some(x), None) if tried_a && x != "uppfyllt" => {
                        lines.push(format!("prövas inte längre (var {x}): {sentence}"));
                    }
                    _ => {}
                }
            }
            if period {
                let m = |x: Option<u32>| {
                    x.map_or_else(
                        || "ingen".to_string(),
                        |n| crate::sv::duration(n / 12, n % 12),
                    )
                };
                lines.push(format!(
                    "period: {} → {}",
                    m(b.period_months),
                    m(a.period_months)
                ));
            }
            if b.level != a.level {
                let l = |x: &Option<String>| x.clone().unwrap_or_else(|| "ingen".to_string());
                lines.push(format!("nivå: {} → {}", l(&b.level), l(&a.level)));
            }
            for (id, after) in &a.amounts {
                let before = b
                    .amounts
                    .iter()
                    .find(|(x, _)| x == id)
                    .map(|(_, t)| t.as_str());
                if before != Some(after.as_str()) {
                    lines.push(format!("{id}: {} → {after}", before.unwrap_or("inget")));
                }
            }
            for (id, before) in b
                .amounts
                .iter()
                .filter(|(x, _)| !a.amounts.iter().any(|(y, _)| y == x))
            {
                lines.push(format!("{id}: {before} → inget"));
            }
            for d in a.duties.iter().filter(|d| !b.duties.contains(d)) {
                lines.push(format!("informationsplikt tillkommer: {d}"));
            }
            for d in b.duties.iter().filter(|d| !a.duties.contains(d)) {
                lines.push(format!("informationsplikt faller bort: {d}"));
            }
            let known = self.old.intervention(i).is_some() || self.new.intervention(i).is_some();
            let changed = ChangedCase {
                line,
                arende: arende.map(str::to_string),
                // Not a known id: the row's text, which is not echoed.
                intervention: if known {
                    i.clone()
                } else {
                    "(okänd insats)".to_string()
                },
                before: b.clone(),
                after: a.clone(),
                lines,
            };
            sink(&changed)?;
            if self.impact.examples.len() < self.keep {
                self.impact.examples.push(changed);
            }
        }
        Ok(())
    }
}

/// Evaluates every case of a batch under both sides. `sink` receives each changed case
/// as it is found (for JSON written as it goes); `examples` of them are kept. An `Err`
/// only when the input cannot be read or the sink cannot write.
pub fn run_batch(
    old: Pair<'_, '_>,
    new: Pair<'_, '_>,
    input: &mut dyn BufRead,
    format: Format,
    examples: usize,
    sink: &mut dyn FnMut(&ChangedCase) -> Result<(), Stop>,
) -> Result<Impact, Stop> {
    let mut reader = Reader::new(input, format)?;
    let p_old = Parser::new(old.engine, &reader)?;
    // One policy for both sides (the usual case): each row is read once.
    let same = std::ptr::eq(old.engine, new.engine);
    let p_new = if same {
        None
    } else {
        Some(Parser::new(new.engine, &reader)?)
    };
    let (mut c_old, mut c_new) = (blank(old.engine), blank(new.engine));
    let (mut s_old, mut s_new) = (Scratch::default(), Scratch::default());
    let mut acc = Acc {
        old: old.version,
        new: new.version,
        impact: Impact::default(),
        keep: examples,
    };
    while let Some(row) = reader.next_row()? {
        let line = row.line();
        let parsed_old = p_old.parse(&row, &mut c_old);
        let parsed_new = match &p_new {
            Some(p) => p.parse(&row, &mut c_new),
            None => parsed_old.clone(),
        };
        let (before, after) = match (parsed_old, parsed_new) {
            (Ok(()), Ok(())) => (
                side(old, &c_old, &mut s_old),
                side(new, if same { &c_old } else { &c_new }, &mut s_new),
            ),
            _ => {
                acc.impact.unreadable += 1;
                if acc.impact.unreadable_lines.len() < 10 {
                    acc.impact.unreadable_lines.push(line);
                }
                continue;
            }
        };
        acc.impact.cases += 1;
        let id = c_old.id.clone();
        acc.compare(line, id.as_deref(), &before, &after, sink)?;
    }
    Ok(acc.impact)
}

/// Evaluates policy tests' cases under both sides (each side's tests decoded for its
/// own policy, in the same order); a test is known by its name.
pub fn run_cases(
    old: Pair<'_, '_>,
    new: Pair<'_, '_>,
    cases: &[(String, u64, &Case, &Case)],
    examples: usize,
    sink: &mut dyn FnMut(&ChangedCase) -> Result<(), Stop>,
) -> Result<Impact, Stop> {
    let (mut s_old, mut s_new) = (Scratch::default(), Scratch::default());
    let mut acc = Acc {
        old: old.version,
        new: new.version,
        impact: Impact::default(),
        keep: examples,
    };
    for (name, line, c_old, c_new) in cases {
        acc.impact.cases += 1;
        let before = side(old, c_old, &mut s_old);
        let after = side(new, c_new, &mut s_new);
        acc.compare(*line, Some(name), &before, &after, sink)?;
    }
    Ok(acc.impact)
}

fn result_json(r: &Result1) -> Value {
    json!({
        "outcome": match &r.outcome { Ok(o) => o.code(), Err(_) => CODES[3] },
        "error": r.outcome.as_ref().err(),
        "not_met": r.not_met,
        "not_established": r.not_established,
        "period_months": r.period_months,
        "duties": r.duties,
        "level": r.level,
        "amounts": r.amounts.iter().map(|(id, text)| json!({"id": id, "text": text})).collect::<Vec<_>>(),
    })
}

/// One changed case as JSON: its line, `arende`, intervention, and before/after
/// (outcome, criteria not met and not established, period in months, duties). No
/// fact values.
pub fn case_json(c: &ChangedCase) -> Value {
    json!({
        "line": c.line,
        "arende": c.arende,
        "intervention": c.intervention,
        "before": result_json(&c.before),
        "after": result_json(&c.after),
    })
}

/// The counts as JSON (the `summary` of `impact` in docs/schemas/diff.schema.json).
pub fn summary_json(i: &Impact) -> Value {
    let matrix: Vec<Value> = (0..4)
        .map(|b| {
            let row: serde_json::Map<String, Value> = (0..4)
                .map(|a| (CODES[a].to_string(), Value::from(i.matrix[b][a])))
                .collect();
            json!({"before": CODES[b], "after": row})
        })
        .collect();
    let responsible: Vec<Value> = i
        .responsible
        .iter()
        .map(|(id, r)| {
            json!({
                "criterion": id,
                "newly_not_met": r.newly_not_met,
                "no_longer_not_met": r.no_longer_not_met,
                "newly_not_established": r.newly_not_established,
            })
        })
        .collect();
    json!({
        "cases": i.cases,
        "unreadable": i.unreadable,
        "results": i.results,
        "changed": i.changed,
        "outcome_changed": i.outcome_changed,
        "not_met_changed": i.not_met_changed,
        "period_changed": i.period_changed,
        "duties_changed": i.duties_changed,
        "extent_changed": i.extent_changed,
        "matrix": matrix,
        "responsible": responsible,
    })
}

/// The transition matrix as rows of text cells: a header row, then one row per
/// outcome before (with the count per outcome after).
pub fn matrix_rows(i: &Impact) -> Vec<Vec<String>> {
    let mut rows = vec![{
        let mut h = vec!["Före \\ efter".to_string()];
        h.extend(COLUMNS.iter().map(|c| (*c).to_string()));
        h
    }];
    for (b, name) in COLUMNS.iter().enumerate() {
        let mut r = vec![(*name).to_string()];
        r.extend((0..4).map(|a| i.matrix[b][a].to_string()));
        rows.push(r);
    }
    rows
}

fn outcome_word(r: &Result1) -> &str {
    match &r.outcome {
        Ok(o) => o.swedish(),
        Err(_) => "kan inte prövas",
    }
}

/// The impact as terminal text: counts, the matrix, the criteria responsible, and the
/// examples with their explanation lines.
pub fn text(i: &Impact) -> String {
    let mut s = format!("Påverkan på ärenden\n  {}\n", i.sentence());
    let rows = matrix_rows(i);
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    s.push('\n');
    for r in &rows {
        s.push_str("  ");
        for (c, cell) in r.iter().enumerate() {
            let pad = widths[c] - cell.chars().count();
            if c == 0 {
                let _ = write!(s, "{cell}{}", " ".repeat(pad));
            } else {
                let _ = write!(s, "  {}{cell}", " ".repeat(pad));
            }
        }
        s.push('\n');
    }
    if !i.responsible.is_empty() {
        s.push_str("\n  Kriterier bakom ändrade utfall (nu ej uppfyllt / inte längre ej uppfyllt / nu ej utrett):\n");
        for (id, r) in &i.responsible {
            let _ = writeln!(
                s,
                "    {:>6} {:>6} {:>6}  {id}",
                r.newly_not_met, r.no_longer_not_met, r.newly_not_established
            );
        }
    }
    if !i.examples.is_empty() {
        s.push_str("\n  Exempel:\n");
        for e in &i.examples {
            let _ = writeln!(s, "    {}", e.title());
            for l in &e.lines {
                let _ = writeln!(s, "      {l}");
            }
        }
    }
    s
}

/// The impact as Markdown (after the diff's comment): counts, the matrix as a table,
/// the criteria responsible, and the examples folded, as many as fit in `limit`
/// characters (the ones left out are counted).
pub fn markdown(i: &Impact, limit: usize) -> String {
    let esc = crate::markdown::escape;
    let mut s = format!("\n#### Påverkan på ärenden\n\n{}\n\n", esc(&i.sentence()));
    let rows = matrix_rows(i);
    for (k, r) in rows.iter().enumerate() {
        let cells: Vec<String> = r.iter().map(|c| esc(c)).collect();
        let _ = writeln!(s, "| {} |", cells.join(" | "));
        if k == 0 {
            let _ = writeln!(s, "|{}", "---|".repeat(r.len()));
        }
    }
    if !i.responsible.is_empty() {
        s.push_str("\n| Kriterium | nu ej uppfyllt | inte längre ej uppfyllt | nu ej utrett |\n|---|---|---|---|\n");
        for (id, r) in &i.responsible {
            let _ = writeln!(
                s,
                "| `{id}` | {} | {} | {} |",
                r.newly_not_met, r.no_longer_not_met, r.newly_not_established
            );
        }
    }
    if !i.examples.is_empty() {
        s.push_str("\n<details><summary>Exempel</summary>\n\n");
        let mut cut = 0;
        for e in &i.examples {
            let mut one = format!("- {}\n", esc(&e.title()));
            for l in &e.lines {
                let _ = writeln!(one, "  - {}", esc(l));
            }
            // Room kept for the closing lines.
            if cut > 0 || s.len() + one.len() + 200 > limit {
                cut += 1;
                continue;
            }
            s.push_str(&one);
        }
        if cut > 0 {
            let _ = writeln!(
                s,
                "\n{cut} exempel till får inte plats här (`styrdok diff --cases … --format json` listar alla)."
            );
        }
        s.push_str("\n</details>\n");
    }
    s
}
