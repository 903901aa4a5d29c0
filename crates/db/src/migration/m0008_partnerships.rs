//! Partnership bodies (coalitions, strategic partnerships, operational and area groups) with
//! their members, meetings and action items; action plans with actions, milestones, progress
//! updates and the quarterly progress reports kept as they were issued; and the organisation a
//! partner user speaks for.

use super::{fk, fk_cascade};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let conn = m.get_connection();
        conn.execute_unprepared(
            "ALTER TABLE users ADD COLUMN organisation_id BIGINT NULL REFERENCES organisations (id)",
        )
        .await?;
        m.create_table(
            Table::create()
                .table("bodies")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(string("name"))
                .col(string("kind"))
                .col(text_null("purpose"))
                .col(big_integer_null("parent_id"))
                .col(string_null("reports_to_other"))
                .col(string_null("frequency"))
                .col(text_null("target_areas"))
                .col(text_null("funding_streams"))
                .col(text_null("wanted_sectors"))
                .col(date_null("established_on"))
                .col(date_null("ended_on"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("bodies", "district_id", "districts"))
                .foreign_key(&mut fk("bodies", "parent_id", "bodies"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX bodies_district ON bodies (district_id, name)").await?;
        conn.execute_unprepared("CREATE INDEX bodies_parent ON bodies (parent_id)").await?;
        m.create_table(
            Table::create()
                .table("body_members")
                .col(big_pk_auto("id"))
                .col(big_integer("body_id"))
                .col(big_integer("organisation_id"))
                .col(string_null("representative"))
                .col(string("role"))
                .col(string_null("sector"))
                .col(date_null("joined_on"))
                .col(date_null("left_on"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk_cascade("body_members", "body_id", "bodies"))
                .foreign_key(&mut fk("body_members", "organisation_id", "organisations"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX body_members_body ON body_members (body_id)").await?;
        conn.execute_unprepared("CREATE INDEX body_members_org ON body_members (organisation_id)").await?;
        m.create_table(
            Table::create()
                .table("meetings")
                .col(big_pk_auto("id"))
                .col(big_integer("body_id"))
                .col(date("held_on"))
                .col(string_null("title"))
                .col(text_null("attendees"))
                .col(text_null("agenda"))
                .col(text_null("minutes"))
                .col(text_null("decisions"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk_cascade("meetings", "body_id", "bodies"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX meetings_body ON meetings (body_id, held_on)").await?;
        m.create_table(
            Table::create()
                .table("plans")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(string("title"))
                .col(string_null("theme"))
                .col(date("period_start"))
                .col(date("period_end"))
                .col(big_integer_null("body_id"))
                .col(text_null("notes"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("plans", "district_id", "districts"))
                .foreign_key(&mut fk("plans", "body_id", "bodies"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX plans_district ON plans (district_id, period_start)").await?;
        m.create_table(
            Table::create()
                .table("plan_actions")
                .col(big_pk_auto("id"))
                .col(big_integer("plan_id"))
                .col(string("reference"))
                .col(text("title"))
                .col(big_integer_null("body_id"))
                .col(integer("position"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk_cascade("plan_actions", "plan_id", "plans"))
                .foreign_key(&mut fk("plan_actions", "body_id", "bodies"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE UNIQUE INDEX plan_actions_ref ON plan_actions (plan_id, reference)").await?;
        m.create_table(
            Table::create()
                .table("action_leads")
                .col(big_pk_auto("id"))
                .col(big_integer("action_id"))
                .col(big_integer("organisation_id"))
                .foreign_key(&mut fk_cascade("action_leads", "action_id", "plan_actions"))
                .foreign_key(&mut fk("action_leads", "organisation_id", "organisations"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE UNIQUE INDEX action_leads_pair ON action_leads (action_id, organisation_id)")
            .await?;
        conn.execute_unprepared("CREATE INDEX action_leads_org ON action_leads (organisation_id)").await?;
        m.create_table(
            Table::create()
                .table("milestones")
                .col(big_pk_auto("id"))
                .col(big_integer("action_id"))
                .col(text("description"))
                .col(date_null("due_on"))
                .col(boolean("due_month").default(false))
                .col(string("status"))
                .col(string("resource_kind"))
                .col(text_null("resources"))
                .col(big_integer_null("contact_user_id"))
                .col(integer("position"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk_cascade("milestones", "action_id", "plan_actions"))
                .foreign_key(&mut fk("milestones", "contact_user_id", "users"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX milestones_action ON milestones (action_id, position)").await?;
        conn.execute_unprepared("CREATE INDEX milestones_due ON milestones (due_on)").await?;
        m.create_table(
            Table::create()
                .table("milestone_owners")
                .col(big_pk_auto("id"))
                .col(big_integer("milestone_id"))
                .col(big_integer("organisation_id"))
                .foreign_key(&mut fk_cascade("milestone_owners", "milestone_id", "milestones"))
                .foreign_key(&mut fk("milestone_owners", "organisation_id", "organisations"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared(
            "CREATE UNIQUE INDEX milestone_owners_pair ON milestone_owners (milestone_id, organisation_id)",
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX milestone_owners_org ON milestone_owners (organisation_id)").await?;
        m.create_table(
            Table::create()
                .table("milestone_updates")
                .col(big_pk_auto("id"))
                .col(big_integer("milestone_id"))
                .col(date("written_on"))
                .col(string_null("status"))
                .col(text_null("comment"))
                .col(big_integer_null("organisation_id"))
                .col(big_integer_null("author_user_id"))
                .col(string("author"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk_cascade("milestone_updates", "milestone_id", "milestones"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared(
            "CREATE INDEX milestone_updates_milestone ON milestone_updates (milestone_id, written_on)",
        )
        .await?;
        m.create_table(
            Table::create()
                .table("meeting_items")
                .col(big_pk_auto("id"))
                .col(big_integer("meeting_id"))
                .col(text("description"))
                .col(big_integer_null("owner_organisation_id"))
                .col(date_null("due_on"))
                .col(big_integer_null("milestone_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk_cascade("meeting_items", "meeting_id", "meetings"))
                .foreign_key(&mut fk("meeting_items", "owner_organisation_id", "organisations"))
                .foreign_key(&mut fk("meeting_items", "milestone_id", "milestones"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX meeting_items_meeting ON meeting_items (meeting_id)").await?;
        m.create_table(
            Table::create()
                .table("progress_snapshots")
                .col(big_pk_auto("id"))
                .col(big_integer("plan_id"))
                .col(string("quarter"))
                .col(string("language"))
                .col(timestamp_with_time_zone("taken_at"))
                .col(string("taken_by"))
                .col(text("body"))
                .foreign_key(&mut fk("progress_snapshots", "plan_id", "plans"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX progress_snapshots_plan ON progress_snapshots (plan_id, quarter)")
            .await?;
        // A report as issued stays as issued.
        super::append_only(m, "progress_snapshots").await?;
        Ok(())
    }
}
