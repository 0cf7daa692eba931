//! ST administrators: the parties of the network — the 11 member countries, the Technical
//! Secretariat and the observers — with observers added, parties renamed, deactivated and
//! reactivated through the API's own paths (`api::admin`: the same rules and audit events).
//! Nothing here shows or reaches case content.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use maud::html;

use crate::access::{PartyKind, Role};
use crate::admin::parties::{NewParty, PartyPatch};
use crate::console::i18n::Lang;
use crate::console::layout::{self, FieldErrors, Shell, notice};
use crate::console::session::{Member, Refused, check_session_csrf, parse_form, see_other};
use crate::error::ApiError;
use crate::state::AppState;

fn kind_label(lang: Lang, kind: PartyKind) -> &'static str {
    match kind {
        PartyKind::Member => lang.t("Member country", "País miembro"),
        PartyKind::Secretariat => lang.t("Technical Secretariat", "Secretaría Técnica"),
        PartyKind::Observer => lang.t("Observer", "Observador"),
    }
}

/// Only ST administrators administer parties (the service decides the writes; the page itself
/// is theirs alone).
fn st_admin(req: &HttpRequest, m: &Member) -> Result<(), Refused> {
    if m.p.record.party.kind() == PartyKind::Secretariat && m.p.record.roles.contains(&Role::StAdmin) {
        Ok(())
    } else {
        Err(Refused::of(req, ApiError::Forbidden))
    }
}

async fn page(
    state: &AppState,
    req: &HttpRequest,
    m: &Member,
    errors: &FieldErrors,
    done: Option<&str>,
    status: StatusCode,
) -> Result<HttpResponse, Refused> {
    let lang = m.lang;
    let parties = crate::api::admin::all_parties(state).await.map_err(|e| Refused::of(req, e))?;
    let field = |name: &str, label: &str| {
        let invalid = errors.has(name);
        html! {
            div.field.invalid[invalid] {
                label for=(name) { (label) }
                input id=(name) name=(name) type="text" maxlength="200" aria-invalid=[invalid.then_some("true")]
                    aria-describedby=[invalid.then(|| format!("err-{name}"))];
                (errors.show(lang, name))
            }
        }
    };
    let body = html! {
        @if done == Some("saved") { (notice(lang.t("The party was saved.", "La parte se guardó."), false)) }
        @if !errors.0.is_empty() { (notice(lang.t("Nothing was changed: correct the fields marked below.", "No se cambió nada: corrija los campos señalados abajo."), true)) }
        div.table-wrap {
            table #parties {
                thead { tr {
                    th scope="col" { (lang.t("Code", "Código")) }
                    th scope="col" { (lang.t("Name", "Nombre")) }
                    th scope="col" { (lang.t("Kind", "Tipo")) }
                    th scope="col" { (lang.t("Status", "Estado")) }
                    th scope="col" { (lang.t("Action", "Acción")) }
                } }
                tbody {
                    @for p in &parties {
                        tr {
                            td { code { (p.code) } }
                            td { (lang.t(&p.name_en, &p.name_es)) }
                            td { (kind_label(lang, p.kind)) }
                            td { (if p.active { lang.t("Active", "Activa") } else { lang.t("Deactivated", "Desactivada") }) }
                            td {
                                @if p.kind != PartyKind::Secretariat {
                                    form.inline method="post" action={ "/parties/" (p.code) } {
                                        input type="hidden" name="csrf" value=(m.csrf);
                                        input type="hidden" name="active" value=(!p.active);
                                        button.secondary type="submit" aria-label={ (if p.active { lang.t("Deactivate", "Desactivar") } else { lang.t("Reactivate", "Reactivar") }) " " (p.code) } {
                                            (if p.active { lang.t("Deactivate", "Desactivar") } else { lang.t("Reactivate", "Reactivar") })
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        p.muted { (lang.t(
            "Deactivating a party ends its users' sessions and stops their sign-in; its data stays.",
            "Desactivar una parte termina las sesiones de sus usuarios e impide que inicien sesión; sus datos se conservan.",
        )) }
        h2 { (lang.t("New observer", "Nuevo observador")) }
        form.stack method="post" action="/parties" {
            input type="hidden" name="csrf" value=(m.csrf);
            (field("code", lang.t("Code (2 to 12 upper-case letters or digits, e.g. OIM)", "Código (2 a 12 mayúsculas o dígitos, p. ej. OIM)")))
            (field("name_es", lang.t("Name in Spanish", "Nombre en español")))
            (field("name_en", lang.t("Name in English", "Nombre en inglés")))
            div { button type="submit" { (lang.t("Add the observer", "Añadir el observador")) } }
        }
    };
    let shell = Shell { lang, user: Some(&m.p.0), csrf: Some(&m.csrf), path: "/parties" };
    Ok(layout::respond(status, lang, layout::page(&shell, lang.t("Parties", "Partes"), body)))
}

#[derive(serde::Deserialize)]
pub struct Done {
    done: Option<String>,
}

#[get("/parties")]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    q: web::Query<Done>,
) -> Result<HttpResponse, Refused> {
    st_admin(&req, &m)?;
    page(&state, &req, &m, &FieldErrors::none(), q.done.as_deref(), StatusCode::OK).await
}

#[post("/parties")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    body: web::Bytes,
) -> Result<HttpResponse, Refused> {
    let form = parse_form(&req, &body)?;
    check_session_csrf(&state, &req, &m.p.ctx, &form, &m.csrf).await?;
    let new = NewParty {
        code: form.text("code").to_ascii_uppercase(),
        kind: PartyKind::Observer,
        name_es: form.text("name_es"),
        name_en: form.text("name_en"),
    };
    match crate::api::admin::add_party(&state, &m.p, new).await {
        Ok(_) => Ok(see_other("/parties?done=saved")),
        Err(e @ (ApiError::Validation(_) | ApiError::Malformed(_))) => {
            page(&state, &req, &m, &FieldErrors::of(&e), None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(ApiError::Conflict(_)) => {
            let taken = crate::error::FieldError::new("code", "taken", "this code is taken", "este código ya existe");
            page(&state, &req, &m, &FieldErrors(vec![taken]), None, StatusCode::CONFLICT).await
        }
        Err(e) => Err(Refused::of(&req, e)),
    }
}

#[post("/parties/{code}")]
pub async fn change(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    code: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Refused> {
    let form = parse_form(&req, &body)?;
    check_session_csrf(&state, &req, &m.p.ctx, &form, &m.csrf).await?;
    let patch = PartyPatch { name_es: None, name_en: None, active: Some(form.get("active") == Some("true")) };
    crate::api::admin::change_party(&state, &m.p, code.into_inner(), patch).await.map_err(|e| Refused::of(&req, e))?;
    Ok(see_other("/parties?done=saved"))
}
