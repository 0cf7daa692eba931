//! Reference registers of the private area, each country maintaining its own rows and every
//! member reading all: the liaison directory (SPEC §7 M3) and entry requirements by nationality
//! (M5), and the comparative matrix of the members' legislation. Who may do what is decided by `access::resources`; writes are transactional with their
//! audit event; names, e-mails and phone numbers never reach logs or audit details.

pub mod directory;
pub mod entry_requirements;
pub mod legislation;

use crate::error::FieldError;

/// Shared field checks of the registers.
pub(crate) struct Checks(pub Vec<FieldError>);

impl Checks {
    pub fn new() -> Self {
        Checks(Vec::new())
    }

    pub fn push(&mut self, field: &str, code: &str, en: &str, es: &str) {
        self.0.push(FieldError::new(field, code, en, es));
    }

    /// A required text of 1 to `max` characters (after trimming).
    pub fn text(&mut self, field: &str, v: &str, max: usize) {
        let n = v.trim().chars().count();
        if n == 0 {
            self.push(field, "required", "must not be empty", "no debe estar vacío");
        } else if n > max {
            self.push(
                field,
                "too_long",
                &format!("at most {max} characters"),
                &format!("como máximo {max} caracteres"),
            );
        }
    }

    pub fn opt_text(&mut self, field: &str, v: &Option<String>, max: usize) {
        if let Some(v) = v {
            self.text(field, v, max);
        }
    }

    pub fn date(&mut self, field: &str, v: &Option<String>) -> Option<time::Date> {
        let v = v.as_deref()?;
        let d = parse_date(v);
        if d.is_none() {
            self.push(field, "invalid_date", "a date YYYY-MM-DD", "una fecha AAAA-MM-DD");
        }
        d
    }

    pub fn member_country(&mut self, field: &str, v: &str) {
        if !crate::formato::codes::is_country(v) {
            self.push(field, "invalid_country", "an ISO 3166-1 alpha-2 code", "un código ISO 3166-1 alfa-2");
        }
    }

    pub fn finish(self) -> Result<(), crate::error::ApiError> {
        if self.0.is_empty() { Ok(()) } else { Err(crate::error::ApiError::Validation(self.0)) }
    }
}

/// A calendar date `YYYY-MM-DD` (RFC 3339 `full-date`, as the OpenAPI `date` format).
pub fn parse_date(s: &str) -> Option<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    shaped.then(|| time::Date::parse(s, &format).ok()).flatten()
}

/// `^\+[1-9]\d{1,14}$` (ITU-T E.164).
pub fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else { return false };
    (2..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0')
}

/// An ISO 639-1 language code (two lower-case letters).
pub fn is_language(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_lowercase())
}

pub use crate::precondition::etag;

/// `If-Match` against the current version: required for updates (428), 412 on a stale ETag.
pub use crate::precondition::check_version as check_if_match;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_e164() {
        assert!(is_e164("+50422223333"));
        assert!(!is_e164("+0123"));
        assert!(!is_e164("50422223333"));
        assert!(!is_e164("+504 2222 3333"));
        assert!(!is_e164("+1234567890123456"));
        assert!(is_e164("+12"));
    }

    #[test]
    fn dates_and_preconditions() {
        assert!(parse_date("2026-02-28").is_some());
        assert!(parse_date("2026-02-30").is_none());
        assert!(check_if_match(None, 1, true).is_err());
        assert!(check_if_match(Some("\"v2\""), 2, true).is_ok());
        assert!(check_if_match(Some("\"v1\""), 2, true).is_err());
    }
}
