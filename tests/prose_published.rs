//! The prose checks read the text as it is published, not as the YAML spells it: an
//! HTML entity (`&#97;`, `&#x61;`, `&shy;`, `&nbsp;`), a backslash escape, emphasis
//! inside a word or an invisible character (a soft hyphen, a zero-width space) hides
//! nothing from them, since the reader sees the same word. Each finding is reported at
//! the exact bytes of the YAML that the hidden word is written with.
//!
//! For every check that reads words (misspellings and synonyms from the glossary, legal
//! references and laws that ended, the spell check, number-differs, section mentions),
//! the plain spelling and every hiding trick must be found, each at its own line:column.

mod common;

use std::path::Path;

/// One finding expected: the check's code, the text as written in the YAML (unique in
/// the file), and the part of it that the diagnostic's span must cover exactly.
struct Row {
    code: &'static str,
    written: &'static str,
    span: &'static str,
}

const fn row(code: &'static str, written: &'static str, span: &'static str) -> Row {
    Row {
        code,
        written,
        span,
    }
}

/// Each line of the text block is one paragraph (blank lines between), so no trick
/// leans on its neighbour.
const ROWS: &[Row] = &[
    // The glossary's misspelling, plain and hidden.
    row("misspelling", "Ett skraddarsy.", "skraddarsy"),
    row("misspelling", "Två skr&#97;ddarsy.", "skr&#97;ddarsy"),
    row("misspelling", "Tre skr&#x61;ddarsy.", "skr&#x61;ddarsy"),
    row("misspelling", "Fyra skr&#X61;ddarsy.", "skr&#X61;ddarsy"),
    row("misspelling", "Fem skr&shy;addarsy.", "skr&shy;addarsy"),
    row("misspelling", "Sex skr\u{ad}addarsy.", "skr\u{ad}addarsy"),
    row("misspelling", "Sju skr&#8203;addarsy.", "skr&#8203;addarsy"),
    row(
        "misspelling",
        "Åtta skr\u{200b}addarsy.",
        "skr\u{200b}addarsy",
    ),
    row("misspelling", "Nio skr*a*ddarsy.", "skr*a*ddarsy"),
    row("misspelling", "Tio **skr**addarsy.", "skr**addarsy"),
    row("misspelling", "Elva [skraddarsy](#a).", "skraddarsy"),
    // The glossary's synonym.
    row(
        "synonym",
        "Med arbetsrehabilitering.",
        "arbetsrehabilitering",
    ),
    row(
        "synonym",
        "Och arbets&shy;rehabilitering.",
        "arbets&shy;rehabilitering",
    ),
    row(
        "synonym",
        "Samt &#65;rbetsrehabilitering.",
        "&#65;rbetsrehabilitering",
    ),
    // A chapter and section with no `§`.
    row("legal-reference", "Enligt 4 kap. 1 SoL.", "4 kap. 1 SoL"),
    row(
        "legal-reference",
        "Även 4 kap.&nbsp;2 SoL.",
        "4 kap.&nbsp;2 SoL",
    ),
    row("legal-reference", "Också 4 kap\\. 3 SoL.", "4 kap\\. 3 SoL"),
    row(
        "legal-reference",
        "Dessutom 4&#32;kap.&#x20;5 S&#111;L.",
        "4&#32;kap.&#x20;5 S&#111;L",
    ),
    // An SFS number that contradicts the glossary.
    row(
        "legal-reference",
        "Lagen SoL (2001:435) gäller.",
        "2001:435",
    ),
    row(
        "legal-reference",
        "Lagen SoL \\(2001:436\\) gäller också.",
        "2001:436",
    ),
    row(
        "legal-reference",
        "Lagen SoL (2001&#58;437) gäller alltid.",
        "2001&#58;437",
    ),
    // The Swedish spell check.
    row("spelling", "Ordet felstavadd.", "felstavadd"),
    row("spelling", "Ordet felst&#97;vadt.", "felst&#97;vadt"),
    row("spelling", "Ordet felst&shy;avadq.", "felst&shy;avadq"),
    row("spelling", "Ordet fel*st*avadx.", "fel*st*avadx"),
    // A provision cited with no-break spaces (`law-ended` in ALSO).
    row(
        "legal-reference",
        "Beslut enligt 4 kap.&nbsp;9&nbsp;§&nbsp;SoL (2001&#58;438).",
        "2001&#58;438",
    ),
    // A section mention whose number names no section.
    row("section-reference", "Se avsnitt 9.", "avsnitt 9"),
    row("section-reference", "Se avsnitt&nbsp;8.", "avsnitt&nbsp;8"),
    row("section-reference", "Se avsnitt&#32;7.", "avsnitt&#32;7"),
];

/// More findings on the lines [`ROWS`] writes: SoL ends while the version is in force
/// (`law-ended`, once for each provision, at its first citation).
const ALSO: &[Row] = &[
    row("law-ended", "Enligt 4 kap. 1 SoL.", "4 kap. 1 SoL"),
    row("law-ended", "Även 4 kap.&nbsp;2 SoL.", "4 kap.&nbsp;2 SoL"),
    row("law-ended", "Också 4 kap\\. 3 SoL.", "4 kap\\. 3 SoL"),
    row(
        "law-ended",
        "Dessutom 4&#32;kap.&#x20;5 S&#111;L.",
        "4&#32;kap.&#x20;5 S&#111;L",
    ),
    row(
        "law-ended",
        "Beslut enligt 4 kap.&nbsp;9&nbsp;§&nbsp;SoL (2001&#58;438).",
        "4 kap.&nbsp;9&nbsp;§&nbsp;SoL",
    ),
];

const GLOSSARY: &str = "\
spell_check: true
words: [SoL]
laws:
  - id: sol
    name: Socialtjänstlagen
    abbreviation: SoL
    sfs: \"2001:453\"
    valid_until: 2030-12-31
roles:
  - id: handlaggare
    title: handläggare
terms:
  - id: arbetslivsinriktad-rehabilitering
    term: arbetslivsinriktad rehabilitering
    synonyms: [arbetsrehabilitering]
    definition: Stöd för att närma sig arbete.
misspellings:
  - wrong: skraddarsy
    right: skräddarsy
";

const FACTS: &str = "\
facts:
  - id: timmar
    type: integer
    min: 0
    max: 200
    question: Beviljade timmar per månad?
    source: record
";

const PARAMETERS: &str = "\
parameters:
  - id: tak_timmar
    description: Timmar över vilka insatsen prövas.
    unit: timmar
    values:
      - {from: 2025-01-01, value: 25, reference: Exempel.}
";

/// Criteria whose sentences state a number its rule does not read (25 timmar), plain
/// and hidden; each is (criterion text as written, the span of the number).
const NUMBERS: &[(&str, &str)] = &[
    ("Mer än 30 timmar i månaden.", "30 timmar"),
    ("Mer än 3&#48; timmar i veckan.", "3&#48; timmar"),
    ("Mer än 40&nbsp;timmar i året.", "40&nbsp;timmar"),
    ("Mer än 6&#x30; timmar i dag.", "6&#x30; timmar"),
    ("Mer än 2&shy;6 timmar i natt.", "2&shy;6 timmar"),
];

fn write_policy(dir: &Path) -> String {
    std::fs::create_dir_all(dir.join("doc")).unwrap();
    std::fs::write(dir.join("glossary.yaml"), GLOSSARY).unwrap();
    std::fs::write(dir.join("facts.yaml"), FACTS).unwrap();
    std::fs::write(dir.join("parameters.yaml"), PARAMETERS).unwrap();
    let mut doc = String::from(
        "kind: riktlinje
version: \"1\"
title: T
issued: 2025-01-01
publisher: P
decided_by: N
decision_date: 2025-01-01
valid_from: 2025-01-01
numbered: true
sections:
  - id: a
    heading: Om skr\u{ad}addarsy
    body:
      - criteria: i
      - text: |
",
    );
    for r in ROWS {
        doc.push_str(&format!("          {}\n\n", r.written));
    }
    doc.push_str("  - id: b\n    heading: Skr&#97;ddarsy som tecken\n");
    doc.push_str("criteria:\n");
    for (k, (text, _)) in NUMBERS.iter().enumerate() {
        doc.push_str(&format!(
            "  - id: c{k}\n    text: '{text}'\n    kind: fact\n    rule: timmar > tak_timmar\n"
        ));
    }
    doc.push_str("interventions:\n  - id: i\n    name: I\n    target_group: alla\n    legal_basis: x\n    criteria: [");
    let ids: Vec<String> = (0..NUMBERS.len()).map(|k| format!("c{k}")).collect();
    doc.push_str(&ids.join(", "));
    doc.push_str("]\n");
    std::fs::write(dir.join("doc/1.yaml"), &doc).unwrap();
    doc
}

/// `line:column` (1-based, columns in characters) of byte `at` in `text`.
fn line_col(text: &str, at: usize) -> String {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    format!("{line}:{col}")
}

#[test]
fn every_hiding_trick_is_found_at_its_own_place() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("policy");
    let doc = write_policy(&dir);
    let (policy, diags) = common::checked(&dir);
    // What each diagnostic of the document covers: (code, line:column, the YAML bytes).
    let found: Vec<(String, String, String)> = diags
        .iter()
        .filter(|d| policy.sources.get(d.span.file).path.ends_with("doc/1.yaml"))
        .map(|d| {
            let at = policy.sources.locate(d.span);
            let lc = at.rsplitn(3, ':').collect::<Vec<_>>();
            (
                d.code.to_string(),
                format!("{}:{}", lc[1], lc[0]),
                policy.sources.slice(d.span).to_string(),
            )
        })
        .collect();
    let mut expected: Vec<(&str, &str, &str)> = ROWS
        .iter()
        .chain(ALSO)
        .map(|r| (r.code, r.written, r.span))
        .collect();
    expected.extend(NUMBERS.iter().map(|(w, s)| ("number-differs", *w, *s)));
    // The heading is plain text: its soft hyphen hides nothing either.
    expected.push(("misspelling", "Om skr\u{ad}addarsy", "skr\u{ad}addarsy"));
    let mut missing = Vec::new();
    for (code, written, span) in expected {
        let at = doc.find(written).expect("the row is in the file") + written.find(span).unwrap();
        let want = (code.to_string(), line_col(&doc, at), span.to_string());
        if !found.contains(&want) {
            missing.push(format!("{want:?}"));
        }
    }
    assert!(
        missing.is_empty(),
        "not found where written:\n{}\n\nfound:\n{found:#?}",
        missing.join("\n")
    );
    // A heading is published as written: `Skr&#97;ddarsy` is what the reader sees
    // there, so it is not the misspelt word.
    let at = line_col(&doc, doc.find("Skr&#97;ddarsy").unwrap());
    assert!(
        !found
            .iter()
            .any(|(c, lc, _)| c == "misspelling" && *lc == at),
        "{found:#?}"
    );
}

/// Two titles that print the same are the same title, whatever invisible character
/// one of them holds.
#[test]
fn titles_that_print_the_same_do_not_differ() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("policy");
    write_policy(&dir);
    let path = dir.join("doc/1.yaml");
    let doc = std::fs::read_to_string(&path).unwrap().replacen(
        "title: T\n",
        "title: Riktlinjer\ntitle_page_title: \"Rikt\u{ad}linjer\u{200b}\"\n",
        1,
    );
    std::fs::write(&path, doc).unwrap();
    let (_, diags) = common::checked(&dir);
    assert!(
        !diags.iter().any(|d| d.code == "title-mismatch"),
        "{:?}",
        diags.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
}

/// The published text of a Markdown text maps every range back to the source bytes it
/// came from, through entities, escapes, emphasis and invisible characters.
#[test]
fn published_text_maps_back_to_the_source() {
    use styrdok::markdown::Published;
    let src = "A skr&#97;d*d*ar\\*sy&shy;x och `k&amp;d`\n4 kap.&nbsp;1 § [l](#x) ![b](y)[^1]\n\n[^1]: Not&#101;.";
    let p = Published::markdown(src);
    assert_eq!(
        p.text,
        "A skraddar*syx och k&amp;d\n4 kap.\u{a0}1 § l b \nNote.\n"
    );
    let at = |w: &str| {
        let s = p.text.find(w).unwrap();
        &src[p.source_range(s..s + w.len())]
    };
    assert_eq!(at("skraddar*syx"), "skr&#97;d*d*ar\\*sy&shy;x");
    assert_eq!(at("k&amp;d"), "k&amp;d");
    assert!(p.in_code(p.text.find("k&amp;d").unwrap()));
    assert_eq!(at("kap.\u{a0}1"), "kap.&nbsp;1");
    assert_eq!(at("Note"), "Not&#101;");
    assert_eq!(
        Published::plain("skr\u{ad}addarsy &#97;").text,
        "skraddarsy &#97;"
    );
}
