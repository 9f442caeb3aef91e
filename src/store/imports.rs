//! Roster imports (nhập từ tệp): the uploaded file kept between the preview and the commit, what
//! the registry and the class know about a file's rows (`import::roster` decides what to do with
//! them), and the commit, in one transaction: every row goes in or none does.

use std::collections::HashSet;

use diesel::prelude::*;
use time::{Date, Duration, PrimitiveDateTime};

use super::audit::{self, Actor};
use super::enrolments::{self, Enrolment, SOURCE_IMPORT};
use super::orgs::UnitTree;
use super::people::{self, Person, PersonInput};
use super::{DbConn, Scope, StoreError, StoreResult};
use crate::db::schema::{enrolments as enrolments_table, import_uploads, people as people_table};
use crate::domain::enrolment::{self as rules, EnrolmentStatus};
use crate::domain::org::OrgKind;
use crate::domain::person::Status;
use crate::import::Table;
use crate::import::roster::{self, Action, CellRef, Cells, FileProblem, Known, KnownPerson, Plan, ReadFile, Target};

/// How long an uploaded file waits for its commit.
pub const UPLOAD_LIFETIME: Duration = Duration::hours(24);

const CHUNK: usize = 500;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = import_uploads)]
pub struct Upload {
    pub id: i64,
    pub token: String,
    pub user_id: i64,
    pub class_id: i64,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub created_at: PrimitiveDateTime,
}

/// Keeps an uploaded file under `token` for its uploader and class; files older than a day go.
pub fn save_upload(
    conn: &mut DbConn,
    token: &str,
    user_id: i64,
    class_id: i64,
    file_name: &str,
    bytes: &[u8],
    now: PrimitiveDateTime,
) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        diesel::delete(import_uploads::table.filter(import_uploads::created_at.lt(now - UPLOAD_LIFETIME)))
            .execute(conn)?;
        diesel::insert_into(import_uploads::table)
            .values((
                import_uploads::token.eq(token),
                import_uploads::user_id.eq(user_id),
                import_uploads::class_id.eq(class_id),
                import_uploads::file_name.eq(file_name),
                import_uploads::bytes.eq(bytes),
                import_uploads::created_at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// The file kept under `token`, if it is this account's, for this class, and not too old.
pub fn find_upload(
    conn: &mut DbConn,
    token: &str,
    user_id: i64,
    class_id: i64,
    now: PrimitiveDateTime,
) -> StoreResult<Upload> {
    Ok(import_uploads::table
        .filter(import_uploads::token.eq(token))
        .filter(import_uploads::user_id.eq(user_id))
        .filter(import_uploads::class_id.eq(class_id))
        .filter(import_uploads::created_at.ge(now - UPLOAD_LIFETIME))
        .select(Upload::as_select())
        .first(conn)?)
}

pub fn delete_upload(conn: &mut DbConn, id: i64) -> StoreResult<()> {
    diesel::delete(import_uploads::table.find(id)).execute(conn)?;
    Ok(())
}

/// The open chi bộ a row may name, with their labels.
pub fn cells(conn: &mut DbConn) -> StoreResult<Cells> {
    let tree = UnitTree::load(conn)?;
    let cells = tree
        .units()
        .iter()
        .filter(|u| u.is_open() && u.kind().is_some_and(OrgKind::is_cell))
        .map(|u| CellRef { id: u.id, name: u.name.clone(), label: tree.label(u.id) })
        .collect();
    Ok(Cells::new(cells))
}

/// The class as an import sees it: its program, capacity and learners now.
pub fn target(conn: &mut DbConn, class_id: i64) -> StoreResult<Target> {
    let class = super::classes::find(conn, class_id)?;
    let program = super::programs::find(conn, class.program_id)?;
    Ok(Target {
        program_code: program.code,
        capacity: class.capacity.max(0) as usize,
        enrolled: enrolments::enrolled_count(conn, class_id)?,
    })
}

type KnownRow = (i64, String, Date, Option<String>, Option<String>, i64, String);

fn known_people(rows: Vec<KnownRow>) -> impl Iterator<Item = KnownPerson> {
    rows.into_iter().map(|(id, full_name, date_of_birth, citizen_id, email, org_unit_id, status)| KnownPerson {
        id,
        full_name,
        date_of_birth,
        citizen_id,
        email,
        org_unit_id,
        status: Status::parse(&status),
    })
}

macro_rules! known_columns {
    () => {
        (
            people_table::id,
            people_table::full_name,
            people_table::date_of_birth,
            people_table::citizen_id,
            people_table::email,
            people_table::org_unit_id,
            people_table::status,
        )
    };
}

/// The registry's people the rows may be: those with a citizen ID or an email of the file, and
/// for rows that match no one, those born on the row's day (same name and date of birth); with
/// their enrolments in the class.
pub fn known(conn: &mut DbConn, class_id: i64, file: &ReadFile) -> StoreResult<Known> {
    let mut known = Known::default();
    for chunk in roster::citizen_ids(file).chunks(CHUNK) {
        let rows: Vec<KnownRow> =
            people_table::table.filter(people_table::citizen_id.eq_any(chunk)).select(known_columns!()).load(conn)?;
        known.add(known_people(rows));
    }
    for chunk in roster::emails(file).chunks(CHUNK) {
        let rows: Vec<KnownRow> =
            people_table::table.filter(people_table::email.eq_any(chunk)).select(known_columns!()).load(conn)?;
        known.add(known_people(rows));
    }
    let births: Vec<Date> = file
        .rows
        .iter()
        .filter(|r| known.is_unmatched(&r.fields))
        .filter_map(|r| r.fields.date_of_birth)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    for chunk in births.chunks(CHUNK) {
        let rows: Vec<KnownRow> = people_table::table
            .filter(people_table::date_of_birth.eq_any(chunk))
            .select(known_columns!())
            .load(conn)?;
        known.add(known_people(rows));
    }
    let in_class: Vec<(i64, i64, String)> = enrolments_table::table
        .filter(enrolments_table::class_id.eq(class_id))
        .select((enrolments_table::person_id, enrolments_table::id, enrolments_table::status))
        .load(conn)?;
    for (person_id, id, status) in in_class {
        if let Some(status) = EnrolmentStatus::parse(&status) {
            known.set_enrolment(person_id, id, status);
        }
    }
    Ok(known)
}

/// What importing the file into the class would do, row by row; or why the file cannot be read
/// as a roster at all.
pub fn preview(
    conn: &mut DbConn,
    class_id: i64,
    table: &Table,
    today: Date,
) -> StoreResult<Result<Plan, Vec<FileProblem>>> {
    let file = match roster::read(table, &cells(conn)?, today) {
        Ok(file) => file,
        Err(problems) => return Ok(Err(problems)),
    };
    let known = known(conn, class_id, &file)?;
    let target = target(conn, class_id)?;
    Ok(Ok(roster::plan(file, &known, &target)))
}

/// What a commit did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Committed {
    /// People new to the registry (each also enrolled).
    pub created: usize,
    /// People of the registry enrolled.
    pub enrolled: usize,
    /// Nominations approved by the import.
    pub approved: usize,
}

impl Committed {
    pub fn learners(&self) -> usize {
        self.created + self.enrolled + self.approved
    }
}

/// Called once with the learners a commit enrolls (in the order of the file's rows), inside its
/// transaction, each with the nomination it approved if any: the caller queues the learners'
/// invitations and the secretaries' emails there (the store does not send mail), for all of
/// them at once.
pub type AfterEnrol<'a> = dyn FnMut(&mut DbConn, &[(Person, Option<Enrolment>)]) -> StoreResult<()> + 'a;

fn input_of(row: &roster::PlannedRow) -> Option<PersonInput> {
    let f = &row.fields;
    Some(PersonInput {
        full_name: f.full_name.clone(),
        sort_name: f.sort_name.clone(),
        date_of_birth: f.date_of_birth?,
        sex: f.sex?.code().to_owned(),
        hometown: f.hometown.clone(),
        citizen_id: f.citizen_id.clone(),
        email: f.email.clone(),
        phone: f.phone.clone(),
        org_unit_id: f.org_unit_id?,
        status: row.status.code().to_owned(),
        admission_decision_date: f.admission_decision_date,
        ceremony_date: f.ceremony_date,
    })
}

fn as_person(id: i64, input: PersonInput) -> Person {
    Person {
        id,
        full_name: input.full_name,
        sort_name: input.sort_name,
        date_of_birth: input.date_of_birth,
        sex: input.sex,
        hometown: input.hometown,
        citizen_id: input.citizen_id,
        email: input.email,
        phone: input.phone,
        org_unit_id: input.org_unit_id,
        status: input.status,
        admission_decision_date: input.admission_decision_date,
        ceremony_date: input.ceremony_date,
    }
}

/// Carries out a plan in one transaction: creates the new people, enrols everyone the plan
/// enrols from `today`, approves the nominations it names, and records one audit event. Any
/// failure (a citizen ID taken since the preview, say) undoes all of it. The class must still
/// take decisions and have the places.
pub fn commit(
    conn: &mut DbConn,
    actor: &Actor,
    class_id: i64,
    plan: &Plan,
    today: Date,
    now: PrimitiveDateTime,
    after: &mut AfterEnrol<'_>,
) -> StoreResult<Committed> {
    super::write_tx(conn, |conn| {
        enrolments::lock_class(conn, class_id)?;
        let class = super::classes::find(conn, class_id)?;
        if !rules::decisions_open(class.status()) {
            return Err(StoreError::Conflict("import.error.class_not_open"));
        }
        let places = (class.capacity.max(0) as usize).saturating_sub(enrolments::enrolled_count(conn, class_id)?);
        if plan.summary().enrolling() > places {
            return Err(StoreError::Conflict("import.error.capacity_changed"));
        }
        let mut done = Committed::default();
        // The learners enrolled, with their row, for `after` in the order of the plan; the new
        // people go in together, with multi-row inserts.
        let mut learners: Vec<(usize, Person, Option<Enrolment>)> = Vec::new();
        let (mut new_rows, mut new_people) = (Vec::new(), Vec::new());
        for (i, row) in plan.rows.iter().enumerate() {
            match row.action {
                Action::Skip(_) => {}
                Action::Create => {
                    new_people.push(input_of(row).ok_or(StoreError::Conflict("import.error.changed"))?);
                    new_rows.push(i);
                }
                Action::Enrol { person_id } => {
                    match enrolments::of_person_in_class(conn, person_id, class_id)? {
                        None => insert_enrolled(conn, actor, class_id, &[person_id], today, now)?,
                        Some(e) if e.status() == EnrolmentStatus::Rejected => {
                            set_enrolled(conn, actor, &e, today, now)?
                        }
                        Some(_) => return Err(StoreError::Conflict("import.error.changed")),
                    }
                    learners.push((i, people::find(conn, &Scope::All, person_id)?, None));
                    done.enrolled += 1;
                }
                Action::Approve { person_id, enrolment_id } => {
                    let before = enrolments::in_class(conn, class_id, enrolment_id)?;
                    if before.person_id != person_id || !before.status().undecided() {
                        return Err(StoreError::Conflict("import.error.changed"));
                    }
                    set_enrolled(conn, actor, &before, today, now)?;
                    learners.push((i, people::find(conn, &Scope::All, person_id)?, Some(before)));
                    done.approved += 1;
                }
            }
        }
        let ids = people::insert_all(conn, &new_people, now)?;
        insert_enrolled(conn, actor, class_id, &ids, today, now)?;
        done.created = ids.len();
        learners.extend(
            new_rows.into_iter().zip(ids).zip(new_people).map(|((i, id), input)| (i, as_person(id, input), None)),
        );
        learners.sort_by_key(|(i, _, _)| *i);
        let learners: Vec<(Person, Option<Enrolment>)> = learners.into_iter().map(|(_, p, e)| (p, e)).collect();
        if !learners.is_empty() {
            after(conn, &learners)?;
        }
        audit::record(
            conn,
            actor,
            "class",
            Some(class_id),
            "import",
            None::<&()>,
            Some(&serde_json::json!({
                "rows": plan.rows.len(),
                "created": done.created,
                "enrolled": done.enrolled,
                "approved": done.approved,
            })),
        )?;
        Ok(done)
    })
}

/// Reads the file again, plans it against the registry and the class as they are now, and
/// commits that plan, in one transaction: what the preview showed may have changed since.
#[allow(clippy::too_many_arguments)]
pub fn import(
    conn: &mut DbConn,
    actor: &Actor,
    class_id: i64,
    table: &Table,
    today: Date,
    now: PrimitiveDateTime,
    after: &mut AfterEnrol<'_>,
) -> StoreResult<Result<(Plan, Committed), Vec<FileProblem>>> {
    super::write_tx(conn, |conn| {
        let plan = match preview(conn, class_id, table, today)? {
            Ok(plan) => plan,
            Err(problems) => return Ok(Err(problems)),
        };
        let done = commit(conn, actor, class_id, &plan, today, now, after)?;
        Ok(Ok((plan, done)))
    })
}

/// Enrols these people in the class from `today`, with multi-row inserts.
fn insert_enrolled(
    conn: &mut DbConn,
    actor: &Actor,
    class_id: i64,
    person_ids: &[i64],
    today: Date,
    now: PrimitiveDateTime,
) -> StoreResult<()> {
    for chunk in person_ids.chunks(super::INSERT_CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|person_id| {
                (
                    enrolments_table::class_id.eq(class_id),
                    enrolments_table::person_id.eq(*person_id),
                    enrolments_table::status.eq(EnrolmentStatus::Enrolled.code()),
                    enrolments_table::source.eq(SOURCE_IMPORT),
                    enrolments_table::decided_by.eq(actor.user_id),
                    enrolments_table::decided_at.eq(now),
                    enrolments_table::enrolled_on.eq(today),
                    enrolments_table::created_at.eq(now),
                    enrolments_table::updated_at.eq(now),
                )
            })
            .collect();
        super::with_rows!(rows, |rows| super::on_backend!(&mut *conn, |c| diesel::insert_into(
            enrolments_table::table
        )
        .values(rows)
        .execute(c)?));
    }
    Ok(())
}

fn set_enrolled(
    conn: &mut DbConn,
    actor: &Actor,
    e: &Enrolment,
    today: Date,
    now: PrimitiveDateTime,
) -> StoreResult<()> {
    diesel::update(enrolments_table::table.find(e.id))
        .set((
            enrolments_table::status.eq(EnrolmentStatus::Enrolled.code()),
            enrolments_table::decided_by.eq(actor.user_id),
            enrolments_table::decided_at.eq(now),
            enrolments_table::enrolled_on.eq(today),
            enrolments_table::reason.eq(None::<String>),
            enrolments_table::withdrawn_on.eq(None::<Date>),
            enrolments_table::version.eq(e.version + 1),
            enrolments_table::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}
