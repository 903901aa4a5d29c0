//! SeaORM entities, one module per table.

pub mod account_manager_period;
pub mod api_token;
pub mod audit_log;
pub mod contact;
pub mod district;
pub mod interaction;
pub mod login_failure;
pub mod organisation;
pub mod organisation_alias;
pub mod organisation_count;
pub mod session;
pub mod user;
pub mod user_district;
pub mod user_role;
