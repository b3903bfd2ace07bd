//! The embedded default policy loads without errors, and `check` reports exactly
//! the seed's own defects as warnings (the tool reports them; it does not fix them).

mod common;

use styrdok::diag::Severity;

#[test]
fn shipped_policy_has_no_errors_and_reports_the_seed_defects() {
    let (policy, diags) = common::checked(&common::shipped());
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}: {}", policy.sources.locate(d.span), d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let warnings: Vec<(&str, String)> = diags
        .iter()
        .map(|d| (d.code, policy.sources.slice(d.span).to_string()))
        .collect();
    // Seed 003's defects, in May 2022 and again in the reconstructed 2023 revision, which
    // carries the May 2022 text over where no source states another.
    let defects = |label: &'static str| {
        [
            ("missing-decision", label),
            (
                "title-mismatch",
                "Riktlinjer för särskilt individanpassad stödinsats för att underlätta arbete och studier enligt 4 kap. 2§ Socialtjänstlagen",
            ),
            ("misspelling", "skraddarsy"),
            ("legal-reference", "4 kap. 1 SoL"),
            ("legal-reference", "2001:435"),
            ("misspelling", "specialistpsykiatrik"),
        ]
    };
    // Botkyrka's fees guideline: its cross-reference "avsnitt 4.6 Matlåda" (twice; 4.6 is
    // "Leverans av matlåda som insats", Matlåda is 4.5) and its levels table, which places
    // no one at 6 or 7 days of dagverksamhet a week.
    let mut expected: Vec<(&str, &str)> = vec![
        ("section-reference", "avsnitt 4.6 Matlåda"),
        ("section-reference", "avsnitt 4.6 Matlåda"),
        ("level-gap", "avgiftsniva_4_dagar"),
    ];
    expected.extend(defects("\"2022-05\""));
    let mut revision = defects("\"2023-07\"").to_vec();
    // The 2023 revision holds tills vidare, past the day SoL (2001:453) ended
    // (2025-06-30): one warning per provision it cites (and one for the law named
    // alone), at the first place; the May 2022 text ended in 2023 and gets none.
    revision.insert(1, ("law-ended", "4 kap. 2§ Socialtjänstlagen"));
    revision.insert(3, ("law-ended", "socialtjänstlagen"));
    revision.insert(4, ("law-ended", "4 kap. 1 § SoL"));
    expected.extend(revision);
    // The example anvisning and the outreach guideline hold tills vidare too.
    expected.push(("law-ended", "4 kap. 2 § SoL"));
    expected.push(("law-ended", "4 kap. 1 § SoL"));
    expected.push(("missing-decision", "remiss-2022"));
    expected.push(("law-ended", "4 kap. 2 § SoL"));
    let got: Vec<(&str, &str)> = warnings.iter().map(|(c, s)| (*c, s.as_str())).collect();
    assert_eq!(got, expected);
    assert_eq!(policy.documents.len(), 4);
}
