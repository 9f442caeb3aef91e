//! A real browser (Debian's Chromium through chromedriver) logs in as each demo role through the
//! login form and looks at that role's home page. Runs only with BOIDUONG_TEST_BROWSER=1; then
//! a missing chromedriver or Chromium is a failure, not a skip, so CI cannot pass without it.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::helpers::*;

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The navigation labels each role must see (true) or must not see (false). Items added later
/// are allowed; these are the ones the roles' rights decide.
fn expected_nav(email: &str) -> Vec<(&'static str, bool)> {
    let (people, orgs, programs, admin) = match email {
        ADMIN => (true, true, true, true),
        STAFF => (true, true, true, false),
        LECTURER => (false, false, true, false),
        SECRETARY => (true, false, false, false),
        LEARNER => (false, false, false, false),
        other => panic!("unknown demo account {other}"),
    };
    vec![
        ("Trang chủ", true),
        ("Quần chúng, đảng viên", people),
        ("Tổ chức đảng", orgs),
        ("Chương trình", programs),
        ("Tài khoản", admin),
        ("Nhật ký thay đổi", admin),
        ("Cài đặt", admin),
    ]
}

/// chromedriver on a free port; killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().unwrap().port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("BOIDUONG_TEST_BROWSER=1 but chromedriver cannot be started ({e}); install chromium-driver")
            });
        let mut driver = Driver { child, url: format!("http://127.0.0.1:{port}") };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = driver.child.try_wait() {
                panic!("chromedriver exited at start: {status}");
            }
            assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not listen within 20 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }

    /// A new Chromium session with a profile of its own.
    async fn session(&self, profile: &tempfile::TempDir) -> Client {
        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-background-networking".to_owned(),
            "--window-size=1280,900".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), json!({ "args": args }));
        ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("BOIDUONG_TEST_BROWSER=1 but Chromium does not start: {e}; install chromium"))
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn wait_for_path(client: &Client, what: &str, done: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        let url = client.current_url().await.expect("current URL");
        if done(url.path()) {
            return url.path().to_owned();
        }
        assert!(started.elapsed() < Duration::from_secs(15), "{what}: still at {url}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn text_of(client: &Client, css: &str) -> String {
    client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("no {css}: {e}")).text().await.unwrap()
}

#[tokio::test]
async fn each_role_logs_in_through_the_form_and_sees_its_home() {
    if std::env::var("BOIDUONG_TEST_BROWSER").as_deref() != Ok("1") {
        println!("browser test skipped: set BOIDUONG_TEST_BROWSER=1 (needs chromium and chromium-driver)");
        return;
    }
    let app = spawn_app().await;
    let driver = Driver::start();
    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();

    for email in ALL_ROLES {
        let profile = tempfile::tempdir().unwrap();
        let client = driver.session(&profile).await;

        client.goto(&format!("{}/login", app.base)).await.unwrap();
        assert_eq!(text_of(&client, "main h1").await, "Đăng nhập", "{email}: login page");
        client.find(Locator::Css("input#email")).await.unwrap().send_keys(email).await.unwrap();
        client.find(Locator::Css("input#password")).await.unwrap().send_keys(DEMO_PASSWORD).await.unwrap();
        client.find(Locator::Css("form[action='/login'] button[type='submit']")).await.unwrap().click().await.unwrap();
        wait_for_path(&client, email, |p| p == "/").await;

        let heading = text_of(&client, "main h1").await;
        assert!(heading.starts_with("Xin chào"), "{email}: heading {heading:?}");
        let mut nav = Vec::new();
        for link in client.find_all(Locator::Css("nav.nav-wide a")).await.unwrap() {
            nav.push(link.text().await.unwrap());
        }
        for (label, shown) in expected_nav(email) {
            assert_eq!(nav.iter().any(|n| n == label), shown, "{email}: nav item {label:?} (nav: {nav:?})");
        }

        let png = client.screenshot().await.unwrap();
        assert!(png.starts_with(PNG_SIGNATURE), "{email}: screenshot is not a PNG");
        assert!(png.len() > 2_000, "{email}: screenshot suspiciously small ({} bytes)", png.len());
        let file = shots.join(format!("home-{}.png", email.split('@').next().unwrap()));
        std::fs::write(&file, &png).unwrap();
        println!("{email}: {}", file.display());

        client.find(Locator::Css("form[action='/logout'] button")).await.unwrap().click().await.unwrap();
        wait_for_path(&client, email, |p| p == "/login").await;
        let text = text_of(&client, "main").await;
        assert!(text.contains("Bạn đã đăng xuất"), "{email}: after logout: {text}");

        client.close().await.unwrap();
    }
    drop(driver);
}
