//! The helpers every template may use, pages and emails alike:
//!
//! - `{{t "key"}}`, `{{t "key" name=value}}`: the message in the reader's language (`page.lang`
//!   of the data), escaped as the registry escapes.
//! - `{{#if (eq a b)}}`: true when both are present and equal.
//! - `{{date d}}` → "05/06/2026", `{{date_long d}}` → "ngày 05 tháng 6 năm 2026", for a
//!   `time::Date` in the view model; `{{timestamp ts}}` → "05/06/2026 14:03" in Vietnam's time,
//!   for a stored (UTC) `time::PrimitiveDateTime`. A missing or null value renders nothing.
//!
//! Handlebars' own `ne`, `and`, `or`, `not`, `len` are available too.

use handlebars::{
    Context, Handlebars, Helper, HelperResult, JsonRender, Output, RenderContext, RenderError, RenderErrorReason,
};
use serde::de::DeserializeOwned;

use crate::domain::dates;
use crate::i18n::{self, Lang};

pub fn register(registry: &mut Handlebars<'static>) {
    registry.register_helper("t", Box::new(translate));
    registry.register_helper("eq", Box::new(eq));
    registry.register_helper("date", Box::new(date));
    registry.register_helper("date_long", Box::new(date_long));
    registry.register_helper("timestamp", Box::new(timestamp));
}

fn translate(
    h: &Helper,
    registry: &Handlebars,
    ctx: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let key = h.param(0).and_then(|p| p.value().as_str()).ok_or(RenderErrorReason::ParamNotFoundForIndex("t", 0))?;
    // `ctx` is the data the template was rendered with, also inside blocks and partials.
    let lang = page_lang(ctx.data());
    let message = i18n::lookup(lang, key).unwrap_or(key);
    // Most labels have neither placeholders nor characters to escape: written as they are, with
    // no copy (a list page calls this for every cell's label).
    if h.hash().is_empty() && !message.contains(TO_ESCAPE) {
        out.write(message)?;
        return Ok(());
    }
    let mut text = message.to_owned();
    for (name, value) in h.hash() {
        text = text.replace(&format!("{{{name}}}"), &value.value().render());
    }
    out.write(&registry.get_escape_fn()(&text))?;
    Ok(())
}

/// The language a template renders in: its data's `page.lang`, Vietnamese when none is given.
pub fn page_lang(data: &serde_json::Value) -> Lang {
    data.get("page").and_then(|p| p.get("lang")).and_then(|l| l.as_str()).and_then(Lang::parse).unwrap_or(Lang::Vi)
}

/// The characters HTML escaping replaces (those of Handlebars.js).
const TO_ESCAPE: [char; 7] = ['&', '<', '>', '"', '\'', '`', '='];

/// Escapes as Handlebars' own `escape_html` does, but copies a value with nothing to escape in
/// one go and sizes the output once (every value of every page goes through here).
pub fn escape_html(s: &str) -> String {
    if !s.contains(TO_ESCAPE) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&#x27;"),
            '`' => out.push_str("&#x60;"),
            '=' => out.push_str("&#x3D;"),
            _ => out.push(c),
        }
    }
    out
}

fn eq(h: &Helper, _: &Handlebars, _: &Context, _: &mut RenderContext, out: &mut dyn Output) -> HelperResult {
    let a = h.param(0).map(|p| p.value());
    let b = h.param(1).map(|p| p.value());
    if a.is_some() && a == b {
        out.write("true")?;
    }
    Ok(())
}

/// The first parameter as a `T`, or None when it is missing or null.
fn param<T: DeserializeOwned>(h: &Helper, name: &'static str) -> Result<Option<T>, RenderError> {
    match h.param(0).map(|p| p.value()) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(value) => serde_json::from_value(value.clone())
            .map(Some)
            .map_err(|_| RenderErrorReason::InvalidParamType(name).into()),
    }
}

fn date(h: &Helper, r: &Handlebars, _: &Context, _: &mut RenderContext, out: &mut dyn Output) -> HelperResult {
    if let Some(d) = param::<time::Date>(h, "date")? {
        out.write(&r.get_escape_fn()(&dates::format(d)))?;
    }
    Ok(())
}

fn date_long(h: &Helper, r: &Handlebars, _: &Context, _: &mut RenderContext, out: &mut dyn Output) -> HelperResult {
    if let Some(d) = param::<time::Date>(h, "date_long")? {
        out.write(&r.get_escape_fn()(&dates::format_long(d)))?;
    }
    Ok(())
}

fn timestamp(h: &Helper, r: &Handlebars, _: &Context, _: &mut RenderContext, out: &mut dyn Output) -> HelperResult {
    if let Some(ts) = param::<time::PrimitiveDateTime>(h, "timestamp")? {
        out.write(&r.get_escape_fn()(&dates::format_timestamp(ts)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(template: &str, data: serde_json::Value) -> Result<String, handlebars::RenderError> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        register(&mut registry);
        registry.render_template(template, &data)
    }

    #[test]
    fn messages_follow_the_page_language_also_inside_blocks() {
        let data = json!({ "page": { "lang": "en" }, "rows": [1] });
        assert_eq!(render("{{#each rows}}{{t \"common.next\"}}{{/each}}", data).unwrap(), "Next page");
        let data = json!({ "page": { "lang": "vi" } });
        assert_eq!(render("{{t \"common.page_of\" page=2 pages=3}}", data).unwrap(), "Trang 2/3");
    }

    #[test]
    fn messages_are_escaped_with_their_values() {
        let data = json!({ "page": { "lang": "vi" }, "n": "<b>" });
        assert_eq!(render("{{t \"common.total\" n=n}}", data).unwrap(), "Tổng số: &lt;b&gt;");
    }

    #[test]
    fn escaping_matches_handlebars_own() {
        for s in ["", "Nguyễn Văn An", "a<b>&\"c\"'d'`e`=f", "<script>alert(1)</script>", "x=1&y=2"] {
            assert_eq!(escape_html(s), handlebars::html_escape(s), "{s}");
        }
        let data = json!({ "page": { "lang": "vi" } });
        assert_eq!(render("{{t \"no.such.key<\"}}", data).unwrap(), "no.such.key&lt;", "a missing key is escaped too");
    }

    #[test]
    fn eq_is_true_only_for_equal_present_values() {
        let data = json!({ "a": "x", "b": "x", "c": "y" });
        assert_eq!(render("{{#if (eq a b)}}yes{{/if}}{{#if (eq a c)}}no{{/if}}", data).unwrap(), "yes");
    }

    #[test]
    fn dates_the_vietnamese_way() {
        let data = json!({
            "d": time::macros::date!(2026 - 06 - 05),
            "ts": time::macros::datetime!(2026-06-05 07:03),
            "none": null,
        });
        let out = render("{{date d}}|{{date_long d}}|{{timestamp ts}}|{{date none}}", data).unwrap();
        assert_eq!(out, "05/06/2026|ngày 05 tháng 6 năm 2026|05/06/2026 14:03|");
        assert!(render("{{date d}}", json!({ "d": "05/06/2026" })).is_err(), "a date is a time::Date");
    }
}
