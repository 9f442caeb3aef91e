//! The shared store under the class pages: a class planned from its program, clashes between
//! classes found on the plan and on each edit (touching sessions do not clash), guarded status
//! moves and the attendance tally. The pages built on it have their own tests.

use boiduong::domain::class::{Blocker, ClassStatus};
use boiduong::domain::schedule::{self, ClashKind, PlanItem};
use boiduong::store::audit::Actor;
use boiduong::store::classes::{self, ClassInput};
use boiduong::store::issuers::{self, IssuerInput};
use boiduong::store::sessions::{self, SessionInput};
use boiduong::store::venues::{self, RoomInput, VenueInput};
use boiduong::store::{Scope, enrolments, programs};
use time::macros::{date, datetime};

use crate::helpers::*;

struct Setup {
    room: i64,
    program: i64,
    issuer: i64,
    venue: i64,
}

fn setup(app: &TestApp) -> Setup {
    let mut c = app.conn();
    let actor = Actor::system("kiểm thử");
    let venue = venues::create_venue(
        &mut c,
        &actor,
        &VenueInput {
            name: "Cơ sở kiểm thử".into(), address: "Tuy Hòa".into(), place: "Tuy Hòa".into(), active: true
        },
    )
    .unwrap();
    let room = venues::create_room(
        &mut c,
        &actor,
        &RoomInput { venue_id: venue, name: "A2".into(), capacity: 60, active: true },
    )
    .unwrap();
    let issuer = issuers::create(
        &mut c,
        &actor,
        &IssuerInput {
            kind: "school".into(),
            superior_name: "TỈNH ỦY ĐẮK LẮK".into(),
            name: "TRƯỜNG CHÍNH TRỊ TỈNH (kiểm thử)".into(),
            org_unit_id: None,
            place: "Tuy Hòa".into(),
            signer_delegation: "KT. HIỆU TRƯỞNG".into(),
            signer_title: "PHÓ HIỆU TRƯỞNG".into(),
            signer_name: "Trần Văn Thành".into(),
            active: true,
        },
    )
    .unwrap();
    let program = programs::all(&mut c).unwrap().into_iter().find(|p| p.code == "NTVD").unwrap().id;
    Setup { room, program, issuer, venue }
}

fn new_class(app: &TestApp, s: &Setup, ordinal: i32, first: time::Date, last: time::Date) -> i64 {
    let input = ClassInput {
        program_id: s.program,
        year: 2027,
        ordinal,
        issuer_id: s.issuer,
        co_org_unit_id: None,
        venue_id: s.venue,
        first_day: first,
        last_day: last,
        capacity: 60,
        opening_decision_no: String::new(),
        opening_decision_date: None,
        signer_delegation: "KT. HIỆU TRƯỞNG".into(),
        signer_title: "PHÓ HIỆU TRƯỞNG".into(),
        signer_name: "Trần Văn Thành".into(),
    };
    classes::create(&mut app.conn(), &Actor::system("kiểm thử"), &input).unwrap()
}

fn planned(app: &TestApp, s: &Setup, first: time::Date, last: time::Date) -> Vec<SessionInput> {
    let lessons = programs::lessons_of(&mut app.conn(), s.program).unwrap();
    let items: Vec<PlanItem> = lessons
        .iter()
        .map(|l| PlanItem { lesson_id: Some(l.id), title: l.title.clone(), periods: l.periods })
        .collect();
    schedule::plan(&items, first, last, &[], &schedule::DEFAULT_SLOTS)
        .unwrap()
        .into_iter()
        .map(|p| SessionInput {
            lesson_id: p.lesson_id,
            title: p.title,
            periods: p.periods,
            starts_at: p.starts_at,
            ends_at: p.ends_at,
            room_id: Some(s.room),
            lecturer_user_id: None,
            guest_speaker_id: None,
        })
        .collect()
}

#[tokio::test]
async fn a_second_class_in_the_same_room_and_week_clashes_and_a_touching_session_does_not() {
    let app = spawn_app().await;
    let s = setup(&app);
    let actor = Actor::system("kiểm thử");
    // Monday 15 to Friday 19 March 2027.
    let (first, last) = (date!(2027 - 03 - 15), date!(2027 - 03 - 19));
    let one = new_class(&app, &s, 1, first, last);
    let plan = planned(&app, &s, first, last);
    assert_eq!(plan.len(), 10, "the awareness course is ten half-day sessions");
    assert_eq!(sessions::replace_plan(&mut app.conn(), &actor, one, &plan).unwrap(), Ok(10));

    let two = new_class(&app, &s, 2, first, last);
    let clashes = sessions::replace_plan(&mut app.conn(), &actor, two, &plan).unwrap().unwrap_err();
    assert_eq!(clashes.len(), 10, "every session of the copy clashes on the room: {clashes:?}");
    let (index, clash) = &clashes[2];
    assert_eq!(*index, 2);
    assert_eq!(clash.kind, ClashKind::Room);
    assert_eq!(clash.what, "A2");
    assert_eq!(clash.other_seq, 3);
    assert_eq!(clash.other_class, "Nhận thức về Đảng khóa I năm 2027");
    assert!(sessions::of_class(&mut app.conn(), two).unwrap().is_empty(), "nothing was saved");

    // One session, ending exactly when class one's first session starts, does not clash.
    let touching = SessionInput {
        lesson_id: None,
        title: "Khai giảng".into(),
        periods: 1,
        starts_at: datetime!(2027-03-15 06:30),
        ends_at: datetime!(2027-03-15 07:30),
        room_id: Some(s.room),
        lecturer_user_id: None,
        guest_speaker_id: None,
    };
    assert_eq!(sessions::replace_plan(&mut app.conn(), &actor, two, std::slice::from_ref(&touching)).unwrap(), Ok(1));
    // Moved five minutes later, it overlaps and the edit is refused with the other session named.
    let session = sessions::of_class(&mut app.conn(), two).unwrap().remove(0);
    let later = SessionInput { ends_at: datetime!(2027-03-15 07:35), ..touching };
    let refused = sessions::update(&mut app.conn(), &actor, session.id, session.version, &later).unwrap().unwrap_err();
    assert_eq!(refused.len(), 1);
    assert_eq!((refused[0].kind, refused[0].other_seq), (ClashKind::Room, 1));
    assert_eq!(schedule::format_range(refused[0].starts_at, refused[0].ends_at), "07:30–11:00 ngày 15/03/2027");
}

#[tokio::test]
async fn a_learner_in_two_classes_at_once_clashes_and_status_moves_are_guarded() {
    let app = spawn_app().await;
    let s = setup(&app);
    let actor = Actor::system("kiểm thử");
    let (first, last) = (date!(2027 - 03 - 15), date!(2027 - 03 - 19));
    let one = new_class(&app, &s, 1, first, last);
    sessions::replace_plan(&mut app.conn(), &actor, one, &planned(&app, &s, first, last)).unwrap().unwrap();
    let person = boiduong::store::people::list(
        &mut app.conn(),
        &Scope::All,
        &boiduong::store::people::PeopleQuery { page: 1, per_page: 1, ..Default::default() },
    )
    .unwrap()
    .items
    .remove(0);
    assert!(enrolments::enrol(&mut app.conn(), &actor, one, person.id, enrolments::SOURCE_STAFF, first).unwrap());
    assert!(!enrolments::enrol(&mut app.conn(), &actor, one, person.id, enrolments::SOURCE_STAFF, first).unwrap());

    // Class two meets in another room at the same times; the shared learner clashes.
    let two = new_class(&app, &s, 2, first, last);
    let other_room = venues::create_room(
        &mut app.conn(),
        &actor,
        &RoomInput { venue_id: s.venue, name: "B1".into(), capacity: 40, active: true },
    )
    .unwrap();
    let mut plan = planned(&app, &s, first, last);
    plan.iter_mut().for_each(|p| p.room_id = Some(other_room));
    assert_eq!(sessions::replace_plan(&mut app.conn(), &actor, two, &plan).unwrap(), Ok(10), "no learner yet");
    enrolments::enrol(&mut app.conn(), &actor, two, person.id, enrolments::SOURCE_STAFF, first).unwrap();
    let session = sessions::of_class(&mut app.conn(), two).unwrap().remove(0);
    let same = SessionInput {
        lesson_id: session.lesson_id,
        title: session.title.clone(),
        periods: session.periods,
        starts_at: session.starts_at,
        ends_at: session.ends_at,
        room_id: Some(other_room),
        lecturer_user_id: None,
        guest_speaker_id: None,
    };
    let refused = sessions::update(&mut app.conn(), &actor, session.id, session.version, &same).unwrap().unwrap_err();
    assert_eq!(refused[0].kind, ClashKind::Learner);
    assert_eq!(refused[0].what, person.full_name);

    // Draft → nominating needs sessions (there are); nominating → running needs rooms, teachers,
    // the opening decision and learners.
    let class = classes::find(&mut app.conn(), one).unwrap();
    let now = datetime!(2027-03-01 08:00);
    let moved = classes::advance(&mut app.conn(), &actor, one, class.version, now, |_, _, _| Ok(())).unwrap();
    assert_eq!(moved, Ok(ClassStatus::Nominating));
    let class = classes::find(&mut app.conn(), one).unwrap();
    let blocked = classes::advance(&mut app.conn(), &actor, one, class.version, now, |_, _, _| Ok(())).unwrap();
    assert_eq!(blocked, Err(vec![Blocker::SessionsWithoutTeacher(10), Blocker::NoOpeningDecision]));
    let stale = classes::advance(&mut app.conn(), &actor, one, class.version - 1, now, |_, _, _| Ok(()));
    assert!(matches!(stale, Err(boiduong::store::StoreError::Conflict("class.error.changed"))));

    let tallies = boiduong::store::attendance::tallies(&mut app.conn(), one).unwrap();
    assert_eq!(tallies.len(), 1);
    assert_eq!(tallies.values().next().unwrap().sessions, 10);
}
