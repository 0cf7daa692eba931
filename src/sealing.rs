//! Keys at rest: the token signing keys and the audit signing keys are stored in the database
//! sealed (AES-256-GCM) under a key-encryption key read from a file (`--master-key-file`), so a
//! copy of the database alone cannot sign tokens or checkpoints. A development setup gets the
//! file created (0600) in the data directory at first start; production keeps it elsewhere (a
//! secret mount), the same file on every node. `enlace keys rewrap --new-master-key-file F`
//! re-seals every key under a new master key.
//!
//! Sealed text: `sealed:v1:<master key id>:<base64(nonce ‖ ciphertext ‖ tag)>`, the master key id
//! being the first 8 hex digits of SHA-256 of the key, so a wrong master key is named at once.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};

use crate::error::ApiError;

const PREFIX: &str = "sealed:v1:";

pub struct MasterKey {
    key: LessSafeKey,
    id: String,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey({})", self.id)
    }
}

impl MasterKey {
    fn from_bytes(bytes: &[u8]) -> Result<MasterKey, String> {
        let key = UnboundKey::new(&AES_256_GCM, bytes).map_err(|_| "a master key has 32 bytes".to_owned())?;
        let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
        let id = digest.as_ref()[..4].iter().map(|b| format!("{b:02x}")).collect();
        Ok(MasterKey { key: LessSafeKey::new(key), id })
    }

    /// Read the master key file (base64 of 32 random bytes). With `create`, a missing file is
    /// created first, owner-only.
    pub fn load(path: &Path, create: bool) -> Result<MasterKey, String> {
        if create && !path.exists() {
            let mut bytes = [0u8; 32];
            SystemRandom::new().fill(&mut bytes).map_err(|_| "no randomness".to_owned())?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                crate::private_fs::create_dir(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            crate::private_fs::write(path, format!("{}\n", STANDARD.encode(bytes)).as_bytes())?;
            tracing::warn!(file = %path.display(), "created a master key for the keys at rest; keep it apart from the database");
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the master key file {}: {e}", path.display()))?;
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| format!("the master key file {} is not base64 of 32 bytes", path.display()))?;
        MasterKey::from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn seal(&self, plaintext: &[u8]) -> Result<String, ApiError> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new().fill(&mut nonce).map_err(|_| ApiError::Internal)?;
        let mut buf = plaintext.to_vec();
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(PREFIX.as_bytes()), &mut buf)
            .map_err(|_| ApiError::Internal)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buf);
        Ok(format!("{PREFIX}{}:{}", self.id, STANDARD.encode(out)))
    }

    pub fn open(&self, sealed: &str) -> Result<Vec<u8>, ApiError> {
        let fail = |why: &str| {
            tracing::error!(reason = why, "a sealed key cannot be opened with this master key");
            ApiError::Internal
        };
        let rest = sealed.strip_prefix(PREFIX).ok_or_else(|| fail("not sealed"))?;
        let (id, b64) = rest.split_once(':').ok_or_else(|| fail("malformed"))?;
        if id != self.id {
            return Err(fail("sealed under another master key"));
        }
        let raw = STANDARD.decode(b64).map_err(|_| fail("malformed"))?;
        if raw.len() < NONCE_LEN + 16 {
            return Err(fail("malformed"));
        }
        let (nonce, ct) = raw.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| fail("malformed"))?;
        let mut buf = ct.to_vec();
        let plain =
            self.key.open_in_place(nonce, Aad::from(PREFIX.as_bytes()), &mut buf).map_err(|_| fail("tampered"))?;
        Ok(plain.to_vec())
    }

    /// Whether a stored value is sealed (values from before sealing are sealed at start-up).
    pub fn is_sealed(value: &str) -> bool {
        value.starts_with(PREFIX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_keys_open_only_with_their_master_key() {
        let a = MasterKey::from_bytes(&[1u8; 32]).unwrap();
        let b = MasterKey::from_bytes(&[2u8; 32]).unwrap();
        let sealed = a.seal(b"private key").unwrap();
        assert!(MasterKey::is_sealed(&sealed) && !sealed.contains("private"));
        assert_eq!(a.open(&sealed).unwrap(), b"private key");
        assert!(b.open(&sealed).is_err());
        let mut tampered = sealed.clone();
        tampered.replace_range(tampered.len() - 3.., "AAA");
        assert!(a.open(&tampered).is_err());
        assert_ne!(a.seal(b"private key").unwrap(), sealed, "a fresh nonce each time");
    }

    #[test]
    fn a_development_master_key_is_created_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("enlace-mk-{}", uuid::Uuid::new_v4().simple()));
        let path = dir.join("master.key");
        let k = MasterKey::load(&path, true).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(MasterKey::load(&path, false).unwrap().id(), k.id());
        assert!(MasterKey::load(&dir.join("missing.key"), false).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
