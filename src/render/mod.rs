//! Render: a document version → HTML page and Typst source, from one resolved
//! body ([`body`]) written by two back ends ([`html`], [`typst`]) into templates.

pub mod body;
pub mod context;
pub mod html;
pub mod templates;
pub mod typst;

use crate::model::{Document, Policy, Version};
use context::{Backend, Publication};
use templates::Templates;

/// The HTML page and Typst source of one version.
pub struct Rendered {
    /// The self-contained HTML page.
    pub html: String,
    /// The Typst source of the PDF.
    pub typst: String,
}

/// Renders one version of `doc` with the given templates, as published without a
/// build's additions (no status line, no appendix of changes), its PDF beside it.
pub fn document(
    templates: &Templates,
    policy: &Policy,
    doc: &Document,
    v: &Version,
    content_hash: &str,
) -> Result<Rendered, String> {
    let p = Publication {
        pdf: true,
        ..Publication::default()
    };
    Ok(Rendered {
        html: html_page(templates, policy, doc, v, content_hash, &p)?,
        typst: typst_source(templates, policy, doc, v, content_hash, &p)?,
    })
}

/// The self-contained HTML page of one version of `doc`; `publication` says what the
/// build adds (the date whose standing it states, whether the PDF is beside it and may
/// be linked, the appendix of changes).
pub fn html_page(
    templates: &Templates,
    policy: &Policy,
    doc: &Document,
    v: &Version,
    content_hash: &str,
    publication: &Publication,
) -> Result<String, String> {
    html_page_and_sections(templates, policy, doc, v, content_hash, publication).map(|(p, _)| p)
}

/// One section of a version's HTML page: its id, its body as the page has it, and where
/// each of its blocks begins in that body ([`context::SectionContext::blocks`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionBody {
    /// The section's id (its heading's `id`).
    pub id: String,
    /// The body's HTML, as inserted into the page.
    pub body: String,
    /// Byte offsets into `body`, one per block of the section's `body:`.
    pub blocks: Vec<usize>,
}

/// [`html_page`], and the page's sections (every section, depth first): what `serve`
/// needs to find a block of a section in the page.
pub fn html_page_and_sections(
    templates: &Templates,
    policy: &Policy,
    doc: &Document,
    v: &Version,
    content_hash: &str,
    publication: &Publication,
) -> Result<(String, Vec<SectionBody>), String> {
    let ctx = context::document(policy, doc, v, content_hash, Backend::Html, publication);
    let page = templates.render("document.html", &ctx)?;
    let sections = ctx
        .sections
        .into_iter()
        .map(|s| SectionBody {
            id: s.id,
            body: s.body,
            blocks: s.blocks,
        })
        .collect();
    Ok((page, sections))
}

/// The Typst source of one version's PDF.
pub fn typst_source(
    templates: &Templates,
    policy: &Policy,
    doc: &Document,
    v: &Version,
    content_hash: &str,
    publication: &Publication,
) -> Result<String, String> {
    templates.render(
        "document.typ",
        &context::document(policy, doc, v, content_hash, Backend::Typst, publication),
    )
}
