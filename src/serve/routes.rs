//! The routes. There are exactly these; anything else is 404. No route maps a URL onto a disk
//! path, so `..`, encoded or not, has nothing to climb out of; no route takes a path from the page.
//! Every one is behind `guard` (the secret's cookie on every request; changes by POST only).
//!
//! | route                       | what                                                       |
//! |-----------------------------|------------------------------------------------------------|
//! | `GET /`                     | the workspace: the form beside the draft (or, without a project, the offer to make one) |
//! | `GET /view`                 | the current view alone; its version in `X-Preview-Tag`     |
//! | `GET /version?after=TAG`    | long-poll: answers the current tag as soon as it is not TAG |
//! | `GET /speech.pdf`, `/speech.docx` | the draft's PDF and .docx, rendered once per version  |
//! | `GET /download/final.pdf`, `final.docx`, `final.ofd`, `masked.pdf`, `sheet.pdf` | the final speech, the circulation copy, the reviewer's sheet |
//! | `GET /api/form`             | the year's facts as a form (JSON)                          |
//! | `POST /api/…`               | see `api.rs`                                               |
//! | `GET /assets/…`             | the page's CSS and JS, compiled into the binary            |

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::sync::watch;

use crate::format::{Format, Renderers};
use crate::pipeline::{self, RenderKind, RenderRequest};
use crate::sheet::{self, SheetFormat};

use super::api::{self, Work};
use super::guard::{self, Guard, plain};
use super::http::stopped;
use super::live::Slot;
use super::page;
use super::secret::Secret;
use super::state::Downloads;

/// Shorter than the idle timeouts of common proxies, so a long-poll is answered before a proxy
/// would cut it.
const LONG_POLL: Duration = Duration::from_secs(25);

#[derive(Clone)]
pub struct App {
    /// The project and year served; none while the page offers to make a project.
    pub live: Arc<Slot>,
    /// Makes the PDF and .docx of each version, on a thread of its own.
    pub downloads: Downloads,
    /// Lays out the final speech, the circulation copy and the sheet asked for from the page.
    pub renderers: Arc<Renderers>,
    /// Listening on loopback: only then may the page change anything.
    pub writable: bool,
    /// Handed to the page, which sends it back in a header with every change.
    pub secret: Secret,
    /// Where a project made from the page goes (chosen by the program).
    pub new_project: Option<PathBuf>,
    /// The last undo per year, the import waiting for a click, one write at a time.
    pub work: Arc<Work>,
}

#[derive(Clone)]
pub struct Ctx {
    pub app: App,
    stop: watch::Receiver<bool>,
}

pub fn router(app: App, guard: Guard, stop: watch::Receiver<bool>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/view", get(view))
        .route("/version", get(version))
        .route("/speech.pdf", get(pdf))
        .route("/speech.docx", get(docx))
        .route("/download/final.pdf", get(final_pdf))
        .route("/download/final.docx", get(final_docx))
        .route("/download/final.ofd", get(final_ofd))
        .route("/download/masked.pdf", get(masked_pdf))
        .route("/download/sheet.pdf", get(sheet_pdf))
        .route("/api/form", get(api::form))
        .route("/api/explain", post(api::explain))
        .route("/api/save", post(api::save))
        .route("/api/undo", post(api::undo))
        .route("/api/confirm", post(api::confirm))
        .route("/api/year", post(api::switch_year))
        .route("/api/next-year", post(api::next_year))
        .route("/api/verify", post(api::verify))
        .route("/api/import", post(api::import))
        .route("/api/import/apply", post(api::import_apply))
        .route("/api/new", post(api::new_project))
        .route("/assets/preview.css", get(css))
        .route("/assets/preview.js", get(js))
        .route("/assets/workspace.css", get(workspace_css))
        .route("/assets/workspace.js", get(workspace_js))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(guard, guard::guard))
        .with_state(Ctx { app, stop })
}

/// Scripts and styles only from our own routes: even HTML smuggled into the speech could not run.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

async fn index(State(ctx): State<Ctx>) -> Response {
    let app = &ctx.app;
    let body = match app.live.get() {
        Some(live) => {
            let snap = live.state.current();
            let years: Vec<i64> = live.project.years().into_iter().map(|(y, _)| y).collect();
            page::page(&page::Shell {
                source: &live.source,
                tag: &snap.tag,
                view: &snap.view,
                year: live.year,
                years: &years,
                writable: app.writable,
                secret: app.secret.as_str(),
            })
        }
        None => page::setup_page(
            &app.new_project
                .as_deref()
                .map(|d| d.display().to_string())
                .unwrap_or_default(),
            app.secret.as_str(),
            app.writable,
        ),
    };
    let mut res = html(body);
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    res
}

async fn view(State(ctx): State<Ctx>) -> Response {
    let Some(live) = ctx.app.live.get() else {
        return no_project();
    };
    let snap = live.state.current();
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
    let Some(live) = ctx.app.live.get() else {
        return no_project();
    };
    let mut snapshots = live.state.subscribe();
    // Not held while waiting: a switch of year drops the old one, which ends this wait.
    drop(live);
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
    let Some(live) = ctx.app.live.get() else {
        return no_project();
    };
    let snap = live.state.current();
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

async fn workspace_css() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_str!("assets/workspace.css"),
    )
}

async fn workspace_js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("assets/workspace.js"),
    )
}

async fn final_pdf(State(ctx): State<Ctx>) -> Response {
    made(ctx, Made::Speech(RenderKind::Final, Format::Pdf)).await
}

async fn final_docx(State(ctx): State<Ctx>) -> Response {
    made(ctx, Made::Speech(RenderKind::Final, Format::Docx)).await
}

async fn final_ofd(State(ctx): State<Ctx>) -> Response {
    made(ctx, Made::Speech(RenderKind::Final, Format::Ofd)).await
}

async fn masked_pdf(State(ctx): State<Ctx>) -> Response {
    made(ctx, Made::Speech(RenderKind::Masked, Format::Pdf)).await
}

async fn sheet_pdf(State(ctx): State<Ctx>) -> Response {
    made(ctx, Made::Sheet).await
}

/// A file made from the inputs as they are now, for the clerk to download.
enum Made {
    /// The final speech or the circulation copy, in a format.
    Speech(RenderKind, Format),
    /// The reviewer's sheet, as a PDF.
    Sheet,
}

/// Renders the final speech, the circulation copy or the sheet from the inputs as they are now
/// (off the threads that answer requests), and hands it over as a download named as `render`
/// names it. A speech with errors is refused with the first of them, in check's words.
async fn made(ctx: Ctx, what: Made) -> Response {
    let Some(live) = ctx.app.live.get() else {
        return no_project();
    };
    let renderers = ctx.app.renderers.clone();
    let job =
        tokio::task::spawn_blocking(move || -> Result<(String, &'static str, Vec<u8>), String> {
            match what {
                Made::Speech(kind, format) => {
                    let rendered = pipeline::render(&RenderRequest {
                        root: live.project.root.clone(),
                        facts: live.facts.clone(),
                        kind,
                    })
                    .map_err(|diags| refusal(&live.project.root, &diags))?;
                    let bytes = format
                        .render(&rendered, &renderers)
                        .map_err(|e| e.to_string())?;
                    Ok((format.file_name(&rendered), format.media_type(), bytes))
                }
                Made::Sheet => {
                    let sheet = sheet::build(&live.project.root, &live.facts)
                        .map_err(|diags| refusal(&live.project.root, &diags))?;
                    let bytes =
                        sheet::write(&sheet, SheetFormat::Pdf).map_err(|e| e.to_string())?;
                    Ok((
                        SheetFormat::Pdf.file_name().to_owned(),
                        "application/pdf",
                        bytes,
                    ))
                }
            }
        });
    match job.await {
        Ok(Ok((name, media_type, bytes))) => (
            [
                (header::CONTENT_TYPE, media_type.to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Ok(Err(message)) => plain(StatusCode::CONFLICT, message),
        Err(_) => plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "生成文件时出现内部错误。",
        ),
    }
}

/// Why a final file cannot be made: the errors, in check's words, with their places.
fn refusal(root: &std::path::Path, diags: &[crate::diagnostic::Diagnostic]) -> String {
    use crate::diagnostic::Severity;
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let mut text = format!(
        "还不能生成：有 {} 个错误（未填或有误的数字）。先在左边的表格中改正，再下载。\n",
        errors.len()
    );
    for d in errors.iter().take(10) {
        text.push_str("· ");
        text.push_str(&d.message);
        if let Some(l) = &d.location {
            text.push_str(&format!(
                "（{}:{}:{}）",
                page::display_path(root, &l.file).display(),
                l.line,
                l.column
            ));
        }
        text.push('\n');
    }
    text
}

fn no_project() -> Response {
    plain(
        StatusCode::CONFLICT,
        "还没有讲话稿项目：请先在首页新建一个。",
    )
}

async fn not_found() -> Response {
    plain(StatusCode::NOT_FOUND, "没有这个页面。")
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

pub fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}
