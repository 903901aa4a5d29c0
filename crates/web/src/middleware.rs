//! Cross-cutting request handling: session and language, CSRF's `Origin` check, security
//! headers, error rendering, tracing.

use crate::cookies;
use crate::ctx::ReqCtx;
use crate::error::{ErrorMarker, json_body};
use crate::state::AppState;
use accord_app::AppError;
use accord_domain::Lang;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::TraceLayer;

fn client_ip(req: &Request, trust_proxy: bool) -> String {
    if trust_proxy
        && let Some(first) =
            req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()).and_then(|v| v.split(',').next())
    {
        return first.trim().to_owned();
    }
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_else(|| "unknown".into())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

pub fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// Works out who is asking and in which language, once per request, and puts a [`ReqCtx`]
/// in the request's extensions.
pub async fn session(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let secure = state.config.tls_proxy;
    let ip = client_ip(&req, secure);
    let headers = req.headers();
    let lang = cookies::get(headers, cookies::LANG)
        .and_then(|l| Lang::parse(&l))
        .or_else(|| {
            headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Lang::from_accept_language)
        })
        .unwrap_or_default();
    let path = req.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into());
    let api_req = is_api(&path);
    let mut session = None;
    let mut api_actor = None;
    let lookup = if api_req {
        match bearer(headers) {
            Some(token) => {
                accord_app::auth::token_actor(&state.app, token, Some(ip.clone())).await.map(|a| api_actor = a)
            }
            None => Ok(()),
        }
    } else {
        match cookies::get(headers, &cookies::name(cookies::SESSION, secure)) {
            Some(token) => accord_app::auth::session(&state.app, &token, Some(ip.clone())).await.map(|s| session = s),
            None => Ok(()),
        }
    };
    if let Err(e) = lookup {
        return render_error(&state, None, lang, &path, &e);
    }
    let csrf_name = cookies::name(cookies::CSRF, secure);
    let existing_csrf = cookies::get(headers, &csrf_name).filter(|v| v.len() >= 32);
    let anon_csrf = existing_csrf.clone().unwrap_or_else(|| accord_app::auth::random_token(32));
    let flash_name = cookies::name(cookies::FLASH, secure);
    let flash = cookies::get(headers, &flash_name).filter(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    let ctx = ReqCtx { lang, session, api_actor, anon_csrf: anon_csrf.clone(), path, flash: flash.clone(), ip, secure };
    req.extensions_mut().insert(ctx);
    let mut res = next.run(req).await;
    if existing_csrf.is_none()
        && !api_req
        && let Ok(v) = HeaderValue::from_str(&cookies::set(&csrf_name, &anon_csrf, secure, true, None))
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    if flash.is_some()
        && res.status().is_success()
        && let Ok(v) = HeaderValue::from_str(&cookies::set(&flash_name, "", secure, true, Some(0)))
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// Refuses state-changing requests sent by another site: the `Origin` (or, without it,
/// `Sec-Fetch-Site`) must be this site. Bearer-token API calls carry no ambient credentials
/// and are exempt; forms are also checked for their CSRF token.
pub async fn origin_check(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || bearer(req.headers()).is_some() {
        return next.run(req).await;
    }
    let headers = req.headers();
    let scheme = if state.config.tls_proxy { "https" } else { "http" };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let expected = format!("{scheme}://{host}");
    let ok = match headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        Some(origin) => origin == expected,
        None => !matches!(
            headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()),
            Some("cross-site") | Some("same-site")
        ),
    };
    if ok {
        next.run(req).await
    } else {
        tracing::warn!(origin = ?headers.get(header::ORIGIN), "cross-origin request refused");
        crate::error::WebError(AppError::Forbidden).into_response()
    }
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Security headers on every response; `no-store` on everything but static assets, since
/// pages may show personal data.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/static/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert("content-security-policy", HeaderValue::from_static(CSP));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    if state.config.tls_proxy {
        h.insert("strict-transport-security", HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    if !is_static {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Turns an error marked by a handler (or an empty 4xx from the framework) into the body
/// the caller expects: JSON under `/api/`, a translated page elsewhere.
pub async fn render_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let ctx = req.extensions().get::<ReqCtx>().cloned();
    let path = req.uri().path().to_owned();
    let matched = req.extensions().get::<MatchedPath>().is_some();
    let res = next.run(req).await;
    let marker = res.extensions().get::<ErrorMarker>().cloned();
    let Some(ctx) = ctx else { return res };
    match marker {
        Some(ErrorMarker(e)) => render_error(&state, Some(&ctx), ctx.lang, &path, &e),
        None if is_api(&path) && res.status().is_client_error() && !is_json(&res) => {
            // A framework rejection (bad JSON, bad path parameter, unknown route).
            match res.status() {
                StatusCode::NOT_FOUND => json_body(&AppError::NotFound),
                StatusCode::METHOD_NOT_ALLOWED => method_not_allowed(&res),
                status => {
                    let mut r = json_body(&AppError::field("request", "request.malformed", None));
                    *r.status_mut() = status;
                    r
                }
            }
        }
        None if !matched && res.status() == StatusCode::NOT_FOUND && !is_api(&path) => {
            render_error(&state, Some(&ctx), ctx.lang, &path, &AppError::NotFound)
        }
        None => res,
    }
}

/// Pages refuse a path or query string holding a control character, as the API's extractors
/// do: no page takes one, and PostgreSQL refuses a NUL in text.
pub async fn refuse_control_characters(req: Request, next: Next) -> Response {
    let uri = req.uri();
    if !is_api(uri.path()) {
        let decoded = |text: &str| {
            url::form_urlencoded::parse(text.as_bytes())
                .find(|(k, v)| k.chars().chain(v.chars()).any(char::is_control))
                .map(|(k, _)| k.replace(char::is_control, "?"))
        };
        if let Some(name) = decoded(uri.query().unwrap_or_default()) {
            return crate::error::WebError(AppError::field(&name, "request.query_control", Some(&name)))
                .into_response();
        }
        if decoded(uri.path()).is_some() {
            return crate::error::WebError(AppError::NotFound).into_response();
        }
    }
    next.run(req).await
}

/// 405 in the API's error shape, keeping the `Allow` header the router set.
fn method_not_allowed(res: &Response) -> Response {
    let lang = Lang::En;
    let body = serde_json::json!({"error": {
        "code": "method_not_allowed",
        "message": crate::i18n::t(lang, "error_page.method_not_allowed.title"),
        "fields": {},
    }});
    let mut out = (StatusCode::METHOD_NOT_ALLOWED, axum::Json(body)).into_response();
    if let Some(allow) = res.headers().get(header::ALLOW) {
        out.headers_mut().insert(header::ALLOW, allow.clone());
    }
    out
}

/// A panic in a handler or a layer becomes a logged 500, never a dropped connection. Inside
/// the error rendering, the response is marked to be rendered as a page or as JSON; outside
/// it, the API's JSON error is all that can be said.
pub fn catch_panic(
    marked: bool,
) -> tower_http::catch_panic::CatchPanicLayer<impl Fn(Box<dyn std::any::Any + Send>) -> Response + Clone> {
    tower_http::catch_panic::CatchPanicLayer::custom(move |payload: Box<dyn std::any::Any + Send>| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        tracing::error!(panic = %what, "request failed: the handler panicked");
        let e = AppError::Internal("the handler panicked".into());
        if marked {
            let mut res = StatusCode::INTERNAL_SERVER_ERROR.into_response();
            res.extensions_mut().insert(ErrorMarker(std::sync::Arc::new(e)));
            res
        } else {
            json_body(&e)
        }
    })
}

fn is_json(res: &Response) -> bool {
    res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|c| c.contains("json"))
}

fn render_error(_state: &AppState, ctx: Option<&ReqCtx>, lang: Lang, path: &str, e: &AppError) -> Response {
    if is_api(path) {
        return json_body(e);
    }
    if matches!(e, AppError::Unauthenticated) {
        let next = url::form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>();
        return Redirect::to(&format!("/login?next={next}")).into_response();
    }
    crate::views::error_page(ctx, lang, e)
}

/// Request spans name the route, never the query string (it may hold a person's name).
pub fn trace_layer() -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, impl Fn(&Request) -> tracing::Span + Clone>
{
    TraceLayer::new_for_http().make_span_with(|req: &Request| {
        let route = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned()).unwrap_or_default();
        tracing::info_span!("request", method = %req.method(), route = %route)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    async fn boom() -> &'static str {
        panic!("boom")
    }

    fn panicking(marked: bool) -> axum::Router {
        axum::Router::new().route("/api/v1/boom", axum::routing::get(boom)).layer(catch_panic(marked))
    }

    #[tokio::test]
    async fn a_panic_is_a_500_not_a_dropped_connection() {
        let req = || Request::get("/api/v1/boom").body(Body::empty()).unwrap();
        let res = panicking(false).oneshot(req()).await.unwrap();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(res.into_body(), 1 << 16).await.unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["error"]["code"], "internal");
        // Inside the error rendering, the 500 is left to be rendered as a page or as JSON.
        let res = panicking(true).oneshot(req()).await.unwrap();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(res.extensions().get::<ErrorMarker>().is_some());
    }
}
