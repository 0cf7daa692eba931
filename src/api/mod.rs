//! The HTTP API: thin handlers (extract, call a service, return) and their OpenAPI description.
//! `api_routes!` lists every endpoint once; it both registers the handlers with actix and lists
//! them in the OpenAPI document, so the served routes and the document cannot drift apart.

pub mod health;

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
            modifiers(&SecurityAddon),
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

/// The OpenAPI document as committed in `openapi/openapi.json` (built once).
pub fn openapi_json() -> &'static str {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DOC.get_or_init(build_openapi_json)
}

fn build_openapi_json() -> String {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let mut text = doc.to_pretty_json().unwrap_or_default();
    text.push('\n');
    text
}
