//! A real SMTP server inside the test process (the `mailin` protocol engine with a thread per
//! connection), so emails cross a real socket and a real SMTP dialogue. Recipients whose
//! address starts with "tuchoi" are refused with 550, for testing permanent rejections.
//!
//! A server may offer STARTTLS (rustls, with the certificate in `tls/`: `server.pem` for
//! 127.0.0.1, issued by the test authority `ca.pem`, whose key was thrown away once it had
//! signed). Clients trust it through BOIDUONG_SMTP_CA_FILE = `CA_FILE`.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use mailin::response::{NO_MAILBOX, OK};
use mailin::{Action, Handler, Response, SessionBuilder};

/// The certificate authority that issued the test server's certificate.
pub const CA_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/app/tls/ca.pem");

#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: Vec<u8>,
    /// When the end of the message arrived.
    pub at: Instant,
    /// Whether it came over TLS.
    pub encrypted: bool,
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

/// What a server offers besides plain SMTP.
#[derive(Clone, Default)]
struct Options {
    /// When set, AUTH PLAIN is offered and required.
    account: Option<(String, String)>,
    /// When set, STARTTLS is offered with this configuration, and AUTH only after it.
    tls: Option<Arc<rustls::ServerConfig>>,
}

#[derive(Clone)]
struct Collector {
    received: Arc<Mutex<Vec<Received>>>,
    current: Option<Received>,
    account: Option<(String, String)>,
    logins: Arc<Mutex<Vec<(String, String)>>>,
    /// Whether this connection is encrypted yet (one flag per connection).
    encrypted: Arc<AtomicBool>,
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
        self.current = Some(Received {
            from: from.to_owned(),
            to: to.to_vec(),
            data: Vec::new(),
            at: Instant::now(),
            encrypted: self.encrypted.load(Ordering::SeqCst),
        });
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(current) = &mut self.current {
            current.data.extend_from_slice(buf);
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(mut done) = self.current.take() {
            done.at = Instant::now();
            self.received.lock().unwrap().push(done);
        }
        OK
    }
}

impl SmtpServer {
    pub fn start() -> Self {
        Self::listen(TcpListener::bind("127.0.0.1:0").expect("port 0 binds"), Options::default())
    }

    /// A server without STARTTLS that offers and requires AUTH PLAIN with this account over
    /// the plain connection — what a client must refuse to send a password to.
    pub fn start_with_account(user: &str, password: &str) -> Self {
        let options = Options { account: Some((user.into(), password.into())), tls: None };
        Self::listen(TcpListener::bind("127.0.0.1:0").expect("port 0 binds"), options)
    }

    /// A server that offers STARTTLS, then AUTH PLAIN with this account (only once encrypted).
    pub fn start_with_starttls_and_account(user: &str, password: &str) -> Self {
        let options = Options { account: Some((user.into(), password.into())), tls: Some(tls_config()) };
        Self::listen(TcpListener::bind("127.0.0.1:0").expect("port 0 binds"), options)
    }

    pub fn logins(&self) -> Vec<(String, String)> {
        self.logins.lock().unwrap().clone()
    }

    /// Starts on a given port (for "the server comes back" tests).
    pub fn start_on(port: u16) -> Self {
        Self::listen(TcpListener::bind(("127.0.0.1", port)).expect("the port is free again"), Options::default())
    }

    /// A port on which nothing listens (yet).
    pub fn unused_port() -> u16 {
        TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
    }

    fn listen(listener: TcpListener, options: Options) -> Self {
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let running = Arc::new(AtomicBool::new(true));
        let logins = Arc::new(Mutex::new(Vec::new()));
        let collector = Collector {
            received: received.clone(),
            current: None,
            account: options.account.clone(),
            logins: logins.clone(),
            encrypted: Arc::new(AtomicBool::new(false)),
        };
        let flag = running.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if !flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (handler, tls) = (collector.clone(), options.tls.clone());
                std::thread::spawn(move || serve(stream, handler, tls));
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
    /// Waits until a message to `to` whose subject starts with `subject` arrived (at most
    /// `seconds`), then returns those messages: the demo school sends mail of its own.
    pub async fn wait_for_subject(&self, to: &str, subject: &str, seconds: u64) -> Vec<Received> {
        let matching = || {
            self.received_to(to)
                .into_iter()
                .filter(|m| m.parsed().subject().is_some_and(|s| s.starts_with(subject)))
                .collect::<Vec<_>>()
        };
        for _ in 0..seconds * 20 {
            if !matching().is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        matching()
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

/// The test server's TLS configuration: its certificate and key from `tls/`.
fn tls_config() -> Arc<rustls::ServerConfig> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/app/tls");
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(format!("{dir}/server.pem"))
        .expect("server.pem reads")
        .collect::<Result<_, _>>()
        .expect("server.pem parses");
    let key = PrivateKeyDer::from_pem_file(format!("{dir}/server-key.pem")).expect("server-key.pem parses");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("the certificate matches its key");
    Arc::new(config)
}

/// The connection, plain or upgraded by STARTTLS.
enum Connection {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ServerConnection, TcpStream>>),
}

impl Read for Connection {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Connection::Plain(s) => s.read(buf),
            Connection::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Connection {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Connection::Plain(s) => s.write(buf),
            Connection::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Connection::Plain(s) => s.flush(),
            Connection::Tls(s) => s.flush(),
        }
    }
}

fn serve(stream: TcpStream, mut handler: Collector, tls: Option<Arc<rustls::ServerConfig>>) {
    let peer: IpAddr = stream.peer_addr().map(|a| a.ip()).unwrap_or([127, 0, 0, 1].into());
    // Replies are small writes; without NODELAY each waits for the client's delayed ACK.
    let _ = stream.set_nodelay(true);
    let mut builder = SessionBuilder::new("smtp.test");
    if tls.is_some() {
        builder.enable_start_tls();
    }
    if handler.account.is_some() {
        builder.enable_auth(mailin::AuthMechanism::Plain);
        if tls.is_none() {
            builder.insecure_enable_plaintext_auth();
        }
    }
    let encrypted = Arc::new(AtomicBool::new(false));
    handler.encrypted = encrypted.clone();
    let mut connection = BufReader::new(Connection::Plain(stream));
    let mut session = builder.build(peer, handler);
    if session.greeting().write_to(connection.get_mut()).is_err() {
        return;
    }
    let mut line = Vec::new();
    loop {
        line.clear();
        match connection.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let response = session.process(&line);
        match response.action {
            Action::Reply => {
                if response.write_to(connection.get_mut()).is_err() {
                    return;
                }
            }
            Action::Close => {
                let _ = response.write_to(connection.get_mut());
                let _ = connection.get_mut().flush();
                return;
            }
            Action::UpgradeTls => {
                let (Some(config), Connection::Plain(tcp)) = (&tls, connection.into_inner()) else { return };
                let mut tcp = tcp;
                if response.write_to(&mut tcp).is_err() {
                    return;
                }
                let Ok(server) = rustls::ServerConnection::new(config.clone()) else { return };
                connection = BufReader::new(Connection::Tls(Box::new(rustls::StreamOwned::new(server, tcp))));
                encrypted.store(true, Ordering::SeqCst);
                session.tls_active();
            }
            Action::NoReply => {}
        }
    }
}
