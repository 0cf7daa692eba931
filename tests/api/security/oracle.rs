//! The independent policy oracle, written from SPEC §2–§3 (not from the production code):
//! `expect(identity, operation, object)` gives the status a request must get.
//!
//! - Only officers and analysts of member countries read cases; the reporting country reads its
//!   own cases whole (retracted ones too), other countries read `network` cases and `listed`
//!   cases naming them, never `national` or retracted ones. A case a caller may not see is 404.
//!   Versions are the reporting country's only.
//! - Only officers write, and only their own country's cases: an analyst is refused (403), an
//!   officer facing another country's visible case is refused (403), an invisible case is 404,
//!   any other role does not see cases at all (404).
//! - Parties are public to every authenticated user; only `st_admin` changes them.
//! - A reservation policy (and its version history) is read by its own country's users and the
//!   ST's administrators and written by its own country's `country_admin`; only member countries
//!   have one.
//! - Users of a party are seen by that country's `country_admin` or by `st_admin`; to any other
//!   administrator they do not exist (404); to non-administrators the operation is refused (403).
//!   Only a member country's own `country_admin` grants access to it: `st_admin` may read a member
//!   country's users and end their sessions, never change them or reset their passwords (403);
//!   the ST's and observers' users it manages fully.

use enlace::access::Role;

use super::world::{Identity, Kind, WorldCase};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    GetCase,
    CaseVersions,
    CaseVersion,
    UpdateCase,
    RetractCase,
    GetParty,
    UpdateParty,
    GetPolicy,
    PutPolicy,
    PolicyVersions,
    PolicyVersion,
    GetUser,
    UpdateUser,
    EndSessions,
    ResetPassword,
}

impl Op {
    pub fn is_write(self) -> bool {
        matches!(
            self,
            Op::UpdateCase
                | Op::RetractCase
                | Op::UpdateParty
                | Op::PutPolicy
                | Op::UpdateUser
                | Op::EndSessions
                | Op::ResetPassword
        )
    }

    /// The OpenAPI operation id the matrix exercises.
    pub fn operation_id(self) -> &'static str {
        match self {
            Op::GetCase => "cases_get",
            Op::CaseVersions => "versions",
            Op::CaseVersion => "version",
            Op::UpdateCase => "cases_update",
            Op::RetractCase => "retract",
            Op::GetParty => "get_party",
            Op::UpdateParty => "update_party",
            Op::GetPolicy => "get_policy",
            Op::PutPolicy => "put_policy",
            Op::PolicyVersions => "policy_versions",
            Op::PolicyVersion => "policy_version",
            Op::GetUser => "get_user",
            Op::UpdateUser => "update_user",
            Op::EndSessions => "end_sessions",
            Op::ResetPassword => "reset_password",
        }
    }
}

pub const CASE_OPS: [Op; 5] = [Op::GetCase, Op::CaseVersions, Op::CaseVersion, Op::UpdateCase, Op::RetractCase];
pub const PARTY_OPS: [Op; 6] =
    [Op::GetParty, Op::UpdateParty, Op::GetPolicy, Op::PutPolicy, Op::PolicyVersions, Op::PolicyVersion];
pub const USER_OPS: [Op; 4] = [Op::GetUser, Op::UpdateUser, Op::EndSessions, Op::ResetPassword];

/// The object of an operation.
#[derive(Debug, Clone)]
pub enum Object<'a> {
    Case(&'a WorldCase),
    MissingCase,
    /// A party code and its kind.
    Party(&'a str, Kind),
    MissingParty,
    /// A user of this party.
    User(&'a str),
    MissingUser,
}

fn reads_cases(who: &Identity) -> bool {
    who.kind == Kind::Member && matches!(who.role, Role::Officer | Role::Analyst)
}

/// Whether `who` sees the case, and whether it is its own.
fn sees(who: &Identity, case: &WorldCase) -> Option<bool> {
    if !reads_cases(who) {
        return None;
    }
    if who.party == case.country {
        return Some(true);
    }
    let shared = match case.scope {
        "network" => true,
        "listed" => case.shared_with.contains(&who.party),
        _ => false,
    };
    (shared && !case.retracted).then_some(false)
}

/// The status `who` must get (None: an anonymous caller).
pub fn expect(who: Option<&Identity>, op: Op, object: &Object) -> u16 {
    let Some(who) = who else { return 401 };
    match (op, object) {
        (Op::GetCase, Object::Case(c)) => sees(who, c).map_or(404, |_| 200),
        (Op::CaseVersions | Op::CaseVersion, Object::Case(c)) => {
            if sees(who, c) == Some(true) {
                200
            } else {
                404
            }
        }
        (Op::UpdateCase | Op::RetractCase, object) => {
            if !reads_cases(who) {
                return 404;
            }
            if who.role != Role::Officer {
                return 403;
            }
            match object {
                Object::Case(c) => match sees(who, c) {
                    Some(true) if c.retracted => 409,
                    Some(true) => 200,
                    Some(false) => 403,
                    None => 404,
                },
                _ => 404,
            }
        }
        (Op::GetCase | Op::CaseVersions | Op::CaseVersion, _) => 404,
        (Op::GetParty, Object::Party(..)) => 200,
        (Op::GetParty, _) => 404,
        (Op::UpdateParty, object) => match (who.role == Role::StAdmin, object) {
            (false, _) => 403,
            (true, Object::Party(..)) => 200,
            (true, _) => 404,
        },
        (Op::GetPolicy | Op::PutPolicy | Op::PolicyVersions | Op::PolicyVersion, Object::Party(code, Kind::Member)) => {
            let allowed = if op == Op::PutPolicy {
                who.party == *code && who.role == Role::CountryAdmin
            } else {
                who.party == *code || who.role == Role::StAdmin
            };
            if allowed { 200 } else { 403 }
        }
        (Op::GetPolicy | Op::PutPolicy | Op::PolicyVersions | Op::PolicyVersion, _) => 404,
        (Op::GetUser | Op::UpdateUser | Op::EndSessions | Op::ResetPassword, object) => {
            let admin = matches!(who.role, Role::StAdmin | Role::CountryAdmin);
            if !admin {
                return 403;
            }
            match object {
                Object::User(party) if who.role == Role::CountryAdmin && who.party == *party => 200,
                Object::User(party) if who.role == Role::StAdmin => {
                    let member = super::world::COUNTRIES.contains(party);
                    if member && matches!(op, Op::UpdateUser | Op::ResetPassword) { 403 } else { 200 }
                }
                _ => 404,
            }
        }
    }
}

/// Statuses that leave no trace in the data.
pub fn is_refusal(status: u16) -> bool {
    !(200..300).contains(&status)
}
