//! Signing keys and access tokens. Access tokens are JWTs signed with EdDSA (Ed25519) only,
//! 15 minutes long, with claims iss, aud, sub, iat, exp, jti and sid (the session), header kid
//! and typ `at+jwt`. Validation pins the algorithm, requires every claim, checks typ, and allows
//! 30 s of clock leeway. Keys live in the database (shared by every node); rotation keeps the
//! previous key valid for verification for one token lifetime.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use diesel::prelude::*;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::db::schema::signing_keys;
use crate::error::ApiError;
use crate::sealing::MasterKey;

pub const ACCESS_TTL_SECONDS: i64 = 900;
pub const LEEWAY_SECONDS: u64 = 30;
pub const ISSUER: &str = "enlace";
pub const AUDIENCE: &str = "enlace-api";
pub const TOKEN_TYPE: &str = "at+jwt";
/// Tokens longer than this are refused before any parsing.
pub const MAX_TOKEN_BYTES: usize = 4096;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    pub sid: String,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = signing_keys)]
struct KeyRow {
    kid: String,
    private_key: String,
    public_key: String,
    created_at: i64,
    retired_at: Option<i64>,
}

fn key_usable_for_verification(retired_at: Option<i64>, now: i64) -> bool {
    retired_at.is_none_or(|r| now < r + ACCESS_TTL_SECONDS + LEEWAY_SECONDS as i64)
}

fn new_key_row(now: i64, master: &MasterKey) -> Result<KeyRow, ApiError> {
    use ring::signature::{Ed25519KeyPair, KeyPair};
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| ApiError::Internal)?;
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).map_err(|_| ApiError::Internal)?;
    Ok(KeyRow {
        kid: uuid::Uuid::now_v7().simple().to_string(),
        private_key: master.seal(pkcs8.as_ref())?,
        public_key: URL_SAFE_NO_PAD.encode(pair.public_key().as_ref()),
        created_at: now,
        retired_at: None,
    })
}

/// Make sure an active signing key exists (first start), and that every stored private key is
/// sealed under the master key (keys stored before sealing are sealed now).
pub fn ensure_key(conn: &mut DbConn, master: &MasterKey) -> Result<(), ApiError> {
    let plain: Vec<(String, String)> =
        signing_keys::table.select((signing_keys::kid, signing_keys::private_key)).load(conn)?;
    for (kid, private_key) in plain.into_iter().filter(|(_, p)| !MasterKey::is_sealed(p)) {
        let der = STANDARD.decode(&private_key).map_err(|_| ApiError::Internal)?;
        diesel::update(signing_keys::table.find(&kid))
            .set(signing_keys::private_key.eq(master.seal(&der)?))
            .execute(conn)?;
    }
    let active: i64 = signing_keys::table.filter(signing_keys::retired_at.is_null()).count().get_result(conn)?;
    if active == 0 {
        diesel::insert_into(signing_keys::table)
            .values(new_key_row(crate::clock::unix_now(), master)?)
            .execute(conn)?;
    }
    Ok(())
}

/// The stored private keys, for re-sealing under a new master key: (kid, sealed key).
pub fn sealed_keys(conn: &mut DbConn) -> Result<Vec<(String, String)>, ApiError> {
    Ok(signing_keys::table.select((signing_keys::kid, signing_keys::private_key)).load(conn)?)
}

/// Replace the sealed form of one private key.
pub fn reseal(conn: &mut DbConn, kid: &str, sealed: &str) -> Result<(), ApiError> {
    diesel::update(signing_keys::table.find(kid)).set(signing_keys::private_key.eq(sealed)).execute(conn)?;
    Ok(())
}

/// Retire the active key(s) and add a new one. Returns the new kid.
pub fn rotate(conn: &mut DbConn, master: &MasterKey) -> Result<String, ApiError> {
    let now = crate::clock::unix_now();
    crate::db::transaction(conn, |conn| {
        diesel::update(signing_keys::table.filter(signing_keys::retired_at.is_null()))
            .set(signing_keys::retired_at.eq(Some(now)))
            .execute(conn)?;
        let row = new_key_row(now, master)?;
        let kid = row.kid.clone();
        diesel::insert_into(signing_keys::table).values(row).execute(conn)?;
        Ok(kid)
    })
}

/// Sign an access token for a session.
pub fn issue(
    conn: &mut DbConn,
    master: &MasterKey,
    user_id: &str,
    session_id: &str,
) -> Result<(String, i64), ApiError> {
    let row: KeyRow = signing_keys::table
        .filter(signing_keys::retired_at.is_null())
        .order(signing_keys::created_at.desc())
        .limit(1)
        .get_result(conn)
        .optional()?
        .ok_or(ApiError::Unavailable)?;
    let der = master.open(&row.private_key)?;
    let now = crate::clock::unix_now();
    let claims = Claims {
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        sub: user_id.into(),
        iat: now,
        exp: now + ACCESS_TTL_SECONDS,
        jti: uuid::Uuid::new_v4().to_string(),
        sid: session_id.into(),
    };
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(row.kid);
    header.typ = Some(TOKEN_TYPE.into());
    let token = jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ed_der(&der)).map_err(|e| {
        tracing::error!(error = %e, "token signing failed");
        ApiError::Internal
    })?;
    Ok((token, ACCESS_TTL_SECONDS))
}

/// Verify a bearer token. Any failure is `None`: the caller answers a generic 401. The key is
/// looked up by kid in the database on every call (a primary-key read), so a rotation or
/// retirement done by another node or the CLI applies at once; the signature of a token already
/// verified here is not verified again (see `verified`).
pub fn verify(conn: &mut DbConn, token: &str) -> Result<Option<Claims>, ApiError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Ok(None);
    }
    let Ok(header) = jsonwebtoken::decode_header(token) else {
        return Ok(None);
    };
    if header.alg != Algorithm::EdDSA || header.typ.as_deref() != Some(TOKEN_TYPE) {
        return Ok(None);
    }
    if header.jku.is_some() || header.jwk.is_some() || header.x5u.is_some() || header.x5c.is_some() {
        return Ok(None);
    }
    let Some(kid) = header.kid.filter(|k| k.len() <= 64) else {
        return Ok(None);
    };
    let key: Option<(String, Option<i64>)> = signing_keys::table
        .find(&kid)
        .select((signing_keys::public_key, signing_keys::retired_at))
        .get_result(conn)
        .optional()?;
    let Some((public_key, retired_at)) = key else {
        return Ok(None);
    };
    if !key_usable_for_verification(retired_at, crate::clock::unix_now()) {
        return Ok(None);
    }
    let now = crate::clock::unix_now();
    if let Some(claims) = verified::get(token, &kid, now) {
        return Ok(Some(claims));
    }
    let Ok(key) = DecodingKey::from_ed_components(&public_key) else {
        return Ok(None);
    };
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.leeway = LEEWAY_SECONDS;
    validation.validate_nbf = true;
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[AUDIENCE]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    let claims = jsonwebtoken::decode::<Claims>(token, &key, &validation).ok().map(|d| d.claims);
    if let Some(c) = &claims {
        verified::put(token, &kid, c);
    }
    Ok(claims)
}

/// Tokens whose signature and claims this node has verified, so that a client's next requests
/// with the same token skip the Ed25519 verification (the costliest step of a read). A hit is
/// only for the exact token bytes and the same key id; the key's retirement, the expiry and
/// everything the caller checks (session, user, party, roles) are still checked on every request.
/// Bounded: emptied when full. A pure cache of a deterministic check, so nothing a node must
/// share with the others.
mod verified {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};

    use super::{Claims, LEEWAY_SECONDS};

    const MAX: usize = 8192;

    type Cache = Mutex<HashMap<[u8; 32], (String, Claims)>>;

    fn cache() -> &'static Cache {
        static CACHE: OnceLock<Cache> = OnceLock::new();
        CACHE.get_or_init(|| Mutex::new(HashMap::new()))
    }

    fn digest(token: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        out.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, token.as_bytes()).as_ref());
        out
    }

    pub fn get(token: &str, kid: &str, now: i64) -> Option<Claims> {
        let cache = cache().lock().ok()?;
        let (k, claims) = cache.get(&digest(token))?;
        (k == kid && now < claims.exp + LEEWAY_SECONDS as i64).then(|| claims.clone())
    }

    pub fn put(token: &str, kid: &str, claims: &Claims) {
        if let Ok(mut cache) = cache().lock() {
            if cache.len() >= MAX {
                cache.clear();
            }
            cache.insert(digest(token), (kid.to_owned(), claims.clone()));
        }
    }
}

/// One public key of the JSON Web Key Set.
#[derive(Debug, Serialize, ToSchema)]
pub struct Jwk {
    pub kty: &'static str,
    pub crv: &'static str,
    pub alg: &'static str,
    #[serde(rename = "use")]
    pub key_use: &'static str,
    pub kid: String,
    /// The Ed25519 public key, base64url.
    pub x: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

/// The public keys currently valid for verification.
pub fn jwks(conn: &mut DbConn) -> Result<Jwks, ApiError> {
    let now = crate::clock::unix_now();
    let rows: Vec<KeyRow> = signing_keys::table.order(signing_keys::created_at.desc()).load(conn)?;
    Ok(Jwks {
        keys: rows
            .into_iter()
            .filter(|r| key_usable_for_verification(r.retired_at, now))
            .map(|r| Jwk { kty: "OKP", crv: "Ed25519", alg: "EdDSA", key_use: "sig", kid: r.kid, x: r.public_key })
            .collect(),
    })
}
