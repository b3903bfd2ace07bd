//! The PDF engine: the Typst CLI as a subprocess, pinned to 0.15.x, confined to
//! the build folder, with the fonts shipped in the binary, PDF/UA-1 and a fixed
//! creation timestamp so that the same input gives the same bytes.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The Typst version styrdok is tested with (`scripts/install-typst` installs it).
pub const PINNED: &str = "0.15.1";
/// Any 0.15.x is accepted.
const SERIES: &str = "0.15.";

use crate::fonts::FONTS;

/// A located, version-checked Typst CLI.
#[derive(Debug, Clone)]
pub struct Typst {
    /// The executable.
    pub path: PathBuf,
    /// What `typst --version` printed.
    pub version: String,
}

/// Where the install script puts the pinned Typst: a per-user cache shared by all clones.
pub fn cache_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(
        base.join("styrdok")
            .join(format!("typst-{PINNED}"))
            .join("bin")
            .join("typst"),
    )
}

impl Typst {
    /// Finds Typst: `$STYRDOK_TYPST`, else `typst` on `PATH`, else the install script's cache.
    pub fn find() -> Result<Typst, String> {
        if let Some(p) = std::env::var_os("STYRDOK_TYPST") {
            return Typst::at(PathBuf::from(p), "STYRDOK_TYPST");
        }
        let on_path = std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join("typst"))
                .find(|p| p.is_file())
        });
        let mut tried = Vec::new();
        if let Some(p) = on_path {
            match Typst::at(p, "PATH") {
                Ok(t) => return Ok(t),
                Err(e) => tried.push(e),
            }
        }
        if let Some(p) = cache_path().filter(|p| p.is_file()) {
            return Typst::at(p, "the styrdok cache");
        }
        let mut msg = format!("Typst {PINNED} is needed to make PDFs and was not found");
        for t in tried {
            msg.push_str(&format!("\n  ({t})"));
        }
        msg.push_str(&format!(
            "\nhint: run `scripts/install-typst` (installs it once per machine into ~/.cache/styrdok), \
             set STYRDOK_TYPST to a typst {SERIES}x binary, or use `--html-only`"
        ));
        Err(msg)
    }

    fn at(path: PathBuf, via: &str) -> Result<Typst, String> {
        let out = Command::new(&path)
            .arg("--version")
            .output()
            .map_err(|e| format!("cannot run `{}` (from {via}): {e}", path.display()))?;
        let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let number = version.split_whitespace().nth(1).unwrap_or_default();
        if !out.status.success() || !number.starts_with(SERIES) {
            return Err(format!(
                "`{}` (from {via}) is `{version}`, but styrdok needs typst {SERIES}x",
                path.display()
            ));
        }
        Ok(Typst { path, version })
    }

    /// Compiles `root/input` to `root/output` with `root` as Typst's project root and
    /// the fonts of [`write_fonts`] in `fonts`. Errors carry Typst's diagnostics mapped
    /// to the YAML source where the `.typ` names it.
    pub fn compile(
        &self,
        root: &Path,
        input: &str,
        output: &str,
        timestamp: i64,
        fonts: &[PathBuf],
    ) -> Result<(), String> {
        self.start(root, input, output, timestamp, fonts)?
            .finish()
            .map(|_| ())
    }

    /// Starts a compile and returns at once, so that the caller can prepare the next
    /// document while Typst works; [`Running::finish`] waits for it.
    ///
    /// Typst reads only below `root` (`--root`) and the `fonts` folders, and writes only
    /// `output` and, should a template import a Typst package, a package folder
    /// `root/.typst-packages` (never the per-user package cache): a build writes nothing
    /// outside its output folder. The process is stopped when a stop is requested
    /// ([`crate::interrupt`]) or when the [`Running`] is dropped unfinished.
    pub fn start(
        &self,
        root: &Path,
        input: &str,
        output: &str,
        timestamp: i64,
        fonts: &[PathBuf],
    ) -> Result<Running, String> {
        if crate::interrupt::requested() {
            return Err(crate::interrupt::INTERRUPTED.into());
        }
        let child = self
            .command("compile", root, input, output, timestamp, fonts)
            .stdout(std::process::Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run `{}` ({e})", self.path.display()))?;
        Ok(Running {
            child: crate::interrupt::Watched::new(child),
            typ: root.join(input),
        })
    }

    /// Starts `typst watch` on `root/input`, writing `root/output`, with exactly the
    /// arguments of [`Typst::compile`] (root, fonts, PDF/UA-1, creation timestamp,
    /// short diagnostics): Typst then recompiles incrementally whenever the input or a
    /// file it reads changes, until the process is killed. Its standard error is piped
    /// (status lines such as `[12:00:00] compiled successfully in 80 ms`, then the
    /// diagnostics); standard output is discarded.
    pub fn watch(
        &self,
        root: &Path,
        input: &str,
        output: &str,
        timestamp: i64,
        fonts: &[PathBuf],
    ) -> Result<std::process::Child, String> {
        self.command("watch", root, input, output, timestamp, fonts)
            .stdout(std::process::Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run `{} watch` ({e})", self.path.display()))
    }

    /// `typst <sub>` (`compile` or `watch`) with the arguments every PDF is made with.
    fn command(
        &self,
        sub: &str,
        root: &Path,
        input: &str,
        output: &str,
        timestamp: i64,
        fonts: &[PathBuf],
    ) -> Command {
        let packages = root.join(".typst-packages");
        let mut c = Command::new(&self.path);
        c.arg(sub)
            .arg("--root")
            .arg(root)
            .args(
                fonts
                    .iter()
                    .flat_map(|f| [std::ffi::OsStr::new("--font-path"), f.as_os_str()]),
            )
            // Only the shipped fonts: what `check` says they show is what Typst shows.
            .arg("--ignore-system-fonts")
            .arg("--ignore-embedded-fonts")
            .arg("--package-path")
            .arg(&packages)
            .arg("--package-cache-path")
            .arg(&packages)
            .args(["--pdf-standard", "ua-1"])
            // `=`: a negative number must not read as a flag; PDFs cannot date before 1970.
            .arg(format!("--creation-timestamp={}", timestamp.max(0)))
            .args(["--diagnostic-format", "short"])
            .arg(root.join(input))
            .arg(root.join(output))
            .env_remove("SOURCE_DATE_EPOCH")
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        c
    }
}

/// A Typst compile under way. Dropped unfinished (the build failed elsewhere), it is
/// stopped, so no Typst process outlives the build or writes into a removed folder.
pub struct Running {
    child: crate::interrupt::Watched,
    typ: PathBuf,
}

impl Running {
    /// Waits for the compile; on failure, Typst's diagnostics mapped to the YAML source.
    /// A successful compile returns Typst's warnings (a font it could not find, say),
    /// mapped like errors, so that the caller can show them. A compile stopped by a
    /// signal returns [`crate::interrupt::INTERRUPTED`].
    pub fn finish(mut self) -> Result<Vec<String>, String> {
        use std::io::Read as _;
        let mut stderr = Vec::new();
        if let Some(mut e) = self.child.take_stderr() {
            e.read_to_end(&mut stderr)
                .map_err(|e| format!("cannot read what typst said ({e})"))?;
        }
        let status = self
            .child
            .wait()
            .map_err(|e| format!("cannot wait for typst ({e})"))?;
        if crate::interrupt::requested() {
            return Err(crate::interrupt::INTERRUPTED.into());
        }
        let stderr = String::from_utf8_lossy(&stderr);
        if status.success() {
            if stderr.trim().is_empty() {
                return Ok(Vec::new());
            }
            let typ = std::fs::read_to_string(&self.typ).unwrap_or_default();
            return Ok(mapped(&stderr, &typ));
        }
        let typ = std::fs::read_to_string(&self.typ).unwrap_or_default();
        Err(explain(&stderr, &typ))
    }
}

/// Writes the fonts for `--font-path` into `dir`, a folder of the build's own (its
/// staging folder, a draft's work folder), and returns it. Never a per-user cache: a
/// build writes nothing outside its output folder.
pub fn font_dir(dir: &Path) -> Result<PathBuf, String> {
    write_fonts(dir)?;
    Ok(dir.to_path_buf())
}

/// Writes the fonts compiled into the binary to `dir`, for `--font-path`. A font file
/// already there with the same contents is left alone, so a kept folder costs nothing.
pub fn write_fonts(dir: &Path) -> Result<(), String> {
    // A stamp written after the fonts names this build of styrdok and their sizes; when it
    // matches, the fonts are already there and are not read again (every build checks).
    let stamp = dir.join(".stamp");
    let expected = format!(
        "styrdok {} {}",
        env!("CARGO_PKG_VERSION"),
        FONTS
            .iter()
            .map(|f| format!("{}:{}", f.file, f.bytes.len()))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let present = FONTS.iter().all(|f| {
        std::fs::metadata(dir.join(f.file)).is_ok_and(|m| m.len() == f.bytes.len() as u64)
    });
    if present && std::fs::read_to_string(&stamp).is_ok_and(|s| s == expected) {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot prepare fonts ({e})"))?;
    for f in FONTS {
        let (name, bytes) = (f.file, f.bytes);
        let path = dir.join(name);
        let same = std::fs::metadata(&path).is_ok_and(|m| m.len() == bytes.len() as u64)
            && std::fs::read(&path).is_ok_and(|b| b == *bytes);
        if !same {
            crate::write::replace(&path, bytes)
                .map_err(|e| format!("cannot prepare fonts ({e})"))?;
        }
    }
    crate::write::replace(&stamp, expected.as_bytes())
        .map_err(|e| format!("cannot prepare fonts ({e})"))
}

/// Turns Typst's `file:line:col: error: message` lines into messages that name the
/// YAML source: the generated `.typ` marks each section with `// source: file:line`.
pub fn explain(stderr: &str, typ: &str) -> String {
    format!(
        "typst could not make the PDF:\n  {}",
        mapped(stderr, typ).join("\n  ")
    )
}

/// Typst's diagnostic lines, each naming the YAML source where the `.typ` marks it.
fn mapped(stderr: &str, typ: &str) -> Vec<String> {
    let lines = typst_lines(typ);
    let mut out = Vec::new();
    for l in stderr.lines().filter(|l| !l.trim().is_empty()) {
        let mut parts = l.splitn(4, ':');
        let (Some(_file), Some(line), Some(_col), Some(rest)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            out.push(l.trim().to_string());
            continue;
        };
        let Ok(line) = line.trim().parse::<usize>() else {
            out.push(l.trim().to_string());
            continue;
        };
        let source = lines[..line.min(lines.len())]
            .iter()
            .rev()
            .find_map(|x| x.trim().strip_prefix("// source: "))
            .map(str::to_string);
        let msg = rest.trim();
        out.push(match source {
            Some(s) => format!("{s}: {msg} (in the generated Typst, line {line})"),
            None => format!("generated Typst, line {line}: {msg} (from the template)"),
        });
    }
    out
}

/// The lines of a Typst file as Typst numbers them: it ends a line at LF, CRLF, a lone
/// CR, a vertical tab, a form feed, U+0085 and the line and paragraph separators (a
/// template saved with old Mac line ends still maps to the right line).
fn typst_lines(typ: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = typ.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if matches!(
            c,
            '\n' | '\x0B' | '\x0C' | '\r' | '\u{0085}' | '\u{2028}' | '\u{2029}'
        ) {
            lines.push(&typ[start..i]);
            if c == '\r' && chars.next_if(|&(_, c)| c == '\n').is_some() {
                start = i + 2;
            } else {
                start = i + c.len_utf8();
            }
        }
    }
    if start < typ.len() {
        lines.push(&typ[start..]);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::{FONTS, explain, typst_lines, write_fonts};

    /// The fonts are written complete, a damaged one is repaired, and no temporary
    /// file is left beside them.
    #[test]
    fn fonts_are_written_whole_and_repaired() {
        let dir = tempfile::tempdir().unwrap();
        write_fonts(dir.path()).unwrap();
        let f = FONTS[0];
        std::fs::write(dir.path().join(f.file), &f.bytes[..100]).unwrap();
        write_fonts(dir.path()).unwrap();
        for f in FONTS {
            assert_eq!(
                std::fs::read(dir.path().join(f.file)).unwrap(),
                f.bytes,
                "{}",
                f.file
            );
        }
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), FONTS.len() + 1, "{names:?}");
    }

    #[test]
    fn diagnostics_name_the_yaml_source() {
        let typ = "a\n// source: policy/x/1.yaml:40\nb\nc\n";
        let e = explain("/tmp/b/x.typ:4:2: error: unknown variable: foo\n", typ);
        assert_eq!(
            e,
            "typst could not make the PDF:\n  policy/x/1.yaml:40: error: unknown variable: foo (in the generated Typst, line 4)"
        );
        let e = explain("/tmp/b/x.typ:1:1: error: oops\n", typ);
        assert!(e.contains("generated Typst, line 1: error: oops (from the template)"));
    }

    /// A template with CR, CRLF or Unicode line ends: Typst's line 4 is still the line
    /// after the `// source:` mark.
    #[test]
    fn typst_line_numbers_count_every_line_break() {
        for typ in [
            "a\r// source: policy/x/1.yaml:40\rb\rc\r",
            "a\r\n// source: policy/x/1.yaml:40\r\nb\r\nc",
            "a\u{2028}// source: policy/x/1.yaml:40\nb\u{85}c\n",
        ] {
            assert_eq!(typst_lines(typ).len(), 4, "{typ:?}");
            let e = explain("/tmp/b/x.typ:4:2: error: unknown variable: foo\n", typ);
            assert!(
                e.contains("policy/x/1.yaml:40: error: unknown variable: foo"),
                "{typ:?}: {e}"
            );
            let e = explain("/tmp/b/x.typ:1:1: error: oops\n", typ);
            assert!(e.contains("(from the template)"), "{typ:?}: {e}");
        }
    }
}
