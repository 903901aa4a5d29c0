//! SeaORM entities, one module per table.

pub mod account_manager_period;
pub mod activity;
pub mod activity_type;
pub mod agreement;
pub mod agreement_commitment;
pub mod agreement_document;
pub mod agreement_site;
pub mod agreement_target;
pub mod api_token;
pub mod audit_log;
pub mod commitment_template;
pub mod contact;
pub mod district;
pub mod import;
pub mod import_change;
pub mod interaction;
pub mod login_failure;
pub mod organisation;
pub mod organisation_alias;
pub mod organisation_count;
pub mod recruitment_candidate;
pub mod recruitment_request;
pub mod session;
pub mod user;
pub mod user_district;
pub mod user_role;
