//! The JWT attack corpus, expiry boundaries and key rotation.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use diesel::prelude::*;
use enlace::access::Role;
use enlace::db::schema::signing_keys;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::helpers::*;

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(v.to_string())
}

fn parts(token: &str) -> (Value, Value, String) {
    let mut it = token.split('.');
    let h = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(it.next().unwrap()).unwrap()).unwrap();
    let c = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(it.next().unwrap()).unwrap()).unwrap();
    (h, c, it.next().unwrap().to_owned())
}

/// The server's active key (what an insider with the key and the master key could sign with:
/// used here to build tokens that are validly signed but wrong in one other respect).
fn server_key(app: &TestApp) -> (String, EncodingKey, String) {
    let master = enlace::sealing::MasterKey::load(&app.data_dir.join("master.key"), false).unwrap();
    let (kid, private, public): (String, String, String) = signing_keys::table
        .filter(signing_keys::retired_at.is_null())
        .select((signing_keys::kid, signing_keys::private_key, signing_keys::public_key))
        .limit(1)
        .get_result(&mut app.conn())
        .unwrap();
    assert!(!private.contains("MC4CAQAwBQYDK2Vw"), "the private key is stored sealed, not as PKCS#8");
    (kid, EncodingKey::from_ed_der(&master.open(&private).unwrap()), public)
}

fn sign(kid: &str, key: &EncodingKey, claims: &Value, typ: Option<&str>) -> String {
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(kid.to_owned());
    header.typ = typ.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, key).unwrap()
}

/// The JWT attack corpus against `u`'s genuine token (`victim`: another user to impersonate).
pub fn attack_corpus(app: &TestApp, u: &TestUser, victim: &TestUser) -> Vec<(&'static str, String)> {
    let (header, claims, sig) = parts(&u.token);
    let (kid, key, public) = server_key(app);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let with = |k: &str, v: Value| {
        let mut c = claims.clone();
        c[k] = v;
        c
    };
    let without = |k: &str| {
        let mut c = claims.clone();
        c.as_object_mut().unwrap().remove(k);
        c
    };
    let head = |k: &str, v: Value| {
        let mut h = header.clone();
        h[k] = v;
        h
    };
    let mut corpus: Vec<(&str, String)> = vec![];
    for alg in ["none", "None", "NONE", "nOnE"] {
        corpus.push(("alg none", format!("{}.{}.", b64(&head("alg", json!(alg))), b64(&claims))));
    }
    let hs = jsonwebtoken::encode(
        &{
            let mut h = Header::new(Algorithm::HS256);
            h.kid = Some(kid.clone());
            h.typ = Some("at+jwt".into());
            h
        },
        &claims,
        &EncodingKey::from_secret(public.as_bytes()),
    )
    .unwrap();
    corpus.push(("HS256 with the public key", hs));
    corpus.push(("tampered payload", format!("{}.{}.{}", b64(&header), b64(&with("sub", json!(victim.id))), sig)));
    corpus.push(("empty signature", format!("{}.{}.", b64(&header), b64(&claims))));
    let mut flipped = URL_SAFE_NO_PAD.decode(&sig).unwrap();
    flipped[0] ^= 1;
    corpus
        .push(("flipped signature", format!("{}.{}.{}", b64(&header), b64(&claims), URL_SAFE_NO_PAD.encode(flipped))));
    corpus.push(("unknown kid", sign("no-such-key", &key, &claims, Some("at+jwt"))));
    corpus.push(("kid with a path", sign("../../../../etc/passwd", &key, &claims, Some("at+jwt"))));
    corpus.push(("kid with SQL", sign("' OR '1'='1", &key, &claims, Some("at+jwt"))));
    corpus.push(("no typ", sign(&kid, &key, &claims, None)));
    corpus.push(("wrong typ", sign(&kid, &key, &claims, Some("JWT"))));
    for claim in ["exp", "iss", "aud", "sub", "sid", "iat", "jti"] {
        corpus.push(("missing claim", sign(&kid, &key, &without(claim), Some("at+jwt"))));
    }
    corpus.push(("wrong audience", sign(&kid, &key, &with("aud", json!("someone-else")), Some("at+jwt"))));
    corpus.push(("wrong issuer", sign(&kid, &key, &with("iss", json!("evil")), Some("at+jwt"))));
    corpus.push(("expired", sign(&kid, &key, &with("exp", json!(now - 120)), Some("at+jwt"))));
    corpus.push(("future nbf", sign(&kid, &key, &with("nbf", json!(now + 3600)), Some("at+jwt"))));
    corpus.push(("session of another user", sign(&kid, &key, &with("sub", json!(victim.id)), Some("at+jwt"))));
    corpus.push((
        "unknown session",
        sign(&kid, &key, &with("sid", json!("00000000-0000-0000-0000-000000000000")), Some("at+jwt")),
    ));
    // A key of the attacker's own, announced in the header.
    let attacker = rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
    let attacker_key = EncodingKey::from_ed_der(attacker.serialized_der());
    let mut h = Header::new(Algorithm::EdDSA);
    h.kid = Some(kid.clone());
    h.typ = Some("at+jwt".into());
    corpus.push(("signed by another key", jsonwebtoken::encode(&h, &claims, &attacker_key).unwrap()));
    h.jku = Some("https://attacker.example/jwks.json".into());
    corpus.push(("jku header", jsonwebtoken::encode(&h, &claims, &attacker_key).unwrap()));
    corpus.push(("refresh token as access token", u.refresh.clone()));
    corpus.push(("garbage", "not.a.token".into()));
    corpus.push(("oversized", format!("{}.{}.{}", b64(&header), "A".repeat(6000), sig)));
    corpus
}

#[actix_web::test]
async fn forged_and_malformed_tokens_are_all_refused() {
    let app = spawn_app().await;
    let u = app.user("GT", &[Role::Officer]).await;
    let victim = app.user("MX", &[Role::Officer]).await;
    assert_eq!(app.get("/api/v1/me", Some(&u.token)).await.status, 200);
    let corpus = attack_corpus(&app, &u, &victim);
    let (_, claims, _) = parts(&u.token);
    let (kid, key, _) = server_key(&app);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let with = |k: &str, v: Value| {
        let mut c = claims.clone();
        c[k] = v;
        c
    };

    let mut refused = 0;
    for (name, token) in &corpus {
        let res = app.get("/api/v1/me", Some(token)).await;
        assert_eq!(res.status, 401, "{name}: {}", res.text());
        assert_eq!(res.problem(), "unauthorized", "{name}");
        assert_eq!(res.header("www-authenticate").as_deref(), Some("Bearer"));
        refused += 1;
    }
    assert_eq!(refused, corpus.len());
    assert!(app.audit_count("authn_token_invalid") >= corpus.len() as i64);
    // The genuine token still works, and a validly signed token within the leeway is accepted.
    assert_eq!(app.get("/api/v1/me", Some(&u.token)).await.status, 200);
    let in_leeway = sign(&kid, &key, &with("exp", json!(now - 10)), Some("at+jwt"));
    assert_eq!(app.get("/api/v1/me", Some(&in_leeway)).await.status, 200);
    let past_leeway = sign(&kid, &key, &with("exp", json!(now - 40)), Some("at+jwt"));
    assert_eq!(app.get("/api/v1/me", Some(&past_leeway)).await.status, 401);
}

#[actix_web::test]
async fn key_rotation_keeps_the_old_key_for_one_token_lifetime() {
    let app = spawn_app().await;
    let u = app.user("CA", &[Role::Analyst]).await;
    let (old_kid, _, _) = server_key(&app);
    let master = enlace::sealing::MasterKey::load(&app.data_dir.join("master.key"), false).unwrap();
    let new_kid = enlace::auth::tokens::rotate(&mut app.conn(), &master).unwrap();
    assert_ne!(old_kid, new_kid);
    // Tokens signed with the old key keep working inside the grace period.
    assert_eq!(app.get("/api/v1/me", Some(&u.token)).await.status, 200);
    let fresh = app.login(&u.username, &u.password, None).await.json();
    let (h, _, _) = parts(fresh["access_token"].as_str().unwrap());
    assert_eq!(h["kid"], json!(new_kid));
    assert_eq!(h["alg"], "EdDSA");
    assert_eq!(h["typ"], "at+jwt");
    let jwks = app.get("/.well-known/jwks.json", None).await.json();
    let kids: Vec<&str> = jwks["keys"].as_array().unwrap().iter().map(|k| k["kid"].as_str().unwrap()).collect();
    assert!(kids.contains(&old_kid.as_str()) && kids.contains(&new_kid.as_str()), "{jwks}");
    assert_eq!(jwks["keys"][0]["kty"], "OKP");
    assert_eq!(jwks["keys"][0]["crv"], "Ed25519");
    // Past the grace period the old key verifies nothing and leaves the JWKS.
    diesel::update(signing_keys::table.find(&old_kid))
        .set(signing_keys::retired_at.eq(Some(0i64)))
        .execute(&mut app.conn())
        .unwrap();
    assert_eq!(app.get("/api/v1/me", Some(&u.token)).await.status, 401);
    assert_eq!(app.get("/api/v1/me", Some(fresh["access_token"].as_str().unwrap())).await.status, 200);
    let jwks = app.get("/.well-known/jwks.json", None).await.json();
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 1);
}
