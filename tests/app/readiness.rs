//! Admission dossiers end to end: the secretary's scope (another chi bộ's person is 404 in every
//! page and form, whatever id is guessed), confirming and undoing a step with its audit, the
//! certificate row that nobody ticks, the readiness state around the meeting day, the admin's
//! steps, and the month-9 probation warning sent once through a real SMTP server.

use boiduong::db::schema::{audit_events, certificates, outbox, people, programs, readiness_items, readiness_steps};
use boiduong::domain::probation;
use boiduong::domain::readiness::Overall;
use boiduong::store::Scope;
use boiduong::store::readiness::{self, WorkspaceFilter};
use diesel::prelude::*;
use reqwest::StatusCode;
use time::{Date, Duration};

use crate::helpers::*;
use crate::smtp::SmtpServer;

fn person_unit(app: &TestApp, person: i64) -> i64 {
    people::table.find(person).select(people::org_unit_id).first(&mut *app.conn()).unwrap()
}

fn secretary_scope(app: &TestApp) -> Scope {
    let account = boiduong::store::users::account(&mut app.conn(), app.account_id(SECRETARY)).unwrap();
    boiduong::store::orgs::scope_for(&mut app.conn(), &account).unwrap()
}

fn step_id(app: &TestApp, path: &str, code: &str) -> i64 {
    readiness_steps::table
        .filter(readiness_steps::path.eq(path))
        .filter(readiness_steps::code.eq(code))
        .select(readiness_steps::id)
        .first(&mut *app.conn())
        .unwrap()
}

/// A candidate outside the secretary's units.
fn someone_elses_candidate(app: &TestApp) -> i64 {
    let Scope::Units(units) = secretary_scope(app) else { panic!("a secretary is scoped") };
    people::table
        .filter(people::org_unit_id.ne_all(units))
        .filter(people::status.eq("candidate"))
        .select(people::id)
        .first(&mut *app.conn())
        .unwrap()
}

/// The secretary's candidates in the demo, by the state of their dossier.
fn own_candidate(app: &TestApp, pick: impl Fn(&Overall) -> bool) -> (i64, String) {
    let today = app.config.clock.today();
    let rows =
        readiness::workspace(&mut app.conn(), &secretary_scope(app), WorkspaceFilter::Candidates, today, (1, 500))
            .unwrap()
            .items;
    let row = rows.into_iter().find(|r| pick(&r.overall)).expect("a demo candidate in that state");
    (row.person.id, row.person.full_name)
}

fn items_of(app: &TestApp, person: i64) -> i64 {
    readiness_items::table.filter(readiness_items::person_id.eq(person)).count().get_result(&mut *app.conn()).unwrap()
}

#[tokio::test]
async fn a_secretary_cannot_see_or_change_another_cells_dossier() {
    let app = spawn_app().await;
    let secretary = app.login(SECRETARY).await;
    let other = someone_elses_candidate(&app);
    let name: String = people::table.find(other).select(people::full_name).first(&mut *app.conn()).unwrap();
    let biography = step_id(&app, "admission", "biography");
    let before = items_of(&app, other);

    let (status, _) = secretary.page(&format!("/people/{other}/dossier")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let posts = [
        (format!("/people/{other}/dossier/steps/{biography}"), vec![("status", "done"), ("done_on", "01/11/2026")]),
        (format!("/people/{other}/dossier/steps/{biography}/undo"), vec![("version", "1")]),
        (format!("/people/{other}/dossier/facts"), vec![("planned_meeting_on", "01/12/2026")]),
    ];
    for (path, fields) in &posts {
        let res = secretary.post(path, fields).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "POST {path}");
    }
    // Ids that do not exist answer the same.
    for path in ["/people/999999/dossier", &format!("/people/{other}/dossier/steps/999999")] {
        let res = secretary.post(path, &[("status", "done"), ("done_on", "01/11/2026")]).await;
        assert!(matches!(res.status(), StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED), "{path}");
    }
    assert_eq!(items_of(&app, other), before, "nothing recorded");
    let planned: Option<Date> =
        people::table.find(other).select(people::planned_meeting_on).first(&mut *app.conn()).unwrap();
    assert_eq!(planned, None);
    // The workspace does not list them.
    let (status, html) = secretary.page("/dossiers").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains(&format!("/people/{other}/dossier")), "{name} is not the secretary's");
    // Staff see them.
    let staff = app.login(STAFF).await;
    let (status, html) = staff.page(&format!("/people/{other}/dossier")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(main_text(&html).contains(&name));
}

#[tokio::test]
async fn confirming_and_undoing_a_step_is_audited() {
    let app = spawn_app().await;
    let secretary = app.login(SECRETARY).await;
    let (person, _) = own_candidate(&app, |o| *o == Overall::Missing { count: 2 });
    let biography = step_id(&app, "admission", "biography");
    let dossier = format!("/people/{person}/dossier");
    let (_, html) = secretary.page(&dossier).await;
    assert!(main_text(&html).contains("Còn thiếu 2 mục"), "{}", main_text(&html));

    // A date in the future is refused, with what was typed kept.
    let tomorrow = boiduong::domain::dates::format(app.config.clock.today() + Duration::days(1));
    let path = format!("{dossier}/steps/{biography}");
    let res = secretary.post(&path, &[("status", "done"), ("done_on", &tomorrow), ("reference", "LL-2026/07")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("Ngày không được sau ngày hôm nay."));
    assert!(html.contains("LL-2026/07") && html.contains(&tomorrow), "the typed values are kept");
    assert_eq!(items_of(&app, person), 4 + u8::from(has_org_row(&app, person)) as i64);

    let today = boiduong::domain::dates::format(app.config.clock.today());
    let res = secretary.post(&path, &[("status", "done"), ("done_on", &today), ("reference", "LL-2026/07")]).await;
    assert_redirect(&res, &dossier);
    let (_, html) = secretary.page(&dossier).await;
    let text = main_text(&html);
    assert!(text.contains("LL-2026/07") && text.contains("Nguyễn Văn Bình"), "{text}");
    assert!(text.contains("Còn thiếu 1 mục"), "{text}");
    let (id, version): (i64, i32) = readiness_items::table
        .filter(readiness_items::person_id.eq(person))
        .filter(readiness_items::step_id.eq(biography))
        .select((readiness_items::id, readiness_items::version))
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(version, 1);

    // A form showing an older version is refused.
    let res = secretary.post(&format!("{path}/undo"), &[("version", "7")]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = secretary.post(&format!("{path}/undo"), &[("version", "1")]).await;
    assert_redirect(&res, &dossier);
    let left: i64 = readiness_items::table.find(id).count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(left, 0);
    let actions: Vec<(String, Option<i64>)> = audit_events::table
        .filter(audit_events::entity.eq("readiness_item"))
        .filter(audit_events::entity_id.eq(id))
        .order(audit_events::id)
        .select((audit_events::action, audit_events::actor_user_id))
        .load(&mut *app.conn())
        .unwrap();
    let secretary_id = app.account_id(SECRETARY);
    assert_eq!(actions, vec![("record".into(), Some(secretary_id)), ("clear".into(), Some(secretary_id))]);

    // The confirmed introduction says who introduced the candidate (the committees' reports count
    // the Youth Union's share from it); undoing it forgets.
    let introduced_by = |app: &TestApp| -> Option<String> {
        people::table.find(person).select(people::introduced_by).first(&mut *app.conn()).unwrap()
    };
    assert_eq!(introduced_by(&app).as_deref(), Some("members"));
    let introduction = step_id(&app, "admission", "members_introduction");
    let res = secretary.post(&format!("{dossier}/steps/{introduction}/undo"), &[("version", "1")]).await;
    assert_redirect(&res, &dossier);
    assert_eq!(introduced_by(&app), None);
}

/// Whether the demo's candidate is introduced by an organisation (then that row was recorded too).
fn has_org_row(app: &TestApp, person: i64) -> bool {
    let org = step_id(app, "admission", "organisation_introduction");
    let n: i64 = readiness_items::table
        .filter(readiness_items::person_id.eq(person))
        .filter(readiness_items::step_id.eq(org))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    n == 1
}

#[tokio::test]
async fn the_certificate_row_is_never_ticked_by_hand() {
    let app = spawn_app().await;
    let secretary = app.login(SECRETARY).await;
    let (person, _) = own_candidate(&app, |o| matches!(o, Overall::Missing { .. }));
    let certificate = step_id(&app, "admission", "awareness_certificate");
    let decision = step_id(&app, "admission", "admission_decision");
    let before = items_of(&app, person);
    for step in [certificate, decision] {
        let res = secretary
            .post(&format!("/people/{person}/dossier/steps/{step}"), &[("status", "done"), ("done_on", "01/11/2026")])
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.unwrap().contains("Mục này được tính tự động"));
    }
    assert_eq!(items_of(&app, person), before);
    // The page offers no form for it.
    let (_, html) = secretary.page(&format!("/people/{person}/dossier")).await;
    assert!(!html.contains(&format!("/dossier/steps/{certificate}\"")));
    assert!(html.contains("Tự động theo giấy chứng nhận"));
}

#[tokio::test]
async fn readiness_turns_on_the_meeting_day_when_the_certificate_expires() {
    let app = spawn_app().await;
    let secretary = app.login(SECRETARY).await;
    let (person, name) = own_candidate(&app, |o| *o == Overall::Ready);
    let expires: Date = certificates::table
        .inner_join(programs::table.on(programs::id.eq(certificates::program_id)))
        .filter(certificates::person_id.eq(person))
        .filter(certificates::status.eq("valid"))
        .filter(programs::code.eq("NTVD"))
        .select(certificates::expires_on.assume_not_null())
        .first(&mut *app.conn())
        .unwrap();
    // The documents that lapse are moved close to the meeting, so only the certificate decides.
    diesel::update(readiness_items::table.filter(readiness_items::person_id.eq(person)))
        .set(readiness_items::done_on.eq(expires - Duration::days(30)))
        .execute(&mut *app.conn())
        .unwrap();
    let dossier = format!("/people/{person}/dossier");
    for (meeting, expected) in [
        (expires - Duration::days(1), "Đủ hồ sơ"),
        (expires, "Giấy chứng nhận hết hạn"),
        (expires + Duration::days(1), "Giấy chứng nhận hết hạn"),
    ] {
        let typed = boiduong::domain::dates::format(meeting);
        let res = secretary.post(&format!("{dossier}/facts"), &[("planned_meeting_on", &typed)]).await;
        assert_redirect(&res, &dossier);
        let (_, html) = secretary.page(&dossier).await;
        assert!(main_text(&html).contains(expected), "meeting {typed}: {}", main_text(&html));
        let (_, html) = secretary.page("/dossiers?show=candidates").await;
        let text = main_text(&html);
        // The row: the name, what comes next, then the dossier's state.
        let at = text.find(&name).expect("the candidate is listed");
        let line: String = text[at..].chars().take(name.chars().count() + 80).collect();
        assert!(line.contains(expected), "the workspace agrees on {typed}: {line}");
    }
    // The person form shows it too.
    let (_, html) = secretary.page(&format!("/people/{person}/edit")).await;
    let last = boiduong::domain::dates::format(expires + Duration::days(1));
    assert!(html.contains(&format!("name=\"planned_meeting_on\" value=\"{last}\"")), "the edit form");
    // A mistyped date is refused with the typed text kept.
    let res = secretary.post(&format!("{dossier}/facts"), &[("planned_meeting_on", "31/02/2027")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("31/02/2027"));
}

/// The people whose dossier links a workspace page shows, in order.
fn dossier_links(html: &str) -> Vec<String> {
    html.match_indices("/dossier\"")
        .map(|(end, _)| html[html[..end].rfind("/people/").unwrap()..end].to_owned())
        .collect()
}

/// A page's pager link (`rel` "prev" or "next"), as the browser would follow it.
fn pager_link(html: &str, rel: &str) -> Option<String> {
    let end = html.find(&format!("\" rel=\"{rel}\""))?;
    let start = html[..end].rfind("href=\"")? + "href=\"".len();
    Some(html[start..end].replace("&#x3D;", "=").replace("&amp;", "&"))
}

/// Every dossier link of a workspace list, page after page.
async fn dossier_links_of_every_page(browser: &Browser, path: &str) -> Vec<String> {
    let mut links = Vec::new();
    let mut next = Some(path.to_owned());
    while let Some(path) = next {
        let (_, html) = browser.page(&path).await;
        links.extend(dossier_links(&html));
        next = pager_link(&html, "next");
    }
    links
}

#[tokio::test]
async fn the_workspace_pages_fifty_at_a_time_keeping_its_filter() {
    let app = spawn_app().await;
    // A province's worth of candidates: everyone of the demo who is not a member yet.
    diesel::update(people::table.filter(people::status.ne("probationary")))
        .set(people::status.eq("candidate"))
        .execute(&mut *app.conn())
        .unwrap();
    let candidates: i64 =
        people::table.filter(people::status.eq("candidate")).count().get_result(&mut *app.conn()).unwrap();
    assert!(candidates > 100, "{candidates}");
    let pages = (candidates + 49) / 50;
    let staff = app.login(STAFF).await;

    let (status, first) = staff.page("/dossiers?show=candidates").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(dossier_links(&first).len(), 50);
    assert!(
        main_text(&first).contains(&boiduong::domain::numbers::format_int(candidates)),
        "the total is of all pages"
    );
    assert_eq!(pager_link(&first, "next").as_deref(), Some("/dossiers?show=candidates&page=2"));
    assert_eq!(pager_link(&first, "prev"), None);

    let (_, second) = staff.page("/dossiers?show=candidates&page=2").await;
    let (one, two) = (dossier_links(&first), dossier_links(&second));
    assert_eq!(two.len(), 50);
    assert!(two.iter().all(|link| !one.contains(link)), "no one on two pages");
    assert_eq!(pager_link(&second, "prev").as_deref(), Some("/dossiers?show=candidates"));

    // Past the end, the last page; a page that is not a number, the first.
    let (status, last) = staff.page("/dossiers?show=candidates&page=999").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(dossier_links(&last).len() as i64, candidates - 50 * (pages - 1));
    assert_eq!(pager_link(&last, "next"), None);
    let every = dossier_links_of_every_page(&staff, "/dossiers?show=candidates").await;
    assert_eq!(every.len() as i64, candidates, "following the pages shows everyone once");
    let (_, junk) = staff.page("/dossiers?show=candidates&page=abc").await;
    assert_eq!(dossier_links(&junk), one);
}

#[tokio::test]
async fn the_workspace_shows_every_stage_of_the_demo() {
    let app = spawn_app().await;
    let secretary = app.login(SECRETARY).await;
    let (status, html) = secretary.page("/dossiers").await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&html);
    for shown in
        ["Đủ hồ sơ", "Còn thiếu 2 mục", "Giấy chứng nhận hết hạn", "Hết dự bị ngày", "Chưa học lớp đảng viên mới"]
    {
        assert!(text.contains(shown), "{shown}: {text}");
    }
    let (_, html) = secretary.page("/dossiers?show=probationary").await;
    assert!(!main_text(&html).contains("Đủ hồ sơ"), "candidates are left out");
    // Staff see every chi bộ, and narrow the list to one.
    let Scope::Units(units) = secretary_scope(&app) else { panic!("scoped") };
    let other = someone_elses_candidate(&app);
    let other_name: String = people::table.find(other).select(people::full_name).first(&mut *app.conn()).unwrap();
    let (ready, ready_name) = own_candidate(&app, |o| *o == Overall::Ready);
    let staff = app.login(STAFF).await;
    let every = dossier_links_of_every_page(&staff, "/dossiers?show=candidates").await;
    let (other_link, ready_link) = (format!("/people/{other}/dossier\""), format!("/people/{ready}/dossier\""));
    assert!(every.contains(&format!("/people/{other}")) && every.contains(&format!("/people/{ready}")));
    let (_, html) = staff.page(&format!("/dossiers?show=candidates&unit={}", person_unit(&app, other))).await;
    assert!(html.contains(&other_link) && main_text(&html).contains(&other_name));
    let (_, html) = staff.page(&format!("/dossiers?show=candidates&unit={}", units[0])).await;
    assert!(html.contains(&ready_link) && !html.contains(&other_link), "{}", main_text(&html));
    assert!(main_text(&html).contains(&ready_name));
    // The navigation leads there; a lecturer may not.
    let (_, home) = secretary.page("/").await;
    assert!(home.contains("href=\"/dossiers\""));
    let lecturer = app.login(LECTURER).await;
    assert_eq!(lecturer.page("/dossiers").await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_probation_clock_is_shown_on_the_dossier() {
    let app = spawn_app().await;
    let secretary = app.login(SECRETARY).await;
    let today = app.config.clock.today();
    let rows =
        readiness::workspace(&mut app.conn(), &secretary_scope(&app), WorkspaceFilter::Probationary, today, (1, 500))
            .unwrap()
            .items;
    // The demo's member in month 10 (nine full months since the ceremony), without DVM.
    let member = rows
        .iter()
        .find(|r| r.probation.as_ref().is_some_and(|p| p.warning && p.months_in == 9))
        .expect("the demo's month 10");
    let p = member.probation.as_ref().unwrap();
    assert!(!p.has_new_member_certificate && !p.ended);
    let (_, html) = secretary.page(&format!("/people/{}/dossier", member.person.id)).await;
    let text = main_text(&html);
    let ends = boiduong::domain::dates::format(p.dates.ends_on);
    assert!(text.contains(&ends) && text.contains(&format!("còn {} ngày", p.days_left)), "{text}");
    assert!(text.contains(&boiduong::domain::dates::format(p.dates.proposal_due)));
    assert!(text.contains("chưa học lớp bồi dưỡng đảng viên mới"), "{text}");
}

#[tokio::test]
async fn the_month_nine_warning_is_emailed_once() {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let app = spawn_app_with(move |c| c.smtp_url = url).await;
    let today = app.config.clock.today();
    let secretary_id = app.account_id(SECRETARY);
    let Scope::Units(units) = secretary_scope(&app) else { panic!("scoped") };
    // A probationary member of the chi bộ with no warning yet: month 9 begins in a few days.
    let person: i64 = people::table
        .filter(people::org_unit_id.eq_any(&units))
        .filter(people::status.eq("probationary"))
        .order(people::id.desc())
        .select(people::id)
        .first(&mut *app.conn())
        .unwrap();
    let (ceremony, warning_on) = (1..10)
        .map(|d| boiduong::domain::person::add_months(today + Duration::days(d), -9))
        .map(|c| (c, probation::warning_on(c)))
        .find(|(_, w)| *w > today)
        .unwrap();
    diesel::update(people::table.find(person))
        .set((people::ceremony_date.eq(ceremony), people::admission_decision_date.eq(ceremony - Duration::days(10))))
        .execute(&mut *app.conn())
        .unwrap();
    let key = format!("probation-warning:{person}:{}:{secretary_id}", boiduong::domain::dates::iso(ceremony));
    let count = |app: &TestApp| -> i64 {
        outbox::table.filter(outbox::message_key.eq(&key)).count().get_result(&mut *app.conn()).unwrap()
    };
    // The demo's member at month 10 was warned when the worker started.
    let demo_warning = smtp.wait_for_subject(SECRETARY, "Đảng viên dự bị", 30).await;
    assert!(!demo_warning.is_empty(), "the demo's warning reached the secretary");
    assert_eq!(count(&app), 0, "not before month 9");
    assert_eq!(readiness::queue_probation_warnings(&mut app.conn(), "test.vn", "http://x", today).unwrap(), 0);

    let days = (warning_on - today).whole_days() as u64;
    app.advance(std::time::Duration::from_secs(days * 86_400));
    let name: String = people::table.find(person).select(people::full_name).first(&mut *app.conn()).unwrap();
    let received = smtp.wait_for_subject(SECRETARY, &format!("Đảng viên dự bị {name}"), 30).await;
    assert_eq!(received.len(), 1);
    let message = received[0].parsed();
    let body = message.body_text(0).unwrap().to_string();
    assert!(body.contains(&format!("/people/{person}/dossier")), "{body}");
    assert!(body.contains(&boiduong::domain::dates::format(probation::ends_on(ceremony))), "{body}");
    assert_eq!(count(&app), 1);
    // Another day: nothing new.
    app.advance(std::time::Duration::from_secs(86_400));
    let again = readiness::queue_probation_warnings(
        &mut app.conn(),
        "test.vn",
        "http://x",
        today + Duration::days(days as i64 + 1),
    );
    assert_eq!(again.unwrap(), 0);
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    assert_eq!(count(&app), 1);
    assert_eq!(smtp.wait_for_subject(SECRETARY, &format!("Đảng viên dự bị {name}"), 1).await.len(), 1);
}

#[tokio::test]
async fn an_admin_edits_the_steps_and_staff_the_unions() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let (status, html) = admin.page("/settings/readiness-steps").await;
    assert_eq!(status, StatusCode::OK);
    assert!(main_text(&html).contains("Đơn xin vào Đảng"));
    let id = step_id(&app, "admission", "application");
    let path = format!("/settings/readiness-steps/{id}");
    let res =
        admin.post(&path, &[("label", "Đơn xin vào Đảng (viết tay)"), ("form_code", "1-KNĐ"), ("position", "x")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Đơn xin vào Đảng (viết tay)"));
    let res = admin
        .post(
            &path,
            &[("label", "Đơn xin vào Đảng (viết tay)"), ("form_code", "1-KNĐ"), ("position", "3"), ("active", "on")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (label, required): (String, bool) = readiness_steps::table
        .find(id)
        .select((readiness_steps::label, readiness_steps::required))
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!((label.as_str(), required), ("Đơn xin vào Đảng (viết tay)", false));
    let secretary = app.login(SECRETARY).await;
    assert_eq!(secretary.page("/settings/readiness-steps").await.0, StatusCode::FORBIDDEN);

    // A unit without a Youth Union but with a trade union: its candidates need the trade union.
    let Scope::Units(units) = secretary_scope(&app) else { panic!("scoped") };
    let staff = app.login(STAFF).await;
    let res = staff.post(&format!("/orgs/{}/unions", units[0]), &[("has_trade_union", "on")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (person, _) = own_candidate(&app, |_| true);
    let checklist = readiness::checklist(&mut app.conn(), &Scope::All, person, app.config.clock.today()).unwrap();
    assert_eq!(checklist.computed.introduction, boiduong::domain::readiness::Introduction::TradeUnion);
}
