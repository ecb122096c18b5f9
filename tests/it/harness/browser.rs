//! Debian's headless chromium driven over the DevTools protocol by a small client (no crate that
//! downloads a browser of its own). Used by the preview's browser test and the HTML page test;
//! find the chromium with `programs::chromium()`.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

use super::get;

pub const WIDTH: u32 = 1280;
pub const HEIGHT: u32 = 900;

/// The chromium to drive, or None (after a note) when there is none; under CI=true a missing
/// chromium is a failure, never a skip. The same as `programs::chromium`.
pub fn chromium_or_skip() -> Option<PathBuf> {
    super::programs::chromium()
}

/// A headless chromium with a fresh profile; killed on drop.
pub struct Browser {
    child: Child,
    devtools_port: u16,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub fn launch(chromium: &Path) -> Browser {
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
    pub fn page(&self) -> Cdp {
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

pub struct Cdp {
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    next: u64,
}

impl Cdp {
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        match self.try_call(method, params) {
            Ok(result) => result,
            Err(v) => panic!("{method}: {v}"),
        }
    }

    /// A DevTools call, its error given back rather than failed on.
    fn try_call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
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
                return match v.get("error") {
                    None => Ok(v["result"].clone()),
                    Some(_) => Err(v),
                };
            }
        }
    }

    pub fn eval(&mut self, expression: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        assert!(r.get("exceptionDetails").is_none(), "{expression}: {r}");
        r["result"]["value"].clone()
    }

    /// Polls `condition` until it holds. The page may reload meanwhile (the preview's live
    /// reload after a file changed on disk, as the conflict step does on purpose): an
    /// evaluation cut off by that navigation, or thrown on a page still loading, is asked again
    /// on the new page; the last exception is named if the condition never holds.
    pub fn wait_for(&mut self, what: &str, condition: &str) {
        let start = Instant::now();
        let mut last = Value::Null;
        loop {
            let asked = self.try_call(
                "Runtime.evaluate",
                json!({"expression": format!("!!({condition})"), "returnByValue": true}),
            );
            match asked {
                Ok(r) if r["result"]["value"] == json!(true) => return,
                Ok(r) => last = r.get("exceptionDetails").cloned().unwrap_or(Value::Null),
                Err(v) => {
                    let navigated =
                        v.to_string().contains("navigated") || v.to_string().contains("context");
                    assert!(navigated, "Runtime.evaluate: {v}");
                }
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "timed out waiting for {what} ({condition}; last exception: {last})"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn screenshot(&mut self) -> Vec<u8> {
        let r = self.call("Page.captureScreenshot", json!({"format": "png"}));
        base64::engine::general_purpose::STANDARD
            .decode(r["data"].as_str().unwrap())
            .unwrap()
    }
}
