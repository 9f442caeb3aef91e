use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn health_answers_ok() {
    let app = spawn_app().await;
    let (status, body) = app.anonymous().page("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, "ok");
}

#[tokio::test]
async fn each_demo_role_logs_in_and_sees_its_home() {
    let app = spawn_app().await;
    for email in ALL_ROLES {
        let browser = app.login(email).await;
        let (status, body) = browser.page("/").await;
        assert_eq!(status, StatusCode::OK, "{email}");
        assert!(main_text(&body).contains("Xin chào"), "{email}: {}", main_text(&body));
    }
}

#[tokio::test]
async fn wrong_password_is_refused_with_a_vietnamese_message() {
    let app = spawn_app().await;
    let browser = app.anonymous();
    let res = browser.login(ADMIN, "sai-mat-khau").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body = res.text().await.unwrap();
    assert!(body.contains("Email hoặc mật khẩu không đúng"));
    assert!(body.contains(&format!("value=\"{ADMIN}\"")), "the typed email is kept");
    let (status, _) = browser.page("/").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "still not logged in");
}

#[tokio::test]
async fn flash_messages_show_once_after_a_redirect() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let new = "Hoa sen trong đầm 2026";
    let res = staff.post("/account/password", &[("current", DEMO_PASSWORD), ("new", new), ("confirm", new)]).await;
    assert_redirect(&res, "/");
    let (_, body) = staff.page("/").await;
    assert!(main_text(&body).contains("Đã đổi mật khẩu"), "{}", main_text(&body));
    let (_, body) = staff.page("/").await;
    assert!(!main_text(&body).contains("Đã đổi mật khẩu"), "shown once");
}

const HOUR: Duration = Duration::from_secs(3600);
const MINUTE: Duration = Duration::from_secs(60);

/// An admin's reset of `email`'s password: the one-time password shown.
async fn one_time_password_for(app: &TestApp, admin: &Browser, email: &str) -> String {
    let id = app.account_id(email);
    let res = admin.post(&format!("/accounts/{id}/reset-password"), &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    shown_password(&res.text().await.unwrap())
}

async fn change_password(browser: &Browser, current: &str, new: &str) -> reqwest::Response {
    browser.post("/account/password", &[("current", current), ("new", new), ("confirm", new)]).await
}

// ---------------------------------------------------------------------------------------------
// One-time passwords

#[tokio::test]
async fn a_one_time_password_leads_every_page_to_the_change_form() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let one_time = one_time_password_for(&app, &admin, STAFF).await;
    let staff = app.anonymous();
    assert_redirect(&staff.login(STAFF, &one_time).await, "/account/password");
    for path in ["/", "/people", "/orgs", "/programs", "/mail", "/accounts", "/login", "/khong-co"] {
        let res = staff.get(path).await;
        if path == "/khong-co" {
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "an unknown page is still unknown");
        } else {
            assert_redirect(&res, "/account/password");
        }
    }
    let res = staff.post("/language", &[("lang", "en"), ("next", "/")]).await;
    assert_redirect(&res, "/account/password");
    let (status, body) = staff.page("/account/password").await;
    assert_eq!(status, StatusCode::OK);
    assert!(main_text(&body).contains("Vui lòng đổi mật khẩu dùng một lần"), "{}", main_text(&body));

    let new = "Cánh đồng lúa chín vàng 2026";
    assert_redirect(&change_password(&staff, &one_time, new).await, "/");
    assert_eq!(staff.page("/people").await.0, StatusCode::OK, "pages open once the password is changed");
    assert_eq!(app.anonymous().login(STAFF, &one_time).await.status(), StatusCode::UNAUTHORIZED);

    // Logging out needs no change first.
    let one_time = one_time_password_for(&app, &admin, LECTURER).await;
    let lecturer = app.anonymous();
    assert_redirect(&lecturer.login(LECTURER, &one_time).await, "/account/password");
    assert_redirect(&lecturer.post("/logout", &[]).await, "/login?logged_out=1");
    assert_eq!(lecturer.get("/account/password").await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_expired_one_time_password_is_refused_at_login() {
    let app = spawn_app_with(|c| c.one_time_password_hours = 2).await;
    let admin = app.login(ADMIN).await;
    let one_time = one_time_password_for(&app, &admin, LECTURER).await;
    app.advance(2 * HOUR - MINUTE);
    let early = app.anonymous();
    assert_redirect(&early.login(LECTURER, &one_time).await, "/account/password");
    assert_eq!(early.page("/account/password").await.0, StatusCode::OK);

    app.advance(2 * MINUTE);
    let browser = app.anonymous();
    let res = browser.login(LECTURER, &one_time).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let text = main_text(&res.text().await.unwrap());
    assert!(text.contains("Mật khẩu dùng một lần đã hết hạn"), "{text}");
    assert!(!text.contains("Email hoặc mật khẩu không đúng"), "{text}");
    // The session opened with it just before ends with it.
    assert_redirect(&early.get("/account/password").await, "/login?next=/account/password");
    let (_, body) = early.page("/login").await;
    assert!(main_text(&body).contains("Mật khẩu dùng một lần đã hết hạn"), "{}", main_text(&body));
    // A wrong password still reads as a wrong password.
    let res = app.anonymous().login(LECTURER, "khong-phai-mat-khau").await;
    assert!(main_text(&res.text().await.unwrap()).contains("Email hoặc mật khẩu không đúng"));
}

// ---------------------------------------------------------------------------------------------
// Password policy and the change form

#[tokio::test]
async fn common_passwords_the_email_and_the_name_are_refused() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await; // Lê Thị Thu Hà, giaovu@boiduong.test
    for (new, message) in [
        ("iloveyou1", "quá phổ biến"),
        ("Password123", "quá phổ biến"),
        ("Le Thi Thu Ha", "dựa trên họ tên"),
        ("thuha2026!", "dựa trên họ tên"),
        ("giaovu2026", "giống địa chỉ email"),
        (&"dài".repeat(85), "dài quá 254 ký tự"),
    ] {
        let res = change_password(&staff, DEMO_PASSWORD, new).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{new}");
        let text = main_text(&res.text().await.unwrap());
        assert!(text.contains(message), "{new}: {text}");
    }
    // The same rules on the page a reset link opens.
    let link = app.reset_link(STAFF).await;
    let browser = app.anonymous();
    let res = browser.post(&link, &[("new", "sunshine"), ("confirm", "sunshine")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("quá phổ biến"));
    let res = browser.post(&link, &[("new", "Thu Hà 1990"), ("confirm", "Thu Hà 1990")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("dựa trên họ tên"));
    assert_eq!(app.anonymous().login(STAFF, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER, "nothing changed");
    // The list is compiled in, not served.
    assert_eq!(app.anonymous().page("/assets/passwords/common-passwords.txt").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn wrong_current_passwords_count_like_failed_logins() {
    let app = spawn_app_with(|c| c.login_max_failures_per_account = 3).await;
    let staff = app.login(STAFF).await;
    let new = "Cánh đồng lúa chín vàng 2026";
    for i in 0..3 {
        let res = change_password(&staff, "sai-mat-khau", new).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "attempt {i}");
        assert!(main_text(&res.text().await.unwrap()).contains("Mật khẩu hiện tại không đúng"));
    }
    let res = change_password(&staff, DEMO_PASSWORD, new).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "even the right current password waits");
    let text = main_text(&res.text().await.unwrap());
    assert!(text.contains("Vui lòng thử lại sau 15 phút"), "{text}");
    // The same counters as the login form's.
    assert_eq!(app.anonymous().login(STAFF, DEMO_PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);

    app.advance(15 * MINUTE + Duration::from_secs(1));
    assert_redirect(&change_password(&staff, DEMO_PASSWORD, new).await, "/");
    assert_eq!(app.anonymous().login(STAFF, new).await.status(), StatusCode::SEE_OTHER);
}

// ---------------------------------------------------------------------------------------------
// Reset and invitation links

#[tokio::test]
async fn setting_a_password_any_way_ends_the_accounts_unused_links() {
    let app = spawn_app().await;
    // A reset link, then the password changed on the form: the link is dead.
    let link = app.reset_link(STAFF).await;
    let staff = app.login(STAFF).await;
    let new = "Cánh đồng lúa chín vàng 2026";
    assert_redirect(&change_password(&staff, DEMO_PASSWORD, new).await, "/");
    let (status, body) = app.anonymous().page(&link).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(main_text(&body).contains("đã được sử dụng"), "{}", main_text(&body));
    let res = app.anonymous().post(&link, &[("new", "Mật khẩu khác 2027"), ("confirm", "Mật khẩu khác 2027")]).await;
    assert_eq!(res.status(), StatusCode::GONE);
    assert_eq!(app.anonymous().login(STAFF, new).await.status(), StatusCode::SEE_OTHER);

    // An invitation, then an admin's reset: the invitation is dead.
    let admin = app.login(ADMIN).await;
    let res = admin
        .post("/accounts", &[("email", "moi@boiduong.test"), ("display_name", "Hồ Thị Mới"), ("role", "staff")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let raw = app.wait_for_file_to("moi@boiduong.test", 10).await;
    let text = mail_parser::MessageParser::default().parse(&raw).unwrap().body_text(0).unwrap().to_string();
    let invitation = link_in(&text, "/invite/");
    assert_eq!(app.anonymous().page(&invitation).await.0, StatusCode::OK);
    one_time_password_for(&app, &admin, "moi@boiduong.test").await;
    assert_eq!(app.anonymous().page(&invitation).await.0, StatusCode::GONE);
}

#[tokio::test]
async fn the_same_reset_link_submitted_twice_at_once_works_once() {
    let app = spawn_app().await;
    let link = app.reset_link(STAFF).await;
    let (a, b) = (app.anonymous(), app.anonymous());
    let (token_a, token_b) = (a.csrf().await, b.csrf().await);
    let (first, second) = ("Trống đồng Đông Sơn 2026", "Sông Hồng chảy mãi 1990");
    let fields_a = [("new", first), ("confirm", first), ("csrf_token", &token_a)];
    let fields_b = [("new", second), ("confirm", second), ("csrf_token", &token_b)];
    let (res_a, res_b) = tokio::join!(a.post_raw(&link, &fields_a), b.post_raw(&link, &fields_b));
    let mut statuses = [res_a.status().as_u16(), res_b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [303, 410]);
    let logins =
        [app.anonymous().login(STAFF, first).await.status(), app.anonymous().login(STAFF, second).await.status()];
    let winner = if res_a.status() == StatusCode::SEE_OTHER { 0 } else { 1 };
    assert_eq!(logins[winner], StatusCode::SEE_OTHER, "the accepted password logs in");
    assert_eq!(logins[1 - winner], StatusCode::UNAUTHORIZED, "the refused one does not");
}

#[tokio::test]
async fn a_newer_reset_link_makes_the_older_one_dead() {
    let app = spawn_app().await;
    let older = app.reset_link(LECTURER).await;
    app.advance(61 * MINUTE);
    let newer = app.reset_link(LECTURER).await;
    assert_ne!(older, newer);
    assert_eq!(app.anonymous().page(&older).await.0, StatusCode::GONE, "within its two hours, but replaced");
    let res = app.anonymous().post(&older, &[("new", "Mật khẩu cũ 2026"), ("confirm", "Mật khẩu cũ 2026")]).await;
    assert_eq!(res.status(), StatusCode::GONE);
    let new = "Hoa ban nở trắng rừng";
    assert_redirect(&app.anonymous().post(&newer, &[("new", new), ("confirm", new)]).await, "/login");
    assert_eq!(app.anonymous().login(LECTURER, new).await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_reset_by_link_ends_the_accounts_other_sessions() {
    let app = spawn_app().await;
    let other = app.login(SECRETARY).await;
    assert_eq!(other.page("/people").await.0, StatusCode::OK);
    let link = app.reset_link(SECRETARY).await;
    let new = "Hoa ban nở trắng rừng";
    assert_redirect(&app.anonymous().post(&link, &[("new", new), ("confirm", new)]).await, "/login");
    assert_redirect(&other.get("/people").await, "/login?next=/people");
    let (_, body) = other.page("/login").await;
    assert!(main_text(&body).contains("Phiên làm việc đã kết thúc"), "{}", main_text(&body));
}

#[tokio::test]
async fn a_removed_role_takes_effect_on_the_next_request() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    assert_eq!(staff.page("/people").await.0, StatusCode::OK);
    let admin = app.login(ADMIN).await;
    let id = app.account_id(STAFF);
    let res = admin
        .post(&format!("/accounts/{id}"), &[("display_name", "Lê Thị Thu Hà"), ("role", "lecturer"), ("active", "on")])
        .await;
    assert_redirect(&res, &format!("/accounts/{id}"));
    assert_eq!(staff.page("/people").await.0, StatusCode::FORBIDDEN, "the same session, the next request");
    assert_eq!(staff.page("/programs").await.0, StatusCode::OK, "the new role works");
}
