//! Hit/no-hit matching and the country feed (issue #21): what a hit says and never says,
//! participation by policy, non-interference, quotas, audit, and who may do what.

use enlace::access::Role;
use serde_json::{Value, json};

use crate::helpers::*;

const DOC_NUMBER: &str = "GXK-123 456";

/// A typical GT case with a document, a named suspect and a named victim with a birth date.
fn case(seed: u64, scope: &str, countries: &[&str], number: &str) -> Value {
    let mut c = serde_json::to_value(enlace::formato::sample::typical_case(seed, "GT")).unwrap();
    c["documents"][0]["issuing_state"] = json!("GTM");
    c["documents"][0]["document_number"] = json!(number);
    c["suspects"][0]["given_names"] = json!("Juan Carlos");
    c["suspects"][0]["first_surname"] = json!("Pérez");
    c["suspects"][0]["second_surname"] = json!("López");
    c["persons"][0]["given_names"] = json!("Ana María");
    c["persons"][0]["first_surname"] = json!("Ruiz");
    c["persons"][0]["date_of_birth"] = json!("1990-05-01");
    c["sharing"] = json!({"scope": scope, "countries": countries});
    c
}

async fn create(app: &TestApp, officer: &TestUser, body: &Value) -> (String, String) {
    let res = app.post("/api/v1/cases", Some(&officer.token), body).await;
    assert_eq!(res.status, 201, "{}", res.text());
    (res.json()["case_id"].as_str().unwrap().to_owned(), res.header("etag").unwrap())
}

fn document(number: &str) -> Value {
    json!({"kind": "travel_document", "document_number": number, "issuing_state": "GTM"})
}

fn victim(dob: &str, tolerance: bool) -> Value {
    json!({"kind": "person", "given_names": "ana maria", "first_surname": "RUIZ", "date_of_birth": dob,
           "year_tolerance": tolerance})
}

fn suspect() -> Value {
    json!({"kind": "person", "given_names": "JUAN CARLOS", "first_surname": "lopez", "second_surname": "perez"})
}

async fn query(app: &TestApp, who: &TestUser, identifiers: Vec<Value>) -> Resp {
    let body = json!({"purpose": "criminal_investigation", "identifiers": identifiers});
    app.post("/api/v1/matches", Some(&who.token), &body).await
}

/// The hits without their random references: (identifier, country, strength, case ids).
fn hits(res: &Resp) -> Vec<(u64, String, String, Vec<String>)> {
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["identifier"].as_u64().unwrap(),
                h["country"].as_str().unwrap().to_owned(),
                h["strength"].as_str().unwrap().to_owned(),
                h["case_ids"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect(),
            )
        })
        .collect()
}

async fn feed(app: &TestApp, who: &TestUser, after: Option<&str>) -> Value {
    let path = match after {
        Some(a) => format!("/api/v1/feed?after={a}"),
        None => "/api/v1/feed".to_owned(),
    };
    let res = app.get(&path, Some(&who.token)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()
}

fn kinds_for(feed: &Value, id: &str) -> Vec<String> {
    feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["object_id"] == id)
        .map(|i| i["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn a_hit_names_the_holder_never_what_it_holds_and_policy_decides_what_takes_part() {
    let app = spawn_app().await;
    let gt = app.user("GT", &[Role::Officer]).await;
    let gt_admin = app.user("GT", &[Role::CountryAdmin]).await;
    let gt_auditor = app.user("GT", &[Role::Auditor]).await;
    let mx = app.user("MX", &[Role::Officer]).await;
    let (network, _) = create(&app, &gt, &case(1, "network", &[], DOC_NUMBER)).await;
    let (national, national_tag) = create(&app, &gt, &case(2, "national", &[], "NQW-999")).await;
    let (victim_case, _) = create(&app, &gt, &case(4, "national", &[], "V-4")).await;

    // Document numbers take part by default, but are reserved: a case MX cannot see hits with GT
    // and a reference, no case id; the network case MX sees gives nothing (else MX could test
    // guesses of a reserved value of a case it reads); no hit for the third.
    let res = query(&app, &mx, vec![document("gxk123456"), document("NQW999"), document("Z-000")]).await;
    assert_eq!(hits(&res), vec![(1, "GT".into(), "document_number".into(), vec![])]);
    let text = res.text();
    for secret in [&network, &national, "GXK", "NQW"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    let hit_ref = res.json()["hits"][0]["hit_ref"].as_str().unwrap().to_owned();

    // Suspects take part by name; persons affected do not (default policy).
    assert_eq!(hits(&query(&app, &mx, vec![suspect()]).await), vec![(0, "GT".into(), "name".into(), vec![])]);
    assert!(hits(&query(&app, &mx, vec![victim("1990-05-01", false)]).await).is_empty());
    // The holder is never answered about its own data.
    assert!(hits(&query(&app, &gt, vec![document(DOC_NUMBER)]).await).is_empty());

    // Non-interference: a change to data that does not take part changes no answer.
    let before = hits(&query(&app, &mx, vec![victim("1990-05-01", true), suspect(), document("gxk123456")]).await);
    let mut changed = case(2, "national", &[], "NQW-999");
    changed["persons"][0]["given_names"] = json!("Ana María");
    changed["persons"][0]["date_of_birth"] = json!("1991-02-03");
    changed["persons"][1]["given_names"] = json!("Otra Persona");
    changed["persons"][1]["first_surname"] = json!("Ruiz");
    let res = app.put(&format!("/api/v1/cases/{national}"), &gt.token, &changed, Some(&national_tag)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let after = hits(&query(&app, &mx, vec![victim("1990-05-01", true), suspect(), document("gxk123456")]).await);
    assert_eq!(before, after);

    // GT lets persons affected take part and shares document numbers: the network case is now
    // named to MX (visible, field shared); the national one never is.
    let policy = "/api/v1/parties/GT/reservation-policy";
    let tag = app.get(policy, Some(&gt_admin.token)).await.header("etag").unwrap();
    let body = json!({"include_in_statistics": true, "matching": {"persons_affected": true},
        "fields": [{"path": "documents[].document_number", "flag": "shared"}]});
    let res = app.put(policy, &gt_admin.token, &body, Some(&tag)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["matching"], json!({"document_numbers": true, "suspects": true, "persons_affected": true}));
    assert_eq!(
        hits(&query(&app, &mx, vec![document("GXK123456"), document("nqw 999")]).await),
        vec![
            (0, "GT".into(), "document_number".into(), vec![network.clone()]),
            (1, "GT".into(), "document_number".into(), vec![])
        ]
    );
    // Names with a birth date: exact, or a year either side when asked; the names stay reserved.
    assert_eq!(
        hits(&query(&app, &mx, vec![victim("1990-05-01", false)]).await),
        vec![(0, "GT".into(), "date_of_birth".into(), vec![])]
    );
    assert_eq!(
        hits(&query(&app, &mx, vec![victim("1989-12-31", true)]).await),
        vec![(0, "GT".into(), "year_of_birth".into(), vec![])]
    );
    assert!(hits(&query(&app, &mx, vec![victim("1988-12-31", true)]).await).is_empty(), "two years off");

    // GT's users see the hits on their data, with their own case ids; MX sees none on its own.
    let res = app.get("/api/v1/matches/hits", Some(&gt.token)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let on_gt = res.json();
    let first = on_gt["items"].as_array().unwrap().iter().find(|h| h["hit_ref"] == hit_ref.as_str()).unwrap().clone();
    assert_eq!(first["requester"], "MX");
    assert_eq!(first["purpose"], "criminal_investigation");
    assert_eq!(first["objects"], json!([{"type": "case", "id": national}]));
    let named: Vec<&Value> =
        on_gt["items"].as_array().unwrap().iter().flat_map(|h| h["objects"].as_array().unwrap()).collect();
    assert!(named.iter().any(|o| o["id"] == victim_case.as_str()));
    let res = app.get("/api/v1/matches/hits", Some(&mx.token)).await;
    assert_eq!(res.json()["items"], json!([]));
    assert_eq!(app.get("/api/v1/matches/hits", Some(&gt_auditor.token)).await.status, 200);

    // GT's feed tells of each hit; MX's of the network case shared with it (not the national
    // one) and of GT's policy change.
    let gt_feed = feed(&app, &gt, None).await;
    assert_eq!(kinds_for(&gt_feed, &hit_ref), ["match_hit"]);
    let mx_feed = feed(&app, &mx, None).await;
    assert_eq!(kinds_for(&mx_feed, &network), ["case_shared"]);
    assert!(kinds_for(&mx_feed, &national).is_empty());
    assert_eq!(kinds_for(&mx_feed, "GT"), ["policy_changed"]);
    for item in mx_feed["items"].as_array().unwrap() {
        let t = item.to_string();
        assert!(!t.contains("GXK") && !t.contains("Ruiz") && !t.contains("Juan"), "{t}");
    }

    // Audited: the query for MX, each hit for GT; never an identifier.
    let queries = app.audit_events("match_query");
    assert!(queries.len() >= 10);
    let hits_events = app.audit_events("match_hit");
    assert!(hits_events.iter().any(|(_, id, _)| id.as_deref() == Some(&hit_ref)));
    for (_, _, details) in queries.iter().chain(&hits_events) {
        for secret in ["GXK", "gxk", "NQW", "Ruiz", "RUIZ", "ruiz", "perez", "Perez", "1990-05"] {
            assert!(!details.contains(secret), "{secret} in {details}");
        }
    }
    let res = app.get("/api/v1/audit?action=match_hit", Some(&gt_auditor.token)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(res.text().contains(&hit_ref), "the holder's auditors see the queries that hit its data");
}

#[actix_web::test]
async fn who_may_query_bad_identifiers_and_daily_quotas() {
    let app = spawn_with(|l| {
        l.match_quota_user = Some(3);
        l.match_quota_country = Some(5);
    })
    .await;
    let (mx1, mx2) = (app.user("MX", &[Role::Officer]).await, app.user("MX", &[Role::Officer]).await);
    for roles in [&[Role::Analyst][..], &[Role::CountryAdmin], &[Role::Auditor]] {
        let u = app.user("MX", roles).await;
        assert_eq!(query(&app, &u, vec![document("A1")]).await.status, 403, "{roles:?}");
    }
    let st = app.user("ST", &[Role::StAdmin]).await;
    assert_eq!(query(&app, &st, vec![document("A1")]).await.status, 403);
    assert_eq!(app.post("/api/v1/matches", None, &json!({})).await.status, 401);

    // Every failing field is named; nothing is counted.
    let res = query(
        &app,
        &mx1,
        vec![
            json!({"kind": "travel_document", "document_number": " - ", "issuing_state": "Guatemala"}),
            json!({"kind": "person", "given_names": "", "first_surname": "Ruiz", "date_of_birth": "1990-13-01"}),
            json!({"kind": "person", "given_names": "Ana", "first_surname": "Ruiz", "year_tolerance": true}),
        ],
    )
    .await;
    assert_eq!(res.status, 422, "{}", res.text());
    let fields: Vec<String> =
        res.json()["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect();
    assert_eq!(
        fields,
        [
            "identifiers[0].issuing_state",
            "identifiers[0].document_number",
            "identifiers[1].given_names",
            "identifiers[1].date_of_birth",
            "identifiers[2].year_tolerance"
        ]
    );
    assert_eq!(query(&app, &mx1, vec![]).await.status, 422);
    assert_eq!(query(&app, &mx1, (0..11).map(|i| document(&format!("A{i}"))).collect()).await.status, 422);
    let res = app
        .post(
            "/api/v1/matches",
            Some(&mx1.token),
            &json!({"purpose": "criminal_investigation", "identifiers": [], "x": 1}),
        )
        .await;
    assert!(res.status == 400 || res.status == 422, "unknown fields refused: {}", res.status);
    let res = app
        .post(
            "/api/v1/matches",
            Some(&mx1.token),
            &json!({"purpose": "criminal_investigation", "case_id": "019a0000-0000-7000-8000-000000000001",
                    "identifiers": [document("A1")]}),
        )
        .await;
    assert_eq!(res.status, 422, "a case id that is not the caller's own");

    // Quotas in identifiers: 3 per user, 5 per country, per UTC day.
    let res = query(&app, &mx1, vec![document("A1"), document("A2")]).await;
    assert_eq!(res.json()["quota_left"], json!({"user": 1, "country": 3}));
    let res = query(&app, &mx1, vec![document("A3"), document("A4")]).await;
    assert_eq!(res.status, 429, "{}", res.text());
    let wait: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=86_400).contains(&wait));
    assert_eq!(query(&app, &mx1, vec![document("A3")]).await.status, 200, "a refused query spent nothing");
    assert_eq!(query(&app, &mx1, vec![document("A4")]).await.status, 429, "the user's quota");
    assert_eq!(query(&app, &mx2, vec![document("B1"), document("B2")]).await.status, 200);
    assert_eq!(query(&app, &mx2, vec![document("B3")]).await.status, 429, "the country's quota");
    // Refusals are audited: four invalid queries (a malformed body is refused before) and three 429s.
    assert_eq!(app.audit_outcomes("match_query").iter().find(|(o, _)| o == "failed").map(|(_, n)| *n), Some(7));
}

#[actix_web::test]
async fn the_feed_tells_exactly_the_countries_that_see_a_case_what_they_see_change() {
    let app = spawn_app().await;
    let gt = app.user("GT", &[Role::Officer]).await;
    let (hn, mx) = (app.user("HN", &[Role::Analyst]).await, app.user("MX", &[Role::Officer]).await);
    let mut body = case(3, "listed", &["HN"], "L-1");
    body["route"][0]["to_country"] = json!("HN");
    body["route"][1]["from_country"] = json!("HN");
    let (id, tag) = create(&app, &gt, &body).await;
    let hn_feed = feed(&app, &hn, None).await;
    let item = hn_feed["items"].as_array().unwrap().iter().find(|i| i["object_id"] == id.as_str()).unwrap().clone();
    assert_eq!(item["kind"], "case_shared");
    assert_eq!(item["details"]["reporting_country"], "GT");
    assert!(item["details"]["concerns"].as_array().unwrap().contains(&json!("territory")), "{item}");
    assert!(kinds_for(&feed(&app, &mx, None).await, &id).is_empty(), "MX does not see the case");
    let cursor = hn_feed["next_cursor"].as_str().unwrap().to_owned();

    // A change to a reserved field only: nobody is told anything.
    let mut reserved_only = body.clone();
    reserved_only["suspects"][0]["given_names"] = json!("Pedro");
    let res = app.put(&format!("/api/v1/cases/{id}"), &gt.token, &reserved_only, Some(&tag)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let tag = res.header("etag").unwrap();
    let later = feed(&app, &hn, Some(&cursor)).await;
    assert_eq!(later["items"], json!([]), "{later}");
    assert_eq!(later["next_cursor"], cursor.as_str(), "nothing new: the same cursor");

    // A shared change, and MX added to the scope.
    let mut shared = reserved_only.clone();
    shared["case_status"] = json!("closed");
    shared["sharing"] = json!({"scope": "listed", "countries": ["HN", "MX"]});
    let res = app.put(&format!("/api/v1/cases/{id}"), &gt.token, &shared, Some(&tag)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let tag = res.header("etag").unwrap();
    assert_eq!(kinds_for(&feed(&app, &hn, Some(&cursor)).await, &id), ["case_changed"]);
    assert_eq!(kinds_for(&feed(&app, &mx, None).await, &id), ["case_shared"]);
    let mx_items = feed(&app, &mx, None).await;
    assert_eq!(mx_items["items"][0]["cursor"], "1", "each country's items are numbered on their own");

    // A retraction tells those that saw it.
    let res = app
        .send(
            "DELETE",
            &format!("/api/v1/cases/{id}"),
            Some(&gt.token),
            Some(&json!({"reason": "Duplicado"})),
            &[("If-Match", &tag)],
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(kinds_for(&feed(&app, &hn, Some(&cursor)).await, &id), ["case_changed", "case_retracted"]);
    assert_eq!(kinds_for(&feed(&app, &mx, None).await, &id), ["case_shared", "case_retracted"]);

    // Filters, cursors and who reads.
    let res = app.get("/api/v1/feed?kind=case_retracted", Some(&hn.token)).await;
    assert!(res.json()["items"].as_array().unwrap().iter().all(|i| i["kind"] == "case_retracted"));
    assert_eq!(app.get("/api/v1/feed?kind=secrets", Some(&hn.token)).await.status, 422);
    assert_eq!(app.get("/api/v1/feed?after=abc", Some(&hn.token)).await.status, 422);
    assert_eq!(app.get("/api/v1/feed", Some(&app.user("HN", &[Role::StatisticsReader]).await.token)).await.status, 403);
    assert_eq!(app.get("/api/v1/feed", None).await.status, 401);
    let st = app.user("ST", &[Role::StAdmin]).await;
    assert_eq!(app.get("/api/v1/feed", Some(&st.token)).await.status, 403);
}

async fn transition(app: &TestApp, who: &TestUser, id: &str, body: Value) -> Resp {
    app.post(&format!("/api/v1/requests/{id}/transitions"), Some(&who.token), &body).await
}

#[actix_web::test]
async fn from_a_hit_to_a_shared_case_and_a_repatriation_recorded_in_section_l() {
    let app = spawn_app().await;
    let (gt, mx, hn) = (
        app.user("GT", &[Role::Officer]).await,
        app.user("MX", &[Role::Officer]).await,
        app.user("HN", &[Role::Officer]).await,
    );
    let cr = app.user("CR", &[Role::Officer]).await;
    let (case_id, _) = create(&app, &gt, &case(5, "national", &[], DOC_NUMBER)).await;

    // MX's hit on a number GT reserved: GT and a reference, no case id, no value.
    let res = query(&app, &mx, vec![document("GXK123456")]).await;
    assert_eq!(hits(&res), vec![(0, "GT".into(), "document_number".into(), vec![])]);
    let hit_ref = res.json()["hits"][0]["hit_ref"].as_str().unwrap().to_owned();
    assert_eq!(app.get(&format!("/api/v1/cases/{case_id}"), Some(&mx.token)).await.status, 404);

    // MX asks for access; the request does not name the case to MX.
    let body = json!({"kind": "case_access", "hit_ref": hit_ref, "subject": "Solicitamos acceso al caso",
                      "due_date": "2099-01-31"});
    let res = app.post("/api/v1/requests", Some(&mx.token), &body).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let request = res.json();
    let rid = request["request_id"].as_str().unwrap().to_owned();
    assert_eq!((request["to_country"].clone(), request["case_id"].clone()), (json!("GT"), Value::Null));
    assert!(!res.text().contains(&case_id));
    // Someone else's hit, or nothing to refer to: 422, and a third country never sees the request.
    let res = app.post("/api/v1/requests", Some(&cr.token), &body).await;
    assert_eq!(res.status, 422, "{}", res.text());
    assert_eq!(app.get(&format!("/api/v1/requests/{rid}"), Some(&cr.token)).await.status, 404);
    assert_eq!(transition(&app, &cr, &rid, json!({"action": "accept"})).await.status, 404);

    // GT's feed shows the hit and the request; GT reads it with its case.
    let gt_feed = feed(&app, &gt, None).await;
    assert_eq!(kinds_for(&gt_feed, &hit_ref), ["match_hit"]);
    assert_eq!(kinds_for(&gt_feed, &rid), ["request_received"]);
    let res = app.get(&format!("/api/v1/requests/{rid}"), Some(&gt.token)).await;
    assert_eq!(res.json()["state"], "open");
    assert_eq!(
        transition(&app, &mx, &rid, json!({"action": "accept"})).await.status,
        403,
        "not the sender's to accept"
    );
    let res = app
        .post(
            &format!("/api/v1/requests/{rid}/messages"),
            Some(&gt.token),
            &json!({"body": "¿Para qué investigación?"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());

    // GT shares: MX now reads the case, redacted as usual, and its feed says so.
    let res = transition(&app, &gt, &rid, json!({"action": "accept", "case_id": case_id})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["state"], "accepted");
    let read = app.get(&format!("/api/v1/cases/{case_id}"), Some(&mx.token)).await;
    assert_eq!(read.status, 200, "{}", read.text());
    assert_eq!(read.json()["documents"][0]["document_number"]["withheld"], true);
    assert!(!read.text().contains("GXK"));
    assert_eq!(read.json()["sharing"], json!({"scope": "listed", "countries": ["MX"]}));
    let mx_feed = feed(&app, &mx, None).await;
    assert_eq!(kinds_for(&mx_feed, &case_id), ["case_shared"]);
    assert_eq!(kinds_for(&mx_feed, &rid), ["request_updated", "request_updated"]);
    let res = app.get(&format!("/api/v1/requests/{rid}"), Some(&mx.token)).await;
    assert_eq!(res.json()["case_id"], case_id.as_str(), "named once shared");
    assert_eq!(res.json()["messages"][0]["from_country"], "GT");
    assert_eq!(transition(&app, &gt, &rid, json!({"action": "decline", "reason": "x"})).await.status, 409);

    // A repatriation from GT to HN's liaison, with two chosen fields of one person.
    let hn_admin = app.user("HN", &[Role::CountryAdmin]).await;
    let contact = json!({"country": "HN", "institution": "Dirección General de Protección", "position": "Enlace",
        "contact_role": "repatriation_liaison_victims", "name": "Enlace de Repatriación HN",
        "email": "repatriacion@hn.example", "languages": ["es"], "valid_from": "2026-01-01"});
    let res = app.post("/api/v1/directory", Some(&hn_admin.token), &contact).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let liaison = res.json()["id"].as_str().unwrap().to_owned();
    let stored = app.get(&format!("/api/v1/cases/{case_id}"), Some(&gt.token)).await.json();
    let person = stored["persons"][0]["id"].as_str().unwrap().to_owned();
    let body = json!({"kind": "repatriation", "case_id": case_id, "person_id": person, "liaison_id": liaison,
        "person_fields": ["given_names", "citizenship"], "subject": "Retorno asistido"});
    let bad = json!({"kind": "repatriation", "case_id": case_id, "person_id": person, "liaison_id": liaison,
        "person_fields": ["given_names", "case_status"], "subject": " "});
    let res = app.post("/api/v1/requests", Some(&gt.token), &bad).await;
    assert_eq!(res.status, 422);
    let errors = res.json()["errors"].clone();
    let fields: Vec<&str> = errors.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["subject", "person_fields[1]"]);
    let res = app.post("/api/v1/requests", Some(&gt.token), &body).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let rep = res.json()["request_id"].as_str().unwrap().to_owned();
    let seen = app.get(&format!("/api/v1/requests/{rep}"), Some(&hn.token)).await;
    assert_eq!(seen.status, 200, "{}", seen.text());
    assert_eq!(
        seen.json()["person"],
        json!({"given_names": stored["persons"][0]["given_names"], "citizenship": stored["persons"][0]["citizenship"]}),
        "only the chosen fields"
    );
    assert!(!seen.text().contains("1990-05-01") && !seen.text().contains("Ruiz"), "{}", seen.text());
    assert_eq!(
        app.get(&format!("/api/v1/cases/{case_id}"), Some(&hn.token)).await.status,
        404,
        "HN does not see the case"
    );
    assert_eq!(kinds_for(&feed(&app, &hn, None).await, &rep), ["request_received"]);

    let assistance = |doc: &Value| {
        doc["assistance"].as_array().unwrap().iter().find(|a| a["person_ref"] == person.as_str()).cloned().unwrap()
    };
    assert_eq!(transition(&app, &hn, &rep, json!({"action": "accept"})).await.status, 200);
    let doc = app.get(&format!("/api/v1/cases/{case_id}"), Some(&gt.token)).await.json();
    let entry = assistance(&doc);
    assert_eq!(
        (entry["return_status"].clone(), entry["receiving_country"].clone()),
        (json!("in_process"), json!("HN"))
    );
    assert_eq!(entry["receiving_liaison_id"], liaison.as_str());
    assert_eq!(doc["updated_by"]["party"], "GT", "the receiver does not appear as the case's editor");
    let res = transition(&app, &hn, &rep, json!({"action": "progress", "return_status": "sideways"})).await;
    assert_eq!(res.status, 422);
    let res = transition(&app, &hn, &rep, json!({"action": "complete", "return_date": "2026-11-30"})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["state"], "completed");
    let doc = app.get(&format!("/api/v1/cases/{case_id}"), Some(&gt.token)).await.json();
    assert_eq!(assistance(&doc)["return_status"], "completed");
    assert_eq!(assistance(&doc)["return_date"], "2026-11-30");
    // Both countries' auditors see the request's events, which carry no texts.
    for (_, _, details) in app.audit_events("request_open").iter().chain(&app.audit_events("request_update")) {
        assert!(!details.contains("Retorno") && !details.contains("Solicitamos"), "{details}");
    }
    let list = app.get("/api/v1/requests", Some(&gt.token)).await;
    assert_eq!(list.json()["items"].as_array().unwrap().len(), 2);
}

/// The request matrix: every role of the two countries, of a third country, of the ST and of an
/// observer, on a request from MX to GT (and a missing one): reads, messages and answers get
/// exactly what `access::requests` allows; every refusal of someone outside is the 404 of a
/// missing request; refused writes change nothing.
#[actix_web::test]
async fn every_identity_on_a_request_gets_exactly_what_its_side_allows() {
    let app = spawn_app().await;
    app.observer_party("OIM");
    let (gt, mx) = (app.user("GT", &[Role::Officer]).await, app.user("MX", &[Role::Officer]).await);
    let (case_id, _) = create(&app, &gt, &case(9, "network", &[], "M-1")).await;
    let body = json!({"kind": "information", "case_id": case_id, "subject": "¿Hay más víctimas?"});
    let res = app.post("/api/v1/requests", Some(&mx.token), &body).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let rid = res.json()["request_id"].as_str().unwrap().to_owned();
    let missing = "01900000-0000-7000-8000-000000000000";
    let version = |app: &TestApp| -> i32 {
        use diesel::prelude::*;
        enlace::db::schema::country_requests::table
            .find(&rid)
            .select(enlace::db::schema::country_requests::version)
            .get_result(&mut app.conn())
            .unwrap()
    };

    let mut identities = vec![];
    for party in ["GT", "MX", "HN"] {
        for role in [Role::Officer, Role::Analyst, Role::CountryAdmin, Role::Auditor, Role::StatisticsReader] {
            identities.push((party, role, app.user(party, &[role]).await));
        }
    }
    for role in [Role::StAdmin, Role::Auditor, Role::StatisticsReader] {
        identities.push(("ST", role, app.user("ST", &[role]).await));
    }
    identities.push(("OIM", Role::StatisticsReader, app.user("OIM", &[Role::StatisticsReader]).await));
    let mut checked = 0;
    for (party, role, u) in &identities {
        let side = *party == "GT" || *party == "MX";
        let reads = side && matches!(role, Role::Officer | Role::Analyst);
        let acts = side && *role == Role::Officer;
        let who = format!("{party} {role:?}");
        let get = app.get(&format!("/api/v1/requests/{rid}"), Some(&u.token)).await;
        assert_eq!(get.status, if reads { 200 } else { 404 }, "{who} reads");
        let gone = app.get(&format!("/api/v1/requests/{missing}"), Some(&u.token)).await;
        assert_eq!(gone.status, 404);
        if !reads {
            assert_eq!(get.problem(), gone.problem(), "{who}: the same refusal as for a missing request");
        }
        let before = version(&app);
        let msg = app.post(&format!("/api/v1/requests/{rid}/messages"), Some(&u.token), &json!({"body": "Hola"})).await;
        let want = if acts {
            200
        } else if reads {
            403
        } else {
            404
        };
        assert_eq!(msg.status, want, "{who} writes a message: {}", msg.text());
        // Accepting is the receiver's; withdrawing the sender's: try the one that is not theirs.
        let action = if *party == "GT" { "withdraw" } else { "accept" };
        let t = transition(&app, u, &rid, json!({"action": action})).await;
        assert_eq!(t.status, if reads { 403 } else { 404 }, "{who} {action}s: {}", t.text());
        assert_eq!(version(&app), before + u32::from(msg.status == 200) as i32, "{who}: refusals change nothing");
        let list = app.get("/api/v1/requests", Some(&u.token)).await;
        if reads {
            assert_eq!(list.json()["items"].as_array().unwrap().len(), 1, "{who}");
        } else {
            assert!(list.status == 403 || list.json()["items"] == json!([]), "{who}: {}", list.text());
        }
        checked += 1;
    }
    assert_eq!(checked, 19);
    let res = transition(&app, &gt, &rid, json!({"action": "accept"})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let res = transition(&app, &gt, &rid, json!({"action": "complete"})).await;
    assert_eq!(res.json()["state"], "completed");
    assert_eq!(transition(&app, &mx, &rid, json!({"action": "withdraw"})).await.status, 409, "closed");
}

#[actix_web::test]
async fn the_console_start_page_is_an_inbox_of_what_concerns_the_country() {
    let app = spawn_app().await;
    let gt = app.user("GT", &[Role::Officer]).await;
    let mx = app.user("MX", &[Role::Analyst]).await;
    let mut b = Browser::new(&app);
    b.sign_in(&mx).await;
    let page = b.get("/").await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("0 unread"), "{}", page.text());

    let mut body = case(6, "listed", &["MX"], "I-1");
    body["route"][0]["to_country"] = json!("MX");
    body["route"][1]["from_country"] = json!("MX");
    let (id, _) = create(&app, &gt, &body).await;
    let (national, _) = create(&app, &gt, &case(7, "national", &[], "I-2")).await;
    let page = b.get("/").await.text();
    assert!(page.contains("1 unread"), "{page}");
    assert!(page.contains(&format!("href=\"/cases/{id}\"")), "{page}");
    assert!(page.contains("shared a case with your country") && page.contains("your territory is on its route"));
    assert!(!page.contains(&national), "a case MX cannot see is never mentioned");
    assert!(!page.contains("I-1") && !page.contains("Ruiz"), "no values in the inbox");
    assert_eq!(b.get(&format!("/cases/{id}")).await.status, 200, "the link opens the case");

    // Marking read needs the session's CSRF token; the count then falls to zero.
    let forged = b.request("POST", "/inbox/read", Some(&[("seq", "99")]), &[]).await;
    assert_eq!(forged.status, 403, "{}", forged.text());
    let res = b.submit("/", "/inbox/read", &[("seq", "1")]).await;
    assert_eq!(res.status, 303, "{}", res.text());
    assert!(b.get("/").await.text().contains("0 unread"));
    // Roles that read no case have no inbox.
    let mut admin = Browser::new(&app);
    admin.sign_in(&app.user("MX", &[Role::Auditor]).await).await;
    assert!(!admin.get("/").await.text().contains("unread"));
}
