//! Only a country gives access to its cases (issue #15, SPEC §2), tried as the ST would:
//! - the takeover found from outside (the ST creates or resets a country officer, signs in with
//!   the password it was handed and reads a national case) is refused at every step;
//! - every ST identity × every member country × every user-management operation that could
//!   grant access (create with each role, role change, password reset, MFA reset, re-enabling,
//!   profile change) is refused and changes nothing; only containment (disable, end sessions) is
//!   permitted, and the country's auditors see it;
//! - onboarding: the ST creates a country's first administrators, then no more;
//! - recovery of a country without administrators: two ST administrators, a waiting period on a
//!   clock the test moves, visible to the country, cancellable by it, one administrator created;
//! - files the server creates are private to its account.

use std::os::unix::fs::PermissionsExt;

use diesel::prelude::*;
use enlace::access::Role;
use enlace::db::schema::{user_roles, users};
use serde_json::{Value, json};

use crate::helpers::*;

const MEMBERS: [&str; 11] = ["BZ", "CA", "CR", "SV", "US", "GT", "HN", "MX", "NI", "PA", "DO"];
const NEW_PASSWORD: &str = "Una clave nueva, larga y propia 2026";

/// Sign in for the first time with a one-time password: change it, then enrol a second factor
/// where the roles require one. The token of the full session, or the status that stopped it.
async fn first_sign_in(app: &TestApp, username: &str, otp: &str) -> Result<String, u16> {
    let res = app.login(username, otp, None).await;
    if res.status != 200 {
        return Err(res.status);
    }
    let token = res.json()["access_token"].as_str().unwrap().to_owned();
    let change = json!({"current_password": otp, "new_password": NEW_PASSWORD});
    let res = app.post("/api/v1/me/password", Some(&token), &change).await;
    if res.status != 204 {
        return Err(res.status);
    }
    let v = app.login(username, NEW_PASSWORD, None).await.json();
    let token = v["access_token"].as_str().ok_or(401u16)?.to_owned();
    if v["scope"] == "mfa_enrolment" {
        let secret = app.post("/api/v1/me/mfa/totp", Some(&token), &json!({})).await.json()["secret"]
            .as_str()
            .unwrap()
            .to_owned();
        let res = app.post("/api/v1/me/mfa/totp/verify", Some(&token), &json!({"code": totp_now(&secret)})).await;
        if res.status >= 300 {
            return Err(res.status);
        }
    }
    Ok(token)
}

/// A national case of `country` with canaries in its names and document numbers.
async fn national_case(app: &TestApp, officer: &TestUser) -> (String, Vec<String>) {
    let mut case = serde_json::to_value(enlace::formato::sample::typical_case(11, &officer.party)).unwrap();
    case["sharing"] = json!({"scope": "national"});
    let canaries = vec![format!("CANARY-NOMBRE-{}", officer.party), format!("CANARY-DOC-{}", officer.party)];
    case["persons"][0]["given_names"] = Value::from(canaries[0].clone());
    case["documents"][0]["document_number"] = Value::from(canaries[1].clone());
    let res = app.post("/api/v1/cases", Some(&officer.token), &case).await;
    assert_eq!(res.status, 201, "{}", res.text());
    (res.json()["case_id"].as_str().unwrap().to_owned(), canaries)
}

/// Whether a session from these credentials reads the case (with its canaries).
async fn reads_case(app: &TestApp, username: &str, otp: &str, case_id: &str, canaries: &[String]) -> bool {
    let Ok(token) = first_sign_in(app, username, otp).await else { return false };
    let res = app.get(&format!("/api/v1/cases/{case_id}"), Some(&token)).await;
    res.status == 200 && canaries.iter().any(|c| res.text().contains(c.as_str()))
}

#[actix_web::test]
async fn the_st_cannot_take_over_a_country_account_and_read_its_national_cases() {
    let app = spawn_app().await;
    let st = app.user("ST", &[Role::StAdmin]).await;
    let gt_officer = app.user("GT", &[Role::Officer]).await;
    let gt_admin = app.user("GT", &[Role::CountryAdmin]).await;
    let (case_id, canaries) = national_case(&app, &gt_officer).await;

    // 1. The ST mints a Guatemalan officer (with a generated or a chosen password).
    for (n, password) in [None, Some("Clave elegida por la ST 2026")].into_iter().enumerate() {
        let mut body = json!({"username": format!("st.mint.{n}"), "display_name": "Oficial", "email": "o@gt.example",
            "party": "GT", "roles": ["officer"]});
        if let Some(p) = password {
            body["password"] = Value::from(p);
        }
        let res = app.post("/api/v1/users", Some(&st.token), &body).await;
        assert_eq!(res.status, 403, "{}", res.text());
        assert_eq!(res.problem(), "country-onboarded");
        let otp = res.json()["initial_password"].as_str().map(str::to_owned).or(password.map(str::to_owned));
        if let Some(otp) = otp {
            assert!(!reads_case(&app, &format!("st.mint.{n}"), &otp, &case_id, &canaries).await);
        }
    }
    // 2. The ST resets the password of a Guatemalan officer, or of its administrator.
    for target in [&gt_officer, &gt_admin] {
        let res =
            app.send("POST", &format!("/api/v1/users/{}/reset-password", target.id), Some(&st.token), None, &[]).await;
        assert_eq!(res.status, 403, "{}", res.text());
        assert_eq!(res.problem(), "country-grants-access");
        if let Some(otp) = res.json()["one_time_password"].as_str() {
            assert!(!reads_case(&app, &target.username, otp, &case_id, &canaries).await);
        }
    }
    // 3. The ST gives a Guatemalan auditor the officer role, or removes the admin's second factor.
    let gt_auditor = app.user("GT", &[Role::Auditor]).await;
    let res =
        app.patch(&format!("/api/v1/users/{}", gt_auditor.id), Some(&st.token), &json!({"roles": ["officer"]})).await;
    assert_eq!((res.status, res.problem()), (403, "country-grants-access".to_owned()));
    assert_eq!(app.get(&format!("/api/v1/cases/{case_id}"), Some(&gt_auditor.token)).await.status, 404);
    let res = app.patch(&format!("/api/v1/users/{}", gt_admin.id), Some(&st.token), &json!({"reset_mfa": true})).await;
    assert_eq!((res.status, res.problem()), (403, "country-grants-access".to_owned()));

    // The country itself grants access: its administrator creates an officer who reads the case.
    let res = app
        .post(
            "/api/v1/users",
            Some(&gt_admin.token),
            &json!({"username": "gt.nuevo", "display_name": "Oficial",
            "email": "o@gt.example", "party": "GT", "roles": ["officer"]}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let otp = res.json()["initial_password"].as_str().unwrap().to_owned();
    assert!(reads_case(&app, "gt.nuevo", &otp, &case_id, &canaries).await, "the control read works");
    // Every refusal is in the audit log, for Guatemala's auditors too.
    let page = app.get("/api/v1/audit?limit=500", Some(&gt_auditor.token)).await.json();
    let denied = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["outcome"] == "denied" && e["actor_party"] == "ST" && e["object_party"] == "GT")
        .count();
    assert!(denied >= 4, "GT's auditor sees the ST's refused attempts on its users: {denied}");
}

type UserState = (String, String, String, String, Option<String>, bool, bool);

fn users_snapshot(app: &TestApp) -> (Vec<UserState>, Vec<(String, String)>) {
    let mut conn = app.conn();
    let u = users::table
        .select((
            users::id,
            users::email,
            users::status,
            users::password_hash,
            users::totp_secret,
            users::totp_enabled,
            users::must_change_password,
        ))
        .order(users::id)
        .load(&mut conn)
        .unwrap();
    let r = user_roles::table
        .select((user_roles::user_id, user_roles::role))
        .order((user_roles::user_id, user_roles::role))
        .load(&mut conn)
        .unwrap();
    (u, r)
}

#[actix_web::test]
async fn no_st_identity_grants_access_to_any_member_country() {
    let app = spawn_with(|l| l.workers = Some(2)).await;
    let mut st_identities = vec![];
    for roles in
        [vec![Role::StAdmin], vec![Role::StAdmin, Role::Auditor], vec![Role::Auditor], vec![Role::StatisticsReader]]
    {
        st_identities.push(app.user("ST", &roles).await);
    }
    // In every member country: its administrator, an analyst to change, and a disabled officer.
    let mut targets = vec![];
    for c in MEMBERS {
        let admin = app.user(c, &[Role::CountryAdmin]).await;
        let analyst = app.user(c, &[Role::Analyst]).await;
        let disabled = app.user(c, &[Role::Officer]).await;
        let res = app
            .patch(&format!("/api/v1/users/{}", disabled.id), Some(&admin.token), &json!({"status": "disabled"}))
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
        targets.push((c, admin, analyst, disabled));
    }
    let member_roles = ["country_admin", "officer", "analyst", "statistics_reader", "auditor"];
    let before = users_snapshot(&app);
    let (mut requests, mut granted, mut n) = (0, 0, 0);
    let mut failures = vec![];
    for st in &st_identities {
        let st_admin = st.roles.contains(&Role::StAdmin);
        for (c, admin, analyst, disabled) in &targets {
            let mut attempts: Vec<(&str, String, Value)> = vec![];
            for roles in member_roles.iter().map(|r| vec![*r]).chain([vec!["officer", "analyst"]]) {
                n += 1;
                attempts.push((
                    "POST",
                    "/api/v1/users".into(),
                    json!({"username": format!("st.try.{n}"),
                    "display_name": "Intento", "email": "x@example.org", "party": c, "roles": roles}),
                ));
            }
            for role in member_roles {
                attempts.push(("PATCH", format!("/api/v1/users/{}", analyst.id), json!({"roles": [role]})));
            }
            attempts.push(("POST", format!("/api/v1/users/{}/reset-password", analyst.id), Value::Null));
            attempts.push(("POST", format!("/api/v1/users/{}/reset-password", admin.id), Value::Null));
            attempts.push(("PATCH", format!("/api/v1/users/{}", admin.id), json!({"reset_mfa": true})));
            attempts.push(("PATCH", format!("/api/v1/users/{}", disabled.id), json!({"status": "active"})));
            attempts.push(("PATCH", format!("/api/v1/users/{}", analyst.id), json!({"email": "st@st.example"})));
            for (method, path, body) in attempts {
                let body = (!body.is_null()).then_some(body);
                let res = app.send(method, &path, Some(&st.token), body.as_ref(), &[]).await;
                requests += 1;
                if (200..300).contains(&res.status) {
                    granted += 1;
                }
                let want =
                    if st_admin { ["country-grants-access", "country-onboarded"].as_slice() } else { &["forbidden"] };
                if res.status != 403 || !want.contains(&res.problem().as_str()) {
                    failures.push(format!("{:?} {method} {path} {body:?}: {} {}", st.roles, res.status, res.text()));
                }
            }
        }
    }
    let unchanged = users_snapshot(&app) == before;
    // Containment stays the ST's: end a country user's sessions, disable it; GT's auditor sees both.
    let st = &st_identities[0];
    let (_, _, gt_analyst, _) = targets.iter().find(|t| t.0 == "GT").unwrap();
    let res =
        app.send("POST", &format!("/api/v1/users/{}/end-sessions", gt_analyst.id), Some(&st.token), None, &[]).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let res =
        app.patch(&format!("/api/v1/users/{}", gt_analyst.id), Some(&st.token), &json!({"status": "disabled"})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(app.login(&gt_analyst.username, &gt_analyst.password, None).await.status, 401);
    let gt_auditor = app.user("GT", &[Role::Auditor]).await;
    let page = app.get("/api/v1/audit?limit=500", Some(&gt_auditor.token)).await.json();
    let seen: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor_party"] == "ST" && e["outcome"] == "allowed" && e["object_id"] == gt_analyst.id.as_str())
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(seen.contains(&"user_end_sessions") && seen.contains(&"user_update"), "{seen:?}");

    super::security::figure(format!(
        "ST access matrix: {} ST identities × {} member countries, {requests} user-management requests, {granted} granted access, {} mismatches",
        st_identities.len(),
        MEMBERS.len(),
        failures.len()
    ));
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(granted, 0);
    assert!(unchanged, "a refused user-management request changed a user or a role");
}

#[actix_web::test]
async fn the_st_creates_a_countrys_first_administrators_and_then_no_more() {
    let app = spawn_app().await;
    let st = app.user("ST", &[Role::StAdmin]).await;
    let new_user = |username: &str, roles: &[&str]| {
        json!({"username": username, "display_name": "Administración de Belice", "email": "admin@bz.example",
               "party": "BZ", "roles": roles})
    };
    // Belize has no users yet: the ST creates its administrators, and nothing else.
    let res = app.post("/api/v1/users", Some(&st.token), &new_user("bz.officer", &["officer"])).await;
    assert_eq!((res.status, res.problem()), (403, "country-grants-access".to_owned()));
    let res = app.post("/api/v1/users", Some(&st.token), &new_user("bz.mixed", &["country_admin", "officer"])).await;
    assert_eq!((res.status, res.problem()), (403, "country-grants-access".to_owned()));
    let res = app.post("/api/v1/users", Some(&st.token), &new_user("bz.admin", &["country_admin"])).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let otp = res.json()["initial_password"].as_str().unwrap().to_owned();
    let res = app.post("/api/v1/users", Some(&st.token), &new_user("bz.admin2", &["country_admin"])).await;
    assert_eq!(res.status, 201, "a second first administrator, before onboarding ends");
    assert!(app.get("/api/v1/parties/BZ", Some(&st.token)).await.json().get("onboarded_at").is_none());

    // The administrator's first full sign-in ends the onboarding.
    let bz_admin = first_sign_in(&app, "bz.admin", &otp).await.expect("first sign-in");
    let party = app.get("/api/v1/parties/BZ", Some(&st.token)).await.json();
    assert!(party["onboarded_at"].is_string(), "{party}");
    assert_eq!(app.audit_count("party_onboarded"), 1);
    let res = app.post("/api/v1/users", Some(&st.token), &new_user("bz.admin3", &["country_admin"])).await;
    assert_eq!((res.status, res.problem()), (403, "country-onboarded".to_owned()));
    let res = app.post("/api/v1/users", Some(&bz_admin), &new_user("bz.officer", &["officer"])).await;
    assert_eq!(res.status, 201, "the country creates its own users: {}", res.text());

    // The command line has exactly the ST's powers.
    let cli = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_enlace"))
            .args(["admin", "create-user", "--database-url", &app.db_url, "--data-dir", app.data_dir.to_str().unwrap()])
            .args(args)
            .env("ENLACE_LOG", "error")
            .output()
            .unwrap()
    };
    let out = cli(&["--party", "BZ", "--role", "country_admin", "--username", "bz.cli"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("onboarding"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = cli(&["--party", "CA", "--role", "officer", "--username", "ca.cli"]);
    assert!(!out.status.success());
    let out = cli(&["--party", "CA", "--role", "country_admin", "--username", "ca.cli"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn recovery_body(username: &str) -> Value {
    json!({"username": username, "display_name": "Nueva administración", "email": "admin@gt.example",
           "reason": "Solicitud escrita del Viceministerio del 2 de diciembre, verificada por teléfono"})
}

#[actix_web::test]
async fn a_country_without_administrators_is_recovered_by_two_st_admins_after_a_cancellable_wait() {
    let app = spawn_app().await;
    let (st1, st2) = (app.user("ST", &[Role::StAdmin]).await, app.user("ST", &[Role::StAdmin]).await);
    let gt_admin = app.user("GT", &[Role::CountryAdmin]).await;
    let gt_officer = app.user("GT", &[Role::Officer]).await;
    let gt_auditor = app.user("GT", &[Role::Auditor]).await;
    let mx_admin = app.user("MX", &[Role::CountryAdmin]).await;
    let base = "/api/v1/parties/GT/recoveries";
    let pending = |v: &Value| v["pending_recoveries"].as_array().unwrap().len();

    // Only ST administrators request; a country not yet onboarded needs none.
    for u in [&gt_admin, &gt_officer, &mx_admin] {
        assert_eq!(app.post(base, Some(&u.token), &recovery_body("gt.x")).await.status, 403);
    }
    let res = app.post("/api/v1/parties/BZ/recoveries", Some(&st1.token), &recovery_body("bz.x")).await;
    assert_eq!((res.status, res.problem()), (409, "recovery-not-needed".to_owned()));
    assert_eq!(app.post("/api/v1/parties/ST/recoveries", Some(&st1.token), &recovery_body("st.x")).await.status, 404);

    // A request the country did not want: every user of the country sees it; its admin cancels.
    let res = app.post(base, Some(&st1.token), &recovery_body("gt.recuperado")).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let first = res.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(app.post(base, Some(&st2.token), &recovery_body("gt.otro")).await.problem(), "recovery-open");
    for u in [&gt_officer, &gt_auditor, &gt_admin] {
        let me = app.get("/api/v1/me", Some(&u.token)).await.json();
        assert_eq!(pending(&me), 1, "{me}");
        assert_eq!(me["pending_recoveries"][0]["id"], first.as_str());
    }
    assert_eq!(pending(&app.get("/api/v1/me", Some(&mx_admin.token)).await.json()), 0);
    assert_eq!(app.get(base, Some(&gt_auditor.token)).await.status, 200);
    assert_eq!(app.get(base, Some(&gt_officer.token)).await.status, 403);
    assert_eq!(app.get(base, Some(&mx_admin.token)).await.status, 403);
    let cancel = json!({"reason": "Guatemala no solicitó esta recuperación"});
    assert_eq!(app.post(&format!("{base}/{first}/cancel"), Some(&mx_admin.token), &cancel).await.status, 404);
    let res = app.post(&format!("{base}/{first}/cancel"), Some(&gt_admin.token), &cancel).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "cancelled");
    assert_eq!(pending(&app.get("/api/v1/me", Some(&gt_officer.token)).await.json()), 0);
    let res = app.send("POST", &format!("{base}/{first}/approve"), Some(&st2.token), None, &[]).await;
    assert_eq!(res.problem(), "recovery-closed");

    // A real one: requested by one ST administrator, approved by another, after the wait.
    let res = app.post(base, Some(&st1.token), &recovery_body("gt.recuperado")).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let app = &app;
    let step = |what: &'static str, who: &TestUser| {
        let (path, token) = (format!("{base}/{id}/{what}"), who.token.clone());
        async move { app.send("POST", &path, Some(&token), None, &[]).await }
    };
    let res = step("complete", &st1).await;
    assert_eq!((res.status, res.problem()), (409, "recovery-not-approved".to_owned()));
    let res = step("approve", &st1).await;
    assert_eq!((res.status, res.problem()), (403, "recovery-second-administrator".to_owned()));
    assert_eq!(step("approve", &gt_admin).await.status, 403);
    let res = step("approve", &st2).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let approved = res.json();
    assert_eq!(approved["status"], "approved");
    let effective = approved["effective_at"].as_str().unwrap().to_owned();
    let me = app.get("/api/v1/me", Some(&gt_officer.token)).await.json();
    assert_eq!(me["pending_recoveries"][0]["effective_at"], effective.as_str());
    let res = step("complete", &st2).await;
    assert_eq!((res.status, res.problem()), (409, "recovery-waiting".to_owned()));
    app.clock.advance(time::Duration::hours(71));
    assert_eq!(step("complete", &st1).await.problem(), "recovery-waiting");
    app.clock.advance(time::Duration::hours(2));
    // The lost administrator account is still active: it must be disabled first (visibly).
    let res = step("complete", &st1).await;
    assert_eq!((res.status, res.problem()), (409, "recovery-not-needed".to_owned()));
    let res =
        app.patch(&format!("/api/v1/users/{}", gt_admin.id), Some(&st1.token), &json!({"status": "disabled"})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(step("complete", &gt_officer).await.status, 403);
    let res = step("complete", &st1).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let done = res.json();
    assert_eq!(done["recovery"]["status"], "completed");
    assert_eq!(done["user"]["roles"], json!(["country_admin"]));
    assert_eq!(done["user"]["party"], "GT");
    let otp = done["initial_password"].as_str().unwrap().to_owned();
    assert_eq!(step("complete", &st2).await.problem(), "recovery-closed", "one administrator only");
    let res = app.post(&format!("{base}/{id}/cancel"), Some(&st2.token), &cancel).await;
    assert_eq!(res.problem(), "recovery-closed");
    assert_eq!(pending(&app.get("/api/v1/me", Some(&gt_officer.token)).await.json()), 0);

    // The new administrator signs in (password change, second factor) and manages Guatemala.
    let token = first_sign_in(app, "gt.recuperado", &otp).await.expect("first sign-in");
    let res = app
        .post(
            "/api/v1/users",
            Some(&token),
            &json!({"username": "gt.oficial", "display_name": "Oficial",
            "email": "o@gt.example", "party": "GT", "roles": ["officer"]}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let count: i64 = user_roles::table
        .inner_join(users::table.on(users::id.eq(user_roles::user_id)))
        .filter(users::party_code.eq("GT"))
        .filter(user_roles::role.eq("country_admin"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(count, 2, "the disabled administrator and the one recovered");

    // Guatemala's auditors saw every step.
    let page = app.get("/api/v1/audit?limit=500", Some(&gt_auditor.token)).await.json();
    let actions: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["object_type"] == "recovery" && e["outcome"] == "allowed")
        .filter_map(|e| e["action"].as_str())
        .collect();
    for a in ["recovery_request", "recovery_cancel", "recovery_approve", "recovery_complete"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    let list = app.get(base, Some(&st2.token)).await.json();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(app.get(&format!("{base}/{id}"), Some(&gt_auditor.token)).await.json()["status"], "completed");
}

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

#[actix_web::test]
async fn files_the_server_creates_are_private_to_its_account() {
    let app = spawn_app().await;
    let gt = app.user("GT", &[Role::Officer]).await;
    let case = serde_json::to_value(enlace::formato::sample::typical_case(2, "GT")).unwrap();
    assert_eq!(app.post("/api/v1/cases", Some(&gt.token), &case).await.status, 201);
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(4096, b'x');
    let res = app
        .upload("POST", "/api/v1/reports?title=Informe&period=2026-S1&language=es", &gt.token, "application/pdf", pdf)
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let report = res.json()["report_id"].as_str().unwrap().to_owned();

    let d = &app.data_dir;
    assert!(!d.join("files/reports").join(&report).exists(), "report contents live in the database");
    assert_eq!(mode(d), 0o700, "the data directory");
    let mut files = vec![d.join("tls/dev-ca.pem"), d.join("tls/dev-server.pem"), d.join("tls/dev-server-key.pem")];
    files.push(d.join("initial-admin.txt"));
    if !is_postgres() {
        for f in ["enlace.db", "enlace.db-wal", "enlace.db-shm"] {
            files.push(d.join(f));
        }
    }
    for f in &files {
        assert_eq!(mode(f), 0o600, "{}", f.display());
    }
    for dir in [d.join("tls"), d.join("files"), d.join("files/tmp")] {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
    }

    // A data directory other users can write is refused, naming it.
    let shared = std::env::temp_dir().join(format!("enlace-shared-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
    let layer = enlace::config::Layer {
        bind: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(shared.clone()),
        ..Default::default()
    };
    let settings = enlace::config::Settings::resolve(layer, None).unwrap();
    let err = enlace::server::Application::build(settings).err().expect("refused");
    assert!(err.contains(shared.to_str().unwrap()) && err.contains("writable by other users"), "{err}");
    assert_eq!(std::fs::read_dir(&shared).unwrap().count(), 0, "nothing was created in it");
    std::fs::remove_dir_all(&shared).unwrap();
}
