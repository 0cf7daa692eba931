//! The console's stylesheet, script and icon, compiled into the binary and served under names that
//! carry their digest, so browsers may keep them for a year (`immutable`): a new build has new
//! names. Nothing is fetched from another origin.

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};

/// Every asset: its name, kind (the file extension), media type and content.
const ASSETS: [(&str, &str, &str, &str); 3] = [
    ("console", "css", "text/css; charset=utf-8", include_str!("assets/console.css")),
    ("console", "js", "text/javascript; charset=utf-8", include_str!("assets/console.js")),
    ("icon", "svg", "image/svg+xml", include_str!("assets/icon.svg")),
];

/// The digest-named paths of `ASSETS`, in the same order.
fn paths() -> &'static [String] {
    static P: OnceLock<Vec<String>> = OnceLock::new();
    P.get_or_init(|| {
        ASSETS
            .iter()
            .map(|(name, kind, _, body)| {
                format!("/assets/{name}.{}.{kind}", &crate::digest::sha256_hex(body.as_bytes())[..16])
            })
            .collect()
    })
}

pub fn css_path() -> &'static str {
    &paths()[0]
}

pub fn js_path() -> &'static str {
    &paths()[1]
}

pub fn icon_path() -> &'static str {
    &paths()[2]
}

#[get("/assets/{name}")]
pub async fn asset(name: web::Path<String>) -> HttpResponse {
    let path = format!("/assets/{}", name.into_inner());
    let Some(i) = paths().iter().position(|p| *p == path) else {
        return HttpResponse::NotFound().content_type("text/plain; charset=utf-8").body("not found");
    };
    let (_, _, kind, body) = ASSETS[i];
    HttpResponse::Ok()
        .content_type(kind)
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(body)
}
