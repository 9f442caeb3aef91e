//! Templates and the helpers they share, below both the web pages and the emails: `web` renders
//! pages with it, `mail` renders messages with it, and neither reaches into the other.
//!
//! Templates are compiled into the binary (rust-embed) and registered once at start. A template's
//! name is its path under `templates/` without `.hbs` ("people/list", "email/invite/html").

pub mod helpers;
mod labels;

use std::borrow::Cow;

use handlebars::Handlebars;
use rust_embed::RustEmbed;
use serde::Serialize;

use crate::i18n::Lang;

#[derive(RustEmbed)]
#[folder = "templates/"]
#[include = "*.hbs"]
struct TemplateFiles;

/// What the registry escapes values with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// HTML pages and the HTML part of emails.
    Html,
    /// Subjects and plain-text email parts, which are not HTML.
    Nothing,
}

/// A set of compiled templates with the shared helpers.
pub struct Templates {
    /// The page templates have one registry per language, with their fixed labels written in
    /// (see `labels`); the emails have one registry, their labels looked up as they render.
    registries: Vec<(Option<Lang>, Handlebars<'static>)>,
}

impl Templates {
    fn new(escape: Escape, strict: bool) -> Self {
        Self { registries: vec![(None, registry(escape, strict))] }
    }

    fn add(&mut self, name: &str, source: &str, partial: Option<&str>) -> anyhow::Result<()> {
        for (lang, registry) in &mut self.registries {
            let source = match lang {
                Some(lang) => labels::fill(source, *lang),
                None => Cow::Borrowed(source),
            };
            registry.register_template_string(name, &source).map_err(|e| anyhow::anyhow!("template {name}: {e}"))?;
            if let Some(partial) = partial {
                registry.register_partial(partial, &source).map_err(|e| anyhow::anyhow!("partial {partial}: {e}"))?;
            }
        }
        Ok(())
    }

    /// The page templates: everything under `templates/` but `email/`. The layout and the files
    /// in `partials/` are also partials, named without the folder (`{{#> layout}}`,
    /// `{{> pager pager}}`). Lenient: a view model may leave optional fields out.
    pub fn pages() -> anyhow::Result<Self> {
        let mut templates = Self::per_language();
        for (name, source) in embedded().filter(|(name, _)| !name.starts_with("email/")) {
            let partial = if name == "layout" { Some("layout") } else { name.strip_prefix("partials/") };
            templates.add(&name, &source, partial)?;
        }
        Ok(templates)
    }

    fn per_language() -> Self {
        Self { registries: Lang::ALL.into_iter().map(|lang| (Some(lang), registry(Escape::Html, false))).collect() }
    }

    /// The email templates of one kind of part, named without the `email/` folder: the HTML
    /// parts (`<name>/html` and `layout_html`) or the plain-text parts and subjects
    /// (`<name>/text`, `<name>/subject` and `layout_text`). The layouts are also partials.
    /// Strict: a field missing from a message's data is an error, not a blank in a sent email.
    pub fn emails(escape: Escape) -> anyhow::Result<Self> {
        let mut templates = Self::new(escape, true);
        for (name, source) in embedded() {
            let Some(name) = name.strip_prefix("email/") else { continue };
            let is_html = name.ends_with("html");
            if is_html != (escape == Escape::Html) {
                continue;
            }
            let partial = name.starts_with("layout_").then_some(name);
            templates.add(name, &source, partial)?;
        }
        Ok(templates)
    }

    pub fn render<T: Serialize>(&self, name: &str, data: &T) -> anyhow::Result<String> {
        let data = serde_json::to_value(data).map_err(|e| anyhow::anyhow!("rendering {name}: {e}"))?;
        self.render_value(name, data)
    }

    /// Renders data that is already a JSON value, without converting it a second time (which
    /// handlebars does with whatever it is given). A page's language is its `page.lang`, as the
    /// `t` helper reads it.
    pub fn render_value(&self, name: &str, data: serde_json::Value) -> anyhow::Result<String> {
        let lang = helpers::page_lang(&data);
        let registry = self.registry_for(lang);
        let context = handlebars::Context::from(data);
        registry.render_with_context(name, &context).map_err(|e| anyhow::anyhow!("rendering {name}: {e}"))
    }

    fn registry_for(&self, lang: Lang) -> &Handlebars<'static> {
        let (_, first) = &self.registries[0];
        self.registries.iter().find(|(l, _)| *l == Some(lang)).map(|(_, r)| r).unwrap_or(first)
    }

    pub fn has(&self, name: &str) -> bool {
        self.registries[0].1.has_template(name)
    }
}

fn registry(escape: Escape, strict: bool) -> Handlebars<'static> {
    crate::i18n::check();
    let mut registry = Handlebars::new();
    registry.set_dev_mode(false);
    registry.set_strict_mode(strict);
    match escape {
        Escape::Nothing => registry.register_escape_fn(handlebars::no_escape),
        Escape::Html => registry.register_escape_fn(helpers::escape_html),
    }
    helpers::register(&mut registry);
    registry
}

/// Every embedded template as (name, source).
fn embedded() -> impl Iterator<Item = (String, Cow<'static, str>)> {
    TemplateFiles::iter().map(|file| {
        let content = TemplateFiles::get(&file).expect("listed file exists");
        let source = match content.data {
            Cow::Borrowed(bytes) => Cow::Borrowed(std::str::from_utf8(bytes).expect("templates are UTF-8")),
            Cow::Owned(bytes) => Cow::Owned(String::from_utf8(bytes).expect("templates are UTF-8")),
        };
        (file.trim_end_matches(".hbs").to_owned(), source)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_emails_load_apart() {
        let pages = Templates::pages().unwrap();
        assert!(pages.has("layout") && pages.has("mail/list") && pages.has("partials/pager"));
        assert!(!pages.has("email/invite/html"), "page templates do not load the emails");
        let html = Templates::emails(Escape::Html).unwrap();
        assert!(html.has("invite/html") && html.has("layout_html") && !html.has("invite/text"));
        let text = Templates::emails(Escape::Nothing).unwrap();
        assert!(text.has("invite/subject") && text.has("invite/text") && !text.has("invite/html"));
    }

    /// The labels written into the page templates at start give the very bytes the `t` helper
    /// writes, in both languages, on every page template (with the layout's signed-in parts).
    #[test]
    fn filled_in_labels_render_as_the_helper_does() {
        let filled = Templates::pages().unwrap();
        let mut plain = Templates::new(Escape::Html, false);
        let sources: Vec<(String, Cow<'static, str>)> = embedded().filter(|(n, _)| !n.starts_with("email/")).collect();
        for (name, source) in &sources {
            let partial = if name == "layout" { Some("layout") } else { name.strip_prefix("partials/") };
            plain.add(name, source, partial).unwrap();
        }
        let mut compared = 0;
        for lang in Lang::ALL {
            let data = serde_json::json!({
                "page": { "lang": lang.code(), "title": "T", "user": { "name": "Lê Văn A" },
                          "nav": [{ "href": "/", "label": "Trang chủ", "active": true }],
                          "flashes": [{ "kind": "info", "text": "Đã lưu" }] },
            });
            for (name, _) in &sources {
                match (filled.render_value(name, data.clone()), plain.render_value(name, data.clone())) {
                    (Ok(a), Ok(b)) => {
                        assert_eq!(a, b, "{name} in {}", lang.code());
                        compared += 1;
                    }
                    (Err(_), Err(_)) => {}
                    (a, b) => panic!("{name}: {:?} against {:?}", a.map(|_| ()), b.map(|_| ())),
                }
            }
        }
        assert!(compared > 100, "only {compared} renders compared");
    }

    /// `{{> pager pager}}` gives the partial the pager as its context; its messages still
    /// follow the page's language.
    #[test]
    fn the_pager_partial_speaks_the_page_language() {
        let mut t = Templates::new(Escape::Html, false);
        t.add("list", "{{> pager pager}}", None).unwrap();
        let source = embedded().find(|(n, _)| n == "partials/pager").unwrap().1;
        t.add("partials/pager", &source, Some("pager")).unwrap();
        let data = serde_json::json!({
            "page": { "lang": "en" },
            "pager": { "total": 120, "page": 2, "pages": 3, "prev": "/mail", "next": "/mail?page=3" },
        });
        let html = t.render("list", &data).unwrap();
        assert!(html.contains("Page 2 of 3") && html.contains("aria-label=\"Pages\""), "{html}");
        assert!(html.contains("<a href=\"/mail\" rel=\"prev\">Previous page</a>"), "{html}");
        assert!(html.contains("<a href=\"/mail?page&#x3D;3\" rel=\"next\">Next page</a>"), "{html}");
    }

    #[test]
    fn escaping_follows_the_part() {
        let data = serde_json::json!({ "page": { "lang": "vi" }, "name": "<b>A</b>" });
        let mut html = Templates::new(Escape::Html, true);
        html.add("x", "{{name}}", None).unwrap();
        assert_eq!(html.render("x", &data).unwrap(), "&lt;b&gt;A&lt;/b&gt;");
        let mut text = Templates::new(Escape::Nothing, true);
        text.add("x", "{{name}}", None).unwrap();
        assert_eq!(text.render("x", &data).unwrap(), "<b>A</b>");
    }
}
