//! Programmes (recruitment exercises, sector initiatives, training routeways, pre-employment
//! courses, innovation or pilot projects, job rotation projects), the groups they are aimed
//! at, the roles of the organisations in them, and the money behind them: funding sources and
//! amounts held exactly in minor units (øre, pence).

use crate::Lang;

vocabulary!(
    /// What kind of programme it is.
    ProgrammeKind, "programme.kind_unknown", {
        RecruitmentExercise => "recruitment_exercise",
        SectorInitiative => "sector_initiative",
        TrainingRouteway => "training_routeway",
        PreEmploymentCourse => "pre_employment_course",
        InnovationProject => "innovation_project",
        JobRotation => "job_rotation",
    }
);

vocabulary!(
    /// A group a programme is aimed at; on a participant, the programme's own eligibility flag.
    TargetGroup, "programme.target_group_unknown", {
        LongTermUnemployed => "long_term_unemployed",
        YoungPeople => "young_people",
        EthnicMinority => "ethnic_minority",
        DisabledPeople => "disabled_people",
        RedundantWorkers => "redundant_workers",
        Employed => "employed",
    }
);

vocabulary!(
    /// What an organisation does in a programme.
    PartnerRole, "programme.role_unknown", {
        Employer => "employer",
        Lead => "lead",
        TrainingProvider => "training_provider",
        Funder => "funder",
        Partner => "partner",
    }
);

vocabulary!(
    /// Where a budget line's money comes from.
    FundingSource, "budget.source_unknown", {
        Esf => "esf",
        InnovationFund => "innovation_fund",
        Lsc => "lsc",
        Municipality => "municipality",
        State => "state",
        Employer => "employer",
        Other => "other",
    }
);

/// The largest amount a budget line or a spend may hold: a thousand million in major units.
pub const MAX_MINOR: i64 = 100_000_000_000;

/// The longest amount read, as written (`1.247.000.000,00` is 16): what the API document allows.
pub const AMOUNT_MAX_CHARS: usize = 30;

/// An amount of money as written, into minor units (øre, pence): digits with an optional
/// decimal part of one or two digits after `.` or `,`, thousands separated by spaces or by
/// the other mark (`1.247.000,50` and `1,247,000.50` both read). Never negative, never more
/// than [`MAX_MINOR`].
pub fn amount(s: &str) -> Result<i64, &'static str> {
    // As written, at most as long as the API document allows.
    if s.chars().count() > AMOUNT_MAX_CHARS {
        return Err("money.format");
    }
    let s: String = s.trim().chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}').collect();
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
        return Err("money.format");
    }
    // The decimal mark is the last mark followed by one or two digits only.
    let (whole, frac) = match s.rfind(['.', ',']) {
        Some(i) if (1..=2).contains(&(s.len() - i - 1)) => (&s[..i], &s[i + 1..]),
        _ => (s.as_str(), ""),
    };
    // Thousands marks must group digits by three.
    let groups: Vec<&str> = whole.split(['.', ',']).collect();
    if groups.iter().any(|g| g.is_empty())
        || groups.len() > 1 && (groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3))
        || frac.contains(['.', ','])
    {
        return Err("money.format");
    }
    let digits: String = groups.concat();
    let major: i64 = digits.parse().map_err(|_| "money.too_large")?;
    let minor: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| "money.format")? * 10,
        _ => frac.parse().map_err(|_| "money.format")?,
    };
    let total = major.checked_mul(100).and_then(|m| m.checked_add(minor)).ok_or("money.too_large")?;
    if total > MAX_MINOR {
        return Err("money.too_large");
    }
    Ok(total)
}

/// Minor units as the locale writes money: `1,247,000.00` in English, `1.247.000,00` in
/// Danish; negative amounts (an overspent line) keep their sign.
pub fn money(lang: Lang, minor: i64) -> String {
    let whole = crate::format::number(lang, minor / 100);
    let whole = if minor < 0 && minor / 100 == 0 { format!("-{whole}") } else { whole };
    let cents = (minor % 100).abs();
    match lang {
        Lang::En => format!("{whole}.{cents:02}"),
        Lang::Da => format!("{whole},{cents:02}"),
    }
}

/// The currencies a district may keep its money in (ISO 4217 codes).
pub const CURRENCIES: [&str; 6] = ["DKK", "EUR", "GBP", "ISK", "NOK", "SEK"];

/// A currency code as typed (any case, spaces around), when it is one of [`CURRENCIES`].
pub fn parse_currency(s: &str) -> Result<&'static str, &'static str> {
    let s = s.trim().to_uppercase();
    CURRENCIES.iter().copied().find(|c| *c == s).ok_or("currency.unknown")
}

/// An amount in minor units with its currency, as the locale writes it: `DKK 1,247,000.50` and
/// `£1,247,000.50` in English, `1.247.000,50 kr.` and `1.247.000,50 GBP` in Danish.
pub fn money_in(lang: Lang, minor: i64, currency: &str) -> String {
    with_currency(lang, money(lang, minor), currency)
}

/// A whole amount (no minor units) with its currency, written the same way.
pub fn whole_in(lang: Lang, whole: i64, currency: &str) -> String {
    with_currency(lang, crate::format::number(lang, whole), currency)
}

fn with_currency(lang: Lang, n: String, currency: &str) -> String {
    let (sign, n) = match n.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", n.as_str()),
    };
    match (lang, currency) {
        (Lang::En, "GBP") => format!("{sign}£{n}"),
        (Lang::En, "EUR") => format!("{sign}€{n}"),
        (Lang::En, c) => format!("{sign}{c} {n}"),
        (Lang::Da, "DKK") => format!("{sign}{n} kr."),
        (Lang::Da, c) => format!("{sign}{n} {c}"),
    }
}

/// Minor units as plain text with a point (`1247000.00`), as files and the API's `_text`
/// fields write them.
pub fn plain(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", (minor / 100).abs(), (minor % 100).abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_exactly_in_minor_units() {
        assert_eq!(amount("1247000"), Ok(124_700_000));
        assert_eq!(amount("1.247.000,00"), Ok(124_700_000));
        assert_eq!(amount("1,247,000.50"), Ok(124_700_050));
        assert_eq!(amount(&"0".repeat(31)), Err("money.format"), "longer than the document allows");
        assert_eq!(amount(&"0".repeat(30)), Ok(0));
        assert_eq!(amount("1 247 000,5"), Ok(124_700_050));
        assert_eq!(amount("0.01"), Ok(1));
        assert_eq!(amount("12,34"), Ok(1234));
        for bad in ["", "-5", "1.2.3", "12,3456", "abc", "1,24,000", "1.000.000.000.000"] {
            assert!(amount(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn money_is_written_per_locale() {
        assert_eq!(money(Lang::En, 124_700_050), "1,247,000.50");
        assert_eq!(money(Lang::Da, 124_700_050), "1.247.000,50");
        assert_eq!(money(Lang::En, -5), "-0.05");
        assert_eq!(money(Lang::Da, -123_456), "-1.234,56");
        assert_eq!(plain(-123_456), "-1234.56");
        assert_eq!(plain(7), "0.07");
    }

    #[test]
    fn money_carries_its_currency_as_each_locale_writes_it() {
        assert_eq!(money_in(Lang::En, 124_700_050, "DKK"), "DKK 1,247,000.50");
        assert_eq!(money_in(Lang::Da, 124_700_050, "DKK"), "1.247.000,50 kr.");
        assert_eq!(money_in(Lang::En, 124_700_050, "GBP"), "£1,247,000.50");
        assert_eq!(money_in(Lang::Da, 124_700_050, "GBP"), "1.247.000,50 GBP");
        assert_eq!(money_in(Lang::En, -123_456, "GBP"), "-£1,234.56");
        assert_eq!(money_in(Lang::Da, -5, "DKK"), "-0,05 kr.");
        assert_eq!(whole_in(Lang::En, 250_000, "EUR"), "€250,000");
        assert_eq!(whole_in(Lang::Da, 250_000, "SEK"), "250.000 SEK");
        assert_eq!(parse_currency(" gbp "), Ok("GBP"));
        assert_eq!(parse_currency("XYZ"), Err("currency.unknown"));
    }
}
