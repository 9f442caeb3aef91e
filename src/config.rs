//! Configuration in three layers: defaults that run on a fresh machine → an optional
//! `boiduong.toml` → `BOIDUONG_*` environment variables. Secrets are read from the environment
//! only, never from the file, so they do not end up in a repository or a backup.

use std::net::SocketAddr;

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use crate::clock::Clock;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Address the server listens on.
    pub bind: String,
    /// `sqlite://path` (default) or `postgres://user:password@host/db`.
    pub database_url: String,
    /// The address users reach the server at; https makes cookies Secure.
    pub public_url: String,
    /// Connections in the database pool.
    pub db_pool_size: u32,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    /// Memory for pages kept as rendered until the database changes (SQLite only, see
    /// `web::remembered`), in KiB; 0 reads and renders every page and account each time.
    pub page_cache_kib: usize,
    /// A session idle for longer than this ends.
    pub session_idle_minutes: u32,
    /// A session ends this long after the login, however busy.
    pub session_absolute_hours: u32,
    /// Failed logins for one account from one address before that pair is throttled.
    pub login_max_failures_per_account: u32,
    /// Failed logins for one account from all addresses together before the account is
    /// throttled (higher, so that a few requests cannot keep the owner out).
    pub login_max_failures_per_account_total: u32,
    /// Failed logins from one address before it is throttled.
    pub login_max_failures_per_address: u32,
    /// The window failed logins are counted over, and so the longest wait.
    pub login_lockout_minutes: u32,
    /// Behind a reverse proxy, take the client's address from X-Forwarded-For, as written by
    /// the proxies listed in `trusted_proxies`.
    pub trust_forwarded_for: bool,
    /// Comma-separated IP addresses or CIDR ranges of the reverse proxies whose
    /// X-Forwarded-For entries are believed.
    pub trusted_proxies: String,
    /// Hours a one-time password (first admin, reset by an admin or the command line) works.
    pub one_time_password_hours: u32,
    /// Password hashes computed at once (each holds 19 MiB); 0 means one per core.
    pub password_hash_concurrency: usize,
    /// Password hashes waiting for a free slot; beyond that a login is answered 503 at once.
    pub password_hash_queue: usize,
    /// Log filter, e.g. `info` or `boiduong=debug`.
    pub log: String,
    /// Name of the sender of every email; empty (the default) takes the school's name, with its
    /// province, from the settings when each message is sent.
    pub mail_from_name: String,
    /// Address of the sender of every email.
    pub mail_from_address: String,
    /// Where messages go as .eml files when no SMTP server is configured.
    pub outbox_dir: String,
    /// `smtp://host:port`, `smtps://host:port`; empty writes .eml files to `outbox_dir`.
    pub smtp_url: String,
    /// Require STARTTLS on smtp:// (otherwise used when the server offers it). It is always
    /// required when an SMTP user is set, so that the password never travels in the clear.
    pub smtp_require_tls: bool,
    /// A PEM file with the certificate authority of the SMTP server, when a school's own mail
    /// server has one; trusted in addition to the usual public authorities.
    pub smtp_ca_file: String,
    /// Seconds before the first retry of a failed message; each later retry waits twice as long.
    pub mail_retry_base_seconds: u64,
    /// Longest wait between two retries.
    pub mail_retry_max_seconds: u64,
    /// Attempts before a message is marked failed.
    pub mail_max_attempts: i32,
    /// Seconds between two looks at the outbox when it is empty.
    pub mail_poll_seconds: u64,
    /// Whether this instance runs the outbox worker (several instances may; rows are claimed).
    pub mail_worker: bool,
    /// The largest roster file an import takes, in bytes; a larger upload gets a 413 page.
    pub import_max_bytes: usize,
    /// A learner who checks in with the QR code more than this many minutes after the session
    /// starts is marked late (đi muộn) instead of present.
    pub checkin_late_minutes: u32,

    /// Key that signs and encrypts session cookies (BOIDUONG_SECRET_KEY, ≥ 64 characters).
    #[serde(skip)]
    pub secret_key: Option<String>,
    /// Password of the demo accounts (BOIDUONG_DEMO_PASSWORD).
    #[serde(skip)]
    pub demo_password: Option<String>,
    /// SMTP user name and password (BOIDUONG_SMTP_USER, BOIDUONG_SMTP_PASSWORD).
    #[serde(skip)]
    pub smtp_user: Option<String>,
    #[serde(skip)]
    pub smtp_password: Option<String>,
    /// The time sessions, one-time passwords, links and throttling go by; tests move it.
    #[serde(skip)]
    pub clock: Clock,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            database_url: "sqlite://data/boiduong.db".into(),
            public_url: "http://127.0.0.1:8080".into(),
            db_pool_size: 8,
            workers: 0,
            page_cache_kib: 4096,
            session_idle_minutes: 60,
            session_absolute_hours: 12,
            login_max_failures_per_account: 5,
            login_max_failures_per_account_total: 50,
            login_max_failures_per_address: 20,
            login_lockout_minutes: 15,
            trust_forwarded_for: false,
            trusted_proxies: "127.0.0.0/8, ::1".into(),
            one_time_password_hours: 24,
            password_hash_concurrency: 0,
            password_hash_queue: 32,
            log: "info".into(),
            mail_from_name: String::new(),
            mail_from_address: "no-reply@boiduong.local".into(),
            outbox_dir: "data/outbox".into(),
            smtp_url: String::new(),
            smtp_require_tls: false,
            smtp_ca_file: String::new(),
            mail_retry_base_seconds: 15,
            mail_retry_max_seconds: 3600,
            mail_max_attempts: 8,
            mail_poll_seconds: 5,
            mail_worker: true,
            import_max_bytes: 5 * 1024 * 1024,
            checkin_late_minutes: 15,
            secret_key: None,
            demo_password: None,
            smtp_user: None,
            smtp_password: None,
            clock: Clock::default(),
        }
    }
}

/// Environment variables read directly because they are secrets, and the settings file path.
const SECRET_VARS: [&str; 4] = ["SECRET_KEY", "DEMO_PASSWORD", "SMTP_USER", "SMTP_PASSWORD"];

impl Config {
    /// Loads defaults → `boiduong.toml` (or `BOIDUONG_CONFIG`) → `BOIDUONG_*`, then validates.
    pub fn load() -> anyhow::Result<Self> {
        let file = std::env::var("BOIDUONG_CONFIG").unwrap_or_else(|_| "boiduong.toml".into());
        Self::from_figment(
            Figment::from(Serialized::defaults(Config::default()))
                .merge(Toml::file(&file))
                .merge(Env::prefixed("BOIDUONG_").ignore(&["CONFIG", "TEST_PG_URL", "TEST_BROWSER"])),
        )
    }

    pub fn from_figment(figment: Figment) -> anyhow::Result<Self> {
        let mut config: Config = figment.extract().map_err(|e| {
            let key = e.path.join(".");
            anyhow::anyhow!(
                "Cấu hình không hợp lệ: thiết lập `{}` (biến BOIDUONG_{}): {}",
                key,
                key.to_uppercase(),
                e.kind
            )
        })?;
        let secret = |name: &str| std::env::var(format!("BOIDUONG_{name}")).ok().filter(|v| !v.is_empty());
        let [key, demo, user, password] = SECRET_VARS.map(secret);
        config.secret_key = key;
        config.demo_password = demo;
        config.smtp_user = user;
        config.smtp_password = password;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> anyhow::Result<()> {
        self.bind_addr()?;
        crate::db::DatabaseUrl::parse(&self.database_url)?;
        if !(self.public_url.starts_with("http://") || self.public_url.starts_with("https://")) {
            bail!("Cấu hình không hợp lệ: BOIDUONG_PUBLIC_URL phải bắt đầu bằng http:// hoặc https://");
        }
        if let Some(key) = &self.secret_key
            && key.len() < 64
        {
            bail!("Cấu hình không hợp lệ: BOIDUONG_SECRET_KEY phải dài ít nhất 64 ký tự");
        }
        if self.session_idle_minutes == 0 {
            bail!("Cấu hình không hợp lệ: BOIDUONG_SESSION_IDLE_MINUTES phải lớn hơn 0");
        }
        let positive = [
            (self.session_absolute_hours, "SESSION_ABSOLUTE_HOURS"),
            (self.login_max_failures_per_account, "LOGIN_MAX_FAILURES_PER_ACCOUNT"),
            (self.login_max_failures_per_account_total, "LOGIN_MAX_FAILURES_PER_ACCOUNT_TOTAL"),
            (self.login_max_failures_per_address, "LOGIN_MAX_FAILURES_PER_ADDRESS"),
            (self.login_lockout_minutes, "LOGIN_LOCKOUT_MINUTES"),
            (self.one_time_password_hours, "ONE_TIME_PASSWORD_HOURS"),
        ];
        for (value, name) in positive {
            if value == 0 {
                bail!("Cấu hình không hợp lệ: BOIDUONG_{name} phải lớn hơn 0");
            }
        }
        self.trusted_proxy_ranges()?;
        if self.import_max_bytes == 0 {
            bail!("Cấu hình không hợp lệ: BOIDUONG_IMPORT_MAX_BYTES phải lớn hơn 0");
        }
        if self.db_pool_size == 0 {
            bail!("Cấu hình không hợp lệ: BOIDUONG_DB_POOL_SIZE phải lớn hơn 0");
        }
        let smtp_ok =
            self.smtp_url.is_empty() || self.smtp_url.starts_with("smtp://") || self.smtp_url.starts_with("smtps://");
        if !smtp_ok {
            bail!("Cấu hình không hợp lệ: BOIDUONG_SMTP_URL phải bắt đầu bằng smtp:// hoặc smtps://");
        }
        Ok(())
    }

    pub fn bind_addr(&self) -> anyhow::Result<SocketAddr> {
        self.bind.parse().with_context(|| {
            format!("Cấu hình không hợp lệ: BOIDUONG_BIND = {:?} không phải địa chỉ IP:cổng", self.bind)
        })
    }

    /// The parsed `trusted_proxies`: each entry an address (a range of one) or a CIDR range.
    pub fn trusted_proxy_ranges(&self) -> anyhow::Result<Vec<IpNet>> {
        self.trusted_proxies
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry.parse::<IpNet>().or_else(|_| entry.parse::<std::net::IpAddr>().map(IpNet::from)).map_err(|_| {
                    anyhow::anyhow!(
                        "Cấu hình không hợp lệ: BOIDUONG_TRUSTED_PROXIES: {entry:?} không phải địa chỉ IP hay dải CIDR"
                    )
                })
            })
            .collect()
    }

    /// When a one-time password made now stops working.
    pub fn one_time_password_until(&self) -> time::PrimitiveDateTime {
        self.clock.now_utc() + time::Duration::hours(i64::from(self.one_time_password_hours))
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(toml: &str, env: &[(&str, &str)]) -> anyhow::Result<Config> {
        let mut figment = Figment::from(Serialized::defaults(Config::default())).merge(Toml::string(toml));
        for (k, v) in env {
            figment = figment.merge(Serialized::default(k, v));
        }
        Config::from_figment(figment)
    }

    #[test]
    fn defaults_run_without_setup() {
        let c = with("", &[]).unwrap();
        assert_eq!(c.bind, "127.0.0.1:8080");
        assert!(c.database_url.starts_with("sqlite://"));
        assert!(!c.secure_cookies());
    }

    #[test]
    fn file_then_environment_override() {
        let c = with("bind = \"0.0.0.0:9000\"\nlog = \"debug\"", &[("bind", "127.0.0.1:9001")]).unwrap();
        assert_eq!(c.bind, "127.0.0.1:9001");
        assert_eq!(c.log, "debug");
    }

    #[test]
    fn invalid_values_name_the_setting() {
        let err = with("session_idle_minutes = \"abc\"", &[]).unwrap_err().to_string();
        assert!(err.contains("session_idle_minutes"), "{err}");
        let err = with("bind = \"nowhere\"", &[]).unwrap_err().to_string();
        assert!(err.contains("BOIDUONG_BIND"), "{err}");
        let err = with("database_url = \"mysql://x\"", &[]).unwrap_err().to_string();
        assert!(err.contains("BOIDUONG_DATABASE_URL"), "{err}");
        let err = with("trusted_proxies = \"10.0.0.0/8, proxy.local\"", &[]).unwrap_err().to_string();
        assert!(err.contains("BOIDUONG_TRUSTED_PROXIES") && err.contains("proxy.local"), "{err}");
        let err = with("session_absolute_hours = 0", &[]).unwrap_err().to_string();
        assert!(err.contains("BOIDUONG_SESSION_ABSOLUTE_HOURS"), "{err}");
    }

    #[test]
    fn trusted_proxies_are_addresses_or_ranges() {
        let c = with("trusted_proxies = \"10.0.0.0/8, 192.0.2.7 ,2001:db8::/32\"", &[]).unwrap();
        let ranges = c.trusted_proxy_ranges().unwrap();
        assert_eq!(ranges.len(), 3);
        assert!(ranges[1].contains(&"192.0.2.7".parse::<std::net::IpAddr>().unwrap()));
        let defaults = with("", &[]).unwrap().trusted_proxy_ranges().unwrap();
        assert!(defaults.iter().any(|r| r.contains(&"127.0.0.1".parse::<std::net::IpAddr>().unwrap())));
        assert!(defaults.iter().any(|r| r.contains(&"::1".parse::<std::net::IpAddr>().unwrap())));
        assert_eq!(defaults.len(), 2, "only loopback by default");
    }
}
