//! An audit log each country can verify for itself (issue #17):
//! - inclusion and consistency proofs, for many tree sizes (powers of two and others), checked by
//!   this file's own implementation of RFC 9162 §2.1.3.2 and §2.1.4.2 and of the C2SP note
//!   signature (not the production functions), with every leaf recomputed from the served event;
//! - the tamper test: with a checkpoint kept by `enlace audit follow`, every mutation done
//!   directly in the database (triggers bypassed, as a database owner could) is detected;
//! - two nodes appending concurrently produce one tree whose checkpoints verify;
//! - a country's auditor sees another country's list reads of its cases, and cosigns.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use diesel::prelude::*;
use enlace::access::Role;
use serde_json::{Value, json};

use crate::helpers::*;

type Hash = [u8; 32];

fn sha256(parts: &[&[u8]]) -> Hash {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for p in parts {
        ctx.update(p);
    }
    ctx.finish().as_ref().try_into().unwrap()
}

fn node(l: &Hash, r: &Hash) -> Hash {
    sha256(&[&[1], l, r])
}

/// RFC 9162 §2.1.3.2, step by step.
fn rfc_verify_inclusion(leaf_index: u64, tree_size: u64, hash: Hash, path: &[Hash], root: &Hash) -> bool {
    if leaf_index >= tree_size {
        return false;
    }
    let (mut fnn, mut sn, mut r) = (leaf_index, tree_size - 1, hash);
    for p in path {
        if sn == 0 {
            return false;
        }
        if fnn % 2 == 1 || fnn == sn {
            r = node(p, &r);
            while fnn % 2 == 0 && fnn != 0 {
                fnn /= 2;
                sn /= 2;
            }
        } else {
            r = node(&r, p);
        }
        fnn /= 2;
        sn /= 2;
    }
    sn == 0 && &r == root
}

/// RFC 9162 §2.1.4.2, step by step.
fn rfc_verify_consistency(first: u64, second: u64, first_hash: &Hash, second_hash: &Hash, path: &[Hash]) -> bool {
    if first == second {
        return path.is_empty() && first_hash == second_hash;
    }
    if path.is_empty() {
        return false;
    }
    let mut path = path.to_vec();
    if first.is_power_of_two() {
        path.insert(0, *first_hash);
    }
    let (mut fnn, mut sn) = (first - 1, second - 1);
    while fnn % 2 == 1 {
        fnn /= 2;
        sn /= 2;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    for c in &path[1..] {
        if sn == 0 {
            return false;
        }
        if fnn % 2 == 1 || fnn == sn {
            fr = node(c, &fr);
            sr = node(c, &sr);
            while fnn % 2 == 0 && fnn != 0 {
                fnn /= 2;
                sn /= 2;
            }
        } else {
            sr = node(&sr, c);
        }
        fnn /= 2;
        sn /= 2;
    }
    &fr == first_hash && &sr == second_hash && sn == 0
}

/// The leaf of a served event, from the definition: H(0x00 ‖ the JSON array of the
/// columns, committed fields as their digests).
fn leaf_of(e: &Value) -> Hash {
    let roles: Vec<&str> = e["actor_roles"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    let input = json!([
        e["seq"],
        e["occurred_at"],
        e["request_id"],
        e["actor_user_ref"],
        e["actor_party"],
        roles.join(","),
        e["action"],
        e["object_type"],
        e["object_ref"],
        e["object_party_ref"],
        e["outcome"],
        e["client_addr_ref"],
        e["details"].to_string(),
    ])
    .to_string();
    sha256(&[&[0], input.as_bytes()])
}

fn decode(s: &Value) -> Hash {
    STANDARD.decode(s.as_str().unwrap()).unwrap().try_into().unwrap()
}

/// A checkpoint note, checked against the published log key with this file's own reading of
/// the C2SP signed-note format; its (size, root).
fn check_note(note: &str, keys: &Value) -> (u64, Hash) {
    let (body, sigs) = note.split_once("\n\n").expect("a note has a body and signatures");
    let body = format!("{body}\n");
    let lines: Vec<&str> = body.lines().collect();
    let origin = keys["origin"].as_str().unwrap();
    assert_eq!(lines[0], origin);
    let size: u64 = lines[1].parse().unwrap();
    let root: Hash = STANDARD.decode(lines[2]).unwrap().try_into().unwrap();
    let mut verified = false;
    for line in sigs.lines() {
        let rest = line.strip_prefix("\u{2014} ").unwrap();
        let (name, sig) = rest.split_once(' ').unwrap();
        let raw = STANDARD.decode(sig).unwrap();
        for k in keys["log"].as_array().unwrap() {
            let public = STANDARD.decode(k["public_key"].as_str().unwrap()).unwrap();
            let id = &sha256(&[name.as_bytes(), b"\n", &[1], &public])[..4];
            if name == origin && &raw[..4] == id {
                let key = ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, &public);
                verified |= key.verify(body.as_bytes(), &raw[4..]).is_ok();
            }
        }
    }
    assert!(verified, "the checkpoint is signed by a published log key: {note}");
    (size, root)
}

async fn note(app: &TestApp, token: &str) -> String {
    let res = app.get("/api/v1/audit/checkpoint", Some(token)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.text()
}

async fn events(app: &TestApp, token: &str) -> BTreeMap<i64, Value> {
    let mut out = BTreeMap::new();
    let mut cursor = String::new();
    loop {
        let page = app.get(&format!("/api/v1/audit?limit=500{cursor}"), Some(token)).await.json();
        for e in page["items"].as_array().unwrap() {
            out.insert(e["seq"].as_i64().unwrap(), e.clone());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => return out,
        }
    }
}

#[actix_web::test]
async fn proofs_and_checkpoints_verify_with_an_independent_implementation_for_many_sizes() {
    let app = spawn_app().await;
    let auditor = app.user("ST", &[Role::Auditor]).await;
    let gt_auditor = app.user("GT", &[Role::Auditor]).await;
    let keys = app.get("/api/v1/audit/keys", Some(&gt_auditor.token)).await.json();
    // Checkpoints of many sizes: each audit read adds one event.
    let mut checkpoints = vec![];
    for i in 0..40 {
        if i % 3 == 0 {
            app.user("MX", &[Role::Analyst]).await; // a sign-in: more events
        }
        let n = note(&app, &auditor.token).await;
        checkpoints.push(check_note(&n, &keys));
        assert_eq!(app.get("/api/v1/audit?limit=1", Some(&auditor.token)).await.status, 200);
    }
    checkpoints.dedup_by_key(|c| c.0);
    let sizes: Vec<u64> = checkpoints.iter().map(|c| c.0).collect();
    assert!(
        sizes.len() >= 30 && sizes.iter().any(|s| s.is_power_of_two()) && sizes.iter().any(|s| !s.is_power_of_two()),
        "{sizes:?}"
    );
    // Every pair of checkpoints is consistent.
    let mut pairs = 0;
    for (i, (old, old_root)) in checkpoints.iter().enumerate() {
        for (new, new_root) in checkpoints.iter().skip(i).step_by(3) {
            let p = app
                .get(&format!("/api/v1/audit/proof/consistency?from={old}&to={new}"), Some(&gt_auditor.token))
                .await
                .json();
            let path: Vec<Hash> = p["proof"].as_array().unwrap().iter().map(decode).collect();
            assert!(rfc_verify_consistency(*old, *new, old_root, new_root, &path), "{old} → {new}");
            if old < new {
                assert!(!rfc_verify_consistency(*old, *new, &sha256(&[b"forged"]), new_root, &path));
            }
            pairs += 1;
        }
    }
    // Every event is in every checkpoint that covers it, its leaf recomputed from what is served.
    let all = events(&app, &auditor.token).await;
    let mut proofs = 0;
    for (size, root) in checkpoints.iter().step_by(4) {
        for (seq, e) in all.range(..=(*size as i64)) {
            let p = app
                .get(&format!("/api/v1/audit/proof/inclusion?seq={seq}&size={size}"), Some(&auditor.token))
                .await
                .json();
            assert_eq!(p["leaf_hash"], e["leaf_hash"]);
            let leaf = leaf_of(e);
            assert_eq!(STANDARD.encode(leaf), e["leaf_hash"], "event {seq}: the leaf is recomputable from the event");
            let path: Vec<Hash> = p["proof"].as_array().unwrap().iter().map(decode).collect();
            assert!(rfc_verify_inclusion((*seq - 1) as u64, *size, leaf, &path, root), "event {seq} in {size}");
            proofs += 1;
        }
    }
    // A country's auditor recomputes the leaves of what it sees, without another country's ids.
    let gt = events(&app, &gt_auditor.token).await;
    assert!(!gt.is_empty());
    for (seq, e) in &gt {
        assert_eq!(STANDARD.encode(leaf_of(e)), e["leaf_hash"], "event {seq} as GT's auditor sees it");
        if e["actor_party"].as_str().is_some_and(|p| p != "GT") {
            assert!(e["actor_user_id"].is_null() && e["client_addr"].is_null(), "{e}");
            assert!(e["salts"].get("actor_user_id").is_none());
        }
    }
    let mx_event = all.values().find(|e| e["actor_party"] == "MX").unwrap();
    let seq = mx_event["seq"].as_i64().unwrap();
    let size = sizes.last().unwrap();
    let hidden =
        app.get(&format!("/api/v1/audit/proof/inclusion?seq={seq}&size={size}"), Some(&gt_auditor.token)).await;
    assert_eq!(hidden.status, 404, "an event outside the auditor's scope has no proof for it");
    let analyst = app.user("GT", &[Role::Analyst]).await;
    assert_eq!(app.get("/api/v1/audit/checkpoint", Some(&analyst.token)).await.status, 403);
    println!(
        "audit proofs: {} checkpoints, {pairs} consistency and {proofs} inclusion proofs verified",
        checkpoints.len()
    );
}

/// Run `enlace audit follow` as the user; (exit code, output).
fn follow(app: &TestApp, user: &TestUser, state: &std::path::Path, extra: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_enlace"))
        .args(["audit", "follow", "--url", &app.base, "--state", state.to_str().unwrap(), "--username", &user.username])
        .args(["--ca", app.data_dir.join("tls/dev-ca.pem").to_str().unwrap()])
        .args(extra)
        .env("ENLACE_FOLLOW_PASSWORD", &user.password)
        .env("ENLACE_LOG", "error")
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// Run SQL as the database's owner, with the append-only triggers out of the way.
fn as_owner(app: &TestApp, statements: &[String]) {
    let mut conn = app.conn();
    let (off, on): (Vec<&str>, Vec<&str>) = if is_postgres() {
        (
            vec!["ALTER TABLE audit_events DISABLE TRIGGER ALL", "ALTER TABLE audit_tree DISABLE TRIGGER ALL"],
            vec!["ALTER TABLE audit_events ENABLE TRIGGER ALL", "ALTER TABLE audit_tree ENABLE TRIGGER ALL"],
        )
    } else {
        (
            vec![
                "DROP TRIGGER IF EXISTS audit_events_no_update",
                "DROP TRIGGER IF EXISTS audit_events_no_delete",
                "DROP TRIGGER IF EXISTS audit_tree_no_update",
                "DROP TRIGGER IF EXISTS audit_tree_no_delete",
            ],
            vec![],
        )
    };
    for s in off.iter().map(|s| s.to_string()).chain(statements.iter().cloned()).chain(on.iter().map(|s| s.to_string()))
    {
        diesel::sql_query(&s).execute(&mut conn).unwrap_or_else(|e| panic!("{s}: {e}"));
    }
}

async fn follow_world() -> (TestApp, TestUser, std::path::PathBuf, i64) {
    let app = spawn_app().await;
    let gt_officer = app.user("GT", &[Role::Officer]).await;
    let mx = app.user("MX", &[Role::Analyst]).await;
    let gt_auditor = app.user("GT", &[Role::Auditor]).await;
    let mut case = serde_json::to_value(enlace::formato::sample::typical_case(3, "GT")).unwrap();
    case["sharing"] = json!({"scope": "network"});
    for _ in 0..3 {
        let id = app.post("/api/v1/cases", Some(&gt_officer.token), &case).await.json()["case_id"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(app.get(&format!("/api/v1/cases/{id}"), Some(&mx.token)).await.status, 200);
    }
    let state = app.data_dir.with_extension("follow");
    let (code, out) = follow(&app, &gt_auditor, &state, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("audit log OK"), "{out}");
    let kept: i64 = std::fs::read_to_string(state.join("checkpoint")).unwrap().lines().nth(1).unwrap().parse().unwrap();
    (app, gt_auditor, state, kept)
}

/// A mutation: the SQL to run as the database owner, given the app and the kept checkpoint size.
type Mutation = dyn Fn(&TestApp, i64) -> Vec<String>;

#[actix_web::test]
async fn every_mutation_of_the_database_is_detected_by_the_country_verifier() {
    // One GT-visible event: a foreign read of a GT case.
    let seq_of = |app: &TestApp, action: &str| -> i64 {
        use enlace::db::schema::audit_events as e;
        e::table
            .filter(e::action.eq(action))
            .filter(e::object_party.eq("GT"))
            .select(e::seq)
            .order(e::seq.asc())
            .limit(1)
            .get_result(&mut app.conn())
            .unwrap()
    };
    let mutations: Vec<(&str, Box<Mutation>)> = vec![
        (
            "change one event's details",
            Box::new(move |app, _| {
                let s = seq_of(app, "case_read");
                vec![format!("UPDATE audit_events SET details = '{{\"view\":\"none\"}}' WHERE seq = {s}")]
            }),
        ),
        (
            "delete one event",
            Box::new(move |app, _| vec![format!("DELETE FROM audit_events WHERE seq = {}", seq_of(app, "case_read"))]),
        ),
        (
            "delete the last events and rewrite audit_head",
            Box::new(|_, kept| {
                let keep = kept - 3;
                vec![
                    format!("DELETE FROM audit_events WHERE seq > {keep}"),
                    format!(
                        "UPDATE audit_head SET seq = {keep}, tree_size = 0, hash = (SELECT hash FROM audit_events WHERE seq = {keep})"
                    ),
                    "DELETE FROM audit_tree".into(),
                    "DELETE FROM audit_cosignatures".into(),
                    "DELETE FROM audit_checkpoints".into(),
                ]
            }),
        ),
        (
            "reorder two events",
            Box::new(move |app, _| {
                let a = seq_of(app, "case_read");
                let b = seq_of(app, "case_create");
                vec![
                    format!("UPDATE audit_events SET action = 'x' WHERE seq = {a}"),
                    format!("UPDATE audit_events SET action = 'case_read' WHERE seq = {b}"),
                    format!("UPDATE audit_events SET action = 'case_create' WHERE seq = {a}"),
                ]
            }),
        ),
        (
            "truncate the table and rebuild a shorter chain",
            Box::new(|_, _| {
                vec![
                "DELETE FROM audit_events".into(),
                "DELETE FROM audit_tree".into(),
                "DELETE FROM audit_cosignatures".into(),
                "DELETE FROM audit_checkpoints".into(),
                "UPDATE audit_head SET seq = 0, tree_size = 0, hash = '0000000000000000000000000000000000000000000000000000000000000000'".into(),
            ]
            }),
        ),
    ];
    let mut detected = 0;
    for (name, mutate) in &mutations {
        let (app, auditor, state, kept) = follow_world().await;
        as_owner(&app, &mutate(&app, kept));
        // A shorter chain is rebuilt by ordinary use after the truncation.
        app.user("HN", &[Role::Officer]).await;
        let (code, out) = follow(&app, &auditor, &state, &[]);
        assert_eq!(code, 1, "{name}: {out}");
        assert!(out.contains("FAILED") && out.chars().any(|c| c.is_ascii_digit()), "{name}: {out}");
        println!("{name}: {}", out.trim());
        detected += 1;
        let _ = std::fs::remove_dir_all(&state);
    }
    super::security::figure(format!("audit tamper test: {} mutations, {detected} detected", mutations.len()));
    assert_eq!(detected, mutations.len());
}

#[actix_web::test]
async fn a_country_sees_foreign_list_reads_of_its_cases_and_cosigns_what_it_verified() {
    let (app, gt_auditor, state, _) = follow_world().await;
    let gt_officer = app.user("GT", &[Role::Officer]).await;
    let mx = app.user("MX", &[Role::Analyst]).await;
    let mut case = serde_json::to_value(enlace::formato::sample::typical_case(8, "GT")).unwrap();
    case["sharing"] = json!({"scope": "network"});
    let id =
        app.post("/api/v1/cases", Some(&gt_officer.token), &case).await.json()["case_id"].as_str().unwrap().to_owned();
    assert_eq!(app.get("/api/v1/cases?limit=50", Some(&mx.token)).await.status, 200);
    let page = app.get("/api/v1/audit?owner=GT&actor_party=MX&action=case_list", Some(&gt_auditor.token)).await.json();
    let item = &page["items"][0];
    assert_eq!(item["object_party"], "GT", "{page}");
    assert!(item["details"]["ids"].as_array().unwrap().contains(&json!(id)), "{item}");
    assert_eq!((item["actor_roles"].clone(), item["actor_user_id"].clone()), (json!(["analyst"]), Value::Null));

    // GT registers a witness key; its auditor's verifier cosigns the checkpoint it verified.
    let gt_admin = app.user("GT", &[Role::CountryAdmin]).await;
    use ring::signature::KeyPair;
    let pkcs8 = ring::signature::Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).unwrap();
    let public = ring::signature::Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap().public_key().as_ref().to_vec();
    let body = json!({"name": "gt.example/audit-witness", "public_key": STANDARD.encode(&public)});
    assert_eq!(app.post("/api/v1/parties/GT/witness-keys", Some(&mx.token), &body).await.status, 403);
    let res = app.post("/api/v1/parties/GT/witness-keys", Some(&gt_admin.token), &body).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let key_file = state.with_extension("witness");
    std::fs::write(&key_file, STANDARD.encode(pkcs8.as_ref())).unwrap();
    let (code, out) = follow(
        &app,
        &gt_auditor,
        &state,
        &["--cosign-key", key_file.to_str().unwrap(), "--cosign-name", "gt.example/audit-witness"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("consistent with checkpoint") && out.contains("cosigned"), "{out}");
    let served = note(&app, &gt_auditor.token).await;
    let latest = app.get("/api/v1/audit/checkpoints?from=0&limit=500", Some(&gt_auditor.token)).await.json();
    let cosigned =
        latest.as_array().unwrap().iter().find(|c| c["note"].as_str().unwrap().contains("gt.example/audit-witness"));
    assert!(cosigned.is_some(), "a checkpoint is served with GT's cosignature: {served}");
    let _ = std::fs::remove_file(&key_file);
    let _ = std::fs::remove_dir_all(&state);
}

#[actix_web::test]
async fn two_nodes_appending_at_once_build_one_tree() {
    let one = spawn_app().await;
    let key = one.data_dir.join("master.key");
    let two = spawn_second_node(&one, &key, |_| {}).await;
    let auditor = one.user("ST", &[Role::Auditor]).await;
    let keys = one.get("/api/v1/audit/keys", Some(&auditor.token)).await.json();
    let mut handles = vec![];
    for i in 0..40 {
        let (app, token) = (if i % 2 == 0 { &one } else { &two }, &auditor.token);
        handles.push(async move { app.get("/api/v1/audit?limit=1", Some(token)).await.status });
    }
    for status in futures_util::future::join_all(handles).await {
        assert_eq!(status, 200);
    }
    let (s1, r1) = check_note(&note(&one, &auditor.token).await, &keys);
    two.user("MX", &[Role::Analyst]).await;
    let (s2, r2) = check_note(&note(&two, &auditor.token).await, &keys);
    assert!(s2 > s1);
    let p = two.get(&format!("/api/v1/audit/proof/consistency?from={s1}&to={s2}"), Some(&auditor.token)).await.json();
    let path: Vec<Hash> = p["proof"].as_array().unwrap().iter().map(decode).collect();
    assert!(rfc_verify_consistency(s1, s2, &r1, &r2, &path), "the two nodes' checkpoints are of one tree");
    for (seq, e) in events(&one, &auditor.token).await.range(..=(s2 as i64)) {
        let p =
            one.get(&format!("/api/v1/audit/proof/inclusion?seq={seq}&size={s2}"), Some(&auditor.token)).await.json();
        let path: Vec<Hash> = p["proof"].as_array().unwrap().iter().map(decode).collect();
        assert!(rfc_verify_inclusion((*seq - 1) as u64, s2, leaf_of(e), &path, &r2), "event {seq}");
    }
    let report = std::process::Command::new(env!("CARGO_BIN_EXE_enlace"))
        .args(["audit", "verify", "--database-url", &one.db_url, "--data-dir", one.data_dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(report.status.success(), "{}", String::from_utf8_lossy(&report.stdout));
}

#[actix_web::test]
async fn signing_keys_are_sealed_at_rest_and_rewrapped_under_a_new_master_key() {
    use enlace::db::schema::{audit_keys, signing_keys};
    let app = spawn_app().await;
    let auditor = app.user("ST", &[Role::Auditor]).await;
    note(&app, &auditor.token).await;
    let sealed: Vec<String> = signing_keys::table.select(signing_keys::private_key).load(&mut app.conn()).unwrap();
    let audit: Vec<String> = audit_keys::table.select(audit_keys::private_key).load(&mut app.conn()).unwrap();
    assert!(!sealed.is_empty() && !audit.is_empty());
    assert!(sealed.iter().chain(&audit).all(|k| k.starts_with("sealed:v1:")), "{sealed:?} {audit:?}");
    let new_key = app.data_dir.join("new-master.key");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_enlace"))
        .args(["keys", "rewrap", "--new-master-key-file", new_key.to_str().unwrap()])
        .args(["--database-url", &app.db_url, "--data-dir", app.data_dir.to_str().unwrap()])
        .env("ENLACE_LOG", "error")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let resealed: Vec<String> = signing_keys::table.select(signing_keys::private_key).load(&mut app.conn()).unwrap();
    assert_ne!(resealed, sealed);
    let app = app.restart(move |l| l.master_key_file = Some(new_key)).await;
    let u = app.user("GT", &[Role::Analyst]).await;
    assert_eq!(app.get("/api/v1/me", Some(&u.token)).await.status, 200, "tokens are signed with the re-sealed key");
    let auditor = app.user("ST", &[Role::Auditor]).await;
    let keys = app.get("/api/v1/audit/keys", Some(&auditor.token)).await.json();
    check_note(&note(&app, &auditor.token).await, &keys);
}
