//! The case form (officers): a case of the caller's country created or replaced through the
//! API's own paths (`api::cases::submit`, `api::cases::replace`: the same validation, refusals
//! and audit events), its inputs generated from the Formato catalog — sections A–L, repeatable
//! persons, suspects, minors with adults, documents, route legs, proceedings, assistance and
//! per-case reservations; enumerations as choices labelled in the reader's language. Without
//! script, adding or removing an entry posts the form back and it is drawn again with what was
//! typed; each validation error from the server is shown beside its field.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use maud::{Markup, html};
use serde_json::{Map, Value};

use crate::access::disclosure::Decision;
use crate::cases::idempotency::Key;
use crate::console::i18n::Lang;
use crate::console::layout::{self, FieldErrors, Shell};
use crate::console::render::{self, SECTIONS};
use crate::console::session::{FormFields, Member, Refused, check_session_csrf, parse_form_up_to, see_other};
use crate::error::ApiError;
use crate::formato::catalog::{self, EntityDef, FieldDef, FieldType};
use crate::formato::record::CaseInput;
use crate::formato::validate::catalog_path;
use crate::state::AppState;

/// Names of the form's own inputs, never part of the case.
const CONTROLS: [&str; 4] = ["csrf", "action", "etag", "idempotency_key"];

/// The per-case reservations: not catalog fields, but a list the form edits like one.
const RESERVATIONS: &str = "field_reservations";

/// What one entry of a list entity is called.
fn item_name(lang: Lang, list: &str) -> &'static str {
    match list {
        "persons" => lang.t("Person", "Persona"),
        "suspects" => lang.t("Suspect", "Presunto responsable"),
        "minor_companions" => lang.t("Minor with an adult", "NNA con adulto"),
        "documents" => lang.t("Document", "Documento"),
        "route" => lang.t("Route leg", "Tramo"),
        "proceedings" => lang.t("Proceeding", "Actuación"),
        "assistance" => lang.t("Assistance", "Asistencia"),
        RESERVATIONS => lang.t("Reservation", "Reserva"),
        _ => lang.t("Entry", "Entrada"),
    }
}

/// The form's state: what each input holds, by its name (`persons[0].sex`); a multiple choice
/// holds several values.
#[derive(Default)]
struct Values(BTreeMap<String, Vec<String>>);

impl Values {
    fn first(&self, name: &str) -> &str {
        self.0.get(name).and_then(|v| v.first()).map(String::as_str).unwrap_or("")
    }

    fn all(&self, name: &str) -> &[String] {
        self.0.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// How many entries of a list the form holds (entries are numbered from 0, without gaps).
    fn count(&self, list: &str) -> usize {
        let prefix = format!("{list}[");
        self.0
            .keys()
            .filter_map(|k| k.strip_prefix(&prefix)?.split(']').next()?.parse::<usize>().ok())
            .max()
            .map_or(0, |n| n + 1)
    }

    fn from_form(form: &FormFields) -> Values {
        let mut v = Values::default();
        for (k, value) in &form.0 {
            if !CONTROLS.contains(&k.as_str()) {
                v.0.entry(k.clone()).or_default().push(value.clone());
            }
        }
        v
    }

    /// Add an empty entry to a list (entities with an identifier get a new one).
    fn add(&mut self, list: &str) {
        let n = self.count(list);
        let key = format!("{list}[{n}].id");
        let has_id = catalog::field(&format!("{list}[].id")).is_some();
        let value = if has_id { uuid::Uuid::now_v7().to_string() } else { String::new() };
        // An entity without an identifier is held open by an empty first field.
        let key = if has_id { key } else { format!("{list}[{n}].{}", first_field(list)) };
        self.0.insert(key, vec![value]);
    }

    /// Remove entry `i` of a list, renumbering the ones after it.
    fn remove(&mut self, list: &str, i: usize) {
        let prefix = format!("{list}[");
        let old = std::mem::take(&mut self.0);
        for (k, v) in old {
            let Some(rest) = k.strip_prefix(&prefix) else {
                self.0.insert(k, v);
                continue;
            };
            let Some((n, tail)) = rest.split_once(']').and_then(|(n, t)| Some((n.parse::<usize>().ok()?, t))) else {
                continue;
            };
            if n == i {
                continue;
            }
            let n = if n > i { n - 1 } else { n };
            self.0.insert(format!("{list}[{n}]{tail}"), v);
        }
    }
}

/// The name of the first input of a list's entries.
fn first_field(list: &str) -> &'static str {
    if list == RESERVATIONS {
        return "path";
    }
    let prefix = format!("{list}[].");
    catalog::catalog()
        .fields
        .iter()
        .find_map(|f| f.path.strip_prefix(&prefix).filter(|rest| !rest.contains('.')))
        .unwrap_or("id")
}

/// A field the form shows: neither set nor derived by the server.
fn editable(f: &FieldDef) -> bool {
    !f.system && !f.derived
}

/// An entity identifier, kept in a hidden input (references name it).
fn is_entity_id(f: &FieldDef) -> bool {
    f.path.ends_with("[].id")
}

// ---- From a stored case to the form, and back ----

/// The form's state of a stored case (the reporting country's whole document).
fn values_of(doc: &Value) -> Values {
    fn walk(v: &Value, name: String, out: &mut Values) {
        let field = catalog::field(&catalog_path(&name));
        match v {
            Value::Object(o) => {
                for (k, v) in o {
                    walk(v, if name.is_empty() { k.clone() } else { format!("{name}.{k}") }, out);
                }
            }
            Value::Array(items) => match field.map(|f| f.field_type) {
                Some(FieldType::ObjectList) => {
                    let lines: Vec<String> = items
                        .iter()
                        .map(|i| {
                            let part = |k: &str| i.get(k).and_then(Value::as_str).unwrap_or("");
                            format!("{}: {}", part("kind"), part("value"))
                        })
                        .collect();
                    out.0.insert(name, vec![lines.join("\n")]);
                }
                Some(FieldType::TextList) => {
                    let lines: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                    out.0.insert(name, vec![lines.join("\n")]);
                }
                Some(FieldType::CountryList | FieldType::UuidList) => {
                    let codes: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                    out.0.insert(name, vec![codes.join(" ")]);
                }
                Some(_) => {
                    out.0.insert(name, items.iter().map(text_of).collect());
                }
                None => {
                    for (i, item) in items.iter().enumerate() {
                        walk(item, format!("{name}[{i}]"), out);
                    }
                }
            },
            Value::Null => {}
            other => {
                if field.is_some_and(editable) || name.starts_with(RESERVATIONS) {
                    out.0.insert(name, vec![text_of(other)]);
                }
            }
        }
    }
    let mut out = Values::default();
    walk(doc, String::new(), &mut out);
    out
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A tree of the case being assembled from the form, lists kept by index.
enum Node {
    Object(BTreeMap<String, Node>),
    List(BTreeMap<usize, Node>),
    Leaf(Value),
}

impl Node {
    fn insert(&mut self, segments: &[(&str, Option<usize>)], value: Value) {
        let Some(((key, index), rest)) = segments.split_first() else { return };
        let Node::Object(map) = self else { return };
        let entry = map.entry((*key).to_owned()).or_insert_with(|| match index {
            Some(_) => Node::List(BTreeMap::new()),
            None if rest.is_empty() => Node::Leaf(Value::Null),
            None => Node::Object(BTreeMap::new()),
        });
        let slot = match (index, entry) {
            (Some(i), Node::List(items)) => items.entry(*i).or_insert_with(|| Node::Object(BTreeMap::new())),
            (_, other) => other,
        };
        if rest.is_empty() {
            *slot = Node::Leaf(value);
        } else {
            slot.insert(rest, value);
        }
    }

    /// The JSON value; entries with nothing filled in are left out.
    fn into_value(self) -> Option<Value> {
        match self {
            Node::Leaf(v) => Some(v),
            Node::Object(map) => {
                let o: Map<String, Value> = map.into_iter().filter_map(|(k, n)| Some((k, n.into_value()?))).collect();
                (!o.is_empty()).then_some(Value::Object(o))
            }
            Node::List(items) => {
                let items: Vec<Value> = items.into_values().filter_map(Node::into_value).collect();
                (!items.is_empty()).then_some(Value::Array(items))
            }
        }
    }
}

/// `persons[2].exploitation.forms` → `[("persons", Some(2)), ("exploitation", None), ("forms", None)]`.
fn segments(name: &str) -> Option<Vec<(&str, Option<usize>)>> {
    name.split('.')
        .map(|seg| match seg.split_once('[') {
            Some((key, rest)) => Some((key, Some(rest.strip_suffix(']')?.parse().ok()?))),
            None => Some((seg, None)),
        })
        .collect()
}

/// What an input's text means for a field of type `t`: typed when it reads as one, the text as
/// typed otherwise (the server then names the field and says what it expects).
fn typed(t: FieldType, text: &str) -> Option<Value> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let words = || {
        Value::Array(
            text.split([',', ' ', '\n', '\r', '\t'])
                .filter(|w| !w.is_empty())
                .map(|w| Value::String(w.to_owned()))
                .collect(),
        )
    };
    let lines = || {
        Value::Array(
            text.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| Value::String(l.to_owned())).collect(),
        )
    };
    Some(match t {
        FieldType::Int => text.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::String(text.to_owned())),
        FieldType::Decimal => text
            .parse::<f64>()
            .ok()
            .and_then(|n| serde_json::Number::from_f64(n).map(Value::Number))
            .unwrap_or_else(|| Value::String(text.to_owned())),
        FieldType::Bool => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            other => Value::String(other.to_owned()),
        },
        FieldType::CountryList | FieldType::UuidList => words(),
        FieldType::TextList => lines(),
        FieldType::ObjectList => Value::Array(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| {
                    let (kind, value) = l.split_once(':').map_or(("", l), |(k, v)| (k.trim(), v.trim()));
                    let mut o = Map::new();
                    if !kind.is_empty() {
                        o.insert("kind".into(), Value::String(kind.to_owned()));
                    }
                    o.insert("value".into(), Value::String(value.to_owned()));
                    Value::Object(o)
                })
                .collect(),
        ),
        _ => Value::String(text.to_owned()),
    })
}

/// The case the form describes, as the API would receive it.
fn document_of(values: &Values) -> Value {
    let mut root = Node::Object(BTreeMap::new());
    for (name, texts) in &values.0 {
        let path = catalog_path(name);
        let field_type = if path == "field_reservations[].path" || path == "field_reservations[].reason" {
            FieldType::Text
        } else {
            match catalog::field(&path) {
                Some(f) if editable(f) => f.field_type,
                _ => continue,
            }
        };
        let value = match field_type {
            FieldType::EnumList | FieldType::ReferenceList => {
                let chosen: Vec<Value> =
                    texts.iter().filter(|t| !t.trim().is_empty()).map(|t| Value::String(t.trim().to_owned())).collect();
                (!chosen.is_empty()).then_some(Value::Array(chosen))
            }
            t => texts.first().and_then(|text| typed(t, text)),
        };
        if let (Some(value), Some(segs)) = (value, segments(name)) {
            root.insert(&segs, value);
        }
    }
    root.into_value().unwrap_or_else(|| Value::Object(Map::new()))
}

/// The form's case read as the API reads a body (the same per-field errors).
fn input_of(values: &Values) -> Result<CaseInput, ApiError> {
    let bytes = serde_json::to_vec(&document_of(values)).map_err(|_| ApiError::Internal)?;
    crate::api::http::parse_json::<CaseInput>(&bytes)
}

// ---- Drawing the form ----

/// Where an error about `field` is shown: the input of that name, or of the nearest enclosing
/// name the form has (`persons[0].citizenship[1]` → `persons[0].citizenship`).
fn anchor_of(values: &Values, inputs: &[String], field: &str) -> Option<String> {
    let mut name = field.to_owned();
    loop {
        if inputs.contains(&name) || values.0.contains_key(&name) {
            return Some(name);
        }
        let cut = name.rfind(['.', '['])?;
        name.truncate(cut);
    }
}

/// Everything the form needs to draw itself.
struct Form<'a> {
    lang: Lang,
    values: &'a Values,
    errors: &'a FieldErrors,
}

impl Form<'_> {
    fn label(&self, f: &FieldDef) -> &'static str {
        self.lang.t(f.label_en, f.label_es)
    }

    /// The references a field may take: the entries of the lists it points to.
    fn reference_options(&self, target: &str) -> Vec<(String, String)> {
        let mut out = vec![];
        for list in target.split('|') {
            for i in 0..self.values.count(list) {
                let id = self.values.first(&format!("{list}[{i}].id"));
                if !id.is_empty() {
                    out.push((id.to_owned(), format!("{} {}", item_name(self.lang, list), i + 1)));
                }
            }
        }
        out
    }

    fn hint(&self, f: &FieldDef) -> Option<String> {
        let l = self.lang;
        let text = match f.field_type {
            FieldType::PartialDate => l.t("YYYY, YYYY-MM or YYYY-MM-DD", "AAAA, AAAA-MM o AAAA-MM-DD").to_owned(),
            FieldType::Country => {
                l.t("Two-letter country code, e.g. GT", "Código de país de dos letras, p. ej. GT").to_owned()
            }
            FieldType::IcaoCountry => {
                l.t("Three-letter ICAO code, e.g. GTM", "Código OACI de tres letras, p. ej. GTM").to_owned()
            }
            FieldType::CountryList => {
                l.t("Country codes separated by spaces", "Códigos de país separados por espacios").to_owned()
            }
            FieldType::UuidList => l
                .t("Case identifiers separated by spaces", "Identificadores de casos separados por espacios")
                .to_owned(),
            FieldType::TextList => l.t("One per line", "Uno por línea").to_owned(),
            FieldType::Currency => l.t("ISO 4217 code, e.g. USD", "Código ISO 4217, p. ej. USD").to_owned(),
            FieldType::ObjectList => {
                let kinds: Vec<&str> = f
                    .enum_name
                    .and_then(catalog::enum_def)
                    .map(|e| e.values.iter().map(|v| v.code).collect())
                    .unwrap_or_default();
                match l {
                    Lang::En => format!("One per line, as kind: value. Kinds: {}", kinds.join(", ")),
                    Lang::Es => format!("Uno por línea, como tipo: valor. Tipos: {}", kinds.join(", ")),
                }
            }
            _ => return f.required.then(|| l.t("Required", "Obligatorio").to_owned()),
        };
        Some(if f.required { format!("{} · {text}", l.t("Required", "Obligatorio")) } else { text })
    }

    /// One input, named `name`, for field `f`.
    fn input(&self, f: &FieldDef, name: &str) -> Markup {
        let l = self.lang;
        let id = format!("f-{name}");
        let err = format!("err-{name}");
        let invalid = self.errors.has(name);
        let described = invalid.then_some(err.as_str());
        let current = self.values.first(name);
        let chosen = self.values.all(name);
        let options = |enum_name: Option<&str>| -> Vec<(&'static str, &'static str)> {
            enum_name
                .and_then(catalog::enum_def)
                .map(|e| e.values.iter().map(|v| (v.code, l.t(v.label_en, v.label_es))).collect())
                .unwrap_or_default()
        };
        let control = match f.field_type {
            FieldType::Enum => html! {
                select id=(id) name=(name) aria-invalid=[invalid.then_some("true")] aria-describedby=[described] {
                    option value="" { "—" }
                    @for (code, label) in options(f.enum_name) {
                        option value=(code) selected[current == code] { (label) }
                    }
                }
            },
            FieldType::EnumList => {
                let opts = options(f.enum_name);
                html! {
                    select id=(id) name=(name) multiple size=(opts.len().clamp(2, 5)) aria-invalid=[invalid.then_some("true")] aria-describedby=[described] {
                        @for (code, label) in &opts {
                            option value=(code) selected[chosen.iter().any(|c| c == code)] { (label) }
                        }
                    }
                }
            }
            FieldType::Bool => html! {
                select id=(id) name=(name) aria-invalid=[invalid.then_some("true")] aria-describedby=[described] {
                    option value="" { "—" }
                    option value="true" selected[current == "true"] { (l.t("Yes", "Sí")) }
                    option value="false" selected[current == "false"] { (l.t("No", "No")) }
                }
            },
            FieldType::Reference => {
                let opts = self.reference_options(f.ref_target.unwrap_or(""));
                let known = current.is_empty() || opts.iter().any(|(v, _)| v == current);
                html! {
                    @if matches!(f.ref_target, Some("cases" | "directory")) {
                        input id=(id) name=(name) type="text" value=(current) maxlength="36" aria-invalid=[invalid.then_some("true")] aria-describedby=[described];
                    } @else {
                        select id=(id) name=(name) aria-invalid=[invalid.then_some("true")] aria-describedby=[described] {
                            option value="" { "—" }
                            @for (value, label) in &opts {
                                option value=(value) selected[current == value] { (label) }
                            }
                            @if !known { option value=(current) selected { (current) } }
                        }
                    }
                }
            }
            FieldType::ReferenceList => {
                let opts = self.reference_options(f.ref_target.unwrap_or(""));
                html! {
                    select id=(id) name=(name) multiple size=(opts.len().clamp(2, 5)) aria-invalid=[invalid.then_some("true")] aria-describedby=[described] {
                        @for (value, label) in &opts {
                            option value=(value) selected[chosen.iter().any(|c| c == value)] { (label) }
                        }
                    }
                }
            }
            FieldType::LongText | FieldType::TextList | FieldType::ObjectList => html! {
                textarea id=(id) name=(name) rows="3" maxlength=[(f.field_type == FieldType::LongText).then_some(f.max_length).flatten()]
                    aria-invalid=[invalid.then_some("true")] aria-describedby=[described] { (current) }
            },
            FieldType::Date => html! {
                input id=(id) name=(name) type="date" value=(current) aria-invalid=[invalid.then_some("true")] aria-describedby=[described];
            },
            FieldType::Int | FieldType::Decimal => html! {
                input id=(id) name=(name) type="text" inputmode=(if f.field_type == FieldType::Int { "numeric" } else { "decimal" }) value=(current)
                    aria-invalid=[invalid.then_some("true")] aria-describedby=[described];
            },
            _ => html! {
                input id=(id) name=(name) type="text" value=(current) maxlength=[f.max_length]
                    aria-invalid=[invalid.then_some("true")] aria-describedby=[described];
            },
        };
        html! {
            div.field.invalid[invalid] {
                label for=(id) {
                    (self.label(f))
                    @if let Some(h) = self.hint(f) { span.hint { (h) } }
                }
                (control)
                (self.errors.show(l, name))
            }
        }
    }

    /// The inputs of the fields directly inside `container` (`""` for the case, `smuggling`,
    /// `persons[]`), named with `prefix` (`persons[2]`), then its nested objects.
    fn fields(&self, container: &str, prefix: &str, section: Option<&str>) -> Markup {
        let cat = catalog::catalog();
        let direct = |f: &&FieldDef| -> bool {
            let rest = if container.is_empty() {
                Some(f.path)
            } else {
                f.path.strip_prefix(container).and_then(|r| r.strip_prefix('.'))
            };
            rest.is_some_and(|r| !r.contains('.') && !r.contains('['))
        };
        let name_of = |f: &FieldDef| -> String {
            if container.is_empty() { f.path.to_owned() } else { format!("{prefix}{}", &f.path[container.len()..]) }
        };
        let nested: Vec<&EntityDef> = cat
            .entities
            .iter()
            .filter(|e| {
                !container.is_empty()
                    && e.path
                        .strip_prefix(container)
                        .and_then(|r| r.strip_prefix('.'))
                        .is_some_and(|r| !r.contains('.'))
            })
            .collect();
        html! {
            @for f in cat.fields.iter().filter(direct).filter(|f| editable(f)).filter(|f| section.is_none_or(|s| f.section == s)) {
                @if is_entity_id(f) {
                    input type="hidden" name=(name_of(f)) value=(self.values.first(&name_of(f)));
                } @else {
                    (self.input(f, &name_of(f)))
                }
            }
            @for e in nested {
                fieldset.object {
                    legend { (self.lang.t(e.label_en, e.label_es)) }
                    (self.fields(e.path, &format!("{prefix}{}", &e.path[container.len()..]), None))
                }
            }
        }
    }

    /// A per-case reservation: a reservable field and the reason.
    fn reservation(&self, i: usize) -> Markup {
        let l = self.lang;
        let (path, reason) = (format!("{RESERVATIONS}[{i}].path"), format!("{RESERVATIONS}[{i}].reason"));
        let current = self.values.first(&path);
        html! {
            div.field.invalid[self.errors.has(&path)] {
                label for={ "f-" (path) } { (l.t("Field", "Campo")) }
                select id={ "f-" (path) } name=(path) {
                    option value="" { "—" }
                    @for f in catalog::catalog().fields.iter().filter(|f| f.reservable) {
                        option value=(f.path) selected[current == f.path] { (f.section) " · " (self.label(f)) }
                    }
                }
                (self.errors.show(l, &path))
            }
            div.field.invalid[self.errors.has(&reason)] {
                label for={ "f-" (reason) } { (l.t("Reason", "Motivo")) span.hint { (l.t("Required, up to 500 characters", "Obligatorio, hasta 500 caracteres")) } }
                input id={ "f-" (reason) } name=(reason) type="text" maxlength="500" value=(self.values.first(&reason));
                (self.errors.show(l, &reason))
            }
        }
    }

    /// A list entity: its entries, each with a remove button, and an add button.
    fn list(&self, e: &EntityDef) -> Markup {
        let l = self.lang;
        let name = item_name(l, e.path);
        html! {
            h3 { (l.t(e.label_en, e.label_es)) }
            (self.errors.show(l, e.path))
            @for i in 0..self.values.count(e.path) {
                fieldset.entity {
                    legend { (name) " " (i + 1) }
                    @if e.path == RESERVATIONS {
                        (self.reservation(i))
                    } @else {
                        (self.fields(&format!("{}[]", e.path), &format!("{}[{i}]", e.path), None))
                    }
                    button.secondary type="submit" name="action" value={ "remove " (e.path) " " (i) } {
                        (l.t("Remove", "Quitar")) " " (name) " " (i + 1)
                    }
                }
            }
            p { button.secondary type="submit" name="action" value={ "add " (e.path) } { "+ " (l.t("Add", "Añadir")) ": " (name) } }
        }
    }

    fn sections(&self) -> Markup {
        let cat = catalog::catalog();
        html! {
            @for (code, en, es) in SECTIONS {
                @let top: Vec<&EntityDef> = cat.entities.iter().filter(|e| e.section == code && !e.path.contains('.')).collect();
                @let has_fields = cat.fields.iter().any(|f| f.section == code && !f.path.contains('.') && !f.path.contains('[') && editable(f));
                @if has_fields || !top.is_empty() {
                    section.form-section aria-labelledby={ "sec-" (code) } {
                        h2 #{ "sec-" (code) } { (code) ". " (self.lang.t(en, es)) }
                        (self.fields("", "", Some(code)))
                        @for e in top {
                            @if e.max_items.is_some() {
                                (self.list(e))
                            } @else {
                                fieldset.object {
                                    legend { (self.lang.t(e.label_en, e.label_es)) }
                                    (self.fields(e.path, e.path, None))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The names of every input the form draws (for placing errors).
fn input_names(values: &Values) -> Vec<String> {
    let cat = catalog::catalog();
    let mut out: Vec<String> = vec![];
    for f in cat.fields.iter().filter(|f| editable(f)) {
        match f.path.split_once("[]") {
            None => out.push(f.path.to_owned()),
            Some((list, tail)) => {
                for i in 0..values.count(list) {
                    out.push(format!("{list}[{i}]{tail}"));
                }
            }
        }
    }
    for i in 0..values.count(RESERVATIONS) {
        out.push(format!("{RESERVATIONS}[{i}].path"));
        out.push(format!("{RESERVATIONS}[{i}].reason"));
    }
    out
}

/// What the form is for: a new case (with the idempotency key of this form), or a new version
/// of a case (with the ETag of the version it started from).
enum Target {
    New { key: String },
    Edit { id: String, etag: String },
}

fn page(m: &Member, target: &Target, values: &Values, errors: &FieldErrors, status: StatusCode) -> HttpResponse {
    let lang = m.lang;
    let form = Form { lang, values, errors };
    let inputs = input_names(values);
    let (action, title) = match target {
        Target::New { .. } => ("/cases/new".to_owned(), lang.t("New case", "Nuevo caso").to_owned()),
        Target::Edit { id, .. } => {
            (format!("/cases/{id}/edit"), format!("{} {}", lang.t("Edit case", "Editar caso"), &id[..id.len().min(8)]))
        }
    };
    let save =
        html! { button type="submit" name="action" value="save" { (lang.t("Save the case", "Guardar el caso")) } };
    let body = html! {
        @if !errors.0.is_empty() {
            div.notice.error role="alert" tabindex="-1" #errors {
                p { strong { (lang.t("The case was not saved: correct the fields marked below.", "El caso no se guardó: corrija los campos señalados abajo.")) } }
                ul {
                    @for e in &errors.0 {
                        @let message = if lang.spanish() { &e.message_es } else { &e.message };
                        li {
                            @match anchor_of(values, &inputs, &e.field) {
                                Some(a) => a href={ "#f-" (a) } { (render::label(lang, &catalog_path(&e.field))) ": " (message) },
                                None => { code { (e.field) } ": " (message) },
                            }
                        }
                    }
                }
            }
        }
        p.muted { (lang.t(
            "Fields reserved by your country's policy or by a reservation below are withheld from every other country; the handling codes travel with the case to every recipient.",
            "Los campos reservados por la política de su país o por una reserva abajo se ocultan a todos los demás países; los códigos de manejo acompañan al caso ante cada destinatario.",
        )) }
        form.case-form method="post" action=(action) novalidate {
            input type="hidden" name="csrf" value=(m.csrf);
            @match target {
                Target::New { key } => input type="hidden" name="idempotency_key" value=(key);,
                Target::Edit { etag, .. } => input type="hidden" name="etag" value=(etag);,
            }
            p { (save) }
            (form.sections())
            p { (save) }
        }
    };
    let shell = Shell { lang, user: Some(&m.p.0), csrf: Some(&m.csrf), path: "/cases" };
    layout::respond(status, lang, layout::page(&shell, &title, body))
}

/// The server's errors, each moved to the input that holds its value when it names a part of
/// one (`persons[0].citizenship[1]` → `persons[0].citizenship`, its path kept in the message);
/// errors the form has no input for stay listed at the top only.
fn placed(values: &Values, e: &ApiError) -> FieldErrors {
    let inputs = input_names(values);
    let FieldErrors(list) = FieldErrors::of(e);
    FieldErrors(
        list.into_iter()
            .map(|mut fe| {
                if let Some(a) = anchor_of(values, &inputs, &fe.field)
                    && a != fe.field
                {
                    fe.message = format!("{} ({})", fe.message, fe.field);
                    fe.message_es = format!("{} ({})", fe.message_es, fe.field);
                    fe.field = a;
                }
                fe
            })
            .collect(),
    )
}

/// What a posted form asks: to save, or to add or remove an entry and draw the form again.
enum Action {
    Save,
    Add(String),
    Remove(String, usize),
}

fn action_of(form: &FormFields) -> Action {
    let list_ok =
        |l: &str| l == RESERVATIONS || catalog::catalog().entities.iter().any(|e| e.path == l && e.max_items.is_some());
    let words: Vec<&str> = form.get("action").unwrap_or("save").split(' ').collect();
    match words.as_slice() {
        ["add", list] if list_ok(list) => Action::Add((*list).to_owned()),
        ["remove", list, i] if list_ok(list) => {
            i.parse().map_or(Action::Save, |i| Action::Remove((*list).to_owned(), i))
        }
        _ => Action::Save,
    }
}

/// The most entries of one list the form will hold (the catalog's limit or 100, whichever is
/// less: a case with more is better sent through the API's batch).
const MAX_FORM_ENTRIES: usize = 100;

/// The form's body limit: the API's JSON body limit.
fn form_limit(state: &AppState) -> usize {
    state.settings.max_body_bytes
}

/// Only those who may submit cases get the form (the service decides again when it is sent).
fn may_submit(req: &HttpRequest, m: &Member) -> Result<(), Refused> {
    if crate::access::cases::may_write_cases(&m.p.subject()) {
        Ok(())
    } else {
        Err(Refused::of(req, ApiError::Forbidden))
    }
}

#[get("/cases/new")]
pub async fn new_form(req: HttpRequest, m: Member) -> Result<HttpResponse, Refused> {
    may_submit(&req, &m)?;
    let target = Target::New { key: uuid::Uuid::new_v4().to_string() };
    let mut values = Values::default();
    values.0.insert("sharing.scope".into(), vec!["network".into()]);
    Ok(page(&m, &target, &values, &FieldErrors::none(), StatusCode::OK))
}

/// Add or remove an entry and draw the form again; `None` when the form asks to be saved.
fn redraw(m: &Member, target: &Target, values: &mut Values, action: Action) -> Option<HttpResponse> {
    match action {
        Action::Save => return None,
        Action::Add(list) => {
            if values.count(&list) < MAX_FORM_ENTRIES {
                values.add(&list);
            }
        }
        Action::Remove(list, i) => values.remove(&list, i),
    }
    Some(page(m, target, values, &FieldErrors::none(), StatusCode::OK))
}

#[post("/cases/new")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    body: web::Bytes,
) -> Result<HttpResponse, Refused> {
    let form = parse_form_up_to(&req, &body, form_limit(&state))?;
    check_session_csrf(&state, &req, &m.p.ctx, &form, &m.csrf).await?;
    let key = Some(form.text("idempotency_key"))
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let target = Target::New { key: key.clone() };
    let mut values = Values::from_form(&form);
    if let Some(page) = redraw(&m, &target, &mut values, action_of(&form)) {
        return Ok(page);
    }
    let result = async {
        let input = input_of(&values)?;
        let canonical = serde_json::to_string(&input).map_err(|_| ApiError::Internal)?;
        let key = Key::new(&key, &format!("POST /cases/new\n{canonical}"))?;
        crate::api::cases::submit(&state, &m.p, input, Some(key)).await
    }
    .await;
    match result {
        Ok(snapshot) => {
            let id = serde_json::from_str::<Value>(&snapshot.body)
                .ok()
                .and_then(|v| v.get("case_id").and_then(Value::as_str).map(str::to_owned))
                .unwrap_or_default();
            Ok(see_other(&format!("/cases/{id}?done=saved")))
        }
        Err(e @ (ApiError::Validation(_) | ApiError::Malformed(_))) => {
            Ok(page(&m, &target, &values, &placed(&values, &e), StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Refused::of(&req, e)),
    }
}

/// The form of a new version of one of the caller's country's cases, filled from the version
/// in force (read through the API's path, audited; another country's case is 404).
#[get("/cases/{id}/edit")]
pub async fn edit_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    id: web::Path<String>,
) -> Result<HttpResponse, Refused> {
    let case = crate::api::cases::read(&state, &m.p, id.into_inner()).await.map_err(|e| Refused::of(&req, e))?;
    may_submit(&req, &m)?;
    if !matches!(case.decision(), Decision::Whole) {
        return Err(Refused::of(&req, ApiError::NotFound));
    }
    let doc: Value = serde_json::from_str(case.text()).map_err(|_| Refused::of(&req, ApiError::Internal))?;
    let id = doc.get("case_id").and_then(Value::as_str).unwrap_or("").to_owned();
    let target = Target::Edit { id, etag: case.etag().to_owned() };
    Ok(page(&m, &target, &values_of(&doc), &FieldErrors::none(), StatusCode::OK))
}

#[post("/cases/{id}/edit")]
pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Refused> {
    let form = parse_form_up_to(&req, &body, form_limit(&state))?;
    check_session_csrf(&state, &req, &m.p.ctx, &form, &m.csrf).await?;
    let id = id.into_inner();
    let target = Target::Edit { id: id.clone(), etag: form.text("etag") };
    let mut values = Values::from_form(&form);
    if let Some(page) = redraw(&m, &target, &mut values, action_of(&form)) {
        return Ok(page);
    }
    let etag = Some(form.text("etag")).filter(|t| !t.is_empty());
    let result = async {
        let input = input_of(&values)?;
        crate::api::cases::replace(&state, &m.p, id.clone(), etag, input).await
    }
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/cases/{id}?done=saved"))),
        Err(e @ (ApiError::Validation(_) | ApiError::Malformed(_))) => {
            Ok(page(&m, &target, &values, &placed(&values, &e), StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(ApiError::PreconditionFailed) => Ok(page(
            &m,
            &target,
            &values,
            &FieldErrors(vec![crate::error::FieldError::new(
                "",
                "changed",
                "the case changed since this form was opened: open it again to see the new version",
                "el caso cambió desde que se abrió este formulario: ábralo de nuevo para ver la nueva versión",
            )]),
            StatusCode::PRECONDITION_FAILED,
        )),
        Err(e) => Err(Refused::of(&req, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> Values {
        let mut v = Values::default();
        for (k, x) in pairs {
            v.0.entry((*k).to_owned()).or_default().push((*x).to_owned());
        }
        v
    }

    #[test]
    fn a_form_becomes_the_case_the_api_would_receive() {
        let v = values(&[
            ("case_type", "smuggling"),
            ("summary", "  "),
            ("persons[1].id", "b"),
            ("persons[0].id", "a"),
            ("persons[0].age_years", "34"),
            ("persons[0].citizenship", "GT  HN"),
            ("persons[0].vulnerability_profiles", "separated_child"),
            ("persons[0].vulnerability_profiles", "victim_of_crime_in_transit"),
            ("persons[0].exploitation.types", "forced_labour"),
            ("suspects[0].identifiers", "passport: X1\nnickname"),
            ("route[0].seq", ""),
            ("sharing.scope", "network"),
            ("smuggling.fee_amount", "12.5"),
            ("include_in_statistics", "false"),
            ("reporting_country", "MX"),
        ]);
        let doc = document_of(&v);
        assert_eq!(doc["case_type"], "smuggling");
        assert!(doc.get("summary").is_none());
        assert!(doc.get("route").is_none(), "an entry with nothing filled in is left out");
        assert!(doc.get("reporting_country").is_none(), "system fields are never sent");
        assert_eq!(doc["persons"][0]["id"], "a");
        assert_eq!(doc["persons"][1]["id"], "b");
        assert_eq!(doc["persons"][0]["age_years"], 34);
        assert_eq!(doc["persons"][0]["citizenship"], serde_json::json!(["GT", "HN"]));
        assert_eq!(
            doc["persons"][0]["vulnerability_profiles"],
            serde_json::json!(["separated_child", "victim_of_crime_in_transit"])
        );
        assert_eq!(doc["persons"][0]["exploitation"]["types"], serde_json::json!(["forced_labour"]));
        assert_eq!(
            doc["suspects"][0]["identifiers"],
            serde_json::json!([{"kind": "passport", "value": "X1"}, {"value": "nickname"}])
        );
        assert_eq!(doc["smuggling"]["fee_amount"], 12.5);
        assert_eq!(doc["include_in_statistics"], false);
        assert_eq!(doc["sharing"]["scope"], "network");
    }

    #[test]
    fn a_stored_case_fills_the_form_it_came_from() {
        use crate::formato::sample;
        for input in [sample::typical_case(4, "GT"), sample::full_case(5, "GT")] {
            let mut doc = serde_json::to_value(&input).unwrap();
            doc["reporting_country"] = "GT".into();
            let v = values_of(&doc);
            assert!(!v.0.contains_key("reporting_country"));
            let back = document_of(&v);
            let reread: CaseInput = serde_json::from_value(back).unwrap();
            assert_eq!(reread, input);
        }
    }

    #[test]
    fn removing_an_entry_renumbers_the_rest() {
        let mut v = values(&[
            ("persons[0].id", "a"),
            ("persons[1].id", "b"),
            ("persons[2].id", "c"),
            ("persons[2].sex", "female"),
        ]);
        v.remove("persons", 1);
        assert_eq!(v.count("persons"), 2);
        assert_eq!(v.first("persons[1].id"), "c");
        assert_eq!(v.first("persons[1].sex"), "female");
        v.add("route");
        assert_eq!(v.count("route"), 1);
    }

    #[test]
    fn an_error_is_shown_at_the_nearest_input() {
        let v = values(&[("persons[0].id", "a"), ("persons[0].citizenship", "GT XX")]);
        let inputs = input_names(&v);
        assert_eq!(anchor_of(&v, &inputs, "persons[0].citizenship[1]").as_deref(), Some("persons[0].citizenship"));
        assert_eq!(anchor_of(&v, &inputs, "case_type").as_deref(), Some("case_type"));
        assert_eq!(anchor_of(&v, &inputs, "persons[3].sex"), None);
    }
}
