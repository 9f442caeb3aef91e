//! Pages and accounts kept as they were read, for as long as the database has not changed.
//!
//! A learner opening their results on a phone again, a secretary coming back to the home page,
//! staff paging back through a list: the same page is built again from the same rows. Every
//! request reads the database's change counter first (`db::DataVersion`, microseconds); what
//! was kept under another value is never used, and the first keep under a newer value drops
//! everything older. So a save shows at once on the next page (the redirect after it reads a
//! newer counter), whoever wrote it: a handler, the mail worker, the command line.
//!
//! Accounts are kept the same way under a counter of their own, which only a change to a user,
//! its roles or its chi bộ moves (`db::DataVersion::accounts`): a role taken away still takes
//! effect on the next request, while saving an attendance sheet keeps every account.
//!
//! What a kept page depends on besides the rows is in its key: the account and its session
//! version, the session's CSRF token (in every form of the page), the language, the address with
//! its query, and the minute (pages say "today" and "now"). A page with a flash message is
//! neither kept nor reused. Only pages that opt in are kept (`Page::remembered`), after their
//! access rule has passed: the key never stands in for an access check.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;
use std::time::Duration;

use actix_web::HttpMessage;
use actix_web::HttpRequest;
use actix_web::web::Bytes;
use parking_lot::Mutex;
use tokio::sync::Notify;

use crate::i18n::Lang;
use crate::store::users::Account;

/// What a rendered page is kept under, with the counter (see the module's notes).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub user_id: i64,
    pub session_version: i32,
    pub csrf: String,
    pub lang: Lang,
    pub uri: String,
    pub minute: i64,
}

/// Entries read at one value of the counter.
struct Generation<K, V> {
    version: i64,
    entries: HashMap<K, V>,
    weight: usize,
}

impl<K: Hash + Eq, V: Clone> Generation<K, V> {
    fn new() -> Self {
        Self { version: i64::MIN, entries: HashMap::new(), weight: 0 }
    }

    fn get(&self, version: i64, key: &K) -> Option<V> {
        if version != self.version {
            return None;
        }
        self.entries.get(key).cloned()
    }

    /// Keeps `value` read at `version`, within `budget` (of whatever `weight` counts). A value
    /// read before the newest counter seen is dropped; past the budget everything is dropped,
    /// which is rare and cheaper to get right than an eviction order.
    fn put(&mut self, version: i64, key: K, value: V, weight: usize, budget: usize) {
        if version < self.version || weight > budget {
            return;
        }
        if version > self.version || self.weight + weight > budget {
            self.entries.clear();
            self.weight = 0;
            self.version = version;
        }
        // A key kept twice at one counter (two requests raced) counts twice: that only brings
        // the next clearing closer.
        self.entries.insert(key, value);
        self.weight += weight;
    }
}

/// How many accounts are kept: a school's staff, secretaries and the learners of its running
/// classes, roughly.
const ACCOUNTS: usize = 2_000;

pub struct Remembered {
    pages: Mutex<Generation<PageKey, Bytes>>,
    accounts: Mutex<Generation<i64, Arc<Account>>>,
    page_budget_bytes: usize,
    /// The pages being rendered now, each by one request, with what wakes the others that
    /// asked for the same page meanwhile.
    rendering: Mutex<HashMap<(i64, PageKey), Arc<Notify>>>,
}

/// What the lookup of a page found.
pub enum Lookup {
    Kept(Bytes),
    /// Not kept: render it. With a turn when this request is the one rendering it for the
    /// others; the turn ends (and wakes them) when it is dropped, rendered or not.
    Render(Option<Turn>),
}

/// How long a request waits for another one rendering the same page before rendering it too.
const WAIT_FOR_OTHER: Duration = Duration::from_secs(2);

impl Remembered {
    pub fn new(page_budget_bytes: usize) -> Arc<Self> {
        Arc::new(Self {
            pages: Mutex::new(Generation::new()),
            accounts: Mutex::new(Generation::new()),
            page_budget_bytes,
            rendering: Mutex::new(HashMap::new()),
        })
    }

    fn page(&self, version: i64, key: &PageKey) -> Option<Bytes> {
        self.pages.lock().get(version, key)
    }

    /// The page kept under `key`; when another request is rendering it right now, waits for
    /// that one instead of rendering it again. A list of 200 learners costs milliseconds to
    /// render: sixty-four phones opening it at once (or at the turn of a minute) would
    /// otherwise render it sixty-four times, each waiting for all the others.
    pub async fn page_or_turn(self: &Arc<Self>, version: i64, key: &PageKey) -> Lookup {
        if let Some(body) = self.page(version, key) {
            return Lookup::Kept(body);
        }
        let slot = (version, key.clone());
        let other = {
            let mut rendering = self.rendering.lock();
            match rendering.get(&slot) {
                Some(other) => other.clone(),
                None => {
                    let done = Arc::new(Notify::new());
                    rendering.insert(slot.clone(), done.clone());
                    return Lookup::Render(Some(Turn { remembered: self.clone(), slot, done }));
                }
            }
        };
        let finished = other.notified();
        tokio::pin!(finished);
        finished.as_mut().enable();
        // The other request may have finished between the two locks.
        let still_rendering = self.rendering.lock().get(&slot).is_some_and(|n| Arc::ptr_eq(n, &other));
        if still_rendering {
            let _ = tokio::time::timeout(WAIT_FOR_OTHER, finished).await;
        }
        match self.page(version, key) {
            Some(body) => Lookup::Kept(body),
            None => Lookup::Render(None),
        }
    }

    pub fn keep_page(&self, version: i64, key: PageKey, body: Bytes) {
        let weight = body.len() + key.uri.len() + key.csrf.len();
        self.pages.lock().put(version, key, body, weight, self.page_budget_bytes);
    }

    pub fn account(&self, version: i64, user_id: i64) -> Option<Arc<Account>> {
        self.accounts.lock().get(version, &user_id)
    }

    pub fn keep_account(&self, version: i64, account: Arc<Account>) {
        self.accounts.lock().put(version, account.user.id, account, 1, ACCOUNTS);
    }
}

/// One request's turn to render a page for the others (see `Remembered::page_or_turn`).
pub struct Turn {
    remembered: Arc<Remembered>,
    slot: (i64, PageKey),
    done: Arc<Notify>,
}

impl Drop for Turn {
    fn drop(&mut self) {
        self.remembered.rendering.lock().remove(&self.slot);
        self.done.notify_waiters();
    }
}

/// The counter as this request first read it: everything the request keeps was read after it.
#[derive(Clone, Copy)]
struct SeenVersion(Option<i64>);

/// The database's change counter for this request, read once (see the module's notes).
pub fn version_of(req: &HttpRequest, data_version: &crate::db::DataVersion) -> Option<i64> {
    if let Some(SeenVersion(seen)) = req.extensions().get::<SeenVersion>() {
        return *seen;
    }
    let seen = data_version.current();
    req.extensions_mut().insert(SeenVersion(seen));
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_used_only_at_the_counter_it_was_read_at() {
        let mut g: Generation<&str, u32> = Generation::new();
        g.put(5, "a", 1, 1, 10);
        assert_eq!(g.get(5, &"a"), Some(1));
        assert_eq!(g.get(6, &"a"), None, "the database moved on");
        g.put(4, "b", 2, 1, 10);
        assert_eq!(g.get(4, &"b"), None, "read before the newest counter: not kept");
        assert_eq!(g.get(5, &"a"), Some(1), "and what is newer stays");
        g.put(6, "c", 3, 1, 10);
        assert_eq!(g.get(5, &"a"), None, "a newer counter drops the older entries");
        assert_eq!(g.get(6, &"c"), Some(3));
    }

    fn key(uri: &str) -> PageKey {
        PageKey { user_id: 1, session_version: 0, csrf: "t".into(), lang: Lang::Vi, uri: uri.into(), minute: 0 }
    }

    #[tokio::test]
    async fn a_page_asked_for_while_it_renders_waits_for_that_render() {
        let remembered = Remembered::new(1 << 20);
        let Lookup::Render(Some(turn)) = remembered.page_or_turn(7, &key("/people")).await else {
            panic!("the first request renders");
        };
        let waiting = tokio::spawn({
            let remembered = remembered.clone();
            async move { remembered.page_or_turn(7, &key("/people")).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "the second request waits for the first");
        assert!(
            matches!(remembered.page_or_turn(7, &key("/calendar")).await, Lookup::Render(Some(_))),
            "another page does not wait"
        );
        remembered.keep_page(7, key("/people"), Bytes::from_static(b"rendered once"));
        drop(turn);
        match tokio::time::timeout(Duration::from_secs(1), waiting).await.expect("woken at once").unwrap() {
            Lookup::Kept(body) => assert_eq!(&body[..], b"rendered once"),
            Lookup::Render(_) => panic!("the page rendered meanwhile is served"),
        }
    }

    #[tokio::test]
    async fn a_render_that_fails_wakes_the_waiting_ones_to_render_it_themselves() {
        let remembered = Remembered::new(1 << 20);
        let Lookup::Render(Some(turn)) = remembered.page_or_turn(3, &key("/")).await else { panic!() };
        let waiting = tokio::spawn({
            let remembered = remembered.clone();
            async move { remembered.page_or_turn(3, &key("/")).await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        drop(turn);
        let found = tokio::time::timeout(Duration::from_secs(1), waiting).await.expect("woken at once").unwrap();
        assert!(matches!(found, Lookup::Render(None)), "nothing was kept: the waiting request renders");
        assert!(
            matches!(remembered.page_or_turn(3, &key("/")).await, Lookup::Render(Some(_))),
            "the turn was given back"
        );
    }

    #[test]
    fn the_budget_is_never_exceeded() {
        let mut g: Generation<u32, u32> = Generation::new();
        for i in 0..100 {
            g.put(1, i, i, 3, 10);
            assert!(g.weight <= 10, "weight {} after {i}", g.weight);
        }
        assert_eq!(g.get(1, &99), Some(99));
        g.put(1, 1000, 0, 11, 10);
        assert_eq!(g.get(1, &1000), None, "larger than the whole budget: not kept");
    }
}
