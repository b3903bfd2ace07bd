//! Characters and the fonts: a PDF shows every script the shipped fonts cover (the
//! national minority languages, Yiddish in Hebrew script, a resident's name in Arabic,
//! Syriac, Ethiopic … script), with the font embedded; a character no shipped font
//! has (`&#xcab;`, Chinese, emoji) fails `check` with `unshowable-character` at its
//! line:column before Typst runs, for the policy and for a case's words in a PDF
//! draft; and never does Typst fail with an error of its own.

mod common;

use std::path::Path;

use common::{stderr, styrdok, write};

/// Each script the fonts show: a word in it, and the font the PDF embeds for it.
const SHOWN: &[(&str, &str)] = &[
    ("Sámegiella", "Inter"),
    ("Áŋŋel", "Inter"),
    ("đđ", "Inter"),
    ("ŧŧ", "Inter"),
    ("Ʒʒǯǥǩ", "Inter"),
    ("meänkieli", "Inter"),
    ("suomi", "Inter"),
    ("ćhavo", "Inter"),
    ("Nguyễn", "Inter"),
    ("Ελληνικά", "Inter"),
    ("Русский", "Inter"),
    ("ייִדיש", "NotoSansHebrew"),
    ("װײַן", "NotoSansHebrew"),
    ("محمد", "NotoSansArabic"),
    ("پژوهش", "NotoSansArabic"),
    ("ܫܠܡܐ", "NotoSansSyriac"),
    ("ትግርኛ", "NotoSansEthiopic"),
    ("नमस्ते", "NotoSansDevanagari"),
    ("สวัสดี", "NotoSansThai"),
    ("ქართული", "NotoSansGeorgian"),
    ("Հայերեն", "NotoSansArmenian"),
    ("┌─┐", "DejaVuSansMono"),
];

/// Characters no shipped font shows, as a policy may write them, and what the
/// diagnostic's span covers.
const NOT_SHOWN: &[(&str, &str)] = &[
    ("Kannada &#xcab; här.", "&#xcab;"),
    ("Namnet 王小明 här.", "王小明"),
    ("Glad 😀 här.", "😀"),
    (
        "Familj 👨\u{200d}👩\u{200d}👧 här.",
        "👨\u{200d}👩\u{200d}👧",
    ),
    ("Koreanska 한국어 här.", "한국어"),
    ("Tamil தமிழ் här.", "தமிழ்"),
    ("Runor ᚠᚢᚦ här.", "ᚠᚢᚦ"),
];

fn policy(dir: &Path, body: &[String], title: &str) -> std::path::PathBuf {
    let p = dir.join("policy");
    write(
        &p,
        "facts.yaml",
        "facts:\n  - id: ok\n    type: bool\n    question: Ok?\n    source: person\n",
    );
    let mut doc = format!(
        "kind: riktlinje\nversion: \"1\"\ntitle: {}\nissued: 2024-01-01\npublisher: P\ndecided_by: N\ndecision_date: 2024-01-01\nvalid_from: 2024-01-01\nsections:\n  - id: a\n    heading: {}\n    body:\n      - text: |\n",
        serde_json::to_string(title).unwrap(),
        serde_json::to_string(title).unwrap(),
    );
    for line in body {
        doc.push_str(&format!("          {line}\n\n"));
    }
    write(&p, "doc/1.yaml", doc);
    p
}

/// Text of a PDF as pdftotext gives it, without the bidirectional marks it adds
/// around right-to-left runs, and with Hebrew points left out: pdftotext places a
/// point on the letter before the one it belongs to, so the letters are compared, and
/// the points counted.
fn letters(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{591}'..='\u{5c7}'))
        .collect()
}

#[test]
fn every_script_the_fonts_cover_is_printed_with_its_font_embedded() {
    let dir = common::scratch();
    let words: Vec<String> = SHOWN.iter().map(|(w, _)| (*w).to_string()).collect();
    let p = policy(dir.path(), &words, "Titel محمد ייִדיש");
    let (out, o) = common::build(&p, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = out.path().join("output/doc/1/doc-1.pdf");
    let text = common::poppler("pdftotext", &[], &pdf);
    let fonts = common::pdffonts(&pdf);
    for (word, font) in SHOWN {
        assert!(
            letters(&text).contains(&letters(word)),
            "`{word}` is not in the PDF's text:\n{text}"
        );
        let points = word.chars().filter(|c| ('\u{591}'..='\u{5c7}').contains(c));
        for p in points {
            assert!(
                text.contains(p),
                "U+{:04X} of `{word}` is missing",
                p as u32
            );
        }
        assert!(
            fonts
                .lines()
                .any(|l| l.contains(font) && l.contains(" yes yes yes ")),
            "{font} is not embedded:\n{fonts}"
        );
    }
    // Only the shipped fonts: none of Typst's own.
    for theirs in ["Libertinus", "NewCM"] {
        assert!(!fonts.contains(theirs), "{fonts}");
    }
}

#[test]
fn a_character_no_font_has_is_reported_where_it_is_written_before_typst_runs() {
    let dir = common::scratch();
    let lines: Vec<String> = NOT_SHOWN.iter().map(|(l, _)| (*l).to_string()).collect();
    let p = policy(dir.path(), &lines, "Titel 王");
    let file = std::fs::read_to_string(p.join("doc/1.yaml")).unwrap();
    let o = styrdok(&["check", "--format", "json", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let found: Vec<(u64, u64, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "unshowable-character")
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut expected: Vec<(&str, &str)> = NOT_SHOWN.to_vec();
    expected.push(("title: \"Titel 王\"", "王"));
    expected.push(("heading: \"Titel 王\"", "王"));
    for (line, span) in expected {
        let at = file.find(line).unwrap() + line.find(span).unwrap();
        let before = &file[..at];
        let l = before.matches('\n').count() as u64 + 1;
        let c = before[before.rfind('\n').map_or(0, |i| i + 1)..]
            .chars()
            .count() as u64
            + 1;
        assert!(
            found.iter().any(|(fl, fc, _)| (*fl, *fc) == (l, c)),
            "`{span}` not reported at {l}:{c}: {found:#?}"
        );
    }
    assert!(
        found.iter().any(|(_, _, m)| m.contains("`ಫ` (U+0CAB)")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|(_, _, m)| m.contains("`王小明` (U+738B U+5C0F U+660E)")),
        "{found:#?}"
    );
    // The build stops at the check, with the located error, never Typst's.
    let (_out, o) = common::build(&p, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("unshowable-character"), "{err}");
    assert!(!err.to_lowercase().contains("typst"), "{err}");
}

/// What the check says the fonts show is what Typst shows: every character of the
/// Basic Multilingual Plane and the next that [`styrdok::fonts`] accepts, each as a word
/// of its own, makes a PDF without an error.
#[test]
fn whatever_the_check_accepts_typst_can_set() {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut accepted = 0;
    for cp in 0x1u32..0x2_0000 {
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        // Only characters YAML may hold, and that need a glyph.
        let printable = matches!(cp, 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x1_0000..) || cp < 0x7F;
        if !printable && !matches!(c, '\u{b}' | '\u{c}' | '\r') {
            continue;
        }
        // A character that shows as nothing needs no glyph, and a space is no word of
        // its own: each inside a word.
        let s = if styrdok::words::is_default_ignorable(c) || c.is_whitespace() || c.is_control() {
            format!("a{c}b")
        } else {
            c.to_string()
        };
        if !styrdok::fonts::shows(&s) {
            continue;
        }
        accepted += 1;
        line.push_str(&s);
        line.push(' ');
        if line.chars().count() > 120 {
            lines.push(std::mem::take(&mut line));
        }
    }
    lines.push(line);
    assert!(accepted > 5_000, "{accepted}");
    let dir = common::scratch();
    // Each line twice, as a YAML double-quoted scalar (so any character can be
    // written): as code (DejaVu Sans Mono first) and as prose (Inter first), with the
    // characters that would start markup left out of the prose.
    let p = dir.path().join("policy");
    write(
        &p,
        "facts.yaml",
        "facts:\n  - id: ok\n    type: bool\n    question: Ok?\n    source: person\n",
    );
    let mut doc = String::from(
        "kind: riktlinje\nversion: \"1\"\ntitle: T\nissued: 2024-01-01\npublisher: P\ndecided_by: N\ndecision_date: 2024-01-01\nvalid_from: 2024-01-01\nsections:\n  - id: a\n    heading: A\n    body:\n",
    );
    for l in &lines {
        doc.push_str(&format!(
            "      - text: {}\n",
            serde_json::to_string(&format!("`` {l} ``")).unwrap()
        ));
        doc.push_str(&format!(
            "      - text: {}\n",
            serde_json::to_string(&l.replace(['\\', '`', '*', '_', '<', '&', '[', '#'], " "))
                .unwrap()
        ));
    }
    write(&p, "doc/1.yaml", doc);
    let o = styrdok(&["check", "--format", "json", p.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let unshowable = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "unshowable-character")
        .count();
    assert_eq!(unshowable, 0, "{}", common::stdout(&o));
    let (_out, o) = common::build(&p, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
}

const DRAFT_FACTS: &str = "facts:\n  - id: behov\n    type: bool\n    question: Har den enskilde behov av stödet?\n    source: assessment\n";

const DRAFT_GLOSSARY: &str = "laws:\n  - id: sol\n    name: Socialtjänstlagen\n    abbreviation: SoL\n    sfs: \"2001:453\"\nroles:\n  - id: handlaggare\n    title: handläggare\n";

const DRAFT_VERSION: &str = "kind: riktlinje\nversion: \"1\"\ntitle: Riktlinje\nissued: 2024-01-01\npublisher: P\ndecided_by: N\ndecision_date: 2024-01-01\nvalid_from: 2024-01-01\ninterventions:\n  - id: stod\n    name: Stöd\n    target_group: vuxna\n    legal_basis: 4 kap. 1 § SoL\n    criteria: [behov]\ncriteria:\n  - id: behov\n    text: Den enskilde har behov av stödet.\n    kind: assessment\n    assessed_by: handlaggare\n    rule: behov\n";

fn draft(dir: &Path, by: &str, out: &str) -> (std::process::Output, std::path::PathBuf) {
    let p = dir.join("policy");
    write(&p, "glossary.yaml", DRAFT_GLOSSARY);
    write(&p, "facts.yaml", DRAFT_FACTS);
    write(&p, "doc/1.yaml", DRAFT_VERSION);
    let case = write(
        dir,
        "case.yaml",
        format!(
            "arende: \"A-1\"\nansokningsdatum: 2024-03-01\ninsatser: [stod]\nbedomningar:\n  behov: {{varde: true, av: \"{by}\", motivering: \"Bedömt av {by}.\"}}\n"
        ),
    );
    let path = dir.join(out);
    let o = styrdok(&[
        "eval",
        "--policy",
        p.to_str().unwrap(),
        "--case",
        case.to_str().unwrap(),
        "--draft",
        path.to_str().unwrap(),
    ]);
    (o, path)
}

#[test]
fn a_draft_prints_a_name_in_arabic_and_reports_one_it_cannot_show_in_the_case_file() {
    let dir = common::scratch();
    let (o, pdf) = draft(dir.path(), "محمد الأحمد, ייִדיש", "beslut.pdf");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = letters(&common::poppler("pdftotext", &[], &pdf));
    assert!(text.contains("محمد"), "{text}");
    assert!(text.contains(&letters("ייִדיש")), "{text}");

    let (o, pdf) = draft(dir.path(), "王小明", "beslut2.pdf");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    // `av` on line 5; the name is written from column 29, and again in the motivation.
    assert!(err.contains("unshowable-character"), "{err}");
    assert!(err.contains("case.yaml:5:29"), "{err}");
    assert!(err.contains("`王小明` (U+738B U+5C0F U+660E)"), "{err}");
    assert!(!err.to_lowercase().contains("typst"), "{err}");
    assert!(!pdf.exists());
    // Markdown has no fonts: the same draft as .md is made.
    let (o, md) = draft(dir.path(), "王小明", "beslut.md");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::read_to_string(md).unwrap().contains("王小明"));
}
