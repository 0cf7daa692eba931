//! Black-box tests: each test starts the real server (real TLS, a random port, a fresh database)
//! and talks to it over HTTPS trusting the development CA. The database is SQLite by default;
//! set ENLACE_TEST_DATABASE_URL=postgres://USER@HOST/DB (and build with `--features postgres`)
//! to run every test on a fresh PostgreSQL database instead.

mod helpers;

mod admin_matrix;
mod alerts;
mod audit_log;
mod audit_transparency;
mod auth_flows;
mod backup;
mod browser;
mod cases;
mod console;
mod country_control;
mod demo;
mod durability;
mod full_disk;
mod http_conventions;
mod legislation;
mod matching;
mod metrics;
mod nodes;
mod outage;
mod policies;
mod registry;
mod reports;
mod security;
mod statistics;
mod statistics_attack;
mod tokens;
mod webdriver;
