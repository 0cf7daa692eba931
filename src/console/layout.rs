//! The page shell of every console page (skip link, navigation by role, language switch,
//! sign-out), the error page, and small rendering helpers. Every value goes through maud, which
//! escapes it; nothing here writes raw HTML from data.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use maud::{DOCTYPE, Markup, html};

use super::i18n::Lang;
use crate::access::{PartyKind, Role};
use crate::auth::Authenticated;
use crate::error::ApiError;

/// Percent-encode a query-string value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Who the page is for, as far as the shell is concerned.
pub struct Shell<'a> {
    pub lang: Lang,
    pub user: Option<&'a Authenticated>,
    pub csrf: Option<&'a str>,
    /// The current path (for the language switch to come back to).
    pub path: &'a str,
}

/// The navigation links a user's roles give.
fn nav(lang: Lang, user: &Authenticated) -> Vec<(&'static str, &'static str)> {
    let has = |r: Role| user.record.roles.contains(&r);
    let mut links = vec![("/", lang.t("Home", "Inicio"))];
    let member = user.record.party.kind() == PartyKind::Member;
    if member && (has(Role::Officer) || has(Role::Analyst)) {
        links.push(("/cases", lang.t("Cases", "Casos")));
    }
    if member && (has(Role::Officer) || has(Role::Analyst)) {
        links.push(("/alerts", lang.t("Alerts", "Alertas")));
    }
    if has(Role::Analyst) || has(Role::StatisticsReader) {
        links.push(("/statistics", lang.t("Statistics", "Estadísticas")));
    }
    if member && has(Role::CountryAdmin) {
        links.push(("/policy", lang.t("Reservation policy", "Política de reservas")));
    }
    if has(Role::StAdmin) {
        links.push(("/parties", lang.t("Parties", "Partes")));
    }
    if has(Role::CountryAdmin) || has(Role::StAdmin) {
        links.push(("/users", lang.t("Users", "Usuarios")));
    }
    let subject = user.subject();
    if crate::access::resources::may_read_directory(&subject) {
        links.push(("/directory", lang.t("Directory", "Directorio")));
    }
    if crate::access::resources::may_read_entry_requirements(&subject) {
        links.push(("/entry-requirements", lang.t("Entry requirements", "Requisitos de ingreso")));
    }
    links.push(("/reports", lang.t("Reports", "Informes")));
    links.push(("/legislation", lang.t("Legislation", "Legislación")));
    if has(Role::Auditor) {
        links.push(("/audit", lang.t("Audit log", "Registro de auditoría")));
    }
    links.push(("/account", lang.t("Account", "Cuenta")));
    links
}

/// A whole page.
pub fn page(shell: &Shell<'_>, title: &str, body: Markup) -> Markup {
    let lang = shell.lang;
    let other = lang.other();
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · enlace" }
                link rel="icon" type="image/svg+xml" href=(super::assets::icon_path());
                link rel="stylesheet" href=(super::assets::css_path());
                script src=(super::assets::js_path()) defer {}
            }
            body {
                a.skip href="#main" { (lang.t("Skip to content", "Ir al contenido")) }
                header.top {
                    a.brand href="/" { "enlace" }
                    @if let Some(user) = shell.user {
                        nav aria-label=(lang.t("Main", "Principal")) {
                            ul {
                                @for (href, label) in nav(lang, user) {
                                    li {
                                        @if href == shell.path {
                                            a href=(href) aria-current="page" { (label) }
                                        } @else {
                                            a href=(href) { (label) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    div.tools {
                        a href={ "/language?to=" (other.code()) "&back=" (url_encode(shell.path)) } lang=(other.code()) hreflang=(other.code()) {
                            (other.name())
                        }
                        @if let (Some(user), Some(csrf)) = (shell.user, shell.csrf) {
                            span.who { (user.record.user.username) " · " (user.record.party.code) }
                            form.inline method="post" action="/sign-out" {
                                input type="hidden" name="csrf" value=(csrf);
                                button type="submit" { (lang.t("Sign out", "Cerrar sesión")) }
                            }
                        }
                    }
                }
                main #main tabindex="-1" {
                    h1 { (title) }
                    (body)
                }
                footer {
                    p { (lang.t(
                        "Regional Conference on Migration · network of liaison officers. Every page you open is recorded in the audit log.",
                        "Conferencia Regional sobre Migración · red de oficiales de enlace. Cada página que abre queda registrada en el registro de auditoría.",
                    )) }
                }
            }
        }
    }
}

/// A page in `lang` as an HTTP response.
pub fn respond(status: StatusCode, lang: Lang, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((actix_web::http::header::CONTENT_LANGUAGE, lang.code()))
        .body(markup.into_string())
}

pub fn ok(shell: &Shell<'_>, title: &str, body: Markup) -> HttpResponse {
    respond(StatusCode::OK, shell.lang, page(shell, title, body))
}

/// The page of a refusal: the same status and explanation as the API's problem+json.
pub fn error_page(lang: Lang, error: &ApiError, request_id: &str) -> HttpResponse {
    let problem = error.problem(lang.spanish(), request_id);
    let shell = Shell { lang, user: None, csrf: None, path: "/" };
    let title = match error {
        ApiError::NotFound | ApiError::NoRoute => lang.t("Not found", "No encontrado"),
        ApiError::Forbidden | ApiError::RestrictedSession(_) => lang.t("Not allowed", "No permitido"),
        ApiError::TooManyRequests { .. } => lang.t("Too many attempts", "Demasiados intentos"),
        _ => lang.t("Something went wrong", "Algo salió mal"),
    };
    let body = html! {
        p { (problem.detail) }
        @if !problem.errors.is_empty() {
            ul { @for e in &problem.errors { li { code { (e.field) } ": " (if lang.spanish() { &e.message_es } else { &e.message }) } } }
        }
        p.muted { (lang.t("Request id", "Identificador de la solicitud")) ": " code { (request_id) } }
        p { a href="/" { (lang.t("Back to the start page", "Volver a la página de inicio")) } }
    };
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    respond(status, shell.lang, page(&shell, title, body))
}

/// Field errors from the server, by field, for showing each beside its input.
pub struct FieldErrors(pub Vec<crate::error::FieldError>);

impl FieldErrors {
    pub fn none() -> FieldErrors {
        FieldErrors(Vec::new())
    }

    pub fn of(error: &ApiError) -> FieldErrors {
        match error {
            ApiError::Validation(v) | ApiError::Malformed(v) => FieldErrors(v.clone()),
            _ => FieldErrors(Vec::new()),
        }
    }

    /// The messages for a field, in the reader's language.
    pub fn for_field(&self, lang: Lang, field: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|e| e.field == field)
            .map(|e| if lang.spanish() { e.message_es.as_str() } else { e.message.as_str() })
            .collect()
    }

    /// An input's error message block (with the id its input names in `aria-describedby`).
    pub fn show(&self, lang: Lang, field: &str) -> Markup {
        let messages = self.for_field(lang, field);
        html! {
            @if !messages.is_empty() {
                p.field-error id={ "err-" (field) } { @for m in messages { (m) " " } }
            }
        }
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }
}

/// A notice at the top of a page (`role=status`, or `role=alert` for errors).
pub fn notice(text: &str, error: bool) -> Markup {
    html! {
        @if error {
            div.notice.error role="alert" { (text) }
        } @else {
            div.notice role="status" { (text) }
        }
    }
}
