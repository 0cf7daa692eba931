//! Role × party × endpoint matrix for the administration and audit endpoints, checked against an
//! independent oracle written from SPEC §2 (not from the production code). Denied writes must
//! leave the database unchanged.

use diesel::prelude::*;
use enlace::access::Role;
use enlace::db::schema::{user_roles, users};
use serde_json::{Value, json};

use crate::helpers::*;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    ListParties,
    GetParty,
    CreateParty,
    UpdateParty,
    ListUsers,
    ListUsersOfMx,
    CreateUserInGt,
    GetGtUser,
    UpdateGtUser,
    ResetGtUser,
    EndGtUserSessions,
    ReadAudit,
    VerifyAudit,
}

const OPS: [Op; 13] = [
    Op::ListParties,
    Op::GetParty,
    Op::CreateParty,
    Op::UpdateParty,
    Op::ListUsers,
    Op::ListUsersOfMx,
    Op::CreateUserInGt,
    Op::GetGtUser,
    Op::UpdateGtUser,
    Op::ResetGtUser,
    Op::EndGtUserSessions,
    Op::ReadAudit,
    Op::VerifyAudit,
];

/// The oracle: expected status for (party, role) or anonymous (None). SPEC §2: the ST sees every
/// party's users but only a member country's own `country_admin` grants access to it (creates
/// its users after onboarding, changes them, resets their passwords); the ST may end their
/// sessions. GT and MX are onboarded (their users have signed in).
fn expect(who: Option<(&str, Role)>, op: Op) -> u16 {
    let Some((party, role)) = who else { return 401 };
    let st_admin = role == Role::StAdmin;
    let admin_of = |p: &str| st_admin || (role == Role::CountryAdmin && party == p);
    let grants_in = |p: &str| role == Role::CountryAdmin && party == p;
    let any_admin = st_admin || role == Role::CountryAdmin;
    match op {
        Op::ListParties | Op::GetParty => 200,
        Op::CreateParty => {
            if st_admin {
                201
            } else {
                403
            }
        }
        Op::UpdateParty => {
            if st_admin {
                200
            } else {
                403
            }
        }
        Op::ListUsers => {
            if any_admin {
                200
            } else {
                403
            }
        }
        Op::ListUsersOfMx => {
            if admin_of("MX") {
                200
            } else {
                403
            }
        }
        Op::CreateUserInGt => {
            if grants_in("GT") {
                201
            } else {
                403
            }
        }
        Op::GetGtUser | Op::UpdateGtUser | Op::ResetGtUser | Op::EndGtUserSessions => {
            let grants = matches!(op, Op::UpdateGtUser | Op::ResetGtUser);
            if grants_in("GT") || (st_admin && !grants) {
                200
            } else if st_admin {
                403 // the ST sees the user but never grants access to GT
            } else if any_admin {
                404 // an administrator of another country: the user does not exist for it
            } else {
                403
            }
        }
        Op::ReadAudit => {
            if role == Role::Auditor {
                200
            } else {
                403
            }
        }
        Op::VerifyAudit => {
            if party == "ST" && (role == Role::Auditor || st_admin) {
                200
            } else {
                403
            }
        }
    }
}

fn is_write(op: Op) -> bool {
    matches!(
        op,
        Op::CreateParty
            | Op::UpdateParty
            | Op::CreateUserInGt
            | Op::UpdateGtUser
            | Op::ResetGtUser
            | Op::EndGtUserSessions
    )
}

type UserState = (String, String, String, String, String);

/// Everything an administration write could change.
fn snapshot(app: &TestApp) -> (Vec<UserState>, Vec<(String, String)>, i64) {
    let mut conn = app.conn();
    let u = users::table
        .select((users::id, users::display_name, users::status, users::password_hash, users::party_code))
        .order(users::id)
        .load(&mut conn)
        .unwrap();
    let r = user_roles::table
        .select((user_roles::user_id, user_roles::role))
        .order((user_roles::user_id, user_roles::role))
        .load(&mut conn)
        .unwrap();
    let parties: i64 = enlace::db::schema::parties::table.count().get_result(&mut conn).unwrap();
    (u, r, parties)
}

async fn call(app: &TestApp, token: Option<&str>, op: Op, target: &str, n: usize) -> u16 {
    let res = match op {
        Op::ListParties => app.get("/api/v1/parties", token).await,
        Op::GetParty => app.get("/api/v1/parties/GT", token).await,
        Op::CreateParty => {
            let body =
                json!({"code": format!("OBS{n}"), "kind": "observer", "name_es": "Observador", "name_en": "Observer"});
            app.post("/api/v1/parties", token, &body).await
        }
        Op::UpdateParty => app.patch("/api/v1/parties/MX", token, &json!({"name_en": format!("Mexico {n}")})).await,
        Op::ListUsers => app.get("/api/v1/users", token).await,
        Op::ListUsersOfMx => app.get("/api/v1/users?party=MX", token).await,
        Op::CreateUserInGt => {
            let body = json!({"username": format!("nuevo.{n}"), "display_name": "Nuevo Usuario", "email": "n@gt.example",
                "party": "GT", "roles": ["analyst"]});
            app.post("/api/v1/users", token, &body).await
        }
        Op::GetGtUser => app.get(&format!("/api/v1/users/{target}"), token).await,
        Op::UpdateGtUser => {
            app.patch(&format!("/api/v1/users/{target}"), token, &json!({"display_name": format!("Nombre {n}")})).await
        }
        Op::ResetGtUser => app.send("POST", &format!("/api/v1/users/{target}/reset-password"), token, None, &[]).await,
        Op::EndGtUserSessions => {
            app.send("POST", &format!("/api/v1/users/{target}/end-sessions"), token, None, &[]).await
        }
        Op::ReadAudit => app.get("/api/v1/audit?limit=50", token).await,
        Op::VerifyAudit => app.get("/api/v1/audit/verify", token).await,
    };
    if res.status >= 400 {
        // Denials carry a generic problem document, never details about the target.
        let body: Value = res.json();
        assert!(body["type"].as_str().unwrap().starts_with("urn:enlace:problem:"), "{body}");
        assert!(!res.text().contains("password_hash"));
    }
    assert!(res.status < 500, "{op:?}: {}", res.text());
    res.status
}

#[actix_web::test]
async fn administration_and_audit_endpoints_follow_the_oracle() {
    let app = spawn_app().await;
    let st = app.user("ST", &[Role::StAdmin]).await;
    let res = app.post("/api/v1/parties", Some(&st.token), &json!({"code": "OIM", "kind": "observer", "name_es": "Organización Internacional para las Migraciones", "name_en": "International Organization for Migration"})).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let target = app.user("GT", &[Role::Analyst]).await;

    let mut identities: Vec<(&str, Role)> = vec![];
    for role in [Role::StAdmin, Role::StatisticsReader, Role::Auditor] {
        identities.push(("ST", role));
    }
    for party in ["GT", "MX"] {
        for role in [Role::CountryAdmin, Role::Officer, Role::Analyst, Role::StatisticsReader, Role::Auditor] {
            identities.push((party, role));
        }
    }
    for role in [Role::StatisticsReader, Role::Auditor] {
        identities.push(("OIM", role));
    }
    let mut users = vec![];
    for (party, role) in &identities {
        users.push((Some((*party, *role)), Some(app.user(party, &[*role]).await.token)));
    }
    users.push((None, None));

    let (mut requests, mut denied_writes, mut n) = (0, 0, 0);
    for (who, token) in &users {
        for op in OPS {
            n += 1;
            let expected = expect(*who, op);
            let before = (expected >= 400 && is_write(op)).then(|| snapshot(&app));
            let status = call(&app, token.as_deref(), op, &target.id, n).await;
            assert_eq!(status, expected, "{who:?} {op:?}");
            if let Some(before) = before {
                assert_eq!(snapshot(&app), before, "denied {op:?} by {who:?} changed the database");
                denied_writes += 1;
            }
            requests += 1;
        }
    }
    println!("admin matrix: {requests} requests, 0 mismatches, {denied_writes} denied writes with no effect");
    assert_eq!(requests, 16 * OPS.len());
}

#[actix_web::test]
async fn country_auditors_see_only_their_countrys_events() {
    let app = spawn_app().await;
    let gt_admin = app.user("GT", &[Role::CountryAdmin]).await;
    let mx_admin = app.user("MX", &[Role::CountryAdmin]).await;
    for (admin, party) in [(&gt_admin, "GT"), (&mx_admin, "MX")] {
        let res = app
            .post(
                "/api/v1/users",
                Some(&admin.token),
                &json!({"username": format!("x.{}", party.to_lowercase()),
            "display_name": "X", "email": "x@example.org", "party": party, "roles": ["officer"]}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
    }
    let gt_auditor = app.user("GT", &[Role::Auditor]).await;
    let st_auditor = app.user("ST", &[Role::Auditor]).await;
    let page = app.get("/api/v1/audit?limit=500", Some(&gt_auditor.token)).await.json();
    let items = page["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for e in items {
        assert!(e["actor_party"] == "GT" || e["object_party"] == "GT", "GT auditor saw {e}");
    }
    assert!(items.iter().any(|e| e["action"] == "user_create" && e["object_party"] == "GT"));
    let all = app.get("/api/v1/audit?limit=500&action=user_create", Some(&st_auditor.token)).await.json();
    let parties: Vec<&str> =
        all["items"].as_array().unwrap().iter().filter_map(|e| e["object_party"].as_str()).collect();
    assert!(parties.contains(&"GT") && parties.contains(&"MX"), "{parties:?}");
    // Reading the log is itself audited, and pagination walks backwards without overlap.
    assert!(app.audit_count("audit_read") >= 2);
    let p1 = app.get("/api/v1/audit?limit=3", Some(&st_auditor.token)).await.json();
    let cursor = p1["next_cursor"].as_str().unwrap().to_owned();
    let p2 = app.get(&format!("/api/v1/audit?limit=3&cursor={cursor}"), Some(&st_auditor.token)).await.json();
    assert!(p2["items"][0]["seq"].as_i64().unwrap() < p1["items"][2]["seq"].as_i64().unwrap());
    assert_eq!(app.get("/api/v1/audit?cursor=abc", Some(&st_auditor.token)).await.status, 422);
    assert_eq!(app.get("/api/v1/audit?limit=100000", Some(&st_auditor.token)).await.status, 422);
}

#[actix_web::test]
async fn nobody_raises_their_own_roles_or_grants_beyond_their_reach() {
    let app = spawn_app().await;
    let gt_admin = app.user("GT", &[Role::CountryAdmin]).await;
    let st = app.user("ST", &[Role::StAdmin]).await;
    let own = app
        .patch(
            &format!("/api/v1/users/{}", gt_admin.id),
            Some(&gt_admin.token),
            &json!({"roles": ["country_admin", "auditor"]}),
        )
        .await;
    assert_eq!(own.status, 403);
    let st_role = app.post("/api/v1/users", Some(&gt_admin.token), &json!({"username": "gt.super", "display_name": "S", "email": "s@gt.example", "party": "GT", "roles": ["st_admin"]})).await;
    assert_eq!(st_role.status, 422);
    assert_eq!(st_role.json()["errors"][0]["code"], "role_not_allowed_for_party");
    let in_st = app.post("/api/v1/users", Some(&gt_admin.token), &json!({"username": "gt.st", "display_name": "S", "email": "s@gt.example", "party": "ST", "roles": ["statistics_reader"]})).await;
    assert_eq!(in_st.status, 403);
    let officer_at_st = app.post("/api/v1/users", Some(&st.token), &json!({"username": "st.officer", "display_name": "S", "email": "s@st.example", "party": "ST", "roles": ["officer"]})).await;
    assert_eq!(officer_at_st.status, 422);
    let st_user = app.get(&format!("/api/v1/users/{}", st.id), Some(&gt_admin.token)).await;
    assert_eq!(st_user.status, 404);
    let forced = app.post("/api/v1/users", Some(&st.token), &json!({"username": "x.y", "display_name": "S", "email": "s@gt.example", "party": "GT", "roles": ["officer"], "status": "active", "id": "1"})).await;
    assert_eq!(forced.status, 422, "unknown fields are rejected");
    let by_st = app.post("/api/v1/users", Some(&st.token), &json!({"username": "gt.nuevo", "display_name": "Nuevo", "email": "nuevo@gt.example", "party": "GT", "roles": ["officer"]})).await;
    assert_eq!(by_st.status, 403, "GT is onboarded: only its administrators create its users");
    assert_eq!(by_st.problem(), "country-onboarded");
    let created = app.post("/api/v1/users", Some(&gt_admin.token), &json!({"username": "gt.nuevo", "display_name": "Nuevo", "email": "nuevo@gt.example", "party": "GT", "roles": ["officer"]})).await;
    assert_eq!(created.status, 201);
    let otp = created.json()["initial_password"].as_str().unwrap().to_owned();
    assert_eq!(otp.len(), 20);
    assert_eq!(app.login("gt.nuevo", &otp, None).await.json()["scope"], "password_change");
    let dup = app.post("/api/v1/users", Some(&gt_admin.token), &json!({"username": "gt.nuevo", "display_name": "Nuevo", "email": "nuevo@gt.example", "party": "GT", "roles": ["officer"]})).await;
    assert_eq!(dup.status, 422);
    assert_eq!(dup.json()["errors"][0]["code"], "taken");
}
