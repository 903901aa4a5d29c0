//! What every request carries: language, the signed-in user, CSRF token; and the [`Page`]
//! that every template extends.

use crate::i18n;
use accord_app::auth::SessionInfo;
use accord_app::{Actor, AppError, Permission};
use accord_domain::{Lang, format};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, Utc};

/// Set by [`crate::middleware::session`] on every request.
#[derive(Clone, Debug)]
pub struct ReqCtx {
    pub lang: Lang,
    pub session: Option<SessionInfo>,
    /// The caller of an API request, from its bearer token.
    pub api_actor: Option<Actor>,
    /// The CSRF token for forms shown before sign-in (double-submit cookie).
    pub anon_csrf: String,
    /// Path and query of this request, for "back to where you were".
    pub path: String,
    pub flash: Option<String>,
    pub ip: String,
    pub secure: bool,
}

impl ReqCtx {
    /// The token forms must carry: the session's, or the pre-sign-in cookie's.
    pub fn csrf(&self) -> &str {
        self.session.as_ref().map(|s| s.csrf.as_str()).unwrap_or(&self.anon_csrf)
    }

    pub fn actor(&self) -> Option<&Actor> {
        self.session.as_ref().map(|s| &s.actor)
    }

    pub fn t(&self, key: &str) -> String {
        i18n::t(self.lang, key)
    }

    /// The frame of a page: header, navigation, language switch.
    pub fn page(&self, title: impl Into<String>) -> Page {
        let nav = self.actor().map(|a| nav_for(a, self.lang, &self.path)).unwrap_or_default();
        Page {
            lang: self.lang,
            title: title.into(),
            user: self.actor().cloned(),
            csrf: self.csrf().to_owned(),
            nav,
            path: self.path.clone(),
            flash: self.flash.as_ref().map(|k| i18n::t(self.lang, &format!("flash.{k}"))),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ReqCtx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<ReqCtx>()
            .cloned()
            .ok_or_else(|| crate::error::WebError(AppError::Internal("no request context".into())).into_response())
    }
}

/// A signed-in staff member; pages that need one redirect to the sign-in page without.
pub struct Staff {
    pub ctx: ReqCtx,
    pub actor: Actor,
}

impl<S: Send + Sync> FromRequestParts<S> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let ctx = ReqCtx::from_request_parts(parts, s).await?;
        match ctx.actor().cloned() {
            Some(actor) => Ok(Staff { ctx, actor }),
            None => {
                let next = url::form_urlencoded::byte_serialize(ctx.path.as_bytes()).collect::<String>();
                Err(Redirect::to(&format!("/login?next={next}")).into_response())
            }
        }
    }
}

/// The caller of an API request (bearer token); 401 without one.
pub struct ApiActor(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for ApiActor {
    type Rejection = crate::error::WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<ReqCtx>()
            .and_then(|c| c.api_actor.clone())
            .map(ApiActor)
            .ok_or(crate::error::WebError(AppError::Unauthenticated))
    }
}

#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// A heading of the menu and the pages under it. A group of one page is shown as that page's
/// link; a larger one opens as a list (a `<details>`, so no script is needed).
#[derive(Debug, Clone)]
pub struct NavGroup {
    pub label: String,
    pub items: Vec<NavItem>,
}

impl NavGroup {
    /// The group holds the page being shown.
    pub fn current(&self) -> bool {
        self.items.iter().any(|i| i.current)
    }
}

/// The menu's headings, in order, with the pages each holds (as message keys).
const GROUPS: [(&str, &[&str]); 6] = [
    ("nav.home", &["/"]),
    (
        "nav.group.employers",
        &[
            "/organisations",
            "/agreements",
            "/activities",
            "/recruitment-requests",
            "/communications",
            "/national-accounts",
        ],
    ),
    ("nav.group.outreach", &["/events", "/mailings", "/surveys", "/awards"]),
    ("nav.group.projects", &["/programmes", "/redundancy", "/bodies", "/plans"]),
    ("nav.group.reports", &["/dashboard", "/reports/activities", "/reports/committee", "/targets"]),
    ("nav.group.admin", &["/imports", "/districts", "/regions", "/users", "/audit"]),
];

/// The navigation a user sees: only what they may use, grouped under the menu's headings.
pub fn nav_for(actor: &Actor, lang: Lang, path: &str) -> Vec<NavGroup> {
    let path = path.split('?').next().unwrap_or("");
    let mut items: Vec<(&'static str, &'static str)> = vec![("/", "nav.home")];
    if accord_app::directory::can_view(actor) {
        items.push(("/organisations", "nav.organisations"));
    }
    if accord_app::agreements::can_view(actor) {
        items.push(("/agreements", "nav.agreements"));
    }
    if accord_app::directory::can_view(actor) {
        items.push(("/activities", "nav.activities"));
        items.push(("/recruitment-requests", "nav.requests"));
    }
    if accord_app::communications::can_view(actor) {
        items.push(("/communications", "nav.communications"));
    }
    if accord_app::events::can_view(actor) {
        items.push(("/events", "nav.events"));
    }
    if accord_app::national::can_view(actor) {
        items.push(("/national-accounts", "nav.national_accounts"));
    }
    if accord_app::awards::can_view(actor) {
        items.push(("/awards", "nav.awards"));
    }
    if accord_app::programmes::can_view(actor) {
        items.push(("/programmes", "nav.programmes"));
    }
    if accord_app::surveys::can_view(actor) {
        items.push(("/surveys", "nav.surveys"));
    }
    if accord_app::reports::can_view(actor) {
        items.push(("/dashboard", "nav.dashboard"));
        items.push(("/reports/activities", "nav.activity_report"));
        items.push(("/reports/committee", "nav.committee"));
        items.push(("/targets", "nav.targets"));
    }
    if accord_app::partnerships::can_view(actor) {
        items.push(("/bodies", "nav.bodies"));
        items.push(("/plans", "nav.plans"));
    }
    if accord_app::mailings::can_view(actor) {
        items.push(("/mailings", "nav.mailings"));
    }
    if accord_app::redundancy::can_view(actor) {
        items.push(("/redundancy", "nav.redundancy"));
    }
    if accord_app::directory::can_edit(actor) && !actor.is_read_only() {
        items.push(("/imports", "nav.imports"));
    }
    items.push(("/districts", "nav.districts"));
    if accord_app::national::can_view(actor) {
        items.push(("/regions", "nav.regions"));
    }
    if actor.can(Permission::ManageUsers) {
        items.push(("/users", "nav.users"));
    }
    if actor.can(Permission::ViewAudit) {
        items.push(("/audit", "nav.audit"));
    }
    debug_assert!(
        items.iter().all(|(h, _)| GROUPS.iter().any(|(_, hs)| hs.contains(h))),
        "every link of the menu stands under one of its headings"
    );
    GROUPS
        .iter()
        .map(|(group, hrefs)| NavGroup {
            label: i18n::t(lang, group),
            items: hrefs
                .iter()
                .filter_map(|h| items.iter().find(|(href, _)| href == h))
                .map(|&(href, key)| NavItem { href, label: i18n::t(lang, key), current: is_current(href, path) })
                .collect(),
        })
        .filter(|g| !g.items.is_empty())
        .collect()
}

/// Whether the menu's link `href` is the page at `path`, or the page it belongs to.
fn is_current(href: &str, path: &str) -> bool {
    match href {
        "/" => path == "/",
        // The activity types are kept from the activities.
        "/activities" => path == href || path.starts_with("/activities/") || path.starts_with("/activity-types"),
        // Segments and the frequency cap belong to the mailings.
        "/mailings" => path.starts_with("/mailings") || path.starts_with("/segments"),
        // The printable committee report has a link of its own; the rest of the reports
        // belong to the activity report.
        "/reports/committee" => path == href,
        "/reports/activities" => path.starts_with("/reports") && path != "/reports/committee",
        // The upload page of every kind of file stands with the import history, not with the
        // organisations whose path it has.
        "/imports" => path == href || path.starts_with("/imports/") || path == "/organisations/import",
        "/organisations" => path == href || (path.starts_with("/organisations/") && path != "/organisations/import"),
        // Members and meetings belong to their bodies.
        "/bodies" => ["/bodies", "/members/", "/meetings/", "/meeting-items/"].iter().any(|p| path.starts_with(p)),
        // Actions, milestones and issued reports belong to their plans.
        "/plans" => ["/plans", "/actions/", "/milestones/", "/progress-reports/"].iter().any(|p| path.starts_with(p)),
        // Job shops and cases belong to their events.
        "/redundancy" => ["/redundancy", "/job-shops/", "/cases/"].iter().any(|p| path.starts_with(p)),
        _ => path == href || path.starts_with(&format!("{href}/")),
    }
}

/// The frame every page template receives as `page`.
#[derive(Debug, Clone)]
pub struct Page {
    pub lang: Lang,
    pub title: String,
    pub user: Option<Actor>,
    pub csrf: String,
    pub nav: Vec<NavGroup>,
    pub path: String,
    pub flash: Option<String>,
}

impl Page {
    pub fn t(&self, key: &str) -> String {
        i18n::t(self.lang, key)
    }

    /// The label of a code in a vocabulary: `label("org.levels", "site")`.
    pub fn label(&self, prefix: &str, code: &str) -> String {
        i18n::t(self.lang, &format!("{prefix}.{code}"))
    }

    pub fn tv(&self, key: &str, value: &str) -> String {
        i18n::t_value(self.lang, key, value)
    }

    pub fn num(&self, n: &i64) -> String {
        format::number(self.lang, *n)
    }

    /// A whole amount of money with its currency, as the page's language writes it.
    pub fn amount(&self, n: &i64, currency: &str) -> String {
        accord_domain::programme::whole_in(self.lang, *n, currency)
    }

    /// A quantity with a fraction, as the page's language writes it.
    pub fn dec(&self, n: &f64) -> String {
        format::decimal(self.lang, *n)
    }

    pub fn unum(&self, n: &u64) -> String {
        format::number(self.lang, i64::try_from(*n).unwrap_or(i64::MAX))
    }

    pub fn date(&self, d: &NaiveDate) -> String {
        format::date(self.lang, *d)
    }

    pub fn month_year(&self, d: &NaiveDate) -> String {
        format::month_year(self.lang, *d)
    }

    /// A quarter's code (`2004-Q3`) in words: `July–September 2004`.
    pub fn quarter(&self, code: &str) -> String {
        accord_domain::Quarter::parse(code).map(|q| format::quarter(self.lang, q)).unwrap_or_else(|_| code.to_owned())
    }

    /// The colour of a milestone's status (the word is always shown too).
    pub fn status_class(&self, status: &str) -> &'static str {
        milestone_class(status)
    }

    pub fn datetime(&self, t: &DateTime<Utc>) -> String {
        format::datetime(self.lang, *t)
    }

    pub fn opt_datetime(&self, t: &Option<DateTime<Utc>>) -> String {
        t.map(|t| format::datetime(self.lang, t)).unwrap_or_else(|| self.t("common.never"))
    }

    pub fn role(&self, r: &accord_domain::Role) -> String {
        i18n::role(self.lang, *r)
    }

    pub fn roles(&self, rs: &[accord_domain::Role]) -> String {
        rs.iter().map(|r| i18n::role(self.lang, *r)).collect::<Vec<_>>().join(", ")
    }

    /// A NACE division as `29 Manufacture of motor vehicles…`, in the page's language.
    pub fn sector_name(&self, code: &str) -> String {
        match accord_domain::sector::by_code(code) {
            Some(s) => format!("{} {}", s.code, s.name(self.lang)),
            None => code.to_owned(),
        }
    }

    /// A report figure: the number, or "<5" when 1 to 4 people are behind it.
    pub fn cell(&self, c: &accord_app::redundancy::Cell) -> String {
        c.text(self.lang)
    }

    /// A NACE section letter with its name: "C – Manufacturing".
    pub fn section_label(&self, letter: &str) -> String {
        match accord_domain::sector::SECTIONS.iter().find(|(c, _, _)| c.to_string() == letter) {
            Some((c, en, da)) => format!("{c} – {}", if self.lang == Lang::Da { da } else { en }),
            None => letter.to_owned(),
        }
    }

    pub fn user_districts(&self) -> String {
        match &self.user {
            Some(u) if u.is_admin() && u.districts.is_empty() => self.t("header.all_districts"),
            Some(u) => u.districts.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", "),
            None => String::new(),
        }
    }

    /// The link that shows this page in the other language.
    pub fn other_lang_href(&self) -> String {
        // A page reached by a link that names its language (`?lang=en` in a mailed link) would
        // otherwise come back in the language it was left in.
        let here = match self.path.split_once('?') {
            Some((path, query)) => {
                let kept: Vec<&str> = query.split('&').filter(|p| !p.is_empty() && !p.starts_with("lang=")).collect();
                if kept.is_empty() { path.to_owned() } else { format!("{path}?{}", kept.join("&")) }
            }
            None => self.path.clone(),
        };
        let next = url::form_urlencoded::byte_serialize(here.as_bytes()).collect::<String>();
        format!("/language/{}?next={next}", self.lang.other().code())
    }

    pub fn other_lang_name(&self) -> &'static str {
        match self.lang.other() {
            Lang::En => "English",
            Lang::Da => "Dansk",
        }
    }

    pub fn other_lang_code(&self) -> &'static str {
        self.lang.other().code()
    }

    pub fn asset_version(&self) -> &'static str {
        crate::views::assets::VERSION.as_str()
    }
}

/// The colour of a milestone's status; the word is always shown beside it.
pub fn milestone_class(status: &str) -> &'static str {
    match status {
        "achieved" => "tag-green",
        "on_track" => "tag-blue",
        "likely_delayed" => "tag-yellow",
        _ => "tag-grey",
    }
}

#[cfg(test)]
mod tests {
    use super::is_current;

    #[test]
    fn the_upload_page_stands_with_the_imports_in_the_menu() {
        assert!(is_current("/imports", "/organisations/import"));
        assert!(is_current("/imports", "/imports/3/roll-back"));
        assert!(!is_current("/organisations", "/organisations/import"));
        assert!(is_current("/organisations", "/organisations/12"));
    }
}
