//! The database: one binary, two backends. The backend is chosen by the URL scheme in our own
//! connection manager, because diesel's derived `establish` would quietly fall back to SQLite
//! (and create a new file) when a PostgreSQL URL is mistyped or unreachable.

mod data_version;
pub mod kept_sql;
pub mod schema;
pub(crate) mod writer;

pub use data_version::DataVersion;

use std::time::Duration;

use anyhow::{Context, bail};
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, ConnectionError};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database URL split into its backend and what that backend's driver expects.
#[derive(Debug, Clone)]
pub struct DatabaseUrl {
    pub backend: Backend,
    target: String,
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> anyhow::Result<Self> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self { backend: Backend::Postgres, target: url.to_owned() });
        }
        if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            if path.is_empty() {
                bail!("BOIDUONG_DATABASE_URL: thiếu đường dẫn tệp SQLite (ví dụ sqlite://data/boiduong.db)");
            }
            return Ok(Self { backend: Backend::Sqlite, target: path.to_owned() });
        }
        bail!("BOIDUONG_DATABASE_URL phải bắt đầu bằng sqlite:// hoặc postgres:// (đã nhận: {})", redact(url))
    }

    pub fn sqlite_path(&self) -> Option<&str> {
        (self.backend == Backend::Sqlite).then_some(self.target.as_str())
    }

    pub(crate) fn connect(&self) -> Result<DbConn, ConnectionError> {
        match self.backend {
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.target)?;
                // Foreign keys are off by default in SQLite; the busy timeout makes writers queue
                // instead of failing with "database is locked". Temporary files in memory: a
                // multi-row insert in a transaction keeps a statement journal, which SQLite
                // otherwise writes to a file past 64 KiB (a tenth of an import's commit).
                conn.batch_execute(
                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; \
                     PRAGMA temp_store = MEMORY;",
                )
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConn::Sqlite(conn))
            }
            Backend::Postgres => PgConnection::establish(&self.target).map(DbConn::Postgres),
        }
    }
}

/// Hides the password of a URL before it is shown or logged.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..scheme_end], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

pub struct Manager {
    url: DatabaseUrl,
    /// Held for as long as the pool lives (see `writer`).
    _writer: Option<std::sync::Arc<writer::Writer>>,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        self.url.connect().map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1").map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

/// Connects, runs the embedded migrations and returns a pool. Fails with a clear message when
/// the database cannot be reached, before anything listens on a port.
pub fn connect(url: &str, max_connections: u32) -> anyhow::Result<Pool> {
    let url = DatabaseUrl::parse(url)?;
    if let Some(path) = url.sqlite_path() {
        prepare_sqlite_file(path)?;
    }
    let mut first =
        url.connect().with_context(|| format!("Không kết nối được cơ sở dữ liệu {}", redact(&url.target)))?;
    if let DbConn::Sqlite(conn) = &mut first {
        // WAL lets readers work while one writer writes; it is a property of the file.
        conn.batch_execute("PRAGMA journal_mode = WAL;")?;
    }
    run_migrations(&mut first)?;
    // Collation keys are computed in Rust, so a migration that changes names leaves them empty.
    let filled = crate::store::people::fill_sort_keys(&mut first).context("Không tính được khóa sắp xếp tên")?;
    if filled > 0 {
        tracing::info!(filled, "sort keys of people computed after a migration");
    }
    let writer = match &mut first {
        DbConn::Sqlite(conn) => writer::register(conn, &url)?,
        DbConn::Postgres(_) => None,
    };
    drop(first);
    let pool = r2d2::Pool::builder()
        .max_size(max_connections)
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(10))
        .test_on_check_out(false)
        .build(Manager { url, _writer: writer })
        .context("Không tạo được nhóm kết nối cơ sở dữ liệu")?;
    Ok(pool)
}

fn prepare_sqlite_file(path: &str) -> anyhow::Result<()> {
    let file_path = path.split('?').next().unwrap_or(path);
    if file_path == ":memory:" {
        return Ok(());
    }
    if let Some(dir) = std::path::Path::new(file_path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).with_context(|| format!("Không tạo được thư mục {}", dir.display()))?;
    }
    Ok(())
}

pub fn run_migrations(conn: &mut DbConn) -> anyhow::Result<()> {
    let result = match conn {
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        DbConn::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len()),
    };
    let applied = result.map_err(|e| anyhow::anyhow!("Lỗi khi chạy migration: {e}"))?;
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `.cargo/config.toml` builds SQLite with the query planner stability guarantee; without it
    /// every cached statement with a bound LIMIT is planned again on each use.
    #[test]
    fn sqlite_keeps_the_plans_of_cached_statements() {
        use diesel::RunQueryDsl;
        use diesel::sql_types::Text;
        #[derive(diesel::QueryableByName)]
        struct CompileOption {
            #[diesel(sql_type = Text)]
            compile_options: String,
        }
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        let options: Vec<String> = diesel::sql_query("PRAGMA compile_options")
            .load::<CompileOption>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|o| o.compile_options)
            .collect();
        assert!(options.iter().any(|o| o == "ENABLE_QPSG"), "{options:?}");
    }

    #[test]
    fn scheme_picks_the_backend() {
        assert_eq!(DatabaseUrl::parse("sqlite://data/x.db").unwrap().backend, Backend::Sqlite);
        assert_eq!(DatabaseUrl::parse("postgres://u@h/db").unwrap().backend, Backend::Postgres);
        assert_eq!(DatabaseUrl::parse("postgresql://u@h/db").unwrap().backend, Backend::Postgres);
    }

    #[test]
    fn mistyped_scheme_is_refused() {
        let err = DatabaseUrl::parse("postgre://u:secret@h/db").unwrap_err().to_string();
        assert!(err.contains("BOIDUONG_DATABASE_URL"), "{err}");
        assert!(!err.contains("secret"), "password leaked: {err}");
    }

    #[test]
    fn redact_hides_password() {
        assert_eq!(redact("postgres://bd:pw@localhost/x"), "postgres://bd:***@localhost/x");
        assert_eq!(redact("sqlite://data/a.db"), "sqlite://data/a.db");
    }
}
