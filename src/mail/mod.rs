//! Email: the outbox worker that sends what `store::outbox` queued, the transports (SMTP, or
//! .eml files when no SMTP server is configured) and the email templates (rendered by
//! `crate::render`). It knows nothing of the web layer; handlers queue messages through
//! `invitations` and wake the worker.

pub mod invitations;
pub mod nominations;
pub mod templates;
pub mod transport;
pub mod worker;

use lettre::Address as EmailAddress;
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment as AttachmentPart, Mailbox, MultiPart, SinglePart};

use crate::config::Config;
use crate::domain::addressing::Address;
use crate::store::outbox::OutboxRow;
use templates::{EmailTemplates, Letterhead};
use transport::{DeliveryError, Transport};

/// A file sent with a message, read from where the row points when the message is built (the
/// outbox row holds no copy).
#[derive(Debug, Clone)]
pub struct Attachment {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The file an outbox row's attachment refers to. Kinds: "certificate" (the stored PDF of a
/// certificate). An unknown kind or a missing file is a permanent failure.
pub fn attachment_for(conn: &mut crate::db::DbConn, row: &OutboxRow) -> Result<Option<Attachment>, DeliveryError> {
    let (Some(kind), Some(id)) = (row.attachment_kind.as_deref(), row.attachment_ref) else {
        return Ok(None);
    };
    match kind {
        crate::store::certificates::ATTACHMENT => {
            use crate::store::{StoreError, certificates};
            let found =
                certificates::find(conn, id).and_then(|c| Ok((c.file_name(), certificates::pdf_bytes(conn, id)?)));
            match found {
                Ok((file_name, bytes)) => Ok(Some(Attachment { file_name, content_type: "application/pdf", bytes })),
                Err(StoreError::NotFound) => {
                    Err(DeliveryError::permanent("không còn giấy chứng nhận để đính kèm".into()))
                }
                Err(e) => Err(DeliveryError::transient(format!("không đọc được tệp đính kèm: {e}"))),
            }
        }
        _ => Err(DeliveryError::permanent("loại tệp đính kèm chưa được hỗ trợ".into())),
    }
}

/// Everything needed to turn an outbox row into a sent message.
pub struct Mailer {
    pub transport: Transport,
    pub templates: EmailTemplates,
    /// The sender's address; its display name is `from_name`, or the school's name.
    pub from_address: EmailAddress,
    /// BOIDUONG_MAIL_FROM_NAME when set; otherwise each message is signed with the school's
    /// name from the settings as they are when it is sent.
    pub from_name: Option<String>,
    pub policy: RetryPolicy,
    pub public_url: String,
    /// Names this worker in the rows it claims, so an operator (and a test) can tell which of
    /// several instances sent a message.
    pub worker_id: String,
    /// Account links expire by this clock (tests move it).
    pub clock: crate::clock::Clock,
}

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub base_seconds: u64,
    pub max_seconds: u64,
    pub max_attempts: i32,
}

impl RetryPolicy {
    /// The wait before the next attempt, after `attempts` failed: base × 2^(attempts−1), capped.
    pub fn delay(&self, attempts: i32) -> time::Duration {
        let exponent = (attempts.max(1) - 1).min(30) as u32;
        let seconds = self.base_seconds.saturating_mul(1u64 << exponent).min(self.max_seconds);
        time::Duration::seconds(seconds as i64)
    }
}

impl Mailer {
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let from_address: EmailAddress = config
            .mail_from_address
            .parse()
            .map_err(|e| anyhow::anyhow!("Cấu hình không hợp lệ: BOIDUONG_MAIL_FROM_ADDRESS ({e})"))?;
        let from_name = Some(config.mail_from_name.trim().to_owned()).filter(|n| !n.is_empty());
        Ok(Self {
            transport: Transport::from_config(config)?,
            templates: EmailTemplates::load()?,
            from_address,
            from_name,
            policy: RetryPolicy {
                base_seconds: config.mail_retry_base_seconds,
                max_seconds: config.mail_retry_max_seconds,
                max_attempts: config.mail_max_attempts,
            },
            public_url: config.public_url.clone(),
            worker_id: worker_id(),
            clock: config.clock.clone(),
        })
    }

    /// The sender: the configured name, or the school's.
    pub fn from(&self, letterhead: &Letterhead) -> Mailbox {
        let name = self.from_name.clone().unwrap_or_else(|| letterhead.school.clone());
        Mailbox::new(Some(name), self.from_address.clone())
    }

    /// Builds the message of a row from its completed data (see `worker::prepare`): rendered
    /// templates, the stable Message-ID, a plain-text and an HTML part.
    pub fn build(
        &self,
        row: &OutboxRow,
        data: &serde_json::Value,
        letterhead: &Letterhead,
        address: Address,
        attachment: Option<&Attachment>,
    ) -> Result<Message, DeliveryError> {
        let rendered = self
            .templates
            .render(&row.template, &row.language, data, letterhead, address)
            .map_err(|e| DeliveryError::permanent(format!("mẫu thư {}: {e}", row.template)))?;
        let to: Mailbox = format!("{} <{}>", row.recipient_name.replace(['<', '>', '"'], ""), row.recipient_email)
            .parse()
            .or_else(|_| row.recipient_email.parse())
            .map_err(|e| DeliveryError::permanent(format!("địa chỉ người nhận không hợp lệ: {e}")))?;
        if row.attachment_kind.is_some() && attachment.is_none() {
            return Err(DeliveryError::permanent("thiếu tệp đính kèm".into()));
        }
        let alternative = MultiPart::alternative()
            .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(rendered.text))
            .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(rendered.html));
        let body = match attachment {
            None => alternative,
            Some(file) => {
                let content_type = ContentType::parse(file.content_type)
                    .map_err(|e| DeliveryError::permanent(format!("kiểu tệp đính kèm: {e}")))?;
                MultiPart::mixed()
                    .multipart(alternative)
                    .singlepart(AttachmentPart::new(file.file_name.clone()).body(file.bytes.clone(), content_type))
            }
        };
        Message::builder()
            .from(self.from(letterhead))
            .to(to)
            .subject(rendered.subject)
            .message_id(Some(row.message_id.clone()))
            .multipart(body)
            .map_err(|e| DeliveryError::permanent(format!("không dựng được thư: {e}")))
    }
}

/// The domain part of the sender address, used in Message-IDs.
pub fn message_id_domain(config: &Config) -> String {
    config.mail_from_address.rsplit('@').next().unwrap_or("boiduong.local").to_owned()
}

/// A name for one worker: the process and a number within it (two mailers in one process, as
/// in tests, differ), with a random part so that instances on different machines differ too.
fn worker_id() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let mut random = [0u8; 3];
    getrandom::fill(&mut random).expect("the OS random source is available");
    let random: String = random.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{random}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = RetryPolicy { base_seconds: 15, max_seconds: 100, max_attempts: 5 };
        assert_eq!(p.delay(1).whole_seconds(), 15);
        assert_eq!(p.delay(2).whole_seconds(), 30);
        assert_eq!(p.delay(3).whole_seconds(), 60);
        assert_eq!(p.delay(4).whole_seconds(), 100);
        assert_eq!(p.delay(60).whole_seconds(), 100);
    }

    /// A runtime, because the SMTP connection pool starts its cleaning task when it is built.
    #[tokio::test]
    async fn the_sender_is_the_school_unless_configured() {
        let letterhead = Letterhead {
            school: "Trường Chính trị tỉnh Đắk Lắk".into(),
            office_phone: String::new(),
            office_address: String::new(),
        };
        // An SMTP URL, so that building the mailer writes no outbox folder (nothing connects yet).
        let config = Config { smtp_url: "smtp://127.0.0.1:2525".into(), ..Config::default() };
        let mailer = Mailer::from_config(&config).unwrap();
        let from = mailer.from(&letterhead);
        assert_eq!(from.name.as_deref(), Some("Trường Chính trị tỉnh Đắk Lắk"));
        assert_eq!(from.email.to_string(), "no-reply@boiduong.local");
        let named = Mailer::from_config(&Config { mail_from_name: "Phòng Đào tạo".into(), ..config }).unwrap();
        assert_eq!(named.from(&letterhead).name.as_deref(), Some("Phòng Đào tạo"));
        assert_ne!(mailer.worker_id, named.worker_id, "every mailer has its own name");
    }
}
