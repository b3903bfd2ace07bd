//! A policy folder as it was at a git revision, read through the `git` command (as
//! `git show REV:path` reads it): the work tree and the index are never touched. One
//! `git ls-tree` lists the folder; each file is read with `git cat-file` when the loader
//! asks for it.

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use super::SourceTree;

/// What a path names at a revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// A file.
    File,
    /// A folder.
    Folder,
}

/// A repository: the folder git runs in and the top of its work tree.
#[derive(Debug, Clone)]
pub struct Repo {
    top: PathBuf,
    /// Where the command was started, relative to the top (for `REV:./path`).
    prefix: PathBuf,
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, String> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .output()
        .map_err(|e| format!("cannot run git ({e}); is it installed?"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).trim().to_string()
}

impl Repo {
    /// The repository that `dir` is in.
    pub fn open(dir: &Path) -> Result<Repo, String> {
        let out = git(dir, &["rev-parse", "--show-toplevel", "--show-prefix"])?;
        if !out.status.success() {
            return Err(format!(
                "`{}` is not in a git repository, so a `REV:path` cannot be read ({})",
                dir.display(),
                text(&out.stderr)
            ));
        }
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let mut lines = stdout.lines();
        let top = PathBuf::from(lines.next().unwrap_or_default());
        let prefix = PathBuf::from(lines.next().unwrap_or_default());
        Ok(Repo { top, prefix })
    }

    /// The commit a revision names, or a plain error when it names none.
    pub fn commit(&self, rev: &str) -> Result<String, String> {
        if rev.is_empty() || rev.starts_with('-') {
            return Err(format!("`{rev}` is not a git revision"));
        }
        let spec = format!("{rev}^{{commit}}");
        let out = git(
            &self.top,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &spec,
            ],
        )?;
        if !out.status.success() {
            return Err(format!(
                "git revision `{rev}` does not exist in this repository"
            ));
        }
        Ok(text(&out.stdout))
    }

    /// A path as written after `REV:`, resolved inside the repository: from its top, or
    /// from the current folder when it starts with `./` or `../` (as git reads it). A
    /// path that leaves the repository is refused.
    pub fn path(&self, written: &str) -> Result<PathBuf, String> {
        let p = Path::new(written);
        let relative_to_cwd = written.starts_with("./") || written.starts_with("../");
        let joined = if relative_to_cwd {
            self.prefix.join(p)
        } else {
            p.to_path_buf()
        };
        let mut out = PathBuf::new();
        for c in joined.components() {
            match c {
                Component::Normal(x) => out.push(x),
                Component::CurDir => {}
                Component::ParentDir => {
                    if !out.pop() {
                        return Err(format!(
                            "`{written}` leaves the repository: a `REV:path` names a file or folder inside it"
                        ));
                    }
                }
                Component::RootDir | Component::Prefix(_) => {
                    return Err(format!(
                        "`{written}` is an absolute path: after `REV:` write the path inside the repository"
                    ));
                }
            }
        }
        Ok(out)
    }

    /// What `path` (from the top) is at `commit`, if anything.
    pub fn entry(&self, commit: &str, path: &Path) -> Result<Option<Entry>, String> {
        if path.as_os_str().is_empty() {
            return Ok(Some(Entry::Folder));
        }
        let spec = format!("{commit}:{}", slashes(path));
        let out = git(&self.top, &["cat-file", "-t", &spec])?;
        if !out.status.success() {
            return Ok(None);
        }
        Ok(match text(&out.stdout).as_str() {
            "blob" => Some(Entry::File),
            "tree" => Some(Entry::Folder),
            _ => None,
        })
    }
}

fn slashes(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// A folder of a repository at one commit.
#[derive(Debug)]
pub struct GitTree {
    shown: PathBuf,
    top: PathBuf,
    /// Files under the folder: path relative to it → (object id, size in bytes).
    files: BTreeMap<PathBuf, (String, u64)>,
}

impl GitTree {
    /// The folder `root` (from the repository's top) at `commit`, shown to users as
    /// `REV:root`.
    pub fn new(repo: &Repo, rev: &str, commit: &str, root: &Path) -> Result<GitTree, String> {
        let dir = slashes(root);
        let mut args = vec!["ls-tree", "-r", "-l", "-z", "--full-tree", commit];
        if !dir.is_empty() {
            args.push("--");
            args.push(&dir);
        }
        let out = git(&repo.top, &args)?;
        if !out.status.success() {
            return Err(format!("cannot list `{rev}:{dir}` ({})", text(&out.stderr)));
        }
        let mut files = BTreeMap::new();
        for rec in out.stdout.split(|b| *b == 0).filter(|r| !r.is_empty()) {
            // "<mode> <type> <object> <size>\t<path>"
            let rec = String::from_utf8_lossy(rec);
            let Some((meta, path)) = rec.split_once('\t') else {
                continue;
            };
            let parts: Vec<&str> = meta.split_whitespace().collect();
            if parts.len() != 4 || parts[1] != "blob" {
                continue;
            }
            let Ok(rel) = Path::new(path).strip_prefix(root) else {
                continue;
            };
            let size = parts[3].parse().unwrap_or(0);
            files.insert(rel.to_path_buf(), (parts[2].to_string(), size));
        }
        if files.is_empty() {
            return Err(format!("`{dir}` does not exist at git revision `{rev}`"));
        }
        Ok(GitTree {
            shown: PathBuf::from(format!("{rev}:{dir}")),
            top: repo.top.clone(),
            files,
        })
    }
}

impl SourceTree for GitTree {
    fn root(&self) -> &Path {
        &self.shown
    }
    fn list(&self, dir: &Path) -> io::Result<Vec<(String, bool)>> {
        let out = super::entries_of(self.files.keys(), dir);
        if out.is_empty() && !dir.as_os_str().is_empty() {
            return Err(io::Error::from(io::ErrorKind::NotFound));
        }
        Ok(out)
    }
    fn size(&self, file: &Path) -> io::Result<u64> {
        self.files
            .get(file)
            .map(|(_, n)| *n)
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }
    fn read(&self, file: &Path) -> io::Result<Vec<u8>> {
        let (oid, _) = self
            .files
            .get(file)
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))?;
        let out = Command::new("git")
            .arg("-C")
            .arg(&self.top)
            .args(["cat-file", "blob", oid])
            .output()?;
        if !out.status.success() {
            return Err(io::Error::other(text(&out.stderr)));
        }
        Ok(out.stdout)
    }
}
