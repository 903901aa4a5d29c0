//! HTML pages. Handlers parse, call a use case, render.

pub mod account;
pub mod activities;
pub mod activity_types;
pub mod agreements;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod awards;
pub mod communications;
pub mod districts;
pub mod events;
pub mod health;
pub mod home;
pub mod imports;
pub mod listing;
pub mod mailings;
pub mod national;
pub mod organisations;
pub mod partnerships;
pub mod plans;
pub mod programmes;
pub mod redundancy;
pub mod reports;
pub mod requests;
pub mod shared;
pub mod surveys;
pub mod users;

use crate::ctx::{Page, ReqCtx};
use crate::error::{WebError, status_of};
use crate::state::AppState;
use accord_app::AppError;
use accord_domain::Lang;
use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};

/// The largest file the upload page takes.
pub const IMPORT_LIMIT: usize = 64 * 1024 * 1024;

/// The body limit of a page that takes a file of answers to import: [`IMPORT_LIMIT`].
fn import_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT)
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/login", get(auth::form).post(auth::submit))
        .route("/logout", post(auth::logout))
        .route("/language/{code}", get(auth::language))
        .route("/account", get(account::show))
        .route("/account/password", post(account::password))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/users", get(users::list).post(users::create))
        .route("/users/new", get(users::new))
        .route("/users/{id}", get(users::show).post(users::update))
        .route("/users/{id}/edit", get(users::edit))
        .route("/users/{id}/password", post(users::reset_password))
        .route("/districts", get(districts::list).post(districts::create))
        .route("/districts/new", get(districts::new))
        .route("/districts/{id}", get(districts::show).post(districts::update))
        .route("/districts/{id}/edit", get(districts::edit))
        .route("/audit", get(audit::list))
        .route("/organisations", get(organisations::list).post(organisations::create))
        .route("/organisations/new", get(organisations::new))
        .route("/organisations/lookup", get(organisations::lookup))
        .route(
            "/organisations/import",
            get(imports::upload_form)
                .post(imports::upload)
                // Case-system exports are larger than the 2 MB other requests may be.
                .layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route("/organisations/export", get(imports::export))
        .route("/organisations/handover", get(organisations::handover_form).post(organisations::handover))
        .route("/organisations/{id}", get(organisations::show).post(organisations::update))
        .route("/organisations/{id}/edit", get(organisations::edit))
        .route("/organisations/{id}/merge", get(organisations::merge_form).post(organisations::merge))
        .route("/organisations/{id}/contacts/new", get(organisations::new_contact))
        .route("/organisations/{id}/contacts", post(organisations::create_contact))
        .route("/organisations/{id}/interactions", post(organisations::log_interaction))
        .route("/interactions/{id}/done", post(organisations::follow_up_done))
        .route("/agreements", get(agreements::list).post(agreements::create))
        .route("/agreements/new", get(agreements::new))
        .route("/agreements/review", get(agreements::review))
        .route("/agreements/templates", get(agreements::templates).post(agreements::create_template))
        .route("/agreements/templates/new", get(agreements::new_template))
        .route("/agreements/templates/{id}", post(agreements::update_template))
        .route("/agreements/templates/{id}/edit", get(agreements::edit_template))
        .route("/agreements/{id}", get(agreements::show).post(agreements::update))
        .route("/agreements/{id}/edit", get(agreements::edit))
        .route("/agreements/{id}/activate", post(agreements::activate))
        .route("/agreements/{id}/terminate", get(agreements::terminate_form).post(agreements::terminate))
        .route("/agreements/{id}/renew", get(agreements::renew_form).post(agreements::renew))
        .route("/agreements/{id}/print", get(agreements::print))
        .route(
            "/agreements/{id}/documents",
            post(agreements::upload)
                // A document may be larger than the 2 MB other requests may be.
                .layer(axum::extract::DefaultBodyLimit::max(agreements::UPLOAD_LIMIT)),
        )
        .route("/agreements/{id}/documents/{doc}", get(agreements::download))
        .route("/agreements/{id}/documents/{doc}/delete", post(agreements::remove_document))
        .route("/activities", get(activities::list).post(activities::create))
        .route("/activities/new", get(activities::new))
        .route("/activities/{id}", get(activities::show).post(activities::update))
        .route("/activities/{id}/edit", get(activities::edit))
        .route("/activity-types", get(activity_types::list).post(activity_types::create))
        .route("/activity-types/new", get(activity_types::new))
        .route("/activity-types/{code}", post(activity_types::update))
        .route("/activity-types/{code}/edit", get(activity_types::edit))
        .route("/communications", get(communications::list).post(communications::create))
        .route("/awards", get(awards::list).post(awards::create))
        .route("/awards/{id}", get(awards::show))
        .route("/awards/{id}/nominations", post(awards::nominate))
        .route("/awards/{id}/decision", post(awards::decide))
        .route("/programmes", get(programmes::list).post(programmes::create))
        .route("/programmes/new", get(programmes::new))
        .route("/programmes/{id}", get(programmes::show))
        .route("/programmes/{id}/edit", get(programmes::edit).post(programmes::update))
        .route("/programmes/{id}/partners", post(programmes::add_partner))
        .route("/programmes/{id}/participants", post(programmes::record_participant))
        .route("/programmes/{id}/budget-lines", post(programmes::create_line))
        .route("/programmes/{id}/job-shops", post(programmes::create_job_shop))
        .route("/programmes/{id}/job-shops/new", get(programmes::new_job_shop))
        .route("/programme-job-shops/{id}", post(programmes::update_job_shop))
        .route("/programme-job-shops/{id}/edit", get(programmes::edit_job_shop))
        .route("/budget", get(programmes::budget).post(programmes::create_secretariat_line))
        .route("/budget-lines/{id}", get(programmes::line))
        .route("/budget-lines/{id}/spend", post(programmes::record_spend))
        .route("/budget-lines/{id}/close", post(programmes::close_line))
        .route("/regions", get(national::regions).post(national::create_region))
        .route("/regions/{id}", get(national::region).post(national::update_region))
        .route("/national-accounts", get(national::list).post(national::create))
        .route("/national-accounts/{id}", get(national::show).post(national::update))
        .route("/surveys", get(surveys::list).post(surveys::create))
        .route("/surveys/{id}", get(surveys::show))
        .route("/surveys/{id}/questions", post(surveys::add_question))
        .route("/surveys/{id}/questions/{question}", get(surveys::edit_question).post(surveys::update_question))
        .route("/surveys/{id}/questions/{question}/move", post(surveys::move_question))
        .route("/surveys/{id}/preview", get(surveys::preview))
        .route("/surveys/{id}/send", get(surveys::send_preview).post(surveys::send))
        .route("/surveys/{id}/results", get(surveys::results))
        .route("/surveys/{id}/import", get(surveys::import_form).post(surveys::import).layer(import_limit()))
        .route("/communications/new", get(communications::new))
        .route("/communications/{id}", post(communications::update))
        .route("/communications/{id}/edit", get(communications::edit))
        .route("/communications/{id}/delete", get(communications::confirm_delete).post(communications::delete))
        .route("/recruitment-requests", get(requests::list).post(requests::create))
        .route("/recruitment-requests/new", get(requests::new))
        .route("/recruitment-requests/{id}", get(requests::show).post(requests::update))
        .route("/recruitment-requests/{id}/edit", get(requests::edit))
        .route("/recruitment-requests/{id}/candidates", post(requests::add_candidate))
        .route("/recruitment-requests/{id}/candidates/{candidate}", post(requests::update_candidate))
        .route("/imports", get(imports::list))
        .route("/imports/{id}/roll-back", get(imports::roll_back_form).post(imports::roll_back))
        .route("/contacts/{id}/edit", get(organisations::edit_contact))
        .route("/contacts/{id}", post(organisations::update_contact))
        .route("/dashboard", get(reports::dashboard))
        .route("/reports", get(|_: crate::ctx::Staff| async { Redirect::to("/reports/activities") }))
        .route("/reports/activities", get(reports::activities))
        .route("/reports/activities/records", get(reports::records))
        .route("/reports/activities/organisations", get(reports::organisations))
        .route("/reports/agreements", get(reports::agreements))
        .route("/reports/committee", get(reports::committee))
        .route("/targets", get(reports::targets).post(reports::create_target))
        .route("/targets/new", get(reports::new_target))
        .route("/targets/{id}", get(reports::show_target).post(reports::update_target))
        .route("/targets/{id}/edit", get(reports::edit_target))
        .route("/bodies", get(partnerships::list).post(partnerships::create))
        .route("/bodies/new", get(partnerships::new))
        .route("/bodies/{id}", get(partnerships::show).post(partnerships::update))
        .route("/bodies/{id}/edit", get(partnerships::edit))
        .route("/bodies/{id}/members", post(partnerships::create_member))
        .route("/bodies/{id}/members/new", get(partnerships::new_member))
        .route("/members/{id}", post(partnerships::update_member))
        .route("/members/{id}/edit", get(partnerships::edit_member))
        .route("/bodies/{id}/meetings", post(partnerships::create_meeting))
        .route("/bodies/{id}/meetings/new", get(partnerships::new_meeting))
        .route("/meetings/{id}", get(partnerships::show_meeting).post(partnerships::update_meeting))
        .route("/meetings/{id}/edit", get(partnerships::edit_meeting))
        .route("/meetings/{id}/items", post(partnerships::add_item))
        .route("/meeting-items/{id}/milestone", post(partnerships::make_milestone))
        .route("/plans", get(plans::list).post(plans::create))
        .route("/plans/new", get(plans::new))
        .route("/plans/{id}", get(plans::show).post(plans::update))
        .route("/plans/{id}/edit", get(plans::edit))
        .route("/plans/{id}/actions", post(plans::create_action))
        .route("/plans/{id}/actions/new", get(plans::new_action))
        .route("/plans/{id}/progress", get(plans::progress).post(plans::issue))
        .route("/progress-reports/{id}", get(plans::snapshot))
        .route("/actions/{id}", post(plans::update_action))
        .route("/actions/{id}/edit", get(plans::edit_action))
        .route("/actions/{id}/milestones", post(plans::create_milestone))
        .route("/actions/{id}/milestones/new", get(plans::new_milestone))
        .route("/milestones/{id}", get(plans::show_milestone).post(plans::update_milestone))
        .route("/milestones/{id}/edit", get(plans::edit_milestone))
        .route("/milestones/{id}/updates", post(plans::add_update))
        .route("/redundancy", get(redundancy::list).post(redundancy::create))
        .route("/redundancy/new", get(redundancy::new))
        .route("/redundancy/outcomes", get(redundancy::outcomes))
        .route("/redundancy/services", get(redundancy::services).post(redundancy::create_service))
        .route("/redundancy/services/new", get(redundancy::new_service))
        .route("/redundancy/services/{id}", post(redundancy::update_service))
        .route("/redundancy/services/{id}/edit", get(redundancy::edit_service))
        .route("/redundancy/{id}", get(redundancy::show).post(redundancy::update))
        .route("/redundancy/{id}/edit", get(redundancy::edit))
        .route("/redundancy/{id}/job-shops", post(redundancy::create_job_shop))
        .route("/redundancy/{id}/job-shops/new", get(redundancy::new_job_shop))
        .route("/job-shops/{id}", post(redundancy::update_job_shop))
        .route("/job-shops/{id}/edit", get(redundancy::edit_job_shop))
        .route("/redundancy/{id}/cases", post(redundancy::create_case))
        .route("/redundancy/{id}/cases/new", get(redundancy::new_case))
        .route("/cases/{id}", get(redundancy::show_case))
        .route("/cases/{id}/open", post(redundancy::open_case))
        .route("/cases/{id}/edit", get(redundancy::edit_case).post(redundancy::update_case))
        .route("/cases/{id}/assessment", get(redundancy::assessment_form).post(redundancy::assess))
        .route("/cases/{id}/close", get(redundancy::close_form).post(redundancy::close))
        .route("/cases/{id}/sessions", post(redundancy::add_session))
        .route("/cases/{id}/sessions/new", get(redundancy::session_form))
        .route("/cases/{id}/activities", post(redundancy::save_activity))
        .route("/cases/{id}/activities/new", get(redundancy::activity_form))
        .route("/cases/{id}/activities/{sub}", get(redundancy::activity_form).post(redundancy::save_activity))
        .route("/cases/{id}/trainings", post(redundancy::save_training))
        .route("/cases/{id}/trainings/new", get(redundancy::training_form))
        .route("/cases/{id}/trainings/{sub}", get(redundancy::training_form).post(redundancy::save_training))
        .route("/cases/{id}/jobs", post(redundancy::add_job))
        .route("/cases/{id}/jobs/new", get(redundancy::job_form))
        .route("/cases/{id}/checkins/{sub}", get(redundancy::checkin_form).post(redundancy::save_checkin))
        .route("/cases/{id}/plan", get(redundancy::print_plan))
        .route("/cases/{id}/export", get(redundancy::export))
        .route("/cases/{id}/erase", post(redundancy::erase))
        .route("/events", get(events::list).post(events::create))
        .route("/events/new", get(events::new))
        .route("/events/register/{token}", get(events::public).post(events::public_submit))
        .route("/events/register/{token}/calendar.ics", get(events::public_calendar))
        .route("/events/{id}", get(events::show).post(events::update))
        .route("/events/{id}/edit", get(events::edit))
        .route("/events/{id}/cancel", post(events::cancel))
        .route("/events/{id}/calendar.ics", get(events::calendar))
        .route("/events/{id}/register", get(events::register_form))
        .route("/events/{id}/registrations", post(events::register))
        .route("/events/{id}/invitations", post(events::invite))
        .route("/event-registrations/{id}", post(events::change))
        .route("/event-registrations/{id}/calendar.ics", get(events::registration_calendar))
        .route("/unsubscribe/{token}", get(mailings::unsubscribe).post(mailings::unsubscribe_confirm))
        .route("/surveys/answer/{token}", get(surveys::answer).post(surveys::answer_submit))
        .route("/segments", get(mailings::segments).post(mailings::create_segment))
        .route("/segments/new", get(mailings::new_segment))
        .route("/segments/{id}", get(mailings::segment))
        .route("/mailings", get(mailings::list).post(mailings::create))
        .route("/mailings/new", get(mailings::new))
        .route("/mailings/cap", get(mailings::cap).post(mailings::set_cap))
        .route("/mailings/{id}", get(mailings::show))
        .route("/mailings/{id}/send", post(mailings::send))
        .route("/mailings/{id}/test", post(mailings::test_send))
        .route("/contacts/{id}/mail", get(mailings::contact))
        .route("/contacts/{id}/consent", post(mailings::set_consent))
        .route("/contacts/{id}/bouncing/clear", post(mailings::clear_bouncing))
        .route("/static/{*file}", get(assets::serve))
        .layer(axum::middleware::map_response(error_title))
}

/// A page shown again with its error summary (a refused form, 422, or a stale save, 409) has
/// a title that starts with "Error:" / "Fejl:", so that a screen reader says so first and the
/// browser's tab and history show it — for every form, not only those that remember to.
async fn error_title(res: Response) -> Response {
    use axum::http::StatusCode;
    let refused = matches!(res.status(), StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT);
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !refused || !html {
        return res;
    }
    let (parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "response body unreadable").into_response();
    };
    let text = String::from_utf8_lossy(&bytes);
    let marked = match text.find("<title>") {
        Some(at) if text.contains("class=\"error-summary\"") => {
            let lang = text
                .split_once("<html lang=\"")
                .and_then(|(_, rest)| rest.split_once('"'))
                .and_then(|(code, _)| Lang::parse(code))
                .unwrap_or_default();
            let at = at + "<title>".len();
            let prefix = crate::i18n::t(lang, "form.error_prefix");
            Some(format!("{}{prefix} {}", &text[..at], &text[at..]))
        }
        _ => None,
    };
    let body = marked.map(axum::body::Body::from).unwrap_or_else(|| axum::body::Body::from(bytes));
    let mut res = Response::from_parts(parts, body);
    res.headers_mut().remove(header::CONTENT_LENGTH);
    res
}

/// Renders a template into a response.
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

/// `303 See Other` to `to`, with a one-time message shown on the next page.
pub fn redirect_with_flash(ctx: &ReqCtx, to: &str, flash: &str) -> Response {
    let mut res = Redirect::to(to).into_response();
    let cookie =
        crate::cookies::set(&crate::cookies::name(crate::cookies::FLASH, ctx.secure), flash, ctx.secure, true, None);
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// A form shown again, with the status [`form_status`] gives it.
pub fn render_form<T: Template>(t: &T, errors: &accord_domain::FieldErrors, conflict: bool) -> Response {
    let mut res = render(t);
    *res.status_mut() = form_status(errors, conflict);
    res
}

/// The status of a form shown again: 422 with field errors, 409 after a stale save, else 200.
pub fn form_status(errors: &accord_domain::FieldErrors, conflict: bool) -> axum::http::StatusCode {
    use axum::http::StatusCode;
    if !errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if conflict {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    }
}

/// A local path to return to after an action; anything else (another site) becomes `/`.
pub fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") && !next.contains(['\r', '\n']) {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    page: Page,
    heading: String,
    body: String,
}

/// The friendly, translated page for an error.
pub fn error_page(ctx: Option<&ReqCtx>, lang: Lang, e: &AppError) -> Response {
    let code = crate::error::code_of(e);
    let heading = crate::i18n::t(lang, &format!("error_page.{code}.title"));
    let body = crate::i18n::t(lang, &format!("error_page.{code}.body"));
    let page = match ctx {
        Some(c) => c.page(heading.clone()),
        None => Page {
            lang,
            title: heading.clone(),
            user: None,
            csrf: String::new(),
            nav: vec![],
            path: "/".into(),
            flash: None,
        },
    };
    let mut res = render(&ErrorTemplate { page, heading, body });
    *res.status_mut() = status_of(e);
    res
}

pub async fn not_found() -> WebError {
    WebError(AppError::NotFound)
}

/// Pagination links that keep the rest of the query: previous and next, and the pages by
/// number (the first, the last and those around the current one, gaps between them).
pub struct Pager {
    pub pages: u64,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub status: String,
    pub links: Vec<PageLink>,
}

/// A numbered page in the pager; `number` 0 stands for a gap of pages not shown.
pub struct PageLink {
    pub number: u64,
    pub href: String,
    pub current: bool,
}

/// The page numbers a pager shows: the first, the last, and two either side of `current`;
/// 0 where two or more pages are left out.
pub fn page_numbers(current: u64, pages: u64) -> Vec<u64> {
    let mut shown: Vec<u64> = [1, pages].into_iter().chain(current.saturating_sub(2)..=current + 2).collect();
    shown.retain(|p| (1..=pages).contains(p));
    shown.sort_unstable();
    shown.dedup();
    let mut out = Vec::with_capacity(shown.len() + 2);
    for p in shown {
        match out.last() {
            // A gap of one page shows that page: it takes no more room than the ellipsis.
            Some(&last) if p == last + 2 => out.push(last + 1),
            Some(&last) if p > last + 2 => out.push(0),
            _ => {}
        }
        out.push(p);
    }
    out
}

impl Pager {
    pub fn new(lang: Lang, base: &str, query: &[(&str, &str)], paging: accord_app::Paging, total: u64) -> Pager {
        let pages = paging.pages(total);
        let link = |p: u64| {
            let mut ser = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in query {
                if !v.is_empty() {
                    ser.append_pair(k, v);
                }
            }
            ser.append_pair("page", &p.to_string());
            format!("{base}?{}", ser.finish())
        };
        let links = if pages > 1 {
            page_numbers(paging.page, pages)
                .into_iter()
                .map(|n| PageLink {
                    number: n,
                    href: if n == 0 { String::new() } else { link(n) },
                    current: n == paging.page,
                })
                .collect()
        } else {
            vec![]
        };
        Pager {
            pages,
            links,
            prev: (paging.page > 1).then(|| link(paging.page - 1)),
            next: (paging.page < pages).then(|| link(paging.page + 1)),
            status: crate::i18n::t_args(
                lang,
                "pager.status",
                &[("page", &paging.page.to_string()), ("pages", &pages.to_string())],
            ),
        }
    }
}

/// A checkbox or radio option for templates.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// A form's values by field name, for templates: text as typed, lists as their entries.
#[derive(Debug, Default)]
pub struct FormValues {
    text: std::collections::HashMap<String, String>,
    lists: std::collections::HashMap<String, Vec<String>>,
}

impl FormValues {
    /// The fields of any input that serialises to a JSON object.
    pub fn of<T: serde::Serialize>(input: &T) -> Self {
        let mut out = FormValues::default();
        if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(input) {
            for (k, v) in map {
                match v {
                    serde_json::Value::String(s) => {
                        out.text.insert(k, s);
                    }
                    serde_json::Value::Array(items) => {
                        let items: Vec<String> = items
                            .into_iter()
                            .map(|i| match i {
                                serde_json::Value::String(s) => s,
                                other => other.to_string(),
                            })
                            .collect();
                        out.text.insert(k.clone(), items.join("\n"));
                        out.lists.insert(k, items);
                    }
                    serde_json::Value::Null => {}
                    other => {
                        out.text.insert(k, other.to_string());
                    }
                }
            }
        }
        out
    }

    pub fn get(&self, field: &str) -> &str {
        self.text.get(field).map(String::as_str).unwrap_or("")
    }

    /// Whether a list field holds `value` (a ticked checkbox).
    pub fn has(&self, field: &str, value: &str) -> bool {
        self.lists.get(field).is_some_and(|l| l.iter().any(|v| v == value))
    }
}

/// Options for a select: a blank one first (when `blank` is given), then the codes of a
/// vocabulary with their labels.
pub fn vocab_options(lang: Lang, prefix: &str, codes: &[&str], selected: &str, blank: Option<&str>) -> Vec<Opt> {
    let mut out = Vec::with_capacity(codes.len() + 1);
    if let Some(b) = blank {
        out.push(Opt { value: String::new(), label: crate::i18n::t(lang, b), checked: selected.is_empty() });
    }
    out.extend(codes.iter().map(|c| Opt {
        value: (*c).to_owned(),
        label: crate::i18n::t(lang, &format!("{prefix}.{c}")),
        checked: *c == selected,
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::page_numbers;

    #[test]
    fn the_pager_shows_the_ends_and_a_window_around_the_current_page() {
        assert_eq!(page_numbers(1, 1), vec![1]);
        assert_eq!(page_numbers(1, 5), vec![1, 2, 3, 4, 5]);
        assert_eq!(page_numbers(1, 9), vec![1, 2, 3, 0, 9]);
        assert_eq!(page_numbers(5, 9), vec![1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert_eq!(page_numbers(6, 11), vec![1, 0, 4, 5, 6, 7, 8, 0, 11]);
        assert_eq!(page_numbers(9, 9), vec![1, 0, 7, 8, 9]);
        assert_eq!(page_numbers(4, 9), vec![1, 2, 3, 4, 5, 6, 0, 9]);
    }
}
