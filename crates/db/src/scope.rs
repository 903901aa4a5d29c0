//! District scoping in queries: the persistence side of [`Scope`].

pub use accord_domain::Scope;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, Select};

/// The condition `column IN (districts)` of a scope; an empty list matches nothing.
pub fn condition<C: ColumnTrait>(scope: &Scope, column: C) -> Condition {
    match scope {
        Scope::All => Condition::all(),
        Scope::Districts(ids) => Condition::all().add(column.is_in(ids.iter().copied())),
    }
}

/// An entity whose rows belong to a district.
pub trait Scoped: EntityTrait {
    fn district_column() -> Self::Column;
}

/// `SELECT … FROM entity WHERE district IN scope`: the starting point of every query on a
/// district-owned table.
pub fn find<E: Scoped>(scope: &Scope) -> Select<E> {
    E::find().filter(condition(scope, E::district_column()))
}

/// The rule that every public function of this crate over district-owned rows takes a
/// [`Scope`], checked on the source: a function that takes none must say `unscoped` in its
/// name, belong to a module whose tables have no district, or be listed with its reason in
/// `unscoped.txt`.
#[cfg(test)]
mod rule {
    use std::collections::BTreeSet;

    /// Modules whose tables belong to no district (users, sign-in, tokens, the job schedule,
    /// the activity types), and the crate's own plumbing.
    const NO_DISTRICT: [&str; 7] = ["lib", "scope", "users", "sessions", "tokens", "jobs", "activity_types"];

    /// `module::function` of every public function, with whether it takes a `Scope`.
    fn public_functions() -> Vec<(String, bool)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let module = path.file_stem().unwrap().to_str().unwrap().to_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            for (i, _) in text.match_indices("\npub ") {
                let rest = &text[i + 5..];
                let rest = rest.strip_prefix("async ").unwrap_or(rest);
                let Some(rest) = rest.strip_prefix("fn ") else { continue };
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                // The parameters: up to the parenthesis that closes the first one opened.
                let open = rest.find('(').unwrap();
                let mut depth = 0;
                let mut end = open;
                for (j, ch) in rest[open..].char_indices() {
                    match ch {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                end = open + j;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                out.push((format!("{module}::{name}"), rest[open..end].contains("Scope")));
            }
        }
        out
    }

    fn listed() -> BTreeSet<String> {
        let text = include_str!("unscoped.txt");
        let mut reason = false;
        let mut out = BTreeSet::new();
        for line in text.lines().map(str::trim) {
            if line.is_empty() {
                reason = false;
            } else if line.starts_with('#') {
                reason = true;
            } else {
                assert!(reason, "unscoped.txt: `{line}` stands under no reason");
                assert!(out.insert(line.to_owned()), "unscoped.txt lists `{line}` twice");
            }
        }
        out
    }

    #[test]
    fn every_function_over_district_rows_takes_a_scope_or_says_why_not() {
        let functions = public_functions();
        assert!(functions.len() > 100, "the source was not read: {} functions", functions.len());
        let listed = listed();
        let mut missing = Vec::new();
        for (name, scoped) in &functions {
            let module = name.split("::").next().unwrap();
            if *scoped || name.contains("unscoped") || NO_DISTRICT.contains(&module) || listed.contains(name) {
                continue;
            }
            missing.push(name.clone());
        }
        assert!(
            missing.is_empty(),
            "these public functions take no Scope: give them one, or name them *_unscoped, or list \
             them in crates/db/src/unscoped.txt under the reason they may: {missing:?}"
        );
        let names: BTreeSet<&String> = functions.iter().map(|(n, _)| n).collect();
        let stale: Vec<&String> = listed.iter().filter(|l| !names.contains(l)).collect();
        assert!(stale.is_empty(), "unscoped.txt lists functions that no longer exist: {stale:?}");
        let needless: Vec<&String> = listed.iter().filter(|l| functions.iter().any(|(n, s)| n == *l && *s)).collect();
        assert!(needless.is_empty(), "unscoped.txt lists functions that take a Scope: {needless:?}");
    }
}
