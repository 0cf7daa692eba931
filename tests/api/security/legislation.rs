//! The legislation matrix's access matrix: every identity (each role of a member country, of the
//! ST and of an observer) writes every country's row and runs rounds; what it may do is decided
//! here, independently of `access/`, from the rule of issue #22: a member country's
//! `country_admin` writes its own rows and confirms for its own country; the ST's `st_admin` opens
//! and closes rounds; everyone signed in reads.

use enlace::access::Role;
use serde_json::json;

use crate::helpers::*;

fn entry() -> serde_json::Value {
    json!({"status": "partly", "instrument": "Ley contra la Trata de Personas", "article": "Art. 5",
           "last_reviewed": "2026-06-01", "notes_es": "Sin agravante específica.", "notes_en": "No specific aggravation."})
}

#[actix_web::test]
async fn who_may_write_which_countrys_rows_and_run_rounds() {
    let app = spawn_app().await;
    app.observer_party("OIM");
    let roles = [Role::CountryAdmin, Role::Officer, Role::Analyst, Role::StatisticsReader, Role::Auditor];
    let mut who = vec![];
    for party in ["HN", "GT"] {
        for r in roles {
            who.push((party, r, app.user(party, &[r]).await));
        }
    }
    for r in [Role::StAdmin, Role::Auditor, Role::StatisticsReader] {
        who.push(("ST", r, app.user("ST", &[r]).await));
    }
    for r in [Role::StatisticsReader, Role::Auditor] {
        who.push(("OIM", r, app.user("OIM", &[r]).await));
    }
    let st_admin = &who.iter().find(|(p, r, _)| *p == "ST" && *r == Role::StAdmin).unwrap().2;
    let res = app
        .post(
            "/api/v1/legislation/rounds",
            Some(&st_admin.token),
            &json!({"title": "Reunión 2027", "deadline": "2999-01-31"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let round = res.json()["id"].as_str().unwrap().to_owned();

    let (mut allowed, mut refused) = (0, 0);
    for (party, role, u) in &who {
        for row in ["HN", "GT", "MX"] {
            let may = *role == Role::CountryAdmin && party == &row;
            let path = format!("/api/v1/legislation/entries/{row}/penalties");
            let before = app.get(&path, Some(&u.token)).await;
            let tag = before.header("etag");
            let res = app
                .send(
                    "PUT",
                    &path,
                    Some(&u.token),
                    Some(&entry()),
                    &tag.iter().map(|t| ("If-Match", t.as_str())).collect::<Vec<_>>(),
                )
                .await;
            if may {
                assert!(matches!(res.status, 200 | 201), "{party} {role:?} writing {row}: {}", res.text());
                allowed += 1;
            } else {
                assert_eq!(res.status, 403, "{party} {role:?} writing {row}: {}", res.text());
                refused += 1;
            }
            // Everyone signed in reads the matrix.
            assert_eq!(app.get(&format!("/api/v1/legislation?country={row}"), Some(&u.token)).await.status, 200);
        }
        let may_confirm = *role == Role::CountryAdmin;
        let res =
            app.post(&format!("/api/v1/legislation/rounds/{round}/confirmations"), Some(&u.token), &json!({})).await;
        assert_eq!(matches!(res.status, 200 | 201), may_confirm, "{party} {role:?} confirming: {}", res.text());
        if !may_confirm {
            assert_eq!(res.status, 403);
        }
        let may_open = *party == "ST" && *role == Role::StAdmin;
        let res = app
            .post("/api/v1/legislation/rounds", Some(&u.token), &json!({"title": "Otra", "deadline": "2999-01-31"}))
            .await;
        assert_eq!(res.status, if may_open { 409 } else { 403 }, "{party} {role:?} opening: {}", res.text());
        if !may_open {
            let res = app.post(&format!("/api/v1/legislation/rounds/{round}/close"), Some(&u.token), &json!({})).await;
            assert_eq!(res.status, 403, "{party} {role:?} closing");
        }
    }
    assert_eq!(app.get("/api/v1/legislation", None).await.status, 401);
    // Who wrote and who confirmed: only the countries' own administrators, each for itself.
    let round = app.get(&format!("/api/v1/legislation/rounds/{round}"), Some(&st_admin.token)).await.json();
    let confirmed: Vec<&str> =
        round["confirmations"].as_array().unwrap().iter().map(|c| c["country"].as_str().unwrap()).collect();
    assert_eq!(confirmed, ["GT", "HN"]);
    assert!(!round["pending"].as_array().unwrap().iter().any(|c| c == "HN" || c == "GT"));
    assert_eq!(
        app.audit_outcomes("legislation_update").iter().find(|(o, _)| o == "denied").map(|(_, n)| *n),
        Some(refused)
    );
    crate::security::figure(format!(
        "legislation matrix: {allowed} writes allowed, {refused} refused, {} identities",
        who.len()
    ));
}
