//! Integration tests: the real server on port 0 with a fresh database, each test run on
//! SQLite and on PostgreSQL. One test binary for the whole workspace keeps link times down.

mod smtp_sink;
mod support;

mod access;
mod activities;
mod activity_pages;
mod agreement_pages;
mod agreements;
mod api;
mod audit;
mod auth;
mod awards;
mod backup;
mod bulk_import;
mod cli;
mod communications;
mod concurrency;
mod consent;
mod crash;
mod danish_import;
mod directory;
mod districts;
mod events;
mod import;
mod injection;
mod interactions;
mod invitations;
mod lists;
mod load;
mod mail_bench;
mod mail_crash;
mod mailings;
mod national;
mod nodes;
mod org_picker;
mod pages;
mod plans;
mod programmes;
mod redundancy;
mod reports;
mod surveys;
mod users;
