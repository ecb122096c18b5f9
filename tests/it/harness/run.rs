//! What a run of the binary gave: exit code, stdout and stderr, with the assertions the tests
//! make on them (each failure shows both streams).

use std::process::Output;

use assert_cmd::Command;

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
    /// Runs a prepared command (`Project::command`) and waits for it.
    /// Every PDF the run wrote (under its folder, or a folder named by an absolute argument
    /// such as `-o /tmp/x`) is checked with `qpdf --check` (`pdf_tools::qpdf_check_written`).
    pub fn of(cmd: &mut Command) -> Run {
        let start = std::time::SystemTime::now();
        let run = Run::from(cmd.output().expect("speechgen runs"));
        let mut dirs: Vec<std::path::PathBuf> =
            cmd.get_current_dir().map(Into::into).into_iter().collect();
        let base = dirs.first().cloned();
        for arg in cmd.get_args() {
            let path = std::path::Path::new(arg);
            let path = match &base {
                Some(base) if path.is_relative() => base.join(path),
                _ => path.to_path_buf(),
            };
            if path.is_dir() && !dirs.iter().any(|d| path.starts_with(d)) {
                dirs.push(path);
            }
        }
        for dir in dirs {
            super::pdf_tools::qpdf_check_written(&dir, start);
        }
        run
    }

    fn streams(&self) -> String {
        format!("--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr)
    }

    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "exit code\n{}", self.streams());
        self
    }

    /// Asserts that stdout contains `words`.
    pub fn expect_stdout(&self, words: &str) -> &Self {
        assert!(
            self.stdout.contains(words),
            "stdout should contain {words:?}\n{}",
            self.streams()
        );
        self
    }

    /// Asserts that stderr contains `words`.
    pub fn expect_stderr(&self, words: &str) -> &Self {
        assert!(
            self.stderr.contains(words),
            "stderr should contain {words:?}\n{}",
            self.streams()
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
