//! Program rules: the thresholds a school can change, and the official seed curricula.

/// Scores are kept in tenths (7.5 → 75) so they compare exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    pub max_absence_permille: i32,
    pub unexcused_disqualifies: bool,
    pub pass_mark_tenths: i32,
    pub band_excellent_tenths: i32,
    pub band_good_tenths: i32,
    pub band_fair_tenths: i32,
    pub band_average_tenths: i32,
    pub resits_allowed: i32,
    pub certificate_validity_months: Option<i32>,
}

impl Rules {
    pub fn defaults(validity_months: Option<i32>) -> Self {
        Self {
            max_absence_permille: 200,
            unexcused_disqualifies: false,
            pass_mark_tenths: 50,
            band_excellent_tenths: 90,
            band_good_tenths: 80,
            band_fair_tenths: 70,
            band_average_tenths: 50,
            resits_allowed: 1,
            certificate_validity_months: validity_months,
        }
    }

    /// The rule broken first, as a catalog key, or None when the rules are consistent.
    pub fn check(&self) -> Option<&'static str> {
        let in_range = |t: i32| (0..=100).contains(&t);
        if !(0..=1000).contains(&self.max_absence_permille) {
            return Some("program.error.absence_ratio");
        }
        if ![
            self.pass_mark_tenths,
            self.band_excellent_tenths,
            self.band_good_tenths,
            self.band_fair_tenths,
            self.band_average_tenths,
        ]
        .into_iter()
        .all(in_range)
        {
            return Some("program.error.score_range");
        }
        if !(self.band_excellent_tenths > self.band_good_tenths
            && self.band_good_tenths > self.band_fair_tenths
            && self.band_fair_tenths > self.band_average_tenths)
        {
            return Some("program.error.band_order");
        }
        if self.band_average_tenths < self.pass_mark_tenths {
            return Some("program.error.band_below_pass");
        }
        if !(0..=5).contains(&self.resits_allowed) {
            return Some("program.error.resits");
        }
        if matches!(self.certificate_validity_months, Some(m) if !(1..=240).contains(&m)) {
            return Some("program.error.validity");
        }
        None
    }

    pub fn band(&self, score_tenths: i32) -> Band {
        if score_tenths >= self.band_excellent_tenths {
            Band::Excellent
        } else if score_tenths >= self.band_good_tenths {
            Band::Good
        } else if score_tenths >= self.band_fair_tenths {
            Band::Fair
        } else if score_tenths >= self.band_average_tenths && score_tenths >= self.pass_mark_tenths {
            Band::Average
        } else {
            Band::Fail
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    Excellent,
    Good,
    Fair,
    Average,
    Fail,
}

impl Band {
    pub fn label_key(self) -> &'static str {
        match self {
            Band::Excellent => "band.excellent",
            Band::Good => "band.good",
            Band::Fair => "band.fair",
            Band::Average => "band.average",
            Band::Fail => "band.fail",
        }
    }
}

pub struct SeedProgram {
    pub code: &'static str,
    pub name: &'static str,
    pub short_name: &'static str,
    pub validity_months: Option<i32>,
    pub default_sessions: i32,
    pub wording: &'static str,
    pub lessons: &'static [SeedLesson],
}

/// What a program teaches, in order: its lessons ("bài") and the activities that also take
/// sessions (discussion, field trip, review, the essay and closing), each with its periods.
pub struct SeedLesson {
    pub title: &'static str,
    pub periods: i32,
    pub kind: LessonKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LessonKind {
    /// A lesson of the curriculum ("Bài 1"): required, numbered.
    Lesson,
    /// An activity of the course that is not a lesson: discussion, field trip, review, essay.
    Activity,
}

impl LessonKind {
    pub fn code(self) -> &'static str {
        match self {
            LessonKind::Lesson => "lesson",
            LessonKind::Activity => "activity",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "lesson" => Some(LessonKind::Lesson),
            "activity" => Some(LessonKind::Activity),
            _ => None,
        }
    }
}

/// Periods (tiết) in one half-day session: 07:30–11:00 holds five 40-minute periods with breaks.
pub const PERIODS_PER_SESSION: i32 = 5;

const fn lesson(title: &'static str, periods: i32) -> SeedLesson {
    SeedLesson { title, periods, kind: LessonKind::Lesson }
}

const fn activity(title: &'static str, periods: i32) -> SeedLesson {
    SeedLesson { title, periods, kind: LessonKind::Activity }
}

/// The two programs with the official lesson titles (Hướng dẫn 61-HD/BTGTW; the 2025 new-member
/// curriculum as taught). Titles are data: staff edit them after each Party Congress.
pub const SEED_PROGRAMS: [SeedProgram; 2] = [
    SeedProgram {
        code: "NTVD",
        name: "Lớp bồi dưỡng nhận thức về Đảng",
        short_name: "Nhận thức về Đảng",
        validity_months: Some(60),
        default_sessions: 10,
        wording: "Đã hoàn thành chương trình bồi dưỡng nhận thức về Đảng",
        // 61-HD/BTGTW: 50 periods, 10 half-day sessions, 5 days.
        lessons: &[
            lesson("Khái quát lịch sử Đảng Cộng sản Việt Nam", 5),
            lesson("Cương lĩnh xây dựng đất nước trong thời kỳ quá độ lên chủ nghĩa xã hội", 10),
            lesson("Những nội dung cơ bản của Điều lệ Đảng Cộng sản Việt Nam", 5),
            lesson("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", 5),
            lesson("Phấn đấu trở thành đảng viên Đảng Cộng sản Việt Nam", 5),
            activity("Thảo luận", 5),
            activity("Tham quan thực tế hoặc chuyên đề bổ sung", 5),
            activity("Ôn tập, giải đáp", 5),
            activity("Viết thu hoạch, bế giảng", 5),
        ],
    },
    SeedProgram {
        code: "DVM",
        name: "Lớp bồi dưỡng lý luận chính trị dành cho đảng viên mới",
        short_name: "Đảng viên mới",
        validity_months: None,
        default_sessions: 11,
        wording: "Đã hoàn thành chương trình bồi dưỡng lý luận chính trị dành cho đảng viên mới",
        // No official length was found; 2025 classes ran 5-7 days. Ten lessons, then the essay.
        lessons: &[
            lesson(
                "Chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh - nền tảng tư tưởng, kim chỉ nam cho hành động của Đảng và cách mạng Việt Nam",
                5,
            ),
            lesson("Độc lập dân tộc gắn liền với chủ nghĩa xã hội và con đường đi lên chủ nghĩa xã hội ở Việt Nam", 5),
            lesson(
                "Phát huy sức mạnh đại đoàn kết toàn dân tộc, dân chủ xã hội chủ nghĩa, xây dựng và hoàn thiện Nhà nước pháp quyền xã hội chủ nghĩa",
                5,
            ),
            lesson("Đường lối phát triển kinh tế - xã hội của Đảng", 5),
            lesson(
                "Phát triển giáo dục và đào tạo, khoa học và công nghệ; xây dựng và phát triển văn hóa, con người Việt Nam; bảo vệ môi trường và quản lý phát triển xã hội",
                5,
            ),
            lesson(
                "Tăng cường quốc phòng - an ninh, bảo vệ vững chắc Tổ quốc, giữ vững môi trường hòa bình, bảo đảm ổn định chính trị, trật tự an toàn xã hội",
                5,
            ),
            lesson("Chủ động và tích cực hội nhập quốc tế", 5),
            lesson("Nguyên tắc tổ chức hoạt động của Đảng và công tác xây dựng Đảng ở cơ sở", 5),
            lesson("Tăng cường xây dựng, chỉnh đốn Đảng", 5),
            lesson("Phấn đấu rèn luyện để xứng đáng là đảng viên Đảng Cộng sản Việt Nam", 5),
            activity("Viết thu hoạch, bế giảng", 5),
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_bands() {
        let r = Rules::defaults(Some(60));
        assert_eq!(r.check(), None);
        assert_eq!(r.band(90), Band::Excellent);
        assert_eq!(r.band(89), Band::Good);
        assert_eq!(r.band(70), Band::Fair);
        assert_eq!(r.band(50), Band::Average);
        assert_eq!(r.band(49), Band::Fail);
    }

    #[test]
    fn inconsistent_rules_are_refused() {
        let mut r = Rules::defaults(None);
        r.band_good_tenths = 95;
        assert_eq!(r.check(), Some("program.error.band_order"));
        let mut r = Rules::defaults(None);
        r.max_absence_permille = 1500;
        assert_eq!(r.check(), Some("program.error.absence_ratio"));
        let mut r = Rules::defaults(Some(0));
        r.certificate_validity_months = Some(0);
        assert_eq!(r.check(), Some("program.error.validity"));
    }

    #[test]
    fn seeds_have_the_official_lesson_counts() {
        let lessons = |p: &SeedProgram| p.lessons.iter().filter(|l| l.kind == LessonKind::Lesson).count();
        let periods = |p: &SeedProgram| p.lessons.iter().map(|l| l.periods).sum::<i32>();
        assert_eq!(lessons(&SEED_PROGRAMS[0]), 5);
        assert_eq!(periods(&SEED_PROGRAMS[0]), 50, "the awareness course is 50 periods");
        assert_eq!(SEED_PROGRAMS[0].lessons[1].periods, 10, "Bài 2 has 10 periods");
        assert_eq!(lessons(&SEED_PROGRAMS[1]), 10);
        assert_eq!(SEED_PROGRAMS[0].validity_months, Some(60));
        assert_eq!(SEED_PROGRAMS[1].validity_months, None);
    }
}
