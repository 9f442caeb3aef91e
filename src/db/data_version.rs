//! The database's change counter, read without a trip to the blocking pool: what is kept as it
//! was read (pages, accounts: see `web::remembered`) is good for as long as it has not moved.
//!
//! SQLite keeps one per connection (`PRAGMA data_version`), which moves whenever another
//! connection commits, of this process or of another one (the command line). A connection of
//! its own that never writes therefore sees every commit of the pool and of the mail worker.
//! Reading it is a read transaction in WAL's shared memory, a few microseconds without file
//! I/O, so it is read on the async worker under a lock. PostgreSQL has no such counter: there
//! the watcher is absent and nothing is kept.
//!
//! An account (the user, its roles, its chi bộ) changes far more rarely than the rest: it has a
//! counter of its own, which the database's triggers move in the transaction of the change, so
//! the accounts kept outlive every other write.

use diesel::connection::SimpleConnection;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};

use super::DatabaseUrl;

pub struct DataVersion(Option<parking_lot::Mutex<SqliteConnection>>);

impl DataVersion {
    /// A watcher of the database at `url`, once its file exists; none for PostgreSQL or a
    /// database in memory (each connection would have a database of its own).
    pub fn watch(url: &str) -> Self {
        let path = DatabaseUrl::parse(url).ok().and_then(|u| u.sqlite_path().map(str::to_owned));
        let watcher = path.filter(|p| !p.starts_with(":memory:") && !p.contains("mode=memory")).and_then(|p| {
            let mut conn = SqliteConnection::establish(&p).ok()?;
            conn.batch_execute("PRAGMA query_only = ON; PRAGMA busy_timeout = 1000;").ok()?;
            Some(parking_lot::Mutex::new(conn))
        });
        Self(watcher)
    }

    /// A watcher that watches nothing: everything is read each time.
    pub fn none() -> Self {
        Self(None)
    }

    /// The counter now; None when there is no watcher or it could not be read (then nothing is
    /// kept or reused). Values only compare for equality, and grow.
    pub fn current(&self) -> Option<i64> {
        let conn = self.0.as_ref()?;
        super::kept_sql::DataVersionNow.get_result(&mut *conn.lock()).ok()
    }

    /// The counter of changes to accounts now; None as for `current`. Its values compare for
    /// equality and grow too.
    pub fn accounts(&self) -> Option<i64> {
        let conn = self.0.as_ref()?;
        super::kept_sql::AccountsChangedNow.get_result(&mut *conn.lock()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_when_another_connection_commits_and_not_when_it_reads() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("v.db").display());
        let pool = crate::db::connect(&url, 2).unwrap();
        let watcher = DataVersion::watch(&url);
        let first = watcher.current().expect("a file database is watched");
        let mut conn = pool.get().unwrap();
        conn.batch_execute("SELECT count(*) FROM users").unwrap();
        assert_eq!(watcher.current(), Some(first), "a read moves nothing");
        conn.batch_execute("INSERT INTO settings (key, value) VALUES ('watched', 'yes')").unwrap();
        let second = watcher.current().unwrap();
        assert!(second > first, "a commit elsewhere moves it: {first} then {second}");
        assert_eq!(watcher.current(), Some(second));
        assert!(DataVersion::watch("sqlite://:memory:").current().is_none());
        assert!(DataVersion::watch("sqlite://:memory:").accounts().is_none());
        assert!(DataVersion::watch("postgres://u@localhost/x").current().is_none());
    }

    /// The accounts' counter moves with every change to a user, its roles or its chi bộ, made
    /// by any connection, and stands still for every other write.
    #[test]
    fn the_accounts_counter_moves_only_when_an_account_changes() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("a.db").display());
        let pool = crate::db::connect(&url, 2).unwrap();
        let watcher = DataVersion::watch(&url);
        let mut conn = pool.get().unwrap();
        let moved = |conn: &mut crate::db::DbConn, sql: &str| {
            let before = watcher.accounts().expect("the counter is read");
            conn.batch_execute(sql).unwrap();
            watcher.accounts().unwrap() != before
        };
        assert!(!moved(&mut conn, "INSERT INTO settings (key, value) VALUES ('counted', 'no')"));
        assert!(moved(
            &mut conn,
            "INSERT INTO users (email, display_name, created_at, updated_at) \
             VALUES ('dem@boiduong.test', 'Đếm', '2026-12-04 08:00:00', '2026-12-04 08:00:00')"
        ));
        assert!(moved(&mut conn, "INSERT INTO user_roles (user_id, role) SELECT id, 'staff' FROM users"));
        assert!(!moved(&mut conn, "UPDATE settings SET value = 'still no' WHERE key = 'counted'"));
        assert!(moved(&mut conn, "UPDATE users SET session_version = session_version + 1"));
        assert!(moved(&mut conn, "DELETE FROM user_roles"));
        assert!(!moved(
            &mut conn,
            "INSERT INTO org_units (kind, name, valid_from, created_at, updated_at) \
             VALUES ('cell', 'Chi bộ Đếm', '2026-01-01', '2026-12-04 08:00:00', '2026-12-04 08:00:00')"
        ));
        assert!(moved(
            &mut conn,
            "INSERT INTO secretary_units (user_id, org_unit_id) SELECT u.id, o.id FROM users u, org_units o"
        ));
        assert!(moved(&mut conn, "DELETE FROM secretary_units"));
        assert!(moved(&mut conn, "DELETE FROM users"));
    }
}
