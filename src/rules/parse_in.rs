//! Rule language, part of stage 2 (lexing → **parsing** → type checking → compiling →
//! evaluating): what may follow `in` — a list of literals, a range `lo..hi`, or the name of a
//! range parameter.

use super::RuleError;
use super::ast::{Expr, Kind, Set};
use super::lex::{Span, Tok, err};
use super::parse::Parser;

impl Parser<'_> {
    pub(super) fn in_set(&mut self, x: Expr, negated: bool) -> Result<Expr, RuleError> {
        let kw = self.bump();
        let (set, end) = if self.peek() == &Tok::LBracket {
            self.list()?
        } else {
            if !matches!(
                self.peek(),
                Tok::Int(_) | Tok::Date(_) | Tok::Name | Tok::LParen | Tok::Minus
            ) {
                let hint =
                    Some("write a list `[1, 2]`, a range `18..64` or a range parameter".to_owned());
                return Err(err(
                    kw.span,
                    "expected a list, a range or a range parameter after `in`",
                    hint,
                ));
            }
            let lo = self.sum()?;
            if self.peek() == &Tok::DotDot {
                let dots = self.bump();
                self.operand_after(&dots)?;
                let hi = self.sum()?;
                let end = hi.span;
                (Set::Range(Box::new(lo), Box::new(hi)), end)
            } else {
                match lo.kind {
                    Kind::Name(name) if name == lo.span => (Set::Param(name), name),
                    _ => {
                        let hint = Some(
                            "write a list `[1, 2]`, a range `18..64` or a range parameter"
                                .to_owned(),
                        );
                        return Err(err(
                            lo.span,
                            "expected a list, a range or a range parameter after `in`",
                            hint,
                        ));
                    }
                }
            }
        };
        let span = x.span.to(end);
        Ok(Expr {
            kind: Kind::In {
                x: Box::new(x),
                set,
                negated,
            },
            span,
        })
    }

    fn list(&mut self) -> Result<(Set, Span), RuleError> {
        let open = self.bump();
        let mut items = Vec::new();
        loop {
            let t = self.bump();
            let kind = match t.tok {
                Tok::RBracket if !items.is_empty() => return Ok((Set::List(items), t.span)),
                Tok::Int(n) => Kind::Int(n),
                Tok::Date(d) => Kind::Date(d),
                Tok::Str(s) => Kind::Str(s),
                Tok::Minus if matches!(self.peek(), Tok::Int(_)) => {
                    let Tok::Int(n) = self.bump().tok else {
                        unreachable!()
                    };
                    let span = t.span.to(self.toks[self.pos - 1].span);
                    items.push(Expr {
                        kind: Kind::Int(-n),
                        span,
                    });
                    self.list_sep(open.span)?;
                    continue;
                }
                Tok::Eof => return Err(err(open.span, "unclosed `[`", None)),
                _ => {
                    let what = self.text(t.span);
                    let hint = Some("a list holds numbers, dates and \"words\"; to test facts use `==` with `or`".to_owned());
                    return Err(err(t.span, format!("`{what}` cannot be in a list"), hint));
                }
            };
            items.push(Expr { kind, span: t.span });
            self.list_sep(open.span)?;
        }
    }

    /// After a list item: `,` (consumed) or `]` (left for the loop).
    fn list_sep(&mut self, open: Span) -> Result<(), RuleError> {
        match self.peek() {
            Tok::Comma => {
                self.bump();
                Ok(())
            }
            Tok::RBracket => Ok(()),
            Tok::Eof => Err(err(open, "unclosed `[`", None)),
            _ => {
                let hint = Some("separate list items with `,`".to_owned());
                Err(err(
                    self.toks[self.pos].span,
                    format!("unexpected `{}`", self.text(self.toks[self.pos].span)),
                    hint,
                ))
            }
        }
    }
}
