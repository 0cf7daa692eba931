//! PURE: requests between member countries (issue #21).
//!
//! A request exists for its two countries only (404 for everyone else); their officers act on
//! it, their analysts read it. Who may do what depends on the side and the state:
//!
//! | action | side | from state | to state |
//! |---|---|---|---|
//! | message | either | open, accepted | (unchanged) |
//! | accept | receiver | open | accepted |
//! | decline (with a reason) | receiver | open | declined |
//! | progress (repatriation) | receiver | accepted | (unchanged) |
//! | complete | receiver | accepted | completed |
//! | withdraw | sender | open, accepted | withdrawn |

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{PartyKind, Role, Subject};
use crate::error::ApiError;

/// What a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// Access to a case: the holder answers by sharing it with the asking country, or declines.
    CaseAccess,
    /// Information about a case, answered in the request's messages.
    Information,
    /// Coordinating a victim's return with the receiving country's repatriation liaison.
    Repatriation,
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    Open,
    Accepted,
    Declined,
    Completed,
    Withdrawn,
}

impl RequestKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::CaseAccess => "case_access",
            RequestKind::Information => "information",
            RequestKind::Repatriation => "repatriation",
        }
    }

    pub fn parse(s: &str) -> Option<RequestKind> {
        [RequestKind::CaseAccess, RequestKind::Information, RequestKind::Repatriation]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

impl RequestState {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Open => "open",
            RequestState::Accepted => "accepted",
            RequestState::Declined => "declined",
            RequestState::Completed => "completed",
            RequestState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<RequestState> {
        [
            RequestState::Open,
            RequestState::Accepted,
            RequestState::Declined,
            RequestState::Completed,
            RequestState::Withdrawn,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// An action on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestAction {
    Accept,
    Decline,
    Progress,
    Complete,
    Withdraw,
}

/// Officers of member countries open requests.
pub fn may_open(s: &Subject) -> bool {
    s.party_kind == PartyKind::Member && s.has(Role::Officer)
}

/// Whether the request exists for `s`: one of its two countries' officers or analysts.
pub fn may_read(s: &Subject, from: &str, to: &str) -> bool {
    s.party_kind == PartyKind::Member
        && (s.party == from || s.party == to)
        && (s.has(Role::Officer) || s.has(Role::Analyst))
}

/// Messages: either side's officers while the request is live.
pub fn may_message(s: &Subject, from: &str, to: &str, state: RequestState) -> Result<(), ApiError> {
    if !may_read(s, from, to) {
        return Err(ApiError::NotFound);
    }
    if !s.has(Role::Officer) {
        return Err(ApiError::Forbidden);
    }
    if !matches!(state, RequestState::Open | RequestState::Accepted) {
        return Err(ApiError::Conflict("request_closed"));
    }
    Ok(())
}

/// The state an action leads to, if `s` may take it now (see the table above).
pub fn transition(
    s: &Subject,
    (from, to): (&str, &str),
    kind: RequestKind,
    state: RequestState,
    action: RequestAction,
) -> Result<RequestState, ApiError> {
    if !may_read(s, from, to) {
        return Err(ApiError::NotFound);
    }
    let receiver = s.party == to;
    let side_ok = match action {
        RequestAction::Withdraw => !receiver,
        _ => receiver,
    };
    if !s.has(Role::Officer) || !side_ok {
        return Err(ApiError::Forbidden);
    }
    use RequestAction as A;
    use RequestState as S;
    match (action, state) {
        (A::Accept, S::Open) => Ok(S::Accepted),
        (A::Decline, S::Open) => Ok(S::Declined),
        (A::Progress, S::Accepted) if kind == RequestKind::Repatriation => Ok(S::Accepted),
        (A::Progress, _) if kind != RequestKind::Repatriation => Err(ApiError::Conflict("not_a_repatriation")),
        (A::Complete, S::Accepted) if kind != RequestKind::CaseAccess => Ok(S::Completed),
        (A::Withdraw, S::Open | S::Accepted) => Ok(S::Withdrawn),
        _ => Err(ApiError::Conflict("request_state")),
    }
}

/// The fields of a person's record a repatriation request may carry: identity and what the
/// receiving liaison needs to prepare the return (section C; ids and derived fields aside).
pub const REPATRIATION_FIELDS: [&str; 15] = [
    "given_names",
    "first_surname",
    "second_surname",
    "name_as_in_document",
    "sex",
    "gender",
    "date_of_birth",
    "age_years",
    "is_minor",
    "citizenship",
    "country_of_birth",
    "country_of_residence",
    "person_role",
    "trafficking_status",
    "vulnerability_profiles",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn officer(party: &str) -> Subject {
        Subject { user_id: "u".into(), party: party.into(), party_kind: PartyKind::Member, roles: vec![Role::Officer] }
    }

    #[test]
    fn sides_and_states() {
        let (mx, gt, hn) = (officer("MX"), officer("GT"), officer("HN"));
        let t = |s: &Subject, kind, state, action| transition(s, ("MX", "GT"), kind, state, action);
        use RequestAction as A;
        use RequestKind as K;
        use RequestState as S;
        assert_eq!(t(&gt, K::CaseAccess, S::Open, A::Accept).unwrap(), S::Accepted);
        assert!(matches!(t(&mx, K::CaseAccess, S::Open, A::Accept), Err(ApiError::Forbidden)), "not the sender");
        assert!(matches!(t(&hn, K::CaseAccess, S::Open, A::Accept), Err(ApiError::NotFound)), "a third country");
        assert!(matches!(t(&gt, K::CaseAccess, S::Declined, A::Accept), Err(ApiError::Conflict(_))));
        assert!(matches!(t(&gt, K::CaseAccess, S::Accepted, A::Complete), Err(ApiError::Conflict(_))));
        assert_eq!(t(&gt, K::Repatriation, S::Accepted, A::Progress).unwrap(), S::Accepted);
        assert!(t(&gt, K::Information, S::Accepted, A::Progress).is_err());
        assert_eq!(t(&mx, K::Information, S::Open, A::Withdraw).unwrap(), S::Withdrawn);
        assert!(matches!(t(&gt, K::Information, S::Open, A::Withdraw), Err(ApiError::Forbidden)));
        let analyst = Subject { roles: vec![Role::Analyst], ..officer("GT") };
        assert!(may_read(&analyst, "MX", "GT"));
        assert!(matches!(t(&analyst, K::Information, S::Open, A::Accept), Err(ApiError::Forbidden)));
        assert!(may_message(&mx, "MX", "GT", S::Declined).is_err());
    }
}
