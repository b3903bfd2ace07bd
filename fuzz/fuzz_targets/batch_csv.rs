//! A batch in Csv: any bytes as the input of `eval --cases`, evaluated against the
//! shipped policy with results written as JSON Lines and as CSV.
#![no_main]
use libfuzzer_sys::fuzz_target;
use styrdok::eval::batch::{Format, Options, run};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let (_, engine) = common::shipped();
    for out_format in [Format::Jsonl, Format::Csv] {
        let mut input = data;
        let mut out = Vec::new();
        let options = Options {
            document: None,
            date: None,
            input_format: Format::Csv,
            output_format: out_format,
            jobs: 1,
        };
        let _ = run(engine, &options, &mut input, &mut out);
    }
});
