//! `speechgen serve`: a live preview of the draft in the browser.
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
//! Nothing is ever written to disk: there is no output folder to loop on, and no route serves a
//! file from a disk path, so there is nothing to traverse.

mod http;
mod page;
mod routes;
mod state;
mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::sync::watch as signal;

use crate::error::Error;
use crate::format::Renderers;
use crate::pipeline::{RenderKind, RenderRequest};

pub use page::View;
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
    /// The address to listen on; loopback (127.0.0.1) unless the user asks otherwise.
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
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            renderers: Arc::new(renderers),
        }
    }
}

/// A running preview server. Dropping it (or `shutdown`) stops it.
pub struct Server {
    /// Where it listens (the real port when 0 was asked for).
    pub addr: SocketAddr,
    stop: signal::Sender<bool>,
    thread: Option<JoinHandle<()>>,
    _watch: watch::Watch,
}

impl Server {
    /// The address to open in a browser: `http://127.0.0.1:4000/`. When listening on all
    /// interfaces (0.0.0.0 or ::), the loopback address of the same family, which always works
    /// from this machine.
    pub fn url(&self) -> String {
        url(self.addr)
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
    // Canonical paths, so that the watcher's event paths compare equal to ours.
    let canonical = |p: &PathBuf, what: &str| {
        p.canonicalize()
            .map_err(|e| Error::io(p, &format!("找不到{what}"), &e))
    };
    let root = canonical(&opts.root, "项目文件夹")?;
    // `2021.yaml` alone has the empty path as parent: that is the current folder.
    let facts_dir = match opts.facts.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let facts =
        canonical(&facts_dir, "事实文件夹")?.join(opts.facts.file_name().unwrap_or_default());
    let request = RenderRequest {
        root: root.clone(),
        facts: facts.clone(),
        kind: RenderKind::Draft,
    };

    let addr = SocketAddr::new(opts.host, opts.port);
    let listener = TcpListener::bind(addr).map_err(|e| Error::Bind { addr, source: e })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Bind { addr, source: e })?;
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::Bind { addr, source: e })?;

    let state = state::State::new(request);
    let inputs = watch::Inputs {
        facts: facts.clone(),
        templates: root.join("templates"),
    };
    let watch = {
        let state = state.clone();
        watch::watch(inputs, move || {
            state.refresh();
        })?
    };
    // A save between the first render and the start of the watch would otherwise go unseen;
    // when nothing changed, this publishes nothing.
    state.refresh();

    let downloads = state::Downloads::start(opts.renderers)
        .map_err(|e| Error::Internal(format!("无法启动预览服务器：{e}")))?;
    let app = routes::App {
        state,
        downloads,
        source: page::display_path(&root, &facts).display().to_string(),
        loopback_only: addr.ip().is_loopback(),
    };
    let (stop, stopped) = signal::channel(false);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("speechgen-serve")
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("无法启动预览服务器：{e}")))?;
    let thread = std::thread::Builder::new()
        .name("speechgen-serve-main".into())
        .spawn(move || {
            runtime.block_on(async move {
                match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => {
                        http::serve(listener, routes::router(app, stopped.clone()), stopped).await
                    }
                    Err(e) => eprintln!("预览服务器无法监听：{e}"),
                }
            });
            // A PDF still being laid out for a client that is gone must not hold up Ctrl-C.
            runtime.shutdown_timeout(std::time::Duration::from_secs(1));
        })
        .map_err(|e| Error::Internal(format!("无法启动预览服务器：{e}")))?;
    Ok(Server {
        addr,
        stop,
        thread: Some(thread),
        _watch: watch,
    })
}

/// Starts the server, calls `on_ready` with its address (print it, open the browser), and serves
/// until Ctrl-C. The whole of `speechgen serve` after argument parsing.
pub fn run_blocking(opts: ServeOptions, on_ready: impl FnOnce(SocketAddr)) -> Result<(), Error> {
    let server = start(opts)?;
    on_ready(server.addr);
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

/// Opens `url` in the default browser (`--open`), without waiting for it.
pub fn open_in_browser(url: &str) -> std::io::Result<()> {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        // `start` treats its first quoted argument as a window title.
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(drop)
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
