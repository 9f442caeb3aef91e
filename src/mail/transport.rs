//! Where messages go: an SMTP server (smtp:// with STARTTLS when offered or required, or
//! smtps://), or — when none is configured, the default on a fresh machine — .eml files in the
//! outbox folder, so nothing is lost and a new user can open them.

use std::time::Duration;

use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Config;

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
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
        let tls_parameters = TlsParameters::new(host.clone())
            .map_err(|e| anyhow::anyhow!("Cấu hình TLS cho {host} không hợp lệ: {e}"))?;
        let tls = match scheme {
            "smtps" => Tls::Wrapper(tls_parameters),
            _ if config.smtp_require_tls => Tls::Required(tls_parameters),
            _ => Tls::Opportunistic(tls_parameters),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(30)))
            .pool_config(PoolConfig::new().max_size(super::worker::CONCURRENCY as u32));
        if let (Some(user), Some(password)) = (&config.smtp_user, &config.smtp_password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Transport::Smtp(builder.build()))
    }

    /// Sends; Ok carries the server's answer. Only a 5xx answer is permanent: a refused or
    /// dropped connection, a timeout or a 4xx is worth trying again.
    pub async fn send(&self, message: Message) -> Result<String, DeliveryError> {
        match self {
            Transport::Smtp(smtp) => match smtp.send(message).await {
                Ok(response) => Ok(format!("{} {}", response.code(), response.message().collect::<Vec<_>>().join(" "))),
                Err(e) if e.is_permanent() => Err(DeliveryError::permanent(e.to_string())),
                Err(e) => Err(DeliveryError::transient(e.to_string())),
            },
            Transport::Files(files, dir) => match files.send(message).await {
                Ok(id) => Ok(format!("đã ghi {}", dir.join(format!("{id}.eml")).display())),
                Err(e) => Err(DeliveryError::transient(e.to_string())),
            },
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Transport::Smtp(_) => "SMTP".into(),
            Transport::Files(_, dir) => format!("tệp .eml trong {}", dir.display()),
        }
    }
}
