//! Attendance through HTTP: the sheet of a session (who may mark it and when, one transaction,
//! mark all present, make-ups, a line changed meanwhile), the 20 % boundary and the optional
//! unexcused rule, the freeze and the audited amendment, QR self check-in (present, late, once;
//! old, foreign, future and forged codes; the short code), the absence-limit email (once, to
//! the learner and the secretary), the class summary and its spreadsheet, the sign-in sheet,
//! the learner's results page and the secretary's scope. Classes are set up through the store.

use std::time::Duration;

use boiduong::credentials::password;
use boiduong::db::schema::{attendance, audit_events, classes, outbox, programs as programs_t};
use boiduong::domain::checkin::{self, CheckinKey};
use boiduong::domain::role::Role;
use boiduong::store::audit::Actor;
use boiduong::store::classes::ClassInput;
use boiduong::store::issuers::{self, IssuerInput};
use boiduong::store::sessions::{self, Session, SessionInput};
use boiduong::store::users::{self, NewUser};
use boiduong::store::venues::{self, RoomInput, VenueInput};
use boiduong::store::{Scope, enrolments, people, programs};
use diesel::prelude::*;
use reqwest::StatusCode;
use time::{PrimitiveDateTime, Time};

use crate::helpers::*;

/// Sessions of the class under test: eight held on the days before today, the ninth under way
/// (it started five minutes ago), the tenth tomorrow. The other class meets in the afternoons
/// on the same days with the same lessons, and has a session under way now too.
const HELD: usize = 8;
const NOW: usize = 8;
const TOMORROW: usize = 9;

struct Fixture {
    class: i64,
    sessions: Vec<Session>,
    other_class: i64,
    other_sessions: Vec<Session>,
    /// Enrolments of the class, in the order they were made: [0] is the demo learner's.
    enrolments: Vec<i64>,
    /// Their people.
    people: Vec<i64>,
    /// Learners of the other class.
    other_enrolments: Vec<i64>,
    other_people: Vec<i64>,
    /// Enrolled in the class from the day of its fifth session.
    late_enrolment: i64,
    /// Which of `people` belong to the secretary's cell.
    secretary_people: Vec<i64>,
    /// A person in no class.
    stranger: i64,
}

fn at(day: time::Date, h: u8, m: u8) -> PrimitiveDateTime {
    PrimitiveDateTime::new(day, Time::from_hms(h, m, 0).unwrap())
}

fn fixture(app: &TestApp) -> Fixture {
    app.without_demo_classes();
    let mut c = app.conn();
    let actor = Actor::system("kiểm thử");
    let venue = venues::create_venue(
        &mut c,
        &actor,
        &VenueInput {
            name: "Cơ sở Hòa Thắng".into(),
            address: "Số 1 Lê Duẩn".into(),
            place: "Buôn Ma Thuột".into(),
            active: true,
        },
    )
    .unwrap();
    let room = |name: &str, c: &mut boiduong::db::PooledConn| {
        venues::create_room(c, &actor, &RoomInput { venue_id: venue, name: name.into(), capacity: 80, active: true })
            .unwrap()
    };
    let (room_a, room_b) = (room("A2", &mut c), room("B1", &mut c));
    let issuer = issuers::create(
        &mut c,
        &actor,
        &IssuerInput {
            kind: "school".into(),
            superior_name: "Tỉnh ủy Đắk Lắk".into(),
            name: "Trường Chính trị tỉnh Đắk Lắk (kiểm thử)".into(),
            org_unit_id: None,
            place: "Buôn Ma Thuột".into(),
            signer_delegation: "KT. HIỆU TRƯỞNG".into(),
            signer_title: "PHÓ HIỆU TRƯỞNG".into(),
            signer_name: "Trần Văn Thành".into(),
            active: true,
        },
    )
    .unwrap();
    let program = programs::all(&mut c).unwrap().into_iter().find(|p| p.code == "NTVD").unwrap();
    let lessons = programs::lessons_of(&mut c, program.id).unwrap();
    let today = app.config.clock.today();
    let now = app.config.clock.local_now();
    let now = PrimitiveDateTime::new(now.date(), Time::from_hms(now.hour(), now.minute(), 0).unwrap());
    let first_day = today - time::Duration::days(HELD as i64);
    let new_class = |ordinal: i32, c: &mut boiduong::db::PooledConn| {
        boiduong::store::classes::create(
            c,
            &actor,
            &ClassInput {
                program_id: program.id,
                year: 2026,
                ordinal,
                issuer_id: issuer,
                co_org_unit_id: None,
                venue_id: venue,
                first_day,
                last_day: today + time::Duration::days(1),
                capacity: 60,
                opening_decision_no: "15-QĐ/TCT".into(),
                opening_decision_date: Some(first_day),
                signer_delegation: "KT. HIỆU TRƯỞNG".into(),
                signer_title: "PHÓ HIỆU TRƯỞNG".into(),
                signer_name: "Trần Văn Thành".into(),
            },
        )
        .unwrap()
    };
    let (class, other_class) = (new_class(2, &mut c), new_class(3, &mut c));
    let lecturer = users::find_by_email(&mut c, LECTURER).unwrap().unwrap().id;
    let plan = |morning: bool, room: i64, lecturer: Option<i64>| -> Vec<SessionInput> {
        (0..10)
            .map(|k| {
                let lesson = &lessons[k % lessons.len()];
                let (starts_at, ends_at) = match k {
                    NOW => (now - time::Duration::minutes(5), now + time::Duration::hours(3)),
                    TOMORROW => {
                        let day = today + time::Duration::days(1);
                        (at(day, 7, 30), at(day, 11, 0))
                    }
                    _ => {
                        let day = first_day + time::Duration::days(k as i64);
                        if morning { (at(day, 7, 30), at(day, 11, 0)) } else { (at(day, 13, 30), at(day, 17, 0)) }
                    }
                };
                SessionInput {
                    lesson_id: Some(lesson.id),
                    title: lesson.title.clone(),
                    periods: 5,
                    starts_at,
                    ends_at,
                    room_id: Some(room),
                    lecturer_user_id: lecturer,
                    guest_speaker_id: None,
                }
            })
            .collect()
    };
    sessions::replace_plan(&mut c, &actor, class, &plan(true, room_a, Some(lecturer))).unwrap().unwrap();
    sessions::replace_plan(&mut c, &actor, other_class, &plan(false, room_b, None)).unwrap().unwrap();

    let learner_person = users::find_by_email(&mut c, LEARNER).unwrap().unwrap().person_id.unwrap();
    let secretary = users::find_by_email(&mut c, SECRETARY).unwrap().unwrap().id;
    let cell = users::account(&mut c, secretary).unwrap().secretary_units[0];
    let everyone =
        people::list(&mut c, &Scope::All, &people::PeopleQuery { page: 1, per_page: 300, ..Default::default() })
            .unwrap()
            .items;
    let of_cell: Vec<i64> =
        everyone.iter().filter(|p| p.org_unit_id == cell && p.id != learner_person).map(|p| p.id).take(4).collect();
    let others: Vec<i64> = everyone.iter().filter(|p| p.org_unit_id != cell).map(|p| p.id).take(12).collect();
    let mut class_people = vec![learner_person];
    class_people.extend(&of_cell);
    class_people.extend(&others[..6]);
    let mut enrolled = Vec::new();
    for person in &class_people {
        enrolments::enrol(&mut c, &actor, class, *person, enrolments::SOURCE_STAFF, first_day).unwrap();
        enrolled.push(enrolments::of_person_in_class(&mut c, *person, class).unwrap().unwrap().id);
    }
    let late_person = others[6];
    enrolments::enrol(
        &mut c,
        &actor,
        class,
        late_person,
        enrolments::SOURCE_STAFF,
        first_day + time::Duration::days(4),
    )
    .unwrap();
    let late_enrolment = enrolments::of_person_in_class(&mut c, late_person, class).unwrap().unwrap().id;
    let other_people: Vec<i64> = others[7..11].to_vec();
    let mut other_enrolments = Vec::new();
    for person in &other_people {
        enrolments::enrol(&mut c, &actor, other_class, *person, enrolments::SOURCE_STAFF, first_day).unwrap();
        other_enrolments.push(enrolments::of_person_in_class(&mut c, *person, other_class).unwrap().unwrap().id);
    }
    for id in [class, other_class] {
        set_status(app, id, "running");
    }
    let mut secretary_people = vec![learner_person];
    secretary_people.extend(&of_cell);
    Fixture {
        class,
        sessions: sessions::of_class(&mut c, class).unwrap(),
        other_class,
        other_sessions: sessions::of_class(&mut c, other_class).unwrap(),
        enrolments: enrolled,
        people: class_people,
        other_enrolments,
        other_people,
        late_enrolment,
        secretary_people,
        stranger: others[11],
    }
}

fn set_status(app: &TestApp, class: i64, status: &str) {
    diesel::update(classes::table.find(class)).set(classes::status.eq(status)).execute(&mut *app.conn()).unwrap();
}

fn sheet_path(f: &Fixture, k: usize) -> String {
    format!("/classes/{}/sessions/{}/attendance", f.class, f.sessions[k].id)
}

/// A stored line: (enrolment, status, reason, made-up session, source, version).
type StoredLine = (i64, String, Option<String>, Option<i64>, String, i32);

/// The lines of one session, by enrolment id.
fn stored(app: &TestApp, session: i64) -> Vec<StoredLine> {
    attendance::table
        .filter(attendance::session_id.eq(session))
        .order(attendance::enrolment_id)
        .select((
            attendance::enrolment_id,
            attendance::status,
            attendance::reason,
            attendance::made_up_session_id,
            attendance::source,
            attendance::version,
        ))
        .load(&mut *app.conn())
        .unwrap()
}

fn version_of(app: &TestApp, session: i64, enrolment: i64) -> i32 {
    stored(app, session).into_iter().find(|r| r.0 == enrolment).map_or(0, |r| r.5)
}

/// A line of a sheet to post: (enrolment, status, reason, made-up session).
type Line<'a> = (i64, &'a str, &'a str, Option<i64>);

/// Posts a sheet with these lines, each with the version now stored (as a fresh form has).
async fn post_sheet(
    app: &TestApp,
    browser: &Browser,
    path: &str,
    session: i64,
    lines: &[Line<'_>],
) -> reqwest::Response {
    let fields: Vec<(String, String)> = lines
        .iter()
        .flat_map(|(e, status, reason, made_up)| {
            vec![
                ("e".to_owned(), e.to_string()),
                (format!("s{e}"), (*status).to_owned()),
                (format!("r{e}"), (*reason).to_owned()),
                (format!("u{e}"), made_up.map(|m| m.to_string()).unwrap_or_default()),
                (format!("v{e}"), version_of(app, session, *e).to_string()),
            ]
        })
        .collect();
    let refs: Vec<(&str, &str)> = fields.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    browser.post(path, &refs).await
}

/// Marks everyone of the class present at session k, but for the given lines.
async fn mark(app: &TestApp, browser: &Browser, f: &Fixture, k: usize, absent: &[(i64, &str, &str)]) {
    let lines: Vec<Line<'_>> = f
        .enrolments
        .iter()
        .map(|e| match absent.iter().find(|(a, _, _)| a == e) {
            Some((_, status, reason)) => (*e, *status, *reason, None),
            None => (*e, "present", "", None),
        })
        .collect();
    let res = post_sheet(app, browser, &sheet_path(f, k), f.sessions[k].id, &lines).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "session {k} saves: {}", main_text(&res.text().await.unwrap()));
}

async fn post_fields(browser: &Browser, path: &str, fields: &[(String, String)]) -> reqwest::Response {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    browser.post(path, &refs).await
}

fn field(name: impl Into<String>, value: impl ToString) -> (String, String) {
    (name.into(), value.to_string())
}

fn key(app: &TestApp) -> CheckinKey {
    CheckinKey::from_secret(app.config.secret_key.as_deref().unwrap())
}

fn token_now(app: &TestApp, session: i64) -> String {
    checkin::token(&key(app), session, checkin::step_at(app.config.clock.unix()))
}

/// Every cell of the first sheet of a workbook, as text.
fn xlsx_cells(bytes: &[u8]) -> Vec<String> {
    let table = boiduong::import::read(bytes).unwrap();
    table.headers.iter().cloned().chain(table.rows.iter().flat_map(|(_, r)| r.iter().map(|v| v.text()))).collect()
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} field in {html}")) + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

/// A second learner account, for a person of the fixture.
async fn learner_of(app: &TestApp, person: i64, email: &str) -> Browser {
    users::create(
        &mut app.conn(),
        &Actor::system("kiểm thử"),
        &NewUser {
            email: email.into(),
            display_name: email.into(),
            password_hash: Some(password::hash(DEMO_PASSWORD)),
            roles: vec![Role::Learner],
            secretary_units: vec![],
            person_id: Some(person),
            one_time_password_until: None,
        },
    )
    .unwrap();
    app.login(email).await
}

async fn check_in_with(browser: &Browser, token: &str) -> (StatusCode, String) {
    let (status, html) = browser.page(&format!("/checkin?t={token}")).await;
    if status != StatusCode::OK || !html.contains("name=\"ticket\"") {
        return (status, html);
    }
    let res = browser.post("/checkin", &[("ticket", &hidden(&html, "ticket"))]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the confirmation is accepted");
    browser.page("/checkin").await
}

// ---------------------------------------------------------------------------------------------
// The sheet

#[tokio::test]
async fn the_lecturer_marks_a_whole_sheet_in_list_order_and_mark_all_present_fills_the_rest() {
    let app = spawn_app().await;
    let f = fixture(&app);
    let lecturer = app.login(LECTURER).await;
    let (status, html) = lecturer.page(&sheet_path(&f, 0)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-mark-all"), "mark all present is offered");
    assert!(!html.contains(&format!("name=\"s{}\"", f.late_enrolment)), "the late enrollee is not on session 1");
    // The lines follow the roster's Vietnamese order.
    let roster = enrolments::roster(
        &mut app.conn(),
        f.class,
        &[boiduong::domain::enrolment::EnrolmentStatus::Enrolled],
        &Scope::All,
    )
    .unwrap();
    let positions: Vec<usize> = roster
        .iter()
        .filter(|l| l.enrolment.id != f.late_enrolment)
        .map(|l| html.find(&format!("name=\"s{}\"", l.enrolment.id)).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "the sheet is in list order");

    // "Mark all present" fills every unmarked line; one line is set otherwise first.
    let late = f.enrolments[3];
    let res = post_sheet(&app, &lecturer, &sheet_path(&f, 0), f.sessions[0].id, &[(late, "late", "", None)]).await;
    assert_redirect(&res, &sheet_path(&f, 0));
    let (_, html) = lecturer.page(&format!("{}?all=present", sheet_path(&f, 0))).await;
    for e in &f.enrolments {
        let expected = if *e == late { "late" } else { "present" };
        assert!(html.contains(&format!("name=\"s{e}\" value=\"{expected}\" checked")), "line {e} is {expected}");
    }
    let lines: Vec<Line<'_>> =
        f.enrolments.iter().map(|e| (*e, if *e == late { "late" } else { "present" }, "", None)).collect();
    let res = post_sheet(&app, &lecturer, &sheet_path(&f, 0), f.sessions[0].id, &lines).await;
    assert_redirect(&res, &sheet_path(&f, 0));
    let rows = stored(&app, f.sessions[0].id);
    assert_eq!(rows.len(), f.enrolments.len());
    assert_eq!(rows.iter().filter(|r| r.1 == "present").count(), f.enrolments.len() - 1);
    let (_, html) = lecturer.page(&sheet_path(&f, 0)).await;
    assert!(main_text(&html).contains(&format!("Có mặt: {}", f.enrolments.len() - 1)), "{}", main_text(&html));
    // Saving the same sheet again writes nothing.
    let res = post_sheet(&app, &lecturer, &sheet_path(&f, 0), f.sessions[0].id, &lines).await;
    assert_redirect(&res, &sheet_path(&f, 0));
    assert!(main_text(&lecturer.page(&sheet_path(&f, 0)).await.1).contains("Không có thay đổi nào"));
    assert!(stored(&app, f.sessions[0].id).iter().all(|r| r.5 == 1), "no version moved");
}

#[tokio::test]
async fn one_wrong_line_saves_nothing_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    let f = fixture(&app);
    let lecturer = app.login(LECTURER).await;
    let path = sheet_path(&f, 1);
    let mut lines: Vec<Line<'_>> = f.enrolments.iter().map(|e| (*e, "late", "", None)).collect();
    lines[2] = (f.enrolments[2], "excused", "   ", None);
    let res = post_sheet(&app, &lecturer, &path, f.sessions[1].id, &lines).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(main_text(&html).contains("Vắng có phép cần ghi lý do"), "{}", main_text(&html));
    assert!(main_text(&html).contains("Chưa lưu gì: 1 học viên cần sửa lại"));
    assert!(stored(&app, f.sessions[1].id).is_empty(), "the sheet is one transaction: nothing saved");
    for e in &f.enrolments[3..] {
        assert!(html.contains(&format!("name=\"s{e}\" value=\"late\" checked")), "what was typed is kept");
    }

    // A learner enrolled after the session is refused, whoever else is on the sheet.
    let mut lines: Vec<Line<'_>> = f.enrolments.iter().map(|e| (*e, "present", "", None)).collect();
    lines.push((f.late_enrolment, "present", "", None));
    let res = post_sheet(&app, &lecturer, &path, f.sessions[1].id, &lines).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = main_text(&res.text().await.unwrap());
    assert!(text.contains("ghi danh từ ngày") && text.contains("sau buổi học này"), "{text}");
    assert!(stored(&app, f.sessions[1].id).is_empty());
    // From the day of their enrolment (session 5) they are on the sheet.
    let (_, html) = lecturer.page(&sheet_path(&f, 4)).await;
    assert!(html.contains(&format!("name=\"s{}\"", f.late_enrolment)));
}

/// A learner enrolled from the day of the fifth session counts only the sessions from that day
/// on, the same whether the class's tallies count them (every session's start read) or the
/// learner's own and the absence limit's do (counted by the database): six of ten, with the
/// session that starts on the day of the enrolment itself.
#[tokio::test]
async fn a_late_enrollee_counts_the_sessions_from_their_day_on_in_every_tally() {
    let app = spawn_app().await;
    let f = fixture(&app);
    let mut c = app.conn();
    let late_person: i64 = boiduong::db::schema::enrolments::table
        .find(f.late_enrolment)
        .select(boiduong::db::schema::enrolments::person_id)
        .first(&mut *c)
        .unwrap();
    assert_eq!(f.sessions.len(), 10);
    let class_tally =
        boiduong::store::attendance::tallies_of(&mut c, f.class, &[f.late_enrolment]).unwrap()[&f.late_enrolment];
    let own = boiduong::store::attendance::of_learner(&mut c, late_person).unwrap();
    let own_tally = &own.iter().find(|l| l.enrolment_id == f.late_enrolment).expect("the late enrollee's class").tally;
    assert_eq!(class_tally.sessions, 6, "{class_tally:?}");
    assert_eq!(own_tally, &class_tally);
    drop(c);

    // The absence limit counts them the same way: one absence of six is within 20 %, two are not
    // (of ten they would be), and the learner is written to then.
    diesel::update(boiduong::db::schema::people::table.find(late_person))
        .set(boiduong::db::schema::people::email.eq("hoc.muon@example.vn"))
        .execute(&mut *app.conn())
        .unwrap();
    let staff = app.login(STAFF).await;
    let emailed = |app: &TestApp| -> i64 {
        outbox::table
            .filter(outbox::message_key.eq(format!("absence-limit:{}", f.late_enrolment)))
            .count()
            .get_result(&mut *app.conn())
            .unwrap()
    };
    for (k, expected) in [(4, 0), (5, 1)] {
        let res = post_sheet(
            &app,
            &staff,
            &sheet_path(&f, k),
            f.sessions[k].id,
            &[(f.late_enrolment, "excused", "Ốm", None)],
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "session {k}");
        assert_eq!(emailed(&app), expected, "after session {k}");
    }
    let tally = &boiduong::store::attendance::of_learner(&mut app.conn(), late_person).unwrap()[0].tally;
    assert_eq!((tally.sessions, tally.excused), (6, 2));
}

/// Makes every update of `enrolment`'s attendance lines fail, as a disk error in the middle of
/// a write would; `None` takes that away again.
fn fail_updates_of(app: &TestApp, enrolment: Option<i64>) {
    use diesel::connection::SimpleConnection;
    let mut conn = app.conn();
    let sql = match (&mut *conn, enrolment) {
        (boiduong::db::DbConn::Sqlite(_), Some(e)) => format!(
            "CREATE TRIGGER fail_midway BEFORE UPDATE ON attendance WHEN NEW.enrolment_id = {e} \
             BEGIN SELECT RAISE(ABORT, 'failing midway on purpose'); END;"
        ),
        (boiduong::db::DbConn::Postgres(_), Some(e)) => format!(
            "CREATE FUNCTION fail_midway() RETURNS trigger AS $$ \
             BEGIN RAISE EXCEPTION 'failing midway on purpose'; END $$ LANGUAGE plpgsql; \
             CREATE TRIGGER fail_midway BEFORE UPDATE ON attendance FOR EACH ROW \
             WHEN (NEW.enrolment_id = {e}) EXECUTE FUNCTION fail_midway();"
        ),
        (boiduong::db::DbConn::Sqlite(_), None) => "DROP TRIGGER fail_midway;".to_owned(),
        (boiduong::db::DbConn::Postgres(_), None) => {
            "DROP TRIGGER fail_midway ON attendance; DROP FUNCTION fail_midway();".to_owned()
        }
    };
    conn.batch_execute(&sql).unwrap();
}

#[tokio::test]
async fn a_save_that_fails_midway_leaves_the_sheet_as_it_was_and_the_next_one_works() {
    let app = spawn_app().await;
    let f = fixture(&app);
    let lecturer = app.login(LECTURER).await;
    let (path, session) = (sheet_path(&f, 2), f.sessions[2].id);
    // Half of the sheet marked already: a save of the whole sheet inserts the other half first,
    // then updates these.
    let half = f.enrolments.len() / 2;
    let first: Vec<Line<'_>> = f.enrolments[..half].iter().map(|e| (*e, "present", "", None)).collect();
    assert_eq!(post_sheet(&app, &lecturer, &path, session, &first).await.status(), StatusCode::SEE_OTHER);
    let before = stored(&app, session);
    assert_eq!(before.len(), half);

    fail_updates_of(&app, Some(f.enrolments[half - 1]));
    let all: Vec<Line<'_>> = f.enrolments.iter().map(|e| (*e, "late", "", None)).collect();
    let res = post_sheet(&app, &lecturer, &path, session, &all).await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let text = main_text(&res.text().await.unwrap());
    assert!(!text.contains("failing midway"), "the database's error stays in the server: {text}");
    assert_eq!(stored(&app, session), before, "the lines inserted before the failure are rolled back with it");

    // The connection that failed writes again, and the same form saves now.
    fail_updates_of(&app, None);
    let res = post_sheet(&app, &lecturer, &path, session, &all).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let after = stored(&app, session);
    assert_eq!(after.len(), f.enrolments.len());
    assert!(after.iter().all(|line| line.1 == "late"), "{after:?}");
}

#[tokio::test]
async fn nobody_marks_a_session_that_has_not_started_and_another_lecturers_session_is_not_found() {
    let app = spawn_app().await;
    let f = fixture(&app);
    let staff = app.login(STAFF).await;
    let path = sheet_path(&f, TOMORROW);
    let (status, html) = staff.page(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(main_text(&html).contains("Buổi học chưa bắt đầu"));
    assert!(!html.contains("data-mark-all"), "no form for a session to come");
    let res = post_sheet(&app, &staff, &path, f.sessions[TOMORROW].id, &[(f.enrolments[0], "present", "", None)]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(main_text(&res.text().await.unwrap()).contains("chưa bắt đầu"));
    assert!(stored(&app, f.sessions[TOMORROW].id).is_empty());
    // The clock reaches the session: now it can be marked (by a new login: the old one idled out).
    app.advance(Duration::from_secs(36 * 3600));
    let staff = app.login(STAFF).await;
    let res = post_sheet(&app, &staff, &path, f.sessions[TOMORROW].id, &[(f.enrolments[0], "present", "", None)]).await;
    assert_redirect(&res, &path);

    // The other class's sessions have no lecturer: the demo lecturer finds nothing there, nor
    // a session through another class's address.
    let lecturer = app.login(LECTURER).await;
    let other = format!("/classes/{}/sessions/{}/attendance", f.other_class, f.other_sessions[0].id);
    assert_eq!(lecturer.get(&other).await.status(), StatusCode::NOT_FOUND);
    let res =
        post_sheet(&app, &lecturer, &other, f.other_sessions[0].id, &[(f.other_enrolments[0], "present", "", None)])
            .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let crossed = format!("/classes/{}/sessions/{}/attendance", f.other_class, f.sessions[0].id);
    assert_eq!(staff.get(&crossed).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(staff.get(&other).await.status(), StatusCode::OK, "staff mark any class");
    for path in [format!("/classes/{}/sessions/{}/checkin", f.other_class, f.other_sessions[NOW].id)] {
        assert_eq!(lecturer.get(&path).await.status(), StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn a_line_checked_in_meanwhile_is_not_overwritten_blindly() {
    let app = spawn_app().await;
    let f = fixture(&app);
    let lecturer = app.login(LECTURER).await;
    let learner = app.login(LEARNER).await;
    let path = sheet_path(&f, NOW);
    let session = f.sessions[NOW].id;
    // The lecturer opens the sheet (nothing marked), then the learner checks in by QR.
    let (_, before) = lecturer.page(&path).await;
    assert_eq!(hidden(&before, &format!("v{}", f.enrolments[0])), "0");
    let (_, html) = check_in_with(&learner, &token_now(&app, session)).await;
    assert!(main_text(&html).contains("Đã điểm danh"), "{}", main_text(&html));
    // The lecturer's form still says version 0 for that line and "unexcused".
    let (a, b) = (f.enrolments[0], f.enrolments[1]);
    let fields = [
        field("e", a),
        field(format!("s{a}"), "unexcused"),
        field(format!("v{a}"), 0),
        field("e", b),
        field(format!("s{b}"), "present"),
        field(format!("v{b}"), 0),
    ];
    let res = post_fields(&lecturer, &path, &fields).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(main_text(&html).contains("vừa được cập nhật thành «Có mặt»"), "{}", main_text(&html));
    let rows = stored(&app, session);
    assert_eq!(rows.len(), 1, "nothing of the lecturer's save was written");
    assert_eq!((rows[0].1.as_str(), rows[0].4.as_str()), ("present", "qr"));
    // The re-rendered form carries the new version: saving again overwrites knowingly.
    let version = hidden(&html, &format!("v{a}"));
    assert_eq!(version, "1");
    let fields = [field("e", a), field(format!("s{a}"), "late"), field(format!("v{a}"), version)];
    assert_redirect(&post_fields(&lecturer, &path, &fields).await, &path);
    assert_eq!(stored(&app, session)[0].1, "late");
}

// ---------------------------------------------------------------------------------------------
// Eligibility

/// The summary's line of a learner, from their name on (the name ends where a space follows,
/// so "Nguyễn Văn An" does not find "Nguyễn Văn Anh").
fn summary_line(text: &str, name: &str) -> String {
    let start = text.find(&format!("{name} ")).unwrap_or_else(|| panic!("{name} not in {text}"));
    text[start..].chars().take(160).collect()
}

fn name_of(app: &TestApp, person: i64) -> String {
    people::find(&mut app.conn(), &Scope::All, person).unwrap().full_name
}

#[tokio::test]
async fn twenty_percent_is_the_limit_boundary_included() {
    let app = spawn_app().await;
    let f = fixture(&app);
    let lecturer = app.login(LECTURER).await;
    // Ten sessions: two absences (20 %) are allowed, three are not. Learner 1 misses two
    // (one excused, one not), learner 2 three.
    let (two, three) = (f.enrolments[1], f.enrolments[2]);
    for k in 0..HELD {
        let mut absent: Vec<(i64, &str, &str)> = Vec::new();
        if k < 2 {
            absent.push((two, if k == 0 { "excused" } else { "unexcused" }, "Ốm"));
        }
        if k < 3 {
            absent.push((three, "excused", "Đi công tác"));
        }
        mark(&app, &lecturer, &f, k, &absent).await;
    }
    let (status, html) = lecturer.page(&format!("/classes/{}/attendance", f.class)).await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&html);
    let line_two = summary_line(&text, &name_of(&app, f.people[1]));
    assert!(line_two.contains("Đủ điều kiện đến nay"), "{line_two}");
    assert!(line_two.contains("không được vắng thêm buổi nào") && line_two.contains("20%"), "{line_two}");
    let line_three = summary_line(&text, &name_of(&app, f.people[2]));
    assert!(line_three.contains("Không đủ điều kiện") && line_three.contains("30%"), "{line_three}");
    assert!(text.contains("Vắng không quá 20% số buổi (2/10 buổi)"), "{text}");

    // The last two sessions held and marked: learner 1 at exactly 20 % is eligible for good.
    mark(&app, &lecturer, &f, NOW, &[]).await;
    app.advance(Duration::from_secs(36 * 3600));
    let lecturer = app.login(LECTURER).await;
    mark(&app, &lecturer, &f, TOMORROW, &[]).await;
    let text = main_text(&lecturer.page(&format!("/classes/{}/attendance", f.class)).await.1);
    let line_two = summary_line(&text, &name_of(&app, f.people[1]));
    assert!(line_two.starts_with(&format!("{} Đủ điều kiện 8/10", name_of(&app, f.people[1]))), "{line_two}");
}

#[tokio::test]
async fn an_unexcused_absence_disqualifies_only_under_the_optional_rule_and_a_make_up_counts() {
    let app = spawn_app().await;
    let f = fixture(&app);
    let staff = app.login(STAFF).await;
    let (unexcused, excused, made_up) = (f.enrolments[1], f.enrolments[2], f.enrolments[3]);
    let other_same_lesson = f.other_sessions[0].id;
    // Session 1: one unexcused, one excused, one made up in the other class's session of the
    // same lesson (staff record it).
    let lines: Vec<Line<'_>> = f
        .enrolments
        .iter()
        .map(|e| match *e {
            e if e == unexcused => (e, "unexcused", "", None),
            e if e == excused => (e, "excused", "Ốm, có giấy của trạm y tế", None),
            e if e == made_up => (e, "made_up", "", Some(other_same_lesson)),
            e => (e, "present", "", None),
        })
        .collect();
    let res = post_sheet(&app, &staff, &sheet_path(&f, 0), f.sessions[0].id, &lines).await;
    assert_redirect(&res, &sheet_path(&f, 0));
    let row = stored(&app, f.sessions[0].id).into_iter().find(|r| r.0 == made_up).unwrap();
    assert_eq!((row.1.as_str(), row.3), ("made_up", Some(other_same_lesson)));
    let row = stored(&app, f.sessions[0].id).into_iter().find(|r| r.0 == excused).unwrap();
    assert_eq!(row.2.as_deref(), Some("Ốm, có giấy của trạm y tế"));

    let summary = format!("/classes/{}/attendance", f.class);
    let text = main_text(&staff.page(&summary).await.1);
    assert!(summary_line(&text, &name_of(&app, f.people[1])).contains("đến nay"), "no rule yet: {text}");
    let made_up_line = summary_line(&text, &name_of(&app, f.people[3]));
    assert!(
        made_up_line.contains("1/10") && made_up_line.contains(" 0%"),
        "a make-up counts as attended: {made_up_line}"
    );

    // The program's optional rule: any unexcused absence disqualifies; excused ones do not.
    diesel::update(programs_t::table)
        .set(programs_t::unexcused_disqualifies.eq(true))
        .execute(&mut *app.conn())
        .unwrap();
    let text = main_text(&staff.page(&summary).await.1);
    let line = summary_line(&text, &name_of(&app, f.people[1]));
    assert!(line.contains("Không đủ điều kiện") && line.contains("vắng không phép"), "{line}");
    assert!(summary_line(&text, &name_of(&app, f.people[2])).contains("đến nay"), "excused still eligible");
    assert!(text.contains("có buổi vắng không phép thì không đủ điều kiện"));

    // A lecturer does not record make-ups; a make-up must be the same lesson in another class.
    let lecturer = app.login(LECTURER).await;
    let res = post_sheet(
        &app,
        &lecturer,
        &sheet_path(&f, 1),
        f.sessions[1].id,
        &[(made_up, "made_up", "", Some(f.other_sessions[1].id))],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("Chỉ giáo vụ ghi nhận học bù"));
    for wrong in [f.other_sessions[2].id, f.sessions[0].id] {
        let res =
            post_sheet(&app, &staff, &sheet_path(&f, 1), f.sessions[1].id, &[(made_up, "made_up", "", Some(wrong))])
                .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "session {wrong}");
        assert!(main_text(&res.text().await.unwrap()).contains("cùng bài của một lớp khác"));
    }
    assert!(stored(&app, f.sessions[1].id).is_empty());
}

#[tokio::test]
async fn the_limit_email_goes_once_to_the_learner_and_the_secretary() {
    let app = spawn_app().await;
    let f = fixture(&app);
    let lecturer = app.login(LECTURER).await;
    // The learner of the secretary's cell with an email address.
    let (index, person) = f
        .people
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, p)| {
            f.secretary_people.contains(p) && people::find(&mut app.conn(), &Scope::All, **p).unwrap().email.is_some()
        })
        .map(|(i, p)| (i, *p))
        .expect("a learner of the secretary's cell with an email");
    let enrolment = f.enrolments[index];
    let learner_email = people::find(&mut app.conn(), &Scope::All, person).unwrap().email.unwrap();
    let keys = |app: &TestApp| -> Vec<String> {
        outbox::table
            .filter(outbox::message_key.like(format!("absence-limit:{enrolment}%")))
            .select(outbox::message_key)
            .order(outbox::message_key)
            .load(&mut *app.conn())
            .unwrap()
    };
    for k in 0..2 {
        mark(&app, &lecturer, &f, k, &[(enrolment, "excused", "Ốm")]).await;
    }
    assert!(keys(&app).is_empty(), "two absences of ten are allowed");
    mark(&app, &lecturer, &f, 2, &[(enrolment, "unexcused", "")]).await;
    let (_, html) = lecturer.page(&sheet_path(&f, 2)).await;
    assert!(main_text(&html).contains("1 học viên đã vắng quá số buổi cho phép"), "{}", main_text(&html));
    let secretary = app.account_id(SECRETARY);
    assert_eq!(
        keys(&app),
        vec![format!("absence-limit:{enrolment}"), format!("absence-limit:{enrolment}:secretary:{secretary}")]
    );
    let raw = app.wait_for_file_about(&learner_email, "Thông báo vắng quá", 10).await;
    let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
    let body = message.body_text(0).unwrap().to_string();
    assert!(body.contains("đã vắng 3/10 buổi học (2 buổi có phép, 1 buổi không phép)"), "{body}");
    assert!(
        body.contains("không đủ điều kiện viết bài thu hoạch") && body.contains("học lại ở một khóa sau"),
        "{body}"
    );
    assert!(!body.contains("bạn"), "{body}");
    // The demo's secretary gets other emails too (certificates of their people).
    let raw = app.wait_for_file_about(SECRETARY, &format!("Học viên {}", name_of(&app, person)), 10).await;
    let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
    let body = message.body_text(0).unwrap().to_string();
    assert!(body.contains(&format!("học viên {}", name_of(&app, person))), "{body}");
    assert!(body.contains("Kính gửi đồng chí"), "{body}");
    // A fourth absence sends nothing more.
    mark(&app, &lecturer, &f, 3, &[(enrolment, "unexcused", "")]).await;
    assert_eq!(keys(&app).len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Freeze and amendment

#[tokio::test]
async fn the_sheet_freezes_at_assessing_and_staff_amend_it_with_a_reason_in_the_audit_log() {
    let app = spawn_app().await;
    let f = fixture(&app);
    let lecturer = app.login(LECTURER).await;
    mark(&app, &lecturer, &f, 0, &[(f.enrolments[1], "unexcused", "")]).await;
    set_status(&app, f.class, "assessing");
    let path = sheet_path(&f, 0);
    let (status, html) = lecturer.page(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(main_text(&html).contains("điểm danh đã khóa"));
    assert!(!html.contains("name=\"e\""), "no form for the lecturer");
    let res = post_sheet(&app, &lecturer, &path, f.sessions[0].id, &[(f.enrolments[1], "present", "", None)]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let staff = app.login(STAFF).await;
    let res = post_sheet(&app, &staff, &path, f.sessions[0].id, &[(f.enrolments[1], "present", "", None)]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT, "staff too go through the amendment");
    let res = post_sheet(
        &app,
        &lecturer,
        &format!("{path}/amend"),
        f.sessions[0].id,
        &[(f.enrolments[1], "present", "", None)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "lecturers do not amend");

    let (_, html) = staff.page(&path).await;
    assert!(html.contains(&format!("action=\"{path}/amend\"")) && html.contains("amendment_reason"));
    let amend = format!("{path}/amend");
    let e = f.enrolments[1];
    let mut fields = vec![
        field("e", e),
        field(format!("s{e}"), "excused"),
        field(format!("r{e}"), "Giấy nghỉ ốm nộp sau"),
        field(format!("v{e}"), version_of(&app, f.sessions[0].id, e)),
    ];
    let res = post_fields(&staff, &amend, &fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(main_text(&html).contains("Ghi lý do điều chỉnh"));
    assert!(html.contains(&format!("name=\"s{e}\" value=\"excused\" checked")), "typed values kept");
    assert_eq!(stored(&app, f.sessions[0].id).iter().find(|r| r.0 == e).unwrap().1, "unexcused");

    fields.push(field("amendment_reason", "Học viên nộp giấy xác nhận nghỉ ốm của bệnh viện ngày 14/03"));
    assert_redirect(&post_fields(&staff, &amend, &fields).await, &path);
    let row = stored(&app, f.sessions[0].id).into_iter().find(|r| r.0 == f.enrolments[1]).unwrap();
    assert_eq!(
        (row.1.as_str(), row.2.as_deref(), row.4.as_str()),
        ("excused", Some("Giấy nghỉ ốm nộp sau"), "amendment")
    );
    let (reason, before, after): (Option<String>, Option<String>, Option<String>) = audit_events::table
        .filter(audit_events::entity.eq("session"))
        .filter(audit_events::entity_id.eq(f.sessions[0].id))
        .filter(audit_events::action.eq("amend_attendance"))
        .select((audit_events::reason, audit_events::before_json, audit_events::after_json))
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(reason.as_deref(), Some("Học viên nộp giấy xác nhận nghỉ ốm của bệnh viện ngày 14/03"));
    assert!(before.unwrap().contains("unexcused") && after.unwrap().contains("excused"));
    let (_, log) = app.login(ADMIN).await.page("/audit").await;
    assert!(main_text(&log).contains("Học viên nộp giấy xác nhận nghỉ ốm"), "the audit log shows the reason");
}

// ---------------------------------------------------------------------------------------------
// QR self check-in

#[tokio::test]
async fn qr_check_in_marks_present_then_late_once_per_learner_and_the_screen_fills_up() {
    let app = spawn_app().await;
    let f = fixture(&app);
    let session = f.sessions[NOW].id;
    let lecturer = app.login(LECTURER).await;
    let screen = format!("/classes/{}/sessions/{session}/checkin", f.class);
    let (status, html) = lecturer.page(&screen).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("/assets/js/checkin.js") && html.contains("data-code"), "the live screen");
    assert!(!html.contains("<script>"), "no inline script");
    let step = checkin::step_at(app.config.clock.unix());
    let code = checkin::code(&key(&app), session, step);
    assert!(
        html.contains(&checkin::format_code(&code))
            || html.contains(&checkin::format_code(&checkin::code(&key(&app), session, step + 1))),
        "the screen shows the short code"
    );
    let res = lecturer.get(&format!("{screen}/qr.svg?step={step}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    assert!(res.text().await.unwrap().contains("<svg"));
    let status: serde_json::Value = lecturer.get(&format!("{screen}/status.json")).await.json().await.unwrap();
    assert_eq!(status["window"], "open");
    assert_eq!(status["count"], format!("Đã có mặt: 0/{} học viên", f.enrolments.len() + 1));

    // The demo learner scans: present (the session started five minutes ago).
    let learner = app.login(LEARNER).await;
    let token = token_now(&app, session);
    let (_, html) = learner.page(&format!("/checkin?t={token}")).await;
    assert!(html.contains("Xác nhận có mặt") && main_text(&html).contains("Buổi 9"), "{}", main_text(&html));
    let res = learner.post("/checkin", &[("ticket", &hidden(&html, "ticket"))]).await;
    assert_redirect(&res, "/checkin");
    let text = main_text(&learner.page("/checkin").await.1);
    assert!(text.contains("Đã điểm danh: Có mặt"), "{text}");
    // The same token again: once per learner.
    let (_, html) = learner.page(&format!("/checkin?t={token}")).await;
    assert!(main_text(&html).contains("Đã điểm danh buổi học này: Có mặt"), "{}", main_text(&html));
    assert!(!html.contains("name=\"ticket\""));
    // Another learner uses the same token (a replay is fine): present too. Eleven minutes
    // later a third is late (past the 15 minutes of grace).
    let second = learner_of(&app, f.people[1], "hocvien2@boiduong.test").await;
    let (_, text) = check_in_with(&second, &token).await;
    assert!(main_text(&text).contains("Đã điểm danh: Có mặt"), "{}", main_text(&text));
    app.advance(Duration::from_secs(11 * 60));
    let third = learner_of(&app, f.people[2], "hocvien3@boiduong.test").await;
    let (_, text) = check_in_with(&third, &token_now(&app, session)).await;
    assert!(main_text(&text).contains("Đã điểm danh: Đi muộn"), "{}", main_text(&text));
    let rows = stored(&app, session);
    let statuses: Vec<(&str, &str)> = rows.iter().map(|r| (r.1.as_str(), r.4.as_str())).collect();
    assert_eq!(statuses, vec![("present", "qr"), ("present", "qr"), ("late", "qr")]);
    // The screen's status has filled up.
    let status: serde_json::Value = lecturer.get(&format!("{screen}/status.json")).await.json().await.unwrap();
    assert_eq!(status["count"], format!("Đã có mặt: 3/{} học viên", f.enrolments.len() + 1));
    let marked: Vec<i64> =
        status["lines"].as_array().unwrap().iter().filter(|l| l["s"] != "").map(|l| l["e"].as_i64().unwrap()).collect();
    assert_eq!(marked.len(), 3);
    assert!(marked.contains(&f.enrolments[0]));
}

#[tokio::test]
async fn old_foreign_future_and_forged_codes_are_refused_each_with_its_message() {
    let app = spawn_app().await;
    let f = fixture(&app);
    let learner = app.login(LEARNER).await;
    let session = f.sessions[NOW].id;

    // Another session's code: the other class meets now too, and the learner is not in it.
    let (status, html) = learner.page(&format!("/checkin?t={}", token_now(&app, f.other_sessions[NOW].id))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&html).contains("Mã này là của buổi học khác"), "{}", main_text(&html));
    // A learner of the other class alone, scanning this class's code: not on the roster.
    let outsider = learner_of(&app, f.other_people[0], "ngoailop@boiduong.test").await;
    let (status, html) = outsider.page(&format!("/checkin?t={}", token_now(&app, session))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&html).contains("Mã này là của buổi học khác"), "{}", main_text(&html));
    let stranger = learner_of(&app, f.stranger, "nguoingoai@boiduong.test").await;
    let (_, html) = stranger.page(&format!("/checkin?t={}", token_now(&app, session))).await;
    assert!(main_text(&html).contains("không có tên trong danh sách học viên"), "{}", main_text(&html));
    // A session in the future, whose code nobody was shown (made with the key).
    let (_, html) = learner.page(&format!("/checkin?t={}", token_now(&app, f.sessions[TOMORROW].id))).await;
    assert!(main_text(&html).contains("Buổi học chưa bắt đầu"), "{}", main_text(&html));
    // A session that is over.
    let (_, html) = learner.page(&format!("/checkin?t={}", token_now(&app, f.sessions[0].id))).await;
    assert!(main_text(&html).contains("Buổi học đã kết thúc"), "{}", main_text(&html));
    // A forged one.
    let forged =
        checkin::token(&CheckinKey::from_secret(&"x".repeat(64)), session, checkin::step_at(app.config.clock.unix()));
    let (_, html) = learner.page(&format!("/checkin?t={forged}")).await;
    assert!(main_text(&html).contains("Mã điểm danh không hợp lệ"));
    // An old one: two steps later it has expired.
    let old = token_now(&app, session);
    app.advance(Duration::from_secs(2 * checkin::STEP_SECONDS as u64 + 1));
    let (status, html) = learner.page(&format!("/checkin?t={old}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&html).contains("Mã điểm danh đã hết hạn"), "{}", main_text(&html));
    // A confirmation older than two minutes.
    let (_, html) = learner.page(&format!("/checkin?t={}", token_now(&app, session))).await;
    let ticket = hidden(&html, "ticket");
    app.advance(Duration::from_secs(121));
    let res = learner.post("/checkin", &[("ticket", &ticket)]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("Đã quá 2 phút"));
    // Nobody got marked by any of this.
    assert!(stored(&app, session).is_empty());
    assert!(stored(&app, f.other_sessions[NOW].id).is_empty());

    // The short code: a wrong one is refused, the one on the screen works.
    let res = learner.post("/checkin", &[("code", "12 34")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("Nhập đủ 6 chữ số"));
    let step = checkin::step_at(app.config.clock.unix());
    let right = checkin::code(&key(&app), session, step);
    let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);
    let res = learner.post("/checkin", &[("code", &wrong)]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("Mã không đúng hoặc đã hết hạn"));
    let res = learner.post("/checkin", &[("code", &checkin::format_code(&right))]).await;
    assert_redirect(&res, "/checkin");
    assert_eq!(stored(&app, session).len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Summary, exports, printables, portals and scopes

#[tokio::test]
async fn the_summary_exports_to_excel_and_the_sign_in_sheet_prints() {
    let app = spawn_app().await;
    let f = fixture(&app);
    let staff = app.login(STAFF).await;
    mark(&app, &staff, &f, 0, &[(f.enrolments[1], "excused", "Ốm")]).await;
    let res = staff.get(&format!("/classes/{}/attendance.xlsx", f.class)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains(".xlsx"));
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"));
    let cells = xlsx_cells(&bytes);
    assert!(cells.iter().any(|c| c == &name_of(&app, f.people[1])), "{cells:?}");
    assert!(cells.iter().any(|c| c == "Điều kiện viết thu hoạch"));

    let (status, html) = staff.page(&format!("/classes/{}/sessions/{}/sheet", f.class, f.sessions[0].id)).await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&html);
    assert!(text.contains("DANH SÁCH HỌC VIÊN KÝ TÊN") || text.contains("Danh sách học viên ký tên"), "{text}");
    assert!(text.contains("Ký tên") && text.contains(&name_of(&app, f.people[0])));
    assert!(text.contains("TRƯỜNG CHÍNH TRỊ TỈNH ĐẮK LẮK") && text.contains("ĐẢNG CỘNG SẢN VIỆT NAM"), "{text}");
    assert!(
        text.contains(&format!("Tổng số: {} học viên", f.enrolments.len())),
        "the late enrollee is not on session 1"
    );
}

#[tokio::test]
async fn learners_see_their_own_classes_and_secretaries_their_own_people() {
    let app = spawn_app().await;
    let f = fixture(&app);
    let staff = app.login(STAFF).await;
    mark(&app, &staff, &f, 0, &[(f.enrolments[0], "excused", "Ốm, có giấy của trạm y tế")]).await;
    mark(&app, &staff, &f, 1, &[]).await;

    let learner = app.login(LEARNER).await;
    let (status, html) = learner.page("/me/results").await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&html);
    assert!(text.contains("Lớp bồi dưỡng nhận thức về Đảng khóa II năm 2026"), "{text}");
    assert!(!text.contains("khóa III năm 2026"), "not a class they are not in: {text}");
    assert!(
        text.contains("Có mặt 1/10 buổi") && text.contains("Vắng có phép 1") && text.contains("Tỷ lệ vắng 10%"),
        "{text}"
    );
    assert!(text.contains("Đủ điều kiện viết thu hoạch") && text.contains("còn được vắng tối đa 1 buổi"), "{text}");
    assert!(text.contains("Ốm, có giấy của trạm y tế"), "the session list shows the reason");
    // Another learner's page is theirs only.
    let other = learner_of(&app, f.other_people[0], "lopkhac@boiduong.test").await;
    let text = main_text(&other.page("/me/results").await.1);
    assert!(text.contains("khóa III năm 2026") && !text.contains("khóa II năm 2026"), "{text}");
    // Learners do not reach the class pages.
    assert_eq!(learner.get(&format!("/classes/{}/attendance", f.class)).await.status(), StatusCode::FORBIDDEN);

    // The secretary sees the people of their cell in the class, no one else's, and not the
    // class they have no one in.
    let secretary = app.login(SECRETARY).await;
    let (status, html) = secretary.page(&format!("/classes/{}/attendance", f.class)).await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&html);
    for (i, person) in f.people.iter().enumerate() {
        let name = format!("{} ", name_of(&app, *person));
        assert_eq!(text.contains(&name), f.secretary_people.contains(person), "learner {i} {name}: {text}");
    }
    assert_eq!(secretary.get(&format!("/classes/{}/attendance", f.other_class)).await.status(), StatusCode::NOT_FOUND);
    let bytes = secretary.get(&format!("/classes/{}/attendance.xlsx", f.class)).await.bytes().await.unwrap();
    let outsider = name_of(&app, *f.people.last().unwrap());
    let cells = xlsx_cells(&bytes);
    assert!(!cells.contains(&outsider), "the export is scoped too");
    assert!(cells.contains(&name_of(&app, f.people[0])));
    // Secretaries do not mark.
    assert_eq!(secretary.get(&sheet_path(&f, 0)).await.status(), StatusCode::FORBIDDEN);
    let (_, index) = secretary.page("/attendance").await;
    assert!(index.contains(&format!("/classes/{}/attendance", f.class)));
    assert!(!index.contains(&format!("/classes/{}/attendance", f.other_class)));
    // The lecturer's list: today's session of their class with its check-in.
    let (_, index) = app.login(LECTURER).await.page("/attendance").await;
    assert!(index.contains(&format!("/classes/{}/sessions/{}/checkin", f.class, f.sessions[NOW].id)), "{index}");
    assert!(!index.contains(&format!("/classes/{}/sessions/{}/", f.other_class, f.other_sessions[NOW].id)));
}

#[tokio::test]
async fn the_demo_takes_attendance_with_absences_a_make_up_and_learners_over_the_limit() {
    let app = spawn_app().await;
    let f = fixture(&app);
    // The demo's classes: one assessing (all its sessions held), one running (so far).
    set_status(&app, f.other_class, "assessing");
    let mail = boiduong::mail::invitations::MailContext::for_config(&app.config);
    boiduong::demo::attendance(&mut app.conn(), &mail, app.config.clock.local_now()).unwrap();
    type Row = (i64, i64, String, Option<String>, Option<i64>);
    let all: Vec<Row> = attendance::table
        .select((
            attendance::enrolment_id,
            attendance::session_id,
            attendance::status,
            attendance::reason,
            attendance::made_up_session_id,
        ))
        .load(&mut *app.conn())
        .unwrap();
    let other_ids: Vec<i64> = f.other_sessions.iter().map(|s| s.id).collect();
    assert_eq!(
        all.iter().filter(|r| other_ids.contains(&r.1)).count(),
        f.other_sessions.len() * f.other_enrolments.len(),
        "every session of the assessing class is marked"
    );
    assert!(
        all.iter().all(|r| f.sessions.iter().find(|s| s.id == r.1).is_none_or(|s| s.seq <= NOW as i32 + 1)),
        "the running class only for the sessions held"
    );
    assert!(all.iter().any(|r| r.2 == "excused" && r.3.is_some()));
    assert!(all.iter().any(|r| r.2 == "unexcused"));
    assert_eq!(all.iter().filter(|r| r.2 == "made_up" && r.4.is_some()).count(), 1, "one make-up");
    let rules = programs::all(&mut app.conn()).unwrap().into_iter().find(|p| p.code == "NTVD").unwrap().rules();
    let over: Vec<i64> = boiduong::store::attendance::tallies(&mut app.conn(), f.other_class)
        .unwrap()
        .into_iter()
        .filter(|(_, t)| {
            boiduong::domain::attendance::eligibility(t, &rules)
                == boiduong::domain::attendance::Eligibility::CannotBecomeEligible
        })
        .map(|(e, _)| e)
        .collect();
    assert!(over.len() >= 2, "two learners of the assessing class are over the limit: {over:?}");
    for (enrolment, person) in f.other_enrolments.iter().zip(&f.other_people) {
        let has_email = people::find(&mut app.conn(), &Scope::All, *person).unwrap().email.is_some();
        let queued: i64 = outbox::table
            .filter(outbox::message_key.eq(format!("absence-limit:{enrolment}")))
            .count()
            .get_result(&mut *app.conn())
            .unwrap();
        assert_eq!(queued == 1, over.contains(enrolment) && has_email, "the limit email of {enrolment}");
    }
}

/// LOCAL ONLY: classes for the browser test's screenshots.
pub async fn browser_fixture(app: &TestApp) {
    let f = fixture(app);
    let staff = app.login(STAFF).await;
    for k in 0..HELD {
        let absent: Vec<(i64, &str, &str)> = match k {
            0 => vec![
                (f.enrolments[1], "excused", "Ốm, có giấy xác nhận của trạm y tế xã"),
                (f.enrolments[2], "unexcused", ""),
            ],
            1 => vec![(f.enrolments[2], "unexcused", ""), (f.enrolments[3], "late", "")],
            2 => vec![(f.enrolments[2], "excused", "Đi công tác")],
            _ => vec![],
        };
        mark(app, &staff, &f, k, &absent).await;
    }
    let res = post_sheet(
        app,
        &staff,
        &sheet_path(&f, 3),
        f.sessions[3].id,
        &[(f.enrolments[4], "made_up", "", Some(f.other_sessions[3].id))],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}
