//! Partnership bodies: the list with the structure of who reports to whom, a body with its
//! members, membership review and meetings, and the forms for bodies, members and meetings.

use super::shared::{district_options, stale};
use super::{FormValues, Opt, vocab_options};
use crate::ctx::{Page, ReqCtx, Staff};
use crate::error::{WebError, WebResult};
use crate::forms::{CsrfForm, ShownErrors};
use crate::i18n;
use crate::state::AppState;
use accord_app::partnerships::{
    self as pb, BodyInput, BodyView, MeetingInput, MeetingView, MemberInput, MemberView, SectionRow,
};
use accord_app::{Actor, AppError};
use accord_domain::{BodyKind, FieldErrors, Lang, MeetingFrequency, MemberRole, sector};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

/// A node of the structure: a body and those reporting to it.
pub struct TreeNode {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub depth: usize,
    pub other: Option<String>,
}

/// The bodies as a tree, depth first: each body under the one it reports to.
fn tree(list: &[BodyView]) -> Vec<TreeNode> {
    fn walk(list: &[BodyView], parent: Option<i64>, depth: usize, out: &mut Vec<TreeNode>) {
        for b in list.iter().filter(|b| b.parent.as_ref().map(|p| p.id) == parent) {
            if out.iter().any(|n| n.id == b.id) || depth > 20 {
                continue;
            }
            out.push(TreeNode {
                id: b.id,
                name: b.name.clone(),
                kind: b.kind.clone(),
                depth,
                other: b.reports_to_other.clone(),
            });
            walk(list, Some(b.id), depth + 1, out);
        }
    }
    let mut out = Vec::new();
    // The roots: bodies reporting to none, or to one the reader cannot see.
    let ids: Vec<i64> = list.iter().map(|b| b.id).collect();
    for b in list.iter().filter(|b| b.parent.as_ref().is_none_or(|p| !ids.contains(&p.id))) {
        if out.iter().any(|n: &TreeNode| n.id == b.id) {
            continue;
        }
        out.push(TreeNode {
            id: b.id,
            name: b.name.clone(),
            kind: b.kind.clone(),
            depth: 0,
            other: b.reports_to_other.clone(),
        });
        walk(list, Some(b.id), 1, &mut out);
    }
    out
}

#[derive(Template)]
#[template(path = "bodies/list.html")]
struct ListTemplate {
    page: Page,
    bodies: Vec<BodyView>,
    tree: Vec<TreeNode>,
    can_manage: bool,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    district: String,
}

pub async fn list(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(q): Query<ListQuery>,
) -> WebResult<Response> {
    let bodies = pb::list(&state.app, &actor, Some(&q.district)).await?;
    let t = ListTemplate {
        page: ctx.page(ctx.t("body.title")),
        tree: tree(&bodies),
        bodies,
        can_manage: pb::can_manage(&actor),
    };
    Ok(super::render(&t))
}

#[derive(Template)]
#[template(path = "bodies/show.html")]
struct ShowTemplate {
    page: Page,
    b: BodyView,
    sections: Vec<SectionRow>,
    unsorted: Vec<String>,
    meetings: Vec<MeetingView>,
    plans: Vec<(i64, String)>,
    district: String,
    can_manage: bool,
}

pub async fn show(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let b = pb::get(&state.app, &actor, id).await?;
    let (sections, unsorted) = pb::review(&b, ctx.lang);
    let meetings = pb::meetings(&state.app, &actor, id).await?;
    let plans = accord_app::plans::list(&state.app, &actor, None)
        .await?
        .into_iter()
        .filter(|p| {
            p.body.as_ref().is_some_and(|x| x.id == id)
                || p.actions.iter().any(|a| a.body.as_ref().is_some_and(|x| x.id == id))
        })
        .map(|p| (p.id, p.title))
        .collect();
    let district = accord_app::districts::by_code_unscoped(&state.app, &b.district)
        .await?
        .map(|d| d.name)
        .unwrap_or_else(|| b.district.clone());
    let t = ShowTemplate {
        district,
        page: ctx.page(b.name.clone()),
        sections,
        unsorted,
        meetings,
        plans,
        can_manage: pb::can_manage(&actor),
        b,
    };
    Ok(super::render(&t))
}

/// Refuses anyone who may not keep bodies and plans.
pub(super) fn require_manage(actor: &Actor) -> WebResult<()> {
    if pb::can_manage(actor) { Ok(()) } else { Err(AppError::Forbidden.into()) }
}

// ---- the body form ----

#[derive(Template)]
#[template(path = "bodies/form.html")]
struct BodyFormTemplate {
    page: Page,
    heading: String,
    action: String,
    back: String,
    f: FormValues,
    errors: ShownErrors,
    districts: Vec<Opt>,
    kinds: Vec<Opt>,
    parents: Vec<Opt>,
    frequencies: Vec<Opt>,
    sections: Vec<Opt>,
    changed: Vec<(String, String, String)>,
}

async fn body_form(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: Option<i64>,
    input: &BodyInput,
    errors: &FieldErrors,
    changed: Vec<(String, String, String)>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let f = FormValues::of(input);
    let all = pb::list(&state.app, actor, None).await?;
    let district = f.get("district").to_owned();
    let mut parents =
        vec![Opt { value: String::new(), label: ctx.t("body.no_parent"), checked: f.get("parent_id").is_empty() }];
    parents.extend(all.iter().filter(|b| Some(b.id) != id && (district.is_empty() || b.district == district)).map(
        |b| Opt { value: b.id.to_string(), label: b.name.clone(), checked: f.get("parent_id") == b.id.to_string() },
    ));
    let kinds: Vec<&str> = BodyKind::ALL.iter().map(|k| k.as_str()).collect();
    let freqs: Vec<&str> = MeetingFrequency::ALL.iter().map(|k| k.as_str()).collect();
    let heading = if id.is_some() { ctx.t("body.edit") } else { ctx.t("body.add") };
    let t = BodyFormTemplate {
        page: ctx.page(heading.clone()),
        heading,
        action: id.map(|i| format!("/bodies/{i}")).unwrap_or_else(|| "/bodies".into()),
        back: id.map(|i| format!("/bodies/{i}")).unwrap_or_else(|| "/bodies".into()),
        errors: ShownErrors::new(lang, errors),
        districts: if id.is_none() { district_options(state, actor, &district).await? } else { vec![] },
        kinds: vocab_options(lang, "body.kinds", &kinds, f.get("kind"), None),
        parents,
        frequencies: vocab_options(lang, "body.frequencies", &freqs, f.get("frequency"), Some("body.no_frequency")),
        sections: sector::SECTIONS
            .iter()
            .map(|(c, en, da)| Opt {
                value: c.to_string(),
                label: format!("{c} – {}", if lang == Lang::Da { da } else { en }),
                checked: f.has("wanted_sectors", &c.to_string()),
            })
            .collect(),
        changed,
        f,
    };
    Ok(super::render_form(&t, errors, !t.changed.is_empty()))
}

pub async fn new(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    require_manage(&actor)?;
    let input = BodyInput { kind: Some(BodyKind::Coalition.as_str().into()), ..Default::default() };
    body_form(&state, &ctx, &actor, None, &input, &FieldErrors::new(), vec![]).await
}

pub async fn create(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(input): CsrfForm<BodyInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    match pb::save(&state.app, &actor, None, &input).await {
        Ok(b) => Ok(super::redirect_with_flash(&ctx, &format!("/bodies/{}", b.id), "body_saved")),
        Err(AppError::Invalid(e)) => body_form(&state, &ctx, &actor, None, &input, &e, vec![]).await,
        Err(e) => Err(WebError(e)),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let b = pb::get(&state.app, &actor, id).await?;
    body_form(&state, &ctx, &actor, Some(id), &b.input(), &FieldErrors::new(), vec![]).await
}

pub async fn update(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(input): CsrfForm<BodyInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    match pb::save(&state.app, &actor, Some(id), &input).await {
        Ok(b) => Ok(super::redirect_with_flash(&ctx, &format!("/bodies/{}", b.id), "body_saved")),
        Err(AppError::Invalid(e)) => body_form(&state, &ctx, &actor, Some(id), &input, &e, vec![]).await,
        Err(AppError::Conflict { current, changed }) => {
            let (mine, rows) = stale(&ctx, "body", current, &changed, &input, BodyView::input)?;
            body_form(&state, &ctx, &actor, Some(id), &mine, &FieldErrors::new(), rows).await
        }
        Err(e) => Err(WebError(e)),
    }
}

// ---- members ----

#[derive(Template)]
#[template(path = "bodies/member_form.html")]
struct MemberFormTemplate {
    page: Page,
    heading: String,
    action: String,
    back: String,
    body_name: String,
    f: FormValues,
    errors: ShownErrors,
    roles: Vec<Opt>,
    changed: Vec<(String, String, String)>,
}

async fn member_form(
    ctx: &ReqCtx,
    b: &BodyView,
    id: Option<i64>,
    input: &MemberInput,
    errors: &FieldErrors,
    changed: Vec<(String, String, String)>,
) -> WebResult<Response> {
    let f = FormValues::of(input);
    let roles: Vec<&str> = MemberRole::ALL.iter().map(|k| k.as_str()).collect();
    let heading = if id.is_some() { ctx.t("member.edit") } else { ctx.t("member.add") };
    let t = MemberFormTemplate {
        page: ctx.page(heading.clone()),
        heading,
        action: id.map(|i| format!("/members/{i}")).unwrap_or_else(|| format!("/bodies/{}/members", b.id)),
        back: format!("/bodies/{}", b.id),
        body_name: b.name.clone(),
        errors: ShownErrors::new(ctx.lang, errors),
        roles: vocab_options(ctx.lang, "member.roles", &roles, f.get("role"), None),
        changed,
        f,
    };
    Ok(super::render_form(&t, errors, !t.changed.is_empty()))
}

pub async fn new_member(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let b = pb::get(&state.app, &actor, id).await?;
    let input = MemberInput { role: Some("member".into()), ..Default::default() };
    member_form(&ctx, &b, None, &input, &FieldErrors::new(), vec![]).await
}

pub async fn create_member(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(input): CsrfForm<MemberInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let b = pb::get(&state.app, &actor, id).await?;
    match pb::save_member(&state.app, &actor, id, None, &input).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &format!("/bodies/{id}#members"), "member_saved")),
        Err(AppError::Invalid(e)) => member_form(&ctx, &b, None, &input, &e, vec![]).await,
        Err(e) => Err(WebError(e)),
    }
}

pub async fn edit_member(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let m = pb::get_member(&state.app, &actor, id).await?;
    let b = pb::get(&state.app, &actor, m.body_id).await?;
    member_form(&ctx, &b, Some(id), &m.input(), &FieldErrors::new(), vec![]).await
}

pub async fn update_member(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(input): CsrfForm<MemberInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let m = pb::get_member(&state.app, &actor, id).await?;
    let b = pb::get(&state.app, &actor, m.body_id).await?;
    match pb::save_member(&state.app, &actor, b.id, Some(id), &input).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &format!("/bodies/{}#members", b.id), "member_saved")),
        Err(AppError::Invalid(e)) => member_form(&ctx, &b, Some(id), &input, &e, vec![]).await,
        Err(AppError::Conflict { current, changed }) => {
            let (mine, rows) = stale(&ctx, "member", current, &changed, &input, MemberView::input)?;
            member_form(&ctx, &b, Some(id), &mine, &FieldErrors::new(), rows).await
        }
        Err(e) => Err(WebError(e)),
    }
}

// ---- meetings ----

#[derive(Template)]
#[template(path = "bodies/meeting.html")]
struct MeetingTemplate {
    page: Page,
    m: MeetingView,
    actions: Vec<Opt>,
    can_manage: bool,
    item_errors: ShownErrors,
    item: FormValues,
}

async fn meeting_page(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: i64,
    item: &pb::ItemInput,
    errors: &FieldErrors,
) -> WebResult<Response> {
    let m = pb::get_meeting(&state.app, actor, id).await?;
    let lang = ctx.lang;
    let mut actions = Vec::new();
    if pb::can_manage(actor) {
        for p in accord_app::plans::list(&state.app, actor, None).await? {
            for a in &p.actions {
                actions.push(Opt {
                    value: a.id.to_string(),
                    label: format!("{} {} ({})", a.reference, a.title.chars().take(60).collect::<String>(), p.title),
                    checked: false,
                });
            }
        }
    }
    let title = i18n::t_value(lang, "meeting.title_of", &accord_domain::format::date(lang, m.held_on));
    let t = MeetingTemplate {
        page: ctx.page(format!("{title} – {}", m.body.name)),
        can_manage: pb::can_manage(actor),
        actions,
        item_errors: ShownErrors::new(lang, errors),
        item: FormValues::of(item),
        m,
    };
    Ok(super::render_form(&t, errors, false))
}

pub async fn show_meeting(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    meeting_page(&state, &ctx, &actor, id, &pb::ItemInput::default(), &FieldErrors::new()).await
}

#[derive(Template)]
#[template(path = "bodies/meeting_form.html")]
struct MeetingFormTemplate {
    page: Page,
    heading: String,
    action: String,
    back: String,
    body_name: String,
    f: FormValues,
    errors: ShownErrors,
    changed: Vec<(String, String, String)>,
}

fn meeting_form(
    ctx: &ReqCtx,
    b: &BodyView,
    id: Option<i64>,
    input: &MeetingInput,
    errors: &FieldErrors,
    changed: Vec<(String, String, String)>,
) -> Response {
    let heading = if id.is_some() { ctx.t("meeting.edit") } else { ctx.t("meeting.add") };
    let t = MeetingFormTemplate {
        page: ctx.page(heading.clone()),
        heading,
        action: id.map(|i| format!("/meetings/{i}")).unwrap_or_else(|| format!("/bodies/{}/meetings", b.id)),
        back: id.map(|i| format!("/meetings/{i}")).unwrap_or_else(|| format!("/bodies/{}", b.id)),
        body_name: b.name.clone(),
        f: FormValues::of(input),
        errors: ShownErrors::new(ctx.lang, errors),
        changed,
    };
    super::render_form(&t, errors, !t.changed.is_empty())
}

pub async fn new_meeting(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let b = pb::get(&state.app, &actor, id).await?;
    let input = MeetingInput { held_on: Some(chrono::Utc::now().date_naive().to_string()), ..Default::default() };
    Ok(meeting_form(&ctx, &b, None, &input, &FieldErrors::new(), vec![]))
}

pub async fn create_meeting(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(input): CsrfForm<MeetingInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let b = pb::get(&state.app, &actor, id).await?;
    match pb::save_meeting(&state.app, &actor, id, None, &input).await {
        Ok(m) => Ok(super::redirect_with_flash(&ctx, &format!("/meetings/{}", m.id), "meeting_saved")),
        Err(AppError::Invalid(e)) => Ok(meeting_form(&ctx, &b, None, &input, &e, vec![])),
        Err(e) => Err(WebError(e)),
    }
}

pub async fn edit_meeting(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let m = pb::get_meeting(&state.app, &actor, id).await?;
    let b = pb::get(&state.app, &actor, m.body.id).await?;
    Ok(meeting_form(&ctx, &b, Some(id), &m.input(), &FieldErrors::new(), vec![]))
}

pub async fn update_meeting(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(input): CsrfForm<MeetingInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let m = pb::get_meeting(&state.app, &actor, id).await?;
    let b = pb::get(&state.app, &actor, m.body.id).await?;
    match pb::save_meeting(&state.app, &actor, b.id, Some(id), &input).await {
        Ok(m) => Ok(super::redirect_with_flash(&ctx, &format!("/meetings/{}", m.id), "meeting_saved")),
        Err(AppError::Invalid(e)) => Ok(meeting_form(&ctx, &b, Some(id), &input, &e, vec![])),
        Err(AppError::Conflict { current, changed }) => {
            let (mine, rows) = stale(&ctx, "meeting", current, &changed, &input, MeetingView::input)?;
            Ok(meeting_form(&ctx, &b, Some(id), &mine, &FieldErrors::new(), rows))
        }
        Err(e) => Err(WebError(e)),
    }
}

pub async fn add_item(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(input): CsrfForm<pb::ItemInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    match pb::add_item(&state.app, &actor, id, &input).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &format!("/meetings/{id}#items"), "item_saved")),
        Err(AppError::Invalid(e)) => meeting_page(&state, &ctx, &actor, id, &input, &e).await,
        Err(e) => Err(WebError(e)),
    }
}

#[derive(Deserialize)]
pub struct MakeMilestone {
    #[serde(default)]
    action_id: String,
}

pub async fn make_milestone(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<MakeMilestone>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let action_id = f
        .action_id
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::field("action_id", "item.action_unknown", Some(f.action_id.trim())))?;
    let m = accord_app::plans::item_to_milestone(&state.app, &actor, id, action_id).await?;
    Ok(super::redirect_with_flash(&ctx, &format!("/milestones/{}", m.id), "milestone_saved"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(id: i64, name: &str, parent: Option<i64>) -> BodyView {
        BodyView {
            id,
            district: "d".into(),
            name: name.into(),
            kind: "strategy_group".into(),
            purpose: None,
            parent: parent.map(|p| pb::BodyRef { id: p, name: String::new(), kind: String::new() }),
            reports_to_other: None,
            frequency: None,
            target_areas: vec![],
            funding_streams: vec![],
            wanted_sectors: vec![],
            established_on: None,
            ended_on: None,
            members: vec![],
            reporting: vec![],
            version: 1,
        }
    }

    #[test]
    fn the_structure_puts_each_body_under_the_one_it_reports_to() {
        let list = vec![
            b(3, "Operational group", Some(2)),
            b(1, "City partnership", None),
            b(2, "Strategy group", Some(1)),
            b(4, "Coalition", Some(99)),
        ];
        let t: Vec<(String, usize)> = tree(&list).into_iter().map(|n| (n.name, n.depth)).collect();
        assert_eq!(
            t,
            vec![
                ("City partnership".to_owned(), 0),
                ("Strategy group".to_owned(), 1),
                ("Operational group".to_owned(), 2),
                ("Coalition".to_owned(), 0),
            ]
        );
    }
}
