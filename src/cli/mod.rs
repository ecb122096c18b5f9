//! The command line, laid out as mdBook and Zola lay theirs: [`args`] is everything clap parses
//! and the Chinese help around it; one file per command calls the library and prints what it
//! gives. This file hands the parsed line to its command and turns a failure into the process's
//! exit code, in one place.

mod args;
mod check;
mod confirm;
mod diff;
mod figures;
mod import;
mod init;
mod next_year;
mod render;
mod schema;
mod serve;
mod start;
mod verify;

use std::path::Path;
use std::process::ExitCode;

use clap::FromArgMatches;

pub use args::{Cli, ColorChoice, Command, FontArgs, FontsChoice, command};

use crate::batch::RenderOptions;
use crate::error::Error;
use crate::project::Project;

/// Runs the command line; the one place a failure becomes the process's exit code.
pub fn run() -> ExitCode {
    // No arguments, from a terminal or a double-click: the workspace in the browser. From a
    // script or a pipe, clap prints the help and exits 2, as it always has.
    if start::wanted() {
        return start::run();
    }
    let cli = match command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => return args::usage_error(&e),
    };
    let color = cli.color.resolve();
    match dispatch(cli, color) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            e.print(color);
            e.exit_code()
        }
    }
}

fn dispatch(cli: Cli, color: bool) -> Result<(), Error> {
    // These two make a project; they do not need one.
    match &cli.command {
        Command::Init {
            dir,
            office,
            title,
            year,
        } => return init::run(dir, office.as_deref(), title.as_deref(), *year),
        Command::Import {
            file,
            year,
            new: Some(dir),
            office,
            ..
        } => return import::new_project(file, dir, *year, office.as_deref()),
        _ => {}
    }
    let project = match cli.root.as_deref() {
        Some(root) => Project::at(root)?,
        None => Project::discover(Path::new("."))?,
    };
    match cli.command {
        Command::Render {
            facts,
            output,
            format,
            fonts,
            pdf_standard,
            draft,
            mask,
        } => {
            let options = RenderOptions {
                output,
                formats: format,
                renderers: fonts.renderers(pdf_standard),
                kind: args::render_kind(draft, mask),
            };
            render::run(&project, &facts, &options, color)
        }
        Command::Check {
            facts,
            format,
            fonts,
            pdf_standard,
            deny_warnings,
            message_format,
            verbose,
        } => check::run(
            &project,
            &facts,
            &format,
            &fonts.renderers(pdf_standard),
            deny_warnings,
            check::Printing {
                format: message_format,
                verbose,
                color,
            },
        ),
        Command::Figures {
            facts,
            format,
            output,
        } => figures::run(&project, facts.as_deref(), format, output.as_deref()),
        Command::Verify { file, facts } => verify::run(&project, &file, facts.as_deref()),
        Command::Schema { output } => schema::run(&project, output.as_deref()),
        Command::Confirm { facts, paths } => confirm::run(&project, &facts, &paths),
        Command::Init { .. } => unreachable!("handled above"),
        Command::Import {
            file, year, write, ..
        } => {
            let year = year.expect("clap requires --year without --new");
            import::update(&project, &file, year, write)
        }
        Command::Serve {
            facts,
            port,
            host,
            open,
            fonts,
        } => serve::run(&project, facts.as_deref(), (host, port), open, &fonts),
        Command::NextYear { facts, force } => {
            next_year::run(&project, facts.as_deref(), force, color)
        }
        Command::Diff {
            old,
            new,
            wording,
            format,
            output,
        } => diff::run(&project, (&old, &new), wording, format, output.as_deref()),
    }
}
