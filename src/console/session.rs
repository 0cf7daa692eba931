//! Who is at the browser: the console's cookies (`__Host-`, Secure, HttpOnly, SameSite=Strict),
//! the extractors of a console request (`Visitor` for anyone, `Person` for any live session,
//! `Member` for a full one), the CSRF check of every form, and `Refused`, the console's one
//! error type, which answers with a page (or a redirect to sign-in) instead of problem+json.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::http::header::HeaderName;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};

use super::i18n::Lang;
use crate::audit::{Event, Outcome, RequestContext};
use crate::auth::principal::SessionScope;
use crate::auth::{Authenticated, Principal};
use crate::error::ApiError;
use crate::state::AppState;

/// The console session's secret.
pub const SESSION_COOKIE: &str = "__Host-enlace";
/// The language the user chose (not personal data; kept for a year).
pub const LANG_COOKIE: &str = "__Host-enlace-lang";
/// The CSRF secret of the sign-in form, before there is a session (login CSRF).
pub const PRE_COOKIE: &str = "__Host-enlace-pre";

fn cookie(name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build(name, value).path("/").secure(true).http_only(true).same_site(SameSite::Strict).finish()
}

/// The session cookie (a browser-session cookie: it ends with the browser, and the server ends
/// the session after its idle timeout or lifetime in any case).
pub fn session_cookie(secret: String) -> Cookie<'static> {
    cookie(SESSION_COOKIE, secret)
}

/// An instruction to the browser to forget a cookie.
pub fn removal(name: &'static str) -> Cookie<'static> {
    let mut c = cookie(name, String::new());
    c.make_removal();
    c
}

pub fn lang_cookie(lang: Lang) -> Cookie<'static> {
    let mut c = cookie(LANG_COOKIE, lang.code().to_owned());
    c.set_max_age(actix_web::cookie::time::Duration::days(365));
    c
}

pub fn pre_cookie(secret: String) -> Cookie<'static> {
    cookie(PRE_COOKIE, secret)
}

/// Why a console request was not served, answered as a page in the reader's language.
#[derive(Debug)]
pub enum Refused {
    /// No live session: go to the sign-in page, then come back to `next`.
    SignIn { next: String },
    /// A session restricted to one step (changing the password, enrolling MFA): go there.
    Step(&'static str),
    /// Anything else, as the API would refuse it.
    Error { error: ApiError, lang: Lang, request_id: String },
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::SignIn { .. } => write!(f, "sign-in required"),
            Refused::Step(to) => write!(f, "restricted session: {to}"),
            Refused::Error { error, .. } => write!(f, "{error}"),
        }
    }
}

impl Refused {
    pub fn of(req: &HttpRequest, error: ApiError) -> Refused {
        let request_id = crate::api::http::context_of(req).request_id;
        Refused::Error { error, lang: Lang::of(req), request_id }
    }
}

/// A relative path of the console to come back to after signing in (anything else: home).
pub fn safe_next(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 512
        && next.bytes().all(|b| b.is_ascii_graphic());
    if ok { next } else { "/" }
}

pub fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to.to_owned())).finish()
}

impl ResponseError for Refused {
    fn status_code(&self) -> StatusCode {
        match self {
            Refused::SignIn { .. } | Refused::Step(_) => StatusCode::SEE_OTHER,
            Refused::Error { error, .. } => error.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Refused::SignIn { next } => {
                let to = match safe_next(next) {
                    "/" => "/sign-in".to_owned(),
                    next => format!("/sign-in?next={}", super::layout::url_encode(next)),
                };
                see_other(&to)
            }
            Refused::Step(to) => see_other(to),
            Refused::Error { error, lang, request_id } => super::layout::error_page(*lang, error, request_id),
        }
    }
}

/// Anyone at the browser: the language and the request context.
pub struct Visitor {
    pub lang: Lang,
    pub ctx: RequestContext,
}

impl FromRequest for Visitor {
    type Error = Refused;
    type Future = std::future::Ready<Result<Self, Refused>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(Visitor { lang: Lang::of(req), ctx: crate::api::http::context_of(req) }))
    }
}

/// A person with a live console session (possibly restricted to one step).
pub struct Person {
    pub auth: Authenticated,
    pub lang: Lang,
    secret: String,
}

impl Person {
    /// The CSRF token every form of this session carries.
    pub fn csrf(&self) -> String {
        crate::auth::cookies::csrf_token(&self.secret)
    }
}

async fn person(req: HttpRequest) -> Result<Person, Refused> {
    let state = req.app_data::<web::Data<AppState>>().cloned().ok_or_else(|| Refused::of(&req, ApiError::Internal))?;
    let secret = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned()).filter(|v| !v.is_empty());
    let next = req.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
    let ctx = crate::api::http::context_of(&req);
    match crate::auth::principal::authenticate_cookie(&state.db, &state.audit, ctx, secret.clone()).await {
        Ok(auth) => Ok(Person { auth, lang: Lang::of(&req), secret: secret.unwrap_or_default() }),
        Err(ApiError::Unauthorized) => Err(Refused::SignIn { next }),
        Err(e) => Err(Refused::of(&req, e)),
    }
}

impl FromRequest for Person {
    type Error = Refused;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Refused>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(person(req.clone()))
    }
}

/// A person with a full session: the acting `Principal` of the same services the API calls.
pub struct Member {
    pub p: Principal,
    pub lang: Lang,
    pub csrf: String,
}

impl FromRequest for Member {
    type Error = Refused;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Refused>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let person = person(req).await?;
            let csrf = person.csrf();
            match person.auth.scope {
                SessionScope::Full => Ok(Member { p: Principal(person.auth), lang: person.lang, csrf }),
                SessionScope::PasswordChange => Err(Refused::Step("/password")),
                SessionScope::MfaEnrolment => Err(Refused::Step("/mfa")),
            }
        })
    }
}

/// The fields of a submitted form, in order (a field may repeat).
pub struct FormFields(pub Vec<(String, String)>);

impl FormFields {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// A field's value, trimmed; empty when absent.
    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or("").trim().to_owned()
    }
}

/// Parse a form body (`application/x-www-form-urlencoded`, at most 64 KiB).
pub fn parse_form(req: &HttpRequest, body: &web::Bytes) -> Result<FormFields, Refused> {
    parse_form_up_to(req, body, 64 * 1024)
}

/// Parse a form body of at most `limit` bytes (the case form: the API's body limit).
pub fn parse_form_up_to(req: &HttpRequest, body: &web::Bytes, limit: usize) -> Result<FormFields, Refused> {
    let form = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/x-www-form-urlencoded")
    });
    if !form {
        return Err(Refused::of(req, ApiError::UnsupportedMediaType));
    }
    if body.len() > limit {
        return Err(Refused::of(req, ApiError::PayloadTooLarge));
    }
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .map(FormFields)
        .map_err(|_| Refused::of(req, ApiError::Malformed(Vec::new())))
}

/// Whether the request comes from a page of this console. Browsers that send `Sec-Fetch-Site`
/// say so directly; it decides. Others are judged by `Origin`, which must name this host
/// (`Origin: null`, sent under `Referrer-Policy: no-referrer` by some browsers, is not enough
/// without `Sec-Fetch-Site`). A request with neither (not a browser) relies on the token alone.
fn same_origin(req: &HttpRequest) -> bool {
    let header = |name| req.headers().get(name).and_then(|v: &header::HeaderValue| v.to_str().ok());
    if let Some(site) = header(HeaderName::from_static("sec-fetch-site")) {
        return site == "same-origin" || site == "none";
    }
    match header(header::ORIGIN) {
        None => true,
        Some(origin) => {
            let host = req.connection_info().host().to_owned();
            origin.strip_prefix("https://") == Some(host.as_str())
        }
    }
}

/// Refuse (403, audited) a state-changing request whose CSRF token is not `expected`'s or that
/// comes from another site.
pub async fn check_csrf(
    state: &AppState,
    req: &HttpRequest,
    ctx: &RequestContext,
    form: &FormFields,
    matches: impl FnOnce(&str) -> bool,
) -> Result<(), Refused> {
    let token = form.get("csrf").unwrap_or("");
    let reason = if !same_origin(req) {
        "cross_site"
    } else if token.is_empty() {
        "no_token"
    } else if !matches(token) {
        "wrong_token"
    } else {
        return Ok(());
    };
    let event = Event::new(ctx, "console_csrf_refused", "session", Outcome::Denied)
        .details(serde_json::json!({"route": req.match_pattern().unwrap_or_default(), "reason": reason}));
    state.audit.record(event).await.map_err(|e| Refused::of(req, e))?;
    Err(Refused::of(req, ApiError::Forbidden))
}

/// `check_csrf` for a signed-in person: the token of their session.
pub async fn check_session_csrf(
    state: &AppState,
    req: &HttpRequest,
    ctx: &RequestContext,
    form: &FormFields,
    csrf: &str,
) -> Result<(), Refused> {
    check_csrf(state, req, ctx, form, |t| crate::digest::same_secret(csrf, t)).await
}
