//! `enlace demo` (issue #22): it seeds an empty installation with every companion resource, adds
//! to its own data set again, and refuses — changing nothing — a database or data directory that
//! holds anything it did not create, unless `--force`.

use diesel::prelude::*;
use enlace::db::schema::{
    country_reports, directory_entries, document_alert_images, document_alerts, entry_requirements,
    legislation_entries, users,
};

use crate::helpers::*;

/// A fresh directory of its own, removed at the end of the test.
struct Dir(std::path::PathBuf);

impl Dir {
    fn new() -> Dir {
        let d = std::env::temp_dir().join(format!("enlace-demo-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }
    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn demo(dir: &std::path::Path, url: &str, extra: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_enlace"))
        .args(["demo", "--cases", "12"])
        .args(extra)
        .env("ENLACE_DATA_DIR", dir)
        .env("DATABASE_URL", url)
        .env_remove("ENLACE_CONFIG")
        .output()
        .expect("run enlace demo")
}

fn counts(url: &str) -> [i64; 6] {
    let mut c = enlace::db::establish(url).unwrap();
    let n = |r: QueryResult<i64>| r.unwrap();
    [
        n(users::table.count().get_result(&mut c)),
        n(document_alerts::table.count().get_result(&mut c)),
        n(document_alert_images::table.count().get_result(&mut c)),
        n(directory_entries::table.count().get_result(&mut c)),
        n(entry_requirements::table.count().get_result(&mut c)),
        n(legislation_entries::table.count().get_result(&mut c)),
    ]
}

#[actix_web::test]
async fn demo_seeds_its_own_installation_and_refuses_anyone_elses() {
    // An empty installation: everything seeded, and it says how to serve it.
    let dir = Dir::new();
    let url = fresh_database(dir.path());
    let out = demo(dir.path(), &url, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("serve it with: enlace serve --data-dir"), "{stdout}");
    let [users_n, alerts, images, contacts, rules, legislation] = counts(&url);
    assert!(users_n > 60);
    assert_eq!((alerts, images, contacts, rules), (11, 11, 11, 11));
    assert!(legislation > 100);
    let mut c = enlace::db::establish(&url).unwrap();
    let published: Vec<bool> = country_reports::table
        .order(country_reports::published_to_observers.asc())
        .select(country_reports::published_to_observers)
        .load(&mut c)
        .unwrap();
    assert_eq!(published, [false, true], "one report published to observers, one not");
    // Its own data set: a second run adds cases to it (the companions are seeded once).
    let again = demo(dir.path(), &url, &[]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert!(String::from_utf8_lossy(&again.stdout).contains("12 demo cases stored"));
    assert_eq!(counts(&url)[1], 11);

    // An installation with a real first administrator: refused, nothing changed.
    let live = Dir::new();
    let live_url = fresh_database(live.path());
    let admin = std::process::Command::new(env!("CARGO_BIN_EXE_enlace"))
        .args(["admin", "create-user", "--party", "ST", "--role", "st_admin", "--username", "st.first"])
        .env("ENLACE_DATA_DIR", live.path())
        .env("DATABASE_URL", &live_url)
        .output()
        .unwrap();
    assert!(admin.status.success(), "{}", String::from_utf8_lossy(&admin.stderr));
    let before = counts(&live_url);
    let refused = demo(live.path(), &live_url, &[]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("refusing") && stderr.contains("1 user account(s)") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(counts(&live_url), before, "a refused demo writes nothing");
    // --force, asked for in so many words, adds the demo beside it.
    let forced = demo(live.path(), &live_url, &["--force"]);
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));
    assert_eq!(counts(&live_url)[1], 11);
}
