//! Numbers the Vietnamese way: a dot groups thousands ("1.234", "200.000").

/// A whole number with a dot every three digits: 1234 → "1.234", -5000 → "-5.000".
pub fn count(n: i64) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped_with_dots() {
        assert_eq!(count(0), "0");
        assert_eq!(count(204), "204");
        assert_eq!(count(1234), "1.234");
        assert_eq!(count(200_000), "200.000");
        assert_eq!(count(1_000_000), "1.000.000");
        assert_eq!(count(-5000), "-5.000");
    }
}
