//! The economic activity an employer is in, at the level of the 88 divisions of NACE Rev. 2.
//!
//! Denmark's DB07 (Dansk Branchekode 2007) and the UK's SIC 2007 are both national versions of
//! NACE Rev. 2 and share its 2-digit divisions, so one list serves both countries. Finer codes
//! (`47.11`, `4711`, `47.110`, the UK's `47110`, …) are accepted as input and reduced to their
//! division.

use crate::Lang;

/// One NACE Rev. 2 division, with the letter of its section and its English and Danish titles.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Sector {
    /// Two-digit division code, `"01"` to `"99"`.
    pub code: &'static str,
    /// Section letter, `'A'` to `'U'`.
    pub section: char,
    /// Title in NACE Rev. 2 / UK SIC 2007.
    pub en: &'static str,
    /// Title in DB07.
    pub da: &'static str,
}

impl Sector {
    pub fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Da => self.da,
        }
    }
}

/// All divisions of NACE Rev. 2, sorted by code.
pub const SECTORS: &[Sector] = &[
    Sector {
        code: "01",
        section: 'A',
        en: "Crop and animal production, hunting and related service activities",
        da: "Plante- og husdyravl, jagt og serviceydelser i forbindelse hermed",
    },
    Sector { code: "02", section: 'A', en: "Forestry and logging", da: "Skovbrug og skovning" },
    Sector { code: "03", section: 'A', en: "Fishing and aquaculture", da: "Fiskeri og akvakultur" },
    Sector { code: "05", section: 'B', en: "Mining of coal and lignite", da: "Indvinding af kul og brunkul" },
    Sector {
        code: "06",
        section: 'B',
        en: "Extraction of crude petroleum and natural gas",
        da: "Indvinding af råolie og naturgas",
    },
    Sector { code: "07", section: 'B', en: "Mining of metal ores", da: "Brydning af metalmalme" },
    Sector { code: "08", section: 'B', en: "Other mining and quarrying", da: "Anden råstofindvinding" },
    Sector {
        code: "09",
        section: 'B',
        en: "Mining support service activities",
        da: "Serviceydelser i forbindelse med råstofindvinding",
    },
    Sector { code: "10", section: 'C', en: "Manufacture of food products", da: "Fremstilling af fødevarer" },
    Sector { code: "11", section: 'C', en: "Manufacture of beverages", da: "Fremstilling af drikkevarer" },
    Sector { code: "12", section: 'C', en: "Manufacture of tobacco products", da: "Fremstilling af tobaksprodukter" },
    Sector { code: "13", section: 'C', en: "Manufacture of textiles", da: "Fremstilling af tekstiler" },
    Sector {
        code: "14",
        section: 'C',
        en: "Manufacture of wearing apparel",
        da: "Fremstilling af beklædningsartikler",
    },
    Sector {
        code: "15",
        section: 'C',
        en: "Manufacture of leather and related products",
        da: "Fremstilling af læder og lædervarer",
    },
    Sector {
        code: "16",
        section: 'C',
        en: concat!(
            "Manufacture of wood and of products of wood and cork, except furniture; ",
            "manufacture of articles of straw and plaiting materials"
        ),
        da: concat!(
            "Fremstilling af træ og varer af træ og kork, undtagen møbler; ",
            "fremstilling af varer af strå og flettematerialer"
        ),
    },
    Sector {
        code: "17",
        section: 'C',
        en: "Manufacture of paper and paper products",
        da: "Fremstilling af papir og papirvarer",
    },
    Sector {
        code: "18",
        section: 'C',
        en: "Printing and reproduction of recorded media",
        da: "Trykning og reproduktion af indspillede medier",
    },
    Sector {
        code: "19",
        section: 'C',
        en: "Manufacture of coke and refined petroleum products",
        da: "Fremstilling af koks og raffinerede mineralolieprodukter",
    },
    Sector {
        code: "20",
        section: 'C',
        en: "Manufacture of chemicals and chemical products",
        da: "Fremstilling af kemiske produkter",
    },
    Sector {
        code: "21",
        section: 'C',
        en: "Manufacture of basic pharmaceutical products and pharmaceutical preparations",
        da: "Fremstilling af farmaceutiske råvarer og farmaceutiske præparater",
    },
    Sector {
        code: "22",
        section: 'C',
        en: "Manufacture of rubber and plastic products",
        da: "Fremstilling af gummi- og plastprodukter",
    },
    Sector {
        code: "23",
        section: 'C',
        en: "Manufacture of other non-metallic mineral products",
        da: "Fremstilling af andre ikke-metalholdige mineralske produkter",
    },
    Sector { code: "24", section: 'C', en: "Manufacture of basic metals", da: "Fremstilling af metal" },
    Sector {
        code: "25",
        section: 'C',
        en: "Manufacture of fabricated metal products, except machinery and equipment",
        da: "Jern- og metalvareindustri, undtagen maskiner og udstyr",
    },
    Sector {
        code: "26",
        section: 'C',
        en: "Manufacture of computer, electronic and optical products",
        da: "Fremstilling af computere, elektroniske og optiske produkter",
    },
    Sector {
        code: "27",
        section: 'C',
        en: "Manufacture of electrical equipment",
        da: "Fremstilling af elektrisk udstyr",
    },
    Sector {
        code: "28",
        section: 'C',
        en: "Manufacture of machinery and equipment n.e.c.",
        da: "Fremstilling af maskiner og udstyr i.a.n.",
    },
    Sector {
        code: "29",
        section: 'C',
        en: "Manufacture of motor vehicles, trailers and semi-trailers",
        da: "Fremstilling af motorkøretøjer, påhængsvogne og sættevogne",
    },
    Sector {
        code: "30",
        section: 'C',
        en: "Manufacture of other transport equipment",
        da: "Fremstilling af andre transportmidler",
    },
    Sector { code: "31", section: 'C', en: "Manufacture of furniture", da: "Fremstilling af møbler" },
    Sector { code: "32", section: 'C', en: "Other manufacturing", da: "Anden fremstillingsvirksomhed" },
    Sector {
        code: "33",
        section: 'C',
        en: "Repair and installation of machinery and equipment",
        da: "Reparation og installation af maskiner og udstyr",
    },
    Sector {
        code: "35",
        section: 'D',
        en: "Electricity, gas, steam and air conditioning supply",
        da: "El-, gas- og fjernvarmeforsyning",
    },
    Sector { code: "36", section: 'E', en: "Water collection, treatment and supply", da: "Vandforsyning" },
    Sector { code: "37", section: 'E', en: "Sewerage", da: "Opsamling og behandling af spildevand" },
    Sector {
        code: "38",
        section: 'E',
        en: "Waste collection, treatment and disposal activities; materials recovery",
        da: "Indsamling, behandling og bortskaffelse af affald; genbrug",
    },
    Sector {
        code: "39",
        section: 'E',
        en: "Remediation activities and other waste management services",
        da: "Rensning af jord og grundvand og anden form for forureningsbekæmpelse",
    },
    Sector { code: "41", section: 'F', en: "Construction of buildings", da: "Opførelse af bygninger" },
    Sector { code: "42", section: 'F', en: "Civil engineering", da: "Anlægsarbejder" },
    Sector {
        code: "43",
        section: 'F',
        en: "Specialised construction activities",
        da: "Bygge- og anlægsvirksomhed, som kræver specialisering",
    },
    Sector {
        code: "45",
        section: 'G',
        en: "Wholesale and retail trade and repair of motor vehicles and motorcycles",
        da: "Handel med biler og motorcykler, og reparation heraf",
    },
    Sector {
        code: "46",
        section: 'G',
        en: "Wholesale trade, except of motor vehicles and motorcycles",
        da: "Engroshandel undtagen med motorkøretøjer og motorcykler",
    },
    Sector {
        code: "47",
        section: 'G',
        en: "Retail trade, except of motor vehicles and motorcycles",
        da: "Detailhandel undtagen med motorkøretøjer og motorcykler",
    },
    Sector {
        code: "49",
        section: 'H',
        en: "Land transport and transport via pipelines",
        da: "Landtransport; rørtransport",
    },
    Sector { code: "50", section: 'H', en: "Water transport", da: "Skibsfart" },
    Sector { code: "51", section: 'H', en: "Air transport", da: "Luftfart" },
    Sector {
        code: "52",
        section: 'H',
        en: "Warehousing and support activities for transportation",
        da: "Hjælpevirksomhed i forbindelse med transport",
    },
    Sector { code: "53", section: 'H', en: "Postal and courier activities", da: "Post- og kurertjenester" },
    Sector { code: "55", section: 'I', en: "Accommodation", da: "Overnatningsfaciliteter" },
    Sector { code: "56", section: 'I', en: "Food and beverage service activities", da: "Restaurationsvirksomhed" },
    Sector { code: "58", section: 'J', en: "Publishing activities", da: "Udgivervirksomhed" },
    Sector {
        code: "59",
        section: 'J',
        en: concat!(
            "Motion picture, video and television programme production, ",
            "sound recording and music publishing activities"
        ),
        da: "Produktion af film, video- og tv-programmer, lydoptagelser og musikudgivelser",
    },
    Sector { code: "60", section: 'J', en: "Programming and broadcasting activities", da: "Radio- og tv-virksomhed" },
    Sector { code: "61", section: 'J', en: "Telecommunications", da: "Telekommunikation" },
    Sector {
        code: "62",
        section: 'J',
        en: "Computer programming, consultancy and related activities",
        da: "Computerprogrammering, konsulentbistand vedrørende informationsteknologi og lignende aktiviteter",
    },
    Sector { code: "63", section: 'J', en: "Information service activities", da: "Informationstjenester" },
    Sector {
        code: "64",
        section: 'K',
        en: "Financial service activities, except insurance and pension funding",
        da: "Pengeinstitut- og finansieringsvirksomhed undtagen forsikring og pensionsforsikring",
    },
    Sector {
        code: "65",
        section: 'K',
        en: "Insurance, reinsurance and pension funding, except compulsory social security",
        da: "Forsikring, genforsikring og pensionsforsikring undtagen lovpligtig socialforsikring",
    },
    Sector {
        code: "66",
        section: 'K',
        en: "Activities auxiliary to financial services and insurance activities",
        da: "Hjælpetjenester i forbindelse med finansieringsvirksomhed og forsikring",
    },
    Sector { code: "68", section: 'L', en: "Real estate activities", da: "Fast ejendom" },
    Sector {
        code: "69",
        section: 'M',
        en: "Legal and accounting activities",
        da: "Juridisk bistand, bogføring og revision",
    },
    Sector {
        code: "70",
        section: 'M',
        en: "Activities of head offices; management consultancy activities",
        da: "Hovedsæders virksomhed; virksomhedsrådgivning",
    },
    Sector {
        code: "71",
        section: 'M',
        en: "Architectural and engineering activities; technical testing and analysis",
        da: "Arkitekt- og ingeniørvirksomhed; teknisk afprøvning og analyse",
    },
    Sector {
        code: "72",
        section: 'M',
        en: "Scientific research and development",
        da: "Videnskabelig forskning og udvikling",
    },
    Sector { code: "73", section: 'M', en: "Advertising and market research", da: "Reklame og markedsanalyse" },
    Sector {
        code: "74",
        section: 'M',
        en: "Other professional, scientific and technical activities",
        da: "Andre liberale, videnskabelige og tekniske tjenesteydelser",
    },
    Sector { code: "75", section: 'M', en: "Veterinary activities", da: "Dyrlæger" },
    Sector { code: "77", section: 'N', en: "Rental and leasing activities", da: "Udlejning og leasing" },
    Sector { code: "78", section: 'N', en: "Employment activities", da: "Arbejdsformidling" },
    Sector {
        code: "79",
        section: 'N',
        en: "Travel agency, tour operator and other reservation service and related activities",
        da: concat!(
            "Rejsebureauers og rejsearrangørers virksomhed, reservationstjenesteydelser ",
            "og tjenesteydelser i forbindelse hermed"
        ),
    },
    Sector {
        code: "80",
        section: 'N',
        en: "Security and investigation activities",
        da: "Vagt- og sikkerhedstjenester og overvågning",
    },
    Sector {
        code: "81",
        section: 'N',
        en: "Services to buildings and landscape activities",
        da: "Serviceydelser i forbindelse med ejendomme samt landskabspleje",
    },
    Sector {
        code: "82",
        section: 'N',
        en: "Office administrative, office support and other business support activities",
        da: "Administrationsservice, kontorservice og anden forretningsservice",
    },
    Sector {
        code: "84",
        section: 'O',
        en: "Public administration and defence; compulsory social security",
        da: "Offentlig forvaltning, forsvar og socialsikring",
    },
    Sector { code: "85", section: 'P', en: "Education", da: "Undervisning" },
    Sector { code: "86", section: 'Q', en: "Human health activities", da: "Sundhedsvæsen" },
    Sector { code: "87", section: 'Q', en: "Residential care activities", da: "Institutionsophold" },
    Sector {
        code: "88",
        section: 'Q',
        en: "Social work activities without accommodation",
        da: "Sociale foranstaltninger uden institutionsophold",
    },
    Sector {
        code: "90",
        section: 'R',
        en: "Creative, arts and entertainment activities",
        da: "Kreative aktiviteter, kunst og forlystelser",
    },
    Sector {
        code: "91",
        section: 'R',
        en: "Libraries, archives, museums and other cultural activities",
        da: "Biblioteker, arkiver, museer og anden kulturel virksomhed",
    },
    Sector {
        code: "92",
        section: 'R',
        en: "Gambling and betting activities",
        da: "Lotteri- og anden spillevirksomhed",
    },
    Sector {
        code: "93",
        section: 'R',
        en: "Sports activities and amusement and recreation activities",
        da: "Sport, forlystelser og fritidsaktiviteter",
    },
    Sector {
        code: "94",
        section: 'S',
        en: "Activities of membership organisations",
        da: "Organisationer og foreninger",
    },
    Sector {
        code: "95",
        section: 'S',
        en: "Repair of computers and personal and household goods",
        da: "Reparation af computere og varer til personligt brug og husholdningsbrug",
    },
    Sector { code: "96", section: 'S', en: "Other personal service activities", da: "Andre personlige serviceydelser" },
    Sector {
        code: "97",
        section: 'T',
        en: "Activities of households as employers of domestic personnel",
        da: "Husholdninger med ansat medhjælp",
    },
    Sector {
        code: "98",
        section: 'T',
        en: "Undifferentiated goods- and services-producing activities of private households for own use",
        da: "Private husholdningers produktion af varer og tjenesteydelser til eget brug, i.a.n.",
    },
    Sector {
        code: "99",
        section: 'U',
        en: "Activities of extraterritorial organisations and bodies",
        da: "Ekstraterritoriale organisationer og organer",
    },
];

/// The 21 sections of NACE Rev. 2: letter, English title, Danish (DB07) title.
pub const SECTIONS: &[(char, &str, &str)] = &[
    ('A', "Agriculture, forestry and fishing", "Landbrug, jagt, skovbrug og fiskeri"),
    ('B', "Mining and quarrying", "Råstofindvinding"),
    ('C', "Manufacturing", "Fremstillingsvirksomhed"),
    ('D', "Electricity, gas, steam and air conditioning supply", "El-, gas- og fjernvarmeforsyning"),
    (
        'E',
        "Water supply; sewerage, waste management and remediation activities",
        "Vandforsyning; kloakvæsen, affaldshåndtering og rensning af jord og grundvand",
    ),
    ('F', "Construction", "Bygge- og anlægsvirksomhed"),
    (
        'G',
        "Wholesale and retail trade; repair of motor vehicles and motorcycles",
        "Engroshandel og detailhandel; reparation af motorkøretøjer og motorcykler",
    ),
    ('H', "Transportation and storage", "Transport og godshåndtering"),
    ('I', "Accommodation and food service activities", "Overnatningsfaciliteter og restaurationsvirksomhed"),
    ('J', "Information and communication", "Information og kommunikation"),
    ('K', "Financial and insurance activities", "Pengeinstitut- og finansvirksomhed, forsikring"),
    ('L', "Real estate activities", "Fast ejendom"),
    ('M', "Professional, scientific and technical activities", "Liberale, videnskabelige og tekniske tjenesteydelser"),
    ('N', "Administrative and support service activities", "Administrative tjenesteydelser og hjælpetjenester"),
    (
        'O',
        "Public administration and defence; compulsory social security",
        "Offentlig administration, forsvar og socialsikring",
    ),
    ('P', "Education", "Undervisning"),
    ('Q', "Human health and social work activities", "Sundhed og socialvæsen"),
    ('R', "Arts, entertainment and recreation", "Kultur, forlystelser og sport"),
    ('S', "Other service activities", "Andre serviceydelser"),
    (
        'T',
        concat!(
            "Activities of households as employers; ",
            "undifferentiated goods- and services-producing activities of households for own use"
        ),
        concat!(
            "Private husholdninger med ansat medhjælp; ",
            "private husholdningers produktion af varer og tjenesteydelser til eget brug"
        ),
    ),
    ('U', "Activities of extraterritorial organisations and bodies", "Ekstraterritoriale organisationer og organer"),
];

/// The division with exactly this two-digit code.
pub fn by_code(code: &str) -> Option<&'static Sector> {
    SECTORS.iter().find(|s| s.code == code)
}

/// Reads a division code (`47`) or a finer NACE / DB07 / UK SIC code (`47.11`, `4711`, `47.110`,
/// `47110`) and returns its division.
pub fn parse(s: &str) -> Result<&'static Sector, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Err("field.required");
    }
    let bytes = s.as_bytes();
    if bytes.len() < 2 {
        return Err("sector.unknown");
    }
    let (head, mut tail) = bytes.split_at(2);
    let dotted = tail.first() == Some(&b'.');
    if dotted {
        tail = &tail[1..];
    }
    let all_digits = head.iter().chain(tail).all(u8::is_ascii_digit);
    let digits = head.len() + tail.len();
    if !all_digits || !matches!(digits, 2 | 4 | 5) || (dotted && tail.is_empty()) {
        return Err("sector.unknown");
    }
    // The first two bytes are ASCII digits, so slicing the str there is safe.
    by_code(&s[..2]).ok_or("sector.unknown")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_88_divisions() {
        assert_eq!(SECTORS.len(), 88);
    }

    #[test]
    fn codes_are_two_digits_unique_and_sorted() {
        for s in SECTORS {
            assert!(s.code.len() == 2 && s.code.bytes().all(|b| b.is_ascii_digit()), "{}", s.code);
            assert!(!s.en.is_empty() && !s.da.is_empty(), "{}", s.code);
        }
        for pair in SECTORS.windows(2) {
            assert!(pair[0].code < pair[1].code, "{} before {}", pair[0].code, pair[1].code);
        }
    }

    #[test]
    fn sections_are_a_to_u_and_cover_every_division() {
        let letters: String = SECTIONS.iter().map(|(c, _, _)| *c).collect();
        assert_eq!(letters, "ABCDEFGHIJKLMNOPQRSTU");
        for s in SECTORS {
            assert!(SECTIONS.iter().any(|(c, _, _)| *c == s.section), "{} has section {}", s.code, s.section);
        }
        for pair in SECTORS.windows(2) {
            assert!(pair[0].section <= pair[1].section, "{} and {}", pair[0].code, pair[1].code);
        }
        for (c, _, _) in SECTIONS {
            assert!(SECTORS.iter().any(|s| s.section == *c), "section {c} has no division");
        }
    }

    #[test]
    fn parse_accepts_divisions_and_finer_codes() {
        for input in ["47", " 47.11 ", "4711", "47110", "47.110"] {
            assert_eq!(parse(input).map(|s| s.code), Ok("47"), "{input:?}");
        }
        assert_eq!(parse("86.10").map(|s| s.code), Ok("86"));
        assert_eq!(parse("01").map(|s| s.section), Ok('A'));
        assert_eq!(parse("99").map(|s| s.section), Ok('U'));
    }

    #[test]
    fn parse_rejects_the_rest() {
        assert_eq!(parse(""), Err("field.required"));
        assert_eq!(parse("   "), Err("field.required"));
        for input in ["00", "04", "100", "47.1.1", "ab", "47x", "4", "47.", "47.1", "471100", "4.711", "4æ"] {
            assert_eq!(parse(input), Err("sector.unknown"), "{input:?}");
        }
    }

    #[test]
    fn by_code_is_exact() {
        assert_eq!(by_code("47").map(|s| s.section), Some('G'));
        assert_eq!(by_code("47.11"), None);
        assert_eq!(by_code("04"), None);
    }

    #[test]
    fn name_follows_the_language() {
        let retail = by_code("47").unwrap();
        assert_eq!(retail.name(Lang::En), "Retail trade, except of motor vehicles and motorcycles");
        assert_eq!(retail.name(Lang::Da), "Detailhandel undtagen med motorkøretøjer og motorcykler");
        assert_eq!(by_code("86").unwrap().name(Lang::Da), "Sundhedsvæsen");
    }
}
