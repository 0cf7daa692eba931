//! The JWT attack corpus of the identity tests, and revoked credentials, on every authenticated
//! operation of the OpenAPI document: each one answers 401 before it reads a body or an id.

use enlace::access::Role;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::tokens::attack_corpus;

/// (method, path with placeholders filled, has a body) of every operation that needs a token.
pub fn authenticated_operations() -> Vec<(String, String, bool)> {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string("openapi/openapi.json").unwrap()).unwrap();
    let mut out = vec![];
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            if !secured {
                continue;
            }
            out.push((method.to_uppercase(), fill(path), op.get("requestBody").is_some()));
        }
    }
    out
}

#[actix_web::test]
async fn every_authenticated_operation_refuses_every_bad_token_and_revoked_credentials() {
    let app = spawn_app().await;
    let u = app.user("GT", &[Role::Officer]).await;
    let victim = app.user("MX", &[Role::Officer]).await;
    let corpus = attack_corpus(&app, &u, &victim);
    // Credentials that were good: a signed-out session, a disabled user, a deactivated party.
    let st = app.user("ST", &[Role::StAdmin]).await;
    let signed_out = app.user("HN", &[Role::Analyst]).await;
    assert_eq!(app.post("/api/v1/auth/logout", Some(&signed_out.token), &json!({})).await.status, 204);
    let disabled = app.user("CR", &[Role::Analyst]).await;
    let res =
        app.patch(&format!("/api/v1/users/{}", disabled.id), Some(&st.token), &json!({"status": "disabled"})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let deactivated = app.user("PA", &[Role::Analyst]).await;
    assert_eq!(app.patch("/api/v1/parties/PA", Some(&st.token), &json!({"active": false})).await.status, 200);
    let mut tokens: Vec<(&str, String)> = corpus;
    tokens.push(("signed out", signed_out.token.clone()));
    tokens.push(("user disabled", disabled.token.clone()));
    tokens.push(("party deactivated", deactivated.token.clone()));
    tokens.push(("no token", String::new()));

    let ops = authenticated_operations();
    assert!(ops.len() >= 25, "{}", ops.len());
    let mut requests = 0;
    let mut failures = vec![];
    for (method, path, has_body) in &ops {
        for (name, token) in &tokens {
            let body = has_body.then(|| json!({}));
            let token = (!token.is_empty()).then_some(token.as_str());
            let res = app.send(method, path, token, body.as_ref(), &[]).await;
            requests += 1;
            if res.status != 401 || res.header("www-authenticate").as_deref() != Some("Bearer") {
                failures.push(format!("{method} {path} with {name}: {} {}", res.status, res.text()));
            }
        }
    }
    super::figure(format!(
        "token corpus: {} tokens × {} operations = {requests} requests, {} accepted",
        tokens.len(),
        ops.len(),
        failures.len()
    ));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The genuine token still works everywhere it should.
    assert_eq!(app.get("/api/v1/me", Some(&u.token)).await.status, 200);
}

/// The OpenAPI document's 403 rule against the server: a session restricted to changing the
/// password is refused (403 `password-change-required`) by every authenticated operation but the
/// few a restricted session exists for, and the document lists 403 on each one that refuses it.
#[actix_web::test]
async fn a_restricted_session_is_refused_everywhere_the_document_says_403() {
    let app = spawn_app().await;
    let (username, password) = ("gt.restringida", "Una clave inicial 2026 larga");
    enlace::admin::bootstrap::create_user(&mut app.conn(), "GT", &[Role::Officer], username, password, true).unwrap();
    let v = app.login(username, password, None).await.json();
    assert_eq!(v["scope"], "password_change", "{v}");
    let token = v["access_token"].as_str().unwrap().to_owned();
    let doc: Value = serde_json::from_str(&std::fs::read_to_string("openapi/openapi.json").unwrap()).unwrap();
    let any_session = ["/api/v1/auth/logout", "/api/v1/me", "/api/v1/me/password", "/api/v1/me/mfa/totp"];
    let mut refused = 0;
    let mut failures = vec![];
    for (method, path, has_body) in authenticated_operations() {
        if path == "/api/v1/auth/logout" {
            continue; // it would end the session the rest of the test uses
        }
        let template = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .find(|(t, ops)| ops.get(method.to_lowercase()).is_some() && fill(t) == path);
        let (template, ops) = template.expect("an operation of the document");
        let documented_403 = ops[method.to_lowercase()]["responses"].get("403").is_some();
        let body = has_body.then(|| json!({}));
        let res = app.send(&method, &path, Some(&token), body.as_ref(), &[]).await;
        let restricted = res.status == 403 && res.problem() == "password-change-required";
        let exempt = any_session.iter().any(|p| template.starts_with(p));
        if restricted {
            refused += 1;
        }
        if exempt == restricted || (restricted && !documented_403) || (!exempt && !documented_403) {
            failures.push(format!(
                "{method} {template}: {} {} (403 documented: {documented_403})",
                res.status,
                res.text()
            ));
        }
    }
    super::figure(format!("restricted session: refused by {refused} operations, {} mismatches", failures.len()));
    assert!(refused >= 60, "{refused}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn fill(template: &str) -> String {
    template
        .replace("{id}", "01900000-0000-7000-8000-000000000000")
        .replace("{code}", "GT")
        .replace("{n}", "1")
        .replace("{country}", "GT")
        .replace("{semester}", "2025-S1")
}
