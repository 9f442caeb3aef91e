//! The school as it names itself to the outside, e.g. as the sender of its emails.

/// The school's name with its province: the name as the admin set it, completed with the
/// province when it stops at "tỉnh" or "thành phố" (as the default "Trường Chính trị tỉnh"
/// does). A name that already holds the province, or names the school otherwise ("Trường
/// Chính trị Lê Duẩn"), is left as it is: only the admin knows its official form.
pub fn full_name(school_name: &str, province: &str) -> String {
    let (name, province) = (school_name.trim(), province.trim());
    let lower = name.to_lowercase();
    let stops_at_level = lower.ends_with(" tỉnh") || lower.ends_with(" thành phố");
    if province.is_empty() || !stops_at_level {
        return name.to_owned();
    }
    format!("{name} {province}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_name_gets_its_province() {
        assert_eq!(full_name("Trường Chính trị tỉnh", "Đắk Lắk"), "Trường Chính trị tỉnh Đắk Lắk");
        assert_eq!(full_name("Trường Chính trị thành phố", "Cần Thơ"), "Trường Chính trị thành phố Cần Thơ");
    }

    #[test]
    fn a_complete_or_proper_name_is_kept() {
        assert_eq!(full_name("Trường Chính trị tỉnh Đắk Lắk", "Đắk Lắk"), "Trường Chính trị tỉnh Đắk Lắk");
        assert_eq!(full_name("Trường Chính trị Lê Duẩn", "Quảng Trị"), "Trường Chính trị Lê Duẩn");
        assert_eq!(full_name("Trường Chính trị tỉnh", ""), "Trường Chính trị tỉnh");
    }
}
