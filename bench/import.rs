//! Roster import throughput: N generated learners (default 10,000) imported into a class of a
//! fresh SQLite database end to end — the CSV read, every row checked and matched against the
//! registry, the commit in one transaction with each learner's account and invitation queued —
//! next to a raw insert of the same people and enrolments into another fresh database in the
//! same run (the ceiling). Then the same file again, which must add nobody.
//!
//! Run with `cargo run --release --example import_bench [N]`.
//!
//! With `--setup-roster DATABASE_URL N`, it instead prepares a database for the HTTP roster
//! scenario of bench/run.sh: a class of capacity N in the demo school, and prints its id and
//! the path of a CSV of N learners to import into it (with `boiduong import roster`).

use std::time::{Duration, Instant};

use boiduong::db::{self, DbConn};
use boiduong::domain::{dates, names};
use boiduong::mail::invitations::MailContext;
use boiduong::store::audit::Actor;
use boiduong::store::orgs::{self, NewOrgUnit};
use boiduong::store::{classes, enrolments, imports, issuers, programs, venues};
use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Binary, Date as SqlDate, Nullable, Text, Timestamp};

const FAMILY: [&str; 10] = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Phan", "Đặng", "Bùi"];
const MIDDLE: [&str; 6] = ["Văn", "Thị", "Minh", "Thanh", "Quốc", "Ngọc"];
const GIVEN: [&str; 12] =
    ["An", "Bình", "Châu", "Dũng", "Hằng", "Hương", "Khoa", "Linh", "Nam", "Phương", "Sơn", "Thảo"];

/// A person of the generated roster: (name, date of birth, female, citizen ID, email, chi bộ).
struct Row {
    name: String,
    born: time::Date,
    female: bool,
    citizen_id: String,
    email: Option<String>,
    cell: usize,
}

fn rows(n: usize, cells: usize) -> Vec<Row> {
    (0..n)
        .map(|i| {
            let female = i % 2 == 1;
            let year = 1980 + (i % 25) as i32;
            let born = time::Date::from_calendar_date(
                year,
                time::Month::try_from(1 + (i % 12) as u8).unwrap(),
                1 + (i % 28) as u8,
            )
            .unwrap();
            let century_sex = (year / 100 - 19) * 2 + i32::from(female);
            Row {
                name: format!("{} {} {} {}", FAMILY[i % 10], MIDDLE[(i / 10) % 6], GIVEN[(i / 60) % 12], i),
                born,
                female,
                citizen_id: format!("066{century_sex}{:02}{:06}", year % 100, 200_000 + i),
                // Four in five have an email, so most get an account and an invitation.
                email: (i % 5 != 4).then(|| format!("hocvien{i}@example.vn")),
                cell: i % cells,
            }
        })
        .collect()
}

fn csv_of(rows: &[Row], cell_names: &[String]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(["Họ và tên", "Ngày sinh", "Giới tính", "Quê quán", "Số CCCD", "Email", "Chi bộ"]).unwrap();
        for r in rows {
            w.write_record([
                r.name.as_str(),
                &dates::format(r.born),
                if r.female { "Nữ" } else { "Nam" },
                "Buôn Ma Thuột, Đắk Lắk",
                &r.citizen_id,
                r.email.as_deref().unwrap_or(""),
                &cell_names[r.cell],
            ])
            .unwrap();
        }
    }
    out
}

/// A fresh database with the programs, a committee with `cells` chi bộ, and a class of the
/// awareness course taking `capacity` learners. Returns (the class, the chi bộ ids and names).
fn prepare(url: &str, cells: usize, capacity: i32) -> (db::Pool, i64, Vec<(i64, String)>) {
    let pool = db::connect(url, 2).unwrap();
    let mut c = pool.get().unwrap();
    programs::seed(&mut c).unwrap();
    let actor = Actor::system("đo hiệu năng");
    let day = time::macros::date!(2025 - 07 - 01);
    let committee = orgs::create(
        &mut c,
        &actor,
        &NewOrgUnit {
            parent_id: None,
            kind: "commune_committee".into(),
            name: "Đảng bộ xã Ea Kar".into(),
            valid_from: day,
        },
    )
    .unwrap();
    let cells: Vec<(i64, String)> = (1..=cells)
        .map(|i| {
            let name = format!("Chi bộ thôn {i}");
            let id = orgs::create(
                &mut c,
                &actor,
                &NewOrgUnit { parent_id: Some(committee), kind: "cell".into(), name: name.clone(), valid_from: day },
            )
            .unwrap();
            (id, name)
        })
        .collect();
    let class = new_class(&mut c, capacity);
    (pool.clone(), class, cells)
}

fn new_class(c: &mut DbConn, capacity: i32) -> i64 {
    let actor = Actor::system("đo hiệu năng");
    let venue = venues::create_venue(
        c,
        &actor,
        &venues::VenueInput {
            name: format!("Hội trường đo {capacity}"),
            address: "Buôn Ma Thuột".into(),
            place: "Buôn Ma Thuột".into(),
            active: true,
        },
    )
    .unwrap();
    let issuer = issuers::create(
        c,
        &actor,
        &issuers::IssuerInput {
            kind: "school".into(),
            superior_name: "TỈNH ỦY ĐẮK LẮK".into(),
            name: format!("TRƯỜNG CHÍNH TRỊ (đo {capacity})"),
            org_unit_id: None,
            place: "Buôn Ma Thuột".into(),
            signer_delegation: String::new(),
            signer_title: "HIỆU TRƯỞNG".into(),
            signer_name: "Trần Văn Thành".into(),
            active: true,
        },
    )
    .unwrap();
    let program = programs::all(c).unwrap().into_iter().find(|p| p.code == "NTVD").unwrap();
    let first = dates::today() + time::Duration::days(30);
    let ordinal = classes::next_ordinal(c, program.id, issuer, first.year()).unwrap();
    classes::create(
        c,
        &actor,
        &classes::ClassInput {
            program_id: program.id,
            year: first.year(),
            ordinal,
            issuer_id: issuer,
            co_org_unit_id: None,
            venue_id: venue,
            first_day: first,
            last_day: first + time::Duration::days(4),
            capacity,
            opening_decision_no: String::new(),
            opening_decision_date: None,
            signer_delegation: String::new(),
            signer_title: "HIỆU TRƯỞNG".into(),
            signer_name: "Trần Văn Thành".into(),
        },
    )
    .unwrap()
}

struct Timed {
    read: Duration,
    check: Duration,
    commit: Duration,
    created: usize,
}

/// The import as the web page and the command line do it: read, preview (every row checked and
/// matched), then the commit with each learner's invitation queued.
fn import(pool: &db::Pool, class: i64, file: &[u8]) -> Timed {
    let mut c = pool.get().unwrap();
    let mail = MailContext { message_id_domain: "bench.local".into() };
    let actor = Actor::system("đo hiệu năng");
    let today = dates::today();
    let started = Instant::now();
    let table = boiduong::import::read(file).unwrap();
    let read = started.elapsed();
    let started = Instant::now();
    let plan = imports::preview(&mut c, class, &table, today).unwrap().unwrap();
    let check = started.elapsed();
    let started = Instant::now();
    let done = imports::commit(&mut c, &actor, class, &plan, today, dates::now(), &mut |c, learners| {
        boiduong::mail::nominations::learners_enrolled(c, &mail, &actor, learners).map(|_| ())
    })
    .unwrap();
    Timed { read, check, commit: started.elapsed(), created: done.created }
}

/// The ceiling: the same people and enrolments inserted with plain SQL in one transaction,
/// nothing checked, nothing looked up, no account.
fn raw_insert(pool: &db::Pool, class: i64, rows: &[Row], cells: &[(i64, String)]) -> Duration {
    let mut c = pool.get().unwrap();
    let now = dates::now();
    let prepared: Vec<(Vec<u8>, String)> = rows
        .iter()
        .map(|r| (names::sort_key(&names::derive_sort_name(&r.name), &r.name), names::fold(&r.name)))
        .collect();
    let started = Instant::now();
    boiduong::store::write_tx::<_, diesel::result::Error, _>(&mut c, |c| {
        for (r, (key, search)) in rows.iter().zip(&prepared) {
            let person_sql = "INSERT INTO people (full_name, sort_name, sort_key, search_text, date_of_birth, sex, hometown, \
                 citizen_id, email, phone, org_unit_id, status, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10, 'candidate', $11, $11) RETURNING id";
            #[derive(diesel::QueryableByName)]
            struct Id {
                #[diesel(sql_type = BigInt)]
                id: i64,
            }
            let id: Id = diesel::sql_query(person_sql)
                .bind::<Text, _>(&r.name)
                .bind::<Text, _>(names::derive_sort_name(&r.name))
                .bind::<Binary, _>(key)
                .bind::<Text, _>(search)
                .bind::<SqlDate, _>(r.born)
                .bind::<Text, _>(if r.female { "F" } else { "M" })
                .bind::<Text, _>("Buôn Ma Thuột, Đắk Lắk")
                .bind::<Nullable<Text>, _>(Some(&r.citizen_id))
                .bind::<Nullable<Text>, _>(r.email.as_deref())
                .bind::<BigInt, _>(cells[r.cell].0)
                .bind::<Timestamp, _>(now)
                .get_result(c)?;
            diesel::sql_query(
                "INSERT INTO enrolments (class_id, person_id, status, source, enrolled_on, created_at, updated_at) \
                 VALUES ($1, $2, 'enrolled', 'import', $3, $4, $4)",
            )
            .bind::<BigInt, _>(class)
            .bind::<BigInt, _>(id.id)
            .bind::<SqlDate, _>(now.date())
            .bind::<Timestamp, _>(now)
            .execute(c)?;
        }
        Ok(())
    })
    .unwrap();
    started.elapsed()
}

fn count(pool: &db::Pool, table: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let n: N =
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}")).get_result(&mut pool.get().unwrap()).unwrap();
    n.n
}

fn ms(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1000.0)
}

/// bench/run.sh's roster page: a class of `n` places in the (demo) database at `url`, and a CSV
/// of `n` learners of its chi bộ to import into it.
fn setup_roster(url: &str, n: usize) {
    let pool = db::connect(url, 1).unwrap();
    let mut c = pool.get().unwrap();
    let class = new_class(&mut c, n as i32);
    let cells: Vec<(i64, String)> = orgs::open_cells(&mut c, &boiduong::store::Scope::All)
        .unwrap()
        .into_iter()
        .map(|u| {
            let label = orgs::label(&mut c, u.id).unwrap();
            (u.id, label)
        })
        .collect();
    let names: Vec<String> = cells.iter().map(|(_, label)| label.clone()).collect();
    let file = std::env::temp_dir().join(format!("boiduong-roster-{n}.csv"));
    std::fs::write(&file, csv_of(&rows(n, cells.len()), &names)).unwrap();
    println!("{class} {}", file.display());
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--setup-roster") {
        let url = args.get(1).expect("--setup-roster DATABASE_URL N");
        setup_roster(url, args.get(2).and_then(|n| n.parse().ok()).unwrap_or(200));
        return;
    }
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let dir = tempfile::tempdir().unwrap();
    let cells = 40;

    let (raw_pool, raw_class, raw_cells) =
        prepare(&format!("sqlite://{}", dir.path().join("raw.db").display()), cells, n as i32);
    let people = rows(n, cells);
    let raw = raw_insert(&raw_pool, raw_class, &people, &raw_cells);
    assert_eq!(count(&raw_pool, "enrolments"), n as i64);

    let (pool, class, cells) =
        prepare(&format!("sqlite://{}", dir.path().join("import.db").display()), cells, n as i32);
    let names: Vec<String> = cells.iter().map(|(_, name)| name.clone()).collect();
    let file = csv_of(&people, &names);
    let first = import(&pool, class, &file);
    assert_eq!(first.created, n, "everyone imported");
    assert_eq!(enrolments::enrolled_count(&mut pool.get().unwrap(), class).unwrap(), n);
    let (people_after, outbox_after) = (count(&pool, "people"), count(&pool, "outbox"));
    let again = import(&pool, class, &file);
    assert_eq!(again.created, 0);
    assert_eq!(
        (count(&pool, "people"), count(&pool, "outbox")),
        (people_after, outbox_after),
        "the second import adds nothing"
    );

    let total = first.read + first.check + first.commit;
    let total_again = again.read + again.check + again.commit;
    println!("rows | file | read | check | commit | end to end | raw insert | end to end ÷ raw | same file again");
    println!("--- | --- | --- | --- | --- | --- | --- | --- | ---");
    println!(
        "{n} | {} KB | {} ms | {} ms | {} ms | {} ms | {} ms | {:.1} | {} ms, 0 added",
        file.len() / 1024,
        ms(first.read),
        ms(first.check),
        ms(first.commit),
        ms(total),
        ms(raw),
        total.as_secs_f64() / raw.as_secs_f64(),
        ms(total_again),
    );
    println!();
    println!("accounts created: {}; invitations queued: {}", count(&pool, "users"), count(&pool, "outbox"));
}
