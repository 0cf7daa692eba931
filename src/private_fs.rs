//! Files private to the service account. The data directory holds every case (SQLite), password
//! hashes, TOTP secrets, signing keys, TLS keys and the stored report files, so whatever the
//! process umask: directories enlace creates are 0700, files it creates are 0600, and the SQLite
//! database is created 0600 before SQLite opens it (SQLite gives its `-wal` and `-shm` files the
//! database file's mode). At start-up a data directory that other users can write is refused and
//! one they can read is reported, each with a message naming the path.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

const DIR_MODE: u32 = 0o700;
const FILE_MODE: u32 = 0o600;

/// Create a directory (and its missing parents) readable by the owner only.
pub fn create_dir(path: &Path) -> std::io::Result<()> {
    DirBuilder::new().recursive(true).mode(DIR_MODE).create(path)
}

/// Create `path` for writing, failing if it exists; owner-only.
pub fn create_new(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().write(true).create_new(true).mode(FILE_MODE).open(path)
}

/// Write a whole file (created or truncated) readable by its owner only.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let mut f = OpenOptions::new().write(true).create(true).truncate(true).mode(FILE_MODE).open(path).map_err(fail)?;
    // An existing file keeps its mode on open: make it owner-only as well.
    f.set_permissions(std::fs::Permissions::from_mode(FILE_MODE)).map_err(fail)?;
    f.write_all(bytes).map_err(fail)
}

/// Make an existing file owner-only (nothing happens if it does not exist).
pub fn restrict(path: &Path) -> Result<(), String> {
    match std::fs::set_permissions(path, std::fs::Permissions::from_mode(FILE_MODE)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(format!("cannot restrict {}: {e}", path.display())),
        _ => Ok(()),
    }
}

/// Before SQLite opens a database file: its directory exists (created 0700), the file exists
/// owner-only (created empty, which SQLite takes as a new database), and existing `-wal`/`-shm`
/// files are owner-only too.
pub fn prepare_sqlite_file(path: &Path) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_dir(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    match create_new(path) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => restrict(path)?,
        Err(e) => return Err(format!("cannot create {}: {e}", path.display())),
    }
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        restrict(Path::new(&p))?;
    }
    Ok(())
}

/// What start-up found about the data directory.
#[derive(Debug, PartialEq, Eq)]
pub enum DirCheck {
    /// Created now (0700) or already owner-only.
    Private,
    /// Other users may list and read it: a warning to give.
    ReadableByOthers(u32),
}

/// Create the data directory (0700) if it is missing; refuse one that others can write (they
/// could replace the database or plant files); report one that others can read.
pub fn check_data_dir(path: &Path) -> Result<DirCheck, String> {
    if !path.exists() {
        create_dir(path).map_err(|e| format!("cannot create the data directory {}: {e}", path.display()))?;
        return Ok(DirCheck::Private);
    }
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read the data directory {}: {e}", path.display()))?;
    if !meta.is_dir() {
        return Err(format!("the data directory {} is not a directory", path.display()));
    }
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o022 != 0 {
        return Err(format!(
            "the data directory {} is writable by other users (mode {mode:o}); make it private to the \
             service account: chmod 700 {}",
            path.display(),
            path.display()
        ));
    }
    Ok(if mode & 0o077 != 0 { DirCheck::ReadableByOthers(mode) } else { DirCheck::Private })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn created_private_and_checked() {
        let base = std::env::temp_dir().join(format!("enlace-private-{}", uuid::Uuid::new_v4().simple()));
        let dir = base.join("data");
        assert_eq!(check_data_dir(&dir), Ok(DirCheck::Private));
        assert_eq!(mode(&dir), 0o700);
        let db = dir.join("sub/enlace.db");
        prepare_sqlite_file(&db).unwrap();
        assert_eq!(mode(&db), 0o600);
        assert_eq!(mode(db.parent().unwrap()), 0o700);
        let f = dir.join("file.txt");
        std::fs::write(&f, b"x").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        write(&f, b"y").unwrap();
        assert_eq!(mode(&f), 0o600, "an existing file is made owner-only too");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o750)).unwrap();
        assert_eq!(check_data_dir(&dir), Ok(DirCheck::ReadableByOthers(0o750)));
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o770)).unwrap();
        let err = check_data_dir(&dir).unwrap_err();
        assert!(err.contains(dir.to_str().unwrap()) && err.contains("writable by other users"), "{err}");
        std::fs::remove_dir_all(&base).unwrap();
    }
}
