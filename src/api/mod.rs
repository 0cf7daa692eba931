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
pub mod health;
pub mod http;
pub mod policies;
pub mod recoveries;
pub mod reports;
pub mod schemas;
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

api_routes![
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
    cases::create,
    cases::batch,
    cases::list,
    cases::get,
    cases::update,
    cases::retract,
    cases::versions,
    cases::version,
    cases::catalog,
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
    reports::upload,
    reports::list,
    reports::get,
    reports::download,
    reports::publish,
    reports::remove,
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

/// Problems every operation of a kind can answer, documented on each such operation:
/// - a JSON request body that is absent, not declared `application/json` or not JSON at all is
///   refused with 415 before anything else is looked at;
/// - query parameters and JSON bodies that cannot be read (unknown parameters or fields, wrong
///   types) are refused with 400;
/// - a body that stops arriving (nothing for 10 s, or not complete within its time) is answered
///   408 and the connection closed.
struct ProblemResponses;

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
        for item in openapi.paths.paths.values_mut() {
            for op in
                [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
            {
                for p in op.parameters.iter_mut().flatten() {
                    if let RefOr::T(p) = p
                        && matches!(p.parameter_in, ParameterIn::Query | ParameterIn::Header)
                        && let Some(schema) = p.schema.take()
                    {
                        p.schema = Some(without_null(schema));
                    }
                }
                let json_body =
                    matches!(&op.request_body, Some(RefOr::T(b)) if b.content.contains_key("application/json"));
                let query = op
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Query));
                let responses = &mut op.responses.responses;
                if json_body {
                    responses.entry("415".into()).or_insert_with(|| {
                        RefOr::T(problem_response(
                            "The body is missing or not `application/json` (415 comes before any other check of the body)",
                        ))
                    });
                }
                if op.request_body.is_some() {
                    responses.entry("408".into()).or_insert_with(|| {
                        RefOr::T(problem_response(
                            "The body did not arrive in time (nothing for 10 s, or not complete in time); the connection is closed",
                        ))
                    });
                }
                if json_body || query {
                    responses.entry("400".into()).or_insert_with(|| {
                        RefOr::T(problem_response(
                            "Malformed request: unknown or unreadable parameters or fields, each named in `errors`",
                        ))
                    });
                }
            }
        }
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
    let modifiers: [&dyn Modify; 4] =
        [&schemas::FormatoConstraints, &schemas::AlertSchemas, &schemas::CodeLists, &schemas::StatisticsParameters];
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
