//! Reading roster files staff receive: CSV in whatever encoding Excel or a Vietnamese Windows
//! machine wrote it (UTF-8 with or without BOM, UTF-16 "Unicode text", Windows-1258), and XLSX.
//! A file becomes rows of text cells here; `roster` reads those rows into people with a message
//! per problem. Nothing here touches the database.

pub mod roster;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

/// What a file was read as, for the preview ("Tệp CSV, mã UTF-16").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv(Encoding),
}

impl Format {
    /// The catalog key of what a file was read as ("Tệp CSV, mã UTF-16 (Unicode Text)").
    pub fn label_key(self) -> &'static str {
        match self {
            Format::Xlsx => "import.format.xlsx",
            Format::Csv(Encoding::Utf8) => "import.format.csv_utf8",
            Format::Csv(Encoding::Utf16) => "import.format.csv_utf16",
            Format::Csv(Encoding::Windows1258) => "import.format.csv_windows1258",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Windows1258,
}

/// One cell as the file held it. Excel dates arrive as date serials.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
    /// An Excel date or date-time: days since 1899-12-30 (the 1900 system).
    ExcelDate(f64),
    Empty,
}

impl Value {
    /// The cell as text, the way a person would read it in Excel.
    pub fn text(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Value::Number(n) => n.to_string(),
            Value::ExcelDate(serial) => excel_date(*serial).map(crate::domain::dates::format).unwrap_or_default(),
            Value::Empty => String::new(),
        }
    }
}

/// The rows of a file: the first non-empty row is the header.
#[derive(Debug, Clone)]
pub struct Table {
    pub format: Format,
    pub headers: Vec<String>,
    /// (line or row number in the file, 1-based, as the user sees it; the cells).
    pub rows: Vec<(usize, Vec<Value>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Not an XLSX workbook nor readable text.
    Unreadable,
    /// No header row.
    Empty,
    /// More rows than an import takes at once.
    TooManyRows(usize),
}

impl ReadError {
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        match self {
            ReadError::Unreadable => crate::i18n::t(lang, "import.file.unreadable"),
            ReadError::Empty => crate::i18n::t(lang, "import.file.empty"),
            ReadError::TooManyRows(max) => crate::i18n::t_with(
                lang,
                "import.file.too_many_rows",
                &[("max", &crate::domain::numbers::format_int(*max as i64))],
            ),
        }
    }
}

/// At most this many data rows per file.
pub const MAX_ROWS: usize = 50_000;

/// Reads an uploaded file: XLSX when it is a zip archive, otherwise delimited text.
pub fn read(bytes: &[u8]) -> Result<Table, ReadError> {
    if bytes.starts_with(b"PK\x03\x04") { read_xlsx(bytes) } else { read_csv(bytes) }
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, ReadError> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| ReadError::Unreadable)?;
    let range = book.worksheet_range_at(0).ok_or(ReadError::Empty)?.map_err(|_| ReadError::Unreadable)?;
    let (first_row, _) = range.start().unwrap_or((0, 0));
    let rows = range.rows().enumerate().map(|(i, cells)| {
        let values = cells
            .iter()
            .map(|c| match c {
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Value::Text(s.clone()),
                Data::Int(n) => Value::Number(*n as f64),
                Data::Float(f) => Value::Number(*f),
                Data::Bool(b) => Value::Text(if *b { "TRUE".into() } else { "FALSE".into() }),
                Data::DateTime(d) => Value::ExcelDate(d.as_f64()),
                Data::Error(_) | Data::Empty => Value::Empty,
            })
            .collect::<Vec<_>>();
        (first_row as usize + i + 1, values)
    });
    table(Format::Xlsx, rows)
}

fn read_csv(bytes: &[u8]) -> Result<Table, ReadError> {
    let (text, encoding) = decode(bytes).ok_or(ReadError::Unreadable)?;
    let delimiter = sniff_delimiter(&text);
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    // The line a record starts on, counted from its byte offset: the reader skips blank lines
    // without counting them, and people look for the line their editor shows.
    let line_starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let line_of = |mut byte: usize| {
        // A record after blank lines is reported from the first of them.
        while matches!(text.as_bytes().get(byte), Some(b'\r' | b'\n')) {
            byte += 1;
        }
        line_starts.partition_point(|start| *start <= byte)
    };
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| ReadError::Unreadable)?;
        let line = record.position().map_or(0, |p| line_of(p.byte() as usize));
        records.push((line, record.iter().map(|c| Value::Text(c.to_owned())).collect::<Vec<_>>()));
    }
    table(Format::Csv(encoding), records.into_iter())
}

fn table(format: Format, mut rows: impl Iterator<Item = (usize, Vec<Value>)>) -> Result<Table, ReadError> {
    let is_blank = |cells: &[Value]| cells.iter().all(|c| c.text().trim().is_empty());
    let (_, header) = rows.by_ref().find(|(_, cells)| !is_blank(cells)).ok_or(ReadError::Empty)?;
    let headers = header.iter().map(|c| crate::domain::names::clean(&c.text())).collect();
    let mut data = Vec::new();
    for (line, cells) in rows {
        if is_blank(&cells) {
            continue;
        }
        if data.len() == MAX_ROWS {
            return Err(ReadError::TooManyRows(MAX_ROWS));
        }
        data.push((line, cells));
    }
    Ok(Table { format, headers, rows: data })
}

/// Text from bytes: a BOM decides (UTF-8, UTF-16 LE/BE); otherwise valid UTF-8 is UTF-8 and
/// anything else is read as Windows-1258 (Vietnamese Windows). Windows-1258 writes tone marks as
/// combining characters, so the result is normalised to NFC. Bytes that decode to control
/// characters (a picture, a PDF, an old .xls) are not text.
pub fn decode(bytes: &[u8]) -> Option<(String, Encoding)> {
    decode_any(bytes).filter(|(text, _)| !text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')))
}

fn decode_any(bytes: &[u8]) -> Option<(String, Encoding)> {
    use unicode_normalization::UnicodeNormalization;
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return None;
        }
        let kind = if encoding == encoding_rs::UTF_8 { Encoding::Utf8 } else { Encoding::Utf16 };
        return Some((text.nfc().collect(), kind));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some((text.nfc().collect(), Encoding::Utf8));
    }
    let (text, had_errors) = encoding_rs::WINDOWS_1258.decode_without_bom_handling(bytes);
    (!had_errors).then(|| (text.nfc().collect(), Encoding::Windows1258))
}

/// Text as Vietnamese Windows writes it in Windows-1258: the letters ă â ê ô ơ ư đ whole and
/// the tone mark after them as a combining character ("ệ" is "ê" and a combining dot below).
/// For files made to test or show the import; None when a character has no Windows-1258 form.
pub fn encode_windows_1258(text: &str) -> Option<Vec<u8>> {
    use unicode_normalization::UnicodeNormalization;
    let mut form = String::with_capacity(text.len() * 2);
    for ch in text.chars() {
        let (mut letter, mut tone) = (String::new(), String::new());
        for c in std::iter::once(ch).nfd() {
            match c {
                '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}' => tone.push(c),
                _ => letter.push(c),
            }
        }
        form.extend(letter.nfc());
        form.push_str(&tone);
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1258.encode(&form);
    (!unmappable).then(|| bytes.into_owned())
}

/// The delimiter of the first line: a tab (Excel's "Unicode text"), a semicolon (Excel in
/// locales that write decimals with a comma) or a comma.
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    [b'\t', b';', b',']
        .into_iter()
        .max_by_key(|d| first.matches(*d as char).count())
        .filter(|d| first.contains(*d as char))
        .unwrap_or(b',')
}

/// An Excel date serial (1900 system) as a date: serial 1 is 1900-01-01 and Excel counts a
/// 29 February 1900 that never was, so serials from 61 on are days since 1899-12-30.
pub fn excel_date(serial: f64) -> Option<time::Date> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let epoch = time::macros::date!(1899 - 12 - 30);
    let days = if days < 61 { days + 1 } else { days };
    epoch.checked_add(time::Duration::days(days))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn excel_serials_are_dates() {
        assert_eq!(excel_date(36_000.0), Some(date!(1998 - 07 - 24)));
        assert_eq!(excel_date(45_943.5), Some(date!(2025 - 10 - 13)));
        assert_eq!(excel_date(1.0), Some(date!(1900 - 01 - 01)));
        assert_eq!(excel_date(0.0), None);
        assert_eq!(Value::ExcelDate(36_000.0).text(), "24/07/1998");
        assert_eq!(Value::Number(66198012345.0).text(), "66198012345");
    }

    #[test]
    fn every_encoding_reads_the_same_names() {
        let text = "Họ và tên,Ngày sinh\r\nNguyễn Thị Hằng,05/06/1998\r\n";
        let utf8 = decode(text.as_bytes()).unwrap();
        assert_eq!(utf8, (text.to_owned(), Encoding::Utf8));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom).unwrap(), (text.to_owned(), Encoding::Utf8));
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&utf16).unwrap(), (text.to_owned(), Encoding::Utf16));
        // Windows-1258 has the letters ă â ê ô ơ ư đ but writes tone marks as combining marks.
        let cp1258 = encode_windows_1258(text).unwrap();
        assert_ne!(&cp1258[..], text.as_bytes());
        let hard = "Nguyễn Quốc Việt, Hồ Thị Thủy";
        assert_eq!(decode(&encode_windows_1258(hard).unwrap()).unwrap(), (hard.to_owned(), Encoding::Windows1258));
        assert_eq!(decode(&cp1258).unwrap(), (text.to_owned(), Encoding::Windows1258));
    }

    #[test]
    fn csv_with_any_delimiter_and_blank_lines() {
        for (d, name) in [(",", "comma"), (";", "semicolon"), ("\t", "tab")] {
            let text = format!("Họ và tên{d}Ngày sinh\n\n\"Lê Văn An{d} con\"{d}01/02/2000\n{d}\n");
            let t = read(text.as_bytes()).unwrap();
            assert_eq!(t.headers, vec!["Họ và tên", "Ngày sinh"], "{name}");
            assert_eq!(t.rows.len(), 1, "{name}");
            assert_eq!(t.rows[0].0, 3, "{name}: line number as in the file");
            assert_eq!(t.rows[0].1[0], Value::Text(format!("Lê Văn An{d} con")), "{name}");
        }
        assert_eq!(read(b"").unwrap_err(), ReadError::Empty);
        assert_eq!(read(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").unwrap_err(), ReadError::Unreadable, "not text");
        let two = read("Họ và tên;Ngày sinh\nA;01/01/2000\n".as_bytes()).unwrap();
        assert_eq!(two.headers, vec!["Họ và tên", "Ngày sinh"], "one delimiter on the first line");
    }

    #[test]
    fn xlsx_written_by_our_exporter_reads_back() {
        use crate::export::xlsx::{Cell, Sheet, workbook};
        let sheet = Sheet {
            name: "Học viên".into(),
            title: Vec::new(),
            headers: vec!["Họ và tên".into(), "Ngày sinh".into(), "Số CCCD".into()],
            widths: Vec::new(),
            rows: vec![vec![
                Cell::Text("=HYPERLINK(\"http://x\",\"y\")".into()),
                Cell::Date(date!(1998 - 06 - 05)),
                Cell::Text("066198012345".into()),
            ]],
        };
        let t = read(&workbook(&[sheet]).unwrap()).unwrap();
        assert_eq!(t.format, Format::Xlsx);
        assert_eq!(t.headers, vec!["Họ và tên", "Ngày sinh", "Số CCCD"]);
        let (line, cells) = &t.rows[0];
        assert_eq!(*line, 2);
        assert_eq!(cells[0], Value::Text("=HYPERLINK(\"http://x\",\"y\")".into()), "a formula-like text stays text");
        assert_eq!(cells[1].text(), "05/06/1998");
        assert_eq!(cells[2].text(), "066198012345");
    }
}
