//! Imports and exports in the browser: the upload page for every kind of file (organisations,
//! contacts, agreements, activities, recruitment requests), checked before anything is
//! written; the exports in the import's own columns; and the import history of activities and
//! recruitment requests — who imported which file when, what it did, the records it brought,
//! and the roll-back of the newest import of a kind.

use super::Opt;
use super::shared::{Empty, district_options};
use crate::ctx::{Page, ReqCtx, Staff};
use crate::error::WebResult;
use crate::forms::{CsrfForm, ShownErrors};
use crate::i18n;
use crate::state::AppState;
use accord_app::bulk::{self, ImportView};
use accord_app::directory as dir;
use accord_app::import::{ImportReport, Kind};
use accord_app::{Actor, AppError};
use accord_domain::{FieldErrors, Lang, format};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

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
    // An import that cannot be rolled back says why, as the roll-back itself would.
    let refusal = match (r.can_roll_back, errors.is_empty()) {
        (false, true) => bulk::roll_back_refusal(&state.app, actor, id).await?,
        _ => None,
    };
    let errors = refusal.as_ref().unwrap_or(errors);
    if !r.can_roll_back && errors.is_empty() {
        return Err(AppError::Forbidden.into());
    }
    let t = RollBackTemplate {
        page: ctx.page(i18n::t_value(lang, "hist.roll_back_title", &r.filename)),
        warning: i18n::t_args(lang, "hist.roll_back_warning", &[("added", &r.added), ("updated", &r.updated)]),
        errors: ShownErrors::new(lang, errors),
        r,
    };
    let mut res = super::render_form(&t, errors, false);
    if refusal.is_some() {
        *res.status_mut() = StatusCode::CONFLICT;
    }
    Ok(res)
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
    CsrfForm(_): CsrfForm<Empty>,
) -> WebResult<Response> {
    match bulk::roll_back(&state.app, &actor, id).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, "/imports", "import_rolled_back")),
        Err(AppError::Invalid(errors)) => render_roll_back(&state, &ctx, &actor, id, &errors).await,
        Err(e) => Err(e.into()),
    }
}

// ---- the upload page (every kind) and the exports ----

#[derive(Template)]
#[template(path = "imports/upload.html")]
struct ImportTemplate {
    page: Page,
    errors: ShownErrors,
    report: Option<ImportReport>,
    summary: String,
    bad_title: String,
    lines: Vec<(usize, String, String)>,
    /// "… and 4,995 more problems" when the report lists only the first ones.
    more_text: String,
    /// The records the import brought, for activities and recruitment requests.
    records_href: Option<String>,
    kinds: Vec<Opt>,
    districts: Vec<Opt>,
    help: Vec<KindHelp>,
}

/// What the upload page says of one kind of file: its columns and the words of its code
/// columns, by their names in the reader's language first.
struct KindHelp {
    title: String,
    required: String,
    columns: String,
    /// Each code column and the words it takes.
    words: Vec<(String, String)>,
    note: Option<String>,
    /// Activities: a link to the activity types, whose names the type column takes.
    types_link: bool,
}

fn kind_help(lang: Lang, kind: Kind) -> KindHelp {
    let note = match kind {
        Kind::Contacts => Some("import.consent_note"),
        Kind::Activities => Some("import.activities_note"),
        Kind::RecruitmentRequests => Some("import.requests_note"),
        _ => None,
    };
    KindHelp {
        title: i18n::t(lang, &format!("import.kinds.{}", kind.as_str())),
        required: i18n::import_columns(lang, kind, kind.required()),
        columns: i18n::import_columns(lang, kind, kind.columns()),
        words: kind
            .columns()
            .iter()
            .filter_map(|c| Some((i18n::import_column(lang, kind, c), i18n::import_words(lang, kind, c)?)))
            .collect(),
        note: note.map(|k| i18n::t(lang, k)),
        types_link: kind == Kind::Activities,
    }
}

/// The kinds of file the upload page takes.
const IMPORT_KINDS: [Kind; 5] =
    [Kind::Organisations, Kind::Contacts, Kind::Agreements, Kind::Activities, Kind::RecruitmentRequests];

async fn render_import(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    kind: &str,
    district: Option<&str>,
    report: Option<ImportReport>,
    errors: &FieldErrors,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let n = |key: &str, count: usize| i18n::counted(lang, key, count as i64);
    let summary = report
        .as_ref()
        .map(|r| {
            i18n::t_args(
                lang,
                "import.summary",
                &[
                    ("rows", &n("import.n_rows", r.rows)),
                    ("added", &n("import.n_added", r.added)),
                    ("updated", &n("import.n_updated", r.updated)),
                    ("unchanged", &n("import.n_unchanged", r.unchanged)),
                ],
            )
        })
        .unwrap_or_default();
    // The problems name the columns and words in the kind the page was asked for.
    let shown_kind = Kind::parse(kind).ok();
    let lines: Vec<(usize, String, String)> = report
        .as_ref()
        .map(|r| {
            r.errors
                .iter()
                .map(|e| match shown_kind {
                    Some(k) => {
                        (e.line, i18n::import_column(lang, k, &e.error.field), i18n::import_problem(lang, k, &e.error))
                    }
                    None => (e.line, e.error.field.clone(), i18n::field_error(lang, &e.error)),
                })
                .collect()
        })
        .unwrap_or_default();
    let more = report.as_ref().map(|r| r.more_errors).unwrap_or(0);
    let bad_title = n("import.bad_lines", lines.len() + more);
    let more_text = if more > 0 { n("import.more_errors", more) } else { String::new() };
    let records_href =
        report.as_ref().filter(|r| !r.dry_run && r.errors.is_empty()).and_then(|r| r.import_id).map(|id| {
            let list = if kind == Kind::RecruitmentRequests.as_str() { "/recruitment-requests" } else { "/activities" };
            format!("{list}?import={id}")
        });
    let failed = report.as_ref().is_some_and(|r| !r.errors.is_empty()) || !errors.is_empty();
    let mut res = super::render(&ImportTemplate {
        page: ctx.page(ctx.t("import.title")),
        errors: ShownErrors::new(lang, errors),
        report,
        summary,
        bad_title,
        lines,
        more_text,
        records_href,
        kinds: IMPORT_KINDS
            .iter()
            .map(|k| Opt {
                value: k.as_str().into(),
                label: i18n::t(lang, &format!("import.kinds.{}", k.as_str())),
                checked: k.as_str() == kind,
            })
            .collect(),
        districts: district_options(state, actor, district.unwrap_or("")).await?,
        help: IMPORT_KINDS.iter().map(|k| kind_help(lang, *k)).collect(),
    });
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ImportQuery {
    kind: String,
}

pub async fn upload_form(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(q): Query<ImportQuery>,
) -> WebResult<Response> {
    dir::require_edit(&actor)?;
    let kind = Kind::parse(&q.kind).map(|k| k.as_str()).unwrap_or("organisations");
    render_import(&state, &ctx, &actor, kind, None, None, &FieldErrors::new()).await
}

/// The upload: the file and the form fields, with the CSRF token checked like any form's.
pub async fn upload(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    mut mp: Multipart,
) -> WebResult<Response> {
    let (mut csrf, mut kind, mut district, mut action, mut file) =
        (String::new(), String::new(), String::new(), String::new(), Vec::new());
    let mut file_name = String::new();
    while let Some(field) = mp.next_field().await.map_err(|_| AppError::field("file", "import.upload_failed", None))? {
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            file_name = field.file_name().unwrap_or("").to_owned();
            file = field.bytes().await.map_err(|_| AppError::field("file", "import.upload_failed", None))?.to_vec();
        } else {
            let text = field.text().await.unwrap_or_default();
            match name.as_str() {
                "_csrf" => csrf = text,
                "kind" => kind = text,
                "district" => district = text,
                "action" => action = text,
                _ => {}
            }
        }
    }
    if csrf.is_empty() || !crate::forms::same(&csrf, ctx.csrf()) {
        return Err(AppError::Forbidden.into());
    }
    let district_opt = Some(district.as_str()).filter(|d| !d.is_empty());
    let Ok(k) = Kind::parse(&kind) else {
        let e = FieldErrors::single("kind", "import.kind_unknown", Some(&kind));
        return render_import(&state, &ctx, &actor, &kind, district_opt, None, &e).await;
    };
    if file.is_empty() {
        let e = FieldErrors::single("file", "import.no_file", None);
        return render_import(&state, &ctx, &actor, &kind, district_opt, None, &e).await;
    }
    tracing::info!(kind = k.as_str(), bytes = file.len(), name_len = file_name.len(), "import uploaded");
    let dry_run = action != "import";
    let name = if file_name.trim().is_empty() { "upload" } else { file_name.trim() };
    match accord_app::import::import_file(&state.app, &actor, k, district_opt, &file, name, dry_run, |_| {}).await {
        Ok(report) => render_import(&state, &ctx, &actor, &kind, district_opt, Some(report), &FieldErrors::new()).await,
        Err(AppError::Invalid(e)) => render_import(&state, &ctx, &actor, &kind, district_opt, None, &e).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    format: String,
}

pub async fn export(
    State(state): State<AppState>,
    Staff { actor, .. }: Staff,
    Query(q): Query<ExportQuery>,
) -> WebResult<Response> {
    let kind = Kind::parse(&q.kind).map_err(|c| AppError::field("kind", c, Some(&q.kind)))?;
    let format = accord_app::files::Format::parse(if q.format.is_empty() { "csv" } else { &q.format })
        .map_err(|c| AppError::field("format", c, Some(&q.format)))?;
    let bytes = accord_app::import::export(&state.app, &actor, kind, format, None).await?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    let disposition = format!("attachment; filename=\"{}.{}\"", kind.as_str(), format.extension());
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    Ok(res)
}
