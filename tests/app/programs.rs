use reqwest::StatusCode;

use crate::helpers::*;
use boiduong::store::programs;

fn ntvd_id(app: &TestApp) -> i64 {
    programs::all(&mut app.conn()).unwrap().into_iter().find(|p| p.code == "NTVD").unwrap().id
}

/// The edit form's current values, as a browser would submit them.
fn form_of(app: &TestApp, id: i64) -> Vec<(String, String)> {
    let mut conn = app.conn();
    let p = programs::find(&mut conn, id).unwrap();
    let lessons = programs::lessons_of(&mut conn, id).unwrap();
    let mut f: Vec<(String, String)> = vec![
        ("name".into(), p.name),
        ("short_name".into(), p.short_name),
        ("max_absence_ratio".into(), "0.20".into()),
        ("pass_mark".into(), "5.0".into()),
        ("band_excellent".into(), "9.0".into()),
        ("band_good".into(), "8.0".into()),
        ("band_fair".into(), "7.0".into()),
        ("band_average".into(), "5.0".into()),
        ("resits_allowed".into(), "1".into()),
        ("certificate_validity_months".into(), "60".into()),
        ("default_sessions".into(), "10".into()),
        ("certificate_wording".into(), p.certificate_wording),
    ];
    for (i, l) in lessons.iter().enumerate() {
        f.push((format!("lesson_id_{i}"), l.id.to_string()));
        f.push((format!("lesson_title_{i}"), l.title.clone()));
        f.push((format!("lesson_required_{i}"), "on".into()));
        f.push((format!("lesson_periods_{i}"), l.periods.to_string()));
        f.push((format!("lesson_kind_{i}"), l.kind.clone()));
    }
    f
}

async fn post(browser: &Browser, path: &str, fields: &[(String, String)]) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    browser.post(path, &pairs).await
}

#[tokio::test]
async fn programs_are_seeded_with_official_lessons_and_default_rules() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let (status, body) = staff.page("/programs").await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&body);
    assert!(text.contains("Lớp bồi dưỡng nhận thức về Đảng"));
    assert!(text.contains("Lớp bồi dưỡng lý luận chính trị dành cho đảng viên mới"));
    let id = ntvd_id(&app);
    let (_, body) = staff.page(&format!("/programs/{id}")).await;
    let text = main_text(&body);
    assert!(text.contains("Khái quát lịch sử Đảng Cộng sản Việt Nam"), "{text}");
    assert!(text.contains("Phấn đấu trở thành đảng viên Đảng Cộng sản Việt Nam"));
    // Numbers the Vietnamese way (this page showed "0.20" and "9.0" before), lessons from "Bài 1".
    assert!(text.contains("20%") && text.contains("60 tháng") && text.contains("từ 9,0 điểm"), "{text}");
    assert!(text.contains("Điểm đạt 5,0"), "{text}");
    assert!(text.contains("Bài 1. Khái quát lịch sử Đảng Cộng sản Việt Nam"), "{text}");
    assert!(text.contains("Bài 5. Phấn đấu trở thành đảng viên Đảng Cộng sản Việt Nam"), "{text}");
    assert!(!text.contains("Bài 0") && !text.contains("Bài 6"), "{text}");
    assert!(!body.contains(&format!("/programs/{id}/edit")), "staff cannot edit");
    let (status, _) = staff.page(&format!("/programs/{id}/edit")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn admin_edits_rules_and_lessons() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let id = ntvd_id(&app);
    let lesson_count = programs::lessons_of(&mut app.conn(), id).unwrap().len();
    // The demo school's classes have sessions of every official lesson: those stay.
    let mut form = form_of(&app, id);
    form.push(("lesson_remove_0".into(), "on".into()));
    let res = post(&admin, &format!("/programs/{id}"), &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("Không bỏ được bài đã có buổi học"));

    // A lesson without sessions is added, then removed while another is added.
    let mut form = form_of(&app, id);
    form.push((format!("lesson_id_{lesson_count}"), String::new()));
    form.push((format!("lesson_title_{lesson_count}"), "Chuyên đề cũ".into()));
    assert_redirect(&post(&admin, &format!("/programs/{id}"), &form).await, &format!("/programs/{id}"));
    let mut form = form_of(&app, id);
    form.retain(|(k, _)| k != "max_absence_ratio" && k != "certificate_validity_months");
    form.push(("max_absence_ratio".into(), "0,25".into()));
    form.push(("certificate_validity_months".into(), "48".into()));
    form.push((format!("lesson_id_{}", lesson_count + 1), String::new()));
    form.push((format!("lesson_title_{}", lesson_count + 1), "Lịch sử Đảng bộ tỉnh Đắk Lắk".into()));
    form.push((format!("lesson_remove_{lesson_count}"), "on".into()));
    let res = post(&admin, &format!("/programs/{id}"), &form).await;
    assert_redirect(&res, &format!("/programs/{id}"));

    let mut conn = app.conn();
    let program = programs::find(&mut conn, id).unwrap();
    assert_eq!(program.max_absence_permille, 250);
    assert_eq!(program.certificate_validity_months, Some(48));
    let lessons = programs::lessons_of(&mut conn, id).unwrap();
    assert_eq!(lessons.len(), lesson_count + 1, "one added, then one removed and one added");
    assert!(!lessons.iter().any(|l| l.title == "Chuyên đề cũ"));
    assert_eq!(lessons.last().unwrap().title, "Lịch sử Đảng bộ tỉnh Đắk Lắk");
    assert!(!lessons.last().unwrap().required);

    let (_, body) = admin.page(&format!("/audit?entity=program&id={id}")).await;
    let text = main_text(&body);
    assert!(
        text.contains("Quản trị hệ thống đã sửa chương trình Lớp bồi dưỡng nhận thức về Đảng: Tỷ lệ vắng tối đa: 20% → 25%; Thời hạn giấy chứng nhận: 60 tháng → 48 tháng; Các bài: bỏ «Chuyên đề cũ»; Các bài: thêm «Lịch sử Đảng bộ tỉnh Đắk Lắk»."),
        "the change reads as a sentence in the audit log: {text}"
    );
}

#[tokio::test]
async fn the_edit_form_shows_numbers_the_vietnamese_way_and_fits_a_phone() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let id = ntvd_id(&app);
    let (status, body) = admin.page(&format!("/programs/{id}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    for value in ["value=\"20%\"", "value=\"5,0\"", "value=\"9,0\"", "value=\"8,0\"", "value=\"60\""] {
        assert!(body.contains(value), "{value}");
    }
    let text = main_text(&body);
    assert!(text.contains("Bài 1 ") && text.contains("Bài 5 "), "lessons are numbered from 1: {text}");
    assert!(text.contains("Bài 6 (thêm mới)"), "{text}");
    assert!(!text.contains("Bài 0"), "nothing is numbered from 0");
    // The first lesson's title field is labelled "Bài 1" and keeps its row's field name.
    assert!(body.contains("<label for=\"lesson_title_0\">Bài 1</label>"), "{body}");
    assert!(!body.contains("<table"), "lessons are stacked cards, not a table wider than a phone");
}

#[tokio::test]
async fn ratios_and_scores_are_typed_the_vietnamese_way() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let id = ntvd_id(&app);
    let with = |changes: &[(&str, &str)]| {
        let mut form = form_of(&app, id);
        form.retain(|(k, _)| !changes.iter().any(|(c, _)| c == k));
        form.extend(changes.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        form
    };
    // Every way the form takes a ratio, the old fractions included.
    for (typed, permille) in [("12,5%", 125), ("20", 200), ("0,3", 300), ("0.20", 200), ("1", 1000), ("25 %", 250)] {
        let res = post(&admin, &format!("/programs/{id}"), &with(&[("max_absence_ratio", typed)])).await;
        assert_redirect(&res, &format!("/programs/{id}"));
        assert_eq!(programs::find(&mut app.conn(), id).unwrap().max_absence_permille, permille, "{typed}");
    }
    let res = post(
        &admin,
        &format!("/programs/{id}"),
        &with(&[
            ("max_absence_ratio", "12,5%"),
            ("pass_mark", "5,5"),
            ("band_average", "5.5"),
            ("band_excellent", "9"),
        ]),
    )
    .await;
    assert_redirect(&res, &format!("/programs/{id}"));
    let program = programs::find(&mut app.conn(), id).unwrap();
    assert_eq!((program.pass_mark_tenths, program.band_average_tenths, program.band_excellent_tenths), (55, 55, 90));
    let (_, body) = admin.page(&format!("/programs/{id}")).await;
    let text = main_text(&body);
    assert!(text.contains("Tỷ lệ vắng tối đa 12,5%") && text.contains("Điểm đạt 5,5"), "{text}");
    assert!(text.contains("từ 5,5 điểm"), "{text}");
    let (_, body) = admin.page("/programs").await;
    assert!(main_text(&body).contains("12,5%"));
    assert!(body.contains("<table class=\"rows\">") && body.contains("data-label=\"Điểm đạt\""), "cards on a phone");
}

#[tokio::test]
async fn inconsistent_rules_are_refused_and_nothing_changes() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN).await;
    let id = ntvd_id(&app);
    let before = programs::find(&mut app.conn(), id).unwrap();
    for (field, value, message) in [
        ("band_good", "9.5", "Ngưỡng xếp loại phải giảm dần"),
        // "1,5" now reads as 1,5%, so an out-of-range ratio is typed as a percentage.
        ("max_absence_ratio", "150%", "Tỷ lệ vắng tối đa phải từ 0% đến 100%"),
        ("max_absence_ratio", "hai mươi", "Tỷ lệ vắng tối đa phải từ 0% đến 100%"),
        ("pass_mark", "8,55", "Điểm phải từ 0 đến 10"),
        ("pass_mark", "abc", "Điểm phải từ 0 đến 10"),
        ("certificate_validity_months", "-3", "Thời hạn giấy chứng nhận"),
        ("name", "", "Trường bắt buộc"),
    ] {
        let mut form = form_of(&app, id);
        form.retain(|(k, _)| k != field);
        form.push((field.into(), value.into()));
        let res = post(&admin, &format!("/programs/{id}"), &form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}={value}");
        let body = res.text().await.unwrap();
        assert!(body.contains(message), "{field}: expected «{message}»");
        assert!(body.contains(&format!("value=\"{value}\"")) || value.is_empty(), "typed value kept for {field}");
    }
    assert_eq!(programs::find(&mut app.conn(), id).unwrap(), before);
}
