//! Identity: passwords, signing keys and access tokens, refresh-token sessions, TOTP, sign-in
//! throttling, and the `Principal` extractor that turns a bearer token into the acting user —
//! re-read from the database on every request, so a revoked role, a disabled user, a deactivated
//! party or an ended session is refused on the very next request.
//!
//! Sessions, throttling counters and signing keys live in the database, so several enlace nodes
//! can serve behind one load balancer.

pub mod accounts;
pub mod cookies;
pub mod mfa;
pub mod password;
pub mod principal;
pub mod service;
pub mod throttle;
pub mod tokens;

pub use principal::{Authenticated, Principal};

/// Random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    use ring::rand::SecureRandom;
    let mut buf = [0u8; N];
    // SystemRandom only fails if the OS has no randomness, in which case nothing is safe.
    if ring::rand::SystemRandom::new().fill(&mut buf).is_err() {
        panic!("the operating system random number generator failed");
    }
    buf
}

/// SHA-256 as lowercase hex (token fingerprints; never the token itself in storage or logs).
pub use crate::digest::sha256_hex;

/// An opaque random token (256 bits, base64url).
pub fn random_token() -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// A one-time password for new or reset accounts: 20 characters from an unambiguous alphabet.
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    random_bytes::<20>().iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect()
}
