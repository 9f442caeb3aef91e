//! Message catalogs: every label and message the interface shows comes from
//! `locales/<lang>.toml`, Vietnamese first, English second. Nested tables flatten to dotted
//! keys ("people.title"). A missing English entry falls back to Vietnamese; a missing key shows
//! the key itself so it is noticed.

use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Vi, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

type Catalog = HashMap<String, String>;

/// `locales/<lang>/<feature>.toml`, one file per feature so features do not step on each other.
#[derive(rust_embed::RustEmbed)]
#[folder = "locales/"]
#[include = "*.toml"]
struct CatalogFiles;

static CATALOGS: LazyLock<[Catalog; 2]> = LazyLock::new(|| [load(Lang::Vi), load(Lang::En)]);

fn load(lang: Lang) -> Catalog {
    let mut out = Catalog::new();
    let prefix = format!("{}/", lang.code());
    for file in CatalogFiles::iter().filter(|f| f.starts_with(&prefix)) {
        let content = CatalogFiles::get(&file).expect("listed file exists");
        let source = std::str::from_utf8(&content.data).expect("catalogs are UTF-8");
        let table: toml::Table =
            source.parse().unwrap_or_else(|e| panic!("message catalog {file} is not valid TOML: {e}"));
        flatten("", &table, &mut out);
    }
    out
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut Catalog) {
    for (key, value) in table {
        let full = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match value {
            toml::Value::Table(inner) => flatten(&full, inner, out),
            toml::Value::String(s) => {
                out.insert(full, s.clone());
            }
            other => {
                out.insert(full, other.to_string());
            }
        }
    }
}

fn catalog(lang: Lang) -> &'static Catalog {
    &CATALOGS[match lang {
        Lang::Vi => 0,
        Lang::En => 1,
    }]
}

/// The message for `key` in `lang`.
pub fn t(lang: Lang, key: &str) -> String {
    lookup(lang, key).unwrap_or(key).to_owned()
}

/// The message as the catalog holds it, without copying (the templates' hot path), falling back
/// to Vietnamese; None when neither catalog has the key.
pub fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    catalog(lang).get(key).or_else(|| catalog(Lang::Vi).get(key)).map(String::as_str)
}

/// The message with `{name}` placeholders filled in.
pub fn t_with(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut text = t(lang, key);
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// Parses every catalog now, so a broken one stops the start instead of a request.
pub fn check() {
    LazyLock::force(&CATALOGS);
}

pub fn has(key: &str) -> bool {
    catalog(Lang::Vi).contains_key(key)
}

pub fn keys(lang: Lang) -> impl Iterator<Item = &'static String> {
    catalog(lang).keys()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogs_have_the_same_keys() {
        let vi: std::collections::BTreeSet<_> = keys(Lang::Vi).collect();
        let en: std::collections::BTreeSet<_> = keys(Lang::En).collect();
        let only_vi: Vec<_> = vi.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&vi).collect();
        assert!(only_vi.is_empty(), "missing in en.toml: {only_vi:?}");
        assert!(only_en.is_empty(), "missing in vi.toml: {only_en:?}");
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        let mut missing = Vec::new();
        for dir in ["templates", "src"] {
            for path in walk(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)) {
                let text = std::fs::read_to_string(&path).unwrap();
                // Every catalog key has a dot ("area.name"); this skips examples in comments.
                for key in used_keys(&text).into_iter().filter(|k| k.contains('.') && !k.contains(' ')) {
                    if !has(&key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "keys missing from locales/vi:\n{}", missing.join("\n"));
    }

    /// Keys in `{{t "…"}}` and in explicit `t(…)`/`t_with(…)` calls. Keys passed around in
    /// variables (error keys in the store) are not found here.
    fn used_keys(text: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for marker in ["{{t \"", "(t \"", "t(lang, \"", "t(self.lang, \"", "t_with(lang, \"", "msg(\""] {
            let mut rest = text;
            while let Some(pos) = rest.find(marker) {
                rest = &rest[pos + marker.len()..];
                if let Some(end) = rest.find('"') {
                    keys.push(rest[..end].to_owned());
                }
            }
        }
        keys
    }

    fn walk(dir: std::path::PathBuf) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    out.extend(walk(path));
                } else if path.extension().is_some_and(|e| e == "hbs" || e == "rs") {
                    out.push(path);
                }
            }
        }
        out
    }

    #[test]
    fn placeholders_are_filled() {
        assert!(t_with(Lang::Vi, "auth.throttled", &[("minutes", "15")]).contains("15 phút"));
    }
}
