//! The command line: a thin layer over the pipeline.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostic::{Diagnostic, Severity};
use crate::pdf::{PdfError, Typesetter};
use crate::pipeline::{self, FigureStatus, RenderRequest};
use crate::project::Project;
use crate::report::{self, MessageFormat};

const ABOUT: &str =
    "从一年的事实生成市直机关工委在全市机关党建工作推进会上的发言稿，每个数字都经过计算和核对。
Regenerates the speech from a year's facts; every figure is computed, traceable and checked.";

const AFTER_HELP: &str = "\
A speech project is a folder holding templates/ (speech.md.tera, figures.yaml) and facts/
(<year>.yaml). speechgen finds it from the current folder upward, or from --root DIR.
FACTS is a facts file or a year (2021 → facts/2021.yaml); by default the latest year.

Examples:
  speechgen render                        write output/<year>/speech.md, .html and .pdf
  speechgen render 2021 -o out            the same into out/
  speechgen render --draft                render even with unfilled figures, marked 草稿
  speechgen render --mask --format md     the redacted copy: every digit figure as *
  speechgen render --fonts bundled        the PDF in the bundled free faces, whatever is installed
  speechgen check                         exit 1 if any figure is unfilled or wrong
  speechgen check --message-format github annotations for GitHub Actions
  speechgen figures                       every figure with its value, formula and source
  speechgen serve --open                  live preview of the draft in the browser
  speechgen next-year                     start facts/2022.yaml from facts/2021.yaml
  speechgen diff 2021 2022                which figures changed between two years

Exit codes: 0 done / no errors; 1 the facts or templates have errors; 2 usage, I/O or internal error.";

#[derive(Parser, Debug)]
#[command(name = "speechgen", version, about = ABOUT, after_help = AFTER_HELP)]
pub struct Cli {
    /// The speech project folder (default: found from the current folder upward).
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Colour in messages: auto (when printing to a terminal), always or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Render the speech to Markdown, HTML and PDF (writes nothing if a figure is unfilled or wrong).
    #[command(
        after_help = "Examples:\n  speechgen render\n  speechgen render facts/2021.yaml -o out --format html\n  speechgen render 2020 2021          → output/2020/, output/2021/\n  speechgen render --draft --mask"
    )]
    Render {
        /// Facts files or years (default: the latest year in facts/).
        #[arg(value_name = "FACTS")]
        facts: Vec<PathBuf>,
        /// Output folder (default: output/<year>/ in the project; with several FACTS, one
        /// sub-folder per file, named after it).
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Formats to write, comma-separated.
        #[arg(long, value_enum, value_delimiter = ',', default_values_t = [Format::Md, Format::Html, Format::Pdf])]
        format: Vec<Format>,
        #[command(flatten)]
        fonts: FontArgs,
        /// Render even with errors: unfilled figures show as 【未填：…】 markers, marked 草稿.
        #[arg(long)]
        draft: bool,
        /// Print every figure written in digits as * (the redacted copy for circulation).
        #[arg(long)]
        mask: bool,
    },
    /// Check the facts, figures and template; exit 1 on any error (for CI and reviewers).
    #[command(
        after_help = "Examples:\n  speechgen check\n  speechgen check facts/2021.yaml --deny-warnings\n  speechgen check --message-format short"
    )]
    Check {
        /// Facts files or years (default: the latest year in facts/).
        #[arg(value_name = "FACTS")]
        facts: Vec<PathBuf>,
        /// Treat warnings (sample data, an unused figure, …) as errors.
        #[arg(long)]
        deny_warnings: bool,
        /// How to print problems.
        #[arg(long, value_enum, default_value_t = MessageFormat::Auto)]
        message_format: MessageFormat,
    },
    /// Start next year's facts from a year's: names kept, numbers emptied (last year's value left
    /// beside each as a comment), yearly series given the new year.
    #[command(
        name = "next-year",
        after_help = "Examples:\n  speechgen next-year              facts/2021.yaml → facts/2022.yaml\n  speechgen next-year 2021 --force  overwrite an existing facts/2022.yaml"
    )]
    NextYear {
        /// The facts file or year to start from (default: the latest year in facts/).
        #[arg(value_name = "FACTS")]
        facts: Option<PathBuf>,
        /// Overwrite the new year's facts file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Show which figures changed between two years (e.g. what this year's speech says differently).
    #[command(after_help = "Examples:\n  speechgen diff 2021 2022")]
    Diff {
        /// The earlier facts file or year.
        old: PathBuf,
        /// The later facts file or year.
        new: PathBuf,
    },
    /// Preview the draft live in a browser: updates on every save, unfilled figures marked.
    #[command(
        after_help = "Examples:\n  speechgen serve                 http://127.0.0.1:4000/ for the latest year\n  speechgen serve 2022 --open     open it in the default browser\n  speechgen serve --port 0        any free port (the address is printed)\n\nIt only reads: nothing is written into output/ or the project. Stop it with Ctrl-C."
    )]
    Serve {
        /// The facts file or year to preview (default: the latest year in facts/).
        #[arg(value_name = "FACTS")]
        facts: Option<PathBuf>,
        /// Port to listen on (0: any free port).
        #[arg(long, default_value_t = crate::serve::DEFAULT_PORT)]
        port: u16,
        /// Address to listen on; loopback only unless you name another (e.g. 0.0.0.0 for the LAN).
        #[arg(long, default_value = "127.0.0.1", value_parser = crate::serve::parse_host)]
        host: std::net::IpAddr,
        /// Open the preview in the default browser.
        #[arg(long)]
        open: bool,
        #[command(flatten)]
        fonts: FontArgs,
    },
    /// List every figure with its value, formula and the facts it comes from (for reviewers).
    Figures {
        /// A facts file or year (default: the latest year in facts/).
        #[arg(value_name = "FACTS")]
        facts: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Md,
    Html,
    /// A4, laid out as GB/T 9704 official documents are.
    Pdf,
}

impl Format {
    fn file_name(self) -> &'static str {
        match self {
            Format::Md => "speech.md",
            Format::Html => "speech.html",
            Format::Pdf => "speech.pdf",
        }
    }
}

/// Which faces the PDF is set in.
#[derive(clap::Args, Debug, Clone)]
pub struct FontArgs {
    /// auto: the office fonts (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312) when installed, else the
    /// bundled free faces; bundled: always the bundled faces (the same PDF on every machine).
    #[arg(long, value_enum, default_value_t = FontsChoice::Auto)]
    pub fonts: FontsChoice,
    /// A folder of fonts searched before the system's (may be given several times).
    #[arg(long = "font-dir", value_name = "DIR")]
    pub font_dirs: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FontsChoice {
    Auto,
    Bundled,
}

impl FontArgs {
    fn options(&self) -> crate::pdf::PdfOptions {
        crate::pdf::PdfOptions {
            fonts: match self.fonts {
                FontsChoice::Auto => crate::pdf::FontChoice::Auto,
                FontsChoice::Bundled => crate::pdf::FontChoice::Bundled,
            },
            font_dirs: self.font_dirs.clone(),
        }
    }
}

/// An error that stops the command: usage, I/O or internal (exit 2).
struct Fatal(String);

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    match dispatch(cli, color) {
        Ok(code) => code,
        Err(Fatal(message)) => {
            eprintln!("speechgen: {message}");
            ExitCode::from(2)
        }
    }
}

fn project(root: Option<&Path>) -> Result<Project, Fatal> {
    match root {
        Some(r) => Project::at(r),
        None => Project::discover(Path::new(".")),
    }
    .map_err(Fatal)
}

fn facts_files(project: &Project, args: &[PathBuf]) -> Result<Vec<PathBuf>, Fatal> {
    if args.is_empty() {
        return Ok(vec![project.facts_file(None).map_err(Fatal)?]);
    }
    args.iter()
        .map(|a| project.facts_file(Some(a)).map_err(Fatal))
        .collect()
}

fn print_diagnostics(diagnostics: &[Diagnostic], format: MessageFormat, color: bool) {
    for d in diagnostics {
        eprintln!("{}", report::format(d, format, color));
    }
}

fn dispatch(cli: Cli, color: bool) -> Result<ExitCode, Fatal> {
    let project = project(cli.root.as_deref())?;
    match cli.command {
        Command::Render {
            facts,
            output,
            format,
            fonts,
            draft,
            mask,
        } => {
            let files = facts_files(&project, &facts)?;
            let options = RenderOptions {
                formats: format,
                pdf: fonts.options(),
                draft,
                mask,
            };
            render(&project, &files, output, &options, color)
        }
        Command::Check {
            facts,
            deny_warnings,
            message_format,
        } => {
            let files = facts_files(&project, &facts)?;
            check(&project, &files, deny_warnings, message_format, color)
        }
        Command::Figures { facts } => {
            let file = project.facts_file(facts.as_deref()).map_err(Fatal)?;
            figures(&project, &file, color)
        }
        Command::Serve {
            facts,
            port,
            host,
            open,
            fonts,
        } => {
            let file = project.facts_file(facts.as_deref()).map_err(Fatal)?;
            serve(&project, file, host, port, open, &fonts)
        }
        Command::NextYear { facts, force } => {
            let file = project.facts_file(facts.as_deref()).map_err(Fatal)?;
            next_year(&project, &file, force, color)
        }
        Command::Diff { old, new } => {
            let old = project.facts_file(Some(&old)).map_err(Fatal)?;
            let new = project.facts_file(Some(&new)).map_err(Fatal)?;
            diff(&project, &old, &new, color)
        }
    }
}

fn io_diagnostic_is_fatal(diagnostics: &[Diagnostic]) -> Option<String> {
    diagnostics
        .iter()
        .find(|d| d.code == "io")
        .map(|d| format!("{}（{}）", d.message, report::place(d).unwrap_or_default()))
}

struct RenderOptions {
    formats: Vec<Format>,
    pdf: crate::pdf::PdfOptions,
    draft: bool,
    mask: bool,
}

fn render(
    project: &Project,
    files: &[PathBuf],
    output: Option<PathBuf>,
    options: &RenderOptions,
    color: bool,
) -> Result<ExitCode, Fatal> {
    let mut outputs: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut faces: Vec<String> = Vec::new();
    let mut failed = false;
    // Fonts are chosen once for every facts file, and only when a PDF is asked for.
    let typesetter = if options.formats.contains(&Format::Pdf) {
        let t = Typesetter::new(&options.pdf).map_err(|e| Fatal(format!("PDF 字体不可用：{e}")))?;
        Some(t)
    } else {
        None
    };
    for file in files {
        let request = RenderRequest {
            root: project.root.clone(),
            facts: file.clone(),
            draft: options.draft,
            mask: options.mask,
        };
        let rendered = match pipeline::render(&request) {
            Ok(rendered) => rendered,
            Err(diagnostics) => {
                if let Some(message) = io_diagnostic_is_fatal(&diagnostics) {
                    return Err(Fatal(message));
                }
                print_diagnostics(&diagnostics, MessageFormat::Human, color);
                eprintln!(
                    "{}：{}；未写入任何文件（草稿可用 --draft 生成）",
                    report::shown_path(file),
                    report::summary(&diagnostics)
                );
                failed = true;
                continue;
            }
        };
        print_diagnostics(&rendered.diagnostics, MessageFormat::Human, color);
        let dir = output_dir(project, output.as_deref(), file, files.len(), rendered.year);
        for format in &options.formats {
            let bytes = match format {
                Format::Md => rendered.markdown.clone().into_bytes(),
                Format::Html => rendered.html_page.clone().into_bytes(),
                Format::Pdf => match typesetter
                    .as_ref()
                    .expect("chosen above")
                    .typeset(&rendered.document)
                {
                    Ok(pdf) => {
                        faces = pdf.faces_used;
                        pdf.bytes
                    }
                    // A character no face has, or a figure too wide for a line: the facts or the
                    // template must change, like any other error in them (exit 1, not 2).
                    Err(e @ (PdfError::MissingChar { .. } | PdfError::Overlong { .. })) => {
                        eprintln!("error[pdf]: {e}");
                        eprintln!("{}：PDF 无法排版；未写入任何文件", report::shown_path(file));
                        failed = true;
                        continue;
                    }
                    Err(e) => return Err(Fatal(format!("PDF 生成失败：{e}"))),
                },
            };
            outputs.push((dir.join(format.file_name()), bytes));
        }
    }
    if failed {
        return Ok(ExitCode::from(1));
    }
    crate::output::write_all(&outputs).map_err(|e| Fatal(format!("写入输出文件失败：{e}")))?;
    for (path, _) in &outputs {
        eprintln!("已写入 {}", report::shown_path(path));
    }
    if !faces.is_empty() {
        eprintln!("PDF 字体：{}", faces.join("；"));
    }
    typesetter
        .iter()
        .flat_map(|t| t.notes())
        .for_each(|n| eprintln!("{n}"));
    Ok(ExitCode::SUCCESS)
}

/// output/<year>/ by default; `-o DIR` for one facts file; DIR/<stem>/ for each of several.
fn output_dir(
    project: &Project,
    output: Option<&Path>,
    facts: &Path,
    count: usize,
    year: i64,
) -> PathBuf {
    let stem = facts
        .file_stem()
        .map_or_else(|| year.to_string(), |s| s.to_string_lossy().into_owned());
    match output {
        Some(dir) if count == 1 => dir.to_path_buf(),
        Some(dir) => dir.join(stem),
        None if count == 1 => project.root.join("output").join(year.to_string()),
        None => project.root.join("output").join(stem),
    }
}

fn check(
    project: &Project,
    files: &[PathBuf],
    deny_warnings: bool,
    format: MessageFormat,
    color: bool,
) -> Result<ExitCode, Fatal> {
    let mut failed = false;
    for file in files {
        let diagnostics = match pipeline::check(&project.root, file) {
            Ok(checked) => checked.diagnostics,
            Err(diagnostics) => {
                if let Some(message) = io_diagnostic_is_fatal(&diagnostics) {
                    return Err(Fatal(message));
                }
                diagnostics
            }
        };
        print_diagnostics(&diagnostics, format, color);
        let errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
        let warnings = diagnostics.iter().any(|d| d.severity == Severity::Warning);
        let file_failed = errors || (deny_warnings && warnings);
        failed |= file_failed;
        let verdict = if file_failed { "未通过" } else { "通过" };
        eprintln!(
            "{}：{verdict}（{}）",
            report::shown_path(file),
            report::summary(&diagnostics)
        );
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn figures(project: &Project, file: &Path, color: bool) -> Result<ExitCode, Fatal> {
    let request = RenderRequest {
        root: project.root.clone(),
        facts: file.to_path_buf(),
        draft: true,
        mask: false,
    };
    let rendered = match pipeline::render(&request) {
        Ok(r) => r,
        Err(diagnostics) => {
            if let Some(message) = io_diagnostic_is_fatal(&diagnostics) {
                return Err(Fatal(message));
            }
            print_diagnostics(&diagnostics, MessageFormat::Human, color);
            return Ok(ExitCode::from(1));
        }
    };
    let mut unfilled = 0;
    for f in &rendered.figures {
        let value = match (&f.value, f.status) {
            (Some(v), FigureStatus::Ok) => {
                format!("{v}{}", if f.kind == "names" { "" } else { &f.unit })
            }
            (_, FigureStatus::Invalid) => {
                unfilled += 1;
                "【有误】".into()
            }
            _ => {
                unfilled += 1;
                "【未填】".into()
            }
        };
        println!("{}  {}  = {}", f.id, f.label, value);
        println!("    算法：{}", f.formula);
        for (source, fact) in f.sources.iter().zip(&f.facts) {
            println!("    来源：{source}（{fact}）");
        }
    }
    eprintln!(
        "共 {} 个图，其中 {unfilled} 个未填或有误",
        rendered.figures.len()
    );
    Ok(if unfilled > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn next_year(project: &Project, file: &Path, force: bool, color: bool) -> Result<ExitCode, Fatal> {
    let checked = match pipeline::check(&project.root, file) {
        Ok(c) => c,
        Err(diagnostics) => {
            print_diagnostics(&diagnostics, MessageFormat::Human, color);
            return Ok(ExitCode::from(1));
        }
    };
    let new_year = checked.facts.year + 1;
    let target = project.facts_dir().join(format!("{new_year}.yaml"));
    if target.exists() && !force {
        eprintln!(
            "{} 已存在，未覆盖（其中可能已有填好的数字）；确需重新生成请加 --force",
            report::shown_path(&target)
        );
        return Ok(ExitCode::from(1));
    }
    let text = crate::next_year::next_year_text(&checked.facts, &checked.declarations);
    crate::output::write_all(&[(target.clone(), text.into_bytes())])
        .map_err(|e| Fatal(format!("写入 {} 失败：{e}", target.display())))?;
    let unfilled = pipeline::check(&project.root, &target)
        .map(|c| {
            c.evaluation
                .figures
                .iter()
                .filter(|f| f.status != FigureStatus::Ok)
                .count()
        })
        .unwrap_or(0);
    eprintln!(
        "已创建 {}：名称沿用 {} 年，数字已清空（上年数值留在注释中），{unfilled} 个图待填写；填写后运行 speechgen check {new_year}",
        report::shown_path(&target),
        checked.facts.year
    );
    Ok(ExitCode::SUCCESS)
}

fn diff(project: &Project, old: &Path, new: &Path, color: bool) -> Result<ExitCode, Fatal> {
    let render = |file: &Path| {
        let request = RenderRequest {
            root: project.root.clone(),
            facts: file.to_path_buf(),
            draft: true,
            mask: false,
        };
        pipeline::render(&request)
    };
    let (old_r, new_r) = match (render(old), render(new)) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(d), _) | (_, Err(d)) => {
            print_diagnostics(&d, MessageFormat::Human, color);
            return Ok(ExitCode::from(1));
        }
    };
    let shown = |f: Option<&pipeline::FigureReport>| match f {
        None => "（无此图）".to_owned(),
        Some(f) => match (&f.value, f.status) {
            (Some(v), FigureStatus::Ok) => {
                format!("{v}{}", if f.kind == "names" { "" } else { &f.unit })
            }
            (_, FigureStatus::Invalid) => "【有误】".to_owned(),
            _ => "【未填】".to_owned(),
        },
    };
    let mut ids: Vec<&str> = new_r.figures.iter().map(|f| f.id.as_str()).collect();
    ids.extend(
        old_r
            .figures
            .iter()
            .map(|f| f.id.as_str())
            .filter(|id| !new_r.figures.iter().any(|f| f.id == *id)),
    );
    let mut changed = 0;
    for id in ids {
        let o = old_r.figures.iter().find(|f| f.id == id);
        let n = new_r.figures.iter().find(|f| f.id == id);
        let (before, after) = (shown(o), shown(n));
        if before != after {
            changed += 1;
            let label = n.or(o).map(|f| f.label.as_str()).unwrap_or("");
            println!("{id}  {label}：{before} → {after}");
        }
    }
    eprintln!(
        "{} 年与 {} 年相比，{changed} 个图不同",
        old_r.year, new_r.year
    );
    Ok(ExitCode::SUCCESS)
}

fn serve(
    project: &Project,
    facts: PathBuf,
    host: std::net::IpAddr,
    port: u16,
    open: bool,
    fonts: &FontArgs,
) -> Result<ExitCode, Fatal> {
    use crate::serve;
    // Chosen once: each version of the draft is laid out with the same faces.
    let typesetter =
        Typesetter::new(&fonts.options()).map_err(|e| Fatal(format!("PDF 字体不可用：{e}")))?;
    typesetter.notes().iter().for_each(|n| eprintln!("{n}"));
    let pdf: serve::PdfRenderer = std::sync::Arc::new(move |doc| {
        typesetter
            .typeset(doc)
            .map(|out| out.bytes)
            .map_err(|e| e.to_string())
    });
    let mut options = serve::ServeOptions::new(&project.root, facts, pdf);
    options.host = host;
    options.port = port;
    serve::run_blocking(options, |addr| {
        let url = serve::url(addr);
        eprintln!("草稿预览：{url}（保存事实文件或模板后页面自动更新；Ctrl-C 停止）");
        if open && let Err(e) = serve::open_in_browser(&url) {
            eprintln!("无法打开浏览器（{e}）：请手动访问 {url}");
        }
    })
    .map_err(|e| Fatal(e.to_string()))?;
    Ok(ExitCode::SUCCESS)
}
