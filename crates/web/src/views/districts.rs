//! Districts: everyone sees theirs; administrators create and rename.

use crate::ctx::{Page, ReqCtx, Staff};
use crate::error::WebResult;
use crate::forms::{CsrfForm, ShownErrors};
use crate::state::AppState;
use accord_app::districts::DistrictView;
use accord_app::{AppError, Permission};
use accord_domain::FieldErrors;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "districts/list.html")]
struct ListTemplate {
    page: Page,
    districts: Vec<(DistrictView, i64)>,
    caption: String,
    can_manage: bool,
}

pub async fn list(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    let districts = accord_app::districts::list(&state.app, &actor).await?;
    let counts = accord_app::districts::user_counts(&state.app).await?;
    let rows: Vec<(DistrictView, i64)> = districts
        .into_iter()
        .map(|d| {
            let n = counts.iter().find(|(id, _)| *id == d.id).map(|(_, n)| *n).unwrap_or(0);
            (d, n)
        })
        .collect();
    let caption = crate::i18n::t_value(
        ctx.lang,
        "districts.caption",
        &accord_domain::format::number(ctx.lang, rows.len() as i64),
    );
    Ok(super::render(&ListTemplate {
        page: ctx.page(ctx.t("districts.title")),
        districts: rows,
        caption,
        can_manage: actor.can(Permission::ManageDistricts),
    }))
}

#[derive(Template)]
#[template(path = "districts/show.html")]
struct ShowTemplate {
    page: Page,
    district: DistrictView,
    currency_name: String,
    can_manage: bool,
}

pub async fn show(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let district = accord_app::districts::get(&state.app, &actor, id).await?;
    Ok(super::render(&ShowTemplate {
        page: ctx.page(district.name.clone()),
        currency_name: ctx.t(&format!("currency.{}", district.currency)),
        district,
        can_manage: actor.can(Permission::ManageDistricts),
    }))
}

#[derive(Template)]
#[template(path = "districts/form.html")]
struct FormTemplate {
    page: Page,
    errors: ShownErrors,
    changed: Vec<(String, String, String)>,
    is_new: bool,
    action: String,
    back: String,
    version: Option<i32>,
    code: String,
    name: String,
    currencies: Vec<super::Opt>,
}

#[derive(Deserialize, Default)]
pub struct DistrictForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    version: Option<i32>,
}

fn render_form(
    ctx: &ReqCtx,
    id: Option<i64>,
    f: &DistrictForm,
    errors: &FieldErrors,
    changed: Vec<(String, String, String)>,
) -> Response {
    let status = super::form_status(errors, !changed.is_empty());
    let title = match id {
        None => ctx.t("districts.new_title"),
        Some(_) => crate::i18n::t_value(ctx.lang, "districts.edit_title", &f.code),
    };
    let mut res = super::render(&FormTemplate {
        page: ctx.page(title),
        errors: ShownErrors::new(ctx.lang, errors),
        changed,
        is_new: id.is_none(),
        action: id.map(|i| format!("/districts/{i}")).unwrap_or_else(|| "/districts".into()),
        back: id.map(|i| format!("/districts/{i}")).unwrap_or_else(|| "/districts".into()),
        version: f.version,
        code: f.code.clone(),
        name: f.name.clone(),
        currencies: currency_options(ctx, &f.currency),
    });
    *res.status_mut() = status;
    res
}

/// The currencies a district may keep its money in, each named in the page's language.
fn currency_options(ctx: &ReqCtx, selected: &str) -> Vec<super::Opt> {
    let selected = if selected.trim().is_empty() { "DKK" } else { selected.trim() };
    accord_domain::programme::CURRENCIES
        .iter()
        .map(|c| super::Opt {
            value: (*c).to_owned(),
            label: format!("{c} – {}", ctx.t(&format!("currency.{c}"))),
            checked: *c == selected,
        })
        .collect()
}

pub async fn new(Staff { ctx, actor }: Staff) -> WebResult<Response> {
    actor.require_write()?;
    actor.require(Permission::ManageDistricts)?;
    Ok(render_form(&ctx, None, &DistrictForm::default(), &FieldErrors::new(), vec![]))
}

pub async fn create(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(f): CsrfForm<DistrictForm>,
) -> WebResult<Response> {
    match accord_app::districts::create_in(&state.app, &actor, &f.code, &f.name, &f.currency).await {
        Ok(d) => Ok(super::redirect_with_flash(&ctx, &format!("/districts/{}", d.id), "district_saved")),
        Err(AppError::Invalid(errors)) => Ok(render_form(&ctx, None, &f, &errors, vec![])),
        Err(e) => Err(e.into()),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    actor.require_write()?;
    actor.require(Permission::ManageDistricts)?;
    let d = accord_app::districts::get(&state.app, &actor, id).await?;
    let f = DistrictForm { code: d.code, name: d.name, currency: d.currency, version: Some(d.version) };
    Ok(render_form(&ctx, Some(id), &f, &FieldErrors::new(), vec![]))
}

pub async fn update(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<DistrictForm>,
) -> WebResult<Response> {
    let version = f.version.unwrap_or_default();
    match accord_app::districts::update(&state.app, &actor, id, version, &f.name, &f.currency).await {
        Ok(d) => Ok(super::redirect_with_flash(&ctx, &format!("/districts/{}", d.id), "district_saved")),
        Err(AppError::Invalid(errors)) => Ok(render_form(&ctx, Some(id), &f, &errors, vec![])),
        Err(AppError::Conflict { current, .. }) => {
            let current: DistrictView =
                serde_json::from_value(current).map_err(|e| AppError::Internal(e.to_string()))?;
            let rows = vec![
                (ctx.t("districts.name"), current.name.clone(), f.name.clone()),
                (ctx.t("districts.currency"), current.currency.clone(), f.currency.clone()),
            ];
            let kept = DistrictForm {
                code: current.code,
                name: f.name.clone(),
                currency: f.currency.clone(),
                version: Some(current.version),
            };
            Ok(render_form(&ctx, Some(id), &kept, &FieldErrors::new(), rows))
        }
        Err(e) => Err(e.into()),
    }
}
