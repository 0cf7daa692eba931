//! The web console in a real browser: headless Chromium (Debian's `chromium` and
//! `chromium-driver`; `.ci/run` installs them) driven over WebDriver against the real server on
//! a fresh database. One server and one browser for the whole path, checked on every page: no
//! console error, no CSP violation, no serious or critical axe-core finding, under 150 KB.
//! Screenshots of the main pages land in `target/console-screenshots/` (the README's).

use diesel::prelude::*;
use enlace::access::Role;
use enlace::db::schema;
use serde_json::{Value, json};

use crate::cases::{canary_case, catalog, expected_reserved};
use crate::helpers::*;
use crate::webdriver::{self, Driver};

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";

struct Run<'a> {
    d: &'a Driver,
    base: String,
    axe: String,
    pages: Vec<(String, u64)>,
    shots: std::path::PathBuf,
}

impl Run<'_> {
    /// The checks every page must pass.
    fn check(&mut self, name: &str) {
        let d = self.d;
        let log = d.console();
        let bad: Vec<&(String, String)> = log
            .iter()
            .filter(|(level, msg)| {
                level == "SEVERE" || msg.contains("Content Security Policy") || msg.contains("Refused to")
            })
            .collect();
        assert!(bad.is_empty(), "{name}: console errors {bad:?}");
        d.script(&format!("{};return true;", self.axe));
        let found = d.script_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
               .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))))
               .catch(e => done([{id: 'axe-error', impact: 'critical', nodes: [String(e)]}]));",
        );
        let serious: Vec<&Value> = found
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .collect();
        assert!(serious.is_empty(), "{name}: accessibility {serious:?}");
        let weight = d
            .script(
                "const n = performance.getEntriesByType('navigation')[0];
                 const r = performance.getEntriesByType('resource').filter(e => e.initiatorType !== 'img');
                 return n.encodedBodySize + r.reduce((s, e) => s + e.encodedBodySize, 0);",
            )
            .as_u64()
            .unwrap_or(0);
        assert!(weight > 0 && weight < 150 * 1024, "{name}: {weight} bytes");
        self.pages.push((name.to_owned(), weight));
    }

    fn shot(&self, name: &str) {
        self.d.screenshot(&self.shots.join(format!("{name}.png")));
    }

    fn go(&self, path: &str) {
        self.d.goto(&format!("{}{path}", self.base));
    }

    fn path(&self) -> String {
        self.d.url().trim_start_matches(&self.base).to_owned()
    }

    /// Press Tab until the focused element matches `css` (at most 80 times), as a keyboard user.
    fn tab_to(&self, css: &str) {
        for _ in 0..80 {
            let on = self.d.script(&format!("return document.activeElement.matches({});", json!(css)));
            if on == Value::Bool(true) {
                return;
            }
            self.d.keys(TAB);
        }
        panic!("{css} cannot be reached with the keyboard");
    }

    fn sign_in(&mut self, user: &str, password: &str, code: &str) {
        self.go("/sign-in");
        self.d.fill("#username", user);
        self.d.fill("#password", password);
        self.d.fill("#totp", code);
        self.d.navigating(|| self.d.click("button[type=submit]"));
    }

    fn sign_out(&self) {
        self.d.navigating(|| self.d.click("form[action='/sign-out'] button"));
    }
}

fn give_factor(app: &TestApp, user_id: &str) -> String {
    let secret = enlace::auth::mfa::new_secret();
    diesel::update(schema::users::table.find(user_id))
        .set((schema::users::totp_secret.eq(Some(secret.clone())), schema::users::totp_enabled.eq(true)))
        .execute(&mut app.conn())
        .unwrap();
    secret
}

fn count_cases(app: &TestApp) -> i64 {
    schema::cases::table.count().get_result(&mut app.conn()).unwrap()
}

#[actix_web::test]
async fn the_console_works_in_a_real_browser() {
    if !webdriver::ready() {
        return;
    }
    let app = spawn_app().await;
    let gt_officer = app.user("GT", &[Role::Officer]).await;
    let gt_admin = app.user("GT", &[Role::CountryAdmin]).await;
    let mx_analyst = app.user("MX", &[Role::Analyst]).await;
    let secret = give_factor(&app, &gt_officer.id);
    let first_password = "Clave inicial 7h2m4k9d";
    let mx_new = enlace::admin::bootstrap::create_user(
        &mut app.conn(),
        "MX",
        &[Role::Officer],
        "oficial.mx",
        first_password,
        true,
    )
    .unwrap();

    // A GT case with a canary in every reserved free-text field, shared with the network.
    let catalog = catalog(&app, &gt_officer.token).await;
    let per_case = ["case_status"];
    let reserved = expected_reserved(&catalog, &[], &per_case.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    let (mut case, canaries) = canary_case(5, "GT", &catalog, &reserved, &per_case);
    case["sharing"] = json!({"scope": "network"});
    let res = app.post("/api/v1/cases", Some(&gt_officer.token), &case).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let case_id = res.json()["case_id"].as_str().unwrap().to_owned();
    for seed in 0..8 {
        let c = serde_json::to_value(enlace::formato::sample::typical_case(100 + seed, "GT")).unwrap();
        assert_eq!(app.post("/api/v1/cases", Some(&gt_officer.token), &c).await.status, 201);
    }

    // A GT document alert with a specimen image.
    let alert = json!({"document": {"document_type": "passport", "issuing_state": "HND", "document_number": "CANARY-ALERT-1",
        "fraud_type": "counterfeit"}, "valid_until": "2099-12-31"});
    let res = app.post("/api/v1/document-alerts", Some(&gt_officer.token), &alert).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let alert_id = res.json()["alert_id"].as_str().unwrap().to_owned();
    let images = format!("/api/v1/document-alerts/{alert_id}/images");
    assert_eq!(
        app.upload("POST", &images, &gt_officer.token, "image/png", crate::alerts::png("x", 50)).await.status,
        201
    );

    let driver = Driver::start(1280);
    let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/console-screenshots");
    let mut run = Run { d: &driver, base: app.base.clone(), axe: webdriver::axe_source(), pages: vec![], shots };

    // The sign-in page, then a sign-in with a TOTP code done with the keyboard alone.
    run.go("/sign-in");
    run.check("sign-in");
    run.shot("sign-in");
    let code = fresh_totp(&app, &gt_officer.id, &secret);
    run.tab_to("#username");
    driver
        .navigating(|| driver.keys(&format!("{}{TAB}{}{TAB}{code}{ENTER}", gt_officer.username, gt_officer.password)));
    assert_eq!(
        run.path(),
        "/",
        "signed in with the keyboard: {} {:?}",
        driver.text(),
        app.audit_events("console_csrf_refused")
    );
    run.check("home");
    run.shot("home");
    let cookie = driver.cookies().into_iter().find(|c| c["name"] == "__Host-enlace").expect("session cookie");
    assert_eq!((cookie["httpOnly"].clone(), cookie["secure"].clone()), (json!(true), json!(true)));
    assert_eq!(cookie["sameSite"], "Strict");
    assert_eq!(cookie["path"], "/");
    // Keyboard: to the case list, then into the case.
    run.tab_to("nav a[href='/cases']");
    driver.navigating(|| driver.keys(ENTER));
    assert_eq!(run.path(), "/cases");
    run.check("cases");
    run.shot("cases");
    run.tab_to(&format!("a[href='/cases/{case_id}']"));
    driver.navigating(|| driver.keys(ENTER));
    assert_eq!(run.path(), format!("/cases/{case_id}"));
    let own = driver.dom();
    assert!(canaries.iter().all(|c| own.contains(c.as_str())), "the reporting country sees its case whole");
    run.check("case (own)");

    // A case created through the form: a person added, a validation error shown beside its
    // field and corrected in place, then saved.
    run.go("/cases");
    driver.navigating(|| driver.click("a[href='/cases/new']"));
    assert_eq!(run.path(), "/cases/new");
    run.check("case form");
    run.shot("case-form");
    let choose = |name: &str, value: &str| {
        driver.script(&format!(
            "document.querySelector({}).value = {}; return true;",
            json!(format!("[name='{name}']")),
            json!(value)
        ));
    };
    choose("case_type", "trafficking");
    choose("case_status", "active");
    choose("date_opened", "2026-03-02");
    driver.fill("[name='summary']", "Caso creado desde la consola");
    driver.navigating(|| driver.click("button[value='add persons']"));
    assert_eq!(driver.count("[name='persons[0].id']"), 1, "a person added by posting the form back");
    assert_eq!(
        driver.script("return document.querySelector(\"[name='summary']\").value;"),
        json!("Caso creado desde la consola"),
        "what was typed is kept"
    );
    choose("persons[0].person_role", "trafficking_victim");
    driver.fill("[name='persons[0].age_years']", "unos treinta");
    driver.navigating(|| driver.click("button[value='save']"));
    assert_eq!(run.path(), "/cases/new", "not saved");
    assert_eq!(driver.count("[name='persons[0].age_years'][aria-invalid='true']"), 1, "{}", driver.text());
    assert_eq!(driver.count("#err-persons\\[0\\]\\.age_years"), 1, "the error beside its field");
    assert_eq!(
        driver.script("return document.querySelector(\"[name='summary']\").value;"),
        json!("Caso creado desde la consola")
    );
    // The browser logs the 422 of the page itself as a failed load; nothing else may be logged.
    let logged = driver.console();
    assert!(logged.iter().all(|(_, m)| m.contains("/cases/new") && m.contains("status of 422")), "{logged:?}");
    run.check("case form (error)");
    let before = count_cases(&app);
    driver.fill("[name='persons[0].age_years']", "31");
    driver.navigating(|| driver.click("button[value='save']"));
    assert!(run.path().ends_with("?done=saved"), "{} {}", run.path(), driver.text());
    assert!(driver.text().contains("The case was saved."));
    assert!(driver.text().contains("Caso creado desde la consola"));
    assert_eq!(count_cases(&app), before + 1);

    // A form posted without its CSRF token is refused, and changes nothing.
    driver.navigating(|| {
        driver.script(
            "const f = document.createElement('form'); f.method = 'post'; f.action = '/sign-out';
             document.body.appendChild(f); f.submit(); return true;",
        );
    });
    assert!(driver.text().contains("Not allowed"), "{}", driver.text());
    let _ = driver.console(); // the 403 itself is logged by the browser as a failed load
    run.go("/");
    assert_eq!(run.path(), "/", "still signed in");
    let _ = driver.console();
    run.sign_out();
    assert!(run.path().starts_with("/sign-in"));

    // A first sign-in: the password must be changed before anything else.
    run.sign_in("oficial.mx", first_password, "");
    assert_eq!(run.path(), "/password");
    run.check("password");
    run.shot("first-sign-in");
    driver.fill("#current_password", first_password);
    driver.fill("#new_password", "Mi clave propia 5t8r");
    driver.fill("#confirm_password", "Mi clave propia 5t8r");
    driver.navigating(|| driver.click("form[action='/password'] button[type=submit]"));
    assert!(run.path().starts_with("/sign-in?done=password"), "{}", run.path());
    run.sign_in("oficial.mx", "Mi clave propia 5t8r", "");
    assert_eq!(run.path(), "/", "{}", driver.text());
    let _ = mx_new;

    // Another country's officer: every reserved value absent from the DOM, text and attributes.
    run.go(&format!("/cases/{case_id}"));
    let dom = driver.dom();
    let text = driver.text();
    let leaked: Vec<&String> =
        canaries.iter().filter(|c| dom.contains(c.as_str()) || text.contains(c.as_str())).collect();
    assert!(leaked.is_empty(), "{leaked:?}");
    let markers = driver.count("[data-withheld]");
    assert!(markers >= 10, "{markers} withheld markers");
    assert!(text.contains("Withheld — legal basis"));
    run.check("case (foreign)");
    run.shot("case-foreign");
    run.go(&format!("/alerts/{alert_id}"));
    run.check("alert (foreign)");
    assert!(!driver.dom().contains("CANARY-ALERT-1"), "the reserved document number stays withheld");
    let fetched = driver.script_async(
        "const done = arguments[arguments.length - 1];
         fetch(document.querySelector('ul.cards img').src).then(r => done([r.status, r.headers.get('content-type')]));",
    );
    assert_eq!(fetched, json!([200, "image/png"]), "the specimen image is served to the page");

    // A policy change made in the editor, previewed, saved, and seen on the next page load.
    run.sign_out();
    let admin_secret = give_factor(&app, &gt_admin.id);
    let code = fresh_totp(&app, &gt_admin.id, &admin_secret);
    run.sign_in(&gt_admin.username, &gt_admin.password, &code);
    assert_eq!(run.path(), "/", "{}", driver.text());
    run.go("/policy");
    run.check("policy editor");
    run.shot("policy-editor");
    let basis = "Ley de Protección de Datos, art. 12";
    driver.script("document.querySelector(\"[name='flag.date_detected']\").value = 'reserved'; return true;");
    driver.fill("[name='basis.date_detected']", basis);
    driver.navigating(|| driver.click("button[value='preview']"));
    run.check("policy preview");
    run.shot("policy-preview");
    assert!(driver.text().contains("Not saved yet"), "{}", driver.text());
    assert_eq!(driver.count("[data-path='date_detected'] [data-withheld]"), 1, "the preview withholds the field");
    assert!(driver.text().contains(basis));
    driver.navigating(|| driver.click("button[value='save']"));
    assert_eq!(run.path(), "/policy?done=saved", "{}", driver.text());
    assert_eq!(
        driver.script("return document.querySelector(\"[name='basis.date_detected']\").value;"),
        json!(basis),
        "the saved policy is what the editor shows"
    );
    run.sign_out();
    run.sign_in("oficial.mx", "Mi clave propia 5t8r", "");
    run.go(&format!("/cases/{case_id}"));
    assert!(driver.text().contains(basis), "the new reservation shows at once");
    assert_eq!(driver.count("[data-withheld]"), markers + 1);
    run.sign_out();

    // Statistics: the table, its chart, withheld cells marked in both.
    run.sign_in(&mx_analyst.username, &mx_analyst.password, "");
    run.go("/statistics?measure=cases&dim1=reporting_country&dim2=case_type");
    run.check("statistics");
    run.shot("statistics");
    assert_eq!(driver.count("figure.chart svg"), 1);
    let suppressed: usize = driver
        .script("return document.getElementById('suppressed-count').textContent;")
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(driver.count("#stats-table tbody:not(.margins) [data-suppressed]"), suppressed);
    assert_eq!(driver.count("figure.chart [data-suppressed]"), suppressed);
    run.go("/statistics?measure=persons&dim1=sex");
    run.check("statistics (bars)");
    run.go("/legislation?country=GT");
    run.check("legislation");
    run.go("/alerts");
    run.check("alerts");
    run.go("/directory");
    run.check("directory");
    run.go("/entry-requirements");
    run.check("entry requirements");
    run.go("/reports");
    run.check("reports");
    run.go("/account");
    run.check("account");

    // A phone 360 px wide: nothing wider than the screen.
    driver.resize(360, 800);
    for path in
        ["/", "/cases", "/statistics?measure=cases&dim1=case_type", "/legislation", "/alerts", "/directory", "/account"]
    {
        run.go(path);
        let wide = driver.script(
            "const w = window.innerWidth + 1;
             if (document.documentElement.scrollWidth <= w) return [];
             return [...document.querySelectorAll('body *')]
               .filter(e => e.getBoundingClientRect().right > w && !e.closest('.table-wrap'))
               .slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id);",
        );
        assert_eq!(wide, json!([]), "{path} overflows a 360 px screen");
    }
    run.shot("phone-cases");

    let figures: Vec<String> = run.pages.iter().map(|(p, w)| format!("{p}: {:.1} KB", *w as f64 / 1024.0)).collect();
    crate::security::figure(format!("console page weight (uncached, images aside): {}", figures.join(", ")));
}
