//! A speech project in a temporary folder, built from the repository's own templates and sample
//! facts, edited by a test and run through the real `speechgen` binary.

#![allow(dead_code)]

mod documents;
mod fs;
pub mod office;
pub mod pdf_tools;

#[allow(unused_imports)] // only the PDF tests build documents in code
pub use documents::*;
pub use fs::copy_dir;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub const REPO: &str = env!("CARGO_MANIFEST_DIR");

pub struct TestProject {
    pub dir: tempfile::TempDir,
}

impl TestProject {
    /// A copy of the repository's templates/ and facts/.
    pub fn sample() -> TestProject {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["templates", "facts"] {
            copy_dir(&Path::new(REPO).join(sub), &dir.path().join(sub));
        }
        TestProject { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Replaces exactly one occurrence of `from` in a file (fails loudly if it is not there once).
    pub fn edit(&self, rel: &str, from: &str, to: &str) -> &Self {
        let text = self.read(rel);
        assert_eq!(
            text.matches(from).count(),
            1,
            "{from:?} must occur once in {rel}"
        );
        self.write(rel, &text.replacen(from, to, 1));
        self
    }

    pub fn edit_facts(&self, from: &str, to: &str) -> &Self {
        self.edit("facts/2021.yaml", from, to)
    }

    /// The 1-based line and column of `needle`'s first character in a file (characters, not bytes).
    pub fn position(&self, rel: &str, needle: &str) -> (usize, usize) {
        let text = self.read(rel);
        for (i, line) in text.lines().enumerate() {
            if let Some(byte) = line.find(needle) {
                return (i + 1, line[..byte].chars().count() + 1);
            }
        }
        panic!("{needle:?} not in {rel}");
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::cargo_bin("speechgen")
            .unwrap()
            .current_dir(self.root())
            .env_remove("GITHUB_ACTIONS")
            .env("NO_COLOR", "1")
            .args(args)
            .output()
            .unwrap();
        Run::from(output)
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts a diagnostic line in `--message-format short` form, at the given place, with the
    /// given code and a message containing `words`.
    pub fn expect_problem(
        &self,
        file: &str,
        (line, column): (usize, usize),
        code: &str,
        words: &str,
    ) -> &Self {
        let head = format!("{file}:{line}:{column}: error[{code}]: ");
        let found = self.stderr.lines().find(|l| l.starts_with(&head));
        match found {
            Some(l) => assert!(l.contains(words), "{l}\nshould contain {words:?}"),
            None => panic!("no problem {head:?}\n--- stderr\n{}", self.stderr),
        }
        self
    }
}
