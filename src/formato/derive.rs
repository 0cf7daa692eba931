//! Server-derived values and the stored form of a case.
//!
//! [`stored_document`] turns a [`CaseInput`] into the JSON document the server keeps: the input
//! as sent plus the derived fields (`persons[].age_band`, `persons[].is_minor`,
//! `persons[].origin_class`, `persons[].exploitation.duration_months`, `suspects[].age_band`,
//! `reporting_semester`). The small functions used to derive them (dates, ages, semesters,
//! origin classes, the false-passport rule) are public for reuse by statistics.

use serde::Serialize;
use serde_json::{Map, Value};
use time::{Date, Month};
use utoipa::ToSchema;

use super::codes::is_crm_member;
use super::enums::{AgeBand, DocumentFraudType, DocumentType, OriginClass, PersonRole};
use super::record::{CaseInput, Document, Person};

/// Precision of a (possibly partial) ISO 8601 date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePrecision {
    /// `YYYY`
    Year,
    /// `YYYY-MM`
    Month,
    /// `YYYY-MM-DD`
    Day,
}

/// A parsed ISO 8601 calendar date, possibly partial, as the interval of days it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartialDate {
    /// Precision the date was written with.
    pub precision: DatePrecision,
    /// First day covered (`2024` → 2024-01-01).
    pub earliest: Date,
    /// Last day covered (`2024-02` → 2024-02-29).
    pub latest: Date,
}

/// Earliest year accepted in any date of the format.
pub const MIN_YEAR: i32 = 1900;

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (years 1900–9999, strict zero-padded form).
    pub fn parse(s: &str) -> Option<Self> {
        let parts: Vec<&str> = s.split('-').collect();
        let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
        let year = i32::try_from(digits(parts.first()?)?).ok()?;
        if lens[0] != 4 || year < MIN_YEAR {
            return None;
        }
        match parts.len() {
            1 => Some(Self {
                precision: DatePrecision::Year,
                earliest: Date::from_calendar_date(year, Month::January, 1).ok()?,
                latest: Date::from_calendar_date(year, Month::December, 31).ok()?,
            }),
            2 if lens[1] == 2 => {
                let month = Month::try_from(u8::try_from(digits(parts[1])?).ok()?).ok()?;
                Some(Self {
                    precision: DatePrecision::Month,
                    earliest: Date::from_calendar_date(year, month, 1).ok()?,
                    latest: Date::from_calendar_date(year, month, month.length(year)).ok()?,
                })
            }
            3 if lens[1] == 2 && lens[2] == 2 => {
                let month = Month::try_from(u8::try_from(digits(parts[1])?).ok()?).ok()?;
                let day = u8::try_from(digits(parts[2])?).ok()?;
                let date = Date::from_calendar_date(year, month, day).ok()?;
                Some(Self { precision: DatePrecision::Day, earliest: date, latest: date })
            }
            _ => None,
        }
    }

    /// Parses a full `YYYY-MM-DD` date only.
    pub fn parse_full(s: &str) -> Option<Date> {
        Self::parse(s).filter(|d| d.precision == DatePrecision::Day).map(|d| d.earliest)
    }

    /// The year of the date.
    pub fn year(&self) -> i32 {
        self.earliest.year()
    }

    /// The month of the date, if known.
    pub fn month(&self) -> Option<u8> {
        (self.precision != DatePrecision::Year).then(|| u8::from(self.earliest.month()))
    }
}

/// Whole years completed between `birth` and `at` (negative if `at` is before `birth`).
pub fn age_on(birth: Date, at: Date) -> i64 {
    let mut age = i64::from(at.year()) - i64::from(birth.year());
    if (u8::from(at.month()), at.day()) < (u8::from(birth.month()), birth.day()) {
        age -= 1;
    }
    age
}

/// The range `(min, max)` of possible ages at `reference` for a (partial) date of birth, both
/// (partial) ISO dates; `None` if either does not parse or the birth is after the reference.
pub fn age_range(date_of_birth: &str, reference: &str) -> Option<(i64, i64)> {
    let dob = PartialDate::parse(date_of_birth)?;
    let at = PartialDate::parse(reference)?;
    let max = age_on(dob.earliest, at.latest);
    if max < 0 {
        return None;
    }
    let min = age_on(dob.latest, at.earliest).max(0);
    Some((min, max))
}

/// The CTDC age band (E12) of an age in years; `unknown` for a negative age.
pub fn age_band(age: i64) -> AgeBand {
    match age {
        i64::MIN..=-1 => AgeBand::Unknown,
        0..=8 => AgeBand::Age0To8,
        9..=17 => AgeBand::Age9To17,
        18..=20 => AgeBand::Age18To20,
        21..=23 => AgeBand::Age21To23,
        24..=26 => AgeBand::Age24To26,
        27..=29 => AgeBand::Age27To29,
        30..=38 => AgeBand::Age30To38,
        39..=47 => AgeBand::Age39To47,
        _ => AgeBand::Age48Plus,
    }
}

/// The reference date for ages in a case: `date_detected` if it parses (partial allowed), else
/// `date_opened` if it parses.
pub fn reference_date(input: &CaseInput) -> Option<&str> {
    [&input.date_detected, &input.date_opened]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .find(|d| PartialDate::parse(d).is_some())
}

/// Age of a person at detection: `age_years` if given, else the age computed from
/// `date_of_birth` at `reference` when the (partial) dates determine it exactly.
pub fn person_age(person: &Person, reference: Option<&str>) -> Option<i64> {
    if let Some(age) = person.age_years {
        return Some(age);
    }
    match age_range(person.date_of_birth.as_deref()?, reference?)? {
        (min, max) if min == max => Some(min),
        _ => None,
    }
}

/// Whether a person was under 18 at detection: from `age_years` if given, else from
/// `date_of_birth` at `reference`; `None` when it cannot be decided (no data, or a partial date
/// of birth straddling the 18th birthday).
pub fn is_minor(person: &Person, reference: Option<&str>) -> Option<bool> {
    if let Some(age) = person.age_years {
        return (age >= 0).then_some(age < 18);
    }
    let (min, max) = age_range(person.date_of_birth.as_deref()?, reference?)?;
    if max < 18 {
        Some(true)
    } else if min >= 18 {
        Some(false)
    } else {
        None
    }
}

/// The origin class (E13) of a person from its citizenships: `national` if one is the reporting
/// country, else `intra_regional` if one is a CRM member, else `extra_regional`; `unknown` when
/// there is no citizenship.
pub fn origin_class(citizenship: &[String], reporting_country: &str) -> OriginClass {
    if citizenship.is_empty() {
        OriginClass::Unknown
    } else if citizenship.iter().any(|c| c == reporting_country) {
        OriginClass::National
    } else if citizenship.iter().any(|c| is_crm_member(c)) {
        OriginClass::IntraRegional
    } else {
        OriginClass::ExtraRegional
    }
}

/// Whole months between two (partial) dates, when both have at least month precision and
/// `start ≤ end`; with full dates a month counts once its day of month is reached.
pub fn duration_months(start: &str, end: &str) -> Option<i64> {
    let s = PartialDate::parse(start)?;
    let e = PartialDate::parse(end)?;
    if s.precision == DatePrecision::Year || e.precision == DatePrecision::Year {
        return None;
    }
    let month_index = |d: Date| i64::from(d.year()) * 12 + i64::from(u8::from(d.month()));
    let mut months = month_index(e.earliest) - month_index(s.earliest);
    if s.precision == DatePrecision::Day && e.precision == DatePrecision::Day && e.earliest.day() < s.earliest.day() {
        months -= 1;
    }
    (months >= 0).then_some(months)
}

/// The semester (`YYYY-S1` for January–June, `YYYY-S2` for July–December) of a date with at
/// least month precision.
pub fn semester_of(date: &str) -> Option<String> {
    let d = PartialDate::parse(date)?;
    let month = d.month()?;
    Some(format!("{}-S{}", d.year(), if month <= 6 { 1 } else { 2 }))
}

/// The reporting semester of a case: from `date_detected` if it has at least month precision,
/// else from `date_opened`.
pub fn reporting_semester(input: &CaseInput) -> Option<String> {
    input.date_detected.as_deref().and_then(semester_of).or_else(|| input.date_opened.as_deref().and_then(semester_of))
}

/// Whether a person's role counts as a trafficking victim (`trafficking_victim`,
/// `trafficking_and_smuggled`).
pub fn is_trafficking_victim(role: Option<PersonRole>) -> bool {
    matches!(role, Some(PersonRole::TraffickingVictim | PersonRole::TraffickingAndSmuggled))
}

/// Whether a person's role counts as a smuggled migrant (`smuggled_migrant`,
/// `trafficking_and_smuggled`).
pub fn is_smuggled_migrant(role: Option<PersonRole>) -> bool {
    matches!(role, Some(PersonRole::SmuggledMigrant | PersonRole::TraffickingAndSmuggled))
}

/// The false-passport rule of section H (R6): a passport whose `fraud_type` is set and is neither
/// `genuine_no_fraud` nor `unknown`.
pub fn is_false_passport(document: &Document) -> bool {
    document.document_type == Some(DocumentType::Passport)
        && matches!(
            document.fraud_type,
            Some(t) if t != DocumentFraudType::GenuineNoFraud && t != DocumentFraudType::Unknown
        )
}

/// Derived values of one person.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PersonDerived {
    /// Age band at detection (E12).
    pub age_band: AgeBand,
    /// Under 18 at detection; absent when it cannot be decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_minor: Option<bool>,
    /// Intra/extra-regional origin (E13).
    pub origin_class: OriginClass,
    /// Duration of the exploitation in months, when start and end are known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_months: Option<i64>,
}

/// Derived values of one suspect.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SuspectDerived {
    /// Age band (E12).
    pub age_band: AgeBand,
}

/// Every value the server derives from a case, in the order of the case's lists.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DerivedFields {
    /// `YYYY-S1` or `YYYY-S2`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reporting_semester: Option<String>,
    /// One entry per `persons[]` entry.
    pub persons: Vec<PersonDerived>,
    /// One entry per `suspects[]` entry.
    pub suspects: Vec<SuspectDerived>,
}

/// The derived values of one person of a case.
pub fn derive_person(person: &Person, reporting_country: &str, reference: Option<&str>) -> PersonDerived {
    PersonDerived {
        age_band: person_age(person, reference).map_or(AgeBand::Unknown, age_band),
        is_minor: is_minor(person, reference),
        origin_class: origin_class(&person.citizenship, reporting_country),
        duration_months: person
            .exploitation
            .as_ref()
            .and_then(|e| duration_months(e.start.as_deref()?, e.end.as_deref()?)),
    }
}

/// Every derived value of a case.
pub fn derived_fields(input: &CaseInput, reporting_country: &str) -> DerivedFields {
    let reference = reference_date(input);
    DerivedFields {
        reporting_semester: reporting_semester(input),
        persons: input.persons.iter().map(|p| derive_person(p, reporting_country, reference)).collect(),
        suspects: input
            .suspects
            .iter()
            .map(|s| SuspectDerived { age_band: s.age_years.map_or(AgeBand::Unknown, age_band) })
            .collect(),
    }
}

fn insert(object: &mut Map<String, Value>, key: &str, value: impl Serialize) {
    if let Ok(v) = serde_json::to_value(value) {
        object.insert(key.to_string(), v);
    }
}

/// The case as stored: `input` serialized to JSON plus the derived fields at their places.
/// System fields are not added here.
pub fn stored_document(input: &CaseInput, reporting_country: &str) -> Value {
    let derived = derived_fields(input, reporting_country);
    let Ok(Value::Object(mut doc)) = serde_json::to_value(input) else {
        return Value::Object(Map::new());
    };
    if let Some(semester) = &derived.reporting_semester {
        insert(&mut doc, "reporting_semester", semester);
    }
    if let Some(Value::Array(persons)) = doc.get_mut("persons") {
        for (person, d) in persons.iter_mut().zip(&derived.persons) {
            let Value::Object(p) = person else { continue };
            insert(p, "age_band", d.age_band);
            if let Some(minor) = d.is_minor {
                insert(p, "is_minor", minor);
            }
            insert(p, "origin_class", d.origin_class);
            if let (Some(months), Some(Value::Object(e))) = (d.duration_months, p.get_mut("exploitation")) {
                insert(e, "duration_months", months);
            }
        }
    }
    if let Some(Value::Array(suspects)) = doc.get_mut("suspects") {
        for (suspect, d) in suspects.iter_mut().zip(&derived.suspects) {
            if let Value::Object(s) = suspect {
                insert(s, "age_band", d.age_band);
            }
        }
    }
    Value::Object(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formato::record::Exploitation;

    #[test]
    fn partial_dates() {
        let d = PartialDate::parse("2024-02").unwrap();
        assert_eq!(d.precision, DatePrecision::Month);
        assert_eq!(d.latest, time::macros::date!(2024 - 02 - 29));
        assert_eq!(PartialDate::parse("2023").unwrap().latest.day(), 31);
        for bad in [
            "",
            "2024-2",
            "2024-13",
            "2023-02-29",
            "24-01-01",
            "2024-01-01T00",
            "1899",
            "2024-",
            "+2024",
            "2024-00",
            "2024-01-1",
            "２０２４",
        ] {
            assert!(PartialDate::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(PartialDate::parse_full("2024-01"), None);
        assert!(PartialDate::parse_full("2024-01-31").is_some());
    }

    #[test]
    fn ages_and_bands() {
        assert_eq!(age_range("2008-05-10", "2026-05-09"), Some((17, 17)));
        assert_eq!(age_range("2008-05-10", "2026-05-10"), Some((18, 18)));
        assert_eq!(age_range("2008", "2026-05-10"), Some((17, 18)));
        assert_eq!(age_range("2027", "2026"), None);
        assert_eq!(age_band(0), AgeBand::Age0To8);
        assert_eq!(age_band(17), AgeBand::Age9To17);
        assert_eq!(age_band(18), AgeBand::Age18To20);
        assert_eq!(age_band(47), AgeBand::Age39To47);
        assert_eq!(age_band(48), AgeBand::Age48Plus);
        assert_eq!(age_band(-1), AgeBand::Unknown);
        let p = Person { date_of_birth: Some("2008".into()), ..Default::default() };
        assert_eq!(is_minor(&p, Some("2026-05-10")), None);
        assert_eq!(is_minor(&p, Some("2025-12-31")), Some(true));
        assert_eq!(is_minor(&p, Some("2027-01-01")), Some(false));
        let p = Person { age_years: Some(17), date_of_birth: Some("1980".into()), ..Default::default() };
        assert_eq!(is_minor(&p, Some("2026-05-10")), Some(true));
    }

    #[test]
    fn semesters_durations_origin() {
        assert_eq!(semester_of("2025-06-30").as_deref(), Some("2025-S1"));
        assert_eq!(semester_of("2025-07").as_deref(), Some("2025-S2"));
        assert_eq!(semester_of("2025"), None);
        let input = CaseInput {
            date_detected: Some("2024".into()),
            date_opened: Some("2025-01-03".into()),
            ..Default::default()
        };
        assert_eq!(reporting_semester(&input).as_deref(), Some("2025-S1"));
        assert_eq!(duration_months("2024-01-15", "2024-03-14"), Some(1));
        assert_eq!(duration_months("2024-01-15", "2024-03-15"), Some(2));
        assert_eq!(duration_months("2024-01", "2024-03-01"), Some(2));
        assert_eq!(duration_months("2024", "2024-03"), None);
        assert_eq!(duration_months("2024-05", "2024-03"), None);
        let c = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(origin_class(&c(&["GT"]), "GT"), OriginClass::National);
        assert_eq!(origin_class(&c(&["CO", "HN"]), "GT"), OriginClass::IntraRegional);
        assert_eq!(origin_class(&c(&["VE"]), "GT"), OriginClass::ExtraRegional);
        assert_eq!(origin_class(&[], "GT"), OriginClass::Unknown);
    }

    #[test]
    fn stored_document_inserts_derived_fields() {
        let input = CaseInput {
            date_opened: Some("2025-08-02".into()),
            persons: vec![Person {
                age_years: Some(15),
                citizenship: vec!["HN".into()],
                exploitation: Some(Exploitation {
                    start: Some("2025-01".into()),
                    end: Some("2025-07".into()),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            ..Default::default()
        };
        let doc = stored_document(&input, "MX");
        assert_eq!(doc["reporting_semester"], "2025-S2");
        assert_eq!(doc["persons"][0]["age_band"], "9_17");
        assert_eq!(doc["persons"][0]["is_minor"], true);
        assert_eq!(doc["persons"][0]["origin_class"], "intra_regional");
        assert_eq!(doc["persons"][0]["exploitation"]["duration_months"], 6);
    }
}
