//! Everything clap parses, and the Chinese help around it: the commands and their arguments
//! (`Cli`, `Command`, `FontArgs`), the frame and headings of every help screen ([`command`]), and
//! a command line clap refuses explained in Chinese ([`usage_error`]).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Arg, ArgAction, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::format::{Format, Renderers};
use crate::pipeline::RenderKind;
use crate::report::MessageFormat;
use crate::review::DiffFormat;
use crate::serve;
use crate::sheet::SheetFormat;

const ABOUT: &str =
    "从一年的事实重新生成每年一次的讲话稿：每个数字都经过计算和核对，可追溯到事实文件的行。";

const LONG_ABOUT: &str =
    "从一年的事实重新生成每年一次的讲话稿：每个数字都经过计算和核对，可追溯到事实文件的行。

Regenerates a yearly speech from a year's facts; every figure is computed, traceable and checked.";

const AFTER_HELP: &str = "\
讲话稿项目是一个含有 templates/（speech.md.tera、figures.yaml、speech.yaml）和 facts/（<年份>.yaml）
的文件夹；speechgen 从当前文件夹向上查找它，或用 --root DIR 指定。
FACTS 是事实文件或年份（2021 即 facts/2021.yaml），默认为最近的一年。
A speech project is a folder holding templates/ and facts/, found from the current folder upward
(or --root DIR). FACTS is a facts file or a year (2021 → facts/2021.yaml); by default the latest.

示例 / Examples:
  speechgen render                        生成 output/<年份>/speech.md、.html、.pdf 与 .docx
  speechgen render 2021 -o out            生成到 out/
  speechgen render --draft                草稿 speech-draft.*：有未填的数字也生成
  speechgen render --mask                 传阅稿 speech-masked.*：数字一律显示为 *
  speechgen render --fonts bundled        PDF 用内置字体（各台电脑结果相同）
  speechgen check                         有未填或有误的数字时退出码为 1
  speechgen check --message-format github GitHub Actions 的批注
  speechgen check --message-format json   供程序读取的 JSON
  speechgen figures                       每个数字的值、算法和出处
  speechgen figures --format pdf          打印签字用的核对表
  speechgen verify output/2021/speech.pdf 这份打印稿是否由当前的事实生成？
  speechgen schema -o facts/facts.schema.json  供编辑器补全键名的 JSON Schema
  speechgen serve --open                  在浏览器中实时预览草稿
  speechgen next-year                     由 facts/2021.yaml 生成 facts/2022.yaml
  speechgen diff 2021 2022                两年之间：印出的数字、原始数值、沿用的名称
  speechgen diff 2021 2022 --wording      两年讲话逐句对照的措辞变化
  speechgen import 定稿.docx --year 2021  把在 Word 中改过的措辞带回（--write 写入）
  speechgen init DIR --office 某某单位      为别的单位新建讲话稿项目

退出码 / Exit codes:
  0  完成，或检查没有错误（done, no errors）
  1  事实、设置或模板有错误（the facts, settings or templates have errors）
  2  用法、读写或内部错误（usage, I/O or internal error）";

/// The help screens' frame in Chinese (clap's own words are English): the usage line, and
/// headings given to every argument by [`command`].
const HELP_TEMPLATE: &str =
    "{before-help}{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

#[derive(Parser, Debug)]
#[command(
    name = "speechgen",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = AFTER_HELP
)]
pub struct Cli {
    /// 讲话稿项目文件夹（默认：从当前文件夹向上查找）
    ///
    /// The speech project folder (default: found from the current folder upward).
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// 消息是否着色：auto（输出到终端时）、always 或 never
    ///
    /// Colour in messages: auto (when printing to a terminal), always or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    /// 输出到终端时着色（when printing to a terminal）
    Auto,
    /// 总是着色（always）
    Always,
    /// 不着色（never）
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 生成讲话稿：Markdown、HTML、PDF 与 Word（有未填或有误的数字时不写任何文件）
    ///
    /// Render the speech to Markdown, HTML, PDF and Word (writes nothing if a figure is unfilled or
    /// wrong).
    #[command(
        after_help = "示例 / Examples:\n  speechgen render\n  speechgen render facts/2021.yaml -o out --format html\n  speechgen render 2020 2021          → output/2020/, output/2021/\n  speechgen render --mask             → speech-masked.md, .html, .pdf, .docx"
    )]
    Render {
        /// 事实文件或年份（默认：facts/ 中最近的一年）
        ///
        /// Facts files or years (default: the latest year in facts/).
        #[arg(value_name = "FACTS")]
        facts: Vec<PathBuf>,
        /// 输出文件夹（默认：项目中的 output/<年份>/；多个 FACTS 时每个文件各占一个以其命名的子文件夹）
        ///
        /// Output folder (default: output/<year>/ in the project; with several FACTS, one
        /// sub-folder per file, named after it).
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// 要生成的格式，用逗号分隔
        ///
        /// Formats to write, comma-separated.
        #[arg(long, value_enum, value_delimiter = ',', default_values_t = Format::DEFAULT)]
        format: Vec<Format>,
        #[command(flatten)]
        fonts: FontArgs,
        /// PDF 遵循并据以检查的标准：a-2b（PDF/A-2b，长期保存，默认）、a-2u、ua-1（PDF/UA-1，无障碍，含书签）、1.7（普通 PDF，草稿的默认）
        ///
        /// The standard the PDF declares and is checked against (Typst's names): a-2b (PDF/A-2b,
        /// archival: the default), a-2u, ua-1 (PDF/UA-1, accessible, with bookmarks), 1.7 (plain
        /// PDF: a draft's default).
        #[arg(long, value_name = "STANDARD", value_parser = pdf_standard())]
        pdf_standard: Option<crate::pdf::PdfStandard>,
        /// 草稿：有错误也生成，写作 speech-draft.*，未填的数字显示为【未填：……】，标为草稿
        ///
        /// Render even with errors, as speech-draft.*: unfilled figures show as 【未填：…】
        /// markers, marked 草稿.
        #[arg(long, conflicts_with = "mask")]
        draft: bool,
        /// 传阅稿：写作 speech-masked.*，用数字书写的数据项（及声明 mask: true 的）一律显示为 *
        ///
        /// The circulation copy, as speech-masked.* beside the final speech: every figure written
        /// in digits (and any declared `mask: true`) printed as *, no value anywhere in the files.
        #[arg(long)]
        mask: bool,
    },
    /// 检查 render 所做的一切而不写文件（事实、数据项、模板、用同样字体的 PDF 排版）；有错误时退出码为 1
    ///
    /// Check everything render runs, writing nothing (facts, figures, template, the PDF's layout
    /// with the same fonts); exit 1 on any error (for CI and reviewers).
    #[command(
        after_help = "示例 / Examples:\n  speechgen check\n  speechgen check facts/2021.yaml --deny-warnings\n  speechgen check --message-format short\n  speechgen check --message-format json > problems.json\n  speechgen check --fonts bundled      the same faces as render --fonts bundled\n  speechgen check --format md,html,docx   与 render --format md,html,docx 相同（不检查 PDF）"
    )]
    Check {
        /// 事实文件或年份（默认：facts/ 中最近的一年）
        ///
        /// Facts files or years (default: the latest year in facts/).
        #[arg(value_name = "FACTS")]
        facts: Vec<PathBuf>,
        /// 要检查的格式，用逗号分隔，与 render 的 --format 相同：只有含 pdf 或 ofd 时才检查版面的排版和字体
        ///
        /// Formats to check, comma-separated, as render's --format: the page layout and faces (of
        /// the PDF and the OFD) are checked only when pdf or ofd is among them.
        #[arg(long, value_enum, value_delimiter = ',', default_values_t = Format::DEFAULT)]
        format: Vec<Format>,
        #[command(flatten)]
        fonts: FontArgs,
        /// PDF 遵循并据以检查的标准：a-2b（PDF/A-2b，长期保存，默认）、a-2u、ua-1（PDF/UA-1，无障碍，含书签）、1.7（普通 PDF，草稿的默认）
        ///
        /// The standard the PDF declares and is checked against (Typst's names): a-2b (PDF/A-2b,
        /// archival: the default), a-2u, ua-1 (PDF/UA-1, accessible, with bookmarks), 1.7 (plain
        /// PDF: a draft's default).
        #[arg(long, value_name = "STANDARD", value_parser = pdf_standard())]
        pdf_standard: Option<crate::pdf::PdfStandard>,
        /// 把警告（样例数据、未用到的数据项、与上年相同的数值……）也当作错误
        ///
        /// Treat warnings (sample data, an unused figure, a value identical to last year's, …) as
        /// errors.
        #[arg(long)]
        deny_warnings: bool,
        /// 问题的输出方式；json 输出到标准输出，其余输出到标准错误
        ///
        /// How to print problems; json goes to standard output, the others to standard error.
        #[arg(long, value_enum, default_value_t = MessageFormat::Auto)]
        message_format: MessageFormat,
        /// 逐条显示与上年相同、沿用上年名称的警告全文（默认合为一组，每项一行）
        ///
        /// Show each value identical to last year's, or name carried over, in full (by default
        /// they are one group, a line each).
        #[arg(long, short = 'v')]
        verbose: bool,
    },
    /// 由一年的事实生成下一年的：名称沿用，数字清空（上年数值留在注释中），逐年数列添上新的一年
    ///
    /// Start next year's facts from a year's: names kept, numbers emptied (last year's value left
    /// beside each as a comment), yearly series given the new year, confirmed: emptied; writes the
    /// editor's schema (facts/facts.schema.json) beside it.
    #[command(
        name = "next-year",
        after_help = "示例 / Examples:\n  speechgen next-year              facts/2021.yaml → facts/2022.yaml\n  speechgen next-year 2021 --force  覆盖已有的 facts/2022.yaml"
    )]
    NextYear {
        /// 作为起点的事实文件或年份（默认：facts/ 中最近的一年）
        ///
        /// The facts file or year to start from (default: the latest year in facts/).
        #[arg(value_name = "FACTS")]
        facts: Option<PathBuf>,
        /// 新一年的事实文件已存在时覆盖它
        ///
        /// Overwrite the new year's facts file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// 逐年对照：两年之间印出不同的数字、改动的原始数值（含印出相同的）、沿用未改的名称和数值；
    /// 加 --wording 则逐句对照两年讲话的措辞
    ///
    /// Compare two years: the figures printed differently, the raw facts that changed (318 → 322
    /// prints 300多 both years), and every name and number carried over unchanged.
    #[command(
        after_help = "示例 / Examples:\n  speechgen diff 2021 2022\n  speechgen diff 2021 2022 --format html -o diff.html\n  speechgen diff 2021 2022 --format json\n  speechgen diff 2021 2022 --wording --format html -o changes.html"
    )]
    Diff {
        /// 较早一年的事实文件或年份
        ///
        /// The earlier facts file or year.
        old: PathBuf,
        /// 较晚一年的事实文件或年份
        ///
        /// The later facts file or year.
        new: PathBuf,
        /// 对照措辞：两年的讲话（各用其年份的模板）逐句对照，标出增删，数字的变化标为数字
        ///
        /// Compare the wording: each year's speech (its own template) sentence by sentence,
        /// insertions and deletions marked, a changed figure marked as a figure.
        #[arg(long)]
        wording: bool,
        /// 输出格式：text、html 或 json
        ///
        /// How to write the comparison: text, html or json.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// 写入此文件，而不是输出到标准输出
        ///
        /// Write to this file instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// 在浏览器中实时预览草稿：每次保存后自动更新，未填的数字醒目标出
    ///
    /// Preview the draft live in a browser: updates on every save, unfilled figures marked.
    #[command(
        after_help = "示例 / Examples:\n  speechgen serve                 最近一年的 http://127.0.0.1:4000/\n  speechgen serve 2022 --open     在默认浏览器中打开\n  speechgen serve --port 0        任选空闲端口（地址会打印出来）\n\n只读不写：不会写入 output/ 或项目中的任何文件。按 Ctrl-C 停止。\nIt only reads: nothing is written into output/ or the project. Stop it with Ctrl-C."
    )]
    Serve {
        /// 要预览的事实文件或年份（默认：facts/ 中最近的一年）
        ///
        /// The facts file or year to preview (default: the latest year in facts/).
        #[arg(value_name = "FACTS")]
        facts: Option<PathBuf>,
        /// 监听的端口（0：任选空闲端口）
        ///
        /// Port to listen on (0: any free port).
        #[arg(long, default_value_t = serve::DEFAULT_PORT)]
        port: u16,
        /// 监听的地址；默认只有本机可以访问（如 0.0.0.0 则局域网内可访问）
        ///
        /// Address to listen on; loopback only unless you name another (e.g. 0.0.0.0 for the LAN).
        #[arg(long, default_value = "127.0.0.1", value_parser = serve::parse_host)]
        host: std::net::IpAddr,
        /// 在默认浏览器中打开预览
        ///
        /// Open the preview in the default browser.
        #[arg(long)]
        open: bool,
        #[command(flatten)]
        fonts: FontArgs,
    },
    /// 为任何单位新建讲话稿项目：示例讲话（每种数据项各一例）、声明、单位设置、本年示例事实、README
    ///
    /// Start a new speech project for any office: an example speech with one figure of each
    /// kind, their declarations, the office's settings, this year's example facts, a README.
    #[command(
        after_help = "示例 / Examples:\n  speechgen init 我的讲话 --office 市统计局 --title 市统计局年度工作汇报\n  cd 我的讲话 && speechgen check\n\n文件夹不存在时新建；已存在时必须是空的（否则退出码 1，不写入任何文件）。\nThe folder is created if missing and must be empty (exit 1 otherwise)."
    )]
    Init {
        /// 新项目的文件夹 / The folder of the new project.
        dir: PathBuf,
        /// 发言单位（作者） / The office that gives the speech (its author).
        #[arg(long)]
        office: Option<String>,
        /// 讲话标题（默认：<单位>年度工作情况汇报） / The speech's title.
        #[arg(long)]
        title: Option<String>,
        /// 第一个事实文件的年份（默认今年） / The year of the first facts file (default: this year).
        #[arg(long, value_parser = clap::value_parser!(i64).range(1949..=2200))]
        year: Option<i64>,
    },
    /// 把讲话定稿（Word 中改过的副本，或 .md/.txt）带回：更新某年的措辞，或用 --new 由它新建项目
    ///
    /// Bring a delivered speech back (the copy edited in Word, or its .md/.txt): update a year's
    /// wording, or start a new project from it with --new.
    #[command(
        after_help = "示例 / Examples:\n  speechgen import 讲话定稿.docx --year 2021           显示改了什么、哪些需要决定\n  speechgen import 讲话定稿.docx --year 2021 --write   再写入 templates/2021/speech.md.tera\n  speechgen import 别的讲话.txt --new 新项目 --office 市统计局\n\n退出码 0：没有需要决定的；1：有需要决定的问题，或显示了改动但没有 --write。\nExit 0 when nothing needs deciding; 1 when something is reported, or changes were shown without --write."
    )]
    Import {
        /// 讲话定稿：.docx、.md 或 .txt / The delivered speech: .docx, .md or .txt.
        file: PathBuf,
        /// 写入哪一年的措辞（templates/<年份>/speech.md.tera）；与 --new 同用时为新事实文件的年份
        ///
        /// The year whose wording it becomes (templates/<year>/speech.md.tera); with --new, the
        /// year of the new facts file (default: this year).
        #[arg(
            long,
            required_unless_present = "new",
            value_parser = clap::value_parser!(i64).range(1949..=2200)
        )]
        year: Option<i64>,
        /// 显示改动后写入新模板 / Write the new template, after the changes shown.
        #[arg(long, conflicts_with = "new")]
        write: bool,
        /// 由这篇讲话在 DIR 中新建项目，每个数字和名称都提议为数据项
        ///
        /// Make a new project in DIR from the speech: every number and name a proposed figure.
        #[arg(long, value_name = "DIR")]
        new: Option<PathBuf>,
        /// 与 --new 同用：发言单位
        ///
        /// With --new: the office that gives the speech (its author in templates/speech.yaml).
        #[arg(long, requires = "new")]
        office: Option<String>,
    },
    /// 核对表：每个数字的印出值、确切输入、算法、出处、来源、上年值与变化，以及讲话中的判断，供审核签字
    ///
    /// The verification sheet: every figure with its exact inputs, formula, place, source, last
    /// year's value and change, then every claim a rule checks; exit 1 if any is unfilled.
    #[command(
        after_help = "示例 / Examples:\n  speechgen figures                       文字形式的核对表\n  speechgen figures 2021 --format pdf     output/2021/figures.pdf，打印后签字\n  speechgen figures --format html -o sheet.html\n  speechgen figures --format csv > figures.csv"
    )]
    Figures {
        /// 事实文件或年份（默认：facts/ 中最近的一年）
        ///
        /// A facts file or year (default: the latest year in facts/).
        #[arg(value_name = "FACTS")]
        facts: Option<PathBuf>,
        /// text、csv、json 输出到标准输出；html、pdf 写入 output/<年份>/figures.html|pdf
        ///
        /// text, csv and json go to standard output; html and pdf to output/<year>/figures.html|pdf.
        #[arg(long, value_enum, default_value_t = SheetFormat::Text)]
        format: SheetFormat,
        /// 改为写入此文件
        ///
        /// Write to this file instead.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// 检查一份输出（讲话稿 .md/.html/.pdf/.docx 或核对表）是否由当前的事实和模板生成：0 一致，1 已过期
    ///
    /// Tell whether FILE was rendered from the current inputs: exit 0 when it was, 1 when an input
    /// changed since (each is named), 2 when FILE cannot be read or carries no digest.
    #[command(
        after_help = "示例 / Examples:\n  speechgen verify output/2021/speech.pdf\n  speechgen verify output/2021/figures.pdf 2021"
    )]
    Verify {
        /// speechgen 写出的讲话稿或核对表（.md、.html、.pdf、.docx 或 JSON 核对表）
        ///
        /// A speech or sheet speechgen wrote (.md, .html, .pdf, .docx, or the JSON sheet).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// 与之比较的事实文件或年份（默认：FILE 生成时所用的）
        ///
        /// The facts file or year to compare with (default: the one FILE was rendered from).
        #[arg(value_name = "FACTS")]
        facts: Option<PathBuf>,
    },
    /// 确认沿用上年的值：把事实路径写进事实文件的 confirmed: 列表，它的警告即消失；不给路径则列出可确认的值
    ///
    /// Confirm values carried over from last year on purpose: write their fact paths into the
    /// facts file's `confirmed:` list (its comments and every other value kept). Without PATH,
    /// list what could be confirmed. Exit 0 done, 1 nothing to confirm or a PATH not carried
    /// over (nothing written), 2 the file could not be written.
    #[command(
        after_help = "示例 / Examples:\n  speechgen confirm 2022                         列出可确认的值\n  speechgen confirm 2022 political.lecture_hall  确认这一项"
    )]
    Confirm {
        /// 事实文件或年份
        ///
        /// The facts file or year.
        #[arg(value_name = "FACTS")]
        facts: PathBuf,
        /// 要确认的事实路径（如 political.lecture_hall），可写多个
        ///
        /// Fact paths to confirm (e.g. political.lecture_hall), any number.
        #[arg(value_name = "PATH")]
        paths: Vec<String>,
    },
    /// 输出事实文件的 JSON Schema，供编辑器补全键名、标出错误
    ///
    /// Print a JSON Schema of the facts the declarations read (for editors: completion and
    /// underlined mistakes as the facts are typed).
    #[command(after_help = "示例 / Examples:\n  speechgen schema -o facts/facts.schema.json")]
    Schema {
        /// 写入此文件，而不是输出到标准输出
        ///
        /// Write to this file instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// Which faces the PDF is set in.
#[derive(clap::Args, Debug, Clone)]
pub struct FontArgs {
    /// PDF 用的字体：auto 已安装公文字体时用公文字体，否则用内置字体；bundled 总用内置字体
    ///
    /// auto: the office fonts (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312) when installed, else the
    /// bundled free faces; bundled: always the bundled faces (the same PDF on every machine).
    #[arg(long, value_enum, default_value_t = FontsChoice::Auto)]
    pub fonts: FontsChoice,
    /// 先于系统字体文件夹查找的字体文件夹（可给多次）
    ///
    /// A folder of fonts searched before the system's (may be given several times).
    #[arg(long = "font-dir", value_name = "DIR")]
    pub font_dirs: Vec<PathBuf>,
    /// .docx 内嵌 PDF 所用的字体（整套字形，文件大十余 MB），没有公文字体的电脑（如 LibreOffice）也按角色用宋、楷、黑
    ///
    /// The .docx carries the faces the PDF is set in (whole faces: the file grows by 10 MB or more),
    /// so that a machine without the office fonts (LibreOffice, say) prints each role in its face.
    #[arg(long = "embed-fonts")]
    pub embed_fonts: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FontsChoice {
    /// 已安装时用公文字体（仿宋_GB2312、方正小标宋简体、黑体、楷体_GB2312），否则用内置字体
    Auto,
    /// 总用内置的自由字体，各台电脑生成的 PDF 相同
    Bundled,
}

/// `--pdf-standard`: one of Typst's names for the standards krilla writes.
fn pdf_standard() -> impl clap::builder::TypedValueParser<Value = crate::pdf::PdfStandard> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(crate::pdf::PdfStandard::NAMES)
        .map(|name| crate::pdf::PdfStandard::from_name(&name).expect("one of the names listed"))
}

impl FontArgs {
    pub fn options(&self, standard: Option<crate::pdf::PdfStandard>) -> crate::pdf::PdfOptions {
        crate::pdf::PdfOptions {
            fonts: match self.fonts {
                FontsChoice::Auto => crate::pdf::FontChoice::Auto,
                FontsChoice::Bundled => crate::pdf::FontChoice::Bundled,
            },
            font_dirs: self.font_dirs.clone(),
            standard,
        }
    }

    /// The formats' writers, the PDF's set in the faces asked for and declaring `standard`
    /// (None: each copy's default).
    pub fn renderers(&self, standard: Option<crate::pdf::PdfStandard>) -> Renderers {
        Renderers::new(self.options(standard)).embedding_fonts(self.embed_fonts)
    }
}

impl ColorChoice {
    /// Whether messages are coloured: `auto` colours a terminal, unless `NO_COLOR` is set.
    pub fn resolve(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        }
    }
}

/// What `render --draft` / `--mask` asks for; clap refuses the two together (see
/// [`DRAFT_AND_MASK`]).
pub fn render_kind(draft: bool, mask: bool) -> RenderKind {
    match (draft, mask) {
        (true, _) => RenderKind::Draft,
        (false, true) => RenderKind::Masked,
        (false, false) => RenderKind::Final,
    }
}

/// The command line as it is parsed, its help in Chinese throughout: besides the texts above,
/// the frame and headings of every help screen and the help and version flags, which clap
/// would otherwise word in English.
pub fn command() -> clap::Command {
    in_chinese(
        Cli::command().disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本号（Print version）"),
        ),
    )
}

fn in_chinese(cmd: clap::Command) -> clap::Command {
    cmd.help_template(HELP_TEMPLATE)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        // `speechgen help` would be described in English; `speechgen <命令> --help` says it all.
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助（-h 为摘要，--help 为全文）"),
        )
        .mut_args({
            // Under a heading of their own, arguments without an order are listed by name:
            // OLD and NEW keep the order they are typed in.
            let mut positional = 0;
            move |arg| {
                let arg = if arg.is_positional() {
                    positional += 1;
                    arg.help_heading("参数").display_order(positional)
                } else {
                    arg.help_heading("选项")
                };
                values_in_chinese(arg)
            }
        })
        .mut_subcommands(in_chinese)
}

/// An argument's default and possible values said in Chinese (clap prints `[default: …]`,
/// `[possible values: …]` and `Possible values:` in English, and has no way to translate them).
fn values_in_chinese(arg: Arg) -> Arg {
    if !arg.get_action().takes_values() {
        return arg;
    }
    let defaults: Vec<String> = if arg.is_hide_default_value_set() {
        Vec::new()
    } else {
        arg.get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect()
    };
    let values: Vec<clap::builder::PossibleValue> = if arg.is_hide_possible_values_set() {
        Vec::new()
    } else {
        arg.get_possible_values()
            .into_iter()
            .filter(|v| !v.is_hide_set())
            .collect()
    };
    if defaults.is_empty() && values.is_empty() {
        return arg;
    }
    let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
    let long = arg
        .get_long_help()
        .map(ToString::to_string)
        .unwrap_or_else(|| help.clone());
    let names: Vec<&str> = values.iter().map(|v| v.get_name()).collect();
    let default = (!defaults.is_empty()).then(|| format!("[默认：{}]", defaults.join("、")));
    let choices = (!names.is_empty()).then(|| format!("[可选：{}]", names.join("、")));
    let short: Vec<&str> = [Some(help.as_str()), choices.as_deref(), default.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
    let mut full = long;
    if values.iter().any(|v| v.get_help().is_some()) {
        let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
        full.push_str("\n\n可选值：");
        for v in &values {
            let name = format!("{}:", v.get_name());
            let said = v.get_help().map(ToString::to_string).unwrap_or_default();
            full.push_str(&format!("\n- {name:<w$} {said}", w = width + 1));
        }
        if let Some(default) = &default {
            full.push_str(&format!("\n\n{default}"));
        }
    } else {
        let tail: Vec<&str> = [choices.as_deref(), default.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        full.push_str(&format!("\n\n{}", tail.join(" ")));
    }
    arg.hide_default_value(true)
        .hide_possible_values(true)
        .help(short.join(" "))
        .long_help(full)
}

/// Clap's usage error in Chinese where clap's own words are only a frame (`Usage:`, `tip:`,
/// `For more information, try '--help'.`); the English sentence naming the argument stays.
fn usage_in_chinese(rendered: &str) -> String {
    rendered
        .lines()
        .map(|line| {
            if let Some(rest) = line.strip_prefix("Usage: ") {
                format!("用法：{rest}")
            } else if let Some(rest) = line.strip_prefix("  tip: ") {
                format!("  提示（英文）：{rest}")
            } else if line.starts_with("For more information, try '--help'") {
                "详见 --help（中文帮助）".to_owned()
            } else if let Some(rest) = line.strip_prefix("For more information, try ") {
                format!("详见 {}", rest.trim_end_matches('.').replace('\'', ""))
            } else if let Some(rest) = line.strip_prefix("error: ") {
                format!("英文原文：{rest}")
            } else {
                line.to_owned()
            }
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Why `--draft` and `--mask` are not given together.
const DRAFT_AND_MASK: &str = "--draft 与 --mask 不能同时使用：草稿为了核对，会把每个数字的数值、算法和来源写在提示与批注中，而传阅稿不能含有任何数字；请分两次生成";

/// Whether clap refused `a` and `b` given together (the arguments its error names).
fn conflict_of(e: &clap::Error, a: &str, b: &str) -> bool {
    use clap::error::{ContextKind, ContextValue};
    let mut named: Vec<&str> = Vec::new();
    for kind in [ContextKind::InvalidArg, ContextKind::PriorArg] {
        match e.get(kind) {
            Some(ContextValue::String(s)) => named.push(s),
            Some(ContextValue::Strings(v)) => named.extend(v.iter().map(String::as_str)),
            _ => {}
        }
    }
    named.contains(&a) && named.contains(&b)
}

/// A command line clap refuses: explained in Chinese first, then clap's own (English) words,
/// which name the argument. Help and version are printed as asked.
pub fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let why = match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
        ErrorKind::UnknownArgument => "没有这个选项",
        ErrorKind::InvalidSubcommand => "没有这个命令",
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => "选项的值无效",
        ErrorKind::MissingRequiredArgument => "缺少必需的参数",
        ErrorKind::MissingSubcommand => "缺少命令",
        ErrorKind::ArgumentConflict if conflict_of(e, "--draft", "--mask") => DRAFT_AND_MASK,
        ErrorKind::ArgumentConflict => "这些选项不能同时使用",
        ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            "参数的个数不对"
        }
        _ => "无法理解",
    };
    eprintln!(
        "speechgen：命令行有误：{why}（下面是英文的详细说明；speechgen <命令> --help 显示中文帮助）"
    );
    eprint!("{}", usage_in_chinese(&e.render().to_string()));
    ExitCode::from(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_chinese(text: &str) -> bool {
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    /// Every command, argument and value choice is described in Chinese (English may follow);
    /// a command or argument added later without its Chinese words fails here.
    fn described(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        let about = cmd.get_about().map(ToString::to_string).unwrap_or_default();
        if !has_chinese(&about) {
            missing.push(format!("{path}: {about:?}"));
        }
        for arg in cmd.get_arguments() {
            let name = format!("{path} {}", arg.get_id());
            let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
            if !has_chinese(&help) {
                missing.push(format!("{name}: {help:?}"));
            }
            for value in arg.get_possible_values() {
                let help = value
                    .get_help()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                if !help.is_empty() && !has_chinese(&help) {
                    missing.push(format!("{name}={}: {help:?}", value.get_name()));
                }
            }
        }
        for sub in cmd.get_subcommands() {
            described(sub, &format!("{path} {}", sub.get_name()), missing);
        }
    }

    #[test]
    fn every_command_and_argument_is_described_in_chinese() {
        let mut cmd = command();
        cmd.build();
        cmd.clone().debug_assert();
        let mut missing = Vec::new();
        described(&cmd, "speechgen", &mut missing);
        assert!(missing.is_empty(), "no Chinese help: {missing:#?}");
        assert!(cmd.get_subcommands().count() >= 8);
    }
}
