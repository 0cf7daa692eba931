//! HTTP conventions shared by every endpoint: the request envelope middleware (request id,
//! client address, problem+json rendering in the caller's language, security headers, one log
//! line per request without bodies, tokens or personal data), the caller's identity from the bearer
//! token, the JSON body extractor that names the failing field, and the extractor configurations.

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError, web};
use serde::de::DeserializeOwned;

use crate::audit::RequestContext;
use crate::auth::{Authenticated, Principal};
use crate::error::{ApiError, FieldError};
use crate::state::AppState;

/// The request id of the current request (from a well-formed `X-Request-Id`, else generated).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The client address, after applying the trusted-proxy rule.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub Option<String>);

/// Proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<IpAddr>);

static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

fn well_formed_request_id(v: &str) -> bool {
    (1..=64).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

fn request_id_of(req: &ServiceRequest) -> String {
    req.headers()
        .get(&X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| well_formed_request_id(v))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

/// The peer address, or — when the peer is a trusted proxy — the right-most address in
/// `X-Forwarded-For` that is not itself a trusted proxy.
fn client_addr_of(req: &ServiceRequest, trusted: &[IpAddr]) -> Option<String> {
    let peer = req.peer_addr().map(|a| a.ip())?;
    if !trusted.contains(&peer) {
        return Some(peer.to_string());
    }
    let forwarded = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()).unwrap_or("");
    let client = forwarded
        .rsplit(',')
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer);
    Some(client.to_string())
}

/// Whether the caller's `Accept-Language` prefers Spanish to English.
pub fn prefers_spanish(req: &HttpRequest) -> bool {
    let Some(value) = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    // The first listed language with a non-zero weight decides; ties keep the listed order.
    let mut best: Option<(f32, bool)> = None;
    for part in value.split(',') {
        let mut it = part.trim().split(';');
        let tag = it.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = it.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
        let lang = if tag.starts_with("es") {
            Some(true)
        } else if tag.starts_with("en") {
            Some(false)
        } else {
            None
        };
        if let Some(es) = lang
            && q > 0.0
            && best.is_none_or(|(bq, _)| q > bq)
        {
            best = Some((q, es));
        }
    }
    best.is_some_and(|(_, es)| es)
}

/// The error a bare status maps to, for responses produced outside our handlers.
fn error_for_status(status: StatusCode) -> ApiError {
    match status {
        StatusCode::NOT_FOUND => ApiError::NoRoute,
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        StatusCode::REQUEST_TIMEOUT => ApiError::RequestTimeout,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
        StatusCode::UNAUTHORIZED => ApiError::Unauthorized,
        StatusCode::FORBIDDEN => ApiError::Forbidden,
        s if s.is_client_error() => ApiError::Malformed(Vec::new()),
        StatusCode::SERVICE_UNAVAILABLE => ApiError::Unavailable,
        _ => ApiError::Internal,
    }
}

fn set(headers: &mut header::HeaderMap, name: &'static str, value: &'static str) {
    headers.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
}

const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";
/// The web console: its own scripts, styles and images only; forms post only to itself.
const CONSOLE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                           connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const DOCS_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                        script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

/// The envelope around every request.
pub async fn envelope(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let request_id = request_id_of(&req);
    let trusted = req.app_data::<web::Data<TrustedProxies>>().map(|t| t.0.clone()).unwrap_or_default();
    let client = client_addr_of(&req, &trusted);
    req.extensions_mut().insert(RequestId(request_id.clone()));
    req.extensions_mut().insert(ClientAddr(client));
    let method = req.method().clone();
    let is_docs = req.path().starts_with("/docs");

    let res = match next.call(req).await {
        Ok(res) => res.map_into_boxed_body(),
        Err(e) => {
            // Errors raised before a handler ran (e.g. by another middleware).
            return Err(e);
        }
    };

    let status = res.status();
    // Console pages answer errors with a page of their own, in the reader's language.
    let html = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let console = html || res.request().path().starts_with("/assets/");
    let res = if (status.is_client_error() || status.is_server_error()) && !html {
        let api_error = res
            .response()
            .error()
            .and_then(|e| e.as_error::<ApiError>())
            .cloned()
            .unwrap_or_else(|| error_for_status(status));
        let spanish = prefers_spanish(res.request());
        let problem = api_error.problem(spanish, &request_id);
        let (req, old) = res.into_parts();
        let mut new = api_error.error_response();
        *new.status_mut() = status;
        for (name, value) in old.headers() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                new.headers_mut().insert(name.clone(), value.clone());
            }
        }
        let body = serde_json::to_string(&problem).unwrap_or_default();
        set(new.headers_mut(), "content-language", if spanish { "es" } else { "en" });
        let new = new.set_body(BoxBody::new(body));
        ServiceResponse::new(req, new)
    } else {
        res
    };

    let mut res = res;
    if status == StatusCode::REQUEST_TIMEOUT {
        // The rest of a body that did not arrive in time is not waited for.
        res.response_mut().head_mut().set_connection_type(actix_web::http::ConnectionType::Close);
    }
    let pattern = res.request().match_pattern();
    let elapsed = started.elapsed();
    if let Some(state) = res.request().app_data::<web::Data<AppState>>() {
        state.metrics.request(pattern.as_deref(), method.as_str(), status.as_u16(), elapsed);
    }
    let route = pattern.unwrap_or_else(|| "-".to_owned());
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        headers.insert(X_REQUEST_ID.clone(), v);
    }
    set(headers, "strict-transport-security", "max-age=63072000; includeSubDomains");
    set(headers, "x-content-type-options", "nosniff");
    if !headers.contains_key(header::CACHE_CONTROL) {
        set(headers, "cache-control", "no-store");
    }
    set(headers, "x-frame-options", "DENY");
    set(headers, "referrer-policy", "no-referrer");
    let csp = if is_docs {
        DOCS_CSP
    } else if console {
        CONSOLE_CSP
    } else {
        API_CSP
    };
    set(headers, "content-security-policy", csp);
    headers.remove(header::SERVER);
    if let Some(ct) = headers.get(header::CONTENT_TYPE)
        && ct.as_bytes() == b"application/json"
    {
        set(headers, "content-type", "application/json; charset=utf-8");
    } else if let Some(ct) = headers.get(header::CONTENT_TYPE)
        && ct.as_bytes() == b"application/problem+json"
    {
        set(headers, "content-type", "application/problem+json; charset=utf-8");
    }

    tracing::info!(
        request_id = %request_id,
        method = %method,
        route = %route,
        status = status.as_u16(),
        elapsed_ms = elapsed.as_millis() as u64,
        "request"
    );
    Ok(res)
}

/// Handler-side access to the envelope's request id and client address.
impl FromRequest for RequestContext {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(context_of(req)))
    }
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned())
}

async fn authenticated(req: HttpRequest) -> Result<Authenticated, ApiError> {
    let state = req.app_data::<web::Data<AppState>>().cloned().ok_or(ApiError::Internal)?;
    let presented = req.headers().contains_key(header::AUTHORIZATION);
    crate::auth::principal::authenticate(&state.db, &state.audit, context_of(&req), bearer(&req), presented).await
}

/// Any live session, from the bearer token.
impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticated(req.clone()))
    }
}

/// A full session, from the bearer token.
impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticated(req).await?.full() })
    }
}

pub fn context_of(req: &HttpRequest) -> RequestContext {
    let ext = req.extensions();
    RequestContext {
        request_id: ext.get::<RequestId>().map(|r| r.0.clone()).unwrap_or_default(),
        client_addr: ext.get::<ClientAddr>().and_then(|c| c.0.clone()),
        actor: None,
    }
}

pub use crate::files::{BODY_IDLE_TIMEOUT, UPLOAD_TIMEOUT, next_chunk};

/// The longest a JSON body (at most 16 MiB, for batches) may take to arrive in full, so that a
/// client trickling a byte now and then cannot hold a request open either.
pub const JSON_BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// A JSON body: requires `application/json`, enforces the configured size limit, rejects
/// unknown fields (the DTOs say `deny_unknown_fields`) and names the failing field on error.
///
/// Extraction itself never fails: the body's problem, if any, is returned by `into_inner`,
/// which a handler calls after its other extractors (above all the caller's identity) have
/// succeeded. So an unauthenticated request is always answered 401, never with feedback on a
/// body it had no right to submit, whatever order actix resolves the extractors in.
pub struct Json<T>(Result<T, ApiError>);

/// A JSON body for bulk endpoints (batch submission): 16 times the configured limit. Once read,
/// it waits for one of the server's bulk permits before it is parsed, and keeps the permit until
/// dropped: only as many bulk bodies are parsed and processed at once as there are cores (each
/// holds several MB as parsed JSON and prepared cases), however many clients send one.
pub struct BulkJson<T>(Result<T, ApiError>, Option<tokio::sync::OwnedSemaphorePermit>);

impl<T> Json<T> {
    pub fn into_inner(self) -> Result<T, ApiError> {
        self.0
    }
}

impl<T> BulkJson<T> {
    /// The body, and the bulk permit to hold while processing it.
    pub fn into_inner(self) -> Result<(T, Option<tokio::sync::OwnedSemaphorePermit>), ApiError> {
        let BulkJson(body, permit) = self;
        body.map(|b| (b, permit))
    }
}

fn json_body<T: DeserializeOwned + utoipa::ToSchema + 'static>(
    req: &HttpRequest,
    payload: &mut Payload,
    factor: usize,
) -> Pin<Box<dyn Future<Output = Result<T, ApiError>>>> {
    let body = read_json_body(req, payload, factor);
    Box::pin(async move { parse_json(&body.await?) })
}

/// Read a JSON body (media type, size limit and time limit checked), unparsed.
fn read_json_body(
    req: &HttpRequest,
    payload: &mut Payload,
    factor: usize,
) -> Pin<Box<dyn Future<Output = Result<web::BytesMut, ApiError>>>> {
    let content_type = req.headers().get(header::CONTENT_TYPE);
    // No body at all (no type, nothing sent) reads as `{}`, so that the answer names the
    // required fields (e.g. a retraction's `reason`) instead of the media type.
    let untyped = content_type.is_none();
    let is_json = content_type
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            let mime = v.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
        .unwrap_or(false);
    let limit =
        req.app_data::<web::Data<crate::state::AppState>>().map(|s| s.settings.max_body_bytes).unwrap_or(1024 * 1024)
            * factor;
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    let mut stream = payload.take();
    let deadline = tokio::time::Instant::now() + JSON_BODY_TIMEOUT;
    Box::pin(async move {
        if untyped && declared.unwrap_or(0) == 0 {
            let mut sent = 0;
            while let Some(chunk) = next_chunk(&mut stream, deadline).await? {
                sent += chunk.map(|c| c.len()).unwrap_or(1);
                if sent > 0 {
                    break;
                }
            }
            return if sent == 0 { Ok(web::BytesMut::from(&b"{}"[..])) } else { Err(ApiError::UnsupportedMediaType) };
        }
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        if declared.is_some_and(|n| n > limit) {
            return Err(ApiError::PayloadTooLarge);
        }
        let mut body = web::BytesMut::with_capacity(declared.unwrap_or(1024).min(limit));
        while let Some(chunk) = next_chunk(&mut stream, deadline).await? {
            let chunk = chunk.map_err(|_| {
                ApiError::Malformed(vec![FieldError::new(
                    "",
                    "unreadable_body",
                    "the body could not be read",
                    "no se pudo leer el cuerpo",
                )])
            })?;
            if body.len() + chunk.len() > limit {
                return Err(ApiError::PayloadTooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    })
}

impl<T: DeserializeOwned + utoipa::ToSchema + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = json_body::<T>(req, payload, 1);
        Box::pin(async move { Ok(Json(body.await)) })
    }
}

impl<T: DeserializeOwned + utoipa::ToSchema + 'static> FromRequest for BulkJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_json_body(req, payload, 16);
        let permits = req.app_data::<web::Data<crate::state::AppState>>().map(|s| s.bulk_permits.clone());
        Box::pin(async move {
            let body = match body.await {
                Ok(body) => body,
                Err(e) => return Ok(BulkJson(Err(e), None)),
            };
            // Extraction never fails (see `Json`): a closed semaphore is the body's problem too.
            let permit = match permits {
                Some(p) => match p.acquire_owned().await {
                    Ok(permit) => Some(permit),
                    Err(_) => return Ok(BulkJson(Err(ApiError::Unavailable), None)),
                },
                None => None,
            };
            Ok(BulkJson(parse_json(&body), permit))
        })
    }
}

/// Deserialize JSON, naming every failing field on error.
///
/// JSON has one number type: `3.0` is the integer 3 (and JSON Schema's `integer` admits it), so
/// an integer field given a whole number with a fraction or exponent (`3.0`, `3e0`) takes it as
/// that integer. Only when the plain reading fails on such a number is the body re-read with
/// those numbers spelled as integers; everything else is read exactly as sent.
///
/// A body that is not JSON at all is 400 `malformed-request`. A JSON body that does not fit its
/// type is 422 `validation` naming every member that does not (read off the published schema of
/// `T` by `shape`), not only the first one the parser met.
pub fn parse_json<T: DeserializeOwned + utoipa::ToSchema>(bytes: &[u8]) -> Result<T, ApiError> {
    let first = match parse_json_as_sent(bytes) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let failure = match (first.float_for_integer, whole_numbers_as_integers(bytes)) {
        (true, Some(respelled)) => match parse_json_as_sent(&respelled) {
            Ok(v) => return Ok(v),
            Err(e) => e,
        },
        _ => first,
    };
    if failure.syntax {
        return Err(failure.error);
    }
    // A body the generic reading refuses (nesting beyond its limit) is not one anyone writes.
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return Err(ApiError::Malformed(vec![FieldError::new(
            "",
            "invalid_json",
            "the body is nested too deeply to be read",
            "el cuerpo tiene demasiados niveles de anidamiento para leerlo",
        )]));
    };
    let problems = crate::api::shape::body_problems(&T::name(), &value);
    Err(if problems.is_empty() { failure.error } else { ApiError::Validation(problems) })
}

struct JsonError {
    error: ApiError,
    /// The body is not JSON at all (as opposed to JSON of the wrong shape).
    syntax: bool,
    /// serde refused a number with a fraction or exponent where it wanted an integer.
    float_for_integer: bool,
}

use crate::json::EXACT_F64_INTEGERS;
pub use crate::json::whole_numbers;

/// The body with every whole number written with a fraction or exponent (`787.0`, `7.87e2`)
/// respelled as an integer (`787`), or `None` if there is none. Strings are left untouched.
fn whole_numbers_as_integers(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    let (mut i, mut changed) = (0, false);
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'"' {
            // Copy the whole string, escapes included.
            let start = i;
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(bytes.len());
            out.extend_from_slice(&bytes[start..i]);
        } else if b == b'-' || b.is_ascii_digit() {
            let start = i;
            while i < bytes.len() && matches!(bytes[i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
                i += 1;
            }
            let token = &bytes[start..i];
            let whole = token
                .iter()
                .any(|c| matches!(c, b'.' | b'e' | b'E'))
                .then(|| std::str::from_utf8(token).ok()?.parse::<f64>().ok())
                .flatten()
                .filter(|v| v.is_finite() && v.fract() == 0.0 && v.abs() <= EXACT_F64_INTEGERS);
            match whole {
                Some(v) => {
                    out.extend_from_slice((v as i64).to_string().as_bytes());
                    changed = true;
                }
                None => out.extend_from_slice(token),
            }
        } else {
            out.push(b);
            i += 1;
        }
    }
    changed.then_some(out)
}

fn parse_json_as_sent<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = inner.to_string();
        let field = if path == "." { String::new() } else { path };
        let float_for_integer = message.starts_with("invalid type: floating point");
        // Nesting beyond serde's limit is not a body anyone writes: treated as unreadable.
        if inner.is_syntax() || inner.is_eof() || message.starts_with("recursion limit") {
            let (line, column) = (inner.line(), inner.column());
            let error = ApiError::Malformed(vec![FieldError::new(
                "",
                "invalid_json",
                format!("the body is not valid JSON (line {line}, column {column})"),
                format!("el cuerpo no es JSON válido (línea {line}, columna {column})"),
            )]);
            return JsonError { error, syntax: true, float_for_integer };
        }
        // Only when the published schema finds nothing wrong (it should always find what the
        // parser found): one field, in words of our own.
        let (code, en, es) = if message.starts_with("unknown field") {
            ("unknown_field", "is not a field of this object", "no es un campo de este objeto")
        } else if message.starts_with("missing field") {
            ("required", "is required", "es obligatorio")
        } else if message.starts_with("unknown variant") {
            ("invalid_value", "is not one of the allowed values", "no es uno de los valores admitidos")
        } else {
            ("invalid_type", "has the wrong type", "tiene un tipo de dato incorrecto")
        };
        JsonError {
            error: ApiError::Validation(vec![FieldError::new(field, code, en, es)]),
            syntax: false,
            float_for_integer,
        }
    })
}

/// The problems of a query string that could not be read into its type: every parameter named
/// (unknown ones, values of the wrong type or outside their list, missing required ones), read
/// off the operation's parameters in the published document.
fn query_error(req: &HttpRequest) -> ApiError {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    let params = req
        .match_pattern()
        .map(|pattern| crate::api::shape::query_parameters(&pattern, req.method().as_str()))
        .unwrap_or_default();
    let problems = crate::api::shape::query_problems(&params, &pairs, true);
    if problems.is_empty() {
        ApiError::Validation(vec![FieldError::new(
            "query",
            "invalid_query",
            "the query parameters could not be read: check their names and values",
            "no se pudieron leer los parámetros de consulta: verifique sus nombres y valores",
        )])
    } else {
        ApiError::Validation(problems)
    }
}

/// Query parameters. Like `Json`, extraction never fails: `into_inner` returns the parameters
/// or their problem, after the handler's identity extractor has answered 401 to a bad caller.
pub struct Query<T>(Result<T, ApiError>);

impl<T> Query<T> {
    pub fn into_inner(self) -> Result<T, ApiError> {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parsed =
            web::Query::<T>::from_query(req.query_string()).map(web::Query::into_inner).map_err(|_| query_error(req));
        std::future::ready(Ok(Query(parsed)))
    }
}

/// Configuration of the built-in extractors so that their errors are problem documents too.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|_, req| query_error(req).into())
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into())
}

/// Default service: no route matched this method and path. If the path is one of the API's
/// (per the OpenAPI document) the method is wrong: 405 with `Allow`; otherwise 404.
pub async fn no_route(req: HttpRequest) -> HttpResponse {
    match crate::api::allowed_methods(req.path()) {
        Some(allow) => {
            let mut resp = ApiError::MethodNotAllowed.error_response();
            if let Ok(v) = HeaderValue::from_str(&allow) {
                resp.headers_mut().insert(header::ALLOW, v);
            }
            resp
        }
        None => ApiError::NoRoute.error_response(),
    }
}

/// Render an error now (for code paths outside handlers).
pub fn render(e: &ApiError) -> HttpResponse {
    e.error_response()
}
