//! The stylesheet and icon, compiled into the binary so one file is the whole deployment.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::LazyLock;

const CSS: &str = include_str!("../../static/accord.css");
const FAVICON: &str = include_str!("../../static/favicon.svg");
const PRINT_JS: &str = include_str!("../../static/print.js");
const UPLOAD_JS: &str = include_str!("../../static/upload.js");
const PAGE_JS: &str = include_str!("../../static/page.js");
const ORGPICKER_JS: &str = include_str!("../../static/orgpicker.js");

/// Changes whenever an asset does, so browsers may cache them for a year.
pub static VERSION: LazyLock<String> = LazyLock::new(|| {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    CSS.hash(&mut h);
    FAVICON.hash(&mut h);
    PRINT_JS.hash(&mut h);
    UPLOAD_JS.hash(&mut h);
    PAGE_JS.hash(&mut h);
    ORGPICKER_JS.hash(&mut h);
    format!("{:x}", h.finish())
});

pub async fn serve(Path(file): Path<String>) -> Response {
    let (body, ctype) = match file.as_str() {
        "accord.css" => (CSS, "text/css; charset=utf-8"),
        "favicon.svg" => (FAVICON, "image/svg+xml"),
        "print.js" => (PRINT_JS, "text/javascript; charset=utf-8"),
        "upload.js" => (UPLOAD_JS, "text/javascript; charset=utf-8"),
        "page.js" => (PAGE_JS, "text/javascript; charset=utf-8"),
        "orgpicker.js" => (ORGPICKER_JS, "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    ([(header::CONTENT_TYPE, ctype), (header::CACHE_CONTROL, "public, max-age=31536000, immutable")], body)
        .into_response()
}
