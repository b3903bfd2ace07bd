//! Rule language test oracle for the whole pipeline (lexing → parsing → type checking →
//! compiling → evaluating): a plain tree-walking reference interpreter over the parsed tree,
//! written from `docs/rules.md` and sharing nothing with the checker, the compiler or the VM.
//! It evaluates every operand (no short-circuit), compares enums by value rather than by
//! index, and steps dates month by month. `tests_prop` compares it with [`Program::eval`].

use super::ast::{AddOp, CmpOp, Expr, Kind, Set};
use super::date::{DATE_MAX, DATE_MIN};
use super::tests::krets;
use super::*;

/// Slots: 0–2 `b0`–`b2` (bool), 3–4 `i0`, `i1` (int), 5–6 `d0`, `d1` (date), 7–8 `e0`, `e1`
/// (enum 1, 2, 3, ingen); parameters `p0` (int) and `r0` (range).
pub(super) fn scope() -> Scope<'static> {
    let facts = [
        ("b0", Ty::Bool),
        ("b1", Ty::Bool),
        ("b2", Ty::Bool),
        ("i0", Ty::Int),
        ("i1", Ty::Int),
    ];
    let more = [
        ("d0", Ty::Date),
        ("d1", Ty::Date),
        ("e0", krets()),
        ("e1", krets()),
    ];
    Scope {
        facts: facts.into_iter().chain(more).collect(),
        params: vec![("p0", PTy::Int), ("r0", PTy::Range)],
    }
}

#[derive(Clone, Debug, PartialEq)]
enum V {
    Bool(bool),
    Int(i64),
    Date(i64),
    Enum(EnumValue),
    Text(String),
    /// A number of months, or of days.
    Dur(i64, bool),
}

fn int(n: i64) -> Option<V> {
    (n != i64::MIN).then_some(V::Int(n))
}

fn in_domain(d: i64) -> bool {
    (DATE_MIN..=DATE_MAX).contains(&d)
}

fn leap(y: i32) -> bool {
    days_from_civil(y, 3, 1) - days_from_civil(y, 2, 28) == 2
}

/// Age: a birthday on 29 February is 1 March in a common year.
fn ref_age(born: i64, on: i64) -> Option<i64> {
    if !in_domain(born) || !in_domain(on) {
        return None;
    }
    let ((y1, m1, d1), (y2, m2, d2)) = (civil_from_days(born), civil_from_days(on));
    let birthday = if (m1, d1) == (2, 29) && !leap(y2) {
        (3, 1)
    } else {
        (m1, d1)
    };
    Some(i64::from(y2 - y1) - i64::from((m2, d2) < birthday))
}

fn ref_shift(date: i64, n: i64, days: bool) -> Option<i64> {
    if !in_domain(date) {
        return None;
    }
    if days {
        return date.checked_add(n).filter(|d| in_domain(*d));
    }
    if n.unsigned_abs() > 12 * 10_000 {
        return None;
    }
    let (mut y, mut m, d) = civil_from_days(date);
    for _ in 0..n.unsigned_abs() {
        (y, m) = match (n > 0, m) {
            (true, 12) => (y + 1, 1),
            (true, _) => (y, m + 1),
            (false, 1) => (y - 1, 12),
            (false, _) => (y, m - 1),
        };
    }
    if !(0..=9999).contains(&y) {
        return None;
    }
    let first_of_next = if m == 12 {
        days_from_civil(y + 1, 1, 1)
    } else {
        days_from_civil(y, m + 1, 1)
    };
    let last = first_of_next - days_from_civil(y, m, 1);
    Some(days_from_civil(y, m, d.min(u32::try_from(last).ok()?)))
}

struct Ref<'a> {
    src: &'a str,
    scope: &'a Scope<'a>,
    env: &'a Env<'a>,
}

impl Ref<'_> {
    fn name(&self, name: &str) -> Option<V> {
        if name == "ansokningsdatum" {
            return Some(V::Date(self.env.application_date));
        }
        if let Some(slot) = self.scope.params.iter().position(|p| p.0 == name) {
            return match self.env.params.get(slot) {
                Some(ParamVal::Int(n)) => int(*n),
                _ => None,
            };
        }
        let slot = self
            .scope
            .facts
            .iter()
            .position(|f| f.0 == name)
            .expect("a known name");
        let v = self
            .env
            .facts
            .get(slot)
            .copied()
            .flatten()
            .filter(|v| *v != i64::MIN)?;
        match &self.scope.facts[slot].1 {
            Ty::Bool => Some(V::Bool(v != 0)),
            Ty::Int | Ty::Money => Some(V::Int(v)),
            Ty::Date => Some(V::Date(v)),
            Ty::Enum(values) => values.get(usize::try_from(v).ok()?).cloned().map(V::Enum),
        }
    }

    fn truth(&self, e: &Expr) -> Option<bool> {
        match self.eval(e) {
            Some(V::Bool(b)) => Some(b),
            None => None,
            other => panic!("not a bool: {other:?}"),
        }
    }

    fn eval(&self, e: &Expr) -> Option<V> {
        match &e.kind {
            Kind::Int(n) => int(*n),
            Kind::Date(d) => Some(V::Date(*d)),
            Kind::Str(s) => Some(V::Text(s.clone())),
            Kind::Bool(b) => Some(V::Bool(*b)),
            Kind::Name(span) => self.name(&self.src[span.range()]),
            Kind::Call { name, args } => {
                let args: Vec<Option<V>> = args.iter().map(|a| self.eval(a)).collect();
                match (&self.src[name.range()], args.as_slice()) {
                    ("age", [Some(V::Date(a)), Some(V::Date(b))]) => ref_age(*a, *b).and_then(int),
                    ("years", [Some(V::Int(n))]) => n.checked_mul(12).map(|m| V::Dur(m, false)),
                    ("months", [Some(V::Int(n))]) => Some(V::Dur(*n, false)),
                    ("days", [Some(V::Int(n))]) => Some(V::Dur(*n, true)),
                    _ => None,
                }
            }
            Kind::Neg(x) => match self.eval(x)? {
                V::Int(n) => int(-n),
                other => panic!("cannot negate {other:?}"),
            },
            Kind::Not(x) => self.truth(x).map(|b| V::Bool(!b)),
            Kind::And(items) => {
                let all: Vec<Option<bool>> = items.iter().map(|i| self.truth(i)).collect();
                if all.contains(&Some(false)) {
                    Some(V::Bool(false))
                } else {
                    all.iter().all(Option::is_some).then_some(V::Bool(true))
                }
            }
            Kind::Or(items) => {
                let all: Vec<Option<bool>> = items.iter().map(|i| self.truth(i)).collect();
                if all.contains(&Some(true)) {
                    Some(V::Bool(true))
                } else {
                    all.iter().all(Option::is_some).then_some(V::Bool(false))
                }
            }
            Kind::Sum(first, terms) => terms.iter().fold(self.eval(first), |acc, (op, t)| {
                match (acc?, self.eval(t)?, op) {
                    (V::Int(a), V::Int(b), AddOp::Add) => a.checked_add(b).and_then(int),
                    (V::Int(a), V::Int(b), AddOp::Sub) => a.checked_sub(b).and_then(int),
                    (V::Date(d), V::Dur(n, days), AddOp::Add) => ref_shift(d, n, days).map(V::Date),
                    (V::Date(d), V::Dur(n, days), AddOp::Sub) => {
                        ref_shift(d, n.checked_neg()?, days).map(V::Date)
                    }
                    other => panic!("ill-typed sum {other:?}"),
                }
            }),
            Kind::Cmp(op, l, r) => {
                let (l, r) = (self.eval(l), self.eval(r));
                Some(V::Bool(compare(*op, &l?, &r?)))
            }
            Kind::In { x, set, negated } => {
                let x = self.eval(x);
                let found = match set {
                    Set::List(items) => {
                        let items: Vec<Option<V>> = items.iter().map(|i| self.eval(i)).collect();
                        let x = x?;
                        Some(
                            items
                                .iter()
                                .any(|i| compare(CmpOp::Eq, &x, i.as_ref().expect("a literal"))),
                        )
                    }
                    Set::Range(lo, hi) => match (x, self.eval(lo), self.eval(hi)) {
                        (Some(V::Int(x)), Some(V::Int(lo)), Some(V::Int(hi)))
                        | (Some(V::Date(x)), Some(V::Date(lo)), Some(V::Date(hi))) => {
                            Some(lo <= x && x <= hi)
                        }
                        _ => None,
                    },
                    Set::Param(span) => {
                        let slot = self
                            .scope
                            .params
                            .iter()
                            .position(|p| p.0 == &self.src[span.range()])
                            .expect("a parameter");
                        match (x, self.env.params.get(slot)) {
                            (Some(V::Int(x)), Some(ParamVal::Range(lo, hi))) => {
                                Some(*lo <= x && x <= *hi)
                            }
                            _ => None,
                        }
                    }
                };
                found.map(|f| V::Bool(f != *negated))
            }
        }
    }
}

/// Compares two known values, enums by their value.
fn compare(op: CmpOp, l: &V, r: &V) -> bool {
    let eq = match (l, r) {
        (V::Int(a), V::Int(b)) | (V::Date(a), V::Date(b)) => {
            return match op {
                CmpOp::Eq => a == b,
                CmpOp::Ne => a != b,
                CmpOp::Lt => a < b,
                CmpOp::Le => a <= b,
                CmpOp::Gt => a > b,
                CmpOp::Ge => a >= b,
            };
        }
        (V::Bool(a), V::Bool(b)) => a == b,
        (V::Enum(a), V::Enum(b)) => a == b,
        (V::Enum(a), V::Int(n)) | (V::Int(n), V::Enum(a)) => *a == EnumValue::Int(*n),
        (V::Enum(a), V::Text(s)) | (V::Text(s), V::Enum(a)) => *a == EnumValue::Word(s.clone()),
        other => panic!("ill-typed comparison {other:?}"),
    };
    match op {
        CmpOp::Eq => eq,
        CmpOp::Ne => !eq,
        _ => panic!("ordered comparison of {l:?} and {r:?}"),
    }
}

pub(super) fn reference(src: &str, scope: &Scope<'_>, env: &Env<'_>) -> Tri {
    let tokens = lex::lex(src).expect("lexes");
    let tree = parse::parse(src, &tokens).expect("parses");
    match (Ref { src, scope, env }).eval(&tree) {
        Some(V::Bool(true)) => Tri::True,
        Some(V::Bool(false)) => Tri::False,
        None => Tri::Unknown,
        Some(other) => panic!("a rule gave {other:?}"),
    }
}
