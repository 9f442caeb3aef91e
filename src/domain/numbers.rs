//! Numbers as Vietnamese readers write and type them: a decimal comma ("8,5"), a dot between
//! thousands ("1.234") and the percent sign after the number ("20%", "12,5%"). Scores are kept
//! in tenths and ratios in permille, so showing them needs no floating point.

/// 1234 → "1.234", -1234567 → "-1.234.567".
pub fn format_int(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A score kept in tenths, with its one decimal always shown: 85 → "8,5", 50 → "5,0".
pub fn format_tenths(tenths: i32) -> String {
    let sign = if tenths < 0 { "-" } else { "" };
    let abs = tenths.unsigned_abs();
    format!("{sign}{},{}", format_int(i64::from(abs / 10)), abs % 10)
}

/// A ratio kept in permille as a percentage, the decimal only when there is one:
/// 200 → "20%", 125 → "12,5%".
pub fn format_percent(permille: i32) -> String {
    let sign = if permille < 0 { "-" } else { "" };
    let abs = permille.unsigned_abs();
    match abs % 10 {
        0 => format!("{sign}{}%", abs / 10),
        tenth => format!("{sign}{},{tenth}%", abs / 10),
    }
}

/// A non-negative decimal with at most `decimals` digits after a comma or a dot, scaled to an
/// integer: ("8,5", 1) → 85, ("8", 1) → 80. A dot is read as a decimal point, never as a
/// thousands separator, so "1.234" with one decimal is refused rather than misread.
fn parse_fixed(input: &str, decimals: u32) -> Option<i64> {
    let input = input.trim();
    let (whole, fraction) = match input.split_once([',', '.']) {
        Some((whole, fraction)) => (whole, fraction),
        None => (input, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 9 || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    if fraction.len() > decimals as usize || (input.len() > whole.len() && fraction.is_empty()) {
        return None;
    }
    let scale = 10_i64.pow(decimals);
    let padded = format!("{fraction:0<width$}", width = decimals as usize);
    let fraction_value = if decimals == 0 { 0 } else { padded.parse::<i64>().ok()? };
    Some(whole.parse::<i64>().ok()? * scale + fraction_value)
}

/// A score from 0 to 10 with one decimal at most, typed "8,5", "8.5" or "8" → tenths (85).
pub fn parse_tenths(input: &str) -> Option<i32> {
    let tenths = parse_fixed(input, 1)?;
    (0..=100).contains(&tenths).then_some(tenths as i32)
}

/// A ratio from 0 to 100% → permille. Typed as a percentage ("20%", "12,5%", or "20" without
/// the sign) or, as the form always accepted, as a fraction from 0 to 1 ("0,2", "0.20", "1").
/// A bare number is a fraction when it is at most 1 and a percentage above that, so "1" stays
/// 100% as it always was and "1,5" is 1,5%.
pub fn parse_ratio_permille(input: &str) -> Option<i32> {
    let input = input.trim();
    let permille = match input.strip_suffix('%') {
        Some(percent) => parse_fixed(percent, 1)?,
        None => {
            let value: f64 = input.replace(',', ".").parse().ok().filter(|v: &f64| v.is_finite())?;
            if (0.0..=1.0).contains(&value) { (value * 1000.0).round() as i64 } else { parse_fixed(input, 1)? }
        }
    };
    (0..=1000).contains(&permille).then_some(permille as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_group_thousands_with_dots() {
        assert_eq!(format_int(0), "0");
        assert_eq!(format_int(999), "999");
        assert_eq!(format_int(1234), "1.234");
        assert_eq!(format_int(1_234_567), "1.234.567");
        assert_eq!(format_int(-1234), "-1.234");
        assert_eq!(format_int(i64::MIN), "-9.223.372.036.854.775.808");
    }

    #[test]
    fn scores_show_one_decimal_after_a_comma() {
        assert_eq!(format_tenths(85), "8,5");
        assert_eq!(format_tenths(50), "5,0");
        assert_eq!(format_tenths(100), "10,0");
        assert_eq!(format_tenths(0), "0,0");
        assert_eq!(format_tenths(-5), "-0,5");
    }

    #[test]
    fn ratios_show_as_percentages() {
        assert_eq!(format_percent(200), "20%");
        assert_eq!(format_percent(125), "12,5%");
        assert_eq!(format_percent(0), "0%");
        assert_eq!(format_percent(1000), "100%");
        assert_eq!(format_percent(5), "0,5%");
    }

    #[test]
    fn scores_parse_with_a_comma_or_a_dot() {
        assert_eq!(parse_tenths("8,5"), Some(85));
        assert_eq!(parse_tenths("8.5"), Some(85));
        assert_eq!(parse_tenths(" 8 "), Some(80));
        assert_eq!(parse_tenths("10"), Some(100));
        assert_eq!(parse_tenths("0"), Some(0));
        // What the form accepted before stays accepted, what it refused stays refused.
        assert_eq!(parse_tenths("7.5"), Some(75));
        assert_eq!(parse_tenths("7,5"), Some(75));
        assert_eq!(parse_tenths("10.5"), None);
        assert_eq!(parse_tenths("7.25"), None);
        assert_eq!(parse_tenths("-1"), None);
        assert_eq!(parse_tenths("7."), None);
        assert_eq!(parse_tenths(".5"), None);
        assert_eq!(parse_tenths("8,5,0"), None);
        assert_eq!(parse_tenths("abc"), None);
        assert_eq!(parse_tenths(""), None);
    }

    #[test]
    fn ratios_parse_as_percentages_or_fractions() {
        assert_eq!(parse_ratio_permille("20%"), Some(200));
        assert_eq!(parse_ratio_permille("20 %"), Some(200));
        assert_eq!(parse_ratio_permille("12,5%"), Some(125));
        assert_eq!(parse_ratio_permille("20"), Some(200));
        assert_eq!(parse_ratio_permille("0,2"), Some(200));
        assert_eq!(parse_ratio_permille("0.2"), Some(200));
        assert_eq!(parse_ratio_permille("100%"), Some(1000));
        assert_eq!(parse_ratio_permille("0%"), Some(0));
        // The fraction form keeps its old meaning: "1" is the whole, 100%.
        assert_eq!(parse_ratio_permille("0.20"), Some(200));
        assert_eq!(parse_ratio_permille("0,25"), Some(250));
        assert_eq!(parse_ratio_permille("1"), Some(1000));
        assert_eq!(parse_ratio_permille("0"), Some(0));
        // Above 1 a bare number is a percentage.
        assert_eq!(parse_ratio_permille("1,5"), Some(15));
        assert_eq!(parse_ratio_permille("150%"), None);
        assert_eq!(parse_ratio_permille("120"), None);
        assert_eq!(parse_ratio_permille("12,55%"), None);
        assert_eq!(parse_ratio_permille("-0,2"), None);
        assert_eq!(parse_ratio_permille("%"), None);
        assert_eq!(parse_ratio_permille("abc"), None);
        assert_eq!(parse_ratio_permille("inf"), None);
    }
}
