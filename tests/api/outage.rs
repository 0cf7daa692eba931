//! A database outage (issue #20), on a PostgreSQL server of the test's own (`initdb` into a
//! temporary directory, its own port — never the shared server the other tests use): with it
//! stopped under load, every request is answered 503 problem+json with `Retry-After` (never a
//! 500, never left hanging), `/readyz` says not ready, and once the database is back the node
//! serves again by itself, with nothing acknowledged lost. Runs in the PostgreSQL build.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use enlace::access::Role;
use serde_json::json;

use crate::helpers::{TestApp, spawn_on};
use crate::security::figure;

/// A PostgreSQL cluster in a temporary directory, run as the `postgres` system user (initdb
/// refuses root). Stopped and removed when dropped.
struct Cluster {
    dir: PathBuf,
    port: u16,
    bin: PathBuf,
}

impl Cluster {
    fn start() -> Option<Cluster> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .flatten()
            .map(|e| e.path().join("bin"))
            .find(|b| b.join("initdb").exists())?;
        let dir = std::env::temp_dir().join(format!("enlace-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let cluster = Cluster { dir, port, bin };
        assert!(Command::new("chown").args(["postgres:postgres"]).arg(&cluster.dir).status().unwrap().success());
        let initdb = cluster
            .as_postgres("initdb")
            .args(["-A", "trust", "-U", "postgres", "-D"])
            .arg(cluster.dir.join("data"))
            .output()
            .unwrap();
        assert!(initdb.status.success(), "initdb: {}", String::from_utf8_lossy(&initdb.stderr));
        cluster.pg_ctl("start");
        Some(cluster)
    }

    fn as_postgres(&self, program: &str) -> Command {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(self.bin.join(program));
        c
    }

    fn pg_ctl(&self, action: &str) {
        let mut c = self.as_postgres("pg_ctl");
        c.arg("-D").arg(self.dir.join("data")).args(["-w", "-l"]).arg(self.dir.join("log"));
        if action == "start" {
            let opts = format!("-p {} -c listen_addresses=127.0.0.1 -k {}", self.port, self.dir.display());
            c.args(["-o", &opts]);
        } else {
            c.args(["-m", "fast"]);
        }
        let out = c.arg(action).output().unwrap();
        assert!(out.status.success(), "pg_ctl {action}: {}", String::from_utf8_lossy(&out.stderr));
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .as_postgres("pg_ctl")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn create(app: &TestApp, token: &str, n: u64) -> Result<(u16, Option<String>, Option<String>, Duration), String> {
    let mut body = serde_json::to_value(enlace::formato::sample::typical_case(n, "GT")).unwrap();
    body["summary"] = json!(format!("corte {n}"));
    let started = Instant::now();
    let r = app.try_send("POST", "/api/v1/cases", Some(token), Some(&body), &[]).await?;
    let id = r.json()["case_id"].as_str().map(str::to_owned);
    let retry = r.header("retry-after");
    if r.status == 503 {
        assert!(r.header("content-type").unwrap_or_default().starts_with("application/problem+json"));
        assert_eq!(r.problem(), "unavailable", "{}", r.text());
    }
    Ok((r.status, id, retry, started.elapsed()))
}

#[actix_web::test]
async fn a_database_outage_gives_503_and_service_resumes_by_itself() {
    if !cfg!(feature = "postgres") {
        println!("skipped: the outage test needs the PostgreSQL build (`--features postgres`)");
        return;
    }
    let Some(cluster) = Cluster::start() else {
        println!("skipped: no PostgreSQL server binaries under /usr/lib/postgresql");
        return;
    };
    let data_dir = std::env::temp_dir().join(format!("enlace-test-{}", uuid::Uuid::new_v4().simple()));
    let app = spawn_on(data_dir, cluster.url());
    let gt = app.user("GT", &[Role::Officer]).await;
    let mut acknowledged = Vec::new();
    for n in 0..5 {
        let (status, id, _, _) = create(&app, &gt.token, n).await.unwrap();
        assert_eq!(status, 201);
        acknowledged.push(id.unwrap());
    }

    cluster.pg_ctl("stop");
    let down = Instant::now();
    let (mut refused, mut n) = (0, 100);
    let mut slowest = Duration::ZERO;
    while down.elapsed() < Duration::from_secs(10) {
        // A read and a write at once, as under load.
        let path = format!("/api/v1/cases/{}", acknowledged[0]);
        let read = app.try_send("GET", &path, Some(&gt.token), None, &[]);
        let (read, write) = futures_util::future::join(read, create(&app, &gt.token, n)).await;
        let read = read.expect("an answer, not a hang or a dropped connection");
        let (status, _, retry, took) = write.expect("an answer, not a hang or a dropped connection");
        assert_eq!((read.status, status), (503, 503), "{}", read.text());
        assert!(read.header("retry-after").is_some() && retry.is_some(), "503 with Retry-After");
        let ready = app.try_send("GET", "/readyz", None, None, &[]).await.unwrap();
        assert_eq!(ready.status, 503, "not ready while the database is down");
        slowest = slowest.max(took);
        refused += 2;
        n += 1;
    }

    cluster.pg_ctl("start");
    let back = Instant::now();
    let resumed = loop {
        let (status, id, _, _) = create(&app, &gt.token, n).await.unwrap();
        if status == 201 {
            acknowledged.push(id.unwrap());
            break back.elapsed();
        }
        assert_eq!(status, 503);
        assert!(back.elapsed() < Duration::from_secs(5), "service did not resume within 5 s of the database's return");
        n += 1;
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(app.get("/readyz", None).await.status, 200);
    for id in &acknowledged {
        let r = app.get(&format!("/api/v1/cases/{id}"), Some(&gt.token)).await;
        assert_eq!(r.status, 200, "{id} acknowledged, then lost: {}", r.text());
    }
    figure(format!(
        "database outage (PostgreSQL): 10 s down, {refused} requests answered 503 with Retry-After (slowest {:.1} s), resumed {:.1} s after the database returned, {} acknowledged cases all present",
        slowest.as_secs_f64(),
        resumed.as_secs_f64(),
        acknowledged.len()
    ));
    drop(app);
    drop(cluster);
}
