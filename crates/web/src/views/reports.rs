//! The reports in the browser: the partner activity report (Table 1) with its status, the
//! records and organisations behind every number, the agreements behind the agreement counts,
//! the dashboard, the committee report (printable, and as a workbook) and the KPI targets.
//! Every figure comes from `accord_app::reports`; these handlers only lay it out.

use super::shared::{district_filter, district_options, file_response};
use super::{Opt, Pager};
use crate::charts::{self, BarChart, LineChart};
use crate::ctx::{Page, ReqCtx, Staff};
use crate::error::{WebError, WebResult};
use crate::forms::{CsrfForm, ShownErrors};
use crate::i18n;
use crate::state::AppState;
use accord_app::reports::{
    self as rep, ActivityReport, AgreementSet, Cell, Group, REQUEST_ROW, ReportQuery, ReportRow, TargetInput,
    TargetView,
};
use accord_app::{AppError, Paging};
use accord_domain::{Direction, FieldErrors, KpiMetric, Lang, ReportUnit, format};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate, Utc};
use serde::Deserialize;

/// The report's parameters as a page or a link gives them.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ReportParams {
    pub year: String,
    pub as_of: String,
    pub district: String,
    pub unit: String,
    pub from: String,
    pub to: String,
    pub group: String,
    pub row: String,
    pub hired: String,
    pub filled: String,
    pub page: Option<u64>,
    pub format: String,
    pub lang: String,
}

impl ReportParams {
    /// The report asked for. A year not yet over counts up to today unless another day is
    /// given: what starts later in the year is planned, not done, and the dashboard counts the
    /// same way, so the two agree.
    pub fn query(&self) -> accord_app::Result<ReportQuery> {
        let mut q =
            ReportQuery::parse_period(&self.year, &self.as_of, &self.district, &self.unit, &self.from, &self.to)?;
        let today = Utc::now().date_naive();
        if q.as_of.is_none() && q.period.is_none() && q.year == today.year() {
            q.as_of = Some(today);
        }
        Ok(q)
    }

    pub fn cell(&self) -> accord_app::Result<Cell> {
        let group = Group::parse(&self.group).map_err(|c| AppError::field("group", c, Some(&self.group)))?;
        let row = Some(self.row.trim().to_owned()).filter(|r| !r.is_empty());
        Ok(Cell { group: Some(group), row, hired: self.hired == "1", filled: self.filled == "1" })
    }
}

/// `base?query&extra…`.
pub fn href(base: &str, query: &str, extra: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(query.to_owned());
    for (k, v) in extra {
        s.append_pair(k, v);
    }
    format!("{base}?{}", s.finish())
}

/// The link to the records behind a number.
pub fn records_href(q: &ReportQuery, group: Group, row: Option<&str>, extra: &[(&str, &str)]) -> String {
    let mut e: Vec<(&str, &str)> = vec![("group", group.as_str())];
    if let Some(r) = row {
        e.push(("row", r));
    }
    e.extend_from_slice(extra);
    href("/reports/activities/records", &q.query_string(), &e)
}

/// The link to the organisations behind a number.
pub fn organisations_href(q: &ReportQuery, group: Group, row: Option<&str>) -> String {
    let mut e: Vec<(&str, &str)> = vec![("group", group.as_str())];
    if let Some(r) = row {
        e.push(("row", r));
    }
    href("/reports/activities/organisations", &q.query_string(), &e)
}

/// A row of a report table, numbers written and linked.
pub struct TableRow {
    pub label: String,
    pub activities: String,
    pub organisations: String,
    pub hires: Option<String>,
    pub records_href: String,
    pub orgs_href: String,
    pub hires_href: String,
}

fn table_rows(lang: Lang, q: &ReportQuery, group: Group, rows: &[ReportRow]) -> Vec<TableRow> {
    rows.iter()
        .map(|r| TableRow {
            label: r.label.clone(),
            activities: format::number(lang, r.activities as i64),
            organisations: format::number(lang, r.organisations as i64),
            hires: r.hires.map(|h| format::number(lang, h as i64)),
            records_href: records_href(q, group, Some(&r.r#type), &[]),
            orgs_href: organisations_href(q, group, Some(&r.r#type)),
            hires_href: records_href(q, group, Some(&r.r#type), &[("hired", "1")]),
        })
        .collect()
}

/// Table 1 (or the table outside the partner companies) laid out for a page.
pub struct ReportTable {
    pub rows: Vec<TableRow>,
    pub total_activities: String,
    pub total_organisations: String,
    pub total_records_href: String,
    pub total_orgs_href: String,
}

fn report_table(lang: Lang, q: &ReportQuery, group: Group, rows: &[ReportRow], total: &rep::Totals) -> ReportTable {
    ReportTable {
        rows: table_rows(lang, q, group, rows),
        total_activities: format::number(lang, total.activities as i64),
        total_organisations: format::number(lang, total.organisations as i64),
        total_records_href: records_href(q, group, None, &[]),
        total_orgs_href: organisations_href(q, group, None),
    }
}

/// The status sentence with its two linked numbers.
pub struct StatusLine {
    /// Which days the report counts: "Period: 1 January 2026 – 3 December 2026".
    pub period: String,
    pub before: String,
    pub organisations: String,
    pub organisations_href: String,
    pub middle: String,
    pub planned: String,
    pub planned_href: String,
    pub after: String,
}

fn status_line(lang: Lang, q: &ReportQuery, r: &ActivityReport) -> StatusLine {
    let text = i18n::t_args(lang, "rep.status_text", &[("date", &format::date(lang, r.status.date))]);
    // "…: new activities at {orgs} partner companies this year, and {planned} more …"
    let (before, rest) = text.split_once("{orgs}").unwrap_or((&text, ""));
    let (middle, after) = rest.split_once("{planned}").unwrap_or((rest, ""));
    StatusLine {
        period: period_text(lang, q),
        before: before.to_owned(),
        organisations: format::number(lang, r.status.organisations as i64),
        organisations_href: organisations_href(q, Group::Partner, None),
        middle: middle.to_owned(),
        planned: format::number(lang, r.status.planned as i64),
        planned_href: organisations_href(q, Group::Planned, None),
        after: after.to_owned(),
    }
}

fn unit_options(lang: Lang, selected: ReportUnit) -> Vec<Opt> {
    ReportUnit::ALL
        .iter()
        .map(|u| Opt {
            value: u.as_str().to_owned(),
            label: i18n::t(lang, &format!("rep.units.{}", u.as_str())),
            checked: *u == selected,
        })
        .collect()
}

fn year_options(selected: i32) -> Vec<Opt> {
    let now = Utc::now().year();
    let mut years: Vec<i32> = ((now - 15)..=now).rev().collect();
    if !years.contains(&selected) {
        years.push(selected);
        years.sort_by(|a, b| b.cmp(a));
    }
    years.into_iter().map(|y| Opt { value: y.to_string(), label: y.to_string(), checked: y == selected }).collect()
}

/// The column and sheet names of the report workbooks, in `lang`.
pub fn workbook_text(lang: Lang) -> rep::WorkbookText {
    let t = |k: &str| i18n::t(lang, k);
    rep::WorkbookText {
        table1: t("rep.sheet.table1"),
        comparison: t("rep.sheet.comparison"),
        targets: t("rep.sheet.targets"),
        outside: t("rep.sheet.outside"),
        type_col: t("rep.col.type"),
        activities_col: t("rep.col.activities"),
        organisations_col: t("rep.col.organisations"),
        hires_col: t("rep.col.hires"),
        total: t("rep.total"),
        target_cols: [
            t("kpi.name"),
            t("kpi.metric"),
            t("kpi.period"),
            t("kpi.threshold"),
            t("kpi.value"),
            t("kpi.status"),
        ],
        word: Box::new(move |k: &str| i18n::t(lang, &format!("kpi.{k}"))),
    }
}

// ---- the partner activity report ----

#[derive(Template)]
#[template(path = "reports/activities.html")]
struct ActivitiesTemplate {
    page: Page,
    f: ReportParams,
    errors: ShownErrors,
    years: Vec<Opt>,
    units: Vec<Opt>,
    districts: Vec<Opt>,
    heading: String,
    caption: String,
    report: Option<Shown>,
}

struct Shown {
    status: StatusLine,
    table: ReportTable,
    outside: ReportTable,
    outside_caption: String,
    not_counted: String,
    not_counted_href: String,
    has_not_counted: bool,
    unit_note: String,
    csv: String,
    xlsx: String,
    committee: String,
}

pub async fn activities(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(f): Query<ReportParams>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let (districts, _) = district_filter(&state, &actor, &f.district).await?;
    let (q, errors) = match f.query() {
        Ok(q) => (Some(q), FieldErrors::new()),
        Err(AppError::Invalid(e)) => (None, e),
        Err(e) => return Err(e.into()),
    };
    let mut shown = None;
    let mut heading = ctx.t("rep.title");
    let mut caption = String::new();
    if let Some(q) = &q {
        let report = rep::activity_report(&state.app, &actor, q, lang).await?;
        match f.format.as_str() {
            "csv" => {
                return Ok(file_response(
                    rep::report_csv(&report)?,
                    "text/csv; charset=utf-8",
                    &format!("partner-activity-{}.csv", q.year),
                ));
            }
            "xlsx" => {
                let bytes = rep::report_workbook(&report, &workbook_text(lang))?;
                return Ok(file_response(
                    bytes,
                    accord_app::files::Format::Xlsx.content_type(),
                    &format!("partner-activity-{}.xlsx", q.year),
                ));
            }
            "" | "html" => {}
            other => return Err(AppError::field("format", "format.unknown", Some(other)).into()),
        }
        heading = i18n::t_value(lang, "rep.heading", &q.year.to_string());
        caption = i18n::t_args(
            lang,
            "rep.caption",
            &[("year", &q.year.to_string()), ("orgs", &format::number(lang, report.total.organisations as i64))],
        );
        let qs = q.query_string();
        shown = Some(Shown {
            status: status_line(lang, q, &report),
            outside_caption: i18n::t_value(lang, "rep.outside_caption", &q.year.to_string()),
            not_counted: format::number(lang, report.not_counted.activities as i64),
            not_counted_href: records_href(q, Group::NotCounted, None, &[]),
            has_not_counted: report.not_counted.activities > 0,
            unit_note: ctx.t(&format!("rep.unit_note.{}", q.unit.as_str())),
            table: report_table(lang, q, Group::Partner, &report.rows, &report.total),
            outside: report_table(lang, q, Group::Outside, &report.outside.rows, &report.outside.total),
            csv: href("/reports/activities", &qs, &[("format", "csv")]),
            xlsx: href("/reports/activities", &qs, &[("format", "xlsx")]),
            committee: href("/reports/committee", &qs, &[]),
        });
    }
    let year = q.as_ref().map(|q| q.year).unwrap_or_else(|| Utc::now().year());
    let unit = q.as_ref().map(|q| q.unit).unwrap_or(ReportUnit::Holder);
    let t = ActivitiesTemplate {
        page: ctx.page(heading.clone()),
        errors: ShownErrors::new(lang, &errors),
        years: year_options(year),
        units: unit_options(lang, unit),
        districts,
        heading,
        caption,
        report: shown,
        f,
    };
    let mut res = super::render(&t);
    if !t.errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

// ---- the records and organisations behind a number ----

/// The days a report counts, first to last: the dashboard and the reports say it the same way.
fn period_text(lang: Lang, q: &ReportQuery) -> String {
    match q.window() {
        Ok(w) => i18n::t_args(
            lang,
            "rep.period",
            &[("from", &format::date(lang, w.from)), ("to", &format::date(lang, w.cutoff))],
        ),
        Err(_) => String::new(),
    }
}

/// The year a report covers, with its cut-off day when it has one: "2023 up to 25 January 2023".
fn year_label(lang: Lang, q: &ReportQuery) -> String {
    match q.as_of {
        Some(d) => {
            i18n::t_args(lang, "rep.year_to", &[("year", &q.year.to_string()), ("date", &format::date(lang, d))])
        }
        None => q.year.to_string(),
    }
}

/// What a drill-down list says it shows.
fn cell_title(lang: Lang, q: &ReportQuery, cell: &Cell, counted_label: Option<String>) -> String {
    let group = cell.group.unwrap_or(Group::Partner);
    let what = match (&cell.row, counted_label) {
        (Some(_), Some(label)) => label,
        _ => i18n::t(lang, "rep.all_rows"),
    };
    let period = match q.period {
        Some((f, t)) => format!("{} – {}", format::date(lang, f), format::date(lang, t)),
        None => year_label(lang, q),
    };
    let mut s = i18n::t_args(lang, &format!("rep.cell.{}", group.as_str()), &[("what", &what), ("period", &period)]);
    if cell.hired {
        s.push_str(&format!(" — {}", i18n::t(lang, "rep.with_hires")));
    }
    if cell.filled {
        s.push_str(&format!(" — {}", i18n::t(lang, "rep.filled_only")));
    }
    s
}

fn row_label(state_types: &accord_app::activities::TypeIndex, lang: Lang, row: &Option<String>) -> Option<String> {
    row.as_ref()
        .map(|r| if r == REQUEST_ROW { rep::request_label(lang).to_owned() } else { state_types.label(r, lang) })
}

/// The query that names a cell: the report's and the cell's parameters.
fn cell_query(f: &ReportParams, q: &ReportQuery, cell: &Cell) -> String {
    let mut pairs: Vec<(&str, &str)> = vec![("group", f.group.as_str()), ("row", f.row.as_str())];
    if cell.hired {
        pairs.push(("hired", "1"));
    }
    if cell.filled {
        pairs.push(("filled", "1"));
    }
    href("", &q.query_string(), &pairs).trim_start_matches('?').to_owned()
}

/// `?format=csv|xlsx` of a drill-down list: the whole list as a file; none for the page.
fn table_file(format: &str, name: &str, header: &[&str], body: &[Vec<String>]) -> WebResult<Option<Response>> {
    match format {
        "csv" | "xlsx" => {
            let fmt = accord_app::files::Format::parse(format).unwrap_or(accord_app::files::Format::Csv);
            let bytes = accord_app::files::write_table(fmt, name, header, body).map_err(AppError::Internal)?;
            Ok(Some(file_response(bytes, fmt.content_type(), &format!("{name}.{}", fmt.extension()))))
        }
        "" => Ok(None),
        other => Err(AppError::field("format", "format.unknown", Some(other)).into()),
    }
}

pub struct RecordLine {
    pub href: String,
    pub source_id: String,
    pub label: String,
    pub org_id: i64,
    pub org_name: String,
    pub date: String,
    pub counted_for_id: i64,
    pub counted_for_name: String,
    pub same_org: bool,
    pub state: String,
    pub hires: String,
}

#[derive(Template)]
#[template(path = "reports/records.html")]
struct RecordsTemplate {
    page: Page,
    title: String,
    caption: String,
    back: String,
    rows: Vec<RecordLine>,
    pager: Pager,
    csv: String,
    xlsx: String,
    orgs: String,
}

pub async fn records(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(f): Query<ReportParams>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let q = f.query()?;
    let cell = f.cell()?;
    if !f.format.is_empty() {
        let rows = rep::all_records(&state.app, &actor, &q, &cell, lang).await?;
        let (header, body) = rep::records_table(&rows);
        if let Some(file) = table_file(&f.format, &format!("records-{}", q.year), &header, &body)? {
            return Ok(file);
        }
    }
    let paging = Paging::new(f.page, Some(50));
    let result = rep::records(&state.app, &actor, &q, &cell, paging, lang).await?;
    let types = accord_app::activities::types(&state.app).await?;
    let title = cell_title(lang, &q, &cell, row_label(&types, lang, &cell.row));
    let rows = result
        .items
        .iter()
        .map(|r| RecordLine {
            href: if r.kind == REQUEST_ROW {
                format!("/recruitment-requests/{}", r.id)
            } else {
                format!("/activities/{}", r.id)
            },
            source_id: r.source_id.clone(),
            label: r.label.clone(),
            org_id: r.organisation_id,
            org_name: r.organisation_name.clone(),
            date: format::date_short(lang, r.date),
            counted_for_id: r.counted_for_id,
            counted_for_name: r.counted_for_name.clone(),
            same_org: r.counted_for_id == r.organisation_id,
            state: if r.kind == REQUEST_ROW {
                i18n::t(lang, &format!("req.statuses.{}", r.state))
            } else {
                i18n::t(lang, &format!("act.outcomes.{}", r.state))
            },
            hires: r.hires.map(|h| format::number(lang, h as i64)).unwrap_or_default(),
        })
        .collect();
    let base_qs = cell_query(&f, &q, &cell);
    let owned: Vec<(String, String)> =
        url::form_urlencoded::parse(base_qs.as_bytes()).into_owned().filter(|(_, v)| !v.is_empty()).collect();
    let pager_query: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let pager = Pager::new(lang, "/reports/activities/records", &pager_query, paging, result.total);
    let t = RecordsTemplate {
        page: ctx.page(title.clone()),
        caption: i18n::t_value(lang, "rep.records_caption", &format::number(lang, result.total as i64)),
        back: href("/reports/activities", &q.query_string(), &[]),
        rows,
        pager,
        csv: format!("/reports/activities/records?{base_qs}&format=csv"),
        xlsx: format!("/reports/activities/records?{base_qs}&format=xlsx"),
        orgs: format!("/reports/activities/organisations?{base_qs}"),
        title,
    };
    Ok(super::render(&t))
}

pub struct UnitLine {
    pub id: i64,
    pub r#ref: String,
    pub name: String,
    pub records: String,
    pub records_href: String,
}

#[derive(Template)]
#[template(path = "reports/organisations.html")]
struct OrganisationsTemplate {
    page: Page,
    title: String,
    caption: String,
    back: String,
    rows: Vec<UnitLine>,
    csv: String,
    xlsx: String,
    records: String,
}

pub async fn organisations(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(f): Query<ReportParams>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let q = f.query()?;
    let cell = f.cell()?;
    let rows = rep::organisations(&state.app, &actor, &q, &cell).await?;
    let (header, body) = rep::organisations_table(&rows);
    if let Some(file) = table_file(&f.format, &format!("organisations-{}", q.year), &header, &body)? {
        return Ok(file);
    }
    let types = accord_app::activities::types(&state.app).await?;
    let title = cell_title(lang, &q, &cell, row_label(&types, lang, &cell.row));
    let base_qs = cell_query(&f, &q, &cell);
    let t = OrganisationsTemplate {
        page: ctx.page(title.clone()),
        caption: i18n::t_value(lang, "rep.orgs_caption", &format::number(lang, rows.len() as i64)),
        back: href("/reports/activities", &q.query_string(), &[]),
        rows: rows
            .iter()
            .map(|u| UnitLine {
                id: u.id,
                r#ref: u.r#ref.clone(),
                name: u.name.clone(),
                records: format::number(lang, u.records as i64),
                records_href: format!("/organisations/{}", u.id),
            })
            .collect(),
        csv: format!("/reports/activities/organisations?{base_qs}&format=csv"),
        xlsx: format!("/reports/activities/organisations?{base_qs}&format=xlsx"),
        records: format!("/reports/activities/records?{base_qs}"),
        title,
    };
    Ok(super::render(&t))
}

// ---- the agreements behind a number ----

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AgreementParams {
    pub what: String,
    pub date: String,
    pub from: String,
    pub to: String,
    pub district: String,
}

impl AgreementParams {
    pub fn set(&self) -> accord_app::Result<AgreementSet> {
        let mut e = FieldErrors::new();
        let day =
            |e: &mut FieldErrors, field: &str, s: &str| e.take(field, s.trim(), accord_app::directory::parse_date(s));
        let set = match self.what.trim() {
            "in_force" | "" => day(&mut e, "date", &self.date).map(AgreementSet::InForce),
            w @ ("started" | "terminated") => {
                let f = day(&mut e, "from", &self.from);
                let t = day(&mut e, "to", &self.to);
                match (f, t) {
                    (Some(f), Some(t)) if w == "started" => Some(AgreementSet::Started(f, t)),
                    (Some(f), Some(t)) => Some(AgreementSet::Terminated(f, t)),
                    _ => None,
                }
            }
            other => {
                e.add("what", "report.group_unknown", Some(other));
                None
            }
        };
        e.into_result()?;
        set.ok_or_else(|| AppError::field("what", "report.group_unknown", None))
    }
}

/// The link to the agreements behind an agreement count.
pub fn agreements_href(district: Option<&str>, set: AgreementSet) -> String {
    let mut pairs: Vec<(String, String)> = match set {
        AgreementSet::InForce(d) => vec![("what".into(), "in_force".into()), ("date".into(), d.to_string())],
        AgreementSet::Started(f, t) => {
            vec![("what".into(), "started".into()), ("from".into(), f.to_string()), ("to".into(), t.to_string())]
        }
        AgreementSet::Terminated(f, t) => {
            vec![("what".into(), "terminated".into()), ("from".into(), f.to_string()), ("to".into(), t.to_string())]
        }
    };
    if let Some(d) = district {
        pairs.push(("district".into(), d.to_owned()));
    }
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &pairs {
        s.append_pair(k, v);
    }
    format!("/reports/agreements?{}", s.finish())
}

pub struct AgreementLine {
    pub id: i64,
    pub r#ref: String,
    pub holder_id: i64,
    pub holder: String,
    pub kind: String,
    pub start: String,
    pub end: String,
}

#[derive(Template)]
#[template(path = "reports/agreements.html")]
struct AgreementsTemplate {
    page: Page,
    title: String,
    caption: String,
    rows: Vec<AgreementLine>,
}

pub async fn agreements(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(f): Query<AgreementParams>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let set = f.set()?;
    let district = Some(f.district.trim()).filter(|d| !d.is_empty());
    let list = rep::agreements_behind(&state.app, &actor, district, set).await?;
    let title = match set {
        AgreementSet::InForce(d) => i18n::t_value(lang, "rep.agr.in_force", &format::date(lang, d)),
        AgreementSet::Started(a, b) => {
            i18n::t_args(lang, "rep.agr.started", &[("from", &format::date(lang, a)), ("to", &format::date(lang, b))])
        }
        AgreementSet::Terminated(a, b) => i18n::t_args(
            lang,
            "rep.agr.terminated",
            &[("from", &format::date(lang, a)), ("to", &format::date(lang, b))],
        ),
    };
    let t = AgreementsTemplate {
        page: ctx.page(title.clone()),
        caption: i18n::t_value(lang, "rep.agr.caption", &format::number(lang, list.len() as i64)),
        rows: list
            .iter()
            .map(|a| AgreementLine {
                id: a.id,
                r#ref: a.reference().to_owned(),
                holder_id: a.organisation_id,
                holder: a.organisation_name.clone(),
                kind: i18n::t(lang, &format!("agr.kinds.{}", a.kind)),
                start: format::date_short(lang, a.start_date),
                end: a.terminated_on.or(a.end_date).map(|d| format::date_short(lang, d)).unwrap_or_default(),
            })
            .collect(),
        title,
    };
    Ok(super::render(&t))
}

// ---- the dashboard ----

pub struct KpiCard {
    pub title: String,
    pub value: String,
    pub href: String,
    pub note: String,
    /// Where the note's own number leads, if it has one.
    pub note_href: Option<String>,
}

pub struct TargetLine {
    pub id: i64,
    pub name: String,
    pub district: String,
    pub period: String,
    pub goal: String,
    pub value: String,
    pub value_href: String,
    pub pace: String,
    pub status: String,
    pub status_class: &'static str,
}

pub struct ConvLine {
    pub label: String,
    pub requests: String,
    pub requests_href: String,
    pub filled: String,
    pub filled_href: String,
    pub hires: String,
    pub hires_href: String,
    pub rate: String,
}

pub struct ComparisonLine {
    pub label: String,
    pub last: String,
    pub last_href: String,
    pub this: String,
    pub this_href: String,
}

#[derive(Template)]
#[template(path = "reports/dashboard.html")]
struct DashboardTemplate {
    page: Page,
    heading: String,
    date: String,
    districts: Vec<Opt>,
    cards: Vec<KpiCard>,
    targets: Vec<TargetLine>,
    can_manage: bool,
    chart: BarChart,
    this_label: String,
    last_label: String,
    period: String,
    comparison: Vec<ComparisonLine>,
    conversion: Vec<ConvLine>,
    agreements: Vec<(String, String, String, String, String)>,
    review_text: String,
    review: u64,
    follow_text: String,
    follow: u64,
    /// The communications log's counts per year and channel.
    communications: super::communications::CountTable,
}

pub fn status_class(status: &str) -> &'static str {
    match status {
        "met" => "tag-green",
        "on_track" => "tag-blue",
        "at_risk" => "tag-yellow",
        "missed" => "tag-red",
        _ => "tag-grey",
    }
}

/// The link to what a target's value counts.
pub fn target_href(t: &TargetView) -> String {
    let metric = KpiMetric::parse(&t.metric).unwrap_or(KpiMetric::PartnerOrganisations);
    if metric == KpiMetric::AgreementsInForce {
        return agreements_href(Some(&t.district), AgreementSet::InForce(t.as_of));
    }
    let q = ReportQuery {
        year: t.period_start.year(),
        as_of: Some(t.as_of),
        district: Some(t.district.clone()),
        unit: ReportUnit::parse(&t.unit).unwrap_or(ReportUnit::Holder),
        period: Some((t.period_start, t.period_end)),
    };
    match metric {
        KpiMetric::PartnerOrganisations => organisations_href(&q, Group::Partner, None),
        KpiMetric::PartnerActivities => records_href(&q, Group::Partner, None, &[]),
        KpiMetric::ActivitiesOfType => records_href(&q, Group::Partner, t.activity_type.as_deref(), &[]),
        _ => records_href(&q, Group::Partner, Some(REQUEST_ROW), &[("filled", "1")]),
    }
}

pub fn target_line(lang: Lang, t: &TargetView) -> TargetLine {
    TargetLine {
        id: t.id,
        name: t.name.clone(),
        district: t.district_name.clone(),
        period: format!("{} – {}", format::date_short(lang, t.period_start), format::date_short(lang, t.period_end)),
        goal: format!(
            "{} {}",
            i18n::t(lang, &format!("kpi.direction.{}", t.direction)),
            format::number(lang, t.threshold)
        ),
        value: format::number(lang, t.value),
        value_href: target_href(t),
        pace: t.pace.map(|p| format::number(lang, p)).unwrap_or_default(),
        status: i18n::t(lang, &format!("kpi.status.{}", t.status)),
        status_class: status_class(&t.status),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DashboardParams {
    pub district: String,
    /// The day the dashboard is for (default today): to look back at a past day.
    pub date: String,
}

pub async fn dashboard(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(p): Query<DashboardParams>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let today = match p.date.trim() {
        "" => Utc::now().date_naive(),
        s => accord_app::directory::parse_date(s).map_err(|c| AppError::field("date", c, Some(s)))?,
    };
    let district = Some(p.district.trim()).filter(|d| !d.is_empty());
    let d = rep::dashboard(&state.app, &actor, district, today, lang).await?;
    let (districts, _) = district_filter(&state, &actor, &p.district).await?;
    let this_q = ReportQuery {
        year: d.year,
        as_of: Some(today),
        district: d.district.clone(),
        unit: ReportUnit::Holder,
        period: None,
    };
    let last_q = this_q.previous_year();
    let n = |v: u64| format::number(lang, v as i64);
    let this_label = year_label(lang, &this_q);
    let last_label = year_label(lang, &last_q);
    let cards = vec![
        KpiCard {
            title: ctx.t("dash.partner_orgs"),
            value: n(d.this_year.total.organisations),
            href: organisations_href(&this_q, Group::Partner, None),
            note: i18n::t_value(lang, "dash.last_year_was", &n(d.last_year.total.organisations)),
            note_href: Some(organisations_href(&last_q, Group::Partner, None)),
        },
        KpiCard {
            title: ctx.t("dash.partner_activities"),
            value: n(d.this_year.total.activities),
            href: records_href(&this_q, Group::Partner, None, &[]),
            note: i18n::t_value(lang, "dash.last_year_was", &n(d.last_year.total.activities)),
            note_href: Some(records_href(&last_q, Group::Partner, None, &[])),
        },
        KpiCard {
            title: ctx.t("dash.planned"),
            value: n(d.this_year.status.planned),
            href: organisations_href(&this_q, Group::Planned, None),
            note: ctx.t("dash.planned_note"),
            note_href: None,
        },
        KpiCard {
            title: ctx.t("dash.outside"),
            value: n(d.this_year.outside.total.activities),
            href: records_href(&this_q, Group::Outside, None, &[]),
            note: i18n::t_value(lang, "dash.outside_note", &n(d.this_year.outside.total.organisations)),
            note_href: Some(organisations_href(&this_q, Group::Outside, None)),
        },
    ];
    let rows: Vec<(String, Vec<u64>)> =
        d.by_type.iter().map(|c| (c.label.clone(), vec![c.this_year, c.last_year])).collect();
    let chart = charts::bars(
        "chart-types",
        &ctx.t("dash.by_type_chart"),
        &[this_label.clone(), last_label.clone()],
        &rows,
        |v| format::number(lang, v as i64),
    );
    let comparison = d
        .by_type
        .iter()
        .map(|c| ComparisonLine {
            label: c.label.clone(),
            last: n(c.last_year),
            last_href: records_href(&last_q, Group::Partner, Some(&c.r#type), &[]),
            this: n(c.this_year),
            this_href: records_href(&this_q, Group::Partner, Some(&c.r#type), &[]),
        })
        .collect();
    let conv = |q: &ReportQuery, label: &str, c: &rep::Conversion| ConvLine {
        label: label.to_owned(),
        requests: n(c.requests),
        requests_href: records_href(q, Group::Partner, Some(REQUEST_ROW), &[]),
        filled: n(c.filled),
        filled_href: records_href(q, Group::Partner, Some(REQUEST_ROW), &[("filled", "1")]),
        hires: n(c.hires),
        hires_href: records_href(q, Group::Partner, Some(REQUEST_ROW), &[("hired", "1")]),
        rate: format::percent(lang, c.percent_exact),
    };
    let conversion =
        vec![conv(&this_q, &this_label, &d.conversion_this_year), conv(&last_q, &last_label, &d.conversion_last_year)];
    let dist = d.district.as_deref();
    let flow = |label: &str, f: &rep::AgreementFlow, from: NaiveDate, to: NaiveDate| {
        (
            label.to_owned(),
            n(f.started),
            agreements_href(dist, AgreementSet::Started(from, to)),
            n(f.terminated),
            agreements_href(dist, AgreementSet::Terminated(from, to)),
        )
    };
    let y0 = NaiveDate::from_ymd_opt(d.year, 1, 1).unwrap_or(today);
    let agreements = vec![
        flow(&this_label, &d.agreements_this_year, y0, today),
        flow(
            &last_label,
            &d.agreements_last_year,
            accord_domain::report::year_earlier(y0),
            accord_domain::report::year_earlier(today),
        ),
    ];
    let heading = match &d.district_name {
        Some(name) => i18n::t_value(lang, "dash.heading_district", name),
        None => ctx.t("dash.title"),
    };
    let t = DashboardTemplate {
        page: ctx.page(heading.clone()),
        heading,
        date: p.date.trim().to_owned(),
        districts,
        cards,
        targets: d.targets.iter().map(|t| target_line(lang, t)).collect(),
        can_manage: rep::can_manage_targets(&actor),
        chart,
        period: period_text(lang, &this_q),
        this_label,
        last_label,
        comparison,
        conversion,
        agreements,
        review_text: i18n::t_value(lang, "dash.review", &n(d.follow_ups.agreements_to_review)),
        review: d.follow_ups.agreements_to_review,
        follow_text: i18n::t_value(lang, "dash.follow_ups", &n(d.follow_ups.my_follow_ups)),
        follow: d.follow_ups.my_follow_ups,
        communications: super::communications::count_table(lang, &d.communications, d.district.as_deref()),
    };
    Ok(super::render(&t))
}

// ---- the committee report ----

#[derive(Template)]
#[template(path = "reports/committee.html")]
struct CommitteeTemplate {
    page: Page,
    ui_lang: &'static str,
    back: String,
    back_label: String,
    print_label: String,
    heading: String,
    subtitle: String,
    status: StatusLine,
    table: ReportTable,
    caption: String,
    source: String,
    comparison: Vec<ComparisonLine>,
    comparison_caption: String,
    prev_year: String,
    this_year: String,
    prev_total: String,
    this_total: String,
    prev_total_href: String,
    this_total_href: String,
    chart: BarChart,
    targets: Vec<TargetLine>,
    outside: ReportTable,
    outside_caption: String,
    requests_text: String,
    xlsx: String,
    other_lang_href: String,
    other_lang_label: String,
    lines: Vec<super::programmes::LineRow>,
    totals: super::programmes::Totals,
}

pub async fn committee(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(f): Query<ReportParams>,
) -> WebResult<Response> {
    let q = f.query()?;
    // The report's own language, whatever the reader's.
    let lang = Lang::parse(&f.lang).unwrap_or(ctx.lang);
    let today = Utc::now().date_naive();
    let r = rep::committee(&state.app, &actor, &q, today, lang).await?;
    if f.format == "xlsx" {
        let bytes = rep::committee_workbook(&r, &workbook_text(lang))?;
        return Ok(file_response(
            bytes,
            accord_app::files::Format::Xlsx.content_type(),
            &format!("committee-report-{}.xlsx", q.year),
        ));
    }
    let t = |k: &str| i18n::t(lang, k);
    let qs = q.query_string();
    let prev_q = q.previous_year();
    let n = |v: u64| format::number(lang, v as i64);
    let heading = i18n::t_value(lang, "rep.committee.heading", &q.year.to_string());
    let subtitle = match &r.district_name {
        Some(name) => name.clone(),
        None => t("header.all_districts"),
    };
    let prev_year = year_label(lang, &prev_q);
    let this_year = year_label(lang, &q);
    let rows: Vec<(String, Vec<u64>)> =
        r.comparison.iter().map(|c| (c.label.clone(), vec![c.this_year, c.last_year])).collect();
    let chart = charts::bars(
        "chart-committee",
        &t("rep.committee.chart"),
        &[this_year.clone(), prev_year.clone()],
        &rows,
        |v| format::number(lang, v as i64),
    );
    let request = r.report.rows.iter().find(|x| x.r#type == REQUEST_ROW);
    let requests_text = match request {
        Some(req) => i18n::t_args(
            lang,
            "rep.committee.requests",
            &[("requests", &n(req.activities)), ("hires", &n(req.hires.unwrap_or(0)))],
        ),
        None => String::new(),
    };
    let mut page = ctx.page(heading.clone());
    page.lang = lang;
    let (other, other_label) = match lang {
        Lang::Da => ("en", "English"),
        Lang::En => ("da", "Dansk"),
    };
    let currencies = accord_app::districts::currencies(&state.app).await?;
    let (lines, totals) = super::programmes::line_rows(lang, &r.budget, &currencies);
    let tpl = CommitteeTemplate {
        lines,
        totals,
        ui_lang: ctx.lang.code(),
        back: href("/reports/activities", &qs, &[]),
        back_label: i18n::t(ctx.lang, "rep.committee.back"),
        print_label: i18n::t(ctx.lang, "agr.print.button"),
        subtitle,
        status: status_line(lang, &q, &r.report),
        table: report_table(lang, &q, Group::Partner, &r.report.rows, &r.report.total),
        caption: i18n::t_args(
            lang,
            "rep.caption",
            &[("year", &q.year.to_string()), ("orgs", &n(r.report.total.organisations))],
        ),
        source: i18n::t_value(lang, "rep.committee.source", &format::date(lang, today)),
        comparison: r
            .comparison
            .iter()
            .map(|c| ComparisonLine {
                label: c.label.clone(),
                last: n(c.last_year),
                last_href: records_href(&prev_q, Group::Partner, Some(&c.r#type), &[]),
                this: n(c.this_year),
                this_href: records_href(&q, Group::Partner, Some(&c.r#type), &[]),
            })
            .collect(),
        comparison_caption: t("rep.committee.comparison"),
        prev_total: n(r.previous.total.activities),
        this_total: n(r.report.total.activities),
        prev_total_href: records_href(&prev_q, Group::Partner, None, &[]),
        this_total_href: records_href(&q, Group::Partner, None, &[]),
        prev_year,
        this_year,
        chart,
        targets: r.targets.iter().map(|x| target_line(lang, x)).collect(),
        outside: report_table(lang, &q, Group::Outside, &r.report.outside.rows, &r.report.outside.total),
        outside_caption: i18n::t_value(lang, "rep.outside_caption", &q.year.to_string()),
        requests_text,
        xlsx: href("/reports/committee", &qs, &[("format", "xlsx"), ("lang", lang.code())]),
        other_lang_href: href("/reports/committee", &qs, &[("lang", other)]),
        other_lang_label: other_label.to_owned(),
        heading,
        page,
    };
    Ok(super::render(&tpl))
}

// ---- KPI targets ----

#[derive(Template)]
#[template(path = "targets/list.html")]
struct TargetsTemplate {
    page: Page,
    targets: Vec<TargetLine>,
    can_manage: bool,
    show_retired: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TargetsQuery {
    pub retired: String,
    pub district: String,
}

pub async fn targets(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(p): Query<TargetsQuery>,
) -> WebResult<Response> {
    let today = Utc::now().date_naive();
    let show_retired = p.retired == "1";
    let district = Some(p.district.trim()).filter(|d| !d.is_empty());
    let list = rep::targets(&state.app, &actor, district, show_retired, today).await?;
    let t = TargetsTemplate {
        page: ctx.page(ctx.t("kpi.title")),
        targets: list.iter().map(|t| target_line(ctx.lang, t)).collect(),
        can_manage: rep::can_manage_targets(&actor),
        show_retired,
    };
    Ok(super::render(&t))
}

#[derive(Template)]
#[template(path = "targets/show.html")]
struct TargetTemplate {
    page: Page,
    t: TargetLine,
    metric: String,
    unit: String,
    notes: String,
    retired: bool,
    chart: Option<LineChart>,
    points: Vec<(String, String)>,
    can_manage: bool,
}

pub async fn show_target(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let today = Utc::now().date_naive();
    let v = rep::get_target(&state.app, &actor, id, today).await?;
    let days = ((v.period_end - v.period_start).num_days() + 1).max(1) as u32;
    let metric_label = metric_label(lang, &v);
    let chart = (!v.trajectory.is_empty()).then(|| {
        let values: Vec<(u32, i64)> =
            v.trajectory.iter().map(|p| (((p.date - v.period_start).num_days() + 1) as u32, p.value)).collect();
        let ticks = v
            .trajectory
            .iter()
            .enumerate()
            .filter(|(i, _)| v.trajectory.len() <= 12 || i % 3 == 2)
            .map(|(_, p)| (((p.date - v.period_start).num_days() + 1) as u32, format::month_short(lang, p.date)))
            .collect();
        let input = charts::LineInput {
            id: "chart-target",
            title: &i18n::t_value(lang, "kpi.chart", &v.name),
            values: &values,
            days,
            threshold: v.threshold,
            threshold_text: i18n::t_value(lang, "kpi.threshold_line", &format::number(lang, v.threshold)),
            pace: KpiMetric::parse(&v.metric).is_ok_and(|m| m.is_cumulative()),
            x_ticks: ticks,
        };
        charts::line(input, |x| format::number(lang, x))
    });
    let t = TargetTemplate {
        page: ctx.page(v.name.clone()),
        t: target_line(lang, &v),
        metric: metric_label,
        unit: i18n::t(lang, &format!("rep.units.{}", v.unit)),
        notes: v.notes.clone().unwrap_or_default(),
        retired: v.retired,
        points: v.trajectory.iter().map(|p| (format::date(lang, p.date), format::number(lang, p.value))).collect(),
        chart,
        can_manage: rep::can_manage_targets(&actor),
    };
    Ok(super::render(&t))
}

fn metric_label(lang: Lang, v: &TargetView) -> String {
    let base = i18n::t(lang, &format!("kpi.metric.{}", v.metric));
    match &v.activity_type {
        Some(code) if v.metric == KpiMetric::ActivitiesOfType.as_str() => format!("{base}: {code}"),
        _ => base,
    }
}

#[derive(Template)]
#[template(path = "targets/form.html")]
struct TargetFormTemplate {
    page: Page,
    heading: String,
    action: String,
    f: TargetInput,
    errors: ShownErrors,
    metrics: Vec<Opt>,
    types: Vec<Opt>,
    units: Vec<Opt>,
    directions: Vec<Opt>,
    districts: Vec<Opt>,
    changed: Vec<(String, String, String)>,
    version: String,
}

async fn target_form(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &accord_app::Actor,
    id: Option<i64>,
    f: TargetInput,
    errors: &FieldErrors,
    changed: Vec<(String, String, String)>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let types = accord_app::activities::types(&state.app).await?;
    let heading = if id.is_some() { ctx.t("kpi.edit") } else { ctx.t("kpi.add") };
    let opt = |prefix: &str, code: &str, selected: &str| Opt {
        value: code.to_owned(),
        label: i18n::t(lang, &format!("{prefix}.{code}")),
        checked: code == selected,
    };
    let mut type_opts =
        vec![Opt { value: String::new(), label: ctx.t("kpi.no_type"), checked: f.activity_type.is_empty() }];
    type_opts.extend(types.types.iter().filter(|t| !t.retired && t.counts).map(|t| Opt {
        value: t.code.clone(),
        label: types.label(&t.code, lang),
        checked: t.code == f.activity_type,
    }));
    let district = f.district.clone().unwrap_or_default();
    let t = TargetFormTemplate {
        page: ctx.page(heading.clone()),
        heading,
        action: id.map(|i| format!("/targets/{i}")).unwrap_or_else(|| "/targets".into()),
        errors: ShownErrors::new(lang, errors),
        metrics: KpiMetric::ALL.iter().map(|m| opt("kpi.metric", m.as_str(), &f.metric)).collect(),
        types: type_opts,
        units: unit_options(lang, ReportUnit::parse(&f.unit).unwrap_or(ReportUnit::Holder)),
        directions: Direction::ALL.iter().map(|d| opt("kpi.direction", d.as_str(), &f.direction)).collect(),
        districts: if id.is_none() { district_options(state, actor, &district).await? } else { vec![] },
        changed,
        version: f.version.map(|v| v.to_string()).unwrap_or_default(),
        f,
    };
    Ok(super::render_form(&t, errors, !t.changed.is_empty()))
}

fn require_manage(actor: &accord_app::Actor) -> WebResult<()> {
    if rep::can_manage_targets(actor) { Ok(()) } else { Err(AppError::Forbidden.into()) }
}

pub async fn new_target(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    require_manage(&actor)?;
    let y = Utc::now().year();
    let f = TargetInput {
        metric: KpiMetric::PartnerOrganisations.as_str().into(),
        direction: Direction::AtLeast.as_str().into(),
        unit: ReportUnit::Holder.as_str().into(),
        period_start: format!("{y}-01-01"),
        period_end: format!("{y}-12-31"),
        ..Default::default()
    };
    target_form(&state, &ctx, &actor, None, f, &FieldErrors::new(), vec![]).await
}

pub async fn create_target(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(input): CsrfForm<TargetInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    match rep::save_target(&state.app, &actor, None, &input).await {
        Ok(v) => Ok(super::redirect_with_flash(&ctx, &format!("/targets/{}", v.id), "target_saved")),
        Err(AppError::Invalid(e)) => target_form(&state, &ctx, &actor, None, input, &e, vec![]).await,
        Err(e) => Err(WebError(e)),
    }
}

pub async fn edit_target(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let v = rep::get_target(&state.app, &actor, id, Utc::now().date_naive()).await?;
    target_form(&state, &ctx, &actor, Some(id), v.input(), &FieldErrors::new(), vec![]).await
}

pub async fn update_target(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(input): CsrfForm<TargetInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    match rep::save_target(&state.app, &actor, Some(id), &input).await {
        Ok(v) => Ok(super::redirect_with_flash(&ctx, &format!("/targets/{}", v.id), "target_saved")),
        Err(AppError::Invalid(e)) => target_form(&state, &ctx, &actor, Some(id), input, &e, vec![]).await,
        Err(AppError::Conflict { current, changed }) => {
            let cur: TargetView = serde_json::from_value(current).map_err(|e| AppError::Internal(e.to_string()))?;
            let theirs = cur.input();
            let field = |name: &str, t: &TargetInput| -> String {
                match name {
                    "name" => t.name.clone(),
                    "metric" => t.metric.clone(),
                    "period_start" => t.period_start.clone(),
                    "period_end" => t.period_end.clone(),
                    "threshold" => t.threshold.clone(),
                    "direction" => t.direction.clone(),
                    "activity_type" => t.activity_type.clone(),
                    "unit" => t.unit.clone(),
                    "retired" => ctx.t(if t.retired { "common.yes" } else { "common.no" }),
                    _ => t.notes.clone(),
                }
            };
            let rows =
                changed.iter().map(|c| (ctx.t(&format!("kpi.{c}")), field(c, &theirs), field(c, &input))).collect();
            let mut mine = input.clone();
            mine.version = Some(cur.version);
            target_form(&state, &ctx, &actor, Some(id), mine, &FieldErrors::new(), rows).await
        }
        Err(e) => Err(WebError(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vocabulary_word_has_a_label_in_both_languages() {
        let mut keys = Vec::new();
        for u in ReportUnit::ALL {
            keys.push(format!("rep.units.{}", u.as_str()));
            keys.push(format!("rep.unit_note.{}", u.as_str()));
        }
        keys.extend(KpiMetric::ALL.iter().map(|m| format!("kpi.metric.{}", m.as_str())));
        keys.extend(Direction::ALL.iter().map(|d| format!("kpi.direction.{}", d.as_str())));
        keys.extend(accord_domain::KpiStatus::ALL.iter().map(|s| format!("kpi.status.{}", s.as_str())));
        for g in [Group::Partner, Group::Outside, Group::Planned, Group::NotCounted] {
            keys.push(format!("rep.cell.{}", g.as_str()));
        }
        for key in keys {
            for lang in [Lang::En, Lang::Da] {
                assert_ne!(i18n::t(lang, &key), key, "{key} in {lang:?}");
            }
        }
    }

    #[test]
    fn a_number_links_to_its_cell() {
        let q = ReportQuery {
            year: 2022,
            as_of: Some("2022-06-30".parse().unwrap()),
            district: Some("north".into()),
            unit: ReportUnit::Company,
            period: None,
        };
        assert_eq!(
            records_href(&q, Group::Partner, Some("flex_job"), &[("hired", "1")]),
            "/reports/activities/records?year=2022&as_of=2022-06-30&district=north&unit=company&group=partner&row=flex_job&hired=1"
        );
        let p = ReportParams {
            year: "2022".into(),
            as_of: "2022-06-30".into(),
            district: "north".into(),
            unit: "company".into(),
            group: "partner".into(),
            row: "flex_job".into(),
            hired: "1".into(),
            ..Default::default()
        };
        assert_eq!(p.query().unwrap(), q, "the link parses back to the same report");
        assert_eq!(
            p.cell().unwrap(),
            Cell { group: Some(Group::Partner), row: Some("flex_job".into()), hired: true, filled: false }
        );
    }
}
