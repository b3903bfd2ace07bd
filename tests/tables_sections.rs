//! Tables in the prose, numbered sections and `{section: …}` cross-references, as a
//! reader gets them: the HTML, the Typst source, the PDF's text and structure tree,
//! criteria.json, `check`'s report, and the diff between two versions
//! (tests/fixtures/numbered).

mod common;

use std::path::{Path, PathBuf};

use common::{build, copy_dir, pdf_struct, pdf_text, root, stderr, styrdok, write};
use styrdok::diff::{Element, Kind, Side};

fn fixture() -> PathBuf {
    root().join("tests/fixtures/numbered/policy")
}

fn page(dir: &Path, ext: &str) -> String {
    std::fs::read_to_string(dir.join(format!("output/hemtjanst/2024-01/hemtjanst-2024-01.{ext}")))
        .unwrap()
}

#[test]
fn the_html_has_the_table_the_numbers_and_the_links() {
    let (dir, out) = build(&fixture(), &["--html-only"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = page(dir.path(), "html");
    for needle in [
        // The table: in a focusable, named region that scrolls sideways.
        "<div class=\"tabell\" role=\"region\" tabindex=\"0\" aria-label=\"Tabell: Nivå, 1, 2, 3, 4, 5, 6\">",
        "<thead>\n<tr><th scope=\"col\" class=\"kort\">Nivå</th><th scope=\"col\" class=\"centrerad kort\">1</th>",
        "<th scope=\"col\" class=\"hogerstalld kort\">6</th></tr>\n</thead>",
        // A long first cell may wrap; short cells do not; empty cells stay cells.
        "<tr><td>Antal beviljade hemtjänsttimmar/mån</td><td class=\"centrerad kort\">0–2</td>",
        "<tr><td>Och/eller dagverksamhet (dagar/vecka)</td><td class=\"centrerad\"></td><td class=\"centrerad kort\">1</td>",
        "<td class=\"centrerad\"></td><td class=\"hogerstalld\"></td></tr>",
        "<td class=\"hogerstalld kort\"><em>53,92 %</em></td></tr>",
        "<td class=\"hogerstalld kort\">&gt; 40</td>",
        // Numbers in headings, with the section id kept as the anchor and a second one.
        "<h3 id=\"matlada\"><a class=\"ankare\" href=\"#matlada\" aria-hidden=\"true\" tabindex=\"-1\">#</a><span class=\"nummer\" id=\"avsnitt.3.1\">3.1</span> Matlåda</h3>",
        "<h2 id=\"avgift\"><a class=\"ankare\" href=\"#avgift\" aria-hidden=\"true\" tabindex=\"-1\">#</a><span class=\"nummer\" id=\"avsnitt.4\">4.</span> Avgift</h2>",
        "<span class=\"nummer\" id=\"avsnitt.2.2.1\">2.2.1</span> Städning",
        // … and in the contents.
        "<li class=\"niva-2\"><a href=\"#leverans\"><span class=\"nummer\">3.2</span> Leverans av matlåda som insats</a></li>",
        // Cross-references: number and heading, linked; in a footnote too.
        "(se avsnitt <a href=\"#leverans\">3.2 Leverans av matlåda som insats</a>)",
        "se <a href=\"#avgift\">4 Avgift</a>.",
        "och <a href=\"#omsorg\">2.1 Omsorg</a>.",
        // In a code span a placeholder is text.
        "<code>{section: matlada}</code>",
        // The source's defect is printed as adopted.
        "se avsnitt 3.2 Matlåda.",
    ] {
        assert!(html.contains(needle), "not in the HTML: {needle}");
    }
    // The front section has no number.
    assert!(
        html.contains("tabindex=\"-1\">#</a>Sammanfattning</h2>"),
        "the front section got a number"
    );
    // Only the one in the code span is left as written.
    assert_eq!(
        html.matches("{section:").count(),
        1,
        "a placeholder was left unresolved"
    );
}

#[test]
fn the_pdf_has_the_table_tagged_and_the_numbers_in_its_text() {
    let (dir, out) = build(&fixture(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = dir
        .path()
        .join("output/hemtjanst/2024-01/hemtjanst-2024-01.pdf");
    let text = pdf_text(&pdf);
    for needle in [
        "1. Inledning",
        "2.2.1 Städning",
        "3.1 Matlåda",
        "4. Avgift",
        "(se avsnitt 3.2 Leverans av matlåda som insats)",
        "se 4 Avgift.",
        "Antal beviljade hemtjänsttimmar/mån",
        "Och/eller dagverksamhet (dagar/vecka)",
        "0–2",
        "26–40",
        "53,92 %",
        "{section: matlada}",
    ] {
        assert!(
            text.contains(needle),
            "not in the PDF: {needle}\n---\n{text}"
        );
    }
    // The header row is TH (scope column), every other cell TD: 3 rows of 7 cells.
    let tree = pdf_struct(&pdf);
    let tags = |tag: &str| {
        tree.lines()
            .filter(|l| l.trim_start().starts_with(tag))
            .count()
    };
    assert_eq!(tags("Table"), 1, "{tree}");
    assert_eq!(tags("THead"), 1, "{tree}");
    assert_eq!(tags("TH "), 7, "{tree}");
    assert_eq!(tags("TD"), 21, "{tree}");
    assert_eq!(tags("TR"), 4, "{tree}");
    assert!(tree.contains("/Scope /Column"), "{tree}");
    // The Typst source says the same in its own terms.
    let typ = page(dir.path(), "typ");
    assert!(
        typ.contains("#table(columns: 7, align: (left, center, center, center, center, center, right), table.header([#\"Nivå\";], [#\"1\";]"),
        "{typ}"
    );
    assert!(
        typ.contains("[#\"Och/eller dagverksamhet (dagar/vecka)\";], [], [#\"1\";]"),
        "an empty cell is not an empty content block"
    );
    assert!(typ.contains("#heading(depth: 2)[#\"3.1\"; #\"Matlåda\";] <matlada>"));
    assert!(typ.contains("#link(<leverans>)[#\"3.2 Leverans av matlåda som insats\";];"));
}

#[test]
fn criteria_json_gives_the_section_its_number() {
    let (dir, out) = build(&fixture(), &["--html-only"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("output/hemtjanst/2024-01/criteria.json"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        json["interventions"][0]["section"],
        serde_json::json!({"id": "omsorg", "heading": "Omsorg", "number": "2.1"})
    );
}

#[test]
fn check_reports_the_sources_wrong_section_number_where_it_is() {
    let out = styrdok(&[
        "check",
        "tests/fixtures/numbered/policy",
        "--format",
        "json",
    ]);
    let report = common::stdout(&out);
    let json: serde_json::Value = serde_json::from_str(&report).unwrap();
    let diags = json["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{report}");
    let d = &diags[0];
    assert_eq!(d["code"], "section-reference");
    assert_eq!(d["severity"], "warning");
    assert_eq!(
        d["message"],
        "avsnitt 3.2 heter \"Leverans av matlåda som insats\"; \"Matlåda\" är avsnitt 3.1"
    );
    // At the words themselves, inside the block scalar: `avsnitt 3.2 Matlåda`.
    assert_eq!(
        (&d["line"], &d["column"]),
        (&49.into(), &66.into()),
        "{report}"
    );
    assert_eq!(d["end_column"], 85, "{report}");
    assert!(
        d["file"]
            .as_str()
            .unwrap()
            .ends_with("hemtjanst/2024-01.yaml")
    );
    // Warnings only: the check passes, and so does a build.
    assert!(out.status.success(), "{report}");
}

/// Two versions of the fixture: a changed cell, and a new section before `mat` that
/// renumbers every section after it.
fn revised() -> (tempfile::TempDir, styrdok::model::Policy) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("policy");
    copy_dir(&fixture(), &dir);
    let old = std::fs::read_to_string(dir.join("hemtjanst/2024-01.yaml")).unwrap();
    let new = old
        .replace("version: \"2024-01\"", "version: \"2024-07\"")
        .replace("valid_from: 2024-01-01", "valid_from: 2024-07-01")
        .replace(
            "| Antal beviljade hemtjänsttimmar/mån | 0–2 |",
            "| Antal beviljade hemtjänsttimmar/mån | 0–3 |",
        )
        .replace(
            "  - id: mat\n",
            "  - id: ny\n    heading: Trygghetslarm\n    body:\n      - text: Nytt avsnitt.\n  - id: mat\n",
        );
    assert_ne!(old, new);
    write(&dir, "hemtjanst/2024-07.yaml", new);
    let (policy, diags) = common::checked(&dir);
    assert!(!diags.has_errors());
    (tmp, policy)
}

#[test]
fn the_diff_shows_a_changed_cell_and_no_renumbering() {
    let (tmp, policy) = revised();
    let doc = policy.document("hemtjanst").unwrap();
    let side = |label| Side {
        policy: &policy,
        doc,
        version: doc.version(label).unwrap(),
    };
    let d = styrdok::diff::diff(side("2024-01"), side("2024-07"));
    let sections: Vec<(&str, Kind)> = d
        .changes
        .iter()
        .filter(|c| c.element == Element::Section)
        .map(|c| (c.id.as_str(), c.kind))
        .collect();
    // `mat`, `matlada`, `leverans` and `avgift` have new numbers (3 → 4 …), and
    // `matlada`'s cross-reference prints a new number: neither is a change.
    assert_eq!(
        sections,
        [("ny", Kind::New), ("avgift", Kind::Changed)],
        "{sections:?}"
    );
    let avgift = d
        .changes
        .iter()
        .find(|c| c.element == Element::Section && c.id == "avgift")
        .unwrap();
    let f = avgift.fields.iter().find(|f| f.name == "text").unwrap();
    let (old, new) = (f.old.as_deref().unwrap(), f.new.as_deref().unwrap());
    let mut removed = Vec::new();
    let mut added = Vec::new();
    for s in &f.segs {
        match *s {
            styrdok::words::Seg::Delete(a, b) => removed.push(styrdok::words::join(&old[a..b])),
            styrdok::words::Seg::Insert(a, b) => added.push(styrdok::words::join(&new[a..b])),
            styrdok::words::Seg::Equal(..) => {}
        }
    }
    assert_eq!(
        (removed, added),
        (vec!["0–2".to_string()], vec!["0–3".to_string()])
    );
    // No word of the table is lost: both sides hold every cell, the empty ones too.
    let joined = styrdok::words::join(new);
    assert!(
        joined.contains("| Och/eller dagverksamhet (dagar/vecka) | | 1 | 2–3 | 4–5 | | |"),
        "{joined}"
    );
    // The redline of the revision renders (HTML), with the changed cell marked.
    let out = styrdok(&[
        "diff",
        &format!(
            "{}/hemtjanst/2024-01.yaml",
            tmp.path().join("policy").display()
        ),
        &format!(
            "{}/hemtjanst/2024-07.yaml",
            tmp.path().join("policy").display()
        ),
        "--format",
        "html",
    ]);
    let html = common::stdout(&out);
    assert!(
        html.contains("0–2") && html.contains("0–3"),
        "{}",
        stderr(&out)
    );
}
