//! Nominations end to end: a secretary sends people of their chi bộ to a class, staff approve,
//! reject with a reason or put them on the waiting list, each decision reaches the secretary by
//! email, an approved learner gets an account and an invitation, the class's capacity holds,
//! and a learner is withdrawn with a reason. A secretary sees and sends only their own people.

use std::sync::atomic::{AtomicU32, Ordering};

use boiduong::db::schema::{assessments, classes as classes_table};
use boiduong::domain::enrolment::EnrolmentStatus;
use boiduong::store::audit::Actor;
use boiduong::store::classes::{self, ClassInput};
use boiduong::store::enrolments;
use boiduong::store::issuers::{self, IssuerInput};
use boiduong::store::venues::{self, VenueInput};
use boiduong::store::{Scope, people, programs, users};
use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl, TextExpressionMethods};
use reqwest::StatusCode;
use time::macros::date;

use crate::helpers::*;

static NEXT: AtomicU32 = AtomicU32::new(1);

/// A class of the program (`"NTVD"` or `"DVM"`) with this capacity, put straight into `status`
/// (its sessions do not matter here).
pub fn class_with_status(app: &TestApp, program: &str, capacity: i32, status: &str) -> i64 {
    let mut c = app.conn();
    let actor = Actor::system("kiểm thử");
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let venue = venues::create_venue(
        &mut c,
        &actor,
        &VenueInput {
            name: format!("Cơ sở kiểm thử {n}"),
            address: "Tuy Hòa".into(),
            place: "Tuy Hòa".into(),
            active: true,
        },
    )
    .unwrap();
    let issuer = issuers::create(
        &mut c,
        &actor,
        &IssuerInput {
            kind: "school".into(),
            superior_name: "TỈNH ỦY ĐẮK LẮK".into(),
            name: format!("TRƯỜNG CHÍNH TRỊ (kiểm thử {n})"),
            org_unit_id: None,
            place: "Tuy Hòa".into(),
            signer_delegation: "KT. HIỆU TRƯỞNG".into(),
            signer_title: "PHÓ HIỆU TRƯỞNG".into(),
            signer_name: "Trần Văn Thành".into(),
            active: true,
        },
    )
    .unwrap();
    let program_id = programs::all(&mut c).unwrap().into_iter().find(|p| p.code == program).unwrap().id;
    let id = classes::create(
        &mut c,
        &actor,
        &ClassInput {
            program_id,
            year: 2027,
            ordinal: 1,
            issuer_id: issuer,
            co_org_unit_id: None,
            venue_id: venue,
            first_day: date!(2027 - 03 - 15),
            last_day: date!(2027 - 03 - 19),
            capacity,
            opening_decision_no: String::new(),
            opening_decision_date: None,
            signer_delegation: "KT. HIỆU TRƯỞNG".into(),
            signer_title: "PHÓ HIỆU TRƯỞNG".into(),
            signer_name: "Trần Văn Thành".into(),
        },
    )
    .unwrap();
    set_class_status(app, id, status);
    id
}

pub fn set_class_status(app: &TestApp, id: i64, status: &str) {
    diesel::update(classes_table::table.find(id))
        .set(classes_table::status.eq(status))
        .execute(&mut app.conn())
        .unwrap();
}

/// Candidates of a chi bộ (by name) with an email and no account, and not yet sent anywhere.
pub fn fresh_candidates(app: &TestApp, cell_name: &str, n: usize) -> Vec<people::Person> {
    let mut c = app.conn();
    let tree = boiduong::store::orgs::UnitTree::load(&mut c).unwrap();
    let cell = tree.units().iter().find(|u| u.name == cell_name).unwrap().id;
    let listed = enrolments::to_train(&mut c, &Scope::Units(vec![cell])).unwrap();
    let mut out = Vec::new();
    for p in listed.into_iter().filter(|p| p.status == "candidate") {
        let person = people::find(&mut c, &Scope::All, p.id).unwrap();
        let free = person.email.as_deref().is_some_and(|e| users::find_by_email(&mut c, e).unwrap().is_none())
            && enrolments::of_person(&mut c, p.id).unwrap().is_empty();
        if free {
            out.push(person);
        }
        if out.len() == n {
            break;
        }
    }
    assert_eq!(out.len(), n, "the demo has {n} fresh candidates in {cell_name}");
    out
}

fn status_of(app: &TestApp, class: i64, person: i64) -> EnrolmentStatus {
    enrolments::of_person_in_class(&mut app.conn(), person, class).unwrap().unwrap().status()
}

fn enrolment_id(app: &TestApp, class: i64, person: i64) -> i64 {
    enrolments::of_person_in_class(&mut app.conn(), person, class).unwrap().unwrap().id
}

/// The text of the email to `to` whose subject contains `subject`, waiting for the worker.
async fn email_about(app: &TestApp, to: &str, subject: &str) -> String {
    for _ in 0..200 {
        for path in app.outbox_files() {
            let raw = std::fs::read(&path).unwrap_or_default();
            let Some(message) = mail_parser::MessageParser::default().parse(&raw) else { continue };
            let addressed = message.to().and_then(|a| a.first()).and_then(|a| a.address()) == Some(to);
            if addressed && message.subject().is_some_and(|s| s.contains(subject)) {
                return message.body_text(0).unwrap().to_string();
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no email to {to} about {subject:?}");
}

async fn nominate(browser: &Browser, class: i64, people: &[i64]) -> reqwest::Response {
    let class = class.to_string();
    let ids: Vec<String> = people.iter().map(i64::to_string).collect();
    let mut fields = vec![("program", "NTVD"), ("class", class.as_str())];
    fields.extend(ids.iter().map(|id| ("person", id.as_str())));
    browser.post("/nominations", &fields).await
}

async fn decide(browser: &Browser, class: i64, enrolment: i64, decision: &str, reason: &str) -> reqwest::Response {
    browser
        .post(
            &format!("/classes/{class}/enrolments/{enrolment}/decision"),
            &[("decision", decision), ("reason", reason)],
        )
        .await
}

#[tokio::test]
async fn a_nomination_is_decided_and_the_secretary_hears_of_each_decision() {
    let app = spawn_app().await;
    let class = class_with_status(&app, "NTVD", 2, "nominating");
    let [a, b, c]: [people::Person; 3] = fresh_candidates(&app, "Chi bộ Trường THPT Chu Văn An", 3).try_into().unwrap();
    let secretary = app.login(SECRETARY).await;

    let (status, page) = secretary.page("/nominations").await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&page);
    assert!(text.contains("Quần chúng ưu tú cần học lớp bồi dưỡng nhận thức về Đảng"), "{text}");
    assert!(text.contains(&a.full_name) && text.contains("Chưa cử đi học"), "{text}");
    assert!(page.contains(&format!("value=\"{class}\"")), "the class is offered");
    assert!(text.contains("còn 2 chỗ"), "places left: {text}");

    let res = nominate(&secretary, class, &[a.id, b.id, c.id]).await;
    assert_redirect(&res, "/nominations");
    let (_, page) = secretary.page("/nominations").await;
    assert!(main_text(&page).contains("Đã cử 3 người đi học"), "{}", main_text(&page));
    assert!(main_text(&page).contains("Chờ duyệt — Khóa I năm 2027"));
    for p in [&a, &b, &c] {
        assert_eq!(status_of(&app, class, p.id), EnrolmentStatus::Nominated);
    }
    // Sending the same person again is refused, and nothing else changes.
    let res = nominate(&secretary, class, &[a.id]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("đã được đề nghị hoặc đã ghi danh vào lớp này"));

    let staff = app.login(STAFF).await;
    let (status, roster) = staff.page(&format!("/classes/{class}/roster")).await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&roster);
    assert!(text.contains("Đề nghị chờ duyệt") && text.contains(&c.full_name.replace('\'', "&#x27;")), "{text}");
    assert!(text.contains("Nguyễn Văn Bình"), "who nominated is shown: {text}");

    // A rejection needs its reason; the page says so at the row and keeps nothing.
    let (ea, eb, ec) =
        (enrolment_id(&app, class, a.id), enrolment_id(&app, class, b.id), enrolment_id(&app, class, c.id));
    let res = decide(&staff, class, ec, "reject", "  ").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(body.contains("aria-invalid=\"true\"") && main_text(&body).contains("Hãy ghi lý do."));
    assert_eq!(status_of(&app, class, c.id), EnrolmentStatus::Nominated);

    // Approve A: enrolled, an account and its invitation, and the secretary's email.
    let res = decide(&staff, class, ea, "approve", "").await;
    assert_redirect(&res, &format!("/classes/{class}/roster"));
    assert_eq!(status_of(&app, class, a.id), EnrolmentStatus::Enrolled);
    let email = a.email.clone().unwrap();
    let account = users::find_by_email(&mut app.conn(), &email).unwrap().expect("a learner account");
    assert_eq!(account.person_id, Some(a.id));
    let roles = users::roles_of(&mut app.conn(), account.id).unwrap();
    assert_eq!(roles, vec![boiduong::domain::role::Role::Learner]);
    let invitation = app.wait_for_file_to(&email, 10).await;
    assert!(String::from_utf8_lossy(&invitation).contains("/invite/"), "the invitation carries its link");
    let told = email_about(&app, SECRETARY, &format!("Đã duyệt đề nghị cử đi học: {}", a.full_name)).await;
    assert!(told.contains("Kính gửi đồng chí Nguyễn Văn Bình"), "{told}");
    assert!(told.contains("Lớp bồi dưỡng nhận thức về Đảng khóa I năm 2027") && told.contains("15/03/2027"), "{told}");

    // Waitlist B and reject C with a reason: one email each, the reason in C's.
    assert_redirect(&decide(&staff, class, eb, "waitlist", "").await, &format!("/classes/{class}/roster"));
    assert_eq!(status_of(&app, class, b.id), EnrolmentStatus::Waitlisted);
    email_about(&app, SECRETARY, &format!("danh sách chờ: {}", b.full_name)).await;
    let reason = "Chưa đủ 18 tuổi vào ngày khai giảng";
    assert_redirect(&decide(&staff, class, ec, "reject", reason).await, &format!("/classes/{class}/roster"));
    assert_eq!(status_of(&app, class, c.id), EnrolmentStatus::Rejected);
    let told = email_about(&app, SECRETARY, &format!("không được duyệt: {}", c.full_name)).await;
    assert!(told.contains(&format!("Lý do: {reason}")), "{told}");
    // A decision taken twice (a double click) is refused and sends nothing more.
    let res = decide(&staff, class, ec, "reject", reason).await;
    assert_redirect(&res, &format!("/classes/{class}/roster"));
    let keys: i64 = {
        use boiduong::db::schema::outbox::dsl::*;
        outbox
            .filter(message_key.like(format!("nomination-decision:{ec}:%")))
            .count()
            .get_result(&mut app.conn())
            .unwrap()
    };
    assert_eq!(keys, 1, "one message per decision");

    // The secretary reads the decisions with the reason.
    let (_, page) = secretary.page("/nominations").await;
    let text = main_text(&page);
    assert!(text.contains(reason) && text.contains("Danh sách chờ — Khóa I năm 2027"), "{text}");

    // Capacity 2: B from the waiting list fills the class; C, nominated again, cannot be approved.
    assert_redirect(&decide(&staff, class, eb, "approve", "").await, &format!("/classes/{class}/roster"));
    assert_redirect(&nominate(&secretary, class, &[c.id]).await, "/nominations");
    let res = decide(&staff, class, ec, "approve", "").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("Lớp đã đủ sĩ số"));
    assert_eq!(status_of(&app, class, c.id), EnrolmentStatus::Nominated);
    assert_eq!(enrolments::enrolled_count(&mut app.conn(), class).unwrap(), 2);

    // Withdraw A with a reason: the place frees, the secretary hears of it.
    let path = format!("/classes/{class}/enrolments/{ea}/withdraw");
    let (status, form) = staff.page(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(main_text(&form).contains(&a.full_name));
    let res = staff.post(&path, &[("reason", "")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(status_of(&app, class, a.id), EnrolmentStatus::Enrolled);
    let res = staff.post(&path, &[("reason", "Chuyển công tác ra ngoài tỉnh")]).await;
    assert_redirect(&res, &format!("/classes/{class}/roster"));
    let withdrawn = enrolments::of_person_in_class(&mut app.conn(), a.id, class).unwrap().unwrap();
    assert_eq!(withdrawn.status(), EnrolmentStatus::Withdrawn);
    assert_eq!(withdrawn.reason.as_deref(), Some("Chuyển công tác ra ngoài tỉnh"));
    let told = email_about(&app, SECRETARY, &format!("rút khỏi lớp: {}", a.full_name)).await;
    assert!(told.contains("Lý do: Chuyển công tác ra ngoài tỉnh"), "{told}");
    assert_redirect(&decide(&staff, class, ec, "approve", "").await, &format!("/classes/{class}/roster"));
    assert_eq!(status_of(&app, class, c.id), EnrolmentStatus::Enrolled, "the freed place is taken");

    let (_, roster) = staff.page(&format!("/classes/{class}/roster")).await;
    let text = main_text(&roster);
    assert!(text.contains("DANH SÁCH HỌC VIÊN") || text.contains("Danh sách học viên"), "{text}");
    assert!(text.contains("2/2") && text.contains("Chuyển công tác ra ngoài tỉnh"), "{text}");
}

#[tokio::test]
async fn a_secretary_sees_and_nominates_only_the_people_of_their_own_chi_bo() {
    let app = spawn_app().await;
    let class = class_with_status(&app, "NTVD", 40, "nominating");
    let own = fresh_candidates(&app, "Chi bộ Trường THPT Chu Văn An", 1).remove(0);
    let other = fresh_candidates(&app, "Chi bộ Sở Y tế", 1).remove(0);
    let secretary = app.login(SECRETARY).await;

    let (_, page) = secretary.page("/nominations").await;
    assert!(!page.contains(&format!("value=\"{}\"", other.id)), "another chi bộ's person is not offered");
    assert!(!main_text(&page).contains("Chi bộ thôn 1"), "another chi bộ's nominations are not shown");

    // Guessing another chi bộ's person: 404, alone or among one's own, and nothing is made.
    let res = nominate(&secretary, class, &[other.id]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = nominate(&secretary, class, &[own.id, other.id]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = nominate(&secretary, class, &[987_654]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "a person who does not exist reads the same");
    assert!(enrolments::of_person(&mut app.conn(), own.id).unwrap().is_empty());
    assert!(enrolments::of_person(&mut app.conn(), other.id).unwrap().is_empty());

    // Staff's pages and decisions are not a secretary's.
    let staff_made = {
        let actor = Actor::system("kiểm thử");
        enrolments::nominate(&mut app.conn(), &actor, &Scope::All, class, &[other.id], boiduong::domain::dates::now())
            .unwrap()
            .unwrap()[0]
    };
    for path in [format!("/classes/{class}/roster"), format!("/classes/{class}/import")] {
        assert_eq!(secretary.get(&path).await.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let res = decide(&secretary, class, staff_made, "approve", "").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(status_of(&app, class, other.id), EnrolmentStatus::Nominated);

    // A class not taking nominations, and a program that is not the person's, are refused.
    let draft = class_with_status(&app, "NTVD", 40, "draft");
    let res = nominate(&secretary, draft, &[own.id]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("lớp này hiện không nhận đề nghị"));
    let dvm = class_with_status(&app, "DVM", 40, "nominating");
    let res = nominate(&secretary, dvm, &[own.id]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = main_text(&res.text().await.unwrap());
    assert!(body.contains(&own.full_name) && body.contains("không thuộc đối tượng"), "{body}");
    assert!(enrolments::of_person(&mut app.conn(), own.id).unwrap().is_empty());
    let res = secretary.post("/nominations", &[("class", &class.to_string())]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("Hãy đánh dấu ít nhất một người."));
}

#[tokio::test]
async fn who_needs_the_awareness_course_follows_valid_unexpired_certificates() {
    let app = spawn_app().await;
    let actor = Actor::system("kiểm thử");
    let [passed, failed]: [people::Person; 2] =
        fresh_candidates(&app, "Chi bộ Trường THPT Chu Văn An", 2).try_into().unwrap();
    let done = class_with_status(&app, "NTVD", 40, "closed");
    let program = programs::all(&mut app.conn()).unwrap().into_iter().find(|p| p.code == "NTVD").unwrap().id;
    for (person, score) in [(&passed, 75), (&failed, 30)] {
        enrolments::enrol(&mut app.conn(), &actor, done, person.id, enrolments::SOURCE_STAFF, date!(2027 - 03 - 15))
            .unwrap();
        let enrolment = enrolment_id(&app, done, person.id);
        diesel::insert_into(assessments::table)
            .values((
                assessments::enrolment_id.eq(enrolment),
                assessments::attempt.eq(1),
                assessments::outcome.eq("scored"),
                assessments::score_tenths.eq(score),
                assessments::entered_at.eq(boiduong::domain::dates::now()),
            ))
            .execute(&mut app.conn())
            .unwrap();
    }
    // Completing the course is holding its certificate: none yet, then the one issued to who
    // passed, until it expires (60 months to the day) or is revoked.
    let today = app.config.clock.today();
    let completed =
        |on: time::Date| enrolments::completed(&mut app.conn(), program, &[passed.id, failed.id], on).unwrap();
    assert!(completed(today).is_empty(), "passing without a certificate is not completing");
    let ctx = boiduong::store::certificates::IssueContext {
        actor: &actor,
        public_url: "http://127.0.0.1",
        message_id_domain: "boiduong.test",
        today,
        now: boiduong::domain::dates::now(),
    };
    let issued = boiduong::store::certificates::issue(&mut app.conn(), &ctx, done).unwrap();
    assert_eq!(issued.new.len(), 1);
    assert_eq!(completed(today).into_iter().collect::<Vec<_>>(), vec![passed.id]);
    let expires = issued.new[0].expires_on.expect("an awareness certificate expires");
    assert_eq!(completed(expires - time::Duration::days(1)).into_iter().collect::<Vec<_>>(), vec![passed.id]);
    assert!(completed(expires).is_empty(), "expired on its expiry day");

    let secretary = app.login(SECRETARY).await;
    let (_, page) = secretary.page("/nominations").await;
    assert!(!page.contains(&format!("value=\"{}\"", passed.id)), "who completed the course is not listed");
    let class = class_with_status(&app, "NTVD", 40, "nominating");
    let (_, page) = secretary.page("/nominations").await;
    assert!(page.contains(&format!("value=\"{}\"", failed.id)), "who failed may be sent again");
    let res = nominate(&secretary, class, &[passed.id]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("đã hoàn thành chương trình này"));

    // A revoked certificate no longer counts: the person needs the course again.
    boiduong::store::certificates::revoke(&mut app.conn(), &actor, issued.new[0].id, "Cấp nhầm", today).unwrap();
    assert!(completed(today).is_empty());
    let (_, page) = secretary.page("/nominations").await;
    assert!(page.contains(&format!("value=\"{}\"", passed.id)), "a revoked certificate's holder is listed again");
}
