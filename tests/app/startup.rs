use boiduong::bootstrap::{self, Prepared};
use boiduong::store::users;

use crate::helpers::*;

#[test]
fn a_bad_database_url_stops_the_start_and_creates_nothing() {
    let err = boiduong::db::connect("postgre://u:geheim@127.0.0.1/db", 1).err().expect("mistyped scheme refused");
    assert!(err.to_string().contains("BOIDUONG_DATABASE_URL"), "{err}");
    assert!(!err.to_string().contains("geheim"), "the password is not shown");
    // Nothing listens on port 1: a clear error, not a new SQLite file.
    let err = boiduong::db::connect("postgres://u:geheim@127.0.0.1:1/db", 1).err().expect("unreachable server refused");
    let text = format!("{err:#}");
    assert!(text.contains("Không kết nối được"), "{text}");
    assert!(!text.contains("geheim"), "{text}");
    for would_be_file in ["postgre:", "postgres:", "db"] {
        assert!(!std::path::Path::new(would_be_file).exists(), "{would_be_file} was created");
    }
}

#[test]
fn an_empty_database_without_demo_gets_one_admin_with_a_one_time_password() {
    let (url, _database) = test_database();
    let config = test_config(url);
    let pool = boiduong::db::connect(&config.database_url, 1).unwrap();
    let Prepared::FirstAdmin { email, password } = bootstrap::prepare(&pool, &config, false).unwrap() else {
        panic!("expected a first admin");
    };
    assert!(password.len() >= 16);
    let mut conn = pool.get().unwrap();
    let admin = users::find_by_email(&mut conn, &email).unwrap().expect("admin exists");
    assert!(admin.must_change_password);
    let expires = admin.password_expires_at.expect("a one-time password expires");
    let left = expires - boiduong::domain::dates::now();
    assert!(left > time::Duration::hours(23) && left <= time::Duration::hours(24), "{left}");
    assert_eq!(users::count(&mut conn).unwrap(), 1);
    drop(conn);
    assert_eq!(bootstrap::prepare(&pool, &config, false).unwrap(), Prepared::Existing, "only once");
    assert_eq!(users::count(&mut pool.get().unwrap()).unwrap(), 1);
}

#[tokio::test]
async fn the_first_admin_must_change_the_one_time_password() {
    let app = spawn_app().await;
    let mut conn = app.conn();
    let account = users::find_by_email(&mut conn, ADMIN).unwrap().unwrap();
    let actor = boiduong::store::audit::Actor::system("test");
    let one_time = "Mot lan duy nhat 2026";
    let until = app.config.one_time_password_until();
    users::set_password(&mut conn, &actor, account.id, &boiduong::credentials::password::hash(one_time), Some(until))
        .unwrap();
    let browser = app.anonymous();
    let res = browser.login(ADMIN, one_time).await;
    assert_redirect(&res, "/account/password");
}

#[test]
fn the_outbox_command_shows_counts_and_sends_what_is_due() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _database) = test_database();
    let outbox_dir = dir.path().join("outbox");
    let pool = boiduong::db::connect(&url, 1).unwrap();
    let email = boiduong::store::outbox::NewEmail {
        key: "cli:1".into(),
        to_email: "cron@example.vn".into(),
        to_name: "Người nhận".into(),
        user_id: None,
        person_id: None,
        template: "reset".into(),
        language: "vi".into(),
        data: serde_json::json!({ "name": "Người nhận", "email": "cron@example.vn", "school": "Trường", "link": "L", "expires": "E" }),
        attachment: None,
    };
    boiduong::store::outbox::enqueue(&mut pool.get().unwrap(), &email, "test.vn").unwrap();
    drop(pool);
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_boiduong"))
            .args(args)
            .env("BOIDUONG_DATABASE_URL", &url)
            .env("BOIDUONG_OUTBOX_DIR", &outbox_dir)
            .env("BOIDUONG_LOG", "warn")
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let counts = run(&["outbox"]);
    assert!(counts.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["pending", "1"]), "{counts}");
    let sent = run(&["outbox", "--send"]);
    assert!(sent.contains("Đã gửi 1 thư"), "{sent}");
    assert!(sent.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["sent", "1"]), "{sent}");
    assert_eq!(std::fs::read_dir(&outbox_dir).unwrap().count(), 1, "one .eml file");
    let again = run(&["outbox", "--send"]);
    assert!(again.contains("Đã gửi 0 thư"), "{again}");
}
