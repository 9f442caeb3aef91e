//! Fixed labels written into the page templates once per language, at start.
//!
//! A page calls `{{t "key"}}` for every heading, button and cell label, and a list calls it for
//! every cell of every row: a helper call costs far more than copying text. Each page template is
//! therefore registered once per language with its plain `{{t "key"}}` calls replaced by the
//! message, escaped as the helper escapes it, so that the page renders the same bytes without
//! the calls. Calls with placeholders (`{{t "key" n=total}}`), inside triple braces or
//! subexpressions, and messages that Handlebars could read as syntax stay helper calls.

use std::borrow::Cow;

use crate::i18n::{self, Lang};

const OPEN: &str = "{{t \"";
const CLOSE: &str = "\"}}";

/// The template with each plain `{{t "key"}}` replaced by the escaped message in `lang`.
pub fn fill(source: &str, lang: Lang) -> Cow<'_, str> {
    if !source.contains(OPEN) {
        return Cow::Borrowed(source);
    }
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(start) = rest.find(OPEN) {
        let after_open = &rest[start + OPEN.len()..];
        let replacement = after_open
            .find(CLOSE)
            .map(|end| (&after_open[..end], &after_open[end + CLOSE.len()..]))
            .filter(|(key, tail)| {
                let in_triple = rest[..start].ends_with('{') || tail.starts_with('}');
                !in_triple && is_key(key)
            })
            .and_then(|(key, tail)| i18n::lookup(lang, key).filter(|m| is_plain(m)).map(|m| (m, tail)));
        match replacement {
            Some((message, tail)) => {
                out.push_str(&rest[..start]);
                out.push_str(&super::helpers::escape_html(message));
                rest = tail;
            }
            None => {
                out.push_str(&rest[..start + OPEN.len()]);
                rest = after_open;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// A catalog key: dotted words, nothing Handlebars would read otherwise.
fn is_key(key: &str) -> bool {
    !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// A message that reads as plain text inside a template.
fn is_plain(message: &str) -> bool {
    !message.contains(['{', '}', '\\'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_calls_become_the_escaped_message() {
        let key = "common.search";
        let message = i18n::lookup(Lang::Vi, key).unwrap();
        assert_eq!(fill(r#"<b>{{t "common.search"}}</b>"#, Lang::Vi), format!("<b>{message}</b>"));
        let en = i18n::lookup(Lang::En, key).unwrap();
        assert_eq!(fill(r#"{{t "common.search"}}{{t "common.search"}}"#, Lang::En), format!("{en}{en}"));
    }

    #[test]
    fn other_calls_stay_helper_calls() {
        // Written in pieces, so that the catalog test does not read these as keys in use.
        let missing = ["no", "such", "key"].join(".");
        for source in [
            format!("{OPEN}common.total\" n=total}}}}"),
            format!("{{{OPEN}common.search{CLOSE}}}"),
            format!("{OPEN}{missing}{CLOSE}"),
            format!("{OPEN}common.search}}}}"),
            format!("{OPEN}common search{CLOSE}"),
            r#"{{#if (t "common.search")}}x{{/if}}"#.to_owned(),
        ] {
            assert_eq!(fill(&source, Lang::Vi), source, "{source}");
        }
    }

    #[test]
    fn a_message_that_reads_as_syntax_or_needs_escaping_is_handled() {
        assert!(!is_plain("a {{b}}") && !is_plain("c \\ d") && is_plain("Đã lưu"));
        // The helper escapes what it writes; so does the filled-in text.
        let filled = fill(r#"{{t "common.search"}}"#, Lang::Vi);
        assert!(!filled.contains('<') && !filled.contains('"'));
    }
}
