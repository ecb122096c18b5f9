//! `speechgen figures`: the verification sheet, to standard output or its file; exit 1 when a
//! row cannot be signed.

use std::path::Path;

use crate::error::Error;
use crate::output;
use crate::project::Project;
use crate::sheet::{self, SheetFormat};

pub fn run(
    project: &Project,
    facts: Option<&Path>,
    format: SheetFormat,
    output: Option<&Path>,
) -> Result<(), Error> {
    let file = project.facts_file(facts)?;
    let sheet = sheet::build(&project.root, &file)?;
    let bytes = sheet::write(&sheet, format)?;
    let target = sheet.destination(project, format, output);
    output::write_or_print(target.as_deref(), &bytes)?;
    eprintln!(
        "{}（摘要 {}）",
        sheet::text::summary(&sheet),
        sheet.digest.short()
    );
    sheet.signable()
}
