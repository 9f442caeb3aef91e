//! Layout primitives: A4 pages, measured and wrapped text, lines, filled squares, a flowing cursor
//! with a table that breaks across pages, and page numbers.
//!
//! Coordinates are PDF points (1/72 inch) from the page's top-left corner, y downwards, as krilla
//! takes them; text is placed by its baseline. A document is laid out into operations per page
//! and painted only in `Sheet::finish`, so page numbers can say how many pages there are.

use std::sync::LazyLock;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font as PdfFont, GlyphId, KrillaGlyph};
use krilla::{Document, SerializeSettings};
use unicode_normalization::char::is_combining_mark;

/// A4 in points, portrait.
pub const A4: (f32, f32) = (595.28, 841.89);
/// One millimetre in points.
pub const MM: f32 = 72.0 / 25.4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Orientation {
    Portrait,
    Landscape,
}

impl Orientation {
    pub fn size(self) -> (f32, f32) {
        match self {
            Orientation::Portrait => A4,
            Orientation::Landscape => (A4.1, A4.0),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

impl Align {
    /// Where a line of `width` starts when aligned in the box from `left`, `box_width` wide.
    pub fn start(self, left: f32, box_width: f32, width: f32) -> f32 {
        match self {
            Align::Left => left,
            Align::Center => left + (box_width - width) / 2.0,
            Align::Right => left + box_width - width,
        }
    }
}

/// A horizontal stretch of the page that text is aligned and wrapped in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    pub left: f32,
    pub width: f32,
}

impl Span {
    pub fn new(left: f32, width: f32) -> Self {
        Span { left, width }
    }

    pub fn between(left: f32, right: f32) -> Self {
        Span { left, width: right - left }
    }
}

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

/// RGB colour of ink.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ink(pub u8, pub u8, pub u8);

pub const BLACK: Ink = Ink(0, 0, 0);
/// The deep red of certificate titles and borders.
pub const RED: Ink = Ink(178, 16, 26);

impl From<Ink> for krilla::paint::Paint {
    fn from(ink: Ink) -> Self {
        rgb::Color::new(ink.0, ink.1, ink.2).into()
    }
}

static REGULAR: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/pdf/NotoSerif-Regular.ttf"));
static BOLD: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/pdf/NotoSerif-Bold.ttf"));
static ITALIC: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/pdf/NotoSerif-Italic.ttf"));

/// A face parsed once: for krilla (embedding) and for rustybuzz (shaping, to measure and place),
/// with its shaping plan for left-to-right Latin text built once too (building a plan costs more
/// than shaping a line).
struct LoadedFace {
    pdf: PdfFont,
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

fn loaded(face: Face) -> &'static LoadedFace {
    &FACES[face as usize]
}

/// A run of text shaped in one face: glyphs with advances in em, ready to measure and draw.
#[derive(Clone, Debug)]
pub struct Shaped {
    text: String,
    glyphs: Vec<KrillaGlyph>,
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

enum Op {
    Text { x: f32, baseline: f32, font: Font, shaped: Shaped, ink: Ink },
    Line { from: (f32, f32), to: (f32, f32), width: f32, ink: Ink },
    Frame { rect: [f32; 4], width: f32, ink: Ink },
    Fill { rects: Vec<[f32; 4]>, ink: Ink },
}

/// A document being laid out: the page size and the drawing operations of each page.
pub struct Sheet {
    width: f32,
    height: f32,
    title: String,
    ink: Ink,
    pages: Vec<Vec<Op>>,
}

impl Sheet {
    /// A document with one empty page; `title` goes into the PDF's metadata.
    pub fn new(orientation: Orientation, title: &str) -> Self {
        let (width, height) = orientation.size();
        Sheet { width, height, title: title.to_owned(), ink: BLACK, pages: vec![Vec::new()] }
    }

    pub fn width(&self) -> f32 {
        self.width
    }

    pub fn height(&self) -> f32 {
        self.height
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Starts a new page; what is drawn next goes on it.
    pub fn add_page(&mut self) {
        self.pages.push(Vec::new());
    }

    /// The ink of what is drawn next.
    pub fn set_ink(&mut self, ink: Ink) {
        self.ink = ink;
    }

    fn push(&mut self, op: Op) {
        self.pages.last_mut().expect("a sheet has a page").push(op);
    }

    /// One line of text aligned in a span. Returns its width.
    pub fn text(&mut self, span: Span, baseline: f32, text: &str, font: Font, align: Align) -> f32 {
        let shaped = shape(text, font.face);
        let width = shaped.width(font.size);
        if !shaped.glyphs.is_empty() {
            let x = align.start(span.left, span.width, width);
            self.push(Op::Text { x, baseline, font, shaped, ink: self.ink });
        }
        width
    }

    /// One line of text starting at `x`.
    pub fn text_at(&mut self, x: f32, baseline: f32, text: &str, font: Font) -> f32 {
        self.text(Span::new(x, 0.0), baseline, text, font, Align::Left)
    }

    /// Wraps text to the span and draws it, one line per `leading` from the first baseline.
    /// Returns the baseline after the last line.
    pub fn paragraph(&mut self, span: Span, baseline: f32, text: &str, font: Font, align: Align, leading: f32) -> f32 {
        let mut y = baseline;
        for line in wrap(text, font, span.width) {
            self.text(span, y, &line, font, align);
            y += leading;
        }
        y
    }

    /// Wraps text to the span and draws it in lines `leading` high from `top`; returns the top
    /// of what comes under it.
    pub fn block(&mut self, span: Span, top: f32, text: &str, font: Font, align: Align, leading: f32) -> f32 {
        let first = top + baseline_in_line(font, leading);
        let after = self.paragraph(span, first, text, font, align, leading);
        top + (after - first)
    }

    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32) {
        self.push(Op::Line { from, to, width, ink: self.ink });
    }

    /// The outline of a rectangle [x, y, w, h].
    pub fn frame(&mut self, rect: [f32; 4], width: f32) {
        self.push(Op::Frame { rect, width, ink: self.ink });
    }

    /// Filled rectangles [x, y, w, h], drawn as one path.
    pub fn fill_rects(&mut self, rects: Vec<[f32; 4]>) {
        if !rects.is_empty() {
            self.push(Op::Fill { rects, ink: self.ink });
        }
    }

    /// "Trang n/N" centred at the foot of every page, when there is more than one.
    pub fn number_pages(&mut self, font: Font, baseline_from_bottom: f32) {
        let count = self.pages.len();
        if count < 2 {
            return;
        }
        let (width, baseline) = (self.width, self.height - baseline_from_bottom);
        for (index, page) in self.pages.iter_mut().enumerate() {
            let shaped = shape(&format!("Trang {}/{count}", index + 1), font.face);
            let x = (width - shaped.width(font.size)) / 2.0;
            page.push(Op::Text { x, baseline, font, shaped, ink: BLACK });
        }
    }

    /// What text is where: (page index, x, baseline, width, text), for tests of the layout.
    #[cfg(test)]
    pub(crate) fn placed_texts(&self) -> Vec<(usize, f32, f32, f32, String)> {
        let mut placed = Vec::new();
        for (page, ops) in self.pages.iter().enumerate() {
            for op in ops {
                if let Op::Text { x, baseline, font, shaped, .. } = op {
                    placed.push((page, *x, *baseline, shaped.width(font.size), shaped.text.clone()));
                }
            }
        }
        placed
    }

    /// Paints every page with krilla: fonts subset and embedded with ToUnicode maps, content
    /// compressed.
    pub fn finish(self) -> Vec<u8> {
        let settings = SerializeSettings { xmp_metadata: false, enable_tagging: false, ..SerializeSettings::default() };
        let mut document = Document::new_with(settings);
        document
            .set_metadata(Metadata::new().title(self.title).language("vi".to_owned()).creator("Boiduong".to_owned()));
        let page_settings = PageSettings::from_wh(self.width, self.height).expect("A4 is a valid page size");
        for ops in self.pages {
            let mut page = document.start_page_with(page_settings.clone());
            let mut surface = page.surface();
            for op in ops {
                match op {
                    Op::Text { x, baseline, font, shaped, ink } => {
                        surface.set_stroke(None);
                        surface.set_fill(Some(Fill { paint: ink.into(), ..Fill::default() }));
                        surface.draw_glyphs(
                            Point::from_xy(x, baseline),
                            &shaped.glyphs,
                            loaded(font.face).pdf.clone(),
                            &shaped.text,
                            font.size,
                            false,
                        );
                    }
                    Op::Line { from, to, width, ink } => {
                        let mut path = PathBuilder::new();
                        path.move_to(from.0, from.1);
                        path.line_to(to.0, to.1);
                        stroke(&mut surface, path, width, ink);
                    }
                    Op::Frame { rect: [x, y, w, h], width, ink } => {
                        let mut path = PathBuilder::new();
                        if let Some(rect) = Rect::from_xywh(x, y, w, h) {
                            path.push_rect(rect);
                        }
                        stroke(&mut surface, path, width, ink);
                    }
                    Op::Fill { rects, ink } => {
                        let mut path = PathBuilder::new();
                        for [x, y, w, h] in rects {
                            if let Some(rect) = Rect::from_xywh(x, y, w, h) {
                                path.push_rect(rect);
                            }
                        }
                        if let Some(path) = path.finish() {
                            surface.set_stroke(None);
                            surface.set_fill(Some(Fill { paint: ink.into(), ..Fill::default() }));
                            surface.draw_path(&path);
                        }
                    }
                }
            }
            surface.finish();
            page.finish();
        }
        // Without a validator krilla fails only on a font it cannot read or subset; the fonts
        // are compiled in and every document type is rendered by the tests.
        document.finish().expect("krilla writes the PDF")
    }
}

fn stroke(surface: &mut krilla::surface::Surface<'_>, path: PathBuilder, width: f32, ink: Ink) {
    if let Some(path) = path.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke { paint: ink.into(), width, ..Stroke::default() }));
        surface.draw_path(&path);
        surface.set_stroke(None);
    }
}

/// Page margins in points.
#[derive(Clone, Copy, Debug)]
pub struct Margins {
    pub top: f32,
    pub right: f32,
    pub bottom: f32,
    pub left: f32,
}

impl Margins {
    /// The margins of Party documents (Hướng dẫn 36-HD/VPTW): 20 mm top and bottom, 30 mm left
    /// for binding, 15 mm right.
    pub fn party() -> Self {
        Margins { top: 20.0 * MM, right: 15.0 * MM, bottom: 20.0 * MM, left: 30.0 * MM }
    }
}

/// A column of a table: its heading, how its cells align, and the least width it may have
/// (room to sign in); otherwise columns are sized by their content.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub title: String,
    pub align: Align,
    /// Points; 0 to size the column by its content alone.
    pub min_width: f32,
}

impl Column {
    pub fn new(title: &str, align: Align) -> Self {
        Column { title: title.to_owned(), align, min_width: 0.0 }
    }

    /// The column is at least `points` wide.
    pub fn at_least(self, points: f32) -> Self {
        Column { min_width: points, ..self }
    }
}

/// A table of text cells: the header row is repeated on every page the table runs onto.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    /// The least height of a body row in points (room to sign in), 0 for the text's height.
    pub min_row_height: f32,
}

/// A cursor flowing down the pages of a sheet inside its margins.
pub struct Flow {
    pub sheet: Sheet,
    pub margins: Margins,
    /// The top of what is drawn next.
    pub y: f32,
}

const CELL_PAD_X: f32 = 4.0;
const CELL_PAD_Y: f32 = 3.5;
const RULE: f32 = 0.6;

impl Flow {
    pub fn new(sheet: Sheet, margins: Margins) -> Self {
        let y = margins.top;
        Flow { sheet, margins, y }
    }

    pub fn left(&self) -> f32 {
        self.margins.left
    }

    pub fn right(&self) -> f32 {
        self.sheet.width - self.margins.right
    }

    pub fn width(&self) -> f32 {
        self.right() - self.left()
    }

    pub fn bottom(&self) -> f32 {
        self.sheet.height - self.margins.bottom
    }

    pub fn new_page(&mut self) {
        self.sheet.add_page();
        self.y = self.margins.top;
    }

    /// Breaks the page unless `height` still fits under the cursor (or the page is empty).
    pub fn ensure(&mut self, height: f32) {
        if self.y + height > self.bottom() && self.y > self.margins.top {
            self.new_page();
        }
    }

    /// Wrapped text across the content width, breaking pages between lines.
    pub fn paragraph(&mut self, text: &str, font: Font, align: Align) {
        let leading = font.leading();
        for line in wrap(text, font, self.width()) {
            self.ensure(leading);
            let baseline = self.y + baseline_in_line(font, leading);
            let (left, width) = (self.left(), self.width());
            self.sheet.text(Span::new(left, width), baseline, &line, font, align);
            self.y += leading;
        }
    }

    /// Draws a ruled table across the content width with `font` for the body and the bold face
    /// of its size for the header row; rows never split, the header row starts every page, and
    /// the last row moves to a new page with what follows the table when `keep_with_last`
    /// points of it would not fit under the row (so signatures never stand alone on a page).
    pub fn table(&mut self, table: &Table, font: Font, keep_with_last: f32) {
        let header_font = Font::bold(font.size);
        let widths = column_widths(table, font, header_font, self.width());
        let titles: Vec<String> = table.columns.iter().map(|c| c.title.clone()).collect();
        let header = CellRow::new(&titles, &widths, header_font, 0.0);
        let centred = vec![Align::Center; widths.len()];
        let aligns: Vec<Align> = table.columns.iter().map(|c| c.align).collect();

        self.ensure(header.height + table.rows.first().map_or(0.0, |_| font.leading() + 2.0 * CELL_PAD_Y));
        self.draw_row(&header, &widths, &centred, true);
        let last = table.rows.len().saturating_sub(1);
        let mut rows_on_page = 0;
        for (i, cells) in table.rows.iter().enumerate() {
            let row = CellRow::new(cells, &widths, font, table.min_row_height);
            let keep = if i == last && rows_on_page > 0 { keep_with_last } else { 0.0 };
            if self.y + row.height + keep > self.bottom() {
                rows_on_page = 0;
                self.new_page();
                self.draw_row(&header, &widths, &centred, true);
            }
            self.draw_row(&row, &widths, &aligns, false);
            rows_on_page += 1;
        }
    }

    fn draw_row(&mut self, row: &CellRow, widths: &[f32], aligns: &[Align], first: bool) {
        let (top, bottom) = (self.y, self.y + row.height);
        let leading = row.font.leading();
        let mut x = self.left();
        for ((lines, &width), &align) in row.cells.iter().zip(widths).zip(aligns) {
            let block = lines.len() as f32 * leading;
            let mut baseline = top + (row.height - block) / 2.0 + baseline_in_line(row.font, leading);
            for line in lines {
                self.sheet.text(Span::new(x + CELL_PAD_X, width - 2.0 * CELL_PAD_X), baseline, line, row.font, align);
                baseline += leading;
            }
            self.sheet.line((x, top), (x, bottom), RULE);
            x += width;
        }
        self.sheet.line((x, top), (x, bottom), RULE);
        if first {
            self.sheet.line((self.left(), top), (x, top), RULE);
        }
        self.sheet.line((self.left(), bottom), (x, bottom), RULE);
        self.y = bottom;
    }
}

/// Sizes the columns to their content, as a browser lays out an automatic table: a column never
/// gets less than its longest word (so "01/01/1980" or "STT" never break) or its `min_width`;
/// the room beyond that goes first to the columns that need little more to keep their cells on
/// one line (names), and what is left is shared by the rest (long unit names), which wrap.
fn column_widths(table: &Table, font: Font, header_font: Font, total_width: f32) -> Vec<f32> {
    let pad = 2.0 * CELL_PAD_X + 0.5;
    let words = |text: &str, font: Font| text.split_whitespace().map(|w| width(w, font)).fold(0.0, f32::max);
    let (mut least, mut wanted) = (Vec::new(), Vec::new());
    for (i, column) in table.columns.iter().enumerate() {
        // A heading may wrap to the width of its longest word: "Vắng không phép" over a "0".
        let mut min = words(&column.title, header_font);
        let mut max = min;
        for cell in table.rows.iter().filter_map(|row| row.get(i)) {
            min = min.max(words(cell, font));
            max = max.max(width(cell, font));
        }
        let min = (min + pad).max(column.min_width);
        least.push(min);
        wanted.push((max + pad).max(min));
    }
    let (sum_least, sum_wanted): (f32, f32) = (least.iter().sum(), wanted.iter().sum());
    if sum_wanted <= total_width {
        // Everything fits on one line: share the rest in proportion.
        return wanted.iter().map(|w| w * total_width / sum_wanted).collect();
    }
    if sum_least <= total_width {
        // Fill up to a common level: columns that need a little (a name) get all of it, the
        // rest (a long unit name) share what is left equally and wrap.
        let demands: Vec<f32> = least.iter().zip(&wanted).map(|(l, w)| w - l).collect();
        let level = fill_level(&demands, total_width - sum_least);
        return least.iter().zip(&demands).map(|(l, d)| l + d.min(level)).collect();
    }
    // Not even the longest words fit: scale down, and the longest words break.
    least.iter().map(|l| l * total_width / sum_least).collect()
}

/// The level L at which the demands, each capped at L, add up to `room` (less than their sum).
fn fill_level(demands: &[f32], room: f32) -> f32 {
    let mut sorted = demands.to_vec();
    sorted.sort_by(f32::total_cmp);
    let mut room = room;
    for (i, demand) in sorted.iter().enumerate() {
        let sharing = (sorted.len() - i) as f32;
        if demand * sharing > room {
            return room / sharing;
        }
        room -= demand;
    }
    f32::MAX
}

/// Where the baseline sits in a line box `leading` high: the capitals centred, with room above
/// them for Vietnamese marks stacked on capitals (Ẩ, Ỗ).
pub fn baseline_in_line(font: Font, leading: f32) -> f32 {
    leading / 2.0 + 0.36 * font.size
}

struct CellRow {
    cells: Vec<Vec<String>>,
    font: Font,
    height: f32,
}

impl CellRow {
    fn new(cells: &[String], widths: &[f32], font: Font, min_height: f32) -> Self {
        let cells: Vec<Vec<String>> = widths
            .iter()
            .enumerate()
            .map(|(i, width)| wrap(cells.get(i).map_or("", String::as_str), font, width - 2.0 * CELL_PAD_X))
            .collect();
        let lines = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let height = (lines as f32 * font.leading() + 2.0 * CELL_PAD_Y).max(min_height);
        CellRow { cells, font, height }
    }
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

    #[test]
    fn columns_are_sized_by_their_content() {
        let font = Font::regular(11.0);
        let bold = Font::bold(11.0);
        let table = |rows: Vec<Vec<&str>>| Table {
            columns: vec![
                Column::new("STT", Align::Center),
                Column::new("Họ và tên", Align::Left),
                Column::new("Chi bộ", Align::Left),
                Column::new("Ký tên", Align::Center).at_least(80.0),
            ],
            rows: rows.into_iter().map(|r| r.into_iter().map(String::from).collect()).collect(),
            min_row_height: 0.0,
        };
        // Short content: every column on one line, the width shared out, the signing column wide.
        let short = table(vec![vec!["1", "Nguyễn Văn An", "Chi bộ thôn 1", ""]]);
        let widths = column_widths(&short, font, bold, 460.0);
        assert!((widths.iter().sum::<f32>() - 460.0).abs() < 0.01, "{widths:?}");
        assert!(widths[0] >= width("STT", bold) + 2.0 * CELL_PAD_X && widths[0] < widths[1], "{widths:?}");
        assert!(widths[3] >= 80.0, "{widths:?}");
        // Long content: the long column wraps, but no column is narrower than its longest word.
        let unit = "Chi bộ Trường Trung học phổ thông chuyên Nguyễn Du — Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh";
        let long = table(vec![vec!["200", "Tôn Nữ Thị Phương Thảo", unit, ""]]);
        let widths = column_widths(&long, font, bold, 460.0);
        assert!((widths.iter().sum::<f32>() - 460.0).abs() < 0.01, "{widths:?}");
        assert!(widths[2] < width(unit, font), "the unit wraps: {widths:?}");
        assert!(
            widths[1] >= width("Tôn Nữ Thị Phương Thảo", font) + 2.0 * CELL_PAD_X,
            "the name stays on one line: {widths:?}"
        );
        assert!(widths[3] >= 80.0, "{widths:?}");
    }

    #[test]
    fn aligns_in_a_box() {
        assert_eq!(Align::Left.start(10.0, 100.0, 40.0), 10.0);
        assert_eq!(Align::Center.start(10.0, 100.0, 40.0), 40.0);
        assert_eq!(Align::Right.start(10.0, 100.0, 40.0), 70.0);
    }
}
