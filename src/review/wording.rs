//! `speechgen diff OLD NEW --wording`: the two years' speeches, each drafted from its own year's
//! template and facts, compared sentence by sentence ([`crate::wording`]); each year's own year
//! is a figure in its speech, not a reworded number.

use std::path::Path;

use crate::error::Error;
use crate::pipeline::{self, RenderKind, RenderRequest, Rendered};
use crate::project::Project;
use crate::review::DiffFormat;
use crate::wording::{self, WordingDiff};

/// Two years' speeches compared.
pub struct YearsWording {
    pub old_year: i64,
    pub new_year: i64,
    pub diff: WordingDiff,
}

/// Compares the speeches of the years in the facts files `old` and `new`.
pub fn compare(project: &Project, old: &Path, new: &Path) -> Result<YearsWording, Error> {
    let (old, new) = (draft(project, old)?, draft(project, new)?);
    let diff = wording::diff_years(
        &old.document,
        &new.document,
        &format!("{} 年", old.year),
        &format!("{} 年", new.year),
        Some((old.year, new.year)),
    );
    Ok(YearsWording {
        old_year: old.year,
        new_year: new.year,
        diff,
    })
}

/// The draft of a year, rendered in memory: a figure left unfilled is compared as its marker.
fn draft(project: &Project, facts: &Path) -> Result<Rendered, Error> {
    let request = RenderRequest {
        root: project.root.clone(),
        facts: facts.to_path_buf(),
        kind: RenderKind::Draft,
    };
    Ok(pipeline::render(&request)?)
}

impl YearsWording {
    /// The comparison as text, a page or one JSON document.
    pub fn write(&self, format: DiffFormat) -> String {
        match format {
            DiffFormat::Text => self.diff.text(),
            DiffFormat::Html => self.diff.html(),
            DiffFormat::Json => format!("{:#}\n", self.diff.json()),
        }
    }
}
