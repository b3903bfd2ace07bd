//! Rule language, stage 5 of 5: lexing → parsing → type checking → compiling → **evaluating**.
//!
//! A stack machine over a flat list of [`Op`]s. Every value is an `i64` (bool 0/1, integer,
//! date as days since 1970-01-01, enum as value index); *unknown* is the sentinel
//! [`UNKNOWN`] (`i64::MIN`), which every operation passes on except Kleene `and`/`or`.
//! The top of the stack lives in a register; the rest in a fixed-size array on the Rust
//! stack. Evaluation neither allocates nor touches strings.

use super::MAX_STACK;
use super::date;

/// The value that stands for *unknown* on the evaluation stack.
pub(super) const UNKNOWN: i64 = i64::MIN;

/// A three-valued (Kleene) truth value: the result of a rule for one case.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum Tri {
    /// The criterion is met (*uppfyllt*).
    True,
    /// The criterion is not met (*ej uppfyllt*).
    False,
    /// A fact the result depends on is missing (*ej utrett*).
    Unknown,
}

/// The value of a parameter on the application date.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ParamVal {
    /// An integer parameter's value.
    Int(i64),
    /// A range parameter's bounds, both included.
    Range(i64, i64),
    /// No value in force on the application date: reads as *unknown*.
    Missing,
}

/// What a rule is evaluated against: one case's facts, the parameters in force, the date.
#[derive(Clone, Copy, Debug)]
pub struct Env<'a> {
    /// Fact values by slot (the order of `Scope::facts`): bool 0/1, integer as is, date as
    /// days since 1970-01-01 (see [`days_from_civil`](super::days_from_civil)), enum as the
    /// index into its values. `None` is a missing fact (*ej utrett*); so is `Some(i64::MIN)`
    /// and a slot past the end of the slice.
    pub facts: &'a [Option<i64>],
    /// Parameter values by slot (the order of `Scope::params`). A slot past the end, or a
    /// value of the wrong kind, reads as missing.
    pub params: &'a [ParamVal],
    /// The application date (`ansokningsdatum`) as days since 1970-01-01.
    pub application_date: i64,
}

/// One instruction. Operand order is the order of the rule's text.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Op {
    Const(i64),
    Fact(usize),
    FactBool(usize),
    Param(usize),
    /// Pushes a range parameter's low and high bound.
    ParamRange(usize),
    AppDate,
    Neg,
    Add,
    Sub,
    AddDays,
    AddMonths,
    AddYears,
    Age,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `x lo hi` → `lo <= x <= hi`.
    Between,
    /// `x` → whether `x` is one of `consts[start..start + len]`.
    InList {
        start: u32,
        len: u32,
    },
    Not,
    And,
    Or,
    /// Jump if the top is false, keeping it (the `and` chain is decided).
    JumpIfFalse(u32),
    /// Jump if the top is true, keeping it (the `or` chain is decided).
    JumpIfTrue(u32),
}

/// A compiled rule, ready to evaluate many times.
#[derive(Clone, Debug)]
pub struct Program {
    pub(super) ops: Box<[Op]>,
    pub(super) consts: Box<[i64]>,
    /// The most values on the stack at once (at most [`MAX_STACK`]).
    pub(super) stack: usize,
    pub(super) facts_read: Box<[usize]>,
    pub(super) params_read: Box<[usize]>,
}

impl Program {
    /// Evaluates the rule for one case, with Kleene logic: `false and ?` is false, `true or
    /// ?` is true, and any other operation on an unknown value is unknown.
    #[must_use]
    pub fn eval(&self, env: &Env<'_>) -> Tri {
        let v = if self.stack <= 4 {
            self.run::<4>(env)
        } else if self.stack <= 16 {
            self.run::<16>(env)
        } else {
            self.run::<MAX_STACK>(env)
        };
        match v {
            0 => Tri::False,
            1 => Tri::True,
            _ => Tri::Unknown,
        }
    }

    /// The distinct fact slots the rule names, in order of first appearance in its text.
    #[must_use]
    pub fn facts_read(&self) -> &[usize] {
        &self.facts_read
    }

    /// The distinct parameter slots the rule names, in order of first appearance.
    #[must_use]
    pub fn params_read(&self) -> &[usize] {
        &self.params_read
    }

    #[allow(clippy::too_many_lines, reason = "one short arm per instruction")]
    fn run<const N: usize>(&self, env: &Env<'_>) -> i64 {
        let mut stack = [0_i64; N];
        let mut sp = 0_usize; // values below `acc`; stack[0] is a dummy slot
        let mut acc = 0_i64; // the top of the stack
        let mut pc = 0_usize;
        macro_rules! push {
            ($v:expr) => {{
                let v = $v;
                stack[sp] = acc;
                sp += 1;
                acc = v;
            }};
        }
        macro_rules! binary {
            (|$a:ident, $b:ident| $e:expr) => {{
                sp -= 1;
                let ($a, $b) = (stack[sp], acc);
                acc = if $a == UNKNOWN || $b == UNKNOWN {
                    UNKNOWN
                } else {
                    $e
                };
            }};
        }
        while let Some(&op) = self.ops.get(pc) {
            pc += 1;
            match op {
                Op::Const(v) => push!(v),
                Op::Fact(slot) => push!(env.facts.get(slot).copied().flatten().unwrap_or(UNKNOWN)),
                Op::FactBool(slot) => push!(match env.facts.get(slot).copied().flatten() {
                    Some(v) if v != UNKNOWN => i64::from(v != 0),
                    _ => UNKNOWN,
                }),
                Op::Param(slot) => push!(match env.params.get(slot) {
                    Some(ParamVal::Int(v)) => *v,
                    _ => UNKNOWN,
                }),
                Op::ParamRange(slot) => {
                    let (lo, hi) = match env.params.get(slot) {
                        Some(ParamVal::Range(lo, hi)) => (*lo, *hi),
                        _ => (UNKNOWN, UNKNOWN),
                    };
                    push!(lo);
                    push!(hi);
                }
                Op::AppDate => push!(env.application_date),
                Op::Neg => acc = if acc == UNKNOWN { UNKNOWN } else { -acc },
                Op::Add => binary!(|a, b| a.checked_add(b).unwrap_or(UNKNOWN)),
                Op::Sub => binary!(|a, b| a.checked_sub(b).unwrap_or(UNKNOWN)),
                Op::AddDays => binary!(|d, n| date::add_days(d, n).unwrap_or(UNKNOWN)),
                Op::AddMonths => binary!(|d, n| date::add_months(d, n).unwrap_or(UNKNOWN)),
                Op::AddYears => {
                    binary!(|d, n| n
                        .checked_mul(12)
                        .and_then(|m| date::add_months(d, m))
                        .unwrap_or(UNKNOWN));
                }
                Op::Age => binary!(|a, b| date::age(a, b).unwrap_or(UNKNOWN)),
                Op::Eq => binary!(|a, b| i64::from(a == b)),
                Op::Ne => binary!(|a, b| i64::from(a != b)),
                Op::Lt => binary!(|a, b| i64::from(a < b)),
                Op::Le => binary!(|a, b| i64::from(a <= b)),
                Op::Gt => binary!(|a, b| i64::from(a > b)),
                Op::Ge => binary!(|a, b| i64::from(a >= b)),
                Op::Between => {
                    sp -= 2;
                    let (x, lo, hi) = (stack[sp], stack[sp + 1], acc);
                    acc = if x == UNKNOWN || lo == UNKNOWN || hi == UNKNOWN {
                        UNKNOWN
                    } else {
                        i64::from(lo <= x && x <= hi)
                    };
                }
                Op::InList { start, len } => {
                    if acc != UNKNOWN {
                        let (start, len) = (start as usize, len as usize);
                        acc = i64::from(self.consts[start..start + len].contains(&acc));
                    }
                }
                Op::Not => {
                    acc = if acc == UNKNOWN {
                        UNKNOWN
                    } else {
                        i64::from(acc == 0)
                    }
                }
                Op::And => {
                    sp -= 1;
                    let a = stack[sp];
                    acc = if a == 0 || acc == 0 {
                        0
                    } else if a == UNKNOWN || acc == UNKNOWN {
                        UNKNOWN
                    } else {
                        1
                    };
                }
                Op::Or => {
                    sp -= 1;
                    let a = stack[sp];
                    acc = if a == 1 || acc == 1 {
                        1
                    } else if a == UNKNOWN || acc == UNKNOWN {
                        UNKNOWN
                    } else {
                        0
                    };
                }
                Op::JumpIfFalse(to) => {
                    if acc == 0 {
                        pc = to as usize;
                    }
                }
                Op::JumpIfTrue(to) => {
                    if acc == 1 {
                        pc = to as usize;
                    }
                }
            }
        }
        acc
    }
}
