//! The web console (issue #19): the private area for people, served by the same binary at `/`.
//!
//! Pages are rendered on the server (maud templates escape every value) from what the API's
//! own read paths return — the same services, the same `access` decisions, the same audit
//! events — so the console decides nothing about what a caller may see; it formats it. A
//! person's session is a row of the sessions table reached through a `__Host-` cookie
//! (`session`); every form carries a CSRF token; the strict Content-Security-Policy holds (no
//! inline script or style; the stylesheet and script are served from the binary). Every flow
//! works without JavaScript.

pub mod assets;
mod chart;
mod i18n;
mod layout;
mod pages;
mod render;
pub mod session;

use actix_web::web;

/// The console's routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    use pages::*;
    cfg.service(assets::asset)
        .service(home::home)
        .service(home::mark_read)
        .service(account::sign_in_form)
        .service(account::sign_in)
        .service(account::sign_out)
        .service(account::sign_out_everywhere)
        .service(account::password_form)
        .service(account::password)
        .service(account::mfa_form)
        .service(account::mfa)
        .service(account::account)
        .service(account::language)
        .service(cases::list)
        .service(case_form::new_form)
        .service(case_form::create)
        .service(case_form::edit_form)
        .service(case_form::update)
        .service(cases::show)
        .service(cases::retract)
        .service(cases::versions)
        .service(cases::version_diff)
        .service(alerts::list)
        .service(alerts::show)
        .service(alerts::image)
        .service(registry::directory)
        .service(registry::entry_requirements)
        .service(registry::reports)
        .service(registry::report_file)
        .service(statistics::page)
        .service(statistics::csv)
        .service(policy::page)
        .service(policy::submit)
        .service(legislation::page)
        .service(legislation::csv)
        .service(parties::list)
        .service(parties::create)
        .service(parties::change)
        .service(users::list)
        .service(users::create)
        .service(users::show)
        .service(users::change)
        .service(audit::page);
}
