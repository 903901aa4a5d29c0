//! The annual award in the browser: the awards by year with their winners and the form to open
//! a year's award; an award's page with its nominations (who and why), the form to nominate
//! and, for managers, the form to decide; and what an organisation's page shows of it.

use super::Opt;
use super::shared::district_options;
use crate::ctx::{Page, ReqCtx, Staff};
use crate::error::WebResult;
use crate::forms::{CsrfForm, ShownErrors};
use crate::i18n;
use crate::state::AppState;
use accord_app::awards::{self as aw, AwardInput, AwardView, DecisionInput, NominationInput};
use accord_app::{Actor, AppError, Paging};
use accord_domain::{AwardFilter, FieldErrors, Lang, format};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

// ---- the list ----

/// An award as the list shows it.
pub struct Row {
    pub id: i64,
    pub year: i32,
    pub name: String,
    pub district: String,
    /// The winner's id and name, once decided.
    pub winner: Option<(i64, String)>,
    pub nominations: String,
}

#[derive(Template)]
#[template(path = "awards/list.html")]
struct ListTemplate {
    page: Page,
    rows: Vec<Row>,
    caption: String,
    f: AwardInput,
    errors: ShownErrors,
    districts: Vec<Opt>,
    can_write: bool,
}

async fn render_list(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    f: AwardInput,
    errors: &FieldErrors,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let result =
        aw::list(&state.app, actor, &AwardFilter::default(), Paging::new(None, Some(Paging::MAX_PER_PAGE))).await?;
    let rows = result
        .items
        .iter()
        .map(|v| Row {
            id: v.id,
            year: v.year,
            name: v.name.clone(),
            district: v.district.clone(),
            winner: v.winner.as_ref().map(|w| (w.id, w.name.clone())),
            nominations: format::number(lang, v.nominations.len() as i64),
        })
        .collect();
    let caption = i18n::t_value(lang, "award.caption", &format::number(lang, result.total as i64));
    let district = f.district.clone().unwrap_or_default();
    let t = ListTemplate {
        page: ctx.page(ctx.t("award.title")),
        rows,
        caption,
        errors: ShownErrors::new(lang, errors),
        districts: district_options(state, actor, &district).await?,
        can_write: aw::can_write(actor),
        f,
    };
    Ok(super::render_form(&t, errors, false))
}

pub async fn list(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    let f =
        AwardInput { year: chrono::Datelike::year(&chrono::Utc::now().date_naive()).to_string(), ..Default::default() };
    render_list(&state, &ctx, &actor, f, &FieldErrors::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(f): CsrfForm<AwardInput>,
) -> WebResult<Response> {
    if !aw::can_write(&actor) {
        return Err(AppError::Forbidden.into());
    }
    match aw::create(&state.app, &actor, &f).await {
        Ok(v) => Ok(super::redirect_with_flash(&ctx, &format!("/awards/{}", v.id), "award_created")),
        Err(AppError::Invalid(errors)) => render_list(&state, &ctx, &actor, f, &errors).await,
        Err(e) => Err(e.into()),
    }
}

// ---- one award ----

/// A nomination as the award's page shows it.
pub struct NominationRow {
    pub organisation_id: i64,
    pub organisation: String,
    pub by: String,
    /// Staff, or someone outside.
    pub by_kind: String,
    pub reason: String,
    pub date: String,
    pub won: bool,
}

#[derive(Template)]
#[template(path = "awards/show.html")]
struct ShowTemplate {
    page: Page,
    v: AwardView,
    decided_on: String,
    nominations: Vec<NominationRow>,
    nominate: NominationInput,
    nominate_errors: ShownErrors,
    decision: DecisionInput,
    decision_errors: ShownErrors,
    nominees: Vec<Opt>,
    can_nominate: bool,
    can_decide: bool,
}

#[allow(clippy::too_many_arguments)]
async fn render_show(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: i64,
    nominate: Option<(NominationInput, &FieldErrors)>,
    decision: Option<(DecisionInput, &FieldErrors)>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let v = aw::get(&state.app, actor, id).await?;
    let today = chrono::Utc::now().date_naive().to_string();
    let none = FieldErrors::new();
    let (nominate, nominate_errors) =
        nominate.unwrap_or_else(|| (NominationInput { nominated_on: today.clone(), ..Default::default() }, &none));
    let (decision, decision_errors) = decision.unwrap_or_else(|| {
        (
            DecisionInput {
                winner: v.winner.as_ref().map(|w| w.r#ref.clone()).unwrap_or_default(),
                decision_reason: v.decision_reason.clone().unwrap_or_default(),
                decided_on: v.decided_on.map(|d| d.to_string()).unwrap_or(today),
                version: Some(v.version),
            },
            &none,
        )
    });
    let mut nominees = vec![Opt { value: String::new(), label: ctx.t("award.choose_winner"), checked: false }];
    nominees.extend(v.nominations.iter().map(|n| Opt {
        value: n.organisation.r#ref.clone(),
        label: n.organisation.name.clone(),
        checked: n.organisation.r#ref == decision.winner,
    }));
    let status = super::form_status(nominate_errors, false);
    let status = if decision_errors.is_empty() { status } else { super::form_status(decision_errors, false) };
    let t = ShowTemplate {
        page: ctx.page(v.name.clone()),
        decided_on: v.decided_on.map(|d| format::date(lang, d)).unwrap_or_default(),
        nominations: v
            .nominations
            .iter()
            .map(|n| NominationRow {
                organisation_id: n.organisation.id,
                organisation: n.organisation.name.clone(),
                by: n.by(),
                by_kind: ctx.t(if n.staff_name.is_some() { "award.by_staff" } else { "award.by_outside" }),
                reason: n.reason.clone(),
                date: format::date_short(lang, n.nominated_on),
                won: v.winner.as_ref().is_some_and(|w| w.id == n.organisation.id),
            })
            .collect(),
        nominate,
        nominate_errors: ShownErrors::new(lang, nominate_errors),
        decision,
        decision_errors: ShownErrors::new(lang, decision_errors),
        nominees,
        can_nominate: aw::can_write(actor) && v.winner.is_none(),
        can_decide: aw::can_decide(actor) && !v.nominations.is_empty(),
        v,
    };
    let mut res = super::render(&t);
    *res.status_mut() = status;
    Ok(res)
}

pub async fn show(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    render_show(&state, &ctx, &actor, id, None, None).await
}

pub async fn nominate(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<NominationInput>,
) -> WebResult<Response> {
    match aw::nominate(&state.app, &actor, id, &f).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &format!("/awards/{id}#nominations"), "nomination_recorded")),
        Err(AppError::Invalid(errors)) => render_show(&state, &ctx, &actor, id, Some((f, &errors)), None).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn decide(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<DecisionInput>,
) -> WebResult<Response> {
    match aw::decide(&state.app, &actor, id, &f).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &format!("/awards/{id}"), "award_decided")),
        Err(AppError::Invalid(errors)) => render_show(&state, &ctx, &actor, id, None, Some((f, &errors))).await,
        Err(AppError::Conflict { .. }) => {
            let mut errors = FieldErrors::new();
            errors.add("winner", "award.decided_meanwhile", None);
            render_show(&state, &ctx, &actor, id, None, Some((DecisionInput { version: None, ..f }, &errors))).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- on an organisation's page ----

/// What an organisation's page shows of the award: the awards it won, and its nominations.
#[derive(Default)]
pub struct OrgAwards {
    /// Per award won: its id and "Winner of …".
    pub won: Vec<(i64, String)>,
    pub nominations: Vec<OrgNominationRow>,
}

pub struct OrgNominationRow {
    pub award_id: i64,
    pub award: String,
    pub by: String,
    pub reason: String,
    pub date: String,
    pub won: bool,
}

pub async fn for_organisation(state: &AppState, actor: &Actor, lang: Lang, org_id: i64) -> WebResult<OrgAwards> {
    if !aw::can_view(actor) {
        return Ok(OrgAwards::default());
    }
    let a = aw::for_organisation(&state.app, actor, org_id).await?;
    Ok(OrgAwards {
        won: a.won.into_iter().map(|(id, name)| (id, i18n::t_value(lang, "award.winner_of", &name))).collect(),
        nominations: a
            .nominations
            .into_iter()
            .map(|n| OrgNominationRow {
                award_id: n.award_id,
                award: n.award_name,
                by: n.by,
                reason: n.reason,
                date: format::date_short(lang, n.nominated_on),
                won: n.won,
            })
            .collect(),
    })
}
