//! The comparative legislation matrix (every signed-in party): topics × member countries with
//! each entry's status, one country's entries in full (instrument, article, notes in the
//! reader's language, source), and the update round now open. Read through the API's path
//! (`api::legislation::read_matrix`): the same access rule, the same audit event.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, get, web};
use maud::html;

use crate::console::i18n::Lang;
use crate::console::layout::{self, Shell, notice};
use crate::console::session::{Member, Refused};
use crate::registry::legislation::{Entry, MatrixQuery};
use crate::state::AppState;

fn status_label(lang: Lang, status: &str) -> &'static str {
    match status {
        "yes" => lang.t("yes", "sí"),
        "partly" => lang.t("partly", "en parte"),
        "no" => lang.t("no", "no"),
        _ => "—",
    }
}

#[get("/legislation")]
pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    params: web::Query<BTreeMap<String, String>>,
) -> Result<HttpResponse, Refused> {
    let lang = m.lang;
    let country = params.get("country").map(|c| c.trim().to_ascii_uppercase()).filter(|c| !c.is_empty());
    let all = crate::api::legislation::read_matrix(&state, &m.p, MatrixQuery::default())
        .await
        .map_err(|e| Refused::of(&req, e))?;
    let by: BTreeMap<(&str, &str), &Entry> =
        all.entries.iter().map(|e| ((e.country.as_str(), e.topic.as_str()), e)).collect();
    let chosen = country.as_deref().filter(|c| all.countries.iter().any(|x| x == c));
    let label = |t: &crate::registry::legislation::Topic| lang.t(t.label_en, t.label_es);
    let body = html! {
        @if let Some(r) = &all.current_round {
            (notice(&format!("{} «{}» — {} {} · {} {}",
                lang.t("Update round open:", "Ronda de actualización abierta:"), r.title,
                lang.t("deadline", "plazo"), r.deadline,
                r.pending.len(), lang.t("countries pending", "países pendientes")), false))
        }
        form.filters method="get" action="/legislation" {
            div {
                label for="country" { (lang.t("Country in detail", "País en detalle")) }
                select #country name="country" {
                    option value="" { (lang.t("None", "Ninguno")) }
                    @for c in &all.countries { option value=(c) selected[chosen == Some(c.as_str())] { (c) } }
                }
            }
            div { button type="submit" { (lang.t("Show", "Mostrar")) } }
            div { a href="/legislation.csv" download="legislation.csv" { (lang.t("CSV (countries × topics)", "CSV (países × temas)")) } }
        }
        div.table-wrap {
            table {
                caption.muted { (lang.t("Does the law cover the topic? (— not filled in)", "¿La ley regula el tema? (— sin completar)")) }
                thead { tr {
                    th scope="col" { (lang.t("Topic", "Tema")) }
                    @for c in &all.countries { th scope="col" { (c) } }
                } }
                tbody {
                    @for t in &all.topics {
                        tr {
                            th scope="row" { (label(t)) }
                            @for c in &all.countries {
                                @let status = by.get(&(c.as_str(), t.code)).map(|e| e.status.as_str()).unwrap_or("");
                                td data-status=(status) { (status_label(lang, status)) }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(c) = chosen {
            h2 { (lang.t("Entries of ", "Entradas de ")) (c) }
            dl.entries {
                @for t in &all.topics {
                    @if let Some(e) = by.get(&(c, t.code)) {
                        dt { (label(t)) ": " strong { (status_label(lang, &e.status)) } }
                        dd {
                            @if let Some(i) = &e.instrument { (i) }
                            @if let Some(a) = &e.article { " — " (a) }
                            @if let Some(d) = &e.in_force_since { " · " (lang.t("in force since ", "vigente desde ")) (d) }
                            @let notes = if lang.spanish() { &e.notes_es } else { &e.notes_en };
                            @if let Some(n) = notes { p { (n) } }
                            p.muted {
                                (lang.t("Last reviewed ", "Última revisión ")) (e.last_reviewed)
                                @if let Some(u) = &e.source_url { " · " a href=(u) rel="noopener noreferrer" { (lang.t("source", "fuente")) } }
                            }
                        }
                    }
                }
            }
        }
    };
    let shell = Shell { lang, user: Some(&m.p.0), csrf: Some(&m.csrf), path: "/legislation" };
    Ok(layout::ok(&shell, lang.t("Legislation matrix", "Matriz de legislación"), body))
}

/// The matrix as the API's CSV (a row per country, a column per topic).
#[get("/legislation.csv")]
pub async fn csv(state: web::Data<AppState>, req: HttpRequest, m: Member) -> Result<HttpResponse, Refused> {
    let all = crate::api::legislation::read_matrix(&state, &m.p, MatrixQuery::default())
        .await
        .map_err(|e| Refused::of(&req, e))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((actix_web::http::header::CONTENT_LANGUAGE, m.lang.code()))
        .body(crate::registry::legislation::to_csv(&all, m.lang.spanish())))
}
