use sea_orm::entity::prelude::*;

/// One piece of the secretariat's outreach: a LinkedIn post, a press story, website news, a
/// newsletter or something else, published on a day.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "communications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    /// `linkedin`, `press`, `website`, `newsletter` or `other`.
    pub channel: String,
    pub published_on: Date,
    pub title: String,
    /// An `http` or `https` address, when it was published online.
    pub url: Option<String>,
    /// How many it reached (views, readers, recipients), when known.
    pub reach: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl crate::scope::Scoped for Entity {
    fn district_column() -> Column {
        Column::DistrictId
    }
}
