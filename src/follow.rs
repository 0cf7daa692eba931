//! `enlace audit follow`: the verifier a country runs on its own machine, from cron, against the
//! service's API alone (no database). It signs in as one of the country's auditors and:
//!
//! 1. fetches the log's keys (pinned in the state directory at the first run) and the newest
//!    checkpoint, and checks its signature;
//! 2. proves the checkpoint consistent with the one it kept from its previous run (a shorter
//!    log, or one that does not extend the kept one, is a rewritten or truncated history);
//! 3. lists every event it may read and recomputes each one's Merkle leaf from what it is shown:
//!    an event it verified before must be there with the same leaf (an edited, deleted or
//!    reordered event is named by its sequence number); a new one must be proven included in
//!    the checkpoint;
//! 4. optionally cosigns the checkpoint with the country's witness key;
//! 5. keeps the checkpoint and the leaves it verified for the next run.
//!
//! It exits 0 when everything verifies, 1 naming what failed, 2 when it could not run (network,
//! sign-in, arguments). The state directory is private (0700, files 0600).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use crate::audit::chain::{LeafFields, leaf_input};
use crate::audit::{merkle, note};

/// What to follow and how.
#[derive(Debug, Clone, clap::Args)]
pub struct FollowArgs {
    /// The service's base URL, e.g. https://enlace.example.org:8443.
    #[arg(long)]
    pub url: String,
    /// Directory kept between runs (the last verified checkpoint, pinned keys, verified leaves).
    #[arg(long)]
    pub state: PathBuf,
    /// The auditor's username (or ENLACE_FOLLOW_USERNAME).
    #[arg(long, env = "ENLACE_FOLLOW_USERNAME")]
    pub username: String,
    /// A file holding the auditor's password (else ENLACE_FOLLOW_PASSWORD).
    #[arg(long)]
    pub password_file: Option<PathBuf>,
    /// A file holding the auditor's TOTP secret, where its roles require a second factor.
    #[arg(long)]
    pub totp_secret_file: Option<PathBuf>,
    /// PEM bundle of the CA that issued the service's certificate [default: the system bundle].
    #[arg(long)]
    pub ca: Option<PathBuf>,
    /// Cosign the verified checkpoint with this witness key (PKCS#8, base64 in a file)…
    #[arg(long, requires = "cosign_name")]
    pub cosign_key: Option<PathBuf>,
    /// …under this witness name (as registered by the country's administrator).
    #[arg(long)]
    pub cosign_name: Option<String>,
    /// Accept log keys that are not pinned yet (after a announced rotation).
    #[arg(long)]
    pub accept_new_log_keys: bool,
}

/// Why a run failed: `Verify` is a finding (exit 1), `Run` a failure to run (exit 2).
#[derive(Debug)]
pub enum Failure {
    Verify(String),
    Run(String),
}

fn run_err(e: impl std::fmt::Display) -> Failure {
    Failure::Run(e.to_string())
}

struct Client {
    agent: ureq::Agent,
    base: String,
    token: Option<String>,
}

impl Client {
    fn request(&self, method: &str, path: &str, body: Option<&Value>) -> Result<(u16, Vec<u8>), Failure> {
        let url = format!("{}{path}", self.base);
        let auth = self.token.as_ref().map(|t| format!("Bearer {t}"));
        let sent = match (method, body) {
            ("POST", Some(b)) => {
                let mut req = self.agent.post(&url);
                if let Some(a) = &auth {
                    req = req.header("Authorization", a);
                }
                req.send_json(b)
            }
            _ => {
                let mut req = self.agent.get(&url);
                if let Some(a) = &auth {
                    req = req.header("Authorization", a);
                }
                req.call()
            }
        };
        let mut res = sent.map_err(|e| Failure::Run(format!("{path}: {e}")))?;
        let status = res.status().as_u16();
        let bytes = res
            .body_mut()
            .with_config()
            .limit(256 * 1024 * 1024)
            .read_to_vec()
            .map_err(|e| Failure::Run(format!("{path}: {e}")))?;
        Ok((status, bytes))
    }

    fn json(&self, path: &str) -> Result<Value, Failure> {
        let (status, body) = self.request("GET", path, None)?;
        if status != 200 {
            return Err(Failure::Run(format!("{path}: HTTP {status}: {}", String::from_utf8_lossy(&body))));
        }
        serde_json::from_slice(&body).map_err(|e| Failure::Run(format!("{path}: {e}")))
    }
}

/// An HTTPS agent trusting the given CA bundle (rustls with the ring provider).
fn https(ca: Option<&Path>) -> Result<ureq::Agent, Failure> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let path = ca.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("/etc/ssl/certs/ca-certificates.crt"));
    let mut roots = vec![];
    for cert in CertificateDer::pem_file_iter(&path).map_err(|e| Failure::Run(format!("{}: {e}", path.display())))? {
        let der = cert.map_err(run_err)?;
        roots.push(ureq::tls::Certificate::from_der(der.as_ref()).to_owned());
    }
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::Specific(Arc::new(roots)))
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .build();
    let config = ureq::Agent::config_builder()
        .tls_config(tls)
        .http_status_as_error(false)
        .https_only(true)
        .timeout_global(Some(std::time::Duration::from_secs(60)))
        .build();
    Ok(ureq::Agent::new_with_config(config))
}

fn read_secret(file: Option<&Path>, env: &str) -> Result<String, Failure> {
    match file {
        Some(f) => std::fs::read_to_string(f)
            .map(|s| s.trim().to_owned())
            .map_err(|e| Failure::Run(format!("{}: {e}", f.display()))),
        None => std::env::var(env).map_err(|_| Failure::Run(format!("give --password-file or {env}"))),
    }
}

fn sign_in(c: &mut Client, args: &FollowArgs) -> Result<(), Failure> {
    let password = read_secret(args.password_file.as_deref(), "ENLACE_FOLLOW_PASSWORD")?;
    let mut body = serde_json::json!({"username": args.username, "password": password});
    if let Some(f) = &args.totp_secret_file {
        let secret = read_secret(Some(f), "")?;
        let now = crate::clock::unix_now() as u64;
        body["totp"] =
            Value::from(crate::auth::mfa::code_at(&secret, now).ok_or(Failure::Run("bad TOTP secret".into()))?);
    }
    let (status, res) = c.request("POST", "/api/v1/auth/login", Some(&body))?;
    let v: Value = serde_json::from_slice(&res).unwrap_or(Value::Null);
    if status != 200 || v["scope"] != "full" {
        return Err(Failure::Run(format!(
            "sign-in of {} failed (HTTP {status}): {}",
            args.username,
            String::from_utf8_lossy(&res)
        )));
    }
    c.token = v["access_token"].as_str().map(str::to_owned);
    Ok(())
}

fn decode_hash(s: &str) -> Option<merkle::Hash> {
    STANDARD.decode(s).ok()?.try_into().ok()
}

/// The leaf of an event as an auditor is served it.
pub fn served_leaf(e: &Value) -> Option<merkle::Hash> {
    let roles: Vec<&str> = e["actor_roles"].as_array()?.iter().filter_map(Value::as_str).collect();
    let roles = roles.join(",");
    let details = serde_json::to_string(&e["details"]).ok()?;
    let fields = LeafFields {
        seq: e["seq"].as_i64()?,
        occurred_at: e["occurred_at"].as_str()?,
        request_id: e["request_id"].as_str()?,
        actor_user_ref: e["actor_user_ref"].as_str(),
        actor_party: e["actor_party"].as_str(),
        actor_roles: &roles,
        action: e["action"].as_str()?,
        object_type: e["object_type"].as_str()?,
        object_ref: e["object_ref"].as_str(),
        object_party_ref: e["object_party_ref"].as_str(),
        outcome: e["outcome"].as_str()?,
        client_addr_ref: e["client_addr_ref"].as_str(),
        details: &details,
    };
    Some(merkle::leaf_hash(leaf_input(&fields).as_bytes()))
}

/// The shown values of committed fields match their digests.
fn shown_values_match(e: &Value) -> bool {
    [
        ("actor_user_id", "actor_user_ref"),
        ("object_id", "object_ref"),
        ("object_party", "object_party_ref"),
        ("client_addr", "client_addr_ref"),
    ]
    .iter()
    .all(|(field, reference)| match (e[field].as_str(), e["salts"][field].as_str()) {
        (Some(v), Some(salt)) => crate::audit::chain::commitment(salt, Some(v)).as_deref() == e[reference].as_str(),
        _ => true,
    })
}

struct State {
    dir: PathBuf,
}

impl State {
    fn read(&self, name: &str) -> Option<String> {
        std::fs::read_to_string(self.dir.join(name)).ok()
    }

    fn write(&self, name: &str, text: &str) -> Result<(), Failure> {
        crate::private_fs::create_dir(&self.dir).map_err(run_err)?;
        let tmp = self.dir.join(format!("{name}.tmp"));
        crate::private_fs::write(&tmp, text.as_bytes()).map_err(Failure::Run)?;
        std::fs::rename(&tmp, self.dir.join(name)).map_err(run_err)
    }
}

/// Every event the auditor may read, by sequence number.
fn all_events(c: &Client) -> Result<BTreeMap<i64, Value>, Failure> {
    let mut out = BTreeMap::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cur) => format!("/api/v1/audit?limit=500&cursor={cur}"),
            None => "/api/v1/audit?limit=500".to_owned(),
        };
        let page = c.json(&path)?;
        for e in page["items"].as_array().into_iter().flatten() {
            if let Some(seq) = e["seq"].as_i64() {
                out.insert(seq, e.clone());
            }
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return Ok(out),
        }
    }
}

fn follow(args: &FollowArgs) -> Result<String, Failure> {
    let state = State { dir: args.state.clone() };
    let mut c =
        Client { agent: https(args.ca.as_deref())?, base: args.url.trim_end_matches('/').to_owned(), token: None };
    sign_in(&mut c, args)?;

    // 1. Keys (pinned at the first run) and the newest checkpoint.
    let keys = c.json("/api/v1/audit/keys")?;
    let origin = keys["origin"].as_str().ok_or(Failure::Run("no origin in /audit/keys".into()))?.to_owned();
    let mut pinned: BTreeMap<String, String> =
        state.read("log-keys.json").and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
    let first_run = pinned.is_empty();
    if let Some(o) = state.read("origin")
        && o.trim() != origin
    {
        return Err(Failure::Verify(format!("the log's origin changed from {} to {origin}", o.trim())));
    }
    for k in keys["log"].as_array().into_iter().flatten() {
        let (Some(id), Some(public)) = (k["key_id"].as_str(), k["public_key"].as_str()) else { continue };
        match pinned.get(id) {
            Some(p) if p != public => return Err(Failure::Verify(format!("log key {id} changed its public key"))),
            Some(_) => {}
            None if first_run || args.accept_new_log_keys => {
                pinned.insert(id.to_owned(), public.to_owned());
            }
            None => {}
        }
    }
    let (status, note_bytes) = c.request("GET", "/api/v1/audit/checkpoint", None)?;
    if status != 200 {
        return Err(Failure::Run(format!("/api/v1/audit/checkpoint: HTTP {status}")));
    }
    let note_text = String::from_utf8(note_bytes).map_err(run_err)?;
    let (body, sigs) =
        note::parse_note(&note_text).ok_or(Failure::Verify("the checkpoint is not a signed note".into()))?;
    let cp = note::parse_body(&body).ok_or(Failure::Verify("the checkpoint body is malformed".into()))?;
    if cp.origin != origin {
        return Err(Failure::Verify(format!("the checkpoint's origin {} is not the log's {origin}", cp.origin)));
    }
    let signed = sigs.iter().any(|s| {
        s.name == origin
            && pinned
                .get(&note::key_id_hex(&s.key_id))
                .and_then(|p| STANDARD.decode(p).ok())
                .is_some_and(|p| note::verify(&body, s, &p))
    });
    if !signed {
        return Err(Failure::Verify(format!("checkpoint {}: no valid signature by a pinned log key", cp.size)));
    }

    // 2. Consistency with the checkpoint kept from the previous run.
    let kept = state.read("checkpoint").and_then(|t| note::parse_note(&t)).and_then(|(b, _)| note::parse_body(&b));
    if let Some(old) = &kept {
        if cp.size < old.size {
            return Err(Failure::Verify(format!(
                "the log shrank from {} to {} events: events {}..={} were removed or the history rewritten",
                old.size,
                cp.size,
                cp.size + 1,
                old.size
            )));
        }
        if cp.size == old.size && cp.root != old.root {
            return Err(Failure::Verify(format!(
                "checkpoint {} has another root than the one kept: the history was rewritten",
                cp.size
            )));
        }
        if cp.size > old.size {
            let proof = c.json(&format!("/api/v1/audit/proof/consistency?from={}&to={}", old.size, cp.size))?;
            let hashes: Option<Vec<merkle::Hash>> =
                proof["proof"].as_array().map(|a| a.iter().filter_map(Value::as_str).filter_map(decode_hash).collect());
            if !hashes.is_some_and(|h| merkle::verify_consistency(old.size, cp.size, &old.root, &cp.root, &h)) {
                return Err(Failure::Verify(format!(
                    "checkpoint {} is not consistent with checkpoint {} kept from the previous run: the history up to event {} was rewritten",
                    cp.size, old.size, old.size
                )));
            }
        }
    }

    // 3. Every event it may read.
    let mut verified: BTreeMap<i64, String> =
        state.read("leaves.json").and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
    let events = all_events(&c)?;
    for (seq, leaf) in &verified {
        let Some(e) = events.get(seq) else {
            return Err(Failure::Verify(format!("event {seq}, verified before, is missing")));
        };
        let now = served_leaf(e).map(|h| STANDARD.encode(h));
        if now.as_deref() != Some(leaf.as_str()) {
            return Err(Failure::Verify(format!("event {seq} changed since it was verified")));
        }
    }
    let mut new = 0;
    for (seq, e) in events.range(..=(cp.size as i64)) {
        if verified.contains_key(seq) {
            continue;
        }
        let leaf = served_leaf(e).ok_or_else(|| Failure::Verify(format!("event {seq} is malformed")))?;
        if e["leaf_hash"].as_str() != Some(STANDARD.encode(leaf).as_str()) || !shown_values_match(e) {
            return Err(Failure::Verify(format!("event {seq}: its content does not match its leaf")));
        }
        let proof = c.json(&format!("/api/v1/audit/proof/inclusion?seq={seq}&size={}", cp.size))?;
        let hashes: Option<Vec<merkle::Hash>> =
            proof["proof"].as_array().map(|a| a.iter().filter_map(Value::as_str).filter_map(decode_hash).collect());
        if !hashes.is_some_and(|h| merkle::verify_inclusion(&leaf, (*seq - 1) as u64, cp.size, &h, &cp.root)) {
            return Err(Failure::Verify(format!("event {seq} is not in the tree of checkpoint {}", cp.size)));
        }
        verified.insert(*seq, STANDARD.encode(leaf));
        new += 1;
    }

    // 4. Cosign.
    let mut cosigned = String::new();
    if let (Some(key_file), Some(name)) = (&args.cosign_key, &args.cosign_name) {
        let pkcs8 = STANDARD.decode(read_secret(Some(key_file), "")?).map_err(run_err)?;
        let sig = note::cosign(&body, name, &pkcs8, crate::clock::unix_now() as u64)
            .ok_or(Failure::Run("the witness key is not an Ed25519 PKCS#8 key".into()))?;
        let submission = serde_json::json!({"size": cp.size, "cosignature": sig.line()});
        let (status, res) = c.request("POST", "/api/v1/audit/checkpoint/cosignatures", Some(&submission))?;
        if status != 200 {
            return Err(Failure::Run(format!(
                "cosignature refused (HTTP {status}): {}",
                String::from_utf8_lossy(&res)
            )));
        }
        cosigned = format!(", cosigned as {name}");
    }

    // 5. Keep what was verified.
    state.write("origin", &origin)?;
    state.write("log-keys.json", &serde_json::to_string(&pinned).map_err(run_err)?)?;
    state.write("leaves.json", &serde_json::to_string(&verified).map_err(run_err)?)?;
    state.write("checkpoint", &note_text)?;
    let since = kept.map(|k| format!(", consistent with checkpoint {}", k.size)).unwrap_or_default();
    Ok(format!(
        "audit log OK: checkpoint {} (root {}){since}; {} events verified ({new} new){cosigned}",
        cp.size,
        STANDARD.encode(cp.root),
        verified.len()
    ))
}

/// Run the verifier; the exit code says what happened.
pub fn run(args: FollowArgs) -> ExitCode {
    match follow(&args) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(Failure::Verify(what)) => {
            println!("audit log verification FAILED: {what}");
            ExitCode::from(1)
        }
        Err(Failure::Run(why)) => {
            eprintln!("enlace audit follow: {why}");
            ExitCode::from(2)
        }
    }
}
