//! One error type for pages and API. A handler returns `Err(WebError)`; the response carries
//! the error as an extension, and [`crate::middleware::render_errors`] turns it into a
//! translated HTML page or the API's JSON body, knowing the request's language and user.

use accord_app::AppError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::Arc;

#[derive(Debug)]
pub struct WebError(pub AppError);

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        WebError(e)
    }
}

/// Marks a response as an error still to be rendered.
#[derive(Clone, Debug)]
pub struct ErrorMarker(pub Arc<AppError>);

pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict { .. } => StatusCode::CONFLICT,
        AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        AppError::Storage(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

pub fn code_of(e: &AppError) -> &'static str {
    match e {
        AppError::Unauthenticated => "unauthenticated",
        AppError::Forbidden => "forbidden",
        AppError::NotFound => "not_found",
        AppError::Invalid(_) => "invalid",
        AppError::Conflict { .. } => "conflict",
        AppError::RateLimited => "rate_limited",
        AppError::Storage(_) | AppError::Internal(_) => "internal",
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = status_of(&self.0);
        if status.is_server_error() {
            tracing::error!(error = %self.0, "request failed");
        }
        let mut res = status.into_response();
        res.extensions_mut().insert(ErrorMarker(Arc::new(self.0)));
        res
    }
}

/// The API's error body: `{"error": {"code", "message", "fields"}}` (English messages; the
/// codes are the contract).
pub fn json_body(e: &AppError) -> Response {
    let lang = accord_domain::Lang::En;
    let mut fields = serde_json::Map::new();
    let mut extra = serde_json::Map::new();
    if let AppError::Invalid(errs) = e {
        for f in &errs.0 {
            fields.entry(f.field.clone()).or_insert_with(|| json!(crate::i18n::field_error(lang, f)));
        }
    }
    if let AppError::Conflict { current, changed } = e {
        extra.insert("current".into(), current.clone());
        extra.insert("changed".into(), json!(changed));
    }
    let message = crate::i18n::t(lang, &format!("error_page.{}.title", code_of(e)));
    let mut error = json!({"code": code_of(e), "message": message, "fields": fields});
    if let Some(obj) = error.as_object_mut() {
        obj.extend(extra);
    }
    let mut res = (status_of(e), Json(json!({ "error": error }))).into_response();
    if matches!(e, AppError::Unauthenticated) {
        res.headers_mut().insert(
            axum::http::header::WWW_AUTHENTICATE,
            axum::http::HeaderValue::from_static("Bearer realm=\"accord\""),
        );
    }
    res
}

pub type WebResult<T> = Result<T, WebError>;
