//! The demo school: a province with its Party committees and cells, about 200 people with
//! Vietnamese names (Kinh names and Ê Đê ones: "Y Ngông Niê Kdăm", "H'Hen Niê"), and one
//! account per role. Deterministic (a fixed seed), so screenshots and
//! tests see the same school every time.

use time::{Date, Month};

use crate::credentials::password;
use crate::db::DbConn;
use crate::domain::role::Role;
use crate::domain::{citizen_id, names, person::Sex};
use crate::mail::invitations::{self, MailContext};
use crate::store::audit::{self, Actor};
use crate::store::orgs::{self, NewOrgUnit};
use crate::store::people::{self, PersonInput};
use crate::store::settings::{self, SchoolSettings};
use crate::store::users::{self, NewUser};

mod api;
mod attendance;
mod certificates;
mod nominations;
mod readiness;
mod reports;
mod results;
mod school_classes;

pub use attendance::attendance;

pub const PROVINCE: &str = "Đắk Lắk";

/// A small deterministic generator (xorshift), so the demo needs no random crate and is the
/// same on every machine.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const FAMILY: [&str; 15] = [
    "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Phan", "Đặng", "Bùi",
    "Đỗ",
];
const MIDDLE_M: [&str; 8] = ["Văn", "Văn", "Đức", "Minh", "Quốc", "Hữu", "Thanh", "Công"];
const MIDDLE_F: [&str; 8] = ["Thị", "Thị", "Thị Thu", "Ngọc", "Thanh", "Thị Mỹ", "Hồng", "Kim"];
const GIVEN_M: [&str; 20] = [
    "An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hiếu", "Hùng", "Huy", "Khoa", "Lâm", "Long", "Minh", "Nam", "Phong",
    "Quân", "Sơn", "Thắng", "Tuấn", "Vinh",
];
const GIVEN_F: [&str; 20] = [
    "Anh", "Ánh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "My", "Ngân",
    "Nhung", "Oanh", "Phương", "Thảo", "Trang",
];
/// Ê Đê names: "Y" opens a man's name, "H'" a woman's; the personal name follows, the clan name
/// (sometimes with its branch, "Niê Kdăm") comes last.
const EDE_MEN: [&str; 10] = ["Ngông", "Bhim", "Djuat", "Kông", "Blin", "Thuât", "Jôn", "Wơn", "Yuin", "Tlang"];
const EDE_WOMEN: [&str; 10] = ["Hen", "Bia", "Yâo", "Juê", "Ngơn", "Duôn", "Rah", "Ly", "Hồng", "Mai"];
const EDE_CLANS: [&str; 9] = ["Niê", "Niê Kdăm", "Mlô", "Êban", "Ktla", "Byă", "Adrơng", "Knul", "Ayŭn"];
/// Where Ê Đê people in the demo come from.
const EDE_HOMETOWNS: [&str; 4] =
    ["Buôn Ma Thuột, Đắk Lắk", "Krông Pắc, Đắk Lắk", "Cư M'gar, Đắk Lắk", "Buôn Đôn, Đắk Lắk"];

const HOMETOWNS: [&str; 12] = [
    "Buôn Ma Thuột, Đắk Lắk",
    "Ea Kar, Đắk Lắk",
    "Krông Pắc, Đắk Lắk",
    "Cư M'gar, Đắk Lắk",
    "Tuy Hòa, Đắk Lắk",
    "Sông Cầu, Đắk Lắk",
    "Quảng Ngãi",
    "Nghệ An",
    "Hà Tĩnh",
    "Thái Bình",
    "Bình Định",
    "Thanh Hóa",
];

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

/// About 200 people: two thirds candidates, the rest probationary members with their decision
/// and ceremony dates, a few official members; spread over the cells, with the secretary's
/// cell well populated.
fn generate_people(cells: &[i64], secretary_cell: i64) -> Vec<PersonInput> {
    let mut dice = Dice(0x5EED_B01D_0026);
    let mut out = Vec::with_capacity(204);
    for i in 0..204 {
        let sex = if dice.below(100) < 55 { Sex::Female } else { Sex::Male };
        // About one in eight is Ê Đê, as in the province's communes.
        let ede = dice.below(8) == 0;
        // The full name, and the two words the demo's email address is made of.
        let (full_name, given, family) = if ede {
            let clan = dice.pick(&EDE_CLANS);
            let (prefix, personal) = match sex {
                Sex::Male => ("Y ", dice.pick(&EDE_MEN)),
                Sex::Female => ("H'", dice.pick(&EDE_WOMEN)),
            };
            (format!("{prefix}{personal} {clan}"), personal, clan)
        } else {
            let family = dice.pick(&FAMILY);
            let (middle, given) = match sex {
                Sex::Male => (dice.pick(&MIDDLE_M), dice.pick(&GIVEN_M)),
                Sex::Female => (dice.pick(&MIDDLE_F), dice.pick(&GIVEN_F)),
            };
            (format!("{family} {middle} {given}"), given, family)
        };
        let birth_year = 1985 + dice.below(21) as i32;
        let birth = date(birth_year, 1 + dice.below(12) as u8, 1 + dice.below(28) as u8);
        let status_roll = dice.below(100);
        let (status, decision, ceremony) = if status_roll < 64 {
            ("candidate", None, None)
        } else if status_roll < 94 {
            let ceremony = date(2025 + dice.below(2) as i32, 1 + dice.below(12) as u8, 1 + dice.below(28) as u8);
            let ceremony = ceremony.min(date(2026, 11, 15));
            let decision = ceremony.saturating_sub(time::Duration::days(7 + dice.below(20) as i64));
            ("probationary", Some(decision), Some(ceremony))
        } else {
            ("official", None, None)
        };
        let org_unit_id = if i % 6 == 0 { secretary_cell } else { cells[dice.below(cells.len())] };
        let province_code = ["066", "054", "051", "040"][dice.below(4)];
        let century_sex = (birth_year / 100 - 19) * 2 + i32::from(sex == Sex::Female);
        let mut citizen = format!("{province_code}{century_sex}{:02}{:06}", birth_year % 100, 100_000 + i * 37);
        if i == 17 {
            // One record typed wrong, so the soft CCCD check has something to show.
            citizen.replace_range(3..4, if sex == Sex::Female { "0" } else { "1" });
        }
        debug_assert!(citizen_id::is_valid(&citizen));
        let login = names::fold(&format!("{given}.{family}")).replace(' ', "");
        let hometown = if ede { dice.pick(&EDE_HOMETOWNS) } else { dice.pick(&HOMETOWNS) };
        out.push(PersonInput {
            sort_name: names::derive_sort_name(&full_name),
            full_name,
            date_of_birth: birth,
            sex: sex.code().into(),
            hometown: hometown.into(),
            citizen_id: Some(citizen),
            email: (i % 5 != 4).then(|| format!("{login}{i}@example.vn")),
            phone: (i % 7 != 3).then(|| format!("09{:08}", 12_345_678 + i * 7_919)),
            org_unit_id,
            status: status.into(),
            admission_decision_date: decision,
            ceremony_date: ceremony,
        });
    }
    out
}

/// Where the sample roster files are, in the repository: a roster of 24 people of the demo's chi
/// bộ to try the import with (Excel, and CSV in Windows-1258), one row with a wrong citizen ID
/// and one person twice.
pub const SAMPLE_ROSTER_XLSX: &str = "assets/demo/danh-sach-hoc-vien-mau.xlsx";
pub const SAMPLE_ROSTER_CSV: &str = "assets/demo/danh-sach-hoc-vien-mau.csv";

/// The sample roster: the import's headers and one row per person, each cell as text (dates as
/// dd/mm/yyyy; the Excel file stores them as date numbers).
pub fn sample_roster() -> (Vec<&'static str>, Vec<Vec<String>>) {
    use crate::import::roster::Column;
    // (name, sex, date of birth, hometown, chi bộ, email, phone)
    const PEOPLE: [(&str, Sex, &str, &str, &str, &str, &str); 22] = [
        (
            "Nguyễn Thị Thanh Tâm",
            Sex::Female,
            "14/02/1999",
            "Buôn Ma Thuột, Đắk Lắk",
            "Chi bộ Trường THPT Chu Văn An",
            "tam.nguyen@example.vn",
            "0905 214 587",
        ),
        (
            "Trần Minh Khôi",
            Sex::Male,
            "03/11/1997",
            "Tuy Hòa, Đắk Lắk",
            "Chi bộ Tổ dân phố 3",
            "khoi.tran@example.vn",
            "",
        ),
        (
            "Lê Thị Hồng Nhung",
            Sex::Female,
            "22/07/2000",
            "Ea Kar, Đắk Lắk",
            "Chi bộ thôn 1 — Đảng bộ xã Ea Kar",
            "",
            "0978 331 204",
        ),
        ("H'Liên Niê", Sex::Female, "09/05/1998", "Krông Pắc, Đắk Lắk", "Chi bộ thôn 1 — Đảng bộ xã Ea Kar", "", ""),
        (
            "Y Thái Mlô",
            Sex::Male,
            "18/12/1996",
            "Cư M'gar, Đắk Lắk",
            "Chi bộ Trường THCS Ea Kar",
            "thai.mlo@example.vn",
            "",
        ),
        (
            "Phạm Quốc Bảo",
            Sex::Male,
            "27/01/1995",
            "Quảng Ngãi",
            "Chi bộ Công an phường Buôn Ma Thuột",
            "bao.pham@example.vn",
            "0912 007 415",
        ),
        ("Võ Thị Kim Yến", Sex::Female, "05/09/2001", "Sông Cầu, Đắk Lắk", "Chi bộ Sở Y tế", "yen.vo@example.vn", ""),
        ("Hoàng Văn Thịnh", Sex::Male, "30/04/1994", "Nghệ An", "Chi bộ Tổ dân phố 7", "", "0935 660 118"),
        (
            "Đỗ Thị Mai Phương",
            Sex::Female,
            "12/08/1999",
            "Thái Bình",
            "Chi bộ Trường THPT Chu Văn An",
            "phuong.do@example.vn",
            "",
        ),
        ("Bùi Đức Trọng", Sex::Male, "16/06/1998", "Hà Tĩnh", "Chi bộ Tổ dân phố 3", "trong.bui@example.vn", ""),
        ("Huỳnh Thị Ngọc Hân", Sex::Female, "02/03/2002", "Bình Định", "Chi bộ Sở Y tế", "", "0387 120 954"),
        (
            "Ngô Văn Lực",
            Sex::Male,
            "21/10/1993",
            "Thanh Hóa",
            "Chi bộ Công an phường Buôn Ma Thuột",
            "luc.ngo@example.vn",
            "",
        ),
        (
            "Đặng Thị Thu Thủy",
            Sex::Female,
            "11/11/1997",
            "Tuy Hòa, Đắk Lắk",
            "Chi bộ Tổ dân phố 7",
            "thuy.dang@example.vn",
            "",
        ),
        ("Y Khang Êban", Sex::Male, "08/02/2000", "Buôn Đôn, Đắk Lắk", "Chi bộ thôn 1 — Đảng bộ xã Ea Kar", "", ""),
        (
            "Phan Thị Diễm",
            Sex::Female,
            "19/04/1996",
            "Ea Kar, Đắk Lắk",
            "Chi bộ Trường THCS Ea Kar",
            "diem.phan@example.vn",
            "0905 448 310",
        ),
        (
            "Trương Công Danh",
            Sex::Male,
            "25/12/1995",
            "Krông Pắc, Đắk Lắk",
            "Chi bộ Trường THPT Chu Văn An",
            "danh.truong@example.vn",
            "",
        ),
        (
            "Lý Thị Bích Ngọc",
            Sex::Female,
            "07/07/1998",
            "Buôn Ma Thuột, Đắk Lắk",
            "Chi bộ Sở Y tế",
            "ngoc.ly@example.vn",
            "",
        ),
        ("Nguyễn Hoàng Long", Sex::Male, "13/09/1999", "Tuy Hòa, Đắk Lắk", "Chi bộ Tổ dân phố 3", "", "0968 552 071"),
        (
            "Mai Thị Hạnh",
            Sex::Female,
            "29/01/1997",
            "Nghệ An",
            "Chi bộ Công an phường Buôn Ma Thuột",
            "hanh.mai@example.vn",
            "",
        ),
        ("H'Ngọc Byă", Sex::Female, "15/05/2001", "Buôn Ma Thuột, Đắk Lắk", "Chi bộ Trường THCS Ea Kar", "", ""),
        ("Lê Quang Vinh", Sex::Male, "04/04/1994", "Quảng Ngãi", "Chi bộ Tổ dân phố 7", "vinh.le@example.vn", ""),
        (
            "Tạ Thị Ánh Tuyết",
            Sex::Female,
            "26/08/2000",
            "Hà Tĩnh",
            "Chi bộ Trường THPT Chu Văn An",
            "tuyet.ta@example.vn",
            "0914 306 829",
        ),
    ];
    let headers = [
        Column::FullName,
        Column::DateOfBirth,
        Column::Sex,
        Column::Hometown,
        Column::CitizenId,
        Column::Email,
        Column::Phone,
        Column::Cell,
        Column::Status,
    ]
    .map(Column::header)
    .to_vec();
    let mut rows: Vec<Vec<String>> = PEOPLE
        .iter()
        .enumerate()
        .map(|(i, (name, sex, born, hometown, cell, email, phone))| {
            let year: i32 = born[6..].parse().expect("a year");
            let century_sex = (year / 100 - 19) * 2 + i32::from(*sex == Sex::Female);
            let province =
                if hometown.contains("Tuy Hòa") || hometown.contains("Sông Cầu") { "054" } else { "066" };
            let citizen_id = format!("{province}{century_sex}{:02}{:06}", year % 100, 500_001 + i);
            vec![
                (*name).into(),
                (*born).into(),
                if *sex == Sex::Female { "Nữ" } else { "Nam" }.into(),
                (*hometown).into(),
                citizen_id,
                (*email).into(),
                (*phone).into(),
                (*cell).into(),
                "Quần chúng ưu tú".into(),
            ]
        })
        .collect();
    // A citizen ID one digit short, as typed in a hurry.
    rows.push(
        [
            "Châu Văn Tài",
            "10/10/1996",
            "Nam",
            "Sông Cầu, Đắk Lắk",
            "05409650002",
            "",
            "",
            "Chi bộ Tổ dân phố 3",
            "Quần chúng ưu tú",
        ]
        .map(String::from)
        .to_vec(),
    );
    // The same person as the third row, listed twice.
    let again = rows[2].clone();
    rows.push(again);
    (headers, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_people_are_valid_and_varied() {
        let people = generate_people(&[1, 2, 3], 1);
        assert!(people.len() >= 200);
        assert!(people.iter().all(|p| p.citizen_id.as_deref().is_some_and(citizen_id::is_valid)));
        assert!(people.iter().any(|p| p.status == "probationary" && p.ceremony_date.is_some()));
        assert!(people.iter().filter(|p| p.status == "candidate").count() > 100);
        let distinct: std::collections::HashSet<_> = people.iter().map(|p| &p.full_name).collect();
        assert!(distinct.len() > 150, "names repeat too much: {}", distinct.len());
    }

    #[test]
    fn ede_names_are_whole_and_match_the_sex() {
        let people = generate_people(&[1, 2, 3], 1);
        let men: Vec<&PersonInput> = people.iter().filter(|p| p.full_name.starts_with("Y ")).collect();
        let women: Vec<&PersonInput> = people.iter().filter(|p| p.full_name.starts_with("H'")).collect();
        assert!(men.len() >= 5 && women.len() >= 5, "{} men, {} women", men.len(), women.len());
        for p in men.iter().chain(&women) {
            let words: Vec<&str> = p.full_name.split(' ').collect();
            // Prefix and personal name, then a clan name: never a Kinh middle name.
            let clan = words[if p.full_name.starts_with("Y ") { 2 } else { 1 }..].join(" ");
            assert!(EDE_CLANS.contains(&clan.as_str()), "{}", p.full_name);
            assert!(EDE_MEN.contains(&p.sort_name.as_str()) || EDE_WOMEN.contains(&p.sort_name.as_str()));
        }
        assert!(men.iter().all(|p| p.sex == "M") && women.iter().all(|p| p.sex == "F"));
        // Kinh names have family, middle and given name, and are sorted by the given name.
        for p in people.iter().filter(|p| !p.full_name.starts_with("Y ") && !p.full_name.starts_with("H'")) {
            assert!(p.full_name.split(' ').count() >= 3 && p.full_name.ends_with(&p.sort_name), "{}", p.full_name);
        }
    }

    /// The sample roster files in the repository hold the sample roster (write them again with
    /// BOIDUONG_WRITE_SAMPLE_ROSTER=1 after changing it).
    #[test]
    fn the_sample_roster_files_hold_the_sample_roster() {
        use crate::export::xlsx::{Cell, Sheet, workbook};
        use crate::import::{Encoding, Format, read};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (headers, rows) = sample_roster();
        assert_eq!(rows.len(), 24);
        if std::env::var_os("BOIDUONG_WRITE_SAMPLE_ROSTER").is_some() {
            let cells = rows
                .iter()
                .map(|r| {
                    r.iter()
                        .enumerate()
                        .map(|(i, v)| match (i, crate::domain::dates::parse(v)) {
                            (1, Some(d)) => Cell::Date(d),
                            _ => Cell::Text(v.clone()),
                        })
                        .collect()
                })
                .collect();
            let sheet = Sheet {
                name: "Danh sách học viên".into(),
                title: Vec::new(),
                headers: headers.iter().map(|h| (*h).to_owned()).collect(),
                widths: vec![26.0, 12.0, 9.0, 24.0, 15.0, 26.0, 14.0, 40.0, 18.0],
                rows: cells,
            };
            std::fs::write(root.join(SAMPLE_ROSTER_XLSX), workbook(&[sheet]).unwrap()).unwrap();
            let mut text = Vec::new();
            {
                let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut text);
                w.write_record(&headers).unwrap();
                for row in &rows {
                    w.write_record(row).unwrap();
                }
            }
            let text = String::from_utf8(text).unwrap();
            std::fs::write(root.join(SAMPLE_ROSTER_CSV), crate::import::encode_windows_1258(&text).unwrap()).unwrap();
        }
        for (path, format) in
            [(SAMPLE_ROSTER_XLSX, Format::Xlsx), (SAMPLE_ROSTER_CSV, Format::Csv(Encoding::Windows1258))]
        {
            let table = read(&std::fs::read(root.join(path)).unwrap()).unwrap();
            assert_eq!(table.format, format, "{path}");
            assert_eq!(table.headers, headers, "{path}");
            let read_rows: Vec<Vec<String>> =
                table.rows.iter().map(|(_, cells)| cells.iter().map(|c| c.text()).collect()).collect();
            assert_eq!(read_rows, rows, "{path}");
        }
        let table = read(&std::fs::read(root.join(SAMPLE_ROSTER_XLSX)).unwrap()).unwrap();
        assert!(matches!(table.rows[0].1[1], crate::import::Value::ExcelDate(_)), "dates as Excel date numbers");
    }
}
