//! Rule language, stage 4 of 5: lexing → parsing → type checking → **compiling** → evaluating.
//!
//! Flattens the checked tree into stack-machine [`Op`]s, in the order of the rule's text.
//! `and`/`or` chains get a jump after each operand that ends the chain once it is decided
//! (false for `and`, true for `or`); an unknown operand does not decide it, so evaluation
//! goes on and Kleene logic holds. The deepest stack the program can reach is computed here.

use super::ast::{AddOp, CmpOp};
use super::check::{Checked, Node, Term, Unit};
use super::lex::{Span, err};
use super::vm::{Op, Program};
use super::{MAX_STACK, RuleError};

/// Compiles a checked rule; `whole` is the rule's span, for the one error possible here.
pub(super) fn compile(checked: Checked, whole: Span) -> Result<Program, RuleError> {
    let mut e = Emitter {
        ops: Vec::new(),
        consts: Vec::new(),
        depth: 0,
        max: 0,
    };
    e.node(&checked.root);
    debug_assert_eq!(e.depth, 1, "a rule leaves exactly one value");
    if e.max > MAX_STACK {
        let message = format!(
            "the rule is too complex to evaluate (it needs more than {MAX_STACK} stack slots)"
        );
        let hint =
            Some("split it into several criteria, or use fewer nested parentheses".to_owned());
        return Err(err(whole, message, hint));
    }
    Ok(Program {
        ops: e.ops.into_boxed_slice(),
        consts: e.consts.into_boxed_slice(),
        stack: e.max,
        facts_read: checked.facts_read.into_boxed_slice(),
        params_read: checked.params_read.into_boxed_slice(),
    })
}

struct Emitter {
    ops: Vec<Op>,
    consts: Vec<i64>,
    depth: usize,
    max: usize,
}

/// Rules are at most 4096 bytes, so every index fits in a `u32`.
fn small(n: usize) -> u32 {
    u32::try_from(n).expect("rule programs are small")
}

impl Emitter {
    /// Emits `op`, which changes the stack depth by `pushes - pops`.
    fn emit(&mut self, op: Op, pops: usize, pushes: usize) -> usize {
        self.depth -= pops;
        self.depth += pushes;
        self.max = self.max.max(self.depth);
        self.ops.push(op);
        self.ops.len() - 1
    }

    fn node(&mut self, n: &Node) {
        match n {
            Node::Const(v) => _ = self.emit(Op::Const(*v), 0, 1),
            Node::Fact(slot) => _ = self.emit(Op::Fact(*slot), 0, 1),
            Node::FactBool(slot) => _ = self.emit(Op::FactBool(*slot), 0, 1),
            Node::Param(slot) => _ = self.emit(Op::Param(*slot), 0, 1),
            Node::AppDate => _ = self.emit(Op::AppDate, 0, 1),
            Node::Neg(x) => {
                self.node(x);
                self.emit(Op::Neg, 1, 1);
            }
            Node::Not(x) => {
                self.node(x);
                self.emit(Op::Not, 1, 1);
            }
            Node::Sum(first, steps) => {
                self.node(first);
                for (term, x) in steps {
                    self.node(x);
                    let op = match *term {
                        Term::Int(AddOp::Add) => Op::Add,
                        Term::Int(AddOp::Sub) => Op::Sub,
                        Term::Shift(unit, sign) => {
                            if sign == AddOp::Sub {
                                self.emit(Op::Neg, 1, 1);
                            }
                            match unit {
                                Unit::Days => Op::AddDays,
                                Unit::Months => Op::AddMonths,
                                Unit::Years => Op::AddYears,
                            }
                        }
                    };
                    self.emit(op, 2, 1);
                }
            }
            Node::Age(a, b) => {
                self.node(a);
                self.node(b);
                self.emit(Op::Age, 2, 1);
            }
            Node::Cmp(op, a, b) => {
                self.node(a);
                self.node(b);
                let op = match op {
                    CmpOp::Eq => Op::Eq,
                    CmpOp::Ne => Op::Ne,
                    CmpOp::Lt => Op::Lt,
                    CmpOp::Le => Op::Le,
                    CmpOp::Gt => Op::Gt,
                    CmpOp::Ge => Op::Ge,
                };
                self.emit(op, 2, 1);
            }
            Node::InList(x, values) => {
                self.node(x);
                let start = small(self.consts.len());
                self.consts.extend_from_slice(values);
                self.emit(
                    Op::InList {
                        start,
                        len: small(values.len()),
                    },
                    1,
                    1,
                );
            }
            Node::InRange(x, lo, hi) => {
                self.node(x);
                self.node(lo);
                self.node(hi);
                self.emit(Op::Between, 3, 1);
            }
            Node::InParam(x, slot) => {
                self.node(x);
                self.emit(Op::ParamRange(*slot), 0, 2);
                self.emit(Op::Between, 3, 1);
            }
            Node::And(items) => self.chain(items, Op::And, Op::JumpIfFalse),
            Node::Or(items) => self.chain(items, Op::Or, Op::JumpIfTrue),
        }
    }

    /// `a and b and c`: `a JF b And JF c And`, every jump to the end.
    fn chain(&mut self, items: &[Node], combine: Op, jump: fn(u32) -> Op) {
        let mut jumps = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                jumps.push(self.emit(jump(0), 1, 1));
            }
            self.node(item);
            if i > 0 {
                self.emit(combine, 2, 1);
            }
        }
        let end = small(self.ops.len());
        for at in jumps {
            self.ops[at] = jump(end);
        }
    }
}
