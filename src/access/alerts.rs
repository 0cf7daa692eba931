//! PURE: fraudulent-document alerts (SPEC §7 M1) — who reads and writes them, and what another
//! country sees. Alerts reuse the case rules: the same roles, the same sharing scopes (default
//! `network`), and the same legal reservations: the document fields of an alert are the fields
//! of section H, so the catalog default and the reporting country's policy for `documents[].x`
//! apply to the alert's `document.x` (`document_number` is reserved by default); the reporting
//! officer may reserve further fields of one alert. Related cases are shown only when the reader
//! may see the case itself.
//!
//! `AlertView` is the only serializable form of an alert, built only by `view` and `own_view`
//! with the decision that produced it.

use serde::Serialize;
use serde_json::Value;

use super::Subject;
use super::cases::{self, Access, CaseMeta, PolicyEntry, Redacted, Reservation, Scope, SharedStamp};
use super::disclosure::{Decision, decision};

/// Officers and analysts of member countries read alerts (as for cases).
pub fn may_read_alerts(s: &Subject) -> bool {
    cases::may_read_cases(s)
}

/// Officers of member countries write their own country's alerts.
pub fn may_write_alerts(s: &Subject) -> bool {
    cases::may_write_cases(s)
}

/// What the access decision needs to know about an alert.
#[derive(Debug, Clone)]
pub struct AlertMeta {
    pub reporting_country: String,
    pub scope: Scope,
    pub shared_with: Vec<String>,
}

/// Whether and how `s` sees the alert; `None` means it does not exist for `s`. Withdrawn alerts
/// stay visible (marked `withdrawn`) so that recipients learn of the withdrawal.
pub fn alert_access(s: &Subject, a: &AlertMeta) -> Option<Access> {
    cases::case_access(
        s,
        &CaseMeta {
            reporting_country: a.reporting_country.clone(),
            scope: a.scope,
            shared_with: a.shared_with.clone(),
            retracted: false,
        },
    )
}

/// Alert-level fields the reporting officer may reserve on one alert (shared by default).
pub const ALERT_FIELDS: [&str; 4] =
    ["valid_until", "issuing_authority_notes", "known_route_countries", "related_case_ids"];

/// Section H fields that an alert does not have.
const NOT_IN_ALERTS: [&str; 2] = ["id", "holder_ref"];

/// The catalog path of an alert path (`document.x` → `documents[].x`), if it is a section H one.
fn catalog_path(path: &str) -> Option<String> {
    let field = path.strip_prefix("document.")?;
    (!NOT_IN_ALERTS.contains(&field)).then(|| format!("documents[].{field}"))
}

/// Whether an alert path may be reserved.
pub fn reservable(path: &str) -> bool {
    ALERT_FIELDS.contains(&path)
        || catalog_path(path).is_some_and(|p| crate::formato::catalog::reservable(&p) && !p.contains("[].id"))
}

pub const ALERT_BASIS: &str = "Reserva específica de la alerta";

/// The effective reservations of an alert: the catalog defaults and the country's policy for the
/// section H fields, plus the per-alert additions (which can only reserve more).
pub fn reservations(policy: &[PolicyEntry], per_alert: &[String]) -> Vec<Reservation> {
    let mut out: Vec<Reservation> = cases::reservations(policy, &[])
        .into_iter()
        .filter_map(|r| {
            let field = r.path.strip_prefix("documents[].")?;
            (!NOT_IN_ALERTS.contains(&field)).then(|| Reservation { path: format!("document.{field}"), basis: r.basis })
        })
        .collect();
    for p in per_alert.iter().filter(|p| reservable(p)) {
        if !out.iter().any(|r| &r.path == p) {
            out.push(Reservation { path: p.clone(), basis: ALERT_BASIS.to_owned() });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Of the cases an alert names (id and meta of those that exist), those `s` may see.
pub fn visible_cases(s: &Subject, cases: &[(String, CaseMeta)]) -> Vec<String> {
    cases.iter().filter(|(_, m)| cases::case_access(s, m).is_some()).map(|(id, _)| id.clone()).collect()
}

/// An alert as a caller may see it. Serializable; built only by `view`.
/// An alert as one caller may receive it, with the decision that produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertView {
    document: Value,
    decision: Decision,
}

impl Serialize for AlertView {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.document.serialize(serializer)
    }
}

impl AlertView {
    pub fn as_value(&self) -> &Value {
        &self.document
    }

    pub fn decision(&self) -> &Decision {
        &self.decision
    }
}

/// Fields of a stored alert that only the reporting country sees.
const OWN_ONLY: [&str; 2] = ["field_reservations", "withdrawal_reason"];

fn keep_visible_cases(document: &mut Value, related_visible: &[String]) {
    if let Some(Value::Array(ids)) = document.get_mut("related_case_ids") {
        ids.retain(|id| id.as_str().is_some_and(|id| related_visible.iter().any(|v| v == id)));
    }
}

/// What other countries see of an alert before its history stamp (`related_visible`: the
/// related cases kept): the input of the shared digest. Returns the view and withheld paths.
pub fn redacted(
    mut document: Value,
    reservations: &[Reservation],
    related_visible: &[String],
) -> (Redacted, Vec<String>) {
    keep_visible_cases(&mut document, related_visible);
    let withheld = cases::redact_foreign(&mut document, &OWN_ONLY, reservations);
    if let Some(obj) = document.as_object_mut() {
        obj.remove("version");
        obj.remove("updated_at");
    }
    (Redacted(document), withheld)
}

/// The view of a stored alert for `s`, or `None` if `s` may not see it. `reservations` come
/// from the reporting country's policy version `policy_version` in force; `related_visible` are
/// the related case ids `s` may see (the others are dropped, not counted). Other countries get
/// `version` and `updated_at` from `stamp` (what they see of the alert's history, as for cases).
/// Returns the view and the withheld paths.
pub fn view(
    s: &Subject,
    meta: &AlertMeta,
    document: Value,
    reservations: &[Reservation],
    policy_version: i32,
    related_visible: &[String],
    stamp: SharedStamp,
) -> Option<(AlertView, Vec<String>)> {
    let access = alert_access(s, meta)?;
    if access == Access::Own {
        let mut document = document;
        keep_visible_cases(&mut document, related_visible);
        return Some((AlertView { document, decision: Decision::Whole }, Vec::new()));
    }
    let (Redacted(mut document), withheld) = redacted(document, reservations, related_visible);
    if let Some(obj) = document.as_object_mut() {
        obj.insert("version".into(), Value::from(stamp.version));
        obj.insert("updated_at".into(), Value::from(stamp.updated_at));
    }
    Some((AlertView { document, decision: decision(s, access, policy_version) }, withheld))
}

/// The reporting country's view of an alert it just wrote; `None` for anyone else.
pub fn own_view(
    s: &Subject,
    reporting_country: &str,
    mut document: Value,
    related_visible: &[String],
) -> Option<AlertView> {
    let meta =
        AlertMeta { reporting_country: reporting_country.to_owned(), scope: Scope::National, shared_with: vec![] };
    if alert_access(s, &meta) != Some(Access::Own) {
        return None;
    }
    keep_visible_cases(&mut document, related_visible);
    Some(AlertView { document, decision: Decision::Whole })
}

/// A summary of a view: only the given top-level keys (markers included where withheld).
pub fn summary(view: AlertView, keys: &[&str]) -> AlertView {
    let AlertView { document: Value::Object(mut obj), decision } = view else { return view };
    let mut out = serde_json::Map::new();
    for k in keys {
        if let Some(v) = obj.remove(*k) {
            out.insert((*k).to_owned(), v);
        }
    }
    AlertView { document: Value::Object(out), decision }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{PartyKind, Role};
    use crate::formato::catalog::Flag;
    use serde_json::json;

    #[test]
    fn document_number_is_reserved_by_default_and_policy_applies() {
        let r = reservations(&[], &[]);
        assert!(cases::is_reserved(&r, "document.document_number"));
        assert!(!cases::is_reserved(&r, "document.issuing_state"));
        assert!(!r.iter().any(|x| x.path.contains("holder_ref")));
        let policy = vec![PolicyEntry {
            path: "documents[].issuing_state".into(),
            flag: Flag::Reserved,
            legal_basis: Some("Ley 9, art. 1".into()),
            legislation_topic: None,
        }];
        let r = reservations(&policy, &["issuing_authority_notes".into(), "document.holder_ref".into()]);
        assert!(cases::is_reserved(&r, "document.issuing_state"));
        assert!(cases::is_reserved(&r, "issuing_authority_notes"));
        assert!(!cases::is_reserved(&r, "document.holder_ref"));
    }

    #[test]
    fn foreign_views_withhold_and_drop_invisible_cases() {
        let doc = json!({"document": {"document_number": "X123"}, "related_case_ids": ["a", "b"],
                         "withdrawal_reason": "r", "field_reservations": [],
                         "created_by": {"user_id": "u", "party": "GT", "role": "officer"}});
        let r = reservations(&[], &[]);
        let meta = AlertMeta { reporting_country: "GT".into(), scope: Scope::Network, shared_with: vec![] };
        let member = |party: &str| Subject {
            user_id: "u".into(),
            party: party.into(),
            party_kind: PartyKind::Member,
            roles: vec![Role::Officer],
        };
        let stamp = SharedStamp { version: 1, updated_at: "2026-11-01T00:00:00Z" };
        let (v, withheld) = view(&member("MX"), &meta, doc.clone(), &r, 2, &["b".into()], stamp).unwrap();
        assert_eq!(v.decision(), &Decision::Redacted { for_party: "MX".into(), policy_version: 2 });
        let v = v.as_value();
        assert_eq!(v["document"]["document_number"]["withheld"], true);
        assert_eq!(v["related_case_ids"], json!(["b"]));
        assert!(v.get("withdrawal_reason").is_none() && v["created_by"].get("user_id").is_none());
        assert!(withheld.contains(&"document.document_number".to_owned()));
        let (own, _) = view(&member("GT"), &meta, doc.clone(), &r, 2, &["a".into(), "b".into()], stamp).unwrap();
        assert_eq!(own.as_value()["document"]["document_number"], "X123");
        assert_eq!(own.decision(), &Decision::Whole);
        let listed = AlertMeta { scope: Scope::Listed, shared_with: vec!["HN".into()], ..meta };
        assert!(view(&member("MX"), &listed, doc.clone(), &r, 2, &[], stamp).is_none(), "not in scope");
        assert!(own_view(&member("MX"), "GT", doc, &[]).is_none(), "only the reporting country");
    }

    #[test]
    fn access_follows_case_rules() {
        let s = |party: &str, roles: &[Role]| Subject {
            user_id: "u".into(),
            party: party.into(),
            party_kind: PartyKind::Member,
            roles: roles.to_vec(),
        };
        let a = AlertMeta { reporting_country: "GT".into(), scope: Scope::Network, shared_with: vec![] };
        assert_eq!(alert_access(&s("MX", &[Role::Analyst]), &a), Some(Access::Foreign));
        assert_eq!(alert_access(&s("GT", &[Role::Officer]), &a), Some(Access::Own));
        assert_eq!(alert_access(&s("MX", &[Role::StatisticsReader]), &a), None);
        let listed = AlertMeta { scope: Scope::Listed, shared_with: vec!["HN".into()], ..a };
        assert_eq!(alert_access(&s("MX", &[Role::Officer]), &listed), None);
    }
}
