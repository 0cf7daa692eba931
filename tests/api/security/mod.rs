//! The adversarial suite (issue #8): a seeded world of every country, role and sharing state with
//! canaries in every reserved value; an independent policy oracle written from SPEC §2–§3; the
//! identity × operation × object matrix; leak scans of every endpoint and of the server's log;
//! non-interference; the token corpus on every operation; resource limits.

mod leaks;
mod matrix;
mod oracle;
mod resources;
mod tokens_everywhere;
mod world;
