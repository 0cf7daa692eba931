//! Keeps the statistical fact tables in step with the cases: every case write, and every
//! change of its country's reservation policy, replaces the case's facts in the same
//! transaction. Rows are written with generated SQL over a fixed set of column names.

use diesel::RunQueryDsl;
use diesel::sql_types::{Bool, Integer, Nullable, Text};
use serde_json::Value;

use super::facts::{self, Dim, Facts, Row};
use crate::access::cases::Reservation;
use crate::db::{DbConn, MultiBackend};
use crate::error::ApiError;

const TABLES: [&str; 6] = ["stat_cases", "stat_persons", "stat_suspects", "stat_documents", "stat_legs", "stat_values"];

enum Param {
    Text(Option<String>),
    Bool(bool),
    Int(i32),
}

fn execute(conn: &mut DbConn, sql: &str, params: Vec<Param>) -> Result<(), ApiError> {
    let mut q = diesel::sql_query(sql).into_boxed::<MultiBackend>();
    for p in params {
        q = match p {
            Param::Text(v) => q.bind::<Nullable<Text>, _>(v),
            Param::Bool(v) => q.bind::<Bool, _>(v),
            Param::Int(v) => q.bind::<Integer, _>(v),
        };
    }
    q.execute(conn)?;
    Ok(())
}

/// Insert rows (same columns) with as few statements as possible: one multi-row INSERT per
/// chunk, so a case costs a handful of round trips instead of one per fact.
fn insert(conn: &mut DbConn, table: &str, columns: &[String], rows: Vec<Vec<Param>>) -> Result<(), ApiError> {
    // Stay well below SQLite's and PostgreSQL's limits on bound parameters.
    let per_chunk = (30_000 / columns.len().max(1)).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Param>> = rows.by_ref().take(per_chunk).collect();
        let mut n = 0;
        let tuples: Vec<String> = chunk
            .iter()
            .map(|r| {
                let marks: Vec<String> = r
                    .iter()
                    .map(|_| {
                        n += 1;
                        format!("${n}")
                    })
                    .collect();
                format!("({})", marks.join(", "))
            })
            .collect();
        let sql = format!("INSERT INTO {table} ({}) VALUES {}", columns.join(", "), tuples.join(", "));
        execute(conn, &sql, chunk.into_iter().flatten().collect())?;
    }
    Ok(())
}

/// Replace the facts of one case with those of its current document.
pub fn replace(
    conn: &mut DbConn,
    case_id: &str,
    document: &Value,
    reservations: &[Reservation],
) -> Result<(), ApiError> {
    for t in TABLES {
        execute(conn, &format!("DELETE FROM {t} WHERE case_id = $1"), vec![Param::Text(Some(case_id.to_owned()))])?;
    }
    write(conn, case_id, &facts::of_case(document, reservations))
}

fn row_params(case_id: &str, f: &Facts, row: &Row) -> (Vec<String>, Vec<Param>) {
    let mut columns: Vec<String> = vec!["case_id".into(), "idx".into(), "reporting_country".into(), "included".into()];
    let mut params = vec![
        Param::Text(Some(case_id.to_owned())),
        Param::Int(row.idx),
        Param::Text(Some(f.reporting_country.clone())),
        Param::Bool(f.included),
    ];
    let dims: Vec<&Dim> = f.case_dims.iter().chain(row.dims.iter()).collect();
    for d in dims {
        columns.push(d.column.to_owned());
        params.push(Param::Text(d.raw.clone()));
        columns.push(format!("{}_s", d.column));
        params.push(Param::Text(d.shared.clone()));
    }
    for (name, raw, shared) in &row.flags {
        columns.push((*name).to_owned());
        params.push(Param::Bool(*raw));
        columns.push(format!("{name}_s"));
        params.push(Param::Bool(*shared));
    }
    (columns, params)
}

fn write_rows(conn: &mut DbConn, table: &str, case_id: &str, f: &Facts, rows: &[Row]) -> Result<(), ApiError> {
    let Some(first) = rows.first() else { return Ok(()) };
    let columns = row_params(case_id, f, first).0;
    let params = rows.iter().map(|r| row_params(case_id, f, r).1).collect();
    insert(conn, table, &columns, params)
}

fn write(conn: &mut DbConn, case_id: &str, f: &Facts) -> Result<(), ApiError> {
    write_rows(conn, "stat_cases", case_id, f, &[Row { idx: 0, dims: vec![], flags: vec![] }])?;
    for (table, rows) in [
        ("stat_persons", &f.persons),
        ("stat_suspects", &f.suspects),
        ("stat_documents", &f.documents),
        ("stat_legs", &f.legs),
    ] {
        write_rows(conn, table, case_id, f, rows)?;
    }
    let columns: Vec<String> = ["case_id", "entity", "idx", "dimension", "shared", "value"].map(String::from).to_vec();
    let mut rows = Vec::with_capacity(f.values.len());
    for v in &f.values {
        rows.push(vec![
            Param::Text(Some(case_id.to_owned())),
            Param::Text(Some(v.entity.to_owned())),
            Param::Int(v.idx),
            Param::Text(Some(v.dimension.to_owned())),
            Param::Bool(v.shared),
            Param::Text(Some(v.value.clone())),
        ]);
    }
    insert(conn, "stat_values", &columns, rows)
}
