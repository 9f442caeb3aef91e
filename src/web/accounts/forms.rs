//! The account form. Roles and secretary units repeat (several checkboxes), so the form is read
//! from the raw field list rather than a struct of single values. The new-account form also
//! finds the person to link without JavaScript: its "Tìm người" button submits the whole form,
//! which comes back with everything typed and the matching people to choose from.

use serde::Serialize;

use crate::domain::names;
use crate::domain::role::Role;
use crate::i18n::Lang;
use crate::store::users::Account;
use crate::web::forms::{self, FieldErrors};

pub const EMAIL_MAX: usize = 200;
pub const NAME_MAX: usize = 200;

#[derive(Debug, Default, Clone, Serialize)]
pub struct AccountForm {
    pub email: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub units: Vec<String>,
    pub person_id: String,
    /// The name typed to find the person to link.
    pub person_query: String,
    /// The name the people shown were found with, to tell a new search from a kept one.
    pub searched_query: String,
    pub active: bool,
    #[serde(skip)]
    pub intent: Intent,
}

/// What the submit button asked for.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Save the account.
    #[default]
    Save,
    /// Find people by the typed name and show the form again.
    FindPerson,
    /// Enter pressed in a field (the form's hidden default button): a search when a new name
    /// was typed in the search field, otherwise a save. See `AccountForm::resolved_intent`.
    Enter,
}

/// A valid form.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountInput {
    pub email: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub units: Vec<i64>,
    pub person_id: Option<i64>,
    pub active: bool,
}

/// Whose form it is, for the rules that depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Editing {
    /// A new account: the email and the person link are typed.
    New,
    /// Another account: name, roles, units and the active flag.
    Other,
    /// The admin's own account: they may not drop their admin role or deactivate themselves,
    /// or nobody might be left to manage accounts.
    Own,
}

impl AccountForm {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut form = Self::default();
        for (key, value) in pairs {
            match key.as_str() {
                "email" => form.email = value,
                "display_name" => form.display_name = value,
                "role" => form.roles.push(value),
                "unit" => form.units.push(value),
                "person_id" => form.person_id = value,
                "person_query" => form.person_query = value,
                "searched_query" => form.searched_query = value,
                "active" => form.active = forms::checkbox(&value),
                "find_person" => form.intent = Intent::FindPerson,
                "enter" => form.intent = Intent::Enter,
                _ => {}
            }
        }
        form
    }

    pub fn from_account(account: &Account) -> Self {
        Self {
            email: account.user.email.clone(),
            display_name: account.user.display_name.clone(),
            roles: account.roles.iter().map(|r| r.code().to_owned()).collect(),
            units: account.secretary_units.iter().map(i64::to_string).collect(),
            person_id: account.user.person_id.map(|p| p.to_string()).unwrap_or_default(),
            person_query: String::new(),
            searched_query: String::new(),
            active: account.user.active,
            intent: Intent::Save,
        }
    }

    /// What to do: the button pressed, and for Enter, a search when the search field holds a
    /// name other than the one last searched (someone typing a name presses Enter to find
    /// it), a save otherwise.
    pub fn resolved_intent(&self) -> Intent {
        match self.intent {
            Intent::Enter => {
                let typed = names::fold(&self.person_query);
                if !typed.is_empty() && typed != names::fold(&self.searched_query) {
                    Intent::FindPerson
                } else {
                    Intent::Save
                }
            }
            other => other,
        }
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.iter().any(|r| r == role.code())
    }

    pub fn unit_ids(&self) -> Vec<i64> {
        self.units.iter().filter_map(|u| forms::id(u)).collect()
    }

    /// `assignable_units` are the units a secretary may be given here: open chi bộ, and the
    /// units the account already has (so saving never drops one unseen).
    pub fn validate(
        &self,
        lang: Lang,
        editing: Editing,
        assignable_units: &[i64],
    ) -> Result<AccountInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let email = crate::store::users::normalize_email(&self.email);
        if editing == Editing::New {
            if email.is_empty() {
                errors.add(lang, "email", "form.required");
            } else if !forms::looks_like_email(&email) {
                errors.add(lang, "email", "account.error.email");
            } else if email.chars().count() > EMAIL_MAX {
                errors.add(lang, "email", "form.invalid");
            }
        }
        let display_name = forms::required_text(&mut errors, lang, "display_name", &self.display_name, NAME_MAX);

        let mut roles = Vec::new();
        for code in &self.roles {
            match code.parse::<Role>() {
                Ok(role) if !roles.contains(&role) => roles.push(role),
                Ok(_) => {}
                Err(_) => errors.add(lang, "roles", "form.invalid"),
            }
        }
        roles.sort();
        if roles.is_empty() {
            errors.add(lang, "roles", "account.error.no_role");
        }

        let mut units = Vec::new();
        if roles.contains(&Role::Secretary) {
            for input in &self.units {
                match forms::id(input).filter(|id| assignable_units.contains(id)) {
                    Some(id) if !units.contains(&id) => units.push(id),
                    Some(_) => {}
                    None => errors.add(lang, "units", "account.error.unit"),
                }
            }
            if units.is_empty() {
                errors.add(lang, "units", "account.error.no_unit");
            }
            units.sort_unstable();
        }

        let person_id = if editing == Editing::New && !self.person_id.trim().is_empty() {
            let id = forms::id(&self.person_id);
            if id.is_none() {
                errors.add(lang, "person_id", "account.error.person_not_found");
            }
            id
        } else {
            None
        };

        let active = editing == Editing::New || self.active;
        if editing == Editing::Own {
            if !roles.contains(&Role::Admin) {
                errors.add(lang, "roles", "account.error.own_admin");
            }
            if !active {
                errors.add(lang, "active", "account.error.own_active");
            }
        }

        if errors.is_empty() {
            Ok(AccountInput { email, display_name, roles, units, person_id, active })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
        fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn several_roles_and_units_are_read() {
        let form = AccountForm::from_pairs(pairs(&[
            ("email", " Lan@Example.VN "),
            ("display_name", "Nguyễn Thị Lan"),
            ("role", "staff"),
            ("role", "lecturer"),
            ("role", "secretary"),
            ("unit", "3"),
            ("unit", "4"),
        ]));
        let input = form.validate(Lang::Vi, Editing::New, &[3, 4]).unwrap();
        assert_eq!(input.email, "lan@example.vn");
        assert_eq!(input.roles, vec![Role::Staff, Role::Lecturer, Role::Secretary]);
        assert_eq!(input.units, vec![3, 4]);
        assert!(input.active);
    }

    #[test]
    fn an_account_needs_an_email_a_role_and_a_secretary_a_unit() {
        let form = AccountForm::from_pairs(pairs(&[("email", "lan"), ("display_name", "Lan")]));
        let errors = form.validate(Lang::Vi, Editing::New, &[]).unwrap_err();
        assert!(errors.has("email") && errors.has("roles"));
        let form =
            AccountForm::from_pairs(pairs(&[("email", "a@b.vn"), ("display_name", "Lan"), ("role", "secretary")]));
        assert!(form.validate(Lang::Vi, Editing::New, &[1]).unwrap_err().has("units"));
        let form = AccountForm::from_pairs(pairs(&[
            ("email", "a@b.vn"),
            ("display_name", "Lan"),
            ("role", "secretary"),
            ("unit", "9"),
        ]));
        assert!(form.validate(Lang::Vi, Editing::New, &[1]).unwrap_err().has("units"), "not an assignable unit");
    }

    #[test]
    fn the_pressed_button_is_read_and_the_search_text_kept() {
        let form = AccountForm::from_pairs(pairs(&[("person_query", "nguyen an"), ("find_person", "1")]));
        assert_eq!((form.intent, form.person_query.as_str()), (Intent::FindPerson, "nguyen an"));
        assert_eq!(form.resolved_intent(), Intent::FindPerson);
        assert_eq!(AccountForm::from_pairs(pairs(&[("email", "a@b.vn")])).resolved_intent(), Intent::Save);
    }

    #[test]
    fn enter_searches_a_newly_typed_name_and_saves_otherwise() {
        let enter = |query: &str, searched: &str| {
            AccountForm::from_pairs(pairs(&[("person_query", query), ("searched_query", searched), ("enter", "1")]))
                .resolved_intent()
        };
        assert_eq!(enter("Nguyễn An", ""), Intent::FindPerson);
        assert_eq!(enter("nguyen an", "Nguyễn  An"), Intent::Save, "the same name, already searched");
        assert_eq!(enter("Nguyễn Bình", "Nguyễn An"), Intent::FindPerson);
        assert_eq!(enter(" ", ""), Intent::Save);
    }

    #[test]
    fn a_chosen_person_is_kept_by_id() {
        let base = [("email", "an@b.vn"), ("display_name", "An"), ("role", "learner")];
        let mut fields = base.to_vec();
        fields.push(("person_id", "7"));
        assert_eq!(
            AccountForm::from_pairs(pairs(&fields)).validate(Lang::Vi, Editing::New, &[]).unwrap().person_id,
            Some(7)
        );
        let mut fields = base.to_vec();
        fields.push(("person_id", "bảy"));
        assert!(
            AccountForm::from_pairs(pairs(&fields)).validate(Lang::Vi, Editing::New, &[]).unwrap_err().has("person_id")
        );
        assert_eq!(
            AccountForm::from_pairs(pairs(&base)).validate(Lang::Vi, Editing::New, &[]).unwrap().person_id,
            None
        );
    }

    #[test]
    fn units_are_ignored_without_the_secretary_role() {
        let form = AccountForm::from_pairs(pairs(&[("display_name", "Lan"), ("role", "staff"), ("unit", "3")]));
        assert!(form.validate(Lang::Vi, Editing::Other, &[3]).unwrap().units.is_empty());
    }

    #[test]
    fn an_admin_keeps_their_own_admin_role_and_stays_active() {
        let form = AccountForm::from_pairs(pairs(&[("display_name", "Quản trị"), ("role", "staff")]));
        let errors = form.validate(Lang::Vi, Editing::Own, &[]).unwrap_err();
        assert!(errors.has("roles") && errors.has("active"));
        let form = AccountForm::from_pairs(pairs(&[("display_name", "Quản trị"), ("role", "admin"), ("active", "on")]));
        assert!(form.validate(Lang::Vi, Editing::Own, &[]).is_ok());
        let form = AccountForm::from_pairs(pairs(&[("display_name", "Giáo vụ"), ("role", "staff")]));
        assert!(!form.validate(Lang::Vi, Editing::Other, &[]).unwrap().active);
    }
}
