//! The reports recomputed by hand on a small data set built here: one class of ten sessions
//! with four learners in two chi bộ (attendance, results, certificates, an email sent, a
//! confirmation), admissions in a term of their own against two targets, readiness; the
//! pages, their SVG charts (which parse as XML and carry the same numbers as their tables) and
//! the XLSX downloads read back with calamine.

use boiduong::db::schema::{assessments, attendance, certificates, enrolments, outbox, people};
use boiduong::domain::schedule::{self, PlanItem};
use boiduong::store::audit::Actor;
use boiduong::store::classes::{self, ClassInput};
use boiduong::store::issuers::{self, IssuerInput};
use boiduong::store::orgs::UnitTree;
use boiduong::store::sessions::{self, SessionInput};
use boiduong::store::venues::{self, RoomInput, VenueInput};
use boiduong::store::{Scope, enrolments as enrolment_store, programs};
use calamine::{Data, Reader, Xlsx};
use diesel::prelude::*;
use reqwest::StatusCode;
use time::macros::{date, datetime};
use time::{Date, Duration};

use crate::helpers::*;

struct Fixture {
    class_id: i64,
    /// Chi bộ X (the demo secretary's) and Y, and their learners: A, B in X; C, D in Y.
    cell_x: i64,
    learners: [(i64, i64); 4],
}

/// Ten sessions, Monday 15 to Friday 19 March 2027.
fn class_with_sessions(app: &TestApp) -> i64 {
    let mut c = app.conn();
    let actor = Actor::system("kiểm thử");
    let venue = venues::create_venue(
        &mut c,
        &actor,
        &VenueInput {
            name: "Cơ sở báo cáo".into(), address: "Tuy Hòa".into(), place: "Tuy Hòa".into(), active: true
        },
    )
    .unwrap();
    let room = venues::create_room(
        &mut c,
        &actor,
        &RoomInput { venue_id: venue, name: "B1".into(), capacity: 60, active: true },
    )
    .unwrap();
    let issuer = issuers::create(
        &mut c,
        &actor,
        &IssuerInput {
            kind: "school".into(),
            superior_name: "TỈNH ỦY ĐẮK LẮK".into(),
            name: "TRƯỜNG CHÍNH TRỊ TỈNH (báo cáo)".into(),
            org_unit_id: None,
            place: "Tuy Hòa".into(),
            signer_delegation: "KT. HIỆU TRƯỞNG".into(),
            signer_title: "PHÓ HIỆU TRƯỞNG".into(),
            signer_name: "Trần Văn Thành".into(),
            active: true,
        },
    )
    .unwrap();
    let program = programs::all(&mut c).unwrap().into_iter().find(|p| p.code == "NTVD").unwrap();
    let (first, last) = (date!(2027 - 03 - 15), date!(2027 - 03 - 19));
    let class = classes::create(
        &mut c,
        &actor,
        &ClassInput {
            program_id: program.id,
            year: 2027,
            ordinal: 1,
            issuer_id: issuer,
            co_org_unit_id: None,
            venue_id: venue,
            first_day: first,
            last_day: last,
            capacity: 60,
            opening_decision_no: String::new(),
            opening_decision_date: None,
            signer_delegation: "KT. HIỆU TRƯỞNG".into(),
            signer_title: "PHÓ HIỆU TRƯỞNG".into(),
            signer_name: "Trần Văn Thành".into(),
        },
    )
    .unwrap();
    let lessons = programs::lessons_of(&mut c, program.id).unwrap();
    let items: Vec<PlanItem> = lessons
        .iter()
        .map(|l| PlanItem { lesson_id: Some(l.id), title: l.title.clone(), periods: l.periods })
        .collect();
    let plan: Vec<SessionInput> = schedule::plan(&items, first, last, &[], &schedule::DEFAULT_SLOTS)
        .unwrap()
        .into_iter()
        .map(|p| SessionInput {
            lesson_id: p.lesson_id,
            title: p.title,
            periods: p.periods,
            starts_at: p.starts_at,
            ends_at: p.ends_at,
            room_id: Some(room),
            lecturer_user_id: None,
            guest_speaker_id: None,
        })
        .collect();
    assert_eq!(sessions::replace_plan(&mut c, &actor, class, &plan).unwrap(), Ok(10));
    // The bands the scores below fall in.
    let rules = program.rules();
    assert!(rules.band_excellent_tenths <= 95 && rules.band_fair_tenths <= 70 && 70 < rules.band_good_tenths);
    assert!(40 < rules.pass_mark_tenths && rules.max_absence_permille == 200, "at most 2 absences of 10");
    class
}

fn people_of(app: &TestApp, unit: i64, n: usize) -> Vec<i64> {
    people::table
        .filter(people::org_unit_id.eq(unit))
        .order(people::id)
        .select(people::id)
        .limit(n as i64)
        .load(&mut app.conn())
        .unwrap()
}

/// A: 10 present, 9,5, certificate emailed, confirmed. B: 9 present and 1 excused, 7,0,
/// certificate not yet emailed, expiring in 30 days. C: 3 unexcused absences, not eligible.
/// D: 10 present, 4,0, failed.
fn fixture(app: &TestApp) -> Fixture {
    app.without_demo_classes();
    let class_id = class_with_sessions(app);
    let mut c = app.conn();
    let secretary = boiduong::store::users::account(&mut c, app.account_id(SECRETARY)).unwrap();
    let cell_x = secretary.secretary_units[0];
    let tree = UnitTree::load(&mut c).unwrap();
    let committee_of_x = tree.committee_of(cell_x).unwrap().id;
    let cell_y = tree
        .units()
        .iter()
        .find(|u| {
            u.kind == "cell" && !tree.subtree(committee_of_x).contains(&u.id) && people_of(app, u.id, 2).len() == 2
        })
        .unwrap()
        .id;
    drop(c);
    let x = people_of(app, cell_x, 2);
    let y = people_of(app, cell_y, 2);
    let persons = [x[0], x[1], y[0], y[1]];
    let mut c = app.conn();
    let actor = Actor::system("kiểm thử");
    let mut learners = [(0, 0); 4];
    for (i, p) in persons.iter().enumerate() {
        enrolment_store::enrol(&mut c, &actor, class_id, *p, enrolment_store::SOURCE_STAFF, date!(2027 - 03 - 15))
            .unwrap();
        let e = enrolment_store::of_person_in_class(&mut c, *p, class_id).unwrap().unwrap().id;
        learners[i] = (*p, e);
    }
    let sessions: Vec<i64> = sessions::of_class(&mut c, class_id).unwrap().iter().map(|s| s.id).collect();
    let marks: [&[&str]; 4] = [
        &["present"; 10],
        &["present", "present", "present", "present", "present", "present", "present", "present", "present", "excused"],
        &[
            "present",
            "present",
            "present",
            "present",
            "present",
            "present",
            "present",
            "unexcused",
            "unexcused",
            "unexcused",
        ],
        &["present"; 10],
    ];
    for ((_, e), marks) in learners.iter().zip(marks) {
        for (s, mark) in sessions.iter().zip(marks) {
            diesel::insert_into(attendance::table)
                .values((
                    attendance::enrolment_id.eq(e),
                    attendance::session_id.eq(s),
                    attendance::status.eq(mark),
                    attendance::reason.eq((*mark == "excused").then_some("Ốm")),
                    attendance::source.eq("sheet"),
                    attendance::marked_at.eq(datetime!(2027-03-19 17:00)),
                    attendance::version.eq(1),
                ))
                .execute(&mut c)
                .unwrap();
        }
    }
    for ((_, e), score) in learners.iter().zip([Some(95), Some(70), None, Some(40)]) {
        let Some(score) = score else { continue };
        diesel::insert_into(assessments::table)
            .values((
                assessments::enrolment_id.eq(e),
                assessments::attempt.eq(1),
                assessments::outcome.eq("scored"),
                assessments::score_tenths.eq(score),
                assessments::entered_at.eq(datetime!(2027-03-22 09:00)),
                assessments::version.eq(1),
            ))
            .execute(&mut c)
            .unwrap();
    }
    let program = classes::find(&mut c, class_id).unwrap().program_id;
    let issuer = classes::find(&mut c, class_id).unwrap().issuer_id;
    let today = app.config.clock.today();
    for (i, (expires, emailed)) in
        [(date!(2032 - 03 - 25), Some("sent")), (today + Duration::days(30), Some("pending"))].into_iter().enumerate()
    {
        let (person, enrolment) = learners[i];
        let id: i64 = diesel::insert_into(certificates::table)
            .values((
                certificates::issuer_id.eq(issuer),
                certificates::year.eq(2027),
                certificates::number.eq(i as i32 + 1),
                certificates::code.eq(format!("TESTCODE{i:08}")),
                certificates::enrolment_id.eq(enrolment),
                certificates::person_id.eq(person),
                certificates::class_id.eq(class_id),
                certificates::program_id.eq(program),
                certificates::issued_on.eq(date!(2027 - 03 - 25)),
                certificates::expires_on.eq(expires),
                certificates::status.eq("valid"),
                certificates::snapshot_json.eq("{}"),
                certificates::pdf.eq(Vec::<u8>::new()),
                certificates::sha256.eq(""),
                certificates::created_at.eq(datetime!(2027-03-25 08:00)),
            ))
            .returning(certificates::id)
            .get_result(&mut c)
            .unwrap();
        if let Some(status) = emailed {
            diesel::insert_into(outbox::table)
                .values((
                    outbox::message_key.eq(format!("certificate-issued:{id}")),
                    outbox::message_id.eq(format!("<report-{id}@boiduong.test>")),
                    outbox::recipient_email.eq(format!("hv{id}@example.vn")),
                    outbox::recipient_name.eq("Học viên"),
                    outbox::template.eq("certificate_issued"),
                    outbox::language.eq("vi"),
                    outbox::data_json.eq("{}"),
                    outbox::status.eq(status),
                    outbox::attempts.eq(1),
                    outbox::next_attempt_at.eq(datetime!(2027-03-25 08:00)),
                    outbox::created_at.eq(datetime!(2027-03-25 08:00)),
                ))
                .execute(&mut c)
                .unwrap();
        }
        // Both are candidates not yet admitted.
        diesel::update(people::table.find(person))
            .set((
                people::status.eq("candidate"),
                people::admission_decision_date.eq(None::<Date>),
                people::ceremony_date.eq(None::<Date>),
            ))
            .execute(&mut c)
            .unwrap();
    }
    diesel::update(enrolments::table.find(learners[0].1))
        .set(enrolments::confirmed_at.eq(datetime!(2027-04-01 08:00)))
        .execute(&mut c)
        .unwrap();
    Fixture { class_id, cell_x, learners }
}

fn cells(range: &calamine::Range<Data>, row_starting: &str) -> Vec<Data> {
    range
        .rows()
        .find(|r| r.first() == Some(&Data::String(row_starting.into())))
        .unwrap_or_else(|| panic!("no row {row_starting}"))
        .to_vec()
}

fn floats(values: &[Data]) -> Vec<f64> {
    values.iter().map(|d| if let Data::Float(f) = d { *f } else { panic!("not a number: {d:?}") }).collect()
}

/// The text table beside a chart: (label, value) pairs, in order.
fn chart_table(html: &str, id: &str) -> Vec<(String, String)> {
    let start = html.find(&format!("id=\"{id}-heading\"")).unwrap();
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    let body = &section[section.find("<tbody>").unwrap()..];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            let text = main_text(&format!("<main>{row}</main>"));
            let (label, value) = text.rsplit_once(' ').unwrap();
            (label.to_owned(), value.to_owned())
        })
        .collect()
}

/// The chart's SVG, parsed as XML (every tag closed, well nested): its role, title and texts.
fn chart_svg(html: &str, id: &str) -> (String, Vec<String>) {
    use quick_xml::events::Event;
    let start = html.find(&format!("aria-labelledby=\"{id}-title\"")).unwrap();
    let open = html[..start].rfind("<svg").unwrap();
    let end = start + html[start..].find("</svg>").unwrap() + "</svg>".len();
    let mut reader = quick_xml::Reader::from_str(&html[open..end]);
    // Open elements (name, index of their entry in `texts`), and each element's own text.
    let (mut stack, mut texts, mut role) = (Vec::<(String, usize)>::new(), Vec::<(String, String)>::new(), None);
    loop {
        match reader.read_event().expect("the chart is well-formed XML") {
            Event::Start(e) => {
                let name = e.name().as_ref().to_owned();
                if name == "svg" {
                    role = e.try_get_attribute("role").unwrap().map(|a| a.value.to_string());
                }
                stack.push((name.clone(), texts.len()));
                texts.push((name, String::new()));
            }
            Event::End(e) => assert_eq!(stack.pop().map(|(n, _)| n).as_deref(), Some(e.name().as_ref())),
            Event::Text(t) => {
                if let Some((_, at)) = stack.last() {
                    texts[*at].1.push_str(&t.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                let c = match r.into_inner().as_ref() {
                    "lt" => "<",
                    "gt" => ">",
                    "amp" => "&",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unexpected entity {other:?}"),
                };
                if let Some((_, at)) = stack.last() {
                    texts[*at].1.push_str(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(stack.is_empty(), "every element is closed");
    assert_eq!(role.as_deref(), Some("img"));
    let title = texts.iter().find(|(n, _)| n == "title").expect("a title").1.clone();
    let labels = texts.into_iter().filter(|(n, _)| n == "text").map(|(_, t)| t.trim().to_owned()).collect();
    (title, labels)
}

#[tokio::test]
async fn the_class_report_matches_the_figures_counted_by_hand_in_page_chart_and_workbook() {
    let app = spawn_app().await;
    let f = fixture(&app);
    let staff = app.login(STAFF).await;

    let (status, html) = staff.page(&format!("/reports?class={}", f.class_id)).await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&html);
    // Class row: enrolled 4; attended 36 of 40 = 90%; eligible 3; passed 2 = 50%; bands
    // 1 excellent, 0 good, 1 fair, 0 average, 1 fail; certificates 2, emailed 1, confirmed 1.
    let row = &text[text.find("Khóa I năm 2027").unwrap()..text.find("Tổng cộng").unwrap()];
    assert!(row.contains("15/03/2027 – 19/03/2027 4 90% 3 2 50% 1 0 1 0 1 2 1 1"), "{row}");

    // Band chart: the table and the SVG carry the same numbers.
    assert_eq!(
        chart_table(&html, "chart-bands"),
        [("Xuất sắc", "1"), ("Giỏi", "0"), ("Khá", "1"), ("Trung bình", "0"), ("Không đạt", "1")]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    let (title, texts) = chart_svg(&html, "chart-bands");
    assert_eq!(title, "Xếp loại kết quả");
    for label in ["Xuất sắc", "Khá", "Không đạt"] {
        assert!(texts.iter().any(|t| t == label), "{label} in {texts:?}");
    }
    // Attendance: A and D all sessions, B 90%, C 70%.
    assert_eq!(
        chart_table(&html, "chart-attendance").into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
        ["2", "1", "0", "1"]
    );
    assert_eq!(chart_table(&html, "chart-pass"), [("NTVD Khóa I năm 2027".to_owned(), "50%".to_owned())]);
    let (title, texts) = chart_svg(&html, "chart-pass");
    assert_eq!(title, "Tỉ lệ đạt theo lớp");
    assert!(texts.iter().any(|t| t == "NTVD Khóa I năm 2027"));

    // Only chi bộ X's learners: A and B, both passed.
    let (_, html) = staff.page(&format!("/reports?class={}&unit={}", f.class_id, f.cell_x)).await;
    let text = main_text(&html);
    let row = &text[text.find("Khóa I năm 2027").unwrap()..text.find("Tổng cộng").unwrap()];
    assert!(row.contains("2 95% 2 2 100% 1 0 1 0 0 2 1 1"), "{row}");

    // The workbook: the same figures as numbers.
    let res = staff.get(&format!("/reports/classes.xlsx?class={}", f.class_id)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    let sheet = book.worksheet_range("Theo lớp").unwrap();
    let line = cells(&sheet, "Khóa I năm 2027");
    assert_eq!(floats(&line[4..]), [4.0, 40.0, 36.0, 3.0, 2.0, 1.0, 0.0, 1.0, 0.0, 1.0, 2.0, 1.0, 1.0]);
    let bands = book.worksheet_range("Xếp loại kết quả").unwrap();
    assert_eq!(floats(&cells(&bands, "Khá")[1..]), [1.0]);
    let pass = book.worksheet_range("Tỉ lệ đạt theo lớp").unwrap();
    assert_eq!(floats(&cells(&pass, "NTVD Khóa I năm 2027")[2..]), [2.0, 4.0, 50.0]);

    // A period the class did not end in: nothing.
    let (_, html) = staff.page("/reports?from=01/01/2030&to=31/12/2030").await;
    assert!(main_text(&html).contains("Không có lớp nào theo điều kiện đã chọn."));
    // A period typed wrong: a message, the typed text kept.
    let (status, html) = staff.page("/reports?from=32/13/2027&to=01/01/2020").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("value=\"32/13/2027\""));
    assert!(main_text(&html).contains("Ngày không hợp lệ"));
}

#[tokio::test]
async fn the_certificate_export_has_the_party_database_columns_and_readiness_counts_valid_certificates() {
    let app = spawn_app().await;
    let f = fixture(&app);
    let staff = app.login(STAFF).await;
    let res = staff.get("/reports/certificates.xlsx?from=01/03/2027&to=31/03/2027").await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    let sheet = book.worksheet_range("Giấy chứng nhận").unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    let header = rows.iter().position(|r| r.first() == Some(&Data::String("Họ và tên".into()))).unwrap();
    let headers: Vec<String> = rows[header].iter().map(|d| d.to_string()).collect();
    assert_eq!(
        headers,
        [
            "Họ và tên",
            "Ngày sinh",
            "Số CCCD",
            "Chi bộ",
            "Loại giấy",
            "Số vào sổ",
            "Ngày cấp",
            "Có giá trị đến",
            "Đơn vị cấp"
        ]
    );
    let body = &rows[header + 1..];
    assert_eq!(body.len(), 2, "the two valid certificates");
    let (name, citizen, unit): (String, Option<String>, i64) = people::table
        .find(f.learners[0].0)
        .select((people::full_name, people::citizen_id, people::org_unit_id))
        .first(&mut app.conn())
        .unwrap();
    let first = &body[0];
    assert_eq!(first[0], Data::String(name));
    assert_eq!(first[2], Data::String(citizen.unwrap_or_default()));
    assert_eq!(first[3], Data::String(UnitTree::load(&mut app.conn()).unwrap().label(unit)));
    assert_eq!(first[4], Data::String("Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng".into()));
    assert_eq!(first[5], Data::String("01/2027".into()));
    assert!(matches!(first[6], Data::DateTime(_)), "a real date: {:?}", first[6]);
    assert_eq!(first[8], Data::String("TRƯỜNG CHÍNH TRỊ TỈNH (báo cáo)".into()));
    // Another period: none.
    let res = staff.get("/reports/certificates.xlsx?from=01/01/2028").await;
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    let sheet = book.worksheet_range("Giấy chứng nhận").unwrap();
    assert!(sheet.rows().all(|r| r.first() != Some(&Data::String(body[0][0].to_string()))));

    // Readiness: A and B are candidates with a valid certificate in chi bộ X; B's expires in 30 days.
    let label = UnitTree::load(&mut app.conn()).unwrap().label(f.cell_x);
    let (status, html) = staff.page("/reports/readiness").await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&html);
    assert!(text.contains(&format!("{} 2 1", crate::confirmations::escaped(&label))), "{text}");
    let res = staff.get("/reports/readiness.xlsx").await;
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    let per_unit = book.worksheet_range("Theo chi bộ").unwrap();
    assert_eq!(floats(&cells(&per_unit, &label)[1..]), [2.0, 1.0]);
    assert_eq!(floats(&cells(&per_unit, "Tổng cộng")[1..]), [2.0, 1.0]);
}

#[tokio::test]
async fn admissions_against_targets_read_as_the_committees_write_them() {
    let app = spawn_app().await;
    let mut c = app.conn();
    let tree = UnitTree::load(&mut c).unwrap();
    let root = tree.units().iter().find(|u| u.parent_id.is_none()).unwrap().id;
    let secretary = boiduong::store::users::account(&mut c, app.account_id(SECRETARY)).unwrap();
    let committee = tree.committee_of(secretary.secretary_units[0]).unwrap().id;
    let inside: Vec<i64> = tree.subtree(committee);
    let all: Vec<(i64, i64)> =
        people::table.select((people::id, people::org_unit_id)).order(people::id).load(&mut c).unwrap();
    // A term of its own, far from the demo's: 6 admitted in the committee's subtree, 23
    // elsewhere; 17 of the 29 introduced by the Youth Union (4 of the committee's 6).
    let chosen: Vec<i64> = all
        .iter()
        .filter(|(_, u)| inside.contains(u))
        .take(6)
        .chain(all.iter().filter(|(_, u)| !inside.contains(u)).take(23))
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(chosen.len(), 29);
    for (i, id) in chosen.iter().enumerate() {
        let by = if i < 4 || (6..19).contains(&i) { "youth_union" } else { "members" };
        diesel::update(people::table.find(id))
            .set((people::admission_decision_date.eq(date!(2036 - 03 - 01)), people::introduced_by.eq(by)))
            .execute(&mut c)
            .unwrap();
    }
    drop(c);
    let staff = app.login(STAFF).await;
    // The targets, through the form: a bad one first.
    let res = staff
        .post(
            "/reports/targets",
            &[("unit", ""), ("term_start", "01/01/2035"), ("term_end", "01/01/2034"), ("target", "-3")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = main_text(&res.text().await.unwrap());
    assert!(text.contains("Chọn tổ chức đảng"));
    assert!(text.contains("Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu"));
    assert!(text.contains("Nhập số nguyên từ 0 đến 100.000"));
    for (unit, target) in [(root, "20"), (committee, "8")] {
        let res = staff
            .post(
                "/reports/targets",
                &[
                    ("unit", &unit.to_string()),
                    ("term_start", "01/01/2035"),
                    ("term_end", "31/12/2039"),
                    ("target", target),
                ],
            )
            .await;
        assert_redirect(&res, "/reports/targets");
    }
    // The same unit and term twice: refused.
    let res = staff
        .post(
            "/reports/targets",
            &[("unit", &root.to_string()), ("term_start", "01/01/2035"), ("term_end", "31/12/2039"), ("target", "5")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("đã có chỉ tiêu cho nhiệm kỳ"));

    let (status, html) = staff.page("/reports/admissions?term=2035-01-01").await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&html);
    let root_name = &tree.get(root).unwrap().name;
    let committee_name = &tree.get(committee).unwrap().name;
    assert!(
        text.contains(&format!("{root_name} đã kết nạp 29 đảng viên mới, vượt 45% so với chỉ tiêu nhiệm kỳ.")),
        "{text}"
    );
    assert!(text.contains("17 trong tổng số 29 đảng viên được kết nạp do Đoàn giới thiệu, chiếm 58,62%."), "{text}");
    assert!(
        text.contains(&format!(
            "{committee_name} đã kết nạp 6 đảng viên mới, đạt 75% chỉ tiêu nhiệm kỳ (còn thiếu 2 đảng viên)."
        )),
        "{text}"
    );
    assert!(text.contains("4 trong tổng số 6 đảng viên được kết nạp do Đoàn giới thiệu, chiếm 66,67%."), "{text}");

    let res = staff.get("/reports/admissions.xlsx?term=2035-01-01").await;
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    let sheet = book.worksheet_range("Kết nạp").unwrap();
    assert_eq!(floats(&cells(&sheet, root_name)[1..5]), [20.0, 29.0, 17.0, 58.62]);
    assert_eq!(floats(&cells(&sheet, committee_name)[1..5]), [8.0, 6.0, 4.0, 66.67]);

    // Editing a target.
    let id: i64 = boiduong::store::reports::targets(&mut app.conn())
        .unwrap()
        .into_iter()
        .find(|t| t.org_unit_id == committee && t.term_start == date!(2035 - 01 - 01))
        .unwrap()
        .id;
    let (status, html) = staff.page(&format!("/reports/targets/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("value=\"8\""));
    let res = staff
        .post(
            &format!("/reports/targets/{id}"),
            &[
                ("unit", &committee.to_string()),
                ("term_start", "01/01/2035"),
                ("term_end", "31/12/2039"),
                ("target", "6"),
            ],
        )
        .await;
    assert_redirect(&res, "/reports/targets");
    let (_, html) = staff.page("/reports/admissions?term=2035-01-01").await;
    assert!(
        main_text(&html).contains(&format!("{committee_name} đã kết nạp 6 đảng viên mới, đạt 100% chỉ tiêu nhiệm kỳ."))
    );
    let res = staff.post("/reports/targets/999999", &[("target", "1")]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Secretaries and lecturers have no reports.
    for who in [SECRETARY, LECTURER] {
        let (status, _) = app.login(who).await.page("/reports").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let _ = Scope::All;
}
