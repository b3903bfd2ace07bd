//! Decoding of the model's types from YAML nodes (see docs/format.md for the format).

use crate::diag::{Diagnostic, Diagnostics};
use crate::load::decode::{Decode, MapReader, choice, single_key, wrong_type};
use crate::load::yaml::{Node, NodeKind, Style};
use crate::model::{
    AppliesTo, Block, Criterion, CriterionKind, DocKind, Duration, Duty, EnumValue, Fact,
    FactSource, FactType, Glossary, Guidance, Id, Intervention, Law, Misspelling, ParamData,
    ParamValue, Parameter, Part, ProcedureStep, Replaces, Role, Section, StepOutcome, Term, Text,
    Version,
};
use crate::model::{is_path_safe, is_slug};
use crate::source::{FileId, Spanned};
use jiff::civil::Date;

/// An id for documents, sections, criteria and the like: `kebab-case` ASCII.
pub struct Slug(pub Id);
/// An id a rule can name: `snake_case` ASCII.
pub struct Name(pub Id);

fn check_id(node: &Node, d: &mut Diagnostics, hyphen: bool) -> Option<Id> {
    let s = String::decode(node, d)?;
    if is_slug(&s, hyphen) {
        return Some(Spanned::new(s, node.span));
    }
    let allowed = if hyphen {
        "lowercase a–z, digits, `-` and `_`"
    } else {
        "lowercase a–z, digits and `_`, starting with a letter"
    };
    let mut diag = Diagnostic::error("bad-id", node.span, format!("`{s}` is not a valid id"))
        .with_label(format!("ids use {allowed}"));
    let suggestion = suggest_id(&s, hyphen);
    if !suggestion.is_empty() && suggestion != s {
        diag = diag.with_hint(format!(
            "try `{suggestion}` (ids stay ASCII so they work as anchors, labels and rule names)"
        ));
    }
    d.push(diag);
    None
}

fn suggest_id(s: &str, hyphen: bool) -> String {
    let sep = if hyphen { '-' } else { '_' };
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'å' | 'ä' => 'a',
            'ö' => 'o',
            'é' => 'e',
            c if c.is_ascii_alphanumeric() || c == '_' || (hyphen && c == '-') => c,
            _ => sep,
        })
        .collect()
}

impl Decode for Slug {
    const EXPECTED: &'static str = "an id like `kriterier-lss`";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        check_id(node, d, true).map(Slug)
    }
}

impl Decode for Name {
    const EXPECTED: &'static str = "a name like `fodelsedatum`";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        check_id(node, d, false).map(Name)
    }
}

/// A version label: it names a folder of `output/` and part of file names, so it is
/// kept to `[a-z0-9._-]`, starting with a letter or digit, without `..`.
pub struct VersionLabel(pub Text);

impl Decode for VersionLabel {
    const EXPECTED: &'static str = "a version label like `2022-05`";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let s = String::decode(node, d)?;
        if is_path_safe(&s) {
            return Some(VersionLabel(Spanned::new(s, node.span)));
        }
        d.push(
            Diagnostic::error(
                "bad-id",
                node.span,
                format!("`{s}` is not a valid version label"),
            )
            .with_label("labels use lowercase a–z, digits, `.`, `-` and `_`")
            .with_hint(
                "the label names a folder and files in output/, e.g. `2022-05` or `2023-rev1`",
            ),
        );
        None
    }
}

fn slug(m: &mut MapReader<'_>, key: &'static str, d: &mut Diagnostics) -> Option<Id> {
    m.required::<Slug>(key, d).map(|s| s.0)
}

fn opt_slug(m: &mut MapReader<'_>, key: &'static str, d: &mut Diagnostics) -> Option<Id> {
    m.optional::<Slug>(key, d).map(|s| s.0)
}

fn slugs(m: &mut MapReader<'_>, key: &'static str, d: &mut Diagnostics) -> Vec<Id> {
    m.list::<Slug>(key, d).into_iter().map(|s| s.0).collect()
}

/// Decodes one version file of a document.
pub fn version(node: &Node, file: FileId, d: &mut Diagnostics) -> Option<Version> {
    let mut m = MapReader::new(node, "document", d)?;
    let m_span = m.span();
    let kind = m.node("kind").and_then(|n| {
        let i = choice(
            n,
            "document kind",
            &["riktlinje", "tillampningsanvisning"],
            d,
        )?;
        Some(Spanned::new(
            [DocKind::Riktlinje, DocKind::Tillampningsanvisning][i],
            n.span,
        ))
    });
    if m.key_span("kind").is_none() {
        m.required::<String>("kind", d);
    }
    let version = m.required::<VersionLabel>("version", d).map(|v| v.0);
    let title = m.required::<Text>("title", d);
    let subtitle = m.optional::<Text>("subtitle", d);
    let title_page_title = m.optional::<Text>("title_page_title", d);
    let dnr = m.optional::<Text>("dnr", d);
    let issued = m.required("issued", d);
    let publisher = m.required::<Text>("publisher", d);
    let contact = m.required::<Text>("contact", d);
    let decided_by = m.optional::<Text>("decided_by", d);
    let decision_date = m.optional("decision_date", d);
    let valid_from = m.required("valid_from", d);
    let valid_until = m.node("valid_until").and_then(|n| valid_until(n, d));
    let replaces = m.node("replaces").and_then(|n| replaces(n, d));
    let document_owner = m.optional::<Text>("document_owner", d);
    let applies_to = m.node("applies_to").filter(|n| !n.is_null()).and_then(|n| {
        let mut a = MapReader::new(n, "`applies_to`", d)?;
        let document = slug(&mut a, "document", d);
        let version = a.optional::<Text>("version", d);
        a.finish(d);
        Some(AppliesTo {
            document: document?,
            version,
        })
    });
    let notice = m.optional::<Text>("notice", d);
    let notes = m.optional::<Text>("notes", d);
    let numbered = m.flag("numbered", d);
    let sections = m.list::<Section>("sections", d);
    let criteria = m.list::<Criterion>("criteria", d);
    let interventions = m.list::<Intervention>("interventions", d);
    let duties = m.list::<Duty>("duties", d);
    let procedure = m.list::<ProcedureStep>("procedure", d);
    let guidance = m.list::<Guidance>("guidance", d);
    m.finish(d);
    // Metadata that failed to decode does not stop the rest of the file from being
    // checked: stand-ins keep the version, marked incomplete so that no date or
    // validity check runs on them (the errors are already reported).
    let span = m_span;
    let text = |t: Option<Text>| t.unwrap_or_else(|| Spanned::new(String::new(), span));
    let incomplete = kind.is_none()
        || version.is_none()
        || title.is_none()
        || issued.is_none()
        || publisher.is_none()
        || contact.is_none()
        || valid_from.is_none();
    let epoch = Spanned::new(jiff::civil::date(1970, 1, 1), span);
    Some(Version {
        file,
        incomplete,
        kind: kind.unwrap_or(Spanned::new(DocKind::Riktlinje, span)),
        version: text(version),
        title: text(title),
        subtitle,
        title_page_title,
        dnr,
        issued: issued.unwrap_or_else(|| epoch.clone()),
        publisher: text(publisher),
        contact: text(contact),
        decided_by,
        decision_date,
        valid_from: valid_from.unwrap_or(epoch),
        valid_until,
        replaces,
        document_owner,
        applies_to,
        notice,
        notes,
        numbered,
        sections,
        criteria,
        interventions,
        duties,
        procedure,
        guidance,
    })
}

/// `valid_until`: a date, or `tills vidare` (until further notice, as covers write it),
/// which is the same as leaving the key out.
fn valid_until(node: &Node, d: &mut Diagnostics) -> Option<Spanned<Date>> {
    if node.is_null() {
        return None;
    }
    if let Some(s) = node.as_scalar() {
        if s.trim().eq_ignore_ascii_case("tills vidare") {
            return None;
        }
        if crate::date::parse(s).is_err() && !s.starts_with(|c: char| c.is_ascii_digit()) {
            d.push(
                Diagnostic::error("wrong-type", node.span, format!("`{s}` is not a date"))
                    .with_hint("write `valid_until` as `YYYY-MM-DD`, or `tills vidare` for a version in force until further notice"),
            );
            return None;
        }
    }
    Spanned::<Date>::decode(node, d)
}

/// `replaces: {version: 2022-05}` (an earlier version of this document) and/or
/// `{dnr: …, title: …}` (an earlier document by its diarienummer).
fn replaces(node: &Node, d: &mut Diagnostics) -> Option<Replaces> {
    if node.is_null() {
        return None;
    }
    if let NodeKind::Scalar(..) = node.kind {
        d.push(
            Diagnostic::error("wrong-type", node.span, "`replaces` names what this version replaces as a mapping")
                .with_hint("write `replaces: {version: \"2022-05\"}` for an earlier version of this document, or `replaces: {dnr: \"VON 2021:00134\"}` for an earlier document"),
        );
        return None;
    }
    let mut m = MapReader::new(node, "`replaces`", d)?;
    let version = m.optional::<VersionLabel>("version", d).map(|v| v.0);
    let dnr = m.optional::<Text>("dnr", d);
    let title = m.optional::<Text>("title", d);
    m.finish(d);
    if version.is_none() && dnr.is_none() && title.is_none() {
        d.push(
            Diagnostic::error("missing-field", node.span, "`replaces` names nothing").with_hint(
                "give `version` (an earlier version of this document), `dnr` or `title`",
            ),
        );
        return None;
    }
    Some(Replaces {
        version,
        dnr,
        title,
        span: node.span,
    })
}

impl Decode for Section {
    const EXPECTED: &'static str = "a section";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "section", d)?;
        let id = slug(&mut m, "id", d);
        let heading = m.required::<Text>("heading", d);
        let front = m.flag("front", d);
        let body = m.list::<Block>("body", d);
        let sections = m.list::<Section>("sections", d);
        m.finish(d);
        Some(Section {
            id: id?,
            heading: heading?,
            front,
            body,
            sections,
        })
    }
}

impl Decode for Block {
    const EXPECTED: &'static str = "a block (`text`, `criteria`, `paragraph` or `guidance`)";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let (i, v) = single_key(
            node,
            "block",
            &["text", "criteria", "paragraph", "guidance"],
            d,
        )?;
        match i {
            0 => Text::decode(v, d).map(Block::Text),
            1 => Slug::decode(v, d).map(|s| Block::Criteria(s.0)),
            2 => Vec::<Part>::decode(v, d).map(Block::Paragraph),
            _ => Slug::decode(v, d).map(|s| Block::Guidance(s.0)),
        }
    }
}

impl Decode for Part {
    const EXPECTED: &'static str = "text, `{ref: id}` or `{id: …, text: …}`";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        if let NodeKind::Scalar(..) = node.kind {
            return Text::decode(node, d).map(Part::Text);
        }
        let mut m = MapReader::new(node, "paragraph part", d)?;
        let part = if m.key_span("ref").is_some() {
            slug(&mut m, "ref", d).map(Part::Ref)
        } else {
            let id = slug(&mut m, "id", d);
            let text = m.required::<Text>("text", d);
            id.zip(text).map(|(id, text)| Part::Passage { id, text })
        };
        m.finish(d);
        part
    }
}

impl Decode for Criterion {
    const EXPECTED: &'static str = "a criterion";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "criterion", d)?;
        let id = slug(&mut m, "id", d);
        let text = m.required::<Text>("text", d);
        let kind_node = m.node("kind");
        let kind = kind_node.and_then(|n| choice(n, "criterion kind", &["fact", "assessment"], d));
        if kind_node.is_none() {
            m.required::<String>("kind", d);
        }
        let by = opt_slug(&mut m, "assessed_by", d);
        let consulting = slugs(&mut m, "consulting", d);
        let report_from = opt_slug(&mut m, "report_from", d);
        let rule = m.required::<Text>("rule", d);
        let kind = match kind {
            Some(0) => {
                for key in ["assessed_by", "consulting", "report_from"] {
                    if let Some(span) = m.key_span(key) {
                        d.push(
                            Diagnostic::error(
                                "wrong-type",
                                span,
                                format!("`{key}` only applies to assessments"),
                            )
                            .with_hint("set `kind: assessment`, or remove this key"),
                        );
                    }
                }
                Some(CriterionKind::Fact)
            }
            Some(_) => match by {
                Some(by) => Some(CriterionKind::Assessment {
                    by,
                    consulting,
                    report_from,
                }),
                None => {
                    m.required::<Slug>("assessed_by", d);
                    None
                }
            },
            None => None,
        };
        m.finish(d);
        Some(Criterion {
            id: id?,
            text: text?,
            kind: kind?,
            rule: rule?,
        })
    }
}

impl Decode for Intervention {
    const EXPECTED: &'static str = "an intervention";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "intervention", d)?;
        let id = slug(&mut m, "id", d);
        let name = m.required::<Text>("name", d);
        let target_group = m.required::<Text>("target_group", d);
        let legal_basis = m.required::<Text>("legal_basis", d);
        let continues = opt_slug(&mut m, "continues", d);
        let duration = m.optional::<Duration>("duration", d);
        let extension = opt_slug(&mut m, "extension", d);
        let criteria = slugs(&mut m, "criteria", d);
        let duties = slugs(&mut m, "duties", d);
        if m.key_span("criteria").is_none() {
            m.required::<Vec<Slug>>("criteria", d);
        }
        m.finish(d);
        Some(Intervention {
            id: id?,
            name: name?,
            target_group: target_group?,
            legal_basis: legal_basis?,
            continues,
            duration,
            extension,
            criteria,
            duties,
        })
    }
}

impl Decode for Duration {
    const EXPECTED: &'static str = "a period like `{years: 2}` or `{months: 4}`";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "duration", d)?;
        let years = m.optional::<u32>("years", d);
        let months = m.optional::<u32>("months", d);
        let basis = opt_slug(&mut m, "basis", d);
        let span = m.span();
        m.finish(d);
        let (years, months) = (years.unwrap_or(0), months.unwrap_or(0));
        if u64::from(years) * 12 + u64::from(months) > 1200 {
            d.push(
                Diagnostic::error("wrong-type", span, format!("a duration of {years} years and {months} months is not a plausible decision period"))
                    .with_hint("at most 100 years (1200 months) in all"),
            );
            return None;
        }
        if years == 0 && months == 0 {
            d.push(
                Diagnostic::error(
                    "missing-field",
                    span,
                    "a duration needs `years` or `months` above zero",
                )
                .with_hint("e.g. `duration: {years: 2}`"),
            );
            return None;
        }
        Some(Duration {
            years,
            months,
            basis,
        })
    }
}

impl Decode for Duty {
    const EXPECTED: &'static str = "an information duty";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "duty", d)?;
        let id = slug(&mut m, "id", d);
        let text = m.required::<Text>("text", d);
        let when = m.optional::<Text>("when", d);
        m.finish(d);
        Some(Duty {
            id: id?,
            text: text?,
            when,
        })
    }
}

impl Decode for ProcedureStep {
    const EXPECTED: &'static str = "a procedure step";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "procedure step", d)?;
        let id = slug(&mut m, "id", d);
        let provision = m.required::<Text>("provision", d);
        let outcome = m.node("outcome").and_then(|n| {
            let i = choice(n, "step outcome", &["avslag", "provning"], d)?;
            Some(Spanned::new(
                [StepOutcome::Avslag, StepOutcome::Provning][i],
                n.span,
            ))
        });
        if m.key_span("outcome").is_none() {
            m.required::<String>("outcome", d);
        }
        let text = m.required::<Text>("text", d);
        m.finish(d);
        Some(ProcedureStep {
            id: id?,
            provision: provision?,
            outcome: outcome?,
            text: text?,
        })
    }
}

impl Decode for Guidance {
    const EXPECTED: &'static str = "guidance for one criterion";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "guidance", d)?;
        let criterion = slug(&mut m, "criterion", d);
        let text = m.required::<Text>("text", d);
        m.finish(d);
        Some(Guidance {
            criterion: criterion?,
            text: text?,
        })
    }
}

/// Decodes `glossary.yaml`.
pub fn glossary(node: &Node, d: &mut Diagnostics) -> Option<Glossary> {
    let mut m = MapReader::new(node, "glossary", d)?;
    let terms = m.list::<Term>("terms", d);
    let laws = m.list::<Law>("laws", d);
    let roles = m.list::<Role>("roles", d);
    let misspellings = m.list::<Misspelling>("misspellings", d);
    m.finish(d);
    Some(Glossary {
        terms,
        laws,
        roles,
        misspellings,
    })
}

impl Decode for Term {
    const EXPECTED: &'static str = "a term";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "term", d)?;
        let id = slug(&mut m, "id", d);
        let term = m.required::<Text>("term", d);
        let synonyms = m.list::<Text>("synonyms", d);
        let definition = m.required::<Text>("definition", d);
        let legal = m.list::<Text>("legal", d);
        let source = m.optional::<Text>("source", d);
        m.finish(d);
        Some(Term {
            id: id?,
            term: term?,
            synonyms,
            definition: definition?,
            legal,
            source,
        })
    }
}

impl Decode for Law {
    const EXPECTED: &'static str = "a law";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "law", d)?;
        let id = slug(&mut m, "id", d);
        let name = m.required::<Text>("name", d);
        let abbreviation = m.required::<Text>("abbreviation", d);
        let sfs = m.required::<Text>("sfs", d);
        m.finish(d);
        if let Some(s) = &sfs {
            let ok = s.split_once(':').is_some_and(|(y, n)| {
                y.len() == 4
                    && y.chars().all(|c| c.is_ascii_digit())
                    && !n.is_empty()
                    && n.chars().all(|c| c.is_ascii_digit())
            });
            if !ok {
                d.push(
                    Diagnostic::error(
                        "wrong-type",
                        s.span,
                        format!("`{}` is not an SFS number", s.value),
                    )
                    .with_hint("write it as year:number, e.g. `2001:453`"),
                );
            }
        }
        Some(Law {
            id: id?,
            name: name?,
            abbreviation: abbreviation?,
            sfs: sfs?,
        })
    }
}

impl Decode for Role {
    const EXPECTED: &'static str = "a role";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "role", d)?;
        let id = slug(&mut m, "id", d);
        let title = m.required::<Text>("title", d);
        m.finish(d);
        Some(Role {
            id: id?,
            title: title?,
        })
    }
}

impl Decode for Misspelling {
    const EXPECTED: &'static str = "a misspelling";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "misspelling", d)?;
        let wrong = m.required::<Text>("wrong", d);
        let right = m.required::<Text>("right", d);
        m.finish(d);
        Some(Misspelling {
            wrong: wrong?,
            right: right?,
        })
    }
}

/// Decodes `facts.yaml`.
pub fn facts(node: &Node, d: &mut Diagnostics) -> Option<Vec<Fact>> {
    let mut m = MapReader::new(node, "facts file", d)?;
    let facts = m.list::<Fact>("facts", d);
    m.finish(d);
    Some(facts)
}

impl Decode for Fact {
    const EXPECTED: &'static str = "a fact";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "fact", d)?;
        let id = m.required::<Name>("id", d).map(|n| n.0);
        let type_node = m.node("type");
        let ty = type_node.and_then(|n| {
            choice(n, "fact type", &["bool", "integer", "date", "enum"], d).map(|i| (i, n.span))
        });
        if type_node.is_none() {
            m.required::<String>("type", d);
        }
        let min = m.optional::<i64>("min", d);
        let max = m.optional::<i64>("max", d);
        let values_node = m.node("values");
        let question = m.required::<Text>("question", d);
        let source = m.node("source").and_then(|n| {
            let i = choice(n, "fact source", &FactSource::NAMES, d)?;
            let s = [
                FactSource::Person,
                FactSource::Certificate,
                FactSource::Record,
                FactSource::Assessment,
            ][i];
            Some(Spanned::new(s, n.span))
        });
        if m.key_span("source").is_none() {
            m.required::<String>("source", d);
        }
        let evidence = m.optional::<Text>("evidence", d);
        let ty = ty.and_then(|(i, span)| {
            let t = match i {
                0 => FactType::Bool,
                1 => FactType::Integer { min, max },
                2 => FactType::Date,
                _ => match values_node {
                    Some(v) => FactType::Enum(enum_values(v, d)?),
                    None => {
                        m.required::<Vec<String>>("values", d);
                        return None;
                    }
                },
            };
            if i != 3 {
                if let Some(span) = m.key_span("values") {
                    d.push(Diagnostic::error(
                        "wrong-type",
                        span,
                        "`values` only applies to `type: enum`",
                    ));
                }
            }
            if i != 1 {
                for key in ["min", "max"] {
                    if let Some(span) = m.key_span(key) {
                        d.push(Diagnostic::error(
                            "wrong-type",
                            span,
                            format!("`{key}` only applies to `type: integer`"),
                        ));
                    }
                }
            }
            Some(Spanned::new(t, span))
        });
        m.finish(d);
        Some(Fact {
            id: id?,
            ty: ty?,
            question: question?,
            source: source?,
            evidence,
        })
    }
}

fn enum_values(node: &Node, d: &mut Diagnostics) -> Option<Vec<EnumValue>> {
    let NodeKind::Seq(items) = &node.kind else {
        wrong_type(node, "a list of values, e.g. `[1, 2, 3, ingen]`", d);
        return None;
    };
    let mut out: Vec<EnumValue> = Vec::new();
    for item in items {
        let value = match &item.kind {
            NodeKind::Scalar(s, Style::Plain) if s.parse::<i64>().is_ok() => {
                EnumValue::Int(s.parse().ok()?)
            }
            NodeKind::Scalar(s, _) if !item.is_null() && is_word(s) => EnumValue::Word(s.clone()),
            _ => {
                wrong_type(item, "a whole number or a lowercase word", d);
                continue;
            }
        };
        if out.contains(&value) {
            d.push(Diagnostic::error(
                "duplicate-id",
                item.span,
                format!("value `{value}` is listed twice"),
            ));
        }
        out.push(value);
    }
    if out.is_empty() {
        d.push(Diagnostic::error(
            "missing-field",
            node.span,
            "an enum needs at least one value",
        ));
        return None;
    }
    Some(out)
}

fn is_word(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_lowercase)
        && s.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// Decodes `parameters.yaml`.
pub fn parameters(node: &Node, d: &mut Diagnostics) -> Option<Vec<Parameter>> {
    let mut m = MapReader::new(node, "parameters file", d)?;
    let p = m.list::<Parameter>("parameters", d);
    m.finish(d);
    Some(p)
}

impl Decode for Parameter {
    const EXPECTED: &'static str = "a parameter";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "parameter", d)?;
        let id = m.required::<Name>("id", d).map(|n| n.0);
        let description = m.required::<Text>("description", d);
        let unit = m.optional::<Text>("unit", d);
        let values = m.required::<Vec<ParamValue>>("values", d);
        m.finish(d);
        let mut values = values?;
        values.sort_by_key(|v| v.from.value);
        Some(Parameter {
            id: id?,
            description: description?,
            unit,
            values,
        })
    }
}

impl Decode for ParamValue {
    const EXPECTED: &'static str = "a dated value";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "parameter value", d)?;
        let from = m.required("from", d);
        let until = m.optional("until", d);
        let value = m.required::<Spanned<ParamData>>("value", d);
        let reference = m.required::<Text>("reference", d);
        let assumption = m.flag("assumption", d);
        m.finish(d);
        Some(ParamValue {
            from: from?,
            until,
            value: value?,
            reference: reference?,
            assumption,
        })
    }
}

impl Decode for ParamData {
    const EXPECTED: &'static str = "a whole number or a range `{min: 18, max: 64}`";
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        if let NodeKind::Scalar(..) = node.kind {
            return i64::decode(node, d).map(ParamData::Integer);
        }
        let mut m = MapReader::new(node, "range", d)?;
        let min = m.required::<i64>("min", d);
        let max = m.required::<i64>("max", d);
        m.finish(d);
        let (min, max) = (min?, max?);
        if min > max {
            d.push(
                Diagnostic::error(
                    "date-order",
                    node.span,
                    format!("range starts at {min} but ends at {max}"),
                )
                .with_hint("`min` must not be larger than `max`"),
            );
            return None;
        }
        Some(ParamData::Range { min, max })
    }
}
