//! Partnership bodies, their members and meetings; action plans, their actions, milestones,
//! progress updates and issued progress reports.

use crate::entities::{
    action_lead, body, body_member, meeting, meeting_item, milestone, milestone_owner, milestone_update, plan,
    plan_action, progress_snapshot,
};
use crate::scope::{self, Scope};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

versioned_update!(update_body, body);
versioned_update!(update_member, body_member);
versioned_update!(update_meeting, meeting);
versioned_update!(update_plan, plan);
versioned_update!(update_action, plan_action);
versioned_update!(update_milestone, milestone);

// ---- bodies ----

/// The bodies in scope (in one district when given), by name.
pub async fn bodies<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    district: Option<i64>,
) -> Result<Vec<body::Model>, DbErr> {
    let mut q = scope::find::<body::Entity>(scope);
    if let Some(d) = district {
        q = q.filter(body::Column::DistrictId.eq(d));
    }
    q.order_by_asc(body::Column::Name).order_by_asc(body::Column::Id).all(c).await
}

pub async fn get_body<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<body::Model>, DbErr> {
    scope::find::<body::Entity>(scope).filter(body::Column::Id.eq(id)).one(c).await
}

/// The members of these bodies, by body, then chair first, then when they joined.
pub async fn members_of<C: ConnectionTrait>(c: &C, body_ids: &[i64]) -> Result<Vec<body_member::Model>, DbErr> {
    if body_ids.is_empty() {
        return Ok(vec![]);
    }
    body_member::Entity::find()
        .filter(body_member::Column::BodyId.is_in(body_ids.iter().copied()))
        .order_by_asc(body_member::Column::BodyId)
        .order_by_asc(body_member::Column::Id)
        .all(c)
        .await
}

pub async fn get_member<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<body_member::Model>, DbErr> {
    body_member::Entity::find_by_id(id).one(c).await
}

/// The bodies in which the organisation holds a seat (or held one).
pub async fn bodies_with_member<C: ConnectionTrait>(c: &C, organisation_id: i64) -> Result<Vec<i64>, DbErr> {
    Ok(body_member::Entity::find()
        .filter(body_member::Column::OrganisationId.eq(organisation_id))
        .all(c)
        .await?
        .into_iter()
        .map(|m| m.body_id)
        .collect())
}

// ---- meetings ----

/// The meetings of these bodies, newest first.
pub async fn meetings_of<C: ConnectionTrait>(c: &C, body_ids: &[i64]) -> Result<Vec<meeting::Model>, DbErr> {
    if body_ids.is_empty() {
        return Ok(vec![]);
    }
    meeting::Entity::find()
        .filter(meeting::Column::BodyId.is_in(body_ids.iter().copied()))
        .order_by_desc(meeting::Column::HeldOn)
        .order_by_desc(meeting::Column::Id)
        .all(c)
        .await
}

pub async fn get_meeting<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<meeting::Model>, DbErr> {
    meeting::Entity::find_by_id(id).one(c).await
}

pub async fn items_of<C: ConnectionTrait>(c: &C, meeting_ids: &[i64]) -> Result<Vec<meeting_item::Model>, DbErr> {
    if meeting_ids.is_empty() {
        return Ok(vec![]);
    }
    meeting_item::Entity::find()
        .filter(meeting_item::Column::MeetingId.is_in(meeting_ids.iter().copied()))
        .order_by_asc(meeting_item::Column::Id)
        .all(c)
        .await
}

pub async fn get_item<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<meeting_item::Model>, DbErr> {
    meeting_item::Entity::find_by_id(id).one(c).await
}

// ---- plans ----

pub async fn plans<C: ConnectionTrait>(c: &C, scope: &Scope, district: Option<i64>) -> Result<Vec<plan::Model>, DbErr> {
    let mut q = scope::find::<plan::Entity>(scope);
    if let Some(d) = district {
        q = q.filter(plan::Column::DistrictId.eq(d));
    }
    q.order_by_desc(plan::Column::PeriodStart).order_by_asc(plan::Column::Title).all(c).await
}

pub async fn get_plan<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<plan::Model>, DbErr> {
    scope::find::<plan::Entity>(scope).filter(plan::Column::Id.eq(id)).one(c).await
}

/// The actions of these plans, in their order.
pub async fn actions_of<C: ConnectionTrait>(c: &C, plan_ids: &[i64]) -> Result<Vec<plan_action::Model>, DbErr> {
    if plan_ids.is_empty() {
        return Ok(vec![]);
    }
    plan_action::Entity::find()
        .filter(plan_action::Column::PlanId.is_in(plan_ids.iter().copied()))
        .order_by_asc(plan_action::Column::PlanId)
        .order_by_asc(plan_action::Column::Position)
        .order_by_asc(plan_action::Column::Id)
        .all(c)
        .await
}

pub async fn get_action<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<plan_action::Model>, DbErr> {
    plan_action::Entity::find_by_id(id).one(c).await
}

pub async fn leads_of<C: ConnectionTrait>(c: &C, action_ids: &[i64]) -> Result<Vec<action_lead::Model>, DbErr> {
    if action_ids.is_empty() {
        return Ok(vec![]);
    }
    action_lead::Entity::find()
        .filter(action_lead::Column::ActionId.is_in(action_ids.iter().copied()))
        .order_by_asc(action_lead::Column::Id)
        .all(c)
        .await
}

pub async fn set_leads<C: ConnectionTrait>(c: &C, action_id: i64, orgs: &[i64]) -> Result<(), DbErr> {
    action_lead::Entity::delete_many().filter(action_lead::Column::ActionId.eq(action_id)).exec(c).await?;
    if !orgs.is_empty() {
        action_lead::Entity::insert_many(orgs.iter().map(|o| action_lead::ActiveModel {
            action_id: Set(action_id),
            organisation_id: Set(*o),
            ..Default::default()
        }))
        .exec(c)
        .await?;
    }
    Ok(())
}

/// The milestones of these actions, in their order.
pub async fn milestones_of<C: ConnectionTrait>(c: &C, action_ids: &[i64]) -> Result<Vec<milestone::Model>, DbErr> {
    if action_ids.is_empty() {
        return Ok(vec![]);
    }
    milestone::Entity::find()
        .filter(milestone::Column::ActionId.is_in(action_ids.iter().copied()))
        .order_by_asc(milestone::Column::ActionId)
        .order_by_asc(milestone::Column::Position)
        .order_by_asc(milestone::Column::Id)
        .all(c)
        .await
}

pub async fn get_milestone<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<milestone::Model>, DbErr> {
    milestone::Entity::find_by_id(id).one(c).await
}

pub async fn owners_of<C: ConnectionTrait>(c: &C, milestone_ids: &[i64]) -> Result<Vec<milestone_owner::Model>, DbErr> {
    if milestone_ids.is_empty() {
        return Ok(vec![]);
    }
    milestone_owner::Entity::find()
        .filter(milestone_owner::Column::MilestoneId.is_in(milestone_ids.iter().copied()))
        .order_by_asc(milestone_owner::Column::Id)
        .all(c)
        .await
}

pub async fn set_owners<C: ConnectionTrait>(c: &C, milestone_id: i64, orgs: &[i64]) -> Result<(), DbErr> {
    milestone_owner::Entity::delete_many()
        .filter(milestone_owner::Column::MilestoneId.eq(milestone_id))
        .exec(c)
        .await?;
    if !orgs.is_empty() {
        milestone_owner::Entity::insert_many(orgs.iter().map(|o| milestone_owner::ActiveModel {
            milestone_id: Set(milestone_id),
            organisation_id: Set(*o),
            ..Default::default()
        }))
        .exec(c)
        .await?;
    }
    Ok(())
}

/// The progress updates of these milestones, oldest first.
pub async fn updates_of<C: ConnectionTrait>(
    c: &C,
    milestone_ids: &[i64],
) -> Result<Vec<milestone_update::Model>, DbErr> {
    if milestone_ids.is_empty() {
        return Ok(vec![]);
    }
    milestone_update::Entity::find()
        .filter(milestone_update::Column::MilestoneId.is_in(milestone_ids.iter().copied()))
        .order_by_asc(milestone_update::Column::WrittenOn)
        .order_by_asc(milestone_update::Column::Id)
        .all(c)
        .await
}

/// The plans (ids) in which an organisation takes part: it leads an action or owns a milestone.
pub async fn plans_with_partner<C: ConnectionTrait>(c: &C, organisation_id: i64) -> Result<Vec<i64>, DbErr> {
    let led: Vec<i64> = action_lead::Entity::find()
        .filter(action_lead::Column::OrganisationId.eq(organisation_id))
        .all(c)
        .await?
        .into_iter()
        .map(|l| l.action_id)
        .collect();
    let owned: Vec<i64> = milestone_owner::Entity::find()
        .filter(milestone_owner::Column::OrganisationId.eq(organisation_id))
        .all(c)
        .await?
        .into_iter()
        .map(|o| o.milestone_id)
        .collect();
    let mut actions = led;
    if !owned.is_empty() {
        actions.extend(
            milestone::Entity::find()
                .filter(milestone::Column::Id.is_in(owned))
                .select_only()
                .column(milestone::Column::ActionId)
                .into_tuple::<i64>()
                .all(c)
                .await?,
        );
    }
    if actions.is_empty() {
        return Ok(vec![]);
    }
    let mut plans: Vec<i64> = plan_action::Entity::find()
        .filter(plan_action::Column::Id.is_in(actions))
        .select_only()
        .column(plan_action::Column::PlanId)
        .into_tuple::<i64>()
        .all(c)
        .await?;
    plans.sort_unstable();
    plans.dedup();
    Ok(plans)
}

/// Open milestones that are due by `until` (overdue ones included) and that the user follows or
/// that the organisation owns, in plans in scope, soonest first.
pub async fn milestones_due<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    user_id: Option<i64>,
    organisation_id: Option<i64>,
    until: chrono::NaiveDate,
) -> Result<Vec<milestone::Model>, DbErr> {
    use sea_orm::Condition;
    let mut who = Condition::any();
    if let Some(u) = user_id {
        who = who.add(milestone::Column::ContactUserId.eq(u));
    }
    if let Some(o) = organisation_id {
        let owned: Vec<i64> = milestone_owner::Entity::find()
            .filter(milestone_owner::Column::OrganisationId.eq(o))
            .all(c)
            .await?
            .into_iter()
            .map(|m| m.milestone_id)
            .collect();
        if !owned.is_empty() {
            who = who.add(milestone::Column::Id.is_in(owned));
        }
    }
    if user_id.is_none() && organisation_id.is_none() {
        return Ok(vec![]);
    }
    let plan_ids: Vec<i64> =
        scope::find::<plan::Entity>(scope).select_only().column(plan::Column::Id).into_tuple::<i64>().all(c).await?;
    if plan_ids.is_empty() {
        return Ok(vec![]);
    }
    let action_ids: Vec<i64> = plan_action::Entity::find()
        .filter(plan_action::Column::PlanId.is_in(plan_ids))
        .select_only()
        .column(plan_action::Column::Id)
        .into_tuple::<i64>()
        .all(c)
        .await?;
    if action_ids.is_empty() {
        return Ok(vec![]);
    }
    milestone::Entity::find()
        .filter(milestone::Column::ActionId.is_in(action_ids))
        .filter(who)
        .filter(milestone::Column::DueOn.lte(until))
        .filter(milestone::Column::Status.is_not_in(["achieved", "dropped"]))
        .order_by_asc(milestone::Column::DueOn)
        .order_by_asc(milestone::Column::Id)
        .limit(50)
        .all(c)
        .await
}

// ---- issued reports ----

pub async fn snapshots_of<C: ConnectionTrait>(c: &C, plan_id: i64) -> Result<Vec<progress_snapshot::Model>, DbErr> {
    progress_snapshot::Entity::find()
        .filter(progress_snapshot::Column::PlanId.eq(plan_id))
        .order_by_desc(progress_snapshot::Column::TakenAt)
        .order_by_desc(progress_snapshot::Column::Id)
        .all(c)
        .await
}

pub async fn get_snapshot<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<progress_snapshot::Model>, DbErr> {
    progress_snapshot::Entity::find_by_id(id).one(c).await
}
