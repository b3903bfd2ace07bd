//! Shared by the fuzz targets: the shipped policy and its engine, loaded once per process,
//! and the checks every target makes of what it gets back.
#![allow(dead_code)]

use std::path::Path;

use styrdok::diag::Diagnostics;
use styrdok::eval::Engine;
use styrdok::model::Policy;
use styrdok::source::Sources;

/// The repository's own policy folder.
pub fn policy_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../policy"))
}

thread_local! {
    static SHIPPED: (&'static Policy, &'static Engine<'static>) = {
        let tree = styrdok::load::DiskTree::new(policy_dir()).expect("policy/");
        let (policy, d) = styrdok::load::load(&tree);
        assert!(!d.has_errors(), "the shipped policy loads");
        let policy: &'static Policy = Box::leak(Box::new(policy));
        let engine = Engine::new(policy).map_err(|e| e.0).expect("engine");
        (policy, Box::leak(Box::new(engine)))
    };
}

/// The shipped policy and its compiled engine.
pub fn shipped() -> (&'static Policy, &'static Engine<'static>) {
    SHIPPED.with(|s| *s)
}

/// `data` as the input of `eval --cases` in `input_format`, against the shipped policy,
/// with the results written as JSON Lines and as CSV: whatever the bytes, a bad row is
/// an error row or the batch stops, never a panic.
pub fn run_batch(data: &[u8], input_format: styrdok::eval::batch::Format) {
    use styrdok::eval::batch::{Format, Options, run};
    let (_, engine) = shipped();
    for output_format in [Format::Jsonl, Format::Csv] {
        let mut input = data;
        let mut out = Vec::new();
        let options = Options {
            document: None,
            date: None,
            input_format,
            output_format,
            jobs: 1,
        };
        let _ = run(engine, &options, &mut input, &mut out);
    }
}

/// A shipped shared file's bytes (facts.yaml, parameters.yaml, glossary.yaml).
pub fn shared(name: &str) -> Vec<u8> {
    std::fs::read(policy_dir().join(name)).expect("shared file")
}

/// Every diagnostic is located inside the file it names, on character boundaries,
/// and can be rendered.
pub fn located(sources: &Sources, d: &Diagnostics) {
    for diag in d.iter() {
        let span = diag.span;
        let file = sources.get(span.file);
        let (start, end) = (span.start as usize, span.end as usize);
        assert!(
            start <= end && end <= file.text.len(),
            "diagnostic outside its file: {diag:?}"
        );
        assert!(
            file.text.is_char_boundary(start) && file.text.is_char_boundary(end),
            "diagnostic inside a character: {diag:?}"
        );
        let _ = sources.locate(span);
        let _ = styrdok::diag::render_human(sources, diag, false);
    }
}
