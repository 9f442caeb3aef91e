//! Certificates: issuing from locked results (once, gap-free under concurrent requests), the PDF
//! read back by a PDF library (the full Vietnamese name, the QR code), the email through a real
//! SMTP server carrying the stored PDF, the public verification page (valid, expired to the day,
//! revoked, superseded, unknown, rate-limited), revoking and reissuing, the register and the
//! learner's own downloads.

use std::collections::HashSet;
use std::io::Read;

use boiduong::db::schema::{assessments, certificates as certs_t, classes, outbox, people as people_t};
use boiduong::domain::class::ClassStatus;
use boiduong::domain::enrolment::EnrolmentStatus;
use boiduong::store::certificates::{self, Certificate};
use boiduong::store::classes::ClassFilter;
use boiduong::store::{Scope, enrolments, users};
use diesel::prelude::*;
use mail_parser::MimeHeaders;
use reqwest::StatusCode;
use unicode_normalization::UnicodeNormalization;

use crate::helpers::*;
use crate::smtp::SmtpServer;

#[allow(dead_code)]
#[path = "../../src/pdf/inspect.rs"]
mod inspect;

/// The demo class with this status (and program).
fn demo_class(app: &TestApp, status: ClassStatus, program: &str) -> i64 {
    let list =
        boiduong::store::classes::list(&mut app.conn(), &ClassFilter { status: Some(status), ..Default::default() })
            .unwrap();
    list.into_iter().find(|c| c.program_code == program).expect("the demo has this class").id
}

/// Enters the essay for every enrolled learner of a class — the first fails (3,0), the second
/// is absent, the others score 8,0 — and locks the results.
fn lock_with_scores(app: &TestApp, class_id: i64) -> Vec<i64> {
    let mut c = app.conn();
    let roster = enrolments::roster(&mut c, class_id, &[EnrolmentStatus::Enrolled], &Scope::All).unwrap();
    let now = time::OffsetDateTime::now_utc();
    let now = time::PrimitiveDateTime::new(now.date(), now.time());
    diesel::delete(assessments::table.filter(assessments::enrolment_id.eq_any(roster.iter().map(|l| l.enrolment.id))))
        .execute(&mut *c)
        .unwrap();
    for (i, line) in roster.iter().enumerate() {
        let (outcome, score) = match i {
            0 => ("scored", Some(30)),
            1 => ("absent", None),
            _ => ("scored", Some(80)),
        };
        diesel::insert_into(assessments::table)
            .values((
                assessments::enrolment_id.eq(line.enrolment.id),
                assessments::attempt.eq(1),
                assessments::outcome.eq(outcome),
                assessments::score_tenths.eq(score),
                assessments::entered_at.eq(now),
                assessments::version.eq(1),
            ))
            .execute(&mut *c)
            .unwrap();
    }
    diesel::update(classes::table.find(class_id))
        .set((classes::status.eq("locked"), classes::results_locked_at.eq(Some(now))))
        .execute(&mut *c)
        .unwrap();
    roster.iter().map(|l| l.enrolment.id).collect()
}

/// Enrolments of the class that pass (as the store sees it).
fn passing(app: &TestApp, class_id: i64) -> HashSet<i64> {
    certificates::candidates(&mut app.conn(), class_id)
        .unwrap()
        .into_iter()
        .filter(|c| c.result.passed())
        .map(|c| c.enrolment_id)
        .collect()
}

fn of_class(app: &TestApp, class_id: i64) -> Vec<Certificate> {
    certificates::of_class(&mut app.conn(), class_id).unwrap()
}

fn valid_of_class(app: &TestApp, class_id: i64) -> Vec<Certificate> {
    of_class(app, class_id).into_iter().filter(|c| c.status == "valid").collect()
}

/// Every number of an issuer's register for a year is there once, from 1 on.
fn assert_gap_free(app: &TestApp, issuer_id: i64, year: i32) {
    let numbers: Vec<i32> =
        certificates::register(&mut app.conn(), issuer_id, year).unwrap().iter().map(|c| c.number).collect();
    let expected: Vec<i32> = (1..=numbers.len() as i32).collect();
    assert_eq!(numbers, expected, "register {issuer_id}/{year} has a gap or a duplicate");
}

fn verify_path(c: &Certificate) -> String {
    format!("/verify/{}", c.code)
}

#[tokio::test]
async fn issuing_needs_locked_results_shows_a_preview_and_twice_gives_the_same() {
    let app = spawn_app().await;
    let staff = app.login(STAFF).await;
    let class = demo_class(&app, ClassStatus::Assessing, "DVM");

    // Not locked yet: the page says so and issuing is refused.
    let (status, html) = staff.page(&format!("/classes/{class}/certificates")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(main_text(&html).contains("chưa được khóa"), "{}", main_text(&html));
    staff.post(&format!("/classes/{class}/certificates"), &[]).await;
    assert!(of_class(&app, class).is_empty());

    let roster = lock_with_scores(&app, class);
    let pass = passing(&app, class);
    assert!(!pass.is_empty() && pass.len() <= roster.len() - 2, "{} of {}", pass.len(), roster.len());

    // The preview: who passes, who does not and why, a sample PDF.
    let (_, html) = staff.page(&format!("/classes/{class}/certificates")).await;
    let text = main_text(&html);
    assert!(text.contains(&format!("Cấp giấy chứng nhận cho {} học viên", pass.len())), "{text}");
    assert!(text.contains("Không đạt (3,0 điểm)"), "{text}");
    assert!(text.contains("Vắng thu hoạch"), "{text}");
    let sample = staff.get(&format!("/classes/{class}/certificates/sample.pdf")).await;
    assert_eq!(sample.status(), StatusCode::OK);
    assert_eq!(sample.headers()["content-type"], "application/pdf");
    assert!(sample.bytes().await.unwrap().starts_with(b"%PDF-"));
    assert!(of_class(&app, class).is_empty(), "a sample allocates nothing");

    let res = staff.post(&format!("/classes/{class}/certificates"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let first = valid_of_class(&app, class);
    assert_eq!(first.iter().map(|c| c.enrolment_id).collect::<HashSet<_>>(), pass);
    for c in &first {
        assert_eq!(c.sha256, certificates::sha256_hex(&certificates::pdf_bytes(&mut app.conn(), c.id).unwrap()));
        assert_eq!(c.code.len(), 16);
    }

    staff.post(&format!("/classes/{class}/certificates"), &[]).await;
    let second = valid_of_class(&app, class);
    let ids = |l: &[Certificate]| l.iter().map(|c| (c.id, c.number, c.code.clone())).collect::<Vec<_>>();
    assert_eq!(ids(&first), ids(&second), "running it again issues nothing new");
    assert_gap_free(&app, first[0].issuer_id, first[0].year);

    // The class's ZIP holds each valid certificate's stored PDF.
    let res = staff.get(&format!("/classes/{class}/certificates.zip")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(archive.len(), first.len());
    let mut entry = archive.by_index(0).unwrap();
    let entry_name = entry.name().unwrap().to_string();
    assert!(entry_name.ends_with(".pdf"), "{entry_name}");
    let mut pdf = Vec::new();
    entry.read_to_end(&mut pdf).unwrap();
    assert!(first.iter().any(|c| certificates::pdf_bytes(&mut app.conn(), c.id).unwrap() == pdf));

    // The register shows every number, and downloads as PDF and XLSX.
    let base = format!("/certificates/register/{}/{}", first[0].issuer_id, first[0].year);
    let (status, html) = staff.page(&base).await;
    assert_eq!(status, StatusCode::OK);
    assert!(main_text(&html).contains(&first[0].register_number()));
    for (suffix, kind) in [("pdf", "application/pdf"), ("xlsx", "application/vnd.openxmlformats")] {
        let res = staff.get(&format!("{base}.{suffix}")).await;
        assert_eq!(res.status(), StatusCode::OK, "{suffix}");
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with(kind));
    }
}

#[tokio::test]
async fn concurrent_issuing_leaves_no_gap_and_no_duplicate() {
    let app = spawn_app().await;
    let a = demo_class(&app, ClassStatus::Assessing, "DVM");
    let b = demo_class(&app, ClassStatus::Running, "NTVD");
    let issuer: i64 = classes::table.find(a).select(classes::issuer_id).first(&mut *app.conn()).unwrap();
    diesel::update(classes::table.find(b)).set(classes::issuer_id.eq(issuer)).execute(&mut *app.conn()).unwrap();
    lock_with_scores(&app, a);
    lock_with_scores(&app, b);
    let (pass_a, pass_b) = (passing(&app, a), passing(&app, b));

    let one = app.login(STAFF).await;
    let two = app.login(ADMIN).await;
    let (pa, pb) = (format!("/classes/{a}/certificates"), format!("/classes/{b}/certificates"));
    let (r1, r2, r3, r4) = tokio::join!(one.post(&pa, &[]), two.post(&pa, &[]), one.post(&pb, &[]), two.post(&pb, &[]));
    for r in [r1, r2, r3, r4] {
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let (ca, cb) = (valid_of_class(&app, a), valid_of_class(&app, b));
    assert_eq!(ca.len(), pass_a.len(), "one certificate per passing learner");
    assert_eq!(cb.len(), pass_b.len());
    let year = ca[0].year;
    assert_gap_free(&app, issuer, year);
    let register = certificates::register(&mut app.conn(), issuer, year).unwrap();
    let enrolments: HashSet<i64> = register.iter().filter(|c| c.status == "valid").map(|c| c.enrolment_id).collect();
    assert_eq!(enrolments.len(), register.iter().filter(|c| c.status == "valid").count());
}

#[tokio::test]
async fn the_pdf_carries_the_exact_name_and_a_qr_code_of_the_verification_url() {
    let app = spawn_app().await;
    let class = demo_class(&app, ClassStatus::Running, "NTVD");
    lock_with_scores(&app, class);
    let pass: Vec<i64> = passing(&app, class).into_iter().collect();
    let enrolment = enrolments::find(&mut app.conn(), &Scope::All, pass[0]).unwrap();
    // A name typed with decomposed marks, stored as typed.
    let name = "Đặng Thị Hồng Nhung";
    let typed: String = name.nfd().collect();
    assert_ne!(typed, name);
    diesel::update(people_t::table.find(enrolment.person_id))
        .set(people_t::full_name.eq(&typed))
        .execute(&mut *app.conn())
        .unwrap();

    let staff = app.login(STAFF).await;
    staff.post(&format!("/classes/{class}/certificates"), &[]).await;
    let cert = valid_of_class(&app, class).into_iter().find(|c| c.enrolment_id == enrolment.id).unwrap();
    let res = staff.get(&format!("/certificates/{}.pdf", cert.id)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let pdf = res.bytes().await.unwrap().to_vec();
    assert_eq!(pdf, certificates::pdf_bytes(&mut app.conn(), cert.id).unwrap(), "the stored file");

    let text = inspect::text(&pdf);
    assert!(text.contains(name), "{text}");
    assert!(!text.contains(&typed));
    assert!(text.contains(&cert.register_number()), "{text}");

    let url = format!("{}/verify/{}", app.config.public_url.trim_end_matches('/'), cert.code);
    let rects = inspect::filled_rects(&pdf, 1);
    assert_eq!(inspect::decode_qr(&rects, 4.0, 12.0), vec![url]);

    // The code opens the verification page, masked name and all.
    let (status, html) = app.anonymous().page(&verify_path(&cert)).await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&html);
    assert!(text.contains("Còn hiệu lực") && text.contains("Đặng T. H. N."), "{text}");
    assert!(!text.contains(name), "the public page shows the masked name only");
    assert!(text.contains(&cert.sha256));
}

#[tokio::test]
async fn the_learner_email_carries_the_stored_pdf_through_smtp() {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let app = spawn_app_with(move |c| c.smtp_url = url).await;
    // The demo issues the closed class's certificates; the worker sends them on start.
    let class = demo_class(&app, ClassStatus::Closed, "NTVD");
    let cert = valid_of_class(&app, class)
        .into_iter()
        .find(|c| {
            let person = boiduong::store::people::find(&mut app.conn(), &Scope::All, c.person_id).unwrap();
            person.email.is_some()
        })
        .expect("a demo learner with an email");
    let email = boiduong::store::people::find(&mut app.conn(), &Scope::All, cert.person_id).unwrap().email.unwrap();
    let received: Vec<_> = smtp
        .wait_for_subject(&email, "Giấy chứng nhận", 30)
        .await
        .into_iter()
        .filter(|m| m.parsed().subject().is_some_and(|s| s.ends_with(&cert.register_number())))
        .collect();
    assert_eq!(received.len(), 1, "one email per certificate");
    let message = received[0].parsed();
    let attachment = message.attachments().next().expect("the PDF is attached");
    assert_eq!(attachment.attachment_name(), Some(cert.file_name().as_str()));
    assert_eq!(attachment.contents(), certificates::pdf_bytes(&mut app.conn(), cert.id).unwrap().as_slice());
    let row: String = outbox::table
        .filter(outbox::message_key.eq(format!("certificate-issued:{}", cert.id)))
        .select(outbox::attachment_kind.assume_not_null())
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(row, "certificate");

    // Shown as emailed once the server accepted it.
    let staff = app.login(STAFF).await;
    for _ in 0..100 {
        let sent = certificates::emailed(&mut app.conn(), &[cert.id]).unwrap();
        if sent.get(&cert.id) == Some(&true) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (_, html) = staff.page(&format!("/classes/{class}/certificates")).await;
    assert!(main_text(&html).contains("Đã gửi thư"));
}

#[tokio::test]
async fn an_awareness_certificate_expires_on_the_day_sixty_months_later() {
    let app = spawn_app().await;
    let class = demo_class(&app, ClassStatus::Closed, "NTVD");
    let cert = valid_of_class(&app, class).into_iter().next().unwrap();
    let expires = cert.expires_on.expect("NTVD certificates expire");
    assert_eq!(expires, boiduong::domain::person::add_months(cert.issued_on, 60));
    let today = app.config.clock.today();
    let days = (expires - today).whole_days() - 1;
    app.advance(std::time::Duration::from_secs(days as u64 * 86_400));
    assert_eq!(app.config.clock.today(), expires - time::Duration::days(1));
    let visitor = app.anonymous();
    let (_, html) = visitor.page(&verify_path(&cert)).await;
    assert!(main_text(&html).contains("Còn hiệu lực"), "the day before: {}", main_text(&html));
    app.advance(std::time::Duration::from_secs(86_400));
    let (status, html) = visitor.page(&verify_path(&cert)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(main_text(&html).contains("Hết hiệu lực"), "on the day: {}", main_text(&html));
}

#[tokio::test]
async fn reminders_go_once_ninety_days_before_expiry() {
    let app = spawn_app().await;
    let today = app.config.clock.today();
    let due: Vec<Certificate> = certs_t::table
        .filter(certs_t::status.eq("valid"))
        .filter(certs_t::expires_on.gt(today))
        .filter(certs_t::expires_on.le(today + time::Duration::days(90)))
        .select(Certificate::as_select())
        .load(&mut *app.conn())
        .unwrap();
    assert!(!due.is_empty(), "the demo has certificates expiring within 90 days");
    // The worker queued them when it started; a second run queues nothing.
    let key = format!("certificate-expiry:{}:learner", due[0].id);
    let mut found = false;
    for _ in 0..100 {
        let n: i64 = outbox::table.filter(outbox::message_key.eq(&key)).count().get_result(&mut *app.conn()).unwrap();
        if n == 1 {
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(found, "reminder {key} queued");
    assert_eq!(certificates::queue_reminders(&mut app.conn(), "test.vn", today).unwrap(), 0);
    // An expired one is not reminded.
    let expired: Vec<i64> =
        certs_t::table.filter(certs_t::expires_on.le(today)).select(certs_t::id).load(&mut *app.conn()).unwrap();
    assert!(!expired.is_empty(), "the demo has an expired certificate");
    let n: i64 = outbox::table
        .filter(outbox::message_key.eq(format!("certificate-expiry:{}:learner", expired[0])))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn revoked_and_superseded_certificates_say_so_publicly() {
    let app = spawn_app().await;
    let class = demo_class(&app, ClassStatus::Closed, "NTVD");
    let all = of_class(&app, class);
    let revoked = all.iter().find(|c| c.status == "revoked").expect("the demo revoked one");
    let old = all.iter().find(|c| c.status == "superseded").expect("the demo reissued one");
    let new = all.iter().find(|c| Some(c.id) == old.superseded_by_id).unwrap();
    assert_eq!(new.reissue_of_id, Some(old.id));
    assert_ne!(new.number, old.number);

    let visitor = app.anonymous();
    let (status, html) = visitor.page(&verify_path(revoked)).await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&html);
    assert!(text.contains("Đã thu hồi"), "{text}");
    assert!(text.contains(revoked.revoked_reason.as_deref().unwrap()), "{text}");
    let (_, html) = visitor.page(&verify_path(old)).await;
    let text = main_text(&html);
    assert!(text.contains("Đã được cấp lại"), "{text}");
    assert!(text.contains(&format!("giấy số {}", new.register_number())), "{text}");

    // Staff revoke: a reason is required (the form keeps what was typed), then it is revoked.
    let staff = app.login(STAFF).await;
    let target = valid_of_class(&app, class).into_iter().next().unwrap();
    let res = staff.post(&format!("/certificates/{}/revoke", target.id), &[("reason", "   ")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&res.text().await.unwrap()).contains("Nhập lý do thu hồi"));
    let res = staff.post(&format!("/certificates/{}/revoke", target.id), &[("reason", "Cấp nhầm người")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let after = certificates::find(&mut app.conn(), target.id).unwrap();
    assert_eq!(after.status, "revoked");
    assert_eq!(after.revoked_reason.as_deref(), Some("Cấp nhầm người"));

    // Reissue: a new number from the register, the old one superseded; both audited.
    let target = valid_of_class(&app, class).into_iter().next().unwrap();
    let res = staff.post(&format!("/certificates/{}/reissue", target.id), &[("reason", "lost"), ("note", "")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let old = certificates::find(&mut app.conn(), target.id).unwrap();
    assert_eq!(old.status, "superseded");
    let new = certificates::find(&mut app.conn(), old.superseded_by_id.unwrap()).unwrap();
    assert_eq!((new.status.as_str(), new.expires_on), ("valid", old.expires_on));
    assert_gap_free(&app, new.issuer_id, new.year);
    use boiduong::db::schema::audit_events;
    let actions: Vec<String> = audit_events::table
        .filter(audit_events::entity.eq("certificate"))
        .filter(audit_events::entity_id.eq_any([old.id, new.id, after.id]))
        .select(audit_events::action)
        .load(&mut *app.conn())
        .unwrap();
    for action in ["revoke", "reissue", "supersede"] {
        assert!(actions.iter().any(|a| a == action), "{action} audited: {actions:?}");
    }
}

#[tokio::test]
async fn an_unknown_code_is_a_404_like_any_other_and_lookups_are_limited() {
    let app = spawn_app().await;
    let visitor = app.anonymous();
    let (status, unknown) = visitor.page("/verify/ZZZZZZZZZZZZZZZZ").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(main_text(&unknown).contains("Không tìm thấy giấy chứng nhận"));
    let (status, garbage) = visitor.page("/verify/abc").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(main_text(&garbage), main_text(&unknown), "the same answer whatever the code");
    let logged: i64 =
        boiduong::db::schema::certificate_verifications::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(logged, 2, "every lookup is logged");
    for _ in 2..certificates::VERIFY_LIMIT {
        visitor.page("/verify/ZZZZZZZZZZZZZZZZ").await;
    }
    let res = visitor.get("/verify/ZZZZZZZZZZZZZZZZ").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn a_learner_downloads_their_own_certificate_only() {
    let app = spawn_app().await;
    let class = demo_class(&app, ClassStatus::Running, "NTVD");
    let learner_person = users::find_by_email(&mut app.conn(), LEARNER).unwrap().unwrap().person_id.unwrap();
    lock_with_scores(&app, class);
    // The demo learner passes, whatever their place on the roster.
    let own_enrolment = enrolments::of_person_in_class(&mut app.conn(), learner_person, class).unwrap().unwrap();
    diesel::update(assessments::table.filter(assessments::enrolment_id.eq(own_enrolment.id)))
        .set((assessments::outcome.eq("scored"), assessments::score_tenths.eq(Some(90))))
        .execute(&mut *app.conn())
        .unwrap();
    let staff = app.login(STAFF).await;
    staff.post(&format!("/classes/{class}/certificates"), &[]).await;
    let list = valid_of_class(&app, class);
    let own = list.iter().find(|c| c.person_id == learner_person).expect("the learner's certificate");
    let other = list.iter().find(|c| c.person_id != learner_person).unwrap();

    let learner = app.login(LEARNER).await;
    let (status, html) = learner.page("/me/certificates").await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&html);
    assert!(text.contains(&own.register_number()) && !text.contains(&other.register_number()), "{text}");
    let res = learner.get(&format!("/me/certificates/{}.pdf", own.id)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.bytes().await.unwrap().to_vec(), certificates::pdf_bytes(&mut app.conn(), own.id).unwrap());
    let res = learner.get(&format!("/me/certificates/{}.pdf", other.id)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = learner.get(&format!("/certificates/{}.pdf", other.id)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn two_reissues_of_one_certificate_at_once_make_one_new_certificate() {
    let app = spawn_app().await;
    let class = demo_class(&app, ClassStatus::Closed, "NTVD");
    let target = valid_of_class(&app, class).into_iter().next().unwrap();
    let (one, two) = (app.login(STAFF).await, app.login(ADMIN).await);
    let path = format!("/certificates/{}/reissue", target.id);
    let fields = [("reason", "error"), ("note", "Sai quê quán")];
    let (a, b) = tokio::join!(one.post(&path, &fields), two.post(&path, &fields));
    assert_eq!((a.status(), b.status()), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER));
    let reissues: Vec<Certificate> =
        of_class(&app, class).into_iter().filter(|c| c.reissue_of_id == Some(target.id)).collect();
    assert_eq!(reissues.len(), 1, "one new certificate");
    let old = certificates::find(&mut app.conn(), target.id).unwrap();
    assert_eq!(old.superseded_by_id, Some(reissues[0].id));
    assert_gap_free(&app, reissues[0].issuer_id, reissues[0].year);
}

#[tokio::test]
async fn a_code_typed_from_paper_finds_its_certificate() {
    let app = spawn_app().await;
    let class = demo_class(&app, ClassStatus::Closed, "NTVD");
    let cert = valid_of_class(&app, class).into_iter().next().unwrap();
    let visitor = app.anonymous();
    let (status, html) = visitor.page("/verify").await;
    assert_eq!(status, StatusCode::OK);
    assert!(main_text(&html).contains("Mã xác minh"));
    let typed = boiduong::domain::certificate::format_code(&cert.code).to_lowercase().replace('-', " ");
    let res = visitor.get(&format!("/verify?code={}", typed.replace(' ', "+"))).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/verify/{}", cert.code));
}

/// For the browser walk (which starts without the demo's classes): a locked awareness class
/// with the demo learner and two others, its certificates issued, one revoked and one
/// reissued, so every certificate page has a link to it.
pub async fn browser_fixture(app: &TestApp) {
    use boiduong::store::audit::Actor;
    use boiduong::store::classes::ClassInput;
    let mut c = app.conn();
    let actor = Actor::system("kiểm thử");
    let program = boiduong::store::programs::all(&mut c).unwrap().into_iter().find(|p| p.code == "NTVD").unwrap();
    let issuer = boiduong::store::issuers::all(&mut c).unwrap().into_iter().next().unwrap();
    let venue = boiduong::store::venues::venues(&mut c).unwrap().into_iter().next().unwrap();
    let today = app.config.clock.today();
    let first_day = today - time::Duration::days(40);
    let class = boiduong::store::classes::create(
        &mut c,
        &actor,
        &ClassInput {
            program_id: program.id,
            year: first_day.year(),
            ordinal: 9,
            issuer_id: issuer.id,
            co_org_unit_id: None,
            venue_id: venue.id,
            first_day,
            last_day: first_day + time::Duration::days(11),
            capacity: 30,
            opening_decision_no: "99-QĐ/TCT".into(),
            opening_decision_date: Some(first_day - time::Duration::days(14)),
            signer_delegation: issuer.signer_delegation.clone(),
            signer_title: issuer.signer_title.clone(),
            signer_name: issuer.signer_name.clone(),
        },
    )
    .unwrap();
    let learner = users::find_by_email(&mut c, LEARNER).unwrap().unwrap().person_id.unwrap();
    let query = boiduong::store::people::PeopleQuery {
        status: Some("candidate".into()),
        page: 1,
        per_page: 5,
        ..Default::default()
    };
    let others: Vec<i64> = boiduong::store::people::list(&mut c, &Scope::All, &query)
        .unwrap()
        .items
        .into_iter()
        .map(|p| p.id)
        .filter(|p| *p != learner)
        .take(4)
        .collect();
    for person in std::iter::once(learner).chain(others) {
        enrolments::enrol(&mut c, &actor, class, person, enrolments::SOURCE_STAFF, first_day).unwrap();
    }
    drop(c);
    lock_with_scores(app, class);
    let own = enrolments::of_person_in_class(&mut app.conn(), learner, class).unwrap().unwrap();
    diesel::update(assessments::table.filter(assessments::enrolment_id.eq(own.id)))
        .set((assessments::outcome.eq("scored"), assessments::score_tenths.eq(Some(90))))
        .execute(&mut *app.conn())
        .unwrap();
    let staff = app.login(STAFF).await;
    staff.post(&format!("/classes/{class}/certificates"), &[]).await;
    let issued = valid_of_class(app, class);
    assert!(issued.len() >= 2, "certificates for the walk");
    staff.post(&format!("/certificates/{}/revoke", issued[0].id), &[("reason", "Cấp nhầm lớp")]).await;
    staff.post(&format!("/certificates/{}/reissue", issued[1].id), &[("reason", "lost"), ("note", "")]).await;
}

#[tokio::test]
async fn a_certified_result_changes_only_after_its_certificate_is_revoked() {
    use boiduong::domain::results::{LineProblem, Outcome};
    use boiduong::store::results::{self, EntryInput};
    let app = spawn_app().await;
    let actor = boiduong::store::audit::Actor::system("kiểm thử");
    let today = app.config.clock.today();
    let now = boiduong::domain::dates::now();
    // A valid certificate of the demo's closed class, and the attempt it was issued from.
    let certificate: Certificate = certs_t::table
        .filter(certs_t::status.eq("valid"))
        .order(certs_t::id)
        .select(Certificate::as_select())
        .first(&mut app.conn())
        .unwrap();
    let (attempt, version): (i32, i32) = assessments::table
        .filter(assessments::enrolment_id.eq(certificate.enrolment_id))
        .order(assessments::attempt.desc())
        .select((assessments::attempt, assessments::version))
        .first(&mut app.conn())
        .unwrap();
    let line = EntryInput {
        enrolment_id: certificate.enrolment_id,
        attempt,
        outcome: Outcome::Scored(51),
        seen_version: version,
    };
    let refused = results::save(
        &mut app.conn(),
        &actor,
        certificate.class_id,
        std::slice::from_ref(&line),
        Some("Chấm nhầm"),
        now,
    )
    .unwrap()
    .expect_err("a certified result is not changed");
    assert_eq!(refused, vec![(certificate.enrolment_id, LineProblem::Certified)]);
    let stored: Option<i32> = assessments::table
        .filter(assessments::enrolment_id.eq(certificate.enrolment_id))
        .filter(assessments::attempt.eq(attempt))
        .select(assessments::score_tenths)
        .first(&mut app.conn())
        .unwrap();
    assert_ne!(stored, Some(51), "nothing was written");

    certificates::revoke(&mut app.conn(), &actor, certificate.id, "Chấm nhầm điểm", today).unwrap();
    let saved = results::save(&mut app.conn(), &actor, certificate.class_id, &[line], Some("Chấm nhầm"), now).unwrap();
    assert_eq!(saved, Ok(1), "once revoked, the result is amended");
}
