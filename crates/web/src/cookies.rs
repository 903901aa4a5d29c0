//! Cookies, written by hand: a handful of names, no need for a jar.

use axum::http::HeaderMap;

pub const SESSION: &str = "accord_session";
pub const CSRF: &str = "accord_csrf";
pub const LANG: &str = "accord_lang";
pub const FLASH: &str = "accord_flash";

/// The cookie's name on the wire: `__Host-` prefixed when served over HTTPS, which binds it
/// to this host, path `/` and `Secure`.
pub fn name(base: &str, secure: bool) -> String {
    if secure { format!("__Host-{base}") } else { base.to_owned() }
}

/// The value of cookie `name` in the request, if any.
pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(axum::http::header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|line| {
        line.split(';').find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name).then(|| v.to_owned())
        })
    })
}

/// A `Set-Cookie` value. `max_age` None makes a browser-session cookie; Some(0) deletes.
pub fn set(name: &str, value: &str, secure: bool, http_only: bool, max_age: Option<i64>) -> String {
    let mut s = format!("{name}={value}; Path=/; SameSite=Lax");
    if http_only {
        s.push_str("; HttpOnly");
    }
    if secure {
        s.push_str("; Secure");
    }
    if let Some(age) = max_age {
        s.push_str(&format!("; Max-Age={age}"));
    }
    s
}
