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
    let mut tmp = staged(dir, path)?;
    tmp.write_all(bytes)?;
    tmp.persist(path).map(|_| ()).map_err(|e| e.error)
}

/// A temporary file in `dir` that will be renamed over `target`, with the permissions
/// the result should have: those of the file it replaces, or for a new file what any
/// new file gets (read and write for all, less the umask), not a temporary file's
/// owner-only 0600, which would leave a published page unreadable to the web server.
fn staged(dir: &Path, target: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut b = tempfile::Builder::new();
    b.prefix(".styrdok-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        // The mode is given to open(2), which takes the umask off.
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = b.tempfile_in(dir)?;
    if let Ok(m) = std::fs::metadata(target) {
        if m.is_file() {
            tmp.as_file().set_permissions(m.permissions())?;
        }
    }
    Ok(tmp)
}

/// Writes a staged file. No fsync per file: an interrupted build leaves the staging
/// folder, never a half-written file in place (the rename is atomic); as with cargo and
/// Zola, durability across a power cut is left to the file system.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write `{}` ({e})", path.display()))
}

/// Refuses an output path that names one of the command's inputs: writing there would
/// replace what is being read. Compared as files (device and inode; a hard link or
/// another spelling of the path is the same file), so an output that does not exist
/// yet is never an input, nor is a device or pipe (`/dev/stdout`). `what` names the
/// option in the message (`--out`).
///
/// # Errors
/// `` `--out cases.jsonl` is a file this command reads: write to another file ``.
pub fn not_an_input<'a>(
    what: &str,
    out: &Path,
    inputs: impl IntoIterator<Item = &'a Path>,
) -> Result<(), String> {
    // Only regular files are opened: opening a named pipe would wait for a writer, or
    // take data meant for the command.
    let handle = |p: &Path| {
        std::fs::metadata(p)
            .is_ok_and(|m| m.is_file())
            .then(|| same_file::Handle::from_path(p).ok())
            .flatten()
    };
    let Some(out_handle) = handle(out) else {
        return Ok(());
    };
    for input in inputs {
        if handle(input).is_some_and(|h| h == out_handle) {
            let also = if input == out {
                String::new()
            } else {
                format!(" (`{}`)", input.display())
            };
            return Err(format!(
                "`{what} {}` is a file this command reads{also}: write to another file",
                out.display()
            ));
        }
    }
    Ok(())
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
            Ok(m) if m.file_type().is_symlink() => match std::fs::canonicalize(path) {
                Ok(t) => t,
                // `/dev/stdout` leads to `/proc/self/fd/1`, which leads to no path when
                // it is a pipe: a link to what is not a file is written through.
                Err(_) if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) => {
                    path.to_path_buf()
                }
                Err(e) => {
                    return Err(format!("cannot follow the link `{}` ({e})", path.display()));
                }
            },
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
        let tmp = staged(dir, &target)
            .map_err(|e| format!("cannot write in `{}` ({e})", dir.display()))?;
        Ok(OutFile {
            inner: OutInner::Atomic { tmp, target },
        })
    }

    /// Whether what is written is seen before [`OutFile::finish`]: a device or pipe is
    /// written directly, a file only appears when complete.
    pub fn is_direct(&self) -> bool {
        matches!(self.inner, OutInner::Direct(_))
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

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_replaced_file_keeps_its_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("kept.txt");
        std::fs::write(&p, "old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        replace(&p, b"new").unwrap();
        assert_eq!(mode(&p), 0o640);
        let mut f = OutFile::create(&p).unwrap();
        f.write_all(b"newer").unwrap();
        f.finish().unwrap();
        assert_eq!(mode(&p), 0o640);
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "newer");
    }

    #[test]
    fn a_new_file_gets_what_any_new_file_gets() {
        let dir = tempfile::tempdir().unwrap();
        // What the umask leaves of 0666, as a file created the ordinary way shows.
        let plain = dir.path().join("plain.txt");
        std::fs::write(&plain, "x").unwrap();
        let expected = mode(&plain);
        let a = dir.path().join("a.txt");
        replace(&a, b"a").unwrap();
        let b = dir.path().join("b.txt");
        let mut f = OutFile::create(&b).unwrap();
        f.write_all(b"b").unwrap();
        f.finish().unwrap();
        assert_eq!(mode(&a), expected);
        assert_eq!(mode(&b), expected);
    }

    #[test]
    fn an_output_is_compared_with_inputs_as_files() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.jsonl");
        std::fs::write(&input, "{}").unwrap();
        let other = dir.path().join("sub/../in.jsonl");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let err = not_an_input("--out", &other, [input.as_path()]).unwrap_err();
        assert!(err.contains("is a file this command reads"), "{err}");
        // A file that does not exist yet, or another file, is not an input.
        assert!(not_an_input("--out", &dir.path().join("new"), [input.as_path()]).is_ok());
        let elsewhere = dir.path().join("other.jsonl");
        std::fs::write(&elsewhere, "").unwrap();
        assert!(not_an_input("--out", &elsewhere, [input.as_path()]).is_ok());
    }
}
