//! Translation: every user-visible string lives in `locales/app.yml`, in English and Danish.

use accord_app::import::Kind;
use accord_domain::Lang;

/// The text for `key` in `lang`.
pub fn t(lang: Lang, key: &str) -> String {
    rust_i18n::t!(key, locale = lang.code()).into_owned()
}

/// The text for `key` with `%{value}` replaced.
pub fn t_value(lang: Lang, key: &str, value: &str) -> String {
    t(lang, key).replace("%{value}", value)
}

/// The text for `key` with each `%{name}` replaced.
pub fn t_args(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = t(lang, key);
    for (name, value) in args {
        s = s.replace(&format!("%{{{name}}}"), value);
    }
    s
}

/// The translated label of a role.
pub fn role(lang: Lang, role: accord_domain::Role) -> String {
    t(lang, &format!("role.{}", role.as_str()))
}

/// The message for a field error, naming the value where the message has room for it.
pub fn field_error(lang: Lang, e: &accord_domain::FieldError) -> String {
    let count = e.choices.as_ref().map(|c| c.total.to_string()).unwrap_or_default();
    t_args(lang, &format!("error.{}", e.code), &[("value", e.value.as_deref().unwrap_or("")), ("count", &count)])
}

/// `n` things: the key's `.one` text for one, its `.many` text otherwise, with `%{value}` the
/// number as the language writes it.
pub fn counted(lang: Lang, key: &str, n: i64) -> String {
    let form = if n == 1 { "one" } else { "many" };
    t_value(lang, &format!("{key}.{form}"), &accord_domain::format::number(lang, n))
}

/// A name that a file may give in English or Danish, the reader's language first and the other
/// after it in brackets: `navn (name)` on a Danish page, `name (navn)` on an English one.
pub fn both_names(lang: Lang, en: &str, da: &str) -> String {
    match lang {
        _ if en == da => en.to_owned(),
        Lang::Da => format!("{da} ({en})"),
        Lang::En => format!("{en} ({da})"),
    }
}

/// A column of an import file by both its names.
pub fn import_column(lang: Lang, kind: Kind, column: &str) -> String {
    match kind.danish_column(column) {
        Some(da) => both_names(lang, column, da),
        None => column.to_owned(),
    }
}

/// Columns of an import file by both their names, separated by commas.
pub fn import_columns(lang: Lang, kind: Kind, columns: &[&str]) -> String {
    columns.iter().map(|c| import_column(lang, kind, c)).collect::<Vec<_>>().join(", ")
}

/// The words a code column of an import file takes, each by both its names; `None` for a
/// column that is not one of codes.
pub fn import_words(lang: Lang, kind: Kind, column: &str) -> Option<String> {
    kind.words(column)
        .map(|w| w.words.iter().map(|(code, da)| both_names(lang, code, da)).collect::<Vec<_>>().join(", "))
}

/// A problem of an import file: [`field_error`], with the columns and words a file may use
/// named where the problem is one of them.
pub fn import_problem(lang: Lang, kind: Kind, e: &accord_domain::FieldError) -> String {
    let value = e.value.as_deref().unwrap_or("");
    match e.code.as_str() {
        "import.missing_column" => t_value(lang, "error.import.missing_column", &import_column(lang, kind, &e.field)),
        "import.unknown_columns" => t_args(
            lang,
            "error.import.unknown_columns_of",
            &[("value", value), ("columns", &import_columns(lang, kind, kind.columns()))],
        ),
        code if code.ends_with("_unknown") && kind.words(&e.field).is_some() => t_args(
            lang,
            "error.import.word_unknown",
            &[("value", value), ("words", &import_words(lang, kind, &e.field).unwrap_or_default())],
        ),
        _ => field_error(lang, e),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    const CATALOGUE: &str = include_str!("../locales/app.yml");

    /// key → languages present, read from the catalogue's plain layout.
    fn catalogue() -> BTreeMap<String, BTreeSet<String>> {
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut current = None;
        for line in CATALOGUE.lines() {
            if line.starts_with('#') || line.starts_with("_version") || line.trim().is_empty() {
                continue;
            }
            if !line.starts_with(' ') {
                let key = line.trim_end_matches(':').to_owned();
                out.entry(key.clone()).or_default();
                current = Some(key);
            } else if let (Some(k), Some((lang, text))) = (&current, line.trim().split_once(':')) {
                assert!(!text.trim().is_empty(), "{k}.{lang} is empty");
                out.get_mut(k).unwrap().insert(lang.to_owned());
            }
        }
        out
    }

    /// Every literal key passed to a translation call in the templates and the code.
    fn used_keys() -> BTreeSet<String> {
        let mut keys = BTreeSet::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["templates", "src"] {
            let mut stack = vec![root.join(dir)];
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(d).unwrap() {
                    let p = e.unwrap().path();
                    if p.is_dir() { stack.push(p) } else { files.push(p) }
                }
            }
        }
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for call in ["t(\"", "tv(\"", "t_value(ctx.lang, \"", "t_value(lang, \"", "t_args(lang, \"", "t(lang, \""] {
                for (i, _) in text.match_indices(call) {
                    let rest = &text[i + call.len()..];
                    let key = &rest[..rest.find('"').unwrap()];
                    if key.contains('.') && !key.contains('{') {
                        keys.insert(key.to_owned());
                    }
                }
            }
            // The flash message is the last string on a `redirect_with_flash(` line.
            for line in text.lines().filter(|l| l.contains("redirect_with_flash(&ctx")) {
                let literals: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
                if let Some(last) = literals.last().filter(|l| l.chars().all(|c| c.is_ascii_lowercase() || c == '_')) {
                    keys.insert(format!("flash.{last}"));
                }
            }
        }
        keys
    }

    #[test]
    fn no_key_is_given_twice() {
        let mut seen = BTreeSet::new();
        for line in CATALOGUE.lines() {
            if line.starts_with([' ', '#']) || line.starts_with("_version") || line.trim().is_empty() {
                continue;
            }
            let key = line.trim_end_matches(':');
            assert!(seen.insert(key), "{key} is given twice: the later entry would silently replace the earlier");
        }
    }

    #[test]
    fn every_key_is_in_english_and_danish() {
        for (key, langs) in catalogue() {
            assert!(langs.contains("en") && langs.contains("da"), "{key} has {langs:?}");
        }
    }

    #[test]
    fn every_key_used_exists() {
        let cat = catalogue();
        let mut missing: Vec<String> = used_keys().into_iter().filter(|k| !cat.contains_key(k)).collect();
        for r in accord_domain::Role::ALL {
            missing.extend(Some(format!("role.{}", r.as_str())).filter(|k| !cat.contains_key(k)));
        }
        for code in ["unauthenticated", "forbidden", "not_found", "invalid", "conflict", "rate_limited", "internal"] {
            for part in ["title", "body"] {
                missing.extend(Some(format!("error_page.{code}.{part}")).filter(|k| !cat.contains_key(k)));
            }
        }
        let families: [(&str, Vec<&str>); 5] = [
            ("org.kinds", accord_domain::OrgKind::ALL.iter().map(|k| k.as_str()).collect()),
            ("org.levels", accord_domain::OrgLevel::ALL.iter().map(|k| k.as_str()).collect()),
            ("org.statuses", accord_domain::OrgStatus::ALL.iter().map(|k| k.as_str()).collect()),
            ("org.sizes", accord_domain::SizeBand::ALL.iter().map(|k| k.as_str()).collect()),
            ("log.kinds", accord_domain::InteractionKind::ALL.iter().map(|k| k.as_str()).collect()),
        ];
        for (prefix, codes) in families {
            for c in codes {
                missing.extend(Some(format!("{prefix}.{c}")).filter(|k| !cat.contains_key(k)));
            }
        }
        let codes = error_codes();
        assert!(codes.len() > 40 && codes.contains("cvr.check_digit"), "the scan for error codes found {codes:?}");
        for code in codes {
            missing.extend(Some(format!("error.{code}")).filter(|k| !cat.contains_key(k)));
        }
        assert!(missing.is_empty(), "missing translations: {missing:?}");
    }

    /// Every error code the rules and use cases can give (string literals shaped `a.b` on the
    /// lines that make field errors).
    fn error_codes() -> BTreeSet<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut codes = BTreeSet::new();
        for dir in ["domain/src", "app/src", "web/src"] {
            let mut stack = vec![root.join(dir)];
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(d).unwrap() {
                    let p = e.unwrap().path();
                    if p.is_dir() {
                        stack.push(p);
                        continue;
                    }
                    let text = std::fs::read_to_string(&p).unwrap();
                    for line in text.lines() {
                        let makes_error = ["Err(\"", ".add(", "::field(", "single(", "add_link(", ".take("]
                            .iter()
                            .any(|m| line.contains(m));
                        if !makes_error || line.trim_start().starts_with("//") || line.contains("assert") {
                            continue;
                        }
                        for lit in line.split('"').skip(1).step_by(2) {
                            let shaped = lit.split_once('.').is_some_and(|(a, b)| {
                                !a.is_empty()
                                    && !b.is_empty()
                                    && lit.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
                            });
                            if shaped {
                                codes.insert(lit.to_owned());
                            }
                        }
                    }
                }
            }
        }
        codes
    }

    #[test]
    fn both_languages_render() {
        use accord_domain::Lang;
        assert_eq!(super::t(Lang::En, "login.title"), "Sign in to Accord");
        assert_eq!(super::t(Lang::Da, "login.title"), "Log ind i Accord");
        assert_eq!(super::t_value(Lang::Da, "home.welcome", "Mette"), "Velkommen, Mette");
    }

    /// The Danish words that import files may use for codes are the labels the pages show.
    #[test]
    fn import_words_are_the_danish_labels() {
        use accord_app::import::Kind;
        use accord_domain::Lang;
        let kinds =
            [Kind::Organisations, Kind::Contacts, Kind::Agreements, Kind::Activities, Kind::RecruitmentRequests];
        let mut seen = 0;
        for kind in kinds {
            for column in kind.columns() {
                let Some(w) = kind.words(column) else { continue };
                for (code, da) in w.words {
                    let label = super::t(Lang::Da, &format!("{}.{code}", w.labels));
                    assert_eq!(label.trim().to_lowercase(), *da, "{kind:?} {column} {code}");
                    seen += 1;
                }
            }
        }
        assert!(seen > 20);
    }

    #[test]
    fn import_problems_name_the_columns_and_words_in_the_readers_language() {
        use accord_app::import::Kind;
        use accord_domain::{FieldError, FieldErrors, Lang};
        let e = |field: &str, code: &str, value: &str| -> FieldError {
            FieldErrors::single(field, code, Some(value)).0.remove(0)
        };
        let missing = e("start_date", "import.missing_column", "start_date");
        assert_eq!(
            super::import_problem(Lang::Da, Kind::Activities, &missing),
            "Kolonnen startdato (start_date) mangler."
        );
        assert_eq!(
            super::import_problem(Lang::En, Kind::Activities, &missing),
            "The column start_date (startdato) is missing."
        );
        let word = e("outcome", "activity.outcome_unknown", "vundet");
        let da = super::import_problem(Lang::Da, Kind::Activities, &word);
        assert!(
            da.contains("\"vundet\"")
                && da.contains("i gang (ongoing), ansat (hired), afsluttet (ended), afbrudt (cancelled)"),
            "{da}"
        );
        let en = super::import_problem(Lang::En, Kind::Activities, &word);
        assert!(en.contains("ongoing (i gang), hired (ansat)"), "{en}");
        let unknown = e("header", "import.unknown_columns", "farve");
        assert!(
            super::import_problem(Lang::Da, Kind::Activities, &unknown)
                .contains("kilde-id (source_id), aktivitetstype (type)")
        );
        assert_eq!(super::counted(Lang::Da, "import.bad_lines", 1), "Filen har 1 problem");
        assert_eq!(super::counted(Lang::Da, "import.bad_lines", 2), "Filen har 2 problemer");
        assert_eq!(super::counted(Lang::En, "import.bad_lines", 1), "The file has 1 problem");
        assert_eq!(super::counted(Lang::En, "import.bad_lines", 2), "The file has 2 problems");
    }
}
