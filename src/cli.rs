//! The command line: `serve`, `migrate`, `openapi`, `audit verify`, `admin create-user`,
//! `keys rotate`, … Every command that opens the database reads the same settings (flags,
//! environment, `--config` file), so `admin` and `audit` act on the database `serve` uses; each
//! command takes (and its `--help` lists) only the flags it uses: `serve` all of them, a command
//! on the database the few that locate it, `sample` and `openapi` none.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{Layer, Settings};

#[derive(Debug, Parser)]
#[command(
    name = "enlace",
    version,
    about = "enlace: secure case-information exchange for the CRM liaison network",
    long_about = "enlace serves the CRM's Formato estándar case exchange over HTTPS: national agencies submit \
cases, other countries read what was shared with them with legally reserved fields withheld, and \
everything is recorded in a tamper-evident audit log."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The settings of the server: every flag.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Optional TOML file with settings (keys as the long flags, with underscores).
    #[arg(long, env = "ENLACE_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub settings: Layer,
}

/// The settings of a command that works on the database without serving: where the data is,
/// and the master key that seals the signing keys.
#[derive(Debug, clap::Args)]
pub struct StoreArgs {
    /// Optional TOML file with settings (keys as the long flags of `serve`, with underscores).
    #[arg(long, env = "ENLACE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Directory of the SQLite database and generated files [default: ./data].
    #[arg(long, env = "ENLACE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB [default: sqlite://DATA_DIR/enlace.db].
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// File of the master key that seals the signing keys at rest [default: DATA_DIR/master.key].
    #[arg(long, env = "ENLACE_MASTER_KEY_FILE")]
    pub master_key_file: Option<PathBuf>,
}

impl StoreArgs {
    fn settings(self) -> Result<Settings, String> {
        let layer = Layer {
            data_dir: self.data_dir,
            database_url: self.database_url,
            master_key_file: self.master_key_file,
            ..Layer::default()
        };
        Settings::resolve(layer, self.config.as_deref()).map_err(|e| e.to_string())
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTPS API server (migrates the database first; on first run creates the TLS
    /// development certificate and the initial administrator).
    Serve(Box<ServeArgs>),
    /// Apply pending database migrations and exit.
    Migrate(StoreArgs),
    /// Write the OpenAPI document (default: openapi/openapi.json; `-` for standard output).
    Openapi {
        #[arg(long, short, default_value = "openapi/openapi.json")]
        output: String,
    },
    /// Audit log tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// User administration without a running server (e.g. the first ST administrator).
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Seed a synthetic demo data set: users of every role in every party (credentials printed
    /// once), varied reservation policies, cases across all member countries, and the companion
    /// resources (alerts with images, directory, entry requirements, reports, legislation).
    /// Refuses a database or data directory holding anything it did not create.
    Demo {
        #[command(flatten)]
        store: StoreArgs,
        /// How many cases to create.
        #[arg(long, default_value_t = 2000)]
        cases: usize,
        /// Seed of the generator (same seed, same data).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Fill every field of every case (else typical cases with fewer optional fields).
        #[arg(long)]
        full: bool,
        /// Add demo data even to a database or data directory that holds other data (its users
        /// would gain known passwords: never on a live installation).
        #[arg(long)]
        force: bool,
    },
    /// Print synthetic cases in the Formato estándar as JSON (valid request bodies): one case,
    /// or with --count a batch body `{"cases": [...]}`.
    Sample {
        /// Reporting country of the cases.
        #[arg(long, default_value = "GT")]
        country: String,
        /// Fill every field (else a typical case: 3 persons, 1 suspect, 2 documents, 3 legs).
        #[arg(long)]
        full: bool,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print a batch body with this many cases.
        #[arg(long)]
        count: Option<usize>,
    },
    /// Print the current authenticator code of a TOTP secret read from standard input (the
    /// `secret` of `POST /api/v1/me/mfa/totp`), for scripts and a first sign-in without an app.
    /// With --next, the code of the next 30-second step (a code signs in once; the server also
    /// accepts the step after the current one).
    Totp {
        #[arg(long)]
        next: bool,
    },
    /// Copy the database (one consistent copy, taken while the server runs) and the report files
    /// it refers to into a new directory, with a manifest: the SHA-256 of every file and the
    /// audit head of the copy. PostgreSQL: needs `pg_dump` on the PATH. The master key is not
    /// copied: back it up apart.
    Backup {
        #[command(flatten)]
        store: StoreArgs,
        /// The backup directory (new, or empty).
        #[arg(long)]
        to: PathBuf,
    },
    /// Restore a backup into an empty data directory or database (PostgreSQL: needs
    /// `pg_restore`): checks every file against the manifest first, then verifies the restored
    /// audit chain up to the manifest's head. Put the master key file in place before `serve`.
    Restore {
        #[command(flatten)]
        store: StoreArgs,
        /// The backup directory.
        #[arg(long)]
        from: PathBuf,
    },
    /// Statistics tools.
    Stats {
        #[command(subcommand)]
        command: StatsCommand,
    },
    /// Token signing keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a user. The password is read from standard input (--password-stdin) or generated
    /// and printed once; either way it must be changed at first sign-in.
    CreateUser {
        #[command(flatten)]
        store: StoreArgs,
        /// Party code, e.g. ST, GT, MX.
        #[arg(long)]
        party: String,
        /// Role (repeatable): st_admin, country_admin, officer, analyst, statistics_reader, auditor.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        #[arg(long)]
        username: String,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Add a new token signing key; the previous one stays valid for verification for one token
    /// lifetime. With --audit, rotate the audit log's checkpoint key instead (the old one stays
    /// published, dated, for the checkpoints it signed).
    Rotate {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        audit: bool,
    },
    /// Re-seal every stored signing key under a new master key (stop every node first, then
    /// replace the master key file on each with the new one and start them again).
    Rewrap {
        #[command(flatten)]
        store: StoreArgs,
        /// The new master key file (base64 of 32 bytes); created (0600) if it does not exist.
        #[arg(long)]
        new_master_key_file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum StatsCommand {
    /// Compact every statistics partition changed since its last compaction, now.
    Compact(StoreArgs),
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain; report the first broken event and exit non-zero if any.
    Verify(StoreArgs),
    /// Verify the log from outside, as a country's auditor: signed checkpoints, their consistency
    /// with the one kept from the previous run, and the inclusion of every event it may read
    /// (no database needed; run it from cron). Exit 1 names what failed.
    Follow(crate::follow::FollowArgs),
}

pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Audit { command: AuditCommand::Follow(args) } => {
            crate::telemetry::init(crate::config::LogFormat::Text);
            return crate::follow::run(args);
        }
        Command::Serve(args) => match Settings::resolve(args.settings, args.config.as_deref()) {
            Ok(settings) => {
                crate::telemetry::init(settings.log_format);
                serve(settings)
            }
            Err(e) => {
                eprintln!("enlace: {e}");
                return ExitCode::from(2);
            }
        },
        Command::Openapi { output } => write_openapi(&output),
        Command::Sample { country, full, seed, count } => sample(&country, full, seed, count),
        Command::Totp { next } => totp(next),
        Command::Migrate(store) => on_store(store, |s| open_migrated(s).map(|_| ExitCode::SUCCESS)),
        Command::Audit { command: AuditCommand::Verify(store) } => on_store(store, audit_verify),
        Command::Admin { command: AdminCommand::CreateUser { store, party, roles, username, password_stdin } } => {
            on_store(store, |s| create_user(s, &party, &roles, &username, password_stdin))
        }
        Command::Keys { command: KeysCommand::Rotate { store, audit } } => on_store(store, |s| rotate_keys(s, audit)),
        Command::Keys { command: KeysCommand::Rewrap { store, new_master_key_file } } => {
            on_store(store, |s| rewrap(s, &new_master_key_file))
        }
        Command::Demo { store, cases, seed, full, force } => on_store(store, |s| demo(s, cases, seed, full, force)),
        Command::Stats { command: StatsCommand::Compact(store) } => on_store(store, stats_compact),
        Command::Backup { store, to } => on_store(store, |s| backup(s, &to)),
        Command::Restore { store, from } => on_store(store, |s| restore(s, &from)),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("enlace: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Run a command on the database its settings locate (exit 2 when they are invalid).
fn on_store(store: StoreArgs, f: impl FnOnce(&Settings) -> Result<ExitCode, String>) -> Result<ExitCode, String> {
    match store.settings() {
        Ok(settings) => {
            crate::telemetry::init(settings.log_format);
            f(&settings)
        }
        Err(e) => {
            eprintln!("enlace: {e}");
            Ok(ExitCode::from(2))
        }
    }
}

fn serve(settings: Settings) -> Result<ExitCode, String> {
    let system = actix_web::rt::System::new();
    system.block_on(async move {
        let bind = settings.bind;
        let app = crate::server::Application::build(settings)?;
        tracing::info!(%bind, port = app.port(), "enlace listening");
        let handle = app.handle();
        actix_web::rt::spawn(async move {
            shutdown_signal().await;
            tracing::info!("shutting down: no new connections; finishing the requests in flight");
            handle.stop(true).await;
        });
        app.run_until_stopped().await.map_err(|e| e.to_string())?;
        tracing::info!("stopped");
        Ok(ExitCode::SUCCESS)
    })
}

/// SIGTERM (a service manager stopping the node, a load balancer draining it) or SIGINT.
async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for SIGTERM; only SIGINT stops the server gracefully");
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

fn write_openapi(output: &str) -> Result<ExitCode, String> {
    let doc = crate::api::openapi_json();
    if output == "-" {
        print!("{doc}");
    } else {
        std::fs::write(output, doc).map_err(|e| format!("cannot write {output}: {e}"))?;
        eprintln!("wrote {output}");
    }
    Ok(ExitCode::SUCCESS)
}

fn audit_verify(settings: &Settings) -> Result<ExitCode, String> {
    let mut conn = crate::db::establish(&settings.database_url)?;
    let report = crate::audit::verify(&mut conn).map_err(|e| e.to_string())?;
    if report.ok {
        println!("audit chain OK: {} events, head at {}", report.events, report.head_seq);
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "audit chain BROKEN at event {}: {}",
            report.first_broken_seq.unwrap_or_default(),
            report.reason.unwrap_or_default()
        );
        Ok(ExitCode::FAILURE)
    }
}

fn backup(settings: &Settings, to: &std::path::Path) -> Result<ExitCode, String> {
    let now = crate::clock::now_text();
    let m = crate::backup::backup(&settings.database_url, to, &now)?;
    println!(
        "backup in {}: {} file(s), audit head at event {} (master key not included: keep it apart)",
        to.display(),
        m.files.len(),
        m.audit_head.seq
    );
    Ok(ExitCode::SUCCESS)
}

fn restore(settings: &Settings, from: &std::path::Path) -> Result<ExitCode, String> {
    let m = crate::backup::restore(&settings.database_url, &settings.data_dir, from)?;
    crate::db::prepare(&settings.database_url)?;
    let mut conn = crate::db::establish(&settings.database_url)?;
    let report = crate::audit::verify(&mut conn).map_err(|e| e.to_string())?;
    let head: String = {
        use crate::db::schema::audit_head;
        use diesel::prelude::*;
        audit_head::table.filter(audit_head::id.eq(1)).select(audit_head::hash).get_result(&mut conn)
    }
    .map_err(|e| e.to_string())?;
    if !report.ok || report.head_seq != m.audit_head.seq || head != m.audit_head.hash {
        return Err(format!(
            "restored, but the audit chain does not verify up to the manifest's head (event {}): {}",
            m.audit_head.seq,
            report.reason.unwrap_or_else(|| format!("head at event {}", report.head_seq))
        ));
    }
    println!(
        "restored from {}: {} file(s); audit chain OK up to event {} as the manifest records",
        from.display(),
        m.files.len(),
        m.audit_head.seq
    );
    Ok(ExitCode::SUCCESS)
}

/// Migrate the database (and rebuild derived data of an older derivation); a connection.
fn open_migrated(settings: &Settings) -> Result<crate::db::DbConn, String> {
    let n = crate::db::prepare(&settings.database_url)?;
    if n > 0 {
        println!("{n} migration(s) applied");
    }
    let mut conn = crate::db::establish(&settings.database_url)?;
    let rendered = crate::cases::store::ensure_views_current(&mut conn).map_err(|e| e.to_string())?;
    if rendered > 0 {
        println!("renderings of {rendered} case(s) rebuilt");
    }
    let rebuilt = crate::statistics::store::ensure_current(&mut conn).map_err(|e| e.to_string())?;
    if rebuilt > 0 {
        println!("statistical records of {rebuilt} case(s) rebuilt");
    }
    let leaves = crate::audit::tree::ensure_built(&mut conn).map_err(|e| e.to_string())?;
    if leaves > 0 {
        println!("audit tree extended over {leaves} earlier event(s)");
    }
    Ok(conn)
}

fn create_user(
    settings: &Settings,
    party: &str,
    roles: &[String],
    username: &str,
    password_stdin: bool,
) -> Result<ExitCode, String> {
    let roles = roles
        .iter()
        .map(|r| crate::access::Role::parse(r).ok_or(format!("unknown role {r}")))
        .collect::<Result<Vec<_>, _>>()?;
    let (password, generated) = if password_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map_err(|e| e.to_string())?;
        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        (crate::auth::one_time_password(), true)
    };
    let mut conn = open_migrated(settings)?;
    let id = crate::admin::bootstrap::create_user_as_operator(&mut conn, party, &roles, username, &password)?;
    println!("created user {username} ({id}) in party {party}");
    if generated {
        println!("one-time password: {password}");
    }
    println!("the password must be changed at first sign-in");
    Ok(ExitCode::SUCCESS)
}

fn rotate_keys(settings: &Settings, audit: bool) -> Result<ExitCode, String> {
    let mut conn = open_migrated(settings)?;
    let master = settings.master_key()?;
    if audit {
        let id = crate::audit::checkpoints::rotate_key(&mut conn, &master).map_err(|e| e.to_string())?;
        println!("new audit checkpoint key {id}; the previous one stays published for the checkpoints it signed");
        println!("tell the countries' auditors: `enlace audit follow --accept-new-log-keys` pins it once");
    } else {
        let kid = crate::auth::tokens::rotate(&mut conn, &master).map_err(|e| e.to_string())?;
        println!("new signing key {kid}; the previous key verifies tokens for one more token lifetime");
    }
    Ok(ExitCode::SUCCESS)
}

fn rewrap(settings: &Settings, new_file: &std::path::Path) -> Result<ExitCode, String> {
    let mut conn = open_migrated(settings)?;
    let (old, new) = (settings.master_key()?, crate::sealing::MasterKey::load(new_file, true)?);
    let n = crate::db::transaction(&mut conn, |c| {
        let mut n = 0;
        for (kid, sealed) in crate::auth::tokens::sealed_keys(c)? {
            crate::auth::tokens::reseal(c, &kid, &new.seal(&old.open(&sealed)?)?)?;
            n += 1;
        }
        for (id, sealed) in crate::audit::checkpoints::sealed_keys(c)? {
            crate::audit::checkpoints::reseal(c, &id, &new.seal(&old.open(&sealed)?)?)?;
            n += 1;
        }
        if let Some(sealed) = crate::matching::index::sealed_key(c)? {
            crate::matching::index::reseal(c, &new.seal(&old.open(&sealed)?)?)?;
            n += 1;
        }
        Ok(n)
    })
    .map_err(|e| format!("{e} (is the current master key the one the keys were sealed with?)"))?;
    println!(
        "{n} key(s) re-sealed under master key {}; install {} as the master key file of every node",
        new.id(),
        new_file.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn sample(country: &str, full: bool, seed: u64, count: Option<usize>) -> Result<ExitCode, String> {
    if !crate::formato::codes::CRM_MEMBERS.contains(&country) {
        return Err(format!("{country} is not a member country"));
    }
    let case = |i: u64| {
        let input = if full {
            crate::formato::sample::full_case(seed.wrapping_add(i), country)
        } else {
            crate::formato::sample::typical_case(seed.wrapping_add(i), country)
        };
        serde_json::to_value(input).map_err(|e| e.to_string())
    };
    let out = match count {
        None => case(0)?,
        Some(n) => serde_json::json!({ "cases": (0..n as u64).map(case).collect::<Result<Vec<_>, _>>()? }),
    };
    println!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn totp(next: bool) -> Result<ExitCode, String> {
    let mut secret = String::new();
    std::io::stdin().read_line(&mut secret).map_err(|e| e.to_string())?;
    let now = crate::clock::unix_now() as u64 + if next { 30 } else { 0 };
    let code = crate::auth::mfa::code_at(secret.trim(), now).ok_or("standard input is not a base32 TOTP secret")?;
    println!("{code}");
    Ok(ExitCode::SUCCESS)
}

fn stats_compact(settings: &Settings) -> Result<ExitCode, String> {
    let mut conn = open_migrated(settings)?;
    let started = std::time::Instant::now();
    let parts = crate::statistics::store::compact(&mut conn, true, usize::MAX).map_err(|e| e.to_string())?;
    println!("{parts} statistics partition(s) compacted in {:.1} s", started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

fn demo(settings: &Settings, cases: usize, seed: u64, full: bool, force: bool) -> Result<ExitCode, String> {
    let mut conn = open_migrated(settings)?;
    let held = crate::demo::foreign_contents(&mut conn, &settings.data_dir).map_err(|e| e.to_string())?;
    match held {
        Some(held) if !force => {
            eprintln!(
                "enlace demo: refusing to write into {} (database: {}): it holds data the demo did not create ({held}).\n\
                 Demo users have known passwords. Use a new directory, e.g. `--data-dir ./demo-data`, \
                 or --force to add demo data anyway.",
                settings.data_dir.display(),
                if settings.database_url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" },
            );
            return Ok(ExitCode::from(2));
        }
        Some(held) => println!("--force: adding demo data beside what was there ({held})"),
        None => {}
    }
    let seeded_before = crate::demo::mark(&mut conn).map_err(|e| e.to_string())?;
    let master = settings.master_key()?;
    crate::auth::tokens::ensure_key(&mut conn, &master).map_err(|e| e.to_string())?;
    let idx = crate::reindex::open_blind_index(&mut conn, &master).map_err(|e| e.to_string())?;
    let credentials = crate::demo::users(&mut conn)?;
    crate::demo::policies(&mut conn, &idx).map_err(|e| e.to_string())?;
    let started = std::time::Instant::now();
    let n = crate::demo::cases(&mut conn, &idx, cases, seed, full).map_err(|e| e.to_string())?;
    println!("{n} demo cases stored in {:.1} s", started.elapsed().as_secs_f64());
    if seeded_before {
        println!("the companion resources (alerts, directory, …) were seeded by an earlier run");
    } else {
        let c = crate::demo::companions(&mut conn, &idx, &settings.data_dir).map_err(|e| e.to_string())?;
        println!(
            "{} alerts with {} images, {} directory entries, {} entry requirements, {} reports (1 published to \
             observers), {} legislation entries",
            c.alerts, c.images, c.contacts, c.entry_requirements, c.reports, c.legislation_entries
        );
    }
    let started = std::time::Instant::now();
    let parts = crate::statistics::store::compact(&mut conn, true, usize::MAX).map_err(|e| e.to_string())?;
    println!("{parts} statistics partitions compacted in {:.1} s", started.elapsed().as_secs_f64());
    if credentials.is_empty() {
        println!("demo users already existed; their passwords were printed when they were created");
    } else {
        println!("demo users (shown once; st_admin and country_admin enrol TOTP at first sign-in):");
        for c in &credentials {
            println!("  {:<28} {:<22} {:<8} {}", c.username, c.password, c.party, c.role.as_str());
        }
    }
    println!(
        "serve it with: enlace serve --data-dir {}{}",
        settings.data_dir.display(),
        if settings.database_url.starts_with("postgres") { " --database-url \"$DATABASE_URL\"" } else { "" }
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// The long flags `enlace <path> --help` lists.
    fn flags(path: &[&str]) -> Vec<String> {
        let mut cmd = Cli::command();
        cmd.build();
        let mut sub = &cmd;
        for name in path {
            sub = sub.find_subcommand(name).unwrap_or_else(|| panic!("no command {name}"));
        }
        sub.get_arguments().filter_map(|a| a.get_long()).map(str::to_owned).collect()
    }

    #[test]
    fn each_command_lists_only_the_flags_it_uses() {
        let serve = flags(&["serve"]);
        for f in ["bind", "data-dir", "database-url", "tls-cert", "stats-k", "master-key-file", "config"] {
            assert!(serve.contains(&f.to_owned()), "serve takes --{f}: {serve:?}");
        }
        for path in [&["audit", "verify"][..], &["keys", "rotate"], &["migrate"], &["stats", "compact"], &["demo"]] {
            let f = flags(path);
            assert!(f.contains(&"database-url".to_owned()) && f.contains(&"data-dir".to_owned()), "{path:?}: {f:?}");
            for server_only in ["bind", "tls-cert", "stats-k", "workers", "docs", "max-body-bytes"] {
                assert!(!f.contains(&server_only.to_owned()), "{path:?} lists --{server_only}: {f:?}");
            }
        }
        assert_eq!(flags(&["sample"]), ["country", "full", "seed", "count", "help"]);
        assert_eq!(flags(&["openapi"]), ["output", "help"]);
        assert_eq!(flags(&["totp"]), ["next", "help"]);
        assert!(
            flags(&[]).iter().all(|f| f == "help" || f == "version"),
            "no setting before the command: {:?}",
            flags(&[])
        );
    }
}
