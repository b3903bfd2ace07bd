//! Markdown: the one place prose is parsed (pulldown-cmark, CommonMark with footnotes).

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};

/// The Markdown dialect of the policy files: CommonMark plus footnotes and strikethrough.
pub fn options() -> Options {
    Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// Links to `#id` in a text, with the byte range of each link.
pub fn internal_links(text: &str) -> Vec<(String, Range<usize>)> {
    Parser::new_ext(text, options())
        .into_offset_iter()
        .filter_map(|(e, range)| match e {
            Event::Start(Tag::Link { dest_url, .. }) => {
                dest_url.strip_prefix('#').map(|id| (id.to_string(), range))
            }
            _ => None,
        })
        .collect()
}
