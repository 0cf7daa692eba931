//! PURE: hit/no-hit matching between countries (issue #21).
//!
//! - Which identifier kinds of a country's cases take part in matching (`Participation`, part
//!   of its reservation policy): data that does not take part is never indexed, so it can never
//!   change an answer;
//! - who may query and who reads the hits on a country's data;
//! - what a match answers (`answer`): a case or alert the caller cannot see gives a hit (the
//!   holding country and a reference, nothing more); one it can see is named when every field
//!   the identifier came from is shared with it, and gives *nothing* otherwise — a caller who
//!   sees the shared parts of an identifier must not test guesses of its reserved parts (a
//!   reserved date of birth beside shared names, a reserved issuing state beside a shared
//!   number) against the index.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::alerts::{AlertMeta, alert_access};
use super::cases::{Access, CaseMeta, Reservation, case_access, is_reserved};
use super::{PartyKind, Role, Subject};

fn yes() -> bool {
    true
}

/// Which identifiers of a country's cases and alerts take part in hit/no-hit matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Participation {
    /// Travel and identity document numbers with their issuing state (cases' `documents[]` and
    /// document alerts) [default: true].
    #[serde(default = "yes")]
    pub document_numbers: bool,
    /// Suspects' names (`suspects[]`, natural persons) [default: true].
    #[serde(default = "yes")]
    pub suspects: bool,
    /// Names with the date of birth of persons affected, victims and smuggled migrants
    /// (`persons[]`) [default: false].
    #[serde(default)]
    pub persons_affected: bool,
}

impl Default for Participation {
    fn default() -> Self {
        Participation { document_numbers: true, suspects: true, persons_affected: false }
    }
}

/// Officers of member countries query.
pub fn may_query(s: &Subject) -> bool {
    s.party_kind == PartyKind::Member && s.has(Role::Officer)
}

/// The hits on a country's data are read by its officers, analysts and auditors.
pub fn may_read_hits(s: &Subject) -> bool {
    s.party_kind == PartyKind::Member && (s.has(Role::Officer) || s.has(Role::Analyst) || s.has(Role::Auditor))
}

/// The catalog paths an identifier of each kind is made of.
pub const DOCUMENT_PATHS: [&str; 2] = ["documents[].document_number", "documents[].issuing_state"];
pub const ALERT_DOCUMENT_PATHS: [&str; 2] = ["document.document_number", "document.issuing_state"];
pub const PERSON_PATHS: [&str; 4] =
    ["persons[].given_names", "persons[].first_surname", "persons[].second_surname", "persons[].date_of_birth"];
pub const SUSPECT_PATHS: [&str; 3] =
    ["suspects[].given_names", "suspects[].first_surname", "suspects[].second_surname"];

/// Whether every field an identifier comes from is shared under these reservations.
pub fn disclosable(reservations: &[Reservation], paths: &[&str]) -> bool {
    !paths.iter().any(|p| is_reserved(reservations, p))
}

/// What the holder has that matched, as the decision on naming it needs.
#[derive(Debug, Clone)]
pub enum Matched {
    Case { meta: CaseMeta, disclosable: bool },
    Alert { meta: AlertMeta, disclosable: bool },
}

/// What a matched case or alert contributes to `s`'s answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// A hit that names it (its id is sent).
    Name,
    /// A hit of its country, without naming it.
    Hit,
    /// Nothing: `s` sees it, but not every matched field.
    Nothing,
}

pub fn answer(s: &Subject, m: &Matched) -> Answer {
    let (access, disclosable) = match m {
        Matched::Case { meta, disclosable } => (case_access(s, meta), *disclosable),
        Matched::Alert { meta, disclosable } => (alert_access(s, meta), *disclosable),
    };
    match access {
        Some(Access::Foreign) if disclosable => Answer::Name,
        Some(_) => Answer::Nothing,
        None => Answer::Hit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::cases::Scope;

    fn subject(party: &str, roles: &[Role]) -> Subject {
        Subject { user_id: "u".into(), party: party.into(), party_kind: PartyKind::Member, roles: roles.to_vec() }
    }

    #[test]
    fn a_hit_names_a_case_only_if_visible_and_shared() {
        let meta = |scope| CaseMeta { reporting_country: "GT".into(), scope, shared_with: vec![], retracted: false };
        let mx = subject("MX", &[Role::Officer]);
        let shared = Matched::Case { meta: meta(Scope::Network), disclosable: true };
        let reserved = Matched::Case { meta: meta(Scope::Network), disclosable: false };
        let national = Matched::Case { meta: meta(Scope::National), disclosable: true };
        assert_eq!(answer(&mx, &shared), Answer::Name);
        assert_eq!(answer(&mx, &reserved), Answer::Nothing, "visible, but the matched field is reserved");
        assert_eq!(answer(&mx, &national), Answer::Hit, "not visible to MX: a hit that names nothing");
        assert_eq!(answer(&subject("GT", &[Role::Officer]), &shared), Answer::Nothing, "never about its own");
    }

    #[test]
    fn defaults_and_who_queries() {
        let p: Participation = serde_json::from_str("{}").unwrap();
        assert_eq!(p, Participation::default());
        assert!(p.document_numbers && p.suspects && !p.persons_affected);
        assert!(serde_json::from_str::<Participation>(r#"{"victims": true}"#).is_err());
        assert!(may_query(&subject("MX", &[Role::Officer])));
        assert!(!may_query(&subject("MX", &[Role::Analyst])));
        let st = Subject { party_kind: PartyKind::Secretariat, ..subject("ST", &[Role::Officer]) };
        assert!(!may_query(&st));
        let r = vec![Reservation { path: "documents[].document_number".into(), basis: "b".into() }];
        assert!(!disclosable(&r, &DOCUMENT_PATHS));
        assert!(disclosable(&r, &SUSPECT_PATHS));
    }
}
