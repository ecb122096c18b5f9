//! The HTTP/1.1 accept loop, with bounds on what a client may cost the server.
//!
//! `axum::serve` does not expose hyper's limits, so connections are served here directly.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
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
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut connections = JoinSet::new();
    loop {
        // Beyond the limit, new connections wait in the kernel's backlog instead of costing memory.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            _ = stopped(&mut stop) => break,
        };
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
        let service = TowerToHyperService::new(router.clone());
        let mut stop = stop.clone();
        connections.spawn(async move {
            let _slot = slot;
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_buf_size(MAX_HEAD_BYTES)
                .max_headers(MAX_HEADERS);
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stopped(&mut stop) => {
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(GRACE, conn).await;
                }
            }
        });
        while connections.try_join_next().is_some() {}
    }
    let _ = tokio::time::timeout(GRACE * 2, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
}
