//! A case as a page: the JSON that `access` released (the same bytes the API sends), laid out by
//! the Formato catalog — sections A–L, labels and enumeration values in the reader's language,
//! repeated entities numbered — with every withheld field shown as a visible marker with its
//! legal basis. Nothing here sees more than the caller may: it only formats what it is given.

use maud::{Markup, html};
use serde_json::{Map, Value};

use super::i18n::Lang;
use crate::formato::catalog::{self, FieldType};

/// The sections of the Formato (SPEC §5), in order.
pub const SECTIONS: [(&str, &str, &str); 12] = [
    ("A", "Case header", "Encabezado del caso"),
    ("B", "Detection", "Detección del hecho"),
    ("C", "Persons affected", "Personas afectadas"),
    ("D", "Exploitation", "Explotación"),
    ("E", "Smuggling service", "Servicio de tráfico ilícito"),
    ("F", "Suspects", "Presuntos responsables"),
    ("G", "Minors travelling with adults without a family tie", "NNA acompañados por adultos sin vínculo familiar"),
    ("H", "Travel and identity documents", "Documentos de viaje e identidad"),
    ("I", "Route legs", "Tramos de ruta"),
    ("J", "Modus operandi", "Modus operandi"),
    ("K", "Judicial and procedural status", "Situación judicial"),
    ("L", "Assistance and repatriation", "Asistencia y repatriación"),
];

/// The marker's legal basis, when `v` is a withheld marker.
pub fn withheld_basis(v: &Value) -> Option<&str> {
    let o = v.as_object()?;
    (o.get("withheld") == Some(&Value::Bool(true))).then(|| o.get("basis").and_then(Value::as_str).unwrap_or(""))
}

/// The visible marker of a withheld field.
pub fn withheld(lang: Lang, basis: &str) -> Markup {
    html! {
        span.withheld data-withheld="true" {
            (lang.t("Withheld", "Reservado")) " — " (lang.t("legal basis", "fundamento legal")) ": " (basis)
        }
    }
}

fn entity(path: &str) -> Option<&'static catalog::EntityDef> {
    catalog::catalog().entities.iter().find(|e| e.path == path)
}

/// The label of a catalog path (a field or an entity), or the key itself.
pub fn label(lang: Lang, path: &str) -> String {
    if let Some(f) = catalog::field(path) {
        return lang.t(f.label_en, f.label_es).to_owned();
    }
    if let Some(e) = entity(path) {
        return lang.t(e.label_en, e.label_es).to_owned();
    }
    path.rsplit(['.', ']']).next().unwrap_or(path).replace('_', " ")
}

/// The label of one value of an enumeration.
pub fn enum_label(lang: Lang, enum_name: &str, code: &str) -> String {
    catalog::enum_def(enum_name)
        .and_then(|e| e.values.iter().find(|v| v.code == code))
        .map(|v| lang.t(v.label_en, v.label_es).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

fn section_of(path: &str) -> &'static str {
    catalog::field(path).map(|f| f.section).or_else(|| entity(path).map(|e| e.section)).unwrap_or("A")
}

fn scalar(lang: Lang, path: &str, v: &Value) -> Markup {
    let def = catalog::field(path);
    let enum_name = def.and_then(|d| d.enum_name);
    html! {
        @match v {
            Value::Null => span.muted { "—" },
            Value::Bool(b) => (if *b { lang.t("Yes", "Sí") } else { lang.t("No", "No") }),
            Value::String(s) => {
                @if let (Some(e), Some(FieldType::Enum | FieldType::EnumList)) = (enum_name, def.map(|d| d.field_type)) {
                    (enum_label(lang, e, s))
                } @else {
                    (s)
                }
            },
            Value::Number(n) => (n),
            _ => code { (v.to_string()) },
        }
    }
}

/// One value at a catalog path (also used for records that reuse catalog fields, such as an
/// alert's document).
pub fn value(lang: Lang, path: &str, v: &Value) -> Markup {
    if let Some(basis) = withheld_basis(v) {
        return withheld(lang, basis);
    }
    match v {
        Value::Array(items) if items.iter().all(|i| !i.is_object() || withheld_basis(i).is_some()) => html! {
            @if items.is_empty() { span.muted { "—" } }
            @for (i, item) in items.iter().enumerate() {
                @if i > 0 { ", " }
                (value(lang, path, item))
            }
        },
        Value::Array(items) => html! {
            ol.items {
                @for item in items {
                    li { @match item.as_object() { Some(o) => (fields(lang, path, o)), None => (value(lang, path, item)) } }
                }
            }
        },
        Value::Object(o) => fields(lang, path, o),
        _ => scalar(lang, path, v),
    }
}

/// The fields of an object at `prefix` (`""` for the case itself, `persons[]` for a person).
fn fields(lang: Lang, prefix: &str, o: &Map<String, Value>) -> Markup {
    let child = |k: &str| if prefix.is_empty() { k.to_owned() } else { format!("{prefix}.{k}") };
    let (plain, nested): (Vec<_>, Vec<_>) = o.iter().partition(|(k, v)| {
        let path = child(k);
        let is_entity = entity(&path).is_some();
        !(is_entity && (v.is_object() || v.is_array()) && withheld_basis(v).is_none())
    });
    html! {
        @if !plain.is_empty() {
            dl.fields {
                @for (k, v) in &plain {
                    @let path = child(k);
                    @let path = if v.is_array() && catalog::field(&path).is_none() { format!("{path}[]") } else { path };
                    dt { (label(lang, &path)) }
                    dd data-path=(path) { (value(lang, &path, v)) }
                }
            }
        }
        @for (k, v) in &nested {
            @let path = child(k);
            (entity_block(lang, &path, v))
        }
    }
}

/// A nested entity: an object, or a list of objects numbered in order.
fn entity_block(lang: Lang, path: &str, v: &Value) -> Markup {
    match v {
        Value::Array(items) => {
            let item_path = format!("{path}[]");
            let name = label(lang, path);
            html! {
                h3 { (name) " (" (items.len()) ")" }
                @for (i, item) in items.iter().enumerate() {
                    section.entity aria-label={ (name) " " (i + 1) } {
                        h4 { (name) " " (i + 1) }
                        @match item.as_object() {
                            Some(o) => (fields(lang, &item_path, o)),
                            None => (value(lang, &item_path, item)),
                        }
                    }
                }
            }
        }
        Value::Object(o) => html! {
            h3 { (label(lang, path)) }
            (fields(lang, path, o))
        },
        _ => value(lang, path, v),
    }
}

/// The handling codes and evaluation of a case, shown first and prominently (never reservable,
/// so always present for a reader of the case).
fn handling(lang: Lang, doc: &Map<String, Value>) -> Markup {
    let keys = ["handling_codes", "handling_conditions", "source_reliability", "information_accuracy"];
    html! {
        aside.handling aria-label=(lang.t("Handling", "Manejo")) {
            strong { (lang.t("Handling and evaluation", "Manejo y evaluación")) }
            dl.fields {
                @for k in keys {
                    dt { (label(lang, k)) }
                    dd data-path=(k) { @match doc.get(k) { Some(v) => (value(lang, k, v)), None => span.muted { "—" } } }
                }
            }
        }
    }
}

/// A whole case, by section.
pub fn case(lang: Lang, doc: &Value) -> Markup {
    let Some(o) = doc.as_object() else { return html! {} };
    let handling_keys = ["handling_codes", "handling_conditions", "source_reliability", "information_accuracy"];
    html! {
        (handling(lang, o))
        @for (code, en, es) in SECTIONS {
            @let in_section: Map<String, Value> = o.iter()
                .filter(|(k, _)| !handling_keys.contains(&k.as_str()))
                .filter(|(k, _)| {
                    let known = catalog::field(k).is_some() || entity(k).is_some();
                    if known { section_of(k) == code } else { code == "A" }
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            @if !in_section.is_empty() {
                section aria-labelledby={ "sec-" (code) } {
                    h2 #{ "sec-" (code) } { (code) ". " (lang.t(en, es)) }
                    (fields(lang, "", &in_section))
                }
            }
        }
    }
}
