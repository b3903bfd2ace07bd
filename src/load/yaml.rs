//! YAML text → a tree of nodes that remember where they were written.
//!
//! Built on `saphyr-parser`'s event stream rather than on serde, because a
//! policy officer wants every problem in a file at once, each at its line and
//! column; serde's derive stops at the first. The tree is small and untyped;
//! `decode` turns it into the model. Limits on depth, nodes and alias
//! expansion keep hostile input (alias bombs, 20,000-deep nesting) bounded.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

use crate::diag::{Diagnostic, Diagnostics};
use crate::source::{FileId, SourceFile, Span};

/// Deepest nesting of lists and mappings accepted in one file.
pub const MAX_DEPTH: usize = 64;
/// Most nodes one file may expand to, aliases included.
pub const MAX_NODES: usize = 250_000;
/// Most bytes of scalar text one file may expand to, aliases included.
pub const MAX_EXPANDED_BYTES: usize = 32 * 1024 * 1024;

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Unquoted: `true`, `12`, `2022-05-24` and `null` take their YAML meaning.
    Plain,
    /// Quoted or a block scalar: always text.
    Quoted,
}

/// What a node holds.
#[derive(Debug, Clone)]
pub enum NodeKind {
    /// A scalar value, still as text: its type is decided by what the model expects there.
    Scalar(String, Style),
    /// A list.
    Seq(Vec<Node>),
    /// A mapping, in source order. Keys are scalars.
    Map(Vec<(Node, Node)>),
}

/// A YAML value and the place it was written.
#[derive(Debug, Clone)]
pub struct Node {
    /// The value.
    pub kind: NodeKind,
    /// Where it was written.
    pub span: Span,
}

impl Node {
    /// A plain description of the node's shape, for messages ("a list", "text `x`").
    pub fn describe(&self) -> String {
        match &self.kind {
            NodeKind::Seq(_) => "a list".into(),
            NodeKind::Map(_) => "a mapping".into(),
            NodeKind::Scalar(s, Style::Plain) if is_null(s) => "nothing (null)".into(),
            NodeKind::Scalar(s, _) => {
                let short: String = s.chars().take(40).collect();
                let more = if s.chars().count() > 40 { "…" } else { "" };
                format!("`{short}{more}`")
            }
        }
    }

    /// The scalar text, if this is a scalar.
    pub fn as_scalar(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    /// Whether this is YAML's null (`~`, `null`, or nothing at all).
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar(s, Style::Plain) if is_null(s))
    }
}

fn is_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

enum Frame {
    Seq {
        start: Span,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: Span,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

/// Parses one YAML file into a node tree. Problems go to `diags`; `None` means
/// the file has no usable content (a syntax error, or a limit was hit).
pub fn parse(file_id: FileId, file: &SourceFile, diags: &mut Diagnostics) -> Option<Node> {
    let mut b = Builder {
        file_id,
        file,
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        bytes: 0,
        root: None,
        documents: 0,
    };
    let mut parser = Parser::new_from_str(&file.text);
    loop {
        match parser.next_event() {
            None => break,
            Some(Err(e)) => {
                diags.push(b.scan_error(&e));
                return None;
            }
            Some(Ok((event, span))) => {
                let span = b.span(span);
                match b.event(event, span) {
                    Ok(true) => break,
                    Ok(false) => {}
                    Err(d) => {
                        diags.push(*d);
                        return None;
                    }
                }
            }
        }
    }
    if b.root.is_none() {
        diags.push(
            Diagnostic::error(
                "empty-file",
                Span::file_start(file_id),
                "file is empty (no YAML content)",
            )
            .with_hint("a policy file is a YAML mapping of `key: value` lines; see docs/format.md"),
        );
    }
    b.root
}

struct Builder<'a> {
    file_id: FileId,
    file: &'a SourceFile,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize, usize)>,
    nodes: usize,
    bytes: usize,
    root: Option<Node>,
    documents: usize,
}

type Step = Result<bool, Box<Diagnostic>>;

impl Builder<'_> {
    fn span(&self, s: saphyr_parser::Span) -> Span {
        let start = self.file.offset_of(s.start.line(), s.start.col());
        let end = self.file.offset_of(s.end.line(), s.end.col());
        Span::new(self.file_id, start, end)
    }

    fn scan_error(&self, e: &ScanError) -> Diagnostic {
        let m = e.marker();
        let mut at = self.file.offset_of(m.line(), m.col());
        let info = e.info();
        // The scanner stops just after a tab; point at the tab itself.
        let line = self.file.line_range(at);
        let tab = self.file.text[line.clone()]
            .find('\t')
            .map(|i| line.start + i);
        let at_char = self.file.text[at..].chars().next();
        if let Some(t) = tab.filter(|_| {
            info.contains("tab") || at_char == Some('\t') || at_char.is_some_and(|c| c != ' ')
        }) {
            if t <= at || info.contains("tab") {
                at = t;
            }
        }
        // The character the scanner stopped at, whole (it may be several bytes), or an
        // empty span when it stopped at the end of the file.
        let len = self.file.text[at..]
            .chars()
            .next()
            .map_or(0, char::len_utf8);
        let span = Span::new(self.file_id, at, at + len);
        let (message, hint) = explain_scan_error(info, self.file.text[at..].chars().next());
        let code = if info.contains("recursion limit") {
            "too-deep"
        } else {
            "yaml-syntax"
        };
        let mut d = Diagnostic::error(code, span, message);
        if let Some(h) = hint {
            d = d.with_hint(h);
        }
        d
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Step {
        match event {
            Event::StreamStart | Event::Nothing | Event::DocumentEnd => {}
            Event::StreamEnd => return Ok(true),
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(Box::new(
                        Diagnostic::error(
                            "yaml-syntax",
                            span,
                            "more than one YAML document in this file",
                        )
                        .with_hint("remove the second `---`: each policy file holds one document"),
                    ));
                }
            }
            Event::Alias(id) => {
                let Some((_, size, bytes)) = self.anchors.get(&id) else {
                    return Err(Box::new(Diagnostic::error(
                        "yaml-syntax",
                        span,
                        "alias refers to an unknown anchor",
                    )));
                };
                let (size, bytes) = (*size, *bytes);
                // Count first: an alias bomb is refused before it is copied.
                self.count(size, bytes, span)?;
                let mut node = self.anchors[&id].0.clone();
                // The alias is used here: point diagnostics about it at the alias.
                node.span = span;
                self.attach(node, span)?;
            }
            Event::Scalar(value, style, anchor, tag) => {
                let mut style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    _ => Style::Quoted,
                };
                if let Some(tag) = tag {
                    if tag.is_yaml_core_schema() && tag.suffix == "str" {
                        style = Style::Quoted;
                    } else {
                        return Err(Box::new(unsupported_tag(span)));
                    }
                }
                let len = value.len();
                self.count(1, len, span)?;
                let node = Node {
                    kind: NodeKind::Scalar(value.into_owned(), style),
                    span,
                };
                if anchor != 0 {
                    self.anchors.insert(anchor, (node.clone(), 1, len));
                }
                self.attach(node, span)?;
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                if tag.is_some() {
                    return Err(Box::new(unsupported_tag(span)));
                }
                if self.stack.len() >= MAX_DEPTH {
                    return Err(Box::new(
                        Diagnostic::error(
                            "too-deep",
                            span,
                            format!("nesting is deeper than {MAX_DEPTH} levels"),
                        )
                        .with_hint("a policy file never needs this depth; is the file damaged?"),
                    ));
                }
                self.count(1, 0, span)?;
                self.stack
                    .push(if matches!(event, Event::SequenceStart(..)) {
                        Frame::Seq {
                            start: span,
                            anchor,
                            items: Vec::new(),
                        }
                    } else {
                        Frame::Map {
                            start: span,
                            anchor,
                            entries: Vec::new(),
                            key: None,
                        }
                    });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let frame = self
                    .stack
                    .pop()
                    .expect("parser balances start and end events");
                let (kind, start, anchor) = match frame {
                    Frame::Seq {
                        start,
                        anchor,
                        items,
                    } => (NodeKind::Seq(items), start, anchor),
                    Frame::Map {
                        start,
                        anchor,
                        entries,
                        ..
                    } => (NodeKind::Map(entries), start, anchor),
                };
                let end = self.trim_end(start.start as usize, span.end as usize);
                let node = Node {
                    kind,
                    span: Span::new(self.file_id, start.start as usize, end),
                };
                if anchor != 0 {
                    let (size, bytes) = count_nodes(&node);
                    self.anchors.insert(anchor, (node.clone(), size, bytes));
                }
                self.attach(node, span)?;
            }
        }
        Ok(false)
    }

    /// Block collections end where the next token starts; trim trailing blank lines.
    fn trim_end(&self, start: usize, end: usize) -> usize {
        let text = &self.file.text[start..end.max(start)];
        start + text.trim_end().len()
    }

    fn count(&mut self, n: usize, bytes: usize, span: Span) -> Result<(), Box<Diagnostic>> {
        self.nodes = self.nodes.saturating_add(n);
        self.bytes = self.bytes.saturating_add(bytes);
        if self.bytes > MAX_EXPANDED_BYTES {
            return Err(Box::new(
                Diagnostic::error("too-many-nodes", span, format!("file expands to more than {} MiB of text", MAX_EXPANDED_BYTES >> 20))
                    .with_hint("aliases (`*name`) that repeat large anchors multiply; a policy file should not need them"),
            ));
        }
        if self.nodes > MAX_NODES {
            return Err(Box::new(
                Diagnostic::error(
                    "too-many-nodes",
                    span,
                    format!("file expands to more than {MAX_NODES} values"),
                )
                .with_hint(
                    "aliases (`*name`) that repeat large anchors multiply; a policy file should not need them",
                ),
            ));
        }
        Ok(())
    }

    fn attach(&mut self, node: Node, span: Span) -> Result<(), Box<Diagnostic>> {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => {
                    if node.as_scalar().is_none() {
                        return Err(Box::new(
                            Diagnostic::error(
                                "yaml-syntax",
                                span,
                                "a key must be plain text, not a list or mapping",
                            )
                            .with_hint("write keys as `name:`"),
                        ));
                    }
                    *key = Some(node);
                }
                Some(k) => entries.push((k, node)),
            },
        }
        Ok(())
    }
}

fn unsupported_tag(span: Span) -> Diagnostic {
    Diagnostic::error("yaml-syntax", span, "YAML tags (`!name`) are not supported")
        .with_hint("remove the tag; write text in quotes if it must stay text")
}

/// Nodes and bytes of scalar text in a tree.
fn count_nodes(node: &Node) -> (usize, usize) {
    let (mut n, mut bytes) = (0, 0);
    let mut todo = vec![node];
    while let Some(x) = todo.pop() {
        n += 1;
        match &x.kind {
            NodeKind::Scalar(s, _) => bytes += s.len(),

            NodeKind::Seq(items) => todo.extend(items),
            NodeKind::Map(entries) => {
                for (k, v) in entries {
                    todo.push(k);
                    todo.push(v);
                }
            }
        }
    }
    (n, bytes)
}

/// Turns the parser's terse messages into plain advice for someone editing by hand.
fn explain_scan_error(info: &str, at: Option<char>) -> (String, Option<&'static str>) {
    if at == Some('\t') || info.contains("tab") {
        return (
            "tab character where YAML needs spaces".into(),
            Some(
                "use spaces instead of tabs: YAML does not accept tabs for indentation or after `:`",
            ),
        );
    }
    if info.contains("recursion limit") {
        return (
            format!("nesting is deeper than the YAML reader allows ({info})"),
            Some("a policy file never needs this depth; is the file damaged?"),
        );
    }
    let hint = if info.contains("mapping values are not allowed") {
        Some("a value containing `: ` must be quoted, e.g. `text: \"a: b\"`")
    } else if info.contains("did not find expected") || info.contains("expected <document end>") {
        Some("check the indentation of this line against the lines above it")
    } else if info.contains("found character that cannot start any token") {
        Some("text starting with `@`, `` ` `` or `%` must be quoted")
    } else if info.contains("unclosed") || info.contains("end of stream") {
        Some("a quote or bracket opened above is never closed")
    } else {
        None
    };
    (format!("invalid YAML ({info})"), hint)
}

/// Maps a byte offset inside a scalar's *value* to a byte offset in the source.
///
/// Block and quoted scalars differ from their source by indentation, folding
/// and escapes; a greedy walk that skips whitespace and quote doubling on the
/// source side keeps diagnostics inside long prose at the right line and column.
pub fn value_offset_to_source(
    value: &str,
    span: Span,
    file: &SourceFile,
    value_offset: usize,
) -> usize {
    // An offset inside a character (or past the end) counts from that character's start.
    let mut value_offset = value_offset.min(value.len());
    while !value.is_char_boundary(value_offset) {
        value_offset -= 1;
    }
    let src = &file.text[span.start as usize..(span.end as usize).min(file.text.len())];
    let mut si = src.char_indices().peekable();
    // Skip a block scalar header (`|`, `>-` …) or an opening quote.
    if let Some(&(_, c)) = si.peek() {
        if c == '|' || c == '>' {
            // The header ends at the line break (LF, CRLF or a lone CR).
            while let Some((_, c)) = si.next() {
                if c == '\r' {
                    si.next_if(|&(_, c)| c == '\n');
                    break;
                }
                if c == '\n' {
                    break;
                }
            }
        } else if c == '"' || c == '\'' {
            si.next();
        }
    }
    for (vi, vc) in value.char_indices() {
        if vi >= value_offset {
            break;
        }
        loop {
            let Some(&(_, sc)) = si.peek() else {
                return span.start as usize;
            };
            if sc == vc {
                si.next();
                break;
            }
            // The value's line feed is the source's line break, whichever it is (YAML
            // reads CR and CRLF as a line feed).
            if vc == '\n' && sc == '\r' {
                si.next();
                si.next_if(|&(_, c)| c == '\n');
                break;
            }
            if sc.is_whitespace() || sc == '\'' || sc == '"' || sc == '\\' {
                si.next();
                continue;
            }
            if vc.is_whitespace() {
                break;
            }
            return span.start as usize;
        }
    }
    // Skip source indentation before the character the offset points at.
    let at_break = value[value_offset..].starts_with('\n');
    while let Some(&(_, sc)) = si.peek() {
        if sc.is_whitespace() && !value[value_offset..].starts_with(sc) && !(sc == '\r' && at_break)
        {
            si.next();
        } else {
            break;
        }
    }
    si.peek()
        .map_or(span.end as usize, |&(i, _)| span.start as usize + i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Sources;
    use std::fmt::Write as _;

    fn load(text: &str) -> (Sources, Option<Node>, Diagnostics) {
        let mut s = Sources::default();
        let id = s.add("t.yaml", text.to_string());
        let mut d = Diagnostics::default();
        let n = parse(id, s.get(id), &mut d);
        (s, n, d)
    }

    #[test]
    fn scalars_keep_their_place() {
        let (s, n, d) = load("a: 1\nbb:\n  - x\n  - 'y z'\n");
        assert!(d.is_empty());
        let NodeKind::Map(entries) = n.unwrap().kind else {
            panic!()
        };
        assert_eq!(entries.len(), 2);
        let NodeKind::Seq(items) = &entries[1].1.kind else {
            panic!()
        };
        assert_eq!(s.locate(items[1].span), "t.yaml:4:5");
        assert!(matches!(items[1].kind, NodeKind::Scalar(ref v, Style::Quoted) if v == "y z"));
    }

    #[test]
    fn alias_bomb_is_stopped() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            let refs = vec![format!("*a{p}"); 10].join(", ");
            writeln!(text, "a{i}: &a{i} [{refs}]").unwrap();
        }
        let (s, n, d) = load(&text);
        assert!(n.is_none());
        let e = d.iter().next().unwrap();
        assert_eq!(e.code, "too-many-nodes");
        assert!(
            s.locate(e.span).starts_with("t.yaml:6:"),
            "{}",
            s.locate(e.span)
        );
    }

    #[test]
    fn a_bomb_of_long_strings_is_stopped_by_bytes() {
        // Few nodes, many bytes: 200 kB repeated 1,000 times would be 200 MB.
        let mut text = format!("a: &a '{}'\nb: [", "x".repeat(200_000));
        text.push_str(&vec!["*a"; 1000].join(", "));
        text.push_str("]\n");
        let (_, n, d) = load(&text);
        assert!(n.is_none());
        let e = d.iter().next().unwrap();
        assert_eq!(e.message, "file expands to more than 32 MiB of text");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(20_000) + &"]".repeat(20_000);
        let (_, n, d) = load(&text);
        assert!(n.is_none());
        assert_eq!(d.iter().next().unwrap().code, "too-deep");
    }

    #[test]
    fn tab_indentation_is_explained() {
        let (s, _, d) = load("a:\n\t- b\n");
        let e = d.iter().next().unwrap();
        assert_eq!(e.message, "tab character where YAML needs spaces");
        assert_eq!(s.locate(e.span), "t.yaml:2:1");
    }

    #[test]
    fn value_offsets_map_into_block_scalars() {
        let text = "text: |\n  first line\n  second (2001:435) line\n";
        let (s, n, _) = load(text);
        let NodeKind::Map(entries) = n.unwrap().kind else {
            panic!()
        };
        let node = &entries[0].1;
        let value = node.as_scalar().unwrap();
        let at = value.find("2001").unwrap();
        let file = s.get(node.span.file);
        let off = value_offset_to_source(value, node.span, file, at);
        assert_eq!(&file.text[off..off + 8], "2001:435");
        assert_eq!(file.line_col(off), (3, 11));
    }

    /// The same place inside a block scalar, and a syntax error's place, at the same
    /// line and column whether lines end in LF, CRLF, CR or a mix.
    #[test]
    fn every_line_ending_maps_to_the_same_place() {
        let lines = [
            "a: 1",
            "text: |",
            "  first line",
            "  second (2001:435) line",
            "b: 2",
            "c: [x",
        ];
        let mut positions = Vec::new();
        for ends in [
            ["\n"; 6],
            ["\r\n"; 6],
            ["\r"; 6],
            ["\r", "\r\n", "\n", "\r", "\r\n", "\n"],
        ] {
            let good: String = lines[..5]
                .iter()
                .zip(ends)
                .flat_map(|(l, e)| [*l, e])
                .collect();
            let (s, n, d) = load(&good);
            assert!(d.is_empty(), "{good:?}");
            let NodeKind::Map(entries) = n.unwrap().kind else {
                panic!()
            };
            assert_eq!(s.locate(entries[2].0.span), "t.yaml:5:1", "{good:?}");
            let node = &entries[1].1;
            let value = node.as_scalar().unwrap();
            assert_eq!(value, "first line\nsecond (2001:435) line\n", "{good:?}");
            let file = s.get(node.span.file);
            let at = value.find("2001").unwrap();
            let off = value_offset_to_source(value, node.span, file, at);
            assert_eq!(file.line_col(off), (4, 11), "{good:?}");
            // The end of the first line is before its line break, whichever it is.
            let end = value_offset_to_source(value, node.span, file, "first line".len());
            assert_eq!(file.line_col(end), (3, 13), "{good:?}");
            // An unclosed `[` on the last line: reported on that line, at the same column.
            let bad: String = lines.iter().zip(ends).flat_map(|(l, e)| [*l, e]).collect();
            let (s, _, d) = load(&bad);
            let e = d.iter().next().unwrap();
            let (line, _) = s.get(e.span.file).line_col(e.span.start as usize);
            assert!(line >= 6, "{bad:?}: {}", s.locate(e.span));
            positions.push(s.locate(e.span));
        }
        assert!(
            positions.iter().all(|p| *p == positions[0]),
            "{positions:?}"
        );
    }
}
