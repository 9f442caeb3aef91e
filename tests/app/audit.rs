use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn admins_read_the_audit_log_others_cannot() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let (status, body) = admin.page("/audit?entity=org_unit").await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&body);
    // The demo loader renamed one unit and closed another; both are logged with their values.
    assert!(text.contains("Đổi tên"), "{text}");
    assert!(text.contains("Giải thể"));
    assert!(text.contains("dữ liệu mẫu"), "the actor is shown");
    for email in [STAFF, LECTURER, SECRETARY, LEARNER] {
        let (status, _) = app.login(email).await.page("/audit").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email}");
    }
}

#[tokio::test]
async fn password_change_is_logged_without_the_password() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let new = "Hoa sen trong đầm 2026";
    let res = staff.post("/account/password", &[("current", DEMO_PASSWORD), ("new", new), ("confirm", new)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let admin = app.login(ADMIN).await;
    let (_, body) = admin.page("/audit?entity=account").await;
    assert!(main_text(&body).contains("Đặt mật khẩu"));
    assert!(!body.contains(new), "the password never reaches the log");
    assert!(!body.contains("argon2"), "nor its hash");
}
