//! The demo school: a province with its Party committees and cells, about 200 people with
//! Vietnamese names (Kinh names and Ê Đê ones: "Y Ngông Niê Kdăm", "H'Hen Niê"), and one
//! account per role. Deterministic (a fixed seed), so screenshots and
//! tests see the same school every time.

use time::{Date, Month};

use crate::credentials::password;
use crate::db::DbConn;
use crate::domain::role::Role;
use crate::mail::invitations::{self, MailContext};
use crate::store::audit::{self, Actor};
use crate::store::orgs::{self, NewOrgUnit};
use crate::store::people;
use crate::store::settings::{self, SchoolSettings};
use crate::store::users::{self, NewUser};

mod api;
mod attendance;
mod certificates;
mod nominations;
mod population;
mod readiness;
mod reports;
mod results;
mod sample_roster;
mod school_classes;

pub use attendance::attendance;
pub use sample_roster::{SAMPLE_ROSTER_CSV, SAMPLE_ROSTER_XLSX, sample_roster};

use population::generate_people;

pub const PROVINCE: &str = "Đắk Lắk";

/// (name, kind, parent index in this list)
const UNITS: [(&str, &str, Option<usize>); 16] = [
    ("Đảng bộ tỉnh Đắk Lắk", "provincial_committee", None),
    ("Đảng bộ các cơ quan Đảng tỉnh", "direct_committee", Some(0)),
    ("Đảng bộ Ủy ban nhân dân tỉnh", "direct_committee", Some(0)),
    ("Đảng bộ phường Buôn Ma Thuột", "commune_committee", Some(0)),
    ("Đảng bộ xã Ea Kar", "commune_committee", Some(0)),
    ("Chi bộ Văn phòng Tỉnh ủy", "grassroots_cell", Some(1)),
    ("Chi bộ Ban Tuyên giáo Tỉnh ủy", "grassroots_cell", Some(1)),
    ("Đảng bộ Sở Giáo dục và Đào tạo", "grassroots_committee", Some(2)),
    ("Chi bộ Trường THPT Chu Văn An", "cell", Some(7)),
    ("Chi bộ Trường THPT Buôn Ma Thuột", "cell", Some(7)),
    ("Chi bộ Sở Y tế", "grassroots_cell", Some(2)),
    ("Chi bộ Tổ dân phố 3", "cell", Some(3)),
    ("Chi bộ Tổ dân phố 7", "cell", Some(3)),
    ("Chi bộ Công an phường Buôn Ma Thuột", "cell", Some(3)),
    ("Chi bộ thôn 1", "cell", Some(4)),
    ("Chi bộ Trường THCS Ea Kar", "cell", Some(4)),
];

/// The cell the demo secretary leads (Chi bộ Trường THPT Chu Văn An).
const SECRETARY_CELL: usize = 8;

pub fn load(conn: &mut DbConn, demo_password: &str, mail: &MailContext, public_url: &str) -> anyhow::Result<()> {
    let actor = Actor::system("dữ liệu mẫu");
    let hash = password::hash(demo_password);
    crate::store::write_tx::<_, anyhow::Error, _>(conn, |conn| {
        settings::save(
            conn,
            &actor,
            &SchoolSettings {
                school_name: format!("Trường Chính trị tỉnh {PROVINCE}"),
                province: PROVINCE.into(),
                signer_title: "KT. HIỆU TRƯỞNG\nPHÓ HIỆU TRƯỞNG".into(),
                signer_name: "Trần Văn Thành".into(),
                office_phone: "0262 3852 555".into(),
                office_address: "Số 1 Lê Duẩn, phường Buôn Ma Thuột, tỉnh Đắk Lắk".into(),
            },
        )?;
        let founded = date(2025, 7, 1);
        let mut unit_ids: Vec<i64> = Vec::new();
        for (name, kind, parent) in UNITS {
            let id = orgs::create(
                conn,
                &actor,
                &NewOrgUnit {
                    parent_id: parent.map(|p| unit_ids[p]),
                    kind: kind.into(),
                    name: name.into(),
                    valid_from: founded,
                },
            )?;
            unit_ids.push(id);
        }
        // A renamed unit (the 2025 merger of Tuyên giáo and Dân vận), so the history of names shows.
        orgs::rename(conn, &actor, unit_ids[6], "Chi bộ Ban Tuyên giáo và Dân vận Tỉnh ủy", date(2025, 9, 1))?;
        let closed = orgs::create(
            conn,
            &actor,
            &NewOrgUnit {
                parent_id: Some(unit_ids[4]),
                kind: "cell".into(),
                name: "Chi bộ thôn 5 (đã sáp nhập)".into(),
                valid_from: founded,
            },
        )?;
        orgs::close(conn, &actor, closed, date(2026, 3, 31))?;

        let cells: Vec<i64> = UNITS
            .iter()
            .enumerate()
            .filter(|(_, (_, kind, _))| matches!(*kind, "cell" | "grassroots_cell"))
            .map(|(i, _)| unit_ids[i])
            .collect();
        let people = generate_people(&cells, unit_ids[SECRETARY_CELL]);
        people::insert_many(conn, &people)?;
        audit::record(
            conn,
            &actor,
            "person",
            None,
            "import",
            None::<&()>,
            Some(&serde_json::json!({ "count": people.len(), "source": "demo" })),
        )?;

        // The learner account belongs to the first person of the secretary's cell.
        let learner_person = people::list(
            conn,
            &crate::store::Scope::All,
            &people::PeopleQuery {
                org_units: Some(vec![unit_ids[SECRETARY_CELL]]),
                page: 1,
                per_page: 1,
                ..Default::default()
            },
        )?
        .items
        .first()
        .map(|p| (p.id, p.full_name.clone()));

        type DemoAccount = (&'static str, String, Vec<Role>, Vec<i64>, Option<i64>);
        let accounts: [DemoAccount; 5] = [
            ("admin@boiduong.test", "Quản trị hệ thống".into(), vec![Role::Admin], vec![], None),
            ("giaovu@boiduong.test", "Lê Thị Thu Hà".into(), vec![Role::Staff], vec![], None),
            ("giangvien@boiduong.test", "TS. Phạm Minh Tuấn".into(), vec![Role::Lecturer], vec![], None),
            (
                "bithu@boiduong.test",
                "Nguyễn Văn Bình".into(),
                vec![Role::Secretary],
                vec![unit_ids[SECRETARY_CELL]],
                None,
            ),
            (
                "hocvien@boiduong.test",
                learner_person.as_ref().map(|(_, n)| n.clone()).unwrap_or_else(|| "Học viên".into()),
                vec![Role::Learner],
                vec![],
                learner_person.as_ref().map(|(id, _)| *id),
            ),
        ];
        // A few learners of the secretary's cell are invited by email, so the outbox and the
        // delivery ledger have something to show (the worker sends them at start).
        let invited = people::list(
            conn,
            &crate::store::Scope::All,
            &people::PeopleQuery {
                org_units: Some(vec![unit_ids[SECRETARY_CELL]]),
                page: 1,
                per_page: 16,
                ..Default::default()
            },
        )?;
        let mut invited_count = 0;
        for row in invited.items.iter().skip(1) {
            let person = people::find(conn, &crate::store::Scope::All, row.id)?;
            if invitations::invite_learner(conn, mail, &actor, &person)?.is_some() {
                invited_count += 1;
            }
            if invited_count == 4 {
                break;
            }
        }
        for (email, display_name, roles, secretary_units, person_id) in accounts {
            users::create(
                conn,
                &actor,
                &NewUser {
                    email: email.into(),
                    display_name,
                    password_hash: Some(hash.clone()),
                    roles,
                    secretary_units,
                    person_id,
                    one_time_password_until: None,
                },
            )?;
        }
        // Classes around today (the clock's, which tests move only after loading).
        school_classes::load(conn, &actor, crate::clock::Clock::default().today())?;
        attendance(conn, mail, crate::clock::Clock::default().local_now())?;
        results::load(conn, crate::domain::dates::now())?;
        calendar_feeds(conn, &actor)?;
        nominations::load_nominations(conn)?;
        certificates::load(conn, &actor, mail, crate::clock::Clock::default().today(), public_url)?;
        readiness::load(conn, crate::clock::Clock::default().today())?;
        reports::load(conn, &actor, crate::domain::dates::now())?;
        api::load(conn, public_url)?;
        Ok(())
    })
}

/// The demo lecturer's and learner's calendar links, so their feed pages show a link to
/// subscribe to (with whatever sessions the demo classes have when this runs).
fn calendar_feeds(conn: &mut DbConn, actor: &Actor) -> anyhow::Result<()> {
    use crate::domain::calendar::FeedKind;
    let now = crate::domain::dates::now();
    if let Some(lecturer) = users::find_by_email(conn, "giangvien@boiduong.test")? {
        crate::store::calendar::issue(conn, actor, FeedKind::Lecturer, lecturer.id, now)?;
    }
    if let Some(person) = users::find_by_email(conn, "hocvien@boiduong.test")?.and_then(|u| u.person_id) {
        crate::store::calendar::issue(conn, actor, FeedKind::Learner, person, now)?;
    }
    Ok(())
}

fn date(y: i32, m: u8, d: u8) -> Date {
    Date::from_calendar_date(y, Month::try_from(m).expect("valid month"), d).expect("valid date")
}
