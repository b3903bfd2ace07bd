//! Swedish wording shared by every stage that speaks to people: the document, the
//! explanation of a case, the decision draft and the diff. One place, so the same
//! thing is always said the same way.

use crate::model::{CriterionKind, Policy};

/// A role's title from the glossary (`handläggare på stadsdelsnämnd`), or its id when
/// the glossary has no such role.
pub fn role_title(policy: &Policy, id: &str) -> String {
    policy
        .glossary
        .role(id)
        .map_or_else(|| id.to_string(), |r| r.title.value.clone())
}

/// In Swedish: who establishes a criterion, from its kind and the glossary's roles.
pub fn who_establishes(policy: &Policy, kind: &CriterionKind) -> String {
    let title = |id: &str| role_title(policy, id);
    match kind {
        CriterionKind::Fact => "Faktauppgift".to_string(),
        CriterionKind::Assessment {
            by,
            consulting,
            report_from,
        } => {
            let mut s = format!("Bedöms av {}", title(&by.value));
            match (report_from, consulting.is_empty()) {
                (Some(r), false)
                    if consulting.iter().any(|c| c.value == r.value) && consulting.len() == 1 =>
                {
                    s.push_str(&format!(
                        " efter rapport från och samråd med {}",
                        title(&r.value)
                    ));
                }
                (r, _) => {
                    if let Some(r) = r {
                        s.push_str(&format!(" efter rapport från {}", title(&r.value)));
                    }
                    if !consulting.is_empty() {
                        let names: Vec<String> =
                            consulting.iter().map(|c| title(&c.value)).collect();
                        s.push_str(&format!(" efter samråd med {}", join(&names)));
                    }
                }
            }
            s
        }
    }
}

/// `n` and the word in the form Swedish gives it after `n`: `count(1, "ärende",
/// "ärenden")` is `1 ärende`, `count(0, …)` and `count(2, …)` take the plural.
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `a`, `a och b`, `a, b och c`.
pub fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} och {last}", rest.join(", ")),
    }
}

/// `2 år`, `4 månader`, `1 år och 6 månader`.
pub fn duration(years: u32, months: u32) -> String {
    let y = match years {
        0 => None,
        n => Some(format!("{n} år")),
    };
    let m = match months {
        0 => None,
        1 => Some("1 månad".to_string()),
        n => Some(format!("{n} månader")),
    };
    match (y, m) {
        (Some(y), Some(m)) => format!("{y} och {m}"),
        (Some(x), None) | (None, Some(x)) => x,
        (None, None) => String::new(),
    }
}
