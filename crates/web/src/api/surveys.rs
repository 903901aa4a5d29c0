//! The satisfaction survey over the API: surveys and their questions, the recipients a
//! segment gives, sending, and the results, under the same rules, audit entries and access as
//! the pages.

use super::extract::Json;
use super::extract::{Path, Query};
use super::values::{MailLangCode, QuestionKindCode};
use super::{ErrorBody, PageParams};
use crate::ctx::ApiActor;
use crate::error::WebResult;
use crate::state::AppState;
use accord_app::AppError;
use accord_app::surveys::{self as sv, Bilingual, Cell, QuestionInput, QuestionView, SurveyInput, SurveyView};
use accord_domain::{FieldErrors, Lang};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::{IntoParams, PartialSchema, ToSchema};

/// A text in English and Danish, both required.
#[derive(Serialize, Deserialize, ToSchema, Clone)]
pub struct Text {
    #[schema(min_length = 1)]
    pub en: String,
    #[schema(min_length = 1)]
    pub da: String,
}

impl From<Bilingual> for Text {
    fn from(b: Bilingual) -> Self {
        Text { en: b.en, da: b.da }
    }
}

impl From<Text> for Bilingual {
    fn from(t: Text) -> Self {
        Bilingual { en: t.en, da: t.da }
    }
}

/// A question of a survey.
#[derive(Serialize, ToSchema)]
pub struct Question {
    pub id: i64,
    /// From 1, in the questionnaire's order.
    pub position: i32,
    /// The section the question opens, if it opens one.
    pub section: Option<Text>,
    /// `single`, `multiple`, `scale`, `yes_no`, `text` or `matrix`.
    #[schema(value_type = QuestionKindCode)]
    pub kind: String,
    pub required: bool,
    pub text: Text,
    /// The options (answered by their index from 0), or a scale's five labels (points 1 to 5).
    pub options: Vec<Text>,
    /// A matrix's rows (from 0), each answered on the scale.
    pub rows: Vec<Text>,
    /// The satisfaction question: its top two points count as satisfied.
    pub satisfaction: bool,
    pub version: i32,
}

impl From<QuestionView> for Question {
    fn from(q: QuestionView) -> Self {
        Question {
            id: q.id,
            position: q.position,
            section: q.section.map(Into::into),
            kind: q.kind.as_str().into(),
            required: q.required,
            text: q.text.into(),
            options: q.options.into_iter().map(Into::into).collect(),
            rows: q.rows.into_iter().map(Into::into).collect(),
            satisfaction: q.satisfaction,
            version: q.version,
        }
    }
}

/// A district's satisfaction survey of one year.
#[derive(Serialize, ToSchema)]
pub struct Survey {
    pub id: i64,
    /// The district's code.
    pub district: String,
    pub year: i32,
    pub name: String,
    /// An anonymous survey stores its answers without the company or contact.
    pub anonymous: bool,
    /// The last day answers are taken; the links expire at its end.
    pub closes_on: NaiveDate,
    /// When it was sent; null while it is being built.
    pub sent_at: Option<DateTime<Utc>>,
    /// Company groups invited, and how many answered.
    pub invited: u64,
    pub answered: u64,
    pub questions: Vec<Question>,
    pub version: i32,
}

impl From<SurveyView> for Survey {
    fn from(v: SurveyView) -> Self {
        Survey {
            id: v.id,
            district: v.district,
            year: v.year,
            name: v.name,
            anonymous: v.anonymous,
            closes_on: v.closes_on,
            sent_at: v.sent_at,
            invited: v.invited,
            answered: v.answered,
            questions: v.questions.into_iter().map(Into::into).collect(),
            version: v.version,
        }
    }
}

list_of!(SurveyList, Survey);

/// The surveys the caller may see, newest year first.
#[utoipa::path(get, path = "/surveys", tag = "surveys", params(PageParams),
    responses((status = 200, body = SurveyList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<SurveyList>> {
    let all = sv::list(&state.app, &actor).await?.into_iter().map(Survey::from).collect();
    Ok(Json(SurveyList::from((all, &pp))))
}

/// One survey with its questions.
#[utoipa::path(get, path = "/surveys/{id}", tag = "surveys", params(("id" = i64, Path)),
    responses((status = 200, body = Survey), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<Survey>> {
    Ok(Json(sv::get(&state.app, &actor, id).await?.into()))
}

/// A survey to create.
#[derive(Deserialize, ToSchema)]
pub struct NewSurvey {
    /// The district's code; needed only by callers who work in more than one.
    pub district: Option<String>,
    #[schema(minimum = 1990, maximum = 2100)]
    pub year: i32,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Left out: false.
    pub anonymous: Option<bool>,
    /// The last day answers are taken.
    pub closes_on: NaiveDate,
}

/// Creates a survey in a district.
#[utoipa::path(post, path = "/surveys", tag = "surveys", request_body = NewSurvey,
    responses((status = 201, body = Survey), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewSurvey>,
) -> WebResult<(StatusCode, Json<Survey>)> {
    let input = SurveyInput {
        district: b.district,
        year: b.year.to_string(),
        name: b.name,
        anonymous: b.anonymous.unwrap_or(false),
        closes_on: b.closes_on.to_string(),
    };
    Ok((StatusCode::CREATED, Json(sv::create(&state.app, &actor, &input).await?.into())))
}

/// A question: its kind, text in both languages, and the options of a choice, the five labels
/// of a scale (left out: the usual labels) or the rows of a matrix.
#[derive(Deserialize, ToSchema)]
pub struct QuestionBody {
    pub section: Option<Text>,
    pub kind: QuestionKindCode,
    /// Left out: false.
    pub required: Option<bool>,
    pub text: Text,
    pub options: Option<Vec<Text>>,
    pub rows: Option<Vec<Text>>,
    /// Marks the satisfaction question (a scale; one per survey).
    pub satisfaction: Option<bool>,
    /// The question's version as read, when updating; a stale one is 409.
    pub version: Option<i32>,
}

impl QuestionBody {
    fn input(self) -> QuestionInput {
        QuestionInput {
            section_en: self.section.as_ref().map(|s| s.en.clone()).unwrap_or_default(),
            section_da: self.section.as_ref().map(|s| s.da.clone()).unwrap_or_default(),
            kind: self.kind.get().as_str().into(),
            required: self.required.unwrap_or(false),
            text_en: self.text.en,
            text_da: self.text.da,
            options: self.options.unwrap_or_default().into_iter().map(Into::into).collect(),
            rows: self.rows.unwrap_or_default().into_iter().map(Into::into).collect(),
            satisfaction: self.satisfaction.unwrap_or(false),
            version: self.version,
        }
    }
}

/// Adds a question at the end. Once the survey has answers its questions are fixed: 422
/// naming `survey`.
#[utoipa::path(post, path = "/surveys/{id}/questions", tag = "surveys", params(("id" = i64, Path)), request_body = QuestionBody,
    responses((status = 201, body = Survey), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_question(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<QuestionBody>,
) -> WebResult<(StatusCode, Json<Survey>)> {
    Ok((StatusCode::CREATED, Json(sv::add_question(&state.app, &actor, id, &b.input()).await?.into())))
}

/// Changes a question. Once the survey has answers its questions are fixed: 422 naming
/// `survey`.
#[utoipa::path(put, path = "/surveys/{id}/questions/{question}", tag = "surveys",
    params(("id" = i64, Path), ("question" = i64, Path)), request_body = QuestionBody,
    responses((status = 200, body = Survey), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_question(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, question)): Path<(i64, i64)>,
    Json(b): Json<QuestionBody>,
) -> WebResult<Json<Survey>> {
    Ok(Json(sv::update_question(&state.app, &actor, id, question, &b.input()).await?.into()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecipientParams {
    /// The segment whose company groups would be sent the survey.
    pub segment_id: i64,
}

/// A company group the survey would go to (its contact), or one skipped with the reason.
#[derive(Serialize, ToSchema)]
pub struct SurveyRecipient {
    pub organisation_id: i64,
    pub organisation: String,
    pub contact_id: i64,
    pub contact: String,
    pub email: Option<String>,
    /// Why it would be skipped: `no_consent` (to surveys), `bouncing` or `no_email`; null
    /// when it is sent the survey.
    #[schema(schema_with = accord_app::schema::code_or_none::<accord_domain::SkipReason>)]
    pub skip: Option<String>,
}

list_of!(RecipientList, SurveyRecipient);

/// The company groups a segment would be sent the survey, one contact each (the group's
/// primary contact), before sending.
#[utoipa::path(get, path = "/surveys/{id}/recipients", tag = "surveys", params(("id" = i64, Path), RecipientParams, PageParams),
    responses((status = 200, body = RecipientList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn recipients(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Query(p): Query<RecipientParams>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<RecipientList>> {
    let all = sv::recipients(&state.app, &actor, id, p.segment_id)
        .await?
        .into_iter()
        .map(|r| SurveyRecipient {
            organisation_id: r.organisation_id,
            organisation: r.organisation,
            contact_id: r.contact_id,
            contact: r.contact,
            email: r.email,
            skip: r.skip.map(|s| s.as_str().to_owned()),
        })
        .collect();
    Ok(Json(RecipientList::from((all, &pp))))
}

/// Whom to send the survey: a segment of the survey's district, and the mails' language.
#[derive(Deserialize, ToSchema)]
pub struct SendBody {
    pub segment_id: i64,
    /// The language of the mails and of the page their links open (left out: Danish).
    pub lang: Option<MailLangCode>,
}

/// What sending did.
#[derive(Serialize, ToSchema)]
pub struct SendResult {
    /// Company groups sent the survey (one mail each, through the outbox).
    pub queued: u64,
    /// Company groups skipped (no consent to surveys, no address, bouncing).
    pub skipped: u64,
}

/// Sends the survey: one mail per company group of the segment, to the group's primary
/// contact with consent to surveys, each with a personal link that expires when the survey
/// closes. A survey already sent, one without questions and one that has closed are 422
/// naming `survey` or `closes_on`; a segment of another district 422 naming `segment_id`.
#[utoipa::path(post, path = "/surveys/{id}/send", tag = "surveys", params(("id" = i64, Path)), request_body = SendBody,
    responses((status = 200, body = SendResult), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn send(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<SendBody>,
) -> WebResult<Json<SendResult>> {
    let lang = b.lang.as_ref().and_then(|l| Lang::parse(l.as_str())).unwrap_or(Lang::Da);
    let r = sv::send(&state.app, &actor, id, b.segment_id, lang).await?;
    Ok(Json(SendResult { queued: r.queued, skipped: r.skipped }))
}

/// A count or a share in percent (one decimal), or the text "<5" when it is built from fewer
/// than five answers.
#[derive(Serialize)]
pub struct CellValue(pub Cell);

impl PartialSchema for CellValue {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Number))
            .item(ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["<5"])))
            .description(Some("A number, or \"<5\" when built from fewer than five answers"))
            .into()
    }
}

impl ToSchema for CellValue {}

/// One answer's count and share of those who answered the question (or the matrix row).
#[derive(Serialize, ToSchema)]
pub struct AnswerResult {
    /// The option's index, the scale's point, 1 for yes and 0 for no.
    pub value: i32,
    pub label: Text,
    pub count: CellValue,
    pub share: CellValue,
}

/// A matrix row's results.
#[derive(Serialize, ToSchema)]
pub struct RowResult {
    pub label: Text,
    pub answered: CellValue,
    pub answers: Vec<AnswerResult>,
}

/// A free-text answer, with the company when the survey is not anonymous.
#[derive(Serialize, ToSchema)]
pub struct TextResult {
    pub text: String,
    pub organisation: Option<String>,
}

/// One question's results.
#[derive(Serialize, ToSchema)]
pub struct QuestionResult {
    pub id: i64,
    pub position: i32,
    #[schema(value_type = QuestionKindCode)]
    pub kind: String,
    pub text: Text,
    pub satisfaction: bool,
    pub answered: CellValue,
    pub answers: Vec<AnswerResult>,
    pub rows: Vec<RowResult>,
    /// A scale question's share of answers in its top two points.
    pub top_two_share: Option<CellValue>,
    pub texts: Vec<TextResult>,
}

/// A survey's results, computed from the stored answers.
#[derive(Serialize, ToSchema)]
pub struct SurveyResults {
    pub survey_id: i64,
    pub name: String,
    pub year: i32,
    pub anonymous: bool,
    /// Company groups invited.
    pub invited: u64,
    /// Company groups that answered.
    pub answered: u64,
    /// `answered` of `invited` in percent, one decimal; null before anything was sent.
    pub response_rate: Option<f64>,
    /// The share of answers to the satisfaction question in its top two points, in percent
    /// with one decimal; null without a satisfaction question.
    pub satisfaction_share: Option<CellValue>,
    /// The target of the satisfaction share, in percent.
    pub satisfaction_target: f64,
    pub questions: Vec<QuestionResult>,
}

fn answers(v: Vec<sv::AnswerCount>) -> Vec<AnswerResult> {
    v.into_iter()
        .map(|a| AnswerResult {
            value: a.value,
            label: a.label.into(),
            count: CellValue(a.count),
            share: CellValue(a.share),
        })
        .collect()
}

/// The results: invited, answered, the response rate, the satisfaction share and each
/// question's answers with their count and share. Any count or share built from fewer than
/// five answers is the text "<5".
#[utoipa::path(get, path = "/surveys/{id}/results", tag = "surveys", params(("id" = i64, Path)),
    responses((status = 200, body = SurveyResults), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn results(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<SurveyResults>> {
    let r = sv::results(&state.app, &actor, id).await?;
    Ok(Json(SurveyResults {
        survey_id: r.survey_id,
        name: r.name,
        year: r.year,
        anonymous: r.anonymous,
        invited: r.invited,
        answered: r.answered,
        response_rate: r.response_rate,
        satisfaction_share: r.satisfaction_share.map(CellValue),
        satisfaction_target: r.satisfaction_target,
        questions: r
            .questions
            .into_iter()
            .map(|q| QuestionResult {
                id: q.id,
                position: q.position,
                kind: q.kind.as_str().into(),
                text: q.text.into(),
                satisfaction: q.satisfaction,
                answered: CellValue(q.answered),
                answers: answers(q.answers),
                rows: q
                    .rows
                    .into_iter()
                    .map(|r| RowResult {
                        label: r.label.into(),
                        answered: CellValue(r.answered),
                        answers: answers(r.answers),
                    })
                    .collect(),
                top_two_share: q.top_two_share.map(CellValue),
                texts: q.texts.into_iter().map(|t| TextResult { text: t.text, organisation: t.organisation }).collect(),
            })
            .collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportAnswersParams {
    /// `true`: check the file and count what it would add, writing nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// What an import of answers did (or, on a dry run, would do).
#[derive(Serialize, ToSchema)]
pub struct AnswersImported {
    /// Lines read.
    pub rows: usize,
    /// Responses added.
    pub added: usize,
    /// Lines whose response id was imported before, left alone.
    pub unchanged: usize,
    pub dry_run: bool,
}

/// Imports answers collected by another survey tool: a CSV or XLSX file as the request body
/// with the columns `response_id`, `company` (the company's ref, CVR, P-number or Companies
/// House number; left out for an anonymous survey) and one per question, `q1`, `q2`… (a
/// matrix row `q5.1`), each holding the answer in the question's terms: an option's number
/// or label (several separated by `;`), a point from 1 to 5, yes or no, or the text. All or
/// nothing: a file with any bad line writes nothing and is answered 422 naming each line and
/// column. A response id imported before is left alone, so the same file imported twice adds
/// nothing. The company must be of a company group the survey was sent to that has not
/// answered.
#[utoipa::path(post, path = "/surveys/{id}/responses", tag = "surveys", params(("id" = i64, Path), ImportAnswersParams),
    request_body(description = "The file, its first row the header with the columns named above.",
        content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    responses((status = 200, body = AnswersImported, description = "Written, or a dry run that found no problem"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = super::imports::ImportErrorBody, description = "The file has problems (every one in `lines`; nothing was written)")))]
pub async fn import_responses(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Query(p): Query<ImportAnswersParams>,
    body: Bytes,
) -> WebResult<Response> {
    tracing::info!(survey = id, bytes = body.len(), dry_run = p.dry_run, "survey answers imported over the API");
    let report = match sv::import_responses(&state.app, &actor, id, &body, p.dry_run).await {
        Ok(r) => r,
        Err(AppError::Invalid(e)) => return Ok(super::imports::refused(Default::default(), e, None)),
        Err(e) => return Err(e.into()),
    };
    if !report.errors.is_empty() || report.more_errors > 0 {
        return Ok(super::imports::refused(report, FieldErrors::new(), None));
    }
    let out = AnswersImported {
        rows: report.rows,
        added: report.added,
        unchanged: report.unchanged,
        dry_run: report.dry_run,
    };
    Ok(Json(out).into_response())
}
