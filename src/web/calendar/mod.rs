//! Calendars (lịch học): the week and month views of sessions for every role, and the secret
//! links of the iCalendar feeds a calendar application subscribes to.

mod feeds;
mod handlers;
mod views;

use super::routes::Router;

pub fn routes(r: &mut Router) {
    r.get("/calendar", handlers::calendar)
        .get("/calendar/feeds", feeds::page)
        .post("/calendar/feeds", feeds::change)
        .get("/classes/{id}/feed", feeds::class_page)
        .post("/classes/{id}/feed", feeds::class_change)
        .get("/ical/{token}.ics", feeds::ics);
}
