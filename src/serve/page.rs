//! The workspace page: the year's facts as a form beside the speech and a panel of its figures and
//! problems, or, when the inputs are broken, the errors instead of a stale speech.
//!
//! The page is a fixed shell (banner, styles, scripts, the form's column) around a *view*. Only the
//! view changes from version to version; `assets/preview.js` swaps it in place, and
//! `assets/workspace.js` draws the form from `/api/form` and sends the clerk's changes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Severity};
use crate::figures::{FigureReport, FigureStatus};
use crate::pipeline::Rendered;

/// The changing part of the page, as HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub html: String,
    /// False when nothing could be rendered and the view shows errors.
    pub ok: bool,
}

/// The view for a render result.
pub fn view(root: &Path, result: &Result<Rendered, Vec<Diagnostic>>) -> View {
    match result {
        Ok(r) => View {
            html: speech_view(root, r),
            ok: true,
        },
        Err(diags) => View {
            html: error_view(root, diags),
            ok: false,
        },
    }
}

/// What the page's shell shows around the view.
pub struct Shell<'a> {
    /// The facts file as shown (`facts/2021.yaml`).
    pub source: &'a str,
    pub tag: &'a str,
    pub view: &'a View,
    /// The year served, when the facts file is named after one.
    pub year: Option<i64>,
    /// Every year of the project, oldest first.
    pub years: &'a [i64],
    /// Whether the page may change anything (listening on loopback).
    pub writable: bool,
    /// The workspace's secret: the page sends it back in a header with every change. Only a
    /// request that carried the secret's cookie gets this page.
    pub secret: &'a str,
}

/// The whole page: the form (filled in by `workspace.js` from `/api/form`) beside the current
/// view of the draft.
pub fn page(shell: &Shell) -> String {
    let years: String = shell
        .years
        .iter()
        .map(|y| {
            format!(
                "<option value=\"{y}\"{}>{y} 年</option>",
                if Some(*y) == shell.year {
                    " selected"
                } else {
                    ""
                }
            )
        })
        .collect();
    let tools = if shell.writable {
        r#"<button type="button" id="undo" disabled title="撤销上一次在本页的修改">撤销</button><button type="button" id="next-year">开始下一年</button><button type="button" id="verify" title="选一份打印稿的 PDF 或 Word 文件（也可以直接拖到本页）">核对打印稿</button><button type="button" id="import" title="把领导在 Word 中改过的讲话稿带回来">带回 Word 修改稿</button>"#
    } else {
        r#"<span class="readonly">只读预览</span><button type="button" id="verify" title="选一份打印稿的 PDF 或 Word 文件（也可以直接拖到本页）">核对打印稿</button>"#
    };
    format!(
        r#"<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="speechgen-secret" content="{secret}">
<title>讲话稿工作台 · {source}</title>
<link rel="stylesheet" href="/assets/preview.css">
<link rel="stylesheet" href="/assets/workspace.css">
<script src="/assets/preview.js" defer></script>
<script src="/assets/workspace.js" defer></script>
</head>
<body class="workspace" data-tag="{tag}" data-year="{year}" data-writable="{writable}">
<header class="banner"><span class="draft">草稿</span><select id="year" aria-label="年份">{years}</select><span class="source">{source}</span><span id="status" role="status"></span>{tools}<details class="downloads"><summary>下载</summary><div class="menu"><a href="/download/final.pdf" download>定稿 PDF</a><a href="/download/final.docx" download>定稿 Word</a><a href="/download/final.ofd" download>定稿 OFD（版式文件）</a><a href="/download/masked.pdf" download>传阅稿 PDF（数字隐去）</a><a href="/download/sheet.pdf" download>核对表 PDF（审核用）</a><a class="pdf" href="/speech.pdf" target="_blank" rel="noopener">草稿 PDF</a><a class="pdf" href="/speech.docx">草稿 Word</a></div></details><input type="file" id="verify-file" accept=".pdf,.ofd,.docx,.md,.html" hidden><input type="file" id="import-file" accept=".docx" hidden></header>
<div class="work">
<section id="form" aria-label="本年事实"><p class="loading">正在读取事实……</p></section>
<div id="view">{view}</div>
</div>
<div id="dialog" role="dialog" aria-modal="true" hidden><div class="box"><div id="dialog-body"></div><div class="actions" id="dialog-actions"></div></div></div>
<div id="tip" role="tooltip" hidden></div>
</body>
</html>
"#,
        source = escape(shell.source),
        tag = escape(shell.tag),
        year = shell.year.map(|y| y.to_string()).unwrap_or_default(),
        writable = if shell.writable { "1" } else { "0" },
        secret = escape(shell.secret),
        view = shell.view.html,
    )
}

/// The page without a project: where one will be made (the program's choice, shown, never asked
/// for), and the three ways to make it.
pub fn setup_page(dir: &str, secret: &str, writable: bool) -> String {
    let actions = if writable {
        r#"<div class="choices">
<button type="button" id="new-sample" class="primary">用示例新建</button>
<p>示例讲话、每种数据项各一例，数字是虚构的（标有“样例”），换成本单位的即可。</p>
<button type="button" id="new-docx">由已有的讲话稿新建（Word 或 Markdown）…</button>
<p>选一篇往年的讲话稿（.docx 或 .md）：其中的数字、名称都变成待填的数据项。</p>
<input type="file" id="new-file" accept=".docx,.md" hidden>
</div>"#
    } else {
        "<p>这是只读预览，不能在网页上新建项目。</p>"
    };
    format!(
        r#"<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="speechgen-secret" content="{secret}">
<title>讲话稿工作台 · 新建</title>
<link rel="stylesheet" href="/assets/preview.css">
<link rel="stylesheet" href="/assets/workspace.css">
<script src="/assets/workspace.js" defer></script>
</head>
<body class="setup">
<main class="setup-box">
<h1>还没有讲话稿项目</h1>
<p>在当前文件夹和程序所在的文件夹里都没有找到讲话稿项目（含 templates 和 facts 两个文件夹）。</p>
<p>新项目将建在：<code id="new-dir">{dir}</code></p>
{actions}
<p id="status" role="status"></p>
</main>
</body>
</html>
"#,
        secret = escape(secret),
        dir = escape(dir),
    )
}

fn speech_view(root: &Path, r: &Rendered) -> String {
    let mut h = String::with_capacity(r.html_body.len() + 4096);
    h.push_str("<main class=\"speech-col\">");
    // The pipeline escapes every value that comes from facts; its HTML is trusted as is.
    h.push_str(&r.html_body);
    h.push_str("</main><aside id=\"panel\" aria-label=\"数字与问题\">");
    let length = crate::length::Length::of(&r.document, &r.settings);
    let _ = write!(
        h,
        "<p class=\"length{}\">{}</p>",
        if length.is_over() { " over" } else { "" },
        escape(&length.summary())
    );
    let count = |s: FigureStatus| r.figures.iter().filter(|f| f.status == s).count();
    let _ = write!(
        h,
        "<h2>数字 <small>{} 个，未填 {}，无效 {}</small></h2><table class=\"figures\"><thead><tr><th>名称</th><th>值</th><th>状态</th></tr></thead><tbody>",
        r.figures.len(),
        count(FigureStatus::Unfilled),
        count(FigureStatus::Invalid)
    );
    for f in &r.figures {
        figure_row(&mut h, root, f);
    }
    let _ = write!(
        h,
        "</tbody></table><h2>问题 <small>{} 个</small></h2>",
        r.diagnostics.len()
    );
    if r.diagnostics.is_empty() {
        h.push_str("<p class=\"none\">没有发现问题。</p>");
    } else {
        h.push_str("<ol class=\"problems\">");
        for d in &r.diagnostics {
            let figure = d.figure.as_deref().unwrap_or("");
            let _ = write!(
                h,
                "<li class=\"problem sev-{sev}\" data-figure=\"{fig}\" tabindex=\"0\"><span class=\"sev\">{sev_cn}</span> {msg}",
                sev = sev_class(d.severity),
                sev_cn = sev_label(d.severity),
                fig = escape(figure),
                msg = escape(&d.message),
            );
            if let Some(loc) = location(root, d) {
                let _ = write!(h, " <code class=\"loc\">{}</code>", escape(&loc));
            }
            if let Some(hint) = &d.hint {
                let _ = write!(h, "<div class=\"hint\">{}</div>", escape(hint));
            }
            h.push_str("</li>");
        }
        h.push_str("</ol>");
    }
    h.push_str("</aside>");
    h
}

fn figure_row(h: &mut String, root: &Path, f: &FigureReport) {
    let (status, status_cn) = match f.status {
        FigureStatus::Ok => ("ok", "正常"),
        FigureStatus::Unfilled => ("unfilled", "未填"),
        FigureStatus::Invalid => ("invalid", "无效"),
    };
    let value = f.value.as_deref().unwrap_or("");
    let shown = f.shown();
    // `facts/2021.yaml:12:5` even if the pipeline gives absolute paths: short enough to read.
    let sources: Vec<String> = f
        .sources
        .iter()
        .map(|s| display_path(root, Path::new(s)).display().to_string())
        .collect();
    // The tooltip reads these attributes (with textContent, never as HTML).
    let _ = write!(
        h,
        "<tr class=\"st-{status}\" data-figure=\"{id}\" data-label=\"{label}\" data-value=\"{value}\" data-unit=\"{unit}\" data-kind=\"{kind}\" data-status=\"{status}\" data-shown=\"{shown}\" data-formula=\"{formula}\" data-sources=\"{sources}\"><td><a href=\"#\" class=\"goto\">{label}</a></td><td class=\"val\">{shown}</td><td class=\"st\">{status_cn}</td></tr>",
        id = escape(&f.id),
        label = escape(&f.label),
        value = escape(value),
        unit = escape(&f.unit),
        kind = escape(&f.kind),
        formula = escape(&f.formula),
        sources = escape(&sources.join("\n")),
        shown = escape(&shown),
    );
}

fn error_view(root: &Path, diags: &[Diagnostic]) -> String {
    let mut h = String::from(
        "<main class=\"broken\"><h1>无法生成草稿</h1><p class=\"lead\">下列文件有错误。改正并保存后，本页会自动恢复。</p>",
    );
    for d in diags {
        let _ = write!(
            h,
            "<section class=\"diag sev-{}\"><p class=\"msg\"><span class=\"sev\">{}</span> {}",
            sev_class(d.severity),
            sev_label(d.severity),
            escape(&d.message)
        );
        if let Some(id) = d.figure.as_deref().or(d.fact.as_deref()) {
            let _ = write!(h, " <code>{}</code>", escape(id));
        }
        h.push_str("</p>");
        if let Some(loc) = location(root, d) {
            let _ = write!(h, "<p class=\"loc\">--&gt; {}</p>", escape(&loc));
        }
        if let Some(line) = &d.source_line {
            let column = d.location.as_ref().map_or(0, |l| l.column);
            let number = d.location.as_ref().map_or(0, |l| l.line);
            let _ = write!(
                h,
                "<pre class=\"source\"><span class=\"ln\">{number} | </span>{}</pre>",
                mark_column(line, column)
            );
        }
        if let Some(hint) = &d.hint {
            let _ = write!(h, "<p class=\"hint\">提示：{}</p>", escape(hint));
        }
        h.push_str("</section>");
    }
    h.push_str("</main>");
    h
}

/// The source line, escaped, with the token starting at the 1-based character `column` marked.
/// A caret line under it would misalign: Chinese characters are two columns wide.
fn mark_column(line: &str, column: usize) -> String {
    let chars: Vec<char> = line.chars().collect();
    if column == 0 || column > chars.len() {
        return escape(line);
    }
    let start = column - 1;
    let end = chars[start..]
        .iter()
        .position(|c| c.is_whitespace())
        .map_or(chars.len(), |n| start + n.max(1));
    let part = |a: usize, b: usize| escape(&chars[a..b].iter().collect::<String>());
    format!(
        "{}<mark>{}</mark>{}",
        part(0, start),
        part(start, end),
        part(end, chars.len())
    )
}

/// `facts/2021.yaml:12:5`, the file relative to the project folder when it lies inside it.
fn location(root: &Path, d: &Diagnostic) -> Option<String> {
    let l = d.location.as_ref()?;
    Some(format!(
        "{}:{}:{}",
        display_path(root, &l.file).display(),
        l.line,
        l.column
    ))
}

pub fn display_path(root: &Path, file: &Path) -> PathBuf {
    file.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| file.to_path_buf())
}

fn sev_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn sev_label(s: Severity) -> &'static str {
    match s {
        Severity::Error => "错误",
        Severity::Warning => "警告",
    }
}

/// The same escaping as the rendered speech: text and double-quoted attributes.
pub use crate::html::escape;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_the_token_at_the_column_counting_characters() {
        assert_eq!(
            mark_column("  名称: [未闭合", 7),
            "  名称: <mark>[未闭合</mark>"
        );
        assert_eq!(mark_column("a <b>", 3), "a <mark>&lt;b&gt;</mark>");
        assert_eq!(mark_column("abc", 9), "abc");
    }

    #[test]
    fn escapes_attribute_breakers() {
        assert_eq!(escape("\"<x>&'\n"), "&quot;&lt;x&gt;&amp;&#39;&#10;");
    }
}
