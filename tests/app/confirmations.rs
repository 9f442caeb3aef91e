//! The chi bộ's confirmation of completion: a secretary sees, confirms and withdraws only their
//! own people's (another's answers 404, even by a guessed id), a withdrawal needs a reason,
//! both are in the audit log, and staff see on the class who is confirmed and which chi bộ
//! have not answered.

use boiduong::db::schema::{audit_events, certificates, enrolments, people};
use boiduong::store::confirmations;
use boiduong::store::orgs::{UnitTree, scope_for};
use diesel::prelude::*;
use reqwest::StatusCode;

use crate::helpers::*;

/// The secretary's scope and their lines, straight from the store.
fn secretary_lines(app: &TestApp) -> (boiduong::store::Scope, Vec<confirmations::Line>) {
    let mut c = app.conn();
    let account = boiduong::store::users::account(&mut c, app.account_id(SECRETARY)).unwrap();
    let scope = scope_for(&mut c, &account).unwrap();
    let lines = confirmations::of_scope(&mut c, &scope).unwrap();
    (scope, lines)
}

/// An enrolment with a valid certificate whose person is outside the secretary's units.
fn foreign_enrolment(app: &TestApp, scope: &boiduong::store::Scope) -> i64 {
    let rows: Vec<(i64, i64)> = certificates::table
        .inner_join(people::table)
        .filter(certificates::status.eq("valid"))
        .select((certificates::enrolment_id, people::org_unit_id))
        .load(&mut app.conn())
        .unwrap();
    rows.into_iter().find(|(_, unit)| !scope.allows(*unit)).expect("the demo has certificates of other chi bộ").0
}

/// Text as the page escapes it (Ê Đê names have apostrophes: "H'Hen").
pub fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('\'', "&#x27;").replace('"', "&quot;").replace('=', "&#x3D;")
}

fn confirmation_of(app: &TestApp, id: i64) -> (Option<time::PrimitiveDateTime>, Option<String>) {
    enrolments::table
        .find(id)
        .select((enrolments::confirmed_at, enrolments::confirmation_note))
        .first(&mut app.conn())
        .unwrap()
}

fn audit_actions(app: &TestApp, id: i64) -> Vec<(String, Option<String>)> {
    audit_events::table
        .filter(audit_events::entity.eq("enrolment"))
        .filter(audit_events::entity_id.eq(id))
        .filter(audit_events::action.like("%confirm%"))
        .order(audit_events::id.asc())
        .select((audit_events::action, audit_events::reason))
        .load(&mut app.conn())
        .unwrap()
}

#[tokio::test]
async fn a_secretary_cannot_see_or_confirm_another_chi_bos_people_even_by_guessing_ids() {
    let app = spawn_app().await;
    let (scope, lines) = secretary_lines(&app);
    assert!(!lines.is_empty(), "the demo secretary has people with certificates");
    let other = foreign_enrolment(&app, &scope);
    let secretary = app.login(SECRETARY).await;

    let (status, html) = secretary.page("/confirmations").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("/confirmations/{}/", lines[0].enrolment_id)), "their own person has a form");
    assert!(!html.contains(&format!("/confirmations/{other}/")), "another chi bộ's person is not listed");

    let res = secretary.post(&format!("/confirmations/{other}/confirm"), &[("note", "")]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = secretary.post(&format!("/confirmations/{other}/withdraw"), &[("reason", "")]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "even a refused form does not reveal the row");
    let res = secretary.post(&format!("/confirmations/{other}/withdraw"), &[("reason", "thử")]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = secretary.post("/confirmations/999999/confirm", &[("note", "")]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(confirmation_of(&app, other).0, None, "nothing changed");
    assert!(audit_actions(&app, other).is_empty());

    // The class page of confirmations is staff's, not the secretary's.
    let class = lines[0].class_id;
    let (status, _) = secretary.page(&format!("/classes/{class}/confirmations")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn confirming_and_withdrawing_round_trip_with_the_audit_log_and_staff_see_who_has_not_answered() {
    let app = spawn_app().await;
    let (_, lines) = secretary_lines(&app);
    let line = lines.iter().find(|l| !l.confirmed()).expect("the demo leaves someone to confirm").clone();
    let id = line.enrolment_id;
    // The demo may have confirmed and withdrawn this one already: only what follows counts.
    let logged_before = audit_actions(&app, id).len();
    let secretary = app.login(SECRETARY).await;

    let res = secretary.post(&format!("/confirmations/{id}/confirm"), &[("note", "  Đã nhận bản chính  ")]).await;
    assert_redirect(&res, "/confirmations");
    let (at, note) = confirmation_of(&app, id);
    assert!(at.is_some());
    assert_eq!(note.as_deref(), Some("Đã nhận bản chính"));
    let (_, html) = secretary.page("/confirmations").await;
    assert!(main_text(&html).contains("Đã xác nhận hoàn thành."), "the flash says so");
    assert!(main_text(&html).contains("Ghi chú: Đã nhận bản chính"));

    // Twice: refused with a message, nothing lost.
    let res = secretary.post(&format!("/confirmations/{id}/confirm"), &[("note", "lần hai")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("Người này đã được xác nhận rồi."));

    // Staff see the learner confirmed on the class.
    let staff = app.login(STAFF).await;
    let (status, html) = staff.page(&format!("/classes/{}/confirmations", line.class_id)).await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&html);
    assert!(text.contains(&escaped(&line.full_name)));
    assert!(text.contains("Đã xác nhận"));

    // A withdrawal needs a reason.
    let res = secretary.post(&format!("/confirmations/{id}/withdraw"), &[("reason", "   ")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("Nhập lý do rút xác nhận."));
    assert!(confirmation_of(&app, id).0.is_some(), "still confirmed");

    let res = secretary.post(&format!("/confirmations/{id}/withdraw"), &[("reason", "Xác nhận nhầm người")]).await;
    assert_redirect(&res, "/confirmations");
    assert_eq!(confirmation_of(&app, id), (None, None));
    assert_eq!(
        audit_actions(&app, id)[logged_before..],
        [
            ("confirm_completion".to_owned(), None),
            ("withdraw_confirmation".to_owned(), Some("Xác nhận nhầm người".to_owned()))
        ]
    );
    // Withdrawing again: nothing to withdraw.
    let res = secretary.post(&format!("/confirmations/{id}/withdraw"), &[("reason", "lần nữa")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The learner's chi bộ is now among those that have not answered.
    let label = UnitTree::load(&mut app.conn())
        .unwrap()
        .label(people::table.find(line.person_id).select(people::org_unit_id).first::<i64>(&mut app.conn()).unwrap());
    let (_, html) = staff.page(&format!("/classes/{}/confirmations", line.class_id)).await;
    let text = main_text(&html);
    let unanswered =
        &text[text.find("Chi bộ chưa trả lời").unwrap()..text.find("Học viên có giấy chứng nhận").unwrap()];
    assert!(unanswered.contains(&escaped(&label)), "{label} in {unanswered}");
}

/// For the browser walk: two people of the secretary's chi bộ with a valid certificate in the
/// latest class, one confirmed, so the page shows both forms on a phone.
pub async fn browser_fixture(app: &TestApp) {
    use boiduong::db::schema::classes;
    let mut c = app.conn();
    let actor = boiduong::store::audit::Actor::system("kiểm thử");
    let account = boiduong::store::users::account(&mut c, app.account_id(SECRETARY)).unwrap();
    let cell = account.secretary_units[0];
    let (class, program, issuer, first_day): (i64, i64, i64, time::Date) = classes::table
        .order(classes::id.desc())
        .select((classes::id, classes::program_id, classes::issuer_id, classes::first_day))
        .first(&mut c)
        .unwrap();
    let people_of_cell: Vec<i64> = people::table
        .filter(people::org_unit_id.eq(cell))
        .order(people::id.desc())
        .select(people::id)
        .limit(2)
        .load(&mut c)
        .unwrap();
    for (i, person) in people_of_cell.iter().enumerate() {
        boiduong::store::enrolments::enrol(&mut c, &actor, class, *person, "staff", first_day).unwrap();
        let enrolment = boiduong::store::enrolments::of_person_in_class(&mut c, *person, class).unwrap().unwrap().id;
        diesel::insert_into(certificates::table)
            .values((
                certificates::issuer_id.eq(issuer),
                certificates::year.eq(first_day.year()),
                certificates::number.eq(900 + i as i32),
                certificates::code.eq(format!("BROWSERWALK{i:05}")),
                certificates::enrolment_id.eq(enrolment),
                certificates::person_id.eq(person),
                certificates::class_id.eq(class),
                certificates::program_id.eq(program),
                certificates::issued_on.eq(first_day + time::Duration::days(20)),
                certificates::status.eq("valid"),
                certificates::snapshot_json.eq("{}"),
                certificates::pdf.eq(Vec::<u8>::new()),
                certificates::sha256.eq(""),
                certificates::created_at.eq(boiduong::domain::dates::now()),
            ))
            .execute(&mut c)
            .unwrap();
        if i == 0 {
            diesel::update(enrolments::table.find(enrolment))
                .set((
                    enrolments::confirmed_at.eq(boiduong::domain::dates::now()),
                    enrolments::confirmed_by.eq(account.user.id),
                    enrolments::confirmation_note.eq("Đã nhận bản chính"),
                ))
                .execute(&mut c)
                .unwrap();
        }
    }
}
