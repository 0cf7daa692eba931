//! Settings: command-line flags, then `ENLACE_*` / `DATABASE_URL` environment variables, then an
//! optional TOML file (`--config`), then defaults. Resolved and checked once at start-up; an
//! invalid setting stops the program with a message naming it.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Deserialize;

/// Every setting, as given by one source. The same struct is the CLI/env layer (clap) and the
/// file layer (serde), so the two can never disagree on names.
#[derive(Debug, Clone, Default, Args, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    /// Address and port to listen on [default: 127.0.0.1:8443].
    #[arg(long, env = "ENLACE_BIND")]
    pub bind: Option<SocketAddr>,
    /// Address and port of a second, plain-HTTP listener serving only GET /metrics (Prometheus
    /// text format) for the monitoring system; keep it on a private interface [default: off].
    #[arg(long, env = "ENLACE_METRICS_BIND")]
    pub metrics_bind: Option<SocketAddr>,
    /// Directory for the SQLite database, development TLS material and generated files [default: ./data].
    #[arg(long, env = "ENLACE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB [default: sqlite://DATA_DIR/enlace.db].
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Maximum pooled database connections [default: 8 on SQLite, 16 on PostgreSQL].
    #[arg(long, env = "ENLACE_DB_POOL_SIZE")]
    pub db_pool_size: Option<u32>,
    /// PEM certificate chain for HTTPS. Without it (and --tls-key) a development CA and a
    /// localhost certificate are generated into DATA_DIR/tls.
    #[arg(long, env = "ENLACE_TLS_CERT")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for HTTPS.
    #[arg(long, env = "ENLACE_TLS_KEY")]
    pub tls_key: Option<PathBuf>,
    /// PEM CA bundle to verify agency client certificates (mTLS). Off when not set.
    #[arg(long, env = "ENLACE_TLS_CLIENT_CA")]
    pub tls_client_ca: Option<PathBuf>,
    /// With --tls-client-ca: `required` (default) refuses clients without a certificate, `optional` accepts them.
    #[arg(long, env = "ENLACE_TLS_CLIENT_AUTH")]
    pub tls_client_auth: Option<ClientAuth>,
    /// Serve plain HTTP instead of HTTPS, for deployments behind a TLS-terminating proxy.
    #[arg(long, env = "ENLACE_PLAIN_HTTP", num_args = 0..=1, default_missing_value = "true")]
    pub plain_http: Option<bool>,
    /// Allow --plain-http on a non-loopback address.
    #[arg(long, env = "ENLACE_PLAIN_HTTP_ANY_INTERFACE", num_args = 0..=1, default_missing_value = "true")]
    pub plain_http_any_interface: Option<bool>,
    /// Proxy addresses whose X-Forwarded-For is trusted (comma-separated IPs).
    #[arg(long, env = "ENLACE_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Option<Vec<IpAddr>>,
    /// HTTP worker threads [default: number of CPUs].
    #[arg(long, env = "ENLACE_WORKERS")]
    pub workers: Option<usize>,
    /// Maximum request body in bytes [default: 1048576].
    #[arg(long, env = "ENLACE_MAX_BODY_BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Log format: `text` or `json` [default: text].
    #[arg(long, env = "ENLACE_LOG_FORMAT")]
    pub log_format: Option<LogFormat>,
    /// Require a second factor for every role, not only st_admin and country_admin.
    #[arg(long, env = "ENLACE_MFA_ALL_ROLES", num_args = 0..=1, default_missing_value = "true")]
    pub mfa_all_roles: Option<bool>,
    /// Serve Swagger UI at /docs [default: true].
    #[arg(long, env = "ENLACE_DOCS", num_args = 0..=1, default_missing_value = "true")]
    pub docs: Option<bool>,
    /// Concurrent password hash computations (each takes ~19 MiB) [default: half the CPUs, at least 1].
    #[arg(long, env = "ENLACE_HASH_CONCURRENCY")]
    pub hash_concurrency: Option<usize>,
    /// Statistics suppression threshold k: published counts from 1 to k−1 are withheld [default: 10].
    #[arg(long, env = "ENLACE_STATS_K")]
    pub stats_k: Option<u32>,
    /// Cell key method: the maximum deviation D of a published count from the true count [default: 2].
    #[arg(long, env = "ENLACE_STATS_MAX_DEVIATION")]
    pub stats_max_deviation: Option<u32>,
    /// Cell key method: the variance V of the perturbation [default: 1].
    #[arg(long, env = "ENLACE_STATS_VARIANCE")]
    pub stats_variance: Option<f64>,
    /// Cell key method: no published count lies in 1…js [default: 2].
    #[arg(long, env = "ENLACE_STATS_JS")]
    pub stats_js: Option<u32>,
    /// How often this node compacts the statistics partitions changed by case writes, in
    /// milliseconds; 0 turns the background compaction off (`enlace stats compact` does it) [default: 1000].
    #[arg(long, env = "ENLACE_STATS_COMPACTION_MS")]
    pub stats_compaction_ms: Option<u64>,
    /// Largest specimen image of a document alert, in bytes [default: 5242880].
    #[arg(long, env = "ENLACE_MAX_IMAGE_BYTES")]
    pub max_image_bytes: Option<u64>,
    /// Largest country report file, in bytes [default: 52428800].
    #[arg(long, env = "ENLACE_MAX_REPORT_BYTES")]
    pub max_report_bytes: Option<u64>,
    /// File of the master key that seals the signing keys at rest (base64 of 32 bytes). Without
    /// it, DATA_DIR/master.key is used, and created at first start (development).
    #[arg(long, env = "ENLACE_MASTER_KEY_FILE")]
    pub master_key_file: Option<PathBuf>,
    /// Waiting period of a country administrator recovery after its approval, during which the
    /// country may cancel it, in hours [default: 72].
    #[arg(long, env = "ENLACE_RECOVERY_DELAY_HOURS")]
    pub recovery_delay_hours: Option<u32>,
    /// Identifiers one user may look for in hit/no-hit queries per UTC day [default: 200].
    #[arg(long, env = "ENLACE_MATCH_QUOTA_USER")]
    pub match_quota_user: Option<u32>,
    /// Identifiers one country's users together may look for per UTC day [default: 2000].
    #[arg(long, env = "ENLACE_MATCH_QUOTA_COUNTRY")]
    pub match_quota_country: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ClientAuth {
    Required,
    Optional,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl Layer {
    /// Fill every unset setting of `self` from `other`.
    fn or(self, other: Layer) -> Layer {
        Layer {
            bind: self.bind.or(other.bind),
            metrics_bind: self.metrics_bind.or(other.metrics_bind),
            data_dir: self.data_dir.or(other.data_dir),
            database_url: self.database_url.or(other.database_url),
            db_pool_size: self.db_pool_size.or(other.db_pool_size),
            tls_cert: self.tls_cert.or(other.tls_cert),
            tls_key: self.tls_key.or(other.tls_key),
            tls_client_ca: self.tls_client_ca.or(other.tls_client_ca),
            tls_client_auth: self.tls_client_auth.or(other.tls_client_auth),
            plain_http: self.plain_http.or(other.plain_http),
            plain_http_any_interface: self.plain_http_any_interface.or(other.plain_http_any_interface),
            trusted_proxies: self.trusted_proxies.or(other.trusted_proxies),
            workers: self.workers.or(other.workers),
            max_body_bytes: self.max_body_bytes.or(other.max_body_bytes),
            log_format: self.log_format.or(other.log_format),
            mfa_all_roles: self.mfa_all_roles.or(other.mfa_all_roles),
            docs: self.docs.or(other.docs),
            hash_concurrency: self.hash_concurrency.or(other.hash_concurrency),
            stats_k: self.stats_k.or(other.stats_k),
            stats_max_deviation: self.stats_max_deviation.or(other.stats_max_deviation),
            stats_variance: self.stats_variance.or(other.stats_variance),
            stats_js: self.stats_js.or(other.stats_js),
            stats_compaction_ms: self.stats_compaction_ms.or(other.stats_compaction_ms),
            max_image_bytes: self.max_image_bytes.or(other.max_image_bytes),
            max_report_bytes: self.max_report_bytes.or(other.max_report_bytes),
            recovery_delay_hours: self.recovery_delay_hours.or(other.recovery_delay_hours),
            match_quota_user: self.match_quota_user.or(other.match_quota_user),
            match_quota_country: self.match_quota_country.or(other.match_quota_country),
            master_key_file: self.master_key_file.or(other.master_key_file),
        }
    }
}

/// TLS mode of the listener.
#[derive(Debug, Clone)]
pub enum Tls {
    /// Generate (once) a development CA and localhost certificate in DATA_DIR/tls.
    Development,
    Files {
        cert: PathBuf,
        key: PathBuf,
    },
    /// Plain HTTP behind a TLS-terminating proxy.
    Off,
}

/// The resolved, checked settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: SocketAddr,
    /// The metrics listener, if any.
    pub metrics_bind: Option<SocketAddr>,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub db_pool_size: Option<u32>,
    pub tls: Tls,
    pub client_ca: Option<(PathBuf, ClientAuth)>,
    pub trusted_proxies: Vec<IpAddr>,
    pub workers: usize,
    pub max_body_bytes: usize,
    pub log_format: LogFormat,
    pub mfa_all_roles: bool,
    pub docs: bool,
    pub hash_concurrency: usize,
    pub stats_k: u32,
    /// The perturbation parameters of the cell key method (checked: a table exists for them).
    pub stats_perturbation: crate::statistics::ptable::Params,
    pub stats_compaction_ms: u64,
    pub max_image_bytes: u64,
    pub max_report_bytes: u64,
    /// Waiting period of an administrator recovery, in hours.
    pub recovery_delay_hours: u32,
    /// Daily quotas of hit/no-hit queries, in identifiers: per user and per country.
    pub match_quota_user: u32,
    pub match_quota_country: u32,
    /// The master key file given, if any (else DATA_DIR/master.key, created if missing).
    pub master_key_file: Option<PathBuf>,
}

impl Settings {
    /// The master key of the keys at rest: the given file (which must exist), or the development
    /// one in the data directory (created at first start).
    pub fn master_key(&self) -> Result<crate::sealing::MasterKey, String> {
        match &self.master_key_file {
            Some(path) => crate::sealing::MasterKey::load(path, false),
            None => crate::sealing::MasterKey::load(&self.data_dir.join("master.key"), true),
        }
    }
}

/// A setting that cannot be used, with its name.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting `{name}`: {reason}")]
pub struct ConfigError {
    pub name: &'static str,
    pub reason: String,
}

fn bad(name: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError { name, reason: reason.into() }
}

impl Settings {
    /// Resolve the CLI/env layer over the optional TOML file and the defaults, and check it.
    pub fn resolve(cli: Layer, config_file: Option<&Path>) -> Result<Settings, ConfigError> {
        let file = match config_file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| bad("config", format!("cannot read {}: {e}", path.display())))?;
                toml::from_str::<Layer>(&text).map_err(|e| bad("config", format!("{}: {e}", path.display())))?
            }
            None => Layer::default(),
        };
        Self::from_layer(cli.or(file))
    }

    fn from_layer(l: Layer) -> Result<Settings, ConfigError> {
        let data_dir = l.data_dir.unwrap_or_else(|| PathBuf::from("data"));
        let database_url =
            l.database_url.unwrap_or_else(|| format!("sqlite://{}", data_dir.join("enlace.db").display()));
        crate::db::Backend::from_url(&database_url).map_err(|e| bad("database_url", e))?;
        let bind = l.bind.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8443)));
        let plain = l.plain_http.unwrap_or(false);
        let tls = match (plain, l.tls_cert, l.tls_key) {
            (true, None, None) => {
                if !bind.ip().is_loopback() && !l.plain_http_any_interface.unwrap_or(false) {
                    return Err(bad(
                        "plain_http",
                        "plain HTTP binds to loopback only; add --plain-http-any-interface to expose it",
                    ));
                }
                Tls::Off
            }
            (true, _, _) => {
                return Err(bad("plain_http", "cannot be combined with tls_cert/tls_key"));
            }
            (false, Some(cert), Some(key)) => Tls::Files { cert, key },
            (false, None, None) => Tls::Development,
            (false, Some(_), None) => return Err(bad("tls_key", "required with tls_cert")),
            (false, None, Some(_)) => return Err(bad("tls_cert", "required with tls_key")),
        };
        if let Tls::Files { cert, key } = &tls {
            for (name, path) in [("tls_cert", cert), ("tls_key", key)] {
                if !path.is_file() {
                    return Err(bad(name, format!("{} is not a readable file", path.display())));
                }
            }
        }
        let client_ca = match l.tls_client_ca {
            Some(ca) if ca.is_file() => Some((ca, l.tls_client_auth.unwrap_or(ClientAuth::Required))),
            Some(ca) => {
                return Err(bad("tls_client_ca", format!("{} is not a readable file", ca.display())));
            }
            None => None,
        };
        let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let workers = l.workers.unwrap_or(cpus);
        if workers == 0 || workers > 256 {
            return Err(bad("workers", "must be between 1 and 256"));
        }
        let max_body_bytes = l.max_body_bytes.unwrap_or(1024 * 1024);
        if !(1024..=64 * 1024 * 1024).contains(&max_body_bytes) {
            return Err(bad("max_body_bytes", "must be between 1024 and 67108864"));
        }
        // Half the CPUs (at least one): a login flood keeps a core free for everything else.
        let hash_concurrency = l.hash_concurrency.unwrap_or((cpus / 2).max(1));
        if hash_concurrency == 0 {
            return Err(bad("hash_concurrency", "must be at least 1"));
        }
        let stats_k = l.stats_k.unwrap_or(10);
        if !(2..=100).contains(&stats_k) {
            return Err(bad("stats_k", "must be between 2 and 100"));
        }
        let stats_perturbation = crate::statistics::ptable::Params {
            max_deviation: l.stats_max_deviation.unwrap_or(2),
            variance: l.stats_variance.unwrap_or(1.0),
            js: l.stats_js.unwrap_or(2),
        };
        if let Err(e) = crate::statistics::ptable::PTable::generate(stats_perturbation) {
            return Err(bad("stats_max_deviation", e));
        }
        if stats_perturbation.js >= stats_k {
            return Err(bad("stats_js", "must be below stats_k"));
        }
        let stats_compaction_ms = l.stats_compaction_ms.unwrap_or(1000);
        if stats_compaction_ms > 3_600_000 {
            return Err(bad("stats_compaction_ms", "must be between 0 (off) and 3600000"));
        }
        let max_image_bytes = l.max_image_bytes.unwrap_or(5 * 1024 * 1024);
        if !(1024..=64 * 1024 * 1024).contains(&max_image_bytes) {
            return Err(bad("max_image_bytes", "must be between 1024 and 67108864"));
        }
        let max_report_bytes = l.max_report_bytes.unwrap_or(50 * 1024 * 1024);
        if !(1024..=1024 * 1024 * 1024).contains(&max_report_bytes) {
            return Err(bad("max_report_bytes", "must be between 1024 and 1073741824"));
        }
        let recovery_delay_hours = l.recovery_delay_hours.unwrap_or(72);
        if !(1..=720).contains(&recovery_delay_hours) {
            return Err(bad("recovery_delay_hours", "must be between 1 and 720"));
        }
        let match_quota_user = l.match_quota_user.unwrap_or(200);
        let match_quota_country = l.match_quota_country.unwrap_or(2000);
        if !(1..=1_000_000).contains(&match_quota_user) {
            return Err(bad("match_quota_user", "must be between 1 and 1000000"));
        }
        if !(match_quota_user..=10_000_000).contains(&match_quota_country) {
            return Err(bad("match_quota_country", "must be between match_quota_user and 10000000"));
        }
        if l.metrics_bind.is_some_and(|m| m == bind && m.port() != 0) {
            return Err(bad("metrics_bind", "must differ from bind: metrics have a listener of their own"));
        }
        if l.db_pool_size == Some(0) {
            return Err(bad("db_pool_size", "must be at least 1"));
        }
        Ok(Settings {
            bind,
            metrics_bind: l.metrics_bind,
            data_dir,
            database_url,
            db_pool_size: l.db_pool_size,
            tls,
            client_ca,
            trusted_proxies: l.trusted_proxies.unwrap_or_default(),
            workers,
            max_body_bytes,
            log_format: l.log_format.unwrap_or(LogFormat::Text),
            mfa_all_roles: l.mfa_all_roles.unwrap_or(false),
            docs: l.docs.unwrap_or(true),
            hash_concurrency,
            stats_k,
            stats_perturbation,
            stats_compaction_ms,
            max_image_bytes,
            max_report_bytes,
            recovery_delay_hours,
            match_quota_user,
            match_quota_country,
            master_key_file: l.master_key_file,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(l: Layer) -> Result<Settings, ConfigError> {
        Settings::resolve(l, None)
    }

    #[test]
    fn defaults() {
        let s = resolve(Layer::default()).unwrap();
        assert_eq!(s.bind.to_string(), "127.0.0.1:8443");
        assert_eq!(s.database_url, "sqlite://data/enlace.db");
        assert!(matches!(s.tls, Tls::Development));
        assert_eq!(s.stats_k, 10);
    }

    #[test]
    fn invalid_settings_name_the_setting() {
        let cases = [
            (Layer { database_url: Some("mysql://x".into()), ..Layer::default() }, "database_url"),
            (Layer { database_url: Some("postgress://typo".into()), ..Layer::default() }, "database_url"),
            (
                Layer { plain_http: Some(true), bind: Some("0.0.0.0:8080".parse().unwrap()), ..Layer::default() },
                "plain_http",
            ),
            (Layer { tls_cert: Some("/nonexistent/cert.pem".into()), ..Layer::default() }, "tls_key"),
            (
                Layer {
                    tls_cert: Some("/nonexistent/c.pem".into()),
                    tls_key: Some("/nonexistent/k.pem".into()),
                    ..Layer::default()
                },
                "tls_cert",
            ),
            (Layer { tls_client_ca: Some("/nonexistent/ca.pem".into()), ..Layer::default() }, "tls_client_ca"),
            (Layer { workers: Some(0), ..Layer::default() }, "workers"),
            (Layer { max_body_bytes: Some(10), ..Layer::default() }, "max_body_bytes"),
            (Layer { stats_k: Some(1), ..Layer::default() }, "stats_k"),
        ];
        for (layer, name) in cases {
            let err = resolve(layer).expect_err(name);
            assert_eq!(err.name, name, "{err}");
            assert!(err.to_string().contains(name));
        }
        let ok = resolve(Layer { plain_http: Some(true), ..Layer::default() }).unwrap();
        assert!(matches!(ok.tls, Tls::Off));
    }

    #[test]
    fn the_file_fills_what_flags_and_environment_leave_unset() {
        let dir = std::env::temp_dir().join(format!("enlace-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("enlace.toml");
        std::fs::write(&file, "bind = \"127.0.0.1:9443\"\nstats_k = 12\nworkers = 3\n").unwrap();
        let s = Settings::resolve(Layer { workers: Some(1), ..Layer::default() }, Some(&file)).unwrap();
        assert_eq!(s.bind.port(), 9443);
        assert_eq!(s.stats_k, 12);
        assert_eq!(s.workers, 1, "the command line wins over the file");
        std::fs::write(&file, "bnd = \"x\"\n").unwrap();
        let err = Settings::resolve(Layer::default(), Some(&file)).unwrap_err();
        assert_eq!(err.name, "config");
        assert!(err.reason.contains("bnd"), "{err}");
    }
}
