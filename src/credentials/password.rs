//! Password hashing: Argon2id with the OWASP parameters m=19 MiB, t=2, p=1 (the crate's
//! defaults). Every hash holds 19 MiB while it runs, so concurrent hashing goes through one
//! `Hasher`: as many hashes at once as there are cores, a short queue behind them, and beyond
//! that an immediate `Busy` (the web answers 503 with Retry-After) instead of hundreds of hashes
//! on the blocking pool and gigabytes of memory.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use tokio::sync::Semaphore;

/// Hashes a password now, on the calling thread. For one-off callers (the first start, the
/// demo, tests); concurrent callers go through a `Hasher`.
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 hashing with valid params").to_string()
}

/// A hash of a random password, verified against when the account does not exist, so that a
/// login attempt takes as long for an unknown email as for a known one.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash(&super::token::random_token()));

/// Checks a password against a stored hash (or, with none, against a dummy hash, and fails).
pub fn verify(stored: Option<&str>, password: &str) -> bool {
    let Some(stored) = stored else {
        let _ = verify_against(&DUMMY_HASH, password);
        return false;
    };
    verify_against(stored, password)
}

fn verify_against(stored: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Every hashing slot and the queue are taken: try again in a moment.
    #[error("password hashing is busy")]
    Busy,
    #[error("password hashing failed: {0}")]
    Failed(String),
}

/// Runs hashes and verifications at most `concurrency` at a time, with at most `queue` more
/// waiting; anything beyond is refused at once.
pub struct Hasher {
    running: Arc<Semaphore>,
    admitted: Arc<AtomicUsize>,
    capacity: usize,
}

/// A place among the admitted (running or queued); given back when dropped.
struct Admission(Arc<AtomicUsize>);

impl Drop for Admission {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Hasher {
    /// `concurrency` 0 means one per core.
    pub fn new(concurrency: usize, queue: usize) -> Self {
        let concurrency = match concurrency {
            0 => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
            n => n,
        };
        Self {
            running: Arc::new(Semaphore::new(concurrency)),
            admitted: Arc::new(AtomicUsize::new(0)),
            capacity: concurrency + queue,
        }
    }

    pub fn from_config(config: &crate::config::Config) -> Self {
        Self::new(config.password_hash_concurrency, config.password_hash_queue)
    }

    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let password = password.to_owned();
        self.run(move || hash(&password)).await
    }

    pub async fn verify(&self, stored: Option<String>, password: &str) -> Result<bool, HashError> {
        let password = password.to_owned();
        self.run(move || verify(stored.as_deref(), &password)).await
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, HashError> {
        if self.admitted.fetch_add(1, Ordering::AcqRel) >= self.capacity {
            self.admitted.fetch_sub(1, Ordering::AcqRel);
            return Err(HashError::Busy);
        }
        let admission = Admission(self.admitted.clone());
        let permit = self.running.clone().acquire_owned().await.map_err(|e| HashError::Failed(e.to_string()))?;
        // The permit and the admission move into the blocking task: if the request is dropped
        // meanwhile, the hash still counts until it has finished and freed its memory.
        tokio::task::spawn_blocking(move || {
            let result = work();
            drop((permit, admission));
            result
        })
        .await
        .map_err(|e| HashError::Failed(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_argon2id() {
        let h = hash("mật khẩu dài");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify(Some(&h), "mật khẩu dài"));
        assert!(!verify(Some(&h), "mật khẩu khác"));
        assert!(!verify(None, "anything"));
        assert!(!verify(Some("not a hash"), "x"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_hasher_refuses_beyond_its_queue() {
        let hasher = Arc::new(Hasher::new(1, 1));
        let attempts = (0..6).map(|_| {
            let hasher = hasher.clone();
            tokio::spawn(async move { hasher.verify(None, "sai").await })
        });
        let results = futures_util::future::join_all(attempts).await;
        let busy = results.iter().filter(|r| matches!(r, Ok(Err(HashError::Busy)))).count();
        let verified = results.iter().filter(|r| matches!(r, Ok(Ok(false)))).count();
        assert!(busy >= 1, "six at once against one slot and a queue of one: some are refused");
        assert!(verified >= 1 && verified <= 6 - busy);
        assert_eq!(hasher.admitted.load(Ordering::Acquire), 0, "every admission is given back");
        assert!(hasher.verify(None, "sai").await.is_ok(), "free again afterwards");
    }
}
