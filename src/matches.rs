//! Hit/no-hit queries (`POST /api/v1/matches`) and the hits on a country's data
//! (`GET /api/v1/matches/hits`).
//!
//! A query is one write transaction: the quotas are counted (per user and per country per UTC
//! day, in identifiers; past either, 429 and nothing is recorded), each identifier is probed in
//! the blind index, each (identifier, holding country) pair with a match becomes a hit with a
//! random reference, told to the holder through its feed and its auditors (an audit event whose
//! object is the holder's), and the query itself is audited for the requester. Nothing in the
//! answer or in the events names the identifiers or the holder's matched records, except the
//! ids `access::matching::answer` allows (and a case the caller sees
//! with a reserved matched field gives nothing at all).

use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::Subject;
use crate::access::cases::{Access, case_access};
use crate::access::matching::{self as rules, Answer, Matched};
use crate::audit::{self, Event, Outcome, RequestContext};
use crate::db::DbConn;
use crate::db::schema::{match_hits as mh, match_queries as mq, match_quotas as quota};
use crate::error::{ApiError, FieldError};
use crate::matching::index::{self, BlindIndex};
use crate::matching::normal::{self, Strength};

/// Most identifiers in one query.
pub const MAX_IDENTIFIERS: usize = 10;

/// Why a country queries (recorded with the query and shown to the holders it hits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    CriminalInvestigation,
    Prosecution,
    VictimIdentification,
    VictimProtection,
    BorderControl,
    DocumentVerification,
    Repatriation,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::CriminalInvestigation => "criminal_investigation",
            Purpose::Prosecution => "prosecution",
            Purpose::VictimIdentification => "victim_identification",
            Purpose::VictimProtection => "victim_protection",
            Purpose::BorderControl => "border_control",
            Purpose::DocumentVerification => "document_verification",
            Purpose::Repatriation => "repatriation",
        }
    }
}

/// One identifier to look for.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Identifier {
    /// A travel or identity document: its number (compared on letters and digits only) and its
    /// issuing state (ICAO 3-letter code).
    TravelDocument {
        /// 1 to 50 characters.
        #[schema(max_length = 50)]
        document_number: String,
        #[schema(pattern = "^[A-Z]{3}$")]
        issuing_state: String,
    },
    /// A person: names, and the date of birth when known (compared without accents, case,
    /// spaces or hyphens; the two surnames in either order). Without a date of birth only
    /// suspects' names can match.
    Person {
        /// 1 to 200 characters.
        #[schema(max_length = 200)]
        given_names: String,
        #[schema(max_length = 200)]
        first_surname: String,
        #[serde(default)]
        #[schema(max_length = 200)]
        second_surname: Option<String>,
        #[serde(default)]
        #[schema(format = Date)]
        date_of_birth: Option<String>,
        /// Also match a year of birth one year either side (needs `date_of_birth`).
        #[serde(default)]
        year_tolerance: bool,
    },
}

/// A hit/no-hit query.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchRequest {
    pub purpose: Purpose,
    /// One of the caller's country's own cases the query is about.
    #[serde(default)]
    pub case_id: Option<String>,
    /// 1 to 10 identifiers.
    #[schema(min_items = 1, max_items = 10)]
    pub identifiers: Vec<Identifier>,
}

/// How strongly an identifier matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchStrength {
    /// Document number and issuing state.
    DocumentNumber,
    /// Names and exact date of birth.
    DateOfBirth,
    /// Names and year of birth within ±1 year.
    YearOfBirth,
    /// Names alone (a suspect).
    Name,
}

impl From<Strength> for MatchStrength {
    fn from(s: Strength) -> Self {
        match s {
            Strength::DocumentNumber => MatchStrength::DocumentNumber,
            Strength::DateOfBirth => MatchStrength::DateOfBirth,
            Strength::YearOfBirth => MatchStrength::YearOfBirth,
            Strength::Name => MatchStrength::Name,
        }
    }
}

/// A member country holds data matching one identifier.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Hit {
    /// Position of the identifier in the query (from 0).
    pub identifier: usize,
    /// The holding country (alpha-2).
    pub country: String,
    /// The reference to cite when asking the holder (`/api/v1/requests`).
    pub hit_ref: String,
    pub strength: MatchStrength,
    /// Matched cases the caller can see and whose matched fields are shared with it; the holder
    /// may hold others.
    pub case_ids: Vec<String>,
    /// Likewise for document alerts.
    pub alert_ids: Vec<String>,
}

/// What is left of the caller's quotas today (UTC), in identifiers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuotaLeft {
    pub user: i64,
    pub country: i64,
}

/// The answer: one hit per identifier and holding country; no hit, no entry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MatchAnswer {
    pub query_id: String,
    pub queried_at: String,
    pub hits: Vec<Hit>,
    pub quota_left: QuotaLeft,
}

/// Identifiers one user, and one country, may query per UTC day.
#[derive(Debug, Clone, Copy)]
pub struct Quotas {
    pub per_user: i64,
    pub per_country: i64,
}

fn issue(field: String, code: &str, en: &str, es: &str) -> FieldError {
    FieldError::new(field, code, en, es)
}

fn too_long(s: &str, max: usize) -> bool {
    s.chars().count() > max
}

/// The probes of each identifier: (strength, material), or the failing fields.
fn probes(req: &MatchRequest) -> Result<Vec<Vec<(Strength, String)>>, ApiError> {
    let mut errors = vec![];
    if req.identifiers.is_empty() || req.identifiers.len() > MAX_IDENTIFIERS {
        errors.push(issue("identifiers".into(), "invalid_length", "1 to 10 identifiers", "de 1 a 10 identificadores"));
    }
    let mut out = vec![];
    for (i, id) in req.identifiers.iter().enumerate() {
        let at = |f: &str| format!("identifiers[{i}].{f}");
        match id {
            Identifier::TravelDocument { document_number, issuing_state } => {
                if !crate::formato::codes::is_icao_code(issuing_state) {
                    errors.push(issue(
                        at("issuing_state"),
                        "invalid_value",
                        "an ICAO 3-letter code, e.g. GTM",
                        "un código OACI de 3 letras, p. ej. GTM",
                    ));
                }
                let material = normal::document_material(issuing_state, document_number);
                if too_long(document_number, 50) || material.is_none() {
                    errors.push(issue(
                        at("document_number"),
                        "invalid_value",
                        "1 to 50 characters with at least one letter or digit",
                        "de 1 a 50 caracteres con al menos una letra o un dígito",
                    ));
                }
                out.push(material.map(|m| vec![(Strength::DocumentNumber, m)]).unwrap_or_default());
            }
            Identifier::Person { given_names, first_surname, second_surname, date_of_birth, year_tolerance } => {
                for (f, v) in [("given_names", Some(given_names)), ("first_surname", Some(first_surname))]
                    .into_iter()
                    .chain([("second_surname", second_surname.as_ref())])
                {
                    let Some(v) = v else { continue };
                    let empty = f != "second_surname" && normal::name(v, "x", None).is_none();
                    if too_long(v, 200) || empty {
                        errors.push(issue(
                            at(f),
                            "invalid_value",
                            "1 to 200 characters with at least one letter or digit",
                            "de 1 a 200 caracteres con al menos una letra o un dígito",
                        ));
                    }
                }
                if let Some(d) = date_of_birth
                    && crate::registry::parse_date(d).is_none()
                {
                    errors.push(issue(
                        at("date_of_birth"),
                        "invalid_date",
                        "a date YYYY-MM-DD",
                        "una fecha AAAA-MM-DD",
                    ));
                }
                if *year_tolerance && date_of_birth.is_none() {
                    errors.push(issue(
                        at("year_tolerance"),
                        "requires_date_of_birth",
                        "a tolerance needs the date of birth",
                        "una tolerancia requiere la fecha de nacimiento",
                    ));
                }
                let name = normal::name(given_names, first_surname, second_surname.as_deref());
                out.push(
                    name.map(|n| normal::person_probes(&n, date_of_birth.as_deref(), *year_tolerance))
                        .unwrap_or_default(),
                );
            }
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(ApiError::Validation(errors)) }
}

/// Seconds until the next UTC midnight (when the quotas start again).
fn until_midnight() -> u64 {
    let now = time::OffsetDateTime::now_utc();
    let secs = i64::from(now.hour()) * 3600 + i64::from(now.minute()) * 60 + i64::from(now.second());
    (86_400 - secs).max(1) as u64
}

/// Count `n` identifiers against `who`'s quota of today; `None` if it would pass `limit`, else
/// what is left. Runs under the audit chain lock, which serializes every writer.
fn spend(conn: &mut DbConn, who: &str, day: &str, n: i64, limit: i64) -> Result<Option<i64>, ApiError> {
    let used: Option<i32> = quota::table.find((who, day)).select(quota::used).get_result(conn).optional()?;
    let after = i64::from(used.unwrap_or(0)) + n;
    if after > limit {
        return Ok(None);
    }
    let after32 = i32::try_from(after).map_err(|_| ApiError::Internal)?;
    if used.is_some() {
        diesel::update(quota::table.find((who, day))).set(quota::used.eq(after32)).execute(conn)?;
    } else {
        diesel::insert_into(quota::table)
            .values((quota::who.eq(who), quota::day.eq(day), quota::used.eq(after32)))
            .execute(conn)?;
    }
    Ok(Some(limit - after))
}

/// A row of the index that matched, with what it contributes to the answer.
type Classified = (index::Found, Answer);

/// What a matched object contributes to `s`'s answer, from its stored access metadata.
fn answer(conn: &mut DbConn, s: &Subject, f: &index::Found) -> Result<Answer, ApiError> {
    let disclosable = f.disclosable;
    let matched = match f.object_type.as_str() {
        "case" => match crate::cases::store::load_head(conn, &f.object_id)? {
            Some(head) => Matched::Case { meta: head.meta, disclosable },
            None => return Ok(Answer::Nothing),
        },
        _ => match crate::alerts::store::load(conn, &f.object_id)? {
            Some(alert) => Matched::Alert { meta: alert.meta, disclosable },
            None => return Ok(Answer::Nothing),
        },
    };
    Ok(rules::answer(s, &matched))
}

/// Run a hit/no-hit query for `s`.
pub fn query(
    conn: &mut DbConn,
    idx: &BlindIndex,
    quotas: Quotas,
    s: &Subject,
    ctx: &RequestContext,
    req: MatchRequest,
) -> Result<MatchAnswer, ApiError> {
    if !rules::may_query(s) {
        return Err(ApiError::Forbidden);
    }
    let probes = probes(&req)?;
    let blinds: Vec<Vec<(Strength, String)>> =
        probes.iter().map(|p| p.iter().map(|(k, m)| (*k, idx.blind(m))).collect()).collect();
    let n = req.identifiers.len() as i64;
    audit::write(conn, |conn, events| {
        if let Some(case_id) = &req.case_id {
            let own = crate::cases::store::load_head(conn, case_id)?
                .is_some_and(|h| case_access(s, &h.meta) == Some(Access::Own));
            if !own {
                return Err(ApiError::field(
                    "case_id",
                    "not_own_case",
                    "must be one of your country's cases",
                    "debe ser uno de los casos de su país",
                ));
            }
        }
        let day = crate::clock::today().to_string();
        let (Some(user_left), Some(country_left)) = (
            spend(conn, &s.user_id, &day, n, quotas.per_user)?,
            spend(conn, &format!("party:{}", s.party), &day, n, quotas.per_country)?,
        ) else {
            return Err(ApiError::TooManyRequests { retry_after: until_midnight() });
        };
        let all: Vec<String> = blinds.iter().flatten().map(|(_, b)| b.clone()).collect();
        let mut found = vec![];
        for f in index::lookup(conn, &all, &s.party)? {
            match answer(conn, s, &f)? {
                Answer::Nothing => {}
                a => found.push((f, a)),
            }
        }
        let query_id = uuid::Uuid::new_v4().to_string();
        let now = crate::clock::now_text();
        // (identifier, holder) → strongest match and the matched objects.
        let mut grouped: BTreeMap<(usize, String), (Strength, Vec<&Classified>)> = BTreeMap::new();
        for (i, probe) in blinds.iter().enumerate() {
            let wanted: BTreeMap<&str, Strength> = probe.iter().map(|(k, b)| (b.as_str(), *k)).collect();
            for row in found.iter().filter(|(f, _)| wanted.get(f.blind.as_str()) == Some(&f.strength)) {
                let f = &row.0;
                let e = grouped.entry((i, f.party.clone())).or_insert((f.strength, vec![]));
                e.0 = e.0.min(f.strength);
                if !e.1.iter().any(|(o, _)| o.object_type == f.object_type && o.object_id == f.object_id) {
                    e.1.push(row);
                }
            }
        }
        let mut hits = vec![];
        for ((i, holder), (strength, objects)) in grouped {
            // Time-ordered, so the holder's list pages by it like every other list.
            let hit_ref = uuid::Uuid::now_v7().to_string();
            let (mut case_ids, mut alert_ids) = (BTreeSet::new(), BTreeSet::new());
            for (f, a) in &objects {
                if *a == Answer::Name {
                    if f.object_type == "case" { &mut case_ids } else { &mut alert_ids }.insert(f.object_id.clone());
                }
            }
            let held: Vec<serde_json::Value> =
                objects.iter().map(|(f, _)| serde_json::json!({"type": f.object_type, "id": f.object_id})).collect();
            diesel::insert_into(mh::table)
                .values((
                    mh::id.eq(&hit_ref),
                    mh::query_id.eq(&query_id),
                    mh::requester_party.eq(&s.party),
                    mh::holder_party.eq(&holder),
                    mh::identifier.eq(i as i32),
                    mh::strength.eq(strength.as_str()),
                    mh::purpose.eq(req.purpose.as_str()),
                    mh::objects.eq(serde_json::Value::from(held).to_string()),
                    mh::created_at.eq(&now),
                ))
                .execute(conn)?;
            let details = serde_json::json!({
                "requester": s.party, "strength": strength.as_str(), "purpose": req.purpose.as_str(),
            });
            crate::feed::push(conn, &holder, "match_hit", "match_hit", &hit_ref, details.clone(), &now)?;
            events.push(
                Event::new(ctx, "match_hit", "match_hit", Outcome::Allowed)
                    .object(hit_ref.clone(), Some(&holder))
                    .details(details),
            );
            hits.push(Hit {
                identifier: i,
                country: holder,
                hit_ref,
                strength: strength.into(),
                case_ids: case_ids.into_iter().collect(),
                alert_ids: alert_ids.into_iter().collect(),
            });
        }
        diesel::insert_into(mq::table)
            .values((
                mq::id.eq(&query_id),
                mq::party.eq(&s.party),
                mq::user_id.eq(&s.user_id),
                mq::purpose.eq(req.purpose.as_str()),
                mq::case_id.eq(&req.case_id),
                mq::identifiers.eq(n as i32),
                mq::hits.eq(hits.len() as i32),
                mq::created_at.eq(&now),
            ))
            .execute(conn)?;
        let kinds: Vec<&str> = req
            .identifiers
            .iter()
            .map(|i| match i {
                Identifier::TravelDocument { .. } => "travel_document",
                Identifier::Person { .. } => "person",
            })
            .collect();
        let summary: Vec<serde_json::Value> = hits
            .iter()
            .map(|h| serde_json::json!({"identifier": h.identifier, "country": h.country, "hit_ref": h.hit_ref}))
            .collect();
        events.push(
            Event::new(ctx, "match_query", "match_query", Outcome::Allowed)
                .object(query_id.clone(), Some(&s.party))
                .details(serde_json::json!({
                    "purpose": req.purpose.as_str(), "case_id": req.case_id, "identifiers": kinds, "hits": summary,
                })),
        );
        Ok(MatchAnswer {
            query_id,
            queried_at: now,
            hits,
            quota_left: QuotaLeft { user: user_left, country: country_left },
        })
    })
}

/// A hit on the caller's country's data, as its users read it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HitOnUs {
    pub hit_ref: String,
    /// The country that queried.
    pub requester: String,
    pub purpose: String,
    pub strength: MatchStrength,
    /// The caller's country's matched cases and alerts: `{"type": "case"|"alert", "id": …}`.
    pub objects: Vec<serde_json::Value>,
    pub created_at: String,
}

/// One page of hits, newest first; `next_cursor` continues it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HitPage {
    pub items: Vec<HitOnUs>,
    pub next_cursor: Option<String>,
}

type HitRow = (String, String, String, String, String, String);

/// The hits on the caller's country's data, newest first. The cursor is the `hit_ref` of the
/// last item of the previous page (references are time-ordered UUIDv7).
pub fn hits_on(conn: &mut DbConn, s: &Subject, cursor: Option<String>, limit: i64) -> Result<HitPage, ApiError> {
    if !rules::may_read_hits(s) {
        return Err(ApiError::Forbidden);
    }
    let mut q = mh::table
        .filter(mh::holder_party.eq(&s.party))
        .order(mh::id.desc())
        .select((mh::id, mh::requester_party, mh::purpose, mh::strength, mh::objects, mh::created_at))
        .limit(limit + 1)
        .into_boxed();
    if let Some(c) = cursor {
        q = q.filter(mh::id.lt(c));
    }
    let mut rows: Vec<HitRow> = q.load(conn)?;
    let next_cursor = crate::paging::next_page(&mut rows, limit, |r| &r.0);
    let items = rows
        .into_iter()
        .map(|(hit_ref, requester, purpose, strength, objects, created_at)| HitOnUs {
            hit_ref,
            requester,
            purpose,
            strength: Strength::parse(&strength).unwrap_or(Strength::Name).into(),
            objects: serde_json::from_str(&objects).unwrap_or_default(),
            created_at,
        })
        .collect();
    Ok(HitPage { items, next_cursor })
}

/// A hit as the request module needs it: who asked, who holds, and what matched.
#[derive(Debug, Clone)]
pub struct HitRecord {
    pub requester: String,
    pub holder: String,
    pub objects: Vec<(String, String)>,
}

pub fn hit(conn: &mut DbConn, hit_ref: &str) -> Result<Option<HitRecord>, ApiError> {
    let row: Option<(String, String, String)> = mh::table
        .find(hit_ref)
        .select((mh::requester_party, mh::holder_party, mh::objects))
        .get_result(conn)
        .optional()?;
    Ok(row.map(|(requester, holder, objects)| {
        let objects: Vec<serde_json::Value> = serde_json::from_str(&objects).unwrap_or_default();
        HitRecord {
            requester,
            holder,
            objects: objects
                .iter()
                .filter_map(|o| Some((o["type"].as_str()?.to_owned(), o["id"].as_str()?.to_owned())))
                .collect(),
        }
    }))
}
