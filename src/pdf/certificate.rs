//! The certificate (giấy chứng nhận): A4 landscape in a red double border, laid out as a Party
//! document. The issuing body and "ĐẢNG CỘNG SẢN VIỆT NAM" head it, the title and the learner's
//! fields fill the middle, and the foot has the QR code with the register number and the
//! verification code on the left, the place, date and signature on the right.
//!
//! Everything printed comes from a `CertificateDoc` of display strings, which is also the
//! snapshot kept with the issued certificate, so a re-render gives the same document.

use serde::{Deserialize, Serialize};

use super::layout::{Align, Orientation, RED, Sheet, Span};
use super::parts::{self, HeadingStyle, Letterhead, Signer};
use super::text::{Font, baseline_in_line, wrap};
use crate::domain::certificate::format_code;
use crate::qr::{QUIET_ZONE, QrMatrix};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateDoc {
    /// The issuer, and the place and date of issue ("Tuy Hòa", "ngày 05 tháng 6 năm 2026").
    pub letterhead: Letterhead,
    /// What was completed: "Đã hoàn thành chương trình bồi dưỡng nhận thức về Đảng".
    pub wording: String,
    pub full_name: String,
    /// "12/03/1995".
    pub birth_date: String,
    /// Quê quán: "xã Hòa Thắng, tỉnh Đắk Lắk".
    pub home_town: String,
    /// The chi bộ with its Party committee: "Chi bộ thôn 1 — Đảng bộ xã Ea Kar".
    pub unit: String,
    /// "Lớp bồi dưỡng nhận thức về Đảng khóa II năm 2026".
    pub class_name: String,
    /// First and last day of the class, dd/mm/yyyy.
    pub studied_from: String,
    pub studied_to: String,
    /// Where the class was held.
    pub venue: String,
    /// Xếp loại: "Giỏi".
    pub grade: String,
    /// Số vào sổ: "07/2026".
    pub register_number: String,
    /// The last day the certificate is valid, dd/mm/yyyy; None when it does not expire.
    pub valid_until: Option<String>,
    /// The verification code, 16 characters (printed in groups of four).
    pub code: String,
    /// The URL the QR code encodes: `{public_url}/verify/{code}`.
    pub verify_url: String,
    pub signer: Signer,
}

impl CertificateDoc {
    /// The URL a certificate's QR code opens.
    pub fn verify_url(public_url: &str, code: &str) -> String {
        format!("{}/verify/{code}", public_url.trim_end_matches('/'))
    }
}

/// Field labels and values: the learner, then the wording, then the class.
struct Field<'a> {
    label: &'a str,
    value: &'a str,
    bold: bool,
}

/// The middle of the page, from under the title to over the foot.
struct Body<'a> {
    person: [Field<'a>; 4],
    wording: &'a str,
    class: Vec<Field<'a>>,
}

impl<'a> Body<'a> {
    fn of(c: &'a CertificateDoc, period: &'a str) -> Self {
        let field = |label, value, bold| Field { label, value, bold };
        Body {
            person: [
                field("Họ và tên", &c.full_name, true),
                field("Ngày sinh", &c.birth_date, false),
                field("Quê quán", &c.home_town, false),
                field("Đơn vị", &c.unit, false),
            ],
            wording: &c.wording,
            class: vec![
                field("Lớp", &c.class_name, false),
                field("Thời gian học", period, false),
                field("Địa điểm", &c.venue, false),
                field("Xếp loại", &c.grade, true),
            ],
        }
    }

    fn fields(&self) -> impl Iterator<Item = &Field<'a>> {
        self.person.iter().chain(&self.class)
    }
}

const PAGE_MARGIN: f32 = 62.0;
const FOOT_HEIGHT: f32 = 168.0;

pub fn render(c: &CertificateDoc) -> Vec<u8> {
    layout(c).finish()
}

fn layout(c: &CertificateDoc) -> Sheet {
    let mut sheet = Sheet::new(Orientation::Landscape, &format!("Giấy chứng nhận — {}", c.full_name));
    let (width, height) = (sheet.width(), sheet.height());
    border(&mut sheet);

    let (left, right) = (PAGE_MARGIN, width - PAGE_MARGIN);
    let style = HeadingStyle { size: 13.0, dated: false };
    let y = parts::heading(&mut sheet, Span::between(left, right), 46.0, &c.letterhead, &style);

    sheet.set_ink(RED);
    let title = Font::bold(30.0);
    let y = sheet.block(Span::between(left, right), y + 8.0, "GIẤY CHỨNG NHẬN", title, Align::Center, title.leading());
    sheet.set_ink(super::layout::BLACK);

    let period = format!("từ ngày {} đến ngày {}", c.studied_from, c.studied_to);
    let body = Body::of(c, &period);
    let foot_top = height - 30.0 - FOOT_HEIGHT;
    draw_body(&mut sheet, &body, left + 40.0, right - 40.0, y + 4.0, foot_top - 6.0);

    foot(&mut sheet, c, left, right, foot_top);
    sheet
}

/// A thick outer and a thin inner red rule with corner brackets, as printed certificates have.
fn border(sheet: &mut Sheet) {
    let (w, h) = (sheet.width(), sheet.height());
    sheet.set_ink(RED);
    sheet.frame([20.0, 20.0, w - 40.0, h - 40.0], 2.4);
    sheet.frame([26.5, 26.5, w - 53.0, h - 53.0], 0.7);
    let (inset, arm) = (33.0, 26.0);
    for (x, y, dx, dy) in [
        (inset, inset, 1.0, 1.0),
        (w - inset, inset, -1.0, 1.0),
        (inset, h - inset, 1.0, -1.0),
        (w - inset, h - inset, -1.0, -1.0),
    ] {
        sheet.line((x, y), (x + dx * arm, y), 1.4);
        sheet.line((x, y), (x, y + dy * arm), 1.4);
    }
    sheet.set_ink(super::layout::BLACK);
}

/// Lays out the fields at the largest size (14 pt down to 9 pt) at which they fit between `top`
/// and `bottom`: long names and unit names wrap, and the page never overflows.
fn draw_body(sheet: &mut Sheet, body: &Body<'_>, left: f32, right: f32, top: f32, bottom: f32) {
    let mut size = 14.0;
    while size > 9.0 && body_height(body, size, right - left) > bottom - top {
        size -= 0.5;
    }
    let layout = BodyLayout::new(body, size, right - left);
    // Centre the block vertically in the room it has.
    let mut y = top + ((bottom - top) - layout.height(body)).max(0.0) / 2.0;
    for field in &body.person {
        y = draw_field(sheet, field, &layout, left, y);
    }
    let wording = Font::bold(size + 1.0);
    y += layout.gap;
    y = sheet.block(Span::between(left, right), y, body.wording, wording, Align::Center, wording.leading());
    y += layout.gap;
    for field in &body.class {
        y = draw_field(sheet, field, &layout, left, y);
    }
}

struct BodyLayout {
    label: Font,
    value_left: f32,
    value_width: f32,
    leading: f32,
    gap: f32,
    size: f32,
}

impl BodyLayout {
    fn new(body: &Body<'_>, size: f32, width: f32) -> Self {
        let label = Font::regular(size);
        let label_width =
            body.fields().map(|f| super::text::width(&format!("{}:", f.label), label)).fold(0.0, f32::max);
        let value_left = label_width + size;
        BodyLayout { label, value_left, value_width: width - value_left, leading: size * 1.45, gap: size * 0.35, size }
    }

    fn value_font(&self, field: &Field<'_>) -> Font {
        if field.bold { Font::bold(self.size + 1.0) } else { Font::regular(self.size) }
    }

    fn lines(&self, field: &Field<'_>) -> Vec<String> {
        let lines = wrap(field.value, self.value_font(field), self.value_width);
        if lines.is_empty() { vec![String::new()] } else { lines }
    }

    fn height(&self, body: &Body<'_>) -> f32 {
        let field_lines: usize = body.fields().map(|f| self.lines(f).len()).sum();
        let wording = Font::bold(self.size + 1.0);
        let wording_lines = wrap(body.wording, wording, self.value_left + self.value_width).len().max(1);
        field_lines as f32 * self.leading + wording_lines as f32 * wording.leading() + 2.0 * self.gap
    }
}

fn body_height(body: &Body<'_>, size: f32, width: f32) -> f32 {
    BodyLayout::new(body, size, width).height(body)
}

fn draw_field(sheet: &mut Sheet, field: &Field<'_>, layout: &BodyLayout, left: f32, top: f32) -> f32 {
    let baseline = top + baseline_in_line(layout.label, layout.leading);
    sheet.text_at(left, baseline, &format!("{}:", field.label), layout.label);
    let font = layout.value_font(field);
    let mut y = baseline;
    for line in layout.lines(field) {
        sheet.text_at(left + layout.value_left, y, &line, font);
        y += layout.leading;
    }
    top + (y - baseline)
}

/// The QR code with the register number and verification code (left), the place and date of
/// issue and the signature (right).
fn foot(sheet: &mut Sheet, c: &CertificateDoc, left: f32, right: f32, top: f32) {
    let split = left + (right - left) * 0.5;
    let size = 13.0;

    let dated = Font::italic(size);
    let y =
        sheet.block(Span::between(split, right), top, &c.letterhead.place_and_date(), dated, Align::Center, size * 1.3);
    parts::signature(sheet, Span::between(split, right), y, &c.signer, size, 0);

    let qr_side = 86.0;
    let mut text_left = left;
    if let Some(matrix) = QrMatrix::encode(&c.verify_url) {
        let module = qr_side / matrix.width() as f32;
        // The quiet zone falls inside the page's margin and nothing else is drawn in it.
        let (x0, y0) = (left - 14.0 + QUIET_ZONE as f32 * module, top + 26.0);
        let rects = matrix
            .dark_runs()
            .into_iter()
            .map(|(row, col, len)| [x0 + col as f32 * module, y0 + row as f32 * module, len as f32 * module, module])
            .collect();
        sheet.fill_rects(rects);
        text_left = x0 + qr_side + QUIET_ZONE as f32 * module;
    }

    let small = Font::regular(11.0);
    let bold = Font::bold(11.0);
    let leading = 11.0 * 1.5;
    let mut baseline = top + 26.0 + 14.0;
    let w = sheet.text_at(text_left, baseline, "Số vào sổ: ", small);
    sheet.text_at(text_left + w, baseline, &c.register_number, bold);
    baseline += leading;
    let w = sheet.text_at(text_left, baseline, "Mã xác minh: ", small);
    sheet.text_at(text_left + w, baseline, &format_code(&c.code), bold);
    baseline += leading;
    if let Some(until) = &c.valid_until {
        sheet.text_at(text_left, baseline, &format!("Có giá trị đến ngày {until}"), small);
        baseline += leading;
    }
    let hint = Font::italic(9.5);
    sheet.paragraph(
        Span::new(text_left, split - text_left - 10.0),
        baseline,
        "Quét mã QR để kiểm tra giấy chứng nhận",
        hint,
        Align::Left,
        12.0,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::names;
    use crate::pdf::inspect;
    use time::macros::date;
    use unicode_normalization::UnicodeNormalization;

    fn sample() -> CertificateDoc {
        let code = "7K3MQ9TX2HBDW4RN";
        CertificateDoc {
            letterhead: Letterhead::new(
                "Đảng bộ tỉnh Đắk Lắk",
                "Trường Chính trị tỉnh Đắk Lắk",
                "Tuy Hòa",
                date!(2026 - 06 - 05),
            ),
            wording: "Đã hoàn thành chương trình bồi dưỡng nhận thức về Đảng".into(),
            full_name: "Nguyễn Thị Hằng".into(),
            birth_date: "12/03/1995".into(),
            home_town: "xã Hòa Thắng, tỉnh Đắk Lắk".into(),
            unit: "Chi bộ thôn 1 — Đảng bộ xã Ea Kar".into(),
            class_name: "Lớp bồi dưỡng nhận thức về Đảng khóa II năm 2026".into(),
            studied_from: "02/03/2026".into(),
            studied_to: "13/03/2026".into(),
            venue: "Cơ sở 2 Trường Chính trị tỉnh Đắk Lắk, phường Tuy Hòa".into(),
            grade: "Giỏi".into(),
            register_number: "07/2026".into(),
            valid_until: Some("04/06/2031".into()),
            code: code.into(),
            verify_url: CertificateDoc::verify_url("https://boiduong.truongchinhtri.daklak.gov.vn/", code),
            signer: Signer {
                delegation: "KT. HIỆU TRƯỞNG".into(),
                title: "PHÓ HIỆU TRƯỞNG".into(),
                name: "Lê Thị Thu Hà".into(),
            },
        }
    }

    fn flat(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn prints_every_field_as_extractable_text() {
        let pdf = render(&sample());
        assert_eq!(inspect::page_count(&pdf), 1);
        let text = flat(&inspect::text(&pdf));
        for expected in [
            "ĐẢNG BỘ TỈNH ĐẮK LẮK",
            "TRƯỜNG CHÍNH TRỊ TỈNH ĐẮK LẮK",
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            "GIẤY CHỨNG NHẬN",
            "Họ và tên: Nguyễn Thị Hằng",
            "Ngày sinh: 12/03/1995",
            "Quê quán: xã Hòa Thắng, tỉnh Đắk Lắk",
            "Đơn vị: Chi bộ thôn 1 — Đảng bộ xã Ea Kar",
            "Đã hoàn thành chương trình bồi dưỡng nhận thức về Đảng",
            "Lớp: Lớp bồi dưỡng nhận thức về Đảng khóa II năm 2026",
            "Thời gian học: từ ngày 02/03/2026 đến ngày 13/03/2026",
            "Địa điểm: Cơ sở 2 Trường Chính trị tỉnh Đắk Lắk, phường Tuy Hòa",
            "Xếp loại: Giỏi",
            "Tuy Hòa, ngày 05 tháng 6 năm 2026",
            "KT. HIỆU TRƯỞNG PHÓ HIỆU TRƯỞNG",
            "Lê Thị Thu Hà",
            "Số vào sổ: 07/2026",
            "Mã xác minh: 7K3M-Q9TX-2HBD-W4RN",
            "Có giá trị đến ngày 04/06/2031",
        ] {
            assert!(text.contains(expected), "{expected:?} not in {text}");
        }
    }

    #[test]
    fn a_decomposed_name_cleaned_to_nfc_extracts_exactly() {
        let typed: String = "Nguyễn Thị Hằng".nfd().collect();
        assert_ne!(typed, "Nguyễn Thị Hằng", "the input really is decomposed");
        let doc = CertificateDoc { full_name: names::clean(&typed), ..sample() };
        let text = inspect::text(&render(&doc));
        assert!(text.contains("Nguyễn Thị Hằng"), "{text}");
        assert!(!text.contains(&typed));
    }

    #[test]
    fn without_validity_there_is_no_validity_line() {
        let doc = CertificateDoc { valid_until: None, ..sample() };
        let text = inspect::text(&render(&doc));
        assert!(!text.contains("Có giá trị"));
        assert!(text.contains("7K3M-Q9TX-2HBD-W4RN"));
    }

    #[test]
    fn fonts_are_embedded_subsets_with_unicode_maps() {
        let pdf = render(&sample());
        let fonts = inspect::fonts(&pdf);
        assert_eq!(fonts.len(), 3, "regular, bold and italic: {fonts:?}");
        for font in &fonts {
            let (tag, rest) = font.base_font.split_once('+').expect("a subset tag");
            assert!(tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()), "{font:?}");
            assert!(rest.starts_with("NotoSerif"), "{font:?}");
            let size = font.font_file2.expect("embedded as FontFile2");
            assert!(size > 1_000 && size < 20_000, "a subset, not the whole 100 KB font: {font:?}");
            assert!(font.to_unicode, "{font:?}");
        }
    }

    #[test]
    fn the_drawn_qr_code_decodes_to_the_verification_url() {
        let doc = sample();
        let pdf = render(&doc);
        let rects = inspect::filled_rects(&pdf, 1);
        assert!(rects.len() > 50, "the QR code is drawn as filled squares");
        assert_eq!(inspect::decode_qr(&rects, 4.0, 12.0), vec![doc.verify_url.clone()]);
        assert_eq!(doc.verify_url, "https://boiduong.truongchinhtri.daklak.gov.vn/verify/7K3MQ9TX2HBDW4RN");
    }

    #[test]
    fn is_small() {
        let pdf = render(&sample());
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.len() <= 40 * 1024, "{} bytes", pdf.len());
    }

    fn long_sample() -> CertificateDoc {
        CertificateDoc {
            full_name: "Tôn Nữ Thị Phương Hoàng Bảo Ngọc Quỳnh Như Nguyễn Phước Lan Anh Thư".into(),
            unit: "Chi bộ Trường Trung học phổ thông chuyên Nguyễn Du — Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh Đắk Lắk (trước đây là Đảng bộ Khối các cơ quan tỉnh Phú Yên)".into(),
            home_town: "thôn Phú Lương, xã Hòa Quang Bắc, huyện Phú Hòa (nay là xã Phú Hòa 1), tỉnh Phú Yên (nay là tỉnh Đắk Lắk)".into(),
            venue: "Trung tâm Chính trị thị xã Sông Cầu (nay là Cơ sở 2 Trường Chính trị tỉnh Đắk Lắk), phường Xuân Phú".into(),
            ..sample()
        }
    }

    #[test]
    fn long_names_and_units_wrap_inside_the_page() {
        let doc = long_sample();
        let sheet = layout(&doc);
        let (width, height) = (sheet.width(), sheet.height());
        let placed = sheet.placed_texts();
        for (page, x, baseline, w, text) in &placed {
            assert_eq!(*page, 0, "one page");
            assert!(*x >= PAGE_MARGIN - 14.0 && x + w <= width - PAGE_MARGIN, "{text:?} at {x}..{} overflows", x + w);
            assert!(*baseline < height - 30.0, "{text:?} below the border");
        }
        // The body stays above the foot: nothing in the body's columns overlaps the place and date.
        let foot_top = height - 30.0 - FOOT_HEIGHT;
        let body_bottom = placed
            .iter()
            .filter(|(_, _, _, _, t)| t.starts_with("Xếp loại") || t == "Giỏi")
            .map(|(_, _, b, _, _)| *b)
            .fold(0.0, f32::max);
        assert!(body_bottom > 0.0 && body_bottom < foot_top, "{body_bottom} < {foot_top}");
        // Every word of the long values is printed, in order.
        let text = flat(&inspect::text(&sheet.finish()));
        for value in [&doc.full_name, &doc.unit, &doc.home_town, &doc.venue] {
            assert!(text.contains(value.as_str()), "{value} in {text}");
        }
    }

    #[test]
    fn the_snapshot_round_trips_through_json() {
        let doc = sample();
        let json = serde_json::to_string(&doc).unwrap();
        assert_eq!(serde_json::from_str::<CertificateDoc>(&json).unwrap(), doc);
    }
}
