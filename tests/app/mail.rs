use std::time::Duration;

use boiduong::mail::{Mailer, worker};
use boiduong::store::outbox::{self, NewEmail};
use boiduong::store::users;
use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl, TextExpressionMethods};
use reqwest::StatusCode;

use crate::helpers::*;
use crate::smtp::SmtpServer;

fn now() -> time::PrimitiveDateTime {
    boiduong::domain::dates::now()
}

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
        data: serde_json::json!({ "name": format!("Học viên số {id}"), "email": to, "link": "http://x/y", "expires": "01/01/2027 00:00" }),
        attachment: None,
    }
}

fn row_of(app: &TestApp, key: &str) -> outbox::OutboxRow {
    outbox::find_by_key(&mut app.conn(), key).unwrap().expect("queued")
}

/// Waits (at most 5 s) until the message to `to` is marked sent, and returns its row.
async fn wait_until_sent(app: &TestApp, to: &str) -> outbox::OutboxRow {
    let key = {
        use boiduong::db::schema::outbox::dsl::*;
        outbox.filter(recipient_email.eq(to)).select(message_key).first::<String>(&mut app.conn()).unwrap()
    };
    for _ in 0..100 {
        let row = row_of(app, &key);
        if row.status == outbox::SENT {
            return row;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the message to {to} was not marked sent");
}

#[tokio::test]
async fn without_smtp_every_email_is_an_eml_file_and_the_reset_link_works_once() {
    let app = spawn_app().await;
    request_reset(&app, STAFF).await;
    let raw = app.wait_for_file_to(STAFF, 10).await;
    let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
    assert!(message.subject().unwrap().starts_with("Đặt lại mật khẩu"), "{:?}", message.subject());
    let text = message.body_text(0).unwrap().to_string();
    assert!(text.contains("Kính gửi đồng chí Lê Thị Thu Hà"), "Vietnamese text intact: {text}");
    let link = link_in(&text, "/password/reset/");

    // The delivery log says where the message went, without the server's path.
    let row = wait_until_sent(&app, STAFF).await;
    let answer = row.last_answer.unwrap_or_default();
    assert!(answer.starts_with("đã ghi vào thư mục thư đi"), "{answer}");
    assert!(!answer.contains(&app.config.outbox_dir) && !answer.contains('/'), "no path: {answer}");
    let (_, ledger) = app.login(STAFF).await.page("/mail").await;
    assert!(main_text(&ledger).contains("đã ghi vào thư mục thư đi"));
    assert!(!ledger.contains(&app.config.outbox_dir), "the ledger shows no server path");

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
    let received = smtp.wait_for_subject(SECRETARY, "Đặt lại mật khẩu", 10).await;
    assert_eq!(received.len(), 1);
    let message = received[0].parsed();
    assert_eq!(message.subject(), Some("Đặt lại mật khẩu — Trường Chính trị tỉnh Đắk Lắk"));
    let from = message.from().unwrap().first().unwrap();
    assert_eq!(from.name(), Some("Trường Chính trị tỉnh Đắk Lắk"));
    assert_eq!(from.address(), Some("daotao@truongchinhtri.daklak.vn"));
    assert_eq!(received[0].to, vec![SECRETARY.to_string()]);
    assert!(message.body_text(0).unwrap().contains("Kính gửi đồng chí Nguyễn Văn Bình"));
    assert!(message.body_html(0).unwrap().contains("Nguyễn Văn Bình"));
    let key = {
        use boiduong::db::schema::outbox::dsl::*;
        outbox
            .filter(recipient_email.eq(SECRETARY))
            .filter(message_key.like("reset:%"))
            .select(message_key)
            .first::<String>(&mut app.conn())
            .unwrap()
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
    // An attempt's delay is computed while send_due runs, so it lies between the row's next
    // attempt minus the time after the call and minus the time before it.
    let delay_bounds =
        |row: &outbox::OutboxRow, before, after| (row.next_attempt_at - after, row.next_attempt_at - before);
    let before = now();
    let first = worker::send_due(&app.pool, &mailer).await.unwrap();
    let after = now();
    assert_eq!((first.sent, first.retried), (0, 3 + invited), "connection refused is retried, not failed");
    let row = row_of(&app, "test:0");
    assert_eq!((row.status.as_str(), row.attempts), (outbox::PENDING, 1));
    assert!(row.last_answer.as_deref().unwrap().contains("Connection"), "{:?}", row.last_answer);
    let (first_min, first_max) = delay_bounds(&row, before, after);
    let one = time::Duration::seconds(1);
    assert!(first_min <= one && one <= first_max, "the first delay is the base, 1 s: {first_min}..{first_max}");
    assert_eq!(worker::send_due(&app.pool, &mailer).await.unwrap().handled(), 0, "not due yet");

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let before = now();
    let second = worker::send_due(&app.pool, &mailer).await.unwrap();
    let after = now();
    assert_eq!(second.retried, 3 + invited);
    let row = row_of(&app, "test:0");
    assert_eq!(row.attempts, 2);
    let (second_min, second_max) = delay_bounds(&row, before, after);
    let two = time::Duration::seconds(2);
    assert!(second_min <= two && two <= second_max, "the second delay doubles: {second_min}..{second_max}");
    assert!(second_min > first_max, "the delay grows: {second_min}..{second_max} after {first_min}..{first_max}");

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
    // The workers wake only when told (or at start), so both start on the queue together.
    let app = spawn_app_with(move |c| {
        c.smtp_url = url;
        c.mail_poll_seconds = 3600;
    })
    .await;
    let second = boiduong::startup::Application::build_on(
        std::net::TcpListener::bind("127.0.0.1:0").unwrap(),
        boiduong::db::connect(&app.config.database_url, 4).unwrap(),
        app.config.clone(),
    )
    .unwrap();
    let second_base = format!("http://127.0.0.1:{}", second.port());
    let second_handle = second.handle();
    tokio::spawn(second.run_until_stopped());
    // The demo school's invitations, sent by the first instance as it started.
    let invitations = smtp.wait_for(4, 10).await.len();
    assert!(invitations >= 4, "{invitations}");
    for i in 0..200 {
        outbox::enqueue(&mut app.conn(), &plain_email(500 + i, &format!("p{i}@example.vn")), "test.vn").unwrap();
    }
    // A password reset on each instance wakes that instance's worker; both then share the queue.
    let (first_browser, second_browser) = (app.anonymous(), Browser::new(&second_base));
    let (a, b) = tokio::join!(
        first_browser.post("/password/forgot", &[("email", ADMIN)]),
        second_browser.post("/password/forgot", &[("email", LECTURER)]),
    );
    assert_eq!((a.status(), b.status()), (StatusCode::OK, StatusCode::OK));
    let total: i64 = outbox::counts(&mut app.conn()).unwrap().iter().map(|(_, n)| n).sum();
    let n = total as usize;
    let received = smtp.wait_for(n, 30).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(received.len(), n);
    assert_eq!(smtp.received().len(), n, "nothing sent twice");
    let mut ids: Vec<String> = received.iter().map(|r| r.parsed().message_id().unwrap().to_owned()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "no Message-ID twice");
    assert_eq!(counts_of(&app, outbox::SENT), total);

    let rows: Vec<(String, i32, Option<String>)> = {
        use boiduong::db::schema::outbox::dsl::*;
        outbox.filter(message_key.like("test:%")).select((message_key, attempts, worker)).load(&mut app.conn()).unwrap()
    };
    assert_eq!(rows.len(), 200);
    assert!(rows.iter().all(|(_, attempts, _)| *attempts == 1), "no row was claimed twice");
    let mut by_worker = std::collections::BTreeMap::<String, usize>::new();
    for (_, _, worker) in &rows {
        *by_worker.entry(worker.clone().expect("the sender is recorded")).or_default() += 1;
    }
    assert_eq!(by_worker.len(), 2, "each instance sent some of the queue: {by_worker:?}");
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
    let ctx = boiduong::mail::invitations::MailContext { message_id_domain: "test.vn".into() };
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
async fn smtp_credentials_are_used_inside_starttls_and_a_refused_login_fails_the_message() {
    let smtp = SmtpServer::start_with_starttls_and_account("daotao", "mat-khau-smtp");
    let url = smtp.url();
    let app = spawn_app_with(move |c| {
        c.smtp_url = url;
        c.mail_worker = false;
        c.smtp_user = Some("daotao".into());
        c.smtp_password = Some("mat-khau-smtp".into());
        c.smtp_ca_file = crate::smtp::CA_FILE.into();
    })
    .await;
    outbox::enqueue(&mut app.conn(), &plain_email(1, "co-tai-khoan@example.vn"), "test.vn").unwrap();
    let report = worker::send_due(&app.pool, &mailer_for(&app)).await.unwrap();
    assert_eq!(report.failed, 0, "{report:?} {:?}", row_of(&app, "test:1").last_answer);
    let received = smtp.received_to("co-tai-khoan@example.vn");
    assert_eq!(received.len(), 1);
    assert!(received[0].encrypted, "the message went over STARTTLS");
    assert!(smtp.logins().contains(&("daotao".into(), "mat-khau-smtp".into())));

    let mut wrong = app.config.clone();
    wrong.smtp_password = Some("sai".into());
    outbox::enqueue(&mut app.conn(), &plain_email(2, "khong-gui-duoc@example.vn"), "test.vn").unwrap();
    let report = worker::send_due(&app.pool, &Mailer::from_config(&wrong).unwrap()).await.unwrap();
    assert_eq!(report.failed, 1, "a refused login (535) is permanent: {report:?}");
    assert!(row_of(&app, "test:2").last_answer.unwrap().contains("535"));
    assert!(smtp.received_to("khong-gui-duoc@example.vn").is_empty());
}

/// A server that offers AUTH over a plain connection but no STARTTLS never sees the password:
/// the message fails at once with an answer staff can act on.
#[tokio::test]
async fn smtp_credentials_never_travel_in_the_clear() {
    let smtp = SmtpServer::start_with_account("daotao", "mat-khau-smtp");
    let url = smtp.url();
    let app = spawn_app_with(move |c| {
        c.smtp_url = url;
        c.mail_worker = false;
        c.smtp_user = Some("daotao".into());
        c.smtp_password = Some("mat-khau-smtp".into());
    })
    .await;
    outbox::enqueue(&mut app.conn(), &plain_email(1, "khong-ma-hoa@example.vn"), "test.vn").unwrap();
    let report = worker::send_due(&app.pool, &mailer_for(&app)).await.unwrap();
    assert_eq!((report.sent, report.retried), (0, 0), "{report:?}");
    let row = row_of(&app, "test:1");
    assert_eq!((row.status.as_str(), row.attempts), (outbox::FAILED, 1), "permanent, not retried");
    assert_eq!(row.last_answer.as_deref(), Some(boiduong::mail::transport::NO_STARTTLS_WITH_CREDENTIALS));
    assert!(smtp.logins().is_empty(), "the server never saw AUTH");
    assert!(smtp.received().is_empty());

    let (_, ledger) = app.login(STAFF).await.page("/mail?status=failed").await;
    let text = main_text(&ledger);
    assert!(text.contains("khong-ma-hoa@example.vn") && text.contains("không hỗ trợ STARTTLS"), "{text}");
}

/// The id of a demo person with one of these statuses.
fn person_with_status(app: &TestApp, statuses: &[&str]) -> i64 {
    use boiduong::db::schema::people::dsl::*;
    people.filter(status.eq_any(statuses)).select(id).order(id).first(&mut app.conn()).unwrap()
}

#[tokio::test]
async fn emails_are_signed_by_the_school_and_address_each_reader_as_party_writing_does() {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let app = spawn_app_with(move |c| {
        c.smtp_url = url;
        c.mail_worker = false;
        c.mail_from_address = "daotao@truongchinhtri.phuyen.vn".into();
    })
    .await;
    let admin = app.login(ADMIN).await;
    let res = admin
        .post(
            "/settings",
            &[
                ("school_name", "Trường Chính trị tỉnh"),
                ("province", "Phú Yên"),
                ("signer_title", "HIỆU TRƯỞNG"),
                ("office_phone", "0257 3823 456"),
                ("office_address", "Số 2 Trần Phú, phường Tuy Hòa"),
            ],
        )
        .await;
    assert_redirect(&res, "/settings");

    let member = person_with_status(&app, &["probationary", "official"]);
    let candidate = person_with_status(&app, &["candidate"]);
    let mut to_member = plain_email(1, "dangvien@example.vn");
    to_member.person_id = Some(member);
    let mut to_candidate = plain_email(2, "quanchung@example.vn");
    to_candidate.person_id = Some(candidate);
    for email in [&to_member, &to_candidate, &plain_email(3, "khach@example.vn")] {
        outbox::enqueue(&mut app.conn(), email, "test.vn").unwrap();
    }
    request_reset(&app, STAFF).await;
    let report = worker::send_due(&app.pool, &mailer_for(&app)).await.unwrap();
    assert_eq!(report.failed + report.retried, 0, "{report:?}");

    let text_to = |to: &str| {
        let received = smtp.received_to(to);
        assert_eq!(received.len(), 1, "{to}");
        let message = received[0].parsed();
        let from = message.from().unwrap().first().unwrap();
        assert_eq!(from.name(), Some("Trường Chính trị tỉnh Phú Yên"), "the school, with its province, signs");
        assert_eq!(from.address(), Some("daotao@truongchinhtri.phuyen.vn"));
        (message.subject().unwrap().to_owned(), message.body_text(0).unwrap().to_string())
    };
    let (subject, text) = text_to("dangvien@example.vn");
    assert_eq!(subject, "Đặt lại mật khẩu — Trường Chính trị tỉnh Phú Yên");
    assert!(text.contains("Kính gửi đồng chí Học viên số 1,"), "{text}");
    assert!(text.contains("Nếu đồng chí không yêu cầu"), "the body keeps the form: {text}");
    assert!(text.contains("Điện thoại: 0257 3823 456") && text.contains("Địa chỉ: Số 2 Trần Phú"), "{text}");
    for to in ["quanchung@example.vn", "khach@example.vn"] {
        let (_, text) = text_to(to);
        assert!(text.contains("Kính gửi anh/chị Học viên số") && text.contains("Nếu anh/chị"), "{to}: {text}");
        assert!(!text.contains("đồng chí") && !text.contains("bạn"), "{to}: {text}");
    }
    let (_, text) = text_to(STAFF);
    assert!(text.contains("Kính gửi đồng chí Lê Thị Thu Hà,"), "staff are comrades: {text}");
}

#[tokio::test]
async fn the_ledger_pages_keep_its_filters() {
    let app = spawn_app_with(|c| c.mail_worker = false).await;
    for i in 0..60 {
        outbox::enqueue(&mut app.conn(), &plain_email(i, &format!("trang{i}@example.vn")), "test.vn").unwrap();
    }
    let staff = app.login(STAFF).await;
    let (_, first) = staff.page("/mail?recipient=trang&status=pending").await;
    assert!(main_text(&first).contains("Tổng số: 60") && main_text(&first).contains("Trang 1/2"));
    assert_eq!(link_with_rel(&first, "prev"), None);
    let next = link_with_rel(&first, "next").expect("a next page");
    assert_eq!(next, "/mail?status=pending&recipient=trang&page=2");
    let (_, second) = staff.page(&next).await;
    assert!(main_text(&second).contains("Trang 2/2"), "{}", main_text(&second));
    assert!(main_text(&second).contains("trang9@example.vn") && !main_text(&second).contains("trang59@"));
    assert_eq!(link_with_rel(&second, "next"), None);
    assert_eq!(link_with_rel(&second, "prev").as_deref(), Some("/mail?status=pending&recipient=trang"));
}
