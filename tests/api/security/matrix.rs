//! Every identity (and nobody) × every operation of the OpenAPI document that takes an object id
//! × one object of each country in each sharing state (and a missing one): the status is the
//! oracle's; a readable case carries exactly its reader's canaries; a refusal has a generic body,
//! identical for an existing and a missing object; refused writes change nothing in the
//! database; permitted writes take effect.

use std::collections::BTreeSet;

use diesel::prelude::*;
use enlace::db::schema::{case_versions, cases, parties, reservation_policies, sessions, user_roles, users};
use serde_json::{Value, json};

use super::oracle::{CASE_OPS, Object, Op, PARTY_OPS, USER_OPS, expect, is_refusal};
use super::world::{self, COUNTRIES, Identity, Kind, OBSERVER, World};
use crate::helpers::*;

/// Paths whose operations have their role × party matrices with their resource (issue #6; the
/// administrator recoveries of issue #15 in tests/api/country_control.rs; the witness keys of
/// issue #17 in tests/api/audit_transparency.rs; the legislation matrix of issue #22 in
/// tests/api/security/legislation.rs; the requests between countries of issue #21 in
/// tests/api/matching.rs).
const COMPANION_PATHS: &[&str] = &[
    "/api/v1/document-alerts/",
    "/api/v1/directory/",
    "/api/v1/entry-requirements/",
    "/api/v1/reports/",
    "/api/v1/false-passport-reports/",
    "/api/v1/parties/{code}/recoveries",
    "/api/v1/parties/{code}/witness-keys",
    "/api/v1/legislation/",
    "/api/v1/requests/",
];

const MISSING_ID: &str = "01900000-0000-7000-8000-000000000000";

/// Everything a write of the matrix could change.
type Snapshot = (
    Vec<(String, i32, i32, String, bool)>,
    i64,
    Vec<(String, bool, String, String)>,
    Vec<(String, i32, String)>,
    Vec<(String, String, String, String, String)>,
    Vec<(String, String)>,
    Vec<(String, Option<i64>)>,
);

fn snapshot(app: &TestApp) -> Snapshot {
    let mut conn = app.conn();
    let c = &mut conn;
    (
        cases::table
            .select((cases::id, cases::version, cases::shared_version, cases::document, cases::retracted))
            .order(cases::id)
            .load(c)
            .unwrap(),
        case_versions::table.count().get_result(c).unwrap(),
        parties::table
            .select((parties::code, parties::active, parties::name_es, parties::name_en))
            .order(parties::code)
            .load(c)
            .unwrap(),
        reservation_policies::table
            .select((reservation_policies::party_code, reservation_policies::version, reservation_policies::entries))
            .order(reservation_policies::party_code)
            .load(c)
            .unwrap(),
        users::table
            .select((users::id, users::display_name, users::email, users::status, users::password_hash))
            .order(users::id)
            .load(c)
            .unwrap(),
        user_roles::table
            .select((user_roles::user_id, user_roles::role))
            .order((user_roles::user_id, user_roles::role))
            .load(c)
            .unwrap(),
        sessions::table.select((sessions::id, sessions::revoked_at)).order(sessions::id).load(c).unwrap(),
    )
}

/// The request of an operation on an object: (method, path, body, If-Match).
fn request(w: &World, op: Op, object: &Object) -> (&'static str, String, Option<Value>, Option<String>) {
    let case_id = match object {
        Object::Case(c) => c.id.clone(),
        _ => MISSING_ID.to_owned(),
    };
    let case_input = match object {
        Object::Case(c) => c.input.clone(),
        _ => w.cases[0].input.clone(),
    };
    let code = match object {
        Object::Party(code, _) => (*code).to_owned(),
        _ => "ZZ".to_owned(),
    };
    let user_id = match object {
        Object::User(party) => w.targets.iter().find(|(p, _)| p == party).unwrap().1.clone(),
        _ => MISSING_ID.to_owned(),
    };
    let star = Some("*".to_owned());
    match op {
        Op::GetCase => ("GET", format!("/api/v1/cases/{case_id}"), None, None),
        Op::CaseVersions => ("GET", format!("/api/v1/cases/{case_id}/versions"), None, None),
        Op::CaseVersion => ("GET", format!("/api/v1/cases/{case_id}/versions/1"), None, None),
        Op::UpdateCase => ("PUT", format!("/api/v1/cases/{case_id}"), Some(case_input), star),
        Op::RetractCase => {
            ("DELETE", format!("/api/v1/cases/{case_id}"), Some(json!({"reason": "Prueba de autorización"})), star)
        }
        Op::GetParty => ("GET", format!("/api/v1/parties/{code}"), None, None),
        Op::UpdateParty => ("PATCH", format!("/api/v1/parties/{code}"), Some(json!({"active": true})), None),
        Op::GetPolicy => ("GET", format!("/api/v1/parties/{code}/reservation-policy"), None, None),
        Op::PutPolicy => {
            let country = if COUNTRIES.contains(&code.as_str()) { code.as_str() } else { "GT" };
            ("PUT", format!("/api/v1/parties/{code}/reservation-policy"), Some(w.policy_json(country)), star)
        }
        Op::PolicyVersions => ("GET", format!("/api/v1/parties/{code}/reservation-policy/versions"), None, None),
        Op::PolicyVersion => ("GET", format!("/api/v1/parties/{code}/reservation-policy/versions/1"), None, None),
        Op::GetUser => ("GET", format!("/api/v1/users/{user_id}"), None, None),
        Op::UpdateUser => {
            ("PATCH", format!("/api/v1/users/{user_id}"), Some(json!({"display_name": "Usuario objetivo"})), None)
        }
        Op::EndSessions => ("POST", format!("/api/v1/users/{user_id}/end-sessions"), None, None),
        Op::ResetPassword => ("POST", format!("/api/v1/users/{user_id}/reset-password"), None, None),
    }
}

async fn send(w: &World, who: Option<&Identity>, op: Op, object: &Object<'_>) -> Resp {
    let (method, path, body, if_match) = request(w, op, object);
    let token = who.map(|i| i.user.token.as_str());
    let headers: Vec<(&str, &str)> = if_match.as_deref().map(|m| vec![("If-Match", m)]).unwrap_or_default();
    w.app.send(method, &path, token, body.as_ref(), &headers).await
}

/// A problem body with what legitimately differs between two requests removed.
fn generic(res: &Resp, ids: &[&str]) -> String {
    let mut v = res.json();
    if let Some(obj) = v.as_object_mut() {
        obj.remove("instance");
        obj.remove("request_id");
    }
    let mut text = v.to_string();
    for id in ids {
        text = text.replace(id, "{id}");
    }
    text
}

fn objects(w: &World) -> Vec<Object<'_>> {
    let mut out: Vec<Object> = w.cases.iter().map(Object::Case).collect();
    out.push(Object::MissingCase);
    for c in COUNTRIES {
        out.push(Object::Party(c, Kind::Member));
        out.push(Object::User(c));
    }
    out.push(Object::Party("ST", Kind::Secretariat));
    out.push(Object::Party(OBSERVER, Kind::Observer));
    out.push(Object::User("ST"));
    out.push(Object::User(OBSERVER));
    out.push(Object::MissingParty);
    out.push(Object::MissingUser);
    out
}

fn ops_for(object: &Object) -> &'static [Op] {
    match object {
        Object::Case(_) | Object::MissingCase => &CASE_OPS,
        Object::Party(..) | Object::MissingParty => &PARTY_OPS,
        Object::User(_) | Object::MissingUser => &USER_OPS,
    }
}

fn missing_of(object: &Object) -> Object<'static> {
    match object {
        Object::Case(_) | Object::MissingCase => Object::MissingCase,
        Object::Party(..) | Object::MissingParty => Object::MissingParty,
        Object::User(_) | Object::MissingUser => Object::MissingUser,
    }
}

fn object_id<'a>(w: &'a World, object: &'a Object) -> Vec<&'a str> {
    match object {
        Object::Case(c) => vec![c.id.as_str()],
        Object::User(p) => vec![w.targets.iter().find(|(q, _)| q == p).unwrap().1.as_str()],
        Object::Party(code, _) => vec![code],
        _ => vec![MISSING_ID, "ZZ"],
    }
}

#[actix_web::test]
async fn every_identity_on_every_object_gets_exactly_what_the_oracle_allows() {
    let w = world::build().await;
    // Every operation of the document that takes an object id is covered.
    let doc: Value = serde_json::from_str(&std::fs::read_to_string("openapi/openapi.json").unwrap()).unwrap();
    let mut with_id = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        if path.contains('{') && !COMPANION_PATHS.iter().any(|p| path.starts_with(p)) {
            for op in ops.as_object().unwrap().values() {
                with_id.insert(op["operationId"].as_str().unwrap().to_owned());
            }
        }
    }
    // The companion resources of issue #6 have their own role × party matrices (with the same
    // 404-for-invisible and unchanged-database checks) in tests/api/{alerts,registry,reports}.rs.
    let covered: BTreeSet<String> =
        CASE_OPS.iter().chain(&PARTY_OPS).chain(&USER_OPS).map(|o| o.operation_id().to_owned()).collect();
    let uncovered: Vec<_> = with_id.difference(&covered).collect();
    assert!(uncovered.is_empty(), "operations with an object id outside the matrix: {uncovered:?}");

    let callers: Vec<Option<&Identity>> = std::iter::once(None).chain(w.identities.iter().map(Some)).collect();
    let objects = objects(&w);
    let mut requests = 0usize;
    let mut leaks = 0usize;
    let mut failures: Vec<String> = vec![];
    let mut refusals_of_missing: std::collections::HashMap<(String, String), String> = Default::default();

    // Phase 1: reads, and the refusal bodies of the missing objects.
    for who in &callers {
        let label = who.map_or("anonymous".to_owned(), |i| i.label());
        for object in &objects {
            for op in ops_for(object).iter().copied().filter(|o| !o.is_write()) {
                let want = expect(*who, op, object);
                let res = send(&w, *who, op, object).await;
                requests += 1;
                if res.status != want {
                    failures.push(format!("{label} {op:?} {object:?}: {} (want {want}) {}", res.status, res.text()));
                    continue;
                }
                let text = world::full_text(&res);
                let party = who.map_or("", |i| i.party.as_str());
                if w.foreign_canaries(party).iter().any(|c| text.contains(c))
                    || (party.is_empty() && text.contains("CANARY-"))
                {
                    leaks += 1;
                    failures.push(format!("{label} {op:?} {object:?}: a canary leaked"));
                }
                if let (Object::Case(c), 200, Op::GetCase) = (object, want, op) {
                    let own = who.is_some_and(|i| i.party == c.country);
                    let shows_own = c.canaries.iter().all(|k| text.contains(k.as_str()));
                    if own != shows_own {
                        failures.push(format!("{label} reads {}: own={own} but canaries shown={shows_own}", c.id));
                    }
                }
                if is_refusal(want) && want != 401 {
                    let missing = missing_of(object);
                    if expect(*who, op, &missing) == want {
                        let key = (label.clone(), format!("{op:?}"));
                        if !refusals_of_missing.contains_key(&key) {
                            let other = send(&w, *who, op, &missing).await;
                            requests += 1;
                            refusals_of_missing.insert(key.clone(), generic(&other, &[MISSING_ID, "ZZ"]));
                        }
                        let ids = object_id(&w, object);
                        if generic(&res, &ids) != refusals_of_missing[&key] {
                            failures.push(format!(
                                "{label} {op:?}: refusal differs for an existing object: {} vs {}",
                                res.text(),
                                refusals_of_missing[&key]
                            ));
                        }
                    }
                }
            }
        }
    }

    // Phase 2: every write the oracle refuses, then the database is compared whole.
    let before = snapshot(&w.app);
    for who in &callers {
        let label = who.map_or("anonymous".to_owned(), |i| i.label());
        for object in &objects {
            for op in ops_for(object).iter().copied().filter(|o| o.is_write()) {
                let want = expect(*who, op, object);
                if !is_refusal(want) {
                    continue;
                }
                let res = send(&w, *who, op, object).await;
                requests += 1;
                if res.status != want {
                    failures.push(format!("{label} {op:?} {object:?}: {} (want {want}) {}", res.status, res.text()));
                }
            }
        }
    }
    let unauthorized_effects = usize::from(snapshot(&w.app) != before);

    // Phase 3: the writes the oracle permits succeed (case updates before retractions).
    let mut permitted = 0usize;
    for op in [
        Op::UpdateParty,
        Op::PutPolicy,
        Op::UpdateUser,
        Op::EndSessions,
        Op::ResetPassword,
        Op::UpdateCase,
        Op::RetractCase,
    ] {
        for who in callers.iter().flatten() {
            for object in objects.iter().filter(|o| ops_for(o).contains(&op)) {
                if expect(Some(who), op, object) != 200 {
                    continue;
                }
                let res = if let (Op::UpdateCase, Object::Case(c)) = (op, object) {
                    let path = format!("/api/v1/cases/{}", c.id);
                    let current = w.app.get(&path, Some(&who.user.token)).await;
                    let etag = current.header("etag").unwrap();
                    w.app.send("PUT", &path, Some(&who.user.token), Some(&c.input), &[("If-Match", &etag)]).await
                } else {
                    send(&w, Some(who), op, object).await
                };
                requests += 1;
                permitted += 1;
                if res.status != 200 {
                    failures.push(format!(
                        "{} {op:?} {object:?} permitted but {}: {}",
                        who.label(),
                        res.status,
                        res.text()
                    ));
                }
            }
        }
    }
    let after_writes = snapshot(&w.app);
    assert!(
        after_writes.0.iter().filter(|c| c.4).count() > before.0.iter().filter(|c| c.4).count(),
        "retractions took effect"
    );

    super::figure(format!(
        "security matrix: {} identities (and anonymous), {} objects, {requests} requests ({permitted} permitted writes), {leaks} leaks, {unauthorized_effects} unauthorized effects, {} mismatches",
        w.identities.len(),
        objects.len(),
        failures.len()
    ));
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(unauthorized_effects, 0, "a refused write changed the database");
}
