//! The Party organisation tree (tổ chức đảng). Since the 2025 reform there is no district level;
//! kinds are labels, and which kind may sit under which is deliberately not enforced, because
//! provinces organise differently.

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
}

/// Whether moving `unit` under `new_parent` keeps the tree a tree. `ancestors_of_new_parent`
/// lists the new parent's ancestors, nearest first.
pub fn move_keeps_tree(unit: i64, new_parent: i64, ancestors_of_new_parent: &[i64]) -> bool {
    unit != new_parent && !ancestors_of_new_parent.contains(&unit)
}

/// The ids of `roots` and of every unit below them.
pub fn descendants(parent_of: &[(i64, Option<i64>)], roots: &[i64]) -> Vec<i64> {
    let mut found: Vec<i64> = roots.to_vec();
    let mut frontier: Vec<i64> = roots.to_vec();
    while let Some(current) = frontier.pop() {
        for (id, parent) in parent_of {
            if *parent == Some(current) && !found.contains(id) {
                found.push(*id);
                frontier.push(*id);
            }
        }
    }
    found.sort_unstable();
    found
}

/// The ancestors of `id`, nearest first.
pub fn ancestors(parent_of: &[(i64, Option<i64>)], id: i64) -> Vec<i64> {
    let mut chain = Vec::new();
    let mut current = id;
    while let Some((_, Some(parent))) = parent_of.iter().find(|(i, _)| *i == current) {
        if chain.contains(parent) {
            break;
        }
        chain.push(*parent);
        current = *parent;
    }
    chain
}

/// Depth-first order for showing the tree: each unit followed by its children, siblings in the
/// order given. Returns (index into `units`, depth).
pub fn depth_first(parent_of: &[(i64, Option<i64>)]) -> Vec<(usize, usize)> {
    fn visit(parent_of: &[(i64, Option<i64>)], parent: Option<i64>, depth: usize, out: &mut Vec<(usize, usize)>) {
        for (index, (id, p)) in parent_of.iter().enumerate() {
            if *p == parent && !out.iter().any(|(i, _)| *i == index) {
                out.push((index, depth));
                visit(parent_of, Some(*id), depth + 1, out);
            }
        }
    }
    let mut out = Vec::with_capacity(parent_of.len());
    let ids: Vec<i64> = parent_of.iter().map(|(id, _)| *id).collect();
    // Roots are units without a parent, or whose parent is not in the list.
    for (index, (id, parent)) in parent_of.iter().enumerate() {
        let is_root = parent.is_none_or(|p| !ids.contains(&p));
        if is_root && !out.iter().any(|(i, _)| *i == index) {
            out.push((index, 0));
            visit(parent_of, Some(*id), 1, &mut out);
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
    fn a_unit_cannot_move_under_itself_or_its_descendants() {
        assert!(!move_keeps_tree(5, 5, &[1]));
        // 9's ancestors are 7, 5, 1: moving 5 under 9 would make a cycle.
        assert!(!move_keeps_tree(5, 9, &[7, 5, 1]));
        assert!(move_keeps_tree(5, 3, &[1]));
    }
}
