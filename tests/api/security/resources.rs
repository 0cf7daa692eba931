//! Resource exhaustion: oversized bodies, deep JSON, huge arrays, million-character strings,
//! absurd page sizes, tampered cursors, overlong queries and stalled clients all get a clear 4xx
//! (or a closed connection), never a 5xx, and store nothing.

use std::time::Duration;

use diesel::prelude::*;
use enlace::access::Role;
use enlace::db::schema::cases;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::*;

async fn raw(app: &TestApp, method: &str, path: &str, token: &str, body: Vec<u8>) -> Resp {
    let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
    let mut res = app
        .client
        .request(method, format!("{}{}", app.base, path))
        .insert_header(("Content-Type", "application/json"))
        .insert_header(("Authorization", format!("Bearer {token}")))
        .send_body(body)
        .await
        .expect("request sent");
    let body = res.body().limit(16 * 1024 * 1024).await.expect("body").to_vec();
    Resp { status: res.status().as_u16(), headers: res.headers().clone(), body }
}

#[actix_web::test]
async fn hostile_sizes_and_shapes_get_a_clear_4xx_and_store_nothing() {
    let app = spawn_app().await;
    let gt = app.user("GT", &[Role::Officer]).await;
    let t = gt.token.as_str();
    let valid = serde_json::to_value(enlace::formato::sample::typical_case(3, "GT")).unwrap();
    let mut checks: Vec<(String, Resp, &[u16])> = vec![];

    let oversized = vec![b' '; 20 * 1024 * 1024];
    checks.push(("20 MB body".into(), raw(&app, "POST", "/api/v1/cases", t, oversized).await, &[413]));
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    checks.push(("deep JSON".into(), raw(&app, "POST", "/api/v1/cases", t, deep.into_bytes()).await, &[400, 413]));
    let deep_object = format!("{}{}", "{\"a\":".repeat(50_000), "}".repeat(50_000));
    checks.push((
        "deep object".into(),
        raw(&app, "POST", "/api/v1/cases", t, deep_object.into_bytes()).await,
        &[400, 413],
    ));
    let mut huge_array = valid.clone();
    huge_array["persons"] = json!(vec![json!({}); 100_000]);
    checks.push(("100k persons".into(), app.post("/api/v1/cases", Some(t), &huge_array).await, &[400, 413, 422]));
    let mut long_string = valid.clone();
    long_string["summary"] = json!("x".repeat(1_000_000));
    checks.push(("1M-character summary".into(), app.post("/api/v1/cases", Some(t), &long_string).await, &[413, 422]));
    let mut long_within = valid.clone();
    long_within["summary"] = json!("x".repeat(200_000));
    checks.push(("200k-character summary".into(), app.post("/api/v1/cases", Some(t), &long_within).await, &[422]));
    let batch = json!({"cases": vec![valid.clone(); 5_000]});
    checks.push(("batch of 5000".into(), app.post("/api/v1/cases/batch", Some(t), &batch).await, &[400, 413, 422]));
    for q in [
        "limit=1000000000",
        "limit=-1",
        "limit=0",
        "limit=1e9",
        "cursor=AAAA",
        "cursor=%00%ff",
        "cursor=01900000-0000-7000-8000-000000000000%27%20OR%20%271%27%3D%271",
    ] {
        checks.push((format!("list {q}"), app.get(&format!("/api/v1/cases?{q}"), Some(t)).await, &[422]));
    }
    let long_q = format!("/api/v1/cases?q={}", "a".repeat(30_000));
    checks.push(("30k query string".into(), app.get(&long_q, Some(t)).await, &[414, 422, 431]));
    let many_dims = format!("/api/v1/statistics?measure=cases&group_by={}", vec!["year"; 1000].join(","));
    checks.push(("1000 dimensions".into(), app.get(&many_dims, Some(t)).await, &[422]));
    checks.push((
        "dimension injection".into(),
        app.get("/api/v1/statistics?measure=cases&group_by=year%3BDROP%20TABLE%20cases", Some(t)).await,
        &[422],
    ));

    for (name, res, allowed) in &checks {
        assert!(allowed.contains(&res.status), "{name}: {} {}", res.status, res.text());
        assert!(res.header("content-type").unwrap_or_default().starts_with("application/problem+json"), "{name}");
        assert_security_headers(res);
    }
    assert_eq!(cases::table.count().get_result::<i64>(&mut app.conn()).unwrap(), 0, "nothing stored");
    // The server still serves.
    assert_eq!(app.post("/api/v1/cases", Some(t), &valid).await.status, 201);
    super::figure(format!("resource limits: {} hostile requests, 0 server errors", checks.len()));
}

#[actix_web::test]
async fn a_stalled_client_is_disconnected() {
    let app = spawn_app().await;
    // Connects and never completes the TLS handshake; then one that sends half a ClientHello.
    for prefix in [&b""[..], &[0x16, 0x03, 0x01, 0x02, 0x00, 0x01][..]] {
        let mut s = tokio::net::TcpStream::connect(("127.0.0.1", app.port)).await.unwrap();
        s.write_all(prefix).await.unwrap();
        let mut buf = [0u8; 64];
        // A bound for the test itself, not a timing assertion: the server closes long before.
        let read = tokio::time::timeout(Duration::from_secs(60), s.read(&mut buf)).await;
        let closed = matches!(read, Ok(Ok(0)) | Ok(Err(_)));
        assert!(closed, "the server kept a stalled connection open: {read:?}");
    }
}

/// A TLS connection to the test server that speaks raw HTTP/1.1 (blocking, for a thread).
fn raw_tls(app: &TestApp) -> rustls::StreamOwned<rustls::ClientConnection, std::net::TcpStream> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, ServerName};
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(app.data_dir.join("tls/dev-ca.pem")).expect("dev CA") {
        roots.add(cert.unwrap()).unwrap();
    }
    let config =
        rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
    let name = ServerName::try_from("localhost").unwrap();
    let conn = rustls::ClientConnection::new(std::sync::Arc::new(config), name).unwrap();
    let tcp = std::net::TcpStream::connect(("127.0.0.1", app.port)).unwrap();
    // A bound for the test itself, not a timing assertion: the server answers long before.
    tcp.set_read_timeout(Some(Duration::from_secs(90))).unwrap();
    rustls::StreamOwned::new(conn, tcp)
}

/// Send a request head announcing a 100 kB body and only its first bytes, then read until the
/// server closes: the status line and the rest of the answer.
fn stall(
    mut tls: rustls::StreamOwned<rustls::ClientConnection, std::net::TcpStream>,
    head: String,
) -> (String, String) {
    use std::io::{Read, Write};
    tls.write_all(head.as_bytes()).unwrap();
    tls.flush().unwrap();
    let started = std::time::Instant::now();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tls.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => panic!("no answer and no close after {:?}: {e}", started.elapsed()),
        }
    }
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (line, rest) = text.split_once("\r\n").unwrap_or((&text, ""));
    (line.to_owned(), rest.to_owned())
}

/// A client that sends a request head and then only part of its body gets 408 once the body
/// stops arriving, and the connection is closed: a stalled body holds no request, connection or
/// handler open (JSON bodies and file uploads alike). Nothing is stored.
#[actix_web::test]
async fn a_stalled_request_body_gets_408_and_the_connection_closes() {
    let app = spawn_app().await;
    let gt = app.user("GT", &[Role::Officer]).await;
    let alert = json!({"document": {"document_type": "passport", "fraud_type": "counterfeit"}});
    let res = app.post("/api/v1/document-alerts", Some(&gt.token), &alert).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let images = format!("/api/v1/document-alerts/{}/images", res.json()["alert_id"].as_str().unwrap());
    let mut waits = vec![];
    for (path, content_type, first_bytes) in
        [("/api/v1/cases", "application/json", "{\"case_type\":"), (images.as_str(), "image/png", "\u{89}PNG")]
    {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
             Content-Type: {content_type}\r\nContent-Length: 100000\r\n\r\n{first_bytes}",
            gt.token
        );
        let tls = raw_tls(&app);
        waits.push(actix_web::rt::task::spawn_blocking(move || stall(tls, head)));
    }
    for wait in waits {
        let (status_line, rest) = wait.await.unwrap();
        assert!(status_line.starts_with("HTTP/1.1 408"), "{status_line}\n{rest}");
        assert!(rest.to_ascii_lowercase().contains("connection: close"), "{rest}");
        assert!(rest.contains("urn:enlace:problem:request-timeout"), "{rest}");
    }
    assert_eq!(cases::table.count().get_result::<i64>(&mut app.conn()).unwrap(), 0, "nothing stored");
    let listed = app.get(&images, Some(&gt.token)).await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 0, "no image stored");
    // The server still serves.
    let valid = serde_json::to_value(enlace::formato::sample::typical_case(3, "GT")).unwrap();
    assert_eq!(app.post("/api/v1/cases", Some(&gt.token), &valid).await.status, 201);
}
