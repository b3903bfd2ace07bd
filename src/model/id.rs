//! The id rules every stage relies on: ids become HTML anchors, Typst labels, path
//! components of `output/` and (for facts and parameters) names in rules.

/// Whether `s` is an id: lowercase a–z, digits and `_` (and, with `hyphen`, `-`),
/// starting with a letter or `_` (or, with `hyphen`, a digit). Ids are anchors,
/// Typst labels, path parts and (without `hyphen`) rule names, so they stay ASCII
/// and never contain a `.` (which generated anchors use).
pub fn is_slug(s: &str, hyphen: bool) -> bool {
    let ok_first = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || (hyphen && c.is_ascii_digit()) || c == '_');
    ok_first
        && s.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || (hyphen && c == '-')
        })
}

/// Whether a name is safe as one path component and in a URL: `[a-z0-9._-]`, not
/// starting with `.` or `-`, no `..`, at most 64 characters.
pub fn is_path_safe(s: &str) -> bool {
    s.len() <= 64
        && s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        && !s.contains("..")
}
