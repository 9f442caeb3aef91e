//! The learner's portal: the home page shows the learner's own next sessions, current classes
//! and certificates, and nothing of anyone else's; the certificates page gives the link to share.

use boiduong::store::sessions::SessionFilter;
use boiduong::store::{calendar, certificates, sessions, users};
use reqwest::StatusCode;
use time::Duration;

use crate::helpers::*;

#[tokio::test]
async fn the_learner_home_shows_own_next_sessions_and_no_one_elses() {
    let app = spawn_app().await;
    let today = app.config.clock.today();
    let person = users::find_by_email(&mut app.conn(), LEARNER).unwrap().unwrap().person_id.unwrap();
    let own_classes = calendar::classes_of_learner(&mut app.conn(), person).unwrap();
    let window = |ids: Option<Vec<i64>>| {
        sessions::between(
            &mut app.conn(),
            today,
            today + Duration::days(60),
            &SessionFilter { class_ids: ids, ..Default::default() },
        )
        .unwrap()
    };
    let own = window(Some(own_classes.clone()));
    let first = own.first().expect("the demo learner has sessions coming");
    let name_of = |s: &sessions::SessionView| format!("{} {}", s.program_short_name, s.class_name);

    let learner = app.login(LEARNER).await;
    let (status, html) = learner.page("/").await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&html);
    assert!(text.contains("Buổi học sắp tới"), "{text}");
    assert!(text.contains(&first.session.title) && text.contains(&name_of(first)), "{text}");
    let own_names: Vec<String> = own.iter().map(name_of).collect();
    for other in window(None).iter().filter(|s| !own_classes.contains(&s.session.class_id)) {
        let name = name_of(other);
        if !own_names.contains(&name) {
            assert!(!text.contains(&name), "another class's session shows: {name}");
        }
    }
    assert!(html.contains("href=\"/calendar/feeds\""), "the link to add the timetable to a phone");
}

#[tokio::test]
async fn a_learners_certificate_carries_the_link_to_share() {
    let app = spawn_app().await;
    let person = users::find_by_email(&mut app.conn(), LEARNER).unwrap().unwrap().person_id.unwrap();
    let valid: Vec<_> =
        certificates::of_person(&mut app.conn(), person).unwrap().into_iter().filter(|c| c.status == "valid").collect();
    // The demo learner's certificate of five years ago has just expired: still theirs to show.
    let cert = valid.first().expect("the demo learner holds a certificate");
    let learner = app.login(LEARNER).await;
    let (status, html) = learner.page("/me/certificates").await;
    assert_eq!(status, StatusCode::OK);
    let url = format!("{}/verify/{}", app.config.public_url.trim_end_matches('/'), cert.code);
    assert!(html.contains(&format!("value=\"{url}\"")), "the full verification address to copy");
    let (_, home) = learner.page("/").await;
    assert!(main_text(&home).contains(&cert.register_number()), "the home page lists the certificate");
}

#[tokio::test]
async fn the_learner_home_says_what_is_still_missing_for_admission() {
    let app = spawn_app().await;
    let person = users::find_by_email(&mut app.conn(), LEARNER).unwrap().unwrap().person_id.unwrap();
    let today = app.config.clock.today();
    let checklist =
        boiduong::store::readiness::checklist(&mut app.conn(), &boiduong::store::Scope::All, person, today).unwrap();
    let missing: Vec<&str> = checklist
        .computed
        .rows
        .iter()
        .filter(|r| r.required && r.before_meeting && r.state == boiduong::domain::readiness::RowState::Missing)
        .map(|r| r.label.as_str())
        .collect();
    assert!(!missing.is_empty(), "the demo learner's dossier is not complete");
    let expired: Vec<&str> = checklist
        .computed
        .rows
        .iter()
        .filter(|r| r.required && r.before_meeting && r.state == boiduong::domain::readiness::RowState::Expired)
        .map(|r| r.label.as_str())
        .collect();
    let learner = app.login(LEARNER).await;
    let (_, html) = learner.page("/").await;
    let text = main_text(&html);
    assert!(text.contains("Hồ sơ kết nạp Đảng của tôi"), "{text}");
    for label in &missing {
        assert!(text.contains(label), "missing step {label} is named: {text}");
    }
    // The demo learner's awareness certificate of five years ago has expired.
    assert!(!expired.is_empty());
    for label in &expired {
        assert!(text.contains(&format!("{label} (hết hạn)")), "expired step {label} is named so: {text}");
    }
    let done: Vec<&str> = checklist
        .computed
        .rows
        .iter()
        .filter(|r| r.state == boiduong::domain::readiness::RowState::Done)
        .map(|r| r.label.as_str())
        .filter(|l| !missing.iter().any(|m| m.contains(l) || l.contains(m)))
        .collect();
    let card = text.split("Hồ sơ kết nạp Đảng của tôi").nth(1).unwrap();
    for label in done {
        assert!(!card.contains(label), "a done step is not listed as missing: {label}");
    }
}
