//! TOTP second factor (RFC 6238: SHA-1, 6 digits, 30 s steps, ±1 step accepted). A code is
//! accepted once: the last accepted step is stored and anything at or before it is refused.

use totp_rs::{Builder, Secret};

pub const ISSUER: &str = "enlace";

/// A new random secret (160 bits), base32 as shown to authenticator apps.
pub fn new_secret() -> String {
    Secret::from(super::random_bytes::<20>().to_vec()).to_base32()
}

pub fn otpauth_uri(username: &str, secret_b32: &str) -> String {
    format!("otpauth://totp/{ISSUER}:{username}?secret={secret_b32}&issuer={ISSUER}&algorithm=SHA1&digits=6&period=30")
}

/// The step a code matches at `now` (within ±1 step), if any.
pub fn matching_step(secret_b32: &str, code: &str, now: u64) -> Option<u64> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secret = Secret::try_from_base32(secret_b32).ok()?;
    let totp = Builder::new().with_secret(secret).build().ok()?;
    totp.check(code, now)
}

/// The code for a step (tests and enrolment helpers).
pub fn code_at(secret_b32: &str, now: u64) -> Option<String> {
    let secret = Secret::try_from_base32(secret_b32).ok()?;
    let totp = Builder::new().with_secret(secret).build().ok()?;
    Some(totp.generate(now).to_string())
}

/// Whether a matched step may be accepted given the last accepted one (replay refusal).
pub fn fresh(step: u64, last_accepted: Option<i64>) -> bool {
    last_accepted.is_none_or(|last| step as i64 > last)
}
