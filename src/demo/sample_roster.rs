//! The sample roster to try the import with: its rows, and the Excel and CSV files in the
//! repository that hold them.

use crate::domain::person::Sex;

/// Where the sample roster files are, in the repository: a roster of 24 people of the demo's chi
/// bộ to try the import with (Excel, and CSV in Windows-1258), one row with a wrong citizen ID
/// and one person twice.
pub const SAMPLE_ROSTER_XLSX: &str = "assets/demo/danh-sach-hoc-vien-mau.xlsx";
pub const SAMPLE_ROSTER_CSV: &str = "assets/demo/danh-sach-hoc-vien-mau.csv";

/// The sample roster: the import's headers and one row per person, each cell as text (dates as
/// dd/mm/yyyy; the Excel file stores them as date numbers).
pub fn sample_roster() -> (Vec<&'static str>, Vec<Vec<String>>) {
    use crate::import::roster::Column;
    // (name, sex, date of birth, hometown, chi bộ, email, phone)
    const PEOPLE: [(&str, Sex, &str, &str, &str, &str, &str); 22] = [
        (
            "Nguyễn Thị Thanh Tâm",
            Sex::Female,
            "14/02/1999",
            "Buôn Ma Thuột, Đắk Lắk",
            "Chi bộ Trường THPT Chu Văn An",
            "tam.nguyen@example.vn",
            "0905 214 587",
        ),
        (
            "Trần Minh Khôi",
            Sex::Male,
            "03/11/1997",
            "Tuy Hòa, Đắk Lắk",
            "Chi bộ Tổ dân phố 3",
            "khoi.tran@example.vn",
            "",
        ),
        (
            "Lê Thị Hồng Nhung",
            Sex::Female,
            "22/07/2000",
            "Ea Kar, Đắk Lắk",
            "Chi bộ thôn 1 — Đảng bộ xã Ea Kar",
            "",
            "0978 331 204",
        ),
        ("H'Liên Niê", Sex::Female, "09/05/1998", "Krông Pắc, Đắk Lắk", "Chi bộ thôn 1 — Đảng bộ xã Ea Kar", "", ""),
        (
            "Y Thái Mlô",
            Sex::Male,
            "18/12/1996",
            "Cư M'gar, Đắk Lắk",
            "Chi bộ Trường THCS Ea Kar",
            "thai.mlo@example.vn",
            "",
        ),
        (
            "Phạm Quốc Bảo",
            Sex::Male,
            "27/01/1995",
            "Quảng Ngãi",
            "Chi bộ Công an phường Buôn Ma Thuột",
            "bao.pham@example.vn",
            "0912 007 415",
        ),
        ("Võ Thị Kim Yến", Sex::Female, "05/09/2001", "Sông Cầu, Đắk Lắk", "Chi bộ Sở Y tế", "yen.vo@example.vn", ""),
        ("Hoàng Văn Thịnh", Sex::Male, "30/04/1994", "Nghệ An", "Chi bộ Tổ dân phố 7", "", "0935 660 118"),
        (
            "Đỗ Thị Mai Phương",
            Sex::Female,
            "12/08/1999",
            "Thái Bình",
            "Chi bộ Trường THPT Chu Văn An",
            "phuong.do@example.vn",
            "",
        ),
        ("Bùi Đức Trọng", Sex::Male, "16/06/1998", "Hà Tĩnh", "Chi bộ Tổ dân phố 3", "trong.bui@example.vn", ""),
        ("Huỳnh Thị Ngọc Hân", Sex::Female, "02/03/2002", "Bình Định", "Chi bộ Sở Y tế", "", "0387 120 954"),
        (
            "Ngô Văn Lực",
            Sex::Male,
            "21/10/1993",
            "Thanh Hóa",
            "Chi bộ Công an phường Buôn Ma Thuột",
            "luc.ngo@example.vn",
            "",
        ),
        (
            "Đặng Thị Thu Thủy",
            Sex::Female,
            "11/11/1997",
            "Tuy Hòa, Đắk Lắk",
            "Chi bộ Tổ dân phố 7",
            "thuy.dang@example.vn",
            "",
        ),
        ("Y Khang Êban", Sex::Male, "08/02/2000", "Buôn Đôn, Đắk Lắk", "Chi bộ thôn 1 — Đảng bộ xã Ea Kar", "", ""),
        (
            "Phan Thị Diễm",
            Sex::Female,
            "19/04/1996",
            "Ea Kar, Đắk Lắk",
            "Chi bộ Trường THCS Ea Kar",
            "diem.phan@example.vn",
            "0905 448 310",
        ),
        (
            "Trương Công Danh",
            Sex::Male,
            "25/12/1995",
            "Krông Pắc, Đắk Lắk",
            "Chi bộ Trường THPT Chu Văn An",
            "danh.truong@example.vn",
            "",
        ),
        (
            "Lý Thị Bích Ngọc",
            Sex::Female,
            "07/07/1998",
            "Buôn Ma Thuột, Đắk Lắk",
            "Chi bộ Sở Y tế",
            "ngoc.ly@example.vn",
            "",
        ),
        ("Nguyễn Hoàng Long", Sex::Male, "13/09/1999", "Tuy Hòa, Đắk Lắk", "Chi bộ Tổ dân phố 3", "", "0968 552 071"),
        (
            "Mai Thị Hạnh",
            Sex::Female,
            "29/01/1997",
            "Nghệ An",
            "Chi bộ Công an phường Buôn Ma Thuột",
            "hanh.mai@example.vn",
            "",
        ),
        ("H'Ngọc Byă", Sex::Female, "15/05/2001", "Buôn Ma Thuột, Đắk Lắk", "Chi bộ Trường THCS Ea Kar", "", ""),
        ("Lê Quang Vinh", Sex::Male, "04/04/1994", "Quảng Ngãi", "Chi bộ Tổ dân phố 7", "vinh.le@example.vn", ""),
        (
            "Tạ Thị Ánh Tuyết",
            Sex::Female,
            "26/08/2000",
            "Hà Tĩnh",
            "Chi bộ Trường THPT Chu Văn An",
            "tuyet.ta@example.vn",
            "0914 306 829",
        ),
    ];
    let headers = [
        Column::FullName,
        Column::DateOfBirth,
        Column::Sex,
        Column::Hometown,
        Column::CitizenId,
        Column::Email,
        Column::Phone,
        Column::Cell,
        Column::Status,
    ]
    .map(Column::header)
    .to_vec();
    let mut rows: Vec<Vec<String>> = PEOPLE
        .iter()
        .enumerate()
        .map(|(i, (name, sex, born, hometown, cell, email, phone))| {
            let year: i32 = born[6..].parse().expect("a year");
            let century_sex = (year / 100 - 19) * 2 + i32::from(*sex == Sex::Female);
            let province =
                if hometown.contains("Tuy Hòa") || hometown.contains("Sông Cầu") { "054" } else { "066" };
            let citizen_id = format!("{province}{century_sex}{:02}{:06}", year % 100, 500_001 + i);
            vec![
                (*name).into(),
                (*born).into(),
                if *sex == Sex::Female { "Nữ" } else { "Nam" }.into(),
                (*hometown).into(),
                citizen_id,
                (*email).into(),
                (*phone).into(),
                (*cell).into(),
                "Quần chúng ưu tú".into(),
            ]
        })
        .collect();
    // A citizen ID one digit short, as typed in a hurry.
    rows.push(
        [
            "Châu Văn Tài",
            "10/10/1996",
            "Nam",
            "Sông Cầu, Đắk Lắk",
            "05409650002",
            "",
            "",
            "Chi bộ Tổ dân phố 3",
            "Quần chúng ưu tú",
        ]
        .map(String::from)
        .to_vec(),
    );
    // The same person as the third row, listed twice.
    let again = rows[2].clone();
    rows.push(again);
    (headers, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample roster files in the repository hold the sample roster (write them again with
    /// BOIDUONG_WRITE_SAMPLE_ROSTER=1 after changing it).
    #[test]
    fn the_sample_roster_files_hold_the_sample_roster() {
        use crate::export::xlsx::{Cell, Sheet, workbook};
        use crate::import::{Encoding, Format, read};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (headers, rows) = sample_roster();
        assert_eq!(rows.len(), 24);
        if std::env::var_os("BOIDUONG_WRITE_SAMPLE_ROSTER").is_some() {
            let cells = rows
                .iter()
                .map(|r| {
                    r.iter()
                        .enumerate()
                        .map(|(i, v)| match (i, crate::domain::dates::parse(v)) {
                            (1, Some(d)) => Cell::Date(d),
                            _ => Cell::Text(v.clone()),
                        })
                        .collect()
                })
                .collect();
            let sheet = Sheet {
                name: "Danh sách học viên".into(),
                title: Vec::new(),
                headers: headers.iter().map(|h| (*h).to_owned()).collect(),
                widths: vec![26.0, 12.0, 9.0, 24.0, 15.0, 26.0, 14.0, 40.0, 18.0],
                rows: cells,
            };
            std::fs::write(root.join(SAMPLE_ROSTER_XLSX), workbook(&[sheet]).unwrap()).unwrap();
            let mut text = Vec::new();
            {
                let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut text);
                w.write_record(&headers).unwrap();
                for row in &rows {
                    w.write_record(row).unwrap();
                }
            }
            let text = String::from_utf8(text).unwrap();
            std::fs::write(root.join(SAMPLE_ROSTER_CSV), crate::import::encode_windows_1258(&text).unwrap()).unwrap();
        }
        for (path, format) in
            [(SAMPLE_ROSTER_XLSX, Format::Xlsx), (SAMPLE_ROSTER_CSV, Format::Csv(Encoding::Windows1258))]
        {
            let table = read(&std::fs::read(root.join(path)).unwrap()).unwrap();
            assert_eq!(table.format, format, "{path}");
            assert_eq!(table.headers, headers, "{path}");
            let read_rows: Vec<Vec<String>> =
                table.rows.iter().map(|(_, cells)| cells.iter().map(|c| c.text()).collect()).collect();
            assert_eq!(read_rows, rows, "{path}");
        }
        let table = read(&std::fs::read(root.join(SAMPLE_ROSTER_XLSX)).unwrap()).unwrap();
        assert!(matches!(table.rows[0].1[1], crate::import::Value::ExcelDate(_)), "dates as Excel date numbers");
    }
}
