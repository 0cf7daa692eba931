//! The comparative matrix of the member countries' legislation on trafficking in persons and
//! migrant smuggling (issue #22; Managua 2007, work plan 2009 B.6.4 and B.1.4): for each member
//! country and each topic of a fixed bilingual list, whether its law covers the topic, by which
//! instrument and article, since when, with notes in both languages and a source. Each country's
//! administrators keep its own rows (every change is a version, audited); the ST opens an update
//! round before a meeting and sees which countries have confirmed their rows; every signed-in
//! party reads the matrix, observers included.

use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Checks;
use crate::access::{Subject, resources as rules};
use crate::audit::{self, Event, Outcome, RequestContext};
use crate::db::DbConn;
use crate::db::schema::{
    legislation_confirmations as lc, legislation_entries as le, legislation_rounds as lr, legislation_versions as lv,
};
use crate::error::{ApiError, FieldError, Rule};
use crate::formato::codes::CRM_MEMBERS;

/// A topic of the matrix, with its labels.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[schema(as = LegislationTopicLabels)]
pub struct Topic {
    pub code: &'static str,
    pub label_es: &'static str,
    pub label_en: &'static str,
}

const fn topic(code: &'static str, label_es: &'static str, label_en: &'static str) -> Topic {
    Topic { code, label_es, label_en }
}

/// The fixed topic list, in the order of the matrix's columns.
pub const TOPICS: [Topic; 17] = [
    topic("trafficking_offence", "Tipificación del delito de trata de personas", "Trafficking in persons offence"),
    topic(
        "trafficking_act",
        "Trata: la acción (captación, transporte, traslado, acogida o recepción)",
        "Trafficking: the act (recruitment, transport, transfer, harbouring or receipt)",
    ),
    topic(
        "trafficking_means",
        "Trata: los medios (amenaza, fuerza, engaño, abuso de poder o de vulnerabilidad)",
        "Trafficking: the means (threat, force, deception, abuse of power or of vulnerability)",
    ),
    topic("trafficking_purpose", "Trata: el fin de explotación", "Trafficking: the purpose of exploitation"),
    topic("smuggling_offence", "Tipificación del delito de tráfico ilícito de migrantes", "Migrant smuggling offence"),
    topic("penalties", "Penas", "Penalties"),
    topic("aggravating_child_victim", "Agravante: víctima menor de edad", "Aggravating circumstance: a child victim"),
    topic(
        "aggravating_public_official",
        "Agravante: participación de funcionarios públicos",
        "Aggravating circumstance: involvement of public officials",
    ),
    topic(
        "aggravating_organised_group",
        "Agravante: grupo delictivo organizado",
        "Aggravating circumstance: an organised criminal group",
    ),
    topic("non_punishment", "No punibilidad de las víctimas", "Non-punishment of victims"),
    topic(
        "reflection_period",
        "Período de reflexión y recuperación para las víctimas",
        "Reflection and recovery period for victims",
    ),
    topic("residence_permit", "Permisos de residencia para las víctimas", "Residence permits for victims"),
    topic("compensation", "Reparación e indemnización de las víctimas", "Compensation of victims"),
    topic(
        "child_victim_protection",
        "Protección de niñas, niños y adolescentes víctimas",
        "Protection of child victims",
    ),
    topic("child_repatriation", "Repatriación de personas menores de edad víctimas", "Repatriation of child victims"),
    topic(
        "data_protection",
        "Ley de protección de datos que rige el intercambio internacional",
        "Data-protection law governing international exchange",
    ),
    topic(
        "competent_institutions",
        "Instituciones competentes y sus competencias",
        "Competent institutions and their competencies",
    ),
];

/// The topic with this code.
pub fn find_topic(code: &str) -> Option<&'static Topic> {
    TOPICS.iter().find(|t| t.code == code)
}

/// The topic codes, for the OpenAPI code list.
pub fn topic_codes() -> Vec<&'static str> {
    TOPICS.iter().map(|t| t.code).collect()
}

/// Whether a country's law covers a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = LegislationStatus)]
pub enum Status {
    Yes,
    Partly,
    No,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Yes => "yes",
            Status::Partly => "partly",
            Status::No => "no",
        }
    }

    pub fn label(self, spanish: bool) -> &'static str {
        match (self, spanish) {
            (Status::Yes, true) => "sí",
            (Status::Yes, false) => "yes",
            (Status::Partly, true) => "en parte",
            (Status::Partly, false) => "partly",
            (Status::No, true) => "no",
            (Status::No, false) => "no",
        }
    }
}

/// A country's entry for one topic, as submitted (created or replaced whole).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryInput {
    pub status: Status,
    /// The law, decree or treaty (required unless `status` is `no`), 1 to 300 characters not
    /// counting surrounding white space.
    #[serde(default)]
    #[schema(
        pattern = "^[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]|[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]{0,298}[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub instrument: Option<String>,
    /// Articles of the instrument, 1 to 200 characters not counting surrounding white space.
    #[serde(default)]
    #[schema(
        pattern = "^[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]|[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]{0,198}[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub article: Option<String>,
    /// In force since (`YYYY-MM-DD`), not after today.
    #[serde(default)]
    #[schema(format = Date)]
    pub in_force_since: Option<String>,
    /// Notes in Spanish (given together with `notes_en`), 1 to 4000 characters not counting
    /// surrounding white space.
    #[serde(default)]
    #[schema(
        pattern = "^[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]|[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]{0,3998}[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub notes_es: Option<String>,
    /// The same notes in English (given together with `notes_es`).
    #[serde(default)]
    #[schema(
        pattern = "^[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]|[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]{0,3998}[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub notes_en: Option<String>,
    /// Where the text is published: an `https://` address of at most 1000 characters.
    #[serde(default)]
    #[schema(pattern = "^https://[^\\s]{1,992}$")]
    pub source_url: Option<String>,
    /// When the country last checked this entry (`YYYY-MM-DD`), not after today.
    #[schema(format = Date)]
    pub last_reviewed: String,
}

/// A country's entry for one topic.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable, Selectable)]
#[diesel(table_name = le)]
#[schema(as = LegislationEntry)]
pub struct Entry {
    pub country: String,
    pub topic: String,
    #[schema(value_type = Status)]
    pub status: String,
    pub instrument: Option<String>,
    pub article: Option<String>,
    pub in_force_since: Option<String>,
    pub notes_es: Option<String>,
    pub notes_en: Option<String>,
    pub source_url: Option<String>,
    pub last_reviewed: String,
    pub version: i32,
    pub updated_at: String,
}

/// One version of an entry, as it was written.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = LegislationEntryVersion)]
pub struct EntryVersion {
    pub version: i32,
    pub changed_at: String,
    pub entry: EntryInput,
}

/// An update round: opened by the ST before a meeting, with a deadline; each country confirms
/// that its rows are up to date.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = LegislationRound)]
pub struct Round {
    pub id: String,
    pub title: String,
    /// `YYYY-MM-DD`: countries confirm by the end of this day (UTC).
    pub deadline: String,
    pub opened_at: String,
    pub closed_at: Option<String>,
    /// `open`, `past_deadline` (not closed, deadline passed: late confirmations are taken and
    /// marked) or `closed`.
    pub state: &'static str,
    pub confirmations: Vec<Confirmation>,
    /// Member countries that have not confirmed yet.
    pub pending: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = LegislationConfirmation)]
pub struct Confirmation {
    pub country: String,
    pub confirmed_at: String,
    /// Confirmed after the deadline.
    pub late: bool,
    /// The country's entries written since the round opened.
    pub entries_updated: i64,
}

/// Opening an update round.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = LegislationRoundInput)]
pub struct RoundInput {
    /// The meeting it prepares, e.g. "Reunión de la Red, Managua 2027", 1 to 200 characters not
    /// counting surrounding white space.
    #[schema(
        pattern = "^[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]|[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]{0,198}[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub title: String,
    /// `YYYY-MM-DD`, today or later.
    #[schema(format = Date)]
    pub deadline: String,
}

/// The whole matrix.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = LegislationMatrix)]
pub struct Matrix {
    /// The columns: every topic, in order, with its labels.
    pub topics: Vec<Topic>,
    /// The rows: the member countries.
    pub countries: Vec<String>,
    /// The entries that exist (a country × topic without one has not been filled in).
    pub entries: Vec<Entry>,
    /// The update round now open, if any.
    pub current_round: Option<Round>,
}

/// Filters of the matrix.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MatrixQuery {
    /// Only this member country's entries.
    pub country: Option<String>,
    /// Only this topic's entries.
    pub topic: Option<String>,
    /// `csv` for the matrix as a CSV of countries × topics (also with `Accept: text/csv`).
    #[param(pattern = "^csv$")]
    pub format: Option<String>,
}

fn check_entry(input: &EntryInput) -> Result<(), ApiError> {
    let mut c = Checks::new();
    c.opt_text("instrument", &input.instrument, 300);
    c.opt_text("article", &input.article, 200);
    c.opt_text("notes_es", &input.notes_es, 4000);
    c.opt_text("notes_en", &input.notes_en, 4000);
    if input.status != Status::No && input.instrument.is_none() {
        c.push(
            "instrument",
            "required",
            "name the instrument that covers this topic (required unless status is `no`)",
            "indique el instrumento que regula este tema (obligatorio salvo que status sea `no`)",
        );
    }
    match (&input.notes_es, &input.notes_en) {
        (Some(_), None) => c.push(
            "notes_en",
            "required",
            "notes are given in both languages: add the English text",
            "las notas se dan en ambos idiomas: agregue el texto en inglés",
        ),
        (None, Some(_)) => c.push(
            "notes_es",
            "required",
            "notes are given in both languages: add the Spanish text",
            "las notas se dan en ambos idiomas: agregue el texto en español",
        ),
        _ => {}
    }
    if let Some(u) = &input.source_url {
        let ok = u.strip_prefix("https://").is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace));
        if !ok || u.chars().count() > 1000 {
            c.push(
                "source_url",
                "invalid_url",
                "an https:// address of at most 1000 characters, without spaces",
                "una dirección https:// de como máximo 1000 caracteres, sin espacios",
            );
        }
    }
    let today = crate::clock::today();
    for (field, date) in
        [("in_force_since", input.in_force_since.clone()), ("last_reviewed", Some(input.last_reviewed.clone()))]
    {
        if let Some(d) = c.date(field, &date)
            && d > today
        {
            c.push(field, "in_future", "a date not after today", "una fecha no posterior a hoy");
        }
    }
    c.finish()
}

/// The country and topic of a path, checked: a country that is not a member, or a topic not on
/// the list, is not found.
fn cell(country: &str, topic: &str) -> Result<(), ApiError> {
    if CRM_MEMBERS.contains(&country) && find_topic(topic).is_some() { Ok(()) } else { Err(ApiError::NotFound) }
}

fn load(conn: &mut DbConn, country: &str, topic: &str) -> Result<Option<Entry>, ApiError> {
    Ok(le::table.find((country, topic)).select(Entry::as_select()).get_result(conn).optional()?)
}

fn event(ctx: &RequestContext, action: &str, e: &Entry) -> Event {
    Event::new(ctx, action, "legislation_entry", Outcome::Allowed)
        .object(format!("{}/{}", e.country, e.topic), Some(&e.country))
        .details(serde_json::json!({"version": e.version, "topic": e.topic, "status": e.status}))
}

/// Create or replace a country's entry for a topic (that country's administrators). Creating
/// needs no `If-Match`; replacing requires it (428 without, 412 if stale). Returns the entry and
/// whether it was created.
pub fn put(
    conn: &mut DbConn,
    s: &Subject,
    ctx: &RequestContext,
    country: &str,
    topic: &str,
    if_match: Option<&str>,
    input: EntryInput,
) -> Result<(Entry, bool), ApiError> {
    cell(country, topic)?;
    if !rules::may_write_legislation(s, country) {
        return Err(ApiError::Forbidden);
    }
    check_entry(&input)?;
    audit::write(conn, |conn, events| {
        let before = load(conn, country, topic)?;
        let version = match &before {
            Some(b) => {
                crate::precondition::check_version(if_match, b.version, true)?;
                b.version + 1
            }
            None => {
                crate::precondition::check_version(if_match, 0, false)?;
                1
            }
        };
        let now = crate::clock::now_text();
        let row = (
            le::status.eq(input.status.as_str()),
            le::instrument.eq(input.instrument.as_deref().map(str::trim)),
            le::article.eq(input.article.as_deref().map(str::trim)),
            le::in_force_since.eq(&input.in_force_since),
            le::notes_es.eq(input.notes_es.as_deref().map(str::trim)),
            le::notes_en.eq(input.notes_en.as_deref().map(str::trim)),
            le::source_url.eq(&input.source_url),
            le::last_reviewed.eq(&input.last_reviewed),
            le::version.eq(version),
            le::updated_at.eq(&now),
            le::updated_by.eq(&s.user_id),
        );
        let n = match &before {
            Some(b) => diesel::update(
                le::table.filter(le::country.eq(country)).filter(le::topic.eq(topic)).filter(le::version.eq(b.version)),
            )
            .set(row)
            .execute(conn)?,
            None => diesel::insert_into(le::table)
                .values((le::country.eq(country), le::topic.eq(topic), row))
                .execute(conn)
                .map_err(|e| match ApiError::from(e) {
                    ApiError::Conflict(_) => ApiError::PreconditionFailed,
                    other => other,
                })?,
        };
        if n != 1 {
            return Err(ApiError::PreconditionFailed);
        }
        diesel::insert_into(lv::table)
            .values((
                lv::country.eq(country),
                lv::topic.eq(topic),
                lv::version.eq(version),
                lv::document.eq(serde_json::to_string(&input).map_err(|_| ApiError::Internal)?),
                lv::changed_at.eq(&now),
                lv::changed_by.eq(&s.user_id),
            ))
            .execute(conn)?;
        let e = load(conn, country, topic)?.ok_or(ApiError::Internal)?;
        let action = if before.is_some() { "legislation_update" } else { "legislation_create" };
        events.push(event(ctx, action, &e));
        Ok((e, before.is_none()))
    })
}

/// One entry, with the audit event to record before answering.
pub fn get(
    conn: &mut DbConn,
    s: &Subject,
    ctx: &RequestContext,
    country: &str,
    topic: &str,
) -> Result<(Entry, Event), ApiError> {
    cell(country, topic)?;
    if !rules::may_read_legislation(s) {
        return Err(ApiError::NotFound);
    }
    let e = load(conn, country, topic)?.ok_or(ApiError::NotFound)?;
    let ev = event(ctx, "legislation_read", &e);
    Ok((e, ev))
}

/// Every version of an entry, oldest first.
pub fn versions(conn: &mut DbConn, s: &Subject, country: &str, topic: &str) -> Result<Vec<EntryVersion>, ApiError> {
    cell(country, topic)?;
    if !rules::may_read_legislation(s) {
        return Err(ApiError::NotFound);
    }
    let rows: Vec<(i32, String, String)> = lv::table
        .filter(lv::country.eq(country))
        .filter(lv::topic.eq(topic))
        .order(lv::version.asc())
        .select((lv::version, lv::changed_at, lv::document))
        .load(conn)?;
    if rows.is_empty() {
        return Err(ApiError::NotFound);
    }
    rows.into_iter()
        .map(|(version, changed_at, doc)| {
            let entry = serde_json::from_str(&doc).map_err(|_| ApiError::Internal)?;
            Ok(EntryVersion { version, changed_at, entry })
        })
        .collect()
}

fn check_filters(q: &MatrixQuery) -> Result<(), ApiError> {
    let mut issues = vec![];
    if q.country.as_deref().is_some_and(|c| !CRM_MEMBERS.contains(&c)) {
        issues.push(FieldError::new(
            "country",
            "invalid_value",
            "a member country's code (ISO 3166-1 alpha-2)",
            "el código de un país miembro (ISO 3166-1 alfa-2)",
        ));
    }
    if q.topic.as_deref().is_some_and(|t| find_topic(t).is_none()) {
        issues.push(FieldError::new(
            "topic",
            "invalid_value",
            "a topic of the list (`LegislationTopic`)",
            "un tema de la lista (`LegislationTopic`)",
        ));
    }
    if q.format.as_deref().is_some_and(|f| f != "csv") {
        issues.push(FieldError::new(
            "format",
            "invalid_value",
            "`csv`, or leave it out for JSON",
            "`csv`, u omítalo para JSON",
        ));
    }
    if issues.is_empty() { Ok(()) } else { Err(ApiError::Validation(issues)) }
}

/// The matrix (optionally one country's row or one topic's column) with the round now open.
pub fn matrix(conn: &mut DbConn, s: &Subject, q: &MatrixQuery) -> Result<Matrix, ApiError> {
    if !rules::may_read_legislation(s) {
        return Err(ApiError::Forbidden);
    }
    check_filters(q)?;
    let mut query = le::table.select(Entry::as_select()).into_boxed();
    if let Some(c) = &q.country {
        query = query.filter(le::country.eq(c.clone()));
    }
    if let Some(t) = &q.topic {
        query = query.filter(le::topic.eq(t.clone()));
    }
    let mut entries: Vec<Entry> = query.load(conn)?;
    let order: BTreeMap<&str, usize> = TOPICS.iter().enumerate().map(|(i, t)| (t.code, i)).collect();
    entries.sort_by_key(|e| (e.country.clone(), order.get(e.topic.as_str()).copied().unwrap_or(usize::MAX)));
    let current: Option<RoundRow> = lr::table
        .filter(lr::open_flag.is_not_null())
        .select(RoundRow::as_select())
        .limit(1)
        .get_result(conn)
        .optional()?;
    let current_round = current.map(|r| round_view(conn, r)).transpose()?;
    let countries = match &q.country {
        Some(c) => vec![c.clone()],
        None => CRM_MEMBERS.iter().map(|c| (*c).to_owned()).collect(),
    };
    let topics = match &q.topic {
        Some(t) => TOPICS.iter().filter(|x| x.code == t).copied().collect(),
        None => TOPICS.to_vec(),
    };
    Ok(Matrix { topics, countries, entries, current_round })
}

/// The matrix as CSV: a row per country, a column per topic, each cell the status (empty when
/// the country has not filled the topic in); a second header row gives the topics' labels.
pub fn to_csv(m: &Matrix, spanish: bool) -> String {
    let cell = crate::csv::cell;
    let by: BTreeMap<(&str, &str), &Entry> =
        m.entries.iter().map(|e| ((e.country.as_str(), e.topic.as_str()), e)).collect();
    let mut out = String::new();
    let header: Vec<String> =
        std::iter::once("country".to_owned()).chain(m.topics.iter().map(|t| cell(t.code))).collect();
    out.push_str(&header.join(","));
    out.push('\n');
    let labels: Vec<String> = std::iter::once(cell(if spanish { "país" } else { "country" }))
        .chain(m.topics.iter().map(|t| cell(if spanish { t.label_es } else { t.label_en })))
        .collect();
    out.push_str(&labels.join(","));
    out.push('\n');
    for c in &m.countries {
        let row: Vec<String> = std::iter::once(cell(c))
            .chain(m.topics.iter().map(|t| by.get(&(c.as_str(), t.code)).map(|e| cell(&e.status)).unwrap_or_default()))
            .collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lr)]
struct RoundRow {
    id: String,
    title: String,
    deadline: String,
    opened_at: String,
    closed_at: Option<String>,
}

fn round_view(conn: &mut DbConn, r: RoundRow) -> Result<Round, ApiError> {
    let confirmed: Vec<(String, String)> = lc::table
        .filter(lc::round_id.eq(&r.id))
        .order(lc::country.asc())
        .select((lc::country, lc::confirmed_at))
        .load(conn)?;
    let updated: Vec<String> = le::table.filter(le::updated_at.ge(&r.opened_at)).select(le::country).load(conn)?;
    let mut counts: BTreeMap<String, i64> = BTreeMap::new();
    for c in updated {
        *counts.entry(c).or_default() += 1;
    }
    // Confirmed by the end of the deadline day, UTC.
    let due = format!("{}T23:59:59.999999Z", r.deadline);
    let done: BTreeSet<&str> = confirmed.iter().map(|(c, _)| c.as_str()).collect();
    let pending = CRM_MEMBERS.iter().filter(|c| !done.contains(**c)).map(|c| (*c).to_owned()).collect();
    let confirmations = confirmed
        .iter()
        .map(|(country, at)| Confirmation {
            country: country.clone(),
            confirmed_at: at.clone(),
            late: *at > due,
            entries_updated: counts.get(country).copied().unwrap_or(0),
        })
        .collect();
    let state = match &r.closed_at {
        Some(_) => "closed",
        None if crate::clock::now_text() > due => "past_deadline",
        None => "open",
    };
    Ok(Round {
        id: r.id,
        title: r.title,
        deadline: r.deadline,
        opened_at: r.opened_at,
        closed_at: r.closed_at,
        state,
        confirmations,
        pending,
    })
}

fn load_round(conn: &mut DbConn, id: &str) -> Result<Round, ApiError> {
    let r = lr::table.find(id).select(RoundRow::as_select()).get_result(conn).optional()?.ok_or(ApiError::NotFound)?;
    round_view(conn, r)
}

fn round_event(ctx: &RequestContext, action: &str, r: &Round) -> Event {
    Event::new(ctx, action, "legislation_round", Outcome::Allowed)
        .object(r.id.clone(), None)
        .details(serde_json::json!({"deadline": r.deadline, "state": r.state}))
}

/// Open an update round (ST administrators); only one is open at a time (409).
pub fn open_round(conn: &mut DbConn, s: &Subject, ctx: &RequestContext, input: RoundInput) -> Result<Round, ApiError> {
    if !rules::may_run_legislation_rounds(s) {
        return Err(ApiError::Forbidden);
    }
    let mut c = Checks::new();
    c.text("title", &input.title, 200);
    if let Some(d) = c.date("deadline", &Some(input.deadline.clone()))
        && d < crate::clock::today()
    {
        c.push("deadline", "in_past", "a date not before today", "una fecha no anterior a hoy");
    }
    c.finish()?;
    audit::write(conn, |conn, events| {
        let id = uuid::Uuid::now_v7().to_string();
        diesel::insert_into(lr::table)
            .values((
                lr::id.eq(&id),
                lr::title.eq(input.title.trim()),
                lr::deadline.eq(&input.deadline),
                lr::opened_at.eq(crate::clock::now_text()),
                lr::opened_by.eq(&s.user_id),
                lr::open_flag.eq(Some(1)),
            ))
            .execute(conn)
            .map_err(|e| match ApiError::from(e) {
                ApiError::Conflict(_) => ApiError::Rule(Rule::LegislationRoundOpen),
                other => other,
            })?;
        let r = load_round(conn, &id)?;
        events.push(round_event(ctx, "legislation_round_open", &r));
        Ok(r)
    })
}

/// Close an update round (ST administrators).
pub fn close_round(conn: &mut DbConn, s: &Subject, ctx: &RequestContext, id: &str) -> Result<Round, ApiError> {
    if !rules::may_read_legislation(s) {
        return Err(ApiError::NotFound);
    }
    if !rules::may_run_legislation_rounds(s) {
        return Err(ApiError::Forbidden);
    }
    audit::write(conn, |conn, events| {
        let before = load_round(conn, id)?;
        if before.closed_at.is_some() {
            return Err(ApiError::Rule(Rule::LegislationRoundClosed));
        }
        diesel::update(lr::table.filter(lr::id.eq(id)).filter(lr::closed_at.is_null()))
            .set((
                lr::closed_at.eq(Some(crate::clock::now_text())),
                lr::closed_by.eq(Some(&s.user_id)),
                lr::open_flag.eq(None::<i32>),
            ))
            .execute(conn)?;
        let r = load_round(conn, id)?;
        events.push(round_event(ctx, "legislation_round_close", &r));
        Ok(r)
    })
}

/// The caller's country confirms, for an open round, that its entries are up to date (its
/// administrators). Confirming again changes nothing. Returns the round and whether this call
/// recorded the confirmation.
pub fn confirm(conn: &mut DbConn, s: &Subject, ctx: &RequestContext, id: &str) -> Result<(Round, bool), ApiError> {
    if !rules::may_write_legislation(s, &s.party) {
        return Err(ApiError::Forbidden);
    }
    audit::write(conn, |conn, events| {
        let before = load_round(conn, id)?;
        if before.closed_at.is_some() {
            return Err(ApiError::Rule(Rule::LegislationRoundClosed));
        }
        if before.confirmations.iter().any(|c| c.country == s.party) {
            return Ok((before, false));
        }
        diesel::insert_into(lc::table)
            .values((
                lc::round_id.eq(id),
                lc::country.eq(&s.party),
                lc::confirmed_at.eq(crate::clock::now_text()),
                lc::confirmed_by.eq(&s.user_id),
            ))
            .execute(conn)?;
        let r = load_round(conn, id)?;
        events.push(
            Event::new(ctx, "legislation_round_confirm", "legislation_round", Outcome::Allowed)
                .object(r.id.clone(), Some(&s.party)),
        );
        Ok((r, true))
    })
}

/// Every round, newest first.
pub fn rounds(conn: &mut DbConn, s: &Subject) -> Result<Vec<Round>, ApiError> {
    if !rules::may_read_legislation(s) {
        return Err(ApiError::Forbidden);
    }
    let rows: Vec<RoundRow> =
        lr::table.order(lr::opened_at.desc()).select(RoundRow::as_select()).limit(1000).load(conn)?;
    rows.into_iter().map(|r| round_view(conn, r)).collect()
}

/// One round.
pub fn round(conn: &mut DbConn, s: &Subject, id: &str) -> Result<Round, ApiError> {
    if !rules::may_read_legislation(s) {
        return Err(ApiError::NotFound);
    }
    load_round(conn, id)
}

/// Whether `country` has an entry for `topic` (a reservation policy's legal basis may cite it).
pub fn exists(conn: &mut DbConn, country: &str, topic: &str) -> Result<bool, ApiError> {
    Ok(load(conn, country, topic)?.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> EntryInput {
        EntryInput {
            status: Status::Yes,
            instrument: Some("Ley 1".into()),
            article: None,
            in_force_since: Some("2009-01-01".into()),
            notes_es: None,
            notes_en: None,
            source_url: Some("https://example.org/ley".into()),
            last_reviewed: "2026-01-01".into(),
        }
    }

    fn codes(r: Result<(), ApiError>) -> Vec<(String, String)> {
        match r {
            Err(ApiError::Validation(v)) => v.into_iter().map(|e| (e.field, e.code)).collect(),
            _ => vec![],
        }
    }

    #[test]
    fn entries_are_checked_across_fields() {
        assert!(check_entry(&input()).is_ok());
        let mut i = input();
        i.instrument = None;
        i.notes_es = Some("x".into());
        i.source_url = Some("http://example.org".into());
        i.last_reviewed = "2999-01-01".into();
        let got = codes(check_entry(&i));
        for want in [
            ("instrument", "required"),
            ("notes_en", "required"),
            ("source_url", "invalid_url"),
            ("last_reviewed", "in_future"),
        ] {
            assert!(got.contains(&(want.0.to_owned(), want.1.to_owned())), "{want:?} in {got:?}");
        }
        let mut none = input();
        none.status = Status::No;
        none.instrument = None;
        assert!(check_entry(&none).is_ok(), "a topic the law does not cover names no instrument");
    }

    #[test]
    fn the_topic_list_is_fixed_and_unique() {
        let codes: BTreeSet<&str> = TOPICS.iter().map(|t| t.code).collect();
        assert_eq!(codes.len(), TOPICS.len());
        assert!(find_topic("data_protection").is_some() && find_topic("x").is_none());
        assert!(cell("HN", "penalties").is_ok() && cell("ST", "penalties").is_err() && cell("HN", "y").is_err());
    }
}
