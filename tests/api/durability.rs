//! Nothing acknowledged is lost (issue #20), proven on the real binary: under concurrent single
//! and batch submissions (with `Idempotency-Key`s), replacements and reservation-policy changes,
//! the server is killed with SIGKILL at random moments and restarted, and every request whose
//! answer did not arrive is retried. Afterwards every acknowledged write must be there with the
//! acknowledged content and ETag, no retry may have made a duplicate, foreign reads must show the
//! last acknowledged policy, the audit chain must verify (checked by the `audit verify` command),
//! the exact statistics the reporting country reads must equal a recount of its cases, and no
//! temporary file may be left behind (an upload's, cut short long ago, is swept at start). Then SIGTERM under load: the process exits 0 and whatever
//! was answered before it is stored. The seed is printed; `ENLACE_CRASH_SEED` replays a run and
//! `ENLACE_CRASH_KILLS` changes the number of kills (default 20).

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use enlace::access::Role;
use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{Resp, TestApp, TestUser, spawn_app};
use crate::security::figure;

/// A small deterministic generator (xorshift64*), so that a failing run can be replayed.
struct Rng(Cell<u64>);

impl Rng {
    fn next(&self) -> u64 {
        let mut x = self.0.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0.set(x);
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One write, as sent (and re-sent, unchanged, until it is answered).
#[derive(Clone, Debug)]
enum Op {
    Create { key: String, body: Value },
    Batch { key: String, bodies: Vec<Value> },
    Update { id: String, if_match: String, body: Value },
    Policy { reserve_sex: bool },
}

/// What the server acknowledged about a case.
struct Acked {
    etag: String,
    body: Value,
}

#[derive(Default)]
struct Ledger {
    cases: BTreeMap<String, Acked>,
    /// The cases each worker created: only their creator replaces them, so replacements of one
    /// case never race.
    owned: Vec<Vec<String>>,
    /// Acknowledged writes (a batch counts once per case).
    writes: usize,
    /// The last acknowledged policy: whether `persons[].sex` is reserved, and its version.
    policy: Option<(bool, i64)>,
    unanswered: Vec<(usize, Op)>,
    retried: usize,
}

struct World {
    app: TestApp,
    officer: TestUser,
    admin: TestUser,
    foreign: TestUser,
    ledger: RefCell<Ledger>,
    rng: Rng,
    serial: Cell<u64>,
}

/// The answer to one attempt: done (acknowledged, or found applied), or no answer.
enum Attempt {
    Done,
    NoAnswer,
}

fn start_node(app: &TestApp) -> Child {
    let log =
        std::fs::OpenOptions::new().create(true).append(true).open(app.data_dir.join("node.log")).expect("node log");
    Command::new(env!("CARGO_BIN_EXE_enlace"))
        .arg("serve")
        .env_remove("ENLACE_CONFIG")
        .env("ENLACE_DATA_DIR", &app.data_dir)
        .env("DATABASE_URL", &app.db_url)
        .env("ENLACE_BIND", format!("127.0.0.1:{}", app.port))
        .env("ENLACE_WORKERS", "2")
        .env("ENLACE_DB_POOL_SIZE", "6")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start enlace serve")
}

fn log_tail(dir: &Path) -> String {
    let log = std::fs::read_to_string(dir.join("node.log")).unwrap_or_default();
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

async fn wait_ready(app: &TestApp, child: &mut Child) {
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = app.try_send("GET", "/readyz", None, None, &[]).await
            && r.status == 200
        {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the server exited ({status}) while starting:\n{}", log_tail(&app.data_dir));
        }
        assert!(Instant::now() < until, "the server did not become ready:\n{}", log_tail(&app.data_dir));
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

impl World {
    fn new_case(&self) -> Value {
        let n = self.serial.get();
        self.serial.set(n + 1);
        let mut body = serde_json::to_value(enlace::formato::sample::typical_case(self.rng.next(), "GT")).unwrap();
        body["summary"] = json!(format!("caso {n}, versión 1"));
        body
    }

    fn next_op(&self, worker: usize) -> Op {
        let roll = self.rng.below(100);
        let owned: Vec<String> = self.ledger.borrow().owned[worker].clone();
        if roll < 15 && !owned.is_empty() {
            let id = owned[self.rng.below(owned.len() as u64) as usize].clone();
            let ledger = self.ledger.borrow();
            let acked = &ledger.cases[&id];
            let mut body = acked.body.clone();
            let version = body["summary"].as_str().unwrap_or("").rsplit(' ').next().unwrap_or("1");
            let version: u64 = version.parse().unwrap_or(1) + 1;
            body["summary"] = json!(format!("{id}, versión {version}"));
            body["case_type"] = json!(if body["case_type"] == "smuggling" { "trafficking" } else { "smuggling" });
            return Op::Update { id, if_match: acked.etag.clone(), body };
        }
        if roll < 22 && worker == 0 {
            let reserve_sex = !self.ledger.borrow().policy.is_some_and(|(r, _)| r);
            return Op::Policy { reserve_sex };
        }
        let key = format!("crash-{}", uuid::Uuid::new_v4().simple());
        if roll < 32 {
            let bodies = (0..1 + self.rng.below(4)).map(|_| self.new_case()).collect();
            return Op::Batch { key, bodies };
        }
        Op::Create { key, body: self.new_case() }
    }

    fn acknowledge(&self, worker: usize, id: &str, etag: &str, body: &Value) {
        let mut ledger = self.ledger.borrow_mut();
        let known = ledger.cases.insert(id.to_owned(), Acked { etag: etag.to_owned(), body: body.clone() }).is_some();
        if !known {
            ledger.owned[worker].push(id.to_owned());
        }
        ledger.writes += 1;
    }

    async fn attempt(&self, worker: usize, op: &Op) -> Attempt {
        let token = self.officer.token.as_str();
        let answered = |r: Result<Resp, String>| match r {
            // 503: the server is up but not serving (a database that is not there yet).
            Ok(r) if r.status != 503 && r.status != 429 => Some(r),
            _ => None,
        };
        match op {
            Op::Create { key, body } => {
                let headers = [("Idempotency-Key", key.as_str())];
                let r = self.app.try_send("POST", "/api/v1/cases", Some(token), Some(body), &headers).await;
                let Some(r) = answered(r) else { return Attempt::NoAnswer };
                assert_eq!(r.status, 201, "create {key}: {}", r.text());
                let id = r.json()["case_id"].as_str().expect("case_id").to_owned();
                self.acknowledge(worker, &id, &r.header("etag").expect("ETag"), body);
                Attempt::Done
            }
            Op::Batch { key, bodies } => {
                let payload = json!({ "cases": bodies });
                let headers = [("Idempotency-Key", key.as_str())];
                let r = self.app.try_send("POST", "/api/v1/cases/batch", Some(token), Some(&payload), &headers).await;
                let Some(r) = answered(r) else { return Attempt::NoAnswer };
                assert_eq!(r.status, 200, "batch {key}: {}", r.text());
                let v = r.json();
                let results = v["results"].as_array().expect("results");
                assert_eq!(results.len(), bodies.len(), "{v}");
                for item in results {
                    assert_eq!(item["status"], "created", "{v}");
                    let i = item["index"].as_u64().unwrap() as usize;
                    let (id, etag) = (item["id"].as_str().unwrap(), item["etag"].as_str().unwrap());
                    self.acknowledge(worker, id, etag, &bodies[i]);
                }
                Attempt::Done
            }
            Op::Update { id, if_match, body } => {
                let path = format!("/api/v1/cases/{id}");
                let headers = [("If-Match", if_match.as_str())];
                let r = self.app.try_send("PUT", &path, Some(token), Some(body), &headers).await;
                let Some(r) = answered(r) else { return Attempt::NoAnswer };
                if r.status == 200 {
                    self.acknowledge(worker, id, &r.header("etag").expect("ETag"), body);
                    return Attempt::Done;
                }
                assert_eq!(r.status, 412, "replace {id}: {}", r.text());
                // The version named in If-Match is gone, and only this worker replaces this case:
                // an earlier attempt that went unanswered did apply, so the case holds this body.
                let Some(now) = answered(self.app.try_send("GET", &path, Some(token), None, &[]).await) else {
                    return Attempt::NoAnswer;
                };
                assert_eq!(now.status, 200, "{}", now.text());
                let etag = now.header("etag").expect("ETag");
                if now.json()["summary"] == body["summary"] {
                    self.acknowledge(worker, id, &etag, body);
                    return Attempt::Done;
                }
                panic!("{id} changed under If-Match {if_match} to something no client sent: {}", now.text());
            }
            Op::Policy { reserve_sex } => {
                let fields = if *reserve_sex {
                    json!([{"path": "persons[].sex", "flag": "reserved", "legal_basis": "Ley de protección de datos, art. 9"}])
                } else {
                    json!([])
                };
                let body = json!({"include_in_statistics": true, "fields": fields});
                let path = "/api/v1/parties/GT/reservation-policy";
                let r =
                    self.app.try_send("PUT", path, Some(&self.admin.token), Some(&body), &[("If-Match", "*")]).await;
                let Some(r) = answered(r) else { return Attempt::NoAnswer };
                assert_eq!(r.status, 200, "policy: {}", r.text());
                let version = r.json()["version"].as_i64().expect("version");
                let mut ledger = self.ledger.borrow_mut();
                ledger.policy = Some((*reserve_sex, version));
                ledger.writes += 1;
                Attempt::Done
            }
        }
    }

    /// Send `op` until it is answered (the server is up: this runs between kills).
    async fn settle(&self, worker: usize, op: Op) {
        for _ in 0..200 {
            match self.attempt(worker, &op).await {
                Attempt::Done => return,
                Attempt::NoAnswer => actix_web::rt::time::sleep(Duration::from_millis(50)).await,
            }
        }
        panic!("no answer to {op:?} after 200 attempts:\n{}", log_tail(&self.app.data_dir));
    }

    /// Write until `stop` is set or a request goes unanswered (the server was killed).
    async fn work(&self, worker: usize, stop: &Cell<bool>) {
        while !stop.get() {
            let op = self.next_op(worker);
            match self.attempt(worker, &op).await {
                Attempt::Done => {}
                Attempt::NoAnswer => {
                    self.ledger.borrow_mut().unanswered.push((worker, op));
                    return;
                }
            }
        }
    }

    async fn retry_unanswered(&self) {
        let pending = std::mem::take(&mut self.ledger.borrow_mut().unanswered);
        self.ledger.borrow_mut().retried += pending.len();
        for (worker, op) in pending {
            self.settle(worker, op).await;
        }
    }
}

const WORKERS: usize = 6;

#[actix_web::test]
async fn killed_at_random_moments_the_server_loses_and_duplicates_nothing() {
    let app = spawn_app().await;
    let officer = app.user("GT", &[Role::Officer]).await;
    let admin = app.user("GT", &[Role::CountryAdmin]).await;
    let foreign = app.user("HN", &[Role::Officer]).await;
    // From here on the real binary serves the same data directory and database on the same port.
    app.handle.stop(true).await;
    let seed = std::env::var("ENLACE_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1
    });
    let kills: usize = std::env::var("ENLACE_CRASH_KILLS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    println!("crash test seed {seed} (ENLACE_CRASH_SEED replays it), {kills} kills");
    let w = World {
        app,
        officer,
        admin,
        foreign,
        ledger: RefCell::new(Ledger { owned: vec![Vec::new(); WORKERS], ..Ledger::default() }),
        rng: Rng(Cell::new(seed)),
        serial: Cell::new(0),
    };

    for _ in 0..kills {
        let mut node = start_node(&w.app);
        wait_ready(&w.app, &mut node).await;
        w.retry_unanswered().await;
        let stop = Cell::new(false);
        let delay = Duration::from_millis(100 + w.rng.below(900));
        let killer = async {
            actix_web::rt::time::sleep(delay).await;
            node.kill().expect("SIGKILL");
            stop.set(true);
        };
        let workers = join_all((0..WORKERS).map(|i| w.work(i, &stop)));
        futures_util::future::join(killer, workers).await;
        node.wait().expect("reap the killed server");
    }

    // SIGTERM under load: answered requests are stored and the process exits 0.
    let mut node = start_node(&w.app);
    wait_ready(&w.app, &mut node).await;
    w.retry_unanswered().await;
    let stop = Cell::new(false);
    let pid = node.id().to_string();
    let terminator = async {
        actix_web::rt::time::sleep(Duration::from_millis(400)).await;
        let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("kill -TERM");
        assert!(sent.success());
        stop.set(true);
    };
    let workers = join_all((0..WORKERS).map(|i| w.work(i, &stop)));
    futures_util::future::join(terminator, workers).await;
    let until = Instant::now() + Duration::from_secs(enlace::server::SHUTDOWN_GRACE_SECS + 10);
    let status = loop {
        if let Some(status) = node.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < until, "SIGTERM did not stop the server");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "exit after SIGTERM: {status}\n{}", log_tail(&w.app.data_dir));
    assert!(log_tail(&w.app.data_dir).contains("stopped"), "{}", log_tail(&w.app.data_dir));

    // The temporary file of an upload cut short long ago is swept at start; a recent one (an
    // upload in progress on another node sharing the directory) is kept.
    let tmp = w.app.data_dir.join("files/tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let (stale, recent) = (tmp.join("upload-cut-short"), tmp.join("upload-in-progress"));
    std::fs::write(&stale, b"partial").unwrap();
    std::fs::write(&recent, b"partial").unwrap();
    let aged = Command::new("touch").args(["-m", "-d", "1 hour ago"]).arg(&stale).status().unwrap();
    assert!(aged.success());
    let mut node = start_node(&w.app);
    wait_ready(&w.app, &mut node).await;
    assert!(!stale.exists() && recent.exists(), "stale uploads swept, recent ones kept");
    std::fs::remove_file(&recent).unwrap();
    w.retry_unanswered().await;
    let ledger = w.ledger.take();
    verify(&w, &ledger).await;
    node.kill().expect("stop the server");
    node.wait().expect("reap the server");

    figure(format!(
        "crash consistency ({}): {kills} kills and 1 SIGTERM, {} acknowledged writes ({} retried), 0 lost, 0 duplicated",
        if crate::helpers::is_postgres() { "PostgreSQL" } else { "SQLite" },
        ledger.writes,
        ledger.retried,
    ));
}

async fn verify(w: &World, ledger: &Ledger) {
    let token = w.officer.token.as_str();
    assert!(ledger.cases.len() > 20, "too few writes to say anything: {}", ledger.cases.len());

    // Every acknowledged case, as acknowledged.
    for (id, acked) in &ledger.cases {
        let r = w.app.get(&format!("/api/v1/cases/{id}"), Some(token)).await;
        assert_eq!(r.status, 200, "acknowledged case {id} is gone: {}", r.text());
        assert_eq!(r.header("etag").as_deref(), Some(acked.etag.as_str()), "{id}: not the acknowledged version");
        let doc = r.json();
        for field in ["summary", "case_type", "date_opened", "reporting_agency"] {
            assert_eq!(doc[field], acked.body[field], "{id}.{field}");
        }
    }

    // No duplicates: the database holds exactly the acknowledged cases.
    let stored: i64 = {
        use diesel::prelude::*;
        use enlace::db::schema::cases;
        cases::table.count().get_result(&mut w.app.conn()).expect("count cases")
    };
    assert_eq!(stored as usize, ledger.cases.len(), "cases stored vs acknowledged");

    // Foreign reads follow the last acknowledged policy (stored renderings were not left stale).
    let (reserve_sex, version) = ledger.policy.expect("at least one policy change");
    let r = w.app.get("/api/v1/parties/GT/reservation-policy", Some(&w.admin.token)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["version"].as_i64(), Some(version), "policy version");
    let mut checked = 0;
    for id in ledger.cases.keys().take(25) {
        let r = w.app.get(&format!("/api/v1/cases/{id}"), Some(&w.foreign.token)).await;
        assert_eq!(r.status, 200, "{}", r.text());
        for person in r.json()["persons"].as_array().into_iter().flatten() {
            assert_eq!(person["sex"]["withheld"] == true, reserve_sex, "{id}: persons[].sex under policy v{version}");
            checked += 1;
        }
    }
    assert!(checked > 0, "no person's sex to check");

    // The published exact figures equal a recount of the acknowledged cases.
    let mut recount = BTreeMap::<String, u64>::new();
    for acked in ledger.cases.values() {
        *recount.entry(acked.body["case_type"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    let r = w.app.get("/api/v1/statistics?measure=cases&group_by=case_type&reporting_country=GT", Some(token)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let table = r.json();
    assert_eq!(table["mode"], "exact", "{table}");
    let published: BTreeMap<String, u64> = table["table"]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["key"][0].as_str().unwrap().to_owned(), c["value"].as_u64().unwrap()))
        .filter(|(_, n)| *n > 0)
        .collect();
    assert_eq!(published, recount, "exact statistics vs a recount of the cases");

    // The audit chain verifies, checked by the command an operator runs.
    let out = Command::new(env!("CARGO_BIN_EXE_enlace"))
        .args(["audit", "verify"])
        .env_remove("ENLACE_CONFIG")
        .env("ENLACE_DATA_DIR", &w.app.data_dir)
        .env("DATABASE_URL", &w.app.db_url)
        .output()
        .expect("run enlace audit verify");
    assert!(
        out.status.success(),
        "audit verify: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    // No temporary file left behind.
    let mut stray = Vec::new();
    let mut dirs = vec![w.app.data_dir.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read data dir").flatten() {
            let (path, name) = (entry.path(), entry.file_name().to_string_lossy().into_owned());
            if path.is_dir() {
                dirs.push(path);
            } else if name.contains(".tmp") || name.starts_with("upload-") || dir.ends_with("tmp") {
                stray.push(path);
            }
        }
    }
    assert!(stray.is_empty(), "temporary files left: {stray:?}");
}
