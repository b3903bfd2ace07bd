//! Rule language, the tree passed from stage 2 to 3: lexing → **parsing** → type checking →
//! compiling → evaluating. `and`, `or` and `+`/`-` chains are flat (n-ary), so the tree is
//! only as deep as the rule's real nesting.

use super::lex::Span;

/// A parsed expression and the source it spans (including any parentheses around it).
#[derive(Debug)]
pub(super) struct Expr {
    pub(super) kind: Kind,
    pub(super) span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum AddOp {
    Add,
    Sub,
}

#[derive(Debug)]
pub(super) enum Kind {
    Int(i64),
    Date(i64),
    Str(String),
    Bool(bool),
    /// A name; the span is the name alone.
    Name(Span),
    Call {
        name: Span,
        args: Vec<Expr>,
    },
    Neg(Box<Expr>),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    /// `first (+|- term)*`.
    Sum(Box<Expr>, Vec<(AddOp, Expr)>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    In {
        x: Box<Expr>,
        set: Set,
        negated: bool,
    },
}

#[derive(Debug)]
pub(super) enum Set {
    /// `[lit, …]`: each element is an `Int`, `Date` or `Str` expression.
    List(Vec<Expr>),
    /// `lo..hi`, inclusive.
    Range(Box<Expr>, Box<Expr>),
    /// A range parameter's name.
    Param(Span),
}
