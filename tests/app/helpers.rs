//! Spawning the application and talking to it like a browser would.

#![allow(dead_code)]

use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};

use boiduong::config::Config;
use boiduong::startup::Application;
use diesel::{Connection, RunQueryDsl};
use reqwest::StatusCode;
use reqwest::header::LOCATION;

pub const DEMO_PASSWORD: &str = "mat-khau-demo-2026";
pub const ADMIN: &str = "admin@boiduong.test";
pub const STAFF: &str = "giaovu@boiduong.test";
pub const LECTURER: &str = "giangvien@boiduong.test";
pub const SECRETARY: &str = "bithu@boiduong.test";
pub const LEARNER: &str = "hocvien@boiduong.test";
pub const ALL_ROLES: [&str; 5] = [ADMIN, STAFF, LECTURER, SECRETARY, LEARNER];

pub struct TestApp {
    pub base: String,
    /// Where the file transport writes .eml files (the default transport in tests).
    pub files: tempfile::TempDir,
    pub config: Config,
    pub pool: boiduong::db::Pool,
    database: TestDatabase,
    handle: actix_web::dev::ServerHandle,
}

/// A database made for one test, dropped (on PostgreSQL) when the value is.
pub enum TestDatabase {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres { admin_url, name } = self
            && let Ok(mut conn) = diesel::PgConnection::establish(admin_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut conn);
        }
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

static SQLITE_NOTICE: std::sync::Once = std::sync::Once::new();

/// A database of its own for one test: a temporary SQLite file, or — when
/// BOIDUONG_TEST_PG_URL is set — a new PostgreSQL database, and a test that cannot create it
/// fails (it never falls back to SQLite). Set but empty is a mistake, not a request for SQLite.
pub fn test_database() -> (String, TestDatabase) {
    let pg_url = match std::env::var("BOIDUONG_TEST_PG_URL") {
        Ok(url) if url.trim().is_empty() => {
            panic!("BOIDUONG_TEST_PG_URL is set but empty: give a postgres:// URL, or unset it to test on SQLite")
        }
        Ok(url) => Some(url),
        Err(std::env::VarError::NotUnicode(_)) => panic!("BOIDUONG_TEST_PG_URL is not valid UTF-8"),
        Err(std::env::VarError::NotPresent) => {
            SQLITE_NOTICE.call_once(|| {
                // Straight to the stream: the test harness would hold back an eprintln!.
                use std::io::Write as _;
                let _ =
                    writeln!(std::io::stderr(), "BOIDUONG_TEST_PG_URL is not set: the integration tests run on SQLite");
            });
            None
        }
    };
    match pg_url {
        Some(admin_url) => {
            let name = format!(
                "boiduong_test_{}_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst),
                time::OffsetDateTime::now_utc().unix_timestamp_nanos() % 1_000_000
            );
            let mut conn = diesel::PgConnection::establish(&admin_url)
                .unwrap_or_else(|e| panic!("BOIDUONG_TEST_PG_URL is set but PostgreSQL cannot be reached: {e}"));
            diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                .execute(&mut conn)
                .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
            let (prefix, _) = admin_url.rsplit_once('/').expect("BOIDUONG_TEST_PG_URL ends in /database");
            let url = format!("{prefix}/{name}");
            (url, TestDatabase::Postgres { admin_url, name })
        }
        None => {
            let dir = tempfile::tempdir().expect("temporary directory");
            let url = format!("sqlite://{}", dir.path().join("test.db").display());
            (url, TestDatabase::Sqlite(dir))
        }
    }
}

pub fn test_config(database_url: String) -> Config {
    Config {
        database_url,
        bind: "127.0.0.1:0".into(),
        workers: 1,
        db_pool_size: 4,
        secret_key: Some("k".repeat(64)),
        demo_password: Some(DEMO_PASSWORD.into()),
        log: std::env::var("TEST_LOG").unwrap_or_else(|_| "warn".into()),
        mail_poll_seconds: 1,
        ..Config::default()
    }
}

/// The application with the demo school loaded.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let (url, database) = test_database();
    let files = tempfile::tempdir().expect("temporary directory");
    let mut config = test_config(url);
    config.outbox_dir = files.path().join("outbox").display().to_string();
    adjust(&mut config);
    boiduong::cli::init_tracing(&config.log);
    let pool = boiduong::db::connect(&config.database_url, config.db_pool_size).expect("database connects");
    boiduong::bootstrap::prepare(&pool, &config, true).expect("demo data loads");
    let listener = TcpListener::bind("127.0.0.1:0").expect("port 0 binds");
    let app = Application::build_on(listener, pool.clone(), config.clone()).expect("application builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    TestApp { base, files, config, pool, database, handle }
}

impl TestApp {
    /// A browser with no one logged in.
    pub fn anonymous(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// A browser logged in as one of the demo accounts.
    pub async fn login(&self, email: &str) -> Browser {
        let browser = self.anonymous();
        let res = browser.login(email, DEMO_PASSWORD).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "login as {email} should redirect");
        browser
    }

    /// The .eml files the file transport wrote so far.
    pub fn outbox_files(&self) -> Vec<std::path::PathBuf> {
        let dir = std::path::Path::new(&self.config.outbox_dir);
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map(|entries| {
                entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "eml")).collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    }

    /// Waits (at most `seconds`) until the file transport has written `n` messages.
    pub async fn wait_for_files(&self, n: usize, seconds: u64) -> Vec<std::path::PathBuf> {
        for _ in 0..seconds * 20 {
            if self.outbox_files().len() >= n {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        self.outbox_files()
    }

    /// Waits (at most `seconds`) for a .eml file addressed to `to` and returns its bytes. The
    /// demo school sends a few invitations of its own, so tests look for their recipient.
    pub async fn wait_for_file_to(&self, to: &str, seconds: u64) -> Vec<u8> {
        self.wait_for_file_about(to, "", seconds).await
    }

    /// The first email written to the outbox folder for `to` whose subject starts with
    /// `subject` (the demo school writes emails of its own to its people).
    pub async fn wait_for_file_about(&self, to: &str, subject: &str, seconds: u64) -> Vec<u8> {
        for _ in 0..seconds * 20 {
            for path in self.outbox_files() {
                let raw = std::fs::read(&path).unwrap_or_default();
                let Some(message) = mail_parser::MessageParser::default().parse(&raw) else { continue };
                let addressed = message.to().and_then(|a| a.first()).and_then(|a| a.address());
                let about = message.subject().is_some_and(|s| s.starts_with(subject));
                if addressed == Some(to) && about {
                    return raw;
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("no email to {to} about {subject:?} within {seconds} s");
    }

    /// Asks for a password reset of `email` and returns the link of the email that brings it
    /// (a path, "/password/reset/…"), waiting for the worker to send it.
    pub async fn reset_link(&self, email: &str) -> String {
        let before: std::collections::HashSet<_> = self.outbox_files().into_iter().collect();
        let res = self.anonymous().post("/password/forgot", &[("email", email)]).await;
        assert_eq!(res.status(), StatusCode::OK, "the forgot-password form answers");
        for _ in 0..200 {
            for path in self.outbox_files().into_iter().filter(|p| !before.contains(p)) {
                let raw = std::fs::read(&path).unwrap_or_default();
                let Some(message) = mail_parser::MessageParser::default().parse(&raw) else { continue };
                let to = message.to().and_then(|a| a.first()).and_then(|a| a.address()).map(str::to_owned);
                // The demo school may still be sending its own mail to the same person.
                if to.as_deref() == Some(email)
                    && let Some(text) = message.body_text(0)
                    && text.contains("/password/reset/")
                {
                    return link_in(&text, "/password/reset/");
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("no new reset email to {email}");
    }

    pub fn account_id(&self, email: &str) -> i64 {
        boiduong::store::users::find_by_email(&mut self.conn(), email).unwrap().unwrap_or_else(|| panic!("{email}")).id
    }

    pub fn conn(&self) -> boiduong::db::PooledConn {
        self.pool.get().expect("a database connection")
    }

    /// Takes the demo's classes away (with everything hanging on them), for tests that count
    /// every session or class a role sees and build their own.
    pub fn without_demo_classes(&self) {
        use boiduong::db::schema::*;
        use diesel::prelude::*;
        let mut c = self.conn();
        c.transaction::<_, diesel::result::Error, _>(|c| {
            diesel::delete(certificate_verifications::table).execute(c)?;
            diesel::delete(certificates::table).execute(c)?;
            diesel::delete(certificate_registers::table).execute(c)?;
            diesel::delete(assessments::table).execute(c)?;
            diesel::delete(attendance::table).execute(c)?;
            diesel::delete(import_uploads::table).execute(c)?;
            diesel::delete(enrolments::table).execute(c)?;
            diesel::delete(class_sessions::table).execute(c)?;
            diesel::delete(calendar_feeds::table.filter(calendar_feeds::kind.eq("class"))).execute(c)?;
            diesel::delete(classes::table).execute(c)?;
            // Emails about the demo's learners: their keys hold enrolment ids, which may be reused.
            diesel::delete(outbox::table.filter(outbox::message_key.like("absence-limit:%"))).execute(c)?;
            // Emails about the demo's certificates, whose PDFs go with them.
            diesel::delete(outbox::table.filter(outbox::message_key.like("certificate-%"))).execute(c)?;
            Ok(())
        })
        .expect("the demo's classes are removed");
    }

    /// Moves the application's clock forward (sessions, one-time passwords, links, throttling).
    pub fn advance(&self, by: std::time::Duration) {
        self.config.clock.advance(by);
    }

    /// A second server on the same database, with the same configuration (and clock), as
    /// another instance behind a load balancer would be. Stopped when the value is dropped.
    pub fn second_instance(&self) -> Instance {
        let app = Application::build_on(
            TcpListener::bind("127.0.0.1:0").expect("port 0 binds"),
            boiduong::db::connect(&self.config.database_url, self.config.db_pool_size).expect("database connects"),
            self.config.clone(),
        )
        .expect("second instance builds");
        let base = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        Instance { base, handle }
    }
}

pub struct Instance {
    pub base: String,
    handle: actix_web::dev::ServerHandle,
}

impl Instance {
    pub fn anonymous(&self) -> Browser {
        Browser::new(&self.base)
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop accepting and drop the server's connections before the database goes.
        // stop() sends the command at once; its future only waits for the end.
        drop(self.handle.stop(false));
        let _ = &self.database;
    }
}

pub struct Browser {
    pub base: String,
    pub client: reqwest::Client,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client builds");
        Self { base: base.to_owned(), client }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET is answered")
    }

    /// GET and return status and body.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let res = self.get(path).await;
        let status = res.status();
        (status, res.text().await.expect("body reads"))
    }

    /// The CSRF token of this browser's session, read from a page that has forms.
    pub async fn csrf(&self) -> String {
        for path in ["/account/password", "/login"] {
            let (status, body) = self.page(path).await;
            if status == StatusCode::OK
                && let Some(token) = csrf_in(&body)
            {
                return token;
            }
        }
        panic!("no page with a CSRF token");
    }

    /// POST a form with this session's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        self.post_raw(path, &all).await
    }

    /// POST exactly these fields (no token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let body = serde_urlencoded::to_string(fields).expect("fields encode");
        self.client
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("POST is answered")
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post("/login", &[("email", email), ("password", password), ("next", "/")]).await
    }
}

/// The value of the first `csrf_token` hidden field in a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

/// The first link in `text` that contains `path`, from that path on.
pub fn link_in(text: &str, path: &str) -> String {
    let start = text.find(path).unwrap_or_else(|| panic!("no {path} link in:\n{text}"));
    let end = text[start..].find(|c: char| c.is_whitespace() || c == '"' || c == '<').map_or(text.len(), |e| start + e);
    text[start..end].to_owned()
}

/// The one-time password shown on an admin's reset page.
pub fn shown_password(html: &str) -> String {
    let marker = "<code class=\"one-time-password\">";
    let start = html.find(marker).expect("a one-time password is shown") + marker.len();
    let end = html[start..].find('<').unwrap();
    html[start..start + end].to_owned()
}

pub fn location(res: &reqwest::Response) -> String {
    res.headers().get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

pub fn assert_redirect(res: &reqwest::Response, to: &str) {
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "expected a redirect to {to}");
    assert_eq!(location(res), to);
}

/// The text of the page's <main>, tags removed, for asserting on what a person reads.
pub fn main_text(html: &str) -> String {
    let start = html.find("<main").unwrap_or(0);
    let end = html.find("</main>").unwrap_or(html.len());
    let mut out = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The target of the link with this rel (e.g. a pager's "prev" and "next"), as a path.
pub fn link_with_rel(html: &str, rel: &str) -> Option<String> {
    let end = html.find(&format!("\" rel=\"{rel}\""))?;
    let start = html[..end].rfind("href=\"")? + "href=\"".len();
    Some(html[start..end].replace("&amp;", "&").replace("&#x3D;", "="))
}
