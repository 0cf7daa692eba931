//! The attack on published statistics (issue #16), written from the published answers alone and
//! independently of the production code: an observer and a foreign analyst ask every 1-, 2- and
//! 3-dimension table over the dimensions where the seeded data has small groups, with and
//! without each equality filter, plus the route flows and the semester false-passport report,
//! and then try to recover any true count from 1 to k−1.
//!
//! Every published figure is a variable named by what it counts (the measure and the set of
//! `dimension = value` conditions that select its units, filters included), so the same figure
//! reached through different tables is the same variable. What the attacker knows:
//! - a published number v: the truth is within [v − D, v + D] (D as each response states it; a
//!   response that states none is taken as exact), and not below 0;
//! - a withheld `<k`: the published value was from 1 to k − 1, so the truth is within
//!   [1 − D, k − 1 + D];
//! - every margin over a single-valued dimension is the sum of the figures one level below it
//!   (true counts always add up, whatever is published).
//!
//! Bounds are propagated through the equations to a fixed point; a variable pinned to one value
//! from 1 to k − 1 is a recovered small count. The seeded data reproduces the cases found from
//! outside: Panama with 11 female and 3 male victims (3 = 14 − 11 by differencing a country total
//! and a cell), and Belize's false passports, 16 at land crossings and 1 at an airport.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use enlace::access::Role;
use serde_json::{Value, json};

use crate::helpers::*;

/// A case with one person of `role` and `sex` detected at `setting` (and, with
/// `false_passport`, the person's counterfeit passport), in March 2025.
fn case(country: &str, seed: u64, role: &str, sex: &str, setting: &str, false_passport: bool) -> Value {
    let mut v = serde_json::to_value(enlace::formato::sample::typical_case(seed, country)).unwrap();
    let mut person = v["persons"][0].clone();
    person["person_role"] = json!(role);
    person["sex"] = json!(sex);
    let holder = person["id"].clone();
    v["persons"] = json!([person]);
    v["persons_affected_count"] = json!(1);
    let obj = v.as_object_mut().unwrap();
    for k in [
        "minors_count",
        "victims_count",
        "smuggled_persons_count",
        "detection_setting_other",
        "minor_companions",
        "assistance",
    ] {
        obj.remove(k);
    }
    v["detection_setting"] = json!(setting);
    v["date_detected"] = json!("2025-03-10");
    v["date_opened"] = json!("2025-03-12");
    v["include_in_statistics"] = json!(true);
    v["sharing"] = json!({"scope": "national"});
    v["documents"] = if false_passport {
        json!([{"id": uuid::Uuid::new_v4().to_string(), "document_type": "passport", "fraud_type": "counterfeit",
                "holder_ref": holder, "detection_setting": setting, "detection_date": "2025-03-10",
                "issuing_state": "MEX", "nationality_in_document": "MEX"}])
    } else {
        json!([])
    };
    v
}

/// (country, role, sex, setting, false passport, how many cases)
const SEED: &[(&str, &str, &str, &str, bool, usize)] = &[
    ("PA", "trafficking_victim", "female", "land_bcp", false, 11),
    ("PA", "trafficking_victim", "male", "land_bcp", false, 3),
    ("GT", "trafficking_victim", "female", "air_bcp", false, 10),
    ("GT", "trafficking_victim", "female", "land_bcp", false, 8),
    ("GT", "trafficking_victim", "male", "air_bcp", false, 12),
    ("HN", "trafficking_victim", "female", "unofficial_crossing", false, 13),
    ("HN", "trafficking_victim", "male", "land_bcp", false, 12),
    ("BZ", "smuggled_migrant", "male", "land_bcp", true, 16),
    ("BZ", "smuggled_migrant", "male", "air_bcp", true, 1),
];

/// The attacker's knowledge: an interval per variable and the equations between them.
#[derive(Default)]
struct Knowledge {
    bounds: HashMap<String, (i64, i64)>,
    equations: BTreeSet<(String, Vec<String>)>,
    tables: usize,
}

const UNBOUNDED: i64 = i64::MAX / 1024;

impl Knowledge {
    fn observe(&mut self, var: &str, lo: i64, hi: i64) {
        let e = self.bounds.entry(var.to_owned()).or_insert((0, UNBOUNDED));
        e.0 = e.0.max(lo.max(0));
        e.1 = e.1.min(hi);
    }

    /// Read one published table (a statistics result) into variables and equations.
    fn read(&mut self, r: &Value) {
        self.tables += 1;
        let measure = r["measure"].as_str().unwrap().to_owned();
        let dims: Vec<String> =
            r["dimensions"].as_array().unwrap().iter().map(|d| d.as_str().unwrap().to_owned()).collect();
        let multi: BTreeSet<String> =
            r["multi_valued"].as_array().unwrap().iter().map(|d| d.as_str().unwrap().to_owned()).collect();
        let filters: BTreeMap<String, String> = r["filters"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        // A response that states no perturbation is taken as exact; there (suppression alone) a
        // withheld margin may hide any count, a withheld cell one from 1 to k − 1.
        let perturbed = r["disclosure"]["method"] == "cell_key_perturbation";
        let d = if perturbed { r["disclosure"]["max_deviation"].as_i64().unwrap() } else { 0 };
        let k = r["threshold_k"].as_i64().unwrap();
        let var = |key: &[Option<String>]| -> String {
            let mut conditions: BTreeMap<String, String> = filters.clone();
            for (dim, v) in dims.iter().zip(key) {
                if let Some(v) = v {
                    conditions.insert(dim.clone(), v.clone());
                }
            }
            let c: Vec<String> = conditions.iter().map(|(a, b)| format!("{a}={b}")).collect();
            format!("{measure}|{}", c.join("&"))
        };
        let entries: Vec<(Vec<Option<String>>, Value)> = r["table"]["cells"]
            .as_array()
            .unwrap()
            .iter()
            .chain(r["table"]["margins"].as_array().unwrap())
            .map(|e| {
                let key = e["key"].as_array().unwrap().iter().map(|x| x.as_str().map(str::to_owned)).collect();
                (key, e["value"].clone())
            })
            .collect();
        let cells = r["table"]["cells"].as_array().unwrap().len();
        for (n, (key, value)) in entries.iter().enumerate() {
            let name = var(key);
            match value.as_i64() {
                Some(v) => self.observe(&name, v - d, v + d),
                None if perturbed || n < cells => self.observe(&name, 1 - d, k - 1 + d),
                None => self.observe(&name, 0, UNBOUNDED),
            }
        }
        // Every figure of the lattice of this table — published here or not — is the sum, over
        // each single-valued dimension it sums over, of the figures that fix that dimension too.
        let categories: Vec<BTreeSet<String>> =
            (0..dims.len()).map(|i| entries.iter().filter_map(|(key, _)| key[i].clone()).collect()).collect();
        let mut lattice: Vec<Vec<Option<String>>> = vec![vec![]];
        for cats in &categories {
            lattice = lattice
                .into_iter()
                .flat_map(|k| {
                    std::iter::once(None)
                        .chain(cats.iter().cloned().map(Some))
                        .map(move |c| [k.clone(), vec![c]].concat())
                })
                .collect();
        }
        for key in &lattice {
            self.observe(&var(key), 0, UNBOUNDED);
            for (i, dim) in dims.iter().enumerate() {
                if key[i].is_some() || multi.contains(dim) {
                    continue;
                }
                let children: Vec<String> = categories[i]
                    .iter()
                    .map(|c| {
                        let mut child = key.clone();
                        child[i] = Some(c.clone());
                        var(&child)
                    })
                    .collect();
                if !children.is_empty() {
                    self.equations.insert((var(key), children));
                }
            }
        }
    }

    /// Bounds propagation to a fixed point.
    fn solve(&mut self) {
        for _ in 0..1000 {
            let mut changed = false;
            for (parent, children) in &self.equations {
                let b = |v: &str| self.bounds[v];
                // In i128, so that sums of unbounded figures stay exact.
                let (sum_lo, sum_hi) = children.iter().fold((0i128, 0i128), |(l, h), c| {
                    let (cl, ch) = b(c);
                    (l + cl as i128, h + ch as i128)
                });
                let (plo, phi) = b(parent);
                let clamp = |x: i128| x.clamp(-(UNBOUNDED as i128), UNBOUNDED as i128) as i64;
                let mut updates = vec![(parent.clone(), plo.max(clamp(sum_lo)), phi.min(clamp(sum_hi)))];
                for c in children {
                    let (cl, ch) = b(c);
                    let lo = cl.max(clamp(plo as i128 - (sum_hi - ch as i128)));
                    let hi = ch.min(clamp(phi as i128 - (sum_lo - cl as i128)));
                    updates.push((c.clone(), lo, hi));
                }
                for (v, lo, hi) in updates {
                    let e = self.bounds.get_mut(&v).unwrap();
                    if (lo > e.0 || hi < e.1) && e.0 <= e.1 {
                        *e = (lo.max(e.0), hi.min(e.1));
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        // The published figures are consistent with the stated method: no interval is empty.
        for (v, (lo, hi)) in &self.bounds {
            assert!(lo <= hi, "{v}: the published figures contradict the stated perturbation ({lo} > {hi})");
        }
    }

    /// Variables pinned to one value from 1 to k − 1.
    fn recovered(&self, k: i64) -> Vec<(String, i64)> {
        let mut out: Vec<(String, i64)> = self
            .bounds
            .iter()
            .filter(|(_, (lo, hi))| lo == hi && (1..k).contains(lo))
            .map(|(v, (lo, _))| (v.clone(), *lo))
            .collect();
        out.sort();
        out
    }
}

/// Every 1-, 2- and 3-dimension table of `dims`, without filters and with each equality filter
/// on a dimension it does not group by.
async fn tables(
    app: &TestApp,
    token: &str,
    measure: &str,
    dims: &[&str],
    values: &BTreeMap<&str, Vec<String>>,
) -> Vec<Value> {
    let mut out = vec![];
    for mask in 1u32..(1 << dims.len()) {
        let group: Vec<&str> = dims.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, d)| *d).collect();
        let mut queries = vec![String::new()];
        for d in dims.iter().filter(|d| !group.contains(d)) {
            for v in &values[d] {
                queries.push(format!("&{d}={v}"));
            }
        }
        for f in queries {
            let res = app
                .get(&format!("/api/v1/statistics?measure={measure}&group_by={}{f}", group.join(",")), Some(token))
                .await;
            assert_eq!(res.status, 200, "{}", res.text());
            out.push(res.json());
        }
    }
    out
}

#[actix_web::test]
async fn no_small_count_can_be_recovered_from_all_published_tables() {
    let app = spawn_with(|l| l.stats_compaction_ms = Some(0)).await;
    let mut seed = 500;
    for c in ["PA", "GT", "HN", "BZ"] {
        let officer = app.user(c, &[Role::Officer]).await;
        let mut cases = vec![];
        for (country, role, sex, setting, fp, n) in SEED.iter().filter(|s| s.0 == c) {
            for _ in 0..*n {
                seed += 1;
                cases.push(case(country, seed, role, sex, setting, *fp));
            }
        }
        let res = app.post("/api/v1/cases/batch", Some(&officer.token), &json!({"cases": cases})).await;
        assert_eq!(res.status, 200, "{}", res.text());
        assert_eq!(res.json()["rejected"], 0, "{}", res.text());
    }
    let st = app.user("ST", &[Role::StAdmin]).await;
    let res = app
        .post(
            "/api/v1/parties",
            Some(&st.token),
            &json!({"code": "OIM", "kind": "observer", "name_es": "OIM", "name_en": "IOM"}),
        )
        .await;
    assert_eq!(res.status, 201);
    let observer = app.user("OIM", &[Role::StatisticsReader]).await;
    let analyst = app.user("MX", &[Role::Analyst]).await;

    let values: BTreeMap<&str, Vec<String>> = BTreeMap::from([
        ("reporting_country", ["BZ", "GT", "HN", "PA"].map(String::from).to_vec()),
        ("sex", ["female", "male"].map(String::from).to_vec()),
        ("detection_setting", ["air_bcp", "land_bcp", "unofficial_crossing"].map(String::from).to_vec()),
        ("document_setting", ["air_bcp", "land_bcp"].map(String::from).to_vec()),
    ]);
    let mut total = (0, 0);
    for (who, token) in [("observer", &observer.token), ("foreign analyst", &analyst.token)] {
        let mut kb = Knowledge::default();
        for measure in ["victims", "persons"] {
            for t in tables(&app, token, measure, &["reporting_country", "sex", "detection_setting"], &values).await {
                kb.read(&t);
            }
        }
        for t in tables(
            &app,
            token,
            "false_documents",
            &["reporting_country", "detection_setting", "document_setting"],
            &values,
        )
        .await
        {
            kb.read(&t);
        }
        let routes = app.get("/api/v1/statistics/routes", Some(token)).await;
        assert_eq!(routes.status, 200, "{}", routes.text());
        kb.read(&routes.json());
        for f in ["", "&reporting_country=BZ"] {
            let res = app.get(&format!("/api/v1/statistics/false-passports?semester=2025-S1{f}"), Some(token)).await;
            assert_eq!(res.status, 200, "{}", res.text());
            let report = res.json();
            kb.read(&report["totals"]);
            for b in report["breakdowns"].as_object().unwrap().values() {
                kb.read(b);
            }
        }
        kb.solve();
        let k = 10;
        let recovered = kb.recovered(k);
        let line = format!(
            "statistics attack ({who}): {} tables, {} equations, {} small counts recovered",
            kb.tables,
            kb.equations.len(),
            recovered.len()
        );
        super::security::figure(line);
        assert!(recovered.is_empty(), "{who} recovered small counts: {recovered:?}");
        // The attack is real: with the same tables it pins down large counts it can bound.
        assert!(kb.bounds.values().any(|(lo, hi)| hi - lo <= 4 && *lo >= k), "the attacker learns the large figures");
        total.0 += kb.tables;
        total.1 += kb.equations.len();
    }
    assert!(total.0 > 150 && total.1 > 300, "{total:?}");
}

/// The solver is not toothless: on tables published with suppression alone (no perturbation,
/// as before this issue) it recovers Panama's 3 male victims and Belize's 1 airport passport.
#[test]
fn the_attack_recovers_what_suppression_alone_leaves() {
    let table = |measure: &str, dims: &[&str], filters: Value, cells: Value, margins: Value| {
        json!({"measure": measure, "dimensions": dims, "multi_valued": [], "filters": filters, "threshold_k": 10,
               "table": {"cells": cells, "margins": margins}})
    };
    let mut kb = Knowledge::default();
    kb.read(&table("victims", &["reporting_country"], json!({}), json!([{"key": ["PA"], "value": 14}]), json!([])));
    kb.read(&table(
        "victims",
        &["reporting_country", "sex"],
        json!({}),
        json!([{"key": ["PA", "female"], "value": 11}, {"key": ["PA", "male"], "value": "<k"}]),
        json!([{"key": ["PA", null], "value": "<k"}, {"key": [null, "female"], "value": 11}, {"key": [null, "male"], "value": "<k"}, {"key": [null, null], "value": "<k"}]),
    ));
    let semester = json!({"from": "2025-S1", "to": "2025-S1"});
    kb.read(&table(
        "false_passports",
        &["reporting_country"],
        semester.clone(),
        json!([{"key": ["BZ"], "value": 17}]),
        json!([]),
    ));
    kb.read(&table(
        "false_passports",
        &["reporting_country", "document_setting"],
        semester,
        json!([{"key": ["BZ", "air_bcp"], "value": "<k"}, {"key": ["BZ", "land_bcp"], "value": 16}]),
        json!([]),
    ));
    kb.solve();
    let recovered = kb.recovered(10);
    for (figure, n) in [
        ("false_passports|document_setting=air_bcp&from=2025-S1&reporting_country=BZ&to=2025-S1", 1),
        ("victims|reporting_country=PA&sex=male", 3),
    ] {
        assert!(recovered.contains(&(figure.to_owned(), n)), "{figure} = {n} not found in {recovered:?}");
    }
}
