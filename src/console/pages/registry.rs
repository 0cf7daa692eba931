//! The private area's shared resources, read through the API's own paths (the same rules and
//! audit events): the liaison directory (M2), entry requirements (M3) and country reports (M6),
//! whose files are downloaded through the API's streaming download.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, get, web};
use maud::html;

use crate::console::i18n::Lang;
use crate::console::layout::{self, Shell};
use crate::console::session::{Member, Refused};
use crate::registry::directory::DirectoryQuery;
use crate::registry::entry_requirements::RequirementQuery;
use crate::reports::ReportQuery;
use crate::state::AppState;

type Params = web::Query<BTreeMap<String, String>>;

fn param(params: &BTreeMap<String, String>, k: &str) -> Option<String> {
    params.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn shell<'a>(m: &'a Member, path: &'a str) -> Shell<'a> {
    Shell { lang: m.lang, user: Some(&m.p.0), csrf: Some(&m.csrf), path }
}

const CONTACT_ROLES: [(&str, &str, &str); 5] = [
    ("network_liaison", "Network liaison officer", "Oficial de enlace de la red"),
    ("repatriation_liaison_victims", "Repatriation liaison (victims)", "Enlace de repatriación (víctimas)"),
    ("repatriation_liaison_children", "Repatriation liaison (children)", "Enlace de repatriación (NNA)"),
    ("documents_focal_point", "Travel documents focal point", "Punto focal de documentos de viaje"),
    ("consular", "Consular contact", "Contacto consular"),
];

fn contact_role(lang: Lang, code: &str) -> String {
    CONTACT_ROLES.iter().find(|(c, ..)| *c == code).map_or(code.to_owned(), |(_, en, es)| lang.t(en, es).to_owned())
}

const REQUIREMENTS: [(&str, &str, &str); 4] = [
    ("visa", "Visa", "Visa"),
    ("consulted_visa", "Consulted visa", "Visa consultada"),
    ("special_authorization", "Special authorization", "Autorización especial"),
    ("none", "No visa", "Sin visa"),
];

fn requirement(lang: Lang, code: &str) -> String {
    REQUIREMENTS.iter().find(|(c, ..)| *c == code).map_or(code.to_owned(), |(_, en, es)| lang.t(en, es).to_owned())
}

/// The liaison directory (every member country's and the ST's users), by country and role.
#[get("/directory")]
pub async fn directory(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    params: Params,
) -> Result<HttpResponse, Refused> {
    let lang = m.lang;
    let q = DirectoryQuery {
        country: param(&params, "country").map(|c| c.to_ascii_uppercase()),
        contact_role: param(&params, "contact_role"),
        valid_on: None,
        not_verified_since: None,
    };
    let items = crate::api::directory::contacts(&state, &m.p, q).await.map_err(|e| Refused::of(&req, e))?;
    let role = param(&params, "contact_role");
    let body = html! {
        form.filters method="get" action="/directory" role="search" {
            div { label for="country" { (lang.t("Country", "País")) } input #country name="country" type="text" maxlength="2" size="3" value=(param(&params, "country").unwrap_or_default()); }
            div {
                label for="contact_role" { (lang.t("Role", "Función")) }
                select #contact_role name="contact_role" {
                    option value="" { (lang.t("Any", "Cualquiera")) }
                    @for (code, en, es) in CONTACT_ROLES { option value=(code) selected[role.as_deref() == Some(code)] { (lang.t(en, es)) } }
                }
            }
            div { button type="submit" { (lang.t("Filter", "Filtrar")) } }
        }
        div.table-wrap {
            table #directory {
                thead { tr {
                    th scope="col" { (lang.t("Country", "País")) }
                    th scope="col" { (lang.t("Name", "Nombre")) }
                    th scope="col" { (lang.t("Role", "Función")) }
                    th scope="col" { (lang.t("Institution", "Institución")) }
                    th scope="col" { (lang.t("Contact", "Contacto")) }
                    th scope="col" { (lang.t("Last verified", "Última verificación")) }
                } }
                tbody {
                    @for c in &items {
                        tr {
                            td { (c.country) }
                            td { (c.name) @if let Some(p) = &c.position { br; span.muted { (p) } } }
                            td { (contact_role(lang, c.contact_role.as_str())) }
                            td { (c.institution) @if let Some(u) = &c.unit { br; span.muted { (u) } } }
                            td { a href={ "mailto:" (c.email) } { (c.email) } @if let Some(p) = &c.phone { br; (p) } }
                            td { (c.last_verified_at.get(..10).unwrap_or(&c.last_verified_at)) }
                        }
                    }
                }
            }
        }
        @if items.is_empty() { p { (lang.t("No entry matches.", "Ninguna entrada coincide.")) } }
    };
    Ok(layout::ok(&shell(&m, "/directory"), lang.t("Liaison directory", "Directorio de enlaces"), body))
}

/// Entry requirements by member country and nationality.
#[get("/entry-requirements")]
pub async fn entry_requirements(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    params: Params,
) -> Result<HttpResponse, Refused> {
    let lang = m.lang;
    let q = RequirementQuery {
        member_country: param(&params, "member_country").map(|c| c.to_ascii_uppercase()),
        nationality: param(&params, "nationality").map(|c| c.to_ascii_uppercase()),
        requirement: param(&params, "requirement"),
    };
    let items =
        crate::api::entry_requirements::requirements(&state, &m.p, q).await.map_err(|e| Refused::of(&req, e))?;
    let chosen = param(&params, "requirement");
    let body = html! {
        form.filters method="get" action="/entry-requirements" role="search" {
            div { label for="member_country" { (lang.t("Member country", "País miembro")) } input #member_country name="member_country" type="text" maxlength="2" size="3" value=(param(&params, "member_country").unwrap_or_default()); }
            div { label for="nationality" { (lang.t("Nationality", "Nacionalidad")) } input #nationality name="nationality" type="text" maxlength="2" size="3" value=(param(&params, "nationality").unwrap_or_default()); }
            div {
                label for="requirement" { (lang.t("Requirement", "Requisito")) }
                select #requirement name="requirement" {
                    option value="" { (lang.t("Any", "Cualquiera")) }
                    @for (code, en, es) in REQUIREMENTS { option value=(code) selected[chosen.as_deref() == Some(code)] { (lang.t(en, es)) } }
                }
            }
            div { button type="submit" { (lang.t("Filter", "Filtrar")) } }
        }
        div.table-wrap {
            table #requirements {
                thead { tr {
                    th scope="col" { (lang.t("Member country", "País miembro")) }
                    th scope="col" { (lang.t("Nationality", "Nacionalidad")) }
                    th scope="col" { (lang.t("Requirement", "Requisito")) }
                    th scope="col" { (lang.t("Since", "Desde")) }
                    th scope="col" { (lang.t("Source", "Fuente")) }
                } }
                tbody {
                    @for r in &items {
                        tr {
                            td { (r.member_country) }
                            td { (r.nationality) }
                            td { (requirement(lang, &r.requirement)) @if let Some(n) = &r.notes { br; span.muted { (n) } } }
                            td { (r.valid_from) }
                            td { (r.source_reference.as_deref().unwrap_or("—")) }
                        }
                    }
                }
            }
        }
        @if items.is_empty() { p { (lang.t("No rule matches.", "Ninguna regla coincide.")) } }
    };
    Ok(layout::ok(&shell(&m, "/entry-requirements"), lang.t("Entry requirements", "Requisitos de ingreso"), body))
}

/// Country reports: the ones the caller may see (observers: those published to them), each
/// downloadable.
#[get("/reports")]
pub async fn reports(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    params: Params,
) -> Result<HttpResponse, Refused> {
    let lang = m.lang;
    let q = ReportQuery {
        country: param(&params, "country").map(|c| c.to_ascii_uppercase()),
        period: param(&params, "period"),
        language: param(&params, "language"),
    };
    let items = crate::api::reports::reports_of(&state, &m.p, q).await.map_err(|e| Refused::of(&req, e))?;
    let body = html! {
        form.filters method="get" action="/reports" role="search" {
            div { label for="country" { (lang.t("Country", "País")) } input #country name="country" type="text" maxlength="2" size="3" value=(param(&params, "country").unwrap_or_default()); }
            div { label for="period" { (lang.t("Period", "Periodo")) } input #period name="period" type="text" maxlength="20" size="8" value=(param(&params, "period").unwrap_or_default()); }
            div { button type="submit" { (lang.t("Filter", "Filtrar")) } }
        }
        div.table-wrap {
            table #reports {
                thead { tr {
                    th scope="col" { (lang.t("Title", "Título")) }
                    th scope="col" { (lang.t("Country", "País")) }
                    th scope="col" { (lang.t("Period", "Periodo")) }
                    th scope="col" { (lang.t("Language", "Idioma")) }
                    th scope="col" { (lang.t("Published to observers", "Publicado a observadores")) }
                    th scope="col" class="num" { (lang.t("Size", "Tamaño")) }
                } }
                tbody {
                    @for r in &items {
                        tr {
                            td { a href={ "/reports/" (r.report_id) "/file" } download { (r.title) } " " span.badge { (r.file_type.to_uppercase()) } }
                            td { (r.country) }
                            td { (r.period) }
                            td { (r.language) }
                            td { (if r.published_to_observers { lang.t("Yes", "Sí") } else { lang.t("No", "No") }) }
                            td.num { (r.size_bytes / 1024) " KB" }
                        }
                    }
                }
            }
        }
        @if items.is_empty() { p { (lang.t("No report matches.", "Ningún informe coincide.")) } }
        p.muted { (lang.t("Reports are uploaded through the API (POST /api/v1/reports), which checks the file's type by its content.", "Los informes se suben por la API (POST /api/v1/reports), que comprueba el tipo del archivo por su contenido.")) }
    };
    Ok(layout::ok(&shell(&m, "/reports"), lang.t("Country reports", "Informes de país"), body))
}

/// A report's file, streamed by the API's download (audited; 404 for whoever may not see it).
#[get("/reports/{id}/file")]
pub async fn report_file(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    id: web::Path<String>,
) -> Result<HttpResponse, Refused> {
    crate::api::reports::file_of(&state, &m.p, id.into_inner()).await.map_err(|e| Refused::of(&req, e))
}
