//! What every handler shares: the pool, the configuration, the templates, the password hasher,
//! the trusted proxies and the school's settings.

use std::sync::{Arc, RwLock};

use actix_web::{HttpRequest, web};
use ipnet::IpNet;
use tokio::sync::Notify;

use super::auth::client_address::client_address;
use super::error::{AppError, AppResult};
use super::remembered::{self, Remembered};
use crate::clock::Clock;
use crate::config::Config;
use crate::credentials::password::Hasher;
use crate::db::{DataVersion, DbConn, Pool};
use crate::domain::checkin::CheckinKey;
use crate::mail::invitations::MailContext;
use crate::render::Templates;
use crate::store::login_throttle::Limits;
use crate::store::settings::SchoolSettings;
use crate::store::{StoreError, StoreResult};

pub struct AppState {
    pub pool: Pool,
    pub config: Arc<Config>,
    pub templates: Arc<Templates>,
    /// Every password hash and verification of the server goes through it.
    pub hasher: Hasher,
    /// The proxies whose X-Forwarded-For entries are believed; None when none are.
    trusted_proxies: Option<Vec<IpNet>>,
    pub school: RwLock<SchoolSettings>,
    /// Wakes the mail worker when a handler has queued a message.
    pub mail_wakeup: Arc<Notify>,
    /// Signs the QR check-in codes: from BOIDUONG_SECRET_KEY, or random for this run (then a
    /// code shown before a restart is refused after it).
    pub checkin_key: CheckinKey,
    /// The database's change counter, and the pages and accounts kept while it stands still.
    data_version: DataVersion,
    pub remembered: Arc<Remembered>,
    /// Turns at the database, first come first served, one per pooled connection. Without them
    /// the callers past the pool's size wait in each worker's blocking pool and then on the
    /// pool's condition variable, in no order: under load an unlucky request waited for many
    /// turns (the attendance bench's tail, bench/RESULTS.md, issue 8).
    db_turns: tokio::sync::Semaphore,
}

impl AppState {
    pub fn new(
        pool: Pool,
        config: Arc<Config>,
        templates: Arc<Templates>,
        school: SchoolSettings,
        mail_wakeup: Arc<Notify>,
    ) -> anyhow::Result<Self> {
        let checkin_key = checkin_key(config.secret_key.as_deref());
        let trusted_proxies = if config.trust_forwarded_for { Some(config.trusted_proxy_ranges()?) } else { None };
        let data_version =
            if config.page_cache_kib > 0 { DataVersion::watch(&config.database_url) } else { DataVersion::none() };
        let remembered = Remembered::new(config.page_cache_kib * 1024);
        let db_turns = tokio::sync::Semaphore::new(config.db_pool_size.max(1) as usize);
        Ok(Self {
            db_turns,
            data_version,
            remembered,
            pool,
            hasher: Hasher::from_config(&config),
            trusted_proxies,
            config,
            templates,
            school: RwLock::new(school),
            mail_wakeup,
            checkin_key,
        })
    }

    /// The database's change counter as this request first read it (see `web::remembered`).
    pub fn data_version(&self, req: &HttpRequest) -> Option<i64> {
        remembered::version_of(req, &self.data_version)
    }

    /// The accounts' change counter now (see `web::remembered`); an account is read once per
    /// request, so this is too.
    pub fn accounts_version(&self) -> Option<i64> {
        self.data_version.accounts()
    }

    pub fn clock(&self) -> &Clock {
        &self.config.clock
    }

    /// The login throttle's limits from the configuration.
    pub fn throttle_limits(&self) -> Limits {
        Limits {
            pair: self.config.login_max_failures_per_account,
            account: self.config.login_max_failures_per_account_total,
            address: self.config.login_max_failures_per_address,
            window_secs: i64::from(self.config.login_lockout_minutes) * 60,
        }
    }

    /// The client's address as login throttling counts it (see `auth::client_address`).
    pub fn client_address(&self, req: &HttpRequest) -> String {
        let forwarded = req.headers().get_all("x-forwarded-for").filter_map(|v| v.to_str().ok());
        client_address(req.peer_addr().map(|a| a.ip()), forwarded, self.trusted_proxies.as_deref())
            .map(|ip| ip.to_string())
            .unwrap_or_default()
    }

    /// Runs store code on the blocking pool with a connection of its own, so no connection is
    /// ever held across an `.await`.
    pub async fn db<T, F>(&self, f: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConn) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let _turn = self.db_turns.acquire().await.expect("the database's turns are never closed");
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get().map_err(|e| StoreError::Other(anyhow::anyhow!("database pool: {e}")))?;
            f(&mut conn)
        })
        .await?
        .map_err(AppError::from)
    }

    pub fn school(&self) -> SchoolSettings {
        self.school.read().expect("settings lock").clone()
    }

    /// What queueing an email needs (see `mail::invitations`).
    pub fn mail_context(&self) -> MailContext {
        MailContext::for_config(&self.config)
    }

    /// Tells the mail worker there is something to send now.
    pub fn wake_mail_worker(&self) {
        self.mail_wakeup.notify_one();
    }

    pub fn set_school(&self, settings: SchoolSettings) {
        *self.school.write().expect("settings lock") = settings;
    }
}

fn checkin_key(secret: Option<&str>) -> CheckinKey {
    match secret {
        Some(secret) => CheckinKey::from_secret(secret),
        None => {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).expect("the OS random source is available");
            CheckinKey::from_bytes(bytes)
        }
    }
}
