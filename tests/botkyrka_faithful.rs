//! Botkyrka's fees guideline (`policy/avgifter-vard-och-omsorg/2025-07.yaml`) must
//! reproduce the adopted text word for word, as seed_faithful proves it for seed 003.
//!
//! The comparison is made on the published page, not on the YAML: the HTML is rendered
//! through the library, so `{param: …}` and `{number: …}` are resolved to the numbers the
//! reader sees and criteria written once under `criteria:` stand where `{ref: …}` places
//! them. Both sides are cut into the same blocks (headings with their numbers,
//! paragraphs, list items, table rows) and the two lists must be equal: a word changed,
//! dropped, added or moved, a paragraph split or joined, fails.
//!
//! Not compared, because the YAML's header says they are not transcribed: the generated
//! table of contents (checked on its own against the source's), page numbers, the
//! hidden-marker line, and the image placeholders the conversion left at the end.

mod common;

use std::fmt::Write as _;

use common::root;
use styrdok::model::{Policy, Version};
use styrdok::render::templates::Templates;

/// Where the shared sources live for every developer and CI (`../shared/sources`).
const SOURCE: &str = "../shared/sources/botkyrka-avgifter-vard-och-omsorg-2025.md";
/// A byte-for-byte copy in the repository, so that a clone away from `../shared` still
/// tests the transcription; `the_copy_is_the_source` keeps it identical.
const COPY: &str = "tests/fixtures/sources/botkyrka-avgifter-vard-och-omsorg-2025.md";
/// SHA-256 of the source, taken from `../shared/sources` when the copy was made.
const SOURCE_SHA256: &str = "e721bda888298155ef5d202acd155b54e37cb433de740a3ee7313e6745f214dd";

fn source() -> String {
    let shared = root().join(SOURCE);
    let path = if shared.is_file() {
        shared
    } else {
        root().join(COPY)
    };
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the source must be readable at {} ({e})", path.display()))
}

#[test]
fn the_copy_is_the_source() {
    use sha2::{Digest, Sha256};
    let copy = std::fs::read(root().join(COPY)).unwrap();
    let mut digest = String::new();
    for b in Sha256::digest(&copy) {
        write!(digest, "{b:02x}").unwrap();
    }
    assert_eq!(
        digest, SOURCE_SHA256,
        "{COPY} was changed: copy it again from {SOURCE}"
    );
    if let Ok(shared) = std::fs::read(root().join(SOURCE)) {
        assert!(
            shared == copy,
            "{COPY} differs from {SOURCE}: copy it again"
        );
    }
}

/// The normalisations, and the only ones (each is something the conversion or the
/// typesetting changed, not the adopted text):
/// - whitespace runs are one space, and leading and trailing whitespace goes: the
///   conversion left double spaces ("tid.  Vid") and trailing spaces, and broke lines
///   inside paragraphs (section 1), which the block parsers join first;
/// - a no-break space is a space: the tool prints one between a number and its unit
///   ("15 timmar", "7 %", "61 år", and "58 800" in large amounts) so that they never
///   part at a line end; the source has ordinary spaces.
fn norm(s: &str) -> String {
    s.replace('\u{a0}', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// One block of the body, the same on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Block {
    /// A heading with its number, e.g. `("2.6.1", "Minimibelopp")` or `("1.", "Allmänt")`.
    Heading(String, String),
    Paragraph(String),
    /// A list item; the source writes it as a line starting with "· ", the page as `<li>`.
    Item(String),
    /// A table row, cell by cell, empty cells kept.
    Row(Vec<String>),
}

/// The source, cut into its parts.
struct Source {
    /// The cover: title, the date line, then the "Label: value" fields in order.
    title: String,
    subtitle: String,
    fields: Vec<(String, String)>,
    /// The source's own table of contents: number and heading, page numbers dropped.
    toc: Vec<(String, String)>,
    /// The body after the table of contents, up to the image placeholders.
    body: Vec<Block>,
}

/// "2.6.1 Minimibelopp" → ("2.6.1", "Minimibelopp") when it looks like a numbered heading.
fn split_number(line: &str) -> Option<(String, String)> {
    let (number, text) = line.split_once(' ')?;
    let numeric = !number.is_empty()
        && number.starts_with(|c: char| c.is_ascii_digit())
        && number.chars().all(|c| c.is_ascii_digit() || c == '.');
    numeric.then(|| (number.to_string(), norm(text)))
}

fn parse_source(text: &str) -> Source {
    let lines: Vec<&str> = text.lines().collect();
    let toc_at = lines
        .iter()
        .position(|l| l.trim() == "Innehållsförteckning")
        .expect("the source has its table of contents");

    // The cover. The line "Ta inte bort denna rad den innehåller dold information" is
    // the template's hidden marker, and "2" the page number; neither is a field.
    let mut cover = lines[..toc_at]
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty());
    let title = norm(cover.next().unwrap());
    let subtitle = norm(cover.next().unwrap());
    let mut fields = Vec::new();
    for line in cover {
        if line == "Ta inte bort denna rad den innehåller dold information" || line == "2" {
            continue;
        }
        let (label, value) = line
            .split_once(':')
            .unwrap_or_else(|| panic!("a cover line that is not a field: {line:?}"));
        fields.push((norm(label), norm(value)));
    }

    // The table of contents: "2.6.1 Minimibelopp<TAB>6", to the first blank line after it.
    let mut toc = Vec::new();
    let mut at = toc_at + 1;
    while lines[at].trim().is_empty() {
        at += 1;
    }
    while !lines[at].trim().is_empty() {
        let (entry, page) = lines[at].rsplit_once('\t').unwrap();
        assert!(
            page.trim().parse::<u32>().is_ok(),
            "a page number: {page:?}"
        );
        toc.push(split_number(entry.trim()).unwrap());
        at += 1;
    }

    // The body, to the image placeholders the conversion left at the end.
    let end = lines
        .iter()
        .position(|l| l.trim() == "image1.emf")
        .expect("the conversion's image placeholders");
    let tail: Vec<&str> = lines[end..]
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        tail,
        ["image1.emf", "image2.emf", "image3.jpg", "image4.emf"],
        "after the image placeholders there must be nothing"
    );
    let mut body = Vec::new();
    let mut paragraph = String::new();
    let mut row: Option<Vec<String>> = None;
    let flush = |paragraph: &mut String, body: &mut Vec<Block>| {
        if !paragraph.trim().is_empty() {
            body.push(Block::Paragraph(norm(paragraph)));
        }
        paragraph.clear();
    };
    let mut first_heading = true;
    for line in &lines[at..end] {
        // The levels table lost its grid: each cell is a line of its own that starts with
        // a tab (an empty cell is the tab alone), and a blank line ends the row.
        if let Some(cell) = line.strip_prefix('\t') {
            flush(&mut paragraph, &mut body);
            row.get_or_insert_with(Vec::new).push(norm(cell));
            continue;
        }
        if let Some(r) = row.take() {
            body.push(Block::Row(r));
        }
        let t = line.trim();
        if t.is_empty() {
            flush(&mut paragraph, &mut body);
            continue;
        }
        // The conversion writes list items as lines starting with "· ".
        if let Some(item) = t.strip_prefix("· ") {
            flush(&mut paragraph, &mut body);
            body.push(Block::Item(norm(item)));
            continue;
        }
        // A heading is a numbered line whose text the table of contents lists.
        let heading = split_number(t).filter(|(_, h)| toc.iter().any(|(_, x)| x == h));
        if let Some((mut number, heading)) = heading {
            flush(&mut paragraph, &mut body);
            // The conversion printed the first heading's number as "10." where the
            // source's own table of contents (and the document) has "1.".
            if first_heading && number == "10." && heading == "Allmänt" {
                number = "1.".to_string();
            }
            first_heading = false;
            body.push(Block::Heading(number, heading));
            continue;
        }
        // Any other line continues the paragraph: the conversion broke lines inside
        // paragraphs, and only blank lines part them.
        paragraph.push_str(t);
        paragraph.push(' ');
    }
    flush(&mut paragraph, &mut body);
    if let Some(r) = row.take() {
        body.push(Block::Row(r));
    }
    Source {
        title,
        subtitle,
        fields,
        toc,
        body,
    }
}

fn policy() -> Policy {
    let (policy, diags) = common::checked(&common::shipped());
    assert!(!diags.has_errors());
    policy
}

fn guideline(policy: &Policy) -> &Version {
    policy
        .document("avgifter-vard-och-omsorg")
        .and_then(|d| d.version("2025-07"))
        .expect("the July 2025 fees guideline is shipped")
}

/// The published HTML page, rendered through the library as `styrdok build` writes it.
fn page() -> String {
    let policy = policy();
    let d = policy.document("avgifter-vard-och-omsorg").unwrap();
    let v = d.version("2025-07").unwrap();
    let hash = styrdok::identity::content_hash(&policy, d, v);
    let templates = Templates::load(None).unwrap();
    styrdok::render::document(&templates, &policy, d, v, &hash)
        .unwrap()
        .html
}

/// Undoes the escaping of `styrdok::render::html::escape` (the only entities it writes),
/// and drops the soft hyphens (U+00AD) that headings carry in their long words
/// (`render::html::soft_hyphens`): a place where the browser may break the word with a
/// hyphen, not a change of its letters.
fn unescape(s: &str) -> String {
    s.replace('\u{ad}', "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The value of `name="…"` in a tag's text.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&tag[at..at + tag[at..].find('"')?])
}

/// The page's body as blocks, and the generated table of contents apart: `<main>` read
/// element by element. Text outside a heading, paragraph, list item or table cell fails
/// the test, so that nothing the source lacks can hide in the page.
fn page_blocks(html: &str) -> (Vec<Block>, Vec<(String, String)>) {
    let main = &html[html.find("<main").unwrap()..html.find("</main>").unwrap()];
    let main = &main[main.find('>').unwrap() + 1..];
    let mut blocks = Vec::new();
    let mut toc = Vec::new();
    let mut in_toc = false;
    // The appendix *Begrepp* lists the glossary's definitions of the terms the text uses:
    // generated from glossary.yaml, not transcribed from the source, so it is left out
    // here as the generated table of contents is (the terms in the text link to it, and
    // the links' words are the source's own).
    let mut in_glossary = false;
    // The block being read: its number (headings) and its text.
    let mut open: Option<(&str, String, String)> = None;
    let mut row: Option<Vec<String>> = None;
    let mut cell: Option<String> = None;
    let mut in_anchor = false;
    let mut in_number = false;
    let mut rest = main;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('<') {
            let close = after.find('>').unwrap();
            let tag = &after[..close];
            rest = &after[close + 1..];
            let name = tag.split_whitespace().next().unwrap();
            if name == "section" && attr(tag, "id") == Some("bilaga.begrepp") {
                in_glossary = true;
            }
            if in_glossary {
                in_glossary = name != "/section";
                continue;
            }
            match name {
                "nav" if attr(tag, "class") == Some("toc") => in_toc = true,
                "/nav" => in_toc = false,
                // The "#" link to the section, hidden from screen readers: not text.
                "a" if attr(tag, "class") == Some("ankare") => in_anchor = true,
                "/a" => in_anchor = false,
                "span" if attr(tag, "class") == Some("nummer") => in_number = true,
                "/span" => in_number = false,
                "h2" | "h3" | "h4" | "h5" | "p" | "li" => {
                    assert!(open.is_none(), "<{name}> inside another block");
                    open = Some((name, String::new(), String::new()));
                }
                "/h2" | "/h3" | "/h4" | "/h5" | "/p" | "/li" => {
                    let (kind, number, text) = open.take().unwrap();
                    let (number, text) = (norm(&number), norm(&text));
                    match (in_toc, kind) {
                        (true, "li") => toc.push((number, text)),
                        (true, _) => assert_eq!(text, "Innehåll"),
                        (false, "p") => blocks.push(Block::Paragraph(text)),
                        (false, "li") => blocks.push(Block::Item(text)),
                        (false, _) => blocks.push(Block::Heading(number, text)),
                    }
                }
                "tr" => row = Some(Vec::new()),
                "/tr" => blocks.push(Block::Row(row.take().unwrap())),
                "th" | "td" => cell = Some(String::new()),
                "/th" | "/td" => row.as_mut().unwrap().push(norm(&cell.take().unwrap())),
                _ => {}
            }
        } else {
            let next = rest.find('<').unwrap_or(rest.len());
            let text = unescape(&rest[..next]);
            rest = &rest[next..];
            if in_anchor || in_glossary {
                continue;
            }
            if let Some(c) = cell.as_mut() {
                c.push_str(&text);
            } else if let Some((_, number, t)) = open.as_mut() {
                if in_number {
                    number.push_str(&text);
                } else {
                    t.push_str(&text);
                }
            } else {
                assert!(
                    text.trim().is_empty(),
                    "text outside any block on the page: {text:?}"
                );
            }
        }
    }
    (blocks, toc)
}

/// Where two block lists first part, with a little context, for the failure message.
fn first_difference(expected: &[Block], actual: &[Block]) -> Option<String> {
    let at = expected
        .iter()
        .zip(actual)
        .position(|(e, a)| e != a)
        .or_else(|| (expected.len() != actual.len()).then(|| expected.len().min(actual.len())))?;
    let mut out = format!("blocks part at #{at}\n");
    for (side, blocks) in [("source", expected), ("page", actual)] {
        writeln!(out, "--- {side}:").unwrap();
        for b in blocks.iter().skip(at.saturating_sub(1)).take(3) {
            writeln!(out, "  {b:?}").unwrap();
        }
    }
    Some(out)
}

#[test]
fn the_body_is_the_source_word_for_word() {
    let source = parse_source(&source());
    let (page, _) = page_blocks(&page());
    // A sanity floor, so that a parser that reads nothing cannot pass.
    assert!(source.body.len() > 120, "{}", source.body.len());
    if let Some(diff) = first_difference(&source.body, &page) {
        panic!("the page is not the source:\n{diff}");
    }
    // The same, as one run of words: nothing dropped, added or moved between blocks.
    let words = |bs: &[Block]| -> Vec<String> {
        bs.iter()
            .flat_map(|b| match b {
                Block::Heading(n, t) => vec![n.clone(), t.clone()],
                Block::Paragraph(t) | Block::Item(t) => vec![t.clone()],
                Block::Row(cells) => cells.clone(),
            })
            .flat_map(|s| s.split(' ').map(str::to_string).collect::<Vec<_>>())
            .filter(|w| !w.is_empty())
            .collect()
    };
    assert_eq!(words(&page), words(&source.body));
}

#[test]
fn criteria_and_numbers_are_placed_in_the_text() {
    // The sentences written once under `criteria:` and the numbers kept in
    // policy/parameters.yaml are part of what the previous test compared; this names a
    // few, so that a failure there is not blamed on the parser.
    let source = parse_source(&source());
    let (page, _) = page_blocks(&page());
    let text = |bs: &[Block]| {
        bs.iter()
            .map(|b| format!("{b:?}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (source, page) = (text(&source.body), text(&page));
    for s in [
        "Minimibeloppet ska vid behov fastställas till en högre nivå (individuellt tillägg).",
        "För personer under 61 år bör minimibeloppet vara minst 10 procent högre",
        "avgiftsbefriade upp till 15 timmar per månad",
        "en tolftedel av 0,5392 prisbasbelopp",
        "en tolftedel av 0,5539 prisbasbeloppet",
        "dagverksamhet 2–3 dagar per vecka hamnar i nivå 3",
        "betala 28 procent av prisbasbeloppet",
        "betala 40 procent av prisbasbeloppet",
        "kan omsorgsavgiften jämkas i högst tre månader.",
    ] {
        assert!(source.contains(s), "not in the source: {s}");
        assert!(page.contains(s), "not on the page: {s}");
    }
    let v = policy();
    let v = guideline(&v);
    for id in [
        "hogre-minimibelopp",
        "avgiftsfria-timmar",
        "klarar-inte-att-betala",
    ] {
        assert!(v.criterion(id).is_some(), "{id} is a criterion");
    }
}

#[test]
fn headings_and_numbers_are_the_sources_contents() {
    let source = parse_source(&source());
    assert_eq!(source.toc.len(), 37, "{:?}", source.toc);
    assert!(
        source
            .toc
            .contains(&("2.6.1".into(), "Minimibelopp".into()))
    );
    assert!(source.toc.contains(&("4.1".into(), "Avgiftsnivåer".into())));
    // The source's body headings are its contents (after the "10." of the conversion).
    let body: Vec<(String, String)> = source
        .body
        .iter()
        .filter_map(|b| match b {
            Block::Heading(n, t) => Some((n.clone(), t.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(body, source.toc);
    // The page's headings, with the numbers `numbered: true` generates.
    let (page, toc) = page_blocks(&page());
    let headings: Vec<(String, String)> = page
        .iter()
        .filter_map(|b| match b {
            Block::Heading(n, t) => Some((n.clone(), t.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(headings, source.toc);
    // The generated contents list every heading the source's contents list.
    assert_eq!(toc, source.toc);
    // And the model numbers them so, in the YAML's order.
    let policy = policy();
    let v = guideline(&policy);
    assert!(v.numbered);
    let titles: Vec<String> = v
        .sections_flat()
        .into_iter()
        .map(|(_, s)| norm(&s.heading.value))
        .collect();
    let expected: Vec<String> = source.toc.iter().map(|(_, t)| t.clone()).collect();
    assert_eq!(titles, expected);
}

#[test]
fn the_levels_table_is_the_sources_cells() {
    let source = parse_source(&source());
    let rows = |bs: &[Block]| -> Vec<Vec<String>> {
        bs.iter()
            .filter_map(|b| match b {
                Block::Row(r) => Some(r.clone()),
                _ => None,
            })
            .collect()
    };
    let expected = rows(&source.body);
    let e = |s: &str| s.to_string();
    // The source's cell lines, row by row, with the three empty cells of the
    // dagverksamhet row (levels 1, 5 and 6).
    assert_eq!(
        expected,
        vec![
            ["Nivå", "1", "2", "3", "4", "5", "6"].map(e).to_vec(),
            [
                "Antal beviljade hemtjänsttimmar/mån",
                "0–2",
                "3–8",
                "9–20",
                "21–30",
                "31–49",
                "50–"
            ]
            .map(e)
            .to_vec(),
            [
                "Och/eller dagverksamhet (dagar/vecka)",
                "",
                "1",
                "2–3",
                "4–5",
                "",
                ""
            ]
            .map(e)
            .to_vec(),
            [
                "Högsta avgift = procent av prisbasbeloppet",
                "7 %",
                "15 %",
                "28 %",
                "34 %",
                "40 %",
                "53,92 %"
            ]
            .map(e)
            .to_vec(),
        ]
    );
    let html = page();
    let (page, _) = page_blocks(&html);
    assert_eq!(rows(&page), expected);
    // The page's table sits under 4.1 Avgiftsnivåer, its first row as column headers.
    let at = page
        .iter()
        .position(|b| matches!(b, Block::Row(_)))
        .unwrap();
    assert_eq!(
        page[at - 1],
        Block::Heading("4.1".into(), "Avgiftsnivåer".into())
    );
    let table = &html[html.find("<table>").unwrap()..html.find("</table>").unwrap()];
    assert_eq!(table.matches("<th scope=\"col\"").count(), 7, "{table}");
    assert_eq!(table.matches("<td").count(), 21, "{table}");
}

/// The cover's `<dl class="metadata">` as label → value.
fn page_cover(html: &str) -> Vec<(String, String)> {
    let dl = &html[html.find("<dl class=\"metadata\">").unwrap()..];
    let dl = &dl[..dl.find("</dl>").unwrap()];
    let strip = |s: &str| {
        let mut out = String::new();
        let mut in_tag = false;
        for c in s.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        norm(&unescape(&out))
    };
    dl.split("<dt>")
        .skip(1)
        .map(|pair| {
            let (dt, dd) = pair.split_once("<dd>").unwrap();
            (strip(dt), strip(dd))
        })
        .collect()
}

#[test]
fn the_cover_is_the_yaml_metadata() {
    let source = parse_source(&source());
    let policy = policy();
    let v = guideline(&policy);
    let text = |t: &Option<styrdok::model::Text>| t.as_ref().map(|t| norm(&t.value));
    assert_eq!(source.title, norm(&v.title.value));
    assert_eq!(Some(source.subtitle.clone()), text(&v.subtitle));
    // The date under the title is the one the YAML takes as utgivningsdatum (its notes).
    assert!(source.subtitle.ends_with(&v.issued.value.to_string()));
    assert!(v.contact.is_none(), "the cover names no contact person");

    let page = page_cover(&page());
    let shown = |label: &str| -> String {
        page.iter().find(|(l, _)| l == label).map_or_else(
            || panic!("the page's cover has no {label}: {page:?}"),
            |(_, v)| v.clone(),
        )
    };
    let labels: Vec<&str> = source.fields.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Diarienummer",
            "Dokumentet är beslutat av",
            "Dokumentet beslutades den",
            "Dokumentet gäller för",
            "Dokumentet gäller till den",
            "Dokumentet ersätter",
            "Dokumentansvarig är",
            "För revidering av dokumentet ansvarar",
            "För uppföljning av dokumentet ansvarar",
            "Relaterade dokument",
        ],
        "every field of the source's cover is checked below"
    );
    for (label, value) in &source.fields {
        // The field in the YAML, and the line of the page's cover that shows it.
        let (yaml, page) = match label.as_str() {
            "Diarienummer" => (text(&v.dnr), shown("Dnr")),
            "Dokumentet är beslutat av" => (
                text(&v.decided_by),
                shown("Beslutad av").split(", ").next().unwrap().to_string(),
            ),
            "Dokumentet beslutades den" => (
                v.decision_date.as_ref().map(|d| d.value.to_string()),
                shown("Beslutad av")
                    .rsplit(", ")
                    .next()
                    .unwrap()
                    .to_string(),
            ),
            "Dokumentet gäller för" => (text(&v.scope), shown("Gäller för")),
            "Dokumentet gäller till den" => {
                assert!(v.valid_until.is_none(), "valid_until: tills vidare");
                (Some("Tills vidare".to_string()), shown("Giltig till"))
            }
            "Dokumentet ersätter" => (
                v.replaces.as_ref().and_then(|r| text(&r.dnr)),
                shown("Ersätter").trim_start_matches("Dnr ").to_string(),
            ),
            "Dokumentansvarig är" => (text(&v.document_owner), shown("Dokumentansvarig")),
            "För revidering av dokumentet ansvarar" => {
                (text(&v.revision_by), shown("För revidering ansvarar"))
            }
            "För uppföljning av dokumentet ansvarar" => {
                (text(&v.follow_up_by), shown("För uppföljning ansvarar"))
            }
            "Relaterade dokument" => {
                assert_eq!(value, "", "the source lists no related documents");
                assert!(v.related_documents.is_empty());
                assert!(page.iter().all(|(l, _)| l != "Relaterade dokument"));
                continue;
            }
            other => panic!("a cover field this test does not know: {other}"),
        };
        assert_eq!(yaml.as_deref(), Some(value.as_str()), "{label} in the YAML");
        assert_eq!(&page, value, "{label} on the page's cover");
    }
}
