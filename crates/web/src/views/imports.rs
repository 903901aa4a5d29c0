//! The import history of activities and recruitment requests: who imported which file when,
//! what it did, the records it brought, and the roll-back of the newest import of a kind.

use crate::ctx::{Page, ReqCtx, Staff};
use crate::error::WebResult;
use crate::forms::{CsrfForm, ShownErrors};
use crate::i18n;
use crate::state::AppState;
use accord_app::bulk::{self, ImportView};
use accord_app::{Actor, AppError};
use accord_domain::{FieldErrors, Lang, format};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

/// How many imports the history shows.
const SHOWN: u64 = 200;

/// An import as the history shows it.
pub struct Row {
    pub id: i64,
    pub when: String,
    pub who: String,
    pub kind: String,
    pub filename: String,
    pub district: String,
    pub rows: String,
    pub added: String,
    pub updated: String,
    pub unchanged: String,
    /// Where its records are listed.
    pub records_href: String,
    pub rolled_back: Option<String>,
    pub can_roll_back: bool,
}

/// The list a kind's records are on.
fn records_path(kind: &str) -> &'static str {
    if kind == "recruitment-requests" { "/recruitment-requests" } else { "/activities" }
}

fn row(lang: Lang, v: &ImportView, district: String) -> Row {
    let n = |x: i32| format::number(lang, i64::from(x));
    Row {
        id: v.id,
        when: format::datetime(lang, v.created_at),
        who: v.user_name.clone().unwrap_or_else(|| i18n::t(lang, "hist.system")),
        kind: i18n::t(lang, &format!("import.kinds.{}", v.kind)),
        filename: v.filename.clone(),
        district,
        rows: n(v.rows),
        added: n(v.added),
        updated: n(v.updated),
        unchanged: n(v.unchanged),
        records_href: format!("{}?import={}", records_path(&v.kind), v.id),
        rolled_back: v.rolled_back_at.map(|t| format::datetime(lang, t)),
        can_roll_back: v.can_roll_back,
    }
}

async fn rows(state: &AppState, actor: &Actor, lang: Lang) -> WebResult<(Vec<Row>, bool)> {
    let list = bulk::history(&state.app, actor, SHOWN).await?;
    let districts = accord_app::districts::list(&state.app, actor).await?;
    let several = list.iter().map(|v| v.district.as_str()).collect::<std::collections::BTreeSet<_>>().len() > 1;
    let name = |code: &str| districts.iter().find(|d| d.code == code).map(|d| d.name.clone()).unwrap_or(code.into());
    Ok((list.iter().map(|v| row(lang, v, name(&v.district))).collect(), several))
}

#[derive(Template)]
#[template(path = "imports/list.html")]
struct ListTemplate {
    page: Page,
    rows: Vec<Row>,
    several_districts: bool,
    can_import: bool,
}

pub async fn list(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    let (rows, several_districts) = rows(&state, &actor, ctx.lang).await?;
    let t = ListTemplate {
        page: ctx.page(ctx.t("hist.title")),
        rows,
        several_districts,
        can_import: accord_app::directory::can_edit(&actor) && !actor.is_read_only(),
    };
    Ok(super::render(&t))
}

#[derive(Template)]
#[template(path = "imports/roll_back.html")]
struct RollBackTemplate {
    page: Page,
    r: Row,
    errors: ShownErrors,
    warning: String,
}

async fn render_roll_back(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: i64,
    errors: &FieldErrors,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let (rows, _) = rows(state, actor, lang).await?;
    let r = rows.into_iter().find(|r| r.id == id).ok_or(AppError::NotFound)?;
    // Nothing to confirm for an import that cannot be rolled back, unless to say why.
    if !r.can_roll_back && errors.is_empty() {
        return Err(AppError::Forbidden.into());
    }
    let t = RollBackTemplate {
        page: ctx.page(i18n::t_value(lang, "hist.roll_back_title", &r.filename)),
        warning: i18n::t_args(lang, "hist.roll_back_warning", &[("added", &r.added), ("updated", &r.updated)]),
        errors: ShownErrors::new(lang, errors),
        r,
    };
    Ok(super::render_form(&t, errors, false))
}

fn require_roll_back(actor: &Actor) -> WebResult<()> {
    actor.require_write()?;
    if accord_app::directory::can_edit(actor) { Ok(()) } else { Err(AppError::Forbidden.into()) }
}

pub async fn roll_back_form(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    require_roll_back(&actor)?;
    render_roll_back(&state, &ctx, &actor, id, &FieldErrors::new()).await
}

pub async fn roll_back(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<super::auth::Empty>,
) -> WebResult<Response> {
    match bulk::roll_back(&state.app, &actor, id).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, "/imports", "import_rolled_back")),
        Err(AppError::Invalid(errors)) => render_roll_back(&state, &ctx, &actor, id, &errors).await,
        Err(e) => Err(e.into()),
    }
}
