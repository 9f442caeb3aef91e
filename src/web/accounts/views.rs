//! What the account templates receive.

use serde::Serialize;

use super::forms::AccountForm;
use crate::domain::role::Role;
use crate::i18n::{self, Lang};
use crate::store::users::AccountRow;
use crate::web::forms::FieldErrors;
use crate::web::orgs::views::UnitOption;

#[derive(Serialize)]
pub struct Row {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub active: bool,
}

#[derive(Serialize)]
pub struct ListView {
    pub total: usize,
    pub rows: Vec<Row>,
}

pub fn list_view(lang: Lang, accounts: Vec<AccountRow>) -> ListView {
    ListView {
        total: accounts.len(),
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

#[derive(Serialize)]
pub struct FormView {
    /// None for a new account.
    pub account_id: Option<i64>,
    pub is_self: bool,
    pub form: AccountForm,
    pub roles: Vec<RoleOption>,
    pub units: Vec<UnitOption>,
    /// The linked person's name, when editing an account that has one.
    pub person: Option<String>,
    pub errors: FieldErrors,
}

/// The one-time password, shown once after creating an account or resetting its password.
#[derive(Serialize)]
pub struct PasswordView {
    pub account_id: i64,
    pub email: String,
    pub display_name: String,
    pub password: String,
}
