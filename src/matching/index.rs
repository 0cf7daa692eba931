//! The blind index: the identifiers of every case and alert that take part in matching under
//! their country's policy, each stored only as an HMAC-SHA-256 digest (truncated to 128 bits)
//! under a key of the service. The key is random, kept in the database sealed under the master
//! key (as the signing keys are), the same for every node; a copy of the database alone cannot
//! test a guessed document number or name against the index.
//!
//! Rows are written in the transaction of the case or alert they come from (create, update,
//! retraction, withdrawal, a policy coming into force), so a match always reflects exactly the
//! data and policies committed.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use diesel::prelude::*;
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use serde_json::Value;

use super::normal::{self, Strength};
use crate::access::cases::Reservation;
use crate::access::matching::{
    ALERT_DOCUMENT_PATHS, DOCUMENT_PATHS, PERSON_PATHS, Participation, SUSPECT_PATHS, disclosable,
};
use crate::db::DbConn;
use crate::db::schema::{blind_index_keys as bk, match_keys as mk};
use crate::error::ApiError;
use crate::sealing::MasterKey;

/// The keyed digest of identifiers.
pub struct BlindIndex {
    key: hmac::Key,
}

impl std::fmt::Debug for BlindIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BlindIndex(..)")
    }
}

impl BlindIndex {
    fn from_bytes(bytes: &[u8]) -> BlindIndex {
        BlindIndex { key: hmac::Key::new(hmac::HMAC_SHA256, bytes) }
    }

    /// The digest of one material (see `normal`), as stored and looked up.
    pub fn blind(&self, material: &str) -> String {
        let tag = hmac::sign(&self.key, material.as_bytes());
        tag.as_ref()[..16].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The service's index key: opened from the database, or made (and sealed) at first start
    /// (then `true`: whatever the database already holds must be indexed).
    pub fn ensure(conn: &mut DbConn, master: &MasterKey) -> Result<(BlindIndex, bool), ApiError> {
        crate::db::transaction(conn, |conn| {
            let sealed: Option<String> = bk::table.find(1).select(bk::sealed_key).get_result(conn).optional()?;
            if let Some(sealed) = sealed {
                return Ok((BlindIndex::from_bytes(&master.open(&sealed)?), false));
            }
            let mut bytes = [0u8; 32];
            SystemRandom::new().fill(&mut bytes).map_err(|_| ApiError::Internal)?;
            diesel::insert_into(bk::table)
                .values((
                    bk::id.eq(1),
                    bk::sealed_key.eq(master.seal(&bytes)?),
                    bk::created_at.eq(crate::clock::now_text()),
                ))
                .execute(conn)?;
            Ok((BlindIndex::from_bytes(&bytes), true))
        })
    }

    /// A fixed key for unit tests of code that indexes.
    #[cfg(test)]
    pub fn for_tests() -> BlindIndex {
        BlindIndex::from_bytes(&[7u8; 32])
    }
}

/// The sealed index key, for re-sealing under a new master key.
pub fn sealed_key(conn: &mut DbConn) -> Result<Option<String>, ApiError> {
    Ok(bk::table.find(1).select(bk::sealed_key).get_result(conn).optional()?)
}

pub fn reseal(conn: &mut DbConn, sealed: &str) -> Result<(), ApiError> {
    diesel::update(bk::table.find(1)).set(bk::sealed_key.eq(sealed)).execute(conn)?;
    Ok(())
}

/// Base64 of the key's digest: lets a test or an operator check two nodes share one key
/// without revealing it.
pub fn fingerprint(idx: &BlindIndex) -> String {
    STANDARD.encode(&hmac::sign(&idx.key, b"enlace blind index fingerprint").as_ref()[..8])
}

/// One row of the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    pub blind: String,
    pub strength: Strength,
    /// Every field the identifier comes from is shared with other countries.
    pub disclosable: bool,
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn items<'a>(doc: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    doc.get(key).and_then(Value::as_array).into_iter().flatten()
}

/// Collect rows, one per digest (the same identifier twice in a case is one row, disclosable
/// if any occurrence is).
struct Rows<'a> {
    idx: &'a BlindIndex,
    out: BTreeMap<String, (Strength, bool)>,
}

impl Rows<'_> {
    fn add(&mut self, strength: Strength, material: &str, disclosable: bool) {
        let e = self.out.entry(self.idx.blind(material)).or_insert((strength, false));
        e.1 |= disclosable;
    }

    fn done(self) -> Vec<KeyRow> {
        self.out.into_iter().map(|(blind, (strength, disclosable))| KeyRow { blind, strength, disclosable }).collect()
    }
}

/// What a stored case document is indexed by, under its country's participation and the
/// case's reservations. A retracted case is indexed by nothing.
pub fn case_keys(idx: &BlindIndex, doc: &Value, p: &Participation, reservations: &[Reservation]) -> Vec<KeyRow> {
    let mut rows = Rows { idx, out: BTreeMap::new() };
    if doc["retracted"].as_bool() == Some(true) {
        return rows.done();
    }
    if p.document_numbers {
        let shared = disclosable(reservations, &DOCUMENT_PATHS);
        for d in items(doc, "documents") {
            if let (Some(state), Some(number)) = (text(d, "issuing_state"), text(d, "document_number"))
                && let Some(m) = normal::document_material(state, number)
            {
                rows.add(Strength::DocumentNumber, &m, shared);
            }
        }
    }
    if p.persons_affected {
        let shared = disclosable(reservations, &PERSON_PATHS);
        for person in items(doc, "persons") {
            let (Some(given), Some(first), Some(dob)) =
                (text(person, "given_names"), text(person, "first_surname"), text(person, "date_of_birth"))
            else {
                continue;
            };
            if let Some(n) = normal::name(given, first, text(person, "second_surname")) {
                for (strength, m) in normal::person_materials(&n, dob) {
                    rows.add(strength, &m, shared);
                }
            }
        }
    }
    if p.suspects {
        let shared = disclosable(reservations, &SUSPECT_PATHS);
        for s in items(doc, "suspects").filter(|s| text(s, "kind") != Some("legal_person")) {
            if let (Some(given), Some(first)) = (text(s, "given_names"), text(s, "first_surname"))
                && let Some(n) = normal::name(given, first, text(s, "second_surname"))
            {
                let (strength, m) = normal::suspect_material(&n);
                rows.add(strength, &m, shared);
            }
        }
    }
    rows.done()
}

/// What a stored alert document is indexed by: its document number, while the alert is active.
pub fn alert_keys(idx: &BlindIndex, doc: &Value, p: &Participation, reservations: &[Reservation]) -> Vec<KeyRow> {
    let mut rows = Rows { idx, out: BTreeMap::new() };
    if p.document_numbers && text(doc, "alert_status") != Some("withdrawn") {
        let d = &doc["document"];
        if let (Some(state), Some(number)) = (text(d, "issuing_state"), text(d, "document_number"))
            && let Some(m) = normal::document_material(state, number)
        {
            rows.add(Strength::DocumentNumber, &m, disclosable(reservations, &ALERT_DOCUMENT_PATHS));
        }
    }
    rows.done()
}

/// Replace the index rows of one case (`object_type` "case") or alert ("alert").
pub fn write(conn: &mut DbConn, object_type: &str, id: &str, party: &str, rows: &[KeyRow]) -> Result<(), ApiError> {
    diesel::delete(mk::table.filter(mk::object_type.eq(object_type)).filter(mk::object_id.eq(id))).execute(conn)?;
    insert(conn, object_type, id, party, rows)
}

/// The index rows of a new case or alert.
pub fn insert(conn: &mut DbConn, object_type: &str, id: &str, party: &str, rows: &[KeyRow]) -> Result<(), ApiError> {
    for r in rows {
        diesel::insert_into(mk::table)
            .values((
                mk::object_type.eq(object_type),
                mk::object_id.eq(id),
                mk::blind.eq(&r.blind),
                mk::party.eq(party),
                mk::kind.eq(r.strength.as_str()),
                mk::disclosable.eq(r.disclosable),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// One row found by a lookup.
#[derive(Debug, Clone)]
pub struct Found {
    pub object_type: String,
    pub object_id: String,
    pub party: String,
    pub strength: Strength,
    pub disclosable: bool,
    pub blind: String,
}

/// The rows of other countries than `except` holding any of these digests.
pub fn lookup(conn: &mut DbConn, blinds: &[String], except: &str) -> Result<Vec<Found>, ApiError> {
    if blinds.is_empty() {
        return Ok(vec![]);
    }
    let rows: Vec<(String, String, String, String, bool, String)> = mk::table
        .filter(mk::blind.eq_any(blinds))
        .filter(mk::party.ne(except))
        .select((mk::object_type, mk::object_id, mk::party, mk::kind, mk::disclosable, mk::blind))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(object_type, object_id, party, kind, disclosable, blind)| {
            Some(Found { object_type, object_id, party, strength: Strength::parse(&kind)?, disclosable, blind })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_participating_identifiers_are_indexed() {
        let idx = BlindIndex::for_tests();
        let doc = json!({
            "documents": [{"issuing_state": "GTM", "document_number": "A-123"}, {"document_number": "no state"}],
            "persons": [{"given_names": "Ana", "first_surname": "Ruiz", "date_of_birth": "1990-05-01"}],
            "suspects": [{"given_names": "Juan", "first_surname": "Paz"}, {"kind": "legal_person", "given_names": "X", "first_surname": "Y"}],
        });
        let p = Participation::default();
        let rows = case_keys(&idx, &doc, &p, &[]);
        let kinds: Vec<Strength> = rows.iter().map(|r| r.strength).collect();
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert!(kinds.contains(&Strength::DocumentNumber) && kinds.contains(&Strength::Name));
        let all = Participation { persons_affected: true, ..p };
        assert_eq!(case_keys(&idx, &doc, &all, &[]).len(), 4, "exact date and year");
        let none = Participation { document_numbers: false, suspects: false, persons_affected: false };
        assert!(case_keys(&idx, &doc, &none, &[]).is_empty());
        let mut retracted = doc.clone();
        retracted["retracted"] = json!(true);
        assert!(case_keys(&idx, &retracted, &all, &[]).is_empty());
        let reserved = vec![Reservation { path: "documents[].document_number".into(), basis: "b".into() }];
        let rows = case_keys(&idx, &doc, &p, &reserved);
        assert!(rows.iter().any(|r| r.strength == Strength::DocumentNumber && !r.disclosable));
        assert!(rows.iter().any(|r| r.strength == Strength::Name && r.disclosable));
        assert!(!format!("{rows:?}").contains("123"), "no identifier in clear");
    }
}
