//! The satisfaction survey in the browser: the surveys by year and the form to create one; a
//! survey's builder (its questions, added, edited and moved; the preview as the respondent
//! sees it); the recipient list shown before sending; the results; and the answer page that a
//! personal link opens without signing in.

use super::Opt;
use super::shared::district_options;
use crate::ctx::{Page, ReqCtx, Staff};
use crate::error::{WebError, WebResult};
use crate::forms::{CsrfForm, ShownErrors};
use crate::state::AppState;
use accord_app::import::ImportReport;
use accord_app::surveys::{
    self as sv, Bilingual, Cell, LinkProblem, QuestionInput, QuestionView, Questionnaire, Recipient, Results,
    Submitted, SurveyInput, SurveyView,
};
use accord_app::{Actor, AppError};
use accord_domain::{FieldErrors, Lang, QuestionKind, format};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

// ---- the list ----

#[derive(Template)]
#[template(path = "surveys/list.html")]
struct ListTemplate {
    page: Page,
    surveys: Vec<SurveyView>,
    f: SurveyInput,
    errors: ShownErrors,
    districts: Vec<Opt>,
    can_write: bool,
}

async fn render_list(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    f: SurveyInput,
    errors: &FieldErrors,
) -> WebResult<Response> {
    let district = f.district.clone().unwrap_or_default();
    let t = ListTemplate {
        page: ctx.page(ctx.t("survey.title")),
        surveys: sv::list(&state.app, actor).await?,
        errors: ShownErrors::new(ctx.lang, errors),
        districts: district_options(state, actor, &district).await?,
        can_write: sv::can_write(actor),
        f,
    };
    Ok(super::render_form(&t, errors, false))
}

pub async fn list(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    let today = chrono::Utc::now().date_naive();
    let f = SurveyInput {
        year: chrono::Datelike::year(&today).to_string(),
        closes_on: (today + chrono::Duration::days(28)).to_string(),
        ..Default::default()
    };
    render_list(&state, &ctx, &actor, f, &FieldErrors::new()).await
}

/// The create form: a checkbox is sent only when ticked.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SurveyForm {
    district: Option<String>,
    year: String,
    name: String,
    anonymous: Option<String>,
    closes_on: String,
}

pub async fn create(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(f): CsrfForm<SurveyForm>,
) -> WebResult<Response> {
    if !sv::can_write(&actor) {
        return Err(AppError::Forbidden.into());
    }
    let input = SurveyInput {
        district: f.district,
        year: f.year,
        name: f.name,
        anonymous: f.anonymous.is_some(),
        closes_on: f.closes_on,
    };
    match sv::create(&state.app, &actor, &input).await {
        Ok(v) => Ok(super::redirect_with_flash(&ctx, &format!("/surveys/{}", v.id), "survey_created")),
        Err(AppError::Invalid(errors)) => render_list(&state, &ctx, &actor, input, &errors).await,
        Err(e) => Err(e.into()),
    }
}

// ---- the builder ----

/// A question form: options and rows one per line as `English | Dansk`.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct QuestionForm {
    section_en: String,
    section_da: String,
    kind: String,
    required: Option<String>,
    text_en: String,
    text_da: String,
    options: String,
    rows: String,
    satisfaction: Option<String>,
    version: Option<i32>,
}

fn lines(s: &str) -> Vec<Bilingual> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| match l.split_once('|') {
            Some((en, da)) => Bilingual::new(en.trim(), da.trim()),
            None => Bilingual::new(l, ""),
        })
        .collect()
}

fn unlines(v: &[Bilingual]) -> String {
    v.iter().map(|b| format!("{} | {}", b.en, b.da)).collect::<Vec<_>>().join("\n")
}

impl QuestionForm {
    fn input(&self) -> QuestionInput {
        QuestionInput {
            section_en: self.section_en.clone(),
            section_da: self.section_da.clone(),
            kind: self.kind.clone(),
            required: self.required.is_some(),
            text_en: self.text_en.clone(),
            text_da: self.text_da.clone(),
            options: lines(&self.options),
            rows: lines(&self.rows),
            satisfaction: self.satisfaction.is_some(),
            version: self.version,
        }
    }

    fn of(q: &QuestionView) -> Self {
        QuestionForm {
            section_en: q.section.as_ref().map(|s| s.en.clone()).unwrap_or_default(),
            section_da: q.section.as_ref().map(|s| s.da.clone()).unwrap_or_default(),
            kind: q.kind.as_str().into(),
            required: q.required.then(|| "on".into()),
            text_en: q.text.en.clone(),
            text_da: q.text.da.clone(),
            options: unlines(&q.options),
            rows: unlines(&q.rows),
            satisfaction: q.satisfaction.then(|| "on".into()),
            version: Some(q.version),
        }
    }
}

/// A question as the builder lists it.
pub struct QuestionRow {
    pub id: i64,
    pub position: i32,
    pub section: String,
    pub text: String,
    pub kind: String,
    pub required: bool,
    pub satisfaction: bool,
    pub first: bool,
    pub last: bool,
}

#[derive(Template)]
#[template(path = "surveys/show.html")]
struct ShowTemplate {
    page: Page,
    v: SurveyView,
    closes: String,
    sent_counts: String,
    questions: Vec<QuestionRow>,
    f: QuestionForm,
    kinds: Vec<Opt>,
    errors: ShownErrors,
    segments: Vec<Opt>,
    editable: bool,
    /// Answers collected elsewhere may be imported once the survey was sent.
    can_import: bool,
}

fn kind_options(ctx: &ReqCtx, chosen: &str) -> Vec<Opt> {
    QuestionKind::ALL
        .iter()
        .map(|k| Opt {
            value: k.as_str().into(),
            label: ctx.t(&format!("survey.kind_{k}")),
            checked: k.as_str() == chosen,
        })
        .collect()
}

async fn render_show(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: i64,
    form: Option<(QuestionForm, &FieldErrors)>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let v = sv::get(&state.app, actor, id).await?;
    let none = FieldErrors::new();
    let (f, errors) = form.unwrap_or_else(|| {
        (QuestionForm { kind: "scale".into(), required: Some("on".into()), ..Default::default() }, &none)
    });
    let n = v.questions.len();
    let questions = v
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| QuestionRow {
            id: q.id,
            position: q.position,
            section: q.section.as_ref().map(|s| s.get(lang).to_owned()).unwrap_or_default(),
            text: q.text.get(lang).to_owned(),
            kind: ctx.t(&format!("survey.kind_{}", q.kind)),
            required: q.required,
            satisfaction: q.satisfaction,
            first: i == 0,
            last: i + 1 == n,
        })
        .collect();
    let segments = if sv::can_write(actor) && v.sent_at.is_none() {
        accord_app::mailings::list_segments(&state.app, actor)
            .await?
            .into_iter()
            .filter(|s| s.district == v.district)
            .map(|s| Opt { value: s.id.to_string(), label: s.name, checked: false })
            .collect()
    } else {
        vec![]
    };
    let t = ShowTemplate {
        page: ctx.page(v.name.clone()),
        closes: format::date(lang, v.closes_on),
        sent_counts: crate::i18n::t_value(
            lang,
            "survey.sent_counts",
            &format!("{} / {}", format::number(lang, v.answered as i64), format::number(lang, v.invited as i64)),
        ),
        questions,
        kinds: kind_options(ctx, &f.kind),
        f,
        errors: ShownErrors::new(lang, errors),
        segments,
        editable: sv::can_write(actor) && v.answered == 0,
        can_import: sv::can_write(actor) && v.sent_at.is_some(),
        v,
    };
    Ok(super::render_form(&t, errors, false))
}

pub async fn show(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    render_show(&state, &ctx, &actor, id, None).await
}

pub async fn add_question(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<QuestionForm>,
) -> WebResult<Response> {
    match sv::add_question(&state.app, &actor, id, &f.input()).await {
        Ok(v) => Ok(super::redirect_with_flash(&ctx, &format!("/surveys/{}#questions", v.id), "survey_question_added")),
        Err(AppError::Invalid(errors)) => render_show(&state, &ctx, &actor, id, Some((f, &errors))).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "surveys/question.html")]
struct QuestionTemplate {
    page: Page,
    v: SurveyView,
    question_id: i64,
    f: QuestionForm,
    kinds: Vec<Opt>,
    errors: ShownErrors,
    stale: bool,
}

async fn render_question(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: i64,
    question_id: i64,
    form: Option<(QuestionForm, &FieldErrors, bool)>,
) -> WebResult<Response> {
    let v = sv::get(&state.app, actor, id).await?;
    let q = v.questions.iter().find(|q| q.id == question_id).ok_or(AppError::NotFound)?;
    let none = FieldErrors::new();
    let (f, errors, stale) = form.unwrap_or_else(|| (QuestionForm::of(q), &none, false));
    let t = QuestionTemplate {
        page: ctx.page(crate::i18n::t_value(ctx.lang, "survey.edit_question", &q.position.to_string())),
        question_id,
        kinds: kind_options(ctx, &f.kind),
        f,
        errors: ShownErrors::new(ctx.lang, errors),
        stale,
        v,
    };
    Ok(super::render_form(&t, errors, stale))
}

pub async fn edit_question(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path((id, question_id)): Path<(i64, i64)>,
) -> WebResult<Response> {
    render_question(&state, &ctx, &actor, id, question_id, None).await
}

pub async fn update_question(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path((id, question_id)): Path<(i64, i64)>,
    CsrfForm(f): CsrfForm<QuestionForm>,
) -> WebResult<Response> {
    match sv::update_question(&state.app, &actor, id, question_id, &f.input()).await {
        Ok(v) => Ok(super::redirect_with_flash(&ctx, &format!("/surveys/{}#questions", v.id), "survey_question_saved")),
        Err(AppError::Invalid(errors)) => {
            render_question(&state, &ctx, &actor, id, question_id, Some((f, &errors, false))).await
        }
        Err(AppError::Conflict { .. }) => {
            let mut f = f;
            let v = sv::get(&state.app, &actor, id).await?;
            f.version = v.questions.iter().find(|q| q.id == question_id).map(|q| q.version);
            render_question(&state, &ctx, &actor, id, question_id, Some((f, &FieldErrors::new(), true))).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MoveForm {
    /// `up` or `down`.
    direction: String,
}

pub async fn move_question(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path((id, question_id)): Path<(i64, i64)>,
    CsrfForm(f): CsrfForm<MoveForm>,
) -> WebResult<Response> {
    // Another district's survey is not found, whatever the form says.
    sv::get(&state.app, &actor, id).await?;
    if !sv::can_write(&actor) {
        return Err(AppError::Forbidden.into());
    }
    let up = match f.direction.as_str() {
        "up" => true,
        "down" => false,
        other => return Err(WebError(AppError::field("direction", "survey.direction_unknown", Some(other)))),
    };
    let v = sv::move_question(&state.app, &actor, id, question_id, up).await?;
    Ok(super::redirect_with_flash(&ctx, &format!("/surveys/{}#questions", v.id), "survey_question_moved"))
}

// ---- the questionnaire, as previewed and as answered ----

/// One choice of a question: its value, its label, whether it is chosen.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// A matrix row: its field, label, message and the scale's points.
pub struct RowForm {
    pub field: String,
    pub label: String,
    pub error: Option<String>,
    pub points: Vec<Choice>,
}

/// A question as the questionnaire shows it, with what was entered and the message.
pub struct QuestionForm2 {
    pub field: String,
    pub number: i32,
    pub section: Option<String>,
    pub text: String,
    /// `single`, `multiple`, `scale`, `yes_no`, `text` or `matrix`.
    pub kind: String,
    pub required: bool,
    pub error: Option<String>,
    pub choices: Vec<Choice>,
    pub rows: Vec<RowForm>,
    pub value: String,
}

fn questionnaire_view(lang: Lang, qn: &Questionnaire, errors: &ShownErrors) -> Vec<QuestionForm2> {
    let t = |k: &str| crate::i18n::t(lang, k);
    qn.survey
        .questions
        .iter()
        .map(|q| {
            let f = q.field();
            let points = |field: &str| -> Vec<Choice> {
                q.points()
                    .into_iter()
                    .map(|(p, l)| Choice {
                        value: p.to_string(),
                        label: format!("{p} – {}", l.get(lang)),
                        checked: qn.has(field, &p.to_string()),
                    })
                    .collect()
            };
            let choices = match q.kind {
                QuestionKind::Single | QuestionKind::Multiple => q
                    .options
                    .iter()
                    .enumerate()
                    .map(|(i, l)| Choice {
                        value: i.to_string(),
                        label: l.get(lang).to_owned(),
                        checked: qn.has(&f, &i.to_string()),
                    })
                    .collect(),
                QuestionKind::Scale => points(&f),
                QuestionKind::YesNo => ["yes", "no"]
                    .iter()
                    .map(|v| Choice { value: (*v).into(), label: t(&format!("survey.{v}")), checked: qn.has(&f, v) })
                    .collect(),
                _ => vec![],
            };
            QuestionForm2 {
                number: q.position,
                section: q.section.as_ref().map(|s| s.get(lang).to_owned()),
                text: q.text.get(lang).to_owned(),
                kind: q.kind.as_str().into(),
                required: q.required,
                error: errors.get(&f).map(str::to_owned),
                choices,
                rows: q
                    .rows
                    .iter()
                    .enumerate()
                    .map(|(r, l)| {
                        let rf = q.row_field(r);
                        RowForm {
                            label: l.get(lang).to_owned(),
                            error: errors.get(&rf).map(str::to_owned),
                            points: points(&rf),
                            field: rf,
                        }
                    })
                    .collect(),
                value: qn.value(&f).to_owned(),
                field: f,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "surveys/answer.html")]
struct AnswerTemplate {
    page: Page,
    name: String,
    organisation: Option<String>,
    questions: Vec<QuestionForm2>,
    errors: ShownErrors,
    /// Where the form posts; empty in the preview, which has no form to send.
    action: String,
    /// The page in the other language.
    switch_href: String,
    switch_label: String,
    switch_lang: String,
    closes: String,
    notice: String,
    problem: String,
    thanks: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LangQuery {
    lang: String,
}

fn public_ctx(mut ctx: ReqCtx, lang: &str) -> ReqCtx {
    if let Some(l) = Lang::parse(lang) {
        ctx.lang = l;
    }
    ctx
}

fn other(lang: Lang) -> Lang {
    match lang {
        Lang::En => Lang::Da,
        Lang::Da => Lang::En,
    }
}

fn switch(ctx: &ReqCtx, base: &str) -> (String, String, String) {
    let o = other(ctx.lang);
    (format!("{base}?lang={}", o.code()), crate::i18n::t(o, "survey.in_language"), o.code().to_owned())
}

/// The page a link holder sees; `base` is the link's own path.
#[allow(clippy::too_many_arguments)]
fn answer_page(
    ctx: &ReqCtx,
    base: &str,
    result: std::result::Result<Questionnaire, LinkProblem>,
    errors: &FieldErrors,
    notice: &str,
    thanks: bool,
    action: bool,
) -> Response {
    let lang = ctx.lang;
    let shown = ShownErrors::new(lang, errors);
    let (qn, problem, status) = match result {
        Ok(q) => {
            (Some(q), String::new(), if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY })
        }
        Err(LinkProblem::Invalid) => (None, ctx.t("survey.link_invalid"), StatusCode::NOT_FOUND),
        Err(LinkProblem::Expired) => (None, ctx.t("survey.link_expired"), StatusCode::GONE),
        Err(LinkProblem::Used) => (None, ctx.t("survey.link_used"), StatusCode::GONE),
    };
    let title = qn.as_ref().map(|q| q.survey.name.clone()).unwrap_or_else(|| ctx.t("survey.link_title"));
    let mut page = ctx.page(title.clone());
    // The holder of a link is not signed in: no menu, whatever the browser's session.
    page.nav.clear();
    page.user = None;
    let (switch_href, switch_label, switch_lang) = switch(ctx, base);
    let t = AnswerTemplate {
        page,
        name: title,
        organisation: qn.as_ref().and_then(|q| q.organisation.clone()),
        questions: qn.as_ref().map(|q| questionnaire_view(lang, q, &shown)).unwrap_or_default(),
        errors: shown,
        action: if action { format!("{base}?lang={}", lang.code()) } else { String::new() },
        switch_href,
        switch_label,
        switch_lang,
        closes: qn.as_ref().map(|q| format::date(lang, q.survey.closes_on)).unwrap_or_default(),
        notice: if notice.is_empty() { String::new() } else { ctx.t(notice) },
        problem,
        thanks,
    };
    let mut res = super::render(&t);
    *res.status_mut() = status;
    res
}

pub async fn preview(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    Query(q): Query<LangQuery>,
) -> WebResult<Response> {
    let ctx = public_ctx(ctx, &q.lang);
    let v = sv::get(&state.app, &actor, id).await?;
    let qn = Questionnaire { survey: v, organisation: None, values: Default::default() };
    Ok(answer_page(
        &ctx,
        &format!("/surveys/{id}/preview"),
        Ok(qn),
        &FieldErrors::new(),
        "survey.preview_notice",
        false,
        false,
    ))
}

pub async fn answer(
    State(state): State<AppState>,
    ctx: ReqCtx,
    Path(token): Path<String>,
    Query(q): Query<LangQuery>,
) -> WebResult<Response> {
    let ctx = public_ctx(ctx, &q.lang);
    let r = sv::open(&state.app, &token).await?;
    Ok(answer_page(&ctx, &format!("/surveys/answer/{token}"), r, &FieldErrors::new(), "", false, true))
}

pub async fn answer_submit(
    State(state): State<AppState>,
    ctx: ReqCtx,
    Path(token): Path<String>,
    Query(q): Query<LangQuery>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> WebResult<Response> {
    let ctx = public_ctx(ctx, &q.lang);
    let base = format!("/surveys/answer/{token}");
    let action = form.iter().find(|(k, _)| k == "action").map(|(_, v)| v.as_str()).unwrap_or("submit");
    match action {
        "save" => {
            let r = sv::save(&state.app, &token, &form).await?;
            Ok(answer_page(&ctx, &base, r, &FieldErrors::new(), "survey.saved", false, true))
        }
        "submit" => match sv::submit(&state.app, &token, &form).await? {
            Ok(Submitted::Done) => {
                let (switch_href, switch_label, switch_lang) = switch(&ctx, &base);
                let mut page = ctx.page(ctx.t("survey.thanks_title"));
                page.nav.clear();
                page.user = None;
                let t = AnswerTemplate {
                    page,
                    name: ctx.t("survey.thanks_title"),
                    organisation: None,
                    questions: vec![],
                    errors: ShownErrors::default(),
                    action: String::new(),
                    switch_href,
                    switch_label,
                    switch_lang,
                    closes: String::new(),
                    notice: String::new(),
                    problem: String::new(),
                    thanks: true,
                };
                Ok(super::render(&t))
            }
            Ok(Submitted::Invalid(qn, errors)) => Ok(answer_page(&ctx, &base, Ok(*qn), &errors, "", false, true)),
            Err(p) => Ok(answer_page(&ctx, &base, Err(p), &FieldErrors::new(), "", false, true)),
        },
        other => Err(WebError(AppError::field("action", "survey.action_unknown", Some(other)))),
    }
}

// ---- sending ----

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SendQuery {
    segment_id: Option<i64>,
    lang: String,
}

#[derive(Template)]
#[template(path = "surveys/send.html")]
struct SendTemplate {
    page: Page,
    v: SurveyView,
    segment_id: i64,
    lang: String,
    reached: Vec<Recipient>,
    skipped: Vec<(Recipient, String)>,
    errors: ShownErrors,
}

async fn render_send(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: i64,
    q: &SendQuery,
    errors: &FieldErrors,
) -> WebResult<Response> {
    let v = sv::get(&state.app, actor, id).await?;
    let segment_id = q.segment_id.ok_or_else(|| AppError::field("segment_id", "field.required", None))?;
    let all = sv::recipients(&state.app, actor, id, segment_id).await?;
    let (reached, skipped): (Vec<Recipient>, Vec<Recipient>) = all.into_iter().partition(|r| r.skip.is_none());
    let t = SendTemplate {
        page: ctx.page(crate::i18n::t_value(ctx.lang, "survey.send_title", &v.name)),
        v,
        segment_id,
        lang: Lang::parse(&q.lang).unwrap_or(ctx.lang).code().to_owned(),
        reached,
        skipped: skipped
            .into_iter()
            .map(|r| {
                let why = r.skip.map(|s| ctx.t(&format!("mailing.skips.{s}"))).unwrap_or_default();
                (r, why)
            })
            .collect(),
        errors: ShownErrors::new(ctx.lang, errors),
    };
    Ok(super::render_form(&t, errors, false))
}

pub async fn send_preview(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    Query(q): Query<SendQuery>,
) -> WebResult<Response> {
    if q.segment_id.is_none() {
        return render_show(&state, &ctx, &actor, id, None).await;
    }
    render_send(&state, &ctx, &actor, id, &q, &FieldErrors::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SendForm {
    segment_id: Option<i64>,
    lang: String,
}

pub async fn send(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<SendForm>,
) -> WebResult<Response> {
    sv::get(&state.app, &actor, id).await?;
    if !sv::can_write(&actor) {
        return Err(AppError::Forbidden.into());
    }
    let segment_id = f.segment_id.ok_or_else(|| AppError::field("segment_id", "field.required", None))?;
    let lang = Lang::parse(&f.lang).unwrap_or(ctx.lang);
    match sv::send(&state.app, &actor, id, segment_id, lang).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &format!("/surveys/{id}"), "survey_sent")),
        Err(AppError::Invalid(errors)) => {
            let q = SendQuery { segment_id: Some(segment_id), lang: f.lang };
            render_send(&state, &ctx, &actor, id, &q, &errors).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- results ----

/// A line of a question's results on the page.
pub struct ResultLine {
    pub label: String,
    pub count: String,
    pub share: String,
}

/// A table of a question's results (a matrix has one per row).
pub struct ResultTable {
    pub caption: String,
    pub answered: String,
    pub lines: Vec<ResultLine>,
}

pub struct QuestionResultView {
    pub number: i32,
    pub text: String,
    pub tables: Vec<ResultTable>,
    pub top_two: Option<String>,
    pub satisfaction: bool,
    pub texts: Vec<(String, Option<String>)>,
    pub answered: String,
}

#[derive(Template)]
#[template(path = "surveys/results.html")]
struct ResultsTemplate {
    page: Page,
    id: i64,
    r: Results,
    invited: String,
    answered: String,
    response_rate: String,
    satisfaction: Option<String>,
    met: bool,
    target: String,
    questions: Vec<QuestionResultView>,
}

fn lines_of(lang: Lang, answers: &[sv::AnswerCount]) -> Vec<ResultLine> {
    answers
        .iter()
        .map(|a| ResultLine {
            label: a.label.get(lang).to_owned(),
            count: a.count.text(lang, false),
            share: a.share.text(lang, true),
        })
        .collect()
}

pub async fn results(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let r = sv::results(&state.app, &actor, id).await?;
    let yes_no = |a: &[sv::AnswerCount]| -> Vec<ResultLine> {
        a.iter()
            .map(|x| ResultLine {
                label: ctx.t(if x.value == 1 { "survey.yes" } else { "survey.no" }),
                count: x.count.text(lang, false),
                share: x.share.text(lang, true),
            })
            .collect()
    };
    let questions = r
        .questions
        .iter()
        .map(|q| {
            let answered = q.answered.text(lang, false);
            let tables = match q.kind {
                QuestionKind::Matrix => q
                    .rows
                    .iter()
                    .map(|row| ResultTable {
                        caption: row.label.get(lang).to_owned(),
                        answered: row.answered.text(lang, false),
                        lines: lines_of(lang, &row.answers),
                    })
                    .collect(),
                QuestionKind::Text => vec![],
                QuestionKind::YesNo => vec![ResultTable {
                    caption: q.text.get(lang).to_owned(),
                    answered: answered.clone(),
                    lines: yes_no(&q.answers),
                }],
                _ => vec![ResultTable {
                    caption: q.text.get(lang).to_owned(),
                    answered: answered.clone(),
                    lines: lines_of(lang, &q.answers),
                }],
            };
            QuestionResultView {
                number: q.position,
                text: q.text.get(lang).to_owned(),
                tables,
                top_two: q.top_two_share.map(|c| c.text(lang, true)),
                satisfaction: q.satisfaction,
                texts: q.texts.iter().map(|t| (t.text.clone(), t.organisation.clone())).collect(),
                answered,
            }
        })
        .collect();
    let t = ResultsTemplate {
        page: ctx.page(crate::i18n::t_value(ctx.lang, "survey.results_title", &r.name)),
        id,
        invited: format::number(lang, r.invited as i64),
        answered: format::number(lang, r.answered as i64),
        response_rate: r.response_rate.map(|v| format::percent(lang, v)).unwrap_or_else(|| "–".into()),
        satisfaction: r.satisfaction_share.map(|c| c.text(lang, true)),
        met: matches!(r.satisfaction_share, Some(Cell::Value(v)) if v >= r.satisfaction_target),
        target: format::percent(lang, r.satisfaction_target),
        questions,
        r,
    };
    Ok(super::render(&t))
}

// ---- answers collected by another survey tool ----

#[derive(Template)]
#[template(path = "surveys/import.html")]
struct ImportTemplate {
    page: Page,
    v: SurveyView,
    errors: ShownErrors,
    report: Option<ImportReport>,
    summary: String,
    bad_title: String,
    /// Each problem: line, column, message.
    lines: Vec<(usize, String, String)>,
    columns: String,
}

async fn render_import(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: i64,
    report: Option<ImportReport>,
    errors: &FieldErrors,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let v = sv::get(&state.app, actor, id).await?;
    if !sv::can_write(actor) {
        return Err(AppError::Forbidden.into());
    }
    let summary = report
        .as_ref()
        .map(|r| {
            crate::i18n::t_args(
                lang,
                "survey.import_summary",
                &[
                    ("rows", &format::number(lang, r.rows as i64)),
                    ("added", &format::number(lang, r.added as i64)),
                    ("unchanged", &format::number(lang, r.unchanged as i64)),
                ],
            )
        })
        .unwrap_or_default();
    let lines: Vec<(usize, String, String)> = report
        .as_ref()
        .map(|r| {
            r.errors.iter().map(|e| (e.line, e.error.field.clone(), crate::i18n::field_error(lang, &e.error))).collect()
        })
        .unwrap_or_default();
    let bad_title = crate::i18n::counted(lang, "import.bad_lines", lines.len() as i64);
    let failed = report.as_ref().is_some_and(|r| !r.errors.is_empty()) || !errors.is_empty();
    let mut res = super::render(&ImportTemplate {
        page: ctx.page(ctx.t("survey.import_title")),
        errors: ShownErrors::new(lang, errors),
        report,
        summary,
        bad_title,
        lines,
        columns: sv::import_columns(&v).join(", "),
        v,
    });
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn import_form(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    render_import(&state, &ctx, &actor, id, None, &FieldErrors::new()).await
}

/// The upload: the file and the form fields, with the CSRF token checked like any form's.
pub async fn import(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> WebResult<Response> {
    // A post that is not a file upload carries no CSRF token this form could read.
    let Ok(mut mp) = mp else { return Err(AppError::Forbidden.into()) };
    let (mut csrf, mut action, mut file) = (String::new(), String::new(), Vec::new());
    while let Some(field) = mp.next_field().await.map_err(|_| AppError::field("file", "import.upload_failed", None))? {
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            file = field.bytes().await.map_err(|_| AppError::field("file", "import.upload_failed", None))?.to_vec();
        } else {
            let text = field.text().await.unwrap_or_default();
            match name.as_str() {
                "_csrf" => csrf = text,
                "action" => action = text,
                _ => {}
            }
        }
    }
    if csrf.is_empty() || !crate::forms::same(&csrf, ctx.csrf()) {
        return Err(AppError::Forbidden.into());
    }
    if file.is_empty() {
        let e = FieldErrors::single("file", "import.no_file", None);
        return render_import(&state, &ctx, &actor, id, None, &e).await;
    }
    let dry_run = action != "import";
    match sv::import_responses(&state.app, &actor, id, &file, dry_run).await {
        Ok(report) => render_import(&state, &ctx, &actor, id, Some(report), &FieldErrors::new()).await,
        Err(AppError::Invalid(e)) => render_import(&state, &ctx, &actor, id, None, &e).await,
        Err(e) => Err(e.into()),
    }
}
