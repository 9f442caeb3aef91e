//! Text: the shipped Noto Serif faces, shaping a line with rustybuzz (the copy krilla uses) to
//! measure and place it, and wrapping text to a width.

use std::sync::LazyLock;

use krilla::text::{Font as PdfFont, GlyphId, KrillaGlyph};
use unicode_normalization::char::is_combining_mark;

/// The three shipped faces of Noto Serif.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Face {
    Regular,
    Bold,
    Italic,
}

/// A face at a size in points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Font {
    pub face: Face,
    pub size: f32,
}

impl Font {
    pub const fn regular(size: f32) -> Self {
        Font { face: Face::Regular, size }
    }
    pub const fn bold(size: f32) -> Self {
        Font { face: Face::Bold, size }
    }
    pub const fn italic(size: f32) -> Self {
        Font { face: Face::Italic, size }
    }
    /// The distance between baselines used for running text in this font.
    pub fn leading(self) -> f32 {
        self.size * 1.35
    }
}

static REGULAR: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/pdf/NotoSerif-Regular.ttf"));
static BOLD: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/pdf/NotoSerif-Bold.ttf"));
static ITALIC: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/pdf/NotoSerif-Italic.ttf"));

/// A face parsed once: for krilla (embedding) and for rustybuzz (shaping, to measure and place),
/// with its shaping plan for left-to-right Latin text built once too (building a plan costs more
/// than shaping a line).
pub(super) struct LoadedFace {
    pub(super) pdf: PdfFont,
    shaper: rustybuzz::Face<'static>,
    plan: rustybuzz::ShapePlan,
    units_per_em: f32,
    space_em: f32,
}

fn load(bytes: &'static [u8]) -> LoadedFace {
    let shaper = rustybuzz::Face::from_slice(bytes, 0).expect("the shipped font parses");
    let plan = rustybuzz::ShapePlan::new(
        &shaper,
        rustybuzz::Direction::LeftToRight,
        Some(rustybuzz::script::LATIN),
        None,
        &[],
    );
    let pdf = PdfFont::new(bytes.into(), 0).expect("the shipped font parses");
    let units_per_em = shaper.units_per_em() as f32;
    let space = shaper.glyph_index(' ').and_then(|g| shaper.glyph_hor_advance(g)).unwrap_or(0);
    LoadedFace { pdf, shaper, plan, units_per_em, space_em: f32::from(space) / units_per_em }
}

static FACES: LazyLock<[LoadedFace; 3]> = LazyLock::new(|| [load(REGULAR), load(BOLD), load(ITALIC)]);

pub(super) fn loaded(face: Face) -> &'static LoadedFace {
    &FACES[face as usize]
}

/// A run of text shaped in one face: glyphs with advances in em, ready to measure and draw.
#[derive(Clone, Debug)]
pub struct Shaped {
    pub(super) text: String,
    pub(super) glyphs: Vec<KrillaGlyph>,
    advance_em: f32,
}

impl Shaped {
    pub fn width(&self, size: f32) -> f32 {
        self.advance_em * size
    }
}

/// Shapes one line of left-to-right text (Vietnamese is Latin script; marks, even decomposed
/// ones, are positioned by the font's mark features).
pub fn shape(text: &str, face: Face) -> Shaped {
    let loaded = loaded(face);
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    // Everything we print is Vietnamese, Latin script: digits and punctuation shape the same.
    buffer.set_direction(rustybuzz::Direction::LeftToRight);
    buffer.set_script(rustybuzz::script::LATIN);
    let output = rustybuzz::shape_with_plan(&loaded.shaper, &loaded.plan, buffer);
    let infos = output.glyph_infos();
    let positions = output.glyph_positions();
    let em = loaded.units_per_em;
    let mut glyphs = Vec::with_capacity(infos.len());
    let mut advance = 0.0;
    for (i, (info, pos)) in infos.iter().zip(positions).enumerate() {
        let start = info.cluster as usize;
        // A cluster's text runs to the start of the next cluster: the ToUnicode map and the
        // copied text come from these ranges.
        let end =
            infos[i + 1..].iter().map(|next| next.cluster as usize).find(|&next| next != start).unwrap_or(text.len());
        let x_advance = pos.x_advance as f32 / em;
        advance += x_advance;
        glyphs.push(KrillaGlyph::new(
            GlyphId::new(info.glyph_id),
            x_advance,
            pos.x_offset as f32 / em,
            pos.y_offset as f32 / em,
            pos.y_advance as f32 / em,
            start..end,
            None,
        ));
    }
    Shaped { text: text.to_owned(), glyphs, advance_em: advance }
}

/// The width of one line of text in points.
pub fn width(text: &str, font: Font) -> f32 {
    shape(text, font.face).width(font.size)
}

/// Breaks text into lines no wider than `max_width`: at spaces (Vietnamese separates every
/// syllable with one), at explicit line breaks, and inside a word only when the word alone is
/// wider than the line. Empty text gives no lines.
pub fn wrap(text: &str, font: Font, max_width: f32) -> Vec<String> {
    let space = loaded(font.face).space_em * font.size;
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_width = 0.0;
        for word in paragraph.split_whitespace() {
            let word_width = width(word, font);
            if !line.is_empty() && line_width + space + word_width <= max_width {
                line.push(' ');
                line.push_str(word);
                line_width += space + word_width;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if word_width <= max_width {
                line.push_str(word);
                line_width = word_width;
            } else {
                let mut pieces = break_word(word, font, max_width);
                let last = pieces.pop().unwrap_or_default();
                lines.extend(pieces);
                line_width = width(&last, font);
                line = last;
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    lines
}

/// Splits a word wider than the line at character boundaries, never before a combining mark.
fn break_word(word: &str, font: Font, max_width: f32) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut piece = String::new();
    for c in word.chars() {
        if !piece.is_empty() && !is_combining_mark(c) {
            let mut longer = piece.clone();
            longer.push(c);
            if width(&longer, font) > max_width {
                pieces.push(std::mem::take(&mut piece));
            }
        }
        piece.push(c);
    }
    if !piece.is_empty() {
        pieces.push(piece);
    }
    pieces
}

/// Where the baseline sits in a line box `leading` high: the capitals centred, with room above
/// them for Vietnamese marks stacked on capitals (Ẩ, Ỗ).
pub fn baseline_in_line(font: Font, leading: f32) -> f32 {
    leading / 2.0 + 0.36 * font.size
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn measures_by_shaping() {
        let font = Font::regular(12.0);
        assert_eq!(width("", font), 0.0);
        let one = width("Nguyễn", font);
        assert!(one > 20.0 && one < 60.0, "{one}");
        // Bold is wider; twice the size is twice as wide.
        assert!(width("Nguyễn", Font::bold(12.0)) > one);
        assert!((width("Nguyễn", Font::regular(24.0)) - 2.0 * one).abs() < 0.01);
        // A decomposed name shapes to the same width as its composed form: marks do not advance.
        let nfd: String = "Nguyễn Thị Hằng".nfd().collect();
        assert!((width(&nfd, font) - width("Nguyễn Thị Hằng", font)).abs() < 0.5);
    }

    #[test]
    fn shaped_clusters_cover_the_text() {
        let text = "Đắk Lắk";
        let shaped = shape(text, Face::Bold);
        assert_eq!(shaped.glyphs.first().map(|g| g.text_range.start), Some(0));
        assert_eq!(shaped.glyphs.last().map(|g| g.text_range.end), Some(text.len()));
        assert!(shaped.glyphs.iter().all(|g| g.glyph_id.to_u32() != 0), "no .notdef glyph for Vietnamese letters");
    }

    #[test]
    fn wraps_at_spaces_within_the_width() {
        let font = Font::regular(12.0);
        let text = "Chi bộ Trường Trung học phổ thông chuyên Nguyễn Du — Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh";
        let lines = wrap(text, font, 150.0);
        assert!(lines.len() >= 3, "{lines:?}");
        assert!(lines.iter().all(|l| width(l, font) <= 150.0), "{lines:?}");
        assert_eq!(lines.join(" "), text);
        assert_eq!(wrap("  ", font, 100.0), Vec::<String>::new());
        assert_eq!(wrap("một\nhai", font, 500.0), vec!["một", "hai"]);
    }

    #[test]
    fn breaks_a_word_longer_than_the_line() {
        let font = Font::regular(12.0);
        let lines = wrap("ABCDEFGHJKMNPQRSTVWXYZ0123456789 xong", font, 60.0);
        assert!(lines.len() > 2, "{lines:?}");
        assert!(lines.iter().all(|l| width(l, font) <= 60.0), "{lines:?}");
        assert_eq!(lines.concat().replace(' ', ""), "ABCDEFGHJKMNPQRSTVWXYZ0123456789xong");
    }
}
