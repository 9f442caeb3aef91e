//! What the people templates receive: display-ready text, never raw codes or dates.

use serde::Serialize;

use super::forms::PersonForm;
use crate::domain::citizen_id::{self, Warning};
use crate::domain::person::{self, Sex, Status};
use crate::domain::{dates, names};
use crate::i18n::{self, Lang};
use crate::store::Paged;
use crate::store::orgs::OrgUnit;
use crate::store::people::{Person, PersonRow};
use crate::web::error::urlencode;
use crate::web::forms::FieldErrors;

/// An option of a select or a radio group.
#[derive(Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn status_label(lang: Lang, code: &str) -> String {
    Status::parse(code).map(|s| i18n::t(lang, &s.label_key())).unwrap_or_else(|| code.to_owned())
}

fn sex_label(lang: Lang, code: &str) -> String {
    Sex::parse(code).map(|s| i18n::t(lang, s.label_key())).unwrap_or_else(|| code.to_owned())
}

fn status_choices(lang: Lang, selected: &str) -> Vec<Choice> {
    Status::ALL
        .into_iter()
        .map(|s| Choice {
            value: s.code().into(),
            label: i18n::t(lang, &s.label_key()),
            selected: s.code() == selected,
        })
        .collect()
}

fn cell_choices(lang: Lang, cells: &[OrgUnit], selected: &str) -> Vec<Choice> {
    cells
        .iter()
        .map(|c| {
            let value = c.id.to_string();
            let label = if c.is_open() {
                c.name.clone()
            } else {
                format!("{} ({})", c.name, i18n::t(lang, "person.cell_closed"))
            };
            Choice { selected: value == selected.trim(), value, label }
        })
        .collect()
}

/// The words of a CCCD warning.
pub fn warning_text(lang: Lang, warning: Warning) -> String {
    match warning {
        Warning::SexMismatch => i18n::t(lang, "person.warning.sex"),
        Warning::BirthYearMismatch { encoded } => {
            i18n::t_with(lang, "person.warning.birth_year", &[("year", &encoded.to_string())])
        }
    }
}

/// The list's filters, kept in every link of the pager.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub q: String,
    pub status: Option<Status>,
    pub cell: Option<i64>,
}

impl Filters {
    pub fn href(&self, page: i64) -> String {
        let mut params = Vec::new();
        if !self.q.trim().is_empty() {
            params.push(format!("q={}", urlencode(self.q.trim())));
        }
        if let Some(status) = self.status {
            params.push(format!("status={}", status.code()));
        }
        if let Some(cell) = self.cell {
            params.push(format!("cell={cell}"));
        }
        if page > 1 {
            params.push(format!("page={page}"));
        }
        if params.is_empty() { "/people".into() } else { format!("/people?{}", params.join("&")) }
    }
}

#[derive(Serialize)]
pub struct ListRow {
    no: i64,
    id: i64,
    full_name: String,
    date_of_birth: String,
    sex: String,
    cell: String,
    status: String,
}

#[derive(Serialize)]
pub struct ListView {
    q: String,
    statuses: Vec<Choice>,
    cells: Vec<Choice>,
    rows: Vec<ListRow>,
    total: i64,
    current_page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
}

impl ListView {
    pub fn new(lang: Lang, filters: &Filters, paged: Paged<PersonRow>, cells: &[OrgUnit]) -> Self {
        let first = (paged.page - 1) * paged.per_page;
        let pages = paged.pages();
        let rows = paged
            .items
            .into_iter()
            .zip(first + 1..)
            .map(|(p, no)| ListRow {
                no,
                id: p.id,
                full_name: names::full_name(&p.family_name, &p.middle_name, &p.given_name),
                date_of_birth: dates::format(p.date_of_birth),
                sex: sex_label(lang, &p.sex),
                cell: p.org_unit_name,
                status: status_label(lang, &p.status),
            })
            .collect();
        let selected_status = filters.status.map(Status::code).unwrap_or_default();
        let selected_cell = filters.cell.map(|c| c.to_string()).unwrap_or_default();
        Self {
            q: filters.q.clone(),
            statuses: status_choices(lang, selected_status),
            cells: cell_choices(lang, cells, &selected_cell),
            rows,
            total: paged.total,
            current_page: paged.page,
            pages,
            prev: (paged.page > 1).then(|| filters.href(paged.page - 1)),
            next: (paged.page < pages).then(|| filters.href(paged.page + 1)),
        }
    }
}

#[derive(Serialize)]
pub struct ShowView {
    id: i64,
    full_name: String,
    family_name: String,
    middle_name: String,
    given_name: String,
    date_of_birth: String,
    sex: String,
    hometown: String,
    citizen_id: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    cell: String,
    status: String,
    admission_decision_date: Option<String>,
    ceremony_date: Option<String>,
    probation_ends: Option<String>,
    probation_over: bool,
    warnings: Vec<String>,
    /// Staff see a link to the messages sent to this person.
    show_mail: bool,
}

impl ShowView {
    pub fn with_mail_link(mut self, visible: bool) -> Self {
        self.show_mail = visible;
        self
    }

    pub fn new(lang: Lang, p: Person, cell: String) -> Self {
        let warnings = match (&p.citizen_id, Sex::parse(&p.sex)) {
            (Some(cid), Some(sex)) => citizen_id::warnings(cid, sex, p.date_of_birth.year()),
            _ => Vec::new(),
        };
        let probation_ends = match (Status::parse(&p.status), p.ceremony_date) {
            (Some(Status::Probationary), Some(ceremony)) => Some(person::probation_ends(ceremony)),
            _ => None,
        };
        Self {
            id: p.id,
            full_name: p.full_name(),
            date_of_birth: dates::format(p.date_of_birth),
            sex: sex_label(lang, &p.sex),
            cell,
            status: status_label(lang, &p.status),
            admission_decision_date: p.admission_decision_date.map(dates::format),
            ceremony_date: p.ceremony_date.map(dates::format),
            probation_ends: probation_ends.map(dates::format),
            probation_over: probation_ends.is_some_and(|end| end <= dates::today()),
            warnings: warnings.into_iter().map(|w| warning_text(lang, w)).collect(),
            show_mail: false,
            family_name: p.family_name,
            middle_name: p.middle_name,
            given_name: p.given_name,
            hometown: p.hometown,
            citizen_id: p.citizen_id,
            email: p.email,
            phone: p.phone,
        }
    }

    pub fn title(&self) -> String {
        self.full_name.clone()
    }
}

#[derive(Serialize)]
pub struct FormView {
    heading: String,
    action: String,
    cancel: String,
    form: PersonForm,
    has_errors: bool,
    errors: FieldErrors,
    warnings: Vec<String>,
    sexes: Vec<Choice>,
    statuses: Vec<Choice>,
    cells: Vec<Choice>,
    probation_ends: Option<String>,
}

impl FormView {
    pub fn new(
        lang: Lang,
        heading: String,
        person_id: Option<i64>,
        form: PersonForm,
        errors: FieldErrors,
        cells: &[OrgUnit],
    ) -> Self {
        let sexes = [Sex::Male, Sex::Female]
            .into_iter()
            .map(|s| Choice {
                value: s.code().into(),
                label: i18n::t(lang, s.label_key()),
                selected: s.code() == form.sex,
            })
            .collect();
        let probation_ends = match (Status::parse(&form.status), dates::parse(&form.ceremony_date)) {
            (Some(Status::Probationary), Some(ceremony)) => Some(dates::format(person::probation_ends(ceremony))),
            _ => None,
        };
        Self {
            heading,
            action: person_id.map(|id| format!("/people/{id}")).unwrap_or_else(|| "/people".into()),
            cancel: person_id.map(|id| format!("/people/{id}")).unwrap_or_else(|| "/people".into()),
            has_errors: !errors.is_empty(),
            errors,
            warnings: form.warnings().into_iter().map(|w| warning_text(lang, w)).collect(),
            sexes,
            statuses: status_choices(lang, &form.status),
            cells: cell_choices(lang, cells, &form.org_unit_id),
            probation_ends,
            form,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_links_keep_the_filters() {
        let none = Filters::default();
        assert_eq!(none.href(1), "/people");
        assert_eq!(none.href(2), "/people?page=2");
        let some = Filters { q: " nguyễn & co ".into(), status: Some(Status::Probationary), cell: Some(9) };
        assert_eq!(some.href(3), "/people?q=nguy%E1%BB%85n%20%26%20co&status=probationary&cell=9&page=3");
    }

    #[test]
    fn warnings_are_worded() {
        let text = warning_text(Lang::Vi, Warning::BirthYearMismatch { encoded: 2003 });
        assert!(text.contains("2003"), "{text}");
        assert_ne!(warning_text(Lang::Vi, Warning::SexMismatch), "person.warning.sex");
    }
}
