//! Recruitment requests in the browser: the list with the totals of what it shows, the record
//! with its candidates, the form, and the open requests on the home page.

use super::Opt;
use super::listing::Listing;
use super::shared::{
    can_record, date_filter, date_opt, district_filter, district_label, district_name, district_options, import_filter,
    label, options, org_filter, require_record, staff_filter, staff_options, with_field_errors, worded,
};
use crate::ctx::{Page, ReqCtx, Staff};
use crate::error::WebResult;
use crate::forms::{CsrfForm, ShownErrors};
use crate::i18n;
use crate::state::AppState;
use accord_app::activities::{self as act, CandidateInput, RequestInput, RequestView};
use accord_app::directory as dir;
use accord_app::{Actor, AppError, Paging};
use accord_domain::{CandidateOutcome, FieldErrors, Lang, RequestStatus, format};
use accord_domain::{RecordFilter, RequestSort};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

/// The tag colour of a request's status.
pub fn status_class(status: &str) -> &'static str {
    match status {
        "open" => "tag-blue",
        "filled" => "tag-green",
        "expired" => "tag-yellow",
        _ => "tag-grey",
    }
}

/// The tag colour of a candidate's outcome.
pub fn candidate_class(outcome: &str) -> &'static str {
    match outcome {
        "hired" => "tag-green",
        "interviewed" => "tag-blue",
        "referred" => "tag-yellow",
        _ => "tag-grey",
    }
}

/// A share as people write it: `80%` in English, `80 %` in Danish; a dash for nothing.
pub fn share(lang: Lang, part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "–".into();
    }
    let p = (part * 100 + whole / 2) / whole;
    match lang {
        Lang::En => format!("{}%", format::number(lang, p)),
        Lang::Da => format!("{} %", format::number(lang, p)),
    }
}

/// "1 request", "107 requests": a count and its noun, one or many.
fn counted(lang: Lang, key: &str, n: i64) -> String {
    let form = if n == 1 { "one" } else { "many" };
    i18n::t_value(lang, &format!("{key}.{form}"), &format::number(lang, n))
}

// ---- list ----

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub status: String,
    pub am: String,
    pub from: String,
    pub to: String,
    pub district: String,
    pub import: String,
    pub organisation: String,
    pub sort: String,
    pub page: Option<u64>,
}

/// A request as the lists show it.
pub struct Row {
    pub id: i64,
    pub source_id: String,
    pub title: String,
    pub org_id: i64,
    pub org_name: String,
    pub received: String,
    pub deadline: String,
    pub positions: i32,
    pub hires: String,
    pub status: String,
    pub status_class: &'static str,
    pub account_manager: String,
    /// The district's name, where the list shows several districts.
    pub district: String,
}

pub fn row(lang: Lang, r: &RequestView) -> Row {
    Row {
        id: r.id,
        source_id: r.source_id.clone(),
        title: r.title.clone(),
        org_id: r.organisation_id,
        org_name: r.organisation_name.clone(),
        received: format::date_short(lang, r.received_date),
        deadline: date_opt(lang, r.deadline),
        positions: r.positions,
        hires: r.hires.map(|h| format::number(lang, i64::from(h))).unwrap_or_default(),
        status: label(lang, "req.statuses", &r.status),
        status_class: status_class(&r.status),
        account_manager: r.account_manager_name.clone().unwrap_or_default(),
        district: String::new(),
    }
}

/// The totals of the requests the filter matches, as figures and in words.
pub struct Totals {
    pub requests: String,
    pub positions: String,
    pub hires: String,
    pub share: String,
    /// "86 hires from 107 requests".
    pub share_text: String,
}

#[derive(Template)]
#[template(path = "requests/list.html")]
struct ListTemplate {
    page: Page,
    f: ListQuery,
    errors: ShownErrors,
    rows: Vec<Row>,
    caption: String,
    totals: Totals,
    list: Listing,
    statuses: Vec<Opt>,
    staff: Vec<Opt>,
    districts: Vec<Opt>,
    organisation: Option<(i64, String)>,
    import: Option<(i64, String)>,
    can_record: bool,
}

pub async fn list(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(f): Query<ListQuery>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let mut errors = FieldErrors::new();
    let status = match f.status.trim() {
        "" => None,
        s => errors.take("status", s, RequestStatus::parse(s)).map(|s| s.as_str().to_owned()),
    };
    let from = date_filter(&mut errors, "from", &f.from);
    let to = date_filter(&mut errors, "to", &f.to);
    let sort = errors.take("sort", &f.sort, RequestSort::parse(&f.sort)).unwrap_or_default();
    let (districts, district_id) = district_filter(&state, &actor, &f.district).await?;
    let organisation = org_filter(&state, &actor, &f.organisation).await?;
    let import = import_filter(&state, &actor, lang, &f.import).await?;
    let filter = RecordFilter {
        q: Some(f.q.trim().to_owned()).filter(|q| !q.is_empty()),
        kind: status,
        organisation_id: organisation.as_ref().map(|o| o.0),
        account_manager_id: f.am.parse().ok(),
        from,
        to,
        import_id: import.as_ref().map(|i| i.0),
        district_id,
        ..Default::default()
    };
    let paging = Paging::new(f.page, Some(50));
    let result = act::list_requests(&state.app, &actor, &filter, sort, paging).await?;
    let n = result.page.total as i64;
    let totals = Totals {
        requests: format::number(lang, n),
        positions: format::number(lang, result.positions),
        hires: format::number(lang, result.hires),
        share: share(lang, result.hires, n),
        share_text: i18n::t_args(
            lang,
            "req.share_text",
            &[
                ("hires", &counted(lang, "req.n_hires", result.hires)),
                ("requests", &counted(lang, "req.n_requests", n)),
            ],
        ),
    };
    let rows = result
        .page
        .items
        .iter()
        .map(|r| Row { district: district_label(&districts, &r.district), ..row(lang, r) })
        .collect();
    let caption = i18n::t_value(lang, "req.caption", &format::number(lang, n));
    let list = match Listing::new(
        &ctx,
        "/recruitment-requests",
        &[
            ("q", &f.q),
            ("status", &f.status),
            ("am", &f.am),
            ("from", &f.from),
            ("to", &f.to),
            ("district", &f.district),
            ("import", &f.import),
            ("organisation", &f.organisation),
        ],
        sort,
        paging,
        result.page.total,
    ) {
        Ok(list) => list,
        Err(refused) => return Ok(*refused),
    };
    let t = ListTemplate {
        page: ctx.page(ctx.t("req.title")),
        errors: ShownErrors::new(lang, &errors),
        rows,
        caption,
        totals,
        list,
        statuses: options(lang, "req.statuses", RequestStatus::ALL.iter().map(|s| s.as_str()), &f.status),
        staff: staff_filter(&state, &actor, &f.am).await?,
        districts,
        organisation,
        import,
        can_record: can_record(&actor),
        f,
    };
    let mut res = super::render(&t);
    if !t.errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

// ---- the form ----

/// The request form as posted.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RequestForm {
    pub district: String,
    pub source_id: String,
    pub organisation_ref: String,
    pub title: String,
    pub occupation: String,
    pub positions: String,
    pub received_date: String,
    pub deadline: String,
    pub status: String,
    pub hires: String,
    pub account_manager_email: String,
    pub version: Option<i32>,
}

impl RequestForm {
    fn input(&self) -> RequestInput {
        RequestInput {
            district: Some(self.district.clone()).filter(|d| !d.trim().is_empty()),
            source_id: self.source_id.clone(),
            organisation_ref: self.organisation_ref.clone(),
            title: self.title.clone(),
            occupation: self.occupation.clone(),
            positions: self.positions.clone(),
            received_date: self.received_date.clone(),
            deadline: self.deadline.clone(),
            status: self.status.clone(),
            hires: self.hires.clone(),
            account_manager_email: self.account_manager_email.clone(),
            version: self.version,
        }
    }

    fn from_view(v: &RequestView) -> Self {
        let i = RequestInput::from_view(v);
        RequestForm {
            district: v.district.clone(),
            source_id: i.source_id,
            organisation_ref: i.organisation_ref,
            title: i.title,
            occupation: i.occupation,
            positions: i.positions,
            received_date: i.received_date,
            deadline: i.deadline,
            status: i.status,
            hires: i.hires,
            account_manager_email: i.account_manager_email,
            version: i.version,
        }
    }

    fn value(&self, lang: Lang, field: &str) -> String {
        match field {
            "title" => self.title.clone(),
            "positions" => self.positions.clone(),
            "status" => label(lang, "req.statuses", &self.status),
            "hires" => self.hires.clone(),
            "deadline" => self.deadline.clone(),
            _ => String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "requests/form.html")]
struct FormTemplate {
    page: Page,
    f: RequestForm,
    errors: ShownErrors,
    changed: Vec<(String, String, String)>,
    action: String,
    back: String,
    is_new: bool,
    employer: Option<(i64, String)>,
    districts: Vec<Opt>,
    statuses: Vec<Opt>,
    staff: Vec<Opt>,
}

async fn render_form(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: Option<i64>,
    f: RequestForm,
    errors: &FieldErrors,
    changed: Vec<(String, String, String)>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let is_new = id.is_none();
    let employer =
        dir::find_by_ref(&state.app, actor, if is_new { &f.district } else { "" }, &f.organisation_ref).await?;
    let title = match id {
        None => ctx.t("req.new_title"),
        Some(_) => i18n::t_value(lang, "req.edit_title", &f.title),
    };
    let status = super::form_status(errors, !changed.is_empty());
    let t = FormTemplate {
        page: ctx.page(title),
        errors: worded(lang, errors),
        changed,
        action: id.map(|i| format!("/recruitment-requests/{i}")).unwrap_or_else(|| "/recruitment-requests".into()),
        back: match (id, &employer) {
            (Some(i), _) => format!("/recruitment-requests/{i}"),
            (None, Some(o)) => format!("/organisations/{}", o.id),
            (None, None) => "/recruitment-requests".into(),
        },
        employer: employer.as_ref().map(|o| (o.id, o.name.clone())),
        districts: if is_new { district_options(state, actor, &f.district).await? } else { vec![] },
        statuses: options(
            lang,
            "req.statuses",
            RequestStatus::ALL.iter().map(|s| s.as_str()),
            if f.status.is_empty() { "open" } else { &f.status },
        ),
        staff: staff_options(state, actor, lang, &f.account_manager_email).await?,
        is_new,
        f,
    };
    let mut res = super::render(&t);
    *res.status_mut() = status;
    Ok(res)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    pub organisation: String,
}

pub async fn new(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(q): Query<NewQuery>,
) -> WebResult<Response> {
    require_record(&actor)?;
    let mut f = RequestForm {
        status: "open".into(),
        positions: "1".into(),
        received_date: chrono::Utc::now().date_naive().to_string(),
        ..Default::default()
    };
    if let Ok(id) = q.organisation.parse::<i64>() {
        let o = dir::get(&state.app, &actor, id).await?;
        f.organisation_ref = o.r#ref;
        f.district = o.district;
    }
    render_form(&state, &ctx, &actor, None, f, &FieldErrors::new(), vec![]).await
}

fn own_field_errors(input: &RequestInput) -> FieldErrors {
    let mut errors = FieldErrors::new();
    act::check_request(input, false, &mut errors);
    errors
}

pub async fn create(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(f): CsrfForm<RequestForm>,
) -> WebResult<Response> {
    let input = f.input();
    match act::create_request(&state.app, &actor, None, &input).await {
        Ok(r) => Ok(super::redirect_with_flash(&ctx, &format!("/recruitment-requests/{}", r.id), "request_recorded")),
        Err(AppError::Invalid(errors)) => {
            let errors = with_field_errors(errors, own_field_errors(&input));
            render_form(&state, &ctx, &actor, None, f, &errors, vec![]).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    require_record(&actor)?;
    // The form shows the request, not its candidates: no look at a citizen to log.
    let r = act::get_request_quietly(&state.app, &actor, id).await?;
    render_form(&state, &ctx, &actor, Some(id), RequestForm::from_view(&r), &FieldErrors::new(), vec![]).await
}

fn field_label(lang: Lang, field: &str) -> String {
    let key = match field {
        "title" => "req.title_field",
        "positions" => "req.positions",
        "status" => "req.status",
        "hires" => "req.hires",
        "deadline" => "req.deadline",
        _ => return field.to_owned(),
    };
    i18n::t(lang, key)
}

pub async fn update(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<RequestForm>,
) -> WebResult<Response> {
    require_record(&actor)?;
    let input = f.input();
    match act::update_request(&state.app, &actor, id, &input).await {
        Ok(r) => Ok(super::redirect_with_flash(&ctx, &format!("/recruitment-requests/{}", r.id), "request_saved")),
        Err(AppError::Invalid(errors)) => {
            let errors = with_field_errors(errors, own_field_errors(&input));
            render_form(&state, &ctx, &actor, Some(id), f, &errors, vec![]).await
        }
        Err(AppError::Conflict { current, changed }) => {
            let current: RequestView =
                serde_json::from_value(current).map_err(|e| AppError::Internal(e.to_string()))?;
            let now = RequestForm::from_view(&current);
            let mut rows: Vec<(String, String, String)> = changed
                .iter()
                .map(|c| (field_label(ctx.lang, c), now.value(ctx.lang, c), f.value(ctx.lang, c)))
                .collect();
            if rows.is_empty() {
                rows.push((ctx.t("conflict.version"), String::new(), String::new()));
            }
            let mut kept = f.clone();
            kept.version = Some(current.version);
            render_form(&state, &ctx, &actor, Some(id), kept, &FieldErrors::new(), rows).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- the record and its candidates ----

/// A candidate as the record shows it, with the choices for a new outcome.
pub struct CandidateRow {
    pub id: i64,
    pub citizen_ref: String,
    pub outcome: String,
    pub outcome_class: &'static str,
    pub added: String,
    pub outcomes: Vec<Opt>,
    /// The message of a failed change of this candidate.
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "requests/show.html")]
struct ShowTemplate {
    page: Page,
    r: RequestView,
    status: String,
    status_class: &'static str,
    district_name: String,
    received: String,
    deadline: String,
    hires: String,
    hired_candidates: usize,
    candidates: Vec<CandidateRow>,
    candidate: CandidateInput,
    outcomes: Vec<Opt>,
    errors: ShownErrors,
    can_record: bool,
    can_audit: bool,
}

/// The record; `errors` of the candidate form (`candidate_id` None) or of one candidate's row.
async fn render_show(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: i64,
    candidate: CandidateInput,
    candidate_id: Option<i64>,
    errors: &FieldErrors,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let r = act::get_request(&state.app, actor, id).await?;
    let outcome_codes = || CandidateOutcome::ALL.iter().map(|o| o.as_str());
    let row_error = errors.0.first().map(|e| i18n::field_error(lang, e));
    let candidates = r
        .candidates
        .iter()
        .map(|c| CandidateRow {
            id: c.id,
            citizen_ref: c.citizen_ref.clone(),
            outcome: label(lang, "req.candidate_outcomes", &c.outcome),
            outcome_class: candidate_class(&c.outcome),
            added: format::date_short(lang, c.created_at.date_naive()),
            outcomes: options(lang, "req.candidate_outcomes", outcome_codes(), &c.outcome),
            error: if candidate_id == Some(c.id) { row_error.clone() } else { None },
        })
        .collect();
    let form_errors = if candidate_id.is_none() { errors.clone() } else { FieldErrors::new() };
    let t = ShowTemplate {
        page: ctx.page(i18n::t_args(
            lang,
            "req.show_title",
            &[("title", &r.title), ("employer", &r.organisation_name)],
        )),
        status: label(lang, "req.statuses", &r.status),
        status_class: status_class(&r.status),
        district_name: district_name(state, &r.district).await?,
        received: format::date(lang, r.received_date),
        deadline: r.deadline.map(|d| format::date(lang, d)).unwrap_or_else(|| ctx.t("req.no_deadline")),
        hires: r.hires.map(|h| format::number(lang, i64::from(h))).unwrap_or_else(|| ctx.t("req.no_hires")),
        hired_candidates: r.candidates.iter().filter(|c| c.outcome == "hired").count(),
        candidates,
        outcomes: options(
            lang,
            "req.candidate_outcomes",
            outcome_codes(),
            if candidate.outcome.is_empty() { "referred" } else { &candidate.outcome },
        ),
        candidate,
        errors: worded(lang, &form_errors),
        can_record: can_record(actor),
        can_audit: actor.can(accord_app::Permission::ViewAudit),
        r,
    };
    Ok(super::render_form(&t, errors, false))
}

pub async fn show(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    render_show(&state, &ctx, &actor, id, CandidateInput::default(), None, &FieldErrors::new()).await
}

pub async fn add_candidate(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<CandidateInput>,
) -> WebResult<Response> {
    match act::save_candidate(&state.app, &actor, id, None, &f).await {
        Ok(_) => {
            Ok(super::redirect_with_flash(&ctx, &format!("/recruitment-requests/{id}#candidates"), "candidate_added"))
        }
        Err(AppError::Invalid(errors)) => render_show(&state, &ctx, &actor, id, f, None, &errors).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn update_candidate(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path((id, candidate_id)): Path<(i64, i64)>,
    CsrfForm(f): CsrfForm<CandidateInput>,
) -> WebResult<Response> {
    // Only the outcome changes here; the reference stays as it was given.
    let input = CandidateInput { citizen_ref: String::new(), outcome: f.outcome };
    match act::save_candidate(&state.app, &actor, id, Some(candidate_id), &input).await {
        Ok(_) => {
            Ok(super::redirect_with_flash(&ctx, &format!("/recruitment-requests/{id}#candidates"), "candidate_saved"))
        }
        Err(AppError::Invalid(errors)) => {
            render_show(&state, &ctx, &actor, id, CandidateInput::default(), Some(candidate_id), &errors).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- on the home page ----

/// An open request of the signed-in user, for the home page.
pub struct OpenRow {
    pub id: i64,
    pub title: String,
    pub org_name: String,
    pub received: String,
    pub deadline: String,
    pub overdue: bool,
    pub positions: i32,
}

/// The actor's open requests, oldest first; `None` for those who hold none by their role.
pub async fn my_open(state: &AppState, actor: &Actor, lang: Lang) -> WebResult<Option<Vec<OpenRow>>> {
    if !can_record(actor) || actor.user_id.is_none() {
        return Ok(None);
    }
    let today = chrono::Utc::now().date_naive();
    let mut rows = act::my_open_requests(&state.app, actor).await?;
    // The most urgent first: by deadline (those without one last), then the oldest.
    rows.sort_by_key(|r| (r.deadline.is_none(), r.deadline, r.received_date, r.id));
    Ok(Some(
        rows.into_iter()
            .map(|r| OpenRow {
                id: r.id,
                received: format::date_short(lang, r.received_date),
                deadline: r.deadline.map(|d| format::date_short(lang, d)).unwrap_or_default(),
                overdue: r.deadline.is_some_and(|d| d < today),
                positions: r.positions,
                title: r.title,
                org_name: r.organisation_name,
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_counts() {
        assert_eq!(share(Lang::En, 86, 107), "80%");
        assert_eq!(share(Lang::Da, 86, 107), "80 %");
        assert_eq!(share(Lang::En, 0, 0), "–");
        assert_eq!(counted(Lang::En, "req.n_requests", 1), "1 request");
        assert_eq!(counted(Lang::En, "req.n_requests", 107), "107 requests");
        assert_eq!(counted(Lang::Da, "req.n_hires", 1086), "1.086 ansættelser");
    }

    #[test]
    fn every_status_and_outcome_has_a_label_in_both_languages() {
        let keys = RequestStatus::ALL
            .iter()
            .map(|s| format!("req.statuses.{}", s.as_str()))
            .chain(CandidateOutcome::ALL.iter().map(|o| format!("req.candidate_outcomes.{}", o.as_str())));
        for key in keys {
            for lang in [Lang::En, Lang::Da] {
                assert!(!i18n::t(lang, &key).ends_with(&key), "{key} has no {} text", lang.code());
            }
        }
    }
}
