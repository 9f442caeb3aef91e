//! The demo's reports: the secretary's confirmations of completion (a few given, one with a
//! note, one withdrawn with its reason), the admission targets of the 2025–2030 term for the
//! province committee and the committees under it, and who introduced the members admitted in
//! the term (the Youth Union for the young ones of units that have one), so the admissions
//! page reads like the committees' own reports: "Đảng bộ tỉnh Đắk Lắk đã kết nạp 35 đảng viên
//! mới, vượt 45,83% so với chỉ tiêu nhiệm kỳ", "… do Đoàn giới thiệu, chiếm …%".
//!
//! Runs after the other demo parts (it reads their people and certificates). The targets are
//! derived from the admissions the demo people happen to have, with fixed ratios (above, met,
//! below the target), so the wording stays as intended whatever dates the other parts give.

use diesel::prelude::*;
use time::{Date, Duration, Month, PrimitiveDateTime};

use crate::db::schema::{org_units, people};
use crate::store::audit::Actor;
use crate::store::orgs::UnitTree;
use crate::store::reports::{self, TargetInput};
use crate::store::{DbConn, confirmations, users};

/// The term of the congresses held in 2025.
pub fn term() -> (Date, Date) {
    (
        Date::from_calendar_date(2025, Month::October, 1).expect("valid date"),
        Date::from_calendar_date(2030, Month::September, 30).expect("valid date"),
    )
}

/// Admitted ÷ target, in hundredths, for the province committee and the committees under it
/// in tree order: 145 reads "vượt 45%", 100 "đạt 100%", below 100 "đạt …% (còn thiếu …)".
const RATIOS: [i64; 5] = [145, 120, 100, 75, 80];

pub fn load(conn: &mut DbConn, actor: &Actor, now: PrimitiveDateTime) -> anyhow::Result<()> {
    introductions(conn)?;
    targets(conn, actor)?;
    confirmations_of_secretary(conn, now)?;
    Ok(())
}

/// Who introduced each member admitted in the term and not yet recorded: the Youth Union for
/// a member of youth age (up to 30 on the decision day) in a unit that has a Youth Union, the
/// members of the chi bộ otherwise.
fn introductions(conn: &mut DbConn) -> anyhow::Result<()> {
    let (start, end) = term();
    let admitted: Vec<(i64, Date, Date, bool)> = people::table
        .inner_join(org_units::table)
        .filter(people::admission_decision_date.between(start, end))
        .filter(people::introduced_by.is_null())
        .select((
            people::id,
            people::date_of_birth,
            people::admission_decision_date.assume_not_null(),
            org_units::has_youth_union,
        ))
        .load(conn)?;
    for (id, born, decided, has_youth_union) in admitted {
        let age =
            decided.year() - born.year() - i32::from((decided.month(), decided.day()) < (born.month(), born.day()));
        let by = if has_youth_union && age <= 30 { "youth_union" } else { "members" };
        diesel::update(people::table.find(id)).set(people::introduced_by.eq(by)).execute(conn)?;
    }
    Ok(())
}

fn targets(conn: &mut DbConn, actor: &Actor) -> anyhow::Result<()> {
    let (term_start, term_end) = term();
    let tree = UnitTree::load(conn)?;
    let Some(root) = tree.units().iter().find(|u| u.parent_id.is_none()).map(|u| u.id) else { return Ok(()) };
    let mut committees = vec![root];
    committees.extend(
        tree.depth_first()
            .into_iter()
            .filter(|(u, depth)| *depth == 1 && u.is_open() && u.parent_id == Some(root))
            .map(|(u, _)| u.id),
    );
    // The admissions of the term per unit, before any target exists: one placeholder target
    // each (0, "no target") gives the counts through the report's own code.
    let mut ids = Vec::new();
    for unit in &committees {
        let input = TargetInput { org_unit_id: *unit, term_start, term_end, target: 0 };
        ids.push(reports::save_target(conn, actor, None, &input)?);
    }
    let counts = reports::admissions(conn, term_start)?;
    for (i, (unit, id)) in committees.iter().zip(ids).enumerate() {
        let admitted = counts.iter().find(|a| a.org_unit_id == *unit).map(|a| a.admitted).unwrap_or(0);
        let ratio = RATIOS[i % RATIOS.len()];
        // Rounded to the nearest whole member, at least one.
        let target = ((admitted * 100 + ratio / 2) / ratio).max(1) as i32;
        let input = TargetInput { org_unit_id: *unit, term_start, term_end, target };
        reports::save_target(conn, actor, Some(id), &input)?;
    }
    Ok(())
}

/// The demo secretary confirms the first learners of their chi bộ holding a certificate (one
/// with a note), and withdraws one confirmation given by mistake.
fn confirmations_of_secretary(conn: &mut DbConn, now: PrimitiveDateTime) -> anyhow::Result<()> {
    let Some(secretary) = users::find_by_email(conn, "bithu@boiduong.test")? else { return Ok(()) };
    let account = users::account(conn, secretary.id)?;
    let scope = crate::store::orgs::scope_for(conn, &account)?;
    let actor = Actor { user_id: Some(secretary.id), label: secretary.email.clone() };
    let lines = confirmations::of_scope(conn, &scope)?;
    let notes = [Some("Đã nhận bản chính, lưu hồ sơ chi bộ"), None, None, Some("Đã báo cáo Đảng ủy cấp trên"), None];
    for (i, (line, note)) in lines.iter().zip(notes).enumerate() {
        confirmations::confirm(conn, &actor, &scope, line.enrolment_id, note, now - Duration::days(10 - i as i64))?;
    }
    if let Some(mistaken) = lines.get(notes.len()) {
        confirmations::confirm(conn, &actor, &scope, mistaken.enrolment_id, None, now - Duration::days(4))?;
        confirmations::withdraw(
            conn,
            &actor,
            &scope,
            mistaken.enrolment_id,
            "Xác nhận nhầm người: chi bộ chưa nhận được giấy chứng nhận",
            now - Duration::days(3),
        )?;
    }
    Ok(())
}
