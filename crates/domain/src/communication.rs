//! The secretariat's own outreach: the channels it publishes on, and the address of what it
//! published.

vocabulary!(
    /// Where a piece of outreach was published.
    Channel, "communication.channel_unknown", {
        Linkedin => "linkedin",
        Press => "press",
        Website => "website",
        Newsletter => "newsletter",
        Other => "other",
    }
);

/// What the communications log can be narrowed by. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommunicationFilter {
    pub district_id: Option<i64>,
    pub channel: Option<Channel>,
    /// Published in this calendar year.
    pub year: Option<i32>,
    /// Part of the title (case ignored).
    pub q: Option<String>,
    /// Pieces that feature this organisation.
    pub organisation_id: Option<i64>,
}

/// The address of a published piece: `http` or `https` only, with a host that has a dot, no
/// spaces or quotes, at most 500 characters. A missing scheme is refused rather than guessed,
/// so `javascript:` and its relatives can never become a link.
pub fn link(s: &str) -> Result<String, &'static str> {
    let s = s.trim();
    let lower = s.to_ascii_lowercase();
    let rest = if let Some(r) = lower.strip_prefix("https://") {
        r
    } else if let Some(r) = lower.strip_prefix("http://") {
        r
    } else {
        return Err("link.scheme");
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_name = host.rsplit('@').next().unwrap_or("").split(':').next().unwrap_or("");
    if s.len() > 500
        || host_name.len() < 3
        || !host_name.contains('.')
        || host_name.starts_with('.')
        || host_name.ends_with('.')
        || s.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '`' | '\\'))
    {
        return Err("link.format");
    }
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_parse_and_print() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Ok(*c));
        }
        assert_eq!(Channel::parse("twitter"), Err("communication.channel_unknown"));
    }

    #[test]
    fn links_are_http_or_https_with_a_host() {
        assert_eq!(link(" https://www.linkedin.com/posts/123 "), Ok("https://www.linkedin.com/posts/123".into()));
        assert_eq!(link("HTTP://sn.dk/artikel?id=1"), Ok("HTTP://sn.dk/artikel?id=1".into()));
        assert_eq!(link("javascript:alert(1)"), Err("link.scheme"));
        assert_eq!(link("www.sn.dk"), Err("link.scheme"));
        assert_eq!(link("ftp://sn.dk/x"), Err("link.scheme"));
        assert_eq!(link("https://localhost/x"), Err("link.format"));
        assert_eq!(link("https://sn.dk/a b"), Err("link.format"));
        assert_eq!(link("https://sn.dk/\"><script>"), Err("link.format"));
        assert_eq!(link(&format!("https://sn.dk/{}", "a".repeat(500))), Err("link.format"));
    }
}
