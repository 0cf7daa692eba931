//! The start page: who is signed in, and what their roles let them do.

use actix_web::{HttpResponse, get};
use maud::html;

use crate::access::Role;
use crate::console::layout::{self, Shell};
use crate::console::session::Member;

#[get("/")]
pub async fn home(m: Member) -> HttpResponse {
    let lang = m.lang;
    let r = &m.p.record;
    let has = |role: Role| r.roles.contains(&role);
    let member = r.party.kind() == crate::access::PartyKind::Member;
    let mut cards: Vec<(&str, &str, &str)> = Vec::new();
    if member && (has(Role::Officer) || has(Role::Analyst)) {
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
    let body = html! {
        p { (lang.t("Signed in as", "Sesión iniciada como")) " " strong { (r.user.display_name) } " (" (r.party.code) ")." }
        ul.cards {
            @for (href, title, text) in &cards {
                li { h2 { a href=(href) { (title) } } p { (text) } }
            }
        }
    };
    let shell = Shell { lang, user: Some(&m.p.0), csrf: Some(&m.csrf), path: "/" };
    layout::ok(&shell, lang.t("Start", "Inicio"), body)
}
