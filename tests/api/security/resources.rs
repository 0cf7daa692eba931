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
        checks.push((format!("list {q}"), app.get(&format!("/api/v1/cases?{q}"), Some(t)).await, &[400]));
    }
    let long_q = format!("/api/v1/cases?q={}", "a".repeat(30_000));
    checks.push(("30k query string".into(), app.get(&long_q, Some(t)).await, &[400, 414, 431]));
    let many_dims = format!("/api/v1/statistics?measure=cases&group_by={}", vec!["year"; 1000].join(","));
    checks.push(("1000 dimensions".into(), app.get(&many_dims, Some(t)).await, &[400]));
    checks.push((
        "dimension injection".into(),
        app.get("/api/v1/statistics?measure=cases&group_by=year%3BDROP%20TABLE%20cases", Some(t)).await,
        &[400],
    ));

    for (name, res, allowed) in &checks {
        assert!(allowed.contains(&res.status), "{name}: {} {}", res.status, res.text());
        assert!(res.header("content-type").unwrap_or_default().starts_with("application/problem+json"), "{name}");
        assert_security_headers(res);
    }
    assert_eq!(cases::table.count().get_result::<i64>(&mut app.conn()).unwrap(), 0, "nothing stored");
    // The server still serves.
    assert_eq!(app.post("/api/v1/cases", Some(t), &valid).await.status, 201);
    println!("resource limits: {} hostile requests, 0 server errors", checks.len());
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
