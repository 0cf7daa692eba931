//! Passwords: argon2id (m = 19456 KiB, t = 2, p = 1 — OWASP/ASVS minimum), random 16-byte salt,
//! PHC strings so parameters can rise later (a sign-in re-hashes outdated hashes), and the
//! password policy (12–128 characters, no truncation, common passwords refused).

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::error::{ApiError, FieldError};

pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 128;

fn hasher() -> Argon2<'static> {
    // Params::DEFAULT is m=19456, t=2, p=1.
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::DEFAULT)
}

/// Working memory for argon2, kept between computations: at most as many buffers exist as
/// computations ever ran at once (the server bounds that with its hashing permits), so the
/// ~19 MiB each one needs is allocated once instead of once per sign-in on whichever thread runs
/// it (which left a retained copy in every allocator arena: hundreds of MB under a login flood).
static MEMORY: std::sync::Mutex<Vec<Vec<Block>>> = std::sync::Mutex::new(Vec::new());

/// Run argon2 with pooled working memory into `out`.
fn compute(argon: &Argon2, password: &[u8], salt: &[u8], out: &mut [u8]) -> Result<(), argon2::Error> {
    let need = argon.params().block_count();
    let mut blocks = MEMORY.lock().ok().and_then(|mut pool| pool.pop()).unwrap_or_default();
    if blocks.len() < need {
        blocks.resize(need, Block::default());
    }
    let result = argon.hash_password_into_with_memory(password, salt, out, &mut blocks[..need]);
    if let Ok(mut pool) = MEMORY.lock() {
        pool.push(blocks);
    }
    result
}

/// Hash a password into a PHC string. CPU- and memory-bound: call from a blocking thread.
pub fn hash(password: &str) -> Result<String, ApiError> {
    let fail = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "password hashing failed");
        ApiError::Internal
    };
    let argon = hasher();
    let salt = argon2::password_hash::generate_salt();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    compute(&argon, password.as_bytes(), &salt, &mut out).map_err(|e| fail(&e))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon.params()).map_err(|e| fail(&e))?,
        salt: Some(Salt::new(&salt).map_err(|e| fail(&e))?),
        hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
    };
    Ok(phc.to_string())
}

/// Verify a password against a stored PHC string (constant work whatever the outcome; the
/// comparison is constant-time).
pub fn verify(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(parsed.algorithm.as_str()), Params::try_from(&parsed))
    else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let argon = Argon2::new(algorithm, version, params);
    let mut out = vec![0u8; expected.len()];
    compute(&argon, password.as_bytes(), salt.as_ref(), &mut out).is_ok()
        && Output::new(&out).is_ok_and(|computed| computed == *expected)
}

/// Whether a stored hash uses weaker parameters than the current policy.
pub fn needs_rehash(phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return true;
    };
    let param = |name: &str| parsed.params.get_decimal(name).unwrap_or(0);
    parsed.algorithm.as_str() != "argon2id"
        || param("m") < Params::DEFAULT_M_COST
        || param("t") < Params::DEFAULT_T_COST
}

/// A hash of a random password, verified against when the username is unknown so that both
/// cases cost the same.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash(&uuid::Uuid::new_v4().to_string()).unwrap_or_default())
}

const COMMON: &str = include_str!("common_passwords.txt");

/// Passwords written in this project's documentation (present and past), which anyone may read:
/// refused like common ones. The README test checks that its examples are among them.
pub const DOCUMENTED_EXAMPLES: [&str; 5] = [
    "…your own passphrase…",
    "...your own passphrase...",
    "a long new passphrase of yours",
    "a long initial passphrase",
    "your own passphrase",
];

/// Check the password policy. `field` names the request field in the error.
pub fn check_policy(password: &str, username: &str, field: &str) -> Result<(), ApiError> {
    let chars = password.chars().count();
    let lower = password.to_lowercase();
    let (code, en, es) = if chars < MIN_LEN {
        (
            "too_short",
            format!("must have at least {MIN_LEN} characters"),
            format!("debe tener al menos {MIN_LEN} caracteres"),
        )
    } else if chars > MAX_LEN {
        (
            "too_long",
            format!("must have at most {MAX_LEN} characters"),
            format!("debe tener como máximo {MAX_LEN} caracteres"),
        )
    } else if is_common(&lower)
        || DOCUMENTED_EXAMPLES.iter().any(|e| e.to_lowercase() == lower.trim())
        || (!username.is_empty() && lower.contains(&username.to_lowercase()))
        || password.chars().all(|c| password.starts_with(c))
    {
        (
            "too_common",
            "is too common, guessable or an example from the documentation".to_owned(),
            "es demasiado común, fácil de adivinar o un ejemplo de la documentación".to_owned(),
        )
    } else {
        return Ok(());
    };
    Err(ApiError::Validation(vec![FieldError::new(
        field,
        code,
        format!("password {en}"),
        format!("la contraseña {es}"),
    )]))
}

fn is_common(lower: &str) -> bool {
    COMMON.lines().map(str::trim).any(|c| !c.is_empty() && !c.starts_with('#') && c == lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_argon2id_with_policy_parameters() {
        let h = hash("correct horse battery staple").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse battery staple", &h));
        assert!(!verify("correct horse battery stapl", &h));
        assert!(!needs_rehash(&h));
        assert!(needs_rehash("$argon2id$v=19$m=4096,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"));
    }

    #[test]
    fn interoperates_with_the_reference_implementation() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let pw = "Trata y tráfico: nunca más 2026";
        let ours = hash(pw).unwrap();
        assert!(hasher().verify_password(pw.as_bytes(), &PasswordHash::new(&ours).unwrap()).is_ok());
        let theirs = hasher().hash_password(pw.as_bytes()).unwrap().to_string();
        assert!(verify(pw, &theirs));
        assert!(!verify("Trata y tráfico: nunca más 2025", &theirs));
        // Other stored parameters and variants verify under their own parameters.
        let weak = Argon2::new(Algorithm::Argon2i, Version::V0x10, Params::new(1024, 1, 1, Some(16)).unwrap());
        let old = weak.hash_password(pw.as_bytes()).unwrap().to_string();
        assert!(old.starts_with("$argon2i$v=16$m=1024,t=1,p=1$"), "{old}");
        assert!(verify(pw, &old));
        assert!(!verify("otra", &old));
        assert!(!verify(pw, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA"));
        assert!(!verify(pw, "not a hash"));
    }

    #[test]
    fn policy() {
        assert!(check_policy("short", "ana", "password").is_err());
        assert!(check_policy(&"x".repeat(129), "ana", "password").is_err());
        assert!(check_policy("password1234", "ana", "password").is_err());
        assert!(check_policy("aaaaaaaaaaaaaa", "ana", "password").is_err());
        assert!(check_policy("ana.perez-2026-xyz", "ana.perez", "password").is_err());
        assert!(check_policy("Trata y tráfico: nunca más 2026", "ana", "password").is_ok());
        let long: String = "ñandú-7".chars().cycle().take(128).collect();
        assert!(check_policy(&long, "ana", "password").is_ok());
    }
}
