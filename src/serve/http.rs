//! The HTTP/1.1 accept loop, with bounds on what a client may cost the server.
//!
//! `axum::serve` does not expose hyper's limits, so connections are served here directly.

use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use hyper::body::{Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper::service::Service as _;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

/// Request line plus headers must fit in this many bytes; hyper answers 431 beyond it. The page's
/// own requests need well under 2 KiB. (hyper refuses less than 8 KiB.)
const MAX_HEAD_BYTES: usize = 16 * 1024;
const MAX_HEADERS: usize = 64;
/// A client that has not sent its headers by then is dropped (slowloris).
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Each open page holds one long-poll; a few hundred covers any office.
const MAX_CONNECTIONS: usize = 256;
/// On shutdown, how long open requests may take to finish.
const GRACE: Duration = Duration::from_secs(1);

/// Resolves once the server is told to stop (or its handle is gone).
pub async fn stopped(stop: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns must not be held across an await: it is not Send.
    let _ = stop.wait_for(|s| *s).await;
}

pub async fn serve(listener: TcpListener, router: Router, mut stop: watch::Receiver<bool>) {
    let open = Arc::new(Open::default());
    let mut connections = JoinSet::new();
    'serve: loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors and the like: pause instead of spinning; keep serving.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stopped(&mut stop) => break,
        };
        // When every connection is answering a request (long-polls), the next waits for one of
        // them; the kernel's backlog holds the rest meanwhile instead of our memory.
        let conn = loop {
            let freed = open.freed.notified();
            if let Some(conn) = open.admit() {
                break conn;
            }
            tokio::select! {
                _ = freed => {}
                _ = stopped(&mut stop) => break 'serve,
            }
        };
        connections.spawn(serve_connection(
            stream,
            router.clone(),
            conn,
            open.clone(),
            stop.clone(),
        ));
        while connections.try_join_next().is_some() {}
    }
    let _ = tokio::time::timeout(GRACE * 2, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
}

async fn serve_connection(
    stream: TcpStream,
    router: Router,
    conn: Arc<Connection>,
    open: Arc<Open>,
    mut stop: watch::Receiver<bool>,
) {
    let _open = Closes(open.clone(), conn.clone());
    let router = TowerToHyperService::new(router);
    let service = {
        let conn = conn.clone();
        hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            let busy = Busy::start(open.clone(), conn.clone());
            let answer = router.call(req);
            async move {
                let res = answer.await?;
                Ok::<_, std::convert::Infallible>(
                    res.map(|body| Body::new(UntilSent { body, _busy: busy })),
                )
            }
        })
    };
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(MAX_HEAD_BYTES)
        .max_headers(MAX_HEADERS);
    let http = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(http);
    tokio::select! {
        _ = http.as_mut() => {}
        // Dropping the connection closes it.
        _ = conn.evict.notified() => {}
        _ = stopped(&mut stop) => {
            http.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(GRACE, http).await;
        }
    }
}

/// The open connections. At most `MAX_CONNECTIONS`; when a new one comes beyond that, the one
/// that has waited longest for a request's head gives way to it. So clients that trickle their
/// headers in (slowloris) or sit idle cannot keep a new request waiting for `HEADER_TIMEOUT`,
/// while every request under way (an open page's long-poll) keeps its connection.
#[derive(Default)]
struct Open {
    connections: Mutex<Vec<Arc<Connection>>>,
    /// Told when a connection closes or finishes a request, so that one may be admitted.
    freed: Notify,
}

struct Connection {
    /// Since when it has waited for a request's head; None while a request is under way.
    waiting_since: Mutex<Option<Instant>>,
    /// Told when it must give way to a new connection.
    evict: Notify,
}

impl Open {
    /// A place for a new connection, evicting the one that has waited longest for a head when
    /// all are taken; None when every connection is answering a request.
    fn admit(&self) -> Option<Arc<Connection>> {
        let mut connections = lock(&self.connections);
        if connections.len() >= MAX_CONNECTIONS {
            let oldest = connections
                .iter()
                .enumerate()
                .filter_map(|(i, c)| Some((i, (*lock(&c.waiting_since))?)))
                .min_by_key(|&(_, since)| since)?
                .0;
            connections.swap_remove(oldest).evict.notify_one();
        }
        let conn = Arc::new(Connection {
            waiting_since: Mutex::new(Some(Instant::now())),
            evict: Notify::new(),
        });
        connections.push(conn.clone());
        Some(conn)
    }
}

/// A poisoned lock only means a panic elsewhere; the data (instants, a list) is still sound.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes its connection from the open ones when the connection's task ends.
struct Closes(Arc<Open>, Arc<Connection>);

impl Drop for Closes {
    fn drop(&mut self) {
        lock(&self.0.connections).retain(|c| !Arc::ptr_eq(c, &self.1));
        self.0.freed.notify_one();
    }
}

/// Marks its connection as answering a request, until the answer's last byte is handed to the
/// connection (or the answer is dropped).
struct Busy(Arc<Open>, Arc<Connection>);

impl Busy {
    fn start(open: Arc<Open>, conn: Arc<Connection>) -> Self {
        *lock(&conn.waiting_since) = None;
        Busy(open, conn)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        *lock(&self.1.waiting_since) = Some(Instant::now());
        // It may now give way to a connection waiting for a place.
        self.0.freed.notify_one();
    }
}

/// An answer's body, holding its connection busy until hyper has taken all of it: a PDF sent
/// to a browser that reads slowly is still a request under way.
struct UntilSent {
    body: Body,
    _busy: Busy,
}

impl hyper::body::Body for UntilSent {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
