//! Activities at employers in the browser: the list with its filters, the record, the form,
//! and the latest activities on an employer's page. Also the helpers the recruitment request
//! pages share: filters, labels and field messages.

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
use accord_app::activities::{self as act, ActivityInput, ActivityView, TypeIndex};
use accord_app::directory as dir;
use accord_app::{Actor, AppError, Paging};
use accord_domain::{ActivityOutcome, FieldErrors, Lang, format};
use accord_domain::{ActivitySort, RecordFilter};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use serde::Deserialize;

/// How many of an employer's activities (and requests) its page shows.
pub const ON_ORG_PAGE: u64 = 20;

/// The tag colour of an activity's outcome.
pub fn outcome_class(outcome: &str) -> &'static str {
    match outcome {
        "ongoing" => "tag-blue",
        "hired" => "tag-green",
        "cancelled" => "tag-yellow",
        _ => "tag-grey",
    }
}

// ---- list ----

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub outcome: String,
    pub am: String,
    pub from: String,
    pub to: String,
    pub district: String,
    pub import: String,
    pub organisation: String,
    pub sort: String,
    pub page: Option<u64>,
}

/// An activity as the lists show it.
pub struct Row {
    pub id: i64,
    pub source_id: String,
    pub kind: String,
    pub org_id: i64,
    pub org_name: String,
    pub start: String,
    pub end: String,
    pub citizen_ref: String,
    pub outcome: String,
    pub outcome_class: &'static str,
    pub account_manager: String,
    /// The district's name, where the list shows several districts.
    pub district: String,
}

pub fn row(lang: Lang, types: &TypeIndex, a: &ActivityView) -> Row {
    Row {
        id: a.id,
        source_id: a.source_id.clone(),
        kind: types.label(&a.r#type, lang),
        org_id: a.organisation_id,
        org_name: a.organisation_name.clone(),
        start: format::date_short(lang, a.start_date),
        end: date_opt(lang, a.end_date),
        citizen_ref: a.citizen_ref.clone().unwrap_or_default(),
        outcome: label(lang, "act.outcomes", &a.outcome),
        outcome_class: outcome_class(&a.outcome),
        account_manager: a.account_manager_name.clone().unwrap_or_default(),
        district: String::new(),
    }
}

/// The types to choose from: every one that is in use, labelled in the reader's language;
/// a retired one only when it is the record's own.
fn type_options(lang: Lang, types: &TypeIndex, selected: &str, keep: Option<&str>) -> Vec<Opt> {
    types
        .types
        .iter()
        .filter(|t| !t.retired || Some(t.code.as_str()) == keep)
        .map(|t| {
            let name = if lang == Lang::Da { t.label_da.clone() } else { t.label_en.clone() };
            Opt {
                value: t.code.clone(),
                label: if t.retired { format!("{name} ({})", i18n::t(lang, "atype.retired")) } else { name },
                checked: t.code == selected,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "activities/list.html")]
struct ListTemplate {
    page: Page,
    f: ListQuery,
    errors: ShownErrors,
    rows: Vec<Row>,
    caption: String,
    list: Listing,
    types: Vec<Opt>,
    outcomes: Vec<Opt>,
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
    let types = act::types(&state.app).await?;
    let mut errors = FieldErrors::new();
    let kind = match f.kind.trim() {
        "" => None,
        k => match types.find(k) {
            Some(t) => Some(t.code.clone()),
            None => {
                errors.add("type", "activity_type.unknown", Some(k));
                None
            }
        },
    };
    let outcome = match f.outcome.trim() {
        "" => None,
        o => errors.take("outcome", o, ActivityOutcome::parse(o)).map(|o| o.as_str().to_owned()),
    };
    let from = date_filter(&mut errors, "from", &f.from);
    let to = date_filter(&mut errors, "to", &f.to);
    let sort = errors.take("sort", &f.sort, ActivitySort::parse(&f.sort)).unwrap_or_default();
    let (districts, district_id) = district_filter(&state, &actor, &f.district).await?;
    let organisation = org_filter(&state, &actor, &f.organisation).await?;
    let import = import_filter(&state, &actor, lang, &f.import).await?;
    let filter = RecordFilter {
        q: Some(f.q.trim().to_owned()).filter(|q| !q.is_empty()),
        kind,
        outcome,
        organisation_id: organisation.as_ref().map(|o| o.0),
        account_manager_id: f.am.parse().ok(),
        from,
        to,
        import_id: import.as_ref().map(|i| i.0),
        district_id,
    };
    let paging = Paging::new(f.page, Some(50));
    let result = act::list_activities(&state.app, &actor, &filter, sort, paging).await?;
    let rows = result
        .items
        .iter()
        .map(|a| Row { district: district_label(&districts, &a.district), ..row(lang, &types, a) })
        .collect();
    let caption = i18n::t_value(lang, "act.caption", &format::number(lang, result.total as i64));
    let list = match Listing::new(
        &ctx,
        "/activities",
        &[
            ("q", &f.q),
            ("type", &f.kind),
            ("outcome", &f.outcome),
            ("am", &f.am),
            ("from", &f.from),
            ("to", &f.to),
            ("district", &f.district),
            ("import", &f.import),
            ("organisation", &f.organisation),
        ],
        sort,
        paging,
        result.total,
    ) {
        Ok(list) => list,
        Err(refused) => return Ok(*refused),
    };
    let mut type_opts = type_options(lang, &types, &f.kind, None);
    // Retired types are still there to find the records that have them.
    type_opts.extend(types.types.iter().filter(|t| t.retired).map(|t| Opt {
        value: t.code.clone(),
        label: format!("{} ({})", types.label(&t.code, lang), i18n::t(lang, "atype.retired")),
        checked: t.code == f.kind,
    }));
    let t = ListTemplate {
        page: ctx.page(ctx.t("act.title")),
        errors: ShownErrors::new(lang, &errors),
        rows,
        caption,
        list,
        types: type_opts,
        outcomes: options(lang, "act.outcomes", ActivityOutcome::ALL.iter().map(|o| o.as_str()), &f.outcome),
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

/// The activity form as posted.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ActivityForm {
    pub district: String,
    pub source_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub organisation_ref: String,
    pub start_date: String,
    pub end_date: String,
    pub citizen_ref: String,
    pub outcome: String,
    pub account_manager_email: String,
    pub version: Option<i32>,
}

impl ActivityForm {
    fn input(&self) -> ActivityInput {
        ActivityInput {
            district: Some(self.district.clone()).filter(|d| !d.trim().is_empty()),
            source_id: self.source_id.clone(),
            r#type: self.kind.clone(),
            organisation_ref: self.organisation_ref.clone(),
            start_date: self.start_date.clone(),
            end_date: self.end_date.clone(),
            citizen_ref: self.citizen_ref.clone(),
            outcome: self.outcome.clone(),
            account_manager_email: self.account_manager_email.clone(),
            version: self.version,
        }
    }

    fn from_view(v: &ActivityView) -> Self {
        let i = ActivityInput::from_view(v);
        ActivityForm {
            district: v.district.clone(),
            source_id: i.source_id,
            kind: i.r#type,
            organisation_ref: i.organisation_ref,
            start_date: i.start_date,
            end_date: i.end_date,
            citizen_ref: i.citizen_ref,
            outcome: i.outcome,
            account_manager_email: i.account_manager_email,
            version: i.version,
        }
    }

    fn value(&self, types: &TypeIndex, lang: Lang, field: &str) -> String {
        match field {
            "type" => types.label(&self.kind, lang),
            "organisation_ref" => self.organisation_ref.clone(),
            "start_date" => self.start_date.clone(),
            "end_date" => self.end_date.clone(),
            "citizen_ref" => self.citizen_ref.clone(),
            "outcome" => label(lang, "act.outcomes", &self.outcome),
            "account_manager_email" => self.account_manager_email.clone(),
            _ => String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "activities/form.html")]
struct FormTemplate {
    page: Page,
    f: ActivityForm,
    errors: ShownErrors,
    changed: Vec<(String, String, String)>,
    action: String,
    back: String,
    is_new: bool,
    employer: Option<(i64, String)>,
    districts: Vec<Opt>,
    types: Vec<Opt>,
    outcomes: Vec<Opt>,
    staff: Vec<Opt>,
}

/// The form, new (`id` None) or for a record, with what was typed and what was wrong.
async fn render_form(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: Option<(i64, String)>,
    f: ActivityForm,
    errors: &FieldErrors,
    changed: Vec<(String, String, String)>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let types = act::types(&state.app).await?;
    let is_new = id.is_none();
    let employer =
        dir::find_by_ref(&state.app, actor, if is_new { &f.district } else { "" }, &f.organisation_ref).await?;
    let mut type_opts = type_options(lang, &types, &f.kind, id.as_ref().map(|(_, t)| t.as_str()));
    if is_new || !type_opts.iter().any(|o| o.checked) {
        type_opts.insert(
            0,
            Opt { value: String::new(), label: i18n::t(lang, "act.choose_type"), checked: f.kind.is_empty() },
        );
    }
    let title = match &id {
        None => ctx.t("act.new_title"),
        Some(_) => i18n::t_value(lang, "act.edit_title", &f.source_id),
    };
    let status = super::form_status(errors, !changed.is_empty());
    let t = FormTemplate {
        page: ctx.page(title),
        errors: worded(lang, errors),
        changed,
        action: id.as_ref().map(|(i, _)| format!("/activities/{i}")).unwrap_or_else(|| "/activities".into()),
        back: match (&id, &employer) {
            (Some((i, _)), _) => format!("/activities/{i}"),
            (None, Some(o)) => format!("/organisations/{}", o.id),
            (None, None) => "/activities".into(),
        },
        employer: employer.as_ref().map(|o| (o.id, o.name.clone())),
        districts: if is_new { district_options(state, actor, &f.district).await? } else { vec![] },
        types: type_opts,
        outcomes: options(
            lang,
            "act.outcomes",
            ActivityOutcome::ALL.iter().map(|o| o.as_str()),
            if f.outcome.is_empty() { "ongoing" } else { &f.outcome },
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
    let mut f = ActivityForm {
        outcome: "ongoing".into(),
        start_date: chrono::Utc::now().date_naive().to_string(),
        ..Default::default()
    };
    if let Ok(id) = q.organisation.parse::<i64>() {
        let o = dir::get(&state.app, &actor, id).await?;
        f.organisation_ref = o.r#ref;
        f.district = o.district;
    }
    render_form(&state, &ctx, &actor, None, f, &FieldErrors::new(), vec![]).await
}

/// The checks of the activity's own fields, for when the employer stopped the use case first.
async fn own_field_errors(state: &AppState, input: &ActivityInput) -> WebResult<FieldErrors> {
    let types = act::types(&state.app).await?;
    let mut errors = FieldErrors::new();
    act::check_activity(&types, input, false, &mut errors);
    Ok(errors)
}

pub async fn create(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(f): CsrfForm<ActivityForm>,
) -> WebResult<Response> {
    let input = f.input();
    match act::create_activity(&state.app, &actor, None, &input).await {
        Ok(a) => Ok(super::redirect_with_flash(&ctx, &format!("/activities/{}", a.id), "activity_recorded")),
        Err(AppError::Invalid(errors)) => {
            let errors = with_field_errors(errors, own_field_errors(&state, &input).await?);
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
    let a = act::get_activity(&state.app, &actor, id).await?;
    let f = ActivityForm::from_view(&a);
    render_form(&state, &ctx, &actor, Some((id, a.r#type)), f, &FieldErrors::new(), vec![]).await
}

fn field_label(lang: Lang, field: &str) -> String {
    let key = match field {
        "type" => "act.type",
        "organisation_ref" => "act.employer",
        "start_date" => "act.start_date",
        "end_date" => "act.end_date",
        "citizen_ref" => "act.citizen_ref",
        "outcome" => "act.outcome",
        "account_manager_email" => "act.account_manager",
        _ => return field.to_owned(),
    };
    i18n::t(lang, key)
}

pub async fn update(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ActivityForm>,
) -> WebResult<Response> {
    require_record(&actor)?;
    let input = f.input();
    match act::update_activity(&state.app, &actor, id, &input).await {
        Ok(a) => Ok(super::redirect_with_flash(&ctx, &format!("/activities/{}", a.id), "activity_saved")),
        Err(AppError::Invalid(errors)) => {
            let before = act::get_activity(&state.app, &actor, id).await?;
            let errors = with_field_errors(errors, own_field_errors(&state, &input).await?);
            render_form(&state, &ctx, &actor, Some((id, before.r#type)), f, &errors, vec![]).await
        }
        Err(AppError::Conflict { current, changed }) => {
            let current: ActivityView =
                serde_json::from_value(current).map_err(|e| AppError::Internal(e.to_string()))?;
            let types = act::types(&state.app).await?;
            let now = ActivityForm::from_view(&current);
            let mut rows: Vec<(String, String, String)> = changed
                .iter()
                .map(|c| (field_label(ctx.lang, c), now.value(&types, ctx.lang, c), f.value(&types, ctx.lang, c)))
                .collect();
            if rows.is_empty() {
                rows.push((ctx.t("conflict.version"), String::new(), String::new()));
            }
            let mut kept = f.clone();
            kept.version = Some(current.version);
            render_form(&state, &ctx, &actor, Some((id, current.r#type)), kept, &FieldErrors::new(), rows).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- the record ----

#[derive(Template)]
#[template(path = "activities/show.html")]
struct ShowTemplate {
    page: Page,
    a: ActivityView,
    kind: String,
    outcome: String,
    outcome_class: &'static str,
    district_name: String,
    start: String,
    end: String,
    can_record: bool,
    can_audit: bool,
}

pub async fn show(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let a = act::get_activity(&state.app, &actor, id).await?;
    let types = act::types(&state.app).await?;
    let kind = types.label(&a.r#type, lang);
    let t = ShowTemplate {
        page: ctx.page(i18n::t_args(lang, "act.show_title", &[("type", &kind), ("employer", &a.organisation_name)])),
        outcome: label(lang, "act.outcomes", &a.outcome),
        outcome_class: outcome_class(&a.outcome),
        district_name: district_name(&state, &a.district).await?,
        start: format::date(lang, a.start_date),
        end: a.end_date.map(|d| format::date(lang, d)).unwrap_or_else(|| ctx.t("act.no_end")),
        can_record: can_record(&actor),
        can_audit: actor.can(accord_app::Permission::ViewAudit),
        kind,
        a,
    };
    Ok(super::render(&t))
}

// ---- on the employer's page ----

/// The latest activities and requests of an employer, with how many there are in all.
#[derive(Default)]
pub struct OrgRecords {
    pub activities: Vec<Row>,
    pub activities_total: u64,
    pub activities_caption: String,
    pub requests: Vec<super::requests::Row>,
    pub requests_total: u64,
    pub requests_caption: String,
    /// The link to all of them, with how many.
    pub activities_all: String,
    pub requests_all: String,
    pub can_view: bool,
    pub can_record: bool,
}

pub async fn for_organisation(state: &AppState, actor: &Actor, lang: Lang, org_id: i64) -> WebResult<OrgRecords> {
    if !dir::can_view(actor) {
        return Ok(OrgRecords::default());
    }
    let filter = RecordFilter { organisation_id: Some(org_id), ..Default::default() };
    let paging = Paging::new(Some(1), Some(ON_ORG_PAGE));
    let types = act::types(&state.app).await?;
    let acts = act::list_activities(&state.app, actor, &filter, Default::default(), paging).await?;
    let reqs = act::list_requests(&state.app, actor, &filter, Default::default(), paging).await?;
    let caption = |key: &str, shown: usize, total: u64| {
        i18n::t_args(
            lang,
            key,
            &[("shown", &format::number(lang, shown as i64)), ("total", &format::number(lang, total as i64))],
        )
    };
    Ok(OrgRecords {
        activities_all: i18n::t_value(lang, "act.all_for_org", &format::number(lang, acts.total as i64)),
        requests_all: i18n::t_value(lang, "req.all_for_org", &format::number(lang, reqs.page.total as i64)),
        activities_caption: caption("act.org_caption", acts.items.len(), acts.total),
        activities: acts.items.iter().map(|a| row(lang, &types, a)).collect(),
        activities_total: acts.total,
        requests_caption: caption("req.org_caption", reqs.page.items.len(), reqs.page.total),
        requests: reqs.page.items.iter().map(|r| super::requests::row(lang, r)).collect(),
        requests_total: reqs.page.total,
        can_view: true,
        can_record: can_record(actor),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_has_a_label_in_both_languages() {
        for o in ActivityOutcome::ALL {
            for lang in [Lang::En, Lang::Da] {
                let key = format!("act.outcomes.{}", o.as_str());
                assert!(!i18n::t(lang, &key).ends_with(&key), "{key} has no {} text", lang.code());
            }
        }
    }

    #[test]
    fn an_end_before_the_start_is_told_at_each_field() {
        let mut e = FieldErrors::new();
        e.add("start_date", "period.end_before_start", Some("2024-03-01"));
        e.add("end_date", "period.end_before_start", Some("2024-01-01"));
        e.add("type", "field.required", None);
        let shown = worded(Lang::En, &e);
        assert_eq!(shown.get("start_date"), Some("The start date must be on or before the end date."));
        assert_eq!(shown.get("end_date"), Some("The end date must be on or after the start date."));
        assert_eq!(shown.get("type"), Some("Choose the type of activity."));
    }
}
