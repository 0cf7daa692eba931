//! What is wrong with the shape of a request, field by field, read off the OpenAPI document the
//! server publishes: when a JSON body or a query cannot be read into its type, every member that
//! has the wrong type, a value outside its list, no place in the object, or a size beyond its
//! limit is named, each with a stable code and a message written in Spanish and English (never a
//! library's text). The document is the one clients see, so the errors and the document agree.
//! Rules a schema cannot state (dates, one field depending on another) are checked afterwards by
//! the services, on a body whose shape is right.

use std::sync::OnceLock;

use serde_json::Value;

use crate::error::FieldError;

/// The published OpenAPI document, parsed once.
fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::from_str(super::openapi_json()).unwrap_or(Value::Null))
}

/// The query parameters of an operation in the published document: (name, schema, required).
pub fn query_parameters(path: &str, method: &str) -> Vec<(String, Value, bool)> {
    let op = &document()["paths"][path][method.to_ascii_lowercase()];
    op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "query")
        .map(|p| (p["name"].as_str().unwrap_or("").to_owned(), p["schema"].clone(), p["required"] == true))
        .collect()
}

fn component(name: &str) -> Option<&'static Value> {
    document().get("components")?.get("schemas")?.get(name)
}

/// Fields the server sets itself: sending one is refused with a message that says so.
const SERVER_SET: [&str; 9] = [
    "reporting_country",
    "case_id",
    "id",
    "version",
    "created_at",
    "updated_at",
    "retracted",
    "derived",
    "shared_with",
];

/// Lists longer than this are named, not spelled out, in a message.
const LISTED_VALUES: usize = 25;

/// Every shape problem of `body` against the component schema `schema_name`.
pub fn body_problems(schema_name: &str, body: &Value) -> Vec<FieldError> {
    let mut out = Vec::new();
    if let Some(schema) = component(schema_name) {
        walk(schema, None, body, "", &mut out, 0);
    }
    out
}

/// Every problem of the query parameters `pairs` against the parameters `params` of an
/// operation (name, schema, required), for a query that could not be read into its type.
pub fn query_problems(params: &[(String, Value, bool)], pairs: &[(String, String)], closed: bool) -> Vec<FieldError> {
    let mut out = Vec::new();
    for (name, value) in pairs {
        let Some((_, schema, _)) = params.iter().find(|(n, _, _)| n == name) else {
            if closed {
                out.push(FieldError::new(
                    name.as_str(),
                    "unknown_parameter",
                    "is not a parameter of this operation",
                    "no es un parámetro de esta operación",
                ));
            }
            continue;
        };
        let schema = resolve(schema).0;
        // A query value is text: read it as the parameter's type first.
        let typed = match types(schema).first().copied() {
            Some("integer") => value.parse::<i64>().map(Value::from).unwrap_or(Value::String(value.clone())),
            Some("number") => value.parse::<f64>().map(Value::from).unwrap_or(Value::String(value.clone())),
            Some("boolean") => match value.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::String(value.clone()),
            },
            _ => Value::String(value.clone()),
        };
        walk(schema, None, &typed, name, &mut out, 0);
    }
    for (name, _, required) in params {
        if *required && !pairs.iter().any(|(n, _)| n == name) {
            out.push(required_error(name));
        }
    }
    out
}

/// Follow a `$ref` to its component: (schema, component name).
fn resolve(schema: &Value) -> (&Value, Option<&str>) {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap_or("");
            component(name).map(|s| (s, Some(name))).unwrap_or((schema, None))
        }
        None => (schema, None),
    }
}

fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    }
}

fn is_type(value: &Value, t: &str) -> bool {
    match t {
        "string" => value.is_string(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0 && f.is_finite())
        }
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => true,
    }
}

/// What a type is called in a message: (English, Spanish).
fn type_words(t: &str) -> (&'static str, &'static str) {
    match t {
        "string" => ("a text", "un texto"),
        "integer" => ("a whole number", "un número entero"),
        "number" => ("a number", "un número"),
        "boolean" => ("true or false", "true o false"),
        "array" => ("a list", "una lista"),
        "object" => ("an object", "un objeto"),
        _ => ("a value of another type", "un valor de otro tipo"),
    }
}

fn join(path: &str, member: &str) -> String {
    if path.is_empty() { member.to_owned() } else { format!("{path}.{member}") }
}

fn required_error(field: &str) -> FieldError {
    FieldError::new(field, "required", "is required", "es obligatorio")
}

fn walk(schema: &Value, named: Option<&str>, value: &Value, path: &str, out: &mut Vec<FieldError>, depth: usize) {
    if depth > 32 {
        return;
    }
    let (schema, name) = match resolve(schema) {
        (s, Some(n)) => (s, Some(n)),
        (s, None) => (s, named),
    };
    for key in ["oneOf", "anyOf"] {
        if let Some(alternatives) = schema.get(key).and_then(Value::as_array) {
            if value.is_null() && alternatives.iter().any(|a| types(a) == ["null"]) {
                return;
            }
            let rest: Vec<&Value> = alternatives.iter().filter(|a| types(a) != ["null"]).collect();
            match rest.as_slice() {
                [one] => walk(one, None, value, path, out, depth + 1),
                _ => {
                    let fits = rest.iter().any(|a| {
                        let mut e = Vec::new();
                        walk(a, None, value, path, &mut e, depth + 1);
                        e.is_empty()
                    });
                    if !fits {
                        out.push(FieldError::new(
                            path,
                            "invalid_value",
                            "matches none of the forms this field accepts",
                            "no corresponde a ninguna de las formas que admite este campo",
                        ));
                    }
                }
            }
            return;
        }
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        for part in parts {
            walk(part, None, value, path, out, depth + 1);
        }
    }
    let ts = types(schema);
    if !ts.is_empty() && !ts.iter().any(|t| is_type(value, t)) {
        let expected = ts.iter().find(|t| **t != "null").copied().unwrap_or("null");
        let (en, es) = type_words(expected);
        out.push(FieldError::new(path, "invalid_type", format!("must be {en}"), format!("debe ser {es}")));
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        out.push(not_allowed(path, value, allowed, name));
        return;
    }
    match value {
        Value::Object(members) => object(schema, members, path, out, depth),
        Value::Array(items) => {
            if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
                && items.len() as u64 > max
            {
                out.push(FieldError::new(
                    path,
                    "too_many_items",
                    format!("has {} items; at most {max} are accepted", items.len()),
                    format!("tiene {} elementos; se admiten como máximo {max}", items.len()),
                ));
            }
            if let Some(item) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    walk(item, None, v, &format!("{path}[{i}]"), out, depth + 1);
                }
            }
        }
        Value::String(text) => {
            let n = text.chars().count() as u64;
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
                && n > max
            {
                out.push(FieldError::new(
                    path,
                    "too_long",
                    format!("has {n} characters; at most {max} are accepted"),
                    format!("tiene {n} caracteres; se admiten como máximo {max}"),
                ));
            }
            if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
                && n < min
            {
                out.push(FieldError::new(
                    path,
                    "too_short",
                    format!("has {n} characters; at least {min} are required"),
                    format!("tiene {n} caracteres; se requieren al menos {min}"),
                ));
            }
        }
        Value::Number(number) => {
            let v = number.as_f64().unwrap_or(0.0);
            let below = schema.get("minimum").and_then(Value::as_f64).filter(|min| v < *min);
            let above = schema.get("maximum").and_then(Value::as_f64).filter(|max| v > *max);
            let (min, max) =
                (schema.get("minimum").and_then(Value::as_f64), schema.get("maximum").and_then(Value::as_f64));
            let (en, es) = match (min, max) {
                (Some(min), Some(max)) => {
                    (format!("must be between {min} and {max}"), format!("debe estar entre {min} y {max}"))
                }
                (Some(min), None) => (format!("must be at least {min}"), format!("debe ser al menos {min}")),
                (None, Some(max)) => (format!("must be at most {max}"), format!("debe ser como máximo {max}")),
                (None, None) => (String::new(), String::new()),
            };
            if below.is_some() || above.is_some() {
                out.push(FieldError::new(path, "out_of_range", en, es));
            }
        }
        _ => {}
    }
}

fn object(
    schema: &Value,
    members: &serde_json::Map<String, Value>,
    path: &str,
    out: &mut Vec<FieldError>,
    depth: usize,
) {
    let empty = serde_json::Map::new();
    let properties = schema.get("properties").and_then(Value::as_object).unwrap_or(&empty);
    let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
    for (member, v) in members {
        match properties.get(member) {
            Some(s) => walk(s, None, v, &join(path, member), out, depth + 1),
            None if closed && SERVER_SET.contains(&member.as_str()) => out.push(FieldError::new(
                join(path, member),
                "server_set",
                "is set by the server (from your party and the stored case), not by the client: leave it out",
                "lo fija el servidor (a partir de su parte y del caso almacenado), no el cliente: omítalo",
            )),
            None if closed => out.push(FieldError::new(
                join(path, member),
                "unknown_field",
                "is not a field of this object",
                "no es un campo de este objeto",
            )),
            None => {}
        }
    }
    for required in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
        if let Some(r) = required.as_str()
            && !members.contains_key(r)
        {
            out.push(required_error(&join(path, r)));
        }
    }
}

fn not_allowed(path: &str, value: &Value, allowed: &[Value], list: Option<&str>) -> FieldError {
    let shown = match value {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    };
    let values: Vec<String> = allowed.iter().map(|v| v.as_str().map(str::to_owned).unwrap_or(v.to_string())).collect();
    if values.len() <= LISTED_VALUES {
        let values = values.join(", ");
        FieldError::new(
            path,
            "invalid_value",
            format!("{shown} is not one of the allowed values: {values}"),
            format!("{shown} no es uno de los valores admitidos: {values}"),
        )
    } else {
        let n = values.len();
        let (en, es) = match list {
            Some(l) => (format!("the list `{l}`"), format!("la lista `{l}`")),
            None => ("this field's list".to_owned(), "la lista de este campo".to_owned()),
        };
        FieldError::new(
            path,
            "invalid_value",
            format!("{shown} is not a value of {en} ({n} values, given in the OpenAPI document)"),
            format!("{shown} no es un valor de {es} ({n} valores, indicados en el documento OpenAPI)"),
        )
    }
}
