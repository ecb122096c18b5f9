//! Outside programs the tests drive: the poppler tools and chromium.
//!
//! A test that needs one runs where it is installed. Where it is missing the test is passed over
//! with a note on stderr, except under CI (`CI=true`), where a missing program fails the test: CI
//! must never report success for a check it did not make.

use std::path::PathBuf;

/// The program's path on PATH, or None (with a note) when it is missing outside CI.
pub fn program(name: &str) -> Option<PathBuf> {
    present_or_skip(name, find_on_path(&[name]))
}

/// Whether all the programs are present (see `program`).
pub fn have(names: &[&str]) -> bool {
    names.iter().all(|n| program(n).is_some())
}

/// The chromium to drive: `$CHROMIUM`, else `chromium` or `chromium-browser` on PATH; None (with
/// a note) when there is none outside CI.
pub fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| find_on_path(&["chromium", "chromium-browser"]));
    present_or_skip("chromium", found)
}

fn find_on_path(names: &[&str]) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

fn present_or_skip(name: &str, found: Option<PathBuf>) -> Option<PathBuf> {
    if found.is_none() {
        let install = match name {
            "chromium" => "apt-get install -y chromium fonts-noto-cjk, or set CHROMIUM",
            "qpdf" => "apt-get install -y qpdf",
            _ => "apt-get install -y poppler-utils",
        };
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{name} is required under CI=true ({install})"
        );
        eprintln!("SKIPPED: {name} not found, check not made ({install})");
    }
    found
}
