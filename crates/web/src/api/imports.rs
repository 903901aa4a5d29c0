//! Imports over the API: a CSV or XLSX file as the request body, all or nothing, and the
//! import history of activities and recruitment requests with the roll-back of the newest.

use super::extract::Json;
use super::extract::{Path, Query};
use super::{ErrorBody, PageParams};
use crate::ctx::ApiActor;
use crate::error::WebResult;
use crate::i18n;
use crate::state::AppState;
use accord_app::bulk::{self, ImportView};
use accord_app::import::{ImportReport, Kind};
use accord_app::{AppError, Paging};
use accord_domain::{FieldErrors, Lang};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The largest file an import takes, as on the upload page.
pub const IMPORT_LIMIT: usize = crate::views::IMPORT_LIMIT;

/// An import of activities or recruitment requests.
#[derive(Serialize, ToSchema)]
pub struct Import {
    pub id: i64,
    pub district: String,
    /// activities or recruitment-requests.
    pub kind: String,
    pub filename: String,
    /// Who imported the file (empty for the system).
    pub user_name: Option<String>,
    pub rows: i32,
    pub added: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub created_at: DateTime<Utc>,
    pub rolled_back_at: Option<DateTime<Utc>>,
    /// Whether the caller can roll it back now: the newest import of its kind in its district
    /// that has not been rolled back.
    pub can_roll_back: bool,
}

impl From<ImportView> for Import {
    fn from(v: ImportView) -> Self {
        Import {
            id: v.id,
            district: v.district,
            kind: v.kind,
            filename: v.filename,
            user_name: v.user_name,
            rows: v.rows,
            added: v.added,
            updated: v.updated,
            unchanged: v.unchanged,
            created_at: v.created_at,
            rolled_back_at: v.rolled_back_at,
            can_roll_back: v.can_roll_back,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ImportList {
    pub items: Vec<Import>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// The imports of activities and recruitment requests in the caller's districts, newest first.
#[utoipa::path(get, path = "/imports", tag = "imports", params(PageParams),
    responses((status = 200, body = ImportList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<ImportList>> {
    let paging = Paging::new(pp.page, pp.per_page);
    // Enough of the newest to tell, for each import on the page, whether it is still the newest.
    let shown = bulk::history(&state.app, &actor, paging.page * paging.per_page).await?;
    let total = bulk::history_count(&state.app, &actor).await?;
    let items = shown.into_iter().skip(((paging.page - 1) * paging.per_page) as usize).map(Import::from).collect();
    Ok(Json(ImportList { items, total, page: paging.page, per_page: paging.per_page }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// activities or recruitment-requests (also organisations, contacts, agreements). Another
    /// value is refused with 422 in the import's error shape.
    #[param(value_type = super::values::ImportKindCode, inline)]
    pub kind: String,
    /// The district the records are for; may be left out when the caller has one district.
    pub district: Option<String>,
    /// `true`: check the file and count what it would do, writing nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// The file's name, kept in the import history (default `api-upload`).
    pub filename: Option<String>,
}

/// What an import did (or, on a dry run, would do).
#[derive(Serialize, ToSchema)]
pub struct ImportResult {
    pub kind: String,
    pub rows: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub dry_run: bool,
    /// The import in the history (activities and recruitment requests, when written).
    pub import_id: Option<i64>,
}

/// One problem in a file.
#[derive(Serialize, ToSchema)]
pub struct ImportLineError {
    /// The line in the file (1 is the header; 0 the file as a whole).
    pub line: usize,
    /// The column (or `file`, `header`).
    pub field: String,
    pub code: String,
    /// The value found, where there is one.
    pub value: Option<String>,
    pub message: String,
}

/// The answer to a file with problems: nothing was written.
#[derive(Serialize, ToSchema)]
pub struct ImportErrorBody {
    pub error: ImportErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ImportErrorDetail {
    /// `invalid`.
    pub code: String,
    pub message: String,
    /// A message for each parameter that is wrong, or the first message for each column of
    /// the file with a problem.
    pub fields: std::collections::BTreeMap<String, String>,
    /// Every problem in the file, by line (up to 5,000; empty when a parameter is wrong).
    pub lines: Vec<ImportLineError>,
    /// Problems beyond those listed.
    pub more: usize,
    /// Rows read.
    pub rows: usize,
}

/// A 422 in the import's shape: `fields` names what is wrong (a parameter, or the first
/// problem of each column), `lines` every problem in the file.
/// `kind` names the columns and words of a file of that kind in the messages.
pub(crate) fn refused(report: ImportReport, params: FieldErrors, kind: Option<Kind>) -> Response {
    let lang = Lang::En;
    let mut fields = std::collections::BTreeMap::new();
    for e in &params.0 {
        fields.entry(e.field.clone()).or_insert_with(|| i18n::field_error(lang, e));
    }
    let lines: Vec<ImportLineError> = report
        .errors
        .into_iter()
        .map(|e| {
            let message = match kind {
                Some(k) => i18n::import_problem(lang, k, &e.error),
                None => i18n::field_error(lang, &e.error),
            };
            fields.entry(e.error.field.clone()).or_insert_with(|| message.clone());
            ImportLineError { line: e.line, field: e.error.field, code: e.error.code, value: e.error.value, message }
        })
        .collect();
    let body = ImportErrorBody {
        error: ImportErrorDetail {
            code: "invalid".into(),
            message: i18n::t(lang, "error_page.invalid.title"),
            fields,
            lines,
            more: report.more_errors,
            rows: report.rows,
        },
    };
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

/// Imports a CSV or XLSX file sent as the request body (up to 64 MB). All or nothing: a file
/// with any bad line writes nothing and is answered 422 with every bad line. Importing the
/// same file again changes nothing.
#[utoipa::path(post, path = "/imports", tag = "imports", params(ImportParams),
    request_body(description = "The file, its first row the header with the import's columns.",
        content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    responses((status = 200, body = ImportResult, description = "Written, or a dry run that found no problem"),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ImportErrorBody, description = "The file has problems (every one in `lines`; nothing was written), or a parameter is wrong (named in `fields`)")))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<ImportParams>,
    body: Bytes,
) -> WebResult<Response> {
    let kind = match Kind::parse(p.kind.trim()) {
        Ok(k) => k,
        Err(code) => {
            return Ok(refused(ImportReport::default(), FieldErrors::single("kind", code, Some(&p.kind)), None));
        }
    };
    let filename = p.filename.as_deref().map(str::trim).filter(|f| !f.is_empty()).unwrap_or("api-upload");
    let district = p.district.as_deref().map(str::trim).filter(|d| !d.is_empty());
    tracing::info!(kind = kind.as_str(), bytes = body.len(), dry_run = p.dry_run, "import over the API");
    let report =
        match accord_app::import::import_file(&state.app, &actor, kind, district, &body, filename, p.dry_run, |_| {})
            .await
        {
            Ok(r) => r,
            Err(AppError::Invalid(e)) => return Ok(refused(ImportReport::default(), e, Some(kind))),
            Err(e) => return Err(e.into()),
        };
    if !report.errors.is_empty() || report.more_errors > 0 {
        return Ok(refused(report, FieldErrors::new(), Some(kind)));
    }
    let result = ImportResult {
        kind: kind.as_str().to_owned(),
        rows: report.rows,
        added: report.added,
        updated: report.updated,
        unchanged: report.unchanged,
        dry_run: report.dry_run,
        import_id: report.import_id,
    };
    Ok(Json(result).into_response())
}

/// Rolls back the newest import of its kind in its district: removes the records it added and
/// restores those it changed. Refused (422) when a newer import exists, when it was rolled
/// back already, or when one of its records has been changed since.
#[utoipa::path(post, path = "/imports/{id}/rollback", tag = "imports", params(("id" = i64, Path)),
    responses((status = 200, body = Import), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn roll_back(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<Import>> {
    Ok(Json(bulk::roll_back(&state.app, &actor, id).await?.into()))
}
