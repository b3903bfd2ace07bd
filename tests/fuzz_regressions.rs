//! What fuzzing found (docs/fuzzing.md), kept as tests of the normal suite: each input the
//! fuzz targets crashed or hung on, with the located error or the value it must give; and
//! the Markdown inputs of tests/fixtures/fuzz/markdown/ (crashes and hand-picked corpus
//! entries) compiled with the real Typst CLI, which the fuzz target cannot afford to run.

mod common;

use styrdok::markdown::{self, Footnotes};
use styrdok::render::typst;

/// Every Markdown input kept from fuzzing becomes Typst that is well formed, compiles,
/// and prints the input's letters-only words.
#[test]
fn fuzzed_markdown_compiles_with_typst() {
    let dir = common::root().join("tests/fixtures/fuzz/markdown");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no inputs in {}", dir.display());
    let mut notes = Footnotes::default();
    let mut typ =
        String::from("#set document(title: \"Prov\")\n#set text(font: \"Inter\", lang: \"sv\")\n");
    let mut words = Vec::new();
    for p in &inputs {
        let bytes = std::fs::read(p).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let mut blocks = markdown::blocks(&text, &mut notes);
        // Outside a guideline (whose `check` resolves every `#id`), internal links are
        // text, as in a decision draft.
        markdown::unlink_internal(&mut blocks);
        notes
            .items
            .iter_mut()
            .for_each(|b| markdown::unlink_internal(b));
        let mut plain = String::new();
        markdown::visit_inlines(&mut blocks, &mut |i| {
            markdown::collect_inline_plain(i, &mut plain);
            plain.push(' ');
        });
        let mut t = String::new();
        typst::blocks(&blocks, &notes, &mut t);
        if let Err(e) = typst::structure(&t) {
            panic!("{}: malformed Typst ({e}):\n{t}", p.display());
        }
        typ.push_str(&format!("\n#heading[{}]\n{t}\n", inputs.len()));
        words.extend(
            plain
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| w.chars().count() >= 4)
                .map(str::to_owned),
        );
    }
    let work = common::scratch();
    let fonts = vec![styrdok::publish::typst_cli::font_dir(&work.path().join(".fonts")).unwrap()];
    std::fs::write(work.path().join("fuzz.typ"), &typ).unwrap();
    let typst_cli = styrdok::publish::typst_cli::Typst::find().expect("the Typst CLI");
    if let Err(e) = typst_cli.compile(work.path(), "fuzz.typ", "fuzz.pdf", 0, &fonts) {
        panic!("the fuzz inputs do not compile: {e}\n{typ}");
    }
    let pdf = common::pdf_text(&work.path().join("fuzz.pdf"));
    for w in &words {
        assert!(pdf.contains(w.as_str()), "`{w}` is not in the PDF:\n{pdf}");
    }
}

/// Loads one version file's bytes beside nothing else; returns the policy and problems.
fn load_version(bytes: &[u8]) -> (styrdok::model::Policy, styrdok::diag::Diagnostics) {
    let tree = styrdok::load::MemoryTree::new("policy").with("doc/1.yaml", bytes.to_vec());
    styrdok::load::load(&tree)
}

/// yaml_load, crash 1: a Latin-1 byte after UTF-8 text (a check fixture's own input). The
/// file is kept as lossy text, where the bad byte is a three-byte U+FFFD, but the
/// diagnostic's span was one byte long: it ended inside a character, and slicing it
/// panicked. The span is now the whole replacement character, at the bad byte's place.
#[test]
fn a_byte_that_is_not_utf8_is_located_on_a_whole_character() {
    let (policy, d) =
        load_version(b"kind: riktlinje\ndecided_by: N\xc3\xa4mnden\nnotes: \xe5r 2022\n");
    let diag = d.iter().find(|x| x.code == "not-text").expect("not-text");
    assert_eq!(diag.message, "file is not valid UTF-8");
    assert_eq!(policy.sources.locate(diag.span), "policy/doc/1.yaml:3:8");
    assert_eq!(policy.sources.slice(diag.span), "\u{fffd}");
    let shown = styrdok::diag::render_human(&policy.sources, diag, false);
    assert!(
        shown.contains("the first byte that is not UTF-8"),
        "{shown}"
    );
}

/// Parses `text` as a file named `case.yaml`; the sources and the problems.
fn parse_yaml(text: &str) -> (styrdok::source::Sources, styrdok::diag::Diagnostics) {
    let mut sources = styrdok::source::Sources::default();
    let id = sources.add("case.yaml", text.to_owned());
    let mut d = styrdok::diag::Diagnostics::default();
    let node = styrdok::load::yaml::parse(id, sources.get(id), &mut d);
    assert!(node.is_none());
    (sources, d)
}

/// case_file, crash 2: a JSON-style case file whose flow mapping is never closed. The
/// scanner stops at the end of the file, and the span was the byte after it: outside
/// the file. It is now an empty span at the end, located on the last line.
#[test]
fn a_syntax_error_at_the_end_of_the_file_is_located_inside_it() {
    let text = "{\"arende\": \"json-1\", \"insatser\": [\"lss-insteg\"],\n \"fakta\": {\"personkrets\": 2}\n";
    let (sources, d) = parse_yaml(text);
    let diag = d.iter().next().expect("a syntax error");
    assert_eq!(diag.code, "yaml-syntax");
    assert_eq!(
        diag.message,
        "invalid YAML (while parsing a flow mapping, did not find expected ',' or '}')"
    );
    assert_eq!(
        (diag.span.start as usize, diag.span.end as usize),
        (text.len(), text.len())
    );
    assert_eq!(sources.locate(diag.span), "case.yaml:3:1");
    let shown = styrdok::diag::render_human(&sources, diag, false);
    assert!(shown.contains("case.yaml:3:1"), "{shown}");
}
