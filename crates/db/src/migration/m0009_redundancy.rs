//! Redundancy support: events at employers with the organisations involved and the response
//! team, job shops, the catalogue of services, and one case per worker with its assessment,
//! sessions, action plan, retraining, jobs and check-ins. The worker's personal data lives in
//! `people`, apart from the case, sealed with a key of its own; the access log is append-only;
//! `case_tallies` keeps what an erased case counted for, and nothing else.

use super::{fk, fk_cascade};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A table of a case: its id, the case, what the caller adds, and the bookkeeping columns.
fn case_table(name: &'static str, cols: Vec<ColumnDef>) -> TableCreateStatement {
    let mut t = Table::create();
    t.table(name).col(big_pk_auto("id")).col(big_integer("case_id"));
    for mut c in cols {
        t.col(&mut c);
    }
    t.col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
        .col(integer("version"))
        .foreign_key(&mut fk_cascade(name, "case_id", "worker_cases"))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let conn = m.get_connection();
        m.create_table(
            Table::create()
                .table("redundancy_events")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(big_integer("employer_id"))
                .col(string("title"))
                .col(date("announced_on"))
                .col(integer("jobs_lost"))
                .col(integer_null("indirect_losses"))
                .col(string_null("sector"))
                .col(big_integer_null("funding_available"))
                .col(text_null("funding_notes"))
                .col(text_null("description"))
                .col(date_null("closed_on"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("redundancy_events", "district_id", "districts"))
                .foreign_key(&mut fk("redundancy_events", "employer_id", "organisations"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared(
            "CREATE INDEX redundancy_events_district ON redundancy_events (district_id, announced_on)",
        )
        .await?;
        m.create_table(
            Table::create()
                .table("event_organisations")
                .col(big_pk_auto("id"))
                .col(big_integer("event_id"))
                .col(big_integer("organisation_id"))
                .col(string("role"))
                .col(integer_null("estimated_losses"))
                .foreign_key(&mut fk_cascade("event_organisations", "event_id", "redundancy_events"))
                .foreign_key(&mut fk("event_organisations", "organisation_id", "organisations"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared(
            "CREATE UNIQUE INDEX event_organisations_role ON event_organisations (event_id, organisation_id, role)",
        )
        .await?;
        m.create_table(
            Table::create()
                .table("event_team")
                .col(big_pk_auto("id"))
                .col(big_integer("event_id"))
                .col(big_integer("user_id"))
                .foreign_key(&mut fk_cascade("event_team", "event_id", "redundancy_events"))
                .foreign_key(&mut fk("event_team", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE UNIQUE INDEX event_team_pair ON event_team (event_id, user_id)").await?;
        conn.execute_unprepared("CREATE INDEX event_team_user ON event_team (user_id)").await?;
        m.create_table(
            Table::create()
                .table("job_shops")
                .col(big_pk_auto("id"))
                .col(big_integer("event_id"))
                .col(date("held_on"))
                .col(string("place"))
                .col(boolean("on_premises").default(false))
                .col(text_null("staff"))
                .col(integer("workers_seen"))
                .col(text_null("services"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk_cascade("job_shops", "event_id", "redundancy_events"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX job_shops_event ON job_shops (event_id, held_on)").await?;
        m.create_table(
            Table::create()
                .table("support_services")
                .col(big_pk_auto("id"))
                .col(string("element"))
                .col(string("name_en"))
                .col(string("name_da"))
                .col(boolean("active").default(true))
                .col(integer("position"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .to_owned(),
        )
        .await?;
        // The catalogue starts with the services of seed 001; the secretariat changes it.
        for (i, (element, en, da)) in [
            ("assessment", "Initial assessment", "Indledende afklaring"),
            ("assessment", "Skills for life screening", "Screening af basale færdigheder"),
            ("guidance", "One-to-one careers guidance", "Individuel karrierevejledning"),
            ("plan", "Write or update a CV", "Skriv eller opdater et CV"),
            ("plan", "Apply for vacancies", "Søg stillinger"),
            ("plan", "Visit the job shop", "Besøg jobbutikken"),
            ("plan", "Work trial with an employer", "Praktik hos en arbejdsgiver"),
            ("training", "Retraining course", "Omskolingskursus"),
            ("training", "Forklift truck licence", "Truckcertifikat"),
            ("training", "Basic skills course", "Kursus i basale færdigheder"),
            ("advice", "Benefits and allowances advice", "Rådgivning om ydelser og tilskud"),
            ("advice", "Debt counselling", "Gældsrådgivning"),
            ("advice", "Self-employment advice", "Rådgivning om selvstændig virksomhed"),
            ("job_search", "Job search support", "Støtte til jobsøgning"),
            ("job_search", "Interview practice", "Træning i jobsamtaler"),
        ]
        .iter()
        .enumerate()
        {
            conn.execute_unprepared(&format!(
                "INSERT INTO support_services (element, name_en, name_da, active, position, created_at, updated_at, \
                 version) VALUES ('{element}', '{en}', '{da}', TRUE, {}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)",
                i + 1
            ))
            .await?;
        }
        m.create_table(
            Table::create()
                .table("people")
                .col(big_pk_auto("id"))
                .col(blob("sealed_key"))
                .col(blob("sealed_data"))
                .col(string_null("id_digest"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX people_digest ON people (id_digest)").await?;
        m.create_table(
            Table::create()
                .table("worker_cases")
                .col(big_pk_auto("id"))
                .col(big_integer("event_id"))
                .col(big_integer("person_id"))
                .col(big_integer("adviser_user_id"))
                .col(date("registered_on"))
                .col(string("language"))
                .col(string("status"))
                .col(date_null("assessed_on"))
                .col(string_null("literacy"))
                .col(string_null("numeracy"))
                .col(string_null("digital"))
                .col(text_null("assessment_notes"))
                .col(date_null("closed_on"))
                .col(string_null("closed_reason"))
                .col(text_null("closed_note"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("worker_cases", "event_id", "redundancy_events"))
                .foreign_key(&mut fk("worker_cases", "person_id", "people"))
                .foreign_key(&mut fk("worker_cases", "adviser_user_id", "users"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX worker_cases_event ON worker_cases (event_id, status)").await?;
        conn.execute_unprepared("CREATE INDEX worker_cases_adviser ON worker_cases (adviser_user_id, status)").await?;
        conn.execute_unprepared("CREATE UNIQUE INDEX worker_cases_person ON worker_cases (person_id)").await?;
        conn.execute_unprepared("CREATE INDEX worker_cases_closed ON worker_cases (closed_on)").await?;
        m.create_table(case_table(
            "case_sessions",
            vec![
                string("kind"),
                date("held_on"),
                integer_null("minutes"),
                string_null("referred_to"),
                text_null("notes"),
                big_integer_null("author_user_id"),
            ],
        ))
        .await?;
        m.create_table(case_table(
            "case_activities",
            vec![
                big_integer_null("service_id"),
                text("title"),
                date_null("due_on"),
                string("status"),
                text_null("outcome"),
                integer("position"),
            ],
        ))
        .await?;
        m.create_table(case_table(
            "case_trainings",
            vec![
                string("provider"),
                string("course"),
                date_null("starts_on"),
                date_null("ends_on"),
                big_integer_null("cost"),
                string_null("funding_source"),
                string("status"),
            ],
        ))
        .await?;
        m.create_table(case_table(
            "case_jobs",
            vec![
                string("employer"),
                big_integer_null("employer_id"),
                string_null("job_title"),
                date("starts_on"),
                double_null("hours"),
                date_null("ended_on"),
            ],
        ))
        .await?;
        m.create_table(case_table(
            "case_checkins",
            vec![
                big_integer("job_id"),
                integer("week"),
                date("due_on"),
                date_null("done_on"),
                boolean_null("in_work"),
                text_null("notes"),
            ],
        ))
        .await?;
        for (t, c) in [
            ("case_sessions", "held_on"),
            ("case_activities", "position"),
            ("case_trainings", "starts_on"),
            ("case_jobs", "starts_on"),
            ("case_checkins", "due_on"),
        ] {
            conn.execute_unprepared(&format!("CREATE INDEX {t}_case ON {t} (case_id, {c})")).await?;
        }
        conn.execute_unprepared("CREATE INDEX case_checkins_due ON case_checkins (due_on)").await?;
        // No foreign key: the log outlives an erased case, naming only its number.
        m.create_table(
            Table::create()
                .table("case_access")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(big_integer_null("user_id"))
                .col(string("actor"))
                .col(string("purpose"))
                .col(string("what"))
                .col(timestamp_with_time_zone("at"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX case_access_case ON case_access (case_id, at)").await?;
        super::append_only(m, "case_access").await?;
        m.create_table(
            Table::create()
                .table("case_tallies")
                .col(big_pk_auto("id"))
                .col(big_integer("event_id"))
                .col(boolean("assessed"))
                .col(boolean("planned"))
                .col(boolean("training_started"))
                .col(boolean("training_completed"))
                .col(boolean("reemployed"))
                .col(boolean("sustained"))
                .col(text_null("funding_sources"))
                .col(date("erased_on"))
                .foreign_key(&mut fk("case_tallies", "event_id", "redundancy_events"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX case_tallies_event ON case_tallies (event_id)").await?;
        Ok(())
    }
}
