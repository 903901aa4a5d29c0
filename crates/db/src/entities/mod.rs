//! SeaORM entities, one module per table.

pub mod api_token;
pub mod audit_log;
pub mod district;
pub mod login_failure;
pub mod session;
pub mod user;
pub mod user_district;
pub mod user_role;
pub mod account_manager_period;
pub mod contact;
pub mod interaction;
pub mod organisation;
pub mod organisation_alias;
