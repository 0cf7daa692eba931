//! PURE: the feed of what concerns a member country (issue #21).
//!
//! - who reads a country's feed;
//! - which countries are told of a case: exactly those that see it (`case_access` as an officer
//!   of each country would have it), so an item never reveals a case a country cannot read;
//! - why a case concerns a country, decided on the view other countries receive (`Redacted`):
//!   a reserved route, citizenship or issuing state is a marker there, so a withheld value can
//!   never make (or unmake) a reason.

use std::collections::BTreeSet;

use serde_json::Value;

use super::cases::{Access, CaseMeta, Redacted, case_access};
use super::{PartyKind, Role, Subject};

/// A member country's officers and analysts read its feed: the roles that read cases (an item
/// names cases another country shared, and why they concern the country).
pub fn may_read_feed(s: &Subject) -> bool {
    s.party_kind == PartyKind::Member && (s.has(Role::Officer) || s.has(Role::Analyst))
}

/// The member countries (among `members`) that see a case as another country.
pub fn case_recipients(meta: &CaseMeta, members: &[String]) -> BTreeSet<String> {
    members
        .iter()
        .filter(|m| {
            let reader = Subject {
                user_id: String::new(),
                party: (*m).clone(),
                party_kind: PartyKind::Member,
                roles: vec![Role::Officer],
            };
            case_access(&reader, meta) == Some(Access::Foreign)
        })
        .cloned()
        .collect()
}

fn strings(v: &Value) -> impl Iterator<Item = &str> {
    let one = v.as_str().into_iter();
    let many = v.as_array().into_iter().flatten().filter_map(Value::as_str);
    one.chain(many)
}

fn items<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    v.get(key).and_then(Value::as_array).into_iter().flatten()
}

/// Why a case concerns `country` (alpha-2), from what other countries see of it: `territory`
/// (a route leg from or to it), `nationals` (a person's or suspect's citizenship), `documents`
/// (a document it issued).
pub fn concerns(view: &Redacted, country: &str) -> Vec<&'static str> {
    let v = view.as_value();
    let mut out = vec![];
    if items(v, "route")
        .any(|leg| [&leg["from_country"], &leg["to_country"]].iter().any(|c| c.as_str() == Some(country)))
    {
        out.push("territory");
    }
    if items(v, "persons").chain(items(v, "suspects")).any(|p| strings(&p["citizenship"]).any(|c| c == country)) {
        out.push("nationals");
    }
    let icao = crate::formato::codes::icao_of(country);
    if items(v, "documents").any(|d| icao.is_some() && d["issuing_state"].as_str() == icao) {
        out.push("documents");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::cases::{Reservation, Scope, redacted};
    use serde_json::json;

    #[test]
    fn told_to_those_who_see_and_for_shared_reasons_only() {
        let meta = |scope, shared: &[&str]| CaseMeta {
            reporting_country: "GT".into(),
            scope,
            shared_with: shared.iter().map(|s| s.to_string()).collect(),
            retracted: false,
        };
        let members: Vec<String> = ["GT", "MX", "HN"].iter().map(|s| s.to_string()).collect();
        assert_eq!(case_recipients(&meta(Scope::Network, &[]), &members), ["HN".into(), "MX".into()].into());
        assert_eq!(case_recipients(&meta(Scope::Listed, &["HN"]), &members), ["HN".into()].into());
        assert!(case_recipients(&meta(Scope::National, &[]), &members).is_empty());

        let doc = json!({"route": [{"from_country": "HN", "to_country": "MX"}],
                         "persons": [{"citizenship": ["HN"]}], "documents": [{"issuing_state": "HND"}]});
        let (open, _) = redacted(doc.clone(), &[]);
        assert_eq!(concerns(&open, "HN"), ["territory", "nationals", "documents"]);
        assert_eq!(concerns(&open, "MX"), ["territory"]);
        let r: Vec<Reservation> = ["route[].from_country", "persons[].citizenship", "documents[].issuing_state"]
            .iter()
            .map(|p| Reservation { path: (*p).into(), basis: "b".into() })
            .collect();
        let (closed, _) = redacted(doc, &r);
        assert!(concerns(&closed, "HN").is_empty(), "reserved values give no reason");
    }
}
