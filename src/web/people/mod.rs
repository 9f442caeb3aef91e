//! (being built)

use super::routes::Router;

pub fn routes(_r: &mut Router) {}
