//! A version's content hash covers exactly what it publishes and applies: its own
//! file, its predecessor's hash, the riktlinje it applies, and the facts, terms, laws,
//! roles and parameter values (within its validity) it uses. Each test edits one thing
//! in a copy of the shipped policy and compares the hashes of both versions of the
//! guideline (May 2022, replaced on 2023-07-01, and the 2023 revision, in force
//! *tills vidare*) and of the anvisning that applies the revision.

mod common;

use std::path::Path;

use styrdok::load::MemoryTree;

/// The shipped policy, loaded from memory with `edit` applied to each file's text.
fn hashes_with(edit: impl Fn(&str, String) -> String) -> [String; 3] {
    let root = common::shipped();
    let mut tree = MemoryTree::new("policy");
    for rel in common::files(&root) {
        let text = std::fs::read_to_string(root.join(&rel)).unwrap();
        let rel = rel.to_str().unwrap().to_string();
        tree = tree.with(&rel, edit(&rel, text));
    }
    let (policy, diags) = styrdok::load::load(&tree);
    assert!(
        !diags.has_errors(),
        "the edit must keep the policy loadable"
    );
    let hash = |doc: &str, version: &str| {
        let d = policy.document(doc).unwrap();
        styrdok::identity::content_hash(&policy, d, d.version(version).unwrap())
    };
    [
        hash("stod-arbete-studier", "2022-05"),
        hash("stod-arbete-studier", "2023-07"),
        hash("stod-arbete-studier-anvisning", "exempel-2023"),
    ]
}

fn unchanged() -> [String; 3] {
    hashes_with(|_, t| t)
}

/// Which of the three hashes an edit changes: May 2022, the 2023 revision, the anvisning.
fn changed(edit: impl Fn(&str, String) -> String) -> [bool; 3] {
    let (before, after) = (unchanged(), hashes_with(edit));
    [0, 1, 2].map(|k| before[k] != after[k])
}

fn in_file(
    name: &'static str,
    from: &'static str,
    to: &'static str,
) -> impl Fn(&str, String) -> String {
    move |rel, text| {
        if Path::new(rel) == Path::new(name) {
            assert!(text.contains(from), "`{from}` is not in {name}");
            text.replacen(from, to, 1)
        } else {
            text
        }
    }
}

#[test]
fn the_hash_is_stable_and_distinct() {
    let [a, b, c] = unchanged();
    assert_eq!([a.clone(), b.clone(), c.clone()], unchanged());
    assert!(a.starts_with("sha256:") && a.len() == 7 + 64, "{a}");
    assert!(a != b && b != c && a != c);
}

#[test]
fn a_parameter_value_after_a_version_ends_leaves_its_hash_alone() {
    // Next year's value of a parameter the rules read: May 2022 ended on 2023-06-30, so
    // it is not part of it; the 2023 revision holds until further notice and applies it,
    // and the anvisning quotes the revision.
    let next_year = in_file(
        "parameters.yaml",
        "        assumption: true\n  - id: ung_alder",
        "        assumption: true\n      - from: 2027-01-01\n        value: {min: 18, max: 66}\n        reference: Ett exempel på nästa års värde.\n        assumption: true\n  - id: ung_alder",
    );
    assert_eq!(changed(next_year), [false, true, true]);
    // A value that holds within May 2022's validity changes it too (and, through the
    // chain of versions, its successor).
    let within = in_file(
        "parameters.yaml",
        "value: {min: 18, max: 64}",
        "value: {min: 18, max: 65}",
    );
    assert_eq!(changed(within), [true, true, true]);
}

#[test]
fn an_unrelated_fact_term_law_or_parameter_leaves_every_hash_alone() {
    let fact = in_file(
        "facts.yaml",
        "facts:\n",
        "facts:\n  - id: har_husdjur\n    type: bool\n    question: Har den enskilde husdjur?\n    source: person\n",
    );
    assert_eq!(changed(fact), [false, false, false]);
    let term = in_file(
        "glossary.yaml",
        "terms:\n",
        "terms:\n  - id: hemtjanst\n    term: hemtjänst\n    definition: Stöd i hemmet.\n",
    );
    assert_eq!(changed(term), [false, false, false]);
    let law = in_file(
        "glossary.yaml",
        "laws:\n",
        "laws:\n  - id: kl\n    name: Kommunallagen\n    abbreviation: KL\n    sfs: \"2017:725\"\n",
    );
    assert_eq!(changed(law), [false, false, false]);
    // The outreach guideline's parameter is read by no rule of these documents.
    let other = in_file(
        "parameters.yaml",
        "value: {min: 19, max: 29}",
        "value: {min: 19, max: 30}",
    );
    assert_eq!(changed(other), [false, false, false]);
}

#[test]
fn what_a_version_uses_changes_its_hash() {
    // A fact its rules read.
    let fact = in_file(
        "facts.yaml",
        "question: Vilket är den enskildes födelsedatum?",
        "question: Vilket födelsedatum har den enskilde?",
    );
    assert_eq!(changed(fact), [true, true, true]);
    // A term its text uses ("daglig verksamhet").
    let term = in_file(
        "glossary.yaml",
        "definition: Insats enligt LSS för personer i personkrets 1 eller 2",
        "definition: Insats enligt 9 § LSS för personer i personkrets 1 eller 2",
    );
    assert_eq!(changed(term), [true, true, true]);
    // A law it cites.
    let law = in_file(
        "glossary.yaml",
        "name: Socialtjänstlagen",
        "name: Socialtjänstlag",
    );
    assert_eq!(changed(law), [true, true, true]);
    // A role its criteria name.
    let role = in_file(
        "glossary.yaml",
        "title: arbetsspecialist på Jobbtorg",
        "title: arbetsspecialist vid Jobbtorg",
    );
    assert_eq!(changed(role), [true, true, true]);
}

#[test]
fn own_file_predecessor_and_applied_riktlinje_are_covered() {
    // The revision's own text: its hash and the anvisning's, which quotes it.
    let own = in_file(
        "stod-arbete-studier/2023-07.yaml",
        "När insatsen beviljas skickar handläggaren",
        "När insatsen har beviljats skickar handläggaren",
    );
    assert_eq!(changed(own), [false, true, true]);
    // May 2022's text: the revision's appendix of changes compares against it.
    let predecessor = in_file(
        "stod-arbete-studier/2022-05.yaml",
        "Alfa arbetar utifrån metoden",
        "Alfa arbetar enligt metoden",
    );
    assert_eq!(changed(predecessor), [true, true, true]);
    // The anvisning's own text touches no riktlinje.
    let anvisning = in_file(
        "stod-arbete-studier-anvisning/exempel-2023.yaml",
        "subtitle: Exempel",
        "subtitle: Exempel, reviderat",
    );
    assert_eq!(changed(anvisning), [false, false, true]);
}

#[test]
fn a_law_counts_with_its_validity_and_appeals_and_only_the_law_in_force_is_used() {
    // SoL (2001:453) is the SoL every version means (each became valid before
    // 2025-07-01): its end, its successors and its appeal routes are part of all three.
    let ended_later = in_file(
        "glossary.yaml",
        "valid_until: 2025-06-30",
        "valid_until: 2025-12-31",
    );
    assert_eq!(changed(ended_later), [true, true, true]);
    let appeal = in_file(
        "glossary.yaml",
        "          basis: 16 kap. 3 § SoL",
        "          basis: 16 kap. 3 § första stycket 1 SoL",
    );
    assert_eq!(changed(appeal), [true, true, true]);
    // The new SoL (2025:400) shares the abbreviation, but no version means it.
    let new_law = in_file(
        "glossary.yaml",
        "    sfs: \"2025:400\"\n    valid_from: 2025-07-01",
        "    sfs: \"2025:400\"\n    valid_from: 2025-08-01",
    );
    assert_eq!(changed(new_law), [false, false, false]);
}
