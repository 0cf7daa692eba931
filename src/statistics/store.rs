//! Keeps the statistical fact tables in step with the cases: every case write replaces the
//! case's facts inside the same transaction.

use diesel::prelude::*;
use serde_json::Value;

use super::facts::{self, Facts};
use crate::db::DbConn;
use crate::db::schema::{stat_documents, stat_legs, stat_persons, stat_suspects, stat_values};
use crate::error::ApiError;

/// Replace the facts of one case with those of its current document.
pub fn replace(conn: &mut DbConn, case_id: &str, document: &Value) -> Result<(), ApiError> {
    delete(conn, case_id)?;
    insert(conn, case_id, &facts::of_case(document))
}

fn delete(conn: &mut DbConn, case_id: &str) -> Result<(), ApiError> {
    diesel::delete(stat_persons::table.filter(stat_persons::case_id.eq(case_id))).execute(conn)?;
    diesel::delete(stat_suspects::table.filter(stat_suspects::case_id.eq(case_id))).execute(conn)?;
    diesel::delete(stat_documents::table.filter(stat_documents::case_id.eq(case_id))).execute(conn)?;
    diesel::delete(stat_legs::table.filter(stat_legs::case_id.eq(case_id))).execute(conn)?;
    diesel::delete(stat_values::table.filter(stat_values::case_id.eq(case_id))).execute(conn)?;
    Ok(())
}

fn insert(conn: &mut DbConn, case_id: &str, f: &Facts) -> Result<(), ApiError> {
    let k = &f.key;
    for p in &f.persons {
        diesel::insert_into(stat_persons::table)
            .values((
                (
                    stat_persons::case_id.eq(case_id),
                    stat_persons::idx.eq(p.idx),
                    stat_persons::reporting_country.eq(&k.reporting_country),
                    stat_persons::year.eq(k.year),
                    stat_persons::semester.eq(&k.semester),
                    stat_persons::month.eq(k.month),
                    stat_persons::case_type.eq(&k.case_type),
                    stat_persons::detection_setting.eq(&k.detection_setting),
                    stat_persons::included.eq(k.included),
                ),
                (
                    stat_persons::person_role.eq(&p.person_role),
                    stat_persons::is_victim.eq(p.is_victim),
                    stat_persons::is_smuggled.eq(p.is_smuggled),
                    stat_persons::sex.eq(&p.sex),
                    stat_persons::age_band.eq(&p.age_band),
                    stat_persons::is_minor.eq(p.is_minor),
                    stat_persons::origin_class.eq(&p.origin_class),
                    stat_persons::return_status.eq(&p.return_status),
                ),
            ))
            .execute(conn)?;
    }
    for s in &f.suspects {
        diesel::insert_into(stat_suspects::table)
            .values((
                (
                    stat_suspects::case_id.eq(case_id),
                    stat_suspects::idx.eq(s.idx),
                    stat_suspects::reporting_country.eq(&k.reporting_country),
                    stat_suspects::year.eq(k.year),
                    stat_suspects::semester.eq(&k.semester),
                    stat_suspects::month.eq(k.month),
                    stat_suspects::case_type.eq(&k.case_type),
                    stat_suspects::detection_setting.eq(&k.detection_setting),
                    stat_suspects::included.eq(k.included),
                ),
                (
                    stat_suspects::sex.eq(&s.sex),
                    stat_suspects::age_band.eq(&s.age_band),
                    stat_suspects::procedural_status.eq(&s.procedural_status),
                    stat_suspects::verdict.eq(&s.verdict),
                ),
            ))
            .execute(conn)?;
    }
    for d in &f.documents {
        diesel::insert_into(stat_documents::table)
            .values((
                (
                    stat_documents::case_id.eq(case_id),
                    stat_documents::idx.eq(d.idx),
                    stat_documents::reporting_country.eq(&k.reporting_country),
                    stat_documents::year.eq(k.year),
                    stat_documents::semester.eq(&k.semester),
                    stat_documents::month.eq(k.month),
                    stat_documents::case_type.eq(&k.case_type),
                    stat_documents::detection_setting.eq(&k.detection_setting),
                    stat_documents::included.eq(k.included),
                ),
                (
                    stat_documents::document_type.eq(&d.document_type),
                    stat_documents::fraud_type.eq(&d.fraud_type),
                    stat_documents::issuing_state.eq(&d.issuing_state),
                    stat_documents::nationality_in_document.eq(&d.nationality_in_document),
                    stat_documents::document_setting.eq(&d.detection_setting),
                    stat_documents::is_false_passport.eq(d.is_false_passport),
                    stat_documents::origin_class.eq(&d.origin_class),
                ),
            ))
            .execute(conn)?;
    }
    for l in &f.legs {
        diesel::insert_into(stat_legs::table)
            .values((
                (
                    stat_legs::case_id.eq(case_id),
                    stat_legs::idx.eq(l.idx),
                    stat_legs::reporting_country.eq(&k.reporting_country),
                    stat_legs::year.eq(k.year),
                    stat_legs::semester.eq(&k.semester),
                    stat_legs::month.eq(k.month),
                    stat_legs::case_type.eq(&k.case_type),
                    stat_legs::detection_setting.eq(&k.detection_setting),
                    stat_legs::included.eq(k.included),
                ),
                (
                    stat_legs::from_country.eq(&l.from_country),
                    stat_legs::to_country.eq(&l.to_country),
                    stat_legs::transport_means.eq(&l.transport_means),
                    stat_legs::border_crossing_type.eq(&l.border_crossing_type),
                    stat_legs::stage.eq(&l.stage),
                ),
            ))
            .execute(conn)?;
    }
    let mut seen = std::collections::BTreeSet::new();
    for v in &f.values {
        if !seen.insert((v.entity, v.idx, v.dimension, v.value.as_str())) {
            continue;
        }
        diesel::insert_into(stat_values::table)
            .values((
                stat_values::case_id.eq(case_id),
                stat_values::entity.eq(v.entity),
                stat_values::idx.eq(v.idx),
                stat_values::dimension.eq(v.dimension),
                stat_values::value.eq(&v.value),
            ))
            .execute(conn)?;
    }
    Ok(())
}
