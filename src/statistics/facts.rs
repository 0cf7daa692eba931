//! PURE: the statistical facts of one case (SPEC §8). Every dimension value is kept twice:
//! `raw` (what the reporting country sees of its own cases) and `shared` (what everyone else's
//! statistics use): in the shared form, a value whose field is reserved on that case — by the
//! catalog default, the country's policy or the case — is the fixed category `not_disclosed`,
//! whether or not the field holds a value. So a reserved value can never move a figure that
//! another country or an observer sees; the record still counts, in the `not_disclosed` bucket.

use serde_json::Value;

use crate::access::cases::{Reservation, is_reserved};

pub const NOT_DISCLOSED: &str = "not_disclosed";

/// One dimension value in both forms.
#[derive(Debug, Clone, PartialEq)]
pub struct Dim {
    pub column: &'static str,
    pub raw: Option<String>,
    pub shared: Option<String>,
}

/// One row of a fact table (a case, person, suspect, document or route leg).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub idx: i32,
    /// The unit's stable identity within its case (its `id`, a leg's `seq`): edits that keep
    /// the unit keep it, and with it the unit's record key.
    pub uid: String,
    pub dims: Vec<Dim>,
    /// Measure flags in both forms, e.g. `is_victim`.
    pub flags: Vec<(&'static str, bool, bool)>,
}

/// One value of a multi-valued dimension; `shared` says which form it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct Value1 {
    pub entity: &'static str,
    pub idx: i32,
    pub dimension: &'static str,
    pub shared: bool,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub reporting_country: String,
    /// `include_in_statistics` and not retracted.
    pub included: bool,
    /// Case-level dimensions, copied onto every row of every table.
    pub case_dims: Vec<Dim>,
    pub persons: Vec<Row>,
    pub suspects: Vec<Row>,
    pub documents: Vec<Row>,
    pub legs: Vec<Row>,
    pub values: Vec<Value1>,
}

/// A unit's identity: the value of `key` (an entity `id`, a leg's `seq`), else its position.
fn unit_id(v: &Value, key: &str, idx: i32) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => format!("#{idx}"),
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn items<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = (i32, &'a Value)> {
    v.get(key).and_then(Value::as_array).into_iter().flatten().enumerate().map(|(i, x)| (i as i32, x))
}

struct Ctx<'a> {
    reservations: &'a [Reservation],
}

impl Ctx<'_> {
    fn reserved(&self, path: &str) -> bool {
        is_reserved(self.reservations, path)
    }

    fn dim(&self, column: &'static str, path: &str, raw: Option<String>) -> Dim {
        let shared = if self.reserved(path) { Some(NOT_DISCLOSED.to_owned()) } else { raw.clone() };
        Dim { column, raw, shared }
    }

    /// The values of a multi-valued field in both forms.
    fn multi(
        &self,
        out: &mut Vec<Value1>,
        entity: &'static str,
        idx: i32,
        dimension: &'static str,
        path: &str,
        v: Option<&Value>,
    ) {
        let raw: Vec<String> =
            v.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect();
        let shared = if self.reserved(path) { vec![NOT_DISCLOSED.to_owned()] } else { raw.clone() };
        for (values, is_shared) in [(raw, false), (shared, true)] {
            let mut values = values;
            values.sort();
            values.dedup();
            for value in values {
                out.push(Value1 { entity, idx, dimension, shared: is_shared, value });
            }
        }
    }
}

/// Year, semester and month of a date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`).
fn periods(date: &str) -> (Option<String>, Option<String>, Option<String>) {
    let year = date.get(0..4).filter(|y| y.bytes().all(|b| b.is_ascii_digit())).map(str::to_owned);
    let month = date.get(5..7).and_then(|m| m.parse::<u8>().ok()).filter(|m| (1..=12).contains(m));
    let semester = year.as_ref().and_then(|y| month.map(|m| format!("{y}-S{}", if m <= 6 { 1 } else { 2 })));
    (year.clone(), semester, year.and_then(|y| month.map(|m| format!("{y}-{m:02}"))))
}

/// The period dimensions: from the detection date, else the date opened. In the shared form, a
/// reserved date that would be used gives `not_disclosed`.
fn period_dims(doc: &Value, c: &Ctx) -> Vec<Dim> {
    let (source, path) = match text(doc, "date_detected") {
        Some(d) => (d, "date_detected"),
        None if c.reserved("date_detected") => (String::new(), "date_detected"),
        None => (text(doc, "date_opened").unwrap_or_default(), "date_opened"),
    };
    let (year, semester, month) = periods(&source);
    // A partial date without a month still has a semester from the derived field.
    let semester = semester.or_else(|| text(doc, "reporting_semester"));
    vec![c.dim("year", path, year), c.dim("semester", path, semester), c.dim("month", path, month)]
}

pub fn of_case(doc: &Value, reservations: &[Reservation]) -> Facts {
    let c = Ctx { reservations };
    let mut values = vec![];
    let mut case_dims = period_dims(doc, &c);
    case_dims.push(c.dim("case_type", "case_type", text(doc, "case_type")));
    case_dims.push(c.dim("detection_setting", "detection_setting", text(doc, "detection_setting")));
    c.multi(&mut values, "case", 0, "offence_type", "offence_types", doc.get("offence_types"));
    c.multi(&mut values, "case", 0, "traveller_indicator", "traveller_indicators", doc.get("traveller_indicators"));
    c.multi(&mut values, "case", 0, "smuggling_mode", "smuggling.modes", doc["smuggling"].get("modes"));

    let mut persons = vec![];
    for (i, p) in items(doc, "persons") {
        let role = text(p, "person_role");
        let role_reserved = c.reserved("persons[].person_role");
        let victim = matches!(role.as_deref(), Some("trafficking_victim" | "trafficking_and_smuggled"));
        let smuggled = matches!(role.as_deref(), Some("smuggled_migrant" | "trafficking_and_smuggled"));
        let minor = p.get("is_minor").and_then(Value::as_bool);
        let id = text(p, "id");
        let return_status = items(doc, "assistance")
            .filter(|(_, a)| id.is_some() && text(a, "person_ref") == id)
            .filter_map(|(_, a)| text(a, "return_status"))
            .last();
        persons.push(Row {
            idx: i,
            uid: unit_id(p, "id", i),
            dims: vec![
                c.dim("person_role", "persons[].person_role", role),
                c.dim("sex", "persons[].sex", text(p, "sex")),
                c.dim("age_band", "persons[].age_band", text(p, "age_band")),
                c.dim("is_minor", "persons[].is_minor", minor.map(|m| m.to_string())),
                c.dim("origin_class", "persons[].origin_class", text(p, "origin_class")),
                c.dim("return_status", "assistance[].return_status", return_status),
            ],
            flags: vec![
                ("is_victim", victim, victim && !role_reserved),
                ("is_smuggled", smuggled, smuggled && !role_reserved),
                ("is_minor_flag", minor == Some(true), minor == Some(true) && !c.reserved("persons[].is_minor")),
            ],
        });
        c.multi(&mut values, "person", i, "citizenship", "persons[].citizenship", p.get("citizenship"));
        let e = &p["exploitation"];
        c.multi(&mut values, "person", i, "exploitation_type", "persons[].exploitation.types", e.get("types"));
        c.multi(
            &mut values,
            "person",
            i,
            "means_of_control",
            "persons[].exploitation.means_of_control",
            e.get("means_of_control"),
        );
        c.multi(
            &mut values,
            "person",
            i,
            "recruitment_method",
            "persons[].exploitation.recruitment_methods",
            e.get("recruitment_methods"),
        );
    }

    let mut suspects = vec![];
    for (i, x) in items(doc, "suspects") {
        let id = text(x, "id");
        let verdict = items(doc, "proceedings")
            .filter(|(_, p)| id.is_some() && text(p, "suspect_ref") == id)
            .filter_map(|(_, p)| text(p, "verdict"))
            .last();
        suspects.push(Row {
            idx: i,
            uid: unit_id(x, "id", i),
            dims: vec![
                c.dim("sex", "suspects[].sex", text(x, "sex")),
                c.dim("age_band", "suspects[].age_band", text(x, "age_band")),
                c.dim("procedural_status", "suspects[].procedural_status", text(x, "procedural_status")),
                c.dim("verdict", "proceedings[].verdict", verdict),
            ],
            flags: vec![],
        });
        c.multi(&mut values, "suspect", i, "suspect_role", "suspects[].roles", x.get("roles"));
        c.multi(&mut values, "suspect", i, "citizenship", "suspects[].citizenship", x.get("citizenship"));
    }

    let documents = items(doc, "documents")
        .map(|(i, d)| {
            let kind = text(d, "document_type");
            let fraud = text(d, "fraud_type");
            let is_false = fraud.as_deref().is_some_and(|f| f != "genuine_no_fraud" && f != "unknown");
            let passport = kind.as_deref() == Some("passport");
            let visible = !c.reserved("documents[].document_type") && !c.reserved("documents[].fraud_type");
            let holder = text(d, "holder_ref");
            let origin = items(doc, "persons")
                .find(|(_, p)| holder.is_some() && text(p, "id") == holder)
                .and_then(|(_, p)| text(p, "origin_class"));
            Row {
                idx: i,
                uid: unit_id(d, "id", i),
                dims: vec![
                    c.dim("document_type", "documents[].document_type", kind),
                    c.dim("fraud_type", "documents[].fraud_type", fraud),
                    c.dim("issuing_state", "documents[].issuing_state", text(d, "issuing_state")),
                    c.dim(
                        "nationality_in_document",
                        "documents[].nationality_in_document",
                        text(d, "nationality_in_document"),
                    ),
                    c.dim("document_setting", "documents[].detection_setting", text(d, "detection_setting")),
                    c.dim("origin_class", "persons[].origin_class", origin),
                ],
                flags: vec![
                    ("is_false", is_false, is_false && visible),
                    ("is_false_passport", is_false && passport, is_false && passport && visible),
                ],
            }
        })
        .collect();

    let legs = items(doc, "route")
        .map(|(i, l)| {
            let from = c.dim("from_country", "route[].from_country", text(l, "from_country"));
            let to = c.dim("to_country", "route[].to_country", text(l, "to_country"));
            Row {
                idx: i,
                uid: unit_id(l, "seq", i),
                dims: vec![
                    from,
                    to,
                    c.dim("transport_means", "route[].transport_means", text(l, "transport_means")),
                    c.dim("border_crossing_type", "route[].border_crossing_type", text(l, "border_crossing_type")),
                ],
                flags: vec![],
            }
        })
        .collect();

    Facts {
        reporting_country: text(doc, "reporting_country").unwrap_or_default(),
        included: doc["include_in_statistics"].as_bool().unwrap_or(true)
            && !doc["retracted"].as_bool().unwrap_or(false),
        case_dims,
        persons,
        suspects,
        documents,
        legs,
        values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(seed: u64) -> Value {
        let input = crate::formato::sample::full_case(seed, "GT");
        let mut doc = crate::formato::derive::stored_document(&input, "GT");
        doc["reporting_country"] = Value::from("GT");
        doc
    }

    fn get<'a>(row: &'a Row, column: &str) -> &'a Dim {
        row.dims.iter().find(|d| d.column == column).unwrap()
    }

    #[test]
    fn facts_of_a_full_case() {
        let input = crate::formato::sample::full_case(3, "GT");
        let f = of_case(&doc(3), &[]);
        assert_eq!(f.reporting_country, "GT");
        assert_eq!(f.persons.len(), input.persons.len());
        assert_eq!(f.suspects.len(), input.suspects.len());
        assert_eq!(f.documents.len(), input.documents.len());
        assert_eq!(f.legs.len(), input.route.len());
        assert!(f.persons.iter().all(|p| get(p, "age_band").raw.is_some()));
        assert!(f.values.iter().any(|v| v.dimension == "citizenship" && !v.shared));
        let mut retracted = doc(3);
        retracted["retracted"] = Value::Bool(true);
        assert!(!of_case(&retracted, &[]).included);
    }

    #[test]
    fn reserved_values_become_not_disclosed_in_the_shared_form() {
        let reservations = crate::access::cases::reservations(
            &[crate::access::cases::PolicyEntry {
                path: "persons[].sex".into(),
                flag: crate::formato::catalog::Flag::Reserved,
                legal_basis: Some("x".into()),
                legislation_topic: None,
            }],
            &["persons[].citizenship".into()],
        );
        let a = of_case(&doc(5), &reservations);
        let mut changed = doc(5);
        changed["persons"][0]["sex"] = Value::from("unspecified");
        changed["persons"][0]["citizenship"] = serde_json::json!(["CA", "PA"]);
        let b = of_case(&changed, &reservations);
        for f in [&a, &b] {
            assert!(f.persons.iter().all(|p| get(p, "sex").shared.as_deref() == Some(NOT_DISCLOSED)));
            let shared: Vec<&Value1> =
                f.values.iter().filter(|v| v.shared && v.entity == "person" && v.dimension == "citizenship").collect();
            assert_eq!(shared.len(), f.persons.len(), "one not_disclosed per person, whatever the number of values");
        }
        let shared = |f: &Facts| {
            (
                f.persons
                    .iter()
                    .map(|p| p.dims.iter().map(|d| d.shared.clone()).collect::<Vec<_>>())
                    .collect::<Vec<_>>(),
                f.values.iter().filter(|v| v.shared).cloned().collect::<Vec<_>>(),
            )
        };
        assert_eq!(shared(&a), shared(&b), "changing reserved values changes nothing in the shared form");
        assert_ne!(a.persons[0], b.persons[0], "the raw form follows the values");
    }
}
