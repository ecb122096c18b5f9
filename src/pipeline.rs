//! facts → figures → template → Markdown → Document → HTML / PDF, in memory.

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::document::Document;

/// What to render.
#[derive(Debug, Clone)]
pub struct RenderRequest {
    /// The speech project folder (holds `templates/` and `facts/`).
    pub root: PathBuf,
    /// The facts file, e.g. `<root>/facts/2021.yaml`.
    pub facts: PathBuf,
    /// Render even with errors: unfilled figures become visible markers; the speech is marked 草稿.
    pub draft: bool,
    /// Print every figure written in digits as `*`.
    pub mask: bool,
}

/// One figure as a reviewer sees it.
#[derive(Debug, Clone)]
pub struct FigureReport {
    pub id: String,
    pub label: String,
    pub unit: String,
    pub kind: String,
    /// The printed text (e.g. `96.6`, `1200多`, `两`), or None when unfilled or invalid.
    pub value: Option<String>,
    pub status: FigureStatus,
    /// How it is computed, in words, e.g. `达标党支部数 ÷ 党支部总数 × 100，保留一位小数`.
    pub formula: String,
    /// Where its facts come from: `facts/2021.yaml:12:5` for each fact read.
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureStatus {
    Ok,
    Unfilled,
    Invalid,
}

/// A finished render, all in memory; nothing is written to disk here.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub year: i64,
    pub markdown: String,
    pub document: Document,
    /// The speech alone as an HTML fragment (`<article class="speech">…</article>`).
    pub html_body: String,
    /// A standalone page around `html_body`.
    pub html_page: String,
    pub figures: Vec<FigureReport>,
    /// Warnings, and in draft mode also the errors that did not stop the render.
    pub diagnostics: Vec<Diagnostic>,
}

/// Renders in memory. `Err` when nothing can be rendered: malformed YAML or template, or, unless
/// `draft`, any error at all. The diagnostics are sorted by file, line and column.
pub fn render(_req: &RenderRequest) -> Result<Rendered, Vec<Diagnostic>> {
    unimplemented!("the render pipeline lands with issue 2")
}
