//! Layout primitives: A4 pages, text placed and aligned on them, lines, frames, filled squares,
//! and page numbers.
//!
//! Coordinates are PDF points (1/72 inch) from the page's top-left corner, y downwards, as krilla
//! takes them; text is placed by its baseline. A document is laid out into operations per page
//! and painted only in `Sheet::finish`, so page numbers can say how many pages there are.

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::{Document, SerializeSettings};

use super::text::{Font, Shaped, baseline_in_line, loaded, shape, wrap};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_in_a_box() {
        assert_eq!(Align::Left.start(10.0, 100.0, 40.0), 10.0);
        assert_eq!(Align::Center.start(10.0, 100.0, 40.0), 40.0);
        assert_eq!(Align::Right.start(10.0, 100.0, 40.0), 70.0);
    }
}
