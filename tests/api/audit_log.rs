//! The audit chain: append, verify, tamper detection, append-only enforcement, concurrency.

use diesel::RunQueryDsl;
use enlace::audit::{self, Event, Outcome, RequestContext};
use serde_json::json;

use crate::helpers::*;

fn event(i: usize) -> Event {
    let ctx = RequestContext { request_id: format!("req-{i}"), client_addr: Some("127.0.0.1".into()), actor: None };
    Event::new(&ctx, "test_event", "test", Outcome::Allowed).details(json!({"i": i}))
}

fn cli_verify(app: &TestApp) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_enlace"))
        .args(["audit", "verify", "--database-url", &app.db_url, "--data-dir", app.data_dir.to_str().unwrap()])
        .output()
        .expect("run enlace audit verify");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
}

fn drop_update_guard(app: &TestApp) {
    let sql = if is_postgres() {
        "DROP TRIGGER audit_events_no_update ON audit_events"
    } else {
        "DROP TRIGGER audit_events_no_update"
    };
    diesel::sql_query(sql).execute(&mut app.conn()).unwrap();
    if !is_postgres() {
        diesel::sql_query("DROP TRIGGER audit_events_no_delete").execute(&mut app.conn()).unwrap();
    }
}

#[actix_web::test]
async fn requests_are_audited_and_the_chain_verifies() {
    let app = spawn_app().await;
    let res = app.login("nobody", "wrong password here", None).await;
    assert_eq!(res.status, 401);
    assert_eq!(app.audit_count("authn_login_fail"), 1);
    let report = audit::verify(&mut app.conn()).unwrap();
    assert!(report.ok, "{report:?}");
    assert!(report.events >= 2, "initial admin creation and the failed login: {report:?}");
    let (ok, out) = cli_verify(&app);
    assert!(ok, "{out}");
    assert!(out.contains("audit chain OK"), "{out}");
}

#[actix_web::test]
async fn an_edited_event_is_reported_with_its_position() {
    let app = spawn_app().await;
    let mut conn = app.conn();
    for i in 0..10 {
        audit::write(&mut conn, |_, events| {
            events.push(event(i));
            Ok(())
        })
        .unwrap();
    }
    drop_update_guard(&app);
    // An attacker with database access rewrites one event's details.
    diesel::sql_query("UPDATE audit_events SET details = '{\"i\":999}' WHERE seq = 5").execute(&mut conn).unwrap();
    let report = audit::verify(&mut conn).unwrap();
    assert!(!report.ok);
    assert_eq!(report.first_broken_seq, Some(5), "{report:?}");
    let (ok, out) = cli_verify(&app);
    assert!(!ok, "verify must exit non-zero");
    assert!(out.contains("BROKEN at event 5"), "{out}");
}

#[actix_web::test]
async fn deleted_and_truncated_events_are_reported() {
    let app = spawn_app().await;
    let mut conn = app.conn();
    for i in 0..6 {
        audit::write(&mut conn, |_, events| {
            events.push(event(i));
            Ok(())
        })
        .unwrap();
    }
    drop_update_guard(&app);
    let total = audit::verify(&mut conn).unwrap().head_seq;
    // Truncate the tail: the head records more events than the table holds.
    diesel::sql_query(format!("DELETE FROM audit_events WHERE seq = {total}")).execute(&mut conn).unwrap();
    let report = audit::verify(&mut conn).unwrap();
    assert!(!report.ok);
    assert_eq!(report.first_broken_seq, Some(total), "{report:?}");
    // Remove one in the middle.
    diesel::sql_query("DELETE FROM audit_events WHERE seq = 3").execute(&mut conn).unwrap();
    let report = audit::verify(&mut conn).unwrap();
    assert_eq!(report.first_broken_seq, Some(3), "{report:?}");
}

#[actix_web::test]
async fn the_database_refuses_update_and_delete_on_the_audit_table() {
    let app = spawn_app().await;
    let mut conn = app.conn();
    audit::write(&mut conn, |_, events| {
        events.push(event(1));
        Ok(())
    })
    .unwrap();
    let mut statements = vec!["UPDATE audit_events SET action = 'forged'", "DELETE FROM audit_events"];
    if is_postgres() {
        statements.push("TRUNCATE audit_events");
    }
    for sql in statements {
        let err = diesel::sql_query(sql).execute(&mut conn).expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    assert!(audit::verify(&mut conn).unwrap().ok);
}

#[actix_web::test]
async fn concurrent_writers_never_fork_the_chain() {
    let app = spawn_app().await;
    let before = audit::verify(&mut app.conn()).unwrap().events;
    // 8 threads × 500 events, each event its own transaction on its own connection.
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let url = app.db_url.clone();
            std::thread::spawn(move || {
                let mut conn = enlace::db::establish(&url).unwrap();
                for i in 0..500 {
                    audit::write(&mut conn, |_, events| {
                        events.push(event(t * 1000 + i));
                        Ok(())
                    })
                    .unwrap();
                }
            })
        })
        .collect();
    // Meanwhile the group-commit writer of the running server records failed sign-ins.
    let names: Vec<String> = (0..20).map(|i| format!("ghost{i}")).collect();
    let logins = names.iter().map(|n| app.login(n, "not the password at all", None));
    for res in futures_util::future::join_all(logins).await {
        assert!(res.status == 401 || res.status == 429, "{}", res.status);
    }
    for t in threads {
        t.join().unwrap();
    }
    let report = audit::verify(&mut app.conn()).unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.events, before + 4000 + 20, "{report:?}");
}
