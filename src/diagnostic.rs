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
    /// An error at a place, with nothing else known yet; the caller fills in figure, fact, hint.
    pub fn error(
        code: &'static str,
        message: impl Into<String>,
        location: Option<Location>,
    ) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            location,
            figure: None,
            fact: None,
            hint: None,
            source_line: None,
        }
    }
}
