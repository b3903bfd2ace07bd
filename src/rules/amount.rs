//! Formulas of amounts: exact arithmetic over parameters, facts, other amounts and the
//! values of a chosen level (docs/rules.md, *Amounts*).
//!
//! ```text
//! 1/12 * maxavgift_andel * prisbasbelopp
//! max(0, min(avgiftsutrymme, nivatak, maxavgift))
//! default(boendekostnad, 0) + minimibelopp
//! 1/12 * avgiftsniva.andel * prisbasbelopp
//! ```
//!
//! Numbers are [`Number`]s (ratios of 128-bit integers): nothing is a float, so
//! `1/12 × 0,5392 × 58 800` is exactly `2 642,08`. A parameter whose unit is `%` reads
//! as its value divided by 100; money reads in kronor. [`Formula::eval`] gives `None`
//! when a fact it needs is missing (the amount is *ej utrett*); [`Formula::show`] writes
//! the arithmetic with each value in place, as explanations print it.

use std::ops::Range;

use num_traits::{CheckedAdd, CheckedDiv, CheckedMul, CheckedSub, Zero};

use super::RuleError;
use crate::model::Number;

/// The longest formula accepted, in bytes.
pub const MAX_FORMULA_LEN: usize = 2048;
/// How deeply parentheses, calls and unary `-` may nest.
const MAX_DEPTH: usize = 32;

/// What a name in a formula refers to, as the caller's scope resolves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operand {
    /// A fact by slot: an integer read as is.
    IntFact(usize),
    /// A fact by slot: money, read in kronor (the slot holds öre).
    MoneyFact(usize),
    /// A parameter by slot.
    Param(usize),
    /// Another amount of the same version, by index.
    Amount(usize),
    /// A value of the level chosen in a level table: (table index, value index).
    LevelValue(usize, usize),
}

/// Resolves the names of a formula; implemented by the check stage over a version.
pub trait FormulaScope {
    /// The operand a name (`prisbasbelopp`, `avgiftsniva.andel`) refers to, or why not:
    /// a message and an optional hint (`did you mean …`).
    ///
    /// # Errors
    /// The name is unknown, or names something a formula cannot read (a date fact).
    fn resolve(&self, name: &str) -> Result<Operand, (String, Option<String>)>;
}

/// The values a formula reads when it is evaluated or shown.
pub trait FormulaEnv {
    /// An operand's value; `None` when it is missing (a fact not given, an amount or a
    /// level not established).
    fn value(&self, op: Operand) -> Option<Number>;
    /// The operand as an explanation shows it: `58 800 kr`, `28 %`, `avgiftsutrymme
    /// 4 000 kr`, or what is missing: `nettoinkomst (saknas)`.
    fn show(&self, op: Operand) -> String;
}

/// The arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `+`
    Add,
    Sub,
    Mul,
    Div,
}

impl Op {
    fn sign(self) -> &'static str {
        match self {
            Op::Add => "+",
            Op::Sub => "−",
            Op::Mul => "×",
            Op::Div => "/",
        }
    }
}

/// A checked formula, ready to evaluate.
#[derive(Debug, Clone)]
pub enum Formula {
    /// A number written in the formula.
    Lit(Number),
    /// A name.
    Name(Operand),
    /// `-x`.
    Neg(Box<Formula>),
    /// `a + b`, `a - b`, `a * b`, `a / b`.
    Bin(Op, Box<Formula>, Box<Formula>),
    /// `(x)`, kept so the arithmetic is shown as written.
    Paren(Box<Formula>),
    /// `min(a, b, …)`.
    Min(Vec<Formula>),
    /// `max(a, b, …)`.
    Max(Vec<Formula>),
    /// `default(x, d)`: `x`, or `d` when `x` is missing (*eventuellt individuellt
    /// tillägg*: none given is none).
    Default(Box<Formula>, Box<Formula>),
}

/// Why a formula could not be computed though every value was there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArithError {
    /// Division by zero.
    DivisionByZero,
    /// A result beyond 128-bit exact arithmetic.
    Overflow,
}

impl std::fmt::Display for ArithError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ArithError::DivisionByZero => "division med noll",
            ArithError::Overflow => "talet blir för stort för exakt räkning",
        })
    }
}

impl Formula {
    /// The value: `Ok(None)` when an operand it needs is missing.
    ///
    /// # Errors
    /// Division by zero, or a result too large for exact arithmetic.
    pub fn eval(&self, env: &dyn FormulaEnv) -> Result<Option<Number>, ArithError> {
        Ok(match self {
            Formula::Lit(n) => Some(*n),
            Formula::Name(op) => env.value(*op),
            // Every value is `fit`, so its numerator is never `i128::MIN` and negates.
            Formula::Neg(x) => x.eval(env)?.map(|v| -v),
            Formula::Paren(x) => x.eval(env)?,
            Formula::Bin(op, a, b) => {
                let (Some(a), Some(b)) = (a.eval(env)?, b.eval(env)?) else {
                    return Ok(None);
                };
                let r = match op {
                    Op::Add => a.checked_add(&b),
                    Op::Sub => a.checked_sub(&b),
                    Op::Mul => a.checked_mul(&b),
                    Op::Div if b.is_zero() => return Err(ArithError::DivisionByZero),
                    Op::Div => a.checked_div(&b),
                };
                Some(fit(r.ok_or(ArithError::Overflow)?)?)
            }
            Formula::Min(xs) | Formula::Max(xs) => {
                let mut acc: Option<Number> = None;
                for x in xs {
                    let Some(v) = x.eval(env)? else {
                        return Ok(None);
                    };
                    acc = Some(match acc {
                        None => v,
                        Some(a) if matches!(self, Formula::Min(_)) => a.min(v),
                        Some(a) => a.max(v),
                    });
                }
                acc
            }
            Formula::Default(x, d) => match x.eval(env)? {
                Some(v) => Some(v),
                None => d.eval(env)?,
            },
        })
    }

    /// The arithmetic with each value in place: `1/12 × 0,5392 × 58 800 kr`,
    /// `det lägsta av (4 000 kr; 1 372 kr)`.
    pub fn show(&self, env: &dyn FormulaEnv) -> String {
        match self {
            Formula::Lit(n) => crate::sv::number(n),
            Formula::Name(op) => env.show(*op),
            Formula::Neg(x) => format!("−{}", x.show(env)),
            Formula::Paren(x) => format!("({})", x.show(env)),
            Formula::Bin(Op::Div, a, b)
                if matches!(**a, Formula::Lit(_)) && matches!(**b, Formula::Lit(_)) =>
            {
                format!("{}/{}", a.show(env), b.show(env))
            }
            Formula::Bin(op, a, b) => format!("{} {} {}", a.show(env), op.sign(), b.show(env)),
            Formula::Min(xs) | Formula::Max(xs) => {
                let which = if matches!(self, Formula::Min(_)) {
                    "lägsta"
                } else {
                    "högsta"
                };
                let parts: Vec<String> = xs.iter().map(|x| x.show(env)).collect();
                format!("det {which} av ({})", parts.join("; "))
            }
            Formula::Default(x, d) => match x.eval(env) {
                Ok(Some(_)) => x.show(env),
                _ => format!(
                    "{} ej angivet, {}",
                    x.show(env).replace(" (saknas)", ""),
                    d.show(env)
                ),
            },
        }
    }

    /// Every operand the formula reads, in order of appearance (with repeats).
    pub fn operands(&self, out: &mut Vec<Operand>) {
        match self {
            Formula::Lit(_) => {}
            Formula::Name(op) => out.push(*op),
            Formula::Neg(x) | Formula::Paren(x) => x.operands(out),
            Formula::Bin(_, a, b) | Formula::Default(a, b) => {
                a.operands(out);
                b.operands(out);
            }
            Formula::Min(xs) | Formula::Max(xs) => xs.iter().for_each(|x| x.operands(out)),
        }
    }
}

/// `n`, or [`ArithError::Overflow`] when its numerator is `i128::MIN`: a value that
/// checked arithmetic still produces (`-2^126 - 2^126`) but that cannot be negated,
/// and on which `num-rational` itself overflows (`0 / n`, the sign of a quotient), so
/// it is beyond 128-bit exact arithmetic like every other overflow.
///
/// # Errors
/// The numerator is `i128::MIN`.
pub fn fit(n: Number) -> Result<Number, ArithError> {
    if *n.numer() == i128::MIN {
        Err(ArithError::Overflow)
    } else {
        Ok(n)
    }
}

/// Parses and resolves a formula.
///
/// # Errors
/// Every problem as a [`RuleError`] with the byte range in `src`: a character that is no
/// part of a formula, a missing operand or parenthesis, an unknown name or function, a
/// function with the wrong number of arguments, a formula too long or too deep.
pub fn compile(src: &str, scope: &dyn FormulaScope) -> Result<Formula, RuleError> {
    if src.len() > MAX_FORMULA_LEN {
        return Err(RuleError {
            range: 0..src.len(),
            message: format!(
                "the formula is too long ({} bytes; at most {MAX_FORMULA_LEN})",
                src.len()
            ),
            hint: Some("split it into several amounts".to_owned()),
        });
    }
    let tokens = lex(src)?;
    let mut p = Parser {
        src,
        tokens,
        pos: 0,
        scope,
        depth: 0,
    };
    let f = p.expr()?;
    match p.peek() {
        (Tok::Eof, _) => Ok(f),
        (_, r) => Err(err(
            r,
            "expected an operator (`+ - * /`) or the end of the formula",
            None,
        )),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(Number),
    Name,
    Plus,
    Minus,
    Star,
    Slash,
    LParen,
    RParen,
    Comma,
    Eof,
}

fn err(range: Range<usize>, message: &str, hint: Option<String>) -> RuleError {
    RuleError {
        range,
        message: message.to_owned(),
        hint,
    }
}

fn lex(src: &str) -> Result<Vec<(Tok, Range<usize>)>, RuleError> {
    let mut out = Vec::new();
    let b = src.as_bytes();
    let mut i = 0;
    while i < src.len() {
        let c = src[i..].chars().next().unwrap_or(' ');
        let w = c.len_utf8();
        let single = match c {
            '+' => Some(Tok::Plus),
            '-' | '−' => Some(Tok::Minus),
            '*' | '×' => Some(Tok::Star),
            '/' => Some(Tok::Slash),
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            ',' => Some(Tok::Comma),
            _ => None,
        };
        if c.is_whitespace() {
            i += w;
        } else if let Some(t) = single {
            out.push((t, i..i + w));
            i += w;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            // `0,5` between a number and a digit is a Swedish decimal, not two arguments:
            // refuse it rather than read `max(0,5, x)` as `max(0, 5, x)`.
            if b.get(i) == Some(&b',') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                return Err(err(
                    start..i + 2,
                    &format!("`{}` looks like a decimal written with a comma", &src[start..=i + 1]),
                    Some("write decimals with a point in formulas (`0.5`), and put a space after a comma between arguments".to_owned()),
                ));
            }
            let text = &src[start..i];
            let n = crate::model::parse_decimal(text).ok_or_else(|| {
                let long = text.split('.').any(|part| part.len() > 18);
                let hint = if long {
                    "at most 18 digits before and after the point: a larger number belongs in a parameter, or as a product (`58800 * 1000`)"
                } else {
                    "write decimals with a point in formulas (`0.5`), or use a parameter"
                };
                err(
                    start..i,
                    &format!("`{text}` is not a number"),
                    Some(hint.to_owned()),
                )
            })?;
            out.push((Tok::Num(n), start..i));
        } else if c.is_ascii_lowercase() || c == '_' {
            let start = i;
            while i < b.len()
                && (b[i].is_ascii_lowercase()
                    || b[i].is_ascii_digit()
                    || b[i] == b'_'
                    || b[i] == b'.')
            {
                i += 1;
            }
            out.push((Tok::Name, start..i));
        } else {
            let hint = if c.is_alphabetic() {
                Some("names are lowercase ASCII letters, digits and `_` (`aldersgrans`, not `åldersgräns`)".to_owned())
            } else {
                Some("a formula has numbers, names, `+ - * /`, parentheses and `min`, `max`, `default`".to_owned())
            };
            return Err(err(
                i..i + w,
                &format!("`{c}` cannot appear in a formula"),
                hint,
            ));
        }
    }
    out.push((Tok::Eof, src.len()..src.len()));
    Ok(out)
}

struct Parser<'s> {
    src: &'s str,
    tokens: Vec<(Tok, Range<usize>)>,
    pos: usize,
    scope: &'s dyn FormulaScope,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> (Tok, Range<usize>) {
        self.tokens[self.pos.min(self.tokens.len() - 1)].clone()
    }

    fn next(&mut self) -> (Tok, Range<usize>) {
        let t = self.peek();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn deeper(&mut self, at: Range<usize>) -> Result<(), RuleError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err(
                at,
                &format!("the formula nests more than {MAX_DEPTH} levels deep"),
                Some("split it into several amounts".to_owned()),
            ));
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<Formula, RuleError> {
        let mut acc = self.term()?;
        loop {
            let op = match self.peek().0 {
                Tok::Plus => Op::Add,
                Tok::Minus => Op::Sub,
                _ => return Ok(acc),
            };
            self.next();
            let rhs = self.term()?;
            acc = Formula::Bin(op, Box::new(acc), Box::new(rhs));
        }
    }

    fn term(&mut self) -> Result<Formula, RuleError> {
        let mut acc = self.unary()?;
        loop {
            let op = match self.peek().0 {
                Tok::Star => Op::Mul,
                Tok::Slash => Op::Div,
                _ => return Ok(acc),
            };
            self.next();
            let rhs = self.unary()?;
            acc = Formula::Bin(op, Box::new(acc), Box::new(rhs));
        }
    }

    fn unary(&mut self) -> Result<Formula, RuleError> {
        if let (Tok::Minus, r) = self.peek() {
            self.next();
            self.deeper(r)?;
            let x = self.unary()?;
            self.depth -= 1;
            return Ok(Formula::Neg(Box::new(x)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Formula, RuleError> {
        let (tok, r) = self.next();
        match tok {
            Tok::Num(n) => Ok(Formula::Lit(n)),
            Tok::LParen => {
                self.deeper(r.clone())?;
                let x = self.expr()?;
                self.depth -= 1;
                self.close(&r)?;
                Ok(Formula::Paren(Box::new(x)))
            }
            Tok::Name => {
                let name = &self.src[r.clone()];
                if let (Tok::LParen, open) = self.peek() {
                    self.next();
                    self.deeper(open.clone())?;
                    let args = self.args(&open)?;
                    self.depth -= 1;
                    return call(name, r, args);
                }
                match self.scope.resolve(name) {
                    Ok(op) => Ok(Formula::Name(op)),
                    Err((message, hint)) => Err(err(r, &message, hint)),
                }
            }
            Tok::Eof => Err(err(r, "the formula ends where a value is expected", None)),
            _ => Err(err(r, "expected a number, a name or `(`", None)),
        }
    }

    fn close(&mut self, open: &Range<usize>) -> Result<(), RuleError> {
        match self.next() {
            (Tok::RParen, _) => Ok(()),
            (_, r) => Err(err(
                r.start.min(self.src.len())..r.end,
                "expected `)`",
                Some(format!("to close the `(` at byte {}", open.start)),
            )),
        }
    }

    fn args(&mut self, open: &Range<usize>) -> Result<Vec<Formula>, RuleError> {
        let mut args = Vec::new();
        if let (Tok::RParen, _) = self.peek() {
            self.next();
            return Ok(args);
        }
        loop {
            args.push(self.expr()?);
            match self.peek().0 {
                Tok::Comma => {
                    self.next();
                }
                _ => {
                    self.close(open)?;
                    return Ok(args);
                }
            }
        }
    }
}

fn call(name: &str, r: Range<usize>, mut args: Vec<Formula>) -> Result<Formula, RuleError> {
    match (name, args.len()) {
        ("min" | "max", n) if n >= 2 => Ok(if name == "min" {
            Formula::Min(args)
        } else {
            Formula::Max(args)
        }),
        ("min" | "max", _) => Err(err(
            r,
            &format!("`{name}` takes two or more values"),
            Some(format!("e.g. `{name}(a, b)`")),
        )),
        ("default", 2) => {
            let d = args.pop().map(Box::new);
            let x = args.pop().map(Box::new);
            match (x, d) {
                (Some(x), Some(d)) => Ok(Formula::Default(x, d)),
                _ => Err(err(r, "`default` takes two values", None)),
            }
        }
        ("default", _) => Err(err(
            r,
            "`default` takes two values: the value, and what it is when missing",
            Some("e.g. `default(individuellt_tillagg, 0)`".to_owned()),
        )),
        _ => Err(err(
            r,
            &format!("`{name}` is not a function of formulas"),
            Some("the functions are `min`, `max` and `default`".to_owned()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct S;
    impl FormulaScope for S {
        fn resolve(&self, name: &str) -> Result<Operand, (String, Option<String>)> {
            match name {
                "pbb" => Ok(Operand::Param(0)),
                "andel" => Ok(Operand::Param(1)),
                "inkomst" => Ok(Operand::MoneyFact(0)),
                "niva.andel" => Ok(Operand::LevelValue(0, 0)),
                _ => Err((format!("unknown name `{name}`"), None)),
            }
        }
    }
    struct E {
        income: Option<Number>,
    }
    impl FormulaEnv for E {
        fn value(&self, op: Operand) -> Option<Number> {
            match op {
                Operand::Param(0) => Some(Number::from_integer(58_800)),
                Operand::Param(1) => Some(Number::new(5392, 10_000)),
                Operand::MoneyFact(0) => self.income,
                Operand::LevelValue(0, 0) => Some(Number::new(28, 100)),
                _ => None,
            }
        }
        fn show(&self, op: Operand) -> String {
            match self.value(op) {
                Some(v) => crate::sv::number(&v),
                None => "saknas".to_owned(),
            }
        }
    }

    fn n(a: i128, b: i128) -> Number {
        Number::new(a, b)
    }

    #[test]
    fn the_maxavgift_is_exact() {
        let f = compile("1/12 * andel * pbb", &S).unwrap();
        let e = E { income: None };
        // 0,5392 × 58 800 / 12 = 2 642,08 exactly.
        assert_eq!(f.eval(&e).unwrap(), Some(n(264_208, 100)));
        assert_eq!(f.show(&e), "1/12 × 0,5392 × 58\u{a0}800");
    }

    #[test]
    fn min_max_default_and_missing_facts() {
        let e = E { income: None };
        let f = compile("max(0, min(inkomst, 1000))", &S).unwrap();
        assert_eq!(
            f.eval(&e).unwrap(),
            None,
            "a missing fact makes the amount unknown"
        );
        let f = compile("default(inkomst, 0) + 5", &S).unwrap();
        assert_eq!(f.eval(&e).unwrap(), Some(n(5, 1)));
        assert_eq!(f.show(&e), "saknas ej angivet, 0 + 5");
        let e = E {
            income: Some(n(-300, 1)),
        };
        let f = compile("max(0, min(inkomst, 1000))", &S).unwrap();
        assert_eq!(f.eval(&e).unwrap(), Some(n(0, 1)));
        let f = compile("1/12 * niva.andel * pbb", &S).unwrap();
        assert_eq!(f.eval(&e).unwrap(), Some(n(1372, 1)));
    }

    #[test]
    fn precedence_and_parentheses() {
        let e = E {
            income: Some(n(10, 1)),
        };
        assert_eq!(
            compile("2 + 3 * 4", &S).unwrap().eval(&e).unwrap(),
            Some(n(14, 1))
        );
        assert_eq!(
            compile("(2 + 3) * 4", &S).unwrap().eval(&e).unwrap(),
            Some(n(20, 1))
        );
        assert_eq!(
            compile("10 - 2 - 3", &S).unwrap().eval(&e).unwrap(),
            Some(n(5, 1))
        );
        assert_eq!(
            compile("-inkomst / 4", &S).unwrap().eval(&e).unwrap(),
            Some(n(-5, 2))
        );
        assert_eq!(
            compile("1 / (inkomst - 10)", &S).unwrap().eval(&e),
            Err(ArithError::DivisionByZero)
        );
    }

    #[test]
    fn errors_are_located() {
        let cases = [
            ("1/12 * okand", 7..12, "unknown name"),
            ("1 +", 3..3, "ends where a value"),
            ("(1 + 2", 6..6, "expected `)`"),
            ("summa(1, 2)", 0..5, "not a function"),
            ("min(1)", 0..3, "two or more"),
            ("1 ÷ 2", 2..4, "cannot appear"),
            ("1 2", 2..3, "expected an operator"),
            ("1.2.3", 0..5, "not a number"),
            ("max(0,5, x)", 4..7, "decimal written with a comma"),
        ];
        for (src, range, msg) in cases {
            let e = compile(src, &S).unwrap_err();
            assert_eq!(e.range, range, "{src}: {e}");
            assert!(e.message.contains(msg), "{src}: {e}");
        }
        let deep = format!("{}1{}", "(".repeat(40), ")".repeat(40));
        assert!(compile(&deep, &S).unwrap_err().message.contains("nests"));
        let long = "1 + ".repeat(600) + "1";
        assert!(compile(&long, &S).unwrap_err().message.contains("too long"));
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let e = E { income: None };
        let big = "100000000000000000 * 100000000000000000 * 100000000000000000";
        assert_eq!(
            compile(big, &S).unwrap().eval(&e),
            Err(ArithError::Overflow)
        );
        // -2^127 is reached by checked subtraction alone; it must not be negated,
        // divided into, or shown, so it is an overflow too.
        let min = "-(576460752303423488 * 576460752303423488 * 256) - 576460752303423488 * 576460752303423488 * 256";
        for src in [
            min.to_owned(),
            format!("-({min})"),
            format!("0 / ({min})"),
            format!("1 / ({min})"),
        ] {
            assert_eq!(
                compile(&src, &S).unwrap().eval(&e),
                Err(ArithError::Overflow),
                "{src}"
            );
        }
    }
}
