//! The command line: a thin layer over the pipeline.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostic::Severity;
use crate::error::Error;
use crate::format::{Format, Renderers};
use crate::pipeline::{self, RenderRequest};
use crate::project::Project;
use crate::report::{self, MessageFormat, shown_path};
use crate::{batch, output, review, serve};

const ABOUT: &str =
    "从一年的事实重新生成每年一次的讲话稿，每个数字都经过计算和核对，可追溯到事实文件的行。
Regenerates a yearly speech from a year's facts; every figure is computed, traceable and checked.";

const AFTER_HELP: &str = "\
A speech project is a folder holding templates/ (speech.md.tera, figures.yaml, speech.yaml) and
facts/ (<year>.yaml). speechgen finds it from the current folder upward, or from --root DIR.
FACTS is a facts file or a year (2021 → facts/2021.yaml); by default the latest year.

Examples:
  speechgen render                        write output/<year>/speech.md, .html, .pdf and .docx
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
    /// Render the speech to Markdown, HTML, PDF and Word (writes nothing if a figure is unfilled or wrong).
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
        #[arg(long, value_enum, value_delimiter = ',', default_values_t = Format::DEFAULT)]
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
        #[arg(long, default_value_t = serve::DEFAULT_PORT)]
        port: u16,
        /// Address to listen on; loopback only unless you name another (e.g. 0.0.0.0 for the LAN).
        #[arg(long, default_value = "127.0.0.1", value_parser = serve::parse_host)]
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

/// Runs the command line; the one place a failure becomes the process's exit code.
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
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            e.print(color);
            e.exit_code()
        }
    }
}

fn dispatch(cli: Cli, color: bool) -> Result<(), Error> {
    let project = match cli.root.as_deref() {
        Some(root) => Project::at(root)?,
        None => Project::discover(Path::new("."))?,
    };
    match cli.command {
        Command::Render {
            facts,
            output,
            format,
            fonts,
            draft,
            mask,
        } => {
            let files = project.facts_files(&facts)?;
            let options = batch::RenderOptions {
                output,
                formats: format,
                renderers: Renderers::new(fonts.options()),
                draft,
                mask,
            };
            batch::render(&project, &files, &options, color)
        }
        Command::Check {
            facts,
            deny_warnings,
            message_format,
        } => {
            let files = project.facts_files(&facts)?;
            check(&project, &files, deny_warnings, message_format, color)
        }
        Command::Figures { facts } => figures(&project, &project.facts_file(facts.as_deref())?),
        Command::Serve {
            facts,
            port,
            host,
            open,
            fonts,
        } => {
            let file = project.facts_file(facts.as_deref())?;
            // Chosen once, now: each version of the draft is laid out with the same faces, and a
            // font problem shows when the preview starts.
            let renderers = Renderers::new(fonts.options());
            renderers.choose_fonts()?;
            print_font_notes(&renderers);
            let mut options = serve::ServeOptions::new(&project.root, file, renderers);
            options.host = host;
            options.port = port;
            serve::run_blocking(options, |addr| {
                let url = serve::url(addr);
                eprintln!("草稿预览：{url}（保存事实文件或模板后页面自动更新；Ctrl-C 停止）");
                if open && let Err(e) = serve::open_in_browser(&url) {
                    eprintln!("无法打开浏览器（{e}）：请手动访问 {url}");
                }
            })
        }
        Command::NextYear { facts, force } => next_year(
            &project,
            &project.facts_file(facts.as_deref())?,
            force,
            color,
        ),
        Command::Diff { old, new } => diff(
            &project,
            &project.facts_file(Some(&old))?,
            &project.facts_file(Some(&new))?,
        ),
    }
}

/// The draft of a facts file, every figure shown whether filled or not: what `figures` and
/// `diff` read.
fn draft(project: &Project, facts: &Path) -> Result<pipeline::Rendered, Error> {
    let request = RenderRequest {
        root: project.root.clone(),
        facts: facts.to_path_buf(),
        draft: true,
        mask: false,
    };
    Ok(pipeline::render(&request)?)
}

/// Each line as it stands: `警告：…` (a font file skipped) or `提示：…` (an office face missing).
fn print_font_notes(renderers: &Renderers) {
    for note in renderers.take_font_notes() {
        eprintln!("{note}");
    }
}

fn check(
    project: &Project,
    files: &[PathBuf],
    deny_warnings: bool,
    format: MessageFormat,
    color: bool,
) -> Result<(), Error> {
    let mut failed = false;
    for file in files {
        let diagnostics = match pipeline::check(&project.root, file).map_err(Error::from) {
            Ok(checked) => checked.diagnostics,
            Err(Error::Invalid(diagnostics)) => diagnostics,
            Err(e) => return Err(e),
        };
        for d in &diagnostics {
            eprintln!("{}", report::format(d, format, color));
        }
        let errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
        let warnings = diagnostics.iter().any(|d| d.severity == Severity::Warning);
        let file_failed = errors || (deny_warnings && warnings);
        failed |= file_failed;
        let verdict = if file_failed { "未通过" } else { "通过" };
        eprintln!(
            "{}：{verdict}（{}）",
            shown_path(file),
            report::summary(&diagnostics)
        );
    }
    if failed { Err(Error::Failed) } else { Ok(()) }
}

fn figures(project: &Project, file: &Path) -> Result<(), Error> {
    let rendered = draft(project, file)?;
    print!("{}", review::listing(&rendered.figures));
    let unfinished = review::unfinished(&rendered.figures);
    eprintln!(
        "共 {} 个数字，其中 {unfinished} 个未填或有误",
        rendered.figures.len()
    );
    if unfinished > 0 {
        Err(Error::Failed)
    } else {
        Ok(())
    }
}

fn next_year(project: &Project, file: &Path, force: bool, color: bool) -> Result<(), Error> {
    let checked = pipeline::check(&project.root, file)?;
    let new_year = checked.facts.year + 1;
    let target = project.facts_dir().join(format!("{new_year}.yaml"));
    if target.exists() && !force {
        return Err(Error::WouldOverwrite { path: target });
    }
    let made = crate::next_year::next_year(
        &checked.facts,
        &checked.declarations,
        &checked.evaluation,
        &target,
    );
    let text = match made {
        Ok(text) => text,
        Err(crate::next_year::Refusal::Unfilled {
            diagnostics,
            figures,
        }) => {
            Error::Invalid(diagnostics).print(color);
            eprintln!(
                "{} 还有 {} 个数据项未填：{}。先把这一年填完，再由它生成下一年；未写入任何文件",
                shown_path(file),
                figures.len(),
                figures.join("、")
            );
            return Err(Error::Failed);
        }
        Err(crate::next_year::Refusal::Internal(message)) => {
            return Err(Error::Internal(format!(
                "未写入 {}：{message}",
                shown_path(&target)
            )));
        }
    };
    output::write_all(&[(target.clone(), text.into_bytes())])?;
    let unfinished = pipeline::check(&project.root, &target)
        .map(|c| {
            c.evaluation
                .figures
                .iter()
                .filter(|f| f.status != pipeline::FigureStatus::Ok)
                .count()
        })
        .unwrap_or(0);
    eprintln!(
        "已创建 {}：名称沿用 {} 年，数字已清空（上年数值留在注释中），{unfinished} 个数据项待填写；填写后运行 speechgen check {new_year}",
        shown_path(&target),
        checked.facts.year
    );
    Ok(())
}

fn diff(project: &Project, old: &Path, new: &Path) -> Result<(), Error> {
    let (old, new) = (draft(project, old)?, draft(project, new)?);
    let changes = review::diff(&old.figures, &new.figures);
    for change in &changes {
        println!("{change}");
    }
    eprintln!(
        "{} 年与 {} 年相比，{} 个数字不同",
        old.year,
        new.year,
        changes.len()
    );
    Ok(())
}
