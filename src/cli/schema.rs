//! `speechgen schema`: the JSON Schema of the facts, for editors.

use std::path::Path;

use crate::error::Error;
use crate::output;
use crate::project::Project;

pub fn run(project: &Project, output: Option<&Path>) -> Result<(), Error> {
    let schema = crate::schema::of_project(project)?;
    output::write_or_print(output, schema.as_bytes())
}
