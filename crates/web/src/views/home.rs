//! The home page: who you are, where you work, where to go.

use crate::ctx::{Page, Staff};
use crate::error::WebResult;
use crate::i18n;
use crate::state::AppState;
use accord_app::Permission;
use askama::Template;
use axum::extract::State;
use axum::response::Response;

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
    checkins: Vec<CheckinLine>,
    name: String,
    roles: String,
    districts: String,
    last_sign_in: String,
    cards: Vec<Card>,
    follow_ups: Vec<FollowUpRow>,
    show_follow_ups: bool,
    /// Agreements due for review (the account manager's own, or all for the secretariat).
    review_due: Option<u64>,
    review_text: String,
    /// The user's open recruitment requests, oldest first; `None` for those who hold none.
    open_requests: Option<Vec<super::requests::OpenRow>>,
    /// Milestones the user follows or their organisation owns: overdue or due within 30 days.
    milestones: Vec<DueLine>,
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

pub async fn show(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
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
    let follow_ups = accord_app::directory::my_follow_ups(&state.app, &actor)
        .await?
        .into_iter()
        .map(|f| FollowUpRow {
            org_id: f.organisation_id,
            org_name: f.organisation_name,
            due: f.follow_up_on.map(|d| accord_domain::format::date(ctx.lang, d)).unwrap_or_default(),
            overdue: f.follow_up_on.is_some_and(|d| d < today),
            summary: f.summary,
        })
        .collect();
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
    let open_requests = super::requests::my_open(&state, &actor, ctx.lang).await?;
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
    let checkins = accord_app::cases::my_due_checkins(&state.app, &actor, today)
        .await?
        .into_iter()
        .map(|k| CheckinLine {
            case_id: k.case_id,
            week: k.week,
            due: accord_domain::format::date(ctx.lang, k.due_on),
            overdue: k.due_on < today,
        })
        .collect();
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
