//! What an intervention states of its extent, checked and compiled: groups of
//! criteria, level tables (their thresholds leave no gap and do not overlap) and
//! amounts (their formulas resolve, they do not read each other in a circle).

use jiff::civil::Date;

use crate::check::text::text_span;
use crate::diag::{Diagnostic, Diagnostics, did_you_mean};
use crate::model::{Amount, FactType, LevelTable, Number, ParamData, Policy, Quantifier, Version};
use crate::rules::amount::{self, Formula, FormulaScope, Operand};
use crate::rules::{Program, Scope};

/// One amount, compiled: each case's condition (none for the last, "otherwise") and
/// formula, in order.
#[derive(Debug)]
pub struct CompiledAmount {
    /// The cases, tried in order.
    pub cases: Vec<(Option<Program>, Formula)>,
    /// Other amounts it reads (indices into the version's `amounts`).
    pub reads: Vec<usize>,
}

/// The names a formula of version `v` may read.
struct Names<'a> {
    policy: &'a Policy,
    v: &'a Version,
    /// The amount being compiled (it may not read itself).
    this: usize,
}

impl FormulaScope for Names<'_> {
    fn resolve(&self, name: &str) -> Result<Operand, (String, Option<String>)> {
        if let Some((table, value)) = name.split_once('.') {
            let Some(t) = self.v.levels.iter().position(|t| t.id.value == table) else {
                let hint = did_you_mean(table, self.v.levels.iter().map(|t| t.id.value.as_str()))
                    .map(|s| format!("did you mean `{s}.{value}`?"));
                return Err((format!("no level table `{table}` in this version"), hint));
            };
            let names = value_names(&self.v.levels[t]);
            return match names.iter().position(|n| *n == value) {
                Some(k) => Ok(Operand::LevelValue(t, k)),
                None => Err((
                    format!("level table `{table}` has no value `{value}`"),
                    Some(format!("its values are {}", quoted(&names))),
                )),
            };
        }
        if let Some(slot) = self.policy.facts.iter().position(|f| f.id.value == name) {
            return match self.policy.facts[slot].ty.value {
                FactType::Integer { .. } => Ok(Operand::IntFact(slot)),
                FactType::Money => Ok(Operand::MoneyFact(slot)),
                ref t => Err((
                    format!(
                        "`{name}` is a {} fact: formulas compute with numbers and money",
                        t.name()
                    ),
                    Some("read it in a case's `when:` rule instead".to_owned()),
                )),
            };
        }
        if let Some(slot) = self
            .policy
            .parameters
            .iter()
            .position(|p| p.id.value == name)
        {
            if self.policy.parameters[slot].is_range() {
                return Err((
                    format!("`{name}` is a range: formulas compute with numbers"),
                    Some(format!("compare with it in a rule: `x in {name}`")),
                ));
            }
            return Ok(Operand::Param(slot));
        }
        if let Some(k) = self.v.amounts.iter().position(|a| a.id.value == name) {
            if k == self.this {
                return Err((format!("amount `{name}` reads itself"), None));
            }
            return Ok(Operand::Amount(k));
        }
        let all = self
            .policy
            .facts
            .iter()
            .map(|f| f.id.value.as_str())
            .chain(self.policy.parameters.iter().map(|p| p.id.value.as_str()))
            .chain(self.v.amounts.iter().map(|a| a.id.value.as_str()));
        let hint = did_you_mean(name, all).map(|s| format!("did you mean `{s}`?")).or_else(|| {
            Some("names are facts, parameters, amounts of this version, or `<level table>.<value>`".to_owned())
        });
        Err((format!("unknown name `{name}`"), hint))
    }
}

fn quoted(names: &[&str]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    q.join(", ")
}

/// The names of a level table's values, in the order of first appearance.
pub fn value_names(t: &LevelTable) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for r in &t.rows {
        for (k, _) in &r.values {
            if !out.contains(&k.value.as_str()) {
                out.push(&k.value);
            }
        }
    }
    out
}

/// Compiles every amount of `v`; `None` for one with errors (reported into `d`).
/// Returns the amounts and the order to compute them in (an amount after those it
/// reads); amounts in a circle are reported and left out of the order.
pub fn compile_amounts(
    policy: &Policy,
    scope: &Scope<'_>,
    v: &Version,
    d: &mut Diagnostics,
) -> (Vec<Option<CompiledAmount>>, Vec<usize>) {
    let compiled: Vec<Option<CompiledAmount>> = v
        .amounts
        .iter()
        .enumerate()
        .map(|(k, a)| compile_amount(policy, scope, v, k, a, d))
        .collect();
    let order = amount_order(&compiled, v, d);
    (compiled, order)
}

/// The order to compute amounts in: depth first over what each reads, an amount after
/// its reads; a grey amount met again is a circle. With an explicit stack, since a
/// version may chain thousands of amounts (each reading the one before) and a
/// recursive walk overflowed the thread's stack.
fn amount_order(
    compiled: &[Option<CompiledAmount>],
    v: &Version,
    d: &mut Diagnostics,
) -> Vec<usize> {
    const WHITE: u8 = 0;
    const GREY: u8 = 1;
    const BLACK: u8 = 2;
    let mut state = vec![WHITE; compiled.len()];
    let mut order = Vec::new();
    // (amount, the next of its reads to visit, whether all visited so far are computable)
    let mut stack: Vec<(usize, usize, bool)> = Vec::new();
    // Starts visiting `k`: its result when known at once, `None` when it is pushed.
    let mut enter =
        |k: usize, state: &mut [u8], stack: &mut Vec<(usize, usize, bool)>| match state[k] {
            BLACK => Some(true),
            GREY => {
                d.push(
                    Diagnostic::error(
                        "amount-cycle",
                        v.amounts[k].id.span,
                        format!(
                            "amount `{}` reads itself through other amounts",
                            v.amounts[k].id.value
                        ),
                    )
                    .with_hint("an amount may read only amounts that do not read it back"),
                );
                Some(false)
            }
            _ if compiled[k].is_none() => {
                state[k] = BLACK;
                Some(false)
            }
            _ => {
                state[k] = GREY;
                stack.push((k, 0, true));
                None
            }
        };
    for root in 0..compiled.len() {
        let mut returned = enter(root, &mut state, &mut stack);
        while let Some((k, next, ok)) = stack.last_mut() {
            if let Some(r) = returned.take() {
                *ok &= r;
            }
            let reads = compiled[*k].as_ref().map_or(&[][..], |c| &c.reads);
            if let Some(&r) = reads.get(*next) {
                *next += 1;
                returned = enter(r, &mut state, &mut stack);
            } else {
                let (k, ok) = (*k, *ok);
                stack.pop();
                state[k] = BLACK;
                if ok {
                    order.push(k);
                }
                returned = Some(ok);
            }
        }
    }
    order
}

fn compile_amount(
    policy: &Policy,
    scope: &Scope<'_>,
    v: &Version,
    k: usize,
    a: &Amount,
    d: &mut Diagnostics,
) -> Option<CompiledAmount> {
    let names = Names { policy, v, this: k };
    let mut ok = true;
    let mut cases = Vec::new();
    let mut reads = Vec::new();
    for c in &a.cases {
        let when = match &c.when {
            Some(w) => {
                let p = super::rules::compile(policy, scope, w, d);
                ok &= p.is_some();
                p
            }
            None => None,
        };
        match amount::compile(&c.formula.value, &names) {
            Ok(f) => {
                let mut ops = Vec::new();
                f.operands(&mut ops);
                reads.extend(ops.into_iter().filter_map(|o| match o {
                    Operand::Amount(x) => Some(x),
                    _ => None,
                }));
                cases.push((when, f));
            }
            Err(e) => {
                ok = false;
                let len = if e.range.is_empty() {
                    c.formula.value[e.range.start..]
                        .chars()
                        .next()
                        .map_or(0, char::len_utf8)
                } else {
                    e.range.len()
                };
                let span = text_span(policy, &c.formula, e.range.start, len);
                let mut diag = Diagnostic::error("formula", span, e.message);
                if let Some(h) = e.hint {
                    diag = diag.with_hint(h);
                }
                d.push(diag);
            }
        }
    }
    if let Some(r) = &a.rounding {
        if !a.is_money() {
            d.push(
                Diagnostic::error(
                    "wrong-type",
                    r.span,
                    format!(
                        "amount `{}` is in `{}`: only kronor are rounded",
                        a.id.value, a.unit.value
                    ),
                )
                .with_hint("set `unit: kr` (or `kr/mån`), or remove `rounding`"),
            );
        }
    }
    reads.sort_unstable();
    reads.dedup();
    ok.then_some(CompiledAmount { cases, reads })
}

/// Checks groups of criteria, extents and level tables of `v`.
pub fn check_version(policy: &Policy, v: &Version, d: &mut Diagnostics) {
    let mut group_ids: Vec<&crate::model::Id> = Vec::new();
    for i in &v.interventions {
        let mut groups = Vec::new();
        i.members.iter().for_each(|m| m.groups(&mut groups));
        for g in groups {
            if let Some(first) = group_ids.iter().find(|x| x.value == g.id.value) {
                d.push(
                    Diagnostic::error(
                        "duplicate-id",
                        g.id.span,
                        format!("group `{}` is defined twice", g.id.value),
                    )
                    .with_related(first.span, "first defined here"),
                );
            } else if v.criterion(&g.id.value).is_some() {
                d.push(
                    Diagnostic::error(
                        "duplicate-id",
                        g.id.span,
                        format!("group `{}` has the id of a criterion", g.id.value),
                    )
                    .with_hint("give the group its own id"),
                );
            }
            group_ids.push(&g.id);
            if let (Quantifier::Any | Quantifier::AtLeast(_), 1) =
                (g.quantifier.value, g.members.len())
            {
                d.push(
                    Diagnostic::warning(
                        "group-of-one",
                        g.quantifier.span,
                        format!("group `{}` has one member, so `{}` means the same as the member alone", g.id.value, g.quantifier.value.swedish()),
                    )
                    .with_hint("list the alternatives the text gives, or use the criterion without a group"),
                );
            }
        }
        if let Some(level) = &i.extent.level {
            if v.level_table(&level.value).is_none() {
                unknown(
                    d,
                    level,
                    "level table",
                    v.levels.iter().map(|t| t.id.value.as_str()),
                );
            }
        }
        for a in &i.extent.amounts {
            if v.amount(&a.value).is_none() {
                unknown(
                    d,
                    a,
                    "amount",
                    v.amounts.iter().map(|x| x.id.value.as_str()),
                );
            }
        }
    }
    for t in &v.levels {
        check_table(policy, v, t, d);
    }
    // What states a table or an amount: a passage or a section of the same version.
    let mut stated: Vec<&str> = v
        .sections_flat()
        .into_iter()
        .map(|(_, s)| s.id.value.as_str())
        .collect();
    for (_, s) in v.sections_flat() {
        for b in &s.body {
            if let crate::model::Block::Paragraph(parts) = b {
                stated.extend(parts.iter().filter_map(|p| match p {
                    crate::model::Part::Passage { id, .. } => Some(id.value.as_str()),
                    _ => None,
                }));
            }
        }
    }
    let bases = v
        .levels
        .iter()
        .filter_map(|t| t.basis.as_ref())
        .chain(v.amounts.iter().filter_map(|a| a.basis.as_ref()));
    for b in bases {
        if !stated.contains(&b.value.as_str()) {
            unknown(d, b, "section or passage", stated.iter().copied());
        }
    }
    // A group of alternatives printed by a `criteria:` list needs its own sentence: without
    // one, its members print as a plain list and the reader cannot see that one is enough.
    for i in &v.interventions {
        if v.section_listing(&i.id.value).is_none() {
            continue;
        }
        let mut groups = Vec::new();
        for m in &i.members {
            m.groups(&mut groups);
        }
        for g in groups {
            if g.text.is_none() && !matches!(g.quantifier.value, Quantifier::All) {
                d.push(
                    Diagnostic::warning(
                        "group-without-text",
                        g.id.span,
                        format!(
                            "group `{}` ({}) is printed in the list of `{}` without a sentence of its own, so the text does not say that {} is enough",
                            g.id.value,
                            g.quantifier.value.swedish(),
                            i.id.value,
                            if matches!(g.quantifier.value, Quantifier::Any) { "one".to_owned() } else { "some".to_owned() }
                        ),
                    )
                    .with_hint("give the group `text:` with the guideline's sentence, e.g. `Den enskilde ska uppfylla något av följande:`"),
                );
            }
        }
    }
}

/// `id` must be one of `all`: the shared reference check (`unknown-reference`).
fn unknown<'a>(
    d: &mut Diagnostics,
    id: &crate::model::Id,
    what: &str,
    all: impl Iterator<Item = &'a str>,
) {
    let known: Vec<&str> = all.collect();
    super::refs::resolve(d, id, what, &known);
}

/// A level table's facts and parameters resolve; its values are numbers; and for each
/// fact, on every date within the version's validity where a threshold changes, the
/// ranges leave no gap and do not overlap.
fn check_table(policy: &Policy, v: &Version, t: &LevelTable, d: &mut Diagnostics) {
    for f in &t.by {
        match policy.fact(&f.value).map(|x| &x.ty.value) {
            Some(FactType::Integer { .. }) => {}
            Some(other) => d.push(Diagnostic::error(
                "wrong-type",
                f.span,
                format!(
                    "`{}` is a {} fact: levels are chosen by whole numbers",
                    f.value,
                    other.name()
                ),
            )),
            None => unknown(
                d,
                f,
                "fact",
                policy.facts.iter().map(|x| x.id.value.as_str()),
            ),
        }
    }
    let names = value_names(t);
    for r in &t.rows {
        for (fact, param) in &r.when {
            if !t.by.iter().any(|b| b.value == fact.value) {
                d.push(
                    Diagnostic::error(
                        "unknown-reference",
                        fact.span,
                        format!(
                            "`{}` is not one of the facts the table is chosen `by`",
                            fact.value
                        ),
                    )
                    .with_hint(format!(
                        "add it to `by`, or use one of {}",
                        quoted(&t.by.iter().map(|b| b.value.as_str()).collect::<Vec<_>>())
                    )),
                );
            }
            match policy.parameter(&param.value) {
                Some(p) if p.is_range() => {}
                Some(_) => d.push(Diagnostic::error(
                    "wrong-type",
                    param.span,
                    format!("`{}` is not a range: a level's threshold is a range such as `{{min: 3, max: 8}}`", param.value),
                )),
                None => unknown(d, param, "parameter", policy.parameters.iter().map(|p| p.id.value.as_str())),
            }
        }
        for (_, param) in &r.values {
            match policy.parameter(&param.value) {
                Some(p) if !p.is_range() => {}
                Some(_) => d.push(Diagnostic::error(
                    "wrong-type",
                    param.span,
                    format!("`{}` is a range: a level's value is a number", param.value),
                )),
                None => unknown(
                    d,
                    param,
                    "parameter",
                    policy.parameters.iter().map(|p| p.id.value.as_str()),
                ),
            }
        }
        let missing: Vec<&str> = names
            .iter()
            .filter(|n| !r.values.iter().any(|(k, _)| k.value == **n))
            .copied()
            .collect();
        if !missing.is_empty() {
            d.push(Diagnostic::error(
                "missing-field",
                r.level.span,
                format!(
                    "level {} has no {}, which other levels have",
                    r.level.value,
                    quoted(&missing)
                ),
            ));
        }
    }
    if v.incomplete {
        return;
    }
    // The days on which a threshold may change within the version's validity.
    let mut dates: Vec<Date> = vec![v.valid_from.value];
    for r in &t.rows {
        for (_, param) in &r.when {
            if let Some(p) = policy.parameter(&param.value) {
                dates.extend(p.values.iter().map(|x| x.from.value).filter(|f| {
                    *f > v.valid_from.value && v.valid_until.as_ref().is_none_or(|u| *f <= u.value)
                }));
            }
        }
    }
    dates.sort_unstable();
    dates.dedup();
    for f in &t.by {
        let Some(fact) = policy.fact(&f.value) else {
            continue;
        };
        let FactType::Integer { max: fact_max, .. } = fact.ty.value else {
            continue;
        };
        for date in &dates {
            let mut ranges: Vec<(
                i64,
                Option<i64>,
                &crate::model::LevelRow,
                crate::source::Span,
            )> = Vec::new();
            for r in &t.rows {
                for (_, param) in r.when.iter().filter(|(x, _)| x.value == f.value) {
                    if let Some(ParamData::Range { min, max }) = policy
                        .parameter(&param.value)
                        .and_then(|p| p.value_on(*date))
                        .map(|x| &x.value.value)
                    {
                        ranges.push((*min, *max, r, param.span));
                    }
                }
            }
            ranges.sort_by_key(|x| x.0);
            let unit = fact_unit(&f.value);
            for w in ranges.windows(2) {
                let (a, b) = (&w[0], &w[1]);
                let a_max = a.1.unwrap_or(i64::MAX);
                if b.0 <= a_max {
                    d.push(
                        Diagnostic::warning(
                            "level-overlap",
                            b.3,
                            format!(
                                "levels {} and {} of `{}` overlap: `{}` exactly {}{unit} falls in both (on {date})",
                                a.2.level.value, b.2.level.value, t.id.value, f.value, b.0
                            ),
                        )
                        .with_related(a.3, format!("level {}", a.2.level.value))
                        .with_hint("the thresholds of one fact must not share a value"),
                    );
                } else if b.0 > a_max + 1 {
                    d.push(
                        Diagnostic::warning(
                            "level-gap",
                            b.3,
                            format!(
                                "no level of `{}` holds `{}` exactly {}{unit}: level {} ends at {a_max} and level {} starts at {} (on {date})",
                                t.id.value, f.value, a_max + 1, a.2.level.value, b.2.level.value, b.0
                            ),
                        )
                        .with_related(a.3, format!("level {}", a.2.level.value))
                        .with_hint("a case with that value gets no level from this fact"),
                    );
                }
            }
            if let Some(last) = ranges.last() {
                if let Some(m) = last.1 {
                    if fact_max.is_none_or(|fm| fm > m) {
                        let upto = fact_max.map_or_else(String::new, |fm| {
                            format!(" (`{}` goes up to {fm})", f.value)
                        });
                        d.push(
                            Diagnostic::warning(
                                "level-gap",
                                last.3,
                                format!(
                                    "no level of `{}` holds `{}` exactly {}{unit}: the last level this fact places anyone in, {}, ends at {m}{upto} (on {date})",
                                    t.id.value, f.value, m + 1, last.2.level.value
                                ),
                            )
                            .with_hint("a case with that value gets no level from this fact; if the guideline's table says so, this reports the source's own gap"),
                        );
                    }
                }
            }
        }
    }
}

/// ` timmar` after a value of a fact whose name says hours or days, for messages.
fn fact_unit(fact: &str) -> &'static str {
    if fact.contains("timmar") {
        " timmar"
    } else if fact.contains("dagar") {
        " dagar"
    } else {
        ""
    }
}

/// A number a sentence states with its unit: `30 timmar`, `18 - 64 år`, `fem
/// kalenderdagar`, `25 %`. Each value of a range is listed.
#[derive(Debug, Clone, PartialEq)]
pub struct Stated {
    /// The values (two for a range).
    pub values: Vec<Number>,
    /// The unit, reduced to its base (`timmar`, `dagar`, `månader`, `år`, `kr`, `procent`).
    pub unit: &'static str,
    /// Byte range in the text, from the first digit to the end of the unit.
    pub range: std::ops::Range<usize>,
}

/// Swedish number words a guideline writes instead of digits.
const NUMBER_WORDS: [(&str, i128); 17] = [
    ("en", 1),
    ("ett", 1),
    ("två", 2),
    ("tre", 3),
    ("fyra", 4),
    ("fem", 5),
    ("sex", 6),
    ("sju", 7),
    ("åtta", 8),
    ("nio", 9),
    ("tio", 10),
    ("elva", 11),
    ("tolv", 12),
    ("femton", 15),
    ("tjugo", 20),
    ("trettio", 30),
    ("sextio", 60),
];

/// The base of a unit as written after a number or in a parameter's `unit`
/// (`timmar/mån` → `timmar`, `kalenderdagar` → `dagar`, `%` → `procent`); `None` for
/// a word that is no unit (`basbelopp`, `personer`).
pub fn unit_base(word: &str) -> Option<&'static str> {
    let w = word.trim().to_lowercase();
    let w = w.split(['/', ' ']).next().unwrap_or("");
    Some(match w {
        "timme" | "timmar" | "timmen" | "tim" | "h" => "timmar",
        "dag" | "dagar" | "dagen" | "kalenderdag" | "kalenderdagar" | "dygn" => "dagar",
        "vecka" | "veckor" => "veckor",
        "månad" | "månader" | "mån" => "månader",
        "år" => "år",
        "kr" | "kronor" | "krona" => "kr",
        "%" | "procent" => "procent",
        _ => return None,
    })
}

/// Every number with a unit that `text` states outside placeholders.
pub fn stated_numbers(text: &str) -> Vec<Stated> {
    let skip: Vec<std::ops::Range<usize>> = crate::markdown::scan_placeholders(text)
        .into_iter()
        .map(|s| s.range)
        .collect();
    // Words with their byte ranges; digit groups `58 800` and decimals `0,5` joined.
    let mut words: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    let mut i = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    while i < chars.len() {
        let (at, c) = chars[i];
        if c.is_alphanumeric() || c == '%' {
            let mut j = i;
            let digits = c.is_ascii_digit();
            while j < chars.len() {
                let ch = chars[j].1;
                let joins_group = digits
                    && matches!(ch, ' ' | '\u{a0}' | '\u{202f}' | ',')
                    && chars.get(j + 1).is_some_and(|x| x.1.is_ascii_digit())
                    && (ch == ','
                        || chars[j + 1..]
                            .iter()
                            .take_while(|x| x.1.is_ascii_digit())
                            .count()
                            == 3);
                if (digits && ch.is_ascii_digit())
                    || (!digits && (ch.is_alphanumeric()))
                    || joins_group
                    || (c == '%' && j == i)
                {
                    j += 1;
                    if c == '%' {
                        break;
                    }
                } else {
                    break;
                }
            }
            let end = chars.get(j).map_or(text.len(), |x| x.0);
            words.push((text[at..end].to_string(), at..end));
            i = j.max(i + 1);
        } else {
            if matches!(c, '-' | '–') {
                words.push((c.to_string(), at..at + c.len_utf8()));
            }
            i += 1;
        }
    }
    let number = |w: &str| -> Option<Number> {
        if w.chars().next()?.is_ascii_digit() {
            let compact: String = w
                .chars()
                .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
                .collect();
            crate::model::parse_decimal(&compact)
        } else {
            let lw = w.to_lowercase();
            NUMBER_WORDS
                .iter()
                .find(|(x, _)| *x == lw)
                .map(|(_, n)| Number::from_integer(*n))
        }
    };
    let mut out = Vec::new();
    let mut k = 0;
    while k < words.len() {
        let (w, r) = &words[k];
        if skip.iter().any(|s| s.contains(&r.start)) {
            k += 1;
            continue;
        }
        let Some(first) = number(w) else {
            k += 1;
            continue;
        };
        let digits = w.starts_with(|c: char| c.is_ascii_digit());
        let mut values = vec![first];
        let mut next = k + 1;
        // A range: `18 - 64`, `18–64`, `2–3`.
        if let (Some((dash, _)), Some((second, _))) = (words.get(next), words.get(next + 1)) {
            if (dash == "-" || dash == "–") && second.starts_with(|c: char| c.is_ascii_digit()) {
                if let Some(n) = number(second) {
                    values.push(n);
                    next += 2;
                }
            }
        }
        let Some((unit_word, ur)) = words.get(next) else {
            break;
        };
        // A number word counts only right before its unit; digits too.
        match unit_base(unit_word) {
            Some(unit) if digits || values.len() == 1 => {
                out.push(Stated {
                    values,
                    unit,
                    range: r.start..ur.end,
                });
                k = next + 1;
            }
            _ => k += 1,
        }
    }
    out
}

/// Warns where a criterion's own sentence states a number with a unit that differs from
/// every value, within the version's validity, of the parameters with that unit its rule
/// reads (`överstigande 30 timmar` while the rule reads 25 timmar); and where a prose
/// placeholder prints a parameter whose value changes within the version's validity (the
/// document prints the value in force when the version takes effect).
pub fn numbers_in_sentences(
    policy: &Policy,
    v: &Version,
    programs: &[Option<Program>],
    d: &mut Diagnostics,
) {
    if v.incomplete {
        return;
    }
    let until = v.valid_until.as_ref().map(|u| u.value);
    let overlaps = |x: &crate::model::ParamValue| {
        until.is_none_or(|u| x.from.value <= u)
            && x.until
                .as_ref()
                .is_none_or(|e| e.value >= v.valid_from.value)
    };
    for (c, program) in v.criteria.iter().zip(programs) {
        let Some(program) = program else { continue };
        let mut by_unit: Vec<(&'static str, Vec<Number>, &crate::model::Parameter)> = Vec::new();
        for &slot in program.params_read() {
            let p = &policy.parameters[slot];
            let Some(unit) = p.unit.as_ref().and_then(|u| unit_base(&u.value)) else {
                continue;
            };
            let mut vals = Vec::new();
            for x in p.values.iter().filter(|x| overlaps(x)) {
                match &x.value.value {
                    ParamData::Integer(i) => vals.push(Number::from_integer(i128::from(*i))),
                    ParamData::Number(n) => vals.push(*n),
                    ParamData::Range { min, max } => {
                        vals.push(Number::from_integer(i128::from(*min)));
                        if let Some(m) = max {
                            vals.push(Number::from_integer(i128::from(*m)));
                        }
                    }
                }
            }
            by_unit.push((unit, vals, p));
        }
        // The sentence as published: an entity or escape hides no number.
        let read = crate::check::text::Prose {
            text: &c.text,
            markdown: true,
        }
        .read(policy);
        for s in stated_numbers(read.as_str()) {
            let same: Vec<&(&str, Vec<Number>, &crate::model::Parameter)> =
                by_unit.iter().filter(|(u, _, _)| *u == s.unit).collect();
            if same.is_empty() {
                continue;
            }
            for value in &s.values {
                if same.iter().any(|(_, vals, _)| vals.contains(value)) {
                    continue;
                }
                let params: Vec<String> = same
                    .iter()
                    .map(|(_, _, p)| {
                        let shown: Vec<String> = p
                            .values
                            .iter()
                            .filter(|x| overlaps(x))
                            .map(|x| {
                                crate::sv::param_value(
                                    &x.value.value,
                                    p.unit.as_ref().map(|u| u.value.as_str()),
                                )
                                .replace('\u{a0}', " ")
                            })
                            .collect();
                        format!("`{}` = {}", p.id.value, shown.join(", "))
                    })
                    .collect();
                let span = read.span(s.range.clone());
                let mut diag = Diagnostic::warning(
                    "number-differs",
                    span,
                    format!(
                        "criterion `{}` says {} but its rule reads {}",
                        c.id.value,
                        &read.as_str()[s.range.clone()],
                        params.join(" and ")
                    ),
                )
                .with_hint("the sentence and the rule must say the same; write the number once with `{param: …}` in the sentence");
                if let Some((_, _, p)) = same.first() {
                    diag = diag.with_related(p.id.span, "the parameter");
                }
                d.push(diag);
                break;
            }
        }
    }
    // A placeholder prints the value in force when the version takes effect.
    for t in crate::check::text::markdown_texts(v) {
        for f in crate::markdown::placeholders(&t.value) {
            if f.kind != "param" && f.kind != "number" {
                continue;
            }
            // Without a value on `valid_from` it prints nothing (refs reports that).
            let Some(p) = policy
                .parameter(&f.id)
                .filter(|p| p.value_on(v.valid_from.value).is_some())
            else {
                continue;
            };
            let later: Vec<&crate::model::ParamValue> = p
                .values
                .iter()
                .filter(|x| {
                    x.from.value > v.valid_from.value && until.is_none_or(|u| x.from.value <= u)
                })
                .collect();
            if let Some(first) = later.first() {
                let span = text_span(policy, t, f.range.start, f.range.len());
                d.push(
                    Diagnostic::warning(
                        "param-changes",
                        span,
                        format!(
                            "`{}` prints the value of `{}` on {}, but the parameter changes on {} while version `{}` is in force",
                            f.kind, p.id.value, v.valid_from.value, first.from.value, v.version.value
                        ),
                    )
                    .with_related(first.from.span, "the later value")
                    .with_hint("the published text shows one value: cite a number that the version itself fixes, or adopt a new version when it changes"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(x: i128) -> Number {
        Number::from_integer(x)
    }

    #[test]
    fn numbers_with_units_are_found_in_swedish_sentences() {
        let s =
            stated_numbers("överstigande 30 timmar per månad, 18 - 64 år, fem kalenderdagar, 25 %");
        let got: Vec<(Vec<Number>, &str)> = s.iter().map(|x| (x.values.clone(), x.unit)).collect();
        assert_eq!(
            got,
            vec![
                (vec![n(30)], "timmar"),
                (vec![n(18), n(64)], "år"),
                (vec![n(5)], "dagar"),
                (vec![n(25)], "procent"),
            ]
        );
        // Grouped thousands and decimals, and where the match is.
        let s = stated_numbers("högst 58 800 kr och 0,5 procent");
        assert_eq!(s[0].values, vec![n(58_800)]);
        assert_eq!(s[0].unit, "kr");
        assert_eq!(s[1].values, vec![Number::new(1, 2)]);
        assert_eq!(
            &"högst 58 800 kr och 0,5 procent"[s[0].range.clone()],
            "58 800 kr"
        );
    }

    #[test]
    fn words_that_are_no_unit_and_placeholders_are_not_numbers_stated() {
        assert!(stated_numbers("minst ett basbelopp").is_empty());
        assert!(stated_numbers("i nivå 3 av 6").is_empty());
        assert!(stated_numbers("upp till {param: x} per månad").is_empty());
        assert_eq!(
            stated_numbers("upp till {param: x} eller 15 timmar").len(),
            1
        );
    }

    #[test]
    fn units_reduce_to_their_base() {
        assert_eq!(unit_base("timmar/mån"), Some("timmar"));
        assert_eq!(unit_base("kalenderdagar"), Some("dagar"));
        assert_eq!(unit_base("%"), Some("procent"));
        assert_eq!(unit_base("kr/mån"), Some("kr"));
        assert_eq!(unit_base("basbelopp"), None);
    }
}
