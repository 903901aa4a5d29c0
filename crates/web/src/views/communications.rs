//! The communications log in the browser: the list with its filters, the form to record or
//! change a piece of outreach, and the confirmation before one is deleted.

use super::Opt;
use super::listing::Listing;
use super::shared::{Empty, district_filter, district_label, district_options, label, options, stale};
use crate::ctx::{Page, ReqCtx, Staff};
use crate::error::WebResult;
use crate::forms::{CsrfForm, ShownErrors};
use crate::i18n;
use crate::state::AppState;
use accord_app::communications::{self as comm, CommunicationInput, CommunicationView, YearCounts};
use accord_app::{Actor, AppError, Paging};
use accord_domain::{Channel, CommunicationFilter, CommunicationSort, FieldErrors, Lang, format};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

/// The channels' codes, in their order.
fn channel_codes() -> impl Iterator<Item = &'static str> {
    Channel::ALL.iter().map(|c| c.as_str())
}

fn require_write(actor: &Actor) -> WebResult<()> {
    if comm::can_write(actor) { Ok(()) } else { Err(AppError::Forbidden.into()) }
}

// ---- list ----

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub channel: String,
    pub year: String,
    pub district: String,
    pub sort: String,
    pub page: Option<u64>,
}

/// A piece as the list shows it.
pub struct Row {
    pub id: i64,
    pub date: String,
    pub channel: String,
    pub title: String,
    pub url: Option<String>,
    pub reach: String,
    pub organisations: Vec<(i64, String)>,
    /// The district's name, where the list shows several districts.
    pub district: String,
}

fn row(lang: Lang, v: &CommunicationView) -> Row {
    Row {
        id: v.id,
        date: format::date_short(lang, v.published_on),
        channel: label(lang, "comm.channels", &v.channel),
        title: v.title.clone(),
        url: v.url.clone(),
        reach: v.reach.map(|r| format::number(lang, r)).unwrap_or_default(),
        organisations: v.organisations.iter().map(|o| (o.id, o.name.clone())).collect(),
        district: String::new(),
    }
}

#[derive(Template)]
#[template(path = "communications/list.html")]
struct ListTemplate {
    page: Page,
    f: ListQuery,
    errors: ShownErrors,
    rows: Vec<Row>,
    caption: String,
    list: Listing,
    channels: Vec<Opt>,
    districts: Vec<Opt>,
    can_write: bool,
}

pub async fn list(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(f): Query<ListQuery>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let mut errors = FieldErrors::new();
    let channel = match f.channel.trim() {
        "" => None,
        c => errors.take("channel", c, Channel::parse(c)),
    };
    let year = match f.year.trim() {
        "" => None,
        y => match y.parse::<i32>() {
            Ok(n) if (1900..=9999).contains(&n) => Some(n),
            _ => {
                errors.add("year", "comm.year_format", Some(y));
                None
            }
        },
    };
    let sort = errors.take("sort", &f.sort, CommunicationSort::parse(&f.sort)).unwrap_or_default();
    let (districts, district_id) = district_filter(&state, &actor, &f.district).await?;
    let filter = CommunicationFilter {
        district_id,
        channel,
        year,
        q: Some(f.q.trim().to_owned()).filter(|q| !q.is_empty()),
        organisation_id: None,
    };
    let paging = Paging::new(f.page, Some(50));
    let result = comm::list(&state.app, &actor, &filter, sort, paging).await?;
    let rows = result
        .items
        .iter()
        .map(|v| Row { district: district_label(&districts, &v.district), ..row(lang, v) })
        .collect();
    let caption = i18n::t_value(lang, "comm.caption", &format::number(lang, result.total as i64));
    let list = match Listing::new(
        &ctx,
        "/communications",
        &[("q", &f.q), ("channel", &f.channel), ("year", &f.year), ("district", &f.district)],
        sort,
        paging,
        result.total,
    ) {
        Ok(list) => list,
        Err(refused) => return Ok(*refused),
    };
    let t = ListTemplate {
        page: ctx.page(ctx.t("comm.title")),
        errors: ShownErrors::new(lang, &errors),
        rows,
        caption,
        list,
        channels: options(lang, "comm.channels", channel_codes(), &f.channel),
        districts,
        can_write: comm::can_write(&actor),
        f,
    };
    let mut res = super::render(&t);
    if !t.errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

// ---- the form ----

/// Field errors in the words of each field: what to enter in a field left empty.
fn worded(lang: Lang, errors: &FieldErrors) -> ShownErrors {
    let mut out = ShownErrors::new(lang, errors);
    for (e, item) in errors.0.iter().zip(out.items.iter_mut()) {
        if e.code == "field.required" {
            let key = format!("comm.required.{}", e.field);
            let text = i18n::t(lang, &key);
            if !text.ends_with(&key) {
                item.1 = text;
            }
        }
    }
    out
}

#[derive(Template)]
#[template(path = "communications/form.html")]
struct FormTemplate {
    page: Page,
    f: CommunicationInput,
    errors: ShownErrors,
    changed: Vec<(String, String, String)>,
    action: String,
    id: Option<i64>,
    districts: Vec<Opt>,
    channels: Vec<Opt>,
}

async fn render_form(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: Option<i64>,
    f: CommunicationInput,
    errors: &FieldErrors,
    changed: Vec<(String, String, String)>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let title = match id {
        None => ctx.t("comm.new_title"),
        Some(_) => i18n::t_value(lang, "comm.edit_title", &f.title),
    };
    let status = super::form_status(errors, !changed.is_empty());
    let district = f.district.clone().unwrap_or_default();
    let t = FormTemplate {
        page: ctx.page(title),
        errors: worded(lang, errors),
        changed,
        action: id.map(|i| format!("/communications/{i}")).unwrap_or_else(|| "/communications".into()),
        id,
        districts: if id.is_none() { district_options(state, actor, &district).await? } else { vec![] },
        channels: options(lang, "comm.channels", channel_codes(), &f.channel),
        f,
    };
    let mut res = super::render(&t);
    *res.status_mut() = status;
    Ok(res)
}

pub async fn new(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    require_write(&actor)?;
    let f = CommunicationInput {
        channel: "linkedin".into(),
        published_on: chrono::Utc::now().date_naive().to_string(),
        ..Default::default()
    };
    render_form(&state, &ctx, &actor, None, f, &FieldErrors::new(), vec![]).await
}

pub async fn create(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(f): CsrfForm<CommunicationInput>,
) -> WebResult<Response> {
    require_write(&actor)?;
    match comm::create(&state.app, &actor, &f).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, "/communications", "communication_recorded")),
        Err(AppError::Invalid(errors)) => render_form(&state, &ctx, &actor, None, f, &errors, vec![]).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    require_write(&actor)?;
    let v = comm::get(&state.app, &actor, id).await?;
    render_form(&state, &ctx, &actor, Some(id), CommunicationInput::from_view(&v), &FieldErrors::new(), vec![]).await
}

pub async fn update(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<CommunicationInput>,
) -> WebResult<Response> {
    require_write(&actor)?;
    match comm::update(&state.app, &actor, id, &f).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, "/communications", "communication_saved")),
        Err(AppError::Invalid(errors)) => render_form(&state, &ctx, &actor, Some(id), f, &errors, vec![]).await,
        Err(AppError::Conflict { current, changed }) => {
            let (mine, mut rows) =
                stale::<CommunicationView, _>(&ctx, "comm", current, &changed, &f, CommunicationInput::from_view)?;
            if rows.is_empty() {
                rows.push((ctx.t("conflict.version"), String::new(), String::new()));
            }
            render_form(&state, &ctx, &actor, Some(id), mine, &FieldErrors::new(), rows).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- delete ----

#[derive(Template)]
#[template(path = "communications/delete.html")]
struct DeleteTemplate {
    page: Page,
    v: CommunicationView,
    channel: String,
    date: String,
}

pub async fn confirm_delete(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    require_write(&actor)?;
    let v = comm::get(&state.app, &actor, id).await?;
    let t = DeleteTemplate {
        page: ctx.page(i18n::t_value(ctx.lang, "comm.delete_title", &v.title)),
        channel: label(ctx.lang, "comm.channels", &v.channel),
        date: format::date(ctx.lang, v.published_on),
        v,
    };
    Ok(super::render(&t))
}

pub async fn delete(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> WebResult<Response> {
    require_write(&actor)?;
    comm::delete(&state.app, &actor, id).await?;
    Ok(super::redirect_with_flash(&ctx, "/communications", "communication_deleted"))
}

// ---- on the dashboard ----

/// The counts per year and channel as the dashboard's table shows them: each count leads to
/// the pieces it counts.
pub struct CountTable {
    /// The channels' labels, the columns.
    pub channels: Vec<String>,
    /// Per year: the year, the counts in the channels' order, the total.
    pub rows: Vec<(i32, Vec<Linked>, Linked)>,
}

/// A count as shown, and the link to what it counts.
pub type Linked = (String, String);

/// The table of the log's counts per year and channel in `district` (or every district the
/// user may see).
pub fn count_table(lang: Lang, years: &[YearCounts], district: Option<&str>) -> CountTable {
    let href = |year: i32, channel: &str| {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        ser.append_pair("year", &year.to_string());
        if !channel.is_empty() {
            ser.append_pair("channel", channel);
        }
        if let Some(d) = district {
            ser.append_pair("district", d);
        }
        format!("/communications?{}", ser.finish())
    };
    CountTable {
        channels: channel_codes().map(|c| label(lang, "comm.channels", c)).collect(),
        rows: years
            .iter()
            .map(|y| {
                (
                    y.year,
                    y.channels.iter().map(|c| (format::number(lang, c.count), href(y.year, &c.channel))).collect(),
                    (format::number(lang, y.total), href(y.year, "")),
                )
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_channel_has_a_label_in_both_languages() {
        for c in channel_codes() {
            let key = format!("comm.channels.{c}");
            for lang in [Lang::En, Lang::Da] {
                assert!(!i18n::t(lang, &key).ends_with(&key), "{key} has no {} text", lang.code());
            }
        }
    }
}
