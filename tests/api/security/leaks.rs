//! Leak scans and non-interference.
//!
//! - Every foreign identity (and nobody) crawls every endpoint it can name — lists with every
//!   filter and page, searches for the canaries themselves, every case with its versions,
//!   statistics in JSON and CSV, routes, false passports, audit views, batch results, errors —
//!   and no body or header holds another country's canary; nor does the server's own log.
//! - Non-interference: half of the countries change every reserved value of their cases (new
//!   canaries, other codes) through the API; every response to the other half, the ST and the
//!   observer is byte-identical.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use enlace::access::Role;
use serde_json::{Value, json};

use super::world::{self, COUNTRIES, Identity, World};
use crate::cases::leaves;
use crate::helpers::*;

/// The server's log, captured for the whole test binary.
fn log_sink() -> Arc<Mutex<Vec<u8>>> {
    static SINK: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    SINK.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let writer_buf = buf.clone();
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
            .with_ansi(false)
            .with_writer(move || Sink(writer_buf.clone()))
            .try_init();
        buf
    })
    .clone()
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const STATS: [&str; 9] = [
    "/api/v1/statistics?measure=cases&group_by=reporting_country,case_type",
    "/api/v1/statistics?measure=victims&group_by=sex,year",
    "/api/v1/statistics?measure=persons&group_by=citizenship,exploitation_type",
    "/api/v1/statistics?measure=suspects&group_by=suspect_role,procedural_status",
    "/api/v1/statistics?measure=false_documents&group_by=fraud_type,issuing_state",
    "/api/v1/statistics?measure=minors&group_by=reporting_country,origin_class,sex",
    "/api/v1/statistics?measure=victims&group_by=sex&format=csv",
    "/api/v1/statistics/routes",
    "/api/v1/statistics/false-passports?from=2019-S1&to=2026-S2",
];

/// The requests an identity can make without changing anything (besides audit events). Each
/// case's own operations are in the matrix (which scans them too); here only with `objects`.
async fn crawl_paths(w: &World, who: Option<&Identity>, with_audit: bool, objects: bool) -> Vec<String> {
    let token = who.map(|i| i.user.token.as_str());
    let mut paths = vec![];
    // Every page of the plain list.
    let mut next = Some("/api/v1/cases?limit=7".to_owned());
    while let Some(p) = next.take() {
        let res = w.app.get(&p, token).await;
        if res.status == 200
            && let Some(cursor) = res.json()["next_cursor"].as_str()
        {
            next = Some(format!("/api/v1/cases?limit=7&cursor={cursor}"));
        }
        paths.push(p);
    }
    let foreign_canary = w.cases.iter().find(|c| Some(c.country.as_str()) != who.map(|i| i.party.as_str())).unwrap();
    for f in [
        "case_type=trafficking".to_owned(),
        "case_type=smuggling".to_owned(),
        "case_status=active".to_owned(),
        "detected_from=2019&detected_to=2026-12-31".to_owned(),
        "updated_since=2000-01-01T00:00:00Z".to_owned(),
        "q=canary".to_owned(),
        format!("q={}", foreign_canary.canaries[0]),
        "reporting_country=GT".to_owned(),
        "reporting_country=MX".to_owned(),
    ] {
        paths.push(format!("/api/v1/cases?limit=100&{f}"));
    }
    for c in w.cases.iter().filter(|_| objects) {
        paths.push(format!("/api/v1/cases/{}", c.id));
        paths.push(format!("/api/v1/cases/{}/versions/1", c.id));
    }
    paths.extend(STATS.iter().map(|s| (*s).to_owned()));
    for c in ["BZ", "GT", "MX"] {
        paths.push(format!(
            "/api/v1/statistics?measure=cases&group_by=case_type,detection_setting&reporting_country={c}"
        ));
    }
    paths.extend(["/api/v1/parties", "/api/v1/users", "/api/v1/me", "/api/v1/formato"].map(str::to_owned));
    // What concerns each country (issue #21): its feed, the hits on its data, its requests.
    paths.extend(["/api/v1/feed?limit=100", "/api/v1/matches/hits?limit=100", "/api/v1/requests"].map(str::to_owned));
    // Errors, with ids that exist elsewhere.
    paths.push("/api/v1/cases?limit=abc".to_owned());
    paths.push(format!("/api/v1/cases/{}/versions/999", w.cases[0].id));
    paths.push("/api/v1/statistics?measure=cases&group_by=nonsense".to_owned());
    if with_audit {
        paths.push("/api/v1/audit?limit=500".to_owned());
        paths.push("/api/v1/audit?object_type=case&limit=500".to_owned());
        paths.push("/api/v1/audit/verify".to_owned());
    }
    paths
}

fn hits(text: &str, canaries: &[&str], anonymous: bool) -> Vec<String> {
    let mut out: Vec<String> = canaries.iter().filter(|c| text.contains(**c)).map(|c| (*c).to_owned()).collect();
    if anonymous && text.contains("CANARY-") {
        out.push("CANARY- (anonymous)".into());
    }
    out
}

#[actix_web::test]
async fn no_foreign_identity_finds_a_canary_anywhere_nor_does_the_log() {
    let sink = log_sink();
    let w = world::build().await;
    let mut requests = 0usize;
    let mut leaks = vec![];
    let callers: Vec<Option<&Identity>> = std::iter::once(None).chain(w.identities.iter().map(Some)).collect();
    for who in &callers {
        let party = who.map_or("", |i| i.party.as_str());
        let canaries = w.foreign_canaries(party);
        let token = who.map(|i| i.user.token.as_str());
        for path in crawl_paths(&w, *who, true, false).await {
            let res = w.app.get(&path, token).await;
            requests += 1;
            assert!(res.status < 500, "{path}: {}", res.status);
            for h in hits(&world::full_text(&res), &canaries, who.is_none()) {
                leaks.push(format!("{} GET {path}: {h}", who.map_or("anonymous".into(), |i| i.label())));
            }
        }
        // Writes whose answers could echo stored data: a batch with a good and a bad record,
        // and an update and a retraction aimed at every case.
        if let Some(i) = who.filter(|i| i.role == Role::Officer) {
            let own = w.cases.iter().find(|c| c.country == i.party).unwrap();
            let mut bad = own.input.clone();
            bad["persons"][0]["date_of_birth"] = json!("not a date");
            let res = w.app.post("/api/v1/cases/batch", token, &json!({"cases": [bad]})).await;
            requests += 1;
            for h in hits(&world::full_text(&res), &canaries, false) {
                leaks.push(format!("{} batch: {h}", i.label()));
            }
            for c in w.cases.iter().filter(|c| c.country != i.party && (c.scope != "national" || c.retracted)) {
                for (method, body) in [("PUT", c.input.clone()), ("DELETE", json!({"reason": "x"}))] {
                    let path = format!("/api/v1/cases/{}", c.id);
                    let res = w.app.send(method, &path, token, Some(&body), &[("If-Match", "*")]).await;
                    requests += 1;
                    assert!(matches!(res.status, 403 | 404), "{method} {path}: {}", res.status);
                    for h in hits(&world::full_text(&res), &canaries, false) {
                        leaks.push(format!("{} {method} {path}: {h}", i.label()));
                    }
                }
            }
        }
    }
    // The web console: every identity signs in with a browser's cookie and crawls every page it
    // can name (anonymous visitors are sent to the sign-in page, with nothing else).
    let mut pages = 0usize;
    for who in &callers {
        let party = who.map_or("", |i| i.party.as_str());
        let canaries = w.foreign_canaries(party);
        let mut browser = Browser::new(&w.app);
        if let Some(i) = who {
            browser.sign_in(&i.user).await;
        }
        for path in console_paths(&w, &mut browser).await {
            let res = browser.get(&path).await;
            pages += 1;
            assert!(res.status < 500, "console {path}: {}", res.status);
            if who.is_none() {
                assert_eq!(res.status, 303, "anonymous console {path}");
                assert!(res.header("location").unwrap_or_default().starts_with("/sign-in"), "anonymous console {path}");
            }
            for h in hits(&world::full_text(&res), &canaries, who.is_none()) {
                leaks.push(format!("{} console GET {path}: {h}", who.map_or("anonymous".into(), |i| i.label())));
            }
        }
    }
    super::figure(format!("console leak scan: {} identities and anonymous, {pages} pages", w.identities.len()));
    // The log: no canary, no password, no token.
    let log = String::from_utf8_lossy(&sink.lock().unwrap()).into_owned();
    assert!(!log.is_empty(), "the log was captured");
    let mut log_hits: Vec<String> = vec![];
    if log.contains("CANARY-") {
        log_hits.push("a canary".into());
    }
    for i in &w.identities {
        if log.contains(&i.user.password) || log.contains(&i.user.token) || log.contains(&i.user.refresh) {
            log_hits.push(format!("a secret of {}", i.label()));
        }
    }
    super::figure(format!(
        "leak scan: {} identities and anonymous, {requests} requests, {} leaks in responses, {} in {} bytes of server log",
        w.identities.len(),
        leaks.len(),
        log_hits.len(),
        log.len()
    ));
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
    assert!(log_hits.is_empty(), "the server log holds {log_hits:?}");
}

/// The console pages a browser can reach: every page of the case list (following its "next"
/// links), every case of the world (its page, its edit form, its versions), statistics tables
/// (HTML and CSV), the legislation matrix, the audit log, the account, the case form, the
/// reservation-policy editor, user and party administration.
async fn console_paths(w: &World, browser: &mut Browser<'_>) -> Vec<String> {
    let mut paths = vec!["/".to_owned(), "/account".to_owned()];
    let mut next = Some("/cases".to_owned());
    while let Some(p) = next.take() {
        let html = browser.get(&p).await.text();
        next = html
            .split("rel=\"next\"")
            .next()
            .filter(|_| html.contains("rel=\"next\""))
            .and_then(|before| before.rsplit("href=\"").next())
            .and_then(|h| h.split('"').next())
            .map(|h| h.replace("&amp;", "&"));
        paths.push(p);
    }
    paths.push("/cases?q=CANARY".to_owned());
    paths.extend(w.cases.iter().map(|c| format!("/cases/{}", c.id)));
    // The case form filled from a case (its reporting country's officers only; 404 otherwise).
    paths.extend(w.cases.iter().map(|c| format!("/cases/{}/edit", c.id)));
    paths.extend(w.cases.iter().map(|c| format!("/cases/{}/versions", c.id)));
    paths.extend(
        [
            "/statistics?measure=cases&dim1=reporting_country&dim2=case_type",
            "/statistics?measure=persons&dim1=citizenship",
            "/statistics?measure=victims&dim1=year",
            "/statistics.csv?measure=victims&group_by=sex",
            "/legislation?country=GT",
            "/legislation.csv",
            "/audit",
            "/cases/new",
            "/policy",
            "/users",
            "/parties",
            "/alerts",
            "/directory",
            "/entry-requirements",
            "/reports",
        ]
        .map(str::to_owned),
    );
    paths
}

/// A response with what legitimately varies between two identical requests removed.
fn normalized(res: &Resp) -> String {
    let mut headers: Vec<String> = res
        .headers
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "date" | "x-request-id"))
        .map(|(k, v)| format!("{k}: {}", v.to_str().unwrap_or("")))
        .collect();
    headers.sort();
    let mut body = res.text();
    for key in ["\"data_as_of\":\"", "\"request_id\":\""] {
        let mut at = 0;
        while let Some(start) = body[at..].find(key) {
            let from = at + start + key.len();
            let Some(len) = body[from..].find('"') else { break };
            body.replace_range(from..from + len, "-");
            at = from;
        }
    }
    format!("{} {}\n{}", res.status, headers.join("\n"), body)
}

async fn snapshot_responses(w: &World, viewers: &[&Identity]) -> Vec<(String, String)> {
    let mut out = vec![];
    for who in viewers {
        for path in crawl_paths(w, Some(who), false, true).await {
            let res = w.app.get(&path, Some(&who.user.token)).await;
            out.push((format!("{} {path}", who.label()), normalized(&res)));
        }
    }
    out
}

/// The input with every reserved value changed: canaries renewed, reserved codes replaced.
fn with_reserved_values_changed(w: &World, c: &world::WorldCase, round: usize) -> Value {
    let mut text = c.input.to_string();
    for k in &c.canaries {
        text = text.replace(k.as_str(), &format!("{k}-R{round}"));
    }
    let mut input: Value = serde_json::from_str(&text).unwrap();
    let names = w.catalog.iter().map(|f| f.0.clone()).collect();
    for (path, pointer) in leaves(&c.input, &names) {
        // Control fields (who sees the case) and the role and type codes that itemized counts
        // are checked against are left alone; every other reserved code changes.
        if !c.reserved.contains(&path)
            || path.starts_with("sharing.")
            || matches!(path.as_str(), "case_type" | "persons[].person_role")
        {
            continue;
        }
        let Some(codes) = w.enum_of.get(&path).and_then(|e| w.enums.get(e)) else { continue };
        let Some(slot) = input.pointer_mut(&pointer) else { continue };
        if let Some(current) = slot.as_str().filter(|c| *c != "other")
            && let Some(other) = codes.iter().find(|x| x.as_str() != current && !x.starts_with("other"))
        {
            *slot = Value::from(other.clone());
        }
    }
    input
}

/// `persons[1].sex` → `/persons/1/sex`.
fn pointer_of(field: &str) -> String {
    let mut out = String::new();
    for part in field.split('.') {
        match part.split_once('[') {
            Some((name, rest)) => {
                out.push('/');
                out.push_str(name);
                out.push('/');
                out.push_str(rest.trim_end_matches(']'));
            }
            None => {
                out.push('/');
                out.push_str(part);
            }
        }
    }
    out
}

#[actix_web::test]
async fn changing_only_reserved_values_changes_no_byte_any_other_party_sees() {
    let w = world::build().await;
    let (changing, watching) = COUNTRIES.split_at(6);
    let viewers: Vec<&Identity> = w
        .identities
        .iter()
        .filter(|i| !changing.contains(&i.party.as_str()))
        .filter(|i| matches!(i.role, Role::Officer | Role::Analyst | Role::StatisticsReader))
        .collect();
    assert!(viewers.iter().any(|i| watching.contains(&i.party.as_str())) && viewers.iter().any(|i| i.party == "ST"));
    let before = snapshot_responses(&w, &viewers).await;

    let mut changed_cases = 0;
    let mut changed_codes = 0;
    for c in w.cases.iter().filter(|c| changing.contains(&c.country.as_str()) && !c.retracted) {
        let officer = w.officer_of(&c.country);
        let path = format!("/api/v1/cases/{}", c.id);
        let mut input = with_reserved_values_changed(&w, c, 1);
        let mut res = None;
        let mut last = String::new();
        for _ in 0..6 {
            let etag = w.app.get(&path, Some(&officer.token)).await.header("etag").unwrap();
            let r = w.app.send("PUT", &path, Some(&officer.token), Some(&input), &[("If-Match", &etag)]).await;
            if r.status != 422 {
                res = Some(r);
                break;
            }
            // A changed code that breaks a cross-field rule goes back to its old value.
            last = r.text();
            for e in r.json()["errors"].as_array().unwrap() {
                let p = pointer_of(e["field"].as_str().unwrap().trim_end_matches("_other"));
                if let (Some(old), Some(slot)) = (c.input.pointer(&p).cloned(), input.pointer_mut(&p)) {
                    *slot = old;
                }
            }
        }
        let res = res.unwrap_or_else(|| panic!("update refused: {last}"));
        assert_eq!(res.status, 200, "{}", res.text());
        let own = w.app.get(&path, Some(&officer.token)).await.text();
        assert!(own.contains("-R1"), "the reserved values did change");
        changed_cases += 1;
        changed_codes += leaves(&input, &w.catalog.iter().map(|f| f.0.clone()).collect())
            .iter()
            .filter(|(_, p)| {
                input.pointer(p) != c.input.pointer(p)
                    && input.pointer(p).is_some_and(|v| !v.to_string().contains("CANARY"))
            })
            .count();
    }
    assert!(changed_codes > 0, "some reserved codes changed too");
    let after = snapshot_responses(&w, &viewers).await;
    assert_eq!(before.len(), after.len());
    let differing: Vec<&str> =
        before.iter().zip(&after).filter(|(a, b)| a.1 != b.1).map(|(a, _)| a.0.as_str()).collect();
    super::figure(format!(
        "non-interference: {changed_cases} cases of {} countries changed ({changed_codes} reserved codes besides the canaries); {} responses to {} identities compared, {} differ",
        changing.len(),
        before.len(),
        viewers.len(),
        differing.len()
    ));
    if let Some((a, b)) = before.iter().zip(&after).find(|(a, b)| a.1 != b.1) {
        panic!("{} responses differ, first {}:\nbefore {}\nafter  {}", differing.len(), a.0, a.1, b.1);
    }
}
