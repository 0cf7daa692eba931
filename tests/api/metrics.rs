//! Operational metrics (issue #20): `GET /metrics` on the metrics listener only, in the
//! Prometheus text format, counting what happened — requests by route template, method and
//! status, the pool, the audit writer, statistics compaction, refused sign-ins, the file store —
//! and never naming an id, a username or anything a request carried.

use std::collections::BTreeMap;

use enlace::access::Role;

use crate::helpers::{Browser, TestApp, spawn_with};
use crate::reports::pdf;
use crate::security::figure;

/// One scraped sample: metric name, labels, value.
pub type Sample = (String, BTreeMap<String, String>, f64);

/// Parse the Prometheus text format strictly: every line is a `# HELP`/`# TYPE` comment or a
/// sample `name{label="value",…} number`; anything else fails the test.
pub fn parse(text: &str) -> Vec<Sample> {
    let mut samples = vec![];
    for line in text.lines().filter(|l| !l.is_empty()) {
        if line.starts_with("# HELP ") || line.starts_with("# TYPE ") {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("not a sample: {line}"));
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            v => v.parse().unwrap_or_else(|_| panic!("not a number in {line}")),
        };
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => {
                let body = rest.strip_suffix('}').unwrap_or_else(|| panic!("unclosed labels: {line}"));
                let mut labels = BTreeMap::new();
                for pair in body.split("\",").filter(|p| !p.is_empty()) {
                    let (k, v) = pair.split_once("=\"").unwrap_or_else(|| panic!("bad label in {line}"));
                    labels.insert(k.to_owned(), v.trim_end_matches('"').to_owned());
                }
                (name, labels)
            }
            None => (series, BTreeMap::new()),
        };
        assert!(
            name.starts_with("enlace_") && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "metric name {name}"
        );
        samples.push((name.to_owned(), labels, value));
    }
    samples
}

/// The sum of the samples named `name` whose labels include every pair of `labels`.
pub fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|(n, l, _)| n == name && labels.iter().all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v)))
        .map(|(_, _, v)| v)
        .sum()
}

pub async fn scrape(app: &TestApp) -> (String, Vec<Sample>) {
    let (status, content_type, text) = app.scrape().await;
    assert_eq!(status, 200, "{text}");
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    let samples = parse(&text);
    (text, samples)
}

fn case_body(seed: u64) -> serde_json::Value {
    serde_json::to_value(enlace::formato::sample::typical_case(seed, "GT")).unwrap()
}

#[actix_web::test]
async fn metrics_count_what_happened_and_name_no_one() {
    let app = spawn_with(|l| l.metrics_bind = Some("127.0.0.1:0".parse().unwrap())).await;
    let officer = app.user("GT", &[Role::Officer]).await;
    let target = app.user("GT", &[Role::Analyst]).await;

    // Only the metrics listener serves them; the API's listener does not.
    assert_eq!(app.get("/metrics", None).await.status, 404);

    // Requests: a case created and read, an unknown case, an unmatched path.
    let created = app.post("/api/v1/cases", Some(&officer.token), &case_body(1)).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let case_id = created.json()["case_id"].as_str().unwrap().to_owned();
    for _ in 0..3 {
        assert_eq!(app.get(&format!("/api/v1/cases/{case_id}"), Some(&officer.token)).await.status, 200);
    }
    let unknown = uuid::Uuid::new_v4().to_string();
    assert_eq!(app.get(&format!("/api/v1/cases/{unknown}"), Some(&officer.token)).await.status, 404);
    let stray = format!("/no-such-page/{}", uuid::Uuid::new_v4().simple());
    assert_eq!(app.get(&stray, None).await.status, 404);

    // Refused sign-ins: six wrong passwords (counted towards throttling), then the right one is
    // throttled; one wrong password in the console.
    let wrong = "not the password at all";
    for i in 0..6 {
        assert_eq!(app.login(&target.username, wrong, None).await.status, 401, "attempt {i}");
    }
    assert_eq!(app.login(&target.username, &target.password, None).await.status, 429);
    let mut browser = Browser::new(&app);
    let page = browser
        .submit("/sign-in", "/sign-in", &[("username", &officer.username), ("password", wrong), ("totp", "")])
        .await;
    assert_ne!(page.status, 303, "a wrong password does not sign in");

    // A report in the file store.
    let upload = "/api/v1/reports?title=Informe&period=2026-S1&language=es";
    let report = app.upload("POST", upload, &officer.token, "application/pdf", pdf(10_000)).await;
    assert_eq!(report.status, 201, "{}", report.text());

    // Statistics compaction catches up by itself (a quiet second after the write).
    let mut waited = 0;
    let (text, samples) = loop {
        let (text, samples) = scrape(&app).await;
        let rebuilt = value(&samples, "enlace_stats_compaction_partitions_rebuilt_total", &[]);
        if rebuilt >= 1.0 && value(&samples, "enlace_stats_dirty_partitions", &[]) == 0.0 {
            break (text, samples);
        }
        waited += 1;
        assert!(waited < 60, "statistics compaction never caught up:\n{text}");
        actix_web::rt::time::sleep(std::time::Duration::from_millis(500)).await;
    };

    let count = |route: &str, method: &str, status: &str| {
        value(
            &samples,
            "enlace_http_request_duration_seconds_count",
            &[("route", route), ("method", method), ("status", status)],
        )
    };
    assert_eq!(count("/api/v1/cases/{id}", "GET", "200"), 3.0, "{text}");
    assert_eq!(count("/api/v1/cases/{id}", "GET", "404"), 1.0);
    assert_eq!(count("/api/v1/cases", "POST", "201"), 1.0);
    assert_eq!(count("unmatched", "GET", "404"), 2.0, "/metrics on the API listener and the stray path");
    // The bucket of +Inf holds every request of its series; the sum is a duration.
    let all = value(&samples, "enlace_http_request_duration_seconds_count", &[]);
    assert_eq!(value(&samples, "enlace_http_request_duration_seconds_bucket", &[("le", "+Inf")]), all);
    assert!(value(&samples, "enlace_http_request_duration_seconds_sum", &[]) > 0.0);

    assert_eq!(value(&samples, "enlace_signin_refusals_total", &[("channel", "api"), ("outcome", "failed")]), 6.0);
    assert_eq!(value(&samples, "enlace_signin_refusals_total", &[("channel", "api"), ("outcome", "throttled")]), 1.0);
    assert_eq!(value(&samples, "enlace_signin_refusals_total", &[("channel", "console"), ("outcome", "failed")]), 1.0);

    // Pool: its size as configured by the test harness, every checkout's wait observed.
    assert_eq!(value(&samples, "enlace_db_pool_max_connections", &[]), 4.0);
    assert!(value(&samples, "enlace_db_pool_wait_seconds_count", &[]) >= all);
    assert_eq!(value(&samples, "enlace_db_up", &[]), 1.0);
    assert_eq!(value(&samples, "enlace_db_pool_timeouts_total", &[]), 0.0);

    // Audit writer: every event stored in some batch, none waiting now, none failed.
    let batches = value(&samples, "enlace_audit_batch_events_count", &[]);
    let events = value(&samples, "enlace_audit_batch_events_sum", &[]);
    let stored: i64 = {
        use diesel::prelude::*;
        use enlace::db::schema::audit_events;
        audit_events::table.count().get_result(&mut app.conn()).unwrap()
    };
    // Reads are audited through the writer; writes store their events in their own transaction.
    assert!(batches >= 1.0 && events >= batches, "{batches} batches of {events} events");
    assert!((events as i64) <= stored && events >= 3.0, "{events} events by the writer, {stored} stored");
    assert_eq!(value(&samples, "enlace_audit_queue_requests", &[]), 0.0);
    assert_eq!(value(&samples, "enlace_audit_write_failures_total", &[]), 0.0);

    assert!(value(&samples, "enlace_stats_compaction_passes_total", &[("outcome", "ran")]) >= 1.0);
    assert_eq!(value(&samples, "enlace_stats_compaction_lag_seconds", &[]), 0.0);
    assert_eq!(value(&samples, "enlace_stored_file_bytes", &[("kind", "report")]), 10_000.0);
    assert_eq!(value(&samples, "enlace_stored_file_bytes", &[("kind", "alert_image")]), 0.0);
    assert_eq!(value(&samples, "enlace_file_store_bytes", &[("area", "tmp")]), 0.0, "no upload left behind");

    // Nothing a request named: no id, no path it chose, no username, no password.
    for secret in [&case_id, &unknown, &stray, &target.username, &officer.username, wrong, &target.password] {
        assert!(!text.contains(secret), "the metrics name {secret}");
    }
    let routes: std::collections::BTreeSet<&str> =
        samples.iter().filter_map(|(_, l, _)| l.get("route").map(String::as_str)).collect();
    for route in &routes {
        assert!(*route == "unmatched" || route.starts_with('/'), "route label {route}");
        // Every segment is a parameter or a word of the route table, never an id.
        let word = |seg: &str| seg == "v1" || seg.chars().all(|c| c.is_ascii_lowercase() || "-_.".contains(c));
        let param = |seg: &str| seg.starts_with('{') && seg.ends_with('}');
        assert!(route.split('/').all(|seg| word(seg) || param(seg)), "a literal id? {route}");
    }
    figure(format!(
        "metrics: {} series in {} families on the metrics listener only; {} requests counted over {} route templates; no id, path or username in {} bytes",
        samples.len(),
        text.lines().filter(|l| l.starts_with("# TYPE")).count(),
        all,
        routes.len(),
        text.len()
    ));
}
