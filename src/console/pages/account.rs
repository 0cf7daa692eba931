//! Signing in and out, the first-sign-in password change, TOTP enrolment with a QR code, the
//! account page ("sign out everywhere") and the language switch. Every step runs through the
//! same identity service as the API (`auth::service`): the same throttling, checks and audit
//! events; only the credential differs (a cookie instead of tokens).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

use crate::auth::principal::SessionScope;
use crate::auth::service::{self, Channel, LoginRequest, Opened, PasswordChange, TotpCode};
use crate::console::i18n::Lang;
use crate::console::layout::{self, FieldErrors, Shell, notice};
use crate::console::session::{
    self, Member, PRE_COOKIE, Person, Refused, SESSION_COOKIE, Visitor, check_csrf, check_session_csrf, parse_form,
    safe_next, see_other,
};
use crate::error::{ApiError, SecondFactor};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
    done: Option<String>,
}

struct SignInForm<'a> {
    username: &'a str,
    next: &'a str,
    error: Option<&'a str>,
    info: Option<&'a str>,
}

fn sign_in_page(lang: Lang, pre: &str, f: SignInForm<'_>) -> Markup {
    let shell = Shell { lang, user: None, csrf: None, path: "/sign-in" };
    let body = html! {
        @if let Some(info) = f.info { (notice(info, false)) }
        @if let Some(error) = f.error { (notice(error, true)) }
        form.stack method="post" action="/sign-in" {
            input type="hidden" name="csrf" value=(pre);
            input type="hidden" name="next" value=(f.next);
            div {
                label for="username" { (lang.t("Username", "Usuario")) }
                input #username name="username" type="text" autocomplete="username" required autofocus
                    autocapitalize="none" spellcheck="false" maxlength="64" value=(f.username);
            }
            div {
                label for="password" { (lang.t("Password", "Contraseña")) }
                input #password name="password" type="password" autocomplete="current-password" required maxlength="512";
            }
            div {
                label for="totp" {
                    (lang.t("Authenticator code", "Código de autenticación"))
                    span.hint { (lang.t("Six digits, once you have enrolled a second factor", "Seis dígitos, si ya registró un segundo factor")) }
                }
                input #totp name="totp" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6";
            }
            div { button type="submit" { (lang.t("Sign in", "Iniciar sesión")) } }
        }
        p.muted { (lang.t(
            "Forgot your password or lost your authenticator? Ask your country's administrator for a reset.",
            "¿Olvidó su contraseña o perdió su autenticador? Pida un restablecimiento al administrador de su país.",
        )) }
    };
    layout::page(&shell, lang.t("Sign in", "Iniciar sesión"), body)
}

fn with_pre(status: StatusCode, lang: Lang, f: SignInForm<'_>) -> HttpResponse {
    let pre = crate::auth::random_token();
    let markup = sign_in_page(lang, &pre, f);
    let mut res = layout::respond(status, lang, markup);
    let _ = res.add_cookie(&session::pre_cookie(pre));
    res
}

#[get("/sign-in")]
pub async fn sign_in_form(v: Visitor, q: web::Query<SignInQuery>) -> HttpResponse {
    let lang = v.lang;
    let info = match q.done.as_deref() {
        Some("password") => Some(lang.t(
            "Your password was changed and every session ended. Sign in with the new password.",
            "Su contraseña se cambió y todas sus sesiones terminaron. Inicie sesión con la nueva contraseña.",
        )),
        Some("out") => Some(lang.t("You are signed out.", "Ha cerrado la sesión.")),
        Some("everywhere") => {
            Some(lang.t("You are signed out on every device.", "Ha cerrado la sesión en todos los dispositivos."))
        }
        _ => None,
    };
    let next = safe_next(q.next.as_deref().unwrap_or("/"));
    with_pre(StatusCode::OK, lang, SignInForm { username: "", next, error: None, info })
}

#[post("/sign-in")]
pub async fn sign_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    v: Visitor,
    body: web::Bytes,
) -> Result<HttpResponse, Refused> {
    let form = parse_form(&req, &body)?;
    let pre = req.cookie(PRE_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
    check_csrf(&state, &req, &v.ctx, &form, |t| !pre.is_empty() && crate::digest::same_secret(&pre, t)).await?;
    let lang = v.lang;
    let username = form.text("username");
    let next = safe_next(form.get("next").unwrap_or("/")).to_owned();
    let totp = Some(form.text("totp")).filter(|t| !t.is_empty());
    let login =
        LoginRequest { username: username.clone(), password: form.get("password").unwrap_or("").to_owned(), totp };
    match service::sign_in(&state.identity(), v.ctx, login, Channel::Console).await {
        Ok(Opened::Cookie { secret, scope }) => {
            let to = match scope {
                SessionScope::Full => next.as_str(),
                SessionScope::PasswordChange => "/password",
                SessionScope::MfaEnrolment => "/mfa",
            };
            let mut res = see_other(to);
            let _ = res.add_cookie(&session::session_cookie(secret));
            let _ = res.add_cookie(&session::removal(PRE_COOKIE));
            Ok(res)
        }
        Ok(Opened::Tokens(_)) => Err(Refused::of(&req, ApiError::Internal)),
        Err(e @ (ApiError::Unauthorized | ApiError::SecondFactor(_))) => {
            let error = match e {
                ApiError::SecondFactor(SecondFactor::Required) => lang.t(
                    "Enter the code your authenticator app shows for enlace.",
                    "Ingrese el código que su aplicación de autenticación muestra para enlace.",
                ),
                ApiError::SecondFactor(SecondFactor::Invalid) => lang.t(
                    "The code is not correct. Check the clock of your device and enter the code it shows now.",
                    "El código no es correcto. Verifique la hora de su dispositivo e ingrese el código que muestra ahora.",
                ),
                ApiError::SecondFactor(SecondFactor::Used) => lang.t(
                    "That code was already used. Wait for the next code (at most 30 seconds) and enter it.",
                    "Ese código ya se usó. Espere el siguiente código (30 segundos como máximo) e ingréselo.",
                ),
                _ => lang.t(
                    "The username or password is not correct.",
                    "El usuario o la contraseña no son correctos.",
                ),
            };
            let f = SignInForm { username: &username, next: &next, error: Some(error), info: None };
            Ok(with_pre(StatusCode::UNAUTHORIZED, lang, f))
        }
        Err(ApiError::TooManyRequests { retry_after }) => {
            let error = match lang {
                Lang::En => format!("Too many failed attempts. Try again in {retry_after} seconds."),
                Lang::Es => format!("Demasiados intentos fallidos. Vuelva a intentarlo en {retry_after} segundos."),
            };
            let f = SignInForm { username: &username, next: &next, error: Some(&error), info: None };
            let mut res = with_pre(StatusCode::TOO_MANY_REQUESTS, lang, f);
            if let Ok(v) = actix_web::http::header::HeaderValue::from_str(&retry_after.to_string()) {
                res.headers_mut().insert(actix_web::http::header::RETRY_AFTER, v);
            }
            Ok(res)
        }
        Err(e) => Err(Refused::of(&req, e)),
    }
}

fn signed_out(to: &str) -> HttpResponse {
    let mut res = see_other(to);
    let _ = res.add_cookie(&session::removal(SESSION_COOKIE));
    res
}

#[post("/sign-out")]
pub async fn sign_out(
    state: web::Data<AppState>,
    req: HttpRequest,
    person: Person,
    body: web::Bytes,
) -> Result<HttpResponse, Refused> {
    let form = parse_form(&req, &body)?;
    check_session_csrf(&state, &req, &person.auth.ctx, &form, &person.csrf()).await?;
    service::logout(&state.identity(), person.auth).await.map_err(|e| Refused::of(&req, e))?;
    Ok(signed_out("/sign-in?done=out"))
}

#[post("/sign-out-everywhere")]
pub async fn sign_out_everywhere(
    state: web::Data<AppState>,
    req: HttpRequest,
    m: Member,
    body: web::Bytes,
) -> Result<HttpResponse, Refused> {
    let form = parse_form(&req, &body)?;
    check_session_csrf(&state, &req, &m.p.ctx, &form, &m.csrf).await?;
    service::logout_everywhere(&state.identity(), m.p.0).await.map_err(|e| Refused::of(&req, e))?;
    Ok(signed_out("/sign-in?done=everywhere"))
}

fn password_page(person: &Person, errors: &FieldErrors, status: StatusCode) -> HttpResponse {
    let lang = person.lang;
    let csrf = person.csrf();
    let shell = Shell { lang, user: Some(&person.auth), csrf: Some(&csrf), path: "/password" };
    let first = person.auth.scope == SessionScope::PasswordChange;
    let input = |name: &str, label: &str, hint: Option<&str>, autocomplete: &str| {
        let invalid = errors.has(name);
        html! {
            div {
                label for=(name) { (label) @if let Some(h) = hint { span.hint { (h) } } }
                input id=(name) name=(name) type="password" autocomplete=(autocomplete) required maxlength="512"
                    aria-invalid=[invalid.then_some("true")] aria-describedby=[invalid.then(|| format!("err-{name}"))];
                (errors.show(lang, name))
            }
        }
    };
    let body = html! {
        @if first {
            (notice(lang.t(
                "This is your first sign-in (or your password was reset): choose your own password to continue.",
                "Es su primer inicio de sesión (o su contraseña fue restablecida): elija su propia contraseña para continuar.",
            ), false))
        }
        form.stack method="post" action="/password" {
            input type="hidden" name="csrf" value=(csrf);
            (input("current_password", lang.t("Current password", "Contraseña actual"), None, "current-password"))
            (input("new_password", lang.t("New password", "Nueva contraseña"),
                Some(lang.t("At least 12 characters; not a common password, nor your username", "Al menos 12 caracteres; ni una contraseña común ni su usuario")),
                "new-password"))
            (input("confirm_password", lang.t("Repeat the new password", "Repita la nueva contraseña"), None, "new-password"))
            div { button type="submit" { (lang.t("Change password", "Cambiar la contraseña")) } }
        }
    };
    layout::respond(status, lang, layout::page(&shell, lang.t("Change your password", "Cambie su contraseña"), body))
}

#[get("/password")]
pub async fn password_form(person: Person) -> HttpResponse {
    password_page(&person, &FieldErrors::none(), StatusCode::OK)
}

#[post("/password")]
pub async fn password(
    state: web::Data<AppState>,
    req: HttpRequest,
    person: Person,
    body: web::Bytes,
) -> Result<HttpResponse, Refused> {
    let form = parse_form(&req, &body)?;
    check_session_csrf(&state, &req, &person.auth.ctx, &form, &person.csrf()).await?;
    let (current, new) = (form.get("current_password").unwrap_or(""), form.get("new_password").unwrap_or(""));
    if form.get("confirm_password").unwrap_or("") != new {
        let e = crate::error::FieldError::new(
            "confirm_password",
            "mismatch",
            "the two new passwords differ",
            "las dos contraseñas nuevas no coinciden",
        );
        return Ok(password_page(&person, &FieldErrors(vec![e]), StatusCode::UNPROCESSABLE_ENTITY));
    }
    let change = PasswordChange { current_password: current.to_owned(), new_password: new.to_owned() };
    match service::change_password(&state.identity(), person.auth.clone(), change).await {
        // Every session of the user ended with the change, this one too.
        Ok(()) => Ok(signed_out("/sign-in?done=password")),
        Err(e @ (ApiError::Validation(_) | ApiError::Malformed(_))) => {
            Ok(password_page(&person, &FieldErrors::of(&e), StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Refused::of(&req, e)),
    }
}

/// The QR code of an `otpauth://` URI, as SVG markup (drawn with presentation attributes only,
/// so the Content-Security-Policy needs no inline style).
fn qr_svg(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    let svg = code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(224, 224).build();
    let start = svg.find("<svg")?;
    Some(svg[start..].to_owned())
}

fn mfa_page(person: &Person, secret: &str, error: Option<&str>, status: StatusCode) -> HttpResponse {
    let lang = person.lang;
    let csrf = person.csrf();
    let shell = Shell { lang, user: Some(&person.auth), csrf: Some(&csrf), path: "/mfa" };
    let uri = crate::auth::mfa::otpauth_uri(&person.auth.record.user.username, secret);
    let body = html! {
        p { (lang.t(
            "Your role requires a second factor. Scan this code with an authenticator app (or type the key), then enter the six-digit code it shows.",
            "Su función requiere un segundo factor. Escanee este código con una aplicación de autenticación (o escriba la clave) e ingrese el código de seis dígitos que muestra.",
        )) }
        @if let Some(svg) = qr_svg(&uri) {
            figure.qr role="img" aria-label=(lang.t("QR code of the authenticator key", "Código QR de la clave de autenticación")) {
                (PreEscaped(svg))
            }
        }
        p { (lang.t("Key", "Clave")) ": " code #totp-secret { (secret) } }
        form.stack method="post" action="/mfa" {
            input type="hidden" name="csrf" value=(csrf);
            div {
                label for="code" { (lang.t("Code from the app", "Código de la aplicación")) }
                input #code name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}"
                    maxlength="6" required aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| "err-code")];
                @if let Some(e) = error { p.field-error #err-code { (e) } }
            }
            div { button type="submit" { (lang.t("Confirm", "Confirmar")) } }
        }
    };
    layout::respond(
        status,
        lang,
        layout::page(&shell, lang.t("Set up your second factor", "Configure su segundo factor"), body),
    )
}

#[get("/mfa")]
pub async fn mfa_form(state: web::Data<AppState>, req: HttpRequest, person: Person) -> Result<HttpResponse, Refused> {
    if person.auth.record.user.totp_enabled {
        return Ok(see_other("/account"));
    }
    let enrolment =
        service::enrol_totp(&state.identity(), person.auth.clone()).await.map_err(|e| Refused::of(&req, e))?;
    Ok(mfa_page(&person, &enrolment.secret, None, StatusCode::OK))
}

#[post("/mfa")]
pub async fn mfa(
    state: web::Data<AppState>,
    req: HttpRequest,
    person: Person,
    body: web::Bytes,
) -> Result<HttpResponse, Refused> {
    let form = parse_form(&req, &body)?;
    check_session_csrf(&state, &req, &person.auth.ctx, &form, &person.csrf()).await?;
    let code = TotpCode { code: form.text("code") };
    match service::verify_totp(&state.identity(), person.auth.clone(), code).await {
        Ok(()) => Ok(see_other("/")),
        Err(ApiError::Validation(_)) => {
            let Some(secret) = person.auth.record.user.totp_secret.clone() else {
                return Ok(see_other("/mfa"));
            };
            let error = person
                .lang
                .t("The code is not valid; try the current one.", "El código no es válido; pruebe con el actual.");
            Ok(mfa_page(&person, &secret, Some(error), StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(ApiError::Conflict(_)) => Ok(see_other("/mfa")),
        Err(e) => Err(Refused::of(&req, e)),
    }
}

#[get("/account")]
pub async fn account(m: Member) -> HttpResponse {
    let lang = m.lang;
    let shell = Shell { lang, user: Some(&m.p.0), csrf: Some(&m.csrf), path: "/account" };
    let r = &m.p.record;
    let body = html! {
        dl.fields {
            dt { (lang.t("Name", "Nombre")) } dd { (r.user.display_name) }
            dt { (lang.t("Username", "Usuario")) } dd { (r.user.username) }
            dt { (lang.t("Country or organisation", "País u organización")) } dd { (r.party.code) " — " (lang.t(&r.party.name_en, &r.party.name_es)) }
            dt { (lang.t("Roles", "Funciones")) } dd { @for role in &r.roles { span.badge { (role.as_str()) } " " } }
            dt { (lang.t("Second factor", "Segundo factor")) }
            dd { @if r.user.totp_enabled { (lang.t("enrolled", "registrado")) } @else { a href="/mfa" { (lang.t("set up", "configurar")) } } }
        }
        h2 { (lang.t("Security", "Seguridad")) }
        p { a.button.secondary href="/password" { (lang.t("Change password", "Cambiar la contraseña")) } }
        form method="post" action="/sign-out-everywhere" data-confirm=(lang.t("End every session of your account, on every device?", "¿Terminar todas las sesiones de su cuenta, en todos los dispositivos?")) {
            input type="hidden" name="csrf" value=(m.csrf);
            p.muted { (lang.t(
                "If you think someone else used your account, end every session: on this and every other device, in the console and the API.",
                "Si cree que alguien más usó su cuenta, termine todas las sesiones: en este y en cualquier otro dispositivo, en la consola y en la API.",
            )) }
            button type="submit" { (lang.t("Sign out everywhere", "Cerrar sesión en todas partes")) }
        }
    };
    layout::ok(&shell, lang.t("Your account", "Su cuenta"), body)
}

#[derive(Deserialize)]
pub struct LanguageQuery {
    to: String,
    back: Option<String>,
}

/// Switch the language and keep the choice (a preference cookie; nothing changes on the server).
#[get("/language")]
pub async fn language(q: web::Query<LanguageQuery>) -> HttpResponse {
    let back = safe_next(q.back.as_deref().unwrap_or("/")).to_owned();
    let mut res = see_other(&back);
    if let Some(lang) = Lang::parse(&q.to) {
        let _ = res.add_cookie(&session::lang_cookie(lang));
    }
    res
}
