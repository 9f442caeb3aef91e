//! The learner's own pages (cổng học viên). "Kết quả học tập" (`/me/results`): per class, the
//! attendance so far and whether the learner may write the essay; the essay's result and the
//! certificate join each class's card when those parts exist (`ClassCard` is where they go).

pub mod overview;
mod results;

use super::routes::Router;

pub fn routes(r: &mut Router) {
    r.get("/me/results", results::show);
}
