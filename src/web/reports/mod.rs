//! Reports (báo cáo) for staff and admins: per class, program, period and party unit (enrolled,
//! attendance, eligible, results by band, certificates issued and emailed, confirmations) with
//! three charts drawn on the server and their tables; readiness for admission across the
//! province; admissions against each party organisation's target for the term with the share
//! introduced by the Youth Union, worded as committees write it (`domain::report`); the targets
//! themselves; and every table as XLSX, including the issued certificates in the columns of
//! the Party member database.

mod charts;
mod classes;
mod standing;
mod targets;

use actix_web::HttpResponse;

use super::routes::Router;
use crate::domain::dates;
use crate::store::orgs::UnitTree;

pub fn routes(r: &mut Router) {
    r.get("/reports", classes::page)
        .get("/reports/classes.xlsx", classes::xlsx)
        .get("/reports/certificates.xlsx", classes::certificates_xlsx)
        .get("/reports/readiness", standing::readiness)
        .get("/reports/readiness.xlsx", standing::readiness_xlsx)
        .get("/reports/admissions", standing::admissions)
        .get("/reports/admissions.xlsx", standing::admissions_xlsx)
        .get("/reports/targets", targets::list)
        .post("/reports/targets", targets::create)
        .get("/reports/targets/{id}", targets::edit)
        .post("/reports/targets/{id}", targets::update);
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn xlsx_download(bytes: Vec<u8>, file: &str) -> HttpResponse {
    crate::web::certificates::download(bytes, XLSX, file)
}

/// An option of a select.
#[derive(serde::Serialize)]
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// The open party units in tree order, indented by depth, for a select.
fn unit_choices(tree: &UnitTree, selected: Option<i64>) -> Vec<Choice> {
    tree.depth_first()
        .into_iter()
        .filter(|(u, _)| u.is_open())
        .map(|(u, depth)| Choice {
            value: u.id.to_string(),
            label: format!("{}{}", "\u{2002}".repeat(depth), u.name),
            selected: selected == Some(u.id),
        })
        .collect()
}

/// "01/10/2025 – 30/09/2030".
fn term_label(start: time::Date, end: time::Date) -> String {
    format!("{} – {}", dates::format(start), dates::format(end))
}
