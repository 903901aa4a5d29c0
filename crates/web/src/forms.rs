//! Forms: decoded from `application/x-www-form-urlencoded` with their CSRF token checked,
//! and their field errors made ready for templates.

use crate::ctx::ReqCtx;
use crate::error::WebError;
use accord_app::AppError;
use accord_domain::{FieldErrors, Lang};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// A submitted form whose `_csrf` field matched the session's token (or, before sign-in,
/// the CSRF cookie). A missing or wrong token is refused with 403 before the handler runs.
pub struct CsrfForm<T>(pub T);

#[derive(Deserialize)]
struct Token {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

/// Compares in time that does not depend on where the strings differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for CsrfForm<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, s: &S) -> Result<Self, Self::Rejection> {
        let ctx = req.extensions().get::<ReqCtx>().cloned().ok_or(WebError(AppError::Forbidden))?;
        let bytes = Bytes::from_request(req, s).await.map_err(|_| WebError(AppError::Internal("body".into())))?;
        let token: Token = serde_html_form::from_bytes(&bytes).map_err(|_| WebError(AppError::Forbidden))?;
        if token.csrf.is_empty() || !same(&token.csrf, ctx.csrf()) {
            return Err(WebError(AppError::Forbidden));
        }
        let value = serde_html_form::from_bytes(&bytes)
            .map_err(|e| WebError(AppError::field("form", "form.undecodable", Some(&e.to_string()))))?;
        Ok(CsrfForm(value))
    }
}

/// Field errors, translated, in the order they were found, for the error summary and for
/// the message beside each field.
#[derive(Debug, Clone, Default)]
pub struct ShownErrors {
    /// Field, message, and a link to the record the message is about (a duplicate).
    pub items: Vec<(String, String, Option<String>)>,
}

impl ShownErrors {
    pub fn new(lang: Lang, errors: &FieldErrors) -> Self {
        Self {
            items: errors
                .0
                .iter()
                .map(|e| (e.field.clone(), crate::i18n::field_error(lang, e), e.link.clone()))
                .collect(),
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.items.iter().find(|(f, _, _)| f == field).map(|(_, m, _)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}
