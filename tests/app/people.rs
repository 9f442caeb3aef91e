//! People (học viên): adding, showing, listing, searching, paging, and who may see whom.

use boiduong::store::people::PeopleQuery;
use boiduong::store::{self, Scope};
use reqwest::StatusCode;

use crate::helpers::*;

const SECRETARY_CELL: &str = "Chi bộ Trường THPT Chu Văn An";
const OTHER_CELL: &str = "Chi bộ Sở Y tế";

fn cell_id(app: &TestApp, name: &str) -> i64 {
    store::orgs::open_cells(&mut app.conn(), &Scope::All)
        .unwrap()
        .into_iter()
        .find(|u| u.name == name)
        .unwrap_or_else(|| panic!("demo cell {name}"))
        .id
}

fn people_count(app: &TestApp) -> i64 {
    store::people::count(&mut app.conn()).unwrap()
}

/// A valid form for a candidate in `cell`; tests change what they need.
fn fields(cell: i64, family: &str, middle: &str, given: &str) -> Vec<(&'static str, String)> {
    vec![
        ("family_name", family.into()),
        ("middle_name", middle.into()),
        ("given_name", given.into()),
        ("date_of_birth", "05/06/1998".into()),
        ("sex", "F".into()),
        ("hometown", "Ea Kar, Đắk Lắk".into()),
        ("citizen_id", String::new()),
        ("email", String::new()),
        ("phone", "0912 345 678".into()),
        ("org_unit_id", cell.to_string()),
        ("status", "candidate".into()),
        ("admission_decision_date", String::new()),
        ("ceremony_date", String::new()),
    ]
}

fn set(fields: &mut [(&'static str, String)], name: &str, value: &str) {
    fields.iter_mut().find(|(n, _)| *n == name).unwrap_or_else(|| panic!("field {name}")).1 = value.into();
}

async fn submit(browser: &Browser, path: &str, fields: &[(&'static str, String)]) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser.post(path, &pairs).await
}

/// Submits a new person and returns their id, asserting the redirect to their page.
async fn create(browser: &Browser, fields: &[(&'static str, String)]) -> i64 {
    let res = submit(browser, "/people", fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", main_text(&res.text().await.unwrap()));
    let to = location(&res);
    to.strip_prefix("/people/").and_then(|id| id.parse().ok()).unwrap_or_else(|| panic!("redirect to {to}"))
}

/// The target of the pager link with this rel, as a path.
fn pager_link(html: &str, rel: &str) -> Option<String> {
    let end = html.find(&format!("\" rel=\"{rel}\""))?;
    let start = html[..end].rfind("href=\"")? + "href=\"".len();
    Some(html[start..end].replace("&amp;", "&").replace("&#x3D;", "="))
}

fn table_body(html: &str) -> &str {
    let start = html.find("<tbody>").expect("a table");
    let end = html.find("</tbody>").expect("a table");
    &html[start..end]
}

#[tokio::test]
async fn staff_adds_a_person_who_is_listed_shown_and_editable() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let cell = cell_id(&app, OTHER_CELL);
    let before = people_count(&app);

    let (status, body) = staff.page("/people/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("name=\"family_name\"") && body.contains(OTHER_CELL));

    let mut form = fields(cell, "Lý", "Thị Diệu", "Khánh");
    set(&mut form, "citizen_id", "066 198 900001");
    set(&mut form, "email", "LY.Khanh@Example.vn");
    set(&mut form, "status", "probationary");
    set(&mut form, "admission_decision_date", "01/03/2026");
    set(&mut form, "ceremony_date", "15/03/2026");
    let id = create(&staff, &form).await;
    assert_eq!(people_count(&app), before + 1);

    let (status, body) = staff.page(&format!("/people/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&body);
    for shown in [
        "Đã lưu",
        "Lý Thị Diệu Khánh",
        "05/06/1998",
        "Nữ",
        "Ea Kar, Đắk Lắk",
        "066198900001",
        "ly.khanh@example.vn",
        "0912345678",
        OTHER_CELL,
        "Đảng viên dự bị",
        "01/03/2026",
        "15/03/2026",
        "Hết thời gian dự bị 15/03/2027",
    ] {
        assert!(text.contains(shown), "{shown} in {text}");
    }
    assert!(!text.contains("Cần kiểm tra lại số CCCD"), "a matching ID has no warning");
    assert!(body.contains(&format!("href=\"/people/{id}/edit\"")));

    let (status, body) = staff.page("/people?q=ly+thi+dieu+khanh").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&format!("<a href=\"/people/{id}\">Lý Thị Diệu Khánh</a>")), "{}", main_text(&body));
    assert!(main_text(&body).contains("Tổng số: 1"));

    // Editing: the form starts from what is stored; a wrong change is refused; a good one saved.
    let (status, body) = staff.page(&format!("/people/{id}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("value=\"Khánh\"") && body.contains("value=\"15/03/2026\""));
    set(&mut form, "ceremony_date", "");
    set(&mut form, "hometown", "Krông Pắc, Đắk Lắk");
    let res = submit(&staff, &format!("/people/{id}"), &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("id=\"ceremony_date-error\""));
    let stored = store::people::find(&mut app.conn(), &Scope::All, id).unwrap();
    assert_eq!(stored.hometown, "Ea Kar, Đắk Lắk", "nothing saved");

    set(&mut form, "ceremony_date", "15/03/2026");
    let res = submit(&staff, &format!("/people/{id}"), &form).await;
    assert_redirect(&res, &format!("/people/{id}"));
    let (_, body) = staff.page(&format!("/people/{id}")).await;
    assert!(main_text(&body).contains("Krông Pắc, Đắk Lắk"));
    assert_eq!(people_count(&app), before + 1);
}

#[tokio::test]
async fn invalid_input_is_shown_again_with_a_message_and_nothing_is_saved() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let cell = cell_id(&app, OTHER_CELL);
    let taken =
        store::people::list(&mut app.conn(), &Scope::All, &PeopleQuery { page: 1, per_page: 1, ..Default::default() })
            .unwrap()
            .items[0]
            .id;
    let taken = store::people::find(&mut app.conn(), &Scope::All, taken).unwrap().citizen_id.expect("demo CCCD");
    let before = people_count(&app);

    let cases: [(&str, &str, &str, &str); 8] = [
        ("given_name", "", "given_name-error", "Trường bắt buộc"),
        ("date_of_birth", "31/02/1998", "date_of_birth-error", "Ngày không hợp lệ"),
        ("citizen_id", "0661989000012", "citizen_id-error", "Số CCCD phải gồm đúng 12 chữ số"),
        ("email", "khanh@", "email-error", "Email không hợp lệ"),
        ("citizen_id", &taken, "citizen_id-error", "Số CCCD này đã có trong hồ sơ của một học viên khác"),
        ("status", "probationary", "admission_decision_date-error", "Trường bắt buộc"),
        ("org_unit_id", "999999", "org_unit_id-error", "Hãy chọn một chi bộ đang hoạt động"),
        ("org_unit_id", "", "org_unit_id-error", "Trường bắt buộc"),
    ];
    for (field, value, error_id, message) in cases {
        let mut form = fields(cell, "Âu", "Thị", "Khuê");
        set(&mut form, "hometown", "Thôn 3, xã Ea Kao");
        set(&mut form, field, value);
        let res = submit(&staff, "/people", &form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}={value}");
        let body = res.text().await.unwrap();
        assert!(body.contains(&format!("id=\"{error_id}\"")), "{field}={value}: error next to the field");
        assert!(main_text(&body).contains(message), "{field}={value}: {}", main_text(&body));
        assert!(body.contains("value=\"Âu\"") && body.contains("value=\"Thôn 3, xã Ea Kao\""), "typed values kept");
        if !value.is_empty() && field != "status" && field != "org_unit_id" {
            assert!(body.contains(&format!("value=\"{value}\"")), "{field}: the wrong value is shown to be fixed");
        }
        assert_eq!(people_count(&app), before, "{field}={value}: nothing saved");
    }
}

#[tokio::test]
async fn citizen_id_mismatch_saves_with_a_warning() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let cell = cell_id(&app, OTHER_CELL);
    // Digit 4 = 1 says a woman born in the 1900s, digits 5–6 say 1998; he is a man born in 1999.
    let mut form = fields(cell, "Hà", "Quang", "Vũ");
    set(&mut form, "sex", "M");
    set(&mut form, "date_of_birth", "20/10/1999");
    set(&mut form, "citizen_id", "066198900003");

    // With another error, the form comes back and already warns.
    set(&mut form, "email", "not-an-email");
    let res = submit(&staff, "/people", &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = main_text(&res.text().await.unwrap());
    assert!(text.contains("không khớp với giới tính") && text.contains("năm sinh 1998"), "{text}");

    set(&mut form, "email", "");
    let before = people_count(&app);
    let id = create(&staff, &form).await;
    assert_eq!(people_count(&app), before + 1, "a warning does not stop the save");
    let stored = store::people::find(&mut app.conn(), &Scope::All, id).unwrap();
    assert_eq!(stored.citizen_id.as_deref(), Some("066198900003"));

    let (_, body) = staff.page(&format!("/people/{id}")).await;
    let text = main_text(&body);
    assert!(text.contains("Đã lưu") && text.contains("Cần kiểm tra lại số CCCD"), "{text}");
    assert!(text.contains("không khớp với giới tính") && text.contains("năm sinh 1998"), "{text}");
}

#[tokio::test]
async fn search_ignores_diacritics_and_case() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let cell = cell_id(&app, OTHER_CELL);
    let id = create(&staff, &fields(cell, "Ngô", "Thị Hằng", "Nguyệt")).await;
    let link = format!("<a href=\"/people/{id}\">Ngô Thị Hằng Nguyệt</a>");

    for query in ["ngo+thi+hang+nguyet", "NGO+THI+HANG", "Ng%C3%B4+h%E1%BA%B1ng+nguy%E1%BB%87t"] {
        let (status, body) = staff.page(&format!("/people?q={query}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains(&link), "{query}: {}", main_text(&body));
        assert!(main_text(&body).contains("Tổng số: 1"), "{query}");
    }
    let (_, body) = staff.page("/people?q=ngo+thi+hang+nguyetx").await;
    assert!(!body.contains(&link));
    assert!(main_text(&body).contains("Không có học viên nào phù hợp"));
}

#[tokio::test]
async fn the_list_follows_vietnamese_order_given_name_first() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let cell = cell_id(&app, OTHER_CELL);
    // Created out of order; a shared email domain makes them a search of their own.
    let names = [
        ("Trần", "Văn", "An", "M"),
        ("Lê", "Thị", "Ân", "F"),
        ("Đặng", "Văn", "An", "M"),
        ("Bùi", "Anh", "An", "M"),
        ("Dương", "Văn", "An", "M"),
    ];
    for (i, (family, middle, given, sex)) in names.into_iter().enumerate() {
        let mut form = fields(cell, family, middle, given);
        set(&mut form, "sex", sex);
        set(&mut form, "email", &format!("nguoi{i}@thutuxep.vn"));
        create(&staff, &form).await;
    }
    let (status, body) = staff.page("/people?q=thutuxep").await;
    assert_eq!(status, StatusCode::OK);
    let rows = table_body(&body);
    // Đ comes after D in Vietnamese (a byte order would put it after T), and An before Ân.
    let expected = ["Bùi Anh An", "Dương Văn An", "Đặng Văn An", "Trần Văn An", "Lê Thị Ân"];
    let positions: Vec<usize> =
        expected.iter().map(|n| rows.find(&format!(">{n}</a>")).unwrap_or_else(|| panic!("{n} listed"))).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "order {positions:?} in {}", main_text(rows));
    assert!(main_text(&body).contains("Tổng số: 5"));
}

#[tokio::test]
async fn the_list_is_paged_and_the_pager_keeps_the_filters() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let total = people_count(&app);
    let pages = (total + 49) / 50;
    assert!(pages >= 3, "the demo school has enough people to page");

    let (_, body) = staff.page("/people").await;
    let text = main_text(&body);
    assert!(text.contains(&format!("Tổng số: {total}")) && text.contains(&format!("Trang 1/{pages}")), "{text}");
    assert!(body.contains("<td class=\"num\">50</td>") && !body.contains("<td class=\"num\">51</td>"));
    assert!(pager_link(&body, "prev").is_none());
    let next = pager_link(&body, "next").expect("a next page");
    assert_eq!(next, "/people?page=2");

    let (status, body) = staff.page(&next).await;
    assert_eq!(status, StatusCode::OK);
    assert!(main_text(&body).contains(&format!("Trang 2/{pages}")));
    assert!(body.contains("<td class=\"num\">51</td>") && !body.contains("<td class=\"num\">50</td>"));
    assert_eq!(pager_link(&body, "prev").as_deref(), Some("/people"));

    // Filtered: the links carry the filter, and page 2 holds only candidates.
    let candidates = store::people::list(
        &mut app.conn(),
        &Scope::All,
        &PeopleQuery { status: Some("candidate".into()), page: 1, per_page: 1, ..Default::default() },
    )
    .unwrap()
    .total;
    assert!(candidates > 50);
    let (_, body) = staff.page("/people?status=candidate").await;
    assert!(main_text(&body).contains(&format!("Tổng số: {candidates}")));
    let next = pager_link(&body, "next").expect("a next page");
    assert_eq!(next, "/people?status=candidate&page=2");
    let (_, body) = staff.page(&next).await;
    let rows = table_body(&body);
    assert!(rows.contains("Quần chúng ưu tú") && !rows.contains("Đảng viên dự bị") && !rows.contains("chính thức"));
    assert!(body.contains("<td class=\"num\">51</td>"));
}

#[tokio::test]
async fn a_secretary_works_only_with_their_own_cell() {
    let app = spawn_app().await;
    let secretary = app.login(SECRETARY).await;
    let own = cell_id(&app, SECRETARY_CELL);
    let other = cell_id(&app, OTHER_CELL);
    let in_own = store::people::list(
        &mut app.conn(),
        &Scope::Units(vec![own]),
        &PeopleQuery { page: 1, per_page: 1, ..Default::default() },
    )
    .unwrap()
    .total;
    assert!(in_own > 0);

    let (status, body) = secretary.page("/people").await;
    assert_eq!(status, StatusCode::OK);
    assert!(main_text(&body).contains(&format!("Tổng số: {in_own}")), "{}", main_text(&body));
    assert!(table_body(&body).contains(SECRETARY_CELL));
    assert!(!body.contains(OTHER_CELL), "no other cell, not even in the filter");

    // Someone in another cell does not exist for the secretary.
    let stranger = store::people::list(
        &mut app.conn(),
        &Scope::All,
        &PeopleQuery { org_unit_id: Some(other), page: 1, per_page: 1, ..Default::default() },
    )
    .unwrap()
    .items[0]
        .clone();
    for path in [format!("/people/{}", stranger.id), format!("/people/{}/edit", stranger.id)] {
        let (status, _) = secretary.page(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let mut form = fields(own, "Khổng", "Minh", "Triết");
    set(&mut form, "sex", "M");
    let res = submit(&secretary, &format!("/people/{}", stranger.id), &form).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let after = store::people::find(&mut app.conn(), &Scope::All, stranger.id).unwrap();
    assert_eq!((after.given_name, after.org_unit_id), (stranger.given_name.clone(), other), "not changed");

    // Adding: the form offers only the own cell, another cell is refused, the own one works.
    let (_, body) = secretary.page("/people/new").await;
    assert!(body.contains(SECRETARY_CELL) && !body.contains(OTHER_CELL));
    let before = people_count(&app);
    set(&mut form, "org_unit_id", &other.to_string());
    let res = submit(&secretary, "/people", &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("Hãy chọn một chi bộ đang hoạt động"));
    assert_eq!(people_count(&app), before);

    set(&mut form, "org_unit_id", &own.to_string());
    let id = create(&secretary, &form).await;
    let (status, body) = secretary.page(&format!("/people/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(main_text(&body).contains("Khổng Minh Triết"));
    assert_eq!(people_count(&app), before + 1);
}

#[tokio::test]
async fn learners_and_lecturers_may_not_open_people() {
    let app = spawn_app().await;
    let cell = cell_id(&app, OTHER_CELL);
    let someone =
        store::people::list(&mut app.conn(), &Scope::All, &PeopleQuery { page: 1, per_page: 1, ..Default::default() })
            .unwrap()
            .items[0]
            .id;
    let before = people_count(&app);
    for email in [LEARNER, LECTURER] {
        let browser = app.login(email).await;
        for path in ["/people".to_owned(), "/people/new".to_owned(), format!("/people/{someone}")] {
            let (status, _) = browser.page(&path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{email} {path}");
        }
        let res = submit(&browser, "/people", &fields(cell, "Tạ", "Thị", "Xuân")).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{email}");
        let res = submit(&browser, &format!("/people/{someone}"), &fields(cell, "Tạ", "Thị", "Xuân")).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{email}");
    }
    assert_eq!(people_count(&app), before);
    let (status, _) = app.anonymous().page("/people").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "anonymous goes to the login page");
}

#[tokio::test]
async fn a_new_person_with_an_email_is_invited_and_staff_see_the_message() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let mut conn = app.conn();
    let cell =
        boiduong::store::orgs::all(&mut conn).unwrap().into_iter().find(|u| u.name == "Chi bộ Sở Y tế").unwrap().id;
    drop(conn);
    let cell = cell.to_string();
    let res = staff
        .post(
            "/people",
            &[
                ("family_name", "Võ"),
                ("middle_name", "Thị"),
                ("given_name", "Xuân"),
                ("date_of_birth", "12/03/1999"),
                ("sex", "F"),
                ("hometown", "Krông Pắc, Đắk Lắk"),
                ("email", "xuan.vo@example.vn"),
                ("org_unit_id", &cell),
                ("status", "candidate"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let person_path = location(&res);
    let (_, body) = staff.page(&person_path).await;
    assert!(main_text(&body).contains("gửi thư mời đặt mật khẩu tới xuan.vo@example.vn"), "{}", main_text(&body));
    let account = boiduong::store::users::find_by_email(&mut app.conn(), "xuan.vo@example.vn")
        .unwrap()
        .expect("a learner account");
    let person_id: i64 = person_path.rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(account.person_id, Some(person_id));
    let raw = app.wait_for_file_to("xuan.vo@example.vn", 10).await;
    assert!(mail_parser::MessageParser::default().parse(&raw).unwrap().subject().unwrap().starts_with("Mời kích hoạt"));
    let (_, ledger) = staff.page(&format!("/mail?person={person_id}")).await;
    let text = main_text(&ledger);
    assert!(text.contains("xuan.vo@example.vn") && text.contains("Thư mời kích hoạt tài khoản"), "{text}");
    assert!(text.contains("Tổng số: 1"), "only this person's messages: {text}");
}
