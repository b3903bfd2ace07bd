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

/// Just enough of a PDF reader to see which words a PDF marks with a language:
/// poppler's `pdfinfo` prints the structure tree, not the `/Lang` of the marked content
/// in which Typst tags a language of its own (`/Span <</MCID 51/Lang(en)>> BDC … EMC`).
/// It reads the files Typst writes (objects in the file, no object streams), each
/// page's content stream, and the fonts' ToUnicode maps to turn glyphs into text.
mod lang {
    use std::collections::HashMap;

    struct Object {
        dict: Vec<u8>,
        stream: Option<Vec<u8>>,
    }

    fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
        hay.get(from..)?
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|i| i + from)
    }

    fn number_after(dict: &[u8], key: &str) -> Option<u32> {
        let at = find(dict, key.as_bytes(), 0)? + key.len();
        let digits: String = dict[at..]
            .iter()
            .skip_while(|b| b.is_ascii_whitespace())
            .take_while(|b| b.is_ascii_digit())
            .map(|&b| b as char)
            .collect();
        digits.parse().ok()
    }

    fn objects(pdf: &[u8]) -> HashMap<u32, Object> {
        let mut out = HashMap::new();
        let mut at = 0;
        while let Some(i) = find(pdf, b" 0 obj\n", at) {
            let start = pdf[..i]
                .iter()
                .rposition(|b| !b.is_ascii_digit())
                .map_or(0, |p| p + 1);
            let num: u32 = std::str::from_utf8(&pdf[start..i])
                .unwrap()
                .parse()
                .unwrap();
            let body = i + b" 0 obj\n".len();
            let stream_kw = find(pdf, b"stream\n", body);
            let endobj = find(pdf, b"endobj", body).unwrap();
            let obj = match stream_kw.filter(|&s| s < endobj) {
                Some(s) => {
                    let dict = pdf[body..s].to_vec();
                    let len = number_after(&dict, "/Length").unwrap() as usize;
                    let raw = &pdf[s + 7..s + 7 + len];
                    let data = if find(&dict, b"/FlateDecode", 0).is_some() {
                        miniz_oxide::inflate::decompress_to_vec_zlib(raw).unwrap()
                    } else {
                        raw.to_vec()
                    };
                    at = s + 7 + len;
                    Object {
                        dict,
                        stream: Some(data),
                    }
                }
                None => {
                    at = endobj;
                    Object {
                        dict: pdf[body..endobj].to_vec(),
                        stream: None,
                    }
                }
            };
            out.insert(num, obj);
            at = at.max(body);
        }
        out
    }

    /// `<XXXX> <YYYY>` pairs and `<a> <b> <c>` ranges of a ToUnicode CMap.
    fn cmap(data: &[u8]) -> HashMap<u16, String> {
        let text = String::from_utf8_lossy(data);
        let hex = |s: &str| -> Vec<u16> {
            let s = s.trim_matches(|c| c == '<' || c == '>');
            (0..s.len() / 4)
                .map(|i| u16::from_str_radix(&s[i * 4..i * 4 + 4], 16).unwrap())
                .collect()
        };
        let mut out = HashMap::new();
        for block in text.split("beginbfchar").skip(1) {
            let block = block.split("endbfchar").next().unwrap();
            let toks: Vec<&str> = block.split_whitespace().collect();
            for pair in toks.chunks(2) {
                out.insert(hex(pair[0])[0], String::from_utf16_lossy(&hex(pair[1])));
            }
        }
        for block in text.split("beginbfrange").skip(1) {
            let block = block.split("endbfrange").next().unwrap();
            let toks: Vec<&str> = block.split_whitespace().collect();
            for t in toks.chunks(3) {
                let (a, b, c) = (hex(t[0])[0], hex(t[1])[0], hex(t[2]));
                for g in a..=b {
                    let mut u = c.clone();
                    *u.last_mut().unwrap() += g - a;
                    out.insert(g, String::from_utf16_lossy(&u));
                }
            }
        }
        out
    }

    /// `/f0 414 0 R` entries of the `/Font` dictionary in a page's resources.
    fn fonts(resources: &[u8]) -> Vec<(String, u32)> {
        let Some(at) = find(resources, b"/Font<<", 0) else {
            return Vec::new();
        };
        let end = find(resources, b">>", at).unwrap();
        let s = String::from_utf8_lossy(&resources[at + 7..end]).into_owned();
        let toks: Vec<&str> = s
            .split(|c: char| c == '/' || c.is_whitespace())
            .filter(|t| !t.is_empty())
            .collect();
        toks.chunks(4)
            .map(|c| (c[0].to_string(), c[1].parse().unwrap()))
            .collect()
    }

    /// The glyph codes of a literal string `( … )` starting at `at` (the `(`): the
    /// bytes, escapes resolved; and where it ends.
    fn literal(data: &[u8], mut at: usize) -> (Vec<u8>, usize) {
        let mut out = Vec::new();
        let mut depth = 0;
        loop {
            let b = data[at];
            match b {
                b'(' if depth == 0 => depth = 1,
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return (out, at + 1);
                    }
                    out.push(b);
                }
                b'\\' => {
                    at += 1;
                    let e = data[at];
                    if e.is_ascii_digit() {
                        let mut v = 0u32;
                        let mut n = 0;
                        while n < 3 && data[at].is_ascii_digit() {
                            v = v * 8 + u32::from(data[at] - b'0');
                            at += 1;
                            n += 1;
                        }
                        out.push(u8::try_from(v & 0xff).unwrap());
                        continue;
                    }
                    out.push(match e {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 8,
                        b'f' => 12,
                        other => other,
                    });
                }
                _ => out.push(b),
            }
            at += 1;
        }
    }

    /// Every run of text a PDF marks with a language in its content (marked content
    /// with `/Lang`), page by page: (language, text).
    pub(super) fn marked(pdf: &[u8]) -> Vec<(String, String)> {
        let objs = objects(pdf);
        let root = objs
            .values()
            .find(|o| {
                find(&o.dict, b"/Type/Pages", 0).is_some() && find(&o.dict, b"/Parent", 0).is_none()
            })
            .unwrap();
        let kids = {
            let at = find(&root.dict, b"/Kids[", 0).unwrap() + 6;
            let end = find(&root.dict, b"]", at).unwrap();
            let s = String::from_utf8_lossy(&root.dict[at..end]).into_owned();
            s.split(" 0 R")
                .filter_map(|t| t.trim().parse::<u32>().ok())
                .collect::<Vec<_>>()
        };
        let mut out = Vec::new();
        for page in kids {
            let p = &objs[&page];
            let resources = match number_after(&p.dict, "/Resources") {
                Some(r) if find(&p.dict, b"/Resources<<", 0).is_none() => objs[&r].dict.clone(),
                _ => p.dict.clone(),
            };
            let maps: HashMap<String, HashMap<u16, String>> = fonts(&resources)
                .into_iter()
                .map(|(name, f)| {
                    let to_unicode = number_after(&objs[&f].dict, "/ToUnicode").unwrap();
                    (name, cmap(objs[&to_unicode].stream.as_ref().unwrap()))
                })
                .collect();
            let content = objs[&number_after(&p.dict, "/Contents").unwrap()]
                .stream
                .as_ref()
                .unwrap();
            // A stack of marked content: the language each opens (or none).
            let mut stack: Vec<Option<String>> = Vec::new();
            let mut font = String::new();
            let mut operands: Vec<Vec<u8>> = Vec::new();
            let mut strings: Vec<Vec<u8>> = Vec::new();
            let mut at = 0;
            while at < content.len() {
                let b = content[at];
                if b == b'(' {
                    let (s, next) = literal(content, at);
                    strings.push(s);
                    at = next;
                } else if content[at..].starts_with(b"<<") {
                    let end = find(content, b">>", at).unwrap() + 2;
                    operands.push(content[at..end].to_vec());
                    at = end;
                } else if b.is_ascii_whitespace() || b == b'[' || b == b']' {
                    at += 1;
                } else {
                    // A token runs to the next white space or delimiter (a name's own
                    // `/` is its first byte).
                    let end = content[at + 1..]
                        .iter()
                        .position(|c| c.is_ascii_whitespace() || b"()[]<>/".contains(c))
                        .map_or(content.len(), |p| at + 1 + p);
                    let tok = content[at..end].to_vec();
                    at = end;
                    match tok.as_slice() {
                        b"BDC" => {
                            let props =
                                String::from_utf8_lossy(operands.last().unwrap()).into_owned();
                            let lang = props
                                .split("/Lang(")
                                .nth(1)
                                .map(|l| l.split(')').next().unwrap().to_string());
                            if let Some(l) = &lang {
                                out.push((l.clone(), String::new()));
                            }
                            stack.push(lang);
                        }
                        b"BMC" => stack.push(None),
                        b"EMC" => {
                            stack.pop();
                        }
                        b"Tf" => {
                            font = String::from_utf8_lossy(&operands[operands.len() - 2])
                                .trim_start_matches('/')
                                .to_string();
                        }
                        b"TJ" | b"Tj" => {
                            if stack.iter().any(Option::is_some) {
                                let map = &maps[&font];
                                let run = &mut out.last_mut().unwrap().1;
                                // The strings of one TJ are one line's glyphs, split
                                // where Typst kerns; a space glyph is in them.
                                for s in &strings {
                                    for g in s.chunks(2) {
                                        let g = u16::from_be_bytes([g[0], g[1]]);
                                        run.push_str(
                                            map.get(&g).map_or("\u{fffd}", String::as_str),
                                        );
                                    }
                                }
                                run.push(' ');
                            }
                        }
                        _ => {
                            if tok.first().is_some_and(u8::is_ascii_alphabetic)
                                || tok.first() == Some(&b'\'')
                                || tok.first() == Some(&b'"')
                            {
                                // Another operator: its operands are used up.
                            } else {
                                operands.push(tok);
                                continue;
                            }
                        }
                    }
                    operands.clear();
                    strings.clear();
                }
            }
        }
        out
    }
}

/// The English method names of the 2022 guideline are marked as English (`Lang` en) in
/// the PDF, and nothing else is: once in the text (Individual placement and support),
/// and supported employment in the text and in Iwork's definition under Begrepp. The
/// HTML page marks the same words `lang="en"`.
#[test]
fn the_english_method_names_are_marked_english() {
    let path = pdf("stod-arbete-studier", "2022-05");
    let marked = lang::marked(&std::fs::read(&path).unwrap());
    // (Typst also marks some Swedish runs, such as emphasis, `sv-SE`.)
    let words: Vec<(String, String)> = marked
        .iter()
        .filter(|(l, _)| !l.starts_with("sv"))
        .map(|(l, t)| (l.clone(), norm(t)))
        .collect();
    assert_eq!(
        words,
        [
            ("en".into(), "Individual placement and support".into()),
            ("en".into(), "supported employment".into()),
            ("en".into(), "supported employment".into()),
        ],
        "{marked:?}"
    );
    let html = std::fs::read_to_string(path.with_extension("html")).unwrap();
    assert_eq!(
        html.matches("<span lang=\"en\">Individual placement and support</span>")
            .count(),
        1
    );
    assert_eq!(
        html.matches("<span lang=\"en\">supported employment</span>")
            .count(),
        2
    );
    assert_eq!(
        html.matches(" lang=\"").count(),
        1 + 3,
        "only html and the three"
    );
}
