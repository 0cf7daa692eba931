//! PURE: who may read and maintain the companion resources of the private area (SPEC §7) other
//! than alerts: the liaison directory (M3), entry requirements (M5), country activity reports
//! (R13), countries' manual false-passport aggregates (M2) and the legislation matrix.
//!
//! "Members" here are the users of member countries and of the ST. Observers (IOM, UNHCR, RROCM,
//! …) see nothing of the directory or of entry requirements ("visible to authenticated members
//! only", SPEC §7 M3), and of reports only those the ST has published to observers. Each country
//! maintains only its own rows.

use super::{PartyKind, Role, Subject};

/// Users of member countries and of the ST, whatever their role.
pub fn is_member_user(s: &Subject) -> bool {
    matches!(s.party_kind, PartyKind::Member | PartyKind::Secretariat)
}

/// The country's (or the ST's own) administrators maintain its directory entries: a member's
/// `country_admin`, or an `st_admin` for the ST's own contacts.
fn administers(s: &Subject, party: &str) -> bool {
    s.party == party
        && match s.party_kind {
            PartyKind::Member => s.has(Role::CountryAdmin),
            PartyKind::Secretariat => s.has(Role::StAdmin),
            PartyKind::Observer => false,
        }
}

/// M3: every member user reads the whole directory.
pub fn may_read_directory(s: &Subject) -> bool {
    is_member_user(s)
}

/// M3: entries of `country` are written (and verified) by that country's administrators.
pub fn may_write_directory(s: &Subject, country: &str) -> bool {
    administers(s, country)
}

/// M5: every member user reads the entry requirements.
pub fn may_read_entry_requirements(s: &Subject) -> bool {
    is_member_user(s)
}

/// M5: a member country's rows are written by its administrators (the ST has none).
pub fn may_write_entry_requirements(s: &Subject, member_country: &str) -> bool {
    s.party_kind == PartyKind::Member && administers(s, member_country)
}

/// What the access decision needs to know about a report.
#[derive(Debug, Clone)]
pub struct ReportMeta {
    pub country: String,
    pub published_to_observers: bool,
}

/// R13: members (and the ST) read every report; observers only those published to observers.
pub fn may_read_report(s: &Subject, r: &ReportMeta) -> bool {
    is_member_user(s) || (s.party_kind == PartyKind::Observer && r.published_to_observers)
}

/// R13: may `s` list reports at all (observers get the published ones only).
pub fn may_list_reports(_s: &Subject) -> bool {
    true
}

/// R13: a member country's officers and administrators upload its reports; the ST's
/// administrators upload the ST's own.
pub fn may_upload_report(s: &Subject) -> bool {
    match s.party_kind {
        PartyKind::Member => s.has(Role::Officer) || s.has(Role::CountryAdmin),
        PartyKind::Secretariat => s.has(Role::StAdmin),
        PartyKind::Observer => false,
    }
}

/// R13: the uploading party's same roles delete its report.
pub fn may_delete_report(s: &Subject, r: &ReportMeta) -> bool {
    s.party == r.country && may_upload_report(s)
}

/// R13: only the ST publishes a report to observers (or withdraws the publication).
pub fn may_publish_report(s: &Subject) -> bool {
    s.party_kind == PartyKind::Secretariat && s.has(Role::StAdmin)
}

/// M2: a country's officers and administrators submit its manual semester aggregate.
pub fn may_write_false_passport_report(s: &Subject, country: &str) -> bool {
    s.party_kind == PartyKind::Member && s.party == country && (s.has(Role::Officer) || s.has(Role::CountryAdmin))
}

/// M2: the submitted aggregate itself (exact figures) is read back only by its country's users
/// who may query statistics or submit it; everyone else sees it through the disclosure-controlled
/// statistics only.
pub fn may_read_false_passport_report(s: &Subject, country: &str) -> bool {
    s.party_kind == PartyKind::Member
        && s.party == country
        && (s.has(Role::Officer) || s.has(Role::CountryAdmin) || s.has(Role::Analyst))
}

/// Legislation matrix: every signed-in party reads it (it is public law, compared), observers
/// included.
pub fn may_read_legislation(_s: &Subject) -> bool {
    true
}

/// Legislation matrix: a member country's rows are written, and its answer to an update round
/// given, by that country's administrators only (not the ST, not another country).
pub fn may_write_legislation(s: &Subject, country: &str) -> bool {
    s.party_kind == PartyKind::Member && administers(s, country)
}

/// Legislation matrix: the ST's administrators open and close update rounds.
pub fn may_run_legislation_rounds(s: &Subject) -> bool {
    s.party_kind == PartyKind::Secretariat && s.has(Role::StAdmin)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(party: &str, kind: PartyKind, roles: &[Role]) -> Subject {
        Subject { user_id: "u".into(), party: party.into(), party_kind: kind, roles: roles.to_vec() }
    }

    #[test]
    fn directory_is_for_members_and_maintained_by_each_country() {
        let hn_admin = subject("HN", PartyKind::Member, &[Role::CountryAdmin]);
        let hn_officer = subject("HN", PartyKind::Member, &[Role::Officer]);
        let iom = subject("IOM", PartyKind::Observer, &[Role::StatisticsReader, Role::Auditor]);
        let st = subject("ST", PartyKind::Secretariat, &[Role::StAdmin]);
        assert!(may_read_directory(&hn_officer) && may_read_directory(&st));
        assert!(!may_read_directory(&iom));
        assert!(may_write_directory(&hn_admin, "HN"));
        assert!(!may_write_directory(&hn_admin, "GT"));
        assert!(!may_write_directory(&hn_officer, "HN"));
        assert!(may_write_directory(&st, "ST") && !may_write_directory(&st, "HN"));
        assert!(!may_write_entry_requirements(&st, "ST"));
        assert!(may_write_entry_requirements(&hn_admin, "HN"));
    }

    #[test]
    fn reports_reach_observers_only_when_published() {
        let iom = subject("IOM", PartyKind::Observer, &[Role::StatisticsReader]);
        let mx = subject("MX", PartyKind::Member, &[Role::Analyst]);
        let draft = ReportMeta { country: "GT".into(), published_to_observers: false };
        let published = ReportMeta { country: "GT".into(), published_to_observers: true };
        assert!(may_read_report(&mx, &draft));
        assert!(!may_read_report(&iom, &draft));
        assert!(may_read_report(&iom, &published));
        assert!(!may_delete_report(&mx, &draft));
        assert!(may_delete_report(&subject("GT", PartyKind::Member, &[Role::Officer]), &draft));
        assert!(!may_publish_report(&mx));
    }

    #[test]
    fn legislation_is_kept_by_each_country_and_rounds_run_by_the_st() {
        let hn_admin = subject("HN", PartyKind::Member, &[Role::CountryAdmin]);
        let hn_officer = subject("HN", PartyKind::Member, &[Role::Officer]);
        let st = subject("ST", PartyKind::Secretariat, &[Role::StAdmin]);
        let iom = subject("OIM", PartyKind::Observer, &[Role::StatisticsReader]);
        assert!(may_read_legislation(&iom) && may_read_legislation(&hn_officer));
        assert!(may_write_legislation(&hn_admin, "HN"));
        assert!(!may_write_legislation(&hn_admin, "GT"));
        assert!(!may_write_legislation(&hn_officer, "HN"));
        assert!(!may_write_legislation(&st, "HN") && !may_write_legislation(&st, "ST"));
        assert!(may_run_legislation_rounds(&st) && !may_run_legislation_rounds(&hn_admin));
    }
}
