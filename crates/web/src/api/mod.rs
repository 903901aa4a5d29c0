//! The JSON API under `/api/v1`, described by the OpenAPI document at
//! `/api/v1/openapi.json`. Callers authenticate with `Authorization: Bearer TOKEN`.

/// One page of a list of `$item`, in the API's list shape.
macro_rules! list_of {
    ($name:ident, $item:ty) => {
        #[derive(::serde::Serialize, ::utoipa::ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            pub total: u64,
            pub page: u64,
            pub per_page: u64,
        }

        impl From<(Vec<$item>, &$crate::api::PageParams)> for $name {
            fn from((all, pp): (Vec<$item>, &$crate::api::PageParams)) -> Self {
                let paging = ::accord_app::Paging::new(pp.page, pp.per_page);
                let total = all.len() as u64;
                let items = all
                    .into_iter()
                    .skip(((paging.page - 1) * paging.per_page) as usize)
                    .take(paging.per_page as usize)
                    .collect();
                $name { items, total, page: paging.page, per_page: paging.per_page }
            }
        }
    };
}

pub mod activities;
pub mod activity_types;
pub mod agreements;
pub mod audit;
pub mod awards;
pub mod communications;
pub mod consent;
pub mod districts;
pub mod document;
pub mod events;
pub mod extract;
pub mod imports;
pub mod interactions;
pub mod mailings;
pub mod me;
pub mod national;
pub mod organisations;
pub mod partnerships;
pub mod programmes;
pub mod redundancy;
pub mod reports;
pub mod requests;
pub mod surveys;
pub mod users;
pub mod values;

use crate::state::AppState;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use std::sync::Arc;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "Accord API", version = "1", description = "Partnerships between a public employment service and employers."),
    servers((url = "/api/v1")),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(ErrorBody, ErrorDetail, ErrorCode)),
    tags(
        (name = "me", description = "The caller"),
        (name = "districts", description = "Districts: jobcentre districts, municipalities, national units"),
        (name = "users", description = "Staff users (administrators)"),
        (name = "audit", description = "The audit trail (administrators and managers)"),
        (name = "organisations", description = "Employers and other organisations, with their hierarchy"),
        (name = "contacts", description = "Contact persons at organisations"),
        (name = "interactions", description = "The contact log: every call, visit and meeting with an employer, with its follow-up"),
        (name = "segments", description = "Saved filters over the contacts at organisations, with their reach before anything is sent"),
        (name = "mailings", description = "Mailings to a segment with merge fields, sent once each through the outbox, respecting consent, bouncing addresses and the frequency cap"),
        (name = "agreements", description = "Agreements with employers, their commitment templates, and the partner companies on a day"),
        (name = "activities", description = "Citizen-facing activities at employers: placements, wage subsidies, apprenticeships and the like"),
        (name = "recruitment-requests", description = "Recruitment requests from employers and the candidates referred to them"),
        (name = "communications", description = "The communications log: the secretariat's own outreach (LinkedIn posts, press stories, website news, newsletters) with its reach"),
        (name = "activity-types", description = "The types of activity, their labels and aliases (kept by administrators)"),
        (name = "reports", description = "The partner activity report, the records behind its numbers, the dashboard and the committee report"),
        (name = "targets", description = "KPI targets with their value, trajectory and status"),
        (name = "bodies", description = "Partnership bodies: coalitions, strategic partnerships, strategy, operational and area groups, with their members, meetings and action items"),
        (name = "plans", description = "Action plans with actions, milestones, progress updates and the quarterly progress reports"),
        (name = "redundancy", description = "Redundancy support: events at employers, job shops, the catalogue of services, worker cases with their plan, retraining, jobs and 13-week check-ins, the access log, the subject access export, erasure and the outcomes report"),
        (name = "awards", description = "The annual award for an employer's social engagement: nominations (the organisation, who nominated it and why), the decision and the winner"),
        (name = "programmes", description = "Programmes (recruitment exercises, sector initiatives, routeways, courses, innovation and job rotation projects): organisations and roles, outputs against targets counted from participation records, outcomes per target group with \"<5\" for 1 to 4 people; budget lines per programme or for the secretariat and their spend, exact in minor units"),
        (name = "surveys", description = "The annual satisfaction survey: questionnaires in English and Danish, sending to a segment (one per company group, through the outbox, with personal links), and the results with cells under five answers shown as \"<5\""),
        (name = "events", description = "Events for employers: dialogue meetings, job fairs, network and information meetings, the award ceremony; registrations with a waiting list, attendance and invitation links (not the redundancy events)"),
        (name = "regions", description = "Regions: districts grouped (East Midlands, Eastern…), kept by administrators; a user given a region works in each of its districts"),
        (name = "national-accounts", description = "National accounts: a national unit's relationship with a national employer, its national account manager, status, place on the target list and service level agreement, and its roll-up across the districts that deliver it"),
        (name = "imports", description = "Imports of CSV or XLSX files, all or nothing; the history of activity and request imports and their roll-back"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// Every error the API answers.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// What went wrong, for a program to act on (`message` is for people).
    #[schema(value_type = ErrorCode)]
    pub code: String,
    pub message: String,
    /// For `invalid`: a message per field, named as in the request (`name`, `sites[2]`, a query
    /// or path parameter's name, or `body` for the body as a whole). Empty otherwise.
    pub fields: std::collections::BTreeMap<String, String>,
    /// For `conflict`: the record as stored now.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub current: Option<serde_json::Value>,
    /// For `conflict`: the fields whose stored value differs from the version read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed: Option<Vec<String>>,
}

/// The error codes: the contract (messages may change).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Invalid,
    Conflict,
    RateLimited,
    Internal,
}

/// The routes and their OpenAPI description, built together so they cannot drift apart.
pub fn routes() -> (Router<AppState>, serde_json::Value) {
    let (router, doc) = described_routes();
    let doc = serde_json::to_value(doc).unwrap_or_default();
    (router, document::exact(doc))
}

fn described_routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(me::me))
        .routes(routes!(districts::list, districts::create))
        .routes(routes!(districts::get, districts::update))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::get, users::update))
        .routes(routes!(audit::list))
        .routes(routes!(organisations::list, organisations::create))
        .routes(routes!(organisations::get, organisations::update))
        .routes(routes!(organisations::merge))
        .routes(routes!(organisations::list_contacts, organisations::create_contact))
        .routes(routes!(organisations::get_contact, organisations::update_contact))
        .routes(routes!(consent::contact_mail))
        .routes(routes!(consent::give_consent))
        .routes(routes!(consent::clear_bouncing))
        .routes(routes!(consent::cap, consent::set_cap))
        .routes(routes!(interactions::list, interactions::create))
        .routes(routes!(interactions::get, interactions::update))
        .routes(routes!(interactions::complete_follow_up))
        .routes(routes!(mailings::list, mailings::create))
        .routes(routes!(mailings::get))
        .routes(routes!(mailings::preview))
        .routes(routes!(mailings::list_mailings, mailings::create_mailing))
        .routes(routes!(mailings::get_mailing))
        .routes(routes!(mailings::send))
        .routes(routes!(mailings::test_send))
        .routes(routes!(agreements::list, agreements::create))
        .routes(routes!(agreements::get, agreements::update))
        .routes(routes!(agreements::activate))
        .routes(routes!(agreements::terminate))
        .routes(routes!(agreements::renew))
        .routes(routes!(agreements::history))
        .routes(routes!(agreements::list_templates, agreements::create_template))
        .routes(routes!(agreements::get_template, agreements::update_template))
        .routes(routes!(agreements::partners))
        .routes(routes!(activities::list, activities::create))
        .routes(routes!(activities::get, activities::update))
        .routes(routes!(requests::list, requests::create))
        .routes(routes!(requests::get, requests::update))
        .routes(routes!(requests::create_candidate))
        .routes(routes!(requests::update_candidate))
        .routes(routes!(communications::list, communications::create))
        .routes(routes!(communications::get, communications::update, communications::delete))
        .routes(routes!(awards::list, awards::create))
        .routes(routes!(awards::get))
        .routes(routes!(awards::nominate))
        .routes(routes!(awards::decide))
        .routes(routes!(programmes::list, programmes::create))
        .routes(routes!(programmes::get, programmes::update))
        .routes(routes!(programmes::add_partner))
        .routes(routes!(programmes::record_participants))
        .routes(routes!(programmes::programme_budget))
        .routes(routes!(programmes::create_programme_line))
        .routes(routes!(programmes::secretariat_budget, programmes::create_line))
        .routes(routes!(programmes::get_line))
        .routes(routes!(programmes::record_spend))
        .routes(routes!(programmes::close_line))
        .routes(routes!(programmes::list_job_shops, programmes::create_job_shop))
        .routes(routes!(programmes::update_job_shop))
        .routes(routes!(national::list_regions, national::create_region))
        .routes(routes!(national::get_region, national::update_region))
        .routes(routes!(national::list, national::create))
        .routes(routes!(national::get, national::update))
        .routes(routes!(national::rollup))
        .routes(routes!(surveys::list, surveys::create))
        .routes(routes!(surveys::get))
        .routes(routes!(surveys::add_question))
        .routes(routes!(surveys::update_question))
        .routes(routes!(surveys::recipients))
        .routes(routes!(surveys::send))
        .routes(routes!(surveys::results))
        .routes(routes!(surveys::import_responses).layer(axum::extract::DefaultBodyLimit::max(imports::IMPORT_LIMIT)))
        .routes(routes!(activity_types::list, activity_types::create))
        .routes(routes!(activity_types::get, activity_types::update))
        .routes(routes!(imports::list))
        // Case-system exports are larger than the 2 MB other requests may be.
        .routes(routes!(imports::create).layer(axum::extract::DefaultBodyLimit::max(imports::IMPORT_LIMIT)))
        .routes(routes!(imports::roll_back))
        .routes(routes!(reports::activities))
        .routes(routes!(reports::records))
        .routes(routes!(reports::organisations))
        .routes(routes!(reports::committee))
        .routes(routes!(reports::dashboard))
        .routes(routes!(reports::list_targets, reports::create_target))
        .routes(routes!(reports::get_target, reports::update_target))
        .routes(routes!(partnerships::list_bodies, partnerships::create_body))
        .routes(routes!(partnerships::get_body, partnerships::update_body))
        .routes(routes!(partnerships::create_member))
        .routes(routes!(partnerships::update_member))
        .routes(routes!(partnerships::list_meetings, partnerships::create_meeting))
        .routes(routes!(partnerships::get_meeting, partnerships::update_meeting))
        .routes(routes!(partnerships::create_item))
        .routes(routes!(partnerships::item_to_milestone))
        .routes(routes!(partnerships::list_plans, partnerships::create_plan))
        .routes(routes!(partnerships::get_plan, partnerships::update_plan))
        .routes(routes!(partnerships::create_action))
        .routes(routes!(partnerships::get_action, partnerships::update_action))
        .routes(routes!(partnerships::create_milestone))
        .routes(routes!(partnerships::get_milestone, partnerships::update_milestone))
        .routes(routes!(partnerships::create_update))
        .routes(routes!(partnerships::progress))
        .routes(routes!(partnerships::list_snapshots, partnerships::issue))
        .routes(routes!(partnerships::get_snapshot))
        .routes(routes!(redundancy::list_events, redundancy::create_event))
        .routes(routes!(redundancy::get_event, redundancy::update_event))
        .routes(routes!(redundancy::list_job_shops, redundancy::create_job_shop))
        .routes(routes!(redundancy::update_job_shop))
        .routes(routes!(redundancy::list_services, redundancy::create_service))
        .routes(routes!(redundancy::update_service))
        .routes(routes!(redundancy::list_cases, redundancy::register))
        .routes(routes!(redundancy::get_case, redundancy::update_case))
        .routes(routes!(redundancy::add_session))
        .routes(routes!(redundancy::add_activity))
        .routes(routes!(redundancy::update_activity))
        .routes(routes!(redundancy::add_training))
        .routes(routes!(redundancy::update_training))
        .routes(routes!(redundancy::add_job))
        .routes(routes!(redundancy::update_checkin))
        .routes(routes!(redundancy::access_log))
        .routes(routes!(redundancy::export))
        .routes(routes!(redundancy::erase))
        .routes(routes!(redundancy::outcomes))
        .routes(routes!(events::list, events::create))
        .routes(routes!(events::get, events::update))
        .routes(routes!(events::cancel))
        .routes(routes!(events::list_registrations, events::create_registration))
        .routes(routes!(events::get_registration, events::update_registration))
        .routes(routes!(events::invite))
        .split_for_parts()
}

/// The OpenAPI document as served.
pub fn openapi() -> serde_json::Value {
    routes().1
}

pub fn router() -> Router<AppState> {
    let (router, doc) = routes();
    let doc = Arc::new(doc);
    router.route("/openapi.json", get(move || async move { Json(doc.as_ref().clone()) }))
}

/// `?page=&per_page=` as the API takes them: a value out of range is refused (400, naming
/// the parameter and the range), never brought into range silently.
#[derive(serde::Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page number, from 1.
    #[serde(default, deserialize_with = "page_number")]
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<u64>,
    /// Records per page, 1–200 (default 50).
    #[serde(default, deserialize_with = "page_size")]
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
}

fn in_range<'de, D: serde::Deserializer<'de>>(d: D, max: u64) -> Result<Option<u64>, D::Error> {
    use serde::Deserialize;
    let n = Option::<u64>::deserialize(d)?;
    match n {
        Some(n) if !(1..=max).contains(&n) => {
            Err(serde::de::Error::custom(format_args!("{n} is out of range: from 1 to {max}")))
        }
        n => Ok(n),
    }
}

fn page_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    in_range(d, accord_app::Paging::MAX_PAGE)
}

fn page_size<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    in_range(d, accord_app::Paging::MAX_PER_PAGE)
}
