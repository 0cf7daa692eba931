//! Hit/no-hit matching between countries (issue #21), after the Prüm model: a first step that
//! answers only hit or no-hit against the other countries' data, and a second step
//! (`/api/v1/requests`) in which the requesting country asks the holding country, which
//! decides what to give.
//!
//! - `normal` (PURE): identifiers in one compared form, and the materials they are indexed by;
//! - `index`: the keyed blind index, written with every case and alert;
//!
//! The queries themselves, with their quotas and audit, are `crate::matches` (above cases and
//! alerts, whose access metadata a hit needs).
//! What takes part and what a hit may name is decided in `access::matching`.

pub mod index;
pub mod normal;
