//! Vietnamese names: NFC on the way in, lists sorted by given name then family and middle name
//! with Vietnamese collation, and search that ignores diacritics and case.

use std::cmp::Ordering;
use std::sync::LazyLock;

use icu_collator::options::{CollatorOptions, Strength};
use icu_collator::{Collator, CollatorBorrowed};
use icu_locale_core::locale;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

static COLLATOR: LazyLock<CollatorBorrowed<'static>> = LazyLock::new(|| {
    let mut options = CollatorOptions::default();
    options.strength = Some(Strength::Tertiary);
    Collator::try_new(locale!("vi").into(), options).expect("the vi collation is compiled in")
});

/// NFC-normalises, trims and collapses inner whitespace.
pub fn clean(input: &str) -> String {
    let nfc: String = input.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Lower-case, without tone marks or diacritics, đ → d: "Nguyễn Thị Hằng" → "nguyen thi hang".
pub fn fold(input: &str) -> String {
    input
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn compare(a: &str, b: &str) -> Ordering {
    COLLATOR.compare(a, b)
}

/// Orders two names the way official lists do: given name, then family name, then middle name.
pub fn compare_names(a: (&str, &str, &str), b: (&str, &str, &str)) -> Ordering {
    let (a_family, a_middle, a_given) = a;
    let (b_family, b_middle, b_given) = b;
    compare(a_given, b_given).then_with(|| compare(a_family, b_family)).then_with(|| compare(a_middle, b_middle))
}

/// A byte string whose plain byte order equals `compare_names`, so SQL can `ORDER BY` it and
/// paginate. Collation keys hold no zero byte, so a zero separates the three parts.
pub fn sort_key(family: &str, middle: &str, given: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(48);
    for (i, part) in [given, family, middle].into_iter().enumerate() {
        if i > 0 {
            key.push(0);
        }
        COLLATOR.write_sort_key_to(part, &mut key).expect("writing to a Vec cannot fail");
    }
    key
}

pub fn full_name(family: &str, middle: &str, given: &str) -> String {
    [family, middle, given].iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join(" ")
}

/// Splits a full name typed in one box: the last word is the given name, the first the family.
pub fn split_full_name(full: &str) -> (String, String, String) {
    let words: Vec<&str> = full.split_whitespace().collect();
    match words.as_slice() {
        [] => (String::new(), String::new(), String::new()),
        [given] => (String::new(), String::new(), (*given).to_owned()),
        [family, middle @ .., given] => ((*family).to_owned(), middle.join(" "), (*given).to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_diacritics_and_case() {
        assert_eq!(fold("Nguyễn Thị Hằng"), "nguyen thi hang");
        assert_eq!(fold("ĐẶNG  VĂN ĐỨC"), "dang van duc");
        assert_eq!(fold("Ưng Ơn Ân Ăn"), "ung on an an");
        // Decomposed input folds the same as precomposed.
        assert_eq!(fold("Nguye\u{302}\u{303}n"), "nguyen");
    }

    #[test]
    fn clean_normalises_to_nfc_and_spaces() {
        let decomposed = "  Nguye\u{302}\u{303}n   Thi\u{323} ";
        assert_eq!(clean(decomposed), "Nguyễn Thị");
    }

    #[test]
    fn vietnamese_alphabet_order() {
        let mut words = vec!["Ưng", "Đức", "Ân", "On", "Hằng", "An", "Ơn", "Dũng", "Ăn", "Hà", "Ôn", "Bình", "Ung"];
        words.sort_by(|a, b| compare(a, b));
        assert_eq!(words, ["An", "Ăn", "Ân", "Bình", "Dũng", "Đức", "Hà", "Hằng", "On", "Ôn", "Ơn", "Ung", "Ưng"]);
    }

    #[test]
    fn names_sort_by_given_then_family_then_middle_and_keys_agree() {
        let names = [
            ("Nguyễn", "Thị", "Hằng"),
            ("Trần", "Văn", "An"),
            ("Lê", "Thị", "Hà"),
            ("Bùi", "Minh", "An"),
            ("Phạm", "", "Ân"),
            ("Đặng", "Văn", "An"),
            ("Bùi", "Anh", "An"),
        ];
        let expected =
            ["Bùi Anh An", "Bùi Minh An", "Đặng Văn An", "Trần Văn An", "Phạm Ân", "Lê Thị Hà", "Nguyễn Thị Hằng"];
        let mut by_compare = names.to_vec();
        by_compare.sort_by(|a, b| compare_names(*a, *b));
        let shown: Vec<String> = by_compare.iter().map(|(f, m, g)| full_name(f, m, g)).collect();
        assert_eq!(shown, expected);

        let mut by_key = names.to_vec();
        by_key.sort_by_key(|(f, m, g)| sort_key(f, m, g));
        assert_eq!(by_key, by_compare);
    }

    #[test]
    fn split_full_name_takes_last_word_as_given() {
        assert_eq!(split_full_name("Nguyễn Thị Thu Hằng"), ("Nguyễn".into(), "Thị Thu".into(), "Hằng".into()));
        assert_eq!(split_full_name("Hằng"), (String::new(), String::new(), "Hằng".into()));
    }
}
