//! Statistics as the API serves them: parse and check a query, decide the form (a reporting
//! country's own figures are exact; everyone else gets shared values under disclosure control),
//! aggregate, apply disclosure control, and describe the result.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use utoipa::ToSchema;

use super::aggregate::Tally;
use super::disclosure::{self, Control, Table};
use super::ptable::PTable;
use super::query::{self, Measure, Query};
use crate::access::Subject;
use crate::access::statistics::{self as access, Figures};
use crate::db::DbConn;
use crate::error::{ApiError, FieldError};

/// Most cells a table may have (product of the categories of its dimensions).
pub const MAX_CELLS: usize = 20_000;

/// How shared figures are protected in this deployment: the threshold k and the perturbation
/// table generated (and checked) at start-up from D, V and js.
#[derive(Debug)]
pub struct Protection {
    pub k: u64,
    pub table: PTable,
}

/// How the figures of a result were published.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DisclosureMethod {
    /// `cell_key_perturbation` (shared figures) or `none` (a reporting country's own figures).
    pub method: &'static str,
    /// D: no published count differs from the true count by more than this.
    pub max_deviation: u32,
    /// V: the variance of the perturbation (of counts large enough for it).
    pub variance: f64,
    /// No published count lies in 1…js.
    pub js: u32,
    /// Perturbed counts from 1 to k−1 are withheld.
    pub threshold_k: u64,
    /// Whether the cells add up to the margins: never under perturbation, where every cell and
    /// every margin is perturbed on its own (a published total is not the sum of its parts).
    pub additive: bool,
}

/// A statistics result.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatisticsResult {
    #[schema(value_type = String)]
    pub measure: Measure,
    pub dimensions: Vec<String>,
    /// The dimensions' labels in the request's language (`Content-Language`).
    pub dimension_labels: Vec<String>,
    /// Dimensions that count an entity once per value (their cells do not add up to totals).
    pub multi_valued: Vec<String>,
    /// Equality filters applied (dimension → value), plus the period bounds.
    pub filters: BTreeMap<String, String>,
    /// `exact` (the reporting country's own cases) or `disclosure_controlled`.
    pub mode: &'static str,
    /// Counts from 1 to k−1 are withheld.
    pub threshold_k: u64,
    /// How withheld counts are shown.
    pub suppressed_marker: &'static str,
    /// How the figures were published: method and parameters.
    pub disclosure: DisclosureMethod,
    /// The figures include every case change committed before this time (the facts are updated
    /// in the same transaction as each case write).
    pub data_as_of: String,
    pub table: Table,
}

fn bad(field: &str, en: &str, es: &str) -> ApiError {
    ApiError::Validation(vec![FieldError::new(field, "invalid_value", en, es)])
}

/// Parse the query parameters of `GET /statistics`.
pub fn parse(params: &BTreeMap<String, String>, fixed_measure: Option<Measure>) -> Result<(Query, bool), ApiError> {
    let measure = match (fixed_measure, params.get("measure")) {
        (Some(m), None) => m,
        (Some(_), Some(_)) => {
            return Err(bad("measure", "this endpoint has a fixed measure", "este servicio tiene una medida fija"));
        }
        (None, Some(m)) => serde_json::from_value::<Measure>(serde_json::Value::from(m.as_str()))
            .ok()
            .filter(|m| !matches!(m, Measure::FalsePassports | Measure::RouteLegs))
            .ok_or_else(|| {
                bad(
                    "measure",
                    "one of cases, persons, victims, smuggled_persons, minors, suspects, false_documents",
                    "una de cases, persons, victims, smuggled_persons, minors, suspects, false_documents",
                )
            })?,
        (None, None) => {
            return Err(ApiError::Validation(vec![FieldError::new(
                "measure",
                "required",
                "measure is required",
                "la medida es obligatoria",
            )]));
        }
    };
    let dimensions: Vec<String> = params
        .get("group_by")
        .map(|g| g.split(',').map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()).collect())
        .unwrap_or_default();
    if dimensions.len() > 3 {
        return Err(bad("group_by", "at most three dimensions", "como máximo tres dimensiones"));
    }
    let unique: BTreeSet<&String> = dimensions.iter().collect();
    if unique.len() != dimensions.len() {
        return Err(bad("group_by", "a dimension is repeated", "una dimensión está repetida"));
    }
    for d in &dimensions {
        query::check_dimension(measure, "group_by", d)?;
    }
    let from = params.get("from").map(|v| query::period("from", v)).transpose()?;
    let to = params.get("to").map(|v| query::period("to", v)).transpose()?;
    let mut filters = vec![];
    let csv = match params.get("format").map(String::as_str) {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(bad("format", "json or csv", "json o csv")),
    };
    for (k, v) in params {
        if matches!(k.as_str(), "measure" | "group_by" | "from" | "to" | "format") {
            continue;
        }
        query::check_dimension(measure, k, k)?;
        if v.is_empty() || v.chars().count() > 100 {
            return Err(bad(k, "a value of 1 to 100 characters", "un valor de 1 a 100 caracteres"));
        }
        filters.push((k.clone(), v.clone()));
    }
    Ok((Query { measure, dimensions, filters, from, to }, csv))
}

/// Run a query for a subject.
pub fn run(conn: &mut DbConn, s: &Subject, q: &Query, p: &Protection) -> Result<StatisticsResult, ApiError> {
    // Exact figures only for a reporting country looking at its own cases alone.
    let figures = access::figures(s, &q.filters)?;
    let cells = query::run(conn, q, figures)?;
    let counts: BTreeMap<Vec<String>, Tally> = cells.into_iter().map(|c| (c.key, c.tally)).collect();
    finish(q, counts, figures, p)
}

/// How the figures `access` decided on are published.
fn control(figures: Figures, p: &Protection) -> Control<'_> {
    match figures {
        Figures::Own(proof) => Control::Exact(proof),
        Figures::Shared => Control::Protected { k: p.k, table: &p.table },
    }
}

/// Disclosure control and description of a table of counts.
fn finish(
    q: &Query,
    counts: BTreeMap<Vec<String>, Tally>,
    figures: Figures,
    p: &Protection,
) -> Result<StatisticsResult, ApiError> {
    let mut categories: Vec<BTreeSet<String>> = vec![BTreeSet::new(); q.dimensions.len()];
    for key in counts.keys() {
        for (d, v) in key.iter().enumerate() {
            if let Some(set) = categories.get_mut(d) {
                set.insert(v.clone());
            }
        }
    }
    let categories: Vec<Vec<String>> = categories.into_iter().map(|c| c.into_iter().collect()).collect();
    let size = categories.iter().map(Vec::len).product::<usize>();
    if size > MAX_CELLS {
        return Err(bad(
            "group_by",
            "the table would have too many cells: add filters or fewer dimensions",
            "la tabla tendría demasiadas celdas: agregue filtros o menos dimensiones",
        ));
    }
    let multi: Vec<bool> = q.dimensions.iter().map(|d| query::is_multi_valued(q.measure, d)).collect();
    let control = control(figures, p);
    let own_only = figures.is_exact();
    let table = disclosure::publish(
        &disclosure::Input { categories: &categories, multi_valued: &multi, counts: &counts },
        control,
    );
    let mut filters: BTreeMap<String, String> = q.filters.iter().cloned().collect();
    if let Some(f) = &q.from {
        filters.insert("from".into(), f.value.clone());
    }
    if let Some(t) = &q.to {
        filters.insert("to".into(), t.value.clone());
    }
    let data_as_of = crate::clock::now_text();
    Ok(StatisticsResult {
        dimension_labels: vec![],
        measure: q.measure,
        multi_valued: q.dimensions.iter().zip(&multi).filter(|(_, m)| **m).map(|(d, _)| d.clone()).collect(),
        dimensions: q.dimensions.clone(),
        filters,
        mode: if own_only { "exact" } else { "disclosure_controlled" },
        threshold_k: p.k,
        suppressed_marker: disclosure::SUPPRESSED,
        disclosure: if own_only {
            DisclosureMethod {
                method: "none",
                max_deviation: 0,
                variance: 0.0,
                js: 0,
                threshold_k: p.k,
                additive: true,
            }
        } else {
            let params = p.table.params;
            DisclosureMethod {
                method: "cell_key_perturbation",
                max_deviation: params.max_deviation,
                variance: params.variance,
                js: params.js,
                threshold_k: p.k,
                additive: false,
            }
        },
        data_as_of,
        table,
    })
}

/// Where the false-passport figure of one country and semester comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FigureSource {
    pub reporting_country: String,
    pub semester: String,
    /// `cases` (derived from the country's cases) or `manual_report` (the country's aggregate,
    /// which replaces the derived figure for that semester).
    pub source: &'static str,
}

/// The false-passport table (`reporting_country` and at most one breakdown) with each country's
/// manual semester aggregates replacing the figures derived from its cases for those semesters,
/// never adding to them. Returns the sources: every manual aggregate used, and the semesters
/// derived from cases (all of them for exact figures; under disclosure control only those whose
/// derived count is not below k, so that the list reveals no small count).
pub fn run_false_passports(
    conn: &mut DbConn,
    s: &Subject,
    q: &Query,
    p: &Protection,
    manual: &[super::manual::ManualFigures],
) -> Result<(StatisticsResult, Vec<FigureSource>), ApiError> {
    let figures = access::figures(s, &q.filters)?;
    let mut by_semester = q.clone();
    by_semester.dimensions.insert(1, "semester".into());
    let cells = query::run(conn, &by_semester, figures)?;
    let replaced: BTreeSet<(&str, &str)> =
        manual.iter().map(|m| (m.report.reporting_country.as_str(), m.report.semester.as_str())).collect();
    let mut counts: BTreeMap<Vec<String>, Tally> = BTreeMap::new();
    let mut derived: BTreeMap<(String, String), Tally> = BTreeMap::new();
    for c in cells {
        let (Some(country), Some(semester)) = (c.key.first(), c.key.get(1)) else { continue };
        if replaced.contains(&(country.as_str(), semester.as_str())) {
            continue;
        }
        derived.entry((country.clone(), semester.clone())).or_default().add(c.tally);
        let key: Vec<String> = std::iter::once(country.clone()).chain(c.key.iter().skip(2).cloned()).collect();
        counts.entry(key).or_default().add(c.tally);
    }
    // A manual aggregate has no units: each of its figures is one pseudo-unit's count, with a
    // key of its own under the aggregate's statistics salt (so it is perturbed like the rest).
    let breakdown = q.dimensions.get(1);
    for m in manual {
        let country = &m.report.reporting_country;
        let total = m.report.persons_with_false_passports.max(0) as u64;
        let figure = |name: &str, n: u64| Tally { n, key: m.key(name) };
        match breakdown {
            None => counts.entry(vec![country.clone()]).or_default().add(figure("total", total)),
            Some(b) => match m.report.breakdowns.get(b) {
                Some(values) => {
                    for (v, n) in values {
                        let t = figure(&format!("{b}/{v}"), (*n).max(0) as u64);
                        counts.entry(vec![country.clone(), v.clone()]).or_default().add(t);
                    }
                }
                None => counts.entry(vec![country.clone(), "unknown".into()]).or_default().add(figure("total", total)),
            },
        }
    }
    // Under disclosure control a semester is listed as derived from cases only if its published
    // (perturbed) count is not below k, so that the list reveals no small count.
    let control = control(figures, p);
    let listed = |t: &Tally| t.n > 0 && control.publishes_at_least(*t);
    let mut sources: Vec<FigureSource> = derived
        .into_iter()
        .filter(|(_, t)| listed(t))
        .map(|((reporting_country, semester), _)| FigureSource { reporting_country, semester, source: "cases" })
        .chain(manual.iter().map(|m| FigureSource {
            reporting_country: m.report.reporting_country.clone(),
            semester: m.report.semester.clone(),
            source: "manual_report",
        }))
        .collect();
    sources.sort_by(|a, b| (&a.reporting_country, &a.semester).cmp(&(&b.reporting_country, &b.semester)));
    Ok((finish(q, counts, figures, p)?, sources))
}

/// Label the dimensions and every cell's and margin's values in Spanish or English.
pub fn label(r: &mut StatisticsResult, spanish: bool) {
    r.dimension_labels = r.dimensions.iter().map(|d| super::labels::dimension(spanish, d)).collect();
    let dims = r.dimensions.clone();
    for e in r.table.cells.iter_mut().chain(r.table.margins.iter_mut()) {
        e.labels =
            e.key.iter().zip(&dims).map(|(v, d)| v.as_deref().map(|v| super::labels::value(spanish, d, v))).collect();
    }
}

/// The result as CSV: one row per cell, then one per margin (`*` for a summed dimension).
pub fn to_csv(r: &StatisticsResult) -> String {
    use crate::csv::cell as csv_cell;
    let mut out = String::new();
    let header: Vec<String> = r
        .dimensions
        .iter()
        .map(|d| csv_cell(d))
        .chain([csv_cell(&format!("{:?}", r.measure).to_lowercase())])
        .collect();
    out.push_str(&header.join(","));
    out.push('\n');
    for e in r.table.cells.iter().chain(&r.table.margins) {
        let mut row: Vec<String> = e.key.iter().map(|k| csv_cell(k.as_deref().unwrap_or("*"))).collect();
        row.push(csv_cell(&e.value.as_text()));
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_checked() {
        let p = |pairs: &[(&str, &str)]| {
            pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<BTreeMap<_, _>>()
        };
        assert!(parse(&p(&[("measure", "victims"), ("group_by", "sex,year")]), None).is_ok());
        assert!(parse(&p(&[("measure", "victims"), ("group_by", "a,b,c,d")]), None).is_err());
        assert!(parse(&p(&[("measure", "cases"), ("group_by", "sex")]), None).is_err(), "sex is not a case dimension");
        assert!(parse(&p(&[("measure", "victims"), ("secret", "x")]), None).is_err());
        assert!(parse(&p(&[("measure", "victims"), ("from", "2025-13")]), None).is_err());
        assert!(parse(&p(&[("measure", "route_legs")]), None).is_err());
    }
}
