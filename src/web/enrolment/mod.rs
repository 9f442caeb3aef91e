//! Enrolment (ghi danh): a secretary's nominations (cử đi học), staff's decisions on them, the
//! class roster (danh sách học viên) with its printout and spreadsheet, withdrawal, and the
//! roster import from a file (nhập từ tệp) with its preview.

mod import;
mod nominations;
mod roster;
mod views;

use super::routes::Router;

pub fn routes(r: &mut Router) {
    r.get("/nominations", nominations::page);
    r.post("/nominations", nominations::nominate);
    r.get("/nominations/review", roster::review);
    r.get("/classes/{id}/roster", roster::page);
    r.get("/classes/{id}/roster.xlsx", roster::spreadsheet);
    r.post("/classes/{id}/enrolments/{enrolment}/decision", roster::decide);
    r.get("/classes/{id}/enrolments/{enrolment}/withdraw", roster::withdraw_form);
    r.post("/classes/{id}/enrolments/{enrolment}/withdraw", roster::withdraw);
    r.get("/classes/{id}/import", import::form);
    r.post("/classes/{id}/import", import::upload);
    r.post("/classes/{id}/import/commit", import::commit);
    r.get("/classes/{id}/import/template.xlsx", import::template_xlsx);
    r.get("/classes/{id}/import/template.csv", import::template_csv);
}
