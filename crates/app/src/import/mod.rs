//! Importing and exporting the directory in the columns of the outside contract. All or
//! nothing: a file with one bad line writes nothing and every bad line is listed. The kinds
//! of file and the report of a run are in [`kinds`]; activities and recruitment requests, the
//! case system's million-row files, are written by [`crate::bulk`].

pub mod kinds;

use crate::agreements::{self, AgreementInput};
use crate::directory::{self as dir, ContactInput, OrgInput};
use crate::files::{self, Format, Table};
use crate::{Actor, App, AppError, Result, mailings};
use accord_db::directory as q;
use accord_db::entities::{agreement, contact, organisation, user};
use accord_db::sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use accord_domain::{ConsentPurpose, FieldErrors};
use chrono::Utc;

pub use kinds::{ImportReport, Kind, LineError, read_header};

/// Checks the header and puts the table in the contract's terms: English column names, and
/// the codes that the Danish words of code columns stand for.
fn check_header(kind: Kind, table: &mut Table) -> Option<ImportReport> {
    match read_header(kind, &table.header) {
        Ok(columns) => table.header = columns,
        Err(r) => return Some(r),
    }
    for (i, column) in table.header.iter().enumerate() {
        if kind.words(column).is_none() {
            continue;
        }
        for (_, row) in &mut table.rows {
            if let Some(v) = row.get_mut(i) {
                let code = kind.code_of(column, v.trim());
                if code != v.trim() {
                    *v = code.to_owned();
                }
            }
        }
    }
    if table.rows.is_empty() {
        return Some(ImportReport::fail(1, "file", "import.empty", None));
    }
    None
}

/// The cell of `column` in `row`, trimmed, `None` when the file has no such column.
fn cell<'a>(table: &Table, row: &'a [String], column: &str) -> Option<&'a str> {
    table.col(column).map(|i| files::unneutralise(row.get(i).map(|s| s.trim()).unwrap_or("")))
}

fn flag(errors: &mut FieldErrors, field: &str, v: Option<&str>) -> Option<bool> {
    match v.map(|s| s.to_lowercase()) {
        None => None,
        Some(s) => match s.as_str() {
            "" | "false" | "no" | "nej" | "0" => Some(false),
            "true" | "yes" | "ja" | "1" => Some(true),
            _ => {
                errors.add(field, "import.flag", Some(&s));
                None
            }
        },
    }
}

/// Imports a file. `Err` only for what stops the import as a whole (permission, district,
/// database); bad rows come back in the report, and then nothing has been written.
pub async fn import(
    app: &App,
    actor: &Actor,
    kind: Kind,
    district: Option<&str>,
    bytes: &[u8],
    dry_run: bool,
) -> Result<ImportReport> {
    import_file(app, actor, kind, district, bytes, "upload", dry_run, |_| {}).await
}

/// [`import`] with the file's name (kept in the import history) and a progress callback that
/// hears how many rows have been read (activities and recruitment requests).
#[allow(clippy::too_many_arguments)]
pub async fn import_file(
    app: &App,
    actor: &Actor,
    kind: Kind,
    district: Option<&str>,
    bytes: &[u8],
    filename: &str,
    dry_run: bool,
    progress: impl FnMut(usize),
) -> Result<ImportReport> {
    actor.require_write()?;
    if !dir::can_edit(actor) {
        return Err(AppError::Forbidden);
    }
    let district = dir::pick_district(app, actor, district).await?;
    if matches!(kind, Kind::Activities | Kind::RecruitmentRequests) {
        return crate::bulk::import_records(app, actor, kind, district.id, bytes, filename, dry_run, progress).await;
    }
    let mut table = match files::read_table(bytes) {
        Ok(t) => t,
        Err(msg) => return Ok(ImportReport::fail(0, "file", "import.unreadable", Some(&msg))),
    };
    if let Some(report) = check_header(kind, &mut table) {
        return Ok(report);
    }
    let txn = app.db.write().await?;
    let mut report = match kind {
        Kind::Organisations => import_organisations(app, &txn, actor, district.id, &table).await?,
        Kind::Contacts => import_contacts(&txn, actor, district.id, &table).await?,
        Kind::Agreements => import_agreements(app, &txn, actor, district.id, &table).await?,
        Kind::Activities | Kind::RecruitmentRequests => unreachable!("imported in bulk above"),
    };
    report.rows = table.rows.len();
    report.dry_run = dry_run;
    if !report.errors.is_empty() {
        // Nothing is written: no row was added, changed or left alone.
        (report.added, report.updated, report.unchanged) = (0, 0, 0);
    }
    if report.errors.is_empty() && !dry_run {
        let mut e = actor.audit("import", kind.as_str(), None);
        e.district_id = Some(district.id);
        e.summary = Some(format!(
            "{} rows: {} added, {} updated, {} unchanged",
            report.rows, report.added, report.updated, report.unchanged
        ));
        accord_db::audit::append(&txn, e, Utc::now()).await?;
        txn.commit().await?;
        app.db.optimize().await?;
    } else {
        txn.rollback().await?;
    }
    Ok(report)
}

/// The row's ref, or `None` with the problem reported: missing, or already on an earlier line.
fn row_ref(
    report: &mut ImportReport,
    seen: &mut std::collections::HashMap<String, usize>,
    line: usize,
    cell: Option<&str>,
) -> Option<String> {
    let r = cell.unwrap_or("").to_owned();
    if r.is_empty() {
        report.push(line, FieldErrors::single("ref", "field.required", None));
        return None;
    }
    if let Some(first) = seen.insert(r.clone(), line) {
        report.push(line, FieldErrors::single("ref", "import.ref_repeated", Some(&format!("{r} (line {first})"))));
        return None;
    }
    Some(r)
}

/// Puts rows after the rows of the parents they name, so a file may list a group, its
/// companies and their sites in any order.
fn parent_order(table: &Table) -> Vec<usize> {
    let refs: Vec<String> = table.rows.iter().map(|(_, r)| cell(table, r, "ref").unwrap_or("").to_owned()).collect();
    let parents: Vec<String> =
        table.rows.iter().map(|(_, r)| cell(table, r, "parent_ref").unwrap_or("").to_owned()).collect();
    let mut done = vec![false; table.rows.len()];
    let mut order = Vec::with_capacity(table.rows.len());
    loop {
        let before = order.len();
        for i in 0..table.rows.len() {
            if done[i] {
                continue;
            }
            let waits =
                !parents[i].is_empty() && refs.iter().enumerate().any(|(j, r)| j != i && !done[j] && *r == parents[i]);
            if !waits {
                done[i] = true;
                order.push(i);
            }
        }
        if order.len() == table.rows.len() || order.len() == before {
            break;
        }
    }
    // Rows in a cycle of parents come last; their parent check reports them.
    order.extend((0..table.rows.len()).filter(|i| !done[*i]));
    order
}

fn same_org(o: &organisation::Model, c: &dir::CheckedOrg) -> bool {
    o.name == c.name
        && o.kind == c.kind.as_str()
        && o.level == c.level.as_str()
        && o.parent_id == c.parent_id
        && o.cvr == c.cvr
        && o.p_number == c.p_number
        && o.companies_house == c.companies_house
        && o.sector == c.sector
        && o.size_band == c.size_band
        && o.address == c.address
        && o.postcode == c.postcode
        && o.ward == c.ward
        && o.website == c.website
        && o.status == c.status.as_str()
        && o.notes == c.notes
        && o.account_manager_id == c.account_manager_id
}

async fn import_organisations<C: ConnectionTrait>(
    app: &App,
    txn: &C,
    actor: &Actor,
    district_id: i64,
    table: &Table,
) -> Result<ImportReport> {
    let mut report = ImportReport::default();
    let mut seen_refs = std::collections::HashMap::new();
    for i in parent_order(table) {
        let (line, row) = &table.rows[i];
        let get = |c: &str| cell(table, row, c);
        let Some(r) = row_ref(&mut report, &mut seen_refs, *line, get("ref")) else { continue };
        let existing = organisation::Entity::find()
            .filter(organisation::Column::DistrictId.eq(district_id))
            .filter(organisation::Column::Ref.eq(r.as_str()))
            .one(txn)
            .await?;
        // Columns the file does not have keep the stored value.
        let base = match &existing {
            Some(o) => OrgInput::from_view(&dir::views(app, vec![o.clone()]).await?.remove(0)),
            None => OrgInput::default(),
        };
        let pick = |c: &str, b: &str| get(c).map(str::to_owned).unwrap_or_else(|| b.to_owned());
        let input = OrgInput {
            district: None,
            r#ref: r.clone(),
            name: pick("name", &base.name),
            kind: pick("kind", &base.kind),
            level: pick("level", &base.level),
            parent_ref: pick("parent_ref", &base.parent_ref),
            cvr: pick("cvr", &base.cvr),
            p_number: pick("p_number", &base.p_number),
            companies_house: pick("companies_house", &base.companies_house),
            sector: pick("sector", &base.sector),
            size_band: pick("size_band", &base.size_band),
            address: pick("address", &base.address),
            postcode: pick("postcode", &base.postcode),
            ward: pick("ward", &base.ward),
            website: pick("website", &base.website),
            status: pick("status", &base.status),
            notes: pick("notes", &base.notes),
            account_manager_email: pick("account_manager_email", &base.account_manager_email),
            version: None,
            confirm_similar: true,
        };
        let mut errors = FieldErrors::new();
        let checked = dir::check_org(txn, district_id, &input, existing.as_ref().map(|o| o.id), &mut errors).await?;
        if !errors.is_empty() {
            report.push(*line, errors);
            continue;
        }
        let checked = checked.expect("checked");
        let now = Utc::now();
        match &existing {
            Some(o) if same_org(o, &checked) => report.unchanged += 1,
            Some(o) => {
                dir::save_checked(txn, actor, district_id, &checked, Some((o, o.version)), now).await?;
                let mut e = actor.audit("update", "organisation", Some(o.id.to_string()));
                e.district_id = Some(district_id);
                e.summary = Some("import".into());
                accord_db::audit::append(txn, e, now).await?;
                report.updated += 1;
            }
            None => match dir::save_checked(txn, actor, district_id, &checked, None, now).await {
                Ok(_) => report.added += 1,
                Err(AppError::Invalid(errs)) => report.push(*line, errs),
                Err(e) => return Err(e),
            },
        }
    }
    report.errors.sort_by_key(|e| e.line);
    Ok(report)
}

async fn import_contacts<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    district_id: i64,
    table: &Table,
) -> Result<ImportReport> {
    let mut report = ImportReport::default();
    let mut seen_refs = std::collections::HashMap::new();
    for (line, row) in &table.rows {
        let get = |c: &str| cell(table, row, c);
        let Some(r) = row_ref(&mut report, &mut seen_refs, *line, get("ref")) else { continue };
        let existing = q::contact_by_ref(txn, district_id, &r).await?;
        let keep = |c: &str, stored: Option<&String>| {
            get(c).map(str::to_owned).unwrap_or_else(|| stored.cloned().unwrap_or_default())
        };
        let mut errors = FieldErrors::new();
        let consent =
            flag(&mut errors, "consent", get("consent")).or(existing.as_ref().map(|e| e.consent)).unwrap_or(false);
        let is_primary = flag(&mut errors, "is_primary", get("is_primary"))
            .or(existing.as_ref().map(|e| e.is_primary))
            .unwrap_or(false);
        // One purpose each; an empty cell leaves that purpose as it is.
        let mut purposes = Vec::new();
        for p in ConsentPurpose::ALL {
            let column = format!("consent_{}", p.as_str());
            if let Some(given) = flag(&mut errors, &column, get(&column).filter(|v| !v.trim().is_empty())) {
                purposes.push((*p, given));
            }
        }
        let input = ContactInput {
            r#ref: r.clone(),
            organisation_ref: get("organisation_ref").unwrap_or("").to_owned(),
            name: get("name").unwrap_or("").to_owned(),
            role: keep("role", existing.as_ref().and_then(|e| e.role.as_ref())),
            email: keep("email", existing.as_ref().and_then(|e| e.email.as_ref())),
            phone: keep("phone", existing.as_ref().and_then(|e| e.phone.as_ref())),
            consent,
            is_primary,
            version: None,
        };
        let checked = dir::check_contact(txn, district_id, &input, None, &mut errors).await?;
        if !errors.is_empty() {
            report.push(*line, errors);
            continue;
        }
        let ck = checked.expect("checked");
        let now = Utc::now();
        match &existing {
            Some(e)
                if e.organisation_id == ck.organisation_id
                    && e.name == ck.name
                    && e.role == ck.role
                    && e.email == ck.email
                    && e.phone == ck.phone
                    && e.consent == consent
                    && e.is_primary == is_primary =>
            {
                if mailings::import_consents(txn, actor, e, &purposes, now).await? {
                    report.updated += 1;
                } else {
                    report.unchanged += 1;
                }
            }
            Some(e) => {
                let saved = dir::save_contact(txn, actor, district_id, &ck, &input, Some((e, e.version)), now).await?;
                mailings::import_consents(txn, actor, &saved, &purposes, now).await?;
                report.updated += 1;
            }
            None => match dir::save_contact(txn, actor, district_id, &ck, &input, None, now).await {
                Ok(saved) => {
                    mailings::import_consents(txn, actor, &saved, &purposes, now).await?;
                    report.added += 1
                }
                Err(AppError::Invalid(errs)) => report.push(*line, errs),
                Err(e) => return Err(e),
            },
        }
    }
    Ok(report)
}

async fn import_agreements<C: ConnectionTrait>(
    app: &App,
    txn: &C,
    actor: &Actor,
    district_id: i64,
    table: &Table,
) -> Result<ImportReport> {
    let mut report = ImportReport::default();
    let mut seen_refs = std::collections::HashMap::new();
    for (line, row) in &table.rows {
        let get = |c: &str| cell(table, row, c);
        let Some(r) = row_ref(&mut report, &mut seen_refs, *line, get("ref")) else { continue };
        let existing = accord_db::agreements::agreement_by_ref(txn, district_id, &r).await?;
        // Columns the file does not have keep the stored value; commitments and targets are
        // not in the file and stay as they are.
        let base = match &existing {
            Some(a) => AgreementInput::from_view(&agreements::views(app, vec![a.clone()]).await?.remove(0)),
            None => AgreementInput::default(),
        };
        let pick = |c: &str, b: &str| get(c).map(str::to_owned).unwrap_or_else(|| b.to_owned());
        let input = AgreementInput {
            district: None,
            r#ref: r.clone(),
            organisation_ref: pick("organisation_ref", &base.organisation_ref),
            kind: pick("kind", &base.kind),
            status: pick("status", &base.status),
            language: pick("language", &base.language),
            purpose: pick("purpose", &base.purpose),
            account_manager_email: pick("account_manager_email", &base.account_manager_email),
            contact_ref: pick("contact_ref", &base.contact_ref),
            signed_date: pick("signed_date", &base.signed_date),
            start_date: pick("start_date", &base.start_date),
            end_date: pick("end_date", &base.end_date),
            review_date: pick("review_date", &base.review_date),
            terminated_on: pick("terminated_on", &base.terminated_on),
            terminated_by: pick("terminated_by", &base.terminated_by),
            termination_reason: pick("termination_reason", &base.termination_reason),
            sites: get("sites").map(AgreementInput::split_sites).or(base.sites),
            commitments: None,
            targets: None,
            version: None,
        };
        let mut errors = FieldErrors::new();
        let checked = agreements::check(txn, district_id, &input, existing.as_ref(), &mut errors).await?;
        if !errors.is_empty() {
            report.push(*line, errors);
            continue;
        }
        let ck = checked.expect("checked");
        let now = Utc::now();
        match &existing {
            Some(a) if same_agreement(txn, a, &ck).await? => report.unchanged += 1,
            Some(a) => {
                agreements::save_checked(txn, app, actor, district_id, &ck, Some((a, a.version)), now).await?;
                report.updated += 1;
            }
            None => match agreements::save_checked(txn, app, actor, district_id, &ck, None, now).await {
                Ok(_) => report.added += 1,
                Err(AppError::Invalid(errs)) => report.push(*line, errs),
                Err(e) => return Err(e),
            },
        }
    }
    Ok(report)
}

async fn same_agreement<C: ConnectionTrait>(c: &C, a: &agreement::Model, ck: &agreements::Checked) -> Result<bool> {
    let same_fields = a.organisation_id == ck.organisation_id
        && a.kind == ck.kind.as_str()
        && a.status == ck.status.as_str()
        && a.language == ck.language.code()
        && a.purpose == ck.purpose
        && a.account_manager_id == ck.account_manager_id
        && a.contact_id == ck.contact_id
        && a.signed_on == ck.signed_on
        && a.start_date == ck.start_date
        && a.end_date == ck.end_date
        && a.review_on == ck.review_on
        && a.terminated_on == ck.terminated_on
        && a.terminated_by.as_deref() == ck.terminated_by.map(|s| s.as_str())
        && a.termination_reason == ck.termination_reason;
    if !same_fields {
        return Ok(false);
    }
    let mut stored: Vec<i64> =
        accord_db::agreements::sites_of(c, vec![a.id]).await?.into_iter().map(|s| s.organisation_id).collect();
    stored.sort_unstable();
    let mut wanted = ck.covered.clone();
    wanted.sort_unstable();
    Ok(stored == wanted)
}

/// The rows of an export, in the import's own columns.
pub async fn export(app: &App, actor: &Actor, kind: Kind, format: Format, district: Option<&str>) -> Result<Vec<u8>> {
    if !dir::can_view(actor) {
        return Err(AppError::Forbidden);
    }
    let c = &app.db.conn;
    // One district (to import elsewhere or back), or all the actor may see.
    let scope = match district {
        Some(code) => accord_db::Scope::Districts(vec![dir::pick_district(app, actor, Some(code)).await?.id]),
        None => actor.scope(),
    };
    let rows: Vec<Vec<String>> = match kind {
        Kind::Organisations => {
            let all = q::all_organisations(c, &scope, &Default::default()).await?;
            let ams: Vec<user::Model> = user::Entity::find().all(c).await?;
            let by_id: std::collections::HashMap<i64, &organisation::Model> = all.iter().map(|o| (o.id, o)).collect();
            let mut parents_missing = Vec::new();
            for o in &all {
                if let Some(p) = o.parent_id
                    && !by_id.contains_key(&p)
                {
                    parents_missing.push(p);
                }
            }
            let extra = q::organisations_by_ids(c, parents_missing).await?;
            let parent_ref = |id: i64| {
                by_id
                    .get(&id)
                    .map(|o| o.r#ref.clone())
                    .or_else(|| extra.iter().find(|o| o.id == id).map(|o| o.r#ref.clone()))
            };
            let s = |v: &Option<String>| v.clone().unwrap_or_default();
            all.iter()
                .map(|o| {
                    vec![
                        o.r#ref.clone(),
                        o.name.clone(),
                        o.kind.clone(),
                        o.level.clone(),
                        o.parent_id.and_then(parent_ref).unwrap_or_default(),
                        s(&o.cvr),
                        s(&o.p_number),
                        s(&o.companies_house),
                        s(&o.sector),
                        s(&o.size_band),
                        s(&o.address),
                        s(&o.postcode),
                        s(&o.ward),
                        s(&o.website),
                        o.status.clone(),
                        s(&o.notes),
                        o.account_manager_id
                            .and_then(|id| ams.iter().find(|u| u.id == id))
                            .map(|u| u.email.clone())
                            .unwrap_or_default(),
                    ]
                })
                .collect()
        }
        Kind::Contacts => {
            let all: Vec<contact::Model> = q::all_contacts(c, &scope).await?;
            let orgs = q::organisations_by_ids(c, all.iter().map(|x| x.organisation_id).collect()).await?;
            let consents = mailings::consents_for_export(c, actor, &all).await?;
            let s = |v: &Option<String>| v.clone().unwrap_or_default();
            all.iter()
                .map(|x| {
                    let mut row = vec![
                        x.r#ref.clone(),
                        orgs.iter().find(|o| o.id == x.organisation_id).map(|o| o.r#ref.clone()).unwrap_or_default(),
                        x.name.clone(),
                        s(&x.role),
                        s(&x.email),
                        s(&x.phone),
                        x.consent.to_string(),
                        x.is_primary.to_string(),
                    ];
                    row.extend(ConsentPurpose::ALL.iter().map(|p| consents[&(x.id, *p)].to_string()));
                    row
                })
                .collect()
        }
        Kind::Agreements => {
            let all = agreements::views(app, accord_db::agreements::all_agreements(c, &scope).await?).await?;
            let s = |v: &Option<String>| v.clone().unwrap_or_default();
            let d = |v: Option<chrono::NaiveDate>| v.map(|d| d.to_string()).unwrap_or_default();
            all.iter()
                .map(|a| {
                    vec![
                        a.r#ref.clone(),
                        a.organisation_ref.clone(),
                        a.kind.clone(),
                        a.start_date.to_string(),
                        d(a.end_date),
                        a.status.clone(),
                        s(&a.purpose),
                        a.language.clone(),
                        d(a.signed_date),
                        d(a.review_date),
                        s(&a.account_manager_email),
                        s(&a.contact_ref),
                        a.sites_text(),
                        d(a.terminated_on),
                        s(&a.terminated_by),
                        s(&a.termination_reason),
                    ]
                })
                .collect()
        }
        Kind::Activities | Kind::RecruitmentRequests => crate::bulk::export_rows(app, &scope, kind).await?,
    };
    files::write_table(format, kind.as_str(), kind.columns(), &rows).map_err(AppError::Internal)
}
