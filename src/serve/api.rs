//! The workspace's JSON routes. Every write goes through the library: a fact through
//! `crate::workspace` (`apply`, `undo`, `confirm`: only that value's bytes, atomically, refused when
//! the file changed since the page read it), a new year through `next_year`, a Word copy through
//! `import`, a new project through `init` or `import::create`. The page sends a year, a fact path
//! and what the clerk typed, never a file path; core checks the fact path against the file.
//!
//! | route                    | body                                   | answer                          |
//! |--------------------------|----------------------------------------|---------------------------------|
//! | `GET /api/form`          |                                        | `{form, writable, years, undo}` |
//! | `POST /api/explain`      | `{kind, raw}`                          | `{problems}`                    |
//! | `POST /api/save`         | `{year, sha256, path, raw}`            | `{sha256, form}`; 409 `{kind: "conflict", on_disk_value, yours, on_disk_sha256}`, 422 `invalid`, 423 `locked`, 500 `io` |
//! | `POST /api/undo`         | `{year, sha256}`                       | as save                         |
//! | `POST /api/confirm`      | `{year, sha256, paths}`                | as save                         |
//! | `POST /api/year`         | `{year}`                               | `{year}`                        |
//! | `POST /api/next-year`    | `{year}`                               | `{year, message}`               |
//! | `POST /api/verify`       | the print's bytes (≤ 16 MB)            | `{current, text}`               |
//! | `POST /api/import`       | the .docx's bytes (≤ 16 MB)            | `{text, summary, reports, notes, can_apply}` |
//! | `POST /api/import/apply` | `{}`                                   | `{message}`                     |
//! | `POST /api/new?from=sample\|docx\|md` | nothing, or the file's bytes | `{message}`                  |

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::import;
use crate::next_year::{self, NotMade};
use crate::verify;
use crate::workspace::{self, Edit, FieldKind, SaveError, Saved, Undo};

use super::guard::{self, too_large};
use super::live::{Live, Slot};
use super::routes::Ctx;

/// What the server remembers between requests of the workspace.
#[derive(Default)]
pub struct Work {
    /// The last change per year, for the page's 撤销.
    undo: Mutex<HashMap<i64, Undo>>,
    /// A Word copy read and compared, waiting for the clerk's click to be written.
    import: Mutex<Option<import::Update>>,
    /// One write at a time: two tabs saving at once are put in a row (core's hash check then
    /// refuses the second if the first changed the file under it).
    writing: tokio::sync::Mutex<()>,
}

/// What a handler answers: its refusals (a bad request, a year not served, work that failed)
/// are the `Err` side, so that reading a request is a chain of `?`.
type Answer = Result<Response, Response>;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn answer(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

fn ok(body: Value) -> Response {
    answer(StatusCode::OK, body)
}

fn refused(status: StatusCode, message: impl Into<String>) -> Response {
    answer(
        status,
        json!({ "kind": "refused", "message": message.into() }),
    )
}

/// The body, at most `limit` bytes (413 beyond: a chunked body has no Content-Length for the
/// guard to see first).
async fn body(req: Request, limit: usize) -> Result<Bytes, Response> {
    axum::body::to_bytes(req.into_body(), limit)
        .await
        .map_err(|_| too_large(&guard::too_large_message(limit)))
}

/// The body as a JSON object.
async fn json_body(req: Request) -> Result<Value, Response> {
    let bytes = body(req, guard::EDIT_LIMIT).await?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(v) if v.is_object() => Ok(v),
        _ => Err(refused(
            StatusCode::BAD_REQUEST,
            "请求的内容不是工作台网页发出的格式。",
        )),
    }
}

fn text_of<'a>(v: &'a Value, key: &str) -> Result<&'a str, Response> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| refused(StatusCode::BAD_REQUEST, format!("请求缺少“{key}”。")))
}

fn year_of(v: &Value) -> Result<i64, Response> {
    v.get("year")
        .and_then(Value::as_i64)
        .ok_or_else(|| refused(StatusCode::BAD_REQUEST, "请求缺少年份。"))
}

/// The project served and the year the page asks about, when that is the year served (a page
/// left open on another year must not write into this one).
fn live_for(slot: &Slot, year: Option<i64>) -> Result<Arc<Live>, Response> {
    let live = slot
        .get()
        .ok_or_else(|| refused(StatusCode::CONFLICT, "还没有讲话稿项目：请先新建一个。"))?;
    match (year, live.year) {
        (Some(asked), Some(served)) if asked != served => Err(refused(
            StatusCode::CONFLICT,
            format!("本页是 {asked} 年的，工作台现在打开的是 {served} 年：请刷新页面。"),
        )),
        (_, None) => Err(refused(
            StatusCode::CONFLICT,
            "事实文件的名称不是年份（如 facts/2021.yaml），不能在网页上填写；请用命令行。",
        )),
        _ => Ok(live),
    }
}

/// Runs blocking library work (file reads and writes, renders) off the threads that answer
/// requests.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Response> {
    tokio::task::spawn_blocking(f).await.map_err(|_| {
        refused(
            StatusCode::INTERNAL_SERVER_ERROR,
            "处理请求时出现内部错误。",
        )
    })
}

pub async fn form(State(ctx): State<Ctx>) -> Answer {
    let app = ctx.app;
    let live = live_for(&app.live, None)?;
    let year = live.year.unwrap_or_default();
    let years: Vec<i64> = live.project.years().into_iter().map(|(y, _)| y).collect();
    let has_undo = lock(&app.work.undo).contains_key(&year);
    let project = live.project.clone();
    let made = blocking(move || workspace::form(&project, year)).await?;
    Ok(match made {
        Ok(form) => ok(json!({
            "form": form,
            "writable": app.writable,
            "years": years,
            "undo": has_undo,
        })),
        // The file cannot be read as a form (broken YAML): the view beside shows the error at
        // its line; the form says so in one line.
        Err(e) => ok(json!({
            "form": null,
            "error": e.to_string(),
            "writable": app.writable,
            "years": years,
            "undo": has_undo,
        })),
    })
}

pub async fn explain(req: Request) -> Answer {
    let v = json_body(req).await?;
    let (kind, raw) = (text_of(&v, "kind")?, text_of(&v, "raw")?);
    let Some(kind) = field_kind(kind) else {
        return Err(refused(StatusCode::BAD_REQUEST, "没有这种数据项。"));
    };
    Ok(ok(json!({ "problems": workspace::explain(kind, raw) })))
}

/// A field's kind as the form names it in JSON.
fn field_kind(name: &str) -> Option<FieldKind> {
    Some(match name {
        "count" => FieldKind::Count,
        "decimal" => FieldKind::Decimal,
        "part_whole" => FieldKind::PartWhole,
        "series" => FieldKind::Series,
        "names" => FieldKind::Names,
        "name" => FieldKind::Name,
        "text" => FieldKind::Text,
        "flag" => FieldKind::Flag,
        "records" => FieldKind::Records,
        "group" => FieldKind::Group,
        _ => return None,
    })
}

/// A change's answer: the new hash and form, the speech re-rendered at once (the watcher would
/// see the file too, 80 ms later); or why nothing was written.
async fn saved(
    ctx: &Ctx,
    live: Arc<Live>,
    year: i64,
    result: Result<Saved, SaveError>,
) -> Response {
    match result {
        Ok(saved) => {
            lock(&ctx.app.work.undo).insert(year, saved.undo.clone());
            let state = live.state.clone();
            let _ = blocking(move || state.refresh()).await;
            ok(json!({ "sha256": saved.sha256, "form": saved.form, "undo": true }))
        }
        Err(e) => save_error(e),
    }
}

fn save_error(e: SaveError) -> Response {
    match e {
        SaveError::Conflict {
            on_disk_sha256,
            on_disk_value,
            yours,
        } => answer(
            StatusCode::CONFLICT,
            json!({
                "kind": "conflict",
                "message": "事实文件在本页打开后被别的程序改过，没有保存，以免覆盖那边的修改。",
                "on_disk_sha256": on_disk_sha256,
                "on_disk_value": on_disk_value,
                "yours": yours,
            }),
        ),
        SaveError::Invalid(problems) => answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "kind": "invalid", "problems": problems }),
        ),
        SaveError::Locked { tries, message } => answer(
            StatusCode::LOCKED,
            json!({ "kind": "locked", "tries": tries, "message": message }),
        ),
        SaveError::Io(message) => answer(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({ "kind": "io", "message": message }),
        ),
    }
}

pub async fn save(State(ctx): State<Ctx>, req: Request) -> Answer {
    let v = json_body(req).await?;
    let (year, sha, path, raw) = (
        year_of(&v)?,
        text_of(&v, "sha256")?,
        text_of(&v, "path")?,
        text_of(&v, "raw")?,
    );
    let live = live_for(&ctx.app.live, Some(year))?;
    let edit = Edit {
        path: path.to_owned(),
        raw: raw.to_owned(),
    };
    let sha = sha.to_owned();
    let _writing = ctx.app.work.writing.lock().await;
    let project = live.project.clone();
    let result = blocking(move || workspace::apply(&project, year, &sha, &edit)).await?;
    Ok(saved(&ctx, live, year, result).await)
}

pub async fn undo(State(ctx): State<Ctx>, req: Request) -> Answer {
    let v = json_body(req).await?;
    let (year, sha) = (year_of(&v)?, text_of(&v, "sha256")?.to_owned());
    let live = live_for(&ctx.app.live, Some(year))?;
    let _writing = ctx.app.work.writing.lock().await;
    let Some(last) = lock(&ctx.app.work.undo).get(&year).cloned() else {
        return Err(refused(StatusCode::CONFLICT, "没有可以撤销的修改。"));
    };
    let project = live.project.clone();
    let result = blocking(move || workspace::undo(&project, year, &sha, &last)).await?;
    Ok(match result {
        Ok(saved_) => {
            // Undone: nothing more to undo (an undo of the undo would be a redo).
            lock(&ctx.app.work.undo).remove(&year);
            let state = live.state.clone();
            let _ = blocking(move || state.refresh()).await;
            ok(json!({ "sha256": saved_.sha256, "form": saved_.form, "undo": false }))
        }
        Err(e) => save_error(e),
    })
}

pub async fn confirm(State(ctx): State<Ctx>, req: Request) -> Answer {
    let v = json_body(req).await?;
    let (year, sha) = (year_of(&v)?, text_of(&v, "sha256")?.to_owned());
    let paths: Vec<String> = v
        .get("paths")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|p| p.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if paths.is_empty() {
        return Err(refused(StatusCode::BAD_REQUEST, "没有指明要确认哪一项。"));
    }
    let live = live_for(&ctx.app.live, Some(year))?;
    let _writing = ctx.app.work.writing.lock().await;
    let project = live.project.clone();
    let result = blocking(move || workspace::confirm(&project, year, &sha, &paths)).await?;
    Ok(saved(&ctx, live, year, result).await)
}

/// Serves another year of the same project.
pub async fn switch_year(State(ctx): State<Ctx>, req: Request) -> Answer {
    let v = json_body(req).await?;
    let year = year_of(&v)?;
    let Some(live) = ctx.app.live.get() else {
        return Err(refused(StatusCode::CONFLICT, "还没有讲话稿项目。"));
    };
    let Some(facts) = live.facts_of(year) else {
        return Err(refused(
            StatusCode::NOT_FOUND,
            format!("没有 {year} 年的事实文件。"),
        ));
    };
    let root = live.project.root.clone();
    drop(live);
    Ok(serve_instead(&ctx, root, facts, json!({ "year": year })).await)
}

/// Opens `facts` and serves it from now on.
async fn serve_instead(
    ctx: &Ctx,
    root: std::path::PathBuf,
    facts: std::path::PathBuf,
    answer_with: Value,
) -> Response {
    match blocking(move || Live::open(&root, &facts)).await {
        Ok(Ok(live)) => {
            ctx.app.live.replace(live);
            ok(answer_with)
        }
        Ok(Err(e)) => refused(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        Err(res) => res,
    }
}

/// `speechgen next-year` from the page: next year's facts made from the year served, then served.
pub async fn next_year(State(ctx): State<Ctx>, req: Request) -> Answer {
    let v = json_body(req).await?;
    let year = year_of(&v)?;
    let live = live_for(&ctx.app.live, Some(year))?;
    let _writing = ctx.app.work.writing.lock().await;
    let (project, facts) = (live.project.clone(), live.facts.clone());
    drop(live);
    let made = blocking(move || next_year::make(&project, &facts, false)).await?;
    Ok(match made {
        Ok(made) => {
            let message = format!(
                "已建立 {} 年：名称沿用 {} 年，数字已清空（上年的数在每项旁边），{} 个数据项待填写。",
                made.year, made.from, made.to_fill
            );
            let root = ctx
                .app
                .live
                .get()
                .map(|l| l.project.root.clone())
                .unwrap_or_default();
            serve_instead(
                &ctx,
                root,
                made.facts,
                json!({ "year": made.year, "message": message }),
            )
            .await
        }
        Err(NotMade::Unfilled { figures, .. }) => refused(
            StatusCode::CONFLICT,
            format!(
                "{year} 年还有 {} 个数据项未填：{}。先把这一年填完，再开始下一年；没有写入任何文件。",
                figures.len(),
                figures.join("、")
            ),
        ),
        Err(NotMade::Failed(e)) => refused(StatusCode::CONFLICT, e.to_string()),
    })
}

/// A file from the page, put where the library can read it: a folder of its own in the system's
/// temporary folder (never the project), named by what its bytes are, gone when dropped.
fn upload(bytes: &[u8], stem: &str) -> std::io::Result<(tempfile::TempDir, std::path::PathBuf)> {
    let ext = if bytes.starts_with(b"%PDF") {
        "pdf"
    } else if bytes.starts_with(b"PK") {
        // An OFD is a zip too: its entry OFD.xml tells it from a Word file (named in the
        // verdict, so the clerk is told of the file dropped).
        let is_ofd = zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .is_ok_and(|z| z.file_names().any(|n| n.is_ok_and(|n| n == "OFD.xml")));
        if is_ofd { "ofd" } else { "docx" }
    } else if bytes.iter().take(512).any(|&b| b == b'<')
        && bytes.windows(5).any(|w| w.eq_ignore_ascii_case(b"<html"))
    {
        "html"
    } else {
        "md"
    };
    let dir = tempfile::Builder::new()
        .prefix("speechgen-upload")
        .tempdir()?;
    let path = dir.path().join(format!("{stem}.{ext}"));
    std::fs::write(&path, bytes)?;
    Ok((dir, path))
}

/// Says the temporary folder's name as nothing: the clerk dropped a file, not a path.
fn without_dir(text: &str, dir: &Path) -> String {
    let shown = dir.display().to_string();
    text.replace(&format!("{shown}{}", std::path::MAIN_SEPARATOR), "")
        .replace(&shown, "")
}

/// A dropped print (PDF, .docx, .md, .html) checked against the inputs as they are now, as
/// `speechgen verify` does: 一致, or 已过期 with what changed.
pub async fn verify(State(ctx): State<Ctx>, req: Request) -> Answer {
    let bytes = body(req, guard::UPLOAD_LIMIT).await?;
    let live = ctx
        .app
        .live
        .get()
        .ok_or_else(|| refused(StatusCode::CONFLICT, "还没有讲话稿项目。"))?;
    let project = live.project.clone();
    drop(live);
    let result = blocking(move || {
        // The print names the facts file it was made from; from the page, only one of this
        // project's years is read (a crafted file could name any path).
        let recorded = crate::digest::Digest::find_in(&bytes)
            .ok()
            .and_then(|d| d.facts_path().map(str::to_owned));
        let facts = match &recorded {
            Some(recorded) => Some(
                project
                    .years()
                    .into_iter()
                    .map(|(_, path)| path)
                    .find(|path| {
                        path.strip_prefix(&project.root).is_ok_and(|rel| {
                            rel.to_string_lossy().replace('\\', "/") == *recorded
                        })
                    })
                    .ok_or_else(|| {
                        format!("这份文件记录的事实文件 {recorded} 不在本项目的 facts 文件夹中，无法核对。")
                    })?,
            ),
            None => None,
        };
        let (dir, path) = upload(&bytes, "打印稿").map_err(|e| e.to_string())?;
        let verdict = verify::verify(&project, &path, facts.as_deref())
            .map_err(|e| without_dir(&e.to_string(), dir.path()))?;
        Ok::<_, String>((
            verdict.is_current(),
            without_dir(&verdict.to_string(), dir.path()),
        ))
    })
    .await?;
    Ok(match result {
        Ok((current, text)) => ok(json!({ "current": current, "text": text })),
        Err(message) => refused(StatusCode::UNPROCESSABLE_ENTITY, message),
    })
}

/// A .docx edited in Word, compared with the year's speech as `speechgen import --year` does; the
/// proposed changes are kept until the clerk applies them (or uploads another).
pub async fn import(State(ctx): State<Ctx>, req: Request) -> Answer {
    let bytes = body(req, guard::UPLOAD_LIMIT).await?;
    let live = live_for(&ctx.app.live, None)?;
    let (project, facts) = (live.project.clone(), live.facts.clone());
    drop(live);
    let result = blocking(move || {
        let (dir, path) = upload(&bytes, "带回的讲话稿").map_err(|e| e.to_string())?;
        let delivered = import::read(&path).map_err(|e| without_dir(&e.to_string(), dir.path()))?;
        let update = import::update(&project, &facts, &delivered)
            .map_err(|e| without_dir(&e.to_string(), dir.path()))?;
        let notes: Vec<String> = delivered
            .notes
            .iter()
            .chain(&update.notes)
            .cloned()
            .collect();
        Ok::<_, String>((update, notes))
    })
    .await?;
    let (update, notes) =
        result.map_err(|message| refused(StatusCode::UNPROCESSABLE_ENTITY, message))?;
    let reports: Vec<String> = update.reports.iter().map(|r| r.message()).collect();
    let can_apply = update.wording_changed() && !update.blocked();
    let body = json!({
        "text": update.diff.text(),
        "summary": update.diff.summary(),
        "reports": reports,
        "notes": notes,
        "blocked": update.blocked(),
        "changed": update.wording_changed(),
        "can_apply": can_apply,
        "year": update.year,
    });
    *lock(&ctx.app.work.import) = can_apply.then_some(update);
    Ok(ok(body))
}

pub async fn import_apply(State(ctx): State<Ctx>, req: Request) -> Answer {
    json_body(req).await?;
    let _writing = ctx.app.work.writing.lock().await;
    let Some(update) = lock(&ctx.app.work.import).take() else {
        return Err(refused(
            StatusCode::CONFLICT,
            "没有待写入的 Word 修改：请先上传。",
        ));
    };
    let (year, target) = (update.year, update.target.clone());
    Ok(match blocking(move || update.write()).await? {
        Ok(()) => {
            if let Some(live) = ctx.app.live.get() {
                let state = live.state.clone();
                let _ = blocking(move || state.refresh()).await;
            }
            ok(json!({
                "message": format!(
                    "已写入 {} 年的措辞（{}）；往年的讲话不受影响。",
                    year,
                    target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
                )
            }))
        }
        Err(e) => refused(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    })
}

/// A project made from the page, in the folder the program chose at start (never one the page
/// names): the sample (`init`), or from an uploaded .docx or .md (`import --new`). Then served.
pub async fn new_project(State(ctx): State<Ctx>, req: Request) -> Answer {
    let from = req
        .uri()
        .query()
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix("from="))
        .unwrap_or("")
        .to_owned();
    let bytes = body(req, guard::UPLOAD_LIMIT).await?;
    if ctx.app.live.get().is_some() {
        return Err(refused(StatusCode::CONFLICT, "已经打开了一个讲话稿项目。"));
    }
    let Some(dir) = ctx.app.new_project.clone() else {
        return Err(refused(StatusCode::CONFLICT, "没有可以新建项目的文件夹。"));
    };
    let _writing = ctx.app.work.writing.lock().await;
    let target = dir.clone();
    let made = blocking(move || -> Result<String, String> {
        match from.as_str() {
            "sample" => crate::init::create(&target, None, None, None)
                .map(|c| {
                    format!(
                        "已新建“{}”（示例数字，标有“样例”）：请把数字换成本单位的。",
                        c.title
                    )
                })
                .map_err(|e| e.to_string()),
            "docx" | "md" => {
                if bytes.is_empty() {
                    return Err("请选择一个 Word（.docx）或 Markdown（.md）文件。".to_owned());
                }
                let (tmp, path) = upload(&bytes, "讲话").map_err(|e| e.to_string())?;
                let made = import::create(&path, &target, None, None)
                    .map_err(|e| without_dir(&e.to_string(), tmp.path()))?;
                made.prove().map_err(|e| e.to_string())?;
                Ok(format!(
                    "已由上传的讲话新建项目：{} 个数据项。数据项的名称是按上下文拟的，请逐项核对。",
                    made.detection.proposals.len()
                ))
            }
            _ => Err("不知道要用什么新建项目。".to_owned()),
        }
    })
    .await?;
    let message = made.map_err(|m| refused(StatusCode::UNPROCESSABLE_ENTITY, m))?;
    let failed = |e: crate::error::Error| refused(StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
    let project = crate::project::Project::at(&dir).map_err(failed)?;
    let facts = project.facts_file(None).map_err(failed)?;
    Ok(serve_instead(&ctx, project.root, facts, json!({ "message": message })).await)
}
