//! Groups of criteria and the extent of what is granted, for one case: *något av*
//! decided by one met alternative even while others are unknown, the level a case
//! falls in, and amounts computed exactly, rounded once, with their arithmetic.

use jiff::civil::Date;

use crate::check::extent::value_names;
use crate::eval::case::Case;
use crate::model::{
    Amount, Group, Member, Number, ParamData, Policy, Quantifier, Rounding, RoundingDirection,
    Version,
};
use crate::rules::amount::{ArithError, FormulaEnv, Operand};
use crate::rules::{Env, Tri};
use num_traits::{CheckedAdd, CheckedDiv, CheckedMul, Signed, Zero};

use super::CompiledVersion;

/// An intervention's criteria as written, with each criterion as its position in the
/// intervention's flat list (and so in [`super::InterventionResult::criteria`]).
#[derive(Debug, Clone)]
pub enum CMember {
    /// A criterion: its position in the flat list.
    Criterion(usize),
    /// A group: its position among the intervention's groups (depth first), quantifier
    /// and members.
    Group(usize, Quantifier, Vec<CMember>),
}

/// Resolves members against the intervention's flat list of compiled criteria ids.
pub fn members(
    members: &[Member],
    position: &dyn Fn(&str) -> Option<usize>,
    groups: &mut usize,
) -> Vec<CMember> {
    members
        .iter()
        .filter_map(|m| match m {
            Member::Criterion(id) => position(&id.value).map(CMember::Criterion),
            Member::Group(g) => {
                let k = *groups;
                *groups += 1;
                Some(CMember::Group(
                    k,
                    g.quantifier.value,
                    self::members(&g.members, position, groups),
                ))
            }
        })
        .collect()
}

/// The three-valued result of members combined by `q`, writing each group's result into
/// `groups` (by its position): *samtliga* is Kleene `and`; *något av* is true as soon as
/// one member is, false only when every member is; *minst N av* is true with N met,
/// false when fewer than N can still be met.
pub fn combine(
    q: Quantifier,
    members: &[CMember],
    leaf: &dyn Fn(usize) -> Tri,
    groups: &mut [Tri],
) -> Tri {
    let (mut t, mut u) = (0usize, 0usize);
    for m in members {
        let r = match m {
            CMember::Criterion(k) => leaf(*k),
            CMember::Group(g, gq, inner) => {
                let r = combine(*gq, inner, leaf, groups);
                if let Some(slot) = groups.get_mut(*g) {
                    *slot = r;
                }
                r
            }
        };
        match r {
            Tri::True => t += 1,
            Tri::Unknown => u += 1,
            Tri::False => {}
        }
    }
    let n = members.len();
    let need = match q {
        Quantifier::All => n,
        Quantifier::Any => 1.min(n),
        Quantifier::AtLeast(k) => k as usize,
    };
    if t >= need {
        Tri::True
    } else if t + u < need {
        Tri::False
    } else {
        Tri::Unknown
    }
}

/// The positions (in the intervention's flat list) of the criteria whose result can
/// still matter: every criterion except those inside a group already decided (a met
/// *något av* does not wait for its other alternatives). What to investigate next.
pub fn open_criteria(members: &[CMember], groups: &[Tri], out: &mut Vec<usize>) {
    for m in members {
        match m {
            CMember::Criterion(k) => out.push(*k),
            CMember::Group(g, _, inner) => {
                if groups.get(*g).is_none_or(|r| *r == Tri::Unknown) {
                    open_criteria(inner, groups, out);
                }
            }
        }
    }
}

/// Every group of an intervention, depth first (the order of [`CMember::Group`]'s
/// position and of [`super::InterventionResult::groups`]).
pub fn groups_of(members: &[Member]) -> Vec<&Group> {
    let mut out = Vec::new();
    for m in members {
        m.groups(&mut out);
    }
    out
}

/// The level a case falls in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelResult {
    /// Index into the version's `levels`.
    pub table: usize,
    /// The chosen row (the highest any fact places the case in); `None` when the level
    /// is not decided: a missing fact could still place the case higher, a value falls in
    /// a gap of the table, or no fact places the case in any level.
    pub row: Option<usize>,
    /// Per fact of the table's `by`: its slot, its value if given, and the row it alone
    /// places the case in.
    pub by: Vec<(usize, Option<i64>, Option<usize>)>,
    /// Facts (slots) whose value falls in a gap of the table: above the lowest threshold
    /// yet in no level. The text does not decide the level; a person must.
    pub gaps: Vec<usize>,
}

/// One computed amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmountResult {
    /// Index into the version's `amounts`.
    pub amount: usize,
    /// The case of the amount that applied (index into its `cases`).
    pub case: Option<usize>,
    /// The value before rounding; `None` when not established.
    pub exact: Option<Number>,
    /// The value as decided: rounded once where the amount says so.
    pub value: Option<Number>,
    /// Why it could not be computed though every fact was given (division by zero).
    pub error: Option<String>,
}

/// The extent of a granted intervention.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtentResult {
    /// The level, when the intervention states one.
    pub level: Option<LevelResult>,
    /// Every level table the intervention's level or its amounts' formulas read, chosen
    /// once for the case (the intervention's own level among them): the explanation shows
    /// each value it used from these.
    pub tables: Vec<LevelResult>,
    /// Every amount of the version computed for the case, in the version's order
    /// (those the intervention names are its decision; the others show the way).
    pub amounts: Vec<AmountResult>,
}

impl ExtentResult {
    /// The result of amount `k` (index into the version's `amounts`).
    pub fn amount(&self, k: usize) -> Option<&AmountResult> {
        self.amounts.iter().find(|a| a.amount == k)
    }

    /// Whether what the intervention decides is established: its level is decided and
    /// every amount it names has a value. A grant whose fee is not worked out is not yet
    /// a decision.
    pub fn established(&self, v: &Version, i: &crate::model::Intervention) -> bool {
        self.level.as_ref().is_none_or(|l| l.row.is_some())
            && i.extent.amounts.iter().all(|id| {
                v.amounts
                    .iter()
                    .position(|a| a.id.value == id.value)
                    .and_then(|k| self.amount(k))
                    .is_some_and(|r| r.value.is_some())
            })
    }

    /// The facts (slots) the level and the named amounts needed and the case lacks,
    /// each once: what to investigate before the extent can be decided.
    pub fn missing_facts(
        &self,
        cv: &CompiledVersion<'_>,
        i: &crate::model::Intervention,
        case: &Case,
    ) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        let mut push = |s: usize| {
            if fact(case, s).is_none() && !out.contains(&s) {
                out.push(s);
            }
        };
        for l in &self.tables {
            if l.row.is_none() {
                l.by.iter()
                    .filter(|(_, v, _)| v.is_none())
                    .for_each(|(s, _, _)| push(*s));
            }
        }
        for id in &i.extent.amounts {
            let Some(k) = cv
                .version
                .amounts
                .iter()
                .position(|a| a.id.value == id.value)
            else {
                continue;
            };
            for step in chain(cv, k) {
                let (Some(r), Some(Some(c))) = (self.amount(step), cv.amounts.get(step)) else {
                    continue;
                };
                if r.value.is_some() {
                    continue;
                }
                let Some((_, f)) = r.case.and_then(|n| c.cases.get(n)) else {
                    continue;
                };
                let mut ops = Vec::new();
                f.operands(&mut ops);
                for op in ops {
                    if let Operand::IntFact(s) | Operand::MoneyFact(s) = op {
                        push(s);
                    }
                }
            }
        }
        out
    }
}

/// A parameter's value for formulas on `date`: `%` divided by 100, money in kronor.
pub fn param_number(policy: &Policy, slot: usize, date: Date) -> Option<Number> {
    let p = policy.parameters.get(slot)?;
    let n = p.value_on(date)?.value.value.number()?;
    Some(if is_percent(p.unit.as_ref().map(|u| u.value.as_str())) {
        n / Number::from_integer(100)
    } else {
        n
    })
}

fn is_percent(unit: Option<&str>) -> bool {
    unit.is_some_and(|u| u.trim() == "%" || u.trim() == "procent")
}

/// Computes the level and amounts of intervention `index` of `v` for `case`, with
/// parameters read on `date`.
pub fn evaluate(
    v: &CompiledVersion<'_>,
    policy: &Policy,
    index: usize,
    case: &Case,
    date: Date,
    env: &Env<'_>,
) -> ExtentResult {
    let i = v.interventions[index].intervention;
    let mut out = ExtentResult::default();
    let version = v.version;
    let level_of = |t: usize| level(policy, version, t, case, date);
    if let Some(l) = &i.extent.level {
        if let Some(t) = version.levels.iter().position(|x| x.id.value == l.value) {
            out.level = Some(level_of(t));
        }
    }
    if i.extent.amounts.is_empty() {
        out.tables = out.level.iter().cloned().collect();
        return out;
    }
    // Every level table a formula reads, chosen once.
    let mut tables: Vec<LevelResult> = out.level.iter().cloned().collect();
    for c in v.amounts.iter().flatten() {
        let mut ops = Vec::new();
        for (_, f) in &c.cases {
            f.operands(&mut ops);
        }
        for op in ops {
            if let Operand::LevelValue(t, _) = op {
                if !tables.iter().any(|x| x.table == t) {
                    tables.push(level_of(t));
                }
            }
        }
    }
    out.tables = tables;
    let tables = &out.tables;
    for &k in &v.amount_order {
        let Some(c) = &v.amounts[k] else { continue };
        let a = &version.amounts[k];
        let fenv = Values {
            policy,
            version,
            case,
            date,
            tables,
            amounts: &out.amounts,
        };
        let mut r = AmountResult {
            amount: k,
            case: None,
            exact: None,
            value: None,
            error: None,
        };
        for (n, (when, f)) in c.cases.iter().enumerate() {
            let holds = when.as_ref().map_or(Tri::True, |p| p.eval(env));
            match holds {
                Tri::False => continue,
                Tri::Unknown => break,
                Tri::True => {}
            }
            r.case = Some(n);
            match f.eval(&fenv) {
                Ok(x) => {
                    r.exact = x;
                    match x.map(|x| round(&x, a.rounding.as_ref())).transpose() {
                        Ok(value) => r.value = value,
                        Err(e) => r.error = Some(e.to_string()),
                    }
                }
                Err(e) => r.error = Some(e.to_string()),
            }
            break;
        }
        out.amounts.push(r);
    }
    out.amounts.sort_by_key(|a| a.amount);
    out
}

/// Rounds once, as the amount states; without a rounding, money keeps its öre.
///
/// # Errors
/// [`ArithError::Overflow`] when the value in öre, or the rounded value, is beyond
/// 128-bit exact arithmetic: never a wrapped or truncated number.
pub fn round(x: &Number, rounding: Option<&Rounding>) -> Result<Number, ArithError> {
    let Some(r) = rounding else { return Ok(*x) };
    let unit = if r.to_krona {
        Number::from_integer(1)
    } else {
        Number::new(1, 100)
    };
    let q = x.checked_div(&unit).ok_or(ArithError::Overflow)?;
    // `trunc` and `fract` divide and take the remainder: they cannot overflow.
    let (whole, part) = (q.trunc(), q.fract());
    let away = match r.direction {
        RoundingDirection::Down => false,
        RoundingDirection::Up => !part.is_zero(),
        RoundingDirection::Nearest => part.abs() >= Number::new(1, 2),
    };
    let q = if away {
        whole
            .checked_add(&Number::from_integer(q.numer().signum()))
            .ok_or(ArithError::Overflow)?
    } else {
        whole
    };
    crate::rules::amount::fit(q.checked_mul(&unit).ok_or(ArithError::Overflow)?)
}

fn level(policy: &Policy, v: &Version, t: usize, case: &Case, date: Date) -> LevelResult {
    let table = &v.levels[t];
    let range = |param: &str| match policy
        .parameter(param)
        .and_then(|p| p.value_on(date))
        .map(|x| &x.value.value)
    {
        Some(ParamData::Range { min, max }) => Some((*min, *max)),
        _ => None,
    };
    let mut by = Vec::new();
    let mut gaps = Vec::new();
    let mut chosen: Option<usize> = None;
    // The highest row a missing fact could still place the case in.
    let mut open: Option<usize> = None;
    for f in &table.by {
        let Some(slot) = policy.facts.iter().position(|x| x.id.value == f.value) else {
            continue;
        };
        let ranges: Vec<(usize, (i64, Option<i64>))> = table
            .rows
            .iter()
            .enumerate()
            .flat_map(|(k, r)| {
                r.when
                    .iter()
                    .filter(|(fact, _)| fact.value == f.value)
                    .filter_map(move |(_, p)| Some((k, range(&p.value)?)))
            })
            .collect();
        let value = fact(case, slot);
        let row = value.and_then(|x| {
            ranges
                .iter()
                .find(|(_, (min, max))| x >= *min && max.is_none_or(|m| x <= m))
                .map(|(k, _)| *k)
        });
        match (value, row) {
            (Some(_), Some(r)) => chosen = Some(chosen.map_or(r, |c| c.max(r))),
            // Above the lowest threshold yet in no level: a gap in the table, which the
            // text does not decide (below every threshold the fact places no one).
            (Some(x), None) if ranges.iter().any(|(_, (min, _))| x >= *min) => gaps.push(slot),
            (None, _) => {
                if let Some(k) = ranges.iter().map(|(k, _)| *k).max() {
                    open = Some(open.map_or(k, |o| o.max(k)));
                }
            }
            (Some(_), None) => {}
        }
        by.push((slot, value, row));
    }
    // Decided when no fact falls in a gap and no missing fact could place it higher.
    let decided = gaps.is_empty() && open.is_none_or(|o| chosen.is_some_and(|c| c >= o));
    LevelResult {
        table: t,
        row: if decided { chosen } else { None },
        by,
        gaps,
    }
}

/// The value of fact slot `s` in a case, if given (`i64::MIN` marks unknown, as in rules).
fn fact(case: &Case, s: usize) -> Option<i64> {
    case.facts
        .get(s)
        .copied()
        .flatten()
        .filter(|x| *x != i64::MIN)
}

/// The values formulas read for one case.
struct Values<'a> {
    policy: &'a Policy,
    version: &'a Version,
    case: &'a Case,
    date: Date,
    tables: &'a [LevelResult],
    amounts: &'a [AmountResult],
}

impl FormulaEnv for Values<'_> {
    fn value(&self, op: Operand) -> Option<Number> {
        match op {
            // A money fact's slot holds öre.
            Operand::IntFact(s) => fact(self.case, s).map(|x| Number::from_integer(i128::from(x))),
            Operand::MoneyFact(s) => fact(self.case, s).map(|x| Number::new(i128::from(x), 100)),
            Operand::Param(s) => param_number(self.policy, s, self.date),
            Operand::Amount(k) => self.amounts.iter().find(|a| a.amount == k)?.value,
            Operand::LevelValue(t, k) => {
                let l = self.tables.iter().find(|l| l.table == t)?;
                let table = &self.version.levels[t];
                let name = *value_names(table).get(k)?;
                let row = &table.rows[l.row?];
                let (_, param) = row.values.iter().find(|(n, _)| n.value == name)?;
                let slot = self
                    .policy
                    .parameters
                    .iter()
                    .position(|p| p.id.value == param.value)?;
                param_number(self.policy, slot, self.date)
            }
        }
    }

    fn show(&self, op: Operand) -> String {
        show_operand(self, op)
    }
}

fn show_operand(e: &Values<'_>, op: Operand) -> String {
    let missing = |what: &str| format!("{what} (saknas)");
    match op {
        Operand::IntFact(s) | Operand::MoneyFact(s) => {
            let f = &e.policy.facts[s];
            match e.value(op) {
                Some(_) => {
                    let raw = e.case.facts[s].unwrap_or_default();
                    format!(
                        "{} {}",
                        crate::eval::report::fact_label(f),
                        crate::eval::case::display(f, raw)
                    )
                }
                None => missing(&crate::eval::report::fact_label(f)),
            }
        }
        Operand::Param(s) => {
            let p = &e.policy.parameters[s];
            match p.value_on(e.date) {
                Some(v) => crate::sv::param_value(
                    &v.value.value,
                    p.unit.as_ref().map(|u| u.value.as_str()),
                ),
                None => missing(&p.id.value),
            }
        }
        Operand::Amount(k) => {
            let a = &e.version.amounts[k];
            match e.value(op) {
                // Inside the arithmetic, money is plain kronor; the unit's period is the result's.
                Some(v) if a.is_money() => {
                    format!("{} {}", a.name.value.to_lowercase(), crate::sv::money(&v))
                }
                Some(v) => format!("{} {}", a.name.value.to_lowercase(), amount_text(a, &v)),
                None => missing(&a.name.value.to_lowercase()),
            }
        }
        Operand::LevelValue(t, k) => {
            let table = &e.version.levels[t];
            let name = value_names(table).get(k).copied().unwrap_or("?");
            let shown = e.tables.iter().find(|l| l.table == t).and_then(|l| {
                let row = &table.rows[l.row?];
                let (_, param) = row.values.iter().find(|(n, _)| n.value == name)?;
                let p = e.policy.parameter(&param.value)?;
                let v = p.value_on(e.date)?;
                Some(crate::sv::param_value(
                    &v.value.value,
                    p.unit.as_ref().map(|u| u.value.as_str()),
                ))
            });
            shown.unwrap_or_else(|| missing(&format!("{}.{name}", table.id.value)))
        }
    }
}

/// An amount's value in its unit: `2 642 kr`, `2 642,08 kr`, `15 timmar`.
pub fn amount_text(a: &Amount, v: &Number) -> String {
    if a.is_money() {
        let unit = a.unit.value.trim();
        let money = crate::sv::money(v);
        match unit.strip_prefix("kr") {
            Some(rest) if !rest.trim().is_empty() => format!("{money}{rest}"),
            _ => money,
        }
    } else {
        crate::sv::with_unit(v, Some(&a.unit.value))
    }
}

/// The arithmetic of amount `k` for a case, as an explanation prints it:
/// `Maxavgift: 1/12 × 0,5392 × 58 800 kr = 2 642,08 kr`, with the rounding when it
/// changes the value; `None` when the amount was not computed.
pub fn arithmetic(
    v: &CompiledVersion<'_>,
    policy: &Policy,
    case: &Case,
    date: Date,
    extent: &ExtentResult,
    k: usize,
) -> Option<String> {
    let r = extent.amount(k)?;
    let a = &v.version.amounts[k];
    let c = v.amounts.get(k)?.as_ref()?;
    let (_, f) = c.cases.get(r.case?)?;
    let env = Values {
        policy,
        version: v.version,
        case,
        date,
        tables: &extent.tables,
        amounts: &extent.amounts,
    };
    let shown = f.show(&env);
    // A formula that is one value (`minimibelopp_ensam`) is its value; "x = x" says nothing.
    let single = matches!(
        f,
        crate::rules::amount::Formula::Name(_) | crate::rules::amount::Formula::Lit(_)
    );
    Some(match (r.exact, r.value, &r.error) {
        (Some(x), Some(y), None) if single && x == y => {
            format!("{}: {}", a.name.value, amount_text(a, &x))
        }
        (_, _, Some(e)) => format!("{}: {shown}: {e}", a.name.value),
        (Some(x), Some(y), _) if x != y => format!(
            "{}: {shown} = {} ≈ {} ({})",
            a.name.value,
            amount_text(a, &x),
            amount_text(a, &y),
            a.rounding
                .as_ref()
                .map(Rounding::swedish)
                .unwrap_or_default()
        ),
        (Some(x), _, _) => format!("{}: {shown} = {}", a.name.value, amount_text(a, &x)),
        _ => format!("{}: {shown}: ej utrett", a.name.value),
    })
}

/// The amounts `k` depends on (itself last), in the order they are computed. With an
/// explicit stack: a chain of thousands of amounts overflowed a recursive walk.
pub fn chain(v: &CompiledVersion<'_>, k: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut seen = vec![false; v.amounts.len().max(k + 1)];
    seen[k] = true;
    // (amount, the next of its reads to visit)
    let mut stack = vec![(k, 0usize)];
    while let Some((a, next)) = stack.last_mut() {
        let reads = match v.amounts.get(*a) {
            Some(Some(c)) => &c.reads[..],
            _ => &[],
        };
        if let Some(&r) = reads.get(*next) {
            *next += 1;
            if !seen[r] {
                seen[r] = true;
                stack.push((r, 0));
            }
        } else {
            out.push(*a);
            stack.pop();
        }
    }
    out
}

/// The parameters an amount's chain reads, each once, in order, with the parameters of
/// the chosen level's values (for the sources an explanation lists).
pub fn params_read(
    v: &CompiledVersion<'_>,
    policy: &Policy,
    chain: &[usize],
    extent: &ExtentResult,
) -> Vec<usize> {
    let mut out = Vec::new();
    let mut push = |s: usize| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    for &k in chain {
        let Some(Some(c)) = v.amounts.get(k) else {
            continue;
        };
        // Only the case that applied: the others' values played no part.
        let Some((_, f)) = extent
            .amount(k)
            .and_then(|r| r.case)
            .and_then(|n| c.cases.get(n))
        else {
            continue;
        };
        let mut ops = Vec::new();
        f.operands(&mut ops);
        for op in ops {
            match op {
                Operand::Param(s) => push(s),
                Operand::LevelValue(t, n) => {
                    let table = &v.version.levels[t];
                    let Some(row) = extent
                        .tables
                        .iter()
                        .find(|l| l.table == t)
                        .and_then(|l| l.row)
                    else {
                        continue;
                    };
                    let Some(name) = value_names(table).get(n).copied() else {
                        continue;
                    };
                    if let Some((_, param)) =
                        table.rows[row].values.iter().find(|(x, _)| x.value == name)
                    {
                        if let Some(s) = policy
                            .parameters
                            .iter()
                            .position(|p| p.id.value == param.value)
                        {
                            push(s);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}
