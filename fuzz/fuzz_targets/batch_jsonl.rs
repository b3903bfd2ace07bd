//! A batch in Jsonl: any bytes as the input of `eval --cases`, evaluated against the
//! shipped policy with results written as JSON Lines and as CSV. And each line read by
//! the fast path of a row (src/eval/batch/fast.rs) and by the serde parser: when the
//! fast path reads a line, the serde parser must read it alike (the same result, the
//! same case), line after line into reused cases as a batch reads them.
#![no_main]
use libfuzzer_sys::fuzz_target;
use styrdok::eval::batch::{self, Format, Lookup};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::run_batch(data, Format::Jsonl);

    let (_, engine) = common::shipped();
    let lookup = Lookup::new(engine);
    let (mut fast, mut serde) = (batch::blank(engine), batch::blank(engine));
    for line in data.split(|&b| b == b'\n') {
        let slow = batch::parse_json_row_serde(engine, &lookup, line, &mut serde);
        match batch::parse_json_row_fast(engine, &lookup, line, &mut fast) {
            Some(got) => {
                assert_eq!(got, slow, "the fast path and serde disagree on {line:?}");
                if slow.is_ok() {
                    assert_eq!(format!("{fast:?}"), format!("{serde:?}"), "{line:?}");
                }
            }
            None => {
                let _ = batch::parse_json_row(engine, &lookup, line, &mut fast);
            }
        }
    }
});
