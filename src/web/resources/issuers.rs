//! Organisers (đơn vị tổ chức) that issue certificates under their own register: the school, a
//! commune political centre or a Party committee, each with its name as documents print it,
//! the place its documents are dated at, and its signer. A class's signer starts as its
//! organiser's.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::{Field, Opt, RecordForm};
use crate::domain::org::OrgKind;
use crate::i18n::{self, Lang};
use crate::store::issuers::{self, Issuer, IssuerInput, KINDS};
use crate::store::orgs::UnitTree;
use crate::store::{DbConn, StoreResult};
use crate::web::auth::extract::StaffUser;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{self, FieldErrors};
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

#[derive(Debug, Default, Clone)]
struct IssuerForm {
    kind: String,
    superior_name: String,
    name: String,
    org_unit_id: String,
    place: String,
    signer_delegation: String,
    signer_title: String,
    signer_name: String,
    active: bool,
}

/// Party committees an organiser may belong to, labelled, in tree order.
fn committees(c: &mut DbConn) -> StoreResult<Vec<(i64, String)>> {
    let tree = UnitTree::load(c)?;
    Ok(tree
        .depth_first()
        .into_iter()
        .filter(|(u, _)| u.is_open() && !u.kind().is_some_and(OrgKind::is_cell))
        .map(|(u, _)| (u.id, tree.label(u.id)))
        .collect())
}

impl IssuerForm {
    fn of(i: &Issuer) -> Self {
        Self {
            kind: i.kind.clone(),
            superior_name: i.superior_name.clone(),
            name: i.name.clone(),
            org_unit_id: i.org_unit_id.map(|u| u.to_string()).unwrap_or_default(),
            place: i.place.clone(),
            signer_delegation: i.signer_delegation.clone(),
            signer_title: i.signer_title.clone(),
            signer_name: i.signer_name.clone(),
            active: i.active,
        }
    }

    fn read(fields: Vec<(String, String)>) -> Self {
        let map: HashMap<String, String> = fields.into_iter().collect();
        let get = |k: &str| map.get(k).cloned().unwrap_or_default();
        Self {
            kind: get("kind"),
            superior_name: get("superior_name"),
            name: get("name"),
            org_unit_id: get("org_unit_id"),
            place: get("place"),
            signer_delegation: get("signer_delegation"),
            signer_title: get("signer_title"),
            signer_name: get("signer_name"),
            active: forms::checkbox(&get("active")),
        }
    }

    fn validate(&self, lang: Lang, units: &[(i64, String)]) -> Result<IssuerInput, FieldErrors> {
        let mut e = FieldErrors::default();
        let kind = self.kind.trim();
        if !KINDS.contains(&kind) {
            e.add(lang, "kind", "issuer.error.kind");
        }
        let name = forms::required_text(&mut e, lang, "name", &self.name, 200);
        let place = forms::required_text(&mut e, lang, "place", &self.place, 100);
        let signer_title = forms::required_text(&mut e, lang, "signer_title", &self.signer_title, 100);
        let signer_name = forms::required_text(&mut e, lang, "signer_name", &self.signer_name, 100);
        let superior_name = forms::text(&self.superior_name);
        let signer_delegation = forms::text(&self.signer_delegation);
        for (field, value, max) in
            [("superior_name", &superior_name, 200), ("signer_delegation", &signer_delegation, 100)]
        {
            if value.chars().count() > max {
                e.add_text(field, i18n::t_with(lang, "form.too_long", &[("max", &max.to_string())]));
            }
        }
        let org_unit_id = match self.org_unit_id.trim() {
            "" => None,
            typed => {
                let id = forms::id(typed).filter(|id| units.iter().any(|u| u.0 == *id));
                if id.is_none() {
                    e.add(lang, "org_unit_id", "issuer.error.org_unit");
                }
                id
            }
        };
        if !e.is_empty() {
            return Err(e);
        }
        Ok(IssuerInput {
            kind: kind.to_owned(),
            superior_name,
            name,
            org_unit_id,
            place,
            signer_delegation,
            signer_title,
            signer_name,
            active: self.active,
        })
    }

    fn fields(&self, lang: Lang, units: &[(i64, String)]) -> Vec<Field> {
        let kinds = KINDS
            .iter()
            .map(|k| Opt {
                value: (*k).into(),
                label: i18n::t(lang, &format!("issuer.kind.{k}")),
                selected: self.kind == *k,
            })
            .collect();
        let units = units
            .iter()
            .map(|(id, label)| Opt {
                value: id.to_string(),
                label: label.clone(),
                selected: self.org_unit_id == id.to_string(),
            })
            .collect();
        vec![
            Field::select(lang, "kind", "issuer.kind_label", kinds).required(),
            Field::text(lang, "superior_name", "issuer.superior_name", &self.superior_name, 200)
                .placeholder("TỈNH ỦY ĐẮK LẮK")
                .hint(lang, "issuer.superior_hint"),
            Field::text(lang, "name", "issuer.name", &self.name, 200)
                .required()
                .placeholder("TRƯỜNG CHÍNH TRỊ TỈNH ĐẮK LẮK"),
            Field::select(lang, "org_unit_id", "issuer.org_unit", units).blank(lang, "common.none"),
            Field::text(lang, "place", "issuer.place", &self.place, 100).required().hint(lang, "venue.place_hint"),
            Field::text(lang, "signer_delegation", "class.signer_delegation", &self.signer_delegation, 100)
                .placeholder("KT. HIỆU TRƯỞNG")
                .hint(lang, "issuer.delegation_hint"),
            Field::text(lang, "signer_title", "class.signer_title", &self.signer_title, 100)
                .required()
                .placeholder("PHÓ HIỆU TRƯỞNG"),
            Field::text(lang, "signer_name", "class.signer_name", &self.signer_name, 100).required(),
            Field::checkbox(lang, "active", "issuer.active", self.active),
        ]
    }
}

#[derive(Serialize)]
struct Row {
    id: i64,
    name: String,
    superior_name: String,
    kind: String,
    place: String,
    signer: String,
    active: bool,
}

#[derive(Serialize)]
struct ListView {
    rows: Vec<Row>,
}

pub async fn list(_: StaffUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let lang = page.lang;
    let all = state.db(issuers::all).await?;
    let rows = all
        .into_iter()
        .map(|i| Row {
            kind: i18n::t(lang, &format!("issuer.kind.{}", i.kind)),
            signer: [i.signer_delegation.as_str(), i.signer_title.as_str(), i.signer_name.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" / "),
            id: i.id,
            name: i.name,
            superior_name: i.superior_name,
            place: i.place,
            active: i.active,
        })
        .collect();
    page.titled("issuer.list_title").render("resources/issuers", &ListView { rows })
}

#[derive(Serialize)]
struct FormView {
    heading: String,
    form: RecordForm,
}

fn form_view(
    lang: Lang,
    heading: String,
    action: String,
    form: &IssuerForm,
    units: &[(i64, String)],
    errors: &FieldErrors,
) -> FormView {
    FormView { heading, form: RecordForm::new(lang, action, Some("/issuers"), form.fields(lang, units), errors) }
}

pub async fn new_form(_: StaffUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let units = state.db(committees).await?;
    let form = IssuerForm { kind: "commune_centre".into(), active: true, ..Default::default() };
    let view = form_view(page.lang, page.t("issuer.new"), "/issuers".into(), &form, &units, &FieldErrors::default());
    page.titled("issuer.new").render("resources/form", &view)
}

pub async fn create(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    fields: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let units = state.db(committees).await?;
    let form = IssuerForm::read(fields.into_inner());
    let errors = match form.validate(page.lang, &units) {
        Ok(input) => {
            let actor = user.actor();
            match state.db(move |c| issuers::create(c, &actor, &input)).await {
                Ok(_) => {
                    page.flash("success", "common.saved");
                    return Ok(see_other("/issuers"));
                }
                Err(AppError::Conflict(key)) => {
                    let mut errors = FieldErrors::default();
                    errors.add(page.lang, "name", key);
                    errors
                }
                Err(e) => return Err(e),
            }
        }
        Err(errors) => errors,
    };
    let view = form_view(page.lang, page.t("issuer.new"), "/issuers".into(), &form, &units, &errors);
    page.titled("issuer.new").render_status(StatusCode::UNPROCESSABLE_ENTITY, "resources/form", &view)
}

pub async fn edit_form(
    _: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (issuer, units) = state.db(move |c| Ok((issuers::find(c, id)?, committees(c)?))).await?;
    let view = form_view(
        page.lang,
        issuer.name.clone(),
        format!("/issuers/{id}"),
        &IssuerForm::of(&issuer),
        &units,
        &FieldErrors::default(),
    );
    page.with_title(issuer.name).render("resources/form", &view)
}

pub async fn update(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    fields: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (issuer, units) = state.db(move |c| Ok((issuers::find(c, id)?, committees(c)?))).await?;
    let form = IssuerForm::read(fields.into_inner());
    let errors = match form.validate(page.lang, &units) {
        Ok(input) => {
            let actor = user.actor();
            match state.db(move |c| issuers::update(c, &actor, id, &input)).await {
                Ok(()) => {
                    page.flash("success", "common.saved");
                    return Ok(see_other("/issuers"));
                }
                Err(AppError::Conflict(key)) => {
                    let mut errors = FieldErrors::default();
                    errors.add(page.lang, "name", key);
                    errors
                }
                Err(e) => return Err(e),
            }
        }
        Err(errors) => errors,
    };
    let view = form_view(page.lang, issuer.name.clone(), format!("/issuers/{id}"), &form, &units, &errors);
    page.with_title(issuer.name).render_status(StatusCode::UNPROCESSABLE_ENTITY, "resources/form", &view)
}
