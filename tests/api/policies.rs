//! Reservation policies (issue #15, SPEC §3 and §7 M4): replacements need `If-Match` (428
//! without, 412 if stale) and every version is kept with who wrote it and from when it applies;
//! a version dated ahead takes effect by itself at its time (on a clock the test moves), without
//! a restart; reads name the policy version that was applied; handling and evaluation codes are
//! never reservable and every recipient sees them.

use diesel::prelude::*;
use enlace::access::Role;
use enlace::db::schema::reservation_policies;
use serde_json::{Value, json};

use crate::helpers::*;

const POLICY: &str = "/api/v1/parties/GT/reservation-policy";
const HANDLING: [&str; 6] = [
    "handling_codes",
    "handling_conditions",
    "source_reliability",
    "information_accuracy",
    "suspects[].source_reliability",
    "suspects[].information_accuracy",
];

fn reserve(paths: &[&str]) -> Value {
    let fields: Vec<Value> = paths
        .iter()
        .map(|p| json!({"path": p, "flag": "reserved", "legal_basis": "Decreto 57-2008, art. 22"}))
        .collect();
    json!({"include_in_statistics": true, "fields": fields})
}

async fn put(app: &TestApp, token: &str, body: &Value, if_match: Option<&str>) -> Resp {
    app.put(POLICY, token, body, if_match).await
}

/// An RFC 3339 time `ahead` from the server's clock.
fn at(app: &TestApp, ahead: time::Duration) -> String {
    (app.clock.now() + ahead).format(&time::format_description::well_known::Rfc3339).unwrap()
}

#[actix_web::test]
async fn replacements_need_if_match_and_every_version_is_kept() {
    let app = spawn_app().await;
    let (admin, admin2) = (app.user("GT", &[Role::CountryAdmin]).await, app.user("GT", &[Role::CountryAdmin]).await);
    let mx = app.user("MX", &[Role::Analyst]).await;
    let st = app.user("ST", &[Role::StAdmin]).await;

    let res = app.get(POLICY, Some(&admin.token)).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("etag").as_deref(), Some("\"v0\""));
    assert_eq!(res.json()["version"], 0);
    let body = reserve(&["persons[].sex"]);
    let res = put(&app, &admin.token, &body, None).await;
    assert_eq!((res.status, res.problem()), (428, "precondition-required".to_owned()));
    for stale in ["\"v7\"", "W/\"v0\"", "v0"] {
        assert_eq!(put(&app, &admin.token, &body, Some(stale)).await.status, 412, "{stale}");
    }
    assert_eq!(app.get(POLICY, Some(&admin.token)).await.json()["latest_version"], 0, "refusals changed nothing");
    let res = put(&app, &admin.token, &body, Some("\"v0\"")).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("etag").as_deref(), Some("\"v1\""));
    assert_eq!(res.json()["version"], 1);
    // A second administrator still holding the old ETag does not silently overwrite it.
    let res = put(&app, &admin2.token, &reserve(&["summary"]), Some("\"v0\"")).await;
    assert_eq!((res.status, res.problem()), (412, "precondition-failed".to_owned()));
    let res = put(&app, &admin2.token, &reserve(&["summary"]), Some("\"v0\", \"v1\"")).await;
    assert_eq!(res.status, 200, "an If-Match list (RFC 9110): {}", res.text());
    assert_eq!(put(&app, &admin.token, &reserve(&[]), Some("*")).await.header("etag").as_deref(), Some("\"v3\""));

    // Input errors name the field and write no version.
    let cases = [
        (reserve(&["handling_codes"]), "fields[0].path", "never_reservable"),
        (reserve(&["suspects[].information_accuracy"]), "fields[0].path", "never_reservable"),
        (reserve(&["case_id"]), "fields[0].path", "not_reservable"),
        (
            json!({"include_in_statistics": true, "fields": [], "effective_from": "2020-01-01T00:00:00Z"}),
            "effective_from",
            "in_the_past",
        ),
        (
            json!({"include_in_statistics": true, "fields": [], "effective_from": "mañana"}),
            "effective_from",
            "invalid_datetime",
        ),
        (
            json!({"include_in_statistics": true, "fields": [], "effective_from": at(&app, time::Duration::days(400))}),
            "effective_from",
            "too_far_ahead",
        ),
    ];
    for (body, field, code) in cases {
        let res = app
            .send("PUT", POLICY, Some(&admin.token), Some(&body), &[("If-Match", "\"v3\""), ("Accept-Language", "es")])
            .await;
        assert_eq!(res.status, 422, "{}", res.text());
        let err = &res.json()["errors"][0];
        assert_eq!((err["field"].as_str(), err["code"].as_str()), (Some(field), Some(code)), "{err}");
        assert!(!err["message_es"].as_str().unwrap().is_empty() && !err["message"].as_str().unwrap().is_empty());
    }

    // The history: every version, who wrote it, from when, and where it stands.
    let versions = app.get(&format!("{POLICY}/versions"), Some(&admin.token)).await.json();
    let v = versions.as_array().unwrap();
    assert_eq!(v.len(), 3, "{versions}");
    assert_eq!(
        v.iter().map(|x| x["status"].as_str().unwrap()).collect::<Vec<_>>(),
        ["previous", "previous", "in_force"]
    );
    assert_eq!(v[0]["created_by"], admin.id.as_str());
    assert_eq!(v[1]["created_by"], admin2.id.as_str());
    assert!(v.iter().all(|x| x["effective_from"].is_string() && x["applied_at"].is_string()));
    let two = app.get(&format!("{POLICY}/versions/2"), Some(&st.token)).await.json();
    assert_eq!(two["fields"][0]["path"], "summary");
    assert_eq!(two["status"], "previous");
    assert_eq!(app.get(&format!("{POLICY}/versions/9"), Some(&admin.token)).await.status, 404);
    assert_eq!(app.get(&format!("{POLICY}/versions"), Some(&mx.token)).await.status, 403);
    assert_eq!(app.get(&format!("{POLICY}/versions/1"), Some(&mx.token)).await.status, 403);
    assert_eq!(app.get("/api/v1/parties/ST/reservation-policy/versions", Some(&st.token)).await.status, 404);
    assert_eq!(app.audit_outcomes("reservation_policy_update"), [("allowed".to_owned(), 3), ("failed".to_owned(), 11)]);
}

fn sex_of(view: &Value) -> Value {
    view["persons"][0]["sex"].clone()
}

#[actix_web::test]
async fn a_version_dated_ahead_takes_effect_by_itself_and_reads_name_the_version_applied() {
    let app = spawn_app().await;
    let admin = app.user("GT", &[Role::CountryAdmin]).await;
    let gt = app.user("GT", &[Role::Officer]).await;
    let mx = app.user("MX", &[Role::Analyst]).await;
    let mut case = serde_json::to_value(enlace::formato::sample::typical_case(4, "GT")).unwrap();
    case["sharing"] = json!({"scope": "network"});
    case["persons"][0]["sex"] = Value::from("female");
    let res = app.post("/api/v1/cases", Some(&gt.token), &case).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let path = format!("/api/v1/cases/{}", res.json()["case_id"].as_str().unwrap());
    let read = || async { app.get(&path, Some(&mx.token)).await.json() };
    assert_eq!(sex_of(&read().await), "female");

    // Version 1 reserves the sex of persons from two hours ahead: scheduled, nothing changes yet.
    let mut body = reserve(&["persons[].sex"]);
    body["effective_from"] = Value::from(at(&app, time::Duration::hours(2)));
    let res = put(&app, &admin.token, &body, Some("\"v0\"")).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let doc = res.json();
    assert_eq!((doc["version"].as_i64(), doc["latest_version"].as_i64()), (Some(0), Some(1)), "{doc}");
    assert_eq!(doc["scheduled"][0]["version"], 1);
    assert_eq!(res.header("etag").as_deref(), Some("\"v1\""));
    assert_eq!(sex_of(&read().await), "female");
    assert_eq!(app.get(&format!("{POLICY}/versions"), Some(&admin.token)).await.json()[0]["status"], "scheduled");

    // Two hours later (on the server's clock) it is in force, without a restart.
    app.clock.advance(time::Duration::minutes(121));
    let mut withheld = false;
    for _ in 0..100 {
        if sex_of(&read().await)["withheld"] == true {
            withheld = true;
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(withheld, "the scheduled version took effect by itself");
    let doc = app.get(POLICY, Some(&admin.token)).await.json();
    assert_eq!(doc["version"], 1);
    assert!(doc["scheduled"].as_array().unwrap().is_empty());
    let v1 = app.get(&format!("{POLICY}/versions/1"), Some(&admin.token)).await.json();
    assert_eq!(v1["status"], "in_force");
    assert!(v1["applied_at"].is_string());
    assert_eq!(app.audit_count("reservation_policy_effective"), 1);
    // Each foreign read names the policy version its redaction applied.
    let applied: Vec<Value> = app
        .audit_events("case_read")
        .iter()
        .map(|(_, _, d)| serde_json::from_str::<Value>(d).unwrap()["policy_version"].clone())
        .filter(|v| !v.is_null())
        .collect();
    assert_eq!(applied.first(), Some(&json!(0)));
    assert_eq!(applied.last(), Some(&json!(1)));

    // A later version dated no later than a scheduled one supersedes it, and it never applies.
    let mut v2 = reserve(&["summary", "persons[].sex"]);
    v2["effective_from"] = Value::from(at(&app, time::Duration::hours(1)));
    assert_eq!(put(&app, &admin.token, &v2, Some("\"v1\"")).await.status, 200);
    let mut v3 = reserve(&["persons[].sex"]);
    v3["effective_from"] = Value::from(at(&app, time::Duration::minutes(30)));
    assert_eq!(put(&app, &admin.token, &v3, Some("\"v2\"")).await.status, 200);
    let res = put(&app, &admin.token, &reserve(&[]), Some("\"v3\"")).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["version"], 4);
    assert_eq!(sex_of(&read().await), "female", "version 4 released the field at once");
    app.clock.advance(time::Duration::hours(2));
    actix_web::rt::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(sex_of(&read().await), "female", "superseded versions never apply");
    let statuses: Vec<String> = app
        .get(&format!("{POLICY}/versions"), Some(&admin.token))
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(statuses, ["previous", "superseded", "superseded", "in_force"]);
}

#[actix_web::test]
async fn handling_and_evaluation_codes_are_never_withheld() {
    let app = spawn_app().await;
    let admin = app.user("GT", &[Role::CountryAdmin]).await;
    let gt = app.user("GT", &[Role::Officer]).await;
    let mx = app.user("MX", &[Role::Analyst]).await;

    // The catalog marks them.
    let formato = app.get("/api/v1/formato", Some(&mx.token)).await.json();
    for path in HANDLING {
        let f = formato["fields"].as_array().unwrap().iter().find(|f| f["path"] == path).unwrap();
        assert_eq!((f["reservable"].as_bool(), f["handling"].as_bool()), (Some(false), Some(true)), "{f}");
    }
    // A case cannot reserve them.
    let mut case = serde_json::to_value(enlace::formato::sample::full_case(5, "GT")).unwrap();
    case["sharing"] = json!({"scope": "network"});
    case["field_reservations"] = json!([{"path": "handling_codes", "reason": "Investigación en curso"}]);
    let res = app.post("/api/v1/cases", Some(&gt.token), &case).await;
    assert_eq!(res.status, 422);
    let err = &res.json()["errors"][0];
    assert_eq!(
        (err["field"].as_str(), err["code"].as_str()),
        (Some("field_reservations[0].path"), Some("never_reservable"))
    );

    // Nor can a policy; and a stored policy that reserved them before this rule withholds nothing.
    assert_eq!(put(&app, &admin.token, &reserve(&HANDLING), Some("*")).await.status, 422);
    assert_eq!(put(&app, &admin.token, &reserve(&["summary"]), Some("*")).await.status, 200);
    let legacy: Vec<Value> =
        HANDLING.iter().map(|p| json!({"path": p, "flag": "reserved", "legal_basis": "Ley anterior"})).collect();
    diesel::update(reservation_policies::table.find("GT"))
        .set(reservation_policies::entries.eq(serde_json::to_string(&legacy).unwrap()))
        .execute(&mut app.conn())
        .unwrap();
    case["field_reservations"] = json!([]);
    let res = app.post("/api/v1/cases", Some(&gt.token), &case).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let id = res.json()["case_id"].as_str().unwrap().to_owned();
    let view = app.get(&format!("/api/v1/cases/{id}"), Some(&mx.token)).await.json();
    for key in ["handling_codes", "handling_conditions", "source_reliability", "information_accuracy"] {
        assert_eq!(view[key], case[key], "{key} is shown to the recipient");
        assert!(!case[key].is_null(), "the sample fills {key}");
    }
    assert!(!case["suspects"][0]["source_reliability"].is_null());
    assert_eq!(view["suspects"][0]["source_reliability"], case["suspects"][0]["source_reliability"]);
    assert_eq!(view["suspects"][0]["information_accuracy"], case["suspects"][0]["information_accuracy"]);
    let policy = app.get(POLICY, Some(&admin.token)).await.json();
    assert!(policy["fields"].as_array().unwrap().is_empty(), "entries without effect are not shown: {policy}");
}
