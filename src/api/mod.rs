//! The HTTP API: thin handlers (extract, call a service, return) and their OpenAPI description.
//! `api_routes!` lists every endpoint once; it both registers the handlers with actix and lists
//! them in the OpenAPI document, so the served routes and the document cannot drift apart.

pub mod admin;
pub mod alerts;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod directory;
pub mod entry_requirements;
pub mod false_passport_reports;
pub mod feed;
pub mod health;
pub mod http;
pub mod legislation;
pub mod matches;
pub mod policies;
pub mod recoveries;
pub mod reports;
pub mod requests;
pub mod schemas;
pub mod shape;
pub mod statistics;
pub mod support;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::{FieldError, Problem};

macro_rules! api_routes {
    ($($module:ident :: $handler:ident),* $(,)?) => {
        #[derive(OpenApi)]
        #[openapi(
            info(
                title = "enlace",
                description = "Secure case-information exchange of the Regional Conference on Migration (CRM) \
                    network of liaison officers against trafficking in persons and migrant smuggling. \
                    Errors are RFC 9457 problem documents (application/problem+json).",
                license(name = "Apache-2.0"),
            ),
            paths($($module::$handler),*),
            components(schemas(Problem, FieldError)),
            modifiers(&SecurityAddon, &UniqueOperationIds, &ProblemResponses),
        )]
        pub struct ApiDoc;

        /// Register every endpoint.
        pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
            shadowed_literal_paths(cfg);
            $(cfg.service($module::$handler);)*
        }
    };
}

// Order matters for speed only: actix tries the routes in this order (and again to name the
// matched route in the request log), each templated one by a regular expression, so the cases —
// most of the traffic, foreign reads above all — come first. Literal paths that a template also
// matches come before it (`/api/v1/directory/stale` before `/api/v1/directory/{id}`).
api_routes![
    cases::create,
    cases::batch,
    cases::list,
    cases::get,
    cases::update,
    cases::retract,
    cases::versions,
    cases::version,
    cases::catalog,
    health::healthz,
    health::readyz,
    health::openapi_json,
    auth::login,
    auth::refresh,
    auth::logout,
    auth::me,
    auth::change_password,
    auth::enrol_totp,
    auth::verify_totp,
    auth::jwks,
    admin::list_parties,
    admin::create_party,
    admin::get_party,
    admin::update_party,
    admin::list_users,
    admin::create_user,
    admin::get_user,
    admin::update_user,
    admin::reset_password,
    admin::end_sessions,
    recoveries::list_recoveries,
    recoveries::request_recovery,
    recoveries::get_recovery,
    recoveries::approve_recovery,
    recoveries::cancel_recovery,
    recoveries::complete_recovery,
    audit::list,
    audit::verify,
    audit::keys,
    audit::checkpoint,
    audit::checkpoints,
    audit::inclusion,
    audit::consistency,
    audit::cosign,
    audit::register_witness,
    audit::retire_witness,
    policies::get_policy,
    policies::put_policy,
    policies::policy_versions,
    policies::policy_version,
    statistics::table,
    statistics::routes,
    statistics::false_passports,
    false_passport_reports::put,
    false_passport_reports::get,
    false_passport_reports::remove,
    alerts::create,
    alerts::list,
    alerts::get,
    alerts::update,
    alerts::withdraw,
    alerts::add_image,
    alerts::list_images,
    alerts::get_image,
    alerts::delete_image,
    directory::list,
    directory::stale,
    directory::create,
    directory::get,
    directory::update,
    directory::verify,
    directory::remove,
    entry_requirements::list,
    entry_requirements::create,
    entry_requirements::get,
    entry_requirements::update,
    entry_requirements::remove,
    legislation::matrix,
    legislation::rounds,
    legislation::open_round,
    legislation::get_round,
    legislation::close_round,
    legislation::confirm,
    legislation::get_entry,
    legislation::put_entry,
    legislation::entry_versions,
    reports::upload,
    reports::list,
    reports::get,
    reports::download,
    reports::publish,
    reports::remove,
    matches::query,
    matches::hits,
    feed::read,
    requests::open,
    requests::list,
    requests::get,
    requests::message,
    requests::act,
];

struct SecurityAddon;

impl Modify for SecurityAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// OpenAPI requires unique operation ids; utoipa takes them from handler names, which repeat
/// across modules (`get`, `update`, …). A repeated id is qualified with its tag: `cases_get`.
struct UniqueOperationIds;

impl Modify for UniqueOperationIds {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let mut seen = std::collections::BTreeMap::<String, usize>::new();
        for item in openapi.paths.paths.values() {
            for op in [&item.get, &item.put, &item.post, &item.delete, &item.patch].into_iter().flatten() {
                if let Some(id) = &op.operation_id {
                    *seen.entry(id.clone()).or_default() += 1;
                }
            }
        }
        for item in openapi.paths.paths.values_mut() {
            for op in
                [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
            {
                let Some(id) = op.operation_id.clone() else { continue };
                if seen.get(&id).copied().unwrap_or(0) > 1 {
                    let tag = op.tags.as_ref().and_then(|t| t.first()).cloned().unwrap_or_default();
                    op.operation_id = Some(format!("{}_{id}", tag.replace('-', "_")));
                }
            }
        }
    }
}

/// The error responses of every operation, added by rule from what the operation is (handlers
/// declare only the refusals of their own domain, such as 409 or 429, and may word any response
/// more precisely; a rule never replaces what a handler wrote):
/// - 400: a body that is not JSON at all;
/// - 401: every operation that needs a bearer token;
/// - 403: every one of those that needs a full session (a session restricted to changing the
///   password or enrolling a second factor is refused), and any the caller's roles exclude;
/// - 404: every operation on an object named in the path (absent and hidden look the same),
///   except a `PUT` that creates what is absent (it answers 201);
/// - 408, 413: every operation with a body (time and size limits);
/// - 415: a body not of the declared type, before anything else (no body at all reads as `{}`,
///   answered 422 naming the required fields);
/// - 412, 428: an `If-Match` that matches nothing, or that a replacement requires and lacks;
/// - 422: a JSON body or query parameters with a problem of type, value, format or rule
///   (every failing field named);
/// - 503 with `Retry-After`: every operation that uses the database (all but `NO_DATABASE`),
///   while it is unreachable or refuses writes.
struct ProblemResponses;

/// Operations answered without the database (static documents and liveness).
const NO_DATABASE: [(&str, &str); 3] =
    [("get", "/healthz"), ("get", "/api/v1/formato"), ("get", "/api/v1/openapi.json")];

/// The 503 of an operation that uses the database, with its `Retry-After` header.
fn unavailable_response() -> utoipa::openapi::Response {
    use utoipa::openapi::header::HeaderBuilder;
    use utoipa::openapi::{ObjectBuilder, RefOr, Type};
    let mut r = problem_response(
        "The database is unreachable or refuses writes (full disk): nothing was changed; retry after `Retry-After` seconds",
    );
    let header = HeaderBuilder::new()
        .schema(Some(RefOr::T(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).into())))
        .description(Some("Seconds to wait before retrying"))
        .build();
    r.headers.insert("Retry-After".into(), RefOr::T(header));
    r
}

/// Operations a restricted session may call (they take `Authenticated`, not `Principal`).
const ANY_SESSION: [(&str, &str); 5] = [
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/me"),
    ("post", "/api/v1/me/password"),
    ("post", "/api/v1/me/mfa/totp"),
    ("post", "/api/v1/me/mfa/totp/verify"),
];

fn problem_response(description: &str) -> utoipa::openapi::Response {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
        )
        .build()
}

/// A query parameter or header is a string or absent, never JSON `null`: `Option<T>` means "may
/// be omitted" there, so the `null` alternative utoipa adds for options is dropped.
fn without_null(
    schema: utoipa::openapi::RefOr<utoipa::openapi::Schema>,
) -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    use utoipa::openapi::schema::{SchemaType, Type};
    use utoipa::openapi::{RefOr, Schema};
    let is_null =
        |s: &RefOr<Schema>| matches!(s, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Null));
    match schema {
        RefOr::T(Schema::Object(mut o)) => {
            if let SchemaType::Array(types) = &o.schema_type {
                let rest: Vec<Type> = types.iter().filter(|t| **t != Type::Null).cloned().collect();
                o.schema_type = match rest.as_slice() {
                    [one] => SchemaType::Type(one.clone()),
                    _ => SchemaType::Array(rest),
                };
            }
            RefOr::T(Schema::Object(o))
        }
        RefOr::T(Schema::OneOf(mut one)) if one.items.iter().any(is_null) => {
            one.items.retain(|s| !is_null(s));
            if one.items.len() == 1 { one.items.remove(0) } else { RefOr::T(Schema::OneOf(one)) }
        }
        other => other,
    }
}

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::RefOr;
        use utoipa::openapi::path::ParameterIn;
        for (path, item) in openapi.paths.paths.iter_mut() {
            let ops = [
                ("get", &mut item.get),
                ("put", &mut item.put),
                ("post", &mut item.post),
                ("delete", &mut item.delete),
                ("patch", &mut item.patch),
            ];
            for (method, op) in ops {
                let Some(op) = op.as_mut() else { continue };
                for p in op.parameters.iter_mut().flatten() {
                    if let RefOr::T(p) = p
                        && matches!(p.parameter_in, ParameterIn::Query | ParameterIn::Header)
                        && let Some(schema) = p.schema.take()
                    {
                        p.schema = Some(without_null(schema));
                    }
                }
                let key = (method, path.as_str());
                let json_body =
                    matches!(&op.request_body, Some(RefOr::T(b)) if b.content.contains_key("application/json"));
                let params: Vec<&utoipa::openapi::path::Parameter> = op
                    .parameters
                    .iter()
                    .flatten()
                    .filter_map(|p| match p {
                        RefOr::T(p) => Some(p),
                        RefOr::Ref(_) => None,
                    })
                    .collect();
                let query = params.iter().any(|p| p.parameter_in == ParameterIn::Query);
                let in_path = params.iter().any(|p| p.parameter_in == ParameterIn::Path);
                let if_match =
                    params.iter().copied().find(|p| p.parameter_in == ParameterIn::Header && p.name == "If-Match");
                let if_match_required = if_match.is_some_and(|p| p.required == utoipa::openapi::Required::True);
                let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
                let creates_at_path = method == "put" && op.responses.responses.contains_key("201");
                let rules: [(bool, &str, &str); 10] = [
                    (json_body, "400", "Malformed request: the body is not JSON"),
                    (secured, "401", "No valid bearer token (missing, expired, signed out, user or party disabled)"),
                    (
                        secured && !ANY_SESSION.contains(&key),
                        "403",
                        "Not allowed to the caller's party or roles, or the session is restricted to changing the password or enrolling a second factor",
                    ),
                    (
                        in_path && !creates_at_path,
                        "404",
                        "Not found, or not visible to the caller (the same answer either way)",
                    ),
                    (
                        op.request_body.is_some(),
                        "408",
                        "The body did not arrive in time (nothing for 10 s, or not complete in time); the connection is closed",
                    ),
                    (
                        if_match.is_some(),
                        "412",
                        "`If-Match` names none of the current entity tags: the resource changed",
                    ),
                    (op.request_body.is_some(), "413", "The body is larger than this operation accepts"),
                    (
                        op.request_body.is_some(),
                        "415",
                        if json_body {
                            "The body is missing or not `application/json` (415 comes before any other check of the body)"
                        } else {
                            "The body is missing or not of a type this operation accepts"
                        },
                    ),
                    (
                        json_body || query,
                        "422",
                        "Invalid content: every failing field or parameter (type, value, format, rule) named in `errors`, in Spanish and English",
                    ),
                    (if_match_required, "428", "`If-Match` is required: send the ETag of the version being replaced"),
                ];
                let responses = &mut op.responses.responses;
                for (applies, status, description) in rules {
                    if applies {
                        responses.entry(status.into()).or_insert_with(|| RefOr::T(problem_response(description)));
                    }
                }
                if !NO_DATABASE.contains(&key) {
                    responses.entry("503".into()).or_insert_with(|| RefOr::T(unavailable_response()));
                }
                // Responses a handler declared without words get the rule's, or the status's.
                for (status, response) in responses.iter_mut() {
                    if let RefOr::T(r) = response
                        && r.description.is_empty()
                    {
                        r.description = default_description(status).to_owned();
                    }
                }
            }
        }
    }
}

/// The wording of a response a handler declared without a description.
fn default_description(status: &str) -> &'static str {
    match status {
        "200" => "OK",
        "201" => "Created",
        "204" => "Done; no content",
        "400" => "Malformed request: the body is not JSON",
        "401" => "No valid bearer token (missing, expired, signed out, user or party disabled)",
        "403" => "Not allowed to the caller's party or roles",
        "404" => "Not found, or not visible to the caller (the same answer either way)",
        "409" => "Conflicts with the current state of the resource (the problem type names which)",
        "412" => "`If-Match` names none of the current entity tags: the resource changed",
        "413" => "The body is larger than this operation accepts",
        "415" => "The body is missing or not of a type this operation accepts",
        "422" => "Invalid content: every failing field named in `errors`, in Spanish and English",
        "428" => "`If-Match` is required: send the ETag of the version being replaced",
        "429" => "Too many requests: retry after `Retry-After` seconds",
        "503" => "Not ready",
        _ => "See the problem document",
    }
}

/// The OpenAPI document as committed in `openapi/openapi.json` (built once).
pub fn openapi_json() -> &'static str {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DOC.get_or_init(build_openapi_json)
}

fn build_openapi_json() -> String {
    let mut doc = ApiDoc::openapi();
    doc.merge(crate::formato::FormatoApi::openapi());
    let modifiers: [&dyn Modify; 6] = [
        &schemas::FormatoConstraints,
        &schemas::AlertSchemas,
        &schemas::CodeLists,
        &schemas::StatisticsParameters,
        &schemas::NamedCodeLists,
        &schemas::BinaryBodies,
    ];
    for m in modifiers {
        m.modify(&mut doc);
    }
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let mut text = doc.to_pretty_json().unwrap_or_default();
    text.push('\n');
    text
}

/// The method table of the API: each path template (split into segments) with its methods.
fn method_table() -> &'static [(Vec<String>, Vec<&'static str>)] {
    static TABLE: std::sync::OnceLock<Vec<(Vec<String>, Vec<&'static str>)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        ApiDoc::openapi()
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let methods: Vec<&'static str> = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, present)| present.then_some(m))
                .collect();
                (template.split('/').map(str::to_owned).collect(), methods)
            })
            .collect()
    })
}

fn template_matches(template: &[String], segments: &[&str]) -> bool {
    template.len() == segments.len()
        && template.iter().zip(segments).all(|(t, s)| (t.starts_with('{') && !s.is_empty()) || t == s)
}

/// The methods the API serves on a concrete path (matched against the OpenAPI path templates),
/// e.g. `"GET, PATCH"`, or `None` if no endpoint has this path. As in OpenAPI, a template without
/// parameters that equals the path wins over templated ones: `/directory/stale` is `GET` only,
/// not also the `PUT` and `DELETE` of `/directory/{id}`.
pub fn allowed_methods(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    let table = method_table();
    if let Some((_, methods)) =
        table.iter().find(|(t, _)| t.iter().zip(&segments).all(|(t, s)| t == s) && t.len() == segments.len())
    {
        return Some(methods.join(", "));
    }
    let mut seen: Vec<&str> = Vec::new();
    for (_, methods) in table.iter().filter(|(t, _)| template_matches(t, &segments)) {
        for m in methods {
            if !seen.contains(m) {
                seen.push(m);
            }
        }
    }
    (!seen.is_empty()).then(|| seen.join(", "))
}

/// A literal path that a templated one also matches (`/api/v1/directory/stale` and
/// `/api/v1/directory/{id}`) answers the literal's methods only: any other method gets 405 with
/// its `Allow`, instead of falling through to the templated route with `stale` as an id.
fn shadowed_literal_paths(cfg: &mut actix_web::web::ServiceConfig) {
    use actix_web::{guard, web};
    let table = method_table();
    for (literal, methods) in table.iter().filter(|(t, _)| !t.iter().any(|s| s.starts_with('{'))) {
        let segments: Vec<&str> = literal.iter().map(String::as_str).collect();
        if !table.iter().any(|(t, _)| t != literal && template_matches(t, &segments)) {
            continue;
        }
        let methods = methods.clone();
        cfg.service(
            web::resource(literal.join("/"))
                .guard(guard::fn_guard(move |ctx| !methods.contains(&ctx.head().method.as_str())))
                .to(crate::api::http::no_route),
        );
    }
}
