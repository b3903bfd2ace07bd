//! Case files: any bytes as a case file, decoded against the shipped policy; a case that
//! decodes is evaluated and explained (text and JSON). Problems must be located.
#![no_main]
use libfuzzer_sys::fuzz_target;
use styrdok::source::Sources;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (policy, engine) = common::shipped();
    let mut sources = Sources::default();
    let id = sources.add("case.yaml", text.to_owned());
    let mut d = styrdok::diag::Diagnostics::default();
    let case = styrdok::load::yaml::parse(id, sources.get(id), &mut d)
        .and_then(|n| styrdok::eval::case::decode(&n, policy, &engine.roles, &mut d));
    common::located(&sources, &d);
    let Some(case) = case else { return };
    if d.has_errors() {
        return;
    }
    if let Ok(e) = engine.evaluate(&case, None, None) {
        let _ = styrdok::eval::report::human(engine, &case, &e);
        let _ = styrdok::eval::report::json(engine, &case, &e);
    }
});
