//! The liaison directory (M3) and entry requirements by nationality (M5): role × party matrix,
//! validation, If-Match, the stale-entries report, 404 for observers, audit of reads and writes,
//! and no personal data in the audit log.

use diesel::prelude::*;
use enlace::access::Role;
use serde_json::{Value, json};

use crate::helpers::*;

fn contact(country: &str, role: &str) -> Value {
    json!({"country": country, "institution": "Dirección General de Migración", "unit": "Niñez",
           "position": "Enlace", "contact_role": role, "name": "Ana Canaria Pérez",
           "email": "ana.canaria@migracion.example", "phone": "+50422223333", "languages": ["es", "en"],
           "valid_from": "2026-01-01"})
}

#[actix_web::test]
async fn directory_role_and_party_matrix() {
    let app = spawn_app().await;
    app.observer_party("OIM");
    let hn_admin = app.user("HN", &[Role::CountryAdmin]).await;
    let hn_officer = app.user("HN", &[Role::Officer]).await;
    let gt_admin = app.user("GT", &[Role::CountryAdmin]).await;
    let gt_analyst = app.user("GT", &[Role::Analyst]).await;
    let gt_stats = app.user("GT", &[Role::StatisticsReader]).await;
    let st_admin = app.user("ST", &[Role::StAdmin]).await;
    let st_auditor = app.user("ST", &[Role::Auditor]).await;
    let obs = app.user("OIM", &[Role::StatisticsReader, Role::Auditor]).await;

    // Create: only the country's own administrators (the ST's for the ST's contacts).
    for (u, country, expected) in [
        (&hn_admin, "HN", 201),
        (&hn_officer, "HN", 403),
        (&gt_admin, "HN", 403),
        (&gt_analyst, "GT", 403),
        (&st_admin, "HN", 403),
        (&st_admin, "ST", 201),
        (&obs, "OIM", 403),
    ] {
        let res = app.post("/api/v1/directory", Some(&u.token), &contact(country, "network_liaison")).await;
        assert_eq!(res.status, expected, "{:?} creating for {country}: {}", u.roles, res.text());
        if expected != 201 {
            assert_eq!(res.header("content-type").as_deref(), Some("application/problem+json; charset=utf-8"));
        }
    }
    let res =
        app.post("/api/v1/directory", Some(&hn_admin.token), &contact("HN", "repatriation_liaison_children")).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let tag = res.header("etag").unwrap();
    assert_eq!(res.header("location").unwrap(), format!("/api/v1/directory/{id}"));

    // Read: every member and ST user, whatever the role; observers see nothing (404 / 403).
    for u in [&hn_officer, &gt_admin, &gt_analyst, &gt_stats, &st_admin, &st_auditor] {
        let res = app.get(&format!("/api/v1/directory/{id}"), Some(&u.token)).await;
        assert_eq!(res.status, 200, "{:?}", u.roles);
        assert_eq!(res.json()["email"], "ana.canaria@migracion.example");
        let res =
            app.get("/api/v1/directory?country=HN&contact_role=repatriation_liaison_children", Some(&u.token)).await;
        assert_eq!(res.status, 200);
        let items = res.json()["items"].as_array().unwrap().clone();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["id"], id.as_str());
    }
    assert_eq!(app.get(&format!("/api/v1/directory/{id}"), Some(&obs.token)).await.status, 404);
    assert_eq!(app.get("/api/v1/directory", Some(&obs.token)).await.status, 403);
    assert_eq!(app.get("/api/v1/directory", None).await.status, 401);
    let all = app.get("/api/v1/directory", Some(&gt_analyst.token)).await.json();
    assert_eq!(all["items"].as_array().unwrap().len(), 3);

    // Update: If-Match required, stale → 412; other countries 403, observers 404.
    let mut changed = contact("HN", "repatriation_liaison_children");
    changed["institution"] = json!("DINAF");
    let path = format!("/api/v1/directory/{id}");
    assert_eq!(app.put(&path, &hn_admin.token, &changed, None).await.status, 428);
    assert_eq!(app.put(&path, &hn_admin.token, &changed, Some("\"v9\"")).await.status, 412);
    assert_eq!(app.put(&path, &gt_admin.token, &changed, Some(&tag)).await.status, 403);
    assert_eq!(app.put(&path, &hn_officer.token, &changed, Some(&tag)).await.status, 403);
    assert_eq!(app.put(&path, &obs.token, &changed, Some(&tag)).await.status, 404);
    let res = app.put(&path, &hn_admin.token, &changed, Some(&tag)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["institution"], "DINAF");
    let tag2 = res.header("etag").unwrap();
    assert_eq!(app.put(&path, &hn_admin.token, &changed, Some(&tag)).await.status, 412, "old ETag");

    // Verify and delete: own administrators only.
    assert_eq!(app.send("POST", &format!("{path}/verify"), Some(&gt_admin.token), None, &[]).await.status, 403);
    let res = app.send("POST", &format!("{path}/verify"), Some(&hn_admin.token), None, &[]).await;
    assert_eq!(res.status, 200);
    assert_ne!(res.header("etag").unwrap(), tag2);
    assert_eq!(app.send("DELETE", &path, Some(&gt_admin.token), None, &[]).await.status, 403);
    assert_eq!(app.send("DELETE", &path, Some(&obs.token), None, &[]).await.status, 404);
    assert_eq!(app.send("DELETE", &path, Some(&hn_admin.token), None, &[("If-Match", &tag2)]).await.status, 412);
    assert_eq!(app.send("DELETE", &path, Some(&hn_admin.token), None, &[]).await.status, 204);
    assert_eq!(app.get(&path, Some(&gt_admin.token)).await.status, 404);

    // Audit: writes and reads, denials; never the contact's personal data.
    assert!(app.audit_count("directory_create") >= 3);
    assert_eq!(app.audit_count("directory_update"), 7, "1 allowed + 6 refused");
    assert!(app.audit_count("directory_read") >= 6);
    assert!(app.audit_count("directory_list") >= 7);
    assert_eq!(app.audit_count("directory_delete"), 4);
    assert!(app.audit_outcomes("directory_read").iter().any(|(o, _)| o == "denied"));
    let details: Vec<String> = enlace::db::schema::audit_events::table
        .select(enlace::db::schema::audit_events::details)
        .load(&mut app.conn())
        .unwrap();
    for d in details {
        assert!(!d.contains("Canaria") && !d.contains("migracion.example") && !d.contains("22223333"), "{d}");
    }
}

#[actix_web::test]
async fn directory_validation_and_stale_report() {
    let app = spawn_app().await;
    let hn = app.user("HN", &[Role::CountryAdmin]).await;
    let mut bad = contact("HN", "consular");
    bad["phone"] = json!("2222-3333");
    bad["email"] = json!("not an email");
    bad["valid_to"] = json!("2025-01-01");
    bad["languages"] = json!(["spanish"]);
    let res = app.post("/api/v1/directory", Some(&hn.token), &bad).await;
    assert_eq!(res.status, 422, "{}", res.text());
    let fields: Vec<String> =
        res.json()["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect();
    for f in ["phone", "email", "valid_to", "languages[0]"] {
        assert!(fields.contains(&f.to_owned()), "{f} in {fields:?}");
    }
    let mut unknown = contact("HN", "consular");
    unknown["home_address"] = json!("x");
    let res = app.post("/api/v1/directory", Some(&hn.token), &unknown).await;
    assert_eq!(res.status, 422);
    assert_eq!(res.json()["errors"][0]["code"], "unknown_field");
    let mut role = contact("HN", "consular");
    role["contact_role"] = json!("chief");
    assert_eq!(app.post("/api/v1/directory", Some(&hn.token), &role).await.status, 422);

    let old = app.post("/api/v1/directory", Some(&hn.token), &contact("HN", "consular")).await.json();
    let fresh = app.post("/api/v1/directory", Some(&hn.token), &contact("HN", "network_liaison")).await.json();
    let old_id = old["id"].as_str().unwrap().to_owned();
    {
        use enlace::db::schema::directory_entries::dsl;
        diesel::update(dsl::directory_entries.find(&old_id))
            .set(dsl::last_verified_at.eq("2024-01-01T00:00:00.000000Z"))
            .execute(&mut app.conn())
            .unwrap();
    }
    let res = app.get("/api/v1/directory/stale", Some(&hn.token)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let ids: Vec<&str> = res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect::<Vec<_>>()
        .into_iter()
        .map(|s| if s == old_id { "old" } else { "other" })
        .collect();
    assert_eq!(ids, vec!["old"], "only the entry not verified in 12 months, not {}", fresh["id"]);
    let res = app.get("/api/v1/directory?not_verified_since=2025-01-01T00:00:00Z", Some(&hn.token)).await;
    assert_eq!(res.json()["items"].as_array().unwrap().len(), 1);
    // Verifying it removes it from the report.
    assert_eq!(
        app.send("POST", &format!("/api/v1/directory/{old_id}/verify"), Some(&hn.token), None, &[]).await.status,
        200
    );
    let res = app.get("/api/v1/directory/stale?country=HN", Some(&hn.token)).await;
    assert!(res.json()["items"].as_array().unwrap().is_empty());
    assert!(app.audit_count("directory_stale_list") >= 2);
    assert_eq!(app.audit_count("directory_verify"), 1);
}

fn rule(member: &str, nationality: &str, requirement: &str) -> Value {
    json!({"member_country": member, "nationality": nationality, "requirement": requirement,
           "valid_from": "2025-03-01", "source_reference": "Acuerdo 12/2025"})
}

#[actix_web::test]
async fn entry_requirements_matrix_filters_and_audit() {
    let app = spawn_app().await;
    app.observer_party("OIM");
    let mx_admin = app.user("MX", &[Role::CountryAdmin]).await;
    let mx_officer = app.user("MX", &[Role::Officer]).await;
    let pa_admin = app.user("PA", &[Role::CountryAdmin]).await;
    let pa_stats = app.user("PA", &[Role::StatisticsReader]).await;
    let st = app.user("ST", &[Role::StAdmin]).await;
    let obs = app.user("OIM", &[Role::StatisticsReader]).await;

    for (u, member, expected) in [
        (&mx_admin, "MX", 201),
        (&mx_officer, "MX", 403),
        (&pa_admin, "MX", 403),
        (&pa_admin, "PA", 201),
        (&st, "ST", 403),
        (&obs, "MX", 403),
    ] {
        let res =
            app.post("/api/v1/entry-requirements", Some(&u.token), &rule(member, "HT", "special_authorization")).await;
        assert_eq!(res.status, expected, "{:?} for {member}: {}", u.roles, res.text());
    }
    let res = app.post("/api/v1/entry-requirements", Some(&mx_admin.token), &rule("MX", "CU", "visa")).await;
    assert_eq!(res.status, 201);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let tag = res.header("etag").unwrap();
    // Same country, nationality and date twice: 422.
    let dup = app.post("/api/v1/entry-requirements", Some(&mx_admin.token), &rule("MX", "CU", "none")).await;
    assert_eq!(dup.status, 422, "{}", dup.text());
    let res = app.post("/api/v1/entry-requirements", Some(&mx_admin.token), &rule("MX", "XX", "visa")).await;
    assert_eq!(res.status, 422);

    for u in [&mx_officer, &pa_admin, &pa_stats, &st] {
        let res = app.get("/api/v1/entry-requirements?member_country=MX", Some(&u.token)).await;
        assert_eq!(res.status, 200);
        assert_eq!(res.json()["items"].as_array().unwrap().len(), 2);
        let res = app.get("/api/v1/entry-requirements?nationality=HT", Some(&u.token)).await;
        assert_eq!(res.json()["items"].as_array().unwrap().len(), 2, "MX and PA");
        let res = app.get("/api/v1/entry-requirements?member_country=PA&nationality=HT", Some(&u.token)).await;
        assert_eq!(res.json()["items"][0]["requirement"], "special_authorization");
        assert_eq!(app.get(&format!("/api/v1/entry-requirements/{id}"), Some(&u.token)).await.status, 200);
    }
    assert_eq!(app.get("/api/v1/entry-requirements?requirement=maybe", Some(&st.token)).await.status, 422);
    assert_eq!(app.get("/api/v1/entry-requirements", Some(&obs.token)).await.status, 403);
    assert_eq!(app.get(&format!("/api/v1/entry-requirements/{id}"), Some(&obs.token)).await.status, 404);

    let path = format!("/api/v1/entry-requirements/{id}");
    let changed = rule("MX", "CU", "consulted_visa");
    assert_eq!(app.put(&path, &mx_admin.token, &changed, None).await.status, 428);
    assert_eq!(app.put(&path, &pa_admin.token, &changed, Some(&tag)).await.status, 403);
    assert_eq!(app.put(&path, &obs.token, &changed, Some(&tag)).await.status, 404);
    let res = app.put(&path, &mx_admin.token, &changed, Some(&tag)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["requirement"], "consulted_visa");
    assert_eq!(app.put(&path, &mx_admin.token, &changed, Some(&tag)).await.status, 412);
    assert_eq!(app.send("DELETE", &path, Some(&pa_admin.token), None, &[]).await.status, 403);
    assert_eq!(app.send("DELETE", &path, Some(&mx_admin.token), None, &[]).await.status, 204);
    assert_eq!(app.get(&path, Some(&pa_admin.token)).await.status, 404);

    assert_eq!(
        app.audit_outcomes("entry_requirement_create"),
        vec![("allowed".into(), 3), ("denied".into(), 4), ("failed".into(), 2)]
    );
    assert!(app.audit_count("entry_requirement_list") >= 12);
    assert!(app.audit_count("entry_requirement_read") >= 5);
    assert_eq!(
        app.audit_outcomes("entry_requirement_update").iter().find(|(o, _)| o == "allowed").map(|x| x.1),
        Some(1)
    );
    assert_eq!(
        app.audit_outcomes("entry_requirement_delete").iter().find(|(o, _)| o == "allowed").map(|x| x.1),
        Some(1)
    );
}
