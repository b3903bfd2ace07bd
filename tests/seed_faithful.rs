//! The shipped May 2022 guideline must reproduce seed 003 word for word: every
//! heading in order, every criterion sentence in order, every paragraph and the
//! footnote, and the title page. Layout (table of contents, running headers, page
//! numbers) is generated and therefore skipped in the seed.

mod common;

use std::fmt::Write as _;

use common::root;
use styrdok::model::{Block, Part, Policy, Version};

/// Where the project's seeds live for every developer and CI (`../shared/seeds`).
const SEED: &str = "../shared/seeds/003_4871b0f721310a0f.txt";
/// A byte-for-byte copy in the repository, so that a clone away from `../shared` still
/// tests the transcription; `the_copy_is_the_seed` keeps it identical.
const COPY: &str = "tests/fixtures/seeds/003_4871b0f721310a0f.txt";

fn seed() -> String {
    let shared = root().join(SEED);
    let path = if shared.is_file() {
        shared
    } else {
        root().join(COPY)
    };
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("seed 003 must be readable at {} ({e})", path.display()))
}

/// SHA-256 of seed 003, taken from `../shared/seeds` when the copy was made.
const SEED_SHA256: &str = "65c1742cae912f48e4eb63df9b181f0fefe7e44ff9ae280b75dfd1b3d0b0dc64";

#[test]
fn the_copy_is_the_seed() {
    use sha2::{Digest, Sha256};
    let copy = std::fs::read(root().join(COPY)).unwrap();
    let mut digest = String::new();
    for b in Sha256::digest(&copy) {
        write!(digest, "{b:02x}").unwrap();
    }
    assert_eq!(
        digest, SEED_SHA256,
        "{COPY} was changed: copy it again from {SEED}"
    );
    // Where ../shared exists, the seed itself is compared as well.
    if let Ok(shared) = std::fs::read(root().join(SEED)) {
        assert!(shared == copy, "{COPY} differs from {SEED}: copy it again");
    }
}

fn policy() -> Policy {
    let (policy, diags) = common::checked(&common::shipped());
    assert!(!diags.has_errors());
    policy
}

fn norm(s: &str) -> String {
    let mut s = s
        .replace("<sup>1</sup>", "")
        .replace("[^1]: ", "")
        .replace("[^1]", "");
    s = s.replace("**", "");
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The seed's body: from the summary to the end, without the table of contents,
/// the page furniture (`---`, running header, `6 (10)`), split into blocks.
fn seed_blocks(seed: &str) -> Vec<String> {
    let start = seed.find("## Sammanfattning").unwrap();
    let mut blocks: Vec<String> = Vec::new();
    let mut in_toc = false;
    let mut current = String::new();
    for line in seed[start..].lines() {
        let t = line.trim();
        if t.starts_with("## Innehåll") {
            in_toc = true;
            continue;
        }
        if in_toc {
            if t.starts_with("## ") {
                in_toc = false;
            } else {
                continue;
            }
        }
        let furniture = t == "---"
            || (t.starts_with("Riktlinjer för") && t.ends_with("(SoL)"))
            || (t.ends_with("(10)") && t.len() < 8);
        if furniture {
            continue;
        }
        if t.is_empty() {
            if !current.is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
            continue;
        }
        if t.starts_with('#') || t.starts_with("- ") {
            if !current.is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
            blocks.push(t.to_string());
            continue;
        }
        current.push_str(t);
        current.push(' ');
    }
    if !current.is_empty() {
        blocks.push(current);
    }
    // A paragraph cut by a page break ends mid-sentence and the next block starts in lower case.
    let mut joined: Vec<String> = Vec::new();
    for b in blocks {
        let b = b.trim().to_string();
        if let Some(prev) = joined.last_mut() {
            let open = !prev.starts_with('#')
                && !prev.starts_with("- ")
                && !prev.ends_with(['.', ':', '!', '?', '”']);
            if open && b.chars().next().is_some_and(char::is_lowercase) {
                prev.push(' ');
                prev.push_str(&b);
                continue;
            }
        }
        joined.push(b);
    }
    joined
}

fn guideline(policy: &Policy) -> &Version {
    policy
        .document("stod-arbete-studier")
        .and_then(|d| d.version("2022-05"))
        .expect("the May 2022 guideline is shipped")
}

/// The document's text in reading order, as the published document shows it.
fn model_text(v: &Version) -> (Vec<String>, Vec<String>, String) {
    let mut headings = Vec::new();
    let mut listed = Vec::new();
    let mut text = String::new();
    for (_, s) in v.sections_flat() {
        headings.push(s.heading.value.clone());
        text.push_str(&s.heading.value);
        text.push('\n');
        for b in &s.body {
            match b {
                Block::Text(t) => text.push_str(&t.value),
                Block::Criteria(i) => {
                    for c in &v.intervention(&i.value).unwrap().criteria {
                        let sentence = &v.criterion(&c.value).unwrap().text.value;
                        listed.push(sentence.clone());
                        text.push_str(sentence);
                        text.push('\n');
                    }
                }
                Block::Paragraph(parts) => {
                    let words: Vec<&str> = parts
                        .iter()
                        .map(|p| match p {
                            Part::Text(t) | Part::Passage { text: t, .. } => t.value.as_str(),
                            Part::Ref(r) => v
                                .criterion(&r.value)
                                .map(|c| &c.text)
                                .or_else(|| {
                                    v.duties
                                        .iter()
                                        .find(|x| x.id.value == r.value)
                                        .map(|x| &x.text)
                                })
                                .or_else(|| {
                                    v.procedure
                                        .iter()
                                        .find(|x| x.id.value == r.value)
                                        .map(|x| &x.text)
                                })
                                .unwrap()
                                .value
                                .as_str(),
                        })
                        .collect();
                    text.push_str(&words.join(" "));
                }
                Block::Guidance(_) => {}
            }
            text.push('\n');
        }
    }
    (headings, listed, text)
}

#[test]
fn every_heading_appears_in_order() {
    let blocks = seed_blocks(&seed());
    let seed_headings: Vec<String> = blocks
        .iter()
        .filter(|b| b.starts_with('#'))
        .map(|b| norm(b.trim_start_matches('#')))
        .collect();
    let policy = policy();
    let (headings, _, _) = model_text(guideline(&policy));
    assert_eq!(seed_headings.len(), 12);
    assert_eq!(headings, seed_headings);
}

#[test]
fn every_criterion_sentence_appears_in_order() {
    let blocks = seed_blocks(&seed());
    let bullets: Vec<String> = blocks
        .iter()
        .filter_map(|b| b.strip_prefix("- "))
        .map(norm)
        .collect();
    assert_eq!(
        bullets.len(),
        7 + 5 + 8,
        "socialpsykiatri 7, Insteg 5, LSS 8"
    );
    let policy = policy();
    let (_, listed, text) = model_text(guideline(&policy));
    assert_eq!(listed, bullets);
    // The continuation after Insteg is a criterion written in running prose.
    let continuation = "För att bevilja ansökan krävs att den enskilde utifrån egen motivation och förmåga kan påbörja ett aktivt arbetssökande tillsammans med en jobbcoach inom ramen för insatsen.";
    assert!(seed().contains(continuation));
    assert_eq!(
        guideline(&policy)
            .criterion("fortsatt-aktivt-arbetssokande")
            .unwrap()
            .text
            .value,
        continuation
    );
    assert!(norm(&text).contains(continuation));
}

#[test]
fn every_paragraph_and_the_footnote_appear_in_order() {
    let blocks = seed_blocks(&seed());
    let paragraphs: Vec<String> = blocks
        .iter()
        .filter(|b| !b.starts_with('#') && !b.starts_with("- "))
        .map(|b| norm(b))
        .collect();
    assert!(paragraphs.len() > 30, "{}", paragraphs.len());
    let policy = policy();
    let (_, _, text) = model_text(guideline(&policy));
    let text = norm(&text);
    // The footnote sits at the foot of its page in the seed and after its paragraph here:
    // check it on its own, then the rest in order.
    let (footnotes, body): (Vec<&String>, Vec<&String>) = paragraphs
        .iter()
        .partition(|p| p.starts_with("Målgruppsdefinitionen"));
    assert_eq!(footnotes.len(), 1);
    assert!(text.contains(footnotes[0].as_str()), "footnote missing");
    let mut at = 0;
    for p in body {
        match text[at..].find(p.as_str()) {
            Some(i) => at += i + p.len(),
            None => panic!("paragraph missing or out of order:\n{p}"),
        }
    }
}

#[test]
fn the_title_page_is_transcribed() {
    let seed = seed();
    let policy = policy();
    let v = guideline(&policy);
    let head = norm(&seed[..seed.find("## Sammanfattning").unwrap()]);
    let cover = format!("{} {}", v.title.value, v.subtitle.as_ref().unwrap().value);
    assert!(head.starts_with(&cover), "cover title: {head}");
    let inner = format!(
        "{} {}",
        v.title_page_title.as_ref().unwrap().value,
        v.subtitle.as_ref().unwrap().value
    );
    assert!(head.contains(&inner), "inner title page");
    for (label, value) in [
        ("Dnr:", v.dnr.as_ref().unwrap().value.clone()),
        ("Utgivningsdatum:", v.issued.value.to_string()),
        ("Utgivare:", v.publisher.value.clone()),
        ("Kontaktperson:", v.contact.as_ref().unwrap().value.clone()),
    ] {
        assert!(
            head.contains(&format!("{label} {value}")),
            "{label} {value}"
        );
    }
}
