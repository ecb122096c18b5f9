//! One edit of a facts file: the file's hash compared first, only the value's bytes replaced,
//! written to a temporary file beside it and renamed into place (retried while another program
//! holds the file), with an undo.

use serde::Serialize;

use super::form::{Form, Problem};
use crate::project::Project;

/// What the clerk typed into the field at `path`; the workspace decides the quoting.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Edit {
    pub path: String,
    pub raw: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Saved {
    pub sha256: String,
    #[serde(skip)]
    pub undo: Undo,
    pub form: Form,
}

/// The previous bytes of one value and where they stood: opaque to the server, which keeps the
/// last one per year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undo {
    pub(crate) path: String,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) previous: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SaveError {
    /// The file changed since the page read it: nothing was written.
    Conflict {
        on_disk_sha256: String,
        on_disk_value: Option<String>,
        yours: String,
    },
    /// The typed value cannot be saved as it is.
    Invalid(Vec<Problem>),
    /// Another program holds the file; tried `tries` times.
    Locked {
        tries: u32,
        message: String,
    },
    Io(String),
}

/// Writes `edit` into `year`'s facts file when its hash is still `expected_sha256`.
pub fn apply(
    project: &Project,
    year: i64,
    expected_sha256: &str,
    edit: &Edit,
) -> Result<Saved, SaveError> {
    let _ = (project, year, expected_sha256, edit);
    Err(SaveError::Io("尚未实现".into()))
}

/// Puts the previous bytes of the last edit back, under the same hash rule.
pub fn undo(
    project: &Project,
    year: i64,
    expected_sha256: &str,
    undo: &Undo,
) -> Result<Saved, SaveError> {
    let _ = (project, year, expected_sha256, undo);
    Err(SaveError::Io("尚未实现".into()))
}
