//! Aggregate queries over the fact tables: a measure, up to three dimensions, filters. The SQL
//! is generated from a fixed registry of measures and dimensions (no caller text ever becomes
//! SQL; values are bound). `Form::Shared` reads the shared columns (reserved values counted as
//! `not_disclosed`); `Form::Raw` is only for a reporting country's own cases.

use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};

use crate::db::{DbConn, MultiBackend};
use crate::error::{ApiError, FieldError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Raw,
    Shared,
}

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
    fn table(self) -> &'static str {
        match self {
            Measure::Cases => "stat_cases",
            Measure::Persons | Measure::Victims | Measure::SmuggledPersons | Measure::Minors => "stat_persons",
            Measure::Suspects => "stat_suspects",
            Measure::FalseDocuments | Measure::FalsePassports => "stat_documents",
            Measure::RouteLegs => "stat_legs",
        }
    }

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
    ApiError::Malformed(vec![FieldError::new(field, "invalid_value", en, es)])
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
    pub count: u64,
}

#[derive(diesel::QueryableByName)]
struct CellRow {
    #[diesel(sql_type = Nullable<Text>)]
    d1: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    d2: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    d3: Option<String>,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

enum Bind {
    Text(String),
    Bool(bool),
}

struct Sql {
    joins: Vec<String>,
    wheres: Vec<String>,
    binds: Vec<Bind>,
}

impl Sql {
    fn bind(&mut self, b: Bind) -> String {
        self.binds.push(b);
        format!("${}", self.binds.len())
    }
}

/// The SQL expression of a dimension for the measure's table `b`, adding joins as needed.
fn expression(sql: &mut Sql, q: &Query, i: usize, name: &str, form: Form) -> String {
    let s = if form == Form::Shared { "_s" } else { "" };
    let entity = q.measure.entity();
    let value = |e: String| format!("COALESCE({e}, 'unknown')");
    match source(name) {
        Some(Source::Case("reporting_country")) => "b.reporting_country".into(),
        Some(Source::Case(col)) | Some(Source::Column(_, col)) => value(format!("b.{col}{s}")),
        Some(Source::CaseValues) | Some(Source::Values(_)) => {
            let shared = sql.bind(Bind::Bool(form == Form::Shared));
            let on_entity = if matches!(source(name), Some(Source::CaseValues)) {
                "v{i}.entity = 'case'".replace("{i}", &i.to_string())
            } else {
                format!("v{i}.entity = '{entity}' AND v{i}.idx = b.idx")
            };
            sql.joins.push(format!(
                "JOIN stat_values v{i} ON v{i}.case_id = b.case_id AND {on_entity} AND v{i}.dimension = '{name}' AND v{i}.shared = {shared}"
            ));
            format!("v{i}.value")
        }
        Some(Source::Leg(col)) if q.measure == Measure::RouteLegs => value(format!("b.{col}{s}")),
        Some(Source::Route) if q.measure == Measure::RouteLegs => {
            format!("COALESCE(b.from_country{s}, 'unknown') || ' > ' || COALESCE(b.to_country{s}, 'unknown')")
        }
        Some(Source::Leg(col)) => {
            sql.joins.push(format!(
                "JOIN (SELECT DISTINCT case_id, {col}{s} AS x FROM stat_legs) l{i} ON l{i}.case_id = b.case_id"
            ));
            value(format!("l{i}.x"))
        }
        Some(Source::Route) => {
            sql.joins.push(format!(
                "JOIN (SELECT DISTINCT case_id, COALESCE(from_country{s}, 'unknown') || ' > ' || COALESCE(to_country{s}, 'unknown') AS x FROM stat_legs) l{i} ON l{i}.case_id = b.case_id"
            ));
            format!("l{i}.x")
        }
        None => "'unknown'".into(),
    }
}

/// Run the aggregation. Cells with a count of zero are not returned.
pub fn run(conn: &mut DbConn, q: &Query, form: Form) -> Result<Vec<Cell>, ApiError> {
    let table = q.measure.table();
    let s = if form == Form::Shared { "_s" } else { "" };
    let mut sql = Sql { joins: vec![], wheres: vec![], binds: vec![] };
    let mut exprs = vec![];
    for (i, d) in q.dimensions.iter().enumerate() {
        exprs.push(expression(&mut sql, q, i, d, form));
    }
    // Binds are numbered in the order they appear in the text (SQLite numbers `$n` by first
    // appearance): joins of dimensions, joins of filters, then the WHERE clauses.
    let filter_exprs: Vec<String> =
        q.filters.iter().enumerate().map(|(j, (dim, _))| expression(&mut sql, q, 10 + j, dim, form)).collect();
    let t = sql.bind(Bind::Bool(true));
    sql.wheres.push(format!("b.included = {t}"));
    if let Some(flag) = q.measure.flag() {
        let t = sql.bind(Bind::Bool(true));
        sql.wheres.push(format!("b.{flag}{s} = {t}"));
    }
    for (bound, op) in [(&q.from, ">="), (&q.to, "<=")] {
        if let Some(b) = bound {
            let v = sql.bind(Bind::Text(b.value.clone()));
            sql.wheres.push(format!("b.{}{s} {op} {v} AND b.{}{s} <> 'not_disclosed'", b.column, b.column));
        }
    }
    for (e, (_, val)) in filter_exprs.iter().zip(&q.filters) {
        let v = sql.bind(Bind::Text(val.clone()));
        sql.wheres.push(format!("{e} = {v}"));
    }
    let mut select: Vec<String> = exprs.iter().enumerate().map(|(i, e)| format!("{e} AS d{}", i + 1)).collect();
    for i in exprs.len()..3 {
        select.push(format!("CAST(NULL AS TEXT) AS d{}", i + 1));
    }
    let group = if exprs.is_empty() { String::new() } else { format!(" GROUP BY {}", exprs.join(", ")) };
    let text = format!(
        "SELECT {}, COUNT(*) AS n FROM {table} b {} WHERE {}{group}",
        select.join(", "),
        sql.joins.join(" "),
        sql.wheres.join(" AND ")
    );
    let mut query = diesel::sql_query(text).into_boxed::<MultiBackend>();
    for b in sql.binds {
        query = match b {
            Bind::Text(v) => query.bind::<Text, _>(v),
            Bind::Bool(v) => query.bind::<Bool, _>(v),
        };
    }
    let rows: Vec<CellRow> = query.load(conn)?;
    let n = q.dimensions.len();
    let mut cells: Vec<Cell> = rows
        .into_iter()
        .filter(|r| r.n > 0)
        .map(|r| Cell {
            key: [r.d1, r.d2, r.d3].into_iter().take(n).map(Option::unwrap_or_default).collect(),
            count: r.n as u64,
        })
        .collect();
    cells.sort();
    Ok(cells)
}
