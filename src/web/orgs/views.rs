//! What the organisation templates receive.

use serde::Serialize;

use super::forms::{CloseForm, NewUnitForm, RenameForm, SecretaryForm};
use crate::domain::dates;
use crate::domain::org::{self, OrgKind};
use crate::i18n::{self, Lang};
use crate::store::orgs::{FormerName, OrgUnit};
use crate::web::forms::FieldErrors;

/// The deepest indentation the stylesheet has; deeper units show at this depth.
const MAX_DEPTH: usize = 5;

pub fn kind_label(lang: Lang, code: &str) -> String {
    OrgKind::parse(code).map(|k| i18n::t(lang, &k.label_key())).unwrap_or_else(|| code.to_owned())
}

fn pairs(units: &[OrgUnit]) -> Vec<(i64, Option<i64>)> {
    units.iter().map(|u| (u.id, u.parent_id)).collect()
}

#[derive(Debug, Serialize)]
pub struct TreeRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub depth: usize,
    /// People in the unit and every unit below it.
    pub people: i64,
    pub closed_on: Option<String>,
}

/// The whole tree in reading order, with each unit's people counted over its subtree.
pub fn tree_rows(lang: Lang, units: &[OrgUnit], counts: &[(i64, i64)]) -> Vec<TreeRow> {
    let order = org::depth_first(&pairs(units));
    let mut totals: std::collections::HashMap<i64, i64> = counts.iter().copied().collect();
    // Children come after their parent in depth-first order, so walking it backwards adds
    // every subtree into its parent before the parent is added to its own.
    for (index, _) in order.iter().rev() {
        let unit = &units[*index];
        if let Some(parent) = unit.parent_id {
            let own = totals.get(&unit.id).copied().unwrap_or(0);
            *totals.entry(parent).or_insert(0) += own;
        }
    }
    order
        .into_iter()
        .map(|(index, depth)| {
            let unit = &units[index];
            TreeRow {
                id: unit.id,
                name: unit.name.clone(),
                kind: kind_label(lang, &unit.kind),
                depth: depth.min(MAX_DEPTH),
                people: totals.get(&unit.id).copied().unwrap_or(0),
                closed_on: unit.closed_on.map(dates::format),
            }
        })
        .collect()
}

#[derive(Debug, Serialize)]
pub struct UnitOption {
    pub id: i64,
    pub label: String,
    pub selected: bool,
}

/// Open units in tree order, indented by depth, for a select; `exclude` are left out. A closed
/// unit is offered only when already selected, so saving a form does not drop it unseen.
pub fn unit_options(units: &[OrgUnit], exclude: &[i64], selected: &[i64]) -> Vec<UnitOption> {
    org::depth_first(&pairs(units))
        .into_iter()
        .map(|(index, depth)| (&units[index], depth))
        .filter(|(unit, _)| (unit.is_open() || selected.contains(&unit.id)) && !exclude.contains(&unit.id))
        .map(|(unit, depth)| UnitOption {
            id: unit.id,
            label: format!("{}{}", "— ".repeat(depth), unit.name),
            selected: selected.contains(&unit.id),
        })
        .collect()
}

#[derive(Debug, Serialize)]
pub struct KindOption {
    pub code: &'static str,
    pub label: String,
    pub selected: bool,
}

pub fn kind_options(lang: Lang, selected: &str) -> Vec<KindOption> {
    OrgKind::ALL
        .into_iter()
        .map(|k| KindOption { code: k.code(), label: i18n::t(lang, &k.label_key()), selected: k.code() == selected })
        .collect()
}

#[derive(Serialize)]
pub struct NewView {
    pub form: NewUnitForm,
    pub kinds: Vec<KindOption>,
    pub parents: Vec<UnitOption>,
    pub errors: FieldErrors,
}

#[derive(Debug, Serialize)]
pub struct Link {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct UnitFacts {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub parent: Option<Link>,
    pub valid_from: String,
    pub closed_on: Option<String>,
    pub is_open: bool,
    pub people: i64,
}

#[derive(Debug, Serialize)]
pub struct FormerNameRow {
    pub name: String,
    pub from: String,
    /// The last day the name was used (the new name starts the day after).
    pub to: String,
}

#[derive(Debug, Serialize)]
pub struct Secretary {
    pub id: i64,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Serialize)]
pub struct Child {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub closed_on: Option<String>,
}

/// The typed values of the detail page's forms, kept when one of them is refused.
#[derive(Debug, Default, Serialize)]
pub struct DetailForms {
    pub rename: RenameForm,
    pub close: CloseForm,
    pub secretary: SecretaryForm,
    /// The parent chosen in a refused move; otherwise the current parent is selected.
    #[serde(skip)]
    pub move_to: Option<Option<i64>>,
}

#[derive(Serialize)]
pub struct DetailView {
    pub unit: UnitFacts,
    pub former_names: Vec<FormerNameRow>,
    pub children: Vec<Child>,
    pub secretaries: Vec<Secretary>,
    pub secretary_choices: Vec<Secretary>,
    pub move_options: Vec<UnitOption>,
    pub forms: DetailForms,
    pub errors: FieldErrors,
}

/// Everything the detail page shows, read in one go.
pub struct DetailData {
    pub unit: OrgUnit,
    pub units: Vec<OrgUnit>,
    pub former_names: Vec<FormerName>,
    pub people: i64,
    /// Bound secretaries: (user id, name, email).
    pub secretaries: Vec<(i64, String, String)>,
    /// Active accounts with the secretary role: (user id, name, email).
    pub secretary_accounts: Vec<(i64, String, String)>,
}

impl DetailData {
    /// Accounts that may be bound now: secretaries not yet bound to this unit.
    pub fn assignable(&self) -> Vec<i64> {
        self.secretary_accounts
            .iter()
            .map(|(id, _, _)| *id)
            .filter(|id| !self.secretaries.iter().any(|(s, _, _)| s == id))
            .collect()
    }

    pub fn bound(&self) -> Vec<i64> {
        self.secretaries.iter().map(|(id, _, _)| *id).collect()
    }

    pub fn into_view(self, lang: Lang, forms: DetailForms, errors: FieldErrors) -> DetailView {
        let unit = &self.unit;
        let parent = unit
            .parent_id
            .and_then(|p| self.units.iter().find(|u| u.id == p))
            .map(|p| Link { id: p.id, name: p.name.clone() });
        let children = self
            .units
            .iter()
            .filter(|u| u.parent_id == Some(unit.id))
            .map(|u| Child {
                id: u.id,
                name: u.name.clone(),
                kind: kind_label(lang, &u.kind),
                closed_on: u.closed_on.map(dates::format),
            })
            .collect();
        // A unit cannot go under itself or anything below it, so those are not offered.
        let below = org::descendants(&pairs(&self.units), &[unit.id]);
        let selected = forms.move_to.unwrap_or(unit.parent_id);
        let move_options = unit_options(&self.units, &below, &selected.into_iter().collect::<Vec<_>>());
        let assignable = self.assignable();
        let secretary_choices = self
            .secretary_accounts
            .iter()
            .filter(|(id, _, _)| assignable.contains(id))
            .map(|(id, name, email)| Secretary { id: *id, name: name.clone(), email: email.clone() })
            .collect();
        DetailView {
            unit: UnitFacts {
                id: unit.id,
                name: unit.name.clone(),
                kind: kind_label(lang, &unit.kind),
                parent,
                valid_from: dates::format(unit.valid_from),
                closed_on: unit.closed_on.map(dates::format),
                is_open: unit.is_open(),
                people: self.people,
            },
            former_names: self
                .former_names
                .iter()
                .map(|f| FormerNameRow {
                    name: f.name.clone(),
                    from: dates::format(f.valid_from),
                    to: dates::format(f.valid_to.previous_day().unwrap_or(f.valid_to)),
                })
                .collect(),
            children,
            secretaries: self.secretaries.into_iter().map(|(id, name, email)| Secretary { id, name, email }).collect(),
            secretary_choices,
            move_options,
            forms,
            errors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn unit(id: i64, parent: Option<i64>) -> OrgUnit {
        OrgUnit {
            id,
            parent_id: parent,
            kind: "cell".into(),
            name: format!("U{id}"),
            valid_from: date!(2025 - 07 - 01),
            closed_on: None,
        }
    }

    #[test]
    fn people_are_counted_over_the_subtree() {
        let units = [unit(1, None), unit(2, Some(1)), unit(3, Some(2)), unit(4, Some(1))];
        let rows = tree_rows(Lang::Vi, &units, &[(3, 5), (4, 2), (2, 1)]);
        let got: Vec<(i64, usize, i64)> = rows.iter().map(|r| (r.id, r.depth, r.people)).collect();
        assert_eq!(got, vec![(1, 0, 8), (2, 1, 6), (3, 2, 5), (4, 1, 2)]);
    }

    #[test]
    fn options_leave_out_excluded_and_closed_units() {
        let mut units = vec![unit(1, None), unit(2, Some(1)), unit(3, Some(1))];
        units[2].closed_on = Some(date!(2026 - 01 - 01));
        let options = unit_options(&units, &[1], &[2]);
        assert_eq!(options.len(), 1);
        assert_eq!(options[0].label, "— U2");
        assert!(options[0].selected);
    }
}
