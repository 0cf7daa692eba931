//! Several nodes on one database (issue #20): two enlace servers share the first one's database
//! (its own data directory each, the same master key), as behind a load balancer, and requests
//! alternate between them. A session opened on one works on the other; a user disabled, or a
//! role removed, on one is refused on the other at the next request; sign-in throttling counts
//! the failures of both; a report uploaded through one is downloaded through the other; the same
//! `Idempotency-Key` sent to both at once creates one case;
//! concurrent writes on both make one audit chain that verifies.

use diesel::prelude::*;
use enlace::access::Role;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app, spawn_second_node};
use crate::security::figure;

fn case_body(seed: u64) -> serde_json::Value {
    serde_json::to_value(enlace::formato::sample::typical_case(seed, "GT")).unwrap()
}

#[actix_web::test]
async fn two_nodes_on_one_database_behave_as_one_service() {
    let one = spawn_app().await;
    let key = one.data_dir.join("master.key");
    let two = spawn_second_node(&one, &key, |_| {}).await;
    let nodes: [&TestApp; 2] = [&one, &two];
    let officer = one.user("GT", &[Role::Officer]).await;
    let admin = two.user("GT", &[Role::CountryAdmin]).await;

    // A session opened on one node works on the other.
    assert_eq!(two.get("/api/v1/me", Some(&officer.token)).await.status, 200);

    // A report uploaded through one node is downloaded through the other, byte for byte.
    let report = crate::reports::pdf(3 * 1024 * 1024 + 5);
    let upload = "/api/v1/reports?title=Informe&period=2026-S1&language=es";
    let up = one.upload("POST", upload, &officer.token, "application/pdf", report.clone()).await;
    assert_eq!(up.status, 201, "{}", up.text());
    let file = format!("/api/v1/reports/{}/file", up.json()["report_id"].as_str().unwrap());
    let down = two.get(&file, Some(&officer.token)).await;
    assert_eq!(down.status, 200, "{}", down.text());
    assert!(down.body == report, "the other node serves the same bytes");

    // A role removed on one node is refused on the other at the next request.
    let writer = one.user("GT", &[Role::Officer, Role::Analyst]).await;
    assert_eq!(two.post("/api/v1/cases", Some(&writer.token), &case_body(1)).await.status, 201);
    let r =
        one.patch(&format!("/api/v1/users/{}", writer.id), Some(&admin.token), &json!({"roles": ["analyst"]})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let refused = two.post("/api/v1/cases", Some(&writer.token), &case_body(2)).await;
    assert!(matches!(refused.status, 401 | 403), "role removed on node one, still writing on two: {}", refused.status);

    // A user disabled on one node is refused on the other at the next request.
    let leaving = one.user("GT", &[Role::Officer]).await;
    assert_eq!(two.get("/api/v1/me", Some(&leaving.token)).await.status, 200);
    let r =
        two.patch(&format!("/api/v1/users/{}", leaving.id), Some(&admin.token), &json!({"status": "disabled"})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(one.get("/api/v1/me", Some(&leaving.token)).await.status, 401, "disabled on two, refused on one");

    // Sign-in throttling counts the failures made on both nodes: six wrong passwords (five are
    // free), spread over the two, then even the right password is throttled on either.
    let target = one.user("GT", &[Role::Analyst]).await;
    for i in 0..6 {
        let r = nodes[i % 2].login(&target.username, "not the password at all", None).await;
        assert_eq!(r.status, 401, "attempt {i}: {}", r.text());
    }
    for node in nodes {
        let r = node.login(&target.username, &target.password, None).await;
        assert_eq!(r.status, 429, "failures on both nodes are counted together: {}", r.text());
        assert!(r.header("retry-after").is_some());
    }

    // The same Idempotency-Key sent to both nodes at once creates one case.
    let mut same_key = 0;
    for round in 0..5 {
        let body = case_body(100 + round);
        let key = format!("both-nodes-{round}");
        let headers = [("Idempotency-Key", key.as_str())];
        let (a, b) = futures_util::future::join(
            one.send("POST", "/api/v1/cases", Some(&officer.token), Some(&body), &headers),
            two.send("POST", "/api/v1/cases", Some(&officer.token), Some(&body), &headers),
        )
        .await;
        assert_eq!((a.status, b.status), (201, 201), "{} / {}", a.text(), b.text());
        assert_eq!(a.json()["case_id"], b.json()["case_id"], "one case for one key");
        same_key += 1;
    }

    // Concurrent writes on both nodes: one audit chain, and it verifies.
    let mut writes = Vec::new();
    for i in 0..40u64 {
        let (node, token) = (nodes[(i % 2) as usize], officer.token.as_str());
        writes.push(async move { node.post("/api/v1/cases", Some(token), &case_body(1000 + i)).await.status });
    }
    let statuses = futures_util::future::join_all(writes).await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    let stored: i64 = {
        use enlace::db::schema::cases;
        cases::table.filter(cases::reporting_country.eq("GT")).count().get_result(&mut one.conn()).unwrap()
    };
    assert_eq!(stored, 1 + 5 + 40, "every acknowledged case once");
    let report = enlace::audit::verify(&mut one.conn()).unwrap();
    assert!(report.ok, "{:?}", report.reason);
    figure(format!(
        "two nodes ({}): session, role removal, disabling and sign-in throttling shared; {same_key} keys sent to both at once made {same_key} cases; 40 concurrent writes, one audit chain of {} events verified",
        if crate::helpers::is_postgres() { "PostgreSQL" } else { "SQLite" },
        report.events
    ));
}

/// Statistics compaction runs on one node at a time: while another holder has the compaction
/// lease, neither node compacts (changes wait, queries still count them); once it is free, one
/// node takes it and does all the work while the other leaves it alone.
#[actix_web::test]
async fn statistics_compaction_runs_on_one_node_at_a_time() {
    use crate::metrics::{scrape, value};
    use enlace::db::schema::{leases, stat_dirty};
    let observed = |l: &mut enlace::config::Layer| {
        l.metrics_bind = Some("127.0.0.1:0".parse().unwrap());
        l.stats_compaction_ms = Some(200);
    };
    let one = crate::helpers::spawn_with(observed).await;
    let key = one.data_dir.join("master.key");
    let two = spawn_second_node(&one, &key, observed).await;
    let nodes: [&TestApp; 2] = [&one, &two];
    let officer = one.user("GT", &[Role::Officer]).await;
    let now_ms = || (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
    let set_lease = |holder: &str, expires_at: i64| {
        diesel::update(leases::table.find("stat_compaction"))
            .set((leases::holder.eq(holder), leases::expires_at.eq(expires_at)))
            .execute(&mut one.conn())
            .unwrap()
    };
    let dirty = || -> i64 { stat_dirty::table.count().get_result(&mut one.conn()).unwrap() };
    let figures = |samples: &[crate::metrics::Sample]| {
        (
            value(samples, "enlace_stats_compaction_passes_total", &[("outcome", "another_node")]),
            value(samples, "enlace_stats_compaction_partitions_rebuilt_total", &[]),
        )
    };
    async fn published(app: &TestApp, token: &str) -> u64 {
        let r = app.get("/api/v1/statistics?measure=cases&group_by=case_type&reporting_country=GT", Some(token)).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let cells = r.json()["table"]["cells"].as_array().unwrap().clone();
        cells.iter().map(|c| c["value"].as_u64().unwrap()).sum::<u64>()
    }

    // A third holder (as if another node were compacting) has the lease for ten minutes.
    assert_eq!(set_lease("another-node", now_ms() + 600_000), 1);
    for i in 0..6u64 {
        let r = nodes[(i % 2) as usize].post("/api/v1/cases", Some(&officer.token), &case_body(500 + i)).await;
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let mut rounds = 0;
    loop {
        let (_, a) = scrape(&one).await;
        let (_, b) = scrape(&two).await;
        // Each node has found due work at least twice and left it to the holder.
        if figures(&a).0 >= 2.0 && figures(&b).0 >= 2.0 {
            assert_eq!((figures(&a).1, figures(&b).1), (0.0, 0.0), "a node compacted without the lease");
            break;
        }
        rounds += 1;
        assert!(rounds < 100, "the nodes never found the work due");
        actix_web::rt::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let waiting = dirty();
    assert!(waiting > 0, "the changes wait for the lease holder");
    assert_eq!(published(&one, &officer.token).await, 6, "uncompacted changes are counted all the same");

    // The lease runs out: one node takes it and compacts everything; the other does nothing.
    set_lease("another-node", 0);
    let wait_until_compacted = || async {
        for _ in 0..150 {
            if dirty() == 0 {
                return;
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        panic!("compaction never caught up");
    };
    wait_until_compacted().await;
    let rebuilt = |samples: &[crate::metrics::Sample]| figures(samples).1;
    let (a, b) = (rebuilt(&scrape(&one).await.1), rebuilt(&scrape(&two).await.1));
    assert!(a == 0.0 || b == 0.0, "both nodes compacted: {a} and {b} partitions");
    let holder = if a > 0.0 { 0 } else { 1 };
    let first = a + b;
    assert!(first >= 1.0);

    // More writes on both nodes: the holder compacts them too, the other still does nothing.
    for i in 0..6u64 {
        let r = nodes[(i % 2) as usize].post("/api/v1/cases", Some(&officer.token), &case_body(600 + i)).await;
        assert_eq!(r.status, 201, "{}", r.text());
    }
    wait_until_compacted().await;
    let after = [rebuilt(&scrape(&one).await.1), rebuilt(&scrape(&two).await.1)];
    assert!(after[holder] > [a, b][holder], "the holder compacted the new changes");
    assert_eq!(after[1 - holder], 0.0, "the other node left the work to the holder");
    assert_eq!(published(&one, &officer.token).await, 12);
    figure(format!(
        "statistics compaction on two nodes ({}): {waiting} changes waited while another holder had the lease; then node {} alone rebuilt {} partitions",
        if crate::helpers::is_postgres() { "PostgreSQL" } else { "SQLite" },
        holder + 1,
        after[holder]
    ));
}
