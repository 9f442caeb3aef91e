//! Accounts: creating them (invited by email) with a person found by name, editing roles and a
//! secretary's chi bộ, deactivating, resetting a password, the list's search, and who may.

use boiduong::domain::names;
use boiduong::domain::role::Role;
use boiduong::store::people::PeopleQuery;
use boiduong::store::{self, Scope};
use reqwest::StatusCode;

use crate::helpers::*;

fn account_count(app: &TestApp) -> i64 {
    store::users::count(&mut app.conn()).unwrap()
}

#[tokio::test]
async fn admin_creates_an_account_that_is_invited_by_email() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    assert_eq!(admin.page("/accounts/new").await.0, StatusCode::OK);

    let res = admin
        .post(
            "/accounts",
            &[
                ("email", "Lan.Nguyen@BoiDuong.test"),
                ("display_name", "Nguyễn Thị Lan"),
                ("role", "staff"),
                ("role", "lecturer"),
            ],
        )
        .await;
    let id = app.account_id("lan.nguyen@boiduong.test");
    assert_redirect(&res, &format!("/accounts/{id}"));
    let (_, page) = admin.page(&format!("/accounts/{id}")).await;
    assert!(
        main_text(&page).contains("thư mời đặt mật khẩu sẽ được gửi tới lan.nguyen@boiduong.test"),
        "{}",
        main_text(&page)
    );
    let account = store::users::account(&mut app.conn(), id).unwrap();
    assert_eq!(account.roles, vec![Role::Staff, Role::Lecturer]);
    assert!(account.user.password_hash.is_none() && account.user.active, "no password until the invitation is used");
    assert_eq!(account.user.display_name, "Nguyễn Thị Lan");

    let (_, list) = admin.page("/accounts").await;
    // The name comes first now (it heads the card on a phone), then the email.
    assert!(main_text(&list).contains("Nguyễn Thị Lan lan.nguyen@boiduong.test Giáo vụ Giảng viên Đang hoạt động"));

    let raw = app.wait_for_file_to("lan.nguyen@boiduong.test", 10).await;
    let text = mail_parser::MessageParser::default().parse(&raw).unwrap().body_text(0).unwrap().to_string();
    assert!(text.contains("Kính gửi đồng chí Nguyễn Thị Lan,"), "school staff are comrades: {text}");
    let start = text.find("/invite/").expect("an invitation link");
    let end = text[start..].find(char::is_whitespace).map_or(text.len(), |e| start + e);
    let link = &text[start..end];
    let lan = app.anonymous();
    let pw = "Lan học chính trị 2026";
    assert_redirect(&lan.post(link, &[("new", pw), ("confirm", pw)]).await, "/login");
    assert_eq!(lan.login("lan.nguyen@boiduong.test", pw).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(lan.page("/orgs").await.0, StatusCode::OK, "logged in with the staff role");
}

#[tokio::test]
async fn a_duplicate_email_is_refused() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let before = account_count(&app);
    let res = admin.post("/accounts", &[("email", STAFF), ("display_name", "Người khác"), ("role", "lecturer")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(main_text(&body).contains("Email này đã được dùng cho một tài khoản khác."));
    assert!(body.contains("value=\"Người khác\""), "typed values are kept");
    assert!(!body.contains("one-time-password"));
    assert_eq!(account_count(&app), before);
    let staff = store::users::account(&mut app.conn(), app.account_id(STAFF)).unwrap();
    assert_eq!(staff.roles, vec![Role::Staff], "the existing account is untouched");
}

#[tokio::test]
async fn bad_account_forms_are_refused() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let before = account_count(&app);

    let res = admin
        .post(
            "/accounts",
            &[("email", "bithu.moi@boiduong.test"), ("display_name", "Bí thư mới"), ("role", "secretary")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("Chọn ít nhất một chi bộ cho bí thư chi bộ."));

    let res = admin.post("/accounts", &[("email", "khong-phai-email"), ("display_name", "Ai đó")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = main_text(&res.text().await.unwrap());
    assert!(text.contains("Email không đúng định dạng"), "{text}");
    assert!(text.contains("Chọn ít nhất một vai trò."), "{text}");
    assert_eq!(account_count(&app), before);

    // With a unit the secretary is created and bound to it.
    let mut conn = app.conn();
    let cell = store::orgs::all(&mut conn).unwrap().into_iter().find(|u| u.name == "Chi bộ Sở Y tế").unwrap().id;
    drop(conn);
    let cell_s = cell.to_string();
    let res = admin
        .post(
            "/accounts",
            &[
                ("email", "bithu.moi@boiduong.test"),
                ("display_name", "Bí thư mới"),
                ("role", "secretary"),
                ("unit", &cell_s),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let account = store::users::account(&mut app.conn(), app.account_id("bithu.moi@boiduong.test")).unwrap();
    assert_eq!(account.secretary_units, vec![cell]);
}

#[tokio::test]
async fn deactivating_an_account_ends_its_session() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let staff = app.login(STAFF).await;
    assert_eq!(staff.page("/orgs").await.0, StatusCode::OK);
    let id = app.account_id(STAFF);

    let (status, form) = admin.page(&format!("/accounts/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("name=\"active\" value=\"on\" checked"));
    let res = admin.post(&format!("/accounts/{id}"), &[("display_name", "Giáo vụ (đã nghỉ)"), ("role", "staff")]).await;
    assert_redirect(&res, &format!("/accounts/{id}"));
    let user = store::users::find(&mut app.conn(), id).unwrap();
    assert!(!user.active);
    assert_eq!(user.display_name, "Giáo vụ (đã nghỉ)");

    let res = staff.get("/orgs").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/login"), "{}", location(&res));
    let res = app.anonymous().login(STAFF, DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "a deactivated account cannot log in");
}

#[tokio::test]
async fn an_admin_keeps_their_own_admin_role_and_access() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let id = app.account_id(ADMIN);
    let path = format!("/accounts/{id}");

    let res = admin.post(&path, &[("display_name", "Quản trị"), ("role", "staff"), ("active", "on")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("Bạn không thể tự bỏ vai trò Quản trị của chính mình."));
    let res = admin.post(&path, &[("display_name", "Quản trị"), ("role", "admin")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("Bạn không thể tự khóa tài khoản của chính mình."));

    let account = store::users::account(&mut app.conn(), id).unwrap();
    assert!(account.roles.contains(&Role::Admin) && account.user.active);
    assert_eq!(admin.page("/accounts").await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_reset_password_is_shown_once_and_logs_in() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let lecturer = app.login(LECTURER).await;
    let id = app.account_id(LECTURER);

    let res = admin.post(&format!("/accounts/{id}/reset-password"), &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let password = shown_password(&res.text().await.unwrap());

    assert_eq!(lecturer.get("/").await.status(), StatusCode::SEE_OTHER, "the old session has ended");
    assert_eq!(app.anonymous().login(LECTURER, DEMO_PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    let res = app.anonymous().login(LECTURER, &password).await;
    assert_redirect(&res, "/account/password");
}

#[tokio::test]
async fn only_admins_manage_accounts() {
    let app = spawn_app().await;
    let before = account_count(&app);
    for email in [STAFF, LECTURER, SECRETARY, LEARNER] {
        let browser = app.login(email).await;
        assert_eq!(browser.page("/accounts").await.0, StatusCode::FORBIDDEN, "{email}");
        assert_eq!(browser.page("/accounts/new").await.0, StatusCode::FORBIDDEN, "{email}");
        let res =
            browser.post("/accounts", &[("email", "x@boiduong.test"), ("display_name", "X"), ("role", "admin")]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{email}");
    }
    assert_eq!(account_count(&app), before);
}

fn unit_id(app: &TestApp, name: &str) -> i64 {
    store::orgs::all(&mut app.conn())
        .unwrap()
        .into_iter()
        .find(|u| u.name == name)
        .unwrap_or_else(|| panic!("{name}"))
        .id
}

/// A demo person of the given cell with no account yet: (id, full name, date of birth).
fn person_without_account(app: &TestApp, cell: &str) -> (i64, String, String) {
    let query = PeopleQuery { org_units: Some(vec![unit_id(app, cell)]), page: 1, per_page: 50, ..Default::default() };
    let mut conn = app.conn();
    let accounts = store::users::search(&mut conn, &Default::default()).unwrap();
    let linked: Vec<i64> =
        accounts.iter().filter_map(|a| store::users::find(&mut conn, a.id).unwrap().person_id).collect();
    let row = store::people::list(&mut conn, &Scope::All, &query)
        .unwrap()
        .items
        .into_iter()
        .find(|p| !linked.contains(&p.id))
        .expect("a person without an account");
    let person = store::people::find(&mut conn, &Scope::All, row.id).unwrap();
    (person.id, person.full_name(), boiduong::domain::dates::format(person.date_of_birth))
}

#[tokio::test]
async fn the_linked_person_is_found_by_name_and_kept_with_what_was_typed() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let (_, form) = admin.page("/accounts/new").await;
    assert!(form.contains("name=\"person_query\"") && form.contains("Tìm người"));
    assert!(!form.contains("inputmode=\"numeric\""), "no internal id to type");

    let (person_id, name, born) = person_without_account(&app, "Chi bộ Sở Y tế");
    let typed = names::fold(&name); // typed without diacritics
    let base = [("email", "hocvien.moi@boiduong.test"), ("display_name", "Học viên mới"), ("role", "learner")];
    let mut search = base.to_vec();
    search.extend([("person_query", typed.as_str()), ("find_person", "1")]);
    let res = admin.post("/accounts", &search).await;
    assert_eq!(res.status(), StatusCode::OK, "a search is not a save");
    let body = res.text().await.unwrap();
    let text = main_text(&body);
    assert!(text.contains(&format!("{name} · {born} · Chi bộ Sở Y tế")), "name, date of birth and cell: {text}");
    assert!(body.contains(&format!("type=\"radio\" name=\"person_id\" value=\"{person_id}\"")));
    assert!(
        body.contains("value=\"hocvien.moi@boiduong.test\"") && body.contains("value=\"Học viên mới\""),
        "typed values kept"
    );
    assert!(body.contains("value=\"learner\" checked"), "the ticked role is kept");
    assert!(body.contains(&format!("name=\"person_query\" type=\"search\" value=\"{typed}\"")));
    assert!(store::users::find_by_email(&mut app.conn(), "hocvien.moi@boiduong.test").unwrap().is_none());

    // Choosing them and searching again keeps the choice, first and ticked.
    let pid = person_id.to_string();
    let mut again = base.to_vec();
    again.extend([("person_id", pid.as_str()), ("person_query", "khong ai co ten nay"), ("find_person", "1")]);
    let body = admin.post("/accounts", &again).await.text().await.unwrap();
    assert!(main_text(&body).contains("Không tìm thấy ai có họ tên phù hợp."));
    assert!(body.contains(&format!("name=\"person_id\" value=\"{pid}\" checked")), "the chosen person stays chosen");

    let mut save = base.to_vec();
    save.extend([("person_id", pid.as_str()), ("person_query", typed.as_str())]);
    let res = admin.post("/accounts", &save).await;
    let id = app.account_id("hocvien.moi@boiduong.test");
    assert_redirect(&res, &format!("/accounts/{id}"));
    assert_eq!(store::users::find(&mut app.conn(), id).unwrap().person_id, Some(person_id));
    let (_, page) = admin.page(&format!("/accounts/{id}")).await;
    assert!(
        main_text(&page).contains(&format!("Hồ sơ liên kết {name} · {born} · Chi bộ Sở Y tế")),
        "{}",
        main_text(&page)
    );
}

#[tokio::test]
async fn enter_searches_a_newly_typed_name_and_saves_otherwise() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let (person_id, name, _) = person_without_account(&app, "Chi bộ thôn 1");
    let pid = person_id.to_string();
    let base = [("email", "enter@boiduong.test"), ("display_name", "Nhấn Enter"), ("role", "learner"), ("enter", "1")];
    // Enter in the search field after typing a name: the search runs.
    let mut typed = base.to_vec();
    typed.extend([("person_query", name.as_str()), ("searched_query", "")]);
    let res = admin.post("/accounts", &typed).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    assert!(body.contains(&format!("name=\"searched_query\" value=\"{name}\"")), "the search is remembered");
    assert!(body.contains(&format!("value=\"{pid}\"")));
    assert!(store::users::find_by_email(&mut app.conn(), "enter@boiduong.test").unwrap().is_none());
    // Enter once the person is chosen from that search: the account is saved.
    let mut chosen = base.to_vec();
    chosen.extend([("person_query", name.as_str()), ("searched_query", name.as_str()), ("person_id", pid.as_str())]);
    assert_eq!(admin.post("/accounts", &chosen).await.status(), StatusCode::SEE_OTHER);
    let id = app.account_id("enter@boiduong.test");
    assert_eq!(store::users::find(&mut app.conn(), id).unwrap().person_id, Some(person_id));
}

#[tokio::test]
async fn a_person_id_that_names_nobody_is_refused() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let before = account_count(&app);
    let res = admin
        .post(
            "/accounts",
            &[("email", "ai@boiduong.test"), ("display_name", "Ai đó"), ("role", "learner"), ("person_id", "999999")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(main_text(&body).contains("Không tìm thấy hồ sơ đã chọn; hãy tìm và chọn lại."));
    assert!(body.contains("value=\"Ai đó\""));
    assert_eq!(account_count(&app), before);
}

#[tokio::test]
async fn a_secretary_is_given_open_chi_bo_by_checkbox() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let (_, form) = admin.page("/accounts/new").await;
    assert!(!form.contains("multiple"), "no Ctrl-click list");
    let cell = unit_id(&app, "Chi bộ thôn 1");
    let committee = unit_id(&app, "Đảng bộ xã Ea Kar");
    let closed = unit_id(&app, "Chi bộ thôn 5 (đã sáp nhập)");
    assert!(form.contains(&format!("type=\"checkbox\" name=\"unit\" value=\"{cell}\"")));
    assert!(!form.contains(&format!("name=\"unit\" value=\"{committee}\"")), "a committee is not offered");
    assert!(!form.contains(&format!("name=\"unit\" value=\"{closed}\"")), "a closed cell is not offered");
    let text = main_text(&form);
    let heading = text.find("Đảng bộ xã Ea Kar").expect("cells are grouped under their committee");
    assert!(text[heading..].starts_with("Đảng bộ xã Ea Kar Chi bộ thôn 1 Chi bộ Trường THCS Ea Kar"), "{text}");

    let before = account_count(&app);
    for refused in [committee, closed] {
        let unit = refused.to_string();
        let res = admin
            .post(
                "/accounts",
                &[
                    ("email", "bithu2@boiduong.test"),
                    ("display_name", "Bí thư"),
                    ("role", "secretary"),
                    ("unit", &unit),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(main_text(&res.text().await.unwrap()).contains("Bí thư chi bộ chỉ được gán cho chi bộ đang hoạt động"));
    }
    assert_eq!(account_count(&app), before);

    // A unit the account already has stays on offer, ticked, so saving does not drop it.
    let secretary = app.account_id(SECRETARY);
    let (_, form) = admin.page(&format!("/accounts/{secretary}")).await;
    let own = unit_id(&app, "Chi bộ Trường THPT Chu Văn An");
    assert!(form.contains(&format!("name=\"unit\" value=\"{own}\" checked")));
}

#[tokio::test]
async fn the_account_list_is_searched_filtered_and_sorted_in_vietnamese_order() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    // "Âu" sorts after "An" and before "Bùi" in Vietnamese, though its bytes sort after every letter.
    for (email, name) in
        [("bui@boiduong.test", "Bùi Văn Nam"), ("au@boiduong.test", "Âu Thị Ánh"), ("an@boiduong.test", "An Văn Hòa")]
    {
        let res = admin.post("/accounts", &[("email", email), ("display_name", name), ("role", "lecturer")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{email}");
    }
    let (status, body) = admin.page("/accounts").await;
    assert_eq!(status, StatusCode::OK);
    let names_shown = titles(&body);
    let mut sorted = names_shown.clone();
    sorted.sort_by(|a, b| names::compare(a, b));
    assert_eq!(names_shown, sorted, "by display name, Vietnamese order");
    let position = |n: &str| names_shown.iter().position(|s| s == n).unwrap();
    assert!(position("An Văn Hòa") < position("Âu Thị Ánh") && position("Âu Thị Ánh") < position("Bùi Văn Nam"));
    assert!(body.contains("<table class=\"rows\">") && body.contains("<td class=\"title\">"), "cards on a phone");
    assert!(body.contains("data-label=\"Email\""));

    let (_, body) = admin.page("/accounts?q=au+thi+anh").await;
    assert_eq!(titles(&body), ["Âu Thị Ánh"], "diacritics and case ignored");
    let (_, body) = admin.page("/accounts?q=GIANGVIEN%40").await;
    assert_eq!(titles(&body), ["TS. Phạm Minh Tuấn"], "by email");
    let (_, body) = admin.page("/accounts?role=secretary").await;
    assert_eq!(titles(&body), ["Nguyễn Văn Bình"]);
    assert!(body.contains("<option value=\"secretary\" selected>"), "the filter stays chosen");
    let (_, body) = admin.page("/accounts?role=lecturer&q=van").await;
    assert_eq!(titles(&body), ["An Văn Hòa", "Bùi Văn Nam"]);
    let (_, body) = admin.page("/accounts?q=khong+co+ai").await;
    assert!(main_text(&body).contains("Không có tài khoản nào phù hợp."));
    assert!(body.contains("value=\"khong co ai\""), "the search stays typed");
}

/// The names in the account list, in order.
fn titles(body: &str) -> Vec<String> {
    body.split("<td class=\"title\">")
        .skip(1)
        .map(|cell| main_text(&format!("<main>{}</main>", &cell[..cell.find("</td>").unwrap()])))
        .collect()
}

#[tokio::test]
async fn hints_say_what_really_happens() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let (_, form) = admin.page("/accounts/new").await;
    let text = main_text(&form);
    assert!(text.contains("hệ thống gửi thư mời tới email trên"), "{text}");
    assert!(!text.contains("mật khẩu dùng một lần"), "a new account gets no one-time password");
    assert!(!text.contains("Ctrl"));
    let id = app.account_id(LECTURER);
    let (_, form) = admin.page(&format!("/accounts/{id}")).await;
    let text = main_text(&form);
    assert!(text.contains("Tạo một mật khẩu dùng một lần mới và hiện trên màn hình"), "{text}");
    assert!(text.contains("phải đổi mật khẩu ở lần đăng nhập tiếp theo"));
    let res = admin.post(&format!("/accounts/{id}/reset-password"), &[]).await;
    let text = main_text(&res.text().await.unwrap());
    assert!(text.contains("chỉ hiển thị một lần") && text.contains("nhắc họ đăng nhập sớm"), "{text}");
    assert!(!text.contains("lần đầu"), "not only at a first login: {text}");
}

#[tokio::test]
async fn a_secretary_is_bound_to_a_chi_bo_whatever_the_caller() {
    let app = spawn_app().await;
    let committee =
        store::orgs::all(&mut app.conn()).unwrap().into_iter().find(|u| u.name == "Đảng bộ xã Ea Kar").unwrap();
    let cell = store::orgs::all(&mut app.conn()).unwrap().into_iter().find(|u| u.name == "Chi bộ thôn 1").unwrap();
    let new = |units: Vec<i64>| store::users::NewUser {
        email: "bithu.moi@boiduong.test".into(),
        display_name: "Bí thư mới".into(),
        password_hash: None,
        roles: vec![boiduong::domain::role::Role::Secretary],
        secretary_units: units,
        person_id: None,
        one_time_password_until: None,
    };
    let actor = boiduong::store::audit::Actor::system("dòng lệnh");
    let refused = store::users::create(&mut app.conn(), &actor, &new(vec![committee.id]));
    assert!(matches!(refused, Err(store::StoreError::Conflict("org.error.secretary_cell_only"))), "{refused:?}");
    assert!(
        store::users::find_by_email(&mut app.conn(), "bithu.moi@boiduong.test").unwrap().is_none(),
        "nothing saved"
    );
    store::users::create(&mut app.conn(), &actor, &new(vec![cell.id])).expect("a chi bộ is accepted");
}
