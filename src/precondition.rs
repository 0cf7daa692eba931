//! Entity tags and `If-Match` (RFC 9110 §8.8.3, §13.1.1): the one implementation every
//! replaceable resource uses. A versioned resource's tag is `"v<version>"`. `If-Match` holds `*`
//! or a comma-separated list of entity tags, compared strongly: a weak tag (`W/"…"`) never matches.
//! Where a replacement requires it, a missing `If-Match` is 428; one that matches nothing is 412.
//! `If-None-Match` on a cacheable read compares weakly (§13.1.2) and answers 304 when it matches.

use crate::error::ApiError;

/// The entity tag of version `version` of a resource.
pub fn etag(version: i32) -> String {
    format!("\"v{version}\"")
}

/// Whether an `If-Match` value matches the current entity tag `current`.
pub fn matches(if_match: &str, current: &str) -> bool {
    let value = if_match.trim();
    value == "*" || value.split(',').map(str::trim).any(|tag| !tag.starts_with("W/") && tag == current)
}

/// Check `If-Match` against the current entity tag: 428 when it is `required` and missing, 412
/// when it matches nothing.
pub fn check(if_match: Option<&str>, current: &str, required: bool) -> Result<(), ApiError> {
    match if_match {
        None if required => Err(ApiError::PreconditionRequired),
        None => Ok(()),
        Some(value) if matches(value, current) => Ok(()),
        Some(_) => Err(ApiError::PreconditionFailed),
    }
}

/// Whether an `If-None-Match` value matches the current entity tag `current` (weak comparison:
/// `W/"x"` and `"x"` are the same tag), so that a cacheable read may answer 304 Not Modified.
pub fn none_match_hits(if_none_match: &str, current: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    let value = if_none_match.trim();
    value == "*" || value.split(',').any(|tag| opaque(tag) == opaque(current))
}

/// `check` for a versioned resource.
pub fn check_version(if_match: Option<&str>, version: i32, required: bool) -> Result<(), ApiError> {
    check(if_match, &etag(version), required)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_9110_if_match() {
        assert!(matches("*", "\"v3\""));
        assert!(matches("\"v3\"", "\"v3\""));
        assert!(matches(" \"v1\", \"v3\" ", "\"v3\""));
        assert!(!matches("W/\"v3\"", "\"v3\""), "weak tags never match If-Match");
        assert!(!matches("\"v2\"", "\"v3\""));
        assert!(!matches("v3", "\"v3\""));
        assert!(matches!(check_version(None, 1, true), Err(ApiError::PreconditionRequired)));
        assert!(check_version(None, 1, false).is_ok());
        assert!(matches!(check_version(Some("\"v1\""), 2, true), Err(ApiError::PreconditionFailed)));
        assert!(check_version(Some("\"v2\""), 2, true).is_ok());
        assert!(none_match_hits("W/\"v3\"", "\"v3\""), "If-None-Match compares weakly");
        assert!(none_match_hits("\"v1\", \"v3\"", "\"v3\""));
        assert!(none_match_hits("*", "\"v3\""));
        assert!(!none_match_hits("\"v2\"", "\"v3\""));
    }
}
