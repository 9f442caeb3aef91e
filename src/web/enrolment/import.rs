//! Importing a class's roster from a file (nhập từ tệp): the upload form with the template to
//! download, the preview of every row — its errors and warnings and what importing would do with
//! it — before anything is saved, and "Xác nhận nhập", which commits the file in one
//! transaction. The file waits in the database between the two, under a random token that only
//! the uploader's session holds. A file over the configured size gets a 413 page that says so.

use actix_multipart::Multipart;
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use super::roster::{XLSX_TYPE, attachment};
use super::views::ClassInfo;
use crate::credentials::token::random_token;
use crate::domain::enrolment::NEW_MEMBER_PROGRAM;
use crate::domain::{dates, names, numbers};
use crate::export::xlsx::{self, Cell, Sheet};
use crate::i18n::{self, Lang};
use crate::import::roster::{Action, Column, EXAMPLE_CITIZEN_ID, EXAMPLE_NAME, FileProblem, Plan, Severity};
use crate::import::{self, Format};
use crate::mail::nominations;
use crate::store::enrolments::Enrolment;
use crate::store::imports::{self, Committed};
use crate::store::people::Person;
use crate::store::{DbConn, Scope, StoreError, orgs, write_tx};
use crate::web::auth::extract::StaffUser;
use crate::web::error::{AppError, AppResult};
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

/// Clean rows shown in the preview besides every row with a problem.
const CLEAN_ROWS_SHOWN: usize = 300;
/// After a file is found too large, at most this much more of the request is read (and
/// dropped), so that the browser, still sending, receives the 413 page.
const DRAIN_LIMIT: usize = 64 * 1024 * 1024;
/// The extensions a roster file may have (Excel's "Unicode text" is a .txt file).
const EXTENSIONS: [&str; 3] = ["xlsx", "csv", "txt"];
/// Tokens of uploads waiting for their commit, in the session.
const SESSION_KEY: &str = "imports";

/// A size as people read it: "5 MB", "2,5 MB", "512 KB".
fn size_label(bytes: usize) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    if (bytes as f64) < MB {
        return format!("{} KB", numbers::format_int((bytes as i64 + 1023) / 1024));
    }
    let tenths = (bytes as f64 / MB * 10.0).round() as i32;
    let n = if tenths % 10 == 0 { numbers::format_int(i64::from(tenths / 10)) } else { numbers::format_tenths(tenths) };
    format!("{n} MB")
}

// ---------------------------------------------------------------------------------------------
// The upload form

#[derive(Serialize)]
struct FormView {
    class: ClassInfo,
    max_size: String,
    columns: Vec<ColumnHelp>,
    problems: Vec<String>,
}

#[derive(Serialize)]
struct ColumnHelp {
    header: &'static str,
    required: bool,
}

fn columns() -> Vec<ColumnHelp> {
    Column::ALL.into_iter().map(|c| ColumnHelp { header: c.header(), required: c.required() }).collect()
}

fn render_form(
    page: Page,
    state: &AppState,
    status: StatusCode,
    class: ClassInfo,
    problems: Vec<String>,
) -> AppResult<HttpResponse> {
    let title = i18n::t_with(page.lang, "import.title_of", &[("class", &class.short_name)]);
    let view = FormView { class, max_size: size_label(state.config.import_max_bytes), columns: columns(), problems };
    page.with_title(title).render_status(status, "enrolment/import", &view)
}

pub async fn form(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let class = state.db(move |c| ClassInfo::load(c, id)).await?;
    render_form(page, &state, StatusCode::OK, class, Vec::new())
}

// ---------------------------------------------------------------------------------------------
// Upload and preview

enum UploadError {
    TooLarge(Option<String>),
    Malformed,
}

/// The file of the form, read up to `limit` bytes: (its name as the browser gave it, the bytes),
/// or None when no file was chosen. The name is only shown, never used as a path.
async fn read_upload(mut payload: Multipart, limit: usize) -> Result<Option<(String, Vec<u8>)>, UploadError> {
    let mut file = None;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|_| UploadError::Malformed)?;
        let is_file = field.name() == Some("file");
        let name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(|n| names::clean(n).chars().take(200).collect::<String>())
            .unwrap_or_default();
        let field_limit = if is_file { limit } else { 4096 };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| UploadError::Malformed)?;
            if bytes.len() + chunk.len() > field_limit {
                if !is_file {
                    return Err(UploadError::Malformed);
                }
                drain(field, payload).await;
                return Err(UploadError::TooLarge(Some(name).filter(|n| !n.is_empty())));
            }
            bytes.extend_from_slice(&chunk);
        }
        if is_file && !bytes.is_empty() {
            file = Some((name, bytes));
        }
    }
    Ok(file)
}

/// Reads what is left of the request and drops it, up to `DRAIN_LIMIT`.
async fn drain(mut field: actix_multipart::Field, mut payload: Multipart) {
    let mut read = 0usize;
    while let Some(Ok(chunk)) = field.next().await {
        read += chunk.len();
        if read > DRAIN_LIMIT {
            return;
        }
    }
    // The form yields its next field only once this one is gone.
    drop(field);
    while let Some(Ok(mut next)) = payload.next().await {
        while let Some(Ok(chunk)) = next.next().await {
            read += chunk.len();
            if read > DRAIN_LIMIT {
                return;
            }
        }
    }
}

fn too_large(page: Page, state: &AppState, class: ClassInfo, file_name: Option<String>) -> AppResult<HttpResponse> {
    #[derive(Serialize)]
    struct TooLargeView {
        class: ClassInfo,
        file_name: Option<String>,
        max_size: String,
    }
    let view = TooLargeView { class, file_name, max_size: size_label(state.config.import_max_bytes) };
    page.titled("import.too_large.title").render_status(StatusCode::PAYLOAD_TOO_LARGE, "enrolment/too_large", &view)
}

#[derive(Serialize)]
struct PreviewView {
    class: ClassInfo,
    file_name: String,
    format: String,
    summary: Vec<SummaryLine>,
    ignored_columns: String,
    rows: Vec<PreviewRow>,
    hidden_rows: String,
    token: String,
    can_commit: bool,
    commit_label: String,
    nothing_to_do: bool,
}

#[derive(Serialize)]
struct SummaryLine {
    label: String,
    n: String,
}

#[derive(Serialize)]
struct PreviewRow {
    line: usize,
    full_name: String,
    date_of_birth: String,
    citizen_id: String,
    unit: String,
    action: String,
    action_tag: &'static str,
    problems: Vec<ProblemLine>,
}

#[derive(Serialize)]
struct ProblemLine {
    text: String,
    error: bool,
}

fn preview_view(
    lang: Lang,
    class: ClassInfo,
    file_name: String,
    format: Format,
    plan: &Plan,
    labels: &std::collections::HashMap<i64, String>,
    token: String,
) -> PreviewView {
    let s = plan.summary();
    let n = |v: usize| numbers::format_int(v as i64);
    let summary = [
        ("import.summary.rows", s.rows),
        ("import.summary.create", s.create),
        ("import.summary.enrol", s.enrol),
        ("import.summary.approve", s.approve),
        ("import.summary.skipped", s.skipped),
        ("import.summary.errors", s.with_errors),
        ("import.summary.warnings", s.with_warnings),
    ]
    .into_iter()
    .map(|(key, v)| SummaryLine { label: i18n::t(lang, key), n: n(v) })
    .collect();
    let mut clean_shown = 0;
    let mut hidden = 0;
    let mut rows = Vec::new();
    for row in &plan.rows {
        if row.problems.is_empty() {
            if clean_shown == CLEAN_ROWS_SHOWN {
                hidden += 1;
                continue;
            }
            clean_shown += 1;
        }
        let f = &row.fields;
        rows.push(PreviewRow {
            line: row.line,
            full_name: f.full_name.clone(),
            date_of_birth: dates::format_opt(f.date_of_birth),
            citizen_id: f.citizen_id.clone().unwrap_or_default(),
            unit: f.org_unit_id.and_then(|id| labels.get(&id).cloned()).unwrap_or_else(|| f.cell_text.clone()),
            action: i18n::t(lang, row.action.key()),
            action_tag: match row.action {
                Action::Skip(crate::import::roster::Skip::Errors) => "tag-err",
                Action::Skip(_) => "tag-muted",
                _ => "tag-ok",
            },
            problems: row
                .problems
                .iter()
                .map(|p| ProblemLine { text: p.message(lang), error: p.severity == Severity::Error })
                .collect(),
        });
    }
    let enrolling = s.enrolling();
    PreviewView {
        can_commit: enrolling > 0 && class.open,
        commit_label: i18n::t_with(lang, "import.commit", &[("n", &n(enrolling))]),
        nothing_to_do: enrolling == 0,
        class,
        file_name,
        format: i18n::t(lang, format.label_key()),
        summary,
        ignored_columns: plan.ignored_columns.join(", "),
        rows,
        hidden_rows: if hidden > 0 {
            i18n::t_with(lang, "import.hidden_rows", &[("n", &n(hidden))])
        } else {
            String::new()
        },
        token,
    }
}

pub async fn upload(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    payload: Multipart,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let lang = page.lang;
    let class = state.db(move |c| ClassInfo::load(c, id)).await?;
    let (file_name, bytes) = match read_upload(payload, state.config.import_max_bytes).await {
        Ok(Some(file)) => file,
        Ok(None) => {
            return render_form(
                page,
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                class,
                vec![i18n::t(lang, "import.error.no_file")],
            );
        }
        Err(UploadError::TooLarge(name)) => return too_large(page, &state, class, name),
        Err(UploadError::Malformed) => return Err(AppError::BadRequest("import.error.malformed")),
    };
    let extension = file_name.rsplit_once('.').map(|(_, e)| e.to_lowercase());
    if extension.as_deref().is_some_and(|e| !EXTENSIONS.contains(&e)) {
        let problem = i18n::t(lang, "import.error.extension");
        return render_form(page, &state, StatusCode::UNPROCESSABLE_ENTITY, class, vec![problem]);
    }
    if !class.open {
        let problem = i18n::t(lang, "import.error.class_not_open");
        return render_form(page, &state, StatusCode::UNPROCESSABLE_ENTITY, class, vec![problem]);
    }
    let table = match web::block(move || import::read(&bytes).map(|t| (t, bytes))).await? {
        Ok(read) => read,
        Err(e) => {
            let problem = e.message(lang);
            return render_form(page, &state, StatusCode::UNPROCESSABLE_ENTITY, class, vec![problem]);
        }
    };
    let (table, bytes) = table;
    let token = random_token();
    let (user_id, today, now) = (user.id(), state.clock().today(), state.clock().now_utc());
    let (kept, name) = (token.clone(), file_name.clone());
    let format = table.format;
    let planned = state
        .db(move |c| {
            let plan = imports::preview(c, id, &table, today)?;
            if plan.is_ok() {
                imports::save_upload(c, &kept, user_id, id, &name, &bytes, now)?;
            }
            let labels = orgs::cell_labels(c)?;
            Ok((plan, labels))
        })
        .await?;
    match planned {
        (Err(problems), _) => {
            let problems = problems.iter().map(|p| p.message(lang)).collect();
            render_form(page, &state, StatusCode::UNPROCESSABLE_ENTITY, class, problems)
        }
        (Ok(plan), labels) => {
            remember(&page.session().0.clone(), &token);
            let title = i18n::t_with(lang, "import.preview.title_of", &[("class", &class.short_name)]);
            let view = preview_view(lang, class, file_name, format, &plan, &labels, token);
            page.with_title(title).render("enrolment/preview", &view)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Commit

fn tokens(session: &Session) -> Vec<String> {
    session.get::<Vec<String>>(SESSION_KEY).ok().flatten().unwrap_or_default()
}

/// Keeps an upload's token in the session (the last few only: each is a preview left open).
fn remember(session: &Session, token: &str) {
    let mut all = tokens(session);
    all.push(token.to_owned());
    let keep = all.len().saturating_sub(4);
    let _ = session.insert(SESSION_KEY, &all[keep..]);
}

fn forget(session: &Session, token: &str) {
    let all: Vec<String> = tokens(session).into_iter().filter(|t| t != token).collect();
    let _ = session.insert(SESSION_KEY, all);
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CommitForm {
    upload: String,
}

enum CommitOutcome {
    Gone,
    FileChanged(Vec<FileProblem>),
    Done { plan: Plan, committed: Committed, invited: usize },
}

pub async fn commit(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<CommitForm>,
) -> AppResult<HttpResponse> {
    let class_id = path.into_inner();
    let lang = page.lang;
    let session = page.session().0.clone();
    let token = form.upload.trim().to_owned();
    let back = format!("/classes/{class_id}/import");
    if token.is_empty() || !tokens(&session).contains(&token) {
        page.flash("error", "import.error.gone");
        return Ok(see_other(&back));
    }
    let (user_id, actor, mail) = (user.id(), user.actor(), state.mail_context());
    let (today, now) = (state.clock().today(), state.clock().now_utc());
    let kept = token.clone();
    let outcome = state
        .db(move |c| {
            write_tx(c, |c| {
                let upload = match imports::find_upload(c, &kept, user_id, class_id, now) {
                    Ok(upload) => upload,
                    Err(StoreError::NotFound) => return Ok(CommitOutcome::Gone),
                    Err(e) => return Err(e),
                };
                let table = import::read(&upload.bytes).map_err(|_| StoreError::Conflict("import.error.changed"))?;
                let mut invited = 0;
                let mut after = |c: &mut DbConn, learners: &[(Person, Option<Enrolment>)]| {
                    invited += nominations::learners_enrolled(c, &mail, &actor, learners)?;
                    Ok(())
                };
                let result = imports::import(c, &actor, class_id, &table, today, now, &mut after)?;
                match result {
                    Err(problems) => Ok(CommitOutcome::FileChanged(problems)),
                    Ok((plan, committed)) => {
                        imports::delete_upload(c, upload.id)?;
                        Ok(CommitOutcome::Done { plan, committed, invited })
                    }
                }
            })
        })
        .await;
    let outcome = match outcome {
        Err(AppError::Conflict(key)) => {
            page.flash("error", key);
            return Ok(see_other(&back));
        }
        other => other?,
    };
    match outcome {
        CommitOutcome::Gone => {
            forget(&session, &token);
            page.flash("error", "import.error.gone");
            Ok(see_other(&back))
        }
        CommitOutcome::FileChanged(problems) => {
            for p in &problems {
                page.flash_text("error", p.message(lang));
            }
            Ok(see_other(&back))
        }
        CommitOutcome::Done { plan, committed, invited } => {
            forget(&session, &token);
            let n = |v: usize| numbers::format_int(v as i64);
            let skipped = plan.summary().skipped;
            page.flash_text(
                "success",
                i18n::t_with(
                    lang,
                    "import.done",
                    &[
                        ("created", &n(committed.created)),
                        ("enrolled", &n(committed.enrolled)),
                        ("approved", &n(committed.approved)),
                        ("skipped", &n(skipped)),
                    ],
                ),
            );
            if invited > 0 {
                page.flash_text("info", i18n::t_with(lang, "import.invited", &[("n", &n(invited))]));
            }
            if committed.learners() > 0 {
                state.wake_mail_worker();
            }
            Ok(see_other(&format!("/classes/{class_id}/roster")))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Templates

/// The template's example row, for a class of this program.
fn example(program_code: &str, cell: &str) -> Vec<(Column, Cell)> {
    let new_member = program_code == NEW_MEMBER_PROGRAM;
    let date = |y, m, d| time::Date::from_calendar_date(y, time::Month::try_from(m).expect("month"), d).expect("date");
    vec![
        (Column::FullName, EXAMPLE_NAME.into()),
        (Column::SortName, Cell::Empty),
        (Column::DateOfBirth, Cell::Date(date(1998, 6, 5))),
        (Column::Sex, "Nam".into()),
        (Column::Hometown, "Buôn Ma Thuột, Đắk Lắk".into()),
        (Column::CitizenId, EXAMPLE_CITIZEN_ID.into()),
        (Column::Email, "nguyenvana@example.vn".into()),
        (Column::Phone, "0912345678".into()),
        (Column::Cell, cell.into()),
        (Column::Status, if new_member { "Đảng viên dự bị" } else { "Quần chúng ưu tú" }.into()),
        (Column::AdmissionDecision, if new_member { Cell::Date(date(2026, 3, 1)) } else { Cell::Empty }),
        (Column::Ceremony, if new_member { Cell::Date(date(2026, 3, 15)) } else { Cell::Empty }),
    ]
}

async fn template_facts(state: &AppState, id: i64) -> AppResult<(ClassInfo, String)> {
    state
        .db(move |c| {
            let class = ClassInfo::load(c, id)?;
            let cell = match orgs::open_cells(c, &Scope::All)?.first() {
                Some(first) => orgs::label(c, first.id)?,
                None => String::new(),
            };
            Ok((class, cell))
        })
        .await
}

pub async fn template_xlsx(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let (class, cell) = template_facts(&state, path.into_inner()).await?;
    let row = example(&class.program_code, &cell);
    let sheet = Sheet {
        name: i18n::t(page.lang, "roster.xlsx.sheet"),
        title: Vec::new(),
        headers: row.iter().map(|(c, _)| c.header().to_owned()).collect(),
        widths: vec![26.0, 14.0, 12.0, 9.0, 26.0, 15.0, 26.0, 13.0, 50.0, 18.0, 14.0, 14.0],
        rows: vec![row.into_iter().map(|(_, v)| v).collect()],
    };
    let bytes = xlsx::workbook(&[sheet]).map_err(|e| AppError::Unexpected(e.into()))?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, XLSX_TYPE))
        .insert_header((CONTENT_DISPOSITION, attachment("mau-danh-sach-hoc-vien.xlsx")))
        .body(bytes))
}

/// The template as CSV: UTF-8 with a BOM, so that Excel opens it with its diacritics.
pub async fn template_csv(
    _user: StaffUser,
    _page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let (class, cell) = template_facts(&state, path.into_inner()).await?;
    let row = example(&class.program_code, &cell);
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut out);
        let text = |cell: &Cell| match cell {
            Cell::Text(s) => s.clone(),
            Cell::Date(d) => dates::format(*d),
            Cell::Int(n) => n.to_string(),
            Cell::Decimal(v, _) => v.to_string(),
            Cell::Empty => String::new(),
        };
        let failed = |e: csv::Error| AppError::Unexpected(e.into());
        writer.write_record(row.iter().map(|(c, _)| c.header())).map_err(failed)?;
        writer.write_record(row.iter().map(|(_, v)| text(v))).map_err(failed)?;
        writer.flush().map_err(|e| AppError::Unexpected(e.into()))?;
    }
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((CONTENT_DISPOSITION, attachment("mau-danh-sach-hoc-vien.csv")))
        .body(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn multipart(body: &'static str) -> Multipart {
        let mut headers = actix_web::http::header::HeaderMap::new();
        headers.insert(CONTENT_TYPE, "multipart/form-data; boundary=XyZ".parse().unwrap());
        let chunks: Vec<Result<web::Bytes, actix_web::error::PayloadError>> =
            body.as_bytes().chunks(7).map(|c| Ok(web::Bytes::copy_from_slice(c))).collect();
        Multipart::new(&headers, futures_util::stream::iter(chunks))
    }

    const BODY: &str = "--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ds.csv\"\r\n\r\nHọ và tên,Ngày sinh\r\nA,01/01/2000\r\n--XyZ--\r\n";

    #[actix_web::test]
    async fn a_file_within_the_limit_is_read_and_a_larger_one_is_refused_after_reading_the_rest() {
        let Ok(Some((name, bytes))) = read_upload(multipart(BODY), 1000).await else { panic!("read") };
        assert_eq!(name, "ds.csv");
        assert_eq!(std::str::from_utf8(&bytes).unwrap(), "Họ và tên,Ngày sinh\r\nA,01/01/2000");
        match read_upload(multipart(BODY), 10).await {
            Err(UploadError::TooLarge(Some(name))) => assert_eq!(name, "ds.csv"),
            _ => panic!("too large"),
        }
    }
}
