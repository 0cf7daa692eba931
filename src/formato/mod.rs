//! `formato`: the *Formato estándar* of enlace — the case record exchanged between the CRM
//! member countries, its field catalog and its enumerations (specification sections 4, 5, 6
//! and 9, `shared/formato/SPEC.md`).
//!
//! This module is **pure**: no I/O, no clock, no database, no global mutable state (only
//! lazily built immutable tables). Everything the server needs from the outside — the current
//! date, the reporting country — is passed in as an argument, so every function is
//! deterministic and testable in isolation.
//!
//! - [`record`]: the input types ([`CaseInput`] and its entities), denying unknown fields;
//! - [`enums`]: every enumeration (E01–E53 and the inline lists) with Spanish and English labels;
//! - [`catalog`](mod@catalog): the served [`Catalog`] of field paths, types, limits, PD classes and default
//!   reservation flags;
//! - [`validate`](mod@validate): [`validate()`](validate::validate) collecting every [`FieldIssue`], and
//!   [`apply_defaults`];
//! - [`derive`](mod@derive): server-derived values and [`stored_document`];
//! - [`codes`]: ISO 3166 / ICAO 9303 / ISO 4217 / ISO 639 code lists and CRM membership;
//! - [`sample`]: deterministic sample cases for tests, demo data and benchmarks.
//!
//! [`FormatoApi`] collects the module's OpenAPI schemas (every enumeration included) for merging
//! into the server's OpenAPI document.

pub mod catalog;
pub mod codes;
pub mod derive;
pub mod enums;
pub mod record;
pub mod sample;
pub mod validate;

#[cfg(test)]
mod tests;

pub use catalog::{Catalog, EntityDef, EnumDef, EnumValue, FieldDef, FieldType, Flag, catalog, field, reservable};
pub use codes::{CRM_MEMBERS, is_crm_member};
pub use derive::{DerivedFields, derived_fields, stored_document};
pub use enums::{ALL_ENUMS, EnumInfo, FormatoEnum};
pub use record::{
    Assistance, CaseInput, Document, Exploitation, FieldReservation, MinorCompanion, ModusOperandi, Person, Proceeding,
    RouteLeg, Sharing, Smuggling, Suspect, SuspectIdentifier,
};
pub use validate::{FieldIssue, apply_defaults, validate};

/// Version of the catalog implemented here; stored in each record's `format_version`.
pub const FORMAT_VERSION: &str = "2026.1";

/// The OpenAPI schemas of the format: the input record, the derived values, the catalog and
/// validation issues, and through them every enumeration.
#[derive(utoipa::OpenApi)]
#[openapi(components(schemas(CaseInput, DerivedFields, Catalog, FieldIssue, enums::AgeBand, enums::OriginClass)))]
pub struct FormatoApi;
