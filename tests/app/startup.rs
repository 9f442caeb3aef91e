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
    let dir = tempfile::tempdir().unwrap();
    let config = test_config(format!("sqlite://{}", dir.path().join("fresh.db").display()));
    let pool = boiduong::db::connect(&config.database_url, 1).unwrap();
    let Prepared::FirstAdmin { email, password } = bootstrap::prepare(&pool, &config, false).unwrap() else {
        panic!("expected a first admin");
    };
    assert!(password.len() >= 16);
    let mut conn = pool.get().unwrap();
    let admin = users::find_by_email(&mut conn, &email).unwrap().expect("admin exists");
    assert!(admin.must_change_password);
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
    users::set_password(&mut conn, &actor, account.id, &boiduong::web::auth::password::hash(one_time), true).unwrap();
    let browser = app.anonymous();
    let res = browser.login(ADMIN, one_time).await;
    assert_redirect(&res, "/account/password");
}
