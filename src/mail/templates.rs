//! Email templates: `templates/email/<name>/{subject,text,html}.hbs`, sharing the layouts in
//! `templates/email/layout_{text,html}.hbs`. Wording comes from the message catalogs, in the
//! recipient's language. HTML escapes user data; the plain-text part and the subject do not
//! (they are not HTML), and the subject loses any line break.

use handlebars::Handlebars;
use rust_embed::RustEmbed;
use serde_json::{Value, json};

use crate::i18n::Lang;

#[derive(RustEmbed)]
#[folder = "templates/email/"]
#[include = "*.hbs"]
struct EmailFiles;

pub struct EmailTemplates {
    html: Handlebars<'static>,
    text: Handlebars<'static>,
}

pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl EmailTemplates {
    pub fn load() -> anyhow::Result<Self> {
        let mut html = Handlebars::new();
        let mut text = Handlebars::new();
        text.register_escape_fn(handlebars::no_escape);
        for registry in [&mut html, &mut text] {
            registry.set_strict_mode(true);
            crate::web::render::register_helpers(registry);
        }
        for file in EmailFiles::iter() {
            let name = file.trim_end_matches(".hbs").to_owned();
            let content = EmailFiles::get(&file).expect("listed file exists");
            let source = std::str::from_utf8(&content.data)?.to_owned();
            let registry = if name.ends_with("html") { &mut html } else { &mut text };
            registry.register_template_string(&name, &source).map_err(|e| anyhow::anyhow!("email/{name}: {e}"))?;
            if name.starts_with("layout_") {
                registry.register_partial(&name, source)?;
            }
        }
        Ok(Self { html, text })
    }

    pub fn has(&self, name: &str) -> bool {
        self.text.has_template(&format!("{name}/subject"))
    }

    pub fn render(&self, name: &str, language: &str, data: &Value) -> anyhow::Result<Rendered> {
        let lang = Lang::parse(language).unwrap_or(Lang::Vi);
        let mut context = data.clone();
        if let Value::Object(map) = &mut context {
            map.insert("page".into(), json!({ "lang": lang.code() }));
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

    #[test]
    fn user_data_is_escaped_in_html_only_and_the_subject_is_one_line() {
        let templates = EmailTemplates::load().unwrap();
        let data = json!({
            "name": "<b>Hằng</b> & \"Hà\"",
            "email": "a@b.vn",
            "school": "Trường\r\nChính trị",
            "link": "http://x/invite/abc",
            "expires": "01/01/2027 00:00",
        });
        let r = templates.render("invite", "vi", &data).unwrap();
        assert!(r.html.contains("&lt;b&gt;Hằng&lt;/b&gt; &amp;"), "{}", r.html);
        assert!(!r.html.contains("<b>Hằng"));
        assert!(r.text.contains("Kính gửi <b>Hằng</b> & \"Hà\","), "plain text is not HTML: {}", r.text);
        assert!(!r.subject.contains('\n') && !r.subject.contains('\r'), "{}", r.subject);
        assert!(r.subject.contains("Trường Chính trị"));
    }

    #[test]
    fn every_template_has_its_three_parts_in_both_languages() {
        let templates = EmailTemplates::load().unwrap();
        let data = json!({ "name": "A", "email": "a@b.vn", "school": "S", "link": "L", "expires": "E" });
        for name in ["invite", "reset"] {
            for lang in ["vi", "en"] {
                let r = templates.render(name, lang, &data).unwrap();
                assert!(
                    !r.subject.is_empty() && r.text.contains('L') && r.html.contains("href=\"L\""),
                    "{name} {lang}"
                );
            }
        }
    }
}
