//! A class's schedule (lịch học): the plan generated from the program's lessons and activities
//! over the class's teaching days, each session's edits, the clash check every save goes
//! through, the printable timetable, and the teaching load per lecturer.

pub mod forms;
mod handlers;
mod load;
pub mod views;

use super::routes::Router;

pub fn routes(r: &mut Router) {
    r.get("/classes/{id}/plan", handlers::plan_form)
        .post("/classes/{id}/plan", handlers::plan_save)
        .get("/classes/{id}/sessions", handlers::list)
        .get("/classes/{id}/sessions/{sid}/edit", handlers::edit_form)
        .post("/classes/{id}/sessions/{sid}/edit", handlers::update)
        .get("/classes/{id}/timetable", handlers::timetable)
        .get("/teaching-load", load::page)
        .get("/teaching-load.xlsx", load::spreadsheet);
}
