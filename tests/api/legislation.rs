//! The legislation matrix (issue #22): entries created and replaced with If-Match, every change
//! a version, cross-field rules answered in both languages, the matrix as JSON and as a CSV of
//! countries × topics, an update round from opening to closing, audit of reads and writes, and a
//! reservation policy citing an entry.

use enlace::access::Role;
use serde_json::{Value, json};

use crate::helpers::*;

fn entry(status: &str) -> Value {
    json!({"status": status, "instrument": "Decreto 9-2009", "article": "Arts. 202 ter y 202 quáter",
           "in_force_since": "2009-03-20", "notes_es": "Incluye los tres elementos.",
           "notes_en": "Includes all three elements.", "source_url": "https://example.org/decreto-9-2009",
           "last_reviewed": "2026-05-01"})
}

#[actix_web::test]
async fn entries_are_versioned_listed_as_a_matrix_and_exported_as_csv() {
    let app = spawn_app().await;
    app.observer_party("OIM");
    let gt = app.user("GT", &[Role::CountryAdmin]).await;
    let obs = app.user("OIM", &[Role::StatisticsReader]).await;
    let path = "/api/v1/legislation/entries/GT/trafficking_offence";

    let res = app.put(path, &gt.token, &entry("yes"), None).await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.header("location").as_deref(), Some(path));
    let tag = res.header("etag").unwrap();
    assert_eq!(res.json()["version"], 1);
    // Replacing needs the ETag: 428 without, 412 stale.
    let mut changed = entry("partly");
    changed["notes_es"] = json!("Falta el fin de explotación laboral.");
    changed["notes_en"] = json!("Labour exploitation is missing as a purpose.");
    assert_eq!(app.put(path, &gt.token, &changed, None).await.status, 428);
    assert_eq!(app.put(path, &gt.token, &changed, Some("\"v7\"")).await.status, 412);
    let res = app.put(path, &gt.token, &changed, Some(&tag)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "partly");
    assert_eq!(res.header("etag").as_deref(), Some("\"v2\""));
    assert!(
        app.put(
            "/api/v1/legislation/entries/GT/data_protection",
            &gt.token,
            &json!({"status": "no", "last_reviewed": "2026-05-01"}),
            None
        )
        .await
        .status
            == 201
    );

    // Every version as it was written.
    let v = app.get(&format!("{path}/versions"), Some(&obs.token)).await.json();
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["entry"]["status"], "yes");
    assert_eq!(items[1]["entry"]["status"], "partly");

    // Unknown countries and topics are not found; the ST is not a row.
    for p in [
        "/api/v1/legislation/entries/ST/penalties",
        "/api/v1/legislation/entries/GT/astrology",
        "/api/v1/legislation/entries/XX/penalties",
    ] {
        assert_eq!(app.get(p, Some(&gt.token)).await.status, 404, "{p}");
    }

    // The matrix: topics with labels, the eleven members, the entries; observers read it.
    let m = app.get("/api/v1/legislation", Some(&obs.token)).await.json();
    assert_eq!(m["topics"].as_array().unwrap().len(), 17);
    assert_eq!(m["topics"][0]["label_es"], "Tipificación del delito de trata de personas");
    assert_eq!(m["countries"].as_array().unwrap().len(), 11);
    assert_eq!(m["entries"].as_array().unwrap().len(), 2);
    let one = app.get("/api/v1/legislation?topic=data_protection", Some(&obs.token)).await.json();
    assert_eq!(one["entries"].as_array().unwrap().len(), 1);
    assert_eq!(one["topics"].as_array().unwrap().len(), 1);
    let bad = app.get("/api/v1/legislation?topic=astrology&country=ST", Some(&obs.token)).await;
    assert_eq!(bad.status, 422);
    let fields: Vec<String> =
        bad.json()["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect();
    assert_eq!(fields, ["country", "topic"]);

    // CSV: a row per country, a column per topic, labels in the request's language.
    let csv =
        app.send("GET", "/api/v1/legislation?format=csv", Some(&obs.token), None, &[("Accept-Language", "es")]).await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type").as_deref(), Some("text/csv; charset=utf-8"));
    assert_eq!(csv.header("content-language").as_deref(), Some("es"));
    let text = csv.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2 + 11);
    assert!(lines[0].starts_with("country,trafficking_offence,trafficking_act,"));
    assert!(lines[1].starts_with("país,Tipificación del delito de trata de personas,"));
    let gt_row: Vec<&str> = lines.iter().find(|l| l.starts_with("GT,")).unwrap().split(',').collect();
    assert_eq!(gt_row.len(), 18);
    assert_eq!(gt_row[1], "partly");
    assert_eq!(gt_row[16], "no", "data_protection is the 16th topic");
    assert_eq!(gt_row[2], "", "a topic not filled in is empty");
    let en = app.send("GET", "/api/v1/legislation", Some(&obs.token), None, &[("Accept", "text/csv")]).await;
    assert!(en.text().lines().nth(1).unwrap().starts_with("country,Trafficking in persons offence,"));

    // Audited: the writes (with no notes in the log) and the reads.
    assert_eq!(app.audit_count("legislation_create"), 2);
    let updated = app.audit_outcomes("legislation_update");
    assert_eq!(
        updated,
        [("allowed".to_owned(), 1), ("failed".to_owned(), 2)],
        "one replacement, two refused preconditions"
    );
    assert!(app.audit_count("legislation_list") >= 4);
    assert_eq!(app.audit_count("legislation_versions"), 1);
}

#[actix_web::test]
async fn cross_field_rules_are_named_in_both_languages() {
    let app = spawn_app().await;
    let hn = app.user("HN", &[Role::CountryAdmin]).await;
    let body =
        json!({"status": "yes", "notes_es": "solo en español", "source_url": "ftp://x", "last_reviewed": "2999-01-01"});
    for (lang, instrument, notes, url, future) in [
        ("en", "name the instrument", "add the English text", "an https:// address", "not after today"),
        ("es", "indique el instrumento", "agregue el texto en inglés", "una dirección https://", "no posterior a hoy"),
    ] {
        let res = app
            .send(
                "PUT",
                "/api/v1/legislation/entries/HN/penalties",
                Some(&hn.token),
                Some(&body),
                &[("Accept-Language", lang)],
            )
            .await;
        assert_eq!(res.status, 422, "{}", res.text());
        assert_eq!(res.header("content-language").as_deref(), Some(lang));
        let errors = res.json()["errors"].clone();
        let msg = |field: &str| {
            errors
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["field"] == field)
                .map(|e| e[if lang == "es" { "message_es" } else { "message" }].as_str().unwrap().to_owned())
                .unwrap_or_else(|| panic!("{field} in {errors}"))
        };
        assert!(msg("instrument").contains(instrument), "{lang}");
        assert!(msg("notes_en").contains(notes), "{lang}");
        assert!(msg("source_url").contains(url), "{lang}");
        assert!(msg("last_reviewed").contains(future), "{lang}");
    }
    assert_eq!(
        app.get("/api/v1/legislation/entries/HN/penalties", Some(&hn.token)).await.status,
        404,
        "nothing was written"
    );
    let unknown = app
        .send(
            "PUT",
            "/api/v1/legislation/entries/HN/penalties",
            Some(&hn.token),
            Some(&json!({"status": "maybe", "last_reviewed": "2026-01-01", "colour": 1})),
            &[],
        )
        .await;
    assert_eq!(unknown.status, 422);
    let fields: Vec<String> =
        unknown.json()["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect();
    assert!(fields.contains(&"status".to_owned()) && fields.contains(&"colour".to_owned()), "{fields:?}");
}

#[actix_web::test]
async fn an_update_round_from_opening_to_closing_and_a_policy_citing_an_entry() {
    let app = spawn_app().await;
    let st = app.user("ST", &[Role::StAdmin]).await;
    let hn = app.user("HN", &[Role::CountryAdmin]).await;
    let mx = app.user("MX", &[Role::CountryAdmin]).await;
    let officer = app.user("MX", &[Role::Officer]).await;

    let past =
        app.post("/api/v1/legislation/rounds", Some(&st.token), &json!({"title": "x", "deadline": "2001-01-01"})).await;
    assert_eq!(past.status, 422);
    let res = app
        .post(
            "/api/v1/legislation/rounds",
            Some(&st.token),
            &json!({"title": "Reunión de la Red, Managua 2027", "deadline": "2999-03-01"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let id = res.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(res.header("location").unwrap(), format!("/api/v1/legislation/rounds/{id}"));
    assert_eq!(res.json()["state"], "open");
    assert_eq!(res.json()["pending"].as_array().unwrap().len(), 11);
    let again = app
        .post("/api/v1/legislation/rounds", Some(&st.token), &json!({"title": "Otra", "deadline": "2999-03-01"}))
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(again.problem(), "legislation-round-open");

    // HN updates an entry, then confirms; confirming twice changes nothing.
    assert_eq!(
        app.put(
            "/api/v1/legislation/entries/HN/compensation",
            &hn.token,
            &json!({"status": "yes", "instrument": "Ley 59-2012", "last_reviewed": "2026-11-30"}),
            None
        )
        .await
        .status,
        201
    );
    let confirm = format!("/api/v1/legislation/rounds/{id}/confirmations");
    assert_eq!(app.post(&confirm, Some(&hn.token), &json!({})).await.status, 201);
    let twice = app.post(&confirm, Some(&hn.token), &json!({})).await;
    assert_eq!(twice.status, 200);
    let c = &twice.json()["confirmations"];
    assert_eq!(c.as_array().unwrap().len(), 1);
    assert_eq!(c[0]["country"], "HN");
    assert_eq!(c[0]["entries_updated"], 1);
    assert_eq!(c[0]["late"], false);
    let m = app.get("/api/v1/legislation", Some(&officer.token)).await.json();
    assert_eq!(m["current_round"]["id"], id.as_str());
    assert_eq!(m["current_round"]["pending"].as_array().unwrap().len(), 10);

    // Closed: no more confirmations; a new round may open.
    let closed = app.post(&format!("/api/v1/legislation/rounds/{id}/close"), Some(&st.token), &json!({})).await;
    assert_eq!(closed.status, 200);
    assert_eq!(closed.json()["state"], "closed");
    let late = app.post(&confirm, Some(&mx.token), &json!({})).await;
    assert_eq!(late.status, 409);
    assert_eq!(late.problem(), "legislation-round-closed");
    assert_eq!(app.get("/api/v1/legislation", Some(&officer.token)).await.json()["current_round"], Value::Null);
    assert_eq!(
        app.post("/api/v1/legislation/rounds", Some(&st.token), &json!({"title": "2028", "deadline": "2999-03-01"}))
            .await
            .status,
        201
    );
    assert_eq!(
        app.get("/api/v1/legislation/rounds", Some(&officer.token)).await.json()["items"].as_array().unwrap().len(),
        2
    );
    let allowed = |action: &str| {
        app.audit_outcomes(action).into_iter().find(|(o, _)| o == "allowed").map(|(_, n)| n).unwrap_or(0)
    };
    assert_eq!(allowed("legislation_round_open"), 2);
    assert_eq!(allowed("legislation_round_confirm"), 1, "the second confirmation changed nothing");
    assert_eq!(allowed("legislation_round_close"), 1);

    // A reservation policy's legal basis may cite the country's own entry, and only one that exists.
    let policy = app.get("/api/v1/parties/HN/reservation-policy", Some(&hn.token)).await;
    let tag = policy.header("etag").unwrap();
    let cite = |topic: &str| {
        json!({"include_in_statistics": true, "fields": [{"path": "persons[].date_of_birth", "flag": "reserved",
        "legal_basis": "Ley 59-2012, art. 12", "legislation_topic": topic}]})
    };
    let res = app.put("/api/v1/parties/HN/reservation-policy", &hn.token, &cite("penalties"), Some(&tag)).await;
    assert_eq!(res.status, 422, "{}", res.text());
    assert_eq!(res.json()["errors"][0]["field"], "fields[0].legislation_topic");
    assert_eq!(res.json()["errors"][0]["code"], "no_entry");
    let res = app.put("/api/v1/parties/HN/reservation-policy", &hn.token, &cite("compensation"), Some(&tag)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let f = res.json()["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "persons[].date_of_birth")
        .cloned()
        .unwrap();
    assert_eq!(f["legislation_topic"], "compensation");
}

#[actix_web::test]
async fn the_console_shows_the_matrix_to_an_observer_in_its_language() {
    let app = spawn_app().await;
    app.observer_party("OIM");
    let hn = app.user("HN", &[Role::CountryAdmin]).await;
    let st = app.user("ST", &[Role::StAdmin]).await;
    let obs = app.user("OIM", &[Role::StatisticsReader]).await;
    let mut e = entry("partly");
    e["notes_es"] = json!("Nota <b>en</b> español");
    assert_eq!(app.put("/api/v1/legislation/entries/HN/penalties", &hn.token, &e, None).await.status, 201);
    app.post(
        "/api/v1/legislation/rounds",
        Some(&st.token),
        &json!({"title": "Reunión 2027", "deadline": "2999-01-31"}),
    )
    .await;
    let before = app.audit_count("legislation_list");

    let mut b = Browser::new(&app);
    b.sign_in(&obs).await;
    let res = b.request("GET", "/legislation?country=HN", None, &[("Accept-Language", "es")]).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("content-language").as_deref(), Some("es"));
    let html = res.text();
    assert!(html.contains("Matriz de legislación") && html.contains("Reunión 2027"), "{html}");
    assert!(html.contains("data-status=\"partly\">en parte<"), "the HN × penalties cell");
    assert!(html.contains("Nota &lt;b&gt;en&lt;/b&gt; español"), "notes in the reader's language, escaped");
    assert!(!html.contains("Includes all three elements"), "not the other language's notes");
    assert!(html.contains("href=\"https://example.org/decreto-9-2009\""));
    let csv = b.get("/legislation.csv").await;
    assert_eq!(csv.status, 200);
    assert!(csv.text().lines().find(|l| l.starts_with("HN,")).unwrap().contains("partly"));
    assert_eq!(app.audit_count("legislation_list"), before + 2, "each console read audited as the API's");
}
