//! The learner's part of the home page, made for a phone: the next sessions with the calendar
//! link, each current class with attendance and essay eligibility, and the certificates. The
//! detail sits on the portal's own pages; this is what a learner opens the app to see. Last, what
//! is still missing for their admission or recognition, from the dossier their secretary keeps.

use serde::Serialize;
use time::{Date, Duration};

use crate::db::DbConn;
use crate::domain::class::{self as class_names, ClassStatus};
use crate::domain::person::Status;
use crate::domain::readiness::{PathKind, RowState};
use crate::domain::{dates, numbers, schedule};
use crate::i18n::{self, Lang};
use crate::store::sessions::SessionFilter;
use crate::store::{self, StoreResult};
use crate::web::attendance::views::{self, EligibilityView};
use crate::web::certificates::validity_label;
use crate::web::readiness::views::{self as readiness_views, Tagged};
use crate::web::schedule::views::weekday;

/// How far ahead, and how many, upcoming sessions the home page lists.
const AHEAD_DAYS: i64 = 60;
const UPCOMING: i64 = 5;

#[derive(Serialize)]
pub struct LearnerOverview {
    upcoming: Vec<Upcoming>,
    classes: Vec<ClassLine>,
    certificates: Vec<CertificateLine>,
    dossier: Option<DossierCard>,
}

/// What is still missing for the learner's admission (or recognition as an official member),
/// as the chi bộ's secretary keeps it.
#[derive(Serialize)]
struct DossierCard {
    title: String,
    state: Tagged,
    /// The required steps not done, or done but lapsed ("… (hết hạn)").
    missing: Vec<String>,
    /// "Hết thời gian dự bị: 05/06/2027 (còn 190 ngày)" for a probationary member.
    probation: Option<String>,
    probation_warning: bool,
}

#[derive(Serialize)]
struct Upcoming {
    /// "Thứ Hai 16/03/2026".
    day: String,
    /// "07:30–11:00".
    time: String,
    class_name: String,
    seq: i32,
    title: String,
    place: Option<String>,
    teacher: Option<String>,
}

#[derive(Serialize)]
struct ClassLine {
    class_name: String,
    days: String,
    attended: u32,
    sessions: u32,
    essay: EligibilityView,
}

#[derive(Serialize)]
struct CertificateLine {
    class_name: String,
    number: String,
    validity: String,
    tone: &'static str,
}

/// Everything the learner's home cards show, from the person's own records only.
pub fn load(c: &mut DbConn, lang: Lang, person_id: i64, today: Date) -> StoreResult<LearnerOverview> {
    let filter = SessionFilter { learner_person_id: Some(person_id), limit: Some(UPCOMING), ..Default::default() };
    let upcoming = store::sessions::between(c, today, today + Duration::days(AHEAD_DAYS), &filter)?
        .into_iter()
        .map(|s| Upcoming {
            day: format!("{} {}", weekday(lang, s.session.starts_at.date()), dates::format(s.session.starts_at.date())),
            time: format!(
                "{}–{}",
                schedule::format_time(s.session.starts_at.time()),
                schedule::format_time(s.session.ends_at.time())
            ),
            teacher: s.teacher(),
            place: match (&s.room_name, &s.venue_name) {
                (Some(room), Some(venue)) => Some(format!("{room}, {venue}")),
                (room, venue) => room.clone().or_else(|| venue.clone()),
            },
            class_name: format!("{} {}", s.program_short_name, s.class_name),
            seq: s.session.seq,
            title: s.session.title,
        })
        .collect();
    // Classes still under way; finished ones live on the results page.
    let unfinished = [ClassStatus::Nominating, ClassStatus::Running, ClassStatus::Assessing];
    let classes = store::attendance::of_learner_in(c, person_id, &unfinished, false)?
        .into_iter()
        .filter(|lc| lc.enrolment_status != "withdrawn")
        .map(|lc| {
            let rules = lc.program.rules();
            ClassLine {
                class_name: class_names::full_name(&lc.program.name, lc.class.ordinal, lc.class.year),
                days: format!("{} – {}", dates::format(lc.class.first_day), dates::format(lc.class.last_day)),
                attended: lc.tally.attended(),
                sessions: lc.tally.sessions,
                essay: views::eligibility_view(lang, &lc.tally, &rules),
            }
        })
        .collect();
    let certificates = store::certificates::of_person(c, person_id)?
        .iter()
        .filter(|cert| cert.status == "valid")
        .map(|cert| {
            let (validity, tone) = validity_label(lang, cert, today);
            CertificateLine {
                class_name: cert.snapshot().doc.class_name,
                number: cert.register_number(),
                validity,
                tone,
            }
        })
        .collect();
    let dossier = dossier(c, lang, person_id, today)?;
    Ok(LearnerOverview { upcoming, classes, certificates, dossier })
}

fn dossier(c: &mut DbConn, lang: Lang, person_id: i64, today: Date) -> StoreResult<Option<DossierCard>> {
    let checklist = store::readiness::checklist(c, &store::Scope::All, person_id, today)?;
    if checklist.person.status() == Status::Official {
        return Ok(None);
    }
    let computed = &checklist.computed;
    let title = match computed.path {
        PathKind::Admission => "portal.home.dossier_admission",
        PathKind::Recognition => "portal.home.dossier_recognition",
    };
    let expired = i18n::t(lang, "readiness.row.expired");
    let missing = computed
        .rows
        .iter()
        // What the chi bộ's meeting needs; the resolutions, decision and ceremony come after it.
        .filter(|r| r.required && r.before_meeting)
        .filter_map(|r| match r.state {
            RowState::Missing => Some(r.label.clone()),
            RowState::Expired => Some(format!("{} ({})", r.label, expired.to_lowercase())),
            RowState::Done | RowState::NotNeeded => None,
        })
        .collect();
    let probation = checklist.probation.as_ref().map(|p| {
        let left = if p.ended {
            i18n::t(lang, "readiness.probation.ended")
        } else {
            i18n::t_with(lang, "readiness.probation.days_left", &[("n", &numbers::format_int(p.days_left))])
        };
        i18n::t_with(lang, "portal.home.probation_ends", &[("date", &dates::format(p.dates.ends_on)), ("left", &left)])
    });
    Ok(Some(DossierCard {
        title: i18n::t(lang, title),
        state: readiness_views::overall(lang, computed.overall),
        missing,
        probation_warning: checklist.probation.as_ref().is_some_and(|p| p.warning || p.certificate_overdue),
        probation,
    }))
}
