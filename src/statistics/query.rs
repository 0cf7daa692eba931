//! Aggregate queries: a measure, up to three dimensions, filters, a period. A fixed registry of
//! measures and dimensions turns a query into a counting `Plan` over the column store (caller
//! text only ever becomes a compared value). Shared figures count the shared form (reserved
//! values counted as `not_disclosed`); the raw form needs `access::statistics::OwnFigures`.

use super::aggregate::{self, Access, Plan};
use super::record::{self, Entity};
use super::store::{self, Prune};
use crate::access::statistics::Figures;
use crate::db::DbConn;
use crate::error::{ApiError, FieldError};

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Cases,
    Persons,
    Victims,
    SmuggledPersons,
    Minors,
    Suspects,
    FalseDocuments,
    /// Passports with a fraud type other than `genuine_no_fraud`/`unknown` (SPEC §5.H).
    FalsePassports,
    /// Route legs (the flows of `/statistics/routes`).
    RouteLegs,
}

impl Measure {
    fn entity(self) -> &'static str {
        match self {
            Measure::Cases => "case",
            Measure::Persons | Measure::Victims | Measure::SmuggledPersons | Measure::Minors => "person",
            Measure::Suspects => "suspect",
            Measure::FalseDocuments | Measure::FalsePassports => "document",
            Measure::RouteLegs => "leg",
        }
    }

    fn flag(self) -> Option<&'static str> {
        match self {
            Measure::Victims => Some("is_victim"),
            Measure::SmuggledPersons => Some("is_smuggled"),
            Measure::Minors => Some("is_minor_flag"),
            Measure::FalseDocuments => Some("is_false"),
            Measure::FalsePassports => Some("is_false_passport"),
            _ => None,
        }
    }
}

/// Where a dimension's values live.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// A column present on every fact table (case-level).
    Case(&'static str),
    /// A column of the measure's own table, for these entities.
    Column(&'static [&'static str], &'static str),
    /// Values of a multi-valued case-level field.
    CaseValues,
    /// Values of a multi-valued field of these entities.
    Values(&'static [&'static str]),
    /// A column of the route legs (multi-valued per case, except for the legs measure).
    Leg(&'static str),
    /// from_country > to_country of the route legs.
    Route,
}

const PERSON: &[&str] = &["person"];
const PERSON_SUSPECT: &[&str] = &["person", "suspect"];
const SUSPECT: &[&str] = &["suspect"];
const DOCUMENT: &[&str] = &["document"];
const PERSON_DOCUMENT: &[&str] = &["person", "document"];

/// Every dimension of SPEC §8 (plus the document breakdowns of the false-passport report).
pub const DIMENSIONS: &[(&str, SourceDef)] = &[
    ("reporting_country", SourceDef(Source::Case("reporting_country"))),
    ("year", SourceDef(Source::Case("year"))),
    ("semester", SourceDef(Source::Case("semester"))),
    ("month", SourceDef(Source::Case("month"))),
    ("case_type", SourceDef(Source::Case("case_type"))),
    ("detection_setting", SourceDef(Source::Case("detection_setting"))),
    ("offence_type", SourceDef(Source::CaseValues)),
    ("traveller_indicator", SourceDef(Source::CaseValues)),
    ("smuggling_mode", SourceDef(Source::CaseValues)),
    ("person_role", SourceDef(Source::Column(PERSON, "person_role"))),
    ("sex", SourceDef(Source::Column(PERSON_SUSPECT, "sex"))),
    ("age_band", SourceDef(Source::Column(PERSON_SUSPECT, "age_band"))),
    ("is_minor", SourceDef(Source::Column(PERSON, "is_minor"))),
    ("origin_class", SourceDef(Source::Column(PERSON_DOCUMENT, "origin_class"))),
    ("return_status", SourceDef(Source::Column(PERSON, "return_status"))),
    ("citizenship", SourceDef(Source::Values(PERSON_SUSPECT))),
    ("exploitation_type", SourceDef(Source::Values(PERSON))),
    ("means_of_control", SourceDef(Source::Values(PERSON))),
    ("recruitment_method", SourceDef(Source::Values(PERSON))),
    ("suspect_role", SourceDef(Source::Values(SUSPECT))),
    ("procedural_status", SourceDef(Source::Column(SUSPECT, "procedural_status"))),
    ("verdict", SourceDef(Source::Column(SUSPECT, "verdict"))),
    ("document_type", SourceDef(Source::Column(DOCUMENT, "document_type"))),
    ("fraud_type", SourceDef(Source::Column(DOCUMENT, "fraud_type"))),
    ("issuing_state", SourceDef(Source::Column(DOCUMENT, "issuing_state"))),
    ("nationality_in_document", SourceDef(Source::Column(DOCUMENT, "nationality_in_document"))),
    ("document_setting", SourceDef(Source::Column(DOCUMENT, "document_setting"))),
    ("route", SourceDef(Source::Route)),
    ("transport_means", SourceDef(Source::Leg("transport_means"))),
    ("border_crossing_type", SourceDef(Source::Leg("border_crossing_type"))),
];

/// Wrapper so the registry can stay a `const` table.
#[derive(Debug, Clone, Copy)]
pub struct SourceDef(Source);

fn source(name: &str) -> Option<Source> {
    DIMENSIONS.iter().find(|(n, _)| *n == name).map(|(_, s)| s.0)
}

/// Whether a dimension counts an entity once per value (so its cells do not add up).
pub fn is_multi_valued(measure: Measure, dimension: &str) -> bool {
    match source(dimension) {
        Some(Source::CaseValues | Source::Values(_)) => true,
        Some(Source::Leg(_) | Source::Route) => measure != Measure::RouteLegs,
        _ => false,
    }
}

fn bad(field: &str, en: String, es: String) -> ApiError {
    ApiError::Validation(vec![FieldError::new(field, "invalid_value", en, es)])
}

/// Check that a dimension exists and applies to the measure.
pub fn check_dimension(measure: Measure, field: &str, name: &str) -> Result<(), ApiError> {
    let Some(src) = source(name) else {
        return Err(bad(field, format!("unknown dimension `{name}`"), format!("dimensión desconocida `{name}`")));
    };
    let applies = match src {
        Source::Column(entities, _) | Source::Values(entities) => entities.contains(&measure.entity()),
        _ => true,
    };
    if applies {
        Ok(())
    } else {
        Err(bad(
            field,
            format!("dimension `{name}` does not apply to measure `{}`", measure.entity()),
            format!("la dimensión `{name}` no se aplica a la medida `{}`", measure.entity()),
        ))
    }
}

/// A period bound: its column and value.
#[derive(Debug, Clone)]
pub struct PeriodBound {
    pub column: &'static str,
    pub value: String,
}

/// Parse `YYYY`, `YYYY-S1`/`YYYY-S2` or `YYYY-MM`.
pub fn period(field: &str, s: &str) -> Result<PeriodBound, ApiError> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    let column = if b.len() == 4 && digits(0..4) {
        "year"
    } else if b.len() == 7 && digits(0..4) && &s[4..6] == "-S" && (b[6] == b'1' || b[6] == b'2') {
        "semester"
    } else if b.len() == 7
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && (1..=12).contains(&s[5..7].parse::<u8>().unwrap_or(0))
    {
        "month"
    } else {
        return Err(bad(
            field,
            "a period YYYY, YYYY-S1, YYYY-S2 or YYYY-MM".into(),
            "un periodo AAAA, AAAA-S1, AAAA-S2 o AAAA-MM".into(),
        ));
    };
    Ok(PeriodBound { column, value: s.to_owned() })
}

/// A validated query.
#[derive(Debug, Clone)]
pub struct Query {
    pub measure: Measure,
    pub dimensions: Vec<String>,
    /// (dimension, value) equality filters.
    pub filters: Vec<(String, String)>,
    pub from: Option<PeriodBound>,
    pub to: Option<PeriodBound>,
}

/// One aggregated cell: a value per dimension and a count.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cell {
    pub key: Vec<String>,
    /// The count and (for the shared form) the cell key.
    pub tally: super::aggregate::Tally,
}

/// How a dimension is read for a measure.
fn access(measure: Measure, name: &str) -> Option<Access> {
    let legs = measure == Measure::RouteLegs;
    Some(match source(name)? {
        Source::Case("reporting_country") => Access::Country,
        Source::Case(col) => Access::Case(col),
        Source::Column(_, col) => Access::Single(col),
        Source::CaseValues => Access::CaseMulti(static_name(name)?),
        Source::Values(_) => Access::Multi(static_name(name)?),
        Source::Leg(col) if legs => Access::Single(col),
        Source::Route if legs => Access::Route,
        Source::Leg("transport_means") => Access::CaseMulti("leg_transport_means"),
        Source::Leg("border_crossing_type") => Access::CaseMulti("leg_border_crossing_type"),
        Source::Leg(_) => return None,
        Source::Route => Access::CaseMulti("leg_route"),
    })
}

/// The registry's own `'static` copy of a dimension name.
fn static_name(name: &str) -> Option<&'static str> {
    DIMENSIONS.iter().find(|(n, _)| *n == name).map(|(n, _)| *n)
}

fn unknown_dimension(name: &str) -> ApiError {
    bad(name, format!("unknown dimension `{name}`"), format!("dimensión desconocida `{name}`"))
}

/// The counting plan of a query, and the partitions it can skip.
fn plan(q: &Query) -> Result<(Plan, Prune), ApiError> {
    let entity: &'static Entity = match q.measure.entity() {
        "case" => &record::CASE,
        "person" => &record::PERSON,
        "suspect" => &record::SUSPECT,
        "document" => &record::DOCUMENT,
        _ => &record::LEG,
    };
    let groups = q
        .dimensions
        .iter()
        .map(|d| access(q.measure, d).ok_or_else(|| unknown_dimension(d)))
        .collect::<Result<_, _>>()?;
    let filters = q
        .filters
        .iter()
        .map(|(d, v)| access(q.measure, d).map(|a| (a, v.clone())).ok_or_else(|| unknown_dimension(d)))
        .collect::<Result<_, _>>()?;
    let mut periods = vec![];
    for (bound, lower) in [(&q.from, true), (&q.to, false)] {
        if let Some(b) = bound {
            periods.push(aggregate::PeriodBound { column: b.column, lower, value: b.value.clone() });
        }
    }
    let year = |b: &Option<PeriodBound>| b.as_ref().and_then(|b| b.value.get(0..4)).map(str::to_owned);
    let prune = Prune {
        country: q.filters.iter().find(|(d, _)| d == "reporting_country").map(|(_, v)| v.clone()),
        first_year: year(&q.from),
        last_year: year(&q.to),
    };
    Ok((Plan { entity, flag: q.measure.flag(), groups, filters, periods, keys: false }, prune))
}

/// Run the aggregation. Cells with a count of zero are not returned.
pub fn run(conn: &mut DbConn, q: &Query, figures: Figures) -> Result<Vec<Cell>, ApiError> {
    let (mut plan, prune) = plan(q)?;
    let shared = !figures.is_exact();
    // Shared figures are published under the cell key method: they need the cell keys.
    plan.keys = shared;
    let acc = store::aggregate(conn, &plan, shared, &prune)?;
    Ok(acc.cells().into_iter().map(|(key, tally)| Cell { key, tally }).collect())
}
