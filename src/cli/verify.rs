//! `speechgen verify FILE`: whether an output was rendered from the current inputs.

use std::path::Path;

use crate::error::Error;
use crate::project::Project;
use crate::verify;

pub fn run(project: &Project, file: &Path, facts: Option<&Path>) -> Result<(), Error> {
    let facts = facts.map(|f| project.facts_file(Some(f))).transpose()?;
    let verdict = verify::verify(project, file, facts.as_deref())?;
    print!("{verdict}");
    verdict.into_result()
}
