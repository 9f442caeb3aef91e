//! Saving attendance sheets of 200 learners over HTTP with 32 concurrent writers, on SQLite:
//! the release build's server runs in this process on loopback; each writer logs in as staff
//! and saves the sheet of a session of its own again and again, every line changed each time
//! (present and late in turn, two learners absent with a reason), with the version it saw — the
//! way a lecturer's phone posts it. Reported: saves per second, latency percentiles, refused or
//! failed saves (a "database is locked" would be a 500). Next to it, in the same run and on the
//! same database: the raw floor, one transaction inserting 200 rows with one batched statement
//! through diesel, alone.
//!
//! `cargo run --release --example attendance_bench [seconds] [writers]` (default 20 s, 32).

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use boiduong::config::Config;
use boiduong::db::DbConn;
use boiduong::db::schema::{attendance, classes};
use boiduong::startup::Application;
use boiduong::store::audit::Actor;
use boiduong::store::classes::ClassInput;
use boiduong::store::issuers::{self, IssuerInput};
use boiduong::store::sessions::{self, SessionInput};
use boiduong::store::{Scope, enrolments, people, programs};
use diesel::prelude::*;
use time::{PrimitiveDateTime, Time};
use tokio::sync::Mutex;

const PASSWORD: &str = "bench-password-2026";
const STAFF: &str = "giaovu@boiduong.test";
const LEARNERS: usize = 200;

struct Setup {
    class: i64,
    sessions: Vec<i64>,
    enrolments: Vec<i64>,
    /// A session kept for the raw inserts.
    scratch: i64,
}

/// A running class with 200 learners and a session held for each writer (and one more).
fn setup(pool: &boiduong::db::Pool, writers: usize) -> anyhow::Result<Setup> {
    let mut c = pool.get()?;
    let actor = Actor::system("bench");
    let venue = boiduong::store::venues::create_venue(
        &mut c,
        &actor,
        &boiduong::store::venues::VenueInput {
            name: "Cơ sở Ea Kar (đo hiệu năng)".into(),
            address: "Tuy Hòa".into(),
            place: "Tuy Hòa".into(),
            active: true,
        },
    )?;
    let issuer = issuers::create(
        &mut c,
        &actor,
        &IssuerInput {
            kind: "school".into(),
            superior_name: "Tỉnh ủy Đắk Lắk".into(),
            name: "Trung tâm Chính trị huyện Ea Kar".into(),
            org_unit_id: None,
            place: "Buôn Ma Thuột".into(),
            signer_delegation: String::new(),
            signer_title: "HIỆU TRƯỞNG".into(),
            signer_name: "Trần Văn Thành".into(),
            active: true,
        },
    )?;
    let program = programs::all(&mut c)?.into_iter().find(|p| p.code == "NTVD").expect("NTVD is seeded");
    let lessons = programs::lessons_of(&mut c, program.id)?;
    let today = boiduong::clock::Clock::default().today();
    let first = today - time::Duration::days(writers as i64 + 2);
    let class = boiduong::store::classes::create(
        &mut c,
        &actor,
        &ClassInput {
            program_id: program.id,
            year: 2026,
            ordinal: 1,
            issuer_id: issuer,
            co_org_unit_id: None,
            venue_id: venue,
            first_day: first,
            last_day: today,
            capacity: 250,
            opening_decision_no: "1-QĐ/TCT".into(),
            opening_decision_date: Some(first),
            signer_delegation: String::new(),
            signer_title: "HIỆU TRƯỞNG".into(),
            signer_name: "Trần Văn Thành".into(),
        },
    )?;
    let plan: Vec<SessionInput> = (0..=writers)
        .map(|k| {
            let day = first + time::Duration::days(k as i64);
            let lesson = &lessons[k % lessons.len()];
            SessionInput {
                lesson_id: Some(lesson.id),
                title: lesson.title.clone(),
                periods: 5,
                starts_at: PrimitiveDateTime::new(day, Time::from_hms(7, 30, 0).unwrap()),
                ends_at: PrimitiveDateTime::new(day, Time::from_hms(11, 0, 0).unwrap()),
                room_id: None,
                lecturer_user_id: None,
                guest_speaker_id: None,
            }
        })
        .collect();
    sessions::replace_plan(&mut c, &actor, class, &plan)?.map_err(|e| anyhow::anyhow!("clashes: {e:?}"))?;
    let mut ids: Vec<i64> = sessions::of_class(&mut c, class)?.into_iter().map(|s| s.id).collect();
    let scratch = ids.pop().expect("one more session");
    let everyone =
        people::list(&mut c, &Scope::All, &people::PeopleQuery { page: 1, per_page: 300, ..Default::default() })?.items;
    anyhow::ensure!(everyone.len() >= LEARNERS, "the demo school has {} people", everyone.len());
    let mut enrolled = Vec::with_capacity(LEARNERS);
    for person in everyone.iter().take(LEARNERS) {
        enrolments::enrol(&mut c, &actor, class, person.id, enrolments::SOURCE_STAFF, first)?;
        enrolled.push(enrolments::of_person_in_class(&mut c, person.id, class)?.expect("enrolled").id);
    }
    diesel::update(classes::table.find(class)).set(classes::status.eq("running")).execute(&mut *c)?;
    Ok(Setup { class, sessions: ids, enrolments: enrolled, scratch })
}

fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    Some(html[start..start + html[start..].find('"')?].to_owned())
}

/// Logs in as staff with reqwest (once, before the timing); the writer then posts on a
/// connection of its own with the session's cookies and the form's token.
async fn logged_in_writer(base: &str) -> anyhow::Result<(Writer, String)> {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let client =
        reqwest::Client::builder().cookie_provider(jar.clone()).redirect(reqwest::redirect::Policy::none()).build()?;
    let login = client.get(format!("{base}/login")).send().await?.text().await?;
    let token = csrf_in(&login).ok_or_else(|| anyhow::anyhow!("no token on the login page"))?;
    let body = serde_urlencoded::to_string([
        ("csrf_token", token.as_str()),
        ("email", STAFF),
        ("password", PASSWORD),
        ("next", "/"),
    ])?;
    let res = client
        .post(format!("{base}/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await?;
    anyhow::ensure!(res.status() == 303, "login answered {}", res.status());
    let page = client.get(format!("{base}/account/password")).send().await?.text().await?;
    let token = csrf_in(&page).ok_or_else(|| anyhow::anyhow!("no token after login"))?;
    use reqwest::cookie::CookieStore;
    let url: reqwest::Url = base.parse()?;
    let cookies = jar.cookies(&url).ok_or_else(|| anyhow::anyhow!("no cookie after login"))?;
    let cookies = cookies
        .to_str()?
        .split("; ")
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    let host = url.authority().to_owned();
    let stream = tokio::net::TcpStream::connect(&host).await?;
    stream.set_nodelay(true)?;
    Ok((Writer { stream, host, cookies, buf: Vec::with_capacity(8192) }, token))
}

/// A writer's keep-alive connection, speaking only the HTTP/1.1 the bench needs: the load
/// generator shares the two cores with the server it measures, so it does as little as wrk
/// does (reqwest's pool, cookie jar and URL parsing were a twelfth of the run's CPU).
struct Writer {
    stream: tokio::net::TcpStream,
    host: String,
    /// The cookies as a browser keeps them: replaced by name by every `Set-Cookie`.
    cookies: Vec<(String, String)>,
    buf: Vec<u8>,
}

/// What the server answered: the status and, for anything but a redirect, the body's text.
struct Answer {
    status: u16,
    text: String,
}

impl Writer {
    async fn post_form(&mut self, path: &str, body: &str) -> anyhow::Result<Answer> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let cookie = self.cookies.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; ");
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
            self.host,
            body.len()
        );
        self.stream.write_all(head.as_bytes()).await?;
        self.stream.write_all(body.as_bytes()).await?;
        self.buf.clear();
        let header_end = loop {
            if let Some(at) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            anyhow::ensure!(self.stream.read_buf(&mut self.buf).await? > 0, "the server closed the connection");
        };
        let head = std::str::from_utf8(&self.buf[..header_end])?.to_owned();
        let mut lines = head.split("\r\n");
        let status: u16 = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|code| code.parse().ok())
            .ok_or_else(|| anyhow::anyhow!("no status line"))?;
        let (mut length, mut chunked) = (0usize, false);
        for line in lines {
            let Some((name, value)) = line.split_once(':') else { continue };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse()?;
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.eq_ignore_ascii_case("chunked");
            } else if name.eq_ignore_ascii_case("set-cookie") {
                let pair = value.split(';').next().unwrap_or_default();
                if let Some((name, value)) = pair.split_once('=') {
                    self.cookies.retain(|(n, _)| n != name);
                    self.cookies.push((name.to_owned(), value.to_owned()));
                }
            }
        }
        let mut rest = self.buf.split_off(header_end);
        let body = if chunked {
            // Only a failure's page comes in chunks: read to the last chunk and keep it all.
            while !rest.ends_with(b"0\r\n\r\n") {
                anyhow::ensure!(self.stream.read_buf(&mut rest).await? > 0, "the server closed the connection");
            }
            rest
        } else {
            while rest.len() < length {
                anyhow::ensure!(self.stream.read_buf(&mut rest).await? > 0, "the server closed the connection");
            }
            rest
        };
        Ok(Answer { status, text: String::from_utf8_lossy(&body).into_owned() })
    }
}

/// The sheet of round `round` (from 1): every line differs from the round before. Written
/// straight into one string (the client shares the 2 cores with the server it measures).
fn sheet_body(token: &str, enrolments: &[i64], round: usize) -> String {
    use std::fmt::Write;
    let base = if round % 2 == 1 { "present" } else { "late" };
    let absent = [(2 * round) % enrolments.len(), (2 * round + 1) % enrolments.len()];
    let reason: String = form_urlencoded::byte_serialize("Ốm, có giấy của trạm y tế".as_bytes()).collect();
    let mut body = String::with_capacity(64 + enrolments.len() * 48);
    body.push_str("csrf_token=");
    body.extend(form_urlencoded::byte_serialize(token.as_bytes()));
    // Each save changes every line, so every line's version is the number of saves so far.
    let seen = round - 1;
    for (i, e) in enrolments.iter().enumerate() {
        let (status, reason) = if absent.contains(&i) { ("excused", reason.as_str()) } else { (base, "") };
        write!(body, "&e={e}&s{e}={status}&r{e}={reason}&v{e}={seen}").expect("writing to a string");
    }
    body
}

/// CPU time this process has used, user and system, from /proc (the bench runs on Linux).
fn process_cpu() -> anyhow::Result<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // The fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
    let after = &stat[stat.rfind(')').ok_or_else(|| anyhow::anyhow!("no command in /proc/self/stat"))? + 2..];
    let fields: Vec<&str> = after.split(' ').collect();
    let ticks: u64 = fields[11].parse::<u64>()? + fields[12].parse::<u64>()?;
    // The kernel's clock ticks are 100 a second on every Linux this runs on (USER_HZ).
    Ok(Duration::from_millis(ticks * 10))
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

/// One transaction inserting 200 attendance rows with one batched statement, `runs` times,
/// alone (the rows are removed after each run, outside the timing).
fn raw_inserts(pool: &boiduong::db::Pool, setup: &Setup, runs: usize) -> anyhow::Result<Vec<Duration>> {
    let mut conn = pool.get()?;
    let DbConn::Sqlite(c) = &mut *conn else { anyhow::bail!("the bench runs on SQLite") };
    let now = PrimitiveDateTime::new(time::Date::from_calendar_date(2026, time::Month::March, 12)?, Time::MIDNIGHT);
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let rows: Vec<_> = setup
            .enrolments
            .iter()
            .map(|e| {
                (
                    attendance::enrolment_id.eq(*e),
                    attendance::session_id.eq(setup.scratch),
                    attendance::status.eq("present"),
                    attendance::source.eq("sheet"),
                    attendance::marked_at.eq(now),
                )
            })
            .collect();
        let started = Instant::now();
        c.immediate_transaction(|c| diesel::insert_into(attendance::table).values(&rows).execute(c))?;
        times.push(started.elapsed());
        diesel::delete(attendance::table.filter(attendance::session_id.eq(setup.scratch))).execute(c)?;
    }
    Ok(times)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(20);
    let writers: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(32);
    let dir = tempfile::tempdir()?;
    let config = Config {
        database_url: format!("sqlite://{}", dir.path().join("bench.db").display()),
        bind: "127.0.0.1:0".into(),
        secret_key: Some("b".repeat(64)),
        demo_password: Some(PASSWORD.into()),
        log: "warn".into(),
        outbox_dir: dir.path().join("outbox").display().to_string(),
        mail_worker: false,
        ..Config::default()
    };
    boiduong::cli::init_tracing(&config.log);
    let pool = boiduong::db::connect(&config.database_url, config.db_pool_size)?;
    boiduong::bootstrap::prepare(&pool, &config, true)?;
    let setup = Arc::new(setup(&pool, writers)?);
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let app = Application::build_on(listener, pool.clone(), config.clone())?;
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());

    let raw_before = raw_inserts(&pool, &setup, 200)?;

    let mut clients = Vec::with_capacity(writers);
    for _ in 0..writers {
        clients.push(logged_in_writer(&base).await?);
    }
    let latencies = Arc::new(Mutex::new(Vec::<Duration>::new()));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let cpu_before = process_cpu()?;
    let mut tasks = Vec::new();
    for (w, (mut writer, token)) in clients.into_iter().enumerate() {
        let (setup, latencies, failures) = (setup.clone(), latencies.clone(), failures.clone());
        tasks.push(tokio::spawn(async move {
            let session = setup.sessions[w];
            let path = format!("/classes/{}/sessions/{session}/attendance", setup.class);
            let mut round = 1;
            let mut mine = Vec::new();
            while Instant::now() < deadline {
                let body = sheet_body(&token, &setup.enrolments, round);
                let sent = Instant::now();
                let res = writer.post_form(&path, &body).await;
                let elapsed = sent.elapsed();
                match res {
                    Ok(answer) if answer.status == 303 => {
                        mine.push(elapsed);
                        round += 1;
                    }
                    Ok(Answer { status, text }) => {
                        let locked = if text.contains("database is locked") { " (database is locked)" } else { "" };
                        failures.lock().await.push(format!("writer {w}, round {round}: {status}{locked}"));
                        break;
                    }
                    Err(e) => {
                        failures.lock().await.push(format!("writer {w}, round {round}: {e}"));
                        break;
                    }
                }
            }
            latencies.lock().await.extend(mine);
        }));
    }
    for task in tasks {
        task.await?;
    }
    let wall = started.elapsed();
    let cpu = process_cpu()? - cpu_before;
    // Checkpoints keep up when the WAL stays near the few MB SQLite's own threshold keeps it at.
    let wal_bytes = std::fs::metadata(dir.path().join("bench.db-wal")).map_or(0, |m| m.len());
    let raw_after = raw_inserts(&pool, &setup, 200)?;

    let mut lat = latencies.lock().await.clone();
    lat.sort();
    let mut raw: Vec<Duration> = raw_before.into_iter().chain(raw_after).collect();
    raw.sort();
    let rows: i64 = attendance::table.count().get_result(&mut *pool.get()?)?;
    println!("attendance sheets of {LEARNERS} learners, {writers} concurrent writers, {seconds} s, SQLite");
    println!(
        "saves: {} ({:.1}/s, {:.0} lines/s); latency ms p50 {:.1} p90 {:.1} p99 {:.1} max {:.1}",
        lat.len(),
        lat.len() as f64 / wall.as_secs_f64(),
        (lat.len() * LEARNERS) as f64 / wall.as_secs_f64(),
        percentile(&lat, 0.50),
        percentile(&lat, 0.90),
        percentile(&lat, 0.99),
        lat.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
    );
    // In a closed loop the mean latency is the writers over the saves per second (Little's law),
    // and the saves per second are at most the cores over the CPU time of a save.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cpu_per_save = cpu.as_secs_f64() * 1000.0 / lat.len().max(1) as f64;
    println!(
        "CPU per save, server and client (this process): {cpu_per_save:.2} ms over {:.0}% of {cores} cores; \
         floor of the mean latency at full CPU = {writers} × {cpu_per_save:.2} / {cores} = {:.1} ms",
        cpu.as_secs_f64() / wall.as_secs_f64() / cores as f64 * 100.0,
        writers as f64 * cpu_per_save / cores as f64,
    );
    let failures = failures.lock().await;
    println!(
        "refused or failed saves: {}{}",
        failures.len(),
        if failures.is_empty() { String::new() } else { format!(": {failures:?}") }
    );
    println!(
        "raw 200-row insert in one transaction (diesel, one batched statement, alone): ms p50 {:.2} p99 {:.2}; \
         × {writers} writers queued = {:.1} ms",
        percentile(&raw, 0.50),
        percentile(&raw, 0.99),
        percentile(&raw, 0.50) * writers as f64,
    );
    println!("attendance rows stored: {rows}; the WAL after the timed saves: {:.1} MB", wal_bytes as f64 / 1e6);
    Ok(())
}
