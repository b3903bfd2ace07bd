//! Writes a decision draft (beslutsförslag): the data of [`crate::eval::draft`],
//! as Markdown through `templates/decision.md`, or as PDF through
//! `templates/decision.typ` and the Typst CLI. The file appears complete or not at all.

use std::path::Path;

use serde::Serialize;

use crate::eval::draft::context;
use crate::eval::{Case, Engine, Evaluation};
use crate::publish::typst_cli::{Typst, font_dir};
use crate::render::templates::Templates;
use crate::write::OutFile;

/// The draft as Markdown.
pub fn markdown(
    templates: &Templates,
    engine: &Engine<'_>,
    case: &Case,
    e: &Evaluation<'_, '_>,
) -> Result<String, String> {
    let md = templates.render("decision.md", &context(engine, case, e))?;
    // Collapse the blank lines that template control flow leaves behind.
    let mut out = String::with_capacity(md.len());
    let mut blank = 0;
    for line in md.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        // Two trailing spaces are a Markdown line break: keep those, trim the rest.
        out.push_str(if line.ends_with("  ") {
            line
        } else {
            line.trim_end()
        });
        out.push('\n');
    }
    Ok(out)
}

#[derive(Serialize)]
struct TypstDraft {
    title: String,
    body: String,
}

/// Writes the draft to `path`: Markdown for `.md`, PDF (through Typst) for `.pdf`.
/// The file appears complete or not at all.
pub fn write(
    templates: &Templates,
    engine: &Engine<'_>,
    case: &Case,
    e: &Evaluation<'_, '_>,
    path: &Path,
) -> Result<(), String> {
    let md = markdown(templates, engine, case, e)?;
    let ext = path
        .extension()
        .and_then(|x| x.to_str())
        .map(str::to_ascii_lowercase);
    // Typst's work folder goes beside the draft, where the user chose to keep case data;
    // a device or pipe (`/dev/stdout`) has no such place, so the system's temporary folder.
    let is_special = std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir());
    let beside = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let temp = std::env::temp_dir();
    let dir = if is_special { temp.as_path() } else { beside };

    let bytes = match ext.as_deref() {
        Some("md") => md.into_bytes(),
        Some("pdf") => {
            // What the fonts cannot show would fail Typst: said plainly instead (the case
            // file's own text is located by `eval::case::unshowable`, the guideline's by
            // `check`).
            let shown = crate::markdown::Published::markdown(&md).text;
            let missing: Vec<String> = crate::fonts::unshowable(&shown)
                .into_iter()
                .map(|r| crate::fonts::describe(&shown[r]))
                .collect();
            if !missing.is_empty() {
                return Err(format!(
                    "the draft cannot be made as PDF: its fonts cannot show {} (run `styrdok check` on the policy)",
                    crate::sv::join(&missing)
                ));
            }
            let typst = Typst::find()?;
            let mut notes = crate::markdown::Footnotes::default();
            let mut blocks = crate::markdown::blocks(&md, &mut notes);
            // The guideline's sections are not in the draft: its internal links become text.
            crate::markdown::unlink_internal(&mut blocks);
            notes
                .items
                .iter_mut()
                .for_each(|b| crate::markdown::unlink_internal(b));
            let mut body = String::new();
            crate::render::typst::document(&blocks, &notes, &mut body);
            let title = format!(
                "Beslutsförslag (utkast) – {}",
                case.id.as_deref().unwrap_or("ärende")
            );
            let typ = templates.render("decision.typ", &TypstDraft { title, body })?;
            // The work folder sits beside the requested file: case data goes nowhere else.
            let work = tempfile::Builder::new()
                .prefix(".styrdok-draft-")
                .tempdir_in(dir)
                .map_err(|err| {
                    format!("cannot create a work folder in `{}` ({err})", dir.display())
                })?;
            let mut fonts = vec![font_dir(&work.path().join(".fonts"))?];
            fonts.extend(templates.fonts());
            std::fs::write(work.path().join("decision.typ"), typ)
                .map_err(|err| format!("cannot write the draft ({err})"))?;
            let stamp = crate::date::days(case.application_date) * 86_400;
            typst.compile(work.path(), "decision.typ", "decision.pdf", stamp, &fonts)?;

            std::fs::read(work.path().join("decision.pdf"))
                .map_err(|err| format!("cannot read the compiled draft ({err})"))?
        }
        _ => {
            return Err(format!(
                "the draft's file name must end in `.md` or `.pdf`: `{}`",
                path.display()
            ));
        }
    };
    let mut file = OutFile::create(path)?;
    file.writer()
        .write_all(&bytes)
        .map_err(|err| format!("cannot write the draft ({err})"))?;
    file.finish()
}
