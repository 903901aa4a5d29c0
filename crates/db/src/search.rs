//! Finding organisations by what staff type: a fragment of a name, an identifier (ref, CVR,
//! P-number, Companies House number, or a merged record's), or a contact person's name or
//! e-mail. The directory's list and the agreement list search the same way.

use sea_orm::sea_query::Expr;
use sea_orm::{Condition, DbBackend};

/// `%text%` for LIKE, with the wildcard characters of the text itself removed.
pub fn like_pattern(text: &str) -> String {
    format!("%{}%", without_controls(text).trim().to_lowercase().replace(['%', '_', '\\'], ""))
}

/// The text without control characters: no name or identifier holds one, PostgreSQL refuses
/// a NUL in text and SQLite's full-text query syntax ends a string at it.
pub fn without_controls(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

/// `column IN (the organisations a search text finds)`, for lists of records that belong to an
/// organisation (agreements by their holder).
pub fn search_condition_on(backend: DbBackend, q: &str, column: &str) -> Condition {
    let q = without_controls(q);
    let q = q.trim();
    let lower = q.to_lowercase();
    let compact: String = q.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    let fragment = lower.replace(['%', '_', '\\'], "");
    let pg = backend == DbBackend::Postgres;
    let mut values: Vec<sea_orm::Value> = Vec::new();
    let mut arg = |v: String| {
        values.push(v.into());
        if pg { format!("${}", values.len()) } else { "?".to_owned() }
    };
    // FTS5's trigram tokenizer needs 3 characters; shorter fragments scan.
    let fts = !pg && fragment.chars().count() >= 3;
    let phrase = format!("\"{}\"", fragment.replace('"', "\"\""));
    let mut arms = Vec::new();
    if fts {
        arms.push(format!("SELECT rowid FROM organisations_fts WHERE organisations_fts MATCH {}", arg(phrase.clone())));
        arms.push(format!(
            "SELECT organisation_id FROM contacts WHERE id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH {})",
            arg(phrase)
        ));
    } else {
        arms.push(format!("SELECT id FROM organisations WHERE name_norm LIKE {}", arg(format!("%{fragment}%"))));
        arms.push(format!(
            "SELECT organisation_id FROM contacts WHERE name_norm LIKE {}",
            arg(format!("%{fragment}%"))
        ));
    }
    arms.push(format!("SELECT id FROM organisations WHERE ref = {}", arg(q.to_owned())));
    for col in ["cvr", "p_number", "companies_house"] {
        arms.push(format!("SELECT id FROM organisations WHERE {col} = {}", arg(compact.clone())));
    }
    arms.push(format!("SELECT organisation_id FROM contacts WHERE email = {}", arg(lower.clone())));
    arms.push(format!("SELECT organisation_id FROM organisation_aliases WHERE value = {}", arg(compact)));
    let sql = format!("{column} IN ({})", arms.join(" UNION "));
    Condition::all().add(Expr::cust_with_values(sql, values))
}
