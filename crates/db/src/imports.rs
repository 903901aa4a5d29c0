//! The record of each import: who, when, which file, what it did.

use crate::entities::import;
use crate::scope::{self, Scope};
use sea_orm::{ConnectionTrait, DbErr, PaginatorTrait};

/// How many imports the scope's districts have made.
pub async fn count<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<u64, DbErr> {
    scope::find::<import::Entity>(scope).count(c).await
}
