//! Country activity reports (R13): a country uploads its report (PDF, DOCX or ODT, recognised by
//! content; size-limited; SHA-256 recorded) with title, period and language; members read and
//! download; the ST publishes a report to observers. A body is received into a temporary file
//! of the data directory (hashed and sniffed there), then stored in the database in chunks of
//! 1 MiB in the transaction of its metadata row (on any failure nothing is left behind), and sent
//! back as a stream of those chunks. So every node serves every report, and a backup of the
//! database holds them; files of reports stored by older versions are moved in at start-up.

use std::io::Read;
use std::path::{Path, PathBuf};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::{PartyKind, Subject, resources as rules};
use crate::audit::{self, Event, Outcome, RequestContext};
use crate::db::schema::{country_report_chunks as ch, country_reports as r};
use crate::db::{Db, DbConn};
use crate::error::{ApiError, FieldError};
use crate::files::Received;
use crate::files::sniff::{self, DocType};

/// Metadata of an upload (query parameters: the body is the file itself).
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportUpload {
    /// Title (1 to 300 characters, not counting surrounding white space).
    #[param(
        pattern = "^[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]|[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]{0,298}[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub title: String,
    /// Period covered: `YYYY`, `YYYY-S1`, `YYYY-S2` or `YYYY-MM`.
    #[param(pattern = "^[0-9]{4}(?:-S[12]|-(?:0[1-9]|1[0-2]))?$")]
    pub period: String,
    /// Language (ISO 639-1: two lower-case letters, e.g. `es`, `en`).
    #[param(pattern = "^[a-z]{2}$")]
    pub language: String,
}

/// A report's metadata.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable, Selectable)]
#[diesel(table_name = r)]
pub struct ReportInfo {
    #[diesel(column_name = id)]
    pub report_id: String,
    pub country: String,
    pub title: String,
    pub period: String,
    pub language: String,
    /// `pdf`, `docx` or `odt`.
    pub file_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the file (hex).
    pub sha256: String,
    pub published_to_observers: bool,
    pub published_at: Option<String>,
    pub created_at: String,
}

impl ReportInfo {
    pub fn doc_type(&self) -> DocType {
        DocType::parse(&self.file_type).unwrap_or(DocType::Pdf)
    }

    fn meta(&self) -> rules::ReportMeta {
        rules::ReportMeta { country: self.country.clone(), published_to_observers: self.published_to_observers }
    }
}

pub fn check_upload(s: &Subject, q: &ReportUpload) -> Result<(), ApiError> {
    if !rules::may_upload_report(s) {
        return Err(ApiError::Forbidden);
    }
    let mut errors = vec![];
    let n = q.title.trim().chars().count();
    if n == 0 || n > 300 {
        errors.push(FieldError::new("title", "invalid_value", "1 to 300 characters", "de 1 a 300 caracteres"));
    }
    if crate::statistics::query::period("period", &q.period).is_err() {
        errors.push(FieldError::new(
            "period",
            "invalid_value",
            "a period YYYY, YYYY-S1, YYYY-S2 or YYYY-MM",
            "un periodo AAAA, AAAA-S1, AAAA-S2 o AAAA-MM",
        ));
    }
    if !crate::registry::is_language(&q.language) {
        errors.push(FieldError::new("language", "invalid_language", "an ISO 639-1 code", "un código ISO 639-1"));
    }
    if errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(errors)) }
}

/// Bytes per stored chunk of a report: a download holds one in memory at a time.
const CHUNK_BYTES: usize = 1 << 20;

/// Where older versions kept a report's file (moved into the database by `import_files`).
fn file_path(data_dir: &Path, id: &str) -> PathBuf {
    data_dir.join("files").join("reports").join(id)
}

pub fn tmp_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("files").join("tmp")
}

/// Decide the type of a received file and store it with its metadata, in one transaction (the
/// temporary file goes when `received` is dropped).
pub fn store(
    conn: &mut DbConn,
    s: &Subject,
    ctx: &RequestContext,
    q: ReportUpload,
    received: Received,
) -> Result<ReportInfo, ApiError> {
    check_upload(s, &q)?;
    let kind = {
        let mut f = std::fs::File::open(&received.path).map_err(crate::files::io_error)?;
        sniff::sniff_document(&received.head, &mut f, received.size).ok_or(ApiError::UnsupportedMediaType)?
    };
    let id = uuid::Uuid::now_v7().to_string();
    audit::write(conn, |conn, events| {
        let now = crate::clock::now_text();
        diesel::insert_into(r::table)
            .values((
                r::id.eq(&id),
                r::country.eq(&s.party),
                r::title.eq(q.title.trim()),
                r::period.eq(&q.period),
                r::language.eq(&q.language),
                r::file_type.eq(kind.as_str()),
                r::size_bytes.eq(received.size as i64),
                r::sha256.eq(&received.sha256),
                r::storage_key.eq("database"),
                r::published_to_observers.eq(false),
                r::created_at.eq(&now),
                r::created_by.eq(&s.user_id),
            ))
            .execute(conn)?;
        let file = std::fs::File::open(&received.path).map_err(crate::files::io_error)?;
        let (size, sha256) = write_chunks(conn, &id, file)?;
        if size != received.size || sha256 != received.sha256 {
            tracing::error!(report = %id, "a received report changed on disk before it was stored");
            return Err(ApiError::Internal);
        }
        let info = load(conn, &id)?.ok_or(ApiError::Internal)?;
        events.push(event(ctx, "report_upload", &info));
        Ok(info)
    })
}

/// Store `content` as the chunks of report `id`: its size and SHA-256 as stored.
fn write_chunks(conn: &mut DbConn, id: &str, mut content: impl Read) -> Result<(u64, String), ApiError> {
    let mut digest = ring::digest::Context::new(&ring::digest::SHA256);
    let (mut size, mut seq) = (0u64, 0i32);
    loop {
        let mut buf = Vec::with_capacity(CHUNK_BYTES);
        (&mut content).take(CHUNK_BYTES as u64).read_to_end(&mut buf).map_err(crate::files::io_error)?;
        if buf.is_empty() {
            break;
        }
        digest.update(&buf);
        size += buf.len() as u64;
        diesel::insert_into(ch::table)
            .values((ch::report_id.eq(id), ch::seq.eq(seq), ch::data.eq(&buf)))
            .execute(conn)?;
        seq += 1;
    }
    Ok((size, crate::digest::hex(digest.finish().as_ref())))
}

/// The content of report `id` as a response body, streamed chunk by chunk (each read in a
/// statement of its own, so a download holds no connection between chunks).
pub fn content(
    db: Db,
    id: String,
    size: u64,
) -> actix_web::body::SizedStream<impl futures_util::Stream<Item = Result<actix_web::web::Bytes, std::io::Error>>> {
    let chunks = futures_util::stream::unfold(Some(0i32), move |seq| {
        let (db, id) = (db.clone(), id.clone());
        async move {
            let seq = seq?;
            let read = db
                .run(move |c| Ok(ch::table.find((id, seq)).select(ch::data).get_result::<Vec<u8>>(c).optional()?))
                .await;
            match read {
                Ok(Some(data)) => Some((Ok(actix_web::web::Bytes::from(data)), Some(seq + 1))),
                Ok(None) => None,
                Err(_) => Some((Err(std::io::Error::other("a report chunk could not be read")), None)),
            }
        }
    });
    actix_web::body::SizedStream::new(size, chunks)
}

/// Move the files of reports stored by older versions (`files/reports/<id>`) into the database,
/// each checked against its recorded SHA-256; run at start-up by every node (a report whose file
/// another node holds is moved in by that node). Returns how many were moved.
pub fn import_files(conn: &mut DbConn, data_dir: &Path) -> Result<usize, ApiError> {
    let pending: Vec<(String, String)> = r::table
        .filter(diesel::dsl::not(diesel::dsl::exists(ch::table.filter(ch::report_id.eq(r::id)))))
        .filter(r::size_bytes.gt(0))
        .select((r::id, r::sha256))
        .load(conn)?;
    let mut moved = 0;
    for (id, sha256) in pending {
        let path = file_path(data_dir, &id);
        let Ok(bytes) = std::fs::read(&path) else { continue };
        if crate::digest::sha256_hex(&bytes) != sha256 {
            tracing::error!(report = %id, "a report file does not match its recorded SHA-256; left where it is");
            continue;
        }
        crate::db::transaction(conn, |c| write_chunks(c, &id, bytes.as_slice()))?;
        let _ = std::fs::remove_file(&path);
        moved += 1;
    }
    Ok(moved)
}

fn event(ctx: &RequestContext, action: &str, info: &ReportInfo) -> Event {
    Event::new(ctx, action, "country_report", Outcome::Allowed)
        .object(info.report_id.clone(), Some(&info.country))
        .details(serde_json::json!({"file_type": info.file_type, "size_bytes": info.size_bytes, "sha256": info.sha256,
                           "published_to_observers": info.published_to_observers}))
}

fn load(conn: &mut DbConn, id: &str) -> Result<Option<ReportInfo>, ApiError> {
    Ok(r::table.find(id).select(ReportInfo::as_select()).get_result(conn).optional()?)
}

/// A report `s` may see (404 otherwise).
fn visible(conn: &mut DbConn, s: &Subject, id: &str) -> Result<ReportInfo, ApiError> {
    let info = load(conn, id)?.ok_or(ApiError::NotFound)?;
    if !rules::may_read_report(s, &info.meta()) {
        return Err(ApiError::NotFound);
    }
    Ok(info)
}

pub fn get(conn: &mut DbConn, s: &Subject, ctx: &RequestContext, id: &str) -> Result<(ReportInfo, Event), ApiError> {
    let info = visible(conn, s, id)?;
    let ev = event(ctx, "report_read", &info);
    Ok((info, ev))
}

/// A report for a download by `s` (its content is then streamed by `content`), with the read
/// event. A report of an older version whose file was not moved in yet is unavailable (503).
pub fn open(conn: &mut DbConn, s: &Subject, ctx: &RequestContext, id: &str) -> Result<(ReportInfo, Event), ApiError> {
    let info = visible(conn, s, id)?;
    let stored =
        diesel::select(diesel::dsl::exists(ch::table.filter(ch::report_id.eq(id)))).get_result::<bool>(conn)?;
    if !stored && info.size_bytes > 0 {
        return Err(ApiError::Unavailable);
    }
    let ev = event(ctx, "report_download", &info);
    Ok((info, ev))
}

/// Filters of the report list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// Only this country's reports.
    pub country: Option<String>,
    /// Only this period.
    pub period: Option<String>,
    /// Only this language.
    pub language: Option<String>,
}

/// Reports `s` may see, newest first (observers: those published to observers).
pub fn list(conn: &mut DbConn, s: &Subject, q: ReportQuery) -> Result<Vec<ReportInfo>, ApiError> {
    let mut query = r::table.select(ReportInfo::as_select()).into_boxed();
    if !rules::is_member_user(s) {
        if s.party_kind != PartyKind::Observer {
            return Err(ApiError::Forbidden);
        }
        query = query.filter(r::published_to_observers.eq(true));
    }
    if let Some(c) = q.country {
        query = query.filter(r::country.eq(c));
    }
    if let Some(p) = q.period {
        query = query.filter(r::period.eq(p));
    }
    if let Some(l) = q.language {
        query = query.filter(r::language.eq(l));
    }
    let items: Vec<ReportInfo> = query.order(r::id.desc()).limit(1000).load(conn)?;
    Ok(items.into_iter().filter(|i| rules::may_read_report(s, &i.meta())).collect())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Publication {
    /// Whether observers (IOM, UNHCR, RROCM, …) may read and download the report.
    pub published_to_observers: bool,
}

/// Publish a report to observers, or withdraw the publication (ST administrators).
pub fn publish(
    conn: &mut DbConn,
    s: &Subject,
    ctx: &RequestContext,
    id: &str,
    body: Publication,
) -> Result<ReportInfo, ApiError> {
    audit::write(conn, |conn, events| {
        visible(conn, s, id)?;
        if !rules::may_publish_report(s) {
            return Err(ApiError::Forbidden);
        }
        let now = crate::clock::now_text();
        diesel::update(r::table.find(id))
            .set((
                r::published_to_observers.eq(body.published_to_observers),
                r::published_at.eq(body.published_to_observers.then_some(now)),
                r::published_by.eq(body.published_to_observers.then(|| s.user_id.clone())),
            ))
            .execute(conn)?;
        let info = load(conn, id)?.ok_or(ApiError::Internal)?;
        events.push(event(ctx, "report_publish", &info));
        Ok(info)
    })
}

/// Delete a report and its content (the uploading party's officers and administrators).
pub fn delete(conn: &mut DbConn, s: &Subject, ctx: &RequestContext, id: &str) -> Result<(), ApiError> {
    audit::write(conn, |conn, events| {
        let info = visible(conn, s, id)?;
        if !rules::may_delete_report(s, &info.meta()) {
            return Err(ApiError::Forbidden);
        }
        diesel::delete(ch::table.filter(ch::report_id.eq(id))).execute(conn)?;
        diesel::delete(r::table.find(id)).execute(conn)?;
        events.push(event(ctx, "report_delete", &info));
        Ok(())
    })
}

/// Bytes of every report stored (metrics).
pub fn stored_bytes(conn: &mut DbConn) -> Result<i64, ApiError> {
    let sum = diesel::dsl::sql::<diesel::sql_types::BigInt>("COALESCE(CAST(SUM(size_bytes) AS BIGINT), 0)");
    Ok(r::table.select(sum).get_result(conn)?)
}
