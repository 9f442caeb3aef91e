//! The Party organisation tree (tổ chức đảng). Since the 2025 reform there is no district level.
//! Which committee sits under which is deliberately not enforced, because provinces organise
//! differently; what the Party's structure does fix is enforced: a chi bộ is the bottom of the
//! tree (nothing sits under it) and the only unit with a cell secretary.

use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrgKind {
    ProvincialCommittee,
    DirectCommittee,
    CommuneCommittee,
    GrassrootsCommittee,
    GrassrootsCell,
    Cell,
}

impl OrgKind {
    pub const ALL: [OrgKind; 6] = [
        OrgKind::ProvincialCommittee,
        OrgKind::DirectCommittee,
        OrgKind::CommuneCommittee,
        OrgKind::GrassrootsCommittee,
        OrgKind::GrassrootsCell,
        OrgKind::Cell,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrgKind::ProvincialCommittee => "provincial_committee",
            OrgKind::DirectCommittee => "direct_committee",
            OrgKind::CommuneCommittee => "commune_committee",
            OrgKind::GrassrootsCommittee => "grassroots_committee",
            OrgKind::GrassrootsCell => "grassroots_cell",
            OrgKind::Cell => "cell",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_key(self) -> String {
        format!("org.kind.{}", self.code())
    }

    /// Chi bộ (of either kind) are where people belong.
    pub fn is_cell(self) -> bool {
        matches!(self, OrgKind::GrassrootsCell | OrgKind::Cell)
    }

    /// Party committees (đảng bộ) have units under them; a chi bộ has none (its party groups,
    /// tổ đảng, are not units of the tree).
    pub fn may_have_children(self) -> bool {
        !self.is_cell()
    }

    /// A bí thư chi bộ is bound to a chi bộ, never to a committee.
    pub fn may_have_secretary(self) -> bool {
        self.is_cell()
    }
}

/// Whether a unit may be put under a parent of this kind. A unit of an unknown kind (not one of
/// ours) is not refused: the tree predates the rule.
pub fn may_be_parent(parent_kind: Option<OrgKind>) -> bool {
    parent_kind.is_none_or(OrgKind::may_have_children)
}

/// The nearest ancestor of `id` that is a party committee (not a chi bộ), for naming a chi bộ;
/// `parent` and `kind_of` look a unit up.
pub fn nearest_committee(
    parent: impl Fn(i64) -> Option<i64>,
    kind_of: impl Fn(i64) -> Option<OrgKind>,
    id: i64,
) -> Option<i64> {
    ancestors_by(parent, id).into_iter().find(|a| !kind_of(*a).is_some_and(OrgKind::is_cell))
}

/// How a unit is named where it is chosen or listed: a chi bộ with its party committee
/// ("Chi bộ thôn 1 — Đảng bộ xã Ea Kar"), because many communes have a "Chi bộ thôn 1"; a
/// committee, or a chi bộ without one above it, by its name.
pub fn display_name(name: &str, kind: Option<OrgKind>, committee: Option<&str>) -> String {
    match committee {
        Some(committee) if kind.is_some_and(OrgKind::is_cell) => format!("{name} — {committee}"),
        _ => name.to_owned(),
    }
}

/// Counts per unit added up over each unit's subtree: a committee counts the people of every
/// unit below it. `counts` holds the units' own counts; units without people may be missing.
pub fn subtree_totals(parent_of: &[(i64, Option<i64>)], counts: &[(i64, i64)]) -> HashMap<i64, i64> {
    let parents: HashMap<i64, Option<i64>> = parent_of.iter().copied().collect();
    let mut totals: HashMap<i64, i64> = parent_of.iter().map(|(id, _)| (*id, 0)).collect();
    for (unit, n) in counts {
        // Each count goes to the unit and every ancestor once (a broken cycle cannot loop).
        *totals.entry(*unit).or_insert(0) += n;
        for ancestor in ancestors_by(|u| parents.get(&u).copied().flatten(), *unit) {
            *totals.entry(ancestor).or_insert(0) += n;
        }
    }
    totals
}

/// Whether moving `unit` under `new_parent` keeps the tree a tree. `ancestors_of_new_parent`
/// lists the new parent's ancestors, nearest first.
pub fn move_keeps_tree(unit: i64, new_parent: i64, ancestors_of_new_parent: &[i64]) -> bool {
    unit != new_parent && !ancestors_of_new_parent.contains(&unit)
}

/// Each unit's children (indexes into `parent_of`, in the order given), and the roots: units
/// without a parent, or whose parent is not in the list.
fn children_index(parent_of: &[(i64, Option<i64>)]) -> (Vec<usize>, HashMap<i64, Vec<usize>>) {
    let ids: HashSet<i64> = parent_of.iter().map(|(id, _)| *id).collect();
    let mut roots = Vec::new();
    let mut children: HashMap<i64, Vec<usize>> = HashMap::new();
    for (index, (_, parent)) in parent_of.iter().enumerate() {
        match parent {
            Some(p) if ids.contains(p) => children.entry(*p).or_default().push(index),
            _ => roots.push(index),
        }
    }
    (roots, children)
}

/// The ids of `roots` and of every unit below them, in id order.
pub fn descendants(parent_of: &[(i64, Option<i64>)], roots: &[i64]) -> Vec<i64> {
    let (_, children) = children_index(parent_of);
    let mut found: HashSet<i64> = roots.iter().copied().collect();
    let mut frontier: Vec<i64> = roots.to_vec();
    while let Some(current) = frontier.pop() {
        for index in children.get(&current).into_iter().flatten() {
            let id = parent_of[*index].0;
            if found.insert(id) {
                frontier.push(id);
            }
        }
    }
    let mut found: Vec<i64> = found.into_iter().collect();
    found.sort_unstable();
    found
}

/// The ancestors of `id`, nearest first.
pub fn ancestors(parent_of: &[(i64, Option<i64>)], id: i64) -> Vec<i64> {
    let parents: HashMap<i64, Option<i64>> = parent_of.iter().copied().collect();
    ancestors_by(|unit| parents.get(&unit).copied().flatten(), id)
}

/// The ancestors of `id`, nearest first, given a way to find a unit's parent. A cycle in bad
/// data ends the chain instead of looping.
pub fn ancestors_by(parent: impl Fn(i64) -> Option<i64>, id: i64) -> Vec<i64> {
    let mut chain = Vec::new();
    let mut current = id;
    while let Some(next) = parent(current) {
        if chain.contains(&next) {
            break;
        }
        chain.push(next);
        current = next;
    }
    chain
}

/// Depth-first order for showing the tree: each unit followed by its children, siblings in the
/// order given. Returns (index into `units`, depth).
pub fn depth_first(parent_of: &[(i64, Option<i64>)]) -> Vec<(usize, usize)> {
    let (roots, children) = children_index(parent_of);
    let mut out = Vec::with_capacity(parent_of.len());
    let mut seen = vec![false; parent_of.len()];
    for root in roots {
        let mut stack = vec![(root, 0)];
        while let Some((index, depth)) = stack.pop() {
            if std::mem::replace(&mut seen[index], true) {
                continue;
            }
            out.push((index, depth));
            // Pushed last to first, so the first child is visited first.
            for child in children.get(&parent_of[index].0).into_iter().flatten().rev() {
                stack.push((*child, depth + 1));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TREE: [(i64, Option<i64>); 6] =
        [(1, None), (2, Some(1)), (3, Some(2)), (4, Some(1)), (5, Some(4)), (6, None)];

    #[test]
    fn descendants_include_the_roots() {
        assert_eq!(descendants(&TREE, &[2]), vec![2, 3]);
        assert_eq!(descendants(&TREE, &[1]), vec![1, 2, 3, 4, 5]);
        assert_eq!(descendants(&TREE, &[3, 5]), vec![3, 5]);
    }

    #[test]
    fn ancestors_nearest_first() {
        assert_eq!(ancestors(&TREE, 5), vec![4, 1]);
        assert!(ancestors(&TREE, 1).is_empty());
    }

    #[test]
    fn a_cycle_in_bad_data_ends_the_walks() {
        let cycle = [(1, Some(2)), (2, Some(1)), (3, Some(1))];
        assert_eq!(ancestors(&cycle, 3), vec![1, 2]);
        assert_eq!(descendants(&cycle, &[1]), vec![1, 2, 3]);
        // No root: nothing is shown, and nothing loops.
        assert!(depth_first(&cycle).is_empty());
    }

    #[test]
    fn depth_first_order() {
        let order: Vec<(i64, usize)> = depth_first(&TREE).into_iter().map(|(i, d)| (TREE[i].0, d)).collect();
        assert_eq!(order, vec![(1, 0), (2, 1), (3, 2), (4, 1), (5, 2), (6, 0)]);
    }

    #[test]
    fn kinds_round_trip() {
        for kind in OrgKind::ALL {
            assert_eq!(OrgKind::parse(kind.code()), Some(kind));
        }
        assert_eq!(OrgKind::parse("district"), None);
        assert!(OrgKind::Cell.is_cell() && !OrgKind::CommuneCommittee.is_cell());
    }

    #[test]
    fn a_chi_bo_has_no_units_under_it_and_is_the_only_unit_with_a_secretary() {
        for kind in [OrgKind::Cell, OrgKind::GrassrootsCell] {
            assert!(!kind.may_have_children() && kind.may_have_secretary(), "{kind:?}");
            assert!(!may_be_parent(Some(kind)));
        }
        for kind in [
            OrgKind::ProvincialCommittee,
            OrgKind::DirectCommittee,
            OrgKind::CommuneCommittee,
            OrgKind::GrassrootsCommittee,
        ] {
            assert!(kind.may_have_children() && !kind.may_have_secretary(), "{kind:?}");
            assert!(may_be_parent(Some(kind)));
        }
        assert!(may_be_parent(None));
    }

    #[test]
    fn a_chi_bo_is_named_with_its_nearest_committee() {
        // 1 province → 2 commune → 3 chi bộ; 4 chi bộ wrongly under chi bộ 3; 6 a lone chi bộ.
        let tree = [(1, None), (2, Some(1)), (3, Some(2)), (4, Some(3)), (6, None)];
        let parent = |id: i64| tree.iter().find(|(i, _)| *i == id).and_then(|(_, p)| *p);
        let kind_of = |id: i64| match id {
            1 => Some(OrgKind::ProvincialCommittee),
            2 => Some(OrgKind::CommuneCommittee),
            _ => Some(OrgKind::Cell),
        };
        assert_eq!(nearest_committee(parent, kind_of, 3), Some(2));
        assert_eq!(nearest_committee(parent, kind_of, 4), Some(2), "a chi bộ above is skipped");
        assert_eq!(nearest_committee(parent, kind_of, 2), Some(1));
        assert_eq!(nearest_committee(parent, kind_of, 6), None);

        let cell = Some(OrgKind::Cell);
        assert_eq!(display_name("Chi bộ thôn 1", cell, Some("Đảng bộ xã Ea Kar")), "Chi bộ thôn 1 — Đảng bộ xã Ea Kar");
        assert_eq!(display_name("Chi bộ thôn 1", cell, None), "Chi bộ thôn 1");
        let commune = Some(OrgKind::CommuneCommittee);
        assert_eq!(display_name("Đảng bộ xã Ea Kar", commune, Some("Đảng bộ tỉnh Đắk Lắk")), "Đảng bộ xã Ea Kar");
    }

    #[test]
    fn totals_add_up_over_subtrees() {
        let totals = subtree_totals(&TREE, &[(3, 5), (4, 2), (2, 1), (6, 7)]);
        assert_eq!(totals[&1], 8);
        assert_eq!(totals[&2], 6);
        assert_eq!(totals[&3], 5);
        assert_eq!(totals[&5], 0);
        assert_eq!(totals[&6], 7);
    }

    #[test]
    fn a_unit_cannot_move_under_itself_or_its_descendants() {
        assert!(!move_keeps_tree(5, 5, &[1]));
        // 9's ancestors are 7, 5, 1: moving 5 under 9 would make a cycle.
        assert!(!move_keeps_tree(5, 9, &[7, 5, 1]));
        assert!(move_keeps_tree(5, 3, &[1]));
    }
}
