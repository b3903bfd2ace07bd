//! Load: read every file under a policy folder through one [`SourceTree`], parse
//! YAML into spanned nodes and decode them into the model. Problems become
//! diagnostics; only failures of the environment (the folder is missing) are errors.

pub mod decode;
pub mod git;
pub mod model;
pub mod schema;
pub mod yaml;

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{Document, Glossary, Policy};
use crate::source::{FileId, Sources, Span};
use yaml::Node;

/// Largest policy file read (larger files are reported, not read).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// The files shared by all documents, at the top of the policy folder.
pub const SHARED_FILES: [&str; 3] = ["glossary.yaml", "facts.yaml", "parameters.yaml"];

/// Read access to a policy folder: the disk, or memory in tests.
pub trait SourceTree {
    /// How the root is shown to users (`policy`).
    fn root(&self) -> &Path;
    /// Entries of a folder (relative to the root), sorted, with whether each is a folder.
    fn list(&self, dir: &Path) -> io::Result<Vec<(String, bool)>>;
    /// Size in bytes of a file.
    fn size(&self, file: &Path) -> io::Result<u64>;
    /// Contents of a file.
    fn read(&self, file: &Path) -> io::Result<Vec<u8>>;
}

/// A policy folder on disk. Only files inside it are read: a symbolic link that leads
/// out of the folder (a file, or a folder with files) is refused with an error that
/// names where it leads, its contents never read; a link to another place inside the
/// folder is followed.
#[derive(Debug)]
pub struct DiskTree {
    root: PathBuf,
    /// The folder with every link resolved, to compare what a path resolves to.
    real: PathBuf,
}

impl DiskTree {
    /// Opens `root`; an error if it is not a readable folder.
    pub fn new(root: impl Into<PathBuf>) -> Result<Self, String> {
        let root = root.into();
        match std::fs::metadata(&root) {
            Ok(m) if m.is_dir() => {
                let real = std::fs::canonicalize(&root)
                    .map_err(|e| format!("cannot read policy folder `{}` ({e})", root.display()))?;
                Ok(DiskTree { root, real })
            }
            Ok(_) => Err(format!(
                "`{}` is a file, not a policy folder",
                root.display()
            )),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Err(format!("policy folder `{}` does not exist", root.display()))
            }
            Err(e) => Err(format!(
                "cannot read policy folder `{}` ({e})",
                root.display()
            )),
        }
    }

    /// `rel` under the root, refused when links make it lead out of the folder.
    fn inside(&self, rel: &Path) -> io::Result<PathBuf> {
        let path = self.root.join(rel);
        let resolved = std::fs::canonicalize(&path)?;
        if !resolved.starts_with(&self.real) {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!(
                    "it is a symbolic link that leads out of the policy folder, to `{}`; styrdok reads only files inside the policy folder",
                    resolved.display()
                ),
            ));
        }
        Ok(path)
    }
}

impl SourceTree for DiskTree {
    fn root(&self) -> &Path {
        &self.root
    }
    fn list(&self, dir: &Path) -> io::Result<Vec<(String, bool)>> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(self.inside(dir)?)? {
            let e = e?;
            let name = e.file_name().to_string_lossy().into_owned();
            let t = e.file_type()?;
            // A link to a folder is a folder: what it holds is then read, or refused
            // when it leads out of the policy folder.
            let is_dir = t.is_dir() || (t.is_symlink() && e.path().is_dir());
            out.push((name, is_dir));
        }
        out.sort();
        Ok(out)
    }
    fn size(&self, file: &Path) -> io::Result<u64> {
        Ok(std::fs::metadata(self.inside(file)?)?.len())
    }
    fn read(&self, file: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(self.inside(file)?)
    }
}

/// `path` with its own symbolic link resolved, when it is one: a file the user named on
/// the command line (a case file, a test file) is read wherever its link leads, while a
/// [`DiskTree`] of its folder refuses links that lead out of that folder.
pub fn followed(path: &Path) -> PathBuf {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

/// A policy folder held in memory, for tests and benchmarks.
#[derive(Debug, Default)]
pub struct MemoryTree {
    root: PathBuf,
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl MemoryTree {
    /// An empty tree shown to users as `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        MemoryTree {
            root: root.into(),
            files: BTreeMap::new(),
        }
    }

    /// Adds a file at a path relative to the root.
    #[must_use]
    pub fn with(mut self, path: &str, content: impl Into<Vec<u8>>) -> Self {
        self.files.insert(PathBuf::from(path), content.into());
        self
    }
}

/// The entries directly in `dir` of a tree known as a list of file paths (a memory
/// tree, a git tree): each name once, with whether it is a folder, sorted.
pub(crate) fn entries_of<'a>(
    paths: impl IntoIterator<Item = &'a PathBuf>,
    dir: &Path,
) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    for path in paths {
        let Ok(rest) = path.strip_prefix(dir) else {
            continue;
        };
        let mut parts = rest.components();
        let Some(first) = parts.next() else { continue };
        let entry = (
            first.as_os_str().to_string_lossy().into_owned(),
            parts.next().is_some(),
        );
        if !out.contains(&entry) {
            out.push(entry);
        }
    }
    out.sort();
    out
}

impl SourceTree for MemoryTree {
    fn root(&self) -> &Path {
        &self.root
    }
    fn list(&self, dir: &Path) -> io::Result<Vec<(String, bool)>> {
        Ok(entries_of(self.files.keys(), dir))
    }
    fn size(&self, file: &Path) -> io::Result<u64> {
        self.files
            .get(file)
            .map(|f| f.len() as u64)
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }
    fn read(&self, file: &Path) -> io::Result<Vec<u8>> {
        self.files
            .get(file)
            .cloned()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }
}

/// Reads one file into `sources` and parses it, reporting size, encoding and syntax problems.
pub fn read_yaml(
    tree: &dyn SourceTree,
    rel: &Path,
    sources: &mut Sources,
    d: &mut Diagnostics,
) -> Option<(FileId, Node)> {
    let shown = tree.root().join(rel);
    let (id, ok) = read_text(tree, rel, &shown, MAX_FILE_BYTES, sources, d);
    if !ok {
        return None;
    }
    yaml::parse(id, sources.get(id), d).map(|n| (id, n))
}

/// Reads a text file within a size limit into `sources`; reports what stops it from being text.
pub fn read_text(
    tree: &dyn SourceTree,
    rel: &Path,
    shown: &Path,
    limit: u64,
    sources: &mut Sources,
    d: &mut Diagnostics,
) -> (FileId, bool) {
    let fail = |sources: &mut Sources, d: &mut Diagnostics, msg: String, hint: Option<&str>| {
        let id = sources.add(shown, String::new());
        let mut diag = Diagnostic::error("unreadable", Span::file_start(id), msg);
        if let Some(h) = hint {
            diag = diag.with_hint(h);
        }
        d.push(diag);
        (id, false)
    };
    match tree.size(rel) {
        Ok(n) if n > limit => {
            let msg = format!(
                "file is {:.1} MiB, more than the {} MiB that styrdok reads",
                n as f64 / (1024.0 * 1024.0),
                limit / (1024 * 1024)
            );
            return fail(
                sources,
                d,
                msg,
                Some("is this the right file? policy and case files are a few kilobytes"),
            );
        }
        Ok(_) => {}
        Err(e) => return fail(sources, d, format!("cannot read file ({e})"), None),
    }
    let bytes = match tree.read(rel) {
        Ok(b) => b,
        Err(e) => return fail(sources, d, format!("cannot read file ({e})"), None),
    };
    match String::from_utf8(bytes) {
        Ok(text) => {
            let text = text
                .strip_prefix('\u{feff}')
                .map(str::to_string)
                .unwrap_or(text);
            if let Some(at) = text.find('\0') {
                let id = sources.add(shown, text);
                d.push(
                    Diagnostic::error(
                        "not-text",
                        Span::new(id, at, at + 1),
                        "file contains a NUL byte: it is binary, not text",
                    )
                    .with_hint(
                        "policy files are UTF-8 text; was a binary file saved with a .yaml name?",
                    ),
                );
                return (id, false);
            }
            (sources.add(shown, text), true)
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let id = sources.add(shown, text);
            // The text kept is the lossy one: the bad byte is the U+FFFD at `at` (the text
            // before it is the same), so the span is that whole character, never a part.
            let bad = char::REPLACEMENT_CHARACTER.len_utf8();
            d.push(
                Diagnostic::error(
                    "not-text",
                    Span::new(id, at, at + bad),
                    "file is not valid UTF-8",
                )
                .with_label("the first byte that is not UTF-8")
                .with_hint(
                    "save the file as UTF-8 (files from older Windows editors are often Latin-1)",
                ),
            );
            (id, false)
        }
    }
}

/// Loads everything under a policy folder. Returns the policy (with whatever
/// could be decoded) and every problem found while reading it.
pub fn load(tree: &dyn SourceTree) -> (Policy, Diagnostics) {
    let mut d = Diagnostics::default();
    let mut sources = Sources::default();
    let mut glossary = Glossary::default();
    let mut facts = Vec::new();
    let mut parameters = Vec::new();
    let mut documents = Vec::new();

    let top = match tree.list(Path::new("")) {
        Ok(t) => t,
        Err(e) => {
            let id = sources.add(tree.root(), String::new());
            d.push(Diagnostic::error(
                "unreadable",
                Span::file_start(id),
                format!("cannot list the policy folder ({e})"),
            ));
            Vec::new()
        }
    };
    for (name, is_dir) in &top {
        if name.starts_with('.') {
            continue;
        }
        let rel = PathBuf::from(name);
        if *is_dir {
            if let Some(doc) = load_document(tree, name, &mut sources, &mut d) {
                documents.push(doc);
            }
            continue;
        }
        if !is_yaml(name) {
            continue;
        }
        let Some((id, node)) = read_yaml(tree, &rel, &mut sources, &mut d) else {
            continue;
        };
        match name.as_str() {
            "glossary.yaml" => glossary = model::glossary(&node, &mut d).unwrap_or_default(),
            "facts.yaml" => facts = model::facts(&node, &mut d).unwrap_or_default(),
            "parameters.yaml" => parameters = model::parameters(&node, &mut d).unwrap_or_default(),
            other => {
                let mut diag = Diagnostic::warning(
                    "unknown-file",
                    Span::file_start(id),
                    format!("`{other}` is not a known policy file; it is ignored"),
                );
                diag = match crate::diag::did_you_mean(other, SHARED_FILES) {
                    Some(best) => diag.with_hint(format!("did you mean `{best}`?")),
                    None => diag.with_hint("shared files are glossary.yaml, facts.yaml and parameters.yaml; each document has its own folder"),
                };
                d.push(diag);
            }
        }
    }
    // A folder with no document in it is most likely the wrong folder.
    if documents.is_empty() && !d.has_errors() {
        let id = sources.add(tree.root(), String::new());
        d.push(
            Diagnostic::error(
                "no-documents",
                Span::file_start(id),
                "this folder holds no document: no subfolder with a version file",
            )
            .with_hint("a policy folder has one folder per document, e.g. `stod-arbete-studier/2022-05.yaml`; is this the right folder?"),
        );
    }
    (
        Policy {
            sources,
            glossary,
            facts,
            parameters,
            documents,
        },
        d,
    )
}

/// Whether a file name is a YAML file's (`.yaml` or `.yml`, any case).
pub fn is_yaml(name: &str) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

fn load_document(
    tree: &dyn SourceTree,
    name: &str,
    sources: &mut Sources,
    d: &mut Diagnostics,
) -> Option<Document> {
    let entries = match tree.list(Path::new(name)) {
        Ok(e) => e,
        Err(e) => {
            let id = sources.add(tree.root().join(name), String::new());
            d.push(Diagnostic::error(
                "unreadable",
                Span::file_start(id),
                format!("cannot list folder ({e})"),
            ));
            return None;
        }
    };
    let mut versions = Vec::new();
    for (file, is_dir) in entries {
        if is_dir || !is_yaml(&file) || file.starts_with('.') {
            continue;
        }
        let rel = Path::new(name).join(&file);
        let Some((id, node)) = read_yaml(tree, &rel, sources, d) else {
            continue;
        };
        if let Some(v) = model::version(&node, id, d) {
            versions.push(v);
        }
    }
    if versions.is_empty() {
        return None;
    }
    // The folder name is the document's id: a path in output/ and part of URLs.
    if !crate::model::is_slug(name, true) || name.len() > 64 {
        d.push(
            Diagnostic::error("bad-id", Span::file_start(versions[0].file), format!("document folder `{name}` is not a valid id"))
                .with_hint("name document folders with lowercase a–z, digits, `-` and `_` (at most 64), e.g. `stod-arbete-studier`"),
        );
    }
    versions.sort_by_key(|v| (v.valid_from.value, v.version.value.clone()));
    Some(Document {
        id: name.to_string(),
        versions,
    })
}
