//! The API's extractors. They take the place of axum's `Json`, `Query` and `Path` so that a
//! request the API cannot read is answered in the API's error shape, naming the part of the
//! request that is wrong (body, query parameter or path parameter) and the field:
//!
//! - a body must be a JSON object (`Content-Type: application/json`); anything else — an array,
//!   a number, text that is not JSON — is refused before any field is read, so no field is ever
//!   taken by position;
//! - no text in a body may hold a control character other than tab and line breaks, and no
//!   query or path parameter any control character at all (PostgreSQL refuses a NUL in text,
//!   and no name, code or search term holds one);
//! - a query parameter is given with a value or left out: `to=` is refused, never read as
//!   "no date" by one reader and as the empty text by another;
//! - a body holds only the fields its schema lists: another is refused, naming it;
//! - a value of the wrong type or form names its field (`sites[2]`, `page`, `id`, `lang`).
//!
//! A request that cannot be read is 400; a body read but with a field of the wrong type 422;
//! a body that is not JSON 415 or 400; one over the size limit 413.

use crate::error::json_body;
use accord_app::AppError;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::PartialSchema;

/// An error response naming `field`, with `status`.
fn refuse(status: StatusCode, field: &str, code: &str, value: &str) -> Response {
    let mut res = json_body(&AppError::field(field, code, Some(value)));
    *res.status_mut() = status;
    res
}

/// A control character is never part of a query or path parameter.
fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// Text in a body may hold tabs and line breaks (notes, addresses), no other control character.
fn has_body_control(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// `serde_path_to_error`'s path, with the whole value called by the part's name.
fn field_name(path: &serde_path_to_error::Path, whole: &str) -> String {
    let p = path.to_string();
    if p == "." || p.is_empty() { whole.to_owned() } else { p }
}

/// A required field left out is named itself, under the object that lacks it (`given`,
/// `sites[0].name`), not as the object.
fn missing_field(path: &serde_path_to_error::Path, message: &str) -> Option<String> {
    let name = message.strip_prefix("missing field `")?.split('`').next()?;
    let p = path.to_string();
    Some(if p == "." || p.is_empty() { name.to_owned() } else { format!("{p}.{name}") })
}

/// The query string, deserialized; a value of the wrong type names its parameter.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Response> {
        let raw = parts.uri.query().unwrap_or_default();
        for (name, value) in url::form_urlencoded::parse(raw.as_bytes()) {
            if has_control(&name) || has_control(&value) {
                let shown = name.replace(char::is_control, "?");
                return Err(refuse(StatusCode::BAD_REQUEST, &shown, "request.query_control", &shown));
            }
            // An empty value would mean "none" to one reader and "the empty text" to another:
            // a parameter is given with a value or left out.
            if value.is_empty() {
                return Err(refuse(StatusCode::BAD_REQUEST, &name, "request.query_empty", &name));
            }
            if let Some(kind) = super::values::Named::of(&name)
                && let Err(why) = kind.check(&value)
            {
                let detail = format!("\"{name}\": {why}");
                return Err(refuse(StatusCode::BAD_REQUEST, &name, "request.query", &detail));
            }
        }
        let de = serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(raw.as_bytes()));
        serde_path_to_error::deserialize(de).map(Query).map_err(|e| {
            let field = field_name(e.path(), "query");
            let detail = format!("\"{field}\": {}", e.inner());
            refuse(StatusCode::BAD_REQUEST, &field, "request.query", &detail)
        })
    }
}

/// The path's parameters, deserialized; a value of the wrong type names its parameter.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        if let Ok(raw) = RawPathParams::from_request_parts(parts, state).await {
            for (name, value) in raw.iter() {
                if has_control(value) {
                    return Err(refuse(StatusCode::BAD_REQUEST, name, "request.path_control", name));
                }
            }
        }
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                use axum::extract::path::ErrorKind;
                let (name, detail) = match e.kind() {
                    ErrorKind::ParseErrorAtKey { key, value, expected_type } => {
                        (key.clone(), format!("\"{key}\": \"{value}\" is not {}", type_words(expected_type)))
                    }
                    ErrorKind::ParseError { value, expected_type } => {
                        let name = sole_parameter(parts).unwrap_or_else(|| "path".to_owned());
                        let detail = format!("\"{name}\": \"{value}\" is not {}", type_words(expected_type));
                        (name, detail)
                    }
                    other => ("path".to_owned(), other.to_string()),
                };
                Err(refuse(StatusCode::BAD_REQUEST, &name, "request.path", &detail))
            }
            Err(other) => Err(other.into_response()),
        }
    }
}

/// The name of the route's one path parameter, if it has exactly one.
fn sole_parameter(parts: &Parts) -> Option<String> {
    let route = parts.extensions.get::<MatchedPath>()?.as_str();
    let mut names = route.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(n, _)| n.to_owned()));
    let first = names.next()?;
    names.next().is_none().then_some(first)
}

fn type_words(rust_type: &str) -> &'static str {
    match rust_type {
        "i64" | "i32" | "u64" | "u32" | "i16" | "u16" => "a whole number in range",
        "bool" => "true or false",
        _ => "of the expected form",
    }
}

/// A JSON object as the request body, deserialized; answered like axum's `Json` as a response.
pub struct Json<T>(pub T);

fn is_json(headers: &HeaderMap) -> bool {
    let Some(ct) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = ct.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The path of the first text in `v` that holds a control character a body may not hold.
fn control_in(v: &serde_json::Value, path: &mut Vec<String>) -> Option<String> {
    match v {
        serde_json::Value::String(s) if has_body_control(s) => {
            Some(if path.is_empty() { "body".to_owned() } else { path.join("") })
        }
        serde_json::Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            path.push(format!("[{i}]"));
            let found = control_in(item, path);
            path.pop();
            found
        }),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, item)| {
            if has_body_control(k) {
                return Some(k.replace(char::is_control, "?"));
            }
            path.push(if path.is_empty() { k.clone() } else { format!(".{k}") });
            let found = control_in(item, path);
            path.pop();
            found
        }),
        _ => None,
    }
}

/// JSON has one kind of number: `3.0` is the whole number 3 (an `integer` in the document),
/// and is read as one.
fn whole_numbers(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Number(n) if !(n.is_i64() || n.is_u64()) => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                *v = serde_json::Value::from(f as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        serde_json::Value::Object(map) => map.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

fn kind_of(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "true or false",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "text",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// The fields a body of type `T` has, as its schema lists them; `None` when the schema is not
/// one object with its properties listed.
fn fields_of<T: PartialSchema>() -> Option<Vec<String>> {
    let schema = serde_json::to_value(T::schema()).ok()?;
    let props = schema.get("properties")?.as_object()?;
    Some(props.keys().cloned().collect())
}

impl<T: DeserializeOwned + PartialSchema, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        if !is_json(req.headers()) {
            let given = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("none");
            let given = given.replace(char::is_control, "?");
            return Err(refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, "body", "request.content_type", &given));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            let status = e.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                refuse(status, "body", "request.too_large", "")
            } else {
                refuse(StatusCode::BAD_REQUEST, "body", "request.unreadable", &e.body_text())
            }
        })?;
        let mut value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| refuse(StatusCode::BAD_REQUEST, "body", "request.json_syntax", &e.to_string()))?;
        whole_numbers(&mut value);
        if !value.is_object() {
            return Err(refuse(StatusCode::UNPROCESSABLE_ENTITY, "body", "request.not_object", kind_of(&value)));
        }
        // A field the body does not have is refused, not ignored: a misspelt field would
        // otherwise leave a value unchanged without a word.
        if let (Some(known), Some(obj)) = (fields_of::<T>(), value.as_object())
            && let Some(unknown) = obj.keys().find(|k| !known.contains(k))
        {
            let shown = unknown.replace(char::is_control, "?");
            return Err(refuse(StatusCode::UNPROCESSABLE_ENTITY, &shown, "request.unknown_field", &shown));
        }
        if let Some(field) = control_in(&value, &mut Vec::new()) {
            return Err(refuse(StatusCode::UNPROCESSABLE_ENTITY, &field, "request.body_control", &field));
        }
        serde_path_to_error::deserialize(value).map(Json).map_err(|e| {
            let field = missing_field(e.path(), &e.inner().to_string()).unwrap_or_else(|| field_name(e.path(), "body"));
            let detail = format!("\"{field}\": {}", e.inner());
            refuse(StatusCode::UNPROCESSABLE_ENTITY, &field, "request.body", &detail)
        })
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[test]
    fn a_missing_field_is_named_itself() {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Inner {
            name: String,
        }
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Outer {
            given: bool,
            sites: Vec<Inner>,
        }
        let name = |v: serde_json::Value| {
            let e = serde_path_to_error::deserialize::<_, Outer>(v).unwrap_err();
            missing_field(e.path(), &e.inner().to_string())
        };
        assert_eq!(name(serde_json::json!({"sites": []})).as_deref(), Some("given"));
        assert_eq!(name(serde_json::json!({"given": true, "sites": [{}]})).as_deref(), Some("sites[0].name"));
        assert_eq!(name(serde_json::json!({"given": 1, "sites": []})), None);
    }

    #[test]
    fn control_characters_are_found_where_they_are() {
        let v = serde_json::json!({"name": "ok\nfine", "sites": ["a", "b\u{0}c"], "x": {"y": "\u{7}"}});
        assert_eq!(control_in(&v, &mut Vec::new()).as_deref(), Some("sites[1]"));
        let v = serde_json::json!({"notes": "line\r\nnext\ttab", "x": {"y": "z"}});
        assert_eq!(control_in(&v, &mut Vec::new()), None);
        let v = serde_json::json!({"x": {"y": "\u{1b}[31m"}});
        assert_eq!(control_in(&v, &mut Vec::new()).as_deref(), Some("x.y"));
    }

    #[test]
    fn whole_numbers_written_with_a_point_are_whole_numbers() {
        let mut v = serde_json::json!({"version": 3.0, "xs": [1.5, -2.0], "big": 1e300});
        whole_numbers(&mut v);
        assert_eq!(v, serde_json::json!({"version": 3, "xs": [1.5, -2], "big": 1e300}));
    }

    #[test]
    fn json_content_types() {
        let mut h = HeaderMap::new();
        assert!(!is_json(&h));
        h.insert(header::CONTENT_TYPE, "application/json; charset=utf-8".parse().unwrap());
        assert!(is_json(&h));
        h.insert(header::CONTENT_TYPE, "application/merge-patch+json".parse().unwrap());
        assert!(is_json(&h));
        h.insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
        assert!(!is_json(&h));
    }
}
