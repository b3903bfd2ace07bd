//! Markdown: the one place prose is parsed. pulldown-cmark's events are walked
//! once into a small tree ([`Block`], [`Inline`]); the HTML and Typst writers in
//! `render` serialise that tree, so the two back ends cannot drift apart.
//!
//! Text stays text: raw HTML becomes text, images become their description,
//! and only `#id`, `http(s):` and `mailto:` links survive as links.
//!
//! Placeholders `{<kind>: <id>}` (see [`crate::model::PlaceholderKind`]) are found in
//! the text runs of the tree, after adjacent text has been joined: [`scan_placeholders`]
//! is the one scanner, used for the tree and for `check` ([`placeholders`]).

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Alignment, Event, Options, Parser, Tag};
use unicase::UniCase;

use crate::model::PlaceholderKind;

/// The Markdown dialect of the policy files: CommonMark plus footnotes, strikethrough
/// and GitHub-style tables.
pub fn options() -> Options {
    Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES
}

/// A placeholder as written, `{kind: id}`, found by [`scan_placeholders`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scanned<'a> {
    /// The word before the colon, as written (it may name no kind).
    pub kind: &'a str,
    /// The id after the colon.
    pub id: &'a str,
    /// Byte range of the whole placeholder, braces included, in the scanned text.
    pub range: Range<usize>,
}

/// Every well-formed placeholder in one run of text: `{`, a kind (ASCII letters and `_`),
/// `:`, optional spaces, an id (ASCII letters, digits, `-`, `_`), optional spaces, `}`,
/// all on one line. Anything else (`{{ x }}`, `{ a }`, `{a: b c}`) is not a placeholder
/// and stays text.
pub fn scan_placeholders(text: &str) -> Vec<Scanned<'_>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(k) = text[i..].find('{') {
        let start = i + k;
        i = start + 1;
        let mut j = start + 1;
        let word = |j: &mut usize, ok: fn(u8) -> bool| {
            let from = *j;
            while *j < b.len() && ok(b[*j]) {
                *j += 1;
            }
            from..*j
        };
        let spaces = |j: &mut usize| {
            while *j < b.len() && (b[*j] == b' ' || b[*j] == b'\t') {
                *j += 1;
            }
        };
        let kind = word(&mut j, |c| c.is_ascii_alphabetic() || c == b'_');
        if kind.is_empty() || b.get(j) != Some(&b':') {
            continue;
        }
        j += 1;
        spaces(&mut j);
        let id = word(&mut j, |c| {
            c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
        });
        spaces(&mut j);
        if id.is_empty() || b.get(j) != Some(&b'}') {
            continue;
        }
        out.push(Scanned {
            kind: &text[kind],
            id: &text[id],
            range: start..j + 1,
        });
        i = j + 1;
    }
    out
}

/// A placeholder found in the prose of a text block, as `check` reports it: its kind
/// and id as written, and its byte range in the text (the range of the text run that
/// holds it, where an escape or entity makes the two differ).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The kind as written.
    pub kind: String,
    /// The id as written.
    pub id: String,
    /// Byte range in the Markdown source text.
    pub range: Range<usize>,
}

/// A run of prose text, as the tree joins it, with where each piece of it came from.
pub struct TextRun {
    /// The run's text (escapes and entities resolved).
    pub text: String,
    /// Each piece: its offset in `text`, its byte range in the source, and whether the
    /// piece is the source itself (no escape or entity), so offsets inside it map exactly.
    pieces: Vec<(usize, Range<usize>, bool)>,
}

impl TextRun {
    fn piece(&self, p: usize) -> &(usize, Range<usize>, bool) {
        let k = self
            .pieces
            .partition_point(|(o, _, _)| *o <= p)
            .saturating_sub(1);
        &self.pieces[k]
    }

    /// The source offset of the character at `p` (a byte offset in [`TextRun::text`]);
    /// inside a piece that is not the source itself, the piece's start.
    pub fn source_start(&self, p: usize) -> usize {
        match self.piece(p) {
            (o, r, true) => (r.start + (p - o)).min(r.end),
            (_, r, false) => r.start,
        }
    }

    /// The source offset just after the text that ends at `p` (exclusive, `p > 0`).
    pub fn source_end(&self, p: usize) -> usize {
        match self.piece(p.saturating_sub(1)) {
            (o, r, true) => (r.start + (p - o)).min(r.end),
            (_, r, false) => r.end,
        }
    }
}

/// The runs of prose text in a Markdown text, as the tree joins them (adjacent text
/// events, raw HTML shown as text), without code spans and code blocks. For checks that
/// read the words a reader sees (placeholders, `avsnitt 4.6 Matlåda`), never code.
pub fn text_runs(text: &str) -> Vec<TextRun> {
    let mut runs = Vec::new();
    let mut run = TextRun {
        text: String::new(),
        pieces: Vec::new(),
    };
    let mut in_code = false;
    let flush = |run: &mut TextRun, runs: &mut Vec<TextRun>| {
        if !run.text.is_empty() {
            runs.push(std::mem::replace(
                run,
                TextRun {
                    text: String::new(),
                    pieces: Vec::new(),
                },
            ));
        }
    };
    for (e, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match e {
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut run, &mut runs);
                in_code = true;
            }
            Event::End(pulldown_cmark::TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) if !in_code => {
                let exact = text.get(range.clone()) == Some(t.as_ref());
                run.pieces.push((run.text.len(), range, exact));
                run.text.push_str(&t);
            }
            _ => flush(&mut run, &mut runs),
        }
    }
    flush(&mut run, &mut runs);
    runs
}

/// A text as it is published, for the checks that read what a reader reads: entities
/// and escapes resolved (`skr&#97;ddarsy` reads `skraddarsy`, `4 kap.&nbsp;1 §` has its
/// no-break space), emphasis and link markup gone so that the words join
/// (`skr*a*ddarsy`), characters that show as nothing left out (a soft hyphen or a
/// zero-width space inside a word: [`crate::words::is_default_ignorable`]), and every
/// block, line break and footnote reference a white-space character. Each byte of
/// [`Published::text`] maps back to the byte range of the source it came from.
#[derive(Debug, Clone, Default)]
pub struct Published {
    /// The text as a reader reads it. Code (spans and blocks) is included; see
    /// [`Published::in_code`].
    pub text: String,
    /// Each piece: its offset in `text`, its byte range in the source, and whether the
    /// piece is the source itself (so offsets inside it map exactly).
    pieces: Vec<(usize, Range<usize>, bool)>,
    /// Byte ranges of `text` that are code.
    code: Vec<Range<usize>>,
}

impl Published {
    /// A text that is published as it is written (a title, a heading, a name), less
    /// the characters that show as nothing.
    pub fn plain(text: &str) -> Published {
        let mut p = Published::default();
        p.push(text, text, 0..text.len());
        p
    }

    /// A Markdown text as the writers publish it (see [`Published`]).
    pub fn markdown(source: &str) -> Published {
        let mut p = Published::default();
        let mut in_code = false;
        for (e, range) in Parser::new_ext(source, options()).into_offset_iter() {
            match e {
                Event::Text(t) if in_code => {
                    let from = p.text.len();
                    p.push(source, &t, range);
                    p.code.push(from..p.text.len());
                }
                Event::Text(t)
                | Event::Html(t)
                | Event::InlineHtml(t)
                | Event::InlineMath(t)
                | Event::DisplayMath(t) => p.push(source, &t, range),
                Event::Code(c) => {
                    // The span's text sits inside its backticks, as written unless a
                    // line break inside it became a space.
                    let at = source
                        .get(range.clone())
                        .and_then(|s| s.find(c.as_ref()))
                        .map_or(range.clone(), |o| {
                            range.start + o..range.start + o + c.len()
                        });
                    let from = p.text.len();
                    p.push(source, &c, at);
                    p.code.push(from..p.text.len());
                }
                Event::SoftBreak | Event::HardBreak | Event::Rule => p.gap('\n', range),
                Event::FootnoteReference(_) => p.gap(' ', range),
                Event::Start(Tag::CodeBlock(_)) => {
                    in_code = true;
                    p.gap('\n', range.start..range.start);
                }
                Event::End(pulldown_cmark::TagEnd::CodeBlock) => {
                    in_code = false;
                    p.gap('\n', range.end..range.end);
                }
                // Inline markup does not part words: `skr*a*ddarsy` reads as one. (Task
                // list markers are not in the dialect.)
                Event::TaskListMarker(_)
                | Event::Start(
                    Tag::Emphasis
                    | Tag::Strong
                    | Tag::Strikethrough
                    | Tag::Link { .. }
                    | Tag::Image { .. },
                )
                | Event::End(
                    pulldown_cmark::TagEnd::Emphasis
                    | pulldown_cmark::TagEnd::Strong
                    | pulldown_cmark::TagEnd::Strikethrough
                    | pulldown_cmark::TagEnd::Link
                    | pulldown_cmark::TagEnd::Image,
                ) => {}
                // Paragraphs, headings, items, quotes, cells, footnotes: a new block.
                Event::Start(_) => p.gap('\n', range.start..range.start),
                Event::End(_) => p.gap('\n', range.end..range.end),
            }
        }
        p
    }

    /// Appends `t`, which the parser made of `source[range]`, less the characters that
    /// show as nothing.
    fn push(&mut self, source: &str, t: &str, range: Range<usize>) {
        if source.get(range.clone()) == Some(t) {
            // Exact: each visible run keeps its own place in the source.
            let mut run: Option<usize> = None;
            for (i, c) in t.char_indices().chain(std::iter::once((t.len(), ' '))) {
                let hidden = i < t.len() && crate::words::is_default_ignorable(c);
                match (run, hidden || i == t.len()) {
                    (None, false) => run = Some(i),
                    (Some(from), true) => {
                        self.pieces.push((
                            self.text.len(),
                            range.start + from..range.start + i,
                            true,
                        ));
                        self.text.push_str(&t[from..i]);
                        run = None;
                    }
                    _ => {}
                }
            }
        } else {
            // An entity or escape: the whole of it is the source of what it became.
            let shown: String = t
                .chars()
                .filter(|c| !crate::words::is_default_ignorable(*c))
                .collect();
            if !shown.is_empty() {
                self.pieces.push((self.text.len(), range, false));
                self.text.push_str(&shown);
            }
        }
    }

    /// Appends white space standing for markup (a block's edge, a line break).
    fn gap(&mut self, c: char, range: Range<usize>) {
        if self.text.is_empty() || self.text.ends_with(c) {
            return;
        }
        self.pieces.push((self.text.len(), range, false));
        self.text.push(c);
    }

    fn piece(&self, p: usize) -> Option<&(usize, Range<usize>, bool)> {
        let k = self.pieces.partition_point(|(o, _, _)| *o <= p);
        self.pieces.get(k.checked_sub(1)?)
    }

    /// The source offset of the character at byte `p` of [`Published::text`]; inside
    /// an entity or escape, where it starts.
    pub fn source_start(&self, p: usize) -> usize {
        match self.piece(p) {
            Some((o, r, true)) => (r.start + (p - o)).min(r.end),
            Some((_, r, false)) => r.start,
            None => 0,
        }
    }

    /// The source offset just after the text that ends at byte `p` (exclusive); after
    /// an entity or escape, where it ends.
    pub fn source_end(&self, p: usize) -> usize {
        match self.piece(p.saturating_sub(1)) {
            Some((o, r, true)) => (r.start + (p - o)).min(r.end),
            Some((_, r, false)) => r.end,
            None => 0,
        }
    }

    /// The byte range of the source that `range` of [`Published::text`] was made of.
    pub fn source_range(&self, range: Range<usize>) -> Range<usize> {
        let start = self.source_start(range.start);
        start..self.source_end(range.end).max(start)
    }

    /// Whether byte `p` of [`Published::text`] is code (a code span or block).
    pub fn in_code(&self, p: usize) -> bool {
        self.code.iter().any(|r| r.contains(&p))
    }
}

/// Every well-formed placeholder (`{kind: id}`, any kind, known or not) in the prose of
/// a Markdown text, with its byte range in the text; placeholders in code stay text and
/// are not listed.
pub fn placeholders(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    for run in text_runs(text) {
        for s in scan_placeholders(&run.text) {
            let start = run.source_start(s.range.start);
            out.push(Found {
                kind: s.kind.to_string(),
                id: s.id.to_string(),
                range: start..run.source_end(s.range.end).max(start),
            });
        }
    }
    out
}

/// Plain text escaped for Markdown, so that CommonMark (and this crate's tree, and so
/// the PDF) reads back exactly `input`: for the decision draft's template (every
/// string it inserts with `{{ }}`: a case officer's motivation, a name, a case label)
/// and the diff's pull-request comment. The one escaping function for Markdown.
///
/// - every character that can start inline markup or an entity gets a backslash
///   (`\` `` ` `` `*` `_` `[` `]` `<` `>` `#` `|` `~` `!` `{` `}` `&`), so `&amp;`
///   prints as written, not as `&`;
/// - at the start, where a template may place the text at the start of a line or of a
///   list item, what would start a block gets one too: `- `, `+ `, the `.` or `)` of
///   `1. ` and `2) ` (a list), and `--`, `==` (a rule or a heading's underline);
/// - white space at the start and the end is written as a character reference
///   (`&#32;`), so that it neither makes an indented code block or a line break nor
///   parts the text from emphasis around it;
/// - every line break (any control character, U+2028, U+2029) becomes a space, since
///   a break could start new structure (a heading, a list item).
///
/// A placeholder written in the text (`{section: x}`) is read back as written, never
/// resolved: a draft resolves nothing of what a case says.
pub fn escape(input: &str) -> String {
    let chars: Vec<char> = input
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let lead = chars.iter().take_while(|c| c.is_whitespace()).count();
    let trail = chars[lead..]
        .iter()
        .rev()
        .take_while(|c| c.is_whitespace())
        .count();
    let digits = chars[lead..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let mut s = String::with_capacity(input.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if i < lead || i >= chars.len() - trail {
            // White space at either end (`&#32;`, `&#160;`): a character reference is
            // never white space to CommonMark's block structure or emphasis.
            s.push_str(&format!("&#{};", u32::from(c)));
            continue;
        }
        let markup = matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '#'
                | '|'
                | '~'
                | '!'
                | '{'
                | '}'
                | '&'
        );
        // What starts a block only when white space (or the end) follows: `- `, `+ `,
        // `1. `, `2) `; and the rules and underlines `---`, `===`.
        let next = chars.get(i + 1).copied();
        let spaced = next.is_none_or(char::is_whitespace);
        let block_start = (i == lead
            && match c {
                '+' => spaced,
                '-' | '=' => spaced || next == Some(c),
                _ => false,
            })
            || (digits > 0 && i == lead + digits && matches!(c, '.' | ')') && spaced);
        if markup || block_start {
            s.push('\\');
        }
        s.push(c);
    }
    s
}

/// Links to `#id` in a text, with the byte range of each link.
pub fn internal_links(text: &str) -> Vec<(String, Range<usize>)> {
    Parser::new_ext(text, options())
        .into_offset_iter()
        .filter_map(|(e, range)| match e {
            Event::Start(Tag::Link { dest_url, .. }) => {
                dest_url.strip_prefix('#').map(|id| (id.to_string(), range))
            }
            _ => None,
        })
        .collect()
}

/// A problem with a text's footnotes, as `check` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FootnoteProblem {
    /// `[^label]` with no `[^label]: …` in the same text (it prints as written).
    Undefined(String),
    /// A second `[^label]: …`; only the first is used.
    Duplicate(String),
    /// `[^label]: …` that nothing refers to (it is not printed).
    Unused(String),
    /// A footnote first referred to inside footnotes nested deeper than
    /// [`MAX_FOOTNOTE_DEPTH`] (its depth).
    TooDeep(String, usize),
}

/// The footnote problems of one text, with the byte range of each.
pub fn footnote_problems(text: &str) -> Vec<(FootnoteProblem, Range<usize>)> {
    let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(text, options())
        .into_offset_iter()
        .collect();
    let mut refs: Vec<String> = Vec::new();
    let mut defs: Vec<(String, Range<usize>)> = Vec::new();
    let mut out = Vec::new();
    for (k, (e, range)) in events.iter().enumerate() {
        match e {
            Event::FootnoteReference(l) => refs.push(l.to_string()),
            Event::Start(Tag::FootnoteDefinition(l)) => {
                if defs.iter().any(|(d, _)| same_label(d, l)) {
                    out.push((FootnoteProblem::Duplicate(l.to_string()), range.clone()));
                }
                defs.push((l.to_string(), range.clone()));
            }
            // An undefined reference arrives as the texts `[`, `^label`, `]`.
            Event::Text(t) if t.as_ref() == "[" => {
                if let (Some((Event::Text(l), _)), Some((Event::Text(close), end))) =
                    (events.get(k + 1), events.get(k + 2))
                {
                    if let Some(label) = l.strip_prefix('^').filter(|_| close.as_ref() == "]") {
                        out.push((
                            FootnoteProblem::Undefined(label.to_string()),
                            range.start..end.end,
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    for (label, range) in &defs {
        if !refs.iter().any(|r| same_label(r, label))
            && !out
                .iter()
                .any(|(p, r)| matches!(p, FootnoteProblem::Duplicate(_)) && r == range)
        {
            out.push((FootnoteProblem::Unused(label.clone()), range.clone()));
        }
    }
    // Nesting is measured as the writers number and place footnotes.
    let mut notes = Footnotes::default();
    blocks(text, &mut notes);
    for (label, &depth) in notes.labels.iter().zip(&notes.depth) {
        if depth > MAX_FOOTNOTE_DEPTH {
            if let Some((_, range)) = defs.iter().find(|(l, _)| same_label(l, label)) {
                out.push((
                    FootnoteProblem::TooDeep(label.clone(), depth),
                    range.clone(),
                ));
            }
        }
    }
    out
}

/// Whether two footnote labels name the same footnote: case-insensitively, as
/// pulldown-cmark matches them.
fn same_label(a: &str, b: &str) -> bool {
    UniCase::new(a) == UniCase::new(b)
}

/// A block of prose.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph.
    Para(Vec<Inline>),
    /// A list; `Some(n)` for a numbered list starting at `n`.
    List(Option<u64>, Vec<Vec<Block>>),
    /// A block quote.
    Quote(Vec<Block>),
    /// Preformatted text.
    Code(String),
    /// A heading inside prose, with its level (in policy prose, where sections carry
    /// the real headings, it is shown as a strong paragraph).
    Heading(u8, Vec<Inline>),
    /// A thematic break.
    Rule,
    /// A GitHub-style table.
    Table(Table),
}

/// A table: a header row and body rows, every row with one cell per column (a short
/// row is padded with empty cells when parsed).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Each column's alignment (`:---`, `:---:`, `---:`); its length is the column count.
    pub align: Vec<Align>,
    /// The header row's cells (inline Markdown; a cell may be empty).
    pub head: Vec<Vec<Inline>>,
    /// The body rows.
    pub rows: Vec<Vec<Vec<Inline>>>,
}

/// How a table column is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Not stated (`---`): the writer's default, left.
    None,
    /// `:---`.
    Left,
    /// `:---:`.
    Center,
    /// `---:`.
    Right,
}

impl Align {
    fn of(a: Alignment) -> Align {
        match a {
            Alignment::None => Align::None,
            Alignment::Left => Align::Left,
            Alignment::Center => Align::Center,
            Alignment::Right => Align::Right,
        }
    }
}

/// A placeholder `{kind: id}` of a known kind, found in a text run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// What it names.
    pub kind: PlaceholderKind,
    /// The id as written.
    pub id: String,
    /// The whole placeholder exactly as the text writes it, braces and spaces included.
    pub written: String,
}

impl Placeholder {
    /// The placeholder exactly as written, `{section: matlada}` or `{section:matlada}`
    /// (what a writer prints when nothing resolved it: a draft quotes a case's words
    /// unchanged).
    pub fn source(&self) -> String {
        self.written.clone()
    }
}

/// Inline prose.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    /// Plain text (including what was raw HTML or an image).
    Text(String),
    /// *Emphasis*.
    Emph(Vec<Inline>),
    /// **Strong**.
    Strong(Vec<Inline>),
    /// ~~Struck out~~.
    Strike(Vec<Inline>),
    /// Words a diff marks as added (never made by parsing; see `diff`).
    Ins(Vec<Inline>),
    /// Words a diff marks as removed (never made by parsing; see `diff`).
    Del(Vec<Inline>),
    /// Words of another language, with its code (`en`; two or three lowercase letters,
    /// `model::Foreign::is_lang`): the glossary's `foreign:` words, marked where the
    /// prose uses them (never made by parsing; see `render::body`).
    Lang(String, Vec<Inline>),
    /// `code`.
    Code(String),
    /// A link that survived the filter.
    Link(Target, Vec<Inline>),
    /// A reference to footnote number `n` (1-based, numbered across the document).
    Footnote(usize),
    /// A line break in the source within a paragraph (a space when shown).
    SoftBreak,
    /// A forced line break.
    HardBreak,
    /// A placeholder `{kind: id}`, until `render` resolves it (written as it reads in
    /// the source where nothing does).
    Placeholder(Placeholder),
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A section or criterion of the same document.
    Internal(String),
    /// A web or mail address.
    External(String),
}

/// Footnotes of a whole document, numbered in the order they are referenced.
#[derive(Debug, Default, Clone)]
pub struct Footnotes {
    /// Footnote `n` is `items[n - 1]`.
    pub items: Vec<Vec<Block>>,
    /// Footnote `n`'s label, as its definition writes it.
    pub labels: Vec<String>,
    /// How deep footnote `n` sits: 1 when prose refers to it, 2 when it is first
    /// referred to inside a footnote of depth 1, and so on.
    pub depth: Vec<usize>,
}

/// Deepest footnote inside footnotes that is published; `check` refuses deeper ones.
pub const MAX_FOOTNOTE_DEPTH: usize = 4;

/// Parses a text of block Markdown. Footnote definitions join `notes`.
pub fn blocks(text: &str, notes: &mut Footnotes) -> Vec<Block> {
    let mut w = Walker::default();
    for event in Parser::new_ext(text, options()) {
        w.event(event);
    }
    w.finish(notes)
}

/// Parses one paragraph's worth of inline Markdown (a criterion, a passage).
pub fn inline(text: &str, notes: &mut Footnotes) -> Vec<Inline> {
    let mut out = Vec::new();
    for b in blocks(text, notes) {
        if !out.is_empty() {
            out.push(Inline::SoftBreak);
        }
        match b {
            Block::Para(i) | Block::Heading(_, i) => out.extend(i),
            Block::Code(c) => out.push(Inline::Code(c)),
            other => out.extend(plain_of(&other)),
        }
    }
    out
}

/// Inline Markdown as plain text, for terminals: `*Insteg*` → `Insteg`, links to their
/// text, footnote references left out.
pub fn plain(text: &str) -> String {
    let mut out = String::new();
    collect_inline_plain(&inline(text, &mut Footnotes::default()), &mut out);
    out
}

/// [`plain`] with each placeholder replaced by what it stands for in version `v`
/// (`{param: maxavgift_andel}` → `0,5392`, `{section: matlada}` → `4.5 Matlåda`); a
/// placeholder that names nothing stays as written. For explanations, drafts and the
/// terminal, which print a guideline's sentence as text.
pub fn plain_in(policy: &crate::model::Policy, v: &crate::model::Version, text: &str) -> String {
    fn walk(
        policy: &crate::model::Policy,
        v: &crate::model::Version,
        inlines: &[Inline],
        out: &mut String,
    ) {
        for i in inlines {
            match i {
                Inline::Placeholder(p) => match policy.placeholder(v, p.kind, &p.id) {
                    Some(r) => out.push_str(&r.text),
                    None => out.push_str(&p.source()),
                },
                Inline::Emph(c)
                | Inline::Strong(c)
                | Inline::Strike(c)
                | Inline::Ins(c)
                | Inline::Del(c)
                | Inline::Lang(_, c)
                | Inline::Link(_, c) => walk(policy, v, c, out),
                other => collect_inline_plain(std::slice::from_ref(other), out),
            }
        }
    }
    let mut out = String::new();
    walk(
        policy,
        v,
        &inline(text, &mut Footnotes::default()),
        &mut out,
    );
    out
}

/// `text` as Markdown source with each placeholder replaced by what it stands for in
/// version `v`, its characters backslash-escaped where CommonMark would read them as
/// markup; a placeholder that names nothing stays as written. For Markdown that quotes a
/// guideline's sentence (the decision draft), so the sentence reads as published.
pub fn resolve_source(
    policy: &crate::model::Policy,
    v: &crate::model::Version,
    text: &str,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for f in placeholders(text) {
        let Some(kind) = crate::model::PlaceholderKind::from_name(&f.kind) else {
            continue;
        };
        let Some(r) = policy.placeholder(v, kind, &f.id) else {
            continue;
        };
        out.push_str(&text[at..f.range.start]);
        for c in r.text.chars() {
            if c.is_ascii_punctuation() {
                out.push('\\');
            }
            out.push(c);
        }
        at = f.range.end;
    }
    out.push_str(&text[at..]);
    out
}

fn plain_of(b: &Block) -> Vec<Inline> {
    let mut s = String::new();
    collect_plain(std::slice::from_ref(b), &mut s);
    vec![Inline::Text(s)]
}

fn collect_plain(blocks: &[Block], out: &mut String) {
    for b in blocks {
        match b {
            Block::Para(i) | Block::Heading(_, i) => collect_inline_plain(i, out),
            Block::List(_, items) => items.iter().for_each(|i| collect_plain(i, out)),
            Block::Quote(b) => collect_plain(b, out),
            Block::Code(c) => out.push_str(c),
            Block::Rule => {}
            Block::Table(t) => {
                for row in std::iter::once(&t.head).chain(&t.rows) {
                    for cell in row {
                        collect_inline_plain(cell, out);
                        out.push(' ');
                    }
                }
            }
        }
        out.push(' ');
    }
}

/// The plain text of inline content (for search, titles, comparisons).
pub fn collect_inline_plain(inlines: &[Inline], out: &mut String) {
    for i in inlines {
        match i {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Emph(c)
            | Inline::Strong(c)
            | Inline::Strike(c)
            | Inline::Ins(c)
            | Inline::Del(c)
            | Inline::Lang(_, c)
            | Inline::Link(_, c) => {
                collect_inline_plain(c, out);
            }
            Inline::SoftBreak | Inline::HardBreak => out.push(' '),
            Inline::Footnote(_) => {}
            Inline::Placeholder(p) => out.push_str(&p.source()),
        }
    }
}

/// A container being filled while walking events.
enum Open {
    Root(Vec<Block>),
    Para(Vec<Inline>),
    Heading(u8, Vec<Inline>),
    Quote(Vec<Block>),
    List(Option<u64>, Vec<Vec<Block>>),
    Item(Vec<Block>, Vec<Inline>),
    Emph(Vec<Inline>),
    Strong(Vec<Inline>),
    Strike(Vec<Inline>),
    Link(Option<Target>, Vec<Inline>),
    Image(Vec<Inline>),
    Code(String),
    /// A footnote definition: its index in `Walker::defs`.
    FootnoteDef(usize, Vec<Block>),
    /// A table: alignments, header cells, body rows.
    Table(Vec<Align>, Vec<Vec<Inline>>, Vec<Vec<Vec<Inline>>>),
    /// A table's header row, or a body row: its cells.
    Row(Vec<Vec<Inline>>),
    /// A table cell.
    Cell(Vec<Inline>),
    /// A container nested deeper than [`MAX_NESTING`]: its content joins the one around it.
    Flat,
}

/// Deepest nesting of quotes, lists, emphasis and links kept as structure; deeper
/// content is flattened into its surroundings, so no writer recurses without bound.
pub const MAX_NESTING: usize = 24;

#[derive(Default)]
struct Walker {
    stack: Vec<Open>,
    /// Nesting containers on the stack that are not `Flat`.
    depth: usize,
    /// Positions in `stack` of the entries that are not `Flat`, innermost last.
    real: Vec<usize>,
    /// Footnote definitions (label, content) in the order met.
    defs: Vec<(String, Vec<Block>)>,
    /// Footnote references in the order met: label, and the definition it is inside.
    refs: Vec<(String, Option<usize>)>,
}

impl Walker {
    fn event(&mut self, event: Event<'_>) {
        if self.stack.is_empty() {
            self.push(Open::Root(Vec::new()));
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(_) => self.end(),
            Event::Text(t) => self.text(&t),
            Event::Code(c) => self.inline(Inline::Code(c.into_string())),
            // Raw HTML is shown, never passed through.
            Event::Html(h) | Event::InlineHtml(h) => self.text(&h),
            Event::InlineMath(m) | Event::DisplayMath(m) => self.text(&m),
            Event::FootnoteReference(label) => {
                // Numbered in `finish`; until then the number is the index into `refs`.
                let inside = self.real.iter().rev().find_map(|&i| match self.stack[i] {
                    Open::FootnoteDef(def, _) => Some(def),
                    _ => None,
                });
                self.refs.push((label.into_string(), inside));
                self.inline(Inline::Footnote(self.refs.len() - 1));
            }
            Event::SoftBreak => self.inline(Inline::SoftBreak),
            Event::HardBreak => self.inline(Inline::HardBreak),
            Event::Rule => self.block(Block::Rule),
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        let open = match tag {
            Tag::Heading { level, .. } => Open::Heading(level as u8, Vec::new()),
            Tag::BlockQuote(_) => Open::Quote(Vec::new()),
            Tag::CodeBlock(_) => Open::Code(String::new()),
            Tag::List(start) => Open::List(start, Vec::new()),
            Tag::Item => Open::Item(Vec::new(), Vec::new()),
            Tag::Emphasis => Open::Emph(Vec::new()),
            Tag::Strong => Open::Strong(Vec::new()),
            Tag::Strikethrough => Open::Strike(Vec::new()),
            Tag::Link { dest_url, .. } => Open::Link(target(&dest_url), Vec::new()),
            Tag::Image { .. } => Open::Image(Vec::new()),
            Tag::FootnoteDefinition(label) => {
                self.defs.push((label.into_string(), Vec::new()));
                Open::FootnoteDef(self.defs.len() - 1, Vec::new())
            }
            Tag::Table(align) => Open::Table(
                align.into_iter().map(Align::of).collect(),
                Vec::new(),
                Vec::new(),
            ),
            Tag::TableHead | Tag::TableRow => Open::Row(Vec::new()),
            Tag::TableCell => Open::Cell(Vec::new()),
            // A paragraph, or a construct not enabled in `options`: keep its text.
            _ => Open::Para(Vec::new()),
        };
        // An item is one level with its list: it is flattened only together with it (a
        // kept list always holds kept items, and a flattened list's items join what is
        // around it).
        let nests = nests(&open);
        if nests && self.depth >= MAX_NESTING {
            self.stack.push(Open::Flat);
            return;
        }
        if nests {
            self.depth += 1;
        }
        self.push(open);
    }

    fn end(&mut self) {
        let Some(open) = self.stack.pop() else { return };
        if !matches!(open, Open::Flat) {
            self.real.pop();
        }
        if !matches!(open, Open::Flat | Open::Root(_)) && nests(&open) {
            self.depth -= 1;
        }
        match open {
            Open::Flat => {}
            Open::Para(i) => self.block(Block::Para(i)),
            Open::Heading(l, i) => self.block(Block::Heading(l, i)),
            Open::Quote(b) => self.block(Block::Quote(b)),
            Open::Code(c) => self.block(Block::Code(c)),
            Open::List(start, items) => self.block(Block::List(start, items)),
            Open::Item(mut blocks, pending) => {
                if !pending.is_empty() {
                    blocks.push(Block::Para(pending));
                }
                match self.top() {
                    Some(Open::List(_, items)) => items.push(blocks),
                    // An item whose list was flattened: its blocks join what is around it.
                    _ => blocks.into_iter().for_each(|b| self.block(b)),
                }
            }
            Open::Emph(i) => self.inline(Inline::Emph(i)),
            Open::Strong(i) => self.inline(Inline::Strong(i)),
            Open::Strike(i) => self.inline(Inline::Strike(i)),
            Open::Link(Some(t), i) => self.inline(Inline::Link(t, i)),
            Open::Link(None, i) | Open::Image(i) => {
                for x in i {
                    self.inline(x);
                }
            }
            Open::FootnoteDef(def, blocks) => self.defs[def].1 = blocks,
            Open::Cell(i) => match self.top() {
                Some(Open::Row(cells)) => cells.push(i),
                _ => i.into_iter().for_each(|x| self.inline(x)),
            },
            Open::Row(cells) => match self.top() {
                // The first row of a table is its header.
                Some(Open::Table(_, head, rows)) => {
                    if head.is_empty() {
                        *head = cells;
                    } else {
                        rows.push(cells);
                    }
                }
                _ => cells.into_iter().flatten().for_each(|x| self.inline(x)),
            },
            Open::Table(align, mut head, mut rows) => {
                // One cell per column in every row; a header row with no cell still
                // has its columns.
                let n = align.len().max(head.len());
                head.resize(n, Vec::new());
                for r in &mut rows {
                    if r.len() > n {
                        // Not made by pulldown-cmark; kept as text of the last cell.
                        let extra: Vec<Inline> = r.drain(n..).flatten().collect();
                        if let Some(last) = r.last_mut() {
                            last.push(Inline::Text(" ".into()));
                            last.extend(extra);
                        }
                    }
                    r.resize(n, Vec::new());
                }
                let mut align = align;
                align.resize(n, Align::None);
                self.block(Block::Table(Table { align, head, rows }));
            }
            Open::Root(b) => self.push(Open::Root(b)),
        }
    }

    /// The innermost container that is not flattened.
    fn top(&mut self) -> Option<&mut Open> {
        let i = *self.real.last()?;
        Some(&mut self.stack[i])
    }

    /// Pushes a container that is not `Flat`.
    fn push(&mut self, open: Open) {
        self.real.push(self.stack.len());
        self.stack.push(open);
    }

    fn text(&mut self, t: &str) {
        if let Some(Open::Code(c)) = self.top() {
            c.push_str(t);
            return;
        }
        if let Some(Inline::Text(prev)) = self.current_inlines().and_then(|v| v.last_mut()) {
            prev.push_str(t);
            return;
        }
        self.inline(Inline::Text(t.to_string()));
    }

    /// The inline list being filled, opening an implicit paragraph where blocks are expected.
    fn current_inlines(&mut self) -> Option<&mut Vec<Inline>> {
        match self.top()? {
            Open::Para(i)
            | Open::Heading(_, i)
            | Open::Emph(i)
            | Open::Strong(i)
            | Open::Strike(i)
            | Open::Link(_, i)
            | Open::Image(i)
            | Open::Cell(i)
            | Open::Item(_, i) => Some(i),
            _ => None,
        }
    }

    fn inline(&mut self, i: Inline) {
        if let Some(v) = self.current_inlines() {
            v.push(i);
            return;
        }
        // Inline content directly in a block container (raw HTML at top level): wrap it.
        self.block(Block::Para(vec![i]));
    }

    fn block(&mut self, b: Block) {
        match self.top() {
            Some(Open::Root(v) | Open::Quote(v) | Open::FootnoteDef(_, v)) => v.push(b),
            Some(Open::Item(v, pending)) => {
                if !pending.is_empty() {
                    v.push(Block::Para(std::mem::take(pending)));
                }
                v.push(b);
            }
            // A block directly in a list is an item of its own.
            Some(Open::List(_, items)) => items.push(vec![b]),
            Some(_) => {
                // A block inside inline content or code cannot happen in CommonMark; keep
                // its text (appended here, never through `text`, which may come back).
                let mut s = String::new();
                collect_plain(std::slice::from_ref(&b), &mut s);
                let s = s.trim_end().to_owned();
                if let Some(Open::Code(c)) = self.top() {
                    c.push_str(&s);
                } else if let Some(v) = self.current_inlines() {
                    v.push(Inline::Text(s));
                }
            }
            None => {
                self.stack.clear();
                self.real.clear();
                self.push(Open::Root(vec![b]));
            }
        }
    }

    fn finish(mut self, notes: &mut Footnotes) -> Vec<Block> {
        while self.stack.len() > 1 {
            self.end();
        }
        let Some(Open::Root(mut blocks)) = self.stack.pop() else {
            return Vec::new();
        };
        // Number footnotes in the order they are first referenced, depth first: the
        // footnotes a footnote refers to come right after it, as Typst numbers a
        // footnote inside a footnote. A label names its first definition.
        let mut by_label: HashMap<UniCase<&str>, usize> = HashMap::new();
        for (d, (label, _)) in self.defs.iter().enumerate() {
            by_label.entry(UniCase::new(label.as_str())).or_insert(d);
        }
        let def_of: Vec<Option<usize>> = self
            .refs
            .iter()
            .map(|(label, _)| by_label.get(&UniCase::new(label.as_str())).copied())
            .collect();
        // The references inside each definition, and those outside any.
        let mut inside: Vec<Vec<usize>> = vec![Vec::new(); self.defs.len()];
        let mut outside = Vec::new();
        for (k, (_, within)) in self.refs.iter().enumerate() {
            match within {
                Some(d) => inside[*d].push(k),
                None => outside.push(k),
            }
        }
        let first = notes.items.len();
        let mut number: Vec<Option<usize>> = vec![None; self.defs.len()];
        // Definitions being walked, each with the position of its next reference.
        let mut walking: Vec<(usize, usize)> = Vec::new();
        let mut body = outside.into_iter();
        loop {
            let k = if let Some((d, next)) = walking.last_mut() {
                let Some(&k) = inside[*d].get(*next) else {
                    walking.pop();
                    continue;
                };
                *next += 1;
                k
            } else {
                match body.next() {
                    Some(k) => k,
                    None => break,
                }
            };
            if let Some(d) = def_of[k].filter(|&d| number[d].is_none()) {
                notes.depth.push(walking.len() + 1);
                notes.labels.push(self.defs[d].0.clone());
                notes.items.push(self.defs[d].1.clone());
                number[d] = Some(notes.items.len());
                walking.push((d, 0));
            }
        }
        let resolved: Vec<Result<usize, String>> = self
            .refs
            .iter()
            .zip(&def_of)
            .map(|((label, _), d)| d.and_then(|d| number[d]).ok_or_else(|| label.clone()))
            .collect();
        resolve_blocks(&mut blocks, &resolved);
        visit_inlines(&mut blocks, &mut split_placeholders);
        for n in &mut notes.items[first..] {
            resolve_blocks(n, &resolved);
            visit_inlines(n, &mut split_placeholders);
        }
        blocks
    }
}

/// Whether a container counts towards [`MAX_NESTING`]: quotes, lists, emphasis, links,
/// footnote definitions. A paragraph, heading, code block, list item (one level with
/// its list) and the parts of a table (whose cells hold inline content only) do not.
fn nests(open: &Open) -> bool {
    !matches!(
        open,
        Open::Para(_)
            | Open::Heading(..)
            | Open::Code(_)
            | Open::Item(..)
            | Open::Table(..)
            | Open::Row(_)
            | Open::Cell(_)
    )
}

/// Every list of inline content in `blocks`, nested ones (inside emphasis, links …)
/// before the list that holds them.
pub fn visit_inlines(blocks: &mut [Block], f: &mut dyn FnMut(&mut Vec<Inline>)) {
    fn inl(is: &mut Vec<Inline>, f: &mut dyn FnMut(&mut Vec<Inline>)) {
        for i in is.iter_mut() {
            if let Inline::Emph(c)
            | Inline::Strong(c)
            | Inline::Strike(c)
            | Inline::Ins(c)
            | Inline::Del(c)
            | Inline::Lang(_, c)
            | Inline::Link(_, c) = i
            {
                inl(c, f);
            }
        }
        f(is);
    }
    for b in blocks {
        match b {
            Block::Para(i) | Block::Heading(_, i) => inl(i, f),
            Block::List(_, items) => items.iter_mut().for_each(|i| visit_inlines(i, f)),
            Block::Quote(b) => visit_inlines(b, f),
            Block::Table(t) => t
                .head
                .iter_mut()
                .chain(t.rows.iter_mut().flatten())
                .for_each(|c| inl(c, f)),
            Block::Code(_) | Block::Rule => {}
        }
    }
}

/// Replaces each [`Inline::Placeholder`] in `blocks` with what `f` gives for it (left as
/// it is where `f` gives `None`); `f` is told whether the placeholder is inside a link,
/// where what replaces it must not be a link again.
pub fn replace_placeholders(
    blocks: &mut [Block],
    f: &mut dyn FnMut(&Placeholder, bool) -> Option<Vec<Inline>>,
) {
    fn inl(
        is: &mut Vec<Inline>,
        in_link: bool,
        f: &mut dyn FnMut(&Placeholder, bool) -> Option<Vec<Inline>>,
    ) {
        let mut out = Vec::with_capacity(is.len());
        for mut i in is.drain(..) {
            match &mut i {
                Inline::Placeholder(p) => {
                    if let Some(with) = f(p, in_link) {
                        out.extend(with);
                        continue;
                    }
                }
                Inline::Link(_, c) => inl(c, true, f),
                Inline::Emph(c)
                | Inline::Strong(c)
                | Inline::Strike(c)
                | Inline::Ins(c)
                | Inline::Del(c)
                | Inline::Lang(_, c) => inl(c, in_link, f),
                _ => {}
            }
            out.push(i);
        }
        *is = out;
    }
    for b in blocks {
        match b {
            Block::Para(i) | Block::Heading(_, i) => inl(i, false, f),
            Block::List(_, items) => items.iter_mut().for_each(|i| replace_placeholders(i, f)),
            Block::Quote(b) => replace_placeholders(b, f),
            Block::Table(t) => t
                .head
                .iter_mut()
                .chain(t.rows.iter_mut().flatten())
                .for_each(|c| inl(c, false, f)),
            Block::Code(_) | Block::Rule => {}
        }
    }
}

/// Joins adjacent text and makes each placeholder of a known kind an
/// [`Inline::Placeholder`]; one of an unknown kind stays text (`check` reports it).
fn split_placeholders(is: &mut Vec<Inline>) {
    let mut out: Vec<Inline> = Vec::with_capacity(is.len());
    for i in is.drain(..) {
        match (out.last_mut(), i) {
            (Some(Inline::Text(prev)), Inline::Text(t)) => prev.push_str(&t),
            (_, i) => out.push(i),
        }
    }
    for i in out {
        let Inline::Text(t) = &i else {
            is.push(i);
            continue;
        };
        let mut at = 0;
        for s in scan_placeholders(t) {
            let Some(kind) = PlaceholderKind::from_name(s.kind) else {
                continue;
            };
            if s.range.start > at {
                is.push(Inline::Text(t[at..s.range.start].to_string()));
            }
            is.push(Inline::Placeholder(Placeholder {
                kind,
                id: s.id.to_string(),
                written: t[s.range.clone()].to_string(),
            }));
            at = s.range.end;
        }
        if at == 0 {
            is.push(i);
        } else if at < t.len() {
            is.push(Inline::Text(t[at..].to_string()));
        }
    }
}

fn target(dest: &str) -> Option<Target> {
    if let Some(id) = dest.strip_prefix('#') {
        // Only a well-formed id can be a link target: ids are what anchors and Typst
        // labels are made of, and anything else would reach a writer unescaped.
        return crate::model::is_slug(id, true).then(|| Target::Internal(id.to_string()));
    }
    let lower = dest.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
    {
        return Some(Target::External(dest.to_string()));
    }
    None
}

/// Turns internal links into their text (for a stand-alone document, such as a
/// decision draft, in which the guideline's sections do not exist).
pub fn unlink_internal(blocks: &mut [Block]) {
    fn inl(is: &mut Vec<Inline>) {
        let mut out = Vec::with_capacity(is.len());
        for i in is.drain(..) {
            match i {
                Inline::Link(Target::Internal(_), mut c) => {
                    inl(&mut c);
                    out.extend(c);
                }
                Inline::Emph(mut c) => {
                    inl(&mut c);
                    out.push(Inline::Emph(c));
                }
                Inline::Strong(mut c) => {
                    inl(&mut c);
                    out.push(Inline::Strong(c));
                }
                Inline::Strike(mut c) => {
                    inl(&mut c);
                    out.push(Inline::Strike(c));
                }
                Inline::Ins(mut c) => {
                    inl(&mut c);
                    out.push(Inline::Ins(c));
                }
                Inline::Del(mut c) => {
                    inl(&mut c);
                    out.push(Inline::Del(c));
                }
                Inline::Lang(l, mut c) => {
                    inl(&mut c);
                    out.push(Inline::Lang(l, c));
                }
                Inline::Link(t, mut c) => {
                    inl(&mut c);
                    out.push(Inline::Link(t, c));
                }
                other => out.push(other),
            }
        }
        *is = out;
    }
    for b in blocks {
        match b {
            Block::Para(i) | Block::Heading(_, i) => inl(i),
            Block::List(_, items) => items.iter_mut().for_each(|i| unlink_internal(i)),
            Block::Quote(b) => unlink_internal(b),
            Block::Table(t) => t
                .head
                .iter_mut()
                .chain(t.rows.iter_mut().flatten())
                .for_each(inl),
            Block::Code(_) | Block::Rule => {}
        }
    }
}

/// Replaces each reference's local index by its document-wide number (or its label
/// as text, when the footnote is never defined).
fn resolve_blocks(blocks: &mut [Block], resolved: &[Result<usize, String>]) {
    for b in blocks {
        match b {
            Block::Para(i) | Block::Heading(_, i) => resolve_inlines(i, resolved),
            Block::List(_, items) => items.iter_mut().for_each(|i| resolve_blocks(i, resolved)),
            Block::Quote(b) => resolve_blocks(b, resolved),
            Block::Table(t) => t
                .head
                .iter_mut()
                .chain(t.rows.iter_mut().flatten())
                .for_each(|c| resolve_inlines(c, resolved)),
            Block::Code(_) | Block::Rule => {}
        }
    }
}

fn resolve_inlines(inlines: &mut [Inline], resolved: &[Result<usize, String>]) {
    for i in inlines.iter_mut() {
        match i {
            Inline::Footnote(local) => {
                *i = match &resolved[*local] {
                    Ok(n) => Inline::Footnote(*n),
                    Err(label) => Inline::Text(format!("[^{label}]")),
                };
            }
            Inline::Emph(c)
            | Inline::Strong(c)
            | Inline::Strike(c)
            | Inline::Ins(c)
            | Inline::Del(c)
            | Inline::Lang(_, c)
            | Inline::Link(_, c) => {
                resolve_inlines(c, resolved);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> (Vec<Block>, Footnotes) {
        let mut n = Footnotes::default();
        let b = blocks(s, &mut n);
        (b, n)
    }

    #[test]
    fn raw_html_and_images_stay_text() {
        let (b, _) = parse("a <script>x</script> ![alt](/etc/passwd) [j](javascript:alert(1))");
        let mut s = String::new();
        collect_plain(&b, &mut s);
        assert_eq!(s.trim(), "a <script>x</script> alt j");
        assert!(!format!("{b:?}").contains("Link"));
    }

    #[test]
    fn footnotes_are_numbered_across_texts() {
        let mut n = Footnotes::default();
        let a = blocks("Ett[^1].\n\n[^1]: Första.", &mut n);
        let b = blocks("Två[^x] och igen[^x].\n\n[^x]: Andra.", &mut n);
        assert_eq!(n.items.len(), 2);
        assert_eq!(
            a,
            vec![Block::Para(vec![
                Inline::Text("Ett".into()),
                Inline::Footnote(1),
                Inline::Text(".".into())
            ])]
        );
        assert!(
            matches!(&b[0], Block::Para(i) if i.iter().filter(|x| **x == Inline::Footnote(2)).count() == 2)
        );
    }

    /// A footnote referred to inside a footnote is numbered right after it (as Typst
    /// numbers a footnote in a footnote), and labels match regardless of case.
    #[test]
    fn footnotes_in_footnotes_are_numbered_depth_first() {
        let (b, n) = parse("A[^a] B[^C].\n\n[^a]: Se[^b] och[^a].\n\n[^b]: Djup.\n\n[^c]: Tredje.");
        let Block::Para(i) = &b[0] else { panic!() };
        let refs: Vec<&Inline> = i
            .iter()
            .filter(|x| matches!(x, Inline::Footnote(_)))
            .collect();
        assert_eq!(refs, [&Inline::Footnote(1), &Inline::Footnote(3)]);
        assert_eq!(n.labels, ["a", "b", "c"]);
        assert_eq!(n.depth, [1, 2, 1]);
        let mut s = String::new();
        collect_plain(&n.items[1], &mut s);
        assert_eq!(s.trim(), "Djup.");
        assert!(footnote_problems("A[^a] B[^C].\n\n[^a]: x\n\n[^c]: y").is_empty());
    }

    #[test]
    fn internal_and_external_links() {
        let (b, _) = parse("[a](#sek) [b](https://x.se) [c](relativ.html)");
        let Block::Para(i) = &b[0] else { panic!() };
        assert!(matches!(&i[0], Inline::Link(Target::Internal(id), _) if id == "sek"));
        assert!(matches!(&i[2], Inline::Link(Target::External(u), _) if u == "https://x.se"));
        // The filtered link's text joins the text before it.
        assert_eq!(i[3], Inline::Text(" c".into()));
    }

    /// Nesting of quotes, lists and inline containers (emphasis, links …).
    fn depth(bs: &[Block]) -> usize {
        bs.iter()
            .map(|b| match b {
                Block::Quote(b) => 1 + depth(b),
                Block::List(_, items) => 1 + items.iter().map(|i| depth(i)).max().unwrap_or(0),
                Block::Para(i) | Block::Heading(_, i) => inline_depth(i),
                Block::Table(t) => t
                    .head
                    .iter()
                    .chain(t.rows.iter().flatten())
                    .map(|c| inline_depth(c))
                    .max()
                    .unwrap_or(0),
                Block::Code(_) | Block::Rule => 0,
            })
            .max()
            .unwrap_or(0)
    }

    fn inline_depth(is: &[Inline]) -> usize {
        is.iter()
            .map(|i| match i {
                Inline::Emph(c)
                | Inline::Strong(c)
                | Inline::Strike(c)
                | Inline::Ins(c)
                | Inline::Del(c)
                | Inline::Lang(_, c)
                | Inline::Link(_, c) => 1 + inline_depth(c),
                _ => 0,
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn deep_nesting_is_flattened_not_recursed() {
        for text in [
            format!("{} x", ">".repeat(200_000)),
            format!("{}x", "- ".repeat(20_000)),
            format!("{}x{}", "*a ".repeat(50_000), "*".repeat(50_000)),
            format!("{}x{}", "[".repeat(20_000), "](#a)".repeat(20_000)),
            // Lists inside a quote or a footnote: the list, not its item, meets the limit.
            format!("> {}x", "- ".repeat(30)),
            format!("Se[^1].\n\n[^1]: {}x", "- ".repeat(30)),
            format!("{}x", "> - ".repeat(30)),
            // Emphasis nested deep inside a table cell.
            format!(
                "| a |\n|---|\n| {}x{} |",
                "*a ".repeat(20_000),
                "*".repeat(20_000)
            ),
        ] {
            let (b, notes) = parse(&text);
            for bs in std::iter::once(&b).chain(&notes.items) {
                assert!(depth(bs) <= MAX_NESTING, "{}", depth(bs));
            }
            let (mut html, mut typ) = (String::new(), String::new());
            crate::render::html::blocks(&b, &mut html);
            crate::render::typst::blocks(&b, &notes, &mut typ);
            for n in &notes.items {
                crate::render::html::blocks(n, &mut html);
            }
            assert!(
                html.contains('x') && typ.contains('x'),
                "{}",
                &text[..20.min(text.len())]
            );
        }
    }

    #[test]
    fn only_well_formed_ids_are_internal_links() {
        let (b, _) = parse("[a](#ok-id_1) [b](#a>\\)[];#panic(1)) [c](#Stora)");
        let Block::Para(i) = &b[0] else { panic!() };
        let links = i.iter().filter(|x| matches!(x, Inline::Link(..))).count();
        assert_eq!(links, 1, "{i:?}");
    }

    #[test]
    fn lists_keep_their_items() {
        let (b, _) = parse("- ett\n- två *tre*\n\n1. a\n2. b\n");
        assert!(matches!(&b[0], Block::List(None, items) if items.len() == 2));
        assert!(matches!(&b[1], Block::List(Some(1), items) if items.len() == 2));
    }

    fn table(s: &str) -> Table {
        let (b, _) = parse(s);
        match b.into_iter().find(|b| matches!(b, Block::Table(_))) {
            Some(Block::Table(t)) => t,
            other => panic!("no table: {other:?}"),
        }
    }

    fn cell_text(c: &[Inline]) -> String {
        let mut s = String::new();
        collect_inline_plain(c, &mut s);
        s
    }

    #[test]
    fn tables_keep_alignment_empty_cells_and_inline_markdown() {
        let t = table(
            "| Nivå | 1 | 2 |\n|:---|:---:|---:|\n| Antal | 0–2 | |\n| Och | | *53,92 %* |\n| Kort |\n",
        );
        assert_eq!(t.align, [Align::Left, Align::Center, Align::Right]);
        let head: Vec<String> = t.head.iter().map(|c| cell_text(c)).collect();
        assert_eq!(head, ["Nivå", "1", "2"]);
        assert_eq!(t.rows.len(), 3);
        assert!(t.rows.iter().all(|r| r.len() == 3), "{:?}", t.rows);
        assert_eq!(cell_text(&t.rows[0][1]), "0–2");
        assert!(t.rows[0][2].is_empty());
        assert!(t.rows[1][1].is_empty());
        assert!(matches!(&t.rows[1][2][..], [Inline::Emph(_)]));
        // A short row is padded, not shifted.
        assert_eq!(cell_text(&t.rows[2][0]), "Kort");
        assert!(t.rows[2][1].is_empty() && t.rows[2][2].is_empty());
        // Columns without a colon are the default.
        assert_eq!(
            table("| a | b |\n|---|---|\n| 1 | 2 |").align,
            [Align::None; 2]
        );
    }

    #[test]
    fn a_table_cell_is_text_not_markup() {
        let t = table(
            "| <b>x</b> | #read(\"/etc/passwd\") |\n|---|---|\n| [l](javascript:x) | ![bild](/etc/passwd) |",
        );
        assert_eq!(cell_text(&t.head[0]), "<b>x</b>");
        assert_eq!(cell_text(&t.head[1]), "#read(\"/etc/passwd\")");
        assert_eq!(cell_text(&t.rows[0][0]), "l");
        assert_eq!(cell_text(&t.rows[0][1]), "bild");
        assert!(!format!("{t:?}").contains("Link"));
    }

    #[test]
    fn placeholders_are_scanned_only_when_well_formed() {
        let found: Vec<(&str, &str)> = scan_placeholders(
            "{section: a} {section:b-2}{ section: c} {section: d e} {{ x }} {sektion: f_1 } {a:} {:b} {x: y",
        )
        .into_iter()
        .map(|s| (s.kind, s.id))
        .collect();
        assert_eq!(
            found,
            [("section", "a"), ("section", "b-2"), ("sektion", "f_1")]
        );
        let s = scan_placeholders("se {section: matlada}.");
        assert_eq!(s[0].range, 3..21);
    }

    #[test]
    fn placeholders_in_the_tree_known_kinds_only_not_in_code() {
        let (b, n) = parse(
            "Se {section: a_b} och *{section: c}* men `{section: d}` och {sektion: e}.[^1]\n\n```\n{section: g}\n```\n\n[^1]: I noten {section: f}.\n",
        );
        let Block::Para(i) = &b[0] else { panic!() };
        let ph = |id: &str| {
            Inline::Placeholder(Placeholder {
                kind: PlaceholderKind::Section,
                id: id.into(),
                written: format!("{{section: {id}}}"),
            })
        };
        // `_` splits pulldown-cmark's text events; the tree joins them before scanning.
        assert_eq!(i[0], Inline::Text("Se ".into()));
        assert_eq!(i[1], ph("a_b"));
        assert_eq!(i[3], Inline::Emph(vec![ph("c")]));
        assert_eq!(i[5], Inline::Code("{section: d}".into()));
        assert_eq!(i[6], Inline::Text(" och {sektion: e}.".into()));
        assert!(matches!(&n.items[0][0], Block::Para(x) if x.contains(&ph("f"))));
        assert_eq!(b[1], Block::Code("{section: g}\n".into()));
        // Every placeholder in the prose, any kind, at its place in the source; none in code.
        let text = "Se {section: a_b} och `{section: d}`\\\n{sektion: e} \\*x {section: f}";
        let found: Vec<(String, &str)> = placeholders(text)
            .into_iter()
            .map(|f| (f.kind, &text[f.range]))
            .collect();
        assert_eq!(
            found,
            [
                ("section".to_string(), "{section: a_b}"),
                ("sektion".to_string(), "{sektion: e}"),
                ("section".to_string(), "{section: f}"),
            ]
        );
    }

    #[test]
    fn placeholders_are_replaced_and_never_nest_links() {
        let (mut b, _) = parse("Se {section: a} och [länk {section: b}](#c).");
        replace_placeholders(&mut b, &mut |p, in_link| {
            let text = vec![Inline::Text(format!("1 {}", p.id))];
            Some(if in_link {
                text
            } else {
                vec![Inline::Link(Target::Internal(p.id.clone()), text)]
            })
        });
        let Block::Para(i) = &b[0] else { panic!() };
        assert_eq!(
            i[1],
            Inline::Link(
                Target::Internal("a".into()),
                vec![Inline::Text("1 a".into())]
            )
        );
        let Inline::Link(_, inner) = &i[3] else {
            panic!("{i:?}")
        };
        assert!(
            !inner.iter().any(|x| matches!(x, Inline::Link(..))),
            "{inner:?}"
        );
    }
}
