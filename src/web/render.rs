//! The old name of `web::page`, kept only so that the people and audit pages (being changed on
//! other branches) still build; remove it once they import `web::page`.

pub use super::page::{Page, see_other};
