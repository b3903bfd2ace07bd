//! The build's record of what it put in the output folder: `.styrdok-manifest.json`.
//!
//! Every file a build published, by its path relative to the output folder, with the
//! content hash of the version it was made from and, for a PDF, a digest of what Typst
//! compiled it from (`built_from`: its Typst source, and the fonts and assets of the
//! templates folder). The next build reads it to know which files are its own: those no
//! longer made (a document or version removed from the policy) leave the output folder
//! in the same commit, and an `--html-only` build keeps a PDF only when the Typst source
//! it would compile now is the one the PDF was compiled from. Files the record does not
//! name are left alone, except a PDF at the path a build writes.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The record's file name, inside the output folder.
pub(super) const NAME: &str = ".styrdok-manifest.json";
const FORMAT: &str = "styrdok/manifest/v1";

/// One published file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub(super) struct Entry {
    /// `sha256:…` of the version the file belongs to; absent for `index.html`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) content_hash: Option<String>,
    /// For a PDF: [`pdf_key`] of what Typst compiled it from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) built_from: Option<String>,
}

/// What a build published, by path relative to the output folder (`/` separated).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Manifest {
    format: String,
    pub(super) files: BTreeMap<String, Entry>,
}

impl Manifest {
    /// An empty record.
    pub(super) fn new() -> Manifest {
        Manifest {
            format: FORMAT.into(),
            files: BTreeMap::new(),
        }
    }

    /// The record in `out`; empty when there is none, or it cannot be read (an output
    /// folder from before the record, or one edited by hand). Paths that are not plain
    /// relative paths inside the folder (`..`, absolute, hidden) are dropped, so that a
    /// damaged record can never make a build remove anything outside the output folder.
    pub(super) fn read(out: &Path) -> Manifest {
        let Ok(text) = std::fs::read_to_string(out.join(NAME)) else {
            return Manifest::new();
        };
        let Ok(mut m) = serde_json::from_str::<Manifest>(&text) else {
            return Manifest::new();
        };
        if m.format != FORMAT {
            return Manifest::new();
        }
        m.files.retain(|p, _| plain(p).is_some());
        m
    }

    /// The record as written: pretty JSON, sorted, ending in a newline.
    pub(super) fn to_bytes(&self) -> Vec<u8> {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s.into_bytes()
    }
}

/// `rel` as a path inside the output folder: only normal, visible components.
pub(super) fn plain(rel: &str) -> Option<PathBuf> {
    let p = Path::new(rel);
    let ok = !rel.is_empty()
        && p.components().all(|c| match c {
            Component::Normal(n) => !n.to_string_lossy().starts_with('.'),
            _ => false,
        });
    ok.then(|| p.to_path_buf())
}

/// A path relative to the output folder as the record writes it (`/` separated).
pub(super) fn key(rel: &Path) -> String {
    crate::source::display_path(rel)
}

/// What a PDF is compiled from, as `sha256:…`: the fonts and assets of the templates
/// folder (`inputs`, from [`inputs_digest`]) and the Typst source, without its
/// `// source: file:line` comments, which name the YAML by the path the build was given
/// (`policy/…` or `/home/…/policy/…`) and change nothing in the PDF. User text never
/// spans lines in the source (string literals escape line breaks), so such a line is
/// always one of those comments.
pub(super) fn pdf_key(inputs: &str, typ: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(inputs.as_bytes());
    h.update([0]);
    for line in typ.split_inclusive(|&b| b == b'\n') {
        if !line.trim_ascii_start().starts_with(b"// source: ") {
            h.update(line);
        }
    }
    format!("sha256:{:x}", h.finalize())
}

/// A digest of the files Typst reads besides the Typst source: the templates folder's
/// `fonts/` and `assets/`, by path and contents (the fonts compiled into styrdok are
/// named by its version in the source). Empty folders or none: a fixed value.
pub(super) fn inputs_digest(files: &[PathBuf], base: Option<&Path>) -> Result<String, String> {
    let mut h = Sha256::new();
    h.update(concat!("styrdok ", env!("CARGO_PKG_VERSION")).as_bytes());
    let mut sorted: Vec<&PathBuf> = files.iter().collect();
    sorted.sort();
    for f in sorted {
        let bytes = std::fs::read(f).map_err(|e| format!("cannot read `{}` ({e})", f.display()))?;
        let name = base.and_then(|b| f.strip_prefix(b).ok()).unwrap_or(f);
        h.update([0]);
        h.update(name.to_string_lossy().as_bytes());
        h.update([0]);
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    Ok(format!("sha256:{:x}", h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::{Entry, Manifest, NAME, pdf_key, plain};

    /// The key of a PDF ignores the comments naming the YAML's path, and nothing else.
    #[test]
    fn a_pdf_key_ignores_only_the_source_comments() {
        let a = "// content hash\n// source: policy/x/1.yaml:4:1\n#\"Text\";\n";
        let b = "// content hash\n// source: /home/u/policy/x/1.yaml:4:1\n#\"Text\";\n";
        let c = "// content hash\n// source: policy/x/1.yaml:4:1\n#\"Texten\";\n";
        assert_eq!(pdf_key("i", a.as_bytes()), pdf_key("i", b.as_bytes()));
        assert_ne!(pdf_key("i", a.as_bytes()), pdf_key("i", c.as_bytes()));
        assert_ne!(pdf_key("i", a.as_bytes()), pdf_key("j", a.as_bytes()));
    }

    #[test]
    fn only_plain_paths_inside_the_folder_are_read_back() {
        assert!(plain("a/b/c.pdf").is_some());
        for bad in [
            "",
            "../x",
            "a/../../x",
            "/etc/passwd",
            ".styrdok-build-x/a",
            "a/.b",
        ] {
            assert!(plain(bad).is_none(), "{bad}");
        }
        let dir = tempfile::tempdir().unwrap();
        let mut m = Manifest::new();
        m.files.insert("doc/1/doc-1.pdf".into(), Entry::default());
        m.files.insert("../outside.html".into(), Entry::default());
        std::fs::write(dir.path().join(NAME), m.to_bytes()).unwrap();
        let back = Manifest::read(dir.path());
        assert_eq!(
            back.files.keys().collect::<Vec<_>>(),
            vec!["doc/1/doc-1.pdf"]
        );
        std::fs::write(dir.path().join(NAME), "{not json").unwrap();
        assert!(Manifest::read(dir.path()).files.is_empty());
    }
}
