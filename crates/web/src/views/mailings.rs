//! Mailings in the browser: segments with their reach, mailings composed, previewed,
//! test-sent and sent, the district's frequency cap, consent and bouncing on the contact's
//! page, and the public unsubscribe page every mail links to.

use crate::ctx::{Page, ReqCtx};
use crate::state::AppState;
use accord_app::AppError;
use accord_domain::Lang;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "mailings/unsubscribe.html")]
struct UnsubscribeTemplate {
    page: Page,
    purpose: Option<String>,
    already: bool,
    /// The reader pressed the button (else the page asks them to).
    confirmed: bool,
    action: String,
}

#[derive(Deserialize, Default)]
pub struct LangQuery {
    #[serde(default)]
    lang: String,
}

/// The page an unsubscribe link opens: it withdraws the consent at once, no sign-in, no
/// script; in the mailing's language when the link names it.
pub async fn unsubscribe(
    State(state): State<AppState>,
    ctx: ReqCtx,
    Path(token): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let result = accord_app::mailings::open_unsubscribe(&state.app, &token).await;
    unsubscribe_page(ctx, &token, &q.lang, result, false)
}

/// The reader confirmed on the page: the consent is withdrawn now.
pub async fn unsubscribe_confirm(
    State(state): State<AppState>,
    ctx: ReqCtx,
    Path(token): Path<String>,
    Query(q): Query<LangQuery>,
    CsrfForm(_): CsrfForm<UnsubscribeForm>,
) -> Response {
    let result = accord_app::mailings::unsubscribe(&state.app, &token).await;
    unsubscribe_page(ctx, &token, &q.lang, result, true)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UnsubscribeForm {}

fn unsubscribe_page(
    mut ctx: ReqCtx,
    token: &str,
    lang: &str,
    result: accord_app::Result<accord_app::mailings::Unsubscribed>,
    confirmed: bool,
) -> Response {
    if let Some(l) = Lang::parse(lang) {
        ctx.lang = l;
    }
    let page = ctx.page(ctx.t("unsubscribe.title"));
    let (purpose, already, status) = match result {
        Ok(u) => (Some(ctx.t(&format!("consent.purposes.{}", u.purpose.as_str()))), u.already, StatusCode::OK),
        Err(AppError::NotFound) => (None, false, StatusCode::NOT_FOUND),
        Err(e) => {
            tracing::error!(error = %e, "an unsubscribe could not be recorded");
            (None, false, StatusCode::INTERNAL_SERVER_ERROR)
        }
    };
    let lang_query = if Lang::parse(lang).is_some() { format!("?lang={lang}") } else { String::new() };
    let action = format!("/unsubscribe/{token}{lang_query}");
    let mut res = super::render(&UnsubscribeTemplate { page, purpose, already, confirmed, action });
    *res.status_mut() = status;
    res
}

use super::Opt;
use crate::ctx::Staff;
use crate::error::WebResult;
use crate::forms::{CsrfForm, ShownErrors};
use crate::i18n;
use accord_app::mailings::{
    self as m, ContactMail, MailingInput, MailingView, Preview, Rendered, SegmentFilter, SegmentView,
};
use accord_domain::{AgreementKind, ConsentPurpose, FieldErrors, OrgKind, OrgLevel, SizeBand, format};

fn opts(lang: Lang, prefix: &str, codes: &[&str], selected: &str, blank: bool) -> Vec<Opt> {
    let mut out = Vec::new();
    if blank {
        out.push(Opt { value: String::new(), label: i18n::t(lang, "mail.any"), checked: selected.is_empty() });
    }
    out.extend(codes.iter().map(|c| Opt {
        value: (*c).to_owned(),
        label: i18n::t(lang, &format!("{prefix}.{c}")),
        checked: *c == selected,
    }));
    out
}

fn stamp(lang: Lang, t: &chrono::DateTime<chrono::Utc>) -> String {
    format::date(lang, t.date_naive())
}

// ---- segments ----

#[derive(Template)]
#[template(path = "mailings/segments.html")]
struct SegmentsTemplate {
    page: Page,
    segments: Vec<(SegmentView, String)>,
    can_send: bool,
}

pub async fn segments(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    let list = m::list_segments(&state.app, &actor).await?;
    let segments = list.into_iter().map(|s| {
        let d = stamp(ctx.lang, &s.created_at);
        (s, d)
    });
    Ok(super::render(&SegmentsTemplate {
        page: ctx.page(ctx.t("seg.title")),
        segments: segments.collect(),
        can_send: m::can_send(&actor),
    }))
}

/// The segment form as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SegmentForm {
    name: String,
    district: String,
    purpose: String,
    q: String,
    kind: String,
    level: String,
    sector: String,
    ward: String,
    size_band: String,
    agreement_kind: String,
    account_manager: String,
    activity_type: String,
    attended_event: String,
}

impl SegmentForm {
    fn filter(&self) -> SegmentFilter {
        let o = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
        SegmentFilter {
            q: o(&self.q),
            kind: o(&self.kind),
            level: o(&self.level),
            sector: o(&self.sector),
            ward: o(&self.ward),
            status: None,
            size_band: o(&self.size_band),
            agreement_kind: o(&self.agreement_kind),
            account_manager: o(&self.account_manager),
            activity_type: o(&self.activity_type),
            // A choice of the list; anything else is no event's id, and refused as unknown.
            attended_event: o(&self.attended_event).map(|s| s.trim().parse().unwrap_or(0)),
            purpose: self.purpose.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "mailings/segment_form.html")]
struct SegmentFormTemplate {
    page: Page,
    errors: ShownErrors,
    f: SegmentForm,
    districts: Vec<Opt>,
    purposes: Vec<Opt>,
    kinds: Vec<Opt>,
    levels: Vec<Opt>,
    sizes: Vec<Opt>,
    agreements: Vec<Opt>,
    managers: Vec<Opt>,
    types: Vec<Opt>,
    events: Vec<Opt>,
}

async fn segment_form(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &accord_app::Actor,
    f: SegmentForm,
    errors: &FieldErrors,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let mut districts = Vec::new();
    if actor.districts.len() != 1 {
        districts.push(Opt {
            value: String::new(),
            label: i18n::t(lang, "mail.choose"),
            checked: f.district.is_empty(),
        });
        for d in accord_app::districts::list(&state.app, actor).await? {
            districts.push(Opt { checked: d.code == f.district, value: d.code, label: d.name });
        }
    }
    let purposes: Vec<&str> = ConsentPurpose::ALL.iter().map(|p| p.as_str()).collect();
    let kinds: Vec<&str> = OrgKind::ALL.iter().map(|p| p.as_str()).collect();
    let levels: Vec<&str> = OrgLevel::ALL.iter().map(|p| p.as_str()).collect();
    let sizes: Vec<&str> = SizeBand::ALL.iter().map(|p| p.as_str()).collect();
    let mut agreements = opts(
        lang,
        "agr.kinds",
        &AgreementKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        &f.agreement_kind,
        true,
    );
    agreements.insert(
        1,
        Opt { value: "any".into(), label: i18n::t(lang, "org.agreement_any"), checked: f.agreement_kind == "any" },
    );
    agreements.push(Opt {
        value: "none".into(),
        label: i18n::t(lang, "org.agreement_none"),
        checked: f.agreement_kind == "none",
    });
    let mut managers = vec![
        Opt { value: String::new(), label: i18n::t(lang, "mail.any"), checked: f.account_manager.is_empty() },
        Opt {
            value: "none".into(),
            label: i18n::t(lang, "mail.no_account_manager"),
            checked: f.account_manager == "none",
        },
    ];
    for s in accord_app::directory::staff(&state.app, actor).await? {
        managers.push(Opt { checked: s.email == f.account_manager, value: s.email, label: s.name });
    }
    let mut types =
        vec![Opt { value: String::new(), label: i18n::t(lang, "mail.any"), checked: f.activity_type.is_empty() }];
    for t in accord_app::activities::types(&state.app).await?.types {
        types.push(Opt {
            checked: t.code == f.activity_type,
            label: if lang == Lang::Da { t.label_da.clone() } else { t.label_en.clone() },
            value: t.code,
        });
    }
    let events = event_options(state, ctx, actor, false, &f.attended_event).await?;
    let t = SegmentFormTemplate {
        events,
        page: ctx.page(ctx.t("seg.new")),
        errors: ShownErrors::new(lang, errors),
        purposes: opts(lang, "consent.purposes", &purposes, &f.purpose, false),
        kinds: opts(lang, "org.kinds", &kinds, &f.kind, true),
        levels: opts(lang, "org.levels", &levels, &f.level, true),
        sizes: opts(lang, "org.sizes", &sizes, &f.size_band, true),
        agreements,
        managers,
        types,
        districts,
        f,
    };
    Ok(super::render_form(&t, errors, false))
}

pub async fn new_segment(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    if !m::can_send(&actor) {
        return Err(AppError::Forbidden.into());
    }
    let f = SegmentForm { purpose: "news".into(), ..Default::default() };
    segment_form(&state, &ctx, &actor, f, &FieldErrors::new()).await
}

/// The form's field for an error of the filter object.
fn form_errors(errors: FieldErrors) -> FieldErrors {
    FieldErrors(
        errors
            .0
            .into_iter()
            .map(|mut e| {
                if let Some(f) = e.field.strip_prefix("filter.") {
                    e.field = f.to_owned();
                }
                e
            })
            .collect(),
    )
}

pub async fn create_segment(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(f): CsrfForm<SegmentForm>,
) -> WebResult<Response> {
    let district = Some(f.district.as_str()).filter(|d| !d.is_empty());
    match m::create_segment(&state.app, &actor, &f.name, district, &f.filter()).await {
        Ok(s) => Ok(super::redirect_with_flash(&ctx, &format!("/segments/{}", s.id), "segment_saved")),
        Err(AppError::Invalid(errors)) => segment_form(&state, &ctx, &actor, f, &form_errors(errors)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "mailings/segment.html")]
struct SegmentTemplate {
    page: Page,
    s: SegmentView,
    criteria: Vec<(String, String)>,
    preview: Preview,
    can_send: bool,
}

/// The criteria of a segment as a reader names them.
fn criteria(lang: Lang, f: &SegmentFilter, event_title: Option<String>) -> Vec<(String, String)> {
    let mut out = vec![(i18n::t(lang, "seg.purpose"), i18n::t(lang, &format!("consent.purposes.{}", f.purpose)))];
    let mut add = |key: &str, v: &Option<String>, prefix: Option<&str>| {
        if let Some(v) = v {
            let shown = match prefix {
                Some(p) => i18n::t(lang, &format!("{p}.{v}")),
                None => v.clone(),
            };
            out.push((i18n::t(lang, key), shown));
        }
    };
    add("seg.q", &f.q, None);
    add("seg.kind", &f.kind, Some("org.kinds"));
    add("seg.level", &f.level, Some("org.levels"));
    add("seg.sector", &f.sector, None);
    add("seg.ward", &f.ward, None);
    add("seg.size_band", &f.size_band, Some("org.sizes"));
    let agreement = f.agreement_kind.as_deref().map(|a| match a {
        "any" => i18n::t(lang, "org.agreement_any"),
        "none" => i18n::t(lang, "org.agreement_none"),
        k => i18n::t(lang, &format!("agr.kinds.{k}")),
    });
    add("seg.agreement_kind", &agreement, None);
    add("seg.account_manager", &f.account_manager, None);
    add("seg.activity_type", &f.activity_type, None);
    add("seg.attended_event", &event_title, None);
    out
}

pub async fn segment(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let s = m::get_segment(&state.app, &actor, id).await?;
    let preview = m::preview_segment(&state.app, &actor, id).await?;
    let event_title = match s.filter.attended_event {
        Some(e) => Some(accord_app::events::get(&state.app, &actor, e).await?.title),
        None => None,
    };
    Ok(super::render(&SegmentTemplate {
        page: ctx.page(s.name.clone()),
        criteria: criteria(ctx.lang, &s.filter, event_title),
        s,
        preview,
        can_send: m::can_send(&actor),
    }))
}

// ---- mailings ----

#[derive(Template)]
#[template(path = "mailings/list.html")]
struct MailingsTemplate {
    page: Page,
    mailings: Vec<(MailingView, String)>,
    can_send: bool,
    configured: bool,
}

pub async fn list(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    let list = m::list_mailings(&state.app, &actor).await?;
    let mailings = list
        .into_iter()
        .map(|v| {
            let d = stamp(ctx.lang, &v.sent_at.unwrap_or(v.created_at));
            (v, d)
        })
        .collect();
    Ok(super::render(&MailingsTemplate {
        page: ctx.page(ctx.t("mail.title")),
        mailings,
        can_send: m::can_send(&actor),
        configured: m::mail_configured(&state.app),
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MailingForm {
    segment_id: String,
    subject: String,
    body: String,
    lang: String,
    one_per_group: String,
    event_id: String,
}

#[derive(Template)]
#[template(path = "mailings/form.html")]
struct MailingFormTemplate {
    page: Page,
    errors: ShownErrors,
    f: MailingForm,
    segments: Vec<Opt>,
    langs: Vec<Opt>,
    events: Vec<Opt>,
}

/// Events of the actor's districts to choose from, `upcoming` or past (latest first), with
/// "none" first; cancelled ones and, when upcoming, those begun are left out.
async fn event_options(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &accord_app::Actor,
    upcoming: bool,
    selected: &str,
) -> WebResult<Vec<Opt>> {
    use accord_app::events::{self as ev, EventListFilter};
    let f = EventListFilter { when: Some(if upcoming { "upcoming" } else { "past" }.into()), ..Default::default() };
    let paging = accord_app::Paging { page: 1, per_page: accord_app::Paging::MAX_PER_PAGE };
    let list = ev::list(&state.app, actor, &f, paging).await?;
    let mut out =
        vec![Opt { value: String::new(), label: i18n::t(ctx.lang, "mail.no_event"), checked: selected.is_empty() }];
    let several = actor.districts.len() != 1;
    for e in list.items.into_iter().filter(|e| e.cancelled_at.is_none() && !(upcoming && e.has_started())) {
        let mut label = format!("{} ({})", e.title, format::date(ctx.lang, e.starts_at.date_naive()));
        if several {
            label.push_str(&format!(" · {}", e.district));
        }
        out.push(Opt { checked: e.id.to_string() == selected, value: e.id.to_string(), label });
    }
    Ok(out)
}

async fn mailing_form(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &accord_app::Actor,
    f: MailingForm,
    errors: &FieldErrors,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let mut segments =
        vec![Opt { value: String::new(), label: i18n::t(lang, "mail.choose"), checked: f.segment_id.is_empty() }];
    for s in m::list_segments(&state.app, actor).await? {
        segments.push(Opt { checked: s.id.to_string() == f.segment_id, value: s.id.to_string(), label: s.name });
    }
    let langs = Lang::ALL
        .iter()
        .map(|l| Opt {
            value: l.code().into(),
            label: i18n::t(lang, &format!("mail.langs.{}", l.code())),
            checked: f.lang == l.code(),
        })
        .collect();
    let events = event_options(state, ctx, actor, true, &f.event_id).await?;
    let t = MailingFormTemplate {
        page: ctx.page(ctx.t("mail.new")),
        errors: ShownErrors::new(lang, errors),
        f,
        segments,
        langs,
        events,
    };
    Ok(super::render_form(&t, errors, false))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewMailingQuery {
    segment: String,
    /// The event to invite to (from the event page's "Invite by mail").
    event: String,
}

pub async fn new(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(q): Query<NewMailingQuery>,
) -> WebResult<Response> {
    if !m::can_send(&actor) {
        return Err(AppError::Forbidden.into());
    }
    let f = MailingForm {
        segment_id: q.segment,
        lang: ctx.lang.code().into(),
        one_per_group: String::new(),
        event_id: q.event,
        ..Default::default()
    };
    mailing_form(&state, &ctx, &actor, f, &FieldErrors::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(f): CsrfForm<MailingForm>,
) -> WebResult<Response> {
    let input = MailingInput {
        segment_id: f.segment_id.clone(),
        subject: f.subject.clone(),
        body: f.body.clone(),
        lang: f.lang.clone(),
        one_per_group: !f.one_per_group.is_empty(),
        event_id: f.event_id.clone(),
    };
    match m::create_mailing(&state.app, &actor, &input).await {
        Ok(v) => Ok(super::redirect_with_flash(&ctx, &format!("/mailings/{}", v.id), "mailing_saved")),
        Err(AppError::Invalid(errors)) => mailing_form(&state, &ctx, &actor, f, &errors).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "mailings/show.html")]
struct MailingTemplate {
    page: Page,
    errors: ShownErrors,
    v: MailingView,
    sent_on: String,
    preview: Option<Preview>,
    samples: Vec<Rendered>,
    skipped: Vec<(String, i64, String)>,
    can_send: bool,
    configured: bool,
    cap_override: String,
}

async fn show_mailing(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &accord_app::Actor,
    id: i64,
    errors: &FieldErrors,
    cap_override: String,
) -> WebResult<Response> {
    let v = m::get_mailing(&state.app, actor, id).await?;
    let (preview, samples) = if v.status == "draft" {
        let (p, s) = m::preview_mailing(&state.app, actor, id, 3).await?;
        (Some(p), s)
    } else {
        (None, vec![])
    };
    let skipped = v
        .skipped
        .iter()
        .map(|s| {
            (
                s.contact_name.clone(),
                s.organisation_id,
                i18n::t(ctx.lang, &format!("mailing.skips.{}", s.reason.as_str())),
            )
        })
        .collect();
    let t = MailingTemplate {
        page: ctx.page(v.subject.clone()),
        errors: ShownErrors::new(ctx.lang, errors),
        sent_on: v.sent_at.map(|t| stamp(ctx.lang, &t)).unwrap_or_default(),
        preview,
        samples,
        skipped,
        can_send: m::can_send(actor),
        configured: m::mail_configured(&state.app),
        cap_override,
        v,
    };
    Ok(super::render_form(&t, errors, false))
}

pub async fn show(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    show_mailing(&state, &ctx, &actor, id, &FieldErrors::new(), String::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SendForm {
    cap_override: String,
}

pub async fn send(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<SendForm>,
) -> WebResult<Response> {
    let reason = Some(f.cap_override.as_str()).filter(|r| !r.trim().is_empty());
    match m::send(&state.app, &actor, id, reason).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &format!("/mailings/{id}"), "mailing_sent")),
        Err(AppError::Invalid(errors)) => show_mailing(&state, &ctx, &actor, id, &errors, f.cap_override).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct Empty {}

pub async fn test_send(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> WebResult<Response> {
    match m::test_send(&state.app, &actor, id).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &format!("/mailings/{id}"), "mailing_test_sent")),
        Err(AppError::Invalid(errors)) => show_mailing(&state, &ctx, &actor, id, &errors, String::new()).await,
        Err(e) => Err(e.into()),
    }
}

// ---- the frequency cap ----

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CapForm {
    district: String,
    max_mailings: String,
    days: String,
}

#[derive(Template)]
#[template(path = "mailings/cap.html")]
struct CapTemplate {
    page: Page,
    errors: ShownErrors,
    district: String,
    district_name: String,
    f: CapForm,
    can_set: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DistrictQuery {
    district: String,
}

pub async fn cap(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(q): Query<DistrictQuery>,
) -> WebResult<Response> {
    // Without a district named, the first of the caller's.
    let code = match q.district.as_str() {
        "" => accord_app::districts::list(&state.app, &actor)
            .await?
            .into_iter()
            .next()
            .map(|d| d.code)
            .unwrap_or_default(),
        c => c.to_owned(),
    };
    let (d, cap) = m::cap(&state.app, &actor, Some(code.as_str()).filter(|d| !d.is_empty())).await?;
    let f =
        CapForm { district: d.code.clone(), max_mailings: cap.max_mailings.to_string(), days: cap.days.to_string() };
    Ok(super::render(&CapTemplate {
        page: ctx.page(ctx.t("cap.title")),
        errors: ShownErrors::default(),
        district: d.code,
        district_name: d.name,
        f,
        can_set: m::can_set_cap(&actor),
    }))
}

pub async fn set_cap(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(f): CsrfForm<CapForm>,
) -> WebResult<Response> {
    let district = Some(f.district.as_str()).filter(|d| !d.is_empty());
    match m::set_cap(&state.app, &actor, district, &f.max_mailings, &f.days).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &format!("/mailings/cap?district={}", f.district), "cap_saved")),
        Err(AppError::Invalid(errors)) => {
            let (d, _) = m::cap(&state.app, &actor, district).await?;
            let t = CapTemplate {
                page: ctx.page(ctx.t("cap.title")),
                errors: ShownErrors::new(ctx.lang, &errors),
                district: d.code,
                district_name: d.name,
                f,
                can_set: true,
            };
            Ok(super::render_form(&t, &errors, false))
        }
        Err(e) => Err(e.into()),
    }
}

// ---- consent and bouncing on the contact's page ----

#[derive(Template)]
#[template(path = "mailings/contact.html")]
struct ContactTemplate {
    page: Page,
    mail: ContactMail,
    contact_name: String,
    organisation_name: String,
    consents: Vec<(String, String, bool, String)>,
    history: Vec<(String, String, bool, String, String)>,
    bounces: Vec<(String, String, String, bool)>,
    can_edit: bool,
}

pub async fn contact(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let c = accord_app::directory::get_contact(&state.app, &actor, id).await?;
    let mail = m::contact_mail(&state.app, &actor, id).await?;
    let source = |s: Option<accord_domain::ConsentSource>| match s {
        Some(s) => i18n::t(lang, &format!("consent.sources.{}", s.as_str())),
        None => i18n::t(lang, "consent.general_flag"),
    };
    let consents = mail
        .consents
        .iter()
        .map(|n| {
            let since =
                n.since.map(|t| format!("{} · {}", stamp(lang, &t), source(n.source))).unwrap_or_else(|| source(None));
            (
                n.purpose.as_str().to_owned(),
                i18n::t(lang, &format!("consent.purposes.{}", n.purpose.as_str())),
                n.given,
                since,
            )
        })
        .collect();
    let history = mail
        .history
        .iter()
        .map(|h| {
            (
                stamp(lang, &h.recorded_at),
                i18n::t(lang, &format!("consent.purposes.{}", h.purpose.as_str())),
                h.given,
                source(Some(h.source)),
                h.recorded_by.clone().unwrap_or_default(),
            )
        })
        .collect();
    let bounces = mail
        .bounces
        .iter()
        .map(|b| (b.email.clone(), stamp(lang, &b.marked_at), b.reason.clone(), b.cleared_at.is_none()))
        .collect();
    Ok(super::render(&ContactTemplate {
        page: ctx.page(ctx.t("consent.title")),
        contact_name: c.name,
        organisation_name: c.organisation_name,
        consents,
        history,
        bounces,
        mail,
        can_edit: accord_app::directory::can_edit(&actor) && !actor.is_read_only(),
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConsentForm {
    purpose: String,
    given: String,
}

pub async fn set_consent(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ConsentForm>,
) -> WebResult<Response> {
    let given = match f.given.as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    m::set_consent(&state.app, &actor, id, &f.purpose, given, "form").await?;
    Ok(super::redirect_with_flash(&ctx, &format!("/contacts/{id}/mail"), "consent_saved"))
}

pub async fn clear_bouncing(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> WebResult<Response> {
    m::clear_bouncing(&state.app, &actor, id).await?;
    Ok(super::redirect_with_flash(&ctx, &format!("/contacts/{id}/mail"), "bouncing_cleared"))
}
