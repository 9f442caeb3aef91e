//! Queries and transactions, one file per aggregate. Functions take `&mut DbConn`, hold no
//! state and are called from `web::block` (never across an `.await`).

/// Filters a query on one id with `=`, which SQLite keeps prepared between requests (one
/// person's dossier, on every visit), and on several with `IN`, which it prepares each time.
macro_rules! one_or_any {
    ($query:expr, $column:expr, $ids:expr) => {
        match $ids {
            [one] => $query.filter($column.eq(*one)).into_boxed(),
            many => $query.filter($column.eq_any(many)).into_boxed(),
        }
    };
}
pub(crate) use one_or_any;

pub mod api_tokens;
pub mod attendance;
pub mod audit;
pub mod calendar;
pub mod certificates;
pub mod classes;
pub mod confirmations;
pub mod enrolments;
pub mod imports;
pub mod issuers;
pub mod login_throttle;
pub mod orgs;
pub mod outbox;
pub mod people;
pub mod programs;
pub mod readiness;
pub mod reports;
pub mod results;
pub mod sessions;
pub mod settings;
pub mod tokens;
pub mod users;
pub mod venues;

use diesel::result::{DatabaseErrorKind, Error as DieselError};

pub use crate::db::DbConn;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness or state rule refused the change; the key names the message to show.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error(transparent)]
    Database(DieselError),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<DieselError> for StoreError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => StoreError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                StoreError::Conflict("error.duplicate")
            }
            other => StoreError::Database(other),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Rows per multi-row insert: a few hundred rows of up to ~20 columns stay well under SQLite's
/// 32,766 bound parameters (and PostgreSQL's 65,535).
pub const INSERT_CHUNK: usize = 500;

/// Evaluates `$body` with `$c` bound to the backend's own connection. Diesel's multi-backend
/// connection has no multi-row insert; each backend's connection has one.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Sqlite($c) => $body,
            $crate::db::DbConn::Postgres($c) => $body,
        }
    };
}
pub(crate) use on_backend;

/// Evaluates `$body` with `$values` bound to `$rows` (a `Vec` of insertable rows) as diesel's
/// multi-row insert takes them: a full chunk of `INSERT_CHUNK` rows as a fixed-size array, which
/// diesel keeps prepared (SQLite then parses the long statement once per connection, not once
/// per chunk: parsing was a quarter of an import's commit), any other number as a `Vec`.
macro_rules! with_rows {
    ($rows:expr, |$values:ident| $body:expr) => {{
        let rows = $rows;
        if rows.len() == $crate::store::INSERT_CHUNK {
            let Ok($values) = <Box<[_; $crate::store::INSERT_CHUNK]>>::try_from(rows.into_boxed_slice()) else {
                unreachable!("the length was checked")
            };
            $body
        } else {
            let $values = rows;
            $body
        }
    }};
}
pub(crate) use with_rows;

/// Runs `f`, which only reads, in one read transaction on SQLite, so that its statements share
/// one snapshot and one page cache: a statement outside a transaction takes the database's
/// shared lock anew and, once any other connection has written, drops the connection's page
/// cache and reads its pages again (bench/RESULTS.md, issue 8). Inside an open transaction, and
/// on PostgreSQL (where a transaction would cost two more round trips), `f` runs as it is. `f`
/// must not write: a read transaction that turns into a write one cannot wait for a writer.
pub fn read_tx<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<DieselError>,
{
    use diesel::Connection;
    let begin = match conn {
        DbConn::Sqlite(c) => !in_transaction(c)?,
        DbConn::Postgres(_) => false,
    };
    if begin { conn.transaction(f) } else { f(conn) }
}

/// Runs `f` in a transaction that writes. On SQLite it begins with BEGIN IMMEDIATE: a deferred
/// transaction that reads first and writes later cannot wait for another writer and fails with
/// "database is locked" at once; an immediate one queues behind the busy timeout. Inside an
/// open transaction it becomes a savepoint, as `Connection::transaction` does.
///
/// The writers of this process first queue on a fair lock, and only the one at its head asks
/// SQLite: SQLite's busy handler polls with sleeps growing to 100 ms, so 32 writers waiting on
/// it were served in no order and some waited seconds (bench/RESULTS.md, issue 8). Other
/// processes (the command line) still meet the busy timeout. The one at the head writes on the
/// file's connection kept for writing (`db::writer`), whose page cache outlives its writes; `f`
/// gets that connection, so it must do all its work through the connection it is given.
pub fn write_tx<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<DieselError>,
{
    use diesel::Connection;
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let DbConn::Sqlite(c) = conn else { return conn.transaction(f) };
    if in_transaction(c)? {
        return conn.transaction(f);
    }
    let writer = crate::db::writer::of(c)?;
    let mut turn = writer.turn.lock();
    // The connection kept for writing when there is one (opened on the first write, again after
    // a write that left it in doubt); otherwise, or when it cannot be opened, the caller's own.
    let mut kept = turn.take().or_else(|| writer.url.as_ref().and_then(|url| url.connect().ok()));
    let on = kept.as_mut().unwrap_or(conn);
    let ended = immediate(on, f);
    if let Some(DbConn::Sqlite(c)) = &mut kept
        && matches!(in_transaction(c), Ok(false))
    {
        *turn = kept;
    }
    parking_lot::MutexGuard::unlock_fair(turn);
    return ended;

    /// `f` in a transaction begun with BEGIN IMMEDIATE, committed when it succeeds.
    fn immediate<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E>,
        E: From<DieselError>,
    {
        type Manager = AnsiTransactionManager;
        let DbConn::Sqlite(c) = conn else { unreachable!("only SQLite takes turns") };
        Manager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
        let result = f(conn);
        let DbConn::Sqlite(c) = conn else { unreachable!("the connection does not change backend") };
        match result {
            Ok(value) => <Manager as TransactionManager<diesel::SqliteConnection>>::commit_transaction(c)
                .map(|()| value)
                .map_err(E::from),
            Err(e) => <Manager as TransactionManager<diesel::SqliteConnection>>::rollback_transaction(c)
                .map_err(E::from)
                .and(Err(e)),
        }
    }
}

/// Whether a transaction is open on `conn` (a write inside it is a savepoint, in its turn).
fn in_transaction(conn: &mut diesel::SqliteConnection) -> Result<bool, DieselError> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    Ok(<AnsiTransactionManager as TransactionManager<diesel::SqliteConnection>>::transaction_manager_status_mut(conn)
        .transaction_depth()?
        .is_some())
}

/// A LIKE pattern matching `text` anywhere, with LIKE's own characters escaped (use with
/// `.escape('\\')`).
pub fn contains_pattern(text: &str) -> String {
    format!("%{}%", text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
}

/// Which people and org units a user may see: everything, or a set of org units (a
/// secretary's units and their descendants).
#[derive(Debug, Clone)]
pub enum Scope {
    All,
    Units(Vec<i64>),
}

impl Scope {
    pub fn allows(&self, org_unit_id: i64) -> bool {
        match self {
            Scope::All => true,
            Scope::Units(ids) => ids.contains(&org_unit_id),
        }
    }
}

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Paged<T> {
    pub fn pages(&self) -> i64 {
        page_count(self.total, self.per_page)
    }
}

/// How many pages `total` rows take, `per_page` at a time (one when there are none).
fn page_count(total: i64, per_page: i64) -> i64 {
    ((total + per_page - 1) / per_page).max(1)
}

/// The page to read and its size for a list of `total` rows: the size within 1–500, and a page
/// past the end read as the last one.
pub fn page_within(total: i64, page: i64, per_page: i64) -> (i64, i64) {
    let per_page = per_page.clamp(1, 500);
    (page.clamp(1, page_count(total, per_page)), per_page)
}
