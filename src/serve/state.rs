//! The current render as an immutable, versioned snapshot, and the PDF cached per snapshot.
//!
//! Every change of the inputs produces a new `Snapshot` that replaces the old one atomically (a
//! `tokio::sync::watch` channel). Requests read whichever snapshot is current, so a page can never
//! see a half-written input or a half-finished render: it sees the previous version or the next.

use std::sync::{Arc, Mutex, OnceLock, mpsc};

use axum::body::Bytes;
use tokio::sync::{oneshot, watch};

use crate::diagnostic::Diagnostic;
use crate::format::{Format, Renderers};
use crate::pipeline::{self, RenderRequest, Rendered};

use super::page::{self, View};

/// One version of the draft, as served.
pub struct Snapshot {
    /// Identifies this version for the page's update loop: `<boot>-<version>`. The boot part makes a
    /// restarted server differ from the one a page was loaded from, so the page refreshes.
    pub tag: String,
    pub view: View,
    /// The speech to download in other formats; `None` when the inputs are broken.
    pub rendered: Option<Rendered>,
    /// The PDF and the .docx of this version, each rendered on first request.
    /// `OnceLock::get_or_init` blocks concurrent callers until the first finishes, so simultaneous
    /// requests share one render. A failure is kept as its message: it is shown, and the same
    /// inputs fail the same way.
    pdf: OnceLock<Result<Bytes, String>>,
    docx: OnceLock<Result<Bytes, String>>,
}

/// A download as made: `None` when the inputs are broken or the format is not offered for
/// download; else the file, or why it could not be made.
pub type Made = Option<Result<Bytes, String>>;

impl Snapshot {
    fn cache(&self, format: Format) -> Option<&OnceLock<Result<Bytes, String>>> {
        self.rendered.as_ref()?;
        match format {
            Format::Pdf => Some(&self.pdf),
            Format::Docx => Some(&self.docx),
            Format::Md | Format::Html | Format::Ofd => None,
        }
    }

    /// This version in a download format (PDF or .docx): rendered once, then served from
    /// memory. Blocking: the server calls it on its downloads thread (`Downloads`).
    pub fn download(&self, format: Format, renderers: &Renderers) -> Made {
        let rendered = self.rendered.as_ref()?;
        let cache = self.cache(format)?;
        Some(
            cache
                .get_or_init(|| {
                    format
                        .render(rendered, renderers)
                        .map(Bytes::from)
                        .map_err(|e| e.to_string())
                })
                .clone(),
        )
    }

    /// The download when it needs no work (made already, or nothing to make); None while it
    /// is still to be made.
    pub fn ready(&self, format: Format) -> Option<Made> {
        match self.cache(format) {
            None => Some(None),
            Some(cache) => cache.get().map(|made| Some(made.clone())),
        }
    }
}

/// Makes the downloads on one thread of its own, one at a time. A request for a download not
/// made yet waits for its answer without holding a thread: with a blocking thread per request,
/// dozens of clients asking for the PDF of a new version parked dozens of threads (and their
/// memory) on the one render; here the first request renders it and those queued behind it are
/// answered from the snapshot's cache. Ends when the server (every clone of this) is gone.
#[derive(Clone)]
pub struct Downloads {
    jobs: mpsc::Sender<Job>,
}

struct Job {
    snapshot: Arc<Snapshot>,
    format: Format,
    reply: oneshot::Sender<Made>,
}

impl Downloads {
    pub fn start(renderers: Arc<Renderers>) -> std::io::Result<Downloads> {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("speechgen-downloads".into())
            .spawn(move || {
                for job in queue {
                    // A bug in a render must not end the thread every later download needs.
                    let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        job.snapshot.download(job.format, &renderers)
                    }))
                    .unwrap_or_else(|_| Some(Err("生成下载文件时出现内部错误。".to_owned())));
                    // The client may have gone; the file stays cached for the next.
                    let _ = job.reply.send(made);
                }
            })?;
        Ok(Downloads { jobs })
    }

    /// `snapshot` in `format`: at once when made already, else once the downloads thread has
    /// made it. Err when that thread is gone (a bug).
    pub async fn get(&self, snapshot: Arc<Snapshot>, format: Format) -> Result<Made, ()> {
        if let Some(made) = snapshot.ready(format) {
            return Ok(made);
        }
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job {
                snapshot,
                format,
                reply,
            })
            .map_err(|_| ())?;
        answer.await.map_err(|_| ())
    }
}

/// The outcome of one render, before it is given a version.
pub struct Rerendered {
    pub view: View,
    pub rendered: Option<Rendered>,
}

/// Renders the draft and lays out the preview for it: exactly what the server does after each
/// change, so `benches/rerender.rs` measures this function.
pub fn rerender(req: &RenderRequest) -> Rerendered {
    // A bug in the pipeline must not end the watch: show it like any other error and carry on.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pipeline::render(req)))
        .unwrap_or_else(|panic| Err(vec![internal_error(panic)]));
    let view = page::view(&req.root, &result);
    Rerendered {
        view,
        rendered: result.ok(),
    }
}

fn internal_error(panic: Box<dyn std::any::Any + Send>) -> Diagnostic {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    Diagnostic::error(
        "internal",
        format!("speechgen 内部错误，草稿无法生成：{what}"),
        None,
    )
    .with_hint("这是程序的缺陷，不是文件的问题：请把本页内容报告给维护者。")
}

/// Holds the current snapshot and publishes new ones.
pub struct State {
    request: RenderRequest,
    boot: u64,
    /// The last version number. Held for the whole of render + publish, so that renders are
    /// published in the order they read the files: a render that read older files can never
    /// replace a newer one.
    rendering: Mutex<u64>,
    tx: watch::Sender<Arc<Snapshot>>,
}

impl State {
    /// Renders the first version.
    pub fn new(request: RenderRequest) -> Arc<State> {
        // Nanoseconds since the epoch: different for every start of the server in practice.
        let boot = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let first = rerender(&request);
        let (tx, _) = watch::channel(Arc::new(snapshot(boot, 1, first)));
        Arc::new(State {
            request,
            boot,
            rendering: Mutex::new(1),
            tx,
        })
    }

    pub fn current(&self) -> Arc<Snapshot> {
        self.tx.borrow().clone()
    }

    pub fn subscribe(&self) -> watch::Receiver<Arc<Snapshot>> {
        self.tx.subscribe()
    }

    /// Renders again and publishes the result as the new version, unless it shows exactly what
    /// is already shown: editors touch files without changing them (and save swap files beside
    /// them), and pages should not flicker for that. True when a new version was published.
    pub fn refresh(&self) -> bool {
        let mut version = self.rendering.lock().unwrap_or_else(|e| e.into_inner());
        let next = rerender(&self.request);
        if self.tx.borrow().view == next.view {
            return false;
        }
        *version += 1;
        self.tx
            .send_replace(Arc::new(snapshot(self.boot, *version, next)));
        true
    }
}

fn snapshot(boot: u64, version: u64, r: Rerendered) -> Snapshot {
    Snapshot {
        tag: format!("{boot}-{version}"),
        view: r.view,
        rendered: r.rendered,
        pdf: OnceLock::new(),
        docx: OnceLock::new(),
    }
}
