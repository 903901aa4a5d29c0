//! Agreements with employers, their commitment templates, and the partner companies on a
//! given day, over the API in the import columns' names.

use super::extract::Json;
use super::extract::{Path, Query};
use super::{ErrorBody, PageParams};
use crate::ctx::ApiActor;
use crate::error::WebResult;
use crate::state::AppState;
use accord_app::agreements::{
    self as ag, AgreementInput, AgreementView, CommitmentInput, CommitmentView, Renewal, SiteView, TargetInput,
    TargetView, TemplateInput, TemplateView, Termination,
};
use accord_app::directory as dir;
use accord_app::{AppError, Paging};
use accord_domain::{AgreementFilter, AgreementSort};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An organisation an agreement covers besides its holder.
#[derive(Serialize, ToSchema)]
pub struct AgreementSite {
    pub id: i64,
    #[serde(rename = "ref")]
    #[schema(rename = "ref")]
    pub reference: String,
    pub name: String,
}

impl From<SiteView> for AgreementSite {
    fn from(s: SiteView) -> Self {
        AgreementSite { id: s.id, reference: s.r#ref, name: s.name }
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct AgreementCommitment {
    /// jobcentre or employer.
    #[schema(schema_with = accord_app::schema::code::<accord_domain::Side>)]
    pub side: String,
    pub text: String,
}

impl From<CommitmentView> for AgreementCommitment {
    fn from(c: CommitmentView) -> Self {
        AgreementCommitment { side: c.side, text: c.text }
    }
}

/// A target with its progress on the day it was read.
#[derive(Serialize, ToSchema)]
pub struct AgreementTarget {
    /// placements, hires, jobs_filled or courses.
    #[schema(schema_with = accord_app::schema::code::<accord_domain::TargetMetric>)]
    pub metric: String,
    pub target: i32,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub label: Option<String>,
    /// Progress entered by hand (courses only).
    pub recorded: Option<i32>,
    /// Counted from the activities and recruitment requests at the covered sites, or the
    /// recorded figure.
    pub achieved: i64,
    /// `achieved` as a share of `target` (over 100 when exceeded).
    pub percent: u32,
    /// The share of the period that has passed.
    pub elapsed_percent: u32,
    /// What each district's records count toward `achieved` (counted metrics only): every
    /// district for the holder's district, a participating district's own for it.
    pub shares: Vec<AgreementTargetShare>,
}

/// A district's share of a target's progress.
#[derive(Serialize, ToSchema)]
pub struct AgreementTargetShare {
    pub district: String,
    pub district_name: String,
    pub achieved: i64,
}

/// A district the covered sites are in, with those sites.
#[derive(Serialize, ToSchema)]
pub struct AgreementDistrict {
    pub district: String,
    pub district_name: String,
    pub sites: Vec<AgreementSite>,
}

impl From<TargetView> for AgreementTarget {
    fn from(t: TargetView) -> Self {
        AgreementTarget {
            metric: t.metric,
            target: t.target,
            period_start: t.period_start,
            period_end: t.period_end,
            label: t.label,
            recorded: t.recorded,
            achieved: t.achieved,
            percent: t.percent,
            elapsed_percent: t.elapsed_percent,
            shares: t
                .shares
                .into_iter()
                .map(|s| AgreementTargetShare {
                    district: s.district,
                    district_name: s.district_name,
                    achieved: s.achieved,
                })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Agreement {
    pub id: i64,
    pub district: String,
    #[serde(rename = "ref")]
    #[schema(rename = "ref")]
    pub reference: String,
    pub organisation_id: i64,
    /// The holder: the organisation that signed.
    pub organisation_ref: String,
    pub organisation_name: String,
    /// partnership, strengthened, service_level or planning_obligation.
    #[schema(schema_with = accord_app::schema::code::<accord_domain::AgreementKind>)]
    pub kind: String,
    /// draft, active or terminated.
    #[schema(schema_with = accord_app::schema::code::<accord_domain::AgreementStatus>)]
    pub status: String,
    /// The status as of today: draft, upcoming, active, ended or terminated.
    pub phase: String,
    /// en or da: the language of the commitments.
    pub language: String,
    pub purpose: Option<String>,
    pub account_manager_email: Option<String>,
    pub account_manager_name: Option<String>,
    /// The employer's contact person.
    pub contact_ref: Option<String>,
    pub contact_name: Option<String>,
    pub signed_date: Option<NaiveDate>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub review_date: Option<NaiveDate>,
    /// The last day in force of a terminated agreement.
    pub terminated_on: Option<NaiveDate>,
    /// jobcentre or employer.
    #[schema(schema_with = accord_app::schema::code_or_none::<accord_domain::Side>)]
    pub terminated_by: Option<String>,
    pub termination_reason: Option<String>,
    /// The agreement this one renews.
    pub previous_id: Option<i64>,
    pub previous_ref: Option<String>,
    /// The covered organisations besides the holder (a participating district's own only).
    pub sites: Vec<AgreementSite>,
    /// The districts the covered sites are in, on a single record's read (empty in lists): a
    /// national unit's agreement may cover sites in any district.
    pub districts: Vec<AgreementDistrict>,
    /// Read by a district that delivers the agreement but does not hold it: read-only, its
    /// own sites and figures only.
    pub participating: bool,
    /// On a single record's read (empty in lists).
    pub commitments: Vec<AgreementCommitment>,
    /// With their progress, on a single record's read (empty in lists).
    pub targets: Vec<AgreementTarget>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<AgreementView> for Agreement {
    fn from(v: AgreementView) -> Self {
        Agreement {
            id: v.id,
            district: v.district,
            reference: v.r#ref,
            organisation_id: v.organisation_id,
            organisation_ref: v.organisation_ref,
            organisation_name: v.organisation_name,
            kind: v.kind,
            status: v.status,
            phase: v.phase,
            language: v.language,
            purpose: v.purpose,
            account_manager_email: v.account_manager_email,
            account_manager_name: v.account_manager_name,
            contact_ref: v.contact_ref,
            contact_name: v.contact_name,
            signed_date: v.signed_date,
            start_date: v.start_date,
            end_date: v.end_date,
            review_date: v.review_date,
            terminated_on: v.terminated_on,
            terminated_by: v.terminated_by,
            termination_reason: v.termination_reason,
            previous_id: v.previous_id,
            previous_ref: v.previous_ref,
            sites: v.sites.into_iter().map(AgreementSite::from).collect(),
            districts: v
                .districts
                .into_iter()
                .map(|d| AgreementDistrict {
                    district: d.district,
                    district_name: d.district_name,
                    sites: d.sites.into_iter().map(AgreementSite::from).collect(),
                })
                .collect(),
            participating: v.participating,
            commitments: v.commitments.into_iter().map(AgreementCommitment::from).collect(),
            targets: v.targets.into_iter().map(AgreementTarget::from).collect(),
            created_at: v.created_at,
            updated_at: v.updated_at,
            version: v.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AgreementList {
    pub items: Vec<Agreement>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Part of the holder's name, or the agreement's ref.
    pub q: Option<String>,
    /// partnership, strengthened, service_level or planning_obligation.
    #[param(inline)]
    pub kind: Option<super::values::AgreementKindCode>,
    /// As of today: draft, upcoming, active, ended or terminated.
    #[param(inline)]
    pub phase: Option<super::values::PhaseCode>,
    /// Agreements held by or covering this organisation.
    pub organisation_id: Option<i64>,
    /// The account manager's e-mail.
    pub account_manager: Option<String>,
    /// `true`: active agreements whose review date or end falls within 60 days.
    pub review_due: Option<bool>,
    /// A district code (default: every district of the caller).
    pub district: Option<String>,
    /// `-created_at` (default), `created_at`, `start_date`, `review_date`, `ref`.
    #[param(inline)]
    pub sort: Option<super::values::AgreementSortCode>,
}

/// Agreements the caller may see.
#[utoipa::path(get, path = "/agreements", tag = "agreements", params(ListParams, PageParams),
    responses((status = 200, body = AgreementList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<ListParams>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<AgreementList>> {
    let sort_text = p.sort.as_ref().map(|s| s.as_str()).unwrap_or_default();
    let sort = AgreementSort::parse(sort_text).map_err(|c| AppError::field("sort", c, Some(sort_text)))?;
    let today = Utc::now().date_naive();
    let mut filter = AgreementFilter {
        q: p.q,
        kind: p.kind.map(|k| k.get().as_str().to_owned()),
        phase: p.phase.map(|k| k.0),
        organisation_id: p.organisation_id,
        review_due_by: p.review_due.unwrap_or(false).then(|| today + Duration::days(ag::REVIEW_WINDOW_DAYS)),
        today,
        ..Default::default()
    };
    if let Some(email) = p.account_manager.as_deref().filter(|e| !e.trim().is_empty()) {
        filter.account_manager_id = Some(dir::account_manager_by_email(&state.app, email).await?);
    }
    if let Some(code) = p.district.as_deref().filter(|c| !c.trim().is_empty()) {
        filter.district_id = Some(dir::pick_district(&state.app, &actor, Some(code)).await?.id);
    }
    let paging = Paging::new(pp.page, pp.per_page);
    let r = ag::list(&state.app, &actor, &filter, sort, paging).await?;
    Ok(Json(AgreementList {
        items: r.items.into_iter().map(Agreement::from).collect(),
        total: r.total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}

/// A target as given: its progress is counted, except for courses (`recorded`).
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct NewAgreementTarget {
    /// placements, hires, jobs_filled or courses.
    #[schema(schema_with = accord_app::schema::code::<accord_domain::TargetMetric>)]
    pub metric: String,
    pub target: i64,
    /// YYYY-MM-DD.
    pub period_start: String,
    /// YYYY-MM-DD.
    pub period_end: String,
    pub label: Option<String>,
    /// Courses only: the progress so far.
    pub recorded: Option<i64>,
}

fn s(v: Option<String>) -> String {
    v.unwrap_or_default()
}

fn commitments_in(list: Vec<AgreementCommitment>) -> Vec<CommitmentInput> {
    list.into_iter().map(|c| CommitmentInput { side: c.side, text: c.text }).collect()
}

fn targets_in(list: Vec<NewAgreementTarget>) -> Vec<TargetInput> {
    list.into_iter()
        .map(|t| TargetInput {
            metric: t.metric,
            target: t.target.to_string(),
            period_start: t.period_start,
            period_end: t.period_end,
            label: s(t.label),
            recorded: t.recorded.map(|r| r.to_string()).unwrap_or_default(),
        })
        .collect()
}

/// An agreement to create, in the import columns. `ref` is made when left out; `district` may
/// be left out when the caller has one district or the holder is found in one; `sites`,
/// `commitments` and `targets` left out mean: the holder alone, the district's commitment
/// templates in the agreement's language, no targets.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct NewAgreement {
    pub district: Option<String>,
    #[serde(rename = "ref")]
    #[schema(rename = "ref")]
    pub reference: Option<String>,
    /// The holder's ref, CVR, P-number or Companies House number.
    pub organisation_ref: String,
    #[schema(schema_with = accord_app::schema::code::<accord_domain::AgreementKind>)]
    pub kind: String,
    /// YYYY-MM-DD.
    pub start_date: String,
    pub end_date: Option<String>,
    /// draft (default) or active.
    #[schema(schema_with = accord_app::schema::code_or_empty::<accord_domain::AgreementStatus>)]
    pub status: Option<String>,
    pub purpose: Option<String>,
    /// en or da (default: da for a Danish employer, otherwise en).
    pub language: Option<String>,
    pub signed_date: Option<String>,
    pub review_date: Option<String>,
    /// Default: the holder's account manager.
    pub account_manager_email: Option<String>,
    /// Default: the holder's primary contact person.
    pub contact_ref: Option<String>,
    /// Refs of the other organisations covered (stores, sites).
    pub sites: Option<Vec<String>>,
    pub commitments: Option<Vec<AgreementCommitment>>,
    pub targets: Option<Vec<NewAgreementTarget>>,
}

/// Creates an agreement.
#[utoipa::path(post, path = "/agreements", tag = "agreements", request_body = NewAgreement,
    responses((status = 201, body = Agreement), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewAgreement>,
) -> WebResult<(StatusCode, Json<Agreement>)> {
    let input = AgreementInput {
        district: b.district,
        r#ref: s(b.reference),
        organisation_ref: b.organisation_ref,
        kind: b.kind,
        status: s(b.status),
        language: s(b.language),
        purpose: s(b.purpose),
        account_manager_email: s(b.account_manager_email),
        contact_ref: s(b.contact_ref),
        signed_date: s(b.signed_date),
        start_date: b.start_date,
        end_date: s(b.end_date),
        review_date: s(b.review_date),
        sites: b.sites,
        commitments: b.commitments.map(commitments_in),
        targets: b.targets.map(targets_in),
        ..Default::default()
    };
    let a = ag::create(&state.app, &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

/// One agreement with its sites, commitments and targets' progress.
#[utoipa::path(get, path = "/agreements/{id}", tag = "agreements", params(("id" = i64, Path)),
    responses((status = 200, body = Agreement), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<Agreement>> {
    Ok(Json(ag::get(&state.app, &actor, id).await?.into()))
}

/// Changes to an agreement: the fields given (an empty string clears a field; a list given
/// replaces the stored one), and the `version` read.
#[derive(Deserialize, ToSchema)]
pub struct AgreementPatch {
    #[serde(rename = "ref")]
    #[schema(rename = "ref")]
    pub reference: Option<String>,
    pub organisation_ref: Option<String>,
    #[schema(schema_with = accord_app::schema::code_or_null::<accord_domain::AgreementKind>)]
    pub kind: Option<String>,
    /// Forward only: draft → active → terminated.
    #[schema(schema_with = accord_app::schema::code_or_empty::<accord_domain::AgreementStatus>)]
    pub status: Option<String>,
    pub purpose: Option<String>,
    pub language: Option<String>,
    pub signed_date: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub review_date: Option<String>,
    pub account_manager_email: Option<String>,
    pub contact_ref: Option<String>,
    pub sites: Option<Vec<String>>,
    pub commitments: Option<Vec<AgreementCommitment>>,
    pub targets: Option<Vec<NewAgreementTarget>>,
    pub version: i32,
}

/// Changes an agreement; a stale `version` is 409 with the current record.
#[utoipa::path(patch, path = "/agreements/{id}", tag = "agreements", params(("id" = i64, Path)), request_body = AgreementPatch,
    responses((status = 200, body = Agreement), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<AgreementPatch>,
) -> WebResult<Json<Agreement>> {
    let current = ag::get(&state.app, &actor, id).await?;
    let mut i = AgreementInput::from_view(&current);
    let set = |target: &mut String, v: Option<String>| {
        if let Some(v) = v {
            *target = v;
        }
    };
    set(&mut i.r#ref, b.reference);
    set(&mut i.organisation_ref, b.organisation_ref);
    set(&mut i.kind, b.kind);
    set(&mut i.status, b.status);
    set(&mut i.purpose, b.purpose);
    set(&mut i.language, b.language);
    set(&mut i.signed_date, b.signed_date);
    set(&mut i.start_date, b.start_date);
    set(&mut i.end_date, b.end_date);
    set(&mut i.review_date, b.review_date);
    set(&mut i.account_manager_email, b.account_manager_email);
    set(&mut i.contact_ref, b.contact_ref);
    // Lists left out keep what is stored.
    i.sites = b.sites;
    i.commitments = b.commitments.map(commitments_in);
    i.targets = b.targets.map(targets_in);
    i.version = Some(b.version);
    Ok(Json(ag::update(&state.app, &actor, id, &i).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct AgreementActivation {
    pub version: i32,
}

/// Puts a draft into force. Refused when another agreement of the same kind covers one of its
/// sites on an overlapping period; activating a renewal ends its predecessor the day before.
#[utoipa::path(post, path = "/agreements/{id}/activate", tag = "agreements", params(("id" = i64, Path)), request_body = AgreementActivation,
    responses((status = 200, body = Agreement), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn activate(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<AgreementActivation>,
) -> WebResult<Json<Agreement>> {
    Ok(Json(ag::activate(&state.app, &actor, id, b.version).await?.into()))
}

/// How either side ends an agreement.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct AgreementTermination {
    /// The last day in force, YYYY-MM-DD.
    pub terminated_on: String,
    /// jobcentre or employer.
    #[schema(schema_with = accord_app::schema::code::<accord_domain::Side>)]
    pub terminated_by: String,
    pub reason: String,
    pub version: Option<i32>,
}

/// Ends an active agreement; it counts as in force up to and including `terminated_on`.
#[utoipa::path(post, path = "/agreements/{id}/terminate", tag = "agreements", params(("id" = i64, Path)), request_body = AgreementTermination,
    responses((status = 200, body = Agreement), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn terminate(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<AgreementTermination>,
) -> WebResult<Json<Agreement>> {
    let t = Termination {
        terminated_on: b.terminated_on,
        terminated_by: b.terminated_by,
        reason: b.reason,
        version: b.version,
    };
    Ok(Json(ag::terminate(&state.app, &actor, id, &t).await?.into()))
}

/// The period of a renewal; the start defaults to the day after the agreement ends.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct AgreementRenewal {
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub review_date: Option<String>,
}

/// Drafts the next version of an agreement (same holder, sites, people and commitments),
/// linked to this one. It comes into force when activated.
#[utoipa::path(post, path = "/agreements/{id}/renew", tag = "agreements", params(("id" = i64, Path)), request_body = AgreementRenewal,
    responses((status = 201, body = Agreement), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn renew(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<AgreementRenewal>,
) -> WebResult<(StatusCode, Json<Agreement>)> {
    let r = Renewal { start_date: s(b.start_date), end_date: s(b.end_date), review_date: s(b.review_date) };
    let a = ag::renew(&state.app, &actor, id, &r).await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

#[derive(Serialize, ToSchema)]
pub struct AgreementChain {
    /// Oldest first.
    pub items: Vec<Agreement>,
    pub total: u64,
}

/// The renewal chain an agreement belongs to: its predecessors, itself and its renewals,
/// oldest first.
#[utoipa::path(get, path = "/agreements/{id}/history", tag = "agreements", params(("id" = i64, Path)),
    responses((status = 200, body = AgreementChain), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<AgreementChain>> {
    let mut current = ag::get(&state.app, &actor, id).await?;
    // Listed like the others: without commitments and targets.
    current.commitments.clear();
    current.targets.clear();
    let mut chain = ag::history(&state.app, &actor, id).await?;
    // The others come oldest first: this one goes after the last of its predecessors.
    let at = current.previous_id.and_then(|p| chain.iter().position(|a| a.id == p)).map_or(0, |i| i + 1);
    chain.insert(at, current);
    let items: Vec<Agreement> = chain.into_iter().map(Agreement::from).collect();
    Ok(Json(AgreementChain { total: items.len() as u64, items }))
}

// ---- commitment templates ----

#[derive(Serialize, ToSchema)]
pub struct AgreementTemplate {
    pub id: i64,
    pub district: String,
    /// jobcentre or employer.
    #[schema(schema_with = accord_app::schema::code::<accord_domain::Side>)]
    pub side: String,
    pub text_en: String,
    pub text_da: String,
    pub position: i32,
    /// Retired templates are no longer copied into new agreements.
    pub retired: bool,
}

impl From<TemplateView> for AgreementTemplate {
    fn from(t: TemplateView) -> Self {
        AgreementTemplate {
            id: t.id,
            district: t.district,
            side: t.side,
            text_en: t.text_en,
            text_da: t.text_da,
            position: t.position,
            retired: t.retired,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AgreementTemplateList {
    pub items: Vec<AgreementTemplate>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct TemplateParams {
    /// `true`: retired templates too.
    pub retired: Option<bool>,
    /// A district code (default: every district of the caller).
    pub district: Option<String>,
}

/// The commitment templates new agreements start from, by district, side and position.
#[utoipa::path(get, path = "/agreement-templates", tag = "agreements", params(TemplateParams, PageParams),
    responses((status = 200, body = AgreementTemplateList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_templates(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<TemplateParams>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<AgreementTemplateList>> {
    let district = match p.district.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(code) => Some(dir::pick_district(&state.app, &actor, Some(code)).await?.code),
        None => None,
    };
    let all: Vec<TemplateView> = ag::templates(&state.app, &actor, p.retired.unwrap_or(false))
        .await?
        .into_iter()
        .filter(|t| district.as_ref().is_none_or(|d| &t.district == d))
        .collect();
    let paging = Paging::new(pp.page, pp.per_page);
    let total = all.len() as u64;
    let items = all
        .into_iter()
        .skip(((paging.page - 1) * paging.per_page) as usize)
        .take(paging.per_page as usize)
        .map(AgreementTemplate::from)
        .collect();
    Ok(Json(AgreementTemplateList { items, total, page: paging.page, per_page: paging.per_page }))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct NewAgreementTemplate {
    pub district: Option<String>,
    /// jobcentre or employer.
    #[schema(schema_with = accord_app::schema::code::<accord_domain::Side>)]
    pub side: String,
    pub text_en: String,
    pub text_da: String,
    /// Order within its side (default 100).
    #[schema(minimum = 0, maximum = 10_000)]
    pub position: Option<i32>,
    pub retired: bool,
}

/// Adds a commitment template (secretariat, managers and administrators).
#[utoipa::path(post, path = "/agreement-templates", tag = "agreements", request_body = NewAgreementTemplate,
    responses((status = 201, body = AgreementTemplate), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_template(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewAgreementTemplate>,
) -> WebResult<(StatusCode, Json<AgreementTemplate>)> {
    let input = TemplateInput {
        district: b.district,
        side: b.side,
        text_en: b.text_en,
        text_da: b.text_da,
        position: b.position.map(|p| p.to_string()).unwrap_or_default(),
        retired: b.retired,
    };
    let t = ag::save_template(&state.app, &actor, None, &input).await?;
    Ok((StatusCode::CREATED, Json(t.into())))
}

/// One commitment template.
#[utoipa::path(get, path = "/agreement-templates/{id}", tag = "agreements", params(("id" = i64, Path)),
    responses((status = 200, body = AgreementTemplate), (status = 404, body = ErrorBody)))]
pub async fn get_template(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<AgreementTemplate>> {
    Ok(Json(ag::get_template(&state.app, &actor, id).await?.into()))
}

/// Changes to a template: the fields given. Agreements already drafted keep their text.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct AgreementTemplatePatch {
    #[schema(schema_with = accord_app::schema::code_or_null::<accord_domain::Side>)]
    pub side: Option<String>,
    pub text_en: Option<String>,
    pub text_da: Option<String>,
    #[schema(minimum = 0, maximum = 10_000)]
    pub position: Option<i32>,
    pub retired: Option<bool>,
}

/// Changes a commitment template, or retires it.
#[utoipa::path(patch, path = "/agreement-templates/{id}", tag = "agreements", params(("id" = i64, Path)), request_body = AgreementTemplatePatch,
    responses((status = 200, body = AgreementTemplate), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_template(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<AgreementTemplatePatch>,
) -> WebResult<Json<AgreementTemplate>> {
    let t = ag::get_template(&state.app, &actor, id).await?;
    let input = TemplateInput {
        district: Some(t.district),
        side: b.side.unwrap_or(t.side),
        text_en: b.text_en.unwrap_or(t.text_en),
        text_da: b.text_da.unwrap_or(t.text_da),
        position: b.position.unwrap_or(t.position).to_string(),
        retired: b.retired.unwrap_or(t.retired),
    };
    Ok(Json(ag::save_template(&state.app, &actor, Some(id), &input).await?.into()))
}

// ---- partner companies ----

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct PartnerParams {
    /// The day asked about, YYYY-MM-DD (default: today).
    pub date: Option<String>,
    /// A district code (default: every district of the caller).
    pub district: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PartnerOrganisation {
    pub id: i64,
    #[serde(rename = "ref")]
    #[schema(rename = "ref")]
    pub reference: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct PartnerList {
    pub date: NaiveDate,
    /// By name.
    pub organisations: Vec<PartnerOrganisation>,
    pub total: u64,
}

/// The partner companies on a day: the employers holding a partnership-type agreement
/// (partnership, strengthened, service level) in force that day. Drafts never count; a
/// terminated agreement counts up to and including its termination date.
#[utoipa::path(get, path = "/partners", tag = "agreements", params(PartnerParams),
    responses((status = 200, body = PartnerList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn partners(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<PartnerParams>,
) -> WebResult<Json<PartnerList>> {
    let date = match p.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => Utc::now().date_naive(),
        Some(d) => dir::parse_date(d).map_err(|code| AppError::field("date", code, Some(d)))?,
    };
    let orgs = ag::partners(&state.app, &actor, date, p.district.as_deref()).await?;
    Ok(Json(PartnerList {
        date,
        total: orgs.len() as u64,
        organisations: orgs
            .into_iter()
            .map(|o| PartnerOrganisation { id: o.id, reference: o.r#ref, name: o.name })
            .collect(),
    }))
}
