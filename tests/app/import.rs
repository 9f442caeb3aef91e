//! Roster import from files as staff receive them: CSV in UTF-8 with or without a BOM, UTF-16
//! ("Unicode text" from Excel) and Windows-1258, XLSX with Excel date numbers or dates typed as
//! text; every kind of bad row shown in the preview before anything is saved; the commit in one
//! transaction; the same file twice adds nothing; formula-like cells stay text, also in the
//! spreadsheet download; a file over the limit gets a 413 page; the command line does the same.

use boiduong::export::xlsx::{Cell, Sheet, workbook};
use boiduong::import::Value;
use boiduong::store::audit::Actor;
use boiduong::store::{Scope, enrolments, imports, people};
use reqwest::StatusCode;
use time::macros::date;

use crate::enrolment::class_with_status;
use crate::helpers::*;

const HEADERS: [&str; 8] =
    ["Họ và tên", "Ngày sinh", "Giới tính", "Quê quán", "Số CCCD", "Email", "Điện thoại", "Chi bộ"];

/// Three new people of demo cells.
fn three() -> Vec<[String; 8]> {
    [
        [
            "Trần Thị Ngọc Ánh",
            "05/06/1998",
            "Nữ",
            "Tuy Hòa, Đắk Lắk",
            "054198700001",
            "anh.tran@example.vn",
            "0905 111 222",
            "Chi bộ Tổ dân phố 3",
        ],
        [
            "Y Ngông Niê Kdăm",
            "17/03/2001",
            "Nam",
            "Krông Pắc, Đắk Lắk",
            "066201700002",
            "",
            "",
            "Chi bộ thôn 1 — Đảng bộ xã Ea Kar",
        ],
        [
            "Đặng Quốc Việt",
            "01/12/1995",
            "Nam",
            "Hà Tĩnh",
            "040095700003",
            "viet.dang@example.vn",
            "",
            "chi bo so y te",
        ],
    ]
    .into_iter()
    .map(|r| r.map(String::from))
    .collect()
}

fn csv_text(headers: &[&str], rows: &[[String; 8]], delimiter: u8) -> String {
    let mut out = Vec::new();
    {
        let mut w =
            csv::WriterBuilder::new().delimiter(delimiter).terminator(csv::Terminator::CRLF).from_writer(&mut out);
        w.write_record(headers).unwrap();
        for row in rows {
            w.write_record(row).unwrap();
        }
    }
    String::from_utf8(out).unwrap()
}

fn windows_1258(text: &str) -> Vec<u8> {
    boiduong::import::encode_windows_1258(text).expect("every letter has a Windows-1258 form")
}

fn xlsx(rows: &[[String; 8]], dates_as_numbers: bool) -> Vec<u8> {
    let rows = rows
        .iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .map(|(i, v)| match i {
                    1 if dates_as_numbers => Cell::Date(boiduong::domain::dates::parse(v).unwrap()),
                    _ => Cell::Text(v.clone()),
                })
                .collect()
        })
        .collect();
    let sheet = Sheet {
        name: "Danh sách".into(),
        title: Vec::new(),
        headers: HEADERS.map(String::from).to_vec(),
        widths: Vec::new(),
        rows,
    };
    workbook(&[sheet]).unwrap()
}

pub async fn upload(browser: &Browser, class: i64, name: &str, bytes: Vec<u8>) -> (StatusCode, String) {
    let token = browser.csrf().await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
    let res =
        browser.client.post(browser.url(&format!("/classes/{class}/import"))).multipart(form).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

fn upload_token(preview: &str) -> Option<String> {
    let marker = "name=\"upload\" value=\"";
    let start = preview.find(marker)? + marker.len();
    Some(preview[start..start + preview[start..].find('"')?].to_owned())
}

async fn commit(browser: &Browser, class: i64, preview: &str) -> reqwest::Response {
    let token = upload_token(preview).expect("the preview offers the commit");
    browser.post(&format!("/classes/{class}/import/commit"), &[("upload", &token)]).await
}

fn person_by_citizen_id(app: &TestApp, cid: &str) -> Option<people::Person> {
    people::citizen_id_holder(&mut app.conn(), cid, None)
        .unwrap()
        .map(|e| people::find(&mut app.conn(), &Scope::All, e.id).unwrap())
}

fn people_count(app: &TestApp) -> i64 {
    people::count(&mut app.conn()).unwrap()
}

#[tokio::test]
async fn every_encoding_and_both_kinds_of_date_read_the_same_roster() {
    let app = spawn_app().await;
    let class = class_with_status(&app, "NTVD", 60, "nominating");
    let staff = app.login(STAFF).await;
    let rows = three();
    let text = csv_text(&HEADERS, &rows, b',');
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    // Excel's "Unicode text": UTF-16 little-endian with its BOM, tab-separated.
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in csv_text(&HEADERS, &rows, b'\t').encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let files: Vec<(&str, Vec<u8>, &str)> = vec![
        ("khong-bom.csv", text.clone().into_bytes(), "Tệp CSV, mã UTF-8"),
        ("co-bom.csv", bom, "Tệp CSV, mã UTF-8"),
        ("unicode.txt", utf16, "Tệp CSV, mã UTF-16 (Unicode Text)"),
        ("windows.csv", windows_1258(&text), "Tệp CSV, mã Windows-1258"),
        ("ngay-dang-so.xlsx", xlsx(&rows, true), "Tệp Excel (.xlsx)"),
        ("ngay-dang-chu.xlsx", xlsx(&rows, false), "Tệp Excel (.xlsx)"),
    ];
    let mut last = String::new();
    for (name, bytes, format) in files {
        let (status, body) = upload(&staff, class, name, bytes).await;
        assert_eq!(status, StatusCode::OK, "{name}: {}", main_text(&body));
        let text = main_text(&body);
        assert!(text.contains(format), "{name} read as {format}: {text}");
        for row in &rows {
            assert!(text.contains(&row[0]), "{name}: the name {} intact: {text}", row[0]);
            assert!(text.contains(&row[1]), "{name}: the date {}: {text}", row[1]);
        }
        assert!(text.contains("Xác nhận nhập 3 học viên"), "{name}: {text}");
        assert!(!text.contains("Lỗi:") && !text.contains("Cảnh báo:"), "{name}: no problem: {text}");
        last = body;
    }
    // Nothing is saved by a preview.
    assert!(person_by_citizen_id(&app, "054198700001").is_none());

    let res = commit(&staff, class, &last).await;
    assert_redirect(&res, &format!("/classes/{class}/roster"));
    let (_, roster) = staff.page(&format!("/classes/{class}/roster")).await;
    assert!(main_text(&roster).contains("Đã nhập danh sách: 3 người mới"), "{}", main_text(&roster));
    let anh = person_by_citizen_id(&app, "054198700001").unwrap();
    assert_eq!(anh.full_name, "Trần Thị Ngọc Ánh");
    assert_eq!(anh.sort_name, "Ánh");
    assert_eq!(anh.date_of_birth, date!(1998 - 06 - 05));
    assert_eq!(anh.phone.as_deref(), Some("0905111222"));
    assert_eq!(anh.status, "candidate", "the awareness course's people are candidates");
    let ngong = person_by_citizen_id(&app, "066201700002").unwrap();
    assert_eq!(ngong.sort_name, "Ngông");
    let viet = person_by_citizen_id(&app, "040095700003").unwrap();
    let tree = boiduong::store::orgs::UnitTree::load(&mut app.conn()).unwrap();
    assert!(tree.label(viet.org_unit_id).starts_with("Chi bộ Sở Y tế"), "a chi bộ typed without diacritics");
    assert_eq!(enrolments::enrolled_count(&mut app.conn(), class).unwrap(), 3);
    // The two with an email are invited.
    app.wait_for_file_to("anh.tran@example.vn", 10).await;
    assert!(boiduong::store::users::find_by_email(&mut app.conn(), "viet.dang@example.vn").unwrap().is_some());
}

#[tokio::test]
async fn every_kind_of_bad_row_is_shown_before_anything_is_saved() {
    let app = spawn_app().await;
    let class = class_with_status(&app, "NTVD", 5, "nominating");
    let actor = Actor::system("kiểm thử");
    // Someone already in the class, and someone already in the registry (not in the class).
    let all =
        people::list(&mut app.conn(), &Scope::All, &people::PeopleQuery { page: 1, per_page: 3, ..Default::default() })
            .unwrap()
            .items;
    let enrolled = people::find(&mut app.conn(), &Scope::All, all[0].id).unwrap();
    enrolments::enrol(&mut app.conn(), &actor, class, enrolled.id, enrolments::SOURCE_STAFF, date!(2027 - 03 - 15))
        .unwrap();
    let twin = people::find(&mut app.conn(), &Scope::All, all[1].id).unwrap();
    let birth = |p: &people::Person| boiduong::domain::dates::format(p.date_of_birth);
    let sex = |p: &people::Person| if p.sex == "F" { "Nữ" } else { "Nam" }.to_owned();
    let cell = "Chi bộ Tổ dân phố 3".to_owned();
    let row = |v: [&str; 8]| v.map(String::from);
    let rows = vec![
        row(["Lê Thị Kim Oanh", "12/02/1999", "Nữ", "Ea Kar", "066199700011", "", "", &cell]),
        row(["Lê Văn Tám", "03/09/1990", "Nam", "Ea Kar", "06609070001", "", "", &cell]),
        row(["Phạm Văn Tư", "03/09/1990", "Nam", "Ea Kar", "066090700013", "", "", "Chi bộ Tổ dân phố 99"]),
        row(["Lê Thị Kim Oanh", "12/02/1999", "Nữ", "Ea Kar", "066199700011", "", "", &cell]),
        row([
            &enrolled.full_name,
            &birth(&enrolled),
            &sex(&enrolled),
            "",
            enrolled.citizen_id.as_deref().unwrap(),
            "",
            "",
            &cell,
        ]),
        row([&twin.full_name, &birth(&twin), &sex(&twin), "Quảng Ngãi", "051000700015", "", "", &cell]),
        row(["=HYPERLINK(\"http://x.vn\",\"Bấm\")", "20/10/1994", "Nữ", "+84 Tuy Hòa", "054194700016", "", "", &cell]),
        row(["Võ Thị Sáu", "20/10/1994", "Nữ", "Tuy Hòa", "054194700017", "", "", &cell]),
        row(["Võ Văn Bảy", "20/10/1994", "Nam", "Tuy Hòa", "054094700018", "", "", &cell]),
        row(["Chi bộ thôn 1", "20/10/1994", "Nam", "Tuy Hòa", "054094700019", "", "", "Chi bộ thôn 1"]),
    ];
    let people_before = people_count(&app);
    let staff = app.login(STAFF).await;
    let (status, body) = upload(&staff, class, "danh-sach-loi.csv", csv_text(&HEADERS, &rows, b';').into_bytes()).await;
    assert_eq!(status, StatusCode::OK, "{}", main_text(&body));
    let text = main_text(&body);
    for expected in [
        "Số CCCD “06609070001” không hợp lệ: phải gồm đúng 12 chữ số.",
        "Không tìm thấy chi bộ “Chi bộ Tổ dân phố 99” trong danh mục tổ chức đảng.",
        "Trùng với dòng 2 trong cùng tệp.",
        "Đã ghi danh vào lớp này.",
        &format!("Trùng họ tên và ngày sinh với hồ sơ đã có: {}", twin.full_name),
        "Vượt sĩ số của lớp (5 học viên).",
        "Bỏ qua: đã ghi danh",
    ] {
        assert!(text.contains(expected), "the preview says {expected:?}:\n{text}");
    }
    assert!(body.contains("&#x3D;HYPERLINK(&quot;http://x.vn&quot;,&quot;Bấm&quot;)"), "shown as typed, escaped");
    // The summary: rows 2 (CCCD), 4 (chi bộ), 5 (duplicate), 10 and 11 (capacity) are errors;
    // 1 person is enrolled already; 4 new people fit in the 4 places left.
    assert!(text.contains("Số dòng 10") && text.contains("Dòng có lỗi 5"), "{text}");
    assert!(text.contains("Xác nhận nhập 4 học viên"), "{text}");
    assert_eq!(people_count(&app), people_before, "a preview saves nobody");
    assert_eq!(enrolments::enrolled_count(&mut app.conn(), class).unwrap(), 1);

    let res = commit(&staff, class, &body).await;
    assert_redirect(&res, &format!("/classes/{class}/roster"));
    assert_eq!(people_count(&app), people_before + 4);
    assert_eq!(enrolments::enrolled_count(&mut app.conn(), class).unwrap(), 5);
    let formula = person_by_citizen_id(&app, "054194700016").unwrap();
    assert_eq!(formula.full_name, "=HYPERLINK(\"http://x.vn\",\"Bấm\")", "kept as typed");
    assert_eq!(formula.hometown, "+84 Tuy Hòa");

    // The roster's spreadsheet writes those cells as text, never as formulas.
    let res = staff.get(&format!("/classes/{class}/roster.xlsx")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap().to_vec();
    let table = boiduong::import::read(&bytes).unwrap();
    let all_cells: Vec<&Value> = table.rows.iter().flat_map(|(_, cells)| cells).collect();
    assert!(all_cells.contains(&&Value::Text("=HYPERLINK(\"http://x.vn\",\"Bấm\")".into())), "{all_cells:?}");
    assert!(all_cells.contains(&&Value::Text("+84 Tuy Hòa".into())));
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let formulas = book.worksheet_formula(&sheet).unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formula in the download");
}

#[tokio::test]
async fn importing_the_same_file_twice_adds_nothing() {
    let app = spawn_app().await;
    let class = class_with_status(&app, "NTVD", 60, "nominating");
    let staff = app.login(STAFF).await;
    let file = xlsx(&three(), true);
    let (_, preview) = upload(&staff, class, "lan-1.xlsx", file.clone()).await;
    assert_redirect(&commit(&staff, class, &preview).await, &format!("/classes/{class}/roster"));
    let (people_after, enrolled_after) =
        (people_count(&app), enrolments::enrolled_count(&mut app.conn(), class).unwrap());
    // The old preview cannot be committed again.
    let res = commit(&staff, class, &preview).await;
    assert_redirect(&res, &format!("/classes/{class}/import"));

    let (status, again) = upload(&staff, class, "lan-2.xlsx", file).await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&again);
    assert_eq!(text.matches("Bỏ qua: đã ghi danh").count(), 3, "{text}");
    assert!(text.contains("Không có học viên nào để nhập từ tệp này."), "{text}");
    assert!(upload_token(&again).is_none(), "nothing to commit");
    assert_eq!(
        (people_count(&app), enrolments::enrolled_count(&mut app.conn(), class).unwrap()),
        (people_after, enrolled_after)
    );

    // In another class the same people are matched, not created again: by citizen ID, and a row
    // without one by its email and date of birth.
    let other = class_with_status(&app, "NTVD", 60, "nominating");
    let mut rows = three();
    rows[0][4].clear();
    let (_, preview) = upload(&staff, other, "lop-khac.csv", csv_text(&HEADERS, &rows, b',').into_bytes()).await;
    let text = main_text(&preview);
    assert_eq!(text.matches("Ghi danh người đã có hồ sơ").count(), 4, "three rows and the summary: {text}");
    assert_redirect(&commit(&staff, other, &preview).await, &format!("/classes/{other}/roster"));
    assert_eq!(people_count(&app), people_after);
    assert_eq!(enrolments::enrolled_count(&mut app.conn(), other).unwrap(), 3);
}

#[tokio::test]
async fn a_commit_is_all_or_nothing() {
    let app = spawn_app().await;
    let class = class_with_status(&app, "NTVD", 60, "nominating");
    let actor = Actor::system("kiểm thử");
    let table = boiduong::import::read(&xlsx(&three(), true)).unwrap();
    let today = boiduong::domain::dates::today();
    let plan = imports::preview(&mut app.conn(), class, &table, today).unwrap().unwrap();
    assert_eq!(plan.summary().create, 3);
    // What follows the enrolments (the accounts, the emails) fails after the people and their
    // enrolments went in: all of it is undone.
    let before = people_count(&app);
    let mut handed = 0;
    let result = imports::commit(
        &mut app.conn(),
        &actor,
        class,
        &plan,
        today,
        boiduong::domain::dates::now(),
        &mut |_, learners| {
            handed += learners.len();
            Err(boiduong::store::StoreError::Conflict("import.error.changed"))
        },
    );
    assert!(matches!(result, Err(boiduong::store::StoreError::Conflict(_))), "{result:?}");
    assert_eq!(handed, 3, "the three were created and enrolled before the failure");
    assert_eq!(people_count(&app), before, "the three created are undone");
    assert_eq!(enrolments::enrolled_count(&mut app.conn(), class).unwrap(), 0);

    // Someone takes the last row's citizen ID after the preview: the insert of the new people
    // fails, and nothing of the commit is kept.
    let taken = boiduong::store::people::PersonInput {
        full_name: "Người khác".into(),
        sort_name: "khác".into(),
        date_of_birth: date!(1980 - 01 - 01),
        sex: "M".into(),
        hometown: "Huế".into(),
        citizen_id: Some("040095700003".into()),
        email: None,
        phone: None,
        org_unit_id: people::find(&mut app.conn(), &Scope::All, 1).unwrap().org_unit_id,
        status: "candidate".into(),
        admission_decision_date: None,
        ceremony_date: None,
    };
    people::insert_one(&mut app.conn(), &taken, boiduong::domain::dates::now()).unwrap();
    let mut called = 0;
    let result = imports::commit(
        &mut app.conn(),
        &actor,
        class,
        &plan,
        today,
        boiduong::domain::dates::now(),
        &mut |_, learners| {
            called += learners.len();
            Ok(())
        },
    );
    assert!(matches!(result, Err(boiduong::store::StoreError::Conflict(_))), "{result:?}");
    assert_eq!(called, 0, "no account is made for a commit that fails");
    assert_eq!(people_count(&app), before + 1, "only the other person");
    assert!(person_by_citizen_id(&app, "054198700001").is_none());
    assert_eq!(enrolments::enrolled_count(&mut app.conn(), class).unwrap(), 0);

    // Through the pages, the commit plans again against the class as it is: places taken since
    // the preview leave rows out, and the page says how many.
    let small = class_with_status(&app, "NTVD", 3, "nominating");
    let staff = app.login(STAFF).await;
    let mut rows = three();
    rows[2][4] = "040095700004".into();
    rows[2][5] = "viet2@example.vn".into();
    let (_, preview) = upload(&staff, small, "ba.csv", csv_text(&HEADERS, &rows, b',').into_bytes()).await;
    assert!(main_text(&preview).contains("Xác nhận nhập 3 học viên"));
    enrolments::enrol(&mut app.conn(), &actor, small, taken_id(&app), enrolments::SOURCE_STAFF, today).unwrap();
    assert_redirect(&commit(&staff, small, &preview).await, &format!("/classes/{small}/roster"));
    let (_, roster) = staff.page(&format!("/classes/{small}/roster")).await;
    assert!(
        main_text(&roster)
            .contains("2 người mới, 0 người đã có hồ sơ được ghi danh, 0 đề nghị được duyệt; 1 dòng bỏ qua")
    );
    assert_eq!(enrolments::enrolled_count(&mut app.conn(), small).unwrap(), 3);
}

fn taken_id(app: &TestApp) -> i64 {
    person_by_citizen_id(app, "040095700003").unwrap().id
}

#[tokio::test]
async fn bad_files_and_a_file_over_the_limit_get_clear_pages() {
    let app = spawn_app_with(|c| c.import_max_bytes = 8192).await;
    let class = class_with_status(&app, "NTVD", 60, "nominating");
    let staff = app.login(STAFF).await;

    let big = csv_text(&HEADERS, &vec![three()[0].clone(); 200], b',').into_bytes();
    assert!(big.len() > 8192);
    let (status, body) = upload(&staff, class, "qua-lon.csv", big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let text = main_text(&body);
    assert!(text.contains("Tệp quá lớn") && text.contains("“qua-lon.csv” lớn hơn giới hạn 8 KB"), "{text}");
    let kept: i64 = {
        use boiduong::db::schema::import_uploads::dsl::*;
        use diesel::{QueryDsl, RunQueryDsl};
        import_uploads.count().get_result(&mut app.conn()).unwrap()
    };
    assert_eq!(kept, 0, "nothing of it is kept");

    let png =
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
            .to_vec();
    let (status, body) = upload(&staff, class, "anh.png", png.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&body).contains("Chỉ nhận tệp .xlsx, .csv hoặc .txt."));
    let (status, body) = upload(&staff, class, "anh.csv", png).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&body).contains("Không đọc được tệp"), "{}", main_text(&body));
    let (status, body) = upload(&staff, class, "thieu-cot.csv", "Họ và tên;Ngày sinh\nA;01/01/2000\n".into()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = main_text(&body);
    assert!(text.contains("Thiếu cột “Chi bộ”.") && text.contains("Cần có cột “Số CCCD” hoặc cột “Email”"), "{text}");

    // The templates read back as a roster, and their example row is not imported by mistake.
    for (path, name) in [("template.xlsx", "mau.xlsx"), ("template.csv", "mau.csv")] {
        let res = staff.get(&format!("/classes/{class}/import/{path}")).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let bytes = res.bytes().await.unwrap().to_vec();
        let table = boiduong::import::read(&bytes).unwrap();
        let expected: Vec<String> =
            boiduong::import::roster::Column::ALL.iter().map(|c| c.header().to_owned()).collect();
        assert_eq!(table.headers, expected, "{path}");
        let (status, body) = upload(&staff, class, name, bytes).await;
        assert_eq!(status, StatusCode::OK);
        assert!(main_text(&body).contains("Đây là dòng ví dụ của tệp mẫu"), "{path}: {}", main_text(&body));
    }

    // Secretaries do not import.
    let secretary = app.login(SECRETARY).await;
    let (status, _) = upload(&secretary, class, "x.csv", b"a".to_vec()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_command_line_previews_then_commits_a_roster() {
    let app = spawn_app().await;
    let class = class_with_status(&app, "NTVD", 60, "nominating");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("danh-sach.csv");
    let mut rows = three();
    rows.push(["Sai Số", "01/01/2000", "Nam", "Huế", "123", "", "", "Chi bộ Sở Y tế"].map(String::from));
    std::fs::write(&file, windows_1258(&csv_text(&HEADERS, &rows, b','))).unwrap();
    let run = |commit: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_boiduong"));
        cmd.current_dir(dir.path())
            .env("BOIDUONG_DATABASE_URL", &app.config.database_url)
            .env("BOIDUONG_OUTBOX_DIR", &app.config.outbox_dir)
            .env("BOIDUONG_LOG", "warn")
            .args(["import", "roster", file.to_str().unwrap(), "--class", &class.to_string()]);
        if commit {
            cmd.arg("--commit");
        }
        let out = cmd.output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, out, err) = run(false);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("Tệp CSV, mã Windows-1258") && out.contains("Số dòng: 4"), "{out}");
    assert!(out.contains("Dòng 5") && out.contains("Số CCCD “123” không hợp lệ"), "{out}");
    assert!(out.contains("--commit"), "says how to commit: {out}");
    assert!(person_by_citizen_id(&app, "054198700001").is_none(), "a preview saves nothing");

    let (ok, out, err) = run(true);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("Đã nhập: 3 người mới"), "{out}");
    assert_eq!(person_by_citizen_id(&app, "054198700001").unwrap().full_name, "Trần Thị Ngọc Ánh");
    assert_eq!(enrolments::enrolled_count(&mut app.conn(), class).unwrap(), 3);
    let (ok, out, _) = run(true);
    assert!(ok && out.contains("Đã nhập: 0 người mới"), "the same file again adds nothing: {out}");
    assert_eq!(enrolments::enrolled_count(&mut app.conn(), class).unwrap(), 3);

    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_boiduong"));
    let out = cmd
        .current_dir(dir.path())
        .env("BOIDUONG_DATABASE_URL", &app.config.database_url)
        .args(["import", "roster", "khong-co.csv", "--class", &class.to_string()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Không đọc được tệp khong-co.csv"));
}

#[tokio::test]
async fn the_sample_roster_files_show_one_wrong_citizen_id_and_one_person_twice() {
    let app = spawn_app().await;
    let class = class_with_status(&app, "NTVD", 60, "nominating");
    let staff = app.login(STAFF).await;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for path in [boiduong::demo::SAMPLE_ROSTER_XLSX, boiduong::demo::SAMPLE_ROSTER_CSV] {
        let (status, body) = upload(&staff, class, path, std::fs::read(root.join(path)).unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let text = main_text(&body);
        assert!(text.contains("Số dòng 24") && text.contains("Dòng có lỗi 2"), "{path}: {text}");
        assert!(text.contains("Số CCCD “05409650002” không hợp lệ") && text.contains("Trùng với dòng 4"), "{text}");
        assert!(text.contains("Xác nhận nhập 22 học viên") && text.contains("Ngọc Byă"), "{text}");
    }
    assert!(app.anonymous().get("/assets/demo/danh-sach-hoc-vien-mau.csv").await.status() == StatusCode::NOT_FOUND);
}
