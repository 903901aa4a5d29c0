//! The activity types: listed for everyone who reads the directory, kept by administrators.
//! A type is never deleted, so the records that have it keep it; it is retired instead.

use super::shared::worded;
use crate::ctx::{Page, ReqCtx, Staff};
use crate::error::WebResult;
use crate::forms::{CsrfForm, ShownErrors};
use crate::i18n;
use crate::state::AppState;
use accord_app::activities::{self as act, TypeInput};
use accord_app::{Actor, AppError};
use accord_domain::ActivityType as TypeRecord;
use accord_domain::FieldErrors;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

fn can_manage(actor: &Actor) -> bool {
    act::can_manage_types(actor) && !actor.is_read_only()
}

fn require_manage(actor: &Actor) -> WebResult<()> {
    actor.require_write()?;
    if act::can_manage_types(actor) { Ok(()) } else { Err(AppError::Forbidden.into()) }
}

/// A type as the list shows it.
pub struct TypeRow {
    pub code: String,
    pub label_en: String,
    pub label_da: String,
    pub aliases: String,
    pub counts: bool,
    pub retired: bool,
    pub builtin: bool,
    pub position: i32,
}

#[derive(Template)]
#[template(path = "activity_types/list.html")]
struct ListTemplate {
    page: Page,
    rows: Vec<TypeRow>,
    can_manage: bool,
}

pub async fn list(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    if !accord_app::directory::can_view(&actor) {
        return Err(AppError::Forbidden.into());
    }
    let types = act::types(&state.app).await?;
    let rows = types
        .types
        .iter()
        .map(|t| TypeRow {
            code: t.code.clone(),
            label_en: t.label_en.clone(),
            label_da: t.label_da.clone(),
            aliases: t.aliases.lines().map(str::trim).filter(|a| !a.is_empty()).collect::<Vec<_>>().join(", "),
            counts: t.counts,
            retired: t.retired,
            builtin: t.builtin,
            position: t.position,
        })
        .collect();
    Ok(super::render(&ListTemplate { page: ctx.page(ctx.t("atype.title")), rows, can_manage: can_manage(&actor) }))
}

#[derive(Template)]
#[template(path = "activity_types/form.html")]
struct FormTemplate {
    page: Page,
    f: TypeInput,
    errors: ShownErrors,
    action: String,
    is_new: bool,
    builtin: bool,
}

fn render_form(ctx: &ReqCtx, code: Option<&str>, builtin: bool, f: TypeInput, errors: &FieldErrors) -> Response {
    let title = match code {
        None => ctx.t("atype.new_title"),
        Some(c) => i18n::t_value(ctx.lang, "atype.edit_title", c),
    };
    let t = FormTemplate {
        page: ctx.page(title),
        errors: worded(ctx.lang, errors),
        action: code.map(|c| format!("/activity-types/{c}")).unwrap_or_else(|| "/activity-types".into()),
        is_new: code.is_none(),
        builtin,
        f,
    };
    super::render_form(&t, errors, false)
}

fn input_of(t: &TypeRecord) -> TypeInput {
    TypeInput {
        code: t.code.clone(),
        label_en: t.label_en.clone(),
        label_da: t.label_da.clone(),
        aliases: t.aliases.clone(),
        counts: t.counts,
        retired: t.retired,
        position: t.position.to_string(),
    }
}

async fn find(state: &AppState, code: &str) -> WebResult<TypeRecord> {
    let types = act::types(&state.app).await?;
    Ok(types.types.into_iter().find(|t| t.code == code).ok_or(AppError::NotFound)?)
}

pub async fn new(Staff { ctx, actor }: Staff) -> WebResult<Response> {
    require_manage(&actor)?;
    let f = TypeInput { counts: true, ..Default::default() };
    Ok(render_form(&ctx, None, false, f, &FieldErrors::new()))
}

pub async fn create(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(f): CsrfForm<TypeInput>,
) -> WebResult<Response> {
    match act::save_type(&state.app, &actor, None, &f).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, "/activity-types", "activity_type_saved")),
        Err(AppError::Invalid(errors)) => Ok(render_form(&ctx, None, false, f, &errors)),
        Err(e) => Err(e.into()),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(code): Path<String>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let t = find(&state, &code).await?;
    Ok(render_form(&ctx, Some(&t.code), t.builtin, input_of(&t), &FieldErrors::new()))
}

pub async fn update(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(code): Path<String>,
    CsrfForm(mut f): CsrfForm<TypeInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let t = find(&state, &code).await?;
    // The code never changes.
    f.code = t.code.clone();
    match act::save_type(&state.app, &actor, Some(&t.code), &f).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, "/activity-types", "activity_type_saved")),
        Err(AppError::Invalid(errors)) => Ok(render_form(&ctx, Some(&t.code), t.builtin, f, &errors)),
        Err(e) => Err(e.into()),
    }
}
