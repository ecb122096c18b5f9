//! The current render as an immutable, versioned snapshot, and the PDF cached per snapshot.
//!
//! Every change of the inputs produces a new `Snapshot` that replaces the old one atomically (a
//! `tokio::sync::watch` channel). Requests read whichever snapshot is current, so a page can never
//! see a half-written input or a half-finished render: it sees the previous version or the next.

use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Bytes;
use tokio::sync::watch;

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

impl Snapshot {
    /// This version in a download format (PDF or .docx): rendered once, then served from
    /// memory. Blocking; call it from a blocking thread. `None` when the inputs are broken or
    /// the format is not offered for download.
    pub fn download(&self, format: Format, renderers: &Renderers) -> Option<Result<Bytes, String>> {
        let rendered = self.rendered.as_ref()?;
        let cache = match format {
            Format::Pdf => &self.pdf,
            Format::Docx => &self.docx,
            Format::Md | Format::Html => return None,
        };
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
