//! Cases: submission, sharing scopes, legal reservations (catalog default, country policy in
//! both directions, per-case additions), canary scans, non-interference, idempotency, batch,
//! If-Match, retraction, versions, validation, roles.

use std::collections::BTreeSet;

use diesel::prelude::*;
use enlace::access::Role;
use enlace::db::schema::cases;
use serde_json::{Value, json};

use crate::helpers::*;

/// Every leaf of a case document: (catalog path, JSON pointer). Written from the catalog, not
/// from the production redaction code.
pub fn leaves(doc: &Value, catalog: &BTreeSet<String>) -> Vec<(String, String)> {
    fn walk(v: &Value, path: &str, pointer: &str, catalog: &BTreeSet<String>, out: &mut Vec<(String, String)>) {
        if catalog.contains(path) {
            out.push((path.to_owned(), pointer.to_owned()));
            return;
        }
        match v {
            Value::Object(obj) => {
                for (k, child) in obj {
                    let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                    walk(child, &p, &format!("{pointer}/{k}"), catalog, out);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}[]"), &format!("{pointer}/{i}"), catalog, out);
                }
            }
            _ => out.push((path.to_owned(), pointer.to_owned())),
        }
    }
    let mut out = vec![];
    walk(doc, "", "", catalog, &mut out);
    out
}

/// The catalog as served: path → (type, default reserved).
pub async fn catalog(app: &TestApp, token: &str) -> Vec<(String, String, bool, bool)> {
    let res = app.get("/api/v1/formato", Some(token)).await;
    assert_eq!(res.status, 200);
    res.json()["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["field_type"].as_str().unwrap().to_owned(),
                f["default_flag"] == "reserved",
                f["reservable"] == false,
            )
        })
        .collect()
}

/// The oracle for reserved paths: catalog default, then the policy overrides, then per-case.
pub fn expected_reserved(
    catalog: &[(String, String, bool, bool)],
    policy: &[(String, bool)],
    per_case: &[String],
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (path, _, default_reserved, fixed) in catalog {
        if *fixed {
            continue;
        }
        let reserved = policy.iter().find(|(p, _)| p == path).map(|(_, r)| *r).unwrap_or(*default_reserved);
        if reserved || per_case.contains(path) {
            out.insert(path.clone());
        }
    }
    out
}

/// A fully filled case of `country` as JSON, with every free-text field that `reserved` covers
/// set to a unique canary, and per-case reservations added.
pub fn canary_case(
    seed: u64,
    country: &str,
    catalog: &[(String, String, bool, bool)],
    reserved: &BTreeSet<String>,
    per_case: &[&str],
) -> (Value, Vec<String>) {
    let input = enlace::formato::sample::full_case(seed, country);
    let mut doc = serde_json::to_value(&input).unwrap();
    let names: BTreeSet<String> = catalog.iter().map(|c| c.0.clone()).collect();
    let mut canaries = vec![];
    for (path, pointer) in leaves(&doc.clone(), &names) {
        if !reserved.contains(&path) {
            continue;
        }
        let ty = catalog.iter().find(|c| c.0 == path).map(|c| c.1.as_str()).unwrap_or("");
        let canary = format!(
            "CANARY-{country}-{}-{}",
            path.replace(['[', ']'], ""),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        let slot = doc.pointer_mut(&pointer).unwrap();
        match ty {
            "text" | "long_text" => *slot = Value::from(canary.clone()),
            "text_list" => *slot = json!([canary.clone()]),
            "object_list" => *slot = json!([{"kind": "phone", "value": canary.clone()}]),
            _ => continue,
        }
        canaries.push(canary);
    }
    doc["field_reservations"] =
        Value::Array(per_case.iter().map(|p| json!({"path": p, "reason": "Investigación en curso"})).collect());
    (doc, canaries)
}

fn scan(res: &Resp, canaries: &[String]) {
    let mut text = res.text();
    for (k, v) in res.headers.iter() {
        text.push_str(&format!("\n{k}: {}", v.to_str().unwrap_or("")));
    }
    for c in canaries {
        assert!(!text.contains(c.as_str()), "canary {c} leaked");
    }
    assert!(!text.contains("CANARY-"), "a canary leaked: {text}");
}

struct World {
    app: TestApp,
    gt: TestUser,
    mx: TestUser,
    hn: TestUser,
    gt_admin: TestUser,
    catalog: Vec<(String, String, bool, bool)>,
}

async fn world() -> World {
    let app = spawn_app().await;
    let gt = app.user("GT", &[Role::Officer]).await;
    let mx = app.user("MX", &[Role::Analyst]).await;
    let hn = app.user("HN", &[Role::Officer]).await;
    let gt_admin = app.user("GT", &[Role::CountryAdmin]).await;
    let catalog = catalog(&app, &gt.token).await;
    World { app, gt, mx, hn, gt_admin, catalog }
}

async fn submit(app: &TestApp, token: &str, case: &Value) -> (String, Resp) {
    let res = app.post("/api/v1/cases", Some(token), case).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let id = res.json()["case_id"].as_str().unwrap().to_owned();
    (id, res)
}

fn with_scope(mut case: Value, scope: &str, countries: &[&str]) -> Value {
    case["sharing"] =
        if countries.is_empty() { json!({"scope": scope}) } else { json!({"scope": scope, "countries": countries}) };
    case
}

fn is_marker(v: &Value) -> bool {
    v.get("withheld") == Some(&Value::Bool(true)) && v.get("basis").is_some_and(Value::is_string)
}

/// Check a foreign view against the own view: exactly the expected reserved paths withheld.
fn assert_exactly_withheld(own: &Value, foreign: &Value, reserved: &BTreeSet<String>, names: &BTreeSet<String>) {
    for (path, pointer) in leaves(own, names) {
        if matches!(path.as_str(), "created_by" | "updated_by" | "field_reservations" | "retraction_reason")
            || path.starts_with("created_by.")
            || path.starts_with("updated_by.")
            || path.starts_with("field_reservations")
        {
            continue;
        }
        let seen = foreign.pointer(&pointer);
        if reserved.contains(&path) {
            assert!(seen.is_some_and(is_marker), "{path} ({pointer}) must be withheld, got {seen:?}");
        } else {
            assert_eq!(seen, own.pointer(&pointer), "{path} ({pointer}) must be shared unchanged");
        }
    }
    // Every reserved path carries the marker wherever it could stand, whether or not it holds a value.
    for path in reserved {
        let segments: Vec<&str> = path.split('.').collect();
        fn check(v: &Value, segs: &[&str], path: &str) {
            let Some((first, rest)) = segs.split_first() else { return };
            match first.strip_suffix("[]") {
                Some(name) if rest.is_empty() => assert!(is_marker(&v[name]), "{path}"),
                Some(name) => {
                    for item in v[name].as_array().into_iter().flatten() {
                        check(item, rest, path);
                    }
                }
                None if rest.is_empty() => {
                    assert!(is_marker(&v[*first]), "{path} must be a marker even if empty: {}", v[*first])
                }
                None => check(&v[*first], rest, path),
            }
        }
        check(foreign, &segments, path);
    }
}

#[actix_web::test]
async fn reporting_country_reads_whole_and_others_read_exactly_the_shared_fields() {
    let w = world().await;
    let names: BTreeSet<String> = w.catalog.iter().map(|c| c.0.clone()).collect();
    // GT's policy: reserve a default-shared field (sex) and release a default-reserved one (summary).
    let res = w
        .app
        .send(
            "PUT",
            "/api/v1/parties/GT/reservation-policy",
            Some(&w.gt_admin.token),
            Some(&json!({
            "include_in_statistics": true,
            "fields": [
                {"path": "persons[].sex", "flag": "reserved", "legal_basis": "Ley contra la Violencia Sexual, art. 59"},
                {"path": "summary", "flag": "shared"}
            ]})),
            &[("If-Match", "*")],
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["version"], 1);
    let policy = vec![("persons[].sex".to_owned(), true), ("summary".to_owned(), false)];
    let per_case = ["case_status", "route[].to_place"];
    let reserved = expected_reserved(&w.catalog, &policy, &per_case.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert!(
        reserved.contains("persons[].given_names")
            && reserved.contains("persons[].sex")
            && !reserved.contains("summary")
    );

    let (case, canaries) = canary_case(7, "GT", &w.catalog, &reserved, &per_case);
    assert!(canaries.len() >= 10, "{}", canaries.len());
    let (id, created) = submit(&w.app, &w.gt.token, &with_scope(case, "listed", &["MX"])).await;
    assert_eq!(created.header("etag").as_deref(), Some("\"v1\""));
    assert_eq!(created.header("location").unwrap(), format!("/api/v1/cases/{id}"));
    let own = w.app.get(&format!("/api/v1/cases/{id}"), Some(&w.gt.token)).await;
    assert_eq!(own.status, 200);
    let own_doc = own.json();
    assert_eq!(own_doc["reporting_country"], "GT");
    for c in &canaries {
        assert!(own.text().contains(c.as_str()), "the reporting country sees {c}");
    }

    let foreign = w.app.get(&format!("/api/v1/cases/{id}"), Some(&w.mx.token)).await;
    assert_eq!(foreign.status, 200, "{}", foreign.text());
    scan(&foreign, &canaries);
    let f = foreign.json();
    assert_exactly_withheld(&own_doc, &f, &reserved, &names);
    assert_eq!(f["persons"][0]["sex"]["basis"], "Ley contra la Violencia Sexual, art. 59");
    assert!(f.get("field_reservations").is_none());
    assert!(f["created_by"].get("user_id").is_none());
    assert_ne!(foreign.header("etag"), own.header("etag"));

    // Honduras is not in the list: the case does not exist for it.
    let hn = w.app.get(&format!("/api/v1/cases/{id}"), Some(&w.hn.token)).await;
    let missing = w.app.get("/api/v1/cases/0190a0a0-0000-7000-8000-000000000000", Some(&w.hn.token)).await;
    assert_eq!(hn.status, 404);
    assert_eq!(missing.status, 404);
    assert_eq!(hn.json()["detail"], missing.json()["detail"]);
    assert_eq!(hn.json()["type"], missing.json()["type"]);
    let list = w.app.get("/api/v1/cases", Some(&w.hn.token)).await.json();
    assert!(list["items"].as_array().unwrap().is_empty());

    // Lists and search as MX: the case is there, withheld fields stay withheld, canaries never match.
    let list = w.app.get("/api/v1/cases", Some(&w.mx.token)).await;
    scan(&list, &canaries);
    assert_eq!(list.json()["items"][0]["case_id"], json!(id));
    assert!(is_marker(&list.json()["items"][0]["case_status"]));
    for c in canaries.iter().take(5) {
        let found = w.app.get(&format!("/api/v1/cases?q={}", &c[..c.len() - 2]), Some(&w.mx.token)).await;
        assert_eq!(found.json()["items"].as_array().unwrap().len(), 0, "search matched a reserved value");
        let own_found = w.app.get(&format!("/api/v1/cases?q={}", &c[..c.len() - 2]), Some(&w.gt.token)).await;
        assert_eq!(own_found.json()["items"].as_array().unwrap().len(), 1);
    }
    let status = own_doc["case_status"].as_str().unwrap();
    let by_status = w.app.get(&format!("/api/v1/cases?case_status={status}"), Some(&w.mx.token)).await.json();
    assert!(by_status["items"].as_array().unwrap().is_empty(), "filtering on a reserved field matched");
    let case_type = own_doc["case_type"].as_str().unwrap();
    let by_type = w.app.get(&format!("/api/v1/cases?case_type={case_type}"), Some(&w.mx.token)).await.json();
    assert_eq!(by_type["items"].as_array().unwrap().len(), 1, "case_type is shared");

    // Policy changes apply on the next request: release sex again, reserve case_type.
    let res = w
        .app
        .send(
            "PUT",
            "/api/v1/parties/GT/reservation-policy",
            Some(&w.gt_admin.token),
            Some(&json!({
            "include_in_statistics": true,
            "fields": [{"path": "case_type", "flag": "reserved", "legal_basis": "Acuerdo 2026-1"}]})),
            &[("If-Match", "*")],
        )
        .await;
    assert_eq!(res.status, 200);
    let f = w.app.get(&format!("/api/v1/cases/{id}"), Some(&w.mx.token)).await.json();
    assert!(!is_marker(&f["persons"][0]["sex"]));
    assert!(is_marker(&f["case_type"]));
    assert!(is_marker(&f["summary"]), "summary is back to its catalog default");
    let by_type = w.app.get(&format!("/api/v1/cases?case_type={case_type}"), Some(&w.mx.token)).await.json();
    assert!(by_type["items"].as_array().unwrap().is_empty());
    assert_eq!(w.app.audit_count("reservation_policy_update"), 2);
    assert!(w.app.audit_count("case_read") >= 3);
}

#[actix_web::test]
async fn changing_only_reserved_values_changes_no_foreign_byte() {
    let w = world().await;
    let reserved = expected_reserved(&w.catalog, &[], &[]);
    let (case, canaries) = canary_case(11, "GT", &w.catalog, &reserved, &[]);
    let (id, _) = submit(&w.app, &w.gt.token, &with_scope(case, "network", &[])).await;
    let headers = [("X-Request-Id", "fixed-request-id")];
    let get = |token: String| {
        let app = &w.app;
        let id = id.clone();
        async move {
            let a = app.send("GET", &format!("/api/v1/cases/{id}"), Some(&token), None, &headers).await;
            let b = app.send("GET", "/api/v1/cases?limit=10", Some(&token), None, &headers).await;
            (a.status, a.header("etag"), a.body, b.body)
        }
    };
    let before = get(w.mx.token.clone()).await;
    // Rewrite every canary in the stored document (as a database-level change would).
    let doc: String = cases::table.find(&id).select(cases::document).get_result(&mut w.app.conn()).unwrap();
    let mut changed = doc.clone();
    for c in &canaries {
        changed = changed.replace(c.as_str(), &format!("{c}-CHANGED-VALUE"));
    }
    assert_ne!(doc, changed);
    diesel::update(cases::table.find(&id)).set(cases::document.eq(changed)).execute(&mut w.app.conn()).unwrap();
    let after = get(w.mx.token.clone()).await;
    assert_eq!(before, after, "a reserved value changed a foreign response");
    let own = w.app.get(&format!("/api/v1/cases/{id}"), Some(&w.gt.token)).await;
    assert!(own.text().contains("-CHANGED-VALUE"));
}

#[actix_web::test]
async fn idempotent_retries_create_nothing_new() {
    let w = world().await;
    let case = serde_json::to_value(enlace::formato::sample::typical_case(3, "GT")).unwrap();
    let key = [("Idempotency-Key", "gt-2026-000123")];
    let a = w.app.send("POST", "/api/v1/cases", Some(&w.gt.token), Some(&case), &key).await;
    let b = w.app.send("POST", "/api/v1/cases", Some(&w.gt.token), Some(&case), &key).await;
    assert_eq!(a.status, 201);
    assert_eq!(b.status, 201);
    assert_eq!(a.body, b.body);
    assert_eq!(a.header("location"), b.header("location"));
    let n: i64 = cases::table.count().get_result(&mut w.app.conn()).unwrap();
    assert_eq!(n, 1);
    let mut other = case.clone();
    other["summary"] = json!("otro resumen");
    let c = w.app.send("POST", "/api/v1/cases", Some(&w.gt.token), Some(&other), &key).await;
    assert_eq!(c.status, 422);
    assert_eq!(c.problem(), "idempotency-key-reused");
    assert_eq!(cases::table.count().get_result::<i64>(&mut w.app.conn()).unwrap(), 1);
}

#[actix_web::test]
async fn a_batch_stores_the_good_records_and_reports_the_bad_ones() {
    let w = world().await;
    let good = |seed| serde_json::to_value(enlace::formato::sample::typical_case(seed, "GT")).unwrap();
    let mut bad_date = good(2);
    bad_date["persons"][0]["date_of_birth"] = json!("2999-01-01");
    let mut unknown = good(3);
    unknown["persons"][0]["phone"] = json!("+50255555555");
    let body = json!({"cases": [good(1), bad_date, good(4), unknown]});
    let res = w.app.post("/api/v1/cases/batch", Some(&w.gt.token), &body).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let r = res.json();
    assert_eq!(r["created"], 2);
    assert_eq!(r["rejected"], 2);
    assert_eq!(r["results"][0]["status"], "created");
    assert_eq!(r["results"][1]["status"], "rejected");
    let errors = r["results"][1]["errors"].as_array().unwrap();
    assert!(errors.iter().any(|e| e["field"] == "persons[0].date_of_birth"), "{errors:?}");
    let errors = r["results"][3]["errors"].as_array().unwrap();
    assert!(errors[0]["field"].as_str().unwrap().starts_with("cases[3].persons[0]"), "{errors:?}");
    assert!(errors[0]["message"].as_str().unwrap().contains("phone"), "{errors:?}");
    assert_eq!(cases::table.count().get_result::<i64>(&mut w.app.conn()).unwrap(), 2);
    let id = r["results"][2]["id"].as_str().unwrap();
    assert_eq!(w.app.get(&format!("/api/v1/cases/{id}"), Some(&w.gt.token)).await.status, 200);
    let too_many = json!({"cases": (0..501).map(|_| json!({})).collect::<Vec<_>>()});
    assert_eq!(w.app.post("/api/v1/cases/batch", Some(&w.gt.token), &too_many).await.status, 422);
}

#[actix_web::test]
async fn a_country_listed_twice_is_shared_with_once() {
    let w = world().await;
    let case = with_scope(
        serde_json::to_value(enlace::formato::sample::typical_case(6, "GT")).unwrap(),
        "listed",
        &["HN", "HN"],
    );
    let (id, _) = submit(&w.app, &w.gt.token, &case).await;
    let path = format!("/api/v1/cases/{id}");
    assert_eq!(w.app.get(&path, Some(&w.hn.token)).await.status, 200);
    assert_eq!(w.app.get(&path, Some(&w.mx.token)).await.status, 404);
    let res = w.app.send("PUT", &path, Some(&w.gt.token), Some(&case), &[("If-Match", "\"v1\"")]).await;
    assert_eq!(res.status, 200, "{}", res.text());
}

#[actix_web::test]
async fn updates_need_if_match_and_keep_every_version() {
    let w = world().await;
    let case =
        with_scope(serde_json::to_value(enlace::formato::sample::typical_case(5, "GT")).unwrap(), "network", &[]);
    let (id, _) = submit(&w.app, &w.gt.token, &case).await;
    let path = format!("/api/v1/cases/{id}");
    let mut v2 = case.clone();
    v2["case_status"] = json!("follow_up");
    let res = w.app.send("PUT", &path, Some(&w.gt.token), Some(&v2), &[]).await;
    assert_eq!(res.status, 428);
    let res = w.app.send("PUT", &path, Some(&w.gt.token), Some(&v2), &[("If-Match", "\"v7\"")]).await;
    assert_eq!(res.status, 412);
    // An If-Match list may come in several field lines (RFC 9110 §5.3); one of them matches.
    let lines = [("If-Match", "\"v0\""), ("If-Match", "W/\"v1\", \"v1\"")];
    let res = w.app.send("PUT", &path, Some(&w.gt.token), Some(&v2), &lines).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("etag").as_deref(), Some("\"v2\""));
    assert_eq!(res.json()["version"], 2);
    let lines = [("If-Match", "\"v1\""), ("If-Match", "W/\"v2\"")];
    let stale = w.app.send("PUT", &path, Some(&w.gt.token), Some(&v2), &lines).await;
    assert_eq!(stale.status, 412, "none matches strongly");
    // Another country's officer sees the case but may not change it; nothing changes.
    let hn = w.app.send("PUT", &path, Some(&w.hn.token), Some(&v2), &[("If-Match", "\"v2\"")]).await;
    assert_eq!(hn.status, 403);
    let versions = w.app.get(&format!("{path}/versions"), Some(&w.gt.token)).await.json();
    assert_eq!(versions.as_array().unwrap().len(), 2);
    assert_eq!(versions[1]["change"], "update");
    let first = w.app.get(&format!("{path}/versions/1"), Some(&w.gt.token)).await.json();
    assert_eq!(first["case_status"], case["case_status"]);
    assert_eq!(w.app.get(&format!("{path}/versions"), Some(&w.mx.token)).await.status, 404);
    assert_eq!(w.app.get(&format!("{path}/versions/1"), Some(&w.mx.token)).await.status, 404);
    assert_eq!(w.app.get(&format!("{path}/versions/9"), Some(&w.gt.token)).await.status, 404);
}

#[actix_web::test]
async fn a_retracted_case_is_gone_for_everyone_but_its_country() {
    let w = world().await;
    let case =
        with_scope(serde_json::to_value(enlace::formato::sample::typical_case(8, "GT")).unwrap(), "network", &[]);
    let (id, _) = submit(&w.app, &w.gt.token, &case).await;
    let path = format!("/api/v1/cases/{id}");
    assert_eq!(w.app.get(&path, Some(&w.mx.token)).await.status, 200);
    let no_reason = w.app.send("DELETE", &path, Some(&w.gt.token), Some(&json!({"reason": " "})), &[]).await;
    assert_eq!(no_reason.status, 422);
    let res =
        w.app.send("DELETE", &path, Some(&w.gt.token), Some(&json!({"reason": "Registrado por error"})), &[]).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["retracted"], true);
    assert_eq!(w.app.get(&path, Some(&w.mx.token)).await.status, 404);
    assert!(w.app.get("/api/v1/cases", Some(&w.mx.token)).await.json()["items"].as_array().unwrap().is_empty());
    let own = w.app.get(&path, Some(&w.gt.token)).await.json();
    assert_eq!(own["retracted"], true);
    assert_eq!(own["retraction_reason"], "Registrado por error");
    let again = w.app.send("DELETE", &path, Some(&w.gt.token), Some(&json!({"reason": "otra vez"})), &[]).await;
    assert_eq!(again.status, 409);
    assert_eq!(w.app.audit_outcomes("case_retract"), vec![("allowed".to_owned(), 1), ("failed".to_owned(), 2)]);
}

#[actix_web::test]
async fn validation_names_each_failing_field_and_changes_nothing() {
    let w = world().await;
    let mut case = serde_json::to_value(enlace::formato::sample::full_case(1, "GT")).unwrap();
    case["persons"][1]["date_of_birth"] = json!("2999-02-30");
    case["sharing"] = json!({"scope": "listed"});
    case["smuggling"]["fee_amount"] = json!(-5);
    let res = w.app.post("/api/v1/cases", Some(&w.gt.token), &case).await;
    assert_eq!(res.status, 422, "{}", res.text());
    assert_eq!(res.problem(), "validation");
    let fields: Vec<String> =
        res.json()["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect();
    assert!(fields.contains(&"persons[1].date_of_birth".to_owned()), "{fields:?}");
    assert!(fields.iter().any(|f| f.starts_with("sharing.countries")), "{fields:?}");
    assert!(fields.contains(&"smuggling.fee_amount".to_owned()), "{fields:?}");
    for forbidden in [json!({"case_id": "x"}), json!({"reporting_country": "MX"}), json!({"version": 3})] {
        let mut c = case.clone();
        for (k, v) in forbidden.as_object().unwrap() {
            c[k] = v.clone();
        }
        let res = w.app.post("/api/v1/cases", Some(&w.gt.token), &c).await;
        assert_eq!(res.status, 422, "{forbidden}");
        let key = forbidden.as_object().unwrap().keys().next().unwrap().clone();
        let named =
            res.json()["errors"].as_array().unwrap().iter().any(|e| e["field"] == key && e["code"] == "server_set");
        assert!(named, "{key} is set by the server: {}", res.text());
    }
    let mut c = serde_json::to_value(enlace::formato::sample::typical_case(1, "GT")).unwrap();
    c["persons"][0]["address"] = json!("Zona 1");
    let res = w.app.post("/api/v1/cases", Some(&w.gt.token), &c).await;
    assert_eq!(res.status, 422);
    assert_eq!(res.json()["errors"][0]["field"], "persons[0].address");
    assert_eq!(cases::table.count().get_result::<i64>(&mut w.app.conn()).unwrap(), 0);
}

#[actix_web::test]
async fn only_officers_and_analysts_of_member_countries_touch_cases() {
    let w = world().await;
    let case =
        with_scope(serde_json::to_value(enlace::formato::sample::typical_case(9, "GT")).unwrap(), "network", &[]);
    let (id, _) = submit(&w.app, &w.gt.token, &case).await;
    let st = w.app.user("ST", &[Role::StAdmin]).await;
    let stats = w.app.user("MX", &[Role::StatisticsReader]).await;
    let auditor = w.app.user("GT", &[Role::Auditor]).await;
    let analyst = w.app.user("GT", &[Role::Analyst]).await;
    for u in [&st, &stats, &auditor, &w.gt_admin] {
        assert_eq!(w.app.get("/api/v1/cases", Some(&u.token)).await.status, 403, "{:?}", u.roles);
        assert_eq!(w.app.get(&format!("/api/v1/cases/{id}"), Some(&u.token)).await.status, 404, "{:?}", u.roles);
        assert_eq!(w.app.post("/api/v1/cases", Some(&u.token), &case).await.status, 403, "{:?}", u.roles);
    }
    assert_eq!(w.app.get(&format!("/api/v1/cases/{id}"), Some(&analyst.token)).await.status, 200);
    assert_eq!(w.app.post("/api/v1/cases", Some(&analyst.token), &case).await.status, 403);
    assert_eq!(w.app.get("/api/v1/parties/GT/reservation-policy", Some(&st.token)).await.status, 200);
    assert_eq!(w.app.get("/api/v1/parties/GT/reservation-policy", Some(&w.mx.token)).await.status, 403);
    let put = json!({"include_in_statistics": true, "fields": []});
    assert_eq!(
        w.app
            .send("PUT", "/api/v1/parties/GT/reservation-policy", Some(&st.token), Some(&put), &[("If-Match", "*")])
            .await
            .status,
        403
    );
    assert_eq!(
        w.app
            .send("PUT", "/api/v1/parties/GT/reservation-policy", Some(&w.gt.token), Some(&put), &[("If-Match", "*")])
            .await
            .status,
        403
    );
    let bad = json!({"include_in_statistics": true, "fields": [{"path": "persons[].sex", "flag": "reserved"}, {"path": "case_id", "flag": "reserved", "legal_basis": "x"}]});
    let res = w
        .app
        .send("PUT", "/api/v1/parties/GT/reservation-policy", Some(&w.gt_admin.token), Some(&bad), &[("If-Match", "*")])
        .await;
    assert_eq!(res.status, 422);
    let fields: Vec<String> =
        res.json()["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect();
    assert!(
        fields.contains(&"fields[0].legal_basis".to_owned()) && fields.contains(&"fields[1].path".to_owned()),
        "{fields:?}"
    );
}

#[actix_web::test]
async fn auditors_see_reads_of_their_cases_but_learn_nothing_from_refusals_elsewhere() {
    let w = world().await;
    let national =
        with_scope(serde_json::to_value(enlace::formato::sample::typical_case(12, "GT")).unwrap(), "national", &[]);
    let (secret_id, _) = submit(&w.app, &w.gt.token, &national).await;
    let shared =
        with_scope(serde_json::to_value(enlace::formato::sample::typical_case(13, "GT")).unwrap(), "network", &[]);
    let (shared_id, _) = submit(&w.app, &w.gt.token, &shared).await;
    assert_eq!(w.app.get(&format!("/api/v1/cases/{secret_id}"), Some(&w.mx.token)).await.status, 404);
    assert_eq!(w.app.get(&format!("/api/v1/cases/{shared_id}"), Some(&w.mx.token)).await.status, 200);
    let gt_auditor = w.app.user("GT", &[Role::Auditor]).await;
    let mx_auditor = w.app.user("MX", &[Role::Auditor]).await;
    let gt_view = w.app.get("/api/v1/audit?action=case_read&limit=100", Some(&gt_auditor.token)).await.json();
    let gt_items = gt_view["items"].as_array().unwrap();
    assert!(
        gt_items
            .iter()
            .any(|e| e["actor_party"] == "MX" && e["object_id"] == json!(shared_id) && e["outcome"] == "allowed")
    );
    assert!(
        gt_items
            .iter()
            .any(|e| e["actor_party"] == "MX" && e["object_id"] == json!(secret_id) && e["outcome"] == "denied")
    );
    let mx_view = w.app.get("/api/v1/audit?action=case_read&limit=100", Some(&mx_auditor.token)).await;
    assert!(!mx_view.text().contains(&secret_id), "the MX auditor learned of a GT national case");
    assert!(mx_view.text().contains(&shared_id));
}

#[actix_web::test]
async fn cases_of_two_more_countries_share_exactly_their_shared_fields() {
    let w = world().await;
    let names: BTreeSet<String> = w.catalog.iter().map(|c| c.0.clone()).collect();
    let cr = w.app.user("CR", &[Role::Officer]).await;
    let cr_admin = w.app.user("CR", &[Role::CountryAdmin]).await;
    // Costa Rica releases the suspects' aliases and reserves the exploitation country.
    let res = w
        .app
        .send("PUT", "/api/v1/parties/CR/reservation-policy", Some(&cr_admin.token), Some(&json!({
            "include_in_statistics": false,
            "fields": [
                {"path": "suspects[].aliases", "flag": "shared"},
                {"path": "persons[].exploitation.exploitation_country", "flag": "reserved", "legal_basis": "Ley 8968, art. 9"}
            ]})), &[("If-Match", "*")])
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let cr_policy = vec![
        ("suspects[].aliases".to_owned(), false),
        ("persons[].exploitation.exploitation_country".to_owned(), true),
    ];
    for (officer, country, policy, per_case, scope) in [
        (&w.hn, "HN", vec![], vec!["documents[].issuing_state"], json!({"scope": "network"})),
        (
            &cr,
            "CR",
            cr_policy,
            vec!["smuggling.modes", "detection_country"],
            json!({"scope": "listed", "countries": ["MX", "GT"]}),
        ),
    ] {
        let per_case_owned: Vec<String> = per_case.iter().map(|s| s.to_string()).collect();
        let reserved = expected_reserved(&w.catalog, &policy, &per_case_owned);
        let (mut case, canaries) = canary_case(21, country, &w.catalog, &reserved, &per_case);
        case["sharing"] = scope;
        case.as_object_mut().unwrap().remove("include_in_statistics");
        let (id, _) = submit(&w.app, &officer.token, &case).await;
        let own = w.app.get(&format!("/api/v1/cases/{id}"), Some(&officer.token)).await.json();
        assert_eq!(own["reporting_country"], country);
        let foreign = w.app.get(&format!("/api/v1/cases/{id}"), Some(&w.mx.token)).await;
        assert_eq!(foreign.status, 200);
        scan(&foreign, &canaries);
        assert_exactly_withheld(&own, &foreign.json(), &reserved, &names);
        // Without an explicit choice the country policy's statistics default applies.
        assert_eq!(own["include_in_statistics"], country != "CR");
    }
}

#[actix_web::test]
async fn statistical_records_follow_every_case_write() {
    use enlace::db::schema::{stat_case_facts, stat_dirty};
    use enlace::statistics::record::CaseRecord;
    let w = world().await;
    let input = enlace::formato::sample::full_case(31, "GT");
    let case = with_scope(serde_json::to_value(&input).unwrap(), "national", &[]);
    let (id, _) = submit(&w.app, &w.gt.token, &case).await;
    let record = |app: &TestApp| -> Option<(String, CaseRecord)> {
        let row: Option<(String, Vec<u8>)> = stat_case_facts::table
            .find(&id)
            .select((stat_case_facts::part, stat_case_facts::data))
            .get_result(&mut app.conn())
            .optional()
            .unwrap();
        row.map(|(part, data)| (part, CaseRecord::decode(&data).expect("a record that decodes")))
    };
    let (part, r) = record(&w.app).expect("a national case still counts in statistics");
    assert_eq!(part, r.partition());
    assert!(part.starts_with("GT/"));
    let raw = &r.forms[0];
    assert_eq!(raw.rows[1].len(), input.persons.len());
    assert_eq!(raw.rows[2].len(), input.suspects.len());
    assert_eq!(raw.rows[3].len(), input.documents.len());
    assert_eq!(raw.rows[4].len(), input.route.len());
    assert!(raw.rows[1].iter().all(|p| !p.multis[0].is_empty()), "every person's citizenship");
    let marked = |app: &TestApp, part: &str| -> i64 {
        stat_dirty::table.filter(stat_dirty::part.eq(part)).count().get_result(&mut app.conn()).unwrap()
    };
    // The compaction takes the partition's markers away.
    enlace::statistics::store::compact(&mut w.app.conn(), true, usize::MAX).unwrap();
    assert_eq!(marked(&w.app, &part), 0);

    // An update replaces the record; a retraction takes the case out of statistics.
    let mut v2 = case.clone();
    v2["persons"][0]["sex"] = json!("unspecified");
    let res = w
        .app
        .send("PUT", &format!("/api/v1/cases/{id}"), Some(&w.gt.token), Some(&v2), &[("If-Match", "\"v1\"")])
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let (_, r2) = record(&w.app).unwrap();
    let sex = enlace::statistics::record::PERSON.singles.iter().position(|c| *c == "sex").unwrap();
    assert_eq!(r2.forms[0].rows[1][0].singles[sex].as_deref(), Some("unspecified"));
    assert_eq!(r2.forms[0].rows[1].len(), input.persons.len());
    let res = w
        .app
        .send("DELETE", &format!("/api/v1/cases/{id}"), Some(&w.gt.token), Some(&json!({"reason": "duplicado"})), &[])
        .await;
    assert_eq!(res.status, 200);
    assert!(record(&w.app).is_none(), "a retracted case has no statistical record");
}

#[actix_web::test]
async fn renderings_lost_or_outdated_are_rebuilt_to_the_same_bytes() {
    use enlace::db::schema::{case_views, derived_versions};
    let w = world().await;
    let mut ids = vec![];
    for seed in 40..44 {
        let case =
            with_scope(serde_json::to_value(enlace::formato::sample::full_case(seed, "GT")).unwrap(), "network", &[]);
        ids.push(submit(&w.app, &w.gt.token, &case).await.0);
    }
    // GT reserves a field: the renderings of its cases change with the policy.
    let res = w.app.send("PUT", "/api/v1/parties/GT/reservation-policy", Some(&w.gt_admin.token),
        Some(&json!({"include_in_statistics": true, "fields": [{"path": "persons[].sex", "flag": "reserved", "legal_basis": "Ley de protección de datos"}]})), &[("If-Match", "*")]).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let foreign = reads(&w.app, &ids, &w.mx.token).await;
    let own = reads(&w.app, &ids, &w.gt.token).await;
    assert!(String::from_utf8_lossy(&foreign[0].1).contains("\"withheld\":true"), "the foreign view is redacted");

    // The stored renderings are lost (as before the migration that introduced them) …
    diesel::delete(case_views::table).execute(&mut w.app.conn()).unwrap();
    diesel::update(derived_versions::table.find("case_views"))
        .set(derived_versions::value.eq("0"))
        .execute(&mut w.app.conn())
        .unwrap();
    // … and rebuilt at the next start-up: every reader gets the same bytes and ETags as before.
    assert_eq!(enlace::cases::store::ensure_views_current(&mut w.app.conn()).unwrap(), ids.len());
    assert_eq!(enlace::cases::store::ensure_views_current(&mut w.app.conn()).unwrap(), 0, "current now");
    assert_eq!(reads(&w.app, &ids, &w.mx.token).await, foreign);
    assert_eq!(reads(&w.app, &ids, &w.gt.token).await, own);
}

/// Every case read (ETag and bytes) and the first list page, as one reader gets them.
async fn reads(app: &TestApp, ids: &[String], token: &str) -> Vec<(Option<String>, Vec<u8>)> {
    let mut out = vec![];
    for id in ids {
        let r = app.get(&format!("/api/v1/cases/{id}"), Some(token)).await;
        assert_eq!(r.status, 200);
        out.push((r.header("etag"), r.body.clone()));
    }
    out.push((None, app.get("/api/v1/cases?limit=10", Some(token)).await.body));
    out
}
