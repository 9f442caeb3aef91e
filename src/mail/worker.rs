//! The outbox worker: claims due rows, sends them, and records the outcome — sent only after
//! the server accepted the message, retried with a growing delay for anything but a permanent
//! rejection, failed with the server's answer kept once the attempts run out. Each batch reads
//! the school's settings afresh, so a message is signed as the school is named when it leaves.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{StreamExt, stream};
use tokio::sync::Notify;

use super::templates::Letterhead;
use super::transport::DeliveryError;
use super::{Mailer, invitations};
use crate::db::Pool;
use crate::domain::addressing::Address;
use crate::domain::dates;
use crate::domain::person::Status;
use crate::store::outbox::{self, OutboxRow};
use crate::store::{Scope, StoreError, people, settings, users};

/// Rows claimed at a time.
const BATCH: i64 = 50;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

impl Report {
    pub fn handled(&self) -> usize {
        self.sent + self.retried + self.failed
    }
}

async fn blocking<T: Send + 'static>(
    pool: &Pool,
    f: impl FnOnce(&mut crate::db::DbConn) -> crate::store::StoreResult<T> + Send + 'static,
) -> anyhow::Result<T> {
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get()?;
        f(&mut conn).map_err(anyhow::Error::from)
    })
    .await?
}

/// Messages in flight at once. An SMTP client waits for the server's answer to each command, so
/// one connection sends a few dozen messages a second; several connections (from the transport's
/// pool) send in parallel.
pub const CONCURRENCY: usize = 8;

#[derive(Debug, Clone, Copy)]
enum Outcome {
    Sent,
    Retried,
    Failed,
}

/// Sends every row due now, once. Returns what happened to them.
pub async fn send_due(pool: &Pool, mailer: &Mailer) -> anyhow::Result<Report> {
    let mut report = Report::default();
    loop {
        let (worker, now) = (mailer.worker_id.clone(), mailer.clock.now_utc());
        let (rows, school) = blocking(pool, move |c| {
            let rows = outbox::claim_due(c, BATCH, &worker, now)?;
            let school = if rows.is_empty() { None } else { Some(settings::load(c)?) };
            Ok((rows, school))
        })
        .await?;
        let Some(school) = school else {
            return Ok(report);
        };
        let letterhead = Letterhead::from_settings(&school);
        let mut outcomes =
            stream::iter(rows).map(|row| deliver(pool, mailer, &letterhead, row)).buffer_unordered(CONCURRENCY);
        while let Some(outcome) = outcomes.next().await {
            match outcome? {
                Outcome::Sent => report.sent += 1,
                Outcome::Retried => report.retried += 1,
                Outcome::Failed => report.failed += 1,
            }
        }
    }
}

/// What is made at send time: the row's data with its account link filled in, and how the
/// message addresses its reader.
fn prepare(
    conn: &mut crate::db::DbConn,
    row: &OutboxRow,
    public_url: &str,
    now: time::PrimitiveDateTime,
) -> Result<(serde_json::Value, Address, Option<super::Attachment>), DeliveryError> {
    let mut data: serde_json::Value =
        serde_json::from_str(&row.data_json).map_err(|e| DeliveryError::permanent(format!("dữ liệu thư hỏng: {e}")))?;
    invitations::link_for(conn, public_url, row.user_id, &mut data, now)
        .map_err(|e| DeliveryError::transient(format!("không tạo được liên kết: {e}")))?;
    let address =
        address_of(conn, row).map_err(|e| DeliveryError::transient(format!("không đọc được người nhận: {e}")))?;
    let attachment = super::attachment_for(conn, row)?;
    Ok((data, address, attachment))
}

/// The recipient's form of address from what is known of them now: their person record's
/// status, else their account's roles (see `domain::addressing`).
fn address_of(conn: &mut crate::db::DbConn, row: &OutboxRow) -> crate::store::StoreResult<Address> {
    let status = match row.person_id.map(|id| people::find(conn, &Scope::All, id)) {
        Some(Ok(person)) => Status::parse(&person.status),
        Some(Err(StoreError::NotFound)) | None => None,
        Some(Err(e)) => return Err(e),
    };
    let roles = match row.user_id {
        Some(id) => users::roles_of(conn, id)?,
        None => Vec::new(),
    };
    Ok(Address::for_recipient(status, &roles))
}

async fn deliver(pool: &Pool, mailer: &Mailer, letterhead: &Letterhead, row: OutboxRow) -> anyhow::Result<Outcome> {
    let (for_data, public_url, now) = (row.clone(), mailer.public_url.clone(), mailer.clock.now_utc());
    let prepared = blocking(pool, move |c| Ok(prepare(c, &for_data, &public_url, now))).await?;
    let outcome = match prepared
        .and_then(|(data, address, attachment)| mailer.build(&row, &data, letterhead, address, attachment.as_ref()))
    {
        Ok(message) => mailer.transport.send(message).await,
        Err(e) => Err(e),
    };
    let id = row.id;
    match outcome {
        Ok(answer) => {
            blocking(pool, move |c| outbox::mark_sent(c, id, &answer)).await?;
            Ok(Outcome::Sent)
        }
        Err(e) if e.permanent || row.attempts >= mailer.policy.max_attempts => {
            tracing::warn!(outbox_id = id, attempts = row.attempts, "email failed: {}", e.answer);
            blocking(pool, move |c| outbox::mark_failed(c, id, &e.answer)).await?;
            Ok(Outcome::Failed)
        }
        Err(e) => {
            let next = dates::now() + mailer.policy.delay(row.attempts);
            tracing::info!(outbox_id = id, attempts = row.attempts, "email will be retried: {}", e.answer);
            blocking(pool, move |c| outbox::mark_retry(c, id, &e.answer, next)).await?;
            Ok(Outcome::Retried)
        }
    }
}

/// Queues the certificate expiry reminders and the month-9 probation warnings due today (each
/// once: their keys are unique).
pub async fn queue_reminders(pool: &Pool, mailer: &Mailer, today: time::Date) -> anyhow::Result<usize> {
    let domain = mailer.from_address.domain().to_owned();
    let certificates = {
        let domain = domain.clone();
        blocking(pool, move |c| crate::store::certificates::queue_reminders(c, &domain, today)).await?
    };
    let public_url = mailer.public_url.clone();
    let probation =
        blocking(pool, move |c| crate::store::readiness::queue_probation_warnings(c, &domain, &public_url, today))
            .await?;
    Ok(certificates + probation)
}

/// Runs inside the server: once a day queues the certificate expiry reminders; sends what is due, then waits for a wake-up (a handler queued a
/// message) or the poll interval, whichever comes first.
pub fn spawn(pool: Pool, mailer: Arc<Mailer>, poll: Duration, wakeup: Arc<Notify>) -> tokio::task::JoinHandle<()> {
    tracing::info!(worker = %mailer.worker_id, "mail worker started ({})", mailer.transport.describe());
    tokio::spawn(async move {
        let mut reminded_on: Option<time::Date> = None;
        loop {
            let today = mailer.clock.today();
            if reminded_on != Some(today) {
                match queue_reminders(&pool, &mailer, today).await {
                    Ok(_) => reminded_on = Some(today),
                    Err(e) => tracing::error!("certificate reminders: {e:#}"),
                }
            }
            if let Err(e) = send_due(&pool, &mailer).await {
                tracing::error!("mail worker: {e:#}");
            }
            tokio::select! {
                _ = wakeup.notified() => {}
                _ = tokio::time::sleep(poll) => {}
            }
        }
    })
}
