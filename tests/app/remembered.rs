//! Pages and accounts kept while the database stands still (`web::remembered`): whatever
//! changes the rows — a handler, a second server, the command line writing the file — shows on
//! the very next request, and nobody is ever shown a page kept for somebody else.

use boiduong::db::schema::{people, secretary_units, user_roles, users};
use diesel::prelude::*;
use reqwest::StatusCode;

use crate::helpers::*;

fn person_of(app: &TestApp, email: &str) -> i64 {
    users::table
        .filter(users::email.eq(email))
        .select(users::person_id)
        .first::<Option<i64>>(&mut app.conn())
        .unwrap()
        .unwrap()
}

fn rename(app: &TestApp, person: i64, name: &str) {
    diesel::update(people::table.find(person)).set(people::full_name.eq(name)).execute(&mut app.conn()).unwrap();
}

#[tokio::test]
async fn a_page_seen_before_shows_a_change_written_outside_the_server_at_once() {
    let app = spawn_app().await;
    let learner = app.login(LEARNER).await;
    let person = person_of(&app, LEARNER);
    for path in ["/", "/me/results", "/me/certificates"] {
        // Twice: the second answer may come from what was kept.
        let (_, first) = learner.page(path).await;
        let (status, again) = learner.page(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(main_text(&first), main_text(&again), "{path}: nothing changed in between");
    }
    // The test's own pool is another connection to the file, as the command line would be.
    rename(&app, person, "Hoàng Thị Đổi Tên");
    let (_, home) = learner.page("/").await;
    assert!(main_text(&home).contains("Hoàng Thị Đổi Tên"), "{}", main_text(&home));

    // Staff's list of the learner's unit, the same way.
    let unit: i64 = people::table.find(person).select(people::org_unit_id).first(&mut app.conn()).unwrap();
    let staff = app.login(STAFF).await;
    let list = format!("/people?unit={unit}");
    for _ in 0..2 {
        let (_, before) = staff.page(&list).await;
        assert!(main_text(&before).contains("Hoàng Thị Đổi Tên"), "{}", main_text(&before));
    }
    rename(&app, person, "Hoàng Thị Đổi Lần Hai");
    let (_, after) = staff.page(&list).await;
    let after = main_text(&after);
    assert!(!after.contains("Hoàng Thị Đổi Tên") && after.contains("Hoàng Thị Đổi Lần Hai"), "{after}");
}

#[tokio::test]
async fn a_role_taken_away_outside_the_server_is_gone_on_the_next_request() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let id = app.account_id(STAFF);
    for _ in 0..2 {
        assert_eq!(staff.page("/people").await.0, StatusCode::OK);
    }
    // A write to anything but accounts keeps the account (its own counter stands still)...
    rename(&app, person_of(&app, LEARNER), "Hoàng Thị Không Liên Quan");
    assert_eq!(staff.page("/people").await.0, StatusCode::OK);
    // ...and a role taken away is gone all the same.
    diesel::delete(user_roles::table.filter(user_roles::user_id.eq(id))).execute(&mut app.conn()).unwrap();
    let (status, _) = staff.page("/people").await;
    assert!(matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{status}");

    // A secretary's chi bộ taken away: its people are out of reach at once.
    let secretary = app.login(SECRETARY).await;
    let learner = format!("/people/{}", person_of(&app, LEARNER));
    for _ in 0..2 {
        assert_eq!(secretary.page(&learner).await.0, StatusCode::OK);
    }
    let secretary_id = app.account_id(SECRETARY);
    let units: Vec<i64> = secretary_units::table
        .filter(secretary_units::user_id.eq(secretary_id))
        .select(secretary_units::org_unit_id)
        .load(&mut app.conn())
        .unwrap();
    diesel::delete(secretary_units::table.filter(secretary_units::user_id.eq(secretary_id)))
        .execute(&mut app.conn())
        .unwrap();
    assert_eq!(secretary.page(&learner).await.0, StatusCode::NOT_FOUND);
    for unit in units {
        diesel::insert_into(secretary_units::table)
            .values((secretary_units::user_id.eq(secretary_id), secretary_units::org_unit_id.eq(unit)))
            .execute(&mut app.conn())
            .unwrap();
    }
    assert_eq!(secretary.page(&learner).await.0, StatusCode::OK, "given back, the same way");

    // Deactivated the same way: logged out at once, though the home page was just seen.
    for _ in 0..2 {
        assert_eq!(secretary.page("/").await.0, StatusCode::OK);
    }
    diesel::update(users::table.filter(users::email.eq(SECRETARY)))
        .set(users::active.eq(false))
        .execute(&mut app.conn())
        .unwrap();
    let res = secretary.get("/").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/login"), "{}", location(&res));
}

#[tokio::test]
async fn the_same_address_answers_each_account_and_session_with_its_own_page() {
    let app = spawn_app().await;
    let first = app.login(LEARNER).await;
    let (_, mine) = first.page("/me/results").await;
    let (_, mine_again) = first.page("/me/results").await;
    // Another session of the same account has a CSRF token of its own in every form.
    let phone = app.login(LEARNER).await;
    let (_, on_phone) = phone.page("/me/results").await;
    assert_eq!(csrf_in(&mine), csrf_in(&mine_again));
    assert_ne!(csrf_in(&mine), csrf_in(&on_phone), "a page kept for another session was served");
    assert_eq!(csrf_in(&on_phone), Some(phone.csrf().await));

    // Staff and a secretary open the same address and see their own scope.
    let staff = app.login(STAFF).await;
    let secretary = app.login(SECRETARY).await;
    let (_, staff_home) = staff.page("/").await;
    let (_, secretary_home) = secretary.page("/").await;
    let (_, secretary_again) = secretary.page("/").await;
    assert_ne!(main_text(&staff_home), main_text(&secretary_home));
    assert_eq!(main_text(&secretary_home), main_text(&secretary_again));
}
