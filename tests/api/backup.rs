//! Backup and restore (issue #20), with the real commands: `enlace backup` runs while cases are
//! being written; `enlace restore` into a fresh data directory and database gives a server on
//! which every case acknowledged before the backup began is there as acknowledged, nothing is
//! there that was never acknowledged, the report file comes back byte for byte, and the audit
//! chain verifies up to the head the manifest recorded. A damaged backup, and a target that is
//! not empty, are refused.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use enlace::access::Role;
use serde_json::json;

use crate::helpers::{TestApp, fresh_database, spawn_app, spawn_on};
use crate::reports::pdf;
use crate::security::figure;

fn enlace(args: &[&str], data_dir: &Path, db_url: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_enlace"));
    c.args(args).env_remove("ENLACE_CONFIG").env("ENLACE_DATA_DIR", data_dir).env("DATABASE_URL", db_url);
    c
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

async fn create(app: &TestApp, token: &str, n: usize) -> (String, String) {
    let mut body = serde_json::to_value(enlace::formato::sample::typical_case(n as u64, "GT")).unwrap();
    body["summary"] = json!(format!("respaldo {n}"));
    let r = app.post("/api/v1/cases", Some(token), &body).await;
    assert_eq!(r.status, 201, "{}", r.text());
    (r.json()["case_id"].as_str().unwrap().to_owned(), r.header("etag").unwrap())
}

#[actix_web::test]
async fn a_backup_taken_under_writes_restores_everything_acknowledged_before_it() {
    let app = spawn_app().await;
    let gt = app.user("GT", &[Role::Officer]).await;
    let report = pdf(300_000);
    let up = app
        .upload(
            "POST",
            "/api/v1/reports?title=Informe&period=2026-S1&language=es",
            &gt.token,
            "application/pdf",
            report.clone(),
        )
        .await;
    assert_eq!(up.status, 201, "{}", up.text());
    let report_id = up.json()["report_id"].as_str().unwrap().to_owned();
    let mut before = BTreeMap::new();
    for n in 0..15 {
        let (id, etag) = create(&app, &gt.token, n).await;
        before.insert(id, etag);
    }

    // The backup runs as its own process while this one goes on writing.
    let backup_dir = std::env::temp_dir().join(format!("enlace-backup-{}", uuid::Uuid::new_v4().simple()));
    let mut backup = enlace(&["backup", "--to", backup_dir.to_str().unwrap()], &app.data_dir, &app.db_url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut during = BTreeMap::new();
    let mut n = 100;
    while backup.try_wait().unwrap().is_none() {
        let (id, etag) = create(&app, &gt.token, n).await;
        during.insert(id, etag);
        n += 1;
        actix_web::rt::time::sleep(Duration::from_millis(5)).await;
    }
    let out = backup.wait_with_output().unwrap();
    assert!(out.status.success(), "backup: {}", text(&out));
    assert!(text(&out).contains("master key not included"), "{}", text(&out));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(backup_dir.join("manifest.json")).unwrap()).unwrap();
    assert!(manifest["audit_head"]["seq"].as_i64().unwrap() > 0, "{manifest}");
    let mode = |p: &Path| std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(p).unwrap().permissions()) & 0o777;
    assert_eq!(mode(&backup_dir), 0o700, "the backup directory is private");
    for f in manifest["files"].as_array().unwrap() {
        assert_eq!(mode(&backup_dir.join(f["path"].as_str().unwrap())), 0o600, "{f}");
    }

    // Restore into a new data directory and database; the master key is put in place apart.
    let target = std::env::temp_dir().join(format!("enlace-test-{}", uuid::Uuid::new_v4().simple()));
    let target_url = fresh_database(&target);
    let restore =
        |dir: &Path| enlace(&["restore", "--from", dir.to_str().unwrap()], &target, &target_url).output().unwrap();
    // A damaged backup is refused before anything is written.
    let damaged = std::env::temp_dir().join(format!("enlace-backup-{}", uuid::Uuid::new_v4().simple()));
    copy_tree(&backup_dir, &damaged);
    // The database copy (which holds the report) with one bit flipped.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(damaged.join("manifest.json")).unwrap()).unwrap();
    let victim = damaged.join(manifest["files"][0]["path"].as_str().unwrap());
    let mut bytes = std::fs::read(&victim).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 1;
    std::fs::write(&victim, bytes).unwrap();
    let refused = restore(&damaged);
    assert!(!refused.status.success() && text(&refused).contains("damaged"), "{}", text(&refused));
    std::fs::remove_dir_all(&damaged).unwrap();

    let out = restore(&backup_dir);
    assert!(out.status.success(), "restore: {}", text(&out));
    assert!(text(&out).contains("audit chain OK"), "{}", text(&out));
    let again = restore(&backup_dir);
    assert!(!again.status.success(), "a second restore onto restored data is refused: {}", text(&again));
    std::fs::copy(app.data_dir.join("master.key"), target.join("master.key")).unwrap();
    let audit = enlace(&["audit", "verify"], &target, &target_url).output().unwrap();
    assert!(audit.status.success(), "{}", text(&audit));

    let restored = spawn_on(target, target_url);
    let mut found_during = 0;
    let mut cases = 0;
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/cases?limit=100&cursor={c}"),
            None => "/api/v1/cases?limit=100".to_owned(),
        };
        let page = restored.get(&path, Some(&gt.token)).await;
        assert_eq!(page.status, 200, "the officer's session came back with the database: {}", page.text());
        let v = page.json();
        for item in v["items"].as_array().unwrap() {
            let id = item["case_id"].as_str().unwrap();
            cases += 1;
            found_during += usize::from(during.contains_key(id));
            assert!(before.contains_key(id) || during.contains_key(id), "{id} was never acknowledged");
        }
        match v["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    for (id, etag) in before.iter().chain(during.iter()) {
        let r = restored.get(&format!("/api/v1/cases/{id}"), Some(&gt.token)).await;
        if before.contains_key(id) {
            assert_eq!(r.status, 200, "{id}, acknowledged before the backup, is missing");
        }
        if r.status == 200 {
            assert_eq!(r.header("etag").as_deref(), Some(etag.as_str()), "{id}");
        }
    }
    let file = restored.get(&format!("/api/v1/reports/{report_id}/file"), Some(&gt.token)).await;
    assert_eq!(file.status, 200);
    assert!(file.body == report, "the report file comes back byte for byte");
    figure(format!(
        "backup/restore ({}): {} cases restored ({} acknowledged before the backup, {} of {} written during it), report file and audit chain verified",
        if crate::helpers::is_postgres() { "PostgreSQL" } else { "SQLite" },
        cases,
        before.len(),
        found_during,
        during.len()
    ));
    std::fs::remove_dir_all(&backup_dir).unwrap();
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let dest = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}
