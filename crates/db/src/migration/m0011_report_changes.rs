//! A change stamp for the report's figures, kept by triggers in the same transaction as every
//! write to the records they are counted from, so that a count can be kept between requests and
//! known to be current by reading one small row per district ([`crate::reports::change_stamp`]).
//!
//! `report_changes` holds one row per district whose activities or recruitment requests have
//! changed, and row 0 for what every district's figures depend on: agreements and their sites
//! (which organisations were partners, and when), the activity types (which count), and the
//! hierarchy of organisations (which company a site rolls up to). A stamp only grows, so the sum
//! over a fixed set of rows grows with any change to any of them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables whose rows carry their district: a change bumps that district's row.
const BY_DISTRICT: [&str; 2] = ["activities", "recruitment_requests"];
/// The tables every count depends on: a change bumps row 0.
const EVERYWHERE: [&str; 3] = ["agreements", "agreement_sites", "activity_types"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("report_changes")
                .col(big_integer("district_id").primary_key())
                .col(big_integer("stamp"))
                .to_owned(),
        )
        .await?;
        let conn = m.get_connection();
        match m.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                // Once per statement, not per row: an import of 100,000 rows bumps its district
                // once. The transition tables name the districts a statement touched.
                conn.execute_unprepared(
                    "CREATE FUNCTION report_changes_by_district() RETURNS trigger AS $$ BEGIN \
                     IF TG_OP = 'INSERT' THEN \
                       INSERT INTO report_changes (district_id, stamp) SELECT DISTINCT district_id, 1 FROM new_rows \
                       ON CONFLICT (district_id) DO UPDATE SET stamp = report_changes.stamp + 1; \
                     ELSIF TG_OP = 'DELETE' THEN \
                       INSERT INTO report_changes (district_id, stamp) SELECT DISTINCT district_id, 1 FROM old_rows \
                       ON CONFLICT (district_id) DO UPDATE SET stamp = report_changes.stamp + 1; \
                     ELSE \
                       INSERT INTO report_changes (district_id, stamp) \
                       SELECT district_id, 1 FROM new_rows UNION SELECT district_id, 1 FROM old_rows \
                       ON CONFLICT (district_id) DO UPDATE SET stamp = report_changes.stamp + 1; \
                     END IF; RETURN NULL; END; $$ LANGUAGE plpgsql",
                )
                .await?;
                conn.execute_unprepared(
                    "CREATE FUNCTION report_changes_everywhere() RETURNS trigger AS $$ BEGIN \
                     INSERT INTO report_changes (district_id, stamp) VALUES (0, 1) \
                     ON CONFLICT (district_id) DO UPDATE SET stamp = report_changes.stamp + 1; \
                     RETURN NULL; END; $$ LANGUAGE plpgsql",
                )
                .await?;
                for table in BY_DISTRICT {
                    for (op, referencing) in [
                        ("INSERT", "NEW TABLE AS new_rows"),
                        ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
                        ("DELETE", "OLD TABLE AS old_rows"),
                    ] {
                        conn.execute_unprepared(&format!(
                            "CREATE TRIGGER {table}_report_{lower} AFTER {op} ON {table} REFERENCING {referencing} \
                             FOR EACH STATEMENT EXECUTE FUNCTION report_changes_by_district()",
                            lower = op.to_lowercase()
                        ))
                        .await?;
                    }
                    conn.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_report_truncate AFTER TRUNCATE ON {table} \
                         FOR EACH STATEMENT EXECUTE FUNCTION report_changes_everywhere()"
                    ))
                    .await?;
                }
                for table in EVERYWHERE {
                    conn.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_report_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} \
                         FOR EACH STATEMENT EXECUTE FUNCTION report_changes_everywhere()"
                    ))
                    .await?;
                }
                conn.execute_unprepared(
                    "CREATE TRIGGER organisations_report_changes AFTER UPDATE OF level, parent_id, district_id OR DELETE \
                     ON organisations FOR EACH STATEMENT EXECUTE FUNCTION report_changes_everywhere()",
                )
                .await?;
            }
            _ => {
                let bump = |district: &str| {
                    format!(
                        "INSERT INTO report_changes (district_id, stamp) VALUES ({district}, 1) \
                         ON CONFLICT (district_id) DO UPDATE SET stamp = stamp + 1;"
                    )
                };
                for table in BY_DISTRICT {
                    for (op, body) in [
                        ("INSERT", bump("new.district_id")),
                        ("UPDATE", format!("{} {}", bump("new.district_id"), bump("old.district_id"))),
                        ("DELETE", bump("old.district_id")),
                    ] {
                        conn.execute_unprepared(&format!(
                            "CREATE TRIGGER {table}_report_{lower} AFTER {op} ON {table} BEGIN {body} END",
                            lower = op.to_lowercase()
                        ))
                        .await?;
                    }
                }
                for table in EVERYWHERE {
                    for op in ["INSERT", "UPDATE", "DELETE"] {
                        conn.execute_unprepared(&format!(
                            "CREATE TRIGGER {table}_report_{lower} AFTER {op} ON {table} BEGIN {body} END",
                            lower = op.to_lowercase(),
                            body = bump("0")
                        ))
                        .await?;
                    }
                }
                for op in ["UPDATE OF level, parent_id, district_id", "DELETE"] {
                    conn.execute_unprepared(&format!(
                        "CREATE TRIGGER organisations_report_{lower} AFTER {op} ON organisations BEGIN {body} END",
                        lower = op.split(' ').next().unwrap_or(op).to_lowercase(),
                        body = bump("0")
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }
}
