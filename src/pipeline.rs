//! facts → figures → template → Markdown → Document → HTML, in memory. The PDF is laid out from
//! the same Document by the `pdf` module; writing files is the CLI's business.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::digest::Digest;
use crate::document::Document;
use crate::facts::Facts;
use crate::figures::{Declarations, Evaluation, evaluate};
use crate::markdown::{self, Slot};
use crate::project::Project;
use crate::settings::Settings;
use crate::template::Template;
use crate::{html, review, yaml};

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

impl RenderRequest {
    pub fn kind(&self) -> RenderKind {
        match (self.draft, self.mask) {
            (true, _) => RenderKind::Draft,
            (false, true) => RenderKind::Masked,
            (false, false) => RenderKind::Final,
        }
    }
}

/// Which copy of the speech a render is. Each copy has its own file names, so that writing one
/// never replaces another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderKind {
    /// The speech as it is given: every figure filled and checked.
    Final,
    /// Written despite errors, unfilled figures shown as markers, marked 草稿.
    Draft,
    /// The circulation copy: figures in digits printed as `*`.
    Masked,
}

impl RenderKind {
    /// The stem of the output files (`speech` → speech.md, speech.pdf, …).
    pub fn stem(self) -> &'static str {
        // Issue 8 gives the draft and the circulation copy their own (`speech-draft`,
        // `speech-masked`); until then all three share the final speech's names.
        match self {
            RenderKind::Final | RenderKind::Draft | RenderKind::Masked => "speech",
        }
    }
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
    /// How it is computed, in words, e.g. `organisation.branches_qualified ÷ organisation.branches × 100…`.
    pub formula: String,
    /// Where its facts' values stand: `facts/2021.yaml:12:5` for each fact read.
    pub sources: Vec<String>,
    /// The fact paths read, in the order of `sources` (`organisation.branches`).
    pub facts: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureStatus {
    Ok,
    Unfilled,
    Invalid,
}

impl FigureStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FigureStatus::Ok => "ok",
            FigureStatus::Unfilled => "unfilled",
            FigureStatus::Invalid => "invalid",
        }
    }
}

/// A finished render, all in memory; nothing is written to disk here.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub year: i64,
    pub kind: RenderKind,
    /// The speech-wide settings (`templates/speech.yaml`): author and title for the metadata.
    pub settings: Settings,
    pub markdown: String,
    pub document: Document,
    /// The speech alone as an HTML fragment (`<article class="speech">…</article>`).
    pub html_body: String,
    /// A standalone page around `html_body`.
    pub html_page: String,
    pub figures: Vec<FigureReport>,
    /// Warnings, and in draft mode also the errors that did not stop the render.
    pub diagnostics: Vec<Diagnostic>,
    /// The files this render read, each with its SHA-256, and one digest over them: the
    /// Markdown and the HTML page above carry it already; `Format::render` hands it to the PDF
    /// (`pdf::Metadata`) and the Word file (`DocxMeta`).
    pub digest: Digest,
}

/// The inputs read and checked, before anything is rendered: what `check` needs.
pub struct Checked {
    pub settings: Settings,
    pub facts: Facts,
    pub declarations: Declarations,
    pub template: Template,
    pub evaluation: Evaluation,
    /// Every problem, sorted by file, line and column.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    /// Every declared figure as a reviewer sees it, filled or not (what `diff` compares).
    pub fn figure_reports(&self) -> Vec<FigureReport> {
        self.evaluation
            .figures
            .iter()
            .map(|f| report(f, &self.facts))
            .collect()
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Reads the declarations, the facts and the template, computes every figure and collects every
/// problem. `Err` only when an input cannot be read or parsed at all.
pub fn check(root: &Path, facts_path: &Path) -> Result<Checked, Vec<Diagnostic>> {
    let project = Project {
        root: root.to_path_buf(),
    };
    let mut fatal = Vec::new();
    let settings = Settings::load(&project.settings())
        .map_err(|e| fatal.extend(e))
        .ok();
    let declarations = Declarations::load(&project.figures())
        .map_err(|e| fatal.extend(e))
        .ok();
    let facts = Facts::load(facts_path).map_err(|e| fatal.extend(e)).ok();
    let template = Template::load(&project.template())
        .map_err(|e| fatal.push(e))
        .ok();
    let (Some(settings), Some(declarations), Some(facts), Some(template)) =
        (settings, declarations, facts, template)
    else {
        sort(&mut fatal);
        return Err(fatal);
    };
    let evaluation = evaluate(&declarations, &facts);
    let mut diagnostics = evaluation.diagnostics.clone();
    // The template is rendered here as `render` renders it, so that `check` also finds what only a
    // render shows: a Tera error, or Markdown the document model does not hold.
    match template.render(&template.figure_ids(), facts.year) {
        Ok(md) => {
            if let Err(refused) = markdown::to_document(&template, &md, &[], false) {
                diagnostics.extend(refused);
            }
        }
        Err(e) => diagnostics.push(e),
    }
    // Beside this year's file: last year's facts (values that are still last year's) and the
    // schema the editor reads.
    diagnostics.extend(crate::confirmed::carried_over(&declarations, &facts));
    diagnostics.extend(crate::schema::stale_warning(&declarations, &facts, root));
    let declared: Vec<&str> = declarations.figures.iter().map(|f| f.id.as_str()).collect();
    diagnostics.extend(template.check_usages(&declared, |id| {
        let decl = declarations.figure(id)?;
        let warning = declarations
            .doc
            .warning(
                "unused-figure",
                decl.pos,
                format!("数字 {id}“{}”已声明，但模板中没有用到", decl.label),
            )
            .with_figure(id)
            .with_hint("在模板中用 {{ fig.".to_owned() + id + " }} 印出它，或删除这条声明");
        Some(warning)
    }));
    sort(&mut diagnostics);
    Ok(Checked {
        settings,
        facts,
        declarations,
        template,
        evaluation,
        diagnostics,
    })
}

/// `diagnostics` with those of `found` it does not hold yet, sorted.
fn joined(mut diagnostics: Vec<Diagnostic>, found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    for d in found {
        if !diagnostics.contains(&d) {
            diagnostics.push(d);
        }
    }
    sort(&mut diagnostics);
    diagnostics
}

fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            d.location
                .as_ref()
                .map(|l| (l.file.clone(), l.line, l.column))
        };
        key(a).cmp(&key(b))
    });
}

/// Renders in memory. `Err` when nothing can be rendered: malformed YAML or template, or, unless
/// `draft`, any error at all. The diagnostics are sorted by file, line and column.
pub fn render(req: &RenderRequest) -> Result<Rendered, Vec<Diagnostic>> {
    let checked = check(&req.root, &req.facts)?;
    let digest = digest(&req.root, &req.facts)?;
    if checked.has_errors() && !req.draft {
        return Err(checked.diagnostics);
    }
    let kind = req.kind();
    let Checked {
        settings,
        facts,
        template,
        evaluation,
        diagnostics,
        ..
    } = checked;

    // One placeholder per distinct figure the template uses, in order of first use. A template
    // that cannot be rendered, or holds Markdown the document model does not, was reported by
    // `check` already (a draft gets this far with errors), so its errors are not added twice.
    let ids = template.figure_ids();
    let markdown_with_placeholders = template
        .render(&ids, facts.year)
        .map_err(|e| joined(diagnostics.clone(), vec![e]))?;
    let slots: Vec<Slot> = ids
        .iter()
        .map(|id| slot(id, &evaluation, &facts, req.mask))
        .collect();
    let mut markdown = markdown::fill(&markdown_with_placeholders, &slots);
    markdown.push_str(&digest.markdown_comment());
    let document = markdown::to_document(&template, &markdown_with_placeholders, &slots, req.draft)
        .map_err(|found| joined(diagnostics.clone(), found))?;
    let html_body = html::body(&document);
    // The speech's name from the settings, else the template's heading.
    let html_page = html::page(
        &document,
        &html::PageMeta {
            title: settings.title.as_deref().unwrap_or(&document.title),
            author: settings.author.as_deref(),
            digest: Some(&digest),
        },
    );
    let figures = evaluation
        .figures
        .iter()
        .map(|f| report(f, &facts))
        .collect();
    Ok(Rendered {
        year: facts.year,
        kind,
        settings,
        markdown,
        document,
        html_body,
        html_page,
        figures,
        diagnostics,
        digest,
    })
}

/// The files a render of `facts` reads, in the order the digest lists them: the facts file
/// first, then the declarations, the template and the speech's settings when present.
pub fn input_files(root: &Path, facts: &Path) -> Vec<PathBuf> {
    let project = Project {
        root: root.to_path_buf(),
    };
    let mut files = vec![facts.to_path_buf(), project.figures(), project.template()];
    let settings = project.settings();
    if settings.is_file() {
        files.push(settings);
    }
    files
}

/// The digest of the files a render of `facts` reads. They are read again here, right after
/// the render read them: a file saved in between gives a digest that `verify` then calls stale.
pub fn digest(root: &Path, facts: &Path) -> Result<Digest, Vec<Diagnostic>> {
    Digest::read(root, &input_files(root, facts)).map_err(|(file, e)| {
        let message = format!("无法读取文件：{}", crate::error::explain_io(&e));
        let location = Location {
            file,
            line: 1,
            column: 1,
        };
        vec![Diagnostic::error(Diagnostic::IO, message, Some(location))]
    })
}

/// `facts/2021.yaml:12:5`, relative to the project where possible (it is shown to people).
pub fn source_ref(facts: &Facts, pos: yaml::Pos) -> String {
    format!(
        "{}:{}:{}",
        display_path(&facts.doc.path),
        pos.line,
        pos.column
    )
}

/// A path as people in the project folder know it: `facts/2021.yaml`.
pub fn display_path(path: &Path) -> String {
    let parent_dir = path.parent().and_then(|p| p.file_name());
    match (parent_dir, path.file_name()) {
        (Some(dir), Some(name)) => format!("{}/{}", dir.to_string_lossy(), name.to_string_lossy()),
        _ => path.display().to_string(),
    }
}

fn report(f: &crate::figures::Figure, facts: &Facts) -> FigureReport {
    FigureReport {
        id: f.id.clone(),
        label: f.label.clone(),
        unit: f.unit.clone(),
        kind: f.kind.to_owned(),
        value: f.text.clone(),
        status: f.status,
        formula: f.formula.clone(),
        sources: f
            .sources
            .iter()
            .map(|(_, pos)| source_ref(facts, *pos))
            .collect(),
        facts: f.sources.iter().map(|(path, _)| path.clone()).collect(),
    }
}

fn slot(id: &str, evaluation: &Evaluation, facts: &Facts, mask: bool) -> Slot {
    let Some(figure) = evaluation.figure(id) else {
        return Slot {
            figure: id.to_owned(),
            text: format!("【未声明：{id}】"),
            unfilled: true,
            tooltip: format!("模板使用了未声明的图 fig.{id}"),
            status: "invalid",
        };
    };
    let text = if mask {
        figure.masked_text()
    } else {
        figure.text.clone()
    };
    let (text, unfilled) = match (text, figure.status) {
        (Some(t), FigureStatus::Ok) => (t, false),
        (_, FigureStatus::Invalid) => (format!("【有误：{}】", figure.label), true),
        _ => (format!("【未填：{}】", figure.label), true),
    };
    let sources: Vec<String> = figure
        .sources
        .iter()
        .map(|(path, pos)| format!("{}（{path}）", source_ref(facts, *pos)))
        .collect();
    let value = review::shown(
        figure.text.as_deref(),
        figure.status,
        &figure.unit,
        figure.kind,
    );
    let tooltip = format!(
        "{}：{value}\n算法：{}\n来源：{}",
        figure.label,
        figure.formula,
        if sources.is_empty() {
            "（缺）".to_owned()
        } else {
            sources.join("；")
        }
    );
    let stated = crate::sources::read(facts);
    let tooltip =
        match crate::sources::for_facts(&stated, figure.sources.iter().map(|(p, _)| p.as_str())) {
            Some(given_by) => format!("{tooltip}\n数据来源：{given_by}"),
            None => tooltip,
        };
    Slot {
        figure: id.to_owned(),
        text,
        unfilled,
        tooltip,
        status: figure.status.as_str(),
    }
}
