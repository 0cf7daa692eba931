//! PURE: what may leave the service about a case. Every value here is built only in `access/`
//! (private fields, constructors private to this module tree) and carries the decision that
//! produced it, so that a handler can send a case, a case summary or an alert only as one of
//! these; nothing else about a case can become a response body without changing `access/`.
//!
//! Stored renderings are read back through `disclose` and `summarize`: the case store hands over
//! what it read, tagged with the rendering it is (the reporting country's document, or the
//! foreign view and the policy version it was redacted under), and the caller's decision is
//! taken again here; a rendering that does not match it (the wrong kind, or redacted under a
//! policy that is no longer in force) is never sent.
//!
//! ```compile_fail,E0451
//! // Outside `access/`, a disclosure cannot be made up from any text:
//! let forged = enlace::access::disclosure::CaseDisclosure {
//!     text: String::from("{\"summary\": \"a reserved value\"}"),
//!     etag: String::new(),
//!     withheld: vec![],
//!     decision: enlace::access::disclosure::Decision::Whole,
//! };
//! ```
//!
//! ```compile_fail,E0624
//! // ... nor through a constructor:
//! let forged = enlace::access::disclosure::CaseDisclosure::new(
//!     String::from("{}"), String::new(), vec![], enlace::access::disclosure::Decision::Whole,
//! );
//! ```

use serde::Serialize;
use serde_json::value::RawValue;

use super::Subject;
use super::cases::{Access, CaseMeta, case_access};
use crate::error::ApiError;

/// Why a value may be sent to its caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The owning country: the record as it holds it.
    Whole,
    /// Another member country: every field the owner reserved withheld, under the owner's
    /// policy version in force.
    Redacted { for_party: String, policy_version: i32 },
}

/// The decision for `s` on a record owned under `access`, redacted under `policy_version`.
pub(in crate::access) fn decision(s: &Subject, access: Access, policy_version: i32) -> Decision {
    match access {
        Access::Own => Decision::Whole,
        Access::Foreign => Decision::Redacted { for_party: s.party.clone(), policy_version },
    }
}

/// One case as JSON text, ready to send to the caller it was decided for, with its ETag and
/// the catalog paths it withholds (recorded with the read).
#[derive(Debug)]
pub struct CaseDisclosure {
    text: String,
    etag: String,
    withheld: Vec<String>,
    decision: Decision,
}

impl CaseDisclosure {
    fn new(text: String, etag: String, withheld: Vec<String>, decision: Decision) -> CaseDisclosure {
        CaseDisclosure { text, etag, withheld, decision }
    }

    pub fn etag(&self) -> &str {
        &self.etag
    }

    pub fn withheld(&self) -> &[String] {
        &self.withheld
    }

    pub fn decision(&self) -> &Decision {
        &self.decision
    }

    /// The response body.
    pub fn into_body(self) -> String {
        self.text
    }

    /// The JSON text, for a page that shows it (the web console).
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// A stored rendering of a case as the store read it: text only, nothing decided yet.
pub enum StoredRendering {
    /// The reporting country's document and its version.
    Own { document: String, version: i32 },
    /// The view every other country receives, as rendered when the case was last written.
    Foreign {
        view: String,
        etag: String,
        withheld: Vec<String>,
        /// The reporting country's policy version the view was redacted under.
        policy_version: i32,
        /// The reporting country's policy version in force when the view was read.
        policy_in_force: i32,
    },
}

/// A rendering that does not match the caller's decision: never sent. Only a defect (or a
/// database edited by hand) produces one; the request fails and the mismatch is logged.
fn mismatch(what: &str) -> ApiError {
    tracing::error!(rendering = what, "a stored rendering does not match the access decision; not sent");
    ApiError::Unavailable
}

/// The case `meta` describes, as `s` may receive it from `stored`; `None` if `s` may not see it.
pub fn disclose(s: &Subject, meta: &CaseMeta, stored: StoredRendering) -> Result<Option<CaseDisclosure>, ApiError> {
    let Some(access) = case_access(s, meta) else { return Ok(None) };
    match (access, stored) {
        (Access::Own, StoredRendering::Own { document, version }) => {
            Ok(Some(CaseDisclosure::new(document, super::cases::etag_own(version), vec![], Decision::Whole)))
        }
        (Access::Foreign, StoredRendering::Foreign { view, etag, withheld, policy_version, policy_in_force }) => {
            if policy_version != policy_in_force {
                return Err(mismatch("redacted under a policy no longer in force"));
            }
            Ok(Some(CaseDisclosure::new(view, etag, withheld, decision(s, access, policy_version))))
        }
        (Access::Own, _) => Err(mismatch("a foreign view offered to the reporting country")),
        (Access::Foreign, _) => Err(mismatch("the reporting country's document offered to another country")),
    }
}

/// One item of a case list, as rendered when the case was written.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct CaseSummary {
    text: Box<RawValue>,
    #[serde(skip)]
    decision: Decision,
}

impl CaseSummary {
    pub fn decision(&self) -> &Decision {
        &self.decision
    }

    /// The JSON text, for a page that shows it (the web console).
    pub fn text(&self) -> &str {
        self.text.get()
    }
}

/// Both stored summaries of a listed case, as the store read them.
pub struct StoredSummaries {
    pub own: String,
    pub foreign: String,
    /// The reporting country's policy version the foreign summary was redacted under.
    pub policy_version: i32,
    /// The reporting country's policy version in force when the view was read.
    pub policy_in_force: i32,
}

/// The summary of the case `meta` describes that `s` may receive; `None` if `s` may not see it.
pub fn summarize(s: &Subject, meta: &CaseMeta, stored: StoredSummaries) -> Result<Option<CaseSummary>, ApiError> {
    let Some(access) = case_access(s, meta) else { return Ok(None) };
    let text = match access {
        Access::Own => stored.own,
        Access::Foreign if stored.policy_version == stored.policy_in_force => stored.foreign,
        Access::Foreign => return Err(mismatch("a summary redacted under a policy no longer in force")),
    };
    let text = RawValue::from_string(text).map_err(|_| mismatch("a summary that is not JSON"))?;
    Ok(Some(CaseSummary { text, decision: decision(s, access, stored.policy_version) }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::cases::Scope;
    use crate::access::{PartyKind, Role};

    fn subject(party: &str) -> Subject {
        Subject { user_id: "u".into(), party: party.into(), party_kind: PartyKind::Member, roles: vec![Role::Analyst] }
    }

    fn meta(scope: Scope) -> CaseMeta {
        CaseMeta { reporting_country: "GT".into(), scope, shared_with: vec![], retracted: false }
    }

    fn foreign(policy_version: i32, policy_in_force: i32) -> StoredRendering {
        StoredRendering::Foreign {
            view: "{\"summary\":{\"withheld\":true}}".into(),
            etag: "\"e\"".into(),
            withheld: vec!["summary".into()],
            policy_version,
            policy_in_force,
        }
    }

    fn own() -> StoredRendering {
        StoredRendering::Own { document: "{\"summary\":\"secret\"}".into(), version: 3 }
    }

    #[test]
    fn each_caller_gets_only_the_rendering_of_its_decision() {
        let gt = subject("GT");
        let mx = subject("MX");
        let d = disclose(&gt, &meta(Scope::National), own()).unwrap().unwrap();
        assert_eq!((d.decision(), d.etag()), (&Decision::Whole, "\"v3\""));
        let d = disclose(&mx, &meta(Scope::Network), foreign(4, 4)).unwrap().unwrap();
        assert_eq!(d.decision(), &Decision::Redacted { for_party: "MX".into(), policy_version: 4 });
        assert_eq!(d.withheld(), ["summary"]);
        assert!(disclose(&mx, &meta(Scope::National), foreign(4, 4)).unwrap().is_none(), "not in scope");
    }

    #[test]
    fn a_rendering_that_does_not_match_the_decision_is_never_sent() {
        let (gt, mx) = (subject("GT"), subject("MX"));
        assert!(disclose(&mx, &meta(Scope::Network), own()).is_err(), "the owner's document to another country");
        assert!(disclose(&gt, &meta(Scope::Network), foreign(4, 4)).is_err());
        assert!(disclose(&mx, &meta(Scope::Network), foreign(3, 4)).is_err(), "redacted under an old policy");
        let stale = StoredSummaries { own: "{}".into(), foreign: "{}".into(), policy_version: 1, policy_in_force: 2 };
        assert!(summarize(&mx, &meta(Scope::Network), stale).is_err());
        let stale =
            StoredSummaries { own: "{\"a\":1}".into(), foreign: "{}".into(), policy_version: 1, policy_in_force: 2 };
        let own_summary = summarize(&gt, &meta(Scope::Network), stale).unwrap().unwrap();
        assert_eq!(serde_json::to_string(&own_summary).unwrap(), "{\"a\":1}", "the owner's summary has no policy");
    }
}
