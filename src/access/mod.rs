//! PURE: who may do what. Every disclosure and permission decision of enlace is made here, from
//! values only (no I/O), so that it can be reviewed in one place and tested exhaustively.
//!
//! - roles and party kinds, and which roles a party kind may hold;
//! - administration rules (who manages which users, which roles they may grant);
//! - audit-log visibility.
//!
//! Case visibility and redaction (sharing scope, legal reservations) live in `access::cases`;
//! fraudulent-document alerts (which reuse them) in `access::alerts`; the other companion
//! resources of the private area (directory, entry requirements, reports, manual aggregates) in
//! `access::resources`; statistics permissions and exact figures in `access::statistics`.

pub mod alerts;
pub mod cases;
pub mod disclosure;
pub mod feed;
pub mod matching;
pub mod requests;
pub mod resources;
pub mod statistics;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, Rule};

/// A role, valid only inside the user's party (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    StAdmin,
    CountryAdmin,
    Officer,
    Analyst,
    StatisticsReader,
    Auditor,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::StAdmin, Role::CountryAdmin, Role::Officer, Role::Analyst, Role::StatisticsReader, Role::Auditor];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::StAdmin => "st_admin",
            Role::CountryAdmin => "country_admin",
            Role::Officer => "officer",
            Role::Analyst => "analyst",
            Role::StatisticsReader => "statistics_reader",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Roles whose holders must sign in with a second factor.
    pub fn requires_mfa(self) -> bool {
        matches!(self, Role::StAdmin | Role::CountryAdmin)
    }
}

/// What kind of party a user belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// A CRM member country (ISO 3166-1 alpha-2 code).
    Member,
    /// The Technical Secretariat (code `ST`).
    Secretariat,
    /// An observer organization (IOM, UNHCR, RROCM, …).
    Observer,
}

impl PartyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PartyKind::Member => "member",
            PartyKind::Secretariat => "secretariat",
            PartyKind::Observer => "observer",
        }
    }

    pub fn parse(s: &str) -> Option<PartyKind> {
        [PartyKind::Member, PartyKind::Secretariat, PartyKind::Observer].into_iter().find(|k| k.as_str() == s)
    }
}

/// Whether a party of this kind may hold the role (SPEC §2 "Held by").
pub fn role_allowed_for(kind: PartyKind, role: Role) -> bool {
    match role {
        Role::StAdmin => kind == PartyKind::Secretariat,
        Role::CountryAdmin | Role::Officer | Role::Analyst => kind == PartyKind::Member,
        Role::StatisticsReader | Role::Auditor => true,
    }
}

/// The acting identity as far as access decisions are concerned. Always loaded from the
/// server-side user record, never from the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub user_id: String,
    pub party: String,
    pub party_kind: PartyKind,
    pub roles: Vec<Role>,
}

impl Subject {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// Administration: may `actor` see users of `party` (list them, read them)?
/// `st_admin` sees every party's users; `country_admin` only its own country's.
pub fn may_manage_users_of(actor: &Subject, party: &str) -> bool {
    actor.has(Role::StAdmin) || (actor.has(Role::CountryAdmin) && actor.party == party)
}

/// The party of a user being administered.
#[derive(Debug, Clone, Copy)]
pub struct UserParty<'a> {
    pub code: &'a str,
    pub kind: PartyKind,
    /// A member country's onboarding ended (one of its users signed in fully for the first time).
    pub onboarded: bool,
}

/// A user-management operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserOp<'a> {
    /// Create a user with these roles.
    Create(&'a [Role]),
    /// Replace a user's roles.
    SetRoles,
    /// Re-enable a disabled user.
    Enable,
    /// Disable a user (ends its sessions).
    Disable,
    /// Change the display name or e-mail.
    EditProfile,
    ResetPassword,
    /// Remove the enrolled second factor.
    ResetMfa,
    EndSessions,
}

/// Administration (SPEC §2): may `actor` do `op` to a user of `party` (`own`: its own account)?
///
/// - Only a member country's own `country_admin`s grant access to it: they create its users,
///   grant and remove its roles, reset its users' passwords and second factors.
/// - The ST (`st_admin`) creates a member country's first `country_admin` accounts while its
///   onboarding lasts, and afterwards only contains harm without granting access: it disables a
///   country's user or ends its sessions. It manages the ST's and observers' users fully.
/// - Nobody changes their own roles or status. A user beyond the actor's reach does not exist for
///   it (404); a refusal by the rules above names the rule.
///
/// Whether the roles suit the party (`role_allowed_for`) is checked as input validation.
pub fn may_administer(actor: &Subject, party: UserParty, op: UserOp, own: bool) -> Result<(), ApiError> {
    if !actor.has(Role::StAdmin) && !actor.has(Role::CountryAdmin) {
        return Err(ApiError::Forbidden);
    }
    if own && matches!(op, UserOp::SetRoles | UserOp::Enable | UserOp::Disable) {
        return Err(ApiError::Forbidden);
    }
    if actor.has(Role::CountryAdmin) && actor.party == party.code && actor.party_kind == PartyKind::Member {
        return Ok(());
    }
    if !actor.has(Role::StAdmin) {
        // Another country's administrator: creating there is refused, its users do not exist.
        return Err(if matches!(op, UserOp::Create(_)) { ApiError::Forbidden } else { ApiError::NotFound });
    }
    if party.kind != PartyKind::Member {
        return Ok(());
    }
    match op {
        UserOp::Disable | UserOp::EndSessions => Ok(()),
        UserOp::Create(_) if party.onboarded => Err(ApiError::Rule(Rule::CountryOnboarded)),
        UserOp::Create(roles) if !roles.is_empty() && roles.iter().all(|r| *r == Role::CountryAdmin) => Ok(()),
        _ => Err(ApiError::Rule(Rule::CountryGrantsAccess)),
    }
}

/// Recovery of a member country that lost every administrator: requested, approved and
/// completed by ST administrators (two different ones request and approve).
pub fn may_run_recovery(actor: &Subject) -> bool {
    actor.party_kind == PartyKind::Secretariat && actor.has(Role::StAdmin)
}

/// A recovery of `party` may be cancelled by the country's administrators (and by the ST).
pub fn may_cancel_recovery(actor: &Subject, party: &str) -> bool {
    may_run_recovery(actor) || (actor.party == party && actor.has(Role::CountryAdmin))
}

/// The recoveries of `party` are read by the ST's administrators and by the country's
/// administrators and auditors (every user of the country sees the open ones on `/me`).
pub fn may_read_recoveries(actor: &Subject, party: &str) -> bool {
    may_run_recovery(actor) || (actor.party == party && (actor.has(Role::CountryAdmin) || actor.has(Role::Auditor)))
}

/// Administration of parties themselves (create observers, rename, deactivate): ST only.
pub fn may_manage_parties(actor: &Subject) -> bool {
    actor.has(Role::StAdmin)
}

/// Which audit events an auditor may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditScope {
    /// The ST's auditors: every event.
    All,
    /// A party's auditors: events whose actor or object belongs to the party.
    Party(String),
}

pub fn audit_scope(actor: &Subject) -> Option<AuditScope> {
    if !actor.has(Role::Auditor) {
        return None;
    }
    Some(if actor.party_kind == PartyKind::Secretariat {
        AuditScope::All
    } else {
        AuditScope::Party(actor.party.clone())
    })
}

/// Signed checkpoints, proofs and the audit keys: every party's auditors (a checkpoint reveals
/// only the number of events and a hash).
pub fn may_read_checkpoints(actor: &Subject) -> bool {
    actor.has(Role::Auditor)
}

/// Witness keys of `party` (its auditors' cosignatures) are registered by the party's own
/// administrator: a member country's `country_admin`, the ST's `st_admin` for the ST and the
/// observers.
pub fn may_register_witness(actor: &Subject, party: &str, kind: PartyKind) -> bool {
    match kind {
        PartyKind::Member => actor.party == party && actor.has(Role::CountryAdmin),
        _ => actor.party_kind == PartyKind::Secretariat && actor.has(Role::StAdmin),
    }
}

/// Whether an auditor of `scope` may see an event (actor or object of its party, or all).
pub fn audit_event_visible(scope: &AuditScope, actor_party: Option<&str>, object_party: Option<&str>) -> bool {
    match scope {
        AuditScope::All => true,
        AuditScope::Party(p) => actor_party == Some(p.as_str()) || object_party == Some(p.as_str()),
    }
}

/// Verifying the whole chain reveals its size: ST auditors (and ST admins) only.
pub fn may_verify_audit(actor: &Subject) -> bool {
    actor.party_kind == PartyKind::Secretariat && (actor.has(Role::Auditor) || actor.has(Role::StAdmin))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(party: &str, kind: PartyKind, roles: &[Role]) -> Subject {
        Subject { user_id: "u".into(), party: party.into(), party_kind: kind, roles: roles.to_vec() }
    }

    #[test]
    fn roles_by_party_kind() {
        assert!(role_allowed_for(PartyKind::Secretariat, Role::StAdmin));
        assert!(!role_allowed_for(PartyKind::Member, Role::StAdmin));
        assert!(!role_allowed_for(PartyKind::Observer, Role::Officer));
        assert!(!role_allowed_for(PartyKind::Secretariat, Role::Officer));
        assert!(role_allowed_for(PartyKind::Observer, Role::StatisticsReader));
    }

    #[test]
    fn only_the_country_grants_access_to_it() {
        let member = |code, onboarded| UserParty { code, kind: PartyKind::Member, onboarded };
        let st_party = UserParty { code: "ST", kind: PartyKind::Secretariat, onboarded: false };
        let gt = subject("GT", PartyKind::Member, &[Role::CountryAdmin]);
        let officer = [Role::Officer];
        assert!(may_administer(&gt, member("GT", true), UserOp::Create(&officer), false).is_ok());
        assert!(may_administer(&gt, member("GT", true), UserOp::ResetPassword, false).is_ok());
        assert!(may_administer(&gt, member("GT", true), UserOp::SetRoles, true).is_err(), "own roles");
        assert!(matches!(
            may_administer(&gt, member("MX", true), UserOp::Create(&officer), false),
            Err(ApiError::Forbidden)
        ));
        assert!(matches!(may_administer(&gt, member("MX", true), UserOp::ResetMfa, false), Err(ApiError::NotFound)));
        assert!(matches!(may_administer(&gt, st_party, UserOp::EditProfile, false), Err(ApiError::NotFound)));

        let st = subject("ST", PartyKind::Secretariat, &[Role::StAdmin]);
        let admin = [Role::CountryAdmin];
        assert!(may_administer(&st, member("GT", false), UserOp::Create(&admin), false).is_ok(), "onboarding");
        assert!(matches!(
            may_administer(&st, member("GT", false), UserOp::Create(&[Role::CountryAdmin, Role::Officer]), false),
            Err(ApiError::Rule(Rule::CountryGrantsAccess))
        ));
        assert!(matches!(
            may_administer(&st, member("GT", true), UserOp::Create(&admin), false),
            Err(ApiError::Rule(Rule::CountryOnboarded))
        ));
        for op in [UserOp::SetRoles, UserOp::Enable, UserOp::EditProfile, UserOp::ResetPassword, UserOp::ResetMfa] {
            assert!(
                matches!(
                    may_administer(&st, member("GT", true), op, false),
                    Err(ApiError::Rule(Rule::CountryGrantsAccess))
                ),
                "{op:?}"
            );
        }
        assert!(may_administer(&st, member("GT", true), UserOp::Disable, false).is_ok());
        assert!(may_administer(&st, member("GT", true), UserOp::EndSessions, false).is_ok());
        assert!(may_administer(&st, st_party, UserOp::ResetPassword, false).is_ok());
        assert!(may_administer(&st, st_party, UserOp::Create(&[Role::StAdmin]), false).is_ok());
        let reader = subject("ST", PartyKind::Secretariat, &[Role::Auditor]);
        assert!(matches!(may_administer(&reader, st_party, UserOp::Disable, false), Err(ApiError::Forbidden)));
    }

    #[test]
    fn audit_scope_by_party() {
        assert_eq!(audit_scope(&subject("ST", PartyKind::Secretariat, &[Role::Auditor])), Some(AuditScope::All));
        assert_eq!(
            audit_scope(&subject("HN", PartyKind::Member, &[Role::Auditor])),
            Some(AuditScope::Party("HN".into()))
        );
        assert_eq!(audit_scope(&subject("HN", PartyKind::Member, &[Role::Officer])), None);
    }
}
