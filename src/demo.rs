//! Demo data: a realistic synthetic data set for exploring the API and for benchmarks — users
//! of every role in every member country, the ST and three observers; varied reservation
//! policies; and cases of both crime types from `formato::sample`, with varied sharing scopes.
//! Deterministic for a given seed. Writes go through the same store and audit chain as the API.

use serde_json::json;

use crate::access::cases::PolicyEntry;
use crate::access::{PartyKind, Role, Subject};
use crate::audit::{self, Event, Outcome, RequestContext};
use crate::auth::accounts as store;
use crate::db::DbConn;
use crate::error::ApiError;
use crate::formato::catalog::Flag;
use crate::formato::codes::CRM_MEMBERS;
use crate::formato::sample;
use crate::policy;

/// A demo account and its password (printed once).
pub struct Credential {
    pub username: String,
    pub password: String,
    pub party: String,
    pub role: Role,
}

const OBSERVERS: [(&str, &str, &str); 3] = [
    ("OIM", "Organización Internacional para las Migraciones", "International Organization for Migration"),
    ("ACNUR", "Alto Comisionado de las Naciones Unidas para los Refugiados", "UN Refugee Agency"),
    (
        "RROCM",
        "Red Regional de Organizaciones Civiles para las Migraciones",
        "Regional Network of Civil Organizations for Migration",
    ),
];

fn ctx() -> RequestContext {
    RequestContext { request_id: "demo".into(), client_addr: None, actor: None }
}

/// splitmix64: a tiny deterministic generator for choosing scopes and partners.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn ensure_observers(conn: &mut DbConn) -> Result<(), ApiError> {
    use crate::db::schema::parties;
    use diesel::prelude::*;
    for (code, es, en) in OBSERVERS {
        if store::find_party(conn, code)?.is_none() {
            let now = crate::clock::now_text();
            diesel::insert_into(parties::table)
                .values((
                    parties::code.eq(code),
                    parties::kind.eq("observer"),
                    parties::name_es.eq(es),
                    parties::name_en.eq(en),
                    parties::active.eq(true),
                    parties::created_at.eq(&now),
                    parties::updated_at.eq(&now),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Create the demo users that do not exist yet; returns their credentials.
pub fn users(conn: &mut DbConn) -> Result<Vec<Credential>, String> {
    ensure_observers(conn).map_err(|e| e.to_string())?;
    let mut plan: Vec<(String, Role)> = vec![];
    for c in CRM_MEMBERS {
        for role in [Role::CountryAdmin, Role::Officer, Role::Analyst, Role::StatisticsReader, Role::Auditor] {
            plan.push((c.to_owned(), role));
        }
    }
    for role in [Role::StAdmin, Role::Auditor, Role::StatisticsReader] {
        plan.push(("ST".into(), role));
    }
    for (code, _, _) in OBSERVERS {
        plan.push((code.to_owned(), Role::StatisticsReader));
    }
    let mut out = vec![];
    for (party, role) in plan {
        let username = format!("{}.{}", party.to_lowercase(), role.as_str().replace('_', "-"));
        if store::find_by_username(conn, &username).map_err(|e| e.to_string())?.is_some() {
            continue;
        }
        let password = crate::auth::one_time_password();
        crate::admin::bootstrap::create_user(conn, &party, &[role], &username, &password, false)?;
        out.push(Credential { username, password, party, role });
    }
    Ok(out)
}

/// Varied reservation policies: some countries reserve more than the catalog, some release.
pub fn policies(conn: &mut DbConn) -> Result<(), ApiError> {
    let basis = |c: &str| format!("Ley de protección de datos de {c}, art. 12");
    for (i, c) in CRM_MEMBERS.iter().enumerate() {
        let fields = match i % 4 {
            0 => vec![
                PolicyEntry {
                    path: "persons[].sex".into(),
                    flag: Flag::Reserved,
                    legal_basis: Some(basis(c)),
                    legislation_topic: None,
                },
                PolicyEntry {
                    path: "persons[].citizenship".into(),
                    flag: Flag::Reserved,
                    legal_basis: Some(basis(c)),
                    legislation_topic: None,
                },
            ],
            1 => vec![PolicyEntry {
                path: "summary".into(),
                flag: Flag::Shared,
                legal_basis: None,
                legislation_topic: None,
            }],
            2 => vec![
                PolicyEntry {
                    path: "assistance[].immigration_relief".into(),
                    flag: Flag::Reserved,
                    legal_basis: Some("8 U.S.C. 1367".into()),
                    legislation_topic: None,
                },
                PolicyEntry {
                    path: "detection_locality".into(),
                    flag: Flag::Reserved,
                    legal_basis: Some(basis(c)),
                    legislation_topic: None,
                },
            ],
            _ => vec![],
        };
        let actor = Subject {
            user_id: "demo".into(),
            party: (*c).into(),
            party_kind: PartyKind::Member,
            roles: vec![Role::CountryAdmin],
        };
        let update = policy::PolicyUpdate { include_in_statistics: i % 5 != 4, fields, effective_from: None };
        policy::update(
            conn,
            &actor,
            &ctx(),
            c,
            update,
            Some("*"),
            time::OffsetDateTime::now_utc(),
            &crate::reindex::PolicyDependents,
        )?;
    }
    Ok(())
}

/// Insert `count` cases spread over the member countries, `chunk` per transaction.
/// `full` makes every case fully filled (else one in five is, the rest typical). Returns how many were stored.
pub fn cases(conn: &mut DbConn, count: usize, seed: u64, full: bool) -> Result<usize, ApiError> {
    const CHUNK: usize = 500;
    let mut rng = seed ^ 0x5EED;
    let mut policies = std::collections::HashMap::new();
    for c in CRM_MEMBERS {
        policies.insert(c, policy::load(conn, c)?);
    }
    let mut stored = 0;
    while stored < count {
        let n = CHUNK.min(count - stored);
        audit::write(conn, |conn, events| {
            for i in 0..n {
                let k = (stored + i) as u64;
                let country = CRM_MEMBERS[(next(&mut rng) % CRM_MEMBERS.len() as u64) as usize];
                let mut input = if full || k.is_multiple_of(5) {
                    sample::full_case(seed.wrapping_add(k), country)
                } else {
                    sample::typical_case(seed.wrapping_add(k), country)
                };
                let roll = next(&mut rng) % 10;
                let scope = if roll < 6 {
                    "network"
                } else if roll < 9 {
                    "listed"
                } else {
                    "national"
                };
                let partners: Vec<String> = if scope == "listed" {
                    let mut p: Vec<String> = (0..1 + next(&mut rng) % 3)
                        .map(|_| CRM_MEMBERS[(next(&mut rng) % CRM_MEMBERS.len() as u64) as usize].to_owned())
                        .filter(|p| p != country)
                        .collect();
                    p.sort();
                    p.dedup();
                    if p.is_empty() { vec![if country == "MX" { "GT".into() } else { "MX".into() }] } else { p }
                } else {
                    vec![]
                };
                input.sharing = serde_json::from_value(json!({"scope": scope, "countries": partners})).ok();
                let subject = Subject {
                    user_id: format!("demo-{}", country.to_lowercase()),
                    party: country.to_owned(),
                    party_kind: PartyKind::Member,
                    roles: vec![Role::Officer],
                };
                crate::cases::service::insert_case(conn, &subject, &policies[country], &mut input)?;
            }
            events.push(
                Event::new(&ctx(), "demo_seed", "case", Outcome::Allowed)
                    .details(json!({"cases": n, "first_index": stored})),
            );
            Ok(())
        })?;
        stored += n;
    }
    Ok(stored)
}
