//! Classes and their schedules through HTTP: creating and editing a class (bad dates, bad
//! numbers, a stale version), the awareness course's plan (ten sessions, weekends and a
//! holiday skipped, Bài 2 over two sessions), every kind of clash with its message and the
//! touching boundary, the room-size warning, each status guard and the forward-only rule, the
//! printable timetable, the teaching load against figures computed by hand and its XLSX,
//! lecturers seeing only their classes, the venues, guest speakers, holidays and organisers,
//! and the demo school's classes.

use std::io::Cursor;

use boiduong::db::schema::{assessments, attendance};
use boiduong::domain::class::ClassStatus;
use boiduong::store::audit::Actor;
use boiduong::store::classes::{self, ClassFilter};
use boiduong::store::people::PeopleQuery;
use boiduong::store::{Scope, enrolments, issuers, people, programs, sessions, venues};
use calamine::{Data, Reader, Xlsx};
use diesel::prelude::*;
use reqwest::StatusCode;
use time::macros::{date, datetime};

use crate::helpers::*;

// ---------------------------------------------------------------------------------------------
// Helpers

/// The ids a class form chooses from in the demo school.
struct Ids {
    ntvd: i64,
    dvm: i64,
    school: i64,
    bmt: i64,
    room_a1: i64,
    room_a2: i64,
    room_b1: i64,
    tuan: i64,
    guest: i64,
}

fn ids(app: &TestApp) -> Ids {
    let mut c = app.conn();
    let mut program = |code: &str| programs::all(&mut c).unwrap().into_iter().find(|p| p.code == code).unwrap().id;
    let (ntvd, dvm) = (program("NTVD"), program("DVM"));
    let school = issuers::all(&mut c).unwrap().into_iter().find(|i| i.kind == "school").unwrap().id;
    let bmt = venues::venues(&mut c).unwrap().into_iter().find(|v| v.name == "Cơ sở Buôn Ma Thuột").unwrap().id;
    let mut room =
        |name: &str| venues::rooms(&mut c, Some(bmt)).unwrap().into_iter().find(|r| r.name == name).unwrap().id;
    let (room_a1, room_a2, room_b1) = (room("A1"), room("A2"), room("B1"));
    let guest = venues::guest_speakers(&mut c).unwrap().into_iter().find(|g| g.name == "Nguyễn Văn Hùng").unwrap().id;
    drop(c);
    Ids { ntvd, dvm, school, bmt, room_a1, room_a2, room_b1, tuan: app.account_id(LECTURER), guest }
}

/// Creates an awareness class through the form and returns its id.
async fn new_class(browser: &Browser, ids: &Ids, first: &str, last: &str, capacity: &str) -> i64 {
    let (program, school, venue) = (ids.ntvd.to_string(), ids.school.to_string(), ids.bmt.to_string());
    let res = browser
        .post(
            "/classes",
            &[
                ("program_id", &program),
                ("issuer_id", &school),
                ("venue_id", &venue),
                ("first_day", first),
                ("last_day", last),
                ("capacity", capacity),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the class is created");
    location(&res).trim_start_matches("/classes/").parse().expect("redirects to the class")
}

/// Saves a plan (two sessions a day) with this room and teacher ("" for none).
async fn plan(browser: &Browser, class: i64, room: &str, teacher: &str) -> reqwest::Response {
    browser.post(&format!("/classes/{class}/plan"), &[("slots", "2"), ("room", room), ("teacher", teacher)]).await
}

async fn text_of(res: reqwest::Response) -> String {
    main_text(&res.text().await.unwrap())
}

fn session_list(app: &TestApp, class: i64) -> Vec<sessions::Session> {
    sessions::of_class(&mut app.conn(), class).unwrap()
}

/// Posts a session's form with its current values changed by `changes`.
async fn edit_session(
    browser: &Browser,
    app: &TestApp,
    class: i64,
    seq: i32,
    changes: &[(&str, &str)],
) -> reqwest::Response {
    let s = session_list(app, class).into_iter().find(|s| s.seq == seq).unwrap();
    let teacher = match (s.lecturer_user_id, s.guest_speaker_id) {
        (Some(l), _) => format!("lecturer:{l}"),
        (None, Some(g)) => format!("guest:{g}"),
        _ => String::new(),
    };
    let mut fields: Vec<(String, String)> = vec![
        ("lesson_id".into(), s.lesson_id.map(|l| l.to_string()).unwrap_or_default()),
        ("title".into(), s.title.clone()),
        ("periods".into(), s.periods.to_string()),
        ("date".into(), boiduong::domain::dates::format(s.starts_at.date())),
        ("starts".into(), boiduong::domain::schedule::format_time(s.starts_at.time())),
        ("ends".into(), boiduong::domain::schedule::format_time(s.ends_at.time())),
        ("room".into(), s.room_id.map(|r| r.to_string()).unwrap_or_default()),
        ("teacher".into(), teacher),
        ("version".into(), s.version.to_string()),
    ];
    for (k, v) in changes {
        fields.iter_mut().find(|(name, _)| name == k).unwrap().1 = (*v).to_owned();
    }
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    browser.post(&format!("/classes/{class}/sessions/{}/edit", s.id), &pairs).await
}

fn person_ids(app: &TestApp, status: &str, n: usize) -> Vec<(i64, String)> {
    let query = PeopleQuery { status: Some(status.into()), page: 1, per_page: 500, ..Default::default() };
    people::list(&mut app.conn(), &Scope::All, &query)
        .unwrap()
        .items
        .into_iter()
        .rev()
        // Names shown in HTML: one without an apostrophe (H'Hen) reads the same in the text.
        .filter(|p| !p.full_name.contains('\''))
        .take(n)
        .map(|p| (p.id, p.full_name))
        .collect()
}

fn enrol(app: &TestApp, class: i64, person: i64) {
    let on = classes::find(&mut app.conn(), class).unwrap().first_day;
    enrolments::enrol(&mut app.conn(), &Actor::system("kiểm thử"), class, person, enrolments::SOURCE_STAFF, on)
        .unwrap();
}

fn status_of(app: &TestApp, class: i64) -> ClassStatus {
    classes::find(&mut app.conn(), class).unwrap().status()
}

async fn advance(browser: &Browser, app: &TestApp, class: i64) -> String {
    let version = classes::find(&mut app.conn(), class).unwrap().version.to_string();
    let res = browser.post(&format!("/classes/{class}/advance"), &[("version", &version)]).await;
    assert_redirect(&res, &format!("/classes/{class}"));
    let (_, page) = browser.page(&format!("/classes/{class}")).await;
    main_text(&page)
}

async fn post_edit(b: &Browser, class: i64, fields: Vec<(&'static str, String)>) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post(&format!("/classes/{class}/edit"), &pairs).await
}

// ---------------------------------------------------------------------------------------------
// Creating and editing

#[tokio::test]
async fn staff_create_classes_named_the_way_schools_write_them() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let ids = ids(&app);
    assert_eq!(staff.page("/classes/new").await.0, StatusCode::OK);

    let first = new_class(&staff, &ids, "15/03/2036", "19/03/2036", "60").await;
    let (status, page) = staff.page(&format!("/classes/{first}")).await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&page);
    assert!(text.contains("Lớp bồi dưỡng nhận thức về Đảng khóa I năm 2036"), "{text}");
    assert!(text.contains("KT. HIỆU TRƯỞNG / PHÓ HIỆU TRƯỞNG / Trần Văn Thành"), "the organiser's signer: {text}");
    assert!(text.contains("Bản nháp") && text.contains("Lớp chưa có lịch học"), "status and its guard: {text}");

    // The next one of the same program, organiser and year is Khóa II; a typed ordinal is kept.
    let second = new_class(&staff, &ids, "22/03/2036", "26/03/2036", "60").await;
    assert_eq!(classes::find(&mut app.conn(), second).unwrap().ordinal, 2);
    let (_, list) = staff.page("/classes?year=2036").await;
    let list = main_text(&list);
    assert!(list.contains("Nhận thức về Đảng khóa I năm 2036") && list.contains("Nhận thức về Đảng khóa II năm 2036"));
    assert!(list.contains("Tổng số: 2"), "the year filter: {list}");
    let (_, drafts) = staff.page(&format!("/classes?status=running&program={}", ids.ntvd)).await;
    assert!(!main_text(&drafts).contains("năm 2036"), "the status filter leaves drafts out");

    let (school, venue, program) = (ids.school.to_string(), ids.bmt.to_string(), ids.ntvd.to_string());
    let taken = staff
        .post(
            "/classes",
            &[
                ("program_id", &program),
                ("issuer_id", &school),
                ("venue_id", &venue),
                ("ordinal", "2"),
                ("first_day", "05/05/2036"),
                ("last_day", "09/05/2036"),
                ("capacity", "60"),
            ],
        )
        .await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text_of(taken).await.contains("Khóa này đã có"), "an ordinal taken is refused on its field");
}

#[tokio::test]
async fn bad_class_forms_say_what_is_wrong_and_keep_what_was_typed() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let ids = ids(&app);
    let (school, venue, program) = (ids.school.to_string(), ids.bmt.to_string(), ids.ntvd.to_string());
    let before = classes::list(&mut app.conn(), &ClassFilter::default()).unwrap().len();
    let res = staff
        .post(
            "/classes",
            &[
                ("program_id", &program),
                ("issuer_id", &school),
                ("venue_id", &venue),
                ("first_day", "31/02/2036"),
                ("last_day", "hôm sau"),
                ("capacity", "sáu mươi"),
                ("opening_decision_no", "15-QĐ/TCT"),
                ("signer_name", "Người ký lạ"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    let text = main_text(&html);
    assert!(text.contains("Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy"), "{text}");
    assert!(text.contains("Sĩ số tối đa là số nguyên từ 1 đến 1.000"), "{text}");
    assert!(text.contains("Nhập cả số và ngày của quyết định"), "{text}");
    assert!(text.contains("Nhập chức vụ và họ tên người ký"), "a half-typed signer: {text}");
    assert!(html.contains("value=\"sáu mươi\"") && html.contains("value=\"31/02/2036\""), "typed values are kept");

    let reversed = staff
        .post(
            "/classes",
            &[
                ("program_id", &program),
                ("issuer_id", &school),
                ("venue_id", &venue),
                ("first_day", "20/03/2036"),
                ("last_day", "16/03/2036"),
                ("capacity", "60"),
            ],
        )
        .await;
    assert_eq!(reversed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text_of(reversed).await.contains("Ngày bế giảng không được trước ngày khai giảng"));
    assert_eq!(classes::list(&mut app.conn(), &ClassFilter::default()).unwrap().len(), before, "nothing was created");
}

#[tokio::test]
async fn a_stale_edit_is_refused_naming_who_saved_and_when_and_keeps_the_typed_values() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let admin = app.login(ADMIN).await;
    let ids = ids(&app);
    let class = new_class(&staff, &ids, "15/03/2036", "19/03/2036", "60").await;
    let (status, form) = staff.page(&format!("/classes/{class}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    let seen = classes::find(&mut app.conn(), class).unwrap();

    let fields = |capacity: &'static str, version: String| {
        vec![
            ("program_id", ids.ntvd.to_string()),
            ("issuer_id", ids.school.to_string()),
            ("venue_id", ids.bmt.to_string()),
            ("year", "2036".to_owned()),
            ("ordinal", "1".to_owned()),
            ("first_day", "15/03/2036".to_owned()),
            ("last_day", "19/03/2036".to_owned()),
            ("capacity", capacity.to_owned()),
            ("signer_delegation", "KT. HIỆU TRƯỞNG".to_owned()),
            ("signer_title", "PHÓ HIỆU TRƯỞNG".to_owned()),
            ("signer_name", "Trần Văn Thành".to_owned()),
            ("version", version),
        ]
    };
    assert!(form.contains(&format!("name=\"version\" value=\"{}\"", seen.version)));
    let res = post_edit(&admin, class, fields("70", seen.version.to_string())).await;
    assert_redirect(&res, &format!("/classes/{class}"));

    let res = post_edit(&staff, class, fields("65", seen.version.to_string())).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    let text = main_text(&html);
    assert!(text.contains("Lớp này đã được Quản trị hệ thống sửa lúc"), "{text}");
    assert!(text.contains("Sĩ số tối đa 70"), "the saved value is shown: {text}");
    assert!(html.contains("value=\"65\""), "what the editor typed is kept");
    assert_eq!(classes::find(&mut app.conn(), class).unwrap().capacity, 70, "the stale save changed nothing");

    // Saving again from the refreshed form goes through.
    let current = classes::find(&mut app.conn(), class).unwrap().version.to_string();
    assert!(html.contains(&format!("name=\"version\" value=\"{current}\"")));
    let res = post_edit(&staff, class, fields("65", current)).await;
    assert_redirect(&res, &format!("/classes/{class}"));
    assert_eq!(classes::find(&mut app.conn(), class).unwrap().capacity, 65);
}

// ---------------------------------------------------------------------------------------------
// The plan

#[tokio::test]
async fn the_awareness_plan_is_ten_sessions_skipping_weekends_and_a_holiday() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let ids = ids(&app);
    // Thursday 15/05/2036 is entered as a holiday.
    let res = staff.post("/holidays", &[("day", "15/05/2036"), ("name", "Ngày nghỉ bù")]).await;
    assert_redirect(&res, "/holidays?year=2036");
    let class = new_class(&staff, &ids, "14/05/2036", "23/05/2036", "60").await;

    let (status, preview) = staff.page(&format!("/classes/{class}/plan")).await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&preview);
    assert!(text.contains("10 buổi, 50 tiết, từ 14/05/2036 đến 21/05/2036"), "{text}");
    assert!(
        text.contains("Bài 2: Cương lĩnh xây dựng đất nước trong thời kỳ quá độ lên chủ nghĩa xã hội (1/2)"),
        "{text}"
    );
    assert!(session_list(&app, class).is_empty(), "a preview saves nothing");

    let res = plan(&staff, class, &ids.room_a2.to_string(), &format!("lecturer:{}", ids.tuan)).await;
    assert_redirect(&res, &format!("/classes/{class}/sessions"));
    let saved = session_list(&app, class);
    assert_eq!(saved.len(), 10);
    let days: Vec<time::Date> = saved.iter().map(|s| s.starts_at.date()).collect();
    assert_eq!(
        days,
        [
            date!(2036 - 05 - 14),
            date!(2036 - 05 - 14),
            date!(2036 - 05 - 16),
            date!(2036 - 05 - 16),
            date!(2036 - 05 - 19),
            date!(2036 - 05 - 19),
            date!(2036 - 05 - 20),
            date!(2036 - 05 - 20),
            date!(2036 - 05 - 21),
            date!(2036 - 05 - 21),
        ],
        "the holiday (Thursday) and the weekend are skipped"
    );
    assert_eq!((saved[1].starts_at, saved[1].ends_at), (datetime!(2036-05-14 13:30), datetime!(2036-05-14 17:00)));
    assert!(saved[1].title.ends_with("(1/2)") && saved[2].title.ends_with("(2/2)"), "Bài 2 takes two sessions");
    assert_eq!(saved[1].lesson_id, saved[2].lesson_id);
    assert_eq!(saved.iter().map(|s| s.periods).sum::<i32>(), 50);
    assert!(saved.iter().all(|s| s.room_id == Some(ids.room_a2) && s.lecturer_user_id == Some(ids.tuan)));

    let (_, list) = staff.page(&format!("/classes/{class}/sessions")).await;
    let list = main_text(&list);
    assert!(list.contains("Buổi 3 · Thứ Sáu 16/05/2036, 07:30–11:00"), "{list}");
    assert!(list.contains("TS. Phạm Minh Tuấn"));

    // One session a day does not fit in the class's days: the page says how long it needs.
    let (_, one) = staff.page(&format!("/classes/{class}/plan?slots=1&room=none")).await;
    let one = main_text(&one);
    assert!(one.contains("Kế hoạch cần 10 buổi, đến ngày 28/05/2036, nhưng lớp bế giảng ngày 23/05/2036"), "{one}");
    let refused =
        staff.post(&format!("/classes/{class}/plan"), &[("slots", "1"), ("room", "none"), ("teacher", "")]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(session_list(&app, class).len(), 10, "the saved plan stays");
}

#[tokio::test]
async fn a_plan_is_not_generated_again_once_attendance_is_taken() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let ids = ids(&app);
    let class = new_class(&staff, &ids, "10/03/2036", "14/03/2036", "60").await;
    assert_eq!(plan(&staff, class, &ids.room_a2.to_string(), "").await.status(), StatusCode::SEE_OTHER);
    let (person, _) = person_ids(&app, "candidate", 1).remove(0);
    enrol(&app, class, person);
    let enrolment = enrolments::of_person_in_class(&mut app.conn(), person, class).unwrap().unwrap();
    let session = session_list(&app, class).remove(0);
    diesel::insert_into(attendance::table)
        .values((
            attendance::enrolment_id.eq(enrolment.id),
            attendance::session_id.eq(session.id),
            attendance::status.eq("present"),
            attendance::source.eq("sheet"),
            attendance::marked_at.eq(datetime!(2036-03-10 08:00)),
        ))
        .execute(&mut *app.conn())
        .unwrap();
    let (_, page) = staff.page(&format!("/classes/{class}/plan")).await;
    let text = main_text(&page);
    assert!(text.contains("Lớp đã có điểm danh nên không thể lập lại kế hoạch"), "{text}");
    assert!(!page.contains("action=\"/classes/{class}/plan\" class=\"card\""), "no save button");
    let res = plan(&staff, class, &ids.room_b1.to_string(), "").await;
    assert!(res.status().is_client_error());
    assert!(text_of(res).await.contains("Lớp đã có điểm danh"));
    assert_eq!(session_list(&app, class)[0].id, session.id, "the sessions stay");
}

// ---------------------------------------------------------------------------------------------
// Clashes

#[tokio::test]
async fn every_kind_of_clash_is_refused_naming_the_other_class_session_and_time() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let ids = ids(&app);
    let (a2, b1, a1) = (ids.room_a2.to_string(), ids.room_b1.to_string(), ids.room_a1.to_string());
    let tuan = format!("lecturer:{}", ids.tuan);
    // Class A: Monday 10 to Friday 14 March 2036, room A2, the demo lecturer.
    let a = new_class(&staff, &ids, "10/03/2036", "14/03/2036", "60").await;
    assert_eq!(plan(&staff, a, &a2, &tuan).await.status(), StatusCode::SEE_OTHER);
    let b = new_class(&staff, &ids, "10/03/2036", "14/03/2036", "40").await;

    // The same room.
    let res = plan(&staff, b, &a2, "").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = text_of(res).await;
    assert!(
        text.contains(
            "Phòng A2 đã được dùng cho Nhận thức về Đảng khóa I năm 2036, buổi 1, 07:30–11:00 ngày 10/03/2036"
        ),
        "{text}"
    );
    assert!(text.contains("Chưa lưu lịch học: 10 buổi bị trùng lịch"), "{text}");
    assert!(session_list(&app, b).is_empty(), "nothing saved");

    // The same lecturer, in another room.
    let res = plan(&staff, b, &b1, &tuan).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = text_of(res).await;
    assert!(
        text.contains(
            "Giảng viên TS. Phạm Minh Tuấn đã có lịch dạy Nhận thức về Đảng khóa I năm 2036, buổi 2, 13:30–17:00 ngày 10/03/2036"
        ),
        "{text}"
    );
    assert_eq!(plan(&staff, b, &b1, "").await.status(), StatusCode::SEE_OTHER, "another room, nobody shared");

    // The same guest speaker.
    let guest = format!("guest:{}", ids.guest);
    assert_eq!(edit_session(&staff, &app, a, 8, &[("teacher", &guest)]).await.status(), StatusCode::SEE_OTHER);
    let res = edit_session(&staff, &app, b, 8, &[("teacher", &guest)]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = text_of(res).await;
    assert!(
        text.contains(
            "Báo cáo viên Nguyễn Văn Hùng đã có lịch báo cáo ở Nhận thức về Đảng khóa I năm 2036, buổi 8, 13:30–17:00 ngày 13/03/2036"
        ),
        "{text}"
    );

    // The same learner, enrolled in both classes.
    let (person, name) = person_ids(&app, "candidate", 1).remove(0);
    enrol(&app, a, person);
    enrol(&app, b, person);
    let res = edit_session(&staff, &app, b, 1, &[("title", "Khai giảng và Bài 1")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = text_of(res).await;
    assert!(
        text.contains(&format!(
            "Học viên {name} đã có lịch học Nhận thức về Đảng khóa I năm 2036, buổi 1, 07:30–11:00 ngày 10/03/2036"
        )),
        "{text}"
    );
    let res = plan(&staff, b, &b1, "").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "the plan is checked for learners too");

    // Touching is not clashing: B's first session moved to 06:00–07:30 in room A2 ends as A's
    // begins, with the same learner; a minute more overlaps.
    let res = edit_session(&staff, &app, b, 1, &[("starts", "06:00"), ("ends", "07:30"), ("room", &a2)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", text_of(res).await);
    let res = edit_session(&staff, &app, b, 1, &[("ends", "07:31")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = text_of(res).await;
    assert!(text.contains("Phòng A2 đã được dùng cho") && text.contains(&format!("Học viên {name}")), "{text}");

    // Two sessions of one class at once.
    let res = edit_session(
        &staff,
        &app,
        b,
        2,
        &[("date", "10/03/2036"), ("starts", "07:00"), ("ends", "09:00"), ("room", &a1)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = text_of(res).await;
    assert!(text.contains("Trùng giờ với buổi 1 của chính lớp này, 06:00–07:30 ngày 10/03/2036"), "{text}");
    let saved = session_list(&app, b).into_iter().find(|s| s.seq == 2).unwrap();
    assert_eq!(saved.starts_at, datetime!(2036-03-10 13:30), "a refused edit changes nothing");
}

#[tokio::test]
async fn a_room_smaller_than_the_class_is_a_warning_not_a_refusal() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let ids = ids(&app);
    let class = new_class(&staff, &ids, "10/03/2036", "14/03/2036", "60").await;
    let b1 = ids.room_b1.to_string();
    let (_, preview) = staff.page(&format!("/classes/{class}/plan?slots=2&room={b1}")).await;
    let warning = "Phòng B1 có 40 chỗ, ít hơn 60 học viên của lớp.";
    assert!(main_text(&preview).contains(warning), "{}", main_text(&preview));
    assert_eq!(plan(&staff, class, &b1, "").await.status(), StatusCode::SEE_OTHER, "saved all the same");
    let (_, list) = staff.page(&format!("/classes/{class}/sessions")).await;
    assert!(main_text(&list).contains(warning));
    let session = session_list(&app, class).remove(0);
    let (_, form) = staff.page(&format!("/classes/{class}/sessions/{}/edit", session.id)).await;
    assert!(main_text(&form).contains(warning));

    // Once learners are enrolled, the room is measured against them.
    for (person, _) in person_ids(&app, "candidate", 3) {
        enrol(&app, class, person);
    }
    let (_, list) = staff.page(&format!("/classes/{class}/sessions")).await;
    assert!(!main_text(&list).contains("ít hơn"), "40 seats hold 3 learners");
    let res = edit_session(&staff, &app, class, 1, &[("title", "Khai giảng")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_stale_session_edit_is_refused_and_shows_the_saved_session() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let admin = app.login(ADMIN).await;
    let ids = ids(&app);
    let class = new_class(&staff, &ids, "10/03/2036", "14/03/2036", "60").await;
    assert_eq!(plan(&staff, class, &ids.room_a2.to_string(), "").await.status(), StatusCode::SEE_OTHER);
    let seen = session_list(&app, class).remove(0).version.to_string();
    let res = edit_session(&admin, &app, class, 1, &[("room", &ids.room_a1.to_string())]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = edit_session(&staff, &app, class, 1, &[("version", &seen), ("starts", "08:00")]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    let text = main_text(&html);
    assert!(text.contains("Buổi học này đã được Quản trị hệ thống sửa lúc"), "{text}");
    assert!(text.contains("Phòng A1 — Cơ sở Buôn Ma Thuột"), "the saved room: {text}");
    assert!(html.contains("value=\"08:00\""), "the typed start is kept");
    let saved = session_list(&app, class).remove(0);
    assert_eq!((saved.room_id, saved.starts_at), (Some(ids.room_a1), datetime!(2036-03-10 07:30)));
}

// ---------------------------------------------------------------------------------------------
// Status

#[tokio::test]
async fn each_status_step_has_its_guards_and_a_class_only_moves_forward() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let ids = ids(&app);
    // A class of March 2026, long over: every step can be reached.
    let class = new_class(&staff, &ids, "09/03/2026", "13/03/2026", "60").await;
    let text = advance(&staff, &app, class).await;
    assert!(text.contains("Chưa chuyển được trạng thái") && text.contains("Lớp chưa có lịch học"), "{text}");
    assert_eq!(status_of(&app, class), ClassStatus::Draft);

    assert_eq!(plan(&staff, class, &ids.room_a1.to_string(), "").await.status(), StatusCode::SEE_OTHER);
    let text = advance(&staff, &app, class).await;
    assert!(text.contains("Lớp đã chuyển sang trạng thái «Đang nhận đề nghị cử đi học»"), "{text}");

    let text = advance(&staff, &app, class).await;
    for sentence in [
        "Còn 10 buổi học chưa phân công giảng viên hoặc báo cáo viên.",
        "Chưa nhập số và ngày của quyết định mở lớp.",
        "Lớp chưa có học viên nào được ghi danh.",
    ] {
        assert!(text.contains(sentence), "{sentence} in {text}");
    }
    assert_eq!(status_of(&app, class), ClassStatus::Nominating);

    // Fix each: a lecturer, the opening decision, a learner.
    assert_eq!(
        plan(&staff, class, &ids.room_a1.to_string(), &format!("lecturer:{}", ids.tuan)).await.status(),
        StatusCode::SEE_OTHER
    );
    let version = classes::find(&mut app.conn(), class).unwrap().version.to_string();
    let (program, school, venue) = (ids.ntvd.to_string(), ids.school.to_string(), ids.bmt.to_string());
    let res = staff
        .post(
            &format!("/classes/{class}/edit"),
            &[
                ("program_id", &program),
                ("issuer_id", &school),
                ("venue_id", &venue),
                ("year", "2026"),
                ("ordinal", ""),
                ("first_day", "09/03/2026"),
                ("last_day", "13/03/2026"),
                ("capacity", "60"),
                ("opening_decision_no", "15-QĐ/TCT"),
                ("opening_decision_date", "02/03/2026"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", text_of(res).await);
    let (person, _) = person_ids(&app, "candidate", 1).remove(0);
    enrol(&app, class, person);
    let text = advance(&staff, &app, class).await;
    assert!(text.contains("«Đang học»"), "{text}");
    let text = advance(&staff, &app, class).await;
    assert!(text.contains("«Đang đánh giá kết quả»"), "the last session is over: {text}");

    let text = advance(&staff, &app, class).await;
    assert!(text.contains("Còn 1 học viên chưa có kết quả bài thu hoạch."), "{text}");
    assert!(text.contains("Chưa nhập số và ngày của quyết định công nhận kết quả."), "{text}");
    let version = classes::find(&mut app.conn(), class).unwrap().version.to_string();
    let res = staff
        .post(
            &format!("/classes/{class}/results-decision"),
            &[("number", "40-QĐ/TCT"), ("date", "20/03/2026"), ("version", &version)],
        )
        .await;
    assert_redirect(&res, &format!("/classes/{class}"));
    let enrolment = enrolments::of_person_in_class(&mut app.conn(), person, class).unwrap().unwrap();
    diesel::insert_into(assessments::table)
        .values((
            assessments::enrolment_id.eq(enrolment.id),
            assessments::attempt.eq(1),
            assessments::outcome.eq("scored"),
            assessments::score_tenths.eq(Some(85)),
            assessments::entered_at.eq(datetime!(2026-03-16 09:00)),
        ))
        .execute(&mut *app.conn())
        .unwrap();
    let text = advance(&staff, &app, class).await;
    assert!(text.contains("«Đã khóa kết quả»"), "{text}");
    let text = advance(&staff, &app, class).await;
    assert!(text.contains("Còn 1 học viên đạt yêu cầu chưa được cấp giấy chứng nhận."), "{text}");
    assert_eq!(status_of(&app, class), ClassStatus::Locked);

    // A stale version moves nothing; a closed class moves no more.
    let res = staff.post(&format!("/classes/{class}/advance"), &[("version", "1")]).await;
    assert_redirect(&res, &format!("/classes/{class}"));
    assert_eq!(status_of(&app, class), ClassStatus::Locked);
    let closed =
        classes::list(&mut app.conn(), &ClassFilter { status: Some(ClassStatus::Closed), ..Default::default() })
            .unwrap()
            .remove(0)
            .id;
    let text = advance(&staff, &app, closed).await;
    assert!(text.contains("Lớp đã kết thúc; trạng thái không thay đổi nữa."), "{text}");
    assert_eq!(status_of(&app, closed), ClassStatus::Closed);
}

#[tokio::test]
async fn a_running_class_waits_for_its_last_session() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let running =
        classes::list(&mut app.conn(), &ClassFilter { status: Some(ClassStatus::Running), ..Default::default() })
            .unwrap()
            .remove(0)
            .id;
    let last = session_list(&app, running).last().unwrap().ends_at;
    let (_, page) = staff.page(&format!("/classes/{running}")).await;
    let text = main_text(&page);
    let local_now = app.config.clock.local_now();
    if last > local_now {
        let end = format!(
            "{} ngày {}",
            boiduong::domain::schedule::format_time(last.time()),
            boiduong::domain::dates::format(last.date())
        );
        assert!(text.contains(&format!("Buổi học cuối cùng chưa kết thúc (kết thúc lúc {end}).")), "{text}");
        let text = advance(&staff, &app, running).await;
        assert!(text.contains("Chưa chuyển được trạng thái"), "{text}");
        assert_eq!(status_of(&app, running), ClassStatus::Running);
    } else {
        // Late on a Friday the demo week is over: the class may move on.
        assert!(text.contains("Chuyển sang «Đang đánh giá kết quả»"), "{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// Timetable and teaching load

#[tokio::test]
async fn the_timetable_prints_the_sessions_with_the_organiser_and_signer() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let (status, page) = staff.page("/classes/1/timetable").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("/assets/css/print.css"), "the print stylesheet");
    let text = main_text(&page);
    for part in ["TỈNH ỦY ĐẮK LẮK", "TRƯỜNG CHÍNH TRỊ TỈNH ĐẮK LẮK", "ĐẢNG CỘNG SẢN VIỆT NAM", "LỊCH HỌC"]
    {
        assert!(text.contains(part), "{part} in {text}");
    }
    assert!(text.contains("LỚP BỒI DƯỠNG NHẬN THỨC VỀ ĐẢNG KHÓA"), "{text}");
    assert!(text.contains("KT. HIỆU TRƯỞNG PHÓ HIỆU TRƯỞNG") && text.contains("Trần Văn Thành"), "{text}");
    assert!(text.contains("Sáng 07:30–11:00") && text.contains("Chiều 13:30–17:00"));
    assert!(text.contains("Bài 2: Cương lĩnh"), "{text}");
    assert_eq!(page.matches("<td class=\"title\"").count(), 10, "one row per session");
    assert!(text.contains("Buôn Ma Thuột, ngày"), "dated at the organiser's place");
}

#[tokio::test]
async fn the_teaching_load_matches_figures_computed_by_hand_and_opens_as_a_spreadsheet() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let ids = ids(&app);
    // Thursday 29/05 to Wednesday 04/06/2036: sessions 1–4 in May, 5–10 in June.
    let class = new_class(&staff, &ids, "29/05/2036", "04/06/2036", "60").await;
    assert_eq!(
        plan(&staff, class, &ids.room_a2.to_string(), &format!("lecturer:{}", ids.tuan)).await.status(),
        StatusCode::SEE_OTHER
    );
    let guest = format!("guest:{}", ids.guest);
    assert_eq!(edit_session(&staff, &app, class, 8, &[("teacher", &guest)]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(edit_session(&staff, &app, class, 10, &[("periods", "3")]).await.status(), StatusCode::SEE_OTHER);
    // By hand: the lecturer has 4 sessions (20 periods) in May and 5 (5+5+5+5+3 = 23) in June,
    // 9 sessions and 43 periods in the year; the guest speaker 1 session of 5 periods in June.
    let (status, page) = staff.page("/teaching-load?year=2036").await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&page);
    assert!(text.contains("TS. Phạm Minh Tuấn Tháng 5/2036 4 20"), "{text}");
    assert!(text.contains("TS. Phạm Minh Tuấn Tháng 6/2036 5 23"), "{text}");
    assert!(text.contains("Nguyễn Văn Hùng Tháng 6/2036 1 5"), "{text}");
    assert!(text.contains("TS. Phạm Minh Tuấn 9 43"), "{text}");
    let (_, june) = staff.page("/teaching-load?year=2036&month=6").await;
    assert!(!main_text(&june).contains("Tháng 5/2036"), "the month filter");

    let res = staff.get("/teaching-load.xlsx?year=2036").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("khoi-luong-giang-day-2036.xlsx"));
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("an XLSX file");
    let monthly = book.worksheet_range("Theo tháng").expect("the monthly sheet");
    let rows: Vec<Vec<Data>> = monthly.rows().map(|r| r.to_vec()).collect();
    let line = |name: &str, month: f64| {
        rows.iter()
            .find(|r| r.first() == Some(&Data::String(name.into())) && r.get(2) == Some(&Data::Float(month)))
            .cloned()
            .unwrap_or_else(|| panic!("{name} {month} in {rows:?}"))
    };
    assert_eq!(line("TS. Phạm Minh Tuấn", 5.0)[3..], [Data::Float(4.0), Data::Float(20.0)]);
    assert_eq!(line("TS. Phạm Minh Tuấn", 6.0)[3..], [Data::Float(5.0), Data::Float(23.0)]);
    assert_eq!(line("Nguyễn Văn Hùng", 6.0)[3..], [Data::Float(1.0), Data::Float(5.0)]);
    let yearly = book.worksheet_range("Cả năm").expect("the yearly sheet");
    assert!(
        yearly
            .rows()
            .any(|r| r[0] == Data::String("TS. Phạm Minh Tuấn".into())
                && r[2..] == [Data::Float(9.0), Data::Float(43.0)]),
        "{yearly:?}"
    );

    // A lecturer sees only their own load.
    let lecturer = app.login(LECTURER).await;
    let (status, page) = lecturer.page("/teaching-load?year=2036").await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&page);
    assert!(text.contains("TS. Phạm Minh Tuấn 9 43") && !text.contains("Nguyễn Văn Hùng"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Who sees what

#[tokio::test]
async fn lecturers_see_only_the_classes_they_teach_and_only_read_them() {
    let app = spawn_app().await;
    let lecturer = app.login(LECTURER).await;
    let tuan = app.account_id(LECTURER);
    let all = classes::list(&mut app.conn(), &ClassFilter::default()).unwrap();
    let taught = sessions::class_ids_taught_by(&mut app.conn(), tuan).unwrap();
    assert!(taught.len() >= 3, "the demo lecturer teaches several classes: {taught:?}");
    let other = all.iter().find(|c| !taught.contains(&c.id)).expect("a class the lecturer does not teach");

    let (status, list) = lecturer.page("/classes").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains(&format!("href=\"/classes/{}\"", taught[0])));
    assert!(!list.contains(&format!("href=\"/classes/{}\"", other.id)), "another class is not listed");
    assert!(!list.contains("/classes/new"));

    let mine = taught[0];
    let (status, page) = lecturer.page(&format!("/classes/{mine}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("/advance") && !page.contains("/edit"), "read only");
    let (status, page) = lecturer.page(&format!("/classes/{mine}/sessions")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("/sessions/") || !page.contains("/edit\""), "no edit links");
    assert_eq!(lecturer.page(&format!("/classes/{mine}/timetable")).await.0, StatusCode::OK);
    for path in ["", "/sessions", "/timetable"] {
        let (status, _) = lecturer.page(&format!("/classes/{}{path}", other.id)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(lecturer.page(&format!("/classes/{mine}/plan")).await.0, StatusCode::FORBIDDEN);
    assert_eq!(lecturer.page("/venues").await.0, StatusCode::FORBIDDEN);
    let learner = app.login(LEARNER).await;
    assert_eq!(learner.page("/classes").await.0, StatusCode::FORBIDDEN);
}

// ---------------------------------------------------------------------------------------------
// Venues, guest speakers, holidays, organisers

#[tokio::test]
async fn staff_keep_venues_rooms_guest_speakers_holidays_and_organisers() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let ids = ids(&app);
    let (_, page) = staff.page("/venues").await;
    let text = main_text(&page);
    assert!(text.contains("Cơ sở Tuy Hòa") && text.contains("Phòng P101: 80 chỗ"), "{text}");

    let res = staff.post(&format!("/venues/{}/rooms", ids.bmt), &[("name", "C3"), ("capacity", "ba mươi")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(main_text(&html).contains("Sức chứa là số nguyên từ 1 đến 2.000."));
    assert!(html.contains("value=\"ba mươi\""));
    let res = staff.post(&format!("/venues/{}/rooms", ids.bmt), &[("name", "A2"), ("capacity", "30")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text_of(res).await.contains("Cơ sở này đã có phòng mang tên này."));
    let res = staff
        .post(&format!("/venues/{}/rooms", ids.bmt), &[("name", "C3"), ("capacity", "30"), ("active", "on")])
        .await;
    assert_redirect(&res, &format!("/venues/{}", ids.bmt));
    let c3 = venues::rooms(&mut app.conn(), Some(ids.bmt)).unwrap().into_iter().find(|r| r.name == "C3").unwrap();
    assert_eq!(c3.capacity, 30);
    let res = staff
        .post(&format!("/venues/{}/rooms/{}", ids.bmt, c3.id), &[("name", "C3"), ("capacity", "35"), ("active", "on")])
        .await;
    assert_redirect(&res, &format!("/venues/{}", ids.bmt));
    assert_eq!(venues::room(&mut app.conn(), c3.id).unwrap().capacity, 35);
    assert_eq!(staff.page(&format!("/venues/{}/rooms/{}", 999, c3.id)).await.0, StatusCode::NOT_FOUND);

    let res = staff.post("/venues", &[("name", "Cơ sở Krông Pắc"), ("place", "")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = staff.post("/venues", &[("name", "Cơ sở Krông Pắc"), ("place", "Krông Pắc"), ("active", "on")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let res = staff.post("/guest-speakers", &[("name", "Y Thuât Mlô"), ("title", "")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text_of(res).await.contains("Trường bắt buộc"));
    let res =
        staff.post("/guest-speakers", &[("name", "Y Thuât Mlô"), ("title", "Nghệ nhân ưu tú"), ("active", "on")]).await;
    assert_redirect(&res, "/guest-speakers");
    assert!(main_text(&staff.page("/guest-speakers").await.1).contains("Y Thuât Mlô Nghệ nhân ưu tú"));

    let res = staff.post("/holidays", &[("day", "30/02/2036"), ("name", "Ngày lạ")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_redirect(
        &staff.post("/holidays", &[("day", "02/01/2036"), ("name", "Nghỉ bù")]).await,
        "/holidays?year=2036",
    );
    let res = staff.post("/holidays", &[("day", "2/1/2036"), ("name", "Trùng")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text_of(res).await.contains("Ngày này đã có trong danh sách ngày nghỉ."));
    let text = main_text(&staff.page("/holidays?year=2036").await.1);
    assert!(text.contains("Thứ Tư, 02/01/2036 Nghỉ bù"), "{text}");
    assert_redirect(&staff.post("/holidays/delete", &[("day", "2036-01-02")]).await, "/holidays?year=2036");
    assert!(!main_text(&staff.page("/holidays?year=2036").await.1).contains("Nghỉ bù"));

    let res = staff
        .post(
            "/issuers",
            &[
                ("kind", "party_committee"),
                ("superior_name", "ĐẢNG BỘ TỈNH ĐẮK LẮK"),
                ("name", "ĐẢNG ỦY ỦY BAN NHÂN DÂN TỈNH"),
                ("place", "Buôn Ma Thuột"),
                ("signer_delegation", "T/M ĐẢNG ỦY"),
                ("signer_title", "BÍ THƯ"),
                ("signer_name", ""),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "the signer's name is required");
    let res = staff
        .post(
            "/issuers",
            &[
                ("kind", "party_committee"),
                ("name", "ĐẢNG ỦY ỦY BAN NHÂN DÂN TỈNH"),
                ("place", "Buôn Ma Thuột"),
                ("signer_delegation", "T/M ĐẢNG ỦY"),
                ("signer_title", "BÍ THƯ"),
                ("signer_name", "Nguyễn Đình Trung"),
                ("active", "on"),
            ],
        )
        .await;
    assert_redirect(&res, "/issuers");
    let issuer =
        issuers::all(&mut app.conn()).unwrap().into_iter().find(|i| i.name == "ĐẢNG ỦY ỦY BAN NHÂN DÂN TỈNH").unwrap();
    // A class of that organiser takes its signer by default.
    let (program, issuer_id, venue) = (ids.dvm.to_string(), issuer.id.to_string(), ids.bmt.to_string());
    let res = staff
        .post(
            "/classes",
            &[
                ("program_id", &program),
                ("issuer_id", &issuer_id),
                ("venue_id", &venue),
                ("first_day", "01/12/2036"),
                ("last_day", "08/12/2036"),
                ("capacity", "50"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let text = main_text(&staff.page(&location(&res)).await.1);
    assert!(text.contains("Lớp bồi dưỡng lý luận chính trị dành cho đảng viên mới khóa I năm 2036"), "{text}");
    assert!(text.contains("T/M ĐẢNG ỦY / BÍ THƯ / Nguyễn Đình Trung"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// The demo school

#[tokio::test]
async fn the_demo_school_has_classes_of_both_programs_at_every_status_around_today() {
    let app = spawn_app().await;
    let mut c = app.conn();
    let all = classes::list(&mut c, &ClassFilter::default()).unwrap();
    let statuses: Vec<&str> = all.iter().map(|r| r.status.as_str()).collect();
    for s in ["draft", "nominating", "running", "assessing", "closed"] {
        assert!(statuses.contains(&s), "{s} in {statuses:?}");
    }
    assert!(all.iter().any(|r| r.program_code == "DVM") && all.iter().any(|r| r.program_code == "NTVD"));
    let venues: std::collections::HashSet<&str> = all.iter().map(|r| r.venue_name.as_str()).collect();
    assert!(venues.contains("Cơ sở Buôn Ma Thuột") && venues.contains("Cơ sở Tuy Hòa"));

    // Class 1 runs this week (or, on a Sunday, the week that starts tomorrow).
    let running = classes::find(&mut c, 1).unwrap();
    assert_eq!(running.status(), ClassStatus::Running);
    let today = app.config.clock.today();
    assert!((running.first_day - today).whole_days().abs() <= 6, "{} vs {today}", running.first_day);
    let counts = classes::enrolled_counts(&mut c, &all.iter().map(|r| r.id).collect::<Vec<_>>()).unwrap();
    // Classes of years ago are the certificates' history (src/demo/certificates.rs), not this.
    for r in all.iter().filter(|r| r.year >= today.year() - 1) {
        let n = counts.get(&r.id).copied().unwrap_or(0);
        match r.status.as_str() {
            "running" | "assessing" | "closed" => assert!((40..=61).contains(&n), "{} has {n}", r.id),
            // The class taking nominations has the few the demo approved.
            "nominating" => assert!(n <= 5, "{} has {n}", r.id),
            _ => assert_eq!(n, 0, "{} is a draft", r.id),
        }
        assert!(!sessions::of_class(&mut c, r.id).unwrap().is_empty(), "{} has a plan", r.id);
    }
    let learner = boiduong::store::users::find_by_email(&mut c, LEARNER).unwrap().unwrap().person_id.unwrap();
    assert!(enrolments::of_person_in_class(&mut c, learner, 1).unwrap().is_some(), "the demo learner is in class 1");
    let tuan = app.account_id(LECTURER);
    let taught = sessions::of_class(&mut c, 1).unwrap().iter().filter(|s| s.lecturer_user_id == Some(tuan)).count();
    assert!(taught >= 3, "the demo lecturer teaches several sessions: {taught}");
    assert!(sessions::of_class(&mut c, 1).unwrap().iter().any(|s| s.guest_speaker_id.is_some()));
    // Clash-free: no session of any class clashes with another class's.
    for r in &all {
        let bookings: Vec<_> = sessions::of_class(&mut c, r.id)
            .unwrap()
            .into_iter()
            .map(|s| boiduong::domain::schedule::Booking {
                session_id: Some(s.id),
                class_id: s.class_id,
                starts_at: s.starts_at,
                ends_at: s.ends_at,
                room_id: s.room_id,
                lecturer_id: s.lecturer_user_id,
                guest_speaker_id: s.guest_speaker_id,
            })
            .collect();
        assert!(sessions::clashes(&mut c, r.id, &bookings).unwrap().is_empty(), "class {} clashes", r.id);
    }
    drop(c);
    let staff = app.login(STAFF).await;
    let (status, list) = staff.page("/classes").await;
    assert_eq!(status, StatusCode::OK);
    assert!(main_text(&list).contains("Đang học"));
}
