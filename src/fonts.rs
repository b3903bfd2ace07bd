//! The fonts a PDF is set in, compiled into the binary, and what they can show.
//!
//! Inter sets Swedish and every other language written in Latin (the national minority
//! languages Finnish, Meänkieli, Sámi and Romani included), Greek or Cyrillic script.
//! Noto Sans fonts show the scripts most written in Sweden beside them, each with its
//! own font, so that a resident's name or a text in a minority language prints as it
//! is written: Hebrew (Yiddish, a national minority language), Arabic (Arabic, Persian,
//! Kurdish Sorani, Dari, Pashto), Syriac (Assyrian/Syriac), Ethiopic (Tigrinya,
//! Amharic), Devanagari, Thai, Georgian and Armenian. DejaVu Sans Mono sets code and
//! shows many symbols. Typst is given these fonts and no others
//! (`--ignore-system-fonts`, `--ignore-embedded-fonts`), so what [`unshowable`] finds
//! is exactly what Typst could not show: `check` reports it (`unshowable-character`)
//! before Typst runs, instead of Typst failing the PDF.
//!
//! Not shipped, and so reported: Chinese, Japanese and Korean (one CJK font is 16–20
//! MB a weight, ten times all the others together), emoji, and the other scripts.

use std::ops::Range;
use std::sync::OnceLock;

use unicode_segmentation::UnicodeSegmentation;

/// One shipped font file.
#[derive(Debug, Clone, Copy)]
pub struct Font {
    /// Its file name, as written for Typst's `--font-path`.
    pub file: &'static str,
    /// Its family name, as a template names it (`font: "Inter"`).
    pub family: &'static str,
    /// The file itself.
    pub bytes: &'static [u8],
}

macro_rules! font {
    ($file:literal, $family:literal) => {
        Font {
            file: $file,
            family: $family,
            bytes: include_bytes!(concat!("../fonts/", $file)),
        }
    };
}

/// Every font handed to Typst, in the order the templates list their families
/// ([`FAMILIES`]). Licences: Inter and Noto under the SIL Open Font License 1.1
/// (`fonts/OFL.txt`, `fonts/OFL-Noto.txt`), DejaVu under the Bitstream Vera licence
/// (`fonts/LICENSE-DejaVu.txt`); see docs/dependencies.md.
pub const FONTS: &[Font] = &[
    font!("Inter-Regular.otf", "Inter"),
    font!("Inter-Italic.otf", "Inter"),
    font!("Inter-SemiBold.otf", "Inter"),
    font!("Inter-SemiBoldItalic.otf", "Inter"),
    font!("Inter-Bold.otf", "Inter"),
    font!("NotoSansHebrew-Regular.ttf", "Noto Sans Hebrew"),
    font!("NotoSansArabic-Regular.ttf", "Noto Sans Arabic"),
    font!("NotoSansSyriac-Regular.ttf", "Noto Sans Syriac"),
    font!("NotoSansEthiopic-Regular.ttf", "Noto Sans Ethiopic"),
    font!("NotoSansDevanagari-Regular.ttf", "Noto Sans Devanagari"),
    font!("NotoSansThai-Regular.ttf", "Noto Sans Thai"),
    font!("NotoSansGeorgian-Regular.ttf", "Noto Sans Georgian"),
    font!("NotoSansArmenian-Regular.ttf", "Noto Sans Armenian"),
    font!("DejaVuSansMono.ttf", "DejaVu Sans Mono"),
];

/// The font families in the order the built-in Typst templates list them
/// (`#set text(font: (…))`): a character goes to the first that shows it.
pub const FAMILIES: &[&str] = &[
    "Inter",
    "Noto Sans Hebrew",
    "Noto Sans Arabic",
    "Noto Sans Syriac",
    "Noto Sans Ethiopic",
    "Noto Sans Devanagari",
    "Noto Sans Thai",
    "Noto Sans Georgian",
    "Noto Sans Armenian",
    "DejaVu Sans Mono",
];

/// The families as a Typst array, `("Inter", "Noto Sans Hebrew", …)`, as the built-in
/// templates write it.
pub fn typst_families() -> String {
    let quoted: Vec<String> = FAMILIES.iter().map(|f| format!("\"{f}\"")).collect();
    format!("({})", quoted.join(", "))
}

/// The families for code (`raw`), as the built-in templates write it: DejaVu Sans Mono
/// first, then the others in [`FAMILIES`]'s order, so that code, too, finds every
/// character a shipped font has (Typst's own fallback for `raw` does not try them all).
pub fn typst_mono_families() -> String {
    let quoted: Vec<String> = std::iter::once("DejaVu Sans Mono")
        .chain(
            FAMILIES
                .iter()
                .copied()
                .filter(|f| *f != "DejaVu Sans Mono"),
        )
        .map(|f| format!("\"{f}\""))
        .collect();
    format!("({})", quoted.join(", "))
}

/// The characters each font maps to a glyph: sorted, disjoint ranges of code points.
fn coverage() -> &'static [Vec<Range<u32>>] {
    static COVERAGE: OnceLock<Vec<Vec<Range<u32>>>> = OnceLock::new();
    COVERAGE.get_or_init(|| {
        FONTS
            .iter()
            .map(|f| {
                let Ok(face) = ttf_parser::Face::parse(f.bytes, 0) else {
                    return Vec::new();
                };
                let mut points = Vec::new();
                for t in face.tables().cmap.into_iter().flat_map(|c| c.subtables) {
                    if t.is_unicode() {
                        t.codepoints(|c| {
                            if t.glyph_index(c).is_some_and(|g| g.0 != 0) {
                                points.push(c);
                            }
                        });
                    }
                }
                points.sort_unstable();
                points.dedup();
                let mut ranges: Vec<Range<u32>> = Vec::new();
                for c in points {
                    match ranges.last_mut() {
                        Some(r) if r.end == c => r.end = c + 1,
                        _ => ranges.push(c..c + 1),
                    }
                }
                ranges
            })
            .collect()
    })
}

fn maps(ranges: &[Range<u32>], c: char) -> bool {
    let c = u32::from(c);
    let k = ranges.partition_point(|r| r.end <= c);
    ranges.get(k).is_some_and(|r| r.contains(&c))
}

/// Whether a character needs no glyph: Typst breaks the line at each of its newlines
/// (line feed, vertical tab, form feed, carriage return, U+0085, U+2028, U+2029), lays
/// out a tab without one, and leaves out what shows as nothing
/// ([`crate::words::is_default_ignorable`]).
fn needs_no_glyph(c: char) -> bool {
    matches!(
        c,
        '\n' | '\t' | '\x0B' | '\x0C' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'
    ) || crate::words::is_default_ignorable(c)
}

/// Whether one grapheme cluster (a letter with its combining marks, an emoji sequence)
/// can be shown: one shipped font maps every character of it that needs a glyph, as
/// Typst sets a cluster in one font.
pub fn shows(cluster: &str) -> bool {
    let chars: Vec<char> = cluster.chars().filter(|c| !needs_no_glyph(*c)).collect();
    chars.is_empty()
        || coverage()
            .iter()
            .any(|font| chars.iter().all(|c| maps(font, *c)))
}

/// The byte range of every grapheme cluster of `text` that no shipped font can show,
/// in order.
pub fn unshowable(text: &str) -> Vec<Range<usize>> {
    // Most text is Latin that Inter shows: answered without segmenting.
    let inter = &coverage()[0];
    if text.chars().all(|c| needs_no_glyph(c) || maps(inter, c)) {
        return Vec::new();
    }
    text.grapheme_indices(true)
        .filter(|(_, g)| !shows(g))
        .map(|(i, g)| i..i + g.len())
        .collect()
}

/// A cluster as a message names it: `` `ಫ` (U+0CAB) ``, each character's code point
/// (only the code points for a control character or white space, which print as
/// nothing: `U+0007`).
pub fn describe(cluster: &str) -> String {
    let points: Vec<String> = cluster
        .chars()
        .map(|c| format!("U+{:04X}", u32::from(c)))
        .collect();
    let shown: String = cluster.chars().filter(|c| !c.is_control()).collect();
    if shown.trim().is_empty() {
        // A control character, or white space: only its code point says what it is.
        return points.join(" ");
    }
    format!("`{shown}` ({})", points.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_font_parses_and_its_family_is_listed() {
        for (f, cov) in FONTS.iter().zip(coverage()) {
            assert!(!cov.is_empty(), "{} maps nothing", f.file);
            assert!(FAMILIES.contains(&f.family), "{}", f.family);
        }
        for family in FAMILIES {
            assert!(FONTS.iter().any(|f| f.family == *family), "{family}");
        }
    }

    /// The built-in Typst templates list every family, in order, for text and for code.
    #[test]
    fn the_templates_list_the_families() {
        for (name, text) in crate::render::templates::BUILTIN {
            if std::path::Path::new(name)
                .extension()
                .is_some_and(|x| x == "typ")
            {
                assert!(
                    text.contains(&format!("font: {}", typst_families())),
                    "{name} does not list {}",
                    typst_families()
                );
                assert!(
                    text.contains(&format!(
                        "#show raw: set text(font: {})",
                        typst_mono_families()
                    )),
                    "{name} does not list {} for code",
                    typst_mono_families()
                );
            }
        }
    }

    #[test]
    fn the_scripts_written_in_sweden_show_and_the_rest_are_found() {
        for s in [
            "Sámegiella: Áŋŋel, Đđ, Ŧŧ, Čč, Šš, Žž, Ʒʒ, Ǯǯ, Ǧǧ, Ǥǥ, Ǩǩ, Õõ, Ïï",
            "Meänkieli ja suomi: äiti, öljy, šakki, žirafi; Romani: ćhavo, ǎ, ř",
            "ייִדיש װײַן",
            "محمد پژوهش ێ ڵ",
            "ܫܠܡܐ",
            "ሰላም ትግርኛ",
            "नमस्ते",
            "สวัสดี",
            "ქართული Հայերեն Ελληνικά Русский Nguyễn",
            "a\u{ad}b\u{200b}c\u{200d}\u{feff}\n\t\r\u{b}\u{c}\u{85}\u{2028}\u{2029}",
        ] {
            assert_eq!(unshowable(s), Vec::<Range<usize>>::new(), "{s}");
        }
        let s = "Namn 王小明, ಫ, 😀, 👨‍👩‍👧 och \u{7}.";
        let found: Vec<&str> = unshowable(s).into_iter().map(|r| &s[r]).collect();
        assert_eq!(found, ["王", "小", "明", "ಫ", "😀", "👨‍👩‍👧", "\u{7}"]);
        assert_eq!(describe("ಫ"), "`ಫ` (U+0CAB)");
        assert_eq!(describe("\u{7}"), "U+0007");
        // A letter with a mark no one font has both of cannot be set.
        assert_eq!(unshowable("a\u{5b4}"), vec![Range { start: 0, end: 3 }]);
    }
}
