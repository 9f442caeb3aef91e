//! One printable list for every roster-like document: the attendance sheet to sign, a class's
//! attendance summary, the results list (bảng điểm) and the certificate register. Each is a
//! `ListDocument`: the Party heading, a title with subtitle lines, a table that runs over as many
//! pages as it needs (header row repeated, "Trang n/N" at the foot), a summary of label/value
//! lines and the signature blocks.

use super::flow::Flow;
use super::layout::{Align, MM, Margins, Orientation, Sheet, Span};
use super::parts::{self, HeadingStyle, Letterhead, Signer};
use super::text::Font;

pub use super::flow::{Column, Table};

#[derive(Clone, Debug, PartialEq)]
pub struct ListDocument {
    pub orientation: Orientation,
    pub letterhead: Letterhead,
    /// "DANH SÁCH HỌC VIÊN", printed in bold capitals.
    pub title: String,
    /// Lines under the title: the class ("Lớp bồi dưỡng nhận thức về Đảng khóa II năm 2026",
    /// bold), then e.g. the session or the period.
    pub subtitles: Vec<String>,
    pub table: Table,
    /// Lines under the table: ("Tổng số học viên", "200"), ("Giỏi", "12 (6%)").
    pub summary: Vec<(String, String)>,
    /// The signer on the right ("KT. HIỆU TRƯỞNG" …).
    pub signer: Option<Signer>,
    /// A second signature on the left ("NGƯỜI LẬP BIỂU").
    pub preparer: Option<Signer>,
}

/// Text size of lists' headings and titles; the table is a point smaller.
const SIZE: f32 = 12.0;

pub fn render(doc: &ListDocument) -> Vec<u8> {
    let sheet = Sheet::new(doc.orientation, &doc.title);
    let mut flow = Flow::new(sheet, Margins::party());
    let span = Span::between(flow.left(), flow.right());

    let style = HeadingStyle { size: SIZE, dated: true };
    let y = parts::heading(&mut flow.sheet, span, flow.y, &doc.letterhead, &style);
    flow.y = parts::title(&mut flow.sheet, span, y + 14.0, &doc.title, &doc.subtitles, SIZE + 1.0) + 8.0;

    flow.table(&doc.table, Font::regular(SIZE - 1.0), TABLE_GAP + tail_height(doc));
    flow.y += TABLE_GAP;

    for (label, value) in &doc.summary {
        summary_line(&mut flow, label, value);
    }

    signatures(&mut flow, doc.preparer.as_ref(), doc.signer.as_ref());
    flow.sheet.number_pages(Font::italic(SIZE - 2.0), 10.0 * MM);
    flow.sheet.finish()
}

const TABLE_GAP: f32 = 8.0;
const SIGNATURE_GAP: f32 = 10.0;

/// The height of what follows the table: the summary and the signatures.
fn tail_height(doc: &ListDocument) -> f32 {
    let summary = doc.summary.len() as f32 * Font::regular(SIZE).leading();
    let signatures = [doc.preparer.as_ref(), doc.signer.as_ref()]
        .into_iter()
        .flatten()
        .map(|s| SIGNATURE_GAP + parts::signature_height(s, SIZE))
        .fold(0.0, f32::max);
    summary + signatures
}

/// "Tổng số học viên: 200", the value in bold; wrapped as one paragraph when it is too long.
fn summary_line(flow: &mut Flow, label: &str, value: &str) {
    let font = Font::regular(SIZE);
    let bold = Font::bold(SIZE);
    let label = format!("{label}: ");
    let label_width = super::text::width(&label, font);
    if label_width + super::text::width(value, bold) > flow.width() {
        flow.paragraph(&format!("{label}{value}"), font, Align::Left);
        return;
    }
    flow.ensure(font.leading());
    let baseline = flow.y + super::text::baseline_in_line(font, font.leading());
    let left = flow.left();
    flow.sheet.text_at(left, baseline, &label, font);
    flow.sheet.text_at(left + label_width, baseline, value, bold);
    flow.y += font.leading();
}

/// The preparer on the left and the signer on the right, side by side, kept on one page.
fn signatures(flow: &mut Flow, preparer: Option<&Signer>, signer: Option<&Signer>) {
    let size = SIZE;
    let height = [preparer, signer].into_iter().flatten().map(|s| parts::signature_height(s, size)).fold(0.0, f32::max);
    if height == 0.0 {
        return;
    }
    flow.y += SIGNATURE_GAP;
    flow.ensure(height);
    let (left, width) = (flow.left(), flow.width());
    let column = width * 0.4;
    let lines = [preparer, signer].into_iter().flatten().map(parts::title_lines).max().unwrap_or(1);
    let mut bottom = flow.y;
    if let Some(preparer) = preparer {
        bottom = bottom.max(parts::signature(&mut flow.sheet, Span::new(left, column), flow.y, preparer, size, lines));
    }
    if let Some(signer) = signer {
        bottom = bottom.max(parts::signature(
            &mut flow.sheet,
            Span::new(left + column, width - column),
            flow.y,
            signer,
            size,
            lines,
        ));
    }
    flow.y = bottom;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::inspect::{self, sample_name, sample_unit};
    use time::macros::date;

    fn letterhead() -> Letterhead {
        Letterhead::new("Đảng bộ tỉnh Đắk Lắk", "Trường Chính trị tỉnh Đắk Lắk", "Buôn Ma Thuột", date!(2026 - 06 - 05))
    }

    fn principal() -> Signer {
        Signer {
            delegation: "KT. HIỆU TRƯỞNG".into(), title: "PHÓ HIỆU TRƯỞNG".into(), name: "Lê Thị Thu Hà".into()
        }
    }

    fn preparer() -> Signer {
        Signer { delegation: String::new(), title: "NGƯỜI LẬP BIỂU".into(), name: "Đinh Văn Khánh".into() }
    }

    fn class_line() -> Vec<String> {
        vec!["Lớp bồi dưỡng nhận thức về Đảng khóa II năm 2026".into(), "Từ ngày 02/03/2026 đến ngày 13/03/2026".into()]
    }

    fn birth_date(i: usize) -> String {
        format!("{:02}/{:02}/{}", i % 28 + 1, i % 12 + 1, 1980 + i % 25)
    }

    /// Text as extracted, with the line breaks between text objects made spaces.
    fn flat(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn attendance_sheet(rows: usize) -> ListDocument {
        ListDocument {
            orientation: Orientation::Portrait,
            letterhead: letterhead(),
            title: "Danh sách học viên ký tên".into(),
            subtitles: vec![
                "Lớp bồi dưỡng nhận thức về Đảng khóa II năm 2026".into(),
                "Buổi 3: Bài 2 — Chủ nghĩa Mác-Lênin, tư tưởng Hồ Chí Minh, 07:30–11:00 ngày 04/03/2026".into(),
            ],
            table: Table {
                columns: vec![
                    Column::new("STT", Align::Center),
                    Column::new("Họ và tên", Align::Left),
                    Column::new("Ngày sinh", Align::Center),
                    Column::new("Chi bộ", Align::Left),
                    Column::new("Ký tên", Align::Center).at_least(90.0),
                ],
                rows: (0..rows)
                    .map(|i| vec![(i + 1).to_string(), sample_name(i), birth_date(i), sample_unit(i), String::new()])
                    .collect(),
                min_row_height: 26.0,
            },
            summary: vec![("Tổng số học viên".into(), rows.to_string())],
            signer: Some(principal()),
            preparer: Some(preparer()),
        }
    }

    #[test]
    fn attendance_sheet_of_200_runs_over_pages_with_the_header_on_each() {
        let pdf = render(&attendance_sheet(200));
        let pages = inspect::page_texts(&pdf);
        assert!(pages.len() >= 5, "200 rows 26 pt high take several pages, got {}", pages.len());
        let count = pages.len();
        for (i, page) in pages.iter().enumerate() {
            assert!(flat(page).contains("STT Họ và tên Ngày sinh Chi bộ Ký tên"), "header row on page {}", i + 1);
            assert!(page.contains(&format!("Trang {}/{count}", i + 1)), "page number on page {}: {page}", i + 1);
        }
        let first_page = &pages[0];
        assert!(first_page.contains("TRƯỜNG CHÍNH TRỊ TỈNH ĐẮK LẮK") && first_page.contains("ĐẢNG BỘ TỈNH ĐẮK LẮK"));
        assert!(first_page.contains("ĐẢNG CỘNG SẢN VIỆT NAM"));
        assert!(first_page.contains("Buôn Ma Thuột, ngày 05 tháng 6 năm 2026"));
        assert!(first_page.contains("DANH SÁCH HỌC VIÊN KÝ TÊN"));
        // On a continued page the header row comes before the first row.
        let second = &pages[1];
        let first_row = (0..200).filter_map(|i| second.find(&sample_name(i))).min().expect("rows on page 2");
        assert!(second.find("Ký tên").unwrap() < first_row);
        // Every learner is listed once, in order, and the list ends with the signatures.
        let all = flat(&pages.concat());
        let mut from = 0;
        for i in 0..200 {
            let row = format!("{} {} {}", i + 1, sample_name(i), birth_date(i));
            let at = all[from..].find(&row).unwrap_or_else(|| panic!("row {} in order: {row}", i + 1));
            from += at + row.len();
        }
        let last = flat(pages.last().unwrap());
        assert!(last.contains("Tổng số học viên: 200"));
        assert!(last.contains("NGƯỜI LẬP BIỂU") && last.contains("Đinh Văn Khánh"));
        assert!(last.contains("KT. HIỆU TRƯỞNG PHÓ HIỆU TRƯỞNG") && last.contains("Lê Thị Thu Hà"));
    }

    #[test]
    fn a_short_list_has_one_page_and_no_page_number() {
        let pdf = render(&attendance_sheet(10));
        assert_eq!(inspect::page_count(&pdf), 1);
        assert!(!inspect::text(&pdf).contains("Trang "));
    }

    fn attendance_summary() -> ListDocument {
        ListDocument {
            orientation: Orientation::Landscape,
            letterhead: letterhead(),
            title: "Tổng hợp chuyên cần".into(),
            subtitles: class_line(),
            table: Table {
                columns: vec![
                    Column::new("STT", Align::Center),
                    Column::new("Họ và tên", Align::Left),
                    Column::new("Chi bộ", Align::Left),
                    Column::new("Có mặt", Align::Center),
                    Column::new("Đi muộn", Align::Center),
                    Column::new("Vắng có phép", Align::Center),
                    Column::new("Vắng không phép", Align::Center),
                    Column::new("Học bù", Align::Center),
                    Column::new("Tỷ lệ vắng", Align::Center),
                    Column::new("Đủ điều kiện dự kiểm tra", Align::Center),
                ],
                rows: (0..45)
                    .map(|i| {
                        let absent = i % 4;
                        vec![
                            (i + 1).to_string(),
                            sample_name(i),
                            sample_unit(i),
                            (10 - absent).to_string(),
                            (i % 2).to_string(),
                            (absent / 2).to_string(),
                            (absent - absent / 2).to_string(),
                            "0".into(),
                            format!("{}%", absent * 10),
                            if absent <= 2 { "Đủ" } else { "Không đủ" }.into(),
                        ]
                    })
                    .collect(),
                min_row_height: 0.0,
            },
            summary: vec![
                ("Số buổi học".into(), "10".into()),
                ("Đủ điều kiện dự kiểm tra".into(), "34/45 học viên".into()),
            ],
            signer: Some(principal()),
            preparer: Some(preparer()),
        }
    }

    #[test]
    fn attendance_summary_of_a_class() {
        let doc = attendance_summary();
        let pdf = render(&doc);
        let pages = inspect::page_texts(&pdf);
        assert!(pages.len() >= 2);
        for page in &pages {
            assert!(flat(page).contains("Vắng không phép"), "header repeated");
        }
        let all = flat(&pages.concat());
        assert!(all.contains("TỔNG HỢP CHUYÊN CẦN"));
        assert!(all.contains("Lớp bồi dưỡng nhận thức về Đảng khóa II năm 2026"));
        assert!(all.contains(&format!("4 {} {}", sample_name(3), sample_unit(3))));
        assert!(all.contains("30% Không đủ"));
        assert!(all.contains("Đủ điều kiện dự kiểm tra: 34/45 học viên"));
    }

    fn results_list() -> ListDocument {
        let bands = ["Giỏi", "Khá", "Trung bình", "Không đạt"];
        let scores = ["9,0", "8,5", "7,0", "6,5", "5,0", "4,0"];
        ListDocument {
            orientation: Orientation::Portrait,
            letterhead: Letterhead { number: "Số 27-DS/TCT".into(), ..letterhead() },
            title: "Bảng điểm".into(),
            subtitles: class_line(),
            table: Table {
                columns: vec![
                    Column::new("STT", Align::Center),
                    Column::new("Họ và tên", Align::Left),
                    Column::new("Ngày sinh", Align::Center),
                    Column::new("Chi bộ", Align::Left),
                    Column::new("Điểm", Align::Center),
                    Column::new("Xếp loại", Align::Center),
                ],
                rows: (0..60)
                    .map(|i| {
                        let band = bands[(i * 5 / 60).min(3)];
                        vec![
                            (i + 1).to_string(),
                            sample_name(i),
                            birth_date(i),
                            sample_unit(i),
                            scores[i % 6].into(),
                            band.into(),
                        ]
                    })
                    .collect(),
                min_row_height: 0.0,
            },
            summary: vec![
                ("Giỏi".into(), "12 học viên (20%)".into()),
                ("Khá".into(), "12 học viên (20%)".into()),
                ("Trung bình".into(), "12 học viên (20%)".into()),
                ("Không đạt".into(), "24 học viên (40%)".into()),
            ],
            signer: Some(principal()),
            preparer: Some(preparer()),
        }
    }

    #[test]
    fn results_list_with_scores_bands_and_counts() {
        let doc = results_list();
        let pdf = render(&doc);
        let all = flat(&inspect::text(&pdf));
        assert!(all.contains("BẢNG ĐIỂM"));
        assert!(all.contains("Số 27-DS/TCT"));
        assert!(all.contains(&format!("2 {} {} {} 8,5 Giỏi", sample_name(1), birth_date(1), sample_unit(1))));
        assert!(all.contains(&format!("60 {} {} {} 4,0 Không đạt", sample_name(59), birth_date(59), sample_unit(59))));
        for line in ["Giỏi: 12 học viên (20%)", "Trung bình: 12 học viên (20%)", "Không đạt: 24 học viên (40%)"]
        {
            assert!(all.contains(line), "{line}");
        }
    }

    fn certificate_register_doc() -> ListDocument {
        ListDocument {
            orientation: Orientation::Landscape,
            letterhead: letterhead(),
            title: "Sổ cấp giấy chứng nhận".into(),
            subtitles: vec!["Năm 2026".into()],
            table: Table {
                columns: vec![
                    Column::new("Số vào sổ", Align::Center),
                    Column::new("Họ và tên", Align::Left),
                    Column::new("Ngày sinh", Align::Center),
                    Column::new("Đơn vị", Align::Left),
                    Column::new("Lớp", Align::Left),
                    Column::new("Xếp loại", Align::Center),
                    Column::new("Ngày cấp", Align::Center),
                    Column::new("Mã xác minh", Align::Center),
                    Column::new("Ghi chú", Align::Left),
                ],
                rows: (0..30)
                    .map(|i| {
                        vec![
                            format!("{:02}/2026", i + 1),
                            sample_name(i),
                            birth_date(i),
                            sample_unit(i),
                            "Nhận thức về Đảng khóa II năm 2026".into(),
                            "Khá".into(),
                            "05/06/2026".into(),
                            "7K3M-Q9TX-2HBD-W4RN".into(),
                            if i == 4 { "Cấp lại, thay số 03/2026".into() } else { String::new() },
                        ]
                    })
                    .collect(),
                min_row_height: 0.0,
            },
            summary: vec![("Số giấy chứng nhận đã cấp".into(), "30".into())],
            signer: Some(principal()),
            preparer: None,
        }
    }

    #[test]
    fn certificate_register() {
        let doc = certificate_register_doc();
        let pdf = render(&doc);
        let all = flat(&inspect::text(&pdf));
        assert!(all.contains("SỔ CẤP GIẤY CHỨNG NHẬN"));
        assert!(all.contains(&format!("07/2026 {} {}", sample_name(6), birth_date(6))));
        assert!(all.contains("7K3M-Q9TX-2HBD-W4RN"));
        assert!(all.contains("Cấp lại, thay số 03/2026"));
        assert!(!all.contains("NGƯỜI LẬP BIỂU"));
    }
}
