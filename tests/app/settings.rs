//! School settings: the name shows in every page's header as soon as it is saved.

use boiduong::store;
use reqwest::StatusCode;

use crate::helpers::*;

fn header_of(html: &str) -> &str {
    let start = html.find("<header").unwrap();
    let end = html.find("</header>").unwrap();
    &html[start..end]
}

#[tokio::test]
async fn a_saved_school_name_shows_in_the_header_at_once() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let staff = app.login(STAFF).await;
    let (status, form) = admin.page("/settings").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("value=\"Trường Chính trị tỉnh Đắk Lắk\""));

    let res = admin
        .post(
            "/settings",
            &[
                ("school_name", "Trường Chính trị tỉnh Phú Yên"),
                ("province", "Phú Yên"),
                ("signer_title", "KT. HIỆU TRƯỞNG\r\nPHÓ HIỆU TRƯỞNG"),
                ("signer_name", "Lê Thị Hoa"),
            ],
        )
        .await;
    assert_redirect(&res, "/settings");

    let (_, page) = admin.page("/settings").await;
    assert!(header_of(&page).contains("Trường Chính trị tỉnh Phú Yên"));
    assert!(main_text(&page).contains("Đã lưu cài đặt."));
    let (_, home) = staff.page("/").await;
    assert!(header_of(&home).contains("Trường Chính trị tỉnh Phú Yên"), "every user sees the new name");
    let saved = store::settings::load(&mut app.conn()).unwrap();
    assert_eq!(saved.province, "Phú Yên");
    assert_eq!(saved.signer_title, "KT. HIỆU TRƯỞNG\nPHÓ HIỆU TRƯỞNG");
    assert_eq!(saved.signer_name, "Lê Thị Hoa");
}

#[tokio::test]
async fn an_empty_school_name_is_refused() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let res = admin
        .post("/settings", &[("school_name", "  "), ("province", "Phú Yên"), ("signer_title", "HIỆU TRƯỞNG")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(main_text(&body).contains("Trường bắt buộc"));
    assert!(body.contains("value=\"Phú Yên\""), "typed values are kept");
    assert!(header_of(&body).contains("Trường Chính trị tỉnh Đắk Lắk"));
    let saved = store::settings::load(&mut app.conn()).unwrap();
    assert_eq!(saved.school_name, "Trường Chính trị tỉnh Đắk Lắk");
    assert_eq!(saved.province, "Đắk Lắk");
}

#[tokio::test]
async fn only_admins_change_settings() {
    let app = spawn_app().await;
    for email in [STAFF, LECTURER, SECRETARY, LEARNER] {
        let browser = app.login(email).await;
        assert_eq!(browser.page("/settings").await.0, StatusCode::FORBIDDEN, "{email}");
        let res = browser.post("/settings", &[("school_name", "Trường khác"), ("signer_title", "HIỆU TRƯỞNG")]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{email}");
    }
    let saved = store::settings::load(&mut app.conn()).unwrap();
    assert_eq!(saved.school_name, "Trường Chính trị tỉnh Đắk Lắk");
}
