//! Any Markdown becomes HTML that is well formed and holds no element the Markdown did not
//! ask for, and Typst whose structure is sound, that compiles, and whose PDF keeps every
//! word of the source. Documents are generated from the constructs the guidelines use
//! (paragraphs, headings, lists, quotes, code, rules, tables, emphasis, links, footnotes,
//! hard breaks) mixed with raw HTML and Typst, Markdown and template syntax; many are
//! compiled in one Typst run (slow: `MARKDOWN_PROP_CASES`, default 32 runs of 12).

mod common;

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use styrdok::markdown::{self, Footnotes};
use styrdok::render::{html, typst};

/// A generated document: its Markdown, the elements it asks for, the words it holds.
#[derive(Debug, Clone, Default)]
struct Doc {
    md: String,
    elements: BTreeSet<&'static str>,
    words: Vec<String>,
}

/// Syntax that must print as itself (never run, never become markup).
const NOISE: &[&str] = &[
    "#read(\"/etc/passwd\")",
    "$x^2$",
    "@ref",
    "<label>",
    "<b>fet</b>",
    "<script>alert(1)</script>",
    "\"citat\"",
    "{{ title }}",
    "{% if x %}",
    "//",
    "]; #eval(\"1\")",
    "&amp;",
    "\\",
    "{section: a}",
    "3 200 kr",
    "4 kap. 2 § SoL",
];

fn word() -> impl Strategy<Value = String> {
    "[a-zåäö]{4,9}"
}

/// Inline content: words, noise and inline constructs; `n` numbers the footnotes.
fn inline() -> impl Strategy<Value = Vec<(u8, String)>> {
    prop::collection::vec((0u8..12, word()), 1..8)
}

fn write_inline(
    parts: &[(u8, String)],
    doc: &mut Doc,
    notes: &mut Vec<String>,
    k: usize,
) -> String {
    let mut out = Vec::new();
    for (i, (kind, w)) in parts.iter().enumerate() {
        doc.words.push(w.clone());
        let piece = match kind {
            0 => {
                doc.elements.insert("em");
                format!("*{w}*")
            }
            1 => {
                doc.elements.insert("strong");
                format!("**{w}**")
            }
            2 => {
                doc.elements.insert("s");
                format!("~~{w}~~")
            }
            3 => {
                doc.elements.insert("code");
                format!("`{w}`")
            }
            4 => {
                doc.elements.insert("a");
                format!("[{w}](https://exempel.se/{w})")
            }
            5 => {
                let label = format!("d{k}n{i}");
                doc.elements.extend(["sup", "a"]);
                notes.push(format!("[^{label}]: {w} fotnot"));
                doc.words.push("fotnot".into());
                format!("{w}[^{label}]")
            }
            6 => format!("{} {w}", NOISE[(w.len() * 7 + i) % NOISE.len()]),
            7 => {
                doc.elements.insert("br");
                format!("{w}\\\n")
            }
            _ => w.clone(),
        };
        out.push(piece);
    }
    out.join(" ").trim_end().to_string()
}

fn document() -> impl Strategy<Value = Doc> {
    prop::collection::vec((0u8..10, inline(), inline()), 1..6).prop_map(|blocks| {
        let mut doc = Doc::default();
        doc.elements.insert("p");
        let mut notes = Vec::new();
        let mut md = Vec::new();
        for (k, (kind, a, b)) in blocks.iter().enumerate() {
            let a_text = write_inline(a, &mut doc, &mut notes, k * 2);
            let block = match kind {
                0 => {
                    doc.elements.insert("strong");
                    // A heading ends at the line: no hard breaks in it.
                    format!("## {}", a_text.replace("\\\n", " "))
                }
                1 | 2 => {
                    let b_text = write_inline(b, &mut doc, &mut notes, k * 2 + 1);
                    doc.elements.insert(if *kind == 1 { "ul" } else { "ol" });
                    doc.elements.insert("li");
                    let mark = if *kind == 1 { "-" } else { "1." };
                    let indent = " ".repeat(mark.len() + 1);
                    let item =
                        |t: &str| format!("{mark} {}", t.replace('\n', &format!("\n{indent}")));
                    format!("{}\n{}", item(&a_text), item(&b_text))
                }
                3 => {
                    doc.elements.insert("blockquote");
                    format!("> {}", a_text.replace('\n', "\n> "))
                }
                4 => {
                    doc.elements.extend(["pre", "code"]);
                    let words: Vec<&str> = a.iter().map(|(_, w)| w.as_str()).collect();
                    // Only the words of a code block are in it (not their markup).
                    doc.words.truncate(doc.words.len() - a.len());
                    doc.words.extend(words.iter().map(|w| (*w).to_string()));
                    format!("```\n{}\n```", words.join(" "))
                }
                5 => {
                    doc.elements.insert("hr");
                    format!("{a_text}\n\n---")
                }
                6 => {
                    doc.elements
                        .extend(["div", "table", "thead", "tbody", "tr", "th", "td"]);
                    let cells: Vec<&str> = a.iter().map(|(_, w)| w.as_str()).collect();
                    doc.words.truncate(doc.words.len() - a.len());
                    doc.words.extend(cells.iter().map(|w| (*w).to_string()));
                    let cols = cells.len().min(3);
                    let mut t = format!(
                        "| {} |\n|{}\n",
                        cells[..cols].join(" | "),
                        "---|".repeat(cols)
                    );
                    for row in cells[cols..].chunks(cols) {
                        let mut r: Vec<&str> = row.to_vec();
                        r.resize(cols, "");
                        t.push_str(&format!("| {} |\n", r.join(" | ")));
                    }
                    t
                }
                7 => format!("<div class=\"x\">{a_text}</div>"),
                _ => a_text,
            };
            md.push(block);
        }
        md.extend(notes);
        doc.md = md.join("\n\n") + "\n";
        doc
    })
}

/// The HTML as XML: the writer's output is XHTML-like (every element closed, every
/// attribute quoted, only `&amp; &lt; &gt; &quot; &#39;`) but for the void `<br>` and
/// `<hr>`, closed here. Returns the element names, or why it is not well formed.
fn elements(html: &str) -> Result<BTreeSet<String>, String> {
    let xml = format!(
        "<root>{}</root>",
        html.replace("<br>", "<br/>").replace("<hr>", "<hr/>")
    );
    let doc = roxmltree::Document::parse(&xml).map_err(|e| e.to_string())?;
    Ok(doc
        .descendants()
        .filter(roxmltree::Node::is_element)
        .map(|n| n.tag_name().name().to_string())
        .filter(|n| n != "root")
        .collect())
}

#[test]
fn markdown_becomes_well_formed_html_with_only_the_elements_asked_for() {
    let mut runner = TestRunner::new(Config {
        cases: 512,
        failure_persistence: None,
        ..Config::default()
    });
    let r = runner.run(&document(), |doc| {
        let mut notes = Footnotes::default();
        let blocks = markdown::blocks(&doc.md, &mut notes);
        let mut out = String::new();
        html::blocks(&blocks, &mut out);
        for n in &notes.items {
            html::blocks(n, &mut out);
        }
        let found = elements(&out).map_err(|e| {
            TestCaseError::fail(format!(
                "not well formed ({e}):\n{out}\n--- from:\n{}",
                doc.md
            ))
        })?;
        let extra: Vec<&String> = found
            .iter()
            .filter(|e| !doc.elements.contains(e.as_str()))
            .collect();
        prop_assert!(
            extra.is_empty(),
            "elements not asked for: {:?}\n{}\n--- from:\n{}",
            extra,
            out,
            doc.md
        );
        let mut t = String::new();
        typst::document(&blocks, &notes, &mut t);
        prop_assert!(
            typst::structure(&t).is_ok(),
            "{:?}\n{}",
            typst::structure(&t),
            t
        );
        Ok(())
    });
    if let Err(e) = r {
        panic!("{e}");
    }
}

#[test]
fn markdown_becomes_typst_that_compiles_and_keeps_every_word() {
    let typst_cli = match styrdok::publish::typst_cli::Typst::find() {
        Ok(t) => t,
        Err(e) => panic!("the Typst CLI is needed (scripts/install-typst): {e}"),
    };
    let runs = std::env::var("MARKDOWN_PROP_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(32);
    let mut runner = TestRunner::new(Config {
        cases: runs,
        failure_persistence: None,
        ..Config::default()
    });
    let work = common::scratch();
    let fonts = vec![styrdok::publish::typst_cli::font_dir(&work.path().join(".fonts")).unwrap()];
    let r = runner.run(&prop::collection::vec(document(), 12), |docs| {
        // One footnote numbering for the whole file, as in a guideline: labels stay unique.
        let mut notes = Footnotes::default();
        let mut typ = String::from(
            "#set document(title: \"Prov\")\n#set text(font: \"Inter\", lang: \"sv\")\n",
        );
        for (k, doc) in docs.iter().enumerate() {
            let blocks = markdown::blocks(&doc.md, &mut notes);
            let mut t = String::new();
            typst::blocks(&blocks, &notes, &mut t);
            prop_assert!(
                typst::structure(&t).is_ok(),
                "{:?}\n{}",
                typst::structure(&t),
                t
            );
            typ.push_str(&format!("\n#heading[Dokument {k}]\n{t}\n"));
        }
        std::fs::write(work.path().join("prop.typ"), &typ).unwrap();
        let compiled = typst_cli.compile(work.path(), "prop.typ", "prop.pdf", 0, &fonts);
        prop_assert!(compiled.is_ok(), "{:?}\n{}", compiled, typ);
        let text = common::pdf_text(&work.path().join("prop.pdf"));
        for doc in &docs {
            for w in &doc.words {
                prop_assert!(
                    text.contains(w.as_str()),
                    "`{}` is not in the PDF\n--- from:\n{}\n--- PDF:\n{}",
                    w,
                    doc.md,
                    text
                );
            }
        }
        Ok(())
    });
    if let Err(e) = r {
        panic!("{e}");
    }
}
