//! Problems found in facts, figure declarations and templates, each pinned to a file:line:column.

use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// A place in a source file. Line and column are 1-based and count characters, not bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

/// One problem, written for office staff: a Chinese message, a hint, the ASCII id of the figure or
/// fact it concerns, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable ASCII code such as `unfilled`, `wrong-type`, `part-exceeds-whole`.
    pub code: &'static str,
    pub message: String,
    pub location: Option<Location>,
    /// The figure this problem belongs to, if any.
    pub figure: Option<String>,
    /// The fact path this problem belongs to, if any (e.g. `organisation.branches.qualified`).
    pub fact: Option<String>,
    pub hint: Option<String>,
    /// The text of the offending line, for showing it under the message.
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// The code of a file that cannot be read at all: not a problem of the speech but of the
    /// machine, so every command stops with the I/O failure (exit 2) instead (see `Error::from`).
    pub const IO: &'static str = "io";

    /// An error at a place, with nothing else known yet; add figure, fact and hint with the
    /// `with_*` builders.
    pub fn error(
        code: &'static str,
        message: impl Into<String>,
        location: Option<Location>,
    ) -> Diagnostic {
        Diagnostic::new(Severity::Error, code, message.into(), location)
    }

    /// A warning: reported, never fails a command unless `--deny-warnings`.
    pub fn warning(
        code: &'static str,
        message: impl Into<String>,
        location: Option<Location>,
    ) -> Diagnostic {
        Diagnostic::new(Severity::Warning, code, message.into(), location)
    }

    fn new(
        severity: Severity,
        code: &'static str,
        message: String,
        location: Option<Location>,
    ) -> Diagnostic {
        Diagnostic {
            severity,
            code,
            message,
            location,
            figure: None,
            fact: None,
            hint: None,
            source_line: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_figure(mut self, id: impl Into<String>) -> Diagnostic {
        self.figure = Some(id.into());
        self
    }

    pub fn with_fact(mut self, path: impl Into<String>) -> Diagnostic {
        self.fact = Some(path.into());
        self
    }

    /// The text of the offending line, shown under the message.
    pub fn with_source_line(mut self, line: Option<String>) -> Diagnostic {
        self.source_line = line;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// A file that could not be read (see [`Diagnostic::IO`]).
    pub fn is_io(&self) -> bool {
        self.code == Diagnostic::IO
    }
}
