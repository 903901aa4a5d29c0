//! One's own account: password and API tokens.

use super::shared::Empty;
use crate::cookies;
use crate::ctx::{Page, ReqCtx, Staff};
use crate::error::WebResult;
use crate::forms::{CsrfForm, ShownErrors};
use crate::state::AppState;
use accord_app::{Actor, AppError};
use accord_domain::FieldErrors;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountTemplate {
    page: Page,
    actor: Actor,
    tokens: Vec<accord_app::auth::TokenView>,
    new_token: Option<String>,
    password_errors: ShownErrors,
    token_errors: ShownErrors,
}

async fn render(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    new_token: Option<String>,
    password_errors: &FieldErrors,
    token_errors: &FieldErrors,
) -> WebResult<Response> {
    let tokens = accord_app::auth::list_tokens(&state.app, actor).await?;
    let mut res = super::render(&AccountTemplate {
        page: ctx.page(ctx.t("account.title")),
        actor: actor.clone(),
        tokens,
        new_token,
        password_errors: ShownErrors::new(ctx.lang, password_errors),
        token_errors: ShownErrors::new(ctx.lang, token_errors),
    });
    if !password_errors.is_empty() || !token_errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn show(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    render(&state, &ctx, &actor, None, &FieldErrors::new(), &FieldErrors::new()).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

pub async fn password(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(f): CsrfForm<PasswordForm>,
) -> WebResult<Response> {
    match accord_app::auth::change_own_password(&state.app, &actor, &f.current_password, &f.new_password).await {
        Ok(()) => {
            // Every session of the user ended with the change; sign in again with the new one.
            let mut res = super::redirect_with_flash(&ctx, "/login", "password_changed");
            let cookie = cookies::set(&cookies::name(cookies::SESSION, ctx.secure), "", ctx.secure, true, Some(0));
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(res)
        }
        Err(AppError::Invalid(errors)) => render(&state, &ctx, &actor, None, &errors, &FieldErrors::new()).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(f): CsrfForm<TokenForm>,
) -> WebResult<Response> {
    let uid = actor.user_id.ok_or(AppError::Forbidden)?;
    match accord_app::auth::create_token(&state.app, &actor, uid, &f.name).await {
        Ok((token, _)) => render(&state, &ctx, &actor, Some(token), &FieldErrors::new(), &FieldErrors::new()).await,
        Err(AppError::Invalid(errors)) => render(&state, &ctx, &actor, None, &FieldErrors::new(), &errors).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> WebResult<Response> {
    accord_app::auth::revoke_token(&state.app, &actor, id).await?;
    Ok(super::redirect_with_flash(&ctx, "/account#tokens", "token_revoked"))
}
