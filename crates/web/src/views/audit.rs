//! Browsing the audit trail (administrators and managers).

use super::Pager;
use crate::ctx::{Page, Staff};
use crate::error::WebResult;
use crate::forms::ShownErrors;
use crate::i18n;
use crate::state::AppState;
use accord_app::Paging;
use accord_domain::AuditFilter as Filter;
use accord_domain::{FieldErrors, Lang};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{NaiveDate, TimeZone, Utc};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize, Default, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub entity: String,
    #[serde(default)]
    pub entity_id: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    pub page: Option<u64>,
}

impl AuditQuery {
    /// The filter for the query, or the fields that could not be read.
    pub fn filter(&self) -> Result<Filter, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut date = |field: &str, s: &str, add_day: bool| -> Option<chrono::DateTime<Utc>> {
            if s.trim().is_empty() {
                return None;
            }
            match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
                Ok(d) => {
                    let d = if add_day { d.succ_opt().unwrap_or(d) } else { d };
                    d.and_hms_opt(0, 0, 0).map(|t| Utc.from_utc_datetime(&t))
                }
                Err(_) => {
                    errors.add(field, "date.invalid", Some(s));
                    None
                }
            }
        };
        let from = date("from", &self.from, false);
        let to = date("to", &self.to, true);
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        errors.into_result()?;
        Ok(Filter {
            actor: opt(&self.actor),
            action: opt(&self.action),
            entity: opt(&self.entity),
            entity_id: opt(&self.entity_id),
            from,
            to,
        })
    }
}

pub struct Row {
    pub when: String,
    pub actor: String,
    pub ip: Option<String>,
    pub action: String,
    pub record: String,
    pub summary: Option<String>,
    pub changes: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditTemplate {
    page: Page,
    f: AuditQuery,
    errors: ShownErrors,
    actions: Vec<(String, String)>,
    entities: Vec<(String, String)>,
    rows: Vec<Row>,
    caption: String,
    pager: Pager,
}

/// A translated label, or the raw word where the catalogue has none.
fn label(lang: Lang, prefix: &str, word: &str) -> String {
    let key = format!("{prefix}.{word}");
    let t = i18n::t(lang, &key);
    if t.ends_with(&key) { word.replace('_', " ") } else { t }
}

fn show_value(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "—".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => a.iter().map(|x| show_value(Some(x))).collect::<Vec<_>>().join(", "),
        Some(other) => other.to_string(),
    }
}

/// The fields that differ between before and after.
pub fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<(String, String, String)> {
    let empty = serde_json::Map::new();
    let b = before.and_then(Value::as_object).unwrap_or(&empty);
    let a = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| (k.clone(), show_value(b.get(k)), show_value(a.get(k))))
        .collect()
}

pub async fn list(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(q): Query<AuditQuery>,
) -> WebResult<Response> {
    let (actions, entities) = accord_app::audit::vocabulary(&state.app, &actor).await?;
    let lang = ctx.lang;
    let paging = Paging::new(q.page, Some(50));
    let (filter, errors) = match q.filter() {
        Ok(f) => (f, FieldErrors::new()),
        Err(e) => (Filter::default(), e),
    };
    let result = accord_app::audit::list(&state.app, &actor, &filter, paging).await?;
    let rows = result
        .items
        .iter()
        .map(|r| Row {
            when: accord_domain::format::datetime(lang, r.at),
            actor: r.actor.clone(),
            ip: r.ip.clone(),
            action: label(lang, "audit.act", &r.action),
            record: match &r.entity_id {
                Some(id) => format!("{} #{id}", label(lang, "audit.ent", &r.entity)),
                None => label(lang, "audit.ent", &r.entity),
            },
            summary: r.summary.clone(),
            changes: changes(r.before.as_ref(), r.after.as_ref()),
        })
        .collect();
    let caption = i18n::t_value(lang, "audit.caption", &accord_domain::format::number(lang, result.total as i64));
    let pager = Pager::new(
        lang,
        "/audit",
        &[
            ("actor", &q.actor),
            ("action", &q.action),
            ("entity", &q.entity),
            ("entity_id", &q.entity_id),
            ("from", &q.from),
            ("to", &q.to),
        ],
        paging,
        result.total,
    );
    let t = AuditTemplate {
        page: ctx.page(ctx.t("audit.title")),
        errors: ShownErrors::new(lang, &errors),
        actions: actions.iter().map(|a| (a.clone(), label(lang, "audit.act", a))).collect(),
        entities: entities.iter().map(|e| (e.clone(), label(lang, "audit.ent", e))).collect(),
        f: q,
        rows,
        caption,
        pager,
    };
    Ok(super::render(&t))
}
