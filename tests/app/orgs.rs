//! The Party organisation tree: creating, renaming, moving and closing units, and who may.

use boiduong::store::{self, audit::AuditFilter};
use reqwest::StatusCode;
use time::macros::date;

use crate::helpers::*;

fn unit_id(app: &TestApp, name: &str) -> i64 {
    let mut conn = app.conn();
    store::orgs::all(&mut conn).unwrap().into_iter().find(|u| u.name == name).unwrap_or_else(|| panic!("{name}")).id
}

fn unit(app: &TestApp, id: i64) -> store::orgs::OrgUnit {
    store::orgs::find(&mut app.conn(), id).unwrap()
}

fn unit_count(app: &TestApp) -> usize {
    store::orgs::all(&mut app.conn()).unwrap().len()
}

/// The id at the end of a redirect to /orgs/{id}.
fn id_from(res: &reqwest::Response) -> i64 {
    let to = location(res);
    to.strip_prefix("/orgs/").and_then(|id| id.parse().ok()).unwrap_or_else(|| panic!("redirect to {to}"))
}

#[tokio::test]
async fn staff_creates_renames_and_moves_a_unit() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let commune = unit_id(&app, "Đảng bộ xã Ea Kar");
    let ward = unit_id(&app, "Đảng bộ phường Buôn Ma Thuột");

    let (status, body) = staff.page("/orgs/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("name=\"valid_from\""));

    let commune_s = commune.to_string();
    let res = staff
        .post(
            "/orgs",
            &[
                ("name", "Chi bộ Trường THCS Lê Lợi"),
                ("kind", "cell"),
                ("parent", &commune_s),
                ("valid_from", "01/08/2025"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id = id_from(&res);
    let created = unit(&app, id);
    assert_eq!(created.name, "Chi bộ Trường THCS Lê Lợi");
    assert_eq!(created.parent_id, Some(commune));
    assert_eq!(created.valid_from, date!(2025 - 08 - 01));
    let (_, tree) = staff.page("/orgs").await;
    assert!(
        main_text(&tree).contains("Chi bộ Trường THCS Lê Lợi Chi bộ"),
        "listed with its kind: {}",
        main_text(&tree)
    );

    let path = format!("/orgs/{id}/rename");
    let res = staff.post(&path, &[("name", "Chi bộ Trường THCS Nguyễn Du"), ("effective", "01/01/2026")]).await;
    assert_redirect(&res, &format!("/orgs/{id}"));
    assert_eq!(unit(&app, id).name, "Chi bộ Trường THCS Nguyễn Du");
    let (status, body) = staff.page(&format!("/orgs/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&body);
    assert!(text.contains("Đã đổi tên tổ chức đảng."), "{text}");
    assert!(text.contains("Tên cũ"), "{text}");
    assert!(text.contains("Chi bộ Trường THCS Lê Lợi 01/08/2025 31/12/2025"), "old name with its dates: {text}");
    let mut conn = app.conn();
    assert_eq!(store::orgs::name_on(&mut conn, id, date!(2025 - 12 - 31)).unwrap(), "Chi bộ Trường THCS Lê Lợi");
    assert_eq!(store::orgs::name_on(&mut conn, id, date!(2026 - 01 - 01)).unwrap(), "Chi bộ Trường THCS Nguyễn Du");
    drop(conn);

    let ward_s = ward.to_string();
    let res = staff.post(&format!("/orgs/{id}/move"), &[("parent", &ward_s)]).await;
    assert_redirect(&res, &format!("/orgs/{id}"));
    assert_eq!(unit(&app, id).parent_id, Some(ward));

    let filter = AuditFilter { entity: Some("org_unit".into()), entity_id: Some(id) };
    let events = store::audit::list(&mut app.conn(), &filter, 1, 10).unwrap().items;
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["move", "rename", "create"]);
    assert!(events.iter().all(|e| e.actor_label == STAFF));
}

#[tokio::test]
async fn moving_a_unit_under_its_own_child_is_refused() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let committee = unit_id(&app, "Đảng bộ Sở Giáo dục và Đào tạo");
    let child = unit_id(&app, "Chi bộ Trường THPT Chu Văn An");
    let before = unit(&app, committee).parent_id;

    let child_s = child.to_string();
    let res = staff.post(&format!("/orgs/{committee}/move"), &[("parent", &child_s)]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = main_text(&res.text().await.unwrap());
    assert!(text.contains("Không thể chuyển một tổ chức vào chính nó hoặc tổ chức trực thuộc nó."), "{text}");
    assert_eq!(unit(&app, committee).parent_id, before, "parent unchanged");

    // Under itself, too.
    let own = committee.to_string();
    let res = staff.post(&format!("/orgs/{committee}/move"), &[("parent", &own)]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unit(&app, committee).parent_id, before);
}

#[tokio::test]
async fn closing_waits_for_open_children_and_closes_a_leaf() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let commune = unit_id(&app, "Đảng bộ xã Ea Kar");
    let leaf = unit_id(&app, "Chi bộ thôn 1");

    let res = staff.post(&format!("/orgs/{commune}/close"), &[("closed_on", "30/06/2026")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = main_text(&res.text().await.unwrap());
    assert!(text.contains("Còn tổ chức trực thuộc đang hoạt động"), "{text}");
    assert_eq!(unit(&app, commune).closed_on, None);

    let res = staff.post(&format!("/orgs/{leaf}/close"), &[("closed_on", "30/06/2026")]).await;
    assert_redirect(&res, &format!("/orgs/{leaf}"));
    assert_eq!(unit(&app, leaf).closed_on, Some(date!(2026 - 06 - 30)));
    let (_, tree) = staff.page("/orgs").await;
    let text = main_text(&tree);
    let start = text.find("Chi bộ thôn 1 Chi bộ").expect("the closed unit is still in the tree");
    let row: String = text[start..].chars().take(60).collect();
    assert!(row.contains("người Đã giải thể 30/06/2026"), "{row}");
}

#[tokio::test]
async fn bad_input_is_refused_and_nothing_is_saved() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let before = unit_count(&app);

    let res =
        staff.post("/orgs", &[("name", "  "), ("kind", "cell"), ("parent", ""), ("valid_from", "32/13/2026")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = main_text(&res.text().await.unwrap());
    assert!(text.contains("Trường bắt buộc"), "{text}");
    assert!(text.contains("Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy"), "{text}");
    assert_eq!(unit_count(&app), before);

    let res = staff.post("/orgs", &[("name", "Chi bộ mới"), ("kind", "huyện"), ("valid_from", "01/01/2026")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(body.contains("value=\"Chi bộ mới\""), "typed values are kept");
    assert_eq!(unit_count(&app), before);

    let id = unit_id(&app, "Chi bộ Sở Y tế");
    let res =
        staff.post(&format!("/orgs/{id}/rename"), &[("name", "Chi bộ Sở Y tế tỉnh"), ("effective", "hôm qua")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("Ngày không hợp lệ"));
    assert_eq!(unit(&app, id).name, "Chi bộ Sở Y tế");

    // A renaming date before the current name began is the store's refusal, shown on the page.
    let res = staff
        .post(&format!("/orgs/{id}/rename"), &[("name", "Chi bộ Sở Y tế tỉnh"), ("effective", "01/01/2024")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("Ngày đổi tên phải sau ngày bắt đầu của tên hiện tại."));
    assert_eq!(unit(&app, id).name, "Chi bộ Sở Y tế");
    assert!(store::orgs::former_names(&mut app.conn(), id).unwrap().is_empty());
}

#[tokio::test]
async fn secretaries_are_assigned_and_unassigned() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let cell = unit_id(&app, "Chi bộ Tổ dân phố 3");
    let account_id = |email: &str| store::users::find_by_email(&mut app.conn(), email).unwrap().unwrap().id;
    let (secretary, staff) = (account_id(SECRETARY), account_id(STAFF));
    let path = format!("/orgs/{cell}/secretaries");

    let (_, page) = admin.page(&format!("/orgs/{cell}")).await;
    assert!(
        page.contains(&format!("<option value=\"{secretary}\">Nguyễn Văn Bình ({SECRETARY})")),
        "the secretary is offered"
    );
    assert!(!page.contains(&format!("({STAFF})</option>")), "other accounts are not");

    let res = admin.post(&path, &[("user_id", &staff.to_string()), ("action", "assign")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(store::orgs::secretaries_of(&mut app.conn(), cell).unwrap().is_empty());

    let res = admin.post(&path, &[("user_id", &secretary.to_string()), ("action", "assign")]).await;
    assert_redirect(&res, &format!("/orgs/{cell}"));
    let bound = store::orgs::secretaries_of(&mut app.conn(), cell).unwrap();
    assert_eq!(bound.iter().map(|s| s.0).collect::<Vec<_>>(), vec![secretary]);
    let (_, page) = admin.page(&format!("/orgs/{cell}")).await;
    assert!(main_text(&page).contains(SECRETARY));

    let res = admin.post(&path, &[("user_id", &secretary.to_string()), ("action", "unassign")]).await;
    assert_redirect(&res, &format!("/orgs/{cell}"));
    assert!(store::orgs::secretaries_of(&mut app.conn(), cell).unwrap().is_empty());
}

#[tokio::test]
async fn only_staff_and_admins_use_the_tree() {
    let app = spawn_app().await;
    for email in [STAFF, ADMIN] {
        let browser = app.login(email).await;
        let (status, body) = browser.page("/orgs").await;
        assert_eq!(status, StatusCode::OK, "{email}");
        let text = main_text(&body);
        assert!(text.contains("Đảng bộ tỉnh Đắk Lắk"), "{text}");
        assert!(text.contains("Chi bộ thôn 5 (đã sáp nhập) Chi bộ 0 người Đã giải thể 31/03/2026"), "{text}");
    }
    let before = unit_count(&app);
    for email in [SECRETARY, LECTURER, LEARNER] {
        let browser = app.login(email).await;
        assert_eq!(browser.page("/orgs").await.0, StatusCode::FORBIDDEN, "{email}");
        assert_eq!(browser.page("/orgs/new").await.0, StatusCode::FORBIDDEN, "{email}");
        let res = browser.post("/orgs", &[("name", "Chi bộ X"), ("kind", "cell"), ("valid_from", "01/01/2026")]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{email}");
    }
    assert_eq!(unit_count(&app), before);
}
