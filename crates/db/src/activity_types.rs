//! The activity types. They belong to no district: every district counts the same types.

use crate::entities::activity_type;
use accord_domain::ActivityType;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, QueryOrder};

impl From<activity_type::Model> for ActivityType {
    fn from(t: activity_type::Model) -> Self {
        ActivityType {
            code: t.code,
            label_en: t.label_en,
            label_da: t.label_da,
            aliases: t.aliases,
            counts: t.counts,
            builtin: t.builtin,
            retired: t.retired,
            position: t.position,
        }
    }
}

/// Every type, retired ones too, by position and then code.
pub async fn all<C: ConnectionTrait>(c: &C) -> Result<Vec<ActivityType>, DbErr> {
    let rows = activity_type::Entity::find()
        .order_by_asc(activity_type::Column::Position)
        .order_by_asc(activity_type::Column::Code)
        .all(c)
        .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn get<C: ConnectionTrait>(c: &C, code: &str) -> Result<Option<ActivityType>, DbErr> {
    Ok(activity_type::Entity::find_by_id(code.to_owned()).one(c).await?.map(Into::into))
}

/// Stores a type: inserts a new code, or replaces the stored values of an existing one.
pub async fn save<C: ConnectionTrait>(c: &C, t: &ActivityType, is_new: bool) -> Result<ActivityType, DbErr> {
    let model = activity_type::ActiveModel {
        code: Set(t.code.clone()),
        label_en: Set(t.label_en.clone()),
        label_da: Set(t.label_da.clone()),
        aliases: Set(t.aliases.clone()),
        counts: Set(t.counts),
        builtin: Set(t.builtin),
        retired: Set(t.retired),
        position: Set(t.position),
    };
    let row = if is_new {
        activity_type::Entity::insert(model).exec_with_returning(c).await?
    } else {
        model.update(c).await?
    };
    Ok(row.into())
}
