//! The absence limit: the emails to a learner who can no longer become eligible and to the
//! secretaries of their chi bộ, once per enrolment.

use diesel::prelude::*;
use serde::Serialize;
use time::PrimitiveDateTime;

use crate::db::schema::{attendance, class_sessions, enrolments, people, users};
use crate::domain::attendance::{self as rules, Eligibility, Mark, Tally};
use crate::domain::{class as class_names, numbers, schedule};
use crate::store::classes::Class;
use crate::store::outbox::{self, NewEmail};
use crate::store::programs::Program;
use crate::store::{DbConn, StoreResult};

use super::tallies_each;

/// Queues the absence-limit emails of those of `enrolment_ids` who can no longer become
/// eligible: to the learner (when they have an email) and to their chi bộ's secretaries, once
/// per enrolment (the outbox key): a secretary appointed after the learner went over the limit
/// is not written to. Returns how many learners are over the limit.
pub fn notify_absence_limits(
    conn: &mut DbConn,
    class: &Class,
    program: &Program,
    enrolment_ids: &[i64],
    message_id_domain: &str,
) -> StoreResult<usize> {
    let rules = program.rules();
    let over: Vec<(i64, Tally)> = tallies_each(conn, class.id, enrolment_ids)?
        .into_iter()
        .filter(|(_, t)| rules::eligibility(t, &rules) == Eligibility::CannotBecomeEligible)
        .collect();
    let class_name = class_names::full_name(&program.name, class.ordinal, class.year);
    for (enrolment_id, tally) in &over {
        // A learner over the limit stays over it: most saves find the emails queued already, and
        // one seek in the outbox's keys says so before anything is gathered for them.
        let learner_key = format!("absence-limit:{enrolment_id}");
        if outbox::any_keyed_under(conn, &learner_key)? {
            continue;
        }
        let (person_id, full_name, email, unit): (i64, String, Option<String>, i64) = enrolments::table
            .inner_join(people::table)
            .filter(enrolments::id.eq(enrolment_id))
            .select((people::id, people::full_name, people::email, people::org_unit_id))
            .first(conn)?;
        let email = email.filter(|e| !e.trim().is_empty());
        let secretaries = crate::store::orgs::secretaries_of(conn, unit)?;
        if email.is_none() && secretaries.is_empty() {
            continue;
        }
        let missed = missed_sessions(conn, *enrolment_id)?;
        let allowed = rules::max_absences(tally.sessions, rules.max_absence_permille);
        let data = serde_json::json!({
            "learner": full_name,
            "class": class_name,
            "absent": tally.absent(),
            "excused": tally.excused,
            "unexcused": tally.unexcused,
            "sessions": tally.sessions,
            "allowed": allowed,
            "over_ratio": tally.absent() > allowed,
            "max_ratio": numbers::format_percent(rules.max_absence_permille),
            "unexcused_rule": rules.unexcused_disqualifies,
            "missed": missed,
            "unit": crate::store::orgs::label(conn, unit)?,
        });
        if let Some(email) = email {
            let account: Option<(i64, String)> = users::table
                .filter(users::person_id.eq(person_id))
                .select((users::id, users::language))
                .first(conn)
                .optional()?;
            let mut data = data.clone();
            data["name"] = serde_json::json!(full_name);
            outbox::enqueue(
                conn,
                &NewEmail {
                    key: learner_key.clone(),
                    to_email: email,
                    to_name: full_name.clone(),
                    user_id: account.as_ref().map(|a| a.0),
                    person_id: Some(person_id),
                    template: "absence_limit".into(),
                    language: account.map_or_else(|| "vi".into(), |a| a.1),
                    data,
                    attachment: None,
                },
                message_id_domain,
            )?;
        }
        for (user_id, name, address) in secretaries {
            let language: String = users::table.find(user_id).select(users::language).get_result(conn)?;
            let mut data = data.clone();
            data["name"] = serde_json::json!(name);
            outbox::enqueue(
                conn,
                &NewEmail {
                    key: format!("{learner_key}:secretary:{user_id}"),
                    to_email: address,
                    to_name: name,
                    user_id: Some(user_id),
                    person_id: None,
                    template: "absence_limit_secretary".into(),
                    language,
                    data,
                    attachment: None,
                },
                message_id_domain,
            )?;
        }
    }
    Ok(over.len())
}

/// A session a learner missed, as an email or a page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct MissedSession {
    pub seq: i32,
    pub title: String,
    /// "07:30–11:00 ngày 12/03/2026".
    pub when: String,
    pub excused: bool,
    pub reason: Option<String>,
}

fn missed_sessions(conn: &mut DbConn, enrolment_id: i64) -> StoreResult<Vec<MissedSession>> {
    let rows: Vec<(i32, String, PrimitiveDateTime, PrimitiveDateTime, String, Option<String>)> = attendance::table
        .inner_join(class_sessions::table.on(class_sessions::id.eq(attendance::session_id)))
        .filter(attendance::enrolment_id.eq(enrolment_id))
        .filter(attendance::status.eq_any([Mark::Excused.code(), Mark::Unexcused.code()]))
        .order(class_sessions::seq)
        .select((
            class_sessions::seq,
            class_sessions::title,
            class_sessions::starts_at,
            class_sessions::ends_at,
            attendance::status,
            attendance::reason,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(seq, title, starts_at, ends_at, status, reason)| MissedSession {
            seq,
            title,
            when: schedule::format_range(starts_at, ends_at),
            excused: status == Mark::Excused.code(),
            reason,
        })
        .collect())
}
