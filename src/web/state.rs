//! What every handler shares: the pool, the configuration, the templates, the login throttle
//! and the school's settings.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use actix_web::web;

use super::auth::throttle::Throttle;
use super::error::{AppError, AppResult};
use tokio::sync::Notify;

use crate::config::Config;
use crate::db::{DbConn, Pool};
use crate::mail::invitations::MailContext;
use crate::render::Templates;
use crate::store::settings::SchoolSettings;
use crate::store::{StoreError, StoreResult};

pub struct AppState {
    pub pool: Pool,
    pub config: Arc<Config>,
    pub templates: Arc<Templates>,
    pub throttle: Throttle,
    pub school: RwLock<SchoolSettings>,
    /// Wakes the mail worker when a handler has queued a message.
    pub mail_wakeup: Arc<Notify>,
}

impl AppState {
    pub fn new(
        pool: Pool,
        config: Arc<Config>,
        templates: Arc<Templates>,
        school: SchoolSettings,
        mail_wakeup: Arc<Notify>,
    ) -> Self {
        let throttle = Throttle::new(
            Duration::from_secs(u64::from(config.login_lockout_minutes) * 60),
            config.login_max_failures_per_account,
            config.login_max_failures_per_address,
        );
        Self { pool, config, templates, throttle, school: RwLock::new(school), mail_wakeup }
    }

    /// Runs store code on the blocking pool with a connection of its own, so no connection is
    /// ever held across an `.await`.
    pub async fn db<T, F>(&self, f: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConn) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
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
