//! Rule language, part of stage 3 (lexing → parsing → **type checking** → compiling →
//! evaluating): comparisons and `in`, where enum literals are matched against their fact's
//! values.

use super::ast::{CmpOp, Expr, Kind, Set};
use super::check::{Checker, Node, T, Typed, bad, typed};
use super::lex::Span;
use super::names::{self, Resolved};
use crate::model::EnumValue;

impl Checker<'_> {
    /// `e` where a value of type `other` is expected: enum literals become value indices.
    pub(super) fn against(&mut self, e: &Expr, other: T) -> Typed {
        let T::Enum(slot) = other else {
            return self.expr(e);
        };
        let index = match &e.kind {
            Kind::Int(n) => self
                .values(slot)
                .iter()
                .position(|v| *v == EnumValue::Int(*n)),
            Kind::Str(s) => self
                .values(slot)
                .iter()
                .position(|v| matches!(v, EnumValue::Word(w) if w == s)),
            _ => return self.expr(e),
        };
        if let Some(i) = index {
            typed(
                T::Enum(slot),
                Node::Const(i64::try_from(i).unwrap_or(i64::MAX)),
            )
        } else {
            let (message, hint) = names::not_a_value(self, e, slot);
            self.fail(e.span, message, hint)
        }
    }

    pub(super) fn cmp(&mut self, op: CmpOp, l: &Expr, r: &Expr, span: Span) -> Typed {
        let literal = |e: &Expr| matches!(e.kind, Kind::Int(_) | Kind::Str(_));
        let (lv, rv) = if literal(l) && !literal(r) {
            let rv = self.expr(r);
            (self.against(l, rv.t), rv)
        } else {
            let lv = self.expr(l);
            let rv = self.against(r, lv.t);
            (lv, rv)
        };
        let ordered = !matches!(op, CmpOp::Eq | CmpOp::Ne);
        match (lv.t, rv.t) {
            (T::Err, _) | (_, T::Err) => bad(),
            (T::Int, T::Int) | (T::Money, T::Money) | (T::Date, T::Date) => {
                typed(T::Bool, Node::Cmp(op, Box::new(lv.node), Box::new(rv.node)))
            }
            (T::Bool, T::Bool) if !ordered => {
                typed(T::Bool, Node::Cmp(op, Box::new(lv.node), Box::new(rv.node)))
            }
            (T::Enum(a), T::Enum(b)) if !ordered && self.values(a) == self.values(b) => {
                typed(T::Bool, Node::Cmp(op, Box::new(lv.node), Box::new(rv.node)))
            }
            (lt, rt) => {
                let (message, hint) = names::cmp_error(self, ordered, (l.span, lt), (r.span, rt));
                self.fail(span, message, hint)
            }
        }
    }

    pub(super) fn in_set(&mut self, lhs: &Expr, set: &Set, span: Span) -> Typed {
        let xv = self.expr(lhs);
        match set {
            Set::List(items) => {
                if !matches!(xv.t, T::Int | T::Date | T::Enum(_) | T::Err) {
                    let message = format!(
                        "`in` needs an integer, a date or an enum on the left, but {}",
                        self.but(lhs.span, xv.t)
                    );
                    return self.fail(lhs.span, message, None);
                }
                let mut values = Vec::with_capacity(items.len());
                let mut ok = xv.t != T::Err;
                for item in items {
                    let iv = self.against(item, xv.t);
                    match (xv.t, iv.t, iv.node) {
                        (T::Err, ..) | (_, T::Err, _) => ok = false,
                        (want, got, Node::Const(value)) if want == got => values.push(value),
                        (want, got, _) => {
                            let (message, hint) =
                                names::cmp_error(self, false, (lhs.span, want), (item.span, got));
                            self.fail(item.span, message, hint);
                            ok = false;
                        }
                    }
                }
                if ok {
                    typed(T::Bool, Node::InList(Box::new(xv.node), values))
                } else {
                    bad()
                }
            }
            Set::Range(lo, hi) => {
                let (lov, hiv) = (self.expr(lo), self.expr(hi));
                if let T::Enum(_) = xv.t {
                    let hint = Some(format!(
                        "list the values instead, e.g. `{} in [1, 2]`",
                        names::squash(&self.src[lhs.span.range()])
                    ));
                    return self.fail(
                        lhs.span,
                        format!(
                            "{} is an enum: its values have no order",
                            self.subject(lhs.span)
                        ),
                        hint,
                    );
                }
                if !matches!(xv.t, T::Int | T::Date | T::Err) {
                    let message = format!(
                        "`in lo..hi` needs an integer or a date on the left, but {}",
                        self.but(lhs.span, xv.t)
                    );
                    return self.fail(lhs.span, message, None);
                }
                let mut ok = xv.t != T::Err;
                for (bound, bv) in [(lo, &lov), (hi, &hiv)] {
                    if bv.t == T::Err {
                        ok = false;
                    } else if xv.t != T::Err && bv.t != xv.t {
                        let (message, hint) =
                            names::cmp_error(self, false, (lhs.span, xv.t), (bound.span, bv.t));
                        self.fail(bound.span, message, hint);
                        ok = false;
                    }
                }
                if !ok {
                    return bad();
                }
                typed(
                    T::Bool,
                    Node::InRange(Box::new(xv.node), Box::new(lov.node), Box::new(hiv.node)),
                )
            }
            Set::Param(name_span) => {
                let name = &self.src[name_span.range()];
                match names::resolve(self.scope, name) {
                    Resolved::RangeParam(slot) => {
                        self.read_param(slot);
                        match xv.t {
                            T::Int => typed(T::Bool, Node::InParam(Box::new(xv.node), slot)),
                            T::Err => bad(),
                            t => {
                                let (message, hint) =
                                    names::range_param_error(self, (lhs.span, t), *name_span);
                                self.fail(span, message, hint)
                            }
                        }
                    }
                    Resolved::Unknown => self.name(*name_span),
                    _ => {
                        let hint = Some("after `in` write a list `[1, 2]`, a range `lo..hi` or a range parameter from parameters.yaml".to_owned());
                        self.fail(
                            *name_span,
                            format!("`{name}` is not a range parameter"),
                            hint,
                        )
                    }
                }
            }
        }
    }
}
