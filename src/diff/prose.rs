//! Prose as tokens for the word diff, and tokens back into the prose tree for the
//! redline. The text is parsed by [`crate::markdown`] (the one parse) and walked into
//! [`Token`]s that keep each word's style and link; paragraph ends and list items are
//! tokens too, so the diff sees a paragraph split or joined. What a body places by
//! reference (a criteria list, a criterion's sentence) is one opaque token compared by
//! id: a change to the criterion is reported at the criterion, not again in every
//! section that places it.

use crate::markdown::{self, Block, Footnotes, Inline, Placeholder, Table, Target};
use crate::model::{self, Policy, Version};
use crate::words::{self, Kind, Seg, Token, style};

/// Deepest footnote inside footnotes that is walked (as the writers bound it).
const MAX_NOTE_DEPTH: usize = markdown::MAX_FOOTNOTE_DEPTH;

/// Walks the prose tree into tokens.
struct Walk<'a> {
    /// The policy and version a placeholder's text is read from (`None`: shown as written).
    names: Option<(&'a Policy, &'a Version)>,
    out: Vec<Token>,
    /// White space is due before the next token.
    space: bool,
    notes: &'a Footnotes,
    depth: usize,
    /// Text of one style and link not yet tokenized: the lines of a paragraph arrive one
    /// by one, and a unit broken over two lines (`4 kap.` / `2 § SoL`) must stay whole.
    pending: String,
    pending_style: u8,
    pending_link: Option<String>,
    /// White space before the pending text.
    pending_space: bool,
}

impl Walk<'_> {
    fn text(&mut self, t: &str, st: u8, link: Option<&str>) {
        if !self.pending.is_empty()
            && (st != self.pending_style || link != self.pending_link.as_deref())
        {
            self.flush();
        }
        if self.pending.is_empty() {
            self.pending_space = self.space;
            self.pending_style = st;
            self.pending_link = link.map(str::to_string);
            self.space = false;
        }
        self.pending.push_str(t);
    }

    /// A line break inside a paragraph: white space, whatever wrapped the text.
    fn soft_break(&mut self) {
        if self.pending.is_empty() {
            self.space = true;
        } else {
            self.pending.push(' ');
        }
    }

    /// Tokenizes the pending text.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let t = std::mem::take(&mut self.pending);
        let mut toks = words::tokenize(&t, self.pending_style, self.pending_link.as_deref());
        self.out.reserve(toks.len() + t.len() / 8);
        if let Some(first) = toks.first_mut() {
            first.space |= self.pending_space;
        }
        self.space = t.ends_with(char::is_whitespace) || (toks.is_empty() && self.pending_space);
        self.out.extend(toks);
        self.pending = t;
        self.pending.clear();
    }

    fn push(&mut self, mut t: Token) {
        self.flush();
        t.space |= self.space;
        self.space = false;
        self.out.push(t);
    }

    fn brk(&mut self) {
        self.flush();
        if self
            .out
            .last()
            .is_some_and(|t| !matches!(t.kind, Kind::Break))
        {
            self.out.push(Token {
                text: String::new(),
                space: false,
                style: 0,
                link: None,
                kind: Kind::Break,
            });
        }
        self.space = false;
    }

    fn inlines(&mut self, is: &[Inline], st: u8, link: Option<&str>) {
        for i in is {
            match i {
                Inline::Text(t) => self.text(t, st, link),
                Inline::Code(t) => self.text(t, st | style::CODE, link),
                Inline::Emph(c) => self.inlines(c, st | style::EMPH, link),
                Inline::Strong(c) => self.inlines(c, st | style::STRONG, link),
                Inline::Strike(c) => self.inlines(c, st | style::STRIKE, link),
                Inline::Ins(c) | Inline::Del(c) | Inline::Lang(_, c) => {
                    self.inlines(c, st, link);
                }
                Inline::Link(target, c) => {
                    let to = match target {
                        Target::Internal(id) => format!("#{id}"),
                        Target::External(url) => url.clone(),
                    };
                    self.inlines(c, st, Some(&to));
                }
                Inline::Footnote(n) => {
                    // A footnote's words are compared where it is referred to, in brackets.
                    let Some(note) = self.notes.items.get(n - 1) else {
                        continue;
                    };
                    if self.depth >= MAX_NOTE_DEPTH {
                        continue;
                    }
                    self.push(Token::word("[fotnot:", false));
                    self.depth += 1;
                    self.space = true;
                    let note = note.clone();
                    self.blocks_inline(&note);
                    self.depth -= 1;
                    self.flush();
                    self.space = false;
                    self.push(Token::word("]", false));
                }
                Inline::SoftBreak | Inline::HardBreak => self.soft_break(),
                Inline::Placeholder(p) => self.placeholder(p),
            }
        }
    }

    /// A placeholder is one opaque token compared by kind and id, like `{ref: id}`: what
    /// it prints (a section's number and heading) is derived, so a renumbering or a new
    /// heading is reported at the section, not at every reference to it.
    fn placeholder(&mut self, p: &Placeholder) {
        let text = self
            .names
            .and_then(|(policy, v)| policy.placeholder(v, p.kind, &p.id))
            .map_or_else(|| p.source(), |r| r.text);
        let space = self.space || self.pending.ends_with(char::is_whitespace);
        self.flush();
        self.out.push(Token {
            text,
            space,
            style: 0,
            link: None,
            kind: Kind::Opaque(format!("{}:{}", p.kind.name(), p.id)),
        });
        self.space = false;
    }

    /// A table, row by row: each row a paragraph whose cells each start with a `|` token,
    /// so that a changed cell is a changed word and an emptied cell leaves its `|`.
    fn table(&mut self, t: &Table, para_ends: bool) {
        for row in std::iter::once(&t.head).chain(&t.rows) {
            for (k, cell) in row.iter().enumerate() {
                self.push(Token::word("|", k > 0));
                self.space = true;
                self.inlines(cell, 0, None);
                self.flush();
            }
            self.push(Token::word("|", true));
            if para_ends {
                self.brk();
            } else {
                self.soft_break();
            }
        }
    }

    /// A footnote's blocks, inside a paragraph: no paragraph ends.
    fn blocks_inline(&mut self, bs: &[Block]) {
        for b in bs {
            match b {
                Block::Para(i) | Block::Heading(_, i) => self.inlines(i, 0, None),
                Block::List(_, items) => items.iter().for_each(|i| self.blocks_inline(i)),
                Block::Quote(b) => self.blocks_inline(b),
                Block::Code(c) => self.text(c, style::CODE, None),
                Block::Rule => {}
                Block::Table(t) => self.table(t, false),
            }
            self.soft_break();
        }
    }

    fn blocks(&mut self, bs: &[Block]) {
        for b in bs {
            match b {
                Block::Para(i) => {
                    self.inlines(i, 0, None);
                    self.brk();
                }
                Block::Heading(_, i) => {
                    self.inlines(i, style::STRONG, None);
                    self.brk();
                }
                Block::List(start, items) => {
                    for (k, item) in items.iter().enumerate() {
                        let marker = match start {
                            Some(n) => format!("{}.", n + k as u64),
                            None => "•".to_string(),
                        };
                        self.item(marker);
                        self.blocks(item);
                        self.brk();
                    }
                }
                Block::Quote(b) => {
                    self.item("›".to_string());
                    self.blocks(b);
                }
                Block::Code(c) => {
                    self.text(c, style::CODE, None);
                    self.brk();
                }
                Block::Rule => {
                    self.push(Token::word("—", false));
                    self.brk();
                }
                Block::Table(t) => self.table(t, true),
            }
        }
    }

    fn item(&mut self, marker: String) {
        self.flush();
        self.push(Token {
            text: marker,
            space: false,
            style: 0,
            link: None,
            kind: Kind::Item,
        });
        self.space = true;
    }

    fn opaque(&mut self, key: String, text: String) {
        self.push(Token {
            text,
            space: true,
            style: 0,
            link: None,
            kind: Kind::Opaque(key),
        });
        self.space = true;
    }

    fn finish(mut self) -> Vec<Token> {
        self.flush();
        while self
            .out
            .last()
            .is_some_and(|t| matches!(t.kind, Kind::Break))
        {
            self.out.pop();
        }
        self.out
    }
}

fn walk<'a>(notes: &'a Footnotes, names: Option<(&'a Policy, &'a Version)>) -> Walk<'a> {
    Walk {
        names,
        out: Vec::new(),
        space: false,
        notes,
        depth: 0,
        pending: String::new(),
        pending_style: 0,
        pending_link: None,
        pending_space: false,
    }
}

/// The tokens of inline Markdown (a criterion's sentence, a heading, a name).
pub fn inline(text: &str) -> Vec<Token> {
    let mut notes = Footnotes::default();
    let i = markdown::inline(text, &mut notes);
    let mut w = walk(&notes, None);
    w.inlines(&i, 0, None);
    w.finish()
}

/// The tokens of block Markdown (a notice, guidance), paragraph ends included.
pub fn blocks(text: &str) -> Vec<Token> {
    let mut notes = Footnotes::default();
    let b = markdown::blocks(text, &mut notes);
    let mut w = walk(&notes, None);
    w.blocks(&b);
    w.finish()
}

/// The tokens of plain text (a date, an id, a rule): words only, no Markdown.
pub fn plain(text: &str) -> Vec<Token> {
    words::tokenize(text, 0, None)
}

/// A body block, parsed, before it is walked.
enum Parsed {
    Blocks(Vec<Block>),
    Parts(Vec<PartParsed>),
    Opaque(String, String),
}
/// A part of an assembled paragraph, parsed.
enum PartParsed {
    Text(Vec<Inline>),
    Ref(String, String),
}

/// The tokens of a section's body as the document prints it (not its subsections).
pub fn section(policy: &Policy, v: &Version, body: &[model::Block]) -> Vec<Token> {
    let mut notes = Footnotes::default();
    // Parsed first, so that footnotes are numbered (and found) across the body.
    let parsed: Vec<Parsed> = body
        .iter()
        .map(|b| match b {
            model::Block::Text(t) => Parsed::Blocks(markdown::blocks(&t.value, &mut notes)),
            model::Block::Criteria(i) => {
                let name = v
                    .intervention(&i.value)
                    .map_or(i.value.as_str(), |x| x.name.value.as_str());
                Parsed::Opaque(
                    format!("kriterier:{}", i.value),
                    format!("[Kriterierna för {}]", markdown::plain(name)),
                )
            }
            model::Block::Guidance(i) => Parsed::Opaque(
                format!("underlag:{}", i.value),
                format!("[Underlag för kriterierna för insatsen {}]", i.value),
            ),
            model::Block::Paragraph(parts) => Parsed::Parts(
                parts
                    .iter()
                    .map(|p| match p {
                        model::Part::Text(t) | model::Part::Passage { text: t, .. } => {
                            PartParsed::Text(markdown::inline(&t.value, &mut notes))
                        }
                        model::Part::Ref(r) => {
                            let text = policy.referenced(v, &r.value).map_or_else(
                                || r.value.clone(),
                                |(t, _)| markdown::plain(&t.value),
                            );
                            PartParsed::Ref(format!("ref:{}", r.value), text)
                        }
                    })
                    .collect(),
            ),
        })
        .collect();
    let mut w = walk(&notes, Some((policy, v)));
    for p in &parsed {
        match p {
            Parsed::Blocks(b) => w.blocks(b),
            Parsed::Opaque(key, text) => {
                w.opaque(key.clone(), text.clone());
                w.brk();
            }
            Parsed::Parts(parts) => {
                for part in parts {
                    match part {
                        PartParsed::Text(i) => w.inlines(i, 0, None),
                        PartParsed::Ref(key, text) => w.opaque(key.clone(), text.clone()),
                    }
                    w.soft_break();
                }
                w.brk();
            }
        }
    }
    w.finish()
}

/// How a token shows in a redline cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Unchanged.
    Same,
    /// Only in the old text.
    Removed,
    /// Only in the new text.
    Added,
}

/// One side of a diff as paragraphs of marked tokens.
pub type Paragraphs<'t> = Vec<Vec<(&'t Token, Mark)>>;

/// A row of a two-column redline: the paragraphs between two paragraph ends that both
/// texts share, old and new, and whether anything in it changed.
pub struct Row<'t> {
    /// The old text's paragraphs (deleted words marked).
    pub old: Paragraphs<'t>,
    /// The new text's paragraphs (added words marked).
    pub new: Paragraphs<'t>,
    /// Whether the row holds a change.
    pub changed: bool,
}

/// Splits a word diff into rows of paragraphs (see [`Row`]).
pub fn rows<'t>(old: &'t [Token], new: &'t [Token], segs: &[Seg]) -> Vec<Row<'t>> {
    let mut out = Vec::new();
    let mut row = Row {
        old: vec![Vec::new()],
        new: vec![Vec::new()],
        changed: false,
    };
    let flush = |row: &mut Row<'t>, out: &mut Vec<Row<'t>>| {
        let r = std::mem::replace(
            row,
            Row {
                old: vec![Vec::new()],
                new: vec![Vec::new()],
                changed: false,
            },
        );
        out.push(r);
    };
    let add = |side: &mut Paragraphs<'t>, t: &'t Token, m: Mark| {
        if matches!(t.kind, Kind::Break) {
            side.push(Vec::new());
        } else if let Some(last) = side.last_mut() {
            last.push((t, m));
        }
    };
    for seg in segs {
        match *seg {
            Seg::Equal(a, _, c, d) => {
                for (k, t) in new[c..d].iter().enumerate() {
                    if matches!(t.kind, Kind::Break) {
                        flush(&mut row, &mut out);
                    } else {
                        add(&mut row.old, &old[a + k], Mark::Same);
                        add(&mut row.new, t, Mark::Same);
                    }
                }
            }
            Seg::Delete(a, b) => {
                row.changed = true;
                old[a..b]
                    .iter()
                    .for_each(|t| add(&mut row.old, t, Mark::Removed));
            }
            Seg::Insert(c, d) => {
                row.changed = true;
                new[c..d]
                    .iter()
                    .for_each(|t| add(&mut row.new, t, Mark::Added));
            }
        }
    }
    flush(&mut row, &mut out);
    for r in &mut out {
        r.old.retain(|p| !p.is_empty());
        r.new.retain(|p| !p.is_empty());
    }
    out.retain(|r| !r.old.is_empty() || !r.new.is_empty());
    out
}

/// The word diff as one text, paragraph by paragraph, each word marked as unchanged,
/// removed or added (a paragraph end that only one side has stays in its paragraph as
/// a [`Kind::Break`] token, shown as `¶`).
pub fn unified<'t>(old: &'t [Token], new: &'t [Token], segs: &[Seg]) -> Paragraphs<'t> {
    let mut out: Paragraphs<'t> = vec![Vec::new()];
    for seg in segs {
        let (tokens, mark) = match *seg {
            Seg::Equal(_, _, c, d) => (&new[c..d], Mark::Same),
            Seg::Delete(a, b) => (&old[a..b], Mark::Removed),
            Seg::Insert(c, d) => (&new[c..d], Mark::Added),
        };
        for t in tokens {
            if matches!(t.kind, Kind::Break) && mark == Mark::Same {
                out.push(Vec::new());
            } else if let Some(last) = out.last_mut() {
                last.push((t, mark));
            }
        }
    }
    out.retain(|p| !p.is_empty());
    out
}

/// One marked paragraph as prose for the writers: words grouped by mark and style into
/// [`Inline::Del`] / [`Inline::Ins`] around emphasis, strong, links and text.
pub fn to_inlines(para: &[(&Token, Mark)]) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    let mut k = 0;
    while k < para.len() {
        let mark = para[k].1;
        let mut j = k;
        while j < para.len() && para[j].1 == mark {
            j += 1;
        }
        // The space before a marked run stays outside the mark.
        if k > 0 && para[k].0.space {
            out.push(Inline::Text(" ".to_string()));
        }
        let inner = styled(&para[k..j]);
        match mark {
            Mark::Same => out.extend(inner),
            Mark::Removed => out.push(Inline::Del(inner)),
            Mark::Added => out.push(Inline::Ins(inner)),
        }
        k = j;
    }
    out
}

/// Tokens of one mark as prose: runs of the same style and link become one node.
fn styled(run: &[(&Token, Mark)]) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    let mut k = 0;
    while k < run.len() {
        let (st, link) = (run[k].0.style, run[k].0.link.as_deref());
        let mut j = k;
        let mut text = String::new();
        while j < run.len() && run[j].0.style == st && run[j].0.link.as_deref() == link {
            let t = run[j].0;
            if j > k && t.space {
                text.push(' ');
            }
            text.push_str(if matches!(t.kind, Kind::Break) {
                "¶"
            } else {
                &t.text
            });
            j += 1;
        }
        if k > 0 && run[k].0.space {
            out.push(Inline::Text(" ".to_string()));
        }
        let mut node = if st & style::CODE != 0 {
            Inline::Code(text)
        } else {
            Inline::Text(text)
        };
        if st & style::STRIKE != 0 {
            node = Inline::Strike(vec![node]);
        }
        if st & style::EMPH != 0 {
            node = Inline::Emph(vec![node]);
        }
        if st & style::STRONG != 0 {
            node = Inline::Strong(vec![node]);
        }
        if let Some(to) = link {
            let target = match to.strip_prefix('#') {
                // Sections of the compared document are not in the redline: plain text.
                Some(_) => None,
                None => Some(Target::External(to.to_string())),
            };
            if let Some(t) = target {
                node = Inline::Link(t, vec![node]);
            }
        }
        out.push(node);
        k = j;
    }
    out
}

/// How [`shown`] writes text for an output.
pub struct Escapes<'a> {
    /// Words.
    pub text: &'a dyn Fn(&str) -> String,
    /// Words inside a code span (written between backticks, so not escaped otherwise).
    pub code: &'a dyn Fn(&str) -> String,
    /// A link's destination.
    pub url: &'a dyn Fn(&str) -> String,
}

/// Marked tokens as text, spaced as written; a paragraph end shows as `¶`. In a
/// removed or added run, style and link are written out the Markdown way (`*…*`,
/// `**…**`, `~~…~~`, `` `…` ``, `[…](url)`): a word whose link or style changed is
/// removed and added with the same letters, and the marks are what tell them apart.
/// The marks themselves are written as they are; a code span's fence is longer than
/// any run of backticks inside it.
pub fn shown(run: &[(&Token, Mark)], esc: &Escapes<'_>) -> String {
    let decorate = run.first().is_some_and(|(_, m)| *m != Mark::Same);
    let mut s = String::new();
    let mut k = 0;
    while k < run.len() {
        let first = run[k].0;
        let (st, link) = (first.style, first.link.as_deref());
        let mut j = k;
        while j < run.len() && run[j].0.style == st && run[j].0.link.as_deref() == link {
            j += 1;
        }
        if k > 0 && first.space {
            s.push(' ');
        }
        let mut words = String::new();
        for (i, (t, _)) in run[k..j].iter().enumerate() {
            if i > 0 && t.space {
                words.push(' ');
            }
            words.push_str(if matches!(t.kind, Kind::Break) {
                "¶"
            } else {
                &t.text
            });
        }
        if !decorate {
            s.push_str(&(esc.text)(&words));
            k = j;
            continue;
        }
        let mut inner = if st & style::CODE != 0 {
            let code = (esc.code)(&words);
            let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
            let fence = "`".repeat(longest + 1);
            let pad = if code.starts_with('`') || code.ends_with('`') {
                " "
            } else {
                ""
            };
            format!("{fence}{pad}{code}{pad}{fence}")
        } else {
            (esc.text)(&words)
        };
        let marks: String = style::of(st & !style::CODE).map(|(m, _)| m).collect();
        let closing: String = marks.chars().rev().collect();
        inner = format!("{marks}{inner}{closing}");
        if let Some(to) = link {
            inner = format!("[{inner}]({})", (esc.url)(to));
        }
        s.push_str(&inner);
        k = j;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &str, b: &str) -> bool {
        !words::changed(&words::diff(&blocks(a), &blocks(b)))
    }

    #[test]
    fn a_unit_wrapped_over_two_lines_is_the_same_unit() {
        // The lines of a paragraph reach the walk one by one; `4 kap.` / `2 § SoL` and
        // `3 200` / `kr` must still be one word each, as on one line.
        assert!(same(
            "Insats enligt 4 kap. 2 § SoL kostar 3 200 kr.",
            "Insats enligt 4 kap.\n2 § SoL kostar 3 200\nkr."
        ));
        let toks = blocks("Insats enligt 4 kap.\n2 § SoL.");
        assert!(toks.iter().any(|t| t.text == "4 kap. 2 § SoL"), "{toks:?}");
        // A real change is still seen, and so is a link or a style.
        assert!(!same("Kostar 3 200 kr.", "Kostar 3 400\nkr."));
        assert!(!same(
            "Se [här](https://a.example).",
            "Se [här](https://b.example)."
        ));
        assert!(!same("Se här.", "Se *här*."));
    }

    #[test]
    fn a_changed_run_shows_its_link_and_style() {
        let a = blocks("Se [här](https://a.example) och *nu*.");
        let removed: Vec<(&Token, Mark)> = a.iter().map(|t| (t, Mark::Removed)).collect();
        let plain = |s: &str| s.to_string();
        let esc = Escapes {
            text: &plain,
            code: &plain,
            url: &plain,
        };
        let text = shown(&removed, &esc);
        assert!(text.contains("[här](https://a.example)"), "{text}");
        assert!(text.contains("*nu*"), "{text}");
        // Unchanged words are shown as they read.
        let same: Vec<(&Token, Mark)> = a.iter().map(|t| (t, Mark::Same)).collect();
        assert_eq!(shown(&same, &esc), "Se här och nu.");
        // A code span's fence is longer than the backticks inside it.
        let code = blocks("Skriv `` a`b `` här.");
        let added: Vec<(&Token, Mark)> = code.iter().map(|t| (t, Mark::Added)).collect();
        assert!(
            shown(&added, &esc).contains("``a`b``"),
            "{}",
            shown(&added, &esc)
        );
    }
}
