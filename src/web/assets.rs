//! CSS, fonts and the little JavaScript there is, compiled into the binary: the school's
//! machines may have no internet, so nothing comes from a CDN.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use rust_embed::RustEmbed;

use super::auth::extract::Open;
use super::routes::Router;

#[derive(RustEmbed)]
#[folder = "assets/"]
#[exclude = "passwords/*"]
#[exclude = "demo/*"]
struct AssetFiles;

pub fn routes(r: &mut Router) {
    r.get("/assets/{file:.*}", serve);
}

async fn serve(_: Open, file: web::Path<String>) -> HttpResponse {
    let Some(content) = AssetFiles::get(&file) else {
        return HttpResponse::NotFound().finish();
    };
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type(&file)))
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(content.data.into_owned())
}

fn content_type(file: &str) -> &'static str {
    match file.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("woff2") => "font/woff2",
        Some("ttf") => "font/ttf",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
