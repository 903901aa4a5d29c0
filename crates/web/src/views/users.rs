//! User administration (administrators only).

use super::Opt;
use super::listing::Listing;
use crate::ctx::{Page, ReqCtx, Staff};
use crate::error::{WebError, WebResult};
use crate::forms::{CsrfForm, ShownErrors};
use crate::state::AppState;
use accord_app::users::{UserInput, UserView};
use accord_app::{AppError, Paging, Permission};
use accord_domain::{FieldErrors, Role, UserSort};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "users/list.html")]
struct ListTemplate {
    page: Page,
    users: Vec<UserView>,
    q: String,
    caption: String,
    list: Listing,
    errors: ShownErrors,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
    page: Option<u64>,
}

pub async fn list(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(q): Query<ListQuery>,
) -> WebResult<Response> {
    let mut errors = FieldErrors::new();
    let sort = errors.take("sort", &q.sort, UserSort::parse(&q.sort)).unwrap_or_default();
    let paging = Paging::new(q.page, Some(50));
    let result = accord_app::users::list(&state.app, &actor, Some(&q.q), sort, paging).await?;
    let caption =
        crate::i18n::t_value(ctx.lang, "users.caption", &accord_domain::format::number(ctx.lang, result.total as i64));
    let list = match Listing::new(&ctx, "/users", &[("q", &q.q)], sort, paging, result.total) {
        Ok(list) => list,
        Err(refused) => return Ok(*refused),
    };
    let mut res = super::render(&ListTemplate {
        page: ctx.page(ctx.t("users.title")),
        users: result.items,
        q: q.q,
        caption,
        list,
        errors: ShownErrors::new(ctx.lang, &errors),
    });
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

#[derive(Template)]
#[template(path = "users/form.html")]
struct FormTemplate {
    page: Page,
    errors: ShownErrors,
    changed: Vec<(String, String, String)>,
    is_new: bool,
    action: String,
    back: String,
    version: Option<i32>,
    email: String,
    name: String,
    disabled: bool,
    organisation: String,
    role_options: Vec<Opt>,
    district_options: Vec<Opt>,
}

#[derive(Deserialize, Default, Clone)]
pub struct UserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    districts: Vec<String>,
    #[serde(default)]
    password: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    disabled: String,
    #[serde(default)]
    version: Option<i32>,
}

impl UserForm {
    fn input(&self) -> UserInput {
        UserInput {
            email: self.email.clone(),
            name: self.name.clone(),
            roles: self.roles.clone(),
            districts: self.districts.clone(),
            password: Some(self.password.clone()),
            organisation: Some(self.organisation.clone()),
            disabled: self.disabled == "true",
            version: self.version,
        }
    }

    fn from_view(u: &UserView) -> Self {
        UserForm {
            email: u.email.clone(),
            name: u.name.clone(),
            roles: u.roles.iter().map(|r| r.as_str().to_owned()).collect(),
            districts: u.districts.iter().map(|d| d.code.clone()).collect(),
            password: String::new(),
            organisation: u.organisation.as_ref().map(|o| o.reference.clone()).unwrap_or_default(),
            disabled: u.disabled.to_string(),
            version: Some(u.version),
        }
    }
}

struct FormState<'a> {
    id: Option<i64>,
    form: &'a UserForm,
    errors: &'a FieldErrors,
    changed: Vec<(String, String, String)>,
}

async fn render_form(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &accord_app::Actor,
    s: FormState<'_>,
) -> WebResult<Response> {
    let districts = accord_app::districts::list(&state.app, actor).await?;
    let conflict = !s.changed.is_empty();
    let title = match s.id {
        None => ctx.t("users.new_title"),
        Some(_) => crate::i18n::t_value(ctx.lang, "users.edit_title", &s.form.name),
    };
    let t = FormTemplate {
        page: ctx.page(title),
        errors: ShownErrors::new(ctx.lang, s.errors),
        changed: s.changed,
        is_new: s.id.is_none(),
        action: s.id.map(|id| format!("/users/{id}")).unwrap_or_else(|| "/users".into()),
        back: s.id.map(|id| format!("/users/{id}")).unwrap_or_else(|| "/users".into()),
        version: s.form.version,
        email: s.form.email.clone(),
        name: s.form.name.clone(),
        disabled: s.form.disabled == "true",
        organisation: s.form.organisation.clone(),
        role_options: Role::ALL
            .iter()
            .map(|r| Opt {
                value: r.as_str().into(),
                label: crate::i18n::role(ctx.lang, *r),
                checked: s.form.roles.iter().any(|x| x == r.as_str()),
            })
            .collect(),
        district_options: districts
            .iter()
            .map(|d| Opt { value: d.code.clone(), label: d.name.clone(), checked: s.form.districts.contains(&d.code) })
            .collect(),
    };
    Ok(super::render_form(&t, s.errors, conflict))
}

pub async fn new(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    actor.require(Permission::ManageUsers)?;
    render_form(
        &state,
        &ctx,
        &actor,
        FormState { id: None, form: &UserForm::default(), errors: &FieldErrors::new(), changed: vec![] },
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(f): CsrfForm<UserForm>,
) -> WebResult<Response> {
    match accord_app::users::create(&state.app, &actor, &f.input()).await {
        Ok(u) => Ok(super::redirect_with_flash(&ctx, &format!("/users/{}", u.id), "user_created")),
        Err(AppError::Invalid(errors)) => {
            render_form(&state, &ctx, &actor, FormState { id: None, form: &f, errors: &errors, changed: vec![] }).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "users/show.html")]
struct ShowTemplate {
    page: Page,
    user: UserView,
    errors: ShownErrors,
}

pub async fn show(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let user = accord_app::users::get(&state.app, &actor, id).await?;
    Ok(super::render(&ShowTemplate { page: ctx.page(user.name.clone()), user, errors: ShownErrors::default() }))
}

pub async fn edit(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let user = accord_app::users::get(&state.app, &actor, id).await?;
    let form = UserForm::from_view(&user);
    render_form(
        &state,
        &ctx,
        &actor,
        FormState { id: Some(id), form: &form, errors: &FieldErrors::new(), changed: vec![] },
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<UserForm>,
) -> WebResult<Response> {
    match accord_app::users::update(&state.app, &actor, id, &f.input()).await {
        Ok(u) => Ok(super::redirect_with_flash(&ctx, &format!("/users/{}", u.id), "user_saved")),
        Err(AppError::Invalid(errors)) => {
            render_form(&state, &ctx, &actor, FormState { id: Some(id), form: &f, errors: &errors, changed: vec![] })
                .await
        }
        Err(AppError::Conflict { current, changed }) => {
            let current: UserView =
                serde_json::from_value(current).map_err(|e| WebError(AppError::Internal(e.to_string())))?;
            let now = UserForm::from_view(&current);
            let show = |field: &str, form: &UserForm| -> String {
                match field {
                    "name" => form.name.clone(),
                    "roles" => form
                        .roles
                        .iter()
                        .filter_map(|r| Role::parse(r).ok())
                        .map(|r| crate::i18n::role(ctx.lang, r))
                        .collect::<Vec<_>>()
                        .join(", "),
                    "districts" => form.districts.join(", "),
                    "disabled" => ctx.t(if form.disabled == "true" { "users.disabled" } else { "users.active" }),
                    _ => String::new(),
                }
            };
            let rows = changed
                .iter()
                .map(|field| {
                    (
                        ctx.t(&format!("users.{}", if field == "disabled" { "status" } else { field })),
                        show(field, &now),
                        show(field, &f),
                    )
                })
                .collect::<Vec<_>>();
            // Keep what the user typed; the form now carries the current version, so saving
            // again deliberately replaces the other change.
            let mut kept = f.clone();
            kept.version = Some(now.version.unwrap_or_default());
            let rows =
                if rows.is_empty() { vec![(ctx.t("conflict.version"), String::new(), String::new())] } else { rows };
            render_form(
                &state,
                &ctx,
                &actor,
                FormState { id: Some(id), form: &kept, errors: &FieldErrors::new(), changed: rows },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<PasswordForm>,
) -> WebResult<Response> {
    match accord_app::users::reset_password(&state.app, &actor, id, &f.password).await {
        Ok(()) => Ok(super::redirect_with_flash(&ctx, &format!("/users/{id}"), "password_reset")),
        Err(AppError::Invalid(errors)) => {
            let user = accord_app::users::get(&state.app, &actor, id).await?;
            let mut res = super::render(&ShowTemplate {
                page: ctx.page(user.name.clone()),
                user,
                errors: ShownErrors::new(ctx.lang, &errors),
            });
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}
