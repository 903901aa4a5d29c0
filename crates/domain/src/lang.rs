use serde::{Deserialize, Serialize};

/// The languages Accord speaks. Every user-visible string exists in each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Da,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Da];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Da => "da",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "en-gb" | "en-us" => Some(Lang::En),
            "da" | "da-dk" => Some(Lang::Da),
            _ => None,
        }
    }

    /// Picks the first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut bits = part.trim().split(';');
            let tag = bits.next().unwrap_or("").trim();
            let q = bits.find_map(|b| b.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(lang) = Lang::parse(primary)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l)
    }

    /// The other language, for the language switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Da,
            Lang::Da => Lang::En,
        }
    }
}

impl crate::Vocabulary for Lang {
    const NAME: &'static str = "Lang";

    fn codes() -> Vec<&'static str> {
        Lang::ALL.iter().map(|l| l.code()).collect()
    }

    fn parse_code(s: &str) -> Result<Self, &'static str> {
        Lang::parse(s).ok_or("lang.unknown")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_highest_quality() {
        assert_eq!(Lang::from_accept_language("da-DK,da;q=0.9,en;q=0.8"), Some(Lang::Da));
        assert_eq!(Lang::from_accept_language("de;q=1,en;q=0.5,da;q=0.7"), Some(Lang::Da));
        assert_eq!(Lang::from_accept_language("fr"), None);
    }
}
