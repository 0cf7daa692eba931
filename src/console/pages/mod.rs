//! The console's pages, by capability.

pub mod account;
pub mod alerts;
pub mod audit;
pub mod case_form;
pub mod cases;
pub mod home;
pub mod legislation;
pub mod parties;
pub mod policy;
pub mod registry;
pub mod statistics;
pub mod users;
