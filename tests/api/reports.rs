//! Country reports (R13): role × party matrix, publication to observers, type by content (PDF,
//! DOCX, ODT; a PNG named .pdf is refused), size limit, nothing stored on refusal, a 20 MB
//! upload and streamed download with matching SHA-256, and the audit events.

use enlace::access::Role;
use futures_util::StreamExt;
use serde_json::json;

use crate::helpers::*;

/// A ZIP of stored (uncompressed) entries.
fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = vec![];
    let mut central = vec![];
    for (name, data) in entries {
        let offset = out.len() as u32;
        let header = |sig: &[u8], central_entry: bool| {
            let mut h = sig.to_vec();
            if central_entry {
                h.extend_from_slice(&20u16.to_le_bytes());
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // version needed
            h.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // flags, method, time, date, crc
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            if central_entry {
                h.extend_from_slice(&[0; 6]); // comment length, disk, internal attrs
                h.extend_from_slice(&[0; 4]); // external attrs
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend(header(b"PK\x03\x04", false));
        out.extend_from_slice(data);
        central.extend(header(b"PK\x01\x02", true));
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn docx() -> Vec<u8> {
    zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("_rels/.rels", b"<Relationships/>"),
        ("word/document.xml", b"<w:document/>"),
    ])
}

fn odt() -> Vec<u8> {
    zip(&[("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<office:document-content/>")])
}

pub fn pdf(n: usize) -> Vec<u8> {
    let mut v = b"%PDF-1.7\n".to_vec();
    let mut x: u32 = 0x1234_5678;
    while v.len() < n {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.truncate(n);
    v
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

/// Stored report content: chunks in the database, plus any file left in the data directory.
fn stored_files(app: &TestApp) -> usize {
    use diesel::prelude::*;
    use enlace::db::schema::country_report_chunks as ch;
    let count = |d: &str| std::fs::read_dir(app.data_dir.join(d)).map(|r| r.count()).unwrap_or(0);
    let chunks: i64 = ch::table.count().get_result(&mut app.conn()).unwrap();
    chunks as usize + count("files/reports") + count("files/tmp")
}

fn q(title: &str) -> String {
    format!("/api/v1/reports?title={title}&period=2026-S1&language=es")
}

#[actix_web::test]
async fn report_matrix_types_limits_and_publication() {
    let app = spawn_with(|l| l.max_report_bytes = Some(256 * 1024)).await;
    app.observer_party("OIM");
    let gt = app.user("GT", &[Role::Officer]).await;
    let gt_admin = app.user("GT", &[Role::CountryAdmin]).await;
    let gt_analyst = app.user("GT", &[Role::Analyst]).await;
    let mx = app.user("MX", &[Role::Officer]).await;
    let mx_stats = app.user("MX", &[Role::StatisticsReader]).await;
    let st = app.user("ST", &[Role::StAdmin]).await;
    let st_auditor = app.user("ST", &[Role::Auditor]).await;
    let obs = app.user("OIM", &[Role::StatisticsReader, Role::Auditor]).await;

    let res = app.upload("POST", &q("Informe%20GT"), &gt.token, "application/pdf", pdf(10_000)).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let info = res.json();
    assert_eq!(info["file_type"], "pdf");
    assert_eq!(info["country"], "GT");
    assert_eq!(info["title"], "Informe GT");
    assert_eq!(info["sha256"], enlace::auth::sha256_hex(&pdf(10_000)));
    let id = info["report_id"].as_str().unwrap().to_owned();
    let res = app.upload("POST", &q("docx"), &gt_admin.token, "application/octet-stream", docx()).await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.json()["file_type"], "docx");
    let res = app.upload("POST", &q("odt"), &st.token, "application/vnd.oasis.opendocument.text", odt()).await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.json()["file_type"], "odt");
    assert_eq!(res.json()["country"], "ST");
    let files = stored_files(&app);
    assert_eq!(files, 3);

    // Refusals store nothing: wrong role, a PNG named .pdf, an unrelated ZIP, too large, bad metadata.
    for u in [&gt_analyst, &mx_stats, &st_auditor, &obs] {
        assert_eq!(app.upload("POST", &q("x"), &u.token, "application/pdf", pdf(100)).await.status, 403);
    }
    let res = app.upload("POST", &q("informe.pdf"), &gt.token, "application/pdf", PNG.to_vec()).await;
    assert_eq!(res.status, 415);
    assert_eq!(res.problem(), "unsupported-media-type");
    let other_zip = zip(&[("data.csv", b"a,b")]);
    assert_eq!(app.upload("POST", &q("zip"), &gt.token, "application/zip", other_zip).await.status, 415);
    let res = app.upload("POST", &q("big"), &gt.token, "application/pdf", pdf(300 * 1024)).await;
    assert_eq!(res.status, 413, "{}", res.text());
    let res = app
        .upload(
            "POST",
            "/api/v1/reports?title=x&period=2026-S3&language=spanish",
            &gt.token,
            "application/pdf",
            pdf(100),
        )
        .await;
    assert_eq!(res.status, 422);
    let res = app
        .upload(
            "POST",
            "/api/v1/reports?title=x&period=2026&language=es&secret=1",
            &gt.token,
            "application/pdf",
            pdf(100),
        )
        .await;
    assert_eq!(res.status, 422);
    assert_eq!(stored_files(&app), files, "nothing stored by refused uploads");

    // Members read everything; observers nothing until the ST publishes.
    let n = |r: Resp| r.json()["items"].as_array().unwrap().len();
    for u in [&gt, &mx, &mx_stats, &st, &st_auditor] {
        assert_eq!(n(app.get("/api/v1/reports", Some(&u.token)).await), 3);
        assert_eq!(app.get(&format!("/api/v1/reports/{id}"), Some(&u.token)).await.status, 200);
        let res = app.get(&format!("/api/v1/reports/{id}/file"), Some(&u.token)).await;
        assert_eq!(res.status, 200);
        assert_eq!(res.body, pdf(10_000));
        assert_eq!(res.header("content-type").as_deref(), Some("application/pdf"));
        assert!(res.header("content-disposition").unwrap().starts_with("attachment"));
        assert_eq!(res.header("x-content-type-options").as_deref(), Some("nosniff"));
    }
    assert_eq!(n(app.get("/api/v1/reports?country=GT", Some(&mx.token)).await), 2);
    assert_eq!(n(app.get("/api/v1/reports", Some(&obs.token)).await), 0);
    assert_eq!(app.get(&format!("/api/v1/reports/{id}"), Some(&obs.token)).await.status, 404);
    assert_eq!(app.get(&format!("/api/v1/reports/{id}/file"), Some(&obs.token)).await.status, 404);
    let publication = format!("/api/v1/reports/{id}/publication");
    for u in [&gt_admin, &mx] {
        assert_eq!(app.put(&publication, &u.token, &json!({"published_to_observers": true}), None).await.status, 403);
    }
    assert_eq!(app.put(&publication, &obs.token, &json!({"published_to_observers": true}), None).await.status, 404);
    let res = app.put(&publication, &st.token, &json!({"published_to_observers": true}), None).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(n(app.get("/api/v1/reports", Some(&obs.token)).await), 1);
    let res = app.get(&format!("/api/v1/reports/{id}/file"), Some(&obs.token)).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.body, pdf(10_000));
    assert_eq!(app.put(&publication, &st.token, &json!({"published_to_observers": false}), None).await.status, 200);
    assert_eq!(app.get(&format!("/api/v1/reports/{id}"), Some(&obs.token)).await.status, 404);

    // Deletion: the uploading country only.
    let path = format!("/api/v1/reports/{id}");
    assert_eq!(app.send("DELETE", &path, Some(&mx.token), None, &[]).await.status, 403);
    assert_eq!(app.send("DELETE", &path, Some(&obs.token), None, &[]).await.status, 404);
    assert_eq!(app.send("DELETE", &path, Some(&gt.token), None, &[]).await.status, 204);
    assert_eq!(app.get(&path, Some(&mx.token)).await.status, 404);
    assert_eq!(stored_files(&app), files - 1);

    assert_eq!(
        app.audit_outcomes("report_upload"),
        vec![("allowed".into(), 3), ("denied".into(), 4), ("failed".into(), 4)]
    );
    assert!(app.audit_count("report_download") >= 6);
    assert!(app.audit_outcomes("report_download").iter().any(|(o, _)| o == "denied"));
    assert!(app.audit_count("report_list") >= 8);
    assert_eq!(app.audit_outcomes("report_publish").iter().find(|(o, _)| o == "allowed").map(|x| x.1), Some(2));
    assert_eq!(app.audit_outcomes("report_delete").iter().find(|(o, _)| o == "allowed").map(|x| x.1), Some(1));
}

#[actix_web::test]
async fn a_20_mb_report_is_streamed_in_and_out() {
    let app = spawn_app().await;
    let gt = app.user("GT", &[Role::Officer]).await;
    let mx = app.user("MX", &[Role::Analyst]).await;
    let body = pdf(20 * 1024 * 1024);
    let expected = enlace::auth::sha256_hex(&body);
    let res = app.upload("POST", &q("Informe%20anual"), &gt.token, "application/pdf", body).await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.json()["sha256"], expected.as_str());
    assert_eq!(res.json()["size_bytes"], 20 * 1024 * 1024);
    let id = res.json()["report_id"].as_str().unwrap().to_owned();

    // Read the download chunk by chunk, hashing as it arrives.
    let mut res = app
        .client
        .get(format!("{}/api/v1/reports/{id}/file", app.base))
        .insert_header(("Authorization", format!("Bearer {}", mx.token)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers().get("content-length").unwrap().to_str().unwrap(), (20 * 1024 * 1024).to_string());
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    let (mut total, mut chunks) = (0usize, 0usize);
    while let Some(chunk) = res.next().await {
        let chunk = chunk.unwrap();
        total += chunk.len();
        chunks += 1;
        ctx.update(&chunk);
    }
    assert_eq!(total, 20 * 1024 * 1024);
    assert!(chunks > 1, "streamed in chunks");
    let got: String = ctx.finish().as_ref().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(got, expected);
}

/// A report file kept in the data directory by an older version is moved into the database at
/// the next start (checked against its recorded SHA-256) and served as before; until then, a
/// download is refused 503, never an empty or partial file.
#[actix_web::test]
async fn report_files_of_an_older_version_move_into_the_database() {
    use diesel::prelude::*;
    use enlace::db::schema::country_report_chunks as ch;
    let app = spawn_app().await;
    let gt = app.user("GT", &[Role::Officer]).await;
    let body = pdf(2 * 1024 * 1024 + 17);
    let res = app.upload("POST", &q("Informe"), &gt.token, "application/pdf", body.clone()).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let id = res.json()["report_id"].as_str().unwrap().to_owned();
    let stored: i64 = ch::table.filter(ch::report_id.eq(&id)).count().get_result(&mut app.conn()).unwrap();
    assert_eq!(stored, 3, "2 MiB and 17 bytes in chunks of 1 MiB");

    // As an older version left it: the content in a file, none in the database.
    diesel::delete(ch::table.filter(ch::report_id.eq(&id))).execute(&mut app.conn()).unwrap();
    let file = format!("/api/v1/reports/{id}/file");
    assert_eq!(app.get(&file, Some(&gt.token)).await.status, 503, "no content yet: unavailable");
    let legacy = app.data_dir.join("files/reports").join(&id);
    std::fs::create_dir_all(legacy.parent().unwrap()).unwrap();
    std::fs::write(&legacy, &body).unwrap();
    // A damaged file of another report is left where it is, never imported.
    let other = app.upload("POST", &q("Otro"), &gt.token, "application/pdf", pdf(5000)).await;
    let other_id = other.json()["report_id"].as_str().unwrap().to_owned();
    diesel::delete(ch::table.filter(ch::report_id.eq(&other_id))).execute(&mut app.conn()).unwrap();
    let damaged = app.data_dir.join("files/reports").join(&other_id);
    let mut bytes = pdf(5000);
    bytes[100] ^= 1;
    std::fs::write(&damaged, bytes).unwrap();

    let app = app.restart(|_| {}).await;
    let res = app.get(&file, Some(&gt.token)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(res.body == body, "the moved report comes back byte for byte");
    assert!(!legacy.exists(), "the file is gone once its content is in the database");
    assert!(damaged.exists(), "a file that does not match its SHA-256 stays");
    assert_eq!(app.get(&format!("/api/v1/reports/{other_id}/file"), Some(&gt.token)).await.status, 503);
}
