//! HTTPS: the rustls server configuration (ring provider, TLS 1.2 and 1.3, forward-secret AEAD
//! suites only — rustls offers nothing weaker) and, for development, a local CA plus a localhost
//! certificate generated once into `DATA_DIR/tls` so clients can trust `dev-ca.pem`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;

use crate::config::ClientAuth;

/// Where the development material lives.
pub struct DevPaths {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

pub fn dev_paths(data_dir: &Path) -> DevPaths {
    let dir = data_dir.join("tls");
    DevPaths { ca: dir.join("dev-ca.pem"), cert: dir.join("dev-server.pem"), key: dir.join("dev-server-key.pem") }
}

/// Generate the development CA and a localhost certificate unless they already exist.
/// Returns the paths and whether they were created now.
pub fn ensure_dev_certificate(data_dir: &Path) -> Result<(DevPaths, bool), String> {
    let paths = dev_paths(data_dir);
    if paths.ca.is_file() && paths.cert.is_file() && paths.key.is_file() {
        return Ok((paths, false));
    }
    let dir = data_dir.join("tls");
    crate::private_fs::create_dir(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let now = time::OffsetDateTime::now_utc();

    let ca_key = rcgen::KeyPair::generate().map_err(|e| e.to_string())?;
    let mut ca_params = rcgen::CertificateParams::default();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Constrained(0));
    ca_params.distinguished_name.push(rcgen::DnType::CommonName, "enlace development CA");
    ca_params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign, rcgen::KeyUsagePurpose::CrlSign];
    ca_params.not_before = now - time::Duration::hours(1);
    ca_params.not_after = now + time::Duration::days(365);
    let ca_cert = ca_params.self_signed(&ca_key).map_err(|e| e.to_string())?;
    let issuer = rcgen::Issuer::new(ca_params, ca_key);

    let leaf_key = rcgen::KeyPair::generate().map_err(|e| e.to_string())?;
    let mut leaf =
        rcgen::CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()])
            .map_err(|e| e.to_string())?;
    leaf.distinguished_name.push(rcgen::DnType::CommonName, "localhost");
    leaf.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    leaf.not_before = now - time::Duration::hours(1);
    leaf.not_after = now + time::Duration::days(90);
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).map_err(|e| e.to_string())?;

    crate::private_fs::write(&paths.key, leaf_key.serialize_pem().as_bytes())?;
    crate::private_fs::write(&paths.cert, leaf_cert.pem().as_bytes())?;
    crate::private_fs::write(&paths.ca, ca_cert.pem().as_bytes())?;
    Ok((paths, true))
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Build the server configuration from PEM files, with optional client-certificate verification.
pub fn server_config(
    cert: &Path,
    key: &Path,
    client_ca: Option<&(PathBuf, ClientAuth)>,
) -> Result<rustls::ServerConfig, String> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| format!("{}: {e}", cert.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", cert.display()))?;
    if certs.is_empty() {
        return Err(format!("{}: no certificate found", cert.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| format!("{}: {e}", key.display()))?;
    let builder = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some((ca, mode)) => {
            let mut roots = rustls::RootCertStore::empty();
            for c in CertificateDer::pem_file_iter(ca).map_err(|e| format!("{}: {e}", ca.display()))? {
                let c = c.map_err(|e| format!("{}: {e}", ca.display()))?;
                roots.add(c).map_err(|e| format!("{}: {e}", ca.display()))?;
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider());
            let verifier = match mode {
                ClientAuth::Required => verifier.build(),
                ClientAuth::Optional => verifier.allow_unauthenticated().build(),
            }
            .map_err(|e| e.to_string())?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    builder.with_single_cert(certs, key).map_err(|e| e.to_string())
}
