//! What a token's account may read, decided as the pages decide it: staff and admins read
//! everything; a lecturer the classes they teach (as `web::classes::visible`); a secretary
//! their units' people and the classes those people attend, with only their people's lines (as
//! the attendance and results pages); a learner their own record and classes, with only their
//! own lines (as the portal). Another's record answers 404, never 403, so ids cannot be probed.

use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::role::Role;
use crate::store::classes::{self, Class};
use crate::store::{DbConn, Scope, StoreError, StoreResult, attendance, enrolments, sessions};
use crate::web::auth::extract::{CurrentUser, scope_in};

/// Which lines (people) of a list the account may read.
#[derive(Debug, Clone)]
pub enum Rows {
    /// Every line: staff and admins, a lecturer in a class they teach.
    All,
    /// A secretary: the people of these units.
    Units(Vec<i64>),
    /// A learner: their own lines only (None: the account has no person record).
    Own(Option<i64>),
}

impl Rows {
    /// The scope to pass to a store function. For a learner the store reads the whole class
    /// and `keeps` narrows it to their own lines afterwards.
    pub fn store_scope(&self) -> Scope {
        match self {
            Rows::Units(ids) => Scope::Units(ids.clone()),
            Rows::All | Rows::Own(_) => Scope::All,
        }
    }

    /// Whether a line about this person may be read.
    pub fn keeps(&self, person_id: i64, org_unit_id: i64) -> bool {
        match self {
            Rows::All => true,
            Rows::Units(ids) => ids.contains(&org_unit_id),
            Rows::Own(own) => *own == Some(person_id),
        }
    }

    /// Whether everyone's lines are read (staff, or the class's lecturer).
    pub fn is_all(&self) -> bool {
        matches!(self, Rows::All)
    }
}

fn manages(user: &CurrentUser) -> bool {
    user.has(Role::Admin) || user.has(Role::Staff)
}

/// The people the account may read, anywhere.
pub fn people_rows(conn: &mut DbConn, user: &CurrentUser) -> StoreResult<Rows> {
    if manages(user) {
        return Ok(Rows::All);
    }
    if user.has(Role::Secretary) {
        if let Scope::Units(ids) = scope_in(conn, user)? {
            return Ok(Rows::Units(ids));
        }
        return Ok(Rows::All);
    }
    Ok(Rows::Own(user.user.person_id))
}

/// The learner's classes: those they are (or were) on the roster of.
fn own_class_ids(conn: &mut DbConn, person_id: Option<i64>) -> StoreResult<Vec<i64>> {
    let Some(person_id) = person_id else { return Ok(Vec::new()) };
    Ok(enrolments::of_person(conn, person_id)?
        .into_iter()
        .filter(|e| matches!(e.status(), EnrolmentStatus::Enrolled | EnrolmentStatus::Withdrawn))
        .map(|e| e.class_id)
        .collect())
}

/// The classes the account may read; None: every class.
pub fn class_ids(conn: &mut DbConn, user: &CurrentUser) -> StoreResult<Option<Vec<i64>>> {
    if manages(user) {
        return Ok(None);
    }
    let mut ids = Vec::new();
    if user.has(Role::Lecturer) {
        ids.extend(sessions::class_ids_taught_by(conn, user.id())?);
    }
    if user.has(Role::Secretary) {
        let scope = scope_in(conn, user)?;
        ids.extend(attendance::classes_with_learners_in(conn, &scope)?);
    }
    if user.has(Role::Learner) {
        ids.extend(own_class_ids(conn, user.user.person_id)?);
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(Some(ids))
}

/// A class the account may read, with the lines of it they may read; NotFound otherwise.
pub fn class_rows(conn: &mut DbConn, user: &CurrentUser, class_id: i64) -> StoreResult<(Class, Rows)> {
    let class = classes::find(conn, class_id)?;
    if manages(user) {
        return Ok((class, Rows::All));
    }
    if user.has(Role::Lecturer) && sessions::class_ids_taught_by(conn, user.id())?.contains(&class_id) {
        return Ok((class, Rows::All));
    }
    if user.has(Role::Secretary) {
        let scope = scope_in(conn, user)?;
        if attendance::classes_with_learners_in(conn, &scope)?.contains(&class_id) {
            let ids = match scope {
                Scope::Units(ids) => ids,
                Scope::All => return Ok((class, Rows::All)),
            };
            return Ok((class, Rows::Units(ids)));
        }
    }
    if user.has(Role::Learner) && own_class_ids(conn, user.user.person_id)?.contains(&class_id) {
        return Ok((class, Rows::Own(user.user.person_id)));
    }
    Err(StoreError::NotFound)
}
