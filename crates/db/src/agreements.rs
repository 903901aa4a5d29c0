//! Queries of agreements, the sites they cover, their commitments, targets and documents,
//! and the commitment templates. Every read of a district-owned table takes the caller's
//! [`Scope`].

use crate::entities::{
    activity, agreement, agreement_commitment, agreement_document, agreement_site, agreement_target,
    commitment_template, organisation, recruitment_request,
};
use crate::scope::{self, Scope};
use accord_domain::query::{AgreementColumn, AgreementFilter, AgreementSort};
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, sea_query::IntoCondition,
};

/// `NOT (ended by termination on or before today)`.
fn not_terminated(today: NaiveDate) -> Condition {
    Condition::any().add(agreement::Column::Status.ne("terminated")).add(agreement::Column::TerminatedOn.gte(today))
}

/// The agreements in the given phase on `today`; the same rules as
/// `accord_domain::agreement::Phase::of`.
pub fn phase_condition(phase: &str, today: NaiveDate) -> Result<Condition, &'static str> {
    use agreement::Column as A;
    let running = || Condition::all().add(A::Status.ne("draft")).add(not_terminated(today));
    Ok(match phase {
        "draft" => Condition::all().add(A::Status.eq("draft")),
        "terminated" => Condition::all()
            .add(A::Status.eq("terminated"))
            .add(Condition::any().add(A::TerminatedOn.is_null()).add(A::TerminatedOn.lt(today))),
        "upcoming" => running().add(A::StartDate.gt(today)),
        "ended" => running().add(A::StartDate.lte(today)).add(A::EndDate.lt(today)),
        "active" => running()
            .add(A::StartDate.lte(today))
            .add(Condition::any().add(A::EndDate.is_null()).add(A::EndDate.gte(today))),
        _ => return Err("agreement.phase_unknown"),
    })
}

/// Agreements in force on `day`: not drafts, started, and neither ended nor terminated
/// before it. Terminated agreements count up to their termination date.
pub fn in_force_on(day: NaiveDate) -> Condition {
    use agreement::Column as A;
    Condition::all()
        .add(A::Status.ne("draft"))
        .add(A::StartDate.lte(day))
        .add(Condition::any().add(A::EndDate.is_null()).add(A::EndDate.gte(day)))
        .add(Condition::any().add(A::TerminatedOn.is_null()).add(A::TerminatedOn.gte(day)))
}

fn site_join() -> sea_orm::RelationDef {
    agreement_site::Entity::belongs_to(agreement::Entity)
        .from(agreement_site::Column::AgreementId)
        .to(agreement::Column::Id)
        .into()
}

/// The most holders a search narrows to by id; a broader search stays a subquery.
const HOLDER_IDS: u64 = 2_000;

/// The organisations of the scope a search text finds (as the directory's search finds
/// them), when there are at most [`HOLDER_IDS`]: looked up first, so that the agreement query
/// starts from their few agreements instead of testing every agreement against the search.
/// PostgreSQL only: there the subquery made the planner walk the agreements newest first and
/// test each (43 ms at 100,000 organisations; 3.4 ms looked up first). SQLite plans the
/// subquery well (6 ms) and the separate lookup badly (167 ms), so it keeps the subquery.
pub async fn holder_ids<C: ConnectionTrait>(c: &C, scope: &Scope, text: &str) -> Result<Option<Vec<i64>>, DbErr> {
    let text = text.trim();
    if text.is_empty() || c.get_database_backend() != sea_orm::DbBackend::Postgres {
        return Ok(None);
    }
    let ids: Vec<i64> = holder_search(c.get_database_backend(), scope, text).into_tuple().all(c).await?;
    Ok((ids.len() as u64 <= HOLDER_IDS).then_some(ids))
}

/// The query behind [`holder_ids`].
pub fn holder_search(backend: sea_orm::DbBackend, scope: &Scope, text: &str) -> sea_orm::Select<organisation::Entity> {
    scope::find::<organisation::Entity>(scope)
        .select_only()
        .column(organisation::Column::Id)
        .filter(crate::search::search_condition_on(backend, text, "organisations.id"))
        .limit(HOLDER_IDS + 1)
}

fn filtered(
    backend: sea_orm::DbBackend,
    scope: &Scope,
    f: &AgreementFilter,
    holders: Option<&[i64]>,
) -> Result<sea_orm::Select<agreement::Entity>, &'static str> {
    use agreement::Column as A;
    let mut q = scope::find::<agreement::Entity>(scope);
    if let Some(text) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        // The holder as the directory's search finds it (name fragment, identifier, contact).
        let by_holder = match holders {
            Some(ids) => Condition::all().add(A::OrganisationId.is_in(ids.iter().copied())),
            None => crate::search::search_condition_on(backend, text, "agreements.organisation_id"),
        };
        q = q.filter(Condition::any().add(A::Ref.eq(text)).add(by_holder));
    }
    if let Some(k) = f.kind.as_deref().filter(|k| !k.is_empty()) {
        q = q.filter(A::Kind.eq(k));
    }
    if let Some(p) = f.phase.as_deref().filter(|p| !p.is_empty()) {
        q = q.filter(phase_condition(p, f.today)?);
    }
    if let Some(o) = f.organisation_id {
        let covering = sea_orm::sea_query::Query::select()
            .column(agreement_site::Column::AgreementId)
            .from(agreement_site::Entity)
            .and_where(agreement_site::Column::OrganisationId.eq(o))
            .to_owned();
        q = q.filter(Condition::any().add(A::OrganisationId.eq(o)).add(A::Id.in_subquery(covering)));
    }
    if let Some(am) = f.account_manager_id {
        q = q.filter(A::AccountManagerId.eq(am));
    }
    if let Some(by) = f.review_due_by {
        q = q
            .filter(phase_condition("active", f.today)?)
            .filter(Condition::any().add(A::ReviewOn.lte(by)).add(A::EndDate.lte(by)).add(A::TerminatedOn.lte(by)));
    }
    if let Some(d) = f.district_id {
        q = q.filter(A::DistrictId.eq(d));
    }
    Ok(q)
}

/// The agreements that match the filter, with the search's holders looked up first where
/// that is faster ([`holder_ids`]); `Err` names an unknown phase.
async fn matching<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &AgreementFilter,
) -> Result<Result<sea_orm::Select<agreement::Entity>, &'static str>, DbErr> {
    let holders = match f.q.as_deref() {
        Some(text) => holder_ids(c, scope, text).await?,
        None => None,
    };
    Ok(filtered(c.get_database_backend(), scope, f, holders.as_deref()))
}

/// One page of agreements and how many match in all; `Err` names an unknown phase.
pub async fn list_agreements<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &AgreementFilter,
    sort: AgreementSort,
    page: u64,
    per_page: u64,
) -> Result<Result<(Vec<agreement::Model>, u64), &'static str>, DbErr> {
    use agreement::Column as A;
    let q = match matching(c, scope, f).await? {
        Ok(q) => q,
        Err(code) => return Ok(Err(code)),
    };
    let total = q.clone().count(c).await?;
    let by: Expr = match sort.column {
        AgreementColumn::CreatedAt => Expr::col(A::CreatedAt),
        AgreementColumn::Ref => Expr::col(A::Ref),
        AgreementColumn::Kind => Expr::col(A::Kind),
        AgreementColumn::StartDate => Expr::col(A::StartDate),
        // The review date, or the end, whichever comes first; those with neither last.
        AgreementColumn::ReviewDate => Expr::expr(Func::coalesce([
            Expr::col(A::ReviewOn),
            Expr::col(A::EndDate),
            Expr::val(NaiveDate::from_ymd_opt(9999, 12, 31).expect("a date")),
        ])),
    };
    let q = crate::sorted(q, by, A::Id, sort.descending);
    let rows = q.offset(page.saturating_sub(1) * per_page).limit(per_page).all(c).await?;
    Ok(Ok((rows, total)))
}

/// How many agreements match, without reading any of them; `Err` names an unknown phase.
pub async fn count_agreements<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &AgreementFilter,
) -> Result<Result<u64, &'static str>, DbErr> {
    match matching(c, scope, f).await? {
        Ok(q) => Ok(Ok(q.count(c).await?)),
        Err(code) => Ok(Err(code)),
    }
}

/// Every agreement the scope covers, in id order (for export).
pub async fn all_agreements<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<agreement::Model>, DbErr> {
    scope::find::<agreement::Entity>(scope).order_by_asc(agreement::Column::Id).all(c).await
}

pub async fn get_agreement<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i64,
) -> Result<Option<agreement::Model>, DbErr> {
    scope::find::<agreement::Entity>(scope).filter(agreement::Column::Id.eq(id)).one(c).await
}

/// The agreements covering a site in the scope's districts, as a condition on the agreement:
/// how a district that delivers a national agreement reaches it though another district (the
/// national unit) holds it.
fn participating(scope: &Scope) -> Condition {
    let sites_here = sea_orm::sea_query::Query::select()
        .column(organisation::Column::Id)
        .from(organisation::Entity)
        .cond_where(scope::condition(scope, organisation::Column::DistrictId))
        .to_owned();
    let agreements = sea_orm::sea_query::Query::select()
        .column(agreement_site::Column::AgreementId)
        .from(agreement_site::Entity)
        .and_where(agreement_site::Column::OrganisationId.in_subquery(sites_here))
        .to_owned();
    Condition::all().add(agreement::Column::Id.in_subquery(agreements))
}

/// The agreements the scope may read: those its districts hold, and those covering a site in
/// its districts (a national agreement delivered there, read-only).
fn readable(scope: &Scope) -> sea_orm::Select<agreement::Entity> {
    match scope {
        Scope::All => agreement::Entity::find(),
        Scope::Districts(_) => agreement::Entity::find().filter(
            Condition::any().add(scope::condition(scope, agreement::Column::DistrictId)).add(participating(scope)),
        ),
    }
}

/// An agreement the scope holds or takes part in (see [`readable`]); [`get_agreement`] is the
/// one to change it through.
pub async fn get_readable_agreement<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i64,
) -> Result<Option<agreement::Model>, DbErr> {
    readable(scope).filter(agreement::Column::Id.eq(id)).one(c).await
}

pub async fn agreement_by_ref<C: ConnectionTrait>(
    c: &C,
    district_id: i64,
    r: &str,
) -> Result<Option<agreement::Model>, DbErr> {
    agreement::Entity::find()
        .filter(agreement::Column::DistrictId.eq(district_id))
        .filter(agreement::Column::Ref.eq(r.trim()))
        .one(c)
        .await
}

/// The agreements with these ids, in no particular order; any number of ids (a national
/// report's agreements in force are more than one statement takes).
pub async fn agreements_by_ids<C: ConnectionTrait>(c: &C, ids: Vec<i64>) -> Result<Vec<agreement::Model>, DbErr> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(crate::IN_CHUNK) {
        out.extend(agreement::Entity::find().filter(agreement::Column::Id.is_in(chunk.iter().copied())).all(c).await?);
    }
    Ok(out)
}

/// The renewals of `id` (normally one).
pub async fn renewals_of<C: ConnectionTrait>(c: &C, id: i64) -> Result<Vec<agreement::Model>, DbErr> {
    agreement::Entity::find()
        .filter(agreement::Column::PreviousId.eq(id))
        .order_by_asc(agreement::Column::Id)
        .all(c)
        .await
}

pub async fn insert_agreement<C: ConnectionTrait>(
    c: &C,
    am: agreement::ActiveModel,
) -> Result<agreement::Model, DbErr> {
    agreement::Entity::insert(am).exec_with_returning(c).await
}

/// Writes `am` over the agreement if it is still at `version`; false when someone else
/// changed it first.
pub async fn update_agreement<C: ConnectionTrait>(
    c: &C,
    id: i64,
    version: i32,
    mut am: agreement::ActiveModel,
) -> Result<bool, DbErr> {
    am.version = Set(version.saturating_add(1));
    let res = agreement::Entity::update_many()
        .set(am)
        .filter(agreement::Column::Id.eq(id))
        .filter(agreement::Column::Version.eq(version))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

// ---- sites, commitments, targets ----

/// The covered organisations of each agreement in `ids`.
pub async fn sites_of<C: ConnectionTrait>(c: &C, ids: Vec<i64>) -> Result<Vec<agreement_site::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    agreement_site::Entity::find()
        .filter(agreement_site::Column::AgreementId.is_in(ids))
        .order_by_asc(agreement_site::Column::Id)
        .all(c)
        .await
}

pub async fn replace_sites<C: ConnectionTrait>(c: &C, agreement_id: i64, org_ids: &[i64]) -> Result<(), DbErr> {
    agreement_site::Entity::delete_many().filter(agreement_site::Column::AgreementId.eq(agreement_id)).exec(c).await?;
    for o in org_ids {
        agreement_site::Entity::insert(agreement_site::ActiveModel {
            agreement_id: Set(agreement_id),
            organisation_id: Set(*o),
            ..Default::default()
        })
        .exec_without_returning(c)
        .await?;
    }
    Ok(())
}

pub async fn commitments_of<C: ConnectionTrait>(
    c: &C,
    agreement_id: i64,
) -> Result<Vec<agreement_commitment::Model>, DbErr> {
    agreement_commitment::Entity::find()
        .filter(agreement_commitment::Column::AgreementId.eq(agreement_id))
        .order_by_asc(agreement_commitment::Column::Side)
        .order_by_asc(agreement_commitment::Column::Position)
        .all(c)
        .await
}

/// Replaces the commitments: `(side, text)` in order.
pub async fn replace_commitments<C: ConnectionTrait>(
    c: &C,
    agreement_id: i64,
    items: &[(String, String)],
) -> Result<(), DbErr> {
    agreement_commitment::Entity::delete_many()
        .filter(agreement_commitment::Column::AgreementId.eq(agreement_id))
        .exec(c)
        .await?;
    for (i, (side, text)) in items.iter().enumerate() {
        agreement_commitment::Entity::insert(agreement_commitment::ActiveModel {
            agreement_id: Set(agreement_id),
            side: Set(side.clone()),
            text: Set(text.clone()),
            position: Set(i as i32),
            ..Default::default()
        })
        .exec_without_returning(c)
        .await?;
    }
    Ok(())
}

pub async fn targets_of<C: ConnectionTrait>(c: &C, agreement_id: i64) -> Result<Vec<agreement_target::Model>, DbErr> {
    agreement_target::Entity::find()
        .filter(agreement_target::Column::AgreementId.eq(agreement_id))
        .order_by_asc(agreement_target::Column::PeriodStart)
        .order_by_asc(agreement_target::Column::Id)
        .all(c)
        .await
}

pub async fn replace_targets<C: ConnectionTrait>(
    c: &C,
    agreement_id: i64,
    items: Vec<agreement_target::ActiveModel>,
) -> Result<(), DbErr> {
    agreement_target::Entity::delete_many()
        .filter(agreement_target::Column::AgreementId.eq(agreement_id))
        .exec(c)
        .await?;
    for mut t in items {
        t.agreement_id = Set(agreement_id);
        agreement_target::Entity::insert(t).exec_without_returning(c).await?;
    }
    Ok(())
}

// ---- documents ----

/// A document without its bytes, for lists.
#[derive(Debug, Clone, PartialEq, Eq, sea_orm::FromQueryResult)]
pub struct DocumentInfo {
    pub id: i64,
    pub agreement_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: Option<i64>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

pub async fn documents_of<C: ConnectionTrait>(c: &C, agreement_id: i64) -> Result<Vec<DocumentInfo>, DbErr> {
    use agreement_document::Column as D;
    agreement_document::Entity::find()
        .select_only()
        .columns([D::Id, D::AgreementId, D::Filename, D::ContentType, D::Size, D::UploadedBy, D::CreatedAt])
        .filter(D::AgreementId.eq(agreement_id))
        .order_by_asc(D::Id)
        .into_model::<DocumentInfo>()
        .all(c)
        .await
}

pub async fn get_document<C: ConnectionTrait>(
    c: &C,
    agreement_id: i64,
    id: i64,
) -> Result<Option<agreement_document::Model>, DbErr> {
    agreement_document::Entity::find()
        .filter(agreement_document::Column::Id.eq(id))
        .filter(agreement_document::Column::AgreementId.eq(agreement_id))
        .one(c)
        .await
}

pub async fn insert_document<C: ConnectionTrait>(
    c: &C,
    am: agreement_document::ActiveModel,
) -> Result<DocumentInfo, DbErr> {
    let row = agreement_document::Entity::insert(am).exec_with_returning(c).await?;
    Ok(DocumentInfo {
        id: row.id,
        agreement_id: row.agreement_id,
        filename: row.filename,
        content_type: row.content_type,
        size: row.size,
        uploaded_by: row.uploaded_by,
        created_at: row.created_at,
    })
}

pub async fn delete_document<C: ConnectionTrait>(c: &C, agreement_id: i64, id: i64) -> Result<bool, DbErr> {
    let res = agreement_document::Entity::delete_many()
        .filter(agreement_document::Column::Id.eq(id))
        .filter(agreement_document::Column::AgreementId.eq(agreement_id))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

// ---- commitment templates ----

pub async fn templates<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    district_id: Option<i64>,
    include_retired: bool,
) -> Result<Vec<commitment_template::Model>, DbErr> {
    use commitment_template::Column as T;
    let mut q = scope::find::<commitment_template::Entity>(scope);
    if let Some(d) = district_id {
        q = q.filter(T::DistrictId.eq(d));
    }
    if !include_retired {
        q = q.filter(T::Retired.eq(false));
    }
    q.order_by_asc(T::DistrictId).order_by_asc(T::Side).order_by_asc(T::Position).order_by_asc(T::Id).all(c).await
}

pub async fn get_template<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i64,
) -> Result<Option<commitment_template::Model>, DbErr> {
    scope::find::<commitment_template::Entity>(scope).filter(commitment_template::Column::Id.eq(id)).one(c).await
}

pub async fn save_template<C: ConnectionTrait>(
    c: &C,
    am: commitment_template::ActiveModel,
) -> Result<commitment_template::Model, DbErr> {
    use sea_orm::ActiveModelTrait;
    if am.id.is_set() { am.update(c).await } else { am.insert(c).await }
}

// ---- coverage: who held an agreement when ----

/// One organisation covered by one agreement that is in force for part of a period.
#[derive(Debug, Clone, PartialEq, Eq, sea_orm::FromQueryResult)]
pub struct Cover {
    /// The covered organisation: the holder itself or one of the agreement's sites.
    pub organisation_id: i64,
    pub agreement_id: i64,
    /// The organisation that signed the agreement.
    pub holder_id: i64,
    pub district_id: i64,
    pub kind: String,
    pub status: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub terminated_on: Option<NaiveDate>,
}

/// Every (covered organisation, agreement) pair of the given kinds in force on some day of
/// `[from, to]`, in one query.
pub async fn coverage<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    kinds: &[&str],
    from: NaiveDate,
    to: NaiveDate,
    organisation_ids: Option<&[i64]>,
) -> Result<Vec<Cover>, DbErr> {
    use agreement::Column as A;
    let mut q = agreement_site::Entity::find()
        .select_only()
        .column(agreement_site::Column::OrganisationId)
        .column_as(A::Id, "agreement_id")
        .column_as(A::OrganisationId, "holder_id")
        .columns([A::DistrictId, A::Kind, A::Status, A::StartDate, A::EndDate, A::TerminatedOn])
        .join(JoinType::InnerJoin, site_join())
        .filter(crate::scope::condition(scope, A::DistrictId))
        .filter(A::Status.ne("draft"))
        .filter(A::Kind.is_in(kinds.iter().copied()))
        .filter(A::StartDate.lte(to))
        .filter(Condition::any().add(A::EndDate.is_null()).add(A::EndDate.gte(from)))
        .filter(Condition::any().add(A::TerminatedOn.is_null()).add(A::TerminatedOn.gte(from)));
    if let Some(ids) = organisation_ids {
        q = q.filter(agreement_site::Column::OrganisationId.is_in(ids.iter().copied()));
    }
    q.order_by_asc(agreement_site::Column::OrganisationId).order_by_asc(A::StartDate).into_model::<Cover>().all(c).await
}

/// The days of [`coverage`] as plain values, for counting at scale: `(covered organisation,
/// holder, start, end, terminated on)` of the agreements of `kinds` (not drafts) in force on
/// some day of `[from, to]`.
pub async fn coverage_spans<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    kinds: &[&str],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, i64, NaiveDate, Option<NaiveDate>, Option<NaiveDate>)>, DbErr> {
    use agreement::Column as A;
    agreement_site::Entity::find()
        .select_only()
        .column(agreement_site::Column::OrganisationId)
        .column_as(A::OrganisationId, "holder_id")
        .columns([A::StartDate, A::EndDate, A::TerminatedOn])
        .join(JoinType::InnerJoin, site_join())
        .filter(crate::scope::condition(scope, A::DistrictId))
        .filter(A::Status.ne("draft"))
        .filter(A::Kind.is_in(kinds.iter().copied()))
        .filter(A::StartDate.lte(to))
        .filter(Condition::any().add(A::EndDate.is_null()).add(A::EndDate.gte(from)))
        .filter(Condition::any().add(A::TerminatedOn.is_null()).add(A::TerminatedOn.gte(from)))
        .into_tuple()
        .all(c)
        .await
}

/// Makes the overlap checks of one district take turns until the transaction ends, so that
/// two agreements checked at the same time cannot both pass and then clash. PostgreSQL only:
/// SQLite's write transactions already take turns.
pub async fn lock_overlap_check<C: ConnectionTrait>(c: &C, district_id: i64) -> Result<(), DbErr> {
    if c.get_database_backend() != sea_orm::DbBackend::Postgres {
        return Ok(());
    }
    c.execute_raw(sea_orm::Statement::from_sql_and_values(
        sea_orm::DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock(hashtext('accord.agreement_overlap'), $1::int)",
        [(district_id as i32).into()],
    ))
    .await
    .map(|_| ())
}

/// Agreements of `kind` (not drafts) that cover any of `org_ids`: the candidates for an
/// overlap, which the caller checks day by day.
pub async fn covering<C: ConnectionTrait>(
    c: &C,
    district_id: i64,
    kind: &str,
    org_ids: &[i64],
    except: Option<i64>,
) -> Result<Vec<Cover>, DbErr> {
    use agreement::Column as A;
    if org_ids.is_empty() {
        return Ok(vec![]);
    }
    let mut q = agreement_site::Entity::find()
        .select_only()
        .column(agreement_site::Column::OrganisationId)
        .column_as(A::Id, "agreement_id")
        .column_as(A::OrganisationId, "holder_id")
        .columns([A::DistrictId, A::Kind, A::Status, A::StartDate, A::EndDate, A::TerminatedOn])
        .join(JoinType::InnerJoin, site_join())
        .filter(A::DistrictId.eq(district_id))
        .filter(A::Status.ne("draft"))
        .filter(A::Kind.eq(kind))
        .filter(agreement_site::Column::OrganisationId.is_in(org_ids.iter().copied()));
    if let Some(id) = except {
        q = q.filter(A::Id.ne(id));
    }
    q.into_model::<Cover>().all(c).await
}

/// The condition "an agreement (of `kind`, or any) covering this organisation is in force on
/// `day`", or its negation for `kind = none`, for the organisation list.
pub fn organisation_agreement_condition(kind: &str, day: NaiveDate) -> Condition {
    let mut sub = sea_orm::sea_query::Query::select();
    sub.column((agreement_site::Entity, agreement_site::Column::OrganisationId))
        .from(agreement_site::Entity)
        .inner_join(
            agreement::Entity,
            Expr::col((agreement::Entity, agreement::Column::Id))
                .equals((agreement_site::Entity, agreement_site::Column::AgreementId)),
        )
        .cond_where(in_force_on(day));
    if kind != "any" && kind != "none" {
        sub.and_where(Expr::col((agreement::Entity, agreement::Column::Kind)).eq(kind));
    }
    let cond = organisation::Column::Id.in_subquery(sub.to_owned()).into_condition();
    if kind == "none" { cond.not() } else { cond }
}

/// Agreements whose holder or sites include `org_id`, newest first.
pub async fn agreements_for_organisation<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    org_id: i64,
) -> Result<Vec<agreement::Model>, DbErr> {
    let covering = sea_orm::sea_query::Query::select()
        .column(agreement_site::Column::AgreementId)
        .from(agreement_site::Entity)
        .and_where(agreement_site::Column::OrganisationId.eq(org_id))
        .to_owned();
    readable(scope)
        .filter(
            Condition::any()
                .add(agreement::Column::OrganisationId.eq(org_id))
                .add(agreement::Column::Id.in_subquery(covering)),
        )
        .order_by_desc(agreement::Column::StartDate)
        .order_by_desc(agreement::Column::Id)
        .limit(200)
        .all(c)
        .await
}

// ---- progress: what was recorded at the covered sites ----

/// Activities started in `[from, to]` at `org_ids` (only those with `outcome` when given), per
/// district that recorded them: each district's share of an agreement's progress.
pub async fn activity_shares<C: ConnectionTrait>(
    c: &C,
    org_ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
    outcome: Option<&str>,
) -> Result<Vec<(i64, i64)>, DbErr> {
    if org_ids.is_empty() {
        return Ok(vec![]);
    }
    use activity::Column as A;
    let mut q = activity::Entity::find()
        .select_only()
        .column(A::DistrictId)
        .column_as(Expr::col(A::Id).count(), "n")
        .filter(A::OrganisationId.is_in(org_ids.iter().copied()))
        .filter(A::StartDate.between(from, to));
    if let Some(o) = outcome {
        q = q.filter(A::Outcome.eq(o));
    }
    q.group_by(A::DistrictId).order_by_asc(A::DistrictId).into_tuple().all(c).await
}

/// Hires through recruitment requests received in `[from, to]` at `org_ids`, per district
/// that recorded the request.
pub async fn hire_shares<C: ConnectionTrait>(
    c: &C,
    org_ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, i64)>, DbErr> {
    if org_ids.is_empty() {
        return Ok(vec![]);
    }
    use recruitment_request::Column as R;
    let rows: Vec<(i64, Option<i64>)> = recruitment_request::Entity::find()
        .select_only()
        .column(R::DistrictId)
        .column_as(Expr::col(R::Hires).sum().cast_as("bigint"), "n")
        .filter(R::OrganisationId.is_in(org_ids.iter().copied()))
        .filter(R::ReceivedDate.between(from, to))
        .group_by(R::DistrictId)
        .order_by_asc(R::DistrictId)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows.into_iter().map(|(d, n)| (d, n.unwrap_or(0))).collect())
}

/// Moves what belongs to `merged` to `survivor` when two organisation records are merged:
/// the agreements it held, the sites it was covered as, and its activities and requests.
pub async fn merge_organisation<C: ConnectionTrait>(c: &C, survivor: i64, merged: i64) -> Result<(), DbErr> {
    agreement::Entity::update_many()
        .col_expr(agreement::Column::OrganisationId, Expr::value(survivor))
        .filter(agreement::Column::OrganisationId.eq(merged))
        .exec(c)
        .await?;
    // An agreement that covered both keeps one row for the survivor.
    let both = sea_orm::sea_query::Query::select()
        .column(agreement_site::Column::AgreementId)
        .from(agreement_site::Entity)
        .and_where(agreement_site::Column::OrganisationId.eq(survivor))
        .to_owned();
    agreement_site::Entity::delete_many()
        .filter(agreement_site::Column::OrganisationId.eq(merged))
        .filter(agreement_site::Column::AgreementId.in_subquery(both))
        .exec(c)
        .await?;
    agreement_site::Entity::update_many()
        .col_expr(agreement_site::Column::OrganisationId, Expr::value(survivor))
        .filter(agreement_site::Column::OrganisationId.eq(merged))
        .exec(c)
        .await?;
    activity::Entity::update_many()
        .col_expr(activity::Column::OrganisationId, Expr::value(survivor))
        .filter(activity::Column::OrganisationId.eq(merged))
        .exec(c)
        .await?;
    recruitment_request::Entity::update_many()
        .col_expr(recruitment_request::Column::OrganisationId, Expr::value(survivor))
        .filter(recruitment_request::Column::OrganisationId.eq(merged))
        .exec(c)
        .await?;
    Ok(())
}

/// The two statements the agreement list runs (the total and the first page, newest first),
/// for the benchmarks' baseline; `Err` names an unknown phase.
pub fn list_statements(
    backend: sea_orm::DbBackend,
    scope: &Scope,
    f: &AgreementFilter,
    holders: Option<&[i64]>,
    per_page: u64,
) -> Result<(sea_orm::Statement, sea_orm::Statement), &'static str> {
    use sea_orm::QueryTrait;
    let q = filtered(backend, scope, f, holders)?;
    let count = q.clone().select_only().column_as(agreement::Column::Id.count(), "n").build(backend);
    let rows = q
        .order_by_desc(agreement::Column::CreatedAt)
        .order_by_desc(agreement::Column::Id)
        .limit(per_page)
        .build(backend);
    Ok((count, rows))
}
