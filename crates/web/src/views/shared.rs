//! Helpers that several views share: vocabulary labels and choices, dates, the district,
//! staff, employer and import pickers of forms and filters, field errors in the words of each
//! field, the conflict table of a stale save and file downloads. A view module uses these and its own feature's app module, so no view
//! reaches into another for a helper.

use super::{FormValues, Opt};
use crate::ctx::ReqCtx;
use crate::error::WebResult;
use crate::forms::ShownErrors;
use crate::i18n;
use crate::state::AppState;
use accord_app::activities as act;
use accord_app::directory as dir;
use accord_app::partnerships::Versioned;
use accord_app::{Actor, AppError};
use accord_domain::{FieldErrors, Lang, format};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

/// A form with no fields but its CSRF token (sign-out, roll-back, revoke…).
#[derive(Deserialize)]
pub struct Empty {}

/// The label of a code in a vocabulary (`label(lang, "org.levels", "site")`); empty for no code.
pub fn label(lang: Lang, prefix: &str, code: &str) -> String {
    if code.is_empty() {
        return String::new();
    }
    i18n::t(lang, &format!("{prefix}.{code}"))
}

/// The choices of a vocabulary, each labelled in `lang`, the selected one checked.
pub fn options<'a>(lang: Lang, prefix: &str, codes: impl Iterator<Item = &'a str>, selected: &str) -> Vec<Opt> {
    codes.map(|c| Opt { value: c.to_owned(), label: label(lang, prefix, c), checked: c == selected }).collect()
}

/// A date in the short form of `lang`, or nothing.
pub fn date_opt(lang: Lang, d: Option<NaiveDate>) -> String {
    d.map(|d| format::date_short(lang, d)).unwrap_or_default()
}

/// Those who may record activities and requests, and not only read.
pub fn can_record(actor: &Actor) -> bool {
    act::can_record(actor) && !actor.is_read_only()
}

pub fn require_record(actor: &Actor) -> WebResult<()> {
    actor.require_write()?;
    if act::can_record(actor) { Ok(()) } else { Err(AppError::Forbidden.into()) }
}

/// A date typed into a filter; a wrong one is named.
pub fn date_filter(errors: &mut FieldErrors, field: &str, s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    errors.take(field, s, dir::parse_date(s))
}

/// The districts to filter by (none when the actor works in one), and the one chosen.
pub async fn district_filter(state: &AppState, actor: &Actor, chosen: &str) -> WebResult<(Vec<Opt>, Option<i64>)> {
    let ds = accord_app::districts::list(&state.app, actor).await?;
    let id = ds.iter().find(|d| d.code == chosen).map(|d| d.id);
    let opts = if ds.len() > 1 {
        ds.into_iter().map(|d| Opt { checked: d.code == chosen, value: d.code, label: d.name }).collect()
    } else {
        vec![]
    };
    Ok((opts, id))
}

/// The name of the district `code` among those a list filters by; empty when the list has no
/// district filter (the actor works in one district) and so shows no district column.
pub fn district_label(districts: &[Opt], code: &str) -> String {
    districts.iter().find(|d| d.value == code).map(|d| d.label.clone()).unwrap_or_default()
}

/// The districts a new record can be made in, when there are several.
pub async fn district_options(state: &AppState, actor: &Actor, selected: &str) -> WebResult<Vec<Opt>> {
    let ds = accord_app::districts::list(&state.app, actor).await?;
    if ds.len() <= 1 {
        return Ok(vec![]);
    }
    Ok(ds.into_iter().map(|d| Opt { checked: d.code == selected, value: d.code, label: d.name }).collect())
}

/// The staff to filter by, by id.
pub async fn staff_filter(state: &AppState, actor: &Actor, chosen: &str) -> WebResult<Vec<Opt>> {
    Ok(dir::staff(&state.app, actor)
        .await?
        .iter()
        .map(|u| Opt { value: u.id.to_string(), label: u.name.clone(), checked: chosen == u.id.to_string() })
        .collect())
}

/// The staff who may hold a record, by e-mail; the blank choice leaves it to the employer's
/// account manager.
pub async fn staff_options(state: &AppState, actor: &Actor, lang: Lang, selected: &str) -> WebResult<Vec<Opt>> {
    let staff = dir::staff(&state.app, actor).await?;
    let mut out =
        vec![Opt { value: String::new(), label: i18n::t(lang, "act.am_from_employer"), checked: selected.is_empty() }];
    out.extend(staff.iter().map(|u| Opt {
        value: u.email.clone(),
        label: u.name.clone(),
        checked: u.email == selected,
    }));
    if !selected.is_empty() && !out.iter().any(|o| o.checked) {
        out.push(Opt { value: selected.to_owned(), label: selected.to_owned(), checked: true });
    }
    Ok(out)
}

/// The employer a list is narrowed to: its id and name.
pub async fn org_filter(state: &AppState, actor: &Actor, id: &str) -> WebResult<Option<(i64, String)>> {
    match id.trim().parse::<i64>() {
        Ok(id) => Ok(Some((id, dir::get(&state.app, actor, id).await?.name))),
        Err(_) => Ok(None),
    }
}

/// The import a list is narrowed to: its id and a line that names it.
pub async fn import_filter(state: &AppState, actor: &Actor, lang: Lang, id: &str) -> WebResult<Option<(i64, String)>> {
    let Ok(id) = id.trim().parse::<i64>() else { return Ok(None) };
    let found = accord_app::bulk::history(&state.app, actor, 1000).await?.into_iter().find(|v| v.id == id);
    let text = match found {
        Some(v) => i18n::t_args(
            lang,
            "hist.filtered",
            &[("file", &v.filename), ("when", &format::datetime(lang, v.created_at))],
        ),
        None => i18n::t_value(lang, "hist.filtered_id", &id.to_string()),
    };
    Ok(Some((id, text)))
}

/// Field errors in the words of each field: what to enter in a required field, and a rule
/// broken by two fields together told at each in its own words.
pub fn worded(lang: Lang, errors: &FieldErrors) -> ShownErrors {
    let mut out = ShownErrors::new(lang, errors);
    for (e, item) in errors.0.iter().zip(out.items.iter_mut()) {
        let key = match (e.code.as_str(), e.field.as_str()) {
            ("field.required", f) => format!("act.required.{f}"),
            ("period.end_before_start", "start_date") => "act.err.start_after_end".into(),
            ("period.end_before_start", "end_date") => "act.err.end_before_start".into(),
            ("number.positive", "positions") => "req.err.positions".into(),
            _ => continue,
        };
        let text = i18n::t_value(lang, &key, e.value.as_deref().unwrap_or(""));
        if !text.ends_with(&key) {
            item.1 = text;
        }
    }
    out
}

/// The record's own field errors added to an error that stopped before them (an unknown
/// employer), so that every wrong field is named at once.
pub fn with_field_errors(mut errors: FieldErrors, more: FieldErrors) -> FieldErrors {
    for e in more.0 {
        if !errors.0.iter().any(|x| x.field == e.field) {
            errors.0.push(e);
        }
    }
    errors
}

/// The name of a district, by its code.
pub async fn district_name(state: &AppState, code: &str) -> WebResult<String> {
    Ok(accord_app::districts::by_code_unscoped(&state.app, code)
        .await?
        .map(|d| d.name)
        .unwrap_or_else(|| code.to_owned()))
}

/// A download: the bytes with their content type, saved under `filename`.
pub fn file_response(bytes: Vec<u8>, content_type: &str, filename: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// The conflict table: field label, their value, your value.
pub fn conflict_rows(
    ctx: &ReqCtx,
    prefix: &str,
    changed: &[String],
    theirs: &FormValues,
    mine: &FormValues,
) -> Vec<(String, String, String)> {
    changed
        .iter()
        .map(|c| (ctx.t(&format!("{prefix}.{c}")), theirs.get(c).to_owned(), mine.get(c).to_owned()))
        .collect()
}

/// The conflict table's rows: field label, their value, your value.
pub type ConflictRows = Vec<(String, String, String)>;

/// A save that came after someone else's, shown again: the fields that differ (theirs, yours),
/// and what the user typed at the version now stored, so that saving again replaces the other
/// change knowingly. `theirs` gives the stored record's input (with its version).
pub fn stale<V, I>(
    ctx: &ReqCtx,
    prefix: &str,
    current: serde_json::Value,
    changed: &[String],
    input: &I,
    theirs: impl FnOnce(&V) -> I,
) -> WebResult<(I, ConflictRows)>
where
    V: serde::de::DeserializeOwned,
    I: serde::Serialize + Clone + Versioned,
{
    let cur: V = serde_json::from_value(current).map_err(|e| AppError::Internal(e.to_string()))?;
    let theirs = theirs(&cur);
    let rows = conflict_rows(ctx, prefix, changed, &FormValues::of(&theirs), &FormValues::of(input));
    Ok((input.clone().with_version(theirs.version()), rows))
}
