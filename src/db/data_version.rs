//! The database's change counter, read without a trip to the blocking pool: what is kept as it
//! was read (pages, accounts: see `web::remembered`) is good for as long as it has not moved.
//!
//! SQLite keeps one per connection (`PRAGMA data_version`), which moves whenever another
//! connection commits, of this process or of another one (the command line). A connection of
//! its own that never writes therefore sees every commit of the pool and of the mail worker.
//! Reading it is a read transaction in WAL's shared memory, a few microseconds without file
//! I/O, so it is read on the async worker under a lock. PostgreSQL has no such counter: there
//! the watcher is absent and nothing is kept.

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
        assert!(DataVersion::watch("postgres://u@localhost/x").current().is_none());
    }
}
