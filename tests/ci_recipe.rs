//! docs/ci.md is the CI recipe, and its YAML is the only copy of it: this test takes
//! the shell out of the recipe's `run: |` steps (GitHub Actions) and `script:` items
//! (GitLab CI) with a line-based reader and runs them, unchanged, in a temporary git
//! repository made from the project's `policy/`: a base commit on `main` (pushed to a
//! local `origin`) and a head commit that changes one criterion's sentence. Only the
//! environment is adapted: `STYRDOK` is the binary under test, and `PATH` starts with
//! stand-ins for `cargo` (already built), `gh` and `curl` (which record what they would
//! post).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::root;

/// The criterion sentence the head commit changes, and what it becomes.
const OLD: &str = "text: Den enskildes primära mål och önskan är arbete eller studier.";
const NEW: &str = "text: Den enskildes primära mål och önskan är arbete, praktik eller studier.";

/// The fenced block of docs/ci.md whose info string is `yaml ci-recipe=<name>`.
fn recipe(name: &str) -> Vec<String> {
    let doc = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let fence = format!("```yaml ci-recipe={name}");
    let mut lines = doc.lines().skip_while(|l| l.trim_end() != fence);
    assert!(lines.next().is_some(), "docs/ci.md has no block `{fence}`");
    let block: Vec<String> = lines
        .take_while(|l| l.trim_end() != "```")
        .map(str::to_owned)
        .collect();
    assert!(!block.is_empty(), "the block `{fence}` is empty");
    block
}

fn indent(l: &str) -> usize {
    l.len() - l.trim_start_matches(' ').len()
}

/// The lines after `start` indented deeper than `than` (blank lines included), with the
/// common indentation taken off: a YAML block scalar's text.
fn block_scalar(lines: &[String], start: usize, than: usize) -> (String, usize) {
    let mut end = start;
    while end < lines.len() && (lines[end].trim().is_empty() || indent(&lines[end]) > than) {
        end += 1;
    }
    let body = &lines[start..end];
    let cut = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| indent(l))
        .min()
        .unwrap_or(0);
    let mut text = String::new();
    for l in body {
        text.push_str(l.get(cut..).unwrap_or(""));
        text.push('\n');
    }
    (text.trim_end().to_owned() + "\n", end)
}

/// GitHub Actions: the body of every `run: |`, in order. A one-line `run:` is refused,
/// so that every command stays where this reader finds it.
fn github_steps(lines: &[String]) -> Vec<String> {
    let mut steps = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = &lines[i];
        let key = l.trim_start().trim_start_matches("- ");
        if let Some(rest) = key.strip_prefix("run:") {
            assert_eq!(
                rest.trim(),
                "|",
                "docs/ci.md: write `run: |` with the commands below it: {l}"
            );
            let key_indent = indent(l) + (l.trim_start().len() - key.len());
            let (body, end) = block_scalar(lines, i + 1, key_indent);
            steps.push(body);
            i = end;
        } else {
            i += 1;
        }
    }
    steps
}

/// The items of the YAML list under the key on line `at` (`key:` then `- …` lines, or
/// `key: []`): each `- |` item's block text, or a one-line item's text.
fn list_items(lines: &[String], at: usize) -> Vec<String> {
    let key_indent = indent(&lines[at]);
    let value = lines[at].split_once(':').map_or("", |x| x.1.trim());
    if value == "[]" {
        return Vec::new();
    }
    assert!(
        value.is_empty(),
        "docs/ci.md: write the list below the key: {}",
        lines[at]
    );
    let mut items = Vec::new();
    let mut i = at + 1;
    while i < lines.len() && (lines[i].trim().is_empty() || indent(&lines[i]) > key_indent) {
        let t = lines[i].trim_start();
        if let Some(item) = t.strip_prefix("- ") {
            if item.trim() == "|" {
                let (body, end) = block_scalar(lines, i + 1, indent(&lines[i]));
                items.push(body);
                i = end;
                continue;
            }
            items.push(item.trim().to_owned() + "\n");
        }
        i += 1;
    }
    items
}

/// GitLab CI: for each job (a top-level key other than `stages`, `variables`, `default`),
/// in order, its name and its shell: `before_script` (its own, else the default's), then
/// `script`.
fn gitlab_jobs(lines: &[String]) -> Vec<(String, String)> {
    let mut default_before = Vec::new();
    let mut jobs: Vec<(String, Option<Vec<String>>, Vec<String>)> = Vec::new();
    let mut current: Option<String> = None;
    for (i, l) in lines.iter().enumerate() {
        if l.trim().is_empty() || l.trim_start().starts_with('#') {
            continue;
        }
        if indent(l) == 0 {
            let name = l.split(':').next().unwrap().to_owned();
            current = Some(name.clone());
            if !matches!(name.as_str(), "stages" | "variables" | "default") {
                jobs.push((name, None, Vec::new()));
            }
            continue;
        }
        if indent(l) != 2 {
            continue;
        }
        let key = l.trim_start().split(':').next().unwrap();
        match (current.as_deref(), key) {
            (Some("default"), "before_script") => default_before = list_items(lines, i),
            (Some(_), "before_script") => jobs.last_mut().unwrap().1 = Some(list_items(lines, i)),
            (Some(_), "script") => jobs.last_mut().unwrap().2 = list_items(lines, i),
            _ => {}
        }
    }
    jobs.into_iter()
        .map(|(name, before, script)| {
            let all: Vec<String> = before
                .unwrap_or_else(|| default_before.clone())
                .into_iter()
                .chain(script)
                .collect();
            assert!(!all.is_empty(), "GitLab job `{name}` runs nothing");
            (name, all.concat())
        })
        .collect()
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git runs");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The test's world: a clone with `main` as base and the head commit checked out, a
/// folder of stand-in commands, and where they record.
struct World {
    _tmp: tempfile::TempDir,
    repo: PathBuf,
    stubs: PathBuf,
    log: PathBuf,
}

fn world() -> World {
    let tmp = tempfile::tempdir().unwrap();
    let origin = tmp.path().join("origin.git");
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&origin).unwrap();
    git(
        &origin,
        &["init", "--quiet", "--bare", "--initial-branch=main"],
    );
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "--quiet", "--initial-branch=main"]);
    common::copy_dir(&root().join("policy"), &repo.join("policy"));
    common::copy_dir(&root().join("scripts"), &repo.join("scripts"));
    // What the project ignores (installed node_modules) stays out, as in a clone.
    std::fs::copy(root().join(".gitignore"), repo.join(".gitignore")).unwrap();
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "--quiet", "-m", "base"]);
    git(
        &repo,
        &["remote", "add", "origin", origin.to_str().unwrap()],
    );
    git(&repo, &["push", "--quiet", "origin", "main"]);
    git(&repo, &["checkout", "--quiet", "-b", "andring"]);
    let file = repo.join("policy/stod-arbete-studier/2023-07.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        text.matches(OLD).count(),
        1,
        "the criterion to change is in 2023-07"
    );
    std::fs::write(&file, text.replace(OLD, NEW)).unwrap();
    git(
        &repo,
        &["commit", "--quiet", "-am", "head: one criterion's sentence"],
    );
    // Forget the remote-tracking branch, so that the recipe's own fetch must bring it.
    git(&repo, &["update-ref", "-d", "refs/remotes/origin/main"]);

    let stubs = tmp.path().join("bin");
    let log = tmp.path().join("log");
    std::fs::create_dir_all(&stubs).unwrap();
    std::fs::create_dir_all(&log).unwrap();
    let stub = |name: &str, body: &str| {
        let p = stubs.join(name);
        std::fs::write(&p, format!("#!/usr/bin/env bash\nset -e\n{body}\n")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    };
    // styrdok is built already: `cargo build` has nothing to do.
    stub("cargo", r#"echo "cargo $*" >> "$STUB_LOG/cargo""#);
    // gh records its arguments and the body it would post.
    stub(
        "gh",
        r#"echo "$*" >> "$STUB_LOG/gh"
while [ $# -gt 0 ]; do
  if [ "$1" = --body-file ]; then cp "$2" "$STUB_LOG/gh-body.md"; fi
  shift
done"#,
    );
    // curl records its arguments and the body it would post (`body@FILE`).
    stub(
        "curl",
        r#"printf '%s\n' "$@" >> "$STUB_LOG/curl"
for a in "$@"; do
  case "$a" in body@*) cp "${a#body@}" "$STUB_LOG/curl-body.md" ;; esac
done"#,
    );
    World {
        _tmp: tmp,
        repo,
        stubs,
        log,
    }
}

impl World {
    /// Runs one step's shell in the repository, as the CI service would (bash, stop at
    /// the first failing command), with `env` on top of the test's environment.
    fn run(&self, shell: &str, flags: &[&str], env: &BTreeMap<String, String>) -> (i32, String) {
        let path = format!(
            "{}:{}",
            self.stubs.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let o = Command::new("bash")
            .current_dir(&self.repo)
            .args(flags)
            .args(["-c", shell])
            .envs(env)
            .env("PATH", path)
            .env("STUB_LOG", &self.log)
            .env("STYRDOK", env!("CARGO_BIN_EXE_styrdok"))
            .env("NO_COLOR", "1")
            .output()
            .expect("bash runs");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        (o.status.code().unwrap_or(-1), said)
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.repo.join(rel))
            .unwrap_or_else(|e| panic!("the recipe should have written {rel} ({e})"))
    }

    fn logged(&self, name: &str) -> String {
        std::fs::read_to_string(self.log.join(name)).unwrap_or_default()
    }

    /// What the publish steps must have left: the PDFs and the HTML.
    fn assert_published(&self, dir: &str) {
        let v = format!("{dir}/stod-arbete-studier/2023-07/stod-arbete-studier-2023-07");
        assert!(self.repo.join(format!("{dir}/index.html")).is_file());
        assert!(self.repo.join(format!("{v}.html")).is_file());
        let pdf = std::fs::read(self.repo.join(format!("{v}.pdf"))).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }
}

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The diff step of a recipe: the one that calls `styrdok diff`.
fn diff_step<'a>(steps: impl IntoIterator<Item = &'a String>) -> &'a String {
    steps
        .into_iter()
        .find(|s| s.contains("$STYRDOK diff"))
        .expect("a step runs `$STYRDOK diff`")
}

#[test]
fn the_github_recipe_runs() {
    let steps = github_steps(&recipe("github"));
    assert!(steps.len() >= 6, "{steps:#?}");
    let w = world();
    let github_env = w.log.join("github_env");
    std::fs::write(&github_env, "").unwrap();
    let mut vars = env(&[
        // The shipped policy keeps its adopted defects (19 warnings): docs/ci.md says to
        // leave `--deny-warnings` out for such a policy.
        ("CHECK_FLAGS", ""),
        ("DIFF_DOCS", ""),
        ("DIFF_CASES", ""),
        ("BASE", "main"),
        ("PR_NUMBER", "7"),
        ("GH_TOKEN", "test-token"),
        ("GITHUB_ENV", github_env.to_str().unwrap()),
    ]);
    for step in &steps {
        let (code, said) = w.run(step, &["-e"], &vars);
        assert_eq!(code, 0, "the step\n{step}\nfailed:\n{said}");
        // What a step appends to $GITHUB_ENV, later steps see.
        for line in std::fs::read_to_string(&github_env).unwrap().lines() {
            if let Some((k, v)) = line.split_once('=') {
                vars.insert(k.to_owned(), v.to_owned());
            }
        }
    }
    assert!(
        vars.contains_key("STYRDOK_TYPST"),
        "the Typst step sets STYRDOK_TYPST"
    );
    assert!(w.logged("cargo").contains("cargo build --release --locked"));
    w.assert_published("output");

    let comment = w.read("diff.md");
    assert!(
        comment.contains("praktik"),
        "the comment shows the change:\n{comment}"
    );
    assert!(comment.contains("stod-arbete-studier"), "{comment}");
    assert_eq!(w.logged("gh").trim(), "pr comment 7 --body-file diff.md");
    assert_eq!(w.logged("gh-body.md"), comment);

    // No change (only unchanged documents compared): exit 0, an empty comment, nothing posted.
    std::fs::remove_file(w.log.join("gh")).unwrap();
    let diff = diff_step(&steps);
    let mut quiet = vars.clone();
    quiet.insert("DIFF_DOCS".into(), "uppsokande-arbetsmarknadsinsats".into());
    let (code, said) = w.run(diff, &["-e"], &quiet);
    assert_eq!(code, 0, "{said}");
    assert_eq!(w.read("diff.md"), "");
    let post = steps.iter().find(|s| s.contains("gh pr comment")).unwrap();
    let (code, said) = w.run(post, &["-e"], &quiet);
    assert_eq!(code, 0, "{said}");
    assert_eq!(w.logged("gh"), "", "nothing to post");

    // Trouble (a case file that does not exist): exit 2 fails the step.
    let mut trouble = vars.clone();
    trouble.insert("DIFF_CASES".into(), "saknas.jsonl".into());
    let (code, said) = w.run(diff, &["-e"], &trouble);
    assert_eq!(code, 2, "trouble fails the job:\n{said}");
}

#[test]
fn the_gitlab_recipe_runs() {
    let jobs = gitlab_jobs(&recipe("gitlab"));
    let names: Vec<&str> = jobs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["publish", "pages", "diff"]);
    let w = world();
    let vars = env(&[
        ("CHECK_FLAGS", ""),
        // The cases configured: the document's policy tests.
        ("DIFF_DOCS", "stod-arbete-studier"),
        ("DIFF_CASES", "policy/stod-arbete-studier/tests"),
        ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"),
        ("CI_API_V4_URL", "https://gitlab.example.invalid/api/v4"),
        ("CI_PROJECT_ID", "42"),
        ("CI_MERGE_REQUEST_IID", "7"),
        ("STYRDOK_GITLAB_TOKEN", "test-token"),
    ]);
    for (name, shell) in &jobs {
        let (code, said) = w.run(shell, &["-e", "-o", "pipefail"], &vars);
        assert_eq!(code, 0, "the job `{name}`\n{shell}\nfailed:\n{said}");
    }
    w.assert_published("output");
    w.assert_published("public");

    let comment = w.read("diff.md");
    assert!(
        comment.contains("praktik"),
        "the comment shows the change:\n{comment}"
    );
    assert!(
        comment.contains("Påverkan på ärenden"),
        "with DIFF_CASES the comment has the impact on cases:\n{comment}"
    );
    let curl = w.logged("curl");
    assert!(
        curl.contains("https://gitlab.example.invalid/api/v4/projects/42/merge_requests/7/notes"),
        "{curl}"
    );
    assert!(curl.contains("PRIVATE-TOKEN: test-token"), "{curl}");
    assert_eq!(w.logged("curl-body.md"), comment);

    // Trouble fails the job; a change (exit 1) did not.
    let diff = diff_step(jobs.iter().map(|(_, s)| s));
    let mut trouble = vars.clone();
    trouble.insert("DIFF_CASES".into(), "saknas.jsonl".into());
    let (code, said) = w.run(diff, &["-e", "-o", "pipefail"], &trouble);
    assert_eq!(code, 2, "trouble fails the job:\n{said}");
}

#[test]
fn the_reader_finds_every_command() {
    // The reader itself: a `run: |` body keeps its inner indentation and blank lines.
    let lines: Vec<String> = "steps:\n  - name: x\n    run: |\n      if true; then\n        echo a\n\n      fi\n  - run: |\n      echo b\n"
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        github_steps(&lines),
        ["if true; then\n  echo a\n\nfi\n", "echo b\n"]
    );
}
