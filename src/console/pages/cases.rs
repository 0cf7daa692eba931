//! Officers and analysts: the case list (the API's filters, search and pagination) and the case
//! page. Both call the API's own read paths (`api::cases::list_page`, `api::cases::read`), so
//! the console shows exactly what `access` released to the caller and every page is audited as
//! the matching API read.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use maud::{Markup, html};
use serde_json::Value;

use crate::access::Role;
use crate::access::disclosure::Decision;
use crate::cases::service::CaseQuery;
use crate::cases::service::Retraction;
use crate::console::i18n::Lang;
use crate::console::layout::{self, FieldErrors, Shell, notice, url_encode};
use crate::console::render;
use crate::console::session::{Member, Refused, check_session_csrf, parse_form, see_other};
use crate::formato::catalog;
use crate::state::AppState;

/// The list's filters, as the form sends them (empty means "any").
const FILTERS: [&str; 5] = ["reporting_country", "case_type", "case_status", "q", "cursor"];

fn query_of(params: &BTreeMap<String, String>) -> CaseQuery {
    let get = |k: &str| params.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    CaseQuery {
        reporting_country: get("reporting_country").map(|c| c.to_ascii_uppercase()),
        case_type: get("case_type"),
        case_status: get("case_status"),
        q: get("q"),
        cursor: get("cursor"),
        limit: Some(25),
        ..CaseQuery::default()
    }
}

fn enum_select(lang: Lang, name: &str, label: &str, selected: Option<&str>) -> Markup {
    let values = catalog::enum_def(name).map(|e| e.values.as_slice()).unwrap_or(&[]);
    html! {
        div {
            label for=(name) { (label) }
            select id=(name) name=(name) {
                option value="" { (lang.t("Any", "Cualquiera")) }
                @for v in values {
                    option value=(v.code) selected[selected == Some(v.code)] { (lang.t(v.label_en, v.label_es)) }
                }
            }
        }
    }
}

/// A summary value: its text, or the withheld marker.
fn cell(lang: Lang, path: &str, v: Option<&Value>) -> Markup {
    match v {
        None | Some(Value::Null) => html! { span.muted { "—" } },
        Some(v) if render::withheld_basis(v).is_some() => {
            render::withheld(lang, render::withheld_basis(v).unwrap_or(""))
        }
        Some(Value::String(s)) => match catalog::field(path).and_then(|f| f.enum_name) {
            Some(e) => html! { (render::enum_label(lang, e, s)) },
            None => html! { (s) },
        },
        Some(v) => html! { (v.to_string()) },
    }
}

#[get("/cases")]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    params: web::Query<BTreeMap<String, String>>,
) -> Result<HttpResponse, Refused> {
    let lang = m.lang;
    let params = params.into_inner();
    let page = crate::api::cases::list_page(&state, &m.p, query_of(&params)).await.map_err(|e| Refused::of(&req, e))?;
    let items: Vec<Value> = page.items.iter().filter_map(|s| serde_json::from_str(s.text()).ok()).collect();
    let own = &m.p.record.party.code;
    let next = page.next_cursor.as_ref().map(|c| {
        let mut q: Vec<String> = FILTERS
            .iter()
            .filter(|k| **k != "cursor")
            .filter_map(|k| params.get(*k).filter(|v| !v.is_empty()).map(|v| format!("{k}={}", url_encode(v))))
            .collect();
        q.push(format!("cursor={}", url_encode(c)));
        format!("/cases?{}", q.join("&"))
    });
    let officer = m.p.record.roles.contains(&Role::Officer);
    let body = html! {
        @if officer {
            p { a.button href="/cases/new" { (lang.t("New case", "Nuevo caso")) } }
        }
        form.filters method="get" action="/cases" role="search" {
            div {
                label for="q" { (lang.t("Search", "Buscar")) }
                input #q name="q" type="search" maxlength="200" value=(params.get("q").map(String::as_str).unwrap_or(""));
            }
            div {
                label for="reporting_country" { (lang.t("Reporting country", "País que informa")) }
                input #reporting_country name="reporting_country" type="text" maxlength="2" size="3" pattern="[A-Za-z]{2}"
                    value=(params.get("reporting_country").map(String::as_str).unwrap_or(""));
            }
            (enum_select(lang, "case_type", &render::label(lang, "case_type"), params.get("case_type").map(String::as_str)))
            (enum_select(lang, "case_status", &render::label(lang, "case_status"), params.get("case_status").map(String::as_str)))
            div { button type="submit" { (lang.t("Filter", "Filtrar")) } }
        }
        @if items.is_empty() {
            p { (lang.t("No case matches.", "Ningún caso coincide.")) }
        } @else {
            div.table-wrap {
                table {
                    caption.muted { (lang.t("Newest first. Other countries' cases show only what they shared.", "Los más recientes primero. Los casos de otros países muestran solo lo que compartieron.")) }
                    thead { tr {
                        th scope="col" { (lang.t("Case", "Caso")) }
                        th scope="col" { (lang.t("Country", "País")) }
                        th scope="col" { (render::label(lang, "case_type")) }
                        th scope="col" { (render::label(lang, "case_status")) }
                        th scope="col" { (render::label(lang, "date_detected")) }
                        th scope="col" class="num" { (lang.t("Persons", "Personas")) }
                        th scope="col" { (lang.t("Updated", "Actualizado")) }
                    } }
                    tbody {
                        @for it in &items {
                            @let id = it.get("case_id").and_then(Value::as_str).unwrap_or("");
                            @let country = it.get("reporting_country").and_then(Value::as_str).unwrap_or("");
                            tr {
                                td { a href={ "/cases/" (id) } { code { (&id[..id.len().min(8)]) } } " "
                                    @if country == own { span.badge { (lang.t("own", "propio")) } }
                                    @if it.get("retracted") == Some(&Value::Bool(true)) { span.badge { (lang.t("retracted", "retirado")) } } }
                                td { (country) }
                                td { (cell(lang, "case_type", it.get("case_type"))) }
                                td { (cell(lang, "case_status", it.get("case_status"))) }
                                td { (cell(lang, "date_detected", it.get("date_detected"))) }
                                td.num { (cell(lang, "persons_affected_count", it.get("persons_affected_count"))) }
                                td { (cell(lang, "updated_at", it.get("updated_at"))) }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(next) = next {
            nav.pager aria-label=(lang.t("Pages", "Páginas")) { a href=(next) rel="next" { (lang.t("Older cases →", "Casos anteriores →")) } }
        }
    };
    let shell = Shell { lang, user: Some(&m.p.0), csrf: Some(&m.csrf), path: "/cases" };
    Ok(layout::ok(&shell, lang.t("Cases", "Casos"), body))
}

#[get("/cases/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    id: web::Path<String>,
    q: web::Query<ShowQuery>,
) -> Result<HttpResponse, Refused> {
    let done = match q.done.as_deref() {
        Some("retracted") => Some(Done::Retracted),
        Some("saved") => Some(Done::Saved),
        _ => None,
    };
    case_page(&state, &req, &m, id.into_inner(), &FieldErrors::none(), done, StatusCode::OK).await
}

#[derive(serde::Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

/// What the page confirms, after a form sent the reader back to it.
#[derive(Clone, Copy, PartialEq)]
enum Done {
    Saved,
    Retracted,
}

/// The case page: the case as `access` released it to the caller (audited as the API read),
/// and for the reporting country's officers the retraction form.
async fn case_page(
    state: &AppState,
    req: &HttpRequest,
    m: &Member,
    id: String,
    errors: &FieldErrors,
    done: Option<Done>,
    status: StatusCode,
) -> Result<HttpResponse, Refused> {
    let lang = m.lang;
    let case = crate::api::cases::read(state, &m.p, id).await.map_err(|e| Refused::of(req, e))?;
    let doc: Value =
        serde_json::from_str(case.text()).map_err(|_| Refused::of(req, crate::error::ApiError::Internal))?;
    let country = doc.get("reporting_country").and_then(Value::as_str).unwrap_or("");
    let case_id = doc.get("case_id").and_then(Value::as_str).unwrap_or("");
    let version = doc.get("version").and_then(Value::as_i64).unwrap_or(0);
    let retracted = doc.get("retracted") == Some(&Value::Bool(true));
    let foreign = matches!(case.decision(), Decision::Redacted { .. });
    let withheld = case.withheld().len();
    // Only a hint of what the service allows: the service decides when the form is sent.
    let may_retract = !foreign && !retracted && m.p.record.roles.contains(&Role::Officer);
    let body = html! {
        @if done == Some(Done::Retracted) {
            (notice(lang.t("The case was retracted.", "El caso fue retirado."), false))
        }
        @if done == Some(Done::Saved) {
            (notice(lang.t("The case was saved.", "El caso se guardó."), false))
        }
        p {
            span.badge { (lang.t("Reporting country", "País que informa")) ": " (country) } " "
            span.badge { (lang.t("Version", "Versión")) " " (version) } " "
            @if retracted { span.badge { (lang.t("Retracted", "Retirado")) } }
        }
        @if foreign {
            (notice(&match lang {
                Lang::En => format!("Shared by {country}. {withheld} fields are withheld under its legal reservations; each is marked with its legal basis."),
                Lang::Es => format!("Compartido por {country}. {withheld} campos están reservados por sus reservas legales; cada uno lleva su fundamento legal."),
            }, false))
        }
        @if !foreign {
            p {
                a href={ "/cases/" (case_id) "/versions" } { (lang.t("Version history", "Historial de versiones")) }
                @if may_retract {
                    " · " a href={ "/cases/" (case_id) "/edit" } { (lang.t("Edit the case", "Editar el caso")) }
                }
            }
        }
        (render::case(lang, &doc))
        @if may_retract {
            details.retract open[errors.has("reason")] {
                summary { (lang.t("Retract this case", "Retirar este caso")) }
                p.muted { (lang.t(
                    "A retracted case is kept for your country and the audit trail; it disappears for every other country and from statistics.",
                    "Un caso retirado se conserva para su país y el registro de auditoría; desaparece para los demás países y de las estadísticas.",
                )) }
                form.stack method="post" action={ "/cases/" (case_id) "/retract" } {
                    input type="hidden" name="csrf" value=(m.csrf);
                    input type="hidden" name="etag" value=(case.etag());
                    div {
                        label for="reason" { (lang.t("Reason", "Motivo")) span.hint { (lang.t("Required, up to 1000 characters.", "Obligatorio, hasta 1000 caracteres.")) } }
                        textarea id="reason" name="reason" rows="3" maxlength="1000" required
                            aria-invalid=[errors.has("reason").then_some("true")]
                            aria-describedby=[errors.has("reason").then_some("err-reason")] {}
                        (errors.show(lang, "reason"))
                    }
                    div { button type="submit" { (lang.t("Retract", "Retirar")) } }
                }
            }
        }
    };
    let shell = Shell { lang, user: Some(&m.p.0), csrf: Some(&m.csrf), path: "/cases" };
    let title = format!("{} {}", lang.t("Case", "Caso"), &case_id[..case_id.len().min(8)]);
    Ok(layout::respond(status, shell.lang, layout::page(&shell, &title, body)))
}

/// Retract one of the caller's country's cases with a reason, through the API's own path
/// (`api::cases::retract_case`: the same service, refusals and audit event). The form carries
/// the ETag of the version shown, so a case changed in the meantime is not retracted unseen.
#[post("/cases/{id}/retract")]
pub async fn retract(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Refused> {
    let form = parse_form(&req, &body)?;
    check_session_csrf(&state, &req, &m.p.ctx, &form, &m.csrf).await?;
    let id = id.into_inner();
    let etag = Some(form.text("etag")).filter(|t| !t.is_empty());
    let body = Retraction { reason: form.get("reason").unwrap_or("").to_owned() };
    match crate::api::cases::retract_case(&state, &m.p, id.clone(), etag, body).await {
        Ok(_) => Ok(see_other(&format!("/cases/{id}?done=retracted"))),
        Err(e @ crate::error::ApiError::Validation(_)) => {
            case_page(&state, &req, &m, id, &FieldErrors::of(&e), None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(Refused::of(&req, e)),
    }
}

/// The reporting country's version history of one of its cases (the API's path: 404 for anyone
/// else, audited as `case_versions`).
#[get("/cases/{id}/versions")]
pub async fn versions(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    id: web::Path<String>,
) -> Result<HttpResponse, Refused> {
    let lang = m.lang;
    let id = id.into_inner();
    let history = crate::api::cases::history(&state, &m.p, id.clone()).await.map_err(|e| Refused::of(&req, e))?;
    let body = html! {
        p { a href={ "/cases/" (id) } { (lang.t("Back to the case", "Volver al caso")) } }
        div.table-wrap {
            table {
                caption { (lang.t("Versions, oldest first", "Versiones, de la más antigua a la más reciente")) }
                thead { tr {
                    th scope="col" { (lang.t("Version", "Versión")) }
                    th scope="col" { (lang.t("Change", "Cambio")) }
                    th scope="col" { (lang.t("When", "Cuándo")) }
                    th scope="col" { (lang.t("By", "Por")) }
                } }
                tbody {
                    @for v in &history {
                        tr {
                            td { a href={ "/cases/" (id) "/versions/" (v.version) } { (v.version) } }
                            td { (change_label(lang, &v.change)) }
                            td { (v.created_at) }
                            td { (v.created_by) }
                        }
                    }
                }
            }
        }
    };
    let shell = Shell { lang, user: Some(&m.p.0), csrf: Some(&m.csrf), path: "/cases" };
    Ok(layout::ok(&shell, lang.t("Version history", "Historial de versiones"), body))
}

fn change_label(lang: Lang, change: &str) -> &'static str {
    match change {
        "create" => lang.t("Created", "Creado"),
        "update" => lang.t("Updated", "Actualizado"),
        "retract" => lang.t("Retracted", "Retirado"),
        _ => lang.t("Changed", "Cambiado"),
    }
}

/// Every leaf of a case document as `path → value` (`persons[0].sex`), for comparing versions.
fn leaves(v: &Value, path: String, out: &mut BTreeMap<String, String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                leaves(v, if path.is_empty() { k.clone() } else { format!("{path}.{k}") }, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                leaves(v, format!("{path}[{i}]"), out);
            }
        }
        Value::Null => {}
        Value::String(s) => {
            out.insert(path, s.clone());
        }
        other => {
            out.insert(path, other.to_string());
        }
    }
}

/// What changed from version n−1 to version n: every field whose value differs, was added or
/// was removed (both versions read whole through the API's path, so only the reporting country).
#[get("/cases/{id}/versions/{n}")]
pub async fn version_diff(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    path: web::Path<(String, i32)>,
) -> Result<HttpResponse, Refused> {
    let lang = m.lang;
    let (id, n) = path.into_inner();
    let read = |n: i32| {
        let (state, m, id) = (&state, &m, id.clone());
        async move {
            let view = crate::api::cases::past_version(state, &m.p, id, n).await?;
            serde_json::to_value(&view).map_err(|_| crate::error::ApiError::Internal)
        }
    };
    let after = read(n).await.map_err(|e| Refused::of(&req, e))?;
    let before = if n > 1 { Some(read(n - 1).await.map_err(|e| Refused::of(&req, e))?) } else { None };
    let (mut old, mut new) = (BTreeMap::new(), BTreeMap::new());
    if let Some(b) = &before {
        leaves(b, String::new(), &mut old);
    }
    leaves(&after, String::new(), &mut new);
    let paths: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let changed: Vec<(&String, Option<&String>, Option<&String>)> =
        paths.into_iter().map(|p| (p, old.get(p), new.get(p))).filter(|(_, a, b)| a != b).collect();
    let body = html! {
        p {
            a href={ "/cases/" (id) "/versions" } { (lang.t("All versions", "Todas las versiones")) } " · "
            a href={ "/cases/" (id) } { (lang.t("Back to the case", "Volver al caso")) }
        }
        @if before.is_none() {
            p.muted { (lang.t("The first version: every field is new.", "La primera versión: todos los campos son nuevos.")) }
        }
        div.table-wrap {
            table #diff {
                caption { (match lang {
                    Lang::En => format!("{} fields changed from version {} to version {n}", changed.len(), n - 1),
                    Lang::Es => format!("{} campos cambiaron de la versión {} a la {n}", changed.len(), n - 1),
                }) }
                thead { tr {
                    th scope="col" { (lang.t("Field", "Campo")) }
                    th scope="col" { (lang.t("Before", "Antes")) }
                    th scope="col" { (lang.t("After", "Después")) }
                } }
                tbody {
                    @for (path, a, b) in &changed {
                        tr {
                            th scope="row" { code { (path) } }
                            td.before { @if let Some(a) = a { del { (a) } } @else { span.muted { "—" } } }
                            td.after { @if let Some(b) = b { ins { (b) } } @else { span.muted { "—" } } }
                        }
                    }
                }
            }
        }
    };
    let shell = Shell { lang, user: Some(&m.p.0), csrf: Some(&m.csrf), path: "/cases" };
    let title = format!("{} {n}", lang.t("Version", "Versión"));
    Ok(layout::ok(&shell, &title, body))
}
