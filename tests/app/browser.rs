//! A real browser (Debian's Chromium through chromedriver) walks the application as each demo
//! role and as someone not logged in. Each role logs in through the login form, finds its
//! navigation in the phone menu, then visits every page it reaches — every GET route of the
//! route table its access rule allows, and every page linked from those (a crawl, so pages with
//! ids in their path are visited with ids the role may see) — first on a 390 × 844 phone, then
//! 1280 px wide. On a phone nothing may be wider than the screen, no box may scroll sideways
//! and lists must be cards (`table.rows`), not squeezed tables; at both widths axe-core
//! (vendored under `vendor/axe-core/`) must find no serious or critical WCAG 2 A/AA violation;
//! printed on A4, a page shows no navigation or forms and its tables stay tables. Every check
//! saves a full-page screenshot under `target/screenshots/<role>/` (`.1280` and `.print` for
//! the wide and paper views) with a `report.txt`; all failures are reported together at the end.
//!
//! Runs only with BOIDUONG_TEST_BROWSER=1; then a missing chromedriver or Chromium is a
//! failure, not a skip, so CI cannot pass without it.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt::Write as _;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use boiduong::domain::role::Role;
use boiduong::web::route_table;
use boiduong::web::routes::{Access, RouteSpec};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use crate::helpers::*;

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const PHONE: (u32, u32) = (390, 844);
const WIDE: (u32, u32) = (1280, 900);
/// A4 less print.css's 15 mm margins, in CSS pixels (180 mm at 96 px to the inch).
const PAPER_WIDTH: u32 = 680;
/// Pages visited per role at most, and pages per route pattern (two ids of /people/{id} show
/// more than one, a hundred would only repeat the template).
const PAGE_CAP: usize = 150;
const PER_ROUTE: usize = 2;
/// A token that is not one: the reset and invitation routes answer their "link invalid" page.
const BOGUS_TOKEN: &str = "khong-phai-ma-that";

/// axe-core, from the npm registry; see vendor/axe-core/README.md.
const AXE_SOURCE: &str = include_str!("vendor/axe-core/axe.min.js");
const AXE_TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

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

fn role_of(email: &str) -> Role {
    match email {
        ADMIN => Role::Admin,
        STAFF => Role::Staff,
        LECTURER => Role::Lecturer,
        SECRETARY => Role::Secretary,
        LEARNER => Role::Learner,
        other => panic!("unknown demo account {other}"),
    }
}

// ---------------------------------------------------------------------------------------------
// chromedriver and Chromium

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
            // A process group of its own, which the Chromium it starts joins: see `Drop`.
            .process_group(0)
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

    /// A new Chromium session with a profile of its own, its viewport the size of a phone.
    async fn session(&self, profile: &tempfile::TempDir) -> Client {
        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-background-networking".to_owned(),
            "--hide-scrollbars".to_owned(),
            format!("--window-size={},{}", PHONE.0, PHONE.1),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), json!({ "args": args }));
        let client =
            ClientBuilder::new(HttpConnector::new()).capabilities(caps).connect(&self.url).await.unwrap_or_else(|e| {
                panic!("BOIDUONG_TEST_BROWSER=1 but Chromium does not start: {e}; install chromium")
            });
        set_viewport(&client, PHONE).await;
        cdp(&client, "Page.addScriptToEvaluateOnNewDocument", json!({ "source": AXE_SOURCE })).await;
        client
    }
}

impl Drop for Driver {
    /// Ends chromedriver and, should a failed assertion have left a session open, its Chromium:
    /// both are in the process group that chromedriver leads.
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A Chrome DevTools command through chromedriver (for full-page screenshots and print media).
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "cmd": self.cmd, "params": self.params }).to_string()))
    }
}

async fn cdp(client: &Client, cmd: &'static str, params: Value) -> Value {
    client.issue_cmd(Cdp { cmd, params }).await.unwrap_or_else(|e| panic!("DevTools {cmd}: {e}"))
}

async fn js(client: &Client, script: &str) -> Value {
    client.execute(script, vec![]).await.unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

/// Sizes the window so that the page itself (window.innerWidth × innerHeight) is `size`: the
/// window size includes whatever browser chrome there is, and a resize may take a moment.
async fn set_viewport(client: &Client, (width, height): (u32, u32)) {
    let (mut window_width, mut window_height) = (width, height);
    let started = Instant::now();
    loop {
        client.set_window_size(window_width, window_height).await.expect("window resizes");
        tokio::time::sleep(Duration::from_millis(50)).await;
        let inner = js(client, "return [window.innerWidth, window.innerHeight]").await;
        let (w, h) = (inner[0].as_i64().unwrap(), inner[1].as_i64().unwrap());
        if (w, h) == (width.into(), height.into()) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "viewport is {w} × {h} and could not be set to {width} × {height}"
        );
        window_width = (i64::from(window_width) + i64::from(width) - w).clamp(100, 4000) as u32;
        window_height = (i64::from(window_height) + i64::from(height) - h).clamp(100, 4000) as u32;
    }
}

/// The whole page, not only the part in the window.
async fn full_page_png(client: &Client) -> Vec<u8> {
    let size = js(client, "const d = document.documentElement; return [d.scrollWidth, d.scrollHeight]").await;
    let clip = json!({ "x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1 });
    let shot =
        cdp(client, "Page.captureScreenshot", json!({ "format": "png", "captureBeyondViewport": true, "clip": clip }))
            .await;
    let data = shot["data"].as_str().unwrap_or_else(|| panic!("no screenshot data in {shot}"));
    let png = base64::engine::general_purpose::STANDARD.decode(data).expect("screenshot is base64");
    assert!(png.starts_with(PNG_SIGNATURE), "screenshot is not a PNG");
    png
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

/// The path and query the browser is at.
async fn current_path(client: &Client) -> String {
    let url = client.current_url().await.expect("current URL");
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// What is checked on each page

/// Measures the page against the viewport: the document's width, the elements that stick out
/// of the screen (clipped by ancestors that hide overflow; the widest first) and the boxes that
/// scroll sideways inside the page. Also the links to follow and whether it is an error page.
const MEASURE_JS: &str = r#"
const vw = window.innerWidth;
const name = el => {
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  for (const c of el.classList) s += '.' + c;
  return s;
};
const where = el => {
  const parts = [];
  for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) parts.unshift(name(e));
  return parts.join(' > ');
};
const clips = new Map();
const clipOf = el => {
  if (!clips.has(el)) {
    const s = getComputedStyle(el);
    clips.set(el, s.overflowX === 'visible' ? null : el.getBoundingClientRect());
  }
  return clips.get(el);
};
const sticking = [], scrolling = [];
for (const el of document.body.querySelectorAll('*')) {
  const s = getComputedStyle(el);
  if (s.display === 'none' || s.visibility === 'hidden') continue;
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  const control = ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
  if (!control && (s.overflowX === 'auto' || s.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1) {
    scrolling.push(where(el) + ' (' + el.scrollWidth + ' px of content in ' + el.clientWidth + ' px)');
  }
  let left = r.left, right = r.right;
  for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
    const c = clipOf(a);
    if (c) { left = Math.max(left, c.left); right = Math.min(right, c.right); }
  }
  if (right - left <= 0) continue;
  if (right > vw + 1 || left < -1) {
    sticking.push({ el: where(el), left: Math.round(left), right: Math.round(right),
                    text: (el.innerText || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 40) });
  }
}
// On a phone, lists are cards (table.rows); a table still laid out as a table is squeezed.
const tables = [];
for (const t of document.querySelectorAll('table')) {
  if (getComputedStyle(t).display !== 'table' || t.getClientRects().length === 0) continue;
  const columns = Math.max(0, ...Array.from(t.rows, r => r.cells.length));
  if (columns >= 3) tables.push(where(t) + ': ' + columns + ' columns, ' + t.rows.length + ' rows');
}
sticking.sort((a, b) => (b.right - b.left) - (a.right - a.left));
const code = document.querySelector('.error-code');
return {
  vw, scrollWidth: document.documentElement.scrollWidth,
  sticking: sticking.slice(0, 5), stickingCount: sticking.length, scrolling, tables,
  html: document.contentType === 'text/html' && !!document.querySelector('main'),
  error: code ? code.textContent.trim() : null,
  links: Array.from(document.links).filter(a => !a.hasAttribute('download')).map(a => a.href),
};
"#;

const AXE_RUN_JS: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
  .then(r => done({ violations: r.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({ id: v.id, impact: v.impact, help: v.help,
                 targets: v.nodes.map(n => n.target.join(' ')) })) }))
  .catch(e => done({ error: String(e) }));
"#;

/// On paper: the screen furniture does not show, tables print as tables (not as the phone's
/// cards) and nothing is wider than the paper.
const PRINT_JS: &str = r#"
const problems = [];
for (const css of ['.site-header', '.site-footer', 'nav', 'form', 'button', '.actions', '.filters', '.pager']) {
  for (const el of document.querySelectorAll(css)) {
    if (getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0) {
      problems.push('shows ' + css);
      break;
    }
  }
}
for (const t of document.querySelectorAll('table')) {
  const d = getComputedStyle(t).display;
  if (d !== 'table' && d !== 'none') problems.push('a table prints as ' + d);
}
const width = document.documentElement.scrollWidth;
if (width > window.innerWidth) problems.push('is ' + width + ' px wide on ' + window.innerWidth + ' px of paper');
return problems;
"#;

/// Everything that went wrong, for one report at the end.
struct Report {
    base: String,
    shots: PathBuf,
    failures: Vec<String>,
    pages: Vec<String>,
}

impl Report {
    fn new(base: &str, shots: PathBuf) -> Self {
        Report { base: base.to_owned(), shots, failures: Vec::new(), pages: Vec::new() }
    }

    fn fail(&mut self, who: &str, width: u32, page: &str, what: impl AsRef<str>) {
        self.failures.push(format!("{who:<9} {width:>4}  {page}  {}", what.as_ref()));
    }
}

/// What one look at a page found out.
struct Look {
    html: bool,
    error: Option<String>,
    links: Vec<String>,
}

/// A file name for a page: `/people/12/edit` → `people-12-edit`, `/` → `home`.
fn page_name(path: &str) -> String {
    let name: String =
        path.trim_matches('/').chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let name = name.trim_matches('-').to_owned();
    if name.is_empty() { "home".into() } else { name }
}

/// Checks the page the browser shows: width (on a phone), axe, print (when wide) and a
/// full-page screenshot.
async fn check_page(client: &Client, report: &mut Report, who: &str, width: u32, page: &str, name: &str) -> Look {
    let m = js(client, MEASURE_JS).await;
    let look = Look {
        html: m["html"].as_bool().unwrap_or(false),
        error: m["error"].as_str().map(str::to_owned),
        links: m["links"].as_array().into_iter().flatten().filter_map(|l| l.as_str().map(str::to_owned)).collect(),
    };
    if !look.html {
        return look;
    }
    assert_eq!(m["vw"].as_u64(), Some(width.into()), "{who} {page}: the viewport changed");

    let scroll_width = m["scrollWidth"].as_u64().unwrap_or(0);
    if scroll_width > u64::from(width) || m["stickingCount"].as_u64().unwrap_or(0) > 0 {
        let mut what = format!("page is {scroll_width} px wide; {} elements stick out", m["stickingCount"]);
        for s in m["sticking"].as_array().into_iter().flatten() {
            write!(
                what,
                "\n      {} [{}…{} px] {:?}",
                s["el"].as_str().unwrap_or(""),
                s["left"],
                s["right"],
                s["text"]
            )
            .unwrap();
        }
        report.fail(who, width, page, what);
    }
    for s in m["scrolling"].as_array().into_iter().flatten() {
        report.fail(who, width, page, format!("box scrolls sideways: {}", s.as_str().unwrap_or("")));
    }
    if width == PHONE.0 {
        for t in m["tables"].as_array().into_iter().flatten() {
            let t = t.as_str().unwrap_or("");
            report.fail(who, width, page, format!("a table on a phone, not cards (make it table.rows): {t}"));
        }
    }

    // The session loads axe into every new document (see `Driver::session`); a page loaded
    // otherwise gets it through WebDriver's execute, which the page's CSP does not stop either.
    if js(client, "return typeof window.axe").await != "object" {
        js(client, AXE_SOURCE).await;
    }
    let axe = client
        .execute_async(AXE_RUN_JS, vec![json!(AXE_TAGS)])
        .await
        .unwrap_or_else(|e| panic!("{who} {page}: axe did not run: {e}"));
    if let Some(error) = axe.get("error") {
        panic!("{who} {page}: axe failed: {error}");
    }
    for v in axe["violations"].as_array().expect("axe violations") {
        let targets: Vec<&str> = v["targets"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        let shown = targets.iter().take(5).copied().collect::<Vec<_>>().join(" | ");
        let more = if targets.len() > 5 { format!(" (+{} more)", targets.len() - 5) } else { String::new() };
        report.fail(
            who,
            width,
            page,
            format!(
                "axe {} ({}): {} — {shown}{more}",
                v["id"].as_str().unwrap(),
                v["impact"].as_str().unwrap(),
                v["help"]
            ),
        );
    }

    let dir = report.shots.join(who);
    std::fs::create_dir_all(&dir).unwrap();
    let suffix = if width == PHONE.0 { String::new() } else { format!(".{width}") };
    std::fs::write(dir.join(format!("{name}{suffix}.png")), full_page_png(client).await).unwrap();

    if width != PHONE.0 {
        // The print stylesheet, at the width of the A4 paper's printable area.
        let paper = json!({ "width": PAPER_WIDTH, "height": WIDE.1, "deviceScaleFactor": 1, "mobile": false });
        cdp(client, "Emulation.setDeviceMetricsOverride", paper).await;
        cdp(client, "Emulation.setEmulatedMedia", json!({ "media": "print" })).await;
        for problem in js(client, PRINT_JS).await.as_array().into_iter().flatten() {
            report.fail(who, PAPER_WIDTH, page, format!("print {}", problem.as_str().unwrap_or("")));
        }
        std::fs::write(dir.join(format!("{name}.print.png")), full_page_png(client).await).unwrap();
        cdp(client, "Emulation.setEmulatedMedia", json!({ "media": "" })).await;
        cdp(client, "Emulation.clearDeviceMetricsOverride", json!({})).await;
    }
    report.pages.push(format!("{who:<9} {width:>4}  {page}"));
    look
}

// ---------------------------------------------------------------------------------------------
// The walk

/// A page to visit: where, what to call it in the report and its screenshot's name, and
/// whether it is meant to be an error page.
#[derive(Clone)]
struct Seed {
    path: String,
    label: String,
    name: String,
    error_expected: bool,
}

impl Seed {
    fn new(path: &str) -> Self {
        Seed { path: path.to_owned(), label: path.to_owned(), name: page_name(path), error_expected: false }
    }

    /// A page with a secret (a token) in its path: reported and saved under a stable name.
    fn named(path: &str, label: &str, name: &str) -> Self {
        Seed { path: path.to_owned(), label: label.to_owned(), name: name.to_owned(), error_expected: false }
    }

    fn error(mut self) -> Self {
        self.error_expected = true;
        self
    }
}

/// The GET route a path belongs to: literal segments win over parameters (`/people/new` is not
/// `/people/{id}`).
fn route_of<'a>(path: &str, routes: &'a [RouteSpec]) -> Option<&'a RouteSpec> {
    let path = path.split('?').next().unwrap_or(path);
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    routes
        .iter()
        .filter(|r| is_get(r))
        .filter(|r| {
            let pattern: Vec<&str> = r.path.trim_start_matches('/').split('/').collect();
            pattern.len() == segments.len() && pattern.iter().zip(&segments).all(|(p, s)| segment_matches(p, s))
        })
        .min_by_key(|r| r.path.matches('{').count())
}

/// A route's segment against a path's: literal, a parameter, or a parameter with a suffix
/// ("{id}.pdf" matches "7.pdf", not "7").
fn segment_matches(pattern: &str, segment: &str) -> bool {
    match pattern.strip_prefix('{').and_then(|rest| rest.split_once('}')) {
        Some((_, suffix)) => segment.len() > suffix.len() && segment.ends_with(suffix),
        None => pattern == segment,
    }
}

fn is_get(r: &RouteSpec) -> bool {
    r.method.as_str() == "GET"
}

/// The pages worth a look among a page's links: same site, not the assets, not downloads.
fn followable(link: &str, base: &url::Url) -> Option<String> {
    let url = url::Url::parse(link).ok()?;
    if url.origin() != base.origin() {
        return None;
    }
    let path = url.path();
    let download = [".csv", ".xlsx", ".pdf", ".zip", ".ics", ".eml", ".json", ".txt"];
    if path == "/logout"
        || path.starts_with("/assets/")
        || path == "/healthz"
        || download.iter().any(|d| path.ends_with(d))
    {
        return None;
    }
    Some(match url.query() {
        Some(q) => format!("{path}?{q}"),
        None => path.to_owned(),
    })
}

/// Visits, on a phone, the seed pages and the pages they link to (at most `PAGE_CAP`, and
/// `PER_ROUTE` of each route); returns the pages it checked.
async fn crawl(client: &Client, report: &mut Report, who: &str, seeds: Vec<Seed>, routes: &[RouteSpec]) -> Vec<Seed> {
    let base = url::Url::parse(&report.base).unwrap();
    let mut seen: HashSet<String> = seeds.iter().map(|s| s.path.clone()).collect();
    let mut queue: VecDeque<Seed> = seeds.into();
    let mut per_route: HashMap<&str, usize> = HashMap::new();
    let mut visited: Vec<Seed> = Vec::new();
    while let Some(seed) = queue.pop_front() {
        if visited.len() >= PAGE_CAP {
            break;
        }
        let route = route_of(&seed.path, routes).map_or("?", |r| r.path);
        if per_route.get(route).copied().unwrap_or(0) >= PER_ROUTE {
            continue;
        }
        client
            .goto(&format!("{}{}", report.base, seed.path))
            .await
            .unwrap_or_else(|e| panic!("{who}: {}: {e}", seed.path));
        let landed = current_path(client).await;
        if visited.iter().any(|v| v.path == landed) {
            continue;
        }
        let seed = if landed == seed.path {
            seed
        } else if landed.starts_with("/login") && who != "anonymous" {
            report.fail(who, PHONE.0, &seed.label, format!("sent to {landed}: the session was lost"));
            continue;
        } else {
            Seed { path: landed.clone(), label: landed.clone(), name: page_name(&landed), ..seed }
        };
        let landed_route = route_of(&landed, routes).map_or("?", |r| r.path);
        *per_route.entry(landed_route).or_default() += 1;
        let look = check_page(client, report, who, PHONE.0, &seed.label, &seed.name).await;
        if !look.html {
            continue;
        }
        match &look.error {
            Some(code) if !seed.error_expected => {
                report.fail(who, PHONE.0, &seed.label, format!("a link leads to an error page ({code})"))
            }
            None if seed.error_expected => report.fail(who, PHONE.0, &seed.label, "expected an error page"),
            None if landed_route == "?" => report.fail(who, PHONE.0, &seed.label, "page not in the route table"),
            _ => {}
        }
        for link in look.links.iter().filter_map(|l| followable(l, &base)) {
            if seen.insert(link.clone()) {
                queue.push_back(Seed::new(&link));
            }
        }
        visited.push(seed);
    }
    visited
}

/// The same pages again, 1280 px wide.
async fn revisit_wide(client: &Client, report: &mut Report, who: &str, pages: &[Seed]) {
    set_viewport(client, WIDE).await;
    for page in pages {
        client
            .goto(&format!("{}{}", report.base, page.path))
            .await
            .unwrap_or_else(|e| panic!("{who}: {}: {e}", page.path));
        check_page(client, report, who, WIDE.0, &page.label, &page.name).await;
    }
    set_viewport(client, PHONE).await;
}

/// The pages the route table gives without a link: every GET route the visitor may use that
/// has no parameter, and the token routes with a token that is not one (their "link invalid"
/// page); pages with ids are reached by following links. Also a page that does not exist.
fn seeds(routes: &[RouteSpec], allowed: impl Fn(&RouteSpec) -> bool) -> Vec<Seed> {
    let mut seeds = vec![Seed::new("/")];
    for r in routes.iter().filter(|r| is_get(r) && allowed(r)) {
        // The JSON API is not a page (tests/app/api.rs covers it).
        if r.path == "/healthz" || r.path.starts_with("/assets/") || r.path.starts_with("/api/") || r.path == "/" {
            continue;
        }
        if !r.path.contains('{') {
            seeds.push(Seed::new(r.path));
        } else if r.path.contains("{token}") {
            let name = format!("{}-invalid", page_name(&r.path.replace("{token}", "")));
            seeds.push(Seed::named(
                &r.path.replace("{token}", BOGUS_TOKEN),
                &r.path.replace("{token}", BOGUS_TOKEN),
                &name,
            ));
        }
    }
    seeds.push(Seed::named("/khong-co-trang-nay", "/khong-co-trang-nay", "not-found").error());
    seeds
}

/// Routes with ids the role may use but that no link led to.
fn unreached(
    report: &mut Report,
    who: &str,
    routes: &[RouteSpec],
    visited: &[Seed],
    allowed: impl Fn(&RouteSpec) -> bool,
) {
    for r in routes.iter().filter(|r| is_get(r) && allowed(r) && r.path.contains('{')) {
        if r.path.starts_with("/assets/")
            || r.path.starts_with("/api/")
            || r.path.contains("{token}")
            || is_file(r.path)
        {
            continue;
        }
        if !visited.iter().any(|v| route_of(&v.path, routes).is_some_and(|v| v.path == r.path)) {
            report.fail(who, PHONE.0, r.path, "not reached: no page this role sees links to it");
        }
    }
}

/// A route that serves a file rather than a page (a download, an image, the JSON a script
/// polls): its last segment has an extension. No page links to it as a page to visit.
fn is_file(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|last| last.contains('.'))
}

/// The first link to `path` in the .eml files the file transport wrote, waiting up to 10 s.
async fn link_in_outbox(app: &TestApp, path: &str) -> String {
    let find = || {
        app.outbox_files().into_iter().find_map(|file| {
            let raw = std::fs::read(&file).ok()?;
            let text = mail_parser::MessageParser::default().parse(&raw)?.body_text(0)?.to_string();
            let start = text.find(path)?;
            let end = text[start..]
                .find(|c: char| c.is_whitespace() || c == '"' || c == '<')
                .map_or(text.len(), |e| start + e);
            Some(text[start..end].to_owned())
        })
    };
    for _ in 0..200 {
        if let Some(link) = find() {
            return link;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no {path} link in the outbox within 10 s");
}

/// Someone not logged in: the public pages, a real invitation and reset link, the login page
/// with a refused password and the forgotten-password page after sending.
async fn walk_anonymous(driver: &Driver, app: &TestApp, report: &mut Report, routes: &[RouteSpec]) -> usize {
    let who = "anonymous";
    let profile = tempfile::tempdir().unwrap();
    let client = driver.session(&profile).await;

    // The demo school invites a few learners by email.
    let invite = link_in_outbox(app, "/invite/").await;
    let mut start = seeds(routes, |r| r.access == Access::Public);
    start.push(Seed::named(&invite, "/invite/{token}", "invite"));
    let mut visited = crawl(&client, report, who, start, routes).await;

    client.goto(&format!("{}/login", app.base)).await.unwrap();
    client.find(Locator::Css("input#email")).await.unwrap().send_keys(LEARNER).await.unwrap();
    client.find(Locator::Css("input#password")).await.unwrap().send_keys("sai mat khau").await.unwrap();
    client.find(Locator::Css("form[action='/login'] button[type='submit']")).await.unwrap().click().await.unwrap();
    client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(".flash-error"))
        .await
        .expect("login refused");
    check_page(&client, report, who, PHONE.0, "/login (refused)", "login-refused").await;

    client.goto(&format!("{}/password/forgot", app.base)).await.unwrap();
    client.find(Locator::Css("input#email")).await.unwrap().send_keys(LEARNER).await.unwrap();
    client.find(Locator::Css("form[action='/password/forgot'] button")).await.unwrap().click().await.unwrap();
    client.wait().at_most(Duration::from_secs(15)).for_element(Locator::Css(".flash-info")).await.expect("reset sent");
    check_page(&client, report, who, PHONE.0, "/password/forgot (sent)", "password-forgot-sent").await;

    let reset =
        Seed::named(&link_in_outbox(app, "/password/reset/").await, "/password/reset/{token}", "password-reset");
    client.goto(&format!("{}{}", app.base, reset.path)).await.unwrap();
    let text = text_of(&client, "main").await;
    assert!(text.contains("Mật khẩu mới"), "the reset link shows the new-password form: {text}");
    check_page(&client, report, who, PHONE.0, &reset.label, &reset.name).await;
    visited.push(reset);

    revisit_wide(&client, report, who, &visited).await;
    client.close().await.unwrap();
    visited.len() + 2
}

/// One demo role: log in through the form, the navigation in the phone menu, every page the
/// role reaches on a phone and wide, then log out.
async fn walk_role(driver: &Driver, app: &TestApp, report: &mut Report, routes: &[RouteSpec], email: &str) -> usize {
    let role = role_of(email);
    let who = role.code();
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
    // On a phone the navigation is behind the menu button.
    assert_eq!(text_of(&client, "nav.nav-wide").await, "", "{email}: the wide navigation shows on a phone");
    client.find(Locator::Css("details.menu summary")).await.unwrap().click().await.unwrap();
    let mut nav = Vec::new();
    for link in client.find_all(Locator::Css("details.menu nav a")).await.unwrap() {
        nav.push(link.text().await.unwrap());
    }
    for (label, shown) in expected_nav(email) {
        assert_eq!(nav.iter().any(|n| n == label), shown, "{email}: nav item {label:?} (nav: {nav:?})");
    }
    check_page(&client, report, who, PHONE.0, "/ (menu open)", "home-menu-open").await;

    let allowed = |r: &RouteSpec| r.access.allows(&[role]);
    let visited = crawl(&client, report, who, seeds(routes, allowed), routes).await;
    unreached(report, who, routes, &visited, allowed);
    revisit_wide(&client, report, who, &visited).await;

    client.goto(&format!("{}/", app.base)).await.unwrap();
    client.find(Locator::Css("form[action='/logout'] button")).await.unwrap().click().await.unwrap();
    wait_for_path(&client, email, |p| p == "/login").await;
    let text = text_of(&client, "main").await;
    assert!(text.contains("Bạn đã đăng xuất"), "{email}: after logout: {text}");

    client.close().await.unwrap();
    visited.len() + 1
}

/// The checks themselves can fail: a page that is too wide, scrolls sideways inside, shows a
/// table on a phone, has an image without a text alternative and prints its navigation is
/// reported for each.
async fn the_checks_catch_a_bad_page(driver: &Driver) {
    let html = r#"<!doctype html><html lang="vi"><head><meta name="viewport" content="width=device-width">
        <title>Trang hỏng</title></head><body><main><h1>Trang hỏng</h1>
        <div style="width: 600px">Quá rộng</div>
        <div style="overflow-x: auto"><p style="width: 800px">Cuộn ngang</p></div>
        <table><tr><td>1</td><td>Trần Văn An</td><td>Đảng viên</td></tr></table>
        <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="20" height="20">
        <nav aria-label="Danh mục"><a href="/">Trang chủ</a></nav>
        </main></body></html>"#;
    let profile = tempfile::tempdir().unwrap();
    let client = driver.session(&profile).await;
    let shots = tempfile::tempdir().unwrap();
    let mut report = Report::new("http://127.0.0.1", shots.path().to_owned());
    let encoded = base64::engine::general_purpose::STANDARD.encode(html);
    client.goto(&format!("data:text/html;charset=utf-8;base64,{encoded}")).await.unwrap();
    check_page(&client, &mut report, "canary", PHONE.0, "bad page", "bad").await;
    set_viewport(&client, WIDE).await;
    check_page(&client, &mut report, "canary", WIDE.0, "bad page", "bad").await;
    client.close().await.unwrap();
    let found = report.failures.join("\n");
    for expected in ["page is 6", "box scrolls sideways", "3 columns, 1 rows", "axe image-alt", "print shows nav"] {
        assert!(found.contains(expected), "the checks missed {expected:?} on a bad page; they found:\n{found}");
    }
}

#[tokio::test]
async fn every_page_of_every_role_fits_a_phone_and_passes_axe() {
    if std::env::var("BOIDUONG_TEST_BROWSER").as_deref() != Ok("1") {
        eprintln!("browser test skipped: set BOIDUONG_TEST_BROWSER=1 (needs chromium and chromium-driver)");
        return;
    }
    let started = Instant::now();
    let app = spawn_app().await;
    crate::attendance::browser_fixture(&app).await;
    crate::certificates::browser_fixture(&app).await;
    crate::confirmations::browser_fixture(&app).await;
    let driver = Driver::start();
    the_checks_catch_a_bad_page(&driver).await;

    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("the target folder");
    let shots = target.join("screenshots");
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).unwrap();
    let routes = route_table();
    let mut report = Report::new(&app.base, shots.clone());

    let mut summary = String::new();
    let n = walk_anonymous(&driver, &app, &mut report, &routes).await;
    writeln!(summary, "anonymous: {n} pages").unwrap();
    for email in ALL_ROLES {
        let n = walk_role(&driver, &app, &mut report, &routes, email).await;
        writeln!(summary, "{}: {n} pages", role_of(email).code()).unwrap();
    }
    drop(driver);

    let text = format!(
        "{summary}{} checks in {} s; screenshots in {}\n\nfailures ({}):\n{}\n\npages checked:\n{}\n",
        report.pages.len(),
        started.elapsed().as_secs(),
        shots.display(),
        report.failures.len(),
        report.failures.join("\n"),
        report.pages.join("\n"),
    );
    std::fs::write(shots.join("report.txt"), &text).unwrap();
    println!("{text}");
    assert!(
        report.failures.is_empty(),
        "{} problems on pages too wide for a phone, failing axe or printing badly:\n{}\n\nscreenshots and the full report: {}",
        report.failures.len(),
        report.failures.join("\n"),
        shots.display()
    );
}
