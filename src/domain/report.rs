//! The figures of the reports and the sentences party committees write them in:
//! "đã kết nạp 29 đảng viên mới, vượt 45% so với chỉ tiêu nhiệm kỳ" (29 against a target of 20)
//! and "199 trong tổng số 329 đảng viên được kết nạp do Đoàn giới thiệu, chiếm 60,49%".
//! Percentages are computed in whole numbers (hundredths of a percent, rounded half up) so the
//! same inputs always give the same text, and written the Vietnamese way.

use crate::domain::numbers::format_int;

/// A share in hundredths of a percent, rounded half up: (199, 329) → 6049 (60,49%). None when
/// there is nothing to share (`whole` is 0).
pub fn share_hundredths(part: i64, whole: i64) -> Option<i64> {
    if whole <= 0 {
        return None;
    }
    // part × 10 000 / whole, rounded half up, in integers.
    Some((part * 20_000 + whole) / (2 * whole))
}

/// Hundredths of a percent with exactly two decimals: 6049 → "60,49%", 4500 → "45,00%".
pub fn format_percent_2(hundredths: i64) -> String {
    let sign = if hundredths < 0 { "-" } else { "" };
    let abs = hundredths.unsigned_abs() as i64;
    format!("{sign}{},{:02}%", format_int(abs / 100), abs % 100)
}

/// Hundredths of a percent with the decimals only when there are some: 4500 → "45%",
/// 3333 → "33,33%", 1250 → "12,5%".
pub fn format_percent_short(hundredths: i64) -> String {
    let sign = if hundredths < 0 { "-" } else { "" };
    let abs = hundredths.unsigned_abs() as i64;
    let (whole, cents) = (abs / 100, abs % 100);
    match cents {
        0 => format!("{sign}{}%", format_int(whole)),
        c if c % 10 == 0 => format!("{sign}{},{}%", format_int(whole), c / 10),
        c => format!("{sign}{},{c:02}%", format_int(whole)),
    }
}

/// How the admissions of a term compare with the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgainstTarget {
    /// No target was set (or it is 0): nothing to compare with.
    NoTarget,
    /// More than the target, by this share of it (hundredths of a percent).
    Above { by_hundredths: i64 },
    /// Exactly the target.
    Met,
    /// Below the target: this share of it reached (hundredths of a percent).
    Below { reached_hundredths: i64 },
}

pub fn against_target(admitted: i64, target: i64) -> AgainstTarget {
    if target <= 0 {
        return AgainstTarget::NoTarget;
    }
    match admitted.cmp(&target) {
        std::cmp::Ordering::Greater => {
            AgainstTarget::Above { by_hundredths: share_hundredths(admitted - target, target).unwrap_or(0) }
        }
        std::cmp::Ordering::Equal => AgainstTarget::Met,
        std::cmp::Ordering::Less => {
            AgainstTarget::Below { reached_hundredths: share_hundredths(admitted, target).unwrap_or(0) }
        }
    }
}

/// "đã kết nạp 29 đảng viên mới, vượt 45% so với chỉ tiêu nhiệm kỳ"; at the target "…, đạt 100%
/// chỉ tiêu nhiệm kỳ"; below it "đã kết nạp 15 đảng viên mới, đạt 75% chỉ tiêu nhiệm kỳ (còn
/// thiếu 5 đảng viên)"; without a target the count alone.
pub fn admissions_sentence(admitted: i64, target: i64) -> String {
    let head = format!("đã kết nạp {} đảng viên mới", format_int(admitted));
    match against_target(admitted, target) {
        AgainstTarget::NoTarget => head,
        AgainstTarget::Above { by_hundredths } => {
            format!("{head}, vượt {} so với chỉ tiêu nhiệm kỳ", format_percent_short(by_hundredths))
        }
        AgainstTarget::Met => format!("{head}, đạt 100% chỉ tiêu nhiệm kỳ"),
        AgainstTarget::Below { reached_hundredths } => format!(
            "{head}, đạt {} chỉ tiêu nhiệm kỳ (còn thiếu {} đảng viên)",
            format_percent_short(reached_hundredths),
            format_int(target - admitted)
        ),
    }
}

/// "199 trong tổng số 329 đảng viên được kết nạp do Đoàn giới thiệu, chiếm 60,49%"; None when
/// nobody was admitted.
pub fn youth_union_sentence(by_youth_union: i64, admitted: i64) -> Option<String> {
    let share = share_hundredths(by_youth_union, admitted)?;
    Some(format!(
        "{} trong tổng số {} đảng viên được kết nạp do Đoàn giới thiệu, chiếm {}",
        format_int(by_youth_union),
        format_int(admitted),
        format_percent_2(share)
    ))
}

/// The buckets of the attendance distribution, by the share of sessions attended.
pub const ATTENDANCE_BUCKETS: [&str; 4] = ["100%", "90–99%", "80–89%", "< 80%"];

/// The bucket of a learner who attended `attended` of `sessions` (a learner with no session
/// yet counts as full).
pub fn attendance_bucket(attended: u32, sessions: u32) -> usize {
    if sessions == 0 || attended >= sessions {
        return 0;
    }
    let permille = u64::from(attended) * 1000 / u64::from(sessions);
    match permille {
        900.. => 1,
        800.. => 2,
        _ => 3,
    }
}

/// A ratio as a whole-number-and-tenth percentage text ("87,5%"), "—" when there is no whole.
pub fn ratio_text(part: i64, whole: i64) -> String {
    match share_hundredths(part, whole) {
        // Rounded to a tenth for tables: half up on the hundredths.
        Some(h) => format_percent_short((h + 5) / 10 * 10),
        None => "—".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quoted_sentences_come_out_word_for_word() {
        assert_eq!(admissions_sentence(29, 20), "đã kết nạp 29 đảng viên mới, vượt 45% so với chỉ tiêu nhiệm kỳ");
        assert_eq!(
            youth_union_sentence(199, 329).unwrap(),
            "199 trong tổng số 329 đảng viên được kết nạp do Đoàn giới thiệu, chiếm 60,49%"
        );
    }

    #[test]
    fn at_below_and_without_a_target() {
        assert_eq!(admissions_sentence(20, 20), "đã kết nạp 20 đảng viên mới, đạt 100% chỉ tiêu nhiệm kỳ");
        assert_eq!(
            admissions_sentence(15, 20),
            "đã kết nạp 15 đảng viên mới, đạt 75% chỉ tiêu nhiệm kỳ (còn thiếu 5 đảng viên)"
        );
        assert_eq!(
            admissions_sentence(2, 3),
            "đã kết nạp 2 đảng viên mới, đạt 66,67% chỉ tiêu nhiệm kỳ (còn thiếu 1 đảng viên)"
        );
        assert_eq!(
            admissions_sentence(0, 12),
            "đã kết nạp 0 đảng viên mới, đạt 0% chỉ tiêu nhiệm kỳ (còn thiếu 12 đảng viên)"
        );
        assert_eq!(admissions_sentence(7, 0), "đã kết nạp 7 đảng viên mới");
        assert_eq!(against_target(4, 3), AgainstTarget::Above { by_hundredths: 3333 });
        assert_eq!(
            admissions_sentence(1_250, 1_000),
            "đã kết nạp 1.250 đảng viên mới, vượt 25% so với chỉ tiêu nhiệm kỳ"
        );
    }

    #[test]
    fn shares_round_half_up_and_keep_two_decimals() {
        assert_eq!(share_hundredths(1, 3), Some(3333));
        assert_eq!(share_hundredths(2, 3), Some(6667));
        assert_eq!(share_hundredths(1, 8), Some(1250));
        assert_eq!(share_hundredths(0, 5), Some(0));
        assert_eq!(share_hundredths(3, 0), None);
        assert_eq!(format_percent_2(6049), "60,49%");
        assert_eq!(format_percent_2(10000), "100,00%");
        assert_eq!(format_percent_2(5), "0,05%");
        assert_eq!(format_percent_short(1250), "12,5%");
        assert_eq!(youth_union_sentence(0, 0), None);
        assert_eq!(
            youth_union_sentence(17, 29).unwrap(),
            "17 trong tổng số 29 đảng viên được kết nạp do Đoàn giới thiệu, chiếm 58,62%"
        );
    }

    #[test]
    fn attendance_buckets_have_their_boundaries_inside() {
        assert_eq!(attendance_bucket(10, 10), 0);
        assert_eq!(attendance_bucket(0, 0), 0);
        assert_eq!(attendance_bucket(9, 10), 1);
        assert_eq!(attendance_bucket(8, 10), 2);
        assert_eq!(attendance_bucket(7, 10), 3);
        assert_eq!(attendance_bucket(89, 100), 2);
        assert_eq!(ratio_text(7, 8), "87,5%");
        assert_eq!(ratio_text(2, 3), "66,7%");
        assert_eq!(ratio_text(1, 0), "—");
    }
}
