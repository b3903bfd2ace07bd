//! docs/cli.md quotes `styrdok <command> --help`; the quotes must be what the binary
//! prints, so the documentation cannot drift from the command line.

mod common;

use common::{root, stdout, styrdok};

#[test]
fn the_help_quoted_in_docs_cli_is_the_binarys() {
    let doc = std::fs::read_to_string(root().join("docs/cli.md")).unwrap();
    for cmd in [
        "check",
        "build",
        "serve",
        "eval",
        "test",
        "diff",
        "new-case",
        "init",
        "import",
        "schema",
        "completions",
        "man",
    ] {
        let heading = format!("\n## {cmd}\n");
        let at = doc
            .find(&heading)
            .unwrap_or_else(|| panic!("docs/cli.md has no `## {cmd}`"));
        let start = doc[at..].find("```text\n").expect("a text block") + at + 8;
        let end = doc[start..].find("```").expect("the block ends") + start;
        let quoted = &doc[start..end];
        let o = styrdok(&[cmd, "--help"]);
        assert_eq!(o.status.code(), Some(0));
        let mut help = String::new();
        for l in stdout(&o).lines() {
            help.push_str(l.trim_end());
            help.push('\n');
        }
        assert_eq!(
            quoted, help,
            "docs/cli.md quotes an old `styrdok {cmd} --help`; paste the new one"
        );
    }
}
