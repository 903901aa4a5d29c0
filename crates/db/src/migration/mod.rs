//! Migrations, append-only, one set for SQLite and PostgreSQL.

use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_directory;
mod m0003_search;
mod m0004_counts;
mod m0005_agreements;
mod m0006_targets;
mod m0007_report_indexes;
mod m0008_partnerships;
mod m0009_redundancy;
mod m0010_jobs;
mod m0011_report_changes;
mod m0012_agreement_dates;
mod m0013_interaction_versions;
mod m0014_mailings;
mod m0015_events;
mod m0016_communications;
mod m0017_mailing_events;
mod m0018_awards;
mod m0019_surveys;
mod m0020_national_accounts;
mod m0021_programmes;
mod m0022_survey_more;
mod m0023_programmes_more;
mod m0024_case_visits;
mod m0025_district_currency;

pub struct Migrator;

/// A foreign key from `table.col` to `to.id`.
pub(crate) fn fk(table: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(table, col).to(to, "id").to_owned()
}

/// A foreign key from `table.col` to `to.id` whose rows go with the row they point to.
pub(crate) fn fk_cascade(table: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(table, col).to(to, "id").on_delete(ForeignKeyAction::Cascade).to_owned()
}

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_directory::Migration),
            Box::new(m0003_search::Migration),
            Box::new(m0004_counts::Migration),
            Box::new(m0005_agreements::Migration),
            Box::new(m0006_targets::Migration),
            Box::new(m0007_report_indexes::Migration),
            Box::new(m0008_partnerships::Migration),
            Box::new(m0009_redundancy::Migration),
            Box::new(m0010_jobs::Migration),
            Box::new(m0011_report_changes::Migration),
            Box::new(m0012_agreement_dates::Migration),
            Box::new(m0013_interaction_versions::Migration),
            Box::new(m0014_mailings::Migration),
            Box::new(m0015_events::Migration),
            Box::new(m0016_communications::Migration),
            Box::new(m0017_mailing_events::Migration),
            Box::new(m0018_awards::Migration),
            Box::new(m0019_surveys::Migration),
            Box::new(m0020_national_accounts::Migration),
            Box::new(m0021_programmes::Migration),
            Box::new(m0022_survey_more::Migration),
            Box::new(m0023_programmes_more::Migration),
            Box::new(m0024_case_visits::Migration),
            Box::new(m0025_district_currency::Migration),
        ]
    }
}

/// Makes `table` append-only: UPDATE and DELETE fail with an error on both backends.
pub(crate) async fn append_only(manager: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    let conn = manager.get_connection();
    match manager.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            conn.execute_unprepared(&format!(
                "CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$ \
                 BEGIN RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql; \
                 CREATE TRIGGER {table}_no_update BEFORE UPDATE OR DELETE ON {table} \
                 FOR EACH ROW EXECUTE FUNCTION {table}_append_only(); \
                 CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} \
                 FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only();"
            ))
            .await?;
        }
        _ => {
            for op in ["UPDATE", "DELETE"] {
                conn.execute_unprepared(&format!(
                    "CREATE TRIGGER {table}_no_{lower} BEFORE {op} ON {table} \
                     BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;",
                    lower = op.to_lowercase()
                ))
                .await?;
            }
        }
    }
    Ok(())
}
