//! Mailings: the purposes a contact consents to, why a recipient is skipped, and the merge
//! fields of a mailing's text, rendered as plain text and as escaped HTML.

vocabulary!(
    /// What a contact agrees to receive.
    ConsentPurpose, "consent.purpose_unknown", {
        News => "news",
        Invitations => "invitations",
        Surveys => "surveys",
    }
);

vocabulary!(
    /// Where a consent, or its withdrawal, came from.
    ConsentSource, "consent.source_unknown", {
        Form => "form",
        Import => "import",
        Contact => "contact",
    }
);

vocabulary!(
    /// Why a contact of a mailing's segment was not sent it.
    SkipReason, "mailing.skip_unknown", {
        NoConsent => "no_consent",
        Cap => "cap",
        Bouncing => "bouncing",
        NoEmail => "no_email",
    }
);

/// The merge fields a mailing may use, as `{{name}}`. `registration_link` has a value only in
/// a mailing that invites to an event.
pub const MERGE_FIELDS: [&str; 4] = ["contact_name", "company_name", "account_manager", REGISTRATION_LINK];

/// The merge field of the recipient's own link to register for the event a mailing invites to.
pub const REGISTRATION_LINK: &str = "registration_link";

/// The values of the merge fields for one recipient.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeValues {
    pub contact_name: String,
    pub company_name: String,
    pub account_manager: String,
    /// The recipient's registration link, in a mailing that invites to an event.
    pub registration_link: String,
}

impl MergeValues {
    fn get(&self, field: &str) -> Option<&str> {
        match field {
            "contact_name" => Some(&self.contact_name),
            "company_name" => Some(&self.company_name),
            "account_manager" => Some(&self.account_manager),
            REGISTRATION_LINK => Some(&self.registration_link),
            _ => None,
        }
    }
}

/// One piece of a template: text as written, or a merge field.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part<'a> {
    Text(&'a str),
    Field(&'a str),
}

/// Splits a template at its `{{…}}`; the first unknown field (or an unclosed `{{`) is the error,
/// as written.
fn parts(template: &str) -> Result<Vec<Part<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push(Part::Text(&rest[..start]));
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err(rest[start..].chars().take(40).collect());
        };
        let name = after[..end].trim();
        if !MERGE_FIELDS.contains(&name) {
            return Err(format!("{{{{{}}}}}", &after[..end]));
        }
        out.push(Part::Field(name));
        rest = &after[end + 2..];
    }
    out.push(Part::Text(rest));
    Ok(out)
}

/// Checks a template: `Err` names the first merge field that does not exist.
pub fn check_template(template: &str) -> Result<(), String> {
    parts(template).map(|_| ())
}

/// Whether a (valid) template uses the merge field.
pub fn uses_field(template: &str, field: &str) -> bool {
    parts(template).is_ok_and(|ps| ps.contains(&Part::Field(field)))
}

/// The template with the recipient's values, as plain text.
pub fn render_text(template: &str, v: &MergeValues) -> Result<String, String> {
    Ok(parts(template)?
        .into_iter()
        .map(|p| match p {
            Part::Text(t) => t,
            Part::Field(f) => v.get(f).unwrap_or_default(),
        })
        .collect())
}

/// Escapes text for HTML content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The template with the recipient's values as HTML paragraphs: the author's text and every
/// merge value are escaped alike, so no markup from either reaches the HTML. The registration
/// link, where the template uses it, is a link one can follow.
pub fn render_html(template: &str, v: &MergeValues) -> Result<String, String> {
    // The link's place is marked by a character no text has, then replaced once escaped.
    const MARK: char = '\u{0}';
    let clean = |s: &str| s.replace(MARK, "");
    let marked = MergeValues {
        contact_name: clean(&v.contact_name),
        company_name: clean(&v.company_name),
        account_manager: clean(&v.account_manager),
        registration_link: MARK.to_string(),
    };
    let text = render_text(&clean(template), &marked)?;
    let link = escape_html(&v.registration_link);
    let anchor = format!("<a href=\"{link}\">{link}</a>");
    let mut html = String::new();
    for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        html.push_str("<p>");
        html.push_str(&escape_html(para).replace('\n', "<br>\n").replace(MARK, &anchor));
        html.push_str("</p>\n");
    }
    Ok(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_fields_are_checked_and_escaped() {
        let v = MergeValues {
            contact_name: "<b>Ole</b>".into(),
            company_name: "A & B".into(),
            account_manager: "Kim".into(),
            registration_link: String::new(),
        };
        assert_eq!(render_text("Dear {{contact_name}} at {{ company_name }}", &v).unwrap(), "Dear <b>Ole</b> at A & B");
        assert_eq!(
            render_html("Dear {{contact_name}}\n\nfrom {{account_manager}}", &v).unwrap(),
            "<p>Dear &lt;b&gt;Ole&lt;/b&gt;</p>\n<p>from Kim</p>\n"
        );
        assert_eq!(check_template("Hi {{name}}").unwrap_err(), "{{name}}");
        assert_eq!(check_template("Hi {{contact_name").unwrap_err(), "{{contact_name");
        assert!(check_template("no fields").is_ok());
        let v = MergeValues { registration_link: "https://x.test/r/1?a=1&b=2".into(), ..v };
        assert_eq!(
            render_html("Sign up: {{registration_link}}", &v).unwrap(),
            "<p>Sign up: <a href=\"https://x.test/r/1?a=1&amp;b=2\">https://x.test/r/1?a=1&amp;b=2</a></p>\n"
        );
        assert!(uses_field("a {{ registration_link }}", REGISTRATION_LINK));
        assert!(!uses_field("a {{company_name}}", REGISTRATION_LINK));
        assert_eq!(ConsentPurpose::parse("surveys"), Ok(ConsentPurpose::Surveys));
        assert!(SkipReason::parse("x").is_err());
    }
}
