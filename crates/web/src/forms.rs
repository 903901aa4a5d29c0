//! Forms: decoded from `application/x-www-form-urlencoded` with their CSRF token checked,
//! and their field errors made ready for templates.

use crate::ctx::ReqCtx;
use crate::error::WebError;
use accord_app::AppError;
use accord_domain::{FieldErrors, Lang, OrgChoice, OrgChoices};
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
        let bytes = with_choices(bytes);
        let value = serde_html_form::from_bytes(&bytes)
            .map_err(|e| WebError(AppError::field("form", "form.undecodable", Some(&e.to_string()))))?;
        Ok(CsrfForm(value))
    }
}

/// The suffix of the radio buttons that offer the organisations a typed name matched: a
/// field `X.choice` chosen (not blank) stands in for the text typed in `X`.
pub const CHOICE: &str = ".choice";

/// The body with each organisation chosen from a list put in place of the text its field had.
fn with_choices(bytes: Bytes) -> Bytes {
    if !bytes.windows(CHOICE.len()).any(|w| w == b".choice") {
        return bytes;
    }
    let Ok(pairs) = serde_html_form::from_bytes::<Vec<(String, String)>>(&bytes) else { return bytes };
    let chosen: Vec<(String, String)> = pairs
        .iter()
        .filter_map(|(k, v)| k.strip_suffix(CHOICE).filter(|_| !v.trim().is_empty()).map(|f| (f.to_owned(), v.clone())))
        .collect();
    let mut out: Vec<(String, String)> =
        pairs.into_iter().filter(|(k, _)| !k.ends_with(CHOICE) && !chosen.iter().any(|(f, _)| f == k)).collect();
    out.extend(chosen);
    serde_html_form::to_string(&out).map(Bytes::from).unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chosen_organisation_stands_in_for_the_typed_name() {
        let got = with_choices(Bytes::from("a=1&organisation_ref=net&organisation_ref.choice=ORG-2"));
        assert_eq!(got, Bytes::from("a=1&organisation_ref=ORG-2"));
        let blank = with_choices(Bytes::from("organisation_ref=netto&organisation_ref.choice="));
        assert_eq!(blank, Bytes::from("organisation_ref=netto"));
        let none = Bytes::from("organisation_ref=netto");
        assert_eq!(with_choices(none.clone()), none);
    }
}

/// Field errors, translated, in the order they were found, for the error summary and for
/// the message beside each field.
#[derive(Debug, Clone, Default)]
pub struct ShownErrors {
    /// Field, message, and a link to the record the message is about (a duplicate).
    pub items: Vec<(String, String, Option<String>)>,
    /// Field, and the organisations a name typed in it matched, to choose from.
    pub choices: Vec<(String, OrgChoices)>,
}

impl ShownErrors {
    pub fn new(lang: Lang, errors: &FieldErrors) -> Self {
        Self {
            items: errors
                .0
                .iter()
                .map(|e| (e.field.clone(), crate::i18n::field_error(lang, e), e.link.clone()))
                .collect(),
            choices: errors
                .0
                .iter()
                .filter_map(|e| e.choices.as_ref().map(|c| (e.field.clone(), c.clone())))
                .filter(|(_, c)| !c.orgs.is_empty())
                .collect(),
        }
    }

    /// The organisations offered for a field whose typed name matched several.
    pub fn choices(&self, field: &str) -> &[OrgChoice] {
        self.choices.iter().find(|(f, _)| f == field).map(|(_, c)| c.orgs.as_slice()).unwrap_or(&[])
    }

    /// Whether more organisations matched than are offered.
    pub fn more_choices(&self, field: &str) -> bool {
        self.choices.iter().any(|(f, c)| f == field && c.total > c.orgs.len() as u64)
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.items.iter().find(|(f, _, _)| f == field).map(|(_, m, _)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}
