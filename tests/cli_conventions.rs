//! Shell completions and manual pages are generated from the command line itself
//! (clap), so they cannot leave out a command; progress is never drawn where output
//! is redirected (a test's pipes are not terminals).

mod common;

use common::{stderr, stdout, styrdok};

/// The commands `styrdok --help` lists (without `help`), so a new command is
/// checked without touching this test.
fn commands() -> Vec<String> {
    let o = styrdok(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let help = stdout(&o);
    let list = help
        .split("Commands:\n")
        .nth(1)
        .expect("`--help` lists the commands");
    let cmds: Vec<String> = list
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect();
    for c in ["check", "build", "eval", "diff", "completions", "man"] {
        assert!(cmds.iter().any(|x| x == c), "{c} missing from {cmds:?}");
    }
    cmds
}

fn groff() -> bool {
    std::process::Command::new("groff")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Renders a page with groff (`-k`: the page is UTF-8, as Swedish words need),
/// all warnings on; none may be printed.
fn renders(roff: &[u8], name: &str) {
    use std::io::Write as _;
    let mut child = std::process::Command::new("groff")
        .args(["-k", "-man", "-Tutf8", "-ww"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(roff).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "groff failed on {name}");
    assert_eq!(stderr(&o), "", "groff warns on {name}");
    assert!(!o.stdout.is_empty());
}

#[test]
fn the_bash_completion_offers_every_command() {
    let o = styrdok(&["completions", "bash"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    let script = stdout(&o);
    for c in commands() {
        assert!(
            script.contains(&format!(" {c} ")) || script.contains(&format!(" {c}\"")),
            "the bash completion does not offer `{c}`"
        );
    }
    // Options and their values too.
    for w in [
        "--html-only",
        "--cases",
        "--min-coverage",
        "markdown",
        "powershell",
    ] {
        assert!(script.contains(w), "the bash completion lacks {w}");
    }
    // It is a script bash can read.
    if let Ok(b) = std::process::Command::new("bash")
        .args(["-n", "-c", &script])
        .output()
    {
        assert!(b.status.success(), "{}", stderr(&b));
    }
}

#[test]
fn every_shell_gets_a_script_and_an_unknown_one_clap_s_error() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = styrdok(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        assert!(stdout(&o).contains("new-case"), "{shell}");
    }
    let o = styrdok(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("invalid value 'tcsh'"), "{e}");
    assert!(
        e.contains("possible values: bash, elvish, fish, powershell, zsh"),
        "{e}"
    );
    assert!(!e.contains("panicked"), "{e}");
    assert!(stdout(&o).is_empty());
    let o = styrdok(&["completions"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("<SHELL>"), "{}", stderr(&o));
}

#[test]
fn the_man_page_lists_every_command_and_renders() {
    let o = styrdok(&["man"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    let roff = stdout(&o);
    assert!(roff.contains("\n.TH STYRDOK 1 "), "{roff}");
    for c in commands() {
        let escaped = c.replace('-', "\\-");
        assert!(
            roff.contains(&format!("styrdok\\-{escaped}(1)")),
            "the man page does not list `{c}`"
        );
    }
    if groff() {
        renders(&o.stdout, "styrdok.1");
    }
}

#[test]
fn man_out_writes_one_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man/man1");
    let o = styrdok(&["man", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let mut expected = vec!["styrdok.1".to_owned()];
    expected.extend(commands().iter().map(|c| format!("styrdok-{c}.1")));
    expected.sort();
    let mut found: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    found.sort();
    assert_eq!(found, expected);
    let eval = std::fs::read_to_string(out.join("styrdok-eval.1")).unwrap();
    assert!(eval.contains(".TH STYRDOK-EVAL 1 "), "{eval}");
    // The long help, not only the first line.
    assert!(eval.contains("Case data is personal data"), "{eval}");
    if groff() {
        for name in &found {
            renders(&std::fs::read(out.join(name)).unwrap(), name);
        }
    }
    // A file where the folder should be: a plain error, exit status 2.
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let o = styrdok(&["man", "--out", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("error: `"), "{}", stderr(&o));
    assert!(stderr(&o).contains("is not a folder"), "{}", stderr(&o));
}

#[test]
fn a_redirected_batch_draws_no_progress() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases.jsonl");
    // Any rows will do: a bad row gets its error in the results, and the summary is
    // all that standard error holds.
    std::fs::write(&cases, "{}\n{}\n").unwrap();
    let o = styrdok(&["eval", "--cases", cases.to_str().unwrap()]);
    let e = stderr(&o);
    assert!(!e.contains('\r') && !e.contains('\x1b'), "{e:?}");
    assert!(e.starts_with("0 ärenden: "), "{e}");
}
