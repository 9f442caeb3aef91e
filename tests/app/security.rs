//! Security properties, driven by the route table so that every route added later is covered:
//! who may use which route, CSRF on every POST, security headers, session cookies, session
//! endings, login throttling, friendly error pages, password change and the language switch.

use std::fmt::Write as _;
use std::time::Duration;

use boiduong::db::schema::{audit_events, users};
use boiduong::domain::role::Role;
use boiduong::web::error::urlencode;
use boiduong::web::route_table;
use boiduong::web::routes::{Access, RouteSpec};
use diesel::prelude::*;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, SET_COOKIE};

use crate::helpers::*;

const ACCOUNTS: [(&str, Role); 5] = [
    (ADMIN, Role::Admin),
    (STAFF, Role::Staff),
    (LECTURER, Role::Lecturer),
    (SECRETARY, Role::Secretary),
    (LEARNER, Role::Learner),
];

const NEW_PASSWORD: &str = "mot cau de nho 2026";

// ---------------------------------------------------------------------------------------------
// Helpers

/// A concrete path for a route pattern: `{file:.*}`-style tail parameters become a real asset,
/// every other parameter an id that exists in the demo school (1).
fn concrete(pattern: &str) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '{' {
            out.push(c);
            continue;
        }
        let (mut depth, mut param) = (1, String::new());
        for c in chars.by_ref() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                break;
            }
            param.push(c);
        }
        let (name, regex) = param.split_once(':').unwrap_or((&param, ""));
        out.push_str(if name == "file" || regex == ".*" { "css/app.css" } else { "1" });
    }
    out
}

fn is_post(spec: &RouteSpec) -> bool {
    spec.method.as_str() == "POST"
}

fn post_routes() -> Vec<RouteSpec> {
    route_table().into_iter().filter(is_post).collect()
}

fn access_label(access: Access) -> String {
    match access {
        Access::Public => "public".into(),
        Access::Authenticated => "logged in".into(),
        Access::Roles(roles) => roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(","),
        Access::Token(roles) => format!("token:{}", roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")),
    }
}

fn audit_count(app: &TestApp) -> i64 {
    audit_events::table.count().get_result(&mut *app.conn()).expect("audit events count")
}

type UserRow = (i64, Option<String>, bool, bool, i32, String);

/// What a refused request must not have touched: the accounts, with their password hashes and
/// session versions, and the audit log that every change writes to.
fn snapshot(app: &TestApp) -> (i64, Vec<UserRow>) {
    let rows = users::table
        .select((
            users::id,
            users::password_hash,
            users::active,
            users::must_change_password,
            users::session_version,
            users::language,
        ))
        .order(users::id)
        .load(&mut *app.conn())
        .expect("users load");
    (audit_count(app), rows)
}

fn is_login_redirect(status: StatusCode, location: &str) -> bool {
    status == StatusCode::SEE_OTHER && location.starts_with("/login?next=")
}

async fn logged_in(browser: &Browser) -> bool {
    browser.get("/account/password").await.status() == StatusCode::OK
}

fn header<'a>(res: &'a reqwest::Response, name: &str) -> &'a str {
    res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

/// The `Set-Cookie` header of the session cookie, if the response sets it.
fn session_set_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("boiduong="))
        .map(str::to_owned)
}

/// The value of the session cookie set by a response.
fn session_cookie_value(res: &reqwest::Response) -> String {
    let set = session_set_cookie(res).expect("the response sets the session cookie");
    set.split(';').next().unwrap().trim_start_matches("boiduong=").to_owned()
}

/// A GET from a client that holds nothing but this session cookie (a stolen or replayed copy).
async fn get_with_cookie(app: &TestApp, path: &str, cookie: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}{path}", app.base))
        .header("cookie", format!("boiduong={cookie}"))
        .send()
        .await
        .expect("GET is answered")
}

fn attributes(set_cookie: &str) -> Vec<String> {
    set_cookie.split(';').skip(1).map(|a| a.trim().to_ascii_lowercase()).collect()
}

// ---------------------------------------------------------------------------------------------
// Route × role

#[derive(Clone, Copy)]
struct Who {
    label: &'static str,
    account: Option<(&'static str, Role)>,
}

fn everyone() -> Vec<Who> {
    let mut all = vec![Who { label: "anonymous", account: None }];
    all.extend(ACCOUNTS.iter().map(|&(email, role)| Who { label: role.code(), account: Some((email, role)) }));
    all
}

/// What the rule says about this answer; `Err` explains a failure.
fn verdict(spec: &RouteSpec, who: Who, status: StatusCode, location: &str) -> Result<(), String> {
    if status.is_server_error() {
        return Err("server error".into());
    }
    let to_login = is_login_redirect(status, location);
    match (spec.access, who.account) {
        // The API takes bearer tokens only: a browser's session cookie, logged in or not, is
        // not a token (tests/app/api.rs walks the API routes with each role's token).
        (Access::Token(_), _) if status == StatusCode::UNAUTHORIZED => Ok(()),
        (Access::Token(_), _) => Err("expected 401: the API does not accept the session cookie".into()),
        (Access::Public, _) if status == StatusCode::FORBIDDEN => Err("403 on a public route".into()),
        (Access::Public, _) if to_login => Err("public route sends to the login page".into()),
        (Access::Public, _) => Ok(()),
        (_, None) => {
            let next = if is_post(spec) { "/".to_owned() } else { concrete(spec.path) };
            let expected = format!("/login?next={}", urlencode(&next));
            if status == StatusCode::SEE_OTHER && location == expected {
                Ok(())
            } else {
                Err(format!("expected 303 to {expected}"))
            }
        }
        (access, Some((_, role))) if access.allows(&[role]) => {
            if status == StatusCode::FORBIDDEN {
                Err("403 for a role that is allowed".into())
            } else if to_login {
                Err("allowed role sent to the login page".into())
            } else {
                Ok(())
            }
        }
        (_, Some(_)) if status == StatusCode::FORBIDDEN => Ok(()),
        (_, Some(_)) => Err("expected exactly 403".into()),
    }
}

struct Outcome {
    spec: RouteSpec,
    status: StatusCode,
    location: String,
    failure: Option<String>,
}

/// One person walks every route in a fresh application of their own. GETs come first, POSTs
/// after, logout last; when a POST ends the session (deactivating or re-keying the account
/// with id 1, say) the walk carries on in a new application.
async fn walk(who: Who, routes: &[RouteSpec]) -> Vec<Outcome> {
    let mut ordered: Vec<&RouteSpec> = routes.iter().collect();
    ordered.sort_by_key(|s| (is_post(s), s.path == "/logout"));
    let start = || async {
        let app = spawn_app().await;
        let browser = match who.account {
            Some((email, _)) => app.login(email).await,
            None => {
                let b = app.anonymous();
                let _ = b.page("/login").await;
                b
            }
        };
        (app, browser)
    };
    let (mut app, mut browser) = start().await;
    let mut outcomes = Vec::new();
    for spec in ordered {
        let path = concrete(spec.path);
        let res = if is_post(spec) { browser.post(&path, &[]).await } else { browser.get(&path).await };
        let (status, location) = (res.status(), location(&res));
        let failure = verdict(spec, who, status, &location).err();
        outcomes.push(Outcome { spec: spec.clone(), status, location, failure });
        if is_post(spec) && who.account.is_some() && !logged_in(&browser).await {
            (app, browser) = start().await;
        }
    }
    drop(app);
    outcomes
}

#[tokio::test]
async fn every_route_answers_each_role_as_its_rule_says() {
    let routes = route_table();
    assert!(routes.len() >= 8, "the route table is unexpectedly small: {routes:?}");

    // The walk relies on each demo account holding exactly one role.
    let app = spawn_app().await;
    for (email, role) in ACCOUNTS {
        let user = boiduong::store::users::find_by_email(&mut app.conn(), email).unwrap().expect("demo account");
        let roles = boiduong::store::users::roles_of(&mut app.conn(), user.id).unwrap();
        assert_eq!(roles, vec![role], "{email} should hold only {role}");
    }
    drop(app);

    let whos = everyone();
    let results = futures_util::future::join_all(whos.iter().map(|who| walk(*who, &routes))).await;

    let mut table = format!("{:<6} {:<40} {:<28}", "METHOD", "PATH", "ACCESS");
    for who in &whos {
        write!(table, " {:>9}", who.label).unwrap();
    }
    table.push('\n');
    let mut failures = String::new();
    for spec in &routes {
        write!(table, "{:<6} {:<40} {:<28}", spec.method.as_str(), spec.path, access_label(spec.access)).unwrap();
        for (who, outcomes) in whos.iter().zip(&results) {
            let o = outcomes.iter().find(|o| o.spec.method == spec.method && o.spec.path == spec.path).unwrap();
            let mark = if o.failure.is_some() { "!" } else { "" };
            write!(table, " {:>9}", format!("{mark}{}", o.status.as_u16())).unwrap();
            if let Some(why) = &o.failure {
                writeln!(
                    failures,
                    "{:<10} {:<6} {:<40} {:<28} got {} {:<30} — {why}",
                    who.label,
                    spec.method.as_str(),
                    concrete(spec.path),
                    access_label(spec.access),
                    o.status.as_u16(),
                    o.location,
                )
                .unwrap();
            }
        }
        table.push('\n');
    }
    println!("route × role ({} routes):\n{table}", routes.len());
    assert!(failures.is_empty(), "route × role failures:\n{failures}\nfull table (! marks a failure):\n{table}");
}

// ---------------------------------------------------------------------------------------------
// CSRF

#[tokio::test]
async fn every_post_route_refuses_a_missing_or_foreign_csrf_token() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let anonymous = app.anonymous();
    let _ = anonymous.page("/login").await;
    let foreign = app.login(STAFF).await.csrf().await;
    let before = snapshot(&app);

    let posts = post_routes();
    assert!(posts.iter().any(|s| s.path == "/login"), "POST /login is in the route table");
    let mut failures = Vec::new();
    for spec in &posts {
        let path = concrete(spec.path);
        for (who, browser) in [("admin", &admin), ("anonymous", &anonymous)] {
            let attempts = [
                ("no token", browser.post_raw(&path, &[("next", "/")]).await),
                ("empty token", browser.post_raw(&path, &[("csrf_token", "")]).await),
                ("another session's token", browser.post_raw(&path, &[("csrf_token", &foreign)]).await),
                (
                    "another session's token in the header",
                    browser.client.post(browser.url(&path)).header("x-csrf-token", &foreign).send().await.unwrap(),
                ),
            ];
            for (what, res) in attempts {
                if res.status() != StatusCode::FORBIDDEN {
                    failures.push(format!("{who} POST {path} with {what}: {}", res.status()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "CSRF not enforced:\n{}", failures.join("\n"));
    assert_eq!(snapshot(&app), before, "a refused request changed something");
    assert!(logged_in(&admin).await, "POST /logout without a token did not log out");

    let res = admin.post_raw("/language", &[("lang", "en")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body = res.text().await.unwrap();
    assert!(main_text(&body).contains("Phiên làm việc đã thay đổi"), "friendly CSRF page: {}", main_text(&body));
}

#[tokio::test]
async fn login_without_a_token_does_not_log_in() {
    let app = spawn_app().await;
    let browser = app.anonymous();
    let _ = browser.page("/login").await;
    let res = browser.post_raw("/login", &[("email", ADMIN), ("password", DEMO_PASSWORD), ("next", "/")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(!logged_in(&browser).await, "logged in without a CSRF token");
    // A client that never had a session has no token to match.
    let fresh = app.anonymous();
    let res = fresh.post_raw("/login", &[("email", ADMIN), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(!logged_in(&fresh).await);
}

#[tokio::test]
async fn password_change_without_a_token_changes_nothing() {
    let app = spawn_app().await;
    let browser = app.login(LECTURER).await;
    let fields = [("current", DEMO_PASSWORD), ("new", NEW_PASSWORD), ("confirm", NEW_PASSWORD)];
    let res = browser.post_raw("/account/password", &fields).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(logged_in(&browser).await);
    let res = app.anonymous().login(LECTURER, DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the old password still logs in");
    let res = app.anonymous().login(LECTURER, NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "the new password was not set");
}

#[tokio::test]
async fn a_post_route_through_get_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let table = route_table();
    let before = snapshot(&app);
    let mut failures = Vec::new();
    for spec in table.iter().filter(|s| is_post(s)) {
        let has_get = table.iter().any(|s| s.path == spec.path && s.method.as_str() == "GET");
        let path = concrete(spec.path);
        let (status, _) = admin.page(&path).await;
        let ok = if has_get {
            status != StatusCode::METHOD_NOT_ALLOWED && !status.is_server_error()
        } else {
            status == StatusCode::METHOD_NOT_ALLOWED
        };
        if !ok {
            failures.push(format!("GET {path}: {status} (has a GET route: {has_get})"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(snapshot(&app), before, "a GET changed something");
    assert!(logged_in(&admin).await, "GET /logout logged out");
    let (status, body) = admin.page("/logout").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(main_text(&body).contains("Thao tác không được hỗ trợ"), "{}", main_text(&body));
}

// ---------------------------------------------------------------------------------------------
// Headers and cookies

fn assert_security_headers(res: &reqwest::Response, what: &str) {
    assert!(header(res, CONTENT_TYPE.as_str()).starts_with("text/html"), "{what}: not HTML");
    let csp = header(res, "content-security-policy");
    assert!(!csp.is_empty(), "{what}: no Content-Security-Policy");
    assert!(!csp.contains("unsafe-inline"), "{what}: CSP allows inline code: {csp}");
    assert!(!csp.contains("unsafe-eval"), "{what}: CSP allows eval: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: CSP lacks frame-ancestors 'none': {csp}");
    assert_eq!(header(res, "x-content-type-options"), "nosniff", "{what}");
    assert!(!header(res, "referrer-policy").is_empty(), "{what}: no Referrer-Policy");
}

#[tokio::test]
async fn html_responses_carry_the_security_headers() {
    let app = spawn_app().await;
    let anonymous = app.anonymous();
    let res = anonymous.get("/login").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_security_headers(&res, "login page");
    let res = anonymous.get("/khong-co").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_security_headers(&res, "404 page, anonymous");

    let admin = app.login(ADMIN).await;
    let res = admin.get("/").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_security_headers(&res, "home page");
    let res = admin.get("/khong-co").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_security_headers(&res, "404 page");
    let res = admin.post_raw("/language", &[("lang", "en")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_security_headers(&res, "403 page (CSRF)");
    let res = admin.get("/logout").await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_security_headers(&res, "405 page");

    // The 403 of a role that may not open a page, once such a page exists.
    let forbidden = route_table().into_iter().find(|s| {
        s.method.as_str() == "GET" && matches!(s.access, Access::Roles(roles) if !roles.contains(&Role::Learner))
    });
    if let Some(spec) = forbidden {
        let learner = app.login(LEARNER).await;
        let res = learner.get(&concrete(spec.path)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "learner on {}", spec.path);
        assert_security_headers(&res, "403 page (role)");
        let body = res.text().await.unwrap();
        assert!(main_text(&body).contains("Không có quyền truy cập"), "{}", main_text(&body));
    }
}

#[tokio::test]
async fn session_cookie_is_http_only_and_lax_and_secure_only_behind_https() {
    let app = spawn_app().await;
    let res = app.anonymous().get("/login").await;
    let set = session_set_cookie(&res).expect("the login page starts a session");
    let attrs = attributes(&set);
    assert!(attrs.contains(&"httponly".into()), "{set}");
    assert!(attrs.contains(&"samesite=lax".into()), "{set}");
    assert!(!attrs.contains(&"secure".into()), "an http site cannot use a Secure cookie: {set}");

    let app = spawn_app_with(|c| c.public_url = "https://boiduong.example.vn".into()).await;
    let res = app.anonymous().get("/login").await;
    let set = session_set_cookie(&res).expect("the login page starts a session");
    let attrs = attributes(&set);
    assert!(attrs.contains(&"secure".into()), "behind https the cookie is Secure: {set}");
    assert!(attrs.contains(&"httponly".into()), "{set}");
    assert!(attrs.contains(&"samesite=lax".into()), "{set}");
}

#[tokio::test]
async fn strict_transport_security_only_when_the_public_address_is_https() {
    let app = spawn_app().await;
    let res = app.anonymous().get("/login").await;
    assert_eq!(header(&res, "strict-transport-security"), "", "a plain-http site must not send HSTS");

    let app = spawn_app_with(|c| c.public_url = "https://boiduong.example.vn".into()).await;
    let anonymous = app.anonymous();
    for path in ["/login", "/khong-co", "/assets/css/app.css"] {
        let res = anonymous.get(path).await;
        assert_eq!(header(&res, "strict-transport-security"), "max-age=31536000", "{path}");
    }
}

// ---------------------------------------------------------------------------------------------
// Sessions

#[tokio::test]
async fn login_issues_a_new_session_and_the_old_cookie_stays_anonymous() {
    let app = spawn_app().await;
    let browser = app.anonymous();
    let res = browser.get("/login").await;
    let before = session_cookie_value(&res);
    let token_before = csrf_in(&res.text().await.unwrap()).expect("the login form carries a token");
    let res = browser.login(ADMIN, DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let after = session_cookie_value(&res);
    assert_ne!(before, after, "the session cookie changes at login");
    assert!(logged_in(&browser).await);

    // Someone who planted or read the anonymous session (its cookie or its CSRF token) before
    // the login gains nothing: the logged-in session has a token of its own, and the old one is
    // refused in it.
    let token_after = browser.csrf().await;
    assert_ne!(token_before, token_after, "the CSRF token changes at login");
    let res = browser.post_raw("/language", &[("lang", "en"), ("next", "/"), ("csrf_token", &token_before)]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "the pre-login token is refused after the login");
    let res = browser.post_raw("/language", &[("lang", "vi"), ("next", "/"), ("csrf_token", &token_after)]).await;
    assert_redirect(&res, "/");
    // The cookie from before the login is not logged in.
    let res = get_with_cookie(&app, "/account/password", &before).await;
    assert!(is_login_redirect(res.status(), &location(&res)), "{} {}", res.status(), location(&res));
}

#[tokio::test]
async fn after_logout_a_copy_of_the_cookie_gives_no_access() {
    let app = spawn_app().await;
    let browser = app.anonymous();
    let _ = browser.page("/login").await;
    let res = browser.login(STAFF, DEMO_PASSWORD).await;
    let cookie = session_cookie_value(&res);
    let res = get_with_cookie(&app, "/account/password", &cookie).await;
    assert_eq!(res.status(), StatusCode::OK, "the copied cookie works before logout");

    let res = browser.post("/logout", &[]).await;
    assert_redirect(&res, "/login?logged_out=1");
    assert!(!logged_in(&browser).await);
    let res = get_with_cookie(&app, "/account/password", &cookie).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "replayed cookie after logout");
    assert_eq!(location(&res), "/login?next=/account/password");
    let (_, body) = browser.page("/login?logged_out=1").await;
    assert!(main_text(&body).contains("Bạn đã đăng xuất"), "{}", main_text(&body));
}

#[tokio::test]
async fn changing_the_password_ends_the_accounts_other_sessions() {
    let app = spawn_app().await;
    let a = app.login(LECTURER).await;
    let b = app.login(LECTURER).await;
    let res = a
        .post("/account/password", &[("current", DEMO_PASSWORD), ("new", NEW_PASSWORD), ("confirm", NEW_PASSWORD)])
        .await;
    assert_redirect(&res, "/");
    assert!(logged_in(&a).await, "the browser that changed the password stays logged in");
    let res = b.get("/account/password").await;
    assert_redirect(&res, "/login?next=/account/password");
    let (_, body) = b.page("/login").await;
    assert!(main_text(&body).contains("Phiên làm việc đã kết thúc"), "{}", main_text(&body));
}

#[tokio::test]
async fn deactivating_an_account_ends_its_sessions() {
    let app = spawn_app().await;
    let browser = app.login(LEARNER).await;
    assert!(logged_in(&browser).await);
    diesel::update(users::table.filter(users::email.eq(LEARNER)))
        .set(users::active.eq(false))
        .execute(&mut *app.conn())
        .unwrap();
    let res = browser.get("/account/password").await;
    assert_redirect(&res, "/login?next=/account/password");
    let res = app.anonymous().login(LEARNER, DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "a deactivated account cannot log in");
}

const MINUTE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn an_idle_session_ends_exactly_past_the_limit() {
    let app = spawn_app().await;
    assert_eq!(app.config.session_idle_minutes, 60);
    let early = app.login(SECRETARY).await;
    let late = app.login(SECRETARY).await;
    app.advance(60 * MINUTE - Duration::from_secs(5));
    assert!(logged_in(&early).await, "a few seconds before the limit the session lives");
    app.advance(Duration::from_secs(6));
    let res = late.get("/account/password").await;
    assert_redirect(&res, "/login?next=/account/password");
    let (_, body) = late.page("/login").await;
    assert!(main_text(&body).contains("hết hạn do lâu không thao tác"), "{}", main_text(&body));
}

#[tokio::test]
async fn activity_extends_the_idle_time() {
    let app = spawn_app().await;
    let browser = app.login(SECRETARY).await;
    for step in 1..=4 {
        app.advance(50 * MINUTE);
        assert!(logged_in(&browser).await, "still in use after {} minutes", step * 50);
    }
    app.advance(61 * MINUTE);
    assert!(!logged_in(&browser).await, "61 minutes without a visit end it");
}

#[tokio::test]
async fn the_absolute_lifetime_ends_a_busy_session() {
    let app = spawn_app().await;
    assert_eq!(app.config.session_absolute_hours, 12);
    let browser = app.login(STAFF).await;
    for _ in 0..14 {
        app.advance(50 * MINUTE);
        assert!(logged_in(&browser).await);
    }
    app.advance(19 * MINUTE);
    assert!(logged_in(&browser).await, "11 h 59 min after the login");
    app.advance(2 * MINUTE);
    let res = browser.get("/account/password").await;
    assert_redirect(&res, "/login?next=/account/password");
    let (_, body) = browser.page("/login").await;
    assert!(main_text(&body).contains("quá thời gian cho phép"), "{}", main_text(&body));
    // A new login starts a new lifetime.
    let res = browser.login(STAFF, DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(logged_in(&browser).await);
}

// ---------------------------------------------------------------------------------------------
// Login throttling

#[tokio::test]
async fn an_account_is_throttled_after_too_many_wrong_passwords() {
    let app = spawn_app_with(|c| c.login_max_failures_per_account = 3).await;
    let browser = app.anonymous();
    for i in 0..3 {
        let res = browser.login(ADMIN, "sai-mat-khau").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let res = browser.login(ADMIN, DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password is refused");
    let body = res.text().await.unwrap();
    assert!(main_text(&body).contains("thử lại sau"), "{}", main_text(&body));
    assert!(!logged_in(&browser).await);
    // Another case of the same address is the same account.
    let res = browser.login(&ADMIN.to_uppercase(), DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);

    // The account rule does not block another account from the same client.
    let res = browser.login(STAFF, DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(logged_in(&browser).await);
}

#[tokio::test]
async fn an_address_is_throttled_across_accounts() {
    let app = spawn_app_with(|c| {
        c.login_max_failures_per_address = 4;
        c.login_max_failures_per_account = 100;
    })
    .await;
    let browser = app.anonymous();
    for email in [ADMIN, STAFF, LECTURER, "khong-ton-tai@boiduong.test"] {
        let res = browser.login(email, "sai-mat-khau").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{email}");
    }
    let res = browser.login(LEARNER, DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let body = res.text().await.unwrap();
    assert!(main_text(&body).contains("thử lại sau"), "{}", main_text(&body));
    // A new client from the same address is blocked all the same.
    let res = app.anonymous().login(SECRETARY, DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

/// A login attempt carrying these extra headers.
async fn login_with_headers(browser: &Browser, email: &str, password: &str, headers: &[(&str, &str)]) -> StatusCode {
    let token = browser.csrf().await;
    let body = serde_urlencoded::to_string([("email", email), ("password", password), ("csrf_token", &token)]).unwrap();
    let mut request = browser
        .client
        .post(browser.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap().status()
}

/// A login attempt that says it comes through a proxy for `client`.
async fn login_via_proxy(browser: &Browser, email: &str, password: &str, client: &str) -> StatusCode {
    login_with_headers(browser, email, password, &[("x-forwarded-for", client)]).await
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_address_is_counted_apart() {
    let app = spawn_app_with(|c| {
        c.login_max_failures_per_address = 3;
        c.login_max_failures_per_account = 100;
        c.trust_forwarded_for = true;
    })
    .await;
    for email in [ADMIN, STAFF, LECTURER] {
        assert_eq!(login_via_proxy(&app.anonymous(), email, "sai", "203.0.113.7").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        login_via_proxy(&app.anonymous(), LEARNER, DEMO_PASSWORD, "203.0.113.7").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(login_via_proxy(&app.anonymous(), LEARNER, DEMO_PASSWORD, "203.0.113.8").await, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn without_a_trusted_proxy_the_forwarded_header_is_ignored() {
    let app = spawn_app_with(|c| {
        c.login_max_failures_per_address = 3;
        c.login_max_failures_per_account = 100;
    })
    .await;
    for (email, client) in [(ADMIN, "198.51.100.1"), (STAFF, "198.51.100.2"), (LECTURER, "198.51.100.3")] {
        assert_eq!(login_via_proxy(&app.anonymous(), email, "sai", client).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        login_via_proxy(&app.anonymous(), LEARNER, DEMO_PASSWORD, "198.51.100.4").await,
        StatusCode::TOO_MANY_REQUESTS,
        "a made-up header does not escape the limit"
    );
}

/// Limits that only the address limit (of 3) can reach, behind a trusted local proxy.
fn address_limit_of_three(c: &mut boiduong::config::Config) {
    c.trust_forwarded_for = true;
    c.login_max_failures_per_address = 3;
    c.login_max_failures_per_account = 100;
    c.login_max_failures_per_account_total = 100;
}

/// Three wrong passwords for three accounts, each request with its own `headers`, then the right
/// password with yet other headers: refused when all four count as one address.
async fn fourth_login_is_throttled(app: &TestApp, headers: [&[(&str, &str)]; 4]) -> bool {
    for (email, headers) in [ADMIN, STAFF, LECTURER].into_iter().zip(&headers[..3]) {
        assert_eq!(login_with_headers(&app.anonymous(), email, "sai", headers).await, StatusCode::UNAUTHORIZED);
    }
    login_with_headers(&app.anonymous(), LEARNER, DEMO_PASSWORD, headers[3]).await == StatusCode::TOO_MANY_REQUESTS
}

#[tokio::test]
async fn a_client_sent_forwarded_header_does_not_escape_the_address_limit() {
    let app = spawn_app_with(address_limit_of_three).await;
    let forwarded = ["for=198.51.100.1", "for=198.51.100.2", "for=\"[2001:db8::3]\"", "for=198.51.100.4"];
    let headers = forwarded.map(|f| [("forwarded", f)]);
    assert!(fourth_login_is_throttled(&app, headers.each_ref().map(|h| &h[..])).await, "Forwarded is ignored");
}

#[tokio::test]
async fn a_changing_leftmost_forwarded_for_entry_does_not_escape_the_address_limit() {
    let app = spawn_app_with(address_limit_of_three).await;
    // The client writes the left entries; the trusted proxy appends the address it saw.
    let chains = ["10.9.9.1, 203.0.113.9", "6.6.6.6, 203.0.113.9", "x, 203.0.113.9", "192.0.2.4,203.0.113.9"];
    let headers = chains.map(|c| [("x-forwarded-for", c)]);
    assert!(fourth_login_is_throttled(&app, headers.each_ref().map(|h| &h[..])).await);
    // Another client of the proxy is not affected.
    assert_eq!(login_via_proxy(&app.anonymous(), LEARNER, DEMO_PASSWORD, "203.0.113.10").await, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_forwarded_for_entry_that_is_not_an_address_counts_as_the_proxy() {
    let app = spawn_app_with(address_limit_of_three).await;
    let entries = ["unknown", "203.0.113.1:4711", "<script>", ""];
    let headers = entries.map(|e| [("x-forwarded-for", e)]);
    assert!(fourth_login_is_throttled(&app, headers.each_ref().map(|h| &h[..])).await);
}

#[tokio::test]
async fn forwarded_for_from_a_peer_that_is_not_a_trusted_proxy_is_ignored() {
    let app = spawn_app_with(|c| {
        address_limit_of_three(c);
        c.trusted_proxies = "10.0.0.0/8".into();
    })
    .await;
    let clients = ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"];
    let headers = clients.map(|c| [("x-forwarded-for", c)]);
    assert!(fourth_login_is_throttled(&app, headers.each_ref().map(|h| &h[..])).await);
}

/// `n` browsers that each hold a session and its CSRF token, ready to post at the same moment.
async fn ready_browsers(base: &str, n: usize) -> Vec<(Browser, String)> {
    let mut ready = Vec::with_capacity(n);
    for _ in 0..n {
        let browser = Browser::new(base);
        let token = browser.csrf().await;
        ready.push((browser, token));
    }
    ready
}

/// Posts one login from each browser, all at once; the answers in order.
async fn logins_at_once(
    browsers: &[(Browser, String)],
    email: impl Fn(usize) -> String,
    password: &str,
) -> Vec<reqwest::Response> {
    futures_util::future::join_all(
        browsers.iter().enumerate().map(|(i, (browser, token))| {
            let email = email(i);
            async move {
                browser.post_raw("/login", &[("email", &email), ("password", password), ("csrf_token", token)]).await
            }
        }),
    )
    .await
}

fn tally(responses: &[reqwest::Response]) -> std::collections::BTreeMap<u16, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for res in responses {
        *counts.entry(res.status().as_u16()).or_insert(0) += 1;
    }
    counts
}

#[tokio::test]
async fn parallel_wrong_passwords_are_checked_no_more_than_the_limit() {
    let app = spawn_app().await;
    let limit = app.config.login_max_failures_per_account as usize;
    assert_eq!(limit, 5);
    let browsers = ready_browsers(&app.base, 40).await;
    let responses = logins_at_once(&browsers, |_| ADMIN.to_owned(), "sai-mat-khau").await;
    let counts = tally(&responses);
    assert_eq!(counts.get(&401), Some(&limit), "exactly {limit} passwords were checked: {counts:?}");
    assert_eq!(counts.get(&429), Some(&(40 - limit)), "the rest were refused unchecked: {counts:?}");
    for res in responses.into_iter().filter(|r| r.status() == StatusCode::TOO_MANY_REQUESTS) {
        let text = main_text(&res.text().await.unwrap());
        assert!(text.contains("Vui lòng thử lại sau 15 phút"), "{text}");
    }
    assert_eq!(app.anonymous().login(ADMIN, DEMO_PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn two_instances_on_one_database_share_the_limit() {
    let app = spawn_app_with(|c| c.login_max_failures_per_account = 4).await;
    let second = app.second_instance();
    for i in 0..4 {
        let browser = if i % 2 == 0 { app.anonymous() } else { second.anonymous() };
        assert_eq!(browser.login(ADMIN, "sai").await.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    assert_eq!(app.anonymous().login(ADMIN, DEMO_PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(second.anonymous().login(ADMIN, DEMO_PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);
    // Parallel attempts spread over both instances are checked no more than the limit either.
    let other = app.second_instance();
    let mut browsers = ready_browsers(&other.base, 10).await;
    browsers.extend(ready_browsers(&app.base, 10).await);
    let counts = tally(&logins_at_once(&browsers, |_| STAFF.to_owned(), "sai").await);
    assert_eq!(counts.get(&401), Some(&4), "{counts:?}");
    assert_eq!(counts.get(&429), Some(&16), "{counts:?}");
}

#[tokio::test]
async fn the_window_ends_and_the_account_may_try_again() {
    let app = spawn_app_with(|c| c.login_max_failures_per_account = 2).await;
    for _ in 0..2 {
        assert_eq!(app.anonymous().login(ADMIN, "sai").await.status(), StatusCode::UNAUTHORIZED);
    }
    app.advance(14 * MINUTE);
    let res = app.anonymous().login(ADMIN, DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let text = main_text(&res.text().await.unwrap());
    assert!(text.contains("Vui lòng thử lại sau 1 phút"), "{text}");
    app.advance(MINUTE + Duration::from_secs(1));
    assert_eq!(app.anonymous().login(ADMIN, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_locked_pair_leaves_the_owner_elsewhere_in_and_the_account_locks_only_at_the_higher_limit() {
    let app = spawn_app_with(|c| {
        c.trust_forwarded_for = true;
        c.login_max_failures_per_account = 3;
        c.login_max_failures_per_account_total = 6;
        c.login_max_failures_per_address = 100;
    })
    .await;
    let attacker = "198.51.100.66";
    for _ in 0..3 {
        assert_eq!(login_via_proxy(&app.anonymous(), STAFF, "sai", attacker).await, StatusCode::UNAUTHORIZED);
    }
    // Hammering on from the locked address counts for nothing.
    for _ in 0..20 {
        assert_eq!(login_via_proxy(&app.anonymous(), STAFF, "sai", attacker).await, StatusCode::TOO_MANY_REQUESTS);
    }
    assert_eq!(login_via_proxy(&app.anonymous(), STAFF, DEMO_PASSWORD, attacker).await, StatusCode::TOO_MANY_REQUESTS);
    // The owner, from another address, gets in.
    assert_eq!(login_via_proxy(&app.anonymous(), STAFF, DEMO_PASSWORD, "203.0.113.5").await, StatusCode::SEE_OTHER);

    // Guesses from several addresses lock the account everywhere, but only at the higher limit.
    for (i, address) in ["198.51.100.1", "198.51.100.2"].iter().enumerate() {
        for j in 0..3 {
            let status = login_via_proxy(&app.anonymous(), STAFF, "sai", address).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "address {i}, attempt {j}");
        }
    }
    let status = login_via_proxy(&app.anonymous(), STAFF, DEMO_PASSWORD, "203.0.113.77").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "six failures from anywhere lock the account");
    assert_eq!(login_via_proxy(&app.anonymous(), LEARNER, DEMO_PASSWORD, "198.51.100.1").await, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_throttle_keeps_only_hashes() {
    let app = spawn_app_with(|c| c.trust_forwarded_for = true).await;
    login_via_proxy(&app.anonymous(), "Someone.Else@Example.VN", "sai", "203.0.113.42").await;
    let long = format!("{}@example.vn", "a".repeat(5000));
    assert_eq!(login_via_proxy(&app.anonymous(), &long, "sai", "203.0.113.42").await, StatusCode::UNAUTHORIZED);
    let keys: Vec<String> = boiduong::db::schema::login_throttle::table
        .select(boiduong::db::schema::login_throttle::key)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(keys.len(), 5, "pair, account and address keys (the address once): {keys:?}");
    for key in &keys {
        assert_eq!(key.len(), 2 + 64, "a prefix and a SHA-256: {key}");
        assert!(!key.contains("example") && !key.contains("203.0.113"), "{key}");
    }
}

#[tokio::test]
async fn a_burst_of_logins_gets_401_429_or_503_never_500_and_the_server_carries_on() {
    // One hash at a time and a queue of two: most of a burst must be turned away at once.
    let app = spawn_app_with(|c| {
        c.password_hash_concurrency = 1;
        c.password_hash_queue = 2;
        c.login_max_failures_per_account = 1000;
        c.login_max_failures_per_account_total = 1000;
        c.login_max_failures_per_address = 1000;
    })
    .await;
    let browsers = ready_browsers(&app.base, 40).await;
    let responses = logins_at_once(&browsers, |i| format!("khach{i}@boiduong.test"), "sai-mat-khau").await;
    let counts = tally(&responses);
    assert!(counts.keys().all(|s| [401, 503].contains(s)), "{counts:?}");
    assert!(counts.get(&503).is_some_and(|n| *n >= 1), "the burst went past the queue: {counts:?}");
    assert!(counts.get(&401).is_some_and(|n| *n >= 1), "{counts:?}");
    for res in responses.into_iter().filter(|r| r.status() == StatusCode::SERVICE_UNAVAILABLE) {
        assert_eq!(header(&res, "retry-after"), "2");
        let body = res.text().await.unwrap();
        assert!(main_text(&body).contains("Hệ thống đang bận"), "{}", main_text(&body));
        assert!(body.contains("value=\"khach"), "the typed email is kept");
    }
    let res = app.anonymous().login(STAFF, DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the server carries on");

    // With the defaults, 100 logins at once for every account get only throttling answers.
    let app = spawn_app().await;
    let browsers = ready_browsers(&app.base, 100).await;
    let responses = logins_at_once(&browsers, |i| ALL_ROLES[i % 5].to_owned(), "sai-mat-khau").await;
    let counts = tally(&responses);
    assert!(counts.keys().all(|s| [401, 429, 503].contains(s)), "{counts:?}");
    assert!(responses.iter().filter(|r| r.status() == 503).all(|r| header(r, "retry-after") == "2"));
    assert_eq!(app.anonymous().page("/login").await.0, StatusCode::OK, "the server carries on");
}

// ---------------------------------------------------------------------------------------------
// Redirects

#[tokio::test]
async fn login_and_the_language_switch_follow_only_local_paths() {
    let app = spawn_app().await;
    let cases = [
        ("/people", "/people"),
        ("/\t/evil.example", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/x\r\nSet-Cookie: a=b", "/"),
        ("/\n", "/"),
    ];
    for (next, expected) in cases {
        let browser = app.anonymous();
        let res = browser.post("/login", &[("email", STAFF), ("password", DEMO_PASSWORD), ("next", next)]).await;
        assert_redirect(&res, expected);
        let res = browser.post("/language", &[("lang", "vi"), ("next", next)]).await;
        assert_redirect(&res, expected);
    }
    // The login page of someone already logged in sends them on, from the query string.
    let browser = app.login(STAFF).await;
    for (query, expected) in [
        ("next=%2Fpeople", "/people"),
        ("next=/%09/evil.example", "/"),
        ("next=/%5Cevil.example", "/"),
        ("next=%2Fpeople%0D%0ASet-Cookie:%20a=b", "/"),
        ("next=/%0A", "/"),
    ] {
        let res = browser.get(&format!("/login?{query}")).await;
        assert_redirect(&res, expected);
    }
}

// ---------------------------------------------------------------------------------------------
// Friendly pages

#[tokio::test]
async fn an_unknown_page_answers_a_vietnamese_404() {
    let app = spawn_app().await;
    let res = app.anonymous().get("/khong-co").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(header(&res, "content-type").starts_with("text/html"));
    let body = res.text().await.unwrap();
    assert!(body.contains("<html lang=\"vi\""));
    assert!(main_text(&body).contains("Không tìm thấy"), "{}", main_text(&body));
}

#[tokio::test]
async fn a_body_that_is_not_a_form_answers_a_400_page() {
    let app = spawn_app().await;
    let browser = app.anonymous();
    let token = browser.csrf().await;
    for (content_type, body) in [
        ("application/json", format!("{{\"email\":\"{ADMIN}\",\"password\":\"{DEMO_PASSWORD}\"}}")),
        ("text/plain", "email=x".to_owned()),
    ] {
        let res = browser
            .client
            .post(browser.url("/login"))
            .header("x-csrf-token", &token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{content_type}");
        assert!(header(&res, "content-type").starts_with("text/html"), "{content_type}");
        let body = res.text().await.unwrap();
        assert!(main_text(&body).contains("Yêu cầu không hợp lệ"), "{content_type}: {}", main_text(&body));
    }
    assert!(!logged_in(&browser).await);
    // The server carries on.
    let (status, _) = browser.page("/login").await;
    assert_eq!(status, StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// Password change

#[tokio::test]
async fn changing_the_password_checks_the_form_then_takes_effect() {
    let app = spawn_app().await;
    let browser = app.login(STAFF).await;
    let change = |current: &'static str, new: &'static str, confirm: &'static str| {
        let browser = &browser;
        async move { browser.post("/account/password", &[("current", current), ("new", new), ("confirm", confirm)]).await }
    };

    let res = change("sai-mat-khau", NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = main_text(&res.text().await.unwrap());
    assert!(text.contains("Mật khẩu hiện tại không đúng"), "{text}");

    let res = change(DEMO_PASSWORD, "ngan", "ngan").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = main_text(&res.text().await.unwrap());
    assert!(text.contains("ít nhất 8 ký tự"), "{text}");

    let res = change(DEMO_PASSWORD, NEW_PASSWORD, "mot cau khac 2026").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = main_text(&res.text().await.unwrap());
    assert!(text.contains("không khớp"), "{text}");

    let res = app.anonymous().login(STAFF, DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "refused forms left the password alone");

    let res = change(DEMO_PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_redirect(&res, "/");
    let (status, body) = browser.page("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(main_text(&body).contains("Đã đổi mật khẩu"), "{}", main_text(&body));

    let res = app.anonymous().login(STAFF, NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the new password logs in");
    let res = app.anonymous().login(STAFF, DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "the old password no longer does");
}

// ---------------------------------------------------------------------------------------------
// Language

#[tokio::test]
async fn the_language_switch_changes_the_pages_and_back() {
    let app = spawn_app().await;
    let browser = app.login(STAFF).await;
    let (_, body) = browser.page("/").await;
    assert!(body.contains("Đăng xuất") && body.contains("<html lang=\"vi\""));

    let res = browser.post("/language", &[("lang", "en"), ("next", "/")]).await;
    assert_redirect(&res, "/");
    let (_, body) = browser.page("/").await;
    assert!(body.contains("Log out") && !body.contains("Đăng xuất"), "{}", main_text(&body));
    assert!(body.contains("<html lang=\"en\""));

    // The choice belongs to the account: another login of it is in English too.
    let other = app.login(STAFF).await;
    let (_, body) = other.page("/").await;
    assert!(body.contains("Log out"));

    let res = browser.post("/language", &[("lang", "vi"), ("next", "/account/password")]).await;
    assert_redirect(&res, "/account/password");
    let (_, body) = browser.page("/").await;
    assert!(body.contains("Đăng xuất") && !body.contains("Log out"));

    // Before logging in, too, and an address elsewhere is not followed.
    let anonymous = app.anonymous();
    let res = anonymous.post("/language", &[("lang", "en"), ("next", "//evil.example/")]).await;
    assert_redirect(&res, "/");
    let (_, body) = anonymous.page("/login").await;
    assert!(main_text(&body).contains("Log in"), "{}", main_text(&body));
}
