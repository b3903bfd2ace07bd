//! Render: a document version → HTML page and Typst source, from one resolved
//! body ([`body`]) written by two back ends ([`html`], [`typst`]) into templates.

pub mod body;
pub mod context;
pub mod html;
pub mod templates;
pub mod typst;

use crate::model::{Policy, Version};
use context::Backend;
use templates::Templates;

/// The HTML page and Typst source of one version.
pub struct Rendered {
    /// The self-contained HTML page.
    pub html: String,
    /// The Typst source of the PDF.
    pub typst: String,
}

/// Renders one version with the given templates.
pub fn document(
    templates: &Templates,
    policy: &Policy,
    doc_id: &str,
    v: &Version,
    content_hash: &str,
) -> Result<Rendered, String> {
    Ok(Rendered {
        html: html_page(templates, policy, doc_id, v, content_hash, true)?,
        typst: typst_source(templates, policy, doc_id, v, content_hash)?,
    })
}

/// The self-contained HTML page of one version; `pdf`: whether its PDF is published
/// next to it (the page links to it only then).
pub fn html_page(
    templates: &Templates,
    policy: &Policy,
    doc_id: &str,
    v: &Version,
    content_hash: &str,
    pdf: bool,
) -> Result<String, String> {
    templates.render(
        "document.html",
        &context::document(policy, doc_id, v, content_hash, Backend::Html { pdf }),
    )
}

/// The Typst source of one version's PDF.
pub fn typst_source(
    templates: &Templates,
    policy: &Policy,
    doc_id: &str,
    v: &Version,
    content_hash: &str,
) -> Result<String, String> {
    templates.render(
        "document.typ",
        &context::document(policy, doc_id, v, content_hash, Backend::Typst),
    )
}
