//! Accounts: creating with a one-time password, editing roles and units, deactivating, and
//! who may.

use boiduong::domain::role::Role;
use boiduong::store;
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
    assert!(main_text(&page).contains("gửi thư mời đặt mật khẩu tới lan.nguyen@boiduong.test"), "{}", main_text(&page));
    let account = store::users::account(&mut app.conn(), id).unwrap();
    assert_eq!(account.roles, vec![Role::Staff, Role::Lecturer]);
    assert!(account.user.password_hash.is_none() && account.user.active, "no password until the invitation is used");
    assert_eq!(account.user.display_name, "Nguyễn Thị Lan");

    let (_, list) = admin.page("/accounts").await;
    assert!(main_text(&list).contains("lan.nguyen@boiduong.test Nguyễn Thị Lan Giáo vụ Giảng viên Đang hoạt động"));

    let raw = app.wait_for_file_to("lan.nguyen@boiduong.test", 10).await;
    let text = mail_parser::MessageParser::default().parse(&raw).unwrap().body_text(0).unwrap().to_string();
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
    assert!(main_text(&res.text().await.unwrap()).contains("Bí thư chi bộ phải được gán ít nhất một tổ chức đảng."));

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
