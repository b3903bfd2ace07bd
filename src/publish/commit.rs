//! Moving a staged build into `output/`: each file by an atomic rename, the files it
//! replaces or removes kept aside until every step succeeded, and put back when one
//! fails; the lock that keeps two builds out of one output folder, and the removal of
//! what killed builds left behind.

use std::path::{Path, PathBuf};

/// One change to the output folder, by path relative to it.
#[derive(Debug, Clone)]
pub(super) enum Step {
    /// Move the staged file at this path into place, replacing what is there.
    Put(PathBuf),
    /// Take away a file that an earlier build published and this one does not.
    Remove(PathBuf),
}

/// Applies `steps` in order, each file by an atomic rename. What a step replaces or
/// removes is first moved aside into the staging folder, so that a step that fails
/// puts every earlier one back: the output folder is then as it was.
pub(super) fn commit(staging: &Path, out: &Path, steps: &[Step]) -> Result<(), String> {
    // First make sure every step can be done, so that a failure is found before
    // anything moved (a rename onto a folder, a link leading out of the folder); then
    // move them.
    for step in steps {
        let (Step::Put(rel) | Step::Remove(rel)) = step;
        inside(out, rel)?;
        let target = out.join(rel);
        if let Step::Put(_) = step {
            if target.is_dir() {
                return Err(format!(
                    "cannot put `{}` in place: a folder is there",
                    target.display()
                ));
            }
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot create `{}` ({e})", parent.display()))?;
            }
        }
    }
    let previous = staging.join(".previous");
    // Each step done, and whether it moved a file aside (which undoing puts back).
    let mut done: Vec<(&Step, bool)> = Vec::new();
    for step in steps {
        let (Step::Put(rel) | Step::Remove(rel)) = step;
        let target = out.join(rel);
        let kept = previous.join(rel);
        let present = std::fs::symlink_metadata(&target).is_ok_and(|m| !m.is_dir());
        let result = (|| {
            if present {
                if let Some(parent) = kept.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::rename(&target, &kept)?;
            }
            match step {
                Step::Put(_) => std::fs::rename(staging.join(rel), &target),
                Step::Remove(_) => Ok(()),
            }
        })();
        if let Err(e) = result {
            if present {
                let _ = std::fs::rename(&kept, &target);
            }
            for (step, moved) in done.into_iter().rev() {
                let (Step::Put(rel) | Step::Remove(rel)) = step;
                let target = out.join(rel);
                if moved {
                    let _ = std::fs::rename(previous.join(rel), &target);
                } else if let Step::Put(_) = step {
                    let _ = std::fs::remove_file(&target);
                }
            }
            return Err(format!(
                "cannot {} `{}` ({e}); the previous output was put back",
                match step {
                    Step::Put(_) => "move into place",
                    Step::Remove(_) => "remove",
                },
                target.display()
            ));
        }
        done.push((step, present));
    }
    // Folders that removing left empty go too (a removed version's, its document's).
    for step in steps {
        if let Step::Remove(rel) = step {
            for dir in rel.ancestors().skip(1) {
                if dir.as_os_str().is_empty() || std::fs::remove_dir(out.join(dir)).is_err() {
                    break;
                }
            }
        }
    }
    Ok(())
}

/// Refuses a path whose folders inside `out` include a symbolic link: a rename
/// through it would write outside the output folder.
fn inside(out: &Path, rel: &Path) -> Result<(), String> {
    for dir in rel.ancestors().skip(1) {
        if dir.as_os_str().is_empty() {
            break;
        }
        let p = out.join(dir);
        if std::fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(format!(
                "`{}` is a symbolic link: a build writes only inside its output folder (remove the link)",
                p.display()
            ));
        }
    }
    Ok(())
}

/// The prefix of every staging folder's name.
pub(super) const STAGING_PREFIX: &str = ".styrdok-build-";

/// Holds the output folder for one build: an exclusive lock on the folder itself
/// (`flock` on Unix), released when dropped, also when the process is killed. None
/// where the folder cannot be locked (another system, a file system without locks).
pub(super) struct OutputLock {
    held: Option<std::fs::File>,
}

impl OutputLock {
    /// Locks `out` (which exists). Another build holding it is an error; without a
    /// lock, [`remove_leftovers`] spares staging folders younger than an hour, which may
    /// be another build's.
    pub(super) fn take(out: &Path) -> Result<OutputLock, String> {
        #[cfg(all(
            unix,
            not(any(
                target_os = "solaris",
                target_os = "espidf",
                target_os = "horizon",
                target_os = "vita"
            ))
        ))]
        if let Ok(file) = std::fs::File::open(out) {
            use rustix::fs::{FlockOperation, flock};
            return match flock(&file, FlockOperation::NonBlockingLockExclusive) {
                Ok(()) => Ok(OutputLock { held: Some(file) }),
                Err(rustix::io::Errno::WOULDBLOCK) => Err(format!(
                    "another styrdok build is writing into `{}`; wait until it has finished",
                    out.display()
                )),
                Err(_) => Ok(OutputLock { held: None }),
            };
        }
        let _ = out;
        Ok(OutputLock { held: None })
    }

    fn held(&self) -> bool {
        self.held.is_some()
    }
}

/// Removes the staging folders of builds that were killed before they could clean up
/// (`.styrdok-build-*`). With the output folder locked they are all leftovers; without
/// a lock, only those older than an hour are taken to be.
pub(super) fn remove_leftovers(out: &Path, lock: &OutputLock) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        if !name.to_string_lossy().starts_with(STAGING_PREFIX) {
            continue;
        }
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 3600);
        if lock.held() || old {
            // A Typst left running by a killed build may still be writing in it: a
            // second try catches what it added meanwhile.
            if std::fs::remove_dir_all(e.path()).is_err() {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{OutputLock, Step, commit, remove_leftovers};
    use std::path::PathBuf;

    /// One build at a time holds an output folder; with it held, a staging folder
    /// found there is a killed build's, however young, and goes; other hidden files stay.
    #[cfg(target_os = "linux")]
    #[test]
    fn one_build_holds_the_output_folder_and_clears_leftovers() {
        let out = tempfile::tempdir().unwrap();
        let lock = OutputLock::take(out.path()).unwrap();
        let err = OutputLock::take(out.path()).err().unwrap();
        assert!(
            err.contains("another styrdok build is writing into"),
            "{err}"
        );
        std::fs::create_dir_all(out.path().join(".styrdok-build-abc/doc/1")).unwrap();
        std::fs::write(out.path().join(".styrdok-build-abc/doc/1/x.pdf"), "%PDF").unwrap();
        std::fs::write(out.path().join(".styrdok-manifest.json"), "{}").unwrap();
        remove_leftovers(out.path(), &lock);
        assert!(!out.path().join(".styrdok-build-abc").exists());
        assert!(out.path().join(".styrdok-manifest.json").exists());
        drop(lock);
        OutputLock::take(out.path()).unwrap();
    }

    /// A step that fails half-way puts back every file already replaced or removed and
    /// takes away every file already added.
    #[test]
    fn a_failed_commit_restores_the_previous_output() {
        let out = tempfile::tempdir().unwrap();
        let staging = tempfile::tempdir_in(out.path()).unwrap();
        std::fs::write(out.path().join("a.html"), "old a").unwrap();
        std::fs::write(out.path().join("c.html"), "old c").unwrap();
        std::fs::create_dir_all(out.path().join("borta/1")).unwrap();
        std::fs::write(out.path().join("borta/1/d.html"), "old d").unwrap();
        std::fs::write(staging.path().join("a.html"), "new a").unwrap();
        std::fs::create_dir_all(staging.path().join("ny")).unwrap();
        std::fs::write(staging.path().join("ny/b.html"), "new b").unwrap();
        // c.html is listed but missing from the staging folder: its move fails, after
        // d.html was taken away.
        let put = |p: &str| Step::Put(PathBuf::from(p));
        let steps = [
            put("a.html"),
            put("ny/b.html"),
            Step::Remove(PathBuf::from("borta/1/d.html")),
            put("c.html"),
        ];
        let err = commit(staging.path(), out.path(), &steps).unwrap_err();
        assert!(err.contains("the previous output was put back"), "{err}");
        let read = |p: &str| std::fs::read_to_string(out.path().join(p)).unwrap();
        assert_eq!(read("a.html"), "old a");
        assert_eq!(read("c.html"), "old c");
        assert_eq!(read("borta/1/d.html"), "old d");
        assert!(!out.path().join("ny/b.html").exists());

        // With every file present, all of them move, and the removed file's folders,
        // left empty, go with it.
        std::fs::write(staging.path().join("a.html"), "new a").unwrap();
        std::fs::write(staging.path().join("ny/b.html"), "new b").unwrap();
        std::fs::write(staging.path().join("c.html"), "new c").unwrap();
        commit(staging.path(), out.path(), &steps).unwrap();
        assert_eq!(read("a.html"), "new a");
        assert_eq!(read("ny/b.html"), "new b");
        assert_eq!(read("c.html"), "new c");
        assert!(!out.path().join("borta").exists());
    }

    /// A folder of the output that is a link to elsewhere is refused before anything
    /// moves: renamed through it, a file would land outside the output folder.
    #[cfg(unix)]
    #[test]
    fn a_link_inside_the_output_folder_is_refused() {
        let out = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let staging = tempfile::tempdir_in(out.path()).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), out.path().join("doc")).unwrap();
        std::fs::create_dir_all(staging.path().join("doc")).unwrap();
        std::fs::write(staging.path().join("doc/a.html"), "new").unwrap();
        std::fs::write(staging.path().join("index.html"), "new").unwrap();
        let steps = [
            Step::Put(PathBuf::from("index.html")),
            Step::Put(PathBuf::from("doc/a.html")),
        ];
        let err = commit(staging.path(), out.path(), &steps).unwrap_err();
        assert!(err.contains("is a symbolic link"), "{err}");
        assert!(!out.path().join("index.html").exists());
        assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    }
}
