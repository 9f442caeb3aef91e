//! The Party organisation tree: creating, renaming, moving and dissolving units, the rules of the
//! Party's structure (a chi bộ has nothing under it and is the only unit with a secretary), and
//! who may.

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
    let (_, body) = staff.page(&format!("/orgs/{id}")).await;
    assert!(main_text(&body).contains("Đã thêm Chi bộ Trường THCS Lê Lợi — Đảng bộ xã Ea Kar"), "{}", main_text(&body));
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
    assert!(text.contains("Đã đổi tên Chi bộ Trường THCS Lê Lợi thành Chi bộ Trường THCS Nguyễn Du"), "{text}");
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
    let (_, body) = staff.page(&format!("/orgs/{id}")).await;
    let text = main_text(&body);
    let moved =
        "Đã chuyển Chi bộ Trường THCS Nguyễn Du — Đảng bộ phường Buôn Ma Thuột sang Đảng bộ phường Buôn Ma Thuột";
    assert!(text.contains(moved), "{text}");

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
    let committee = unit_id(&app, "Đảng bộ Ủy ban nhân dân tỉnh");
    let child = unit_id(&app, "Đảng bộ Sở Giáo dục và Đào tạo");
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
    let (_, body) = staff.page(&format!("/orgs/{leaf}")).await;
    assert!(main_text(&body).contains("Đã giải thể Chi bộ thôn 1 — Đảng bộ xã Ea Kar"), "{}", main_text(&body));
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
    let text = main_text(&page);
    assert!(text.contains(SECRETARY), "{text}");
    assert!(
        text.contains("Đã gán Nguyễn Văn Bình làm bí thư Chi bộ Tổ dân phố 3 — Đảng bộ phường Buôn Ma Thuột"),
        "{text}"
    );

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

/// Whether a select offers a unit.
fn offers(html: &str, select: &str, id: i64) -> bool {
    let start = html.find(&format!("<select id=\"{select}\"")).unwrap_or_else(|| panic!("select {select}"));
    let end = start + html[start..].find("</select>").unwrap();
    html[start..end].contains(&format!("<option value=\"{id}\""))
}

#[tokio::test]
async fn a_chi_bo_has_no_units_under_it() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let (commune, cell, other_cell) =
        (unit_id(&app, "Đảng bộ xã Ea Kar"), unit_id(&app, "Chi bộ thôn 1"), unit_id(&app, "Chi bộ Tổ dân phố 3"));
    let before = unit_count(&app);

    // Not offered as a parent, not on the new-unit form, not on the move form.
    let (_, new) = staff.page("/orgs/new").await;
    assert!(offers(&new, "parent", commune) && !offers(&new, "parent", cell));
    let (_, detail) = staff.page(&format!("/orgs/{other_cell}")).await;
    assert!(offers(&detail, "move_parent", commune) && !offers(&detail, "move_parent", cell));
    // A chi bộ's page offers no "add a unit under it".
    let (_, detail) = staff.page(&format!("/orgs/{cell}")).await;
    assert!(!detail.contains("/orgs/new?parent="), "{}", main_text(&detail));

    // Refused when sent anyway.
    let cell_s = cell.to_string();
    let res = staff
        .post("/orgs", &[("name", "Tổ đảng 1"), ("kind", "cell"), ("parent", &cell_s), ("valid_from", "01/01/2026")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(main_text(&body).contains("Chi bộ không có tổ chức trực thuộc"), "{}", main_text(&body));
    assert!(body.contains("value=\"Tổ đảng 1\""), "typed values kept");
    assert_eq!(unit_count(&app), before);
    let res = staff.post(&format!("/orgs/{other_cell}/move"), &[("parent", &cell_s)]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("Chi bộ không có tổ chức trực thuộc"));
    assert_ne!(unit(&app, other_cell).parent_id, Some(cell));

    // The store refuses it too, whatever calls it.
    let actor = store::audit::Actor::system("test");
    let new = store::orgs::NewOrgUnit {
        parent_id: Some(cell),
        kind: "cell".into(),
        name: "Tổ đảng 2".into(),
        valid_from: date!(2026 - 01 - 01),
    };
    assert!(store::orgs::create(&mut app.conn(), &actor, &new).is_err());
    assert!(store::orgs::move_unit(&mut app.conn(), &actor, other_cell, Some(cell)).is_err());
    assert_eq!(unit_count(&app), before);
}

#[tokio::test]
async fn a_secretary_is_bound_only_to_a_chi_bo() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let committee = unit_id(&app, "Đảng bộ xã Ea Kar");
    let secretary = store::users::find_by_email(&mut app.conn(), SECRETARY).unwrap().unwrap().id;

    let (_, page) = admin.page(&format!("/orgs/{committee}")).await;
    assert!(!page.contains(&format!("action=\"/orgs/{committee}/secretaries\"")), "no form to bind one");
    let res = admin
        .post(&format!("/orgs/{committee}/secretaries"), &[("user_id", &secretary.to_string()), ("action", "assign")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = main_text(&res.text().await.unwrap());
    assert!(text.contains("Bí thư chi bộ chỉ được gán cho chi bộ"), "{text}");
    assert!(store::orgs::secretaries_of(&mut app.conn(), committee).unwrap().is_empty());
}

#[tokio::test]
async fn dissolving_asks_on_a_page_of_its_own() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let (commune, leaf) = (unit_id(&app, "Đảng bộ xã Ea Kar"), unit_id(&app, "Chi bộ thôn 1"));
    let people_in_leaf =
        store::orgs::people_counts(&mut app.conn()).unwrap().into_iter().find(|(u, _)| *u == leaf).unwrap().1;

    // The unit's page only links to the dissolution page; it does not dissolve.
    let (_, detail) = staff.page(&format!("/orgs/{leaf}")).await;
    assert!(detail.contains(&format!("href=\"/orgs/{leaf}/close\"")));
    assert!(!detail.contains(&format!("action=\"/orgs/{leaf}/close\"")));

    let (status, page) = staff.page(&format!("/orgs/{leaf}/close")).await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&page);
    assert!(text.contains("Giải thể Chi bộ thôn 1 — Đảng bộ xã Ea Kar"), "{text}");
    assert!(text.contains(&format!("{people_in_leaf} người đang thuộc tổ chức này vẫn giữ nguyên hồ sơ")), "{text}");
    assert!(page.contains(&format!("action=\"/orgs/{leaf}/close\"")) && page.contains("Xác nhận giải thể"));
    assert_eq!(unit(&app, leaf).closed_on, None, "looking changes nothing");

    // A committee with open units under it shows them and no form.
    let (status, page) = staff.page(&format!("/orgs/{commune}/close")).await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&page);
    assert!(text.contains("Chưa giải thể được") && text.contains("Chi bộ Trường THCS Ea Kar"), "{text}");
    assert!(!page.contains(&format!("action=\"/orgs/{commune}/close\"")));

    // A wrong date comes back on the dissolution page, with the date typed.
    let res = staff.post(&format!("/orgs/{leaf}/close"), &[("closed_on", "31/02/2026")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(body.contains("value=\"31/02/2026\"") && main_text(&body).contains("Ngày không hợp lệ"));
    assert_eq!(unit(&app, leaf).closed_on, None);

    let res = staff.post(&format!("/orgs/{leaf}/close"), &[("closed_on", "30/06/2026")]).await;
    assert_redirect(&res, &format!("/orgs/{leaf}"));
    assert_eq!(unit(&app, leaf).closed_on, Some(date!(2026 - 06 - 30)));
    let (_, page) = staff.page(&format!("/orgs/{leaf}/close")).await;
    assert!(main_text(&page).contains("Đã giải thể 30/06/2026") && !page.contains("Xác nhận giải thể"));
}

#[tokio::test]
async fn a_new_unit_starts_under_the_unit_it_was_created_from() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let commune = unit_id(&app, "Đảng bộ xã Ea Kar");
    let (_, detail) = staff.page(&format!("/orgs/{commune}")).await;
    let link = format!("/orgs/new?parent={commune}");
    assert!(detail.contains(&format!("href=\"{link}\"")));
    let (status, form) = staff.page(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains(&format!("<option value=\"{commune}\" selected>")), "the parent is chosen already");
    let (_, plain) = staff.page("/orgs/new").await;
    assert!(!plain.contains(" selected>— "), "from the tree page no parent is chosen");
}

#[tokio::test]
async fn people_are_counted_over_the_whole_subtree_and_a_chi_bo_is_named_with_its_committee() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let total = store::people::count(&mut app.conn()).unwrap();
    let province = unit_id(&app, "Đảng bộ tỉnh Đắk Lắk");
    let (_, page) = staff.page(&format!("/orgs/{province}")).await;
    let text = main_text(&page);
    assert!(text.contains(&format!("(kể cả các tổ chức trực thuộc) {total}")), "{text}");
    assert!(page.contains(&format!("href=\"/people?unit={province}\"")), "a link to the people it counts");
    let (_, tree) = staff.page("/orgs").await;
    assert!(
        main_text(&tree).contains(&format!("Đảng bộ tỉnh Đắk Lắk Đảng bộ tỉnh {total} người")),
        "{}",
        main_text(&tree)
    );

    let cell = unit_id(&app, "Chi bộ thôn 1");
    let (_, page) = staff.page(&format!("/orgs/{cell}")).await;
    assert!(page.contains("<h1>Chi bộ thôn 1 — Đảng bộ xã Ea Kar</h1>"), "{}", main_text(&page));
    assert!(page.contains("<title>Chi bộ thôn 1 — Đảng bộ xã Ea Kar"));
}
