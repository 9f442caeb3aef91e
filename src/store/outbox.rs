//! The email outbox. A message is a row written in the same transaction as the change that
//! causes it; its unique key makes a second enqueue of the same logical message a no-op, and
//! its Message-ID is fixed at enqueue time so a resend or a retry is recognisably the same
//! message. Workers claim a batch in one write transaction (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL; SQLite's immediate transaction holds the file), so several workers or server
//! instances never send one row twice.

use std::collections::HashSet;

use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::{Duration, PrimitiveDateTime};

use super::{DbConn, Paged, StoreError, StoreResult};
use crate::db::schema::outbox;
use crate::domain::dates;

pub const PENDING: &str = "pending";
pub const SENDING: &str = "sending";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";
pub const STATUSES: [&str; 4] = [PENDING, SENDING, SENT, FAILED];

/// How long a claimed row stays with its worker; a worker that died frees it after this.
pub const LEASE: Duration = Duration::minutes(5);

#[derive(Debug, Clone, Serialize)]
pub struct NewEmail {
    /// One key per logical message, e.g. "invite:42" or "certificate:7:issued".
    pub key: String,
    pub to_email: String,
    pub to_name: String,
    pub user_id: Option<i64>,
    pub person_id: Option<i64>,
    pub template: String,
    pub language: String,
    pub data: serde_json::Value,
    pub attachment: Option<(String, i64)>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: i64,
    pub message_key: String,
    pub message_id: String,
    pub recipient_email: String,
    pub recipient_name: String,
    pub user_id: Option<i64>,
    pub person_id: Option<i64>,
    pub template: String,
    pub language: String,
    pub data_json: String,
    pub attachment_kind: Option<String>,
    pub attachment_ref: Option<i64>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: PrimitiveDateTime,
    pub locked_until: Option<PrimitiveDateTime>,
    pub last_answer: Option<String>,
    pub created_at: PrimitiveDateTime,
    pub sent_at: Option<PrimitiveDateTime>,
    /// The worker that last claimed the row (see `mail::Mailer::worker_id`).
    pub worker: Option<String>,
}

/// A Message-ID that depends only on the key: `<hash@domain>`.
pub fn message_id_for(key: &str, domain: &str) -> String {
    let hash = Sha256::digest(key.as_bytes());
    let hex: String = hash.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("<{hex}@{domain}>")
}

/// Queues a message. Returns false when a message with the same key was already queued (then
/// nothing changes). Call it inside the transaction of the change that causes the message.
pub fn enqueue(conn: &mut DbConn, email: &NewEmail, message_id_domain: &str) -> StoreResult<bool> {
    enqueue_at(conn, email, message_id_domain, dates::now())
}

/// A message as it enters the outbox: pending, due at once, never tried.
#[derive(Insertable)]
#[diesel(table_name = outbox, treat_none_as_default_value = false)]
struct QueuedRow {
    message_key: String,
    message_id: String,
    recipient_email: String,
    recipient_name: String,
    user_id: Option<i64>,
    person_id: Option<i64>,
    template: String,
    language: String,
    data_json: String,
    attachment_kind: Option<String>,
    attachment_ref: Option<i64>,
    status: &'static str,
    attempts: i32,
    next_attempt_at: PrimitiveDateTime,
    created_at: PrimitiveDateTime,
}

impl QueuedRow {
    fn new(email: &NewEmail, message_id_domain: &str, now: PrimitiveDateTime) -> Self {
        Self {
            message_key: email.key.clone(),
            message_id: message_id_for(&email.key, message_id_domain),
            recipient_email: email.to_email.clone(),
            recipient_name: email.to_name.clone(),
            user_id: email.user_id,
            person_id: email.person_id,
            template: email.template.clone(),
            language: email.language.clone(),
            data_json: email.data.to_string(),
            attachment_kind: email.attachment.as_ref().map(|(kind, _)| kind.clone()),
            attachment_ref: email.attachment.as_ref().map(|(_, id)| *id),
            status: PENDING,
            attempts: 0,
            next_attempt_at: now,
            created_at: now,
        }
    }
}

/// `enqueue`, due and recorded as queued at `now` (for rules that count from the queueing time
/// by the application's clock).
pub fn enqueue_at(
    conn: &mut DbConn,
    email: &NewEmail,
    message_id_domain: &str,
    now: PrimitiveDateTime,
) -> StoreResult<bool> {
    let exists: i64 = outbox::table.filter(outbox::message_key.eq(&email.key)).count().get_result(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    // A savepoint, so that losing a race on the unique key leaves the caller's transaction usable.
    let inserted = super::write_tx(conn, |conn| {
        diesel::insert_into(outbox::table).values(QueuedRow::new(email, message_id_domain, now)).execute(conn)
    });
    match inserted.map_err(StoreError::from) {
        Ok(_) => Ok(true),
        Err(StoreError::Conflict(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// `enqueue_at` for many messages, with multi-row inserts: those whose key is queued already
/// (or comes twice) are left out. Returns how many were queued.
pub fn enqueue_many(
    conn: &mut DbConn,
    emails: &[NewEmail],
    message_id_domain: &str,
    now: PrimitiveDateTime,
) -> StoreResult<usize> {
    let keys: Vec<&str> = emails.iter().map(|e| e.key.as_str()).collect();
    let mut queued: HashSet<String> = HashSet::with_capacity(emails.len());
    for chunk in keys.chunks(super::INSERT_CHUNK) {
        let found: Vec<String> =
            outbox::table.filter(outbox::message_key.eq_any(chunk)).select(outbox::message_key).load(conn)?;
        queued.extend(found);
    }
    let fresh: Vec<&NewEmail> = emails.iter().filter(|e| queued.insert(e.key.clone())).collect();
    let mut inserted = 0;
    for chunk in fresh.chunks(super::INSERT_CHUNK) {
        let rows: Vec<QueuedRow> = chunk.iter().map(|email| QueuedRow::new(email, message_id_domain, now)).collect();
        // A message queued by someone else since the lookup is kept, as `enqueue_at` keeps it.
        inserted +=
            super::with_rows!(rows, |rows| super::on_backend!(&mut *conn, |c| diesel::insert_into(outbox::table)
                .values(rows)
                .on_conflict_do_nothing()
                .execute(c)?));
    }
    Ok(inserted)
}

/// Whether a message keyed `key`, or `key:` followed by anything, was ever queued (sent or not):
/// one seek in the key's index instead of a `LIKE`.
pub fn any_keyed_under(conn: &mut DbConn, key: &str) -> StoreResult<bool> {
    // `;` follows `:` in byte order, which SQLite compares text by. A PostgreSQL database with a
    // linguistic collation may order them otherwise and miss the `key:…` messages: the caller
    // then queues them again, which the unique key makes a no-op.
    let (below, above) = (format!("{key}:"), format!("{key};"));
    Ok(diesel::select(diesel::dsl::exists(
        outbox::table
            .filter(outbox::message_key.eq(key).or(outbox::message_key.ge(below).and(outbox::message_key.lt(above)))),
    ))
    .get_result(conn)?)
}

/// The id and queueing time of the newest message whose key starts with `prefix` (which must
/// hold no LIKE wildcard).
pub fn latest_with_key_prefix(conn: &mut DbConn, prefix: &str) -> StoreResult<Option<(i64, PrimitiveDateTime)>> {
    debug_assert!(!prefix.contains(['%', '_', '\\']));
    Ok(outbox::table
        .filter(outbox::message_key.like(format!("{prefix}%")))
        .order(outbox::id.desc())
        .select((outbox::id, outbox::created_at))
        .first(conn)
        .optional()?)
}

/// Claims up to `limit` rows that are due at `now` (pending and past their next attempt, or
/// sending with an expired lease) for `worker`, marks them sending with a lease, and counts the
/// attempt.
pub fn claim_due(conn: &mut DbConn, limit: i64, worker: &str, now: PrimitiveDateTime) -> StoreResult<Vec<OutboxRow>> {
    let lease_until = now + LEASE;
    let due = outbox::status
        .eq(PENDING)
        .and(outbox::next_attempt_at.le(now))
        .or(outbox::status.eq(SENDING).and(outbox::locked_until.lt(now)));
    let claimed: Vec<i64> = super::write_tx(conn, |conn| {
        let due_first = outbox::table.filter(due).order(outbox::id).limit(limit).select(outbox::id);
        let ids: Vec<i64> = match conn {
            DbConn::Postgres(pg) => due_first.for_update().skip_locked().load(pg)?,
            // SQLite's write transaction (BEGIN IMMEDIATE, this process's writers in turn: see
            // `write_tx`) holds the file: nobody claims these rows before the update below.
            DbConn::Sqlite(_) => due_first.load(conn)?,
        };
        diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
            .set((
                outbox::status.eq(SENDING),
                outbox::locked_until.eq(lease_until),
                outbox::attempts.eq(outbox::attempts + 1),
                outbox::worker.eq(worker),
            ))
            .execute(conn)?;
        Ok::<_, StoreError>(ids)
    })?;
    if claimed.is_empty() {
        return Ok(Vec::new());
    }
    Ok(outbox::table.filter(outbox::id.eq_any(&claimed)).order(outbox::id).select(OutboxRow::as_select()).load(conn)?)
}

/// The server accepted the message.
pub fn mark_sent(conn: &mut DbConn, id: i64, answer: &str) -> StoreResult<()> {
    diesel::update(outbox::table.filter(outbox::id.eq(id)).filter(outbox::status.eq(SENDING)))
        .set((
            outbox::status.eq(SENT),
            outbox::sent_at.eq(dates::now()),
            outbox::locked_until.eq(None::<PrimitiveDateTime>),
            outbox::last_answer.eq(truncate(answer)),
        ))
        .execute(conn)?;
    Ok(())
}

/// A failure worth retrying: back to pending until `next_attempt_at`.
pub fn mark_retry(conn: &mut DbConn, id: i64, answer: &str, next_attempt_at: PrimitiveDateTime) -> StoreResult<()> {
    diesel::update(outbox::table.filter(outbox::id.eq(id)).filter(outbox::status.eq(SENDING)))
        .set((
            outbox::status.eq(PENDING),
            outbox::next_attempt_at.eq(next_attempt_at),
            outbox::locked_until.eq(None::<PrimitiveDateTime>),
            outbox::last_answer.eq(truncate(answer)),
        ))
        .execute(conn)?;
    Ok(())
}

/// A permanent rejection, or the last attempt failed: stop and keep the answer.
pub fn mark_failed(conn: &mut DbConn, id: i64, answer: &str) -> StoreResult<()> {
    diesel::update(outbox::table.filter(outbox::id.eq(id)).filter(outbox::status.eq(SENDING)))
        .set((
            outbox::status.eq(FAILED),
            outbox::locked_until.eq(None::<PrimitiveDateTime>),
            outbox::last_answer.eq(truncate(answer)),
        ))
        .execute(conn)?;
    Ok(())
}

fn truncate(answer: &str) -> String {
    answer.chars().take(1000).collect()
}

/// Puts a failed message back in the queue, with its key and Message-ID unchanged.
pub fn resend(conn: &mut DbConn, actor: &super::audit::Actor, id: i64) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let row = find(conn, id)?;
        if row.status != FAILED {
            return Err(StoreError::Conflict("mail.error.not_failed"));
        }
        diesel::update(outbox::table.filter(outbox::id.eq(id)))
            .set((outbox::status.eq(PENDING), outbox::attempts.eq(0), outbox::next_attempt_at.eq(dates::now())))
            .execute(conn)?;
        super::audit::record(
            conn,
            actor,
            "email",
            Some(id),
            "resend",
            Some(
                &serde_json::json!({ "status": row.status, "attempts": row.attempts, "last_answer": row.last_answer }),
            ),
            Some(&serde_json::json!({ "status": PENDING })),
        )
    })
}

pub fn find(conn: &mut DbConn, id: i64) -> StoreResult<OutboxRow> {
    Ok(outbox::table.find(id).select(OutboxRow::as_select()).get_result(conn)?)
}

pub fn find_by_key(conn: &mut DbConn, key: &str) -> StoreResult<Option<OutboxRow>> {
    Ok(outbox::table.filter(outbox::message_key.eq(key)).select(OutboxRow::as_select()).first(conn).optional()?)
}

/// Messages per status, for `boiduong outbox` and the ledger's header.
pub fn counts(conn: &mut DbConn) -> StoreResult<Vec<(String, i64)>> {
    let rows: Vec<(String, i64)> =
        outbox::table.group_by(outbox::status).select((outbox::status, diesel::dsl::count_star())).load(conn)?;
    Ok(STATUSES.iter().map(|s| (s.to_string(), rows.iter().find(|(r, _)| r == s).map_or(0, |(_, n)| *n))).collect())
}

#[derive(Debug, Clone, Default)]
pub struct LedgerFilter {
    pub status: Option<String>,
    pub template: Option<String>,
    /// Part of the recipient's address or name.
    pub recipient: String,
    pub person_id: Option<i64>,
    pub user_id: Option<i64>,
}

pub fn list(conn: &mut DbConn, filter: &LedgerFilter, page: i64, per_page: i64) -> StoreResult<Paged<OutboxRow>> {
    let build = || {
        let mut q = outbox::table.into_boxed();
        if let Some(status) = &filter.status {
            q = q.filter(outbox::status.eq(status.clone()));
        }
        if let Some(template) = &filter.template {
            q = q.filter(outbox::template.eq(template.clone()));
        }
        let recipient = filter.recipient.trim().to_lowercase();
        if !recipient.is_empty() {
            let pattern = super::contains_pattern(&recipient);
            q = q.filter(
                outbox::recipient_email
                    .like(pattern.clone())
                    .escape('\\')
                    .or(outbox::recipient_name.like(pattern).escape('\\')),
            );
        }
        if let Some(person) = filter.person_id {
            q = q.filter(outbox::person_id.eq(person));
        }
        if let Some(user) = filter.user_id {
            q = q.filter(outbox::user_id.eq(user));
        }
        q
    };
    let total: i64 = build().count().get_result(conn)?;
    let page = page.max(1);
    let items = build()
        .order(outbox::id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select(OutboxRow::as_select())
        .load(conn)?;
    Ok(Paged { items, total, page, per_page })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_stable_per_key() {
        let a = message_id_for("invite:1", "truong.vn");
        assert_eq!(a, message_id_for("invite:1", "truong.vn"));
        assert_ne!(a, message_id_for("invite:2", "truong.vn"));
        assert!(a.starts_with('<') && a.ends_with("@truong.vn>"));
    }
}
