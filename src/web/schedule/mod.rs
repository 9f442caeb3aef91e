//! A class's schedule (lịch học): the plan generated from the program's lessons and activities
//! over the class's teaching days, each session's edits, the clash check every save goes
//! through, the printable timetable, and the teaching load per lecturer.

mod context;
pub mod forms;
mod load;
mod plan;
mod sessions;
mod timetable;
pub mod views;

use super::routes::Router;

pub fn routes(r: &mut Router) {
    r.get("/classes/{id}/plan", plan::plan_form)
        .post("/classes/{id}/plan", plan::plan_save)
        .get("/classes/{id}/sessions", sessions::list)
        .get("/classes/{id}/sessions/{sid}/edit", sessions::edit_form)
        .post("/classes/{id}/sessions/{sid}/edit", sessions::update)
        .get("/classes/{id}/timetable", timetable::timetable)
        .get("/teaching-load", load::page)
        .get("/teaching-load.xlsx", load::spreadsheet);
}
