//! facts → figures → template → Markdown → Document → HTML, in memory. The PDF is laid out from
//! the same Document by the `pdf` module; writing files is the CLI's business.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Severity};
use crate::digest::Digest;
use crate::document::Document;
use crate::facts::Facts;
use crate::figures::{Declarations, Evaluation, evaluate};
// Where callers have always found them; the evaluator that makes them owns them.
use crate::figures::{FigureReport, FigureStatus, source_ref};
use crate::length::Length;
use crate::markdown::{self, Slot};
use crate::preflight::Origins;
use crate::project::Project;
use crate::settings::Settings;
use crate::template::Template;
use crate::{html, yaml};

/// What to render.
#[derive(Debug, Clone)]
pub struct RenderRequest {
    /// The speech project folder (holds `templates/` and `facts/`).
    pub root: PathBuf,
    /// The facts file, e.g. `<root>/facts/2021.yaml`.
    pub facts: PathBuf,
    /// Which copy to make. One kind, not two flags: a masked draft cannot be asked for (a draft
    /// shows what each figure is made of, which the circulation copy must never hold).
    pub kind: RenderKind,
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
    /// The stem of the output files: `speech` (speech.md, speech.pdf, …), `speech-draft`,
    /// `speech-masked`. The names say which copy a file is, never its figures.
    pub fn stem(self) -> &'static str {
        match self {
            RenderKind::Final => "speech",
            RenderKind::Draft => "speech-draft",
            RenderKind::Masked => "speech-masked",
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
    /// Where each part of the speech comes from, to place a problem found while laying it out
    /// (a character no face has) at its facts value or template line.
    pub origins: Origins,
}

/// The inputs read and checked, before anything is rendered: what `check` needs.
#[derive(Clone)]
pub struct Checked {
    pub settings: Settings,
    pub facts: Facts,
    pub declarations: Declarations,
    pub template: Template,
    pub evaluation: Evaluation,
    /// The files read, each with the SHA-256 of the very bytes the settings, facts, declarations
    /// and template were made from: each is read once, so a file saved during a render cannot
    /// give the digest other bytes than the speech.
    pub digest: Digest,
    /// The template rendered with one placeholder per figure it prints (`placeholder(i)` for
    /// `template.figure_ids()[i]`); None when its tags, Tera or the document model refused it
    /// (reported in `diagnostics`): then nothing can be rendered, not even a draft.
    pub output: Option<String>,
    /// Every problem, sorted by file, line and column.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    /// Every declared figure as a reviewer sees it, filled or not (what `diff` compares).
    pub fn figure_reports(&self) -> Vec<FigureReport> {
        self.evaluation
            .figures
            .iter()
            .map(|f| f.report(&self.facts))
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
    // Each input is read once, here; its bytes are parsed and hashed for the digest.
    let mut read: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let settings_path = project.settings();
    let settings = match Settings::read(&settings_path) {
        Ok(Some(bytes)) => {
            let settings = Settings::from_bytes(&settings_path, &bytes);
            read.push((settings_path, bytes));
            settings.map_err(|e| fatal.extend(e)).ok()
        }
        Ok(None) => Some(Settings::default()),
        Err(d) => {
            fatal.push(d);
            None
        }
    };
    let mut read_yaml = |path: &Path, fatal: &mut Vec<Diagnostic>| {
        let bytes = yaml::read_bounded(path).map_err(|d| fatal.push(d)).ok()?;
        let doc = yaml::from_bytes(path, &bytes);
        read.push((path.to_path_buf(), bytes));
        doc.map_err(|d| fatal.push(d)).ok()
    };
    let facts = read_yaml(facts_path, &mut fatal)
        .and_then(|doc| Facts::from_document(doc).map_err(|e| fatal.extend(e)).ok());
    // The year's own wording (templates/<year>/) when it has one; the facts' year, else the
    // file's name when the facts cannot be read.
    let year = facts
        .as_ref()
        .map(|f| f.year)
        .or_else(|| year_of(facts_path));
    let declarations = read_yaml(&project.figures_for(year), &mut fatal).and_then(|doc| {
        Declarations::from_document(doc)
            .map_err(|e| fatal.extend(e))
            .ok()
    });
    let template_path = project.template_for(year);
    let template = yaml::read_bounded(&template_path)
        .and_then(|bytes| {
            let template = Template::from_bytes(&template_path, &bytes);
            read.push((template_path.clone(), bytes));
            template
        })
        .map_err(|e| fatal.push(e))
        .ok();
    let (Some(settings), Some(declarations), Some(facts), Some(template)) =
        (settings, declarations, facts, template)
    else {
        sort(&mut fatal);
        return Err(fatal);
    };
    // Last year's facts, read once: the sheet's 上年/变化 columns and the carried-over warnings
    // are made from them, so they are an input of every output (the digest lists them).
    let last_path = crate::carried_over::last_year_path(&facts);
    let last = if last_path.is_file() {
        yaml::read_bounded(&last_path).ok().map(|bytes| {
            let last = yaml::from_bytes(&last_path, &bytes)
                .ok()
                .and_then(|doc| Facts::from_document(doc).ok());
            read.push((last_path.clone(), bytes));
            last
        })
    } else {
        None
    };
    let digest = digest_of(
        root,
        &input_files(root, facts_path, Some(facts.year)),
        &read,
        &[facts_path.to_path_buf(), last_path],
    );
    let evaluation = evaluate(&declarations, &facts);
    let mut diagnostics = evaluation.diagnostics.clone();
    // The template is rendered here, once, for `check` and `render` alike: a tag left open or a
    // figure used other than plainly is refused before Tera runs (Tera would print it wrong or
    // report it past the end of the file), then Tera's errors, then Markdown the document model
    // does not hold.
    let tag_problems = template.check_tags();
    let output = if tag_problems.is_empty() {
        match template.render(&template.figure_ids(), facts.year) {
            Ok(md) => match markdown::to_document(&template, &md, &[], false) {
                Ok(_) => Some(md),
                Err(refused) => {
                    diagnostics.extend(refused);
                    None
                }
            },
            Err(e) => {
                diagnostics.push(e);
                None
            }
        }
    } else {
        diagnostics.extend(tag_problems);
        None
    };
    // Beside this year's file: last year's facts (values that are still last year's) and the
    // schema the editor reads.
    if let Some(Some(last)) = &last {
        diagnostics.extend(crate::carried_over::warnings_against(
            &declarations,
            last,
            &facts,
        ));
    }
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
            .with_hint(unused_hint(root, &declarations, decl, &facts));
        Some(warning)
    }));
    sort(&mut diagnostics);
    Ok(Checked {
        settings,
        facts,
        declarations,
        template,
        evaluation,
        digest,
        output,
        diagnostics,
    })
}

/// What to do with a figure declared and never printed: print it, or delete its declaration and
/// the facts only it reads (else those facts are unknown keys once it is gone), each by its line.
fn unused_hint(
    root: &Path,
    decls: &crate::figures::Declarations,
    decl: &crate::figures::FigureDecl,
    facts: &Facts,
) -> String {
    let id = &decl.id;
    let decl_file = crate::digest::shown_path(root, &decls.doc.path);
    let whole = |path: &str| path.split(".*").next().unwrap_or(path).to_owned();
    let read_elsewhere = |path: &str| {
        decls
            .figures
            .iter()
            .filter(|f| f.id != *id)
            .flat_map(|f| f.kind.facts())
            .chain(decls.rules.iter().flat_map(|r| r.kind.facts()))
            .any(|f| whole(&f.path) == whole(path))
    };
    let mut only_here: Vec<String> = Vec::new();
    for fact in decl.kind.facts() {
        let path = whole(&fact.path);
        if read_elsewhere(&path)
            || only_here
                .iter()
                .any(|p| p.starts_with(&format!("{path}（")))
        {
            continue;
        }
        if let Some(pos) = facts.key_pos(&path) {
            only_here.push(format!("{path}（第 {} 行）", pos.line));
        }
    }
    let mut hint = format!(
        "在模板中用 {{{{ fig.{id} }}}} 印出它，或删除这条声明（{decl_file} 第 {} 行）",
        decl.pos.line
    );
    if !only_here.is_empty() {
        hint.push_str(&format!(
            "，同时删去 {} 中只有它读取的 {}，否则会报未知的键",
            crate::digest::shown_path(root, &facts.doc.path),
            only_here.join("、")
        ));
    }
    hint
}

/// The year a facts file is named after (`facts/2021.yaml` → 2021), if it is.
pub fn year_of(facts_path: &Path) -> Option<i64> {
    let stem = facts_path.file_stem()?.to_str()?;
    (stem.len() == 4 && stem.bytes().all(|b| b.is_ascii_digit()))
        .then(|| stem.parse().ok())
        .flatten()
}

/// `diagnostics` with those of `found` it does not hold yet, sorted.
pub(crate) fn joined(mut diagnostics: Vec<Diagnostic>, found: Vec<Diagnostic>) -> Vec<Diagnostic> {
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
        fn key(d: &Diagnostic) -> Option<(&Path, usize, usize)> {
            d.location
                .as_ref()
                .map(|l| (l.file.as_path(), l.line, l.column))
        }
        key(a).cmp(&key(b))
    });
}

/// Renders in memory. `Err` when nothing can be rendered: malformed YAML or template, or, unless
/// a draft is asked for, any error at all. The diagnostics are sorted by file, line and column.
pub fn render(req: &RenderRequest) -> Result<Rendered, Vec<Diagnostic>> {
    let checked = check(&req.root, &req.facts)?;
    if checked.has_errors() && req.kind != RenderKind::Draft {
        return Err(checked.diagnostics);
    }
    build(checked, req)
}

/// The speech from inputs read and checked, as `req` asks (draft markers, masked figures): what
/// [`render`] does after [`check`], for a caller that holds the `Checked` already. `req.root` and
/// `req.facts` are not read again (the digest is the one `check` made).
pub(crate) fn build(checked: Checked, req: &RenderRequest) -> Result<Rendered, Vec<Diagnostic>> {
    let kind = req.kind;
    let (draft, mask) = (kind == RenderKind::Draft, kind == RenderKind::Masked);
    let Checked {
        settings,
        facts,
        template,
        evaluation,
        digest,
        output,
        mut diagnostics,
        ..
    } = checked;
    // A template that cannot be rendered, or holds Markdown the document model does not, was
    // reported by `check` (a draft gets this far with errors): nothing can be rendered.
    let Some(markdown_with_placeholders) = output else {
        return Err(diagnostics);
    };

    // One placeholder per distinct figure the template uses, in order of first use.
    let ids = template.figure_ids();
    let stated = crate::sources::read(&facts);
    let slots: Vec<Slot> = ids
        .iter()
        .map(|id| slot(id, &evaluation, &facts, &stated, mask))
        .collect();
    let mut document = markdown::to_document(&template, &markdown_with_placeholders, &slots, draft)
        .map_err(|found| joined(diagnostics.clone(), found))?;
    document.circulation = mask;
    document.sample = facts.sample;
    // The circulation copy carries the combined digest alone: a per-input hash or a value would
    // let a reader confirm a guessed facts file.
    let mut digest = if mask { digest.masked() } else { digest };
    digest.copy = Some(kind.stem().to_owned());
    let markdown = markdown::file(
        &document,
        &markdown::fill(&markdown_with_placeholders, &slots),
    );
    let mut markdown = markdown;
    markdown.push_str(&digest.markdown_comment());
    // A speech longer than `max_minutes` is a warning of every render, the preview's too.
    if let Some(too_long) = Length::of(&document, &settings).warning(&settings) {
        diagnostics.push(too_long);
        sort(&mut diagnostics);
    }
    let html_body = html::body(&document);
    // The speech's name from the settings, else the template's heading.
    let html_page = html::page(
        &document,
        &html_body,
        &html::PageMeta {
            title: settings.title.as_deref().unwrap_or(&document.title),
            author: settings.author.as_deref(),
            digest: Some(&digest),
            page_numbers: settings.page_numbers,
        },
    );
    let figures = evaluation
        .figures
        .iter()
        .map(|f| f.report(&facts))
        .collect();
    let origins = Origins::new(
        template,
        markdown_with_placeholders,
        &ids,
        &evaluation,
        &facts,
    );
    // The facts' meeting date comes before the settings' (shared by every year).
    let settings = Settings {
        date: facts.date.or(settings.date),
        ..settings
    };
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
        origins,
    })
}

/// The files a render of `facts` reads, in the order the digest lists them: the facts file
/// first, then the declarations and the template (the year's own when it has them, `year` being
/// the facts' year as `check` read it), and the speech's settings when present.
pub fn input_files(root: &Path, facts: &Path, year: Option<i64>) -> Vec<PathBuf> {
    let project = Project {
        root: root.to_path_buf(),
    };
    let mut files = vec![facts.to_path_buf()];
    // Last year's facts, beside this year's, when there are any.
    if let Some(year) = year {
        let last = facts
            .parent()
            .unwrap_or(Path::new("."))
            .join(format!("{}.yaml", year - 1));
        if last.is_file() {
            files.push(last);
        }
    }
    files.extend([project.figures_for(year), project.template_for(year)]);
    let settings = project.settings();
    if settings.is_file() {
        files.push(settings);
    }
    files
}

/// The digest of `listed` (what [`input_files`] lists, in its order) from the bytes `check` read
/// of each, in their canonical form (`digest::canonical`): a file listed but not read (the
/// settings, created since) is left out, as `verify` leaves out a file that is not there. The
/// values of `facts` (this year's and last year's facts files) are listed too.
fn digest_of(
    root: &Path,
    listed: &[PathBuf],
    read: &[(PathBuf, Vec<u8>)],
    facts: &[PathBuf],
) -> Digest {
    let files: Vec<(PathBuf, Vec<u8>)> = listed
        .iter()
        .filter_map(|path| read.iter().find(|(p, _)| p == path))
        .cloned()
        .collect();
    Digest::of_read(root, &files, facts)
}

/// The digest of the inputs of `facts` as they are on disk now, made as a render makes it:
/// what `verify` compares an output's digest with. Fails with the file that cannot be read.
pub fn current_digest(
    root: &Path,
    facts: &Path,
    year: Option<i64>,
) -> Result<Digest, (PathBuf, std::io::Error)> {
    let present: Vec<PathBuf> = input_files(root, facts, year)
        .into_iter()
        .filter(|p| p.is_file())
        .collect();
    let last = year.map(|y| {
        facts
            .parent()
            .unwrap_or(Path::new("."))
            .join(format!("{}.yaml", y - 1))
    });
    let mut fact_files = vec![facts.to_path_buf()];
    fact_files.extend(last);
    Digest::read(root, &present, &fact_files)
}

/// What a placeholder prints and what the outputs say of it. In the circulation copy the
/// provenance (the HTML tooltip) names the figure and its formula but no value: the masked copy
/// holds no real value anywhere, its attributes included. `stated` is the facts' `sources:`
/// ([`crate::sources::read`]), read once per render rather than once per figure.
fn slot(
    id: &str,
    evaluation: &Evaluation,
    facts: &Facts,
    stated: &[crate::sources::Source],
    mask: bool,
) -> Slot {
    let Some(figure) = evaluation.figure(id) else {
        return Slot {
            figure: id.to_owned(),
            text: format!("【未声明：{id}】"),
            unfilled: true,
            tooltip: format!("模板使用了未声明的数据项 fig.{id}"),
            status: "invalid",
            unit: String::new(),
            number: false,
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
    let shown = crate::figures::format::shown(
        figure.text.as_deref(),
        figure.status,
        &figure.unit,
        figure.kind,
    );
    let tooltip = if mask {
        let value = if figure.masked {
            "（传阅稿中已隐去）".to_owned()
        } else {
            shown
        };
        format!("{}：{value}\n算法：{}", figure.label, figure.formula)
    } else {
        let sources: Vec<String> = figure
            .sources
            .iter()
            .map(|(path, pos)| format!("{}（{path}）", source_ref(facts, *pos)))
            .collect();
        format!(
            "{}：{shown}\n算法：{}\n来源：{}",
            figure.label,
            figure.formula,
            if sources.is_empty() {
                "（缺）".to_owned()
            } else {
                sources.join("；")
            }
        )
    };
    let tooltip =
        match crate::sources::for_facts(stated, figure.sources.iter().map(|(p, _)| p.as_str())) {
            Some(given_by) => format!("{tooltip}\n数据来源：{given_by}"),
            None => tooltip,
        };
    Slot {
        figure: id.to_owned(),
        text,
        unfilled,
        tooltip,
        status: figure.status.as_str(),
        unit: figure.unit.clone(),
        // Names and titles are text; every other kind prints a number.
        number: figure.kind != "names",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::check_all;
    use crate::format::{Format, Renderers};
    use crate::pdf::{FontChoice, PdfOptions};

    /// A list of 20 000 training classes (the largest benches/linear.rs times) still checks and
    /// renders right: the sum is every item's, every name is printed, and each carried-over name
    /// is placed at its own line, found through the facts file's line index.
    #[test]
    fn a_list_of_twenty_thousand_items_checks_and_renders_right() {
        const ITEMS: usize = 20_000;
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        for file in ["figures.yaml", "speech.md.tera", "speech.yaml"] {
            std::fs::copy(
                repo.join("templates").join(file),
                dir.path().join("templates").join(file),
            )
            .unwrap();
        }
        let sample = std::fs::read_to_string(repo.join("facts/2021.yaml")).unwrap();
        let start = sample.find("  training_classes:").unwrap();
        let end = sample.find("  brand_plan:").unwrap();
        let mut items = String::new();
        for i in 0..ITEMS {
            items.push_str(&format!(
                "    - name: 班{i}\n      trainees: {}\n",
                i % 500 + 1
            ));
        }
        let this_year = format!(
            "{}  training_classes:\n{items}{}",
            &sample[..start],
            &sample[end..]
        );
        let last_year = this_year
            .replacen("year: 2021", "year: 2020", 1)
            .replace("trainees: ", "trainees: 1");
        std::fs::create_dir_all(dir.path().join("facts")).unwrap();
        let facts = dir.path().join("facts/2021.yaml");
        std::fs::write(&facts, &this_year).unwrap();
        std::fs::write(dir.path().join("facts/2020.yaml"), &last_year).unwrap();
        assert!(this_year.len() < crate::yaml::MAX_FILE_BYTES);

        let renderers = Renderers::new(PdfOptions {
            fonts: FontChoice::Bundled,
            font_dirs: vec![],
            standard: None,
        });
        let found = check_all(dir.path(), &facts, &renderers, &Format::DEFAULT).unwrap();
        let errors: Vec<_> = found
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        let carried: Vec<_> = found
            .iter()
            .filter(|d| {
                d.fact
                    .as_deref()
                    .is_some_and(|f| f.starts_with("organisation.training_classes."))
            })
            .collect();
        assert_eq!(carried.len(), ITEMS, "one warning per carried-over name");
        let first_line = this_year[..start].lines().count() + 2;
        for (i, d) in carried.iter().enumerate() {
            assert_eq!(d.code, "carried-over-name");
            assert_eq!(
                d.fact.as_deref(),
                Some(format!("organisation.training_classes.{i}.name").as_str())
            );
            assert_eq!(d.location.as_ref().unwrap().line, first_line + 2 * i);
            assert_eq!(
                d.source_line.as_deref(),
                Some(format!("    - name: 班{i}").as_str())
            );
        }

        let rendered = render(&RenderRequest {
            root: dir.path().to_path_buf(),
            facts: facts.clone(),
            kind: RenderKind::Final,
        })
        .unwrap();
        let sum: usize = (0..ITEMS).map(|i| i % 500 + 1).sum();
        let trainees = rendered
            .figures
            .iter()
            .find(|f| f.id == "trainees")
            .unwrap();
        assert_eq!(trainees.value.as_deref(), Some(sum.to_string().as_str()));
        assert!(rendered.markdown.contains(&format!(
            "班{}等各类培训班，培训党建带头人{sum}名",
            ITEMS - 1
        )));
        let names: Vec<String> = (0..ITEMS).map(|i| format!("班{i}")).collect();
        assert!(rendered.markdown.contains(&names.join("、")));
        assert!(rendered.html_body.contains(&names.join("、")));
        for format in [Format::Md, Format::Html, Format::Docx] {
            assert!(!format.render(&rendered, &renderers).unwrap().is_empty());
        }
    }
}
