//! Rule language, stage 3 of 5: lexing → parsing → **type checking** → compiling → evaluating.
//!
//! Resolves names against the [`Scope`], checks every operator's operand types, turns enum
//! literals into value indices and lowers the tree to [`Node`]s for the compiler. Independent
//! sub-expressions are checked independently, so one rule can report several errors, but an
//! expression whose part is already wrong reports nothing more about itself.

use super::ast::{AddOp, CmpOp, Expr, Kind};
use super::lex::{Span, err};
use super::names::{self, Resolved};
use super::{RuleError, Scope, Ty};

/// The unit of a duration (`years(n)`, `months(n)`, `days(n)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Unit {
    Years,
    Months,
    Days,
}

/// One `+`/`-` step of a sum: integer arithmetic or moving a date by a duration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Term {
    Int(AddOp),
    Shift(Unit, AddOp),
}

/// The checked, name-resolved rule. Enum values are indices; dates are days.
#[derive(Debug)]
pub(super) enum Node {
    Const(i64),
    Fact(usize),
    /// A bool fact: read as 0/1.
    FactBool(usize),
    Param(usize),
    AppDate,
    Neg(Box<Node>),
    Sum(Box<Node>, Vec<(Term, Node)>),
    Age(Box<Node>, Box<Node>),
    Cmp(CmpOp, Box<Node>, Box<Node>),
    InList(Box<Node>, Vec<i64>),
    InRange(Box<Node>, Box<Node>, Box<Node>),
    InParam(Box<Node>, usize),
    Not(Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
}

/// What the checker found: the tree and the names it reads.
#[derive(Debug)]
pub(super) struct Checked {
    pub(super) root: Node,
    pub(super) facts_read: Vec<usize>,
    pub(super) params_read: Vec<usize>,
}

/// A sub-expression's type. `Enum` carries its fact's slot; `Err` means "already reported".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum T {
    Bool,
    Int,
    Money,
    Date,
    Enum(usize),
    Dur(Unit),
    Text,
    Err,
}

pub(super) struct Typed {
    pub(super) t: T,
    pub(super) node: Node,
}

pub(super) fn typed(t: T, node: Node) -> Typed {
    Typed { t, node }
}

pub(super) fn bad() -> Typed {
    typed(T::Err, Node::Const(0))
}

/// Type-checks a parsed rule against `scope`.
pub(super) fn check(src: &str, root: &Expr, scope: &Scope<'_>) -> Result<Checked, Vec<RuleError>> {
    let mut c = Checker {
        src,
        scope,
        errors: Vec::new(),
        facts_read: Vec::new(),
        params_read: Vec::new(),
    };
    let top = c.expr(root);
    if !matches!(top.t, T::Bool | T::Err) {
        let text = names::squash(&src[root.span.range()]);
        let example = match top.t {
            T::Enum(slot) => c
                .values(slot)
                .first()
                .map(|v| format!("{text} == {}", v.rule_literal())),
            T::Int => Some(format!("{text} >= 18")),
            T::Date => Some(format!("{text} <= ansokningsdatum")),
            _ => None,
        };
        let hint = example
            .filter(|_| text.len() <= 30)
            .map(|e| format!("compare it, e.g. `{e}`"));
        let message = format!(
            "a rule must be true or false, but this is {}",
            c.phrase(top.t)
        );
        c.errors.push(err(root.span, message, hint));
    }
    if c.errors.is_empty() {
        Ok(Checked {
            root: top.node,
            facts_read: c.facts_read,
            params_read: c.params_read,
        })
    } else {
        Err(c.errors)
    }
}

pub(super) struct Checker<'c> {
    pub(super) src: &'c str,
    pub(super) scope: &'c Scope<'c>,
    pub(super) errors: Vec<RuleError>,
    facts_read: Vec<usize>,
    params_read: Vec<usize>,
}

impl Checker<'_> {
    pub(super) fn fail(&mut self, span: Span, message: String, hint: Option<String>) -> Typed {
        self.errors.push(err(span, message, hint));
        bad()
    }

    pub(super) fn expr(&mut self, e: &Expr) -> Typed {
        match &e.kind {
            Kind::Int(n) => typed(T::Int, Node::Const(*n)),
            Kind::Date(d) => typed(T::Date, Node::Const(*d)),
            Kind::Str(_) => typed(T::Text, Node::Const(0)),
            Kind::Bool(b) => typed(T::Bool, Node::Const(i64::from(*b))),
            Kind::Name(span) => self.name(*span),
            Kind::Call { name, args } => self.call(*name, args, e.span),
            Kind::Neg(inner) => {
                let v = self.expr(inner);
                match v.t {
                    T::Int => typed(T::Int, Node::Neg(Box::new(v.node))),
                    T::Err => bad(),
                    t => self.fail(
                        inner.span,
                        format!("`-` needs an integer, but {}", self.but(inner.span, t)),
                        None,
                    ),
                }
            }
            Kind::Not(inner) => {
                let v = self.expr(inner);
                match v.t {
                    T::Bool => typed(T::Bool, Node::Not(Box::new(v.node))),
                    T::Err => bad(),
                    t => self.fail(
                        inner.span,
                        format!("`not` needs true or false, but {}", self.but(inner.span, t)),
                        None,
                    ),
                }
            }
            Kind::And(items) => self
                .logic(items, "and")
                .map_or_else(bad, |n| typed(T::Bool, Node::And(n))),
            Kind::Or(items) => self
                .logic(items, "or")
                .map_or_else(bad, |n| typed(T::Bool, Node::Or(n))),
            Kind::Sum(first, terms) => self.sum(first, terms),
            Kind::Cmp(op, l, r) => self.cmp(*op, l, r, e.span),
            Kind::In { x, set, negated } => {
                let v = self.in_set(x, set, e.span);
                match v.t {
                    T::Bool if *negated => typed(T::Bool, Node::Not(Box::new(v.node))),
                    _ => v,
                }
            }
        }
    }

    /// The operands of an `and`/`or` chain, each checked on its own.
    fn logic(&mut self, items: &[Expr], op: &str) -> Option<Vec<Node>> {
        let mut nodes = Some(Vec::with_capacity(items.len()));
        for item in items {
            let v = self.expr(item);
            match v.t {
                T::Bool => {
                    if let Some(n) = nodes.as_mut() {
                        n.push(v.node);
                    }
                }
                T::Err => nodes = None,
                t => {
                    let message = format!(
                        "`{op}` needs true or false on both sides, but {}",
                        self.but(item.span, t)
                    );
                    self.fail(item.span, message, None);
                    nodes = None;
                }
            }
        }
        nodes
    }

    pub(super) fn name(&mut self, span: Span) -> Typed {
        let name = &self.src[span.range()];
        match names::resolve(self.scope, name) {
            Resolved::AppDate => typed(T::Date, Node::AppDate),
            Resolved::Fact(slot, ty) => {
                if !self.facts_read.contains(&slot) {
                    self.facts_read.push(slot);
                }
                match ty {
                    Ty::Bool => typed(T::Bool, Node::FactBool(slot)),
                    Ty::Int => typed(T::Int, Node::Fact(slot)),
                    Ty::Money => typed(T::Money, Node::Fact(slot)),
                    Ty::Date => typed(T::Date, Node::Fact(slot)),
                    Ty::Enum(_) => typed(T::Enum(slot), Node::Fact(slot)),
                }
            }
            Resolved::IntParam(slot) => {
                self.read_param(slot);
                typed(T::Int, Node::Param(slot))
            }
            Resolved::MoneyParam(slot) => {
                self.read_param(slot);
                typed(T::Money, Node::Param(slot))
            }
            Resolved::NumberParam => self.fail(
                span,
                format!("`{name}` is a decimal number: amounts read it (`amounts:`), rules compare whole numbers"),
                Some("compare with an integer parameter, or compute an amount".to_owned()),
            ),
            Resolved::RangeParam(_) => self.fail(
                span,
                format!("`{name}` is a range: use it as `x in {name}`"),
                None,
            ),
            Resolved::Function => {
                let example = if name == "age" {
                    "age(fodelsedatum, ansokningsdatum)".to_owned()
                } else {
                    format!("{name}(1)")
                };
                self.fail(
                    span,
                    format!("`{name}` is a function"),
                    Some(format!("call it, e.g. `{example}`")),
                )
            }
            Resolved::Unknown => {
                let hint = names::unknown_name_hint(self.scope, name);
                self.fail(span, format!("unknown name `{name}`"), Some(hint))
            }
        }
    }

    pub(super) fn read_param(&mut self, slot: usize) {
        if !self.params_read.contains(&slot) {
            self.params_read.push(slot);
        }
    }

    fn call(&mut self, name_span: Span, args: &[Expr], span: Span) -> Typed {
        let name = &self.src[name_span.range()];
        let (arity, unit) = match name {
            "age" => (2, None),
            "years" => (1, Some(Unit::Years)),
            "months" => (1, Some(Unit::Months)),
            "days" => (1, Some(Unit::Days)),
            _ => {
                let hint = names::unknown_function_hint(self.scope, name);
                return self.fail(name_span, format!("unknown function `{name}`"), Some(hint));
            }
        };
        if args.len() != arity {
            let noun = if arity == 1 { "argument" } else { "arguments" };
            return self.fail(
                span,
                format!("`{name}` takes {arity} {noun}, found {}", args.len()),
                None,
            );
        }
        let want = if unit.is_some() { T::Int } else { T::Date };
        let mut nodes = Vec::with_capacity(arity);
        for a in args {
            let v = self.expr(a);
            if v.t == want {
                nodes.push(v.node);
            } else if v.t != T::Err {
                let what = if want == T::Int {
                    "an integer"
                } else {
                    "dates"
                };
                self.fail(
                    a.span,
                    format!("`{name}` needs {what}, but {}", self.but(a.span, v.t)),
                    None,
                );
            }
        }
        if nodes.len() != arity {
            return bad();
        }
        let mut nodes = nodes.into_iter();
        let first = nodes.next().unwrap_or(Node::Const(0));
        match (unit, nodes.next()) {
            (Some(u), _) => typed(T::Dur(u), first),
            (None, Some(second)) => typed(T::Int, Node::Age(Box::new(first), Box::new(second))),
            (None, None) => bad(),
        }
    }

    fn sum(&mut self, first: &Expr, terms: &[(AddOp, Expr)]) -> Typed {
        let head = self.expr(first);
        let mut acc = head.t;
        let mut acc_span = first.span;
        let mut steps = Vec::with_capacity(terms.len());
        for (op, e) in terms {
            let v = self.expr(e);
            let span = first.span.to(e.span);
            acc = match (acc, v.t) {
                (T::Err, _) | (_, T::Err) => T::Err,
                (T::Int, T::Int) => {
                    steps.push((Term::Int(*op), v.node));
                    T::Int
                }
                (T::Money, T::Money) => {
                    steps.push((Term::Int(*op), v.node));
                    T::Money
                }
                (T::Date, T::Dur(unit)) => {
                    steps.push((Term::Shift(unit, *op), v.node));
                    T::Date
                }
                (l, r) => {
                    let (message, hint) = names::arith_error(self, *op, (acc_span, l), (e.span, r));
                    self.fail(span, message, hint);
                    T::Err
                }
            };
            acc_span = span;
        }
        match acc {
            T::Err => bad(),
            T::Dur(_) => {
                let hint = Some("write the date first, e.g. `fodelsedatum + years(18)`".to_owned());
                self.fail(
                    acc_span,
                    "a duration can only be added to or subtracted from a date".to_owned(),
                    hint,
                )
            }
            t => typed(t, Node::Sum(Box::new(head.node), steps)),
        }
    }
}
