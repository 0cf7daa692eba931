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
use crate::matching::index::BlindIndex;
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
pub fn policies(conn: &mut DbConn, idx: &BlindIndex) -> Result<(), ApiError> {
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
        let update = policy::PolicyUpdate {
            include_in_statistics: i % 5 != 4,
            fields,
            matching: Default::default(),
            effective_from: None,
        };
        policy::update(
            conn,
            &actor,
            &ctx(),
            c,
            update,
            Some("*"),
            time::OffsetDateTime::now_utc(),
            &crate::reindex::PolicyDependents(idx),
        )?;
    }
    Ok(())
}

/// Insert `count` cases spread over the member countries, `chunk` per transaction.
/// `full` makes every case fully filled (else one in five is, the rest typical). Returns how many were stored.
pub fn cases(conn: &mut DbConn, idx: &BlindIndex, count: usize, seed: u64, full: bool) -> Result<usize, ApiError> {
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
                crate::cases::service::insert_case(conn, idx, &subject, &policies[country], &mut input)?;
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

/// The marker a demo data set carries (`service_meta`): `enlace demo` adds to a database only
/// when it holds this or nothing at all.
const MARKER: &str = "demo_data_set";

fn count<T>(conn: &mut DbConn, q: T) -> Result<i64, ApiError>
where
    T: diesel::query_dsl::methods::SelectDsl<diesel::dsl::CountStar>,
    diesel::dsl::Select<T, diesel::dsl::CountStar>: diesel::query_dsl::LoadQuery<'static, DbConn, i64>,
{
    use diesel::prelude::*;
    Ok(q.select(diesel::dsl::count_star()).get_result(conn)?)
}

/// What a database and data directory hold that the demo did not create: `None` when the demo
/// may write there (nothing at all, or a demo data set), else a description of what is there.
pub fn foreign_contents(conn: &mut DbConn, data_dir: &std::path::Path) -> Result<Option<String>, ApiError> {
    use crate::db::schema::{cases, country_reports, directory_entries, document_alerts, service_meta, users};
    use diesel::prelude::*;
    let marked = service_meta::table.find(MARKER).select(service_meta::key).get_result::<String>(conn).optional()?;
    if marked.is_some() {
        return Ok(None);
    }
    let mut held = vec![];
    for (n, what) in [
        (count(conn, users::table)?, "user account(s)"),
        (count(conn, cases::table)?, "case(s)"),
        (count(conn, document_alerts::table)?, "alert(s)"),
        (count(conn, directory_entries::table)?, "directory entr(ies)"),
        (count(conn, country_reports::table)?, "report(s)"),
    ] {
        if n > 0 {
            held.push(format!("{n} {what}"));
        }
    }
    let files = std::fs::read_dir(data_dir.join("files"))
        .map(|d| d.filter_map(Result::ok).filter(|e| e.file_name() != "tmp").count())
        .unwrap_or(0);
    if files > 0 {
        held.push(format!("{files} stored file folder(s)"));
    }
    Ok((!held.is_empty()).then(|| held.join(", ")))
}

/// Mark the database as holding a demo data set; whether it already was.
pub fn mark(conn: &mut DbConn) -> Result<bool, ApiError> {
    use crate::db::schema::service_meta;
    use diesel::prelude::*;
    let marked = service_meta::table.find(MARKER).select(service_meta::key).get_result::<String>(conn).optional()?;
    if marked.is_none() {
        diesel::insert_into(service_meta::table)
            .values((service_meta::key.eq(MARKER), service_meta::value.eq(crate::clock::now_text())))
            .execute(conn)?;
    }
    Ok(marked.is_some())
}

/// What `companions` seeded.
#[derive(Debug, Default)]
pub struct Companions {
    pub alerts: usize,
    pub images: usize,
    pub contacts: usize,
    pub entry_requirements: usize,
    pub reports: usize,
    pub legislation_entries: usize,
}

/// A valid 1×1 PNG (the alerts' sample image).
const PNG_1X1: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// A one-page PDF (the reports' sample file).
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

fn admin_of(party: &str) -> Subject {
    let (kind, role) =
        if party == "ST" { (PartyKind::Secretariat, Role::StAdmin) } else { (PartyKind::Member, Role::CountryAdmin) };
    Subject { user_id: "demo".into(), party: party.into(), party_kind: kind, roles: vec![role, Role::Officer] }
}

fn input<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, ApiError> {
    serde_json::from_value(v).map_err(|_| ApiError::Internal)
}

/// The companion resources, through the same services as the API: per member country a
/// network liaison in the directory, an entry requirement, legislation entries and a document
/// alert with an image; a report of the ST published to observers and one of a country not.
pub fn companions(conn: &mut DbConn, idx: &BlindIndex, data_dir: &std::path::Path) -> Result<Companions, ApiError> {
    use crate::registry::{directory, entry_requirements, legislation};
    let mut done = Companions::default();
    let a3 = |c: &str| crate::formato::codes::COUNTRIES.iter().find(|(a2, _)| *a2 == c).map(|(_, a3)| *a3);
    for (i, c) in CRM_MEMBERS.iter().enumerate() {
        let s = admin_of(c);
        let contact = json!({"country": c, "institution": "Dirección General de Migración", "unit": "Unidad contra la Trata",
            "position": "Enlace nacional", "contact_role": "network_liaison", "name": format!("Enlace Demo {c}"),
            "email": format!("enlace.{}@migracion.example", c.to_lowercase()), "phone": "+50422223333",
            "languages": ["es", "en"], "valid_from": "2026-01-01"});
        directory::create(conn, &s, &ctx(), input(contact)?)?;
        done.contacts += 1;
        let nationality = CRM_MEMBERS[(i + 3) % CRM_MEMBERS.len()];
        let requirement = ["visa", "consulted_visa", "special_authorization", "none"][i % 4];
        let rule = json!({"member_country": c, "nationality": if nationality == *c { "HT" } else { nationality },
            "requirement": requirement, "valid_from": "2025-01-01",
            "source_reference": "Circular de la autoridad migratoria (demo)"});
        entry_requirements::create(conn, &s, &ctx(), input(rule)?)?;
        done.entry_requirements += 1;
        for (j, topic) in legislation::TOPICS.iter().enumerate().filter(|(j, _)| (i + j) % 3 != 0) {
            let status = ["yes", "partly", "no"][(i + j) % 3];
            let mut entry = json!({"status": status, "last_reviewed": "2026-06-30",
                "notes_es": "Entrada de demostración.", "notes_en": "Demonstration entry."});
            if status != "no" {
                entry["instrument"] = json!(format!("Ley demo {c}-{}", 2000 + j));
                entry["article"] = json!(format!("Art. {}", 10 + j));
                entry["in_force_since"] = json!("2012-01-01");
                entry["source_url"] = json!(format!("https://legislacion.example/{}", c.to_lowercase()));
            }
            legislation::put(conn, &s, &ctx(), c, topic.code, None, input(entry)?)?;
            done.legislation_entries += 1;
        }
        let Some(state) = a3(c) else { continue };
        let alert = json!({"document": {"document_type": "passport", "issuing_state": state,
            "document_number": format!("D{:07}", 1000 + i), "nationality_in_document": state, "fraud_type": "counterfeit",
            "forgery_techniques": ["photo_substitution"], "detection_setting": "air_bcp", "detection_date": "2026-03-02",
            "security_features_notes": "Laminado sin hologramas (demo)"},
            "valid_until": "2099-12-31", "issuing_authority_notes": "Serie no emitida (demo)",
            "known_route_countries": [c, "MX"]});
        let viewed = crate::alerts::create(conn, idx, &s, &ctx(), input(alert)?)?;
        done.alerts += 1;
        let id = viewed.view.as_value()["alert_id"].as_str().ok_or(ApiError::Internal)?.to_owned();
        crate::alerts::images::add(conn, &s, &ctx(), &id, crate::files::sniff::ImageType::Png, PNG_1X1.to_vec())?;
        done.images += 1;
    }
    let tmp = crate::reports::tmp_dir(data_dir);
    for (party, title, publish) in
        [("ST", "Informe de la Red 2026 (demo)", true), ("GT", "Informe nacional 2026-S1 (demo, sin publicar)", false)]
    {
        let s = admin_of(party);
        let q = input(json!({"title": title, "period": "2026", "language": "es"}))?;
        let received = crate::files::received_from_bytes(&tmp, PDF)?;
        let r = crate::reports::store(conn, &s, &ctx(), q, received)?;
        if publish {
            crate::reports::publish(
                conn,
                &admin_of("ST"),
                &ctx(),
                &r.report_id,
                input(json!({"published_to_observers": true}))?,
            )?;
        }
        done.reports += 1;
    }
    Ok(done)
}
