//! Organisations and contact persons over the API, in the import columns' names.

use super::extract::Json;
use super::extract::{Path, Query};
use super::values::{ContactSortCode, OrgKindCode, OrgLevelCode, OrgSortCode, OrgStatusCode};
use super::{ErrorBody, PageParams};
use crate::ctx::ApiActor;
use crate::error::WebResult;
use crate::state::AppState;
use accord_app::directory::{self as dir, ContactInput, ContactView, OrgInput, OrgView};
use accord_app::{AppError, Paging};
use accord_domain::{OrgFilter, OrgSort};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct Organisation {
    pub id: i64,
    pub district: String,
    #[serde(rename = "ref")]
    #[schema(rename = "ref")]
    pub reference: String,
    pub name: String,
    /// employer, agency, provider, union or voluntary.
    #[schema(schema_with = accord_app::schema::code::<accord_domain::OrgKind>)]
    pub kind: String,
    /// group, company or site.
    #[schema(schema_with = accord_app::schema::code::<accord_domain::OrgLevel>)]
    pub level: String,
    pub parent_ref: Option<String>,
    pub cvr: Option<String>,
    pub p_number: Option<String>,
    pub companies_house: Option<String>,
    /// NACE Rev. 2 / DB07 / UK SIC 2007 division.
    pub sector: Option<String>,
    #[schema(schema_with = accord_app::schema::code_or_none::<accord_domain::SizeBand>)]
    pub size_band: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub ward: Option<String>,
    pub website: Option<String>,
    /// active or ceased.
    #[schema(schema_with = accord_app::schema::code::<accord_domain::OrgStatus>)]
    pub status: String,
    pub notes: Option<String>,
    pub account_manager_email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<OrgView> for Organisation {
    fn from(v: OrgView) -> Self {
        Organisation {
            id: v.id,
            district: v.district,
            reference: v.r#ref,
            name: v.name,
            kind: v.kind,
            level: v.level,
            parent_ref: v.parent_ref,
            cvr: v.cvr,
            p_number: v.p_number,
            companies_house: v.companies_house,
            sector: v.sector,
            size_band: v.size_band,
            address: v.address,
            postcode: v.postcode,
            ward: v.ward,
            website: v.website,
            status: v.status,
            notes: v.notes,
            account_manager_email: v.account_manager_email,
            created_at: v.created_at,
            updated_at: v.updated_at,
            version: v.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OrganisationList {
    pub items: Vec<Organisation>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Part of a name; a ref, CVR, P-number or Companies House number (also of merged
    /// records); or a contact person's name or e-mail.
    pub q: Option<String>,
    #[param(inline)]
    pub kind: Option<OrgKindCode>,
    #[param(inline)]
    pub level: Option<OrgLevelCode>,
    pub sector: Option<String>,
    pub ward: Option<String>,
    #[param(inline)]
    pub status: Option<OrgStatusCode>,
    /// The account manager's e-mail, or `none`.
    pub account_manager: Option<String>,
    pub parent_id: Option<i64>,
    /// `true`: only the top of each hierarchy (groups and companies without a group).
    pub rollup: Option<bool>,
    /// A district code (default: every district of the caller).
    pub district: Option<String>,
    /// `-created_at` (default), `created_at`, `name`, `-name`.
    #[param(inline)]
    pub sort: Option<OrgSortCode>,
}

/// Organisations the caller may see.
#[utoipa::path(get, path = "/organisations", tag = "organisations", params(ListParams, PageParams),
    responses((status = 200, body = OrganisationList), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<ListParams>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<OrganisationList>> {
    let sort_text = p.sort.as_ref().map(OrgSortCode::as_str).unwrap_or_default();
    let sort = OrgSort::parse(sort_text).map_err(|c| AppError::field("sort", c, Some(sort_text)))?;
    let code = |c: Option<&str>| c.map(str::to_owned);
    let mut filter = OrgFilter {
        q: p.q,
        kind: code(p.kind.map(|k| k.get().as_str())),
        level: code(p.level.map(|k| k.get().as_str())),
        sector: p.sector,
        ward: p.ward,
        status: code(p.status.map(|k| k.get().as_str())),
        parent_id: p.parent_id,
        top_level_only: p.rollup.unwrap_or(false),
        ..Default::default()
    };
    match p.account_manager.as_deref() {
        Some("none") => filter.no_account_manager = true,
        Some(email) => {
            filter.account_manager_id = Some(dir::account_manager_by_email(&state.app, email).await?);
        }
        None => {}
    }
    if let Some(code) = p.district.as_deref() {
        filter.district_id = Some(dir::pick_district(&state.app, &actor, Some(code)).await?.id);
    }
    let paging = Paging::new(pp.page, pp.per_page);
    let r = dir::list(&state.app, &actor, &filter, sort, paging).await?;
    Ok(Json(OrganisationList {
        items: r.items.into_iter().map(|row| row.org.into()).collect(),
        total: r.total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}

/// An organisation to create, in the import columns. Only `name` is required; `ref` is made
/// when left out; `district` may be left out when the caller has one district.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct NewOrganisation {
    pub district: Option<String>,
    #[serde(rename = "ref")]
    #[schema(rename = "ref")]
    pub reference: Option<String>,
    #[schema(min_length = 1)]
    pub name: String,
    #[schema(schema_with = accord_app::schema::code_or_empty::<accord_domain::OrgKind>)]
    pub kind: Option<String>,
    #[schema(schema_with = accord_app::schema::code_or_empty::<accord_domain::OrgLevel>)]
    pub level: Option<String>,
    pub parent_ref: Option<String>,
    #[schema(schema_with = super::values::cvr_or_empty)]
    pub cvr: Option<String>,
    #[schema(schema_with = super::values::p_number_or_empty)]
    pub p_number: Option<String>,
    pub companies_house: Option<String>,
    #[schema(schema_with = accord_app::schema::sector_or_empty)]
    pub sector: Option<String>,
    #[schema(schema_with = accord_app::schema::code_or_empty::<accord_domain::SizeBand>)]
    pub size_band: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub ward: Option<String>,
    pub website: Option<String>,
    #[schema(schema_with = accord_app::schema::code_or_empty::<accord_domain::OrgStatus>)]
    pub status: Option<String>,
    pub notes: Option<String>,
    pub account_manager_email: Option<String>,
    /// Confirms that an organisation with a similar name at the same postcode is a different one.
    pub confirm_similar: bool,
}

fn s(v: Option<String>) -> String {
    v.unwrap_or_default()
}

/// Creates an organisation.
#[utoipa::path(post, path = "/organisations", tag = "organisations", request_body = NewOrganisation,
    responses((status = 201, body = Organisation), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewOrganisation>,
) -> WebResult<(StatusCode, Json<Organisation>)> {
    let input = OrgInput {
        district: b.district,
        r#ref: s(b.reference),
        name: b.name,
        kind: s(b.kind),
        level: s(b.level),
        parent_ref: s(b.parent_ref),
        cvr: s(b.cvr),
        p_number: s(b.p_number),
        companies_house: s(b.companies_house),
        sector: s(b.sector),
        size_band: s(b.size_band),
        address: s(b.address),
        postcode: s(b.postcode),
        ward: s(b.ward),
        website: s(b.website),
        status: s(b.status),
        notes: s(b.notes),
        account_manager_email: s(b.account_manager_email),
        version: None,
        confirm_similar: b.confirm_similar,
    };
    let o = dir::create(&state.app, &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(o.into())))
}

/// One organisation.
#[utoipa::path(get, path = "/organisations/{id}", tag = "organisations", params(("id" = i64, Path)),
    responses((status = 200, body = Organisation), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<Organisation>> {
    Ok(Json(dir::get(&state.app, &actor, id).await?.into()))
}

/// Changes to an organisation: the fields given (an empty string clears a field), and the
/// `version` read.
#[derive(Deserialize, ToSchema)]
pub struct OrganisationPatch {
    #[serde(rename = "ref")]
    #[schema(rename = "ref")]
    pub reference: Option<String>,
    #[schema(min_length = 1)]
    pub name: Option<String>,
    #[schema(schema_with = accord_app::schema::code_or_empty::<accord_domain::OrgKind>)]
    pub kind: Option<String>,
    #[schema(schema_with = accord_app::schema::code_or_empty::<accord_domain::OrgLevel>)]
    pub level: Option<String>,
    pub parent_ref: Option<String>,
    #[schema(schema_with = super::values::cvr_or_empty)]
    pub cvr: Option<String>,
    #[schema(schema_with = super::values::p_number_or_empty)]
    pub p_number: Option<String>,
    pub companies_house: Option<String>,
    #[schema(schema_with = accord_app::schema::sector_or_empty)]
    pub sector: Option<String>,
    #[schema(schema_with = accord_app::schema::code_or_empty::<accord_domain::SizeBand>)]
    pub size_band: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub ward: Option<String>,
    pub website: Option<String>,
    #[schema(schema_with = accord_app::schema::code_or_empty::<accord_domain::OrgStatus>)]
    pub status: Option<String>,
    pub notes: Option<String>,
    pub account_manager_email: Option<String>,
    #[serde(default)]
    pub confirm_similar: bool,
    pub version: i32,
}

/// Changes an organisation; a stale `version` is 409 with the current record.
#[utoipa::path(patch, path = "/organisations/{id}", tag = "organisations", params(("id" = i64, Path)), request_body = OrganisationPatch,
    responses((status = 200, body = Organisation), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<OrganisationPatch>,
) -> WebResult<Json<Organisation>> {
    let current = dir::get(&state.app, &actor, id).await?;
    let mut i = OrgInput::from_view(&current);
    let set = |target: &mut String, v: Option<String>| {
        if let Some(v) = v {
            *target = v;
        }
    };
    set(&mut i.r#ref, b.reference);
    set(&mut i.name, b.name);
    set(&mut i.kind, b.kind);
    set(&mut i.level, b.level);
    set(&mut i.parent_ref, b.parent_ref);
    set(&mut i.cvr, b.cvr);
    set(&mut i.p_number, b.p_number);
    set(&mut i.companies_house, b.companies_house);
    set(&mut i.sector, b.sector);
    set(&mut i.size_band, b.size_band);
    set(&mut i.address, b.address);
    set(&mut i.postcode, b.postcode);
    set(&mut i.ward, b.ward);
    set(&mut i.website, b.website);
    set(&mut i.status, b.status);
    set(&mut i.notes, b.notes);
    set(&mut i.account_manager_email, b.account_manager_email);
    i.version = Some(b.version);
    i.confirm_similar = true;
    Ok(Json(dir::update(&state.app, &actor, id, &i).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct MergeRequest {
    /// The duplicate to merge into this organisation.
    pub merge_id: i64,
}

/// Merges a duplicate into this organisation (administrators and secretariat).
#[utoipa::path(post, path = "/organisations/{id}/merge", tag = "organisations", params(("id" = i64, Path)), request_body = MergeRequest,
    responses((status = 200, body = Organisation), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn merge(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<MergeRequest>,
) -> WebResult<Json<Organisation>> {
    Ok(Json(dir::merge(&state.app, &actor, id, b.merge_id).await?.into()))
}

// ---- contacts ----

#[derive(Serialize, ToSchema)]
pub struct Contact {
    pub id: i64,
    pub district: String,
    #[serde(rename = "ref")]
    #[schema(rename = "ref")]
    pub reference: String,
    pub organisation_id: i64,
    pub organisation_ref: String,
    pub name: String,
    pub role: Option<String>,
    #[schema(schema_with = super::values::email_or_empty)]
    pub email: Option<String>,
    #[schema(schema_with = super::values::phone_or_empty)]
    pub phone: Option<String>,
    pub consent: bool,
    pub is_primary: bool,
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

impl From<ContactView> for Contact {
    fn from(c: ContactView) -> Self {
        Contact {
            id: c.id,
            district: c.district,
            reference: c.r#ref,
            organisation_id: c.organisation_id,
            organisation_ref: c.organisation_ref,
            name: c.name,
            role: c.role,
            email: c.email,
            phone: c.phone,
            consent: c.consent,
            is_primary: c.is_primary,
            created_at: c.created_at,
            version: c.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ContactList {
    pub items: Vec<Contact>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactParams {
    /// Part of a name or e-mail, or a ref.
    pub q: Option<String>,
    /// `-created_at` (default) or `name`.
    #[param(inline)]
    pub sort: Option<ContactSortCode>,
}

/// Contact persons the caller may see.
#[utoipa::path(get, path = "/contacts", tag = "contacts", params(ContactParams, PageParams),
    responses((status = 200, body = ContactList), (status = 401, body = ErrorBody)))]
pub async fn list_contacts(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<ContactParams>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<ContactList>> {
    let by_name = match p.sort.as_ref().map(ContactSortCode::as_str) {
        None | Some("-created_at") => false,
        Some("name") => true,
        Some(other) => return Err(AppError::field("sort", "sort.unknown", Some(other)).into()),
    };
    let paging = Paging::new(pp.page, pp.per_page);
    let r = dir::list_contacts(&state.app, &actor, p.q.as_deref(), by_name, paging).await?;
    Ok(Json(ContactList {
        items: r.items.into_iter().map(Contact::from).collect(),
        total: r.total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct NewContact {
    #[serde(rename = "ref")]
    #[schema(rename = "ref")]
    pub reference: Option<String>,
    /// The organisation's ref, CVR, P-number or Companies House number.
    #[schema(min_length = 1)]
    pub organisation_ref: String,
    #[schema(min_length = 1)]
    pub name: String,
    pub role: Option<String>,
    #[schema(schema_with = super::values::email_or_empty)]
    pub email: Option<String>,
    #[schema(schema_with = super::values::phone_or_empty)]
    pub phone: Option<String>,
    pub consent: bool,
    pub is_primary: bool,
}

/// Adds a contact person.
#[utoipa::path(post, path = "/contacts", tag = "contacts", request_body = NewContact,
    responses((status = 201, body = Contact), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_contact(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewContact>,
) -> WebResult<(StatusCode, Json<Contact>)> {
    let input = ContactInput {
        r#ref: s(b.reference),
        organisation_ref: b.organisation_ref,
        name: b.name,
        role: s(b.role),
        email: s(b.email),
        phone: s(b.phone),
        consent: b.consent,
        is_primary: b.is_primary,
        version: None,
    };
    let c = dir::create_contact(&state.app, &actor, None, &input).await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

/// One contact person. The read is logged.
#[utoipa::path(get, path = "/contacts/{id}", tag = "contacts", params(("id" = i64, Path)),
    responses((status = 200, body = Contact), (status = 404, body = ErrorBody)))]
pub async fn get_contact(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<Contact>> {
    Ok(Json(dir::get_contact(&state.app, &actor, id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct ContactPatch {
    pub organisation_ref: Option<String>,
    #[schema(min_length = 1)]
    pub name: Option<String>,
    pub role: Option<String>,
    #[schema(schema_with = super::values::email_or_empty)]
    pub email: Option<String>,
    #[schema(schema_with = super::values::phone_or_empty)]
    pub phone: Option<String>,
    pub consent: Option<bool>,
    pub is_primary: Option<bool>,
    pub version: i32,
}

/// Changes a contact person; a stale `version` is 409.
#[utoipa::path(patch, path = "/contacts/{id}", tag = "contacts", params(("id" = i64, Path)), request_body = ContactPatch,
    responses((status = 200, body = Contact), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_contact(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<ContactPatch>,
) -> WebResult<Json<Contact>> {
    let c = dir::get_contact(&state.app, &actor, id).await?;
    let input = ContactInput {
        r#ref: c.r#ref.clone(),
        organisation_ref: b.organisation_ref.unwrap_or_default(),
        name: b.name.unwrap_or(c.name),
        role: b.role.or(c.role).unwrap_or_default(),
        email: b.email.or(c.email).unwrap_or_default(),
        phone: b.phone.or(c.phone).unwrap_or_default(),
        consent: b.consent.unwrap_or(c.consent),
        is_primary: b.is_primary.unwrap_or(c.is_primary),
        version: Some(b.version),
    };
    Ok(Json(dir::update_contact(&state.app, &actor, id, &input).await?.into()))
}
