//! Auditors: the audit log their scope includes, with filters and pages, and (for the ST) the
//! verification of the hash chain. The API's read paths (`api::audit::page`,
//! `api::audit::verification`): the same scope rule, the same audit of the reading itself.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, get, web};
use maud::html;

use crate::audit::query::AuditQuery;
use crate::console::layout::{self, Shell, notice, url_encode};
use crate::console::session::{Member, Refused};
use crate::state::AppState;

const FILTERS: [&str; 4] = ["action", "outcome", "owner", "actor_party"];

#[get("/audit")]
pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    params: web::Query<BTreeMap<String, String>>,
) -> Result<HttpResponse, Refused> {
    let lang = m.lang;
    let params = params.into_inner();
    let get = |k: &str| params.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let q = AuditQuery {
        action: get("action"),
        outcome: get("outcome"),
        owner: get("owner").map(|v| v.to_ascii_uppercase()),
        actor_party: get("actor_party").map(|v| v.to_ascii_uppercase()),
        cursor: get("cursor"),
        limit: Some(50),
        ..AuditQuery::default()
    };
    let page = crate::api::audit::page(&state, &m.p, q).await.map_err(|e| Refused::of(&req, e))?;
    let chain = if crate::access::may_verify_audit(&m.p.subject()) {
        Some(crate::api::audit::verification(&state, &m.p).await.map_err(|e| Refused::of(&req, e))?)
    } else {
        None
    };
    let next = page.next_cursor.as_ref().map(|c| {
        let mut q: Vec<String> =
            FILTERS.iter().filter_map(|k| get(k).map(|v| format!("{k}={}", url_encode(&v)))).collect();
        q.push(format!("cursor={}", url_encode(c)));
        format!("/audit?{}", q.join("&"))
    });
    let value = |k: &str| params.get(k).cloned().unwrap_or_default();
    let body = html! {
        @if let Some(report) = &chain {
            @if report.ok {
                (notice(&match lang {
                    crate::console::i18n::Lang::En => format!("Hash chain verified: {} events, every link intact.", report.events),
                    crate::console::i18n::Lang::Es => format!("Cadena de hashes verificada: {} eventos, todos los enlaces intactos.", report.events),
                }, false))
            } @else {
                (notice(&format!("{} {}", lang.t("The hash chain does not verify from event", "La cadena de hashes no se verifica desde el evento"),
                    report.first_broken_seq.map(|s| s.to_string()).unwrap_or_default()), true))
            }
        }
        form.filters method="get" action="/audit" {
            div { label for="action" { (lang.t("Action", "Acción")) } input #action name="action" type="text" maxlength="64" value=(value("action")); }
            div {
                label for="outcome" { (lang.t("Outcome", "Resultado")) }
                select #outcome name="outcome" {
                    option value="" { (lang.t("Any", "Cualquiera")) }
                    @for (code, en, es) in [("allowed", "allowed", "permitido"), ("denied", "denied", "denegado"), ("failed", "failed", "fallido")] {
                        option value=(code) selected[value("outcome") == code] { (lang.t(en, es)) }
                    }
                }
            }
            div { label for="owner" { (lang.t("Data of", "Datos de")) } input #owner name="owner" type="text" maxlength="8" size="4" value=(value("owner")); }
            div { label for="actor_party" { (lang.t("Actor's country", "País del actor")) } input #actor_party name="actor_party" type="text" maxlength="8" size="4" value=(value("actor_party")); }
            div { button type="submit" { (lang.t("Filter", "Filtrar")) } }
        }
        div.table-wrap {
            table {
                caption.muted { (lang.t("Newest first", "Los más recientes primero")) }
                thead { tr {
                    th scope="col" { "#" }
                    th scope="col" { (lang.t("Time", "Hora")) }
                    th scope="col" { (lang.t("Actor", "Actor")) }
                    th scope="col" { (lang.t("Action", "Acción")) }
                    th scope="col" { (lang.t("Object", "Objeto")) }
                    th scope="col" { (lang.t("Outcome", "Resultado")) }
                } }
                tbody {
                    @for e in &page.items {
                        tr {
                            td.num { (e.seq) }
                            td { (e.occurred_at) }
                            td { (e.actor_party.as_deref().unwrap_or("—")) " " span.muted { (e.actor_roles.join(", ")) } }
                            td { code { (e.action) } }
                            td { (e.object_type) " " (e.object_party.as_deref().unwrap_or("")) }
                            td { (e.outcome) }
                        }
                    }
                }
            }
        }
        @if let Some(next) = next {
            nav.pager aria-label=(lang.t("Pages", "Páginas")) { a href=(next) rel="next" { (lang.t("Older events →", "Eventos anteriores →")) } }
        }
    };
    let shell = Shell { lang, user: Some(&m.p.0), csrf: Some(&m.csrf), path: "/audit" };
    Ok(layout::ok(&shell, lang.t("Audit log", "Registro de auditoría"), body))
}
