//! Health, readiness, TLS, headers, problem+json, limits, OpenAPI drift.

use std::io::{Read, Write};

use serde_json::json;

use crate::helpers::*;

#[actix_web::test]
async fn health_and_readiness_answer_with_security_headers() {
    let app = spawn_app().await;
    for path in ["/healthz", "/readyz"] {
        let res = app.get(path, None).await;
        assert_eq!(res.status, 200, "{path}");
        assert_eq!(res.json(), json!({"status": "ok"}));
        assert_eq!(res.header("content-type").as_deref(), Some("application/json; charset=utf-8"));
        assert_security_headers(&res);
    }
}

#[actix_web::test]
async fn the_formato_catalog_is_public_and_cacheable() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/formato", None).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let catalog = res.json();
    assert!(catalog["fields"].as_array().is_some_and(|f| f.len() > 200), "the whole catalog");
    let etag = res.header("etag").expect("ETag");
    assert_eq!(etag, format!("\"{}\"", enlace::digest::sha256_hex(&res.body)), "strong tag of the body");
    assert!(res.header("cache-control").is_some_and(|c| c.starts_with("public")));
    let weak = format!("W/{etag}");
    let listed = format!("\"other\", {etag}");
    for tag in [etag.as_str(), weak.as_str(), listed.as_str(), "*"] {
        let again = app.send("GET", "/api/v1/formato", None, None, &[("If-None-Match", tag)]).await;
        assert_eq!(again.status, 304, "If-None-Match: {tag}");
        assert!(again.body.is_empty());
        assert_eq!(again.header("etag").as_deref(), Some(etag.as_str()));
    }
    let stale = app.send("GET", "/api/v1/formato", None, None, &[("If-None-Match", "\"stale\"")]).await;
    assert_eq!(stale.status, 200);
    assert_eq!(stale.body, res.body);
}

#[actix_web::test]
async fn readiness_fails_while_migrations_are_pending() {
    use diesel::RunQueryDsl;
    let app = spawn_app().await;
    assert_eq!(app.get("/readyz", None).await.status, 200);
    // Forget the newest migration: the node must report itself not ready.
    diesel::sql_query(
        "DELETE FROM __diesel_schema_migrations WHERE version = (SELECT MAX(version) FROM __diesel_schema_migrations)",
    )
    .execute(&mut app.conn())
    .unwrap();
    let res = app.get("/readyz", None).await;
    assert_eq!(res.status, 503, "{}", res.text());
    assert_eq!(res.problem(), "unavailable");
    assert_security_headers(&res);
    assert_eq!(app.get("/healthz", None).await.status, 200);
}

#[actix_web::test]
async fn request_id_is_echoed_when_well_formed_and_replaced_otherwise() {
    let app = spawn_app().await;
    let res = app.send("GET", "/healthz", None, None, &[("X-Request-Id", "abc-123.x")]).await;
    assert_eq!(res.header("x-request-id").as_deref(), Some("abc-123.x"));
    let res = app.send("GET", "/healthz", None, None, &[("X-Request-Id", "bad id with spaces")]).await;
    let id = res.header("x-request-id").unwrap();
    assert_ne!(id, "bad id with spaces");
    assert_eq!(id.len(), 36);
}

#[actix_web::test]
async fn plain_http_on_the_tls_port_gets_no_http_answer() {
    let app = spawn_app().await;
    let port = app.port;
    let answer = actix_web::web::block(move || {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
        s.write_all(b"GET /readyz HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        buf
    })
    .await
    .unwrap();
    assert!(!answer.starts_with(b"HTTP/"), "plain HTTP was answered: {:?}", String::from_utf8_lossy(&answer));
}

#[actix_web::test]
async fn unknown_route_is_a_problem_document_in_the_callers_language() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/nothing-here", None).await;
    assert_eq!(res.status, 404);
    assert_eq!(res.header("content-type").as_deref(), Some("application/problem+json; charset=utf-8"));
    let body = res.json();
    assert_eq!(body["type"], "urn:enlace:problem:no-route");
    assert_eq!(body["status"], 404);
    assert_eq!(body["request_id"], res.header("x-request-id").unwrap());
    assert!(body["detail"].as_str().unwrap().starts_with("No endpoint"));
    assert_security_headers(&res);

    let res =
        app.send("GET", "/api/v1/nothing-here", None, None, &[("Accept-Language", "es-GT,es;q=0.9,en;q=0.5")]).await;
    assert!(res.json()["detail"].as_str().unwrap().starts_with("Ningún"), "{}", res.text());
    let res = app.send("GET", "/api/v1/nothing-here", None, None, &[("Accept-Language", "en;q=1, es;q=0.3")]).await;
    assert!(res.json()["detail"].as_str().unwrap().starts_with("No endpoint"));
}

#[actix_web::test]
async fn wrong_method_is_405_with_allow() {
    let app = spawn_app().await;
    let res = app.send("DELETE", "/healthz", None, None, &[]).await;
    assert_eq!(res.status, 405);
    assert_eq!(res.problem(), "method-not-allowed");
    assert_eq!(res.header("allow").as_deref(), Some("GET"));
    let res = app.send("TRACE", "/api/v1/users/abc", None, None, &[]).await;
    assert_eq!(res.status, 405);
    assert_eq!(res.header("allow").as_deref(), Some("GET, PATCH"));
    assert_security_headers(&res);
    // A literal route beside a templated one answers its own methods only, as OpenAPI matches
    // it: `/directory/stale` is not `/directory/{id}` with the id `stale`.
    for method in ["PATCH", "PUT", "DELETE", "OPTIONS"] {
        let res = app.send(method, "/api/v1/directory/stale", None, None, &[]).await;
        assert_eq!(res.status, 405, "{method}");
        assert_eq!(res.header("allow").as_deref(), Some("GET"), "{method}");
    }
    assert_eq!(app.send("GET", "/api/v1/directory/stale", None, None, &[]).await.status, 401);
    let res = app.send("PUT", "/api/v1/directory/0190aaaa-0000-7000-8000-000000000000", None, None, &[]).await;
    assert_eq!(res.status, 401, "the templated route still serves its ids");
}

#[actix_web::test]
async fn malformed_bodies_are_rejected_with_the_field_named() {
    let app = spawn_app().await;
    let login = "/api/v1/auth/login";

    let res = app.send_raw("POST", login, "application/json", b"{\"username\": ".to_vec()).await;
    assert_eq!(res.status, 400);
    assert_eq!(res.problem(), "malformed-request");
    assert_eq!(res.json()["errors"][0]["code"], "invalid_json");

    let res = app.post(login, None, &json!({"username": "a", "password": "b", "role": "st_admin"})).await;
    assert_eq!((res.status, res.problem().as_str()), (422, "validation"), "{}", res.text());
    let err = &res.json()["errors"][0];
    assert_eq!((err["field"].as_str(), err["code"].as_str()), (Some("role"), Some("unknown_field")), "{err}");

    let res = app.post(login, None, &json!({"username": "a"})).await;
    assert_eq!(res.status, 422);
    assert_eq!(res.json()["errors"][0]["code"], "required");
    assert_eq!(res.json()["errors"][0]["field"], "password");

    // Every failing field at once, with the allowed values, in the caller's language.
    let res = app
        .send(
            "POST",
            login,
            None,
            Some(&json!({"username": 5, "password": ["x"], "totp": 7, "extra": 1})),
            &[("Accept-Language", "es")],
        )
        .await;
    assert_eq!(res.status, 422, "{}", res.text());
    let v = res.json();
    let fields: Vec<&str> = v["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for f in ["username", "password", "totp", "extra"] {
        assert!(fields.contains(&f), "{f} named: {v}");
    }
    assert_eq!(v["title"], "Validación fallida");
    assert_eq!(res.header("content-language").as_deref(), Some("es"));
    let username = v["errors"].as_array().unwrap().iter().find(|e| e["field"] == "username").unwrap();
    assert_eq!(username["message_es"], "debe ser un texto", "{v}");
    assert!(!res.text().contains("expected"), "no library text: {v}");

    // An unknown enum value names the allowed ones; a server-set field says so.
    let gt = app.user("GT", &[enlace::access::Role::Officer]).await;
    let mut case = serde_json::to_value(enlace::formato::sample::typical_case(4, "GT")).unwrap();
    case["case_type"] = json!("piracy");
    case["reporting_country"] = json!("GT");
    let res = app.post("/api/v1/cases", Some(&gt.token), &case).await;
    assert_eq!(res.status, 422, "{}", res.text());
    let v = res.json();
    let of = |f: &str| v["errors"].as_array().unwrap().iter().find(|e| e["field"] == f).cloned().unwrap_or_default();
    assert_eq!(of("case_type")["code"], "invalid_value", "{v}");
    assert!(of("case_type")["message"].as_str().unwrap().contains("trafficking"), "{v}");
    assert!(of("case_type")["message_es"].as_str().unwrap().contains("trafficking"), "{v}");
    assert_eq!(of("reporting_country")["code"], "server_set", "{v}");
    assert_eq!(res.header("content-language").as_deref(), Some("en"));

    let res = app.send_raw("POST", login, "text/plain", b"{}".to_vec()).await;
    assert_eq!(res.status, 415);
    assert_eq!(res.problem(), "unsupported-media-type");

    // A retraction sent with no body at all: the answer names the missing reason, in the
    // request's language, and nothing is retracted.
    let id = app
        .post(
            "/api/v1/cases",
            Some(&gt.token),
            &serde_json::to_value(enlace::formato::sample::typical_case(3, "GT")).unwrap(),
        )
        .await
        .json()["case_id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (lang, words) in [("en", "required"), ("es", "obligatori")] {
        let res = app
            .send("DELETE", &format!("/api/v1/cases/{id}"), Some(&gt.token), None, &[("Accept-Language", lang)])
            .await;
        assert_eq!(res.status, 422, "{}", res.text());
        let v = res.json();
        let reason =
            v["errors"].as_array().unwrap().iter().find(|e| e["field"] == "reason").cloned().unwrap_or_default();
        assert_eq!(reason["code"], "required", "{v}");
        let message = if lang == "es" { &reason["message_es"] } else { &reason["message"] };
        assert!(message.as_str().unwrap_or("").contains(words), "{lang}: {v}");
        assert_eq!(res.header("content-language").as_deref(), Some(lang));
    }
    assert_eq!(app.get(&format!("/api/v1/cases/{id}"), Some(&gt.token)).await.json()["retracted"], false);

    // JSON has one number type: a whole number written `3.0` or `3e0` is the integer 3 (as JSON
    // Schema's `integer` has it); a fraction is still refused where an integer is wanted.
    let mut case = serde_json::to_value(enlace::formato::sample::typical_case(3, "GT")).unwrap();
    let n = case["persons"].as_array().map_or(0, Vec::len);
    case["persons_affected_count"] = json!(n);
    let plain = serde_json::to_string(&case).unwrap();
    let field = format!("\"persons_affected_count\":{n}");
    assert!(plain.contains(&field));
    for (spelling, status) in [(format!("{n}.0"), 201), (format!("{n}e0"), 201), (format!("{n}.5"), 422)] {
        let body = plain.replace(&field, &format!("\"persons_affected_count\":{spelling}"));
        let res = app.send_bytes("POST", "/api/v1/cases", &gt.token, "application/json", body.into_bytes()).await;
        assert_eq!(res.status, status, "{spelling}: {}", res.text());
        if status == 201 {
            assert_eq!(res.json()["persons_affected_count"], n);
        }
    }

    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let res = app.send_raw("POST", login, "application/json", deep.into_bytes()).await;
    assert_eq!(res.status, 400);

    let huge = format!("{{\"username\": \"{}\", \"password\": \"x\"}}", "a".repeat(2 * 1024 * 1024));
    let res = app.send_raw("POST", login, "application/json", huge.into_bytes()).await;
    assert_eq!(res.status, 413);
    assert_eq!(res.problem(), "payload-too-large");
    assert_security_headers(&res);
}

#[actix_web::test]
async fn openapi_document_is_committed_and_served_unchanged() {
    let generated = enlace::api::openapi_json();
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
        .expect("openapi/openapi.json is committed");
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `cargo run -- openapi` and commit the result"
    );
    let app = spawn_app().await;
    let res = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.text(), generated);
    let doc = res.json();
    assert!(doc["paths"]["/api/v1/auth/login"]["post"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[actix_web::test]
async fn every_documented_operation_is_routed() {
    let app = spawn_app().await;
    let doc: serde_json::Value = serde_json::from_str(enlace::api::openapi_json()).unwrap();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let concrete = path.replace("{code}", "GT").replace("{id}", "00000000-0000-0000-0000-000000000000");
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_none() {
                continue;
            }
            let res = app.send(&method.to_uppercase(), &concrete, None, None, &[]).await;
            assert_ne!(res.status, 405, "{method} {path}");
            assert!(
                !(res.status == 404 && res.problem() == "no-route"),
                "{method} {path} is documented but not routed"
            );
            assert!(res.status < 500, "{method} {path}: {}", res.status);
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} operations");
}

#[actix_web::test]
async fn swagger_ui_is_served_from_the_binary() {
    let app = spawn_app().await;
    let res = app.get("/docs/", None).await;
    assert_eq!(res.status, 200);
    assert!(res.text().contains("swagger"), "{}", res.text());
    let res = app.get("/docs/swagger-initializer.js", None).await;
    assert_eq!(res.status, 200);
    assert!(res.text().contains("/api/v1/openapi.json"));
    assert!(res.header("content-security-policy").unwrap().contains("script-src 'self'"));
}

#[actix_web::test]
async fn client_certificates_are_required_when_a_client_ca_is_configured() {
    use std::sync::Arc;
    // An agency CA and one client certificate it issued.
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::default();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(rcgen::DnType::CommonName, "Agency CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let client_key = rcgen::KeyPair::generate().unwrap();
    let mut client_params = rcgen::CertificateParams::new(vec!["agency.gt.example".to_owned()]).unwrap();
    client_params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
    let client_cert = client_params.signed_by(&client_key, &issuer).unwrap();

    let ca_file = std::env::temp_dir().join(format!("agency-ca-{}.pem", uuid::Uuid::new_v4().simple()));
    std::fs::write(&ca_file, ca_cert.pem()).unwrap();
    let app = spawn_with(|l| l.tls_client_ca = Some(ca_file.clone())).await;

    // Without a client certificate the handshake is refused.
    let url = format!("{}/healthz", app.base);
    assert!(app.client.get(&url).send().await.is_err(), "a client without a certificate was served");

    // With one issued by the configured CA the request is served.
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(app.data_dir.join("tls/dev-ca.pem")).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_client_auth_cert(
            vec![client_cert.der().clone()],
            PrivateKeyDer::from_pem_slice(client_key.serialize_pem().as_bytes()).unwrap(),
        )
        .unwrap();
    let client = awc::Client::builder().connector(awc::Connector::new().rustls_0_23(Arc::new(config))).finish();
    let res = client.get(&url).send().await.expect("served with a client certificate");
    assert_eq!(res.status().as_u16(), 200);
}
