//! Moving a staged build into `output/`: each file by an atomic rename, the files it
//! replaces kept aside until every move succeeded, and put back when one fails.

use std::path::{Path, PathBuf};

/// Moves every staged file into place, each by an atomic rename.
pub(super) fn commit(staging: &Path, out: &Path, files: &[PathBuf]) -> Result<(), String> {
    // First make sure every file can go in place, so that a failure is found before
    // anything moved (a rename onto a folder, say); then move them.
    for rel in files {
        let target = out.join(rel);
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
    // Each file the build replaces is first moved aside into the staging folder, so
    // that a move that fails half-way can put the previous output back.
    let previous = staging.join(".previous");
    let mut moved: Vec<(&PathBuf, bool)> = Vec::new();
    for rel in files {
        let target = out.join(rel);
        let kept = previous.join(rel);
        let replaced = target.is_file();
        let step = (|| {
            if replaced {
                if let Some(parent) = kept.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::rename(&target, &kept)?;
            }
            std::fs::rename(staging.join(rel), &target)
        })();
        if let Err(e) = step {
            if replaced {
                let _ = std::fs::rename(&kept, &target);
            }
            for (rel, replaced) in moved.into_iter().rev() {
                let target = out.join(rel);
                if replaced {
                    let _ = std::fs::rename(previous.join(rel), &target);
                } else {
                    let _ = std::fs::remove_file(&target);
                }
            }
            return Err(format!(
                "cannot move `{}` into place ({e}); the previous output was put back",
                target.display()
            ));
        }
        moved.push((rel, replaced));
    }
    Ok(())
}

/// Staging folders of builds that were killed before they could clean up.
pub(super) fn remove_stale_staging(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let is_staging = name.to_string_lossy().starts_with(".styrdok-build-");
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 3600);
        if is_staging && old {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::commit;
    use std::path::PathBuf;

    /// A move that fails half-way puts back every file already replaced and removes
    /// every file already added.
    #[test]
    fn a_failed_commit_restores_the_previous_output() {
        let out = tempfile::tempdir().unwrap();
        let staging = tempfile::tempdir_in(out.path()).unwrap();
        std::fs::write(out.path().join("a.html"), "old a").unwrap();
        std::fs::write(out.path().join("c.html"), "old c").unwrap();
        std::fs::write(staging.path().join("a.html"), "new a").unwrap();
        std::fs::create_dir_all(staging.path().join("ny")).unwrap();
        std::fs::write(staging.path().join("ny/b.html"), "new b").unwrap();
        // c.html is listed but missing from the staging folder: its move fails.
        let files: Vec<PathBuf> = ["a.html", "ny/b.html", "c.html"].map(PathBuf::from).into();
        let err = commit(staging.path(), out.path(), &files).unwrap_err();
        assert!(err.contains("the previous output was put back"), "{err}");
        let read = |p: &str| std::fs::read_to_string(out.path().join(p)).unwrap();
        assert_eq!(read("a.html"), "old a");
        assert_eq!(read("c.html"), "old c");
        assert!(!out.path().join("ny/b.html").exists());

        // With every file present, all of them move.
        std::fs::write(staging.path().join("a.html"), "new a").unwrap();
        std::fs::write(staging.path().join("ny/b.html"), "new b").unwrap();
        std::fs::write(staging.path().join("c.html"), "new c").unwrap();
        commit(staging.path(), out.path(), &files).unwrap();
        assert_eq!(read("a.html"), "new a");
        assert_eq!(read("ny/b.html"), "new b");
        assert_eq!(read("c.html"), "new c");
    }
}
