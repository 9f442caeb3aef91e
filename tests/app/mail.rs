use std::time::Duration;

use boiduong::mail::{Mailer, worker};
use boiduong::store::outbox::{self, NewEmail};
use boiduong::store::users;
use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use reqwest::StatusCode;

use crate::helpers::*;
use crate::smtp::SmtpServer;

/// A message for the ledger tests: a password reset of a demo account, through the real flow.
async fn request_reset(app: &TestApp, email: &str) {
    let res = app.anonymous().post("/password/forgot", &[("email", email)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    assert!(body.contains("Nếu địa chỉ này có tài khoản"), "the same neutral answer");
}

fn plain_email(id: usize, to: &str) -> NewEmail {
    NewEmail {
        key: format!("test:{id}"),
        to_email: to.into(),
        to_name: format!("Học viên số {id}"),
        user_id: None,
        person_id: None,
        template: "reset".into(),
        language: "vi".into(),
        data: serde_json::json!({ "name": format!("Học viên số {id}"), "email": to, "school": "Trường Chính trị tỉnh Đắk Lắk", "link": "http://x/y", "expires": "01/01/2027 00:00" }),
        attachment: None,
    }
}

fn row_of(app: &TestApp, key: &str) -> outbox::OutboxRow {
    outbox::find_by_key(&mut app.conn(), key).unwrap().expect("queued")
}

#[tokio::test]
async fn without_smtp_every_email_is_an_eml_file_and_the_reset_link_works_once() {
    let app = spawn_app().await;
    request_reset(&app, STAFF).await;
    let raw = app.wait_for_file_to(STAFF, 10).await;
    let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
    assert!(message.subject().unwrap().starts_with("Đặt lại mật khẩu"), "{:?}", message.subject());
    let text = message.body_text(0).unwrap().to_string();
    assert!(text.contains("Kính gửi Lê Thị Thu Hà"), "Vietnamese text intact: {text}");
    let link = link_in(&text, "/password/reset/");

    let browser = app.anonymous();
    let (status, body) = browser.page(&link).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let new = "Trống đồng Đông Sơn 2026";
    let res = browser.post(&link, &[("new", new), ("confirm", new)]).await;
    assert_redirect(&res, "/login");
    assert_eq!(app.anonymous().login(STAFF, new).await.status(), StatusCode::SEE_OTHER, "new password works");
    assert_eq!(app.anonymous().login(STAFF, DEMO_PASSWORD).await.status(), StatusCode::UNAUTHORIZED, "old one not");

    let (status, body) = browser.page(&link).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(main_text(&body).contains("đã được sử dụng"));
    let res = browser.post(&link, &[("new", "Mật khẩu khác 2027"), ("confirm", "Mật khẩu khác 2027")]).await;
    assert_eq!(res.status(), StatusCode::GONE, "a used link changes nothing");
    assert_eq!(app.anonymous().login(STAFF, new).await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn forgot_password_reveals_nothing_and_sends_nothing_for_unknown_addresses() {
    let app = spawn_app_with(|c| c.mail_worker = false).await;
    let before = counts_of(&app, outbox::PENDING);
    request_reset(&app, "khong-ton-tai@boiduong.test").await;
    assert_eq!(counts_of(&app, outbox::PENDING), before, "nothing queued for an unknown address");
    request_reset(&app, ADMIN).await;
    request_reset(&app, ADMIN).await;
    assert_eq!(counts_of(&app, outbox::PENDING), before + 1, "a second request within the hour is the same message");
    // The hour runs from the first message, not by the clock's hours.
    app.advance(Duration::from_secs(59 * 60));
    request_reset(&app, ADMIN).await;
    assert_eq!(counts_of(&app, outbox::PENDING), before + 1, "59 minutes later: still the same message");
    app.advance(Duration::from_secs(2 * 60));
    request_reset(&app, ADMIN).await;
    assert_eq!(counts_of(&app, outbox::PENDING), before + 2, "past the hour a new message is queued");
    request_reset(&app, ADMIN).await;
    assert_eq!(counts_of(&app, outbox::PENDING), before + 2, "and it stands for the next hour");
}

fn counts_of(app: &TestApp, status: &str) -> i64 {
    outbox::counts(&mut app.conn()).unwrap().into_iter().find(|(s, _)| s == status).unwrap().1
}

#[tokio::test]
async fn an_expired_or_unknown_link_shows_a_clear_page() {
    let app = spawn_app().await;
    request_reset(&app, LECTURER).await;
    let raw = app.wait_for_file_to(LECTURER, 10).await;
    let text = mail_parser::MessageParser::default().parse(&raw).unwrap().body_text(0).unwrap().to_string();
    let link = link_in(&text, "/password/reset/");
    // A reset link lasts two hours.
    app.advance(Duration::from_secs(2 * 3600 - 60));
    let (status, _) = app.anonymous().page(&link).await;
    assert_eq!(status, StatusCode::OK, "a minute before it expires");
    app.advance(Duration::from_secs(61));
    let (status, body) = app.anonymous().page(&link).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(main_text(&body).contains("đã hết hạn"));
    let (status, body) = app.anonymous().page("/password/reset/khong-phai-ma-that").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(main_text(&body).contains("Liên kết không đúng"));
}

#[tokio::test]
async fn through_a_real_smtp_server_with_subject_text_and_headers_intact() {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let app = spawn_app_with(move |c| {
        c.smtp_url = url;
        c.mail_from_name = "Trường Chính trị tỉnh Đắk Lắk".into();
        c.mail_from_address = "daotao@truongchinhtri.daklak.vn".into();
    })
    .await;
    request_reset(&app, SECRETARY).await;
    let received = smtp.wait_for_to(SECRETARY, 10).await;
    assert_eq!(received.len(), 1);
    let message = received[0].parsed();
    assert_eq!(message.subject(), Some("Đặt lại mật khẩu — Trường Chính trị tỉnh Đắk Lắk"));
    let from = message.from().unwrap().first().unwrap();
    assert_eq!(from.name(), Some("Trường Chính trị tỉnh Đắk Lắk"));
    assert_eq!(from.address(), Some("daotao@truongchinhtri.daklak.vn"));
    assert_eq!(received[0].to, vec![SECRETARY.to_string()]);
    assert!(message.body_text(0).unwrap().contains("Kính gửi Nguyễn Văn Bình"));
    assert!(message.body_html(0).unwrap().contains("Nguyễn Văn Bình"));
    let key = {
        use boiduong::db::schema::outbox::dsl::*;
        outbox.filter(recipient_email.eq(SECRETARY)).select(message_key).first::<String>(&mut app.conn()).unwrap()
    };
    for _ in 0..40 {
        if row_of(&app, &key).status == outbox::SENT {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let row = row_of(&app, &key);
    assert_eq!(row.status, outbox::SENT);
    assert!(row.last_answer.as_deref().unwrap_or("").starts_with("250"), "{:?}", row.last_answer);
    assert_eq!(format!("<{}>", message.message_id().unwrap()), row.message_id, "the stored Message-ID was sent");

    let (status, body) = app.login(STAFF).await.page("/mail").await;
    assert_eq!(status, StatusCode::OK);
    let text = main_text(&body);
    assert!(text.contains(SECRETARY) && text.contains("Đã gửi"), "{text}");
}

#[tokio::test]
async fn english_speakers_get_the_english_template() {
    let app = spawn_app().await;
    let id = users::find_by_email(&mut app.conn(), LEARNER).unwrap().unwrap().id;
    users::set_language(&mut app.conn(), id, "en").unwrap();
    request_reset(&app, LEARNER).await;
    let raw = app.wait_for_file_to(LEARNER, 10).await;
    let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
    assert!(message.subject().unwrap().starts_with("Reset your password"));
}

/// Builds the mailer of an app's configuration, with a manual worker (no background one).
fn mailer_for(app: &TestApp) -> Mailer {
    Mailer::from_config(&app.config).unwrap()
}

#[tokio::test]
async fn smtp_down_means_retries_with_growing_delay_then_exactly_one_delivery() {
    let port = SmtpServer::unused_port();
    let app = spawn_app_with(move |c| {
        c.smtp_url = format!("smtp://127.0.0.1:{port}");
        c.mail_worker = false;
        c.mail_retry_base_seconds = 1;
        c.mail_max_attempts = 10;
    })
    .await;
    let mailer = mailer_for(&app);
    for i in 0..3 {
        outbox::enqueue(&mut app.conn(), &plain_email(i, &format!("hv{i}@example.vn")), "test.vn").unwrap();
    }
    let invited = counts_of(&app, outbox::PENDING) as usize - 3;
    let first = worker::send_due(&app.pool, &mailer).await.unwrap();
    assert_eq!((first.sent, first.retried), (0, 3 + invited), "connection refused is retried, not failed");
    let row = row_of(&app, "test:0");
    assert_eq!((row.status.as_str(), row.attempts), (outbox::PENDING, 1));
    assert!(row.last_answer.as_deref().unwrap().contains("Connection"), "{:?}", row.last_answer);
    let first_wait = row.next_attempt_at - row.created_at;
    assert_eq!(worker::send_due(&app.pool, &mailer).await.unwrap().handled(), 0, "not due yet");

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let second = worker::send_due(&app.pool, &mailer).await.unwrap();
    assert_eq!(second.retried, 3 + invited);
    let row = row_of(&app, "test:0");
    assert_eq!(row.attempts, 2);
    let second_wait = row.next_attempt_at - boiduong::domain::dates::now();
    assert!(second_wait > first_wait - time::Duration::milliseconds(1200), "{second_wait} vs {first_wait}");
    assert!(second_wait >= time::Duration::milliseconds(1500), "the delay grows: {second_wait}");

    let smtp = SmtpServer::start_on(port);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let third = worker::send_due(&app.pool, &mailer).await.unwrap();
    assert_eq!(third.sent, 3 + invited);
    assert_eq!(worker::send_due(&app.pool, &mailer).await.unwrap().handled(), 0);
    let received = smtp.wait_for(3 + invited, 5).await;
    assert_eq!(received.len(), 3 + invited, "each message exactly once");
    let mut ids: Vec<String> = received.iter().map(|r| r.parsed().message_id().unwrap().to_owned()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3 + invited);
}

#[tokio::test]
async fn the_same_key_twice_sends_one_email() {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let app = spawn_app_with(move |c| {
        c.smtp_url = url;
        c.mail_worker = false;
    })
    .await;
    let email = plain_email(7, "mot-lan@example.vn");
    assert!(outbox::enqueue(&mut app.conn(), &email, "test.vn").unwrap());
    assert!(!outbox::enqueue(&mut app.conn(), &email, "test.vn").unwrap(), "second enqueue is a no-op");
    let mailer = mailer_for(&app);
    worker::send_due(&app.pool, &mailer).await.unwrap();
    assert!(!outbox::enqueue(&mut app.conn(), &email, "test.vn").unwrap(), "also after sending");
    worker::send_due(&app.pool, &mailer).await.unwrap();
    smtp.wait_for(usize::MAX, 1).await;
    assert_eq!(smtp.received_to("mot-lan@example.vn").len(), 1);
}

#[tokio::test]
async fn a_permanent_rejection_fails_at_once_and_staff_can_resend_it() {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let app = spawn_app_with(move |c| {
        c.smtp_url = url;
        c.mail_worker = false;
    })
    .await;
    outbox::enqueue(&mut app.conn(), &plain_email(1, "tuchoi@example.vn"), "test.vn").unwrap();
    let report = worker::send_due(&app.pool, &mailer_for(&app)).await.unwrap();
    assert_eq!(report.failed, 1);
    let row = row_of(&app, "test:1");
    assert_eq!((row.status.as_str(), row.attempts), (outbox::FAILED, 1));
    assert!(row.last_answer.as_deref().unwrap().contains("550"), "{:?}", row.last_answer);

    let staff = app.login(STAFF).await;
    let (_, body) = staff.page("/mail?status=failed").await;
    let text = main_text(&body);
    assert!(text.contains("tuchoi@example.vn") && text.contains("550") && text.contains("Thất bại"), "{text}");
    let res = staff.post(&format!("/mail/{}/resend", row.id), &[("back", "/mail")]).await;
    assert_redirect(&res, "/mail");
    let (_, body) = staff.page("/mail").await;
    assert!(main_text(&body).contains("Thư đã được đưa lại vào hàng đợi gửi"));
    let again = row_of(&app, "test:1");
    assert_eq!((again.status.as_str(), again.attempts), (outbox::PENDING, 0));
    assert_eq!(
        (again.message_key, again.message_id),
        (row.message_key, row.message_id.clone()),
        "same key and Message-ID"
    );
    let res = staff.post(&format!("/mail/{}/resend", row.id), &[]).await;
    assert_redirect(&res, "/mail");
    let (_, body) = staff.page("/mail").await;
    assert!(main_text(&body).contains("Chỉ gửi lại được thư đã thất bại"), "{}", main_text(&body));
    for email in [LECTURER, SECRETARY, LEARNER] {
        let (status, _) = app.login(email).await.page("/mail").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email}");
    }
}

#[tokio::test]
async fn two_workers_on_one_database_never_send_a_row_twice() {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let app = spawn_app_with(move |c| {
        c.smtp_url = url;
        c.mail_worker = false;
    })
    .await;
    for i in 0..60 {
        outbox::enqueue(&mut app.conn(), &plain_email(100 + i, &format!("hv{i}@example.vn")), "test.vn").unwrap();
    }
    // Together with the demo school's own invitations.
    let n = counts_of(&app, outbox::PENDING) as usize;
    let other_pool = boiduong::db::connect(&app.config.database_url, 4).unwrap();
    let (a, b) = (mailer_for(&app), mailer_for(&app));
    let (ra, rb) = tokio::join!(worker::send_due(&app.pool, &a), worker::send_due(&other_pool, &b));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.sent + rb.sent, n, "{ra:?} {rb:?}");
    assert!(ra.sent > 0 && rb.sent > 0, "both workers took part: {ra:?} {rb:?}");
    let received = smtp.wait_for(n, 10).await;
    assert_eq!(received.len(), n);
    let mut ids: Vec<String> = received.iter().map(|r| r.parsed().message_id().unwrap().to_owned()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "no Message-ID twice");
}

#[tokio::test]
async fn two_server_instances_share_the_outbox_without_duplicates() {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let app = spawn_app_with(move |c| c.smtp_url = url).await;
    let second = boiduong::startup::Application::build_on(
        std::net::TcpListener::bind("127.0.0.1:0").unwrap(),
        boiduong::db::connect(&app.config.database_url, 4).unwrap(),
        app.config.clone(),
    )
    .unwrap();
    let second_handle = second.handle();
    tokio::spawn(second.run_until_stopped());
    for i in 0..40 {
        outbox::enqueue(&mut app.conn(), &plain_email(500 + i, &format!("p{i}@example.vn")), "test.vn").unwrap();
    }
    let total: i64 = outbox::counts(&mut app.conn()).unwrap().iter().map(|(_, n)| n).sum();
    let n = total as usize;
    let received = smtp.wait_for(n, 20).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let received_after = smtp.received();
    assert_eq!(received.len(), n);
    assert_eq!(received_after.len(), n, "nothing sent twice");
    assert_eq!(counts_of(&app, outbox::SENT), total);
    drop(second_handle.stop(false));
}

#[tokio::test]
async fn invitation_link_sets_the_first_password() {
    let app = spawn_app().await;
    let mut conn = app.conn();
    let actor = boiduong::store::audit::Actor::system("test");
    let id = users::create(
        &mut conn,
        &actor,
        &users::NewUser {
            email: "moi@example.vn".into(),
            display_name: "Hồ Thị Mới".into(),
            password_hash: None,
            roles: vec![boiduong::domain::role::Role::Learner],
            secretary_units: vec![],
            person_id: None,
            one_time_password_until: None,
        },
    )
    .unwrap();
    let user = users::find(&mut conn, id).unwrap();
    let ctx = boiduong::mail::invitations::MailContext {
        public_url: app.base.clone(),
        school: "Trường Chính trị tỉnh Đắk Lắk".into(),
        message_id_domain: "test.vn".into(),
    };
    assert!(boiduong::mail::invitations::invite(&mut conn, &ctx, &user).unwrap());
    assert!(!boiduong::mail::invitations::invite(&mut conn, &ctx, &user).unwrap(), "one invitation per account");
    drop(conn);
    let raw = app.wait_for_file_to("moi@example.vn", 10).await;
    let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
    assert!(message.subject().unwrap().starts_with("Mời kích hoạt tài khoản"));
    let text = message.body_text(0).unwrap().to_string();
    let link = link_in(&text, "/invite/");
    let stored: Vec<String> = {
        use boiduong::db::schema::account_tokens::dsl::*;
        account_tokens.select(token_hash).load(&mut app.conn()).unwrap()
    };
    let token = link.rsplit('/').next().unwrap();
    assert!(!stored.iter().any(|h| h == token), "only the hash is stored");
    let row = outbox::find_by_key(&mut app.conn(), &format!("invite:{id}")).unwrap().unwrap();
    assert!(!row.data_json.contains(token), "the outbox never holds the token");

    let browser = app.anonymous();
    let res = browser.post(&link, &[("new", "ngắn"), ("confirm", "ngắn")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let pw = "Sông Hồng chảy mãi";
    let res = browser.post(&link, &[("new", pw), ("confirm", pw)]).await;
    assert_redirect(&res, "/login");
    assert_eq!(app.anonymous().login("moi@example.vn", pw).await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn smtp_credentials_are_used_and_a_refused_login_fails_the_message() {
    let smtp = SmtpServer::start_with_account("daotao", "mat-khau-smtp");
    let url = smtp.url();
    let app = spawn_app_with(move |c| {
        c.smtp_url = url;
        c.mail_worker = false;
        c.smtp_user = Some("daotao".into());
        c.smtp_password = Some("mat-khau-smtp".into());
    })
    .await;
    outbox::enqueue(&mut app.conn(), &plain_email(1, "co-tai-khoan@example.vn"), "test.vn").unwrap();
    let report = worker::send_due(&app.pool, &mailer_for(&app)).await.unwrap();
    assert_eq!(report.failed, 0, "{report:?}");
    assert_eq!(smtp.received_to("co-tai-khoan@example.vn").len(), 1);
    assert!(smtp.logins().contains(&("daotao".into(), "mat-khau-smtp".into())));

    let mut wrong = app.config.clone();
    wrong.smtp_password = Some("sai".into());
    outbox::enqueue(&mut app.conn(), &plain_email(2, "khong-gui-duoc@example.vn"), "test.vn").unwrap();
    let report = worker::send_due(&app.pool, &Mailer::from_config(&wrong).unwrap()).await.unwrap();
    assert_eq!(report.failed, 1, "a refused login (535) is permanent: {report:?}");
    assert!(row_of(&app, "test:2").last_answer.unwrap().contains("535"));
    assert!(smtp.received_to("khong-gui-duoc@example.vn").is_empty());
}
