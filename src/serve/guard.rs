//! The rules every request passes before a route sees it, in this order:
//!
//! 1. exactly one `Host` (400 otherwise), and on loopback one naming an IP or `localhost` (403:
//!    DNS rebinding);
//! 2. the secret: `/?key=SECRET` is exchanged for the cookie and redirected to `/`; any other
//!    request without the cookie is refused (403, a page saying which address to open);
//! 3. a read (GET, HEAD) carries no body (413); a change is a POST, only when listening on
//!    loopback (else the page is a read-only preview), with the secret in `X-Speechgen-Secret` and
//!    an `Origin` naming this very address (403 otherwise), and a body within its route's limit
//!    (413, and the connection closed: the rest of the body is never read).
//!
//! Every answer then carries the headers that keep it out of frames, caches and referrers.

use std::net::IpAddr;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::secret::{self, Secret};

/// An edit, an undo, a confirmation, a year: a few hundred bytes; 64 KB leaves room for a long
/// list of names.
pub const EDIT_LIMIT: usize = 64 * 1024;
/// An uploaded .docx or a dropped print (a PDF of a speech is well under 1 MB; a .docx with
/// pictures may be several).
pub const UPLOAD_LIMIT: usize = 16 * 1024 * 1024;

/// The routes that take a file in their body.
const UPLOADS: [&str; 3] = ["/api/verify", "/api/import", "/api/new"];

#[derive(Clone)]
pub struct Guard {
    pub secret: Secret,
    /// The cookie's name (`speechgen-<port>`).
    pub cookie: String,
    /// Listening on loopback: then only requests addressed to an IP or `localhost` are answered,
    /// and only then may the page change anything.
    pub loopback_only: bool,
}

/// The body limit of a POST route.
pub fn limit_for(path: &str) -> usize {
    if UPLOADS.contains(&path) {
        UPLOAD_LIMIT
    } else {
        EDIT_LIMIT
    }
}

pub async fn guard(State(g): State<Guard>, req: Request, next: Next) -> Response {
    // Two Hosts, or a target naming one host under a Host naming another, are read differently by
    // different parts of a chain (the first Host, the last, the target's): which one the rules
    // below checked would be a guess. RFC 9112 §3.2 asks for 400 here, as for a request without
    // Host (HTTP/1.0 allows one, but no browser sends it).
    let Some(host) = single_host(&req) else {
        return plain(
            StatusCode::BAD_REQUEST,
            "请求须带且只带一个 Host 头；请求行若写出完整地址，须与 Host 相同。",
        );
    };
    // DNS rebinding: a web page on evil.example, re-pointed at 127.0.0.1, could otherwise read the
    // (unpublished) draft. A browser sends the name it resolved as Host.
    if g.loopback_only && !host_allowed(host) {
        return plain(
            StatusCode::FORBIDDEN,
            "只接受发往本机地址（127.0.0.1、localhost）的请求。",
        );
    }
    let host = host.to_str().unwrap_or("").to_owned();
    let reading = req.method() == Method::GET || req.method() == Method::HEAD;

    // The address the console printed: the key becomes the cookie, and the address bar loses it
    // (so it is not bookmarked, shown on a projector or kept in the history).
    if reading
        && req.uri().path() == "/"
        && let Some(key) = req.uri().query().and_then(secret::key_in_query)
    {
        if !g.secret.matches(key.as_bytes()) {
            return forbidden();
        }
        return (
            StatusCode::SEE_OTHER,
            [
                (header::LOCATION, "/".to_owned()),
                (header::SET_COOKIE, g.secret.set_cookie(&g.cookie)),
                (header::CACHE_CONTROL, "no-store".to_owned()),
                (header::REFERRER_POLICY, "no-referrer".to_owned()),
            ],
        )
            .into_response();
    }
    let has_cookie = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .any(|c| g.secret.in_cookies(c.as_bytes(), &g.cookie));
    if !has_cookie {
        return forbidden();
    }

    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let has_body = req.headers().contains_key(header::TRANSFER_ENCODING)
        || req
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes() != b"0");
    let mut res = if reading {
        // Every read is a GET without a body; a body is never read, so refuse it and close.
        if has_body {
            too_large("读取页面的请求不能带正文。")
        } else {
            next.run(req).await
        }
    } else if req.method() == Method::POST {
        if let Some(refused) = refuse_change(&g, &req, &host) {
            return refused;
        }
        let limit = limit_for(req.uri().path());
        if declared.is_some_and(|n| n > limit as u64) {
            too_large(&too_large_message(limit))
        } else {
            next.run(req).await
        }
    } else {
        // The router answers 405 for a method it does not route.
        next.run(req).await
    };
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Every answer describes the draft as it is now; a cached one would be stale.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Why a POST may not change anything, if it may not.
fn refuse_change(g: &Guard, req: &Request, host: &str) -> Option<Response> {
    if !g.loopback_only {
        return Some(plain(
            StatusCode::FORBIDDEN,
            "这是只读预览：程序监听的不是本机地址（--host），网页上不能修改任何文件。要填写事实，请在本机不加 --host 启动。",
        ));
    }
    let header_secret = req
        .headers()
        .get(secret::HEADER)
        .is_some_and(|v| g.secret.matches(v.as_bytes()));
    if !header_secret {
        return Some(plain(
            StatusCode::FORBIDDEN,
            "修改须由本程序打开的网页发出（请求缺少工作台的密钥）。请打开命令行窗口中显示的地址。",
        ));
    }
    // A browser names the page a POST comes from; it must be this very address. A request
    // without Origin is not one our page sends.
    let origin_ok = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .is_some_and(|o| o.eq_ignore_ascii_case(&format!("http://{host}")));
    let fetched_by_other_site = req
        .headers()
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() != b"same-origin");
    if !origin_ok || fetched_by_other_site {
        return Some(plain(
            StatusCode::FORBIDDEN,
            "修改只接受来自本工作台网页的请求（来源 Origin 不符）。",
        ));
    }
    None
}

pub fn too_large_message(limit: usize) -> String {
    if limit >= 1024 * 1024 {
        format!(
            "上传的文件太大：最多 {} MB。请确认选的是讲话稿的 Word 文件或打印稿的 PDF。",
            limit / (1024 * 1024)
        )
    } else {
        format!(
            "提交的内容太大：最多 {} KB。一次只能修改一项。",
            limit / 1024
        )
    }
}

/// 413, and the connection closed: the rest of the body is never read.
pub fn too_large(message: &str) -> Response {
    let mut res = plain(StatusCode::PAYLOAD_TOO_LARGE, message.to_owned());
    res.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    res
}

/// The page a request without the secret gets: what to do, in a clerk's words.
fn forbidden() -> Response {
    (
        StatusCode::FORBIDDEN,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::X_FRAME_OPTIONS, "DENY"),
        ],
        FORBIDDEN_PAGE,
    )
        .into_response()
}

const FORBIDDEN_PAGE: &str = r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>请从程序窗口打开</title></head>
<body style="font: 18px/1.7 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem">
<h1 style="font-size: 24px">请打开程序窗口中显示的地址</h1>
<p>为了保护未定稿的讲话，讲话稿工作台只接受由本程序打开的浏览器访问。</p>
<p>请在 speechgen 的命令行窗口中找到以 <code>http://127.0.0.1:</code> 开头、带 <code>?key=</code> 的完整地址，复制到浏览器的地址栏中打开；或关闭该窗口后重新双击 speechgen 启动。</p>
<p>程序每次启动都会换一个新地址，以前保存的书签不能再用。</p>
</body></html>
"#;

/// The request's one Host header, when it has exactly one and an absolute-form target
/// (`GET http://127.0.0.1:4000/ HTTP/1.1`) names the same authority.
fn single_host(req: &Request) -> Option<&HeaderValue> {
    let mut hosts = req.headers().get_all(header::HOST).iter();
    let host = hosts.next()?;
    if hosts.next().is_some() {
        return None;
    }
    // The whole authority is compared, user info included: `http://127.0.0.1@evil.example/`
    // names evil.example.
    match req.uri().authority() {
        Some(target) if !target.as_str().eq_ignore_ascii_case(host.to_str().ok()?) => None,
        _ => Some(host),
    }
}

fn host_allowed(host: &HeaderValue) -> bool {
    let Ok(host) = host.to_str() else {
        return false;
    };
    // Strip the port: `127.0.0.1:4000`, `[::1]:4000`, `localhost:4000`.
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !name.ends_with(':') => {
            name
        }
        _ => host,
    };
    let name = name.trim_start_matches('[').trim_end_matches(']');
    name.parse::<IpAddr>().is_ok()
        || name.eq_ignore_ascii_case("localhost")
        || name.to_ascii_lowercase().ends_with(".localhost")
}

pub fn plain(status: StatusCode, body: impl Into<String>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body.into(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(h: &str) -> bool {
        host_allowed(&HeaderValue::from_str(h).unwrap())
    }

    #[test]
    fn only_ip_and_localhost_hosts_pass_on_loopback() {
        assert!(host("127.0.0.1:4000"));
        assert!(host("[::1]:4000"));
        assert!(host("localhost:4000"));
        assert!(host("localhost"));
        assert!(!host("evil.example:4000"));
        assert!(!host("127.0.0.1.evil.example"));
    }

    fn one_host(target: &str, hosts: &[&str]) -> Option<String> {
        let mut req = Request::builder().uri(target);
        for h in hosts {
            req = req.header(header::HOST, *h);
        }
        let req = req.body(axum::body::Body::empty()).unwrap();
        single_host(&req).map(|h| h.to_str().unwrap().to_owned())
    }

    #[test]
    fn a_request_names_exactly_one_host() {
        let here = "127.0.0.1:4000";
        assert_eq!(one_host("/", &[here]).as_deref(), Some(here));
        assert_eq!(
            one_host("http://127.0.0.1:4000/view", &[here]).as_deref(),
            Some(here)
        );
        assert_eq!(
            one_host("http://LOCALHOST:4000/", &["localhost:4000"]).as_deref(),
            Some("localhost:4000")
        );
        assert_eq!(one_host("/", &[]), None);
        assert_eq!(one_host("/", &[here, here]), None);
        assert_eq!(one_host("/", &[here, "evil.example"]), None);
        assert_eq!(one_host("http://evil.example/", &[here]), None);
        assert_eq!(
            one_host("http://127.0.0.1:4000@evil.example/", &[here]),
            None
        );
        assert_eq!(one_host("http://127.0.0.1/", &[here]), None);
    }

    #[test]
    fn uploads_get_the_large_limit_and_everything_else_the_small() {
        assert_eq!(limit_for("/api/verify"), UPLOAD_LIMIT);
        assert_eq!(limit_for("/api/import"), UPLOAD_LIMIT);
        assert_eq!(limit_for("/api/save"), EDIT_LIMIT);
        assert!(too_large_message(UPLOAD_LIMIT).contains("16 MB"));
        assert!(too_large_message(EDIT_LIMIT).contains("64 KB"));
    }
}
