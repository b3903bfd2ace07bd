//! Rule language, stage 2 of 5: lexing → **parsing** → type checking → compiling → evaluating.
//!
//! A recursive-descent parser over the tokens, depth-limited to [`MAX_NESTING`] levels so that
//! no input can overflow the stack. `and`, `or` and `+`/`-` chains are kept flat (n-ary), so
//! the tree is only as deep as the rule's real nesting.

use super::ast::{AddOp, CmpOp, Expr, Kind};
use super::lex::{Span, Tok, Token, err};
use super::{MAX_NESTING, RuleError};

/// Parses a whole rule. Stops at the first error.
pub(super) fn parse(src: &str, toks: &[Token]) -> Result<Expr, RuleError> {
    let mut p = Parser {
        src,
        toks,
        pos: 0,
        depth: 0,
    };
    if p.peek() == &Tok::Eof {
        let hint = "write a condition, e.g. `pagaende_kontakt_specialistpsykiatri`".to_owned();
        return Err(err(Span { lo: 0, hi: 0 }, "the rule is empty", Some(hint)));
    }
    let e = p.or()?;
    if p.peek() == &Tok::Eof {
        Ok(e)
    } else {
        Err(p.unexpected())
    }
}

pub(super) struct Parser<'s> {
    src: &'s str,
    pub(super) toks: &'s [Token],
    pub(super) pos: usize,
    depth: usize,
}

impl Parser<'_> {
    pub(super) fn peek(&self) -> &Tok {
        &self.toks[self.pos].tok
    }

    pub(super) fn peek2(&self) -> &Tok {
        &self.toks[(self.pos + 1).min(self.toks.len() - 1)].tok
    }

    pub(super) fn bump(&mut self) -> Token {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    pub(super) fn text(&self, span: Span) -> &str {
        &self.src[span.range()]
    }

    /// One level deeper (a parenthesis, call, `not` or `-`); errors past [`MAX_NESTING`].
    fn enter(&mut self, at: Span) -> Result<(), RuleError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            let hint = Some("split it into several criteria, or simplify it".to_owned());
            return Err(err(
                at,
                format!("the rule nests too deeply (more than {MAX_NESTING} levels)"),
                hint,
            ));
        }
        Ok(())
    }

    /// "unexpected `x`" for the current token, with a hint where one helps.
    pub(super) fn unexpected(&self) -> RuleError {
        let t = &self.toks[self.pos];
        if t.tok == Tok::Eof {
            return err(t.span, "unexpected end of the rule", None);
        }
        let text = self.text(t.span);
        let hint = match (&t.tok, text) {
            (Tok::RParen, _) => Some("there is no `(` for this `)`".to_owned()),
            (Tok::Name, "och") => Some("did you mean `and`?".to_owned()),
            (Tok::Name, "eller") => Some("did you mean `or`?".to_owned()),
            (Tok::Not, _) if self.pos > 0 => {
                Some("write `not` before an expression, or `x not in [...]`".to_owned())
            }
            (
                Tok::Name
                | Tok::Int(_)
                | Tok::Date(_)
                | Tok::Str(_)
                | Tok::True
                | Tok::False
                | Tok::LParen,
                _,
            ) if self.pos > 0 => {
                Some("is an operator such as `and`, `or` or `==` missing before it?".to_owned())
            }
            _ => None,
        };
        err(t.span, format!("unexpected `{text}`"), hint)
    }

    /// After operator `op`, the next token must be able to start an expression.
    pub(super) fn operand_after(&self, op: &Token) -> Result<(), RuleError> {
        match self.peek() {
            Tok::Int(_)
            | Tok::Date(_)
            | Tok::Str(_)
            | Tok::True
            | Tok::False
            | Tok::Name
            | Tok::LParen
            | Tok::Minus
            | Tok::Not => Ok(()),
            _ => Err(err(
                op.span,
                format!("expected an expression after `{}`", self.text(op.span)),
                None,
            )),
        }
    }

    fn or(&mut self) -> Result<Expr, RuleError> {
        let first = self.and()?;
        if self.peek() != &Tok::Or {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.peek() == &Tok::Or {
            let op = self.bump();
            self.operand_after(&op)?;
            items.push(self.and()?);
        }
        let span = items[0].span.to(items[items.len() - 1].span);
        Ok(Expr {
            kind: Kind::Or(items),
            span,
        })
    }

    fn and(&mut self) -> Result<Expr, RuleError> {
        let first = self.not()?;
        if self.peek() != &Tok::And {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.peek() == &Tok::And {
            let op = self.bump();
            self.operand_after(&op)?;
            items.push(self.not()?);
        }
        let span = items[0].span.to(items[items.len() - 1].span);
        Ok(Expr {
            kind: Kind::And(items),
            span,
        })
    }

    fn not(&mut self) -> Result<Expr, RuleError> {
        if self.peek() != &Tok::Not {
            return self.cmp();
        }
        let op = self.bump();
        self.enter(op.span)?;
        self.operand_after(&op)?;
        let inner = self.not()?;
        self.depth -= 1;
        let span = op.span.to(inner.span);
        Ok(Expr {
            kind: Kind::Not(Box::new(inner)),
            span,
        })
    }

    fn cmp(&mut self) -> Result<Expr, RuleError> {
        let lhs = self.sum()?;
        let e = self.cmp_tail(lhs)?;
        if !matches!(e.kind, Kind::Cmp(..) | Kind::In { .. }) || !self.at_cmp_op() {
            return Ok(e);
        }
        // `a < b < c`: read the rest for the span, then refuse.
        let mut end = e.span;
        while self.at_cmp_op() {
            end = self
                .cmp_tail(Expr {
                    kind: Kind::Bool(true),
                    span: end,
                })?
                .span;
        }
        let span = e.span.to(end);
        let text = self.text(span);
        let message = if text.len() <= 30 && !text.contains('\n') {
            format!("`{text}` needs parentheses or `and`")
        } else {
            "a chain of comparisons needs parentheses or `and`".to_owned()
        };
        let hint = "compare two values at a time, e.g. `a < b and b < c`; \
                    for a span with both ends included write `x in lo..hi`";
        Err(err(span, message, Some(hint.to_owned())))
    }

    fn at_cmp_op(&self) -> bool {
        matches!(
            self.peek(),
            Tok::EqEq | Tok::Ne | Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge | Tok::In
        ) || (self.peek() == &Tok::Not && self.peek2() == &Tok::In)
    }

    /// `lhs` followed by an optional comparison or `in`.
    fn cmp_tail(&mut self, lhs: Expr) -> Result<Expr, RuleError> {
        let op = match self.peek() {
            Tok::EqEq => CmpOp::Eq,
            Tok::Ne => CmpOp::Ne,
            Tok::Lt => CmpOp::Lt,
            Tok::Le => CmpOp::Le,
            Tok::Gt => CmpOp::Gt,
            Tok::Ge => CmpOp::Ge,
            Tok::In => return self.in_set(lhs, false),
            Tok::Not if self.peek2() == &Tok::In => {
                self.bump();
                return self.in_set(lhs, true);
            }
            _ => return Ok(lhs),
        };
        let t = self.bump();
        self.operand_after(&t)?;
        let rhs = self.sum()?;
        let span = lhs.span.to(rhs.span);
        Ok(Expr {
            kind: Kind::Cmp(op, Box::new(lhs), Box::new(rhs)),
            span,
        })
    }

    pub(super) fn sum(&mut self) -> Result<Expr, RuleError> {
        let first = self.unary()?;
        let mut terms = Vec::new();
        while matches!(self.peek(), Tok::Plus | Tok::Minus) {
            let op = self.bump();
            self.operand_after(&op)?;
            let add = if op.tok == Tok::Plus {
                AddOp::Add
            } else {
                AddOp::Sub
            };
            terms.push((add, self.unary()?));
        }
        if terms.is_empty() {
            return Ok(first);
        }
        let span = first.span.to(terms[terms.len() - 1].1.span);
        Ok(Expr {
            kind: Kind::Sum(Box::new(first), terms),
            span,
        })
    }

    fn unary(&mut self) -> Result<Expr, RuleError> {
        if self.peek() != &Tok::Minus {
            return self.primary();
        }
        let op = self.bump();
        if let Tok::Int(n) = *self.peek() {
            // `-5` is a literal (so `personkrets == -1` and `[-1, 2]` work alike).
            let t = self.bump();
            return Ok(Expr {
                kind: Kind::Int(-n),
                span: op.span.to(t.span),
            });
        }
        self.enter(op.span)?;
        self.operand_after(&op)?;
        let inner = self.unary()?;
        self.depth -= 1;
        let span = op.span.to(inner.span);
        Ok(Expr {
            kind: Kind::Neg(Box::new(inner)),
            span,
        })
    }

    fn primary(&mut self) -> Result<Expr, RuleError> {
        let kind = match self.peek().clone() {
            Tok::Int(n) => Kind::Int(n),
            Tok::Date(d) => Kind::Date(d),
            Tok::Str(s) => Kind::Str(s),
            Tok::True => Kind::Bool(true),
            Tok::False => Kind::Bool(false),
            Tok::Name if self.peek2() == &Tok::LParen => return self.call(),
            Tok::Name => Kind::Name(self.toks[self.pos].span),
            Tok::LParen => return self.paren(),
            _ => {
                let mut e = self.unexpected();
                if self.peek() == &Tok::Not {
                    e.hint = Some("put it in parentheses: `(not ...)`".to_owned());
                }
                return Err(e);
            }
        };
        let t = self.bump();
        Ok(Expr { kind, span: t.span })
    }

    fn paren(&mut self) -> Result<Expr, RuleError> {
        let open = self.bump();
        self.enter(open.span)?;
        self.operand_after(&open)?;
        let mut inner = self.or()?;
        self.close(open.span)?;
        self.depth -= 1;
        inner.span = open.span.to(self.toks[self.pos - 1].span);
        Ok(inner)
    }

    /// Expects the `)` matching the `(` at `open`.
    fn close(&mut self, open: Span) -> Result<(), RuleError> {
        match self.peek() {
            Tok::RParen => {
                self.bump();
                Ok(())
            }
            Tok::Eof => Err(err(open, "unclosed `(`", None)),
            _ => Err(self.unexpected()),
        }
    }

    fn call(&mut self) -> Result<Expr, RuleError> {
        let name = self.bump().span;
        let open = self.bump();
        self.enter(open.span)?;
        let mut args = Vec::new();
        if self.peek() != &Tok::RParen {
            loop {
                self.operand_after(if args.is_empty() {
                    &open
                } else {
                    &self.toks[self.pos - 1]
                })?;
                args.push(self.or()?);
                if self.peek() != &Tok::Comma {
                    break;
                }
                self.bump();
            }
        }
        self.close(open.span)?;
        self.depth -= 1;
        let span = name.to(self.toks[self.pos - 1].span);
        Ok(Expr {
            kind: Kind::Call { name, args },
            span,
        })
    }
}
