//! Administrators: the users they administer (a country administrator, their country's; an ST
//! administrator, every party's users the ST may manage — never case content). A list with
//! filters, a creation form that shows the one-time password once, and a user's page with their
//! names, roles and status, a password reset, "end every session" and a reset of the second
//! factor. Every action goes through the API's own paths (`api::admin`: the same rules — nobody
//! changes their own roles, a country's users are its own — refusals and audit events).

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use maud::{Markup, html};

use crate::access::{PartyKind, Role, role_allowed_for};
use crate::admin::users::{NewUser, User, UserPatch, UserQuery};
use crate::console::i18n::Lang;
use crate::console::layout::{self, FieldErrors, Shell, notice, url_encode};
use crate::console::session::{FormFields, Member, Refused, check_session_csrf, parse_form};
use crate::error::ApiError;
use crate::state::AppState;

pub fn role_label(lang: Lang, role: Role) -> &'static str {
    match role {
        Role::StAdmin => lang.t("ST administrator", "Administrador de la ST"),
        Role::CountryAdmin => lang.t("Country administrator", "Administrador del país"),
        Role::Officer => lang.t("Liaison officer", "Oficial de enlace"),
        Role::Analyst => lang.t("Analyst", "Analista"),
        Role::StatisticsReader => lang.t("Statistics reader", "Lector de estadísticas"),
        Role::Auditor => lang.t("Auditor", "Auditor"),
    }
}

fn status_label(lang: Lang, status: &str) -> &'static str {
    match status {
        "active" => lang.t("Active", "Activo"),
        _ => lang.t("Disabled", "Desactivado"),
    }
}

fn shell<'a>(m: &'a Member) -> Shell<'a> {
    Shell { lang: m.lang, user: Some(&m.p.0), csrf: Some(&m.csrf), path: "/users" }
}

/// The roles a user of a party of `kind` may hold, as checkboxes.
fn role_choices(lang: Lang, kind: Option<PartyKind>, chosen: &[Role], errors: &FieldErrors) -> Markup {
    let roles: Vec<Role> = Role::ALL.into_iter().filter(|r| kind.is_none_or(|k| role_allowed_for(k, *r))).collect();
    html! {
        fieldset.choices {
            legend { (lang.t("Roles", "Funciones")) }
            @for r in roles {
                label.check {
                    input type="checkbox" name="roles" value=(r.as_str()) checked[chosen.contains(&r)];
                    " " (role_label(lang, r))
                }
            }
            (errors.show(lang, "roles"))
        }
    }
}

fn text_input(lang: Lang, name: &str, label: &str, value: &str, errors: &FieldErrors) -> Markup {
    let invalid = errors.has(name);
    html! {
        div.field.invalid[invalid] {
            label for=(name) { (label) }
            input id=(name) name=(name) type="text" value=(value) maxlength="254"
                aria-invalid=[invalid.then_some("true")] aria-describedby=[invalid.then(|| format!("err-{name}"))];
            (errors.show(lang, name))
        }
    }
}

fn roles_of(form: &FormFields) -> Vec<Role> {
    form.0.iter().filter(|(k, _)| k == "roles").filter_map(|(_, v)| Role::parse(v)).collect()
}

/// The list and the creation form.
async fn list_page(
    state: &AppState,
    req: &HttpRequest,
    m: &Member,
    params: &BTreeMap<String, String>,
    form: (&BTreeMap<&str, String>, &[Role], &FieldErrors),
    status: StatusCode,
) -> Result<HttpResponse, Refused> {
    let lang = m.lang;
    let get = |k: &str| params.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let st = m.p.record.party.kind() == PartyKind::Secretariat;
    let q = UserQuery {
        party: if st { get("party").map(|p| p.to_ascii_uppercase()) } else { Some(m.p.record.party.code.clone()) },
        role: get("role").and_then(|r| Role::parse(&r)),
        status: get("status"),
        limit: Some(50),
        cursor: get("cursor"),
    };
    let page = crate::api::admin::users_page(state, &m.p, q).await.map_err(|e| Refused::of(req, e))?;
    let next = page.next_cursor.as_ref().map(|c| {
        let mut q: Vec<String> = ["party", "role", "status"]
            .iter()
            .filter_map(|k| get(k).map(|v| format!("{k}={}", url_encode(&v))))
            .collect();
        q.push(format!("cursor={}", url_encode(c)));
        format!("/users?{}", q.join("&"))
    });
    let (values, roles, errors) = form;
    let value = |k: &str| values.get(k).map(String::as_str).unwrap_or("");
    let own_kind = m.p.record.party.kind();
    let body = html! {
        form.filters method="get" action="/users" role="search" {
            @if st {
                div { label for="party" { (lang.t("Party", "Parte")) } input #party name="party" type="text" maxlength="10" size="6" value=(get("party").unwrap_or_default()); }
            }
            div {
                label for="role" { (lang.t("Role", "Función")) }
                select #role name="role" {
                    option value="" { (lang.t("Any", "Cualquiera")) }
                    @for r in Role::ALL.into_iter().filter(|r| st || role_allowed_for(own_kind, *r)) {
                        option value=(r.as_str()) selected[get("role").as_deref() == Some(r.as_str())] { (role_label(lang, r)) }
                    }
                }
            }
            div {
                label for="status" { (lang.t("Status", "Estado")) }
                select #status name="status" {
                    option value="" { (lang.t("Any", "Cualquiera")) }
                    @for s in ["active", "disabled"] { option value=(s) selected[get("status").as_deref() == Some(s)] { (status_label(lang, s)) } }
                }
            }
            div { button type="submit" { (lang.t("Filter", "Filtrar")) } }
        }
        div.table-wrap {
            table #users {
                thead { tr {
                    th scope="col" { (lang.t("User", "Usuario")) }
                    th scope="col" { (lang.t("Party", "Parte")) }
                    th scope="col" { (lang.t("Roles", "Funciones")) }
                    th scope="col" { (lang.t("Status", "Estado")) }
                    th scope="col" { (lang.t("Second factor", "Segundo factor")) }
                } }
                tbody {
                    @for u in &page.items {
                        tr {
                            td { a href={ "/users/" (u.id) } { (u.username) } br; span.muted { (u.display_name) } }
                            td { (u.party) }
                            td { @for r in &u.roles { span.badge { (role_label(lang, *r)) } " " } }
                            td { (status_label(lang, &u.status)) }
                            td { (if u.mfa_enabled { lang.t("Enrolled", "Registrado") } else { lang.t("Not enrolled", "Sin registrar") }) }
                        }
                    }
                }
            }
        }
        @if let Some(next) = next {
            nav.pager aria-label=(lang.t("Pages", "Páginas")) { a href=(next) rel="next" { (lang.t("More users →", "Más usuarios →")) } }
        }
        h2 #new-user { (lang.t("New user", "Nuevo usuario")) }
        p.muted { (lang.t(
            "A one-time password is generated and shown once; the user changes it at first sign-in. Administrators enrol a second factor before anything else.",
            "Se genera una contraseña de un solo uso que se muestra una vez; el usuario la cambia al iniciar sesión por primera vez. Los administradores registran un segundo factor antes de cualquier otra cosa.",
        )) }
        @if !errors.0.is_empty() {
            (notice(lang.t("The user was not created: correct the fields marked below.", "El usuario no se creó: corrija los campos señalados abajo."), true))
        }
        form.stack method="post" action="/users" {
            input type="hidden" name="csrf" value=(m.csrf);
            @if st {
                (text_input(lang, "party", lang.t("Party (code)", "Parte (código)"), value("party"), errors))
            }
            (text_input(lang, "username", lang.t("User name (lower-case letters, digits, . _ -)", "Nombre de usuario (minúsculas, dígitos, . _ -)"), value("username"), errors))
            (text_input(lang, "display_name", lang.t("Full name", "Nombre completo"), value("display_name"), errors))
            (text_input(lang, "email", lang.t("E-mail", "Correo electrónico"), value("email"), errors))
            (role_choices(lang, if st { None } else { Some(own_kind) }, roles, errors))
            div { button type="submit" { (lang.t("Create the user", "Crear el usuario")) } }
        }
    };
    let title = lang.t("Users", "Usuarios");
    Ok(layout::respond(status, lang, layout::page(&shell(m), title, body)))
}

#[get("/users")]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    params: web::Query<BTreeMap<String, String>>,
) -> Result<HttpResponse, Refused> {
    list_page(&state, &req, &m, &params, (&BTreeMap::new(), &[], &FieldErrors::none()), StatusCode::OK).await
}

/// The page shown once after a creation or a reset: the one-time password, never again.
fn once(m: &Member, user: &User, password: &str, created: bool) -> HttpResponse {
    let lang = m.lang;
    let body = html! {
        (notice(if created { lang.t("The user was created.", "El usuario se creó.") } else { lang.t("The password was reset and the user's sessions ended.", "La contraseña se restableció y las sesiones del usuario terminaron.") }, false))
        p { (lang.t("One-time password for", "Contraseña de un solo uso para")) " " strong { (user.username) } ":" }
        p { code #one-time-password { (password) } }
        p.muted { (lang.t(
            "It is shown only now. Give it to the user by a separate channel; it must be changed at first sign-in.",
            "Solo se muestra ahora. Entréguela al usuario por un canal separado; debe cambiarse al iniciar sesión.",
        )) }
        p { a href={ "/users/" (user.id) } { (lang.t("To the user's page", "A la página del usuario")) } }
    };
    layout::ok(&shell(m), lang.t("One-time password", "Contraseña de un solo uso"), body)
}

#[post("/users")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    body: web::Bytes,
) -> Result<HttpResponse, Refused> {
    let form = parse_form(&req, &body)?;
    check_session_csrf(&state, &req, &m.p.ctx, &form, &m.csrf).await?;
    let st = m.p.record.party.kind() == PartyKind::Secretariat;
    let party = if st { form.text("party").to_ascii_uppercase() } else { m.p.record.party.code.clone() };
    let roles = roles_of(&form);
    let new = NewUser {
        username: form.text("username"),
        display_name: form.text("display_name"),
        email: form.text("email"),
        party: party.clone(),
        roles: roles.clone(),
        password: None,
    };
    match crate::api::admin::add_user(&state, &m.p, new).await {
        Ok(created) => Ok(once(&m, &created.user, created.initial_password.as_deref().unwrap_or(""), true)),
        Err(e @ (ApiError::Validation(_) | ApiError::Malformed(_) | ApiError::Conflict(_))) => {
            let values: BTreeMap<&str, String> = [
                ("party", party),
                ("username", form.text("username")),
                ("display_name", form.text("display_name")),
                ("email", form.text("email")),
            ]
            .into_iter()
            .collect();
            let errors = match &e {
                ApiError::Conflict(_) => FieldErrors(vec![crate::error::FieldError::new(
                    "username",
                    "taken",
                    "this user name is taken",
                    "este nombre de usuario ya existe",
                )]),
                _ => FieldErrors::of(&e),
            };
            let status = actix_web::ResponseError::status_code(&e);
            list_page(&state, &req, &m, &BTreeMap::new(), (&values, &roles, &errors), status).await
        }
        Err(e) => Err(Refused::of(&req, e)),
    }
}

/// A user's page: details, the change form, and the account actions.
fn user_page(m: &Member, user: &User, errors: &FieldErrors, done: Option<&str>, status: StatusCode) -> HttpResponse {
    let lang = m.lang;
    let own = user.id == m.p.record.user.id;
    // Which roles to offer (the service decides which are allowed).
    let kind = if user.party == "ST" {
        PartyKind::Secretariat
    } else if crate::formato::codes::CRM_MEMBERS.contains(&user.party.as_str()) {
        PartyKind::Member
    } else {
        PartyKind::Observer
    };
    let action = format!("/users/{}", user.id);
    let body = html! {
        @match done {
            Some("saved") => (notice(lang.t("The user was changed.", "El usuario se modificó."), false)),
            Some("sessions") => (notice(lang.t("Every session of the user ended.", "Todas las sesiones del usuario terminaron."), false)),
            Some("mfa") => (notice(lang.t("The second factor was removed: the user enrols a new one at next sign-in.", "Se quitó el segundo factor: el usuario registra uno nuevo al iniciar sesión."), false)),
            _ => {},
        }
        dl.fields {
            dt { (lang.t("User name", "Nombre de usuario")) } dd { (user.username) }
            dt { (lang.t("Party", "Parte")) } dd { (user.party) }
            dt { (lang.t("Status", "Estado")) } dd { (status_label(lang, &user.status)) }
            dt { (lang.t("Second factor", "Segundo factor")) } dd { (if user.mfa_enabled { lang.t("Enrolled", "Registrado") } else { lang.t("Not enrolled", "Sin registrar") }) }
            dt { (lang.t("Must change the password", "Debe cambiar la contraseña")) } dd { (if user.must_change_password { lang.t("Yes", "Sí") } else { lang.t("No", "No") }) }
            dt { (lang.t("Created", "Creado")) } dd { (user.created_at) }
        }
        @if !errors.0.is_empty() {
            (notice(lang.t("Nothing was changed: correct the fields marked below.", "No se cambió nada: corrija los campos señalados abajo."), true))
        }
        @if own {
            p.muted { (lang.t("Nobody changes their own roles or status.", "Nadie cambia sus propias funciones ni su estado.")) }
        }
        form.stack method="post" action=(action) {
            input type="hidden" name="csrf" value=(m.csrf);
            (text_input(lang, "display_name", lang.t("Full name", "Nombre completo"), &user.display_name, errors))
            (text_input(lang, "email", lang.t("E-mail", "Correo electrónico"), &user.email, errors))
            @if !own {
                (role_choices(lang, Some(kind), &user.roles, errors))
                div.field {
                    label for="status" { (lang.t("Status", "Estado")) span.hint { (lang.t("Disabling ends every session at once.", "Desactivar termina todas las sesiones de inmediato.")) } }
                    select #status name="status" {
                        @for s in ["active", "disabled"] { option value=(s) selected[user.status == s] { (status_label(lang, s)) } }
                    }
                }
            }
            div { button type="submit" name="action" value="save" { (lang.t("Save", "Guardar")) } }
        }
        h2 { (lang.t("Account actions", "Acciones sobre la cuenta")) }
        div.actions {
            @for (value, label) in [
                ("reset_password", lang.t("Reset the password", "Restablecer la contraseña")),
                ("end_sessions", lang.t("End every session", "Terminar todas las sesiones")),
                ("reset_mfa", lang.t("Remove the second factor", "Quitar el segundo factor")),
            ] {
                form.inline method="post" action=(action) {
                    input type="hidden" name="csrf" value=(m.csrf);
                    button.secondary type="submit" name="action" value=(value) { (label) }
                }
                " "
            }
        }
        p { a href="/users" { (lang.t("All users", "Todos los usuarios")) } }
    };
    layout::respond(status, lang, layout::page(&shell(m), &user.username, body))
}

#[derive(serde::Deserialize)]
pub struct Done {
    done: Option<String>,
}

#[get("/users/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    id: web::Path<String>,
    q: web::Query<Done>,
) -> Result<HttpResponse, Refused> {
    let user = crate::api::admin::user_of(&state, &m.p, id.into_inner()).await.map_err(|e| Refused::of(&req, e))?;
    Ok(user_page(&m, &user, &FieldErrors::none(), q.done.as_deref(), StatusCode::OK))
}

#[post("/users/{id}")]
pub async fn change(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Refused> {
    let form = parse_form(&req, &body)?;
    check_session_csrf(&state, &req, &m.p.ctx, &form, &m.csrf).await?;
    let id = id.into_inner();
    let back = |done: &str| crate::console::session::see_other(&format!("/users/{id}?done={done}"));
    let result = match form.get("action").unwrap_or("save") {
        "reset_password" => {
            let reset = crate::api::admin::reset_user_password(&state, &m.p, id.clone())
                .await
                .map_err(|e| Refused::of(&req, e))?;
            let user = crate::api::admin::user_of(&state, &m.p, id.clone()).await.map_err(|e| Refused::of(&req, e))?;
            return Ok(once(&m, &user, &reset.one_time_password, false));
        }
        "end_sessions" => {
            crate::api::admin::end_user_sessions(&state, &m.p, id.clone()).await.map(|_| back("sessions"))
        }
        "reset_mfa" => {
            let patch = UserPatch { display_name: None, email: None, roles: None, status: None, reset_mfa: Some(true) };
            crate::api::admin::change_user(&state, &m.p, id.clone(), patch).await.map(|_| back("mfa"))
        }
        _ => {
            let own = id == m.p.record.user.id;
            let patch = UserPatch {
                display_name: Some(form.text("display_name")),
                email: Some(form.text("email")),
                roles: (!own).then(|| roles_of(&form)),
                status: (!own).then(|| form.text("status")),
                reset_mfa: None,
            };
            crate::api::admin::change_user(&state, &m.p, id.clone(), patch).await.map(|_| back("saved"))
        }
    };
    match result {
        Ok(page) => Ok(page),
        Err(e @ (ApiError::Validation(_) | ApiError::Malformed(_))) => {
            let user = crate::api::admin::user_of(&state, &m.p, id).await.map_err(|e| Refused::of(&req, e))?;
            Ok(user_page(&m, &user, &FieldErrors::of(&e), None, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Refused::of(&req, e)),
    }
}
