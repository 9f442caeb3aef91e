//! Statements of the connection itself that SQLite keeps prepared. Diesel prepares its
//! `sql_query` and its SQL literals anew on each run: the writer's file name and the change
//! counter, read on every write and every request, spent more on being parsed than on running
//! (bench/RESULTS.md, issue 8). A statement here has a fixed text and a type of its own, so each
//! connection prepares it once. (A table's statement of this kind lives with its table in
//! `store`, e.g. the attendance sheet's grouped update.)

use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Text};
use diesel::sqlite::Sqlite;
use diesel::{QueryResult, RunQueryDsl, SqliteConnection};

/// A statement without parameters returning one column of `$sql_type`.
macro_rules! fixed_query {
    ($(#[$doc:meta])* $name:ident, $sql:literal, $sql_type:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name;

        impl QueryId for $name {
            type QueryId = Self;
            const HAS_STATIC_QUERY_ID: bool = true;
        }

        impl Query for $name {
            type SqlType = $sql_type;
        }

        impl QueryFragment<Sqlite> for $name {
            fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
                out.push_sql($sql);
                Ok(())
            }
        }

        impl RunQueryDsl<SqliteConnection> for $name {}
    };
}

fixed_query!(
    /// The path of the connection's main database file (empty for a database in memory).
    MainFile,
    "SELECT file FROM pragma_database_list WHERE name = 'main'",
    Text
);

fixed_query!(
    /// SQLite's change counter of this connection's view of the file (see `DataVersion`).
    DataVersionNow,
    "PRAGMA data_version",
    BigInt
);

fixed_query!(
    /// The counter of changes to accounts, kept by triggers (the SQLite migration
    /// `account_changes`; see `DataVersion::accounts`).
    AccountsChangedNow,
    "SELECT n FROM change_counters WHERE name = 'accounts'",
    BigInt
);

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::Connection;

    #[test]
    fn each_runs_and_answers() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        assert_eq!(MainFile.get_result::<String>(&mut conn).unwrap(), "");
        let first: i64 = DataVersionNow.get_result(&mut conn).unwrap();
        assert_eq!(DataVersionNow.get_result::<i64>(&mut conn).unwrap(), first);
    }
}
