//! The preview page: the speech beside a panel of its figures and problems, or, when the inputs
//! are broken, the errors instead of a stale speech.
//!
//! The page is a fixed shell (banner, styles, script) around a *view*. Only the view changes from
//! version to version; the script swaps it in place (see `assets/preview.js`).

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

/// The whole page: shell plus the current view. `source` names the facts file in the banner.
pub fn page(source: &str, tag: &str, view: &View) -> String {
    format!(
        r#"<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>草稿预览 · {source}</title>
<link rel="stylesheet" href="/assets/preview.css">
<script src="/assets/preview.js" defer></script>
</head>
<body data-tag="{tag}">
<header class="banner"><span class="draft">草稿</span><span class="source">预览 {source}</span><span id="status" role="status"></span><a class="pdf" href="/speech.pdf" target="_blank" rel="noopener">下载 PDF</a><a class="pdf" href="/speech.docx">下载 Word</a></header>
<div id="view">{view}</div>
<div id="tip" role="tooltip" hidden></div>
</body>
</html>
"#,
        source = escape(source),
        tag = escape(tag),
        view = view.html,
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
