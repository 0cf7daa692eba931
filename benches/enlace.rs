//! Benchmarks (no assertions; figures go to BENCHMARKS.md). Run:
//!
//!   cargo bench --bench enlace -- micro            # one full case: parse, validate, derive, redact, render
//!   cargo bench --bench enlace -- audit            # audit chain append on SQLite
//!   cargo bench --bench enlace -- identity         # sign-ins/s and GET /api/v1/me under a login flood
//!   cargo bench --bench enlace -- cases            # case creation (single, batch), foreign reads, list at 100k
//!   ENLACE_BENCH_CASES=1000000 cargo bench --bench enlace -- stats   # statistics latency at N cases
//!   ENLACE_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!     cargo bench --features postgres --bench enlace -- audit identity
//!
//! With ENLACE_BENCH_DATABASE_URL, each scenario runs on a fresh PostgreSQL database created
//! through that URL; otherwise on a fresh SQLite file.

use std::sync::Arc;

/// The binary's allocator, so that figures match the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use enlace::access::Role;
use enlace::audit::{self, AuditWriter, Event, Outcome, RequestContext};
use enlace::config::{Layer, Settings};

fn fresh_database(dir: &std::path::Path) -> String {
    match std::env::var("ENLACE_BENCH_DATABASE_URL") {
        Ok(base) if !base.is_empty() => {
            let name = format!("enlace_b_{}", uuid::Uuid::new_v4().simple());
            let mut admin = enlace::db::establish(&base).expect("connect");
            diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin).expect("create database");
            format!("{}/{name}", base.rsplit_once('/').expect("URL with a database").0)
        }
        _ => format!("sqlite://{}", dir.join("bench.db").display()),
    }
}

fn temp_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("enlace-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn event(i: usize) -> Event {
    let ctx = RequestContext { request_id: format!("bench-{i}"), client_addr: Some("127.0.0.1".into()), actor: None };
    Event::new(&ctx, "case_read", "case", Outcome::Allowed)
        .object(uuid::Uuid::new_v4().to_string(), Some("GT"))
        .details(serde_json::json!({"disclosed": 120, "withheld": ["persons[].given_names", "summary"]}))
}

/// Remove a scenario's data directory (and its PostgreSQL database).
fn cleanup(dir: &std::path::Path, url: &str) {
    let _ = std::fs::remove_dir_all(dir);
    if let (Ok(base), Some((_, name))) = (std::env::var("ENLACE_BENCH_DATABASE_URL"), url.rsplit_once('/'))
        && url.starts_with("postgres")
        && let Ok(mut admin) = enlace::db::establish(&base)
    {
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin);
    }
}

fn backend(url: &str) -> &'static str {
    if url.starts_with("sqlite") { "SQLite" } else { "PostgreSQL" }
}

fn bench_audit() {
    let dir = temp_dir();
    let url = fresh_database(&dir);
    enlace::db::prepare(&url).unwrap();

    // 1. One transaction per event (how data-changing requests append), 4 threads.
    let n = 4000;
    let started = Instant::now();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let url = url.clone();
            std::thread::spawn(move || {
                let mut conn = enlace::db::establish(&url).unwrap();
                for i in 0..n / 4 {
                    audit::write(&mut conn, |_, ev| {
                        ev.push(event(t * n + i));
                        Ok(())
                    })
                    .unwrap();
                }
            })
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().unwrap());
    let per_tx = n as f64 / started.elapsed().as_secs_f64();
    println!("audit {:10} one transaction per event, 4 threads: {n} events, {per_tx:.0} events/s", backend(&url));

    // 2. Group commit (how disclosing reads append): 256 concurrent recorders.
    let db = enlace::db::Db::open(&url, Some(8), None).unwrap();
    let total = 40_000usize;
    let elapsed = actix_web::rt::System::new().block_on(async move {
        let writer = AuditWriter::start(db, Default::default());
        let started = Instant::now();
        let mut tasks = Vec::new();
        for t in 0..256 {
            let w = writer.clone();
            tasks.push(actix_web::rt::spawn(async move {
                for i in 0..total / 256 {
                    w.record(event(t * 1000 + i)).await.unwrap();
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        started.elapsed()
    });
    let grouped = (total / 256 * 256) as f64 / elapsed.as_secs_f64();
    println!(
        "audit {:10} group commit, 256 concurrent recorders: {} events, {grouped:.0} events/s",
        backend(&url),
        total / 256 * 256
    );
    let mut conn = enlace::db::establish(&url).unwrap();
    let report = audit::verify(&mut conn).unwrap();
    let started = Instant::now();
    let report2 = audit::verify(&mut conn).unwrap();
    println!(
        "audit {:10} verify: chain ok={} ({} events) at {:.0} events/s",
        backend(&url),
        report.ok && report2.ok,
        report.events,
        report.events as f64 / started.elapsed().as_secs_f64()
    );
    drop(conn);
    cleanup(&dir, &url);
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx].as_secs_f64() * 1000.0
}

fn client(ca: &std::path::Path) -> awc::Client {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(ca).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    awc::Client::builder()
        .connector(awc::Connector::new().rustls_0_23(Arc::new(config)).limit(256))
        .timeout(Duration::from_secs(60))
        .finish()
}

async fn me_latencies(
    c: &awc::Client,
    base: &str,
    token: &str,
    concurrency: usize,
    duration: Duration,
) -> Vec<Duration> {
    let deadline = Instant::now() + duration;
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (c, url, auth) = (c.clone(), format!("{base}/api/v1/me"), format!("Bearer {token}"));
        tasks.push(actix_web::rt::spawn(async move {
            let mut lat = Vec::new();
            while Instant::now() < deadline {
                let t = Instant::now();
                let mut res = c.get(&url).insert_header(("Authorization", auth.as_str())).send().await.unwrap();
                let _ = res.body().await;
                assert_eq!(res.status().as_u16(), 200);
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    all
}

fn bench_identity() {
    let dir = temp_dir();
    let url = fresh_database(&dir);
    let (dir_c, url_c) = (dir.clone(), url.clone());
    let layer = Layer {
        bind: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(dir.clone()),
        database_url: Some(url.clone()),
        ..Layer::default()
    };
    let settings = Settings::resolve(layer, None).unwrap();
    let hash_permits = settings.hash_concurrency;
    actix_web::rt::System::new().block_on(async move {
        let app = enlace::server::Application::build(settings).unwrap();
        let base = format!("https://localhost:{}", app.port());
        actix_web::rt::spawn(app.run_until_stopped());
        let c = client(&dir.join("tls/dev-ca.pem"));
        let mut users = Vec::new();
        let mut conn = enlace::db::establish(&url).unwrap();
        for i in 0..64 {
            let name = format!("bench{i}");
            let pw = format!("bench password number {i}");
            enlace::admin::bootstrap::create_user(&mut conn, "GT", &[Role::Analyst], &name, &pw, false).unwrap();
            users.push((name, pw));
        }
        let login = |c: awc::Client, base: String, user: (String, String)| async move {
            let mut res = c
                .post(format!("{base}/api/v1/auth/login"))
                .send_json(&serde_json::json!({"username": user.0, "password": user.1}))
                .await
                .unwrap();
            let body: serde_json::Value = res.json().await.unwrap();
            body["access_token"].as_str().unwrap().to_owned()
        };
        let token = login(c.clone(), base.clone(), users[0].clone()).await;

        let idle = me_latencies(&c, &base, &token, 8, Duration::from_secs(5)).await;
        println!(
            "identity GET /api/v1/me idle, 8 clients: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms",
            idle.len() as f64 / 5.0,
            percentile(&idle, 0.5),
            percentile(&idle, 0.99)
        );

        // Login flood: 64 clients signing in continuously for 10 s, while /me is measured.
        let flood_for = Duration::from_secs(10);
        let deadline = Instant::now() + flood_for;
        let mut flood = Vec::new();
        for u in users.clone() {
            let (c, base) = (c.clone(), base.clone());
            flood.push(actix_web::rt::spawn(async move {
                let mut n = 0usize;
                while Instant::now() < deadline {
                    login(c.clone(), base.clone(), u.clone()).await;
                    n += 1;
                }
                n
            }));
        }
        let during = me_latencies(&c, &base, &token, 8, flood_for).await;
        let mut logins = 0;
        for f in flood {
            logins += f.await.unwrap();
        }
        println!(
            "identity sign-ins, 64 concurrent clients, argon2id m=19456 t=2 p=1, {hash_permits} hashing permits: {:.1} sign-ins/s",
            logins as f64 / flood_for.as_secs_f64()
        );
        println!(
            "identity GET /api/v1/me during the flood, 8 clients: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms",
            during.len() as f64 / flood_for.as_secs_f64(),
            percentile(&during, 0.5),
            percentile(&during, 0.99)
        );
    });
    cleanup(&dir_c, &url_c);
}

/// Run `clients` concurrent loops of `op` for `duration`; returns sorted latencies.
async fn drive<F, Fut>(clients: usize, duration: Duration, op: F) -> Vec<Duration>
where
    F: Fn(usize, usize) -> Fut + Clone + 'static,
    Fut: std::future::Future<Output = ()> + 'static,
{
    let deadline = Instant::now() + duration;
    let mut tasks = Vec::new();
    for c in 0..clients {
        let op = op.clone();
        tasks.push(actix_web::rt::spawn(async move {
            let mut lat = Vec::new();
            let mut i = 0;
            while Instant::now() < deadline {
                let t = Instant::now();
                op(c, i).await;
                lat.push(t.elapsed());
                i += 1;
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    all
}

fn report(name: &str, lat: &[Duration], duration: Duration, per_request: usize) {
    println!(
        "cases {name}: {:.0} req/s ({:.0} cases/s), p50 {:.2} ms, p99 {:.2} ms, {} requests",
        lat.len() as f64 / duration.as_secs_f64(),
        (lat.len() * per_request) as f64 / duration.as_secs_f64(),
        percentile(lat, 0.5),
        percentile(lat, 0.99),
        lat.len()
    );
}

fn bench_cases() {
    let dir = temp_dir();
    let url = fresh_database(&dir);
    let (dir_c, url_c) = (dir.clone(), url.clone());
    println!("cases backend: {}", backend(&url));
    let layer = Layer {
        bind: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(dir.clone()),
        database_url: Some(url.clone()),
        ..Layer::default()
    };
    let settings = Settings::resolve(layer, None).unwrap();
    let master = settings.master_key().unwrap();
    actix_web::rt::System::new().block_on(async move {
        let app = enlace::server::Application::build(settings).unwrap();
        let base = format!("https://localhost:{}", app.port());
        actix_web::rt::spawn(app.run_until_stopped());
        let c = client(&dir.join("tls/dev-ca.pem"));
        let mut conn = enlace::db::establish(&url).unwrap();
        let mut token = |party: &str, role: Role| {
            let name = format!("{}.{}", party.to_lowercase(), role.as_str());
            let pw = format!("benchmark secret {}", uuid::Uuid::new_v4().simple());
            enlace::admin::bootstrap::create_user(&mut conn, party, &[role], &name, &pw, false).unwrap();
            (name, pw)
        };
        let (gt, mx) = (token("GT", Role::Officer), token("MX", Role::Analyst));
        let login = |u: (String, String)| {
            let (c, base) = (c.clone(), base.clone());
            async move {
                let mut res = c
                    .post(format!("{base}/api/v1/auth/login"))
                    .send_json(&serde_json::json!({"username": u.0, "password": u.1}))
                    .await
                    .unwrap();
                let v: serde_json::Value = res.json().await.unwrap();
                format!("Bearer {}", v["access_token"].as_str().unwrap())
            }
        };
        let (gt_auth, mx_auth) = (login(gt).await, login(mx).await);
        let typical: Vec<serde_json::Value> = (0..64)
            .map(|i| {
                let mut v = serde_json::to_value(enlace::formato::sample::typical_case(i, "GT")).unwrap();
                v["sharing"] = serde_json::json!({"scope": "network"});
                v
            })
            .collect();
        let typical = Arc::new(typical);
        let d = Duration::from_secs(10);

        let (c1, b1, a1, t1) = (c.clone(), base.clone(), gt_auth.clone(), typical.clone());
        let lat = drive(64, d, move |client, i| {
            let (c, url, auth, body) =
                (c1.clone(), format!("{b1}/api/v1/cases"), a1.clone(), t1[(client + i) % 64].clone());
            async move {
                let mut r = c.post(url).insert_header(("Authorization", auth)).send_json(&body).await.unwrap();
                let _ = r.body().await;
                assert_eq!(r.status().as_u16(), 201);
            }
        })
        .await;
        report("create (POST /api/v1/cases, typical case, 64 clients)", &lat, d, 1);

        let batch =
            Arc::new(serde_json::json!({"cases": (0..100).map(|i| typical[i % 64].clone()).collect::<Vec<_>>()}));
        let (c2, b2, a2) = (c.clone(), base.clone(), gt_auth.clone());
        let lat = drive(4, d, move |_, _| {
            let (c, url, auth, body) = (c2.clone(), format!("{b2}/api/v1/cases/batch"), a2.clone(), batch.clone());
            async move {
                let mut r = c.post(url).insert_header(("Authorization", auth)).send_json(&*body).await.unwrap();
                let _ = r.body().await;
                assert_eq!(r.status().as_u16(), 200);
            }
        })
        .await;
        report("batch (POST /api/v1/cases/batch, 100 typical cases, 4 clients)", &lat, d, 100);

        // Fully filled cases, read by another country.
        let mut ids = Vec::new();
        for i in 0..200u64 {
            let mut v = serde_json::to_value(enlace::formato::sample::full_case(i, "GT")).unwrap();
            v["sharing"] = serde_json::json!({"scope": "network"});
            let mut r = c
                .post(format!("{base}/api/v1/cases"))
                .insert_header(("Authorization", gt_auth.clone()))
                .send_json(&v)
                .await
                .unwrap();
            let body: serde_json::Value = r.json().limit(1 << 22).await.unwrap();
            ids.push(body["case_id"].as_str().unwrap().to_owned());
        }
        let ids = Arc::new(ids);
        let (c3, b3, a3, ids3) = (c.clone(), base.clone(), mx_auth.clone(), ids.clone());
        let lat = drive(64, d, move |client, i| {
            let (c, auth) = (c3.clone(), a3.clone());
            let url = format!("{b3}/api/v1/cases/{}", ids3[(client * 7 + i) % ids3.len()]);
            async move {
                let mut r = c.get(url).insert_header(("Authorization", auth)).send().await.unwrap();
                let _ = r.body().limit(1 << 22).await;
                assert_eq!(r.status().as_u16(), 200);
            }
        })
        .await;
        report("read_foreign (GET /api/v1/cases/{id}, full case, redacted, 64 clients)", &lat, d, 1);
        let (c4, b4, a4, ids4) = (c.clone(), base.clone(), gt_auth.clone(), ids.clone());
        let lat = drive(64, d, move |client, i| {
            let (c, auth) = (c4.clone(), a4.clone());
            let url = format!("{b4}/api/v1/cases/{}", ids4[(client * 7 + i) % ids4.len()]);
            async move {
                let mut r = c.get(url).insert_header(("Authorization", auth)).send().await.unwrap();
                let _ = r.body().limit(1 << 22).await;
                assert_eq!(r.status().as_u16(), 200);
            }
        })
        .await;
        report("read_own (GET /api/v1/cases/{id}, full case, 64 clients)", &lat, d, 1);

        // Grow to 100k cases with the demo generator, then list with a filter.
        let existing: i64 = {
            use diesel::prelude::*;
            enlace::db::schema::cases::table.count().get_result(&mut conn).unwrap()
        };
        let started = Instant::now();
        let target = std::env::var("ENLACE_BENCH_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000usize);
        let idx = enlace::reindex::open_blind_index(&mut conn, &master).unwrap();
        let added = enlace::demo::cases(&mut conn, &idx, target.saturating_sub(existing as usize), 42, false).unwrap();
        println!(
            "cases seeded {added} more typical cases with the demo generator in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let (c5, b5, a5) = (c.clone(), base.clone(), mx_auth.clone());
        let lat = drive(8, d, move |_, i| {
            let (c, auth) = (c5.clone(), a5.clone());
            let url = if i % 2 == 0 {
                format!("{b5}/api/v1/cases?limit=50&case_type=smuggling")
            } else {
                format!("{b5}/api/v1/cases?limit=50")
            };
            async move {
                let mut r = c.get(url).insert_header(("Authorization", auth)).send().await.unwrap();
                let _ = r.body().limit(1 << 24).await;
                assert_eq!(r.status().as_u16(), 200);
            }
        })
        .await;
        report(
            &format!("list (GET /api/v1/cases?limit=50[&case_type=smuggling] at {target} cases, 8 clients)"),
            &lat,
            d,
            0,
        );
    });
    cleanup(&dir_c, &url_c);
}

/// Mark each country's latest partition as changed since its compaction.
fn mark_latest_partitions(conn: &mut enlace::db::DbConn) {
    use diesel::prelude::*;
    use enlace::db::schema::{stat_case_facts as f, stat_dirty as d};
    for c in enlace::formato::codes::CRM_MEMBERS {
        let latest: Option<String> = f::table
            .filter(f::part.like(format!("{c}/%")))
            .select(f::part)
            .order(f::part.desc())
            .limit(1)
            .get_result(conn)
            .optional()
            .unwrap();
        if let Some(p) = latest {
            diesel::insert_into(d::table).values((d::part.eq(p), d::marked_at.eq(0i64))).execute(conn).unwrap();
        }
    }
}

/// Statistics latency at `ENLACE_BENCH_CASES` cases (default 100,000), seeded by the demo generator.
fn bench_stats() {
    let dir = temp_dir();
    let url = fresh_database(&dir);
    let (dir_c, url_c) = (dir.clone(), url.clone());
    let target = std::env::var("ENLACE_BENCH_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000usize);
    let layer = Layer {
        bind: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(dir.clone()),
        database_url: Some(url.clone()),
        // Compaction is timed on its own below, after the seeding.
        stats_compaction_ms: Some(0),
        ..Layer::default()
    };
    let settings = Settings::resolve(layer, None).unwrap();
    let master = settings.master_key().unwrap();
    actix_web::rt::System::new().block_on(async move {
        let app = enlace::server::Application::build(settings).unwrap();
        let base = format!("https://localhost:{}", app.port());
        actix_web::rt::spawn(app.run_until_stopped());
        let mut conn = enlace::db::establish(&url).unwrap();
        let pw = format!("benchmark secret {}", uuid::Uuid::new_v4().simple());
        enlace::admin::bootstrap::create_user(&mut conn, "MX", &[Role::Analyst], "mx.bench", &pw, false).unwrap();
        let idx = enlace::reindex::open_blind_index(&mut conn, &master).unwrap();
        enlace::demo::policies(&mut conn, &idx).unwrap();
        let started = Instant::now();
        let n = enlace::demo::cases(&mut conn, &idx, target, 7, false).unwrap();
        println!(
            "stats {}: seeded {n} cases (one in five fully filled) in {:.1} s",
            backend(&url),
            started.elapsed().as_secs_f64()
        );
        let started = Instant::now();
        let parts = enlace::statistics::store::compact(&mut conn, true, usize::MAX).unwrap();
        println!("stats {}: compacted {parts} partitions in {:.1} s", backend(&url), started.elapsed().as_secs_f64());
        let c = client(&dir.join("tls/dev-ca.pem"));
        let mut res = c
            .post(format!("{base}/api/v1/auth/login"))
            .send_json(&serde_json::json!({"username": "mx.bench", "password": pw}))
            .await
            .unwrap();
        let v: serde_json::Value = res.json().await.unwrap();
        let auth = format!("Bearer {}", v["access_token"].as_str().unwrap());
        for (name, path) in [
            ("victims by sex × year", "/api/v1/statistics?measure=victims&group_by=sex,year"),
            (
                "cases by reporting_country × case_type",
                "/api/v1/statistics?measure=cases&group_by=reporting_country,case_type",
            ),
            (
                "persons by citizenship × exploitation_type (multi-valued)",
                "/api/v1/statistics?measure=persons&group_by=citizenship,exploitation_type&from=2024",
            ),
            ("routes (route × transport × border crossing)", "/api/v1/statistics/routes"),
            ("false passports, one semester (6 tables)", "/api/v1/statistics/false-passports?semester=2024-S1"),
            ("CHANGED victims by sex × year", "/api/v1/statistics?measure=victims&group_by=sex,year"),
            ("CHANGED routes (route × transport × border crossing)", "/api/v1/statistics/routes"),
        ] {
            if name.starts_with("CHANGED") {
                // The steady state under writes: each country's latest month changed since its
                // compaction, so those partitions are read from their case records.
                mark_latest_partitions(&mut conn);
            }
            let mut lat = Vec::new();
            for _ in 0..10 {
                let t = Instant::now();
                let mut r = c
                    .get(format!("{base}{path}"))
                    .insert_header(("Authorization", auth.as_str()))
                    .send()
                    .await
                    .unwrap();
                let _ = r.body().limit(1 << 26).await.unwrap();
                assert_eq!(r.status().as_u16(), 200);
                lat.push(t.elapsed());
            }
            lat.sort();
            println!(
                "stats {} at {n} cases, {name}: p50 {:.0} ms, max {:.0} ms (10 sequential requests)",
                backend(&url),
                percentile(&lat, 0.5),
                percentile(&lat, 1.0)
            );
        }
    });
    cleanup(&dir_c, &url_c);
}

/// Run `f` `n` times (after a tenth as warm-up) and print the mean time per call.
fn per_call<T>(name: &str, n: usize, mut f: impl FnMut() -> T) {
    for _ in 0..n / 10 {
        std::hint::black_box(f());
    }
    let started = Instant::now();
    for _ in 0..n {
        std::hint::black_box(f());
    }
    let us = started.elapsed().as_secs_f64() * 1e6 / n as f64;
    println!("micro {name}: {us:.1} µs per call ({:.0} per second on one core, {n} calls)", 1e6 / us);
}

/// The CPU stages of a fully filled case (every section A–L, several persons, suspects,
/// documents and legs), one at a time, on one thread, without a database.
fn bench_micro() {
    use enlace::access::cases::{SharedStamp, redacted, render, reservations};
    use enlace::formato::{CaseInput, sample};
    let input = sample::full_case(42, "GT");
    let text = serde_json::to_string(&input).unwrap();
    println!("micro: a full case is {} bytes of JSON", text.len());
    let policy = vec![
        enlace::access::cases::PolicyEntry {
            path: "persons[].sex".into(),
            flag: enlace::formato::Flag::Reserved,
            legal_basis: Some("Ley de protección de datos, art. 12".into()),
            legislation_topic: None,
        },
        enlace::access::cases::PolicyEntry {
            path: "persons[].citizenship".into(),
            flag: enlace::formato::Flag::Reserved,
            legal_basis: Some("Ley de protección de datos, art. 12".into()),
            legislation_topic: None,
        },
    ];
    let today = enlace::clock::today();
    per_call("parse (JSON text to CaseInput)", 20_000, || serde_json::from_str::<CaseInput>(&text).unwrap());
    per_call("validate (defaults and every rule)", 20_000, || {
        let mut i = input.clone();
        enlace::formato::apply_defaults(&mut i);
        enlace::formato::validate(&i, today).unwrap();
    });
    per_call("clone of a CaseInput (included in validate)", 20_000, || input.clone());
    per_call("derive (stored document with derived fields)", 20_000, || enlace::formato::stored_document(&input, "GT"));
    let document = enlace::formato::stored_document(&input, "GT");
    let per_case = enlace::policy::case_reservations(&document);
    let reserved = reservations(&policy, &per_case);
    println!("micro: {} reservations in force", reserved.len());
    per_call("reservations (policy and per-case)", 20_000, || reservations(&policy, &per_case));
    per_call("redact (foreign view of the stored document)", 20_000, || redacted(document.clone(), &reserved));
    let (foreign, withheld) = redacted(document.clone(), &reserved);
    println!("micro: the foreign view withholds {} paths", withheld.len());
    let stamp = SharedStamp { version: 1, updated_at: "2026-12-01T00:00:00Z" };
    per_call("render (foreign text, ETag, list summaries)", 20_000, || {
        render(&document, &foreign, &withheld, 1, stamp)
    });
    per_call("statistical record (facts, postcard encoding)", 20_000, || {
        enlace::statistics::store::record_of(&document, &reserved, "0123456789abcdef0123456789abcdef").unwrap()
    });
    let typical = serde_json::to_string(&sample::typical_case(11, "GT")).unwrap();
    println!("micro: a typical case (the load benchmark's create) is {} bytes of JSON", typical.len());
    for (name, text) in [("full", &text), ("typical", &typical)] {
        per_call(
            &format!("whole create preparation of a {name} case (parse to rendering, no database)"),
            5_000,
            || prepare_whole(text, &policy, today, stamp),
        );
    }
}

/// Everything a create computes before its transaction, from the request text.
fn prepare_whole(
    text: &str,
    policy: &[enlace::access::cases::PolicyEntry],
    today: time::Date,
    stamp: enlace::access::cases::SharedStamp,
) -> impl Sized {
    use enlace::access::cases::{redacted, render, reservations};
    let mut i = serde_json::from_str::<enlace::formato::CaseInput>(text).unwrap();
    enlace::formato::apply_defaults(&mut i);
    enlace::formato::validate(&i, today).unwrap();
    let d = enlace::formato::stored_document(&i, "GT");
    let r = reservations(policy, &enlace::policy::case_reservations(&d));
    let (f, w) = redacted(d.clone(), &r);
    (
        render(&d, &f, &w, 1, stamp),
        enlace::statistics::store::record_of(&d, &r, "0123456789abcdef0123456789abcdef").unwrap(),
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let all = args.is_empty();
    if all || args.iter().any(|a| a == "micro") {
        bench_micro();
    }
    if all || args.iter().any(|a| a == "audit") {
        bench_audit();
    }
    if all || args.iter().any(|a| a == "identity") {
        bench_identity();
    }
    if all || args.iter().any(|a| a == "cases") {
        bench_cases();
    }
    if all || args.iter().any(|a| a == "stats") {
        bench_stats();
    }
}
