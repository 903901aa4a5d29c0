//! The annual satisfaction survey (seed 003: "113 virksomheder har svaret", "93,8 % er
//! tilfredse med samarbejdet"): staff build a questionnaire of a year in English and Danish,
//! send it to a segment's company groups (one questionnaire per group, to its primary contact,
//! with consent to surveys) through the outbox, each with a personal signed link that expires
//! when the survey closes. Whoever holds the link answers without signing in, may save and
//! continue later, and submits once. The results count the answers; any cell built from fewer
//! than five answers reads "<5". An anonymous survey stores its answers with no company or
//! contact: the invitation only records that its link was used.

use crate::directory::{self as dir, opt, parse_date, short_text};
use crate::{Actor, App, AppError, Result, outbox};
use accord_db::entities::{survey, survey_answer, survey_invitation, survey_question, survey_response};
use accord_db::sea_orm::ActiveValue::Set;
use accord_db::surveys as q;
use accord_domain::survey::{MIN_CELL, SATISFIED_FROM, SCALE_POINTS, scale_value, share};
use accord_domain::{ConsentPurpose, FieldErrors, Lang, QuestionKind, SkipReason};
use chrono::{DateTime, NaiveDate, Utc};
use hmac::Mac;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The longest name of a survey, section or option.
pub const MAX_NAME: usize = 200;
/// The longest question text.
pub const MAX_QUESTION: usize = 1000;
/// The longest free-text answer.
pub const MAX_ANSWER: usize = 4000;
/// The target of the satisfaction share (seed 003: "mindst 90 % tilfredse").
pub const SATISFACTION_TARGET: f64 = 90.0;

/// Everyone who reads the directory reads the surveys and their results.
pub fn can_view(actor: &Actor) -> bool {
    dir::can_view(actor)
}

/// Those who send the district's mailings build and send its surveys.
pub fn can_write(actor: &Actor) -> bool {
    crate::mailings::can_send(actor)
}

fn require(ok: bool) -> Result<()> {
    if ok { Ok(()) } else { Err(AppError::Forbidden) }
}

/// A text in English and Danish.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Bilingual {
    pub en: String,
    pub da: String,
}

impl Bilingual {
    pub fn new(en: &str, da: &str) -> Self {
        Bilingual { en: en.to_owned(), da: da.to_owned() }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Da => &self.da,
        }
    }
}

/// The labels of the five points of a scale when the builder gives none.
pub fn default_scale_labels() -> Vec<Bilingual> {
    vec![
        Bilingual::new("Very dissatisfied", "Meget utilfreds"),
        Bilingual::new("Dissatisfied", "Utilfreds"),
        Bilingual::new("Neither", "Hverken eller"),
        Bilingual::new("Satisfied", "Tilfreds"),
        Bilingual::new("Very satisfied", "Meget tilfreds"),
    ]
}

/// A question as the builder, the answer page and the API show it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct QuestionView {
    pub id: i64,
    /// From 1, in the questionnaire's order.
    pub position: i32,
    /// The section the question opens, if it opens one.
    pub section: Option<Bilingual>,
    pub kind: QuestionKind,
    pub required: bool,
    pub text: Bilingual,
    /// The options to choose among, or the scale's five labels (lowest first).
    pub options: Vec<Bilingual>,
    /// A matrix's rows, each answered on the scale.
    pub rows: Vec<Bilingual>,
    /// The satisfaction question: its top two points count as satisfied.
    pub satisfaction: bool,
    pub version: i32,
}

impl QuestionView {
    /// The form field of the question (of a matrix row: `q{id}_{row}`).
    pub fn field(&self) -> String {
        format!("q{}", self.id)
    }

    pub fn row_field(&self, row: usize) -> String {
        format!("q{}_{row}", self.id)
    }

    /// The scale's points with their labels, lowest first.
    pub fn points(&self) -> Vec<(i32, &Bilingual)> {
        self.options.iter().enumerate().map(|(i, l)| (i as i32 + 1, l)).collect()
    }
}

/// A survey as pages and the API show it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SurveyView {
    pub id: i64,
    pub district: String,
    pub year: i32,
    pub name: String,
    pub anonymous: bool,
    /// The last day answers are taken; the links expire at its end.
    pub closes_on: NaiveDate,
    pub sent_at: Option<DateTime<Utc>>,
    pub questions: Vec<QuestionView>,
    /// Company groups invited, and how many answered.
    pub invited: u64,
    pub answered: u64,
    pub version: i32,
}

/// A survey as a form or an API body gives it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct SurveyInput {
    pub district: Option<String>,
    pub year: String,
    pub name: String,
    pub anonymous: bool,
    pub closes_on: String,
}

/// A question as a form or an API body gives it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct QuestionInput {
    pub section_en: String,
    pub section_da: String,
    pub kind: String,
    pub required: bool,
    pub text_en: String,
    pub text_da: String,
    /// Options, or the scale's five labels (left empty: the usual labels).
    pub options: Vec<Bilingual>,
    pub rows: Vec<Bilingual>,
    pub satisfaction: bool,
    /// The question's version as read, when editing; left out, the current one.
    pub version: Option<i32>,
}

fn labels(s: &str) -> Vec<Bilingual> {
    serde_json::from_str::<Vec<(String, String)>>(s)
        .unwrap_or_default()
        .into_iter()
        .map(|(en, da)| Bilingual { en, da })
        .collect()
}

fn labels_json(v: &[Bilingual]) -> String {
    serde_json::to_string(&v.iter().map(|b| (&b.en, &b.da)).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into())
}

fn question_view(q: &survey_question::Model) -> QuestionView {
    QuestionView {
        id: q.id,
        position: q.position,
        section: match (&q.section_en, &q.section_da) {
            (Some(en), Some(da)) => Some(Bilingual { en: en.clone(), da: da.clone() }),
            _ => None,
        },
        kind: QuestionKind::parse(&q.kind).unwrap_or(QuestionKind::Text),
        required: q.required,
        text: Bilingual { en: q.text_en.clone(), da: q.text_da.clone() },
        options: labels(&q.options),
        rows: labels(&q.matrix_rows),
        satisfaction: q.satisfaction,
        version: q.version,
    }
}

async fn district_code<C: accord_db::sea_orm::ConnectionTrait>(c: &C, id: i64) -> Result<String> {
    let ds = accord_db::users::list_districts(c, &accord_db::Scope::All).await?;
    Ok(ds.into_iter().find(|d| d.id == id).map(|d| d.code).unwrap_or_default())
}

async fn view_of<C: accord_db::sea_orm::ConnectionTrait>(
    c: &C,
    scope: &accord_db::Scope,
    s: survey::Model,
) -> Result<SurveyView> {
    let questions = q::questions_of(c, s.id).await?.iter().map(question_view).collect();
    let inv = q::invitations_of(c, scope, s.id).await?;
    Ok(SurveyView {
        id: s.id,
        district: district_code(c, s.district_id).await?,
        year: s.year,
        name: s.name,
        anonymous: s.anonymous,
        closes_on: s.closes_on,
        sent_at: s.sent_at,
        questions,
        invited: inv.len() as u64,
        answered: inv.iter().filter(|i| i.answered).count() as u64,
        version: s.version,
    })
}

async fn row(app: &App, actor: &Actor, id: i64) -> Result<survey::Model> {
    q::get(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)
}

/// The surveys the actor may see, newest year first.
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<SurveyView>> {
    require(can_view(actor))?;
    let scope = actor.scope();
    let mut out = vec![];
    for s in q::list(&app.db.conn, &scope).await? {
        out.push(view_of(&app.db.conn, &scope, s).await?);
    }
    Ok(out)
}

pub async fn get(app: &App, actor: &Actor, id: i64) -> Result<SurveyView> {
    require(can_view(actor))?;
    let s = row(app, actor, id).await?;
    view_of(&app.db.conn, &actor.scope(), s).await
}

/// Creates a survey of a year in a district the actor works in.
pub async fn create(app: &App, actor: &Actor, input: &SurveyInput) -> Result<SurveyView> {
    actor.require_write()?;
    require(can_write(actor))?;
    let district = dir::pick_district(app, actor, input.district.as_deref()).await?;
    let mut errors = FieldErrors::new();
    let year = match opt(&input.year) {
        None => {
            errors.add("year", "field.required", None);
            None
        }
        Some(y) => errors.take("year", y, accord_domain::report::parse_year(y)),
    };
    let name = match opt(&input.name) {
        None => {
            errors.add("name", "field.required", None);
            None
        }
        Some(_) => short_text(&mut errors, "name", &input.name, MAX_NAME),
    };
    let closes_on = match opt(&input.closes_on) {
        None => {
            errors.add("closes_on", "field.required", None);
            None
        }
        Some(d) => errors.take("closes_on", d, parse_date(d)),
    };
    errors.into_result()?;
    let (Some(year), Some(name), Some(closes_on)) = (year, name, closes_on) else {
        return Err(AppError::Internal("unchecked survey".into()));
    };
    let now = Utc::now();
    let txn = app.db.write().await?;
    let s = q::insert_survey(
        &txn,
        survey::ActiveModel {
            district_id: Set(district.id),
            year: Set(year),
            name: Set(name),
            anonymous: Set(input.anonymous),
            closes_on: Set(closes_on),
            sent_at: Set(None),
            created_by: Set(actor.user_id),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        },
    )
    .await?;
    let mut e = actor.audit("create", "survey", Some(s.id.to_string()));
    e.district_id = Some(district.id);
    e.after = Some(serde_json::json!({"year": s.year, "name": s.name, "anonymous": s.anonymous,
        "closes_on": s.closes_on}));
    accord_db::audit::append(&txn, e, now).await?;
    let v = view_of(&txn, &actor.scope(), s).await?;
    txn.commit().await?;
    Ok(v)
}

/// A question checked: the columns to store.
struct CheckedQuestion {
    section: Option<(String, String)>,
    kind: QuestionKind,
    required: bool,
    text: (String, String),
    options: Vec<Bilingual>,
    rows: Vec<Bilingual>,
    satisfaction: bool,
}

fn check_labels(errors: &mut FieldErrors, field: &str, items: &[Bilingual]) -> Vec<Bilingual> {
    let mut out = vec![];
    for (i, b) in items.iter().enumerate() {
        let (en, da) = (b.en.trim(), b.da.trim());
        if en.is_empty() && da.is_empty() {
            continue;
        }
        if en.is_empty() || da.is_empty() {
            errors.add(field, "survey.label_both_languages", Some(&format!("{} ({})", i + 1, en.max(da))));
        } else if en.chars().count() > MAX_NAME || da.chars().count() > MAX_NAME {
            errors.add(field, "field.too_long", Some(&(i + 1).to_string()));
        }
        out.push(Bilingual::new(en, da));
    }
    out
}

fn check_question(input: &QuestionInput) -> Result<CheckedQuestion> {
    let mut errors = FieldErrors::new();
    let kind = match opt(&input.kind) {
        None => {
            errors.add("kind", "field.required", None);
            None
        }
        Some(k) => errors.take("kind", k, QuestionKind::parse(k)),
    };
    let mut text = |field: &str, s: &str, max: usize| match opt(s) {
        None => {
            errors.add(field, "field.required", None);
            None
        }
        Some(_) => short_text(&mut errors, field, s, max),
    };
    let text_en = text("text_en", &input.text_en, MAX_QUESTION);
    let text_da = text("text_da", &input.text_da, MAX_QUESTION);
    let section = match (opt(&input.section_en), opt(&input.section_da)) {
        (None, None) => None,
        (Some(_), None) => {
            errors.add("section_da", "survey.label_both_languages", None);
            None
        }
        (None, Some(_)) => {
            errors.add("section_en", "survey.label_both_languages", None);
            None
        }
        (Some(en), Some(da)) => {
            if en.chars().count() > MAX_NAME || da.chars().count() > MAX_NAME {
                errors.add("section_en", "field.too_long", None);
            }
            Some((en.to_owned(), da.to_owned()))
        }
    };
    let mut options = check_labels(&mut errors, "options", &input.options);
    let mut rows = check_labels(&mut errors, "rows", &input.rows);
    if let Some(k) = kind {
        if k.has_options() && options.len() < 2 {
            errors.add("options", "survey.options_needed", Some(&options.len().to_string()));
        }
        if k.is_scale() {
            if options.is_empty() {
                options = default_scale_labels();
            } else if options.len() != SCALE_POINTS as usize {
                errors.add("options", "survey.scale_labels", Some(&options.len().to_string()));
            }
        }
        if !k.has_options() && !k.is_scale() {
            options.clear();
        }
        if k == QuestionKind::Matrix {
            if rows.is_empty() {
                errors.add("rows", "survey.rows_needed", None);
            }
        } else {
            rows.clear();
        }
        if input.satisfaction && k != QuestionKind::Scale {
            errors.add("satisfaction", "survey.satisfaction_scale", Some(k.as_str()));
        }
    }
    errors.into_result()?;
    let (Some(kind), Some(en), Some(da)) = (kind, text_en, text_da) else {
        return Err(AppError::Internal("unchecked question".into()));
    };
    Ok(CheckedQuestion {
        section,
        kind,
        required: input.required,
        text: (en, da),
        options,
        rows,
        satisfaction: input.satisfaction,
    })
}

/// A survey whose questions may still change: no answer has come in.
async fn editable(app: &App, actor: &Actor, survey_id: i64) -> Result<survey::Model> {
    actor.require_write()?;
    require(can_write(actor))?;
    let s = row(app, actor, survey_id).await?;
    if q::has_responses(&app.db.conn, s.id).await? {
        return Err(AppError::field("survey", "survey.answered_fixed", Some(&s.name)));
    }
    Ok(s)
}

fn question_value(v: &QuestionView) -> serde_json::Value {
    serde_json::json!({"kind": v.kind, "required": v.required, "text": v.text, "section": v.section,
        "options": v.options, "rows": v.rows, "satisfaction": v.satisfaction, "position": v.position})
}

/// Adds a question at the end of the survey. Marking it the satisfaction question takes the
/// mark off any other.
pub async fn add_question(app: &App, actor: &Actor, survey_id: i64, input: &QuestionInput) -> Result<SurveyView> {
    let s = editable(app, actor, survey_id).await?;
    let c = check_question(input)?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    let position = q::questions_of(&txn, s.id).await?.len() as i32 + 1;
    let row = q::insert_question(
        &txn,
        survey_question::ActiveModel {
            survey_id: Set(s.id),
            position: Set(position),
            section_en: Set(c.section.as_ref().map(|s| s.0.clone())),
            section_da: Set(c.section.as_ref().map(|s| s.1.clone())),
            kind: Set(c.kind.as_str().into()),
            required: Set(c.required),
            text_en: Set(c.text.0),
            text_da: Set(c.text.1),
            options: Set(labels_json(&c.options)),
            matrix_rows: Set(labels_json(&c.rows)),
            satisfaction: Set(c.satisfaction),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        },
    )
    .await?;
    if c.satisfaction {
        q::clear_satisfaction(&txn, s.id, row.id).await?;
    }
    let mut e = actor.audit("add_question", "survey", Some(s.id.to_string()));
    e.district_id = Some(s.district_id);
    e.after = Some(question_value(&question_view(&row)));
    accord_db::audit::append(&txn, e, now).await?;
    let v = view_of(&txn, &actor.scope(), s).await?;
    txn.commit().await?;
    Ok(v)
}

/// Changes a question; a stale version is a conflict.
pub async fn update_question(
    app: &App,
    actor: &Actor,
    survey_id: i64,
    question_id: i64,
    input: &QuestionInput,
) -> Result<SurveyView> {
    let s = editable(app, actor, survey_id).await?;
    let before = q::questions_of(&app.db.conn, s.id)
        .await?
        .into_iter()
        .find(|q| q.id == question_id)
        .ok_or(AppError::NotFound)?;
    let c = check_question(input)?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    let am = survey_question::ActiveModel {
        section_en: Set(c.section.as_ref().map(|s| s.0.clone())),
        section_da: Set(c.section.as_ref().map(|s| s.1.clone())),
        kind: Set(c.kind.as_str().into()),
        required: Set(c.required),
        text_en: Set(c.text.0),
        text_da: Set(c.text.1),
        options: Set(labels_json(&c.options)),
        matrix_rows: Set(labels_json(&c.rows)),
        satisfaction: Set(c.satisfaction),
        updated_at: Set(now),
        ..Default::default()
    };
    if !q::update_question(&txn, before.id, input.version.unwrap_or(before.version), am).await? {
        drop(txn);
        let current = get(app, actor, survey_id).await?;
        let cur = current.questions.iter().find(|q| q.id == question_id).map(question_value);
        return Err(AppError::Conflict { current: cur.unwrap_or_default(), changed: vec!["question".into()] });
    }
    if c.satisfaction {
        q::clear_satisfaction(&txn, s.id, before.id).await?;
    }
    let after = q::questions_of(&txn, s.id).await?.into_iter().find(|q| q.id == question_id);
    let mut e = actor.audit("update_question", "survey", Some(s.id.to_string()));
    e.district_id = Some(s.district_id);
    e.before = Some(question_value(&question_view(&before)));
    e.after = after.map(|a| question_value(&question_view(&a)));
    accord_db::audit::append(&txn, e, now).await?;
    let v = view_of(&txn, &actor.scope(), s).await?;
    txn.commit().await?;
    Ok(v)
}

/// Moves a question one place up (`up`) or down in the questionnaire.
pub async fn move_question(app: &App, actor: &Actor, survey_id: i64, question_id: i64, up: bool) -> Result<SurveyView> {
    let s = editable(app, actor, survey_id).await?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    let mut ids: Vec<i64> = q::questions_of(&txn, s.id).await?.iter().map(|q| q.id).collect();
    let i = ids.iter().position(|id| *id == question_id).ok_or(AppError::NotFound)?;
    let j = if up { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < ids.len()) };
    if let Some(j) = j {
        ids.swap(i, j);
        for (n, id) in ids.iter().enumerate() {
            q::set_position(&txn, *id, n as i32 + 1).await?;
        }
        let mut e = actor.audit("move_question", "survey", Some(s.id.to_string()));
        e.district_id = Some(s.district_id);
        e.after = Some(serde_json::json!({"question": question_id, "position": j + 1}));
        accord_db::audit::append(&txn, e, now).await?;
    }
    let v = view_of(&txn, &actor.scope(), s).await?;
    txn.commit().await?;
    Ok(v)
}

// ---- recipients and sending ----

/// A company group the survey would go to, or one skipped with its reason.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Recipient {
    pub organisation_id: i64,
    pub organisation: String,
    pub contact_id: i64,
    pub contact: String,
    pub email: Option<String>,
    pub skip: Option<SkipReason>,
}

/// What sending did: how many company groups were sent the survey and how many skipped.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct SendReport {
    pub queued: u64,
    pub skipped: u64,
}

/// The company groups a segment's survey would go to, one contact each, before sending.
pub async fn recipients(app: &App, actor: &Actor, survey_id: i64, segment_id: i64) -> Result<Vec<Recipient>> {
    require(can_view(actor))?;
    let s = row(app, actor, survey_id).await?;
    recipients_of(app, actor, &s, segment_id).await
}

async fn recipients_of(app: &App, actor: &Actor, s: &survey::Model, segment_id: i64) -> Result<Vec<Recipient>> {
    let seg = accord_db::mailings::get_segment(&app.db.conn, &actor.scope(), segment_id).await?;
    if seg.as_ref().is_none_or(|g| g.district_id != s.district_id) {
        return Err(AppError::field("segment_id", "survey.segment_unknown", Some(&segment_id.to_string())));
    }
    let (cands, orgs) = crate::mailings::survey_recipients(app, &actor.scope(), segment_id).await?;
    let mut out: Vec<Recipient> = cands
        .into_iter()
        .map(|c| Recipient {
            organisation_id: c.organisation_id,
            organisation: orgs.get(&c.organisation_id).map(|o| o.name.clone()).unwrap_or_default(),
            contact_id: c.contact.id,
            contact: c.contact.name,
            email: c.contact.email,
            skip: c.skip,
        })
        .collect();
    out.sort_by(|a, b| (a.skip.is_some(), &a.organisation).cmp(&(b.skip.is_some(), &b.organisation)));
    Ok(out)
}

const LINK_PURPOSE: &str = "survey_invitation";

fn signature(key: &[u8], invitation_id: i64, expires: i64) -> hmac::Hmac<sha2::Sha256> {
    crate::links::mac(key, &format!("survey-invitation:{invitation_id}:{expires}"))
}

/// The token of an invitation: its id, when it expires (the end of the survey's last day)
/// and a signature over both.
fn token(key: &[u8], invitation_id: i64, expires: i64) -> String {
    let sig = signature(key, invitation_id, expires).finalize().into_bytes();
    format!("{invitation_id}.{expires}.{}", hex::encode(&sig[..16]))
}

/// When a survey's links expire: the end of its last day (UTC).
fn expiry(s: &survey::Model) -> i64 {
    s.closes_on.and_hms_opt(23, 59, 59).map(|t| t.and_utc().timestamp()).unwrap_or(0)
}

/// The personal answer link of an invitation.
fn answer_url(app: &App, key: &[u8], s: &survey::Model, invitation_id: i64, lang: Lang) -> String {
    format!(
        "{}/surveys/answer/{}?lang={}",
        app.config.public_url.trim_end_matches('/'),
        token(key, invitation_id, expiry(s)),
        lang.code()
    )
}

fn mail_text(lang: Lang, s: &survey::Model, contact: &str, company: &str, url: &str) -> (String, String, String) {
    let (subject, body) = match lang {
        Lang::En => (
            format!("{}: how is our cooperation?", s.name),
            format!(
                "Dear {contact},\n\nWe would like to know how {company} finds its cooperation with us. \
                 Answering takes a few minutes; you can save and continue later.\n\nAnswer here: {url}\n\n\
                 The link is yours and works until {}.",
                s.closes_on
            ),
        ),
        Lang::Da => (
            format!("{}: hvordan går samarbejdet?", s.name),
            format!(
                "Kære {contact},\n\nVi vil gerne vide, hvordan {company} oplever samarbejdet med os. \
                 Det tager få minutter at svare, og I kan gemme og fortsætte senere.\n\nSvar her: {url}\n\n\
                 Linket er personligt og virker til og med {}.",
                s.closes_on
            ),
        ),
    };
    let esc = accord_domain::mail::escape_html;
    let html_body = esc(&body)
        .replace("\n\n", "</p>\n<p>")
        .replace(esc(url).as_str(), &format!("<a href=\"{0}\">{0}</a>", esc(url)));
    (subject, body, format!("<p>{html_body}</p>\n"))
}

/// Sends the survey to a segment's company groups: one invitation per group to its primary
/// contact with consent to surveys, each mail through the outbox with a personal link, in the
/// language given. A survey is sent once, and needs a question.
pub async fn send(app: &App, actor: &Actor, survey_id: i64, segment_id: i64, lang: Lang) -> Result<SendReport> {
    actor.require_write()?;
    require(can_write(actor))?;
    let s = row(app, actor, survey_id).await?;
    crate::mailings::require_mail(app)?;
    let (report, _) = queue(app, actor, &s, segment_id, lang, true).await?;
    app.outbox_wake.notify_one();
    Ok(report)
}

/// Records the invitations of a sending (and, with `mail`, queues their mails), in one
/// transaction; the invitations' ids with their contacts.
async fn queue(
    app: &App,
    actor: &Actor,
    s: &survey::Model,
    segment_id: i64,
    lang: Lang,
    mail: bool,
) -> Result<(SendReport, Vec<(i64, i64)>)> {
    if s.sent_at.is_some() {
        return Err(AppError::field("survey", "survey.already_sent", Some(&s.name)));
    }
    if q::questions_of(&app.db.conn, s.id).await?.is_empty() {
        return Err(AppError::field("survey", "survey.no_questions", Some(&s.name)));
    }
    // The demo records a past year's sending; a real one goes out while the survey is open.
    if mail && s.closes_on < Utc::now().date_naive() {
        return Err(AppError::field("closes_on", "survey.closed", Some(&s.closes_on.to_string())));
    }
    let recipients = recipients_of(app, actor, s, segment_id).await?;
    let key = crate::links::key(app, LINK_PURPOSE).await?;
    let unsubscribe = crate::mailings::unsubscribe_key(app).await?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    if !q::mark_sent(&txn, &actor.scope(), s.id, now).await? {
        return Err(AppError::field("survey", "survey.already_sent", Some(&s.name)));
    }
    let reached: Vec<&Recipient> = recipients.iter().filter(|r| r.skip.is_none()).collect();
    q::insert_invitations(
        &txn,
        reached
            .iter()
            .map(|r| survey_invitation::ActiveModel {
                survey_id: Set(s.id),
                district_id: Set(s.district_id),
                organisation_id: Set(r.organisation_id),
                contact_id: Set(r.contact_id),
                sent_at: Set(now),
                answered: Set(false),
                draft: Set(None),
                ..Default::default()
            })
            .collect(),
    )
    .await?;
    let ids: HashMap<i64, i64> =
        q::invitations_of(&txn, &actor.scope(), s.id).await?.into_iter().map(|i| (i.contact_id, i.id)).collect();
    let mut messages = vec![];
    for r in &reached {
        let Some(id) = ids.get(&r.contact_id) else { continue };
        let url = answer_url(app, &key, s, *id, lang);
        let (subject, mut text, mut html) = mail_text(lang, s, &r.contact, &r.organisation, &url);
        let unsub =
            crate::mailings::unsubscribe_url(app, &unsubscribe, r.contact_id, ConsentPurpose::Surveys, lang.code());
        let (t, h) = crate::mailings::footer(lang, &unsub);
        text.push_str(&t);
        html.push_str(&h);
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>\n{html}</body></html>\n",
            lang.code(),
            accord_domain::mail::escape_html(&subject)
        );
        messages.push(outbox::Outgoing {
            district_id: s.district_id,
            mailing_id: None,
            contact_id: Some(r.contact_id),
            organisation_id: Some(r.organisation_id),
            email: r.email.clone().unwrap_or_default(),
            subject,
            text,
            html,
            unsubscribe_url: Some(unsub),
            ics: None,
        });
    }
    let report = SendReport { queued: reached.len() as u64, skipped: (recipients.len() - reached.len()) as u64 };
    if mail {
        outbox::enqueue(&txn, &app.config.mail, messages, now).await?;
    }
    let mut e = actor.audit("send", "survey", Some(s.id.to_string()));
    e.district_id = Some(s.district_id);
    e.after = Some(serde_json::json!({"segment_id": segment_id, "queued": report.queued,
        "skipped": report.skipped, "lang": lang.code(), "mail": mail}));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    Ok((report, ids.into_iter().collect()))
}

/// For the demo, which has no SMTP server: records the invitations of a sending as
/// [`send`] does, without mail; the invitations' ids by contact.
pub(crate) async fn record_demo_sent(
    app: &App,
    actor: &Actor,
    survey_id: i64,
    segment_id: i64,
) -> Result<Vec<(i64, i64)>> {
    actor.require_write()?;
    require(can_write(actor))?;
    let s = row(app, actor, survey_id).await?;
    Ok(queue(app, actor, &s, segment_id, Lang::Da, false).await?.1)
}

/// The answer link of an invitation, for the demo and for staff who resend it by hand.
pub async fn answer_link(app: &App, actor: &Actor, survey_id: i64, invitation_id: i64, lang: Lang) -> Result<String> {
    require(can_write(actor))?;
    let s = row(app, actor, survey_id).await?;
    let inv = q::invitations_of(&app.db.conn, &actor.scope(), s.id)
        .await?
        .into_iter()
        .find(|i| i.id == invitation_id)
        .ok_or(AppError::NotFound)?;
    Ok(answer_url(app, &crate::links::key(app, LINK_PURPOSE).await?, &s, inv.id, lang))
}

// ---- answering through the link ----

/// Why an answer link cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    /// Not a link this service made, or changed since.
    Invalid,
    /// The survey has closed.
    Expired,
    /// The link was used for an answer already.
    Used,
}

/// The raw form of a questionnaire: each field's values, as posted or saved.
pub type FormValues = BTreeMap<String, Vec<String>>;

/// What the holder of a link sees: the questionnaire and what was entered so far.
#[derive(Debug, Clone)]
pub struct Questionnaire {
    pub survey: SurveyView,
    /// The company, unless the survey is anonymous.
    pub organisation: Option<String>,
    pub values: FormValues,
}

impl Questionnaire {
    /// The value entered in a field, or "".
    pub fn value(&self, field: &str) -> &str {
        self.values.get(field).and_then(|v| v.first()).map(String::as_str).unwrap_or("")
    }

    /// Whether a field holds this value (a checkbox or radio button is ticked).
    pub fn has(&self, field: &str, value: &str) -> bool {
        self.values.get(field).is_some_and(|v| v.iter().any(|x| x == value))
    }
}

async fn check_token(
    app: &App,
    token: &str,
) -> Result<std::result::Result<(survey::Model, survey_invitation::Model), LinkProblem>> {
    let parts: Vec<&str> = token.split('.').collect();
    let [i, x, sig] = parts.as_slice() else { return Ok(Err(LinkProblem::Invalid)) };
    let (Ok(id), Ok(expires), Ok(sig)) = (i.parse::<i64>(), x.parse::<i64>(), hex::decode(sig)) else {
        return Ok(Err(LinkProblem::Invalid));
    };
    let key = crate::links::key(app, LINK_PURPOSE).await?;
    if sig.len() != 16 || signature(&key, id, expires).verify_truncated_left(&sig).is_err() {
        return Ok(Err(LinkProblem::Invalid));
    }
    let c = &app.db.conn;
    let Some(inv) = q::invitation_for_link(c, id).await? else { return Ok(Err(LinkProblem::Invalid)) };
    let Some(s) = q::get_for_link(c, inv.survey_id).await? else { return Ok(Err(LinkProblem::Invalid)) };
    if inv.answered {
        return Ok(Err(LinkProblem::Used));
    }
    let now = Utc::now().timestamp();
    if now > expires || now > expiry(&s) {
        return Ok(Err(LinkProblem::Expired));
    }
    Ok(Ok((s, inv)))
}

async fn questionnaire(
    app: &App,
    s: survey::Model,
    inv: &survey_invitation::Model,
    values: Option<FormValues>,
) -> Result<Questionnaire> {
    let c = &app.db.conn;
    let organisation = if s.anonymous {
        None
    } else {
        accord_db::directory::organisations_by_ids(c, vec![inv.organisation_id]).await?.pop().map(|o| o.name)
    };
    let values =
        values.unwrap_or_else(|| inv.draft.as_deref().and_then(|d| serde_json::from_str(d).ok()).unwrap_or_default());
    let scope = accord_db::Scope::Districts(vec![s.district_id]);
    Ok(Questionnaire { survey: view_of(c, &scope, s).await?, organisation, values })
}

/// The questionnaire behind a link with the answers saved so far, or why the link cannot be
/// used.
pub async fn open(app: &App, token: &str) -> Result<std::result::Result<Questionnaire, LinkProblem>> {
    match check_token(app, token).await? {
        Ok((s, inv)) => Ok(Ok(questionnaire(app, s, &inv, None).await?)),
        Err(p) => Ok(Err(p)),
    }
}

/// Keeps only the fields of the survey's questions, trimmed, at most the longest answer.
fn clean(questions: &[QuestionView], form: &[(String, String)]) -> FormValues {
    let fields: HashSet<String> = questions
        .iter()
        .flat_map(|q| {
            let mut f = vec![q.field()];
            f.extend((0..q.rows.len()).map(|r| q.row_field(r)));
            f
        })
        .collect();
    let mut out = FormValues::new();
    for (k, v) in form {
        if fields.contains(k) && !v.trim().is_empty() {
            out.entry(k.clone()).or_default().push(v.trim().chars().take(MAX_ANSWER + 1).collect());
        }
    }
    out
}

/// Saves what was entered so far, checked or not, to continue later.
pub async fn save(
    app: &App,
    token: &str,
    form: &[(String, String)],
) -> Result<std::result::Result<Questionnaire, LinkProblem>> {
    let (s, inv) = match check_token(app, token).await? {
        Ok(x) => x,
        Err(p) => return Ok(Err(p)),
    };
    let questions: Vec<QuestionView> = q::questions_of(&app.db.conn, s.id).await?.iter().map(question_view).collect();
    let values = clean(&questions, form);
    let txn = app.db.write().await?;
    if !q::save_draft(&txn, inv.id, &serde_json::to_string(&values).unwrap_or_default()).await? {
        return Ok(Err(LinkProblem::Used));
    }
    txn.commit().await?;
    Ok(Ok(questionnaire(app, s, &inv, Some(values)).await?))
}

/// An answer ready to store: (question, row, value, text).
type Answer = (i64, Option<i32>, Option<i32>, Option<String>);

/// Checks the entered values against the questions: a required question unanswered, an
/// option or scale point that does not exist, a text too long, each named by its field.
pub fn check_answers(questions: &[QuestionView], values: &FormValues) -> std::result::Result<Vec<Answer>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut out = vec![];
    let first = |f: &str| values.get(f).and_then(|v| v.first()).map(|s| s.trim()).filter(|s| !s.is_empty());
    for qn in questions {
        let f = qn.field();
        let missing = |errors: &mut FieldErrors| {
            if qn.required {
                errors.add(&f, "survey.answer_required", None);
            }
        };
        match qn.kind {
            QuestionKind::Single | QuestionKind::Multiple => {
                let chosen: Vec<&String> = values.get(&f).map(|v| v.iter().collect()).unwrap_or_default();
                if chosen.is_empty() {
                    missing(&mut errors);
                }
                if qn.kind == QuestionKind::Single && chosen.len() > 1 {
                    errors.add(&f, "survey.one_option", None);
                    continue;
                }
                for c in chosen {
                    match c.trim().parse::<usize>() {
                        Ok(i) if i < qn.options.len() => out.push((qn.id, None, Some(i as i32), None)),
                        _ => errors.add(&f, "survey.option_unknown", Some(c)),
                    }
                }
            }
            QuestionKind::Scale => match first(&f) {
                None => missing(&mut errors),
                Some(v) => match scale_value(v) {
                    Ok(n) => out.push((qn.id, None, Some(n), None)),
                    Err(code) => errors.add(&f, code, Some(v)),
                },
            },
            QuestionKind::YesNo => match first(&f) {
                None => missing(&mut errors),
                Some("yes") => out.push((qn.id, None, Some(1), None)),
                Some("no") => out.push((qn.id, None, Some(0), None)),
                Some(v) => errors.add(&f, "survey.yes_or_no", Some(v)),
            },
            QuestionKind::Text => match first(&f) {
                None => missing(&mut errors),
                Some(t) if t.chars().count() > MAX_ANSWER => errors.add(&f, "field.too_long", None),
                Some(t) => out.push((qn.id, None, None, Some(t.to_owned()))),
            },
            QuestionKind::Matrix => {
                let mut unanswered = 0;
                for r in 0..qn.rows.len() {
                    match first(&qn.row_field(r)) {
                        None => unanswered += 1,
                        Some(v) => match scale_value(v) {
                            Ok(n) => out.push((qn.id, Some(r as i32), Some(n), None)),
                            Err(code) => errors.add(&qn.row_field(r), code, Some(v)),
                        },
                    }
                }
                if qn.required && unanswered > 0 {
                    errors.add(&f, "survey.rows_unanswered", Some(&unanswered.to_string()));
                }
            }
        }
    }
    errors.into_result()?;
    Ok(out)
}

/// Stores a checked questionnaire in the caller's transaction and marks the link used. An
/// anonymous survey's response names no company or contact.
async fn store<C: accord_db::sea_orm::ConnectionTrait>(
    txn: &C,
    s: &survey::Model,
    inv: &survey_invitation::Model,
    answers: Vec<Answer>,
    on: NaiveDate,
) -> Result<bool> {
    if !q::mark_answered(txn, inv.id).await? {
        return Ok(false);
    }
    insert_response(txn, s, (!s.anonymous).then_some((inv.organisation_id, inv.contact_id)), answers, on, None).await?;
    Ok(true)
}

/// Writes a response and its answers; `who` is the company and contact, none when anonymous.
async fn insert_response<C: accord_db::sea_orm::ConnectionTrait>(
    txn: &C,
    s: &survey::Model,
    who: Option<(i64, i64)>,
    answers: Vec<Answer>,
    on: NaiveDate,
    external_id: Option<String>,
) -> Result<()> {
    let r = q::insert_response(
        txn,
        survey_response::ActiveModel {
            survey_id: Set(s.id),
            district_id: Set(s.district_id),
            organisation_id: Set(who.map(|w| w.0)),
            contact_id: Set(who.map(|w| w.1)),
            submitted_on: Set(on),
            external_id: Set(external_id),
            ..Default::default()
        },
    )
    .await?;
    q::insert_answers(
        txn,
        answers
            .into_iter()
            .map(|(question, row, value, text)| survey_answer::ActiveModel {
                response_id: Set(r.id),
                question_id: Set(question),
                row_index: Set(row),
                value: Set(value),
                text: Set(text),
                ..Default::default()
            })
            .collect(),
    )
    .await?;
    Ok(())
}

/// What became of a submission.
#[derive(Debug)]
pub enum Submitted {
    /// Stored; the link is now used.
    Done,
    /// Not stored: the questionnaire as entered, with what is wrong (the entries are kept as
    /// saved).
    Invalid(Box<Questionnaire>, FieldErrors),
}

/// Submits the questionnaire: checked, stored once, the link used. With something wrong,
/// nothing is stored but the entries, which are saved as with [`save`].
pub async fn submit(
    app: &App,
    token: &str,
    form: &[(String, String)],
) -> Result<std::result::Result<Submitted, LinkProblem>> {
    let (s, inv) = match check_token(app, token).await? {
        Ok(x) => x,
        Err(p) => return Ok(Err(p)),
    };
    let questions: Vec<QuestionView> = q::questions_of(&app.db.conn, s.id).await?.iter().map(question_view).collect();
    let values = clean(&questions, form);
    let answers = match check_answers(&questions, &values) {
        Ok(a) => a,
        Err(errors) => {
            let txn = app.db.write().await?;
            q::save_draft(&txn, inv.id, &serde_json::to_string(&values).unwrap_or_default()).await?;
            txn.commit().await?;
            let qn = questionnaire(app, s, &inv, Some(values)).await?;
            return Ok(Ok(Submitted::Invalid(Box::new(qn), errors)));
        }
    };
    let now = Utc::now();
    let txn = app.db.write().await?;
    let inv = q::lock_invitation(&txn, inv.id).await?.ok_or(AppError::NotFound)?;
    if !store(&txn, &s, &inv, answers, now.date_naive()).await? {
        return Ok(Err(LinkProblem::Used));
    }
    // The trail records that the survey was answered; of an anonymous one, not by whom.
    let entry = accord_db::audit::Entry {
        actor: if s.anonymous { "survey link".into() } else { format!("contact {} (survey link)", inv.contact_id) },
        action: "answer".into(),
        entity: "survey".into(),
        entity_id: Some(s.id.to_string()),
        district_id: Some(s.district_id),
        ..Default::default()
    };
    accord_db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(Ok(Submitted::Done))
}

/// For the demo: stores a company group's answers as its link would, checked alike.
pub(crate) async fn record_demo_answer(
    app: &App,
    survey_id: i64,
    invitation_id: i64,
    values: &FormValues,
    on: NaiveDate,
) -> Result<()> {
    let c = &app.db.conn;
    let s = q::get_for_link(c, survey_id).await?.ok_or(AppError::NotFound)?;
    let inv = q::invitation_for_link(c, invitation_id).await?.ok_or(AppError::NotFound)?;
    let questions: Vec<QuestionView> = q::questions_of(c, s.id).await?.iter().map(question_view).collect();
    let answers = check_answers(&questions, values).map_err(AppError::Invalid)?;
    let txn = app.db.write().await?;
    store(&txn, &s, &inv, answers, on).await?;
    txn.commit().await?;
    Ok(())
}

// ---- answers collected by another survey tool ----

/// The column of the other tool's response id in an import of answers.
pub const RESPONSE_ID_COLUMN: &str = "response_id";
/// The column of the company (its ref, CVR, P-number or Companies House number).
pub const COMPANY_COLUMN: &str = "company";
/// The longest response id of another tool.
pub const MAX_RESPONSE_ID: usize = 100;

/// A question's column in a file of answers: `q{position}`, a matrix row's `q{position}.{row}`
/// (rows from 1); with the form field it fills.
pub fn answer_columns(questions: &[QuestionView]) -> Vec<(String, String)> {
    let mut out = vec![];
    for qn in questions {
        if qn.kind == QuestionKind::Matrix {
            for r in 0..qn.rows.len() {
                out.push((format!("q{}.{}", qn.position, r + 1), qn.row_field(r)));
            }
        } else {
            out.push((format!("q{}", qn.position), qn.field()));
        }
    }
    out
}

/// Every column of a file of answers to the survey, in order: the response id, the company
/// (not in an anonymous survey), then one per question (a matrix: one per row).
pub fn import_columns(s: &SurveyView) -> Vec<String> {
    let mut out = vec![RESPONSE_ID_COLUMN.to_owned()];
    if !s.anonymous {
        out.push(COMPANY_COLUMN.to_owned());
    }
    out.extend(answer_columns(&s.questions).into_iter().map(|(c, _)| c));
    out
}

/// An option named in a file: its number (from 1) or its English or Danish label.
fn option_index(qn: &QuestionView, v: &str) -> Option<usize> {
    if let Ok(n) = v.parse::<usize>() {
        return (1..=qn.options.len()).contains(&n).then(|| n - 1);
    }
    let v = v.to_lowercase();
    qn.options.iter().position(|o| o.en.trim().to_lowercase() == v || o.da.trim().to_lowercase() == v)
}

/// The form values of a line of a file, with what cannot be read named by its column.
fn line_values(
    questions: &[QuestionView],
    columns: &[(String, String)],
    cell: impl Fn(&str) -> String,
    errors: &mut FieldErrors,
) -> FormValues {
    let by_field: HashMap<String, &QuestionView> = questions
        .iter()
        .flat_map(|qn| {
            let mut f = vec![qn.field()];
            f.extend((0..qn.rows.len()).map(|r| qn.row_field(r)));
            f.into_iter().map(move |f| (f, qn))
        })
        .collect();
    let mut values = FormValues::new();
    for (column, field) in columns {
        let v = cell(column);
        if v.is_empty() {
            continue;
        }
        let Some(qn) = by_field.get(field) else { continue };
        let parts: Vec<String> = match qn.kind {
            QuestionKind::Single => match option_index(qn, &v) {
                Some(i) => vec![i.to_string()],
                None => {
                    errors.add(column, "survey.option_unknown", Some(&v));
                    continue;
                }
            },
            QuestionKind::Multiple => {
                let mut out = vec![];
                for p in v.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                    match option_index(qn, p) {
                        Some(i) => out.push(i.to_string()),
                        None => errors.add(column, "survey.option_unknown", Some(p)),
                    }
                }
                out
            }
            QuestionKind::YesNo => vec![match v.to_lowercase().as_str() {
                "yes" | "ja" => "yes".into(),
                "no" | "nej" => "no".into(),
                _ => v.clone(),
            }],
            QuestionKind::Scale | QuestionKind::Matrix | QuestionKind::Text => vec![v.clone()],
        };
        if !parts.is_empty() {
            values.insert(field.clone(), parts);
        }
    }
    values
}

/// A line of a file of answers ready to store: the other tool's response id, the invitation
/// it uses with its company and contact (none in an anonymous survey), and the answers.
type ImportedLine = (String, Option<(i64, i64, i64)>, Vec<Answer>);

/// The root of each organisation's hierarchy (its company group), parents read until none is
/// left.
async fn group_roots<C: accord_db::sea_orm::ConnectionTrait>(c: &C, ids: Vec<i64>) -> Result<HashMap<i64, i64>> {
    let mut parent: HashMap<i64, Option<i64>> = HashMap::new();
    let mut missing = ids.clone();
    while !missing.is_empty() {
        missing.sort_unstable();
        missing.dedup();
        for o in accord_db::directory::organisations_by_ids(c, missing.clone()).await? {
            parent.insert(o.id, o.parent_id);
        }
        for m in &missing {
            parent.entry(*m).or_insert(None);
        }
        missing = parent.values().flatten().filter(|p| !parent.contains_key(p)).copied().collect();
    }
    let root = |mut id: i64| {
        for _ in 0..20 {
            match parent.get(&id).copied().flatten() {
                Some(p) => id = p,
                None => break,
            }
        }
        id
    };
    Ok(ids.iter().map(|id| (*id, root(*id))).collect())
}

/// Imports answers collected by another survey tool from a CSV or XLSX file with the columns
/// of [`import_columns`]: the other tool's `response_id`, the `company` (its ref, CVR,
/// P-number or Companies House number; an anonymous survey's file has no such column, as its
/// answers name no company), and one column per question (`q1`, `q2`, a matrix row `q5.1`)
/// holding the answer in the question's terms: an option's number or label (several
/// separated by `;`), a point of the scale from 1 to 5, yes or no (ja or nej), or the text.
/// The answers are checked as the questionnaire checks them.
///
/// All or nothing: any bad line writes nothing, and every problem is named by its line and
/// column. A response id imported before is left alone, so importing the same file twice adds
/// nothing. The company must belong to a company group the survey was sent to that has not
/// answered yet; its invitation is then used, as if answered through the link. An anonymous
/// survey takes no more answers than it invited company groups.
pub async fn import_responses(
    app: &App,
    actor: &Actor,
    survey_id: i64,
    bytes: &[u8],
    dry_run: bool,
) -> Result<crate::import::ImportReport> {
    use crate::import::ImportReport;
    actor.require_write()?;
    require(can_write(actor))?;
    let s = row(app, actor, survey_id).await?;
    let c = &app.db.conn;
    let scope = actor.scope();
    let view = view_of(c, &scope, s.clone()).await?;
    if s.sent_at.is_none() {
        return Ok(ImportReport::fail(0, "survey", "survey.import_not_sent", Some(&s.name)));
    }
    let table = match crate::files::read_table(bytes) {
        Ok(t) => t,
        Err(msg) => return Ok(ImportReport::fail(0, "file", "import.unreadable", Some(&msg))),
    };
    let columns = answer_columns(&view.questions);
    let expected = import_columns(&view);
    let mut errors = FieldErrors::new();
    if s.anonymous && table.col(COMPANY_COLUMN).is_some() {
        errors.add(COMPANY_COLUMN, "survey.import_company_anonymous", Some(COMPANY_COLUMN));
    }
    let unknown: Vec<&str> = table
        .header
        .iter()
        .map(String::as_str)
        .filter(|h| {
            // An anonymous survey's company column is refused above, by its own message.
            let known = h.is_empty() || expected.iter().any(|e| e == h) || (s.anonymous && *h == COMPANY_COLUMN);
            !known
        })
        .collect();
    if !unknown.is_empty() {
        errors.add("header", "import.unknown_columns", Some(&unknown.join(", ")));
    }
    for e in &expected {
        if table.col(e).is_none() {
            errors.add(e, "import.missing_column", Some(e));
        }
    }
    let mut seen_columns = HashSet::new();
    for h in &table.header {
        if !h.is_empty() && !seen_columns.insert(h) {
            errors.add(h, "import.repeated_column", Some(h));
        }
    }
    if !errors.is_empty() {
        let mut report = ImportReport::default();
        report.push(1, errors);
        return Ok(report);
    }
    if table.rows.is_empty() {
        return Ok(ImportReport::fail(1, "file", "import.empty", None));
    }
    let questions = view.questions.clone();
    let known: HashSet<String> = q::external_ids_of(c, &scope, s.id).await?.into_iter().collect();
    let invitations = q::invitations_of(c, &scope, s.id).await?;
    let roots = group_roots(c, invitations.iter().map(|i| i.organisation_id).collect()).await?;
    let by_group: HashMap<i64, &survey_invitation::Model> =
        invitations.iter().map(|i| (roots.get(&i.organisation_id).copied().unwrap_or(i.organisation_id), i)).collect();
    // A column's name for a form field, to name a problem the questionnaire's check found.
    let column_of: HashMap<&str, &str> = columns.iter().map(|(c, f)| (f.as_str(), c.as_str())).collect();
    let mut report = ImportReport { rows: table.rows.len(), dry_run, ..Default::default() };
    let mut ids_seen: HashMap<String, usize> = HashMap::new();
    let mut groups_seen: HashMap<i64, usize> = HashMap::new();
    let mut new_rows: Vec<ImportedLine> = vec![];
    for (n, cells) in &table.rows {
        let cell = |col: &str| -> String {
            table
                .col(col)
                .and_then(|i| cells.get(i))
                .map(|v| crate::files::unneutralise(v.trim()).trim().to_owned())
                .unwrap_or_default()
        };
        let mut errors = FieldErrors::new();
        let raw_id = cell(RESPONSE_ID_COLUMN);
        let Some(response_id) = short_text(&mut errors, RESPONSE_ID_COLUMN, &raw_id, MAX_RESPONSE_ID) else {
            if raw_id.is_empty() {
                errors.add(RESPONSE_ID_COLUMN, "field.required", None);
            }
            report.push(*n, errors);
            continue;
        };
        if let Some(first) = ids_seen.insert(response_id.clone(), *n) {
            errors.add(RESPONSE_ID_COLUMN, "survey.import_id_repeated", Some(&format!("{response_id} (line {first})")));
            report.push(*n, errors);
            continue;
        }
        if known.contains(&response_id) {
            // Imported before: left as it is.
            report.unchanged += 1;
            continue;
        }
        let mut who = None;
        if !s.anonymous {
            let company = cell(COMPANY_COLUMN);
            if company.is_empty() {
                errors.add(COMPANY_COLUMN, "field.required", None);
            } else {
                match accord_db::directory::resolve_ref(c, s.district_id, &company).await? {
                    None => errors.add(COMPANY_COLUMN, "survey.import_company_unknown", Some(&company)),
                    Some(o) => {
                        let root = group_roots(c, vec![o.id]).await?.get(&o.id).copied().unwrap_or(o.id);
                        match by_group.get(&root) {
                            None => errors.add(COMPANY_COLUMN, "survey.import_not_invited", Some(&company)),
                            Some(inv) if inv.answered => {
                                errors.add(COMPANY_COLUMN, "survey.import_already_answered", Some(&company))
                            }
                            Some(inv) => {
                                if let Some(first) = groups_seen.insert(root, *n) {
                                    errors.add(
                                        COMPANY_COLUMN,
                                        "survey.import_group_repeated",
                                        Some(&format!("{company} (line {first})")),
                                    );
                                } else {
                                    who = Some((inv.id, inv.organisation_id, inv.contact_id));
                                }
                            }
                        }
                    }
                }
            }
        }
        let values = line_values(&questions, &columns, cell, &mut errors);
        let answers = match check_answers(&questions, &values) {
            Ok(a) => Some(a),
            Err(found) => {
                for mut e in found.0 {
                    if let Some(col) = column_of.get(e.field.as_str()) {
                        e.field = (*col).to_owned();
                    }
                    errors.0.push(e);
                }
                None
            }
        };
        if !errors.is_empty() {
            report.push(*n, errors);
            continue;
        }
        if let Some(answers) = answers {
            new_rows.push((response_id, who, answers));
        }
    }
    if report.errors.is_empty() && s.anonymous {
        let answered = q::responses_of(c, &scope, s.id).await?.len();
        if answered + new_rows.len() > invitations.len() {
            report.push(
                0,
                FieldErrors::single("file", "survey.import_more_than_invited", Some(&invitations.len().to_string())),
            );
        }
    }
    if !report.errors.is_empty() {
        report.unchanged = 0;
        return Ok(report);
    }
    report.added = new_rows.len();
    if dry_run || new_rows.is_empty() {
        return Ok(report);
    }
    let now = Utc::now();
    let txn = app.db.write().await?;
    for (response_id, who, answers) in new_rows {
        if let Some((inv, _, _)) = who
            && !q::mark_answered(&txn, inv).await?
        {
            // Answered through its link since the file was checked: nothing is written.
            return Ok(ImportReport::fail(0, COMPANY_COLUMN, "survey.import_already_answered", Some(&response_id)));
        }
        insert_response(&txn, &s, who.map(|w| (w.1, w.2)), answers, now.date_naive(), Some(response_id)).await?;
    }
    let mut e = actor.audit("import_answers", "survey", Some(s.id.to_string()));
    e.district_id = Some(s.district_id);
    e.after = Some(serde_json::json!({"rows": report.rows, "added": report.added, "unchanged": report.unchanged}));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    Ok(report)
}

// ---- results ----

/// A count or a share of the results, or "<5" when built from fewer than five answers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    Value(f64),
    Hidden,
}

impl Cell {
    fn count(n: u64) -> Cell {
        if n < MIN_CELL { Cell::Hidden } else { Cell::Value(n as f64) }
    }

    /// `part` of `whole` in percent, hidden when either is under five.
    fn share(part: u64, whole: u64) -> Cell {
        match share(part, whole) {
            Some(s) if part >= MIN_CELL && whole >= MIN_CELL => Cell::Value(s),
            Some(_) => Cell::Hidden,
            None => Cell::Value(0.0),
        }
    }

    pub fn is_hidden(&self) -> bool {
        matches!(self, Cell::Hidden)
    }

    /// As a page or a file shows it: the number (one decimal for a share), or "<5".
    pub fn text(&self, lang: Lang, decimals: bool) -> String {
        match self {
            Cell::Hidden => "<5".into(),
            Cell::Value(v) if decimals => accord_domain::format::percent(lang, *v),
            Cell::Value(v) => accord_domain::format::number(lang, *v as i64),
        }
    }
}

impl Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Cell::Hidden => s.serialize_str("<5"),
            Cell::Value(v) if v.fract() == 0.0 && *v < 1e15 => s.serialize_i64(*v as i64),
            Cell::Value(v) => s.serialize_f64(*v),
        }
    }
}

/// One answer of a question (an option, a point of the scale, yes or no): how many gave it
/// and their share of those who answered the question (or the matrix row).
#[derive(Debug, Clone, Serialize)]
pub struct AnswerCount {
    /// The option's index, the scale's point, 1 for yes and 0 for no.
    pub value: i32,
    pub label: Bilingual,
    pub count: Cell,
    pub share: Cell,
}

/// A matrix row's answers.
#[derive(Debug, Clone, Serialize)]
pub struct RowResult {
    pub label: Bilingual,
    pub answered: Cell,
    pub answers: Vec<AnswerCount>,
}

/// A free-text answer; the company only when the survey is not anonymous.
#[derive(Debug, Clone, Serialize)]
pub struct TextAnswer {
    pub text: String,
    pub organisation: Option<String>,
}

/// The results of one question.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionResult {
    pub id: i64,
    pub position: i32,
    pub kind: QuestionKind,
    pub text: Bilingual,
    pub satisfaction: bool,
    /// How many answered the question.
    pub answered: Cell,
    pub answers: Vec<AnswerCount>,
    pub rows: Vec<RowResult>,
    /// A scale question's share of answers in its top two points.
    pub top_two_share: Option<Cell>,
    pub texts: Vec<TextAnswer>,
}

/// A survey's results: computed from the stored answers every time.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub survey_id: i64,
    pub name: String,
    pub year: i32,
    pub anonymous: bool,
    /// Company groups invited, and how many answered.
    pub invited: u64,
    pub answered: u64,
    /// `answered` of `invited` in percent, one decimal; null before anything was sent.
    pub response_rate: Option<f64>,
    /// The share of answers to the satisfaction question in its top two points; null when
    /// the survey has no satisfaction question.
    pub satisfaction_share: Option<Cell>,
    pub satisfaction_target: f64,
    pub questions: Vec<QuestionResult>,
}

fn counts(values: &[i32], domain: &[(i32, Bilingual)], whole: u64) -> Vec<AnswerCount> {
    domain
        .iter()
        .map(|(v, label)| {
            let n = values.iter().filter(|x| *x == v).count() as u64;
            AnswerCount { value: *v, label: label.clone(), count: Cell::count(n), share: Cell::share(n, whole) }
        })
        .collect()
}

/// The results of a survey the actor may see.
pub async fn results(app: &App, actor: &Actor, survey_id: i64) -> Result<Results> {
    require(can_view(actor))?;
    let c = &app.db.conn;
    let scope = actor.scope();
    let s = row(app, actor, survey_id).await?;
    let questions: Vec<QuestionView> = q::questions_of(c, s.id).await?.iter().map(question_view).collect();
    let invited = q::invitations_of(c, &scope, s.id).await?.len() as u64;
    let responses = q::responses_of(c, &scope, s.id).await?;
    let answers = q::answers_of(c, &scope, s.id).await?;
    let org_of: HashMap<i64, i64> = responses.iter().filter_map(|r| r.organisation_id.map(|o| (r.id, o))).collect();
    let names: HashMap<i64, String> = if s.anonymous {
        HashMap::new()
    } else {
        let mut ids: Vec<i64> = org_of.values().copied().collect();
        ids.sort_unstable();
        ids.dedup();
        accord_db::directory::organisations_by_ids(c, ids).await?.into_iter().map(|o| (o.id, o.name)).collect()
    };
    let answered = responses.len() as u64;
    let mut by_question: HashMap<i64, Vec<&survey_answer::Model>> = HashMap::new();
    for a in &answers {
        by_question.entry(a.question_id).or_default().push(a);
    }
    let yes_no = vec![(1, Bilingual::new("Yes", "Ja")), (0, Bilingual::new("No", "Nej"))];
    let mut satisfaction_share = None;
    let mut out = vec![];
    for qn in &questions {
        let rows = by_question.get(&qn.id).cloned().unwrap_or_default();
        let respondents = rows.iter().map(|a| a.response_id).collect::<HashSet<_>>().len() as u64;
        let values: Vec<i32> = rows.iter().filter_map(|a| a.value).collect();
        let mut result = QuestionResult {
            id: qn.id,
            position: qn.position,
            kind: qn.kind,
            text: qn.text.clone(),
            satisfaction: qn.satisfaction,
            answered: Cell::count(respondents),
            answers: vec![],
            rows: vec![],
            top_two_share: None,
            texts: vec![],
        };
        match qn.kind {
            QuestionKind::Single | QuestionKind::Multiple => {
                let domain: Vec<(i32, Bilingual)> =
                    qn.options.iter().enumerate().map(|(i, l)| (i as i32, l.clone())).collect();
                result.answers = counts(&values, &domain, respondents);
            }
            QuestionKind::Scale => {
                let domain: Vec<(i32, Bilingual)> = qn.points().into_iter().map(|(p, l)| (p, l.clone())).collect();
                result.answers = counts(&values, &domain, respondents);
                let top = values.iter().filter(|v| **v >= SATISFIED_FROM).count() as u64;
                let cell = Cell::share(top, respondents);
                result.top_two_share = Some(cell);
                if qn.satisfaction {
                    satisfaction_share = Some(cell);
                }
            }
            QuestionKind::YesNo => result.answers = counts(&values, &yes_no, respondents),
            QuestionKind::Text => {
                let mut texts: Vec<TextAnswer> = rows
                    .iter()
                    .filter_map(|a| {
                        Some(TextAnswer {
                            text: a.text.clone()?,
                            organisation: org_of.get(&a.response_id).and_then(|o| names.get(o)).cloned(),
                        })
                    })
                    .collect();
                if s.anonymous {
                    // No order that follows the order of answering.
                    texts.sort_by(|a, b| a.text.cmp(&b.text));
                }
                result.texts = texts;
            }
            QuestionKind::Matrix => {
                let domain: Vec<(i32, Bilingual)> = qn.points().into_iter().map(|(p, l)| (p, l.clone())).collect();
                for (r, label) in qn.rows.iter().enumerate() {
                    let vals: Vec<i32> =
                        rows.iter().filter(|a| a.row_index == Some(r as i32)).filter_map(|a| a.value).collect();
                    let n = vals.len() as u64;
                    result.rows.push(RowResult {
                        label: label.clone(),
                        answered: Cell::count(n),
                        answers: counts(&vals, &domain, n),
                    });
                }
            }
        }
        out.push(result);
    }
    Ok(Results {
        survey_id: s.id,
        name: s.name,
        year: s.year,
        anonymous: s.anonymous,
        invited,
        answered,
        response_rate: share(answered, invited),
        satisfaction_share,
        satisfaction_target: SATISFACTION_TARGET,
        questions: out,
    })
}

/// The results as a table (question, row, answer, count, share), for the export.
pub fn results_table(r: &Results, lang: Lang) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let header = vec!["question", "position", "row", "answer", "value", "count", "share"];
    let cell = |c: &Cell| match c {
        Cell::Hidden => "<5".to_owned(),
        Cell::Value(v) => format!("{v}"),
    };
    let mut rows = vec![
        vec![
            "invited".into(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            r.invited.to_string(),
            String::new(),
        ],
        vec![
            "answered".into(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            r.answered.to_string(),
            r.response_rate.map(|v| format!("{v}")).unwrap_or_default(),
        ],
    ];
    if let Some(s) = &r.satisfaction_share {
        rows.push(vec![
            "satisfaction_share".into(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            cell(s),
        ]);
    }
    for qn in &r.questions {
        let text = qn.text.get(lang).to_owned();
        for a in &qn.answers {
            rows.push(vec![
                text.clone(),
                qn.position.to_string(),
                String::new(),
                a.label.get(lang).to_owned(),
                a.value.to_string(),
                cell(&a.count),
                cell(&a.share),
            ]);
        }
        for row in &qn.rows {
            for a in &row.answers {
                rows.push(vec![
                    text.clone(),
                    qn.position.to_string(),
                    row.label.get(lang).to_owned(),
                    a.label.get(lang).to_owned(),
                    a.value.to_string(),
                    cell(&a.count),
                    cell(&a.share),
                ]);
            }
        }
        if qn.kind == QuestionKind::Text {
            rows.push(vec![
                text.clone(),
                qn.position.to_string(),
                String::new(),
                String::new(),
                String::new(),
                cell(&qn.answered),
                String::new(),
            ]);
        }
    }
    (header, rows)
}

/// The results of a survey as CSV, XLSX (counts and shares as numbers) or JSON.
pub async fn export(app: &App, actor: &Actor, survey_id: i64, format: crate::files::Format) -> Result<Vec<u8>> {
    let r = results(app, actor, survey_id).await?;
    let lang = Lang::Da;
    match format {
        crate::files::Format::Json => {
            serde_json::to_vec_pretty(&r).map_err(|e| AppError::Internal(format!("results: {e}")))
        }
        crate::files::Format::Csv => {
            let (header, rows) = results_table(&r, lang);
            crate::files::write_table(format, "results", &header, &rows).map_err(AppError::Internal)
        }
        crate::files::Format::Xlsx => {
            let (header, rows) = results_table(&r, lang);
            let xerr = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("workbook: {e}"));
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            ws.set_name("results").map_err(xerr)?;
            let bold = rust_xlsxwriter::Format::new().set_bold();
            for (c, h) in header.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, *h, &bold).map_err(xerr)?;
            }
            for (n, row) in rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let (n, c) = ((n + 1) as u32, c as u16);
                    // Counts, shares, positions and values are numbers; "<5" stays text.
                    match cell.parse::<f64>() {
                        Ok(v) if c >= 1 && c != 2 && c != 3 => ws.write_number(n, c, v).map_err(xerr)?,
                        _ if cell.is_empty() => ws,
                        _ => ws.write_string(n, c, crate::files::neutralise(cell)).map_err(xerr)?,
                    };
                }
            }
            ws.set_freeze_panes(1, 0).map_err(xerr)?;
            wb.save_to_buffer().map_err(xerr)
        }
    }
}

/// The answers of a survey as the demo gives them: a form's values from (question position,
/// value) pairs, a matrix row as `position/row`.
pub(crate) fn demo_values(questions: &[QuestionView], given: &[(&str, &str)]) -> FormValues {
    let mut out = FormValues::new();
    for (at, v) in given {
        let (pos, row) = match at.split_once('/') {
            Some((p, r)) => (p, r.parse::<usize>().ok()),
            None => (*at, None),
        };
        let Some(qn) = questions.iter().find(|q| q.position.to_string() == pos) else { continue };
        let f = match row {
            Some(r) => qn.row_field(r),
            None => qn.field(),
        };
        out.entry(f).or_default().push((*v).to_owned());
    }
    out
}

/// The questions of a survey (for the demo).
pub(crate) async fn questions(app: &App, survey_id: i64) -> Result<Vec<QuestionView>> {
    Ok(q::questions_of(&app.db.conn, survey_id).await?.iter().map(question_view).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qv(id: i64, kind: QuestionKind, required: bool) -> QuestionView {
        QuestionView {
            id,
            position: id as i32,
            section: None,
            kind,
            required,
            text: Bilingual::new("Q", "S"),
            options: if kind.is_scale() {
                default_scale_labels()
            } else {
                vec![Bilingual::new("a", "a"), Bilingual::new("b", "b")]
            },
            rows: if kind == QuestionKind::Matrix { vec![Bilingual::new("r", "r")] } else { vec![] },
            satisfaction: false,
            version: 1,
        }
    }

    #[test]
    fn answers_are_checked_question_by_question() {
        let qs = vec![
            qv(1, QuestionKind::Scale, true),
            qv(2, QuestionKind::Single, false),
            qv(3, QuestionKind::Matrix, true),
        ];
        let mut v = FormValues::new();
        v.insert("q1".into(), vec!["7".into()]);
        v.insert("q2".into(), vec!["9".into()]);
        let e = check_answers(&qs, &v).unwrap_err();
        assert_eq!(e.get("q1").map(|e| e.code.as_str()), Some("survey.scale_out_of_range"));
        assert_eq!(e.get("q2").map(|e| e.code.as_str()), Some("survey.option_unknown"));
        assert_eq!(e.get("q3").map(|e| e.code.as_str()), Some("survey.rows_unanswered"));
        v.insert("q1".into(), vec!["5".into()]);
        v.remove("q2");
        v.insert("q3_0".into(), vec!["4".into()]);
        assert_eq!(check_answers(&qs, &v).unwrap(), vec![(1, None, Some(5), None), (3, Some(0), Some(4), None)]);
    }

    #[test]
    fn small_cells_are_hidden() {
        assert!(Cell::count(4).is_hidden());
        assert_eq!(Cell::count(5), Cell::Value(5.0));
        assert!(Cell::share(4, 100).is_hidden());
        assert!(Cell::share(4, 4).is_hidden());
        assert_eq!(Cell::share(106, 113), Cell::Value(93.8));
        assert_eq!(serde_json::to_string(&Cell::Hidden).unwrap(), "\"<5\"");
        assert_eq!(serde_json::to_string(&Cell::Value(12.0)).unwrap(), "12");
        assert_eq!(serde_json::to_string(&Cell::Value(93.8)).unwrap(), "93.8");
    }

    #[test]
    fn tokens_check_their_signature() {
        let key = [7u8; 32];
        let t = token(&key, 5, 1_900_000_000);
        let sig = hex::decode(t.rsplit('.').next().unwrap()).unwrap();
        assert!(signature(&key, 5, 1_900_000_000).verify_truncated_left(&sig).is_ok());
        assert!(signature(&key, 6, 1_900_000_000).verify_truncated_left(&sig).is_err());
        assert!(signature(&key, 5, 1_900_000_001).verify_truncated_left(&sig).is_err());
    }
}
