//! What the account templates receive.

use serde::Serialize;

use super::forms::AccountForm;
use crate::domain::numbers;
use crate::domain::org::{self, OrgKind};
use crate::domain::role::Role;
use crate::i18n::{self, Lang};
use crate::store::orgs::OrgUnit;
use crate::store::users::AccountRow;
use crate::web::forms::FieldErrors;

#[derive(Serialize)]
pub struct Row {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub active: bool,
}

#[derive(Serialize)]
pub struct RoleFilter {
    pub code: &'static str,
    pub label: String,
    pub selected: bool,
}

#[derive(Serialize)]
pub struct ListView {
    pub total: String,
    pub rows: Vec<Row>,
    pub q: String,
    pub roles: Vec<RoleFilter>,
}

pub fn list_view(lang: Lang, accounts: Vec<AccountRow>, q: String, role: Option<Role>) -> ListView {
    ListView {
        total: numbers::format_int(accounts.len() as i64),
        rows: accounts
            .into_iter()
            .map(|a| Row {
                id: a.id,
                email: a.email,
                display_name: a.display_name,
                roles: a.roles.iter().map(|r| i18n::t(lang, r.label_key())).collect(),
                active: a.active,
            })
            .collect(),
        q,
        roles: Role::ALL
            .into_iter()
            .map(|r| RoleFilter { code: r.code(), label: i18n::t(lang, r.label_key()), selected: Some(r) == role })
            .collect(),
    }
}

#[derive(Serialize)]
pub struct RoleOption {
    pub code: &'static str,
    pub label: String,
    pub checked: bool,
}

pub fn role_options(lang: Lang, form: &AccountForm) -> Vec<RoleOption> {
    Role::ALL
        .into_iter()
        .map(|r| RoleOption { code: r.code(), label: i18n::t(lang, r.label_key()), checked: form.has_role(r) })
        .collect()
}

/// The units a secretary may be given on this form: open chi bộ, and whatever the account
/// already has (a unit closed since, or bound before secretaries were limited to chi bộ), so
/// that saving the form never drops one unseen.
pub fn assignable_units(units: &[OrgUnit], current: &[i64]) -> Vec<i64> {
    units
        .iter()
        .filter(|u| (u.is_open() && u.kind().is_some_and(OrgKind::is_cell)) || current.contains(&u.id))
        .map(|u| u.id)
        .collect()
}

#[derive(Debug, Serialize, PartialEq)]
pub struct UnitCheckbox {
    pub id: i64,
    pub name: String,
    pub checked: bool,
    pub closed: bool,
}

/// The chi bộ under one party committee (đảng bộ), headed by its name.
#[derive(Debug, Serialize, PartialEq)]
pub struct UnitGroup {
    pub heading: String,
    pub units: Vec<UnitCheckbox>,
}

/// The assignable units as checkboxes, grouped under the unit directly above them, groups in
/// the tree's reading order and units by name within a group. Units at the top of the tree
/// form a group without a heading.
pub fn unit_groups(units: &[OrgUnit], assignable: &[i64], checked: &[i64]) -> Vec<UnitGroup> {
    let pairs: Vec<(i64, Option<i64>)> = units.iter().map(|u| (u.id, u.parent_id)).collect();
    let mut groups: Vec<(Option<i64>, UnitGroup)> = Vec::new();
    for (index, _) in org::depth_first(&pairs) {
        let unit = &units[index];
        if !assignable.contains(&unit.id) {
            continue;
        }
        let checkbox = UnitCheckbox {
            id: unit.id,
            name: unit.name.clone(),
            checked: checked.contains(&unit.id),
            closed: !unit.is_open(),
        };
        match groups.iter_mut().find(|(parent, _)| *parent == unit.parent_id) {
            Some((_, group)) => group.units.push(checkbox),
            None => {
                let heading = unit
                    .parent_id
                    .and_then(|p| units.iter().find(|u| u.id == p))
                    .map(|p| p.name.clone())
                    .unwrap_or_default();
                groups.push((unit.parent_id, UnitGroup { heading, units: vec![checkbox] }));
            }
        }
    }
    for (_, group) in &mut groups {
        group.units.sort_by(|a, b| crate::domain::names::compare(&a.name, &b.name));
    }
    groups.into_iter().map(|(_, g)| g).collect()
}

/// A person to link, as the form shows them: enough to tell two people of the same name apart.
#[derive(Debug, Clone, Serialize)]
pub struct PersonOption {
    pub id: i64,
    pub name: String,
    pub born: String,
    pub cell: String,
    pub checked: bool,
}

#[derive(Serialize)]
pub struct FormView {
    /// None for a new account.
    pub account_id: Option<i64>,
    pub is_self: bool,
    pub form: AccountForm,
    pub roles: Vec<RoleOption>,
    pub unit_groups: Vec<UnitGroup>,
    /// The linked person (when editing) or the one chosen so far (new account).
    pub person: Option<PersonOption>,
    /// The people to choose from: the chosen one, then those a search found.
    pub person_choices: Vec<PersonOption>,
    /// A search found nobody (besides the one already chosen).
    pub no_match: bool,
    /// A search found more people than are offered.
    pub more: bool,
    /// How many people a search offers at most.
    pub person_limit: i64,
    pub errors: FieldErrors,
}

/// The one-time password, shown once after an admin resets an account's password.
#[derive(Serialize)]
pub struct PasswordView {
    pub account_id: i64,
    pub email: String,
    pub display_name: String,
    pub password: String,
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn unit(id: i64, parent: Option<i64>, kind: &str, name: &str, closed: bool) -> OrgUnit {
        OrgUnit {
            id,
            parent_id: parent,
            kind: kind.into(),
            name: name.into(),
            valid_from: date!(2025 - 07 - 01),
            closed_on: closed.then_some(date!(2026 - 03 - 31)),
        }
    }

    /// The demo's shape: the province, two committees, chi bộ under each, a closed one.
    fn tree() -> Vec<OrgUnit> {
        vec![
            unit(1, None, "provincial_committee", "Đảng bộ tỉnh Đắk Lắk", false),
            unit(2, Some(1), "commune_committee", "Đảng bộ xã Ea Kar", false),
            unit(3, Some(1), "direct_committee", "Đảng bộ các cơ quan Đảng tỉnh", false),
            unit(4, Some(2), "cell", "Chi bộ thôn 1", false),
            unit(5, Some(2), "cell", "Chi bộ thôn 5 (đã sáp nhập)", true),
            unit(6, Some(3), "grassroots_cell", "Chi bộ Văn phòng Tỉnh ủy", false),
            unit(7, Some(2), "cell", "Chi bộ Trường THCS Ea Kar", false),
        ]
    }

    #[test]
    fn only_open_cells_and_current_units_are_assignable() {
        assert_eq!(assignable_units(&tree(), &[]), vec![4, 6, 7]);
        assert_eq!(assignable_units(&tree(), &[5, 2]), vec![2, 4, 5, 6, 7], "what the account has stays");
    }

    #[test]
    fn cells_are_grouped_under_their_committee() {
        let groups = unit_groups(&tree(), &[4, 6, 7], &[6]);
        let shown: Vec<(&str, Vec<(&str, bool)>)> = groups
            .iter()
            .map(|g| (g.heading.as_str(), g.units.iter().map(|u| (u.name.as_str(), u.checked)).collect()))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("Đảng bộ xã Ea Kar", vec![("Chi bộ thôn 1", false), ("Chi bộ Trường THCS Ea Kar", false)]),
                ("Đảng bộ các cơ quan Đảng tỉnh", vec![("Chi bộ Văn phòng Tỉnh ủy", true)]),
            ]
        );
    }
}
