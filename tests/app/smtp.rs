//! A real SMTP server inside the test process (the `mailin` protocol engine with a thread per
//! connection), so emails cross a real socket and a real SMTP dialogue. Recipients whose
//! address starts with "tuchoi" are refused with 550, for testing permanent rejections.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailin::response::{NO_MAILBOX, OK};
use mailin::{Action, Handler, Response, SessionBuilder};

#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

impl Received {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default().parse(&self.data).expect("a parsable message")
    }
}

pub struct SmtpServer {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    running: Arc<AtomicBool>,
    /// The (user, password) pairs clients authenticated with.
    logins: Arc<Mutex<Vec<(String, String)>>>,
}

#[derive(Clone)]
struct Collector {
    received: Arc<Mutex<Vec<Received>>>,
    current: Option<Received>,
    /// When set, AUTH PLAIN is offered (over plain text, for tests) and required.
    account: Option<(String, String)>,
    logins: Arc<Mutex<Vec<(String, String)>>>,
}

impl Handler for Collector {
    fn auth_plain(&mut self, _authorization_id: &str, user: &str, password: &str) -> Response {
        self.logins.lock().unwrap().push((user.to_owned(), password.to_owned()));
        match &self.account {
            Some((u, p)) if u == user && p == password => mailin::response::AUTH_OK,
            _ => mailin::response::INVALID_CREDENTIALS,
        }
    }

    fn rcpt(&mut self, to: &str) -> Response {
        if to.trim_start_matches('<').starts_with("tuchoi") { NO_MAILBOX } else { OK }
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Some(Received { from: from.to_owned(), to: to.to_vec(), data: Vec::new() });
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(current) = &mut self.current {
            current.data.extend_from_slice(buf);
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(done) = self.current.take() {
            self.received.lock().unwrap().push(done);
        }
        OK
    }
}

impl SmtpServer {
    pub fn start() -> Self {
        Self::listen(TcpListener::bind("127.0.0.1:0").expect("port 0 binds"), None)
    }

    /// A server that requires AUTH PLAIN with this account.
    pub fn start_with_account(user: &str, password: &str) -> Self {
        Self::listen(TcpListener::bind("127.0.0.1:0").expect("port 0 binds"), Some((user.into(), password.into())))
    }

    pub fn logins(&self) -> Vec<(String, String)> {
        self.logins.lock().unwrap().clone()
    }

    /// Starts on a given port (for "the server comes back" tests).
    pub fn start_on(port: u16) -> Self {
        Self::listen(TcpListener::bind(("127.0.0.1", port)).expect("the port is free again"), None)
    }

    /// A port on which nothing listens (yet).
    pub fn unused_port() -> u16 {
        TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
    }

    fn listen(listener: TcpListener, account: Option<(String, String)>) -> Self {
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let running = Arc::new(AtomicBool::new(true));
        let logins = Arc::new(Mutex::new(Vec::new()));
        let collector = Collector { received: received.clone(), current: None, account, logins: logins.clone() };
        let flag = running.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if !flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let handler = collector.clone();
                std::thread::spawn(move || serve(stream, handler));
            }
        });
        Self { port, received, running, logins }
    }

    /// Stops accepting connections and frees the port.
    pub fn stop(&self) {
        self.running.store(false, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        std::thread::sleep(Duration::from_millis(50));
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// The messages addressed to `to`.
    pub fn received_to(&self, to: &str) -> Vec<Received> {
        self.received().into_iter().filter(|r| r.to.iter().any(|t| t == to)).collect()
    }

    /// Waits until a message to `to` arrived (at most `seconds`), then returns those messages.
    pub async fn wait_for_to(&self, to: &str, seconds: u64) -> Vec<Received> {
        for _ in 0..seconds * 20 {
            if !self.received_to(to).is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.received_to(to)
    }

    /// Waits until at least `n` messages arrived (at most `seconds`), then returns them all.
    pub async fn wait_for(&self, n: usize, seconds: u64) -> Vec<Received> {
        for _ in 0..seconds * 20 {
            if self.received.lock().unwrap().len() >= n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.received()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serve(stream: TcpStream, handler: Collector) {
    let peer: IpAddr = stream.peer_addr().map(|a| a.ip()).unwrap_or([127, 0, 0, 1].into());
    // Replies are small writes; without NODELAY each waits for the client's delayed ACK.
    let _ = stream.set_nodelay(true);
    let mut writer = stream.try_clone().expect("stream clones");
    let mut reader = BufReader::new(stream);
    let mut builder = SessionBuilder::new("smtp.test");
    if handler.account.is_some() {
        builder.enable_auth(mailin::AuthMechanism::Plain).insecure_enable_plaintext_auth();
    }
    let mut session = builder.build(peer, handler);
    if session.greeting().write_to(&mut writer).is_err() {
        return;
    }
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let response = session.process(&line);
        match response.action {
            Action::Reply => {
                if response.write_to(&mut writer).is_err() {
                    return;
                }
            }
            Action::Close => {
                let _ = response.write_to(&mut writer);
                let _ = writer.flush();
                return;
            }
            Action::NoReply | Action::UpgradeTls => {}
        }
    }
}
