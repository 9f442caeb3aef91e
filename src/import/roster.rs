//! Rows of a roster file read into people, and what importing them into a class would do.
//!
//! Columns are found by their Vietnamese headers in any order, with or without diacritics or
//! capitals ("Ho va ten" is "Họ và tên"); columns the import does not know are left alone (an
//! exported roster's "STT" column, say). Each row is checked on its own (`read`), then against
//! the registry and the class (`plan`): people are matched by citizen ID, else by email and date
//! of birth, so importing the same file twice adds nothing. Every problem is a message key with
//! its arguments, an error (the row is skipped) or a warning (the row goes in). Pure: the
//! registry's facts come in as `Known`, the class's as `Target`.
//!
//! A cell is kept as text exactly as typed, a formula-like one ("=…", "+…", "-…", "@…") too:
//! nothing here evaluates a cell, and the spreadsheet writer writes text as text.

use std::collections::HashMap;

use time::Date;

use super::{Table, Value};
use crate::domain::citizen_id::{self, Warning};
use crate::domain::enrolment::{self, EnrolmentStatus};
use crate::domain::person::{self, AdmissionDatesProblem, Sex, Status};
use crate::domain::{dates, names};

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
    fn error(key: &'static str, args: Vec<(&'static str, String)>) -> Self {
        Problem { severity: Severity::Error, key, args }
    }
    fn warning(key: &'static str, args: Vec<(&'static str, String)>) -> Self {
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
        Value::ExcelDate(serial) | Value::Number(serial) => super::excel_date(*serial),
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
                    .and_then(|n| super::excel_date(f64::from(n)))
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

/// Someone already in the registry, as far as matching needs.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownPerson {
    pub id: i64,
    pub full_name: String,
    pub date_of_birth: Date,
    pub citizen_id: Option<String>,
    pub email: Option<String>,
    pub org_unit_id: i64,
    pub status: Option<Status>,
}

/// The people of the registry a file may name, and their enrolments in the class.
#[derive(Debug, Default)]
pub struct Known {
    people: Vec<KnownPerson>,
    ids: HashMap<i64, usize>,
    by_citizen_id: HashMap<String, usize>,
    by_email: HashMap<String, Vec<usize>>,
    by_birth: HashMap<Date, Vec<usize>>,
    /// person id → (enrolment id, status) in the class imported into.
    enrolments: HashMap<i64, (i64, EnrolmentStatus)>,
}

impl Known {
    /// Adds people (each once, whatever the query that found them).
    pub fn add(&mut self, people: impl IntoIterator<Item = KnownPerson>) {
        for p in people {
            if self.ids.contains_key(&p.id) {
                continue;
            }
            let i = self.people.len();
            self.ids.insert(p.id, i);
            if let Some(cid) = &p.citizen_id {
                self.by_citizen_id.insert(cid.clone(), i);
            }
            if let Some(email) = &p.email {
                self.by_email.entry(email.to_lowercase()).or_default().push(i);
            }
            self.by_birth.entry(p.date_of_birth).or_default().push(i);
            self.people.push(p);
        }
    }

    pub fn set_enrolment(&mut self, person_id: i64, enrolment_id: i64, status: EnrolmentStatus) {
        self.enrolments.insert(person_id, (enrolment_id, status));
    }

    pub fn person_ids(&self) -> Vec<i64> {
        self.people.iter().map(|p| p.id).collect()
    }

    fn by_email_and_birth(&self, email: &str, born: Date) -> Vec<&KnownPerson> {
        self.by_email
            .get(email)
            .into_iter()
            .flatten()
            .map(|i| &self.people[*i])
            .filter(|p| p.date_of_birth == born)
            .collect()
    }

    fn by_name_and_birth(&self, full_name: &str, born: Date) -> Vec<&KnownPerson> {
        let folded = names::fold(full_name);
        self.by_birth
            .get(&born)
            .into_iter()
            .flatten()
            .map(|i| &self.people[*i])
            .filter(|p| names::fold(&p.full_name) == folded)
            .collect()
    }

    /// The registry's person a row names: by citizen ID, else by email and date of birth. An
    /// email and date of birth that name someone with another citizen ID is a conflict.
    fn identify(&self, f: &Fields) -> Result<Option<&KnownPerson>, Problem> {
        if let Some(p) = f.citizen_id.as_ref().and_then(|cid| self.by_citizen_id.get(cid)) {
            return Ok(Some(&self.people[*p]));
        }
        let (Some(email), Some(born)) = (&f.email, f.date_of_birth) else { return Ok(None) };
        match self.by_email_and_birth(email, born).as_slice() {
            [] => Ok(None),
            [one] if one.citizen_id.is_some() && f.citizen_id.is_some() => {
                Err(Problem::error("import.row.email_other_citizen_id", vec![("name", one.full_name.clone())]))
            }
            [one] => Ok(Some(*one)),
            _ => Err(Problem::error("import.row.email_ambiguous", Vec::new())),
        }
    }

    /// Whether a row names no one known yet: the store then looks for people born that day,
    /// for the "same name and date of birth" warning.
    pub fn is_unmatched(&self, f: &Fields) -> bool {
        matches!(self.identify(f), Ok(None))
    }
}

/// The class a file is imported into.
#[derive(Debug, Clone)]
pub struct Target {
    /// "NTVD" or "DVM": new people get the status the program is for, unless the file says.
    pub program_code: String,
    pub capacity: usize,
    /// Learners enrolled now.
    pub enrolled: usize,
}

/// What importing does with a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A person new to the registry, enrolled.
    Create,
    /// A person of the registry, enrolled.
    Enrol {
        person_id: i64,
    },
    /// A person nominated or waitlisted for the class, whose nomination is approved.
    Approve {
        person_id: i64,
        enrolment_id: i64,
    },
    Skip(Skip),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    AlreadyEnrolled,
    /// Withdrawn from this class: staff enrol them again on purpose, not by a file.
    Withdrawn,
    /// The row has errors.
    Errors,
}

impl Action {
    pub fn takes_place(self) -> bool {
        !matches!(self, Action::Skip(_))
    }

    pub fn key(self) -> &'static str {
        match self {
            Action::Create => "import.action.create",
            Action::Enrol { .. } => "import.action.enrol",
            Action::Approve { .. } => "import.action.approve",
            Action::Skip(Skip::AlreadyEnrolled) => "import.action.skip_enrolled",
            Action::Skip(Skip::Withdrawn) => "import.action.skip_withdrawn",
            Action::Skip(Skip::Errors) => "import.action.skip_errors",
        }
    }
}

#[derive(Debug, Clone)]
pub struct PlannedRow {
    pub line: usize,
    pub fields: Fields,
    /// The status a new person gets (from the file, or the program's).
    pub status: Status,
    /// The registry's person the row was matched with: (id, full name).
    pub matched: Option<(i64, String)>,
    pub action: Action,
    pub problems: Vec<Problem>,
}

impl PlannedRow {
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }
    pub fn has_warnings(&self) -> bool {
        self.problems.iter().any(|p| !p.is_error())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub rows: usize,
    pub create: usize,
    pub enrol: usize,
    pub approve: usize,
    pub skipped: usize,
    pub with_errors: usize,
    pub with_warnings: usize,
}

impl Summary {
    /// Learners the import adds to the class.
    pub fn enrolling(&self) -> usize {
        self.create + self.enrol + self.approve
    }
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub rows: Vec<PlannedRow>,
    pub ignored_columns: Vec<String>,
}

impl Plan {
    pub fn summary(&self) -> Summary {
        let mut s = Summary { rows: self.rows.len(), ..Default::default() };
        for row in &self.rows {
            match row.action {
                Action::Create => s.create += 1,
                Action::Enrol { .. } => s.enrol += 1,
                Action::Approve { .. } => s.approve += 1,
                Action::Skip(_) => s.skipped += 1,
            }
            s.with_errors += usize::from(row.has_errors());
            s.with_warnings += usize::from(row.has_warnings());
        }
        s
    }
}

/// What importing the rows would do, row by row in file order: who each row is, the checks
/// against the registry and the class, and the places left (rows past the capacity are errors).
pub fn plan(file: ReadFile, known: &Known, target: &Target) -> Plan {
    let default_status = match target.program_code.as_str() {
        enrolment::NEW_MEMBER_PROGRAM => Status::Probationary,
        _ => Status::Candidate,
    };
    // Who earlier rows were, to find a person twice in one file.
    let mut seen_citizen_ids: HashMap<String, usize> = HashMap::new();
    let mut seen_emails: HashMap<(String, Date), usize> = HashMap::new();
    let mut seen_people: HashMap<i64, usize> = HashMap::new();
    let mut taken = 0usize;
    let mut rows = Vec::with_capacity(file.rows.len());
    for ReadRow { line, fields: f, mut problems } in file.rows {
        let (matched, identified) = match known.identify(&f) {
            Ok(found) => (found, true),
            Err(problem) => {
                problems.push(problem);
                (None, false)
            }
        };

        let mut first_seen = None;
        if let Some(cid) = &f.citizen_id {
            first_seen = first_seen.or(seen_citizen_ids.get(cid).copied());
            seen_citizen_ids.entry(cid.clone()).or_insert(line);
        }
        if let (Some(email), Some(born)) = (&f.email, f.date_of_birth) {
            first_seen = first_seen.or(seen_emails.get(&(email.clone(), born)).copied());
            seen_emails.entry((email.clone(), born)).or_insert(line);
        }
        if let Some(p) = matched {
            first_seen = first_seen.or(seen_people.get(&p.id).copied());
            seen_people.entry(p.id).or_insert(line);
        }
        if let Some(first) = first_seen {
            problems.push(Problem::error("import.row.duplicate", vec![("line", first.to_string())]));
        }

        let status = match matched {
            Some(p) => p.status.unwrap_or(default_status),
            None => f.status.unwrap_or(default_status),
        };
        match matched {
            Some(p) => {
                if names::fold(&p.full_name) != names::fold(&f.full_name) {
                    problems.push(Problem::warning("import.row.name_differs", vec![("name", p.full_name.clone())]));
                }
                if f.org_unit_id.is_some_and(|u| u != p.org_unit_id) {
                    problems.push(Problem::warning("import.row.cell_differs", Vec::new()));
                }
            }
            // Who the row is remains open: the checks of a new person would only add noise.
            None if !identified => {}
            None => {
                if f.sex.is_none() && !problems.iter().any(|p| p.key == "import.row.sex") {
                    problems.push(Problem::error("import.row.required", vec![("column", Column::Sex.header().into())]));
                }
                if f.hometown.is_empty() {
                    problems.push(Problem::error(
                        "import.row.required",
                        vec![("column", Column::Hometown.header().into())],
                    ));
                }
                for problem in person::admission_dates_problems(status, f.admission_decision_date, f.ceremony_date) {
                    let key = match problem {
                        AdmissionDatesProblem::DecisionMissing => "import.row.decision_missing",
                        AdmissionDatesProblem::CeremonyMissing => "import.row.ceremony_missing",
                        AdmissionDatesProblem::NotAdmitted => "import.row.not_admitted",
                        AdmissionDatesProblem::CeremonyBeforeDecision => "import.row.ceremony_before_decision",
                    };
                    problems.push(Problem::error(key, Vec::new()));
                }
                if let Some(born) = f.date_of_birth {
                    let same = known.by_name_and_birth(&f.full_name, born);
                    if !same.is_empty() {
                        let names: Vec<&str> = same.iter().map(|p| p.full_name.as_str()).collect();
                        problems
                            .push(Problem::warning("import.row.same_name_birth", vec![("names", names.join(", "))]));
                    }
                }
            }
        }
        if enrolment::program_for(status) != Some(target.program_code.as_str()) {
            problems.push(Problem::warning("import.row.not_for_program", Vec::new()));
        }

        let in_class = matched.and_then(|p| known.enrolments.get(&p.id).map(|e| (p.id, *e)));
        let mut action = match (matched, in_class) {
            (_, Some((_, (_, EnrolmentStatus::Enrolled)))) => {
                problems.push(Problem::warning("import.row.already_enrolled", Vec::new()));
                Action::Skip(Skip::AlreadyEnrolled)
            }
            (_, Some((_, (_, EnrolmentStatus::Withdrawn)))) => {
                problems.push(Problem::warning("import.row.withdrawn", Vec::new()));
                Action::Skip(Skip::Withdrawn)
            }
            (_, Some((person_id, (enrolment_id, EnrolmentStatus::Nominated | EnrolmentStatus::Waitlisted)))) => {
                Action::Approve { person_id, enrolment_id }
            }
            (_, Some((person_id, (_, EnrolmentStatus::Rejected)))) => {
                problems.push(Problem::warning("import.row.previously_rejected", Vec::new()));
                Action::Enrol { person_id }
            }
            (Some(p), None) => Action::Enrol { person_id: p.id },
            (None, _) => Action::Create,
        };
        if problems.iter().any(Problem::is_error) {
            action = Action::Skip(Skip::Errors);
        } else if action.takes_place() {
            if target.enrolled + taken >= target.capacity {
                problems
                    .push(Problem::error("import.row.over_capacity", vec![("capacity", target.capacity.to_string())]));
                action = Action::Skip(Skip::Errors);
            } else {
                taken += 1;
            }
        }
        rows.push(PlannedRow {
            line,
            matched: matched.map(|p| (p.id, p.full_name.clone())),
            fields: f,
            status,
            action,
            problems,
        });
    }
    Plan { rows, ignored_columns: file.ignored_columns }
}

/// The identifiers the rows name, for the store to look people up by.
pub fn citizen_ids(file: &ReadFile) -> Vec<String> {
    file.rows.iter().filter_map(|r| r.fields.citizen_id.clone()).collect()
}

pub fn emails(file: &ReadFile) -> Vec<String> {
    file.rows.iter().filter_map(|r| r.fields.email.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{Format, read as read_table};
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 01);

    fn cells() -> Cells {
        Cells::new(vec![
            CellRef {
                id: 8,
                name: "Chi bộ Trường THPT Chu Văn An".into(),
                label: "Chi bộ Trường THPT Chu Văn An — Đảng bộ Sở Giáo dục và Đào tạo".into(),
            },
            CellRef {
                id: 14, name: "Chi bộ thôn 1".into(), label: "Chi bộ thôn 1 — Đảng bộ xã Ea Kar".into()
            },
            CellRef {
                id: 20, name: "Chi bộ thôn 1".into(), label: "Chi bộ thôn 1 — Đảng bộ xã Cư M'gar".into()
            },
        ])
    }

    fn target(capacity: usize, enrolled: usize) -> Target {
        Target { program_code: "NTVD".into(), capacity, enrolled }
    }

    const HEADER: &str = "Họ và tên,Ngày sinh,Giới tính,Quê quán,Số CCCD,Email,Chi bộ\n";

    fn file(rows: &str) -> ReadFile {
        let table = read_table(format!("{HEADER}{rows}").as_bytes()).unwrap();
        read(&table, &cells(), TODAY).unwrap()
    }

    fn keys(row: &PlannedRow) -> Vec<&'static str> {
        row.problems.iter().map(|p| p.key).collect()
    }

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

    fn known_hang() -> Known {
        let mut known = Known::default();
        known.add([KnownPerson {
            id: 7,
            full_name: "Nguyễn Thị Hằng".into(),
            date_of_birth: date!(1998 - 06 - 05),
            citizen_id: Some("066198012345".into()),
            email: Some("hang@example.vn".into()),
            org_unit_id: 8,
            status: Some(Status::Candidate),
        }]);
        known
    }

    #[test]
    fn people_are_matched_by_citizen_id_else_email_and_birth() {
        let known = known_hang();
        let f = file(concat!(
            "Nguyen Thi Hang,05/06/1998,Nữ,Ea Kar,066198012345,,Chi bộ Trường THPT Chu Văn An\n",
            "Nguyễn Thị Hằng,05/06/1998,Nữ,Ea Kar,,HANG@example.vn,Chi bộ Trường THPT Chu Văn An\n",
            "Nguyễn Thị Hằng,05/06/1998,Nữ,Ea Kar,001198000001,hang@example.vn,Chi bộ Trường THPT Chu Văn An\n",
            "Nguyễn Thị Hằng,05/06/1998,Nữ,Ea Kar,001198000002,,Chi bộ Trường THPT Chu Văn An\n",
        ));
        let plan = plan(f, &known, &target(40, 0));
        assert_eq!(plan.rows[0].action, Action::Enrol { person_id: 7 });
        assert!(plan.rows[0].problems.is_empty(), "the same name without diacritics: {:?}", plan.rows[0].problems);
        assert_eq!(plan.rows[1].action, Action::Skip(Skip::Errors));
        assert_eq!(keys(&plan.rows[1]), vec!["import.row.duplicate"], "the same person twice in the file");
        assert_eq!(keys(&plan.rows[2]), vec!["import.row.email_other_citizen_id", "import.row.duplicate"]);
        assert_eq!(plan.rows[3].action, Action::Create);
        assert_eq!(keys(&plan.rows[3]), vec!["import.row.same_name_birth"]);
    }

    #[test]
    fn the_class_decides_what_happens_to_known_people() {
        let mut known = known_hang();
        let row = "Nguyễn Thị Hằng,05/06/1998,Nữ,Ea Kar,066198012345,,Chi bộ Trường THPT Chu Văn An\n";
        for (status, action, key) in [
            (EnrolmentStatus::Enrolled, Action::Skip(Skip::AlreadyEnrolled), Some("import.row.already_enrolled")),
            (EnrolmentStatus::Withdrawn, Action::Skip(Skip::Withdrawn), Some("import.row.withdrawn")),
            (EnrolmentStatus::Nominated, Action::Approve { person_id: 7, enrolment_id: 3 }, None),
            (EnrolmentStatus::Waitlisted, Action::Approve { person_id: 7, enrolment_id: 3 }, None),
            (EnrolmentStatus::Rejected, Action::Enrol { person_id: 7 }, Some("import.row.previously_rejected")),
        ] {
            known.set_enrolment(7, 3, status);
            let plan = plan(file(row), &known, &target(40, 0));
            assert_eq!(plan.rows[0].action, action, "{status:?}");
            assert_eq!(keys(&plan.rows[0]), key.into_iter().collect::<Vec<_>>(), "{status:?}");
        }
    }

    #[test]
    fn rows_past_the_capacity_are_errors() {
        let f = file(concat!(
            "Lê Văn An,01/01/2000,Nam,Ea Kar,066200000001,,Chi bộ Trường THPT Chu Văn An\n",
            "Lê Văn Bình,01/01/2000,Nam,Ea Kar,066200000002,,Chi bộ Trường THPT Chu Văn An\n",
            "Lê Văn Cường,01/01/2000,Nam,Ea Kar,066200000003,,Chi bộ Trường THPT Chu Văn An\n",
        ));
        let plan = plan(f, &Known::default(), &target(40, 38));
        let actions: Vec<Action> = plan.rows.iter().map(|r| r.action).collect();
        assert_eq!(actions, vec![Action::Create, Action::Create, Action::Skip(Skip::Errors)]);
        assert_eq!(keys(&plan.rows[2]), vec!["import.row.over_capacity"]);
        let summary = plan.summary();
        assert_eq!((summary.create, summary.skipped, summary.with_errors, summary.enrolling()), (2, 1, 1, 2));
    }

    #[test]
    fn new_members_need_their_admission_dates() {
        let table = read_table(
            format!(
                "{}Trần Văn Nam,01/01/1995,Nam,Ea Kar,066095000001,,Chi bộ thôn 1 — Đảng bộ xã Ea Kar,Đảng viên dự bị,,\n\
                 Trần Văn Sơn,01/01/1995,Nam,Ea Kar,066095000002,,Chi bộ thôn 1 — Đảng bộ xã Ea Kar,,01/03/2026,15/03/2026\n",
                HEADER.trim_end().to_owned() + ",Đối tượng,Ngày quyết định kết nạp,Ngày lễ kết nạp\n"
            )
            .as_bytes(),
        )
        .unwrap();
        let read = read(&table, &cells(), TODAY).unwrap();
        let dvm = Target { program_code: "DVM".into(), capacity: 40, enrolled: 0 };
        let plan = plan(read, &Known::default(), &dvm);
        assert_eq!(keys(&plan.rows[0]), vec!["import.row.decision_missing", "import.row.ceremony_missing"]);
        assert_eq!(plan.rows[1].status, Status::Probationary, "the program's status when the file does not say");
        assert_eq!(plan.rows[1].action, Action::Create);
    }
}
