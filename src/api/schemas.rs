//! Constraints of the OpenAPI schemas that are read from the tables the validation itself uses,
//! so the document states exactly what the server checks: the Formato catalog (text lengths,
//! list sizes, number ranges, dates, code lists, required fields, reservable paths), the alert
//! variants of the section H document and of field reservations, and the statistics dimensions.
//! Rules that JSON Schema cannot state (one field depending on another, dates not after today,
//! references between entities of a case) stay in the descriptions and answer 422.

use utoipa::Modify;
use utoipa::openapi::schema::{Array, ArrayItems, Object, Schema, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{OpenApi, Ref, RefOr};

use crate::formato::catalog::{self, FieldType};
use crate::formato::codes;

/// Characters `str::trim` removes (Unicode `White_Space`), as a regex class body.
pub const WHITE_SPACE: &str = r"\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

/// A text whose trimmed length is `min` (0 or 1) to `max` characters.
pub fn trimmed(min: usize, max: usize) -> String {
    let (ws, text) = (format!("[{WHITE_SPACE}]"), format!("[^{WHITE_SPACE}]"));
    let core = format!(r"(?:{text}|{text}[\s\S]{{0,{}}}{text})", max.saturating_sub(2));
    if min == 0 { format!("^{ws}*(?:{core}{ws}*)?$") } else { format!("^{ws}*{core}{ws}*$") }
}

/// Some character that `str::trim` keeps (a text that is not blank), as an unanchored pattern.
pub fn not_blank() -> String {
    format!("[^{WHITE_SPACE}]")
}

const YEAR_1900: &str = "(?:19|[2-9][0-9])[0-9]{2}";
const LEAP_YEAR_1900: &str = "(?:(?:19|[2-9][0-9])(?:0[48]|[2468][048]|[13579][26])|(?:[2468][048]|[3579][26])00)";
const MONTH_DAY: &str = "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)\
                         |02-(?:0[1-9]|1[0-9]|2[0-8]))";

/// A calendar date `YYYY-MM-DD` of year 1900 or later (Formato dates).
pub fn date_1900() -> String {
    format!("^(?:{YEAR_1900}-{MONTH_DAY}|{LEAP_YEAR_1900}-02-29)$")
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` of year 1900 or later (Formato partial dates).
pub fn partial_date_1900() -> String {
    format!("^(?:{YEAR_1900}(?:-(?:0[1-9]|1[0-2]))?|{YEAR_1900}-{MONTH_DAY}|{LEAP_YEAR_1900}-02-29)$")
}

/// A statistics period: `YYYY`, `YYYY-S1`, `YYYY-S2` or `YYYY-MM`.
pub const PERIOD: &str = "^[0-9]{4}(?:-S[12]|-(?:0[1-9]|1[0-2]))?$";

/// An ISO 639-1 code, or three lower-case letters (ISO 639-3), as `codes::is_language` accepts.
fn language() -> String {
    format!("^(?:{}|[a-z]{{3}})$", codes::ISO_639_1.join("|"))
}

fn strings(values: impl IntoIterator<Item = impl Into<String>>) -> Option<Vec<serde_json::Value>> {
    Some(values.into_iter().map(|v| serde_json::Value::String(v.into())).collect())
}

fn countries() -> Option<Vec<serde_json::Value>> {
    strings(codes::COUNTRIES.iter().map(|(a2, _)| *a2))
}

fn icao_codes() -> Option<Vec<serde_json::Value>> {
    let mut all: Vec<&str> = codes::COUNTRIES.iter().map(|(_, a3)| *a3).collect();
    all.extend(codes::ICAO_SPECIAL_CODES.iter().map(|(c, _, _)| *c));
    all.sort_unstable();
    all.dedup();
    strings(all)
}

fn currencies() -> Option<Vec<serde_json::Value>> {
    let mut all: Vec<&str> = codes::ISO_4217_ACTIVE.to_vec();
    all.extend(codes::ISO_4217_RECENTLY_WITHDRAWN);
    all.sort_unstable();
    strings(all)
}

pub fn component<'a>(doc: &'a mut OpenApi, name: &str) -> Option<&'a mut Object> {
    match doc.components.as_mut()?.schemas.get_mut(name)? {
        RefOr::T(Schema::Object(o)) => Some(o),
        _ => None,
    }
}

/// The scalar schema of a property (`string`, `integer`, … possibly nullable).
fn scalar(schema: &mut RefOr<Schema>) -> Option<&mut Object> {
    match schema {
        RefOr::T(Schema::Object(o)) => Some(o),
        _ => None,
    }
}

fn array(schema: &mut RefOr<Schema>) -> Option<&mut Array> {
    match schema {
        RefOr::T(Schema::Array(a)) => Some(a),
        _ => None,
    }
}

fn items(a: &mut Array) -> Option<&mut RefOr<Schema>> {
    match &mut a.items {
        ArrayItems::RefOrSchema(s) => Some(s),
        ArrayItems::False => None,
    }
}

/// The component a property refers to (`$ref`, array of `$ref`, or nullable `$ref`).
fn referenced(schema: &RefOr<Schema>) -> Option<String> {
    let name = |r: &Ref| r.ref_location.rsplit('/').next().map(str::to_owned);
    match schema {
        RefOr::Ref(r) => name(r),
        RefOr::T(Schema::Array(a)) => match &a.items {
            ArrayItems::RefOrSchema(s) => referenced(s),
            ArrayItems::False => None,
        },
        RefOr::T(Schema::OneOf(o)) => o.items.iter().find_map(referenced),
        _ => None,
    }
}

/// Make a property required and not nullable.
pub fn require(obj: &mut Object, prop: &str) {
    if !obj.required.iter().any(|r| r == prop) {
        obj.required.push(prop.to_owned());
    }
    let Some(schema) = obj.properties.get_mut(prop) else { return };
    match schema {
        RefOr::T(Schema::Object(o)) => {
            if let SchemaType::Array(types) = &o.schema_type {
                let rest: Vec<Type> = types.iter().filter(|t| **t != Type::Null).cloned().collect();
                if let [one] = rest.as_slice() {
                    o.schema_type = SchemaType::Type(one.clone());
                }
            }
        }
        RefOr::T(Schema::OneOf(o)) => {
            o.items
                .retain(|s| !matches!(s, RefOr::T(Schema::Object(n)) if n.schema_type == SchemaType::Type(Type::Null)));
            if o.items.len() == 1 {
                *schema = o.items.remove(0);
            }
        }
        _ => {}
    }
}

fn set_string(o: &mut Object, f: &catalog::FieldDef) {
    match f.field_type {
        FieldType::Text | FieldType::LongText | FieldType::TextList => {
            o.max_length = f.max_length.map(|n| n as usize);
        }
        FieldType::Date => o.pattern = Some(date_1900()),
        FieldType::PartialDate => o.pattern = Some(partial_date_1900()),
        FieldType::Country | FieldType::CountryList => {
            o.enum_values = if f.path == "sharing.countries" { strings(codes::CRM_MEMBERS) } else { countries() };
        }
        FieldType::IcaoCountry => o.enum_values = icao_codes(),
        FieldType::Currency => o.enum_values = currencies(),
        FieldType::Language => o.pattern = Some(language()),
        FieldType::Uuid | FieldType::UuidList | FieldType::Reference | FieldType::ReferenceList => {
            o.format = Some(SchemaFormat::Custom("uuid".into()));
        }
        FieldType::Int | FieldType::Decimal => {
            o.minimum = f.min_value.map(|n| utoipa::Number::Int(n as isize));
            o.maximum = f.max_value.map(|n| utoipa::Number::Int(n as isize));
        }
        _ => {}
    }
}

/// The Formato catalog's limits on the record's schemas (`CaseInput` and the entities below it).
pub struct FormatoConstraints;

impl Modify for FormatoConstraints {
    fn modify(&self, doc: &mut OpenApi) {
        let cat = catalog::catalog();
        // Entity path → component, following the properties from `CaseInput`.
        let mut entities: Vec<(String, String)> = vec![(String::new(), "CaseInput".to_owned())];
        for e in &cat.entities {
            let (parent, prop) = match e.path.rsplit_once('.') {
                Some((parent, prop)) => (parent.to_owned(), prop),
                None => (String::new(), e.path),
            };
            let parent_component = entities.iter().find(|(p, _)| *p == parent).map(|(_, c)| c.clone());
            let Some(parent_component) = parent_component else { continue };
            let Some(obj) = component(doc, &parent_component) else { continue };
            let Some(schema) = obj.properties.get_mut(prop.trim_end_matches("[]")) else { continue };
            if let Some(max) = e.max_items
                && let Some(a) = array(schema)
            {
                a.max_items = Some(max as usize);
            }
            if let Some(child) = referenced(schema) {
                let key = if e.max_items.is_some() { format!("{}[]", e.path) } else { e.path.to_owned() };
                entities.push((key, child));
            }
        }
        for f in cat.fields.iter().filter(|f| !f.system && !f.derived) {
            let (entity, prop) = f.path.rsplit_once('.').unwrap_or(("", f.path));
            let Some((_, name)) = entities.iter().find(|(p, _)| p == entity) else { continue };
            let Some(obj) = component(doc, name) else { continue };
            if f.required {
                require(obj, prop);
            }
            let Some(schema) = obj.properties.get_mut(prop) else { continue };
            if f.field_type.is_list() {
                let Some(a) = array(schema) else { continue };
                a.max_items = f.max_items.map(|n| n as usize);
                if let Some(item) = items(a).and_then(scalar) {
                    set_string(item, f);
                }
            } else if let Some(o) = scalar(schema) {
                set_string(o, f);
            }
        }
        // The few checks that are not a catalog field of their own.
        if let Some(case) = component(doc, "CaseInput") {
            require(case, "sharing");
        }
        if let Some(sharing) = component(doc, "Sharing") {
            require(sharing, "scope");
        }
        if let Some(id) = component(doc, "SuspectIdentifier") {
            require(id, "value");
            if let Some(o) = id.properties.get_mut("value").and_then(scalar) {
                o.max_length = Some(catalog::SHORT_TEXT_MAX as usize);
            }
        }
        if let Some(r) = component(doc, "FieldReservation") {
            require(r, "reason");
            let paths: Vec<&str> = cat.fields.iter().filter(|f| catalog::reservable(f.path)).map(|f| f.path).collect();
            if let Some(o) = r.properties.get_mut("path").and_then(scalar) {
                o.enum_values = strings(paths);
            }
            if let Some(o) = r.properties.get_mut("reason").and_then(scalar) {
                o.max_length = Some(catalog::RESERVATION_REASON_MAX as usize);
                o.pattern = Some(not_blank());
            }
        }
        if let Some(o) = component(doc, "PolicyEntry").and_then(|e| e.properties.get_mut("path")).and_then(scalar) {
            o.enum_values = strings(cat.fields.iter().filter(|f| catalog::reservable(f.path)).map(|f| f.path));
        }
    }
}

/// Code lists of the registers and alerts, as their checks use them.
pub struct CodeLists;

impl Modify for CodeLists {
    fn modify(&self, doc: &mut OpenApi) {
        let mut set = |component_name: &str, prop: &str, f: &dyn Fn(&mut Object)| {
            let Some(schema) = component(doc, component_name).and_then(|o| o.properties.get_mut(prop)) else { return };
            match schema {
                RefOr::T(Schema::Array(a)) => {
                    if let Some(item) = items(a).and_then(scalar) {
                        f(item)
                    }
                }
                other => {
                    if let Some(o) = scalar(other) {
                        f(o)
                    }
                }
            }
        };
        let country = |o: &mut Object| o.enum_values = countries();
        set("RequirementInput", "member_country", &country);
        set("RequirementInput", "nationality", &country);
        set("AlertInput", "known_route_countries", &country);
        let member = |o: &mut Object| o.enum_values = strings(codes::CRM_MEMBERS);
        let topic = |o: &mut Object| o.enum_values = strings(crate::registry::legislation::topic_codes());
        set("LegislationEntry", "country", &member);
        set("LegislationEntry", "topic", &topic);
        set("PolicyEntry", "legislation_topic", &topic);
        set("LegislationTopicLabels", "code", &topic);
        set("LegislationMatrix", "countries", &member);
        set("LegislationRound", "pending", &member);
        set("LegislationConfirmation", "country", &member);
        set("ContactInput", "languages", &|o: &mut Object| o.pattern = Some("^[a-z]{2}$".into()));
        for (path, item) in doc.paths.paths.iter_mut() {
            if !path.starts_with("/api/v1/legislation") {
                continue;
            }
            for op in [&mut item.get, &mut item.put, &mut item.post].into_iter().flatten() {
                for p in op.parameters.iter_mut().flatten() {
                    let RefOr::T(p) = p else { continue };
                    let Some(o) = p.schema.as_mut().and_then(scalar) else { continue };
                    match p.name.as_str() {
                        "country" => member(o),
                        "topic" => topic(o),
                        _ => {}
                    }
                }
            }
        }
        if let Some(kind) = component(doc, "NewParty").and_then(|o| o.properties.get_mut("kind")) {
            *kind = RefOr::T(Schema::Object(
                Object::builder()
                    .schema_type(Type::String)
                    .enum_values(strings(["observer"]))
                    .description(Some("Only observers can be added: member countries and the ST exist from the start."))
                    .build(),
            ));
        }
    }
}

/// An alert's document is a section H document without `id` and `holder_ref`, with
/// `document_type` and `fraud_type` required; its field reservations name alert paths.
pub struct AlertSchemas;

impl Modify for AlertSchemas {
    fn modify(&self, doc: &mut OpenApi) {
        let Some(mut document) = component(doc, "Document").cloned() else { return };
        document.properties.remove("id");
        document.properties.remove("holder_ref");
        document.required.retain(|r| r != "id" && r != "holder_ref");
        require(&mut document, "document_type");
        require(&mut document, "fraud_type");
        document.description = Some(
            "A travel document as an alert describes it: the section H fields of a case \
            document without `id` and `holder_ref`."
                .into(),
        );
        let Some(mut reservation) = component(doc, "FieldReservation").cloned() else { return };
        let mut paths: Vec<String> = crate::access::alerts::ALERT_FIELDS.iter().map(|f| (*f).to_owned()).collect();
        paths.extend(
            catalog::catalog()
                .fields
                .iter()
                .filter_map(|f| f.path.strip_prefix("documents[]."))
                .map(|f| format!("document.{f}"))
                .filter(|p| crate::access::alerts::reservable(p)),
        );
        if let Some(o) = reservation.properties.get_mut("path").and_then(scalar) {
            o.enum_values = strings(paths);
            o.example = Some("document.document_number".into());
        }
        if let Some(o) = reservation.properties.get_mut("reason").and_then(scalar) {
            o.max_length = None;
            o.pattern = Some(trimmed(1, 500));
        }
        let Some(schemas) = doc.components.as_mut().map(|c| &mut c.schemas) else { return };
        schemas.insert("AlertDocument".into(), RefOr::T(Schema::Object(document)));
        schemas.insert("AlertFieldReservation".into(), RefOr::T(Schema::Object(reservation)));
        let Some(alert) = component(doc, "AlertInput") else { return };
        alert.properties.insert("document".into(), RefOr::Ref(Ref::from_schema_name("AlertDocument")));
        if let Some(a) = alert.properties.get_mut("field_reservations").and_then(array) {
            a.items = ArrayItems::RefOrSchema(Box::new(RefOr::Ref(Ref::from_schema_name("AlertFieldReservation"))));
            a.max_items = Some(50);
        }
    }
}

/// `group_by` of the statistics table: up to three dimensions of
/// `statistics::query::DIMENSIONS`, separated by commas (blank entries and white space around a
/// name are ignored). Whether a dimension applies to the chosen `measure` depends on both
/// parameters, which a schema cannot state: that answers 400 naming the dimension.
pub struct StatisticsParameters;

impl Modify for StatisticsParameters {
    fn modify(&self, doc: &mut OpenApi) {
        let names: Vec<&str> = crate::statistics::query::DIMENSIONS.iter().map(|(n, _)| *n).collect();
        let ws = format!("[{WHITE_SPACE}]*");
        let blank = ws.clone();
        let dim = format!("{ws}(?:{}){ws}", names.join("|"));
        let pattern =
            format!("^(?:{blank}(?:,{blank})*|(?:{blank},)*{dim}(?:,(?:{blank},)*{dim}){{0,2}}(?:,{blank})*)$");
        let measures = ["cases", "persons", "victims", "smuggled_persons", "minors", "suspects", "false_documents"];
        for path in ["/api/v1/statistics", "/api/v1/statistics/routes", "/api/v1/statistics/false-passports"] {
            let Some(op) = doc.paths.paths.get_mut(path).and_then(|i| i.get.as_mut()) else { continue };
            for p in op.parameters.iter_mut().flatten() {
                let RefOr::T(p) = p else { continue };
                let Some(o) = p.schema.as_mut().and_then(scalar) else { continue };
                match p.name.as_str() {
                    "group_by" => o.pattern = Some(pattern.clone()),
                    "measure" => o.enum_values = strings(measures),
                    "format" => o.enum_values = strings(["json", "csv"]),
                    "from" | "to" => o.pattern = Some(PERIOD.to_owned()),
                    "semester" => o.pattern = Some("^[0-9]{4}-S[12]$".to_owned()),
                    "reporting_country" => {
                        o.min_length = Some(1);
                        o.max_length = Some(100);
                    }
                    _ => {}
                }
            }
        }
    }
}

/// Every enumeration is defined once. The code lists the constraints above write into many
/// properties (country codes, ICAO codes, currencies, member countries, reservable paths) become
/// named components that those properties refer to, and the sharing scope a client may send is
/// the `SharingScope` component itself. Client generators name an inline enumeration after its
/// property and refuse two different lists under one name; a list given once has one name.
pub struct NamedCodeLists;

impl Modify for NamedCodeLists {
    fn modify(&self, doc: &mut OpenApi) {
        let cat = catalog::catalog();
        let lists: Vec<(&str, &str, Vec<serde_json::Value>)> = [
            ("CountryCode", "A country (ISO 3166-1 alpha-2).", countries()),
            ("IcaoCountryCode", "A state or organisation code of ICAO Doc 9303 (alpha-3).", icao_codes()),
            ("CurrencyCode", "A currency (ISO 4217).", currencies()),
            ("MemberCountry", "A CRM member country (ISO 3166-1 alpha-2).", strings(codes::CRM_MEMBERS)),
            (
                "LegislationTopic",
                "A topic of the legislation matrix (its labels are in `GET /api/v1/legislation`).",
                strings(crate::registry::legislation::topic_codes()),
            ),
            (
                "ReservablePath",
                "The catalog path of a field that a reservation may withhold.",
                strings(cat.fields.iter().filter(|f| catalog::reservable(f.path)).map(|f| f.path)),
            ),
        ]
        .into_iter()
        .filter_map(|(name, description, values)| Some((name, description, values?)))
        .collect();
        if let Some(sharing) = component(doc, "Sharing")
            && let Some(scope) = sharing.properties.get_mut("scope")
        {
            let mut r = Ref::from_schema_name("SharingScope");
            r.description = "Who sees the case: `network`, `listed` (with `countries`) or `national`.".into();
            *scope = RefOr::Ref(r);
        }
        let Some(components) = doc.components.as_mut() else { return };
        let named = |o: &Object| {
            let values = o.enum_values.as_ref()?;
            lists.iter().find(|(_, _, list)| list == values).map(|(name, _, _)| *name)
        };
        for schema in components.schemas.values_mut() {
            refer_to_lists(schema, &named);
        }
        for item in doc.paths.paths.values_mut() {
            for op in
                [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
            {
                for p in op.parameters.iter_mut().flatten() {
                    if let RefOr::T(p) = p
                        && let Some(schema) = p.schema.as_mut()
                    {
                        refer_to_lists(schema, &named);
                    }
                }
            }
        }
        for (name, description, values) in lists {
            let list = Object::builder()
                .schema_type(Type::String)
                .description(Some(description))
                .enum_values(Some(values))
                .build();
            components.schemas.insert(name.to_owned(), RefOr::T(Schema::Object(list)));
        }
        let scope = Object::builder()
            .schema_type(Type::String)
            .description(Some("Sharing scope of a case (section 3): `network`, `listed` or `national`."))
            .enum_values(strings(["network", "listed", "national"]))
            .build();
        components.schemas.insert("SharingScope".to_owned(), RefOr::T(Schema::Object(scope)));
    }
}

/// Replace, everywhere below `schema`, a string schema whose values are a named list by a
/// reference to that list (keeping the property's description).
fn refer_to_lists(schema: &mut RefOr<Schema>, named: &dyn Fn(&Object) -> Option<&'static str>) {
    match schema {
        RefOr::T(Schema::Object(o)) => {
            if let Some(name) = named(o) {
                let mut r = Ref::from_schema_name(name);
                if let Some(d) = &o.description {
                    r.description = d.clone();
                }
                // A property that may be `null` stays so: the list, or null.
                let nullable = matches!(&o.schema_type, SchemaType::Array(ts) if ts.contains(&Type::Null));
                *schema = if nullable {
                    let null = Object::builder().schema_type(Type::Null).build();
                    let one = utoipa::openapi::schema::OneOfBuilder::new().item(RefOr::Ref(r)).item(null);
                    RefOr::T(Schema::OneOf(one.build()))
                } else {
                    RefOr::Ref(r)
                };
                return;
            }
            for p in o.properties.values_mut() {
                refer_to_lists(p, named);
            }
        }
        RefOr::T(Schema::Array(a)) => {
            if let ArrayItems::RefOrSchema(item) = &mut a.items {
                refer_to_lists(item, named);
            }
        }
        RefOr::T(Schema::OneOf(o)) => o.items.iter_mut().for_each(|s| refer_to_lists(s, named)),
        RefOr::T(Schema::AllOf(o)) => o.items.iter_mut().for_each(|s| refer_to_lists(s, named)),
        RefOr::T(Schema::AnyOf(o)) => o.items.iter_mut().for_each(|s| refer_to_lists(s, named)),
        _ => {}
    }
}

/// Files travel as raw bytes. An upload's body is `application/octet-stream` (the server decides
/// the type from the content, whatever the declared one); a download is one of the types the
/// server recognises. Both are binary strings, so generated clients send and return bytes.
pub struct BinaryBodies;

impl Modify for BinaryBodies {
    fn modify(&self, doc: &mut OpenApi) {
        use crate::files::sniff::{DocType, ImageType};
        use utoipa::openapi::{Content, ContentBuilder};
        let binary = || -> Content {
            let bytes = Object::builder().schema_type(Type::String).format(Some(SchemaFormat::Custom("binary".into())));
            ContentBuilder::new().schema(Some(bytes.build())).build()
        };
        let downloads: [(&str, Vec<&str>); 2] = [
            (
                "/api/v1/reports/{id}/file",
                [DocType::Pdf, DocType::Docx, DocType::Odt].map(|t| t.content_type()).to_vec(),
            ),
            (
                "/api/v1/document-alerts/{id}/images/{image_id}",
                [ImageType::Png, ImageType::Jpeg].map(|t| t.content_type()).to_vec(),
            ),
        ];
        for (path, item) in doc.paths.paths.iter_mut() {
            for op in
                [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
            {
                if let Some(RefOr::T(body)) = op.request_body.as_mut()
                    && !body.content.keys().any(|k| k.ends_with("json"))
                {
                    body.content = [("application/octet-stream".to_owned(), RefOr::T(binary()))].into_iter().collect();
                }
                let Some((_, types)) = downloads.iter().find(|(p, _)| p == path) else { continue };
                if let Some(RefOr::T(ok)) = op.responses.responses.get_mut("200") {
                    ok.content = types.iter().map(|t| ((*t).to_owned(), RefOr::T(binary()))).collect();
                }
            }
        }
    }
}
