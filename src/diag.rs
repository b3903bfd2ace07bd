//! Diagnostics: problems found in the user's sources, collected (never thrown)
//! so that `check` can report every one of them, then printed once at the top.

use std::fmt::Write as _;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};
use serde::Serialize;

use crate::source::{Sources, Span, display_path};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something a careful reviewer would flag; the policy still loads.
    Warning,
    /// The policy cannot be used as written.
    Error,
}

/// A secondary place that a diagnostic points at.
#[derive(Debug, Clone)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is there.
    pub message: String,
}

/// One problem in the user's sources.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable, kebab-case name for the kind of problem (for JSON and tests).
    pub code: &'static str,
    /// Plain message: lowercase, no trailing period, names in backticks.
    pub message: String,
    /// The place the problem is.
    pub span: Span,
    /// A short label shown under the primary place.
    pub label: Option<String>,
    /// Other places that explain the problem.
    pub related: Vec<Label>,
    /// Advice on how to fix it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            span,
            label: None,
            related: Vec::new(),
            hint: None,
        }
    }

    /// A warning at `span`.
    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, span, message)
        }
    }

    /// Adds a label under the primary place.
    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds advice.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a related place.
    #[must_use]
    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Label {
            span,
            message: message.into(),
        });
        self
    }
}

/// The diagnostics of one run, in the order they were found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records a problem.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Appends all of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Whether any error (not warning) was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of diagnostics of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    /// All diagnostics.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorts by file and position so that output is stable and reads top to bottom.
    pub fn sort(&mut self) {
        self.items
            .sort_by_key(|d| (d.span.file, d.span.start, d.span.end, d.code));
    }
}

/// Renders one diagnostic rustc-style: header, `file:line:col`, the source line with
/// the line before and after it, a hint.
pub fn render_human(sources: &Sources, d: &Diagnostic, color: bool) -> String {
    render(sources, d, color, 1, true)
}

/// [`render_human`] showing only the lines the diagnostic points at, none around them:
/// for a case file (or a policy test's case), whose neighbouring lines hold other
/// personal data that the problem is not about (docs/cases.md, "Personal data").
pub fn render_human_exact(sources: &Sources, d: &Diagnostic, color: bool) -> String {
    render(sources, d, color, 0, true)
}

/// The part of [`render_human`] (without colour) below its header: the `file:line:col`,
/// the source lines with the span underlined and labelled, the related places and the
/// hint, as plain text lines (box-drawing characters, no escape codes). For a reader
/// that shows the severity, code and message itself (`serve`'s panel).
pub fn render_snippet(sources: &Sources, d: &Diagnostic) -> String {
    let out = render(sources, d, false, 1, false);
    let start = out
        .char_indices()
        .find(|&(_, c)| !c.is_whitespace())
        .map_or(out.len(), |(i, _)| {
            out[..i].rfind('\n').map_or(0, |n| n + 1)
        });
    out[start..].trim_end().to_string()
}

/// Renders `d` with `context` lines around its span, with or without its header line.
fn render(sources: &Sources, d: &Diagnostic, color: bool, context: usize, header: bool) -> String {
    let file = sources.get(d.span.file);
    let name = display_path(&file.path);
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        d.label.clone(),
        (d.span.start as usize, (d.span.end - d.span.start) as usize),
    )];
    let mut elsewhere = Vec::new();
    for r in &d.related {
        if r.span.file == d.span.file {
            labels.push(LabeledSpan::new_with_span(
                Some(r.message.clone()),
                (r.span.start as usize, (r.span.end - r.span.start) as usize),
            ));
        } else {
            elsewhere.push(format!("{}: {}", sources.locate(r.span), r.message));
        }
    }
    let mut help = d.hint.clone().unwrap_or_default();
    for e in elsewhere {
        if !help.is_empty() {
            help.push('\n');
        }
        help.push_str("see ");
        help.push_str(&e);
    }
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let report = Report {
        message: if header {
            format!("{severity}[{}]: {}", d.code, d.message)
        } else {
            String::new()
        },
        severity: d.severity,
        labels,
        help: (!help.is_empty()).then_some(help),
        source: CharColumns {
            name,
            text: lone_cr_as_lf(&file.text),
        },
    };
    let mut theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // The message starts with `error[code]:`, as rustc's do; no icon before it.
    theme.characters.error = String::new();
    theme.characters.warning = String::new();
    let mut out = String::new();
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_context_lines(context);
    if handler.render_report(&mut out, &report).is_err() {
        // The graphical renderer only fails on a broken writer; fall back to one line.
        let _ = write!(out, "{}: {}", sources.locate(d.span), d.message);
    }
    out
}

/// The text with each carriage return that is not followed by a line feed (an old Mac
/// line end) made a line feed: one byte for one, so every offset stays, and miette's
/// renderer (which counts a lone CR as a break in one place and not in another) shows
/// the same line and column as [`crate::source::SourceFile::line_col`] and the JSON.
fn lone_cr_as_lf(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(if c == '\r' && chars.peek() != Some(&'\n') {
            '\n'
        } else {
            c
        });
    }
    out
}

/// A diagnostic as JSON, with a stable shape (see docs/cli.md).
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic {
    severity: Severity,
    code: &'static str,
    message: String,
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    snippet: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<String>,
    related: Vec<JsonRelated>,
}

#[derive(Debug, Serialize)]
struct JsonRelated {
    file: String,
    line: usize,
    column: usize,
    message: String,
}

impl JsonDiagnostic {
    /// Converts a diagnostic, resolving its positions against `sources`.
    pub fn new(sources: &Sources, d: &Diagnostic) -> Self {
        let file = sources.get(d.span.file);
        let (line, column) = file.line_col(d.span.start as usize);
        let (end_line, end_column) = file.line_col(d.span.end as usize);
        let line_text = file.line_text(line).to_string();
        JsonDiagnostic {
            severity: d.severity,
            code: d.code,
            message: d.message.clone(),
            file: display_path(&file.path),
            line,
            column,
            end_line,
            end_column,
            snippet: line_text,
            label: d.label.clone(),
            hint: d.hint.clone(),
            related: d
                .related
                .iter()
                .map(|r| {
                    let f = sources.get(r.span.file);
                    let (line, column) = f.line_col(r.span.start as usize);
                    JsonRelated {
                        file: display_path(&f.path),
                        line,
                        column,
                        message: r.message.clone(),
                    }
                })
                .collect(),
        }
    }
}

#[derive(Debug)]
struct Report {
    message: String,
    severity: Severity,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
    source: CharColumns,
}

/// Source text for miette that reports columns in characters, as editors and our
/// JSON do (miette counts bytes, which is off after `å`, `ä` and `ö`).
#[derive(Debug)]
struct CharColumns {
    name: String,
    text: String,
}

impl miette::SourceCode for CharColumns {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let c = self.text.as_str().read_span(span, before, after)?;
        let start = c.span().offset();
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        let column = self.text[line_start..start].chars().count();
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            c.data(),
            *c.span(),
            c.line(),
            column,
            c.line_count(),
        )))
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

/// The closest candidate to a misspelt name, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wrong_lc = wrong.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&wrong_lc, &c.to_lowercase()), c))
        .filter(|(dist, c)| *dist <= 2.max(c.chars().count() / 3) && *dist < wrong.chars().count())
        .min_by_key(|(dist, c)| (*dist, *c))
        .map(|(_, c)| c)
}

/// `a`, `b` or `c`.
pub fn list(options: &[&str]) -> String {
    let quoted: Vec<String> = options.iter().map(|o| format!("`{o}`")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The snippet is the terminal report without its header: the place, the quoted
    /// line with the span underlined, the label and the hint.
    #[test]
    fn a_snippet_quotes_the_line_and_marks_the_span() {
        let mut sources = Sources::default();
        let f = sources.add("p/x.yaml", "id: a\ntitle: Hej <b>\nend: 1\n".to_string());
        let d = Diagnostic::warning("code-x", Span::new(f, 13, 21), "a message")
            .with_label("here")
            .with_hint("do this");
        let s = render_snippet(&sources, &d);
        assert!(s.starts_with("   ╭─[p/x.yaml:2:8]"), "{s}");
        assert!(s.contains("2 │ title: Hej <b>"), "{s}");
        assert!(s.contains("────┬───"), "{s}");
        assert!(s.contains("╰── here"), "{s}");
        assert!(s.contains("help: do this"), "{s}");
        assert!(!s.contains("a message") && !s.contains("code-x"), "{s}");
        assert!(render_human(&sources, &d, false).contains("warning[code-x]: a message"));
    }

    #[test]
    fn suggestions_need_to_be_close() {
        assert_eq!(
            did_you_mean("titel", ["title", "kind", "sections"]),
            Some("title")
        );
        assert_eq!(
            did_you_mean("sektioner", ["title", "kind", "sections"]),
            None
        );
        assert_eq!(list(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
