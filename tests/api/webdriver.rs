//! A minimal W3C WebDriver client for the browser suite: Debian's `chromedriver` started on a
//! free port, headless Chromium, and the handful of commands the tests need (navigate, find,
//! type with real key events, click, run a script, read the console log, take a screenshot).
//! Blocking (ureq): the server under test runs on its own threads.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Driver {
    child: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.agent.delete(&format!("{}/session/{}", self.base, self.session)).call();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where Debian installs them (`apt-get install chromium chromium-driver`; `.ci/run` does).
pub fn available() -> bool {
    std::path::Path::new("/usr/bin/chromedriver").exists() && std::path::Path::new("/usr/bin/chromium").exists()
}

/// Whether the browser tests may run here: yes when Chromium is installed. Without it they
/// fail when `ENLACE_REQUIRE_BROWSER` is set (`.ci/run` sets it after installing Chromium) and
/// otherwise say loudly that they did not run, so `cargo test` works on a machine with only a
/// Rust toolchain.
pub fn ready() -> bool {
    if available() {
        return true;
    }
    assert!(
        std::env::var_os("ENLACE_REQUIRE_BROWSER").is_none(),
        "install the browser: apt-get install -y chromium chromium-driver"
    );
    eprintln!(
        "NOT RUN: the browser tests need Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)"
    );
    false
}

impl Driver {
    /// Start chromedriver and a headless Chromium window `width` pixels wide.
    pub fn start(width: u32) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver (apt-get install chromium chromium-driver)");
        let base = format!("http://127.0.0.1:{port}");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .http_status_as_error(false)
            .build()
            .into();
        let started = Instant::now();
        while agent.get(&format!("{base}/status")).call().is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "acceptInsecureCerts": true,
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         format!("--window-size={width},900"), "--lang=en-US"],
            },
        }}});
        let mut d = Driver { child, base, session: String::new(), agent };
        let v = d.call("POST", "/session", Some(caps));
        d.session = v["sessionId"].as_str().expect("a WebDriver session").to_owned();
        d
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = if path == "/session" {
            format!("{}{path}", self.base)
        } else {
            format!("{}/session/{}{path}", self.base, self.session)
        };
        let res = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, b) => self.agent.post(&url).send_json(b.unwrap_or(json!({}))),
        };
        let mut res = res.unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"));
        let v: Value = res.body_mut().with_config().limit(64 * 1024 * 1024).read_json().expect("WebDriver JSON");
        if let Some(err) = v["value"]["error"].as_str() {
            panic!("WebDriver {method} {path}: {err}: {}", v["value"]["message"]);
        }
        v["value"].clone()
    }

    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url})));
    }

    /// Run `act` (a click or keys that submit or follow a link) and wait, at most 10 s, until
    /// the next document has loaded: WebDriver returns from a click before the navigation it
    /// starts, so reading the page at once would read the old one.
    pub fn navigating(&self, act: impl FnOnce()) {
        self.script("window.__enlaceOld = true; return true;");
        act();
        for _ in 0..200 {
            let v = self.script("return window.__enlaceOld === undefined && document.readyState === 'complete';");
            if v == Value::Bool(true) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("no new page loaded after 10 s on {}", self.url());
    }

    pub fn url(&self) -> String {
        self.call("GET", "/url", None).as_str().unwrap_or("").to_owned()
    }

    pub fn find(&self, css: &str) -> String {
        let v = self.call("POST", "/element", Some(json!({"using": "css selector", "value": css})));
        match v[ELEMENT].as_str() {
            Some(id) => id.to_owned(),
            None => panic!("no element {css} on {}: {v}: {}", self.url(), self.text()),
        }
    }

    pub fn count(&self, css: &str) -> usize {
        let v = self.call("POST", "/elements", Some(json!({"using": "css selector", "value": css})));
        v.as_array().map_or(0, Vec::len)
    }

    pub fn click(&self, css: &str) {
        let id = self.find(css);
        self.call("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    pub fn fill(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.call("POST", &format!("/element/{id}/clear"), Some(json!({})));
        self.call("POST", &format!("/element/{id}/value"), Some(json!({"text": text})));
    }

    /// Press keys as a person would (each a key-down and key-up); `\u{E004}` is Tab, `\u{E007}` Enter.
    pub fn keys(&self, text: &str) {
        let mut actions = vec![];
        for c in text.chars() {
            actions.push(json!({"type": "keyDown", "value": c.to_string()}));
            actions.push(json!({"type": "keyUp", "value": c.to_string()}));
        }
        self.call(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
    }

    /// Run a script in the page and return its value.
    pub fn script(&self, script: &str) -> Value {
        self.call("POST", "/execute/sync", Some(json!({"script": script, "args": []})))
    }

    /// Run an asynchronous script (it calls `arguments[arguments.length - 1]` with its result).
    pub fn script_async(&self, script: &str) -> Value {
        self.call("POST", "/execute/async", Some(json!({"script": script, "args": []})))
    }

    /// The page's text, DOM (with every attribute) as serialized HTML.
    pub fn dom(&self) -> String {
        self.script("return document.documentElement.outerHTML;").as_str().unwrap_or("").to_owned()
    }

    pub fn text(&self) -> String {
        self.script("return document.body.innerText;").as_str().unwrap_or("").to_owned()
    }

    /// The browser console's entries since the last call (errors, CSP violations, warnings).
    pub fn console(&self) -> Vec<(String, String)> {
        let url = format!("{}/session/{}/se/log", self.base, self.session);
        let mut res = self.agent.post(&url).send_json(json!({"type": "browser"})).expect("browser log");
        let v: Value = res.body_mut().read_json().unwrap_or(Value::Null);
        v["value"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        (e["level"].as_str().unwrap_or("").to_owned(), e["message"].as_str().unwrap_or("").to_owned())
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn screenshot(&self, path: &std::path::Path) {
        use base64::Engine;
        let v = self.call("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD.decode(v.as_str().unwrap()).unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }

    pub fn resize(&self, width: u32, height: u32) {
        self.call("POST", "/window/rect", Some(json!({"width": width, "height": height})));
    }

    pub fn cookies(&self) -> Vec<Value> {
        self.call("GET", "/cookie", None).as_array().cloned().unwrap_or_default()
    }
}

/// axe-core from the npm registry (pinned), fetched once into `target/browser-tools`.
pub fn axe_source() -> String {
    const VERSION: &str = "4.10.3";
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-tools");
    let file = dir.join(format!("axe-{VERSION}.min.js"));
    if !file.exists() {
        std::fs::create_dir_all(&dir).unwrap();
        let packed = Command::new("npm")
            .args(["pack", &format!("axe-core@{VERSION}"), "--silent", "--pack-destination"])
            .arg(&dir)
            .output()
            .expect("npm (to fetch axe-core from the npm registry)");
        assert!(packed.status.success(), "npm pack axe-core: {}", String::from_utf8_lossy(&packed.stderr));
        let tgz = dir.join(format!("axe-core-{VERSION}.tgz"));
        let out = Command::new("tar")
            .args(["-xzf"])
            .arg(&tgz)
            .args(["-C"])
            .arg(&dir)
            .arg("package/axe.min.js")
            .status()
            .unwrap();
        assert!(out.success());
        std::fs::rename(dir.join("package/axe.min.js"), &file).unwrap();
    }
    let source = std::fs::read_to_string(file).unwrap();
    assert_eq!(enlace::digest::sha256_hex(source.as_bytes()), AXE_SHA256, "axe-core {VERSION} is not the pinned file");
    source
}

/// SHA-256 of `axe.min.js` in axe-core 4.10.3 as published on the npm registry.
const AXE_SHA256: &str = "880970c081707360e64f34cea25ff91892f5bc95675b0776925b9709dd8a68bb";
