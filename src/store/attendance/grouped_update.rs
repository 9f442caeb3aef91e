//! A sheet's changed lines written on SQLite with one statement per content, that SQLite keeps
//! prepared (diesel prepares every `UPDATE` anew).
//!
//! The columns that reference other tables (who marked the line, the make-up session) are only
//! assigned when a line's value changes: SQLite checks a foreign key for every row whose
//! referencing column an `UPDATE` assigns, even to the value it had, and those 200 lookups were a
//! fifth of the statement's time. A lecturer saving their own sheet again changes neither.

use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamp};
use diesel::sqlite::Sqlite;
use diesel::{QueryResult, RunQueryDsl, SqliteConnection};
use time::PrimitiveDateTime;

use crate::store::{StoreError, StoreResult};

/// The same `UPDATE` as the portable one in `write_changes`, for SQLite, with the lines' rows in
/// one JSON array parameter instead of an `IN` list of one parameter each, as a statement that
/// stays prepared: parsing a statement of 200 parameters on every save was a
/// sixth of the time a save holds the write lock (bench/RESULTS.md, issue 8). PostgreSQL binds
/// the list as one array already (`= ANY($1)`).
pub(super) fn run(
    conn: &mut diesel::SqliteConnection,
    session_id: i64,
    line_ids: &[i64],
    version: i32,
    content: &super::save::LineContent<'_>,
    references: Option<References>,
    marked_at: PrimitiveDateTime,
) -> StoreResult<usize> {
    let line_ids = serde_json::to_string(line_ids).map_err(|e| StoreError::Other(e.into()))?;
    Ok(UpdateAttendanceLines {
        status: content.status,
        reason: content.reason,
        source: content.source,
        references,
        marked_at,
        session_id,
        line_ids,
        version,
    }
    .execute(conn)?)
}

/// What a group's lines reference, when it is not what they referenced already.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct References {
    pub made_up_session_id: Option<i64>,
    pub marked_by: Option<i64>,
}

/// The attendance lines `line_ids` (row ids, a JSON array) of one session whose version is still
/// `version`, set to one content: a sheet's grouped update on SQLite.
struct UpdateAttendanceLines<'a> {
    status: &'a str,
    reason: Option<&'a str>,
    source: &'a str,
    /// None: the lines keep what they reference.
    references: Option<References>,
    marked_at: PrimitiveDateTime,
    session_id: i64,
    line_ids: String,
    version: i32,
}

/// Two texts, one with the references and one without: diesel keeps each prepared under its
/// text (a type of its own would name one statement for both).
impl QueryId for UpdateAttendanceLines<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl QueryFragment<Sqlite> for UpdateAttendanceLines<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql("UPDATE attendance SET status = ");
        out.push_bind_param::<Text, _>(&self.status)?;
        out.push_sql(", reason = ");
        out.push_bind_param::<Nullable<Text>, _>(&self.reason)?;
        out.push_sql(", source = ");
        out.push_bind_param::<Text, _>(&self.source)?;
        if let Some(references) = &self.references {
            out.push_sql(", made_up_session_id = ");
            out.push_bind_param::<Nullable<BigInt>, _>(&references.made_up_session_id)?;
            out.push_sql(", marked_by = ");
            out.push_bind_param::<Nullable<BigInt>, _>(&references.marked_by)?;
        }
        out.push_sql(", marked_at = ");
        out.push_bind_param::<Timestamp, _>(&self.marked_at)?;
        out.push_sql(", version = version + 1 WHERE id IN (SELECT value FROM json_each(");
        out.push_bind_param::<Text, _>(&self.line_ids)?;
        // `+session_id`: the lines are found by their row ids alone; SQLite would otherwise seek
        // the session's index for each row before the row itself.
        out.push_sql(")) AND +session_id = ");
        out.push_bind_param::<BigInt, _>(&self.session_id)?;
        out.push_sql(" AND version = ");
        out.push_bind_param::<Integer, _>(&self.version)?;
        Ok(())
    }
}

impl RunQueryDsl<SqliteConnection> for UpdateAttendanceLines<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::Connection;
    use diesel::connection::SimpleConnection;

    /// Only the lines named, of the session named, still at the version compared, change; what
    /// they reference changes only when the statement says so (the two texts are two statements).
    #[test]
    fn changes_the_lines_still_at_the_version_compared() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        conn.batch_execute(
            "CREATE TABLE attendance (id INTEGER PRIMARY KEY, enrolment_id BIGINT, session_id BIGINT, \
             status TEXT, reason TEXT, made_up_session_id BIGINT, source TEXT, marked_by BIGINT, \
             marked_at TIMESTAMP, version INTEGER); \
             INSERT INTO attendance VALUES (1, 10, 5, 'present', NULL, NULL, 'sheet', NULL, '2026-03-12 07:30:00', 1), \
             (2, 11, 5, 'present', NULL, NULL, 'sheet', NULL, '2026-03-12 07:30:00', 2), \
             (3, 12, 6, 'present', NULL, NULL, 'sheet', NULL, '2026-03-12 07:30:00', 1);",
        )
        .unwrap();
        let update = |ids: &str, version, references| UpdateAttendanceLines {
            status: "excused",
            reason: Some("Ốm"),
            source: "sheet",
            references,
            marked_at: time::macros::datetime!(2026-03-12 08:00),
            session_id: 5,
            line_ids: ids.into(),
            version,
        };
        let marked = Some(References { made_up_session_id: Some(9), marked_by: Some(7) });
        // Line 2 is at version 2 and line 3 is in another session: only line 1 changes.
        assert_eq!(update("[1,2,3]", 1, marked).execute(&mut conn).unwrap(), 1);
        // Version 1 is gone now: the same statement again changes nothing.
        assert_eq!(update("[1]", 1, marked).execute(&mut conn).unwrap(), 0);
        // Without references: the lines keep theirs.
        assert_eq!(update("[1,2]", 2, None).execute(&mut conn).unwrap(), 2);
        #[derive(diesel::QueryableByName)]
        struct Line {
            #[diesel(sql_type = Text)]
            status: String,
            #[diesel(sql_type = Integer)]
            version: i32,
            #[diesel(sql_type = Nullable<BigInt>)]
            made_up_session_id: Option<i64>,
            #[diesel(sql_type = Nullable<BigInt>)]
            marked_by: Option<i64>,
        }
        let lines: Vec<Line> =
            diesel::sql_query("SELECT status, version, made_up_session_id, marked_by FROM attendance ORDER BY id")
                .load(&mut conn)
                .unwrap();
        let seen: Vec<_> =
            lines.iter().map(|l| (l.status.as_str(), l.version, l.made_up_session_id, l.marked_by)).collect();
        assert_eq!(seen, [("excused", 3, Some(9), Some(7)), ("excused", 3, None, None), ("present", 1, None, None)]);
    }
}
