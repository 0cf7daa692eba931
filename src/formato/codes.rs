//! Static code lists and their checkers: ISO 3166-1 countries (alpha-2 and alpha-3), ICAO Doc 9303
//! three-letter nationality/issuing-state codes, ISO 4217 currencies, ISO 639 languages and the
//! membership of the Conferencia Regional sobre Migración (CRM).
//!
//! All checks are exact and case-sensitive: country, ICAO and currency codes are upper case,
//! language codes lower case. Nothing here allocates or performs I/O.

/// The 11 member countries of the CRM (ISO 3166-1 alpha-2), in the order of the seeds.
pub const CRM_MEMBERS: [&str; 11] = ["BZ", "CA", "CR", "SV", "US", "GT", "HN", "MX", "NI", "PA", "DO"];

/// Whether `alpha2` is a CRM member country.
pub fn is_crm_member(alpha2: &str) -> bool {
    CRM_MEMBERS.contains(&alpha2)
}

/// Every officially assigned ISO 3166-1 code as `(alpha-2, alpha-3)`, sorted by alpha-2
/// (249 entries). User-assigned codes such as `XK` (Kosovo) are not included.
#[rustfmt::skip]
pub const COUNTRIES: [(&str, &str); 249] = [
    ("AD", "AND"), ("AE", "ARE"), ("AF", "AFG"), ("AG", "ATG"), ("AI", "AIA"), ("AL", "ALB"),
    ("AM", "ARM"), ("AO", "AGO"), ("AQ", "ATA"), ("AR", "ARG"), ("AS", "ASM"), ("AT", "AUT"),
    ("AU", "AUS"), ("AW", "ABW"), ("AX", "ALA"), ("AZ", "AZE"), ("BA", "BIH"), ("BB", "BRB"),
    ("BD", "BGD"), ("BE", "BEL"), ("BF", "BFA"), ("BG", "BGR"), ("BH", "BHR"), ("BI", "BDI"),
    ("BJ", "BEN"), ("BL", "BLM"), ("BM", "BMU"), ("BN", "BRN"), ("BO", "BOL"), ("BQ", "BES"),
    ("BR", "BRA"), ("BS", "BHS"), ("BT", "BTN"), ("BV", "BVT"), ("BW", "BWA"), ("BY", "BLR"),
    ("BZ", "BLZ"), ("CA", "CAN"), ("CC", "CCK"), ("CD", "COD"), ("CF", "CAF"), ("CG", "COG"),
    ("CH", "CHE"), ("CI", "CIV"), ("CK", "COK"), ("CL", "CHL"), ("CM", "CMR"), ("CN", "CHN"),
    ("CO", "COL"), ("CR", "CRI"), ("CU", "CUB"), ("CV", "CPV"), ("CW", "CUW"), ("CX", "CXR"),
    ("CY", "CYP"), ("CZ", "CZE"), ("DE", "DEU"), ("DJ", "DJI"), ("DK", "DNK"), ("DM", "DMA"),
    ("DO", "DOM"), ("DZ", "DZA"), ("EC", "ECU"), ("EE", "EST"), ("EG", "EGY"), ("EH", "ESH"),
    ("ER", "ERI"), ("ES", "ESP"), ("ET", "ETH"), ("FI", "FIN"), ("FJ", "FJI"), ("FK", "FLK"),
    ("FM", "FSM"), ("FO", "FRO"), ("FR", "FRA"), ("GA", "GAB"), ("GB", "GBR"), ("GD", "GRD"),
    ("GE", "GEO"), ("GF", "GUF"), ("GG", "GGY"), ("GH", "GHA"), ("GI", "GIB"), ("GL", "GRL"),
    ("GM", "GMB"), ("GN", "GIN"), ("GP", "GLP"), ("GQ", "GNQ"), ("GR", "GRC"), ("GS", "SGS"),
    ("GT", "GTM"), ("GU", "GUM"), ("GW", "GNB"), ("GY", "GUY"), ("HK", "HKG"), ("HM", "HMD"),
    ("HN", "HND"), ("HR", "HRV"), ("HT", "HTI"), ("HU", "HUN"), ("ID", "IDN"), ("IE", "IRL"),
    ("IL", "ISR"), ("IM", "IMN"), ("IN", "IND"), ("IO", "IOT"), ("IQ", "IRQ"), ("IR", "IRN"),
    ("IS", "ISL"), ("IT", "ITA"), ("JE", "JEY"), ("JM", "JAM"), ("JO", "JOR"), ("JP", "JPN"),
    ("KE", "KEN"), ("KG", "KGZ"), ("KH", "KHM"), ("KI", "KIR"), ("KM", "COM"), ("KN", "KNA"),
    ("KP", "PRK"), ("KR", "KOR"), ("KW", "KWT"), ("KY", "CYM"), ("KZ", "KAZ"), ("LA", "LAO"),
    ("LB", "LBN"), ("LC", "LCA"), ("LI", "LIE"), ("LK", "LKA"), ("LR", "LBR"), ("LS", "LSO"),
    ("LT", "LTU"), ("LU", "LUX"), ("LV", "LVA"), ("LY", "LBY"), ("MA", "MAR"), ("MC", "MCO"),
    ("MD", "MDA"), ("ME", "MNE"), ("MF", "MAF"), ("MG", "MDG"), ("MH", "MHL"), ("MK", "MKD"),
    ("ML", "MLI"), ("MM", "MMR"), ("MN", "MNG"), ("MO", "MAC"), ("MP", "MNP"), ("MQ", "MTQ"),
    ("MR", "MRT"), ("MS", "MSR"), ("MT", "MLT"), ("MU", "MUS"), ("MV", "MDV"), ("MW", "MWI"),
    ("MX", "MEX"), ("MY", "MYS"), ("MZ", "MOZ"), ("NA", "NAM"), ("NC", "NCL"), ("NE", "NER"),
    ("NF", "NFK"), ("NG", "NGA"), ("NI", "NIC"), ("NL", "NLD"), ("NO", "NOR"), ("NP", "NPL"),
    ("NR", "NRU"), ("NU", "NIU"), ("NZ", "NZL"), ("OM", "OMN"), ("PA", "PAN"), ("PE", "PER"),
    ("PF", "PYF"), ("PG", "PNG"), ("PH", "PHL"), ("PK", "PAK"), ("PL", "POL"), ("PM", "SPM"),
    ("PN", "PCN"), ("PR", "PRI"), ("PS", "PSE"), ("PT", "PRT"), ("PW", "PLW"), ("PY", "PRY"),
    ("QA", "QAT"), ("RE", "REU"), ("RO", "ROU"), ("RS", "SRB"), ("RU", "RUS"), ("RW", "RWA"),
    ("SA", "SAU"), ("SB", "SLB"), ("SC", "SYC"), ("SD", "SDN"), ("SE", "SWE"), ("SG", "SGP"),
    ("SH", "SHN"), ("SI", "SVN"), ("SJ", "SJM"), ("SK", "SVK"), ("SL", "SLE"), ("SM", "SMR"),
    ("SN", "SEN"), ("SO", "SOM"), ("SR", "SUR"), ("SS", "SSD"), ("ST", "STP"), ("SV", "SLV"),
    ("SX", "SXM"), ("SY", "SYR"), ("SZ", "SWZ"), ("TC", "TCA"), ("TD", "TCD"), ("TF", "ATF"),
    ("TG", "TGO"), ("TH", "THA"), ("TJ", "TJK"), ("TK", "TKL"), ("TL", "TLS"), ("TM", "TKM"),
    ("TN", "TUN"), ("TO", "TON"), ("TR", "TUR"), ("TT", "TTO"), ("TV", "TUV"), ("TW", "TWN"),
    ("TZ", "TZA"), ("UA", "UKR"), ("UG", "UGA"), ("UM", "UMI"), ("US", "USA"), ("UY", "URY"),
    ("UZ", "UZB"), ("VA", "VAT"), ("VC", "VCT"), ("VE", "VEN"), ("VG", "VGB"), ("VI", "VIR"),
    ("VN", "VNM"), ("VU", "VUT"), ("WF", "WLF"), ("WS", "WSM"), ("YE", "YEM"), ("YT", "MYT"),
    ("ZA", "ZAF"), ("ZM", "ZMB"), ("ZW", "ZWE"),
];

/// ICAO Doc 9303 (part 3) codes that are not ISO 3166-1 alpha-3 codes, with what they stand for
/// and, where one exists, the ISO alpha-2 country they belong to.
pub const ICAO_SPECIAL_CODES: [(&str, &str, Option<&str>); 25] = [
    ("D", "Germany (MRZ code)", Some("DE")),
    ("GBD", "British Overseas Territories Citizen", Some("GB")),
    ("GBN", "British National (Overseas)", Some("GB")),
    ("GBO", "British Overseas Citizen", Some("GB")),
    ("GBP", "British Protected Person", Some("GB")),
    ("GBS", "British Subject", Some("GB")),
    ("UNO", "United Nations Organization or its officials", None),
    ("UNA", "Specialized agency of the United Nations or its officials", None),
    ("UNK", "Resident of Kosovo (UNMIK travel document)", None),
    ("RKS", "Kosovo (Republic of Kosovo passports)", None),
    ("XXA", "Stateless person (1954 Convention)", None),
    ("XXB", "Refugee (1951 Convention / 1967 Protocol)", None),
    ("XXC", "Refugee (other)", None),
    ("XXX", "Unspecified nationality", None),
    ("EUE", "European Union", None),
    ("XBA", "African Development Bank", None),
    ("XIM", "African Export-Import Bank", None),
    ("XCC", "Caribbean Community (CARICOM)", None),
    ("XCE", "Council of Europe", None),
    ("XCO", "Common Market for Eastern and Southern Africa", None),
    ("XEC", "Economic Community of West African States", None),
    ("XES", "Organisation of Eastern Caribbean States", None),
    ("XOM", "Sovereign Military Order of Malta", None),
    ("XPO", "INTERPOL", None),
    ("XDC", "Southern African Development Community", None),
];

/// ISO 4217 currency codes in the current list (funds, precious metals and the testing codes
/// `XTS`/`XXX` included).
pub const ISO_4217_ACTIVE: [&str; 177] = [
    "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BHD", "BIF", "BMD", "BND",
    "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY",
    "COP", "COU", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP",
    "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD",
    "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP",
    "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN",
    "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN",
    "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD",
    "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX",
    "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF", "XAG", "XAU", "XBA", "XBB",
    "XBC", "XBD", "XCD", "XCG", "XDR", "XOF", "XPD", "XPF", "XPT", "XSU", "XTS", "XUA", "XXX", "YER", "ZAR", "ZMW",
    "ZWG",
];

/// Currency codes withdrawn from ISO 4217 since 2019 that are still accepted, because cases
/// record amounts paid at the time of the facts (2019 onwards).
pub const ISO_4217_RECENTLY_WITHDRAWN: [&str; 6] = ["ANG", "BGN", "CUC", "HRK", "SLL", "ZWL"];

/// The 183 ISO 639-1 two-letter language codes.
pub const ISO_639_1: [&str; 183] = [
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bi", "bm", "bn", "bo",
    "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de", "dv", "dz", "ee", "el", "en", "eo",
    "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi",
    "ho", "hr", "ht", "hu", "hy", "hz", "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka",
    "kg", "ki", "kj", "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd", "ne", "ng",
    "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl", "ps", "pt", "qu", "rm", "rn",
    "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su",
    "sv", "sw", "ta", "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur",
    "uz", "ve", "vi", "vo", "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// Whether `code` is an officially assigned ISO 3166-1 alpha-2 code (upper case).
pub fn is_country(code: &str) -> bool {
    COUNTRIES.binary_search_by(|(a2, _)| (*a2).cmp(code)).is_ok()
}

/// Whether `code` is an officially assigned ISO 3166-1 alpha-3 code (upper case).
pub fn is_alpha3(code: &str) -> bool {
    COUNTRIES.iter().any(|(_, a3)| *a3 == code)
}

/// The alpha-3 code of an alpha-2 country code.
pub fn alpha3_of(alpha2: &str) -> Option<&'static str> {
    COUNTRIES.binary_search_by(|(a2, _)| (*a2).cmp(alpha2)).ok().map(|i| COUNTRIES[i].1)
}

/// The ICAO Doc 9303 code of an alpha-2 country: the alpha-3 code, except `D` for Germany.
pub fn icao_of(alpha2: &str) -> Option<&'static str> {
    if alpha2 == "DE" {
        return Some("D");
    }
    alpha3_of(alpha2)
}

/// Whether `code` is a valid ICAO Doc 9303 three-letter code (or `D`): every ISO 3166-1 alpha-3
/// code plus the ICAO special codes of [`ICAO_SPECIAL_CODES`].
pub fn is_icao_code(code: &str) -> bool {
    is_alpha3(code) || ICAO_SPECIAL_CODES.iter().any(|(c, _, _)| *c == code)
}

/// The ISO alpha-2 country an ICAO code belongs to, if any (`D` → `DE`, `GBD` → `GB`,
/// `HND` → `HN`; organisations and refugee/stateless codes give `None`).
pub fn alpha2_of_icao(code: &str) -> Option<&'static str> {
    if let Some((a2, _)) = COUNTRIES.iter().find(|(_, a3)| *a3 == code) {
        return Some(a2);
    }
    ICAO_SPECIAL_CODES.iter().find(|(c, _, _)| *c == code).and_then(|(_, _, a2)| *a2)
}

/// Whether `code` is an accepted ISO 4217 currency code: the active list plus the codes withdrawn
/// since 2019 ([`ISO_4217_RECENTLY_WITHDRAWN`]).
pub fn is_currency(code: &str) -> bool {
    ISO_4217_ACTIVE.binary_search(&code).is_ok() || ISO_4217_RECENTLY_WITHDRAWN.contains(&code)
}

/// Whether `code` is an accepted language code: an ISO 639-1 two-letter code, or three lower-case
/// ASCII letters taken as an ISO 639-3 code (checked by shape only: the 639-3 register has
/// about 8,000 entries and the region's indigenous languages, e.g. `quc` K'iche', `cab`
/// Garífuna, `miq` Miskito, have no 639-1 code).
pub fn is_language(code: &str) -> bool {
    match code.len() {
        2 => ISO_639_1.binary_search(&code).is_ok(),
        3 => code.bytes().all(|b| b.is_ascii_lowercase()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted_unique(list: &[&str]) -> bool {
        list.windows(2).all(|w| w[0] < w[1])
    }

    #[test]
    fn lists_are_sorted_and_unique() {
        let a2: Vec<&str> = COUNTRIES.iter().map(|c| c.0).collect();
        assert!(sorted_unique(&a2));
        let mut a3: Vec<&str> = COUNTRIES.iter().map(|c| c.1).collect();
        a3.sort_unstable();
        assert!(sorted_unique(&a3));
        assert!(sorted_unique(&ISO_4217_ACTIVE));
        assert!(sorted_unique(&ISO_639_1));
        for (code, _, _) in ICAO_SPECIAL_CODES {
            assert!(!is_alpha3(code), "{code} is already an ISO code");
        }
    }

    #[test]
    fn members_are_countries() {
        for m in CRM_MEMBERS {
            assert!(is_country(m));
            assert!(is_crm_member(m));
        }
        assert!(!is_crm_member("CO"));
    }

    #[test]
    fn checkers() {
        assert!(is_country("HN") && !is_country("hn") && !is_country("XK") && !is_country("HND"));
        assert!(is_icao_code("HND") && is_icao_code("D") && is_icao_code("XXA"));
        assert!(is_icao_code("GBD") && is_icao_code("RKS") && !is_icao_code("HN"));
        assert_eq!(icao_of("DE"), Some("D"));
        assert_eq!(icao_of("GT"), Some("GTM"));
        assert_eq!(alpha2_of_icao("D"), Some("DE"));
        assert_eq!(alpha2_of_icao("NIC"), Some("NI"));
        assert_eq!(alpha2_of_icao("XXB"), None);
        assert!(is_currency("USD") && is_currency("GTQ") && is_currency("HRK"));
        assert!(!is_currency("usd") && !is_currency("ABC"));
        assert!(is_language("es") && is_language("quc") && !is_language("xx"));
        assert!(!is_language("ES") && !is_language("spa1"));
    }
}
