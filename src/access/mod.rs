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
//! `access::resources`.

pub mod alerts;
pub mod cases;
pub mod resources;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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

/// Administration: may `actor` see and manage users of `party`?
/// `st_admin` manages every party's users; `country_admin` only its own country's.
pub fn may_manage_users_of(actor: &Subject, party: &str) -> bool {
    actor.has(Role::StAdmin) || (actor.has(Role::CountryAdmin) && actor.party == party)
}

/// Administration: may `actor` grant exactly this set of roles to a user of `party` (kind
/// `kind`)? Roles must suit the party kind; a `country_admin` never grants `st_admin`.
pub fn may_grant(actor: &Subject, party: &str, kind: PartyKind, roles: &[Role]) -> bool {
    if !may_manage_users_of(actor, party) || !roles.iter().all(|r| role_allowed_for(kind, *r)) {
        return false;
    }
    actor.has(Role::StAdmin) || roles.iter().all(|r| *r != Role::StAdmin)
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
    fn country_admin_is_confined_to_its_country() {
        let gt = subject("GT", PartyKind::Member, &[Role::CountryAdmin]);
        assert!(may_grant(&gt, "GT", PartyKind::Member, &[Role::Officer, Role::Auditor]));
        assert!(!may_grant(&gt, "MX", PartyKind::Member, &[Role::Officer]));
        assert!(!may_grant(&gt, "GT", PartyKind::Member, &[Role::StAdmin]));
        let st = subject("ST", PartyKind::Secretariat, &[Role::StAdmin]);
        assert!(may_grant(&st, "MX", PartyKind::Member, &[Role::CountryAdmin]));
        assert!(may_grant(&st, "ST", PartyKind::Secretariat, &[Role::StAdmin]));
        assert!(!may_grant(&st, "MX", PartyKind::Member, &[Role::StAdmin]));
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
