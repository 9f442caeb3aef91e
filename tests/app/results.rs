//! Results through HTTP: scores typed "8,5", "8.5" and "10" are kept in tenths, "10.1", "-1"
//! and "abc" are refused line by line with everything typed kept; an ineligible learner cannot
//! be scored; a re-sit is a further attempt linked to the one before, as often as the program
//! allows; a second concurrent save is refused with who changed it and when; locking needs
//! every result and the decision, and after it only an amendment with a reason changes a
//! result (audited with the old value); the results list prints, exports to PDF and Excel;
//! the learner sees their score only once locked; a secretary sees their own people. Built on
//! the demo school's assessing class, with its results cleared first.

use boiduong::db::schema::{assessments, audit_events, classes, enrolments, people as people_t};
use boiduong::domain::results::FinalResult;
use boiduong::store::audit::Actor;
use boiduong::store::results::{self, ResultLine};
use boiduong::store::{Scope, enrolments as enrolment_store, users};
use diesel::prelude::*;
use reqwest::StatusCode;

use crate::helpers::*;

/// The demo's assessing class, with no results yet.
fn assessing_class(app: &TestApp) -> i64 {
    let mut c = app.conn();
    let id: i64 = classes::table
        .filter(classes::status.eq("assessing"))
        .order(classes::id)
        .select(classes::id)
        .first(&mut *c)
        .expect("the demo has a class being assessed");
    let ids: Vec<i64> =
        enrolments::table.filter(enrolments::class_id.eq(id)).select(enrolments::id).load(&mut *c).unwrap();
    diesel::delete(assessments::table.filter(assessments::enrolment_id.eq_any(ids))).execute(&mut *c).unwrap();
    id
}

fn sheet_of(app: &TestApp, class: i64) -> Vec<ResultLine> {
    results::sheet(&mut app.conn(), class, &Scope::All).unwrap()
}

fn eligible(app: &TestApp, class: i64) -> Vec<i64> {
    sheet_of(app, class).iter().filter(|l| l.eligible).map(|l| l.learner.enrolment_id).collect()
}

/// A stored attempt: (attempt, previous_id, outcome, score, version).
type StoredAttempt = (i32, Option<i64>, String, Option<i32>, i32);

/// Stored attempts of an enrolment.
fn attempts(app: &TestApp, enrolment: i64) -> Vec<StoredAttempt> {
    assessments::table
        .filter(assessments::enrolment_id.eq(enrolment))
        .order(assessments::attempt)
        .select((
            assessments::attempt,
            assessments::previous_id,
            assessments::outcome,
            assessments::score_tenths,
            assessments::version,
        ))
        .load(&mut *app.conn())
        .unwrap()
}

fn version_of(app: &TestApp, enrolment: i64, attempt: i32) -> i32 {
    attempts(app, enrolment).iter().find(|a| a.0 == attempt).map_or(0, |a| a.4)
}

/// A line to post: (enrolment, attempt, score, absent).
type Line<'a> = (i64, i32, &'a str, bool);

/// Posts lines of the sheet, each with the version now stored (as a fresh form has).
async fn post_lines(
    app: &TestApp,
    browser: &Browser,
    path: &str,
    lines: &[Line<'_>],
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let versions: Vec<i32> = lines.iter().map(|(e, a, _, _)| version_of(app, *e, *a)).collect();
    post_with_versions(browser, path, lines, &versions, extra).await
}

async fn post_with_versions(
    browser: &Browser,
    path: &str,
    lines: &[Line<'_>],
    versions: &[i32],
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let mut fields: Vec<(String, String)> = extra.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    for ((e, attempt, score, absent), version) in lines.iter().zip(versions) {
        fields.push(("e".into(), e.to_string()));
        fields.push((format!("a{e}"), attempt.to_string()));
        fields.push((format!("s{e}"), score.to_string()));
        if *absent {
            fields.push((format!("x{e}"), "1".into()));
        }
        fields.push((format!("v{e}"), version.to_string()));
    }
    let refs: Vec<(&str, &str)> = fields.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    browser.post(path, &refs).await
}

/// The text of a learner's card on the sheet (from its id to the end of the card).
fn card(html: &str, enrolment: i64) -> String {
    let start = html.find(&format!("id=\"r{enrolment}\"")).unwrap_or_else(|| panic!("card of {enrolment}"));
    let end = html[start..].find("</li>").map_or(html.len(), |e| start + e);
    // Handlebars escapes "=" in attributes.
    html[start..end].replace("&#x3D;", "=")
}

fn input_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} field")) + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn scores_with_a_comma_or_a_dot_are_kept_in_tenths_and_bad_ones_are_refused_line_by_line() {
    let app = spawn_app().await;
    let class = assessing_class(&app);
    let path = format!("/classes/{class}/results");
    let e = eligible(&app, class);
    let staff = app.login(STAFF).await;

    // One wrong line saves nothing; every line says what is wrong and keeps what was typed.
    let res = post_lines(
        &app,
        &staff,
        &path,
        &[(e[0], 1, "8,5", false), (e[1], 1, "10.1", false), (e[2], 1, "-1", false), (e[3], 1, "abc", false)],
        &[],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(card(&html, e[1]).contains("Điểm phải từ 0 đến 10."), "{}", card(&html, e[1]));
    assert!(card(&html, e[2]).contains("Điểm phải từ 0 đến 10."));
    assert!(card(&html, e[3]).contains("Điểm phải là một số, ví dụ 8,5."));
    assert!(!card(&html, e[0]).contains("field-error"));
    assert_eq!(input_value(&html, &format!("s{}", e[0])), "8,5");
    assert_eq!(input_value(&html, &format!("s{}", e[1])), "10.1");
    assert_eq!(input_value(&html, &format!("s{}", e[2])), "-1");
    assert_eq!(input_value(&html, &format!("s{}", e[3])), "abc");
    assert!(main_text(&html).contains("Chưa lưu gì: 3 học viên cần sửa lại"));
    assert!(attempts(&app, e[0]).is_empty(), "nothing is stored");

    // Good values are stored in tenths; "absent" is its own state.
    let res = post_lines(
        &app,
        &staff,
        &path,
        &[(e[0], 1, "8,5", false), (e[1], 1, "10", false), (e[2], 1, "8.5", false), (e[3], 1, "", true)],
        &[],
    )
    .await;
    assert_redirect(&res, &path);
    assert_eq!(attempts(&app, e[0])[0].3, Some(85));
    assert_eq!(attempts(&app, e[1])[0].3, Some(100));
    assert_eq!(attempts(&app, e[2])[0].3, Some(85));
    assert_eq!(attempts(&app, e[3])[0].2, "absent");
    let (status, html) = staff.page(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(main_text(&html).contains("Đã lưu kết quả của 4 học viên."));
    assert!(card(&html, e[0]).contains("8,5 — Giỏi"), "{}", card(&html, e[0]));
    assert!(card(&html, e[1]).contains("10,0 — Xuất sắc"));
    assert!(card(&html, e[3]).contains("Vắng thu hoạch"));
    assert_eq!(input_value(&html, &format!("s{}", e[0])), "8,5");

    // A score and "absent" together are refused.
    let res = post_lines(&app, &staff, &path, &[(e[4], 1, "7", true)], &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(card(&res.text().await.unwrap(), e[4]).contains("Đã đánh dấu vắng thu hoạch thì không nhập điểm."));
}

#[tokio::test]
async fn an_ineligible_learner_is_shown_as_such_and_cannot_be_scored() {
    let app = spawn_app().await;
    let class = assessing_class(&app);
    let path = format!("/classes/{class}/results");
    let not_eligible: Vec<i64> =
        sheet_of(&app, class).iter().filter(|l| !l.eligible).map(|l| l.learner.enrolment_id).collect();
    assert!(!not_eligible.is_empty(), "the demo has learners over the absence limit");
    let staff = app.login(STAFF).await;
    let (_, html) = staff.page(&path).await;
    let line = card(&html, not_eligible[0]);
    assert!(line.contains("Không đủ điều kiện viết thu hoạch"));
    assert!(!line.contains(&format!("name=\"s{}\"", not_eligible[0])), "no score field: {line}");
    let res = post_lines(&app, &staff, &path, &[(not_eligible[0], 1, "9", false)], &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("không đủ điều kiện viết thu hoạch; không thể nhập điểm"));
    assert!(attempts(&app, not_eligible[0]).is_empty());
}

#[tokio::test]
async fn a_resit_is_a_further_attempt_linked_to_the_first_as_often_as_the_program_allows() {
    let app = spawn_app().await;
    let class = assessing_class(&app);
    let path = format!("/classes/{class}/results");
    let e = eligible(&app, class);
    let staff = app.login(STAFF).await;
    assert_redirect(
        &post_lines(&app, &staff, &path, &[(e[0], 1, "4", false), (e[1], 1, "7", false)], &[]).await,
        &path,
    );

    // The failed learner has a re-sit link; the one who passed has none.
    let (_, html) = staff.page(&path).await;
    assert!(card(&html, e[0]).contains(&format!("?resit={}", e[0])));
    assert!(!card(&html, e[1]).contains("?resit="));
    let (_, html) = staff.page(&format!("{path}?resit={}", e[0])).await;
    let line = card(&html, e[0]);
    assert!(line.contains("Lần 1: 4,0 — Không đạt") && line.contains("Viết lại bài thu hoạch (lần 1)"), "{line}");
    assert_eq!(input_value(&line, &format!("a{}", e[0])), "2");

    // The re-sit fails too; the program allows one, so a third attempt is refused.
    assert_redirect(&post_lines(&app, &staff, &path, &[(e[0], 2, "4,5", false)], &[]).await, &path);
    let stored = attempts(&app, e[0]);
    assert_eq!(stored.len(), 2);
    let first_id: i64 = assessments::table
        .filter(assessments::enrolment_id.eq(e[0]))
        .filter(assessments::attempt.eq(1))
        .select(assessments::id)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(stored[1].1, Some(first_id), "the re-sit is linked to the first attempt");
    let res = post_lines(&app, &staff, &path, &[(e[0], 3, "9", false)], &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(card(&res.text().await.unwrap(), e[0]).contains("Chương trình chỉ cho viết lại 1 lần; đã dùng hết."));
    // Someone who passed has nothing to re-sit.
    let res = post_lines(&app, &staff, &path, &[(e[1], 2, "9", false)], &[]).await;
    assert!(card(&res.text().await.unwrap(), e[1]).contains("Học viên đã đạt; không viết lại bài thu hoạch."));
    // The final result is the last attempt: a corrected re-sit passes.
    assert_redirect(&post_lines(&app, &staff, &path, &[(e[0], 2, "6", false)], &[]).await, &path);
    let finals = results::final_results(&mut app.conn(), class).unwrap();
    assert!(matches!(finals[&e[0]], FinalResult::Scored { tenths: 60, .. }));
}

#[tokio::test]
async fn a_second_concurrent_save_is_refused_with_who_changed_it_and_nothing_typed_is_lost() {
    let app = spawn_app().await;
    let class = assessing_class(&app);
    let path = format!("/classes/{class}/results");
    let e = eligible(&app, class);
    let lecturer_id = users::find_by_email(&mut app.conn(), LECTURER).unwrap().unwrap().id;
    assert!(boiduong::store::attendance::teaches(&mut app.conn(), lecturer_id, class).unwrap());
    let lecturer_name = users::find(&mut app.conn(), lecturer_id).unwrap().display_name;
    let (staff, lecturer) = (app.login(STAFF).await, app.login(LECTURER).await);
    // Both open the sheet with no result yet (version 0); the lecturer saves first.
    assert_redirect(&post_with_versions(&lecturer, &path, &[(e[0], 1, "7", false)], &[0], &[]).await, &path);
    let res = post_with_versions(&staff, &path, &[(e[0], 1, "8", false), (e[1], 1, "6", false)], &[0, 0], &[]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    let line = card(&html, e[0]);
    let said = format!("đã được {lecturer_name} sửa lúc ");
    let at = line.find(&said).unwrap_or_else(|| panic!("who changed it: {line}")) + said.len();
    let time = &line[at..at + 5];
    assert!(time.as_bytes()[2] == b':' && time.replace(':', "").bytes().all(|b| b.is_ascii_digit()), "HH:MM: {line}");
    assert!(line.contains("Lần 1: 7,0 — Khá"), "the current value is shown: {line}");
    assert_eq!(input_value(&line, &format!("s{}", e[0])), "8", "what the second editor typed is kept");
    assert_eq!(input_value(&html, &format!("s{}", e[1])), "6");
    assert_eq!(attempts(&app, e[0])[0].3, Some(70));
    assert!(attempts(&app, e[1]).is_empty(), "the whole save is refused");
    // Saving the re-rendered form again overwrites knowingly.
    let version = input_value(&line, &format!("v{}", e[0])).parse::<i32>().unwrap();
    assert_eq!(version, 1);
    assert_redirect(
        &post_with_versions(&staff, &path, &[(e[0], 1, "8", false), (e[1], 1, "6", false)], &[1, 0], &[]).await,
        &path,
    );
    assert_eq!(attempts(&app, e[0])[0].3, Some(80));
}

#[tokio::test]
async fn locking_needs_every_result_and_the_decision_and_then_only_an_audited_amendment_changes_a_result() {
    let app = spawn_app().await;
    let class = assessing_class(&app);
    let path = format!("/classes/{class}/results");
    let e = eligible(&app, class);
    let staff = app.login(STAFF).await;
    let version = |app: &TestApp| -> String {
        classes::table.find(class).select(classes::version).first::<i32>(&mut *app.conn()).unwrap().to_string()
    };
    // Not yet: results are missing and there is no decision.
    let res = staff.post(&format!("{path}/lock"), &[("version", &version(&app))]).await;
    assert_redirect(&res, &path);
    let text = main_text(&staff.page(&path).await.1);
    assert!(text.contains("Chưa khóa được kết quả"), "{text}");
    assert!(text.contains(&format!("Còn {} học viên chưa có kết quả bài thu hoạch.", e.len())), "{text}");

    // Every eligible learner gets a result; the decision is recorded.
    let lines: Vec<Line<'_>> =
        e.iter().enumerate().map(|(i, id)| (*id, 1, if i % 5 == 4 { "4" } else { "7,5" }, false)).collect();
    assert_redirect(&post_lines(&app, &staff, &path, &lines, &[]).await, &path);
    let res = staff
        .post(
            &format!("/classes/{class}/results-decision"),
            &[("number", "120-QĐ/TCT"), ("date", "20/11/2026"), ("version", &version(&app))],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // A lecturer cannot lock.
    let lecturer = app.login(LECTURER).await;
    assert_eq!(
        lecturer.post(&format!("{path}/lock"), &[("version", &version(&app))]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_redirect(&staff.post(&format!("{path}/lock"), &[("version", &version(&app))]).await, &path);
    let (status, locked_at, locked_by): (String, Option<time::PrimitiveDateTime>, Option<i64>) = classes::table
        .find(class)
        .select((classes::status, classes::results_locked_at, classes::results_locked_by))
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(status, "locked");
    assert!(locked_at.is_some());
    assert_eq!(locked_by, Some(app.account_id(STAFF)));
    let text = main_text(&staff.page(&path).await.1);
    assert!(text.contains("Kết quả đã khóa lúc"), "{text}");

    // After locking, a plain save is refused, for staff and the lecturer alike.
    let res = post_lines(&app, &staff, &path, &[(e[0], 1, "9", false)], &[]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(main_text(&html).contains("Kết quả đã khóa; chỉ giáo vụ được điều chỉnh, kèm lý do."));
    assert_eq!(input_value(&html, &format!("s{}", e[0])), "9", "what staff typed is kept for the amendment");
    let res = post_lines(&app, &lecturer, &path, &[(e[0], 1, "9", false)], &[]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(attempts(&app, e[0])[0].3, Some(75));
    // An amendment needs a reason; the lecturer may not amend.
    let amend = format!("{path}/amend");
    let res =
        post_lines(&app, &lecturer, &amend, &[(e[0], 1, "9", false)], &[("amendment_reason", "Chấm phúc khảo")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = post_lines(&app, &staff, &amend, &[(e[0], 1, "9", false)], &[("amendment_reason", "  ")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("Ghi lý do điều chỉnh."));
    assert_eq!(input_value(&html, &format!("s{}", e[0])), "9", "the typed score is kept");
    let res =
        post_lines(&app, &staff, &amend, &[(e[0], 1, "9", false)], &[("amendment_reason", "Chấm phúc khảo theo đơn")])
            .await;
    assert_redirect(&res, &path);
    assert_eq!(attempts(&app, e[0])[0].3, Some(90));
    let (before, after, reason, actor): (Option<String>, Option<String>, Option<String>, Option<i64>) =
        audit_events::table
            .filter(audit_events::entity.eq("assessment"))
            .filter(audit_events::action.eq("amend_result"))
            .select((
                audit_events::before_json,
                audit_events::after_json,
                audit_events::reason,
                audit_events::actor_user_id,
            ))
            .first(&mut *app.conn())
            .unwrap();
    assert!(before.unwrap().contains("\"score_tenths\":75"));
    assert!(after.unwrap().contains("\"score_tenths\":90"));
    assert_eq!(reason.as_deref(), Some("Chấm phúc khảo theo đơn"));
    assert_eq!(actor, Some(app.account_id(STAFF)));
    // The audit log page shows it too.
    let (_, log) = app.login(ADMIN).await.page("/audit").await;
    assert!(main_text(&log).contains("Chấm phúc khảo theo đơn"), "{}", main_text(&log));
}

#[tokio::test]
async fn the_results_list_prints_with_counts_per_band_and_exports_to_pdf_and_excel() {
    let app = spawn_app().await;
    let class = assessing_class(&app);
    let path = format!("/classes/{class}/results");
    let e = eligible(&app, class);
    let staff = app.login(STAFF).await;
    let lines: Vec<Line<'_>> =
        vec![(e[0], 1, "9,5", false), (e[1], 1, "8", false), (e[2], 1, "8,2", false), (e[3], 1, "3", false)];
    assert_redirect(&post_lines(&app, &staff, &path, &lines, &[]).await, &path);
    let (status, html) = staff.page(&format!("{path}/list")).await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&html);
    assert!(text.contains("Bảng điểm"));
    assert!(text.contains("9,5 — Xuất sắc") && text.contains("3,0 — Không đạt"), "{text}");
    let total = sheet_of(&app, class).len();
    assert!(
        text.contains(&format!("Tổng số học viên {total}")) || text.contains(&format!("Tổng số học viên\n{total}")),
        "{text}"
    );
    assert!(text.contains("Giỏi 2 ("), "two learners have Giỏi: {text}");
    let res = staff.get(&format!("/classes/{class}/results.pdf")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let res = staff.get(&format!("/classes/{class}/results.xlsx")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let table = boiduong::import::read(&res.bytes().await.unwrap()).unwrap();
    let cells: Vec<String> = table.rows.iter().flat_map(|(_, r)| r.iter().map(|v| v.text())).collect();
    assert!(cells.iter().any(|c| c == "Xuất sắc"), "{cells:?}");
    assert!(cells.iter().any(|c| c.contains("9.5") || c.contains("9,5")), "{cells:?}");
    let res = staff.get(&format!("/classes/{class}/attendance.pdf")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.bytes().await.unwrap().starts_with(b"%PDF"));
    // The overview links the results.
    let (_, overview) = staff.page(&format!("/classes/{class}")).await;
    assert!(overview.contains(&format!("href=\"/classes/{class}/results\"")));
}

#[tokio::test]
async fn the_learner_sees_the_score_once_locked_and_a_secretary_only_their_people() {
    let app = spawn_app().await;
    let class = assessing_class(&app);
    let path = format!("/classes/{class}/results");
    let actor = Actor::system("kiểm thử");
    // The demo learner and someone of the secretary's cell join the class.
    let (learner_person, cell) = {
        let mut c = app.conn();
        let learner = users::find_by_email(&mut c, LEARNER).unwrap().unwrap().person_id.unwrap();
        let secretary = users::find_by_email(&mut c, SECRETARY).unwrap().unwrap().id;
        let cell = users::account(&mut c, secretary).unwrap().secretary_units[0];
        let first_day: time::Date = classes::table.find(class).select(classes::first_day).first(&mut *c).unwrap();
        enrolment_store::enrol(&mut c, &actor, class, learner, enrolment_store::SOURCE_STAFF, first_day).unwrap();
        (learner, cell)
    };
    let lines = sheet_of(&app, class);
    let mine = lines.iter().find(|l| l.learner.person_id == learner_person).unwrap().learner.enrolment_id;
    let outsider = lines.iter().find(|l| l.learner.org_unit_id != cell).unwrap();
    let staff = app.login(STAFF).await;
    let all: Vec<Line<'_>> = lines
        .iter()
        .filter(|l| l.eligible)
        .map(|l| (l.learner.enrolment_id, 1, if l.learner.enrolment_id == mine { "8,7" } else { "6" }, false))
        .collect();
    assert_redirect(&post_lines(&app, &staff, &path, &all, &[]).await, &path);

    let learner = app.login(LEARNER).await;
    let text = main_text(&learner.page("/me/results").await.1);
    assert!(!text.contains("8,7"), "no score before locking: {text}");
    assert!(text.contains("Điểm và xếp loại hiện ở đây khi nhà trường đã khóa kết quả."), "{text}");
    // A learner has no business on the class's pages.
    assert_eq!(learner.get(&format!("{path}/list")).await.status(), StatusCode::FORBIDDEN);

    // The secretary sees their own people, without scores before locking.
    let secretary = app.login(SECRETARY).await;
    let (status, html) = secretary.page(&format!("{path}/list")).await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&html);
    assert!(text.contains("Chưa công bố"), "{text}");
    assert!(!text.contains(&outsider.learner.full_name), "another unit's learner is not listed");
    assert_eq!(secretary.get(&path).await.status(), StatusCode::FORBIDDEN, "the sheet is not theirs");

    let version: i32 = classes::table.find(class).select(classes::version).first(&mut *app.conn()).unwrap();
    staff
        .post(
            &format!("/classes/{class}/results-decision"),
            &[("number", "121-QĐ/TCT"), ("date", "21/11/2026"), ("version", &version.to_string())],
        )
        .await;
    let version: i32 = classes::table.find(class).select(classes::version).first(&mut *app.conn()).unwrap();
    assert_redirect(&staff.post(&format!("{path}/lock"), &[("version", &version.to_string())]).await, &path);
    let text = main_text(&learner.page("/me/results").await.1);
    assert!(text.contains("8,7") && text.contains("Giỏi"), "score and band once locked: {text}");
    let text = main_text(&secretary.page(&format!("{path}/list")).await.1);
    assert!(text.contains("8,7 — Giỏi"), "{text}");

    // A class without the secretary's people answers 404.
    let other: i64 = {
        let mut c = app.conn();
        let with_mine: Vec<i64> = enrolments::table
            .inner_join(people_t::table)
            .filter(people_t::org_unit_id.eq(cell))
            .select(enrolments::class_id)
            .load(&mut *c)
            .unwrap();
        classes::table.filter(classes::id.ne_all(with_mine)).select(classes::id).first(&mut *c).unwrap()
    };
    assert_eq!(secretary.get(&format!("/classes/{other}/results/list")).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_demo_has_scores_being_assessed_with_a_resit_and_the_closed_class_locked_with_every_result() {
    let app = spawn_app().await;
    let mut c = app.conn();
    let class_of = |status: &str, c: &mut boiduong::db::PooledConn| -> i64 {
        classes::table.filter(classes::status.eq(status)).select(classes::id).first(&mut **c).unwrap()
    };
    let assessing = class_of("assessing", &mut c);
    let closed = class_of("closed", &mut c);
    let finals = results::final_results(&mut c, assessing).unwrap();
    let pending = finals.values().filter(|r| **r == FinalResult::Pending).count();
    let scored = finals.values().filter(|r| matches!(r, FinalResult::Scored { .. })).count();
    assert!(pending > 0 && scored > 20, "some essays still to come, most scored: {pending} pending, {scored} scored");
    let resits: Vec<(i64, Option<i64>)> = assessments::table
        .inner_join(enrolments::table)
        .filter(enrolments::class_id.eq(assessing))
        .filter(assessments::attempt.eq(2))
        .select((assessments::id, assessments::previous_id))
        .load(&mut *c)
        .unwrap();
    assert_eq!(resits.len(), 1);
    assert!(resits[0].1.is_some(), "the re-sit is linked to the first attempt");
    assert!(finals.values().any(|r| *r == FinalResult::Absent));
    assert!(finals.values().any(|r| *r == FinalResult::NotEligible));

    let finals = results::final_results(&mut c, closed).unwrap();
    assert!(!finals.is_empty());
    assert!(finals.values().all(|r| *r != FinalResult::Pending), "every result of the closed class is entered");
    assert!(finals.values().filter(|r| r.passed()).count() > 30);
    let locked_at: Option<time::PrimitiveDateTime> =
        classes::table.find(closed).select(classes::results_locked_at).first(&mut *c).unwrap();
    assert!(locked_at.is_some());
    // The closed class's attendance is on record too: every session marked for every learner,
    // nobody missing more than one (with a reason), so each locked score stands on it.
    let tallies = boiduong::store::attendance::tallies(&mut c, closed).unwrap();
    assert_eq!(tallies.len(), finals.len());
    for (enrolment, t) in &tallies {
        assert!(t.sessions >= 5, "{enrolment}: {t:?}");
        assert_eq!(t.present + t.late + t.excused, t.sessions, "{enrolment}: every session marked, {t:?}");
        assert!(t.excused <= 1 && t.unexcused == 0, "{enrolment}: {t:?}");
    }
    assert!(tallies.values().any(|t| t.excused == 1) && tallies.values().any(|t| t.late > 0));
}
