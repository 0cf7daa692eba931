//! The console's pages, by capability.

pub mod account;
pub mod audit;
pub mod cases;
pub mod home;
pub mod legislation;
pub mod statistics;
