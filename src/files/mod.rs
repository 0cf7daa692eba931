//! Uploaded files, shared by alert specimen images and country reports: the type is decided by
//! content (magic bytes, ZIP structure), never by name or declared type; images lose their
//! metadata; bodies are received as streams with a size limit (a report goes to a temporary file
//! in the data directory while its SHA-256 is computed) and reports are sent back as streams.

pub mod sniff;

use std::io::Write;
use std::path::{Path, PathBuf};

use actix_web::web;

use crate::error::{ApiError, FieldError};

/// How long a client may leave a request body without sending a byte (as the server allows for
/// the request head): beyond it the request is answered 408 and the connection closed.
pub const BODY_IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// The same for file uploads (reports of up to 50 MiB by default, images).
pub const UPLOAD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// The next chunk of a body, within the idle timeout and before `deadline`; 408 otherwise.
pub async fn next_chunk<S, T>(stream: &mut S, deadline: tokio::time::Instant) -> Result<Option<T>, ApiError>
where
    S: futures_util::Stream<Item = T> + Unpin,
{
    use futures_util::StreamExt;
    let until = deadline.min(tokio::time::Instant::now() + BODY_IDLE_TIMEOUT);
    tokio::time::timeout_at(until, stream.next()).await.map_err(|_| ApiError::RequestTimeout)
}

/// Bytes per chunk written to or read from disk.
const CHUNK: usize = 256 * 1024;
/// How much of an oversized body is still read (and discarded) so that the client receives the
/// 413 answer instead of a reset connection; beyond this the connection is simply closed.
const DRAIN_MAX: u64 = 256 * 1024 * 1024;

fn unreadable() -> ApiError {
    ApiError::Malformed(vec![FieldError::new(
        "",
        "unreadable_body",
        "the body could not be read",
        "no se pudo leer el cuerpo",
    )])
}

/// Read and discard the rest of a body (bounded in size and time), after it was found too large.
async fn drain(payload: &mut web::Payload, mut seen: u64) {
    let deadline = tokio::time::Instant::now() + BODY_IDLE_TIMEOUT;
    while seen < DRAIN_MAX {
        match next_chunk(payload, deadline).await {
            Ok(Some(Ok(chunk))) => seen += chunk.len() as u64,
            _ => break,
        }
    }
}

fn declared_too_large(declared: Option<u64>, limit: u64) -> bool {
    declared.is_some_and(|n| n > limit)
}

/// Receive a small body (an image) into memory, at most `limit` bytes (413 beyond).
pub async fn read_limited(mut payload: web::Payload, declared: Option<u64>, limit: u64) -> Result<Vec<u8>, ApiError> {
    if declared_too_large(declared, limit) {
        drain(&mut payload, 0).await;
        return Err(ApiError::PayloadTooLarge);
    }
    let mut body = Vec::with_capacity(declared.unwrap_or(64 * 1024).min(limit) as usize);
    let deadline = tokio::time::Instant::now() + UPLOAD_TIMEOUT;
    while let Some(chunk) = next_chunk(&mut payload, deadline).await? {
        let chunk = chunk.map_err(|_| unreadable())?;
        if (body.len() + chunk.len()) as u64 > limit {
            let seen = (body.len() + chunk.len()) as u64;
            drop(body);
            drain(&mut payload, seen).await;
            return Err(ApiError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A body received into a temporary file, removed when this is dropped (its content is stored
/// in the database before that).
pub struct Received {
    pub path: PathBuf,
    pub size: u64,
    pub sha256: String,
    /// The first bytes of the body (for type sniffing).
    pub head: Vec<u8>,
}

impl Drop for Received {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Remove the temporary files of uploads that cannot be in progress any more (the process that
/// received them was killed): those untouched for longer than an upload may last. Uploads in
/// progress on another node sharing the directory are younger, and kept. Returns how many.
pub fn remove_stale_uploads(tmp_dir: &Path) -> usize {
    let limit = UPLOAD_TIMEOUT + std::time::Duration::from_secs(60);
    let Ok(dir) = std::fs::read_dir(tmp_dir) else { return 0 };
    dir.flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("upload-"))
        .filter(|e| e.metadata().and_then(|m| m.modified()).is_ok_and(|t| t.elapsed().is_ok_and(|age| age > limit)))
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

/// Bytes already in memory (the demo's seeded files) as a received file under `tmp_dir`.
pub fn received_from_bytes(tmp_dir: &Path, bytes: &[u8]) -> Result<Received, ApiError> {
    crate::private_fs::create_dir(tmp_dir).map_err(io_error)?;
    let path = tmp_dir.join(format!("upload-{}", uuid::Uuid::new_v4().simple()));
    let mut f = crate::private_fs::create_new(&path).map_err(io_error)?;
    let received = Received {
        path,
        size: bytes.len() as u64,
        sha256: crate::audit::chain::hex(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref()),
        head: bytes[..bytes.len().min(HEAD)].to_vec(),
    };
    f.write_all(bytes).and_then(|_| f.sync_all()).map_err(io_error)?;
    Ok(received)
}

pub fn io_error(e: std::io::Error) -> ApiError {
    tracing::error!(error = %e, "file storage error");
    ApiError::Internal
}

/// How many leading bytes are kept for sniffing.
const HEAD: usize = 4096;

/// Receive a body into a new temporary file under `tmp_dir`, computing its SHA-256, at most
/// `limit` bytes (413 beyond, and the partial file is removed). Memory use is bounded by one
/// buffered chunk whatever the size of the body.
pub async fn receive_to_file(
    mut payload: web::Payload,
    declared: Option<u64>,
    tmp_dir: &Path,
    limit: u64,
) -> Result<Received, ApiError> {
    if declared_too_large(declared, limit) {
        drain(&mut payload, 0).await;
        return Err(ApiError::PayloadTooLarge);
    }
    crate::private_fs::create_dir(tmp_dir).map_err(io_error)?;
    let path = tmp_dir.join(format!("upload-{}", uuid::Uuid::new_v4().simple()));
    let file = crate::private_fs::create_new(&path).map_err(io_error)?;
    let mut received = Received { path, size: 0, sha256: String::new(), head: Vec::with_capacity(HEAD) };
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    let mut file = Some(file);
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK);
    let deadline = tokio::time::Instant::now() + UPLOAD_TIMEOUT;
    loop {
        let next = next_chunk(&mut payload, deadline).await?;
        let done = next.is_none();
        if let Some(chunk) = next {
            let chunk = chunk.map_err(|_| unreadable())?;
            received.size += chunk.len() as u64;
            if received.size > limit {
                drain(&mut payload, received.size).await;
                return Err(ApiError::PayloadTooLarge);
            }
            if received.head.len() < HEAD {
                let take = (HEAD - received.head.len()).min(chunk.len());
                received.head.extend_from_slice(&chunk[..take]);
            }
            ctx.update(&chunk);
            buf.extend_from_slice(&chunk);
        }
        if buf.len() >= CHUNK || (done && !buf.is_empty()) {
            let mut f = file.take().ok_or(ApiError::Internal)?;
            let data = std::mem::replace(&mut buf, Vec::with_capacity(CHUNK));
            let f = web::block(move || f.write_all(&data).map(|_| f))
                .await
                .map_err(|_| ApiError::Internal)?
                .map_err(io_error)?;
            file = Some(f);
        }
        if done {
            break;
        }
    }
    if let Some(f) = file.take() {
        web::block(move || f.sync_all()).await.map_err(|_| ApiError::Internal)?.map_err(io_error)?;
    }
    received.sha256 = crate::audit::chain::hex(ctx.finish().as_ref());
    Ok(received)
}
