//! What the people templates receive: display-ready text, never raw codes or dates.

use serde::Serialize;

use super::forms::PersonForm;
use crate::domain::citizen_id::{self, Warning};
use crate::domain::dates;
use crate::domain::org::OrgKind;
use crate::domain::person::{self, Sex, Status};
use crate::i18n::{self, Lang};
use crate::store::orgs::{OrgUnit, UnitTree};
use crate::store::people::{Existing, Person, PersonRow};
use crate::store::{Paged, Scope};
use crate::web::forms::FieldErrors;
use crate::web::pager::{ListLink, Pager};

/// An option of a select or a radio group.
#[derive(Debug, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Options under one party committee (`<optgroup>`); no label for options outside any.
#[derive(Debug, Serialize)]
pub struct OptionGroup {
    pub label: Option<String>,
    pub options: Vec<Choice>,
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

/// A unit as an option: a chi bộ with its committee, and marked when dissolved.
fn unit_choice(lang: Lang, tree: &UnitTree, unit: &OrgUnit, selected: &str) -> Choice {
    let value = unit.id.to_string();
    let mut label = tree.label(unit.id);
    if !unit.is_open() {
        label = format!("{label} ({})", i18n::t(lang, "person.cell_closed"));
    }
    Choice { selected: value == selected.trim(), value, label }
}

/// The chi bộ `pick` allows, one group per party committee. With `whole_committees`, a picked
/// committee is an option of its own at the head of its group (a filter over its subtree).
pub fn unit_groups(
    lang: Lang,
    tree: &UnitTree,
    pick: impl Fn(&OrgUnit) -> bool,
    whole_committees: bool,
    selected: &str,
) -> Vec<OptionGroup> {
    tree.cells_by_committee(pick)
        .into_iter()
        .map(|group| {
            let mut options = Vec::new();
            if let Some(committee) = group.committee.filter(|_| group.committee_picked && whole_committees) {
                let mut choice = unit_choice(lang, tree, committee, selected);
                choice.label = i18n::t_with(lang, "people.filter_whole", &[("name", &choice.label)]);
                options.push(choice);
            }
            options.extend(group.cells.iter().map(|cell| unit_choice(lang, tree, cell, selected)));
            OptionGroup { label: group.committee.map(|c| c.name.clone()), options }
        })
        .filter(|g| !g.options.is_empty())
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
    /// Any unit of the tree: its whole subtree is listed.
    pub unit: Option<i64>,
}

impl Filters {
    /// The list's address with these filters, for the pager's links.
    pub fn link(&self) -> ListLink {
        ListLink::new("/people")
            .filter("q", &self.q)
            .filter("status", self.status.map(Status::code).unwrap_or_default())
            .filter("unit", &self.unit.map(|u| u.to_string()).unwrap_or_default())
    }
}

#[derive(Serialize)]
pub struct ListRow {
    id: i64,
    full_name: String,
    date_of_birth: String,
    sex: String,
    unit: String,
    status: String,
}

#[derive(Serialize)]
pub struct ListView {
    q: String,
    statuses: Vec<Choice>,
    unit_groups: Vec<OptionGroup>,
    /// A choice of units only when there is more than one to choose.
    show_unit_filter: bool,
    /// The chi bộ column, dropped when every row would show the same one (a secretary's).
    show_unit: bool,
    rows: Vec<ListRow>,
    total: i64,
    pager: Pager,
}

impl ListView {
    pub fn new(lang: Lang, filters: &Filters, mut paged: Paged<PersonRow>, tree: &UnitTree, scope: &Scope) -> Self {
        let pager = Pager::new(&paged, |n| filters.link().page(n));
        let in_scope = |u: &OrgUnit| scope.allows(u.id);
        let cells_in_scope =
            tree.units().iter().filter(|u| in_scope(u) && u.kind().is_some_and(OrgKind::is_cell)).count();
        let rows = std::mem::take(&mut paged.items)
            .into_iter()
            .map(|p| ListRow {
                id: p.id,
                full_name: p.full_name,
                date_of_birth: dates::format(p.date_of_birth),
                sex: sex_label(lang, &p.sex),
                unit: tree.label(p.org_unit_id),
                status: status_label(lang, &p.status),
            })
            .collect();
        let selected_status = filters.status.map(Status::code).unwrap_or_default();
        let selected_unit = filters.unit.map(|c| c.to_string()).unwrap_or_default();
        let unit_groups = unit_groups(lang, tree, in_scope, true, &selected_unit);
        let unit_options: usize = unit_groups.iter().map(|g| g.options.len()).sum();
        Self {
            q: filters.q.clone(),
            statuses: status_choices(lang, selected_status),
            unit_groups,
            show_unit_filter: unit_options > 1,
            show_unit: cells_in_scope > 1,
            rows,
            total: paged.total,
            pager,
        }
    }
}

#[derive(Serialize)]
pub struct ShowView {
    id: i64,
    full_name: String,
    sort_name: String,
    date_of_birth: String,
    sex: String,
    hometown: String,
    citizen_id: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    unit: String,
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

    /// `unit` is the person's chi bộ as shown ("Chi bộ thôn 1 — Đảng bộ xã Ea Kar").
    pub fn new(lang: Lang, p: Person, unit: String) -> Self {
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
            date_of_birth: dates::format(p.date_of_birth),
            sex: sex_label(lang, &p.sex),
            unit,
            status: status_label(lang, &p.status),
            admission_decision_date: p.admission_decision_date.map(dates::format),
            ceremony_date: p.ceremony_date.map(dates::format),
            probation_ends: probation_ends.map(dates::format),
            probation_over: probation_ends.is_some_and(|end| end <= dates::today()),
            warnings: warnings.into_iter().map(|w| warning_text(lang, w)).collect(),
            show_mail: false,
            full_name: p.full_name,
            sort_name: p.sort_name,
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

/// A person the form points to: the holder of a citizen ID, or someone who may be the same.
#[derive(Debug, Serialize)]
pub struct PersonLink {
    pub id: i64,
    pub full_name: String,
    pub date_of_birth: String,
    pub unit: String,
}

impl PersonLink {
    pub fn new(existing: &Existing, tree: &UnitTree) -> Self {
        Self {
            id: existing.id,
            full_name: existing.full_name.clone(),
            date_of_birth: dates::format(existing.date_of_birth),
            unit: tree.label(existing.org_unit_id),
        }
    }
}

/// People with the same name and date of birth, found on saving: those the user may see, by
/// name with a link; whether there are others, in units the user may not see.
#[derive(Debug, Default, Serialize)]
pub struct SamePeople {
    pub visible: Vec<PersonLink>,
    pub elsewhere: bool,
}

impl SamePeople {
    pub fn is_empty(&self) -> bool {
        self.visible.is_empty() && !self.elsewhere
    }
}

/// Why a form came back besides the messages per field.
#[derive(Debug, Default)]
pub struct Refusal {
    pub errors: FieldErrors,
    /// The person who holds the typed citizen ID, when the user may see them.
    pub citizen_id_holder: Option<PersonLink>,
    pub same: SamePeople,
}

impl From<FieldErrors> for Refusal {
    fn from(errors: FieldErrors) -> Self {
        Self { errors, ..Default::default() }
    }
}

#[derive(Serialize)]
pub struct FormView {
    heading: String,
    action: String,
    cancel: String,
    form: PersonForm,
    /// The sort name the rule gives for the typed name, shown as the field's placeholder.
    derived_sort_name: String,
    has_errors: bool,
    errors: FieldErrors,
    citizen_id_holder: Option<PersonLink>,
    same: Option<SamePeople>,
    warnings: Vec<String>,
    sexes: Vec<Choice>,
    statuses: Vec<Choice>,
    unit_groups: Vec<OptionGroup>,
    probation_ends: Option<String>,
}

impl FormView {
    /// `cells` are the ids of the chi bộ the person may be put in.
    pub fn new(
        lang: Lang,
        heading: String,
        person_id: Option<i64>,
        form: PersonForm,
        refusal: Refusal,
        tree: &UnitTree,
        cells: &[i64],
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
        let Refusal { errors, citizen_id_holder, same } = refusal;
        let link = person_id.map(|id| format!("/people/{id}")).unwrap_or_else(|| "/people".into());
        Self {
            heading,
            action: link.clone(),
            cancel: link,
            derived_sort_name: crate::domain::names::derive_sort_name(&crate::web::forms::text(&form.full_name)),
            has_errors: !errors.is_empty(),
            errors,
            citizen_id_holder,
            same: (!same.is_empty()).then_some(same),
            warnings: form.warnings().into_iter().map(|w| warning_text(lang, w)).collect(),
            sexes,
            statuses: status_choices(lang, &form.status),
            unit_groups: unit_groups(lang, tree, |u| cells.contains(&u.id), false, &form.org_unit_id),
            probation_ends,
            form,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn unit(id: i64, parent: Option<i64>, kind: &str, name: &str) -> OrgUnit {
        OrgUnit {
            id,
            parent_id: parent,
            kind: kind.into(),
            name: name.into(),
            valid_from: date!(2025 - 07 - 01),
            closed_on: None,
        }
    }

    fn tree() -> UnitTree {
        UnitTree::new(vec![
            unit(1, None, "provincial_committee", "Đảng bộ tỉnh Đắk Lắk"),
            unit(2, Some(1), "commune_committee", "Đảng bộ xã Ea Kar"),
            unit(3, Some(2), "cell", "Chi bộ thôn 1"),
            unit(4, Some(1), "commune_committee", "Đảng bộ xã Ea Knốp"),
            unit(5, Some(4), "cell", "Chi bộ thôn 1"),
            unit(6, Some(4), "cell", "Chi bộ thôn 2"),
        ])
    }

    #[test]
    fn pager_links_keep_the_filters() {
        let none = Filters::default();
        assert_eq!(none.link().page(1), "/people");
        assert_eq!(none.link().page(2), "/people?page=2");
        let some = Filters { q: " nguyễn & co ".into(), status: Some(Status::Probationary), unit: Some(9) };
        assert_eq!(some.link().page(3), "/people?q=nguy%E1%BB%85n+%26+co&status=probationary&unit=9&page=3");
    }

    #[test]
    fn cells_are_grouped_by_committee_and_named_with_it() {
        let tree = tree();
        let groups = unit_groups(Lang::Vi, &tree, |u| [3, 5, 6].contains(&u.id), false, "5");
        let shown: Vec<(Option<&str>, Vec<&str>)> =
            groups.iter().map(|g| (g.label.as_deref(), g.options.iter().map(|o| o.label.as_str()).collect())).collect();
        assert_eq!(
            shown,
            vec![
                (Some("Đảng bộ xã Ea Kar"), vec!["Chi bộ thôn 1 — Đảng bộ xã Ea Kar"]),
                (
                    Some("Đảng bộ xã Ea Knốp"),
                    vec!["Chi bộ thôn 1 — Đảng bộ xã Ea Knốp", "Chi bộ thôn 2 — Đảng bộ xã Ea Knốp"]
                ),
            ]
        );
        assert!(groups[1].options[0].selected && !groups[0].options[0].selected);
    }

    #[test]
    fn a_filter_may_choose_a_whole_committee() {
        let tree = tree();
        let groups = unit_groups(Lang::Vi, &tree, |_| true, true, "2");
        let labels: Vec<Vec<&str>> =
            groups.iter().map(|g| g.options.iter().map(|o| o.label.as_str()).collect()).collect();
        assert_eq!(labels[0], vec!["Đảng bộ tỉnh Đắk Lắk — tất cả chi bộ"]);
        assert_eq!(labels[1], vec!["Đảng bộ xã Ea Kar — tất cả chi bộ", "Chi bộ thôn 1 — Đảng bộ xã Ea Kar"]);
        assert!(groups[1].options[0].selected);
        assert_eq!(labels.len(), 3);
    }

    #[test]
    fn warnings_are_worded() {
        let text = warning_text(Lang::Vi, Warning::BirthYearMismatch { encoded: 2003 });
        assert!(text.contains("2003"), "{text}");
        assert_ne!(warning_text(Lang::Vi, Warning::SexMismatch), "person.warning.sex");
    }
}
