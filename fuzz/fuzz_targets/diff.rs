//! The diff: two version files from bytes (split at the first 0xFF byte, which UTF-8 never
//! holds), loaded beside the shipped shared files; when both decode, they are compared and
//! the comparison written in every format. A version compared with itself has no change.
#![no_main]
use libfuzzer_sys::fuzz_target;
use styrdok::diff::{Side, diff, format};
use styrdok::load::{MemoryTree, load};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some(at) = data.iter().position(|&b| b == 0xff) else {
        return;
    };
    let (a, b) = (&data[..at], &data[at + 1..]);
    let mut tree = MemoryTree::new("policy");
    for shared in ["facts.yaml", "glossary.yaml", "parameters.yaml"] {
        tree = tree.with(shared, common::shared(shared));
    }
    let tree = tree
        .with("doc/a.yaml", a.to_vec())
        .with("doc/b.yaml", b.to_vec());
    let (policy, d) = load(&tree);
    common::located(&policy.sources, &d);
    let Some(doc) = policy.documents.first() else {
        return;
    };
    let sides: Vec<Side<'_>> = doc
        .versions
        .iter()
        .map(|version| Side {
            policy: &policy,
            doc,
            version,
        })
        .collect();
    for &old in &sides {
        let same = diff(old, old);
        assert!(
            same.is_empty(),
            "a version differs from itself: {}",
            format::terminal(&same, false)
        );
        for &new in &sides {
            let d = diff(old, new);
            let _ = format::terminal(&d, false);
            let _ = format::markdown(&d, 50);
            let _ = format::json(&d);
        }
    }
});
