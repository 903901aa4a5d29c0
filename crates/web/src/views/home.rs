//! The home page: who you are, where you work, where to go.

use crate::ctx::{Page, Staff};
use crate::error::WebResult;
use crate::i18n;
use crate::state::AppState;
use accord_app::Permission;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

/// How many lines of each of the home page's lists are shown until the user asks for all.
pub const FIRST_LINES: usize = 5;

/// `?all=requests` (or `follow_ups`, `milestones`, `checkins`) shows that list whole.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HomeParams {
    all: String,
}

/// One of the home page's lists: its most urgent lines, how many there are in all, and the
/// link between the short and the whole list.
pub struct Shortlist<T> {
    pub lines: Vec<T>,
    pub total: usize,
    /// "The 5 most urgent of 28." when lines were left out; empty otherwise.
    pub note: String,
    /// The link to the whole list, or back to the short one; `None` when there is no choice.
    pub link: Option<(String, String)>,
}

impl<T> Shortlist<T> {
    /// The first FIRST_LINES of `lines` (already the most urgent first), or all of them when
    /// `all` names this list (`key`); `anchor` is the list's heading.
    fn of(mut lines: Vec<T>, key: &str, anchor: &str, all: &str, lang: accord_domain::Lang) -> Self {
        let total = lines.len();
        let number = |n: usize| accord_domain::format::number(lang, n as i64);
        if total <= FIRST_LINES {
            return Shortlist { lines, total, note: String::new(), link: None };
        }
        if all == key {
            let link = (format!("/#{anchor}"), i18n::t(lang, "home.show_urgent"));
            return Shortlist { lines, total, note: String::new(), link: Some(link) };
        }
        lines.truncate(FIRST_LINES);
        let note =
            i18n::t_args(lang, "home.most_urgent", &[("shown", &number(FIRST_LINES)), ("total", &number(total))]);
        let link = (format!("/?all={key}#{anchor}"), i18n::t_value(lang, "home.show_all", &number(total)));
        Shortlist { lines, total, note, link: Some(link) }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

pub struct Card {
    pub href: &'static str,
    pub title: String,
    pub body: String,
}

/// A check-in of one of the adviser's cases, due within a week or overdue.
struct CheckinLine {
    case_id: i64,
    week: i32,
    due: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomeTemplate {
    page: Page,
    checkins: Shortlist<CheckinLine>,
    name: String,
    roles: String,
    districts: String,
    last_sign_in: String,
    cards: Vec<Card>,
    follow_ups: Shortlist<FollowUpRow>,
    show_follow_ups: bool,
    /// Agreements due for review (the account manager's own, or all for the secretariat).
    review_due: Option<u64>,
    review_text: String,
    /// The user's open recruitment requests, oldest first; `None` for those who hold none.
    open_requests: Option<Shortlist<super::requests::OpenRow>>,
    /// Milestones the user follows or their organisation owns: overdue or due within 30 days.
    milestones: Shortlist<DueLine>,
}

pub struct DueLine {
    pub id: i64,
    pub due: String,
    pub overdue: bool,
    pub description: String,
    pub reference: String,
    pub plan_title: String,
    pub status: String,
}

pub struct FollowUpRow {
    pub org_id: i64,
    pub org_name: String,
    pub due: String,
    pub overdue: bool,
    pub summary: String,
}

pub async fn show(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(params): Query<HomeParams>,
) -> WebResult<Response> {
    let all = params.all.as_str();
    let page = ctx.page(ctx.t("home.title"));
    let last_sign_in = accord_app::auth::last_sign_in(&state.app, &actor).await?;
    let card = |href: &'static str, key: &str| Card {
        href,
        title: ctx.t(&format!("nav.{key}")),
        body: ctx.t(&format!("home.card.{key}")),
    };
    let mut cards = Vec::new();
    if accord_app::directory::can_view(&actor) {
        cards.push(card("/organisations", "organisations"));
    }
    if accord_app::agreements::can_view(&actor) {
        cards.push(card("/agreements", "agreements"));
    }
    if accord_app::directory::can_view(&actor) {
        cards.push(card("/activities", "activities"));
        cards.push(card("/recruitment-requests", "requests"));
    }
    if accord_app::communications::can_view(&actor) {
        cards.push(card("/communications", "communications"));
    }
    if accord_app::reports::can_view(&actor) {
        cards.push(card("/dashboard", "dashboard"));
        cards.push(card("/reports/activities", "reports"));
    }
    if accord_app::partnerships::can_view(&actor) {
        cards.push(card("/bodies", "bodies"));
        cards.push(card("/plans", "plans"));
    }
    if accord_app::redundancy::can_view(&actor) {
        cards.push(card("/redundancy", "redundancy"));
    }
    cards.push(card("/districts", "districts"));
    if actor.can(Permission::ManageUsers) {
        cards.push(card("/users", "users"));
    }
    if actor.can(Permission::ViewAudit) {
        cards.push(card("/audit", "audit"));
    }
    cards.push(card("/account", "account"));
    let today = chrono::Utc::now().date_naive();
    let mut follow_ups = accord_app::directory::my_follow_ups(&state.app, &actor).await?;
    follow_ups.sort_by_key(|f| (f.follow_up_on.is_none(), f.follow_up_on));
    let follow_ups = follow_ups
        .into_iter()
        .map(|f| FollowUpRow {
            org_id: f.organisation_id,
            org_name: f.organisation_name,
            due: f.follow_up_on.map(|d| accord_domain::format::date_short(ctx.lang, d)).unwrap_or_default(),
            overdue: f.follow_up_on.is_some_and(|d| d < today),
            summary: f.summary,
        })
        .collect();
    let follow_ups = Shortlist::of(follow_ups, "follow_ups", "follow-ups", all, ctx.lang);
    let review_due = super::agreements::review_count(&state, &actor).await?;
    let review_text = review_due
        .map(|n| {
            let key = match (n, super::agreements::mine_by_default(&actor)) {
                (1, true) => "home.review_one_mine",
                (_, true) => "home.review_many_mine",
                (1, false) => "home.review_one",
                (_, false) => "home.review_many",
            };
            i18n::t_value(ctx.lang, key, &accord_domain::format::number(ctx.lang, n as i64))
        })
        .unwrap_or_default();
    let open_requests = super::requests::my_open(&state, &actor, ctx.lang)
        .await?
        .map(|rows| Shortlist::of(rows, "requests", "open-requests", all, ctx.lang));
    let milestones = accord_app::plans::due_for(&state.app, &actor, today)
        .await?
        .into_iter()
        .map(|m| DueLine {
            id: m.id,
            due: super::plans::due_text(ctx.lang, Some(m.due_on), m.due_month),
            overdue: m.overdue,
            description: m.description,
            reference: m.reference,
            plan_title: m.plan_title,
            status: m.status,
        })
        .collect();
    let milestones = Shortlist::of(milestones, "milestones", "milestones", all, ctx.lang);
    let checkins = accord_app::cases::my_due_checkins(&state.app, &actor, today)
        .await?
        .into_iter()
        .map(|k| CheckinLine {
            case_id: k.case_id,
            week: k.week,
            due: accord_domain::format::date_short(ctx.lang, k.due_on),
            overdue: k.due_on < today,
        })
        .collect();
    let checkins = Shortlist::of(checkins, "checkins", "checkins", all, ctx.lang);
    let t = HomeTemplate {
        checkins,
        milestones,
        open_requests,
        review_due,
        review_text,
        follow_ups,
        show_follow_ups: accord_app::directory::can_log_contact(&actor),
        name: actor.name.clone(),
        roles: page.roles(&actor.roles),
        districts: page.user_districts(),
        last_sign_in: page.opt_datetime(&last_sign_in),
        cards,
        page,
    };
    Ok(super::render(&t))
}
