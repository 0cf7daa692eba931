//! PURE: the statistical facts of one case (SPEC §8): one row per person, suspect, document and
//! route leg with the single-valued dimensions as columns, and one row per value of every
//! multi-valued dimension. Built from the stored document (input plus derived fields), so it
//! can be recomputed for any stored case. Reserved fields are included: what may be shown is
//! decided later, by disclosure control.

use serde_json::Value;

/// Case-level columns copied onto every row, so each table aggregates on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseKey {
    pub reporting_country: String,
    pub year: i32,
    pub semester: String,
    pub month: Option<i32>,
    pub case_type: String,
    pub detection_setting: Option<String>,
    /// `include_in_statistics` and not retracted.
    pub included: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PersonRow {
    pub idx: i32,
    pub person_role: Option<String>,
    pub is_victim: bool,
    pub is_smuggled: bool,
    pub sex: Option<String>,
    pub age_band: Option<String>,
    pub is_minor: Option<bool>,
    pub origin_class: Option<String>,
    pub return_status: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SuspectRow {
    pub idx: i32,
    pub sex: Option<String>,
    pub age_band: Option<String>,
    pub procedural_status: Option<String>,
    pub verdict: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DocumentRow {
    pub idx: i32,
    pub document_type: Option<String>,
    pub fraud_type: Option<String>,
    pub issuing_state: Option<String>,
    pub nationality_in_document: Option<String>,
    pub detection_setting: Option<String>,
    pub is_false_passport: bool,
    /// Origin class of the holder, when the holder is a person of the case.
    pub origin_class: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LegRow {
    pub idx: i32,
    pub from_country: Option<String>,
    pub to_country: Option<String>,
    pub transport_means: Option<String>,
    pub border_crossing_type: Option<String>,
    pub stage: Option<String>,
}

/// One value of a multi-valued dimension of an entity (`case`, `person` or `suspect`).
#[derive(Debug, Clone, PartialEq)]
pub struct ValueRow {
    pub entity: &'static str,
    pub idx: i32,
    pub dimension: &'static str,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub key: CaseKey,
    pub persons: Vec<PersonRow>,
    pub suspects: Vec<SuspectRow>,
    pub documents: Vec<DocumentRow>,
    pub legs: Vec<LegRow>,
    pub values: Vec<ValueRow>,
}

fn s(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn list<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = &'a str> {
    v.get(key).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str)
}

fn items<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = (i32, &'a Value)> {
    v.get(key).and_then(Value::as_array).into_iter().flatten().enumerate().map(|(i, x)| (i as i32, x))
}

/// Year and month of the statistical period: detection date, else the date opened.
fn period(doc: &Value) -> (i32, Option<i32>) {
    let date = s(doc, "date_detected").or_else(|| s(doc, "date_opened")).unwrap_or_default();
    let year = date.get(0..4).and_then(|y| y.parse().ok()).unwrap_or(0);
    let month = date.get(5..7).and_then(|m| m.parse().ok());
    (year, month)
}

pub fn of_case(doc: &Value) -> Facts {
    let (year, month) = period(doc);
    let key = CaseKey {
        reporting_country: s(doc, "reporting_country").unwrap_or_default(),
        year,
        semester: s(doc, "reporting_semester").unwrap_or_else(|| format!("{year}-S1")),
        month,
        case_type: s(doc, "case_type").unwrap_or_else(|| "unknown".into()),
        detection_setting: s(doc, "detection_setting"),
        included: doc["include_in_statistics"].as_bool().unwrap_or(true)
            && !doc["retracted"].as_bool().unwrap_or(false),
    };
    let mut values = vec![];
    let mut push =
        |entity, idx, dimension, value: &str| values.push(ValueRow { entity, idx, dimension, value: value.to_owned() });
    for v in list(doc, "offence_types") {
        push("case", 0, "offence_type", v);
    }
    for v in list(doc, "traveller_indicators") {
        push("case", 0, "traveller_indicator", v);
    }
    for v in list(&doc["smuggling"], "modes") {
        push("case", 0, "smuggling_mode", v);
    }
    let mut persons = vec![];
    for (i, p) in items(doc, "persons") {
        let role = s(p, "person_role");
        let id = s(p, "id");
        let return_status = items(doc, "assistance")
            .filter(|(_, a)| id.is_some() && s(a, "person_ref") == id)
            .filter_map(|(_, a)| s(a, "return_status"))
            .last();
        persons.push(PersonRow {
            idx: i,
            is_victim: matches!(role.as_deref(), Some("trafficking_victim" | "trafficking_and_smuggled")),
            is_smuggled: matches!(role.as_deref(), Some("smuggled_migrant" | "trafficking_and_smuggled")),
            person_role: role,
            sex: s(p, "sex"),
            age_band: s(p, "age_band"),
            is_minor: p.get("is_minor").and_then(Value::as_bool),
            origin_class: s(p, "origin_class"),
            return_status,
        });
        for v in list(p, "citizenship") {
            push("person", i, "citizenship", v);
        }
        let e = &p["exploitation"];
        for v in list(e, "types") {
            push("person", i, "exploitation_type", v);
        }
        for v in list(e, "means_of_control") {
            push("person", i, "means_of_control", v);
        }
        for v in list(e, "recruitment_methods") {
            push("person", i, "recruitment_method", v);
        }
    }
    let mut suspects = vec![];
    for (i, x) in items(doc, "suspects") {
        let id = s(x, "id");
        let verdict = items(doc, "proceedings")
            .filter(|(_, p)| id.is_some() && s(p, "suspect_ref") == id)
            .filter_map(|(_, p)| s(p, "verdict"))
            .last();
        suspects.push(SuspectRow {
            idx: i,
            sex: s(x, "sex"),
            age_band: s(x, "age_band"),
            procedural_status: s(x, "procedural_status"),
            verdict,
        });
        for v in list(x, "roles") {
            push("suspect", i, "suspect_role", v);
        }
        for v in list(x, "citizenship") {
            push("suspect", i, "citizenship", v);
        }
    }
    let documents = items(doc, "documents")
        .map(|(i, d)| {
            let fraud = s(d, "fraud_type");
            let kind = s(d, "document_type");
            let holder = s(d, "holder_ref");
            let origin_class = items(doc, "persons")
                .find(|(_, p)| holder.is_some() && s(p, "id") == holder)
                .and_then(|(_, p)| s(p, "origin_class"));
            DocumentRow {
                idx: i,
                is_false_passport: kind.as_deref() == Some("passport")
                    && fraud.as_deref().is_some_and(|f| f != "genuine_no_fraud" && f != "unknown"),
                document_type: kind,
                fraud_type: fraud,
                issuing_state: s(d, "issuing_state"),
                nationality_in_document: s(d, "nationality_in_document"),
                detection_setting: s(d, "detection_setting"),
                origin_class,
            }
        })
        .collect();
    let legs = items(doc, "route")
        .map(|(i, l)| LegRow {
            idx: i,
            from_country: s(l, "from_country"),
            to_country: s(l, "to_country"),
            transport_means: s(l, "transport_means"),
            border_crossing_type: s(l, "border_crossing_type"),
            stage: s(l, "stage"),
        })
        .collect();
    Facts { key, persons, suspects, documents, legs, values }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_of_a_full_case() {
        let input = crate::formato::sample::full_case(3, "GT");
        let mut doc = crate::formato::derive::stored_document(&input, "GT");
        doc["reporting_country"] = Value::from("GT");
        let f = of_case(&doc);
        assert_eq!(f.key.reporting_country, "GT");
        assert!(f.key.year >= 2019);
        assert_eq!(f.persons.len(), input.persons.len());
        assert_eq!(f.suspects.len(), input.suspects.len());
        assert_eq!(f.documents.len(), input.documents.len());
        assert_eq!(f.legs.len(), input.route.len());
        assert!(f.persons.iter().all(|p| p.age_band.is_some() && p.origin_class.is_some()));
        assert!(f.values.iter().any(|v| v.dimension == "citizenship"));
        let passports = input.documents.iter().filter(|d| crate::formato::derive::is_false_passport(d)).count();
        assert_eq!(f.documents.iter().filter(|d| d.is_false_passport).count(), passports);
        doc["retracted"] = Value::Bool(true);
        assert!(!of_case(&doc).key.included);
    }
}
