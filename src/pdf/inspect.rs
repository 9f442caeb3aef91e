//! Reading our PDFs back in tests with a real PDF library (lopdf): the text as a reader extracts
//! it through the fonts' ToUnicode maps, the embedded fonts, and the filled shapes of a page
//! rasterised so a QR decoder can read them.

use lopdf::content::Content;
use lopdf::{Document, Object};

pub fn load(pdf: &[u8]) -> Document {
    Document::load_mem(pdf).expect("a PDF lopdf can read")
}

pub fn page_count(pdf: &[u8]) -> usize {
    load(pdf).get_pages().len()
}

/// The text of each page, in drawing order, one line per text object.
pub fn page_texts(pdf: &[u8]) -> Vec<String> {
    let doc = load(pdf);
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    pages.iter().map(|n| doc.extract_text(&[*n]).expect("text extracts")).collect()
}

pub fn text(pdf: &[u8]) -> String {
    page_texts(pdf).concat()
}

#[derive(Debug)]
pub struct EmbeddedFont {
    pub base_font: String,
    /// Bytes of the embedded TrueType program (FontFile2), None when not embedded that way.
    pub font_file2: Option<usize>,
    pub to_unicode: bool,
}

fn name(object: &Object) -> String {
    object.as_name().map(|n| String::from_utf8_lossy(n).into_owned()).unwrap_or_default()
}

/// The Type0 fonts of the document with their descendant's embedded program.
pub fn fonts(pdf: &[u8]) -> Vec<EmbeddedFont> {
    let doc = load(pdf);
    let mut fonts = Vec::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        let field = |key: &[u8]| dict.get(key).map(name).unwrap_or_default();
        if field(b"Type") != "Font" || field(b"Subtype") != "Type0" {
            continue;
        }
        let base_font = dict.get(b"BaseFont").map(name).unwrap_or_default();
        let to_unicode = dict.get(b"ToUnicode").is_ok();
        let descendant = dict
            .get(b"DescendantFonts")
            .and_then(Object::as_array)
            .ok()
            .and_then(|a| a.first())
            .and_then(|r| doc.dereference(r).ok())
            .and_then(|(_, o)| o.as_dict().ok());
        let font_file2 = descendant
            .and_then(|d| d.get(b"FontDescriptor").ok())
            .and_then(|r| doc.dereference(r).ok())
            .and_then(|(_, o)| o.as_dict().ok())
            .and_then(|fd| fd.get(b"FontFile2").ok())
            .and_then(|r| doc.dereference(r).ok())
            .and_then(|(_, o)| o.as_stream().ok())
            .map(|s| s.content.len());
        fonts.push(EmbeddedFont { base_font, font_file2, to_unicode });
    }
    fonts
}

type Matrix = [f32; 6];

fn multiply(a: Matrix, b: Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn apply(m: Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

fn numbers(operands: &[Object]) -> Vec<f32> {
    operands.iter().filter_map(|o| o.as_float().ok()).collect()
}

/// The axis-aligned rectangles filled on a page (1-based), as [left, top, right, bottom] in
/// points from the page's top-left corner: what the content stream really paints, after its
/// transformations.
pub fn filled_rects(pdf: &[u8], page: u32) -> Vec<[f32; 4]> {
    let doc = load(pdf);
    let page_id = doc.get_pages()[&page];
    let media_box = doc
        .get_dictionary(page_id)
        .and_then(|page| page.get(b"MediaBox"))
        .and_then(Object::as_array)
        .map(|b| numbers(b))
        .expect("the page has a media box");
    let height = media_box[3] - media_box[1];
    let content = Content::decode(&doc.get_page_content(page_id)).expect("content decodes");
    let mut ctm: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
    let mut stack = Vec::new();
    let mut subpaths: Vec<Vec<(f32, f32)>> = Vec::new();
    let mut rects = Vec::new();
    for op in &content.operations {
        let n = numbers(&op.operands);
        match op.operator.as_str() {
            "q" => stack.push(ctm),
            "Q" => ctm = stack.pop().unwrap_or(ctm),
            "cm" if n.len() == 6 => ctm = multiply([n[0], n[1], n[2], n[3], n[4], n[5]], ctm),
            "m" if n.len() == 2 => subpaths.push(vec![apply(ctm, n[0], n[1])]),
            "l" if n.len() == 2 => {
                if let Some(path) = subpaths.last_mut() {
                    path.push(apply(ctm, n[0], n[1]));
                }
            }
            "re" if n.len() == 4 => subpaths.push(vec![
                apply(ctm, n[0], n[1]),
                apply(ctm, n[0] + n[2], n[1]),
                apply(ctm, n[0] + n[2], n[1] + n[3]),
                apply(ctm, n[0], n[1] + n[3]),
            ]),
            "f" | "F" | "f*" | "B" | "B*" => {
                for path in subpaths.drain(..) {
                    let xs = path.iter().map(|p| p.0);
                    let ys = path.iter().map(|p| height - p.1);
                    rects.push([
                        xs.clone().fold(f32::MAX, f32::min),
                        ys.clone().fold(f32::MAX, f32::min),
                        xs.fold(f32::MIN, f32::max),
                        ys.fold(f32::MIN, f32::max),
                    ]);
                }
            }
            "S" | "s" | "n" | "b" | "b*" => subpaths.clear(),
            _ => {}
        }
    }
    rects
}

/// Rasterises rectangles (in points) at `scale` pixels a point into a grey image with a white
/// margin of `margin` points around their bounding box, and reads the QR codes in it.
pub fn decode_qr(rects: &[[f32; 4]], scale: f32, margin: f32) -> Vec<String> {
    let left = rects.iter().map(|r| r[0]).fold(f32::MAX, f32::min) - margin;
    let top = rects.iter().map(|r| r[1]).fold(f32::MAX, f32::min) - margin;
    let right = rects.iter().map(|r| r[2]).fold(f32::MIN, f32::max) + margin;
    let bottom = rects.iter().map(|r| r[3]).fold(f32::MIN, f32::max) + margin;
    let (w, h) = (((right - left) * scale) as usize, ((bottom - top) * scale) as usize);
    let mut pixels = vec![255u8; w * h];
    for r in rects {
        let (x0, y0) = (((r[0] - left) * scale).round() as usize, ((r[1] - top) * scale).round() as usize);
        let (x1, y1) = (((r[2] - left) * scale).round() as usize, ((r[3] - top) * scale).round() as usize);
        for y in y0..y1.min(h) {
            pixels[y * w + x0..y * w + x1.min(w)].fill(0);
        }
    }
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    image.detect_grids().iter().filter_map(|g| g.decode().ok()).map(|(_, text)| text).collect()
}

/// Realistic, deterministic Vietnamese full names for test lists.
pub fn sample_name(i: usize) -> String {
    const FAMILY: [&str; 14] =
        ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"];
    const MIDDLE: [&str; 9] = ["Văn", "Thị", "Hữu", "Đức", "Thị Thu", "Ngọc", "Minh", "Quang", "Thị Mỹ"];
    const GIVEN: [&str; 17] = [
        "An", "Bình", "Cường", "Dũng", "Hằng", "Hương", "Lan", "Long", "Nam", "Phương", "Quỳnh", "Sơn", "Thảo", "Tuấn",
        "Uyên", "Yến", "Đạt",
    ];
    format!("{} {} {}", FAMILY[i % 14], MIDDLE[(i / 3) % 9], GIVEN[(i * 7) % 17])
}

/// Chi bộ with their Party committee, as lists print them.
pub fn sample_unit(i: usize) -> String {
    const UNITS: [&str; 5] = [
        "Chi bộ thôn 1 — Đảng bộ xã Ea Kar",
        "Chi bộ buôn Ko Siêr — Đảng bộ phường Tân Lợi",
        "Chi bộ Trường THPT Nguyễn Du — Đảng bộ phường Buôn Ma Thuột",
        "Chi bộ khu phố 3 — Đảng bộ phường Tuy Hòa",
        "Chi bộ thôn Ea Bông — Đảng bộ xã Krông Ana",
    ];
    UNITS[i % UNITS.len()].to_owned()
}
