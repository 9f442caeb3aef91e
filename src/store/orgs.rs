//! The Party organisation tree: units, renames with their dates, moves, closing, the scope
//! a secretary's binding gives, and `UnitTree`, which names a chi bộ with its committee
//! wherever a unit is shown.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use diesel::prelude::*;
use serde::Serialize;
use time::Date;

use super::audit::{self, Actor};
use super::{DbConn, Scope, StoreError, StoreResult};
use crate::db::schema::{org_unit_names, org_units, people, secretary_units, users};
use crate::domain::dates;
use crate::domain::org::{self, OrgKind};
use crate::domain::role::Role;
use crate::store::users::Account;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = org_units)]
pub struct OrgUnit {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: String,
    pub name: String,
    pub valid_from: Date,
    pub closed_on: Option<Date>,
}

impl OrgUnit {
    pub fn kind(&self) -> Option<OrgKind> {
        OrgKind::parse(&self.kind)
    }
    pub fn is_open(&self) -> bool {
        self.closed_on.is_none()
    }
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct FormerName {
    pub name: String,
    pub valid_from: Date,
    pub valid_to: Date,
}

/// Every unit, ordered by name with Vietnamese collation (siblings show in that order).
pub fn all(conn: &mut DbConn) -> StoreResult<Vec<OrgUnit>> {
    let mut units: Vec<OrgUnit> = org_units::table.select(OrgUnit::as_select()).load(conn)?;
    units.sort_by_cached_key(|u| name_key(&u.name));
    Ok(units)
}

/// Collation keys of unit names, kept between requests: sorting the tree with the Vietnamese
/// collation on every page cost more than reading it (bench/RESULTS.md). A key depends on the
/// name alone, so nothing needs invalidating; names are few (one per unit, and past ones), and
/// the cache starts over should it ever pass `NAME_KEYS_MAX`.
static NAME_KEYS: LazyLock<Mutex<HashMap<String, Arc<[u8]>>>> = LazyLock::new(Default::default);
const NAME_KEYS_MAX: usize = 20_000;

fn name_key(name: &str) -> Arc<[u8]> {
    let mut keys = NAME_KEYS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(key) = keys.get(name) {
        return key.clone();
    }
    if keys.len() >= NAME_KEYS_MAX {
        keys.clear();
    }
    let key: Arc<[u8]> = crate::domain::names::collation_key(name).into();
    keys.insert(name.to_owned(), key.clone());
    key
}

pub fn find(conn: &mut DbConn, id: i64) -> StoreResult<OrgUnit> {
    Ok(org_units::table.find(id).select(OrgUnit::as_select()).get_result(conn)?)
}

/// The whole tree in memory, read once per request: names units the way every page shows them
/// (a chi bộ with its party committee), finds subtrees and groups chi bộ by committee.
#[derive(Debug, Clone)]
pub struct UnitTree {
    /// Ordered by name with Vietnamese collation, as `all` returns them.
    units: Vec<OrgUnit>,
    pairs: Vec<(i64, Option<i64>)>,
    index: HashMap<i64, usize>,
}

/// The chi bộ under one party committee, for a select's `<optgroup>`.
#[derive(Debug)]
pub struct CellGroup<'a> {
    /// None for chi bộ with no committee above them.
    pub committee: Option<&'a OrgUnit>,
    /// Whether the committee itself was picked too (a filter may choose a whole committee).
    pub committee_picked: bool,
    pub cells: Vec<&'a OrgUnit>,
}

impl UnitTree {
    pub fn load(conn: &mut DbConn) -> StoreResult<Self> {
        Ok(Self::new(all(conn)?))
    }

    pub fn new(units: Vec<OrgUnit>) -> Self {
        let pairs = units.iter().map(|u| (u.id, u.parent_id)).collect();
        let index = units.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
        Self { units, pairs, index }
    }

    pub fn units(&self) -> &[OrgUnit] {
        &self.units
    }

    pub fn get(&self, id: i64) -> Option<&OrgUnit> {
        self.index.get(&id).map(|i| &self.units[*i])
    }

    /// The nearest party committee above a unit.
    pub fn committee_of(&self, id: i64) -> Option<&OrgUnit> {
        let parent = |id: i64| self.get(id).and_then(|u| u.parent_id);
        let kind_of = |id: i64| self.get(id).and_then(OrgUnit::kind);
        org::nearest_committee(parent, kind_of, id).and_then(|c| self.get(c))
    }

    /// "Chi bộ thôn 1 — Đảng bộ xã Ea Kar" for a chi bộ, the name for a committee; empty for an
    /// unknown id.
    pub fn label(&self, id: i64) -> String {
        let Some(unit) = self.get(id) else { return String::new() };
        let committee = self.committee_of(id).map(|c| c.name.as_str());
        org::display_name(&unit.name, unit.kind(), committee)
    }

    /// The unit and every unit below it.
    pub fn subtree(&self, id: i64) -> Vec<i64> {
        org::descendants(&self.pairs, &[id])
    }

    /// Every unit with its depth, each followed by the units under it.
    pub fn depth_first(&self) -> Vec<(&OrgUnit, usize)> {
        org::depth_first(&self.pairs).into_iter().map(|(i, depth)| (&self.units[i], depth)).collect()
    }

    /// People per unit added up over each subtree; `counts` are the units' own counts.
    pub fn totals(&self, counts: &[(i64, i64)]) -> HashMap<i64, i64> {
        org::subtree_totals(&self.pairs, counts)
    }

    /// The units `pick` chooses, grouped by party committee in tree order: each chi bộ in the
    /// group of its nearest committee; a picked committee heads its own group.
    pub fn cells_by_committee(&self, pick: impl Fn(&OrgUnit) -> bool) -> Vec<CellGroup<'_>> {
        let mut groups: Vec<CellGroup<'_>> = Vec::new();
        fn group_of<'a, 'g>(
            groups: &'g mut Vec<CellGroup<'a>>,
            committee: Option<&'a OrgUnit>,
        ) -> &'g mut CellGroup<'a> {
            let id = committee.map(|c| c.id);
            let at = match groups.iter().position(|g| g.committee.map(|c| c.id) == id) {
                Some(at) => at,
                None => {
                    groups.push(CellGroup { committee, committee_picked: false, cells: Vec::new() });
                    groups.len() - 1
                }
            };
            &mut groups[at]
        }
        for (unit, _) in self.depth_first() {
            if !pick(unit) {
                continue;
            }
            if unit.kind().is_some_and(OrgKind::is_cell) {
                group_of(&mut groups, self.committee_of(unit.id)).cells.push(unit);
            } else {
                group_of(&mut groups, Some(unit)).committee_picked = true;
            }
        }
        groups
    }
}

/// One unit's display name ("Chi bộ thôn 1 — Đảng bộ xã Ea Kar" for a chi bộ), for pages that
/// show a unit or two: it reads the tree's links and kinds, not every name.
pub fn label(conn: &mut DbConn, id: i64) -> StoreResult<String> {
    let unit = find(conn, id)?;
    // Walks up one unit at a time: a chi bộ sits a few levels below its committee, and reading
    // those rows by id costs less than reading the whole tree.
    let mut committee = None;
    if unit.kind().is_some_and(OrgKind::is_cell) {
        let mut next = unit.parent_id;
        let mut steps = 0;
        while let Some(parent_id) = next {
            let parent = find(conn, parent_id)?;
            if !parent.kind().is_some_and(OrgKind::is_cell) {
                committee = Some(parent);
                break;
            }
            next = parent.parent_id;
            steps += 1;
            if steps > MAX_DEPTH {
                break;
            }
        }
    }
    Ok(org::display_name(&unit.name, unit.kind(), committee.as_ref().map(|c| c.name.as_str())))
}

/// Deeper than any real tree: a guard against a cycle in damaged data.
const MAX_DEPTH: usize = 64;

/// Every unit's display name ("Chi bộ thôn 1 — Đảng bộ xã Ea Kar" for a chi bộ), by id.
pub fn cell_labels(conn: &mut DbConn) -> StoreResult<HashMap<i64, String>> {
    let tree = UnitTree::load(conn)?;
    Ok(tree.units().iter().map(|u| (u.id, tree.label(u.id))).collect())
}

fn parent_pairs(conn: &mut DbConn) -> StoreResult<Vec<(i64, Option<i64>)>> {
    Ok(org_units::table.select((org_units::id, org_units::parent_id)).load(conn)?)
}

/// What an account may see: staff and admins everything; a secretary their units and below;
/// anyone else nothing.
pub fn scope_for(conn: &mut DbConn, account: &Account) -> StoreResult<Scope> {
    if account.roles.iter().any(|r| matches!(r, Role::Admin | Role::Staff)) {
        return Ok(Scope::All);
    }
    if account.roles.contains(&Role::Secretary) && !account.secretary_units.is_empty() {
        let pairs = parent_pairs(conn)?;
        return Ok(Scope::Units(org::descendants(&pairs, &account.secretary_units)));
    }
    Ok(Scope::Units(Vec::new()))
}

/// Open chi bộ within a scope, for choosing a person's cell.
pub fn open_cells(conn: &mut DbConn, scope: &Scope) -> StoreResult<Vec<OrgUnit>> {
    Ok(all(conn)?
        .into_iter()
        .filter(|u| u.is_open() && u.kind().is_some_and(OrgKind::is_cell) && scope.allows(u.id))
        .collect())
}

pub fn former_names(conn: &mut DbConn, id: i64) -> StoreResult<Vec<FormerName>> {
    Ok(org_unit_names::table
        .filter(org_unit_names::org_unit_id.eq(id))
        .order(org_unit_names::valid_to.desc())
        .select((org_unit_names::name, org_unit_names::valid_from, org_unit_names::valid_to))
        .load(conn)?)
}

/// The name a unit bore on a given day (certificates print the name valid at issue time).
pub fn name_on(conn: &mut DbConn, id: i64, day: Date) -> StoreResult<String> {
    let former: Option<String> = org_unit_names::table
        .filter(org_unit_names::org_unit_id.eq(id))
        .filter(org_unit_names::valid_from.le(day))
        .filter(org_unit_names::valid_to.gt(day))
        .select(org_unit_names::name)
        .first(conn)
        .optional()?;
    match former {
        Some(name) => Ok(name),
        None => Ok(find(conn, id)?.name),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct NewOrgUnit {
    pub parent_id: Option<i64>,
    pub kind: String,
    pub name: String,
    pub valid_from: Date,
}

pub fn create(conn: &mut DbConn, actor: &Actor, new: &NewOrgUnit) -> StoreResult<i64> {
    super::write_tx(conn, |conn| {
        if let Some(parent) = new.parent_id {
            check_parent(&find(conn, parent)?)?;
        }
        let now = dates::now();
        let id: i64 = diesel::insert_into(org_units::table)
            .values((
                org_units::parent_id.eq(new.parent_id),
                org_units::kind.eq(&new.kind),
                org_units::name.eq(&new.name),
                org_units::valid_from.eq(new.valid_from),
                org_units::created_at.eq(now),
                org_units::updated_at.eq(now),
            ))
            .returning(org_units::id)
            .get_result(conn)?;
        audit::record(conn, actor, "org_unit", Some(id), "create", None::<&()>, Some(new))?;
        Ok(id)
    })
}

/// A unit may go under an open party committee, never under a chi bộ.
fn check_parent(parent: &OrgUnit) -> StoreResult<()> {
    if !parent.is_open() {
        return Err(StoreError::Conflict("org.error.parent_closed"));
    }
    if !org::may_be_parent(parent.kind()) {
        return Err(StoreError::Conflict("org.error.parent_is_cell"));
    }
    Ok(())
}

/// Renames a unit from `effective` on; the old name is kept with the dates it was valid.
pub fn rename(conn: &mut DbConn, actor: &Actor, id: i64, new_name: &str, effective: Date) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let unit = find(conn, id)?;
        if unit.name == new_name {
            return Ok(());
        }
        let current_since: Date = org_unit_names::table
            .filter(org_unit_names::org_unit_id.eq(id))
            .select(diesel::dsl::max(org_unit_names::valid_to))
            .first::<Option<Date>>(conn)?
            .unwrap_or(unit.valid_from);
        if effective <= current_since {
            return Err(StoreError::Conflict("org.error.rename_date"));
        }
        diesel::insert_into(org_unit_names::table)
            .values((
                org_unit_names::org_unit_id.eq(id),
                org_unit_names::name.eq(&unit.name),
                org_unit_names::valid_from.eq(current_since),
                org_unit_names::valid_to.eq(effective),
            ))
            .execute(conn)?;
        diesel::update(org_units::table.find(id))
            .set((org_units::name.eq(new_name), org_units::updated_at.eq(dates::now())))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            "org_unit",
            Some(id),
            "rename",
            Some(&serde_json::json!({ "name": unit.name })),
            Some(&serde_json::json!({ "name": new_name, "effective": dates::iso(effective) })),
        )
    })
}

pub fn move_unit(conn: &mut DbConn, actor: &Actor, id: i64, new_parent: Option<i64>) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let unit = find(conn, id)?;
        if let Some(parent) = new_parent {
            check_parent(&find(conn, parent)?)?;
            let pairs = parent_pairs(conn)?;
            if !org::move_keeps_tree(id, parent, &org::ancestors(&pairs, parent)) {
                return Err(StoreError::Conflict("org.error.cycle"));
            }
        }
        diesel::update(org_units::table.find(id))
            .set((org_units::parent_id.eq(new_parent), org_units::updated_at.eq(dates::now())))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            "org_unit",
            Some(id),
            "move",
            Some(&serde_json::json!({ "parent_id": unit.parent_id })),
            Some(&serde_json::json!({ "parent_id": new_parent })),
        )
    })
}

/// Closes a unit. Refused while a unit below it is still open.
pub fn close(conn: &mut DbConn, actor: &Actor, id: i64, on: Date) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let unit = find(conn, id)?;
        if !unit.is_open() {
            return Ok(());
        }
        let open_children: i64 = org_units::table
            .filter(org_units::parent_id.eq(id))
            .filter(org_units::closed_on.is_null())
            .count()
            .get_result(conn)?;
        if open_children > 0 {
            return Err(StoreError::Conflict("org.error.open_children"));
        }
        if on < unit.valid_from {
            return Err(StoreError::Conflict("org.error.close_date"));
        }
        diesel::update(org_units::table.find(id))
            .set((org_units::closed_on.eq(Some(on)), org_units::updated_at.eq(dates::now())))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            "org_unit",
            Some(id),
            "close",
            None::<&()>,
            Some(&serde_json::json!({ "closed_on": dates::iso(on) })),
        )
    })
}

/// Secretaries bound to a unit: (user id, name, email).
pub fn secretaries_of(conn: &mut DbConn, id: i64) -> StoreResult<Vec<(i64, String, String)>> {
    Ok(secretary_units::table
        .inner_join(users::table.on(users::id.eq(secretary_units::user_id)))
        .filter(secretary_units::org_unit_id.eq(id))
        .select((users::id, users::display_name, users::email))
        .load(conn)?)
}

/// Binds or unbinds a secretary account to a unit. Only a chi bộ takes a secretary; a binding
/// to a committee made before that rule can still be undone.
pub fn set_secretary(conn: &mut DbConn, actor: &Actor, unit_id: i64, user_id: i64, bound: bool) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let unit = find(conn, unit_id)?;
        if bound && !unit.kind().is_some_and(OrgKind::may_have_secretary) {
            return Err(StoreError::Conflict("org.error.secretary_cell_only"));
        }
        let account = super::users::account(conn, user_id)?;
        if !account.roles.contains(&Role::Secretary) {
            return Err(StoreError::Conflict("org.error.not_secretary"));
        }
        diesel::delete(
            secretary_units::table
                .filter(secretary_units::user_id.eq(user_id))
                .filter(secretary_units::org_unit_id.eq(unit_id)),
        )
        .execute(conn)?;
        if bound {
            diesel::insert_into(secretary_units::table)
                .values((secretary_units::user_id.eq(user_id), secretary_units::org_unit_id.eq(unit_id)))
                .execute(conn)?;
        }
        audit::record(
            conn,
            actor,
            "org_unit",
            Some(unit_id),
            if bound { "assign_secretary" } else { "unassign_secretary" },
            None::<&()>,
            Some(&serde_json::json!({ "user_id": user_id })),
        )
    })
}

/// People per unit (each unit's own, not its subtree's; see `UnitTree::totals`).
pub fn people_counts(conn: &mut DbConn) -> StoreResult<Vec<(i64, i64)>> {
    Ok(people::table
        .group_by(people::org_unit_id)
        .select((people::org_unit_id, diesel::dsl::count_star()))
        .load(conn)?)
}
