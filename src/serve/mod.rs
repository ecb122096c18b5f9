//! `speechgen serve` and `speechgen` with no arguments: the clerk's workspace in the browser — the
//! year's facts as a form beside the live draft of the speech.
//!
//! | file        | what                                                                        |
//! |-------------|-----------------------------------------------------------------------------|
//! | `guard`     | the rules every request passes: Host, the secret's cookie, POST-only changes with the secret in a header and our Origin, body limits |
//! | `secret`    | the secret made at each start, its cookie                                   |
//! | `routes`    | the page, the draft's view and long-poll, downloads                         |
//! | `api`       | the workspace's JSON: form, explain, save, undo, confirm, next year, verify, import, new project — every write through `crate::workspace` or the library's commands |
//! | `live`      | the project and year being served, replaced whole on a switch               |
//! | `state`, `watch`, `page` | the draft as versioned snapshots, the watch on its inputs, its HTML |
//! | `open`      | the default browser (ShellExecuteW on Windows), the zip-folder check        |
//! | `http`      | the accept loop and its bounds                                              |
//!
//! ```text
//! facts/<year>.yaml, templates/ ──watch (debounced)──▶ render in memory ──▶ Snapshot v(n+1)
//!                                                                              │
//! browser ◀── GET / (shell + view) ◀── GET /view ◀── GET /version?after=v(n) ◀─┘
//! ```
//!
//! How the page updates, and why not tower-livereload: a livereload script reloads the whole page
//! when told to. That loses the scroll position (the page has to stash and restore it), flashes,
//! and reloads whatever is on disk at that moment (mdBook's 404s mid-write). Here instead the page
//! long-polls `/version` with the version it shows; when a new one is published it fetches the new
//! view (`/view`) and swaps it in place. Nothing is reloaded, so the scroll position stays; every
//! version is an immutable in-memory snapshot, so a request can never catch a half-written file;
//! and a plain long-poll needs no WebSocket or SSE support from proxies, reconnects after a server
//! restart by itself (the version tag then differs, so the page refreshes), and ends cleanly on
//! shutdown.
//!
//! The preview itself writes nothing: there is no output folder to loop on, and no route serves a
//! file from a disk path, so there is nothing to traverse. The workspace writes the facts file only
//! through `crate::workspace` (one value's bytes, atomically, refused when the file changed since
//! the page read it), and only when listening on loopback; the page never names a path.

mod api;
mod guard;
mod http;
mod live;
mod open;
mod page;
mod routes;
mod secret;
mod state;
mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::sync::watch as signal;

use crate::error::Error;
use crate::format::Renderers;

pub use guard::{EDIT_LIMIT, UPLOAD_LIMIT};
pub use open::{INSIDE_ZIP, NO_BROWSER_ENV, inside_zip, open_in_browser, own_console};
pub use page::View;
pub use secret::{HEADER as SECRET_HEADER, cookie_name};
pub use state::{Rerendered, rerender};
pub use watch::DEBOUNCE;

/// The port `speechgen serve` suggests when none is given.
pub const DEFAULT_PORT: u16 = 4000;

/// What to serve, and where.
#[derive(Clone)]
pub struct ServeOptions {
    /// The speech project folder (holds `facts/` and `templates/`).
    pub root: PathBuf,
    /// The facts file to preview, e.g. `<root>/facts/2021.yaml`.
    pub facts: PathBuf,
    /// No project to serve: the page offers to make one in this folder (chosen by the program,
    /// never by the page), and serves it once made. `root` and `facts` are then not read.
    pub new_project: Option<PathBuf>,
    /// The address to listen on; loopback (127.0.0.1) unless the user asks otherwise. Only on
    /// loopback may the page change anything.
    pub host: IpAddr,
    /// 0 picks any free port.
    pub port: u16,
    /// Makes the downloads (`/speech.pdf`), at most once per version of the inputs, on a
    /// thread of their own.
    pub renderers: Arc<Renderers>,
}

impl ServeOptions {
    /// Loopback, default port.
    pub fn new(root: impl Into<PathBuf>, facts: impl Into<PathBuf>, renderers: Renderers) -> Self {
        ServeOptions {
            root: root.into(),
            facts: facts.into(),
            new_project: None,
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            renderers: Arc::new(renderers),
        }
    }

    /// No project yet: the page offers to make one in `dir`.
    pub fn without_project(dir: impl Into<PathBuf>, renderers: Renderers) -> Self {
        let mut opts = ServeOptions::new(PathBuf::new(), PathBuf::new(), renderers);
        opts.new_project = Some(dir.into());
        opts
    }
}

/// A running preview server. Dropping it (or `shutdown`) stops it.
pub struct Server {
    /// Where it listens (the real port when 0 was asked for).
    pub addr: SocketAddr,
    secret: secret::Secret,
    stop: signal::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// The address to open in a browser: `http://127.0.0.1:4000/`. When listening on all
    /// interfaces (0.0.0.0 or ::), the loopback address of the same family, which always works
    /// from this machine.
    pub fn url(&self) -> String {
        url(self.addr)
    }

    /// The address with the secret, to open once: `http://127.0.0.1:4000/?key=…`. The page
    /// exchanges it for a cookie and drops it from the address bar.
    pub fn url_with_key(&self) -> String {
        format!(
            "{}?{}={}",
            self.url(),
            secret::QUERY_KEY,
            self.secret.as_str()
        )
    }

    /// The secret (for a client that is not a browser: the tests).
    pub fn secret(&self) -> &str {
        self.secret.as_str()
    }

    /// Stops accepting, lets open requests finish (at most about a second) and returns.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        let _ = self.stop.send(true);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

/// The browser address for a listening address.
pub fn url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    // SocketAddr's Display brackets IPv6 addresses, as URLs need.
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

/// Renders the draft, starts watching its inputs and starts listening. Returns once the server
/// accepts connections; it runs on threads of its own until the `Server` is dropped.
pub fn start(opts: ServeOptions) -> Result<Server, Error> {
    let live = match &opts.new_project {
        Some(_) => None,
        None => Some(live::Live::open(&opts.root, &opts.facts)?),
    };

    let addr = SocketAddr::new(opts.host, opts.port);
    let listener = TcpListener::bind(addr).map_err(|e| Error::Bind { addr, source: e })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Bind { addr, source: e })?;
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::Bind { addr, source: e })?;

    let internal = |e: std::io::Error| Error::Internal(format!("无法启动预览服务器：{e}"));
    let secret = secret::Secret::new().map_err(internal)?;
    let downloads = state::Downloads::start(opts.renderers.clone()).map_err(internal)?;
    let loopback_only = addr.ip().is_loopback();
    let app = routes::App {
        live: Arc::new(live::Slot::new(live)),
        downloads,
        renderers: opts.renderers.clone(),
        writable: loopback_only,
        secret: secret.clone(),
        new_project: opts.new_project.clone(),
        work: Arc::default(),
    };
    let guard = guard::Guard {
        secret: secret.clone(),
        cookie: secret::cookie_name(addr.port()),
        loopback_only,
    };
    let (stop, stopped) = signal::channel(false);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("speechgen-serve")
        .enable_all()
        .build()
        .map_err(internal)?;
    let thread = std::thread::Builder::new()
        .name("speechgen-serve-main".into())
        .spawn(move || {
            runtime.block_on(async move {
                match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => {
                        let router = routes::router(app, guard, stopped.clone());
                        http::serve(listener, router, stopped).await
                    }
                    Err(e) => eprintln!("预览服务器无法监听：{e}"),
                }
            });
            // A PDF still being laid out for a client that is gone must not hold up Ctrl-C.
            runtime.shutdown_timeout(std::time::Duration::from_secs(1));
        })
        .map_err(internal)?;
    Ok(Server {
        addr,
        secret,
        stop,
        thread: Some(thread),
    })
}

/// Serves until Ctrl-C (or the console window is closed), then stops the server.
pub fn wait_for_ctrl_c(server: Server) -> Result<(), Error> {
    let signals = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("无法等待 Ctrl-C：{e}")))?;
    signals
        .block_on(tokio::signal::ctrl_c())
        .map_err(|e| Error::Internal(format!("无法等待 Ctrl-C：{e}")))?;
    server.shutdown();
    Ok(())
}

/// Parses `--host`: an IPv4 or IPv6 address, `[::1]` with brackets, or `localhost`, which means
/// 127.0.0.1. (Resolving `localhost` instead may give ::1 while the browser tries 127.0.0.1, or
/// the reverse: a classic "the preview does not load".) Usable as a clap `value_parser`.
pub fn parse_host(s: &str) -> Result<IpAddr, String> {
    if s.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    s.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .map_err(|_| format!("“{s}”不是 IP 地址：请写 127.0.0.1、0.0.0.0、::1 或 localhost"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_parse_as_users_write_them() {
        assert_eq!(parse_host("localhost"), Ok(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        assert_eq!(parse_host("0.0.0.0"), Ok(IpAddr::V4(Ipv4Addr::UNSPECIFIED)));
        assert_eq!(
            parse_host("[::1]"),
            Ok(IpAddr::V6(std::net::Ipv6Addr::LOCALHOST))
        );
        assert!(parse_host("example.com").is_err());
    }

    #[test]
    fn urls_are_clickable_for_every_family() {
        assert_eq!(
            url("127.0.0.1:4000".parse().unwrap()),
            "http://127.0.0.1:4000/"
        );
        assert_eq!(
            url("0.0.0.0:4000".parse().unwrap()),
            "http://127.0.0.1:4000/"
        );
        assert_eq!(url("[::]:4000".parse().unwrap()), "http://[::1]:4000/");
        assert_eq!(url("[::1]:4000".parse().unwrap()), "http://[::1]:4000/");
    }
}
