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
pub mod reports;
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
            modifiers(&SecurityAddon, &UniqueOperationIds),
        )]
        pub struct ApiDoc;

        /// Register every endpoint.
        pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
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
    audit::list,
    audit::verify,
    cases::create,
    cases::batch,
    cases::list,
    cases::get,
    cases::update,
    cases::retract,
    cases::versions,
    cases::version,
    cases::catalog,
    cases::get_policy,
    cases::put_policy,
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

/// The OpenAPI document as committed in `openapi/openapi.json` (built once).
pub fn openapi_json() -> &'static str {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DOC.get_or_init(build_openapi_json)
}

fn build_openapi_json() -> String {
    let mut doc = ApiDoc::openapi();
    doc.merge(crate::formato::FormatoApi::openapi());
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let mut text = doc.to_pretty_json().unwrap_or_default();
    text.push('\n');
    text
}

/// The methods the API serves on a concrete path (matched against the OpenAPI path templates),
/// e.g. `"GET, PATCH"`, or `None` if no endpoint has this path.
pub fn allowed_methods(path: &str) -> Option<String> {
    static TABLE: std::sync::OnceLock<Vec<(Vec<String>, String)>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        ApiDoc::openapi()
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let methods: Vec<&str> = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, present)| present.then_some(m))
                .collect();
                (template.split('/').map(str::to_owned).collect(), methods.join(", "))
            })
            .collect()
    });
    let segments: Vec<&str> = path.split('/').collect();
    table
        .iter()
        .filter(|(t, _)| {
            t.len() == segments.len()
                && t.iter().zip(&segments).all(|(t, s)| (t.starts_with('{') && !s.is_empty()) || t == s)
        })
        .map(|(_, m)| m.clone())
        .reduce(|a, b| format!("{a}, {b}"))
        .map(|all| {
            // Several templates can match one path (`/directory/stale` and `/directory/{id}`):
            // each method once.
            let mut seen = Vec::new();
            for m in all.split(", ") {
                if !seen.contains(&m) {
                    seen.push(m);
                }
            }
            seen.join(", ")
        })
}
