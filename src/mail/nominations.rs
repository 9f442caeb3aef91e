//! Emails about nominations. The secretary who nominated someone hears of each decision staff
//! take on it — approved, rejected with the reason, put on the waiting list, or the learner
//! withdrawn later — one message per decision, queued in the decision's transaction. A learner
//! enrolled by approval or import gets an account and its invitation (see `invitations`).

use serde_json::json;

use super::invitations::{self, MailContext};
use crate::db::DbConn;
use crate::domain::{class, dates};
use crate::store::audit::Actor;
use crate::store::enrolments::{self, Decided, Enrolment};
use crate::store::outbox::{self, NewEmail};
use crate::store::people::Person;
use crate::store::{Scope, StoreResult, classes, orgs, people, programs, users, venues};

pub const TEMPLATE: &str = "nomination_decision";

/// The decision as the email names it: approved, rejected, waitlisted or withdrawn.
fn decision_code(e: &Enrolment) -> &'static str {
    use crate::domain::enrolment::EnrolmentStatus::*;
    match e.status() {
        Enrolled => "approved",
        Rejected => "rejected",
        Waitlisted => "waitlisted",
        Withdrawn => "withdrawn",
        Nominated => "nominated",
    }
}

/// Queues the email telling the nominating secretary what was decided. One message per
/// decision: the key names the enrolment, the decision and the enrolment's version after it, so
/// a repeated request queues nothing more and a later decision is a new message. Nothing is
/// queued for an enrolment nobody nominated (an import, staff).
pub fn decision(conn: &mut DbConn, ctx: &MailContext, decided: &Decided) -> StoreResult<bool> {
    let Some(secretary_id) = decided.after.nominated_by else { return Ok(false) };
    let secretary = users::find(conn, secretary_id)?;
    let person = people::find(conn, &Scope::All, decided.after.person_id)?;
    let program = programs::find(conn, decided.class.program_id)?;
    let venue = venues::venue(conn, decided.class.venue_id)?;
    let code = decision_code(&decided.after);
    let key = format!("nomination-decision:{}:{code}:{}", decided.after.id, decided.after.version);
    let email = NewEmail {
        key,
        to_email: secretary.email.clone(),
        to_name: secretary.display_name.clone(),
        user_id: Some(secretary.id),
        person_id: secretary.person_id,
        template: TEMPLATE.into(),
        language: secretary.language.clone(),
        data: json!({
            "name": secretary.display_name,
            "learner": person.full_name,
            "unit": orgs::label(conn, person.org_unit_id)?,
            "class_name": class::full_name(&program.name, decided.class.ordinal, decided.class.year),
            "first_day": dates::format(decided.class.first_day),
            "last_day": dates::format(decided.class.last_day),
            "venue": venue.name,
            "decision": code,
            "reason": decided.after.reason.clone().unwrap_or_default(),
        }),
        attachment: None,
    };
    outbox::enqueue(conn, &email, &ctx.message_id_domain)
}

/// What follows a learner's enrolment, in its transaction: a learner account and its invitation
/// when the person has an email and no account, and the nominating secretary's email when the
/// enrolment approved a nomination (`nomination` is the enrolment before). Returns whether an
/// invitation was queued.
pub fn learner_enrolled(
    conn: &mut DbConn,
    ctx: &MailContext,
    actor: &Actor,
    person: &Person,
    nomination: Option<&Enrolment>,
) -> StoreResult<bool> {
    let invited = invitations::invite_learner(conn, ctx, actor, person)?.is_some();
    if let Some(before) = nomination {
        let after = enrolments::in_class(conn, before.class_id, before.id)?;
        let class = classes::find(conn, before.class_id)?;
        decision(conn, ctx, &Decided { before: before.clone(), after, class })?;
    }
    Ok(invited)
}

/// `learner_enrolled` for the learners of an import, in one go: their accounts and invitations
/// with multi-row inserts, then the secretaries' emails of the nominations approved. Returns how
/// many invitations were queued.
pub fn learners_enrolled(
    conn: &mut DbConn,
    ctx: &MailContext,
    actor: &Actor,
    learners: &[(Person, Option<Enrolment>)],
) -> StoreResult<usize> {
    let people: Vec<&Person> = learners.iter().map(|(person, _)| person).collect();
    let invited = invitations::invite_learners(conn, ctx, actor, &people)?.iter().flatten().count();
    for before in learners.iter().filter_map(|(_, nomination)| nomination.as_ref()) {
        let after = enrolments::in_class(conn, before.class_id, before.id)?;
        let class = classes::find(conn, before.class_id)?;
        decision(conn, ctx, &Decided { before: before.clone(), after, class })?;
    }
    Ok(invited)
}
