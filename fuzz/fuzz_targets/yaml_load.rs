//! The YAML loader: any bytes as one file of a policy folder (facts, glossary, parameters
//! or a version beside the shipped shared files), loaded and checked. Every problem must be
//! a located diagnostic; nothing may panic or hang.
#![no_main]
use libfuzzer_sys::fuzz_target;
use styrdok::load::{MemoryTree, load};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let mut tree = MemoryTree::new("policy");
    let name = match which % 4 {
        0 => "facts.yaml",
        1 => "glossary.yaml",
        2 => "parameters.yaml",
        _ => "doc/1.yaml",
    };
    for shared in ["facts.yaml", "glossary.yaml", "parameters.yaml"] {
        if shared != name {
            tree = tree.with(shared, common::shared(shared));
        }
    }
    tree = tree.with(name, rest.to_vec());
    let (policy, d) = load(&tree);
    common::located(&policy.sources, &d);
    if !d.has_errors() {
        let c = styrdok::check::check(&policy);
        common::located(&policy.sources, &c);
    }
});
