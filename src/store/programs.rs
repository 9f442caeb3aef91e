//! Programs (NTVD, DVM) with their rules and lessons.

use diesel::prelude::*;
use serde::Serialize;

use super::audit::{self, Actor};
use super::{DbConn, StoreResult};
use crate::db::schema::{class_sessions, lessons, programs};
use crate::domain::dates;
use crate::domain::program::{Rules, SEED_PROGRAMS};

#[derive(Debug, Clone, Queryable, Selectable, Serialize, PartialEq)]
#[diesel(table_name = programs)]
pub struct Program {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub max_absence_permille: i32,
    pub unexcused_disqualifies: bool,
    pub pass_mark_tenths: i32,
    pub band_excellent_tenths: i32,
    pub band_good_tenths: i32,
    pub band_fair_tenths: i32,
    pub band_average_tenths: i32,
    pub resits_allowed: i32,
    pub certificate_validity_months: Option<i32>,
    pub default_sessions: i32,
    pub certificate_wording: String,
}

impl Program {
    pub fn rules(&self) -> Rules {
        Rules {
            max_absence_permille: self.max_absence_permille,
            unexcused_disqualifies: self.unexcused_disqualifies,
            pass_mark_tenths: self.pass_mark_tenths,
            band_excellent_tenths: self.band_excellent_tenths,
            band_good_tenths: self.band_good_tenths,
            band_fair_tenths: self.band_fair_tenths,
            band_average_tenths: self.band_average_tenths,
            resits_allowed: self.resits_allowed,
            certificate_validity_months: self.certificate_validity_months,
        }
    }
}

#[derive(Debug, Clone, Queryable, Serialize, PartialEq)]
pub struct Lesson {
    pub id: i64,
    pub position: i32,
    pub title: String,
    pub required: bool,
    /// Length in periods (tiết); a session holds `domain::program::PERIODS_PER_SESSION`.
    pub periods: i32,
    /// "lesson" or "activity" (`domain::program::LessonKind`).
    pub kind: String,
}

/// Inserts the two programs with their official lessons when they are missing. Safe to run at
/// every start.
pub fn seed(conn: &mut DbConn) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        for seed in &SEED_PROGRAMS {
            let exists: i64 = programs::table.filter(programs::code.eq(seed.code)).count().get_result(conn)?;
            if exists > 0 {
                continue;
            }
            let rules = Rules::defaults(seed.validity_months);
            let id: i64 = diesel::insert_into(programs::table)
                .values((
                    programs::code.eq(seed.code),
                    programs::name.eq(seed.name),
                    programs::short_name.eq(seed.short_name),
                    programs::max_absence_permille.eq(rules.max_absence_permille),
                    programs::unexcused_disqualifies.eq(rules.unexcused_disqualifies),
                    programs::pass_mark_tenths.eq(rules.pass_mark_tenths),
                    programs::band_excellent_tenths.eq(rules.band_excellent_tenths),
                    programs::band_good_tenths.eq(rules.band_good_tenths),
                    programs::band_fair_tenths.eq(rules.band_fair_tenths),
                    programs::band_average_tenths.eq(rules.band_average_tenths),
                    programs::resits_allowed.eq(rules.resits_allowed),
                    programs::certificate_validity_months.eq(rules.certificate_validity_months),
                    programs::default_sessions.eq(seed.default_sessions),
                    programs::certificate_wording.eq(seed.wording),
                    programs::updated_at.eq(dates::now()),
                ))
                .returning(programs::id)
                .get_result(conn)?;
            for (i, lesson) in seed.lessons.iter().enumerate() {
                diesel::insert_into(lessons::table)
                    .values((
                        lessons::program_id.eq(id),
                        lessons::position.eq(i as i32 + 1),
                        lessons::title.eq(lesson.title),
                        lessons::required.eq(true),
                        lessons::periods.eq(lesson.periods),
                        lessons::kind.eq(lesson.kind.code()),
                    ))
                    .execute(conn)?;
            }
        }
        Ok(())
    })
}

pub fn all(conn: &mut DbConn) -> StoreResult<Vec<Program>> {
    Ok(programs::table.select(Program::as_select()).order(programs::id).load(conn)?)
}

pub fn find(conn: &mut DbConn, id: i64) -> StoreResult<Program> {
    Ok(programs::table.find(id).select(Program::as_select()).get_result(conn)?)
}

pub fn lessons_of(conn: &mut DbConn, program_id: i64) -> StoreResult<Vec<Lesson>> {
    Ok(lessons::table
        .filter(lessons::program_id.eq(program_id))
        .order((lessons::position, lessons::id))
        .select((lessons::id, lessons::position, lessons::title, lessons::required, lessons::periods, lessons::kind))
        .load(conn)?)
}

/// What staff may change of a program: names, rules, wording.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProgramChanges {
    pub name: String,
    pub short_name: String,
    pub max_absence_permille: i32,
    pub unexcused_disqualifies: bool,
    pub pass_mark_tenths: i32,
    pub band_excellent_tenths: i32,
    pub band_good_tenths: i32,
    pub band_fair_tenths: i32,
    pub band_average_tenths: i32,
    pub resits_allowed: i32,
    pub certificate_validity_months: Option<i32>,
    pub default_sessions: i32,
    pub certificate_wording: String,
}

/// A lesson as edited: an existing id (or None for a new one), its title and whether it is
/// required. Lessons missing from the list are removed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LessonEdit {
    pub id: Option<i64>,
    pub title: String,
    pub required: bool,
    pub periods: i32,
    /// "lesson" or "activity".
    pub kind: String,
}

pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    changes: &ProgramChanges,
    new_lessons: &[LessonEdit],
) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let before = find(conn, id)?;
        let before_lessons = lessons_of(conn, id)?;
        diesel::update(programs::table.find(id))
            .set((
                programs::name.eq(&changes.name),
                programs::short_name.eq(&changes.short_name),
                programs::max_absence_permille.eq(changes.max_absence_permille),
                programs::unexcused_disqualifies.eq(changes.unexcused_disqualifies),
                programs::pass_mark_tenths.eq(changes.pass_mark_tenths),
                programs::band_excellent_tenths.eq(changes.band_excellent_tenths),
                programs::band_good_tenths.eq(changes.band_good_tenths),
                programs::band_fair_tenths.eq(changes.band_fair_tenths),
                programs::band_average_tenths.eq(changes.band_average_tenths),
                programs::resits_allowed.eq(changes.resits_allowed),
                programs::certificate_validity_months.eq(changes.certificate_validity_months),
                programs::default_sessions.eq(changes.default_sessions),
                programs::certificate_wording.eq(&changes.certificate_wording),
                programs::updated_at.eq(dates::now()),
            ))
            .execute(conn)?;
        let kept: Vec<i64> = new_lessons.iter().filter_map(|l| l.id).collect();
        let removed: Vec<i64> = lessons::table
            .filter(lessons::program_id.eq(id))
            .filter(lessons::id.ne_all(kept))
            .select(lessons::id)
            .load(conn)?;
        // A lesson a class has sessions of stays: the sessions and their attendance refer to it.
        let in_use: i64 =
            class_sessions::table.filter(class_sessions::lesson_id.eq_any(&removed)).count().get_result(conn)?;
        if in_use > 0 {
            return Err(super::StoreError::Conflict("program.error.lesson_in_use"));
        }
        diesel::delete(lessons::table.filter(lessons::id.eq_any(&removed))).execute(conn)?;
        for (i, lesson) in new_lessons.iter().enumerate() {
            let position = i as i32 + 1;
            match lesson.id {
                Some(lesson_id) => {
                    diesel::update(lessons::table.filter(lessons::id.eq(lesson_id)).filter(lessons::program_id.eq(id)))
                        .set((
                            lessons::position.eq(position),
                            lessons::title.eq(&lesson.title),
                            lessons::required.eq(lesson.required),
                            lessons::periods.eq(lesson.periods),
                            lessons::kind.eq(&lesson.kind),
                        ))
                        .execute(conn)?;
                }
                None => {
                    diesel::insert_into(lessons::table)
                        .values((
                            lessons::program_id.eq(id),
                            lessons::position.eq(position),
                            lessons::title.eq(&lesson.title),
                            lessons::required.eq(lesson.required),
                            lessons::periods.eq(lesson.periods),
                            lessons::kind.eq(&lesson.kind),
                        ))
                        .execute(conn)?;
                }
            }
        }
        let after = find(conn, id)?;
        let after_lessons = lessons_of(conn, id)?;
        audit::record(
            conn,
            actor,
            "program",
            Some(id),
            "update",
            Some(&serde_json::json!({ "program": before, "lessons": before_lessons })),
            Some(&serde_json::json!({ "program": after, "lessons": after_lessons })),
        )
    })
}
