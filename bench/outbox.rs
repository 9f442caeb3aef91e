//! Outbox throughput: N messages drained by the outbox worker to an SMTP server on loopback,
//! next to a plain lettre loop sending N messages to the same server in the same run (the
//! ceiling). Run with `cargo run --release --example outbox_bench [N]`.

use std::io::{BufRead, BufReader};
use std::net::{IpAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use boiduong::config::Config;
use boiduong::mail::{Mailer, worker};
use boiduong::store::outbox::{self, NewEmail};
use futures_util::{StreamExt, stream};
use lettre::message::Mailbox;
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use mailin::response::OK;
use mailin::{Action, Handler, Response, SessionBuilder};

#[derive(Clone)]
struct Counter(Arc<AtomicUsize>);

impl Handler for Counter {
    fn data_end(&mut self) -> Response {
        self.0.fetch_add(1, Ordering::Relaxed);
        OK
    }
}

fn serve(stream: TcpStream, handler: Counter) {
    let peer: IpAddr = stream.peer_addr().map(|a| a.ip()).unwrap_or([127, 0, 0, 1].into());
    // Replies are small writes; without NODELAY each waits for the client's delayed ACK.
    let _ = stream.set_nodelay(true);
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let mut session = SessionBuilder::new("bench").build(peer, handler);
    let _ = session.greeting().write_to(&mut writer);
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).unwrap_or(0) == 0 {
            return;
        }
        let response = session.process(&line);
        match response.action {
            Action::Reply if response.write_to(&mut writer).is_err() => return,
            Action::Close => {
                let _ = response.write_to(&mut writer);
                return;
            }
            _ => {}
        }
    }
}

fn smtp_sink() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let handler = Counter(count.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let h = handler.clone();
            std::thread::spawn(move || serve(stream, h));
        }
    });
    (port, count)
}

fn text() -> String {
    "Kính gửi Nguyễn Thị Hằng,\n\nTrường Chính trị tỉnh Đắk Lắk trân trọng thông báo.\n".repeat(8)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(500);
    let (port, received) = smtp_sink();

    // Ceilings: plain lettre sends over a pooled transport, one at a time and with as many in
    // flight as the worker allows.
    let raw: AsyncSmtpTransport<Tokio1Executor> = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(port)
        .pool_config(PoolConfig::new().max_size(worker::CONCURRENCY as u32))
        .build();
    let from: Mailbox = "Trường Chính trị tỉnh <no-reply@boiduong.local>".parse()?;
    let message = |i: usize| {
        Message::builder()
            .from(from.clone())
            .to(format!("hv{i}@example.vn").parse().unwrap())
            .subject("Đặt lại mật khẩu — Trường Chính trị tỉnh Đắk Lắk")
            .body(text())
            .unwrap()
    };
    let started = Instant::now();
    for i in 0..n {
        raw.send(message(i)).await?;
    }
    let raw_rate = n as f64 / started.elapsed().as_secs_f64();
    let started = Instant::now();
    let results: Vec<_> =
        stream::iter(0..n).map(|i| raw.send(message(i))).buffer_unordered(worker::CONCURRENCY).collect().await;
    assert!(results.iter().all(Result::is_ok));
    let raw_parallel_rate = n as f64 / started.elapsed().as_secs_f64();

    // The outbox: queued rows in a SQLite database, drained by the worker.
    let dir = tempfile::tempdir()?;
    let config = Config {
        database_url: format!("sqlite://{}", dir.path().join("bench.db").display()),
        smtp_url: format!("smtp://127.0.0.1:{port}"),
        outbox_dir: dir.path().join("outbox").display().to_string(),
        ..Config::default()
    };
    let pool = boiduong::db::connect(&config.database_url, 4)?;
    {
        let mut conn = pool.get()?;
        for i in 0..n {
            let email = NewEmail {
                key: format!("bench:{i}"),
                to_email: format!("hv{i}@example.vn"),
                to_name: format!("Học viên {i}"),
                user_id: None,
                person_id: None,
                template: "reset".into(),
                language: "vi".into(),
                data: serde_json::json!({ "name": format!("Học viên {i}"), "email": format!("hv{i}@example.vn"), "school": "Trường Chính trị tỉnh Đắk Lắk", "link": "http://127.0.0.1:8080/password/reset/x", "expires": "01/01/2027 00:00" }),
                attachment: None,
            };
            outbox::enqueue(&mut conn, &email, "boiduong.local")?;
        }
    }
    let mailer = Mailer::from_config(&config)?;
    let before = received.load(Ordering::Relaxed);
    let started = Instant::now();
    let report = worker::send_due(&pool, &mailer).await?;
    let outbox_rate = n as f64 / started.elapsed().as_secs_f64();
    assert_eq!(report.sent, n, "{report:?}");
    assert_eq!(received.load(Ordering::Relaxed) - before, n, "every message arrived once");

    println!(
        "messages | lettre, one at a time (msg/s) | lettre, {c} in flight (msg/s) | outbox worker, {c} in flight (msg/s) | worker ÷ lettre {c} in flight",
        c = worker::CONCURRENCY
    );
    println!("--- | --- | --- | --- | ---");
    println!(
        "{n} | {raw_rate:.0} | {raw_parallel_rate:.0} | {outbox_rate:.0} | {:.2}",
        outbox_rate / raw_parallel_rate
    );
    Ok(())
}
