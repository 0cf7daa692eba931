//! PURE: checkpoints as C2SP signed notes (`signed-note`, `tlog-checkpoint`, `tlog-cosignature`).
//!
//! - A checkpoint body is three lines: the log's origin, the tree size in decimal, the root hash in
//!   base64; a note is the body, an empty line, then signature lines
//!   `— <key name> base64(key ID ‖ signature)`, each signature over the whole body.
//! - Ed25519 note keys: key ID = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4].
//! - Cosignatures (`cosignature/v1`): key ID with 0x04, signature over
//!   `cosignature/v1\ntime <t>\n` ‖ body, encoded as key ID ‖ u64 timestamp (big-endian) ‖ sig.
//! - Verifier keys (`vkey`): `<name>+<key ID hex>+base64(type ‖ public key)`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::merkle::Hash;

pub const ED25519: u8 = 0x01;
pub const COSIGNATURE: u8 = 0x04;
const DASH: &str = "\u{2014} ";

/// A note key's ID.
pub fn key_id(name: &str, kind: u8, public_key: &[u8]) -> [u8; 4] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(name.as_bytes());
    ctx.update(b"\n");
    ctx.update(&[kind]);
    ctx.update(public_key);
    let d = ctx.finish();
    let mut id = [0u8; 4];
    id.copy_from_slice(&d.as_ref()[..4]);
    id
}

pub fn key_id_hex(id: &[u8; 4]) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}

/// A verifier key in the C2SP `vkey` encoding.
pub fn vkey(name: &str, kind: u8, public_key: &[u8]) -> String {
    let mut material = vec![kind];
    material.extend_from_slice(public_key);
    format!("{name}+{}+{}", key_id_hex(&key_id(name, kind, public_key)), STANDARD.encode(material))
}

/// A key name as the formats allow it: non-empty, no spaces or `+`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 200 && !name.chars().any(|c| c.is_whitespace() || c == '+' || c.is_control())
}

/// The body of a checkpoint.
pub fn checkpoint_body(origin: &str, size: u64, root: &Hash) -> String {
    format!("{origin}\n{size}\n{}\n", STANDARD.encode(root))
}

/// A parsed checkpoint body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
}

pub fn parse_body(body: &str) -> Option<Checkpoint> {
    let mut lines = body.strip_suffix('\n')?.split('\n');
    let origin = lines.next()?.to_owned();
    let size = lines.next()?;
    if size.is_empty() || (size.len() > 1 && size.starts_with('0')) || !size.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let root: Hash = STANDARD.decode(lines.next()?).ok()?.try_into().ok()?;
    Some(Checkpoint { origin, size: size.parse().ok()?, root })
}

/// One signature line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub name: String,
    pub key_id: [u8; 4],
    /// The signature bytes after the key ID (with a cosignature: timestamp ‖ signature).
    pub bytes: Vec<u8>,
}

impl Signature {
    pub fn line(&self) -> String {
        let mut raw = self.key_id.to_vec();
        raw.extend_from_slice(&self.bytes);
        format!("{DASH}{} {}\n", self.name, STANDARD.encode(raw))
    }
}

/// Split a note into its body and signature lines.
pub fn parse_note(note: &str) -> Option<(String, Vec<Signature>)> {
    let (body, sigs) = note.split_once("\n\n")?;
    let body = format!("{body}\n");
    let mut out = vec![];
    for line in sigs.strip_suffix('\n')?.split('\n') {
        out.push(parse_signature_line(line)?);
    }
    Some((body, out))
}

/// One line `— <name> <base64>` (without its newline).
pub fn parse_signature_line(line: &str) -> Option<Signature> {
    let rest = line.strip_suffix('\n').unwrap_or(line).strip_prefix(DASH)?;
    let (name, b64) = rest.split_once(' ')?;
    let raw = STANDARD.decode(b64).ok()?;
    if raw.len() < 5 || !valid_name(name) {
        return None;
    }
    Some(Signature { name: name.to_owned(), key_id: raw[..4].try_into().ok()?, bytes: raw[4..].to_vec() })
}

/// A note: the body and its signature lines.
pub fn note(body: &str, signatures: &[Signature]) -> String {
    let mut out = format!("{body}\n");
    for s in signatures {
        out.push_str(&s.line());
    }
    out
}

/// Sign a body with an Ed25519 note key (PKCS#8 document).
pub fn sign(body: &str, name: &str, pkcs8: &[u8]) -> Option<Signature> {
    use ring::signature::{Ed25519KeyPair, KeyPair};
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8).ok()?;
    let id = key_id(name, ED25519, pair.public_key().as_ref());
    Some(Signature { name: name.to_owned(), key_id: id, bytes: pair.sign(body.as_bytes()).as_ref().to_vec() })
}

fn verify_ed25519(public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, public_key).verify(message, signature).is_ok()
}

/// Whether `sig` is a valid note signature of `body` by this Ed25519 key.
pub fn verify(body: &str, sig: &Signature, public_key: &[u8]) -> bool {
    sig.key_id == key_id(&sig.name, ED25519, public_key) && verify_ed25519(public_key, body.as_bytes(), &sig.bytes)
}

/// The message a cosigner signs.
pub fn cosigned_message(body: &str, timestamp: u64) -> String {
    format!("cosignature/v1\ntime {timestamp}\n{body}")
}

/// Cosign a checkpoint body (a country's auditor, with its witness key).
pub fn cosign(body: &str, name: &str, pkcs8: &[u8], timestamp: u64) -> Option<Signature> {
    use ring::signature::{Ed25519KeyPair, KeyPair};
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8).ok()?;
    let id = key_id(name, COSIGNATURE, pair.public_key().as_ref());
    let mut bytes = timestamp.to_be_bytes().to_vec();
    bytes.extend_from_slice(pair.sign(cosigned_message(body, timestamp).as_bytes()).as_ref());
    Some(Signature { name: name.to_owned(), key_id: id, bytes })
}

/// Whether `sig` is a valid cosignature of `body` by this witness key; its timestamp.
pub fn verify_cosignature(body: &str, sig: &Signature, public_key: &[u8]) -> Option<u64> {
    if sig.key_id != key_id(&sig.name, COSIGNATURE, public_key) || sig.bytes.len() != 8 + 64 {
        return None;
    }
    let timestamp = u64::from_be_bytes(sig.bytes[..8].try_into().ok()?);
    (timestamp < (1 << 63) && verify_ed25519(public_key, cosigned_message(body, timestamp).as_bytes(), &sig.bytes[8..]))
        .then_some(timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keypair() -> (Vec<u8>, Vec<u8>) {
        use ring::signature::{Ed25519KeyPair, KeyPair};
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).unwrap();
        let public = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap().public_key().as_ref().to_vec();
        (pkcs8.as_ref().to_vec(), public)
    }

    #[test]
    fn signed_checkpoints_and_cosignatures_round_trip_and_verify() {
        let (private, public) = keypair();
        let body = checkpoint_body("enlace.example/audit", 20852163, &[7u8; 32]);
        assert_eq!(
            parse_body(&body),
            Some(Checkpoint { origin: "enlace.example/audit".into(), size: 20852163, root: [7; 32] })
        );
        let sig = sign(&body, "enlace.example/audit", &private).unwrap();
        assert!(verify(&body, &sig, &public));
        assert!(!verify(&checkpoint_body("enlace.example/audit", 20852164, &[7u8; 32]), &sig, &public));
        let (witness, witness_public) = keypair();
        let co = cosign(&body, "gt.example/witness", &witness, 1_700_000_000).unwrap();
        assert_eq!(verify_cosignature(&body, &co, &witness_public), Some(1_700_000_000));
        assert_eq!(verify_cosignature(&body, &co, &public), None);
        let text = note(&body, &[sig.clone(), co.clone()]);
        assert!(text.starts_with(&body) && text.contains("\n\n\u{2014} enlace.example/audit "));
        assert_eq!(parse_note(&text), Some((body.clone(), vec![sig, co])));
        assert!(vkey("enlace.example/audit", ED25519, &public).starts_with("enlace.example/audit+"));
        assert_eq!(parse_body("x\n01\nAAAA\n"), None, "no leading zeros");
    }

    /// The reference vector of Go's golang.org/x/mod/sumdb/note (the origin of the C2SP format).
    #[test]
    fn the_reference_note_verifies() {
        let vk = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
        let material = STANDARD.decode(vk.rsplit('+').next().unwrap()).unwrap();
        assert_eq!(material[0], ED25519);
        let public = &material[1..];
        assert_eq!(vkey("PeterNeumann", ED25519, public), vk);
        let text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
        let (body, sigs) = parse_note(text).unwrap();
        assert_eq!(sigs.len(), 1);
        assert!(verify(&body, &sigs[0], public));
        assert!(!verify(&body.replace("answer", "question"), &sigs[0], public));
        assert_eq!(note(&body, &sigs), text);
    }
}
