//! Agreements in the browser: the list and the review list, the record with its actions
//! (activate, terminate, renew, documents), the form, the printable agreement in its own
//! language, and the secretariat's commitment templates.

use super::listing::Listing;
use super::shared::{Empty, date_opt, district_name, district_options, label, options};
use super::{Opt, Pager};
use crate::ctx::{Page, ReqCtx, Staff};
use crate::error::WebResult;
use crate::forms::{CsrfForm, ShownErrors};
use crate::i18n;
use crate::state::AppState;
use accord_app::agreements::{
    self as ag, AgreementInput, AgreementView, CommitmentInput, Renewal, TargetInput, TemplateInput, TemplateView,
    Termination,
};
use accord_app::directory::{self as dir, OrgRef};
use accord_app::{Actor, AppError, Paging};
use accord_domain::{AgreementFilter, AgreementSort};
use accord_domain::{AgreementKind, FieldErrors, Lang, Role, Side, TargetMetric, format};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;

/// The phases an agreement can be in on a given day.
pub const PHASES: [&str; 5] = ["draft", "upcoming", "active", "ended", "terminated"];
/// Blank rows under the targets of the form, for adding new ones.
const BLANK_TARGETS: usize = 3;
/// The most sites "cover all sites under the holder" adds.
const MAX_SITES: usize = 2000;

/// The tag colour of a phase.
pub fn phase_class(phase: &str) -> &'static str {
    match phase {
        "draft" => "tag-yellow",
        "upcoming" => "tag-blue",
        "active" => "tag-green",
        "terminated" => "tag-red",
        _ => "tag-grey",
    }
}

fn with_blank(lang: Lang, key: &str, selected: &str, mut rest: Vec<Opt>) -> Vec<Opt> {
    rest.insert(0, Opt { value: String::new(), label: i18n::t(lang, key), checked: selected.is_empty() });
    rest
}

fn kind_codes() -> impl Iterator<Item = &'static str> {
    AgreementKind::ALL.iter().map(|k| k.as_str())
}

fn lang_options(lang: Lang, selected: &str) -> Vec<Opt> {
    ["en", "da"]
        .iter()
        .map(|c| Opt {
            value: (*c).into(),
            label: i18n::t(lang, &format!("agr.languages.{c}")),
            checked: *c == selected,
        })
        .collect()
}

/// Field errors in the words of each field: a required field says what to enter, and a
/// rule broken by two fields together (an end before a start) is told at each field in that
/// field's own words, so the summary does not say the same thing twice.
fn worded(lang: Lang, errors: &FieldErrors) -> ShownErrors {
    let mut out = ShownErrors::new(lang, errors);
    for (e, item) in errors.0.iter().zip(out.items.iter_mut()) {
        // A target's cell is named by its column.
        let column = e.field.rsplit_once("].").map(|(_, c)| c).unwrap_or(&e.field);
        let key = match (e.code.as_str(), column) {
            ("field.required", c) => format!("agr.required.{c}"),
            ("agreement.end_before_start", "start_date") => "agr.err.start_after_end".into(),
            ("agreement.terminated_before_start", "start_date") => "agr.err.start_after_termination".into(),
            ("period.end_before_start", "period_start") => "agr.err.period_start_after_end".into(),
            _ => continue,
        };
        let text = i18n::t(lang, &key);
        if !text.ends_with(&key) {
            item.1 = text;
        }
    }
    out
}

/// Field errors for the summary and the fields: as [`worded`], with the row of a target
/// named in the summary.
fn shown(lang: Lang, errors: &FieldErrors) -> ShownErrors {
    let mut out = worded(lang, errors);
    for item in &mut out.items {
        if let Some(i) =
            item.0.strip_prefix("targets[").and_then(|r| r.split_once(']')).and_then(|(i, _)| i.parse::<usize>().ok())
        {
            item.1 = format!("{} {}", i18n::t_value(lang, "agr.target_row", &(i + 1).to_string()), item.1);
        }
    }
    out
}

fn can_edit(actor: &Actor) -> bool {
    ag::can_edit(actor) && !actor.is_read_only()
}

// ---- list ----

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub kind: String,
    pub phase: String,
    pub am: String,
    pub district: String,
    pub sort: String,
    pub page: Option<u64>,
}

/// A row of the agreement lists.
pub struct Row {
    pub id: i64,
    pub reference: String,
    pub holder_id: i64,
    pub holder: String,
    pub kind: String,
    pub phase: String,
    pub phase_class: &'static str,
    pub start: String,
    pub end: String,
    pub review: String,
    pub sites: usize,
    pub account_manager: String,
    /// The first of review date and end, for the review list.
    pub due: String,
    pub overdue: bool,
    /// The district's name, where the list shows several districts.
    pub district: String,
}

fn row(lang: Lang, a: &AgreementView, today: NaiveDate) -> Row {
    let due = [a.review_date, a.end_date, a.terminated_on].into_iter().flatten().min();
    Row {
        id: a.id,
        reference: a.r#ref.clone(),
        holder_id: a.organisation_id,
        holder: a.organisation_name.clone(),
        kind: label(lang, "agr.kinds", &a.kind),
        phase: label(lang, "agr.phases", &a.phase),
        phase_class: phase_class(&a.phase),
        start: format::date_short(lang, a.start_date),
        // A terminated agreement ended on its last day in force.
        end: date_opt(lang, [a.end_date, a.terminated_on].into_iter().flatten().min()),
        review: date_opt(lang, a.review_date),
        sites: a.sites.len() + 1,
        account_manager: a.account_manager_name.clone().unwrap_or_default(),
        due: date_opt(lang, due),
        overdue: due.is_some_and(|d| d < today),
        district: String::new(),
    }
}

#[derive(Template)]
#[template(path = "agreements/list.html")]
struct ListTemplate {
    page: Page,
    f: ListQuery,
    errors: ShownErrors,
    rows: Vec<Row>,
    caption: String,
    list: Listing,
    kinds: Vec<Opt>,
    phases: Vec<Opt>,
    staff: Vec<Opt>,
    districts: Vec<Opt>,
    can_edit: bool,
}

pub async fn list(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(f): Query<ListQuery>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let today = Utc::now().date_naive();
    let mut errors = FieldErrors::new();
    let sort = errors.take("sort", &f.sort, AgreementSort::parse(&f.sort)).unwrap_or_default();
    let kind = match f.kind.as_str() {
        "" => None,
        k => errors.take("kind", k, AgreementKind::parse(k)).map(|k| k.as_str().to_owned()),
    };
    let phase = match f.phase.as_str() {
        "" => None,
        p if PHASES.contains(&p) => Some(p.to_owned()),
        p => {
            errors.add("phase", "agreement.phase_unknown", Some(p));
            None
        }
    };
    let all_districts = accord_app::districts::list(&state.app, &actor).await?;
    let filter = AgreementFilter {
        q: Some(f.q.trim().to_owned()).filter(|q| !q.is_empty()),
        kind,
        phase,
        account_manager_id: f.am.parse().ok(),
        district_id: all_districts.iter().find(|d| d.code == f.district).map(|d| d.id),
        today,
        ..Default::default()
    };
    let paging = Paging::new(f.page, Some(50));
    let result = ag::list(&state.app, &actor, &filter, sort, paging).await?;
    let staff = dir::staff(&state.app, &actor).await?;
    let districts: Vec<Opt> = if all_districts.len() > 1 {
        all_districts
            .iter()
            .map(|d| Opt { value: d.code.clone(), label: d.name.clone(), checked: d.code == f.district })
            .collect()
    } else {
        vec![]
    };
    let rows = result
        .items
        .iter()
        .map(|a| Row { district: super::shared::district_label(&districts, &a.district), ..row(lang, a, today) })
        .collect();
    let caption = i18n::t_value(lang, "agr.caption", &format::number(lang, result.total as i64));
    let list = match Listing::new(
        &ctx,
        "/agreements",
        &[("q", &f.q), ("kind", &f.kind), ("phase", &f.phase), ("am", &f.am), ("district", &f.district)],
        sort,
        paging,
        result.total,
    ) {
        Ok(list) => list,
        Err(refused) => return Ok(*refused),
    };
    let t = ListTemplate {
        page: ctx.page(ctx.t("agr.title")),
        errors: shown(lang, &errors),
        rows,
        caption,
        list,
        kinds: options(lang, "agr.kinds", kind_codes(), &f.kind),
        phases: options(lang, "agr.phases", PHASES.into_iter(), &f.phase),
        staff: staff
            .iter()
            .map(|u| Opt { value: u.id.to_string(), label: u.name.clone(), checked: f.am == u.id.to_string() })
            .collect(),
        districts,
        can_edit: can_edit(&actor),
        f,
    };
    let mut res = super::render(&t);
    if !t.errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

// ---- due for review ----

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReviewQuery {
    pub mine: String,
    pub page: Option<u64>,
}

#[derive(Template)]
#[template(path = "agreements/review.html")]
struct ReviewTemplate {
    page: Page,
    rows: Vec<Row>,
    caption: String,
    pager: Pager,
    mine: bool,
    can_be_mine: bool,
    window: String,
}

/// Whether the review list shows only the actor's own agreements unless told otherwise:
/// yes for account managers.
pub fn mine_by_default(actor: &Actor) -> bool {
    actor.user_id.is_some() && actor.has(Role::AccountManager) && !actor.has(Role::Secretariat)
}

pub async fn review(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(q): Query<ReviewQuery>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let today = Utc::now().date_naive();
    let can_be_mine = actor.user_id.is_some();
    let mine = can_be_mine
        && match q.mine.as_str() {
            "1" => true,
            "0" => false,
            _ => mine_by_default(&actor),
        };
    let paging = Paging::new(q.page, Some(50));
    let result = ag::review_due(&state.app, &actor, mine, paging).await?;
    let rows = result.items.iter().map(|a| row(lang, a, today)).collect();
    let caption = i18n::t_value(lang, "agr.review_caption", &format::number(lang, result.total as i64));
    let mine_q = if mine { "1" } else { "0" };
    let pager = Pager::new(lang, "/agreements/review", &[("mine", mine_q)], paging, result.total);
    let t = ReviewTemplate {
        page: ctx.page(ctx.t("agr.review_title")),
        rows,
        caption,
        pager,
        mine,
        can_be_mine,
        window: ag::REVIEW_WINDOW_DAYS.to_string(),
    };
    Ok(super::render(&t))
}

// ---- the form ----

/// The agreement form as posted: commitments one per line per side, covered sites one ref
/// per line, targets as parallel columns of a table.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AgreementForm {
    pub district: String,
    #[serde(rename = "ref")]
    pub r#ref: String,
    pub organisation_ref: String,
    pub kind: String,
    pub language: String,
    pub purpose: String,
    pub account_manager_email: String,
    pub contact_ref: String,
    pub signed_date: String,
    pub start_date: String,
    pub end_date: String,
    pub review_date: String,
    pub sites: String,
    pub cover_all: String,
    pub commitments_jobcentre: String,
    pub commitments_employer: String,
    /// The language the commitments were filled in from the templates (new agreements).
    pub template_lang: String,
    pub target_metric: Vec<String>,
    pub target_number: Vec<String>,
    pub target_start: Vec<String>,
    pub target_end: Vec<String>,
    pub target_label: Vec<String>,
    pub target_recorded: Vec<String>,
    pub version: Option<i32>,
}

impl AgreementForm {
    pub fn reference(&self) -> &str {
        &self.r#ref
    }

    fn from_view(v: &AgreementView) -> Self {
        let input = AgreementInput::from_view(v);
        let side = |s: &str| v.commitments_of(s).iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join("\n");
        let mut f = AgreementForm {
            district: v.district.clone(),
            r#ref: input.r#ref,
            organisation_ref: input.organisation_ref,
            kind: input.kind,
            language: input.language,
            purpose: input.purpose,
            account_manager_email: input.account_manager_email,
            contact_ref: input.contact_ref,
            signed_date: input.signed_date,
            start_date: input.start_date,
            end_date: input.end_date,
            review_date: input.review_date,
            sites: v.sites.iter().map(|s| s.r#ref.as_str()).collect::<Vec<_>>().join("\n"),
            commitments_jobcentre: side("jobcentre"),
            commitments_employer: side("employer"),
            version: Some(v.version),
            ..Default::default()
        };
        for t in input.targets.unwrap_or_default() {
            f.push_target(t);
        }
        f
    }

    fn push_target(&mut self, t: TargetInput) {
        self.target_metric.push(t.metric);
        self.target_number.push(t.target);
        self.target_start.push(t.period_start);
        self.target_end.push(t.period_end);
        self.target_label.push(t.label);
        self.target_recorded.push(t.recorded);
    }

    fn target_count(&self) -> usize {
        [
            self.target_metric.len(),
            self.target_number.len(),
            self.target_start.len(),
            self.target_end.len(),
            self.target_label.len(),
            self.target_recorded.len(),
        ]
        .into_iter()
        .max()
        .unwrap_or(0)
    }

    fn targets(&self) -> Vec<TargetInput> {
        let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        (0..self.target_count())
            .map(|i| TargetInput {
                metric: at(&self.target_metric, i),
                target: at(&self.target_number, i),
                period_start: at(&self.target_start, i),
                period_end: at(&self.target_end, i),
                label: at(&self.target_label, i),
                recorded: at(&self.target_recorded, i),
            })
            .collect()
    }

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
    }

    /// The input for the use cases, and for each commitment the field it came from.
    fn input(&self) -> (AgreementInput, Vec<&'static str>) {
        let mut commitments = Vec::new();
        let mut fields = Vec::new();
        for (side, field, text) in [
            ("jobcentre", "commitments_jobcentre", &self.commitments_jobcentre),
            ("employer", "commitments_employer", &self.commitments_employer),
        ] {
            for line in Self::lines(text) {
                commitments.push(CommitmentInput { side: side.into(), text: line });
                fields.push(field);
            }
        }
        let input = AgreementInput {
            district: Some(self.district.clone()).filter(|d| !d.trim().is_empty()),
            r#ref: self.r#ref.clone(),
            organisation_ref: self.organisation_ref.clone(),
            kind: self.kind.clone(),
            language: self.language.clone(),
            purpose: self.purpose.clone(),
            account_manager_email: self.account_manager_email.clone(),
            contact_ref: self.contact_ref.clone(),
            signed_date: self.signed_date.clone(),
            start_date: self.start_date.clone(),
            end_date: self.end_date.clone(),
            review_date: self.review_date.clone(),
            sites: Some(AgreementInput::split_sites(&self.sites)),
            commitments: Some(commitments),
            targets: Some(self.targets()),
            version: self.version,
            ..Default::default()
        };
        (input, fields)
    }
}

/// Points the errors of single commitments at the text area they were typed in.
fn commitment_fields(mut errors: FieldErrors, fields: &[&'static str]) -> FieldErrors {
    for e in &mut errors.0 {
        if e.field == "commitments" {
            e.field = "commitments_jobcentre".into();
        } else if let Some(i) = e.field.strip_prefix("commitments[").and_then(|r| r.strip_suffix(']'))
            && let Some(f) = i.parse::<usize>().ok().and_then(|i| fields.get(i))
        {
            e.field = (*f).to_owned();
        }
    }
    errors
}

/// One row of the targets table of the form.
pub struct TargetFormRow {
    pub i: usize,
    /// "row 2", for the labels screen readers announce.
    pub row_label: String,
    pub metrics: Vec<Opt>,
    pub number: String,
    pub start: String,
    pub end: String,
    pub label: String,
    pub recorded: String,
    /// Messages by column (`metric`, `target`, `period_start`, …).
    pub errors: Vec<(String, String)>,
}

impl TargetFormRow {
    /// The id of a cell's control: the field name the use cases give errors for.
    pub fn id(&self, column: &str) -> String {
        format!("targets[{}].{column}", self.i)
    }

    pub fn err(&self, column: &str) -> Option<&str> {
        self.errors.iter().find(|(c, _)| c == column).map(|(_, m)| m.as_str())
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}

#[derive(Template)]
#[template(path = "agreements/form.html")]
struct FormTemplate {
    page: Page,
    f: AgreementForm,
    errors: ShownErrors,
    changed: Vec<(String, String, String)>,
    action: String,
    back: String,
    holder: Option<(i64, String)>,
    districts: Vec<Opt>,
    kinds: Vec<Opt>,
    languages: Vec<Opt>,
    staff: Vec<Opt>,
    contacts: Vec<Opt>,
    targets: Vec<TargetFormRow>,
}

/// The organisation a ref names, looked up in the district given or in each of the actor's.
async fn find_holder(state: &AppState, actor: &Actor, district: &str, r: &str) -> WebResult<Option<OrgRef>> {
    Ok(dir::find_by_ref(&state.app, actor, district, r).await?)
}

/// The district a new agreement's templates come from: the holder's, the one chosen, or
/// the actor's first.
async fn template_district(
    state: &AppState,
    actor: &Actor,
    holder: Option<&OrgRef>,
    chosen: &str,
) -> WebResult<Option<i64>> {
    if let Some(h) = holder {
        return Ok(Some(h.district_id));
    }
    let ds = accord_app::districts::list(&state.app, actor).await?;
    Ok(ds.iter().find(|d| d.code == chosen).or(ds.first()).map(|d| d.id))
}

async fn templates_text(
    state: &AppState,
    actor: &Actor,
    district_id: Option<i64>,
    lang: Lang,
) -> WebResult<(String, String)> {
    let Some(d) = district_id else { return Ok((String::new(), String::new())) };
    let list = ag::starting_commitments(&state.app, actor, d, lang).await?;
    let side = |s: &str| list.iter().filter(|(x, _)| x == s).map(|(_, t)| t.as_str()).collect::<Vec<_>>().join("\n");
    Ok((side("jobcentre"), side("employer")))
}

/// The language an employer's agreement is written in unless chosen: Danish with a Danish
/// number, English with a Companies House one.
fn holder_language(holder: Option<&OrgRef>, fallback: Lang) -> Lang {
    match holder {
        Some(h) if h.cvr.is_some() || h.p_number.is_some() => Lang::Da,
        Some(h) if h.companies_house.is_some() => Lang::En,
        _ => fallback,
    }
}

#[allow(clippy::too_many_arguments)]
async fn render_form(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: Option<i64>,
    f: AgreementForm,
    errors: &FieldErrors,
    changed: Vec<(String, String, String)>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let holder = find_holder(state, actor, if id.is_some() { "" } else { &f.district }, &f.organisation_ref).await?;
    let staff = dir::staff(&state.app, actor).await?;
    let is_new = id.is_none();
    let mut staff_opts = vec![Opt {
        value: String::new(),
        label: i18n::t(lang, if is_new { "agr.am_from_holder" } else { "org.no_account_manager" }),
        checked: f.account_manager_email.is_empty(),
    }];
    staff_opts.extend(staff.iter().map(|u| Opt {
        value: u.email.clone(),
        label: u.name.clone(),
        checked: u.email == f.account_manager_email,
    }));
    let mut contacts = vec![Opt {
        value: String::new(),
        label: i18n::t(lang, if is_new { "agr.contact_primary" } else { "agr.no_contact" }),
        checked: f.contact_ref.is_empty(),
    }];
    if let Some(h) = &holder {
        for c in dir::contacts_of(&state.app, actor, h.id).await? {
            let text = match &c.role {
                Some(r) => format!("{} ({r})", c.name),
                None => c.name.clone(),
            };
            contacts.push(Opt { checked: c.r#ref == f.contact_ref, value: c.r#ref, label: text });
        }
    }
    if !f.contact_ref.is_empty() && !contacts.iter().any(|c| c.checked) {
        contacts.push(Opt { value: f.contact_ref.clone(), label: f.contact_ref.clone(), checked: true });
    }
    let cells = worded(lang, errors);
    let mut target_rows: Vec<TargetFormRow> = f
        .targets()
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let prefix = format!("targets[{i}].");
            TargetFormRow {
                i,
                row_label: i18n::t_value(lang, "agr.row_n", &(i + 1).to_string()),
                metrics: with_blank(
                    lang,
                    "common.none_chosen",
                    &t.metric,
                    options(lang, "agr.metrics", TargetMetric::ALL.iter().map(|m| m.as_str()), &t.metric),
                ),
                number: t.target,
                start: t.period_start,
                end: t.period_end,
                label: t.label,
                recorded: t.recorded,
                errors: cells
                    .items
                    .iter()
                    .filter_map(|(field, msg, _)| field.strip_prefix(&prefix).map(|c| (c.to_owned(), msg.clone())))
                    .collect(),
            }
        })
        .collect();
    let blanks = target_rows.iter().rev().take_while(|r| r.metrics.first().is_some_and(|o| o.checked)).count();
    for _ in blanks..BLANK_TARGETS {
        let i = target_rows.len();
        target_rows.push(TargetFormRow {
            i,
            row_label: i18n::t_value(lang, "agr.row_n", &(i + 1).to_string()),
            metrics: with_blank(
                lang,
                "common.none_chosen",
                "",
                options(lang, "agr.metrics", TargetMetric::ALL.iter().map(|m| m.as_str()), ""),
            ),
            number: String::new(),
            start: String::new(),
            end: String::new(),
            label: String::new(),
            recorded: String::new(),
            errors: vec![],
        });
    }
    let title = match id {
        None => ctx.t("agr.new_title"),
        Some(_) => i18n::t_value(lang, "agr.edit_title", &f.r#ref),
    };
    let status = super::form_status(errors, !changed.is_empty());
    let t = FormTemplate {
        page: ctx.page(title),
        errors: shown(lang, errors),
        changed,
        action: id.map(|i| format!("/agreements/{i}")).unwrap_or_else(|| "/agreements".into()),
        back: match (id, &holder) {
            (Some(i), _) => format!("/agreements/{i}"),
            (None, Some(h)) => format!("/organisations/{}", h.id),
            (None, None) => "/agreements".into(),
        },
        holder: holder.as_ref().map(|h| (h.id, h.name.clone())),
        districts: if is_new { district_options(state, actor, &f.district).await? } else { vec![] },
        kinds: options(lang, "agr.kinds", kind_codes(), if f.kind.is_empty() { "partnership" } else { &f.kind }),
        languages: lang_options(lang, &f.language),
        staff: staff_opts,
        contacts,
        targets: target_rows,
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
    dir::require_edit(&actor)?;
    let mut f = AgreementForm { kind: "partnership".into(), ..Default::default() };
    let holder = match q.organisation.parse::<i64>() {
        Ok(id) => {
            let o = dir::get(&state.app, &actor, id).await?;
            f.organisation_ref = o.r#ref.clone();
            f.district = o.district.clone();
            find_holder(&state, &actor, &o.district, &o.r#ref).await?
        }
        Err(_) => None,
    };
    let lang = holder_language(holder.as_ref(), ctx.lang);
    f.language = lang.code().to_owned();
    let district = template_district(&state, &actor, holder.as_ref(), &f.district).await?;
    (f.commitments_jobcentre, f.commitments_employer) = templates_text(&state, &actor, district, lang).await?;
    f.template_lang = lang.code().to_owned();
    render_form(&state, &ctx, &actor, None, f, &FieldErrors::new(), vec![]).await
}

/// Adds the holder's sites to the covered ones when asked to.
async fn cover_all(state: &AppState, actor: &Actor, f: &mut AgreementForm) -> WebResult<()> {
    if f.cover_all.is_empty() {
        return Ok(());
    }
    f.cover_all.clear();
    let Some(h) = find_holder(state, actor, &f.district, &f.organisation_ref).await? else { return Ok(()) };
    let mut refs = AgreementInput::split_sites(&f.sites);
    for r in dir::descendant_refs(&state.app, actor, h.id, MAX_SITES).await? {
        if !refs.contains(&r) {
            refs.push(r);
        }
    }
    f.sites = refs.join("\n");
    Ok(())
}

pub async fn create(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(mut f): CsrfForm<AgreementForm>,
) -> WebResult<Response> {
    cover_all(&state, &actor, &mut f).await?;
    // Commitments left as the templates gave them follow a change of language.
    if let (Some(from), Some(to)) = (Lang::parse(&f.template_lang), Lang::parse(&f.language))
        && from != to
    {
        let holder = find_holder(&state, &actor, &f.district, &f.organisation_ref).await?;
        let district = template_district(&state, &actor, holder.as_ref(), &f.district).await?;
        let (jc, em) = templates_text(&state, &actor, district, from).await?;
        if AgreementForm::lines(&jc) == AgreementForm::lines(&f.commitments_jobcentre)
            && AgreementForm::lines(&em) == AgreementForm::lines(&f.commitments_employer)
        {
            (f.commitments_jobcentre, f.commitments_employer) = templates_text(&state, &actor, district, to).await?;
            f.template_lang = to.code().to_owned();
        }
    }
    let (input, fields) = f.input();
    match ag::create(&state.app, &actor, &input).await {
        Ok(a) => Ok(super::redirect_with_flash(&ctx, &format!("/agreements/{}", a.id), "agreement_created")),
        Err(AppError::Invalid(errors)) => {
            render_form(&state, &ctx, &actor, None, f, &commitment_fields(errors, &fields), vec![]).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    dir::require_edit(&actor)?;
    let a = ag::get_to_change(&state.app, &actor, id).await?;
    render_form(&state, &ctx, &actor, Some(id), AgreementForm::from_view(&a), &FieldErrors::new(), vec![]).await
}

/// The label of a field named in a stale-edit report.
fn field_label(lang: Lang, field: &str) -> String {
    let key = match field {
        "ref" => "agr.ref",
        "organisation_ref" => "agr.holder",
        "kind" => "agr.kind",
        "language" => "agr.language",
        "purpose" => "agr.purpose",
        "account_manager_email" => "agr.account_manager",
        "contact_ref" => "agr.contact",
        "signed_date" => "agr.signed_date",
        "start_date" => "agr.start_date",
        "end_date" => "agr.end_date",
        "review_date" => "agr.review_date",
        "sites" => "agr.sites",
        "commitments" => "agr.commitments",
        _ => return field.to_owned(),
    };
    i18n::t(lang, key)
}

fn field_value(i: &AgreementInput, field: &str) -> String {
    match field {
        "ref" => i.r#ref.clone(),
        "organisation_ref" => i.organisation_ref.clone(),
        "kind" => i.kind.clone(),
        "language" => i.language.clone(),
        "purpose" => i.purpose.clone(),
        "account_manager_email" => i.account_manager_email.clone(),
        "contact_ref" => i.contact_ref.clone(),
        "signed_date" => i.signed_date.clone(),
        "start_date" => i.start_date.clone(),
        "end_date" => i.end_date.clone(),
        "review_date" => i.review_date.clone(),
        "sites" => i.sites.as_ref().map(|s| s.join("; ")).unwrap_or_default(),
        "commitments" => i
            .commitments
            .as_ref()
            .map(|c| c.iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join(" · "))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

pub async fn update(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(mut f): CsrfForm<AgreementForm>,
) -> WebResult<Response> {
    dir::require_edit(&actor)?;
    let current = ag::get_to_change(&state.app, &actor, id).await?;
    f.district = current.district.clone();
    cover_all(&state, &actor, &mut f).await?;
    let (mut input, fields) = f.input();
    // The form does not change the status or how the agreement ended: those have their own
    // actions.
    let kept = AgreementInput::from_view(&current);
    input.status = kept.status;
    input.terminated_on = kept.terminated_on;
    input.terminated_by = kept.terminated_by;
    input.termination_reason = kept.termination_reason;
    match ag::update(&state.app, &actor, id, &input).await {
        Ok(a) => Ok(super::redirect_with_flash(&ctx, &format!("/agreements/{}", a.id), "agreement_saved")),
        Err(AppError::Invalid(errors)) => {
            render_form(&state, &ctx, &actor, Some(id), f, &commitment_fields(errors, &fields), vec![]).await
        }
        Err(AppError::Conflict { current, changed }) => {
            let current: AgreementView =
                serde_json::from_value(current).map_err(|e| AppError::Internal(e.to_string()))?;
            let now = AgreementInput::from_view(&current);
            let mut rows: Vec<(String, String, String)> = changed
                .iter()
                .map(|c| (field_label(ctx.lang, c), field_value(&now, c), field_value(&input, c)))
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

// ---- the record ----

pub struct TargetShow {
    pub metric: String,
    pub percent_text: String,
    pub elapsed_text: String,
    pub label: String,
    pub period: String,
    pub target: String,
    pub achieved: String,
    pub percent: u32,
    /// The percent as far as a bar can show it (0–100).
    pub bar: u32,
    pub elapsed: u32,
    pub behind: bool,
    pub recorded: bool,
    /// Each delivering district's share (name, figure), when more than one district delivers
    /// the agreement or the reader only delivers it.
    pub shares: Vec<(String, String)>,
}

/// A share as people write it: `58%` in English, `58 %` in Danish.
fn percent(lang: Lang, p: u32) -> String {
    match lang {
        Lang::En => format!("{}%", format::number(lang, i64::from(p))),
        Lang::Da => format!("{} %", format::number(lang, i64::from(p))),
    }
}

fn targets_shown(lang: Lang, a: &AgreementView) -> Vec<TargetShow> {
    a.targets
        .iter()
        .map(|t| TargetShow {
            percent_text: percent(lang, t.percent),
            elapsed_text: percent(lang, t.elapsed_percent),
            metric: label(lang, "agr.metrics", &t.metric),
            label: t.label.clone().unwrap_or_default(),
            period: format!(
                "{} – {}",
                format::date_short(lang, t.period_start),
                format::date_short(lang, t.period_end)
            ),
            target: format::number(lang, i64::from(t.target)),
            achieved: format::number(lang, t.achieved),
            percent: t.percent,
            bar: t.percent.min(100),
            elapsed: t.elapsed_percent,
            behind: t.behind(),
            recorded: t.metric == "courses",
            shares: if a.districts.len() > 1 || a.participating {
                t.shares.iter().map(|s| (s.district_name.clone(), format::number(lang, s.achieved))).collect()
            } else {
                vec![]
            },
        })
        .collect()
}

pub struct DocRow {
    pub id: i64,
    pub filename: String,
    pub size: String,
    pub added: String,
}

fn size_text(lang: Lang, bytes: i64) -> String {
    if bytes < 1024 {
        format!("{} B", format::number(lang, bytes))
    } else if bytes < 1024 * 1024 {
        format!("{} kB", format::number(lang, (bytes + 1023) / 1024))
    } else {
        let tenths = (bytes * 10 + 1024 * 1024 - 1) / (1024 * 1024);
        let sep = if lang == Lang::Da { ',' } else { '.' };
        if tenths % 10 == 0 {
            format!("{} MB", format::number(lang, tenths / 10))
        } else {
            format!("{}{sep}{} MB", format::number(lang, tenths / 10), tenths % 10)
        }
    }
}

pub struct HistoryRow {
    pub id: i64,
    pub reference: String,
    pub period: String,
    pub phase: String,
    pub phase_class: &'static str,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "agreements/show.html")]
struct ShowTemplate {
    page: Page,
    a: AgreementView,
    kind: String,
    phase: String,
    phase_class: &'static str,
    language: String,
    district_name: String,
    terminated_by: String,
    dates: Vec<(String, String)>,
    /// Covered sites besides the holder: id, name, ref, whether the reader may open it.
    sites: Vec<(i64, String, String, bool)>,
    /// The districts the covered sites are in, with their sites' names, when more than one
    /// district delivers the agreement or the reader is one that only delivers it.
    delivery: Vec<(String, String)>,
    jobcentre: Vec<String>,
    employer: Vec<String>,
    targets: Vec<TargetShow>,
    documents: Vec<DocRow>,
    history: Vec<HistoryRow>,
    renewed_by: Option<(i64, String)>,
    errors: ShownErrors,
    changed: Vec<(String, String, String)>,
    doc_errors: ShownErrors,
    can_edit: bool,
    can_audit: bool,
    doc_limit: String,
}

async fn render_show(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: i64,
    errors: &FieldErrors,
    conflict: bool,
    doc_errors: &FieldErrors,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let a = ag::get(&state.app, actor, id).await?;
    // The documents are the holding district's; a district that delivers the agreement reads
    // the agreement itself.
    let docs = if a.participating { vec![] } else { ag::documents(&state.app, actor, id).await? };
    let chain = ag::history(&state.app, actor, id).await?;
    let today = Utc::now().date_naive();
    let mut history: Vec<HistoryRow> = Vec::new();
    let hist_row = |v: &AgreementView, current: bool| HistoryRow {
        id: v.id,
        reference: v.r#ref.clone(),
        period: match [v.end_date, v.terminated_on].into_iter().flatten().min() {
            Some(e) => format!("{} – {}", format::date_short(lang, v.start_date), format::date_short(lang, e)),
            None => format!("{} –", format::date_short(lang, v.start_date)),
        },
        phase: label(lang, "agr.phases", &v.phase),
        phase_class: phase_class(&v.phase),
        current,
    };
    if !chain.is_empty() {
        // The chain is oldest first: those before this one end with its predecessor.
        let split = a.previous_id.and_then(|p| chain.iter().position(|v| v.id == p)).map(|i| i + 1).unwrap_or(0);
        history.extend(chain[..split].iter().map(|v| hist_row(v, false)));
        history.push(hist_row(&a, true));
        history.extend(chain[split..].iter().map(|v| hist_row(v, false)));
    }
    let renewed_by =
        chain.iter().find(|v| v.previous_id == Some(a.id) && v.status != "terminated").map(|v| (v.id, v.r#ref.clone()));
    let mut dates = Vec::new();
    if let Some(d) = a.signed_date {
        dates.push((ctx.t("agr.signed_date"), format::date(lang, d)));
    }
    dates.extend([
        (ctx.t("agr.start_date"), format::date(lang, a.start_date)),
        (ctx.t("agr.end_date"), a.end_date.map(|d| format::date(lang, d)).unwrap_or_else(|| ctx.t("agr.open_ended"))),
    ]);
    let review = match a.review_date {
        Some(d) if d < today && a.phase == "active" => format!("{} ({})", format::date(lang, d), ctx.t("agr.overdue")),
        Some(d) => format::date(lang, d),
        None => ctx.t("agr.no_review_date"),
    };
    dates.push((ctx.t("agr.review_date"), review));
    let errors_shown = shown(lang, errors);
    let t = ShowTemplate {
        page: ctx.page(i18n::t_args(lang, "agr.show_title", &[("ref", &a.r#ref), ("holder", &a.organisation_name)])),
        kind: label(lang, "agr.kinds", &a.kind),
        phase: label(lang, "agr.phases", &a.phase),
        phase_class: phase_class(&a.phase),
        language: label(lang, "agr.languages", &a.language),
        district_name: district_name(state, &a.district).await?,
        terminated_by: a.terminated_by.as_deref().map(|s| label(lang, "agr.sides", s)).unwrap_or_default(),
        dates,
        sites: a
            .sites
            .iter()
            .map(|s| {
                let opens = a
                    .districts
                    .iter()
                    .find(|d| d.sites.iter().any(|x| x.id == s.id))
                    .is_none_or(|d| actor.scope().allows(d.district_id));
                (s.id, s.name.clone(), s.r#ref.clone(), opens)
            })
            .collect(),
        delivery: if a.districts.len() > 1 || a.participating {
            a.districts
                .iter()
                .map(|d| {
                    let names: Vec<&str> = d.sites.iter().map(|s| s.name.as_str()).collect();
                    (d.district_name.clone(), names.join(", "))
                })
                .collect()
        } else {
            vec![]
        },
        jobcentre: a.commitments_of("jobcentre").iter().map(|c| c.text.clone()).collect(),
        employer: a.commitments_of("employer").iter().map(|c| c.text.clone()).collect(),
        targets: targets_shown(lang, &a),
        documents: docs
            .into_iter()
            .map(|d| DocRow {
                id: d.id,
                filename: d.filename,
                size: size_text(lang, d.size),
                added: format::datetime(lang, d.created_at),
            })
            .collect(),
        history,
        renewed_by,
        errors: errors_shown,
        changed: if conflict { vec![(ctx.t("conflict.version"), String::new(), String::new())] } else { vec![] },
        doc_errors: shown(lang, doc_errors),
        can_edit: can_edit(actor) && !a.participating,
        can_audit: actor.can(accord_app::Permission::ViewAudit),
        doc_limit: size_text(lang, ag::DOCUMENT_LIMIT as i64),
        a,
    };
    let mut res = super::render(&t);
    let all = {
        let mut e = errors.clone();
        e.0.extend(doc_errors.0.iter().cloned());
        e
    };
    *res.status_mut() = super::form_status(&all, conflict);
    Ok(res)
}

pub async fn show(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    render_show(&state, &ctx, &actor, id, &FieldErrors::new(), false, &FieldErrors::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionForm {
    pub version: Option<i32>,
}

pub async fn activate(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<VersionForm>,
) -> WebResult<Response> {
    dir::require_edit(&actor)?;
    let version = match f.version {
        Some(v) => v,
        None => ag::get(&state.app, &actor, id).await?.version,
    };
    match ag::activate(&state.app, &actor, id, version).await {
        Ok(a) => {
            // Signed today for a term that starts later: it is not in force yet, so the
            // message does not say it is.
            let flash = if a.start_date > chrono::Utc::now().date_naive() {
                "agreement_activated_later"
            } else {
                "agreement_activated"
            };
            Ok(super::redirect_with_flash(&ctx, &format!("/agreements/{}", a.id), flash))
        }
        Err(AppError::Invalid(errors)) => {
            render_show(&state, &ctx, &actor, id, &errors, false, &FieldErrors::new()).await
        }
        Err(AppError::Conflict { .. }) => {
            render_show(&state, &ctx, &actor, id, &FieldErrors::new(), true, &FieldErrors::new()).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- terminate and renew ----

#[derive(Template)]
#[template(path = "agreements/terminate.html")]
struct TerminateTemplate {
    page: Page,
    a: AgreementView,
    f: Termination,
    errors: ShownErrors,
    changed: Vec<(String, String, String)>,
    sides: Vec<Opt>,
}

fn render_terminate(ctx: &ReqCtx, a: AgreementView, f: Termination, errors: &FieldErrors, conflict: bool) -> Response {
    let lang = ctx.lang;
    let t = TerminateTemplate {
        page: ctx.page(i18n::t_value(lang, "agr.terminate_title", &a.r#ref)),
        errors: shown(lang, errors),
        changed: if conflict { vec![(ctx.t("conflict.version"), String::new(), String::new())] } else { vec![] },
        sides: with_blank(
            lang,
            "common.none_chosen",
            &f.terminated_by,
            options(lang, "agr.sides", Side::ALL.iter().map(|s| s.as_str()), &f.terminated_by),
        ),
        a,
        f,
    };
    super::render_form(&t, errors, conflict)
}

pub async fn terminate_form(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    dir::require_edit(&actor)?;
    let a = ag::get_to_change(&state.app, &actor, id).await?;
    let f = Termination {
        terminated_on: Utc::now().date_naive().to_string(),
        version: Some(a.version),
        ..Default::default()
    };
    Ok(render_terminate(&ctx, a, f, &FieldErrors::new(), false))
}

pub async fn terminate(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<Termination>,
) -> WebResult<Response> {
    dir::require_edit(&actor)?;
    match ag::terminate(&state.app, &actor, id, &f).await {
        Ok(a) => Ok(super::redirect_with_flash(&ctx, &format!("/agreements/{}", a.id), "agreement_terminated")),
        Err(AppError::Invalid(errors)) => {
            let a = ag::get(&state.app, &actor, id).await?;
            Ok(render_terminate(&ctx, a, f, &errors, false))
        }
        Err(AppError::Conflict { .. }) => {
            let a = ag::get(&state.app, &actor, id).await?;
            let mut f = f;
            f.version = Some(a.version);
            Ok(render_terminate(&ctx, a, f, &FieldErrors::new(), true))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "agreements/renew.html")]
struct RenewTemplate {
    page: Page,
    a: AgreementView,
    f: Renewal,
    errors: ShownErrors,
}

fn render_renew(ctx: &ReqCtx, a: AgreementView, f: Renewal, errors: &FieldErrors) -> Response {
    let t = RenewTemplate {
        page: ctx.page(i18n::t_value(ctx.lang, "agr.renew_title", &a.r#ref)),
        errors: shown(ctx.lang, errors),
        a,
        f,
    };
    super::render_form(&t, errors, false)
}

pub async fn renew_form(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    dir::require_edit(&actor)?;
    let a = ag::get_to_change(&state.app, &actor, id).await?;
    let start = a.terminated_on.or(a.end_date).and_then(|d| d.succ_opt()).unwrap_or_else(|| Utc::now().date_naive());
    let f = Renewal { start_date: start.to_string(), ..Default::default() };
    Ok(render_renew(&ctx, a, f, &FieldErrors::new()))
}

pub async fn renew(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<Renewal>,
) -> WebResult<Response> {
    dir::require_edit(&actor)?;
    match ag::renew(&state.app, &actor, id, &f).await {
        Ok(a) => Ok(super::redirect_with_flash(&ctx, &format!("/agreements/{}", a.id), "agreement_renewed")),
        Err(AppError::Invalid(errors)) => {
            let a = ag::get(&state.app, &actor, id).await?;
            Ok(render_renew(&ctx, a, f, &errors))
        }
        Err(e) => Err(e.into()),
    }
}

// ---- documents ----

/// The largest request the upload takes: the document and the form around it.
pub const UPLOAD_LIMIT: usize = ag::DOCUMENT_LIMIT + 64 * 1024;

pub async fn upload(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    mut mp: Multipart,
) -> WebResult<Response> {
    let (mut csrf, mut file, mut name) = (String::new(), Vec::new(), String::new());
    let mut failed = None;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                if field.name() == Some("file") {
                    name = field.file_name().unwrap_or("").to_owned();
                    match field.bytes().await {
                        Ok(b) => file = b.to_vec(),
                        Err(e) => {
                            failed = Some(e.status());
                            break;
                        }
                    }
                } else if field.name() == Some("_csrf") {
                    csrf = field.text().await.unwrap_or_default();
                }
            }
            Ok(None) => break,
            Err(e) => {
                failed = Some(e.status());
                break;
            }
        }
    }
    if let Some(status) = failed {
        // Too large a file is said so; anything else is a failed upload.
        let code = if status == StatusCode::PAYLOAD_TOO_LARGE { "document.too_large" } else { "import.upload_failed" };
        let e = FieldErrors::single("file", code, Some(&name));
        return render_show(&state, &ctx, &actor, id, &FieldErrors::new(), false, &e).await;
    }
    if csrf.is_empty() || !crate::forms::same(&csrf, ctx.csrf()) {
        return Err(AppError::Forbidden.into());
    }
    if name.is_empty() && file.is_empty() {
        let e = FieldErrors::single("file", "import.no_file", None);
        return render_show(&state, &ctx, &actor, id, &FieldErrors::new(), false, &e).await;
    }
    match ag::add_document(&state.app, &actor, id, &name, file).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &format!("/agreements/{id}#documents"), "document_added")),
        Err(AppError::Invalid(e)) => render_show(&state, &ctx, &actor, id, &FieldErrors::new(), false, &e).await,
        Err(e) => Err(e.into()),
    }
}

/// A file name as an HTTP header may carry it: printable ASCII, the rest as `_`.
fn ascii_name(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' }).filter(|c| *c != '\\').collect()
}

/// RFC 5987 encoding of a file name (`filename*=UTF-8''…`).
fn encoded_name(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub async fn download(
    State(state): State<AppState>,
    Staff { actor, .. }: Staff,
    Path((id, doc_id)): Path<(i64, i64)>,
) -> WebResult<Response> {
    let doc = ag::document(&state.app, &actor, id, doc_id).await?;
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        ascii_name(&doc.filename),
        encoded_name(&doc.filename)
    );
    let ctype = HeaderValue::from_str(&doc.content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let mut res = doc.data.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, ctype);
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Ok(res)
}

pub async fn remove_document(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path((id, doc_id)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> WebResult<Response> {
    ag::remove_document(&state.app, &actor, id, doc_id).await?;
    Ok(super::redirect_with_flash(&ctx, &format!("/agreements/{id}#documents"), "document_removed"))
}

// ---- the printable agreement ----

pub struct Party {
    pub name: String,
    pub lines: Vec<String>,
}

#[derive(Template)]
#[template(path = "agreements/print.html")]
struct PrintTemplate {
    page: Page,
    a: AgreementView,
    heading: String,
    jobcentre: Party,
    employer: Party,
    jobcentre_commits: Vec<String>,
    employer_commits: Vec<String>,
    dates: Vec<(String, String)>,
    targets: Vec<TargetShow>,
    back_label: String,
    print_label: String,
    /// The numbered headings of the sections: purpose (when there is one), commitments,
    /// sites, term, targets (when there are some).
    headings: Vec<String>,
    /// The reader's language, for the link back (the page is in the agreement's).
    ui_lang: &'static str,
}

pub async fn print(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let a = ag::get_to_change(&state.app, &actor, id).await?;
    // The agreement's own language, whatever the reader's.
    let lang = Lang::parse(&a.language).unwrap_or(ctx.lang);
    let t = |k: &str| i18n::t(lang, k);
    let holder = dir::get(&state.app, &actor, a.organisation_id).await?;
    let mut employer_lines = Vec::new();
    if let Some(v) = &holder.cvr {
        employer_lines.push(format!("{} {v}", t("org.cvr")));
    }
    if let Some(v) = &holder.p_number {
        employer_lines.push(format!("{} {v}", t("org.p_number")));
    }
    if let Some(v) = &holder.companies_house {
        employer_lines.push(format!("{} {v}", t("org.companies_house")));
    }
    let address = [holder.address.clone(), holder.postcode.clone()].into_iter().flatten().collect::<Vec<_>>();
    if !address.is_empty() {
        employer_lines.push(address.join(", "));
    }
    if let Some(c) = &a.contact_name {
        employer_lines.push(format!("{}: {c}", t("agr.print.contact")));
    }
    let mut jobcentre_lines = Vec::new();
    if let Some(am) = &a.account_manager_name {
        jobcentre_lines.push(format!("{}: {am}", t("agr.print.account_manager")));
    }
    if let Some(e) = &a.account_manager_email {
        jobcentre_lines.push(e.clone());
    }
    let mut dates = vec![
        (t("agr.start_date"), format::date(lang, a.start_date)),
        (t("agr.end_date"), a.end_date.map(|d| format::date(lang, d)).unwrap_or_else(|| t("agr.open_ended"))),
    ];
    if let Some(d) = a.review_date {
        dates.push((t("agr.review_date"), format::date(lang, d)));
    }
    if let Some(d) = a.signed_date {
        dates.push((t("agr.signed_date"), format::date(lang, d)));
    }
    if let Some(d) = a.terminated_on {
        dates.push((t("agr.terminated_on"), format::date(lang, d)));
    }
    let mut headings = Vec::new();
    for (key, shown) in [
        ("agr.print.purpose", a.purpose.is_some()),
        ("agr.print.commitments", true),
        ("agr.print.coverage", true),
        ("agr.print.term", true),
        ("agr.print.targets", !a.targets.is_empty()),
    ] {
        let n = headings.iter().filter(|h: &&String| !h.is_empty()).count() + 1;
        headings.push(if shown { format!("{n}. {}", t(key)) } else { String::new() });
    }
    let mut page = ctx.page(format!("{} {}", t(&format!("agr.print.titles.{}", a.kind)), a.r#ref));
    page.lang = lang;
    page.nav = vec![];
    let tpl = PrintTemplate {
        heading: t(&format!("agr.print.titles.{}", a.kind)),
        jobcentre: Party { name: district_name(&state, &a.district).await?, lines: jobcentre_lines },
        employer: Party { name: holder.name.clone(), lines: employer_lines },
        jobcentre_commits: a.commitments_of("jobcentre").iter().map(|c| c.text.clone()).collect(),
        employer_commits: a.commitments_of("employer").iter().map(|c| c.text.clone()).collect(),
        dates,
        targets: targets_shown(lang, &a),
        back_label: i18n::t(ctx.lang, "agr.print.back"),
        print_label: i18n::t(ctx.lang, "agr.print.button"),
        headings,
        ui_lang: ctx.lang.code(),
        page,
        a,
    };
    Ok(super::render(&tpl))
}

// ---- commitment templates ----

pub struct TemplateRow {
    pub id: i64,
    pub position: i32,
    pub text_en: String,
    pub text_da: String,
    pub retired: bool,
    pub district: String,
}

pub struct SideTemplates {
    pub side: String,
    pub label: String,
    pub rows: Vec<TemplateRow>,
}

#[derive(Template)]
#[template(path = "agreements/templates.html")]
struct TemplatesTemplate {
    page: Page,
    sides: Vec<SideTemplates>,
    can_manage: bool,
    several_districts: bool,
}

pub async fn templates(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    let list = ag::templates(&state.app, &actor, true).await?;
    let several = list.iter().map(|t| t.district.as_str()).collect::<std::collections::BTreeSet<_>>().len() > 1;
    let sides = Side::ALL
        .iter()
        .map(|s| SideTemplates {
            side: s.as_str().to_owned(),
            label: label(ctx.lang, "agr.sides", s.as_str()),
            rows: list
                .iter()
                .filter(|t| t.side == s.as_str())
                .map(|t| TemplateRow {
                    id: t.id,
                    position: t.position,
                    text_en: t.text_en.clone(),
                    text_da: t.text_da.clone(),
                    retired: t.retired,
                    district: t.district.clone(),
                })
                .collect(),
        })
        .collect();
    let t = TemplatesTemplate {
        page: ctx.page(ctx.t("tpl.title")),
        sides,
        can_manage: ag::can_manage_templates(&actor) && !actor.is_read_only(),
        several_districts: several,
    };
    Ok(super::render(&t))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct TemplateForm {
    pub district: String,
    pub side: String,
    pub text_en: String,
    pub text_da: String,
    pub position: String,
    pub retired: bool,
}

impl TemplateForm {
    fn input(&self) -> TemplateInput {
        TemplateInput {
            district: Some(self.district.clone()).filter(|d| !d.is_empty()),
            side: self.side.clone(),
            text_en: self.text_en.clone(),
            text_da: self.text_da.clone(),
            position: self.position.clone(),
            retired: self.retired,
        }
    }

    fn from_view(v: &TemplateView) -> Self {
        TemplateForm {
            district: v.district.clone(),
            side: v.side.clone(),
            text_en: v.text_en.clone(),
            text_da: v.text_da.clone(),
            position: v.position.to_string(),
            retired: v.retired,
        }
    }
}

#[derive(Template)]
#[template(path = "agreements/template_form.html")]
struct TemplateFormTemplate {
    page: Page,
    f: TemplateForm,
    errors: ShownErrors,
    action: String,
    sides: Vec<Opt>,
    districts: Vec<Opt>,
}

async fn render_template_form(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: Option<i64>,
    f: TemplateForm,
    errors: &FieldErrors,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let t = TemplateFormTemplate {
        page: ctx.page(ctx.t(if id.is_some() { "tpl.edit_title" } else { "tpl.new_title" })),
        errors: shown(lang, errors),
        action: id.map(|i| format!("/agreements/templates/{i}")).unwrap_or_else(|| "/agreements/templates".into()),
        sides: options(lang, "agr.sides", Side::ALL.iter().map(|s| s.as_str()), &f.side),
        districts: if id.is_none() { district_options(state, actor, &f.district).await? } else { vec![] },
        f,
    };
    Ok(super::render_form(&t, errors, false))
}

fn require_templates(actor: &Actor) -> WebResult<()> {
    actor.require_write()?;
    if ag::can_manage_templates(actor) { Ok(()) } else { Err(AppError::Forbidden.into()) }
}

pub async fn new_template(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    require_templates(&actor)?;
    let f = TemplateForm { side: "jobcentre".into(), ..Default::default() };
    render_template_form(&state, &ctx, &actor, None, f, &FieldErrors::new()).await
}

pub async fn edit_template(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    require_templates(&actor)?;
    let v = ag::get_template(&state.app, &actor, id).await?;
    render_template_form(&state, &ctx, &actor, Some(id), TemplateForm::from_view(&v), &FieldErrors::new()).await
}

async fn save_template(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: Option<i64>,
    f: TemplateForm,
) -> WebResult<Response> {
    match ag::save_template(&state.app, actor, id, &f.input()).await {
        Ok(_) => Ok(super::redirect_with_flash(ctx, "/agreements/templates", "template_saved")),
        Err(AppError::Invalid(errors)) => render_template_form(state, ctx, actor, id, f, &errors).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn create_template(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(f): CsrfForm<TemplateForm>,
) -> WebResult<Response> {
    save_template(&state, &ctx, &actor, None, f).await
}

pub async fn update_template(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<TemplateForm>,
) -> WebResult<Response> {
    save_template(&state, &ctx, &actor, Some(id), f).await
}

// ---- on other pages ----

/// An agreement as the organisation page lists it.
pub struct OrgAgreementRow {
    pub id: i64,
    pub reference: String,
    pub kind: String,
    pub phase: String,
    pub phase_class: &'static str,
    pub period: String,
    /// Held by another organisation and covering this one.
    pub holder: Option<(i64, String)>,
    /// Whether the reader may open the holder: not when another district (a national unit)
    /// holds the agreement.
    pub holder_opens: bool,
}

pub async fn for_organisation(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    org_id: i64,
) -> WebResult<Vec<OrgAgreementRow>> {
    if !ag::can_view(actor) {
        return Ok(vec![]);
    }
    Ok(ag::for_organisation(&state.app, actor, org_id)
        .await?
        .into_iter()
        .map(|a| OrgAgreementRow {
            period: match [a.end_date, a.terminated_on].into_iter().flatten().min() {
                Some(e) => format!("{} – {}", format::date_short(lang, a.start_date), format::date_short(lang, e)),
                None => format!("{} –", format::date_short(lang, a.start_date)),
            },
            kind: label(lang, "agr.kinds", &a.kind),
            phase: label(lang, "agr.phases", &a.phase),
            phase_class: phase_class(&a.phase),
            holder: (a.organisation_id != org_id).then(|| (a.organisation_id, a.organisation_name.clone())),
            holder_opens: !a.participating,
            id: a.id,
            reference: a.r#ref,
        })
        .collect())
}

/// How many agreements are due for review for the home page: the actor's own for an
/// account manager, all for the secretariat; `None` for anyone else.
pub async fn review_count(state: &AppState, actor: &Actor) -> WebResult<Option<u64>> {
    if !(actor.has(Role::AccountManager) || actor.has(Role::Secretariat)) || !ag::can_view(actor) {
        return Ok(None);
    }
    Ok(Some(ag::review_due_count(&state.app, actor, mine_by_default(actor)).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(lang: Lang, key: &str) -> bool {
        let t = i18n::t(lang, key);
        !t.ends_with(key)
    }

    #[test]
    fn every_vocabulary_word_has_a_label_in_both_languages() {
        let mut keys: Vec<String> = Vec::new();
        keys.extend(AgreementKind::ALL.iter().map(|k| format!("agr.kinds.{}", k.as_str())));
        keys.extend(AgreementKind::ALL.iter().map(|k| format!("agr.print.titles.{}", k.as_str())));
        keys.extend(PHASES.iter().map(|p| format!("agr.phases.{p}")));
        keys.extend(Side::ALL.iter().map(|s| format!("agr.sides.{}", s.as_str())));
        keys.extend(TargetMetric::ALL.iter().map(|m| format!("agr.metrics.{}", m.as_str())));
        keys.extend(["en", "da"].iter().map(|l| format!("agr.languages.{l}")));
        for k in keys {
            for lang in [Lang::En, Lang::Da] {
                assert!(has(lang, &k), "{k} has no {} text", lang.code());
            }
        }
        assert_eq!(i18n::t(Lang::Da, "agr.kinds.partnership"), "Partnerskabsaftale");
    }

    #[test]
    fn commitment_errors_point_at_their_text_area() {
        let mut e = FieldErrors::new();
        e.add("commitments[1]", "field.too_long", None);
        e.add("commitments", "agreement.too_many_commitments", None);
        let e = commitment_fields(e, &["commitments_jobcentre", "commitments_employer"]);
        assert_eq!(e.0[0].field, "commitments_employer");
        assert_eq!(e.0[1].field, "commitments_jobcentre");
    }

    #[test]
    fn file_names_in_headers() {
        assert_eq!(ascii_name("Aftale Æbelø.pdf"), "Aftale _bel_.pdf");
        assert_eq!(encoded_name("Æ b.pdf"), "%C3%86%20b.pdf");
    }

    #[test]
    fn sizes() {
        assert_eq!(size_text(Lang::En, 500), "500 B");
        assert_eq!(size_text(Lang::En, 2048), "2 kB");
        assert_eq!(size_text(Lang::Da, 10 * 1024 * 1024), "10 MB");
        assert_eq!(size_text(Lang::Da, 1024 * 1024 + 200 * 1024), "1,2 MB");
        assert_eq!(percent(Lang::En, 58), "58%");
        assert_eq!(percent(Lang::Da, 58), "58 %");
    }
}
