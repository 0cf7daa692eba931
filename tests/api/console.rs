//! The web console over HTTP, as a browser without JavaScript uses it: cookies, redirects and
//! form posts (the browser suite drives a real Chromium through the same flows).

use std::collections::BTreeSet;

use diesel::prelude::*;
use enlace::access::Role;
use enlace::db::schema;
use serde_json::json;

use crate::cases::{canary_case, catalog, expected_reserved};
use crate::helpers::*;

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
                   form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

fn location(res: &Resp) -> String {
    res.header("location").unwrap_or_default()
}

#[actix_web::test]
async fn anonymous_visitors_are_sent_to_sign_in_and_get_nothing_else() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    for (path, to) in [
        ("/", "/sign-in"),
        ("/cases", "/sign-in?next=/cases"),
        ("/cases/0193a8f2-0000-7000-8000-000000000000", "/sign-in?next=/cases/0193a8f2-0000-7000-8000-000000000000"),
        ("/statistics?measure=cases", "/sign-in?next=/statistics%3Fmeasure%3Dcases"),
        ("/audit", "/sign-in?next=/audit"),
        ("/legislation", "/sign-in?next=/legislation"),
        ("/legislation.csv", "/sign-in?next=/legislation.csv"),
        ("/account", "/sign-in?next=/account"),
        ("/cases/new", "/sign-in?next=/cases/new"),
        (
            "/cases/0193a8f2-0000-7000-8000-000000000000/edit",
            "/sign-in?next=/cases/0193a8f2-0000-7000-8000-000000000000/edit",
        ),
        ("/policy", "/sign-in?next=/policy"),
        ("/users", "/sign-in?next=/users"),
        ("/users/0193a8f2-0000-7000-8000-000000000000", "/sign-in?next=/users/0193a8f2-0000-7000-8000-000000000000"),
        ("/parties", "/sign-in?next=/parties"),
        ("/alerts", "/sign-in?next=/alerts"),
        (
            "/alerts/0193a8f2-0000-7000-8000-000000000000/images/x",
            "/sign-in?next=/alerts/0193a8f2-0000-7000-8000-000000000000/images/x",
        ),
        ("/directory", "/sign-in?next=/directory"),
        ("/entry-requirements", "/sign-in?next=/entry-requirements"),
        ("/reports", "/sign-in?next=/reports"),
        (
            "/reports/0193a8f2-0000-7000-8000-000000000000/file",
            "/sign-in?next=/reports/0193a8f2-0000-7000-8000-000000000000/file",
        ),
        ("/password", "/sign-in?next=/password"),
        ("/mfa", "/sign-in?next=/mfa"),
    ] {
        let res = b.get(path).await;
        assert_eq!(res.status, 303, "{path}");
        assert_eq!(location(&res), to, "{path}");
        assert!(res.body.is_empty(), "{path}: {}", res.text());
    }
    // A state-changing post without a session is refused the same way, and changes nothing.
    for path in ["/sign-out", "/cases/new", "/policy", "/users", "/parties", "/parties/GT"] {
        let res = b.request("POST", path, Some(&[("csrf", "x"), ("action", "save")]), &[]).await;
        assert_eq!(res.status, 303, "{path}");
        assert!(location(&res).starts_with("/sign-in"), "{path}");
    }
    let cases: i64 = schema::cases::table.count().get_result(&mut app.conn()).unwrap();
    assert_eq!(cases, 0);
    let res = b.get("/sign-in").await;
    assert_eq!(res.status, 200);
    assert!(res.header("content-type").unwrap().starts_with("text/html"));
    assert_eq!(res.header("content-security-policy").as_deref(), Some(CSP));
    assert_eq!(res.header("cache-control").as_deref(), Some("no-store"));
    assert_eq!(res.header("x-frame-options").as_deref(), Some("DENY"));
    let html = res.text();
    assert!(html.contains("<html lang=\"en\">") && html.contains("name=\"password\""), "{html}");
    assert!(!html.contains("<script>") && !html.contains(" style="), "no inline script or style");
    // The stylesheet and script are served from the binary, cacheable for a year.
    for asset in html.split("\"/assets/").skip(1).filter_map(|s| s.split('"').next()) {
        let res = b.get(&format!("/assets/{asset}")).await;
        assert_eq!(res.status, 200, "{asset}");
        assert_eq!(res.header("cache-control").as_deref(), Some("public, max-age=31536000, immutable"));
    }
}

#[actix_web::test]
async fn pages_follow_the_browser_language_and_keep_the_users_choice() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    let res = b.request("GET", "/sign-in", None, &[("Accept-Language", "es-GT,es;q=0.9,en;q=0.5")]).await;
    assert!(res.text().contains("<html lang=\"es\">") && res.text().contains("Contraseña"));
    let res = b.get("/language?to=en&back=/sign-in").await;
    assert_eq!((res.status, location(&res)), (303, "/sign-in".to_owned()));
    let kept = b.set_cookies.iter().find(|c| c.starts_with("__Host-enlace-lang=en")).expect("language cookie");
    assert!(kept.contains("Secure") && kept.contains("Path=/") && kept.contains("Max-Age="), "{kept}");
    let res = b.request("GET", "/sign-in", None, &[("Accept-Language", "es")]).await;
    assert!(res.text().contains("<html lang=\"en\">"), "the kept choice wins over the browser's");
    // An open redirect is not possible through the switch.
    let res = b.get("/language?to=es&back=//evil.example/x").await;
    assert_eq!(location(&res), "/");
}

#[actix_web::test]
async fn a_session_lives_in_a_host_cookie_and_every_form_needs_its_csrf_token() {
    let app = spawn_app().await;
    let officer = app.user("GT", &[Role::Officer]).await;
    let mut b = Browser::new(&app);
    let res = b.sign_in(&officer).await;
    assert_eq!(location(&res), "/");
    let cookie = b.set_cookies.iter().find(|c| c.starts_with("__Host-enlace=")).expect("session cookie").clone();
    for flag in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} missing: {cookie}");
    }
    assert!(!cookie.contains("Domain="), "{cookie}");
    let secret = b.cookies["__Host-enlace"].clone();
    // The server keeps only a digest of the secret.
    let stored: Vec<Option<String>> = schema::sessions::table
        .filter(schema::sessions::user_id.eq(&officer.id))
        .select(schema::sessions::cookie_hash)
        .load(&mut app.conn())
        .unwrap();
    assert!(stored.iter().flatten().any(|h| h == &enlace::digest::sha256_hex(secret.as_bytes())));
    assert!(stored.iter().flatten().all(|h| h != &secret));
    let home = b.get("/").await;
    assert_eq!(home.status, 200);
    assert!(home.text().contains(&officer.username));

    // Posts without the token, with another session's token, or from another origin: refused, audited.
    let other = {
        let mut o = Browser::new(&app);
        let second = app.user("GT", &[Role::Officer]).await;
        o.sign_in(&second).await;
        csrf_of(&o.get("/").await.text()).unwrap()
    };
    let own = csrf_of(&home.text()).unwrap();
    assert_ne!(own, other);
    let before = app.audit_count("console_csrf_refused");
    for (fields, headers) in [
        (vec![], vec![]),
        (vec![("csrf", other.as_str())], vec![]),
        (vec![("csrf", own.as_str())], vec![("Origin", "https://evil.example")]),
        (vec![("csrf", own.as_str())], vec![("Sec-Fetch-Site", "cross-site")]),
        (vec![("csrf", own.as_str())], vec![("Origin", "null")]),
        (vec![("csrf", own.as_str())], vec![("Origin", "https://evil.example"), ("Sec-Fetch-Site", "same-site")]),
    ] {
        let res = b.request("POST", "/sign-out", Some(&fields), &headers).await;
        assert_eq!(res.status, 403, "{fields:?} {headers:?}");
        assert!(res.header("content-type").unwrap().starts_with("text/html"));
    }
    assert_eq!(app.audit_count("console_csrf_refused"), before + 6);
    assert_eq!(b.get("/").await.status, 200, "still signed in");
    // A form body of the wrong type is not taken either.
    let res = b.request("POST", "/sign-out", None, &[("Content-Type", "application/json")]).await;
    assert_eq!(res.status, 415);

    // Signing out ends the session on the server: the old cookie opens nothing.
    let res = b.submit("/", "/sign-out", &[]).await;
    assert_eq!((res.status, location(&res)), (303, "/sign-in?done=out".to_owned()));
    assert!(!b.cookies.contains_key("__Host-enlace"), "the cookie is removed");
    b.cookies.insert("__Host-enlace".into(), secret);
    let res = b.get("/").await;
    assert_eq!((res.status, location(&res)), (303, "/sign-in".to_owned()));
    assert!(app.audit_count("authn_token_invalid") >= 1);
}

#[actix_web::test]
async fn an_idle_session_ends_and_sign_out_everywhere_ends_api_sessions_too() {
    let app = spawn_app().await;
    let officer = app.user("GT", &[Role::Officer]).await;
    let mut b = Browser::new(&app);
    b.sign_in(&officer).await;
    // Idle for longer than the timeout: the next request finds no session.
    diesel::update(schema::sessions::table.filter(schema::sessions::cookie_hash.is_not_null()))
        .set(schema::sessions::last_seen_at.eq(Some(enlace::clock::unix_now() - 31 * 60)))
        .execute(&mut app.conn())
        .unwrap();
    let res = b.get("/cases").await;
    assert_eq!((res.status, location(&res)), (303, "/sign-in?next=/cases".to_owned()));
    let reasons: Vec<Option<String>> = schema::sessions::table
        .filter(schema::sessions::cookie_hash.is_not_null())
        .select(schema::sessions::revoke_reason)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(reasons, vec![Some("idle".to_owned())]);

    // Sign out everywhere: the API token of another device stops working as well.
    assert_eq!(app.get("/api/v1/me", Some(&officer.token)).await.status, 200);
    b.sign_in(&officer).await;
    let res = b.submit("/account", "/sign-out-everywhere", &[]).await;
    assert_eq!((res.status, location(&res)), (303, "/sign-in?done=everywhere".to_owned()));
    assert_eq!(app.get("/api/v1/me", Some(&officer.token)).await.status, 401);
    assert_eq!(b.get("/").await.status, 303);
    assert_eq!(app.audit_count("authn_logout_everywhere"), 1);
}

#[actix_web::test]
async fn a_first_sign_in_changes_the_password_then_enrols_a_second_factor() {
    let app = spawn_app().await;
    let username = "primera.vez";
    let initial = "Clave inicial 8f3k2p9q";
    let id =
        enlace::admin::bootstrap::create_user(&mut app.conn(), "GT", &[Role::CountryAdmin], username, initial, true)
            .unwrap();
    let mut user = TestUser {
        id,
        username: username.into(),
        password: initial.into(),
        party: "GT".into(),
        roles: vec![Role::CountryAdmin],
        token: String::new(),
        refresh: String::new(),
        totp_secret: None,
    };
    let mut b = Browser::new(&app);
    let res = b.sign_in(&user).await;
    assert_eq!(location(&res), "/password");
    assert_eq!(location(&b.get("/cases").await), "/password", "a restricted session reaches only its step");
    // A mistake is shown beside its field, and changes nothing.
    let new = "Una clave propia 4x7w";
    let res = b
        .submit(
            "/password",
            "/password",
            &[("current_password", initial), ("new_password", new), ("confirm_password", "otra")],
        )
        .await;
    assert_eq!(res.status, 422);
    let html = res.text();
    assert!(html.contains("id=\"err-confirm_password\"") && html.contains("aria-invalid=\"true\""), "{html}");
    let res = b
        .submit(
            "/password",
            "/password",
            &[("current_password", initial), ("new_password", "short"), ("confirm_password", "short")],
        )
        .await;
    assert_eq!(res.status, 422);
    assert!(res.text().contains("id=\"err-new_password\""), "{}", res.text());
    let res = b
        .submit(
            "/password",
            "/password",
            &[("current_password", initial), ("new_password", new), ("confirm_password", new)],
        )
        .await;
    assert_eq!((res.status, location(&res)), (303, "/sign-in?done=password".to_owned()));
    user.password = new.into();

    // The administrator's role requires a second factor: enrolment with a QR code.
    let res = b.sign_in(&user).await;
    assert_eq!(location(&res), "/mfa");
    let html = b.get("/mfa").await.text();
    assert!(html.contains("<svg") && html.contains("id=\"totp-secret\""), "{html}");
    let secret = html.split("id=\"totp-secret\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    let csrf = csrf_of(&html).unwrap();
    let res = b.request("POST", "/mfa", Some(&[("csrf", &csrf), ("code", "000000")]), &[]).await;
    assert_eq!(res.status, 422);
    assert!(res.text().contains(&secret), "the same key is shown again after a wrong code");
    let code = enlace::auth::mfa::code_at(&secret, enlace::clock::unix_now() as u64).unwrap();
    let res = b.request("POST", "/mfa", Some(&[("csrf", &csrf), ("code", &code)]), &[]).await;
    assert_eq!((res.status, location(&res)), (303, "/".to_owned()));
    assert_eq!(b.get("/").await.status, 200, "the session is now full");
    // The next sign-in needs the code.
    user.totp_secret = Some(secret);
    let mut again = Browser::new(&app);
    let res = again.submit("/sign-in", "/sign-in", &[("username", username), ("password", new), ("totp", "")]).await;
    assert_eq!(res.status, 401);
    assert!(res.text().contains("authenticator app"), "the code is asked for");
    again.sign_in(&user).await;
    assert_eq!(again.get("/").await.status, 200);
}

#[actix_web::test]
async fn another_countrys_officer_sees_markers_where_values_were_reserved() {
    let app = spawn_app().await;
    let gt = app.user("GT", &[Role::Officer]).await;
    let mx = app.user("MX", &[Role::Officer]).await;
    let catalog = catalog(&app, &gt.token).await;
    let per_case = ["case_status"];
    let reserved = expected_reserved(&catalog, &[], &per_case.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    let (mut case, canaries) = canary_case(11, "GT", &catalog, &reserved, &per_case);
    case["sharing"] = json!({"scope": "network"});
    let res = app.post("/api/v1/cases", Some(&gt.token), &case).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let id = res.json()["case_id"].as_str().unwrap().to_owned();

    let mut own = Browser::new(&app);
    own.sign_in(&gt).await;
    let page = own.get(&format!("/cases/{id}")).await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(canaries.iter().all(|c| html.contains(c.as_str())), "the reporting country sees its case whole");
    assert!(!html.contains("data-withheld"));

    let mut foreign = Browser::new(&app);
    foreign.sign_in(&mx).await;
    let reads = app.audit_count("case_read");
    let page = foreign.get(&format!("/cases/{id}")).await;
    assert_eq!(page.status, 200);
    assert_eq!(app.audit_count("case_read"), reads + 1, "a console read is audited as an API read");
    let html = page.text();
    let leaked: Vec<&String> = canaries.iter().filter(|c| html.contains(c.as_str())).collect();
    assert!(leaked.is_empty(), "{leaked:?}");
    let api = app.get(&format!("/api/v1/cases/{id}"), Some(&mx.token)).await.text();
    let markers = api.matches("\"withheld\":true").count();
    assert!(markers >= reserved.len().min(10), "{markers}");
    assert_eq!(html.matches("data-withheld=\"true\"").count(), markers, "one visible marker per withheld field");
    assert!(html.contains("legal basis"));
    // Handling codes come first, whatever the policy.
    let handling = html.find("class=\"handling\"").unwrap();
    assert!(handling < html.find("id=\"sec-A\"").unwrap());
    // The list shows the case, with its reserved status withheld.
    let list = foreign.get("/cases").await.text();
    assert!(list.contains(&format!("/cases/{id}")) && list.contains("data-withheld"), "{list}");
    // A national case of GT, or a case that does not exist: the same 404 page.
    let national = {
        let mut c = case.clone();
        c["sharing"] = json!({"scope": "national"});
        let res = app.post("/api/v1/cases", Some(&gt.token), &c).await;
        res.json()["case_id"].as_str().unwrap().to_owned()
    };
    let a = foreign.get(&format!("/cases/{national}")).await;
    let b = foreign.get("/cases/0193a8f2-0000-7000-8000-000000000000").await;
    assert_eq!((a.status, b.status), (404, 404));
    let strip = |s: String| s.split("<code>").next().unwrap_or("").to_owned();
    assert_eq!(strip(a.text()), strip(b.text()));
}

#[actix_web::test]
async fn the_statistics_page_shows_the_published_table_and_its_chart() {
    let app = spawn_app().await;
    let gt = app.user("GT", &[Role::Officer]).await;
    let analyst = app.user("MX", &[Role::Analyst]).await;
    for seed in 0..6 {
        let case = serde_json::to_value(enlace::formato::sample::typical_case(seed, "GT")).unwrap();
        assert_eq!(app.post("/api/v1/cases", Some(&gt.token), &case).await.status, 201);
    }
    let mut b = Browser::new(&app);
    b.sign_in(&analyst).await;
    let form = b.get("/statistics").await;
    assert_eq!(form.status, 200);
    assert!(form.text().contains("name=\"measure\""));
    for (page, api, chart) in [
        ("measure=cases&dim1=case_type", "measure=cases&group_by=case_type", "<rect"),
        ("measure=persons&dim1=reporting_country&dim2=sex", "measure=persons&group_by=reporting_country,sex", "<rect"),
        ("measure=victims&dim1=year", "measure=victims&group_by=year", "<line "),
    ] {
        let res = b.get(&format!("/statistics?{page}")).await;
        assert_eq!(res.status, 200, "{page}");
        let html = res.text();
        assert!(html.contains("<svg") && html.contains(chart), "{page}");
        let json = app.get(&format!("/api/v1/statistics?{api}"), Some(&analyst.token)).await.json();
        let suppressed = json["table"]["suppressed_cells"].as_u64().unwrap() as usize;
        let shown: usize =
            html.split("id=\"suppressed-count\">").nth(1).unwrap().split('<').next().unwrap().parse().unwrap();
        assert_eq!(shown, suppressed, "{page}");
        // Each withheld cell is marked in the table (and in the chart), never given a number.
        let table = html.split("id=\"stats-table\"").nth(1).unwrap();
        let cells_marked = table.split("<tbody class=\"margins\">").next().unwrap().matches("data-suppressed").count();
        assert_eq!(cells_marked, suppressed, "{page}");
        for cell in json["table"]["cells"].as_array().unwrap() {
            if let Some(n) = cell["value"].as_u64() {
                assert!(table.contains(&format!("<td class=\"num\">{n}</td>")), "{page}: {n}");
            }
        }
    }
    // A bad period is shown beside its field.
    let res = b.get("/statistics?measure=cases&from=last+year").await;
    assert_eq!(res.status, 400);
    assert!(res.text().contains("id=\"err-from\""), "{}", res.text());
    // CSV: the same query path.
    let queries = app.audit_count("statistics_query");
    let res = b.get("/statistics.csv?measure=cases&group_by=case_type").await;
    assert_eq!(res.status, 200);
    assert!(res.header("content-type").unwrap().starts_with("text/csv"));
    assert_eq!(app.audit_count("statistics_query"), queries + 1);
}

#[actix_web::test]
async fn the_console_routes_follow_the_same_roles_as_the_api() {
    let app = spawn_app().await;
    app.observer_party("OIM");
    let mut seen = BTreeSet::new();
    for (party, role, page, status) in [
        ("MX", Role::StatisticsReader, "/cases", 403),
        ("MX", Role::Auditor, "/statistics?measure=cases", 403),
        ("MX", Role::Officer, "/audit", 403),
        ("MX", Role::Auditor, "/audit", 200),
        ("MX", Role::Analyst, "/cases", 200),
        ("MX", Role::Analyst, "/statistics?measure=cases", 200),
        ("MX", Role::Analyst, "/cases/new", 403),
        ("MX", Role::Officer, "/cases/new", 200),
        ("MX", Role::Officer, "/users", 403),
        ("MX", Role::CountryAdmin, "/users", 200),
        ("MX", Role::CountryAdmin, "/policy", 200),
        ("MX", Role::CountryAdmin, "/parties", 403),
        ("ST", Role::StAdmin, "/parties", 200),
        ("ST", Role::StAdmin, "/policy", 404),
        ("OIM", Role::StatisticsReader, "/policy", 404),
    ] {
        let user = app.user(party, &[role]).await;
        let mut b = Browser::new(&app);
        b.sign_in(&user).await;
        let res = b.get(page).await;
        assert_eq!(res.status, status, "{role:?} {page}: {}", res.text());
        seen.insert(page);
        // The navigation offers only what the role may open.
        let home = b.get("/").await.text();
        assert_eq!(home.contains("href=\"/cases\""), matches!(role, Role::Officer | Role::Analyst), "{role:?}");
    }
    assert_eq!(seen.len(), 7);
}

#[actix_web::test]
async fn an_officer_retracts_an_own_case_with_a_reason_and_no_one_else_can() {
    let app = spawn_app().await;
    let gt = app.user("GT", &[Role::Officer]).await;
    let mx = app.user("MX", &[Role::Officer]).await;
    let mut case = serde_json::to_value(enlace::formato::sample::typical_case(3, "GT")).unwrap();
    case["sharing"] = json!({"scope": "network"});
    let res = app.post("/api/v1/cases", Some(&gt.token), &case).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let id = res.json()["case_id"].as_str().unwrap().to_owned();
    let page = format!("/cases/{id}");
    let action = format!("/cases/{id}/retract");

    // Another country's officer: no form, and a forged post is refused as the API refuses it
    // (403: the case is visible to MX, the retraction is not its to make).
    let mut foreign = Browser::new(&app);
    foreign.sign_in(&mx).await;
    assert!(!foreign.get(&page).await.text().contains(&action));
    let res = foreign.submit("/", &action, &[("reason", "no es nuestro")]).await;
    let api =
        app.send("DELETE", &format!("/api/v1/cases/{id}"), Some(&mx.token), Some(&json!({"reason": "x"})), &[]).await;
    assert_eq!((res.status, api.status), (403, 403));

    let mut own = Browser::new(&app);
    own.sign_in(&gt).await;
    let html = own.get(&page).await.text();
    assert!(html.contains(&format!("action=\"{action}\"")), "{html}");
    let etag =
        html.split("name=\"etag\" value=\"").nth(1).and_then(|r| r.split('"').next()).unwrap().replace("&quot;", "\"");
    // Without a reason: the error beside its field, nothing retracted.
    let res = own.submit(&page, &action, &[("reason", "   "), ("etag", &etag)]).await;
    assert_eq!(res.status, 422);
    assert!(res.text().contains("id=\"err-reason\""), "{}", res.text());
    // A stale version: 412, nothing retracted.
    let res = own.submit(&page, &action, &[("reason", "Duplicado"), ("etag", "\"0\"")]).await;
    assert_eq!(res.status, 412, "{}", res.text());
    assert_eq!(app.get(&format!("/api/v1/cases/{id}"), Some(&mx.token)).await.status, 200);
    // Without the CSRF token: refused.
    let res = own.request("POST", &action, Some(&[("reason", "Duplicado")]), &[]).await;
    assert_eq!(res.status, 403);

    let retractions = app.audit_count("case_retract");
    let res = own.submit(&page, &action, &[("reason", "Registro duplicado"), ("etag", &etag)]).await;
    assert_eq!((res.status, location(&res)), (303, format!("{page}?done=retracted")));
    assert_eq!(app.audit_count("case_retract"), retractions + 1, "audited as the API's retraction");
    let html = own.get(&format!("{page}?done=retracted")).await.text();
    assert!(html.contains("Retracted") && !html.contains(&action), "{html}");
    assert_eq!(app.get(&format!("/api/v1/cases/{id}"), Some(&mx.token)).await.status, 404);
    assert_eq!(foreign.get(&page).await.status, 404);
}

#[actix_web::test]
async fn the_reporting_country_sees_each_versions_changes_and_no_one_else_does() {
    let app = spawn_app().await;
    let gt = app.user("GT", &[Role::Officer]).await;
    let mx = app.user("MX", &[Role::Officer]).await;
    let mut case = serde_json::to_value(enlace::formato::sample::typical_case(4, "GT")).unwrap();
    case["sharing"] = json!({"scope": "network"});
    let res = app.post("/api/v1/cases", Some(&gt.token), &case).await;
    let id = res.json()["case_id"].as_str().unwrap().to_owned();
    case["sharing"] = json!({"scope": "listed", "countries": ["MX"]});
    let res =
        app.send("PUT", &format!("/api/v1/cases/{id}"), Some(&gt.token), Some(&case), &[("If-Match", "\"v1\"")]).await;
    assert_eq!(res.status, 200, "{}", res.text());

    let mut own = Browser::new(&app);
    own.sign_in(&gt).await;
    assert!(own.get(&format!("/cases/{id}")).await.text().contains(&format!("href=\"/cases/{id}/versions\"")));
    let reads = app.audit_count("case_versions");
    let list = own.get(&format!("/cases/{id}/versions")).await;
    assert_eq!(list.status, 200);
    assert_eq!(app.audit_count("case_versions"), reads + 1, "audited as the API's history read");
    let list = list.text();
    assert!(list.contains(&format!("/cases/{id}/versions/1")) && list.contains(&format!("/cases/{id}/versions/2")));
    let diff = own.get(&format!("/cases/{id}/versions/2")).await.text();
    let row = |path: &str| {
        diff.split(&format!("<code>{path}</code>")).nth(1).map(|r| r.split("</tr>").next().unwrap_or("").to_owned())
    };
    let scope = row("sharing.scope").unwrap_or_else(|| panic!("{diff}"));
    assert!(scope.contains("<del>network</del>") && scope.contains("<ins>listed</ins>"), "{scope}");
    assert!(row("sharing.countries[0]").unwrap().contains("<ins>MX</ins>"));
    assert!(row("persons[0].sex").is_none(), "unchanged fields are not listed");

    // Another country that can read the case still gets no history: 404, as the API answers.
    let mut foreign = Browser::new(&app);
    foreign.sign_in(&mx).await;
    assert_eq!(foreign.get(&format!("/cases/{id}")).await.status, 200);
    assert!(!foreign.get(&format!("/cases/{id}")).await.text().contains("/versions"));
    for page in [format!("/cases/{id}/versions"), format!("/cases/{id}/versions/2")] {
        assert_eq!(foreign.get(&page).await.status, 404, "{page}");
    }
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    html.split(&marker).nth(1).and_then(|r| r.split('"').next()).unwrap_or_default().replace("&quot;", "\"")
}

fn send(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

fn case_count(app: &TestApp) -> i64 {
    schema::cases::table.count().get_result(&mut app.conn()).unwrap()
}

#[actix_web::test]
async fn an_officer_creates_and_edits_a_case_through_the_form_and_no_one_else_can() {
    let app = spawn_app().await;
    let gt = app.user("GT", &[Role::Officer]).await;
    let mx = app.user("MX", &[Role::Officer]).await;
    let analyst = app.user("GT", &[Role::Analyst]).await;
    let mut own = Browser::new(&app);
    own.sign_in(&gt).await;
    let form = own.get("/cases/new").await;
    assert_eq!(form.status, 200);
    let html = form.text();
    for name in ["case_type", "sharing.scope", "smuggling.fee_amount", "date_opened"] {
        assert!(html.contains(&format!("name=\"{name}\"")), "the form has {name}");
    }
    assert!(!html.contains("name=\"reporting_country\""), "system fields are not inputs");
    let key = hidden(&html, "idempotency_key");
    assert!(!key.is_empty());

    // Adding an entry draws the form again with what was typed, and creates nothing.
    let res = own
        .submit(
            "/cases/new",
            "/cases/new",
            &[("idempotency_key", &key), ("summary", "Hechos"), ("action", "add persons")],
        )
        .await;
    assert_eq!(res.status, 200);
    let html = res.text();
    let person = hidden(&html, "persons[0].id");
    assert_eq!(person.len(), 36, "a new person gets an identifier");
    assert!(html.contains(">Hechos</textarea>"));
    assert_eq!(case_count(&app), 0);

    let fields = |age: &'static str, person: &str| -> Vec<(String, String)> {
        [
            ("idempotency_key", key.as_str()),
            ("case_type", "smuggling"),
            ("case_status", "active"),
            ("date_opened", "2026-02-01"),
            ("sharing.scope", "network"),
            ("summary", "Hechos"),
            ("persons[0].id", person),
            ("persons[0].person_role", "smuggled_migrant"),
            ("persons[0].age_years", age),
            ("persons[0].citizenship", "HN GT"),
            ("field_reservations[0].path", "persons[].citizenship"),
            ("field_reservations[0].reason", "Protección de la víctima"),
            ("action", "save"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    };

    // An invalid value: 422, the error beside its field, the typed values kept, nothing stored.
    let bad = fields("unos treinta", &person);
    let res = own.submit("/cases/new", "/cases/new", &send(&bad)).await;
    assert_eq!(res.status, 422, "{}", res.text());
    let html = res.text();
    assert!(html.contains("id=\"err-persons[0].age_years\""), "{html}");
    assert!(html.contains("href=\"#f-persons[0].age_years\""), "the summary links to the field");
    assert!(html.contains("value=\"unos treinta\""));
    assert_eq!(case_count(&app), 0);

    // Corrected: stored through the API's path, audited as a case creation.
    let creations = app.audit_count("case_create");
    let good = fields("31", &person);
    let res = own.submit("/cases/new", "/cases/new", &send(&good)).await;
    assert_eq!(res.status, 303, "{}", res.text());
    let at = location(&res);
    let id = at.trim_start_matches("/cases/").trim_end_matches("?done=saved").to_owned();
    assert_eq!(app.audit_count("case_create"), creations + 1);
    let stored = app.get(&format!("/api/v1/cases/{id}"), Some(&gt.token)).await.json();
    assert_eq!(stored["persons"][0]["age_years"], 31);
    assert_eq!(stored["persons"][0]["id"], person.as_str());
    assert_eq!(stored["persons"][0]["citizenship"], json!(["HN", "GT"]));
    assert_eq!(stored["field_reservations"][0]["reason"], "Protección de la víctima");
    assert!(own.get(&at).await.text().contains("The case was saved."));
    // The per-case reservation holds for another country.
    let foreign = app.get(&format!("/api/v1/cases/{id}"), Some(&mx.token)).await.json();
    assert_eq!(foreign["persons"][0]["citizenship"]["withheld"], true);

    // The same form sent again (a double click, a retry): the same case, nothing new.
    let res = own.submit("/cases/new", "/cases/new", &send(&good)).await;
    assert_eq!((res.status, location(&res)), (303, at.clone()));
    assert_eq!(case_count(&app), 1);

    // Editing: the form filled from the version in force; a stale ETag is 412, nothing changed.
    let edit = format!("/cases/{id}/edit");
    let html = own.get(&edit).await.text();
    assert!(html.contains("value=\"31\""), "{html}");
    let etag = hidden(&html, "etag");
    let mut changed = fields("32", &person);
    changed.retain(|(k, _)| k != "idempotency_key");
    changed.push(("etag".into(), "\"0\"".into()));
    let res = own.submit(&edit, &edit, &send(&changed)).await;
    assert_eq!(res.status, 412);
    changed.pop();
    changed.push(("etag".into(), etag));
    let res = own.submit(&edit, &edit, &send(&changed)).await;
    assert_eq!((res.status, location(&res)), (303, format!("/cases/{id}?done=saved")));
    let stored = app.get(&format!("/api/v1/cases/{id}"), Some(&gt.token)).await.json();
    assert_eq!((stored["version"].clone(), stored["persons"][0]["age_years"].clone()), (json!(2), json!(32)));

    // Another country's officer sees the case but has no form for it, and a forged post is
    // refused as the API refuses it; an analyst cannot submit cases at all.
    let mut other = Browser::new(&app);
    other.sign_in(&mx).await;
    assert_eq!(other.get(&edit).await.status, 404);
    let res = other.submit("/", &edit, &send(&changed)).await;
    assert!(res.status == 403 || res.status == 404, "{}", res.status);
    let stored = app.get(&format!("/api/v1/cases/{id}"), Some(&gt.token)).await.json();
    assert_eq!(stored["version"], 2, "unchanged");
    let mut reader = Browser::new(&app);
    reader.sign_in(&analyst).await;
    let res = reader.submit("/", "/cases/new", &send(&fields("31", &person))).await;
    assert_eq!(res.status, 403);
    assert_eq!(case_count(&app), 1);
    // Without the CSRF token: refused.
    let res = own.request("POST", "/cases/new", Some(&send(&good)), &[]).await;
    assert_eq!(res.status, 403);
}

#[actix_web::test]
async fn a_country_administrator_previews_and_saves_the_policy_and_no_one_else_can() {
    let app = spawn_app().await;
    let admin = app.user("GT", &[Role::CountryAdmin]).await;
    let officer = app.user("GT", &[Role::Officer]).await;
    let mut b = Browser::new(&app);
    b.sign_in(&admin).await;
    let html = b.get("/policy").await.text();
    assert!(html.contains("name=\"flag.persons[].sex\""), "every reservable field has a row");
    assert!(!html.contains("name=\"flag.handling_codes\""), "handling codes are never reservable");
    let etag = hidden(&html, "etag");
    let basis = "Ley 1234, art. 5";

    // Reserved without a legal basis: 422, the error beside the field's basis, nothing saved.
    let versions = app.audit_count("reservation_policy_update");
    let res = b
        .submit(
            "/policy",
            "/policy",
            &[
                ("etag", &etag),
                ("include_in_statistics", "true"),
                ("flag.summary", "reserved"),
                ("flag.date_detected", "reserved"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(res.status, 422, "{}", res.text());
    assert!(res.text().contains("id=\"err-basis.date_detected\""), "{}", res.text());
    let policy = app.get("/api/v1/parties/GT/reservation-policy", Some(&admin.token)).await.json();
    assert_eq!(policy["version"], 0);

    // The preview: what another country would see of a sample case, nothing saved.
    let edit = [
        ("etag", etag.as_str()),
        ("include_in_statistics", "true"),
        ("flag.date_detected", "reserved"),
        ("basis.date_detected", basis),
    ];
    let mut preview = edit.to_vec();
    preview.push(("action", "preview"));
    let res = b.submit("/policy", "/policy", &preview).await;
    assert_eq!(res.status, 200);
    let html = res.text();
    assert!(html.contains(basis) && html.contains("data-withheld"), "{html}");
    assert_eq!(app.get("/api/v1/parties/GT/reservation-policy", Some(&admin.token)).await.json()["version"], 0);

    // Saved through the API's path: a new version, audited.
    let mut save = edit.to_vec();
    save.push(("action", "save"));
    let res = b.submit("/policy", "/policy", &save).await;
    assert_eq!((res.status, location(&res)), (303, "/policy?done=saved".to_owned()), "{}", res.text());
    assert_eq!(app.audit_count("reservation_policy_update"), versions + 2, "the refused attempt and the save");
    let policy = app.get("/api/v1/parties/GT/reservation-policy", Some(&admin.token)).await.json();
    assert_eq!(policy["version"], 1);
    assert_eq!(policy["fields"], json!([{"path": "date_detected", "flag": "reserved", "legal_basis": basis}]));
    // The same form again names a version that is no longer the newest: 412, nothing saved.
    let res = b.submit("/policy", "/policy", &save).await;
    assert_eq!(res.status, 412);

    // An officer of the country reads the policy but cannot save it.
    let mut o = Browser::new(&app);
    o.sign_in(&officer).await;
    let html = o.get("/policy").await.text();
    let etag = hidden(&html, "etag");
    let res = o
        .submit("/policy", "/policy", &[("etag", &etag), ("include_in_statistics", "false"), ("action", "save")])
        .await;
    assert_eq!(res.status, 403);
    assert_eq!(app.get("/api/v1/parties/GT/reservation-policy", Some(&admin.token)).await.json()["version"], 1);
}

#[actix_web::test]
async fn a_country_administrator_manages_the_countrys_users_and_only_them() {
    let app = spawn_app().await;
    let admin = app.user("GT", &[Role::CountryAdmin]).await;
    let mx_admin = app.user("MX", &[Role::CountryAdmin]).await;
    let officer = app.user("GT", &[Role::Officer]).await;
    let mut b = Browser::new(&app);
    b.sign_in(&admin).await;
    let html = b.get("/users").await.text();
    assert!(html.contains(&officer.username), "the country's users are listed");
    assert!(!html.contains(&mx_admin.username), "another country's are not");
    assert!(!html.contains("value=\"st_admin\""), "roles a country cannot hold are not offered");

    // Creation: a bad e-mail is named beside its field; then the one-time password, shown once.
    let res = b
        .submit(
            "/users",
            "/users",
            &[
                ("username", "ana.lopez"),
                ("display_name", "Ana López"),
                ("email", "no-es-correo"),
                ("roles", "officer"),
            ],
        )
        .await;
    assert_eq!(res.status, 422, "{}", res.text());
    assert!(res.text().contains("id=\"err-email\""), "{}", res.text());
    let (creations, resets) = (app.audit_count("user_create"), app.audit_count("user_password_reset"));
    let res = b
        .submit(
            "/users",
            "/users",
            &[
                ("username", "ana.lopez"),
                ("display_name", "Ana López"),
                ("email", "ana@example.org"),
                ("roles", "officer"),
                ("roles", "analyst"),
            ],
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let html = res.text();
    let otp = html.split("id=\"one-time-password\">").nth(1).and_then(|r| r.split('<').next()).unwrap().to_owned();
    assert!(otp.len() >= 12, "{otp}");
    assert_eq!(app.audit_count("user_create"), creations + 1);
    let id: String = schema::users::table
        .filter(schema::users::username.eq("ana.lopez"))
        .select(schema::users::id)
        .get_result(&mut app.conn())
        .unwrap();
    let page = format!("/users/{id}");
    assert!(!b.get(&page).await.text().contains(&otp), "the password is never shown again");

    // Roles and status changed through the API's rules; disabling ends the user's sessions.
    let res = b
        .submit(
            &page,
            &page,
            &[
                ("display_name", "Ana López"),
                ("email", "ana@example.org"),
                ("roles", "analyst"),
                ("status", "disabled"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!((res.status, location(&res)), (303, format!("{page}?done=saved")), "{}", res.text());
    let api = app.get(&format!("/api/v1/users/{id}"), Some(&admin.token)).await.json();
    assert_eq!((api["roles"].clone(), api["status"].clone()), (json!(["analyst"]), json!("disabled")));
    let res = b.submit(&page, &page, &[("action", "reset_password")]).await;
    assert_eq!(res.status, 200);
    assert!(res.text().contains("id=\"one-time-password\""));
    assert_eq!(app.audit_count("user_password_reset"), resets + 1);
    let res = b.submit(&page, &page, &[("action", "end_sessions")]).await;
    assert_eq!((res.status, location(&res)), (303, format!("{page}?done=sessions")));

    // The administrator's own roles cannot be changed, even by a forged post.
    let own = format!("/users/{}", admin.id);
    assert!(!b.get(&own).await.text().contains("name=\"roles\""));
    let res = b
        .submit(&own, &own, &[("display_name", "x"), ("email", "a@b.org"), ("roles", "officer"), ("action", "save")])
        .await;
    assert_eq!(res.status, 303, "names may change");
    let api = app.get(&format!("/api/v1/users/{}", admin.id), Some(&admin.token)).await.json();
    assert_eq!(api["roles"], json!(["country_admin"]), "roles unchanged");

    // Another country's administrator: 404 on the page, refused actions, nothing changed.
    let mut other = Browser::new(&app);
    other.sign_in(&mx_admin).await;
    assert_eq!(other.get(&page).await.status, 404);
    let res = other.submit("/users", &page, &[("action", "end_sessions")]).await;
    assert_eq!(res.status, 404);
    let res = other
        .submit(
            "/users",
            "/users",
            &[("username", "intruso"), ("display_name", "X"), ("email", "x@example.org"), ("roles", "officer")],
        )
        .await;
    assert_eq!(res.status, 200, "an MX administrator creates MX users only");
    let party: String = schema::users::table
        .filter(schema::users::username.eq("intruso"))
        .select(schema::users::party_code)
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(party, "MX");
    // An officer has no user administration.
    let mut o = Browser::new(&app);
    o.sign_in(&officer).await;
    assert_eq!(o.get("/users").await.status, 403);
}

#[actix_web::test]
async fn st_administrators_manage_parties_and_see_no_case_content() {
    let app = spawn_app().await;
    let st = app.user("ST", &[Role::StAdmin]).await;
    let country_admin = app.user("GT", &[Role::CountryAdmin]).await;
    let mut b = Browser::new(&app);
    b.sign_in(&st).await;
    let html = b.get("/parties").await.text();
    assert!(html.contains("<code>GT</code>") && html.contains("<code>ST</code>"), "{html}");
    // A bad code is named beside its field; a good one adds the observer, audited.
    let res = b.submit("/parties", "/parties", &[("code", "o"), ("name_es", "X"), ("name_en", "X")]).await;
    assert_eq!(res.status, 422, "{}", res.text());
    assert!(res.text().contains("id=\"err-code\""));
    let res = b
        .submit(
            "/parties",
            "/parties",
            &[("code", "rrocm"), ("name_es", "Red Regional"), ("name_en", "Regional Network")],
        )
        .await;
    assert_eq!((res.status, location(&res)), (303, "/parties?done=saved".to_owned()), "{}", res.text());
    let party = app.get("/api/v1/parties/RROCM", Some(&st.token)).await.json();
    assert_eq!((party["kind"].clone(), party["active"].clone()), (json!("observer"), json!(true)));
    let res = b.submit("/parties", "/parties/RROCM", &[("active", "false")]).await;
    assert_eq!(res.status, 303);
    assert_eq!(app.get("/api/v1/parties/RROCM", Some(&st.token)).await.json()["active"], false);
    assert!(app.audit_count("party_update") >= 1);
    // The ST has no case pages.
    assert_eq!(b.get("/cases").await.status, 403);
    // A country administrator has no party administration, and a forged post changes nothing.
    let mut c = Browser::new(&app);
    c.sign_in(&country_admin).await;
    assert_eq!(c.get("/parties").await.status, 403);
    let res = c.submit("/users", "/parties/RROCM", &[("active", "true")]).await;
    assert_eq!(res.status, 403);
    assert_eq!(app.get("/api/v1/parties/RROCM", Some(&st.token)).await.json()["active"], false);
}

#[actix_web::test]
async fn alerts_directory_requirements_and_reports_pages_show_what_the_api_releases() {
    let app = spawn_app().await;
    app.observer_party("OIM");
    let gt = app.user("GT", &[Role::Officer]).await;
    let mx = app.user("MX", &[Role::Officer]).await;
    let observer = app.user("OIM", &[Role::StatisticsReader]).await;
    let canary = "CANARY-DOC-7731";
    let alert = json!({
        "document": {"document_type": "passport", "issuing_state": "HND", "document_number": canary,
                     "fraud_type": "counterfeit", "detection_date": "2026-03-02"},
        "valid_until": "2099-12-31",
        "issuing_authority_notes": "Serie no emitida",
    });
    let res = app.post("/api/v1/document-alerts", Some(&gt.token), &alert).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let id = res.json()["alert_id"].as_str().unwrap().to_owned();
    let res = app
        .upload(
            "POST",
            &format!("/api/v1/document-alerts/{id}/images"),
            &gt.token,
            "image/png",
            crate::alerts::png("x", 50),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let image = res.json()["image_id"].as_str().unwrap().to_owned();

    // Another country's officer: the alert listed and shown, its reserved number withheld, the
    // specimen image served to the page; every read audited as the API's.
    let mut b = Browser::new(&app);
    b.sign_in(&mx).await;
    let list = b.get("/alerts?document_type=passport").await;
    assert_eq!(list.status, 200);
    assert!(list.text().contains(&format!("href=\"/alerts/{id}\"")), "{}", list.text());
    let reads = app.audit_count("alert_read");
    let page = b.get(&format!("/alerts/{id}")).await.text();
    assert!(!page.contains(canary), "{page}");
    assert!(page.contains("data-withheld") && page.contains("Serie no emitida"), "{page}");
    assert!(page.contains(&format!("src=\"/alerts/{id}/images/{image}\"")));
    assert_eq!(app.audit_count("alert_read"), reads + 1);
    let img = b.get(&format!("/alerts/{id}/images/{image}")).await;
    assert_eq!((img.status, img.header("content-type").as_deref()), (200, Some("image/png")));
    assert!(img.body.starts_with(b"\x89PNG"));
    assert_eq!(app.audit_count("alert_image_read"), 1);
    // The reporting country sees its number.
    let mut own = Browser::new(&app);
    own.sign_in(&gt).await;
    assert!(own.get(&format!("/alerts/{id}")).await.text().contains(canary));

    // The directory and the entry requirements: member countries' users, not observers.
    assert_eq!(b.get("/directory").await.status, 200);
    assert_eq!(b.get("/entry-requirements?member_country=MX").await.status, 200);
    assert_eq!(app.audit_count("directory_list"), 1);
    let mut obs = Browser::new(&app);
    obs.sign_in(&observer).await;
    for path in ["/directory", "/entry-requirements", "/alerts", &format!("/alerts/{id}")] {
        let res = obs.get(path).await;
        assert!(res.status == 403 || res.status == 404, "observer {path}: {}", res.status);
        assert!(!res.text().contains(canary));
    }
    // Reports: listed for members; an observer sees only those published to observers.
    assert_eq!(b.get("/reports").await.status, 200);
    assert_eq!(obs.get("/reports").await.status, 200);
    assert_eq!(obs.get("/reports/0193a8f2-0000-7000-8000-000000000000/file").await.status, 404);
}
