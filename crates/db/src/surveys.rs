//! Queries of the annual satisfaction survey: surveys, their questions, the invitations with
//! the answers saved so far, and the submitted responses. Reads of surveys, invitations and
//! responses take the caller's [`Scope`]; questions and answers hang off a survey or a
//! response read through it. The public answer page reads its invitation by the id in a
//! signed link.

use crate::entities::{survey, survey_answer, survey_invitation, survey_question, survey_response};
use crate::scope::{self, Scope};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait,
};

/// The surveys the caller may see, newest year first.
pub async fn list<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<survey::Model>, DbErr> {
    scope::find::<survey::Entity>(scope)
        .order_by_desc(survey::Column::Year)
        .order_by_desc(survey::Column::Id)
        .all(c)
        .await
}

pub async fn get<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<survey::Model>, DbErr> {
    scope::find::<survey::Entity>(scope).filter(survey::Column::Id.eq(id)).one(c).await
}

/// A survey by id for the holder of a signed link, who has no scope.
pub async fn get_for_link<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<survey::Model>, DbErr> {
    survey::Entity::find_by_id(id).one(c).await
}

pub async fn insert_survey<C: ConnectionTrait>(c: &C, am: survey::ActiveModel) -> Result<survey::Model, DbErr> {
    survey::Entity::insert(am).exec_with_returning(c).await
}

/// Marks the survey sent if it was not yet; false when it had been.
pub async fn mark_sent<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let ids = scope::find::<survey::Entity>(scope)
        .filter(survey::Column::Id.eq(id))
        .select_only()
        .column(survey::Column::Id)
        .into_tuple::<i64>()
        .all(c)
        .await?;
    if ids.is_empty() {
        return Ok(false);
    }
    let res = survey::Entity::update_many()
        .col_expr(survey::Column::SentAt, Expr::value(now))
        .col_expr(survey::Column::UpdatedAt, Expr::value(now))
        .col_expr(survey::Column::Version, Expr::col(survey::Column::Version).add(1))
        .filter(survey::Column::Id.eq(id))
        .filter(survey::Column::SentAt.is_null())
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// The questions of a survey, in their order.
pub async fn questions_of<C: ConnectionTrait>(c: &C, survey_id: i64) -> Result<Vec<survey_question::Model>, DbErr> {
    survey_question::Entity::find()
        .filter(survey_question::Column::SurveyId.eq(survey_id))
        .order_by_asc(survey_question::Column::Position)
        .order_by_asc(survey_question::Column::Id)
        .all(c)
        .await
}

pub async fn insert_question<C: ConnectionTrait>(
    c: &C,
    am: survey_question::ActiveModel,
) -> Result<survey_question::Model, DbErr> {
    survey_question::Entity::insert(am).exec_with_returning(c).await
}

/// Saves a question if it is still at `version`; false when someone else changed it first.
pub async fn update_question<C: ConnectionTrait>(
    c: &C,
    id: i64,
    version: i32,
    mut am: survey_question::ActiveModel,
) -> Result<bool, DbErr> {
    am.version = Set(version.saturating_add(1));
    let res = survey_question::Entity::update_many()
        .set(am)
        .filter(survey_question::Column::Id.eq(id))
        .filter(survey_question::Column::Version.eq(version))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Puts a question at `position` (reordering rewrites every question's position).
pub async fn set_position<C: ConnectionTrait>(c: &C, id: i64, position: i32) -> Result<(), DbErr> {
    survey_question::Entity::update_many()
        .col_expr(survey_question::Column::Position, Expr::value(position))
        .filter(survey_question::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

/// Takes the satisfaction mark off every question of the survey but `keep`.
pub async fn clear_satisfaction<C: ConnectionTrait>(c: &C, survey_id: i64, keep: i64) -> Result<(), DbErr> {
    survey_question::Entity::update_many()
        .col_expr(survey_question::Column::Satisfaction, Expr::value(false))
        .filter(survey_question::Column::SurveyId.eq(survey_id))
        .filter(survey_question::Column::Id.ne(keep))
        .exec(c)
        .await?;
    Ok(())
}

pub async fn insert_invitations<C: ConnectionTrait>(
    c: &C,
    rows: Vec<survey_invitation::ActiveModel>,
) -> Result<(), DbErr> {
    for chunk in rows.chunks(500) {
        survey_invitation::Entity::insert_many(chunk.to_vec()).exec_without_returning(c).await?;
    }
    Ok(())
}

/// The invitations of a survey the caller may see.
pub async fn invitations_of<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    survey_id: i64,
) -> Result<Vec<survey_invitation::Model>, DbErr> {
    scope::find::<survey_invitation::Entity>(scope)
        .filter(survey_invitation::Column::SurveyId.eq(survey_id))
        .order_by_asc(survey_invitation::Column::Id)
        .all(c)
        .await
}

/// An invitation by the id in a signed link.
pub async fn invitation_for_link<C: ConnectionTrait>(
    c: &C,
    id: i64,
) -> Result<Option<survey_invitation::Model>, DbErr> {
    survey_invitation::Entity::find_by_id(id).one(c).await
}

/// Locks the invitation's row until the transaction ends (PostgreSQL; SQLite's write
/// transaction already holds the database), so two submissions through one link never cross.
pub async fn lock_invitation<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<survey_invitation::Model>, DbErr> {
    let mut q = survey_invitation::Entity::find_by_id(id);
    if c.get_database_backend() == sea_orm::DbBackend::Postgres {
        q = q.lock_exclusive();
    }
    q.one(c).await
}

/// Keeps the form as saved, while the invitation is not answered; false once it is.
pub async fn save_draft<C: ConnectionTrait>(c: &C, id: i64, draft: &str) -> Result<bool, DbErr> {
    let res = survey_invitation::Entity::update_many()
        .col_expr(survey_invitation::Column::Draft, Expr::value(draft.to_owned()))
        .filter(survey_invitation::Column::Id.eq(id))
        .filter(survey_invitation::Column::Answered.eq(false))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Records that the link was used for an answer and forgets the saved form; false when it
/// had been used already.
pub async fn mark_answered<C: ConnectionTrait>(c: &C, id: i64) -> Result<bool, DbErr> {
    let res = survey_invitation::Entity::update_many()
        .col_expr(survey_invitation::Column::Answered, Expr::value(true))
        .col_expr(survey_invitation::Column::Draft, Expr::value(Option::<String>::None))
        .filter(survey_invitation::Column::Id.eq(id))
        .filter(survey_invitation::Column::Answered.eq(false))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

pub async fn insert_response<C: ConnectionTrait>(
    c: &C,
    am: survey_response::ActiveModel,
) -> Result<survey_response::Model, DbErr> {
    survey_response::Entity::insert(am).exec_with_returning(c).await
}

pub async fn insert_answers<C: ConnectionTrait>(c: &C, rows: Vec<survey_answer::ActiveModel>) -> Result<(), DbErr> {
    for chunk in rows.chunks(500) {
        survey_answer::Entity::insert_many(chunk.to_vec()).exec_without_returning(c).await?;
    }
    Ok(())
}

/// The responses to a survey the caller may see, in the order they came.
pub async fn responses_of<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    survey_id: i64,
) -> Result<Vec<survey_response::Model>, DbErr> {
    scope::find::<survey_response::Entity>(scope)
        .filter(survey_response::Column::SurveyId.eq(survey_id))
        .order_by_asc(survey_response::Column::Id)
        .all(c)
        .await
}

/// Every answer of the responses to a survey the caller may see.
pub async fn answers_of<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    survey_id: i64,
) -> Result<Vec<survey_answer::Model>, DbErr> {
    let responses = scope::find::<survey_response::Entity>(scope)
        .filter(survey_response::Column::SurveyId.eq(survey_id))
        .select_only()
        .column(survey_response::Column::Id)
        .into_query();
    survey_answer::Entity::find()
        .filter(survey_answer::Column::ResponseId.in_subquery(responses))
        .order_by_asc(survey_answer::Column::ResponseId)
        .order_by_asc(survey_answer::Column::Id)
        .all(c)
        .await
}

/// Whether the survey has any response (its questions are then fixed).
pub async fn has_responses<C: ConnectionTrait>(c: &C, survey_id: i64) -> Result<bool, DbErr> {
    Ok(survey_response::Entity::find()
        .filter(survey_response::Column::SurveyId.eq(survey_id))
        .select_only()
        .column(survey_response::Column::Id)
        .into_tuple::<i64>()
        .one(c)
        .await?
        .is_some())
}

/// The response ids of another survey tool under which answers to a survey the caller may see
/// were imported.
pub async fn external_ids_of<C: ConnectionTrait>(c: &C, scope: &Scope, survey_id: i64) -> Result<Vec<String>, DbErr> {
    Ok(scope::find::<survey_response::Entity>(scope)
        .filter(survey_response::Column::SurveyId.eq(survey_id))
        .filter(survey_response::Column::ExternalId.is_not_null())
        .select_only()
        .column(survey_response::Column::ExternalId)
        .into_tuple::<Option<String>>()
        .all(c)
        .await?
        .into_iter()
        .flatten()
        .collect())
}
