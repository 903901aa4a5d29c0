//! Numbers and dates as each language writes them.

use crate::Lang;
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_DA: [&str; 12] = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
];

/// An integer with thousands separators: `1,193` in English, `1.193` in Danish.
pub fn number(lang: Lang, n: i64) -> String {
    let sep = match lang {
        Lang::En => ',',
        Lang::Da => '.',
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A quantity that may have a fraction, with as many decimals as it needs (at most two):
/// `42.5` / `42,5`, `1,193` / `1.193`.
pub fn decimal(lang: Lang, value: f64) -> String {
    let hundredths = (value * 100.0).round() as i64;
    let whole = number(lang, hundredths / 100);
    let whole = if hundredths < 0 && hundredths / 100 == 0 { format!("-{whole}") } else { whole };
    let frac = (hundredths % 100).unsigned_abs();
    if frac == 0 {
        return whole;
    }
    let point = match lang {
        Lang::En => '.',
        Lang::Da => ',',
    };
    let digits = format!("{frac:02}");
    format!("{whole}{point}{}", digits.trim_end_matches('0'))
}

/// A percentage with one decimal: `93.8%` / `93,8 %`.
pub fn percent(lang: Lang, value: f64) -> String {
    let s = format!("{value:.1}");
    match lang {
        Lang::En => format!("{s}%"),
        Lang::Da => format!("{} %", s.replace('.', ",")),
    }
}

/// A date in words: `25 January 2023` / `25. januar 2023`.
pub fn date(lang: Lang, d: NaiveDate) -> String {
    let m = d.month0() as usize;
    match lang {
        Lang::En => format!("{} {} {}", d.day(), MONTHS_EN[m], d.year()),
        Lang::Da => format!("{}. {} {}", d.day(), MONTHS_DA[m], d.year()),
    }
}

/// A month and year in words: `June 2004` / `juni 2004`.
pub fn month_year(lang: Lang, d: NaiveDate) -> String {
    let m = d.month0() as usize;
    match lang {
        Lang::En => format!("{} {}", MONTHS_EN[m], d.year()),
        Lang::Da => format!("{} {}", MONTHS_DA[m], d.year()),
    }
}

/// A quarter in words: `July–September 2004` / `juli–september 2004`.
pub fn quarter(lang: Lang, q: crate::Quarter) -> String {
    let (a, b) = (((q.q - 1) * 3) as usize, ((q.q - 1) * 3 + 2) as usize);
    match lang {
        Lang::En => format!("{}–{} {}", MONTHS_EN[a], MONTHS_EN[b], q.year),
        Lang::Da => format!("{}–{} {}", MONTHS_DA[a], MONTHS_DA[b], q.year),
    }
}

/// A month and year for a chart's axis: `Jan 2023` / `jan. 2023`.
pub fn month_short(lang: Lang, d: NaiveDate) -> String {
    let m = d.month0() as usize;
    match lang {
        Lang::En => format!("{} {}", &MONTHS_EN[m][..3], d.year()),
        Lang::Da => format!("{}. {}", &MONTHS_DA[m][..3], d.year()),
    }
}

/// A short date for tables: `25/01/2023` / `25.01.2023`.
pub fn date_short(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::En => d.format("%d/%m/%Y").to_string(),
        Lang::Da => d.format("%d.%m.%Y").to_string(),
    }
}

/// A moment to the minute, in UTC: `25/01/2023 14:05` / `25.01.2023 kl. 14.05`.
pub fn datetime(lang: Lang, t: DateTime<Utc>) -> String {
    let d = date_short(lang, t.date_naive());
    match lang {
        Lang::En => format!("{d} {:02}:{:02}", t.hour(), t.minute()),
        Lang::Da => format!("{d} kl. {:02}.{:02}", t.hour(), t.minute()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(number(Lang::En, 1193), "1,193");
        assert_eq!(number(Lang::Da, 1193), "1.193");
        assert_eq!(number(Lang::En, 27000), "27,000");
        assert_eq!(number(Lang::Da, -1234567), "-1.234.567");
        assert_eq!(number(Lang::En, 999), "999");
        assert_eq!(number(Lang::En, 0), "0");
    }

    #[test]
    fn decimals() {
        assert_eq!(decimal(Lang::En, 42.5), "42.5");
        assert_eq!(decimal(Lang::Da, 42.5), "42,5");
        assert_eq!(decimal(Lang::Da, 37.0), "37");
        assert_eq!(decimal(Lang::Da, 1193.25), "1.193,25");
        assert_eq!(decimal(Lang::En, 7.05), "7.05");
        assert_eq!(decimal(Lang::Da, -0.5), "-0,5");
    }

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2023, 1, 25).unwrap();
        assert_eq!(date(Lang::En, d), "25 January 2023");
        assert_eq!(date(Lang::Da, d), "25. januar 2023");
        assert_eq!(date_short(Lang::Da, d), "25.01.2023");
        assert_eq!(percent(Lang::Da, 93.8), "93,8 %");
        assert_eq!(percent(Lang::En, 36.0), "36.0%");
    }
}
