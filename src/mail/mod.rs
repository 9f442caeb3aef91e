//! Email: the outbox worker that sends what `store::outbox` queued, the transports (SMTP, or
//! .eml files when no SMTP server is configured) and the email templates.

pub mod invitations;
pub mod templates;
pub mod transport;
pub mod worker;

use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};

use crate::config::Config;
use crate::store::outbox::OutboxRow;
use templates::EmailTemplates;
use transport::{DeliveryError, Transport};

/// Everything needed to turn an outbox row into a sent message.
pub struct Mailer {
    pub transport: Transport,
    pub templates: EmailTemplates,
    pub from: Mailbox,
    pub policy: RetryPolicy,
    pub public_url: String,
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
        let from: Mailbox = format!("{} <{}>", config.mail_from_name, config.mail_from_address)
            .parse()
            .map_err(|e| anyhow::anyhow!("Cấu hình không hợp lệ: BOIDUONG_MAIL_FROM_ADDRESS ({e})"))?;
        Ok(Self {
            transport: Transport::from_config(config)?,
            templates: EmailTemplates::load()?,
            from,
            policy: RetryPolicy {
                base_seconds: config.mail_retry_base_seconds,
                max_seconds: config.mail_retry_max_seconds,
                max_attempts: config.mail_max_attempts,
            },
            public_url: config.public_url.clone(),
            clock: config.clock.clone(),
        })
    }

    /// Builds the message of a row from its completed data (see `worker::complete_data`):
    /// rendered templates, the stable Message-ID, a plain-text and an HTML part.
    pub fn build(&self, row: &OutboxRow, data: &serde_json::Value) -> Result<Message, DeliveryError> {
        let rendered = self
            .templates
            .render(&row.template, &row.language, data)
            .map_err(|e| DeliveryError::permanent(format!("mẫu thư {}: {e}", row.template)))?;
        let to: Mailbox = format!("{} <{}>", row.recipient_name.replace(['<', '>', '"'], ""), row.recipient_email)
            .parse()
            .or_else(|_| row.recipient_email.parse())
            .map_err(|e| DeliveryError::permanent(format!("địa chỉ người nhận không hợp lệ: {e}")))?;
        if row.attachment_kind.is_some() {
            // No attachment kinds exist yet; certificates will register theirs.
            return Err(DeliveryError::permanent("loại tệp đính kèm chưa được hỗ trợ".into()));
        }
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(rendered.subject)
            .message_id(Some(row.message_id.clone()))
            .multipart(
                MultiPart::alternative()
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(rendered.text))
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(rendered.html)),
            )
            .map_err(|e| DeliveryError::permanent(format!("không dựng được thư: {e}")))
    }
}

/// The domain part of the sender address, used in Message-IDs.
pub fn message_id_domain(config: &Config) -> String {
    config.mail_from_address.rsplit('@').next().unwrap_or("boiduong.local").to_owned()
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
}
