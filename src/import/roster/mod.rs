//! Rows of a roster file read into people, and what importing them into a class would do.
//!
//! Columns are found by their Vietnamese headers in any order, with or without diacritics or
//! capitals ("Ho va ten" is "Họ và tên"); columns the import does not know are left alone (an
//! exported roster's "STT" column, say). Each row is checked on its own (`read`), then against
//! the registry and the class (`plan`): people are matched by citizen ID, else by email and date
//! of birth, so importing the same file twice adds nothing. Every problem is a message key with
//! its arguments, an error (the row is skipped) or a warning (the row goes in). Pure: the
//! registry's facts come in as `Known`, the class's as `Target`.
//!
//! A cell is kept as text exactly as typed, a formula-like one ("=…", "+…", "-…", "@…") too:
//! nothing here evaluates a cell, and the spreadsheet writer writes text as text.
//!
//! Two parts: `read.rs` reads the rows, `plan.rs` plans the import against the registry and the
//! class.

mod plan;
mod read;

pub use plan::{Action, Known, KnownPerson, Plan, PlannedRow, Skip, Summary, Target, citizen_ids, emails, plan};
pub use read::{
    CellRef, Cells, Column, EXAMPLE_CITIZEN_ID, EXAMPLE_NAME, Fields, FileProblem, Problem, ReadFile, ReadRow,
    Severity, read,
};

/// What the tests of both parts read files with.
#[cfg(test)]
mod fixtures {
    use time::Date;
    use time::macros::date;

    use super::{CellRef, Cells, ReadFile, read};
    use crate::import::read as read_table;

    pub(super) const TODAY: Date = date!(2026 - 12 - 01);

    pub(super) fn cells() -> Cells {
        Cells::new(vec![
            CellRef {
                id: 8,
                name: "Chi bộ Trường THPT Chu Văn An".into(),
                label: "Chi bộ Trường THPT Chu Văn An — Đảng bộ Sở Giáo dục và Đào tạo".into(),
            },
            CellRef {
                id: 14, name: "Chi bộ thôn 1".into(), label: "Chi bộ thôn 1 — Đảng bộ xã Ea Kar".into()
            },
            CellRef {
                id: 20, name: "Chi bộ thôn 1".into(), label: "Chi bộ thôn 1 — Đảng bộ xã Cư M'gar".into()
            },
        ])
    }

    pub(super) const HEADER: &str = "Họ và tên,Ngày sinh,Giới tính,Quê quán,Số CCCD,Email,Chi bộ\n";

    pub(super) fn file(rows: &str) -> ReadFile {
        let table = read_table(format!("{HEADER}{rows}").as_bytes()).unwrap();
        read(&table, &cells(), TODAY).unwrap()
    }
}
