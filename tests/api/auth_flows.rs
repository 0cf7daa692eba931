//! Sign-in, refresh rotation and reuse, sign-out, password change, MFA, throttling, enumeration,
//! and the immediate effect of administrative changes on live tokens.

use diesel::prelude::*;
use enlace::access::Role;
use enlace::db::schema;
use serde_json::json;

use crate::helpers::*;

#[actix_web::test]
async fn login_refresh_logout() {
    let app = spawn_app().await;
    let u = app.user("GT", &[Role::Officer]).await;
    let me = app.get("/api/v1/me", Some(&u.token)).await;
    assert_eq!(me.status, 200);
    let me = me.json();
    assert_eq!(me["party"], "GT");
    assert_eq!(me["roles"], json!(["officer"]));
    assert_eq!(me["session_scope"], "full");

    // Refresh rotates: a new pair, and the old refresh token is spent.
    let res = app.post("/api/v1/auth/refresh", None, &json!({"refresh_token": u.refresh})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let fresh = res.json();
    assert_eq!(fresh["token_type"], "Bearer");
    assert_eq!(fresh["expires_in"], 900);
    assert_ne!(fresh["refresh_token"], json!(u.refresh));
    let token2 = fresh["access_token"].as_str().unwrap().to_owned();
    assert_eq!(app.get("/api/v1/me", Some(&token2)).await.status, 200);

    // Reusing the spent refresh token ends the whole session: both access tokens die.
    let reuse = app.post("/api/v1/auth/refresh", None, &json!({"refresh_token": u.refresh})).await;
    assert_eq!(reuse.status, 401);
    assert_eq!(app.audit_count("authn_refresh_reuse"), 1);
    assert_eq!(app.get("/api/v1/me", Some(&token2)).await.status, 401);
    assert_eq!(app.get("/api/v1/me", Some(&u.token)).await.status, 401);
    let again = app.post("/api/v1/auth/refresh", None, &json!({"refresh_token": fresh["refresh_token"]})).await;
    assert_eq!(again.status, 401);

    // Logout ends the session at once.
    let v = app.login(&u.username, &u.password, None).await.json();
    let t = v["access_token"].as_str().unwrap();
    assert_eq!(app.send("POST", "/api/v1/auth/logout", Some(t), None, &[]).await.status, 204);
    assert_eq!(app.get("/api/v1/me", Some(t)).await.status, 401);
    let r = app.post("/api/v1/auth/refresh", None, &json!({"refresh_token": v["refresh_token"]})).await;
    assert_eq!(r.status, 401);
}

#[actix_web::test]
async fn unknown_user_and_wrong_password_are_indistinguishable() {
    let app = spawn_app().await;
    let u = app.user("HN", &[Role::Analyst]).await;
    let headers = [("X-Request-Id", "same-request-id")];
    let a = app
        .send(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(&json!({"username": u.username, "password": "wrong password 123"})),
            &headers,
        )
        .await;
    let b = app
        .send(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(&json!({"username": "no-such-user", "password": "wrong password 123"})),
            &headers,
        )
        .await;
    assert_eq!(a.status, 401);
    assert_eq!(b.status, 401);
    assert_eq!(a.body, b.body, "bodies differ");
    let mut ha: Vec<_> =
        a.headers.iter().filter(|(k, _)| k.as_str() != "date").map(|(k, v)| (k.to_string(), v.clone())).collect();
    let mut hb: Vec<_> =
        b.headers.iter().filter(|(k, _)| k.as_str() != "date").map(|(k, v)| (k.to_string(), v.clone())).collect();
    ha.sort_by(|x, y| x.0.cmp(&y.0));
    hb.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(ha, hb, "headers differ");
}

#[actix_web::test]
async fn failed_sign_ins_are_throttled_and_recover_after_the_cool_down() {
    let app = spawn_app().await;
    let u = app.user("MX", &[Role::Officer]).await;
    for _ in 0..5 {
        assert_eq!(app.login(&u.username, "wrong password 123", None).await.status, 401);
    }
    // The sixth failure starts a block; while blocked even the right password is refused.
    assert_eq!(app.login(&u.username, "wrong password 123", None).await.status, 401);
    let blocked = app.login(&u.username, &u.password, None).await;
    assert_eq!(blocked.status, 429, "{}", blocked.text());
    assert_eq!(blocked.problem(), "too-many-requests");
    let retry: u64 = blocked.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // X-Forwarded-For from an untrusted peer changes nothing.
    let spoofed = app
        .send(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(&json!({"username": u.username, "password": u.password})),
            &[("X-Forwarded-For", "203.0.113.9")],
        )
        .await;
    assert_eq!(spoofed.status, 429);
    assert!(app.audit_count("authn_login_throttled") >= 2);
    // The cool-down passes (the block's end moved into the past): the user signs in again.
    diesel::update(schema::throttle::table)
        .set(schema::throttle::blocked_until.eq(0i64))
        .execute(&mut app.conn())
        .unwrap();
    assert_eq!(app.login(&u.username, &u.password, None).await.status, 200);
}

#[actix_web::test]
async fn roles_that_require_mfa_are_confined_to_enrolment_until_enrolled() {
    let app = spawn_app().await;
    let admin = app.user("GT", &[Role::CountryAdmin]).await;
    let created = app
        .post(
            "/api/v1/users",
            Some(&admin.token),
            &json!({
            "username": "gt.admin2", "display_name": "Segunda Administradora", "email": "admin2@gt.example",
            "party": "GT", "roles": ["country_admin"], "password": "Una clave inicial 2026"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());

    // First sign-in: the initial password must be changed before anything else.
    let v = app.login("gt.admin2", "Una clave inicial 2026", None).await.json();
    assert_eq!(v["scope"], "password_change");
    let t = v["access_token"].as_str().unwrap();
    let res = app.get("/api/v1/users", Some(t)).await;
    assert_eq!(res.status, 403);
    assert_eq!(res.problem(), "password-change-required");
    let weak = app
        .post(
            "/api/v1/me/password",
            Some(t),
            &json!({"current_password": "Una clave inicial 2026", "new_password": "password1234"}),
        )
        .await;
    assert_eq!(weak.status, 422);
    assert_eq!(weak.json()["errors"][0]["field"], "new_password");
    let ok = app
        .post(
            "/api/v1/me/password",
            Some(t),
            &json!({"current_password": "Una clave inicial 2026", "new_password": "Otra clave mucho mejor 77"}),
        )
        .await;
    assert_eq!(ok.status, 204, "{}", ok.text());
    assert_eq!(app.get("/api/v1/me", Some(t)).await.status, 401, "password change ends sessions");

    // Second sign-in: MFA is required for country_admin and not yet enrolled.
    let v = app.login("gt.admin2", "Otra clave mucho mejor 77", None).await.json();
    assert_eq!(v["scope"], "mfa_enrolment");
    let t = v["access_token"].as_str().unwrap().to_owned();
    let res = app.get("/api/v1/users", Some(&t)).await;
    assert_eq!(res.problem(), "mfa-enrolment-required");
    let enrol = app.send("POST", "/api/v1/me/mfa/totp", Some(&t), None, &[]).await;
    assert_eq!(enrol.status, 200);
    let secret = enrol.json()["secret"].as_str().unwrap().to_owned();
    assert!(enrol.json()["otpauth_uri"].as_str().unwrap().starts_with("otpauth://totp/enlace:gt.admin2?secret="));
    let bad = app.post("/api/v1/me/mfa/totp/verify", Some(&t), &json!({"code": "000000"})).await;
    assert_eq!(bad.status, 422);
    let code = totp_now(&secret);
    let good = app.post("/api/v1/me/mfa/totp/verify", Some(&t), &json!({"code": code})).await;
    assert_eq!(good.status, 204, "{}", good.text());
    assert_eq!(app.get("/api/v1/users", Some(&t)).await.status, 200, "the enrolment session became full");

    // From now on the code is required, and a code is accepted only once. With the right
    // password the answer says what is wrong with the code; with a wrong one it says nothing.
    let missing = app.login("gt.admin2", "Otra clave mucho mejor 77", None).await;
    assert_eq!((missing.status, missing.problem().as_str()), (401, "totp-required"), "{}", missing.text());
    let replay = app.login("gt.admin2", "Otra clave mucho mejor 77", Some(&code)).await;
    assert_eq!(replay.status, 401, "a used code must not be accepted again");
    assert_eq!(replay.problem(), "totp-invalid-or-used");
    assert!(replay.json()["detail"].as_str().unwrap().contains("Wait for the next code"), "{}", replay.text());
    let es = app
        .send(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(&json!({"username": "gt.admin2", "password": "Otra clave mucho mejor 77", "totp": code})),
            &[("Accept-Language", "es")],
        )
        .await;
    assert!(es.json()["detail"].as_str().unwrap().contains("Espere el siguiente código"), "{}", es.text());
    // (Four failures so far: the account's fifth would be its last free one.)
    let res = app.login("gt.admin2", "not the password at all", Some(&code)).await;
    assert_eq!((res.status, res.problem().as_str()), (401, "unauthorized"), "a wrong password says nothing more");
    // The next step's code works (the window accepts ±1 step).
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let next = enlace::auth::mfa::code_at(&secret, now + 30).unwrap();
    let res = app.login("gt.admin2", "Otra clave mucho mejor 77", Some(&next)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["scope"], "full");
    let far = enlace::auth::mfa::code_at(&secret, now + 120).unwrap();
    let res = app.login("gt.admin2", "Otra clave mucho mejor 77", Some(&far)).await;
    assert_eq!((res.status, res.problem().as_str()), (401, "totp-invalid-or-used"));
    assert!(res.json()["detail"].as_str().unwrap().contains("not correct"), "{}", res.text());
    let res = app.login("gt.admin2", "not the password at all", None).await;
    assert_eq!((res.status, res.problem().as_str()), (401, "unauthorized"), "no code asked of a wrong password");
}

#[actix_web::test]
async fn administrative_changes_apply_on_the_next_request() {
    let app = spawn_app().await;
    let st = app.user("ST", &[Role::StAdmin]).await;
    let admin = app.user("NI", &[Role::CountryAdmin]).await;
    let other_admin = app.user("NI", &[Role::CountryAdmin]).await;
    let officer = app.user("NI", &[Role::Officer]).await;

    // Revoking a role (by the country's other administrator): the country admin loses user
    // administration at once.
    assert_eq!(app.get("/api/v1/users", Some(&admin.token)).await.status, 200);
    let res = app
        .patch(
            &format!("/api/v1/users/{}", admin.id),
            Some(&other_admin.token),
            &json!({"roles": ["analyst", "auditor"]}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(app.get("/api/v1/users", Some(&admin.token)).await.status, 403);
    // Every role the user now holds, read with the session (one row per role), and no other.
    let me = app.get("/api/v1/me", Some(&admin.token)).await.json();
    let mut roles: Vec<&str> = me["roles"].as_array().unwrap().iter().filter_map(|r| r.as_str()).collect();
    roles.sort();
    assert_eq!(roles, ["analyst", "auditor"], "{me}");

    // Disabling a user: the very next request is refused.
    assert_eq!(app.get("/api/v1/me", Some(&officer.token)).await.status, 200);
    let res =
        app.patch(&format!("/api/v1/users/{}", officer.id), Some(&st.token), &json!({"status": "disabled"})).await;
    assert_eq!(res.status, 200);
    assert_eq!(app.get("/api/v1/me", Some(&officer.token)).await.status, 401);
    assert_eq!(app.login(&officer.username, &officer.password, None).await.status, 401);

    // Deactivating a party: all its users are out.
    let analyst = app.user("PA", &[Role::Analyst]).await;
    assert_eq!(app.get("/api/v1/me", Some(&analyst.token)).await.status, 200);
    let res = app.patch("/api/v1/parties/PA", Some(&st.token), &json!({"active": false})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(app.get("/api/v1/me", Some(&analyst.token)).await.status, 401);
    assert_eq!(app.login(&analyst.username, &analyst.password, None).await.status, 401);
    assert_eq!(app.patch("/api/v1/parties/ST", Some(&st.token), &json!({"active": false})).await.status, 409);

    // Ending sessions (the ST contains harm) and resetting a password (the country's own
    // administrator grants access).
    let other = app.user("CR", &[Role::Auditor]).await;
    let cr_admin = app.user("CR", &[Role::CountryAdmin]).await;
    let res = app.send("POST", &format!("/api/v1/users/{}/end-sessions", other.id), Some(&st.token), None, &[]).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["sessions_ended"], 1);
    assert_eq!(app.get("/api/v1/me", Some(&other.token)).await.status, 401);
    let res = app.send("POST", &format!("/api/v1/users/{}/reset-password", other.id), Some(&st.token), None, &[]).await;
    assert_eq!(res.status, 403, "the ST never resets a member country's password");
    assert_eq!(res.problem(), "country-grants-access");
    let res =
        app.send("POST", &format!("/api/v1/users/{}/reset-password", other.id), Some(&cr_admin.token), None, &[]).await;
    assert_eq!(res.status, 200);
    let otp = res.json()["one_time_password"].as_str().unwrap().to_owned();
    assert_eq!(app.login(&other.username, &other.password, None).await.status, 401);
    let v = app.login(&other.username, &otp, None).await.json();
    assert_eq!(v["scope"], "password_change");

    // Changing one's own password ends one's other sessions.
    let me2 = app.user("BZ", &[Role::Analyst]).await;
    let second = app.login(&me2.username, &me2.password, None).await.json();
    let res = app
        .post(
            "/api/v1/me/password",
            Some(&me2.token),
            &json!({"current_password": me2.password, "new_password": "Nueva clave de Belice 2026"}),
        )
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(app.get("/api/v1/me", Some(second["access_token"].as_str().unwrap())).await.status, 401);
}

#[actix_web::test]
async fn password_hashes_are_argon2id_with_distinct_salts() {
    let app = spawn_app().await;
    let mut hashes = Vec::new();
    for _ in 0..5 {
        app.user("SV", &[Role::Analyst]).await;
    }
    let rows: Vec<String> = schema::users::table.select(schema::users::password_hash).load(&mut app.conn()).unwrap();
    for h in rows {
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        let salt = h.split('$').nth(4).unwrap().to_owned();
        assert!(salt.len() >= 22, "salt of at least 16 bytes: {salt}");
        hashes.push(salt);
    }
    let n = hashes.len();
    hashes.sort();
    hashes.dedup();
    assert_eq!(hashes.len(), n);
}

#[actix_web::test]
async fn an_outdated_hash_is_upgraded_at_sign_in() {
    use argon2::password_hash::PasswordHasher;
    let app = spawn_app().await;
    let u = app.user("DO", &[Role::Analyst]).await;
    let weak = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(8192, 1, 1, None).unwrap(),
    )
    .hash_password(u.password.as_bytes())
    .unwrap()
    .to_string();
    diesel::update(schema::users::table.find(&u.id))
        .set(schema::users::password_hash.eq(weak))
        .execute(&mut app.conn())
        .unwrap();
    assert_eq!(app.login(&u.username, &u.password, None).await.status, 200);
    let h: String =
        schema::users::table.find(&u.id).select(schema::users::password_hash).get_result(&mut app.conn()).unwrap();
    assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
}

/// The README's first-hour block, as a newcomer pastes it, against a fresh server: `cargo run
/// --release --` is the binary under test (a `cargo` on `PATH` that runs it), and the one line the
/// README asks the reader to write, the passphrase, is theirs.
#[actix_web::test]
async fn the_readmes_first_hour_commands_reach_a_signed_in_st_admin() {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app().await;
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme.split("### The first administrator's way in (API)").nth(1).expect("the section");
    let block = section.split("```sh\n").nth(1).and_then(|b| b.split("\n```").next()).expect("its block");
    assert!(block.starts_with("export NEW_PW='…your own passphrase…'\n"), "{block}");
    let shim = app.data_dir.join("shim");
    std::fs::create_dir_all(&shim).unwrap();
    let cargo = format!(
        "#!/bin/sh\nwhile [ \"$1\" != \"--\" ]; do shift; done; shift; exec '{}' \"$@\"\n",
        env!("CARGO_BIN_EXE_enlace")
    );
    std::fs::write(shim.join("cargo"), cargo).unwrap();
    std::fs::set_permissions(shim.join("cargo"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", shim.display(), std::env::var("PATH").unwrap_or_default());
    let run = |script: String| {
        let (base, data, path) = (app.base.clone(), app.data_dir.clone(), path.clone());
        actix_web::web::block(move || {
            std::process::Command::new("bash")
                .arg("-c")
                .arg(script)
                .env("PATH", path)
                .env("ENLACE", base)
                .env("DATA", data)
                .output()
                .unwrap()
        })
    };
    // Pasted as it stands, the placeholder passphrase is refused, and the script stops there.
    let out = run(block.to_owned()).await.unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("too_common") && !text.contains("session_scope"), "{text}");
    // With a passphrase of one's own, every step.
    let own = block.replacen("…your own passphrase…", "Una frase de paso propia y larga 2026", 1);
    let out = run(own).await.unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("\"session_scope\":\"full\"") && text.contains("\"st_admin\""), "{text}");
}
