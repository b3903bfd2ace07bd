//! Properties of `diff` over generated versions: a version compared with itself has no
//! change; an id on one side only is new or repealed; swapping the sides swaps new and
//! repealed, and keeps the number of changed and moved items; turning section numbers
//! on or off changes no section. Bodies hold tables (empty cells included) and
//! `{section: …}` placeholders.

use proptest::prelude::*;
use styrdok::diff::{Element, Kind, Side};
use styrdok::load::MemoryTree;

const WORDS: &[&str] = &[
    "insatsen",
    "beviljas",
    "enligt",
    "4 kap. 2 § SoL",
    "3 200 kr",
    "25 %",
    "den",
    "enskilde",
    "ska",
    "informeras",
    "om",
    "beslutet",
    "*särskilda skäl*",
    "2023-07-01",
    "Dnr 3.1.1-70/2022",
    "{section: a}",
    "{section: x}",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 1..12).prop_map(|w| {
        let mut s = w.join(" ");
        s.push('.');
        s
    })
}

/// A table of 1–3 columns and 1–3 rows; a cell may be empty.
fn table() -> impl Strategy<Value = String> {
    (1usize..4, 1usize..4).prop_flat_map(|(cols, rows)| {
        prop::collection::vec(
            prop::collection::vec(prop::option::of(prop::sample::select(WORDS)), cols),
            rows + 1,
        )
        .prop_map(move |cells| {
            let row = |r: &Vec<Option<&str>>| {
                let c: Vec<&str> = r.iter().map(|c| c.unwrap_or("")).collect();
                format!("| {} |\n", c.join(" | "))
            };
            let mut t = row(&cells[0]);
            t.push_str(&format!("|{}\n", ":---:|".repeat(cols)));
            cells[1..].iter().for_each(|r| t.push_str(&row(r)));
            t
        })
    })
}

fn block() -> impl Strategy<Value = String> {
    prop_oneof![3 => text(), 1 => table()]
}

#[derive(Debug, Clone)]
struct Sec {
    id: &'static str,
    heading: String,
    body: Vec<String>,
    children: Vec<(&'static str, String)>,
}

fn sections() -> impl Strategy<Value = Vec<Sec>> {
    let ids = prop::sample::subsequence(vec!["a", "b", "c", "d", "e", "f"], 0..=6).prop_shuffle();
    ids.prop_flat_map(|ids| {
        let n = ids.len();
        (
            Just(ids),
            prop::collection::vec(text(), n),
            prop::collection::vec(prop::collection::vec(block(), 1..3), n),
            prop::collection::vec(prop::sample::subsequence(vec!["x", "y", "z"], 0..=2), n),
            prop::collection::vec(text(), 3),
        )
    })
    .prop_map(|(ids, headings, bodies, kids, kid_text)| {
        // A child id is used once in a version (the first section that takes it).
        let mut used = Vec::new();
        ids.into_iter()
            .zip(headings)
            .zip(bodies)
            .zip(kids)
            .map(|(((id, heading), body), kids)| Sec {
                id,
                heading,
                body,
                children: kids
                    .into_iter()
                    .filter(|k| {
                        let fresh = !used.contains(k);
                        used.push(*k);
                        fresh
                    })
                    .enumerate()
                    .map(|(i, k)| (k, kid_text[i].clone()))
                    .collect(),
            })
            .collect()
    })
}

fn criteria() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    prop::sample::subsequence(vec!["k1", "k2", "k3", "k4"], 0..=4)
        .prop_flat_map(|ids| {
            let n = ids.len();
            (Just(ids), prop::collection::vec(text(), n))
        })
        .prop_map(|(ids, texts)| ids.into_iter().zip(texts).collect())
}

fn q(s: &str) -> String {
    format!(
        "\"{}\"",
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    )
}

fn version(
    label: &str,
    from: &str,
    secs: &[Sec],
    crit: &[(&str, String)],
    numbered: bool,
) -> String {
    let mut y = format!(
        "kind: riktlinje\nversion: \"{label}\"\ntitle: T\nissued: {from}\npublisher: P\ncontact: C\ndecided_by: N\ndecision_date: {from}\nvalid_from: {from}\nnumbered: {numbered}\nsections:\n"
    );
    if secs.is_empty() {
        y.push_str("  - id: tom\n    heading: Tom\n");
    }
    for s in secs {
        y.push_str(&format!(
            "  - id: {}\n    heading: {}\n    body:\n",
            s.id,
            q(&s.heading)
        ));
        for b in &s.body {
            y.push_str(&format!("      - text: {}\n", q(b)));
        }
        if !s.children.is_empty() {
            y.push_str("    sections:\n");
            for (id, t) in &s.children {
                y.push_str(&format!(
                    "      - id: {id}\n        heading: {}\n        body:\n          - text: {}\n",
                    q(t),
                    q(t)
                ));
            }
        }
    }
    if !crit.is_empty() {
        y.push_str("criteria:\n");
        for (id, t) in crit {
            y.push_str(&format!(
                "  - id: {id}\n    text: {}\n    kind: fact\n    rule: ok\n",
                q(t)
            ));
        }
        y.push_str("interventions:\n  - id: i\n    name: I\n    target_group: G\n    legal_basis: 4 kap. 2 § SoL\n    criteria: [");
        y.push_str(
            &crit
                .iter()
                .map(|(id, _)| *id)
                .collect::<Vec<_>>()
                .join(", "),
        );
        y.push_str("]\n");
    }
    y
}

fn ids(secs: &[Sec]) -> Vec<&'static str> {
    let mut out = Vec::new();
    for s in secs {
        out.push(s.id);
        out.extend(s.children.iter().map(|(id, _)| *id));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn diff_properties(s1 in sections(), s2 in sections(), c1 in criteria(), c2 in criteria(), n1: bool, n2: bool) {
        let tree = MemoryTree::new("policy")
            .with("facts.yaml", "facts:\n  - id: ok\n    type: bool\n    question: Ok?\n    source: person\n")
            .with("d/1.yaml", version("1", "2024-01-01", &s1, &c1, n1))
            .with("d/2.yaml", version("2", "2025-01-01", &s2, &c2, n2))
            .with("d/3.yaml", version("3", "2026-01-01", &s1, &c1, !n1));
        let (policy, diags) = styrdok::load::load(&tree);
        prop_assert!(!diags.has_errors(), "{:?}", diags.iter().map(|d| d.message.clone()).collect::<Vec<_>>());
        let doc = policy.document("d").unwrap();
        let (v1, v2) = (doc.version("1").unwrap(), doc.version("2").unwrap());
        let side = |v| Side { policy: &policy, doc, version: v };
        for v in [v1, v2] {
            let d = styrdok::diff::diff(side(v), side(v));
            prop_assert!(d.is_empty(), "{:?}", d.changes.iter().map(|c| c.place.clone()).collect::<Vec<_>>());
        }
        let d = styrdok::diff::diff(side(v1), side(v2));
        let (a, b) = (ids(&s1), ids(&s2));
        let has = |id: &str, kind: Kind, e: Element| d.changes.iter().any(|c| c.id == id && c.kind == kind && c.element == e);
        for id in &a {
            if !b.contains(id) {
                prop_assert!(has(id, Kind::Repealed, Element::Section), "{id} repealed");
            }
        }
        for id in &b {
            if !a.contains(id) {
                prop_assert!(has(id, Kind::New, Element::Section), "{id} new");
            }
        }
        let (ca, cb): (Vec<&str>, Vec<&str>) = (c1.iter().map(|c| c.0).collect(), c2.iter().map(|c| c.0).collect());
        for id in &ca {
            prop_assert_eq!(has(id, Kind::Repealed, Element::Criterion), !cb.contains(id));
        }
        for id in &cb {
            prop_assert_eq!(has(id, Kind::New, Element::Criterion), !ca.contains(id));
        }
        // The other way round: new and repealed swap; changed and moved stay.
        let back = styrdok::diff::diff(side(v2), side(v1));
        let [n, c, r, m] = d.counts();
        let [bn, bc, br, bm] = back.counts();
        prop_assert_eq!((n, r), (br, bn));
        prop_assert_eq!((c, m), (bc, bm));
        // The same text with its sections numbered, or no longer: one change of the
        // cover, none of a section, though every heading and reference prints anew.
        let v3 = doc.version("3").unwrap();
        let d = styrdok::diff::diff(side(v1), side(v3));
        prop_assert!(d.changes.iter().all(|c| c.element == Element::Metadata), "{:?}", d.changes.iter().map(|c| c.place.clone()).collect::<Vec<_>>());
        prop_assert!(d.changes.iter().any(|c| c.id == "numbered"));
    }
}
