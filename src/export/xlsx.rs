//! Spreadsheets staff download (Excel): one sheet per table, a title above it, a bold header
//! row that stays in view, dates as real dates shown dd/mm/yyyy, numbers as numbers. Text is
//! always written as text, so a cell typed "=HYPERLINK(…)" by a user is never a formula.

use rust_xlsxwriter::{ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};
use time::Date;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A number shown with this many decimals ("8,5" in a Vietnamese Excel).
    Decimal(f64, u8),
    Date(Date),
    Empty,
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Int(n)
    }
}

impl From<Date> for Cell {
    fn from(d: Date) -> Self {
        Cell::Date(d)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map(Into::into).unwrap_or(Cell::Empty)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// The tab's name (Excel allows 31 characters, without []:*?/\).
    pub name: String,
    /// Lines above the table: the document's title and what it covers.
    pub title: Vec<String>,
    pub headers: Vec<String>,
    /// Column widths in characters; missing ones get 14.
    pub widths: Vec<f64>,
    pub rows: Vec<Vec<Cell>>,
}

/// A workbook with these sheets, as the bytes of an .xlsx file.
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let title_format = Format::new().set_bold().set_font_size(13);
    let header_format =
        Format::new().set_bold().set_text_wrap().set_border(FormatBorder::Thin).set_background_color("F0F0EE");
    let text_format = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let date_format = Format::new().set_border(FormatBorder::Thin).set_num_format("dd/mm/yyyy");
    let int_format = Format::new().set_border(FormatBorder::Thin).set_num_format("#,##0");
    for sheet in sheets {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(&sheet.name))?;
        let mut row: u32 = 0;
        for line in &sheet.title {
            ws.write_string_with_format(row, 0, line, &title_format)?;
            row += 1;
        }
        if !sheet.title.is_empty() {
            row += 1;
        }
        for (col, header) in sheet.headers.iter().enumerate() {
            ws.write_string_with_format(row, col as u16, header, &header_format)?;
            ws.set_column_width(col as u16, sheet.widths.get(col).copied().unwrap_or(14.0))?;
        }
        ws.set_freeze_panes(row + 1, 0)?;
        row += 1;
        for cells in &sheet.rows {
            for (col, cell) in cells.iter().enumerate() {
                let col = col as u16;
                match cell {
                    Cell::Text(s) => ws.write_string_with_format(row, col, s, &text_format)?,
                    Cell::Int(n) => ws.write_number_with_format(row, col, *n as f64, &int_format)?,
                    Cell::Decimal(v, places) => {
                        let pattern =
                            if *places == 0 { "0".to_owned() } else { format!("0.{}", "0".repeat(*places as usize)) };
                        let format = Format::new().set_border(FormatBorder::Thin).set_num_format(pattern);
                        ws.write_number_with_format(row, col, *v, &format)?
                    }
                    Cell::Date(d) => {
                        let day = ExcelDateTime::from_ymd(d.year() as u16, u8::from(d.month()), d.day())?;
                        ws.write_datetime_with_format(row, col, &day, &date_format)?
                    }
                    Cell::Empty => ws.write_string_with_format(row, col, "", &text_format)?,
                };
            }
            row += 1;
        }
    }
    book.save_to_buffer()
}

/// A sheet name Excel accepts: without []:*?/\ and at most 31 characters.
fn sheet_name(name: &str) -> String {
    let cleaned: String = name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    if cleaned.trim().is_empty() { "Sheet1".into() } else { cleaned }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_workbook_is_a_zip_with_the_text_as_text() {
        let sheet = Sheet {
            name: "Danh sách: lớp [II]".into(),
            title: vec!["DANH SÁCH HỌC VIÊN".into()],
            headers: vec!["STT".into(), "Họ và tên".into(), "Ngày sinh".into(), "Điểm".into()],
            widths: vec![6.0, 30.0],
            rows: vec![
                vec![Cell::Int(1), "Nguyễn Thị Hằng".into(), Cell::Date(date!(1998 - 06 - 05)), Cell::Decimal(8.5, 1)],
                vec![Cell::Int(2), "=HYPERLINK(\"http://x\")".into(), Cell::Empty, Cell::Empty],
            ],
        };
        let bytes = workbook(&[sheet]).unwrap();
        assert!(bytes.starts_with(b"PK"), "an xlsx file is a zip archive");
        assert_eq!(sheet_name("Danh sách: lớp [II]"), "Danh sách lớp II");
        assert_eq!(sheet_name("???"), "Sheet1");
    }
}
