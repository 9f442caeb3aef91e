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

#[cfg(test)]
mod tests {
    use super::*;

    /// A brace lost in a merge silently moves every later rule into the media query above it
    /// (it happened: the attendance styles applied only from 900 px up).
    #[test]
    fn every_stylesheet_closes_each_block_it_opens() {
        for file in AssetFiles::iter().filter(|f| f.ends_with(".css")) {
            let text = String::from_utf8(AssetFiles::get(&file).unwrap().data.into_owned()).unwrap();
            let mut depth = 0i32;
            let mut in_comment = false;
            let chars: Vec<char> = text.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                match (in_comment, c) {
                    (false, '/') if chars.get(i + 1) == Some(&'*') => in_comment = true,
                    (true, '/') if i > 0 && chars[i - 1] == '*' => in_comment = false,
                    (false, '{') => depth += 1,
                    (false, '}') => depth -= 1,
                    _ => {}
                }
                assert!(depth >= 0, "{file}: a block closed that was never opened");
                assert!(depth <= 2, "{file}: blocks nested three deep, a closing brace is probably missing");
            }
            assert_eq!(depth, 0, "{file}: a block is left open");
        }
    }
}
