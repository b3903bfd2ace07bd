//! `styrdok build` end to end with the real Typst CLI and poppler: the shipped
//! guideline becomes a tagged PDF whose text holds every criterion, builds are
//! byte-identical, and a failed build leaves the previous output untouched.
//! These tests never skip: without Typst they fail and say how to install it.

mod common;

use std::path::Path;

use common::{build, copy_dir, files, pdf_text, pdfinfo, root, stderr, styrdok};

#[test]
fn shipped_guideline_is_a_tagged_pdf_with_every_criterion() {
    let (dir, out) = build(&root().join("policy"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let version = dir.path().join("output/stod-arbete-studier/2022-05");
    let pdf = version.join("stod-arbete-studier-2022-05.pdf");
    let info = pdfinfo(&pdf);
    assert!(info.contains("Tagged:          yes"), "{info}");
    let fonts = common::pdffonts(&pdf);
    assert!(
        fonts.contains("Inter-Regular") && fonts.contains("Inter-SemiBold"),
        "the shipped fonts are not used:\n{fonts}"
    );

    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count");
    assert!((8..=12).contains(&pages), "{pages} pages");
    assert!(
        info.contains("Title:           Riktlinjer för särskilt individanpassad stödinsats"),
        "{info}"
    );
    let html = std::fs::read_to_string(version.join("stod-arbete-studier-2022-05.html")).unwrap();
    assert!(
        html.contains("<a href=\"stod-arbete-studier-2022-05.pdf\">Ladda ner som PDF</a>"),
        "the page does not link to its PDF"
    );
    let text = pdf_text(&pdf);
    let (policy, _) = common::checked(&common::shipped());
    let v = policy
        .document("stod-arbete-studier")
        .unwrap()
        .version("2022-05")
        .unwrap();
    for c in &v.criteria {
        let sentence = c
            .text
            .value
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            text.contains(&sentence),
            "criterion `{}` is not extractable from the PDF",
            c.id.value
        );
    }
    // "sida (antal)" numbering in the running header, and a generated table of contents.
    assert!(
        text.contains(&format!("2 ({pages})")),
        "no `2 ({pages})` page number"
    );
    assert!(text.contains("Innehåll"), "no table of contents");
    // The HTML page, the Typst source, criteria.json and the case schema sit beside it.
    for name in [
        "stod-arbete-studier-2022-05.html",
        "stod-arbete-studier-2022-05.typ",
        "criteria.json",
        "case.schema.json",
    ] {
        assert!(version.join(name).is_file(), "{name} missing");
    }
    let index = std::fs::read_to_string(dir.path().join("output/index.html")).unwrap();
    assert!(index.contains("stod-arbete-studier/2022-05/stod-arbete-studier-2022-05.pdf"));
    assert!(index.contains("uppsokande-arbetsmarknadsinsats/remiss-2022/"));
}

#[test]
fn two_builds_are_byte_identical() {
    let (a, out_a) = build(&root().join("policy"), &[]);
    assert!(out_a.status.success(), "{}", stderr(&out_a));
    let (b, out_b) = build(&root().join("policy"), &[]);
    assert!(out_b.status.success());
    let (fa, fb) = (
        files(&a.path().join("output")),
        files(&b.path().join("output")),
    );
    assert_eq!(fa, fb);
    assert!(fa.iter().any(|f| f.extension().is_some_and(|e| e == "pdf")));
    // Identical because the PDF's date is the guideline's (noon UTC on `issued`), not
    // the clock's: two quick builds could share a second and hide a clock date.
    let info = pdfinfo(
        &a.path()
            .join("output/stod-arbete-studier/2022-05/stod-arbete-studier-2022-05.pdf"),
    );
    assert!(
        info.contains("CreationDate:    2022-05-24T12:00:00Z"),
        "{info}"
    );
    for f in &fa {
        let x = std::fs::read(a.path().join("output").join(f)).unwrap();
        let y = std::fs::read(b.path().join("output").join(f)).unwrap();
        assert!(x == y, "{} differs between two builds", f.display());
    }
}

/// Every file under `dir` with a digest of its bytes.
fn snapshot(dir: &Path) -> Vec<(std::path::PathBuf, String)> {
    use sha2::Digest as _;
    files(dir)
        .into_iter()
        .map(|f| {
            let digest = sha2::Sha256::digest(std::fs::read(dir.join(&f)).unwrap());
            (f, format!("{digest:x}"))
        })
        .collect()
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("output");
    let out_arg = out.to_str().unwrap();
    let ok = styrdok(&["build", "--html-only", "--out", out_arg, "policy"]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let before = snapshot(&out);
    // A template that Typst cannot compile: the PDF step fails after HTML was rendered.
    let templates = work.path().join("broken-templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("document.typ"),
        "#let x = (\n{{ document.title }}\n",
    )
    .unwrap();
    std::fs::write(
        templates.join("document.html"),
        "<p>NEW {{ document.title }}</p>",
    )
    .unwrap();
    let failed = styrdok(&[
        "build",
        "--out",
        out_arg,
        "--templates",
        templates.to_str().unwrap(),
        "policy",
    ]);
    assert_eq!(failed.status.code(), Some(2));
    let stderr = stderr(&failed);
    assert!(stderr.contains("typst could not make the PDF"), "{stderr}");
    assert!(stderr.contains("from the template"), "{stderr}");
    assert_eq!(snapshot(&out), before, "a failed build changed the output");
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".styrdok-build-")
        })
        .collect();
    assert!(leftovers.is_empty(), "staging folder left behind");
}

#[test]
fn a_policy_with_errors_builds_nothing() {
    let work = tempfile::tempdir().unwrap();
    let policy = work.path().join("policy");
    std::fs::create_dir_all(policy.join("doc")).unwrap();
    std::fs::write(policy.join("doc/1.yaml"), "kind: riktlinje\ntitel: X\n").unwrap();
    let (dir, out) = build(&policy, &["--html-only"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = stderr(&out);
    assert!(
        stderr.contains("unknown key `titel` in document"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was built"), "{stderr}");
    assert!(!dir.path().join("output").exists());
}

#[test]
fn html_only_needs_no_typst() {
    let (dir, out) = build(&root().join("policy"), &["--html-only"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = files(&dir.path().join("output"));
    assert!(
        !listed
            .iter()
            .any(|f| f.extension().is_some_and(|e| e == "pdf"))
    );
    // index.html; per version HTML, .typ, criteria.json; a case schema where cases can be
    // tried (not the anvisning); the redline of 2023-07 against 2022-05 (HTML, .typ); the
    // record of what the build published (.styrdok-manifest.json).
    assert_eq!(listed.len(), 1 + 3 * 5 + 4 + 2 + 1, "{listed:?}");
    // No page links to a PDF that is not there.
    for f in listed
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "html"))
    {
        let html = std::fs::read_to_string(dir.path().join("output").join(f)).unwrap();
        assert!(!html.contains(".pdf\""), "{} links to a PDF", f.display());
    }
}

#[test]
fn templates_bring_their_own_fonts_and_a_logo() {
    let (dir, out) = build(
        &root().join("policy"),
        &[
            "--templates",
            root().join("tests/fixtures/templates").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let version = dir.path().join("output/stod-arbete-studier/2022-05");
    let fonts = common::pdffonts(&version.join("stod-arbete-studier-2022-05.pdf"));
    assert!(
        fonts.contains("InterDisplay-Light"),
        "the template's font is not used:\n{fonts}"
    );
    assert!(
        !version.join("assets").exists(),
        "assets are build inputs, not published files"
    );
    let stderr = stderr(&out);
    assert!(!stderr.contains("typst warning"), "{stderr}");
}

/// A footnote referred to only inside another footnote is printed in the PDF, the
/// PDF and the HTML number footnotes alike, and no HTML id appears twice, even
/// next to a section whose id looks like a generated one.
#[test]
fn footnotes_in_footnotes_reach_the_pdf_and_the_html() {
    let work = tempfile::tempdir().unwrap();
    let policy = work.path().join("policy");
    let clean = root().join("tests/fixtures/check/clean/policy");
    std::fs::create_dir_all(policy.join("doc")).unwrap();
    for f in ["facts.yaml", "glossary.yaml"] {
        std::fs::copy(clean.join(f), policy.join(f)).unwrap();
    }
    let doc = std::fs::read_to_string(clean.join("doc/1.yaml")).unwrap();
    let doc = doc.replace(
        "      - text: Se [B](#b).\n",
        "      - text: |\n          Första[^a] andra[^c] tredje[^B].\n\n          \
         [^a]: Yttre not[^b].\n\n          [^b]: Inre not.\n\n          [^c]: Sista not.\n",
    );
    // A section id that looks like a generated one must not collide with it.
    let doc = doc.replace("  - id: b\n", "  - id: fotnot-1\n");
    std::fs::write(policy.join("doc/1.yaml"), doc).unwrap();
    let (dir, out) = build(&policy, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let version = dir.path().join("output/doc/1");
    let text = pdf_text(&version.join("doc-1.pdf"));
    // Depth first: a = 1, b (inside a) = 2, c = 3; the third reference is to b.
    for note in ["1Yttre not2", "2Inre not.", "3Sista not."] {
        assert!(text.contains(note), "`{note}` is not in the PDF:\n{text}");
    }
    let html = std::fs::read_to_string(version.join("doc-1.html")).unwrap();
    for note in [
        "<li id=\"fotnot.1\"><p>Yttre not<sup",
        "<li id=\"fotnot.2\"><p>Inre not.</p>",
        "<li id=\"fotnot.3\"><p>Sista not.</p>",
    ] {
        assert!(html.contains(note), "`{note}` is not in the HTML:\n{html}");
    }
    let mut ids: Vec<&str> = html
        .split(" id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    let all = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all, "an id appears twice in the HTML");
}

/// A template that cannot be used is named in the error, whichever of the engine's
/// templates it is, with its line.
#[test]
fn a_broken_template_is_named() {
    let work = tempfile::tempdir().unwrap();
    let templates = work.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("decision.typ"), "ok\n{% if x %}\n").unwrap();
    let out = work.path().join("output");
    let o = styrdok(&[
        "build",
        "--html-only",
        "--templates",
        templates.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "policy",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let named = format!(
        "template `{}` cannot be used",
        templates.join("decision.typ").display()
    );
    assert!(err.contains(&named), "{err}");
    assert!(err.contains("decision.typ:3:1"), "{err}");
    assert!(!out.exists(), "a build with a broken template wrote files");
}

/// `templates/` beside the policy folder is found however the folder is named, also
/// as `.` from inside it.
#[test]
fn templates_beside_the_policy_are_found_from_inside_it() {
    let work = tempfile::tempdir().unwrap();
    let project = work.path().join("project");
    copy_dir(&root().join("policy"), &project.join("policy"));
    std::fs::create_dir_all(project.join("templates")).unwrap();
    std::fs::write(
        project.join("templates/document.html"),
        "<p>EGEN MALL {{ document.title }}</p>",
    )
    .unwrap();
    let out = work.path().join("out");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_styrdok"))
        .current_dir(project.join("policy"))
        .args(["build", ".", "--html-only", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = std::fs::read_to_string(
        out.join("stod-arbete-studier/2022-05/stod-arbete-studier-2022-05.html"),
    )
    .unwrap();
    assert!(html.starts_with("<p>EGEN MALL "), "{html}");
}

/// Each version after the first gets its redline (HTML, PDF) beside it, linked from the
/// index and from its own appendix of changes; every page says which version is in force on
/// the build's date, which is fixed by `--date` or `SOURCE_DATE_EPOCH`.
#[test]
fn versions_publish_their_redline_history_and_standing() {
    let (dir, out) = build(&root().join("policy"), &["--date", "2023-01-15"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let o = dir.path().join("output");
    let v23 = o.join("stod-arbete-studier/2023-07");
    for f in [
        "stod-arbete-studier-2023-07-andringar.html",
        "stod-arbete-studier-2023-07-andringar.pdf",
        "stod-arbete-studier-2023-07-andringar.typ",
    ] {
        assert!(v23.join(f).is_file(), "{f}");
    }
    assert!(
        !o.join("stod-arbete-studier/2022-05/stod-arbete-studier-2022-05-andringar.html")
            .exists()
    );
    let read = |p: &Path| std::fs::read_to_string(p).unwrap();
    let index = read(&o.join("index.html"));
    assert!(index.contains("href=\"stod-arbete-studier/2023-07/stod-arbete-studier-2023-07-andringar.html\">Ändringar mot 2022-05</a>"), "{index}");
    assert!(index.contains("(<a href=\"stod-arbete-studier/2023-07/stod-arbete-studier-2023-07-andringar.pdf\">PDF</a>)"), "{index}");
    // On 2023-01-15 the May 2022 text is in force and the revision is upcoming.
    assert!(
        index.contains("per <time datetime=\"2023-01-15\">2023-01-15</time>"),
        "{index}"
    );
    assert!(
        index.contains("2022-05</span> <span class=\"lage lage-galler\">gäller</span>"),
        "{index}"
    );
    assert!(
        index.contains("2023-07</span> <span class=\"lage lage-kommande\">kommande</span>"),
        "{index}"
    );
    let old = read(&o.join("stod-arbete-studier/2022-05/stod-arbete-studier-2022-05.html"));
    assert!(
        old.contains("Denna version gäller (uppgift per 2023-01-15)."),
        "{old}"
    );
    assert!(old.contains("<dt>Ersatt av</dt><dd><a href=\"../2023-07/stod-arbete-studier-2023-07.html\">version 2023-07</a>"), "{old}");
    assert!(
        old.contains("<dt>Giltig till</dt><dd><time datetime=\"2023-06-30\">2023-06-30</time>"),
        "{old}"
    );
    assert!(
        old.contains("<a href=\"../../index.html\">"),
        "every page links back to the index"
    );
    let new = read(&v23.join("stod-arbete-studier-2023-07.html"));
    assert!(
        new.contains("Denna version börjar gälla 2023-07-01"),
        "{new}"
    );
    assert!(new.contains("<dt>Ersätter</dt><dd><a href=\"../2022-05/stod-arbete-studier-2022-05.html\">version 2022-05, Dnr 3.1.1-70/2022</a>"), "{new}");
    assert!(
        new.contains("<dt>Giltig till</dt><dd>Tills vidare</dd>"),
        "{new}"
    );
    assert!(
        new.contains("Ändringar jämfört med föregående version"),
        "{new}"
    );
    assert!(
        new.contains(
            "<a href=\"stod-arbete-studier-2023-07-andringar.html\">ändringarna som webbsida</a>"
        ),
        "{new}"
    );
    assert!(new.contains("<td data-etikett=\"Var\">Avsnitt ”Budget 2023”</td><td data-etikett=\"Ändring\">ny</td>"), "{new}");
    assert!(new.contains("id=\"dokumenthistorik\""), "{new}");
    // The PDF: the title page's fields, the history and the appendix.
    let text = pdf_text(&v23.join("stod-arbete-studier-2023-07.pdf"));
    for s in [
        "Ersätter:",
        "version 2022-05, Dnr 3.1.1-70/2022",
        "Giltig till:",
        "Tills vidare",
        "Dokumenthistorik",
        "Ändringar jämfört med föregående version",
        "Avsnitt ”Budget 2023”",
    ] {
        assert!(text.contains(s), "{s} not in the 2023 PDF: {text}");
    }
    let text = pdf_text(&o.join("stod-arbete-studier/2022-05/stod-arbete-studier-2022-05.pdf"));
    assert!(
        text.contains("Ersatt av:") && text.contains("Version 2023-07 från 2023-07-01"),
        "{text}"
    );
    // Later, the standing changes and nothing else: the same date gives the same bytes.
    let (later, out) = build(&root().join("policy"), &["--date", "2024-01-01"]);
    assert!(out.status.success());
    let old = read(
        &later
            .path()
            .join("output/stod-arbete-studier/2022-05/stod-arbete-studier-2022-05.html"),
    );
    assert!(old.contains("Denna version är ersatt av version 2023-07 från 2023-07-01 (uppgift per 2024-01-01). Den version som gäller är <a href=\"../2023-07/stod-arbete-studier-2023-07.html\">version 2023-07</a>."), "{old}");
    let (again, _) = build(&root().join("policy"), &["--date", "2023-01-15"]);
    for f in files(&o) {
        let x = std::fs::read(o.join(&f)).unwrap();
        let y = std::fs::read(again.path().join("output").join(&f)).unwrap();
        assert!(
            x == y,
            "{} differs between two builds with the same date",
            f.display()
        );
    }
}
