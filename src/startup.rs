//! Builds the server on a given listener (port 0 in tests) after the database is connected and
//! migrated, and runs it.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_session::SessionMiddleware;
use actix_session::config::CookieContentSecurity;
use actix_session::storage::CookieSessionStore;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use sha2::{Digest, Sha512};
use tokio::sync::Notify;

use crate::config::Config;
use crate::db::{self, Pool};
use crate::mail::{Mailer, worker};
use crate::render::Templates;
use crate::web::auth::csrf;
use crate::web::error::AppError;
use crate::web::middleware;
use crate::web::state::AppState;

pub struct Application {
    port: u16,
    server: Server,
    pub pool: Pool,
    mail_worker: Option<tokio::task::JoinHandle<()>>,
}

impl Application {
    /// Connects to the database (migrating it), then binds the configured address.
    pub fn build(config: Config) -> anyhow::Result<Self> {
        let pool = db::connect(&config.database_url, config.db_pool_size)?;
        let listener = TcpListener::bind(config.bind_addr()?)
            .map_err(|e| anyhow::anyhow!("Không mở được cổng {}: {e}", config.bind))?;
        Self::build_on(listener, pool, config)
    }

    pub fn build_on(listener: TcpListener, pool: Pool, config: Config) -> anyhow::Result<Self> {
        let port = listener.local_addr()?.port();
        let school = {
            let mut conn = pool.get()?;
            crate::store::settings::load(&mut conn)?
        };
        let templates = Arc::new(Templates::pages()?);
        let key = session_key(&config);
        let secure = config.secure_cookies();
        let workers = match config.workers {
            0 => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
            n => n,
        };
        let blocking_threads = blocking_threads_per_worker(config.db_pool_size as usize, workers);
        let mail_wakeup = Arc::new(Notify::new());
        let mail_worker = if config.mail_worker {
            let mailer = Arc::new(Mailer::from_config(&config)?);
            let poll = Duration::from_secs(config.mail_poll_seconds.max(1));
            Some(worker::spawn(pool.clone(), mailer, poll, mail_wakeup.clone()))
        } else {
            // Still check the mail settings, so a bad one stops the start here too.
            Mailer::from_config(&config)?;
            None
        };
        let state = web::Data::new(AppState::new(pool.clone(), Arc::new(config), templates, school, mail_wakeup)?);
        let server = HttpServer::new(move || {
            let router = crate::web::router();
            App::new()
                .app_data(state.clone())
                .app_data(
                    web::FormConfig::default()
                        .limit(1 << 20)
                        .error_handler(|_, _| AppError::BadRequest("error.400.message").into()),
                )
                .app_data(
                    web::QueryConfig::default().error_handler(|_, _| AppError::BadRequest("error.400.message").into()),
                )
                .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
                .wrap(from_fn(csrf::verify))
                .wrap(from_fn(middleware::error_pages))
                .wrap(
                    SessionMiddleware::builder(CookieSessionStore::default(), key.clone())
                        .cookie_name("boiduong".into())
                        .cookie_secure(secure)
                        .cookie_http_only(true)
                        .cookie_same_site(SameSite::Lax)
                        .cookie_content_security(CookieContentSecurity::Private)
                        .build(),
                )
                .wrap(middleware::security_headers(secure))
                .wrap(from_fn(middleware::request_log))
                .configure(|cfg| {
                    for service in router.into_services() {
                        cfg.service(service);
                    }
                })
                .default_service(web::to(|| async { Err::<actix_web::HttpResponse, _>(AppError::NotFound) }))
        })
        .workers(workers)
        .worker_max_blocking_threads(blocking_threads)
        .listen(listener)?
        .run();
        Ok(Self { port, server, pool, mail_worker })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        if let Some(worker) = self.mail_worker {
            worker.abort();
        }
        result
    }

    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }
}

/// Makes the allocator hand large freed blocks back to the operating system. Each password hash
/// allocates 19 MiB; glibc raises its mmap threshold after freeing such a block, so later ones
/// come from the heap arenas and stay resident after they are freed — a burst of logins would
/// leave the server hundreds of megabytes larger. A fixed threshold keeps every block of 1 MiB
/// or more in its own mapping, returned when freed. Call it once, before threads start.
///
/// Capping glibc's heap arenas as well (M_ARENA_MAX = 2) was measured and dropped: it saved 2 MB
/// and cost the pages a quarter to a third of their throughput, their threads queueing on two
/// arena locks (bench/RESULTS.md, 2026-11-29, stop 13).
pub fn return_large_blocks_to_the_os() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const ONE_MIB: libc::c_int = 1 << 20;
        // SAFETY: mallopt only sets allocator parameters; called before other threads exist.
        let ok = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, ONE_MIB) };
        if ok != 1 {
            tracing::warn!("mallopt(M_MMAP_THRESHOLD) was refused");
        }
    }
}

/// How many threads each worker may run blocking work on. Nearly all of it holds a database
/// connection, so threads beyond the pool's share only wait for one, and each costs memory
/// (its own malloc arena) and switches: a 512-thread default let 64 connections start 64
/// threads for 8 database connections. Two more per worker leave room for password hashes
/// (bounded by the hasher's own limit) and PDF or spreadsheet files.
pub fn blocking_threads_per_worker(pool_size: usize, workers: usize) -> usize {
    pool_size.div_ceil(workers.max(1)) + 2
}

/// The cookie key: derived from BOIDUONG_SECRET_KEY so that sessions survive restarts and are
/// shared by several instances; without it a random key is made and sessions end at restart.
fn session_key(config: &Config) -> Key {
    match &config.secret_key {
        Some(secret) => Key::from(Sha512::digest(secret.as_bytes()).as_slice()),
        None => {
            tracing::warn!("BOIDUONG_SECRET_KEY is not set: sessions end when the server restarts");
            Key::generate()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::blocking_threads_per_worker;

    #[test]
    fn blocking_threads_follow_the_pool_share_of_each_worker() {
        assert_eq!(blocking_threads_per_worker(8, 2), 6);
        assert_eq!(blocking_threads_per_worker(9, 2), 7);
        assert_eq!(blocking_threads_per_worker(4, 8), 3);
        assert_eq!(blocking_threads_per_worker(8, 0), 10);
    }
}
