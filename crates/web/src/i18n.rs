//! Translation: every user-visible string lives in `locales/app.yml`, in English and Danish.

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
    t_value(lang, &format!("error.{}", e.code), e.value.as_deref().unwrap_or(""))
}
