//! Who is asking, and may they. `CurrentUser` is loaded once per request from the session and
//! the database (roles are read fresh, so a removed role takes effect at once); the access
//! extractors below check roles and are what every handler takes first. The route table reads
//! their rule (see `web::routes`).

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use tokio::sync::OnceCell;

use actix_session::SessionExt;
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};

use super::session::{Liveness, SessionState};
use crate::domain::role::Role;
use crate::i18n;
use crate::store::users::{self, Account};
use crate::store::{Scope, StoreError};
use crate::web::error::AppError;
use crate::web::routes::{Access, AccessRule};
use crate::web::state::AppState;

#[derive(Debug, Clone)]
pub struct CurrentUser(pub Arc<Account>);

impl Deref for CurrentUser {
    type Target = Account;
    fn deref(&self) -> &Account {
        &self.0
    }
}

impl CurrentUser {
    pub fn id(&self) -> i64 {
        self.0.user.id
    }
    pub fn has(&self, role: Role) -> bool {
        self.0.roles.contains(&role)
    }
    pub fn actor(&self) -> crate::store::audit::Actor {
        crate::store::audit::Actor { user_id: Some(self.0.user.id), label: self.0.user.email.clone() }
    }
    /// The rows this user may see; computed in the store (secretaries get their units' subtree).
    pub fn account(&self) -> Arc<Account> {
        self.0.clone()
    }
}

/// Cached in the request so the account is loaded once however many extractors ask, even
/// when they ask at the same time (actix polls a handler's extractors together).
type Loaded = Rc<OnceCell<Option<CurrentUser>>>;

/// Loads the logged-in account, or None. An idle, too old, deactivated or outdated session
/// (password changed elsewhere) is ended here. While the account's password must be changed,
/// every page but the change form and logging out answers with a redirect to the form: this is
/// the one place every access rule goes through, so no handler can forget it.
pub async fn current_user(req: &HttpRequest) -> Result<Option<CurrentUser>, AppError> {
    let cell = req.extensions_mut().get_or_insert_with(Loaded::default).clone();
    let user = cell.get_or_try_init(|| load_current_user(req)).await.cloned()?;
    if user.as_ref().is_some_and(|u| u.user.must_change_password) && !open_before_changing(req.path()) {
        return Err(AppError::PasswordChangeRequired);
    }
    Ok(user)
}

/// What an account that must change its password may still open.
fn open_before_changing(path: &str) -> bool {
    matches!(path, CHANGE_PASSWORD_PATH | "/logout")
}

pub const CHANGE_PASSWORD_PATH: &str = "/account/password";

/// The account if an extractor already loaded it in this request.
pub fn already_loaded(req: &HttpRequest) -> Option<CurrentUser> {
    req.extensions().get::<Loaded>().and_then(|cell| cell.get().cloned()).flatten()
}

async fn load_current_user(req: &HttpRequest) -> Result<Option<CurrentUser>, AppError> {
    let session = req.get_session();
    let state = req.app_data::<web::Data<AppState>>().expect("AppState is registered").clone();
    let Some((uid, version)) = SessionState(&session).user() else {
        return Ok(None);
    };
    let config = &state.config;
    let idle_secs = i64::from(config.session_idle_minutes) * 60;
    let lifetime_secs = i64::from(config.session_absolute_hours) * 3600;
    match SessionState(&session).liveness(config.clock.unix(), idle_secs, lifetime_secs) {
        Liveness::Live => {}
        Liveness::Idle => {
            end_session(&session, "auth.session_expired");
            return Ok(None);
        }
        Liveness::TooOld => {
            end_session(&session, "auth.session_too_old");
            return Ok(None);
        }
    }
    let account = account_of(&state, uid).await?;
    match account {
        Some(account) if account.user.one_time_password_expired(config.clock.now_utc()) => {
            end_session(&session, "auth.one_time_expired");
            Ok(None)
        }
        Some(account) if account.user.active && account.user.session_version == version => {
            Ok(Some(CurrentUser(account)))
        }
        _ => {
            end_session(&session, "auth.session_ended");
            Ok(None)
        }
    }
}

/// The account with its roles, as read since accounts last changed (see `web::remembered`):
/// roles still take effect at once, since granting one moves the accounts' counter.
async fn account_of(state: &AppState, uid: i64) -> Result<Option<Arc<Account>>, AppError> {
    let version = state.accounts_version();
    if let Some(kept) = version.and_then(|v| state.remembered.account(v, uid)) {
        return Ok(Some(kept));
    }
    let account = state.db(move |c| users::account(c, uid).map(Some).or_else(not_found_is_none)).await?.map(Arc::new);
    if let (Some(version), Some(account)) = (version, &account) {
        state.remembered.keep_account(version, account.clone());
    }
    Ok(account)
}

fn not_found_is_none<T>(e: StoreError) -> Result<Option<T>, StoreError> {
    match e {
        StoreError::NotFound => Ok(None),
        other => Err(other),
    }
}

fn end_session(session: &actix_session::Session, message_key: &str) {
    let state = SessionState(session);
    let lang = state.lang();
    session.clear();
    if let Some(lang) = &lang {
        state.set_lang(lang);
    }
    let lang = lang.as_deref().and_then(i18n::Lang::parse).unwrap_or(i18n::Lang::Vi);
    state.push_flash("info", i18n::t(lang, message_key));
}

fn login_redirect(req: &HttpRequest) -> AppError {
    let next = if req.method() == actix_web::http::Method::GET {
        req.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into())
    } else {
        "/".into()
    };
    AppError::Unauthorized { next }
}

type ExtractFuture<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

/// Anyone, logged in or not; carries the account when there is one.
pub struct Anyone(pub Option<CurrentUser>);

impl AccessRule for Anyone {
    const ACCESS: Access = Access::Public;
}

impl FromRequest for Anyone {
    type Error = AppError;
    type Future = ExtractFuture<Self>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(Anyone(current_user(&req).await?)) })
    }
}

/// Any logged-in account.
pub struct LoggedIn(pub CurrentUser);

impl AccessRule for LoggedIn {
    const ACCESS: Access = Access::Authenticated;
}

impl FromRequest for LoggedIn {
    type Error = AppError;
    type Future = ExtractFuture<Self>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { current_user(&req).await?.map(LoggedIn).ok_or_else(|| login_redirect(&req)) })
    }
}

macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, [$($role:ident),+]) => {
        $(#[$doc])*
        pub struct $name(pub CurrentUser);

        impl AccessRule for $name {
            const ACCESS: Access = Access::Roles(&[$(Role::$role),+]);
        }

        impl FromRequest for $name {
            type Error = AppError;
            type Future = ExtractFuture<Self>;
            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let req = req.clone();
                Box::pin(async move {
                    let user = current_user(&req).await?.ok_or_else(|| login_redirect(&req))?;
                    if Self::ACCESS.allows(&user.roles) {
                        Ok($name(user))
                    } else {
                        tracing::info!(user = user.id(), path = req.path(), "access denied");
                        Err(AppError::Forbidden)
                    }
                })
            }
        }

        impl Deref for $name {
            type Target = CurrentUser;
            fn deref(&self) -> &CurrentUser {
                &self.0
            }
        }
    };
}

role_extractor!(
    /// Quản trị: accounts, settings, programs, audit log.
    AdminUser, [Admin]
);
role_extractor!(
    /// Giáo vụ and quản trị: the school's day-to-day work.
    StaffUser, [Admin, Staff]
);
role_extractor!(
    /// Who works with people's records: staff, admins, and secretaries for their own units.
    PeopleUser, [Admin, Staff, Secretary]
);
role_extractor!(
    /// Who may read the programs: staff, admins and lecturers.
    ProgramReader, [Admin, Staff, Lecturer]
);
role_extractor!(
    /// Who teaches or runs classes: staff and admins for every class, lecturers for the sessions
    /// and classes they teach (the store narrows it).
    TeachingUser, [Admin, Staff, Lecturer]
);
role_extractor!(
    /// Bí thư chi bộ, for their own units' people (the store narrows it).
    SecretaryUser, [Secretary]
);
role_extractor!(
    /// Who follows a class's attendance: staff and admins for every class, lecturers for the
    /// classes they teach, secretaries for their own units' learners (the handlers narrow it).
    AttendanceReader, [Admin, Staff, Lecturer, Secretary]
);
role_extractor!(
    /// Học viên, for their own classes, attendance, results and certificates.
    LearnerUser, [Learner]
);
role_extractor!(
    /// Who has calendar feed links to manage: lecturers and learners their own, staff and admins
    /// the classes'. Secretaries follow their people's classes on the calendar page only.
    CalendarFeedUser, [Admin, Staff, Lecturer, Learner]
);

impl Deref for LoggedIn {
    type Target = CurrentUser;
    fn deref(&self) -> &CurrentUser {
        &self.0
    }
}

/// The scope of the rows a user may see, for store calls.
pub fn scope_in(conn: &mut crate::db::DbConn, user: &CurrentUser) -> Result<Scope, StoreError> {
    crate::store::orgs::scope_for(conn, &user.0)
}

/// Open to anyone, and does not even look at the session: health checks and static files.
pub struct Open;

impl AccessRule for Open {
    const ACCESS: Access = Access::Public;
}

impl FromRequest for Open {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;
    fn from_request(_: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(Open))
    }
}
