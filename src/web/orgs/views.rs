//! What the organisation templates receive.

use serde::Serialize;

use super::forms::{CloseForm, NewUnitForm, RenameForm, SecretaryForm};
use crate::domain::org::{self, OrgKind};
use crate::domain::{dates, numbers};
use crate::i18n::{self, Lang};
use crate::store::orgs::{FormerName, OrgUnit, UnitTree};
use crate::web::forms::FieldErrors;

/// The deepest indentation the stylesheet has; deeper units show at this depth.
const MAX_DEPTH: usize = 5;

pub fn kind_label(lang: Lang, code: &str) -> String {
    OrgKind::parse(code).map(|k| i18n::t(lang, &k.label_key())).unwrap_or_else(|| code.to_owned())
}

#[derive(Debug, Serialize)]
pub struct TreeRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub depth: usize,
    /// People in the unit and every unit below it, written the Vietnamese way ("1.234").
    pub people: String,
    pub closed_on: Option<String>,
}

/// The whole tree in reading order, with each unit's people counted over its subtree.
pub fn tree_rows(lang: Lang, tree: &UnitTree, counts: &[(i64, i64)]) -> Vec<TreeRow> {
    let totals = tree.totals(counts);
    tree.depth_first()
        .into_iter()
        .map(|(unit, depth)| TreeRow {
            id: unit.id,
            name: unit.name.clone(),
            kind: kind_label(lang, &unit.kind),
            depth: depth.min(MAX_DEPTH),
            people: numbers::format_int(totals.get(&unit.id).copied().unwrap_or(0)),
            closed_on: unit.closed_on.map(dates::format),
        })
        .collect()
}

#[derive(Debug, Serialize)]
pub struct UnitOption {
    pub id: i64,
    pub label: String,
    pub selected: bool,
}

#[derive(Debug, Serialize)]
pub struct KindOption {
    pub code: &'static str,
    pub label: String,
    pub selected: bool,
}

/// Where a unit may be put: open party committees in tree order, indented by depth (a chi bộ
/// has no units under it); `exclude` are left out. A unit already chosen stays on offer.
pub fn parent_options(tree: &UnitTree, exclude: &[i64], selected: Option<i64>) -> Vec<UnitOption> {
    tree.depth_first()
        .into_iter()
        .filter(|(unit, _)| {
            let fits = unit.is_open() && org::may_be_parent(unit.kind());
            (fits || selected == Some(unit.id)) && !exclude.contains(&unit.id)
        })
        .map(|(unit, depth)| UnitOption {
            id: unit.id,
            label: format!("{}{}", "— ".repeat(depth), unit.name),
            selected: selected == Some(unit.id),
        })
        .collect()
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
    /// The name as lists show it: a chi bộ with its committee.
    pub label: String,
    pub kind: String,
    pub is_cell: bool,
    pub parent: Option<Link>,
    pub valid_from: String,
    pub closed_on: Option<String>,
    pub is_open: bool,
    /// People in the unit and every unit below it.
    pub people: String,
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
    pub secretary: SecretaryForm,
    /// The parent chosen in a refused move; otherwise the current parent is selected.
    #[serde(skip)]
    pub move_to: Option<Option<i64>>,
}

#[derive(Serialize)]
pub struct DetailView {
    pub unit: UnitFacts,
    /// Units below: a committee's; a chi bộ has none, unless from before the rule.
    pub show_children: bool,
    pub can_add_child: bool,
    /// The secretaries' section: on a chi bộ, where a binding from before the rule is left, or
    /// to show why one was refused.
    pub show_secretaries: bool,
    /// Only an open chi bộ takes a new secretary.
    pub can_assign_secretary: bool,
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
    pub tree: UnitTree,
    pub former_names: Vec<FormerName>,
    /// People in the unit and its subtree.
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
        let parent = unit.parent_id.and_then(|p| self.tree.get(p)).map(|p| Link { id: p.id, name: p.name.clone() });
        let children: Vec<Child> = self
            .tree
            .units()
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
        let below = self.tree.subtree(unit.id);
        let selected = forms.move_to.unwrap_or(unit.parent_id);
        let move_options = parent_options(&self.tree, &below, selected);
        let assignable = self.assignable();
        let secretary_choices = self
            .secretary_accounts
            .iter()
            .filter(|(id, _, _)| assignable.contains(id))
            .map(|(id, name, email)| Secretary { id: *id, name: name.clone(), email: email.clone() })
            .collect();
        let is_cell = unit.kind().is_some_and(OrgKind::is_cell);
        DetailView {
            show_children: !is_cell || !children.is_empty(),
            can_add_child: !is_cell && unit.is_open(),
            show_secretaries: is_cell || !self.secretaries.is_empty() || errors.has("secretary"),
            can_assign_secretary: is_cell && unit.is_open(),
            unit: UnitFacts {
                id: unit.id,
                name: unit.name.clone(),
                label: self.tree.label(unit.id),
                kind: kind_label(lang, &unit.kind),
                is_cell,
                parent,
                valid_from: dates::format(unit.valid_from),
                closed_on: unit.closed_on.map(dates::format),
                is_open: unit.is_open(),
                people: numbers::format_int(self.people),
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

/// The dissolution page: what closing the unit means, before it is done.
#[derive(Serialize)]
pub struct CloseView {
    pub id: i64,
    pub label: String,
    pub kind: String,
    pub closed_on: Option<String>,
    /// People who stay on the unit's records (its subtree's).
    pub people: String,
    pub has_people: bool,
    pub secretaries: Vec<Secretary>,
    /// Units below that are still open: while there are any, it cannot be dissolved.
    pub open_children: Vec<Child>,
    pub form: CloseForm,
    pub errors: FieldErrors,
}

/// What the dissolution page shows, read in one go.
pub struct CloseData {
    pub unit: OrgUnit,
    pub tree: UnitTree,
    pub people: i64,
    pub secretaries: Vec<(i64, String, String)>,
}

impl CloseData {
    pub fn label(&self) -> String {
        self.tree.label(self.unit.id)
    }

    pub fn into_view(self, lang: Lang, form: CloseForm, errors: FieldErrors) -> CloseView {
        let unit = &self.unit;
        let open_children = self
            .tree
            .units()
            .iter()
            .filter(|u| u.parent_id == Some(unit.id) && u.is_open())
            .map(|u| Child { id: u.id, name: u.name.clone(), kind: kind_label(lang, &u.kind), closed_on: None })
            .collect();
        CloseView {
            id: unit.id,
            label: self.tree.label(unit.id),
            kind: kind_label(lang, &unit.kind),
            closed_on: unit.closed_on.map(dates::format),
            people: numbers::format_int(self.people),
            has_people: self.people > 0,
            secretaries: self.secretaries.into_iter().map(|(id, name, email)| Secretary { id, name, email }).collect(),
            open_children,
            form,
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
            kind: if id == 3 || id == 4 { "cell" } else { "commune_committee" }.into(),
            name: format!("U{id}"),
            valid_from: date!(2025 - 07 - 01),
            closed_on: None,
        }
    }

    #[test]
    fn people_are_counted_over_the_subtree() {
        let tree = UnitTree::new(vec![unit(1, None), unit(2, Some(1)), unit(3, Some(2)), unit(4, Some(1))]);
        let rows = tree_rows(Lang::Vi, &tree, &[(3, 5), (4, 2), (2, 1), (1, 1227)]);
        let got: Vec<(i64, usize, &str)> = rows.iter().map(|r| (r.id, r.depth, r.people.as_str())).collect();
        assert_eq!(got, vec![(1, 0, "1.235"), (2, 1, "6"), (3, 2, "5"), (4, 1, "2")]);
    }

    #[test]
    fn only_open_committees_are_offered_as_parents() {
        // 3 and 4 are chi bộ, 5 a closed committee.
        let mut units = vec![unit(1, None), unit(2, Some(1)), unit(3, Some(2)), unit(4, Some(1)), unit(5, Some(1))];
        units[4].closed_on = Some(date!(2026 - 01 - 01));
        let tree = UnitTree::new(units);
        let ids = |options: Vec<UnitOption>| options.into_iter().map(|o| o.id).collect::<Vec<_>>();
        assert_eq!(ids(parent_options(&tree, &[], None)), vec![1, 2]);
        assert_eq!(ids(parent_options(&tree, &[2], Some(5))), vec![1, 5], "the current parent stays on offer");
    }
}
