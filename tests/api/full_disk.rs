//! A full disk under SQLite (issue #20): the data directory on a small file system of its own
//! (a tmpfs mounted by the test; skipped where mounting is not allowed), filled up while the
//! server runs. A write is answered 503 problem+json with `Retry-After` and leaves nothing
//! half-written; what needs no write goes on; an audited read is either served with its audit
//! event stored or refused (never disclosed unaudited, never a 500); once there is room again
//! writes succeed with no restart.

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

use diesel::prelude::*;
use enlace::access::Role;

use crate::helpers::{is_postgres, spawn_on};
use crate::security::figure;

/// A tmpfs mounted for the test, unmounted when dropped.
struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

#[actix_web::test]
async fn a_full_disk_refuses_writes_cleanly_and_recovers_by_itself() {
    if is_postgres() {
        println!("skipped: the full-disk test is about the SQLite data directory");
        return;
    }
    let dir = std::env::temp_dir().join(format!("enlace-full-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let mounted = Command::new("mount").args(["-t", "tmpfs", "-o", "size=48m,mode=0700", "tmpfs"]).arg(&dir).output();
    if !mounted.as_ref().is_ok_and(|o| o.status.success()) {
        let _ = std::fs::remove_dir(&dir);
        println!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    }
    let mount = Mount(dir.clone());
    let data_dir = dir.join("data");
    let url = format!("sqlite://{}", data_dir.join("enlace.db").display());
    let app = spawn_on(data_dir.clone(), url);
    let gt = app.user("GT", &[Role::Officer]).await;
    let body = serde_json::to_value(enlace::formato::sample::typical_case(7, "GT")).unwrap();
    let first = app.post("/api/v1/cases", Some(&gt.token), &body).await;
    assert_eq!(first.status, 201, "{}", first.text());
    let case_id = first.json()["case_id"].as_str().unwrap().to_owned();
    let count = || -> i64 {
        use enlace::db::schema::cases;
        cases::table.count().get_result(&mut app.conn()).unwrap()
    };

    // Fill the file system.
    let filler = dir.join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let chunk = vec![0u8; 1 << 20];
    while f.write_all(&chunk).is_ok() {}
    let _ = f.flush();
    drop(f);

    // Writes go on while SQLite can reuse room already in its files (a checkpointed WAL is
    // rewritten from the start); once it needs more, each is refused whole.
    let (mut accepted, mut refused) = (0, 0);
    for i in 0..2000 {
        let mut body = body.clone();
        body["summary"] = serde_json::json!(format!("sin espacio {i}"));
        let r = app.post("/api/v1/cases", Some(&gt.token), &body).await;
        match r.status {
            201 => accepted += 1,
            503 => {
                assert_eq!(r.problem(), "unavailable");
                assert!(r.header("retry-after").is_some());
                refused += 1;
                if refused == 5 {
                    break;
                }
            }
            other => panic!("a write on a full disk: {other} {}", r.text()),
        }
    }
    assert_eq!(refused, 5, "the disk never filled ({accepted} writes accepted)");
    assert_eq!(count(), 1 + accepted, "each write stored whole or not at all");
    assert_eq!(app.get("/healthz", None).await.status, 200, "the node stays up");
    assert_eq!(app.get("/api/v1/formato", Some(&gt.token)).await.status, 200, "what needs no write goes on");
    let read = app.get(&format!("/api/v1/cases/{case_id}"), Some(&gt.token)).await;
    assert!(matches!(read.status, 200 | 503), "an audited read: served audited, or refused: {}", read.status);
    let read_status = read.status;

    std::fs::remove_file(&filler).unwrap();
    let again = app.post("/api/v1/cases", Some(&gt.token), &body).await;
    assert_eq!(again.status, 201, "room again, writes again: {}", again.text());
    assert_eq!(count(), 2 + accepted);
    let audit = enlace::audit::verify(&mut app.conn()).unwrap();
    assert!(audit.ok, "{:?}", audit.reason);
    figure(format!(
        "full disk (SQLite): {accepted} writes fitted in reused space, then {refused} refused 503 with nothing half-written, audited read answered {read_status}, writes resumed without a restart, audit chain verified"
    ));
    app.handle.stop(true).await;
    drop(app);
    drop(mount);
}
