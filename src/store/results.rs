//! Results of the final essay (bài thu hoạch): the attempts of each enrolment and the final
//! result they give under the program's rules. Entering scores, re-sits, locking and
//! amendments write here; certificates, reports and the portals read `final_results`.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;
use time::PrimitiveDateTime;

use super::{DbConn, StoreResult};
use crate::db::schema::{assessments, enrolments};
use crate::domain::attendance;
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::results::{self, FinalResult, Outcome};

#[derive(Debug, Clone, Queryable, Selectable, Serialize, PartialEq)]
#[diesel(table_name = assessments)]
pub struct Assessment {
    pub id: i64,
    pub enrolment_id: i64,
    pub attempt: i32,
    pub previous_id: Option<i64>,
    pub outcome: String,
    pub score_tenths: Option<i32>,
    pub entered_by: Option<i64>,
    pub entered_at: PrimitiveDateTime,
    pub version: i32,
}

impl Assessment {
    pub fn outcome(&self) -> Option<Outcome> {
        Outcome::from_row(&self.outcome, self.score_tenths)
    }
}

/// The attempts of every enrolment of a class, in attempt order.
pub fn attempts(conn: &mut DbConn, class_id: i64) -> StoreResult<HashMap<i64, Vec<Assessment>>> {
    let rows: Vec<Assessment> = assessments::table
        .inner_join(enrolments::table)
        .filter(enrolments::class_id.eq(class_id))
        .order((assessments::enrolment_id, assessments::attempt))
        .select(Assessment::as_select())
        .load(conn)?;
    let mut out: HashMap<i64, Vec<Assessment>> = HashMap::new();
    for row in rows {
        out.entry(row.enrolment_id).or_default().push(row);
    }
    Ok(out)
}

/// Where each enrolled learner of a class stands: eligibility from attendance (over the
/// sessions that count for them) and the last attempt of the essay, under the program's rules.
/// Enrolments that are not (or no longer) enrolled are left out.
pub fn final_results(conn: &mut DbConn, class_id: i64) -> StoreResult<HashMap<i64, FinalResult>> {
    let class = super::classes::find(conn, class_id)?;
    let rules = super::programs::find(conn, class.program_id)?.rules();
    let tallies = super::attendance::tallies(conn, class_id)?;
    let attempts = attempts(conn, class_id)?;
    let enrolled: Vec<i64> = enrolments::table
        .filter(enrolments::class_id.eq(class_id))
        .filter(enrolments::status.eq(EnrolmentStatus::Enrolled.code()))
        .select(enrolments::id)
        .load(conn)?;
    Ok(enrolled
        .into_iter()
        .map(|id| {
            let tally = tallies.get(&id).copied().unwrap_or_default();
            let eligible = attendance::eligibility(&tally, &rules).may_write();
            let outcomes: Vec<Outcome> =
                attempts.get(&id).map(|a| a.iter().filter_map(Assessment::outcome).collect()).unwrap_or_default();
            (id, results::final_result(eligible, &outcomes, &rules))
        })
        .collect())
}
