//! Sign-in, sign-out and the language switch.

use super::shared::Empty;
use crate::cookies;
use crate::ctx::{Page, ReqCtx};
use crate::error::{WebError, WebResult};
use crate::forms::{CsrfForm, ShownErrors};
use crate::state::AppState;
use accord_app::AppError;
use accord_domain::{FieldErrors, Lang};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginTemplate {
    page: Page,
    errors: ShownErrors,
    email: String,
    next: String,
    rate_limited: bool,
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

pub async fn form(ctx: ReqCtx, Query(q): Query<NextQuery>) -> Response {
    if ctx.session.is_some() {
        return Redirect::to(&super::safe_next(&q.next)).into_response();
    }
    let page = ctx.page(ctx.t("login.title"));
    super::render(&LoginTemplate {
        page,
        errors: ShownErrors::default(),
        email: String::new(),
        next: super::safe_next(&q.next),
        rate_limited: false,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: ReqCtx,
    CsrfForm(f): CsrfForm<LoginForm>,
) -> WebResult<Response> {
    let mut missing = FieldErrors::new();
    if f.email.trim().is_empty() {
        missing.add("email", "login.email_required", None);
    }
    if f.password.is_empty() {
        missing.add("password", "login.password_required", None);
    }
    let next = super::safe_next(&f.next);
    let render_form = |errors: &FieldErrors, rate_limited: bool, status: StatusCode| {
        let page = ctx.page(ctx.t("login.title"));
        let mut res = super::render(&LoginTemplate {
            page,
            errors: ShownErrors::new(ctx.lang, errors),
            email: f.email.trim().to_owned(),
            next: next.clone(),
            rate_limited,
        });
        *res.status_mut() = status;
        res
    };
    if !missing.is_empty() {
        return Ok(render_form(&missing, false, StatusCode::UNPROCESSABLE_ENTITY));
    }
    match accord_app::auth::sign_in(&state.app, &f.email, &f.password, &ctx.ip).await {
        Ok(signed_in) => {
            if let Some(old) = &ctx.session {
                // The session id changes at sign-in: the old one, if any, ends.
                accord_app::auth::sign_out(&state.app, old).await?;
            }
            let mut res = Redirect::to(&next).into_response();
            let cookie =
                cookies::set(&cookies::name(cookies::SESSION, ctx.secure), &signed_in.token, ctx.secure, true, None);
            res.headers_mut().append(
                header::SET_COOKIE,
                HeaderValue::from_str(&cookie).map_err(|e| WebError(AppError::Internal(e.to_string())))?,
            );
            Ok(res)
        }
        Err(AppError::Invalid(errors)) => Ok(render_form(&errors, false, StatusCode::UNPROCESSABLE_ENTITY)),
        Err(AppError::RateLimited) => Ok(render_form(&FieldErrors::new(), true, StatusCode::TOO_MANY_REQUESTS)),
        Err(e) => Err(e.into()),
    }
}

pub async fn logout(State(state): State<AppState>, ctx: ReqCtx, CsrfForm(_): CsrfForm<Empty>) -> WebResult<Response> {
    if let Some(s) = &ctx.session {
        accord_app::auth::sign_out(&state.app, s).await?;
    }
    let mut res = super::redirect_with_flash(&ctx, "/login", "signed_out");
    let cookie = cookies::set(&cookies::name(cookies::SESSION, ctx.secure), "", ctx.secure, true, Some(0));
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// Switches the language (a cookie; no server state) and goes back to the page.
pub async fn language(ctx: ReqCtx, Path(code): Path<String>, Query(q): Query<NextQuery>) -> WebResult<Response> {
    let lang = Lang::parse(&code).ok_or(WebError(AppError::NotFound))?;
    let mut res = Redirect::to(&super::safe_next(&q.next)).into_response();
    let cookie = cookies::set(cookies::LANG, lang.code(), ctx.secure, true, Some(60 * 60 * 24 * 365));
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}
