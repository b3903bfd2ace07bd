//! Writing a diff as text: for a terminal (`[-…-]` and `{+…+}` around changed words,
//! in colour on a terminal, never colour alone), as Markdown short enough for a
//! pull-request comment (a table of changes first, the words folded below it), and as
//! JSON (docs/schemas/diff.schema.json). The HTML and PDF redline are written by
//! `publish::redline` from the same [`Diff`].

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::prose::{Mark, Paragraphs, shown, unified};
use super::{Change, Diff, Field, Kind, Side};
use crate::words::{Kind as TokenKind, Seg, Token};

/// Words kept on each side of a change when a long paragraph is cut.
const CONTEXT: usize = 10;

/// A field's changed paragraphs as one marked text each, long unchanged stretches cut
/// to `…` (for a new or repealed field: its whole text).
fn marked_paragraphs(f: &Field) -> Paragraphs<'_> {
    let (a, b) = (
        f.old.as_deref().unwrap_or(&[]),
        f.new.as_deref().unwrap_or(&[]),
    );
    let paras = unified(a, b, &f.segs);
    let whole = f.old.is_none() || f.new.is_none();
    paras
        .into_iter()
        .filter(|p| whole || p.iter().any(|(_, m)| *m != Mark::Same))
        .collect()
}

/// Cuts unchanged stretches longer than twice [`CONTEXT`] words to `…` (a `None`).
fn with_context<'t>(para: &[(&'t Token, Mark)]) -> Vec<Option<(&'t Token, Mark)>> {
    let near: Vec<bool> = (0..para.len())
        .map(|k| {
            let lo = k.saturating_sub(CONTEXT);
            let hi = (k + CONTEXT + 1).min(para.len());
            para[lo..hi].iter().any(|(_, m)| *m != Mark::Same)
        })
        .collect();
    let mut out = Vec::new();
    let mut cut = false;
    for (k, x) in para.iter().enumerate() {
        if near[k] || para.iter().all(|(_, m)| *m == Mark::Same) {
            out.push(Some(*x));
            cut = false;
        } else if !cut {
            out.push(None);
            cut = true;
        }
    }
    out
}

/// Marks for each output: open and close of a removal, of an addition.
struct Marks<'a> {
    del: (&'a str, &'a str),
    ins: (&'a str, &'a str),
    /// Escapes a run of text for the output.
    escape: fn(&str) -> String,
    /// Escapes a run of text inside a code span.
    code: fn(&str) -> String,
    /// Writes a link's destination for the output.
    url: fn(&str) -> String,
}

fn render_para(para: &[(&Token, Mark)], m: &Marks<'_>) -> String {
    let parts = with_context(para);
    let mut s = String::new();
    let mut k = 0;
    while k < parts.len() {
        let Some((t, mark)) = parts[k] else {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push('…');
            k += 1;
            continue;
        };
        let mut j = k;
        while j < parts.len() && parts[j].is_some_and(|(_, x)| x == mark) {
            j += 1;
        }
        // Text placed by reference is compared by id: unchanged, a glimpse is enough.
        let shortened: Vec<Token> = parts[k..j]
            .iter()
            .flatten()
            .map(|(t, m)| match &t.kind {
                TokenKind::Opaque(_) if *m == Mark::Same => Token {
                    text: super::short(&t.text, 40),
                    ..(*t).clone()
                },
                _ => (*t).clone(),
            })
            .collect();
        let run: Vec<(&Token, Mark)> = shortened.iter().map(|t| (t, mark)).collect();
        if !s.is_empty() && (t.space || parts.get(k.wrapping_sub(1)).is_some_and(Option::is_none)) {
            s.push(' ');
        }
        let text = shown(
            &run,
            &super::prose::Escapes {
                text: &m.escape,
                code: &m.code,
                url: &m.url,
            },
        );
        match mark {
            Mark::Same => s.push_str(&text),
            Mark::Removed => {
                s.push_str(m.del.0);
                s.push_str(&text);
                s.push_str(m.del.1);
            }
            Mark::Added => {
                s.push_str(m.ins.0);
                s.push_str(&text);
                s.push_str(m.ins.1);
            }
        }
        k = j;
    }
    s
}

fn header(d: &Diff<'_>) -> String {
    let side = |s: &Side<'_>| {
        let until = s
            .until()
            .map_or_else(|| "tills vidare".to_string(), |u| format!("till {u}"));
        format!(
            "{} (giltig från {} {until})",
            s.version.version.value, s.version.valid_from.value
        )
    };
    format!("{}: {} → {}", d.new.doc.id, side(&d.old), side(&d.new))
}

fn sign(k: Kind) -> char {
    match k {
        Kind::New => '+',
        Kind::Changed => '~',
        Kind::Repealed => '-',
        Kind::Moved => '>',
    }
}

/// The diff for a terminal: a header, the counts, then each change with its changed
/// words marked `[-removed-]` and `{+added+}` (git's `--word-diff=plain` marks), in
/// red and green as well when `color` is set. Unchanged paragraphs are left out and
/// long unchanged stretches cut to `…`.
pub fn terminal(d: &Diff<'_>, color: bool) -> String {
    let (red, green, bold, off) = if color {
        ("\x1b[31m", "\x1b[32m", "\x1b[1m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    let del_open = format!("{red}[-");
    let del_close = format!("-]{off}");
    let ins_open = format!("{green}{{+");
    let ins_close = format!("+}}{off}");
    let marks = Marks {
        del: (&del_open, &del_close),
        ins: (&ins_open, &ins_close),
        escape: |s| s.replace('\x1b', "?"),
        code: clean,
        url: clean,
    };
    let mut s = format!("{bold}{}{off}\n", header(d));
    if d.is_empty() {
        s.push_str("Inga ändringar.\n");
        return s;
    }
    let _ = writeln!(s, "{}\n", d.summary());
    for c in &d.changes {
        // The day a change applies is said where it is not the new version's first day.
        let from = c
            .in_force_from
            .filter(|f| *f != d.new.version.valid_from.value)
            .map(|f| format!(", gäller från {f}"))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "{bold}{} {}{off}: {} [{}{from}]",
            sign(c.kind),
            clean(&super::short(&c.place, 90)),
            clean(&c.summary),
            c.kind.as_str(),
        );
        for f in &c.fields {
            // A moved item's place, and a cover field's value, are in the summary already.
            let said = (c.kind == Kind::Moved && f.name == "position")
                || (c.element == super::Element::Metadata && !f.prose);
            if said {
                continue;
            }
            let paras = marked_paragraphs(f);
            if paras.is_empty() {
                continue;
            }
            if paras.len() == 1 && !f.prose {
                let _ = writeln!(s, "    {}: {}", f.label, render_para(&paras[0], &marks));
            } else {
                let _ = writeln!(s, "    {}:", f.label);
                for p in &paras {
                    // A paragraph end only one side has: the text goes on on a new line.
                    let text = render_para(p, &marks).replace('¶', "¶\n      ");
                    let _ = writeln!(s, "      {text}");
                }
            }
        }
        s.push('\n');
    }
    s
}

/// Control characters out of text that goes to a terminal.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Most characters of a pull-request comment (GitHub allows 65,536).
pub const MARKDOWN_LIMIT: usize = 60_000;

fn md_escape(s: &str) -> String {
    // For Markdown and for the HTML tags that mark words: `<` and `&` are escaped too.
    crate::markdown::escape(s)
}

/// A link destination that stays one in Markdown: what would end it or break the
/// line percent-encoded.
fn md_url(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            ' ' | '(' | ')' | '<' | '>' | '\\' | '"' | '`' => {
                let _ = write!(out, "%{:02X}", c as u32);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The diff as GitHub-flavoured Markdown for a pull-request comment: a heading, the
/// counts, a table of every change (where, kind, in short, in force from), then the
/// changed words folded in a `<details>` block, `<del>`/`<ins>` around them (struck
/// through and underlined on GitHub). Kept under `limit` characters (for a comment on
/// its own, [`MARKDOWN_LIMIT`]): the table comes first and is cut only if it alone does
/// not fit; the changed words are cut before it. What is cut is counted, with a pointer
/// to the redline.
pub fn markdown(d: &Diff<'_>, limit: usize) -> String {
    let mut s = format!(
        "### Ändringar i `{}`: {} → {}\n\n",
        d.new.doc.id, d.old.version.version.value, d.new.version.version.value
    );
    if d.is_empty() {
        s.push_str("Inga ändringar.\n");
        return s;
    }
    let _ = writeln!(
        s,
        "**{}**. Ny version giltig från {}.\n",
        d.summary(),
        d.new.version.valid_from.value
    );
    s.push_str("| Var | Ändring | I korthet | Gäller från |\n|---|---|---|---|\n");
    let marks = Marks {
        del: ("<del>", "</del>"),
        ins: ("<ins>", "</ins>"),
        escape: md_escape,
        code: clean,
        url: md_url,
    };
    let (rows, blocks): (Vec<String>, Vec<String>) =
        d.changes.iter().map(|c| md_change(c, &marks)).unzip();
    // Room kept for the closing lines that say what was cut.
    let budget = limit.saturating_sub(600);
    let mut rows_shown = 0;
    for row in &rows {
        if s.len() + row.len() > budget {
            break;
        }
        s.push_str(row);
        rows_shown += 1;
    }
    let mut details = String::new();
    let mut blocks_cut = 0usize;
    for block in &blocks[..rows_shown] {
        if block.is_empty() {
            continue;
        }
        if blocks_cut > 0 || s.len() + details.len() + block.len() > budget {
            blocks_cut += 1;
            continue;
        }
        details.push_str(block);
    }
    let redline = "se redline-versionen (`styrdok diff --format html`)";
    let rows_cut = rows.len() - rows_shown;
    if rows_cut > 0 {
        let _ = writeln!(
            s,
            "\n{} får inte plats i kommentaren: {redline}.",
            crate::sv::count(rows_cut as u64, "ändring till", "ändringar till")
        );
    }
    if !details.is_empty() || blocks_cut > 0 {
        s.push_str("\n<details><summary>Ändrade ord</summary>\n\n");
        s.push_str(&details);
        if blocks_cut > 0 {
            let _ = writeln!(
                s,
                "De ändrade orden i {} får inte plats här: {redline}.\n",
                crate::sv::count(blocks_cut as u64, "ändring", "ändringar")
            );
        }
        s.push_str("</details>\n");
    }
    s
}

/// One change as a table row, and as a block of its changed words (empty when the
/// row says it all).
fn md_change(c: &Change, marks: &Marks<'_>) -> (String, String) {
    let row = format!(
        "| {} | {} | {} | {} |\n",
        md_escape(&super::short(&c.place, 80)),
        c.kind.as_str(),
        md_escape(&c.summary),
        c.in_force_from.map(|f| f.to_string()).unwrap_or_default()
    );
    let mut block = format!("**{}** ({})\n\n", md_escape(&c.place), c.kind.as_str());
    let mut details_of = 0;
    for f in &c.fields {
        // A cover field's value is in the table already.
        if c.element == super::Element::Metadata && !f.prose {
            continue;
        }
        details_of += 1;
        if c.kind == Kind::Moved && f.name == "position" {
            let _ = writeln!(
                block,
                "- Placering: {} → {}",
                md_escape(&f.old_text().unwrap_or_default()),
                md_escape(&f.new_text().unwrap_or_default())
            );
            continue;
        }
        for p in marked_paragraphs(f) {
            let _ = writeln!(block, "- {}: {}", f.label, render_para(&p, marks));
        }
    }
    block.push('\n');
    if details_of == 0 {
        block.clear();
    }
    (row, block)
}

/// The `type` of an Akoma Ntoso `textualMod` that a change corresponds to.
fn akn_type(k: Kind) -> &'static str {
    match k {
        Kind::New => "insertion",
        Kind::Changed => "substitution",
        Kind::Repealed => "repeal",
        Kind::Moved => "renumbering",
    }
}

/// Tokens as text, paragraphs separated by a blank line.
fn as_text(ts: &[Token]) -> String {
    let mut s = String::new();
    for (k, t) in ts.iter().enumerate() {
        if matches!(t.kind, TokenKind::Break) {
            s.push_str("\n\n");
            continue;
        }
        if k > 0 && t.space && !s.ends_with('\n') {
            s.push(' ');
        }
        s.push_str(&t.text);
    }
    s
}

fn words_json(f: &Field) -> Value {
    let (a, b) = (
        f.old.as_deref().unwrap_or(&[]),
        f.new.as_deref().unwrap_or(&[]),
    );
    let mut ops = Vec::new();
    // `space`: white space comes before the run, so the runs joined read as the text.
    // A run is split where style or link changes, so that a word whose link alone
    // changed shows the two links.
    let mut op = |name: &str, ts: &[Token]| {
        let mut k = 0;
        while k < ts.len() {
            let (st, link) = (ts[k].style, ts[k].link.as_deref());
            let mut j = k;
            while j < ts.len() && ts[j].style == st && ts[j].link.as_deref() == link {
                j += 1;
            }
            let mut o = json!({"op": name, "text": as_text(&ts[k..j]), "space": ts[k].space});
            if st != 0 {
                o["style"] = json!(
                    crate::words::style::of(st)
                        .map(|(_, n)| n)
                        .collect::<Vec<_>>()
                );
            }
            if let Some(url) = link {
                o["link"] = json!(url);
            }
            ops.push(o);
            k = j;
        }
    };
    for seg in &f.segs {
        match *seg {
            Seg::Equal(_, _, c, dd) => op("equal", &b[c..dd]),
            Seg::Delete(x, y) => op("delete", &a[x..y]),
            Seg::Insert(c, dd) => op("insert", &b[c..dd]),
        }
    }
    Value::Array(ops)
}

fn field_json(f: &Field) -> Value {
    let plain = |ts: &Option<Vec<Token>>| ts.as_deref().map(as_text);
    json!({
        "name": f.name,
        "label": f.label,
        "old": plain(&f.old),
        "new": plain(&f.new),
        "words": words_json(f),
    })
}

fn change_json(c: &Change) -> Value {
    json!({
        "kind": c.kind.as_str(),
        "akn_type": akn_type(c.kind),
        "element": c.element.code(),
        "id": c.id,
        "place": c.place,
        "summary": c.summary,
        "in_force_from": c.in_force_from.map(|d| d.to_string()),
        "fields": c.fields.iter().map(field_json).collect::<Vec<_>>(),
    })
}

fn side_json(s: &Side<'_>, hash: &str) -> Value {
    json!({
        "document": s.doc.id,
        "version": s.version.version.value,
        "title": s.version.title.value,
        "valid_from": s.version.valid_from.value.to_string(),
        "valid_until": s.until().map(|d| d.to_string()),
        "content_hash": hash,
    })
}

/// The diff as JSON (schema `styrdok/diff/v1`, docs/schemas/diff.schema.json): both
/// versions with their content hashes, the counts, and every change with its kind
/// (`ny`, `ändrad`, `upphävd`, `flyttad`, and the Akoma Ntoso `textualMod` type), the
/// element and id it touches, old and new values, the word diff and the day it applies.
pub fn json(d: &Diff<'_>) -> Value {
    let [n, c, r, m] = d.counts();
    let old_hash = crate::identity::content_hash(d.old.policy, d.old.doc, d.old.version);
    let new_hash = crate::identity::content_hash(d.new.policy, d.new.doc, d.new.version);
    json!({
        "schema": "styrdok/diff/v1",
        "old": side_json(&d.old, &old_hash),
        "new": side_json(&d.new, &new_hash),
        "summary": {"changes": d.changes.len(), "ny": n, "ändrad": c, "upphävd": r, "flyttad": m},
        "changes": d.changes.iter().map(change_json).collect::<Vec<_>>(),
    })
}
