//! `styrdok schema`: the JSON Schemas of every policy file kind, for editors.
//!
//! Each schema is generated from the decoder that `load` (or, for policy tests and
//! case files, `eval`) reads the file with: see [`crate::load::schema`]. They are
//! written into the policy folder's `.schema/` (a dot folder, which the loader skips),
//! and each YAML file names its schema on its first line,
//!
//! ```yaml
//! # yaml-language-server: $schema=../.schema/document.schema.json
//! ```
//!
//! so that an editor with a YAML language server (VS Code with Red Hat's YAML
//! extension, Neovim, Emacs, Helix …) completes keys with their Swedish descriptions
//! and flags mistakes while typing. `styrdok check` stays the authority: the schemas
//! accept everything the loader accepts, and `check` says more.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::eval::{case, policytest};
use crate::load::model;
use crate::load::schema::SchemaGen;
use crate::source::FileId;

/// The folder inside a policy folder that holds its schemas.
pub const SCHEMA_DIR: &str = ".schema";

/// The start of the comment that names a file's schema (yaml-language-server's
/// modeline, which other YAML language servers read too).
pub const MODELINE: &str = "# yaml-language-server: $schema=";

/// One kind of policy file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `<document>/<version>.yaml`.
    Document,
    /// `facts.yaml`.
    Facts,
    /// `parameters.yaml`.
    Parameters,
    /// `glossary.yaml`.
    Glossary,
    /// `<document>/tests/*.yaml`.
    Tests,
    /// A case file for `styrdok eval --case` (anywhere).
    Case,
}

impl Kind {
    /// Every kind, in the order they are written.
    pub const ALL: [Kind; 6] = [
        Kind::Document,
        Kind::Facts,
        Kind::Parameters,
        Kind::Glossary,
        Kind::Tests,
        Kind::Case,
    ];

    /// The schema's file name, e.g. `document.schema.json`.
    pub fn file_name(self) -> &'static str {
        match self {
            Kind::Document => "document.schema.json",
            Kind::Facts => "facts.schema.json",
            Kind::Parameters => "parameters.schema.json",
            Kind::Glossary => "glossary.schema.json",
            Kind::Tests => "tests.schema.json",
            Kind::Case => "case.schema.json",
        }
    }

    /// The schema's title, in Swedish as editors show it.
    fn title(self) -> &'static str {
        match self {
            Kind::Document => "Version av ett styrdokument (riktlinje eller tillämpningsanvisning)",
            Kind::Facts => "Fakta som kriteriernas regler läser (facts.yaml)",
            Kind::Parameters => "Daterade parametrar: belopp, gränser, andelar (parameters.yaml)",
            Kind::Glossary => "Begrepp, lagar, roller och stavning (glossary.yaml)",
            Kind::Tests => "Policytester: ärenden med förväntat utfall",
            Kind::Case => "Ärende att pröva med styrdok eval",
        }
    }

    /// The JSON Schema of this kind of file.
    pub fn schema(self) -> Value {
        let mut g = SchemaGen::default();
        let root = root(self, &mut g);
        g.file(self.title(), root)
    }

    /// The kind of the YAML file at `rel` inside a policy folder, by where it lies:
    /// `glossary.yaml`, `facts.yaml`, `parameters.yaml` at the top, `<doc>/*.yaml`,
    /// `<doc>/tests/*.yaml`. `None` for any other file.
    pub fn of_path(rel: &Path) -> Option<Kind> {
        let parts: Vec<&str> = rel.iter().filter_map(|p| p.to_str()).collect();
        let yaml = |s: &str| crate::load::is_yaml(s);
        match parts.as_slice() {
            ["glossary.yaml"] => Some(Kind::Glossary),
            ["facts.yaml"] => Some(Kind::Facts),
            ["parameters.yaml"] => Some(Kind::Parameters),
            [doc, f] if !doc.starts_with('.') && yaml(f) => Some(Kind::Document),
            [doc, "tests", f] if !doc.starts_with('.') && yaml(f) => Some(Kind::Tests),
            _ => None,
        }
    }
}

/// The root object of a kind, probed from its decoder.
fn root(kind: Kind, g: &mut SchemaGen) -> Value {
    match kind {
        Kind::Document => g.object("document", |n, d| {
            model::version(n, FileId(0), d);
        }),
        Kind::Facts => g.object("facts-file", |n, d| {
            model::facts(n, d);
        }),
        Kind::Parameters => g.object("parameters-file", |n, d| {
            model::parameters(n, d);
        }),
        Kind::Glossary => g.object("glossary", |n, d| {
            model::glossary(n, d);
        }),
        Kind::Tests => policytest::schema(g),
        Kind::Case => case::schema(g),
    }
}

/// Every schema, as the bytes written: pretty JSON with a final newline.
pub fn files() -> Vec<(Kind, String)> {
    Kind::ALL
        .iter()
        .map(|&k| {
            let mut text = serde_json::to_string_pretty(&k.schema()).unwrap_or_default();
            text.push('\n');
            (k, text)
        })
        .collect()
}

/// Every object the decoders read, with the keys each asks for (for tests and the
/// descriptions file).
pub fn objects() -> (
    std::collections::BTreeMap<&'static str, Vec<&'static str>>,
    SchemaGen,
) {
    let mut g = SchemaGen::default();
    for k in Kind::ALL {
        root(k, &mut g);
    }
    (g.objects().clone(), g)
}

/// The modeline for a file at `rel` (inside the policy folder) of `kind`: a path
/// relative to the file, e.g. `../.schema/document.schema.json`.
pub fn modeline(rel: &Path, kind: Kind) -> String {
    let depth = rel.components().count().saturating_sub(1);
    let mut path = "../".repeat(depth);
    path.push_str(SCHEMA_DIR);
    path.push('/');
    path.push_str(kind.file_name());
    format!("{MODELINE}{path}")
}

/// What `styrdok schema` did or would do.
#[derive(Debug, Default)]
pub struct Report {
    /// Schema files written (or, with `check`, out of date).
    pub schemas: Vec<PathBuf>,
    /// YAML files given a modeline (or, with `check`, lacking one).
    pub headers: Vec<PathBuf>,
}

/// Writes the schemas into `dir` (each whole or not at all; files already equal are
/// left alone) and, with `headers`, puts the modeline on the first line of every YAML
/// file of the policy folder that names no schema yet. With `check`, writes nothing
/// and reports what is out of date.
///
/// # Errors
/// A folder or file that cannot be read or written, with its path.
pub fn write(policy: &Path, dir: &Path, headers: bool, check: bool) -> Result<Report, String> {
    let mut report = Report::default();
    if !check {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create `{}` ({e})", dir.display()))?;
    }
    for (kind, text) in files() {
        let path = dir.join(kind.file_name());
        let same = std::fs::read(&path).is_ok_and(|old| old == text.as_bytes());
        if same {
            continue;
        }
        if !check {
            crate::write::replace(&path, text.as_bytes())
                .map_err(|e| format!("cannot write `{}` ({e})", path.display()))?;
        }
        report.schemas.push(path);
    }
    if headers {
        for (rel, kind) in yaml_files(policy)? {
            let path = policy.join(&rel);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read `{}` ({e})", path.display()))?;
            if names_schema(&text) {
                continue;
            }
            if !check {
                let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
                let with = format!("{}{newline}{text}", modeline(&rel, kind));
                crate::write::replace(&path, with.as_bytes())
                    .map_err(|e| format!("cannot write `{}` ({e})", path.display()))?;
            }
            report.headers.push(path);
        }
    }
    Ok(report)
}

/// Whether a YAML text names a schema in a yaml-language-server modeline (anywhere in
/// its leading comments, as the language server reads it).
pub fn names_schema(text: &str) -> bool {
    text.lines()
        .take_while(|l| l.trim_start().starts_with('#') || l.trim().is_empty())
        .any(|l| l.contains("yaml-language-server:") && l.contains("$schema="))
}

/// The YAML files of a policy folder that have a kind, by path relative to it, sorted.
fn yaml_files(policy: &Path) -> Result<Vec<(PathBuf, Kind)>, String> {
    fn walk(
        root: &Path,
        rel: &Path,
        depth: usize,
        out: &mut Vec<(PathBuf, Kind)>,
    ) -> Result<(), String> {
        let dir = root.join(rel);
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| format!("cannot list `{}` ({e})", dir.display()))?;
        for e in entries {
            let e = e.map_err(|e| format!("cannot list `{}` ({e})", dir.display()))?;
            let name = e.file_name();
            let Some(name) = name.to_str() else { continue };
            if name.starts_with('.') {
                continue;
            }
            let rel = rel.join(name);
            let ty = e
                .file_type()
                .map_err(|e| format!("cannot read `{}` ({e})", rel.display()))?;
            if ty.is_dir() && depth < 2 {
                walk(root, &rel, depth + 1, out)?;
            } else if ty.is_file() {
                if let Some(kind) = Kind::of_path(&rel) {
                    out.push((rel, kind));
                }
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(policy, Path::new(""), 0, &mut out)?;
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_folder_layout() {
        let k = |p: &str| Kind::of_path(Path::new(p));
        assert_eq!(k("glossary.yaml"), Some(Kind::Glossary));
        assert_eq!(k("facts.yaml"), Some(Kind::Facts));
        assert_eq!(k("parameters.yaml"), Some(Kind::Parameters));
        assert_eq!(k("stod/2022-05.yaml"), Some(Kind::Document));
        assert_eq!(k("stod/tests/lss.yml"), Some(Kind::Tests));
        assert_eq!(k("other.yaml"), None);
        assert_eq!(k(".schema/x.yaml"), None);
        assert_eq!(k("stod/notes.txt"), None);
        assert_eq!(k("stod/tests/deeper/x.yaml"), None);
    }

    #[test]
    fn modelines_are_relative_to_the_file() {
        assert_eq!(
            modeline(Path::new("stod/2022-05.yaml"), Kind::Document),
            "# yaml-language-server: $schema=../.schema/document.schema.json"
        );
        assert_eq!(
            modeline(Path::new("facts.yaml"), Kind::Facts),
            "# yaml-language-server: $schema=.schema/facts.schema.json"
        );
        assert_eq!(
            modeline(Path::new("stod/tests/a.yaml"), Kind::Tests),
            "# yaml-language-server: $schema=../../.schema/tests.schema.json"
        );
    }

    #[test]
    fn a_modeline_is_found_among_leading_comments_only() {
        assert!(names_schema(
            "# yaml-language-server: $schema=x.json\nkind: riktlinje\n"
        ));
        assert!(names_schema(
            "# Riktlinje\n\n# yaml-language-server: $schema=x\na: 1\n"
        ));
        assert!(!names_schema("a: 1\n# yaml-language-server: $schema=x\n"));
        assert!(!names_schema("# just a comment\na: 1\n"));
    }
}
