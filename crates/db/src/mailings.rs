//! Mailings in the database: consent and bouncing per contact, the district's frequency cap,
//! segments (the organisation list's filter over contacts), mailings, their skipped
//! recipients, and the outbox that every node delivers from.
//!
//! The outbox is shared by the nodes: a node claims due rows with one conditional `UPDATE`
//! (on PostgreSQL over `FOR UPDATE SKIP LOCKED`, so two nodes take different rows; on SQLite
//! writes are serial), holds them until its lease ends, and marks each sent the moment the
//! SMTP server has accepted it, on the condition that it still holds the row.

use crate::entities::{
    activity, contact, contact_bounce, contact_consent, event_registration, mail_cap, mail_outbox, mailing,
    mailing_skip, organisation, segment,
};
use crate::scope::{self, Scope};
use accord_domain::query::OrgFilter;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Statement,
};

/// What selects a segment's organisations: the organisation list's filter, and optionally an
/// activity of a type during a calendar year, and attendance at an event.
#[derive(Debug, Clone, Default)]
pub struct SegmentQuery {
    pub orgs: OrgFilter,
    pub activity_type: Option<String>,
    pub year: i32,
    /// Only organisations whose registration for this event is marked attended.
    pub attended_event: Option<i64>,
}

/// The ids of the organisations the segment selects, as a subquery.
fn organisation_ids(backend: DbBackend, scope: &Scope, s: &SegmentQuery) -> SelectStatement {
    let mut q = crate::directory::filtered(backend, scope, &s.orgs);
    if let Some(t) = s.activity_type.as_deref().filter(|t| !t.is_empty()) {
        let start = NaiveDate::from_ymd_opt(s.year, 1, 1).unwrap_or_default();
        let end = NaiveDate::from_ymd_opt(s.year, 12, 31).unwrap_or_default();
        let mut during = Query::select();
        during
            .column(activity::Column::OrganisationId)
            .from(activity::Entity)
            .and_where(activity::Column::Type.eq(t))
            .and_where(activity::Column::StartDate.lte(end))
            .and_where(activity::Column::EndDate.is_null().or(activity::Column::EndDate.gte(start)));
        q = q.filter(organisation::Column::Id.in_subquery(during));
    }
    if let Some(event_id) = s.attended_event {
        let mut came = Query::select();
        came.column(event_registration::Column::OrganisationId)
            .from(event_registration::Entity)
            .and_where(event_registration::Column::EventId.eq(event_id))
            .and_where(event_registration::Column::Attendance.eq("attended"));
        q = q.filter(organisation::Column::Id.in_subquery(came));
    }
    q.select_only().column(organisation::Column::Id).into_query()
}

/// The contacts at the segment's organisations, and those organisations.
pub async fn segment_contacts<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    s: &SegmentQuery,
) -> Result<(Vec<contact::Model>, Vec<organisation::Model>), DbErr> {
    let backend = c.get_database_backend();
    let contacts = scope::find::<contact::Entity>(scope)
        .filter(contact::Column::OrganisationId.in_subquery(organisation_ids(backend, scope, s)))
        .order_by_asc(contact::Column::Id)
        .all(c)
        .await?;
    let orgs = scope::find::<organisation::Entity>(scope)
        .filter(organisation::Column::Id.in_subquery(organisation_ids(backend, scope, s)))
        .all(c)
        .await?;
    Ok((contacts, orgs))
}

/// The two statements of a segment's preview in their bare form (contacts at the selected
/// organisations, and those organisations), for the benchmarks' baseline.
pub fn segment_statements(backend: DbBackend, scope: &Scope, s: &SegmentQuery) -> (Statement, Statement) {
    let contacts = scope::find::<contact::Entity>(scope)
        .filter(contact::Column::OrganisationId.in_subquery(organisation_ids(backend, scope, s)))
        .build(backend);
    let orgs = scope::find::<organisation::Entity>(scope)
        .filter(organisation::Column::Id.in_subquery(organisation_ids(backend, scope, s)))
        .build(backend);
    (contacts, orgs)
}

/// A segment's reach counted by the database alone: its contacts and the organisations they
/// are at, in one `count` statement (consent, addresses and bounces aside), for the
/// benchmarks' baseline.
pub fn segment_count_statement(backend: DbBackend, scope: &Scope, s: &SegmentQuery) -> Statement {
    scope::find::<contact::Entity>(scope)
        .filter(contact::Column::OrganisationId.in_subquery(organisation_ids(backend, scope, s)))
        .select_only()
        .column_as(Expr::cust("count(*)"), "contacts")
        .column_as(Expr::cust("count(DISTINCT contacts.organisation_id)"), "organisations")
        .build(backend)
}

/// The contacts of the district-scoped ids given whose contact rows the caller may see.
fn contact_subquery(scope: &Scope, ids: &[i64]) -> SelectStatement {
    scope::find::<contact::Entity>(scope)
        .filter(contact::Column::Id.is_in(ids.iter().copied()))
        .select_only()
        .column(contact::Column::Id)
        .into_query()
}

/// Every consent row of these contacts, oldest first (the last per purpose holds).
pub async fn consents_of<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    contact_ids: &[i64],
) -> Result<Vec<contact_consent::Model>, DbErr> {
    let mut out = Vec::new();
    for chunk in contact_ids.chunks(5000) {
        out.extend(
            scope::find::<contact_consent::Entity>(scope)
                .filter(contact_consent::Column::ContactId.in_subquery(contact_subquery(scope, chunk)))
                .order_by_asc(contact_consent::Column::Id)
                .all(c)
                .await?,
        );
    }
    Ok(out)
}

/// Records a consent (or its withdrawal) for one purpose; the rows before it stay as history.
#[allow(clippy::too_many_arguments)]
pub async fn record_consent<C: ConnectionTrait>(
    c: &C,
    district_id: i64,
    contact_id: i64,
    purpose: &str,
    given: bool,
    source: &str,
    recorded_by: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let am = contact_consent::ActiveModel {
        district_id: Set(district_id),
        contact_id: Set(contact_id),
        purpose: Set(purpose.to_owned()),
        given: Set(given),
        source: Set(source.to_owned()),
        recorded_at: Set(now),
        recorded_by: Set(recorded_by),
        ..Default::default()
    };
    contact_consent::Entity::insert(am).exec_without_returning(c).await.map(|_| ())
}

/// The bounces not yet cleared of these contacts.
pub async fn open_bounces_of<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    contact_ids: &[i64],
) -> Result<Vec<contact_bounce::Model>, DbErr> {
    let mut out = Vec::new();
    for chunk in contact_ids.chunks(5000) {
        out.extend(
            scope::find::<contact_bounce::Entity>(scope)
                .filter(contact_bounce::Column::ContactId.in_subquery(contact_subquery(scope, chunk)))
                .filter(contact_bounce::Column::ClearedAt.is_null())
                .all(c)
                .await?,
        );
    }
    Ok(out)
}

/// Every bounce of a contact, newest first.
pub async fn bounces_of_contact<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    contact_id: i64,
) -> Result<Vec<contact_bounce::Model>, DbErr> {
    scope::find::<contact_bounce::Entity>(scope)
        .filter(contact_bounce::Column::ContactId.eq(contact_id))
        .order_by_desc(contact_bounce::Column::Id)
        .all(c)
        .await
}

/// Clears the contact's open bounces; how many there were.
pub async fn clear_bounces<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    contact_id: i64,
    by: &str,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let r = contact_bounce::Entity::update_many()
        .col_expr(contact_bounce::Column::ClearedAt, Expr::value(now))
        .col_expr(contact_bounce::Column::ClearedBy, Expr::value(by))
        .filter(scope::condition(scope, contact_bounce::Column::DistrictId))
        .filter(contact_bounce::Column::ContactId.eq(contact_id))
        .filter(contact_bounce::Column::ClearedAt.is_null())
        .exec(c)
        .await?;
    Ok(r.rows_affected)
}

/// How many mailings each of these contacts was sent (or has queued) since `since`.
pub async fn mailings_since<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    contact_ids: &[i64],
    since: DateTime<Utc>,
) -> Result<Vec<(i64, i64)>, DbErr> {
    #[derive(FromQueryResult)]
    struct Row {
        contact_id: i64,
        n: i64,
    }
    let mut out = Vec::new();
    for chunk in contact_ids.chunks(5000) {
        let rows = scope::find::<mail_outbox::Entity>(scope)
            .filter(mail_outbox::Column::ContactId.in_subquery(contact_subquery(scope, chunk)))
            .filter(mail_outbox::Column::MailingId.is_not_null())
            .filter(mail_outbox::Column::Status.ne("failed"))
            .filter(mail_outbox::Column::CreatedAt.gte(since))
            .select_only()
            .column(mail_outbox::Column::ContactId)
            .column_as(mail_outbox::Column::Id.count(), "n")
            .group_by(mail_outbox::Column::ContactId)
            .into_model::<Row>()
            .all(c)
            .await?;
        out.extend(rows.into_iter().map(|r| (r.contact_id, r.n)));
    }
    Ok(out)
}

pub async fn get_cap<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    district_id: i64,
) -> Result<Option<mail_cap::Model>, DbErr> {
    scope::find::<mail_cap::Entity>(scope).filter(mail_cap::Column::DistrictId.eq(district_id)).one(c).await
}

/// Sets a district's cap (the caller has checked the district is theirs).
pub async fn set_cap<C: ConnectionTrait>(c: &C, scope: &Scope, m: mail_cap::Model) -> Result<(), DbErr> {
    use sea_orm::sea_query::OnConflict;
    if let Scope::Districts(ids) = scope
        && !ids.contains(&m.district_id)
    {
        return Err(DbErr::RecordNotFound("district".into()));
    }
    mail_cap::Entity::insert(mail_cap::ActiveModel {
        district_id: Set(m.district_id),
        max_mailings: Set(m.max_mailings),
        days: Set(m.days),
        updated_at: Set(m.updated_at),
    })
    .on_conflict(
        OnConflict::column(mail_cap::Column::DistrictId)
            .update_columns([mail_cap::Column::MaxMailings, mail_cap::Column::Days, mail_cap::Column::UpdatedAt])
            .to_owned(),
    )
    .exec_without_returning(c)
    .await?;
    Ok(())
}

pub async fn insert_segment<C: ConnectionTrait>(c: &C, am: segment::ActiveModel) -> Result<segment::Model, DbErr> {
    segment::Entity::insert(am).exec_with_returning(c).await
}

pub async fn list_segments<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<segment::Model>, DbErr> {
    scope::find::<segment::Entity>(scope).order_by_desc(segment::Column::Id).all(c).await
}

pub async fn get_segment<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<segment::Model>, DbErr> {
    scope::find::<segment::Entity>(scope).filter(segment::Column::Id.eq(id)).one(c).await
}

pub async fn insert_mailing<C: ConnectionTrait>(c: &C, am: mailing::ActiveModel) -> Result<mailing::Model, DbErr> {
    mailing::Entity::insert(am).exec_with_returning(c).await
}

pub async fn list_mailings<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<mailing::Model>, DbErr> {
    scope::find::<mailing::Entity>(scope).order_by_desc(mailing::Column::Id).all(c).await
}

pub async fn get_mailing<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<mailing::Model>, DbErr> {
    scope::find::<mailing::Entity>(scope).filter(mailing::Column::Id.eq(id)).one(c).await
}

/// Marks a draft mailing sent; false when it was sent already (by another request).
pub async fn mark_mailing_sent<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i64,
    by: i64,
    now: DateTime<Utc>,
    cap_override: Option<String>,
) -> Result<bool, DbErr> {
    let r = mailing::Entity::update_many()
        .col_expr(mailing::Column::Status, Expr::value("sent"))
        .col_expr(mailing::Column::SentAt, Expr::value(now))
        .col_expr(mailing::Column::SentBy, Expr::value(by))
        .col_expr(mailing::Column::CapOverride, Expr::value(cap_override))
        .filter(scope::condition(scope, mailing::Column::DistrictId))
        .filter(mailing::Column::Id.eq(id))
        .filter(mailing::Column::Status.eq("draft"))
        .exec(c)
        .await?;
    Ok(r.rows_affected == 1)
}

pub async fn insert_skips<C: ConnectionTrait>(c: &C, rows: Vec<mailing_skip::ActiveModel>) -> Result<(), DbErr> {
    for chunk in rows.chunks(500) {
        mailing_skip::Entity::insert_many(chunk.to_vec()).exec_without_returning(c).await?;
    }
    Ok(())
}

pub async fn skips_of<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    mailing_id: i64,
) -> Result<Vec<mailing_skip::Model>, DbErr> {
    scope::find::<mailing_skip::Entity>(scope)
        .filter(mailing_skip::Column::MailingId.eq(mailing_id))
        .order_by_asc(mailing_skip::Column::Id)
        .all(c)
        .await
}

/// Queues messages in the outbox.
pub async fn enqueue<C: ConnectionTrait>(c: &C, rows: Vec<mail_outbox::ActiveModel>) -> Result<(), DbErr> {
    for chunk in rows.chunks(200) {
        mail_outbox::Entity::insert_many(chunk.to_vec()).exec_without_returning(c).await?;
    }
    Ok(())
}

/// A mailing's outbox rows, in the order they were queued.
pub async fn outbox_of_mailing<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    mailing_id: i64,
) -> Result<Vec<mail_outbox::Model>, DbErr> {
    scope::find::<mail_outbox::Entity>(scope)
        .filter(mail_outbox::Column::MailingId.eq(mailing_id))
        .order_by_asc(mail_outbox::Column::Id)
        .all(c)
        .await
}

/// Claims up to `limit` due messages for `node` until `until`: rows queued, due, and held by
/// no live claim. Each claim counts as an attempt.
pub async fn claim_due<C: ConnectionTrait>(
    c: &C,
    node: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<mail_outbox::Model>, DbErr> {
    let backend = c.get_database_backend();
    let (p, skip_locked) = match backend {
        DbBackend::Postgres => (["$1", "$2", "$3", "$4"], " FOR UPDATE SKIP LOCKED"),
        _ => (["?", "?", "?", "?"], ""),
    };
    let free = format!(
        "status = 'queued' AND next_attempt_at <= {now} AND (locked_until IS NULL OR locked_until < {now})",
        now = p[2]
    );
    let sql = format!(
        "UPDATE mail_outbox SET locked_by = {node}, locked_until = {until}, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM mail_outbox WHERE {free} ORDER BY id LIMIT {limit}{skip_locked}) AND {free} \
         RETURNING *",
        node = p[0],
        until = p[1],
        limit = p[3],
    );
    // SQLite numbers `?` by position: the same value is given once per use.
    let values: Vec<sea_orm::Value> = match backend {
        DbBackend::Postgres => vec![node.into(), until.into(), now.into(), (limit as i64).into()],
        _ => vec![node.into(), until.into(), now.into(), now.into(), (limit as i64).into(), now.into(), now.into()],
    };
    let rows = c.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
    let mut out = rows.iter().map(|r| mail_outbox::Model::from_query_result(r, "")).collect::<Result<Vec<_>, _>>()?;
    out.sort_by_key(|r| r.id);
    Ok(out)
}

/// Marks a message sent, if `node` still holds it, and logs it in its organisation's contact
/// log when it belongs to a mailing. True when this node held it.
pub async fn mark_sent<C: ConnectionTrait>(c: &C, id: i64, node: &str, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let r = mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::Status, Expr::value("sent"))
        .col_expr(mail_outbox::Column::SentAt, Expr::value(now))
        .col_expr(mail_outbox::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(mail_outbox::Column::Id.eq(id))
        .filter(mail_outbox::Column::LockedBy.eq(node))
        .filter(mail_outbox::Column::Status.eq("queued"))
        .exec(c)
        .await?;
    if r.rows_affected != 1 {
        return Ok(false);
    }
    let backend = c.get_database_backend();
    let p = |n: usize| if backend == DbBackend::Postgres { format!("${n}") } else { "?".to_owned() };
    let sql = format!(
        "INSERT INTO interactions (district_id, organisation_id, kind, occurred_on, staff_user_id, people, summary, created_at, version) \
         SELECT o.district_id, o.organisation_id, 'email', {}, m.sent_by, o.email, {} || m.subject, {}, 1 \
         FROM mail_outbox o JOIN mailings m ON m.id = o.mailing_id \
         WHERE o.id = {} AND o.organisation_id IS NOT NULL AND m.sent_by IS NOT NULL",
        p(1),
        p(2),
        p(3),
        p(4)
    );
    let values: Vec<sea_orm::Value> = vec![now.date_naive().into(), "Mailing: ".into(), now.into(), id.into()];
    c.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
    Ok(true)
}

/// Puts a message back in the queue, due at `next`, after a temporary failure.
pub async fn retry_later<C: ConnectionTrait>(
    c: &C,
    id: i64,
    node: &str,
    next: DateTime<Utc>,
    error: &str,
) -> Result<(), DbErr> {
    mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::NextAttemptAt, Expr::value(next))
        .col_expr(mail_outbox::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(mail_outbox::Column::LastError, Expr::value(error))
        .filter(mail_outbox::Column::Id.eq(id))
        .filter(mail_outbox::Column::LockedBy.eq(node))
        .filter(mail_outbox::Column::Status.eq("queued"))
        .exec(c)
        .await?;
    Ok(())
}

/// Gives up a message for good; with `bounce`, marks its contact's address bouncing.
pub async fn fail<C: ConnectionTrait>(
    c: &C,
    row: &mail_outbox::Model,
    node: &str,
    error: &str,
    bounce: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let r = mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::Status, Expr::value("failed"))
        .col_expr(mail_outbox::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(mail_outbox::Column::LastError, Expr::value(error))
        .filter(mail_outbox::Column::Id.eq(row.id))
        .filter(mail_outbox::Column::LockedBy.eq(node))
        .filter(mail_outbox::Column::Status.eq("queued"))
        .exec(c)
        .await?;
    if r.rows_affected == 1
        && bounce
        && let Some(contact_id) = row.contact_id
    {
        contact_bounce::Entity::insert(contact_bounce::ActiveModel {
            district_id: Set(row.district_id),
            contact_id: Set(contact_id),
            email: Set(row.email.clone()),
            reason: Set(error.to_owned()),
            marked_at: Set(now),
            cleared_at: Set(None),
            cleared_by: Set(None),
            ..Default::default()
        })
        .exec_without_returning(c)
        .await?;
    }
    Ok(())
}

/// Releases this node's claims on messages it did not get to.
pub async fn release<C: ConnectionTrait>(c: &C, ids: &[i64], node: &str) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(mail_outbox::Column::Id.is_in(ids.iter().copied()))
        .filter(mail_outbox::Column::LockedBy.eq(node))
        .filter(mail_outbox::Column::Status.eq("queued"))
        .exec(c)
        .await?;
    Ok(())
}
