//! Email templates: `templates/email/<name>/{subject,text,html}.hbs`, sharing the layouts in
//! `templates/email/layout_{text,html}.hbs`, compiled by `crate::render`. Wording comes from the
//! message catalogs, in the recipient's language. HTML escapes user data; the plain-text part
//! and the subject do not (they are not HTML), and the subject loses any line break.
//!
//! Besides its own data, every message gets what is true when it is sent: the school's name and
//! its training office's contact from the settings (`Letterhead`), and how to address the reader
//! (`Address`: the greeting and the same "đồng chí" or "anh/chị" in the body).

use serde_json::{Value, json};

use crate::domain::addressing::Address;
use crate::i18n::{self, Lang};
use crate::render::{Escape, Templates};
use crate::store::settings::SchoolSettings;

pub struct EmailTemplates {
    html: Templates,
    text: Templates,
}

pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The sender's part of every message, from the school's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Letterhead {
    /// The school's name with its province ("Trường Chính trị tỉnh Đắk Lắk").
    pub school: String,
    pub office_phone: String,
    pub office_address: String,
}

impl Letterhead {
    pub fn from_settings(settings: &SchoolSettings) -> Self {
        Self {
            school: settings.full_name(),
            office_phone: settings.office_phone.trim().to_owned(),
            office_address: settings.office_address.trim().to_owned(),
        }
    }
}

impl EmailTemplates {
    pub fn load() -> anyhow::Result<Self> {
        Ok(Self { html: Templates::emails(Escape::Html)?, text: Templates::emails(Escape::Nothing)? })
    }

    pub fn has(&self, name: &str) -> bool {
        self.text.has(&format!("{name}/subject"))
    }

    pub fn render(
        &self,
        name: &str,
        language: &str,
        data: &Value,
        letterhead: &Letterhead,
        address: Address,
    ) -> anyhow::Result<Rendered> {
        let lang = Lang::parse(language).unwrap_or(Lang::Vi);
        let mut context = data.clone();
        let Value::Object(map) = &mut context else {
            anyhow::bail!("the data of email {name} is not an object");
        };
        let office = (!letterhead.office_phone.is_empty() || !letterhead.office_address.is_empty())
            .then(|| json!({ "phone": letterhead.office_phone, "address": letterhead.office_address }));
        for (key, value) in [
            ("page", json!({ "lang": lang.code() })),
            ("school", json!(letterhead.school)),
            ("office", json!(office)),
            ("greeting", json!(address.greeting_key())),
            ("you", json!(i18n::t(lang, address.you_key()))),
        ] {
            map.insert(key.into(), value);
        }
        let subject = self.text.render(&format!("{name}/subject"), &context)?;
        Ok(Rendered {
            subject: subject.split_whitespace().collect::<Vec<_>>().join(" "),
            text: self.text.render(&format!("{name}/text"), &context)?,
            html: self.html.render(&format!("{name}/html"), &context)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letterhead() -> Letterhead {
        Letterhead {
            school: "Trường\r\nChính trị".into(),
            office_phone: "0262 3852 555".into(),
            office_address: "Số 1 Lê Duẩn".into(),
        }
    }

    #[test]
    fn user_data_is_escaped_in_html_only_and_the_subject_is_one_line() {
        let templates = EmailTemplates::load().unwrap();
        let data = json!({
            "name": "<b>Hằng</b> & \"Hà\"",
            "email": "a@b.vn",
            "link": "http://x/invite/abc",
            "expires": "01/01/2027 00:00",
        });
        let r = templates.render("invite", "vi", &data, &letterhead(), Address::AnhChi).unwrap();
        assert!(r.html.contains("&lt;b&gt;Hằng&lt;/b&gt; &amp;"), "{}", r.html);
        assert!(!r.html.contains("<b>Hằng"));
        assert!(r.text.contains("Kính gửi anh/chị <b>Hằng</b> & \"Hà\","), "plain text is not HTML: {}", r.text);
        assert!(!r.subject.contains('\n') && !r.subject.contains('\r'), "{}", r.subject);
        assert!(r.subject.contains("Trường Chính trị"));
    }

    #[test]
    fn every_template_has_its_three_parts_in_both_languages() {
        let templates = EmailTemplates::load().unwrap();
        let data = json!({ "name": "A", "email": "a@b.vn", "link": "L", "expires": "E" });
        for name in ["invite", "reset"] {
            for lang in ["vi", "en"] {
                let r = templates.render(name, lang, &data, &letterhead(), Address::Comrade).unwrap();
                assert!(
                    !r.subject.is_empty() && r.text.contains('L') && r.html.contains("href=\"L\""),
                    "{name} {lang}"
                );
            }
        }
    }

    /// Vietnamese emails address their reader one way from the greeting to the end.
    #[test]
    fn the_greeting_and_the_body_address_the_reader_alike() {
        let templates = EmailTemplates::load().unwrap();
        let data = json!({ "name": "Hà", "email": "a@b.vn", "link": "L", "expires": "E" });
        for name in ["invite", "reset"] {
            for (address, form) in [(Address::Comrade, "đồng chí"), (Address::AnhChi, "anh/chị")] {
                let r = templates.render(name, "vi", &data, &letterhead(), address).unwrap();
                for part in [&r.text, &r.html] {
                    assert!(part.contains(&format!("Kính gửi {form} Hà,")), "{name}: {part}");
                    assert!(part.matches(form).count() >= 2, "the body uses \"{form}\" too: {part}");
                    assert!(!part.to_lowercase().contains("bạn"), "never \"bạn\": {part}");
                }
            }
        }
    }

    #[test]
    fn the_footer_gives_the_training_office_only_when_known() {
        let templates = EmailTemplates::load().unwrap();
        let data = json!({ "name": "Hà", "email": "a@b.vn", "link": "L", "expires": "E" });
        let r = templates.render("reset", "vi", &data, &letterhead(), Address::Comrade).unwrap();
        for part in [&r.text, &r.html] {
            assert!(part.contains("Phòng Quản lý đào tạo") && part.contains("0262 3852 555"), "{part}");
            assert!(part.contains("Số 1 Lê Duẩn"), "{part}");
        }
        let bare = Letterhead { office_phone: String::new(), office_address: String::new(), ..letterhead() };
        let r = templates.render("reset", "vi", &data, &bare, Address::Comrade).unwrap();
        for part in [&r.text, &r.html] {
            assert!(!part.contains("Phòng Quản lý đào tạo") && !part.contains("Điện thoại"), "{part}");
        }
    }
}
