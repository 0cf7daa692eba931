//! Test harness: spawn the application, an HTTPS client, users with roles, direct database access.

use std::path::PathBuf;
use std::sync::Arc;

use actix_web::dev::ServerHandle;
use diesel::prelude::*;
use enlace::access::Role;
use enlace::config::{Layer, Settings};
use enlace::db::{DbConn, schema};
use serde_json::Value;

#[allow(dead_code)] // not every test binary module uses every field
pub struct TestApp {
    pub base: String,
    pub port: u16,
    pub db_url: String,
    pub data_dir: PathBuf,
    pub client: awc::Client,
    pub handle: ServerHandle,
    /// The server's clock of rules that wait (recovery periods, scheduled policies).
    pub clock: enlace::clock::Clock,
    /// A second node on another node's database: the database is not this one's to remove.
    pub shared_db: bool,
    /// The metrics listener's port, when started with `metrics_bind`.
    pub metrics_port: Option<u16>,
}

impl Drop for TestApp {
    /// Remove what the test created: its data directory and, on PostgreSQL, its database
    /// (`WITH (FORCE)` ends the server's still-open connections).
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
        if self.shared_db {
            return;
        }
        let Ok(base) = std::env::var("ENLACE_TEST_DATABASE_URL") else { return };
        let Some((_, name)) = self.db_url.rsplit_once('/') else { return };
        if base.is_empty() || !name.starts_with("enlace_t_") {
            return;
        }
        if let Ok(mut admin) = enlace::db::establish(&base) {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin);
        }
    }
}

pub struct Resp {
    pub status: u16,
    pub headers: awc::http::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
    }
    /// The problem `type` slug, e.g. `validation`.
    pub fn problem(&self) -> String {
        self.json()["type"].as_str().unwrap_or("").trim_start_matches("urn:enlace:problem:").to_owned()
    }
}

/// A signed-in test user.
#[derive(Clone, Debug)]
#[allow(dead_code)]
pub struct TestUser {
    pub id: String,
    pub username: String,
    pub password: String,
    pub party: String,
    pub roles: Vec<Role>,
    pub token: String,
    pub refresh: String,
    pub totp_secret: Option<String>,
}

/// A fresh database URL: a new SQLite file in `dir`, or a new PostgreSQL database when
/// ENLACE_TEST_DATABASE_URL is set.
pub fn fresh_database(dir: &std::path::Path) -> String {
    match std::env::var("ENLACE_TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => {
            let name = format!("enlace_t_{}", uuid::Uuid::new_v4().simple());
            let mut admin = enlace::db::establish(&base).expect("connect to ENLACE_TEST_DATABASE_URL");
            diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin).expect("create test database");
            let (prefix, _) = base.rsplit_once('/').expect("database URL with a path");
            format!("{prefix}/{name}")
        }
        _ => format!("sqlite://{}", dir.join("enlace.db").display()),
    }
}

pub fn is_postgres() -> bool {
    std::env::var("ENLACE_TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty())
}

pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}).await
}

/// Start the server with settings adjusted by `tweak`.
pub async fn spawn_with(tweak: impl FnOnce(&mut Layer)) -> TestApp {
    let data_dir = std::env::temp_dir().join(format!("enlace-test-{}", uuid::Uuid::new_v4().simple()));
    let db_url = fresh_database(&data_dir);
    start(data_dir, db_url, tweak)
}

impl TestApp {
    /// Stop this server and start a new one on the same database and data directory (a restart,
    /// or a second node once the first is gone).
    #[allow(dead_code)]
    pub async fn restart(mut self, tweak: impl FnOnce(&mut Layer)) -> TestApp {
        self.handle.stop(true).await;
        let (data_dir, db_url) = (std::mem::take(&mut self.data_dir), std::mem::take(&mut self.db_url));
        start(data_dir, db_url, tweak)
    }
}

/// Start the server on an existing data directory and database (a restored backup); the
/// returned app removes both when dropped.
#[allow(dead_code)]
pub fn spawn_on(data_dir: PathBuf, db_url: String) -> TestApp {
    start(data_dir, db_url, |_| {})
}

/// A second node on the first one's database (its own data directory, the first node's master
/// key), as behind a load balancer.
#[allow(dead_code)]
pub async fn spawn_second_node(
    first: &TestApp,
    master_key: &std::path::Path,
    tweak: impl FnOnce(&mut Layer),
) -> TestApp {
    let data_dir = std::env::temp_dir().join(format!("enlace-test-{}", uuid::Uuid::new_v4().simple()));
    let key = master_key.to_path_buf();
    let mut app = start(data_dir, first.db_url.clone(), move |l| {
        l.master_key_file = Some(key);
        tweak(l);
    });
    app.shared_db = true;
    app
}

fn start(data_dir: PathBuf, db_url: String, tweak: impl FnOnce(&mut Layer)) -> TestApp {
    let mut layer = Layer {
        bind: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(data_dir.clone()),
        database_url: Some(db_url.clone()),
        workers: Some(1),
        db_pool_size: Some(4),
        hash_concurrency: Some(2),
        ..Layer::default()
    };
    tweak(&mut layer);
    let settings = Settings::resolve(layer, None).expect("settings");
    let app = enlace::server::Application::build(settings).expect("build app");
    let port = app.port();
    let metrics_port = app.metrics_port();
    let handle = app.handle();
    let clock = app.clock();
    actix_web::rt::spawn(app.run_until_stopped());
    let client = https_client(&data_dir.join("tls/dev-ca.pem"));
    TestApp {
        base: format!("https://localhost:{port}"),
        port,
        db_url,
        data_dir,
        client,
        handle,
        clock,
        shared_db: false,
        metrics_port,
    }
}

pub fn https_client(ca: &std::path::Path) -> awc::Client {
    https_client_with(ca, true)
}

/// An HTTPS client trusting `ca`, following redirects or not.
pub fn https_client_with(ca: &std::path::Path, follow_redirects: bool) -> awc::Client {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca).expect("dev CA") {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let builder = awc::Client::builder()
        .connector(awc::Connector::new().rustls_0_23(Arc::new(config)))
        .timeout(std::time::Duration::from_secs(60));
    if follow_redirects { builder.finish() } else { builder.disable_redirects().finish() }
}

impl TestApp {
    /// `GET /metrics` on the metrics listener (plain HTTP): the status, content type and body.
    #[allow(dead_code)]
    pub async fn scrape(&self) -> (u16, String, String) {
        let port = self.metrics_port.expect("started with metrics_bind");
        let mut res = awc::Client::default()
            .get(format!("http://127.0.0.1:{port}/metrics"))
            .send()
            .await
            .expect("metrics listener answers");
        let body = res.body().limit(16 * 1024 * 1024).await.expect("metrics body");
        let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        (res.status().as_u16(), ct, String::from_utf8(body.to_vec()).expect("UTF-8 metrics"))
    }

    pub fn conn(&self) -> DbConn {
        enlace::db::establish(&self.db_url).expect("db connection")
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        self.try_send(method, path, token, body, headers).await.expect("request sent")
    }

    /// `send`, with a failure to get an answer (connection refused or cut) as an error.
    pub async fn try_send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Result<Resp, String> {
        let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.client.request(method, format!("{}{}", self.base, path));
        if let Some(t) = token {
            req = req.insert_header(("Authorization", format!("Bearer {t}")));
        }
        for (k, v) in headers {
            // Appended, so that a test can send a header in several field lines.
            req = req.append_header((*k, *v));
        }
        let mut res = match body {
            Some(b) => req.send_json(b).await,
            None => req.send().await,
        }
        .map_err(|e| e.to_string())?;
        let body = res.body().limit(64 * 1024 * 1024).await.map_err(|e| e.to_string())?.to_vec();
        Ok(Resp { status: res.status().as_u16(), headers: res.headers().clone(), body })
    }

    pub async fn send_raw(&self, method: &str, path: &str, content_type: &str, body: Vec<u8>) -> Resp {
        let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
        let mut res = self
            .client
            .request(method, format!("{}{}", self.base, path))
            .insert_header(("Content-Type", content_type))
            .send_body(body)
            .await
            .expect("request sent");
        let body = res.body().limit(64 * 1024 * 1024).await.expect("body").to_vec();
        Resp { status: res.status().as_u16(), headers: res.headers().clone(), body }
    }

    /// A request with a raw body and a bearer token.
    pub async fn send_bytes(&self, method: &str, path: &str, token: &str, content_type: &str, body: Vec<u8>) -> Resp {
        let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
        let mut res = self
            .client
            .request(method, format!("{}{}", self.base, path))
            .insert_header(("Content-Type", content_type))
            .insert_header(("Authorization", format!("Bearer {token}")))
            .send_body(body)
            .await
            .expect("request sent");
        let body = res.body().limit(64 * 1024 * 1024).await.expect("body").to_vec();
        Resp { status: res.status().as_u16(), headers: res.headers().clone(), body }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.send("GET", path, token, None, &[]).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.send("POST", path, token, Some(body), &[]).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.send("PATCH", path, token, Some(body), &[]).await
    }

    pub async fn login(&self, username: &str, password: &str, totp: Option<&str>) -> Resp {
        let mut body = serde_json::json!({"username": username, "password": password});
        if let Some(code) = totp {
            body["totp"] = Value::from(code);
        }
        self.post("/api/v1/auth/login", None, &body).await
    }

    /// Create a user directly in the database with a known password (no forced change); roles
    /// that require MFA get a TOTP factor enrolled. Then sign in.
    pub async fn user(&self, party: &str, roles: &[Role]) -> TestUser {
        let username = format!("u{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
        let password = format!("Clave segura {}", uuid::Uuid::new_v4().simple());
        let mut conn = self.conn();
        let id = enlace::admin::bootstrap::create_user(&mut conn, party, roles, &username, &password, false)
            .expect("create user");
        let secret = if roles.iter().any(|r| r.requires_mfa()) {
            let secret = enlace::auth::mfa::new_secret();
            diesel::update(schema::users::table.find(&id))
                .set((schema::users::totp_secret.eq(Some(secret.clone())), schema::users::totp_enabled.eq(true)))
                .execute(&mut conn)
                .unwrap();
            Some(secret)
        } else {
            None
        };
        let code = secret.as_ref().map(|s| totp_now(s));
        let res = self.login(&username, &password, code.as_deref()).await;
        assert_eq!(res.status, 200, "login of test user: {}", res.text());
        let v = res.json();
        assert_eq!(v["scope"], "full", "{v}");
        TestUser {
            id,
            username,
            password,
            party: party.to_owned(),
            roles: roles.to_vec(),
            token: v["access_token"].as_str().unwrap().to_owned(),
            refresh: v["refresh_token"].as_str().unwrap().to_owned(),
            totp_secret: secret,
        }
    }

    /// Count audit events with this action.
    pub fn audit_count(&self, action: &str) -> i64 {
        use schema::audit_events::dsl;
        dsl::audit_events.filter(dsl::action.eq(action)).count().get_result(&mut self.conn()).unwrap()
    }
}

impl TestApp {
    /// (outcome, count) of audit events with this action, sorted by outcome.
    pub fn audit_outcomes(&self, action: &str) -> Vec<(String, i64)> {
        use schema::audit_events::dsl;
        dsl::audit_events
            .filter(dsl::action.eq(action))
            .group_by(dsl::outcome)
            .select((dsl::outcome, diesel::dsl::count_star()))
            .order(dsl::outcome)
            .load(&mut self.conn())
            .unwrap()
    }
}

pub fn totp_now(secret: &str) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    enlace::auth::mfa::code_at(secret, now).unwrap()
}

/// The security headers every response must carry.
pub fn assert_security_headers(res: &Resp) {
    let hsts = res.header("strict-transport-security").expect("HSTS");
    let max_age: u64 = hsts.split(';').find_map(|p| p.trim().strip_prefix("max-age=")).unwrap().parse().unwrap();
    assert!(max_age >= 31_536_000, "{hsts}");
    assert_eq!(res.header("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(res.header("cache-control").as_deref(), Some("no-store"));
    assert!(res.header("content-security-policy").unwrap().contains("frame-ancestors 'none'"));
    assert!(res.header("x-request-id").is_some());
    assert!(res.header("server").is_none());
    assert!(res.header("x-powered-by").is_none());
}

#[allow(dead_code)] // not every test module uses every helper
impl TestApp {
    /// Create an observer party directly in the database (e.g. `OIM`).
    pub fn observer_party(&self, code: &str) {
        use schema::parties::dsl;
        let now = "2026-11-23T00:00:00.000000Z";
        diesel::insert_into(dsl::parties)
            .values((
                dsl::code.eq(code),
                dsl::kind.eq("observer"),
                dsl::name_es.eq(code),
                dsl::name_en.eq(code),
                dsl::active.eq(true),
                dsl::created_at.eq(now),
                dsl::updated_at.eq(now),
            ))
            .execute(&mut self.conn())
            .unwrap();
    }

    pub async fn put(&self, path: &str, token: &str, body: &Value, if_match: Option<&str>) -> Resp {
        match if_match {
            Some(tag) => self.send("PUT", path, Some(token), Some(body), &[("If-Match", tag)]).await,
            None => self.send("PUT", path, Some(token), Some(body), &[]).await,
        }
    }

    /// Send raw bytes with a bearer token.
    pub async fn upload(&self, method: &str, path: &str, token: &str, content_type: &str, body: Vec<u8>) -> Resp {
        let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
        let mut res = self
            .client
            .request(method, format!("{}{}", self.base, path))
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("Content-Type", content_type))
            .send_body(body)
            .await
            .expect("request sent");
        let body = res.body().limit(64 * 1024 * 1024).await.expect("body").to_vec();
        Resp { status: res.status().as_u16(), headers: res.headers().clone(), body }
    }

    /// Audit events of an action: (outcome, object_id, details).
    pub fn audit_events(&self, action: &str) -> Vec<(String, Option<String>, String)> {
        use schema::audit_events::dsl;
        dsl::audit_events
            .filter(dsl::action.eq(action))
            .order(dsl::seq)
            .select((dsl::outcome, dsl::object_id, dsl::details))
            .load(&mut self.conn())
            .unwrap()
    }
}

/// A TOTP code the server has not yet accepted for this user: the current step's, or the next
/// step's (accepted within the ±1 step window) when the current one was used already.
#[allow(dead_code)]
pub fn fresh_totp(app: &TestApp, user_id: &str, secret: &str) -> String {
    let last: Option<i64> =
        schema::users::table.find(user_id).select(schema::users::totp_last_step).get_result(&mut app.conn()).unwrap();
    loop {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        let step = (now / 30) as i64;
        let wanted = last.map_or(step, |l| step.max(l + 1));
        if wanted <= step + 1 {
            return enlace::auth::mfa::code_at(secret, wanted as u64 * 30).unwrap();
        }
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}

/// A person at a browser: the console over HTTPS, without following redirects, with the
/// cookies the server set (a minimal cookie jar: name → value).
#[allow(dead_code)]
pub struct Browser<'a> {
    pub app: &'a TestApp,
    client: awc::Client,
    pub cookies: std::collections::BTreeMap<String, String>,
    /// Every `Set-Cookie` line received, as sent (for checking flags).
    pub set_cookies: Vec<String>,
}

#[allow(dead_code)]
impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Browser<'a> {
        let client = https_client_with(&app.data_dir.join("tls/dev-ca.pem"), false);
        Browser { app, client, cookies: Default::default(), set_cookies: vec![] }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    fn keep(&mut self, res: &awc::http::header::HeaderMap) {
        for line in res.get_all("set-cookie") {
            let line = line.to_str().unwrap().to_owned();
            let (pair, attrs) = line.split_once(';').unwrap_or((&line, ""));
            let (name, value) = pair.split_once('=').unwrap();
            let removed = attrs.to_ascii_lowercase().contains("max-age=0");
            if removed || value.is_empty() {
                self.cookies.remove(name.trim());
            } else {
                self.cookies.insert(name.trim().to_owned(), value.trim().to_owned());
            }
            self.set_cookies.push(line);
        }
    }

    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        form: Option<&[(&str, &str)]>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.client.request(method, format!("{}{}", self.app.base, path));
        if !self.cookies.is_empty() {
            req = req.insert_header(("Cookie", self.cookie_header()));
        }
        for (k, v) in headers {
            req = req.insert_header((*k, *v));
        }
        let mut res = match form {
            Some(fields) => req.send_form(&fields.to_vec()).await,
            None => req.send().await,
        }
        .expect("request sent");
        let body = res.body().limit(64 * 1024 * 1024).await.expect("body").to_vec();
        let headers = res.headers().clone();
        self.keep(&headers);
        Resp { status: res.status().as_u16(), headers, body }
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        self.request("GET", path, None, &[]).await
    }

    /// Submit a form of the page at `page` as a browser would: with the CSRF token the page holds.
    pub async fn submit(&mut self, page: &str, action: &str, fields: &[(&str, &str)]) -> Resp {
        let html = self.get(page).await.text();
        let csrf = csrf_of(&html).unwrap_or_else(|| panic!("no CSRF token on {page}: {html}"));
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.request("POST", action, Some(&all), &[]).await
    }

    /// Sign in through the console's form (with a fresh TOTP code when the user has a factor).
    pub async fn sign_in(&mut self, user: &TestUser) -> Resp {
        let code = user.totp_secret.as_ref().map(|s| fresh_totp(self.app, &user.id, s)).unwrap_or_default();
        let res = self
            .submit(
                "/sign-in",
                "/sign-in",
                &[("username", &user.username), ("password", &user.password), ("totp", &code)],
            )
            .await;
        assert_eq!(res.status, 303, "console sign-in: {}", res.text());
        res
    }
}

/// The CSRF token of the first form of a page.
#[allow(dead_code)]
pub fn csrf_of(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    Some(html[at..].split('"').next()?.to_owned())
}
