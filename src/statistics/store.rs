//! The statistics column store in the database.
//! - `replace`: in the transaction of every case write (and of every policy change), the case's
//!   record in `stat_case_facts` and a marker in `stat_dirty` for each partition it changed.
//! - `compact`: a changed partition's records become column segments in `stat_columns` and its
//!   markers go, in one transaction; run in the background by every node (`server`).
//! - `aggregate`: in one read snapshot, the segments of unchanged partitions and the records of
//!   changed ones are counted; so a query always sees every committed write, whether or not it
//!   has been compacted yet, and nodes share nothing but the database.
//! - `ensure_current`: at start-up, records written by an older derivation are rebuilt.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Binary, Bool, Text};
use serde_json::Value;

use super::aggregate::{self, Accumulator, Plan, Segment};
use super::record::{self, CaseRecord};
use super::segment::{self, Column, SegmentError};
use crate::access::cases::Reservation;
use crate::db::schema::{derived_versions as dv, stat_case_facts as f, stat_columns as sc, stat_dirty as d};
use crate::db::{DbConn, MultiBackend};
use crate::error::ApiError;

/// The version of the statistical records this code derives, from the code itself: a digest of
/// the records of fixed sample cases (fully filled and typical, under the catalog defaults and
/// with a reserved field) under a fixed salt. Any change to `facts` or `record` changes it, and
/// the records are rebuilt at the next start-up.
pub fn records_version() -> &'static str {
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    VERSION.get_or_init(|| {
        use crate::access::cases::{PolicyEntry, reservations};
        use crate::formato::{Flag, derive::stored_document, sample};
        let policy = [PolicyEntry {
            path: "persons[].sex".into(),
            flag: Flag::Reserved,
            legal_basis: Some("Ley 1".into()),
            legislation_topic: None,
        }];
        let mut all = Vec::new();
        for input in [sample::full_case(1, "GT"), sample::full_case(2, "GT"), sample::typical_case(3, "GT")] {
            let document = stored_document(&input, "GT");
            for r in [reservations(&[], &[]), reservations(&policy, &[])] {
                if let Ok(Some((partition, bytes))) = record_of(&document, &r, "0123456789abcdef0123456789abcdef") {
                    all.extend_from_slice(partition.as_bytes());
                    all.push(0);
                    all.extend_from_slice(&bytes);
                }
            }
        }
        crate::digest::sha256_hex(&all)
    })
}

/// A partition is compacted once it has been quiet this long…
const QUIET_MS: i64 = 1_000;
/// …or once its oldest change is this old, even under a steady stream of writes.
const MAX_LAG_MS: i64 = 15_000;
/// Partitions per statement when reading segments or records.
const CHUNK: usize = 200;
/// Partitions compacted per transaction.
const COMPACT_BATCH: usize = 16;

fn now_ms() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp_nanos().div_euclid(1_000_000) as i64
}

fn corrupt(e: SegmentError) -> ApiError {
    match e {
        SegmentError::TooManyValues => ApiError::Validation(vec![crate::error::FieldError::new(
            "group_by",
            "invalid_value",
            "the table would have too many cells: add filters or fewer dimensions",
            "la tabla tendría demasiadas celdas: agregue filtros o menos dimensiones",
        )]),
        SegmentError::Corrupt => {
            tracing::error!("a statistics segment or record does not decode");
            ApiError::Internal
        }
    }
}

fn mark(conn: &mut DbConn, part: &str) -> Result<(), ApiError> {
    diesel::insert_into(d::table).values((d::part.eq(part), d::marked_at.eq(now_ms()))).execute(conn)?;
    Ok(())
}

/// Replace the statistical record of one case with that of its current document. A write that
/// changes nothing statistics can see (most edits) writes nothing here.
pub fn replace(
    conn: &mut DbConn,
    case_id: &str,
    document: &Value,
    reservations: &[Reservation],
    salt: &str,
) -> Result<(), ApiError> {
    write_record(conn, case_id, record_of(document, reservations, salt)?)
}

/// A new random statistics salt (128 bits, hex) for a case or a manual aggregate.
pub fn new_salt() -> Result<String, ApiError> {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 16];
    ring::rand::SystemRandom::new().fill(&mut bytes).map_err(|_| ApiError::Internal)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The statistics salt of a case, given one if it had none yet (rows older than the salts).
pub fn salt_of(conn: &mut DbConn, case_id: &str, stored: Option<String>) -> Result<String, ApiError> {
    use crate::db::schema::cases;
    if let Some(s) = stored {
        return Ok(s);
    }
    let salt = new_salt()?;
    diesel::update(cases::table.find(case_id).filter(cases::stat_salt.is_null()))
        .set(cases::stat_salt.eq(&salt))
        .execute(conn)?;
    // Another writer may have set it first: the stored one is the one.
    let stored: Option<String> = cases::table.find(case_id).select(cases::stat_salt).get_result(conn)?;
    Ok(stored.unwrap_or(salt))
}

/// The partition and encoded record of a case document (`None`: not counted in statistics),
/// its units keyed under the case's statistics `salt`. PURE; computed before a write
/// transaction where possible.
pub fn record_of(
    document: &Value,
    reservations: &[Reservation],
    salt: &str,
) -> Result<Option<(String, Vec<u8>)>, ApiError> {
    match record::of_facts(&super::facts::of_case(document, reservations), salt.as_bytes()) {
        Some(r) => Ok(Some((r.partition(), r.encode().map_err(|_| ApiError::Internal)?))),
        None => Ok(None),
    }
}

/// Store a case's record as `record_of` computed it, marking the partitions it changes.
pub fn write_record(conn: &mut DbConn, case_id: &str, new: Option<(String, Vec<u8>)>) -> Result<(), ApiError> {
    let old: Option<(String, Vec<u8>)> =
        f::table.find(case_id).select((f::part, f::data)).get_result(conn).optional()?;
    if old == new {
        return Ok(());
    }
    if let Some((part, _)) = &old {
        diesel::delete(f::table.find(case_id)).execute(conn)?;
        mark(conn, part)?;
    }
    if let Some((part, data)) = &new {
        diesel::insert_into(f::table)
            .values((f::case_id.eq(case_id), f::part.eq(part), f::data.eq(data)))
            .execute(conn)?;
        if old.as_ref().is_none_or(|(p, _)| p != part) {
            mark(conn, part)?;
        }
    }
    Ok(())
}

#[derive(QueryableByName)]
struct DirtyRow {
    #[diesel(sql_type = Text)]
    part: String,
    #[diesel(sql_type = BigInt)]
    first: i64,
    #[diesel(sql_type = BigInt)]
    last: i64,
}

/// Compact the changed partitions: those that are due (quiet, or changed long enough ago), or
/// all of them with `everything`. At most `limit` partitions; returns how many were rebuilt.
pub fn compact(conn: &mut DbConn, everything: bool, limit: usize) -> Result<usize, ApiError> {
    let due = due_parts(conn, everything, limit)?;
    let mut rebuilt = 0;
    for batch in due.chunks(COMPACT_BATCH) {
        rebuilt += rebuild_batch(conn, batch)?;
    }
    Ok(rebuilt)
}

/// The partitions due for compaction (all changed ones with `everything`), oldest change first.
fn due_parts(conn: &mut DbConn, everything: bool, limit: usize) -> Result<Vec<String>, ApiError> {
    let rows: Vec<DirtyRow> = diesel::sql_query(
        "SELECT part, MIN(marked_at) AS first, MAX(marked_at) AS last FROM stat_dirty GROUP BY part ORDER BY MIN(marked_at)",
    )
    .load(conn)?;
    let now = now_ms();
    Ok(rows
        .into_iter()
        .filter(|r| everything || r.last <= now - QUIET_MS || r.first <= now - MAX_LAG_MS)
        .take(limit)
        .map(|r| r.part)
        .collect())
}

/// A few partitions per transaction: fewer commits (and WAL checkpoints), short write locks.
fn rebuild_batch(conn: &mut DbConn, batch: &[String]) -> Result<usize, ApiError> {
    crate::db::transaction(conn, |c| {
        let mut n = 0;
        for part in batch {
            n += usize::from(rebuild(c, part)?);
        }
        Ok(n)
    })
}

/// The lease of the background compaction: one node at a time compacts (the others leave it the
/// work), renewed before each batch; a node that stops loses it after this long.
const LEASE: &str = "stat_compaction";
const LEASE_MS: i64 = 30_000;

/// One background compaction pass by node `node`, of `limit` partitions at most. `None`:
/// another node holds the compaction lease, so this one did nothing. Nothing is written (not
/// even the lease) while nothing is due.
pub fn compact_pass(conn: &mut DbConn, node: &str, limit: usize) -> Result<Option<usize>, ApiError> {
    let due = due_parts(conn, false, limit)?;
    let mut rebuilt = 0;
    for batch in due.chunks(COMPACT_BATCH) {
        if !crate::db::lease::take(conn, LEASE, node, now_ms(), LEASE_MS)? {
            return Ok(if rebuilt == 0 { None } else { Some(rebuilt) });
        }
        rebuilt += rebuild_batch(conn, batch)?;
    }
    Ok(Some(rebuilt))
}

#[derive(QueryableByName)]
struct Backlog {
    #[diesel(sql_type = BigInt)]
    parts: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
    first: Option<i64>,
}

/// Partitions waiting for compaction, and how long the oldest change among them has waited.
pub fn backlog(conn: &mut DbConn) -> Result<(i64, std::time::Duration), ApiError> {
    let b: Backlog = diesel::sql_query("SELECT COUNT(DISTINCT part) AS parts, MIN(marked_at) AS first FROM stat_dirty")
        .get_result(conn)?;
    let waited = b.first.map_or(0, |first| (now_ms() - first).max(0));
    Ok((b.parts, std::time::Duration::from_millis(waited as u64)))
}

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = Bool)]
    locked: bool,
}

/// Rebuild one partition's segments from its records. The markers are removed first: a write
/// committed after that keeps its marker, so a query reads its records instead of the segment.
/// On SQLite the first statement of the transaction is a write (the marker DELETE), so the
/// transaction holds the write lock before it reads anything.
fn rebuild(conn: &mut DbConn, part: &str) -> Result<bool, ApiError> {
    if !matches!(conn, DbConn::Sqlite(_)) {
        // PostgreSQL: one compaction of a partition at a time across every node.
        let l: Locked = diesel::sql_query("SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked")
            .bind::<Text, _>(format!("enlace.stat.{part}"))
            .get_result(conn)?;
        if !l.locked {
            return Ok(false);
        }
    }
    if diesel::delete(d::table.filter(d::part.eq(part))).execute(conn)? == 0 {
        return Ok(false);
    }
    let records = records_of(conn, &[part.to_owned()])?;
    diesel::delete(sc::table.filter(sc::part.eq(part))).execute(conn)?;
    let Some(recs) = records.get(part) else { return Ok(true) };
    let (country, period) = record::partition_parts(part);
    let year = period.get(0..4).filter(|_| period != "none").unwrap_or("");
    for (form, shared) in [(0, false), (1, true)] {
        let columns = segment::build(recs, form).map_err(corrupt)?;
        insert_columns(conn, shared, part, country, year, &columns)?;
    }
    Ok(true)
}

/// Insert a segment's columns with one multi-row statement (bound values only).
fn insert_columns(
    conn: &mut DbConn,
    shared: bool,
    part: &str,
    country: &str,
    year: &str,
    columns: &BTreeMap<String, Column>,
) -> Result<(), ApiError> {
    if columns.is_empty() {
        return Ok(());
    }
    let tuples: Vec<String> = (0..columns.len())
        .map(|i| {
            let b = i * 6;
            format!("(${}, ${}, ${}, ${}, ${}, ${})", b + 1, b + 2, b + 3, b + 4, b + 5, b + 6)
        })
        .collect();
    let sql = format!("INSERT INTO stat_columns (shared, col, part, country, year, data) VALUES {}", tuples.join(", "));
    let mut q = diesel::sql_query(sql).into_boxed::<MultiBackend>();
    for (name, column) in columns {
        q = q
            .bind::<Bool, _>(shared)
            .bind::<Text, _>(name.clone())
            .bind::<Text, _>(part.to_owned())
            .bind::<Text, _>(country.to_owned())
            .bind::<Text, _>(year.to_owned())
            .bind::<Binary, _>(column.encode().map_err(corrupt)?);
    }
    q.execute(conn)?;
    Ok(())
}

/// The records of these partitions, each partition's in case-id order.
fn records_of(conn: &mut DbConn, parts: &[String]) -> Result<BTreeMap<String, Vec<CaseRecord>>, ApiError> {
    let mut out: BTreeMap<String, Vec<CaseRecord>> = BTreeMap::new();
    for chunk in parts.chunks(CHUNK) {
        let rows: Vec<(String, Vec<u8>)> = f::table
            .filter(f::part.eq_any(chunk))
            .order((f::part, f::case_id))
            .select((f::part, f::data))
            .load(conn)?;
        for (part, data) in rows {
            let r = CaseRecord::decode(&data).ok_or(SegmentError::Corrupt).map_err(corrupt)?;
            out.entry(part).or_default().push(r);
        }
    }
    Ok(out)
}

/// Which partitions a query can skip without reading them.
#[derive(Debug, Clone, Default)]
pub struct Prune {
    pub country: Option<String>,
    /// Inclusive bounds on the year of the partition's period.
    pub first_year: Option<String>,
    pub last_year: Option<String>,
}

impl Prune {
    fn keeps(&self, part: &str) -> bool {
        let (country, period) = record::partition_parts(part);
        let year = period.get(0..4).filter(|_| period != "none").unwrap_or("");
        self.country.as_ref().is_none_or(|c| c == country)
            && self.first_year.as_ref().is_none_or(|y| year >= y.as_str())
            && self.last_year.as_ref().is_none_or(|y| !year.is_empty() && year <= y.as_str())
    }
}

/// Count the plan over every partition, in one snapshot: segments where the partition is
/// unchanged since its compaction, records where it has changed.
pub fn aggregate(conn: &mut DbConn, plan: &Plan, shared: bool, prune: &Prune) -> Result<Accumulator, ApiError> {
    crate::db::read_transaction(conn, |c| {
        if !matches!(c, DbConn::Sqlite(_)) {
            diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(c)?;
        }
        let mut acc = Accumulator::new(plan.groups.len());
        let dirty: BTreeSet<String> = d::table.select(d::part).distinct().load::<String>(c)?.into_iter().collect();
        let columns = plan.columns();
        let rows_col = segment::column_name(plan.entity.name, "rows");
        let mut q = sc::table.filter(sc::shared.eq(shared)).filter(sc::col.eq(&rows_col)).select(sc::part).into_boxed();
        if let Some(country) = &prune.country {
            q = q.filter(sc::country.eq(country));
        }
        if let Some(y) = &prune.first_year {
            q = q.filter(sc::year.ge(y));
        }
        if let Some(y) = &prune.last_year {
            q = q.filter(sc::year.le(y)).filter(sc::year.ne(""));
        }
        let clean: Vec<String> = q.load::<String>(c)?.into_iter().filter(|p| !dirty.contains(p)).collect();
        for chunk in clean.chunks(CHUNK) {
            let rows: Vec<(String, String, Vec<u8>)> = sc::table
                .filter(sc::shared.eq(shared))
                .filter(sc::col.eq_any(&columns))
                .filter(sc::part.eq_any(chunk))
                .select((sc::part, sc::col, sc::data))
                .load(c)?;
            let mut segments: HashMap<String, HashMap<String, Column>> = HashMap::new();
            for (part, col, data) in rows {
                segments.entry(part).or_default().insert(col, Column::decode(&data).map_err(corrupt)?);
            }
            for (part, columns) in segments {
                let country = record::partition_parts(&part).0.to_owned();
                aggregate::add(&Segment { country, columns }, plan, &mut acc).map_err(corrupt)?;
            }
        }
        // Changed partitions one at a time, so that memory stays bounded by one partition.
        let form = usize::from(shared);
        for part in dirty.into_iter().filter(|p| prune.keeps(p)) {
            for (part, recs) in records_of(c, std::slice::from_ref(&part))? {
                let mut all = segment::build(&recs, form).map_err(corrupt)?;
                let columns = columns.iter().filter_map(|n| all.remove_entry(n)).collect();
                let country = record::partition_parts(&part).0.to_owned();
                aggregate::add(&Segment { country, columns }, plan, &mut acc).map_err(corrupt)?;
            }
        }
        Ok(acc)
    })
}

/// Partitions changed since their last compaction.
pub fn pending(conn: &mut DbConn) -> Result<i64, ApiError> {
    Ok(d::table.select(d::part).distinct().load::<String>(conn)?.len() as i64)
}

/// Rebuild every case's record if they were written by an older derivation (or none yet, as
/// right after the migration that introduced them). Returns the number of cases rebuilt.
pub fn ensure_current(conn: &mut DbConn) -> Result<usize, ApiError> {
    super::manual::ensure_salts(conn)?;
    if facts_version(conn)?.as_deref() == Some(records_version()) {
        return Ok(0);
    }
    let is_pg = !matches!(conn, DbConn::Sqlite(_));
    if is_pg {
        // One node rebuilds; the others wait for it and then find the records current.
        diesel::sql_query("SELECT pg_advisory_lock(hashtext('enlace.stat.rebuild'))").execute(conn)?;
    }
    let result = rebuild_all(conn);
    if is_pg {
        diesel::sql_query("SELECT pg_advisory_unlock(hashtext('enlace.stat.rebuild'))").execute(conn)?;
    }
    result
}

fn facts_version(conn: &mut DbConn) -> Result<Option<String>, ApiError> {
    Ok(dv::table.find("stat_records").select(dv::value).get_result(conn).optional()?)
}

fn rebuild_all(conn: &mut DbConn) -> Result<usize, ApiError> {
    if facts_version(conn)?.as_deref() == Some(records_version()) {
        return Ok(0);
    }
    use crate::db::schema::cases;
    let countries: Vec<String> = cases::table.select(cases::reporting_country).distinct().load(conn)?;
    let mut n = 0;
    for country in countries {
        let policy = crate::policy::load(conn, &country)?;
        let mut after = String::new();
        loop {
            let page: Vec<(String, String, Option<String>)> = cases::table
                .filter(cases::reporting_country.eq(&country))
                .filter(cases::id.gt(&after))
                .order(cases::id)
                .limit(500)
                .select((cases::id, cases::document, cases::stat_salt))
                .load(conn)?;
            let Some((last, _, _)) = page.last() else { break };
            after = last.clone();
            crate::db::transaction(conn, |c| {
                for (id, doc, salt) in &page {
                    let document: Value = serde_json::from_str(doc).map_err(|_| ApiError::Internal)?;
                    let reservations = policy.reservations_of(&document);
                    let salt = salt_of(c, id, salt.clone())?;
                    replace(c, id, &document, &reservations, &salt)?;
                }
                Ok(())
            })?;
            n += page.len();
        }
    }
    diesel::delete(dv::table.find("stat_records")).execute(conn)?;
    diesel::insert_into(dv::table)
        .values((dv::key.eq("stat_records"), dv::value.eq(records_version())))
        .execute(conn)?;
    if n > 0 {
        tracing::info!(cases = n, "statistics records rebuilt");
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_records_version_names_the_records_of_the_samples() {
        let empty = crate::digest::sha256_hex(b"");
        assert_eq!(records_version().len(), 64);
        assert_ne!(records_version(), empty, "the samples have records: the version depends on them");
        let input = crate::formato::sample::full_case(1, "GT");
        let document = crate::formato::derive::stored_document(&input, "GT");
        let r = crate::access::cases::reservations(&[], &[]);
        assert!(record_of(&document, &r, "0123456789abcdef0123456789abcdef").unwrap().is_some());
    }
}
