//! `styrdok init`: a working policy folder to start from — one riktlinje, its facts,
//! parameters, glossary and policy tests — that checks clean, passes its tests at full
//! coverage and builds. The files are placeholders, in Swedish, compiled into the
//! binary (src/init/), so a new folder never depends on where styrdok was installed.

use std::path::{Path, PathBuf};

/// The files `init` writes, by path inside the new folder, in the order written.
pub const FILES: &[(&str, &str)] = &[
    ("glossary.yaml", include_str!("init/glossary.yaml")),
    ("facts.yaml", include_str!("init/facts.yaml")),
    ("parameters.yaml", include_str!("init/parameters.yaml")),
    (
        "exempel-riktlinje/2026-01.yaml",
        include_str!("init/exempel-riktlinje/2026-01.yaml"),
    ),
    (
        "exempel-riktlinje/tests/exempel.yaml",
        include_str!("init/exempel-riktlinje/tests/exempel.yaml"),
    ),
];

/// Why `init` wrote nothing.
#[derive(Debug)]
pub enum InitError {
    /// The folder named is in the way (not empty, or not a folder): the user's input.
    Refused(String),
    /// The file system failed.
    Failed(String),
}

/// Writes the starting policy folder at `dir`, whole or not at all.
///
/// A folder that does not exist is made in a staging folder beside it
/// (`.styrdok-init-XXXXXX`, same file system) and renamed into place in one step. An
/// existing **empty** folder (the current one, say, which must not be replaced under a
/// shell standing in it) gets the files staged inside it, then each top-level entry
/// moved into place by a rename; should one move fail, the ones moved are taken back.
/// Anything else already at `dir` — a file, a folder with anything in it — is refused.
///
/// # Errors
/// [`InitError::Refused`] when `dir` is in the way, [`InitError::Failed`] when the file
/// system fails; in both cases nothing is left behind.
pub fn init(dir: &Path) -> Result<(), InitError> {
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {
            let mut entries = std::fs::read_dir(dir).map_err(|e| {
                InitError::Failed(format!("cannot read the folder `{}` ({e})", dir.display()))
            })?;
            if entries.next().is_some() {
                return Err(InitError::Refused(format!(
                    "`{}` is not empty: `styrdok init` writes only into a new or an empty folder",
                    dir.display()
                )));
            }
            into_empty(dir)
        }
        Ok(_) => Err(InitError::Refused(format!(
            "`{}` exists and is not a folder",
            dir.display()
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => into_new(dir),
        Err(e) => Err(InitError::Failed(format!(
            "cannot read `{}` ({e})",
            dir.display()
        ))),
    }
}

fn into_new(dir: &Path) -> Result<(), InitError> {
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(InitError::Failed(format!(
            "the folder `{}` does not exist: create it first",
            parent.display()
        )));
    }
    let staging = staging_in(parent)?;
    write_all(staging.path())?;
    // rename(2) puts the whole folder in place at once, and fails rather than replace
    // a folder that someone filled meanwhile.
    std::fs::rename(staging.path(), dir)
        .map_err(|e| InitError::Failed(format!("cannot create `{}` ({e})", dir.display())))?;
    // Renamed: nothing is left to remove.
    let _ = staging.keep();
    Ok(())
}

fn into_empty(dir: &Path) -> Result<(), InitError> {
    let staging = staging_in(dir)?;
    write_all(staging.path())?;
    let mut tops: Vec<&str> = FILES
        .iter()
        .map(|(p, _)| p.split('/').next().unwrap_or(p))
        .collect();
    tops.dedup();
    let mut moved: Vec<(PathBuf, PathBuf)> = Vec::new();
    for top in tops {
        let (from, to) = (staging.path().join(top), dir.join(top));
        // A name that appeared meanwhile is not replaced.
        let taken = std::fs::symlink_metadata(&to).is_ok();
        let r = if taken {
            Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "it appeared while styrdok was writing",
            ))
        } else {
            std::fs::rename(&from, &to)
        };
        if let Err(e) = r {
            for (back_to, back_from) in moved.iter().rev() {
                let _ = std::fs::rename(back_from, back_to);
            }
            return Err(InitError::Failed(format!(
                "cannot create `{}` ({e}); nothing was written",
                to.display()
            )));
        }
        moved.push((from, to));
    }
    Ok(())
}

/// A staging folder in `dir`, with the permissions a folder made the ordinary way gets
/// (not a temporary folder's owner-only 0700): it becomes the policy folder.
fn staging_in(dir: &Path) -> Result<tempfile::TempDir, InitError> {
    let mut b = tempfile::Builder::new();
    b.prefix(".styrdok-init-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        // The mode is given to mkdir(2), which takes the umask off.
        b.permissions(std::fs::Permissions::from_mode(0o777));
    }
    b.tempdir_in(dir)
        .map_err(|e| InitError::Failed(format!("cannot write in `{}` ({e})", dir.display())))
}

/// Writes the files (each names its JSON Schema on its first line) and the schemas
/// into `.schema/` (see [`crate::schema`]), so that an editor helps from the start.
fn write_all(staging: &Path) -> Result<(), InitError> {
    for (rel, text) in FILES {
        let path = staging.join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)
                .map_err(|e| InitError::Failed(format!("cannot create `{}` ({e})", p.display())))?;
        }
        crate::write::write_new(&path, text.as_bytes()).map_err(InitError::Failed)?;
    }
    let schemas = staging.join(crate::schema::SCHEMA_DIR);
    std::fs::create_dir_all(&schemas)
        .map_err(|e| InitError::Failed(format!("cannot create `{}` ({e})", schemas.display())))?;
    for (kind, text) in crate::schema::files() {
        crate::write::write_new(&schemas.join(kind.file_name()), text.as_bytes())
            .map_err(InitError::Failed)?;
    }
    Ok(())
}
