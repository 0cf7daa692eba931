//! Manual semester false-passport aggregates (SPEC §7 M2): a country that does not submit its
//! cases one by one submits, per semester, the number of persons detected with false passports
//! and its breakdowns. In the false-passport statistics a country's manual aggregate replaces
//! the figure derived from its cases for that semester (never both), and the result says which.

use std::collections::BTreeMap;

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::query::PeriodBound;
use crate::access::{Subject, resources as rules};
use crate::audit::{self, Event, Outcome, RequestContext};
use crate::db::DbConn;
use crate::db::schema::false_passport_reports as f;
use crate::error::{ApiError, FieldError};

/// The breakdowns of the report, as named by `/api/v1/statistics/false-passports`.
pub const BREAKDOWNS: [&str; 5] =
    ["nationality_in_document", "issuing_state", "fraud_type", "document_setting", "origin_class"];

/// The manual false-passport aggregate's breakdowns: breakdown name → value code → count.
pub fn false_passport_breakdowns() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{AdditionalProperties, Object, Schema, Type};
    let count = Object::builder().schema_type(Type::Integer).minimum(Some(0)).maximum(Some(10_000_000)).build();
    let codes = Object::builder()
        .schema_type(Type::Object)
        .property_names(Some(
            Object::builder().schema_type(Type::String).pattern(Some("^[A-Za-z0-9_<]{1,50}$")).build(),
        ))
        .additional_properties(Some(AdditionalProperties::RefOr(RefOr::T(Schema::Object(count)))))
        .build();
    Object::builder()
        .schema_type(Type::Object)
        .property_names(Some(
            Object::builder()
                .schema_type(Type::String)
                .enum_values(Some(BREAKDOWNS.iter().map(|b| serde_json::Value::from(*b)).collect::<Vec<_>>()))
                .build(),
        ))
        .additional_properties(Some(AdditionalProperties::RefOr(RefOr::T(Schema::Object(codes)))))
        .description(Some(
            "Optional breakdowns (`nationality_in_document`, `issuing_state`, `fraud_type`, `document_setting`, \
             `origin_class`): value code → count; each given breakdown must add up to the total (use `unknown` for \
             the rest).",
        ))
        .build()
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualReportInput {
    /// Persons detected with false passports in the semester.
    #[schema(minimum = 0, maximum = 10000000)]
    pub persons_with_false_passports: i64,
    /// Optional breakdowns (`nationality_in_document`, `issuing_state`, `fraud_type`,
    /// `document_setting`, `origin_class`): value code → count; each given breakdown must add
    /// up to the total (use `unknown` for the rest).
    #[serde(default)]
    #[schema(schema_with = false_passport_breakdowns)]
    pub breakdowns: BTreeMap<String, BTreeMap<String, i64>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ManualReport {
    pub reporting_country: String,
    pub semester: String,
    pub persons_with_false_passports: i64,
    #[schema(value_type = Object)]
    pub breakdowns: BTreeMap<String, BTreeMap<String, i64>>,
    pub version: i32,
    pub submitted_at: String,
}

pub use crate::precondition::etag;

/// A manual aggregate as the statistics count it: the report and its statistics salt, under
/// which each of its figures has a record key (never exposed).
#[derive(Debug, Clone)]
pub struct ManualFigures {
    pub report: ManualReport,
    salt: String,
}

impl ManualFigures {
    /// The record key of one figure (`total`, or `breakdown/value`).
    pub fn key(&self, figure: &str) -> u32 {
        let semester = &self.report.semester;
        super::record::unit_key(self.salt.as_bytes(), "false_passport_report", &format!("{semester}/{figure}"))
    }
}

/// Give every aggregate written before the salts one (start-up).
pub fn ensure_salts(conn: &mut DbConn) -> Result<usize, ApiError> {
    let missing: Vec<(String, String)> =
        f::table.filter(f::stat_salt.is_null()).select((f::reporting_country, f::semester)).load(conn)?;
    for (country, semester) in &missing {
        diesel::update(f::table.find((country, semester)).filter(f::stat_salt.is_null()))
            .set(f::stat_salt.eq(super::store::new_salt()?))
            .execute(conn)?;
    }
    Ok(missing.len())
}

pub fn is_semester(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7 && b[..4].iter().all(u8::is_ascii_digit) && &s[4..6] == "-S" && matches!(b[6], b'1' | b'2')
}

fn check(semester: &str, input: &ManualReportInput) -> Result<(), ApiError> {
    let mut errors = vec![];
    let mut push = |field: String, en: &str, es: &str| errors.push(FieldError::new(field, "invalid_value", en, es));
    if !is_semester(semester) {
        push("semester".into(), "a semester YYYY-S1 or YYYY-S2", "un semestre AAAA-S1 o AAAA-S2");
    }
    let total = input.persons_with_false_passports;
    if !(0..=10_000_000).contains(&total) {
        push("persons_with_false_passports".into(), "0 to 10000000", "de 0 a 10000000");
    }
    for (name, values) in &input.breakdowns {
        if !BREAKDOWNS.contains(&name.as_str()) {
            push(format!("breakdowns.{name}"), "not a breakdown of this report", "no es un desglose de este informe");
            continue;
        }
        let mut sum = 0i64;
        for (code, n) in values {
            let ok_code = (1..=50).contains(&code.len())
                && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'<');
            if !ok_code {
                push(
                    format!("breakdowns.{name}"),
                    "codes of 1 to 50 letters, digits or _",
                    "códigos de 1 a 50 letras, dígitos o _",
                );
            }
            if !(0..=10_000_000).contains(n) {
                push(format!("breakdowns.{name}.{code}"), "0 to 10000000", "de 0 a 10000000");
            }
            sum = sum.saturating_add(*n);
        }
        if sum != total {
            push(
                format!("breakdowns.{name}"),
                "must add up to persons_with_false_passports",
                "debe sumar persons_with_false_passports",
            );
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(errors)) }
}

type Row = (String, String, i64, String, i32, String);

fn to_report(r: Row) -> Result<ManualReport, ApiError> {
    Ok(ManualReport {
        reporting_country: r.0,
        semester: r.1,
        persons_with_false_passports: r.2,
        breakdowns: serde_json::from_str(&r.3).map_err(|_| ApiError::Internal)?,
        version: r.4,
        submitted_at: r.5,
    })
}

const COLUMNS: (
    f::reporting_country,
    f::semester,
    f::persons_with_false_passports,
    f::breakdowns,
    f::version,
    f::submitted_at,
) = (f::reporting_country, f::semester, f::persons_with_false_passports, f::breakdowns, f::version, f::submitted_at);

fn load(conn: &mut DbConn, country: &str, semester: &str) -> Result<Option<ManualReport>, ApiError> {
    f::table.find((country, semester)).select(COLUMNS).get_result::<Row>(conn).optional()?.map(to_report).transpose()
}

fn event(ctx: &RequestContext, action: &str, r: &ManualReport) -> Event {
    Event::new(ctx, action, "false_passport_report", Outcome::Allowed)
        .object(format!("{}/{}", r.reporting_country, r.semester), Some(&r.reporting_country))
        .details(
            serde_json::json!({"version": r.version, "persons_with_false_passports": r.persons_with_false_passports}),
        )
}

/// Submit or replace a country's aggregate. Replacing needs `If-Match` with the current ETag.
/// Returns the report and whether it was created.
pub fn put(
    conn: &mut DbConn,
    s: &Subject,
    ctx: &RequestContext,
    country: &str,
    semester: &str,
    if_match: Option<&str>,
    input: ManualReportInput,
) -> Result<(ManualReport, bool), ApiError> {
    if !rules::may_write_false_passport_report(s, country) {
        return Err(ApiError::Forbidden);
    }
    check(semester, &input)?;
    audit::write(conn, |conn, events| {
        let before = load(conn, country, semester)?;
        let now = crate::clock::now_text();
        let breakdowns = serde_json::to_string(&input.breakdowns).map_err(|_| ApiError::Internal)?;
        let created = match &before {
            None => {
                if if_match.is_some() {
                    return Err(ApiError::PreconditionFailed);
                }
                diesel::insert_into(f::table)
                    .values((
                        f::reporting_country.eq(country),
                        f::semester.eq(semester),
                        f::persons_with_false_passports.eq(input.persons_with_false_passports),
                        f::breakdowns.eq(&breakdowns),
                        f::version.eq(1),
                        f::submitted_at.eq(&now),
                        f::submitted_by.eq(&s.user_id),
                        f::stat_salt.eq(super::store::new_salt()?),
                    ))
                    .execute(conn)?;
                true
            }
            Some(b) => {
                crate::precondition::check_version(if_match, b.version, true)?;
                diesel::update(f::table.find((country, semester)))
                    .set((
                        f::persons_with_false_passports.eq(input.persons_with_false_passports),
                        f::breakdowns.eq(&breakdowns),
                        f::version.eq(b.version + 1),
                        f::submitted_at.eq(&now),
                        f::submitted_by.eq(&s.user_id),
                    ))
                    .execute(conn)?;
                false
            }
        };
        let report = load(conn, country, semester)?.ok_or(ApiError::Internal)?;
        events.push(event(
            ctx,
            if created { "false_passport_report_create" } else { "false_passport_report_update" },
            &report,
        ));
        Ok((report, created))
    })
}

/// The submitted aggregate (its own country only: 404 for everyone else).
pub fn get(
    conn: &mut DbConn,
    s: &Subject,
    ctx: &RequestContext,
    country: &str,
    semester: &str,
) -> Result<(ManualReport, Event), ApiError> {
    if !rules::may_read_false_passport_report(s, country) {
        return Err(ApiError::NotFound);
    }
    let r = load(conn, country, semester)?.ok_or(ApiError::NotFound)?;
    let ev = event(ctx, "false_passport_report_read", &r);
    Ok((r, ev))
}

/// Withdraw the aggregate: the figure derived from cases applies again. `If-Match` honoured.
pub fn delete(
    conn: &mut DbConn,
    s: &Subject,
    ctx: &RequestContext,
    country: &str,
    semester: &str,
    if_match: Option<&str>,
) -> Result<(), ApiError> {
    if !rules::may_write_false_passport_report(s, country) {
        return Err(if rules::may_read_false_passport_report(s, country) {
            ApiError::Forbidden
        } else {
            ApiError::NotFound
        });
    }
    audit::write(conn, |conn, events| {
        let r = load(conn, country, semester)?.ok_or(ApiError::NotFound)?;
        crate::precondition::check_version(if_match, r.version, false)?;
        diesel::delete(f::table.find((country, semester))).execute(conn)?;
        events.push(event(ctx, "false_passport_report_delete", &r));
        Ok(())
    })
}

/// The months a period bound covers, as (first, last) `YYYY-MM`.
fn months(b: &PeriodBound) -> (String, String) {
    let v = &b.value;
    match b.column {
        "year" => (format!("{v}-01"), format!("{v}-12")),
        "semester" if v.ends_with('1') => (format!("{}-01", &v[..4]), format!("{}-06", &v[..4])),
        "semester" => (format!("{}-07", &v[..4]), format!("{}-12", &v[..4])),
        _ => (v.clone(), v.clone()),
    }
}

/// The aggregates of the semesters overlapping the period, of one country or all.
pub fn in_range(
    conn: &mut DbConn,
    country: Option<&str>,
    from: Option<&PeriodBound>,
    to: Option<&PeriodBound>,
) -> Result<Vec<ManualFigures>, ApiError> {
    let mut q = f::table.select((COLUMNS, f::stat_salt)).into_boxed();
    if let Some(c) = country {
        q = q.filter(f::reporting_country.eq(c.to_owned()));
    }
    let rows: Vec<(Row, Option<String>)> = q.order((f::reporting_country.asc(), f::semester.asc())).load(conn)?;
    let from = from.map(|b| months(b).0);
    let to = to.map(|b| months(b).1);
    let mut out = vec![];
    for (row, salt) in rows {
        let sem = PeriodBound { column: "semester", value: row.1.clone() };
        let (first, last) = months(&sem);
        if from.as_ref().is_some_and(|f| last < *f) || to.as_ref().is_some_and(|t| first > *t) {
            continue;
        }
        // Every aggregate has a salt from start-up on (`ensure_salts`).
        let salt = salt.ok_or(ApiError::Internal)?;
        out.push(ManualFigures { report: to_report(row)?, salt });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregates_are_checked() {
        let input = |total, b: &[(&str, &[(&str, i64)])]| ManualReportInput {
            persons_with_false_passports: total,
            breakdowns: b
                .iter()
                .map(|(k, v)| (k.to_string(), v.iter().map(|(c, n)| (c.to_string(), *n)).collect()))
                .collect(),
        };
        assert!(check("2025-S1", &input(5, &[("fraud_type", &[("counterfeit", 3), ("unknown", 2)])])).is_ok());
        assert!(check("2025-S3", &input(5, &[])).is_err());
        assert!(check("2025-S1", &input(5, &[("fraud_type", &[("counterfeit", 3)])])).is_err(), "must add up");
        assert!(check("2025-S1", &input(5, &[("sex", &[("f", 5)])])).is_err(), "not a breakdown");
        assert!(check("2025-S1", &input(-1, &[])).is_err());
    }

    #[test]
    fn semesters_overlap_periods() {
        let b = |c: &'static str, v: &str| PeriodBound { column: c, value: v.into() };
        assert_eq!(months(&b("semester", "2025-S2")), ("2025-07".into(), "2025-12".into()));
        assert_eq!(months(&b("year", "2025")), ("2025-01".into(), "2025-12".into()));
        assert_eq!(months(&b("month", "2025-03")), ("2025-03".into(), "2025-03".into()));
    }
}
