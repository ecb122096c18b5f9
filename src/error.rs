//! The one failure type: every way a command can fail, each deciding its own exit code and
//! printing itself (just's `src/error.rs` is the model). `cli::run` turns it into the process's
//! exit code in one place.
//!
//! Exit 1: the speech's inputs must change (the facts, settings or templates have errors, a
//! character no face has, an overwrite refused). Exit 2: the command line or the machine is at
//! fault (usage, a file that cannot be read or written, a port in use, a bug).

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::diagnostic::Diagnostic;
use crate::pdf::PdfError;
use crate::report::{self, MessageFormat};
use crate::text::explain_io;

#[derive(Debug)]
pub enum Error {
    // Exit 1: the speech's inputs.
    /// The facts, settings, figure declarations or template have errors, each at its place.
    Invalid(Vec<Diagnostic>),
    /// The PDF could not be laid out: a character no face has, a segment wider than a line (the
    /// speech's fault, exit 1), or a font or engine failure (exit 2).
    Pdf(PdfError),
    /// The command has printed what it found, and that fails it: `check` found errors, `figures`
    /// lists unfilled ones, `render` left a facts file unwritten. Nothing more to print.
    Failed,
    /// `next-year` would overwrite a facts file that may hold numbers already filled in.
    WouldOverwrite { path: PathBuf },
    /// `verify`: `file` was rendered from inputs that have changed since (its report, naming
    /// each, is printed already).
    Stale { file: PathBuf, facts: PathBuf },
    /// `init` or `import --new` would write a project into a folder that holds files already.
    NotEmpty { dir: PathBuf },

    // Exit 2: the command line or the machine.
    /// Options that cannot go together; the message says why.
    Usage(String),
    /// No folder at or above `from` holds `templates/` and `facts/`.
    ProjectNotFound { from: PathBuf },
    /// `--root` names a folder without `templates/` and `facts/`.
    NotAProject { root: PathBuf },
    /// A FACTS argument that is neither a file nor a year with a facts file.
    FactsNotFound { arg: PathBuf },
    /// `facts/` holds no file named after a year.
    NoFacts { dir: PathBuf },
    /// Two FACTS would be written into the same output folder, the second over the first.
    SharedOutput {
        dir: PathBuf,
        first: PathBuf,
        second: PathBuf,
    },
    /// A file or folder that cannot be read or written; `message` says what failed and why.
    Io { path: PathBuf, message: String },
    /// `verify`: the file holds no digest speechgen wrote, or one edited since.
    NoDigest {
        path: PathBuf,
        why: crate::digest::FindError,
    },
    /// The preview server cannot listen.
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// The preview server cannot watch its inputs.
    Watch {
        path: PathBuf,
        source: notify_debouncer_full::notify::Error,
    },
    /// A bug in speechgen, not a problem of the speech.
    Internal(String),
}

impl Error {
    /// A failed read or write of `path`, explained in Chinese first.
    pub fn io(path: impl Into<PathBuf>, what: &str, e: &std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            message: format!("{what}：{}", explain_io(e)),
        }
    }

    /// The process exit code for this failure.
    pub fn code(&self) -> u8 {
        match self {
            Error::Invalid(_)
            | Error::Failed
            | Error::WouldOverwrite { .. }
            | Error::Stale { .. } => 1,
            Error::NotEmpty { .. } => 1,
            Error::Pdf(PdfError::MissingChar { .. } | PdfError::Overlong { .. }) => 1,
            Error::Pdf(PdfError::Font { .. } | PdfError::Engine(_)) => 2,
            Error::Usage(_)
            | Error::ProjectNotFound { .. }
            | Error::NotAProject { .. }
            | Error::FactsNotFound { .. }
            | Error::NoFacts { .. }
            | Error::SharedOutput { .. }
            | Error::Io { .. }
            | Error::NoDigest { .. }
            | Error::Bind { .. }
            | Error::Watch { .. }
            | Error::Internal(_) => 2,
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code())
    }

    /// True when the speech's inputs must change (exit 1), as opposed to the machine or the
    /// command line: a command with several facts files reports these per file and carries on.
    pub fn is_in_the_speech(&self) -> bool {
        self.code() == 1
    }

    /// Prints the failure to stderr: diagnostics with their lines shown, anything else as one line.
    pub fn print(&self, color: bool) {
        eprint!("{}", self.message(color));
    }

    /// What `print` prints, each line ended: for a caller that prints it later in one piece (a
    /// render of several facts files at once, whose messages must not interleave).
    pub fn message(&self, color: bool) -> String {
        match self {
            Error::Invalid(diagnostics) => diagnostics
                .iter()
                .map(|d| format!("{}\n", report::format(d, MessageFormat::Human, color)))
                .collect(),
            Error::Failed => String::new(),
            other => format!("speechgen: {other}\n"),
        }
    }
}

fn shown(path: &Path) -> String {
    report::shown_path(path)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(diagnostics) => f.write_str(&report::summary(diagnostics)),
            Error::Pdf(e) => write!(f, "PDF 无法生成：{e}"),
            Error::Failed => f.write_str("未通过"),
            Error::WouldOverwrite { path } => write!(
                f,
                "{} 已存在，未覆盖（其中可能已有填好的数字）；确需重新生成请加 --force",
                shown(path)
            ),
            Error::Stale { file, facts } => write!(
                f,
                "{} 已过期：请重新生成讲话稿（speechgen render {}）或核对表（speechgen figures {}）",
                shown(file),
                shown(facts),
                shown(facts)
            ),
            Error::Usage(message) => f.write_str(message),
            Error::NotEmpty { dir } => {
                let name = match shown(dir) {
                    s if s.is_empty() || s == "." => "当前文件夹".to_owned(),
                    s => s,
                };
                write!(
                    f,
                    "{name} 不是空文件夹，未写入任何文件：新项目请放在一个新的（或空的）文件夹中"
                )
            }
            Error::ProjectNotFound { from } => write!(
                f,
                "在 {} 及其上级文件夹中找不到讲话稿项目（同时含有 templates/ 和 facts/ 的文件夹）；请进入项目文件夹，或用 --root 指定",
                from.display()
            ),
            Error::NotAProject { root } => write!(
                f,
                "{} 不是讲话稿项目：需要 templates/ 和 facts/ 两个文件夹",
                root.display()
            ),
            Error::FactsNotFound { arg } => write!(f, "找不到事实文件 {}", arg.display()),
            Error::NoFacts { dir } => write!(
                f,
                "{} 中没有以年份命名的事实文件（如 2021.yaml）",
                dir.display()
            ),
            Error::SharedOutput { dir, first, second } => write!(
                f,
                "{} 和 {} 会写入同一个文件夹 {}，后者会覆盖前者：请分两次生成，各用 -o 指定文件夹",
                shown(first),
                shown(second),
                shown(dir)
            ),
            Error::Io { path, message } => write!(f, "{}：{message}", shown(path)),
            Error::NoDigest { path, why } => write!(f, "{}：{why}", shown(path)),
            Error::Bind { addr, source } if source.kind() == std::io::ErrorKind::AddrInUse => {
                write!(
                    f,
                    "端口 {} 已被占用：请用 --port 换一个端口（--port 0 表示任选空闲端口）",
                    addr.port()
                )
            }
            Error::Bind { addr, source } => {
                write!(f, "无法在 {addr} 上启动预览服务器：{source}")
            }
            Error::Watch { path, source } => {
                write!(f, "无法监视 {}：{source}", path.display())
            }
            Error::Internal(message) => write!(f, "内部错误：{message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Pdf(e) => Some(e),
            Error::Bind { source, .. } => Some(source),
            Error::Watch { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The diagnostics of inputs that could not be read or parsed. A file that cannot be read at all
/// is the machine's failure, not the speech's: it becomes [`Error::Io`] (exit 2) here, the same
/// for every command, however many other problems came with it.
impl From<Vec<Diagnostic>> for Error {
    fn from(diagnostics: Vec<Diagnostic>) -> Error {
        match diagnostics.iter().find(|d| d.is_io()) {
            Some(d) => Error::Io {
                path: d
                    .location
                    .as_ref()
                    .map(|l| l.file.clone())
                    .unwrap_or_default(),
                message: d.message.clone(),
            },
            None => Error::Invalid(diagnostics),
        }
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Error {
        Error::from(vec![d])
    }
}

impl From<PdfError> for Error {
    fn from(e: PdfError) -> Error {
        Error::Pdf(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Location;
    use crate::pdf::Place;

    fn at(file: &str) -> Option<Location> {
        Some(Location {
            file: file.into(),
            line: 1,
            column: 1,
        })
    }

    #[test]
    fn an_unreadable_file_is_an_io_failure_whatever_came_with_it() {
        let diagnostics = vec![
            Diagnostic::error("unfilled", "还没有填写", at("facts/2021.yaml")),
            Diagnostic::error(
                Diagnostic::IO,
                "无法读取文件：x",
                at("templates/figures.yaml"),
            ),
        ];
        let e = Error::from(diagnostics);
        assert!(matches!(&e, Error::Io { path, .. } if path.ends_with("figures.yaml")));
        assert_eq!(e.code(), 2);
        let e = Error::from(Diagnostic::error("unfilled", "还没有填写", None));
        assert_eq!(e.code(), 1);
    }

    #[test]
    fn the_speech_fault_and_the_machine_fault_of_a_pdf() {
        let place = Place::PageNumber;
        let missing = PdfError::MissingChar {
            face: "f".into(),
            ch: '𠀀',
            place,
        };
        assert_eq!(Error::from(missing).code(), 1);
        assert_eq!(Error::from(PdfError::Engine("x".into())).code(), 2);
    }
}
