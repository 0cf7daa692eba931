//! Statistics (analysts, statistics readers, observers): the table builder — measure, up to
//! three dimensions, filters, period — with the published table, withheld cells marked, an SVG
//! chart, and the same table as CSV. Both run the API's query path
//! (`api::statistics::query_table`): the same disclosure control, the same audit event.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, get, web};
use maud::{Markup, html};

use crate::console::chart;
use crate::console::i18n::Lang;
use crate::console::layout::{self, FieldErrors, Shell, notice, url_encode};
use crate::console::session::{Member, Refused};
use crate::error::ApiError;
use crate::state::AppState;
use crate::statistics::disclosure::{Entry, Published, SUPPRESSED};
use crate::statistics::service::StatisticsResult;

const MEASURES: [(&str, &str, &str); 7] = [
    ("cases", "Cases", "Casos"),
    ("persons", "Persons affected", "Personas afectadas"),
    ("victims", "Victims", "Víctimas"),
    ("smuggled_persons", "Smuggled persons", "Personas objeto de tráfico"),
    ("minors", "Minors", "Personas menores de edad"),
    ("suspects", "Suspects", "Presuntos responsables"),
    ("false_documents", "False documents", "Documentos falsos"),
];

/// The label of a dimension.
fn dimension_label(lang: Lang, d: &str) -> String {
    crate::statistics::labels::dimension(lang.spanish(), d)
}

/// The label of a dimension's value (enumeration values in the reader's language).
fn value_label(lang: Lang, d: &str, v: &str) -> String {
    crate::statistics::labels::value(lang.spanish(), d, v)
}

fn figure(v: &Published, lang: Lang) -> Markup {
    match v {
        Published::Count(n) => html! { (n) },
        Published::Suppressed => html! {
            abbr.suppressed data-suppressed="true" title=(lang.t("withheld: fewer than k", "reservado: menos de k")) { (SUPPRESSED) }
        },
    }
}

fn selected_dims(params: &BTreeMap<String, String>) -> Vec<String> {
    (1..=3).filter_map(|i| params.get(&format!("dim{i}")).filter(|d| !d.is_empty()).cloned()).collect()
}

/// The API query of the builder's form (`dim1..3` become `group_by`; `filter_dim`/`filter_value`
/// one equality filter).
fn api_params(params: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut q = BTreeMap::new();
    for k in ["measure", "from", "to"] {
        if let Some(v) = params.get(k).filter(|v| !v.trim().is_empty()) {
            q.insert(k.to_owned(), v.trim().to_owned());
        }
    }
    let dims = selected_dims(params);
    if !dims.is_empty() {
        q.insert("group_by".to_owned(), dims.join(","));
    }
    if let (Some(d), Some(v)) = (params.get("filter_dim"), params.get("filter_value"))
        && !d.is_empty()
        && !v.trim().is_empty()
    {
        q.insert(d.clone(), v.trim().to_owned());
    }
    q
}

fn builder(lang: Lang, params: &BTreeMap<String, String>, errors: &FieldErrors) -> Markup {
    let get = |k: &str| params.get(k).map(String::as_str).unwrap_or("");
    let dims: Vec<&str> = crate::statistics::query::DIMENSIONS.iter().map(|(n, _)| *n).collect();
    let dim_select = |name: &str, label: &str, current: &str| {
        html! {
            div {
                label for=(name) { (label) }
                select id=(name) name=(name) aria-invalid=[errors.has("group_by").then_some("true")] {
                    option value="" { "—" }
                    @for d in &dims { option value=(d) selected[current == *d] { (dimension_label(lang, d)) } }
                }
            }
        }
    };
    html! {
        form.filters method="get" action="/statistics" {
            div {
                label for="measure" { (lang.t("Count", "Contar")) }
                select #measure name="measure" aria-invalid=[errors.has("measure").then_some("true")] {
                    @for (code, en, es) in MEASURES { option value=(code) selected[get("measure") == code] { (lang.t(en, es)) } }
                }
                (errors.show(lang, "measure"))
            }
            (dim_select("dim1", lang.t("By", "Por"), get("dim1")))
            (dim_select("dim2", lang.t("and by", "y por"), get("dim2")))
            (dim_select("dim3", lang.t("and by", "y por"), get("dim3")))
            div {
                label for="from" { (lang.t("From", "Desde")) span.hint { "YYYY, YYYY-S1, YYYY-MM" } }
                input #from name="from" type="text" size="8" maxlength="7" value=(get("from"))
                    aria-invalid=[errors.has("from").then_some("true")] aria-describedby=[errors.has("from").then_some("err-from")];
                (errors.show(lang, "from"))
            }
            div {
                label for="to" { (lang.t("To", "Hasta")) span.hint { "YYYY, YYYY-S2, YYYY-MM" } }
                input #to name="to" type="text" size="8" maxlength="7" value=(get("to"))
                    aria-invalid=[errors.has("to").then_some("true")] aria-describedby=[errors.has("to").then_some("err-to")];
                (errors.show(lang, "to"))
            }
            div {
                label for="filter_dim" { (lang.t("Only where", "Solo donde")) }
                select #filter_dim name="filter_dim" {
                    option value="" { "—" }
                    @for d in &dims { option value=(d) selected[get("filter_dim") == *d] { (dimension_label(lang, d)) } }
                }
            }
            div {
                label for="filter_value" { (lang.t("is", "es")) span.hint { (lang.t("a code, e.g. GT or trafficking", "un código, p. ej. GT o trafficking")) } }
                input #filter_value name="filter_value" type="text" maxlength="64" value=(get("filter_value"));
            }
            div { button type="submit" { (lang.t("Show table", "Mostrar la tabla")) } }
        }
        (errors.show(lang, "group_by"))
    }
}

fn table(lang: Lang, r: &StatisticsResult) -> Markup {
    let dims = &r.dimensions;
    let row = |e: &Entry| {
        html! {
            tr {
                @for (i, d) in dims.iter().enumerate() {
                    td { @match e.key.get(i).and_then(|k| k.as_deref()) {
                        Some(v) => (value_label(lang, d, v)),
                        None => em { (lang.t("all", "todos")) },
                    } }
                }
                td.num { (figure(&e.value, lang)) }
            }
        }
    };
    html! {
        div.table-wrap {
            table #stats-table {
                caption { (lang.t("Published figures", "Cifras publicadas")) }
                thead { tr {
                    @for d in dims { th scope="col" { (dimension_label(lang, d)) } }
                    th scope="col" class="num" { (lang.t("Count", "Conteo")) }
                } }
                tbody { @for e in &r.table.cells { (row(e)) } }
                @if !r.table.margins.is_empty() {
                    tbody.margins { @for e in &r.table.margins { (row(e)) } }
                }
            }
        }
    }
}

#[get("/statistics")]
pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    params: web::Query<BTreeMap<String, String>>,
) -> Result<HttpResponse, Refused> {
    let lang = m.lang;
    let params = params.into_inner();
    let shell = Shell { lang, user: Some(&m.p.0), csrf: Some(&m.csrf), path: "/statistics" };
    let title = lang.t("Statistics", "Estadísticas");
    if !params.contains_key("measure") {
        let body = html! {
            p { (lang.t(
                "Choose what to count and how to break it down. Every figure is protected: small counts are withheld and the rest carry a small fixed noise, except for your own country's cases.",
                "Elija qué contar y cómo desglosarlo. Toda cifra está protegida: los conteos pequeños se reservan y los demás llevan un pequeño ruido fijo, salvo para los casos de su propio país.",
            )) }
            (builder(lang, &params, &FieldErrors::none()))
        };
        return Ok(layout::ok(&shell, title, body));
    }
    let query = api_params(&params);
    let result = match crate::api::statistics::query_table(&state, &m.p, &query).await {
        Ok(r) => r,
        Err(e @ (ApiError::Malformed(_) | ApiError::Validation(_))) => {
            let errors = FieldErrors::of(&e);
            let body = html! {
                (notice(lang.t("The table could not be built: see the marked fields.", "No se pudo construir la tabla: vea los campos marcados."), true))
                (builder(lang, &params, &errors))
                @if !errors.0.is_empty() {
                    ul { @for e in &errors.0 { li { code { (e.field) } ": " (if lang.spanish() { &e.message_es } else { &e.message }) } } }
                }
            };
            return Ok(layout::respond(
                actix_web::http::StatusCode::BAD_REQUEST,
                shell.lang,
                layout::page(&shell, title, body),
            ));
        }
        Err(e) => return Err(Refused::of(&req, e)),
    };
    let measure = MEASURES.iter().find(|(c, ..)| params.get("measure").map(String::as_str) == Some(*c));
    let chart_title = match measure {
        Some((_, en, es)) => lang.t(en, es).to_owned(),
        None => title.to_owned(),
    };
    let labels = |i: usize, v: &str| value_label(lang, result.dimensions.get(i).map(String::as_str).unwrap_or(""), v);
    let svg = chart::chart(&chart_title, &result.dimensions, &result.table.cells, &labels);
    let csv_href = format!(
        "/statistics.csv?{}",
        query.iter().map(|(k, v)| format!("{k}={}", url_encode(v))).collect::<Vec<_>>().join("&")
    );
    let exact = result.mode == "exact";
    let body = html! {
        (builder(lang, &params, &FieldErrors::none()))
        @if exact {
            (notice(lang.t("Exact figures: only your own country's cases are counted.", "Cifras exactas: solo se cuentan los casos de su propio país."), false))
        } @else {
            p.muted {
                (lang.t("Counts from 1 to k−1 are withheld and shown as", "Los conteos de 1 a k−1 se reservan y se muestran como"))
                " " abbr.suppressed title=(lang.t("withheld", "reservado")) { (SUPPRESSED) } " (k = " (result.threshold_k) "). "
                (lang.t("Other figures carry a small fixed noise; totals need not add up.", "Las demás cifras llevan un pequeño ruido fijo; los totales no tienen por qué sumar."))
            }
        }
        p.muted {
            (lang.t("Withheld cells", "Celdas reservadas")) ": " span #suppressed-count { (result.table.suppressed_cells) } " · "
            (lang.t("Data as of", "Datos al")) " " (result.data_as_of)
        }
        @if let Some(svg) = svg { figure.chart { (svg) } }
        (table(lang, &result))
        p { a.button.secondary href=(csv_href) download="enlace-statistics.csv" { (lang.t("Download CSV", "Descargar CSV")) } }
    };
    Ok(layout::ok(&shell, title, body))
}

/// The same table as CSV (the same query path and audit event).
#[get("/statistics.csv")]
pub async fn csv(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    params: web::Query<BTreeMap<String, String>>,
) -> Result<HttpResponse, Refused> {
    let result = crate::api::statistics::query_table(&state, &m.p, &params.into_inner())
        .await
        .map_err(|e| Refused::of(&req, e))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("content-disposition", "attachment; filename=\"enlace-statistics.csv\""))
        .body(crate::statistics::service::to_csv(&result)))
}
