//! enlace: secure case-information exchange for the CRM network of liaison officers against
//! trafficking in persons and migrant smuggling.
//!
//! Modules by capability:
//! - `config`, `telemetry`, `cli`: settings, logging, the command line;
//! - `digest`, `json`, `clock`: small helpers at the bottom of every layer;
//! - `db`: SQLite/PostgreSQL connections, pool and migrations;
//! - `tls`, `server`, `http`, `error`: HTTPS listener, app wiring, HTTP conventions, problem+json;
//! - `access`: PURE decisions of who may see and do what;
//! - `auth`, `admin`: identity, sessions and tokens; parties, users and roles;
//! - `formato`: PURE: the Formato estándar record types, catalog, validation, derived fields;
//! - `cases`: case submission, versions, listing, reservation policies;
//! - `statistics`: statistical facts of the cases (and, with #5, disclosure-controlled tables);
//! - `alerts`: fraudulent-document alerts with specimen images (SPEC §7 M1);
//! - `registry`: the liaison directory and entry requirements by nationality (SPEC §7 M3, M5);
//! - `reports`: country activity reports (R13), files in the data directory;
//! - `files`: uploads checked by content, image metadata stripping, streamed files;
//! - `sealing`: the signing keys sealed at rest under a master key file;
//! - `precondition`: entity tags and `If-Match`, one implementation for every resource;
//! - `private_fs`: the data directory and every file in it private to the service account;
//! - `backup`: consistent online backups (database, files, manifest) and their restore;
//! - `matching`: the keyed blind index of identifiers; `matches`: hit/no-hit queries on it;
//!   `requests`: requests between countries; `feed`: what concerns each country;
//! - `audit`: the tamper-evident audit log; `follow`: the verifier a country runs against it;
//! - `api`: thin HTTP handlers and the OpenAPI document.

pub mod access;
pub mod admin;
pub mod alerts;
pub mod api;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod cases;
pub mod cli;
pub mod clock;
pub mod config;
pub mod console;
pub mod csv;
pub mod db;
pub mod demo;
pub mod digest;
pub mod error;
pub mod feed;
pub mod files;
pub mod follow;
pub mod formato;
pub mod json;
pub mod matches;
pub mod matching;
pub mod metrics;
pub mod paging;
pub mod policy;
pub mod precondition;
pub mod private_fs;
pub mod registry;
pub mod reindex;
pub mod reports;
pub mod requests;
pub mod sealing;
pub mod server;
pub mod state;
pub mod statistics;
pub mod telemetry;
pub mod tls;
