//! The one error type of the HTTP API and its rendering as RFC 9457 `application/problem+json`.
//!
//! Policy: handlers and services return `ApiError`. Each variant has a stable problem `type`
//! (`urn:enlace:problem:<slug>`), a status, and a detail in Spanish and English; the language is
//! chosen by the `http` middleware from `Accept-Language`, which also adds the request id.
//! Internal causes (SQL, I/O, library errors) are logged with the request id and never sent to
//! the client. A resource the caller may not see is `NotFound`, exactly like a missing one.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// One failing field of a request body or query.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FieldError {
    /// Path of the field in the request, e.g. `persons[2].date_of_birth`.
    pub field: String,
    /// Stable machine-readable reason, e.g. `required`, `invalid_date`, `unknown_field`.
    pub code: String,
    /// Human-readable reason (English).
    pub message: String,
    /// Human-readable reason (Spanish).
    pub message_es: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &str, en: impl Into<String>, es: impl Into<String>) -> Self {
        FieldError { field: field.into(), code: code.to_owned(), message: en.into(), message_es: es.into() }
    }
}

/// `Retry-After` of a 503: about how long a node takes to reconnect once the database is back.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 2;

#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// The body is not well-formed JSON or does not have the expected shape.
    #[error("malformed request")]
    Malformed(Vec<FieldError>),
    /// The body is well-formed but its content is invalid.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("authentication required")]
    Unauthorized,
    /// The password was right; the second factor was missing, wrong or already used (401). Only
    /// a caller who gave the right password learns this.
    #[error("second factor")]
    SecondFactor(SecondFactor),
    #[error("forbidden")]
    Forbidden,
    /// The account must first enrol MFA or change its password.
    #[error("restricted session")]
    RestrictedSession(&'static str),
    #[error("not found")]
    NotFound,
    #[error("route not found")]
    NoRoute,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("conflict")]
    Conflict(&'static str),
    #[error("precondition failed")]
    PreconditionFailed,
    #[error("precondition required")]
    PreconditionRequired,
    #[error("payload too large")]
    PayloadTooLarge,
    /// The body did not arrive in time (a stalled or trickling client).
    #[error("request timeout")]
    RequestTimeout,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("idempotency key reused with a different request")]
    IdempotencyMismatch,
    #[error("too many requests")]
    TooManyRequests { retry_after: u64 },
    #[error("service unavailable")]
    Unavailable,
    /// Refused by a rule of the exchange that has a problem type of its own.
    #[error("refused: {0:?}")]
    Rule(Rule),
    #[error("internal error")]
    Internal,
}

/// Why a sign-in with the right password was still refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondFactor {
    /// No code was sent for an account with a second factor.
    Required,
    /// The code is not the current one (nor the one before or after).
    Invalid,
    /// The code was already used to sign in or to enrol: each code is accepted once.
    Used,
}

/// Rules of the exchange whose refusals say which rule refused, so that the caller knows what
/// to do instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// The ST may not grant access to a member country's cases (403).
    CountryGrantsAccess,
    /// The ST creates a member country's first administrators only before its onboarding ends (403).
    CountryOnboarded,
    /// A recovery is only for an onboarded country, and completes only once it has no active
    /// administrator (409).
    RecoveryNotNeeded,
    /// The country already has an open recovery (409).
    RecoveryOpen,
    /// A recovery is approved by a second ST administrator, not by the one who requested it (403).
    RecoverySecondAdministrator,
    /// A recovery must be approved before it can be completed (409).
    RecoveryNotApproved,
    /// A recovery completes only after its waiting period (409).
    RecoveryWaiting,
    /// The recovery was already cancelled or completed (409).
    RecoveryClosed,
    /// A legislation update round is already open (409).
    LegislationRoundOpen,
    /// The legislation update round was already closed (409).
    LegislationRoundClosed,
}

impl Rule {
    fn status(self) -> StatusCode {
        match self {
            Rule::CountryGrantsAccess | Rule::CountryOnboarded | Rule::RecoverySecondAdministrator => {
                StatusCode::FORBIDDEN
            }
            Rule::RecoveryNotNeeded
            | Rule::RecoveryOpen
            | Rule::RecoveryNotApproved
            | Rule::RecoveryWaiting
            | Rule::RecoveryClosed
            | Rule::LegislationRoundOpen
            | Rule::LegislationRoundClosed => StatusCode::CONFLICT,
        }
    }

    /// (slug, title in English, title in Spanish, detail in English, detail in Spanish)
    fn describe(self) -> (&'static str, &'static str, &'static str, &'static str, &'static str) {
        match self {
            Rule::CountryGrantsAccess => (
                "country-grants-access",
                "Only the country grants access",
                "Solo el país otorga acceso",
                "Only a member country's own administrators grant access to it: they create its users, grant \
                 and remove its roles, and reset its users' passwords and second factors. The Technical \
                 Secretariat may disable a country's user or end its sessions.",
                "Solo los administradores de un país miembro otorgan acceso a él: crean sus usuarios, otorgan y \
                 retiran sus roles y restablecen las contraseñas y los segundos factores de sus usuarios. La \
                 Secretaría Técnica puede deshabilitar a un usuario del país o cerrar sus sesiones.",
            ),
            Rule::CountryOnboarded => (
                "country-onboarded",
                "Country already onboarded",
                "País ya incorporado",
                "This country has completed its onboarding: only its own administrators create its users. If \
                 it has lost every administrator, use the recovery procedure.",
                "Este país ya completó su incorporación: solo sus propios administradores crean sus usuarios. \
                 Si perdió a todos sus administradores, use el procedimiento de recuperación.",
            ),
            Rule::RecoveryNotNeeded => (
                "recovery-not-needed",
                "Recovery not needed",
                "Recuperación no procedente",
                "A recovery is only for an onboarded member country with no active administrator: this one has \
                 not been onboarded yet (the ST creates its first administrators directly), or still has an \
                 active administrator (who creates users; disable accounts whose credentials were lost first).",
                "Una recuperación solo procede para un país miembro incorporado sin ningún administrador activo: \
                 este aún no ha sido incorporado (la ST crea directamente sus primeros administradores) o aún \
                 tiene un administrador activo (que crea los usuarios; deshabilite antes las cuentas cuyas \
                 credenciales se perdieron).",
            ),
            Rule::RecoveryOpen => (
                "recovery-open",
                "Recovery already open",
                "Recuperación ya abierta",
                "This country already has an open recovery: approve, cancel or complete that one.",
                "Este país ya tiene una recuperación abierta: apruebe, cancele o complete esa.",
            ),
            Rule::RecoverySecondAdministrator => (
                "recovery-second-administrator",
                "Second administrator required",
                "Se requiere un segundo administrador",
                "A recovery is approved by a second ST administrator, not by the one who requested it.",
                "Una recuperación la aprueba un segundo administrador de la ST, no quien la solicitó.",
            ),
            Rule::RecoveryNotApproved => (
                "recovery-not-approved",
                "Recovery not approved",
                "Recuperación no aprobada",
                "The recovery must first be approved by a second ST administrator.",
                "La recuperación debe ser aprobada primero por un segundo administrador de la ST.",
            ),
            Rule::RecoveryWaiting => (
                "recovery-waiting",
                "Waiting period not over",
                "Período de espera no cumplido",
                "The recovery can be completed only after its waiting period (`effective_at`), during which \
                 the country's administrators may cancel it.",
                "La recuperación solo puede completarse al terminar su período de espera (`effective_at`), \
                 durante el cual los administradores del país pueden cancelarla.",
            ),
            Rule::RecoveryClosed => (
                "recovery-closed",
                "Recovery closed",
                "Recuperación cerrada",
                "This recovery was already cancelled or completed.",
                "Esta recuperación ya fue cancelada o completada.",
            ),
            Rule::LegislationRoundOpen => (
                "legislation-round-open",
                "Update round already open",
                "Ronda de actualización ya abierta",
                "An update round of the legislation matrix is already open: close it before opening another.",
                "Ya hay una ronda de actualización de la matriz de legislación abierta: ciérrela antes de abrir \
                 otra.",
            ),
            Rule::LegislationRoundClosed => (
                "legislation-round-closed",
                "Update round closed",
                "Ronda de actualización cerrada",
                "This update round of the legislation matrix is closed: it takes no more confirmations.",
                "Esta ronda de actualización de la matriz de legislación está cerrada: ya no admite \
                 confirmaciones.",
            ),
        }
    }
}

impl ApiError {
    pub fn field(field: &str, code: &str, en: &str, es: &str) -> Self {
        ApiError::Validation(vec![FieldError::new(field, code, en, es)])
    }

    /// (slug, title in English, title in Spanish, detail in English, detail in Spanish)
    fn describe(&self) -> (&'static str, &'static str, &'static str, &'static str, &'static str) {
        match self {
            ApiError::Rule(rule) => rule.describe(),
            ApiError::Malformed(_) => (
                "malformed-request",
                "Malformed request",
                "Solicitud mal formada",
                "The request could not be read: see `errors` for the failing fields.",
                "No se pudo leer la solicitud: consulte `errors` para los campos con error.",
            ),
            ApiError::Validation(_) => (
                "validation",
                "Validation failed",
                "Validación fallida",
                "The request contains invalid values: see `errors` for each failing field.",
                "La solicitud contiene valores no válidos: consulte `errors` para cada campo.",
            ),
            ApiError::Unauthorized => (
                "unauthorized",
                "Authentication required",
                "Autenticación requerida",
                "Valid credentials or a valid access token are required.",
                "Se requieren credenciales válidas o un token de acceso válido.",
            ),
            ApiError::SecondFactor(SecondFactor::Required) => (
                "totp-required",
                "Authenticator code required",
                "Se requiere el código de autenticación",
                "This account signs in with a code from its authenticator app: send it as `totp`.",
                "Esta cuenta inicia sesión con un código de su aplicación de autenticación: envíelo en `totp`.",
            ),
            ApiError::SecondFactor(SecondFactor::Invalid) => (
                "totp-invalid-or-used",
                "Authenticator code not accepted",
                "Código de autenticación no aceptado",
                "The authenticator code is not correct: check the clock of the device and send the code it shows now.",
                "El código de autenticación no es correcto: verifique la hora del dispositivo y envíe el código que muestra ahora.",
            ),
            ApiError::SecondFactor(SecondFactor::Used) => (
                "totp-invalid-or-used",
                "Authenticator code already used",
                "Código de autenticación ya usado",
                "This authenticator code was already used: each code is accepted once. Wait for the next code (at most 30 seconds) and send it.",
                "Este código de autenticación ya se usó: cada código se acepta una sola vez. Espere el siguiente código (30 segundos como máximo) y envíelo.",
            ),
            ApiError::Forbidden => (
                "forbidden",
                "Forbidden",
                "Prohibido",
                "Your roles do not allow this operation.",
                "Sus roles no permiten esta operación.",
            ),
            ApiError::RestrictedSession("mfa_enrolment") => (
                "mfa-enrolment-required",
                "MFA enrolment required",
                "Registro del segundo factor requerido",
                "Enrol a second factor (POST /api/v1/me/mfa/totp) before using the API.",
                "Registre un segundo factor (POST /api/v1/me/mfa/totp) antes de usar la API.",
            ),
            ApiError::RestrictedSession(_) => (
                "password-change-required",
                "Password change required",
                "Cambio de contraseña requerido",
                "Change your password (POST /api/v1/me/password) before using the API.",
                "Cambie su contraseña (POST /api/v1/me/password) antes de usar la API.",
            ),
            ApiError::NotFound => (
                "not-found",
                "Not found",
                "No encontrado",
                "The resource does not exist or is not available to you.",
                "El recurso no existe o no está disponible para usted.",
            ),
            ApiError::NoRoute => (
                "no-route",
                "Not found",
                "No encontrado",
                "No endpoint matches this path.",
                "Ningún servicio corresponde a esta ruta.",
            ),
            ApiError::MethodNotAllowed => (
                "method-not-allowed",
                "Method not allowed",
                "Método no permitido",
                "This endpoint does not support this HTTP method.",
                "Este servicio no admite este método HTTP.",
            ),
            ApiError::Conflict(_) => (
                "conflict",
                "Conflict",
                "Conflicto",
                "The request conflicts with the current state of the resource.",
                "La solicitud entra en conflicto con el estado actual del recurso.",
            ),
            ApiError::PreconditionFailed => (
                "precondition-failed",
                "Precondition failed",
                "Precondición fallida",
                "The resource has changed since you read it (If-Match does not match its ETag).",
                "El recurso cambió desde que lo leyó (If-Match no coincide con su ETag).",
            ),
            ApiError::PreconditionRequired => (
                "precondition-required",
                "Precondition required",
                "Precondición requerida",
                "Send If-Match with the ETag of the version you are updating.",
                "Envíe If-Match con el ETag de la versión que actualiza.",
            ),
            ApiError::PayloadTooLarge => (
                "payload-too-large",
                "Payload too large",
                "Cuerpo demasiado grande",
                "The request body exceeds the size limit of this endpoint.",
                "El cuerpo de la solicitud excede el límite de tamaño de este servicio.",
            ),
            ApiError::RequestTimeout => (
                "request-timeout",
                "Request timeout",
                "Tiempo de solicitud agotado",
                "The request body did not arrive in time; the connection is closed.",
                "El cuerpo de la solicitud no llegó a tiempo; se cierra la conexión.",
            ),
            ApiError::UnsupportedMediaType => (
                "unsupported-media-type",
                "Unsupported media type",
                "Tipo de contenido no admitido",
                "The body is not of an accepted type: JSON endpoints take application/json; uploads are checked by their content.",
                "El cuerpo no es de un tipo admitido: los servicios JSON reciben application/json; los archivos se verifican por su contenido.",
            ),
            ApiError::IdempotencyMismatch => (
                "idempotency-key-reused",
                "Idempotency key reused",
                "Clave de idempotencia reutilizada",
                "This Idempotency-Key was already used with a different request.",
                "Esta Idempotency-Key ya se usó con una solicitud diferente.",
            ),
            ApiError::TooManyRequests { .. } => (
                "too-many-requests",
                "Too many requests",
                "Demasiadas solicitudes",
                "Too many attempts. Retry after the time given in Retry-After.",
                "Demasiados intentos. Reintente después del tiempo indicado en Retry-After.",
            ),
            ApiError::Unavailable => (
                "unavailable",
                "Service unavailable",
                "Servicio no disponible",
                "The service cannot complete the request right now. Retry later.",
                "El servicio no puede completar la solicitud en este momento. Reintente más tarde.",
            ),
            ApiError::Internal => (
                "internal",
                "Internal error",
                "Error interno",
                "An unexpected error occurred. Quote the request id when reporting it.",
                "Ocurrió un error inesperado. Cite el identificador de solicitud al reportarlo.",
            ),
        }
    }

    fn errors(&self) -> &[FieldError] {
        match self {
            ApiError::Malformed(e) | ApiError::Validation(e) => e,
            _ => &[],
        }
    }

    /// Render the problem document in a language (`es` or anything else = English).
    pub fn problem(&self, spanish: bool, request_id: &str) -> Problem {
        let (slug, title_en, title_es, en, es) = self.describe();
        Problem {
            problem_type: format!("urn:enlace:problem:{slug}"),
            title: if spanish { title_es } else { title_en }.to_owned(),
            status: self.status_code().as_u16(),
            detail: if spanish { es } else { en }.to_owned(),
            request_id: request_id.to_owned(),
            errors: self.errors().to_vec(),
        }
    }
}

/// RFC 9457 problem details, as sent on every error.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Stable identifier of the kind of problem, e.g. `urn:enlace:problem:validation`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short summary of the kind of problem, in the language of `detail`.
    pub title: String,
    pub status: u16,
    /// Explanation in Spanish or English, following `Accept-Language`.
    pub detail: String,
    /// The request id (also in the `X-Request-Id` header); quote it when reporting a problem.
    pub request_id: String,
    /// The failing fields, for malformed or invalid requests.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Malformed(_) => StatusCode::BAD_REQUEST,
            ApiError::Validation(_) | ApiError::IdempotencyMismatch => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized | ApiError::SecondFactor(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::RestrictedSession(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound | ApiError::NoRoute => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Rule(rule) => rule.status(),
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut builder = HttpResponse::build(self.status_code());
        match self {
            ApiError::TooManyRequests { retry_after } => {
                builder.insert_header(("Retry-After", retry_after.to_string()));
            }
            // The database or the audit log cannot be reached: worth retrying soon (nodes
            // reconnect by themselves once it is back).
            ApiError::Unavailable => {
                builder.insert_header(("Retry-After", UNAVAILABLE_RETRY_AFTER_SECS.to_string()));
            }
            _ => {}
        }
        if let ApiError::Unauthorized | ApiError::SecondFactor(_) = self {
            builder.insert_header(("WWW-Authenticate", "Bearer"));
        }
        // The `http` middleware re-renders this with the caller's language and the request id.
        builder
            .content_type("application/problem+json")
            .body(serde_json::to_string(&self.problem(false, "")).unwrap_or_default())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => ApiError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => ApiError::Conflict("duplicate"),
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => ApiError::Unavailable,
            Error::DatabaseError(_, info) if info.message().contains("locked") => ApiError::Unavailable,
            // No room to write (SQLite's "database or disk is full", PostgreSQL's "No space left
            // on device") or a database that accepts no writes: the write is rolled back whole,
            // reads go on, and the client may retry once an operator has made room.
            Error::DatabaseError(_, info) if storage_refuses_writes(info.message()) => {
                tracing::error!(error = %info.message(), "the database cannot store writes");
                ApiError::Unavailable
            }
            other => {
                tracing::error!(error = %other, "database error");
                ApiError::Internal
            }
        }
    }
}

fn storage_refuses_writes(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    ["disk is full", "no space left on device", "readonly database", "read-only transaction", "disk i/o error"]
        .iter()
        .any(|s| m.contains(s))
}

pub type ApiResult<T> = Result<T, ApiError>;
