//! Calendars: the week and month views show each role exactly its sessions (staff everything,
//! with working filters; a lecturer the sessions they teach; a learner their classes'; a
//! secretary their chi bộ's learners' classes), and the iCalendar feeds at secret links parse
//! back as valid RFC 5545 with the right events, Vietnam's time zone, folded Vietnamese text
//! and escaped commas and semicolons; a revoked link stops at once and answers exactly like an
//! unknown one.

use std::time::Duration;

use boiduong::domain::calendar::week_start;
use boiduong::domain::dates;
use boiduong::domain::role::Role;
use boiduong::store::audit::Actor;
use boiduong::store::classes::{self, ClassInput};
use boiduong::store::issuers::{self, IssuerInput};
use boiduong::store::sessions::{self, SessionInput};
use boiduong::store::users::{self, NewUser};
use boiduong::store::venues::{self, RoomInput, VenueInput};
use boiduong::store::{Scope, enrolments, people, programs};
use diesel::prelude::*;
use reqwest::StatusCode;
use time::{Date, Duration as Days, PrimitiveDateTime, Time};

use crate::helpers::*;

const LECTURER_2: &str = "giangvien2@boiduong.test";
const LEARNER_2: &str = "hocvien2@boiduong.test";

/// Four sessions, one title each, so a page shows which it holds.
const A1: &str = "Khái quát lịch sử Đảng Cộng sản Việt Nam";
const A2: &str = "Cương lĩnh xây dựng đất nước trong thời kỳ quá độ lên chủ nghĩa xã hội";
const B1: &str = "Thảo luận, ôn tập; giải đáp";
const B2: &str = "Viết thu hoạch, bế giảng";
const ADDRESS: &str = "01 Lê Duẩn, phường Buôn Ma Thuột; tỉnh Đắk Lắk";

/// The school's week: class A meets Monday morning (A1, the demo lecturer, room A2 in Buôn Ma
/// Thuột) and Tuesday afternoon (A2, the second lecturer, same room); class B Monday afternoon
/// (B1, the second lecturer, room B1 in Tuy Hòa) and the next Wednesday (B2, the demo lecturer).
/// The demo learner is in class A, a second learner of another chi bộ in class B. "Today" is
/// moved to that Monday, in the middle of a month, so a week and its next fit in one month.
struct School {
    monday: Date,
    class_a: i64,
    class_b: i64,
    venue_bmt: i64,
    venue_tuy_hoa: i64,
    room_a2: i64,
    lecturer_1: i64,
    lecturer_2: i64,
    year: i32,
}

fn at(day: Date, h: u8, m: u8) -> PrimitiveDateTime {
    PrimitiveDateTime::new(day, Time::from_hms(h, m, 0).unwrap())
}

fn session(title: &str, starts_at: PrimitiveDateTime, room: i64, lecturer: i64) -> SessionInput {
    SessionInput {
        lesson_id: None,
        title: title.into(),
        periods: 5,
        starts_at,
        ends_at: starts_at + Days::minutes(210),
        room_id: Some(room),
        lecturer_user_id: Some(lecturer),
        guest_speaker_id: None,
    }
}

fn account(app: &TestApp, email: &str, name: &str, role: Role, person_id: Option<i64>) -> i64 {
    users::create(
        &mut app.conn(),
        &Actor::system("kiểm thử"),
        &NewUser {
            email: email.into(),
            display_name: name.into(),
            password_hash: Some(boiduong::credentials::password::hash(DEMO_PASSWORD)),
            roles: vec![role],
            secretary_units: vec![],
            person_id,
            one_time_password_until: None,
        },
    )
    .unwrap()
}

async fn school() -> (TestApp, School) {
    let app = spawn_app().await;
    app.without_demo_classes();
    let actor = Actor::system("kiểm thử");
    let today = app.config.clock.today();
    // The second Monday of next month: it and the Wednesday after are in the same month.
    let next_month = boiduong::domain::calendar::View::Month.next(today);
    let monday = week_start(next_month) + Days::days(7);
    let ahead = (monday - today).whole_days() as u64;
    app.advance(Duration::from_secs(ahead * 86_400));
    assert_eq!(app.config.clock.today(), monday);

    let mut c = app.conn();
    let venue = |name: &str, address: &str| VenueInput {
        name: name.into(),
        address: address.into(),
        place: "Buôn Ma Thuột".into(),
        active: true,
    };
    let venue_bmt = venues::create_venue(&mut c, &actor, &venue("Cơ sở Hòa Thắng", ADDRESS)).unwrap();
    let venue_tuy_hoa = venues::create_venue(&mut c, &actor, &venue("Cơ sở Ea Kao", "Tuy Hòa")).unwrap();
    let room = |venue_id: i64, name: &str| RoomInput { venue_id, name: name.into(), capacity: 60, active: true };
    let room_a2 = venues::create_room(&mut c, &actor, &room(venue_bmt, "A2")).unwrap();
    let room_b1 = venues::create_room(&mut c, &actor, &room(venue_tuy_hoa, "B1")).unwrap();
    let issuer = issuers::create(
        &mut c,
        &actor,
        &IssuerInput {
            kind: "school".into(),
            superior_name: "TỈNH ỦY ĐẮK LẮK".into(),
            name: "TRƯỜNG CHÍNH TRỊ TỈNH (kiểm thử)".into(),
            org_unit_id: None,
            place: "Buôn Ma Thuột".into(),
            signer_delegation: "KT. HIỆU TRƯỞNG".into(),
            signer_title: "PHÓ HIỆU TRƯỞNG".into(),
            signer_name: "Trần Văn Thành".into(),
            active: true,
        },
    )
    .unwrap();
    let program = programs::all(&mut c).unwrap().into_iter().find(|p| p.code == "NTVD").unwrap().id;
    let year = monday.year();
    let class = |ordinal: i32, venue_id: i64| ClassInput {
        program_id: program,
        year,
        ordinal,
        issuer_id: issuer,
        co_org_unit_id: None,
        venue_id,
        first_day: monday,
        last_day: monday + Days::days(9),
        capacity: 60,
        opening_decision_no: String::new(),
        opening_decision_date: None,
        signer_delegation: "KT. HIỆU TRƯỞNG".into(),
        signer_title: "PHÓ HIỆU TRƯỞNG".into(),
        signer_name: "Trần Văn Thành".into(),
    };
    let class_a = classes::create(&mut c, &actor, &class(1, venue_bmt)).unwrap();
    let class_b = classes::create(&mut c, &actor, &class(2, venue_tuy_hoa)).unwrap();
    drop(c);

    let lecturer_1 = app.account_id(LECTURER);
    let lecturer_2 = account(&app, LECTURER_2, "ThS. Nguyễn Thị Hồng Nhung", Role::Lecturer, None);
    let tuesday = monday + Days::days(1);
    let next_wednesday = monday + Days::days(9);
    let mut c = app.conn();
    let plan_a =
        [session(A1, at(monday, 7, 30), room_a2, lecturer_1), session(A2, at(tuesday, 13, 30), room_a2, lecturer_2)];
    sessions::replace_plan(&mut c, &actor, class_a, &plan_a).unwrap().unwrap();
    let plan_b = [
        session(B1, at(monday, 13, 30), room_b1, lecturer_2),
        session(B2, at(next_wednesday, 7, 30), room_b1, lecturer_1),
    ];
    sessions::replace_plan(&mut c, &actor, class_b, &plan_b).unwrap().unwrap();

    // The demo learner (of the demo secretary's chi bộ) in class A; someone of another chi bộ in B.
    let learner_1 = users::find_by_email(&mut c, LEARNER).unwrap().unwrap().person_id.unwrap();
    let own_unit = people::find(&mut c, &Scope::All, learner_1).unwrap().org_unit_id;
    let everyone =
        people::list(&mut c, &Scope::All, &people::PeopleQuery { page: 1, per_page: 500, ..Default::default() })
            .unwrap()
            .items;
    let learner_2 = everyone.iter().find(|p| p.org_unit_id != own_unit).unwrap().id;
    enrolments::enrol(&mut c, &actor, class_a, learner_1, enrolments::SOURCE_STAFF, monday).unwrap();
    enrolments::enrol(&mut c, &actor, class_b, learner_2, enrolments::SOURCE_STAFF, monday).unwrap();
    drop(c);
    account(&app, LEARNER_2, "Học viên hai", Role::Learner, Some(learner_2));

    let school = School { monday, class_a, class_b, venue_bmt, venue_tuy_hoa, room_a2, lecturer_1, lecturer_2, year };
    (app, school)
}

/// Which of the four sessions a page shows.
fn shown(html: &str) -> Vec<&'static str> {
    let text = main_text(html);
    [A1, A2, B1, B2].into_iter().filter(|t| text.contains(t)).collect()
}

async fn sessions_on(browser: &Browser, path: &str) -> Vec<&'static str> {
    let (status, html) = browser.page(path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    shown(&html)
}

#[tokio::test]
async fn each_role_sees_exactly_its_sessions_in_the_week_and_the_month() {
    let (app, s) = school().await;
    let month = format!("/calendar?view=month&date={}", dates::iso(s.monday));

    for who in [STAFF, ADMIN] {
        let browser = app.login(who).await;
        assert_eq!(sessions_on(&browser, "/calendar").await, [A1, A2, B1], "{who}: this week");
        assert_eq!(sessions_on(&browser, &month).await, [A1, A2, B1, B2], "{who}: the month");
    }

    let cases: [(&str, &[&str], &[&str]); 5] = [
        (LECTURER, &[A1], &[A1, B2]),
        (LECTURER_2, &[A2, B1], &[A2, B1]),
        (LEARNER, &[A1, A2], &[A1, A2]),
        (LEARNER_2, &[B1], &[B1, B2]),
        // The demo secretary's chi bộ has the demo learner, in class A.
        (SECRETARY, &[A1, A2], &[A1, A2]),
    ];
    for (who, week, in_month) in cases {
        let browser = app.login(who).await;
        assert_eq!(sessions_on(&browser, "/calendar").await, week, "{who}: this week");
        assert_eq!(sessions_on(&browser, &month).await, in_month, "{who}: the month");
        // Filters are the staff's: in anyone else's query they change nothing.
        let filtered = format!("/calendar?lecturer={}&venue={}", s.lecturer_2, s.venue_tuy_hoa);
        assert_eq!(sessions_on(&browser, &filtered).await, week, "{who}: filters ignored");
    }
}

#[tokio::test]
async fn staff_filter_by_venue_room_and_lecturer_and_step_through_weeks() {
    let (app, s) = school().await;
    let staff = app.login(STAFF).await;
    let week = |q: String| format!("/calendar?{q}");
    assert_eq!(sessions_on(&staff, &week(format!("venue={}", s.venue_tuy_hoa))).await, [B1]);
    assert_eq!(sessions_on(&staff, &week(format!("venue={}", s.venue_bmt))).await, [A1, A2]);
    assert_eq!(sessions_on(&staff, &week(format!("room={}", s.room_a2))).await, [A1, A2]);
    assert_eq!(sessions_on(&staff, &week(format!("lecturer={}", s.lecturer_2))).await, [A2, B1]);
    assert_eq!(sessions_on(&staff, &week(format!("lecturer={}&venue={}", s.lecturer_2, s.venue_bmt))).await, [A2]);
    // A filter that is not a number is no filter.
    assert_eq!(sessions_on(&staff, &week("venue=abc&room=".into())).await, [A1, A2, B1]);

    // The filter form shows what is chosen; the next week keeps the filter.
    let (_, html) = staff.page(&week(format!("lecturer={}", s.lecturer_1))).await;
    assert!(html.contains(&format!("<option value=\"{}\" selected>TS. Phạm Minh Tuấn</option>", s.lecturer_1)));
    let next = link_with_rel(&html, "next").expect("a next-week link");
    assert!(next.contains(&format!("lecturer={}", s.lecturer_1)), "{next}");
    assert_eq!(sessions_on(&staff, &next).await, [B2]);
    let (_, html) = staff.page(&next).await;
    let back = link_with_rel(&html, "prev").unwrap();
    assert_eq!(sessions_on(&staff, &back).await, [A1]);

    // Dates the Vietnamese way, today marked, and each session with its time, class, room,
    // venue and teacher, linked to its class for staff.
    let (_, html) = staff.page("/calendar").await;
    let text = main_text(&html);
    let monday = dates::format(s.monday);
    let sunday = dates::format(s.monday + Days::days(6));
    assert!(text.contains(&format!("Tuần từ {monday} đến {sunday} · 3 buổi học")), "{text}");
    assert!(text.contains(&format!("Thứ Hai, {monday} Hôm nay")), "{text}");
    assert!(text.contains(&format!("Thứ Ba, {}", dates::format(s.monday + Days::days(1)))), "{text}");
    assert!(html.contains(&format!("id=\"day-{}\" aria-current=\"date\"", dates::iso(s.monday))));
    let a1 = format!(
        "07:30–11:00 · Buổi 1 {A1} Nhận thức về Đảng khóa I năm {} Phòng học: A2, Cơ sở Hòa Thắng Giảng viên: TS. Phạm Minh Tuấn",
        s.year
    );
    assert!(text.contains(&a1), "{text}");
    assert!(html.contains(&format!("href=\"/classes/{}\"", s.class_a)));
    assert!(!text.contains("Thứ Bảy") && !text.contains("Chủ nhật"), "an empty weekend is left out: {text}");

    // The month of that Monday: its heading, and a day of it links to its week.
    let (_, html) = staff.page(&format!("/calendar?view=month&date={}", dates::iso(s.monday))).await;
    let html = unescaped(&html);
    let text = main_text(&html);
    assert!(text.contains(&format!("Tháng {} năm {} · 4 buổi học", u8::from(s.monday.month()), s.year)), "{text}");
    assert!(html.contains(&format!("href=\"/calendar?date={}\"", dates::iso(s.monday + Days::days(9)))));

    // Others see no class links and no filters.
    let lecturer = app.login(LECTURER).await;
    let (_, html) = lecturer.page("/calendar").await;
    assert!(!html.contains("href=\"/classes/") && !html.contains("name=\"venue\""));
    assert!(main_text(&html).contains("Các buổi học do bạn giảng."));
}

/// The HTML with the escapes of handlebars in attributes undone, to look for links.
fn unescaped(html: &str) -> String {
    html.replace("&#x3D;", "=").replace("&amp;", "&")
}

/// The feed at a link shown on a page: its answer, and the text of its body.
async fn fetch_feed(app: &TestApp, page_html: &str) -> (reqwest::Response, String) {
    let path = link_in(page_html, "/ical/");
    assert!(path.ends_with(".ics"), "{path}");
    let res = app.anonymous().get(&path).await;
    (res, path)
}

struct ParsedEvent {
    uid: String,
    sequence: String,
    start: (String, Option<String>),
    end: (String, Option<String>),
    summary: String,
    location: String,
    description: String,
}

/// Parses a feed with the `icalendar` crate: its name, its time zone's id and its events.
fn parse(ics: &str) -> (String, String, Vec<ParsedEvent>) {
    let unfolded = icalendar::parser::unfold(ics);
    let calendar = icalendar::parser::read_calendar(&unfolded).unwrap_or_else(|e| panic!("not iCalendar: {e}\n{ics}"));
    let name = calendar.properties.iter().find(|p| p.name.as_str() == "X-WR-CALNAME").unwrap().val.as_str().to_owned();
    let zone = calendar.components.iter().find(|c| c.name.as_str() == "VTIMEZONE").expect("a VTIMEZONE");
    let zone_id = zone.find_prop("TZID").unwrap().val.as_str().to_owned();
    assert!(
        zone.components.iter().any(
            |c| c.name.as_str() == "STANDARD" && c.find_prop("TZOFFSETTO").map(|p| p.val.as_str()) == Some("+0700")
        )
    );
    let events = calendar
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
        .map(|e| {
            let text = |name: &str| e.find_prop(name).map(|p| p.val.as_str().to_owned()).unwrap_or_default();
            let time = |name: &str| {
                let p = e.find_prop(name).unwrap();
                let tzid = p
                    .params
                    .iter()
                    .find(|x| x.key.as_str() == "TZID")
                    .and_then(|x| x.val.as_ref())
                    .map(|v| v.as_str().to_owned());
                (p.val.as_str().to_owned(), tzid)
            };
            ParsedEvent {
                uid: text("UID"),
                sequence: text("SEQUENCE"),
                start: time("DTSTART"),
                end: time("DTEND"),
                summary: text("SUMMARY"),
                location: text("LOCATION"),
                description: text("DESCRIPTION"),
            }
        })
        .collect();
    (name, zone_id, events)
}

fn ical_time(t: PrimitiveDateTime) -> String {
    format!("{:04}{:02}{:02}T{:02}{:02}00", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute())
}

#[tokio::test]
async fn feeds_parse_back_with_the_right_events_in_vietnam_time() {
    let (app, s) = school().await;

    // The demo lecturer has a link from the demo school.
    let lecturer = app.login(LECTURER).await;
    let (status, html) = lecturer.page("/calendar/feeds").await;
    assert_eq!(status, StatusCode::OK);
    assert!(main_text(&html).contains("Thêm lịch đăng ký") && main_text(&html).contains("Thêm lịch từ URL"));
    let (res, path) = fetch_feed(&app, &html).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/calendar; charset=utf-8");
    assert!(html.contains(&format!("webcal://127.0.0.1:8080{path}")), "a link that opens the calendar app");
    let ics = res.text().await.unwrap();

    // RFC 5545's lines: CRLF, at most 75 octets, long ones folded.
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
    assert!(!ics.replace("\r\n", "").contains('\n'), "every line ends in CRLF");
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
    assert!(ics.split("\r\n").any(|l| l.starts_with(' ')), "long lines are folded");
    assert!(ics.contains("BEGIN:VTIMEZONE\r\nTZID:Asia/Ho_Chi_Minh\r\n"));

    let (name, zone, events) = parse(&ics);
    assert_eq!(name, "Lịch giảng — Trường Chính trị tỉnh Đắk Lắk");
    assert_eq!(zone, "Asia/Ho_Chi_Minh");
    let titles: Vec<&str> = events.iter().map(|e| e.summary.split(" — ").next().unwrap()).collect();
    assert_eq!(titles, [A1, B2], "the demo lecturer's sessions only");

    let a1 = &events[0];
    let session_a1 = sessions::of_class(&mut app.conn(), s.class_a).unwrap().remove(0);
    assert_eq!(a1.uid, format!("session-{}@127.0.0.1", session_a1.id));
    assert_eq!(a1.sequence, "0");
    let tz = Some("Asia/Ho_Chi_Minh".to_owned());
    assert_eq!(a1.start, (ical_time(at(s.monday, 7, 30)), tz.clone()));
    assert_eq!(a1.end, (ical_time(at(s.monday, 11, 0)), tz.clone()));
    assert_eq!(a1.summary, format!("{A1} — Nhận thức về Đảng khóa I năm {}", s.year));
    assert_eq!(a1.location, format!("A2, Cơ sở Hòa Thắng, {ADDRESS}"));
    let unfolded = ics.replace("\r\n ", "");
    assert!(
        unfolded.contains("LOCATION:A2\\, Cơ sở Hòa Thắng\\, 01 Lê Duẩn\\, phường Buôn Ma Thuột\\; tỉnh Đắk Lắk\r\n"),
        "commas and semicolons escaped"
    );
    assert_eq!(
        a1.description,
        format!(
            "Lớp: Lớp bồi dưỡng nhận thức về Đảng khóa I năm {}\nNội dung: {A1}\nBuổi: 1\nSố tiết: 5\nGiảng viên: TS. Phạm Minh Tuấn",
            s.year
        )
    );

    // An edit raises SEQUENCE and keeps the UID, so the calendar replaces the event.
    let input =
        SessionInput { ends_at: at(s.monday, 11, 30), ..session(A1, at(s.monday, 8, 0), s.room_a2, s.lecturer_1) };
    sessions::update(&mut app.conn(), &Actor::system("kiểm thử"), session_a1.id, session_a1.version, &input)
        .unwrap()
        .unwrap();
    let (_, _, events) = parse(&app.anonymous().get(&path).await.text().await.unwrap());
    assert_eq!((events[0].uid.as_str(), events[0].sequence.as_str()), (a1.uid.as_str(), "1"));
    assert_eq!(events[0].start, (ical_time(at(s.monday, 8, 0)), tz.clone()));

    // The demo learner's feed: class A's sessions; the long title folds and unfolds whole.
    let learner = app.login(LEARNER).await;
    let (_, html) = learner.page("/calendar/feeds").await;
    let (res, _) = fetch_feed(&app, &html).await;
    let ics = res.text().await.unwrap();
    let (name, _, events) = parse(&ics);
    assert_eq!(name, "Lịch học — Trường Chính trị tỉnh Đắk Lắk");
    let summaries: Vec<&str> = events.iter().map(|e| e.summary.as_str()).collect();
    let long = format!("{A2} — Nhận thức về Đảng khóa I năm {}", s.year);
    assert_eq!(summaries[1], long);
    assert!(!ics.contains(&format!("SUMMARY:{long}")), "the long summary is folded in the raw feed");
    assert!(ics.replace("\r\n ", "").contains(&format!("SUMMARY:{long}\r\n")));
    assert!(events[1].description.contains("Giảng viên: ThS. Nguyễn Thị Hồng Nhung"));
    assert_eq!(events.len(), 2);

    // A class's feed, made by staff from the class: all its sessions, named after the class.
    let staff = app.login(STAFF).await;
    let (status, html) = staff.page(&format!("/classes/{}/feed", s.class_b)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("/ical/"), "no link before one is made");
    let res = staff.post(&format!("/classes/{}/feed", s.class_b), &[("action", "create")]).await;
    assert_redirect(&res, &format!("/classes/{}/feed", s.class_b));
    let (_, html) = staff.page(&format!("/classes/{}/feed", s.class_b)).await;
    assert!(main_text(&html).contains("Đã tạo đường dẫn lịch."));
    let (res, _) = fetch_feed(&app, &html).await;
    let (name, _, events) = parse(&res.text().await.unwrap());
    assert_eq!(name, format!("Lớp bồi dưỡng nhận thức về Đảng khóa II năm {}", s.year));
    let titles: Vec<&str> = events.iter().map(|e| e.summary.split(" — ").next().unwrap()).collect();
    assert_eq!(titles, [B1, B2]);
    assert_eq!(events[0].location, "B1, Cơ sở Ea Kao, Tuy Hòa");
    // The class list of the feeds page says which classes have a link.
    let (_, html) = staff.page("/calendar/feeds").await;
    assert!(html.contains(&format!("href=\"/classes/{}/feed\"", s.class_a)));
}

#[tokio::test]
async fn a_revoked_link_stops_at_once_and_answers_like_an_unknown_one() {
    let (app, s) = school().await;

    // The second learner has no link until they make one.
    let learner_2 = app.login(LEARNER_2).await;
    let (_, html) = learner_2.page("/calendar/feeds").await;
    assert!(!html.contains("/ical/"));
    let res = learner_2.post("/calendar/feeds", &[("kind", "learner"), ("action", "create")]).await;
    assert_redirect(&res, "/calendar/feeds");
    let (_, html) = learner_2.page("/calendar/feeds").await;
    let old = link_in(&html, "/ical/");
    let (_, _, events) = parse(&app.anonymous().get(&old).await.text().await.unwrap());
    let titles: Vec<&str> = events.iter().map(|e| e.summary.split(" — ").next().unwrap()).collect();
    assert_eq!(titles, [B1, B2], "class B's sessions");
    // Making one again keeps the same link.
    learner_2.post("/calendar/feeds", &[("kind", "learner"), ("action", "create")]).await;
    assert_eq!(link_in(&learner_2.page("/calendar/feeds").await.1, "/ical/"), old);

    // Revoke and make a new one: the old address is gone at once, the new one works.
    let res = learner_2.post("/calendar/feeds", &[("kind", "learner"), ("action", "renew")]).await;
    assert_redirect(&res, "/calendar/feeds");
    let (_, html) = learner_2.page("/calendar/feeds").await;
    assert!(main_text(&html).contains("Đã thu hồi đường dẫn cũ và tạo đường dẫn mới."));
    let new = link_in(&html, "/ical/");
    assert_ne!(new, old);
    assert_eq!(app.anonymous().get(&new).await.status(), StatusCode::OK);

    let revoked = app.anonymous().get(&old).await;
    let unknown = app.anonymous().get(&format!("/ical/{}.ics", "x".repeat(43))).await;
    let nonsense = app.anonymous().get("/ical/khong-phai-ma-that.ics").await;
    let mut answers = Vec::new();
    for res in [revoked, unknown, nonsense] {
        let status = res.status();
        let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
        answers.push((status, content_type, main_text(&res.text().await.unwrap())));
    }
    assert_eq!(answers[0].0, StatusCode::NOT_FOUND);
    assert_eq!(answers[0].1, "text/html; charset=utf-8");
    assert!(answers[0].2.contains("không tồn tại hoặc đã bị thu hồi"), "{}", answers[0].2);
    assert_eq!(answers[0], answers[1], "revoked and unknown answer alike");
    assert_eq!(answers[1], answers[2]);

    // Revoking without a new link: the feed stops and the page offers to make one.
    learner_2.post("/calendar/feeds", &[("kind", "learner"), ("action", "revoke")]).await;
    assert_eq!(app.anonymous().get(&new).await.status(), StatusCode::NOT_FOUND);
    assert!(!learner_2.page("/calendar/feeds").await.1.contains("/ical/"));

    // A deactivated lecturer's feed stops too.
    let (_, html) = app.login(LECTURER).await.page("/calendar/feeds").await;
    let lecturer_feed = link_in(&html, "/ical/");
    assert_eq!(app.anonymous().get(&lecturer_feed).await.status(), StatusCode::OK);
    diesel::update(boiduong::db::schema::users::table.find(s.lecturer_1))
        .set(boiduong::db::schema::users::active.eq(false))
        .execute(&mut *app.conn())
        .unwrap();
    assert_eq!(app.anonymous().get(&lecturer_feed).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn nobody_reaches_another_persons_feed() {
    let (app, s) = school().await;
    let (_, first) = app.login(LEARNER).await.page("/calendar/feeds").await;
    let first_link = link_in(&first, "/ical/");

    let learner_2 = app.login(LEARNER_2).await;
    learner_2.post("/calendar/feeds", &[("kind", "learner"), ("action", "create")]).await;
    let (_, html) = learner_2.page("/calendar/feeds").await;
    assert_ne!(link_in(&html, "/ical/"), first_link);
    assert!(!html.contains(&first_link), "the other learner's link is not shown");
    // A learner has no lecturer's feed, and cannot reach a class's feed page or change it.
    let res = learner_2.post("/calendar/feeds", &[("kind", "lecturer"), ("action", "renew")]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(learner_2.get(&format!("/classes/{}/feed", s.class_a)).await.status(), StatusCode::FORBIDDEN);
    let res = learner_2.post(&format!("/classes/{}/feed", s.class_a), &[("action", "create")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The first learner's link still works: nothing the second did touched it.
    assert_eq!(app.anonymous().get(&first_link).await.status(), StatusCode::OK);

    // A lecturer has no learner's feed; a secretary has no feed page.
    let lecturer = app.login(LECTURER).await;
    let res = lecturer.post("/calendar/feeds", &[("kind", "learner"), ("action", "create")]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let secretary = app.login(SECRETARY).await;
    assert_eq!(secretary.get("/calendar/feeds").await.status(), StatusCode::FORBIDDEN);
    // A class that does not exist has no feed.
    let staff = app.login(STAFF).await;
    assert_eq!(staff.get("/classes/999999/feed").await.status(), StatusCode::NOT_FOUND);
    let res = staff.post("/classes/999999/feed", &[("action", "create")]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let _ = s.class_b;
}
