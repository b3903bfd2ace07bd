//! Source files and positions: every byte the pipeline reads is held here, so a
//! diagnostic can point at `file:line:column` and show the line it came from.

use std::path::{Path, PathBuf};

/// Index of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset one past the last byte.
    pub end: u32,
}

impl Span {
    /// A span covering `start..end` of `file`.
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span {
            file,
            start: start as u32,
            end: end.max(start) as u32,
        }
    }

    /// An empty span at the start of `file`, for problems with a file as a whole.
    pub fn file_start(file: FileId) -> Self {
        Span::new(file, 0, 0)
    }

    /// A span inside this one, `offset..offset+len` bytes from its start.
    pub fn sub(self, offset: usize, len: usize) -> Self {
        let start = (self.start as usize + offset).min(self.end as usize);
        Span::new(self.file, start, (start + len).min(self.end as usize))
    }
}

/// A value together with the place it was written.
#[derive(Debug, Clone)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Wraps `value` with its `span`.
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    /// Two spanned values are equal when their values are: where they were
    /// written does not matter for comparisons between versions.
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// One source file: its path as shown to users, its text, and where its lines start.
///
/// A line ends at a line feed (LF, Unix), a carriage return and line feed (CRLF,
/// Windows: one break, not two) or a carriage return alone (CR, old Mac), as YAML
/// counts them; every position shown (human and JSON reports, `// source:` marks in
/// the generated Typst) comes from here, so they agree whatever a file's line ends.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as shown in diagnostics (relative to the folder the user named).
    pub path: PathBuf,
    /// The file's text (invalid UTF-8 is never stored: the loader reports it).
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    fn new(path: PathBuf, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(line_starts_after_breaks(&text));
        SourceFile {
            path,
            text,
            line_starts,
        }
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = self.text[start..floor_char_boundary(&self.text, offset)]
            .chars()
            .count();
        (line + 1, col + 1)
    }

    /// Byte offset of a 1-based line and 0-based character column (a column past the
    /// line's end is its end, before the line break).
    pub fn offset_of(&self, line: usize, col_chars: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let line_text = self.line_text(line);
        line_text
            .char_indices()
            .nth(col_chars)
            .map_or(start + line_text.len(), |(i, _)| start + i)
    }

    /// The text of a 1-based line, without its line break (CR, LF or CRLF); empty past
    /// the last line.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let rest = &self.text[start..];
        rest.find(['\r', '\n']).map_or(rest, |end| &rest[..end])
    }

    /// The byte range of the line holding `offset`, without its line break.
    pub fn line_range(&self, offset: usize) -> std::ops::Range<usize> {
        let (line, _) = self.line_col(offset);
        let start = self.line_starts[line - 1];
        start..start + self.line_text(line).len()
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        let start = floor_char_boundary(&self.text, span.start as usize);
        let end = floor_char_boundary(&self.text, span.end as usize);
        &self.text[start..end.max(start)]
    }
}

/// The lines of a text without their line breaks, a break being LF, CRLF or a lone
/// CR (as [`SourceFile`] counts them; `str::lines` knows only the first two). A final
/// break ends the last line rather than starting an empty one.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text).filter(|t| !t.is_empty());
    std::iter::from_fn(move || {
        let t = rest?;
        match t.find(['\r', '\n']) {
            Some(i) => {
                let next = if t[i..].starts_with("\r\n") {
                    i + 2
                } else {
                    i + 1
                };
                rest = Some(&t[next..]).filter(|r| !r.is_empty());
                Some(&t[..i])
            }
            None => {
                rest = None;
                Some(t)
            }
        }
    })
}

/// The 1-based line a byte offset of `text` is on (LF, CRLF and a lone CR each end a line).
pub fn line_of(text: &str, offset: usize) -> usize {
    1 + line_starts_after_breaks(text)
        .take_while(|&start| start <= offset)
        .count()
}

/// The offset just after each line break of `text`: after every LF, and after every CR
/// that no LF follows (the CR of a CRLF is not a break of its own).
fn line_starts_after_breaks(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    bytes
        .iter()
        .enumerate()
        .filter(move |&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .map(|(i, _)| i + 1)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Every file read in one run.
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// Adds a file and returns its id.
    pub fn add(&mut self, path: impl Into<PathBuf>, text: String) -> FileId {
        self.files.push(SourceFile::new(path.into(), text));
        FileId(self.files.len() as u32 - 1)
    }

    /// The paths of every file read, as they were shown (the tree's root joined to the
    /// path within it).
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|f| f.path.as_path())
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// `path:line:column` of the start of a span.
    pub fn locate(&self, span: Span) -> String {
        let file = self.get(span.file);
        let (line, col) = file.line_col(span.start as usize);
        format!("{}:{line}:{col}", display_path(&file.path))
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file).slice(span)
    }

    /// All files, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
}

/// A path as shown to users: forward slashes on every platform.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let mut s = Sources::default();
        let id = s.add("a.yaml", "åäö: 1\nx: ö\n".to_string());
        let f = s.get(id);
        assert_eq!(f.line_col(0), (1, 1));
        // `:` after three two-byte letters is byte 6, column 4.
        assert_eq!(f.line_col(6), (1, 4));
        let second_line = f.offset_of(2, 3);
        assert_eq!(&f.text[second_line..], "ö\n");
        assert_eq!(f.line_col(second_line), (2, 4));
    }

    /// LF, CRLF, CR and a mix of them: each ending is one line break, and the same
    /// place has the same line and column in all four.
    #[test]
    fn every_line_ending_is_one_break() {
        let lines = ["a: 1", "bb: ö", "", "c: x"];
        for ends in [
            ["\n"; 4],
            ["\r\n"; 4],
            ["\r"; 4],
            ["\r", "\r\n", "\n", "\r"],
        ] {
            let text: String = lines.iter().zip(ends).flat_map(|(l, e)| [*l, e]).collect();
            let mut s = Sources::default();
            let id = s.add("a.yaml", text.clone());
            let f = s.get(id);
            let at = text.find('x').unwrap();
            assert_eq!(f.line_col(at), (4, 4), "{text:?}");
            assert_eq!(f.offset_of(4, 3), at, "{text:?}");
            assert_eq!(f.line_text(2), "bb: ö", "{text:?}");
            assert_eq!(f.line_text(3), "", "{text:?}");
            assert_eq!(&text[f.line_range(at)], "c: x", "{text:?}");
            // A column past the end of a line stops before its break.
            assert_eq!(f.offset_of(1, 99), 4, "{text:?}");
            assert_eq!(f.line_col(text.len()), (5, 1), "{text:?}");
        }
    }

    #[test]
    fn lines_end_at_every_kind_of_break() {
        let got: Vec<&str> = lines("a\r\nb\rc\n\nd").collect();
        assert_eq!(got, ["a", "b", "c", "", "d"]);
        assert_eq!(lines("a\r").collect::<Vec<_>>(), ["a"]);
        assert_eq!(lines("").count(), 0);
        assert_eq!(line_of("a\r\nb\rc\n\nd", 8), 5);
        assert_eq!(
            line_of("a\r\nb", 1),
            1,
            "the CR of a CRLF is still on its line"
        );
        assert_eq!(line_of("a\r\nb", 3), 2);
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let mut s = Sources::default();
        let id = s.add("a.yaml", "a".to_string());
        assert_eq!(s.get(id).line_col(99), (1, 2));
        assert_eq!(s.get(id).offset_of(7, 0), 1);
    }
}
