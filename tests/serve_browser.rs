//! The preview in a real browser: Debian's headless chromium, driven over the DevTools protocol
//! by a small client here (no crate that downloads a browser of its own).
//!
//! Loads the page, scrolls into the speech, changes a fact on disk and waits for the new value to
//! appear without a reload, at the same scroll position; then breaks the facts file, sees the
//! error in the page, mends it and sees the speech come back where it was. Screenshots land in
//! `target/tmp/serve-browser/`.
//!
//! Without chromium the test is skipped with a message, except under `CI=true`, where it fails.

#[path = "serve_common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

use common::{Project, change_one_count, figures, get};

const WIDTH: u32 = 1280;
const HEIGHT: u32 = 900;

#[test]
fn the_page_updates_in_place_and_keeps_its_scroll_position() {
    let Some(chromium) = find_chromium() else {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(
            !ci,
            "CI=true but chromium is not installed (apt-get install -y chromium fonts-noto-cjk)"
        );
        eprintln!(
            "SKIPPED: chromium not found (apt-get install -y chromium fonts-noto-cjk, or set CHROMIUM)"
        );
        return;
    };
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-browser");
    std::fs::create_dir_all(&shots).unwrap();

    let project = Project::new();
    let server = project.start();
    let url = server.url();
    let browser = Browser::launch(&chromium);
    let mut cdp = browser.page();
    cdp.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": false}),
    );
    cdp.call("Page.navigate", json!({ "url": url }));
    cdp.wait_for(
        "the speech",
        "document.readyState === 'complete' && !!document.querySelector('article.speech .figure')",
    );

    // The figure to change, and a scroll position well inside the speech with it in view.
    let page = get(server.addr, "/").text();
    let (id, changed, new) = change_one_count(&project, &page);
    let sel = format!("article.speech .figure[data-figure=\"{id}\"]");
    let old = cdp
        .eval(&format!("document.querySelector('{sel}').textContent"))
        .as_str()
        .unwrap()
        .to_owned();
    let y = cdp.eval(&format!(
        "(() => {{ const top = document.querySelector('{sel}').getBoundingClientRect().top + scrollY;
                   window.scrollTo(0, Math.max(160, top - {HEIGHT} / 3)); return scrollY; }})()"
    ));
    let y = y.as_f64().unwrap();
    assert!(
        y >= 100.0,
        "the speech is long enough to scroll (scrollY {y})"
    );
    // Survives only if the page is not reloaded.
    cdp.eval("window.__notReloaded = true");

    let t0 = Instant::now();
    project.save_facts(&changed);
    cdp.wait_for(
        "the new value",
        &format!("document.querySelector('{sel}').textContent === '{new}'"),
    );
    let latency = t0.elapsed();
    println!("changed {id}: {old} -> {new}; visible in the browser after {latency:?}");
    assert!(
        latency < Duration::from_secs(1),
        "the page updates within a second: {latency:?}"
    );
    assert_eq!(
        cdp.eval("window.__notReloaded === true"),
        json!(true),
        "updated without a reload"
    );
    assert_eq!(
        cdp.eval("scrollY").as_f64().unwrap(),
        y,
        "same scroll position"
    );
    let panel_value = cdp.eval(&format!(
        "document.querySelector('#panel tr[data-figure=\"{id}\"]').dataset.value"
    ));
    assert_eq!(panel_value, json!(new), "the panel follows");
    // Hovering a figure shows its label, value and where it comes from.
    cdp.eval(&format!("document.querySelector('{sel}').dispatchEvent(new MouseEvent('mouseover', {{bubbles: true}}))"));
    let tip = cdp.eval(
        "document.getElementById('tip').hidden ? '' : document.getElementById('tip').textContent",
    );
    let tip = tip.as_str().unwrap();
    assert!(
        tip.contains(&new) && tip.contains(".yaml:"),
        "tooltip: {tip}"
    );
    save(&shots.join("1-updated.png"), &cdp.screenshot());

    // Broken facts: the error replaces the speech; mended: the speech comes back where it was.
    let good = changed;
    project.save_facts(&format!("{good}broken: a: b\n"));
    cdp.wait_for("the error view", "!!document.querySelector('main.broken .diag') && !document.querySelector('article.speech')");
    let error_text = cdp.eval("document.querySelector('main.broken').textContent");
    assert!(
        error_text.as_str().unwrap().contains("broken: a"),
        "the line is shown: {error_text}"
    );
    save(&shots.join("2-error.png"), &cdp.screenshot());
    project.save_facts(&good);
    cdp.wait_for(
        "the speech again",
        &format!("document.querySelector('{sel}')?.textContent === '{new}'"),
    );
    assert_eq!(
        cdp.eval("scrollY").as_f64().unwrap(),
        y,
        "back at the same place after the error"
    );
    assert_eq!(cdp.eval("window.__notReloaded === true"), json!(true));

    // Clicking a problem about a figure brings that figure into view.
    let target = cdp.eval("(() => { const p = document.querySelector('#panel li.problem:not([data-figure=\"\"])'); if (!p) return null; p.click(); return p.dataset.figure; })()");
    if let Some(fig) = target.as_str() {
        cdp.wait_for(
            "the problem's figure in view",
            &format!("(() => {{ const r = document.querySelector('article.speech .figure[data-figure=\"{fig}\"]').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }})()"),
        );
        save(&shots.join("2b-problem.png"), &cdp.screenshot());
        cdp.eval(&format!("window.scrollTo(0, {y})"));
    }

    // Printing shows the speech only.
    cdp.call("Emulation.setEmulatedMedia", json!({"media": "print"}));
    let hidden = cdp.eval("getComputedStyle(document.getElementById('panel')).display + ' ' + getComputedStyle(document.querySelector('.banner')).display");
    assert_eq!(hidden, json!("none none"));
    cdp.call("Emulation.setEmulatedMedia", json!({"media": ""}));

    // The side panel lists every figure the server reports.
    let rows = cdp.eval("document.querySelectorAll('#panel tr[data-figure]').length");
    assert_eq!(
        rows.as_u64().unwrap() as usize,
        figures(&get(server.addr, "/").text()).len()
    );
    cdp.eval("window.scrollTo(0, 0)");
    save(&shots.join("3-top.png"), &cdp.screenshot());

    // On a phone the panel goes below the speech, and nothing overflows sideways.
    cdp.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 414, "height": 860, "deviceScaleFactor": 1, "mobile": true}),
    );
    let overflow = cdp.eval("document.documentElement.scrollWidth - innerWidth");
    assert!(
        overflow.as_f64().unwrap() <= 0.0,
        "horizontal overflow on a phone: {overflow}"
    );
    save(&shots.join("4-phone.png"), &cdp.screenshot());
    println!("screenshots: {}", shots.display());
}

fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(p.into());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|n| dir.join(n)))
        .find(|p| p.is_file())
}

fn save(path: &Path, png: &[u8]) {
    std::fs::write(path, png).unwrap();
    println!("screenshot: {}", path.display());
}

/// A headless chromium with a fresh profile; killed on drop.
struct Browser {
    child: Child,
    devtools_port: u16,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn launch(chromium: &Path) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                &format!("--window-size={WIDTH},{HEIGHT}"),
                &format!("--user-data-dir={}", profile.path().display()),
                "about:blank",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        // Chromium prints `DevTools listening on ws://127.0.0.1:PORT/devtools/browser/…`.
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("ws://127.0.0.1:").nth(1) {
                    let _ = tx.send(rest.split('/').next().unwrap_or("").parse::<u16>().ok());
                }
            }
        });
        let port = rx.recv_timeout(Duration::from_secs(30)).ok().flatten();
        let mut browser = Browser {
            child,
            devtools_port: 0,
            _profile: profile,
        };
        browser.devtools_port = port.expect("chromium announces its DevTools port");
        browser
    }

    /// A DevTools session on the browser's first page.
    fn page(&self) -> Cdp {
        let addr = ([127, 0, 0, 1], self.devtools_port).into();
        let list: Value = serde_json::from_slice(&get(addr, "/json/list").body).unwrap();
        let ws = list
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["type"] == "page")
            .and_then(|t| t["webSocketDebuggerUrl"].as_str())
            .expect("a page target")
            .to_owned();
        let (socket, _) = tungstenite::connect(ws).expect("DevTools websocket");
        if let MaybeTlsStream::Plain(s) = socket.get_ref() {
            s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        }
        Cdp { socket, next: 0 }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Cdp {
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    next: u64,
}

impl Cdp {
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let msg = json!({"id": id, "method": method, "params": params}).to_string();
        self.socket.send(Message::text(msg)).unwrap();
        loop {
            let Message::Text(text) = self.socket.read().expect("a DevTools answer") else {
                continue;
            };
            let v: Value = serde_json::from_str(&text).unwrap();
            if v["id"] == id {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    fn eval(&mut self, expression: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        assert!(r.get("exceptionDetails").is_none(), "{expression}: {r}");
        r["result"]["value"].clone()
    }

    fn wait_for(&mut self, what: &str, condition: &str) {
        let start = Instant::now();
        while self.eval(&format!("!!({condition})")) != json!(true) {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "timed out waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn screenshot(&mut self) -> Vec<u8> {
        let r = self.call("Page.captureScreenshot", json!({"format": "png"}));
        base64::engine::general_purpose::STANDARD
            .decode(r["data"].as_str().unwrap())
            .unwrap()
    }
}
