//! The JSON API (/api/v1) and its tokens: only a bearer token opens it (no token, a wrong or
//! revoked one, or a session cookie alone answer 401 JSON); each token reads what its account
//! reads on the pages (a secretary their chi bộ's people, a learner their own record), and
//! another's record answers 404; each resource's data checked against the database; odd
//! parameters answer 400 JSON, never 500; the OpenAPI document lists exactly the routes; the
//! admin page issues a token shown once, lists it by its prefix and revokes it, audited.

use std::collections::BTreeSet;

use boiduong::db::schema::{
    api_tokens, assessments, attendance, audit_events, certificates, class_sessions, enrolments, people,
};
use boiduong::domain::role::Role;
use boiduong::store::audit::Actor;
use boiduong::store::{Scope, api_tokens as tokens, orgs, users};
use boiduong::web::route_table;
use boiduong::web::routes::Access;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;

// ---------------------------------------------------------------------------------------------
// Helpers

/// A token for a demo account, issued by the admin through the store.
fn token_for(app: &TestApp, email: &str) -> String {
    let actor = Actor { user_id: Some(app.account_id(ADMIN)), label: ADMIN.into() };
    let now = app.config.clock.now_utc();
    tokens::issue(&mut app.conn(), &actor, app.account_id(email), "kiểm thử", now).unwrap().token
}

/// A GET with an optional bearer token and no cookie; the answer must be JSON.
async fn call(app: &TestApp, path: &str, token: Option<&str>) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new().get(format!("{}{path}", app.base));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    answer(req.send().await.expect("the API answers"), path).await
}

async fn answer(res: reqwest::Response, what: &str) -> (StatusCode, Value) {
    let status = res.status();
    let content_type = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let text = res.text().await.unwrap();
    assert!(content_type.starts_with("application/json"), "{what}: {status} answered {content_type}: {text}");
    (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {text}")))
}

/// A GET that must succeed.
async fn ok(app: &TestApp, path: &str, token: &str) -> Value {
    let (status, body) = call(app, path, Some(token)).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

fn assert_error(status: StatusCode, body: &Value, expected: StatusCode, code: &str, what: &str) {
    assert_eq!(status, expected, "{what}: {body}");
    assert_eq!(body["error"]["code"], code, "{what}: {body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(!message.is_empty() && !message.starts_with("api."), "{what}: a message in Vietnamese: {body}");
}

fn items(body: &Value) -> &Vec<Value> {
    body["items"].as_array().unwrap_or_else(|| panic!("no items: {body}"))
}

fn ids(body: &Value, field: &str) -> BTreeSet<i64> {
    items(body).iter().map(|i| i[field].as_i64().unwrap()).collect()
}

/// The units a secretary's scope covers, as the store computes it for the pages.
fn secretary_units(app: &TestApp) -> Vec<i64> {
    let mut c = app.conn();
    let account = users::account(&mut c, app.account_id(SECRETARY)).unwrap();
    match orgs::scope_for(&mut c, &account).unwrap() {
        Scope::Units(ids) => ids,
        Scope::All => panic!("the demo secretary is scoped"),
    }
}

fn learner_person(app: &TestApp) -> i64 {
    users::find(&mut app.conn(), app.account_id(LEARNER)).unwrap().person_id.expect("the demo learner has a person")
}

const ON_ROSTER: [&str; 2] = ["enrolled", "withdrawn"];

/// The classes with a learner (enrolled or withdrawn) among these people's units.
fn classes_with_people_in(app: &TestApp, units: &[i64]) -> BTreeSet<i64> {
    enrolments::table
        .inner_join(people::table)
        .filter(people::org_unit_id.eq_any(units))
        .filter(enrolments::status.eq_any(ON_ROSTER))
        .select(enrolments::class_id)
        .load::<i64>(&mut *app.conn())
        .unwrap()
        .into_iter()
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Authentication

#[tokio::test]
async fn without_a_valid_token_every_answer_is_401_json() {
    let app = spawn_app().await;
    let revoked = token_for(&app, STAFF);
    let revoked_id: i64 = api_tokens::table
        .filter(api_tokens::token_hash.eq(tokens::hash(&revoked)))
        .select(api_tokens::id)
        .first(&mut *app.conn())
        .unwrap();
    let actor = Actor { user_id: Some(app.account_id(ADMIN)), label: ADMIN.into() };
    tokens::revoke(&mut app.conn(), &actor, revoked_id, app.config.clock.now_utc()).unwrap();
    let valid = token_for(&app, STAFF);
    let wrong = format!("{}x", &valid[..valid.len() - 1]);

    let path = "/api/v1/people";
    let client = reqwest::Client::new();
    let url = format!("{}{path}", app.base);
    let attempts = [
        ("no token", client.get(&url).send().await.unwrap()),
        ("a revoked token", client.get(&url).bearer_auth(&revoked).send().await.unwrap()),
        ("a wrong token", client.get(&url).bearer_auth(&wrong).send().await.unwrap()),
        ("a token without the Bearer scheme", client.get(&url).header("authorization", &valid).send().await.unwrap()),
        ("basic authentication", client.get(&url).basic_auth(STAFF, Some(DEMO_PASSWORD)).send().await.unwrap()),
        ("a huge header", client.get(&url).bearer_auth("bd_".repeat(4000)).send().await.unwrap()),
    ];
    for (what, res) in attempts {
        let challenge = res.headers().get("www-authenticate").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let (status, body) = answer(res, what).await;
        assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized", what);
        assert_eq!(challenge.as_deref(), Some("Bearer"), "{what}");
    }

    // A browser logged in as staff, with its session cookie and no token.
    let browser = app.login(STAFF).await;
    let (status, body) = answer(browser.get(path).await, "cookie only").await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized", "a session cookie without a token");

    // A deactivated account's token stops working at once.
    let (status, _) = call(&app, path, Some(&valid)).await;
    assert_eq!(status, StatusCode::OK);
    diesel::update(boiduong::db::schema::users::table.find(app.account_id(STAFF)))
        .set(boiduong::db::schema::users::active.eq(false))
        .execute(&mut *app.conn())
        .unwrap();
    let (status, body) = call(&app, path, Some(&valid)).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized", "a deactivated account's token");
}

#[tokio::test]
async fn every_api_route_answers_each_role_token_as_its_rule_says() {
    let app = spawn_app().await;
    let routes: Vec<_> = route_table().into_iter().filter(|s| matches!(s.access, Access::Token(_))).collect();
    assert!(routes.len() >= 10, "the API routes are in the route table: {routes:?}");
    let roles = [
        (ADMIN, Role::Admin),
        (STAFF, Role::Staff),
        (LECTURER, Role::Lecturer),
        (SECRETARY, Role::Secretary),
        (LEARNER, Role::Learner),
    ];
    let tokens: Vec<_> = roles.iter().map(|(email, role)| (*role, token_for(&app, email))).collect();
    let mut failures = Vec::new();
    for spec in &routes {
        assert_eq!(spec.method.as_str(), "GET", "the API is read-only for now: {spec:?}");
        assert!(spec.path.starts_with("/api/v1/"), "{spec:?}");
        let path = spec.path.replace("{id}", "1");
        let (status, body) = call(&app, &path, None).await;
        if status != StatusCode::UNAUTHORIZED || body["error"]["code"] != "unauthorized" {
            failures.push(format!("no token {path}: {status} {body}"));
        }
        for (role, token) in &tokens {
            let (status, body) = call(&app, &path, Some(token)).await;
            let fine = if spec.access.allows(&[*role]) {
                status == StatusCode::OK || (status == StatusCode::NOT_FOUND && body["error"]["code"] == "not_found")
            } else {
                status == StatusCode::FORBIDDEN && body["error"]["code"] == "forbidden"
            };
            if !fine {
                failures.push(format!("{} {path}: {status} {body}", role.code()));
            }
        }
    }
    assert!(failures.is_empty(), "API route × role failures:\n{}", failures.join("\n"));
}

#[tokio::test]
async fn a_token_records_its_use_at_most_once_a_minute() {
    let app = spawn_app().await;
    let token = token_for(&app, STAFF);
    let last_used = || -> Option<time::PrimitiveDateTime> {
        api_tokens::table
            .filter(api_tokens::token_hash.eq(tokens::hash(&token)))
            .select(api_tokens::last_used_at)
            .first(&mut *app.conn())
            .unwrap()
    };
    assert_eq!(last_used(), None);
    ok(&app, "/api/v1/classes", &token).await;
    let first = last_used().expect("the first use is recorded");
    ok(&app, "/api/v1/classes", &token).await;
    ok(&app, "/api/v1/people", &token).await;
    assert_eq!(last_used(), Some(first), "not written again within the minute");
    app.advance(std::time::Duration::from_secs(61));
    ok(&app, "/api/v1/classes", &token).await;
    assert!(last_used().unwrap() > first, "written again after a minute");
}

#[tokio::test]
async fn a_token_past_its_share_of_the_minute_gets_429_json_until_the_next() {
    use boiduong::web::api::limit::PER_MINUTE;
    let app = spawn_app().await;
    let (busy, calm) = (token_for(&app, STAFF), token_for(&app, STAFF));
    let path = format!("/api/v1/classes/{}", i64::MAX);
    let client = reqwest::Client::new();
    // A minute may turn during the burst and start the count again: twice the share is enough.
    let mut refused = None;
    for sent in 1..=2 * PER_MINUTE + 1 {
        let res = client.get(format!("{}{path}", app.base)).bearer_auth(&busy).send().await.unwrap();
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            refused = Some((sent, res));
            break;
        }
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "request {sent}");
    }
    let (sent, res) = refused.expect("the share runs out");
    assert!(sent > PER_MINUTE, "refused after {sent} requests only");
    let wait: i64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    let (status, body) = answer(res, "429").await;
    assert_error(status, &body, StatusCode::TOO_MANY_REQUESTS, "too_many_requests", "past the share");
    let (status, _) = call(&app, &path, Some(&calm)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another token keeps its own share");
    app.advance(std::time::Duration::from_secs(61));
    let (status, _) = call(&app, &path, Some(&busy)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a new minute, a new share");
}

// ---------------------------------------------------------------------------------------------
// Scope

#[tokio::test]
async fn a_secretary_token_reads_only_their_chi_bo_even_by_guessing_ids() {
    let app = spawn_app().await;
    let token = token_for(&app, SECRETARY);
    let units = secretary_units(&app);

    let body = ok(&app, "/api/v1/people?per_page=500", &token).await;
    let in_scope: i64 =
        people::table.filter(people::org_unit_id.eq_any(&units)).count().get_result(&mut *app.conn()).unwrap();
    assert!(in_scope > 0);
    assert_eq!(body["total"], in_scope, "{body}");
    assert_eq!(items(&body).len() as i64, in_scope.min(500));
    assert!(items(&body).iter().all(|p| units.contains(&p["org_unit_id"].as_i64().unwrap())), "only their people");

    // Another chi bộ's people: every id answers 404, as one that does not exist.
    let others: Vec<i64> = people::table
        .filter(people::org_unit_id.ne_all(&units))
        .select(people::id)
        .limit(5)
        .load(&mut *app.conn())
        .unwrap();
    assert!(!others.is_empty());
    for id in others.iter().copied().chain([i64::MAX]) {
        let (status, body) = call(&app, &format!("/api/v1/people/{id}"), Some(&token)).await;
        assert_error(status, &body, StatusCode::NOT_FOUND, "not_found", &format!("person {id}"));
    }
    let own = body["items"][0]["id"].as_i64().unwrap();
    let person = ok(&app, &format!("/api/v1/people/{own}"), &token).await;
    assert_eq!(person["id"], own);

    // Classes: those their people attend; in them, their people's lines only.
    let theirs = classes_with_people_in(&app, &units);
    let body = ok(&app, "/api/v1/classes?per_page=500", &token).await;
    assert_eq!(ids(&body, "id"), theirs, "the classes their people attend");
    let class = *theirs.iter().next().expect("the demo secretary's people attend a class");
    let body = ok(&app, &format!("/api/v1/classes/{class}/enrolments"), &token).await;
    let expected: i64 = enrolments::table
        .inner_join(people::table)
        .filter(enrolments::class_id.eq(class))
        .filter(people::org_unit_id.eq_any(&units))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(items(&body).len() as i64, expected);
    assert!(items(&body).iter().all(|e| units.contains(&e["org_unit_id"].as_i64().unwrap())));
    let all_in_class: i64 =
        enrolments::table.filter(enrolments::class_id.eq(class)).count().get_result(&mut *app.conn()).unwrap();
    assert!(all_in_class > expected, "the class has other chi bộ's learners too, left out");
    let body = ok(&app, &format!("/api/v1/classes/{class}/attendance"), &token).await;
    let line_people: BTreeSet<i64> = ids(&body, "person_id");
    let their_people: BTreeSet<i64> = people::table
        .filter(people::org_unit_id.eq_any(&units))
        .select(people::id)
        .load::<i64>(&mut *app.conn())
        .unwrap()
        .into_iter()
        .collect();
    assert!(!line_people.is_empty() && line_people.is_subset(&their_people));

    // A class none of their people attend answers 404 everywhere.
    let every: Vec<i64> =
        boiduong::db::schema::classes::table.select(boiduong::db::schema::classes::id).load(&mut *app.conn()).unwrap();
    let other = every.into_iter().find(|c| !theirs.contains(c)).expect("a class without their people");
    for suffix in ["", "/sessions", "/enrolments", "/attendance", "/results"] {
        let path = format!("/api/v1/classes/{other}{suffix}");
        let (status, body) = call(&app, &path, Some(&token)).await;
        assert_error(status, &body, StatusCode::NOT_FOUND, "not_found", &path);
    }

    // Certificates are read by staff and by their holders, as on the pages.
    let (status, body) = call(&app, "/api/v1/certificates", Some(&token)).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden", "secretary on certificates");
}

#[tokio::test]
async fn a_learner_token_reads_only_their_own_record() {
    let app = spawn_app().await;
    let token = token_for(&app, LEARNER);
    let me = learner_person(&app);

    let body = ok(&app, "/api/v1/people", &token).await;
    assert_eq!(ids(&body, "id"), BTreeSet::from([me]), "{body}");
    assert_eq!(body["total"], 1);
    ok(&app, &format!("/api/v1/people/{me}"), &token).await;
    let someone: i64 = people::table.filter(people::id.ne(me)).select(people::id).first(&mut *app.conn()).unwrap();
    let (status, body) = call(&app, &format!("/api/v1/people/{someone}"), Some(&token)).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found", "another person");

    let mine: BTreeSet<i64> = enrolments::table
        .filter(enrolments::person_id.eq(me))
        .filter(enrolments::status.eq_any(ON_ROSTER))
        .select(enrolments::class_id)
        .load::<i64>(&mut *app.conn())
        .unwrap()
        .into_iter()
        .collect();
    let body = ok(&app, "/api/v1/classes", &token).await;
    assert_eq!(ids(&body, "id"), mine, "their own classes");
    let class = *mine.iter().next().expect("the demo learner is in a class");
    for suffix in ["/enrolments", "/attendance"] {
        let body = ok(&app, &format!("/api/v1/classes/{class}{suffix}"), &token).await;
        assert_eq!(ids(&body, "person_id"), BTreeSet::from([me]), "{suffix}: their own line only: {body}");
    }
    let body = ok(&app, &format!("/api/v1/classes/{class}/results"), &token).await;
    assert!(items(&body).iter().all(|r| r["person_id"] == me), "{body}");

    // Certificates: their own, and another's reads as not found.
    let body = ok(&app, "/api/v1/certificates", &token).await;
    let held: BTreeSet<i64> = certificates::table
        .filter(certificates::person_id.eq(me))
        .select(certificates::id)
        .load::<i64>(&mut *app.conn())
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(ids(&body, "id"), held);
    let (status, _) = call(&app, &format!("/api/v1/certificates?person_id={someone}"), Some(&token)).await;
    assert_eq!(status, StatusCode::OK, "a filter cannot widen a learner's scope");
    let others: Option<i64> = certificates::table
        .filter(certificates::person_id.ne(me))
        .select(certificates::id)
        .first(&mut *app.conn())
        .optional()
        .unwrap();
    let other = others.expect("the demo has other people's certificates");
    let (status, body) = call(&app, &format!("/api/v1/certificates/{other}"), Some(&token)).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found", "another's certificate");
}

// ---------------------------------------------------------------------------------------------
// Data

#[tokio::test]
async fn each_resource_answers_with_the_data_of_the_database() {
    let app = spawn_app().await;
    let token = token_for(&app, STAFF);
    let mut c = app.conn();

    // A person.
    let (pid, name, born): (i64, String, time::Date) =
        people::table.select((people::id, people::full_name, people::date_of_birth)).first(&mut *c).unwrap();
    let person = ok(&app, &format!("/api/v1/people/{pid}"), &token).await;
    assert_eq!(person["full_name"], name);
    assert_eq!(person["date_of_birth"], born.to_string(), "ISO 8601");
    assert!(person["org_unit"].as_str().unwrap().starts_with("Chi bộ"), "{person}");
    let all: i64 = people::table.count().get_result(&mut *c).unwrap();
    let page2 = ok(&app, "/api/v1/people?page=2&per_page=7", &token).await;
    assert_eq!((page2["total"].as_i64(), page2["page"].as_i64(), items(&page2).len()), (Some(all), Some(2), 7));

    // A class and its sessions.
    let (class, seq, title, starts): (i64, i32, String, time::PrimitiveDateTime) = class_sessions::table
        .order((class_sessions::class_id, class_sessions::seq))
        .select((class_sessions::class_id, class_sessions::seq, class_sessions::title, class_sessions::starts_at))
        .first(&mut *c)
        .unwrap();
    let body = ok(&app, &format!("/api/v1/classes/{class}"), &token).await;
    assert!(body["name"].as_str().unwrap().starts_with("Khóa "), "{body}");
    let n: i64 = class_sessions::table.filter(class_sessions::class_id.eq(class)).count().get_result(&mut *c).unwrap();
    let body = ok(&app, &format!("/api/v1/classes/{class}/sessions"), &token).await;
    assert_eq!(items(&body).len() as i64, n);
    let first = &items(&body)[0];
    assert_eq!((first["seq"].as_i64(), first["title"].as_str()), (Some(i64::from(seq)), Some(title.as_str())));
    let expected = format!("{}T{:02}:{:02}:00+07:00", starts.date(), starts.hour(), starts.minute());
    assert_eq!(first["starts_at"], expected);

    // Enrolments of that class, every status.
    let n: i64 = enrolments::table.filter(enrolments::class_id.eq(class)).count().get_result(&mut *c).unwrap();
    let body = ok(&app, &format!("/api/v1/classes/{class}/enrolments"), &token).await;
    assert_eq!(items(&body).len() as i64, n);

    // A mark in the attendance.
    let (enrolment, session, status, mark_class): (i64, i64, String, i64) = attendance::table
        .inner_join(class_sessions::table.on(class_sessions::id.eq(attendance::session_id)))
        .select((attendance::enrolment_id, attendance::session_id, attendance::status, class_sessions::class_id))
        .first(&mut *c)
        .unwrap();
    let body = ok(&app, &format!("/api/v1/classes/{mark_class}/attendance"), &token).await;
    let line = items(&body).iter().find(|l| l["enrolment_id"] == enrolment).expect("the learner's line");
    let marks = line["marks"].as_array().unwrap();
    assert!(marks.iter().any(|m| m["session_id"] == session && m["status"] == status), "{line}");
    let counted: i64 =
        ["present", "late", "made_up", "excused", "unexcused"].iter().map(|k| line["tally"][k].as_i64().unwrap()).sum();
    assert!(counted <= line["tally"]["sessions"].as_i64().unwrap() && counted > 0, "{line}");

    // A score in the results: a number with one decimal.
    let (enrolment, attempt, tenths, score_class): (i64, i32, i32, i64) = assessments::table
        .inner_join(enrolments::table)
        .filter(assessments::score_tenths.is_not_null())
        .filter(enrolments::status.eq("enrolled"))
        .select((
            assessments::enrolment_id,
            assessments::attempt,
            assessments::score_tenths.assume_not_null(),
            enrolments::class_id,
        ))
        .first(&mut *c)
        .unwrap();
    let body = ok(&app, &format!("/api/v1/classes/{score_class}/results"), &token).await;
    assert_eq!(body["published"], true, "staff read results at any time");
    let line = items(&body).iter().find(|l| l["enrolment_id"] == enrolment).expect("the learner's result");
    let found = line["attempts"].as_array().unwrap().iter().find(|a| a["attempt"] == attempt).expect("the attempt");
    assert_eq!(found["score"].as_f64(), Some(f64::from(tenths) / 10.0), "{line}");
    assert!(found["score"].to_string().contains('.'), "one decimal: {}", found["score"]);

    // A certificate, alone and in its class's list.
    let (cert, number, year, issued, cert_class): (i64, i32, i32, time::Date, i64) = certificates::table
        .select((
            certificates::id,
            certificates::number,
            certificates::year,
            certificates::issued_on,
            certificates::class_id,
        ))
        .first(&mut *c)
        .unwrap();
    let body = ok(&app, &format!("/api/v1/certificates/{cert}"), &token).await;
    assert_eq!(body["register_number"], format!("{number:02}/{year}"));
    assert_eq!(body["issued_on"], issued.to_string());
    assert!(body["verify_url"].as_str().unwrap().contains("/verify/"), "{body}");
    let n: i64 = certificates::table.filter(certificates::class_id.eq(cert_class)).count().get_result(&mut *c).unwrap();
    let body = ok(&app, &format!("/api/v1/certificates?class_id={cert_class}&per_page=500"), &token).await;
    assert_eq!(body["total"], n);
    assert!(ids(&body, "id").contains(&cert));
    let total: i64 = certificates::table.count().get_result(&mut *c).unwrap();
    let body = ok(&app, "/api/v1/certificates?per_page=500", &token).await;
    assert_eq!(body["total"], total);
}

// ---------------------------------------------------------------------------------------------
// Odd input

#[tokio::test]
async fn odd_parameters_answer_400_json_never_500() {
    let app = spawn_app().await;
    let token = token_for(&app, STAFF);
    for path in [
        "/api/v1/people?page=-1",
        "/api/v1/people?page=abc",
        "/api/v1/people?page=0",
        "/api/v1/people?page=99999999999999999999",
        "/api/v1/people?per_page=0",
        "/api/v1/people?per_page=100000",
        "/api/v1/classes?page=1.5",
        "/api/v1/certificates?class_id=abc",
        "/api/v1/certificates?person_id=-4",
        "/api/v1/people/abc",
        "/api/v1/people/-1",
        "/api/v1/people/0",
        "/api/v1/people/99999999999999999999",
        "/api/v1/classes/1e3/sessions",
        "/api/v1/certificates/%F0%9F%98%80",
    ] {
        let (status, body) = call(&app, path, Some(&token)).await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, "bad_request", path);
    }
    // A number that fits but names nothing, and the deepest page: found nothing, not an error.
    let (status, body) = call(&app, &format!("/api/v1/classes/{}", i64::MAX), Some(&token)).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found", "i64::MAX");
    let body = ok(&app, "/api/v1/people?page=1000000&per_page=500", &token).await;
    assert!(items(&body).is_empty());

    let (status, body) = call(&app, "/api/v1/khong-co", Some(&token)).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found", "an unknown API path");
    let client = reqwest::Client::new();
    for method in [reqwest::Method::POST, reqwest::Method::PUT, reqwest::Method::DELETE] {
        let res = client
            .request(method.clone(), format!("{}/api/v1/people", app.base))
            .bearer_auth(&token)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("full_name=X")
            .send()
            .await
            .unwrap();
        let (status, body) = answer(res, method.as_str()).await;
        assert_error(status, &body, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", method.as_str());
    }
    assert_eq!(people::table.filter(people::full_name.eq("X")).count().get_result::<i64>(&mut *app.conn()).unwrap(), 0);
}

// ---------------------------------------------------------------------------------------------
// The OpenAPI document

#[tokio::test]
async fn the_openapi_document_lists_exactly_the_api_routes() {
    let app = spawn_app().await;
    let (status, doc) = call(&app, "/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "OpenAPI 3: {}", doc["openapi"]);

    let routes: BTreeSet<(String, String)> = route_table()
        .into_iter()
        .filter(|s| s.path.starts_with("/api/v1/"))
        .map(|s| (s.method.as_str().to_lowercase(), s.path.to_owned()))
        .collect();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().unwrap() {
            if !["get", "put", "post", "delete", "patch", "head", "options"].contains(&method.as_str()) {
                continue;
            }
            documented.insert((method.clone(), path.clone()));
            assert_eq!(operation["security"][0]["bearer"], serde_json::json!([]), "{method} {path} needs the token");
            for status in ["200", "400", "401", "429", "500"] {
                assert!(operation["responses"][status].is_object(), "{method} {path} documents {status}");
            }
        }
    }
    let missing: Vec<_> = routes.difference(&documented).collect();
    let stale: Vec<_> = documented.difference(&routes).collect();
    assert!(missing.is_empty(), "routes missing from the document: {missing:?}");
    assert!(stale.is_empty(), "documented paths with no route: {stale:?}");
    assert!(routes.len() >= 10);

    let scheme = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!((scheme["type"].as_str(), scheme["scheme"].as_str()), (Some("http"), Some("bearer")), "{scheme}");
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object(), "the error shape is documented");
}

// ---------------------------------------------------------------------------------------------
// The admin page

fn audit_actions(app: &TestApp) -> Vec<String> {
    audit_events::table
        .filter(audit_events::entity.eq("api_token"))
        .order(audit_events::id)
        .select(audit_events::action)
        .load(&mut *app.conn())
        .unwrap()
}

#[tokio::test]
async fn an_admin_issues_a_token_shown_once_and_revokes_it() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let path = "/settings/api-tokens";
    let (status, html) = admin.page(path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(main_text(&html).contains("Khóa API mẫu của giáo vụ"), "the demo's token is listed");
    let before = audit_actions(&app);

    // Nothing typed is lost, and each field says what is wrong.
    let res = admin.post(path, &[("name", "Đồng bộ"), ("user_id", "")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("value=\"Đồng bộ\""), "the name is kept");
    assert!(main_text(&html).contains("Hãy chọn một tài khoản đang hoạt động"), "{}", main_text(&html));
    let res = admin.post(path, &[("name", " "), ("user_id", &app.account_id(SECRETARY).to_string())]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let res = admin
        .post(path, &[("name", "Đồng bộ CSDL đảng viên"), ("user_id", &app.account_id(SECRETARY).to_string())])
        .await;
    assert_redirect(&res, path);
    let (_, html) = admin.page(path).await;
    let start = html.find("value=\"bd_").expect("the new token is shown") + "value=\"".len();
    let token = &html[start..start + html[start..].find('"').unwrap()];
    assert!(main_text(&html).contains("chỉ hiện một lần"), "{}", main_text(&html));
    let (_, again) = admin.page(path).await;
    assert!(!again.contains(token), "shown once only");
    assert!(again.contains(&token[..11]), "then only its prefix");
    let stored: String =
        api_tokens::table.order(api_tokens::id.desc()).select(api_tokens::token_hash).first(&mut *app.conn()).unwrap();
    assert_eq!(stored, tokens::hash(token), "only the hash is stored");

    // It acts as the secretary.
    let body = ok(&app, "/api/v1/people?per_page=500", token).await;
    let units = secretary_units(&app);
    assert!(items(&body).iter().all(|p| units.contains(&p["org_unit_id"].as_i64().unwrap())));

    let id: i64 =
        api_tokens::table.order(api_tokens::id.desc()).select(api_tokens::id).first(&mut *app.conn()).unwrap();
    let res = admin.post(&format!("{path}/{id}/revoke"), &[]).await;
    assert_redirect(&res, path);
    let (_, html) = admin.page(path).await;
    assert!(main_text(&html).contains("Đã thu hồi khóa API"), "{}", main_text(&html));
    let (status, body) = call(&app, "/api/v1/people", Some(token)).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized", "a revoked token");
    let res = admin.post(&format!("{path}/{id}/revoke"), &[]).await;
    assert_redirect(&res, path);
    let (_, html) = admin.page(path).await;
    assert!(main_text(&html).contains("đã được thu hồi trước đó"), "{}", main_text(&html));

    let after = audit_actions(&app);
    assert_eq!(&after[before.len()..], ["create", "revoke"], "issuing and revoking are audited");

    // Only admins manage tokens.
    let (status, _) = app.login(STAFF).await.page(path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_readiness_of_a_person_answers_as_the_dossier_page_computes_it_within_scope() {
    let app = spawn_app().await;
    let units = secretary_units(&app);
    let in_cell: Vec<(i64, String)> = people::table
        .filter(people::org_unit_id.eq_any(&units))
        .filter(people::status.eq("candidate"))
        .select((people::id, people::full_name))
        .load(&mut *app.conn())
        .unwrap();
    let outsider: i64 =
        people::table.filter(people::org_unit_id.ne_all(&units)).select(people::id).first(&mut *app.conn()).unwrap();
    let today = app.config.clock.today();
    let secretary = token_for(&app, SECRETARY);
    for (id, _) in in_cell.iter().take(5) {
        let body = ok(&app, &format!("/api/v1/people/{id}/readiness"), &secretary).await;
        let expected =
            boiduong::store::readiness::checklist(&mut app.conn(), &Scope::Units(units.clone()), *id, today).unwrap();
        assert_eq!(body["person_id"], *id);
        assert_eq!(body["path"], "admission");
        assert_eq!(body["missing"], expected.computed.missing);
        let steps = body["steps"].as_array().unwrap();
        assert_eq!(steps.len(), expected.computed.rows.len());
        let certificate = steps.iter().find(|s| s["code"] == "awareness_certificate").expect("the certificate row");
        assert_eq!(certificate["computed"], true, "the certificate row is never ticked by hand");
        assert_eq!(
            steps.iter().filter(|s| s["state"] == "missing").count(),
            expected.computed.rows.iter().filter(|r| r.state == boiduong::domain::readiness::RowState::Missing).count()
        );
    }
    let (status, body) = call(&app, &format!("/api/v1/people/{outsider}/readiness"), Some(&secretary)).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found", "another chi bộ's person");

    let learner = token_for(&app, LEARNER);
    let own = learner_person(&app);
    let body = ok(&app, &format!("/api/v1/people/{own}/readiness"), &learner).await;
    assert_eq!(body["person_id"], own);
    let (status, body) = call(&app, &format!("/api/v1/people/{}/readiness", in_cell[0].0), Some(&learner)).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found", "another learner's dossier");
    let (status, body) = call(&app, &format!("/api/v1/people/{own}/readiness"), None).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized", "no token");
}
