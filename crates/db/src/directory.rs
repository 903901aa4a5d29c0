//! Queries of the employer directory. Every read takes the caller's [`Scope`].

use crate::entities::{
    account_manager_period, contact, interaction, organisation, organisation_alias, organisation_count,
};
use crate::scope::{self, Scope};
use crate::search::{like_pattern, search_condition_on};
use accord_domain::query::{OrgColumn, OrgFilter, OrgSort};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

/// The organisations a search text finds, as one `id IN (… UNION …)`: each arm can use its
/// own index (the trigram index for name fragments; plain indexes for identifiers and e-mail),
/// where one `OR` over them would scan the table.
fn search_condition(backend: DbBackend, q: &str) -> Condition {
    search_condition_on(backend, q, "organisations.id")
}

pub(crate) fn filtered(backend: DbBackend, scope: &Scope, f: &OrgFilter) -> sea_orm::Select<organisation::Entity> {
    let mut q = scope::find::<organisation::Entity>(scope);
    if let Some(text) = f.q.as_deref().filter(|t| !t.trim().is_empty()) {
        q = q.filter(search_condition(backend, text));
    }
    let eq = |q: sea_orm::Select<organisation::Entity>, col: organisation::Column, v: &Option<String>| match v
        .as_deref()
        .filter(|v| !v.is_empty())
    {
        Some(v) => q.filter(col.eq(v)),
        None => q,
    };
    q = eq(q, organisation::Column::Kind, &f.kind);
    q = eq(q, organisation::Column::Level, &f.level);
    q = eq(q, organisation::Column::Sector, &f.sector);
    q = eq(q, organisation::Column::Ward, &f.ward);
    q = eq(q, organisation::Column::Status, &f.status);
    q = eq(q, organisation::Column::SizeBand, &f.size_band);
    if let Some(am) = f.account_manager_id {
        q = q.filter(organisation::Column::AccountManagerId.eq(am));
    }
    if f.no_account_manager {
        q = q.filter(organisation::Column::AccountManagerId.is_null());
    }
    if let Some(p) = f.parent_id {
        q = q.filter(organisation::Column::ParentId.eq(p));
    }
    if f.top_level_only {
        q = q.filter(organisation::Column::ParentId.is_null());
    }
    if let Some(d) = f.district_id {
        q = q.filter(organisation::Column::DistrictId.eq(d));
    }
    if let Some(a) = f.agreement.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        let today = chrono::Utc::now().date_naive();
        q = q.filter(crate::agreements::organisation_agreement_condition(a, today));
    }
    q
}

/// True when the filter narrows nothing but, at most, the district.
fn is_unfiltered(f: &OrgFilter) -> bool {
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    [&f.q, &f.kind, &f.level, &f.sector, &f.ward, &f.status, &f.size_band, &f.agreement].into_iter().all(blank)
        && f.account_manager_id.is_none()
        && !f.no_account_manager
        && f.parent_id.is_none()
        && !f.top_level_only
}

/// The total of a list without filters, from the counts the triggers keep; `None` when the
/// list is filtered and must be counted.
async fn unfiltered_total<C: ConnectionTrait>(c: &C, scope: &Scope, f: &OrgFilter) -> Result<Option<u64>, DbErr> {
    if !is_unfiltered(f) {
        return Ok(None);
    }
    let mut q = organisation_count::Entity::find()
        .filter(crate::scope::condition(scope, organisation_count::Column::DistrictId));
    if let Some(d) = f.district_id {
        q = q.filter(organisation_count::Column::DistrictId.eq(d));
    }
    let rows = q.all(c).await?;
    Ok(Some(rows.iter().map(|r| std::cmp::max(r.n, 0) as u64).sum()))
}

/// One page of organisations, and how many match in all.
pub async fn list_organisations<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &OrgFilter,
    sort: OrgSort,
    page: u64,
    per_page: u64,
) -> Result<(Vec<organisation::Model>, u64), DbErr> {
    let q = filtered(c.get_database_backend(), scope, f);
    let total = match unfiltered_total(c, scope, f).await? {
        Some(n) => n,
        None => q.clone().count(c).await?,
    };
    use organisation::Column as O;
    let by = match sort.column {
        OrgColumn::CreatedAt => O::CreatedAt,
        OrgColumn::Name => O::NameNorm,
        OrgColumn::Kind => O::Kind,
        OrgColumn::Sector => O::Sector,
        OrgColumn::Ward => O::Ward,
        OrgColumn::Status => O::Status,
    };
    let q = crate::sorted(q, by, O::Id, sort.descending);
    let rows = q.offset(page.saturating_sub(1) * per_page).limit(per_page).all(c).await?;
    Ok((rows, total))
}

/// The two statements a list page runs (the total and the page), for the benchmarks' baseline.
pub fn list_statements(
    backend: DbBackend,
    scope: &Scope,
    f: &OrgFilter,
    page: u64,
    per_page: u64,
) -> (sea_orm::Statement, sea_orm::Statement) {
    use sea_orm::QueryTrait;
    let q = filtered(backend, scope, f);
    let count = if is_unfiltered(f) {
        organisation_count::Entity::find()
            .filter(crate::scope::condition(scope, organisation_count::Column::DistrictId))
            .build(backend)
    } else {
        q.clone().select_only().column_as(organisation::Column::Id.count(), "n").build(backend)
    };
    let rows = q
        .order_by_desc(organisation::Column::CreatedAt)
        .order_by_desc(organisation::Column::Id)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .build(backend);
    (count, rows)
}

/// Every organisation matching the filter, for export, in id order.
pub async fn all_organisations<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &OrgFilter,
) -> Result<Vec<organisation::Model>, DbErr> {
    filtered(c.get_database_backend(), scope, f).order_by_asc(organisation::Column::Id).all(c).await
}

pub async fn get_organisation<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i64,
) -> Result<Option<organisation::Model>, DbErr> {
    scope::find::<organisation::Entity>(scope).filter(organisation::Column::Id.eq(id)).one(c).await
}

pub async fn organisations_by_ids<C: ConnectionTrait>(c: &C, ids: Vec<i64>) -> Result<Vec<organisation::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    organisation::Entity::find().filter(organisation::Column::Id.is_in(ids)).all(c).await
}

/// The organisations directly under `id` (at most 500), by name. Sorted here rather than
/// by the database, which would otherwise walk the name index past every organisation of the
/// district to find a few children.
pub async fn children<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Vec<organisation::Model>, DbErr> {
    let mut rows = scope::find::<organisation::Entity>(scope)
        .filter(organisation::Column::ParentId.eq(id))
        .limit(500)
        .all(c)
        .await?;
    rows.sort_by(|a, b| a.name_norm.cmp(&b.name_norm).then(a.id.cmp(&b.id)));
    Ok(rows)
}

/// How many direct children each of `ids` has.
pub async fn child_counts<C: ConnectionTrait>(c: &C, ids: Vec<i64>) -> Result<Vec<(i64, i64)>, DbErr> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    organisation::Entity::find()
        .select_only()
        .column(organisation::Column::ParentId)
        .column_as(organisation::Column::Id.count(), "n")
        .filter(organisation::Column::ParentId.is_in(ids))
        .group_by(organisation::Column::ParentId)
        .into_tuple()
        .all(c)
        .await
}

/// The chain of parents of `id`, nearest first (at most 20 levels).
pub async fn ancestors<C: ConnectionTrait>(c: &C, id: i64) -> Result<Vec<organisation::Model>, DbErr> {
    let mut out = Vec::new();
    let mut next = organisation::Entity::find_by_id(id).one(c).await?.and_then(|o| o.parent_id);
    while let Some(pid) = next {
        if out.len() >= 20 || out.iter().any(|o: &organisation::Model| o.id == pid) {
            break;
        }
        let Some(p) = organisation::Entity::find_by_id(pid).one(c).await? else { break };
        next = p.parent_id;
        out.push(p);
    }
    Ok(out)
}

/// The organisation in `district_id` known by `value` as its ref, CVR (not a site),
/// P-number, Companies House number, or a merged record's identifier.
pub async fn resolve_ref<C: ConnectionTrait>(
    c: &C,
    district_id: i64,
    value: &str,
) -> Result<Option<organisation::Model>, DbErr> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let compact: String = v.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    let in_district = organisation::Entity::find().filter(organisation::Column::DistrictId.eq(district_id));
    if let Some(o) = in_district.clone().filter(organisation::Column::Ref.eq(v)).one(c).await? {
        return Ok(Some(o));
    }
    if let Some(o) = in_district
        .clone()
        .filter(
            Condition::any().add(organisation::Column::PNumber.eq(compact.clone())).add(
                Condition::all().add(organisation::Column::Level.ne("site")).add(
                    Condition::any()
                        .add(organisation::Column::Cvr.eq(compact.clone()))
                        .add(organisation::Column::CompaniesHouse.eq(compact.clone())),
                ),
            ),
        )
        .one(c)
        .await?
    {
        return Ok(Some(o));
    }
    let alias = organisation_alias::Entity::find()
        .filter(organisation_alias::Column::DistrictId.eq(district_id))
        .filter(
            Condition::any()
                .add(organisation_alias::Column::Value.eq(v))
                .add(organisation_alias::Column::Value.eq(compact)),
        )
        .one(c)
        .await?;
    match alias {
        Some(a) => organisation::Entity::find_by_id(a.organisation_id).one(c).await,
        None => Ok(None),
    }
}

/// The fewest characters of a name that find organisations by it: one letter would find
/// an organisation by chance.
pub const NAME_PART_MIN: usize = 2;

/// The organisations a typed text names among the districts of the scope, at most `limit` of
/// them by name, and how many there are in all. An exact reference, then an identifier (CVR,
/// P-number, Companies House number), then a merged record's identifier names its
/// organisation as [`resolve_ref`] does; only when none does, every organisation whose name
/// contains the text, of at least [`NAME_PART_MIN`] characters (case does not matter: the text is compared with the lower-cased name
/// stored beside it, so Danish letters match on both databases).
pub async fn match_organisations<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    text: &str,
    limit: u64,
) -> Result<(u64, Vec<organisation::Model>), DbErr> {
    let v = crate::search::without_controls(text);
    let v = v.trim();
    if v.is_empty() {
        return Ok((0, Vec::new()));
    }
    let compact: String = v.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    let by_name = || {
        scope::find::<organisation::Entity>(scope)
            .order_by_asc(organisation::Column::NameNorm)
            .order_by_asc(organisation::Column::Id)
    };
    let identifiers = [
        Condition::all().add(organisation::Column::Ref.eq(v)),
        Condition::any().add(organisation::Column::PNumber.eq(compact.clone())).add(
            Condition::all().add(organisation::Column::Level.ne("site")).add(
                Condition::any()
                    .add(organisation::Column::Cvr.eq(compact.clone()))
                    .add(organisation::Column::CompaniesHouse.eq(compact.clone())),
            ),
        ),
    ];
    for cond in identifiers {
        let q = by_name().filter(cond);
        let total = q.clone().count(c).await?;
        if total > 0 {
            return Ok((total, q.limit(limit).all(c).await?));
        }
    }
    let aliased = scope::find::<organisation_alias::Entity>(scope)
        .filter(
            Condition::any()
                .add(organisation_alias::Column::Value.eq(v))
                .add(organisation_alias::Column::Value.eq(compact)),
        )
        .all(c)
        .await?;
    if !aliased.is_empty() {
        let q = by_name().filter(organisation::Column::Id.is_in(aliased.iter().map(|a| a.organisation_id)));
        let total = q.clone().count(c).await?;
        return Ok((total, q.limit(limit).all(c).await?));
    }
    let pattern = like_pattern(v);
    if pattern.chars().count() < NAME_PART_MIN + 2 {
        return Ok((0, Vec::new()));
    }
    let q = by_name().filter(organisation::Column::NameNorm.like(pattern));
    let total = q.clone().count(c).await?;
    Ok((total, q.limit(limit).all(c).await?))
}

/// Another organisation in the district holding this identifier (`field` is `ref`, `cvr`,
/// `p_number` or `companies_house`).
pub async fn holder_of<C: ConnectionTrait>(
    c: &C,
    district_id: i64,
    field: &str,
    value: &str,
    level: &str,
    except: Option<i64>,
) -> Result<Option<organisation::Model>, DbErr> {
    let col = match field {
        "ref" => organisation::Column::Ref,
        "cvr" => organisation::Column::Cvr,
        "p_number" => organisation::Column::PNumber,
        "companies_house" => organisation::Column::CompaniesHouse,
        _ => return Ok(None),
    };
    let mut q =
        organisation::Entity::find().filter(organisation::Column::DistrictId.eq(district_id)).filter(col.eq(value));
    if matches!(field, "cvr" | "companies_house") {
        // Sites carry their company's number; only groups and companies must be unique.
        if level == "site" {
            return Ok(None);
        }
        q = q.filter(organisation::Column::Level.ne("site"));
    }
    if let Some(id) = except {
        q = q.filter(organisation::Column::Id.ne(id));
    }
    q.one(c).await
}

/// Organisations in the district at the same postcode whose name is like `name_norm`.
pub async fn similar<C: ConnectionTrait>(
    c: &C,
    district_id: i64,
    name_norm: &str,
    postcode: &str,
    except: Option<i64>,
) -> Result<Vec<organisation::Model>, DbErr> {
    let first_word = name_norm.split_whitespace().find(|w| w.len() >= 3).unwrap_or(name_norm);
    let mut q = organisation::Entity::find()
        .filter(organisation::Column::DistrictId.eq(district_id))
        .filter(organisation::Column::Postcode.eq(postcode))
        .filter(organisation::Column::NameNorm.like(like_pattern(first_word)));
    if let Some(id) = except {
        q = q.filter(organisation::Column::Id.ne(id));
    }
    q.limit(5).all(c).await
}

pub async fn insert_organisation<C: ConnectionTrait>(
    c: &C,
    am: organisation::ActiveModel,
) -> Result<organisation::Model, DbErr> {
    organisation::Entity::insert(am).exec_with_returning(c).await
}

/// Saves the fields set in `am` if `version` is current; false when it is stale.
pub async fn update_organisation<C: ConnectionTrait>(
    c: &C,
    id: i64,
    version: i32,
    am: organisation::ActiveModel,
) -> Result<bool, DbErr> {
    let res = organisation::Entity::update_many()
        .set(am)
        .col_expr(organisation::Column::Version, Expr::col(organisation::Column::Version).add(1))
        .filter(organisation::Column::Id.eq(id))
        .filter(organisation::Column::Version.eq(version))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Makes `user_id` the account manager from `now`, closing the current period.
pub async fn set_account_manager<C: ConnectionTrait>(
    c: &C,
    org_id: i64,
    user_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    account_manager_period::Entity::update_many()
        .col_expr(account_manager_period::Column::ToAt, Expr::value(now))
        .filter(account_manager_period::Column::OrganisationId.eq(org_id))
        .filter(account_manager_period::Column::ToAt.is_null())
        .exec(c)
        .await?;
    if let Some(uid) = user_id {
        account_manager_period::Entity::insert(account_manager_period::ActiveModel {
            organisation_id: Set(org_id),
            user_id: Set(uid),
            from_at: Set(now),
            to_at: Set(None),
            ..Default::default()
        })
        .exec_without_returning(c)
        .await?;
    }
    Ok(())
}

pub async fn account_manager_history<C: ConnectionTrait>(
    c: &C,
    org_id: i64,
) -> Result<Vec<account_manager_period::Model>, DbErr> {
    account_manager_period::Entity::find()
        .filter(account_manager_period::Column::OrganisationId.eq(org_id))
        .order_by_desc(account_manager_period::Column::FromAt)
        .order_by_desc(account_manager_period::Column::Id)
        .all(c)
        .await
}

/// The organisations (in scope) whose account manager is `user_id`.
pub async fn portfolio<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    user_id: i64,
) -> Result<Vec<organisation::Model>, DbErr> {
    scope::find::<organisation::Entity>(scope)
        .filter(organisation::Column::AccountManagerId.eq(user_id))
        .order_by_asc(organisation::Column::NameNorm)
        .all(c)
        .await
}

pub async fn aliases<C: ConnectionTrait>(c: &C, org_id: i64) -> Result<Vec<organisation_alias::Model>, DbErr> {
    organisation_alias::Entity::find()
        .filter(organisation_alias::Column::OrganisationId.eq(org_id))
        .order_by_asc(organisation_alias::Column::Id)
        .all(c)
        .await
}

/// Moves the merged organisation's event registrations, invitations, co-hosting, featured
/// pieces, queued mail, award nominations and awards won to the survivor. Where both were on
/// one event's hosts, one piece's featured list or nominated for one award, the survivor's row
/// stays and the merged one goes (a pair is unique).
async fn merge_outreach<C: ConnectionTrait>(c: &C, survivor: i64, merged: i64) -> Result<(), DbErr> {
    let (s, m) = (survivor, merged);
    for (table, key) in [
        ("event_hosts", "event_id"),
        ("communication_organisations", "communication_id"),
        ("award_nominations", "award_id"),
    ] {
        c.execute_unprepared(&format!(
            "DELETE FROM {table} WHERE organisation_id = {m} AND {key} IN \
             (SELECT {key} FROM {table} WHERE organisation_id = {s})"
        ))
        .await?;
    }
    for table in [
        "event_hosts",
        "communication_organisations",
        "event_registrations",
        "event_invitations",
        "mail_outbox",
        "award_nominations",
    ] {
        c.execute_unprepared(&format!("UPDATE {table} SET organisation_id = {s} WHERE organisation_id = {m}")).await?;
    }
    c.execute_unprepared(&format!("UPDATE awards SET winner_id = {s} WHERE winner_id = {m}")).await?;
    Ok(())
}

/// Moves everything of `merged` to `survivor`, keeps `merged`'s identifiers as aliases of
/// `survivor`, and deletes `merged`.
pub async fn merge<C: ConnectionTrait>(
    c: &C,
    survivor: &organisation::Model,
    merged: &organisation::Model,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    contact::Entity::update_many()
        .col_expr(contact::Column::OrganisationId, Expr::value(survivor.id))
        .col_expr(contact::Column::IsPrimary, Expr::value(false))
        .filter(contact::Column::OrganisationId.eq(merged.id))
        .exec(c)
        .await?;
    interaction::Entity::update_many()
        .col_expr(interaction::Column::OrganisationId, Expr::value(survivor.id))
        .filter(interaction::Column::OrganisationId.eq(merged.id))
        .exec(c)
        .await?;
    organisation::Entity::update_many()
        .col_expr(organisation::Column::ParentId, Expr::value(survivor.id))
        .filter(organisation::Column::ParentId.eq(merged.id))
        .exec(c)
        .await?;
    organisation_alias::Entity::update_many()
        .col_expr(organisation_alias::Column::OrganisationId, Expr::value(survivor.id))
        .filter(organisation_alias::Column::OrganisationId.eq(merged.id))
        .exec(c)
        .await?;
    let ids = [
        ("ref", Some(merged.r#ref.clone())),
        ("cvr", merged.cvr.clone()),
        ("p_number", merged.p_number.clone()),
        ("companies_house", merged.companies_house.clone()),
    ];
    for (kind, value) in ids {
        if let Some(v) = value {
            organisation_alias::Entity::insert(organisation_alias::ActiveModel {
                organisation_id: Set(survivor.id),
                district_id: Set(survivor.district_id),
                kind: Set(kind.to_owned()),
                value: Set(v),
                merged_name: Set(merged.name.clone()),
                created_at: Set(now),
                ..Default::default()
            })
            .exec_without_returning(c)
            .await?;
        }
    }
    crate::agreements::merge_organisation(c, survivor.id, merged.id).await?;
    merge_outreach(c, survivor.id, merged.id).await?;
    account_manager_period::Entity::delete_many()
        .filter(account_manager_period::Column::OrganisationId.eq(merged.id))
        .exec(c)
        .await?;
    organisation::Entity::delete_by_id(merged.id).exec(c).await?;
    organisation::Entity::update_many()
        .col_expr(organisation::Column::UpdatedAt, Expr::value(now))
        .col_expr(organisation::Column::Version, Expr::col(organisation::Column::Version).add(1))
        .filter(organisation::Column::Id.eq(survivor.id))
        .exec(c)
        .await?;
    Ok(())
}

// ---- contacts ----

pub async fn contacts_of<C: ConnectionTrait>(c: &C, org_id: i64) -> Result<Vec<contact::Model>, DbErr> {
    contact::Entity::find()
        .filter(contact::Column::OrganisationId.eq(org_id))
        .order_by_desc(contact::Column::IsPrimary)
        .order_by_asc(contact::Column::NameNorm)
        .all(c)
        .await
}

pub async fn get_contact<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<contact::Model>, DbErr> {
    scope::find::<contact::Entity>(scope).filter(contact::Column::Id.eq(id)).one(c).await
}

pub async fn contact_by_ref<C: ConnectionTrait>(
    c: &C,
    district_id: i64,
    r: &str,
) -> Result<Option<contact::Model>, DbErr> {
    contact::Entity::find()
        .filter(contact::Column::DistrictId.eq(district_id))
        .filter(contact::Column::Ref.eq(r))
        .one(c)
        .await
}

/// Contacts matching `q` (name or e-mail), one page, newest first unless sorted by name.
pub async fn list_contacts<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    q: Option<&str>,
    by_name: bool,
    page: u64,
    per_page: u64,
) -> Result<(Vec<contact::Model>, u64), DbErr> {
    let mut query = scope::find::<contact::Entity>(scope);
    if let Some(q) = q.filter(|q| !q.trim().is_empty()) {
        query = query.filter(
            Condition::any()
                .add(contact::Column::NameNorm.like(like_pattern(q)))
                .add(contact::Column::Email.like(like_pattern(q)))
                .add(contact::Column::Ref.eq(q.trim())),
        );
    }
    let total = query.clone().count(c).await?;
    let query = if by_name {
        query.order_by_asc(contact::Column::NameNorm).order_by_asc(contact::Column::Id)
    } else {
        query.order_by_desc(contact::Column::CreatedAt).order_by_desc(contact::Column::Id)
    };
    let rows = query.offset(page.saturating_sub(1) * per_page).limit(per_page).all(c).await?;
    Ok((rows, total))
}

pub async fn all_contacts<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<contact::Model>, DbErr> {
    scope::find::<contact::Entity>(scope).order_by_asc(contact::Column::Id).all(c).await
}

pub async fn insert_contact<C: ConnectionTrait>(c: &C, am: contact::ActiveModel) -> Result<contact::Model, DbErr> {
    contact::Entity::insert(am).exec_with_returning(c).await
}

pub async fn update_contact<C: ConnectionTrait>(
    c: &C,
    id: i64,
    version: i32,
    am: contact::ActiveModel,
) -> Result<bool, DbErr> {
    let res = contact::Entity::update_many()
        .set(am)
        .col_expr(contact::Column::Version, Expr::col(contact::Column::Version).add(1))
        .filter(contact::Column::Id.eq(id))
        .filter(contact::Column::Version.eq(version))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Makes `contact_id` the only primary contact of its organisation.
pub async fn clear_primary<C: ConnectionTrait>(c: &C, org_id: i64, except: i64) -> Result<(), DbErr> {
    contact::Entity::update_many()
        .col_expr(contact::Column::IsPrimary, Expr::value(false))
        .filter(contact::Column::OrganisationId.eq(org_id))
        .filter(contact::Column::Id.ne(except))
        .exec(c)
        .await?;
    Ok(())
}

// ---- the contact log ----

pub async fn interactions_of<C: ConnectionTrait>(
    c: &C,
    org_id: i64,
    limit: u64,
) -> Result<Vec<interaction::Model>, DbErr> {
    interaction::Entity::find()
        .filter(interaction::Column::OrganisationId.eq(org_id))
        .order_by_desc(interaction::Column::OccurredOn)
        .order_by_desc(interaction::Column::Id)
        .limit(limit)
        .all(c)
        .await
}

pub async fn count_interactions<C: ConnectionTrait>(c: &C, org_id: i64) -> Result<u64, DbErr> {
    interaction::Entity::find().filter(interaction::Column::OrganisationId.eq(org_id)).count(c).await
}

/// The same contact (kind, day and summary) logged at the organisation by the same member of
/// staff since `since`, the newest first: a second save of it is most likely a mistake.
pub async fn same_interaction_since<C: ConnectionTrait>(
    c: &C,
    org_id: i64,
    staff_user_id: i64,
    kind: &str,
    occurred_on: chrono::NaiveDate,
    summary: &str,
    since: DateTime<Utc>,
) -> Result<Option<interaction::Model>, DbErr> {
    interaction::Entity::find()
        .filter(interaction::Column::OrganisationId.eq(org_id))
        .filter(interaction::Column::StaffUserId.eq(staff_user_id))
        .filter(interaction::Column::Kind.eq(kind))
        .filter(interaction::Column::OccurredOn.eq(occurred_on))
        .filter(interaction::Column::Summary.eq(summary))
        .filter(interaction::Column::CreatedAt.gte(since))
        .order_by_desc(interaction::Column::Id)
        .one(c)
        .await
}

pub async fn get_interaction<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i64,
) -> Result<Option<interaction::Model>, DbErr> {
    scope::find::<interaction::Entity>(scope).filter(interaction::Column::Id.eq(id)).one(c).await
}

pub async fn insert_interaction<C: ConnectionTrait>(
    c: &C,
    am: interaction::ActiveModel,
) -> Result<interaction::Model, DbErr> {
    interaction::Entity::insert(am).exec_with_returning(c).await
}

versioned_update!(update_interaction, interaction);

pub async fn mark_follow_up_done<C: ConnectionTrait>(c: &C, id: i64, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let res = interaction::Entity::update_many()
        .col_expr(interaction::Column::FollowUpDoneAt, Expr::value(now))
        .filter(interaction::Column::Id.eq(id))
        .filter(interaction::Column::FollowUpDoneAt.is_null())
        .filter(interaction::Column::FollowUpOn.is_not_null())
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Distinct staff who logged a contact with the organisation since `since`.
pub async fn recent_staff<C: ConnectionTrait>(c: &C, org_id: i64, since: NaiveDate) -> Result<Vec<i64>, DbErr> {
    interaction::Entity::find()
        .select_only()
        .column(interaction::Column::StaffUserId)
        .distinct()
        .filter(interaction::Column::OrganisationId.eq(org_id))
        .filter(interaction::Column::OccurredOn.gte(since))
        .into_tuple()
        .all(c)
        .await
}

/// Open follow-ups: of the organisation, or of one member of staff due by `due_by`.
pub async fn open_follow_ups<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    org_id: Option<i64>,
    staff: Option<i64>,
    due_by: Option<NaiveDate>,
) -> Result<Vec<interaction::Model>, DbErr> {
    let mut q = scope::find::<interaction::Entity>(scope)
        .filter(interaction::Column::FollowUpOn.is_not_null())
        .filter(interaction::Column::FollowUpDoneAt.is_null());
    if let Some(o) = org_id {
        q = q.filter(interaction::Column::OrganisationId.eq(o));
    }
    if let Some(s) = staff {
        q = q.filter(interaction::Column::StaffUserId.eq(s));
    }
    if let Some(d) = due_by {
        q = q.filter(interaction::Column::FollowUpOn.lte(d));
    }
    q.order_by_asc(interaction::Column::FollowUpOn).limit(200).all(c).await
}

/// What the contact log's list filters by; every part may be left out.
#[derive(Debug, Clone, Default)]
pub struct InteractionFilter {
    pub organisation_id: Option<i64>,
    pub staff_user_id: Option<i64>,
    pub kind: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// One page of the contact log the scope may see, newest contact first, with the total.
pub async fn list_interactions<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &InteractionFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<interaction::Model>, u64), DbErr> {
    let mut q = scope::find::<interaction::Entity>(scope);
    if let Some(o) = f.organisation_id {
        q = q.filter(interaction::Column::OrganisationId.eq(o));
    }
    if let Some(s) = f.staff_user_id {
        q = q.filter(interaction::Column::StaffUserId.eq(s));
    }
    if let Some(k) = &f.kind {
        q = q.filter(interaction::Column::Kind.eq(k.as_str()));
    }
    if let Some(d) = f.from {
        q = q.filter(interaction::Column::OccurredOn.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(interaction::Column::OccurredOn.lte(d));
    }
    let total = q.clone().count(c).await?;
    let rows = q
        .order_by_desc(interaction::Column::OccurredOn)
        .order_by_desc(interaction::Column::Id)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(c)
        .await?;
    Ok((rows, total))
}
