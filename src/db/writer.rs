//! The writers of this process to a SQLite file: one at a time, in the order they came, on a
//! connection kept for writing (see `store::write_tx`).
//!
//! SQLite drops a connection's page cache whenever another connection has written since its
//! last transaction. With every write on whichever pooled connection was free, each write began
//! by reading again every page it touched, inside the write lock. The one connection that does
//! all of this process's writes keeps its cache across them (bench/RESULTS.md, issue 8).
//!
//! The writer of a file lives as long as a pool of that file (`db::connect` registers it and
//! the pool's manager holds it): the server has one, a test run a few hundred, one after another.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, Weak};

use diesel::{QueryResult, RunQueryDsl, SqliteConnection};

use super::{DatabaseUrl, DbConn, kept_sql::MainFile};

/// The turn to write to one file, and the connection kept for writing to it (None until the
/// first write, or after a write that left it in doubt).
pub struct Writer {
    pub(crate) turn: parking_lot::Mutex<Option<DbConn>>,
    /// Where the connection kept for writing connects; None for a file no pool registered (a
    /// connection opened by hand): its writers take turns on their own connections.
    pub(crate) url: Option<DatabaseUrl>,
}

/// The writers by the path of their file.
static WRITERS: LazyLock<Mutex<HashMap<String, Weak<Writer>>>> = LazyLock::new(Default::default);

/// The writer of the file `conn` is connected to, for a pool of `url` to keep: the one already
/// registered, or a new one. None for a database in memory (each connection has its own).
pub(crate) fn register(conn: &mut SqliteConnection, url: &DatabaseUrl) -> QueryResult<Option<Arc<Writer>>> {
    let file: String = MainFile.get_result(conn)?;
    Ok((!file.is_empty()).then(|| of_file(file, Some(url))))
}

/// The writer of the file `conn` is connected to. A file no live pool registered gets one
/// without a connection of its own, kept for the rest of the process.
pub(crate) fn of(conn: &mut SqliteConnection) -> QueryResult<Arc<Writer>> {
    Ok(of_file(MainFile.get_result(conn)?, None))
}

/// The live writer of `file`, or a new one: kept by the pool of `url`, or, without a pool, for
/// the rest of the process (two such writers of one file must meet the same turn).
fn of_file(file: String, url: Option<&DatabaseUrl>) -> Arc<Writer> {
    let mut writers = WRITERS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(writer) = writers.get(&file).and_then(Weak::upgrade) {
        return writer;
    }
    let writer = Arc::new(Writer { turn: parking_lot::Mutex::new(None), url: url.cloned() });
    if url.is_none() {
        std::mem::forget(Arc::clone(&writer));
    }
    writers.insert(file, Arc::downgrade(&writer));
    writer
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::sql_types::BigInt;
    use diesel::{QueryableByName, RunQueryDsl};

    use crate::db::{DbConn, kept_sql::DataVersionNow};
    use crate::store::{StoreError, write_tx};

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    fn count(conn: &mut DbConn) -> i64 {
        diesel::sql_query("SELECT count(*) AS n FROM t").get_result::<Count>(conn).unwrap().n
    }

    fn version(conn: &mut DbConn) -> i64 {
        let DbConn::Sqlite(c) = conn else { unreachable!() };
        DataVersionNow.get_result(c).unwrap()
    }

    /// Every write of a pool goes through the one connection kept for writing: what it writes is
    /// seen at once by the pool's connections, it survives a write that fails and one that
    /// panics, a write inside a write is a savepoint of the same turn, and the connection closes
    /// with the pool.
    #[test]
    fn writes_of_a_pool_share_one_connection_that_lives_with_the_pool() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("w.db").display());
        let pool = crate::db::connect(&url, 2).unwrap();
        let (mut a, mut b) = (pool.get().unwrap(), pool.get().unwrap());
        a.batch_execute("CREATE TABLE t (x INTEGER)").unwrap();

        let (before_a, before_b) = (version(&mut a), version(&mut b));
        let writer_version = |conn: &mut DbConn| -> i64 { version(conn) };
        let first: i64 = write_tx(&mut a, |w| {
            diesel::sql_query("INSERT INTO t VALUES (1)").execute(w)?;
            Ok::<_, StoreError>(writer_version(w))
        })
        .unwrap();
        let second: i64 = write_tx(&mut b, |w| {
            diesel::sql_query("INSERT INTO t VALUES (2)").execute(w)?;
            Ok::<_, StoreError>(writer_version(w))
        })
        .unwrap();
        // Both writes ran on one connection: its counter did not move between them (it moves
        // only for other connections' commits), while both pooled connections saw them.
        assert_eq!(first, second);
        assert_ne!(version(&mut a), before_a);
        assert_ne!(version(&mut b), before_b);
        assert_eq!(count(&mut a), 2);

        // A write that fails leaves nothing, and the next one works.
        let failed: Result<(), StoreError> = write_tx(&mut a, |w| {
            diesel::sql_query("INSERT INTO t VALUES (3)").execute(w)?;
            Err(StoreError::Conflict("test"))
        });
        assert!(matches!(failed, Err(StoreError::Conflict("test"))));
        assert_eq!(count(&mut b), 2);

        // A write that panics mid-way leaves nothing either, and does not block the next.
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _: Result<(), StoreError> = write_tx(&mut a, |w| {
                diesel::sql_query("INSERT INTO t VALUES (4)").execute(w)?;
                panic!("in the middle of a write");
            });
        }));
        assert!(panicked.is_err());
        write_tx(&mut b, |w| {
            // A write inside a write: a savepoint in the same turn, not a second wait for it.
            write_tx(w, |w| diesel::sql_query("INSERT INTO t VALUES (5)").execute(w).map_err(StoreError::from))?;
            diesel::sql_query("INSERT INTO t VALUES (6)").execute(w).map_err(StoreError::from)
        })
        .unwrap();
        assert_eq!(count(&mut a), 4);

        let DbConn::Sqlite(c) = &mut *a else { unreachable!() };
        let writer = super::of(c).unwrap();
        assert!(writer.url.is_some(), "the pool registered its writer");
        assert!(writer.turn.lock().is_some(), "the connection kept for writing is open");
        drop((a, b, pool, writer));
        let mut alone = crate::db::DatabaseUrl::parse(&url).unwrap().connect().unwrap();
        let DbConn::Sqlite(c) = &mut alone else { unreachable!() };
        assert!(super::of(c).unwrap().url.is_none(), "with its pool gone, its writer is gone too");
    }
}
