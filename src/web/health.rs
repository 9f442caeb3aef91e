//! GET /healthz: "ok" when the database answers, 503 otherwise. For load balancers and the
//! benchmarks' ceiling.

use actix_web::{HttpResponse, web};
use diesel::connection::SimpleConnection;

use super::auth::extract::Open;
use super::routes::Router;
use super::state::AppState;

pub fn routes(r: &mut Router) {
    r.get("/healthz", healthz);
}

async fn healthz(_: Open, state: web::Data<AppState>) -> HttpResponse {
    let answered = state.db(|conn| conn.batch_execute("SELECT 1").map_err(Into::into)).await;
    match answered {
        Ok(()) => HttpResponse::Ok().content_type("text/plain; charset=utf-8").body("ok"),
        Err(_) => {
            HttpResponse::ServiceUnavailable().content_type("text/plain; charset=utf-8").body("database unavailable")
        }
    }
}
