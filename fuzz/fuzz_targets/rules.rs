//! The rule language: any text compiled against a scope of every fact type, and, when it
//! compiles, evaluated on fact values taken from the input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use styrdok::model::EnumValue;
use styrdok::rules::{Env, PTy, ParamVal, Scope, Ty, compile};

fuzz_target!(|data: &[u8]| {
    if data.len() < 16 {
        return;
    }
    let (values, src) = data.split_at(16);
    let Ok(src) = std::str::from_utf8(src) else {
        return;
    };
    let krets = Ty::Enum(vec![
        EnumValue::Int(1),
        EnumValue::Int(2),
        EnumValue::Word("ingen".into()),
    ]);
    let scope = Scope {
        facts: vec![
            ("b0", Ty::Bool),
            ("b1", Ty::Bool),
            ("i0", Ty::Int),
            ("i1", Ty::Int),
            ("d0", Ty::Date),
            ("d1", Ty::Date),
            ("e0", krets),
            ("m0", Ty::Money),
        ],
        params: vec![("p0", PTy::Int), ("r0", PTy::Range), ("k0", PTy::Money)],
    };
    let Ok(program) = compile(src, &scope) else {
        return;
    };
    let v = |i: usize| i64::from(values[i] as i8);
    let big =
        |i: usize| i64::from_le_bytes(values[8..16].try_into().unwrap()).rotate_left(i as u32);
    let facts = [
        (values[0] % 3 != 2).then_some(v(0) & 1),
        (values[1] % 3 != 2).then_some(v(1) & 1),
        Some(big(0)),
        Some(v(2)),
        Some(v(3) * 1000),
        (values[4] != 0).then_some(big(7)),
        Some(i64::from(values[5] % 4)),
        Some(big(13)),
    ];
    let params = [
        ParamVal::Int(v(6)),
        ParamVal::Range(v(7), big(3)),
        ParamVal::Int(big(5)),
    ];
    let env = Env {
        facts: &facts,
        params: &params,
        application_date: big(11),
    };
    let _ = program.eval(&env);
});
