//! Calendars: which classes a learner's or secretary's calendar covers, and the links of the
//! subscribed feeds (`calendar_feeds`). A feed link is a capability: its random token is the
//! only credential, kept as issued because the owner must be able to see the link again.
//! Revoking sets `revoked_at`, and a revoked or unknown token finds nothing, at once.
//!
//! One subject has at most one link in use: issuing returns the one there is, renewing revokes
//! every link in use before making a new one (should two clicks at once have made two, both go).

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use super::audit::{self, Actor};
use super::sessions::{self, SessionFilter, SessionView};
use super::{DbConn, StoreResult};
use crate::credentials::token::random_token;
use crate::db::schema::{calendar_feeds, classes, enrolments, people, programs, user_roles, users};
use crate::domain::calendar::FeedKind;
use crate::domain::class;
use crate::domain::role::Role;

#[derive(Debug, Clone, Queryable, Selectable, Serialize, PartialEq)]
#[diesel(table_name = calendar_feeds)]
pub struct Feed {
    pub id: i64,
    pub kind: String,
    pub subject_id: i64,
    #[serde(skip)]
    pub token: String,
    pub created_at: PrimitiveDateTime,
    pub revoked_at: Option<PrimitiveDateTime>,
}

impl Feed {
    pub fn kind(&self) -> Option<FeedKind> {
        FeedKind::parse(&self.kind)
    }
}

/// What the audit log keeps of a feed: never its token.
#[derive(Serialize)]
struct FeedRecord<'a> {
    kind: &'a str,
    subject_id: i64,
}

/// The link in use for a subject (the newest, should there be two).
pub fn active(conn: &mut DbConn, kind: FeedKind, subject_id: i64) -> StoreResult<Option<Feed>> {
    Ok(calendar_feeds::table
        .filter(calendar_feeds::kind.eq(kind.code()))
        .filter(calendar_feeds::subject_id.eq(subject_id))
        .filter(calendar_feeds::revoked_at.is_null())
        .order(calendar_feeds::id.desc())
        .select(Feed::as_select())
        .first(conn)
        .optional()?)
}

/// The links in use for several subjects of one kind, by subject.
pub fn active_of(conn: &mut DbConn, kind: FeedKind, subject_ids: &[i64]) -> StoreResult<HashMap<i64, Feed>> {
    let feeds: Vec<Feed> = calendar_feeds::table
        .filter(calendar_feeds::kind.eq(kind.code()))
        .filter(calendar_feeds::subject_id.eq_any(subject_ids))
        .filter(calendar_feeds::revoked_at.is_null())
        .order(calendar_feeds::id)
        .select(Feed::as_select())
        .load(conn)?;
    Ok(feeds.into_iter().map(|f| (f.subject_id, f)).collect())
}

/// The link in use for the subject, made now if there is none.
pub fn issue(
    conn: &mut DbConn,
    actor: &Actor,
    kind: FeedKind,
    subject_id: i64,
    now: PrimitiveDateTime,
) -> StoreResult<Feed> {
    super::write_tx(conn, |conn| match active(conn, kind, subject_id)? {
        Some(feed) => Ok(feed),
        None => create(conn, actor, kind, subject_id, now),
    })
}

/// Revokes the subject's links in use and makes a new one: the old address stops answering at
/// once.
pub fn renew(
    conn: &mut DbConn,
    actor: &Actor,
    kind: FeedKind,
    subject_id: i64,
    now: PrimitiveDateTime,
) -> StoreResult<Feed> {
    super::write_tx(conn, |conn| {
        revoke_all(conn, actor, kind, subject_id, now)?;
        create(conn, actor, kind, subject_id, now)
    })
}

/// Revokes the subject's links in use; false when there was none.
pub fn revoke(
    conn: &mut DbConn,
    actor: &Actor,
    kind: FeedKind,
    subject_id: i64,
    now: PrimitiveDateTime,
) -> StoreResult<bool> {
    super::write_tx(conn, |conn| Ok(revoke_all(conn, actor, kind, subject_id, now)? > 0))
}

fn create(
    conn: &mut DbConn,
    actor: &Actor,
    kind: FeedKind,
    subject_id: i64,
    now: PrimitiveDateTime,
) -> StoreResult<Feed> {
    let id: i64 = diesel::insert_into(calendar_feeds::table)
        .values((
            calendar_feeds::kind.eq(kind.code()),
            calendar_feeds::subject_id.eq(subject_id),
            calendar_feeds::token.eq(random_token()),
            calendar_feeds::created_at.eq(now),
        ))
        .returning(calendar_feeds::id)
        .get_result(conn)?;
    let feed: Feed = calendar_feeds::table.find(id).select(Feed::as_select()).get_result(conn)?;
    let record = FeedRecord { kind: kind.code(), subject_id };
    audit::record(conn, actor, "calendar_feed", Some(feed.id), "issue", None::<&()>, Some(&record))?;
    Ok(feed)
}

fn revoke_all(
    conn: &mut DbConn,
    actor: &Actor,
    kind: FeedKind,
    subject_id: i64,
    now: PrimitiveDateTime,
) -> StoreResult<usize> {
    let ids: Vec<i64> = calendar_feeds::table
        .filter(calendar_feeds::kind.eq(kind.code()))
        .filter(calendar_feeds::subject_id.eq(subject_id))
        .filter(calendar_feeds::revoked_at.is_null())
        .select(calendar_feeds::id)
        .load(conn)?;
    for id in &ids {
        diesel::update(calendar_feeds::table.find(id)).set(calendar_feeds::revoked_at.eq(now)).execute(conn)?;
        let record = FeedRecord { kind: kind.code(), subject_id };
        audit::record(conn, actor, "calendar_feed", Some(*id), "revoke", Some(&record), None::<&()>)?;
    }
    Ok(ids.len())
}

/// The feed a token opens: in use, and its subject still there — a lecturer's account active
/// and still a lecturer, a learner with an active learner account, an existing class.
/// Anything else is None, with no difference between unknown, revoked and orphaned.
pub fn by_token(conn: &mut DbConn, token: &str) -> StoreResult<Option<Feed>> {
    let Some(feed) = calendar_feeds::table
        .filter(calendar_feeds::token.eq(token))
        .filter(calendar_feeds::revoked_at.is_null())
        .select(Feed::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let subject_there = match feed.kind() {
        Some(FeedKind::Lecturer) => {
            let n: i64 = users::table
                .inner_join(user_roles::table)
                .filter(users::id.eq(feed.subject_id))
                .filter(users::active.eq(true))
                .filter(user_roles::role.eq(Role::Lecturer.code()))
                .count()
                .get_result(conn)?;
            n > 0
        }
        Some(FeedKind::Learner) => {
            let n: i64 = users::table
                .inner_join(user_roles::table)
                .filter(users::person_id.eq(feed.subject_id))
                .filter(users::active.eq(true))
                .filter(user_roles::role.eq(Role::Learner.code()))
                .count()
                .get_result(conn)?;
            n > 0
        }
        Some(FeedKind::Class) => {
            let n: i64 = classes::table.filter(classes::id.eq(feed.subject_id)).count().get_result(conn)?;
            n > 0
        }
        None => false,
    };
    Ok(subject_there.then_some(feed))
}

/// The classes a person is enrolled in (enrolled now: not nominated, refused or withdrawn).
pub fn classes_of_learner(conn: &mut DbConn, person_id: i64) -> StoreResult<Vec<i64>> {
    Ok(enrolments::table
        .filter(enrolments::person_id.eq(person_id))
        .filter(enrolments::status.eq(super::classes::ENROLLED))
        .select(enrolments::class_id)
        .distinct()
        .load(conn)?)
}

/// The classes in which people of these org units are enrolled (a secretary's calendar).
pub fn classes_of_units(conn: &mut DbConn, unit_ids: &[i64]) -> StoreResult<Vec<i64>> {
    Ok(enrolments::table
        .inner_join(people::table)
        .filter(people::org_unit_id.eq_any(unit_ids))
        .filter(enrolments::status.eq(super::classes::ENROLLED))
        .select(enrolments::class_id)
        .distinct()
        .load(conn)?)
}

/// Classes' full names ("Lớp bồi dưỡng nhận thức về Đảng khóa II năm 2026"), by id.
pub fn class_full_names(conn: &mut DbConn, class_ids: &[i64]) -> StoreResult<HashMap<i64, String>> {
    let rows: Vec<(i64, String, i32, i32)> = classes::table
        .inner_join(programs::table)
        .filter(classes::id.eq_any(class_ids))
        .select((classes::id, programs::name, classes::ordinal, classes::year))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, program, ordinal, year)| (id, class::full_name(&program, ordinal, year))).collect())
}

/// The sessions a feed carries that start on the days `from..=to`.
pub fn sessions_of(conn: &mut DbConn, feed: &Feed, from: Date, to: Date) -> StoreResult<Vec<SessionView>> {
    let filter = match feed.kind() {
        Some(FeedKind::Lecturer) => SessionFilter { lecturer_user_id: Some(feed.subject_id), ..Default::default() },
        Some(FeedKind::Learner) => {
            SessionFilter { class_ids: Some(classes_of_learner(conn, feed.subject_id)?), ..Default::default() }
        }
        Some(FeedKind::Class) => SessionFilter { class_ids: Some(vec![feed.subject_id]), ..Default::default() },
        None => return Ok(Vec::new()),
    };
    sessions::between(conn, from, to, &filter)
}
