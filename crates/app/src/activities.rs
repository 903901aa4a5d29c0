//! Activities at employers and recruitment requests: their types, their inputs and the checks
//! that the screen, the API and the bulk import share.

use crate::directory::{opt, parse_date, short_text};
use crate::{App, Result};
use accord_db::entities::activity_type;
use accord_db::sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};
use accord_domain::activity::citizen_ref;
use accord_domain::{ActivityOutcome, FieldErrors, Lang, RequestStatus};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The activity types, findable by code, English or Danish label, or alias (case ignored).
#[derive(Debug, Clone, Default)]
pub struct TypeIndex {
    pub types: Vec<activity_type::Model>,
    by_name: HashMap<String, usize>,
}

impl TypeIndex {
    pub async fn load<C: ConnectionTrait>(c: &C) -> Result<TypeIndex> {
        let types = activity_type::Entity::find()
            .order_by_asc(activity_type::Column::Position)
            .order_by_asc(activity_type::Column::Code)
            .all(c)
            .await?;
        Ok(TypeIndex::new(types))
    }

    pub fn new(types: Vec<activity_type::Model>) -> TypeIndex {
        let mut by_name = HashMap::new();
        // Codes win over labels, labels over aliases, when two types share a name.
        for (i, t) in types.iter().enumerate() {
            for alias in t.aliases.lines().map(str::trim).filter(|a| !a.is_empty()) {
                by_name.insert(alias.to_lowercase(), i);
            }
        }
        for (i, t) in types.iter().enumerate() {
            by_name.insert(t.label_en.trim().to_lowercase(), i);
            by_name.insert(t.label_da.trim().to_lowercase(), i);
        }
        for (i, t) in types.iter().enumerate() {
            by_name.insert(t.code.clone(), i);
        }
        TypeIndex { types, by_name }
    }

    /// The type a file or form names; retired types are refused for new records.
    pub fn find(&self, name: &str) -> Option<&activity_type::Model> {
        self.by_name.get(&name.trim().to_lowercase()).map(|i| &self.types[*i])
    }

    pub fn label(&self, code: &str, lang: Lang) -> String {
        self.types
            .iter()
            .find(|t| t.code == code)
            .map(|t| if lang == Lang::Da { t.label_da.clone() } else { t.label_en.clone() })
            .unwrap_or_else(|| code.to_owned())
    }
}

/// An activity as a form, an API body or an import row gives it; empty text is "no value".
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct ActivityInput {
    pub district: Option<String>,
    pub source_id: String,
    #[serde(rename = "type")]
    pub r#type: String,
    pub organisation_ref: String,
    pub start_date: String,
    pub end_date: String,
    pub citizen_ref: String,
    pub outcome: String,
    pub account_manager_email: String,
    pub version: Option<i32>,
}

/// The checked fields of an activity, its organisation and account manager still to resolve.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ActivityFields {
    pub source_id: Option<String>,
    pub r#type: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub citizen_ref: Option<String>,
    pub outcome: ActivityOutcome,
}

fn required<'a>(errors: &mut FieldErrors, field: &str, v: &'a str) -> Option<&'a str> {
    let t = opt(v);
    if t.is_none() {
        errors.add(field, "field.required", None);
    }
    t
}

fn date_of(errors: &mut FieldErrors, field: &str, v: &str) -> Option<NaiveDate> {
    opt(v).and_then(|s| errors.take(field, s, parse_date(s)))
}

/// Checks an activity's own fields (not its organisation): a known, current type; dates in
/// order; a pseudonymous citizen reference; a known outcome (`ongoing` when left out).
pub fn check_activity(
    types: &TypeIndex,
    input: &ActivityInput,
    source_required: bool,
    errors: &mut FieldErrors,
) -> Option<ActivityFields> {
    let source_id = if source_required {
        required(errors, "source_id", &input.source_id)
            .and_then(|_| short_text(errors, "source_id", &input.source_id, 64))
    } else {
        short_text(errors, "source_id", &input.source_id, 64)
    };
    let kind = match required(errors, "type", &input.r#type) {
        None => None,
        Some(t) => match types.find(t) {
            Some(found) if !found.retired => Some(found.code.clone()),
            Some(_) => {
                errors.add("type", "activity_type.retired", Some(t));
                None
            }
            None => {
                errors.add("type", "activity_type.unknown", Some(t));
                None
            }
        },
    };
    let start =
        required(errors, "start_date", &input.start_date).and_then(|s| errors.take("start_date", s, parse_date(s)));
    let end = date_of(errors, "end_date", &input.end_date);
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        errors.add("start_date", "period.end_before_start", Some(input.start_date.trim()));
        errors.add("end_date", "period.end_before_start", Some(input.end_date.trim()));
    }
    let citizen = opt(&input.citizen_ref).and_then(|c| errors.take("citizen_ref", c, citizen_ref(c)));
    let outcome = match opt(&input.outcome) {
        None => Some(ActivityOutcome::Ongoing),
        Some(o) => errors.take("outcome", o, ActivityOutcome::parse(&o.to_lowercase())),
    };
    if !errors.is_empty() {
        return None;
    }
    Some(ActivityFields {
        source_id,
        r#type: kind?,
        start_date: start?,
        end_date: end,
        citizen_ref: citizen,
        outcome: outcome?,
    })
}

/// A recruitment request as a form, an API body or an import row gives it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct RequestInput {
    pub district: Option<String>,
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

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequestFields {
    pub source_id: Option<String>,
    pub title: String,
    pub occupation: Option<String>,
    pub positions: i32,
    pub received_date: NaiveDate,
    pub deadline: Option<NaiveDate>,
    pub status: RequestStatus,
    pub hires: Option<i32>,
}

fn count_of(errors: &mut FieldErrors, field: &str, v: &str, min: i32) -> Option<i32> {
    let t = opt(v)?;
    match t.parse::<i32>() {
        Ok(n) if (min..=100_000).contains(&n) => Some(n),
        _ => {
            errors.add(field, if min > 0 { "number.positive" } else { "number.not_negative" }, Some(t));
            None
        }
    }
}

/// Checks a recruitment request's own fields: a title, positions (1 when left out), dates in
/// order, a known status (`open` when left out), and no more hires than positions.
pub fn check_request(input: &RequestInput, source_required: bool, errors: &mut FieldErrors) -> Option<RequestFields> {
    let source_id = if source_required {
        required(errors, "source_id", &input.source_id)
            .and_then(|_| short_text(errors, "source_id", &input.source_id, 64))
    } else {
        short_text(errors, "source_id", &input.source_id, 64)
    };
    let title = required(errors, "title", &input.title).and_then(|_| short_text(errors, "title", &input.title, 200));
    let occupation = short_text(errors, "occupation", &input.occupation, 200);
    let positions =
        if opt(&input.positions).is_none() { Some(1) } else { count_of(errors, "positions", &input.positions, 1) };
    let received = required(errors, "received_date", &input.received_date)
        .and_then(|s| errors.take("received_date", s, parse_date(s)));
    let deadline = date_of(errors, "deadline", &input.deadline);
    if let (Some(r), Some(d)) = (received, deadline)
        && d < r
    {
        errors.add("deadline", "request.deadline_before_received", Some(input.deadline.trim()));
    }
    let status = match opt(&input.status) {
        None => Some(RequestStatus::Open),
        Some(s) => errors.take("status", s, RequestStatus::parse(&s.to_lowercase())),
    };
    let hires = count_of(errors, "hires", &input.hires, 0);
    if let (Some(h), Some(p)) = (hires, positions)
        && h > p
    {
        errors.add("hires", "request.hires_over_positions", Some(input.hires.trim()));
    }
    if !errors.is_empty() {
        return None;
    }
    Some(RequestFields {
        source_id,
        title: title?,
        occupation,
        positions: positions?,
        received_date: received?,
        deadline,
        status: status?,
        hires,
    })
}

/// The activity types with their labels, for pages and the API.
pub async fn types(app: &App) -> Result<TypeIndex> {
    TypeIndex::load(&app.db.conn).await
}
