//! The demo school's classes: two venues (Buôn Ma Thuột, and Tuy Hòa — the former Phú Yên
//! school, merged into Đắk Lắk in 2025) with their rooms, three organisers, guest speakers, this
//! year's and next year's public holidays, and classes of both programs placed around today:
//! one closed a couple of months ago, one in assessment (ended last week), one running this
//! week, one taking nominations (starting in three weeks) and one draft. Each has a clash-free
//! plan; the running, assessing and closed classes have their learners.

use time::{Date, Duration, Weekday};

use super::date;

use crate::domain::class::ClassStatus;
use crate::domain::program::LessonKind;
use crate::domain::role::Role;
use crate::domain::schedule::{self, ProgramItem};
use crate::store::audit::Actor;
use crate::store::classes::{self, ClassInput};
use crate::store::issuers::{self, IssuerInput};
use crate::store::people::{self, PeopleQuery};
use crate::store::sessions::{self, SessionInput};
use crate::store::users::{self, NewUser};
use crate::store::venues::{self, GuestSpeakerInput, Holiday, RoomInput, VenueInput};
use crate::store::{DbConn, Scope, enrolments, orgs, programs};

/// A (month, day) of the solar calendar.
type MonthDay = (u8, u8);

/// Lunar New Year (mùng 1 Tết) and the Hùng Kings' day (10/3 âm lịch) by year, from the lunar
/// calendar; a year outside the table gets only its solar holidays.
const LUNAR: [(i32, MonthDay, MonthDay); 7] = [
    (2025, (1, 29), (4, 7)),
    (2026, (2, 17), (4, 26)),
    (2027, (2, 6), (4, 16)),
    (2028, (1, 26), (4, 4)),
    (2029, (2, 13), (4, 23)),
    (2030, (2, 3), (4, 12)),
    (2031, (1, 23), (4, 1)),
];

/// A year's public holidays (Bộ luật Lao động 2019, art. 112, as amended in 2024): 1/1, five
/// days of Tết (the eve and mùng 1–4), the Hùng Kings' day, 30/4, 1/5, and 2/9 with one day
/// next to it (the one that joins a weekend where there is a choice).
pub fn public_holidays(year: i32) -> Vec<Holiday> {
    let mut out = vec![Holiday { day: date(year, 1, 1), name: "Tết Dương lịch".into() }];
    if let Some((_, (tm, td), (hm, hd))) = LUNAR.iter().find(|(y, _, _)| *y == year) {
        let tet = date(year, *tm, *td);
        out.push(Holiday {
            day: tet - Duration::days(1), name: "Tết Nguyên đán (chiều 30 tháng Chạp)".into()
        });
        for n in 0..4 {
            out.push(Holiday { day: tet + Duration::days(n), name: format!("Tết Nguyên đán (mùng {})", n + 1) });
        }
        out.push(Holiday { day: date(year, *hm, *hd), name: "Giỗ Tổ Hùng Vương (10/3 âm lịch)".into() });
    }
    out.push(Holiday {
        day: date(year, 4, 30), name: "Ngày Giải phóng miền Nam, thống nhất đất nước".into()
    });
    out.push(Holiday { day: date(year, 5, 1), name: "Ngày Quốc tế Lao động".into() });
    let national = date(year, 9, 2);
    let extra = match national.weekday() {
        Weekday::Monday | Weekday::Thursday | Weekday::Sunday => national + Duration::days(1),
        _ => national - Duration::days(1),
    };
    out.push(Holiday { day: national, name: "Quốc khánh".into() });
    out.push(Holiday { day: extra, name: "Nghỉ Quốc khánh".into() });
    out.sort_by_key(|h| h.day);
    out.dedup_by_key(|h| h.day);
    out
}

/// The Monday of the week the running class is taught: this week's, or on a Sunday the week
/// that starts tomorrow (on a Saturday, the week just ended).
pub fn running_week(today: Date) -> Date {
    match today.weekday() {
        Weekday::Sunday => today + Duration::days(1),
        other => today - Duration::days(i64::from(other.number_days_from_monday())),
    }
}

/// Who teaches each session of a plan, in turn: the demo lecturer takes several, the two other
/// lecturers some, a guest speaker the field trip or extra topic.
#[derive(Clone, Copy)]
enum By {
    Lecturer(usize),
    Guest(usize),
}

struct Plan {
    program: &'static str,
    issuer: usize,
    venue: usize,
    room: usize,
    capacity: i32,
    /// The day the plan starts from (moved on over weekends and holidays).
    from: Date,
    teachers: &'static [By],
    co_unit: Option<&'static str>,
    decision: Option<(&'static str, i64)>,
}

const NTVD_TEACHERS: [By; 10] = [
    By::Lecturer(0),
    By::Lecturer(1),
    By::Lecturer(1),
    By::Lecturer(0),
    By::Lecturer(2),
    By::Lecturer(0),
    By::Lecturer(1),
    By::Guest(0),
    By::Lecturer(0),
    By::Lecturer(2),
];
const NTVD_TUY_HOA: [By; 10] = [
    By::Lecturer(2),
    By::Lecturer(1),
    By::Lecturer(1),
    By::Lecturer(2),
    By::Guest(2),
    By::Lecturer(2),
    By::Lecturer(1),
    By::Guest(1),
    By::Lecturer(2),
    By::Lecturer(1),
];
const DVM_TEACHERS: [By; 11] = [
    By::Lecturer(0),
    By::Lecturer(1),
    By::Lecturer(2),
    By::Lecturer(0),
    By::Guest(0),
    By::Lecturer(1),
    By::Lecturer(0),
    By::Lecturer(2),
    By::Lecturer(0),
    By::Lecturer(1),
    By::Lecturer(0),
];

pub fn load(conn: &mut DbConn, actor: &Actor, today: Date) -> anyhow::Result<()> {
    // Venues and rooms. Buôn Ma Thuột comes first, so venue 1 and room 1 exist for any link.
    let bmt = venues::create_venue(
        conn,
        actor,
        &VenueInput {
            name: "Cơ sở Buôn Ma Thuột".into(),
            address: "Số 1 Lê Duẩn, phường Buôn Ma Thuột, tỉnh Đắk Lắk".into(),
            place: "Buôn Ma Thuột".into(),
            active: true,
        },
    )?;
    let tuy_hoa = venues::create_venue(
        conn,
        actor,
        &VenueInput {
            name: "Cơ sở Tuy Hòa".into(),
            address: "Số 2 Trần Phú, phường Tuy Hòa, tỉnh Đắk Lắk (trước đây là Trường Chính trị tỉnh Phú Yên)".into(),
            place: "Tuy Hòa".into(),
            active: true,
        },
    )?;
    let venue_ids = [bmt, tuy_hoa];
    let mut room_ids = Vec::new();
    for (venue, name, capacity) in
        [(bmt, "A1", 120), (bmt, "A2", 60), (bmt, "B1", 40), (tuy_hoa, "P101", 80), (tuy_hoa, "P102", 50)]
    {
        room_ids.push(venues::create_room(
            conn,
            actor,
            &RoomInput { venue_id: venue, name: name.into(), capacity, active: true },
        )?);
    }

    // Organisers: the school, a commune political centre and a province-level Party committee.
    let unit_named = |conn: &mut DbConn, name: &str| -> anyhow::Result<Option<i64>> {
        Ok(orgs::all(conn)?.into_iter().find(|u| u.name == name).map(|u| u.id))
    };
    let committee = unit_named(conn, "Đảng bộ các cơ quan Đảng tỉnh")?;
    let issuer_inputs = [
        IssuerInput {
            kind: "school".into(),
            superior_name: "TỈNH ỦY ĐẮK LẮK".into(),
            name: "TRƯỜNG CHÍNH TRỊ TỈNH ĐẮK LẮK".into(),
            org_unit_id: None,
            place: "Buôn Ma Thuột".into(),
            signer_delegation: "KT. HIỆU TRƯỞNG".into(),
            signer_title: "PHÓ HIỆU TRƯỞNG".into(),
            signer_name: "Trần Văn Thành".into(),
            active: true,
        },
        IssuerInput {
            kind: "commune_centre".into(),
            superior_name: "ĐẢNG ỦY PHƯỜNG TUY HÒA".into(),
            name: "TRUNG TÂM CHÍNH TRỊ PHƯỜNG TUY HÒA".into(),
            org_unit_id: None,
            place: "Tuy Hòa".into(),
            signer_delegation: String::new(),
            signer_title: "GIÁM ĐỐC".into(),
            signer_name: "Lê Thị Kim Oanh".into(),
            active: true,
        },
        IssuerInput {
            kind: "party_committee".into(),
            superior_name: "ĐẢNG BỘ TỈNH ĐẮK LẮK".into(),
            name: "ĐẢNG ỦY CÁC CƠ QUAN ĐẢNG TỈNH".into(),
            org_unit_id: committee,
            place: "Buôn Ma Thuột".into(),
            signer_delegation: "T/M ĐẢNG ỦY".into(),
            signer_title: "PHÓ BÍ THƯ".into(),
            signer_name: "Phan Văn Hòa".into(),
            active: true,
        },
    ];
    let mut issuer_ids = Vec::new();
    for input in &issuer_inputs {
        issuer_ids.push(issuers::create(conn, actor, input)?);
    }

    let mut guest_ids = Vec::new();
    for (name, title, organisation) in [
        ("Nguyễn Văn Hùng", "Phó Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy", "Tỉnh ủy Đắk Lắk"),
        ("H'Linh Niê", "Giám đốc Bảo tàng tỉnh", "Bảo tàng tỉnh Đắk Lắk"),
        ("Trần Quốc Bảo", "Báo cáo viên Tỉnh ủy", "Ban Tuyên giáo và Dân vận Tỉnh ủy"),
    ] {
        guest_ids.push(venues::create_guest_speaker(
            conn,
            actor,
            &GuestSpeakerInput {
                name: name.into(),
                title: title.into(),
                organisation: organisation.into(),
                active: true,
            },
        )?);
    }

    // Two more lecturers, invited but without a password, so the load has several teachers.
    let demo_lecturer = users::find_by_email(conn, "giangvien@boiduong.test")?
        .ok_or_else(|| anyhow::anyhow!("the demo lecturer is created first"))?
        .id;
    let mut lecturer_ids = vec![demo_lecturer];
    for (email, name) in
        [("nhung.nguyen@boiduong.test", "ThS. Nguyễn Thị Hồng Nhung"), ("blin.eban@boiduong.test", "ThS. Y Blin Êban")]
    {
        lecturer_ids.push(users::create(
            conn,
            actor,
            &NewUser {
                email: email.into(),
                display_name: name.into(),
                password_hash: None,
                roles: vec![Role::Lecturer],
                secretary_units: vec![],
                person_id: None,
                one_time_password_until: None,
            },
        )?);
    }

    for year in [today.year(), today.year() + 1] {
        for holiday in public_holidays(year) {
            venues::add_holiday(conn, actor, &holiday)?;
        }
    }
    let holidays: Vec<Date> = venues::all_holidays(conn)?.into_iter().map(|h| h.day).collect();

    let monday = running_week(today);
    // The classes, in the order of their ids: the running one first, so /classes/1 is the
    // class of this week (and its sessions 1–10).
    let running = Plan {
        program: "NTVD",
        issuer: 0,
        venue: 0,
        room: 1,
        capacity: 60,
        from: monday,
        teachers: &NTVD_TEACHERS,
        co_unit: Some("Đảng bộ phường Buôn Ma Thuột"),
        decision: Some(("125-QĐ/TCT", 14)),
    };
    let nominating = Plan {
        program: "NTVD",
        issuer: 1,
        venue: 1,
        room: 3,
        capacity: 80,
        from: monday + Duration::weeks(3),
        teachers: &NTVD_TUY_HOA,
        co_unit: None,
        decision: None,
    };
    // Ended last week: eleven sessions over six teaching days, from the Friday before.
    let assessing = Plan {
        program: "DVM",
        issuer: 0,
        venue: 0,
        room: 0,
        capacity: 60,
        from: monday - Duration::days(10),
        teachers: &DVM_TEACHERS,
        co_unit: Some("Đảng bộ các cơ quan Đảng tỉnh"),
        decision: Some(("118-QĐ/TCT", 24)),
    };
    let closed = Plan {
        program: "NTVD",
        issuer: 0,
        venue: 1,
        room: 4,
        capacity: 50,
        from: monday - Duration::weeks(9),
        teachers: &NTVD_TEACHERS,
        co_unit: Some("Đảng bộ xã Ea Kar"),
        decision: Some(("96-QĐ/TCT", 14)),
    };
    // A draft whose room is smaller than the class, so the warning shows.
    let draft = Plan {
        program: "DVM",
        issuer: 2,
        venue: 0,
        room: 2,
        capacity: 45,
        from: monday + Duration::weeks(7),
        teachers: &DVM_TEACHERS,
        co_unit: None,
        decision: None,
    };
    let plans = [&running, &nominating, &assessing, &closed, &draft];

    // Ordinals in the order the classes start, per program, organiser and year.
    let mut starts: Vec<(usize, &str, usize, Date)> =
        plans.iter().enumerate().map(|(i, p)| (i, p.program, p.issuer, p.from)).collect();
    starts.sort_by_key(|s| s.3);
    let ordinal_of = |index: usize| -> i32 {
        let (_, program, issuer, from) = starts.iter().find(|s| s.0 == index).copied().expect("listed");
        starts.iter().filter(|s| s.1 == program && s.2 == issuer && s.3.year() == from.year() && s.3 <= from).count()
            as i32
    };

    let mut class_ids = Vec::new();
    for (index, plan) in plans.iter().enumerate() {
        let program = programs::all(conn)?
            .into_iter()
            .find(|p| p.code == plan.program)
            .ok_or_else(|| anyhow::anyhow!("program {} is seeded", plan.program))?;
        let lessons = programs::lessons_of(conn, program.id)?;
        let items: Vec<ProgramItem> = lessons
            .iter()
            .map(|l| ProgramItem {
                lesson_id: l.id,
                title: l.title.clone(),
                periods: l.periods,
                activity: LessonKind::parse(&l.kind) == Some(LessonKind::Activity),
            })
            .collect();
        let planned = schedule::plan(
            &schedule::plan_items(&items),
            plan.from,
            plan.from + Duration::days(40),
            &holidays,
            &schedule::DEFAULT_SLOTS,
        )
        .map_err(|e| anyhow::anyhow!("demo plan: {e:?}"))?;
        let first_day = planned.first().map_or(plan.from, |s| s.starts_at.date());
        let last_day = planned.last().map_or(plan.from, |s| s.starts_at.date());
        let issuer = &issuer_inputs[plan.issuer];
        let co_org_unit_id = match plan.co_unit {
            Some(name) => unit_named(conn, name)?,
            None => None,
        };
        let id = classes::create(
            conn,
            actor,
            &ClassInput {
                program_id: program.id,
                year: first_day.year(),
                ordinal: ordinal_of(index),
                issuer_id: issuer_ids[plan.issuer],
                co_org_unit_id,
                venue_id: venue_ids[plan.venue],
                first_day,
                last_day,
                capacity: plan.capacity,
                opening_decision_no: plan.decision.map(|d| d.0.to_owned()).unwrap_or_default(),
                opening_decision_date: plan.decision.map(|d| first_day - Duration::days(d.1)),
                signer_delegation: issuer.signer_delegation.clone(),
                signer_title: issuer.signer_title.clone(),
                signer_name: issuer.signer_name.clone(),
            },
        )?;
        let sessions: Vec<SessionInput> = planned
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                let by = plan.teachers.get(i).copied().unwrap_or(By::Lecturer(0));
                SessionInput {
                    lesson_id: p.lesson_id,
                    title: p.title,
                    periods: p.periods,
                    starts_at: p.starts_at,
                    ends_at: p.ends_at,
                    room_id: Some(room_ids[plan.room]),
                    lecturer_user_id: match by {
                        By::Lecturer(n) => Some(lecturer_ids[n]),
                        By::Guest(_) => None,
                    },
                    guest_speaker_id: match by {
                        By::Guest(n) => Some(guest_ids[n]),
                        By::Lecturer(_) => None,
                    },
                }
            })
            .collect();
        if let Err(clashes) = sessions::replace_plan(conn, actor, id, &sessions)? {
            anyhow::bail!("the demo plan clashes: {clashes:?}");
        }
        class_ids.push(id);
    }

    // Learners: candidates for the awareness course, probationary members for the new-member
    // course; the demo learner's person in the class running this week.
    let of_status = |conn: &mut DbConn, status: &str| -> anyhow::Result<Vec<i64>> {
        let query = PeopleQuery { status: Some(status.into()), page: 1, per_page: 1000, ..Default::default() };
        Ok(people::list(conn, &Scope::All, &query)?.items.into_iter().map(|p| p.id).collect())
    };
    let candidates = of_status(conn, "candidate")?;
    let probationary = of_status(conn, "probationary")?;
    let learner = users::find_by_email(conn, "hocvien@boiduong.test")?.and_then(|u| u.person_id);
    let mut running_learners: Vec<i64> = candidates.iter().step_by(2).take(50).copied().collect();
    if let Some(person) = learner
        && !running_learners.contains(&person)
    {
        running_learners.push(person);
    }
    let closed_learners: Vec<i64> =
        candidates.iter().skip(1).step_by(2).filter(|p| Some(**p) != learner).take(45).copied().collect();
    let assessing_learners: Vec<i64> = probationary.iter().filter(|p| Some(**p) != learner).take(45).copied().collect();
    for (class_index, learners) in [(0, &running_learners), (2, &assessing_learners), (3, &closed_learners)] {
        let class = classes::find(conn, class_ids[class_index])?;
        for person in learners {
            enrolments::enrol(conn, actor, class.id, *person, enrolments::SOURCE_STAFF, class.first_day)?;
        }
    }

    // Statuses move through the guards where they allow it; "now" is the end of today, so the
    // classes that ended before today may move into assessment.
    let now = time::PrimitiveDateTime::new(today, time::macros::time!(23:59));
    let step = |conn: &mut DbConn, id: i64, until: ClassStatus| -> anyhow::Result<()> {
        loop {
            let class = classes::find(conn, id)?;
            if class.status() >= until {
                return Ok(());
            }
            if let Err(blockers) = classes::advance(conn, actor, id, class.version, now, classes::result_facts)? {
                anyhow::bail!("demo class {id} cannot move on: {blockers:?}");
            }
        }
    };
    step(conn, class_ids[0], ClassStatus::Running)?;
    step(conn, class_ids[1], ClassStatus::Nominating)?;
    step(conn, class_ids[2], ClassStatus::Assessing)?;
    step(conn, class_ids[3], ClassStatus::Assessing)?;
    // The closed class's results and certificates are history the demo does not replay: its
    // results decision is recorded and its status set directly.
    let closed_class = classes::find(conn, class_ids[3])?;
    classes::set_results_decision(
        conn,
        actor,
        closed_class.id,
        closed_class.version,
        "102-QĐ/TCT",
        Some(closed_class.last_day + Duration::days(10)),
    )?;
    classes::restore_status(conn, actor, closed_class.id, ClassStatus::Closed)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn holidays_of_2026_follow_the_lunar_calendar() {
        let days: Vec<Date> = public_holidays(2026).into_iter().map(|h| h.day).collect();
        for d in [date!(2026 - 01 - 01), date!(2026 - 02 - 16), date!(2026 - 02 - 17), date!(2026 - 02 - 20)] {
            assert!(days.contains(&d), "{d}");
        }
        assert!(days.contains(&date!(2026 - 04 - 26)), "Giỗ Tổ Hùng Vương");
        assert!(days.contains(&date!(2026 - 09 - 01)), "2/9/2026 is a Wednesday: the day before");
        assert_eq!(days.len(), 11);
    }

    #[test]
    fn the_running_week_is_this_one_or_the_next_on_a_sunday() {
        assert_eq!(running_week(date!(2026 - 11 - 25)), date!(2026 - 11 - 23));
        assert_eq!(running_week(date!(2026 - 11 - 28)), date!(2026 - 11 - 23), "Saturday: the week just ended");
        assert_eq!(running_week(date!(2026 - 11 - 29)), date!(2026 - 11 - 30), "Sunday: the week starting");
    }
}
