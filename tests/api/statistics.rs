//! Statistics with disclosure control: a data set in which every cell size from 0 to 15 occurs,
//! checked by an independent checker (every published count within D of the truth, none in
//! 1…k−1, empty cells 0; what an attacker can solve for is `statistics_attack.rs`); exact figures
//! for a country's own cases; reserved values never move a foreign figure; retracted and
//! excluded cases do not count; CSV = JSON; roles.

use std::collections::BTreeMap;

use enlace::access::Role;
use serde_json::{Value, json};

use crate::helpers::*;

const COUNTRIES: [&str; 4] = ["GT", "HN", "SV", "CR"];
const SETTINGS: [&str; 4] = ["air_bcp", "land_bcp", "sea_port", "unofficial_crossing"];
const K: u64 = 10;

/// The truth: cases per (country, setting); sizes 0..=15 all occur.
fn truth() -> BTreeMap<(String, String), u64> {
    let mut t = BTreeMap::new();
    for (i, c) in COUNTRIES.iter().enumerate() {
        for (j, s) in SETTINGS.iter().enumerate() {
            t.insert((c.to_string(), s.to_string()), (i * 4 + j) as u64);
        }
    }
    t
}

struct World {
    app: TestApp,
    officers: BTreeMap<String, TestUser>,
    ids: Vec<(String, String, String)>,
}

async fn world() -> World {
    let app = spawn_app().await;
    let mut officers = BTreeMap::new();
    let mut ids = vec![];
    let mut seed = 100;
    for c in COUNTRIES {
        let officer = app.user(c, &[Role::Officer]).await;
        let mut cases = vec![];
        let mut settings = vec![];
        for s in SETTINGS {
            for _ in 0..truth()[&(c.to_string(), s.to_string())] {
                let mut v = serde_json::to_value(enlace::formato::sample::typical_case(seed, c)).unwrap();
                seed += 1;
                v["detection_setting"] = json!(s);
                v.as_object_mut().unwrap().remove("detection_setting_other");
                v["include_in_statistics"] = json!(true);
                v["sharing"] = json!({"scope": "national"});
                cases.push(v);
                settings.push(s);
            }
        }
        if !cases.is_empty() {
            let res = app.post("/api/v1/cases/batch", Some(&officer.token), &json!({"cases": cases})).await;
            assert_eq!(res.status, 200, "{}", res.text());
            let r = res.json();
            assert_eq!(r["rejected"], 0, "{r}");
            for (item, s) in r["results"].as_array().unwrap().iter().zip(settings) {
                ids.push((c.to_string(), s.to_string(), item["id"].as_str().unwrap().to_owned()));
            }
        }
        officers.insert(c.to_string(), officer);
    }
    World { app, officers, ids }
}

/// The maximum deviation of the deployment's perturbation (the default).
const D: u64 = 2;

/// The independent checker: every published cell and margin is within D of the truth computed
/// here and never from 1 to k−1; an empty cell is 0; a withheld one is small (its truth at most
/// k − 1 + D). Returns how many cells were withheld, how many margins published and how many
/// published counts differ from the truth (the perturbation at work).
fn check(table: &Value, truth: &BTreeMap<Vec<String>, u64>, k: u64) -> (usize, usize, usize) {
    let cell_key = |e: &Value| -> Vec<Option<String>> {
        e["key"].as_array().unwrap().iter().map(|k| k.as_str().map(str::to_owned)).collect()
    };
    let (mut withheld, mut margins, mut moved) = (0, 0, 0);
    let mut published = |what: &str, key: &[Option<String>], value: &Value, real: u64| match value.as_u64() {
        Some(v) => {
            assert!(v.abs_diff(real) <= D, "published {what} {key:?}: {v} is more than {D} from {real}");
            assert!(!(1..k).contains(&v), "published small count {v} at {key:?}");
            if real == 0 {
                assert_eq!(v, 0, "an empty {what} is published as 0");
            }
            moved += usize::from(v != real);
            true
        }
        None => {
            assert_eq!(value, "<k", "withheld counts carry the fixed marker");
            assert!((1..k + D).contains(&real), "{what} {key:?} of {real} withheld for no reason");
            false
        }
    };
    let mut cells: Vec<Vec<String>> = vec![];
    for c in table["cells"].as_array().unwrap() {
        let key = cell_key(c);
        let plain: Vec<String> = key.iter().cloned().map(Option::unwrap).collect();
        let real = truth.get(&plain).copied().unwrap_or(0);
        withheld += usize::from(!published("cell", &key, &c["value"], real));
        cells.push(plain);
    }
    for m in table["margins"].as_array().unwrap() {
        let mkey = cell_key(m);
        let real: u64 = cells
            .iter()
            .filter(|key| key.iter().zip(&mkey).all(|(c, m)| m.as_ref().is_none_or(|m| m == c)))
            .map(|key| truth.get(key).copied().unwrap_or(0))
            .sum();
        margins += usize::from(published("margin", &mkey, &m["value"], real));
    }
    (withheld, margins, moved)
}

fn truth_by_key() -> BTreeMap<Vec<String>, u64> {
    truth().into_iter().map(|((c, s), n)| (vec![c, s], n)).collect()
}

#[actix_web::test]
async fn foreign_viewers_never_see_small_counts_and_nothing_is_recoverable() {
    let w = world().await;
    let mx = w.app.user("MX", &[Role::Analyst]).await;
    let observer = {
        let st = w.app.user("ST", &[Role::StAdmin]).await;
        let res = w
            .app
            .post(
                "/api/v1/parties",
                Some(&st.token),
                &json!({"code": "OIM", "kind": "observer", "name_es": "OIM", "name_en": "IOM"}),
            )
            .await;
        assert_eq!(res.status, 201);
        w.app.user("OIM", &[Role::StatisticsReader]).await
    };
    for viewer in [&mx, &observer] {
        let res = w
            .app
            .get("/api/v1/statistics?measure=cases&group_by=reporting_country,detection_setting", Some(&viewer.token))
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
        let r = res.json();
        assert_eq!(r["mode"], "disclosure_controlled");
        assert_eq!(r["threshold_k"], K);
        assert_eq!(r["disclosure"]["method"], "cell_key_perturbation");
        assert_eq!(
            (r["disclosure"]["max_deviation"].as_u64(), r["disclosure"]["additive"].as_bool()),
            (Some(D), Some(false))
        );
        let (withheld, margins, moved) = check(&r["table"], &truth_by_key(), K);
        assert!((4..=12).contains(&withheld), "the cells of sizes 1..=9, give or take the noise: {withheld}");
        assert!(margins > 0 && moved > 0, "margins are published, and counts are perturbed");
        println!(
            "statistics check: 16 cells, {withheld} withheld, {margins} margins published, {moved} counts perturbed"
        );
    }
    // The reporting country sees its own figures exactly, small ones included.
    let gt = &w.officers["GT"];
    let own = w
        .app
        .get("/api/v1/statistics?measure=cases&group_by=detection_setting&reporting_country=GT", Some(&gt.token))
        .await
        .json();
    assert_eq!(own["mode"], "exact");
    let cells: BTreeMap<String, u64> = own["table"]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["key"][0].as_str().unwrap().to_owned(), c["value"].as_u64().unwrap()))
        .collect();
    assert_eq!(cells.get("land_bcp"), Some(&1));
    assert_eq!(cells.get("unofficial_crossing"), Some(&3));
    // Another country filtering on GT gets the controlled figures.
    let foreign = w
        .app
        .get("/api/v1/statistics?measure=cases&group_by=detection_setting&reporting_country=GT", Some(&mx.token))
        .await
        .json();
    assert_eq!(foreign["mode"], "disclosure_controlled");
    assert!(
        foreign["table"]["cells"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| !(1..K).contains(&c["value"].as_u64().unwrap_or(0)))
    );
    assert!(w.app.audit_count("statistics_query") >= 4);
}

#[actix_web::test]
async fn reserved_values_and_excluded_cases_never_move_a_foreign_figure() {
    let w = world().await;
    let mx = w.app.user("MX", &[Role::Analyst]).await;
    let q = "/api/v1/statistics?measure=cases&group_by=reporting_country,detection_setting";
    let table = |r: &Resp| r.json()["table"].clone();
    // CR reserves the detection setting: its cases count as not_disclosed for everyone else.
    let cr_admin = w.app.user("CR", &[Role::CountryAdmin]).await;
    let res = w.app.send("PUT", "/api/v1/parties/CR/reservation-policy", Some(&cr_admin.token),
        Some(&json!({"include_in_statistics": true, "fields": [{"path": "detection_setting", "flag": "reserved", "legal_basis": "Ley 8968"}]})), &[("If-Match", "*")]).await;
    assert_eq!(res.status, 200);
    let before = w.app.get(q, Some(&mx.token)).await;
    let cells = table(&before)["cells"].clone();
    let cr_nd = cells.as_array().unwrap().iter().find(|c| c["key"] == json!(["CR", "not_disclosed"])).unwrap();
    assert!(cr_nd["value"].as_u64().unwrap().abs_diff(12 + 13 + 14 + 15) <= D, "{cells}");
    // Change only the reserved value of CR cases: nothing a foreign viewer sees moves.
    let cr = &w.officers["CR"];
    for (c, _, id) in w.ids.iter().filter(|(c, s, _)| c == "CR" && s == "air_bcp").take(3) {
        let path = format!("/api/v1/cases/{id}");
        let mut doc = w.app.get(&path, Some(&cr.token)).await.json();
        assert_eq!(c, "CR");
        strip_system_fields(&mut doc);
        doc["detection_setting"] = json!("sea_port");
        let res = w.app.send("PUT", &path, Some(&cr.token), Some(&doc), &[("If-Match", "\"v1\"")]).await;
        assert_eq!(res.status, 200, "{}", res.text());
    }
    let after = w.app.get(q, Some(&mx.token)).await;
    assert_eq!(table(&before), table(&after), "a reserved value moved a foreign figure");
    // CR itself sees the change.
    let own = w
        .app
        .get("/api/v1/statistics?measure=cases&group_by=detection_setting&reporting_country=CR", Some(&cr.token))
        .await
        .json();
    let sea =
        own["table"]["cells"].as_array().unwrap().iter().find(|c| c["key"] == json!(["sea_port"])).unwrap()["value"]
            .clone();
    assert_eq!(sea, 14 + 3);

    // Retracted and excluded cases do not count.
    let hn = &w.officers["HN"];
    let hn_ids: Vec<&String> =
        w.ids.iter().filter(|(c, s, _)| c == "HN" && s == "unofficial_crossing").map(|(_, _, id)| id).collect();
    assert_eq!(hn_ids.len(), 7);
    let res = w
        .app
        .send(
            "DELETE",
            &format!("/api/v1/cases/{}", hn_ids[0]),
            Some(&hn.token),
            Some(&json!({"reason": "error"})),
            &[],
        )
        .await;
    assert_eq!(res.status, 200);
    let own = w
        .app
        .get("/api/v1/statistics?measure=cases&group_by=detection_setting&reporting_country=HN", Some(&hn.token))
        .await
        .json();
    let uc =
        own["table"]["cells"].as_array().unwrap().iter().find(|c| c["key"] == json!(["unofficial_crossing"])).unwrap()
            ["value"]
            .clone();
    assert_eq!(uc, 6);
    // Excluded: the reporting officer takes a case out of statistics.
    let path = format!("/api/v1/cases/{}", hn_ids[1]);
    let mut doc = w.app.get(&path, Some(&hn.token)).await.json();
    strip_system_fields(&mut doc);
    doc["include_in_statistics"] = json!(false);
    let res = w.app.send("PUT", &path, Some(&hn.token), Some(&doc), &[("If-Match", "\"v1\"")]).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let own = w
        .app
        .get("/api/v1/statistics?measure=cases&group_by=detection_setting&reporting_country=HN", Some(&hn.token))
        .await
        .json();
    let uc =
        own["table"]["cells"].as_array().unwrap().iter().find(|c| c["key"] == json!(["unofficial_crossing"])).unwrap()
            ["value"]
            .clone();
    assert_eq!(uc, 5, "7 cases, one retracted, one excluded");
}

/// Turn a case as read back into a valid submission (drop system and derived fields).
fn strip_system_fields(doc: &mut Value) {
    for k in [
        "case_id",
        "format_version",
        "version",
        "reporting_country",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "retracted",
        "reporting_semester",
    ] {
        doc.as_object_mut().unwrap().remove(k);
    }
    for p in doc["persons"].as_array_mut().into_iter().flatten() {
        for k in ["age_band", "is_minor", "origin_class"] {
            p.as_object_mut().unwrap().remove(k);
        }
        if let Some(e) = p.get_mut("exploitation") {
            e.as_object_mut().unwrap().remove("duration_months");
        }
    }
    for s in doc["suspects"].as_array_mut().into_iter().flatten() {
        s.as_object_mut().unwrap().remove("age_band");
    }
}

#[actix_web::test]
async fn csv_and_json_agree_and_roles_are_enforced() {
    let w = world().await;
    let mx = w.app.user("MX", &[Role::StatisticsReader]).await;
    let q = "/api/v1/statistics?measure=victims&group_by=reporting_country,sex";
    let json_r = w.app.get(q, Some(&mx.token)).await.json();
    let csv = w.app.send("GET", q, Some(&mx.token), None, &[("Accept", "text/csv")]).await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type").as_deref(), Some("text/csv; charset=utf-8"));
    let text = csv.text();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("reporting_country,sex,victims"));
    let rows: Vec<Vec<String>> = lines.map(|l| l.split(',').map(str::to_owned).collect()).collect();
    let entries: Vec<&Value> = json_r["table"]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .chain(json_r["table"]["margins"].as_array().unwrap())
        .collect();
    assert_eq!(rows.len(), entries.len());
    for (row, e) in rows.iter().zip(entries) {
        let key: Vec<String> =
            e["key"].as_array().unwrap().iter().map(|k| k.as_str().unwrap_or("*").to_owned()).collect();
        assert_eq!(&row[..2], &key[..]);
        let v = e["value"].as_u64().map(|n| n.to_string()).unwrap_or_else(|| "<k".into());
        assert_eq!(row[2], v);
    }
    assert_eq!(w.app.get(&format!("{q}&format=csv"), Some(&mx.token)).await.text(), text);

    // Labels in the request's language beside the codes; the figures are the same.
    for (lang, dims, female) in
        [("es", ["País que informa", "Sexo"], "Femenino (F)"), ("en", ["Reporting country", "Sex"], "Female (F)")]
    {
        let res = w.app.send("GET", q, Some(&mx.token), None, &[("Accept-Language", lang)]).await;
        assert_eq!(res.header("content-language").as_deref(), Some(lang));
        let v = res.json();
        assert_eq!(v["dimension_labels"], json!(dims), "{lang}");
        let cell = v["table"]["cells"].as_array().unwrap().iter().find(|c| c["key"][1] == "female").cloned().unwrap();
        assert_eq!(cell["labels"][1], female, "{lang}");
        assert_eq!(cell["labels"][0], cell["key"][0], "country codes stay codes");
        let margin = v["table"]["margins"].as_array().unwrap().last().cloned().unwrap();
        assert_eq!(margin["labels"], json!([null, null]), "a summed dimension has no label");
        assert_eq!(
            v["table"]["cells"].as_array().unwrap().iter().map(|c| c["value"].clone()).collect::<Vec<_>>(),
            json_r["table"]["cells"].as_array().unwrap().iter().map(|c| c["value"].clone()).collect::<Vec<_>>()
        );
    }

    for (party, role) in [("GT", Role::Auditor), ("ST", Role::StAdmin), ("GT", Role::CountryAdmin)] {
        let u = w.app.user(party, &[role]).await;
        assert_eq!(w.app.get(q, Some(&u.token)).await.status, 403, "{role:?}");
    }
    for bad in [
        "measure=secret",
        "measure=cases&group_by=sex",
        "measure=cases&group_by=a,b,c,d",
        "measure=cases&foo=1",
        "measure=cases&from=2025-13",
    ] {
        let res = w.app.get(&format!("/api/v1/statistics?{bad}"), Some(&mx.token)).await;
        assert_eq!(res.status, 422, "{bad}: {}", res.text());
    }
    let routes = w.app.get("/api/v1/statistics/routes", Some(&mx.token)).await;
    assert_eq!(routes.status, 200, "{}", routes.text());
    assert_eq!(routes.json()["dimensions"], json!(["route", "transport_means", "border_crossing_type"]));
    let fp = w.app.get("/api/v1/statistics/false-passports?semester=2025-S1", Some(&mx.token)).await;
    assert_eq!(fp.status, 200, "{}", fp.text());
    assert!(fp.json()["breakdowns"]["nationality_in_document"]["table"].is_object());
    for r in std::iter::once(&fp.json()["totals"]).chain(fp.json()["breakdowns"].as_object().unwrap().values()) {
        for c in r["table"]["cells"].as_array().unwrap() {
            assert!(!(1..K).contains(&c["value"].as_u64().unwrap_or(0)));
        }
    }
}

/// The GT total of a false-passport report, if published as a number.
fn gt_total(v: &Value) -> Option<u64> {
    v["totals"]["table"]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == json!(["GT"]))
        .and_then(|c| c["value"].as_u64())
}

#[actix_web::test]
async fn a_manual_aggregate_replaces_the_derived_false_passport_figure() {
    let app = spawn_app().await;
    let gt = app.user("GT", &[Role::Officer]).await;
    let gt_analyst = app.user("GT", &[Role::Analyst]).await;
    let hn = app.user("HN", &[Role::Officer]).await;
    let mx = app.user("MX", &[Role::Analyst]).await;
    let cases: Vec<Value> = (0..4)
        .map(|i| {
            let mut v = serde_json::to_value(enlace::formato::sample::typical_case(500 + i, "GT")).unwrap();
            v["include_in_statistics"] = json!(true);
            v["documents"][0]["fraud_type"] = json!("counterfeit");
            v
        })
        .collect();
    let res = app.post("/api/v1/cases/batch", Some(&gt.token), &json!({"cases": cases})).await;
    assert_eq!(res.json()["created"], 4, "{}", res.text());

    let own = |q: &str| format!("/api/v1/statistics/false-passports?reporting_country=GT{q}");
    let all = app.get(&own(""), Some(&gt.token)).await.json();
    assert_eq!(all["totals"]["mode"], "exact");
    let derived_total = gt_total(&all).unwrap();
    assert!(derived_total >= 4, "{all}");
    let sources = all["sources"].as_array().unwrap().clone();
    assert!(sources.iter().all(|s| s["source"] == "cases"), "{sources:?}");
    let semester = sources[0]["semester"].as_str().unwrap().to_owned();
    let derived_s = gt_total(&app.get(&own(&format!("&semester={semester}")), Some(&gt.token)).await.json()).unwrap();
    assert!(derived_s >= 1);

    // GT submits its aggregate for that semester.
    let path = format!("/api/v1/false-passport-reports/GT/{semester}");
    let body = json!({"persons_with_false_passports": 25,
                      "breakdowns": {"fraud_type": {"counterfeit": 20, "forged": 5}}});
    assert_eq!(app.put(&path, &hn.token, &body, None).await.status, 403, "another country");
    assert_eq!(app.put(&path, &gt_analyst.token, &body, None).await.status, 403, "analysts do not submit");
    let bad = json!({"persons_with_false_passports": 25, "breakdowns": {"fraud_type": {"counterfeit": 2}}});
    assert_eq!(app.put(&path, &gt.token, &bad, None).await.status, 422, "breakdown must add up");
    assert_eq!(app.put("/api/v1/false-passport-reports/GT/2025-S3", &gt.token, &body, None).await.status, 422);
    let res = app.put(&path, &gt.token, &body, None).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let tag = res.header("etag").unwrap();

    // The aggregate replaces the derived figure of that semester (no double counting).
    let v = app.get(&own(&format!("&semester={semester}")), Some(&gt.token)).await.json();
    assert_eq!(gt_total(&v), Some(25));
    assert_eq!(v["sources"], json!([{"reporting_country": "GT", "semester": semester, "source": "manual_report"}]));
    let fraud = &v["breakdowns"]["fraud_type"]["table"]["cells"];
    let cell = |code: &str| {
        fraud.as_array().unwrap().iter().find(|c| c["key"] == json!(["GT", code])).unwrap()["value"].clone()
    };
    assert_eq!(cell("counterfeit"), 20);
    assert_eq!(cell("forged"), 5);
    let v = app.get(&own(""), Some(&gt.token)).await.json();
    assert_eq!(gt_total(&v), Some(derived_total - derived_s + 25));
    assert!(
        v["sources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["semester"] == semester.as_str() && s["source"] == "manual_report")
    );
    assert!(
        !v["sources"].as_array().unwrap().iter().any(|s| s["semester"] == semester.as_str() && s["source"] == "cases")
    );

    // Other countries get it under disclosure control (perturbed like every figure), with the source.
    let v = app.get(&format!("/api/v1/statistics/false-passports?semester={semester}"), Some(&mx.token)).await.json();
    assert_eq!(v["totals"]["mode"], "disclosure_controlled");
    assert!(gt_total(&v).unwrap().abs_diff(25) <= 2, "{v}");
    assert!(
        v["sources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["reporting_country"] == "GT" && s["source"] == "manual_report")
    );

    // The raw aggregate is GT's own: others get 404.
    assert_eq!(app.get(&path, Some(&gt_analyst.token)).await.status, 200);
    assert_eq!(app.get(&path, Some(&mx.token)).await.status, 404);
    assert_eq!(app.get(&path, Some(&hn.token)).await.status, 404);

    // Replacing needs If-Match; a stale one is refused.
    let smaller = json!({"persons_with_false_passports": 12});
    assert_eq!(app.put(&path, &gt.token, &smaller, None).await.status, 428);
    assert_eq!(app.put(&path, &gt.token, &smaller, Some("\"v9\"")).await.status, 412);
    let res = app.put(&path, &gt.token, &smaller, Some(&tag)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let v = app.get(&format!("/api/v1/statistics/false-passports?semester={semester}"), Some(&mx.token)).await.json();
    assert!(gt_total(&v).unwrap().abs_diff(12) <= 2, "{v}");
    let v = app.get(&own(&format!("&semester={semester}")), Some(&gt.token)).await.json();
    assert_eq!(v["breakdowns"]["fraud_type"]["table"]["cells"][0]["key"], json!(["GT", "unknown"]));

    // Withdrawn: the derived figure applies again.
    assert_eq!(app.send("DELETE", &path, Some(&hn.token), None, &[]).await.status, 404);
    assert_eq!(app.send("DELETE", &path, Some(&gt.token), None, &[]).await.status, 204);
    let v = app.get(&own(&format!("&semester={semester}")), Some(&gt.token)).await.json();
    assert_eq!(gt_total(&v), Some(derived_s));
    assert_eq!(v["sources"][0]["source"], "cases");

    assert_eq!(app.audit_count("false_passport_report_create"), 1);
    assert_eq!(app.audit_count("false_passport_report_update"), 1);
    assert_eq!(app.audit_outcomes("false_passport_report_delete"), vec![("allowed".into(), 1), ("denied".into(), 1)]);
    assert_eq!(app.audit_outcomes("false_passport_report_read"), vec![("allowed".into(), 1), ("denied".into(), 2)]);
    assert!(app.audit_outcomes("false_passport_report_put").iter().any(|(o, n)| o == "denied" && *n == 2));
    assert!(app.audit_count("statistics_false_passports") >= 8);
}

/// Every query a viewer can make: each measure by each of its dimensions, a few crossings of
/// two and three (multi-valued ones included), filters on case, entity and multi-valued
/// dimensions, period bounds, the routes and the false-passport report — as a foreign analyst
/// (shared form, disclosure control) and as the reporting country on its own cases (exact).
fn every_query() -> Vec<String> {
    use enlace::statistics::query::{DIMENSIONS, Measure, check_dimension};
    let measures = [
        (Measure::Cases, "cases"),
        (Measure::Persons, "persons"),
        (Measure::Victims, "victims"),
        (Measure::SmuggledPersons, "smuggled_persons"),
        (Measure::Minors, "minors"),
        (Measure::Suspects, "suspects"),
        (Measure::FalseDocuments, "false_documents"),
    ];
    let mut qs = vec![];
    for (m, name) in measures {
        let dims: Vec<&str> =
            DIMENSIONS.iter().map(|(d, _)| *d).filter(|d| check_dimension(m, "group_by", d).is_ok()).collect();
        qs.push(format!("measure={name}"));
        for d in &dims {
            qs.push(format!("measure={name}&group_by={d}"));
        }
        qs.push(format!("measure={name}&group_by={},{}", dims[dims.len() - 1], dims[1]));
        qs.push(format!("measure={name}&group_by=year,{}&from=2020&to=2025-S1", dims[dims.len() - 2]));
        qs.push(format!("measure={name}&group_by=route,case_type,month&case_type=trafficking"));
    }
    qs.extend([
        "measure=persons&group_by=citizenship,exploitation_type,sex&from=2021-03".to_owned(),
        "measure=victims&group_by=means_of_control&citizenship=HN&offence_type=trafficking_in_persons".to_owned(),
        "measure=suspects&group_by=suspect_role,citizenship&transport_means=bus".to_owned(),
        "measure=false_documents&group_by=issuing_state,fraud_type&to=2024-S2".to_owned(),
        "measure=cases&group_by=traveller_indicator,smuggling_mode&border_crossing_type=unofficial_crossing".to_owned(),
    ]);
    let mut out = vec![];
    for q in qs {
        out.push(format!("/api/v1/statistics?{q}"));
        out.push(format!("/api/v1/statistics?{q}&reporting_country=GT"));
    }
    out.push("/api/v1/statistics/routes".into());
    out.push("/api/v1/statistics/routes?reporting_country=GT&from=2022".into());
    out.push("/api/v1/statistics/false-passports?from=2019-S1&to=2026-S2".into());
    out.push("/api/v1/statistics/false-passports?from=2019-S1&to=2026-S2&reporting_country=GT".into());
    out
}

/// Every answer, without the time it was computed.
async fn answers(app: &TestApp, foreign: &TestUser, own: &TestUser) -> Vec<Value> {
    let mut out = vec![];
    for q in every_query() {
        let viewer = if q.contains("reporting_country=GT") { own } else { foreign };
        let res = app.get(&q, Some(&viewer.token)).await;
        assert_eq!(res.status, 200, "{q}: {}", res.text());
        let mut v = res.json();
        let strip = |r: &mut Value| {
            r.as_object_mut().map(|o| o.remove("data_as_of"));
        };
        strip(&mut v);
        strip(&mut v["totals"]);
        if let Some(b) = v.get_mut("breakdowns").and_then(Value::as_object_mut) {
            b.values_mut().for_each(strip);
        }
        out.push(json!({"query": q, "answer": v}));
    }
    out
}

fn mark_dirty(app: &TestApp, every: usize) -> usize {
    use diesel::prelude::*;
    use enlace::db::schema::{stat_case_facts, stat_dirty};
    let parts: Vec<String> =
        stat_case_facts::table.select(stat_case_facts::part).distinct().load(&mut app.conn()).unwrap();
    let chosen: Vec<&String> = parts.iter().step_by(every).collect();
    for p in &chosen {
        diesel::insert_into(stat_dirty::table)
            .values((stat_dirty::part.eq(p.as_str()), stat_dirty::marked_at.eq(0i64)))
            .execute(&mut app.conn())
            .unwrap();
    }
    chosen.len()
}

#[actix_web::test]
async fn compacted_segments_and_fresh_records_give_the_same_answers() {
    use diesel::prelude::*;
    use enlace::db::schema::stat_dirty;
    // No background compaction: the test decides which partitions are compacted.
    let app = spawn_with(|l| l.stats_compaction_ms = Some(0)).await;
    let mut officers = BTreeMap::new();
    for c in ["GT", "HN", "MX"] {
        let officer = app.user(c, &[Role::Officer]).await;
        let cases: Vec<Value> = (0..12u64)
            .map(|i| {
                let mut v = serde_json::to_value(enlace::formato::sample::full_case(i * 7 + 1, c)).unwrap();
                v["include_in_statistics"] = json!(true);
                v
            })
            .collect();
        let res = app.post("/api/v1/cases/batch", Some(&officer.token), &json!({"cases": cases})).await;
        assert_eq!(res.status, 200, "{}", res.text());
        assert_eq!(res.json()["rejected"], 0, "{}", res.text());
        officers.insert(c, officer);
    }
    // GT reserves a few fields, so its shared form differs from its raw form.
    let gt_admin = app.user("GT", &[Role::CountryAdmin]).await;
    let res = app
        .send(
            "PUT",
            "/api/v1/parties/GT/reservation-policy",
            Some(&gt_admin.token),
            Some(&json!({"include_in_statistics": true, "fields": [
            {"path": "persons[].sex", "flag": "reserved", "legal_basis": "Ley de protección de datos"},
            {"path": "route[].to_country", "flag": "reserved", "legal_basis": "Ley de protección de datos"}]})),
            &[("If-Match", "*")],
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let foreign = app.user("MX", &[Role::Analyst]).await;
    let own = &officers["GT"];
    let pending = |app: &TestApp| -> i64 { stat_dirty::table.count().get_result(&mut app.conn()).unwrap() };

    assert!(pending(&app) > 0, "every write marked its partition");
    let fresh = answers(&app, &foreign, own).await;
    let cells: usize = fresh.iter().map(|a| a["answer"]["table"]["cells"].as_array().map_or(0, Vec::len)).sum();
    assert!(cells > 500, "the queries produce real tables ({cells} cells)");
    let exact: u64 = fresh
        .iter()
        .filter(|a| a["answer"]["mode"] == "exact")
        .flat_map(|a| a["answer"]["table"]["cells"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c["value"].as_u64())
        .sum();
    assert!(exact > 0, "the reporting country's own figures are not all zero");

    let parts = enlace::statistics::store::compact(&mut app.conn(), true, usize::MAX).unwrap();
    assert!(parts > 10, "{parts} partitions");
    assert_eq!(pending(&app), 0);
    let compacted = answers(&app, &foreign, own).await;
    assert_eq!(fresh, compacted, "segments answer exactly as the records they were built from");

    // Some partitions changed since their compaction, the others not.
    assert!(mark_dirty(&app, 3) > 0);
    let mixed = answers(&app, &foreign, own).await;
    assert_eq!(fresh, mixed);

    // A change is seen at once, compacted or not.
    let hn = &officers["HN"];
    let list = app.get("/api/v1/cases?limit=5&reporting_country=HN", Some(&hn.token)).await.json();
    let own_items = list["items"].as_array().unwrap().iter().filter(|i| i["reporting_country"] == "HN");
    let mut edited = 0;
    for item in own_items.take(3) {
        edited += 1;
        let path = format!("/api/v1/cases/{}", item["case_id"].as_str().unwrap());
        let res = app.get(&path, Some(&hn.token)).await;
        let etag = res.header("etag").unwrap();
        let mut doc = res.json();
        strip_system_fields(&mut doc);
        doc["persons"][0]["sex"] = json!("unspecified");
        let res = app.send("PUT", &path, Some(&hn.token), Some(&doc), &[("If-Match", etag.as_str())]).await;
        assert_eq!(res.status, 200, "{}", res.text());
    }
    assert_eq!(edited, 3);
    let changed = answers(&app, &foreign, own).await;
    assert_ne!(changed, mixed, "the edits move some figure");
    enlace::statistics::store::compact(&mut app.conn(), true, usize::MAX).unwrap();
    assert_eq!(changed, answers(&app, &foreign, own).await);
}

/// Published tables of the consistency test, as a foreign analyst reads them.
const VIEWS: [&str; 5] = [
    "measure=cases&group_by=reporting_country",
    "measure=cases&group_by=reporting_country,detection_setting",
    "measure=cases&group_by=detection_setting&reporting_country=GT",
    "measure=cases&group_by=reporting_country&detection_setting=air_bcp",
    "measure=persons&group_by=reporting_country,sex",
];

async fn views(app: &TestApp, token: &str) -> Vec<Value> {
    let mut out = vec![];
    for q in VIEWS {
        let res = app.get(&format!("/api/v1/statistics?{q}"), Some(token)).await;
        assert_eq!(res.status, 200, "{}", res.text());
        out.push(res.json()["table"].clone());
    }
    out
}

/// A published figure; a category a table does not have is an empty cell there (0).
fn value(table: &Value, key: Value) -> Value {
    let mut all = table["cells"].as_array().unwrap().iter().chain(table["margins"].as_array().unwrap());
    all.find(|e| e["key"] == key).map_or(json!(0), |e| e["value"].clone())
}

#[actix_web::test]
async fn a_figure_is_the_same_in_every_table_after_compaction_restart_and_on_both_backends() {
    let w = world().await;
    let mx = w.app.user("MX", &[Role::Analyst]).await;
    let before = views(&w.app, &mx.token).await;
    // The same cases give the same published value, whichever table they are counted in.
    for c in COUNTRIES {
        let total = value(&before[0], json!([c]));
        assert_eq!(value(&before[1], json!([c, null])), total, "{c}: a country's total in two tables");
        for s in SETTINGS {
            let cell = value(&before[1], json!([c, s]));
            if c == "GT" {
                assert_eq!(value(&before[2], json!([s])), cell, "GT {s}: filtered or grouped");
            }
            if s == "air_bcp" {
                assert_eq!(value(&before[3], json!([c])), cell, "{c} air_bcp: filtered or grouped");
            }
        }
    }
    assert_eq!(value(&before[2], json!([null])), value(&before[0], json!(["GT"])));
    assert_eq!(views(&w.app, &mx.token).await, before, "a repeated query gives the same answer");

    // Compacting the partitions (segments instead of records) changes no published figure.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_enlace"))
        .args(["stats", "compact", "--database-url", &w.app.db_url, "--data-dir", w.app.data_dir.to_str().unwrap()])
        .env("ENLACE_LOG", "error")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(views(&w.app, &mx.token).await, before, "after compaction");

    // Nor does a restart.
    let app = w.app.restart(|_| {}).await;
    let mx = app.user("MX", &[Role::Analyst]).await;
    assert_eq!(views(&app, &mx.token).await, before, "after a restart");

    // The same data, keyed under fixed statistics salts, gives on every backend the tables below
    // (the salts are random in service; fixed here so that SQLite and PostgreSQL runs can be
    // compared with one expected answer).
    let fixed = {
        use diesel::prelude::*;
        use enlace::db::schema::{cases, derived_versions};
        let mut conn = app.conn();
        let rows: Vec<(String, String)> = cases::table.select((cases::id, cases::document)).load(&mut conn).unwrap();
        for (id, doc) in rows {
            let doc: Value = serde_json::from_str(&doc).unwrap();
            let salt = format!("fixed-{}", doc["persons"][0]["id"].as_str().unwrap());
            diesel::update(cases::table.find(&id)).set(cases::stat_salt.eq(salt)).execute(&mut conn).unwrap();
        }
        diesel::delete(derived_versions::table.find("stat_records")).execute(&mut conn).unwrap();
        app.restart(|_| {}).await
    };
    let mx = fixed.user("MX", &[Role::Analyst]).await;
    // The figures are compared; their labels are tested in `csv_and_json_agree_and_roles_are_enforced`.
    let mut golden = views(&fixed, &mx.token).await;
    for table in &mut golden {
        for entries in ["cells", "margins"] {
            for e in table[entries].as_array_mut().unwrap() {
                e.as_object_mut().unwrap().remove("labels");
            }
        }
    }
    let expected0 = r#"{"cells":[{"key":["CR"],"value":53},{"key":["GT"],"value":"<k"},{"key":["HN"],"value":22},{"key":["SV"],"value":38}],"margins":[{"key":[null],"value":120}],"suppressed_cells":1,"suppressed_margins":0}"#;
    let expected4 = r#"{"cells":[{"key":["CR","female"],"value":66},{"key":["CR","male"],"value":96},{"key":["GT","female"],"value":"<k"},{"key":["GT","male"],"value":"<k"},{"key":["HN","female"],"value":23},{"key":["HN","male"],"value":43},{"key":["SV","female"],"value":61},{"key":["SV","male"],"value":51}],"margins":[{"key":["CR",null],"value":161},{"key":["GT",null],"value":19},{"key":["HN",null],"value":64},{"key":["SV",null],"value":114},{"key":[null,"female"],"value":160},{"key":[null,"male"],"value":200},{"key":[null,null],"value":360}],"suppressed_cells":2,"suppressed_margins":0}"#;
    assert_eq!(golden[0].to_string(), expected0);
    assert_eq!(golden[4].to_string(), expected4);
}
