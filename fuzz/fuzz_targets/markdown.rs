//! Markdown prose → the tree → HTML and Typst. The Typst source must be well formed where
//! it matters for "text stays text": string literals closed, brackets balanced outside
//! them (tests/fuzz_regressions.rs compiles the corpus with the real Typst CLI).
#![no_main]
use libfuzzer_sys::fuzz_target;
use styrdok::markdown::{self, Footnotes};
use styrdok::render::{html, typst};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut notes = Footnotes::default();
    let blocks = markdown::blocks(text, &mut notes);
    let mut out = String::new();
    html::blocks(&blocks, &mut out);
    let mut t = String::new();
    typst::document(&blocks, &notes, &mut t);
    if let Err(e) = styrdok::render::typst::structure(&t) {
        panic!("malformed Typst ({e}):\n{t}\n--- from:\n{text:?}");
    }
    let _ = markdown::plain(text);
});
