//! The delivery ledger (nhật ký gửi thư) for staff: every message with its status, attempts,
//! the server's last answer and the next attempt; resending a failed one; a person's messages.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::auth::extract::StaffUser;
use super::error::AppResult;
use super::page::{Page, see_other};
use super::pager::{ListLink, Pager};
use super::routes::Router;
use super::state::AppState;
use crate::domain::dates;
use crate::i18n::{self, Lang};
use crate::store::outbox::{self, LedgerFilter, OutboxRow, STATUSES};

const PER_PAGE: i64 = 50;
const TEMPLATES: [&str; 2] = ["invite", "reset"];

pub fn routes(r: &mut Router) {
    r.get("/mail", list).post("/mail/{id}/resend", resend);
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LedgerQuery {
    status: String,
    template: String,
    recipient: String,
    person: String,
    page: String,
}

#[derive(Serialize)]
struct Row {
    id: i64,
    created: String,
    recipient: String,
    recipient_email: String,
    template: String,
    status: String,
    status_code: String,
    attempts: i32,
    last_answer: String,
    next_attempt: String,
    sent: String,
    message_id: String,
    can_resend: bool,
}

#[derive(Serialize)]
struct Choice {
    code: String,
    label: String,
    selected: bool,
}

#[derive(Serialize)]
struct LedgerView {
    rows: Vec<Row>,
    counts: Vec<Choice>,
    statuses: Vec<Choice>,
    templates: Vec<Choice>,
    recipient: String,
    person: String,
    pager: Pager,
    /// This page's address, where resending a message returns to.
    back: String,
}

fn row(lang: Lang, r: OutboxRow) -> Row {
    Row {
        id: r.id,
        created: dates::format_timestamp(r.created_at),
        recipient: r.recipient_name,
        recipient_email: r.recipient_email,
        template: i18n::t(lang, &format!("mail.template.{}", r.template)),
        status: i18n::t(lang, &format!("mail.status.{}", r.status)),
        can_resend: r.status == outbox::FAILED,
        next_attempt: if r.status == outbox::PENDING {
            dates::format_timestamp(r.next_attempt_at)
        } else {
            String::new()
        },
        status_code: r.status,
        attempts: r.attempts,
        last_answer: r.last_answer.unwrap_or_default(),
        sent: r.sent_at.map(dates::format_timestamp).unwrap_or_default(),
        message_id: r.message_id,
    }
}

fn choices(lang: Lang, prefix: &str, codes: &[&str], selected: &str) -> Vec<Choice> {
    codes
        .iter()
        .map(|c| Choice {
            code: (*c).to_owned(),
            label: i18n::t(lang, &format!("{prefix}.{c}")),
            selected: *c == selected,
        })
        .collect()
}

async fn list(
    _: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<LedgerQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let filter = LedgerFilter {
        status: STATUSES.contains(&q.status.as_str()).then(|| q.status.clone()),
        template: TEMPLATES.contains(&q.template.as_str()).then(|| q.template.clone()),
        recipient: q.recipient.clone(),
        person_id: q.person.trim().parse().ok(),
        user_id: None,
    };
    let number = q.page.parse::<i64>().unwrap_or(1).max(1);
    let (result, counts) =
        state.db(move |c| Ok((outbox::list(c, &filter, number, PER_PAGE)?, outbox::counts(c)?))).await?;
    let lang = page.lang;
    let link = ListLink::new("/mail")
        .filter("status", &q.status)
        .filter("template", &q.template)
        .filter("recipient", &q.recipient)
        .filter("person", &q.person);
    let view = LedgerView {
        counts: counts
            .into_iter()
            .map(|(code, n)| Choice {
                label: format!("{}: {n}", i18n::t(lang, &format!("mail.status.{code}"))),
                selected: code == q.status,
                code,
            })
            .collect(),
        statuses: choices(lang, "mail.status", &STATUSES, &q.status),
        templates: choices(lang, "mail.template", &TEMPLATES, &q.template),
        recipient: q.recipient.clone(),
        person: q.person.clone(),
        pager: Pager::new(&result, |n| link.page(n)),
        back: link.page(result.page),
        rows: result.items.into_iter().map(|r| row(lang, r)).collect(),
    };
    page.titled("mail.title").render("mail/list", &view)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResendForm {
    back: String,
}

async fn resend(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ResendForm>,
) -> AppResult<HttpResponse> {
    let (id, actor) = (id.into_inner(), user.actor());
    match state.db(move |c| outbox::resend(c, &actor, id)).await {
        Ok(()) => {
            state.wake_mail_worker();
            page.flash("success", "mail.resent");
        }
        Err(crate::web::error::AppError::Conflict(key)) => page.flash("error", key),
        Err(e) => return Err(e),
    }
    let back = if form.back.starts_with("/mail") { form.back.as_str() } else { "/mail" };
    Ok(see_other(back))
}
