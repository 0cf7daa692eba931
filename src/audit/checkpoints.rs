//! Signed checkpoints of the audit tree, the audit signing keys, and the countries' cosignatures.
//!
//! - The log's *origin* (`service_meta.audit_origin`) is fixed at first start: `enlace.audit/<id>`.
//! - One active Ed25519 audit key (not a token key), named by the origin, sealed at rest; a
//!   rotation retires it (it stays published, dated, for the checkpoints it signed).
//! - A checkpoint is made when the tree has grown: by every node's background task (every 30 s)
//!   and on demand; one per tree size (a second node making the same one finds it stored).
//! - A country's `country_admin` registers its auditors' witness keys; its auditors submit
//!   cosignatures of checkpoints they verified, and checkpoints are served with them.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::note::{self, COSIGNATURE, ED25519};
use crate::db::DbConn;
use crate::db::schema::{
    audit_checkpoints as cp, audit_cosignatures as co, audit_keys as k, service_meta, witness_keys as w,
};
use crate::error::{ApiError, FieldError};
use crate::sealing::MasterKey;

/// The log's origin line, created at first use.
pub fn origin(conn: &mut DbConn) -> Result<String, ApiError> {
    let stored: Option<String> =
        service_meta::table.find("audit_origin").select(service_meta::value).get_result(conn).optional()?;
    if let Some(o) = stored {
        return Ok(o);
    }
    let origin = format!("enlace.audit/{}", &super::tree::new_salt()?[..16]);
    let inserted = diesel::insert_into(service_meta::table)
        .values((service_meta::key.eq("audit_origin"), service_meta::value.eq(&origin)))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(origin),
        // Another node fixed it first.
        Err(_) => Ok(service_meta::table.find("audit_origin").select(service_meta::value).get_result(conn)?),
    }
}

/// A published audit key.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublishedKey {
    /// The key name (the log's origin, or a witness's name).
    pub name: String,
    /// The 4-byte key id of the signature lines, hex.
    pub key_id: String,
    /// The C2SP verifier key: `name+keyid+base64(type ‖ public key)`.
    pub vkey: String,
    /// The Ed25519 public key, base64.
    pub public_key: String,
    /// The party a witness key belongs to (absent for the log's keys).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// Valid from; and until, once retired.
    pub created_at: String,
    pub retired_at: Option<String>,
}

/// The log's signing keys and the countries' witness keys.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditKeys {
    pub origin: String,
    pub log: Vec<PublishedKey>,
    pub witnesses: Vec<PublishedKey>,
}

fn new_key(conn: &mut DbConn, master: &MasterKey) -> Result<String, ApiError> {
    use ring::signature::{Ed25519KeyPair, KeyPair};
    let name = origin(conn)?;
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).map_err(|_| ApiError::Internal)?;
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).map_err(|_| ApiError::Internal)?;
    let public = pair.public_key().as_ref().to_vec();
    let id = note::key_id_hex(&note::key_id(&name, ED25519, &public));
    diesel::insert_into(k::table)
        .values((
            k::key_id.eq(&id),
            k::name.eq(&name),
            k::public_key.eq(STANDARD.encode(&public)),
            k::private_key.eq(master.seal(pkcs8.as_ref())?),
            k::created_at.eq(crate::clock::now_text()),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Make sure an active audit key exists.
pub fn ensure_key(conn: &mut DbConn, master: &MasterKey) -> Result<(), ApiError> {
    let active: i64 = k::table.filter(k::retired_at.is_null()).count().get_result(conn)?;
    if active == 0 {
        new_key(conn, master)?;
    }
    Ok(())
}

/// Retire the active audit key and make a new one; returns its key id.
pub fn rotate_key(conn: &mut DbConn, master: &MasterKey) -> Result<String, ApiError> {
    crate::db::transaction(conn, |c| {
        diesel::update(k::table.filter(k::retired_at.is_null()))
            .set(k::retired_at.eq(Some(crate::clock::now_text())))
            .execute(c)?;
        new_key(c, master)
    })
}

/// The stored private audit keys, for re-sealing under a new master key: (key id, sealed key).
pub fn sealed_keys(conn: &mut DbConn) -> Result<Vec<(String, String)>, ApiError> {
    Ok(k::table.select((k::key_id, k::private_key)).load(conn)?)
}

pub fn reseal(conn: &mut DbConn, key_id: &str, sealed: &str) -> Result<(), ApiError> {
    diesel::update(k::table.find(key_id)).set(k::private_key.eq(sealed)).execute(conn)?;
    Ok(())
}

pub fn keys(conn: &mut DbConn) -> Result<AuditKeys, ApiError> {
    let rows: Vec<(String, String, String, String, Option<String>)> = k::table
        .order(k::created_at.asc())
        .select((k::key_id, k::name, k::public_key, k::created_at, k::retired_at))
        .load(conn)?;
    let published = |kind: u8, id: String, name: String, public: String, party, created_at, retired_at| PublishedKey {
        vkey: note::vkey(&name, kind, &STANDARD.decode(&public).unwrap_or_default()),
        key_id: id,
        name,
        public_key: public,
        party,
        created_at,
        retired_at,
    };
    let log = rows.into_iter().map(|(id, n, p, c, r)| published(ED25519, id, n, p, None, c, r)).collect();
    let wrows: Vec<(String, String, String, String, String, Option<String>)> = w::table
        .order(w::created_at.asc())
        .select((w::key_id, w::party_code, w::name, w::public_key, w::created_at, w::retired_at))
        .load(conn)?;
    let witnesses =
        wrows.into_iter().map(|(id, party, n, p, c, r)| published(COSIGNATURE, id, n, p, Some(party), c, r)).collect();
    Ok(AuditKeys { origin: origin(conn)?, log, witnesses })
}

/// A checkpoint as stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoredCheckpoint {
    pub size: i64,
    /// Base64, as in the note.
    pub root_hash: String,
    pub created_at: String,
    /// The signed note with the cosignatures it has.
    pub note: String,
}

fn with_cosignatures(
    conn: &mut DbConn,
    size: i64,
    created_at: String,
    root_hash: String,
    signed: String,
) -> Result<StoredCheckpoint, ApiError> {
    let lines: Vec<String> =
        co::table.filter(co::size.eq(size)).order(co::created_at.asc()).select(co::line).load(conn)?;
    let mut note = signed;
    for l in lines {
        note.push_str(&l);
    }
    Ok(StoredCheckpoint { size, root_hash, created_at, note })
}

/// The newest checkpoint, if any.
pub fn latest(conn: &mut DbConn) -> Result<Option<StoredCheckpoint>, ApiError> {
    let row: Option<(i64, String, String, String)> = cp::table
        .order(cp::size.desc())
        .limit(1)
        .select((cp::size, cp::root_hash, cp::created_at, cp::note))
        .get_result(conn)
        .optional()?;
    row.map(|(s, r, c, n)| with_cosignatures(conn, s, c, r, n)).transpose()
}

/// Checkpoints of size `from` and more, oldest first.
pub fn history(conn: &mut DbConn, from: i64, limit: i64) -> Result<Vec<StoredCheckpoint>, ApiError> {
    let rows: Vec<(i64, String, String, String)> = cp::table
        .filter(cp::size.ge(from))
        .order(cp::size.asc())
        .limit(limit)
        .select((cp::size, cp::root_hash, cp::created_at, cp::note))
        .load(conn)?;
    rows.into_iter().map(|(s, r, c, n)| with_cosignatures(conn, s, c, r, n)).collect()
}

/// The checkpoint of the tree as it is now: a new one if it grew since the newest, else the
/// newest.
pub fn make(conn: &mut DbConn, master: &MasterKey) -> Result<StoredCheckpoint, ApiError> {
    let size = super::tree::size(conn)? as i64;
    if let Some(last) = latest(conn)?
        && last.size >= size
    {
        return Ok(last);
    }
    let root = super::tree::root(conn, size as u64)?;
    let origin = origin(conn)?;
    let body = note::checkpoint_body(&origin, size as u64, &root);
    let (key_id, sealed): (String, String) = k::table
        .filter(k::retired_at.is_null())
        .order(k::created_at.desc())
        .limit(1)
        .select((k::key_id, k::private_key))
        .get_result(conn)
        .optional()?
        .ok_or(ApiError::Unavailable)?;
    let pkcs8 = master.open(&sealed)?;
    let sig = note::sign(&body, &origin, &pkcs8).ok_or(ApiError::Internal)?;
    let signed = note::note(&body, &[sig]);
    let now = crate::clock::now_text();
    let inserted = diesel::insert_into(cp::table)
        .values((
            cp::size.eq(size),
            cp::root_hash.eq(STANDARD.encode(root)),
            cp::key_id.eq(&key_id),
            cp::note.eq(&signed),
            cp::created_at.eq(&now),
        ))
        .execute(conn);
    if inserted.is_err() {
        // Another node made this one at the same time.
        return latest(conn)?.ok_or(ApiError::Unavailable);
    }
    Ok(StoredCheckpoint { size, root_hash: STANDARD.encode(root), created_at: now, note: signed })
}

fn bad(field: &str, code: &str, en: &str, es: &str) -> ApiError {
    ApiError::Validation(vec![FieldError::new(field, code, en, es)])
}

/// Register a witness key of `party` (its auditors' cosignatures).
pub fn register_witness(
    conn: &mut DbConn,
    party: &str,
    name: &str,
    public_key: &str,
    by: &str,
) -> Result<PublishedKey, ApiError> {
    if !note::valid_name(name) {
        return Err(bad(
            "name",
            "invalid_name",
            "1 to 200 characters, no spaces or '+'",
            "de 1 a 200 caracteres, sin espacios ni '+'",
        ));
    }
    let public = STANDARD.decode(public_key.trim()).ok().filter(|p| p.len() == 32).ok_or_else(|| {
        bad(
            "public_key",
            "invalid_key",
            "the base64 of a 32-byte Ed25519 public key",
            "el base64 de una clave pública Ed25519 de 32 bytes",
        )
    })?;
    let id = note::key_id_hex(&note::key_id(name, COSIGNATURE, &public));
    let now = crate::clock::now_text();
    let taken: i64 = w::table.filter(w::name.eq(name).or(w::key_id.eq(&id))).count().get_result(conn)?;
    if taken > 0 {
        return Err(bad(
            "name",
            "taken",
            "a witness key with this name or key exists",
            "ya existe una clave de testigo con ese nombre o clave",
        ));
    }
    diesel::insert_into(w::table)
        .values((
            w::key_id.eq(&id),
            w::party_code.eq(party),
            w::name.eq(name),
            w::public_key.eq(STANDARD.encode(&public)),
            w::created_at.eq(&now),
            w::created_by.eq(by),
        ))
        .execute(conn)?;
    Ok(PublishedKey {
        vkey: note::vkey(name, COSIGNATURE, &public),
        key_id: id,
        name: name.to_owned(),
        public_key: STANDARD.encode(&public),
        party: Some(party.to_owned()),
        created_at: now,
        retired_at: None,
    })
}

/// Retire a witness key of `party` (its cosignatures stay).
pub fn retire_witness(conn: &mut DbConn, party: &str, key_id: &str) -> Result<(), ApiError> {
    let n = diesel::update(w::table.find(key_id).filter(w::party_code.eq(party)).filter(w::retired_at.is_null()))
        .set(w::retired_at.eq(Some(crate::clock::now_text())))
        .execute(conn)?;
    if n == 0 { Err(ApiError::NotFound) } else { Ok(()) }
}

/// Add a cosignature of the checkpoint of `size` by one of `party`'s active witness keys.
pub fn cosign(conn: &mut DbConn, party: &str, size: i64, line: &str) -> Result<StoredCheckpoint, ApiError> {
    let sig = note::parse_signature_line(line.trim_end_matches('\n')).ok_or_else(|| {
        bad(
            "cosignature",
            "malformed",
            "a signature line '\u{2014} name base64'",
            "una línea de firma '\u{2014} nombre base64'",
        )
    })?;
    let row: Option<(String, String, String)> =
        cp::table.find(size).select((cp::root_hash, cp::created_at, cp::note)).get_result(conn).optional()?;
    let Some((root_hash, created_at, signed)) = row else { return Err(ApiError::NotFound) };
    let key: Option<String> = w::table
        .find(note::key_id_hex(&sig.key_id))
        .filter(w::party_code.eq(party))
        .filter(w::name.eq(&sig.name))
        .filter(w::retired_at.is_null())
        .select(w::public_key)
        .get_result(conn)
        .optional()?;
    let public = key.and_then(|k| STANDARD.decode(k).ok()).ok_or_else(|| {
        bad(
            "cosignature",
            "unknown_key",
            "not signed by an active witness key of your country",
            "no está firmada por una clave de testigo activa de su país",
        )
    })?;
    let (body, _) = note::parse_note(&signed).ok_or(ApiError::Internal)?;
    if note::verify_cosignature(&body, &sig, &public).is_none() {
        return Err(bad(
            "cosignature",
            "invalid_signature",
            "the cosignature does not verify",
            "la cofirma no es válida",
        ));
    }
    let id = note::key_id_hex(&sig.key_id);
    diesel::delete(co::table.find((size, &id))).execute(conn)?;
    diesel::insert_into(co::table)
        .values((
            co::size.eq(size),
            co::key_id.eq(&id),
            co::party_code.eq(party),
            co::line.eq(sig.line()),
            co::created_at.eq(crate::clock::now_text()),
        ))
        .execute(conn)?;
    with_cosignatures(conn, size, created_at, root_hash, signed)
}
