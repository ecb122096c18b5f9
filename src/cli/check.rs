//! `speechgen check`: everything `render` runs, for each facts file, writing nothing; every
//! problem printed. `--format` as `render`'s: a format left out is not checked, as it is not made.

use std::path::PathBuf;

use crate::batch;
use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::format::{Format, Renderers};
use crate::output;
use crate::project::Project;
use crate::report::{self, CheckedFile, MessageFormat, shown_path};

/// How the problems are printed: the message format, every carried-over value in full or
/// grouped, colour.
pub struct Printing {
    pub format: MessageFormat,
    pub verbose: bool,
    pub color: bool,
}

pub fn run(
    project: &Project,
    facts: &[PathBuf],
    formats: &[Format],
    renderers: &Renderers,
    deny_warnings: bool,
    printing: Printing,
) -> Result<(), Error> {
    let Printing {
        format,
        verbose,
        color,
    } = printing;
    let files = project.facts_files(facts)?;
    let machine = format.resolve() == MessageFormat::Json;
    let mut checked = Vec::new();
    // A file that cannot be read (or a font engine failure) does not stop the others being
    // checked, as in `render`: it is the command's error, returned once they are done.
    let mut machine_failure = None;
    for file in &files {
        let diagnostics = match batch::check_all(&project.root, file, renderers, formats) {
            Ok(diagnostics) => diagnostics,
            Err(Error::Invalid(diagnostics)) => diagnostics,
            Err(e) => {
                machine_failure.get_or_insert(e);
                continue;
            }
        };
        if format.resolve() == MessageFormat::Human && !verbose {
            eprint!("{}", grouped(&diagnostics, format, color));
        } else if !machine {
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

/// A value identical to last year's, or a name carried over: one line each in a group.
fn is_carried_over(d: &Diagnostic) -> bool {
    matches!(d.code, "same-as-last-year" | "carried-over-name")
}

/// The problems for a person: errors first, then the other warnings, in full; then the values
/// that are still last year's as one group, a line each (in a first real year they are a
/// hundred or more, and the errors must not drown among them). `--verbose` prints them in full.
fn grouped(diagnostics: &[Diagnostic], format: MessageFormat, color: bool) -> String {
    let mut out = String::new();
    let (carried, others): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
        diagnostics.iter().partition(|d| is_carried_over(d));
    let (errors, warnings): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
        others.into_iter().partition(|d| d.is_error());
    for d in errors.into_iter().chain(warnings) {
        out.push_str(&report::format(d, format, color));
        out.push('\n');
    }
    if carried.is_empty() {
        return out;
    }
    out.push_str(&format!(
        "警告：以下 {} 项与上年相同或沿用了上年的名称，请逐项核实；确认无误的写进事实文件的 confirmed: 列表（speechgen check --verbose 逐条显示全文和可粘贴的写法）：\n",
        carried.len()
    ));
    for d in carried {
        let place = d
            .location
            .as_ref()
            .map(|l| format!("{}:{}:{}", shown_path(&l.file), l.line, l.column))
            .unwrap_or_default();
        let said = d
            .message
            .rsplit_once('：')
            .map_or(d.message.as_str(), |(before, _)| before);
        out.push_str(&format!("  {place}  {said}\n"));
    }
    out
}
