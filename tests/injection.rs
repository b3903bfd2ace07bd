//! Text stays text: Typst code, math, references, labels, HTML and template
//! syntax in the YAML print literally in the PDF and the HTML, and nothing is run.

mod common;

use common::{build, pdf_text, root, stderr};

const LITERALS: &[&str] = &[
    "Titel #read(\"/etc/passwd\") $x^2$ @ref <label> <script>alert(1)</script> {{ title }} {% if true %}",
    "#import \"/etc/passwd\": * // kommentar",
    "{{ dnr }} #sys.inputs",
    "<b>Utgivare</b> & \"citat\"",
    "@kontakt",
    "#panic(\"nej\")",
    "Rubrik #eval(\"1+1\") = $a$",
    "Stycke med #read(\"/etc/passwd\") och #import \"x.typ\": * samt $1 + 1$ och @forsta och <forsta>.",
    "<script>alert(\"x\")</script>",
    "Mallsyntax {{ document.title }} och {% for x in y %}{% endfor %} och {# kommentar #}.",
    "Kriteriet #read(\"/etc/passwd\") <script>x</script> {{ x }} $y$ @z <w>.",
    "Fotnot #read(\"/etc/passwd\").",
    "Notis #read(\"/etc/passwd\") och <img src=x onerror=alert(1)>.",
    // A table's cells, and a heading printed by a `{section: …}` placeholder.
    "Rubrik #read(\"/etc/passwd\")",
    "<script>cell()</script>",
    "{{ cell }}",
    "$x$ @cell <cell>",
    "#panic(\"cell\")",
    "]; #eval(\"3\")",
    "#eval(\"4\")",
    "#link(\"https://x.example\")[Andra] <andra>",
    // The appendix "Begrepp": a glossary term's definition, legal reference and source.
    "Definition #read(\"/etc/passwd\") $d$ @def <def> <script>def()</script> {{ def }}.",
    "#eval(\"lag\") @lagrum",
    "#panic(\"källa\") <kalla>",
];

#[test]
fn the_pdf_prints_every_construct_literally() {
    let (dir, out) = build(&root().join("tests/fixtures/injection/policy"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = pdf_text(&dir.path().join("output/doc/1/doc-1.pdf"));
    for l in LITERALS {
        let l = l.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            text.contains(&l),
            "not printed literally in the PDF: {l}\n---\n{text}"
        );
    }
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let first = passwd.lines().next().unwrap_or("root:x:0:0");
    assert!(!text.contains(first), "the PDF contains /etc/passwd");
}

#[test]
fn the_html_escapes_every_construct() {
    let (dir, out) = build(
        &root().join("tests/fixtures/injection/policy"),
        &["--html-only"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(dir.path().join("output/doc/1/doc-1.html")).unwrap();
    for l in LITERALS {
        // Escaped here, not by the code under test: the five characters HTML needs.
        let escaped = l
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;");
        assert!(
            html.contains(&escaped),
            "not escaped in the HTML: {escaped}"
        );
    }
    // Our own markup has no script, no event handlers and no raw user tags.
    assert!(!html.contains("<script"), "a <script> tag reached the HTML");
    assert!(!html.contains("<img"), "an <img> tag reached the HTML");
    assert!(!html.contains("<b>"), "a raw <b> reached the HTML");
}

#[test]
fn the_typst_source_holds_user_text_only_in_string_literals() {
    let (dir, out) = build(
        &root().join("tests/fixtures/injection/policy"),
        &["--html-only"],
    );
    assert!(out.status.success());
    let typ = std::fs::read_to_string(dir.path().join("output/doc/1/doc-1.typ")).unwrap();
    // Outside string literals and comments, no user text may appear: strip both and look.
    let mut code = String::new();
    let mut chars = typ.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            while let Some(d) = chars.next() {
                if d == '\\' {
                    chars.next();
                } else if d == '"' {
                    break;
                }
            }
            code.push_str("\"\"");
        } else if c == '/' && chars.peek() == Some(&'/') {
            for d in chars.by_ref() {
                if d == '\n' {
                    break;
                }
            }
            code.push('\n');
        } else {
            code.push(c);
        }
    }
    for needle in [
        "/etc/passwd",
        "read(",
        "import",
        "panic",
        "eval(",
        "sys.inputs",
        "$x",
        "@ref",
        "@kontakt",
        "<label>",
        "{{",
        "{%",
        "x.example",
        "@cell",
        "cell()",
        "<cell>",
        "@def",
        "<def>",
        "def()",
        "@lagrum",
        "<kalla>",
    ] {
        assert!(
            !code.contains(needle),
            "`{needle}` appears outside a string literal in the Typst source"
        );
    }
}
