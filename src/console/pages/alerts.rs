//! Document alerts (M1) for officers and analysts of member countries: the list with the API's
//! filters and an alert's page with its specimen images, read through the API's own paths
//! (`api::alerts::alert_page`, `alert_of`, `images_of`, `image_of`: the same `access`
//! decisions, every read and image audited). Reserved fields show the withheld marker.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use maud::{Markup, html};
use serde_json::Value;

use crate::alerts::AlertQuery;
use crate::console::i18n::Lang;
use crate::console::layout::{self, Shell, url_encode};
use crate::console::render;
use crate::console::session::{Member, Refused};
use crate::state::AppState;

/// An alert's own fields (its document's are the catalog's `documents[].*`).
fn label(lang: Lang, key: &str) -> String {
    let own = match key {
        "alert_id" => Some(lang.t("Alert", "Alerta")),
        "reporting_country" => Some(lang.t("Reporting country", "País que informa")),
        "version" => Some(lang.t("Version", "Versión")),
        "valid_until" => Some(lang.t("Valid until", "Vigente hasta")),
        "issuing_authority_notes" => Some(lang.t("Issuing authority's notes", "Notas de la autoridad emisora")),
        "known_route_countries" => Some(lang.t("Countries on known routes", "Países en rutas conocidas")),
        "related_case_ids" => Some(lang.t("Related cases", "Casos relacionados")),
        "sharing" => Some(lang.t("Sharing", "Intercambio")),
        "status" => Some(lang.t("Status", "Estado")),
        "withdrawn" => Some(lang.t("Withdrawn", "Retirada")),
        "withdrawal_reason" => Some(lang.t("Reason for withdrawal", "Motivo del retiro")),
        "field_reservations" => Some(lang.t("Per-alert reservations", "Reservas de la alerta")),
        "created_at" => Some(lang.t("Published", "Publicada")),
        "updated_at" => Some(lang.t("Updated", "Actualizada")),
        _ => None,
    };
    own.map(str::to_owned).unwrap_or_else(|| render::label(lang, key))
}

/// One field of an alert: a document field by the catalog, any other as text.
fn field(lang: Lang, key: &str, v: &Value) -> Markup {
    if let Some(basis) = render::withheld_basis(v) {
        return render::withheld(lang, basis);
    }
    match (key, v) {
        ("related_case_ids", Value::Array(ids)) => html! {
            @if ids.is_empty() { span.muted { "—" } }
            @for id in ids.iter().filter_map(Value::as_str) { a href={ "/cases/" (id) } { code { (&id[..id.len().min(8)]) } } " " }
        },
        (_, Value::Object(o)) => html! {
            dl.fields { @for (k, v) in o { dt { (label(lang, k)) } dd { (render::value(lang, k, v)) } } }
        },
        _ => render::value(lang, key, v),
    }
}

fn document_fields(lang: Lang, doc: &Value) -> Markup {
    let Some(o) = doc.as_object() else { return html! {} };
    html! {
        dl.fields {
            @for (k, v) in o {
                @let path = format!("documents[].{k}");
                dt { (render::label(lang, &path)) }
                dd data-path={ "document." (k) } { (render::value(lang, &path, v)) }
            }
        }
    }
}

fn shell<'a>(m: &'a Member) -> Shell<'a> {
    Shell { lang: m.lang, user: Some(&m.p.0), csrf: Some(&m.csrf), path: "/alerts" }
}

#[get("/alerts")]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    params: web::Query<BTreeMap<String, String>>,
) -> Result<HttpResponse, Refused> {
    let lang = m.lang;
    let get = |k: &str| params.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let q = AlertQuery {
        issuing_state: get("issuing_state").map(|s| s.to_ascii_uppercase()),
        document_type: get("document_type"),
        fraud_type: get("fraud_type"),
        active: get("active").map(|a| a == "true"),
        since: None,
        reporting_country: get("reporting_country").map(|s| s.to_ascii_uppercase()),
        limit: Some(25),
        cursor: get("cursor"),
    };
    let page = crate::api::alerts::alert_page(&state, &m.p, q).await.map_err(|e| Refused::of(&req, e))?;
    let next = page.next_cursor.as_ref().map(|c| {
        let mut q: Vec<String> = ["issuing_state", "document_type", "fraud_type", "active", "reporting_country"]
            .iter()
            .filter_map(|k| get(k).map(|v| format!("{k}={}", url_encode(&v))))
            .collect();
        q.push(format!("cursor={}", url_encode(c)));
        format!("/alerts?{}", q.join("&"))
    });
    let choice = |name: &str, enum_name: &str, path: &str| {
        let values = crate::formato::catalog::enum_def(enum_name).map(|e| e.values.as_slice()).unwrap_or(&[]);
        let selected = get(name);
        html! {
            div {
                label for=(name) { (render::label(lang, path)) }
                select id=(name) name=(name) {
                    option value="" { (lang.t("Any", "Cualquiera")) }
                    @for v in values { option value=(v.code) selected[selected.as_deref() == Some(v.code)] { (lang.t(v.label_en, v.label_es)) } }
                }
            }
        }
    };
    let body = html! {
        form.filters method="get" action="/alerts" role="search" {
            div {
                label for="issuing_state" { (render::label(lang, "documents[].issuing_state")) }
                input #issuing_state name="issuing_state" type="text" maxlength="3" size="4" value=(get("issuing_state").unwrap_or_default());
            }
            (choice("document_type", "document_type", "documents[].document_type"))
            (choice("fraud_type", "document_fraud_type", "documents[].fraud_type"))
            div {
                label for="active" { (lang.t("Current", "Vigentes")) }
                select #active name="active" {
                    option value="" { (lang.t("Any", "Cualquiera")) }
                    option value="true" selected[get("active").as_deref() == Some("true")] { (lang.t("Current only", "Solo vigentes")) }
                    option value="false" selected[get("active").as_deref() == Some("false")] { (lang.t("Withdrawn or expired", "Retiradas o vencidas")) }
                }
            }
            div { button type="submit" { (lang.t("Filter", "Filtrar")) } }
        }
        @if page.items.is_empty() {
            p { (lang.t("No alert matches.", "Ninguna alerta coincide.")) }
        } @else {
            div.table-wrap {
                table #alerts {
                    thead { tr {
                        th scope="col" { (lang.t("Alert", "Alerta")) }
                        th scope="col" { (lang.t("Country", "País")) }
                        th scope="col" { (render::label(lang, "documents[].document_type")) }
                        th scope="col" { (render::label(lang, "documents[].fraud_type")) }
                        th scope="col" { (render::label(lang, "documents[].issuing_state")) }
                        th scope="col" { (label(lang, "valid_until")) }
                    } }
                    tbody {
                        @for a in &page.items {
                            @let v = a.as_value();
                            @let id = v.get("alert_id").and_then(Value::as_str).unwrap_or("");
                            @let doc = v.get("document").cloned().unwrap_or(Value::Null);
                            tr {
                                td { a href={ "/alerts/" (id) } { code { (&id[..id.len().min(8)]) } } }
                                td { (v.get("reporting_country").and_then(Value::as_str).unwrap_or("")) }
                                @for (k, path) in [("document_type", "documents[].document_type"), ("fraud_type", "documents[].fraud_type"), ("issuing_state", "documents[].issuing_state")] {
                                    td { (render::value(lang, path, doc.get(k).unwrap_or(&Value::Null))) }
                                }
                                td { (field(lang, "valid_until", v.get("valid_until").unwrap_or(&Value::Null))) }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(next) = next {
            nav.pager aria-label=(lang.t("Pages", "Páginas")) { a href=(next) rel="next" { (lang.t("Older alerts →", "Alertas anteriores →")) } }
        }
    };
    Ok(layout::ok(&shell(&m), lang.t("Document alerts", "Alertas de documentos"), body))
}

#[get("/alerts/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    id: web::Path<String>,
) -> Result<HttpResponse, Refused> {
    let lang = m.lang;
    let id = id.into_inner();
    let alert = crate::api::alerts::alert_of(&state, &m.p, id.clone()).await.map_err(|e| Refused::of(&req, e))?;
    let images = crate::api::alerts::images_of(&state, &m.p, id.clone()).await.map_err(|e| Refused::of(&req, e))?;
    let v = alert.view.as_value();
    let empty = serde_json::Map::new();
    let o = v.as_object().unwrap_or(&empty);
    let body = html! {
        h2 { (render::label(lang, "documents")) }
        (document_fields(lang, o.get("document").unwrap_or(&Value::Null)))
        h2 { (lang.t("Alert", "Alerta")) }
        dl.fields {
            @for (k, v) in o.iter().filter(|(k, _)| k.as_str() != "document") {
                dt { (label(lang, k)) }
                dd data-path=(k) { (field(lang, k, v)) }
            }
        }
        @if !images.is_empty() {
            h2 { (lang.t("Specimen images", "Imágenes de referencia")) }
            ul.cards {
                @for (i, img) in images.iter().enumerate() {
                    li {
                        img src={ "/alerts/" (id) "/images/" (img.image_id) } alt={ (lang.t("Specimen", "Espécimen")) " " (i + 1) } loading="lazy" width="320";
                        p.muted { (img.content_type) " · " (img.size_bytes / 1024) " KB" }
                    }
                }
            }
        }
        p { a href="/alerts" { (lang.t("All alerts", "Todas las alertas")) } }
    };
    let title = format!("{} {}", lang.t("Alert", "Alerta"), &id[..id.len().min(8)]);
    Ok(layout::ok(&shell(&m), &title, body))
}

/// A specimen image, for the alert page (the API's read: audited, 404 for whoever may not see
/// the alert).
#[get("/alerts/{id}/images/{image_id}")]
pub async fn image(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Refused> {
    let (id, image_id) = path.into_inner();
    let (content_type, data) =
        crate::api::alerts::image_of(&state, &m.p, id, image_id).await.map_err(|e| Refused::of(&req, e))?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(data))
}
