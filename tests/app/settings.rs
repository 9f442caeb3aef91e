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

#[tokio::test]
async fn the_training_office_contact_is_checked_field_by_field_and_kept() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let (_, form) = admin.page("/settings").await;
    assert!(form.contains("value=\"0262 3852 555\""), "the demo school's office phone is shown");
    let typed = [
        ("school_name", "Trường Chính trị tỉnh Đắk Lắk"),
        ("province", "Đắk Lắk"),
        ("signer_title", "HIỆU TRƯỞNG"),
        ("office_phone", "0262 385 máy lẻ 5"),
        ("office_address", "Số 10 Nguyễn Tất Thành, phường Buôn Ma Thuột"),
    ];
    let res = admin.post("/settings", &typed).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    let text = main_text(&body);
    assert!(text.contains("Số điện thoại không hợp lệ") && text.contains("0262 3852 555"), "{text}");
    assert!(body.contains("value=\"0262 385 máy lẻ 5\""), "the typed phone is kept");
    assert!(body.contains("value=\"Số 10 Nguyễn Tất Thành, phường Buôn Ma Thuột\""), "and the address");
    assert_eq!(store::settings::load(&mut app.conn()).unwrap().office_phone, "0262 3852 555", "nothing saved");

    let mut fixed = typed;
    fixed[3] = ("office_phone", "+84 262 3852 999");
    assert_redirect(&admin.post("/settings", &fixed).await, "/settings");
    let saved = store::settings::load(&mut app.conn()).unwrap();
    assert_eq!(saved.office_phone, "+84 262 3852 999");
    assert_eq!(saved.office_address, "Số 10 Nguyễn Tất Thành, phường Buôn Ma Thuột");
    let (_, form) = admin.page("/settings").await;
    assert!(form.contains("value=\"+84 262 3852 999\""));
}
