//! PURE: case visibility and redaction.
//!
//! - Which roles may read and write cases; whether a case is visible to a subject (sharing scope,
//!   retraction) — a case that is not visible does not exist for the caller (404);
//! - the effective legal-reservation flag of every field of a case: the catalog default, then
//!   the reporting country's policy (either direction), then the reporting officer's per-case
//!   additions (which can only reserve more);
//! - the redacted view: every reserved field replaced, for every other country, by a fixed
//!   marker **whether or not it holds a value**, so neither value nor presence leaks.
//!
//! `redacted` builds what other countries see of a document and `render` turns it into the text
//! kept with each case (`Rendering`); reads and lists send that text only through
//! `access::disclosure`, which checks it against the caller's decision. `CaseView` is the
//! reporting country's own view of a document it just wrote or a past version, built only by
//! `own_view`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::disclosure::Decision;
use super::{PartyKind, Role, Subject};
use crate::formato::catalog::{self, Flag};

/// How a case is shared (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every member country.
    Network,
    /// The member countries listed in `sharing.countries`.
    Listed,
    /// The reporting country only.
    National,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Network => "network",
            Scope::Listed => "listed",
            Scope::National => "national",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        [Scope::Network, Scope::Listed, Scope::National].into_iter().find(|x| x.as_str() == s)
    }
}

/// What the access decision needs to know about a case.
#[derive(Debug, Clone)]
pub struct CaseMeta {
    pub reporting_country: String,
    pub scope: Scope,
    /// For `listed` cases.
    pub shared_with: Vec<String>,
    pub retracted: bool,
}

/// How a subject may see a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The reporting country: everything.
    Own,
    /// Another member country within the sharing scope: redacted.
    Foreign,
}

/// Officers and analysts of member countries read cases.
pub fn may_read_cases(s: &Subject) -> bool {
    s.party_kind == PartyKind::Member && (s.has(Role::Officer) || s.has(Role::Analyst))
}

/// Officers of member countries write their own country's cases.
pub fn may_write_cases(s: &Subject) -> bool {
    s.party_kind == PartyKind::Member && s.has(Role::Officer)
}

/// Whether and how `s` sees the case; `None` means the case does not exist for `s`.
pub fn case_access(s: &Subject, case: &CaseMeta) -> Option<Access> {
    if !may_read_cases(s) {
        return None;
    }
    if s.party == case.reporting_country {
        return Some(Access::Own);
    }
    if case.retracted {
        return None;
    }
    let in_scope = match case.scope {
        Scope::Network => true,
        Scope::Listed => case.shared_with.contains(&s.party),
        Scope::National => false,
    };
    in_scope.then_some(Access::Foreign)
}

/// One entry of a country's reservation policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyEntry {
    /// Catalog path, e.g. `persons[].date_of_birth`.
    pub path: String,
    pub flag: Flag,
    /// Legal basis (required for `reserved`), e.g. "Ley 1234, art. 5" or "8 U.S.C. 1367": at
    /// most 300 characters, not counting surrounding white space.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(
        pattern = "^[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:(?:[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]|[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]{0,298}[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*)?$"
    )]
    pub legal_basis: Option<String>,
    /// The topic of the country's own entry in the legislation matrix that this legal basis
    /// rests on (the entry must exist), e.g. `data_protection`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legislation_topic: Option<String>,
}

/// A reservation in force on one field of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    pub path: String,
    /// What the marker shows as the basis.
    pub basis: String,
}

pub const DEFAULT_BASIS: &str = "Formato estándar: campo reservado por defecto";
pub const CASE_BASIS: &str = "Reserva específica del caso";

/// The effective reserved paths of a case: catalog defaults, overridden by the policy, plus
/// per-case additions (paths only: the officer's reason stays with the reporting country).
pub fn reservations(policy: &[PolicyEntry], per_case: &[String]) -> Vec<Reservation> {
    let overrides: BTreeMap<&str, &PolicyEntry> = policy.iter().map(|e| (e.path.as_str(), e)).collect();
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for f in catalog::catalog().fields.iter().filter(|f| catalog::reservable(f.path)) {
        match overrides.get(f.path) {
            Some(e) if e.flag == Flag::Reserved => {
                out.insert(f.path.to_owned(), e.legal_basis.clone().unwrap_or_else(|| DEFAULT_BASIS.to_owned()));
            }
            Some(_) => {}
            None if f.default_flag == Flag::Reserved => {
                out.insert(f.path.to_owned(), DEFAULT_BASIS.to_owned());
            }
            None => {}
        }
    }
    for p in per_case.iter().filter(|p| catalog::reservable(p)) {
        out.entry(p.clone()).or_insert_with(|| CASE_BASIS.to_owned());
    }
    out.into_iter().map(|(path, basis)| Reservation { path, basis }).collect()
}

/// Whether a catalog path is reserved under these reservations.
pub fn is_reserved(reservations: &[Reservation], path: &str) -> bool {
    reservations.iter().any(|r| r.path == path)
}

/// A case document as the reporting country sees it: serializable; built only by `own_view`.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseView {
    document: Value,
    decision: Decision,
}

impl Serialize for CaseView {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.document.serialize(serializer)
    }
}

impl CaseView {
    pub fn decision(&self) -> &Decision {
        &self.decision
    }
}

/// The reporting country's view of one of its documents (just written, or a past version);
/// `None` for anyone else.
pub fn own_view(s: &Subject, meta: &CaseMeta, document: Value) -> Option<CaseView> {
    if case_access(s, meta) != Some(Access::Own) {
        return None;
    }
    Some(CaseView { document, decision: Decision::Whole })
}

/// What every other country sees of a document, before its history stamp: the input of
/// `render` and of the shared search text. Not serializable.
#[derive(Debug, Clone, PartialEq)]
pub struct Redacted(pub(in crate::access) Value);

impl Redacted {
    pub fn as_value(&self) -> &Value {
        &self.0
    }
}

/// A summary of a view: only the given top-level keys (markers included where withheld).
fn pick(value: &Value, keys: &[&str]) -> Value {
    let mut out = Map::new();
    if let Value::Object(obj) = value {
        for k in keys {
            if let Some(v) = obj.get(*k) {
                out.insert((*k).to_owned(), v.clone());
            }
        }
    }
    Value::Object(out)
}

/// The keys of a case summary in a list.
pub const SUMMARY_KEYS: [&str; 11] = [
    "case_id",
    "reporting_country",
    "version",
    "case_type",
    "case_status",
    "date_opened",
    "date_detected",
    "sharing",
    "persons_affected_count",
    "updated_at",
    "retracted",
];

/// The ETag of the reporting country's own view: its version.
pub fn etag_own(version: i32) -> String {
    crate::precondition::etag(version)
}

/// The ETag of a view other countries see: a digest of exactly its text, so nothing withheld
/// can influence it.
pub fn etag_of_text(view: &str) -> String {
    let digest = crate::digest::sha256_hex(view.as_bytes());
    format!("\"{}\"", &digest[..32])
}

/// A case rendered when it is written, and kept with it: reads and lists send this text instead
/// of redacting the document on every request. Built only by `render`, from the views of `view`.
#[derive(Debug, Clone)]
pub struct Rendering {
    /// The list summary of the reporting country's own view (the stored document).
    pub own_summary: String,
    /// What every other country receives, with the shared history stamp.
    pub foreign_view: String,
    /// Its ETag (a digest of exactly that text).
    pub foreign_etag: String,
    /// The withheld catalog paths, recorded with each foreign read.
    pub foreign_withheld: Vec<String>,
    /// The list summary of the foreign view.
    pub foreign_summary: String,
    /// The reporting country's policy version the redaction applied.
    pub policy_version: i32,
}

/// Render a stored document: `foreign` is its view for other countries without a stamp (as
/// `view` builds it with `stamp: None`) and `withheld` what that view withholds.
pub fn render(
    document: &Value,
    foreign: &Redacted,
    withheld: &[String],
    policy_version: i32,
    stamp: SharedStamp,
) -> Rendering {
    let mut view = foreign.0.clone();
    if let Some(obj) = view.as_object_mut() {
        obj.insert("version".into(), Value::from(stamp.version));
        obj.insert("updated_at".into(), Value::from(stamp.updated_at));
    }
    let foreign_view = view.to_string();
    Rendering {
        own_summary: pick(document, &SUMMARY_KEYS).to_string(),
        foreign_etag: etag_of_text(&foreign_view),
        foreign_summary: pick(&view, &SUMMARY_KEYS).to_string(),
        foreign_view,
        foreign_withheld: withheld.to_vec(),
        policy_version,
    }
}

/// Fields of the stored document that only the reporting country sees.
const OWN_ONLY: [&str; 2] = ["field_reservations", "retraction_reason"];

/// The history of a case as other countries see it: how many times, and when last, *their view*
/// changed. A change confined to reserved fields moves the real `version` and `updated_at` but
/// not these, so not even the fact that a reserved value was edited reaches another country.
#[derive(Debug, Clone, Copy)]
pub struct SharedStamp<'a> {
    pub version: i32,
    pub updated_at: &'a str,
}

/// What other countries see of a stored case document (which includes the system fields):
/// reserved fields withheld, own-only fields and the real history (`version`, `updated_at`)
/// removed; `render` adds the shared history stamp. Returns the view and the withheld paths.
pub fn redacted(mut document: Value, reservations: &[Reservation]) -> (Redacted, Vec<String>) {
    let withheld = redact_foreign(&mut document, &OWN_ONLY, reservations);
    if let Some(obj) = document.as_object_mut() {
        obj.remove("version");
        obj.remove("updated_at");
    }
    (Redacted(document), withheld)
}

/// Redact a stored document for another country, in place: the `own_only` keys removed, actors
/// reduced to party and role, and every reserved path replaced by its marker whether or not it
/// holds a value. Returns the withheld paths. Shared by cases and document alerts.
pub(crate) fn redact_foreign(document: &mut Value, own_only: &[&str], reservations: &[Reservation]) -> Vec<String> {
    if let Some(obj) = document.as_object_mut() {
        for key in own_only {
            obj.remove(*key);
        }
        // Other countries see who created or updated a record only as party and role.
        for key in ["created_by", "updated_by"] {
            if let Some(Value::Object(actor)) = obj.get_mut(key) {
                actor.remove("user_id");
            }
        }
    }
    let mut withheld = Vec::with_capacity(reservations.len());
    for r in reservations {
        let marker = serde_json::json!({"withheld": true, "basis": r.basis});
        let segments: Vec<&str> = r.path.split('.').collect();
        mark(document, &segments, &marker);
        withheld.push(r.path.clone());
    }
    withheld
}

/// Replace the field at `segments` (catalog notation: `persons[]` walks every element) with the
/// marker, creating intermediate objects so the marker appears even where nothing was stored.
fn mark(value: &mut Value, segments: &[&str], marker: &Value) {
    let Some((first, rest)) = segments.split_first() else { return };
    let Value::Object(obj) = value else { return };
    match first.strip_suffix("[]") {
        Some(name) => {
            if rest.is_empty() {
                obj.insert(name.to_owned(), marker.clone());
            } else if let Some(Value::Array(items)) = obj.get_mut(name) {
                for item in items {
                    mark(item, rest, marker);
                }
            }
        }
        None if rest.is_empty() => {
            obj.insert((*first).to_owned(), marker.clone());
        }
        None => {
            let child = obj.entry((*first).to_owned()).or_insert_with(|| Value::Object(Map::new()));
            if child.is_null() {
                *child = Value::Object(Map::new());
            }
            mark(child, rest, marker);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn subject(party: &str, roles: &[Role]) -> Subject {
        Subject { user_id: "u".into(), party: party.into(), party_kind: PartyKind::Member, roles: roles.to_vec() }
    }

    #[test]
    fn visibility_by_scope() {
        let case = |scope, shared: &[&str]| CaseMeta {
            reporting_country: "GT".into(),
            scope,
            shared_with: shared.iter().map(|s| s.to_string()).collect(),
            retracted: false,
        };
        let mx = subject("MX", &[Role::Analyst]);
        let gt = subject("GT", &[Role::Officer]);
        assert_eq!(case_access(&mx, &case(Scope::Network, &[])), Some(Access::Foreign));
        assert_eq!(case_access(&mx, &case(Scope::Listed, &["MX"])), Some(Access::Foreign));
        assert_eq!(case_access(&mx, &case(Scope::Listed, &["HN"])), None);
        assert_eq!(case_access(&mx, &case(Scope::National, &[])), None);
        assert_eq!(case_access(&gt, &case(Scope::National, &[])), Some(Access::Own));
        assert_eq!(case_access(&subject("MX", &[Role::StatisticsReader]), &case(Scope::Network, &[])), None);
        let mut retracted = case(Scope::Network, &[]);
        retracted.retracted = true;
        assert_eq!(case_access(&mx, &retracted), None);
        assert_eq!(case_access(&gt, &retracted), Some(Access::Own));
    }

    #[test]
    fn policy_overrides_defaults_in_both_directions_and_cases_add() {
        let policy = vec![
            PolicyEntry { path: "summary".into(), flag: Flag::Shared, legal_basis: None, legislation_topic: None },
            PolicyEntry {
                path: "persons[].sex".into(),
                flag: Flag::Reserved,
                legal_basis: Some("Ley 1234, art. 5".into()),
                legislation_topic: None,
            },
        ];
        let r = reservations(&policy, &["case_type".into(), "case_id".into()]);
        assert!(!is_reserved(&r, "summary"), "policy released a default-reserved field");
        assert!(is_reserved(&r, "persons[].given_names"), "catalog default");
        let sex = r.iter().find(|x| x.path == "persons[].sex").unwrap();
        assert_eq!(sex.basis, "Ley 1234, art. 5");
        assert!(is_reserved(&r, "case_type"), "per-case addition");
        assert!(!is_reserved(&r, "case_id"), "system fields are never reserved");
    }

    #[test]
    fn markers_replace_values_and_absences_alike() {
        let doc = json!({"summary": "secret", "persons": [{"given_names": "Ana"}, {"sex": "female"}],
                         "field_reservations": [{"path": "x", "reason": "y"}],
                         "created_by": {"user_id": "u1", "party": "GT", "role": "officer"}});
        let r = vec![
            Reservation { path: "summary".into(), basis: "b".into() },
            Reservation { path: "persons[].given_names".into(), basis: "b".into() },
            Reservation { path: "smuggling.fee_amount".into(), basis: "b".into() },
        ];
        let (v, withheld) = redacted(doc.clone(), &r);
        let v = v.as_value();
        let marker = json!({"withheld": true, "basis": "b"});
        assert_eq!(v["summary"], marker);
        assert_eq!(v["persons"][0]["given_names"], marker);
        assert_eq!(v["persons"][1]["given_names"], marker, "absent value gets the marker too");
        assert_eq!(v["smuggling"]["fee_amount"], marker);
        assert!(v.get("field_reservations").is_none());
        assert_eq!(v["created_by"], json!({"party": "GT", "role": "officer"}));
        assert_eq!(withheld.len(), 3);
        let gt = subject("GT", &[Role::Officer]);
        let meta =
            CaseMeta { reporting_country: "GT".into(), scope: Scope::Network, shared_with: vec![], retracted: false };
        let own = own_view(&gt, &meta, doc.clone()).unwrap();
        assert_eq!(serde_json::to_value(&own).unwrap(), doc);
        assert!(own_view(&subject("MX", &[Role::Officer]), &meta, doc).is_none(), "only the reporting country");
    }

    #[test]
    fn other_countries_see_the_shared_history_only() {
        let doc = json!({"summary": "x", "version": 7, "updated_at": "2026-11-23T10:00:00Z"});
        let stamp = SharedStamp { version: 2, updated_at: "2026-11-01T00:00:00Z" };
        let (v, withheld) = redacted(doc.clone(), &[]);
        assert!(v.as_value().get("version").is_none() && v.as_value().get("updated_at").is_none());
        let r = render(&doc, &v, &withheld, 1, stamp);
        let sent: Value = serde_json::from_str(&r.foreign_view).unwrap();
        assert_eq!(sent["version"], 2);
        assert_eq!(sent["updated_at"], "2026-11-01T00:00:00Z");
        let own: Value = serde_json::from_str(&r.own_summary).unwrap();
        assert_eq!(own["version"], 7);
    }
}
