//! The routes. There are exactly these; anything else is 404. No route maps a URL onto a disk
//! path, so `..`, encoded or not, has nothing to climb out of.
//!
//! | route                  | what                                                       |
//! |------------------------|------------------------------------------------------------|
//! | `/`                    | the preview page (shell + current view)                    |
//! | `/view`                | the current view alone; its version in `X-Preview-Tag`     |
//! | `/version?after=TAG`   | long-poll: answers the current tag as soon as it is not TAG |
//! | `/speech.pdf`          | the PDF of the current version, rendered once and cached   |
//! | `/speech.docx`         | the .docx of the current version, likewise                 |
//! | `/assets/preview.css`, `/assets/preview.js` | compiled into the binary              |

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::watch;

use crate::format::Format;

use super::http::stopped;
use super::page;
use super::state::{Downloads, State as Drafts};

/// Shorter than the idle timeouts of common proxies, so a long-poll is answered before a proxy
/// would cut it.
const LONG_POLL: Duration = Duration::from_secs(25);

#[derive(Clone)]
pub struct App {
    pub state: Arc<Drafts>,
    /// Makes the PDF and .docx of each version, on a thread of its own.
    pub downloads: Downloads,
    /// The facts file as shown in the banner (`facts/2021.yaml`).
    pub source: String,
    /// Listening on loopback: then only requests addressed to an IP or `localhost` are answered.
    pub loopback_only: bool,
}

#[derive(Clone)]
struct Ctx {
    app: App,
    stop: watch::Receiver<bool>,
}

pub fn router(app: App, stop: watch::Receiver<bool>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/view", get(view))
        .route("/version", get(version))
        .route("/speech.pdf", get(pdf))
        .route("/speech.docx", get(docx))
        .route("/assets/preview.css", get(css))
        .route("/assets/preview.js", get(js))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(Ctx { app, stop })
}

/// Refuses what no page of ours sends, and adds the headers every answer carries.
async fn guard(State(app): State<App>, req: Request, next: Next) -> Response {
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
    if app.loopback_only && !host_allowed(host) {
        return plain(
            StatusCode::FORBIDDEN,
            "只接受发往本机地址（127.0.0.1、localhost）的请求。",
        );
    }
    // Every route is a GET without a body; a body is never read, so refuse it and close.
    let has_body = req.headers().contains_key(header::TRANSFER_ENCODING)
        || req
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes() != b"0");
    let mut res = if has_body {
        let mut res = plain(StatusCode::PAYLOAD_TOO_LARGE, "请求不能带正文。");
        res.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        res
    } else {
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

async fn index(State(ctx): State<Ctx>) -> Response {
    let snap = ctx.app.state.current();
    let mut res = html(page::page(&ctx.app.source, &snap.tag, &snap.view));
    // Scripts and styles only from our own routes: even HTML smuggled into the speech could not run.
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ),
    );
    res
}

async fn view(State(ctx): State<Ctx>) -> Response {
    let snap = ctx.app.state.current();
    let mut res = html(snap.view.html.clone());
    if let Ok(tag) = HeaderValue::from_str(&snap.tag) {
        res.headers_mut().insert("x-preview-tag", tag);
    }
    res
}

/// Answers the current version tag as soon as it differs from `after` (at once when it already
/// does), or after `LONG_POLL` with the unchanged tag. The page then asks again.
async fn version(State(ctx): State<Ctx>, uri: Uri) -> Response {
    let after = uri
        .query()
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix("after="))
        .unwrap_or("")
        .to_owned();
    let mut snapshots = ctx.app.state.subscribe();
    let mut stop = ctx.stop.clone();
    let deadline = tokio::time::sleep(LONG_POLL);
    tokio::pin!(deadline);
    loop {
        if snapshots.borrow_and_update().tag != after {
            break;
        }
        tokio::select! {
            changed = snapshots.changed() => if changed.is_err() { break },
            _ = &mut deadline => break,
            _ = stopped(&mut stop) => break,
        }
    }
    let tag = snapshots.borrow().tag.clone();
    plain(StatusCode::OK, tag)
}

async fn pdf(State(ctx): State<Ctx>) -> Response {
    download(ctx, Format::Pdf).await
}

async fn docx(State(ctx): State<Ctx>) -> Response {
    download(ctx, Format::Docx).await
}

/// The current version as a file to download, named as `render --draft` names it.
async fn download(ctx: Ctx, format: Format) -> Response {
    let snap = ctx.app.state.current();
    // Laying out a PDF is CPU work: it is done on the downloads thread, off the threads that
    // answer requests, and runs to the end even if the client goes away, so its result is
    // cached for the next.
    let disposition = format!(
        "{}; filename=\"speech-draft.{}\"",
        if format == Format::Pdf {
            "inline"
        } else {
            "attachment"
        },
        format.extension()
    );
    match ctx.app.downloads.get(snap, format).await {
        Ok(Some(Ok(bytes))) => (
            [
                (header::CONTENT_TYPE, format.media_type().to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            bytes,
        )
            .into_response(),
        Ok(Some(Err(message))) => plain(StatusCode::INTERNAL_SERVER_ERROR, message),
        Ok(None) => plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "草稿有错误，无法生成下载文件：请先改正预览页上显示的错误。",
        ),
        Err(_) => plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "生成下载文件时出现内部错误。",
        ),
    }
}

async fn css() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_str!("assets/preview.css"),
    )
}

async fn js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("assets/preview.js"),
    )
}

async fn not_found() -> Response {
    plain(StatusCode::NOT_FOUND, "没有这个页面。")
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

fn plain(status: StatusCode, body: impl Into<String>) -> Response {
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
}
