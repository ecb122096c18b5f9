//! The one test harness of the integration tests (`crate::harness` in `tests/it/`; `tests/fuzz.rs`
//! and the benches include it by path), after mdBook's `tests/testsuite/` and just's `Test`
//! builder: a speech project in a temporary folder, run through the real binary or served by the
//! preview server.
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

// tests/fuzz.rs and the benches include the harness by path, each using a few parts of it.
#![allow(dead_code, unused_imports)]

pub mod browser;
mod documents;
mod http;
pub mod mutate;
pub mod ofd_readers;
pub mod office;
pub mod pdf_glyphs;
pub mod pdf_tools;
pub mod preview;
pub mod programs;
mod project;
mod run;
mod serve;

pub use documents::*;
pub use http::{Client, Response, get, raw};
pub use preview::{Figure, change_one_count, figure_text, figures};
pub use project::{FACTS, FIGURES, Project, REPO, TEMPLATE, copy_dir};
pub use run::Run;
pub use serve::Served;

use std::collections::BTreeMap;
use std::io::Read;
use std::time::{Duration, Instant};

use speechgen::pdf::{FontChoice, PdfOptions};

/// `speechgen check` with one diagnostic a line (`file:line:column: error[code]: …`, what
/// `Run::expect_problem` reads).
pub fn check(p: &Project) -> Run {
    check_with(p, &[])
}

/// `check` with more arguments (a facts file, `--fonts bundled`).
pub fn check_with(p: &Project, args: &[&str]) -> Run {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--message-format", "short"]);
    p.run(&all)
}

/// The Markdown speech `render` writes, which must succeed.
pub fn render_md(p: &Project) -> String {
    p.run(["render", "--format", "md", "-o", "out"])
        .expect_code(0);
    p.read("out/speech.md")
}

/// The position of `needle` in a file, moved `offset` characters to the right: the place of a
/// value after its key.
pub fn at(p: &Project, rel: &str, needle: &str, offset: usize) -> (usize, usize) {
    let (line, column) = p.position(rel, needle);
    (line, column + offset)
}

/// The PDF options of `--fonts bundled`: the faces compiled in, none from the machine, so that
/// no result depends on the fonts installed.
pub fn bundled_fonts() -> PdfOptions {
    PdfOptions {
        fonts: FontChoice::Bundled,
        font_dirs: Vec::new(),
        standard: None,
    }
}

/// Every part of a zip package (a .docx), by name, as text.
pub fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip package");
    (0..archive.len())
        .map(|i| {
            let mut part = archive.by_index(i).unwrap();
            let mut text = String::new();
            part.read_to_string(&mut text).unwrap();
            (part.name().unwrap().into_owned(), text)
        })
        .collect()
}

/// A speech's Markdown without the digest comment at its end (the `digest` tests check that): the
/// digest changes with every byte of the inputs, the speech's text need not.
pub fn without_digest(md: &str) -> String {
    let (speech, digest) = md
        .rsplit_once("\n<!-- speechgen-digest: ")
        .expect("every Markdown output ends with its digest");
    assert!(digest.ends_with(" -->\n"), "the comment closes the file");
    speech.to_owned()
}

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
