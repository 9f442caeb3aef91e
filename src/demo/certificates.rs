//! The demo's certificates: the closed awareness class's, issued and emailed (the .eml files in
//! the outbox folder carry the PDFs), one revoked and one reissued; and an awareness class of
//! five years ago whose certificates expire within 90 days (the reminders go out when the mail
//! worker starts) with one of an even older class already expired.
//!
//! The closed class's scores belong to the results work: only enrolments with no attempt at
//! all get a passing one here, and the lock is recorded only when it is missing, so once the
//! results demo enters its scores this adds nothing.

use diesel::prelude::*;
use time::{Date, Duration};

use crate::db::schema::{assessments, classes as classes_table};
use crate::domain::certificate::ReissueReason;
use crate::domain::class::ClassStatus;
use crate::mail::invitations::MailContext;
use crate::store::audit::Actor;
use crate::store::certificates::{self, IssueContext};
use crate::store::classes::{self, ClassFilter, ClassInput};
use crate::store::people::{self, PeopleQuery};
use crate::store::{DbConn, Scope, enrolments, issuers, programs, results};

/// Scores in tenths given to the closed class's learners without any, in turn (all passing,
/// across the bands).
const SCORES: [i32; 7] = [95, 85, 80, 75, 70, 65, 90];

pub fn load(conn: &mut DbConn, actor: &Actor, mail: &MailContext, today: Date, public_url: &str) -> anyhow::Result<()> {
    let closed = classes::list(conn, &ClassFilter { status: Some(ClassStatus::Closed), ..Default::default() })?;
    let Some(closed) = closed.into_iter().find(|c| c.program_code == "NTVD") else { return Ok(()) };
    let class = classes::find(conn, closed.id)?;
    give_missing_scores(conn, class.id, class.last_day)?;
    if class.results_locked_at.is_none() {
        let locked_at = time::PrimitiveDateTime::new(class.last_day + Duration::days(7), time::macros::time!(09:00));
        diesel::update(classes_table::table.find(class.id))
            .set((classes_table::results_locked_at.eq(locked_at), classes_table::results_locked_by.eq(actor.user_id)))
            .execute(conn)?;
    }
    let issued_on = class.results_decision_date.unwrap_or(class.last_day + Duration::days(10)).min(today);
    let ctx = context(actor, mail, public_url, issued_on);
    let issued = certificates::issue(conn, &ctx, class.id)?;
    if let Some(revoked) = issued.new.get(2) {
        certificates::revoke(
            conn,
            actor,
            revoked.id,
            "Học viên khai man lý lịch, Đảng ủy xã đề nghị thu hồi (Công văn số 12-CV/ĐU)",
            (issued_on + Duration::days(20)).min(today),
        )?;
    }
    if let Some(damaged) = issued.new.get(4) {
        let ctx = context(actor, mail, public_url, (issued_on + Duration::days(25)).min(today));
        certificates::reissue(conn, &ctx, damaged.id, ReissueReason::Damaged, "Giấy bị ướt, nhòe chữ")?;
    }
    old_classes(conn, actor, mail, public_url, today)?;
    Ok(())
}

fn context<'a>(actor: &'a Actor, mail: &'a MailContext, public_url: &'a str, day: Date) -> IssueContext<'a> {
    IssueContext {
        actor,
        public_url,
        message_id_domain: &mail.message_id_domain,
        today: day,
        now: time::PrimitiveDateTime::new(day, time::macros::time!(08:30)),
    }
}

/// A passing first attempt for each enrolled learner of the class who has no attempt at all.
fn give_missing_scores(conn: &mut DbConn, class_id: i64, last_day: Date) -> anyhow::Result<()> {
    let attempts = results::attempts(conn, class_id)?;
    let roster =
        enrolments::roster(conn, class_id, &[crate::domain::enrolment::EnrolmentStatus::Enrolled], &Scope::All)?;
    let entered_at = time::PrimitiveDateTime::new(last_day + Duration::days(3), time::macros::time!(14:00));
    for (i, line) in roster.iter().enumerate().filter(|(_, l)| !attempts.contains_key(&l.enrolment.id)) {
        diesel::insert_into(assessments::table)
            .values((
                assessments::enrolment_id.eq(line.enrolment.id),
                assessments::attempt.eq(1),
                assessments::outcome.eq("scored"),
                assessments::score_tenths.eq(SCORES[i % SCORES.len()]),
                assessments::entered_at.eq(entered_at),
                assessments::version.eq(1),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Awareness classes of five years ago, held by the school: the certificates of one expire
/// within 90 days of today, those of an older one (the demo learner's among them) have just
/// expired.
fn old_classes(
    conn: &mut DbConn,
    actor: &Actor,
    mail: &MailContext,
    public_url: &str,
    today: Date,
) -> anyhow::Result<()> {
    let program = programs::all(conn)?.into_iter().find(|p| p.code == "NTVD");
    let Some(program) = program else { return Ok(()) };
    let Some(issuer) = issuers::all(conn)?.into_iter().next() else { return Ok(()) };
    let venue = crate::store::venues::venues(conn)?.into_iter().next();
    let Some(venue) = venue else { return Ok(()) };
    // Official members now, who took the awareness course before their admission.
    let query = PeopleQuery { status: Some("official".into()), page: 1, per_page: 1000, ..Default::default() };
    let officials: Vec<i64> = people::list(conn, &Scope::All, &query)?.items.into_iter().map(|p| p.id).collect();
    // Issued 60 months before a day 40 days from now (reminder due), and 60 months and 12 days
    // ago (expired).
    let plans = [(today + Duration::days(40), 0usize), (today - Duration::days(12), 6usize)];
    for (expires, skip) in plans {
        let issued_on = crate::domain::person::add_months(expires, -60);
        let last_day = issued_on - Duration::days(10);
        let first_day = last_day - Duration::days(11);
        let ordinal = classes::next_ordinal(conn, program.id, issuer.id, first_day.year())?;
        let id = classes::create(
            conn,
            actor,
            &ClassInput {
                program_id: program.id,
                year: first_day.year(),
                ordinal,
                issuer_id: issuer.id,
                co_org_unit_id: None,
                venue_id: venue.id,
                first_day,
                last_day,
                capacity: 40,
                opening_decision_no: format!("{}-QĐ/TCT", 20 + ordinal),
                opening_decision_date: Some(first_day - Duration::days(14)),
                signer_delegation: issuer.signer_delegation.clone(),
                signer_title: issuer.signer_title.clone(),
                signer_name: issuer.signer_name.clone(),
            },
        )?;
        for person in officials.iter().skip(skip).take(6) {
            enrolments::enrol(conn, actor, id, *person, enrolments::SOURCE_STAFF, first_day)?;
        }
        // The demo learner took the course five years ago and was not admitted within the
        // certificate's 60 months: that certificate has just expired, and they are taking the
        // course again in the class running this week.
        if expires < today
            && let Some(learner) =
                crate::store::users::find_by_email(conn, "hocvien@boiduong.test")?.and_then(|u| u.person_id)
        {
            enrolments::enrol(conn, actor, id, learner, enrolments::SOURCE_STAFF, first_day)?;
        }
        give_missing_scores(conn, id, last_day)?;
        classes::restore_status(conn, actor, id, ClassStatus::Closed)?;
        let ctx = context(actor, mail, public_url, issued_on);
        certificates::issue(conn, &ctx, id)?;
    }
    Ok(())
}
