//! The registry of candidates and members: adding, showing, listing, searching, paging, who may
//! see whom, whole names with a sort name, the same person entered twice, and input hygiene.

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
fn fields(cell: i64, full_name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("full_name", full_name.into()),
        ("sort_name", String::new()),
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

/// The ids of the people listed in a page's table, in order.
fn listed_ids(html: &str) -> Vec<i64> {
    table_body(html)
        .split("<a href=\"/people/")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].parse().unwrap())
        .collect()
}

fn find_person(app: &TestApp, id: i64) -> boiduong::store::people::Person {
    store::people::find(&mut app.conn(), &Scope::All, id).unwrap()
}

/// Someone of the demo school in `cell`.
fn someone_in(app: &TestApp, cell: i64) -> boiduong::store::people::Person {
    let query = PeopleQuery { org_units: Some(vec![cell]), page: 1, per_page: 1, ..Default::default() };
    let id = store::people::list(&mut app.conn(), &Scope::All, &query).unwrap().items[0].id;
    find_person(app, id)
}

#[tokio::test]
async fn staff_adds_a_person_who_is_listed_shown_and_editable() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let cell = cell_id(&app, OTHER_CELL);
    let before = people_count(&app);

    let (status, body) = staff.page("/people/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("name=\"full_name\"") && body.contains("name=\"sort_name\"") && body.contains(OTHER_CELL));

    let mut form = fields(cell, "Lý Thị Diệu Khánh");
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
        "Đã thêm Lý Thị Diệu Khánh",
        "Tên (dùng để sắp xếp) Khánh",
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
    assert!(body.contains("value=\"Lý Thị Diệu Khánh\"") && body.contains("value=\"15/03/2026\""));
    assert!(body.contains("name=\"sort_name\" value=\"\""), "a sort name the rule gives is left to the rule");
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
    let text = main_text(&body);
    assert!(text.contains("Krông Pắc, Đắk Lắk") && text.contains("Đã lưu thay đổi của Lý Thị Diệu Khánh"), "{text}");
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
        ("full_name", "", "full_name-error", "Trường bắt buộc"),
        ("date_of_birth", "31/02/1998", "date_of_birth-error", "Ngày không hợp lệ"),
        ("citizen_id", "0661989000012", "citizen_id-error", "Số CCCD phải gồm đúng 12 chữ số"),
        ("email", "khanh@", "email-error", "Email không hợp lệ"),
        ("citizen_id", &taken, "citizen_id-error", "Số CCCD này đã có trong hồ sơ của:"),
        ("status", "probationary", "admission_decision_date-error", "Trường bắt buộc"),
        ("org_unit_id", "999999", "org_unit_id-error", "Hãy chọn một chi bộ đang hoạt động"),
        ("org_unit_id", "", "org_unit_id-error", "Trường bắt buộc"),
    ];
    for (field, value, error_id, message) in cases {
        let mut form = fields(cell, "Âu Thị Khuê");
        set(&mut form, "hometown", "Thôn 3, xã Ea Kao");
        set(&mut form, field, value);
        let res = submit(&staff, "/people", &form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}={value}");
        let body = res.text().await.unwrap();
        assert!(body.contains(&format!("id=\"{error_id}\"")), "{field}={value}: error next to the field");
        assert!(main_text(&body).contains(message), "{field}={value}: {}", main_text(&body));
        let name_kept = field == "full_name" || body.contains("value=\"Âu Thị Khuê\"");
        assert!(name_kept && body.contains("value=\"Thôn 3, xã Ea Kao\""), "typed values kept");
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
    let mut form = fields(cell, "Hà Quang Vũ");
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
    assert!(text.contains("Đã thêm Hà Quang Vũ") && text.contains("Cần kiểm tra lại số CCCD"), "{text}");
    assert!(text.contains("không khớp với giới tính") && text.contains("năm sinh 1998"), "{text}");
}

#[tokio::test]
async fn search_ignores_diacritics_and_case() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let cell = cell_id(&app, OTHER_CELL);
    let id = create(&staff, &fields(cell, "Ngô Thị Hằng Nguyệt")).await;
    let link = format!("<a href=\"/people/{id}\">Ngô Thị Hằng Nguyệt</a>");

    for query in ["ngo+thi+hang+nguyet", "NGO+THI+HANG", "Ng%C3%B4+h%E1%BA%B1ng+nguy%E1%BB%87t"] {
        let (status, body) = staff.page(&format!("/people?q={query}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains(&link), "{query}: {}", main_text(&body));
        assert!(main_text(&body).contains("Tổng số: 1"), "{query}");
    }
    let (_, body) = staff.page("/people?q=ngo+thi+hang+nguyetx").await;
    assert!(!body.contains(&link));
    assert!(main_text(&body).contains("Không có hồ sơ nào phù hợp"));
}

#[tokio::test]
async fn the_list_follows_vietnamese_order_sort_name_first() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let cell = cell_id(&app, OTHER_CELL);
    // Created out of order; a shared email domain makes them a search of their own.
    let names = [
        ("Trần Văn An", "M"),
        ("Lê Thị Ân", "F"),
        ("Đặng Văn An", "M"),
        ("H'Ân Mlô", "F"),
        ("Bùi Anh An", "M"),
        ("Dương Văn An", "M"),
        ("Y Bhim Êban", "M"),
    ];
    for (i, (name, sex)) in names.into_iter().enumerate() {
        let mut form = fields(cell, name);
        set(&mut form, "sex", sex);
        set(&mut form, "email", &format!("nguoi{i}@thutuxep.vn"));
        create(&staff, &form).await;
    }
    let (status, body) = staff.page("/people?q=thutuxep").await;
    assert_eq!(status, StatusCode::OK);
    let rows = table_body(&body);
    // Đ comes after D in Vietnamese (a byte order would put it after T), and An before Ân; the
    // Ê Đê names sort by the personal name after "Y" or "H'", then by the whole name.
    let expected =
        ["Bùi Anh An", "Dương Văn An", "Đặng Văn An", "Trần Văn An", "H&#x27;Ân Mlô", "Lê Thị Ân", "Y Bhim Êban"];
    let positions: Vec<usize> =
        expected.iter().map(|n| rows.find(&format!(">{n}</a>")).unwrap_or_else(|| panic!("{n} listed"))).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "order {positions:?} in {}", main_text(rows));
    assert!(main_text(&body).contains("Tổng số: 7"));
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
    let first = listed_ids(&body);
    assert_eq!(first.len(), 50);
    assert!(pager_link(&body, "prev").is_none());
    let next = pager_link(&body, "next").expect("a next page");
    assert_eq!(next, "/people?page=2");

    let (status, body) = staff.page(&next).await;
    assert_eq!(status, StatusCode::OK);
    assert!(main_text(&body).contains(&format!("Trang 2/{pages}")));
    let second = listed_ids(&body);
    assert_eq!(second.len(), 50);
    assert!(second.iter().all(|id| !first.contains(id)), "page 2 goes on where page 1 stopped");
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
    assert_eq!(listed_ids(&body).len(), (candidates - 50).min(50) as usize);
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
    assert!(!body.contains(OTHER_CELL), "no other cell, not even in the filter");

    // Someone in another cell does not exist for the secretary.
    let stranger = someone_in(&app, other);
    for path in [format!("/people/{}", stranger.id), format!("/people/{}/edit", stranger.id)] {
        let (status, _) = secretary.page(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let mut form = fields(own, "Khổng Minh Triết");
    set(&mut form, "sex", "M");
    let res = submit(&secretary, &format!("/people/{}", stranger.id), &form).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let after = find_person(&app, stranger.id);
    assert_eq!((after.full_name, after.org_unit_id), (stranger.full_name.clone(), other), "not changed");

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
        let res = submit(&browser, "/people", &fields(cell, "Tạ Thị Xuân")).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{email}");
        let res = submit(&browser, &format!("/people/{someone}"), &fields(cell, "Tạ Thị Xuân")).await;
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
                ("full_name", "Võ Thị Xuân"),
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

/// The value of an input in a page, as the browser would send it back.
fn input_value(html: &str, name: &str) -> Option<String> {
    let input = html.find(&format!("name=\"{name}\""))?;
    let at = input + html[input..].find("value=\"")? + "value=\"".len();
    Some(html[at..at + html[at..].find('"')?].to_owned())
}

#[tokio::test]
async fn highlands_names_are_kept_whole_with_a_sort_name_worked_out_or_typed() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let cell = cell_id(&app, OTHER_CELL);
    let names = [
        ("Y Ngông Niê Kdăm", "M"),
        ("Trần Thị Hà", "F"),
        ("H'Hen Niê", "F"),
        ("Lê Văn Hiếu", "M"),
        ("Nguyễn Văn Hải", "M"),
    ];
    let mut ids = Vec::new();
    for (i, (name, sex)) in names.into_iter().enumerate() {
        let mut form = fields(cell, name);
        set(&mut form, "sex", sex);
        set(&mut form, "email", &format!("nguoi{i}@caynguyen.vn"));
        let id = create(&staff, &form).await;
        let (_, body) = staff.page(&format!("/people/{id}")).await;
        let added = format!("Đã thêm {}", name.replace('\'', "&#x27;"));
        assert!(main_text(&body).contains(&added), "{added}: {}", main_text(&body));
        ids.push(id);
    }
    let ngong = find_person(&app, ids[0]);
    assert_eq!((ngong.full_name.as_str(), ngong.sort_name.as_str()), ("Y Ngông Niê Kdăm", "Ngông"));
    assert_eq!(find_person(&app, ids[2]).sort_name, "Hen");

    let (_, body) = staff.page(&format!("/people/{}", ids[2])).await;
    let text = main_text(&body);
    assert!(text.contains("Họ và tên H&#x27;Hen Niê") && text.contains("Tên (dùng để sắp xếp) Hen"), "{text}");
    let order = |body: &str| listed_ids(body).into_iter().filter(|id| ids.contains(id)).collect::<Vec<_>>();
    let (_, body) = staff.page("/people?q=caynguyen").await;
    // Hà, Hải, Hen, Hiếu, Ngông.
    assert_eq!(order(&body), vec![ids[1], ids[4], ids[2], ids[3], ids[0]]);

    // The edit form leaves a worked-out sort name empty (so it follows a corrected name) and
    // shows what the rule gives; a typed one is kept and sorts the list.
    let (_, body) = staff.page(&format!("/people/{}/edit", ids[0])).await;
    assert_eq!(input_value(&body, "sort_name").as_deref(), Some(""));
    assert!(body.contains("placeholder=\"Ngông\""));
    let mut form = fields(cell, "Y Ngông Niê Kdăm");
    set(&mut form, "sex", "M");
    set(&mut form, "email", "nguoi0@caynguyen.vn");
    set(&mut form, "sort_name", "Gông");
    let res = submit(&staff, &format!("/people/{}", ids[0]), &form).await;
    assert_redirect(&res, &format!("/people/{}", ids[0]));
    assert_eq!(find_person(&app, ids[0]).sort_name, "Gông");
    let (_, body) = staff.page("/people?q=caynguyen").await;
    assert_eq!(order(&body), vec![ids[0], ids[1], ids[4], ids[2], ids[3]]);
    let (_, body) = staff.page(&format!("/people/{}/edit", ids[0])).await;
    assert_eq!(input_value(&body, "sort_name").as_deref(), Some("Gông"));
}

#[tokio::test]
async fn a_person_with_the_same_name_and_birth_date_asks_for_confirmation() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let cell = cell_id(&app, OTHER_CELL);
    let mut form = fields(cell, "Phan Thị Mỹ Duyên");
    set(&mut form, "date_of_birth", "12/12/1999");
    let first = create(&staff, &form).await;
    let before = people_count(&app);

    // Typed again on a phone, without diacritics: the form comes back naming the first record.
    set(&mut form, "full_name", "phan thi my duyen");
    set(&mut form, "hometown", "Thôn 7, xã Ea Ô");
    let res = submit(&staff, "/people", &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    let text = main_text(&body);
    assert!(text.contains("Đã có hồ sơ cùng họ tên và ngày sinh"), "{text}");
    assert!(body.contains(&format!("<a href=\"/people/{first}\">Phan Thị Mỹ Duyên</a>")), "{text}");
    assert!(text.contains(&format!("12/12/1999 — {OTHER_CELL} — Đảng bộ Ủy ban nhân dân tỉnh")), "{text}");
    assert!(body.contains("name=\"confirm_same\""));
    assert!(
        body.contains("value=\"phan thi my duyen\"") && body.contains("value=\"Thôn 7, xã Ea Ô\""),
        "typed values kept"
    );
    assert_eq!(people_count(&app), before, "nothing saved");

    // Confirmed, it is saved.
    form.push(("confirm_same", "1".into()));
    let second = create(&staff, &form).await;
    assert_ne!(second, first);
    assert_eq!(people_count(&app), before + 1);

    // Editing either without touching name or date of birth does not ask again.
    form.retain(|(name, _)| *name != "confirm_same");
    set(&mut form, "phone", "0987 654 321");
    let res = submit(&staff, &format!("/people/{second}"), &form).await;
    assert_redirect(&res, &format!("/people/{second}"));
    // Changing another person's birth date to the same day does.
    let mut other = fields(cell, "Phan Thị Mỹ Duyên");
    set(&mut other, "date_of_birth", "13/12/1999");
    let third = create(&staff, &other).await;
    set(&mut other, "date_of_birth", "12/12/1999");
    let res = submit(&staff, &format!("/people/{third}"), &other).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(
        body.contains(&format!("href=\"/people/{first}\"")) && body.contains(&format!("href=\"/people/{second}\""))
    );
    assert!(!body.contains(&format!("<a href=\"/people/{third}\">")), "not warned of themselves");
}

#[tokio::test]
async fn a_secretary_hears_of_a_match_outside_their_cell_only_that_one_exists() {
    let app = spawn_app().await;
    let secretary = app.login(SECRETARY).await;
    let own = cell_id(&app, SECRETARY_CELL);
    let stranger = someone_in(&app, cell_id(&app, OTHER_CELL));
    let before = people_count(&app);

    let mut form = fields(own, &stranger.full_name);
    set(&mut form, "sex", &stranger.sex);
    set(&mut form, "date_of_birth", &boiduong::domain::dates::format(stranger.date_of_birth));
    let res = submit(&secretary, "/people", &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    let text = main_text(&body);
    assert!(text.contains("cùng họ tên và ngày sinh đã có hồ sơ ở đơn vị khác"), "{text}");
    assert!(text.contains("liên hệ Phòng Quản lý đào tạo"), "{text}");
    assert!(!body.contains(&format!("/people/{}", stranger.id)), "no link to them");
    assert!(!body.contains(OTHER_CELL), "nor where they are");
    assert!(body.contains("name=\"confirm_same\""));
    assert_eq!(people_count(&app), before);

    form.push(("confirm_same", "1".into()));
    let id = create(&secretary, &form).await;
    assert_eq!(find_person(&app, id).org_unit_id, own);

    // A match in the secretary's own cell is shown with a link, like staff see it.
    let mut again = fields(own, &stranger.full_name);
    set(&mut again, "sex", &stranger.sex);
    set(&mut again, "date_of_birth", &boiduong::domain::dates::format(stranger.date_of_birth));
    let res = submit(&secretary, "/people", &again).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(body.contains(&format!("<a href=\"/people/{id}\">")), "{}", main_text(&body));
    assert!(!body.contains(&format!("/people/{}", stranger.id)));
}

#[tokio::test]
async fn a_secretary_is_not_told_who_holds_a_citizen_id() {
    let app = spawn_app().await;
    let secretary = app.login(SECRETARY).await;
    let own = cell_id(&app, SECRETARY_CELL);
    let stranger = someone_in(&app, cell_id(&app, OTHER_CELL));
    let cid = stranger.citizen_id.clone().expect("demo CCCD");
    let before = people_count(&app);

    let mut form = fields(own, "Mạc Thị Thanh Tâm");
    set(&mut form, "citizen_id", &cid);
    let res = submit(&secretary, "/people", &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    let text = main_text(&body);
    assert!(body.contains("id=\"citizen_id-error\""));
    assert!(text.contains("liên hệ Phòng Quản lý đào tạo"), "{text}");
    assert!(!text.contains("đã có"), "the message does not say the number is taken: {text}");
    assert!(!text.contains(&stranger.full_name) && !body.contains(&format!("/people/{}", stranger.id)));
    assert_eq!(people_count(&app), before);

    // Staff, who see everyone, are told whose number it is.
    let staff = app.login(STAFF).await;
    let res = submit(&staff, "/people", &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(main_text(&body).contains("Số CCCD này đã có trong hồ sơ của:"));
    assert!(body.contains(&format!("<a href=\"/people/{}\">", stranger.id)));

    // A secretary's own people are named too.
    let neighbour = someone_in(&app, own);
    set(&mut form, "citizen_id", neighbour.citizen_id.as_deref().expect("demo CCCD"));
    let res = submit(&secretary, "/people", &form).await;
    let body = res.text().await.unwrap();
    assert!(body.contains(&format!("<a href=\"/people/{}\">", neighbour.id)), "{}", main_text(&body));
    assert_eq!(people_count(&app), before);
}

#[tokio::test]
async fn control_and_invisible_characters_are_stripped_before_saving() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let cell = cell_id(&app, OTHER_CELL);
    let mut form = fields(cell, "\u{0}Ngô Thị\u{202E} Bích\u{200B} Ngọc\u{FEFF}");
    set(&mut form, "hometown", "Xã\u{200B} Ea\u{0} Kar\u{202E}");
    set(&mut form, "email", "ngoc\u{200B}.ngo@example.vn");
    let id = create(&staff, &form).await;
    let stored = find_person(&app, id);
    assert_eq!(stored.full_name, "Ngô Thị Bích Ngọc");
    assert_eq!(stored.sort_name, "Ngọc");
    assert_eq!(stored.hometown, "Xã Ea Kar");
    assert_eq!(stored.email.as_deref(), Some("ngoc.ngo@example.vn"));
    let (status, body) = staff.page("/people?q=ngo+thi+bich+ngoc").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed_ids(&body), vec![id]);
}

#[tokio::test]
async fn a_search_of_any_length_answers_and_is_cut_to_eight_words() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let words: Vec<String> = (0..1001).map(|i| format!("tu{i}")).collect();
    let (status, body) = staff.page(&format!("/people?q={}", words.join("+"))).await;
    assert_eq!(status, StatusCode::OK, "{}", main_text(&body));
    assert_eq!(
        input_value(&body, "q").as_deref(),
        Some(words[..8].join(" ").as_str()),
        "the box shows what was searched"
    );
    assert!(main_text(&body).contains("Không có hồ sơ nào phù hợp"));

    let long = "a".repeat(5000);
    let (status, body) = staff.page(&format!("/people?q={long}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(input_value(&body, "q").map(|q| q.len()), Some(100));

    // A NUL or an override in the search reaches no database.
    for q in ["%00nguyen", "nguy%E1%BB%85n%E2%80%AE", "%E2%80%8B"] {
        let (status, _) = staff.page(&format!("/people?q={q}")).await;
        assert_eq!(status, StatusCode::OK, "{q}");
    }
    let (_, body) = staff.page("/people?q=%00nguy%E1%BB%85n%E2%80%8B").await;
    assert_eq!(input_value(&body, "q").as_deref(), Some("nguyễn"));
}

#[tokio::test]
async fn the_list_filters_at_any_level_and_names_each_chi_bo_with_its_committee() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let units = store::orgs::all(&mut app.conn()).unwrap();
    let id_of = |name: &str| units.iter().find(|u| u.name == name).unwrap().id;
    let (commune, village) = (id_of("Đảng bộ xã Ea Kar"), id_of("Chi bộ thôn 1"));
    let cells_of_commune: Vec<i64> = units.iter().filter(|u| u.parent_id == Some(commune)).map(|u| u.id).collect();
    let count_in = |ids: Vec<i64>| {
        let query = PeopleQuery { org_units: Some(ids), page: 1, per_page: 1, ..Default::default() };
        store::people::list(&mut app.conn(), &Scope::All, &query).unwrap().total
    };
    let in_commune = count_in(cells_of_commune);
    assert!(in_commune > count_in(vec![village]) && count_in(vec![village]) > 0, "the demo spreads people");

    let (_, body) = staff.page(&format!("/people?unit={commune}")).await;
    let text = main_text(&body);
    assert!(text.contains(&format!("Tổng số: {in_commune}")), "{text}");
    let rows = table_body(&body);
    assert!(
        rows.contains("Chi bộ thôn 1 — Đảng bộ xã Ea Kar")
            || rows.contains("Chi bộ Trường THCS Ea Kar — Đảng bộ xã Ea Kar")
    );
    assert!(!rows.contains(OTHER_CELL) && !rows.contains("Tổ dân phố"), "only the commune's cells");
    assert!(body.contains(&format!("<option value=\"{commune}\" selected>Đảng bộ xã Ea Kar — tất cả chi bộ</option>")));
    assert!(body.contains("<optgroup label=\"Đảng bộ xã Ea Kar\">"));
    assert!(body.contains(&format!("<option value=\"{village}\">Chi bộ thôn 1 — Đảng bộ xã Ea Kar</option>")));
    let next = pager_link(&body, "next");
    assert!(next.is_none_or(|n| n.contains(&format!("unit={commune}"))), "the pager keeps the unit");

    let province = id_of("Đảng bộ tỉnh Đắk Lắk");
    let (_, body) = staff.page(&format!("/people?unit={province}")).await;
    assert!(main_text(&body).contains(&format!("Tổng số: {}", people_count(&app))));

    // A person's page names the chi bộ with its committee too, and so does the form.
    let someone = someone_in(&app, village);
    let (_, body) = staff.page(&format!("/people/{}", someone.id)).await;
    assert!(main_text(&body).contains("Chi bộ Chi bộ thôn 1 — Đảng bộ xã Ea Kar"), "{}", main_text(&body));
    let (_, body) = staff.page(&format!("/people/{}/edit", someone.id)).await;
    assert!(body.contains(&format!("<option value=\"{village}\" selected>Chi bộ thôn 1 — Đảng bộ xã Ea Kar</option>")));
    assert!(body.contains("<optgroup label=\"Đảng bộ xã Ea Kar\">"));

    // A secretary's filter cannot reach outside their cell.
    let secretary = app.login(SECRETARY).await;
    let (_, own) = secretary.page("/people").await;
    let (_, filtered) = secretary.page(&format!("/people?unit={commune}")).await;
    assert_eq!(listed_ids(&filtered), listed_ids(&own));
}

#[tokio::test]
async fn the_list_becomes_cards_on_a_phone_and_drops_a_column_every_row_shares() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let (_, body) = staff.page("/people").await;
    assert!(body.contains("<table class=\"rows\">"));
    let rows = table_body(&body);
    let cells = rows.matches("<td").count();
    assert!(cells > 0 && rows.matches("<td class=\"title\" data-label=").count() == 50);
    assert_eq!(rows.matches(" data-label=\"").count(), cells, "every cell is labelled on a card");
    for row in rows.split("<tr>").skip(1) {
        assert!(row.trim_start().starts_with("<td class=\"title\""), "the name comes first: {row}");
    }
    assert!(rows.contains("data-label=\"Chi bộ\""), "staff see each row's chi bộ");

    // A secretary with one chi bộ: no column saying the same thing on every row, no filter.
    let secretary = app.login(SECRETARY).await;
    let (_, body) = secretary.page("/people").await;
    assert!(!body.contains("data-label=\"Chi bộ\"") && !body.contains(SECRETARY_CELL), "{}", main_text(&body));
    assert!(!body.contains("name=\"unit\""));
}

#[tokio::test]
async fn the_registry_is_named_for_candidates_and_members_and_home_counts_add_up() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let (_, body) = staff.page("/people").await;
    assert!(body.contains("<h1>Quần chúng, đảng viên</h1>"));
    assert!(body.contains(">Quần chúng, đảng viên</a>"), "the menu item");
    assert!(body.contains("<title>Quần chúng, đảng viên"));

    let counts = store::people::count_by_status(&mut app.conn(), &Scope::All).unwrap();
    let of = |code: &str| counts.iter().find(|(s, _)| s == code).map_or(0, |(_, n)| *n);
    let (candidates, probationary, official) = (of("candidate"), of("probationary"), of("official"));
    assert!(official > 0, "the demo has official members");
    assert_eq!(candidates + probationary + official, people_count(&app));
    let (_, home) = staff.page("/").await;
    let text = main_text(&home);
    for shown in [
        format!("Quần chúng ưu tú {candidates}"),
        format!("Đảng viên dự bị {probationary}"),
        format!("Đảng viên chính thức {official}"),
        format!("Tổng số hồ sơ {}", people_count(&app)),
    ] {
        assert!(text.contains(&shown), "{shown} in {text}");
    }

    // The secretary's card counts their own people and names their chi bộ with its committee.
    let secretary = app.login(SECRETARY).await;
    let own = cell_id(&app, SECRETARY_CELL);
    let mine = store::people::count_by_status(&mut app.conn(), &Scope::Units(vec![own])).unwrap();
    let total: i64 = mine.iter().map(|(_, n)| n).sum();
    let (_, home) = secretary.page("/").await;
    let text = main_text(&home);
    assert!(text.contains(&format!("{SECRETARY_CELL} — Đảng bộ Sở Giáo dục và Đào tạo")), "{text}");
    assert!(text.contains(&format!("Tổng số hồ sơ {total}")), "{text}");
}

/// Runs the migrations of `dir` whose version sorts before `before`.
fn migrate_before<DB, C>(conn: &mut C, dir: &str, before: &str)
where
    DB: diesel::backend::Backend,
    C: diesel_migrations::MigrationHarness<DB>,
    diesel_migrations::FileBasedMigrations: diesel::migration::MigrationSource<DB>,
{
    use diesel::migration::MigrationSource;
    let source = diesel_migrations::FileBasedMigrations::from_path(dir).expect("migrations directory");
    let mut migrations = source.migrations().expect("migrations read");
    // Diesel reads "2026-11-29-000002_x" as the version "20261129000002".
    let version = |m: &dyn diesel::migration::Migration<DB>| m.name().version().to_string().replace('-', "");
    let before = before.replace('-', "");
    migrations.sort_by_key(|m| version(m.as_ref()));
    assert!(migrations.iter().any(|m| version(m.as_ref()) < before), "earlier migrations in {dir}");
    conn.applied_migrations().expect("the migrations table is set up");
    for migration in migrations.iter().filter(|m| version(m.as_ref()) < before) {
        conn.run_migration(migration.as_ref()).expect("an earlier migration runs");
    }
}

#[tokio::test]
async fn the_name_migration_keeps_existing_people_and_their_order() {
    use diesel::{Connection, RunQueryDsl};
    const NAMES_MIGRATION: &str = "2026-11-29-000002";
    let (url, _database) = test_database();
    let manifest = env!("CARGO_MANIFEST_DIR");
    // Three people as the registry stored them before: family, middle and given name apart.
    let rows = "('Nguyễn', 'Thị Thu', 'Hằng', '1998-06-05'), ('Phạm', '', 'Ân', '1990-01-01'), \
                ('Bùi', 'Văn', 'An', '1995-03-04')";
    let insert_people = |blob: &str| {
        format!(
            "INSERT INTO people (family_name, middle_name, given_name, date_of_birth, sort_key, search_text, sex, \
             hometown, org_unit_id, status, created_at, updated_at) \
             SELECT f, m, g, CAST(d AS DATE), {blob}, '', 'F', 'Ea Kar', 1, 'candidate', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP \
             FROM (VALUES {rows}) AS v(f, m, g, d)"
        )
    };
    let unit = "INSERT INTO org_units (parent_id, kind, name, valid_from, created_at, updated_at) \
                VALUES (NULL, 'cell', 'Chi bộ thôn 1', '2025-07-01', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)";
    if let Some(path) = url.strip_prefix("sqlite://") {
        let mut conn = diesel::SqliteConnection::establish(path).unwrap();
        migrate_before(&mut conn, &format!("{manifest}/migrations/sqlite"), NAMES_MIGRATION);
        diesel::sql_query(unit).execute(&mut conn).unwrap();
        // SQLite's VALUES has no column names: name them through a CTE.
        let sqlite_insert = insert_people("X'01'")
            .replace("FROM (VALUES", "FROM (SELECT column1 AS f, column2 AS m, column3 AS g, column4 AS d FROM (VALUES")
            .replace(") AS v(f, m, g, d)", "))")
            .replace("CAST(d AS DATE)", "d");
        diesel::sql_query(sqlite_insert).execute(&mut conn).unwrap();
    } else {
        let mut conn = diesel::PgConnection::establish(&url).unwrap();
        migrate_before(&mut conn, &format!("{manifest}/migrations/postgres"), NAMES_MIGRATION);
        diesel::sql_query(unit).execute(&mut conn).unwrap();
        diesel::sql_query(insert_people("'\\x01'::bytea")).execute(&mut conn).unwrap();
    }

    // Connecting runs the rest and computes the collation keys the SQL could not.
    let pool = boiduong::db::connect(&url, 1).expect("the migration runs on existing rows");
    let mut conn = pool.get().unwrap();
    let listed =
        store::people::list(&mut conn, &Scope::All, &PeopleQuery { page: 1, per_page: 10, ..Default::default() })
            .unwrap()
            .items;
    let names: Vec<&str> = listed.iter().map(|p| p.full_name.as_str()).collect();
    assert_eq!(names, vec!["Bùi Văn An", "Phạm Ân", "Nguyễn Thị Thu Hằng"], "whole names, in Vietnamese order");
    let hang = store::people::find(&mut conn, &Scope::All, listed[2].id).unwrap();
    assert_eq!(hang.sort_name, "Hằng", "the given name becomes the sort name");
    assert_eq!(store::people::fill_sort_keys(&mut conn).unwrap(), 0, "every key was filled on connecting");
}
