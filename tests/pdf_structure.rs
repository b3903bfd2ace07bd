//! The PDFs' structure trees, read back with poppler (`pdfinfo -struct-text`), say what a
//! reader sees: the title is the one heading of level 1, the sections H2 and below as
//! on the HTML page; each criteria list is one list with all its criteria; an
//! anvisning's references are a term list whose items hold the quoted criterion (a block
//! quote), who establishes it and the guidance (paragraphs); notices, the cover's lines
//! and the title page's label–value lines are paragraphs or list items, never spans at
//! block level; and the tree's text runs in the document's order.

mod common;

use std::path::{Path, PathBuf};

use styrdok::model::{Block, Policy, Version};
use styrdok::render::body::{Piece, Resolver};

/// One element of a structure tree: its tag (`P`, `H1`, `L` …), its attributes
/// (`/ListNumbering /None`), its text and children in order.
#[derive(Debug, Default)]
struct Node {
    tag: String,
    attrs: Vec<String>,
    children: Vec<Child>,
}

#[derive(Debug)]
enum Child {
    Text(String),
    Node(Node),
}

impl Node {
    /// Its text, all of it, in tree order, with white space (no-break spaces too) as one space.
    fn text(&self) -> String {
        fn walk(n: &Node, out: &mut String) {
            for c in &n.children {
                match c {
                    Child::Text(t) => out.push_str(t),
                    Child::Node(n) => walk(n, out),
                }
            }
        }
        let mut s = String::new();
        walk(self, &mut s);
        norm(&s)
    }

    fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.children.iter().filter_map(|c| match c {
            Child::Node(n) => Some(n),
            Child::Text(_) => None,
        })
    }

    /// Every element below this one (itself excluded), depth first, in tree order.
    fn descendants(&self) -> Vec<&Node> {
        fn walk<'a>(n: &'a Node, out: &mut Vec<&'a Node>) {
            for c in n.nodes() {
                out.push(c);
                walk(c, out);
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out
    }

    fn child(&self, tag: &str) -> Option<&Node> {
        self.nodes().find(|n| n.tag == tag)
    }

    fn children_tagged(&self, tag: &str) -> Vec<&Node> {
        self.nodes().filter(|n| n.tag == tag).collect()
    }

    fn has_attr(&self, a: &str) -> bool {
        self.attrs.iter().any(|x| x == a)
    }
}

fn norm(s: &str) -> String {
    s.replace('\u{a0}', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `pdfinfo -struct-text`: an element per line (`P (block)`, `H2 "…" (block)`), its
/// attributes on the lines under it (`/ListNumbering /Circle`), text as `"…"` lines
/// and link annotations as `Object N 0`, each indented two spaces per level.
fn parse(out: &str) -> Node {
    let mut stack: Vec<(usize, Node)> = vec![(0, Node::default())];
    let close = |stack: &mut Vec<(usize, Node)>| {
        let (_, n) = stack.pop().unwrap();
        stack.last_mut().unwrap().1.children.push(Child::Node(n));
    };
    for line in out.lines() {
        let body = line.trim_start();
        if body.is_empty() || body.starts_with("Object ") {
            continue;
        }
        let indent = line.len() - body.len();
        if body.starts_with('/') {
            stack.last_mut().unwrap().1.attrs.push(body.to_string());
            continue;
        }
        while stack.len() > 1 && stack.last().unwrap().0 >= indent {
            close(&mut stack);
        }
        if let Some(t) = body.strip_prefix('"') {
            let t = t.strip_suffix('"').unwrap_or(t);
            stack
                .last_mut()
                .unwrap()
                .1
                .children
                .push(Child::Text(t.into()));
        } else {
            let tag = body.split([' ', ':']).next().unwrap().to_string();
            stack.push((
                indent,
                Node {
                    tag,
                    ..Node::default()
                },
            ));
        }
    }
    while stack.len() > 1 {
        close(&mut stack);
    }
    let root = stack.pop().unwrap().1;
    let mut docs = root.children.into_iter().filter_map(|c| match c {
        Child::Node(n) if n.tag == "Document" => Some(n),
        _ => None,
    });
    docs.next().expect("the tree has a Document")
}

fn tree(pdf: &Path) -> Node {
    parse(&common::poppler_struct_text(pdf))
}

/// The shipped policy, built once for every test of this file that needs it.
fn output() -> &'static Path {
    static OUT: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, p) = OUT.get_or_init(|| {
        let (dir, o) = common::build(&common::shipped(), &[]);
        assert!(o.status.success(), "{}", common::stderr(&o));
        let p = dir.path().join("output");
        (dir, p)
    });
    p
}

fn policy() -> Policy {
    let (p, _) = common::checked(&common::shipped());
    p
}

fn version<'a>(p: &'a Policy, doc: &str, v: &str) -> &'a Version {
    p.document(doc).unwrap().version(v).unwrap()
}

/// What the document prints in a criteria list and in an anvisning's references, in
/// order, as the writers get it: the item count of each `criteria:` block, and of each
/// `guidance:` block (its references).
fn generated(p: &Policy, v: &Version) -> (Vec<usize>, Vec<usize>) {
    let mut r = Resolver::new(p, v);
    let (mut criteria, mut guidance) = (Vec::new(), Vec::new());
    for (_, s) in v.sections_flat() {
        if !s
            .body
            .iter()
            .any(|b| matches!(b, Block::Criteria(_) | Block::Guidance(_)))
        {
            continue;
        }
        for piece in r.body(&s.body) {
            match piece {
                Piece::Criteria { items, .. } => criteria.push(items.len()),
                Piece::Guidance(refs) => guidance.push(refs.len()),
                _ => {}
            }
        }
    }
    (criteria, guidance)
}

/// A list of criteria: an L whose items are labelled with the panel's marker.
fn criteria_lists(doc: &Node) -> Vec<&Node> {
    doc.descendants()
        .into_iter()
        .filter(|n| {
            n.tag == "L"
                && n.children_tagged("LI")
                    .first()
                    .and_then(|li| li.child("Lbl"))
                    .is_some_and(|l| l.text() == "■")
        })
        .collect()
}

/// The first heading is the title, an H1, and the only one; the headings after it are
/// H2 and below, none skipped.
fn assert_title_heading(doc: &Node, title: &str, pdf: &str) {
    let headings: Vec<&Node> = doc
        .descendants()
        .into_iter()
        .filter(|n| n.tag.len() == 2 && n.tag.starts_with('H') && n.tag != "H")
        .collect();
    assert_eq!(headings[0].tag, "H1", "{pdf}: {:?}", headings[0]);
    assert_eq!(headings[0].text(), norm(title), "{pdf}");
    let mut last = 1;
    for h in &headings[1..] {
        let level: usize = h.tag[1..].parse().unwrap();
        assert!(
            (2..=last + 1).contains(&level),
            "{pdf}: H{level} “{}” after H{last}",
            h.text()
        );
        last = level;
    }
}

/// No text sits in a span at block level (a Span straight under the Document, a list
/// body, a grid cell …): every line a reader sees is a paragraph, heading, list item,
/// table cell or label. Spans in a paragraph (emphasis, a language) are inline and fine;
/// Typst's own contents entries (TOCI > Reference) are the one exception.
fn assert_no_block_spans(doc: &Node, pdf: &str) {
    fn walk(n: &Node, parent: &str, pdf: &str) {
        for c in n.nodes() {
            if c.tag == "Span" {
                assert!(
                    !c.has_attr("/Placement /Block"),
                    "{pdf}: a span at block level under {parent}: “{}”",
                    c.text()
                );
            }
            if !matches!(c.tag.as_str(), "TOC" | "TOCI") {
                walk(c, &c.tag, pdf);
            }
        }
    }
    walk(doc, "Document", pdf);
    for c in doc.nodes() {
        assert!(
            c.tag != "Span",
            "{pdf}: a span straight under the Document: “{}”",
            c.text()
        );
    }
}

/// Each needle appears in `text` after the one before it.
fn assert_in_order(text: &str, needles: &[String], what: &str) {
    let mut at = 0;
    for n in needles {
        let n = norm(n);
        match text[at..].find(&n) {
            Some(i) => at += i + n.len(),
            None => panic!(
                "{what}: “{n}” is not in the structure tree after position {at}{}",
                if text.contains(&n) {
                    " (it comes earlier: out of order)"
                } else {
                    ""
                }
            ),
        }
    }
}

fn pdf(doc: &str, version: &str) -> PathBuf {
    output().join(format!("{doc}/{version}/{doc}-{version}.pdf"))
}

/// The 2022 guideline: three criteria lists of 7, 5 and 8 criteria, each one list (they
/// were tagged as 2+3+2, 2+1+2 and 2+4+2); the title an H1; the title page's lines label
/// and value.
#[test]
fn the_2022_guideline_has_one_list_per_criteria_list_and_its_title_as_h1() {
    let p = policy();
    let v = version(&p, "stod-arbete-studier", "2022-05");
    let (criteria, _) = generated(&p, v);
    assert_eq!(criteria, [7, 5, 8], "the source's criteria lists");
    let path = pdf("stod-arbete-studier", "2022-05");
    let doc = tree(&path);
    let lists = criteria_lists(&doc);
    let counts: Vec<usize> = lists
        .iter()
        .map(|l| l.children_tagged("LI").len())
        .collect();
    assert_eq!(
        counts, criteria,
        "one L per criteria list, with every criterion"
    );
    for l in &lists {
        assert!(l.has_attr("/ListNumbering /Circle"), "{l:?}");
        for li in l.children_tagged("LI") {
            assert!(li.child("Lbl").is_some() && li.child("LBody").is_some());
        }
    }
    // Each item's body is the criterion's sentence.
    let body = |l: &Node, k: usize| l.children_tagged("LI")[k].child("LBody").unwrap().text();
    assert_eq!(
        body(lists[0], 0),
        "Den enskilde ska vara i yrkesverksam ålder."
    );
    assert_eq!(
        body(lists[2], 7),
        "Lämplig arbetsmarknadspolitisk åtgärd bedöms inte kunna erbjudas av Arbetsförmedlingen."
    );

    assert_title_heading(&doc, &v.title.value, "2022-05");
    assert_no_block_spans(&doc, "2022-05");
    // The cover's lines and the title page's title are paragraphs.
    let paragraphs: Vec<String> = doc
        .descendants()
        .iter()
        .filter(|n| n.tag == "P")
        .map(|n| n.text())
        .collect();
    for line in [
        "RIKTLINJE",
        "Maj 2022",
        "Socialförvaltningen",
        "Dnr 3.1.1-70/2022",
        "Utgivningsdatum 2022-05-24",
        "Riktlinjer för särskilt individanpassad stödinsats för att underlätta arbete och studier enligt 4 kap. 2§ Socialtjänstlagen",
    ] {
        assert!(
            paragraphs.iter().any(|t| t == line),
            "no paragraph “{line}”"
        );
    }
    // The title page's label–value lines: a list (no numbering) of label and body.
    let metadata = doc
        .descendants()
        .into_iter()
        .find(|n| {
            n.tag == "L" && n.has_attr("/ListNumbering /None") && n.text().starts_with("Dnr:")
        })
        .expect("the title page's lines are a list");
    let pairs: Vec<(String, String)> = metadata
        .children_tagged("LI")
        .iter()
        .map(|li| {
            (
                li.child("Lbl").unwrap().text(),
                li.child("LBody").unwrap().text(),
            )
        })
        .collect();
    assert_eq!(
        pairs[..4],
        [
            ("Dnr:".into(), "3.1.1-70/2022".into()),
            ("Utgivningsdatum:".into(), "2022-05-24".into()),
            ("Utgivare:".into(), "Socialförvaltningen".into()),
            ("Kontaktperson:".into(), "Paulina Slazak".into()),
        ]
    );
    // The appendix Begrepp is a term list too: each term a label, its definition the body.
    let begrepp = doc
        .descendants()
        .into_iter()
        .find(|n| {
            n.tag == "L"
                && n.children_tagged("LI")
                    .first()
                    .and_then(|li| li.child("Lbl"))
                    .is_some_and(|l| l.text() == "Alfa")
        })
        .expect("Begrepp is a list");
    let first = begrepp.children_tagged("LI")[0];
    assert_eq!(first.child("Lbl").unwrap().text(), "Alfa");
    assert!(first.child("LBody").unwrap().child("P").is_some());

    // Reading order: the headings and the criteria in the order of the source.
    let mut needles: Vec<String> = v
        .sections_flat()
        .iter()
        .map(|(_, s)| s.heading.value.clone())
        .collect();
    needles.insert(0, v.title.value.clone());
    assert_in_order(&doc.text(), &needles, "2022-05 headings");
    let sentences: Vec<String> = v.criteria.iter().map(|c| c.text.value.clone()).collect();
    let body = &doc.text()[doc.text().find("Kriterier för att beviljas").unwrap()..];
    assert_in_order(body, &sentences[..7], "2022-05 criteria of socialpsykiatri");
}

/// The anvisning: each intervention's references are one term list; an item's label is
/// the quoted criterion (a block quote holding a paragraph) and who establishes it (a
/// paragraph of its own, no longer run into the guidance), its body the guidance.
#[test]
fn the_anvisnings_references_are_quote_who_and_guidance() {
    let p = policy();
    let v = version(&p, "stod-arbete-studier-anvisning", "exempel-2023");
    let (_, guidance) = generated(&p, v);
    assert_eq!(guidance, [7, 5, 1, 8], "the references per intervention");
    let path = pdf("stod-arbete-studier-anvisning", "exempel-2023");
    let doc = tree(&path);
    let lists: Vec<&Node> = doc
        .descendants()
        .into_iter()
        .filter(|n| {
            n.tag == "L"
                && n.children_tagged("LI")
                    .first()
                    .and_then(|li| li.child("Lbl"))
                    .is_some_and(|l| l.child("BlockQuote").is_some())
        })
        .collect();
    let counts: Vec<usize> = lists
        .iter()
        .map(|l| l.children_tagged("LI").len())
        .collect();
    assert_eq!(counts, guidance);
    let first = lists[0].children_tagged("LI")[0];
    let label = first.child("Lbl").unwrap();
    let quote = label.child("BlockQuote").unwrap();
    assert!(quote.child("P").is_some(), "{quote:?}");
    assert_eq!(
        quote.text(),
        "”Den enskilde ska vara i yrkesverksam ålder.”"
    );
    let who = label.children_tagged("P");
    assert_eq!(who.len(), 1);
    assert_eq!(who[0].text(), "Faktauppgift");
    let body = first.child("LBody").unwrap();
    assert!(body.child("P").is_some());
    assert!(
        body.text().starts_with("Åldern räknas i hela år"),
        "{}",
        body.text()
    );
    // Every reference: who establishes it is a paragraph apart from the guidance.
    for l in &lists {
        for li in l.children_tagged("LI") {
            let label = li.child("Lbl").unwrap();
            assert_eq!(label.children_tagged("P").len(), 1, "{li:?}");
            let who = label.children_tagged("P")[0].text();
            assert!(
                who == "Faktauppgift" || who.starts_with("Bedöms av"),
                "{who}"
            );
            assert!(!li.child("LBody").unwrap().text().starts_with(&who));
        }
    }
    assert_title_heading(&doc, &v.title.value, "anvisning");
    assert_no_block_spans(&doc, "anvisning");
    // The cover's notice is a paragraph.
    assert!(doc.nodes().any(|n| {
        n.tag == "P"
            && n.text()
                .starts_with("Detta är ett exempel. Tillämpningsanvisningen")
    }));
}

/// Every PDF `build` makes, the redline's included: the title is the H1, headings
/// follow without a skip, and no text is a span at block level.
#[test]
fn every_pdf_has_its_title_as_h1_and_no_text_in_block_level_spans() {
    let p = policy();
    let mut seen = 0;
    for d in &p.documents {
        for v in &d.versions {
            let path = pdf(&d.id, &v.version.value);
            let doc = tree(&path);
            let name = path.display().to_string();
            assert_title_heading(&doc, &v.title.value, &name);
            assert_no_block_spans(&doc, &name);
            if let Some(notice) = &v.notice {
                let first = norm(&styrdok::markdown::plain_in(&p, v, &notice.value));
                let first = first.split(". ").next().unwrap().to_string();
                assert!(
                    doc.nodes()
                        .any(|n| n.tag == "P" && n.text().starts_with(&first)),
                    "{name}: the notice is not a paragraph: {first}"
                );
            }
            seen += 1;
        }
    }
    assert_eq!(seen, 5);
    let redline =
        output().join("stod-arbete-studier/2023-07/stod-arbete-studier-2023-07-andringar.pdf");
    let doc = tree(&redline);
    let v = version(&p, "stod-arbete-studier", "2023-07");
    assert_title_heading(&doc, &v.title.value, "redline");
    assert_no_block_spans(&doc, "redline");
    let lines = doc
        .descendants()
        .into_iter()
        .find(|n| n.tag == "L" && n.text().starts_with("Nuvarande lydelse:"))
        .expect("the redline's lines are label and value");
    assert_eq!(lines.children_tagged("LI").len(), 3);
}
