//! Writing files so that a reader never sees half of one: the primitives that
//! `publish` (output/, the font cache) and the commands that write where the user
//! asked (`eval --out`, `--draft`, `diff --out`) share.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes a file by renaming a complete copy over it, so that a reader (another build,
/// a Typst started by one) sees the old file or the new one, never a part. Errors are
/// the file system's, with the path left to the caller.
pub fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".styrdok-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(path).map(|_| ()).map_err(|e| e.error)
}

/// Writes a staged file. No fsync per file: an interrupted build leaves the staging
/// folder, never a half-written file in place (the rename is atomic); as with cargo and
/// Zola, durability across a power cut is left to the file system.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write `{}` ({e})", path.display()))
}

/// A file a command writes at a path the user named (`--out`, `--draft`).
///
/// A regular file (or a path that does not exist yet) is replaced atomically: the
/// data goes to a temporary file beside it, renamed over it only when complete. A
/// symbolic link is followed and its target replaced the same way. A device, pipe or
/// socket (`/dev/stdout`, a named pipe) is written directly: renaming over it would
/// destroy it. A folder is refused.
pub struct OutFile {
    inner: OutInner,
}

enum OutInner {
    Atomic {
        tmp: tempfile::NamedTempFile,
        target: PathBuf,
    },
    Direct(std::fs::File),
}

impl OutFile {
    /// Prepares writing `path`.
    pub fn create(path: &Path) -> Result<OutFile, String> {
        let target = match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path)
                .map_err(|e| format!("cannot follow the link `{}` ({e})", path.display()))?,
            _ => path.to_path_buf(),
        };
        match std::fs::metadata(&target) {
            Ok(m) if m.is_dir() => {
                return Err(format!("`{}` is a folder, not a file", path.display()));
            }
            Ok(m) if !m.is_file() => {
                let f = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&target)
                    .map_err(|e| format!("cannot write `{}` ({e})", path.display()))?;
                return Ok(OutFile {
                    inner: OutInner::Direct(f),
                });
            }
            _ => {}
        }
        let dir = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let tmp = tempfile::Builder::new()
            .prefix(".styrdok-")
            .tempfile_in(dir)
            .map_err(|e| format!("cannot write in `{}` ({e})", dir.display()))?;
        Ok(OutFile {
            inner: OutInner::Atomic { tmp, target },
        })
    }

    /// Where to write.
    pub fn writer(&mut self) -> &mut dyn Write {
        match &mut self.inner {
            OutInner::Atomic { tmp, .. } => tmp.as_file_mut(),
            OutInner::Direct(f) => f,
        }
    }

    /// Puts the complete file in place (an `OutFile` dropped before this leaves the
    /// target as it was).
    pub fn finish(self) -> Result<(), String> {
        match self.inner {
            OutInner::Atomic { tmp, target } => tmp
                .persist(&target)
                .map(|_| ())
                .map_err(|e| format!("cannot write `{}` ({})", target.display(), e.error)),
            OutInner::Direct(mut f) => f.flush().map_err(|e| format!("cannot write ({e})")),
        }
    }
}

impl Write for OutFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer().write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.writer().flush()
    }
}
