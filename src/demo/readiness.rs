//! The demo's dossiers, in the secretary's chi bộ: a candidate whose admission dossier is ready,
//! one missing two items, one whose awareness certificate (from a class of five years ago)
//! expires before the planned meeting; probationary members at months 2, 6 and 10 of probation,
//! the last without the new-member certificate, so its month-9 warning goes to the secretary when
//! the mail worker starts.

use diesel::prelude::*;
use time::{Date, Duration};

use crate::db::schema::{certificates, people, programs, secretary_units};
use crate::domain::person::add_months;
use crate::domain::readiness::{ItemStatus, RowState};
use crate::store::audit::Actor;
use crate::store::readiness::{self, ItemInput};
use crate::store::{DbConn, Scope, users};

pub fn load(conn: &mut DbConn, today: Date) -> anyhow::Result<()> {
    let Some(secretary) = users::find_by_email(conn, "bithu@boiduong.test")? else { return Ok(()) };
    let cell: Option<i64> = secretary_units::table
        .filter(secretary_units::user_id.eq(secretary.id))
        .select(secretary_units::org_unit_id)
        .first(conn)
        .optional()?;
    let Some(cell) = cell else { return Ok(()) };
    let actor = Actor { user_id: Some(secretary.id), label: secretary.email.clone() };
    let now = crate::domain::dates::now();

    // Candidates with an awareness certificate valid well beyond the meeting, the secretary's first.
    let holders: Vec<(i64, i64, Option<Date>)> = certificates::table
        .inner_join(people::table)
        .inner_join(programs::table.on(programs::id.eq(certificates::program_id)))
        .filter(programs::code.eq(readiness::PROGRAM_AWARENESS))
        .filter(certificates::status.eq("valid"))
        .filter(people::status.eq("candidate"))
        .select((people::id, people::org_unit_id, certificates::expires_on))
        .order(people::id)
        .load(conn)?;
    let mut good: Vec<(i64, i64)> = holders
        .iter()
        .filter(|(_, _, end)| end.is_none_or(|e| e > today + Duration::days(400)))
        .map(|(id, unit, _)| (*id, *unit))
        .collect();
    good.sort_by_key(|(id, unit)| (*unit != cell, *id));
    good.dedup();
    let meeting = today + Duration::days(20);
    let mut chosen = good.into_iter().map(|(id, _)| id);
    if let Some(ready) = chosen.next() {
        dossier(conn, &actor, ready, cell, meeting, &[], today, now)?;
    }
    if let Some(missing_two) = chosen.next() {
        dossier(conn, &actor, missing_two, cell, meeting, &["biography", "background_check"], today, now)?;
    }

    // A person who took the awareness course five years ago and was never admitted: the
    // certificate expires within weeks, before the chi bộ's planned meeting.
    let expiring: Option<i64> = certificates::table
        .inner_join(people::table)
        .inner_join(programs::table.on(programs::id.eq(certificates::program_id)))
        .filter(programs::code.eq(readiness::PROGRAM_AWARENESS))
        .filter(certificates::status.eq("valid"))
        .filter(certificates::expires_on.gt(today))
        .filter(certificates::expires_on.lt(today + Duration::days(60)))
        .filter(people::status.eq("official"))
        .select(people::id)
        .order(people::id)
        .first(conn)
        .optional()?;
    if let Some(id) = expiring {
        diesel::update(people::table.find(id)).set(people::status.eq("candidate")).execute(conn)?;
        dossier(conn, &actor, id, cell, today + Duration::days(75), &[], today, now)?;
    }

    // Probationary members of the secretary's chi bộ at months 2, 6 and 10 of probation.
    let members: Vec<i64> = people::table
        .filter(people::org_unit_id.eq(cell))
        .filter(people::status.eq("probationary"))
        .select(people::id)
        .order(people::id)
        .limit(3)
        .load(conn)?;
    for (id, months) in members.into_iter().zip([2, 6, 10]) {
        let ceremony = add_months(today, -months) + Duration::days(5);
        diesel::update(people::table.find(id))
            .set((
                people::ceremony_date.eq(ceremony),
                people::admission_decision_date.eq(ceremony - Duration::days(12)),
                people::introduced_by.eq(if months == 6 { "youth_union" } else { "members" }),
            ))
            .execute(conn)?;
        // The one at month 6 has begun the recognition dossier.
        if months == 6 {
            let input = ItemInput {
                status: ItemStatus::Done,
                done_on: Some(today - Duration::days(10)),
                reference: None,
                note: Some("Đã nộp cho chi ủy".into()),
            };
            let step = readiness::all_steps(conn)?
                .into_iter()
                .find(|s| s.path == "recognition" && s.code == "self_assessment");
            if let Some(step) = step {
                readiness::record(conn, &actor, &Scope::All, id, step.id, &input, None, today, now)?;
            }
        }
    }
    Ok(())
}

/// Moves the candidate to the chi bộ, plans the meeting and records every step of their dossier
/// the secretary confirms, except `left_out`.
#[allow(clippy::too_many_arguments)]
fn dossier(
    conn: &mut DbConn,
    actor: &Actor,
    person_id: i64,
    cell: i64,
    meeting: Date,
    left_out: &[&str],
    today: Date,
    now: time::PrimitiveDateTime,
) -> anyhow::Result<()> {
    diesel::update(people::table.find(person_id))
        .set((people::org_unit_id.eq(cell), people::planned_meeting_on.eq(meeting)))
        .execute(conn)?;
    let checklist = readiness::checklist(conn, &Scope::All, person_id, today)?;
    let to_record = checklist
        .computed
        .rows
        .iter()
        .filter(|r| r.by_hand && r.before_meeting && r.state == RowState::Missing)
        .filter(|r| !left_out.contains(&r.code.as_str()));
    for (i, row) in to_record.enumerate() {
        let input = ItemInput {
            status: ItemStatus::Done,
            done_on: Some(today - Duration::days(90 - 10 * i as i64)),
            reference: match row.code.as_str() {
                "members_introduction" | "organisation_introduction" | "remarks" => Some(format!("{:02}/GT", 10 + i)),
                _ => None,
            },
            note: (row.code == "sympathizer").then(|| "Đảng viên giúp đỡ: đồng chí Lê Văn Hùng".to_owned()),
        };
        readiness::record(conn, actor, &Scope::All, person_id, row.step_id, &input, None, today, now)?;
    }
    Ok(())
}
