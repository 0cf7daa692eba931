//! The start page: who is signed in, what their roles let them do, and, for a member
//! country's officers and analysts, the inbox: what concerns their country (the feed), with
//! what they have not marked as read.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use maud::{Markup, html};
use serde_json::Value;

use crate::access::Role;
use crate::console::i18n::Lang;
use crate::console::layout::{self, Shell};
use crate::console::session::{Member, Refused, check_session_csrf, parse_form, see_other};
use crate::feed::FeedItem;
use crate::state::AppState;

/// Items the inbox shows.
const INBOX_ITEMS: i64 = 20;

fn concerns(lang: Lang, details: &Value) -> String {
    let list: Vec<&str> = details["concerns"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|c| match c {
            "territory" => lang.t("your territory is on its route", "su territorio está en su ruta"),
            "nationals" => lang.t("it names your nationals", "menciona a sus nacionales"),
            "documents" => lang.t("it holds documents you issued", "incluye documentos que usted emitió"),
            _ => "",
        })
        .filter(|t| !t.is_empty())
        .collect();
    list.join("; ")
}

/// One item in words, with a link where there is something to read.
fn describe(lang: Lang, item: &FeedItem) -> Markup {
    let d = &item.details;
    let text = |k: &str| d[k].as_str().unwrap_or("").to_owned();
    let case_link = |label: &str| html! { a href={ "/cases/" (item.object_id) } { (label) } };
    match item.kind.as_str() {
        "case_shared" | "case_changed" => {
            let why = concerns(lang, d);
            let what = if item.kind == "case_shared" {
                lang.t("shared a case with your country", "compartió un caso con su país")
            } else {
                lang.t("changed what you see of a case", "cambió lo que usted ve de un caso")
            };
            html! {
                (text("reporting_country")) " " (what) ": " (case_link(lang.t("open it", "abrirlo")))
                @if !why.is_empty() { " (" (why) ")" }
            }
        }
        "case_retracted" => html! {
            (text("reporting_country")) " " (lang.t("retracted a case it had shared with you", "retiró un caso que le había compartido"))
        },
        "match_hit" => html! {
            (text("requester")) " " (lang.t("searched and matched your country's data", "consultó y encontró coincidencia en los datos de su país"))
            " (" (text("purpose")) ", " (text("strength")) ")"
        },
        "policy_changed" => html! {
            (text("country")) " " (lang.t("changed its reservation policy: what you see of its cases changed", "cambió su política de reservas: cambió lo que usted ve de sus casos"))
        },
        "request_received" => html! {
            (text("from")) " " (lang.t("sent your country a request", "envió una solicitud a su país")) " (" (text("request_kind")) ")"
        },
        "request_updated" => html! {
            (lang.t("A request between your country and another changed", "Cambió una solicitud entre su país y otro")) ": " (text("state"))
        },
        other => html! { (other) },
    }
}

fn inbox(lang: Lang, csrf: &str, inbox: &crate::feed::Inbox) -> Markup {
    let first_unread = inbox.newest - inbox.unread;
    html! {
        section aria-labelledby="inbox-title" {
            h2 #inbox-title {
                (lang.t("What concerns your country", "Lo que concierne a su país")) " "
                span.badge { (inbox.unread) " " (lang.t("unread", "sin leer")) }
            }
            @if inbox.items.is_empty() {
                p { (lang.t("Nothing yet.", "Nada por ahora.")) }
            } @else {
                ol.inbox {
                    @for item in &inbox.items {
                        @let unread = item.cursor.parse::<i64>().unwrap_or(0) > first_unread;
                        li {
                            @if unread { strong { (lang.t("New", "Nuevo")) ": " } }
                            (describe(lang, item)) " "
                            span.hint { time datetime=(item.created_at) { (item.created_at.get(..16).unwrap_or("").replace('T', " ")) } }
                        }
                    }
                }
                @if inbox.unread > 0 {
                    form method="post" action="/inbox/read" {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="seq" value=(inbox.newest);
                        button.secondary type="submit" { (lang.t("Mark all as read", "Marcar todo como leído")) }
                    }
                }
            }
        }
    }
}

#[get("/")]
pub async fn home(state: web::Data<AppState>, req: HttpRequest, m: Member) -> Result<HttpResponse, Refused> {
    let lang = m.lang;
    let r = &m.p.record;
    let has = |role: Role| r.roles.contains(&role);
    let member = r.party.kind() == crate::access::PartyKind::Member;
    let reads_cases = member && (has(Role::Officer) || has(Role::Analyst));
    let mut cards: Vec<(&str, &str, &str)> = Vec::new();
    if reads_cases {
        cards.push(("/cases", lang.t("Cases", "Casos"), lang.t(
            "Your country's cases, whole, and the cases other countries shared with you, with their reserved fields withheld.",
            "Los casos de su país, completos, y los que otros países compartieron con usted, con sus campos reservados ocultos.",
        )));
    }
    if has(Role::Analyst) || has(Role::StatisticsReader) {
        cards.push((
            "/statistics",
            lang.t("Statistics", "Estadísticas"),
            lang.t(
                "Tables and charts under disclosure control: nothing in them identifies a person or a case.",
                "Tablas y gráficos bajo control de divulgación: nada en ellos identifica a una persona o un caso.",
            ),
        ));
    }
    if has(Role::Auditor) {
        cards.push((
            "/audit",
            lang.t("Audit log", "Registro de auditoría"),
            lang.t(
                "Who did what with your country's data, and the state of the log's hash chain.",
                "Quién hizo qué con los datos de su país, y el estado de la cadena de hashes del registro.",
            ),
        ));
    }
    cards.push((
        "/account",
        lang.t("Account", "Cuenta"),
        lang.t(
            "Your password, your second factor, and ending every session.",
            "Su contraseña, su segundo factor y el cierre de todas sus sesiones.",
        ),
    ));
    let feed = if reads_cases {
        Some(crate::api::feed::inbox(&state, &m.p, INBOX_ITEMS).await.map_err(|e| Refused::of(&req, e))?)
    } else {
        None
    };
    let body = html! {
        p { (lang.t("Signed in as", "Sesión iniciada como")) " " strong { (r.user.display_name) } " (" (r.party.code) ")." }
        @if let Some(f) = &feed { (inbox(lang, &m.csrf, f)) }
        ul.cards {
            @for (href, title, text) in &cards {
                li { h2 { a href=(href) { (title) } } p { (text) } }
            }
        }
    };
    let shell = Shell { lang, user: Some(&m.p.0), csrf: Some(&m.csrf), path: "/" };
    Ok(layout::ok(&shell, lang.t("Start", "Inicio"), body))
}

/// Mark the inbox read up to the newest item shown (never backwards).
#[post("/inbox/read")]
pub async fn mark_read(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    body: web::Bytes,
) -> Result<HttpResponse, Refused> {
    let form = parse_form(&req, &body)?;
    check_session_csrf(&state, &req, &m.p.ctx, &form, &m.csrf).await?;
    let seq = form.text("seq").parse::<i64>().unwrap_or(0).max(0);
    crate::api::feed::mark_read(&state, &m.p, seq).await.map_err(|e| Refused::of(&req, e))?;
    Ok(see_other("/"))
}
