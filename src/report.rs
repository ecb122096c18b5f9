//! Printing diagnostics for people (with the offending line shown) and for CI systems.

use std::fmt::Write as _;
use std::path::Path;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::diagnostic::{Diagnostic, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MessageFormat {
    /// 在 GitHub Actions 中（GITHUB_ACTIONS=true）用 github，否则用 human（GitHub Actions under
    /// GITHUB_ACTIONS=true, otherwise human）
    Auto,
    /// 给人看：说明、所在的行（值下加标记）和改法（the message, the line with the value marked, a
    /// hint）
    Human,
    /// 每个问题一行：`文件:行:列: error[代码]: 说明`，多数 CI 能读（one line each, gcc style）
    Short,
    /// GitHub Actions 的批注命令（`::error file=…,line=…,col=…::…`），标在改动的行上（workflow
    /// annotations）
    Github,
    /// 一个 JSON 文档，输出到标准输出：每个事实文件及其全部问题（one JSON document on standard
    /// output, for programs）
    Json,
}

impl MessageFormat {
    pub fn resolve(self) -> MessageFormat {
        match self {
            MessageFormat::Auto if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") => {
                MessageFormat::Github
            }
            MessageFormat::Auto => MessageFormat::Human,
            other => other,
        }
    }
}

/// A path shown relative to the current folder when it lies below it. The path as given is tried
/// before the one its links resolve to: `facts/2022.yaml` linked to elsewhere is still shown as
/// `facts/2022.yaml`, the name the clerk knows.
pub fn shown_path(path: &Path) -> String {
    let Some(cwd) = std::env::current_dir().ok() else {
        return path.display().to_string();
    };
    let cwd_canonical = cwd.canonicalize().unwrap_or_else(|_| cwd.clone());
    let absolute = cwd.join(path);
    for dir in [&cwd, &cwd_canonical] {
        if let Ok(rel) = absolute.strip_prefix(dir) {
            return rel.display().to_string();
        }
    }
    if let Ok(canonical) = path.canonicalize()
        && let Ok(rel) = canonical.strip_prefix(&cwd_canonical)
    {
        return rel.display().to_string();
    }
    path.display().to_string()
}

fn word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

pub fn format(d: &Diagnostic, format: MessageFormat, color: bool) -> String {
    match format.resolve() {
        MessageFormat::Human | MessageFormat::Auto => human(d, color),
        MessageFormat::Short => short(d),
        MessageFormat::Github => github(d),
        MessageFormat::Json => json(d).to_string(),
    }
}

/// One problem as a JSON object: where it is (`file`, `line`, `column`, null when it has no
/// place), `code`, `severity`, the `figure` or `fact` it concerns, `message` and `hint`.
pub fn json(d: &Diagnostic) -> serde_json::Value {
    let place = d.location.as_ref();
    serde_json::json!({
        "file": place.map(|l| shown_path(&l.file)),
        "line": place.map(|l| l.line),
        "column": place.map(|l| l.column),
        "code": d.code,
        "severity": word(d.severity),
        "figure": d.figure,
        "fact": d.fact,
        "message": d.message,
        "hint": d.hint,
    })
}

/// What `check --message-format json` prints: one document holding, for each facts file
/// checked, whether it passed and the array of its problems.
pub fn json_document(files: &[CheckedFile]) -> String {
    let files: Vec<serde_json::Value> = files
        .iter()
        .map(|f| {
            let errors = f.diagnostics.iter().filter(|d| d.is_error()).count();
            serde_json::json!({
                "facts": shown_path(&f.facts),
                "passed": f.passed,
                "errors": errors,
                "warnings": f.diagnostics.len() - errors,
                "problems": f.diagnostics.iter().map(json).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&serde_json::json!({ "files": files }))
        .expect("a JSON value serialises");
    s.push('\n');
    s
}

/// One facts file as `check` found it.
pub struct CheckedFile {
    pub facts: std::path::PathBuf,
    pub diagnostics: Vec<Diagnostic>,
    /// No error (and, under `--deny-warnings`, no warning).
    pub passed: bool,
}

impl CheckedFile {
    /// A facts file's problems judged: it passes with no error, and under `deny_warnings` with
    /// no warning either.
    pub fn judge(
        facts: std::path::PathBuf,
        diagnostics: Vec<Diagnostic>,
        deny_warnings: bool,
    ) -> CheckedFile {
        let errors = diagnostics.iter().any(Diagnostic::is_error);
        let warnings = diagnostics
            .iter()
            .any(|d| d.severity == crate::diagnostic::Severity::Warning);
        CheckedFile {
            facts,
            passed: !(errors || (deny_warnings && warnings)),
            diagnostics,
        }
    }
}

/// `facts/2021.yaml:12:5` or nothing.
pub fn place(d: &Diagnostic) -> Option<String> {
    d.location
        .as_ref()
        .map(|l| format!("{}:{}:{}", shown_path(&l.file), l.line, l.column))
}

fn ids(d: &Diagnostic) -> String {
    let mut parts = Vec::new();
    if let Some(f) = &d.figure {
        parts.push(format!("figure={f}"));
    }
    if let Some(f) = &d.fact {
        parts.push(format!("fact={f}"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" [{}]", parts.join(" "))
    }
}

/// One line per problem, whatever the message holds: a line break in it (from a value, a file
/// name, a library's text) is written as `\n`, so that no value can forge a second problem line
/// for the CI parser that reads this format.
fn short(d: &Diagnostic) -> String {
    let mut s = String::new();
    if let Some(p) = place(d) {
        let _ = write!(s, "{}: ", one_line(&p));
    }
    let _ = write!(
        s,
        "{}[{}]: {}{}",
        word(d.severity),
        d.code,
        one_line(&d.message),
        one_line(&ids(d))
    );
    if let Some(h) = &d.hint {
        let _ = write!(s, "（提示：{}）", one_line(h));
    }
    s
}

/// A text on one line: line breaks and other control characters written out.
fn one_line(text: &str) -> String {
    if text.chars().any(char::is_control) {
        crate::text::escape_invisible(text)
    } else {
        text.to_owned()
    }
}

fn github_escape(s: &str, property: bool) -> String {
    let mut out = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

fn github(d: &Diagnostic) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut props = Vec::new();
    if let Some(l) = &d.location {
        props.push(format!(
            "file={}",
            github_escape(&shown_path(&l.file), true)
        ));
        props.push(format!("line={}", l.line));
        props.push(format!("col={}", l.column));
    }
    props.push(format!(
        "title={}",
        github_escape(&format!("speechgen {}", d.code), true)
    ));
    let mut message = format!("{}{}", d.message, ids(d));
    if let Some(h) = &d.hint {
        message.push_str("\n提示：");
        message.push_str(h);
    }
    format!(
        "::{command} {}::{}",
        props.join(","),
        github_escape(&message, false)
    )
}

fn human(d: &Diagnostic, color: bool) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    // The figure and fact ids are for machines (short, github, json); a clerk reads the message.
    let title = crate::text::escape_invisible(&d.message);
    let mut group = Group::with_title(level.primary_title(&title).id(d.code));
    let path;
    if let (Some(l), Some(line)) = (&d.location, &d.source_line) {
        path = shown_path(&l.file);
        // The marker spans the value token: from the column to the next space or comment.
        let start: usize = line
            .chars()
            .take(l.column.saturating_sub(1))
            .map(char::len_utf8)
            .sum();
        let start = start.min(line.len());
        let rest = &line[start..];
        let len = match rest.chars().next() {
            // A quoted value is marked up to its closing quote, commas and all.
            Some(q @ ('"' | '\'')) => rest[1..].find(q).map_or(rest.len(), |i| i + 2),
            _ => rest
                .find(|c: char| c.is_whitespace() || c == '#' || c == ',' || c == ']')
                .unwrap_or(rest.len()),
        }
        .max(rest.chars().next().map_or(0, char::len_utf8));
        group = group.element(
            Snippet::source(line.as_str())
                .line_start(l.line)
                .path(path.as_str())
                .annotation(AnnotationKind::Primary.span(start..start + len)),
        );
    } else if let Some(p) = place(d) {
        group = group.element(annotate_snippets::Origin::path(p));
    }
    let hint = d.hint.clone();
    let mut report = vec![group];
    if let Some(h) = &hint {
        report.push(Group::with_title(Level::HELP.secondary_title(h.as_str())));
    }
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&report).to_string()
}

/// `2 个错误，1 个警告`.
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    format!("{errors} 个错误，{warnings} 个警告")
}
