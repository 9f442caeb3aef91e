//! What the attendance templates receive: display-ready text, never raw codes or dates.

use serde::Serialize;
use time::PrimitiveDateTime;

use crate::domain::attendance::{self as rules, Eligibility, Mark, Tally};
use crate::domain::program::Rules;
use crate::domain::{dates, numbers, schedule};
use crate::i18n::{self, Lang};
use crate::store::attendance::SessionContext;
use crate::store::sessions::SessionView;

/// Which session a page is about, as its heading shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    pub class_id: i64,
    pub session_id: i64,
    /// "Lớp bồi dưỡng nhận thức về Đảng khóa II năm 2026".
    pub class_name: String,
    /// "Nhận thức về Đảng — Khóa II năm 2026".
    pub class_short: String,
    pub seq: i32,
    pub title: String,
    /// "07:30–11:00 ngày 12/03/2026".
    pub when: String,
    pub day: String,
    pub room: Option<String>,
    pub teacher: Option<String>,
    pub sheet_href: String,
    pub checkin_href: String,
    pub signin_href: String,
    pub summary_href: String,
}

impl Heading {
    pub fn of(ctx: &SessionContext) -> Self {
        let s = &ctx.session;
        let (class_id, session_id) = (ctx.class.id, s.session.id);
        let base = format!("/classes/{class_id}/sessions/{session_id}");
        Heading {
            class_id,
            session_id,
            class_name: ctx.class_full_name(),
            class_short: format!("{} — {}", s.program_short_name, s.class_name),
            seq: s.session.seq,
            title: s.session.title.clone(),
            when: schedule::format_range(s.session.starts_at, s.session.ends_at),
            day: dates::format(s.session.starts_at.date()),
            room: room_of(s),
            teacher: s.teacher(),
            sheet_href: format!("{base}/attendance"),
            checkin_href: format!("{base}/checkin"),
            signin_href: format!("{base}/sheet"),
            summary_href: format!("/classes/{class_id}/attendance"),
        }
    }
}

/// "Phòng A2 — Cơ sở Tuy Hòa".
pub fn room_of(s: &SessionView) -> Option<String> {
    match (&s.room_name, &s.venue_name) {
        (Some(room), Some(venue)) => Some(format!("{room} — {venue}")),
        (Some(room), None) => Some(room.clone()),
        _ => None,
    }
}

pub fn mark_label(lang: Lang, code: &str) -> String {
    match Mark::parse(code) {
        Some(mark) => i18n::t(lang, &mark.label_key()),
        None => String::new(),
    }
}

/// A status a line may take, as a radio button shows it.
#[derive(Debug, Clone, Serialize)]
pub struct MarkOption {
    pub code: &'static str,
    pub label: String,
}

/// The statuses of a sheet, in the order people mark them; make-ups only where staff can
/// record one (there is a session of the same lesson in another class).
pub fn mark_options(lang: Lang, with_make_up: bool) -> Vec<MarkOption> {
    Mark::ALL
        .into_iter()
        .filter(|m| with_make_up || *m != Mark::MadeUp)
        .map(|m| MarkOption { code: m.code(), label: i18n::t(lang, &m.label_key()) })
        .collect()
}

/// Where a learner stands for the essay, in words, with the tone the page colours it with.
#[derive(Debug, Clone, Serialize)]
pub struct EligibilityView {
    /// "eligible", "on_track" or "not_eligible".
    pub code: &'static str,
    pub label: String,
    /// The label under a column that already says "essay eligibility".
    pub short: String,
    pub note: String,
    /// "ok", "warn" or "err" (a tag's colour).
    pub tone: &'static str,
    pub may_write: bool,
}

pub fn eligibility_view(lang: Lang, tally: &Tally, rules_of_program: &Rules) -> EligibilityView {
    match rules::eligibility(tally, rules_of_program) {
        Eligibility::Eligible => EligibilityView {
            code: "eligible",
            label: i18n::t(lang, "attendance.eligibility.eligible"),
            short: i18n::t(lang, "attendance.eligibility_short.eligible"),
            note: String::new(),
            tone: "ok",
            may_write: true,
        },
        Eligibility::OnTrack { absences_left } => EligibilityView {
            code: "on_track",
            label: i18n::t(lang, "attendance.eligibility.on_track"),
            short: i18n::t(lang, "attendance.eligibility_short.on_track"),
            note: if absences_left == 0 {
                i18n::t(lang, "attendance.eligibility.no_more_absences")
            } else {
                i18n::t_with(lang, "attendance.eligibility.absences_left", &[("n", &absences_left.to_string())])
            },
            tone: if absences_left == 0 { "warn" } else { "ok" },
            may_write: true,
        },
        Eligibility::CannotBecomeEligible => EligibilityView {
            code: "not_eligible",
            label: i18n::t(lang, "attendance.eligibility.not_eligible"),
            short: i18n::t(lang, "attendance.eligibility_short.not_eligible"),
            note: if rules_of_program.unexcused_disqualifies && tally.unexcused > 0 {
                i18n::t(lang, "attendance.eligibility.because_unexcused")
            } else {
                i18n::t_with(
                    lang,
                    "attendance.eligibility.because_ratio",
                    &[("max", &numbers::format_percent(rules_of_program.max_absence_permille))],
                )
            },
            tone: "err",
            may_write: false,
        },
    }
}

/// A learner's attendance so far, in numbers as people read them.
#[derive(Debug, Clone, Serialize)]
pub struct TallyView {
    pub sessions: u32,
    pub attended: u32,
    pub present: u32,
    pub late: u32,
    pub made_up: u32,
    pub excused: u32,
    pub unexcused: u32,
    pub absent: u32,
    pub unmarked: u32,
    /// "10%": the share of the learner's sessions missed.
    pub ratio: String,
}

impl TallyView {
    pub fn of(t: &Tally) -> Self {
        TallyView {
            sessions: t.sessions,
            attended: t.attended(),
            present: t.present,
            late: t.late,
            made_up: t.made_up,
            excused: t.excused,
            unexcused: t.unexcused,
            absent: t.absent(),
            unmarked: t.unmarked(),
            ratio: numbers::format_percent(t.absence_permille() as i32),
        }
    }
}

/// The rule a class is held to: "Vắng không quá 20% số buổi (2/10 buổi)".
pub fn rule_text(lang: Lang, rules_of_program: &Rules, sessions: u32) -> String {
    let allowed = rules::max_absences(sessions, rules_of_program.max_absence_permille);
    let mut text = i18n::t_with(
        lang,
        "attendance.rule",
        &[
            ("max", &numbers::format_percent(rules_of_program.max_absence_permille)),
            ("allowed", &allowed.to_string()),
            ("sessions", &sessions.to_string()),
        ],
    );
    if rules_of_program.unexcused_disqualifies {
        text.push_str("; ");
        text.push_str(&i18n::t(lang, "attendance.rule_unexcused"));
    }
    text
}

/// "07:42", a stored (UTC) moment in Vietnam's time.
pub fn local_time(utc: PrimitiveDateTime) -> String {
    let local = utc.assume_utc().to_offset(time::macros::offset!(+7));
    format!("{:02}:{:02}", local.hour(), local.minute())
}

/// How a line came to be, for the note under it: "Tự điểm danh lúc 07:42".
pub fn source_note(lang: Lang, source: &str, marked_at: PrimitiveDateTime) -> Option<String> {
    let key = match source {
        crate::store::attendance::SOURCE_QR => "attendance.source.qr",
        crate::store::attendance::SOURCE_AMENDMENT => "attendance.source.amendment",
        _ => return None,
    };
    Some(i18n::t_with(lang, key, &[("time", &local_time(marked_at))]))
}
