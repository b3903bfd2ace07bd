//! Snapshots of the generated Typst and HTML of the shipped guideline and its
//! example anvisning, with the built-in templates. Review a change with
//! `cargo insta review` (or `INSTA_UPDATE=always cargo test --test render_snapshots`
//! and read `git diff tests/snapshots`).

mod common;

use styrdok::render::templates::Templates;

fn render(doc: &str, version: &str) -> styrdok::render::Rendered {
    let (policy, diags) = common::checked(&common::shipped());
    assert!(!diags.has_errors());
    let d = policy.document(doc).unwrap();
    let v = d.version(version).unwrap();
    let hash = styrdok::identity::content_hash(&policy, d, v);
    let templates = Templates::load(None).unwrap();
    styrdok::render::document(&templates, &policy, d, v, &hash).unwrap()
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("snapshots");
    s.set_prepend_module_to_snapshot(false);
    // The content hash changes with every edit of the policy; the text is what is reviewed.
    s.add_filter(r"sha256:[0-9a-f]{64}", "sha256:[hash]");
    // Source comments name the policy file by the path it was loaded from: the clone's folder.
    let root = format!("{}/", env!("CARGO_MANIFEST_DIR"));
    let escaped: String = root
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '/' {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect();
    s.add_filter(&escaped, "");

    s
}

#[test]
fn guideline_typst() {
    let r = render("stod-arbete-studier", "2022-05");
    settings().bind(|| insta::assert_snapshot!("stod-arbete-studier-2022-05.typ", r.typst));
}

#[test]
fn guideline_html() {
    let r = render("stod-arbete-studier", "2022-05");
    settings().bind(|| insta::assert_snapshot!("stod-arbete-studier-2022-05.html", r.html));
}

#[test]
fn anvisning_typst() {
    let r = render("stod-arbete-studier-anvisning", "exempel-2023");
    settings().bind(|| insta::assert_snapshot!("anvisning-exempel-2023.typ", r.typst));
}

#[test]
fn anvisning_html() {
    let r = render("stod-arbete-studier-anvisning", "exempel-2023");
    settings().bind(|| insta::assert_snapshot!("anvisning-exempel-2023.html", r.html));
}
