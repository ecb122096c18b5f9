//! `speechgen render`: every facts file asked for, in every format asked for.

use std::path::PathBuf;

use crate::batch::{self, RenderOptions};
use crate::error::Error;
use crate::project::Project;

pub fn run(
    project: &Project,
    facts: &[PathBuf],
    options: &RenderOptions,
    color: bool,
) -> Result<(), Error> {
    let files = project.facts_files(facts)?;
    batch::render(project, &files, options, color)
}
