//! A decision draft quotes the case officer exactly. Every string a case file supplies
//! (`arende`, an assessment's `av` and `motivering`) reaches the draft's Markdown
//! through one escaping function (`markdown::escape`), so that neither CommonMark nor
//! the Markdown → Typst path reads anything in it as markup: `&amp;` stays `&amp;`,
//! `*a*` stays `*a*`, `{section: x}` stays as written, in the `.md` and in the PDF.
//! The guideline's own text in the draft stays Markdown (it is Markdown on purpose).

mod common;

use std::path::Path;

use common::{stderr, styrdok, write};
use proptest::prelude::*;
use styrdok::markdown::{escape, plain};

/// Strings a case officer could type that Markdown, HTML entities, the template
/// engine or Typst would read as something else.
const HOSTILE: &[&str] = &[
    "Tom &amp; Jerry",
    "&sect; 4 och &#97;&#x62; och &nbsp;",
    "AT&T; R&D & co",
    r"snedstreck \ dubbelt \\ och \* stjärna",
    "*inte kursiv* och **inte fet** och _inte understruken_",
    "[länk](https://example.com) och [^1] och ![bild](x.png)",
    "<b>fet</b> <script>x</script> <http://x.se>",
    "# ingen rubrik",
    "1. ingen lista",
    "2) ingen lista heller",
    "- ingen punkt",
    "+ inget plus",
    "> inget citat",
    "| a | b |",
    "~~inte struken~~ och ~tilde~",
    "`ingen kod` och ```inget block```",
    "{section: a} och {ref:x} och {{ mall }} och {% if x %}",
    "=== inget rubrikstreck",
    "--- ingen linje",
    "    inte indragen kod",
    r"slutar med snedstreck \",
    "två mellanslag i slutet  ",
    "#read(\"/etc/passwd\") $x^2$ @ref <label> // kommentar",
    "Anna-Karin O'Brien \"Citat\" 50 % 3 200 kr ... -- ---",
    "<!-- inte en kommentar -->",
    "[x]: https://example.com",
    "a\\\nb",
];

const GLOSSARY: &str = r#"
laws:
  - id: sol
    name: Socialtjänstlagen
    abbreviation: SoL
    sfs: "2001:453"
roles:
  - id: handlaggare
    title: handläggare
"#;

const FACTS: &str = r"
facts:
  - id: bedomning_a
    type: bool
    question: Har den enskilde behov av stödet?
    source: assessment
  - id: bedomning_b
    type: bool
    question: Kan den enskilde ta emot stödet nu?
    source: assessment
";

// The criterion's sentence is the guideline's Markdown: its emphasis and its entity
// are published as Markdown, in the draft as in the guideline.
const VERSION: &str = r#"
kind: riktlinje
version: "1"
title: Riktlinje
issued: 2024-01-01
publisher: P
decided_by: Nämnden
decision_date: 2024-01-01
valid_from: 2024-01-01
interventions:
  - id: stod
    name: Stöd
    target_group: vuxna
    legal_basis: 4 kap. 1 § SoL
    duration: {months: 6}
    criteria: [tva-bedomningar]
criteria:
  - id: tva-bedomningar
    text: Den enskilde bedöms ha *behov* av stödet &amp; kunna ta emot det nu.
    kind: assessment
    assessed_by: handlaggare
    rule: bedomning_a and bedomning_b
"#;

/// A YAML double-quoted scalar holding `s` exactly (JSON's escapes are YAML's).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn normalized(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Writes a case whose label and two assessments (by and motivation) are the next five
/// hostile strings, granted or rejected.
fn case(dir: &Path, strings: &[&str], granted: bool) -> std::path::PathBuf {
    let s = |k: usize| quoted(strings[k % strings.len()]);
    let yaml = format!(
        "arende: {}\nansokningsdatum: 2024-03-01\ninsatser: [stod]\nbedomningar:\n  bedomning_a: {{varde: {granted}, av: {}, motivering: {}}}\n  bedomning_b: {{varde: true, av: {}, datum: 2024-02-03, motivering: {}}}\n",
        s(0),
        s(1),
        s(2),
        s(3),
        s(4),
    );
    write(dir, "case.yaml", yaml)
}

fn draft(policy: &Path, case: &Path, out: &Path) {
    let o = styrdok(&[
        "eval",
        "--policy",
        policy.to_str().unwrap(),
        "--case",
        case.to_str().unwrap(),
        "--draft",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// The `.md` (read back through the Markdown parser, as the PDF is made from it) and
/// the PDF (pdftotext) each contain every hostile string exactly (white space runs
/// compared as one space in the `.md`, and left out of the PDF's text, whose lines
/// break where Typst breaks them); the guideline's own Markdown is still Markdown.
#[test]
fn drafts_quote_every_case_string_exactly_in_the_markdown_and_the_pdf() {
    let dir = common::scratch();
    let p = dir.path().join("policy");
    write(&p, "glossary.yaml", GLOSSARY);
    write(&p, "facts.yaml", FACTS);
    write(&p, "doc/1.yaml", VERSION);
    for (k, chunk) in HOSTILE.chunks(5).enumerate() {
        let granted = k % 2 == 0;
        let c = case(dir.path(), chunk, granted);
        let md = dir.path().join(format!("beslut-{k}.md"));
        let pdf = dir.path().join(format!("beslut-{k}.pdf"));
        draft(&p, &c, &md);
        draft(&p, &c, &pdf);
        let source = std::fs::read_to_string(&md).unwrap();
        let read_back = normalized(&styrdok::markdown::Published::markdown(&source).text);
        let printed = common::pdf_text(&pdf);
        // A PDF's lines break where Typst may break (after `/`, say): its text is
        // compared without white space.
        let dense = |s: &str| s.split_whitespace().collect::<String>();
        for s in chunk {
            let want = normalized(s);
            assert!(
                read_back.contains(&want),
                "the .md does not read back `{s}`:\n{source}\n---\n{read_back}"
            );
            assert!(
                dense(&printed).contains(&dense(s)),
                "the PDF does not print `{s}`:\n{printed}"
            );
        }
        // The guideline's sentence is Markdown: emphasis and entity are markup there.
        assert!(source.contains("*behov* av stödet &amp; kunna"), "{source}");
        if granted {
            assert!(
                printed.contains("ha behov av stödet & kunna ta emot det nu"),
                "{printed}"
            );
        }
        assert!(!printed.contains("*behov*"), "{printed}");
    }
}

/// The places the draft's template puts a string: a line of its own, a list item, a
/// label before a hard break, the end of an emphasised sentence, parentheses. What
/// the tree reads back is the string itself, every control character a space.
fn contexts(e: &str) -> Vec<String> {
    vec![
        e.to_string(),
        format!("- {e}"),
        format!("  - {e}"),
        format!("**Ärende:** {e}  \n**Ansökan kom in:** 2024-01-01"),
        format!("- Text. *Bedömning av ”Fråga”: ja ({e}, 2024-01-01): {e}*"),
        format!("1. Ansökan ({e})."),
        format!("> **Observera:** {e}"),
    ]
}

fn expected(s: &str) -> Vec<String> {
    let s: String = s
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect();
    vec![
        s.clone(),
        s.clone(),
        s.clone(),
        format!("Ärende: {s} Ansökan kom in: 2024-01-01"),
        format!("Text. Bedömning av ”Fråga”: ja ({s}, 2024-01-01): {s}"),
        format!("Ansökan ({s})."),
        format!("Observera: {s}"),
    ]
}

/// Pieces hostile to Markdown, entities, the template engine and Typst.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "&amp;",
            "&sect;",
            "&#97;",
            "&#x61;",
            "&nbsp;",
            "&",
            ";",
            "\\",
            "\\\\",
            "*",
            "**",
            "_",
            "__",
            "[",
            "]",
            "(",
            ")",
            "![",
            "[^1]",
            "<",
            ">",
            "<b>",
            "<!--",
            "#",
            "# ",
            "|",
            "~",
            "~~",
            "`",
            "```",
            "!",
            "{",
            "}",
            "{section: a}",
            "{ref:x}",
            "{{ x }}",
            "{% if %}",
            "-",
            "- ",
            "+ ",
            "=",
            "===",
            "1.",
            "1) ",
            "    ",
            "  ",
            " ",
            "\t",
            "\n",
            "\r\n",
            "\u{2028}",
            "\u{a0}",
            "$x$",
            "@ref",
            "<label>",
            "#read(\"x\")",
            "//",
            "/*",
            "\"",
            "'",
            "...",
            "--",
            ":",
            "http://x.se",
            "<http://x.se>",
        ])
        .prop_map(str::to_string),
        "[a-zåäö0-9]{1,4}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever a case supplies, the Markdown tree reads back exactly that text,
    /// wherever the template puts it.
    #[test]
    fn escaped_text_reads_back_exactly(pieces in prop::collection::vec(piece(), 0..12)) {
        let s: String = pieces.concat();
        // An empty string the template leaves out (`{% if a.motivation %}`).
        prop_assume!(!s.is_empty());
        let e = escape(&s);
        for (ctx, want) in contexts(&e).iter().zip(expected(&s)) {
            let got = plain(ctx);
            prop_assert_eq!(got.trim_end(), want.trim_end(), "in {:?}", ctx);
        }
    }
}
