//! The seeded world: the 11 member countries with every member role, the ST and an observer;
//! each country's reservation policy reserving about a third of the reservable fields (so every
//! field is reserved somewhere and shared elsewhere); for each country a fully filled case of
//! each sharing scope with a per-case reservation, and one retracted case. Every reserved
//! free-text value is a unique canary `CANARY-<country>-<path>-<random>`.

use std::collections::BTreeSet;

use enlace::access::Role;
use serde_json::{Value, json};

use crate::cases::{canary_case, catalog, expected_reserved};
use crate::helpers::*;

pub const COUNTRIES: [&str; 11] = ["BZ", "CA", "CR", "SV", "US", "GT", "HN", "MX", "NI", "PA", "DO"];
pub const OBSERVER: &str = "OIM";
pub const MEMBER_ROLES: [Role; 5] =
    [Role::CountryAdmin, Role::Officer, Role::Analyst, Role::StatisticsReader, Role::Auditor];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Member,
    Secretariat,
    Observer,
}

/// Who makes a request: a user of a party with one role, or nobody.
#[derive(Clone)]
pub struct Identity {
    pub party: String,
    pub kind: Kind,
    pub role: Role,
    pub user: TestUser,
}

impl Identity {
    pub fn label(&self) -> String {
        format!("{}/{:?}", self.party, self.role)
    }
}

/// A case of the world.
#[derive(Clone, Debug)]
pub struct WorldCase {
    pub id: String,
    pub country: String,
    pub scope: &'static str,
    pub shared_with: Vec<String>,
    pub retracted: bool,
    /// The submitted input (what an update sends again).
    pub input: Value,
    pub canaries: Vec<String>,
    /// Reserved catalog paths of this case (oracle).
    pub reserved: BTreeSet<String>,
}

pub struct World {
    pub app: TestApp,
    pub identities: Vec<Identity>,
    pub cases: Vec<WorldCase>,
    /// A statistics reader of each party, not used as a caller: the object of user operations.
    pub targets: Vec<(String, String)>,
    /// (path, field type, default reserved, fixed) as served by /api/v1/formato.
    pub catalog: Vec<(String, String, bool, bool)>,
    /// Enumeration name → codes.
    pub enums: std::collections::BTreeMap<String, Vec<String>>,
    /// Field path → enumeration name.
    pub enum_of: std::collections::BTreeMap<String, String>,
    /// Per country: (path, reserved) entries of its policy.
    pub policies: Vec<(String, Vec<(String, bool)>)>,
}

impl World {
    pub fn admin_of(&self, country: &str) -> &TestUser {
        let i = self.identities.iter().find(|i| i.party == country && i.role == Role::CountryAdmin).unwrap();
        &i.user
    }

    pub fn officer_of(&self, country: &str) -> &TestUser {
        let i = self.identities.iter().find(|i| i.party == country && i.role == Role::Officer).unwrap();
        &i.user
    }

    /// Every canary of the world whose country is not `party`.
    pub fn foreign_canaries(&self, party: &str) -> Vec<&str> {
        self.cases.iter().filter(|c| c.country != party).flat_map(|c| c.canaries.iter().map(String::as_str)).collect()
    }

    pub fn policy_json(&self, country: &str) -> Value {
        let entries = &self.policies.iter().find(|(c, _)| c == country).unwrap().1;
        policy_body(country, entries)
    }
}

fn policy_body(country: &str, entries: &[(String, bool)]) -> Value {
    let fields: Vec<Value> = entries
        .iter()
        .map(|(path, reserved)| {
            if *reserved {
                json!({"path": path, "flag": "reserved", "legal_basis": format!("Ley de {country}, art. {}", path.len())})
            } else {
                json!({"path": path, "flag": "shared"})
            }
        })
        .collect();
    json!({"include_in_statistics": true, "fields": fields})
}

/// Build the world on a fresh server.
pub async fn build() -> World {
    let app = spawn_with(|l| {
        l.workers = Some(2);
        l.db_pool_size = Some(8);
    })
    .await;
    let st_admin = app.user("ST", &[Role::StAdmin]).await;
    let res = app
        .post(
            "/api/v1/parties",
            Some(&st_admin.token),
            &json!({"code": OBSERVER, "kind": "observer", "name_es": "Organización Internacional para las Migraciones",
                    "name_en": "International Organization for Migration"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());

    let mut identities =
        vec![Identity { party: "ST".into(), kind: Kind::Secretariat, role: Role::StAdmin, user: st_admin.clone() }];
    for c in COUNTRIES {
        for role in MEMBER_ROLES {
            identities.push(Identity { party: c.into(), kind: Kind::Member, role, user: app.user(c, &[role]).await });
        }
    }
    for role in [Role::StatisticsReader, Role::Auditor] {
        identities.push(Identity {
            party: "ST".into(),
            kind: Kind::Secretariat,
            role,
            user: app.user("ST", &[role]).await,
        });
        identities.push(Identity {
            party: OBSERVER.into(),
            kind: Kind::Observer,
            role,
            user: app.user(OBSERVER, &[role]).await,
        });
    }
    let mut targets = vec![];
    for p in COUNTRIES.iter().copied().chain(["ST", OBSERVER]) {
        let u = app.user(p, &[Role::StatisticsReader]).await;
        targets.push((p.to_owned(), u.id));
    }

    let catalog = catalog(&app, &st_admin.token).await;
    let formato = app.get("/api/v1/formato", Some(&st_admin.token)).await.json();
    let enums = formato["enums"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let codes =
                e["values"].as_array().unwrap().iter().map(|v| v["code"].as_str().unwrap().to_owned()).collect();
            (e["name"].as_str().unwrap().to_owned(), codes)
        })
        .collect();
    let enum_of = formato["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| Some((f["path"].as_str()?.to_owned(), f["enum_name"].as_str()?.to_owned())))
        .collect();
    let reservable: Vec<String> = catalog.iter().filter(|c| !c.3).map(|c| c.0.clone()).collect();

    let mut world = World { app, identities, cases: vec![], targets, catalog, enums, enum_of, policies: vec![] };
    for (i, c) in COUNTRIES.iter().enumerate() {
        let entries: Vec<(String, bool)> =
            reservable.iter().enumerate().map(|(j, p)| (p.clone(), (i + j) % 3 == 0)).collect();
        let body = policy_body(c, &entries);
        let res = world
            .app
            .send(
                "PUT",
                &format!("/api/v1/parties/{c}/reservation-policy"),
                Some(&world.admin_of(c).token),
                Some(&body),
                &[("If-Match", "\"v0\"")],
            )
            .await;
        assert_eq!(res.status, 200, "policy of {c}: {}", res.text());
        world.policies.push(((*c).to_owned(), entries));
    }
    for (i, c) in COUNTRIES.iter().enumerate() {
        let policy = world.policies[i].1.clone();
        // A per-case reservation of a field the policy shares.
        let per_case: Vec<&str> =
            policy.iter().filter(|(p, r)| !r && p.starts_with("route[]")).map(|(p, _)| p.as_str()).take(1).collect();
        let per_case_owned: Vec<String> = per_case.iter().map(|s| s.to_string()).collect();
        let reserved = expected_reserved(&world.catalog, &policy, &per_case_owned);
        // Every country: a shared (`network`) and an unshared (`national`) case; a third of them
        // also a `listed` case (shared with the next two countries) and a retracted one.
        let listed = vec![COUNTRIES[(i + 1) % 11].to_owned(), COUNTRIES[(i + 2) % 11].to_owned()];
        let mut scopes: Vec<(&'static str, Vec<String>, bool)> =
            vec![("network", vec![], false), ("national", vec![], false)];
        if i % 3 == 0 {
            scopes.push(("listed", listed, false));
            scopes.push(("network", vec![], true));
        }
        for (k, (scope, shared_with, retract)) in scopes.into_iter().enumerate() {
            let (mut input, canaries) =
                canary_case((i * 10 + k) as u64 + 1000, c, &world.catalog, &reserved, &per_case);
            input["sharing"] = if shared_with.is_empty() {
                json!({"scope": scope})
            } else {
                json!({"scope": scope, "countries": shared_with})
            };
            let officer = world.officer_of(c).clone();
            let res = world.app.post("/api/v1/cases", Some(&officer.token), &input).await;
            assert_eq!(res.status, 201, "case of {c}: {}", res.text());
            let id = res.json()["case_id"].as_str().unwrap().to_owned();
            if retract {
                let etag = res.header("etag").unwrap();
                let res = world
                    .app
                    .send(
                        "DELETE",
                        &format!("/api/v1/cases/{id}"),
                        Some(&officer.token),
                        Some(&json!({"reason": "Registrado por error"})),
                        &[("If-Match", &etag)],
                    )
                    .await;
                assert_eq!(res.status, 200, "{}", res.text());
            }
            world.cases.push(WorldCase {
                id,
                country: (*c).to_owned(),
                scope,
                shared_with,
                retracted: retract,
                input,
                canaries,
                reserved: reserved.clone(),
            });
        }
    }
    assert!(world.cases.iter().all(|c| c.canaries.len() >= 5), "every case carries canaries");
    world
}

/// Response text with its headers, for scanning.
pub fn full_text(res: &Resp) -> String {
    let mut text = res.text();
    for (k, v) in res.headers.iter() {
        text.push_str(&format!("\n{k}: {}", v.to_str().unwrap_or("")));
    }
    text
}
