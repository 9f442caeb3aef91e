use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::forms::ProgramForm;
use super::views::{ProgramDetail, ProgramSummary};
use crate::domain::role::Role;
use crate::store::programs::{self, Lesson, Program};
use crate::web::auth::extract::{AdminUser, ProgramReader};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

async fn with_lessons(state: &AppState, id: i64) -> AppResult<(Program, Vec<Lesson>)> {
    state.db(move |c| Ok((programs::find(c, id)?, programs::lessons_of(c, id)?))).await
}

#[derive(Serialize)]
struct ListView {
    programs: Vec<ProgramSummary>,
}

pub async fn list(_: ProgramReader, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let lang = page.lang;
    let programs = state
        .db(move |c| {
            let mut out = Vec::new();
            for p in programs::all(c)? {
                let lessons = programs::lessons_of(c, p.id)?.len();
                out.push(ProgramSummary::new(lang, &p, lessons));
            }
            Ok(out)
        })
        .await?;
    page.titled("program.list_title").render("programs/list", &ListView { programs })
}

#[derive(Serialize)]
struct ShowView {
    program: ProgramDetail,
    can_edit: bool,
}

pub async fn show(
    user: ProgramReader,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (program, lessons) = with_lessons(&state, id).await?;
    let title = program.name.clone();
    let view = ShowView { program: ProgramDetail::new(page.lang, program, lessons), can_edit: user.has(Role::Admin) };
    page.with_title(title).render("programs/show", &view)
}

#[derive(Serialize)]
struct EditView {
    id: i64,
    code: String,
    form: ProgramForm,
    errors: FieldErrors,
}

pub async fn edit_form(
    _: AdminUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (program, lessons) = with_lessons(&state, id).await?;
    let view = EditView {
        id,
        code: program.code.clone(),
        form: ProgramForm::from_program(&program, &lessons),
        errors: FieldErrors::default(),
    };
    page.titled("program.edit_title").render("programs/edit", &view)
}

pub async fn update(
    user: AdminUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    fields: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (program, lessons) = with_lessons(&state, id).await?;
    let form = ProgramForm::from_fields(fields.into_inner());
    let existing: Vec<i64> = lessons.iter().map(|l| l.id).collect();
    match form.validate(page.lang, &existing) {
        Err(errors) => {
            let view = EditView { id, code: program.code, form, errors };
            page.titled("program.edit_title").render_status(StatusCode::UNPROCESSABLE_ENTITY, "programs/edit", &view)
        }
        Ok((changes, lessons)) => {
            let actor = user.actor();
            match state.db(move |c| programs::update(c, &actor, id, &changes, &lessons)).await {
                Ok(()) => {
                    page.flash("success", "common.saved");
                    Ok(see_other(&format!("/programs/{id}")))
                }
                Err(AppError::Conflict(key)) => {
                    let mut errors = FieldErrors::default();
                    errors.add(page.lang, "lessons", key);
                    let view = EditView { id, code: program.code, form, errors };
                    page.titled("program.edit_title").render_status(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "programs/edit",
                        &view,
                    )
                }
                Err(e) => Err(e),
            }
        }
    }
}
