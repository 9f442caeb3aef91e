use boiduong::store::{self, Scope, audit::Actor, people::PeopleQuery, people::PersonInput};
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

fn unit_id(app: &TestApp, name: &str) -> i64 {
    store::orgs::all(&mut app.conn())
        .unwrap()
        .into_iter()
        .find(|u| u.name == name)
        .unwrap_or_else(|| panic!("{name}"))
        .id
}

/// Every raw record on the page sits inside a "Chi tiết" toggle.
fn raw_records_are_behind_the_toggle(body: &str) {
    let records: Vec<usize> = body.match_indices("<pre class=\"json\">").map(|(at, _)| at).collect();
    assert!(!records.is_empty(), "the raw records are still there");
    for at in records {
        let before = &body[..at];
        let opened = before.rfind("<details>").expect("a <details> before the raw record");
        assert!(before.rfind("</details>").is_none_or(|closed| closed < opened), "the raw record is inside <details>");
        assert!(before[opened..].contains("<summary>Chi tiết</summary>"));
    }
}

#[tokio::test]
async fn changes_read_as_sentences_with_names_and_dates() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let (status, body) = admin.page("/audit?entity=org_unit").await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&body);
    // The demo loader's rename, close and creations, read with names, labels and dd/mm/yyyy.
    for sentence in [
        "Hệ thống (dữ liệu mẫu) đã đổi tên tổ chức đảng Chi bộ Ban Tuyên giáo và Dân vận Tỉnh ủy: Tên tổ chức: Chi bộ Ban Tuyên giáo Tỉnh ủy → Chi bộ Ban Tuyên giáo và Dân vận Tỉnh ủy; Ngày có hiệu lực: 01/09/2025.",
        "Hệ thống (dữ liệu mẫu) đã giải thể tổ chức đảng Chi bộ thôn 5 (đã sáp nhập): Ngày giải thể: 31/03/2026.",
        "Hệ thống (dữ liệu mẫu) đã thêm tổ chức đảng Chi bộ thôn 1: Tên tổ chức: Chi bộ thôn 1; Loại tổ chức: Chi bộ; Tổ chức cấp trên: Đảng bộ xã Ea Kar; Ngày thành lập: 01/07/2025.",
    ] {
        assert!(text.contains(sentence), "«{sentence}» in {text}");
    }
    assert!(!text.contains("2025-07-01 ") && !text.contains("parent_id:"), "no ISO dates or keys in the sentences");
    raw_records_are_behind_the_toggle(&body);
    assert!(body.contains("&quot;parent_id&quot;"), "the raw record is kept");
    assert!(!body.contains("<table"), "events are cards, which fit a phone");
}

#[tokio::test]
async fn a_person_edit_names_the_editor_the_person_and_the_cells() {
    let app = spawn_app().await;
    let staff_id = store::users::find_by_email(&mut app.conn(), STAFF).unwrap().unwrap().id;
    let (from_cell, to_cell) = (unit_id(&app, "Chi bộ thôn 1"), unit_id(&app, "Chi bộ Sở Y tế"));
    let mut conn = app.conn();
    let query = PeopleQuery { org_units: Some(vec![from_cell]), page: 1, per_page: 1, ..Default::default() };
    let row = store::people::list(&mut conn, &Scope::All, &query).unwrap().items.remove(0);
    let person = store::people::find(&mut conn, &Scope::All, row.id).unwrap();
    let mut input = PersonInput::from(&person);
    input.org_unit_id = to_cell;
    input.date_of_birth = time::macros::date!(1998 - 06 - 05);
    let actor = Actor { user_id: Some(staff_id), label: STAFF.into() };
    store::people::update(&mut conn, &actor, &Scope::All, person.id, &input).unwrap();
    drop(conn);

    let admin = app.login(ADMIN).await;
    let (_, body) = admin.page(&format!("/audit?entity=person&id={}", person.id)).await;
    let text = main_text(&body);
    let old_birth = boiduong::domain::dates::format(person.date_of_birth);
    let expected = format!(
        "Lê Thị Thu Hà đã sửa hồ sơ {}: Ngày sinh: {old_birth} → 05/06/1998; Chi bộ: Chi bộ thôn 1 → Chi bộ Sở Y tế.",
        person.full_name()
    );
    assert!(text.contains(&expected), "«{expected}» in {text}");
    assert!(text.contains("Cập nhật"), "the action is labelled");
    raw_records_are_behind_the_toggle(&body);
}

#[tokio::test]
async fn account_changes_show_role_and_cell_names() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let secretary = store::users::find_by_email(&mut app.conn(), SECRETARY).unwrap().unwrap().id;
    let cell = unit_id(&app, "Chi bộ Sở Y tế").to_string();
    let res = admin
        .post(
            &format!("/accounts/{secretary}"),
            &[
                ("display_name", "Nguyễn Văn Bình"),
                ("role", "secretary"),
                ("role", "lecturer"),
                ("unit", &cell),
                ("active", "on"),
            ],
        )
        .await;
    assert_redirect(&res, &format!("/accounts/{secretary}"));
    let (_, body) = admin.page(&format!("/audit?entity=account&id={secretary}")).await;
    let text = main_text(&body);
    let expected = "Quản trị hệ thống đã sửa tài khoản Nguyễn Văn Bình: Vai trò: Bí thư chi bộ → Giảng viên, Bí thư chi bộ; Chi bộ phụ trách: Chi bộ Trường THPT Chu Văn An → Chi bộ Sở Y tế.";
    assert!(text.contains(expected), "«{expected}» in {text}");
    assert!(text.contains("Hệ thống (dữ liệu mẫu) đã tạo tài khoản Nguyễn Văn Bình: Họ và tên: Nguyễn Văn Bình; Email: bithu@boiduong.test; Vai trò: Bí thư chi bộ; Chi bộ phụ trách: Chi bộ Trường THPT Chu Văn An."), "a new record lists what was filled in: {text}");
}
