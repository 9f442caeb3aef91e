//! Where messages go: an SMTP server (smtp:// with STARTTLS, or smtps://), or — when none is
//! configured, the default on a fresh machine — .eml files in the outbox folder, so nothing is
//! lost and a new user can open them.
//!
//! SMTP credentials never travel in the clear: with a user configured, smtp:// requires
//! STARTTLS, and a server that does not offer it fails the message with a clear answer instead
//! of receiving the password unencrypted.

use std::time::Duration;

use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Config;

/// The delivery log's answer when a server that must encrypt does not offer STARTTLS.
pub const NO_STARTTLS_WITH_CREDENTIALS: &str =
    "Máy chủ SMTP không hỗ trợ STARTTLS; không gửi mật khẩu SMTP qua kết nối không mã hóa";
const NO_STARTTLS_REQUIRED: &str =
    "Máy chủ SMTP không hỗ trợ STARTTLS, mà cấu hình yêu cầu mã hóa (BOIDUONG_SMTP_REQUIRE_TLS)";

pub enum Transport {
    Smtp {
        smtp: AsyncSmtpTransport<Tokio1Executor>,
        /// The answer to record when the server does not offer STARTTLS although it is required.
        no_starttls: &'static str,
    },
    Files(AsyncFileTransport<Tokio1Executor>, std::path::PathBuf),
}

/// Why a message was not sent, and whether trying again can help.
#[derive(Debug, Clone)]
pub struct DeliveryError {
    pub permanent: bool,
    pub answer: String,
}

impl DeliveryError {
    pub fn permanent(answer: String) -> Self {
        Self { permanent: true, answer }
    }
    pub fn transient(answer: String) -> Self {
        Self { permanent: false, answer }
    }
}

/// How smtp:// encrypts: STARTTLS required when a user is configured (so the password is never
/// sent in the clear) or when the configuration asks for it; otherwise used when offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartTls {
    RequiredForCredentials,
    Required,
    Opportunistic,
}

impl StartTls {
    pub fn for_config(config: &Config) -> Self {
        if config.smtp_user.is_some() {
            StartTls::RequiredForCredentials
        } else if config.smtp_require_tls {
            StartTls::Required
        } else {
            StartTls::Opportunistic
        }
    }
}

impl Transport {
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        if config.smtp_url.trim().is_empty() {
            let dir = std::path::PathBuf::from(&config.outbox_dir);
            std::fs::create_dir_all(&dir)
                .map_err(|e| anyhow::anyhow!("Không tạo được thư mục thư đi {}: {e}", dir.display()))?;
            return Ok(Transport::Files(AsyncFileTransport::new(&dir), dir));
        }
        let (scheme, rest) = config.smtp_url.split_once("://").unwrap_or(("smtp", &config.smtp_url));
        let authority = rest.split('/').next().unwrap_or(rest);
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (
                h.to_owned(),
                p.parse::<u16>()
                    .map_err(|_| anyhow::anyhow!("Cấu hình không hợp lệ: BOIDUONG_SMTP_URL có cổng sai"))?,
            ),
            None => (authority.to_owned(), if scheme == "smtps" { 465 } else { 587 }),
        };
        if host.is_empty() {
            anyhow::bail!("Cấu hình không hợp lệ: BOIDUONG_SMTP_URL thiếu tên máy chủ");
        }
        let tls_parameters = tls_parameters(config, &host)?;
        let starttls = StartTls::for_config(config);
        let tls = match (scheme, starttls) {
            ("smtps", _) => Tls::Wrapper(tls_parameters),
            (_, StartTls::Opportunistic) => Tls::Opportunistic(tls_parameters),
            _ => Tls::Required(tls_parameters),
        };
        if scheme != "smtps" && starttls == StartTls::RequiredForCredentials {
            tracing::warn!(
                "BOIDUONG_SMTP_USER is set with an smtp:// server: STARTTLS will be required, and messages \
                 fail (the password is never sent unencrypted) if the server does not offer it"
            );
        }
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(30)))
            .pool_config(PoolConfig::new().max_size(super::worker::CONCURRENCY as u32));
        if let (Some(user), Some(password)) = (&config.smtp_user, &config.smtp_password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        let no_starttls = match starttls {
            StartTls::RequiredForCredentials => NO_STARTTLS_WITH_CREDENTIALS,
            _ => NO_STARTTLS_REQUIRED,
        };
        Ok(Transport::Smtp { smtp: builder.build(), no_starttls })
    }

    /// Sends; Ok carries the server's answer. A 5xx answer and a server that does not offer the
    /// STARTTLS we require are permanent; a refused or dropped connection, a timeout or a 4xx is
    /// worth trying again. No answer carries a path of this machine.
    pub async fn send(&self, message: Message) -> Result<String, DeliveryError> {
        match self {
            Transport::Smtp { smtp, no_starttls } => match smtp.send(message).await {
                Ok(response) => Ok(format!("{} {}", response.code(), response.message().collect::<Vec<_>>().join(" "))),
                Err(e) if is_missing_starttls(&e) => Err(DeliveryError::permanent((*no_starttls).into())),
                Err(e) if e.is_permanent() => Err(DeliveryError::permanent(e.to_string())),
                Err(e) => Err(DeliveryError::transient(e.to_string())),
            },
            Transport::Files(files, _) => match files.send(message).await {
                Ok(id) => Ok(format!("đã ghi vào thư mục thư đi (tệp {id}.eml)")),
                Err(e) => Err(DeliveryError::transient(format!("không ghi được vào thư mục thư đi: {}", io_kind(&e)))),
            },
        }
    }

    /// For the operator (the start log, `boiduong outbox`), never for the web pages.
    pub fn describe(&self) -> String {
        match self {
            Transport::Smtp { .. } => "SMTP".into(),
            Transport::Files(_, dir) => format!("tệp .eml trong {}", dir.display()),
        }
    }
}

/// The TLS settings for `host`: the usual roots, plus the certificate authority of
/// BOIDUONG_SMTP_CA_FILE when a school's own mail server has one.
fn tls_parameters(config: &Config, host: &str) -> anyhow::Result<TlsParameters> {
    let mut builder = TlsParameters::builder(host.to_owned());
    let ca_file = config.smtp_ca_file.trim();
    if !ca_file.is_empty() {
        let pem = std::fs::read(ca_file)
            .map_err(|e| anyhow::anyhow!("Không đọc được BOIDUONG_SMTP_CA_FILE ({ca_file}): {e}"))?;
        let certificate = Certificate::from_pem(&pem)
            .map_err(|e| anyhow::anyhow!("BOIDUONG_SMTP_CA_FILE ({ca_file}) không phải chứng chỉ PEM hợp lệ: {e}"))?;
        builder = builder.add_root_certificate(certificate);
    }
    builder.build().map_err(|e| anyhow::anyhow!("Cấu hình TLS cho {host} không hợp lệ: {e}"))
}

/// lettre reports a server without STARTTLS, when it is required, as a client error naming it.
fn is_missing_starttls(e: &lettre::transport::smtp::Error) -> bool {
    e.is_client() && e.to_string().contains("STARTTLS")
}

/// The kind of a file error without the path it may name.
fn io_kind(e: &lettre::transport::file::Error) -> String {
    match std::error::Error::source(e).and_then(|s| s.downcast_ref::<std::io::Error>()) {
        Some(io) => io.kind().to_string(),
        None => "lỗi ghi tệp".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str, user: Option<&str>, require: bool) -> Config {
        Config {
            smtp_url: url.into(),
            smtp_user: user.map(Into::into),
            smtp_password: user.map(|_| "mat-khau".into()),
            smtp_require_tls: require,
            ..Config::default()
        }
    }

    #[test]
    fn a_user_makes_starttls_required() {
        assert_eq!(
            StartTls::for_config(&config("smtp://mail.x.vn", Some("u"), false)),
            StartTls::RequiredForCredentials
        );
        assert_eq!(StartTls::for_config(&config("smtp://mail.x.vn", None, true)), StartTls::Required);
        assert_eq!(StartTls::for_config(&config("smtp://mail.x.vn", None, false)), StartTls::Opportunistic);
    }

    #[test]
    fn a_missing_ca_file_stops_the_start_with_its_name() {
        let mut c = config("smtp://mail.x.vn", None, false);
        c.smtp_ca_file = "/khong/co/ca.pem".into();
        let err = Transport::from_config(&c).err().expect("refused").to_string();
        assert!(err.contains("BOIDUONG_SMTP_CA_FILE"), "{err}");
    }
}
