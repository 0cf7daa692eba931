//! Administration: parties (member countries, the ST, observers) and users with their roles.
//! Who may do what is decided in `access`; this module applies it, validates input, and records
//! every change with its actor, target and what changed.

pub mod bootstrap;
pub mod parties;
pub mod recovery;
pub mod users;
