//! Templates: built in (compiled from `templates/`), overridable file by file from
//! a `templates/` folder of the user's. One tera instance per output language,
//! each with its own escaping: HTML escapes for `.html`, Typst string literals for `.typ`.

use std::path::Path;

use tera::{Context, ErrorKind, Kwargs, State, Tera, Value};

use crate::render::typst;

/// The built-in templates, by name.
pub const BUILTIN: &[(&str, &str)] = &[
    ("document.typ", include_str!("../../templates/document.typ")),
    (
        "document.html",
        include_str!("../../templates/document.html"),
    ),
    ("index.html", include_str!("../../templates/index.html")),
    ("style.css", include_str!("../../templates/style.css")),
    ("decision.md", include_str!("../../templates/decision.md")),
    ("decision.typ", include_str!("../../templates/decision.typ")),
    ("redline.html", include_str!("../../templates/redline.html")),
    ("redline.typ", include_str!("../../templates/redline.typ")),
];

/// Loaded templates, ready to render.
pub struct Templates {
    /// The override folder, when there is one.
    dir: Option<std::path::PathBuf>,
    /// The override templates read from it.
    read: Vec<std::path::PathBuf>,
    html: Tera,
    typst: Tera,
    markdown: Tera,
}

fn typst_escape(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    out.write_all(typst::texted(input).as_bytes())
}

/// Escapes text for Markdown templates (see [`crate::markdown::escape`]).
pub fn markdown_escape(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    out.write_all(crate::markdown::escape(input).as_bytes())
}

/// Whether a character could end a line for a Typst comment: every control character
/// (U+0085 included) and the Unicode line and paragraph separators.
fn breaks_line(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `{{ x | lit }}`: a Typst string literal, for code positions (`title: {{ t | lit }}`).
#[allow(clippy::needless_pass_by_value)] // tera passes filter values by value
fn lit_filter(v: Value, _: Kwargs, _: &State) -> Value {
    let s = v.as_str().map_or_else(|| v.to_string(), str::to_string);
    let mut out = String::new();
    typst::string_literal(&s, &mut out);
    Value::safe_string(&out)
}

/// `{{ id | label }}`: a Typst label `<id>` (only for ids, which are checked), or for
/// ids joined by `.` (`begrepp.insats`, as `TermContext::anchor`).
#[allow(clippy::needless_pass_by_value)] // tera passes filter values by value
fn label_filter(v: Value, _: Kwargs, _: &State) -> tera::TeraResult<Value> {
    let s = v.as_str().unwrap_or_default();
    if !s.split('.').all(|part| crate::model::is_slug(part, true)) {
        return Err(tera::Error::message(format!(
            "`{s}` cannot be a Typst label"
        )));
    }
    Ok(Value::safe_string(&format!("<{s}>")))
}

/// `{{ x | comment }}`: text for a `//` comment (line breaks removed).
#[allow(clippy::needless_pass_by_value)] // tera passes filter values by value
fn comment_filter(v: Value, _: Kwargs, _: &State) -> Value {
    let s = v.as_str().map_or_else(|| v.to_string(), str::to_string);
    // Every character Typst could read as the end of a line ends the comment: replace them all.
    let flat: String = s
        .chars()
        .map(|c| if breaks_line(c) { ' ' } else { c })
        .collect();
    Value::safe_string(&flat)
}

/// `{{ n | num }}`: a number for code positions (`level: {{ s.level | num }}`).
#[allow(clippy::needless_pass_by_value)] // tera passes filter values by value
fn num_filter(v: Value, _: Kwargs, _: &State) -> tera::TeraResult<Value> {
    let s = v.to_string();
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
    {
        return Err(tera::Error::message(format!("`{s}` is not a number")));
    }
    Ok(Value::safe_string(&s))
}

/// `{{ x | hyphenate }}` (HTML): the text with soft hyphens in its long words
/// ([`crate::render::html::soft_hyphens`]), for headings; escaped as any text is.
#[allow(clippy::needless_pass_by_value)] // tera passes filter values by value
fn hyphenate_filter(v: Value, _: Kwargs, _: &State) -> Value {
    let s = v.as_str().map_or_else(|| v.to_string(), str::to_string);
    Value::from(crate::render::html::soft_hyphens(&s))
}

impl Templates {
    /// Loads the built-ins, then the files of `dir` (if given and present), which win.
    pub fn load(dir: Option<&Path>) -> Result<Templates, String> {
        let mut sources: Vec<(String, String)> = BUILTIN
            .iter()
            .map(|(n, s)| ((*n).to_string(), (*s).to_string()))
            .collect();
        let mut read = Vec::new();
        if let Some(dir) = dir.filter(|d| d.is_dir()) {
            let inside = Inside::new(dir)?;
            for sub in ["fonts", "assets"] {
                inside.check_tree(&dir.join(sub))?;
            }
            for (name, _) in BUILTIN {
                let path = dir.join(name);
                if path.is_file() {
                    inside.check(&path)?;
                    let text = std::fs::read_to_string(&path)
                        .map_err(|e| format!("cannot read template `{}` ({e})", path.display()))?;
                    if let Some(slot) = sources.iter_mut().find(|(n, _)| n == name) {
                        slot.1 = text;
                    }
                    read.push(path);
                }
            }
        }
        let mut html = Tera::new();
        html.autoescape_on([".html"]);
        html.register_filter("hyphenate", hyphenate_filter);
        let mut typ = Tera::new();
        typ.autoescape_on([".typ"]);
        typ.set_escape_fn(typst_escape);
        typ.register_filter("lit", lit_filter);
        typ.register_filter("label", label_filter);
        typ.register_filter("num", num_filter);
        typ.register_filter("comment", comment_filter);
        let mut markdown = Tera::new();
        markdown.autoescape_on([".md"]);
        markdown.set_escape_fn(markdown_escape);
        // Added per engine in one batch, so that includes resolve whatever the order.
        for (engine, ext) in [(&mut typ, "typ"), (&mut markdown, "md"), (&mut html, "")] {
            let mine: Vec<(&str, &str)> = sources
                .iter()
                .filter(|(n, _)| engine_for(n) == ext)
                .map(|(n, t)| (n.as_str(), t.as_str()))
                .collect();
            let first = mine.first().map_or("", |(n, _)| *n).to_string();
            engine
                .add_raw_templates(mine)
                .map_err(|e| template_error(dir, &first, &e))?;
        }

        Ok(Templates {
            dir: dir.filter(|d| d.is_dir()).map(Path::to_path_buf),
            read,
            html,
            typst: typ,
            markdown,
        })
    }

    /// `fonts/` of the override folder: more fonts for Typst (shipped with the project,
    /// so PDFs still do not depend on the machine).
    pub fn fonts(&self) -> Option<std::path::PathBuf> {
        self.dir
            .as_ref()
            .map(|d| d.join("fonts"))
            .filter(|d| d.is_dir())
    }

    /// `assets/` of the override folder: files a Typst template may read, such as a
    /// logo (`image("assets/logo.svg", alt: …)`); copied into each document's build folder.
    pub fn assets(&self) -> Option<std::path::PathBuf> {
        self.dir
            .as_ref()
            .map(|d| d.join("assets"))
            .filter(|d| d.is_dir())
    }

    /// Every file of the override folder that a render may read: the templates that
    /// override a built-in one, and the files below `fonts/` and `assets/` (which Typst
    /// reads). Empty without an override folder.
    pub fn files(&self) -> Vec<std::path::PathBuf> {
        let mut out = self.read.clone();
        out.extend(self.typst_files());
        out
    }

    /// The files below the override folder's `fonts/` and `assets/`: what Typst reads
    /// besides the Typst source. Empty without an override folder.
    pub fn typst_files(&self) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut dirs: Vec<std::path::PathBuf> =
            self.fonts().into_iter().chain(self.assets()).collect();
        while let Some(d) = dirs.pop() {
            // Each folder once, also when a link leads back to it.
            if !std::fs::canonicalize(&d).is_ok_and(|r| seen.insert(r)) {
                continue;
            }
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.is_file() {
                    out.push(p);
                }
            }
        }
        out.sort();
        out
    }

    /// The override folder, when there is one.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Renders a template with a serialisable context.
    pub fn render(&self, name: &str, ctx: &impl serde::Serialize) -> Result<String, String> {
        let context = Context::from_serialize(ctx).map_err(|e| e.to_string())?;
        let engine = match engine_for(name) {
            "typ" => &self.typst,
            "md" => &self.markdown,
            _ => &self.html,
        };
        engine
            .render(name, &context)
            .map_err(|e| template_error(None, name, &e))
    }
}

/// The templates folder with every link resolved: a template, font or asset that is a
/// symbolic link leading out of it is refused, so that a templates folder in a
/// repository cannot make a build read, and publish, a file elsewhere on the machine.
struct Inside {
    real: std::path::PathBuf,
}

impl Inside {
    fn new(dir: &Path) -> Result<Inside, String> {
        let real = std::fs::canonicalize(dir)
            .map_err(|e| format!("cannot read templates folder `{}` ({e})", dir.display()))?;
        Ok(Inside { real })
    }

    /// Refuses `path` when it resolves to a place outside the folder.
    fn check(&self, path: &Path) -> Result<(), String> {
        let real = std::fs::canonicalize(path)
            .map_err(|e| format!("cannot read `{}` ({e})", path.display()))?;
        if real.starts_with(&self.real) {
            return Ok(());
        }
        Err(format!(
            "`{}` is a symbolic link that leads out of the templates folder, to `{}`; templates, fonts and assets are read only from inside it",
            path.display(),
            real.display()
        ))
    }

    /// [`Inside::check`] for `path` (if it exists) and everything below it; each
    /// folder is looked into once, so a link to a folder above it ends.
    fn check_tree(&self, path: &Path) -> Result<(), String> {
        let mut seen = std::collections::HashSet::new();
        let mut todo = vec![path.to_path_buf()];
        while let Some(p) = todo.pop() {
            if std::fs::symlink_metadata(&p).is_err() {
                continue;
            }
            self.check(&p)?;
            let Ok(real) = std::fs::canonicalize(&p) else {
                continue;
            };
            if !real.is_dir() || !seen.insert(real) {
                continue;
            }
            let entries = std::fs::read_dir(&p)
                .map_err(|e| format!("cannot read `{}` ({e})", p.display()))?;
            todo.extend(entries.flatten().map(|e| e.path()));
        }
        Ok(())
    }
}

/// Which engine renders a template: `typ`, `md`, or `` (HTML and CSS).
fn engine_for(name: &str) -> &'static str {
    match Path::new(name).extension().and_then(|e| e.to_str()) {
        Some("typ") => "typ",
        Some("md") => "md",
        _ => "",
    }
}

fn template_error(dir: Option<&Path>, name: &str, e: &tera::Error) -> String {
    // The template at fault, when tera names it (a syntax error in an included
    // template, one of several added together), else the one being used.
    let name = match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) if !r.filename().is_empty() => {
            r.filename()
        }
        ErrorKind::MissingParent { current: tpl, .. }
        | ErrorKind::CircularExtend { tpl, .. }
        | ErrorKind::CircularInclude { tpl, .. } => tpl,
        _ => name,
    };
    let mut msg = format!("template `{name}`");
    if let Some(d) = dir {
        let p = d.join(name);
        if p.is_file() {
            msg = format!("template `{}`", p.display());
        }
    }
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail.push_str(&format!(": {s}"));
        source = s.source();
    }
    format!("{msg} cannot be used ({detail})")
}
