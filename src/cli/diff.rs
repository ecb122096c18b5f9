//! `speechgen diff OLD NEW`: two years compared, their facts and figures or, with `--wording`,
//! their speeches' words.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::output;
use crate::pipeline;
use crate::project::Project;
use crate::review::DiffFormat;
use crate::review::wording;
use crate::review::year_on_year::YearOnYear;

pub fn run(
    project: &Project,
    (old, new): (&Path, &Path),
    wording: bool,
    format: DiffFormat,
    output: Option<&Path>,
) -> Result<(), Error> {
    let (old, new) = (
        project.facts_file(Some(old))?,
        project.facts_file(Some(new))?,
    );
    if wording {
        speeches(project, (old, new), format, output)
    } else {
        facts(project, (old, new), format, output)
    }
}

fn facts(
    project: &Project,
    (old, new): (PathBuf, PathBuf),
    format: DiffFormat,
    output: Option<&Path>,
) -> Result<(), Error> {
    let old = pipeline::check(&project.root, &old)?;
    let new = pipeline::check(&project.root, &new)?;
    let report = YearOnYear::build(&old, &new);
    output::write_or_print(output, report.write(format).as_bytes())?;
    eprintln!(
        "{} 年与 {} 年相比：{}",
        old.facts.year,
        new.facts.year,
        report.summary()
    );
    Ok(())
}

fn speeches(
    project: &Project,
    (old, new): (PathBuf, PathBuf),
    format: DiffFormat,
    output: Option<&Path>,
) -> Result<(), Error> {
    let compared = wording::compare(project, &old, &new)?;
    output::write_or_print(output, compared.write(format).as_bytes())?;
    eprintln!(
        "{} 年与 {} 年的讲话相比：{}",
        compared.old_year,
        compared.new_year,
        compared.diff.summary()
    );
    Ok(())
}
