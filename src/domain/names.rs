//! Vietnamese names and typed text: cleaning on the way in (NFC, no invisible characters), the
//! sort name lists are ordered by, Vietnamese collation, the short form a public page shows, and
//! search that ignores diacritics and case.
//!
//! A name is kept whole ("Họ và tên"), because the names of the Central Highlands' peoples do not
//! split into family, middle and given name: "Y Ngông Niê Kdăm" is the prefix of a man, his own
//! name and his clan. Lists are sorted by a sort name (the given name of a Kinh name, the
//! personal name of an Ê Đê one), then by the whole name.

use std::cmp::Ordering;
use std::sync::LazyLock;

use icu_collator::options::{CollatorOptions, Strength};
use icu_collator::{Collator, CollatorBorrowed};
use icu_locale_core::locale;
use icu_properties::props::{DefaultIgnorableCodePoint, GeneralCategory};
use icu_properties::{CodePointMapData, CodePointSetData};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

static COLLATOR: LazyLock<CollatorBorrowed<'static>> = LazyLock::new(|| {
    let mut options = CollatorOptions::default();
    options.strength = Some(Strength::Tertiary);
    Collator::try_new(locale!("vi").into(), options).expect("the vi collation is compiled in")
});

/// Characters nobody means to type into a name or a note: control characters (NUL, escape),
/// format characters (the bidi override U+202E, zero-width spaces and joiners, the byte-order
/// mark) and the other default-ignorable code points (invisible fillers, variation selectors).
/// PostgreSQL refuses NUL in text; the others make two names that look the same differ, or
/// turn a name around on screen.
fn is_invisible(c: char) -> bool {
    let category = CodePointMapData::<GeneralCategory>::new().get(c);
    matches!(category, GeneralCategory::Control | GeneralCategory::Format)
        || CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
}

/// One line of typed text: invisible characters removed, NFC, trimmed, inner whitespace (tabs
/// and line breaks too) collapsed to one space.
pub fn clean(input: &str) -> String {
    // Most text is clean already but for its spaces (every cell of an imported file goes
    // through here): text without invisible characters or other whitespace than ' ', and in
    // NFC by the quick check, comes out of the steps below as its own words joined by one space.
    let plain = !input.chars().any(|c| is_invisible(c) || (c.is_whitespace() && c != ' '));
    if plain && unicode_normalization::is_nfc_quick(input.chars()) == unicode_normalization::IsNormalized::Yes {
        return input.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
    }
    clean_every_step(input)
}

fn clean_every_step(input: &str) -> String {
    let visible: String =
        input.chars().map(|c| if c.is_whitespace() { ' ' } else { c }).filter(|c| !is_invisible(*c)).collect();
    let nfc: String = visible.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text of several lines (a title on two lines, a note): each line cleaned as `clean` does,
/// line breaks kept as "\n", empty lines at either end dropped and runs of them kept as one.
pub fn clean_multiline(input: &str) -> String {
    let unified = input.replace("\r\n", "\n").replace(['\r', '\u{85}', '\u{2028}', '\u{2029}'], "\n");
    let mut lines: Vec<String> = Vec::new();
    for line in unified.split('\n').map(clean) {
        let blank_after_blank = line.is_empty() && lines.last().is_none_or(String::is_empty);
        if !blank_after_blank {
            lines.push(line);
        }
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines.join("\n")
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

/// A byte string whose plain byte order equals `compare`'s (for sorting by a cached key).
pub fn collation_key(text: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(2 * text.len());
    COLLATOR.write_sort_key_to(text, &mut key).expect("writing to a Vec cannot fail");
    key
}

/// Orders two people the way official lists do: by sort name, then by the whole name (for a
/// Kinh name that is family name, then middle name). Each side is (sort name, full name).
pub fn compare_names(a: (&str, &str), b: (&str, &str)) -> Ordering {
    compare(a.0, b.0).then_with(|| compare(a.1, b.1))
}

/// A byte string whose plain byte order equals `compare_names`, so SQL can `ORDER BY` it and
/// paginate. Collation keys hold no zero byte, so a zero separates the two parts.
pub fn sort_key(sort_name: &str, full_name: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(64);
    COLLATOR.write_sort_key_to(sort_name, &mut key).expect("writing to a Vec cannot fail");
    key.push(0);
    COLLATOR.write_sort_key_to(full_name, &mut key).expect("writing to a Vec cannot fail");
    key
}

/// The apostrophes people type in "H'": ASCII, the typographic one and the modifier letter.
const APOSTROPHES: [char; 3] = ['\'', '\u{2019}', '\u{2BC}'];

/// A name of the Central Highlands' peoples: the prefix that marks sex ("Y" for men, "H'" for
/// women), the personal name, then the clan name(s): "Y Ngông Niê Kdăm", "H'Hen Niê".
struct HighlandsName<'a> {
    prefix: &'static str,
    personal: &'a str,
    clan: Vec<&'a str>,
}

fn highlands_name(full: &str) -> Option<HighlandsName<'_>> {
    let words: Vec<&str> = full.split_whitespace().collect();
    let (first, rest) = words.split_first()?;
    if matches!(*first, "Y" | "y") {
        let (personal, clan) = rest.split_first()?;
        return Some(HighlandsName { prefix: "Y", personal, clan: clan.to_vec() });
    }
    let mut chars = first.chars();
    let (Some('H' | 'h'), Some(apostrophe)) = (chars.next(), chars.next()) else { return None };
    if !APOSTROPHES.contains(&apostrophe) {
        return None;
    }
    // "H'Hen Niê" and "H' Hen Niê" are both written.
    let attached = chars.as_str();
    if attached.is_empty() {
        let (personal, clan) = rest.split_first()?;
        Some(HighlandsName { prefix: "H'", personal, clan: clan.to_vec() })
    } else {
        Some(HighlandsName { prefix: "H'", personal: attached, clan: rest.to_vec() })
    }
}

/// The sort name worked out from a full name: the personal name after the prefix "Y" or "H'"
/// ("Y Ngông Niê Kdăm" → "Ngông", "H'Hen Niê" → "Hen"), otherwise the last word, the given
/// name of a Kinh name ("Nguyễn Thị Thu Hằng" → "Hằng").
pub fn derive_sort_name(full: &str) -> String {
    match highlands_name(full) {
        Some(name) => name.personal.to_owned(),
        None => full.split_whitespace().last().unwrap_or_default().to_owned(),
    }
}

fn initial(word: &str) -> String {
    let mut out: String = word.chars().next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
    out.push('.');
    out
}

/// The short form a public page shows, so that a name can be recognised without being given
/// away: the family name and initials for a Kinh name ("Nguyễn Thị Hằng" → "Nguyễn T. H."); for
/// a Central Highlands name the prefix, the personal name's initial and the clan name, which is
/// its family name ("Y Ngông Niê Kdăm" → "Y N. Niê Kdăm", "H'Hen Niê" → "H'H. Niê").
pub fn short_name(full: &str) -> String {
    if let Some(name) = highlands_name(full) {
        let mut parts = vec![format!("{}{}", if name.prefix == "Y" { "Y " } else { "H'" }, initial(name.personal))];
        parts.extend(name.clan.iter().map(|w| (*w).to_owned()));
        return parts.join(" ");
    }
    let words: Vec<&str> = full.split_whitespace().collect();
    match words.split_first() {
        None => String::new(),
        Some((family, rest)) => {
            std::iter::once((*family).to_owned()).chain(rest.iter().map(|w| initial(w))).collect::<Vec<_>>().join(" ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collation_keys_order_as_compare_does() {
        let names =
            ["Đảng bộ xã Ea Kar", "Chi bộ thôn 1", "chi bộ Thôn 1", "Chi bộ thôn 10", "Ấp Đông", "Ap Dong", "Chi bo"];
        for a in names {
            for b in names {
                assert_eq!(collation_key(a).cmp(&collation_key(b)), compare(a, b), "{a} / {b}");
            }
        }
    }

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
        assert_eq!(clean("Nguyễn\tThị\r\nHằng"), "Nguyễn Thị Hằng");
    }

    #[test]
    fn clean_takes_a_short_cut_only_where_every_step_agrees() {
        let decomposed = "Nguye\u{302}\u{303}n";
        for text in [
            "",
            "   ",
            "Nguyễn Thị Hằng",
            "  Nguyễn   Thị  Hằng ",
            "Trần Văn An 17",
            "H’Hen Niê",
            decomposed,
            "Lê\u{00A0}Văn",
            "Lê\tVăn\nAn",
            "Lê\u{200B}Văn",
            "Ω Å ﬁ 가",
        ] {
            assert_eq!(clean(text), clean_every_step(text), "{text:?}");
        }
    }

    #[test]
    fn clean_removes_invisible_characters() {
        // NUL (PostgreSQL refuses it), a right-to-left override, zero-width space and joiner,
        // a byte-order mark, a soft hyphen, an escape and a Hangul filler.
        let typed = "\u{0}Ng\u{202E}uyễn\u{200B} Thị\u{200D} \u{FEFF}Hằ\u{AD}ng\u{1B}\u{3164}";
        assert_eq!(clean(typed), "Nguyễn Thị Hằng");
        assert_eq!(clean("\u{200B}\u{0}"), "");
        // Letters with marks, apostrophes and the Ê Đê letters stay.
        assert_eq!(clean("H’Hen Niê · Y Ngông Adrơng · Byă"), "H’Hen Niê · Y Ngông Adrơng · Byă");
    }

    #[test]
    fn multi_line_text_keeps_its_lines() {
        assert_eq!(clean_multiline("KT. HIỆU TRƯỞNG\r\nPHÓ  HIỆU\u{0} TRƯỞNG\n"), "KT. HIỆU TRƯỞNG\nPHÓ HIỆU TRƯỞNG");
        assert_eq!(clean_multiline("\n\nMột\n\n\n\nHai\u{2028}Ba\n \n"), "Một\n\nHai\nBa");
        assert_eq!(clean_multiline("\u{202E}\n\u{200B}"), "");
    }

    #[test]
    fn vietnamese_alphabet_order() {
        let mut words = vec!["Ưng", "Đức", "Ân", "On", "Hằng", "An", "Ơn", "Dũng", "Ăn", "Hà", "Ôn", "Bình", "Ung"];
        words.sort_by(|a, b| compare(a, b));
        assert_eq!(words, ["An", "Ăn", "Ân", "Bình", "Dũng", "Đức", "Hà", "Hằng", "On", "Ôn", "Ơn", "Ung", "Ưng"]);
    }

    #[test]
    fn sort_names_are_worked_out_for_kinh_and_highlands_names() {
        assert_eq!(derive_sort_name("Nguyễn Thị Thu Hằng"), "Hằng");
        assert_eq!(derive_sort_name("Hằng"), "Hằng");
        assert_eq!(derive_sort_name("Y Ngông Niê Kdăm"), "Ngông");
        assert_eq!(derive_sort_name("Y Bhim Mlô"), "Bhim");
        assert_eq!(derive_sort_name("H'Hen Niê"), "Hen");
        assert_eq!(derive_sort_name("H’Linh Êban"), "Linh");
        assert_eq!(derive_sort_name("H' Yâo Byă"), "Yâo");
        // A lone prefix, and Kinh names that merely start with H or Y, are names like others.
        assert_eq!(derive_sort_name("Y"), "Y");
        assert_eq!(derive_sort_name("Hoàng Văn Yên"), "Yên");
        assert_eq!(derive_sort_name(""), "");
    }

    #[test]
    fn names_sort_by_sort_name_then_the_whole_name_and_keys_agree() {
        let names = [
            "Nguyễn Thị Hằng",
            "Trần Văn An",
            "H'Hen Niê",
            "Lê Thị Hà",
            "Bùi Minh An",
            "Phạm Ân",
            "Y Ngông Niê Kdăm",
            "Đặng Văn An",
            "Bùi Anh An",
            "Y Ân Mlô",
        ];
        let expected = [
            "Bùi Anh An",
            "Bùi Minh An",
            "Đặng Văn An",
            "Trần Văn An",
            "Phạm Ân",
            "Y Ân Mlô",
            "Lê Thị Hà",
            "Nguyễn Thị Hằng",
            "H'Hen Niê",
            "Y Ngông Niê Kdăm",
        ];
        let with_sort: Vec<(String, &str)> = names.iter().map(|n| (derive_sort_name(n), *n)).collect();
        let mut by_compare = with_sort.clone();
        by_compare.sort_by(|a, b| compare_names((&a.0, a.1), (&b.0, b.1)));
        let shown: Vec<&str> = by_compare.iter().map(|(_, full)| *full).collect();
        assert_eq!(shown, expected);

        let mut by_key = with_sort.clone();
        by_key.sort_by_key(|(sort, full)| sort_key(sort, full));
        assert_eq!(by_key, by_compare);
    }

    #[test]
    fn short_names_keep_the_family_name_and_initials() {
        assert_eq!(short_name("Nguyễn Thị Hằng"), "Nguyễn T. H.");
        assert_eq!(short_name("Nguyễn Thị Thu Hằng"), "Nguyễn T. T. H.");
        assert_eq!(short_name("Đặng Văn Đức"), "Đặng V. Đ.");
        assert_eq!(short_name("Phạm ân"), "Phạm Â.");
        assert_eq!(short_name("Hằng"), "Hằng");
        assert_eq!(short_name(""), "");
        // Ê Đê names: the prefix stays (it tells sex, not family), the clan name is the family.
        assert_eq!(short_name("Y Ngông Niê Kdăm"), "Y N. Niê Kdăm");
        assert_eq!(short_name("H'Hen Niê"), "H'H. Niê");
        assert_eq!(short_name("H’ Bia Êban"), "H'B. Êban");
        assert_eq!(short_name("Y Bhim"), "Y B.");
    }
}
