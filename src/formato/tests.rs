//! Cross-file tests of the format: the catalog and the Rust types describe the same paths, the
//! samples are valid, every validation issue code is produced at the exact path, unknown and
//! forbidden fields are rejected, and the OpenAPI carries every enumeration.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use time::{Date, macros::date};
use utoipa::OpenApi;
use uuid::Uuid;

use super::catalog::{self, FieldType};
use super::codes::CRM_MEMBERS;
use super::derive::stored_document;
use super::enums::*;
use super::record::*;
use super::sample::{full_case, typical_case};
use super::validate::{apply_defaults, catalog_path, issue, validate};
use super::{FORMAT_VERSION, FormatoApi};

const TODAY: Date = date!(2026 - 11 - 23);

/// Paths the record holds that are not catalog fields.
const NOT_CATALOG_FIELDS: &[&str] = &["field_reservations[].path", "field_reservations[].reason"];

/// System fields: in the catalog, added by the server, never in the input or stored document.
const SYSTEM_FIELDS: &[&str] = &[
    "case_id",
    "format_version",
    "version",
    "reporting_country",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
];

fn is_object_list(path: &str) -> bool {
    catalog::field(path).is_some_and(|f| f.field_type == FieldType::ObjectList)
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() { key.to_string() } else { format!("{prefix}.{key}") }
}

/// Collects the leaf paths of a stored document in catalog notation.
fn walk_value(value: &Value, path: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                walk_value(v, &join(path, k), out);
            }
        }
        Value::Array(items) if items.iter().all(Value::is_object) && !is_object_list(path) => {
            for item in items {
                walk_value(item, &format!("{path}[]"), out);
            }
        }
        _ => {
            out.insert(path.to_string());
        }
    }
}

fn catalog_paths(include_derived: bool) -> BTreeSet<String> {
    catalog::catalog()
        .fields
        .iter()
        .filter(|f| !f.system && (include_derived || !f.derived))
        .map(|f| f.path.to_string())
        .collect()
}

fn without_non_catalog(paths: BTreeSet<String>) -> BTreeSet<String> {
    paths.into_iter().filter(|p| !NOT_CATALOG_FIELDS.contains(&p.as_str())).collect()
}

#[test]
fn system_fields_are_the_catalog_system_fields() {
    let system: BTreeSet<&str> = catalog::catalog().fields.iter().filter(|f| f.system).map(|f| f.path).collect();
    assert_eq!(system, SYSTEM_FIELDS.iter().copied().collect());
}

#[test]
fn stored_full_case_has_exactly_the_catalog_paths() {
    for seed in [0, 1, 7, 42] {
        let doc = stored_document(&full_case(seed, "GT"), "GT");
        let mut paths = BTreeSet::new();
        walk_value(&doc, "", &mut paths);
        for p in NOT_CATALOG_FIELDS {
            assert!(paths.contains(*p), "full_case lacks {p}");
        }
        let paths = without_non_catalog(paths);
        let expected = catalog_paths(true);
        let missing: Vec<_> = expected.difference(&paths).collect();
        let extra: Vec<_> = paths.difference(&expected).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "seed {seed}: in catalog but not in full_case: {missing:?}; in full_case but not in catalog: {extra:?}"
        );
    }
}

/// Collects the leaf paths of the OpenAPI schema of `CaseInput`, independently of any sample.
fn walk_schema(schema: &Value, components: &Value, path: &str, out: &mut BTreeSet<String>) {
    let schema = resolve(schema, components);
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (k, v) in props {
            walk_schema(v, components, &join(path, k), out);
        }
        return;
    }
    if schema.get("type") == Some(&json!("array")) {
        let items = resolve(&schema["items"], components);
        if items.get("properties").is_some() && !is_object_list(path) {
            walk_schema(items, components, &format!("{path}[]"), out);
            return;
        }
    }
    out.insert(path.to_string());
}

/// Follows `$ref`s and unwraps the `oneOf: [null, T]` of optional fields.
fn resolve<'a>(schema: &'a Value, components: &'a Value) -> &'a Value {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/components/schemas/");
        return resolve(&components[name], components);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let non_null: Vec<&Value> = options.iter().filter(|o| o.get("type") != Some(&json!("null"))).collect();
            if let [only] = non_null.as_slice() {
                return resolve(only, components);
            }
        }
    }
    schema
}

fn openapi_json() -> Value {
    serde_json::to_value(FormatoApi::openapi()).unwrap()
}

#[test]
fn rust_input_types_have_exactly_the_catalog_input_paths() {
    let api = openapi_json();
    let components = &api["components"]["schemas"];
    let mut paths = BTreeSet::new();
    walk_schema(&components["CaseInput"], components, "", &mut paths);
    for p in NOT_CATALOG_FIELDS {
        assert!(paths.contains(*p), "schema lacks {p}");
    }
    let paths = without_non_catalog(paths);
    let expected = catalog_paths(false);
    let missing: Vec<_> = expected.difference(&paths).collect();
    let extra: Vec<_> = paths.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "in catalog but not in CaseInput: {missing:?}; in CaseInput but not in catalog: {extra:?}"
    );
}

#[test]
fn openapi_carries_every_enum() {
    let api = openapi_json();
    let schemas = api["components"]["schemas"].as_object().unwrap();
    for e in ALL_ENUMS {
        let schema = schemas.get(e.rust_name);
        assert!(schema.is_some(), "{} ({}) missing from OpenAPI", e.rust_name, e.name);
        let values: BTreeSet<&str> =
            schema.unwrap()["enum"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        let codes: BTreeSet<&str> = e.values.iter().map(|v| v.0).collect();
        assert_eq!(values, codes, "{}", e.name);
    }
    for name in ["CaseInput", "Catalog", "FieldIssue", "DerivedFields", "FieldDef", "EnumDef"] {
        assert!(schemas.contains_key(name), "{name}");
    }
}

#[test]
fn catalog_enums_match_serde_codes() {
    let cat = catalog::catalog();
    assert_eq!(cat.enums.len(), ALL_ENUMS.len());
    assert_eq!(cat.version, FORMAT_VERSION);
    for (def, info) in cat.enums.iter().zip(ALL_ENUMS) {
        assert_eq!(def.name, info.name);
        let codes: Vec<&str> = def.values.iter().map(|v| v.code).collect();
        let serde: Vec<&str> = info.values.iter().map(|v| v.0).collect();
        assert_eq!(codes, serde, "{}", def.name);
        assert!(codes.contains(&"unknown"), "{}", def.name);
    }
    assert_eq!(serde_roundtrip_failures(), Vec::<String>::new());
}

#[test]
fn every_enum_field_accepts_unknown() {
    // `unknown` in every enum field of a full case still deserializes.
    let mut doc = serde_json::to_value(full_case(3, "MX")).unwrap();
    doc["case_type"] = json!("unknown");
    doc["persons"][0]["sex"] = json!("unknown");
    doc["persons"][0]["exploitation"]["forced_labour_industry"] = json!("unknown");
    doc["source_reliability"] = json!("unknown");
    doc["information_accuracy"] = json!("unknown");
    doc["documents"][0]["passport_subtype"] = json!("unknown");
    doc["route"][0]["stage"] = json!("unknown");
    doc["modus_operandi"]["technology_used"] = json!(["unknown"]);
    let input: CaseInput = serde_json::from_value(doc).unwrap();
    assert_eq!(input.case_type, Some(CaseType::Unknown));
    assert_eq!(input.persons[0].sex, Some(Sex::Unknown));
}

#[test]
fn samples_are_valid_for_many_seeds_and_every_member() {
    for seed in 0..200 {
        let rc = CRM_MEMBERS[(seed % 11) as usize];
        for (name, case) in [("full", full_case(seed, rc)), ("typical", typical_case(seed, rc))] {
            if let Err(issues) = validate(&case, TODAY) {
                panic!("{name}_case({seed}, {rc}) is invalid: {issues:#?}");
            }
        }
    }
    for rc in CRM_MEMBERS {
        for seed in 0..20 {
            assert_eq!(validate(&full_case(seed, rc), TODAY), Ok(()), "{rc} {seed}");
            assert_eq!(validate(&typical_case(seed, rc), TODAY), Ok(()), "{rc} {seed}");
        }
    }
}

#[test]
fn samples_are_deterministic_and_vary() {
    assert_eq!(full_case(5, "HN"), full_case(5, "HN"));
    assert_eq!(typical_case(5, "HN"), typical_case(5, "HN"));
    assert_ne!(full_case(5, "HN"), full_case(6, "HN"));
    let types: BTreeSet<String> =
        (0..50).filter_map(|s| full_case(s, "MX").case_type.map(|t| t.code().to_string())).collect();
    assert!(types.len() >= 3, "{types:?}");
    let origins: BTreeSet<String> =
        (0..50).map(|s| full_case(s, "MX").route[0].from_country.clone().unwrap_or_default()).collect();
    assert!(origins.len() >= 5, "{origins:?}");
    let typical = typical_case(9, "CR");
    assert_eq!(
        (typical.persons.len(), typical.suspects.len(), typical.documents.len(), typical.route.len()),
        (3, 1, 2, 3)
    );
    let full = full_case(9, "CR");
    assert!(full.documents.iter().any(super::derive::is_false_passport));
    let doc = stored_document(&full, "CR");
    assert_eq!(doc["persons"][1]["is_minor"], true);
}

#[test]
fn input_round_trips_and_stored_document_is_not_input() {
    let case = full_case(11, "SV");
    let json = serde_json::to_string(&case).unwrap();
    let back: CaseInput = serde_json::from_str(&json).unwrap();
    assert_eq!(back, case);
    // The stored document carries derived fields, which the input rejects.
    let stored = stored_document(&case, "SV");
    assert!(serde_json::from_value::<CaseInput>(stored).is_err());
}

// ---------------------------------------------------------------- unknown and forbidden fields

fn minimal() -> Value {
    json!({
        "case_type": "smuggling",
        "case_status": "active",
        "date_opened": "2025-01-10",
        "sharing": {"scope": "national"},
        "persons": [{"id": "0190c2b4-7e2a-7c3d-9a1b-5f6e7d8c9b0a", "person_role": "smuggled_migrant"}]
    })
}

fn rejects(mutate: impl FnOnce(&mut Value)) -> String {
    let mut doc = minimal();
    mutate(&mut doc);
    match serde_json::from_value::<CaseInput>(doc) {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn minimal_case_is_valid() {
    let mut input: CaseInput = serde_json::from_value(minimal()).unwrap();
    assert!(input.handling_codes.is_empty());
    apply_defaults(&mut input);
    assert_eq!(input.handling_codes, vec![HandlingCode::H0, HandlingCode::H2]);
    assert_eq!(validate(&input, TODAY), Ok(()));
}

#[test]
fn forbidden_and_unknown_fields_are_rejected() {
    for (where_, key) in [
        ("person", "phone"),
        ("person", "address"),
        ("person", "photograph"),
        ("person", "biometrics"),
        ("person", "dna"),
        ("person", "age_band"),
        ("person", "is_minor"),
        ("person", "origin_class"),
        ("top", "case_id"),
        ("top", "version"),
        ("top", "format_version"),
        ("top", "reporting_country"),
        ("top", "created_at"),
        ("top", "updated_by"),
        ("top", "reporting_semester"),
        ("top", "phone"),
    ] {
        let err = rejects(|d| {
            let target = if where_ == "person" { &mut d["persons"][0] } else { d };
            target[key] = json!("x");
        });
        assert!(err.contains("unknown field"), "{key}: {err}");
    }
    let err = rejects(|d| d["persons"][0]["exploitation"] = json!({"duration_months": 3}));
    assert!(err.contains("unknown field"), "{err}");
    let err = rejects(|d| d["suspects"] = json!([{"age_band": "18_20"}]));
    assert!(err.contains("unknown field"), "{err}");
    let err = rejects(|d| d["sharing"]["shared_with"] = json!(["MX"]));
    assert!(err.contains("unknown field"), "{err}");
    let err = rejects(|d| d["case_type"] = json!("Trafficking"));
    assert!(err.contains("unknown variant"), "{err}");
}

// ---------------------------------------------------------------- validation issue codes

fn base() -> CaseInput {
    full_case(1, "GT")
}

fn issues_of(input: &CaseInput) -> Vec<(String, &'static str)> {
    match validate(input, TODAY) {
        Ok(()) => Vec::new(),
        Err(issues) => issues.into_iter().map(|i| (i.field, i.code)).collect(),
    }
}

#[track_caller]
fn assert_issue(input: &CaseInput, field: &str, code: &str) {
    let issues = issues_of(input);
    assert!(issues.iter().any(|(f, c)| f == field && *c == code), "expected {code} at {field}, got {issues:?}");
}

fn other_id() -> Option<Uuid> {
    Some(Uuid::from_u128(0x0123_4567_89ab_4cde_8f01_2345_6789_abcd))
}

#[test]
fn base_is_valid_and_messages_are_bilingual() {
    assert_eq!(validate(&base(), TODAY), Ok(()));
    let mut c = base();
    c.case_type = None;
    let issues = validate(&c, TODAY).unwrap_err();
    assert_eq!(issues.len(), 1);
    assert!(!issues[0].message_en.is_empty() && !issues[0].message_es.is_empty());
    assert_ne!(issues[0].message_en, issues[0].message_es);
    let json = serde_json::to_value(&issues[0]).unwrap();
    assert_eq!(json["field"], "case_type");
    assert_eq!(json["code"], "required");
}

#[test]
fn required() {
    let mut c = base();
    c.case_type = None;
    c.case_status = None;
    c.date_opened = None;
    c.sharing = None;
    c.persons[1].person_role = None;
    c.persons[3].id = None;
    c.proceedings[0].suspect_ref = None;
    c.assistance[2].person_ref = None;
    c.minor_companions[0].minor_person_id = None;
    c.minor_companions[0].adult_ref = None;
    c.suspects[0].identifiers[1].value = None;
    for field in [
        "case_type",
        "case_status",
        "date_opened",
        "sharing.scope",
        "persons[1].person_role",
        "persons[3].id",
        "proceedings[0].suspect_ref",
        "assistance[2].person_ref",
        "minor_companions[0].minor_person_id",
        "minor_companions[0].adult_ref",
        "suspects[0].identifiers[1].value",
    ] {
        assert_issue(&c, field, issue::REQUIRED);
    }
    let mut c = base();
    c.sharing = Some(Sharing { scope: Some(SharingScope::Unknown), countries: vec![] });
    assert_issue(&c, "sharing.scope", issue::REQUIRED);
    let mut c = base();
    c.smuggling.as_mut().unwrap().fee_currency = None;
    assert_issue(&c, "smuggling.fee_currency", issue::REQUIRED);
    let mut c = base();
    c.handling_conditions = None;
    assert_issue(&c, "handling_conditions", issue::REQUIRED);
}

#[test]
fn invalid_date() {
    let mut c = base();
    c.persons[1].date_of_birth = Some("2010-13-01".into());
    c.date_opened = Some("2024-05".into());
    c.route[2].start_date = Some("03/05/2024".into());
    c.documents[0].date_of_issue = Some("2020".into());
    assert_issue(&c, "persons[1].date_of_birth", issue::INVALID_DATE);
    assert_issue(&c, "date_opened", issue::INVALID_DATE);
    assert_issue(&c, "route[2].start_date", issue::INVALID_DATE);
    assert_issue(&c, "documents[0].date_of_issue", issue::INVALID_DATE);
    // Partial dates are accepted where the catalog says so.
    let mut c = base();
    c.date_detected = Some("2024".into());
    c.persons[0].date_of_birth = Some("1990-04".into());
    c.route[0].start_date = Some("2019".into());
    assert_eq!(issues_of(&c), vec![]);
}

#[test]
fn in_future() {
    let mut c = base();
    c.date_detected = Some("2027-01".into());
    c.proceedings[0].decision_date = Some("2026-11-24".into());
    assert_issue(&c, "date_detected", issue::IN_FUTURE);
    assert_issue(&c, "proceedings[0].decision_date", issue::IN_FUTURE);
    // Today itself, and an expiry date in the future, are fine.
    let mut c = base();
    c.proceedings[0].decision_date = Some("2026-11-23".into());
    c.documents[0].date_of_expiry = Some("2031-01-01".into());
    assert_eq!(issues_of(&c), vec![]);
}

#[test]
fn date_order() {
    let mut c = base();
    let e = c.persons[0].exploitation.as_mut().unwrap();
    e.start = Some("2024-06".into());
    e.end = Some("2024-05-31".into());
    c.route[1].start_date = Some("2024-03-02".into());
    c.route[1].end_date = Some("2024-03-01".into());
    c.assistance[0].start = Some("2024-03-02".into());
    c.assistance[0].end = Some("2024-03-01".into());
    c.documents[1].date_of_issue = Some("2020-01-02".into());
    c.documents[1].date_of_expiry = Some("2020-01-01".into());
    assert_issue(&c, "persons[0].exploitation.end", issue::DATE_ORDER);
    assert_issue(&c, "route[1].end_date", issue::DATE_ORDER);
    assert_issue(&c, "assistance[0].end", issue::DATE_ORDER);
    assert_issue(&c, "documents[1].date_of_expiry", issue::DATE_ORDER);
    // Overlapping partial dates are in order.
    let mut c = base();
    let e = c.persons[0].exploitation.as_mut().unwrap();
    e.start = Some("2024-06-15".into());
    e.end = Some("2024-06".into());
    assert_eq!(issues_of(&c), vec![]);
}

#[test]
fn invalid_country_and_not_a_member() {
    let mut c = base();
    c.persons[2].citizenship = vec!["GT".into(), "XX".into()];
    c.detection_country = Some("gt".into());
    c.route[0].to_country = Some("GTM".into());
    c.sharing.as_mut().unwrap().countries = vec!["CO".into(), "ZZ".into()];
    assert_issue(&c, "persons[2].citizenship[1]", issue::INVALID_COUNTRY);
    assert_issue(&c, "detection_country", issue::INVALID_COUNTRY);
    assert_issue(&c, "route[0].to_country", issue::INVALID_COUNTRY);
    assert_issue(&c, "sharing.countries[0]", issue::NOT_A_MEMBER);
    assert_issue(&c, "sharing.countries[1]", issue::INVALID_COUNTRY);
}

#[test]
fn invalid_currency_language_icao() {
    let mut c = base();
    c.smuggling.as_mut().unwrap().fee_currency = Some("DOLLARS".into());
    c.route[0].fee_currency = Some("usd".into());
    c.persons[0].primary_language = Some("spanish".into());
    c.documents[0].issuing_state = Some("HN".into());
    c.documents[0].nationality_in_document = Some("XYZ".into());
    assert_issue(&c, "smuggling.fee_currency", issue::INVALID_CURRENCY);
    assert_issue(&c, "route[0].fee_currency", issue::INVALID_CURRENCY);
    assert_issue(&c, "persons[0].primary_language", issue::INVALID_LANGUAGE);
    assert_issue(&c, "documents[0].issuing_state", issue::INVALID_ICAO);
    assert_issue(&c, "documents[0].nationality_in_document", issue::INVALID_ICAO);
    let mut c = base();
    c.documents[0].issuing_state = Some("D".into());
    c.documents[0].nationality_in_document = Some("XXA".into());
    assert_eq!(issues_of(&c), vec![]);
}

#[test]
fn negative_and_out_of_range() {
    let mut c = base();
    c.smuggling.as_mut().unwrap().fee_amount = Some(-5.0);
    c.persons_affected_count = Some(-1);
    c.proceedings[0].sentence_months = Some(-1);
    c.persons[0].exploitation.as_mut().unwrap().debt_amount = Some(-0.5);
    c.persons[0].age_years = Some(130);
    c.persons[1].number_of_children = Some(51);
    c.route[0].seq = Some(0);
    assert_issue(&c, "smuggling.fee_amount", issue::NEGATIVE);
    assert_issue(&c, "persons_affected_count", issue::NEGATIVE);
    assert_issue(&c, "proceedings[0].sentence_months", issue::NEGATIVE);
    assert_issue(&c, "persons[0].exploitation.debt_amount", issue::NEGATIVE);
    assert_issue(&c, "persons[0].age_years", issue::OUT_OF_RANGE);
    assert_issue(&c, "persons[1].number_of_children", issue::OUT_OF_RANGE);
    assert_issue(&c, "route[0].seq", issue::OUT_OF_RANGE);
}

#[test]
fn too_long() {
    let mut c = base();
    c.summary = Some("a".repeat(10_001));
    c.reporting_agency = Some("é".repeat(201));
    c.national_case_reference = Some("1".repeat(101));
    c.detection_locality = Some("x".repeat(201));
    c.persons[0].given_names = Some("n".repeat(101));
    c.persons[0].aliases = vec!["ok".into(), "a".repeat(101)];
    c.detection_setting_other = Some("o".repeat(201));
    c.field_reservations[0].reason = Some("r".repeat(501));
    for field in [
        "summary",
        "reporting_agency",
        "national_case_reference",
        "detection_locality",
        "persons[0].given_names",
        "persons[0].aliases[1]",
        "detection_setting_other",
        "field_reservations[0].reason",
    ] {
        assert_issue(&c, field, issue::TOO_LONG);
    }
    // Limits count characters, not bytes.
    let mut c = base();
    c.reporting_agency = Some("é".repeat(200));
    c.summary = Some("a".repeat(10_000));
    assert_eq!(issues_of(&c), vec![]);
}

#[test]
fn too_many() {
    let mut c = base();
    let p = c.persons[0].clone();
    c.persons = (0..501).map(|i| Person { id: Some(Uuid::from_u128(i)), ..p.clone() }).collect();
    c.suspects[0].aliases = vec!["a".into(); 21];
    c.offence_types = vec![OffenceType::Corruption; 51];
    c.sharing.as_mut().unwrap().countries = vec!["MX".into(); 12];
    c.related_case_ids = vec![Uuid::nil(); 101];
    c.route = vec![c.route[0].clone(); 101];
    for field in ["persons", "suspects[0].aliases", "offence_types", "sharing.countries", "related_case_ids", "route"] {
        assert_issue(&c, field, issue::TOO_MANY);
    }
    // Items of an over-long list are not validated one by one.
    assert!(issues_of(&c).iter().all(|(f, _)| !f.starts_with("persons[")));
}

#[test]
fn count_below_itemized() {
    let mut c = base();
    c.persons_affected_count = Some(4);
    c.victims_count = Some(1);
    c.smuggled_persons_count = Some(1);
    c.minors_count = Some(0);
    c.suspects_count = Some(1);
    for field in ["persons_affected_count", "victims_count", "smuggled_persons_count", "minors_count", "suspects_count"]
    {
        assert_issue(&c, field, issue::COUNT_BELOW_ITEMIZED);
    }
    let mut c = base();
    c.persons_affected_count = Some(5);
    c.victims_count = Some(2);
    c.smuggled_persons_count = Some(2);
    c.minors_count = Some(1);
    c.suspects_count = Some(2);
    assert_eq!(issues_of(&c), vec![]);
}

#[test]
fn dangling_reference_and_not_a_minor() {
    let mut c = base();
    let person = c.persons[0].id;
    let suspect = c.suspects[0].id;
    c.documents[0].holder_ref = other_id();
    c.route[0].facilitator_refs = vec![suspect.unwrap(), person.unwrap()];
    c.proceedings[0].suspect_ref = person;
    c.assistance[0].person_ref = suspect;
    c.minor_companions[0].document_ref = person;
    c.minor_companions[0].adult_ref = other_id();
    assert_issue(&c, "documents[0].holder_ref", issue::DANGLING_REFERENCE);
    assert_issue(&c, "route[0].facilitator_refs[1]", issue::DANGLING_REFERENCE);
    assert_issue(&c, "proceedings[0].suspect_ref", issue::DANGLING_REFERENCE);
    assert_issue(&c, "assistance[0].person_ref", issue::DANGLING_REFERENCE);
    assert_issue(&c, "minor_companions[0].document_ref", issue::DANGLING_REFERENCE);
    assert_issue(&c, "minor_companions[0].adult_ref", issue::DANGLING_REFERENCE);
    assert!(!issues_of(&c).iter().any(|(f, _)| f == "route[0].facilitator_refs[0]"));

    let mut c = base();
    c.minor_companions[0].minor_person_id = c.suspects[0].id;
    assert_issue(&c, "minor_companions[0].minor_person_id", issue::DANGLING_REFERENCE);

    let mut c = base();
    c.minor_companions[0].minor_person_id = c.persons[0].id;
    c.minors_count = Some(5);
    assert_issue(&c, "minor_companions[0].minor_person_id", issue::NOT_A_MINOR);
    // A minor known only by a date of birth is a minor; an undecidable one is not accepted.
    let mut c = base();
    c.persons[1].age_years = None;
    c.persons[1].date_of_birth = Some("2015-02-01".into());
    assert_eq!(issues_of(&c), vec![]);
    c.persons[1].date_of_birth = None;
    c.minors_count = Some(5);
    assert_issue(&c, "minor_companions[0].minor_person_id", issue::NOT_A_MINOR);
}

#[test]
fn duplicate_id_and_seq() {
    let mut c = base();
    c.suspects[1].id = c.persons[0].id;
    c.documents[2].id = c.documents[0].id;
    c.route[2].seq = c.route[0].seq;
    assert_issue(&c, "suspects[1].id", issue::DUPLICATE_ID);
    assert_issue(&c, "documents[2].id", issue::DUPLICATE_ID);
    assert_issue(&c, "route[2].seq", issue::DUPLICATE_SEQ);
    assert!(!issues_of(&c).iter().any(|(f, _)| f == "persons[0].id" || f == "route[0].seq"));
}

#[test]
fn other_requires_text_and_text_without_other() {
    let mut c = base();
    c.detection_setting_other = None;
    c.persons[4].person_role_other = Some("   ".into());
    c.smuggling.as_mut().unwrap().payment_methods_other = None;
    c.persons[0].exploitation.as_mut().unwrap().types_other = None;
    assert_issue(&c, "detection_setting_other", issue::OTHER_REQUIRES_TEXT);
    assert_issue(&c, "persons[4].person_role_other", issue::OTHER_REQUIRES_TEXT);
    assert_issue(&c, "smuggling.payment_methods_other", issue::OTHER_REQUIRES_TEXT);
    assert_issue(&c, "persons[0].exploitation.types_other", issue::OTHER_REQUIRES_TEXT);

    let mut c = base();
    c.persons[0].person_role_other = Some("texto".into());
    c.documents[0].document_type_other = Some("texto".into());
    c.offence_types = vec![OffenceType::Corruption];
    c.route[1].concealment_other = Some("texto".into());
    assert_issue(&c, "persons[0].person_role_other", issue::TEXT_WITHOUT_OTHER);
    assert_issue(&c, "documents[0].document_type_other", issue::TEXT_WITHOUT_OTHER);
    assert_issue(&c, "offence_types_other", issue::TEXT_WITHOUT_OTHER);
    assert_issue(&c, "route[1].concealment_other", issue::TEXT_WITHOUT_OTHER);
}

#[test]
fn sharing_countries_rules() {
    let mut c = base();
    c.sharing.as_mut().unwrap().countries.clear();
    assert_issue(&c, "sharing.countries", issue::COUNTRIES_REQUIRED_FOR_LISTED);
    for scope in [SharingScope::Network, SharingScope::National] {
        let mut c = base();
        c.sharing.as_mut().unwrap().scope = Some(scope);
        assert_issue(&c, "sharing.countries", issue::COUNTRIES_ONLY_FOR_LISTED);
    }
}

#[test]
fn handling_codes() {
    let mut c = base();
    c.handling_codes = vec![HandlingCode::H2];
    assert_issue(&c, "handling_codes", issue::MISSING_H0);
    let mut c = base();
    c.handling_codes.clear();
    apply_defaults(&mut c);
    assert_eq!(c.handling_codes, vec![HandlingCode::H0, HandlingCode::H2]);
    // handling_conditions without h3 is allowed.
    assert_eq!(issues_of(&c), vec![]);
    let mut c = base();
    c.handling_codes = vec![HandlingCode::H0, HandlingCode::H1];
    apply_defaults(&mut c);
    assert_eq!(c.handling_codes, vec![HandlingCode::H0, HandlingCode::H1]);
}

#[test]
fn field_reservations() {
    let reservation =
        |path: &str, reason: Option<&str>| FieldReservation { path: path.into(), reason: reason.map(str::to_string) };
    let mut c = base();
    c.field_reservations = vec![
        reservation("case_id", Some("x")),
        reservation("persons[].id", Some("x")),
        reservation("persons[0].given_names", Some("x")),
        reservation("phone", Some("x")),
        reservation("persons[].given_names", None),
        reservation("summary", Some("  ")),
        reservation("persons[].given_names", Some("x")),
        reservation("persons[].age_band", Some("derived fields can be reserved")),
        reservation("handling_codes", Some("x")),
        reservation("suspects[].information_accuracy", Some("x")),
    ];
    assert_issue(&c, "field_reservations[0].path", issue::NOT_RESERVABLE);
    assert_issue(&c, "field_reservations[1].path", issue::NOT_RESERVABLE);
    assert_issue(&c, "field_reservations[2].path", issue::UNKNOWN_PATH);
    assert_issue(&c, "field_reservations[3].path", issue::UNKNOWN_PATH);
    assert_issue(&c, "field_reservations[4].reason", issue::REASON_REQUIRED);
    assert_issue(&c, "field_reservations[5].reason", issue::REASON_REQUIRED);
    assert_issue(&c, "field_reservations[6].path", issue::DUPLICATE_PATH);
    assert_issue(&c, "field_reservations[8].path", issue::NEVER_RESERVABLE);
    assert_issue(&c, "field_reservations[9].path", issue::NEVER_RESERVABLE);
    let issues = issues_of(&c);
    assert!(!issues.iter().any(|(f, _)| f.starts_with("field_reservations[7]")));
    assert_eq!(issues.len(), 9, "{issues:?}");
}

#[test]
fn every_issue_code_is_exercised_and_all_issues_are_collected() {
    // One broken case with many issues at once: all of them are reported.
    let mut c = base();
    c.case_type = None;
    c.persons[1].date_of_birth = Some("2010-13-01".into());
    c.documents[0].issuing_state = Some("HN".into());
    c.route[2].seq = c.route[0].seq;
    c.summary = Some("a".repeat(10_001));
    let issues = issues_of(&c);
    assert_eq!(issues.len(), 5, "{issues:?}");
    // The issue code list is complete and unique.
    let codes: BTreeSet<&str> = issue::ALL.iter().copied().collect();
    assert_eq!(codes.len(), issue::ALL.len());
    for code in [
        "required",
        "invalid_date",
        "in_future",
        "date_order",
        "invalid_country",
        "not_a_member",
        "invalid_currency",
        "invalid_language",
        "invalid_icao",
        "negative",
        "out_of_range",
        "too_long",
        "count_below_itemized",
        "dangling_reference",
        "not_a_minor",
        "duplicate_id",
        "duplicate_seq",
        "other_requires_text",
        "text_without_other",
        "countries_required_for_listed",
        "countries_only_for_listed",
        "not_reservable",
        "unknown_path",
        "reason_required",
        "too_many",
    ] {
        assert!(codes.contains(code), "{code}");
    }
}

#[test]
fn catalog_path_strips_indices() {
    assert_eq!(catalog_path("persons[12].exploitation.start"), "persons[].exploitation.start");
    assert_eq!(catalog_path("persons[0].aliases[3]"), "persons[].aliases");
    assert_eq!(catalog_path("summary"), "summary");
}
