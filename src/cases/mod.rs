//! Cases in the Formato estándar: submission (single, batch, idempotent), full-replacement
//! updates with ETag/If-Match, retraction, version history, listing and search (the
//! countries' reservation policies are `policy`). Every write is one transaction with its audit event; every
//! disclosing read is audited before the response leaves. What a caller may see is decided by
//! `access::cases`; this module never builds a response document itself.

pub mod idempotency;
pub mod service;
pub mod store;
