//! The forms of the organisation pages, and what they become once valid.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::domain::org::{self, OrgKind};
use crate::i18n::Lang;
use crate::store::orgs::{NewOrgUnit, OrgUnit};
use crate::web::forms::{self, FieldErrors};

pub const NAME_MAX: usize = 200;

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct NewUnitForm {
    pub name: String,
    pub kind: String,
    pub parent: String,
    pub valid_from: String,
}

impl NewUnitForm {
    /// `units` are all units, to check the chosen parent.
    pub fn validate(&self, lang: Lang, units: &[OrgUnit]) -> Result<NewOrgUnit, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = forms::required_text(&mut errors, lang, "name", &self.name, NAME_MAX);
        let kind = OrgKind::parse(self.kind.trim());
        if kind.is_none() {
            errors.add(lang, "kind", if self.kind.trim().is_empty() { "form.required" } else { "form.invalid" });
        }
        let parent_id = parent_choice(&mut errors, lang, "parent", &self.parent, units);
        let valid_from = forms::required_date(&mut errors, lang, "valid_from", &self.valid_from);
        match (kind, valid_from) {
            (Some(kind), Some(valid_from)) if errors.is_empty() => {
                Ok(NewOrgUnit { parent_id, kind: kind.code().to_owned(), name, valid_from })
            }
            _ => Err(errors),
        }
    }
}

/// An optional parent from a select: empty means the top of the tree; anything else must be an
/// open party committee (a chi bộ has no units under it).
fn parent_choice(
    errors: &mut FieldErrors,
    lang: Lang,
    field: &'static str,
    input: &str,
    units: &[OrgUnit],
) -> Option<i64> {
    if input.trim().is_empty() {
        return None;
    }
    match forms::id(input).and_then(|id| units.iter().find(|u| u.id == id)) {
        None => {
            errors.add(lang, field, "form.invalid");
            None
        }
        Some(unit) if !unit.is_open() => {
            errors.add(lang, field, "org.error.parent_closed");
            None
        }
        Some(unit) if !org::may_be_parent(unit.kind()) => {
            errors.add(lang, field, "org.error.parent_is_cell");
            None
        }
        Some(unit) => Some(unit.id),
    }
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct RenameForm {
    pub name: String,
    pub effective: String,
}

impl RenameForm {
    pub fn validate(&self, lang: Lang, current: &OrgUnit) -> Result<(String, Date), FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = forms::required_text(&mut errors, lang, "rename_name", &self.name, NAME_MAX);
        if !name.is_empty() && name == current.name {
            errors.add(lang, "rename_name", "orgs.error.same_name");
        }
        let effective = forms::required_date(&mut errors, lang, "rename_effective", &self.effective);
        match effective {
            Some(effective) if errors.is_empty() => Ok((name, effective)),
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct MoveForm {
    pub parent: String,
}

impl MoveForm {
    pub fn validate(&self, lang: Lang, units: &[OrgUnit]) -> Result<Option<i64>, FieldErrors> {
        let mut errors = FieldErrors::default();
        let parent = parent_choice(&mut errors, lang, "move_parent", &self.parent, units);
        if errors.is_empty() { Ok(parent) } else { Err(errors) }
    }
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct CloseForm {
    pub closed_on: String,
}

impl CloseForm {
    pub fn validate(&self, lang: Lang) -> Result<Date, FieldErrors> {
        let mut errors = FieldErrors::default();
        match forms::required_date(&mut errors, lang, "closed_on", &self.closed_on) {
            Some(date) => Ok(date),
            None => Err(errors),
        }
    }
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct SecretaryForm {
    pub user_id: String,
    /// "assign" or "unassign".
    pub action: String,
}

impl SecretaryForm {
    /// The account and whether it is to be bound. `choices` are the accounts that may be
    /// assigned, `bound` those already bound.
    pub fn validate(&self, lang: Lang, choices: &[i64], bound: &[i64]) -> Result<(i64, bool), FieldErrors> {
        let mut errors = FieldErrors::default();
        let assign = self.action != "unassign";
        let allowed = if assign { choices } else { bound };
        match forms::id(&self.user_id) {
            Some(id) if allowed.contains(&id) => return Ok((id, assign)),
            None if self.user_id.trim().is_empty() => errors.add(lang, "secretary", "form.required"),
            _ => errors.add(lang, "secretary", "form.invalid"),
        }
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn unit(id: i64, closed: bool) -> OrgUnit {
        OrgUnit {
            id,
            parent_id: None,
            kind: "commune_committee".into(),
            name: format!("Đảng bộ xã {id}"),
            valid_from: date!(2025 - 07 - 01),
            closed_on: closed.then_some(date!(2026 - 01 - 01)),
        }
    }

    #[test]
    fn a_new_unit_needs_name_kind_and_date() {
        let form =
            NewUnitForm { name: "  ".into(), kind: "district".into(), parent: "".into(), valid_from: "x".into() };
        let errors = form.validate(Lang::Vi, &[]).unwrap_err();
        assert!(errors.has("name") && errors.has("kind") && errors.has("valid_from"));
        let form = NewUnitForm {
            name: "Chi bộ thôn 9".into(),
            kind: "cell".into(),
            parent: "1".into(),
            valid_from: "01/01/2026".into(),
        };
        let new = form.validate(Lang::Vi, &[unit(1, false)]).unwrap();
        assert_eq!(new.parent_id, Some(1));
        assert_eq!(new.valid_from, date!(2026 - 01 - 01));
    }

    #[test]
    fn a_closed_or_unknown_parent_is_refused() {
        let form = MoveForm { parent: "2".into() };
        assert!(form.validate(Lang::Vi, &[unit(2, true)]).unwrap_err().has("move_parent"));
        assert!(form.validate(Lang::Vi, &[unit(1, false)]).unwrap_err().has("move_parent"));
        assert_eq!(MoveForm { parent: "".into() }.validate(Lang::Vi, &[]).unwrap(), None);
    }

    #[test]
    fn a_chi_bo_cannot_be_a_parent() {
        let mut cell = unit(3, false);
        cell.kind = "grassroots_cell".into();
        let form = NewUnitForm {
            name: "Chi bộ thôn 9".into(),
            kind: "cell".into(),
            parent: "3".into(),
            valid_from: "01/01/2026".into(),
        };
        let errors = form.validate(Lang::Vi, std::slice::from_ref(&cell)).unwrap_err();
        assert_eq!(
            serde_json::to_value(&errors).unwrap()["parent"],
            crate::i18n::t(Lang::Vi, "org.error.parent_is_cell").as_str()
        );
        assert!(MoveForm { parent: "3".into() }.validate(Lang::Vi, &[cell]).unwrap_err().has("move_parent"));
    }

    #[test]
    fn renaming_to_the_same_name_is_refused() {
        let current = unit(1, false);
        let form = RenameForm { name: current.name.clone(), effective: "01/01/2026".into() };
        assert!(form.validate(Lang::Vi, &current).unwrap_err().has("rename_name"));
    }

    #[test]
    fn only_listed_accounts_can_be_bound_or_unbound() {
        let assign = SecretaryForm { user_id: "5".into(), action: "assign".into() };
        assert_eq!(assign.validate(Lang::Vi, &[5], &[]).unwrap(), (5, true));
        assert!(assign.validate(Lang::Vi, &[6], &[5]).is_err());
        let unassign = SecretaryForm { user_id: "5".into(), action: "unassign".into() };
        assert_eq!(unassign.validate(Lang::Vi, &[], &[5]).unwrap(), (5, false));
    }
}
