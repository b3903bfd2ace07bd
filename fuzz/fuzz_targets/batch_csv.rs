//! A batch in Csv: any bytes as the input of `eval --cases`, evaluated against the
//! shipped policy with results written as JSON Lines and as CSV.
#![no_main]
use libfuzzer_sys::fuzz_target;
use styrdok::eval::batch::Format;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::run_batch(data, Format::Csv));
