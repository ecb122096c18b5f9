//! A raw HTTP/1.1 client, small enough to send what no client library would (malformed and
//! oversized requests) and to read what the server answers byte for byte.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

pub struct Response {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }
}

/// Sends raw bytes and reads the answer until the server closes. `None` when the server closed
/// without answering.
pub fn raw(addr: SocketAddr, request: &[u8]) -> Option<Response> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    // The server may answer and close before reading everything we send: ignore write errors.
    let _ = s.write_all(request);
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    // Read to the end, or to Content-Length: not every server closes when asked (chromium's
    // DevTools endpoint keeps the connection open).
    loop {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if let Some(split) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..split]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if length.is_some_and(|n| buf.len() >= split + 4 + n) {
                break;
            }
        }
    }
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let mut body = buf[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    Some(Response { status, head, body })
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(std::str::from_utf8(&b[..eol]).unwrap().trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
    out
}

/// GET `path`, the connection closed after the answer.
pub fn get(addr: SocketAddr, path: &str) -> Response {
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    raw(addr, req.as_bytes()).expect("the server answers")
}

/// A client of one workspace server: its address and secret. Every request carries the secret's
/// cookie, as the browser that opened the console's address does; a change also carries the
/// secret in its header and the page's Origin. Cheap to clone into threads.
#[derive(Clone)]
pub struct Client {
    pub addr: SocketAddr,
    pub secret: String,
}

impl Client {
    /// `Cookie: speechgen-PORT=SECRET`.
    pub fn cookie(&self) -> String {
        format!(
            "Cookie: {}={}",
            speechgen::serve::cookie_name(self.addr.port()),
            self.secret
        )
    }

    /// GET `path` with the cookie, the connection closed after the answer.
    pub fn get(&self, path: &str) -> Response {
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\n{}\r\nConnection: close\r\n\r\n",
            self.addr,
            self.cookie()
        );
        raw(self.addr, req.as_bytes()).expect("the server answers")
    }

    /// Sends raw bytes with the cookie added after the request line (unless they carry a
    /// `Cookie:` of their own); None when the server closed without answering.
    pub fn raw(&self, request: &[u8]) -> Option<Response> {
        raw(self.addr, &self.with_cookie(request))
    }

    pub fn with_cookie(&self, request: &[u8]) -> Vec<u8> {
        let has_cookie = String::from_utf8_lossy(request)
            .to_ascii_lowercase()
            .contains("\r\ncookie:");
        match request.windows(2).position(|w| w == b"\r\n") {
            Some(eol) if !has_cookie => {
                let mut out = request[..eol + 2].to_vec();
                out.extend_from_slice(self.cookie().as_bytes());
                out.extend_from_slice(b"\r\n");
                out.extend_from_slice(&request[eol + 2..]);
                out
            }
            _ => request.to_vec(),
        }
    }

    /// POST `body` to `path` as the page does: cookie, the secret in its header, our Origin.
    pub fn post(&self, path: &str, content_type: &str, body: &[u8]) -> Response {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\n{cookie}\r\nX-Speechgen-Secret: {secret}\r\nOrigin: http://{addr}\r\nContent-Type: {content_type}\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n",
            addr = self.addr,
            cookie = self.cookie(),
            secret = self.secret,
            len = body.len()
        );
        let mut req = head.into_bytes();
        req.extend_from_slice(body);
        raw(self.addr, &req).expect("the server answers")
    }

    /// POST a JSON value as the page does.
    pub fn post_json(&self, path: &str, body: &serde_json::Value) -> Response {
        self.post(path, "application/json", body.to_string().as_bytes())
    }
}
