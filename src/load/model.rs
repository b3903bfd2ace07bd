//! Decoding of the model's types from YAML nodes (see docs/format.md for the format).

use crate::diag::{Diagnostic, Diagnostics};
use crate::load::decode::{Decode, MapReader, blank, empty_field, single_key, wrong_type};
use crate::load::schema::{self, SchemaGen};
use crate::load::yaml::{Node, NodeKind, Style};
use crate::model::{
    Amount, AmountCase, Extent, Group, LevelRow, LevelTable, Member, Quantifier, Rounding,
    RoundingDirection, parse_decimal,
};
use crate::model::{
    Appeal, AppealRoute, AppliesTo, Block, Criterion, CriterionKind, DocKind, Duration, Duty,
    EnumValue, Fact, FactSource, FactType, Foreign, Glossary, Guidance, Id, Intervention, Law,
    Misspelling, ParamData, ParamValue, Parameter, Part, ProcedureStep, Provision, Replaces, Role,
    Section, StepOutcome, Successor, Term, Text, Version,
};
use crate::model::{is_path_safe, is_slug};
use crate::source::{FileId, Spanned};
use jiff::civil::Date;
use serde_json::{Value, json};

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
    fn schema(_: &mut SchemaGen) -> Value {
        json!({"type": ["string", "integer"], "pattern": "^[a-z0-9_][a-z0-9_-]*$"})
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        check_id(node, d, true).map(Slug)
    }
}

impl Decode for Name {
    const EXPECTED: &'static str = "a name like `fodelsedatum`";
    fn schema(_: &mut SchemaGen) -> Value {
        json!({"type": "string", "pattern": "^[a-z_][a-z0-9_]*$"})
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        check_id(node, d, false).map(Name)
    }
}

/// A version label: it names a folder of `output/` and part of file names, so it is
/// kept to `[a-z0-9._-]`, starting with a letter or digit, without `..`.
pub struct VersionLabel(pub Text);

impl Decode for VersionLabel {
    const EXPECTED: &'static str = "a version label like `2022-05`";
    fn schema(_: &mut SchemaGen) -> Value {
        json!({"type": ["string", "number"], "pattern": "^[a-z0-9][a-z0-9._-]*$", "maxLength": 64})
    }
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

/// A rule or a formula: text that the rule compiler reads and that is never printed as
/// it stands. The compiler reports an empty one with advice of its own (`the rule is
/// empty`), so white space here is not the loader's `missing-field` ([`Decode::TEXT`]).
struct Code(Text);

impl Decode for Code {
    const EXPECTED: &'static str = Text::EXPECTED;
    fn schema(g: &mut SchemaGen) -> Value {
        Text::schema(g)
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        Text::decode(node, d).map(Code)
    }
}

fn code(
    m: &mut MapReader<'_>,
    key: &'static str,
    required: bool,
    d: &mut Diagnostics,
) -> Option<Text> {
    if required {
        m.required::<Code>(key, d).map(|c| c.0)
    } else {
        m.optional::<Code>(key, d).map(|c| c.0)
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
    let kind = m
        .choice(
            "kind",
            "document kind",
            &["riktlinje", "tillampningsanvisning"],
            true,
            d,
        )
        .map(|i| {
            Spanned::new(
                [DocKind::Riktlinje, DocKind::Tillampningsanvisning][i.value],
                i.span,
            )
        });
    let version = m.required::<VersionLabel>("version", d).map(|v| v.0);
    let title = m.required::<Text>("title", d);
    let subtitle = m.optional::<Text>("subtitle", d);
    let title_page_title = m.optional::<Text>("title_page_title", d);
    let dnr = m.optional::<Text>("dnr", d);
    let issued = m.required("issued", d);
    let publisher = m.required::<Text>("publisher", d);
    let contact = m.optional::<Text>("contact", d);
    let decided_by = m.optional::<Text>("decided_by", d);
    let decision_date = m.optional("decision_date", d);
    let valid_from = m.required("valid_from", d);
    let valid_until = m
        .node_as(
            "valid_until",
            |_| json!({"anyOf": [schema::date(), {"enum": ["tills vidare"]}]}),
        )
        .and_then(|n| valid_until(n, d));
    let replaces = m
        .node_as("replaces", |g| {
            g.object("replaces", |n, d| {
                replaces(n, d);
            })
        })
        .and_then(|n| replaces(n, d));
    let document_owner = m.optional::<Text>("document_owner", d);
    let scope = m.optional::<Text>("scope", d);
    let revision_by = m.optional::<Text>("revision_by", d);
    let follow_up_by = m.optional::<Text>("follow_up_by", d);
    let related_documents = m.list::<Text>("related_documents", d);
    let applies_to = m
        .node_as("applies_to", |g| {
            g.object("applies-to", |n, d| {
                applies_to(n, d);
            })
        })
        .filter(|n| !n.is_null())
        .and_then(|n| applies_to(n, d));
    let notice = m.optional::<Text>("notice", d);
    let notes = m.optional::<Text>("notes", d);
    let numbered = m.flag("numbered", d);
    let sections = m.list::<Section>("sections", d);
    let criteria = m.list::<Criterion>("criteria", d);
    let interventions = m.list::<Intervention>("interventions", d);
    let duties = m.list::<Duty>("duties", d);
    let procedure = m.list::<ProcedureStep>("procedure", d);
    let guidance = m.list::<Guidance>("guidance", d);
    let levels = m.list::<LevelTable>("levels", d);
    let amounts = m.list::<Amount>("amounts", d);
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
        contact,
        decided_by,
        decision_date,
        valid_from: valid_from.unwrap_or(epoch),
        valid_until,
        replaces,
        document_owner,
        scope,
        revision_by,
        follow_up_by,
        related_documents,
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
        levels,
        amounts,
    })
}

/// `applies_to: {document: …, version: …}`: the riktlinje an anvisning applies.
fn applies_to(node: &Node, d: &mut Diagnostics) -> Option<AppliesTo> {
    let mut a = MapReader::new(node, "`applies_to`", d)?;
    let document = slug(&mut a, "document", d);
    let version = a.optional::<Text>("version", d);
    a.finish(d);
    Some(AppliesTo {
        document: document?,
        version,
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
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("section", |n, d| {
            Self::decode(n, d);
        })
    }
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
    fn schema(g: &mut SchemaGen) -> Value {
        g.one_key(
            "block",
            |n, d| {
                Block::decode(n, d);
            },
            &[
                ("text", Text::schema),
                ("criteria", Slug::schema),
                ("paragraph", Vec::<Part>::schema),
                ("guidance", Slug::schema),
            ],
        )
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let (i, v) = single_key(
            node,
            "block",
            &["text", "criteria", "paragraph", "guidance"],
            d,
        )?;
        match i {
            0 if blank(v) => {
                d.push(empty_field(v, "text", "text block", Text::EXPECTED));
                None
            }
            0 => Text::decode(v, d).map(Block::Text),
            1 => Slug::decode(v, d).map(|s| Block::Criteria(s.0)),
            2 => {
                let parts = Vec::<Part>::decode(v, d)?;
                // A text part may be white space between two references; a paragraph of
                // nothing else (or of nothing) would print as a blank paragraph.
                let decoded_all = matches!(&v.kind, NodeKind::Seq(items) if items.len() == parts.len())
                    || v.is_null();
                let shows_nothing = parts
                    .iter()
                    .all(|p| matches!(p, Part::Text(t) if crate::words::is_blank(&t.value)));
                if decoded_all && shows_nothing {
                    d.push(
                        Diagnostic::error("missing-field", v.span, "`paragraph` is empty")
                            .with_label("this paragraph prints as nothing")
                            .with_hint("give its text and references, e.g. `paragraph: [\"Se \", {ref: id}, \".\"]` (no-break spaces, invisible characters and `&nbsp;` count as white space)"),
                    );
                    return None;
                }
                Some(Block::Paragraph(parts))
            }
            _ => Slug::decode(v, d).map(|s| Block::Guidance(s.0)),
        }
    }
}

impl Decode for Part {
    const EXPECTED: &'static str = "text, `{ref: id}` or `{id: …, text: …}`";
    fn schema(g: &mut SchemaGen) -> Value {
        json!({"anyOf": [
            schema::text(),
            g.object_with("paragraph-ref", &["ref"], |n, d| {
                Part::decode(n, d);
            }),
            g.object("paragraph-passage", |n, d| {
                Part::decode(n, d);
            }),
        ]})
    }
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
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("criterion", |n, d| {
            Self::decode(n, d);
        })
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "criterion", d)?;
        let id = slug(&mut m, "id", d);
        let text = m.required::<Text>("text", d);
        let kind = m
            .choice("kind", "criterion kind", &["fact", "assessment"], true, d)
            .map(|k| k.value);
        let by = opt_slug(&mut m, "assessed_by", d);
        let consulting = slugs(&mut m, "consulting", d);
        let report_from = opt_slug(&mut m, "report_from", d);
        let rule = code(&mut m, "rule", true, d);
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
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("intervention", |n, d| {
            Self::decode(n, d);
        })
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "intervention", d)?;
        let id = slug(&mut m, "id", d);
        let name = m.required::<Text>("name", d);
        let target_group = m.required::<Text>("target_group", d);
        let legal_basis = m
            .node_as("legal_basis", |g| {
                json!({"anyOf": [schema::text(), {"type": "array", "items": g.of::<Text>(), "minItems": 1}]})
            })
            .and_then(|n| legal_basis(n, d));
        if m.key_span("legal_basis").is_none() {
            m.required::<Text>("legal_basis", d);
        }
        let procedure = slugs(&mut m, "procedure", d);
        let continues = opt_slug(&mut m, "continues", d);
        let appeal_under = m.optional::<Text>("appeal_under", d);
        let duration = m.optional::<Duration>("duration", d);
        let extension = opt_slug(&mut m, "extension", d);
        let members = m.list::<Member>("criteria", d);
        let duties = slugs(&mut m, "duties", d);
        if m.key_span("criteria").is_none() {
            m.required::<Vec<Slug>>("criteria", d);
        }
        let extent = m.optional::<Extent>("extent", d).unwrap_or_default();
        m.finish(d);
        let mut flat = Vec::new();
        for x in &members {
            x.criteria(&mut flat);
        }
        let criteria = flat.into_iter().cloned().collect();
        Some(Intervention {
            id: id?,
            name: name?,
            target_group: target_group?,
            legal_basis: legal_basis?,
            procedure,
            continues,
            appeal_under,
            duration,
            extension,
            criteria,
            members,
            extent,
            duties,
        })
    }
}

/// `legal_basis`: one provision as text (`4 kap. 2 § SoL`) or a list of them; never
/// empty, and no entry empty.
fn legal_basis(node: &Node, d: &mut Diagnostics) -> Option<Vec<Text>> {
    let empty = |d: &mut Diagnostics, span| {
        d.push(
            Diagnostic::error("missing-field", span, "`legal_basis` is empty")
                .with_label("an intervention is granted under at least one provision")
                .with_hint("write the provision, e.g. `legal_basis: 4 kap. 2 § SoL`, or a list `[4 kap. 2 § SoL, 9 § LSS]`"),
        );
    };
    let items = match &node.kind {
        NodeKind::Seq(items) => items.as_slice(),
        _ if node.is_null() => &[],
        _ => std::slice::from_ref(node),
    };
    if items.is_empty() {
        empty(d, node.span);
        return None;
    }
    let mut list = Vec::new();
    let mut ok = true;
    for item in items {
        if blank(item) {
            empty(d, item.span);
            ok = false;
        } else if let Some(t) = Text::decode(item, d) {
            list.push(t);
        }
    }
    ok.then_some(list)
}

impl Decode for Duration {
    const EXPECTED: &'static str =
        "a period like `{years: 2}`, `{months: 3, at_most: true}` or `{individual: true}`";
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("duration", |n, d| {
            Self::decode(n, d);
        })
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "duration", d)?;
        let years = m.optional::<u32>("years", d);
        let months = m.optional::<u32>("months", d);
        let at_most = m.flag("at_most", d);
        let individual = m.flag("individual", d);
        let basis = opt_slug(&mut m, "basis", d);
        let span = m.span();
        m.finish(d);
        let (years, months) = (years.unwrap_or(0), months.unwrap_or(0));
        if individual {
            if years != 0 || months != 0 || at_most {
                d.push(
                    Diagnostic::error(
                        "wrong-type",
                        span,
                        "a period left to the individual case (`individual: true`) has no length",
                    )
                    .with_hint("remove `years`, `months` and `at_most`, or remove `individual`"),
                );
                return None;
            }
            return Some(Duration {
                years,
                months,
                at_most,
                individual,
                basis,
            });
        }
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
                .with_hint("e.g. `duration: {years: 2}`, or `duration: {individual: true}` when the text leaves the period to the individual case"),
            );
            return None;
        }
        Some(Duration {
            years,
            months,
            at_most,
            individual,
            basis,
        })
    }
}

impl Decode for Duty {
    const EXPECTED: &'static str = "an information duty";
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("duty", |n, d| {
            Self::decode(n, d);
        })
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "duty", d)?;
        let id = slug(&mut m, "id", d);
        let text = m.required::<Text>("text", d);
        let when = code(&mut m, "when", false, d);
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
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("procedure-step", |n, d| {
            Self::decode(n, d);
        })
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "procedure step", d)?;
        let id = slug(&mut m, "id", d);
        let provision = m.required::<Text>("provision", d);
        let outcome = m
            .choice("outcome", "step outcome", &["avslag", "provning"], true, d)
            .map(|i| {
                Spanned::new(
                    [StepOutcome::Avslag, StepOutcome::Provning][i.value],
                    i.span,
                )
            });
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
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("guidance", |n, d| {
            Self::decode(n, d);
        })
    }
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
    let words = m.list::<Text>("words", d);
    let foreign = m.list::<Foreign>("foreign", d);
    let spell_check = m
        .optional::<Spanned<bool>>("spell_check", d)
        .filter(|s| s.value)
        .map(|s| s.span);
    m.finish(d);
    Some(Glossary {
        terms,
        laws,
        roles,
        misspellings,
        spell_check,
        words,
        foreign,
    })
}

impl Decode for Foreign {
    const EXPECTED: &'static str = "words of another language";
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("foreign", |n, d| {
            Self::decode(n, d);
        })
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "foreign words", d)?;
        // The schema says what `is_lang` accepts, so that an editor flags `engelska` too.
        m.node_as(
            "lang",
            |_| json!({"type": "string", "pattern": "^[a-z]{2,3}$"}),
        );
        let lang = m.required::<Text>("lang", d);
        let words = m.list::<Text>("words", d);
        m.finish(d);
        let lang = lang?;
        if !Foreign::is_lang(&lang.value) {
            d.push(
                Diagnostic::error(
                    "unknown-value",
                    lang.span,
                    format!("`{}` is not a language code", lang.value),
                )
                .with_label("expected two or three lowercase letters (ISO 639)")
                .with_hint("English is `en`, German `de`, Finnish `fi`, North Sami `se`"),
            );
            return None;
        }
        Some(Foreign { lang, words })
    }
}

impl Decode for Term {
    const EXPECTED: &'static str = "a term";
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("term", |n, d| {
            Self::decode(n, d);
        })
    }
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
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("law", |n, d| {
            Self::decode(n, d);
        })
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "law", d)?;
        let m_span_replaced = m.key_span("replaced_by");
        let id = slug(&mut m, "id", d);
        let name = m.required::<Text>("name", d);
        let abbreviation = m.required::<Text>("abbreviation", d);
        let sfs = m.required::<Text>("sfs", d);
        let valid_from = m.optional::<Spanned<Date>>("valid_from", d);
        let valid_until = m.optional::<Spanned<Date>>("valid_until", d);
        let replaced_by = opt_slug(&mut m, "replaced_by", d);
        let source = m.optional::<Text>("source", d);
        let successors = m.list::<Successor>("successors", d);
        let provisions = m.list::<Provision>("provisions", d);
        m.finish(d);
        if let (Some(from), Some(until)) = (&valid_from, &valid_until) {
            if until.value < from.value {
                d.push(
                    Diagnostic::error(
                        "date-order",
                        until.span,
                        "`valid_until` is before `valid_from`",
                    )
                    .with_label(until.value.to_string())
                    .with_related(from.span, from.value.to_string()),
                );
            }
        }
        if replaced_by.is_some() && valid_until.is_none() {
            if let Some(span) = m_span_replaced {
                d.push(
                    Diagnostic::error(
                        "missing-field",
                        span,
                        "a law that was replaced needs the day it ended",
                    )
                    .with_hint("add `valid_until: YYYY-MM-DD`, the last day the law was in force"),
                );
            }
        }
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
            valid_from,
            valid_until,
            replaced_by,
            source,
            successors,
            provisions,
        })
    }
}

impl Decode for Successor {
    const EXPECTED: &'static str = "a successor provision `{old: …, new: …, source: …}`";
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("successor", |n, d| {
            Self::decode(n, d);
        })
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "successor provision", d)?;
        let old = m.required::<Text>("old", d);
        let new = m.required::<Text>("new", d);
        let source = m.required::<Text>("source", d);
        let assumption = m.flag("assumption", d);
        m.finish(d);
        Some(Successor {
            old: old?,
            new: new?,
            source: source?,
            assumption,
        })
    }
}

impl Decode for Provision {
    const EXPECTED: &'static str = "a provision `{provision: …, appeal: {…}}`";
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("provision", |n, d| {
            Self::decode(n, d);
        })
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "provision", d)?;
        let provision = m.required::<Text>("provision", d);
        let appeal = m.required::<Appeal>("appeal", d);
        m.finish(d);
        Some(Provision {
            provision: provision?,
            appeal: appeal?,
        })
    }
}

impl Decode for Appeal {
    const EXPECTED: &'static str = "an appeal route `{route: …, to: …, basis: …, source: …}`";
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("appeal", |n, d| {
            Self::decode(n, d);
        })
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "appeal", d)?;
        let route = m
            .choice("route", "appeal route", &AppealRoute::NAMES, true, d)
            .map(|i| {
                Spanned::new(
                    [
                        AppealRoute::Forvaltningsbesvar,
                        AppealRoute::Laglighetsprovning,
                    ][i.value],
                    i.span,
                )
            });
        let to = m.required::<Text>("to", d);
        let basis = m.required::<Text>("basis", d);
        let source = m.required::<Text>("source", d);
        m.finish(d);
        Some(Appeal {
            route: route?,
            to: to?,
            basis: basis?,
            source: source?,
        })
    }
}

impl Decode for Role {
    const EXPECTED: &'static str = "a role";
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("role", |n, d| {
            Self::decode(n, d);
        })
    }
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
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("misspelling", |n, d| {
            Self::decode(n, d);
        })
    }
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
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("fact", |n, d| {
            Self::decode(n, d);
        })
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "fact", d)?;
        let id = m.required::<Name>("id", d).map(|n| n.0);
        let ty = m
            .choice(
                "type",
                "fact type",
                &["bool", "integer", "date", "enum", "money"],
                true,
                d,
            )
            .map(|i| (i.value, i.span));
        let min = m.optional::<i64>("min", d);
        let max = m.optional::<i64>("max", d);
        let values_node = m.node_as("values", |_| {
            json!({"type": "array", "minItems": 1, "items": {"anyOf": [
                {"type": "integer"},
                {"type": "string"},
            ]}})
        });
        let question = m.required::<Text>("question", d);
        let source = m
            .choice("source", "fact source", &FactSource::NAMES, true, d)
            .map(|i| {
                let s = [
                    FactSource::Person,
                    FactSource::Certificate,
                    FactSource::Record,
                    FactSource::Assessment,
                ][i.value];
                Spanned::new(s, i.span)
            });
        let evidence = m.optional::<Text>("evidence", d);
        let label = m.optional::<Text>("label", d);
        let ty = ty.and_then(|(i, span)| {
            let t = match i {
                0 => FactType::Bool,
                1 => FactType::Integer { min, max },
                2 => FactType::Date,
                4 => FactType::Money,
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
            label,
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
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("parameter", |n, d| {
            Self::decode(n, d);
        })
    }
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
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("parameter-value", |n, d| {
            Self::decode(n, d);
        })
    }
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
    const EXPECTED: &'static str =
        "a number (`58800`, `0,5392`) or a range (`{min: 18, max: 64}`, `{min: 50}` open upwards)";
    fn schema(g: &mut SchemaGen) -> Value {
        json!({"anyOf": [
            {"type": ["integer", "number", "string"]},
            g.object("range", |n, d| {
                ParamData::decode(n, d);
            }),
        ]})
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        if let NodeKind::Scalar(s, style) = &node.kind {
            if *style == Style::Plain {
                if let Ok(i) = s.parse::<i64>() {
                    return Some(ParamData::Integer(i));
                }
            }
            if let Some(n) = parse_decimal(s) {
                return Some(ParamData::Number(n));
            }
            wrong_type(node, Self::EXPECTED, d);
            return None;
        }
        let mut m = MapReader::new(node, "range", d)?;
        let min = m.required::<i64>("min", d);
        let max = m.optional::<i64>("max", d);
        m.finish(d);
        let min = min?;
        if let Some(max) = max.filter(|max| min > *max) {
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

impl Decode for Member {
    const EXPECTED: &'static str = "a criterion id, or a group like `{group: id, any: [a, b]}`, `{group: id, all: [..]}`, `{group: id, at_least: 2, of: [..]}`";
    fn schema(g: &mut SchemaGen) -> Value {
        json!({"anyOf": [
            Slug::schema(g),
            g.object("group", |n, d| {
                Member::decode(n, d);
            }),
        ]})
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        if let NodeKind::Scalar(..) = node.kind {
            return Slug::decode(node, d).map(|s| Member::Criterion(s.0));
        }
        let mut m = MapReader::new(node, "group of criteria", d)?;
        let id = slug(&mut m, "group", d);
        let text = m.optional::<Text>("text", d);
        let all = m.node_as("all", Vec::<Member>::schema);
        let any = m.node_as("any", Vec::<Member>::schema);
        let at_least = m.optional::<Spanned<u32>>("at_least", d);
        // Written even when its value did not decode (that is reported where it is).
        let at_least_written = m.key_span("at_least").is_some();
        let of = m.node_as("of", Vec::<Member>::schema);
        let span = m.span();
        m.finish(d);
        let given: Vec<&str> = [
            all.map(|_| "all"),
            any.map(|_| "any"),
            at_least_written.then_some("at_least"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if given.len() != 1 {
            d.push(
                Diagnostic::error(
                    if given.is_empty() { "missing-field" } else { "wrong-type" },
                    span,
                    if given.is_empty() {
                        "a group needs `all`, `any` or `at_least` with `of`".to_owned()
                    } else {
                        format!("a group takes one of `all`, `any` and `at_least`, not {}", given.join(" and "))
                    },
                )
                .with_hint("`any: [a, b]` (något av), `all: [a, b]` (samtliga), `at_least: 2` with `of: [a, b, c]` (minst 2 av)"),
            );
            return None;
        }
        let (quantifier, list) = if let Some(n) = all {
            (Spanned::new(Quantifier::All, n.span), Some(n))
        } else if let Some(n) = any {
            (Spanned::new(Quantifier::Any, n.span), Some(n))
        } else {
            let k = at_least?;
            if of.is_none() {
                d.push(
                    Diagnostic::error(
                        "missing-field",
                        span,
                        "`at_least` needs `of`: the list it counts",
                    )
                    .with_hint("e.g. `at_least: 2` and `of: [a, b, c]`"),
                );
                return None;
            }
            (Spanned::new(Quantifier::AtLeast(k.value), k.span), of)
        };
        if let (Some(o), false) = (of, matches!(quantifier.value, Quantifier::AtLeast(_))) {
            d.push(
                Diagnostic::error("wrong-type", o.span, "`of` only goes with `at_least`")
                    .with_hint("list the members under `all` or `any` instead"),
            );
        }
        let members = Vec::<Member>::decode(list?, d)?;
        if members.is_empty() {
            d.push(Diagnostic::error(
                "missing-field",
                list?.span,
                "a group needs at least one member",
            ));
            return None;
        }
        if let Quantifier::AtLeast(k) = quantifier.value {
            if k == 0 || k as usize > members.len() {
                d.push(
                    Diagnostic::error(
                        "wrong-type",
                        quantifier.span,
                        format!(
                            "`at_least: {k}` of {} members can never {}",
                            members.len(),
                            if k == 0 { "fail" } else { "be met" }
                        ),
                    )
                    .with_hint(format!("a number from 1 to {}", members.len())),
                );
                return None;
            }
        }
        Some(Member::Group(Group {
            id: id?,
            text,
            quantifier,
            members,
        }))
    }
}

impl Decode for Extent {
    const EXPECTED: &'static str = "an extent like `{level: avgiftsniva, amounts: [avgift]}`";
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("extent", |n, d| {
            Self::decode(n, d);
        })
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "extent", d)?;
        let level = m.optional::<Name>("level", d).map(|n| n.0);
        let amounts: Vec<Id> = m
            .list::<Name>("amounts", d)
            .into_iter()
            .map(|n| n.0)
            .collect();
        let span = m.span();
        m.finish(d);
        if level.is_none() && amounts.is_empty() {
            d.push(
                Diagnostic::error(
                    "missing-field",
                    span,
                    "an extent needs `level` or `amounts`",
                )
                .with_hint("e.g. `extent: {level: avgiftsniva, amounts: [hemtjanstavgift]}`"),
            );
            return None;
        }
        Some(Extent { level, amounts })
    }
}

/// A mapping of names to names (`{andel: avgiftsniva_3_andel}`), each key and value
/// checked as a name.
fn name_pairs(node: &Node, what: &str, d: &mut Diagnostics) -> Vec<(Id, Id)> {
    let NodeKind::Map(entries) = &node.kind else {
        if !node.is_null() {
            wrong_type(node, &format!("a mapping of {what}"), d);
        }
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|(k, v)| Some((Name::decode(k, d)?.0, Name::decode(v, d)?.0)))
        .collect()
}

/// The schema of [`name_pairs`]: a mapping of names to names.
fn name_pairs_schema(g: &mut SchemaGen) -> Value {
    json!({"type": "object", "additionalProperties": g.of::<Name>()})
}

impl Decode for LevelTable {
    const EXPECTED: &'static str = "a level table";
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("level-table", |n, d| {
            Self::decode(n, d);
        })
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "level table", d)?;
        let id = m.required::<Name>("id", d).map(|n| n.0);
        let name = m.required::<Text>("name", d);
        let basis = opt_slug(&mut m, "basis", d);
        let by: Vec<Id> = m.list::<Name>("by", d).into_iter().map(|n| n.0).collect();
        let choose = m
            .choice("choose", "level choice", &["highest"], true, d)
            .map(|i| i.value);
        let rows = m.required::<Vec<LevelRow>>("rows", d);
        let span = m.span();
        m.finish(d);
        if by.is_empty() {
            d.push(
                Diagnostic::error(
                    "missing-field",
                    span,
                    "a level table needs `by`: the facts that choose the level",
                )
                .with_hint("e.g. `by: [hemtjanst_timmar_per_manad]`"),
            );
        }
        Some(LevelTable {
            id: id?,
            name: name?,
            basis,
            by,
            choose_highest: choose? == 0,
            rows: rows?,
        })
    }
}

impl Decode for LevelRow {
    const EXPECTED: &'static str = "a level";
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("level", |n, d| {
            Self::decode(n, d);
        })
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "level", d)?;
        let level = m.required::<Text>("level", d);
        let when = m
            .node_as("when", name_pairs_schema)
            .map(|n| name_pairs(n, "facts to range parameters", d))
            .unwrap_or_default();
        let values = m
            .node_as("values", name_pairs_schema)
            .map(|n| name_pairs(n, "value names to parameters", d))
            .unwrap_or_default();
        let span = m.span();
        m.finish(d);
        Some(LevelRow {
            level: level?,
            when,
            values,
            span,
        })
    }
}

impl Decode for Amount {
    const EXPECTED: &'static str = "an amount";
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("amount", |n, d| {
            Self::decode(n, d);
        })
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "amount", d)?;
        let id = m.required::<Name>("id", d).map(|n| n.0);
        let name = m.required::<Text>("name", d);
        let unit = m.required::<Text>("unit", d);
        let basis = opt_slug(&mut m, "basis", d);
        let formula = code(&mut m, "formula", false, d);
        let cases = m.list::<AmountCase>("cases", d);
        let rounding = m.optional::<Rounding>("rounding", d);
        let assumption = m.optional::<Text>("assumption", d);
        let span = m.span();
        m.finish(d);
        let cases = match (formula, cases.is_empty()) {
            (Some(f), true) => vec![AmountCase {
                when: None,
                formula: f,
            }],
            (None, false) => cases,
            (Some(_), false) => {
                d.push(
                    Diagnostic::error(
                        "wrong-type",
                        span,
                        "an amount has `formula` or `cases`, not both",
                    )
                    .with_hint("move the formula into the last case, without `when`"),
                );
                return None;
            }
            (None, true) => {
                d.push(
                    Diagnostic::error(
                        "missing-field",
                        span,
                        "an amount needs `formula` (or `cases`, each with a `formula`)",
                    )
                    .with_hint("e.g. `formula: 1/12 * maxavgift_andel * prisbasbelopp`"),
                );
                return None;
            }
        };
        if let Some(k) = cases.iter().position(|c| c.when.is_none()) {
            if k + 1 != cases.len() {
                d.push(
                    Diagnostic::error(
                        "wrong-type",
                        cases[k].formula.span,
                        "only the last case may leave out `when`",
                    )
                    .with_hint(
                        "the cases are tried in order; the one without `when` applies otherwise",
                    ),
                );
            }
        }
        Some(Amount {
            id: id?,
            name: name?,
            unit: unit?,
            basis,
            cases,
            rounding,
            assumption,
        })
    }
}

impl Decode for AmountCase {
    const EXPECTED: &'static str = "a case `{when: <rule>, formula: <formula>}`";
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("amount-case", |n, d| {
            Self::decode(n, d);
        })
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "case", d)?;
        let when = code(&mut m, "when", false, d);
        let formula = code(&mut m, "formula", true, d);
        m.finish(d);
        Some(AmountCase {
            when,
            formula: formula?,
        })
    }
}

impl Decode for Rounding {
    const EXPECTED: &'static str = "a rounding like `{to: krona, direction: down, reference: …}`";
    fn schema(g: &mut SchemaGen) -> Value {
        g.object("rounding", |n, d| {
            Self::decode(n, d);
        })
    }
    fn decode(node: &Node, d: &mut Diagnostics) -> Option<Self> {
        let mut m = MapReader::new(node, "rounding", d)?;
        let to = m
            .choice("to", "rounding unit", &["krona", "ore"], true, d)
            .map(|i| i.value);
        let direction = m
            .choice(
                "direction",
                "rounding direction",
                &["down", "nearest", "up"],
                true,
                d,
            )
            .map(|i| i.value);
        let reference = m.required::<Text>("reference", d);
        let assumption = m.flag("assumption", d);
        let span = m.span();
        m.finish(d);
        Some(Rounding {
            to_krona: to? == 0,
            direction: [
                RoundingDirection::Down,
                RoundingDirection::Nearest,
                RoundingDirection::Up,
            ][direction?],
            assumption,
            reference: reference?,
            span,
        })
    }
}
