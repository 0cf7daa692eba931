//! Fraudulent-document alerts (M1): role × party matrix, sharing scopes, reserved fields withheld
//! (canary scan of get, list and filtered list; filters never match reserved values), If-Match,
//! withdrawal, related cases disclosed only to those who may see them, specimen images (type by
//! content, size limit, metadata stripped, nothing stored on refusal), and the audit events.

use enlace::access::Role;
use serde_json::{Value, json};

use crate::helpers::*;

fn alert(number: &str) -> Value {
    json!({
        "document": {"document_type": "passport", "issuing_state": "HND", "document_number": number,
                     "nationality_in_document": "HND", "fraud_type": "counterfeit",
                     "forgery_techniques": ["photo_substitution"], "detection_setting": "air_bcp",
                     "detection_date": "2026-03-02", "security_features_notes": "Laminado sin hologramas"},
        "valid_until": "2099-12-31",
        "issuing_authority_notes": "Serie no emitida",
        "known_route_countries": ["HN", "GT", "MX"]
    })
}

/// A minimal PNG with a text chunk carrying `secret`.
pub fn png(secret: &str, padding: usize) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&[0, 0, 0, 0]);
    }
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut v, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    chunk(&mut v, b"tEXt", format!("GPS\0{secret}").as_bytes());
    chunk(&mut v, b"IDAT", &vec![7u8; padding.max(3)]);
    chunk(&mut v, b"IEND", &[]);
    v
}

fn scan(res: &Resp, canaries: &[&str]) {
    let mut text = res.text();
    for (k, v) in res.headers.iter() {
        text.push_str(&format!("\n{k}: {}", v.to_str().unwrap_or("")));
    }
    for c in canaries {
        assert!(!text.contains(c), "canary {c} leaked: {text}");
    }
}

async fn create(app: &TestApp, token: &str, body: &Value) -> (String, String) {
    let res = app.post("/api/v1/document-alerts", Some(token), body).await;
    assert_eq!(res.status, 201, "{}", res.text());
    (res.json()["alert_id"].as_str().unwrap().to_owned(), res.header("etag").unwrap())
}

#[actix_web::test]
async fn alert_role_and_party_matrix() {
    let app = spawn_app().await;
    app.observer_party("OIM");
    let gt = app.user("GT", &[Role::Officer]).await;
    let gt_analyst = app.user("GT", &[Role::Analyst]).await;
    let gt_admin = app.user("GT", &[Role::CountryAdmin]).await;
    let mx = app.user("MX", &[Role::Analyst]).await;
    let mx_officer = app.user("MX", &[Role::Officer]).await;
    let mx_stats = app.user("MX", &[Role::StatisticsReader, Role::Auditor]).await;
    let hn = app.user("HN", &[Role::Officer]).await;
    let st = app.user("ST", &[Role::StAdmin]).await;
    let st_stats = app.user("ST", &[Role::StatisticsReader]).await;
    let obs = app.user("OIM", &[Role::StatisticsReader, Role::Auditor]).await;

    for u in [&gt_analyst, &gt_admin, &mx_stats, &st, &st_stats, &obs] {
        let res = app.post("/api/v1/document-alerts", Some(&u.token), &alert("A1")).await;
        assert_eq!(res.status, 403, "{:?} of {}", u.roles, u.party);
    }
    let (id, tag) = create(&app, &gt.token, &alert("A100")).await;
    let mut listed = alert("A200");
    listed["sharing"] = json!({"scope": "listed", "countries": ["HN"]});
    let (listed_id, _) = create(&app, &gt.token, &listed).await;
    let mut national = alert("A300");
    national["sharing"] = json!({"scope": "national"});
    let (national_id, _) = create(&app, &gt.token, &national).await;

    // Reads: network alert for every member officer/analyst; listed only for HN; national own only.
    for (u, alert_id, expected) in [
        (&gt, &id, 200),
        (&gt_analyst, &national_id, 200),
        (&mx, &id, 200),
        (&mx_officer, &id, 200),
        (&hn, &listed_id, 200),
        (&mx, &listed_id, 404),
        (&mx, &national_id, 404),
        (&hn, &national_id, 404),
        (&mx_stats, &id, 404),
        (&gt_admin, &id, 404),
        (&st, &id, 404),
        (&st_stats, &id, 404),
        (&obs, &id, 404),
    ] {
        let res = app.get(&format!("/api/v1/document-alerts/{alert_id}"), Some(&u.token)).await;
        assert_eq!(res.status, expected, "{:?} of {} reading {alert_id}", u.roles, u.party);
    }
    let count = |v: Value| v["items"].as_array().unwrap().len();
    assert_eq!(count(app.get("/api/v1/document-alerts", Some(&gt.token)).await.json()), 3);
    assert_eq!(count(app.get("/api/v1/document-alerts", Some(&hn.token)).await.json()), 2);
    assert_eq!(count(app.get("/api/v1/document-alerts", Some(&mx.token)).await.json()), 1);
    for u in [&mx_stats, &st, &obs] {
        assert_eq!(app.get("/api/v1/document-alerts", Some(&u.token)).await.status, 403);
    }

    // Updates: the publishing country's officers, with If-Match.
    let path = format!("/api/v1/document-alerts/{id}");
    let mut changed = alert("A100");
    changed["issuing_authority_notes"] = json!("Confirmado por la autoridad emisora");
    assert_eq!(app.put(&path, &gt.token, &changed, None).await.status, 428);
    assert_eq!(app.put(&path, &gt.token, &changed, Some("\"v7\"")).await.status, 412);
    assert_eq!(app.put(&path, &mx_officer.token, &changed, Some(&tag)).await.status, 403);
    assert_eq!(app.put(&path, &gt_analyst.token, &changed, Some(&tag)).await.status, 403);
    assert_eq!(app.put(&path, &obs.token, &changed, Some(&tag)).await.status, 404);
    let national_path = format!("/api/v1/document-alerts/{national_id}");
    assert_eq!(app.put(&national_path, &mx_officer.token, &changed, Some("\"v1\"")).await.status, 404);
    let res = app.put(&path, &gt.token, &changed, Some(&tag)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("etag").as_deref(), Some("\"v2\""));
    assert_eq!(app.put(&path, &gt.token, &changed, Some(&tag)).await.status, 412, "stale ETag");

    // Withdrawal: stays visible as withdrawn, the reason stays home; `active` filters it out.
    let reason = json!({"reason": "RAZON-INTERNA-CANARIO"});
    assert_eq!(app.send("DELETE", &path, Some(&mx_officer.token), Some(&reason), &[]).await.status, 403);
    assert_eq!(app.send("DELETE", &path, Some(&gt.token), Some(&reason), &[("If-Match", "\"v1\"")]).await.status, 412);
    let res = app.send("DELETE", &path, Some(&gt.token), Some(&reason), &[]).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["alert_status"], "withdrawn");
    assert_eq!(res.json()["withdrawal_reason"], "RAZON-INTERNA-CANARIO");
    let res = app.get(&path, Some(&mx.token)).await;
    assert_eq!(res.json()["alert_status"], "withdrawn");
    scan(&res, &["RAZON-INTERNA-CANARIO"]);
    assert_eq!(count(app.get("/api/v1/document-alerts?active=true", Some(&mx.token)).await.json()), 0);
    assert_eq!(count(app.get("/api/v1/document-alerts?active=false", Some(&mx.token)).await.json()), 1);
    assert_eq!(app.send("DELETE", &path, Some(&gt.token), Some(&reason), &[]).await.status, 409);
    assert_eq!(app.put(&path, &gt.token, &changed, Some("\"v3\"")).await.status, 409);

    // Validation: unknown fields, holder_ref, missing fraud type, bad codes.
    let mut bad = alert("A1");
    bad["document"]["holder_ref"] = json!("0193a000-0000-7000-8000-000000000000");
    bad["document"]["issuing_state"] = json!("ZZZZ");
    bad["document"].as_object_mut().unwrap().remove("fraud_type");
    let res = app.post("/api/v1/document-alerts", Some(&gt.token), &bad).await;
    assert_eq!(res.status, 422, "{}", res.text());
    let fields: Vec<String> =
        res.json()["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect();
    for f in ["document.holder_ref", "document.issuing_state", "document.fraud_type"] {
        assert!(fields.contains(&f.to_owned()), "{f} in {fields:?}");
    }
    let mut unknown = alert("A1");
    unknown["holder_photo"] = json!("x");
    assert_eq!(app.post("/api/v1/document-alerts", Some(&gt.token), &unknown).await.status, 422);

    // Audit: writes, reads (allowed and denied), lists.
    assert_eq!(
        app.audit_outcomes("alert_create"),
        vec![("allowed".into(), 3), ("denied".into(), 6), ("failed".into(), 1)]
    );
    let reads = app.audit_outcomes("alert_read");
    assert!(
        reads.contains(&("allowed".into(), 6)) || reads.iter().any(|(o, n)| o == "allowed" && *n >= 6),
        "{reads:?}"
    );
    assert!(reads.iter().any(|(o, n)| o == "denied" && *n >= 7), "{reads:?}");
    assert!(app.audit_count("alert_list") >= 5);
    assert_eq!(app.audit_outcomes("alert_update").iter().find(|(o, _)| o == "allowed").map(|x| x.1), Some(1));
    assert_eq!(app.audit_outcomes("alert_withdraw").iter().find(|(o, _)| o == "allowed").map(|x| x.1), Some(1));
    for (_, _, details) in app.audit_events("alert_withdraw") {
        assert!(!details.contains("RAZON-INTERNA"), "{details}");
    }
}

#[actix_web::test]
async fn reserved_alert_fields_never_reach_other_countries() {
    let app = spawn_app().await;
    let gt = app.user("GT", &[Role::Officer]).await;
    let gt_admin = app.user("GT", &[Role::CountryAdmin]).await;
    let mx = app.user("MX", &[Role::Analyst]).await;
    // GT reserves the issuing state of documents (cases and alerts alike).
    let res = app
        .send(
            "PUT",
            "/api/v1/parties/GT/reservation-policy",
            Some(&gt_admin.token),
            Some(&json!({"include_in_statistics": true, "fields": [
                {"path": "documents[].issuing_state", "flag": "reserved", "legal_basis": "Ley 1234, art. 5"}]})),
            &[("If-Match", "*")],
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let number = "CANARY-DOCNUM-7f3a";
    let notes = "CANARY-NOTES-91bd";
    let mut body = alert(number);
    body["issuing_authority_notes"] = json!(notes);
    body["field_reservations"] = json!([{"path": "issuing_authority_notes", "reason": "Fuente sensible"}]);
    let (id, _) = create(&app, &gt.token, &body).await;
    // An alert without a number: the marker must be there too (presence does not leak).
    let mut without = alert("x");
    without["document"].as_object_mut().unwrap().remove("document_number");
    let (id2, _) = create(&app, &gt.token, &without).await;

    let own = app.get(&format!("/api/v1/document-alerts/{id}"), Some(&gt.token)).await.json();
    assert_eq!(own["document"]["document_number"], number);
    assert_eq!(own["issuing_authority_notes"], notes);

    let canaries = [number, notes, "HND\"", "Fuente sensible"];
    let res = app.get(&format!("/api/v1/document-alerts/{id}"), Some(&mx.token)).await;
    assert_eq!(res.status, 200);
    let v = res.json();
    assert_eq!(v["document"]["document_number"]["withheld"], true);
    assert_eq!(v["document"]["issuing_state"], json!({"withheld": true, "basis": "Ley 1234, art. 5"}));
    assert_eq!(v["issuing_authority_notes"]["withheld"], true);
    assert_eq!(v["document"]["nationality_in_document"], "HND", "shared fields stay");
    assert!(v.get("field_reservations").is_none());
    assert_ne!(res.header("etag").as_deref(), Some("\"v1\""));
    scan(&res, &[number, notes, "Fuente sensible"]);
    let v2 = app.get(&format!("/api/v1/document-alerts/{id2}"), Some(&mx.token)).await.json();
    assert_eq!(v2["document"]["document_number"]["withheld"], true, "marker whether or not a value is held");

    for q in [
        "",
        "?issuing_state=HND",
        "?document_type=passport&fraud_type=counterfeit",
        "?active=true",
        "?since=2020-01-01T00:00:00Z",
    ] {
        let res = app.get(&format!("/api/v1/document-alerts{q}"), Some(&mx.token)).await;
        assert_eq!(res.status, 200, "{q}");
        scan(&res, &canaries[..2]);
        assert!(!res.text().contains("Fuente sensible"));
    }
    // Reserved values are unusable in filters by others, usable by the owner.
    let n = |r: Resp| r.json()["items"].as_array().unwrap().len();
    assert_eq!(n(app.get("/api/v1/document-alerts?issuing_state=HND", Some(&mx.token)).await), 0);
    assert_eq!(n(app.get("/api/v1/document-alerts?issuing_state=HND", Some(&gt.token)).await), 2);
    assert_eq!(n(app.get("/api/v1/document-alerts?fraud_type=counterfeit", Some(&mx.token)).await), 2);
    assert_eq!(n(app.get("/api/v1/document-alerts?fraud_type=forged", Some(&mx.token)).await), 0);
    // Releasing the issuing state makes the filter work for others at once.
    let res = app
        .send(
            "PUT",
            "/api/v1/parties/GT/reservation-policy",
            Some(&gt_admin.token),
            Some(&json!({"include_in_statistics": true, "fields": []})),
            &[("If-Match", "*")],
        )
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(n(app.get("/api/v1/document-alerts?issuing_state=HND", Some(&mx.token)).await), 2);
    // The read events record what was withheld (paths only).
    let events = app.audit_events("alert_read");
    assert!(events.iter().any(|(_, _, d)| d.contains("document.document_number") && d.contains("redacted")));
    assert!(events.iter().all(|(_, _, d)| !d.contains(number)));
}

#[actix_web::test]
async fn related_cases_are_shown_only_to_those_who_may_see_them() {
    let app = spawn_app().await;
    let gt = app.user("GT", &[Role::Officer]).await;
    let mx = app.user("MX", &[Role::Officer]).await;
    let mut case = serde_json::to_value(enlace::formato::sample::typical_case(1, "GT")).unwrap();
    case["sharing"] = json!({"scope": "national"});
    let res = app.post("/api/v1/cases", Some(&gt.token), &case).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let national = res.json()["case_id"].as_str().unwrap().to_owned();
    case["sharing"] = json!({"scope": "network"});
    let res = app.post("/api/v1/cases", Some(&gt.token), &case).await;
    let network = res.json()["case_id"].as_str().unwrap().to_owned();

    let mut body = alert("B1");
    body["related_case_ids"] = json!([national, network]);
    let (id, _) = create(&app, &gt.token, &body).await;
    let own = app.get(&format!("/api/v1/document-alerts/{id}"), Some(&gt.token)).await.json();
    assert_eq!(own["related_case_ids"], json!([national, network]));
    let res = app.get(&format!("/api/v1/document-alerts/{id}"), Some(&mx.token)).await;
    assert_eq!(res.json()["related_case_ids"], json!([network]));
    scan(&res, &[&national]);
    let res = app.get("/api/v1/document-alerts", Some(&mx.token)).await;
    scan(&res, &[&national]);

    // MX cannot relate its alert to a case it may not see (same answer as a missing case).
    let mut mine = alert("B2");
    mine["related_case_ids"] = json!([national]);
    let res = app.post("/api/v1/document-alerts", Some(&mx.token), &mine).await;
    assert_eq!(res.status, 422);
    assert_eq!(res.json()["errors"][0]["code"], "unknown_case");
    mine["related_case_ids"] = json!([uuid::Uuid::now_v7().to_string()]);
    let res2 = app.post("/api/v1/document-alerts", Some(&mx.token), &mine).await;
    assert_eq!(res2.status, 422);
    assert_eq!(res.json()["errors"], res2.json()["errors"], "invisible and missing cases look alike");
}

#[actix_web::test]
async fn specimen_images_are_checked_stripped_and_shared_with_alert_readers() {
    let app = spawn_with(|l| l.max_image_bytes = Some(64 * 1024)).await;
    app.observer_party("OIM");
    let gt = app.user("GT", &[Role::Officer]).await;
    let mx = app.user("MX", &[Role::Analyst]).await;
    let mx_officer = app.user("MX", &[Role::Officer]).await;
    let obs = app.user("OIM", &[Role::StatisticsReader]).await;
    let (id, _) = create(&app, &gt.token, &alert("C1")).await;
    let images = format!("/api/v1/document-alerts/{id}/images");
    let count = |r: Resp| r.json()["items"].as_array().unwrap().len();

    let res = app.upload("POST", &images, &gt.token, "image/png", png("GPS 14.0818,-87.2068", 100)).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let info = res.json();
    assert_eq!(info["content_type"], "image/png");
    let image_path = format!("{images}/{}", info["image_id"].as_str().unwrap());

    // A PDF named and declared as PNG: 415, nothing stored.
    let res = app.upload("POST", &images, &gt.token, "image/png", b"%PDF-1.7\n%fake.png\n".to_vec()).await;
    assert_eq!(res.status, 415);
    assert_eq!(res.problem(), "unsupported-media-type");
    // Too large: 413, nothing stored.
    let res = app.upload("POST", &images, &gt.token, "image/png", png("x", 100 * 1024)).await;
    assert_eq!(res.status, 413, "{}", res.text());
    assert_eq!(res.problem(), "payload-too-large");
    // Other countries and roles may not add images.
    assert_eq!(app.upload("POST", &images, &mx_officer.token, "image/png", png("x", 10)).await.status, 403);
    assert_eq!(app.upload("POST", &images, &obs.token, "image/png", png("x", 10)).await.status, 404);
    assert_eq!(count(app.get(&images, Some(&gt.token)).await), 1, "refused uploads stored nothing");

    // Readers of the alert download it, without the metadata.
    for u in [&gt, &mx, &mx_officer] {
        let res = app.get(&image_path, Some(&u.token)).await;
        assert_eq!(res.status, 200);
        assert_eq!(res.header("content-type").as_deref(), Some("image/png"));
        assert!(res.body.starts_with(b"\x89PNG"));
        assert!(!res.text().contains("GPS") && !res.body.windows(4).any(|w| w == b"tEXt"));
        assert_eq!(count(app.get(&images, Some(&u.token)).await), 1);
    }
    assert_eq!(app.get(&image_path, Some(&obs.token)).await.status, 404);
    assert_eq!(app.get(&images, Some(&obs.token)).await.status, 404);
    assert_eq!(app.send("DELETE", &image_path, Some(&mx_officer.token), None, &[]).await.status, 403);
    assert_eq!(app.send("DELETE", &image_path, Some(&gt.token), None, &[]).await.status, 204);
    assert_eq!(count(app.get(&images, Some(&gt.token)).await), 0);

    assert_eq!(
        app.audit_outcomes("alert_image_add"),
        vec![("allowed".into(), 1), ("denied".into(), 2), ("failed".into(), 2)]
    );
    assert!(app.audit_count("alert_image_read") >= 3);
    assert!(app.audit_count("alert_image_list") >= 4);
    assert_eq!(app.audit_outcomes("alert_image_delete").iter().find(|(o, _)| o == "allowed").map(|x| x.1), Some(1));
}

/// Everything a reader sees of one alert: its body and ETag, and the lists with the filters that
/// look at history and expiry.
async fn foreign_views(app: &TestApp, token: &str, path: &str, between: &str) -> Vec<String> {
    let one = app.get(path, Some(token)).await;
    assert_eq!(one.status, 200, "{}", one.text());
    let mut seen = vec![one.text(), one.header("etag").unwrap_or_default()];
    for q in [String::new(), "?active=true".into(), "?active=false".into(), format!("?since={between}")] {
        let res = app.get(&format!("/api/v1/document-alerts{q}"), Some(token)).await;
        assert_eq!(res.status, 200, "{q}: {}", res.text());
        seen.push(res.text());
    }
    seen
}

/// SECURITY.md P20 for alerts: an edit confined to reserved fields (the document number, reserved
/// by default, and fields the officer reserved on the alert, `valid_until` among them) changes no
/// byte another country sees: body, `version`, `updated_at`, ETag, lists, and what the `since` and
/// `active` filters return. A change to a shared field moves them.
#[actix_web::test]
async fn reserved_only_edits_change_nothing_another_country_sees() {
    let app = spawn_app().await;
    let gt = app.user("GT", &[Role::Officer]).await;
    let mx = app.user("MX", &[Role::Analyst]).await;
    let mut body = alert("CANARY-NUM-1");
    body["issuing_authority_notes"] = json!("CANARY-NOTES-1");
    body["valid_until"] = json!("2099-12-31");
    body["field_reservations"] = json!([
        {"path": "issuing_authority_notes", "reason": "Fuente sensible"},
        {"path": "valid_until", "reason": "Operativo en curso"}
    ]);
    let (id, tag) = create(&app, &gt.token, &body).await;
    let path = format!("/api/v1/document-alerts/{id}");
    std::thread::sleep(std::time::Duration::from_millis(5));
    let between = enlace::clock::now_text();
    std::thread::sleep(std::time::Duration::from_millis(5));

    let before = foreign_views(&app, &mx.token, &path, &between).await;
    let first = app.get(&path, Some(&mx.token)).await.json();
    assert_eq!(first["version"], 1);
    assert_eq!(first["valid_until"]["withheld"], true);

    // Reserved-only edit: the number, the reserved notes, and a past `valid_until` (expired for
    // GT, which filters on it; nobody else may see or filter on it).
    let mut edited = body.clone();
    edited["document"]["document_number"] = json!("CANARY-NUM-2");
    edited["issuing_authority_notes"] = json!("CANARY-NOTES-2");
    edited["valid_until"] = json!("2020-01-01");
    let res = app.put(&path, &gt.token, &edited, Some(&tag)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("etag").as_deref(), Some("\"v2\""));
    let after = foreign_views(&app, &mx.token, &path, &between).await;
    assert_eq!(after, before, "a reserved-only edit must not change what MX sees");
    for text in &after {
        assert!(!text.contains("CANARY-"), "{text}");
    }
    // The reporting country sees its own history and filters on its own values.
    let own = app.get(&path, Some(&gt.token)).await.json();
    assert_eq!(own["version"], 2);
    let n = |r: Resp| r.json()["items"].as_array().unwrap().len();
    assert_eq!(n(app.get("/api/v1/document-alerts?active=true", Some(&gt.token)).await), 0);
    assert_eq!(n(app.get(&format!("/api/v1/document-alerts?since={between}"), Some(&gt.token)).await), 1);

    // A shared change moves what MX sees, with a version and time of its own.
    let mut shared = edited.clone();
    shared["document"]["security_features_notes"] = json!("Microimpresión ausente");
    let res = app.put(&path, &gt.token, &shared, Some("\"v2\"")).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let moved = app.get(&path, Some(&mx.token)).await;
    let v = moved.json();
    assert_eq!(v["version"], 2, "MX has seen two versions");
    assert_ne!(v["updated_at"], first["updated_at"]);
    assert_ne!(moved.header("etag"), Some(before[1].clone()));
    assert_eq!(n(app.get(&format!("/api/v1/document-alerts?since={between}"), Some(&mx.token)).await), 1);

    // A country listed twice is shared with once.
    let mut listed = alert("A-LISTED");
    listed["sharing"] = json!({"scope": "listed", "countries": ["MX", "MX"]});
    let (listed_id, _) = create(&app, &gt.token, &listed).await;
    assert_eq!(app.get(&format!("/api/v1/document-alerts/{listed_id}"), Some(&mx.token)).await.status, 200);
}
