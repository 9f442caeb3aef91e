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
