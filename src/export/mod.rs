//! What staff and calendar applications download: iCalendar feeds (and, as features add them,
//! spreadsheets). Pure writers over plain data; the web layer serves them.

pub mod ical;
pub mod xlsx;
