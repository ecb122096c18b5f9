//! The one test harness every test file includes (`mod common;`), after mdBook's
//! `tests/testsuite/` and just's `Test` builder: a speech project in a temporary folder, run
//! through the real binary or served by the preview server.
//!
//! ```ignore
//! let p = Project::sample();                     // a copy of the repository's templates/ and facts/
//! p.edit_facts("reminder_talks: 68", "reminder_talks:");
//! p.run(["check"]).expect_code(1);               // the binary, in the project folder
//! let server = p.serve();                        // the preview server on a free port
//! assert_eq!(server.get("/").status, 200);       // stopped when `server` is dropped
//! ```
//!
//! Outside programs (pdftotext, pdfinfo, pdffonts, pdftoppm, chromium) are found by
//! `programs::program`: a test that needs one runs where it is installed; under `CI=true` a missing
//! one is a failure, never a skip.

// Each test file uses a different part of the harness.
#![allow(dead_code, unused_imports)]

pub mod browser;
mod documents;
mod http;
pub mod mutate;
pub mod office;
pub mod pdf_glyphs;
pub mod pdf_tools;
pub mod preview;
pub mod programs;
mod project;
mod run;
mod serve;

pub use documents::*;
pub use http::{Response, get, raw};
pub use preview::{Figure, change_one_count, figure_text, figures};
pub use project::{FACTS, Project, REPO, copy_dir};
pub use run::Run;
pub use serve::Served;

use std::time::{Duration, Instant};

/// A speech's Markdown without the digest comment at its end (tests/digest.rs checks that): the
/// digest changes with every byte of the inputs, the speech's text need not.
pub fn without_digest(md: &str) -> String {
    let (speech, digest) = md
        .rsplit_once("\n<!-- speechgen-digest: ")
        .expect("every Markdown output ends with its digest");
    assert!(digest.ends_with(" -->\n"), "the comment closes the file");
    speech.to_owned()
}

/// The name the tests used before the two harnesses became one (`common::TestProject`).
pub type TestProject = Project;

/// Polls `check` until it returns Some or the deadline passes.
pub fn wait_for<T>(what: &str, timeout: Duration, mut check: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(t) = check() {
            return t;
        }
        assert!(
            start.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The words a reader of the printed speech gets from its Markdown, whitespace removed: without
/// the digest comment, the sample mark (a comment), the draft's mark line and the markup.
pub fn markdown_speech_text(md: &str) -> String {
    let md: String = without_digest(md)
        .lines()
        .filter(|l| !l.starts_with("<!--") && *l != "草稿 · 未定稿，请勿印发")
        .map(|l| format!("{l}\n"))
        .collect();
    pdf_tools::squeeze(
        &md.replace("**", "")
            .replace("## ", "")
            .replace("# ", "")
            .replace('\\', ""),
    )
}
