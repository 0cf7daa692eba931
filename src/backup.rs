//! Online backup and restore (`enlace backup --to DIR`, `enlace restore --from DIR`). A backup is
//! one consistent copy of the database, taken while the server runs — SQLite: `VACUUM INTO`, one
//! read transaction; PostgreSQL: `pg_dump` of a snapshot this command holds open — which holds
//! everything, report contents included, and a manifest with the SHA-256 of every file of the
//! backup and the audit head of the copy. A restore checks the manifest, refuses a target that
//! holds anything, restores (report files of backups by older versions too; they are moved into
//! the database at start-up), and verifies the restored audit chain up to that head. The master key is never copied: the signing
//! keys in the database are sealed under it, so it is kept (and backed up) apart.

use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::schema::audit_head;
use crate::db::{Backend, DbConn};

const MANIFEST: &str = "manifest.json";
const SQLITE_COPY: &str = "enlace.db";
const POSTGRES_DUMP: &str = "enlace.pgdump";

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Version of this layout.
    pub format: u32,
    pub enlace_version: String,
    pub created_at: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The audit chain's head in the copy: a restore must verify up to exactly this event.
    pub audit_head: AuditHead,
    /// Every file of the backup but the manifest (the database copy first), with its digest.
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// Relative to the backup directory, `/`-separated.
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// Copy the database at `database_url` into `to`, which must not exist or be empty.
pub fn backup(database_url: &str, to: &Path, now: &str) -> Result<Manifest, String> {
    prepare_target(to)?;
    let backend = Backend::from_url(database_url)?;
    let (db_file, head) = match backend {
        Backend::Sqlite => sqlite_copy(database_url, to)?,
        Backend::Postgres => postgres_dump(database_url, to)?,
    };
    let files = vec![hash_file(to, &db_file)?];
    let manifest = Manifest {
        format: 1,
        enlace_version: env!("CARGO_PKG_VERSION").to_owned(),
        created_at: now.to_owned(),
        backend: backend_name(backend).to_owned(),
        audit_head: head,
        files,
    };
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    crate::private_fs::write(&to.join(MANIFEST), text.as_bytes())?;
    sync_dir(to);
    Ok(manifest)
}

/// Check the backup in `from` against its manifest, then restore it into the (empty) database at
/// `database_url` and `data_dir`. Returns the manifest; the caller verifies the audit chain.
pub fn restore(database_url: &str, data_dir: &Path, from: &Path) -> Result<Manifest, String> {
    let manifest = check(from)?;
    let backend = Backend::from_url(database_url)?;
    if manifest.backend != backend_name(backend) {
        return Err(format!("this is a {} backup; the target database is {}", manifest.backend, backend_name(backend)));
    }
    let reports = data_dir.join("files").join("reports");
    if reports.read_dir().is_ok_and(|mut d| d.next().is_some()) {
        return Err(format!("{} already holds report files: restore into an empty data directory", reports.display()));
    }
    // The data directory the restored node will run on (private to the service account).
    crate::private_fs::create_dir(data_dir).map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    match backend {
        Backend::Sqlite => {
            let path = crate::db::sqlite_path(database_url).ok_or("a SQLite URL naming a file")?;
            if path.metadata().is_ok_and(|m| m.len() > 0) {
                return Err(format!("{} exists: restore into an empty data directory", path.display()));
            }
            crate::private_fs::prepare_sqlite_file(&path)?;
            copy_hashed(&from.join(SQLITE_COPY), &path).map_err(|e| format!("cannot restore the database: {e}"))?;
        }
        Backend::Postgres => {
            let mut conn = crate::db::establish(database_url)?;
            let tables: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "(SELECT count(*) FROM pg_tables WHERE schemaname = 'public')",
            ))
            .get_result(&mut conn)
            .map_err(|e| e.to_string())?;
            if tables > 0 {
                return Err("the target database holds tables: restore into an empty database".into());
            }
            drop(conn);
            let out = std::process::Command::new("pg_restore")
                .args(["--no-owner", "--no-privileges", "--exit-on-error", "--dbname", database_url])
                .arg(from.join(POSTGRES_DUMP))
                .output()
                .map_err(|e| format!("cannot run pg_restore: {e}"))?;
            if !out.status.success() {
                return Err(format!("pg_restore failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
            }
        }
    }
    for entry in manifest.files.iter().filter(|f| f.path.starts_with("files/")) {
        let dest = data_dir.join(&entry.path);
        if let Some(dir) = dest.parent() {
            crate::private_fs::create_dir(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        copy_hashed(&from.join(&entry.path), &dest).map_err(|e| format!("cannot restore {}: {e}", entry.path))?;
    }
    Ok(manifest)
}

/// Read the manifest and check every file against it: same set of files, sizes and digests.
pub fn check(dir: &Path) -> Result<Manifest, String> {
    let text = std::fs::read_to_string(dir.join(MANIFEST))
        .map_err(|e| format!("cannot read {}: {e}", dir.join(MANIFEST).display()))?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| format!("{MANIFEST} is not valid: {e}"))?;
    if manifest.format != 1 {
        return Err(format!("backup format {} is not known to this version", manifest.format));
    }
    let mut listed: Vec<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    listed.push(MANIFEST);
    listed.sort_unstable();
    let mut present = relative_files(dir)?;
    present.sort_unstable();
    if present != listed {
        let extra: Vec<&String> = present.iter().filter(|p| !listed.contains(&p.as_str())).collect();
        let missing: Vec<&&str> = listed.iter().filter(|l| !present.iter().any(|p| p == *l)).collect();
        return Err(format!("the backup's files differ from its manifest: missing {missing:?}, not listed {extra:?}"));
    }
    for entry in &manifest.files {
        if entry.path.split('/').any(|s| s.is_empty() || s == "." || s == "..") {
            return Err(format!("manifest path {:?} is not a plain relative path", entry.path));
        }
        let found = hash_file(dir, &entry.path)?;
        if found.bytes != entry.bytes || found.sha256 != entry.sha256 {
            return Err(format!("{} does not match the manifest (size or SHA-256): the backup is damaged", entry.path));
        }
    }
    Ok(manifest)
}

fn backend_name(b: Backend) -> &'static str {
    match b {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

fn prepare_target(to: &Path) -> Result<(), String> {
    if to.read_dir().is_ok_and(|mut d| d.next().is_some()) {
        return Err(format!("{} is not empty: back up into a new directory", to.display()));
    }
    crate::private_fs::create_dir(to).map_err(|e| format!("cannot create {}: {e}", to.display()))
}

/// The database file of the backup and the audit head it holds.
type Snapshot = (String, AuditHead);

/// The audit head as the copy holds it.
fn head_of(conn: &mut DbConn) -> Result<AuditHead, String> {
    let (seq, hash) = audit_head::table
        .filter(audit_head::id.eq(1))
        .select((audit_head::seq, audit_head::hash))
        .get_result::<(i64, String)>(conn)
        .map_err(|e| format!("cannot read the audit head: {e}"))?;
    Ok(AuditHead { seq, hash })
}

/// `VACUUM INTO` writes a transactionally consistent copy while writers go on (WAL); the head
/// is then read from the copy itself.
fn sqlite_copy(database_url: &str, to: &Path) -> Result<Snapshot, String> {
    let target = to.join(SQLITE_COPY);
    let text = target.to_str().ok_or("the backup path is not UTF-8")?;
    let mut conn = crate::db::establish(database_url)?;
    diesel::sql_query(format!("VACUUM INTO '{}'", text.replace('\'', "''")))
        .execute(&mut conn)
        .map_err(|e| format!("cannot copy the database: {e}"))?;
    crate::private_fs::restrict(&target)?;
    let mut copy = crate::db::establish(&format!("sqlite://{text}"))?;
    let head = head_of(&mut copy)?;
    drop(copy);
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{text}{suffix}"));
    }
    Ok((SQLITE_COPY.to_owned(), head))
}

/// Hold a repeatable-read transaction, export its snapshot, read the head in it, and have
/// `pg_dump` dump exactly that snapshot.
fn postgres_dump(database_url: &str, to: &Path) -> Result<Snapshot, String> {
    #[derive(QueryableByName)]
    struct Exported {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    let mut conn = crate::db::establish(database_url)?;
    diesel::sql_query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .execute(&mut conn)
        .map_err(|e| e.to_string())?;
    let snapshot = diesel::sql_query("SELECT pg_export_snapshot() AS id")
        .get_result::<Exported>(&mut conn)
        .map_err(|e| format!("cannot export a snapshot: {e}"))?
        .id;
    let head = head_of(&mut conn)?;
    let target = to.join(POSTGRES_DUMP);
    crate::private_fs::create_new(&target).map_err(|e| format!("cannot create {}: {e}", target.display()))?;
    let out = std::process::Command::new("pg_dump")
        .args(["--format=custom", "--no-owner", "--no-privileges", "--snapshot", &snapshot, "--file"])
        .arg(&target)
        .args(["--dbname", database_url])
        .output()
        .map_err(|e| format!("cannot run pg_dump (install the PostgreSQL client): {e}"))?;
    let _ = diesel::sql_query("COMMIT").execute(&mut conn);
    if !out.status.success() {
        return Err(format!("pg_dump failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok((POSTGRES_DUMP.to_owned(), head))
}

fn hash_file(dir: &Path, rel: &str) -> Result<FileEntry, String> {
    let f = std::fs::File::open(dir.join(rel)).map_err(|e| format!("cannot read {rel}: {e}"))?;
    let (bytes, sha256) = stream_hashed(f, std::io::sink()).map_err(|e| format!("cannot read {rel}: {e}"))?;
    Ok(FileEntry { path: rel.to_owned(), bytes, sha256 })
}

/// Copy `from` to a new owner-only file `to` (written in full and synced), returning its size
/// and SHA-256.
fn copy_hashed(from: &Path, to: &Path) -> std::io::Result<(u64, String)> {
    if let Some(dir) = to.parent() {
        crate::private_fs::create_dir(dir)?;
    }
    let src = std::fs::File::open(from)?;
    let mut dst = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(to)?;
    let hashed = stream_hashed(src, &mut dst)?;
    dst.sync_all()?;
    Ok(hashed)
}

/// Read `src` to the end into `sink`: its size and SHA-256.
fn stream_hashed(mut src: impl Read, mut sink: impl Write) -> std::io::Result<(u64, String)> {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = src.read(&mut buf)?;
        if n == 0 {
            break;
        }
        ctx.update(&buf[..n]);
        sink.write_all(&buf[..n])?;
        bytes += n as u64;
    }
    Ok((bytes, crate::digest::hex(ctx.finish().as_ref())))
}

fn relative_files(dir: &Path) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| format!("cannot list {}: {e}", d.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).map_err(|e| e.to_string())?;
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    Ok(out)
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}
