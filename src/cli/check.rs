//! `speechgen check`: everything `render` runs, for each facts file, writing nothing; every
//! problem printed. `--format` as `render`'s: a format left out is not checked, as it is not made.

use std::path::PathBuf;

use super::FontArgs;
use crate::batch;
use crate::error::Error;
use crate::format::Format;
use crate::output;
use crate::project::Project;
use crate::report::{self, CheckedFile, MessageFormat, shown_path};

pub fn run(
    project: &Project,
    facts: &[PathBuf],
    formats: &[Format],
    fonts: &FontArgs,
    deny_warnings: bool,
    format: MessageFormat,
    color: bool,
) -> Result<(), Error> {
    let files = project.facts_files(facts)?;
    let renderers = fonts.renderers();
    let machine = format.resolve() == MessageFormat::Json;
    let mut checked = Vec::new();
    // A file that cannot be read (or a font engine failure) does not stop the others being
    // checked, as in `render`: it is the command's error, returned once they are done.
    let mut machine_failure = None;
    for file in &files {
        let diagnostics = match batch::check_all(&project.root, file, &renderers, formats) {
            Ok(diagnostics) => diagnostics,
            Err(Error::Invalid(diagnostics)) => diagnostics,
            Err(e) => {
                machine_failure.get_or_insert(e);
                continue;
            }
        };
        if !machine {
            for d in &diagnostics {
                eprintln!("{}", report::format(d, format, color));
            }
        }
        let file = CheckedFile::judge(file.clone(), diagnostics, deny_warnings);
        let verdict = if file.passed { "通过" } else { "未通过" };
        eprintln!(
            "{}：{verdict}（{}）",
            shown_path(&file.facts),
            report::summary(&file.diagnostics)
        );
        checked.push(file);
    }
    // The machine format is one document, for every file, on standard output.
    if machine {
        output::write_or_print(None, report::json_document(&checked).as_bytes())?;
    }
    match machine_failure {
        Some(e) => Err(e),
        None if checked.iter().any(|f| !f.passed) => Err(Error::Failed),
        None => Ok(()),
    }
}
