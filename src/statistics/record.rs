//! PURE: the statistical record of one case, as stored in `stat_case_facts` and compacted into
//! column segments. A case is counted in one *partition* (its reporting country and the month of
//! its period, or the year when the month is unknown); its record holds, in both forms (raw for
//! the reporting country's own figures, shared for everyone else), one row per entity — the case,
//! its persons, suspects, documents and route legs — with the entity's columns in the fixed
//! order of `ENTITIES`. Only cases counted in statistics (included, not retracted) have a record.
//!
//! Every row also holds its unit's *record key* for the cell key method (`ptable`): uniform over
//! 32 bits, never exposed, fixed for the unit (the same in both forms, unchanged by edits that
//! keep the unit), and not derivable from anything a caller sees — it is an HMAC of the unit's
//! identity under the case's own random statistics salt, which never leaves the database.

use serde::{Deserialize, Serialize};

use super::facts::{Dim, Facts, Row};

/// The columns of one kind of row.
#[derive(Debug)]
pub struct Entity {
    pub name: &'static str,
    /// Single-valued columns (`None` is shown as `unknown`).
    pub singles: &'static [&'static str],
    /// Measure flags, e.g. `is_victim`.
    pub flags: &'static [&'static str],
    /// Multi-valued columns: a row counts once per distinct value.
    pub multis: &'static [&'static str],
}

/// The case row. `leg_*` are the distinct values of the case's route legs, so that cases,
/// persons, suspects and documents can be counted by route, transport means and crossing type.
pub const CASE: Entity = Entity {
    name: "case",
    singles: &["year", "semester", "month", "case_type", "detection_setting"],
    flags: &[],
    multis: &[
        "offence_type",
        "traveller_indicator",
        "smuggling_mode",
        "leg_route",
        "leg_transport_means",
        "leg_border_crossing_type",
    ],
};

pub const PERSON: Entity = Entity {
    name: "person",
    singles: &["person_role", "sex", "age_band", "is_minor", "origin_class", "return_status"],
    flags: &["is_victim", "is_smuggled", "is_minor_flag"],
    multis: &["citizenship", "exploitation_type", "means_of_control", "recruitment_method"],
};

pub const SUSPECT: Entity = Entity {
    name: "suspect",
    singles: &["sex", "age_band", "procedural_status", "verdict"],
    flags: &[],
    multis: &["suspect_role", "citizenship"],
};

pub const DOCUMENT: Entity = Entity {
    name: "document",
    singles: &[
        "document_type",
        "fraud_type",
        "issuing_state",
        "nationality_in_document",
        "document_setting",
        "origin_class",
    ],
    flags: &["is_false", "is_false_passport"],
    multis: &[],
};

pub const LEG: Entity = Entity {
    name: "leg",
    singles: &["from_country", "to_country", "transport_means", "border_crossing_type"],
    flags: &[],
    multis: &[],
};

/// Every entity; the case first, then the rows that belong to a case, in record order.
pub const ENTITIES: [&Entity; 5] = [&CASE, &PERSON, &SUSPECT, &DOCUMENT, &LEG];

/// The value shown for a missing single value.
pub const UNKNOWN: &str = "unknown";

/// One row: values in the order of its entity's columns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowRecord {
    /// The unit's record key.
    pub key: u32,
    pub singles: Vec<Option<String>>,
    pub flags: Vec<bool>,
    pub multis: Vec<Vec<String>>,
}

/// All rows of a case in one form: `rows[0]` holds the case row alone, `rows[i]` the rows of
/// `ENTITIES[i]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormRecord {
    pub rows: Vec<Vec<RowRecord>>,
}

/// The record of a case: its partition and both forms (`forms[0]` raw, `forms[1]` shared).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRecord {
    pub reporting_country: String,
    pub forms: [FormRecord; 2],
}

impl CaseRecord {
    /// The partition: `GT/2025-03`, `GT/2025` (no month) or `GT/none` (no date).
    pub fn partition(&self) -> String {
        let case = self.forms[0].rows.first().and_then(|r| r.first());
        let single = |name: &str| {
            let i = CASE.singles.iter().position(|c| *c == name)?;
            case.and_then(|c| c.singles.get(i).cloned().flatten())
        };
        let period = single("month").or_else(|| single("year")).unwrap_or_else(|| "none".into());
        partition_key(&self.reporting_country, &period)
    }

    pub fn encode(&self) -> Result<Vec<u8>, postcard::Error> {
        postcard::to_allocvec(self)
    }

    pub fn decode(bytes: &[u8]) -> Option<CaseRecord> {
        postcard::from_bytes(bytes).ok()
    }
}

pub fn partition_key(country: &str, period: &str) -> String {
    format!("{country}/{period}")
}

/// The reporting country and the period (`YYYY-MM`, `YYYY` or `none`) of a partition key.
pub fn partition_parts(key: &str) -> (&str, &str) {
    key.split_once('/').unwrap_or((key, "none"))
}

fn pick(d: &Dim, shared: bool) -> Option<String> {
    if shared { d.shared.clone() } else { d.raw.clone() }
}

fn find<'a>(dims: impl Iterator<Item = &'a Dim>, column: &str) -> Option<&'a Dim> {
    dims.into_iter().find(|d| d.column == column)
}

/// Distinct values, missing ones shown as `unknown`, sorted.
fn distinct(values: impl Iterator<Item = Option<String>>) -> Vec<String> {
    let mut v: Vec<String> = values.map(|x| x.unwrap_or_else(|| UNKNOWN.to_owned())).collect();
    v.sort();
    v.dedup();
    v
}

/// A unit's record key: the first 32 bits of HMAC-SHA-256(salt, entity "/" uid).
pub fn unit_key(salt: &[u8], entity: &str, uid: &str) -> u32 {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, salt);
    let tag = ring::hmac::sign(&key, format!("{entity}/{uid}").as_bytes());
    let b = tag.as_ref();
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn form(f: &Facts, shared: bool, salt: &[u8]) -> FormRecord {
    let multi = |entity: &str, idx: i32, dimension: &str| -> Vec<String> {
        f.values
            .iter()
            .filter(|v| v.shared == shared && v.entity == entity && v.idx == idx && v.dimension == dimension)
            .map(|v| v.value.clone())
            .collect()
    };
    let leg = |l: &Row, column: &str| find(l.dims.iter(), column).and_then(|d| pick(d, shared));
    let mut case_multis: Vec<Vec<String>> =
        ["offence_type", "traveller_indicator", "smuggling_mode"].iter().map(|m| multi("case", 0, m)).collect();
    case_multis.push(distinct(f.legs.iter().map(|l| {
        let or_unknown = |c: &str| leg(l, c).unwrap_or_else(|| UNKNOWN.to_owned());
        Some(format!("{} > {}", or_unknown("from_country"), or_unknown("to_country")))
    })));
    case_multis.push(distinct(f.legs.iter().map(|l| leg(l, "transport_means"))));
    case_multis.push(distinct(f.legs.iter().map(|l| leg(l, "border_crossing_type"))));
    let case = RowRecord {
        key: unit_key(salt, "case", "case"),
        singles: CASE.singles.iter().map(|c| find(f.case_dims.iter(), c).and_then(|d| pick(d, shared))).collect(),
        flags: vec![],
        multis: case_multis,
    };
    let rows = |entity: &Entity, rows: &[Row]| -> Vec<RowRecord> {
        rows.iter()
            .map(|r| RowRecord {
                key: unit_key(salt, entity.name, &r.uid),
                singles: entity.singles.iter().map(|c| find(r.dims.iter(), c).and_then(|d| pick(d, shared))).collect(),
                flags: entity
                    .flags
                    .iter()
                    .map(|name| {
                        r.flags
                            .iter()
                            .find(|(n, _, _)| n == name)
                            .is_some_and(|(_, raw, sh)| if shared { *sh } else { *raw })
                    })
                    .collect(),
                multis: entity.multis.iter().map(|m| multi(entity.name, r.idx, m)).collect(),
            })
            .collect()
    };
    FormRecord {
        rows: vec![
            vec![case],
            rows(&PERSON, &f.persons),
            rows(&SUSPECT, &f.suspects),
            rows(&DOCUMENT, &f.documents),
            rows(&LEG, &f.legs),
        ],
    }
}

/// The record of a case counted in statistics, with its units' keys under the case's statistics
/// `salt`; `None` if it is not counted (excluded or retracted).
pub fn of_facts(f: &Facts, salt: &[u8]) -> Option<CaseRecord> {
    f.included.then(|| CaseRecord {
        reporting_country: f.reporting_country.clone(),
        forms: [form(f, false, salt), form(f, true, salt)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seed: u64) -> CaseRecord {
        let input = crate::formato::sample::full_case(seed, "GT");
        let mut doc = crate::formato::derive::stored_document(&input, "GT");
        doc["reporting_country"] = serde_json::Value::from("GT");
        of_facts(&super::super::facts::of_case(&doc, &[]), b"salt").unwrap()
    }

    #[test]
    fn a_record_has_every_column_of_every_row_and_round_trips() {
        let r = record(7);
        for form in &r.forms {
            assert_eq!(form.rows.len(), ENTITIES.len());
            assert_eq!(form.rows[0].len(), 1, "one case row");
            for (entity, rows) in ENTITIES.iter().zip(&form.rows) {
                for row in rows {
                    assert_eq!(row.singles.len(), entity.singles.len());
                    assert_eq!(row.flags.len(), entity.flags.len());
                    assert_eq!(row.multis.len(), entity.multis.len());
                }
            }
        }
        assert!(!r.forms[0].rows[4].is_empty(), "a full case has route legs");
        assert!(r.forms[0].rows[0][0].multis[3].iter().all(|route| route.contains(" > ")));
        assert_eq!(CaseRecord::decode(&r.encode().unwrap()), Some(r.clone()));
        let p = r.partition();
        assert!(p.starts_with("GT/") && p.len() == "GT/2025-03".len(), "{p}");
    }

    #[test]
    fn excluded_cases_have_no_record() {
        let input = crate::formato::sample::full_case(7, "GT");
        let mut doc = crate::formato::derive::stored_document(&input, "GT");
        doc["include_in_statistics"] = serde_json::Value::Bool(false);
        assert!(of_facts(&super::super::facts::of_case(&doc, &[]), b"salt").is_none());
    }
}
