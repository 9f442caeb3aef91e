//! Reading a roster file's rows into people, each row checked on its own (`read`).

use std::collections::HashMap;

use time::Date;

use crate::domain::citizen_id::{self, Warning};
use crate::domain::person::{self, Sex, Status};
use crate::domain::{dates, names};
use crate::import::{Table, Value};

/// The columns an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    FullName,
    SortName,
    DateOfBirth,
    Sex,
    Hometown,
    CitizenId,
    Email,
    Phone,
    Cell,
    Status,
    AdmissionDecision,
    Ceremony,
}

impl Column {
    /// In the template's order.
    pub const ALL: [Column; 12] = [
        Column::FullName,
        Column::SortName,
        Column::DateOfBirth,
        Column::Sex,
        Column::Hometown,
        Column::CitizenId,
        Column::Email,
        Column::Phone,
        Column::Cell,
        Column::Status,
        Column::AdmissionDecision,
        Column::Ceremony,
    ];

    /// The header as the template writes it.
    pub fn header(self) -> &'static str {
        match self {
            Column::FullName => "Họ và tên",
            Column::SortName => "Tên dùng để sắp xếp",
            Column::DateOfBirth => "Ngày sinh",
            Column::Sex => "Giới tính",
            Column::Hometown => "Quê quán",
            Column::CitizenId => "Số CCCD",
            Column::Email => "Email",
            Column::Phone => "Điện thoại",
            Column::Cell => "Chi bộ",
            Column::Status => "Đối tượng",
            Column::AdmissionDecision => "Ngày quyết định kết nạp",
            Column::Ceremony => "Ngày lễ kết nạp",
        }
    }

    /// The headers recognised, folded (see `header_key`).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::FullName => &["ho va ten", "ho ten", "ho va ten hoc vien"],
            Column::SortName => &["ten dung de sap xep", "ten sap xep", "ten de sap xep"],
            Column::DateOfBirth => &["ngay sinh", "ngay thang nam sinh"],
            Column::Sex => &["gioi tinh"],
            Column::Hometown => &["que quan"],
            Column::CitizenId => &["so cccd", "cccd", "so can cuoc", "so can cuoc cong dan", "so dinh danh ca nhan"],
            Column::Email => &["email", "e mail", "thu dien tu", "dia chi email"],
            Column::Phone => &["dien thoai", "so dien thoai", "sdt"],
            Column::Cell => &["chi bo", "chi bo sinh hoat"],
            Column::Status => &["doi tuong", "trang thai", "doi tuong trang thai", "tinh trang"],
            Column::AdmissionDecision => &["ngay quyet dinh ket nap"],
            Column::Ceremony => &["ngay le ket nap", "ngay ket nap"],
        }
    }

    /// Columns a file must have. Sex and hometown are needed for people new to the registry;
    /// a citizen ID or an email identifies a person (at least one of the two columns).
    pub fn required(self) -> bool {
        matches!(self, Column::FullName | Column::DateOfBirth | Column::Sex | Column::Hometown | Column::Cell)
    }
}

/// A header as compared: folded, punctuation and marks such as "(*)" dropped.
fn header_key(text: &str) -> String {
    let folded = names::fold(text);
    let plain: String = folded.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A problem of the whole file: nothing is read from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    MissingColumn(Column),
    DuplicateColumn(Column),
    /// Neither a citizen ID nor an email column: nobody could be matched.
    NoIdentityColumn,
    NoRows,
}

impl FileProblem {
    pub fn key(&self) -> &'static str {
        match self {
            FileProblem::MissingColumn(_) => "import.file.missing_column",
            FileProblem::DuplicateColumn(_) => "import.file.duplicate_column",
            FileProblem::NoIdentityColumn => "import.file.no_identity",
            FileProblem::NoRows => "import.file.no_rows",
        }
    }

    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            FileProblem::MissingColumn(c) | FileProblem::DuplicateColumn(c) => vec![("column", c.header().to_owned())],
            _ => Vec::new(),
        }
    }

    /// The sentence a person reads.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        fill(lang, self.key(), &self.args())
    }
}

fn fill(lang: crate::i18n::Lang, key: &str, args: &[(&'static str, String)]) -> String {
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    crate::i18n::t_with(lang, key, &args)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The row is skipped.
    Error,
    /// The row goes in; someone should look.
    Warning,
}

/// One problem of a row: a catalog key and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Problem {
    pub(super) fn error(key: &'static str, args: Vec<(&'static str, String)>) -> Self {
        Problem { severity: Severity::Error, key, args }
    }
    pub(super) fn warning(key: &'static str, args: Vec<(&'static str, String)>) -> Self {
        Problem { severity: Severity::Warning, key, args }
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The sentence a person reads.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        fill(lang, self.key, &self.args)
    }
}

/// A chi bộ a row may name: by its label ("Chi bộ thôn 1 — Đảng bộ xã Ea Kar") or, when that is
/// not ambiguous, by its name.
#[derive(Debug, Clone)]
pub struct CellRef {
    pub id: i64,
    pub name: String,
    pub label: String,
}

/// The chi bộ of the registry, indexed for matching what rows say.
pub struct Cells {
    by_label: HashMap<String, usize>,
    by_name: HashMap<String, Vec<usize>>,
    cells: Vec<CellRef>,
}

/// A unit's name or label as compared: folded, any dash the same ("—", "–", "-").
fn unit_key(text: &str) -> String {
    let folded = names::fold(text).replace(['—', '–'], "-");
    folded.split('-').map(|part| part.split_whitespace().collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join(" - ")
}

impl Cells {
    pub fn new(cells: Vec<CellRef>) -> Self {
        let mut by_label = HashMap::new();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, cell) in cells.iter().enumerate() {
            by_label.insert(unit_key(&cell.label), i);
            by_name.entry(unit_key(&cell.name)).or_default().push(i);
        }
        Self { by_label, by_name, cells }
    }

    pub fn label(&self, id: i64) -> Option<&str> {
        self.cells.iter().find(|c| c.id == id).map(|c| c.label.as_str())
    }

    fn resolve(&self, typed: &str) -> Result<i64, Problem> {
        let key = unit_key(typed);
        if let Some(i) = self.by_label.get(&key) {
            return Ok(self.cells[*i].id);
        }
        match self.by_name.get(&key).map(Vec::as_slice) {
            Some([one]) => Ok(self.cells[*one].id),
            Some(many) => {
                let labels: Vec<&str> = many.iter().map(|i| self.cells[*i].label.as_str()).collect();
                Err(Problem::error(
                    "import.row.cell_ambiguous",
                    vec![("value", typed.to_owned()), ("labels", labels.join("; "))],
                ))
            }
            None => Err(Problem::error("import.row.cell_unknown", vec![("value", typed.to_owned())])),
        }
    }
}

/// What a row says, checked cell by cell.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields {
    pub full_name: String,
    /// Worked out from the full name when the file leaves it empty.
    pub sort_name: String,
    pub date_of_birth: Option<Date>,
    pub sex: Option<Sex>,
    pub hometown: String,
    pub citizen_id: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The chi bộ as typed, and the one it names.
    pub cell_text: String,
    pub org_unit_id: Option<i64>,
    /// None when the file does not say.
    pub status: Option<Status>,
    pub admission_decision_date: Option<Date>,
    pub ceremony_date: Option<Date>,
}

/// A row read from the file, with the problems its cells have.
#[derive(Debug, Clone)]
pub struct ReadRow {
    /// The line (CSV) or row (XLSX) number people see in their editor.
    pub line: usize,
    pub fields: Fields,
    pub problems: Vec<Problem>,
}

/// The rows of a file, and the columns it has that the import does not read.
#[derive(Debug, Clone)]
pub struct ReadFile {
    pub rows: Vec<ReadRow>,
    pub ignored_columns: Vec<String>,
}

/// The template's example row: "Nguyễn Văn A", the name Vietnamese forms use for an example. A
/// row that is still the example is an error, so that it is not imported by mistake.
pub const EXAMPLE_NAME: &str = "Nguyễn Văn A";
pub const EXAMPLE_CITIZEN_ID: &str = "066098000001";

const FULL_NAME_MAX: usize = 100;
const SORT_NAME_MAX: usize = 50;
const HOMETOWN_MAX: usize = 200;
const EMAIL_MAX: usize = 254;

/// Finds the columns and reads every row. `today` bounds the dates of birth.
pub fn read(table: &Table, cells: &Cells, today: Date) -> Result<ReadFile, Vec<FileProblem>> {
    let mut columns: HashMap<Column, usize> = HashMap::new();
    let mut problems = Vec::new();
    let mut ignored_columns = Vec::new();
    for (i, header) in table.headers.iter().enumerate() {
        let key = header_key(header);
        match Column::ALL.into_iter().find(|c| c.aliases().contains(&key.as_str())) {
            Some(column) if columns.contains_key(&column) => problems.push(FileProblem::DuplicateColumn(column)),
            Some(column) => {
                columns.insert(column, i);
            }
            None if key.is_empty() => {}
            None => ignored_columns.push(header.clone()),
        }
    }
    for column in Column::ALL.into_iter().filter(|c| c.required() && !columns.contains_key(c)) {
        problems.push(FileProblem::MissingColumn(column));
    }
    if !columns.contains_key(&Column::CitizenId) && !columns.contains_key(&Column::Email) {
        problems.push(FileProblem::NoIdentityColumn);
    }
    if problems.is_empty() && table.rows.is_empty() {
        problems.push(FileProblem::NoRows);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let rows = table
        .rows
        .iter()
        .map(|(line, values)| {
            let cell = |column: Column| columns.get(&column).and_then(|i| values.get(*i)).unwrap_or(&Value::Empty);
            read_row(*line, &cell, cells, today)
        })
        .collect();
    Ok(ReadFile { rows, ignored_columns })
}

fn text_of(value: &Value) -> String {
    names::clean(&value.text())
}

fn read_row<'a>(line: usize, cell: &dyn Fn(Column) -> &'a Value, cells: &Cells, today: Date) -> ReadRow {
    let mut problems = Vec::new();
    let mut f = Fields::default();
    let required = |problems: &mut Vec<Problem>, column: Column| {
        problems.push(Problem::error("import.row.required", vec![("column", column.header().to_owned())]))
    };
    let limited = |problems: &mut Vec<Problem>, column: Column, text: String, max: usize| {
        if text.chars().count() > max {
            problems.push(Problem::error(
                "import.row.too_long",
                vec![("column", column.header().to_owned()), ("max", max.to_string())],
            ));
        }
        text
    };

    f.full_name = limited(&mut problems, Column::FullName, text_of(cell(Column::FullName)), FULL_NAME_MAX);
    if f.full_name.is_empty() {
        required(&mut problems, Column::FullName);
    }
    let typed_sort = limited(&mut problems, Column::SortName, text_of(cell(Column::SortName)), SORT_NAME_MAX);
    f.sort_name = if typed_sort.is_empty() { names::derive_sort_name(&f.full_name) } else { typed_sort };

    f.date_of_birth = date_cell(&mut problems, Column::DateOfBirth, cell(Column::DateOfBirth));
    match f.date_of_birth {
        None if cell_is_empty(cell(Column::DateOfBirth)) => required(&mut problems, Column::DateOfBirth),
        Some(d) if d >= today => problems.push(Problem::error("import.row.birth_future", Vec::new())),
        _ => {}
    }

    let sex = text_of(cell(Column::Sex));
    f.sex = match names::fold(&sex).as_str() {
        "" => None,
        "nam" | "m" => Some(Sex::Male),
        "nu" | "f" => Some(Sex::Female),
        _ => {
            problems.push(Problem::error("import.row.sex", vec![("value", sex.clone())]));
            None
        }
    };
    f.hometown = limited(&mut problems, Column::Hometown, text_of(cell(Column::Hometown)), HOMETOWN_MAX);

    f.citizen_id = citizen_id_cell(&mut problems, cell(Column::CitizenId));
    if let (Some(cid), Some(sex), Some(born)) = (&f.citizen_id, f.sex, f.date_of_birth) {
        for warning in citizen_id::warnings(cid, sex, born.year()) {
            problems.push(match warning {
                Warning::SexMismatch => Problem::warning("import.row.citizen_id_sex", Vec::new()),
                Warning::BirthYearMismatch { encoded } => {
                    Problem::warning("import.row.citizen_id_year", vec![("year", encoded.to_string())])
                }
            });
        }
    }

    let email = text_of(cell(Column::Email)).to_lowercase();
    if !email.is_empty() {
        if person::looks_like_email(&email) && email.chars().count() <= EMAIL_MAX {
            f.email = Some(email);
        } else {
            problems.push(Problem::error("import.row.email", vec![("value", email)]));
        }
    }
    // A row with a mistyped citizen ID or email has its own message already.
    let typed_wrong = problems.iter().any(|p| matches!(p.key, "import.row.email" | "import.row.citizen_id_format"));
    if f.citizen_id.is_none() && f.email.is_none() && !typed_wrong {
        problems.push(Problem::error("import.row.identity_missing", Vec::new()));
    }

    f.phone = phone_cell(&mut problems, cell(Column::Phone));
    if f.citizen_id.as_deref() == Some(EXAMPLE_CITIZEN_ID) && names::fold(&f.full_name) == names::fold(EXAMPLE_NAME) {
        problems.push(Problem::error("import.row.example", Vec::new()));
    }

    f.cell_text = text_of(cell(Column::Cell));
    if f.cell_text.is_empty() {
        required(&mut problems, Column::Cell);
    } else {
        match cells.resolve(&f.cell_text) {
            Ok(id) => f.org_unit_id = Some(id),
            Err(problem) => problems.push(problem),
        }
    }

    let status = text_of(cell(Column::Status));
    f.status = match names::fold(&status).as_str() {
        "" => None,
        "quan chung uu tu" | "quan chung" | "doi tuong ket nap dang" | "doi tuong ket nap" | "cam tinh dang" => {
            Some(Status::Candidate)
        }
        "dang vien du bi" | "du bi" => Some(Status::Probationary),
        "dang vien chinh thuc" | "chinh thuc" => Some(Status::Official),
        _ => {
            problems.push(Problem::error("import.row.status", vec![("value", status.clone())]));
            None
        }
    };
    f.admission_decision_date = date_cell(&mut problems, Column::AdmissionDecision, cell(Column::AdmissionDecision));
    f.ceremony_date = date_cell(&mut problems, Column::Ceremony, cell(Column::Ceremony));
    ReadRow { line, fields: f, problems }
}

fn cell_is_empty(value: &Value) -> bool {
    value.text().trim().is_empty()
}

/// A date typed as dd/mm/yyyy (or yyyy-mm-dd, or with a time after it), or an Excel date
/// serial, whether the cell is formatted as a date or as a number.
fn date_cell(problems: &mut Vec<Problem>, column: Column, value: &Value) -> Option<Date> {
    let parsed = match value {
        Value::Empty => return None,
        Value::ExcelDate(serial) | Value::Number(serial) => crate::import::excel_date(*serial),
        Value::Text(text) => {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            let day = text.split_whitespace().next().unwrap_or(text);
            dates::parse(day).or_else(|| {
                // A date serial that reached a CSV file as digits.
                text.parse::<u32>()
                    .ok()
                    .filter(|n| (1..=80_000).contains(n))
                    .and_then(|n| crate::import::excel_date(f64::from(n)))
            })
        }
    };
    if parsed.is_none() {
        problems.push(Problem::error(
            "import.row.date",
            vec![("column", column.header().to_owned()), ("value", value.text())],
        ));
    }
    parsed
}

/// A citizen ID: spaces between groups dropped, a leading apostrophe (Excel's "keep as text"
/// mark) dropped. Excel stores one typed as a number without its leading zeros (every province
/// code starts with 0); those are put back, with a warning.
fn citizen_id_cell(problems: &mut Vec<Problem>, value: &Value) -> Option<String> {
    let (typed, from_number) = match value {
        Value::Number(_) => (value.text(), true),
        other => (names::clean(&other.text()), false),
    };
    let mut cid = citizen_id::normalize(typed.strip_prefix('\'').unwrap_or(&typed));
    if cid.is_empty() {
        return None;
    }
    if from_number && cid.len() < 12 && cid.bytes().all(|b| b.is_ascii_digit()) {
        cid = format!("{cid:0>12}");
        problems.push(Problem::warning("import.row.citizen_id_padded", vec![("value", cid.clone())]));
    }
    if citizen_id::is_valid(&cid) {
        Some(cid)
    } else {
        problems.push(Problem::error("import.row.citizen_id_format", vec![("value", typed)]));
        None
    }
}

/// A phone number; one Excel stored as a number lost its leading 0, which is put back.
fn phone_cell(problems: &mut Vec<Problem>, value: &Value) -> Option<String> {
    let typed = names::clean(&value.text());
    if typed.is_empty() {
        return None;
    }
    let typed = match value {
        Value::Number(_) if typed.len() == 9 => format!("0{typed}"),
        _ => typed,
    };
    let normalized = person::normalize_phone(&typed);
    if normalized.is_none() {
        problems.push(Problem::error("import.row.phone", vec![("value", typed)]));
    }
    normalized
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::roster::fixtures::{HEADER, TODAY, cells, file};
    use crate::import::{Format, read as read_table};
    use time::macros::date;

    #[test]
    fn headers_in_any_order_without_diacritics() {
        let table = read_table(
            "CHI BO,so cccd,Ho va ten (*),ngay sinh,GIOI TINH,Que quan,STT\nChi bộ thôn 1 - Đảng bộ xã Ea Kar,066198012345,Nguyễn Thị Hằng,05/06/1998,Nữ,Ea Kar,1\n"
                .as_bytes(),
        )
        .unwrap();
        let read = read(&table, &cells(), TODAY).unwrap();
        assert_eq!(read.ignored_columns, vec!["STT"]);
        let f = &read.rows[0].fields;
        assert_eq!(f.full_name, "Nguyễn Thị Hằng");
        assert_eq!(f.sort_name, "Hằng");
        assert_eq!(f.org_unit_id, Some(14), "the label with a plain dash");
        assert_eq!(f.date_of_birth, Some(date!(1998 - 06 - 05)));
        assert_eq!(f.sex, Some(Sex::Female));
        assert!(read.rows[0].problems.is_empty(), "{:?}", read.rows[0].problems);
    }

    #[test]
    fn the_templates_example_row_is_not_imported() {
        let f = file(&format!(
            "{EXAMPLE_NAME},05/06/1998,Nam,Ea Kar,{EXAMPLE_CITIZEN_ID},,Chi bộ thôn 1 — Đảng bộ xã Ea Kar\n"
        ));
        assert_eq!(f.rows[0].problems.iter().map(|p| p.key).collect::<Vec<_>>(), vec!["import.row.example"]);
    }

    #[test]
    fn missing_columns_are_named() {
        let table = read_table("Họ và tên,Ngày sinh,Họ và tên\nA,01/01/2000,B\n".as_bytes()).unwrap();
        let problems = read(&table, &cells(), TODAY).unwrap_err();
        assert!(problems.contains(&FileProblem::DuplicateColumn(Column::FullName)));
        assert!(problems.contains(&FileProblem::MissingColumn(Column::Cell)));
        assert!(problems.contains(&FileProblem::NoIdentityColumn));
        let empty = read_table(HEADER.as_bytes()).unwrap();
        assert_eq!(read(&empty, &cells(), TODAY).unwrap_err(), vec![FileProblem::NoRows]);
    }

    #[test]
    fn each_bad_cell_is_a_row_error() {
        let f = file(concat!(
            "Lê Văn An,31/02/2000,Nam,Ea Kar,06620001234,,Chi bộ Trường THPT Chu Văn An\n",
            "Lê Văn Bình,01/01/2030,Ông,Ea Kar,,khong-phai-email,Chi bộ thôn 9\n",
            "Lê Văn Cường,01/01/2000,Nam,Ea Kar,,,Chi bộ thôn 1\n",
        ));
        let keys_of = |i: usize| f.rows[i].problems.iter().map(|p| p.key).collect::<Vec<_>>();
        assert_eq!(keys_of(0), vec!["import.row.date", "import.row.citizen_id_format"]);
        assert_eq!(
            keys_of(1),
            vec!["import.row.birth_future", "import.row.sex", "import.row.email", "import.row.cell_unknown"]
        );
        assert_eq!(keys_of(2), vec!["import.row.identity_missing", "import.row.cell_ambiguous"]);
        let ambiguous = &f.rows[2].problems[1];
        assert!(ambiguous.args[1].1.contains("Đảng bộ xã Ea Kar") && ambiguous.args[1].1.contains("Cư M'gar"));
    }

    #[test]
    fn excel_dates_and_numbers_are_read_as_people_mean_them() {
        let table = Table {
            format: Format::Xlsx,
            headers: ["Họ và tên", "Ngày sinh", "Giới tính", "Quê quán", "Số CCCD", "Điện thoại", "Chi bộ"]
                .map(String::from)
                .to_vec(),
            rows: vec![(
                2,
                vec![
                    Value::Text("=HYPERLINK(\"http://x\",\"An\")".into()),
                    Value::ExcelDate(36_000.0),
                    Value::Text("nam".into()),
                    Value::Number(1.0),
                    Value::Number(66_098_012_345.0),
                    Value::Number(912_345_678.0),
                    Value::Text("chi bo truong thpt chu van an".into()),
                ],
            )],
        };
        let read = read(&table, &cells(), TODAY).unwrap();
        let row = &read.rows[0];
        assert_eq!(row.fields.full_name, "=HYPERLINK(\"http://x\",\"An\")", "a formula is kept as typed");
        assert_eq!(row.fields.date_of_birth, Some(date!(1998 - 07 - 24)));
        assert_eq!(row.fields.citizen_id.as_deref(), Some("066098012345"), "the leading zero is back");
        assert_eq!(row.fields.phone.as_deref(), Some("0912345678"));
        assert_eq!(row.fields.hometown, "1");
        assert_eq!(row.fields.org_unit_id, Some(8));
        let keys: Vec<_> = row.problems.iter().map(|p| p.key).collect();
        assert_eq!(keys, vec!["import.row.citizen_id_padded"]);
    }
}
