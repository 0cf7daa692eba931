//! PURE: who may query statistics, and which figures a query may get (SPEC §8).
//!
//! Officers, analysts and statistics readers of every party query. Exact figures (counted from
//! the raw values, reserved ones included, and published as they are) are only for a member
//! country asking about its own cases alone; every other query counts the shared form and is
//! published under disclosure control. The proof of the first case, `OwnFigures`, can only be
//! made here: the statistics module cannot read raw values or publish exact counts without it.
//!
//! ```compile_fail,E0451
//! // Outside `access/`, no one can claim a query is about its own cases:
//! let forged = enlace::access::statistics::OwnFigures { _proof: () };
//! ```

use super::{PartyKind, Role, Subject};
use crate::error::ApiError;

/// Officers, analysts and statistics readers of any party (observers included).
pub fn may_query(s: &Subject) -> bool {
    s.has(Role::Officer) || s.has(Role::Analyst) || s.has(Role::StatisticsReader)
}

/// Proof that a query counts only the caller's own country's cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnFigures {
    _proof: (),
}

/// Which figures a query gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figures {
    /// A member country's own cases alone: exact, from the raw values.
    Own(OwnFigures),
    /// Anything else: the shared form, under disclosure control.
    Shared,
}

impl Figures {
    pub fn is_exact(&self) -> bool {
        matches!(self, Figures::Own(_))
    }
}

/// The figures `s` gets for a query with these equality filters (dimension, value); 403 for a
/// caller who may not query statistics at all.
pub fn figures(s: &Subject, filters: &[(String, String)]) -> Result<Figures, ApiError> {
    if !may_query(s) {
        return Err(ApiError::Forbidden);
    }
    let own_only =
        s.party_kind == PartyKind::Member && filters.iter().any(|(d, v)| d == "reporting_country" && *v == s.party);
    Ok(if own_only { Figures::Own(OwnFigures { _proof: () }) } else { Figures::Shared })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(party: &str, kind: PartyKind, roles: &[Role]) -> Subject {
        Subject { user_id: "u".into(), party: party.into(), party_kind: kind, roles: roles.to_vec() }
    }

    #[test]
    fn exact_figures_only_for_a_member_country_on_its_own_cases() {
        let own = |c: &str| vec![("reporting_country".to_owned(), c.to_owned())];
        let gt = subject("GT", PartyKind::Member, &[Role::Analyst]);
        assert!(figures(&gt, &own("GT")).unwrap().is_exact());
        assert!(!figures(&gt, &own("MX")).unwrap().is_exact());
        assert!(!figures(&gt, &[]).unwrap().is_exact(), "the whole network is not its own");
        let oim = subject("OIM", PartyKind::Observer, &[Role::StatisticsReader]);
        assert!(!figures(&oim, &own("OIM")).unwrap().is_exact());
        let st = subject("ST", PartyKind::Secretariat, &[Role::StatisticsReader]);
        assert!(!figures(&st, &own("ST")).unwrap().is_exact());
        let admin = subject("GT", PartyKind::Member, &[Role::CountryAdmin]);
        assert!(matches!(figures(&admin, &own("GT")), Err(ApiError::Forbidden)));
    }
}
